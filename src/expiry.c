#include "expiry.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "runline.h"
#include "session.h"

/* A folder a crash left is cleared only once it is this old: younger, it
 * may belong to a session or a run being created right now. */
#define LEFTOVER_AGE 600

static void add_item(GcReport *r, const char *kind, int64_t session_id, int64_t bytes, const char *fmt, ...)
    TIDE_FMT(5, 6);
static void add_item(GcReport *r, const char *kind, int64_t session_id, int64_t bytes, const char *fmt, ...)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->items = xreallocarray(r->items, r->cap, sizeof *r->items);
    }
    va_list ap;
    va_start(ap, fmt);
    r->items[r->n++] = (GcItem){xstrdup(kind), xvasprintf(fmt, ap), session_id, bytes};
    va_end(ap);
    r->bytes += bytes;
}

#define AUTO_GC_INTERVAL 86400

bool expiry_auto_gc(App *app, int64_t now, GcReport *r, bool *ran, Err *err)
{
    *r = (GcReport){0};
    *ran = false;
    const char *dir = app->paths.dir[DIR_STATE];
    if (!app->cfg.auto_gc || !fileio_mkdirs(dir, 0700, NULL))
        return true;
    /* Made now, the stamp says "not due": a new install has nothing
     * expired, and one that had gets its first gc a day later. */
    char *stamp = xasprintf("%s/gc-stamp", dir);
    int fd = open(stamp, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    free(stamp);
    struct stat st;
    bool ok = true;
    if (fd >= 0 && fstat(fd, &st) == 0 && now - (int64_t)st.st_mtime >= AUTO_GC_INTERVAL &&
        flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &st) == 0 &&
        now - (int64_t)st.st_mtime >= AUTO_GC_INTERVAL) { /* (not done meanwhile) */
        (void)futimens(fd, NULL);
        ok = expiry_gc(app, now, false, r, err);
        *ran = ok;
    }
    if (fd >= 0)
        close(fd);
    return ok;
}

void gc_report_free(GcReport *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->items[i].kind);
        free(r->items[i].what);
    }
    free(r->items);
    sl_free(&r->skipped);
    *r = (GcReport){0};
}

static char *idle_for(int64_t since, int64_t now)
{
    int64_t d = now - since;
    if (d < 0)
        d = 0;
    if (d >= 2 * 86400)
        return xasprintf("%lld days", (long long)(d / 86400));
    if (d >= 3600)
        return xasprintf("%lld hours", (long long)(d / 3600));
    return xasprintf("%lld minutes", (long long)(d / 60));
}

/* ids from a query with one integer parameter */
static bool query_ids(Store *store, const char *sql, int64_t param, int64_t **ids, size_t *n, Err *err)
{
    *ids = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (!store_prepare(store, &st, sql, err))
        return false;
    sqlite.bind_int64(st, 1, param);
    size_t cap = 0;
    while (sqlite.step(st) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *ids = xreallocarray(*ids, cap, sizeof **ids);
        }
        (*ids)[(*n)++] = sqlite.column_int64(st, 0);
    }
    sqlite.finalize(st);
    return true;
}

static bool exists_row(Store *store, const char *sql, int64_t a, int64_t b)
{
    sqlite3_stmt *st;
    if (sqlite.prepare_v2(store->db, sql, -1, &st, NULL) != SQLITE_OK)
        return true; /* when in doubt, keep */
    sqlite.bind_int64(st, 1, a);
    sqlite.bind_int64(st, 2, b);
    bool found = sqlite.step(st) == SQLITE_ROW;
    sqlite.finalize(st);
    return found;
}

/* ---------------------------------------------------------------- sessions */

/* What a pass of gc is doing, for the callbacks of each_session. */
typedef struct GcPass {
    App *app;
    int64_t now;
    bool dry_run;
    GcReport *r;
} GcPass;

/* fn for each session sql (taking one parameter) lists; a session that
 * cannot be loaded (removed meanwhile) is passed over. */
static bool each_session(GcPass *g, Store *store, const char *sql, int64_t param,
                         void (*fn)(GcPass *g, Session *s), Err *err)
{
    int64_t *ids;
    size_t n;
    if (!query_ids(store, sql, param, &ids, &n, err))
        return false;
    for (size_t i = 0; i < n; i++) {
        Session s;
        Err e;
        if (!session_load(g->app, ids[i], &s, &e))
            continue;
        fn(g, &s);
        session_free(&s);
    }
    free(ids);
    return true;
}

