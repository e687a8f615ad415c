#include "session_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "filetype.h"

static bool db_error(Store *s, Err *err, const char *what)
{
    return err_set(err, "database %s: %s (%s)", s->path, sqlite.errmsg(s->db), what);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite.bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite.bind_null(st, i);
}

/* ---------------------------------------------------------------- rows */

typedef struct Row {
    int64_t id;
    char *path, *origin, *oid;
} Row;

static void rows_free(Row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].path);
        free(rows[i].origin);
        free(rows[i].oid);
    }
    free(rows);
}

static bool load_rows(Store *store, int64_t session_id, Row **out, size_t *n, Err *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (!store_prepare(store, &st,
                       "SELECT id, path, origin, blob_oid FROM code_files WHERE session_id = ? AND result_id IS NULL"
                       " ORDER BY path",
                       err))
        return false;
    sqlite.bind_int64(st, 1, session_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite.step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        Row *r = &(*out)[(*n)++];
        r->id = sqlite.column_int64(st, 0);
        r->path = xstrdup((const char *)sqlite.column_text(st, 1));
        r->origin = xstrdup((const char *)sqlite.column_text(st, 2));
        const unsigned char *oid = sqlite.column_text(st, 3);
        r->oid = oid ? xstrdup((const char *)oid) : NULL;
    }
    sqlite.finalize(st);
    if (rc != SQLITE_DONE) {
        rows_free(*out, *n);
        return db_error(store, err, "reading the session's files");
    }
    return true;
}

typedef struct RefreshStmts {
    sqlite3_stmt *ins, *upd, *del;
} RefreshStmts;

static bool step_done(Store *store, sqlite3_stmt *st, Err *err)
{
    int rc = sqlite.step(st);
    sqlite.reset(st);
    sqlite.clear_bindings(st);
    return rc == SQLITE_DONE || db_error(store, err, "recording the session's files");
}

