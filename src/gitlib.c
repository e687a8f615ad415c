#include "gitlib.h"

#include <pthread.h>
#include <stdio.h>

#include "dynlib.h"

/* The Makefile reads the soname off the libgit2 the headers came with, so
 * the library opened is the one this code was compiled against. */
#ifndef GITLIB_SONAME
#error "GITLIB_SONAME: build with the Makefile"
#endif
_Static_assert(sizeof GITLIB_SONAME > 1, "GITLIB_SONAME is empty: is libgit2-dev installed?");

struct GitLib gitlib;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[512];
static bool load_started; /* opened and resolved: an error after is libgit2's start */

static void load(void)
{
#define GITLIB_SYM(f) {#f, (void **)&gitlib.f},
    static const DynSym syms[] = {GITLIB_FUNCTIONS(GITLIB_SYM)};
#undef GITLIB_SYM
    if (!dynlib_open(GITLIB_SONAME, syms, sizeof syms / sizeof *syms, load_error, sizeof load_error))
        return;
    load_started = true;
    /* Started once for the life of the process, never shut down: each start
     * after a shutdown set all of libgit2 up again, and the IDE opened and
     * closed a repository at every run. */
    if (gitlib.git_libgit2_init() < 0) {
        const git_error *e = gitlib.git_error_last();
        snprintf(load_error, sizeof load_error, "%s", e && e->message ? e->message : "no reason given");
    }
}

/* Debian's libgit2 is built with mbed TLS, and its start parses the
 * system's whole CA bundle (/etc/ssl/certs/ca-certificates.crt, ~140
 * certificates) for HTTPS remotes: 7.5-8 ms of CPU, measured, at every
 * `tide run` that records its files, more than the rest of the run.  tide
 * never talks to a remote.  These two definitions are exported from the
 * program (the Makefile's GITLIB_LDFLAGS), so the dynamic linker binds the
 * libgit2 opened above to them before mbed TLS's own: they load nothing and
 * report success, leaving libgit2 a chain of no trusted certificates, under which
 * any HTTPS connection it were ever asked to make would fail verification
 * rather than go unchecked.  A libgit2 built with OpenSSL never calls them. */
int mbedtls_x509_crt_parse_file(void *chain, const char *path);
int mbedtls_x509_crt_parse_path(void *chain, const char *path);

int mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
    (void)chain;
    (void)path;
    return 0;
}

int mbedtls_x509_crt_parse_path(void *chain, const char *path)
{
    (void)chain;
    (void)path;
    return 0;
}

bool gitlib_load(Err *err)
{
    pthread_once(&load_once, load);
    if (load_error[0] && load_started)
        return err_set(err, "cannot start libgit2, which keeps the sessions' files: %s", load_error);
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