static void gc_session(GcPass *g, Session *s)
{
    Err e;
    int64_t bytes = fileio_tree_size(s->dir);
    bool ok;
    if (session_held(s)) {
        ok = err_set(&e, "it is open in tide's IDE");
    } else if (g->dry_run) {
        int fd = fileio_is_dir(s->dir) ? session_lock(s, false, &e) : -2;
        ok = fd != -1;
        session_unlock(fd);
    } else {
        ok = session_remove(g->app, s, &e);
    }
    char *idle = idle_for(s->last_used_at, g->now);
    if (ok)
        add_item(g->r, "session", s->id, bytes, "session %lld '%s' (%s scratch session, unused for %s)",
                 (long long)s->id, s->name, s->lang->name, idle);
    else
        sl_push_owned(&g->r->skipped, xasprintf("session %lld: %s", (long long)s->id, e.msg));
    free(idle);
}

static bool gc_sessions(GcPass *g, Store *store, Err *err)
{
    return each_session(g, store,
                        "SELECT id FROM code_sessions WHERE kind = 'scratch' AND expires_at IS NOT NULL"
                        " AND expires_at <= ? ORDER BY id",
                        g->now, gc_session, err);
}

/* ---------------------------------------------------------------- files */

typedef struct DueFile {
    int64_t id, session_id, result_id, size;
    char *path, *origin;
} DueFile;

static bool unlink_beneath(const char *root, const char *rel, Err *err)
{
    int rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rfd < 0)
        return errno == ENOENT || err_sys(err, "cannot open %s", root);
    const char *base;
    int dir = fileio_open_parent_at(rfd, rel, false, &base, err);
    close(rfd);
    if (dir < 0)
        return errno == ENOENT;
    bool ok = unlinkat(dir, base, 0) == 0 || errno == ENOENT || err_sys(err, "cannot remove %s/%s", root, rel);
    close(dir);
    return ok;
}

static bool delete_row(Store *store, int64_t id, Err *err)
{
    sqlite3_stmt *st;
    if (!store_prepare(store, &st, "DELETE FROM code_files WHERE id = ?", err))
        return false;
    sqlite.bind_int64(st, 1, id);
    bool ok = sqlite.step(st) == SQLITE_DONE ||
              err_set(err, "database %s: %s (removing a file's row)", store->path, sqlite.errmsg(store->db));
    sqlite.finalize(st);
    return ok;
}

/* Expired files of one session, with its lock held. */
static void gc_session_files(Store *store, const Session *s, DueFile *f, size_t n, bool dry_run, GcReport *r)
{
    Err e;
    for (size_t i = 0; i < n; i++) {
        bool generated = strcmp(f[i].origin, "generated") == 0;
        if (!generated && s->kind != SESSION_SCRATCH)
            continue; /* the user's folder: never */
        bool ok = true;
        if (!dry_run) {
            char *root = generated ? xasprintf("%s/generated/%lld", s->dir, (long long)f[i].result_id)
                                   : xstrdup(s->workdir);
            ok = unlink_beneath(root, f[i].path, &e) && store_begin(store, &e);
            if (ok && !(delete_row(store, f[i].id, &e) && store_commit(store, &e))) {
                store_rollback(store);
                ok = false;
            }
            /* The run's folder goes with its last file. */
            if (ok && generated &&
                !exists_row(store, "SELECT 1 FROM code_files WHERE result_id = ?1 AND session_id = ?2",
                            f[i].result_id, s->id))
                (void)fileio_rmtree(root, NULL);
            free(root);
        }
        if (!ok)
            sl_push_owned(&r->skipped, xasprintf("%s of session %lld: %s", f[i].path, (long long)s->id, e.msg));
        else if (generated)
            add_item(r, "generated", s->id, f[i].size, "%s, made by run %lld in session %lld", f[i].path,
                     (long long)f[i].result_id, (long long)s->id);
        else
            add_item(r, "import", s->id, f[i].size, "%s, imported into session %lld", f[i].path, (long long)s->id);
    }
}