bool session_files_refresh(Store *store, int64_t session_id, const char *workdir, const VcsSnapshot *snap,
                           int64_t now, Err *err)
{
    Row *rows;
    size_t nrows;
    if (!load_rows(store, session_id, &rows, &nrows, err))
        return false;
    RefreshStmts s = {0};
    bool ok = store_prepare(store, &s.ins,
                            "INSERT INTO code_files (session_id, path, origin, size, file_type, blob_oid, created_at,"
                            " updated_at) VALUES (?, ?, 'user', ?, ?, ?, ?, ?)",
                            err) &&
              store_prepare(store, &s.upd,
                            "UPDATE code_files SET size = ?, file_type = ?, blob_oid = ?, updated_at = ? WHERE id = ?",
                            err) &&
              store_prepare(store, &s.del, "DELETE FROM code_files WHERE id = ?", err);
    /* A run made some of these files: each is typed through no link. */
    int root = open(workdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    size_t i = 0, j = 0;
    while (ok && (i < snap->nfiles || j < nrows)) {
        const VcsFile *f = i < snap->nfiles ? &snap->files[i] : NULL;
        Row *r = j < nrows ? &rows[j] : NULL;
        int cmp = !f ? 1 : !r ? -1 : strcmp(f->path, r->path);
        if (cmp == 0 && r->oid && strcmp(r->oid, f->oid) == 0) {
            i++, j++;
            continue; /* unchanged */
        }
        char *type = f && !f->symlink ? filetype_detect_at(root, f->path) : NULL;
        if (cmp == 0) {
            sqlite.bind_int64(s.upd, 1, f->size);
            bind_text_or_null(s.upd, 2, type);
            sqlite.bind_text(s.upd, 3, f->oid, -1, SQLITE_TRANSIENT);
            sqlite.bind_int64(s.upd, 4, now);
            sqlite.bind_int64(s.upd, 5, r->id);
            ok = step_done(store, s.upd, err);
            i++, j++;
        } else if (cmp < 0) {
            sqlite.bind_int64(s.ins, 1, session_id);
            sqlite.bind_text(s.ins, 2, f->path, -1, SQLITE_TRANSIENT);
            sqlite.bind_int64(s.ins, 3, f->size);
            bind_text_or_null(s.ins, 4, type);
            sqlite.bind_text(s.ins, 5, f->oid, -1, SQLITE_TRANSIENT);
            sqlite.bind_int64(s.ins, 6, now);
            sqlite.bind_int64(s.ins, 7, now);
            ok = step_done(store, s.ins, err);
            i++;
        } else {
            /* Not in the snapshot.  An imported file left out of git (an
             * ignore rule) is still the session's; anything else is gone. */
            char *there = xasprintf("%s/%s", workdir, r->path);
            struct stat st;
            bool keep = strcmp(r->origin, "import") == 0 && lstat(there, &st) == 0;
            free(there);
            if (!keep) {
                sqlite.bind_int64(s.del, 1, r->id);
                ok = step_done(store, s.del, err);
            }
            j++;
        }
        free(type);
    }
    if (root >= 0)
        close(root);
    sqlite.finalize(s.ins);
    sqlite.finalize(s.upd);
    sqlite.finalize(s.del);
    rows_free(rows, nrows);
    return ok;
}

bool session_files_record_generated(Store *store, int64_t session_id, int64_t result_id, const RecordedFile *files,
                                    size_t n, int64_t now, int64_t expires_at, Err *err)
{
    sqlite3_stmt *st;
    if (!store_prepare(store, &st,
                       "INSERT INTO code_files (session_id, result_id, path, origin, size, file_type, created_at,"
                       " updated_at, expires_at) VALUES (?, ?, ?, 'generated', ?, ?, ?, ?, ?)",
                       err))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        sqlite.bind_int64(st, 1, session_id);
        sqlite.bind_int64(st, 2, result_id);
        sqlite.bind_text(st, 3, files[i].path, -1, SQLITE_TRANSIENT);
        sqlite.bind_int64(st, 4, files[i].size);
        bind_text_or_null(st, 5, files[i].type);
        sqlite.bind_int64(st, 6, now);
        sqlite.bind_int64(st, 7, now);
        sqlite.bind_int64(st, 8, expires_at);
        ok = step_done(store, st, err);
    }
    sqlite.finalize(st);
    return ok;
}

