#include "session.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"
#include "fileio.h"
#include "filetype.h"
#include "session_files.h"
#include "sizetext.h"

/* How long a run's record waits for the database's other writers. */
#define RECORD_WAIT_MS 120000

/* The code column keeps at most this much of the entry file (git has all
 * of it). */
#define CODE_MAX (4 << 20)

static int lock_session(const Session *s, bool wait, void (*waiting)(void *), void *ud, const RunControl *control,
                        Err *err);
static bool inside(const char *root, const char *path, const char **rel);

int64_t session_now(void)
{
    return (int64_t)time(NULL);
}

const char *session_kind_name(SessionKind kind)
{
    return kind == SESSION_FOLDER ? "folder" : "scratch";
}

char *session_dir_for(App *app, int64_t id)
{
    char *rel = xasprintf("sessions/%lld", (long long)id);
    char *dir = paths_get(&app->paths, DIR_DATA, rel);
    free(rel);
    return dir;
}

static char *sessions_root(App *app)
{
    return paths_get(&app->paths, DIR_DATA, "sessions");
}

void session_free(Session *s)
{
    free(s->name);
    free(s->workdir);
    free(s->git_dir);
    free(s->dir);
    *s = (Session){0};
}

void session_list_free(Session *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        session_free(&list[i]);
    free(list);
}

static void session_copy(Session *dst, const Session *src)
{
    *dst = *src;
    dst->name = xstrdup(src->name);
    dst->workdir = xstrdup(src->workdir);
    dst->git_dir = xstrdup(src->git_dir);
    dst->dir = xstrdup(src->dir);
}

/* ---------------------------------------------------------------- rows */

#define SESSION_COLUMNS                                                                                         \
    "s.id, s.name, s.language, s.kind, s.workdir, s.created_at, s.last_used_at, s.expires_at,"                 \
    " (SELECT count(*) FROM code_results r WHERE r.session_id = s.id),"                                       \
    " (SELECT max(id) FROM code_results r WHERE r.session_id = s.id)"

static bool session_from_row(const char *data_dir, sqlite3_stmt *st, Session *s, Err *err)
{
    *s = (Session){0};
    s->id = sqlite.column_int64(st, 0);
    s->name = xstrdup((const char *)sqlite.column_text(st, 1));
    const char *lang = (const char *)sqlite.column_text(st, 2);
    s->lang = lang_by_key(lang);
    s->kind = strcmp((const char *)sqlite.column_text(st, 3), "folder") == 0 ? SESSION_FOLDER : SESSION_SCRATCH;
    /* The session's own folders follow the data folder, wherever it is
     * now; only a folder session's work tree is stored. */
    s->dir = xasprintf("%s/sessions/%lld", data_dir, (long long)s->id);
    s->git_dir = xasprintf("%s/git", s->dir);
    s->workdir = s->kind == SESSION_FOLDER ? xstrdup((const char *)sqlite.column_text(st, 4))
                                           : xasprintf("%s/files", s->dir);
    s->created_at = sqlite.column_int64(st, 5);
    s->last_used_at = sqlite.column_int64(st, 6);
    s->expires_at = sqlite.column_int64(st, 7);
    s->runs = sqlite.column_int64(st, 8);
    s->last_result = sqlite.column_int64(st, 9);
    if (!s->lang) {
        err_set(err, "session %lld is of a language this tide does not know (%s)", (long long)s->id, lang);
        session_free(s);
        return false;
    }
    return true;
}

static bool load_by_id(Store *store, const char *data_dir, int64_t id, Session *out, Err *err)
{
    sqlite3_stmt *st;
    if (!store_prepare(store, &st, "SELECT " SESSION_COLUMNS " FROM code_sessions s WHERE s.id = ?", err))
        return false;
    sqlite.bind_int64(st, 1, id);
    int rc = sqlite.step(st);
    bool ok;
    if (rc == SQLITE_ROW)
        ok = session_from_row(data_dir, st, out, err);
    else if (rc == SQLITE_DONE)
        ok = err_set(err, "there is no session %lld (tide session list shows them)", (long long)id);
    else
        ok = err_set(err, "database %s: %s", store->path, sqlite.errmsg(store->db));
    sqlite.finalize(st);
    return ok;
}

