#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "expiry.h"
#include "fileio.h"
#include "session.h"
#include "session_files.h"
#include "testutil.h"
#include "xalloc.h"

static App app;

static void setup(void)
{
    tu_fresh_xdg();
    Err err;
    cr_assert(app_init(&app, &err), "%s", err.msg);
}

static void teardown(void)
{
    app_free(&app);
}

TestSuite(session, .init = setup, .fini = teardown);

static RunRecord fake(const char *output)
{
    return (RunRecord){.status = "ok",
                       .exit_code = 0,
                       .compile_time = -1,
                       .execution_time = 0.25,
                       .peak_memory_kb = 1234,
                       .output = output,
                       .output_len = strlen(output),
                       .error = "",
                       .stdin_mode = "none"};
}

/* One recorded run of entry with a made-up result; returns its id. */
static int64_t run_once(Session *s, const char *entry, const RunRecord *rec, SessionRunResult *res)
{
    const char *files[] = {entry, NULL};
    SessionRunSpec spec = {.files = files};
    SessionRun *run;
    Err err;
    cr_assert(session_run_begin(&app, s, &spec, &run, &err), "%s", err.msg);
    cr_assert(session_run_finish(run, rec, res, &err), "%s", err.msg);
    cr_assert(res->recorded);
    return res->result_id;
}

static void put(const char *dir, const char *rel, const char *text)
{
    char *p = xasprintf("%s/%s", dir, rel);
    tu_write(p, text, strlen(text));
    free(p);
}