/* Insert or update the row of a work tree file from what is on disk. */
bool session_files_add(Store *store, int64_t session_id, const char *workdir, const char *path, const char *origin,
                       int64_t now, int64_t expires_at, Err *err)
{
    char *full = xasprintf("%s/%s", workdir, path);
    struct stat st;
    if (lstat(full, &st) != 0) {
        err_sys(err, "cannot read %s", full);
        free(full);
        return false;
    }
    int root = open(workdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    char *type = filetype_detect_at(root, path);
    if (root >= 0)
        close(root);
    free(full);
    sqlite3_stmt *del, *ins;
    bool ok = store_prepare(store, &del,
                            "DELETE FROM code_files WHERE session_id = ? AND result_id IS NULL AND path = ?", err);
    if (!ok) {
        free(type);
        return false;
    }
    sqlite.bind_int64(del, 1, session_id);
    sqlite.bind_text(del, 2, path, -1, SQLITE_STATIC);
    ok = step_done(store, del, err);
    sqlite.finalize(del);
    if (ok && store_prepare(store, &ins,
                            "INSERT INTO code_files (session_id, path, origin, size, file_type, created_at,"
                            " updated_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            err)) {
        sqlite.bind_int64(ins, 1, session_id);
        sqlite.bind_text(ins, 2, path, -1, SQLITE_STATIC);
        sqlite.bind_text(ins, 3, origin, -1, SQLITE_STATIC);
        sqlite.bind_int64(ins, 4, (int64_t)st.st_size);
        bind_text_or_null(ins, 5, type);
        sqlite.bind_int64(ins, 6, now);
        sqlite.bind_int64(ins, 7, now);
        if (expires_at)
            sqlite.bind_int64(ins, 8, expires_at);
        else
            sqlite.bind_null(ins, 8);
        ok = step_done(store, ins, err);
        sqlite.finalize(ins);
    } else {
        ok = false;
    }
    free(type);
    return ok;
}

/* ---------------------------------------------------------------- listing */

void session_files_free(SessionFile *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(files[i].path);
        free(files[i].origin);
        free(files[i].type);
        free(files[i].blob_oid);
        free(files[i].stored);
    }
    free(files);
}

bool session_files_list(App *app, const Session *s, SessionFile **out, size_t *n, Err *err)
{
    *out = NULL;
    *n = 0;
    Store *store;
    sqlite3_stmt *st;
    if (!app_store(app, &store, err) ||
        !store_prepare(store, &st,
                       "SELECT path, origin, size, file_type, blob_oid, ifnull(result_id, 0), created_at, updated_at,"
                       " ifnull(expires_at, 0) FROM code_files WHERE session_id = ?"
                       " ORDER BY result_id IS NOT NULL, result_id DESC, path",
                       err))
        return false;
    sqlite.bind_int64(st, 1, s->id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite.step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        SessionFile *f = &(*out)[(*n)++];
        *f = (SessionFile){0};
        f->path = xstrdup((const char *)sqlite.column_text(st, 0));
        f->origin = xstrdup((const char *)sqlite.column_text(st, 1));
        f->size = sqlite.column_int64(st, 2);
        const unsigned char *t = sqlite.column_text(st, 3);
        f->type = t ? xstrdup((const char *)t) : NULL;
        t = sqlite.column_text(st, 4);
        f->blob_oid = t ? xstrdup((const char *)t) : NULL;
        f->result_id = sqlite.column_int64(st, 5);
        f->created_at = sqlite.column_int64(st, 6);
        f->updated_at = sqlite.column_int64(st, 7);
        f->expires_at = sqlite.column_int64(st, 8);
        char *stored = f->result_id ? xasprintf("%s/generated/%lld/%s", s->dir, (long long)f->result_id, f->path)
                                    : xasprintf("%s/%s", s->workdir, f->path);
        f->stored = fileio_exists(stored) ? stored : (free(stored), NULL);
    }
    sqlite.finalize(st);
    if (rc != SQLITE_DONE) {
        session_files_free(*out, *n);
        *out = NULL;
        *n = 0;
        return db_error(store, err, "listing the session's files");
    }
    return true;
}

/* ---------------------------------------------------------------- copying */

/* Copy the open file in to name in the folder dirfd: a temporary file,
 * then a rename, so a reader never sees half a file and a failure leaves
 * what was there.  Without replace an existing name is refused. */
static bool copy_in(int in, const char *src, int dirfd, const char *name, const char *shown, mode_t mode,
                    long long max, bool replace, Err *err)
{
    char tmp[64];
    int out = -1;
    for (int tries = 0; out < 0 && tries < 16; tries++) {
        unsigned r = 0;
        if (getrandom(&r, sizeof r, 0) != sizeof r)
            r = (unsigned)getpid() * 2654435761u + (unsigned)tries;
        snprintf(tmp, sizeof tmp, ".tide-copy-%08x", r);
        out = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (out < 0 && errno != EEXIST)
            break;
    }
    if (out < 0)
        return err_sys(err, "cannot create %s", shown);
    char buf[65536];
    long long total = 0;
    bool ok = true;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ok = err_sys(err, "cannot read %s", src);
            break;
        }
        if (n == 0)
            break;
        total += n;
        if (total > max) {
            ok = err_set(err, "%s grew over the %lld MiB limit while being copied", src, max >> 20);
            break;
        }
        if (!fileio_write_all(out, buf, (size_t)n)) {
            ok = err_sys(err, "cannot write %s", shown);
            break;
        }
    }
    if (ok && fsync(out) != 0)
        ok = err_sys(err, "cannot write %s", shown);
    if (close(out) != 0 && ok)
        ok = err_sys(err, "cannot write %s", shown);
    if (ok) {
        int rc = replace ? renameat(dirfd, tmp, dirfd, name) : renameat2(dirfd, tmp, dirfd, name, RENAME_NOREPLACE);
        if (rc != 0)
            ok = errno == EEXIST ? err_set(err, "%s already exists; --force replaces it", shown)
                                 : err_sys(err, "cannot write %s", shown);
    }
    if (!ok)
        (void)unlinkat(dirfd, tmp, 0);
    return ok;
}

