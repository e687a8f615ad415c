/* SQLite, opened the first time tide needs its database rather than
 * linked.  Linked, libsqlite3 (and libm with it) loads at every start of
 * tide: measured, about a third of a millisecond of `tide --version` and of
 * every `tide run --ephemeral`, which never touch the database.
 *
 * The database code calls SQLite through `sqlite.NAME(...)` for SQLite's
 * `sqlite3_NAME`; the table below lists every function it uses.  store_open loads the library,
 * so any code holding an open Store may call it. */
#ifndef TIDE_SQLITELIB_H
#define TIDE_SQLITELIB_H

#include <sqlite3.h>
#include <stdbool.h>

#include "err.h"

#define SQLITELIB_FUNCTIONS(X) \
    X(bind_blob64) \
    X(bind_double) \
    X(bind_int) \
    X(bind_int64) \
    X(bind_null) \
    X(bind_text) \
    X(bind_text64) \
    X(busy_timeout) \
    X(clear_bindings) \
    X(close_v2) \
    X(db_config) \
    X(column_blob) \
    X(column_bytes) \
    X(column_double) \
    X(column_int) \
    X(column_int64) \
    X(column_text) \
    X(column_type) \
    X(errcode) \
    X(errmsg) \
    X(exec) \
    X(extended_result_codes) \
    X(finalize) \
    X(free) \
    X(get_autocommit) \
    X(last_insert_rowid) \
    X(open_v2) \
    X(prepare_v2) \
    X(reset) \
    X(step)

#define SQLITELIB_MEMBER(f) __typeof__(sqlite3_##f) *f;
struct SqliteLib {
    SQLITELIB_FUNCTIONS(SQLITELIB_MEMBER)
};
#undef SQLITELIB_MEMBER

/* Filled by sqlitelib_load; a process has one SQLite. */
extern struct SqliteLib sqlite;

/* Open libsqlite3 (once; later calls only report how that went).  False,
 * with a message saying what is missing, when it cannot be opened. */
bool sqlitelib_load(Err *err);

#endif
