#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "xalloc.h"

/* Migration N (1-based) takes the schema from version N-1 to N.  Never edit
 * a migration that has shipped; add a new one. */
static const char *const migrations[] = {
    /* 1: the three tables of design.md. */
    "CREATE TABLE code_sessions ("
    "  id           INTEGER PRIMARY KEY,"
    "  name         TEXT NOT NULL,"
    "  language     TEXT NOT NULL,"
    "  kind         TEXT NOT NULL CHECK (kind IN ('scratch', 'folder')),"
    "  workdir      TEXT NOT NULL,"
    "  git_dir      TEXT NOT NULL,"
    "  status       TEXT NOT NULL DEFAULT 'active',"
    "  created_at   INTEGER NOT NULL,"  /* unix seconds, UTC */
    "  last_used_at INTEGER NOT NULL,"
    "  expires_at   INTEGER"            /* NULL: never */
    ");"
    "CREATE UNIQUE INDEX code_sessions_folder ON code_sessions (workdir, language)"
    "  WHERE kind = 'folder';"
    "CREATE TABLE code_results ("
    "  id               INTEGER PRIMARY KEY,"
    "  session_id       INTEGER NOT NULL REFERENCES code_sessions (id) ON DELETE CASCADE,"
    "  language         TEXT NOT NULL,"
    "  entry            TEXT NOT NULL,"
    "  commit_oid       TEXT,"
    "  code             TEXT NOT NULL DEFAULT '',"
    "  stdin            BLOB,"
    "  stdin_mode       TEXT NOT NULL DEFAULT 'none'"
    "                   CHECK (stdin_mode IN ('none', 'file', 'pipe', 'interactive')),"
    "  args             TEXT NOT NULL DEFAULT '[]',"  /* JSON array */
    "  output           BLOB NOT NULL DEFAULT '',"
    "  error            BLOB NOT NULL DEFAULT '',"
    "  status           TEXT NOT NULL,"
    "  exit_code        INTEGER,"
    "  signal           INTEGER,"
    "  compile_time     REAL,"  /* seconds */
    "  execution_time   REAL,"
    "  peak_memory_kb   INTEGER,"
    "  output_truncated INTEGER NOT NULL DEFAULT 0,"
    "  note             TEXT,"  /* what tide could not record, and why */
    "  created_at       INTEGER NOT NULL"
    ");"
    "CREATE INDEX code_results_session ON code_results (session_id, id);"
    "CREATE TABLE code_files ("
    "  id          INTEGER PRIMARY KEY,"
    "  session_id  INTEGER NOT NULL REFERENCES code_sessions (id) ON DELETE CASCADE,"
    "  result_id   INTEGER REFERENCES code_results (id) ON DELETE CASCADE,"
    "  path        TEXT NOT NULL,"
    "  origin      TEXT NOT NULL CHECK (origin IN ('user', 'import', 'generated')),"
    "  size        INTEGER NOT NULL,"
    "  file_type   TEXT,"
    "  blob_oid    TEXT,"
    "  created_at  INTEGER NOT NULL,"
    "  updated_at  INTEGER NOT NULL,"
    "  expires_at  INTEGER"
    ");"
    "CREATE UNIQUE INDEX code_files_path ON code_files (session_id, origin, path, ifnull(result_id, 0));"
    "CREATE INDEX code_files_result ON code_files (result_id);",

    /* 2: recorded runs.  Full-text search over what each run ran and
     * printed: trigram tokens, so any substring of three or more characters
     * of an identifier matches.  The text is written by the session module
     * (output is made valid UTF-8 first); deletes, including the cascade
     * from code_sessions, are followed by the trigger. */
    "CREATE VIRTUAL TABLE run_search USING fts5("
    "  entry, code, output, error, tokenize = 'trigram');"
    "CREATE TRIGGER run_search_delete AFTER DELETE ON code_results BEGIN"
    "  DELETE FROM run_search WHERE rowid = old.id;"
    "END;"
    "INSERT INTO run_search (rowid, entry, code, output, error)"
    "  SELECT id, entry, code, CAST(output AS TEXT), CAST(error AS TEXT) FROM code_results;"
    "ALTER TABLE code_results ADD COLUMN stdin_truncated INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX code_sessions_expiry ON code_sessions (expires_at) WHERE expires_at IS NOT NULL;"
    "CREATE INDEX code_files_expiry ON code_files (expires_at) WHERE expires_at IS NOT NULL;",

    /* 3: more of what exec reports: its one-line message (limits, sandbox
     * errors), the compiler's messages of a successful build (warnings),
     * and whether the build came from the cache. */
    "ALTER TABLE code_results ADD COLUMN message TEXT;"
    "ALTER TABLE code_results ADD COLUMN compile_output BLOB NOT NULL DEFAULT '';"
    "ALTER TABLE code_results ADD COLUMN build_cached INTEGER NOT NULL DEFAULT 0;",

    /* 4: session and result ids are never given out twice.  Without
     * AUTOINCREMENT SQLite reuses the highest id once its row is deleted
     * (tide session rm, tide gc), and a script holding "result 12" would
     * then read another run.  SQLite cannot add AUTOINCREMENT to a table,
     * so both are rebuilt (its documented procedure: migrate() runs with
     * foreign keys off and checks them before committing); the children
     * keep naming the tables, which the renames give back. */
    "CREATE TABLE code_sessions_new ("
    "  id           INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  name         TEXT NOT NULL,"
    "  language     TEXT NOT NULL,"
    "  kind         TEXT NOT NULL CHECK (kind IN ('scratch', 'folder')),"
    "  workdir      TEXT NOT NULL,"
    "  git_dir      TEXT NOT NULL,"
    "  status       TEXT NOT NULL DEFAULT 'active',"
    "  created_at   INTEGER NOT NULL,"
    "  last_used_at INTEGER NOT NULL,"
    "  expires_at   INTEGER"
    ");"
    "INSERT INTO code_sessions_new SELECT id, name, language, kind, workdir, git_dir, status, created_at,"
    "  last_used_at, expires_at FROM code_sessions;"
    "DROP TABLE code_sessions;"
    "ALTER TABLE code_sessions_new RENAME TO code_sessions;"
    "CREATE UNIQUE INDEX code_sessions_folder ON code_sessions (workdir, language)"
    "  WHERE kind = 'folder';"
    "CREATE INDEX code_sessions_expiry ON code_sessions (expires_at) WHERE expires_at IS NOT NULL;"
    "CREATE TABLE code_results_new ("
    "  id               INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  session_id       INTEGER NOT NULL REFERENCES code_sessions (id) ON DELETE CASCADE,"
    "  language         TEXT NOT NULL,"
    "  entry            TEXT NOT NULL,"
    "  commit_oid       TEXT,"
    "  code             TEXT NOT NULL DEFAULT '',"
    "  stdin            BLOB,"
    "  stdin_mode       TEXT NOT NULL DEFAULT 'none'"
    "                   CHECK (stdin_mode IN ('none', 'file', 'pipe', 'interactive')),"
    "  args             TEXT NOT NULL DEFAULT '[]',"
    "  output           BLOB NOT NULL DEFAULT '',"
    "  error            BLOB NOT NULL DEFAULT '',"
    "  status           TEXT NOT NULL,"
    "  exit_code        INTEGER,"
    "  signal           INTEGER,"
    "  compile_time     REAL,"
    "  execution_time   REAL,"
    "  peak_memory_kb   INTEGER,"
    "  output_truncated INTEGER NOT NULL DEFAULT 0,"
    "  note             TEXT,"
    "  created_at       INTEGER NOT NULL,"
    "  stdin_truncated  INTEGER NOT NULL DEFAULT 0,"
    "  message          TEXT,"
    "  compile_output   BLOB NOT NULL DEFAULT '',"
    "  build_cached     INTEGER NOT NULL DEFAULT 0"
    ");"
    "INSERT INTO code_results_new SELECT id, session_id, language, entry, commit_oid, code, stdin, stdin_mode,"
    "  args, output, error, status, exit_code, signal, compile_time, execution_time, peak_memory_kb,"
    "  output_truncated, note, created_at, stdin_truncated, message, compile_output, build_cached"
    "  FROM code_results;"
    "DROP TABLE code_results;"
    "ALTER TABLE code_results_new RENAME TO code_results;"
    "CREATE INDEX code_results_session ON code_results (session_id, id);"
    "CREATE TRIGGER run_search_delete AFTER DELETE ON code_results BEGIN"
    "  DELETE FROM run_search WHERE rowid = old.id;"
    "END;",
    /* 5: the tools a run used (JSON: command, path, version), so a result
     * says which Python or compiler produced it. */
    "ALTER TABLE code_results ADD COLUMN toolchain TEXT;",
    /* 6: the name of the file a run's input came from (--stdin FILE, the
     * IDE's < FILE), so the run can be shown as it was asked for. */
    "ALTER TABLE code_results ADD COLUMN stdin_name TEXT;",
    /* 7: whether a run had the host's network (--net, the IDE's Alt-N):
     * what a program could reach is part of how it ran. */
    "ALTER TABLE code_results ADD COLUMN net INTEGER NOT NULL DEFAULT 0;",
};

