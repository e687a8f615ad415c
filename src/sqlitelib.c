#include "sqlitelib.h"

#include <pthread.h>

#include "dynlib.h"

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
#define SQLITELIB_SYM(f) {"sqlite3_" #f, (void **)&sqlite.f},
    static const DynSym syms[] = {SQLITELIB_FUNCTIONS(SQLITELIB_SYM)};
#undef SQLITELIB_SYM
    dynlib_open(SQLITELIB_SONAME, syms, sizeof syms / sizeof *syms, load_error, sizeof load_error);
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