bool session_load(App *app, int64_t id, Session *out, Err *err)
{
    Store *store;
    if (!app_store(app, &store, err))
        return false;
    return load_by_id(store, app->paths.dir[DIR_DATA], id, out, err);
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

bool session_find(App *app, const char *ref, Session *out, Err *err)
{
    return session_find_for(app, ref, NULL, out, err);
}

bool session_find_for(App *app, const char *ref, const Lang *lang, Session *out, Err *err)
{
    const char *r = ref[0] == '#' ? ref + 1 : ref;
    if (all_digits(r)) {
        errno = 0;
        long long id = strtoll(r, NULL, 10);
        if (errno || id <= 0)
            return err_set(err, "there is no session %s (tide session list shows them)", ref);
        return session_load(app, id, out, err);
    }
    Store *store;
    if (!app_store(app, &store, err))
        return false;
    sqlite3_stmt *st;
    if (!store_prepare(store, &st, "SELECT id, language FROM code_sessions WHERE name = ? ORDER BY id", err))
        return false;
    sqlite.bind_text(st, 1, ref, -1, SQLITE_STATIC);
    int64_t id = 0, lang_id = 0;
    int found = 0, of_lang = 0;
    StrBuf which = {0}; /* "2 node, 3 php": to choose from */
    while (sqlite.step(st) == SQLITE_ROW) {
        id = sqlite.column_int64(st, 0);
        const char *key = (const char *)sqlite.column_text(st, 1);
        found++;
        if (found <= 10)
            sb_printf(&which, "%s%lld %s", found > 1 ? ", " : "", (long long)id, key ? key : "?");
        if (lang && key && !strcmp(key, lang->key)) {
            lang_id = id;
            of_lang++;
        }
    }
    sqlite.finalize(st);
    /* One folder holds a session per language, all named for the folder:
     * the file's language tells them apart. */
    if (found > 1 && of_lang == 1) {
        sb_free(&which);
        return session_load(app, lang_id, out, err);
    }
    if (found > 1) {
        /* A folder's sessions share its name: say which is which. */
        err_set(err, "%d sessions are called '%s' (%s%s); give the id instead", found, ref, which.data,
                found > 10 ? ", ..." : "");
        sb_free(&which);
        return false;
    }
    sb_free(&which);
    if (found == 0)
        return err_set(err, "there is no session called '%s' (tide session list shows them)", ref);
    return session_load(app, id, out, err);
}

/* The sessions sql selects (SESSION_COLUMNS), with limit bound to its
 * one parameter when > 0. */
static bool list_sessions(App *app, const char *sql, int64_t limit, Session **out, size_t *n, Err *err)
{
    *out = NULL;
    *n = 0;
    Store *store;
    sqlite3_stmt *st;
    if (!app_store(app, &store, err) || !store_prepare(store, &st, sql, err))
        return false;
    if (limit > 0)
        sqlite.bind_int64(st, 1, limit);
    size_t cap = 0;
    bool ok = true;
    int rc;
    while ((rc = sqlite.step(st)) == SQLITE_ROW) {
        Session s;
        Err skip;
        if (!session_from_row(app->paths.dir[DIR_DATA], st, &s, &skip))
            continue; /* a language this tide lacks: not listable here */
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        (*out)[(*n)++] = s;
    }
    if (rc != SQLITE_DONE) {
        ok = err_set(err, "database %s: %s", store->path, sqlite.errmsg(store->db));
        session_list_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    sqlite.finalize(st);
    return ok;
}

bool session_list(App *app, Session **out, size_t *n, Err *err)
{
    return list_sessions(app, "SELECT " SESSION_COLUMNS " FROM code_sessions s ORDER BY s.last_used_at DESC, s.id DESC",
                         0, out, n, err);
}

bool session_list_scratch(App *app, int64_t limit, Session **out, size_t *n, Err *err)
{
    /* stdin_name()'s names, in SQL. */
    return list_sessions(app,
                         "SELECT " SESSION_COLUMNS " FROM code_sessions s WHERE s.kind = 'scratch' AND"
                         " s.name <> s.language || '-stdin-' || s.id ORDER BY s.last_used_at DESC, s.id DESC LIMIT ?",
                         limit, out, n, err);
}

bool session_check(const Session *s, Err *err)
{
    struct stat st;
    if (stat(s->workdir, &st) == 0 && S_ISDIR(st.st_mode))
        return true;
    if (s->kind == SESSION_FOLDER)
        return err_set(err, "the folder %s of session %lld is gone; `tide session rm %lld` forgets the session",
                       s->workdir, (long long)s->id, (long long)s->id);
    return err_set(err, "the files of session %lld are missing (%s); `tide session rm %lld` removes it", (long long)s->id,
                   s->workdir, (long long)s->id);
}

/* ---------------------------------------------------------------- creating */

int64_t session_expiry_seconds(const App *app)
{
    return (int64_t)app->cfg.expiry_hours * 3600;
}

static bool check_name(Store *store, const char *name, Err *err)
{
    if (!*name)
        return err_set(err, "a session name cannot be empty");
    if (all_digits(name) || (name[0] == '#' && all_digits(name + 1)))
        return err_set(err, "a session name cannot be a number ('%s' would read as an id)", name);
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return err_set(err, "a session name cannot hold control characters");
    if (strlen(name) > 200)
        return err_set(err, "a session name can be at most 200 bytes");
    sqlite3_stmt *st;
    if (!store_prepare(store, &st, "SELECT id FROM code_sessions WHERE name = ?", err))
        return false;
    sqlite.bind_text(st, 1, name, -1, SQLITE_STATIC);
    bool taken = sqlite.step(st) == SQLITE_ROW;
    int64_t id = taken ? sqlite.column_int64(st, 0) : 0;
    sqlite.finalize(st);
    if (taken)
        return err_set(err, "there is already a session called '%s' (session %lld)", name, (long long)id);
    return true;
}

/* Inside an open transaction: the row, then the folders.  A folder left
 * by a creation that crashed before its commit has no row and is cleared. */
/* The name a scratch session of code from standard input gets. */
static char *stdin_name(const Lang *lang, int64_t id)
{
    return xasprintf("%s-stdin-%lld", lang->key, (long long)id);
}

/* name NULL: "<language>-<id>", or stdin_name() when from_stdin. */
static bool create_session(App *app, Store *store, const Lang *lang, SessionKind kind, const char *name,
                           bool from_stdin, const char *folder, int64_t *id_out, Err *err)
{
    int64_t now = session_now();
    sqlite3_stmt *st;
    if (!store_prepare(store, &st,
                       "INSERT INTO code_sessions (name, language, kind, workdir, git_dir, created_at,"
                       " last_used_at, expires_at) VALUES (?, ?, ?, '', '', ?, ?, ?)",
                       err))
        return false;
    sqlite.bind_text(st, 1, name ? name : "", -1, SQLITE_STATIC);
    sqlite.bind_text(st, 2, lang->key, -1, SQLITE_STATIC);
    sqlite.bind_text(st, 3, session_kind_name(kind), -1, SQLITE_STATIC);
    sqlite.bind_int64(st, 4, now);
    sqlite.bind_int64(st, 5, now);
    if (kind == SESSION_SCRATCH)
        sqlite.bind_int64(st, 6, now + session_expiry_seconds(app));
    else
        sqlite.bind_null(st, 6);
    int rc = sqlite.step(st);
    sqlite.finalize(st);
    if (rc != SQLITE_DONE)
        return err_set(err, "database %s: %s (creating a session)", store->path, sqlite.errmsg(store->db));
    int64_t id = sqlite.last_insert_rowid(store->db);

    char *dir = session_dir_for(app, id);
    char *git = xasprintf("%s/git", dir);
    char *files = xasprintf("%s/files", dir);
    char *gen = xasprintf("%s/generated", dir);
    char *dflt = name         ? NULL
                 : from_stdin ? stdin_name(lang, id)
                              : xasprintf("%s-%lld", lang->key, (long long)id);
    const char *workdir = kind == SESSION_SCRATCH ? files : folder;
    bool ok = fileio_rmtree(dir, err) && fileio_mkdirs(dir, 0700, err) && fileio_mkdirs(gen, 0700, err);
    if (ok && kind == SESSION_SCRATCH)
        ok = fileio_mkdirs(files, 0755, err);
    /* A program from standard input takes the starter's place. */
    if (ok && kind == SESSION_SCRATCH && !from_stdin) {
        char *starter = xasprintf("%s/%s", files, lang->starter_file);
        ok = fileio_write_atomic(starter, lang->starter, strlen(lang->starter), 0644, err) &&
             session_files_add(store, id, files, lang->starter_file, "user", now, 0, err);
        free(starter);
    }
    /* A scratch session someone made (tide session new, the IDE) comes
     * with its repository; one of code from standard input or a folder's
     * gets it at its first run's snapshot (snapshot_take), while that
     * run's program runs. */
    ok = ok && (from_stdin || kind == SESSION_FOLDER || vcs_init(git, err));
    if (ok && store_prepare(store, &st, "UPDATE code_sessions SET workdir = ?, git_dir = ?, name = ? WHERE id = ?",
                            err)) {
        sqlite.bind_text(st, 1, workdir, -1, SQLITE_STATIC);
        sqlite.bind_text(st, 2, git, -1, SQLITE_STATIC);
        sqlite.bind_text(st, 3, name ? name : dflt, -1, SQLITE_STATIC);
        sqlite.bind_int64(st, 4, id);
        if (sqlite.step(st) != SQLITE_DONE)
            ok = err_set(err, "database %s: %s (creating a session)", store->path, sqlite.errmsg(store->db));
        sqlite.finalize(st);
    } else {
        ok = false;
    }
    if (!ok)
        (void)fileio_rmtree(dir, NULL);
    *id_out = id;
    free(dir);
    free(git);
    free(files);
    free(gen);
    free(dflt);
    return ok;
}

static bool ensure_sessions_root(App *app, Err *err)
{
    if (!paths_ensure(&app->paths, DIR_DATA, err))
        return false;
    char *root = sessions_root(app);
    bool ok = fileio_mkdirs(root, 0700, err);
    free(root);
    return ok;
}

static bool new_scratch(App *app, const Lang *lang, const char *name, bool from_stdin, Session *out, Err *err)
{
    *out = (Session){0};
    Store *store;
    if (!app_store(app, &store, err) || !ensure_sessions_root(app, err))
        return false;
    if (!store_begin(store, err))
        return false;
    int64_t id = 0;
    if ((name && !check_name(store, name, err)) ||
        !create_session(app, store, lang, SESSION_SCRATCH, name, from_stdin, NULL, &id, err)) {
        store_rollback(store);
        return false;
    }
    if (!store_commit(store, err)) {
        char *dir = session_dir_for(app, id);
        (void)fileio_rmtree(dir, NULL);
        free(dir);
        return false;
    }
    return session_load(app, id, out, err);
}

bool session_new_scratch(App *app, const Lang *lang, const char *name, Session *out, Err *err)
{
    return new_scratch(app, lang, name, false, out, err);
}

bool session_new_for_stdin(App *app, const Lang *lang, Session *out, Err *err)
{
    return new_scratch(app, lang, NULL, true, out, err);
}

static bool find_by_workdir(Store *store, const char *kind, const char *workdir, const char *lang, int64_t *id,
                            const char **found_lang_key, Err *err)
{
    sqlite3_stmt *st;
    const char *sql = lang ? "SELECT id, language FROM code_sessions WHERE kind = ? AND workdir = ? AND language = ?"
                           : "SELECT id, language FROM code_sessions WHERE kind = ? AND workdir = ?";
    if (!store_prepare(store, &st, sql, err))
        return false;
    sqlite.bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite.bind_text(st, 2, workdir, -1, SQLITE_STATIC);
    if (lang)
        sqlite.bind_text(st, 3, lang, -1, SQLITE_STATIC);
    *id = 0;
    if (sqlite.step(st) == SQLITE_ROW) {
        *id = sqlite.column_int64(st, 0);
        if (found_lang_key) {
            const Lang *l = lang_by_key((const char *)sqlite.column_text(st, 1));
            *found_lang_key = l ? l->name : "unknown";
        }
    }
    sqlite.finalize(st);
    return true;
}

bool session_for_folder(App *app, const char *folder, const Lang *lang, Session *out, Err *err)
{
    *out = (Session){0};
    char *real = realpath(folder, NULL);
    if (!real)
        return err_sys(err, "cannot use the folder %s", folder);
    if (!fileio_is_dir(real)) {
        err_set(err, "%s is not a folder", real);
        free(real);
        return false;
    }
    Store *store;
    bool ok = app_store(app, &store, err) && ensure_sessions_root(app, err);
    int64_t id = 0;
    const char *other = NULL;
    /* A scratch session's own files run in that session. */
    ok = ok && find_by_workdir(store, "scratch", real, NULL, &id, &other, err);
    if (ok && id) {
        Session s;
        ok = session_load(app, id, &s, err);
        if (ok && s.lang != lang) {
            ok = err_set(err, "%s holds scratch session %lld (%s); run %s files in a session of their own "
                              "(tide session new %s)",
                         real, (long long)id, s.lang->name, lang->name, lang->key);
            session_free(&s);
        } else if (ok) {
            *out = s;
        }
        free(real);
        return ok;
    }
    ok = ok && find_by_workdir(store, "folder", real, lang->key, &id, NULL, err);
    if (ok && !id) {
        /* Another process may be creating the same one: look again under
         * the write lock. */
        ok = store_begin(store, err);
        char *copy = xstrdup(real);
        const char *name = basename(copy);
        if (ok && (!find_by_workdir(store, "folder", real, lang->key, &id, NULL, err) ||
                   (!id && !create_session(app, store, lang, SESSION_FOLDER, *name ? name : "/", false, real, &id, err)))) {
            store_rollback(store);
            ok = false;
        }
        if (ok && !store_commit(store, err)) {
            char *dir = session_dir_for(app, id);
            (void)fileio_rmtree(dir, NULL);
            free(dir);
            ok = false;
        }
        free(copy);
    }
    ok = ok && session_load(app, id, out, err);
    free(real);
    return ok;
}

bool session_newest_run_in(App *app, const char *folder, int64_t *session_id, int64_t *result_id, Err *err)
{
    *session_id = *result_id = 0;
    char *real = realpath(folder, NULL);
    if (!real)
        return err_sys(err, "cannot use the folder %s", folder);
    Store *store;
    sqlite3_stmt *st;
    bool ok = app_store(app, &store, err) &&
              store_prepare(store, &st,
                            "SELECT r.session_id, r.id FROM code_results r JOIN code_sessions s ON s.id = r.session_id"
                            " WHERE s.kind = 'folder' AND s.workdir = ? ORDER BY r.id DESC LIMIT 1",
                            err);
    if (ok) {
        sqlite.bind_text(st, 1, real, -1, SQLITE_STATIC);
        int rc = sqlite.step(st);
        if (rc == SQLITE_ROW) {
            *session_id = sqlite.column_int64(st, 0);
            *result_id = sqlite.column_int64(st, 1);
        } else if (rc != SQLITE_DONE) {
            ok = err_set(err, "database %s: %s", store->path, sqlite.errmsg(store->db));
        }
        sqlite.finalize(st);
    }
    free(real);
    return ok;
}

bool session_folder_id(App *app, const char *workdir, const Lang *lang, int64_t *id, Err *err)
{
    Store *store;
    *id = 0;
    return app_store(app, &store, err) && find_by_workdir(store, "folder", workdir, lang->key, id, NULL, err);
}

bool session_here(App *app, const char *folder, Session *out, Err *err)
{
    *out = (Session){0};
    char *real = realpath(folder, NULL);
    if (!real)
        return err_sys(err, "cannot use the folder %s", folder);
    Store *store;
    sqlite3_stmt *st;
    if (!app_store(app, &store, err) ||
        !store_prepare(store, &st, "SELECT id, language FROM code_sessions WHERE workdir = ? ORDER BY id", err)) {
        free(real);
        return false;
    }
    sqlite.bind_text(st, 1, real, -1, SQLITE_STATIC);
    int64_t id = 0;
    int found = 0;
    StrBuf which = {0}; /* "2 node, 3 php": to choose from */
    while (sqlite.step(st) == SQLITE_ROW) {
        id = sqlite.column_int64(st, 0);
        const char *key = (const char *)sqlite.column_text(st, 1);
        sb_printf(&which, "%s%lld %s", found++ ? ", " : "", (long long)id, key ? key : "?");
    }
    sqlite.finalize(st);
    bool ok = found == 1;
    if (found == 0)
        err_set(err, "no session uses %s yet (a run here makes one); name a session (tide session list shows them)",
                real);
    else if (found > 1)
        err_set(err, "%s holds %d sessions, one per language (%s); name one by its id", real, found, which.data);
    sb_free(&which);
    free(real);
    return ok && session_load(app, id, out, err);
}

/* ---------------------------------------------------------------- use */

static bool touch_in(Store *store, int64_t id, int64_t now, int64_t expiry, Err *err)
{
    sqlite3_stmt *st;
    if (!store_prepare(store, &st,
                       "UPDATE code_sessions SET last_used_at = ?1,"
                       " expires_at = CASE kind WHEN 'scratch' THEN ?1 + ?2 ELSE NULL END WHERE id = ?3",
                       err))
        return false;
    sqlite.bind_int64(st, 1, now);
    sqlite.bind_int64(st, 2, expiry);
    sqlite.bind_int64(st, 3, id);
    int rc = sqlite.step(st);
    sqlite.finalize(st);
    if (rc != SQLITE_DONE)
        return err_set(err, "database %s: %s (marking the session used)", store->path, sqlite.errmsg(store->db));
    /* Imported files are what runs read: using the session uses them. */
    if (!store_prepare(store, &st,
                       "UPDATE code_files SET expires_at = ?1 + ?2 WHERE session_id = ?3 AND origin = 'import'"
                       " AND expires_at IS NOT NULL",
                       err))
        return false;
    sqlite.bind_int64(st, 1, now);
    sqlite.bind_int64(st, 2, expiry);
    sqlite.bind_int64(st, 3, id);
    rc = sqlite.step(st);
    sqlite.finalize(st);
    if (rc != SQLITE_DONE)
        return err_set(err, "database %s: %s (marking the session used)", store->path, sqlite.errmsg(store->db));
    return true;
}

bool session_touch(App *app, Session *s, Err *err)
{
    Store *store;
    if (!app_store(app, &store, err) || !store_begin(store, err))
        return false;
    int64_t now = session_now();
    if (!touch_in(store, s->id, now, session_expiry_seconds(app), err)) {
        store_rollback(store);
        return false;
    }
    if (!store_commit(store, err))
        return false;
    s->last_used_at = now;
    s->expires_at = s->kind == SESSION_SCRATCH ? now + session_expiry_seconds(app) : 0;
    return true;
}

int session_lock(const Session *s, bool wait, Err *err)
{
    return lock_session(s, wait, NULL, NULL, NULL, err);
}

void session_unlock(int fd)
{
    if (fd >= 0)
        close(fd);
}

static int in_use_lock(const Session *s, int how)
{
    char *path = xasprintf("%s/in-use", s->dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    free(path);
    if (fd >= 0 && flock(fd, how | LOCK_NB) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        fd = -1;
    }
    return fd;
}

int session_hold(const Session *s)
{
    return in_use_lock(s, LOCK_SH);
}

bool session_held(const Session *s)
{
    int fd = in_use_lock(s, LOCK_EX);
    session_unlock(fd);
    return fd < 0 && errno == EWOULDBLOCK;
}

/* The session's lock: held by a run from its snapshot to its record, by
 * removal and by gc.  Returns the descriptor, or -1 (also when control
 * asked to stop while it waited). */
static int lock_session(const Session *s, bool wait, void (*waiting)(void *), void *ud, const RunControl *control,
                        Err *err)
{
    char *path = xasprintf("%s/lock", s->dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        if (errno == ENOENT)
            err_set(err, "session %lld has been removed (its folder %s is gone)", (long long)s->id, s->dir);
        else
            err_sys(err, "cannot lock session %lld (%s)", (long long)s->id, path);
        free(path);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK || !wait) {
            if (errno == EWOULDBLOCK)
                err_set(err, "a run is in progress in session %lld; try again when it ends", (long long)s->id);
            else
                err_sys(err, "cannot lock session %lld", (long long)s->id);
            close(fd);
            free(path);
            return -1;
        }
        if (waiting)
            waiting(ud);
        /* Tried again and again rather than waited for in flock: a stop
         * (a signal to tide run, the IDE's stop or quit) must end the wait
         * at once, and nothing wakes a blocked flock but a signal, which
         * the IDE's run thread does not get and which could come just
         * before the call. */
        int rc;
        while ((rc = flock(fd, LOCK_EX | LOCK_NB)) != 0 && (errno == EWOULDBLOCK || errno == EINTR)) {
            if (run_control_wait(control, 50)) {
                err_set(err, "stopped while waiting for the run in progress in session %lld to finish; it did "
                             "not start",
                        (long long)s->id);
                close(fd);
                free(path);
                return -1;
            }
        }
        if (rc != 0) {
            err_sys(err, "cannot lock session %lld", (long long)s->id);
            close(fd);
            free(path);
            return -1;
        }
    }
    /* Removed while we waited: the file we hold is no longer the one at
     * that name. */
    struct stat a, b;
    if (fstat(fd, &a) != 0 || stat(path, &b) != 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
        err_set(err, "session %lld was removed", (long long)s->id);
        close(fd);
        free(path);
        return -1;
    }
    free(path);
    return fd;
}

bool session_remove(App *app, Session *s, Err *err)
{
    Store *store;
    if (!app_store(app, &store, err))
        return false;
    int fd = fileio_is_dir(s->dir) ? lock_session(s, false, NULL, NULL, NULL, err) : -1;
    if (fd < 0 && fileio_is_dir(s->dir))
        return false;
    /* Rows first: a crash before the folder goes leaves an orphan folder,
     * which gc clears, never rows pointing at nothing. */
    sqlite3_stmt *st;
    bool ok = store_begin(store, err);
    if (ok && store_prepare(store, &st, "DELETE FROM code_sessions WHERE id = ?", err)) {
        sqlite.bind_int64(st, 1, s->id);
        if (sqlite.step(st) != SQLITE_DONE)
            ok = err_set(err, "database %s: %s (removing session %lld)", store->path, sqlite.errmsg(store->db),
                         (long long)s->id);
        sqlite.finalize(st);
    } else {
        ok = false;
    }
    ok = ok ? store_commit(store, err) : (store_rollback(store), false);
    /* Only tide's own folder goes; a folder session's work tree is the
     * user's and is outside it. */
    if (ok && !fileio_rmtree(s->dir, err))
        ok = err_prefix(err, "session %lld is forgotten, but its folder stays", (long long)s->id);
    if (fd >= 0)
        close(fd);
    return ok;
}

/* ---------------------------------------------------------------- runs */

struct SessionRun {
    Store own;    /* a connection of the run's own: it may be on a worker thread */
    Store *store; /* own, or app->store for a run on the App's thread */
    Session s;
    int lock_fd;
    int64_t expiry;
    /* The snapshot is taken on a thread of its own while the program
     * compiles and runs (the run never writes into the work tree: its
     * writes land in a layer of its own): opening libgit2 and walking the
     * folder cost about as much as starting a sandboxed program.  Only that
     * thread touches vcs, snap and snap_notes until snapshot_wait. */
    pthread_t snap_thread;
    bool snap_started;
    StrList snap_force; /* the run's files: always in the snapshot */
    Vcs vcs;
    bool vcs_ok;
    VcsSnapshot snap;
    bool snap_ok;
    StrList snap_notes;
    StrList folder_notes; /* snap_notes once joined to notes */
    char *entry;
    StrList args;
    StrList exclude; /* tide's own folders inside the work tree */
    char *code;
    size_t code_len;
    char *gen_tmp;
    StrList notes;
};

void session_run_result_free(SessionRunResult *r)
{
    sl_free(&r->notes);
    sl_free(&r->repeated);
    *r = (SessionRunResult){0};
}

const char *session_run_generated_dir(const SessionRun *run)
{
    return run->gen_tmp;
}

/* Waits for the snapshot; its notes join the run's. */
static void snapshot_wait(SessionRun *run)
{
    if (!run->snap_started)
        return;
    pthread_join(run->snap_thread, NULL);
    run->snap_started = false;
    for (size_t i = 0; i < run->snap_notes.len; i++) {
        sl_push(&run->notes, run->snap_notes.items[i]);
        sl_push(&run->folder_notes, run->snap_notes.items[i]);
    }
    sl_free(&run->snap_notes);
}

/* The folder notes that the session's latest result also recorded. */
static bool previous_notes(SessionRun *run, StrList *repeated, Err *err)
{
    if (!run->folder_notes.len)
        return true;
    sqlite3_stmt *st;
    if (!store_prepare(run->store, &st,
                       "SELECT note FROM code_results WHERE session_id = ? ORDER BY id DESC LIMIT 1", err))
        return false;
    sqlite.bind_int64(st, 1, run->s.id);
    int rc = sqlite.step(st);
    const char *prev = rc == SQLITE_ROW ? (const char *)sqlite.column_text(st, 0) : NULL;
    for (size_t i = 0; prev && i < run->folder_notes.len; i++) {
        const char *n = run->folder_notes.items[i];
        size_t len = strlen(n);
        for (const char *p = prev; (p = strstr(p, n)); p += len)
            if ((p == prev || p[-1] == '\n') && (p[len] == '\n' || !p[len])) {
                sl_push(repeated, n);
                break;
            }
    }
    sqlite.finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return err_set(err, "database %s: %s (reading the last result)", run->store->path,
                       sqlite.errmsg(run->store->db));
    return true;
}

static void run_free(SessionRun *run)
{
    snapshot_wait(run);
    if (run->gen_tmp)
        (void)fileio_rmtree(run->gen_tmp, NULL);
    free(run->gen_tmp);
    if (run->snap_ok)
        vcs_snapshot_free(&run->snap);
    if (run->vcs_ok)
        vcs_close(&run->vcs);
    if (run->lock_fd >= 0)
        close(run->lock_fd);
    if (run->own.db)
        store_close(&run->own);
    session_free(&run->s);
    free(run->entry);
    free(run->code);
    sl_free(&run->args);
    sl_free(&run->exclude);
    sl_free(&run->notes);
    sl_free(&run->snap_notes);
    sl_free(&run->folder_notes);
    sl_free(&run->snap_force);
    free(run);
}

void session_run_abort(SessionRun *run)
{
    if (run)
        run_free(run);
}

/* The first max bytes of a file; *cut when there was more. */
static bool read_head(const char *path, size_t max, char **data, size_t *len, bool *cut, Err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return err_sys(err, "cannot read %s", path);
    StrBuf sb = {0};
    char buf[65536];
    *cut = false;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            sb_free(&sb);
            close(fd);
            return err_sys(err, "cannot read %s", path);
        }
        if (n == 0)
            break;
        size_t take = (size_t)n;
        if (sb.len + take > max) {
            take = max - sb.len;
            *cut = true;
        }
        sb_append(&sb, buf, take);
        if (*cut)
            break;
    }
    close(fd);
    *len = sb.len;
    *data = sb_steal(&sb);
    return true;
}