#define LATEST ((int)(sizeof migrations / sizeof *migrations))

int store_schema_latest(void)
{
    return LATEST;
}

const char *store_migration(int n)
{
    return n >= 1 && n <= LATEST ? migrations[n - 1] : NULL;
}

/* Bytes free for us on the disk holding path's folder (-1: unknown). */
static long long free_bytes(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    struct statvfs vfs;
    long long n = statvfs(slash ? dir : ".", &vfs) == 0 ? (long long)vfs.f_bavail * (long long)vfs.f_frsize : -1;
    free(dir);
    return n;
}

/* A full disk shows up as an I/O error (WAL needs room to open): say so. */
static bool disk_full(const char *path)
{
    return free_bytes(path) == 0;
}

#define BUSY_MS 10000

/* Copy the WAL into the database and empty it, if no other process is
 * reading or writing: never waited for (the IDE may be reading). */
static void empty_wal(Store *s)
{
    sqlite.busy_timeout(s->db, 0);
    (void)store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
    sqlite.busy_timeout(s->db, BUSY_MS);
}

/* Below this, the WAL is copied into the database at every close again
 * (see store_open): space for that copy is there, and a disk that then
 * fills finds the WAL empty, so removing sessions (tide gc) still works. */
#define LOW_SPACE (64LL << 20)

