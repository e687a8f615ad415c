#include "history.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filetype.h"
#include "fileio.h"

/* The session folders' layout is session.h's; history needs only where a
 * session's git folder and generated files are. */
static char *session_path(App *app, int64_t session_id, const char *rest)
{
    char *rel = xasprintf("sessions/%lld/%s", (long long)session_id, rest);
    char *p = paths_get(&app->paths, DIR_DATA, rel);
    free(rel);
    return p;
}

static char *dup_col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite.column_text(st, i);
    return xstrdup(t ? (const char *)t : "");
}

static char *dup_blob(sqlite3_stmt *st, int i, size_t *len)
{
    const void *p = sqlite.column_blob(st, i);
    *len = (size_t)sqlite.column_bytes(st, i);
    char *out = xmalloc(*len + 1);
    if (*len)
        memcpy(out, p, *len);
    out[*len] = '\0';
    return out;
}

#define SUMMARY_COLUMNS                                                                                         \
    "r.id, r.session_id, r.language, r.entry, r.status, r.commit_oid, r.exit_code, r.signal,"                  \
    " r.compile_time, r.execution_time, r.peak_memory_kb, r.output_truncated, r.created_at"
#define NSUMMARY 13

static void summary_from_row(sqlite3_stmt *st, HistoryResult *r)
{
    *r = (HistoryResult){0};
    r->id = sqlite.column_int64(st, 0);
    r->session_id = sqlite.column_int64(st, 1);
    r->language = dup_col(st, 2);
    r->entry = dup_col(st, 3);
    r->status = dup_col(st, 4);
    const unsigned char *c = sqlite.column_text(st, 5);
    snprintf(r->commit, sizeof r->commit, "%s", c ? (const char *)c : "");
    r->exit_code = sqlite.column_type(st, 6) == SQLITE_NULL ? -1 : sqlite.column_int(st, 6);
    r->signal = sqlite.column_type(st, 7) == SQLITE_NULL ? 0 : sqlite.column_int(st, 7);
    r->compile_time = sqlite.column_type(st, 8) == SQLITE_NULL ? -1 : sqlite.column_double(st, 8);
    r->execution_time = sqlite.column_type(st, 9) == SQLITE_NULL ? -1 : sqlite.column_double(st, 9);
    r->peak_memory_kb = sqlite.column_type(st, 10) == SQLITE_NULL ? -1 : sqlite.column_int64(st, 10);
    r->output_truncated = sqlite.column_int(st, 11) != 0;
    r->created_at = sqlite.column_int64(st, 12);
}

void history_exit_text(const HistoryResult *r, char out[HISTORY_EXIT_LEN])
{
    if (r->signal)
        snprintf(out, HISTORY_EXIT_LEN, "signal %d", r->signal);
    else if (r->exit_code >= 0)
        snprintf(out, HISTORY_EXIT_LEN, "exit %d", r->exit_code);
    else
        snprintf(out, HISTORY_EXIT_LEN, "-");
}

void history_result_free(HistoryResult *r)
{
    free(r->language);
    free(r->entry);
    free(r->status);
    sl_free(&r->args);
    free(r->code);
    free(r->stdin_mode);
    free(r->stdin_name);
    free(r->stdin_data);
    free(r->output);
    free(r->error);
    free(r->note);
    free(r->message);
    free(r->compile_output);
    free(r->toolchain);
    for (size_t i = 0; i < r->ngenerated; i++) {
        free(r->generated[i].path);
        free(r->generated[i].type);
        free(r->generated[i].stored);
    }
    free(r->generated);
    *r = (HistoryResult){0};
}

void history_list_free(HistoryResult *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        history_result_free(&list[i]);
    free(list);
}

static bool db_error(Store *s, Err *err, const char *what)
{
    return err_set(err, "database %s: %s (%s)", s->path, sqlite.errmsg(s->db), what);
}

