#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "testutil.h"
#include "xalloc.h"

static bool has_table(Store *s, const char *name)
{
    sqlite3_stmt *st;
    cr_assert(store_prepare(s, &st, "SELECT 1 FROM sqlite_schema WHERE type='table' AND name=?", NULL));
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

static char *pragma_text(Store *s, const char *pragma)
{
    sqlite3_stmt *st;
    cr_assert(store_prepare(s, &st, pragma, NULL));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    char *v = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}

Test(store, fresh_create_has_tables_and_settings)
{
    char *db = xasprintf("%s/tide.db", tu_tempdir());
    Store s;
    Err err;
    cr_assert(store_open(&s, db, &err), "%s", err.msg);
    cr_assert_eq(store_schema_version(&s), store_schema_latest());
    cr_assert(has_table(&s, "code_sessions"));
    cr_assert(has_table(&s, "code_files"));
    cr_assert(has_table(&s, "code_results"));
    char *mode = pragma_text(&s, "PRAGMA journal_mode");
    cr_assert_str_eq(mode, "wal");
    char *fk = pragma_text(&s, "PRAGMA foreign_keys");
    cr_assert_str_eq(fk, "1");
    free(mode);
    free(fk);
    store_close(&s);
    free(db);
}

Test(store, reopen_keeps_data)
{
    char *db = xasprintf("%s/tide.db", tu_tempdir());
    Store s;
    Err err;
    cr_assert(store_open(&s, db, &err), "%s", err.msg);
    cr_assert(store_exec(&s,
                         "INSERT INTO code_sessions (name, language, kind, workdir, git_dir, created_at, "
                         "last_used_at) VALUES ('a', 'python', 'scratch', '/w', '/g', 1, 1)",
                         &err),
              "%s", err.msg);
    store_close(&s);
    cr_assert(store_open(&s, db, &err), "%s", err.msg);
    StoreCounts c;
    cr_assert(store_counts(&s, &c, &err), "%s", err.msg);
    cr_assert_eq(c.sessions, 1);
    cr_assert_eq(c.results, 0);
    cr_assert_gt(c.db_bytes, 0);
    store_close(&s);
    free(db);
}

/* Every `tide run` closes the database as its last connection: the close
 * leaves a small WAL as it is (no copy into the database, no syncs), and
 * the next connection reads the rows from it. */
Test(store, closing_leaves_the_wal_for_the_next_connection)
{
    char *db = xasprintf("%s/tide.db", tu_tempdir());
    char *wal = xasprintf("%s-wal", db);
    Store s;
    Err err;
    cr_assert(store_open(&s, db, &err), "%s", err.msg);
    struct stat before;
    cr_assert_eq(stat(db, &before), 0);
    cr_assert(store_exec(&s,
                         "INSERT INTO code_sessions (name, language, kind, workdir, git_dir, created_at, last_used_at)"
                         " VALUES ('kept', 'c', 'scratch', '/w', '/g', 1, 1)",
                         &err),
              "%s", err.msg);
    store_close(&s);
    struct stat st, after;
    cr_assert_eq(stat(wal, &st), 0, "the WAL was checkpointed and deleted at close");
    cr_assert_gt(st.st_size, 0);
    cr_assert_eq(stat(db, &after), 0);
    cr_assert_eq(after.st_size, before.st_size, "the close copied the WAL into the database");
    cr_assert(store_open(&s, db, &err), "%s", err.msg);
    StoreCounts c;
    cr_assert(store_counts(&s, &c, &err));
    cr_assert_eq(c.sessions, 1);

    /* A big one is copied in and emptied: the next process would read
     * all of it at its open, and copy it in again at its first write. */
    cr_assert(store_exec(&s,
                         "INSERT INTO code_sessions (name, language, kind, workdir, git_dir, created_at, last_used_at)"
                         " VALUES (hex(randomblob(400000)), 'c', 'scratch', '/w', '/g', 1, 1)",
                         &err),
              "%s", err.msg);
    cr_assert_eq(stat(wal, &st), 0);
    cr_assert_gt(st.st_size, 256 << 10);
    store_close(&s);
    cr_assert(stat(wal, &st) != 0 || st.st_size == 0, "a WAL of %lld bytes was kept", (long long)st.st_size);
    cr_assert(store_open(&s, db, &err), "%s", err.msg);
    cr_assert(store_counts(&s, &c, &err));
    cr_assert_eq(c.sessions, 2);
    store_close(&s);
    free(wal);
    free(db);
}

Test(store, foreign_keys_are_enforced)
{
    char *db = xasprintf("%s/tide.db", tu_tempdir());
    Store s;
    Err err;
    cr_assert(store_open(&s, db, &err), "%s", err.msg);
    cr_assert_not(store_exec(&s,
                             "INSERT INTO code_results (session_id, language, entry, status, created_at) "
                             "VALUES (42, 'python', 'x.py', 'ok', 1)",
                             &err));
    cr_assert(strstr(err.msg, "FOREIGN KEY"), "%s", err.msg);
    store_close(&s);
    free(db);
}

Test(store, migrates_an_old_database)
{
    /* A database at schema 0 (what a tide before the first migration, or
     * an empty file, looks like) is brought to the latest schema. */
    char *db = xasprintf("%s/tide.db", tu_tempdir());
    sqlite3 *raw;
    cr_assert_eq(sqlite3_open(db, &raw), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(raw, "CREATE TABLE unrelated (x); PRAGMA user_version = 0", NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(raw);
    Store s;
    Err err;
    cr_assert(store_open(&s, db, &err), "%s", err.msg);
    cr_assert_eq(store_schema_version(&s), store_schema_latest());
    cr_assert(has_table(&s, "code_results"));
    cr_assert(has_table(&s, "unrelated"), "a migration must not drop what it does not own");
    store_close(&s);
    free(db);
}

Test(store, failed_migration_changes_nothing)
{
    /* A table in the way makes migration 1 fail half-way: the transaction
     * must leave neither its other tables nor a new version behind. */
    char *db = xasprintf("%s/tide.db", tu_tempdir());
    sqlite3 *raw;
    cr_assert_eq(sqlite3_open(db, &raw), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(raw, "CREATE TABLE code_files (x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    Store s;
    Err err;
    cr_assert_not(store_open(&s, db, &err));
    cr_assert(strstr(err.msg, "schema 1"), "%s", err.msg);
    cr_assert_eq(sqlite3_open(db, &raw), SQLITE_OK);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(raw, "SELECT count(*) FROM sqlite_schema WHERE name='code_sessions'", -1,
                                    &st, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    cr_assert_eq(sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    sqlite3_close(raw);
    free(db);
}

Test(store, refuses_a_newer_schema)
{
    char *db = xasprintf("%s/tide.db", tu_tempdir());
    sqlite3 *raw;
    cr_assert_eq(sqlite3_open(db, &raw), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(raw, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    Store s;
    Err err;
    cr_assert_not(store_open(&s, db, &err));
    cr_assert(strstr(err.msg, "newer tide"), "%s", err.msg);
    free(db);
}

Test(store, refuses_a_text_file_without_changing_it)
{
    char *db = xasprintf("%s/tide.db", tu_tempdir());
    const char *text = "these are my notes, not a database\n";
    tu_write(db, text, strlen(text));
    Store s;
    Err err;
    cr_assert_not(store_open(&s, db, &err));
    cr_assert(strstr(err.msg, "not a tide database"), "%s", err.msg);
    size_t len;
    char *after = tu_read(db, &len);
    cr_assert_eq(len, strlen(text));
    cr_assert_str_eq(after, text);
    char *wal = xasprintf("%s-wal", db);
    cr_assert_eq(access(wal, F_OK), -1, "no WAL file may appear next to a foreign file");
    free(wal);
    free(after);
    free(db);
}

Test(store, refuses_a_folder)
{
    char *db = xasprintf("%s/tide.db", tu_tempdir());
    cr_assert_eq(mkdir(db, 0700), 0);
    Store s;
    Err err;
    cr_assert_not(store_open(&s, db, &err));
    cr_assert(strstr(err.msg, "is a folder"), "%s", err.msg);
    free(db);
}

static void writer(const char *db, int who, int rows)
{
    Store s;
    Err err;
    if (!store_open(&s, db, &err))
        _exit(10);
    for (int i = 0; i < rows; i++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "INSERT INTO code_sessions (name, language, kind, workdir, git_dir, created_at, last_used_at)"
                 " VALUES ('p%d-%d', 'c', 'scratch', '/w', '/g', 1, 1)",
                 who, i);
        if (!store_begin(&s, &err) || !store_exec(&s, sql, &err) || !store_commit(&s, &err))
            _exit(11);
    }
    store_close(&s);
    _exit(0);
}

Test(store, two_processes_write_at_once)
{
    char *db = xasprintf("%s/tide.db", tu_tempdir());
    Store s;
    Err err;
    cr_assert(store_open(&s, db, &err), "%s", err.msg);
    store_close(&s);
    enum { ROWS = 300 };
    pid_t a = fork();
    if (a == 0)
        writer(db, 1, ROWS);
    pid_t b = fork();
    if (b == 0)
        writer(db, 2, ROWS);
    int sa, sb;
    waitpid(a, &sa, 0);
    waitpid(b, &sb, 0);
    cr_assert(WIFEXITED(sa) && WEXITSTATUS(sa) == 0, "writer 1 failed (%d)", WEXITSTATUS(sa));
    cr_assert(WIFEXITED(sb) && WEXITSTATUS(sb) == 0, "writer 2 failed (%d)", WEXITSTATUS(sb));
    cr_assert(store_open(&s, db, &err), "%s", err.msg);
    StoreCounts c;
    cr_assert(store_counts(&s, &c, &err));
    cr_assert_eq(c.sessions, 2 * ROWS);
    store_close(&s);
    free(db);
}

static int64_t one_int(Store *s, const char *sql)
{
    sqlite3_stmt *st;
    cr_assert(store_prepare(s, &st, sql, NULL));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

Test(store, upgrade_from_schema_3_keeps_records_and_never_reuses_ids)
{
    /* A database as tide wrote it at schema 3, with two sessions, their
     * runs, files and search text. */
    char *db = xasprintf("%s/tide.db", tu_tempdir());
    sqlite3 *raw;
    cr_assert_eq(sqlite3_open(db, &raw), SQLITE_OK);
    for (int n = 1; n <= 3; n++)
        cr_assert_eq(sqlite3_exec(raw, store_migration(n), NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(raw));
    cr_assert_eq(sqlite3_exec(raw,
                              "INSERT INTO code_sessions (id, name, language, kind, workdir, git_dir, created_at,"
                              "  last_used_at) VALUES (1, 'a', 'python', 'scratch', '/w1', '/g1', 1, 1),"
                              "  (2, 'b', 'c', 'folder', '/w2', '/g2', 1, 1);"
                              "INSERT INTO code_results (id, session_id, language, entry, code, output, status,"
                              "  created_at, message, build_cached) VALUES"
                              "  (1, 1, 'python', 'a.py', 'print(41)', '41', 'ok', 1, NULL, 0),"
                              "  (2, 2, 'c', 'b.c', 'int main', '', 'ok', 2, 'm', 1),"
                              "  (3, 2, 'c', 'b.c', 'int main', 'zebra_output', 'ok', 3, NULL, 1);"
                              "INSERT INTO run_search (rowid, entry, code, output, error)"
                              "  SELECT id, entry, code, CAST(output AS TEXT), '' FROM code_results;"
                              "INSERT INTO code_files (session_id, result_id, path, origin, size, created_at,"
                              "  updated_at) VALUES (2, 3, 'out.txt', 'generated', 5, 3, 3);"
                              "PRAGMA user_version = 3",
                              NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(raw));
    sqlite3_close(raw);

    Store s;
    Err err;
    cr_assert(store_open(&s, db, &err), "%s", err.msg);
    cr_assert_eq(store_schema_version(&s), store_schema_latest());
    char *fk = pragma_text(&s, "PRAGMA foreign_keys");
    cr_assert_str_eq(fk, "1");
    free(fk);
    cr_assert_eq(one_int(&s, "SELECT count(*) FROM code_sessions"), 2);
    cr_assert_eq(one_int(&s, "SELECT count(*) FROM code_results WHERE session_id = 2 AND build_cached = 1"), 2);
    cr_assert_eq(one_int(&s, "SELECT count(*) FROM code_files WHERE result_id = 3"), 1);
    cr_assert_eq(one_int(&s, "SELECT rowid FROM run_search WHERE run_search MATCH 'zebra'"), 3);

    /* The highest session goes, with its runs, files and search text... */
    cr_assert(store_exec(&s, "DELETE FROM code_sessions WHERE id = 2", &err), "%s", err.msg);
    cr_assert_eq(one_int(&s, "SELECT count(*) FROM code_results"), 1);
    cr_assert_eq(one_int(&s, "SELECT count(*) FROM code_files"), 0);
    cr_assert_eq(one_int(&s, "SELECT count(*) FROM run_search WHERE run_search MATCH 'zebra'"), 0);
    /* ...and the next ones get new ids, not the ones it had. */
    cr_assert(store_exec(&s,
                         "INSERT INTO code_sessions (name, language, kind, workdir, git_dir, created_at,"
                         "  last_used_at) VALUES ('c', 'go', 'scratch', '/w3', '/g3', 4, 4);"
                         "INSERT INTO code_results (session_id, language, entry, status, created_at)"
                         "  VALUES (1, 'python', 'a.py', 'ok', 4)",
                         &err),
              "%s", err.msg);
    cr_assert_eq(one_int(&s, "SELECT max(id) FROM code_sessions"), 3);
    cr_assert_eq(one_int(&s, "SELECT max(id) FROM code_results"), 4);
    store_close(&s);
    free(db);
}