static bool sql_error(Store *s, Err *err, const char *what)
{
    return err_set(err, "database %s: %s (%s)", s->path, sqlite.errmsg(s->db), what);
}

bool store_exec(Store *s, const char *sql, Err *err)
{
    char *msg = NULL;
    if (sqlite.exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(err, "database %s: %s", s->path, msg ? msg : sqlite.errmsg(s->db));
        sqlite.free(msg);
        return false;
    }
    return true;
}

bool store_prepare(Store *s, sqlite3_stmt **st, const char *sql, Err *err)
{
    if (sqlite.prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return sql_error(s, err, "preparing a query");
    return true;
}

bool store_begin(Store *s, Err *err)
{
    return store_exec(s, "BEGIN IMMEDIATE", err);
}

bool store_begin_waiting(Store *s, int wait_ms, Err *err)
{
    sqlite.busy_timeout(s->db, wait_ms);
    bool ok = store_exec(s, "BEGIN IMMEDIATE", err);
    sqlite.busy_timeout(s->db, BUSY_MS);
    return ok;
}

bool store_commit(Store *s, Err *err)
{
    if (store_exec(s, "COMMIT", err))
        return true;
    store_rollback(s);
    return false;
}

void store_rollback(Store *s)
{
    if (!sqlite.get_autocommit(s->db))
        sqlite.exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_schema_version(Store *s)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite.prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite.step(st) == SQLITE_ROW)
            v = sqlite.column_int(st, 0);
        sqlite.finalize(st);
    }
    return v;
}

static bool migrate(Store *s, Err *err)
{
    /* The version is read again inside the write lock: another process may
     * have migrated between our first look and now. */
    if (!store_begin(s, err))
        return false;
    int v = store_schema_version(s);
    for (; v >= 0 && v < LATEST; v++) {
        if (!store_exec(s, migrations[v], err)) {
            store_rollback(s);
            return err_prefix(err, "upgrading the database to schema %d", v + 1);
        }
    }
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", LATEST);
    if (v < 0 || !store_exec(s, sql, err)) {
        store_rollback(s);
        return v < 0 ? sql_error(s, err, "reading the schema version") : false;
    }
    /* Foreign keys are off while migrating (a rebuilt table must not take
     * its children with it when the old one is dropped): check them all
     * before the new schema is committed. */
    sqlite3_stmt *st;
    if (sqlite.prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK) {
        store_rollback(s);
        return sql_error(s, err, "checking the upgraded database");
    }
    bool dangling = sqlite.step(st) == SQLITE_ROW;
    sqlite.finalize(st);
    if (dangling) {
        store_rollback(s);
        return err_set(err, "upgrading the database to schema %d would leave records pointing at nothing; "
                       "nothing was changed", LATEST);
    }
    return store_commit(s, err);
}