/* ---------------------------------------------------------------- import */

typedef struct Planned {
    char *src;  /* resolved source path */
    char *dest; /* relative to the work tree */
    struct stat st;
} Planned;

typedef struct Plan {
    Planned *items;
    size_t n, cap;
} Plan;

static void plan_free(Plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->items[i].src);
        free(p->items[i].dest);
    }
    free(p->items);
}

/* A name inside the session (importing names where a file goes;
 * exporting, the file to take). */
static bool check_dest_name(const char *dest, Err *err)
{
    if (!*dest)
        return err_set(err, "an empty name names no file of a session");
    if (dest[0] == '/')
        return err_set(err, "'%s' is an absolute name; a session's files are named inside it, as tide files "
                            "lists them", dest);
    for (const char *c = dest; *c;) {
        const char *slash = strchr(c, '/');
        size_t n = slash ? (size_t)(slash - c) : strlen(c);
        if (n == 0 || (n == 1 && c[0] == '.'))
            return err_set(err, "'%s' is not a plain name (empty or '.' parts)", dest);
        if (n == 2 && c[0] == '.' && c[1] == '.')
            return err_set(err, "'%s' would escape the session ('..')", dest);
        if (n == 4 && strncmp(c, ".git", 4) == 0)
            return err_set(err, "'%s': .git is reserved", dest);
        c += n + (slash ? 1 : 0);
    }
    return true;
}

static bool plan_add(Plan *p, const char *src, const char *dest, const struct stat *st, Err *err)
{
    if (!check_dest_name(dest, err))
        return false;
    if (st->st_size > VCS_MAX_FILE)
        return err_set(err, "%s is %.1f MiB; an imported file can be at most %lld MiB", src,
                       (double)st->st_size / (1 << 20), VCS_MAX_FILE >> 20);
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->items = xreallocarray(p->items, p->cap, sizeof *p->items);
    }
    p->items[p->n++] = (Planned){xstrdup(src), xstrdup(dest), *st};
    return true;
}

/* A folder: its files, keeping its layout.  A symlink inside is refused
 * rather than followed somewhere the user did not mean. */
static bool plan_dir(Plan *p, const char *src, const char *dest, int depth, Err *err)
{
    if (depth > 64)
        return err_set(err, "%s is nested too deep", src);
    DIR *d = opendir(src);
    if (!d)
        return err_sys(err, "cannot read the folder %s", src);
    bool ok = true;
    struct dirent *de;
    while (ok && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char *s = xasprintf("%s/%s", src, de->d_name);
        char *t = xasprintf("%s/%s", dest, de->d_name);
        struct stat st;
        if (lstat(s, &st) != 0)
            ok = err_sys(err, "cannot read %s", s);
        else if (S_ISLNK(st.st_mode))
            ok = err_set(err, "%s is a symlink; tide imports files, not links (copy its target instead)", s);
        else if (S_ISDIR(st.st_mode))
            ok = !strcmp(de->d_name, ".git") || plan_dir(p, s, t, depth + 1, err);
        else if (S_ISREG(st.st_mode))
            ok = plan_add(p, s, t, &st, err);
        else
            ok = err_set(err, "%s is not a regular file", s);
        free(s);
        free(t);
    }
    closedir(d);
    return ok;
}