bool history_list(App *app, int64_t session_id, int64_t limit, HistoryResult **out, size_t *n, Err *err)
{
    *out = NULL;
    *n = 0;
    Store *store;
    sqlite3_stmt *st;
    if (!app_store(app, &store, err) ||
        !store_prepare(store, &st,
                       "SELECT " SUMMARY_COLUMNS " FROM code_results r WHERE ?1 = 0 OR r.session_id = ?1"
                       " ORDER BY r.id DESC LIMIT ?2",
                       err))
        return false;
    sqlite.bind_int64(st, 1, session_id);
    sqlite.bind_int64(st, 2, limit > 0 ? limit : -1);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite.step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        summary_from_row(st, &(*out)[(*n)++]);
    }
    sqlite.finalize(st);
    if (rc != SQLITE_DONE) {
        history_list_free(*out, *n);
        *out = NULL;
        *n = 0;
        return db_error(store, err, "listing runs");
    }
    return true;
}

static void load_args(const char *json, StrList *args)
{
    json_t *arr = json_loads(json, 0, NULL);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (json_is_string(v))
            sl_push(args, json_string_value(v));
    }
    json_decref(arr);
}

static bool load_generated(App *app, Store *store, HistoryResult *r, Err *err)
{
    sqlite3_stmt *st;
    if (!store_prepare(store, &st,
                       "SELECT path, size, file_type, expires_at FROM code_files"
                       " WHERE result_id = ? AND origin = 'generated' ORDER BY path",
                       err))
        return false;
    sqlite.bind_int64(st, 1, r->id);
    size_t cap = 0;
    char *rest = xasprintf("generated/%lld", (long long)r->id);
    char *base = session_path(app, r->session_id, rest);
    free(rest);
    while (sqlite.step(st) == SQLITE_ROW) {
        if (r->ngenerated == cap) {
            cap = cap ? cap * 2 : 8;
            r->generated = xreallocarray(r->generated, cap, sizeof *r->generated);
        }
        HistoryFile *f = &r->generated[r->ngenerated++];
        f->path = dup_col(st, 0);
        f->size = sqlite.column_int64(st, 1);
        f->type = sqlite.column_type(st, 2) == SQLITE_NULL ? NULL : dup_col(st, 2);
        f->expires_at = sqlite.column_int64(st, 3);
        char *stored = xasprintf("%s/%s", base, f->path);
        f->stored = fileio_exists(stored) ? stored : (free(stored), NULL);
    }
    free(base);
    sqlite.finalize(st);
    return true;
}

static bool load_result(App *app, Store *store, int64_t id, HistoryResult *out, Err *err)
{
    *out = (HistoryResult){0};
    sqlite3_stmt *st;
    if (!store_prepare(store, &st,
                       "SELECT " SUMMARY_COLUMNS ", r.args, r.code, r.stdin_mode, r.stdin, r.output, r.error, r.note,"
                       " r.message, r.compile_output, r.build_cached, r.toolchain, r.stdin_name, r.net, r.stdin_truncated"
                       " FROM code_results r"
                       " WHERE r.id = ?",
                       err))
        return false;
    sqlite.bind_int64(st, 1, id);
    int rc = sqlite.step(st);
    if (rc != SQLITE_ROW) {
        sqlite.finalize(st);
        if (rc == SQLITE_DONE)
            return err_set(err, "there is no run %lld (tide history lists them)", (long long)id);
        return db_error(store, err, "reading a run");
    }
    summary_from_row(st, out);
    load_args((const char *)sqlite.column_text(st, NSUMMARY), &out->args);
    out->code = dup_blob(st, NSUMMARY + 1, &out->code_len);
    out->stdin_mode = dup_col(st, NSUMMARY + 2);
    out->stdin_data = sqlite.column_type(st, NSUMMARY + 3) == SQLITE_NULL
                          ? NULL
                          : dup_blob(st, NSUMMARY + 3, &out->stdin_len);
    out->output = dup_blob(st, NSUMMARY + 4, &out->output_len);
    out->error = dup_blob(st, NSUMMARY + 5, &out->error_len);
    out->note = sqlite.column_type(st, NSUMMARY + 6) == SQLITE_NULL ? NULL : dup_col(st, NSUMMARY + 6);
    out->message = sqlite.column_type(st, NSUMMARY + 7) == SQLITE_NULL ? NULL : dup_col(st, NSUMMARY + 7);
    out->compile_output = dup_blob(st, NSUMMARY + 8, &out->compile_output_len);
    out->build_cached = sqlite.column_int(st, NSUMMARY + 9) != 0;
    out->toolchain = sqlite.column_type(st, NSUMMARY + 10) == SQLITE_NULL ? NULL : dup_col(st, NSUMMARY + 10);
    out->stdin_name = sqlite.column_type(st, NSUMMARY + 11) == SQLITE_NULL ? NULL : dup_col(st, NSUMMARY + 11);
    out->net = sqlite.column_int(st, NSUMMARY + 12) != 0;
    out->stdin_truncated = sqlite.column_int(st, NSUMMARY + 13) != 0;
    sqlite.finalize(st);
    if (!load_generated(app, store, out, err)) {
        history_result_free(out);
        return false;
    }
    return true;
}