static bool valid_rel(const char *p)
{
    if (!*p || p[0] == '/')
        return false;
    for (const char *c = p; *c;) {
        const char *slash = strchr(c, '/');
        size_t n = slash ? (size_t)(slash - c) : strlen(c);
        if (n == 0 || (n == 2 && c[0] == '.' && c[1] == '.'))
            return false;
        c += n + (slash ? 1 : 0);
    }
    return true;
}

/* A snapshot that fails does not stop the run: the result says so. */
static void snapshot_take(SessionRun *run)
{
    Err verr;
    VcsSnapshotOptions opt = {.force = (const char *const *)run->snap_force.items,
                              .exclude = (const char *const *)run->exclude.items,
                              .lang = run->s.lang,
                              .limit_big = run->s.kind == SESSION_FOLDER,
                              .only_forced = exec_folder_is_private(run->s.workdir)};
    /* Nothing touched since the last run: its snapshot, libgit2 unloaded. */
    if (run->s.runs > 0 && vcs_snapshot_unchanged(run->s.git_dir, run->s.workdir, &opt, &run->snap)) {
        run->snap_ok = true;
        for (size_t i = 0; i < run->snap.notes.len; i++)
            sl_push(&run->snap_notes, run->snap.notes.items[i]);
        return;
    }
    /* A session's repository is made here, at its first snapshot: loading
     * libgit2 (~5 ms) then overlaps the run instead of delaying it, and a
     * session that never runs has none.  Only in a session without runs:
     * the folder gone from one that has them is damage, and said so. */
    if (run->s.runs == 0 && !fileio_exists(run->s.git_dir) && !vcs_init(run->s.git_dir, &verr)) {
        sl_push_owned(&run->snap_notes, xasprintf("the files of this run are not in git: %s", verr.msg));
        return;
    }
    if (!vcs_open(&run->vcs, run->s.git_dir, run->s.workdir, &verr)) {
        sl_push_owned(&run->snap_notes, xasprintf("the files of this run are not in git: %s", verr.msg));
        return;
    }
    run->vcs_ok = true;
    vcs_break_stale_locks(&run->vcs);
    if (vcs_snapshot(&run->vcs, &opt, &run->snap, &verr)) {
        run->snap_ok = true;
        for (size_t i = 0; i < run->snap.notes.len; i++)
            sl_push(&run->snap_notes, run->snap.notes.items[i]);
    } else {
        sl_push_owned(&run->snap_notes, xasprintf("the files of this run are not in git: %s", verr.msg));
    }
}