static bool plan_source(Plan *p, const char *src, const char *as, Err *err)
{
    struct stat st;
    if (!strcmp(src, "-")) {
        /* Standard input: a pipe has no name to keep. */
        if (!as)
            return err_set(err, "- (standard input) needs --as NAME, the name it gets in the session");
        st = (struct stat){.st_mode = S_IFREG | 0644};
        return plan_add(p, src, as, &st, err);
    }
    /* The names given are followed, as cp does: the user chose them. */
    if (stat(src, &st) != 0)
        return err_sys(err, "cannot import %s", src);
    char *copy = xstrdup(src);
    size_t len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/')
        copy[--len] = '\0';
    const char *name = as ? as : basename(copy);
    bool ok;
    if (S_ISDIR(st.st_mode))
        ok = plan_dir(p, src, name, 0, err);
    else if (S_ISREG(st.st_mode))
        ok = plan_add(p, src, name, &st, err);
    else
        ok = err_set(err, "%s is not a regular file or a folder", src);
    free(copy);
    return ok;
}

/* Nothing in the way: a missing file, or (with force) a file to replace. */
static bool check_target(int root, const Planned *it, bool force, const Session *s, Err *err)
{
    const char *base;
    int dir = fileio_open_parent_at(root, it->dest, false, &base, err);
    if (dir < 0) {
        if (errno == ENOENT)
            return true; /* its folder will be created */
        return err_prefix(err, "cannot import into session %lld", (long long)s->id);
    }
    struct stat st;
    bool ok = true;
    if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISDIR(st.st_mode))
            ok = err_set(err, "%s is a folder in session %lld", it->dest, (long long)s->id);
        else if (S_ISLNK(st.st_mode))
            ok = err_set(err, "%s is a symlink in session %lld; tide does not write through it", it->dest,
                         (long long)s->id);
        else if (!force)
            ok = err_set(err, "%s already exists in session %lld; --force replaces it", it->dest, (long long)s->id);
    }
    close(dir);
    return ok;
}

