#include "sqlitelib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

/* The Makefile reads the soname off the libsqlite3 the headers came with,
 * so the library opened is the one this code was compiled against. */
#ifndef SQLITELIB_SONAME
#error "SQLITELIB_SONAME: build with the Makefile"
#endif
_Static_assert(sizeof SQLITELIB_SONAME > 1, "SQLITELIB_SONAME is empty: is libsqlite3-dev installed?");

struct SqliteLib sqlite;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[512];

static void load(void)
{
    void *h = dlopen(SQLITELIB_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(load_error, sizeof load_error, "%s", dlerror());
        return;
    }
    /* POSIX's way of storing dlsym's pointer into a function pointer. */
#define SQLITELIB_RESOLVE(f)                                                                 \
    if (!(*(void **)&sqlite.f = dlsym(h, "sqlite3_" #f))) {                                  \
        snprintf(load_error, sizeof load_error, "%s has no sqlite3_%s", SQLITELIB_SONAME, #f); \
        return;                                                                              \
    }
    SQLITELIB_FUNCTIONS(SQLITELIB_RESOLVE)
#undef SQLITELIB_RESOLVE
}

bool sqlitelib_load(Err *err)
{
    pthread_once(&load_once, load);
    if (load_error[0])
        return err_set(err, "cannot open SQLite, which keeps tide's database: %s; install it "
                            "(Debian: apt-get install libsqlite3-0)",
                       load_error);
    return true;
}