static void *snapshot_thread(void *arg)
{
    /* Signals (Ctrl-C stopping the run) are for the thread running the
     * program, and must not interrupt libgit2's reads and writes here. */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    snapshot_take(arg);
    return NULL;
}

bool session_run_begin(App *app, const Session *s, const SessionRunSpec *spec, SessionRun **out, Err *err)
{
    *out = NULL;
    if (!spec->files || !spec->files[0])
        return err_set(err, "a run needs an entry file");
    for (const char *const *f = spec->files; *f; f++)
        if (!valid_rel(*f))
            return err_set(err, "'%s' is not a file name inside the session", *f);
    const Lang *entry_lang = lang_by_path(spec->files[0]);
    if (entry_lang && entry_lang != s->lang)
        return err_set(err, "session %lld is a %s session and %s is %s; run it in a %s session (tide session new %s)",
                       (long long)s->id, s->lang->name, spec->files[0], entry_lang->name, entry_lang->name,
                       entry_lang->key);
    SessionRun *run = xcalloc(1, sizeof *run);
    run->lock_fd = -1;
    session_copy(&run->s, s);
    run->expiry = session_expiry_seconds(app);
    run->entry = xstrdup(spec->files[0]);
    for (const char *const *a = spec->args; a && *a; a++)
        sl_push(&run->args, *a);

    bool ok;
    if (spec->app_thread) {
        ok = app_store(app, &run->store, err);
    } else {
        char *db = paths_get(&app->paths, DIR_DATA, "tide.db");
        ok = paths_ensure(&app->paths, DIR_DATA, err) && store_open(&run->own, db, err);
        free(db);
        run->store = &run->own;
    }
    if (ok)
        run->lock_fd = lock_session(&run->s, true, spec->waiting, spec->ud, spec->control, err);
    ok = ok && run->lock_fd >= 0;
    /* Still there, now that we hold it? */
    Session again;
    if (ok && (ok = load_by_id(run->store, app->paths.dir[DIR_DATA], s->id, &again, err)))
        session_free(&again);
    ok = ok && session_check(&run->s, err);
    if (ok) {
        char *entry = xasprintf("%s/%s", run->s.workdir, run->entry);
        struct stat st;
        if (lstat(entry, &st) != 0 || !S_ISREG(st.st_mode))
            ok = err_set(err, "%s is not a file in session %lld (%s)", run->entry, (long long)s->id, run->s.workdir);
        bool cut = false;
        if (ok && (ok = read_head(entry, CODE_MAX, &run->code, &run->code_len, &cut, err)) && cut) {
            sl_push_owned(&run->notes, xasprintf("only the first %d MiB of %s are in the result's code (git has "
                                                 "all of it)",
                                                 CODE_MAX >> 20, run->entry));
            sl_push(&run->folder_notes, run->notes.items[run->notes.len - 1]);
        }
        free(entry);
    }
    if (ok) {
        char *gen = xasprintf("%s/generated", run->s.dir);
        ok = fileio_mkdirs(gen, 0700, err);
        if (ok) {
            run->gen_tmp = xasprintf("%s/.run-XXXXXX", gen);
            if (!mkdtemp(run->gen_tmp)) {
                ok = err_sys(err, "cannot create a folder for the run's files in %s", gen);
                free(run->gen_tmp);
                run->gen_tmp = NULL;
            }
        }
        free(gen);
    }
    if (!ok) {
        run_free(run);
        return false;
    }

    /* tide's own folders (a home folder holds ~/.local/share/tide) are
     * never part of a snapshot. */
    char *root = realpath(run->s.workdir, NULL);
    for (int k = 0; root && k < DIR_COUNT; k++) {
        char *dir = realpath(app->paths.dir[k], NULL);
        const char *rel;
        if (dir && inside(root, dir, &rel) && *rel)
            sl_push(&run->exclude, rel);
        free(dir);
    }
    free(root);

    for (const char *const *f = spec->files; *f; f++)
        sl_push(&run->snap_force, *f);
    if (pthread_create(&run->snap_thread, NULL, snapshot_thread, run) == 0)
        run->snap_started = true;
    else
        snapshot_take(run);
    *out = run;
    return true;
}