void history_toolchain_lines(const char *toolchain, StrList *out)
{
    *out = (StrList){0};
    json_t *tools = toolchain ? json_loads(toolchain, 0, NULL) : NULL;
    size_t i;
    json_t *t;
    json_array_foreach(tools, i, t) {
        const char *version = json_string_value(json_object_get(t, "version"));
        const char *command = json_string_value(json_object_get(t, "command"));
        const char *path = json_string_value(json_object_get(t, "path"));
        sl_push_owned(out, xasprintf("%s (%s)", version ? version : command ? command : "?", path ? path : "?"));
    }
    json_decref(tools);
}

bool history_get(App *app, int64_t id, HistoryResult *out, Err *err)
{
    Store *store;
    if (!app_store(app, &store, err))
        return false;
    return load_result(app, store, id, out, err);
}

bool history_get_files(App *app, int64_t session_id, int64_t id, HistoryResult *out, Err *err)
{
    *out = (HistoryResult){.id = id, .session_id = session_id};
    Store *store;
    if (app_store(app, &store, err) && load_generated(app, store, out, err))
        return true;
    history_result_free(out);
    return false;
}

bool history_previous(App *app, int64_t *id, int64_t *prev, Err *err)
{
    *prev = 0;
    Store *store;
    if (!app_store(app, &store, err))
        return false;
    sqlite3_stmt *st;
    if (!store_prepare(store, &st,
                       "SELECT r.id, (SELECT max(p.id) FROM code_results p WHERE p.session_id = r.session_id"
                       " AND p.id < r.id) FROM code_results r WHERE r.id = coalesce(?, (SELECT max(id) FROM"
                       " code_results))",
                       err))
        return false;
    if (*id)
        sqlite.bind_int64(st, 1, *id);
    else
        sqlite.bind_null(st, 1);
    int rc = sqlite.step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite.column_int64(st, 0);
        *prev = sqlite.column_int64(st, 1);
    }
    sqlite.finalize(st);
    if (rc == SQLITE_DONE)
        return *id ? err_set(err, "there is no run %lld (tide history lists them)", (long long)*id)
                   : err_set(err, "no runs recorded yet");
    return rc == SQLITE_ROW || db_error(store, err, "reading a run");
}

bool history_parse_id(const char *s, int64_t *id, Err *err)
{
    const char *p = s[0] == '#' ? s + 1 : s;
    char *end;
    errno = 0;
    long long v = *p >= '0' && *p <= '9' ? strtoll(p, &end, 10) : 0;
    if (errno || v <= 0 || *end)
        return err_set(err, "'%s' is not a run id (a number, as tide history shows)", s);
    *id = v;
    return true;
}

/* ---------------------------------------------------------------- search */

/* Search reads the first MiB of each text: a run that printed a gigabyte
 * is still found by what it printed first.  More costs the record's
 * writer: FTS5's trigrams of a MiB of varied text (base64, hashes) take
 * most of a second to index, holding the database's write lock -- at 4 MiB
 * ten seconds on a busy machine, and a run of another session waiting to
 * be recorded gave up. */
#define INDEX_MAX (1u << 20)