static bool gc_files(App *app, Store *store, int64_t now, bool dry_run, GcReport *r, Err *err)
{
    sqlite3_stmt *st;
    if (!store_prepare(store, &st,
                       "SELECT id, session_id, ifnull(result_id, 0), size, path, origin FROM code_files"
                       " WHERE expires_at IS NOT NULL AND expires_at <= ? AND origin IN ('import', 'generated')"
                       " ORDER BY session_id, result_id, path",
                       err))
        return false;
    sqlite.bind_int64(st, 1, now);
    DueFile *due = NULL;
    size_t n = 0, cap = 0;
    while (sqlite.step(st) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            due = xreallocarray(due, cap, sizeof *due);
        }
        due[n++] = (DueFile){sqlite.column_int64(st, 0), sqlite.column_int64(st, 1), sqlite.column_int64(st, 2),
                             sqlite.column_int64(st, 3), xstrdup((const char *)sqlite.column_text(st, 4)),
                             xstrdup((const char *)sqlite.column_text(st, 5))};
    }
    sqlite.finalize(st);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && due[j].session_id == due[i].session_id)
            j++;
        Session s;
        Err e;
        if (session_load(app, due[i].session_id, &s, &e)) {
            int fd = session_lock(&s, false, &e);
            if (fd >= 0)
                gc_session_files(store, &s, due + i, j - i, dry_run, r);
            else
                sl_push_owned(&r->skipped, xasprintf("files of session %lld: %s", (long long)s.id, e.msg));
            session_unlock(fd);
            session_free(&s);
        }
        i = j;
    }
    for (size_t i = 0; i < n; i++) {
        free(due[i].path);
        free(due[i].origin);
    }
    free(due);
    return true;
}

/* ---------------------------------------------------------------- leftovers */

static bool is_number(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static void leftover(const char *path, const char *why, int64_t session_id, bool dry_run, GcReport *r)
{
    int64_t bytes = fileio_tree_size(path);
    Err e;
    if (!dry_run && !fileio_rmtree(path, &e)) {
        sl_push_owned(&r->skipped, xasprintf("%s: %s", path, e.msg));
        return;
    }
    add_item(r, "leftover", session_id, bytes, "%s (%s)", path, why);
}

/* Generated folders of runs that were never recorded, with the lock held
 * (a run renames its folder before its record commits). */
static void gc_generated_leftovers(Store *store, const Session *s, bool dry_run, GcReport *r)
{
    char *gen = xasprintf("%s/generated", s->dir);
    DIR *d = opendir(gen);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        char *p = xasprintf("%s/%s", gen, de->d_name);
        if (!strncmp(de->d_name, ".run-", 5))
            leftover(p, "files of a run that ended without being recorded", s->id, dry_run, r);
        else if (is_number(de->d_name) &&
                 !exists_row(store, "SELECT 1 FROM code_results WHERE id = ?1 AND session_id = ?2",
                             strtoll(de->d_name, NULL, 10), s->id))
            leftover(p, "files of a run that is not recorded", s->id, dry_run, r);
        free(p);
    }
    if (d)
        closedir(d);
    free(gen);
}

static void gc_leftovers(App *app, Store *store, int64_t now, bool dry_run, GcReport *r)
{
    char *root = paths_get(&app->paths, DIR_DATA, "sessions");
    DIR *d = opendir(root);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (!is_number(de->d_name))
            continue;
        int64_t id = strtoll(de->d_name, NULL, 10);
        char *p = xasprintf("%s/%s", root, de->d_name);
        struct stat st;
        bool owned = exists_row(store, "SELECT 1 FROM code_sessions WHERE id = ?1 AND ?2 = ?2", id, 0);
        if (!owned && lstat(p, &st) == 0 && S_ISDIR(st.st_mode) && now - st.st_mtime >= LEFTOVER_AGE) {
            leftover(p, "no session owns it", 0, dry_run, r);
        } else if (owned) {
            Session s;
            Err e;
            if (session_load(app, id, &s, &e)) {
                int fd = session_lock(&s, false, &e);
                if (fd >= 0)
                    gc_generated_leftovers(store, &s, dry_run, r);
                session_unlock(fd);
                session_free(&s);
            }
        }
        free(p);
    }
    if (d)
        closedir(d);
    free(root);
}

/* The build cache of Go every session shared before each had its own:
 * nothing reads it now, and a hostile compile step may have changed it. */