static char *args_json(const StrList *args)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < args->len; i++) {
        /* JSON holds UTF-8 only: an argument in other bytes is kept with
         * U+FFFD for them rather than lost. */
        StrBuf text = {0};
        filetype_clean_text(args->items[i], strlen(args->items[i]), &text);
        json_array_append_new(arr, json_stringn(text.data, text.len));
        sb_free(&text);
    }
    char *s = json_dumps(arr, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(arr);
    char *copy = xstrdup(s ? s : "[]");
    free(s);
    return copy;
}

static void bind_blob(sqlite3_stmt *st, int i, const char *data, size_t len)
{
    sqlite.bind_blob64(st, i, data ? data : "", data ? len : 0, SQLITE_STATIC);
}

static void bind_real_or_null(sqlite3_stmt *st, int i, double v)
{
    if (v < 0)
        sqlite.bind_null(st, i);
    else
        sqlite.bind_double(st, i, v);
}

static bool insert_result(SessionRun *run, const RunRecord *rec, int64_t now, int64_t *rid, Err *err)
{
    Store *store = run->store;
    sqlite3_stmt *st;
    if (!store_prepare(store, &st,
                       "INSERT INTO code_results (session_id, language, entry, code, stdin, stdin_mode,"
                       " stdin_truncated, args, output, error, status, exit_code, signal, compile_time,"
                       " execution_time, peak_memory_kb, output_truncated, created_at, message, compile_output,"
                       " build_cached, toolchain, stdin_name, net) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                       " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       err))
        return false;
    char *args = args_json(&run->args);
    const char *mode = rec->stdin_mode ? rec->stdin_mode : "none";
    sqlite.bind_int64(st, 1, run->s.id);
    sqlite.bind_text(st, 2, run->s.lang->key, -1, SQLITE_STATIC);
    sqlite.bind_text(st, 3, run->entry, -1, SQLITE_STATIC);
    sqlite.bind_text64(st, 4, run->code ? run->code : "", run->code ? run->code_len : 0, SQLITE_STATIC,
                        SQLITE_UTF8);
    if (strcmp(mode, "file") == 0 || strcmp(mode, "pipe") == 0)
        bind_blob(st, 5, rec->stdin_data, rec->stdin_len);
    else
        sqlite.bind_null(st, 5);
    sqlite.bind_text(st, 6, mode, -1, SQLITE_STATIC);
    sqlite.bind_int(st, 7, rec->stdin_truncated);
    sqlite.bind_text(st, 8, args, -1, SQLITE_STATIC);
    /* What the run printed goes in with the commit (finish_result): any
     * update rewrites the whole row, so a megabyte of output written here
     * would be written twice. */
    bind_blob(st, 9, NULL, 0);
    bind_blob(st, 10, NULL, 0);
    sqlite.bind_text(st, 11, rec->status ? rec->status : "ok", -1, SQLITE_STATIC);
    if (rec->exit_code < 0)
        sqlite.bind_null(st, 12);
    else
        sqlite.bind_int(st, 12, rec->exit_code);
    if (rec->signal <= 0)
        sqlite.bind_null(st, 13);
    else
        sqlite.bind_int(st, 13, rec->signal);
    bind_real_or_null(st, 14, rec->compile_time);
    bind_real_or_null(st, 15, rec->execution_time);
    if (rec->peak_memory_kb < 0)
        sqlite.bind_null(st, 16);
    else
        sqlite.bind_int64(st, 16, rec->peak_memory_kb);
    sqlite.bind_int(st, 17, rec->output_truncated);
    sqlite.bind_int64(st, 18, now);
    if (rec->message && *rec->message)
        sqlite.bind_text(st, 19, rec->message, -1, SQLITE_STATIC);
    else
        sqlite.bind_null(st, 19);
    bind_blob(st, 20, NULL, 0);
    sqlite.bind_int(st, 21, rec->build_cached);
    if (rec->toolchain)
        sqlite.bind_text(st, 22, rec->toolchain, -1, SQLITE_STATIC);
    else
        sqlite.bind_null(st, 22);
    if (rec->stdin_name)
        sqlite.bind_text(st, 23, rec->stdin_name, -1, SQLITE_STATIC);
    else
        sqlite.bind_null(st, 23);
    sqlite.bind_int(st, 24, rec->net);
    int rc = sqlite.step(st);
    sqlite.finalize(st);
    free(args);
    if (rc != SQLITE_DONE)
        return err_set(err, "database %s: %s (recording the run)", store->path, sqlite.errmsg(store->db));
    *rid = sqlite.last_insert_rowid(store->db);
    return true;
}