bool store_open(Store *s, const char *path, Err *err)
{
    *s = (Store){0};
    if (!sqlitelib_load(err))
        return false;
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return err_set(err, "the database %s is a folder; move it away so tide can create its database", path);
    if (exists && !S_ISREG(st.st_mode))
        return err_set(err, "the database %s is not a regular file; move it away", path);
    if (exists && access(path, R_OK | W_OK) != 0)
        return err_sys(err, "cannot open the database %s", path);
    if (!exists) {
        char *dir = xstrdup(path);
        char *slash = strrchr(dir, '/');
        if (slash)
            *(slash == dir ? slash + 1 : slash) = '\0';
        bool writable = access(slash ? dir : ".", W_OK | X_OK) == 0;
        if (!writable)
            err_sys(err, "cannot create the database %s (folder %s)", path, slash ? dir : ".");
        free(dir);
        if (!writable)
            return false;
    }

    s->path = xstrdup(path);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite.open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        if (!s->db) {
            store_close(s);
            return err_set(err, "cannot open the database %s: out of memory", path);
        }
        err_set(err, "cannot open the database %s: %s", path, sqlite.errmsg(s->db));
        store_close(s);
        return false;
    }
    sqlite.extended_result_codes(s->db, 1);
    sqlite.busy_timeout(s->db, BUSY_MS);

    /* Look before changing anything: journal_mode=WAL writes the header,
     * and a file that is not ours must stay exactly as it was. */
    sqlite3_stmt *q;
    int rc = sqlite.prepare_v2(s->db, "SELECT count(*) FROM sqlite_schema", -1, &q, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite.step(q);
        sqlite.finalize(q);
    }
    if (rc != SQLITE_ROW) {
        int code = sqlite.errcode(s->db) & 0xff;
        if (code == SQLITE_NOTADB)
            err_set(err, "%s is not a tide database (not an SQLite file); move it away so tide can create its own",
                    path);
        else if (code == SQLITE_CORRUPT)
            err_set(err, "the database %s is damaged; move it away (tide will create a new one)", path);
        else
            err_set(err, "cannot read the database %s: %s%s", path, sqlite.errmsg(s->db),
                    disk_full(path) ? " (the disk holding it is full: free some space)" : "");
        store_close(s);
        return false;
    }
    int v = store_schema_version(s);
    if (v > LATEST) {
        err_set(err, "the database %s has schema %d, written by a newer tide (this one knows %d); upgrade tide",
                path, v, LATEST);
        store_close(s);
        return false;
    }
    if (!store_exec(s, "PRAGMA journal_mode = WAL", err) ||
        !store_exec(s, "PRAGMA foreign_keys = OFF", err) ||
        !store_exec(s, "PRAGMA synchronous = NORMAL", err) || (v < LATEST && !migrate(s, err)) ||
        !store_exec(s, "PRAGMA foreign_keys = ON", err)) {
        store_close(s);
        return false;
    }
    /* Each `tide run` is a process of its own, the database's last
     * connection when it closes: SQLite then copied the WAL into the
     * database, synced both and deleted the WAL, which the next run made
     * and synced again, ~3 ms of every recorded run (measured).  The WAL
     * stays (SQLite reads it with the database) while it is small
     * (store_close); not when the disk is nearly full: a full disk leaves
     * no room for the WAL to grow, and the rows that free space must
     * still be deletable. */
    long long room = free_bytes(path);
    if (room < 0 || room >= LOW_SPACE) {
        sqlite.db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
        s->keep_wal = true;
    } else {
        empty_wal(s);
    }
    return true;
}

/* The WAL a close leaves as it is.  The next process to open the
 * database reads all of it (SQLite's recovery of its index, ~10 µs a
 * page), and its own copy into the database (an automatic checkpoint)
 * would be of all of it again at every process: beyond this, the close
 * copies it in and empties it, as long as no other process is reading. */
#define WAL_KEPT_BYTES (256 << 10)

void store_close(Store *s)
{
    struct stat st;
    char *wal = s->db && s->keep_wal ? xasprintf("%s-wal", s->path) : NULL;
    if (wal && stat(wal, &st) == 0 && st.st_size > WAL_KEPT_BYTES)
        empty_wal(s);
    free(wal);
    if (s->db)
        sqlite.close_v2(s->db);
    free(s->path);
    *s = (Store){0};
}

static int64_t count_rows(Store *s, const char *sql)
{
    sqlite3_stmt *st;
    int64_t n = -1;
    if (sqlite.prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite.step(st) == SQLITE_ROW)
            n = sqlite.column_int64(st, 0);
        sqlite.finalize(st);
    }
    return n;
}

bool store_counts(Store *s, StoreCounts *c, Err *err)
{
    *c = (StoreCounts){0};
    c->sessions = count_rows(s, "SELECT count(*) FROM code_sessions");
    c->files = count_rows(s, "SELECT count(*) FROM code_files");
    c->results = count_rows(s, "SELECT count(*) FROM code_results");
    if (c->sessions < 0 || c->files < 0 || c->results < 0)
        return sql_error(s, err, "counting rows");
    struct stat st;
    if (stat(s->path, &st) == 0)
        c->db_bytes += st.st_size;
    char *wal = xasprintf("%s-wal", s->path);
    if (stat(wal, &st) == 0)
        c->db_bytes += st.st_size;
    free(wal);
    return true;
}
