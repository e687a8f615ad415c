#include "gitlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

/* The Makefile reads the soname off the libgit2 the headers came with, so
 * the library opened is the one this code was compiled against. */
#ifndef GITLIB_SONAME
#error "GITLIB_SONAME: build with the Makefile"
#endif
_Static_assert(sizeof GITLIB_SONAME > 1, "GITLIB_SONAME is empty: is libgit2-dev installed?");

struct GitLib gitlib;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[512];

static void load(void)
{
    void *h = dlopen(GITLIB_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(load_error, sizeof load_error, "%s", dlerror());
        return;
    }
    /* POSIX's way of storing dlsym's pointer into a function pointer. */
#define GITLIB_RESOLVE(f)                                                                   \
    if (!(*(void **)&gitlib.f = dlsym(h, #f))) {                                              \
        snprintf(load_error, sizeof load_error, "%s has no %s", GITLIB_SONAME, #f);          \
        return;                                                                              \
    }
    GITLIB_FUNCTIONS(GITLIB_RESOLVE)
#undef GITLIB_RESOLVE
}

bool gitlib_load(Err *err)
{
    pthread_once(&load_once, load);
    if (load_error[0])
        return err_set(err, "cannot open libgit2, which keeps the sessions' files: %s; install libgit2 "
                            "(Debian: apt-get install libgit2-dev)",
                       load_error);
    return true;
}

const char *gitlib_name(void)
{
    return GITLIB_SONAME;
}