bool session_import(App *app, Session *s, const char *const *srcs, const char *as, bool force, StrList *done,
                    Err *err)
{
    *done = (StrList){0};
    Store *store;
    if (!app_store(app, &store, err) || !session_check(s, err))
        return false;
    Plan plan = {0};
    bool ok = true;
    size_t nsrc = 0;
    for (const char *const *p = srcs; p && *p; p++)
        nsrc++;
    if (nsrc == 0)
        return err_set(err, "name the files to import");
    if (as && nsrc != 1)
        return err_set(err, "--as names one file; import several files under their own names");
    for (size_t i = 0; ok && i < nsrc; i++)
        ok = plan_source(&plan, srcs[i], as, err);
    for (size_t i = 0; ok && i < plan.n; i++)
        for (size_t j = i + 1; ok && j < plan.n; j++)
            if (strcmp(plan.items[i].dest, plan.items[j].dest) == 0)
                ok = err_set(err, "%s and %s would both become %s", plan.items[i].src, plan.items[j].src,
                             plan.items[i].dest);
    int root = ok ? open(s->workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (ok && root < 0)
        ok = err_sys(err, "cannot open %s", s->workdir);
    for (size_t i = 0; ok && i < plan.n; i++)
        ok = check_target(root, &plan.items[i], force, s, err);

    /* Imports into a folder session are the user's files from then on:
     * they never expire.  A scratch session's imports expire with it. */
    int64_t now = session_now();
    int64_t expires = s->kind == SESSION_SCRATCH ? now + (int64_t)app->cfg.expiry_hours * 3600 : 0;
    for (size_t i = 0; ok && i < plan.n; i++) {
        const Planned *it = &plan.items[i];
        const char *base;
        int dir = fileio_open_parent_at(root, it->dest, true, &base, err);
        bool piped = !strcmp(it->src, "-");
        int in = dir < 0 ? -1 : piped ? STDIN_FILENO : open(it->src, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (dir >= 0 && in < 0)
            ok = err_sys(err, "cannot read %s", it->src);
        else if (dir < 0)
            ok = false;
        char *shown = xasprintf("%s in session %lld", it->dest, (long long)s->id);
        ok = ok && copy_in(in, it->src, dir, base, shown, it->st.st_mode & 0777, VCS_MAX_FILE, force, err);
        free(shown);
        if (in >= 0 && !piped)
            close(in);
        if (dir >= 0)
            close(dir);
        if (ok)
            sl_push(done, it->dest);
    }
    if (root >= 0)
        close(root);
    /* What was copied is recorded, even when a later copy failed. */
    Err rerr;
    bool recorded = done->len == 0 || store_begin(store, &rerr);
    for (size_t i = 0; recorded && i < done->len; i++)
        recorded = session_files_add(store, s->id, s->workdir, done->items[i], "import", now, expires, &rerr);
    if (done->len) {
        if (recorded)
            recorded = store_commit(store, &rerr);
        else
            store_rollback(store);
    }
    if (ok && !recorded)
        ok = err_set(err, "%s", rerr.msg);
    if (ok)
        (void)session_touch(app, s, NULL);
    plan_free(&plan);
    return ok;
}

/* ---------------------------------------------------------------- export */

/* The newest generated file called name (of result_id if given). */
static bool find_generated(Store *store, const Session *s, const char *name, int64_t result_id, int64_t *rid,
                           int64_t *row, Err *err)
{
    sqlite3_stmt *st;
    if (!store_prepare(store, &st,
                       "SELECT result_id, id FROM code_files WHERE session_id = ?1 AND origin = 'generated'"
                       " AND path = ?2 AND (?3 = 0 OR result_id = ?3) ORDER BY result_id DESC LIMIT 1",
                       err))
        return false;
    sqlite.bind_int64(st, 1, s->id);
    sqlite.bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite.bind_int64(st, 3, result_id);
    *rid = 0;
    *row = 0;
    if (sqlite.step(st) == SQLITE_ROW) {
        *rid = sqlite.column_int64(st, 0);
        *row = sqlite.column_int64(st, 1);
    }
    sqlite.finalize(st);
    return true;
}

/* Whether run result_id is one of session s's; if not, why not. */
static bool result_of_session(Store *store, const Session *s, int64_t result_id, Err *err)
{
    sqlite3_stmt *st;
    if (!store_prepare(store, &st, "SELECT session_id FROM code_results WHERE id = ?", err))
        return false;
    sqlite.bind_int64(st, 1, result_id);
    int64_t sid = sqlite.step(st) == SQLITE_ROW ? sqlite.column_int64(st, 0) : 0;
    sqlite.finalize(st);
    if (!sid)
        return err_set(err, "there is no run %lld (tide history lists them)", (long long)result_id);
    if (sid != s->id)
        return err_set(err, "run %lld is of session %lld, not %lld (tide files %lld lists its files)",
                       (long long)result_id, (long long)sid, (long long)s->id, (long long)sid);
    return true;
}

/* Open the regular file rel below the folder base for reading, through
 * no symlink (and opening no fifo or device: a run made the folder's
 * generated files, a project the session's). */
static int open_beneath(const char *basedir, const char *rel, const char *shown, Err *err)
{
    int root = open(basedir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return err_sys(err, "cannot open %s", shown), -1;
    struct stat st;
    Err why;
    int fd = fileio_open_file_beneath(root, rel, &st, &why);
    int saved = errno;
    close(root);
    errno = saved;
    if (fd >= 0)
        return fd;
    if (errno == ELOOP)
        err_set(err, "%s is a symlink; tide exports files, not links", shown);
    else if (errno == EISDIR || errno == EINVAL)
        err_set(err, "%s is not a regular file", shown);
    else
        err_set(err, "%s", why.msg);
    errno = saved;
    return -1;
}

static bool copy_out(int in, const char *shown, Err *err)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return err_sys(err, "cannot read %s", shown);
        if (n == 0)
            return true;
        if (!fileio_write_all(STDOUT_FILENO, buf, (size_t)n))
            return err_sys(err, "cannot write %s to standard output", shown);
    }
}

/* Exporting is using: the session and the file (row, 0: none) live on. */
static void keep_using(App *app, Store *store, Session *s, int64_t row)
{
    int64_t now = session_now(), expiry = (int64_t)app->cfg.expiry_hours * 3600;
    sqlite3_stmt *up;
    if (row && store_prepare(store, &up, "UPDATE code_files SET expires_at = ? WHERE id = ?", NULL)) {
        sqlite.bind_int64(up, 1, now + expiry);
        sqlite.bind_int64(up, 2, row);
        (void)sqlite.step(up);
        sqlite.finalize(up);
    }
    (void)session_touch(app, s, NULL);
}

bool session_export(App *app, Session *s, const char *name, int64_t result_id, const char *dest, bool force,
                    char **written, Err *err)
{
    *written = NULL;
    Store *store;
    if (!app_store(app, &store, err))
        return false;
    if (!check_dest_name(name, err))
        return false;
    int64_t rid, row;
    if (!find_generated(store, s, name, result_id, &rid, &row, err))
        return false;
    if (result_id && !rid && !result_of_session(store, s, result_id, err))
        return false;
    if (result_id && !rid)
        return err_set(err, "run %lld of session %lld generated no file called %s (tide files %lld lists them)",
                       (long long)result_id, (long long)s->id, name, (long long)s->id);
    char *from = rid ? xasprintf("%s/generated/%lld", s->dir, (long long)rid) : xstrdup(s->workdir);
    char *shown = rid ? xasprintf("%s (made by run %lld)", name, (long long)rid)
                      : xasprintf("%s in session %lld", name, (long long)s->id);
    int in = -1;
    if (rid) {
        in = open_beneath(from, name, shown, err);
        if (in < 0 && errno == ENOENT)
            err_set(err, "%s has expired (tide gc removed it)", shown);
    } else if (session_check(s, err)) {
        in = open_beneath(from, name, shown, err);
        if (in < 0 && errno == ENOENT)
            err_set(err, "session %lld has no file called %s (tide files %lld lists them)", (long long)s->id, name,
                    (long long)s->id);
    }
    free(from);
    if (in < 0) {
        free(shown);
        return false;
    }
    if (dest && !strcmp(dest, "-")) {
        /* "-": to standard output, as a pipe wants it. */
        int flags = fcntl(in, F_GETFL);
        (void)fcntl(in, F_SETFL, flags & ~O_NONBLOCK);
        bool ok = copy_out(in, shown, err);
        close(in);
        free(shown);
        if (ok) {
            *written = xstrdup("-");
            keep_using(app, store, s, row);
        }
        return ok;
    }
    /* Where to: a folder takes the file under its own name. */
    char *copy = xstrdup(name);
    char *target = !dest ? xstrdup(basename(copy))
                   : fileio_is_dir(dest) ? xasprintf("%s%s%s", dest, dest[strlen(dest) - 1] == '/' ? "" : "/",
                                                     basename(copy))
                                         : xstrdup(dest);
    free(copy);
    char *tcopy = xstrdup(target), *bcopy = xstrdup(target);
    const char *tdir = dirname(tcopy), *tbase = basename(bcopy);
    int dirfd = open(tdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    bool ok = true;
    struct stat st;
    if (dirfd < 0)
        ok = err_sys(err, "cannot write into %s", tdir);
    else if (fstatat(dirfd, tbase, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
        ok = err_set(err, "%s is a folder", target);
    struct stat ist;
    ok = ok && fstat(in, &ist) == 0;
    if (ok) {
        int flags = fcntl(in, F_GETFL);
        (void)fcntl(in, F_SETFL, flags & ~O_NONBLOCK);
        ok = copy_in(in, shown, dirfd, tbase, target, ist.st_mode & 0777, VCS_MAX_FILE * 64, force, err);
    }
    if (dirfd >= 0)
        close(dirfd);
    close(in);
    if (ok) {
        *written = target;
        target = NULL;
        keep_using(app, store, s, row);
    }
    free(target);
    free(tcopy);
    free(bcopy);
    free(shown);
    return ok;
}