static bool finish_result(SessionRun *run, int64_t rid, const RunRecord *rec, const char *commit, Err *err)
{
    StrBuf note = {0};
    for (size_t i = 0; i < run->notes.len; i++)
        sb_printf(&note, "%s%s", i ? "\n" : "", run->notes.items[i]);
    sqlite3_stmt *st;
    bool ok = store_prepare(run->store, &st,
                            "UPDATE code_results SET commit_oid = ?, note = ?, output = ?, error = ?,"
                            " compile_output = ? WHERE id = ?",
                            err);
    if (ok) {
        if (commit && *commit)
            sqlite.bind_text(st, 1, commit, -1, SQLITE_STATIC);
        else
            sqlite.bind_null(st, 1);
        if (note.len)
            sqlite.bind_text(st, 2, note.data, (int)note.len, SQLITE_STATIC);
        else
            sqlite.bind_null(st, 2);
        bind_blob(st, 3, rec->output, rec->output_len);
        bind_blob(st, 4, rec->error, rec->error_len);
        bind_blob(st, 5, rec->compile_output, rec->compile_output_len);
        sqlite.bind_int64(st, 6, rid);
        if (sqlite.step(st) != SQLITE_DONE)
            ok = err_set(err, "database %s: %s (recording the run)", run->store->path, sqlite.errmsg(run->store->db));
        sqlite.finalize(st);
    }
    sb_free(&note);
    return ok;
}

/* Move the run's generated files to generated/<rid>/ and list them. */
static bool keep_generated(SessionRun *run, int64_t rid, const RunRecord *rec, int64_t now, char **kept, Err *err)
{
    *kept = NULL;
    if (!rec->ngenerated)
        return true;
    char *target = xasprintf("%s/generated/%lld", run->s.dir, (long long)rid);
    /* Left by a run whose record was rolled back: nothing refers to it. */
    if (!fileio_rmtree(target, err) || rename(run->gen_tmp, target) != 0) {
        if (fileio_exists(run->gen_tmp))
            err_sys(err, "cannot keep the files the run made (%s)", target);
        free(target);
        return false;
    }
    free(run->gen_tmp);
    run->gen_tmp = NULL;
    *kept = target;
    return session_files_record_generated(run->store, run->s.id, rid, rec->generated, rec->ngenerated, now,
                                          now + run->expiry, err);
}

bool session_run_finish(SessionRun *run, const RunRecord *rec, SessionRunResult *out, Err *err)
{
    *out = (SessionRunResult){0};
    snapshot_wait(run);
    int64_t now = session_now();
    int64_t rid = 0;
    char commit[VCS_OID_LEN + 1] = "";
    char *kept = NULL;
    Err cerr;
    /* Other sessions' runs may be being recorded (each holds the lock
     * for its search index, up to a second or so): a run that ended waits
     * its turn rather than lose its record. */
    bool ok = store_begin_waiting(run->store, RECORD_WAIT_MS, err) && previous_notes(run, &out->repeated, err) &&
              insert_result(run, rec, now, &rid, err);
    if (ok && run->snap_ok) {
        char *msg = xasprintf("run %lld: %s%s%s\n\nsession %lld (%s)\n", (long long)rid, run->entry,
                              run->args.len ? " " : "", run->args.len ? "with arguments" : "",
                              (long long)run->s.id, run->s.lang->name);
        if (!vcs_commit(&run->vcs, &run->snap, msg, commit, &cerr)) {
            sl_push_owned(&run->notes, xasprintf("the files of this run are not in git: %s", cerr.msg));
            commit[0] = '\0';
        }
        free(msg);
    }
    if (ok && !keep_generated(run, rid, rec, now, &kept, &cerr))
        sl_push_owned(&run->notes, xasprintf("the files the run made were not kept: %s", cerr.msg));
    ok = ok && history_index(run->store, rid, run->entry, run->code, run->code_len, rec->output, rec->output_len,
                             rec->error, rec->error_len, err);
    if (ok && run->snap_ok && *commit)
        ok = session_files_refresh(run->store, run->s.id, run->s.workdir, &run->snap, now, err);
    ok = ok && finish_result(run, rid, rec, commit, err) && touch_in(run->store, run->s.id, now, run->expiry, err);
    if (ok) {
        ok = store_commit(run->store, err);
    } else {
        store_rollback(run->store);
    }
    if (!ok) {
        sl_free(&out->repeated); /* the next run cannot know them told */
        if (kept)
            (void)fileio_rmtree(kept, NULL);
        sl_push_owned(&run->notes, xasprintf(SESSION_NOT_RECORDED "%s", err->msg));
    } else if (run->snap_ok && run->snap.changed && *commit && !vcs_advance(&run->vcs, commit, &cerr)) {
        /* The result has its commit; only the branch lags behind. */
        sl_push_owned(&run->notes, xasprintf("git: %s", cerr.msg));
    } else if (run->snap_ok && *commit) {
        vcs_remember(run->s.git_dir, &run->snap, commit);
    }
    out->recorded = ok;
    out->result_id = ok ? rid : 0;
    memcpy(out->commit, ok ? commit : "", ok ? sizeof commit : 1);
    out->notes = run->notes;
    run->notes = (StrList){0};
    free(kept);
    run_free(run);
    return ok;
}

