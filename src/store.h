/* The database: one SQLite file, $XDG_DATA_HOME/tide/tide.db, holding
 * code_sessions, code_files and code_results.  Opened in WAL mode with
 * foreign keys on and a busy timeout, so a TUI and CLI processes can use
 * it at once; the schema moves forward by migrations keyed on
 * PRAGMA user_version, each inside a transaction. */
#ifndef TIDE_STORE_H
#define TIDE_STORE_H

#include "sqlitelib.h"
#include <stdint.h>

#include "err.h"

typedef struct Store {
    sqlite3 *db;
    char *path;
    bool keep_wal; /* close leaves a small WAL as it is (store_open) */
} Store;

/* The schema version this tide writes. */
int store_schema_latest(void);
/* The SQL of migration N (1..latest), which takes schema N-1 to N; NULL
 * outside that range.  Tests build databases of older schemas with it. */
const char *store_migration(int n);

/* Open (creating when missing) and migrate.  Refuses, without changing
 * it, a file that is not a database, a folder, or a database written by a
 * newer tide. */
bool store_open(Store *s, const char *path, Err *err);
void store_close(Store *s);
int store_schema_version(Store *s);

/* Write transactions take the lock up front (BEGIN IMMEDIATE), so two
 * writers queue on the busy timeout instead of failing mid-way. */
bool store_begin(Store *s, Err *err);
/* The same, waiting up to wait_ms for another writer (the busy timeout is
 * 10 s): for a write that losing costs more than waiting, a run's record. */
bool store_begin_waiting(Store *s, int wait_ms, Err *err);
bool store_commit(Store *s, Err *err);
void store_rollback(Store *s);

/* Prepare a statement; on failure err says what SQLite said. */
bool store_prepare(Store *s, sqlite3_stmt **st, const char *sql, Err *err);
/* Run SQL that returns no rows. */
bool store_exec(Store *s, const char *sql, Err *err);

typedef struct StoreCounts {
    int64_t sessions, files, results;
    int64_t db_bytes; /* the database file with its WAL */
} StoreCounts;

bool store_counts(Store *s, StoreCounts *c, Err *err);

#endif