static size_t index_len(const char *s, size_t len)
{
    return s ? (len < INDEX_MAX ? len : INDEX_MAX) : 0;
}

/* s (len bytes) as the index takes it: text made clean, at most INDEX_MAX
 * bytes of it (bytes that were not UTF-8 grow threefold as U+FFFD), cut
 * between characters. */
static void index_text(const char *s, size_t len, StrBuf *out)
{
    filetype_clean_text(s, index_len(s, len), out);
    if (out->len > INDEX_MAX) {
        size_t n = INDEX_MAX;
        while (n > 0 && ((unsigned char)out->data[n] & 0xc0) == 0x80)
            n--;
        out->len = n;
        out->data[n] = '\0';
    }
}

bool history_index(Store *store, int64_t id, const char *entry, const char *code, size_t code_len,
                   const char *output, size_t output_len, const char *error, size_t error_len, Err *err)
{
    sqlite3_stmt *st;
    if (!store_prepare(store, &st,
                       "INSERT INTO run_search (rowid, entry, code, output, error) VALUES (?, ?, ?, ?, ?)", err))
        return false;
    StrBuf c = {0}, o = {0}, e = {0};
    index_text(code, code_len, &c);
    index_text(output, output_len, &o);
    index_text(error, error_len, &e);
    sqlite.bind_int64(st, 1, id);
    sqlite.bind_text(st, 2, entry, -1, SQLITE_STATIC);
    sqlite.bind_text64(st, 3, c.data, c.len, SQLITE_STATIC, SQLITE_UTF8);
    sqlite.bind_text64(st, 4, o.data, o.len, SQLITE_STATIC, SQLITE_UTF8);
    sqlite.bind_text64(st, 5, e.data, e.len, SQLITE_STATIC, SQLITE_UTF8);
    int rc = sqlite.step(st);
    sqlite.finalize(st);
    sb_free(&c);
    sb_free(&o);
    sb_free(&e);
    if (rc != SQLITE_DONE)
        return db_error(store, err, "indexing the run for search");
    return true;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* ASCII case-insensitive search, as the index matches. */
static const char *find_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            return p;
    return NULL;
}

#define SNIPPET_SIDE 40

/* The line around the match, at most SNIPPET_SIDE bytes on either side
 * (cut at character boundaries). */
static void make_snippet(const char *text, const char *at, size_t len, HistoryHit *h)
{
    const char *start = at, *end = at + len;
    while (start > text && start[-1] != '\n' && at - start < SNIPPET_SIDE)
        start--;
    while (*end && *end != '\n' && end - (at + len) < SNIPPET_SIDE)
        end++;
    while (start < at && ((unsigned char)*start & 0xc0) == 0x80)
        start++;
    while (end > at + len && ((unsigned char)*end & 0xc0) == 0x80)
        end--;
    StrBuf sb = {0};
    bool head = start > text && start[-1] != '\n', tail = *end && *end != '\n';
    if (head)
        sb_puts(&sb, "...");
    h->match_start = sb.len + (size_t)(at - start);
    h->match_len = len;
    sb_append(&sb, start, (size_t)(end - start));
    if (tail)
        sb_puts(&sb, "...");
    /* Tabs and carriage returns would scramble a one-line listing. */
    for (size_t i = 0; i < sb.len; i++)
        if (sb.data[i] == '\t' || sb.data[i] == '\r')
            sb.data[i] = ' ';
    h->snippet = sb_steal(&sb);
}

static void hit_from_row(sqlite3_stmt *st, const char *text, HistoryHit *h)
{
    summary_from_row(st, &h->result);
    static const char *const cols[] = {"entry", "code", "output", "error"};
    for (int c = 0; c < 4; c++) {
        const char *col = (const char *)sqlite.column_text(st, NSUMMARY + c);
        const char *at = col ? find_ci(col, text) : NULL;
        if (at) {
            h->where = xstrdup(cols[c]);
            make_snippet(col, at, strlen(text), h);
            return;
        }
    }
    /* A match the ASCII folding above does not see (other scripts' case):
     * show the first line of the code. */
    const char *code = (const char *)sqlite.column_text(st, NSUMMARY + 1);
    h->where = xstrdup("code");
    make_snippet(code ? code : "", code ? code : "", 0, h);
}