static void gc_shared_go_cache(App *app, bool dry_run, GcReport *r)
{
    char *p = paths_get(&app->paths, DIR_CACHE, "go-build");
    struct stat st;
    if (lstat(p, &st) == 0)
        leftover(p, "Go's build cache all sessions shared, no longer used", 0, dry_run, r);
    free(p);
}

/* ---------------------------------------------------------------- Go caches */

/* A session's Go build cache is a cache: that of a Go session unused for
 * expiry_hours goes (a folder session's, which never expires, with the
 * rest; a scratch session's goes with the session), and its next build
 * makes it again. */
static void gc_go_cache(GcPass *g, Session *s)
{
    char *dir = xasprintf("%s/" SESSION_GO_CACHE, s->dir);
    struct stat st;
    if (lstat(dir, &st) == 0) {
        Err e;
        int64_t bytes = fileio_tree_size(dir);
        int fd = session_lock(s, false, &e);
        bool ok = fd >= 0 && (g->dry_run || fileio_rmtree(dir, &e));
        session_unlock(fd);
        char *idle = idle_for(s->last_used_at, g->now);
        if (ok)
            add_item(g->r, "go-cache", s->id, bytes, "Go's build cache of session %lld '%s' (unused for %s)",
                     (long long)s->id, s->name, idle);
        else
            sl_push_owned(&g->r->skipped, xasprintf("Go's build cache of session %lld: %s", (long long)s->id, e.msg));
        free(idle);
    }
    free(dir);
}

static bool gc_go_caches(GcPass *g, Store *store, Err *err)
{
    char *sql = xasprintf("SELECT id FROM code_sessions WHERE language = '%s' AND last_used_at <= ? ORDER BY id",
                          lang_get(LANG_GO)->key);
    bool ok = each_session(g, store, sql, g->now - session_expiry_seconds(g->app), gc_go_cache, err);
    free(sql);
    return ok;
}

/* Command lines the IDE kept (runline) for files that are gone. */
static void gc_run_lines(App *app, bool dry_run, GcReport *r)
{
    StrList kept = {0}, gone = {0};
    runline_orphans(&app->paths, &kept, &gone);
    for (size_t i = 0; i < kept.len; i++) {
        struct stat st;
        int64_t bytes = stat(kept.items[i], &st) == 0 ? st.st_size : 0;
        if (!dry_run && unlink(kept.items[i]) != 0 && errno != ENOENT) {
            sl_push_owned(&r->skipped, xasprintf("%s: %s", kept.items[i], strerror(errno)));
            continue;
        }
        add_item(r, "run-line", 0, bytes, "the command line kept for %s, which is gone", gone.items[i]);
    }
    sl_free(&kept);
    sl_free(&gone);
}

/* Folders of programs read from stdin for runs not recorded (run.c),
 * left by a tide that was killed; a run still going holds its lock. */
static void gc_stdin_leftovers(App *app, int64_t now, bool dry_run, GcReport *r)
{
    const char *cache = app->paths.dir[DIR_CACHE];
    DIR *d = opendir(cache);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (strncmp(de->d_name, "stdin-", 6) != 0)
            continue;
        char *p = xasprintf("%s/%s", cache, de->d_name);
        struct stat st;
        int fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0 && fstat(fd, &st) == 0 && now - st.st_mtime >= LEFTOVER_AGE &&
            flock(fd, LOCK_EX | LOCK_NB) == 0)
            leftover(p, "a program from standard input whose run was cut short", 0, dry_run, r);
        if (fd >= 0)
            close(fd);
        free(p);
    }
    if (d)
        closedir(d);
}

bool expiry_gc(App *app, int64_t now, bool dry_run, GcReport *r, Err *err)
{
    *r = (GcReport){0};
    Store *store;
    if (!app_store(app, &store, err))
        return false;
    GcPass g = {app, now, dry_run, r};
    if (!gc_sessions(&g, store, err) || !gc_files(app, store, now, dry_run, r, err) || !gc_go_caches(&g, store, err)) {
        gc_report_free(r);
        return false;
    }
    gc_leftovers(app, store, now, dry_run, r);
    gc_stdin_leftovers(app, now, dry_run, r);
    gc_shared_go_cache(app, dry_run, r);
    gc_run_lines(app, dry_run, r);
    return true;
}