/* ---------------------------------------------------------------- session_run */

/* What a run's stdin was, for the record: a regular file is read (up to
 * STDIN_MAX) without moving its offset; a pipe goes through a thread that
 * keeps a copy while passing every byte on, so a program still reads its
 * input as it arrives. */
#define STDIN_MAX (1 << 20)

typedef struct Tee {
    int in, out;  /* the caller's stdin; the write end of exec's pipe */
    int wake[2];  /* a byte here stops the thread */
    StrBuf data;
    bool truncated;
    pthread_t thread;
} Tee;

/* Write all of buf to t->out unless woken; false when the program no
 * longer reads (EPIPE) or on wake-up. */
static bool tee_write(Tee *t, const char *buf, size_t n)
{
    size_t off = 0;
    while (off < n) {
        struct pollfd p[2] = {{t->out, POLLOUT, 0}, {t->wake[0], POLLIN, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        if (p[1].revents)
            return false;
        ssize_t w = write(t->out, buf + off, n - off);
        if (w < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (w < 0)
            return false;
        off += (size_t)w;
    }
    return true;
}

static void *tee_main(void *arg)
{
    Tee *t = arg;
    /* A program that stops reading closes the pipe: write gets EPIPE
     * instead of the process getting SIGPIPE (blocked for this thread). */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    char buf[65536];
    for (;;) {
        struct pollfd p[2] = {{t->in, POLLIN, 0}, {t->wake[0], POLLIN, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents)
            break;
        ssize_t n = read(t->in, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            break;
        size_t keep = t->data.len < STDIN_MAX ? STDIN_MAX - t->data.len : 0;
        if ((size_t)n > keep)
            t->truncated = true;
        sb_append(&t->data, buf, (size_t)n < keep ? (size_t)n : keep);
        if (!tee_write(t, buf, (size_t)n))
            break;
    }
    close(t->out); /* end of input for the program */
    t->out = -1;
    return NULL;
}

typedef struct StdinRecord {
    const char *mode;
    StrBuf data;
    bool truncated;
    Tee *tee;
    int fd; /* what exec reads */
} StdinRecord;

static bool stdin_begin(const RunRequest *req, StdinRecord *r, Err *err)
{
    *r = (StdinRecord){.mode = "none", .fd = req->stdin_fd};
    if (req->tty && !req->stdin_piped) {
        r->mode = "interactive";
        return true;
    }
    if (req->stdin_fd < 0)
        return true;
    struct stat st;
    if (fstat(req->stdin_fd, &st) != 0)
        return err_sys(err, "cannot use the run's input");
    if (S_ISCHR(st.st_mode) && isatty(req->stdin_fd)) {
        r->mode = "interactive";
        return true;
    }
    if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3)
        return true; /* /dev/null */
    if (S_ISREG(st.st_mode)) {
        off_t at = lseek(req->stdin_fd, 0, SEEK_CUR);
        char *buf = xmalloc(STDIN_MAX + 1);
        ssize_t n = pread(req->stdin_fd, buf, STDIN_MAX + 1, at < 0 ? 0 : at);
        if (n > 0) {
            r->truncated = n > STDIN_MAX;
            sb_append(&r->data, buf, (size_t)(n > STDIN_MAX ? STDIN_MAX : n));
        }
        free(buf);
        r->mode = "file";
        return true;
    }
    Tee *t = xcalloc(1, sizeof *t);
    int p[2];
    t->in = req->stdin_fd;
    t->wake[0] = t->wake[1] = -1;
    if (pipe2(p, O_CLOEXEC) != 0 || pipe2(t->wake, O_CLOEXEC) != 0) {
        free(t);
        return err_sys(err, "cannot pass the run's input on");
    }
    t->out = p[1];
    (void)fcntl(t->out, F_SETFL, fcntl(t->out, F_GETFL) | O_NONBLOCK);
    if (pthread_create(&t->thread, NULL, tee_main, t) != 0) {
        close(p[0]), close(p[1]), close(t->wake[0]), close(t->wake[1]);
        free(t);
        return err_set(err, "cannot start a thread for the run's input");
    }
    r->tee = t;
    r->fd = p[0];
    r->mode = "pipe";
    return true;
}

static void stdin_end(StdinRecord *r)
{
    Tee *t = r->tee;
    if (!t)
        return;
    (void)!write(t->wake[1], "x", 1);
    pthread_join(t->thread, NULL);
    close(r->fd);
    close(t->wake[0]);
    close(t->wake[1]);
    r->data = t->data;
    r->truncated = t->truncated;
    free(t);
    r->tee = NULL;
}

static void say_waiting(void *ud)
{
    const RunCallbacks *cb = ud;
    if (cb && cb->phase)
        cb->phase(cb->ud, "waiting");
}

/* How much of a stream the record keeps: a raised output_limit's
 * gigabytes were the user's to see, but SQLite takes at most 1 GB in a
 * value and the search index all of it, so the record keeps the first
 * SESSION_RECORD_STREAM_MAX and says so. */
static size_t record_len(size_t held, long long left_out, const char *stream, StrList *notes)
{
    long long printed = (long long)held + left_out;
    if (printed <= SESSION_RECORD_STREAM_MAX)
        return held;
    char most[SIZE_TEXT_LEN], all[SIZE_TEXT_LEN];
    size_text(SESSION_RECORD_STREAM_MAX, most);
    size_text(printed, all);
    sl_push_owned(notes, xasprintf("the record keeps the first %s of the %s the program wrote to %s", most, all,
                                   stream));
    return held < (size_t)SESSION_RECORD_STREAM_MAX ? held : (size_t)SESSION_RECORD_STREAM_MAX;
}

bool session_run(App *app, const Session *s, RunRequest *req, const RunCallbacks *cb, bool app_thread,
                 RunResult *res, SessionRunResult *rec, Err *err)
{
    *rec = (SessionRunResult){0};
    if (req->lang && req->lang != s->lang)
        return err_set(err, "session %lld is a %s session, not %s", (long long)s->id, s->lang->name, req->lang->name);
    const Lang *caller_lang = req->lang;
    SessionRunSpec spec = {.files = req->files, .args = req->args, .waiting = say_waiting, .ud = (void *)cb,
                           .control = req->control, .app_thread = app_thread};
    SessionRun *run;
    if (!session_run_begin(app, s, &spec, &run, err)) {
        /* Asked to stop before it ran: whatever else failed, it is not
         * to be run unrecorded instead. */
        rec->stopped = run_control_wait(req->control, 0);
        return false;
    }
    StdinRecord in;
    if (!stdin_begin(req, &in, err)) {
        session_run_abort(run);
        return false;
    }
    /* What exec needs from the session; the caller's request is given back
     * as it was. */
    RunRequest caller = *req;
    char *go_cache = xasprintf("%s/" SESSION_GO_CACHE, run->s.dir);
    req->lang = s->lang;
    req->stdin_fd = in.fd;
    req->workdir = run->s.workdir;
    req->generated_dir = session_run_generated_dir(run);
    req->go_cache = go_cache;
    rec->ran = true;
    bool ran = exec_run(app, req, cb, res, err);
    stdin_end(&in);
    free(go_cache);
    *req = caller;
    req->lang = caller_lang ? caller_lang : s->lang;
    if (!ran) {
        /* Nothing of the program ran (no toolchain, no sandbox): there is
         * no run to record. */
        sb_free(&in.data);
        session_run_abort(run);
        return false;
    }
    /* What the user is told about the result is the record's too: tide
     * result and F7 show the same notes as the run did. */
    run_result_notes(res, s->lang, run->s.workdir, req->net,
                     req->net_how ? req->net_how : "tide run --net or the IDE's Alt-N gives a run the host's network", &run->notes);
    RecordedFile *gen = xcalloc(res->ngenerated, sizeof *gen);
    for (size_t i = 0; i < res->ngenerated; i++)
        gen[i] = (RecordedFile){res->generated[i].path, res->generated[i].size, res->generated[i].type};
    if (res->generated_truncated) {
        char note[256];
        workfiles_left_out_note(res->generated_left_out, res->generated_left_why, note, sizeof note);
        sl_push(&run->notes, note);
    }
    size_t out_len = record_len(res->output.len, res->output_left_out, "stdout", &run->notes);
    size_t err_len = record_len(res->error.len, res->error_left_out, "stderr", &run->notes);
    bool compiled = s->lang->compile != NULL;
    bool executed = run_result_ran(res);
    json_t *tools = run_toolchain_json(res);
    char *toolchain = res->ntools ? json_dumps(tools, JSON_COMPACT) : NULL;
    json_decref(tools);
    RunRecord r = {
        .status = run_status_name(res->status),
        .exit_code = res->exit_code,
        .signal = res->signal,
        .compile_time = compiled ? res->compile_time : -1,
        .execution_time = executed ? res->execution_time : -1,
        .peak_memory_kb = res->peak_memory_kb,
        .output = res->output.data,
        .output_len = out_len,
        .error = res->error.data,
        .error_len = err_len,
        .output_truncated = res->output_truncated,
        .stdin_mode = in.mode,
        .stdin_name = strcmp(in.mode, "file") == 0 ? req->stdin_name : NULL,
        .stdin_data = in.data.data,
        .stdin_len = in.data.len,
        .stdin_truncated = in.truncated,
        .message = res->message[0] ? res->message : NULL,
        .compile_output = res->compile_output.data,
        .compile_output_len = res->compile_output.len,
        .build_cached = res->build_cached,
        .net = req->net,
        .toolchain = toolchain,
        .generated = gen,
        .ngenerated = res->ngenerated,
    };
    Err rerr;
    (void)session_run_finish(run, &r, rec, &rerr);
    rec->ran = true;
    rec->result_noted = true;
    free(toolchain);
    free(gen);
    sb_free(&in.data);
    return true;
}

/* ---------------------------------------------------------------- files */

static bool inside(const char *root, const char *path, const char **rel)
{
    size_t n = strlen(root);
    if (strncmp(path, root, n) != 0)
        return false;
    if (path[n] == '\0') {
        *rel = path + n;
        return true;
    }
    if (path[n] != '/' && !(n > 0 && root[n - 1] == '/'))
        return false;
    *rel = path + n + (path[n] == '/');
    return true;
}

/* path with its folder resolved (the file itself may be a symlink). */
static char *resolve_parent(const char *path)
{
    char *d = xstrdup(path), *b = xstrdup(path);
    char *dir = realpath(dirname(d), NULL);
    char *out = dir ? xasprintf("%s/%s", dir, basename(b)) : NULL;
    free(dir);
    free(d);
    free(b);
    return out;
}

bool session_run_file(App *app, const char *path, int64_t *session_id, int64_t *result_id, char **name)
{
    char *root = sessions_root(app), *real_root = realpath(root, NULL), *real = realpath(path, NULL);
    if (!real)
        real = resolve_parent(path);
    const char *rel, *at;
    char *end;
    long long sid = 0, rid = 0;
    bool ok = real_root && real && inside(real_root, real, &rel) && (sid = strtoll(rel, &end, 10)) > 0 &&
              !strncmp(end, "/generated/", strlen("/generated/")) &&
              (rid = strtoll(at = end + strlen("/generated/"), &end, 10)) > 0 && end > at && (!*end || *end == '/');
    if (ok && session_id)
        *session_id = sid;
    if (ok && result_id)
        *result_id = rid;
    if (ok && name)
        *name = xstrdup(*end ? end + 1 : "");
    free(real);
    free(real_root);
    free(root);
    return ok;
}

bool session_resolve_files(const Session *s, const char *const *names, StrList *rel, Err *err)
{
    *rel = (StrList){0};
    char *root = realpath(s->workdir, NULL);
    if (!root)
        return session_check(s, err) ? err_sys(err, "cannot use %s", s->workdir) : false;
    bool ok = true;
    for (const char *const *n = names; ok && *n; n++) {
        struct stat st;
        char *full = lstat(*n, &st) == 0 ? resolve_parent(*n) : NULL;
        const char *r;
        /* A file named twice (`main.c *.c`) is one file of the program. */
        if (full && inside(root, full, &r) && *r) {
            if (!sl_contains(rel, r))
                sl_push(rel, r);
        } else if ((*n)[0] != '/' && valid_rel(*n)) {
            char *in = xasprintf("%s/%s", root, *n);
            if (lstat(in, &st) == 0) {
                if (!sl_contains(rel, *n))
                    sl_push(rel, *n);
            } else if (full) {
                ok = err_set(err, "%s is not in session %lld's folder (%s); `tide import %lld %s` copies it in", *n,
                             (long long)s->id, s->workdir, (long long)s->id, *n);
            } else {
                ok = err_set(err, "%s: no such file here or in session %lld (%s)", *n, (long long)s->id,
                             s->workdir);
            }
            free(in);
        } else {
            ok = err_set(err, "%s is not in session %lld's folder (%s)", *n, (long long)s->id, s->workdir);
        }
        free(full);
    }
    free(root);
    if (!ok)
        sl_free(rel);
    return ok;
}

char *session_entry(App *app, const Session *s)
{
    Store *store;
    Err err;
    char *entry = NULL;
    sqlite3_stmt *st;
    if (s->last_result && app_store(app, &store, &err) &&
        store_prepare(store, &st, "SELECT entry FROM code_results WHERE id = ?", &err)) {
        sqlite.bind_int64(st, 1, s->last_result);
        if (sqlite.step(st) == SQLITE_ROW && sqlite.column_text(st, 0))
            entry = xstrdup((const char *)sqlite.column_text(st, 0));
        sqlite.finalize(st);
    }
    if (!entry && s->kind == SESSION_SCRATCH && s->lang->starter_file)
        entry = xstrdup(s->lang->starter_file);
    if (entry) {
        /* Still there (a regular file through no link), or no entry. */
        int root = open(s->workdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        struct stat st2;
        int fd = root >= 0 ? fileio_open_file_beneath(root, entry, &st2, NULL) : -1;
        if (fd >= 0)
            close(fd);
        else
            free(entry), entry = NULL;
        if (root >= 0)
            close(root);
    }
    return entry;
}

/* ---------------------------------------------------------------- usage */

static int64_t query_int(Store *store, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = 0;
    if (sqlite.prepare_v2(store->db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite.step(st) == SQLITE_ROW)
            v = sqlite.column_int64(st, 0);
        sqlite.finalize(st);
    }
    return v;
}

bool session_usage(App *app, SessionUsage *u, Err *err)
{
    *u = (SessionUsage){0};
    Store *store;
    StoreCounts c;
    if (!app_store(app, &store, err) || !store_counts(store, &c, err))
        return false;
    u->sessions = c.sessions;
    u->runs = c.results;
    u->files = c.files;
    u->db_bytes = c.db_bytes;
    u->scratch = query_int(store, "SELECT count(*) FROM code_sessions WHERE kind = 'scratch'");
    u->folder = query_int(store, "SELECT count(*) FROM code_sessions WHERE kind = 'folder'");
    u->file_bytes = query_int(store, "SELECT ifnull(sum(size), 0) FROM code_files");
    u->oldest_expiry = query_int(store, "SELECT ifnull(min(e), 0) FROM (SELECT min(expires_at) AS e FROM code_sessions"
                                        " UNION ALL SELECT min(expires_at) FROM code_files) WHERE e IS NOT NULL");
    char *root = sessions_root(app);
    u->disk_bytes = fileio_tree_size(root);
    free(root);
    u->data_dir = xstrdup(app->paths.dir[DIR_DATA]);
    u->db_path = xstrdup(store->path);
    return true;
}

void session_usage_free(SessionUsage *u)
{
    free(u->data_dir);
    free(u->db_path);
    *u = (SessionUsage){0};
}