static char *like_pattern(const char *text)
{
    StrBuf sb = {0};
    sb_puts(&sb, "%");
    for (const char *p = text; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            sb_puts(&sb, "\\");
        sb_append(&sb, p, 1);
    }
    sb_puts(&sb, "%");
    return sb_steal(&sb);
}

static char *fts_phrase(const char *text)
{
    StrBuf sb = {0};
    sb_puts(&sb, "\"");
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            sb_puts(&sb, "\"");
        sb_append(&sb, p, 1);
    }
    sb_puts(&sb, "\"");
    return sb_steal(&sb);
}

bool history_search(App *app, const char *text, int64_t session_id, int64_t limit, HistoryHit **out, size_t *n,
                    Err *err)
{
    *out = NULL;
    *n = 0;
    if (!*text)
        return err_set(err, "give some text to search for");
    if (strchr(text, '\n'))
        return err_set(err, "search text is one line");
    Store *store;
    if (!app_store(app, &store, err))
        return false;
    /* Trigrams find three characters or more through the index; shorter
     * text is looked for by LIKE, which reads every row. */
    bool short_text = utf8_chars(text) < 3;
    char *query = short_text ? like_pattern(text) : fts_phrase(text);
    const char *sql =
        short_text
            ? "SELECT " SUMMARY_COLUMNS ", f.entry, f.code, f.output, f.error FROM run_search f"
              " JOIN code_results r ON r.id = f.rowid WHERE (f.entry LIKE ?1 ESCAPE '\\' OR f.code LIKE ?1 ESCAPE '\\'"
              " OR f.output LIKE ?1 ESCAPE '\\' OR f.error LIKE ?1 ESCAPE '\\') AND (?2 = 0 OR r.session_id = ?2)"
              " ORDER BY r.id DESC LIMIT ?3"
            : "SELECT " SUMMARY_COLUMNS ", f.entry, f.code, f.output, f.error FROM run_search f"
              " JOIN code_results r ON r.id = f.rowid WHERE run_search MATCH ?1"
              " AND (?2 = 0 OR r.session_id = ?2) ORDER BY r.id DESC LIMIT ?3";
    sqlite3_stmt *st;
    if (!store_prepare(store, &st, sql, err)) {
        free(query);
        return false;
    }
    sqlite.bind_text(st, 1, query, -1, SQLITE_STATIC);
    sqlite.bind_int64(st, 2, session_id);
    sqlite.bind_int64(st, 3, limit > 0 ? limit : -1);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite.step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        HistoryHit *h = &(*out)[(*n)++];
        *h = (HistoryHit){0};
        hit_from_row(st, text, h);
    }
    sqlite.finalize(st);
    free(query);
    if (rc != SQLITE_DONE) {
        history_hits_free(*out, *n);
        *out = NULL;
        *n = 0;
        return db_error(store, err, "searching");
    }
    return true;
}

void history_hits_free(HistoryHit *hits, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        history_result_free(&hits[i].result);
        free(hits[i].where);
        free(hits[i].snippet);
    }
    free(hits);
}

/* ---------------------------------------------------------------- diff, checkout */

static bool open_history(App *app, int64_t session_id, Vcs *v, Err *err)
{
    char *git = session_path(app, session_id, "git");
    bool ok = vcs_open(v, git, NULL, err);
    free(git);
    return ok;
}

static void diff_text(const char *a, size_t alen, const char *b, size_t blen, const char *what, int64_t ida,
                      int64_t idb, StrBuf *out)
{
    char *la = xasprintf("run %lld %s", (long long)ida, what);
    char *lb = xasprintf("run %lld %s", (long long)idb, what);
    StrBuf d = {0};
    Err err;
    if (!vcs_diff_buffers(a, alen, la, b, blen, lb, &d, &err))
        sb_printf(out, "(cannot compare: %s)\n", err.msg);
    else if (d.len == 0)
        sb_printf(out, "(the %s is the same)\n", what);
    else
        sb_append(out, d.data, d.len);
    sb_free(&d);
    free(la);
    free(lb);
}