static int64_t count(const char *sql)
{
    Store *store;
    cr_assert(app_store(&app, &store, NULL));
    sqlite3_stmt *st;
    cr_assert(store_prepare(store, &st, sql, NULL));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void exec_sql(const char *sql)
{
    Store *store;
    Err err;
    cr_assert(app_store(&app, &store, &err), "%s", err.msg);
    cr_assert(store_exec(store, sql, &err), "%s", err.msg);
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
    closedir(d);
    return n;
}

Test(session, scratch_session_starts_with_the_starter)
{
    Session s;
    Err err;
    cr_assert(session_new_scratch(&app, lang_by_key("python"), NULL, &s, &err), "%s", err.msg);
    cr_assert_str_eq(s.name, "python-1");
    cr_assert_eq(s.kind, SESSION_SCRATCH);
    char *starter = xasprintf("%s/main.py", s.workdir);
    char *text = tu_read(starter, NULL);
    cr_assert_str_eq(text, lang_by_key("python")->starter);
    cr_assert(fileio_is_dir(s.git_dir));
    cr_assert_eq(s.expires_at - s.last_used_at, 48 * 3600);
    cr_assert_eq(count("SELECT count(*) FROM code_files WHERE path = 'main.py' AND origin = 'user'"), 1);

    Session again;
    cr_assert(session_find(&app, "python-1", &again, &err), "%s", err.msg);
    cr_assert_eq(again.id, s.id);
    session_free(&again);
    cr_assert_not(session_find(&app, "99", &again, &err));
    cr_assert(strstr(err.msg, "no session 99"), "%s", err.msg);
    cr_assert_not(session_new_scratch(&app, lang_by_key("c"), "python-1", &again, &err));
    cr_assert(strstr(err.msg, "already a session called"), "%s", err.msg);
    cr_assert_not(session_new_scratch(&app, lang_by_key("c"), "42", &again, &err));
    free(text);
    free(starter);
    session_free(&s);
}

/* The IDE offers the scratch sessions people made to resume: not those
 * of code from standard input (one a run, for an agent), nor folders'. */
Test(session, the_scratch_sessions_to_resume_leave_out_those_of_standard_input)
{
    Session a, b, c, d;
    Err err;
    cr_assert(session_new_scratch(&app, lang_by_key("python"), NULL, &a, &err), "%s", err.msg);
    cr_assert(session_new_for_stdin(&app, lang_by_key("c"), &b, &err), "%s", err.msg);
    cr_assert_str_eq(b.name, "c-stdin-2");
    cr_assert_not(fileio_exists(b.git_dir), "a stdin session's repository waits for its first run");
    char *folder = xasprintf("%s/proj", tu_tempdir());
    cr_assert(fileio_mkdirs(folder, 0755, &err), "%s", err.msg);
    cr_assert(session_for_folder(&app, folder, lang_by_key("go"), &c, &err), "%s", err.msg);
    cr_assert(session_new_scratch(&app, lang_by_key("rust"), "mine", &d, &err), "%s", err.msg);
    exec_sql("UPDATE code_sessions SET last_used_at = id");
    Session *list;
    size_t n;
    cr_assert(session_list_scratch(&app, 5, &list, &n, &err), "%s", err.msg);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(list[0].name, "mine");
    cr_assert_str_eq(list[1].name, "python-1");
    session_list_free(list, n);
    cr_assert(session_list_scratch(&app, 1, &list, &n, &err), "%s", err.msg);
    cr_assert_eq(n, 1);
    session_list_free(list, n);
    free(folder);
    session_free(&a);
    session_free(&b);
    session_free(&c);
    session_free(&d);
}

static void remove_file(const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s", dir, name);
    cr_assert_eq(unlink(path), 0);
    free(path);
}

/* The editor's copy of main.py, for history_diff_now. */
static char *editor_copy(void *ud, const char *path, size_t *len)
{
    (void)ud;
    const char *base = strrchr(path, '/');
    if (!base || strcmp(base, "/main.py") != 0)
        return NULL;
    *len = strlen("print(\"edited\")\n");
    return xstrdup("print(\"edited\")\n");
}

Test(session, runs_are_recorded_with_their_snapshot)
{
    Session s;
    Err err;
    cr_assert(session_new_scratch(&app, lang_by_key("python"), "calc", &s, &err), "%s", err.msg);
    SessionRunResult r1, r2, r3;
    RunRecord rec = fake("Hello from tide! (ran)\n");
    int64_t id1 = run_once(&s, "main.py", &rec, &r1);
    cr_assert_eq(strlen(r1.commit), 40);
    int64_t id2 = run_once(&s, "main.py", &rec, &r2);
    cr_assert_str_eq(r2.commit, r1.commit, "nothing changed: the same snapshot");
    put(s.workdir, "main.py", "def compute_total(x):\n    return x * 2\n\nprint(compute_total(21))\n");
    RunRecord rec3 = fake("42\n");
    int64_t id3 = run_once(&s, "main.py", &rec3, &r3);
    cr_assert_str_neq(r3.commit, r1.commit);
    cr_assert(id1 < id2 && id2 < id3);

    HistoryResult *list;
    size_t n;
    cr_assert(history_list(&app, s.id, 0, &list, &n, &err), "%s", err.msg);
    cr_assert_eq(n, 3);
    cr_assert_eq(list[0].id, id3, "newest first");
    cr_assert_str_eq(list[0].status, "ok");
    cr_assert_eq(list[0].compile_time, -1);
    history_list_free(list, n);
    cr_assert(history_list(&app, 0, 2, &list, &n, &err), "%s", err.msg);
    cr_assert_eq(n, 2);
    history_list_free(list, n);

    HistoryResult one;
    cr_assert(history_get(&app, id3, &one, &err), "%s", err.msg);
    cr_assert(strstr(one.code, "compute_total"));
    cr_assert_str_eq(one.output, "42\n");
    cr_assert_eq(one.peak_memory_kb, 1234);
    cr_assert_str_eq(one.stdin_mode, "none");
    history_result_free(&one);

    StrBuf diff = {0};
    cr_assert(history_diff(&app, id1, id3, &diff, &err), "%s", err.msg);
    cr_assert(strstr(diff.data, "+def compute_total(x):"), "%s", diff.data);
    cr_assert(strstr(diff.data, "-Hello from tide! (ran)\n+42\n"), "%s", diff.data);
    sb_free(&diff);

    /* Since run 1: its file as the editor has it now, another as on disk. */
    put(s.workdir, "notes.txt", "later\n");
    HistoryResult first;
    cr_assert(history_get(&app, id1, &first, &err), "%s", err.msg);
    cr_assert(history_diff_now(&app, &first, s.workdir, NULL, NULL, &diff, &err), "%s", err.msg);
    cr_assert(strstr(diff.data, "--- main.py (result #"), "%s", diff.data);
    cr_assert(strstr(diff.data, "+def compute_total(x):"), "%s", diff.data);
    cr_assert_null(strstr(diff.data, "notes.txt"), "a file the run did not see: %s", diff.data);
    sb_free(&diff);
    remove_file(s.workdir, "main.py");
    cr_assert(history_diff_now(&app, &first, s.workdir, NULL, NULL, &diff, &err), "%s", err.msg);
    cr_assert(strstr(diff.data, "+++ main.py (gone)"), "%s", diff.data);
    sb_free(&diff);
    cr_assert(history_diff_now(&app, &first, s.workdir, editor_copy, NULL, &diff, &err), "%s", err.msg);
    cr_assert(strstr(diff.data, "+print(\"edited\")"), "%s", diff.data);
    sb_free(&diff);
    HistoryChange *changes;
    size_t nchanges;
    cr_assert(history_files_changed(&app, &first, s.workdir, editor_copy, NULL, &changes, &nchanges, &err), "%s",
              err.msg);
    cr_assert_eq(nchanges, 1);
    cr_assert_str_eq(changes[0].path, "main.py");
    cr_assert_not(changes[0].gone);
    cr_assert_eq(changes[0].then_len, first.code_len, "the file as run 1 ran it");
    cr_assert_eq(memcmp(changes[0].then, first.code, first.code_len), 0);
    cr_assert_eq(changes[0].now_len, strlen("print(\"edited\")\n"));
    history_changes_free(changes, nchanges);
    history_result_free(&first);

    HistoryHit *hits;
    cr_assert(history_search(&app, "ute_tot", 0, 0, &hits, &n, &err), "%s", err.msg);
    cr_assert_eq(n, 1, "a substring of an identifier finds the run");
    cr_assert_eq(hits[0].result.id, id3);
    cr_assert_str_eq(hits[0].where, "code");
    cr_assert(strstr(hits[0].snippet, "def compute_total(x):"), "%s", hits[0].snippet);
    cr_assert_eq(strncmp(hits[0].snippet + hits[0].match_start, "ute_tot", 7), 0);
    history_hits_free(hits, n);
    cr_assert(history_search(&app, "TIDE! (RAN", 0, 0, &hits, &n, &err), "%s", err.msg);
    cr_assert_eq(n, 2, "case-insensitive, in the output");
    cr_assert_str_eq(hits[0].where, "output");
    history_hits_free(hits, n);
    cr_assert(history_search(&app, "42", 0, 0, &hits, &n, &err), "%s", err.msg);
    cr_assert_eq(n, 1, "two characters: found without the trigram index");
    history_hits_free(hits, n);

    char *dest = xasprintf("%s/old", tu_tempdir());
    size_t nfiles;
    cr_assert(history_checkout(&app, id1, dest, false, &nfiles, &err), "%s", err.msg);
    char *p = xasprintf("%s/main.py", dest);
    char *text = tu_read(p, NULL);
    cr_assert_str_eq(text, lang_by_key("python")->starter, "the file as it was at run 1");
    free(text);
    free(p);
    free(dest);

    /* The work tree holds only the user's file: nothing of git's. */
    cr_assert_eq(entries(s.workdir), 1);
    session_run_result_free(&r1);
    session_run_result_free(&r2);
    session_run_result_free(&r3);
    session_free(&s);
}

/* On the thread that owns the App (tide run), a run records through the
 * App's own connection (one database open fewer); elsewhere (the IDE's
 * worker) through one of its own, and the App's stays untouched. */
/* The IDE compares a run's files with the folder on its own thread: a
 * fifo (or a link) put where the run's file was is not opened -- open()
 * on a fifo waits for a writer -- and the file counts as gone. */
Test(session, a_fifo_where_a_runs_file_was_is_gone_not_waited_on, .timeout = 10)
{
    Session s;
    Err err;
    cr_assert(session_new_scratch(&app, lang_by_key("python"), "fifo", &s, &err), "%s", err.msg);
    put(s.workdir, "other.txt", "then\n");
    SessionRunResult r1;
    RunRecord rec = fake("ran\n");
    int64_t id = run_once(&s, "main.py", &rec, &r1);
    remove_file(s.workdir, "main.py");
    remove_file(s.workdir, "other.txt");
    char *fifo = xasprintf("%s/main.py", s.workdir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    char *link = xasprintf("%s/other.txt", s.workdir);
    cr_assert_eq(symlink("/etc/hostname", link), 0);
    HistoryResult first;
    cr_assert(history_get(&app, id, &first, &err), "%s", err.msg);
    HistoryChange *changes;
    size_t n;
    cr_assert(history_files_changed(&app, &first, s.workdir, NULL, NULL, &changes, &n, &err), "%s", err.msg);
    cr_assert_eq(n, 2);
    for (size_t i = 0; i < n; i++)
        cr_assert(changes[i].gone, "%s is not a regular file in the folder now", changes[i].path);
    history_changes_free(changes, n);
    history_result_free(&first);
    free(fifo);
    free(link);
    session_free(&s);
}

Test(session, a_run_on_the_app_thread_records_through_the_app_connection)
{
    Session s;
    Err err;
    cr_assert(session_new_scratch(&app, lang_by_key("python"), NULL, &s, &err), "%s", err.msg);
    Store *store;
    cr_assert(app_store(&app, &store, NULL));
    const char *files[] = {"main.py", NULL};
    RunRecord rec = fake("hi\n");
    for (int on_app_thread = 0; on_app_thread <= 1; on_app_thread++) {
        long long before = sqlite3_total_changes(store->db);
        SessionRunSpec spec = {.files = files, .app_thread = on_app_thread};
        SessionRun *run;
        SessionRunResult res;
        cr_assert(session_run_begin(&app, &s, &spec, &run, &err), "%s", err.msg);
        cr_assert(session_run_finish(run, &rec, &res, &err), "%s", err.msg);
        cr_assert(res.recorded);
        session_run_result_free(&res);
        long long through_app = sqlite3_total_changes(store->db) - before;
        if (on_app_thread)
            cr_assert_gt(through_app, 0, "the run did not record through the App's connection");
        else
            cr_assert_eq(through_app, 0, "a worker's run wrote through the App's connection");
    }
    cr_assert_eq(count("SELECT count(*) FROM code_results"), 2);
    session_free(&s);
}

Test(session, output_bytes_are_kept_exactly)
{
    Session s;
    Err err;
    cr_assert(session_new_scratch(&app, lang_by_key("c"), NULL, &s, &err), "%s", err.msg);
    static const char bin[] = "before\0after \xff\xfe tail_marker";
    RunRecord rec = fake("");
    rec.output = bin;
    rec.output_len = sizeof bin - 1;
    rec.error = "warn\n";
    rec.error_len = 5;
    rec.stdin_mode = "pipe";
    rec.stdin_data = "in\0put";
    rec.stdin_len = 6;
    SessionRunResult r;
    int64_t id = run_once(&s, "main.c", &rec, &r);
    HistoryResult one;
    cr_assert(history_get(&app, id, &one, &err), "%s", err.msg);
    cr_assert_eq(one.output_len, sizeof bin - 1);
    cr_assert_eq(memcmp(one.output, bin, sizeof bin - 1), 0);
    cr_assert_eq(one.stdin_len, 6);
    cr_assert_eq(memcmp(one.stdin_data, "in\0put", 6), 0);
    history_result_free(&one);
    HistoryHit *hits;
    size_t n;
    cr_assert(history_search(&app, "tail_marker", 0, 0, &hits, &n, &err), "%s", err.msg);
    cr_assert_eq(n, 1, "text after a NUL and bad bytes is still found");
    history_hits_free(hits, n);
    session_run_result_free(&r);
    session_free(&s);
}

Test(session, generated_files_are_kept_and_exported)
{
    Session s;
    Err err;
    cr_assert(session_new_scratch(&app, lang_by_key("python"), NULL, &s, &err), "%s", err.msg);
    const char *files[] = {"main.py", NULL};
    SessionRunSpec spec = {.files = files};
    SessionRun *run;
    cr_assert(session_run_begin(&app, &s, &spec, &run, &err), "%s", err.msg);
    const char *gen = session_run_generated_dir(run);
    cr_assert_eq(entries(gen), 0, "the generated folder starts empty");
    put(gen, "out/plot.png", "PNGDATA");
    RecordedFile made[] = {{"out/plot.png", 7, "image/png"}};
    RunRecord rec = fake("saved\n");
    rec.generated = made;
    rec.ngenerated = 1;
    SessionRunResult res;
    cr_assert(session_run_finish(run, &rec, &res, &err), "%s", err.msg);

    HistoryResult one;
    cr_assert(history_get(&app, res.result_id, &one, &err), "%s", err.msg);
    cr_assert_eq(one.ngenerated, 1);
    cr_assert_str_eq(one.generated[0].path, "out/plot.png");
    cr_assert_str_eq(one.generated[0].type, "image/png");
    cr_assert_not_null(one.generated[0].stored);
    /* Known by its path as a run's record (the IDE opens it read-only). */
    int64_t sid = 0, rid = 0;
    char *name = NULL;
    cr_assert(session_run_file(&app, one.generated[0].stored, &sid, &rid, &name));
    cr_assert_eq(sid, s.id);
    cr_assert_eq(rid, res.result_id);
    cr_assert_str_eq(name, "out/plot.png");
    free(name);
    const char *stored = one.generated[0].stored;
    char *folder = xasprintf("%.*s", (int)(strlen(stored) - strlen("/out/plot.png")), stored);
    cr_assert(session_run_file(&app, folder, NULL, &rid, &name));
    cr_assert_eq(rid, res.result_id);
    cr_assert_str_eq(name, "");
    free(name);
    char *up = xasprintf("%s/..", folder);
    cr_assert_not(session_run_file(&app, up, NULL, NULL, NULL), "the generated folder is no run's");
    free(up);
    free(folder);
    char *entry = xasprintf("%s/main.py", s.workdir);
    cr_assert_not(session_run_file(&app, entry, NULL, NULL, NULL));
    free(entry);
    history_result_free(&one);

    SessionFile *list;
    size_t n;
    cr_assert(session_files_list(&app, &s, &list, &n, &err), "%s", err.msg);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(list[0].path, "main.py");
    cr_assert_str_eq(list[1].origin, "generated");
    cr_assert_eq(list[1].result_id, res.result_id);
    session_files_free(list, n);

    char *out = tu_tempdir();
    char *written;
    cr_assert(session_export(&app, &s, "out/plot.png", 0, out, false, &written, &err), "%s", err.msg);
    char *text = tu_read(written, NULL);
    cr_assert_str_eq(text, "PNGDATA");
    free(text);
    free(written);
    cr_assert_not(session_export(&app, &s, "out/plot.png", 0, out, false, &written, &err));
    cr_assert(strstr(err.msg, "already exists"), "%s", err.msg);
    cr_assert_not(session_export(&app, &s, "nope.txt", 0, out, false, &written, &err));
    cr_assert(strstr(err.msg, "no file called nope.txt"), "%s", err.msg);
    cr_assert_not(session_export(&app, &s, "../../etc/passwd", 0, out, false, &written, &err));
    session_run_result_free(&res);
    session_free(&s);
}

Test(session, folder_session_never_writes_into_the_folder)
{
    char *folder = tu_tempdir();
    put(folder, "app.js", "console.log(1)\n");
    Session s, again, py;
    Err err;
    cr_assert(session_for_folder(&app, folder, lang_by_key("node"), &s, &err), "%s", err.msg);
    cr_assert_eq(s.kind, SESSION_FOLDER);
    cr_assert_eq(s.expires_at, 0, "folder sessions never expire");
    SessionRunResult r;
    RunRecord rec = fake("1\n");
    run_once(&s, "app.js", &rec, &r);
    cr_assert_eq(entries(folder), 1, "only the user's file is in the folder");
    cr_assert(session_for_folder(&app, folder, lang_by_key("node"), &again, &err), "%s", err.msg);
    cr_assert_eq(again.id, s.id, "the same folder and language: the same session");
    cr_assert(session_for_folder(&app, folder, lang_by_key("python"), &py, &err), "%s", err.msg);
    cr_assert_neq(py.id, s.id, "another language: another session");

    /* Removing the session forgets it and keeps the user's file. */
    cr_assert(session_remove(&app, &s, &err), "%s", err.msg);
    cr_assert(fileio_exists(folder));
    cr_assert_eq(entries(folder), 1);
    cr_assert_not(fileio_exists(s.dir));
    cr_assert_eq(count("SELECT count(*) FROM code_results"), 0);
    cr_assert_eq(count("SELECT count(*) FROM run_search"), 0, "the search index follows deletes");
    session_run_result_free(&r);
    session_free(&s);
    session_free(&again);
    session_free(&py);
}

Test(session, scratch_folder_is_its_own_session)
{
    Session s, found;
    Err err;
    cr_assert(session_new_scratch(&app, lang_by_key("go"), NULL, &s, &err), "%s", err.msg);
    cr_assert(session_for_folder(&app, s.workdir, lang_by_key("go"), &found, &err), "%s", err.msg);
    cr_assert_eq(found.id, s.id);
    session_free(&found);
    cr_assert_not(session_for_folder(&app, s.workdir, lang_by_key("rust"), &found, &err));
    cr_assert(strstr(err.msg, "scratch session"), "%s", err.msg);
    session_free(&s);
}

Test(session, a_damaged_git_folder_still_records_the_run)
{
    Session s;
    Err err;
    cr_assert(session_new_scratch(&app, lang_by_key("python"), NULL, &s, &err), "%s", err.msg);
    char *head = xasprintf("%s/HEAD", s.git_dir);
    tu_write(head, "garbage", 7);
    SessionRunResult r;
    RunRecord rec = fake("x\n");
    int64_t id = run_once(&s, "main.py", &rec, &r);
    cr_assert_str_eq(r.commit, "");
    cr_assert_geq(r.notes.len, 1);
    cr_assert(strstr(r.notes.items[0], "not in git") && strstr(r.notes.items[0], "damaged"), "%s", r.notes.items[0]);
    HistoryResult one;
    cr_assert(history_get(&app, id, &one, &err), "%s", err.msg);
    cr_assert(strstr(one.note, "damaged"), "the result says why");
    history_result_free(&one);
    char *dest = xasprintf("%s/x", tu_tempdir());
    cr_assert_not(history_checkout(&app, id, dest, false, NULL, &err));
    cr_assert(strstr(err.msg, "has no snapshot"), "%s", err.msg);
    cr_assert_null(strchr(err.msg, '\n'));
    free(dest);
    free(head);
    session_run_result_free(&r);
    session_free(&s);
}

Test(session, a_gone_folder_is_one_line)
{
    char *root = tu_tempdir();
    char *folder = xasprintf("%s/proj", root);
    put(folder, "main.py", "print(1)\n");
    Session s;
    Err err;
    cr_assert(session_for_folder(&app, folder, lang_by_key("python"), &s, &err), "%s", err.msg);
    cr_assert(fileio_rmtree(folder, NULL));
    const char *files[] = {"main.py", NULL};
    SessionRunSpec spec = {.files = files};
    SessionRun *run;
    cr_assert_not(session_run_begin(&app, &s, &spec, &run, &err));
    cr_assert(strstr(err.msg, "is gone") && strstr(err.msg, "tide session rm"), "%s", err.msg);
    free(folder);
    session_free(&s);
}

Test(session, import_keeps_names_and_refuses_escapes)
{
    Session s;
    Err err;
    cr_assert(session_new_scratch(&app, lang_by_key("python"), NULL, &s, &err), "%s", err.msg);
    char *src = tu_tempdir();
    put(src, "my data [v2] ü.csv", "a,b\n1,2\n");
    put(src, "dir/sub/x.txt", "x\n");
    char *csv = xasprintf("%s/my data [v2] ü.csv", src);
    char *dir = xasprintf("%s/dir", src);
    const char *srcs[] = {csv, dir, NULL};
    StrList done;
    cr_assert(session_import(&app, &s, srcs, NULL, false, &done, &err), "%s", err.msg);
    cr_assert_eq(done.len, 2);
    sl_free(&done);
    char *in = xasprintf("%s/my data [v2] ü.csv", s.workdir);
    cr_assert(fileio_exists(in));
    char *nested = xasprintf("%s/dir/sub/x.txt", s.workdir);
    cr_assert(fileio_exists(nested));
    cr_assert_eq(count("SELECT count(*) FROM code_files WHERE origin = 'import' AND expires_at IS NOT NULL"), 2);

    const char *one[] = {csv, NULL};
    cr_assert_not(session_import(&app, &s, one, NULL, false, &done, &err), "no overwrite without force");
    cr_assert(strstr(err.msg, "already exists"), "%s", err.msg);
    cr_assert(session_import(&app, &s, one, NULL, true, &done, &err), "%s", err.msg);
    sl_free(&done);
    cr_assert_not(session_import(&app, &s, one, "../x.csv", false, &done, &err));
    cr_assert(strstr(err.msg, "escape"), "%s", err.msg);
    cr_assert_not(session_import(&app, &s, one, "/tmp/x.csv", false, &done, &err));
    cr_assert(strstr(err.msg, "absolute"), "%s", err.msg);

    /* A symlink inside an imported folder, and a symlink in the session
     * pointing out: both refused, nothing written. */
    char *outside = tu_tempdir();
    char *link = xasprintf("%s/dir/link", src);
    cr_assert_eq(symlink("/etc/passwd", link), 0);
    const char *d[] = {dir, NULL};
    cr_assert_not(session_import(&app, &s, d, "dir2", false, &done, &err));
    cr_assert(strstr(err.msg, "symlink"), "%s", err.msg);
    char *wlink = xasprintf("%s/out", s.workdir);
    cr_assert_eq(symlink(outside, wlink), 0);
    cr_assert_not(session_import(&app, &s, one, "out/x.csv", false, &done, &err));
    cr_assert(strstr(err.msg, "in the way"), "%s", err.msg);
    cr_assert_eq(entries(outside), 0);

    /* Over 50 MiB: refused before anything is copied. */
    char *big = xasprintf("%s/big.bin", src);
    int fd = open(big, O_WRONLY | O_CREAT, 0644);
    cr_assert_eq(ftruncate(fd, VCS_MAX_FILE + 1), 0);
    close(fd);
    const char *b[] = {big, NULL};
    cr_assert_not(session_import(&app, &s, b, NULL, false, &done, &err));
    cr_assert(strstr(err.msg, "at most 50 MiB"), "%s", err.msg);
    char *bigin = xasprintf("%s/big.bin", s.workdir);
    cr_assert_not(fileio_exists(bigin));
    free(bigin);
    free(big);
    free(link);
    free(wlink);
    free(in);
    free(nested);
    free(csv);
    free(dir);
    session_free(&s);
}

Test(session, gc_removes_what_expired_and_nothing_else)
{
    Session old, fresh, folder;
    Err err;
    cr_assert(session_new_scratch(&app, lang_by_key("python"), "old", &old, &err), "%s", err.msg);
    cr_assert(session_new_scratch(&app, lang_by_key("python"), "fresh", &fresh, &err), "%s", err.msg);
    char *user = tu_tempdir();
    put(user, "main.py", "print(1)\n");
    put(user, "data.csv", "1\n");
    cr_assert(session_for_folder(&app, user, lang_by_key("python"), &folder, &err), "%s", err.msg);
    char *data = xasprintf("%s/data.csv", user);
    const char *one[] = {data, NULL};
    StrList done;
    cr_assert(session_import(&app, &fresh, one, NULL, false, &done, &err), "%s", err.msg);
    sl_free(&done);
    /* Everything as if two days had passed, the fresh session used since. */
    exec_sql("UPDATE code_sessions SET expires_at = expires_at - 200000 WHERE name = 'old'");
    exec_sql("UPDATE code_files SET expires_at = 1 WHERE origin = 'import'");

    GcReport r;
    int64_t now = session_now();
    cr_assert(expiry_gc(&app, now, true, &r, &err), "%s", err.msg);
    cr_assert_eq(r.n, 2, "dry run lists the old session and the expired import");
    cr_assert(fileio_exists(old.dir), "a dry run removes nothing");
    gc_report_free(&r);
    cr_assert(expiry_gc(&app, now, false, &r, &err), "%s", err.msg);
    cr_assert_eq(r.n, 2);
    cr_assert_str_eq(r.items[0].kind, "session");
    cr_assert_str_eq(r.items[1].kind, "import");
    gc_report_free(&r);
    cr_assert_not(fileio_exists(old.dir));
    cr_assert(fileio_exists(fresh.dir));
    char *imp = xasprintf("%s/data.csv", fresh.workdir);
    cr_assert_not(fileio_exists(imp));
    cr_assert(fileio_exists(data), "the user's own files are never gc'd");
    cr_assert_eq(count("SELECT count(*) FROM code_sessions"), 2);
    cr_assert(expiry_gc(&app, now, false, &r, &err), "%s", err.msg);
    cr_assert_eq(r.n, 0, "nothing left to do");
    gc_report_free(&r);
    free(imp);
    free(data);
    session_free(&old);
    session_free(&fresh);
    session_free(&folder);
}

typedef struct Racer {
    Session *s;
    int waited;
    int64_t id;
} Racer;

static void on_wait(void *ud)
{
    ((Racer *)ud)->waited++;
}

static void *race(void *arg)
{
    Racer *r = arg;
    const char *files[] = {"main.py", NULL};
    SessionRunSpec spec = {.files = files, .waiting = on_wait, .ud = r};
    SessionRun *run;
    Err err;
    if (!session_run_begin(&app, r->s, &spec, &run, &err))
        return NULL;
    usleep(200000); /* the "run" */
    RunRecord rec = fake("x\n");
    SessionRunResult res;
    if (session_run_finish(run, &rec, &res, &err))
        r->id = res.result_id;
    session_run_result_free(&res);
    return NULL;
}

Test(session, two_runs_in_one_session_take_turns)
{
    Session s;
    Err err;
    cr_assert(session_new_scratch(&app, lang_by_key("python"), NULL, &s, &err), "%s", err.msg);
    Racer a = {.s = &s}, b = {.s = &s};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, race, &a);
    pthread_create(&tb, NULL, race, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    cr_assert(a.id && b.id, "both runs are recorded");
    cr_assert_eq(a.waited + b.waited, 1, "one waited for the other");
    session_free(&s);
}

typedef struct Stopped {
    Session *s;
    RunControl *ctl;
    atomic_int waited;
    bool began;
    Err err;
} Stopped;

static void on_wait_stopped(void *ud)
{
    atomic_fetch_add(&((Stopped *)ud)->waited, 1);
}

static void *begin_stopped(void *arg)
{
    Stopped *w = arg;
    const char *files[] = {"main.py", NULL};
    SessionRunSpec spec = {.files = files, .waiting = on_wait_stopped, .ud = w, .control = w->ctl};
    SessionRun *run;
    w->began = session_run_begin(&app, w->s, &spec, &run, &w->err);
    if (w->began)
        session_run_abort(run);
    return NULL;
}

/* The IDE's stop (and its quit) while F5 waits for a run of another
 * process: no signal reaches the run's thread, the stop alone ends it. */
Test(session, a_stop_ends_the_wait_for_the_session, .timeout = 10)
{
    Session s;
    Err err;
    cr_assert(session_new_scratch(&app, lang_by_key("python"), NULL, &s, &err), "%s", err.msg);
    int held = session_lock(&s, false, &err);
    cr_assert(held >= 0, "%s", err.msg);
    Stopped w = {.s = &s, .ctl = run_control_new()};
    atomic_init(&w.waited, 0);
    pthread_t t;
    pthread_create(&t, NULL, begin_stopped, &w);
    while (!atomic_load(&w.waited))
        usleep(10000);
    run_control_stop(w.ctl);
    pthread_join(t, NULL);
    cr_assert_not(w.began, "a stopped run does not begin");
    char *want = xasprintf("stopped while waiting for the run in progress in session %lld to finish; it did not start",
                           (long long)s.id);
    cr_assert_str_eq(w.err.msg, want);
    free(want);
    session_unlock(held);
    run_control_free(w.ctl);
    session_free(&s);
}

Test(session, a_file_of_another_language_is_refused)
{
    Session s;
    Err err;
    cr_assert(session_new_scratch(&app, lang_by_key("python"), NULL, &s, &err), "%s", err.msg);
    put(s.workdir, "app.js", "console.log(1)\n");
    const char *files[] = {"app.js", NULL};
    SessionRunSpec spec = {.files = files};
    SessionRun *run;
    cr_assert_not(session_run_begin(&app, &s, &spec, &run, &err));
    cr_assert(strstr(err.msg, "session 1 is a Python session and app.js is Node.js"), "%s", err.msg);
    const char *missing[] = {"nope.py", NULL};
    spec.files = missing;
    cr_assert_not(session_run_begin(&app, &s, &spec, &run, &err));
    cr_assert(strstr(err.msg, "nope.py is not a file in session 1"), "%s", err.msg);
    const char *escape[] = {"../x.py", NULL};
    spec.files = escape;
    cr_assert_not(session_run_begin(&app, &s, &spec, &run, &err));
    session_free(&s);
}

Test(session, command_line_names_resolve_into_the_work_tree)
{
    Session s;
    Err err;
    cr_assert(session_new_scratch(&app, lang_by_key("python"), NULL, &s, &err), "%s", err.msg);
    put(s.workdir, "lib/util.py", "X = 1\n");
    char *here = tu_tempdir();
    put(here, "main.py", "print(2)\n");
    char *cwd = getcwd(NULL, 0);
    cr_assert_eq(chdir(here), 0);
    StrList rel;
    /* Not here but in the session: the session's file. */
    const char *a[] = {"lib/util.py", NULL};
    cr_assert(session_resolve_files(&s, a, &rel, &err), "%s", err.msg);
    cr_assert_str_eq(rel.items[0], "lib/util.py");
    sl_free(&rel);
    /* An absolute path inside the work tree. */
    char *abs = xasprintf("%s/lib/util.py", s.workdir);
    const char *b[] = {abs, NULL};
    cr_assert(session_resolve_files(&s, b, &rel, &err), "%s", err.msg);
    cr_assert_str_eq(rel.items[0], "lib/util.py");
    sl_free(&rel);
    /* main.py is both here and in the session: the session's, since
     * the one here is not in it... */
    const char *c[] = {"main.py", NULL};
    cr_assert(session_resolve_files(&s, c, &rel, &err), "%s", err.msg);
    cr_assert_str_eq(rel.items[0], "main.py");
    sl_free(&rel);
    /* ...and a file only here is refused with the way to bring it in. */
    put(here, "other.py", "print(3)\n");
    const char *d[] = {"other.py", NULL};
    cr_assert_not(session_resolve_files(&s, d, &rel, &err));
    cr_assert(strstr(err.msg, "tide import 1 other.py"), "%s", err.msg);
    const char *e[] = {"ghost.py", NULL};
    cr_assert_not(session_resolve_files(&s, e, &rel, &err));
    cr_assert(strstr(err.msg, "no such file"), "%s", err.msg);
    cr_assert_eq(chdir(cwd), 0);
    free(cwd);
    free(abs);
    session_free(&s);
}