bool history_diff(App *app, int64_t a, int64_t b, StrBuf *out, Err *err)
{
    Store *store;
    HistoryResult ra, rb;
    if (!app_store(app, &store, err) || !load_result(app, store, a, &ra, err))
        return false;
    if (!load_result(app, store, b, &rb, err)) {
        history_result_free(&ra);
        return false;
    }
    bool ok = true;
    sb_printf(out, "=== files: run %lld -> run %lld\n", (long long)a, (long long)b);
    if (ra.session_id != rb.session_id || !ra.commit[0] || !rb.commit[0]) {
        if (ra.session_id != rb.session_id)
            sb_printf(out, "(runs of different sessions, %lld and %lld: comparing their entry files)\n",
                      (long long)ra.session_id, (long long)rb.session_id);
        else
            sb_printf(out, "(run %lld has no snapshot of its files: comparing the entry files)\n",
                      (long long)(ra.commit[0] ? b : a));
        diff_text(ra.code, ra.code_len, rb.code, rb.code_len, "code", a, b, out);
    } else {
        Vcs v;
        size_t before = out->len;
        ok = open_history(app, ra.session_id, &v, err);
        if (ok) {
            ok = vcs_diff(&v, ra.commit, rb.commit, out, err);
            vcs_close(&v);
        }
        if (ok && out->len == before)
            sb_puts(out, "(no change in the files)\n");
    }
    if (ok) {
        sb_printf(out, "=== output: run %lld -> run %lld\n", (long long)a, (long long)b);
        diff_text(ra.output, ra.output_len, rb.output, rb.output_len, "output", a, b, out);
        if (ra.error_len || rb.error_len) {
            sb_printf(out, "=== errors: run %lld -> run %lld\n", (long long)a, (long long)b);
            diff_text(ra.error, ra.error_len, rb.error, rb.error_len, "errors", a, b, out);
        }
        char xa[HISTORY_EXIT_LEN], xb[HISTORY_EXIT_LEN];
        history_exit_text(&ra, xa);
        history_exit_text(&rb, xb);
        if (strcmp(ra.status, rb.status) != 0 || strcmp(xa, xb) != 0)
            sb_printf(out, "=== status: %s (%s) -> %s (%s)\n", ra.status, xa, rb.status, xb);
    }
    history_result_free(&ra);
    history_result_free(&rb);
    return ok;
}

#define DIFF_NOW_MAX (4 << 20)

/* Now's text of rel (below workdir): the caller's, else the disk's; a
 * file gone (or unreadable) is empty, *gone set. */
/* rel's text now: the editor's copy, else the file below the folder root
 * (workdir's descriptor).  A run named rel, so it is read as a run's
 * paths are: through no symlink and only as a regular file -- a fifo put
 * where the file was would otherwise hang the IDE in open().  Anything
 * else is gone. */
static char *text_now(int root, const char *workdir, const char *rel, HistoryNowText now, void *ud, size_t *len,
                      bool *gone)
{
    char *path = xasprintf("%s/%s", workdir, rel);
    char *text = now ? now(ud, path, len) : NULL;
    free(path);
    *gone = false;
    if (text)
        return text;
    struct stat st;
    Err read_err;
    int fd = root >= 0 ? fileio_open_file_beneath(root, rel, &st, &read_err) : -1;
    bool ok = fd >= 0 && fileio_read_fd(fd, rel, DIFF_NOW_MAX, &text, len, &read_err);
    if (fd >= 0)
        close(fd);
    if (!ok) {
        text = xstrdup("");
        *len = 0;
        *gone = true;
    }
    return text;
}

typedef struct Changes {
    HistoryChange *c;
    size_t n, cap;
} Changes;

/* rel as it was (then: taken) joins ch unless it is so now. */
static void keep_if_changed(Changes *ch, int root, const char *workdir, const char *rel, char *then, size_t tlen,
                            HistoryNowText now, void *ud)
{
    HistoryChange c = {.path = xstrdup(rel), .then = then, .then_len = tlen};
    c.now = text_now(root, workdir, rel, now, ud, &c.now_len, &c.gone);
    if (!c.gone && c.now_len == tlen && !memcmp(c.now, then, tlen)) {
        free(c.path);
        free(c.then);
        free(c.now);
        return;
    }
    if (ch->n == ch->cap) {
        ch->cap = ch->cap ? ch->cap * 2 : 4;
        ch->c = xreallocarray(ch->c, ch->cap, sizeof *ch->c);
    }
    ch->c[ch->n++] = c;
}

bool history_files_changed(App *app, const HistoryResult *r, const char *workdir, HistoryNowText now, void *ud,
                           HistoryChange **out, size_t *nout, Err *err)
{
    *out = NULL;
    *nout = 0;
    if (!r->entry)
        return err_set(err, "result #%lld keeps no code", (long long)r->id);
    Changes ch = {0};
    bool ok = true;
    /* A folder gone or unreadable: every file in it is gone. */
    int root = open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (!r->commit[0]) {
        char *code = xmalloc(r->code_len + 1);
        memcpy(code, r->code ? r->code : "", r->code_len);
        code[r->code_len] = '\0';
        keep_if_changed(&ch, root, workdir, r->entry, code, r->code_len, now, ud);
    } else {
        Vcs v;
        VcsFile *files = NULL;
        size_t n = 0;
        if (!open_history(app, r->session_id, &v, err)) {
            if (root >= 0)
                close(root);
            return false;
        }
        ok = vcs_files(&v, r->commit, &files, &n, err);
        /* The entry first, then the rest in the snapshot's order. */
        for (int pass = 0; ok && pass < 2; pass++)
            for (size_t i = 0; ok && i < n; i++) {
                bool entry = !strcmp(files[i].path, r->entry);
                if (entry != (pass == 0) || files[i].symlink || files[i].size > DIFF_NOW_MAX)
                    continue;
                char *then = NULL;
                size_t tlen = 0;
                ok = vcs_read(&v, r->commit, files[i].path, DIFF_NOW_MAX, &then, &tlen, err);
                if (ok)
                    keep_if_changed(&ch, root, workdir, files[i].path, then, tlen, now, ud);
            }
        vcs_files_free(files, n);
        vcs_close(&v);
    }
    if (root >= 0)
        close(root);
    if (!ok) {
        history_changes_free(ch.c, ch.n);
        return false;
    }
    *out = ch.c;
    *nout = ch.n;
    return true;
}

void history_changes_free(HistoryChange *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].path);
        free(c[i].then);
        free(c[i].now);
    }
    free(c);
}

bool history_diff_now(App *app, const HistoryResult *r, const char *workdir, HistoryNowText now, void *ud,
                      StrBuf *out, Err *err)
{
    HistoryChange *c;
    size_t n;
    if (!history_files_changed(app, r, workdir, now, ud, &c, &n, err))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        char *la = xasprintf("%s (result #%lld)", c[i].path, (long long)r->id);
        char *lb = xasprintf("%s (%s)", c[i].path, c[i].gone ? "gone" : "now");
        ok = vcs_diff_buffers(c[i].then, c[i].then_len, la, c[i].now, c[i].now_len, lb, out, err);
        free(la);
        free(lb);
    }
    history_changes_free(c, n);
    return ok;
}

bool history_checkout(App *app, int64_t id, const char *dest, bool force, size_t *nfiles, Err *err)
{
    HistoryResult r;
    if (!history_get(app, id, &r, err))
        return false;
    bool ok;
    if (!r.commit[0]) {
        ok = err_set(err, "run %lld has no snapshot of its files%s%s", (long long)id, r.note ? ": " : "",
                     r.note ? r.note : "");
        /* One line: the note may hold several. */
        char *nl = strchr(err->msg, '\n');
        if (nl)
            *nl = '\0';
    } else {
        Vcs v;
        ok = open_history(app, r.session_id, &v, err);
        if (ok) {
            ok = vcs_checkout(&v, r.commit, dest, force, nfiles, err);
            vcs_close(&v);
        }
    }
    history_result_free(&r);
    return ok;
}
