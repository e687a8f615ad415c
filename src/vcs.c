#include "vcs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <nettle/sha1.h>
#include <zlib.h>

#include "fileio.h"
#include "gitlib.h"
#include "sizetext.h"
#include "snapstat.h"

/* libgit2's last error as the tail of a message. */
static const char *git_msg(void)
{
    const git_error *e = gitlib.git_error_last();
    return e && e->message ? e->message : "unknown libgit2 error";
}

static bool git_fail(Err *err, const char *what, const char *where)
{
    const char *msg = git_msg();
    return err_set(err, "%s in %s: %s%s", what, where, msg,
                   strstr(msg, strerror(ENOSPC)) ? " (the disk holding it is full: free some space)" : "");
}

/* Marks a git folder whose index holds only files' own bytes (index_file);
 * one made before may hold what a .gitattributes filter made of them,
 * which its stat cache would keep naming while the file is unchanged. */
#define RAW_MARK "tide-raw-blobs"

static void mark_raw(const char *git_dir)
{
    char *path = xasprintf("%s/" RAW_MARK, git_dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0)
        close(fd);
    free(path);
}

bool vcs_init(const char *git_dir, Err *err)
{
    if (!gitlib_load(err))
        return false;
    bool ok = false;
    git_repository *repo = NULL;
    git_config *cfg = NULL;
    git_repository_init_options o;
    gitlib.git_repository_init_options_init(&o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
    /* Bare: the work tree is given at every open, so no core.worktree and
     * no .git file ever point into the user's folder. */
    o.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
    o.mode = GIT_REPOSITORY_INIT_SHARED_UMASK;
    o.initial_head = "main";
    if (gitlib.git_repository_init_ext(&repo, git_dir, &o) < 0) {
        git_fail(err, "cannot create the git repository", git_dir);
        goto out;
    }
    /* Snapshots are byte for byte what was on disk, whatever the user's
     * global git config says about line endings. */
    if (gitlib.git_repository_config(&cfg, repo) < 0 || gitlib.git_config_set_bool(cfg, "core.autocrlf", 0) < 0 ||
        gitlib.git_config_set_string(cfg, "core.safecrlf", "false") < 0 ||
        gitlib.git_config_set_bool(cfg, "core.symlinks", 1) < 0) {
        git_fail(err, "cannot configure the git repository", git_dir);
        goto out;
    }
    mark_raw(git_dir);
    ok = true;
out:
    gitlib.git_config_free(cfg);
    gitlib.git_repository_free(repo);
    return ok;
}

bool vcs_open(Vcs *v, const char *git_dir, const char *workdir, Err *err)
{
    *v = (Vcs){0};
    if (!gitlib_load(err))
        return false;
    if (!fileio_is_dir(git_dir))
        return err_set(err, "the git folder %s is missing", git_dir);
    if (gitlib.git_repository_open_bare(&v->repo, git_dir) < 0)
        return err_set(err, "the git folder %s is damaged: %s", git_dir, git_msg());
    v->git_dir = xstrdup(git_dir);
    if (workdir) {
        if (gitlib.git_repository_set_workdir(v->repo, workdir, 0) < 0) {
            git_fail(err, "cannot use the work tree", workdir);
            vcs_close(v);
            return false;
        }
        v->workdir = xstrdup(workdir);
    }
    return true;
}

void vcs_close(Vcs *v)
{
    if (v->repo)
        gitlib.git_repository_free(v->repo);
    free(v->git_dir);
    free(v->workdir);
    *v = (Vcs){0};
}

void vcs_break_stale_locks(Vcs *v)
{
    static const char *const locks[] = {"index.lock", "HEAD.lock", "refs/heads/main.lock", "config.lock"};
    for (size_t i = 0; i < sizeof locks / sizeof *locks; i++) {
        char *p = xasprintf("%s/%s", v->git_dir, locks[i]);
        (void)unlink(p);
        free(p);
    }
}

/* ---------------------------------------------------------------- the walk */

typedef struct WalkFile {
    char *path;
    struct stat st;
    bool dropped; /* could not be added after all */
} WalkFile;

typedef struct Walk {
    Vcs *v;
    const VcsSnapshotOptions *opt;
    long long max_file, max_visit;
    WalkFile *files;
    size_t n, cap;
    long long bytes, visited;
    bool truncated; /* stopped after max_visit entries */
    /* First pass: stop once over these (0: no limit).  Second pass, in a
     * big folder: only the language's files, no hidden folders. */
    long long big_files, big_bytes;
    bool over, big_mode;
    bool repaired; /* damaged objects were found and dropped */
    /* Ignore rules from outside the walked folders (the repository's
     * info/exclude, the user's excludes file): every path is asked of
     * libgit2.  Otherwise only paths below a folder with a .gitignore are:
     * each question costs libgit2 a stat of every .gitignore up the tree. */
    bool outside_rules;
    StrList notes;
    /* What the outcome depends on, for vcs_snapshot_unchanged (snapstat.h);
     * unusable when it cannot be told from stat data alone. */
    StrBuf rec;
    bool unusable;
} Walk;

static bool is_forced(const Walk *w, const char *path)
{
    for (const char *const *f = w->opt->force; f && *f; f++)
        if (strcmp(*f, path) == 0)
            return true;
    return false;
}

static bool is_excluded(const Walk *w, const char *path)
{
    for (const char *const *e = w->opt->exclude; e && *e; e++)
        if (strcmp(*e, path) == 0)
            return true;
    return false;
}

static bool ignored(const Walk *w, const char *path)
{
    int ign = 0;
    return gitlib.git_ignore_path_is_ignored(&ign, w->v->repo, path) == 0 && ign;
}

static void note(StrList *notes, const char *fmt, ...) TIDE_FMT(2, 3);
static void note(StrList *notes, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sl_push_owned(notes, xvasprintf(fmt, ap));
    va_end(ap);
}

static void add_file(Walk *w, const char *path, const struct stat *st)
{
    if (S_ISREG(st->st_mode) && st->st_size > w->max_file) {
        snapstat_stat(&w->rec, SNAPSTAT_FILE, path, st); /* kept once it shrinks */
        char size[SIZE_TEXT_LEN], cap[SIZE_TEXT_LEN];
        size_text(st->st_size, size);
        size_text(w->max_file, cap);
        note(&w->notes, "left %s (%s) out of the snapshot: files over %s are not kept in git", path, size, cap);
        return;
    }
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 64;
        w->files = xreallocarray(w->files, w->cap, sizeof *w->files);
    }
    w->files[w->n++] = (WalkFile){xstrdup(path), *st, false};
    w->bytes += st->st_size;
    if (w->big_files && ((long long)w->n > w->big_files || w->bytes > w->big_bytes))
        w->over = true;
}

/* Folders of installed dependencies and build output, not the user's
 * code: a Python venv (any name: it holds pyvenv.cfg), node_modules,
 * __pycache__, a folder tagged as a cache (cargo's target).  Thousands
 * of files each, which git would take at every first run (and a big
 * folder's rule still keeps all of node_modules' .js); as git users'
 * .gitignore does, they are left out. */
static bool dependency_folder(int dirfd, const char *name)
{
    if (!strcmp(name, "node_modules") || !strcmp(name, "__pycache__") || fileio_is_cache_dir_at(dirfd, name))
        return true;
    char *cfg = xasprintf("%s/pyvenv.cfg", name);
    struct stat st;
    bool venv = fstatat(dirfd, cfg, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
    free(cfg);
    return venv;
}

/* Whether a file holds an ignore pattern (a line that is no comment). */
static bool has_patterns(const char *path)
{
    char *text;
    size_t len;
    if (!fileio_read(path, 1 << 20, &text, &len, NULL))
        return false;
    bool found = false;
    for (char *line = text; line && *line && !found; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        size_t n = strcspn(line, "\n");
        size_t i = strspn(line, " \t\r");
        found = i < n && line[i] != '#';
    }
    free(text);
    return found;
}

/* A file git's rules or config come from, for the record: its stat data,
 * or its absence.  A config that includes others is not followed: the
 * walk is then not recorded. */
static void record_outside(Walk *w, const char *path, bool config)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            snapstat_absent(&w->rec, path);
        else
            w->unusable = true;
        return;
    }
    snapstat_stat(&w->rec, SNAPSTAT_OUTSIDE, path, &st);
    char *text;
    size_t len;
    if (config && fileio_read(path, 1 << 20, &text, &len, NULL)) {
        for (char *p = text; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (strstr(text, "include"))
            w->unusable = true;
        free(text);
    } else if (config) {
        w->unusable = true;
    }
}

/* The config files libgit2 reads core.excludesFile from. */
static void record_configs(Walk *w)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    char *paths[4] = {xasprintf("%s/config", w->v->git_dir), xstrdup("/etc/gitconfig"),
                      home ? xasprintf("%s/.gitconfig", home) : NULL,
                      xdg && *xdg ? xasprintf("%s/git/config", xdg)
                      : home      ? xasprintf("%s/.config/git/config", home)
                                  : NULL};
    for (int i = 0; i < 4; i++) {
        if (paths[i])
            record_outside(w, paths[i], true);
        free(paths[i]);
    }
}

/* Git's rules from outside the work tree: info/exclude, and
 * core.excludesFile or, when unset, $XDG_CONFIG_HOME/git/ignore. */
static bool outside_rules(Walk *w)
{
    Vcs *v = w->v;
    char *exclude = xasprintf("%s/info/exclude", v->git_dir);
    bool rules = has_patterns(exclude);
    record_outside(w, exclude, false);
    free(exclude);
    record_configs(w);
    git_config *cfg = NULL;
    git_buf buf = {0};
    bool set = false;
    if (!rules && gitlib.git_repository_config(&cfg, v->repo) == 0) {
        set = gitlib.git_config_get_path(&buf, cfg, "core.excludesfile") == 0;
        if (set) {
            rules = has_patterns(buf.ptr);
            if (buf.ptr && buf.ptr[0] == '/')
                record_outside(w, buf.ptr, false);
            else
                w->unusable = true;
        }
        gitlib.git_buf_dispose(&buf);
        gitlib.git_config_free(cfg);
    }
    if (!rules && !set) {
        const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
        char *path = xdg && *xdg ? xasprintf("%s/git/ignore", xdg)
                     : home      ? xasprintf("%s/.config/git/ignore", home)
                                 : NULL;
        rules = path && has_patterns(path);
        if (path)
            record_outside(w, path, false);
        free(path);
    }
    return rules;
}

/* The CACHEDIR.TAG of a folder left out (see dependency_folder), for the
 * record: as it is, or absent. */
static void record_cache_tag(Walk *w, int dirfd, const char *name, const char *path)
{
    char *at = xasprintf("%s/CACHEDIR.TAG", name), *rel = xasprintf("%s/CACHEDIR.TAG", path);
    struct stat st;
    if (fstatat(dirfd, at, &st, AT_SYMLINK_NOFOLLOW) == 0)
        snapstat_stat(&w->rec, SNAPSTAT_FILE, rel, &st);
    else if (errno == ENOENT)
        snapstat_absent(&w->rec, rel);
    else
        w->unusable = true;
    free(at);
    free(rel);
}

static void walk_dir(Walk *w, int fd, const char *rel, bool rules)
{
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        w->unusable = true;
        return;
    }
    struct stat gi, here;
    if (fstat(fd, &here) == 0)
        snapstat_stat(&w->rec, SNAPSTAT_FOLDER, rel, &here);
    else
        w->unusable = true;
    bool gitignore = fstatat(fd, ".gitignore", &gi, AT_SYMLINK_NOFOLLOW) == 0;
    if (gitignore) {
        /* As git reads it (through a link): its content is the rules. */
        char *gpath = *rel ? xasprintf("%s/.gitignore", rel) : xstrdup(".gitignore");
        if (fstatat(fd, ".gitignore", &gi, 0) == 0)
            snapstat_stat(&w->rec, SNAPSTAT_IGNORE, gpath, &gi);
        else
            w->unusable = true;
        free(gpath);
    }
    rules = rules || w->outside_rules || gitignore;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *name = de->d_name;
        if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, ".git"))
            continue;
        if (++w->visited > w->max_visit) {
            w->truncated = true;
            break;
        }
        char *path = *rel ? xasprintf("%s/%s", rel, name) : xstrdup(name);
        struct stat st;
        if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            free(path); /* gone since readdir */
            continue;
        }
        if (S_ISDIR(st.st_mode) && w->big_mode && name[0] == '.') {
            /* a big folder's hidden folders (caches, toolchains) */
        } else if (S_ISDIR(st.st_mode)) {
            char *dotgit = xasprintf("%s/.git", name);
            struct stat gst;
            bool nested = fstatat(dirfd(d), dotgit, &gst, AT_SYMLINK_NOFOLLOW) == 0;
            free(dotgit);
            if (is_excluded(w, path) || (rules && ignored(w, path))) {
                /* pruned, as git does (by name and rules: recorded already) */
            } else if (dependency_folder(dirfd(d), name)) {
                /* (by what it holds: its times change with that, but not
                 * with an edit of its cache tag, whose text decides) */
                snapstat_stat(&w->rec, SNAPSTAT_FOLDER, path, &st);
                record_cache_tag(w, dirfd(d), name, path);
            } else if (nested) {
                snapstat_stat(&w->rec, SNAPSTAT_FOLDER, path, &st);
                note(&w->notes, "left %s/ out of the snapshot: it is a git repository of its own", path);
            } else {
                int sub = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub >= 0)
                    walk_dir(w, sub, path, rules);
                else {
                    w->unusable = true;
                    note(&w->notes, "left %s/ out of the snapshot: %s", path, strerror(errno));
                }
            }
        } else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
            bool forced = is_forced(w, path);
            bool wanted = !w->big_mode || lang_by_path(path) == w->opt->lang;
            if (forced || (wanted && !(rules && ignored(w, path))))
                add_file(w, path, &st);
        }
        free(path);
        if (w->truncated || w->over)
            break;
    }
    closedir(d);
}

static int cmp_walkfile(const void *a, const void *b)
{
    return strcmp(((const WalkFile *)a)->path, ((const WalkFile *)b)->path);
}

static bool walk_has(const Walk *w, const char *path)
{
    WalkFile key = {.path = (char *)path};
    WalkFile *f = bsearch(&key, w->files, w->n, sizeof *w->files, cmp_walkfile);
    return f && !f->dropped;
}

/* Files of the run that the walk did not reach (inside an ignored folder). */
static void add_forced(Walk *w)
{
    for (const char *const *f = w->opt->force; f && *f; f++) {
        bool seen = false;
        for (size_t i = 0; i < w->n && !seen; i++)
            seen = strcmp(w->files[i].path, *f) == 0;
        struct stat st;
        char *full = xasprintf("%s/%s", w->v->workdir, *f);
        if (!seen && lstat(full, &st) == 0 && (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
            add_file(w, *f, &st);
        free(full);
    }
}

static void walk_clear(Walk *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->files[i].path);
    free(w->files);
    w->files = NULL;
    w->n = w->cap = 0;
    w->bytes = w->visited = 0;
    w->truncated = w->over = false;
    sl_free(&w->notes);
    sb_free(&w->rec);
    w->unusable = false;
}

static bool walk(Walk *w, Err *err)
{
    int fd = open(w->v->workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return err_sys(err, "cannot read the folder %s", w->v->workdir);
    walk_dir(w, fd, "", false);
    return true;
}

/* The files to snapshot.  A folder over the big-folder limits (a home
 * folder, a dataset) is walked again for the language's files only,
 * skipping hidden folders, so a run does not wait on a huge snapshot. */
static bool walk_tree(Walk *w, Err *err)
{
    const VcsSnapshotOptions *opt = w->opt;
    if (opt->only_forced) {
        add_forced(w);
        qsort(w->files, w->n, sizeof *w->files, cmp_walkfile);
        return true;
    }
    w->outside_rules = outside_rules(w);
    bool limit = opt->limit_big && opt->lang;
    if (limit) {
        w->big_files = opt->big_files > 0 ? opt->big_files : VCS_BIG_FILES;
        w->big_bytes = opt->big_bytes > 0 ? opt->big_bytes : VCS_BIG_BYTES;
    }
    if (!walk(w, err))
        return false;
    if (limit && (w->over || w->truncated)) {
        walk_clear(w);
        w->big_files = w->big_bytes = 0;
        w->big_mode = true;
        w->unusable = true; /* what the first pass counted is not recorded */
        if (!walk(w, err))
            return false;
        char bytes[SIZE_TEXT_LEN];
        size_text(opt->big_bytes > 0 ? opt->big_bytes : VCS_BIG_BYTES, bytes);
        note(&w->notes,
             "the folder is big (over %lld files or %s): the snapshot holds only its %s files outside hidden folders",
             opt->big_files > 0 ? opt->big_files : VCS_BIG_FILES, bytes, opt->lang->name);
    }
    if (w->truncated) {
        w->unusable = true; /* where the walk stopped depends on the order of reading */
        note(&w->notes, "the folder has more than %lld entries: the rest is not in the snapshot", w->max_visit);
    }
    add_forced(w);
    qsort(w->files, w->n, sizeof *w->files, cmp_walkfile);
    return true;
}

/* ---------------------------------------------------------------- the index */

static uint32_t git_mode(const struct stat *st)
{
    if (S_ISLNK(st->st_mode))
        return GIT_FILEMODE_LINK;
    return st->st_mode & S_IXUSR ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
}

static bool ts_before(int64_t sec, long nsec, const struct timespec *t)
{
    return sec < (int64_t)t->tv_sec || (sec == (int64_t)t->tv_sec && nsec < t->tv_nsec);
}

/* The stat cache, as git keeps it: an entry whose stat data matches was
 * hashed from this very file, unless the file changed in the same instant
 * the index was written ("racily clean"), which is hashed again.  The
 * change time too (git's core.trustctime): an edit whose modification time
 * was put back (touch -r, a copy keeping times) leaves the rest alike. */
static bool entry_clean(const git_index_entry *e, const struct stat *st, const struct timespec *index_mtime)
{
    return e->file_size == (uint32_t)st->st_size && e->mtime.seconds == (int32_t)st->st_mtim.tv_sec &&
           e->mtime.nanoseconds == (uint32_t)st->st_mtim.tv_nsec && e->ctime.seconds == (int32_t)st->st_ctim.tv_sec &&
           e->ctime.nanoseconds == (uint32_t)st->st_ctim.tv_nsec && e->ino == (uint32_t)st->st_ino &&
           e->mode == git_mode(st) && ts_before(st->st_mtim.tv_sec, st->st_mtim.tv_nsec, index_mtime);
}

/* One buffer holds each file in turn: a new one per file would be handed
 * back to the kernel and faulted in again each time. */
static void reserve(char **buf, size_t *cap, size_t n)
{
    if (n > *cap) {
        *buf = xrealloc(*buf, n);
        *cap = n;
    }
}

/* A file is added as the bytes the program saw: read here and handed to
 * libgit2 whole, never through git add's filters, which a .gitattributes
 * in the user's folder turns on (text=auto and eol store CRLF lines as
 * LF, ident rewrites $Id$): the snapshot would not be the code that ran,
 * and putting it back would change the file.  A file written to while it
 * is read (a program's log) is kept as it is here, its first st_size
 * bytes at the moment it is opened (to its end, a tail that grows as fast
 * as it is read would be chased); the entry's stat data is that moment's,
 * so the next snapshot hashes it again if it went on changing.  False
 * (and a note, unless the file is gone) when it cannot be kept. */
static bool index_file(Walk *w, git_index *idx, WalkFile *f, char **buf, size_t *cap)
{
    char *full = xasprintf("%s/%s", w->v->workdir, f->path);
    struct stat st;
    size_t len = 0;
    bool ok = false;
    if (lstat(full, &st) != 0) {
        if (errno != ENOENT) /* gone since the walk: nothing to say */
            note(&w->notes, "left %s out of the snapshot: %s", f->path, strerror(errno));
        goto out;
    }
    if (S_ISLNK(st.st_mode)) { /* a link is kept as its target's name, as git keeps it */
        reserve(buf, cap, (size_t)st.st_size + 1);
        ssize_t n = readlink(full, *buf, (size_t)st.st_size + 1);
        if (n < 0 || n > st.st_size) {
            note(&w->notes, "left %s out of the snapshot: %s", f->path,
                 n < 0 ? strerror(errno) : "it changed while it was read");
            goto out;
        }
        len = (size_t)n;
    } else {
        int fd = S_ISREG(st.st_mode) ? open(full, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) : -1;
        if (fd < 0 && S_ISREG(st.st_mode)) {
            note(&w->notes, "left %s out of the snapshot: %s", f->path, strerror(errno));
            goto out;
        }
        if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            note(&w->notes, "left %s out of the snapshot: it is no longer a file", f->path);
            if (fd >= 0)
                close(fd);
            goto out;
        }
        if (st.st_size > w->max_file) {
            close(fd);
            char limit[SIZE_TEXT_LEN];
            size_text(w->max_file, limit);
            note(&w->notes, "left %s out of the snapshot: it grew over %s while it was read", f->path, limit);
            goto out;
        }
        size_t want = (size_t)st.st_size;
        reserve(buf, cap, want + 1);
        ssize_t n = 1;
        while (len < want && (n = read(fd, *buf + len, want - len)) != 0) {
            if (n < 0 && errno != EINTR)
                break;
            if (n > 0)
                len += (size_t)n;
        }
        close(fd);
        if (n < 0) {
            note(&w->notes, "left %s out of the snapshot: %s", f->path, strerror(errno));
            goto out;
        }
    }
    git_index_entry e = {
        .ctime = {(int32_t)st.st_ctim.tv_sec, (uint32_t)st.st_ctim.tv_nsec},
        .mtime = {(int32_t)st.st_mtim.tv_sec, (uint32_t)st.st_mtim.tv_nsec},
        .dev = (uint32_t)st.st_dev,
        .ino = (uint32_t)st.st_ino,
        .mode = git_mode(&st),
        .uid = (uint32_t)st.st_uid,
        .gid = (uint32_t)st.st_gid,
        .path = f->path,
    };
    ok = gitlib.git_index_add_from_buffer(idx, &e, *buf, len) == 0;
    if (!ok)
        note(&w->notes, "left %s out of the snapshot: %s", f->path, git_msg());
    else
        f->st = st;
out:
    free(full);
    return ok;
}

static bool update_index(Walk *w, git_index *idx, Err *err)
{
    struct timespec index_mtime = {0};
    char *ipath = xasprintf("%s/index", w->v->git_dir);
    struct stat ist;
    if (stat(ipath, &ist) == 0)
        index_mtime = ist.st_mtim;
    free(ipath);

    char *buf = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < w->n; i++) {
        WalkFile *f = &w->files[i];
        const git_index_entry *e = gitlib.git_index_get_bypath(idx, f->path, 0);
        if (e && entry_clean(e, &f->st, &index_mtime))
            continue;
        if (!index_file(w, idx, f, &buf, &cap))
            f->dropped = true;
    }
    free(buf);
    /* Whatever the index holds that is no longer there goes. */
    StrList gone = {0};
    for (size_t i = 0, n = gitlib.git_index_entrycount(idx); i < n; i++) {
        const git_index_entry *e = gitlib.git_index_get_byindex(idx, i);
        if (e && !walk_has(w, e->path))
            sl_push(&gone, e->path);
    }
    bool ok = true;
    for (size_t i = 0; i < gone.len && ok; i++)
        if (gitlib.git_index_remove_bypath(idx, gone.items[i]) < 0)
            ok = git_fail(err, "cannot update the index", w->v->git_dir);
    sl_free(&gone);
    return ok;
}

static bool head_commit(Vcs *v, git_oid *oid, bool *exists, Err *err)
{
    int rc = gitlib.git_reference_name_to_id(oid, v->repo, "HEAD");
    *exists = rc == 0;
    if (rc == 0 || rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH)
        return true;
    return err_set(err, "the git folder %s is damaged: %s", v->git_dir, git_msg());
}

bool vcs_head(Vcs *v, char out[VCS_OID_LEN + 1], Err *err)
{
    git_oid oid;
    bool exists;
    out[0] = '\0';
    if (!head_commit(v, &oid, &exists, err))
        return false;
    if (exists)
        gitlib.git_oid_tostr(out, VCS_OID_LEN + 1, &oid);
    return true;
}

/* ---------------------------------------------------------------- repair
 *
 * Objects, the index and the branch are written without fsync (a run
 * would wait for the disk; the database is what must stay whole), so a
 * power cut can leave them empty or cut short.  libgit2 never writes an
 * object whose file exists, so every later snapshot that meant to reuse a
 * damaged object failed: the session lost its history for good.  When the
 * snapshot meets damage, the damaged objects go and everything is hashed
 * again; the history before stays damaged and the snapshot says so. */

/* Whether a loose object's file (in dir) inflates whole to an object of
 * the length its header gives, whose SHA-1 is hex.  Read here rather than
 * with libgit2: libgit2 1.5 inflating a truncated loose object loops
 * forever (libgit2#7342, fixed upstream in 2026), and a truncated object
 * is what a power cut leaves. */
static bool loose_object_whole(int dir, const char *name, const char *hex)
{
    int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    z_stream zs = {0};
    if (inflateInit(&zs) != Z_OK) {
        close(fd);
        return true; /* cannot tell: keep it */
    }
    struct sha1_ctx sha;
    sha1_init(&sha);
    unsigned char in[65536], out[65536], head[64];
    size_t got = 0, headlen = 0;
    int rc = Z_OK;
    ssize_t n = 0;
    while (rc == Z_OK) {
        if (zs.avail_in == 0) {
            while ((n = read(fd, in, sizeof in)) < 0 && errno == EINTR)
                ;
            if (n <= 0)
                break; /* the stream ended before its end: truncated */
            zs.next_in = in;
            zs.avail_in = (uInt)n;
        }
        zs.next_out = out;
        zs.avail_out = sizeof out;
        rc = inflate(&zs, Z_NO_FLUSH);
        size_t made = sizeof out - zs.avail_out;
        if (headlen < sizeof head) {
            size_t take = made < sizeof head - headlen ? made : sizeof head - headlen;
            memcpy(head + headlen, out, take);
            headlen += take;
        }
        sha1_update(&sha, made, out);
        got += made;
    }
    inflateEnd(&zs);
    close(fd);
    /* "blob 12\0...": the header's length and the rest's. */
    const unsigned char *nul = memchr(head, '\0', headlen);
    const unsigned char *sp = memchr(head, ' ', headlen);
    if (rc != Z_STREAM_END || !nul || !sp || sp > nul)
        return false;
    char *endp;
    unsigned long long size = strtoull((const char *)sp + 1, &endp, 10);
    if (endp != (const char *)nul || got != (size_t)(nul - head) + 1 + size)
        return false;
    uint8_t digest[SHA1_DIGEST_SIZE];
    sha1_digest(&sha, sizeof digest, digest);
    char mine[2 * SHA1_DIGEST_SIZE + 1];
    for (size_t i = 0; i < sizeof digest; i++)
        snprintf(mine + 2 * i, 3, "%02x", digest[i]);
    return strcmp(mine, hex) == 0;
}

/* Whether the object can be given to libgit2 to read whole: a loose one
 * that is whole, or one that is not loose here (missing, which libgit2
 * reports; or packed, which tide does not make). */
static bool object_whole(const Vcs *v, const git_oid *oid)
{
    char hex[VCS_OID_LEN + 1];
    gitlib.git_oid_tostr(hex, sizeof hex, oid);
    char *dir = xasprintf("%s/objects/%.2s", v->git_dir, hex);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return true;
    bool ok = faccessat(fd, hex + 2, F_OK, AT_SYMLINK_NOFOLLOW) != 0 || loose_object_whole(fd, hex + 2, hex);
    close(fd);
    return ok;
}

/* Removes the loose objects that cannot be read whole; how many. */
static size_t drop_damaged_objects(Vcs *v)
{
    char *objects = xasprintf("%s/objects", v->git_dir);
    size_t dropped = 0;
    DIR *top = opendir(objects);
    struct dirent *d;
    while (top && (d = readdir(top))) {
        if (strlen(d->d_name) != 2 || !isxdigit((unsigned char)d->d_name[0]) ||
            !isxdigit((unsigned char)d->d_name[1]))
            continue;
        char *sub = xasprintf("%s/%s", objects, d->d_name);
        DIR *in = opendir(sub);
        struct dirent *f;
        while (in && (f = readdir(in))) {
            char hex[VCS_OID_LEN + 1];
            if (strlen(f->d_name) != VCS_OID_LEN - 2 || strspn(f->d_name, "0123456789abcdef") != VCS_OID_LEN - 2)
                continue;
            snprintf(hex, sizeof hex, "%s%s", d->d_name, f->d_name);
            if (!loose_object_whole(dirfd(in), f->d_name, hex) && unlinkat(dirfd(in), f->d_name, 0) == 0)
                dropped++;
        }
        if (in)
            closedir(in);
        free(sub);
    }
    if (top)
        closedir(top);
    free(objects);
    return dropped;
}

/* The index, or a fresh one when the file is damaged (it is a cache of
 * the work tree's hashes: everything is hashed again), or was written
 * before RAW_MARK (once: every file is hashed again as it is; *raw_again
 * says the mark is to be written with the index). */
static bool open_index(Vcs *v, git_index **idx, bool *raw_again, Err *err)
{
    char *mark = xasprintf("%s/" RAW_MARK, v->git_dir);
    *raw_again = access(mark, F_OK) != 0;
    free(mark);
    if (gitlib.git_repository_index(idx, v->repo) == 0)
        return !*raw_again || gitlib.git_index_clear(*idx) == 0 ||
               git_fail(err, "cannot update the index", v->git_dir);
    char *path = xasprintf("%s/index", v->git_dir);
    bool ok = unlink(path) == 0 && gitlib.git_repository_index(idx, v->repo) == 0;
    free(path);
    return ok || err_set(err, "the git folder %s is damaged (its index): %s", v->git_dir, git_msg());
}

/* Whether the tree and the trees below it are whole (one small object a
 * folder; the files' objects are not read). */
static bool tree_whole(const Vcs *v, const git_oid *oid, int depth)
{
    git_tree *t = NULL;
    if (depth > 256 || !object_whole(v, oid) || gitlib.git_tree_lookup(&t, v->repo, oid) < 0)
        return false;
    bool ok = true;
    for (size_t i = 0, n = gitlib.git_tree_entrycount(t); i < n && ok; i++) {
        const git_tree_entry *e = gitlib.git_tree_entry_byindex(t, i);
        if (gitlib.git_tree_entry_type(e) == GIT_OBJECT_TREE)
            ok = tree_whole(v, gitlib.git_tree_entry_id(e), depth + 1);
    }
    gitlib.git_tree_free(t);
    return ok;
}

/* Whether the files' objects the tree `now` (whole) has and `before` (its
 * parent's, or NULL: none readable) had not are whole.  Only the changed
 * folders are read, of both trees. */
static bool new_blobs_whole(const Vcs *v, const git_oid *now, const git_oid *before, int depth)
{
    git_tree *t = NULL, *b = NULL;
    if (depth > 256 || gitlib.git_tree_lookup(&t, v->repo, now) < 0)
        return false;
    if (before && object_whole(v, before) && gitlib.git_tree_lookup(&b, v->repo, before) < 0)
        b = NULL;
    bool ok = true;
    for (size_t i = 0, n = gitlib.git_tree_entrycount(t); i < n && ok; i++) {
        const git_tree_entry *e = gitlib.git_tree_entry_byindex(t, i);
        const git_oid *id = gitlib.git_tree_entry_id(e);
        const git_tree_entry *old = b ? gitlib.git_tree_entry_byname(b, gitlib.git_tree_entry_name(e)) : NULL;
        if (old && gitlib.git_oid_equal(gitlib.git_tree_entry_id(old), id))
            continue;
        if (gitlib.git_tree_entry_type(e) == GIT_OBJECT_TREE)
            ok = new_blobs_whole(v, id,
                                 old && gitlib.git_tree_entry_type(old) == GIT_OBJECT_TREE ? gitlib.git_tree_entry_id(old)
                                                                                         : NULL,
                                 depth + 1);
        else if (gitlib.git_tree_entry_type(e) == GIT_OBJECT_BLOB)
            ok = object_whole(v, id);
    }
    gitlib.git_tree_free(b);
    gitlib.git_tree_free(t);
    return ok;
}

/* How long written data may stay in memory before it is on disk (Linux
 * writes back what is 30 seconds old; twice that, to be safe). */
#define PAGE_CACHE_SECONDS 60

/* The commit whose new files were last read back whole (tide-checked in
 * the git folder): each is read back once, not at every run until the
 * next commit.  Lost or torn, it only means reading them again. */
static bool files_checked(const Vcs *v, const git_oid *commit)
{
    char hex[VCS_OID_LEN + 1], mark[VCS_OID_LEN + 1] = "";
    gitlib.git_oid_tostr(hex, sizeof hex, commit);
    char *path = xasprintf("%s/tide-checked", v->git_dir);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, mark, VCS_OID_LEN);
    close(fd);
    return n == VCS_OID_LEN && memcmp(mark, hex, VCS_OID_LEN) == 0;
}

static void mark_files_checked(const Vcs *v, const git_oid *commit)
{
    char hex[VCS_OID_LEN + 1];
    gitlib.git_oid_tostr(hex, sizeof hex, commit);
    char *path = xasprintf("%s/tide-checked", v->git_dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    free(path);
    if (fd >= 0) {
        (void)!write(fd, hex, VCS_OID_LEN);
        close(fd);
    }
}

/* Whether the last snapshot's commit and trees are whole: writing the
 * next tree, libgit2 reads the trees the index remembers from it (the
 * folders nothing changed in) whole.  So must the files it added be: the
 * index, clean for them, would have every later snapshot name an object a
 * power cut cut short.  (A file's object is read back once, at the run
 * after the one that wrote it: a power cut that soon after is the one
 * that leaves it short.) */
static bool last_snapshot_whole(const Vcs *v)
{
    git_oid head;
    git_commit *c = NULL;
    if (gitlib.git_reference_name_to_id(&head, v->repo, "HEAD") < 0)
        return true; /* none yet, or a damaged branch: said later */
    if (!object_whole(v, &head) || gitlib.git_commit_lookup(&c, v->repo, &head) < 0)
        return false;
    bool ok = tree_whole(v, gitlib.git_commit_tree_id(c), 0);
    if (!ok || files_checked(v, &head)) {
        gitlib.git_commit_free(c);
        return ok;
    }
    /* The snapshots of the minute before the last were read back at the
     * next run, from memory: a power cut may yet have cut them short. */
    int64_t since = (int64_t)gitlib.git_commit_time(c) - PAGE_CACHE_SECONDS;
    for (int k = 0; ok && c && k < 20; k++) {
        git_commit *parent = NULL;
        if (gitlib.git_commit_parentcount(c) > 0) {
            const git_oid *p = gitlib.git_commit_parent_id(c, 0);
            if (!object_whole(v, p) || gitlib.git_commit_lookup(&parent, v->repo, p) < 0)
                parent = NULL;
        }
        ok = new_blobs_whole(v, gitlib.git_commit_tree_id(c), parent ? gitlib.git_commit_tree_id(parent) : NULL, 0);
        gitlib.git_commit_free(c);
        c = NULL;
        if (ok && parent && (int64_t)gitlib.git_commit_time(parent) >= since) {
            ok = tree_whole(v, gitlib.git_commit_tree_id(parent), 0); /* damage there is damage too */
            c = parent;
        } else {
            gitlib.git_commit_free(parent);
        }
    }
    gitlib.git_commit_free(c);
    if (ok)
        mark_files_checked(v, &head);
    return ok;
}

/* Damage or a gap found: the objects that cannot be read go, and the
 * index starts again (every file is hashed, and what is missing written
 * again). */
static bool repair(Walk *w, git_index *idx, Err *err)
{
    size_t dropped = drop_damaged_objects(w->v);
    w->repaired = true;
    if (dropped)
        note(&w->notes, "the session's earlier snapshots are damaged (%zu git objects could not be read, as a power "
                        "cut leaves files not yet on disk); this one is whole",
             dropped);
    else
        note(&w->notes, "the session's earlier snapshots lack git objects they name; this one is whole");
    return (gitlib.git_index_clear(idx) == 0 || git_fail(err, "cannot update the index", w->v->git_dir)) &&
           update_index(w, idx, err);
}

/* The tree of the work tree as the index holds it, written (and checked:
 * the index may remember older trees the last snapshot's check did not
 * reach).  Repaired once at most. */
static bool write_tree(Walk *w, git_index *idx, git_oid *tree, Err *err)
{
    if (!last_snapshot_whole(w->v) && !repair(w, idx, err))
        return false;
    if (gitlib.git_index_write_tree(tree, idx) == 0 && tree_whole(w->v, tree, 0))
        return true;
    if (w->repaired)
        return git_fail(err, "cannot write the snapshot", w->v->git_dir);
    if (!repair(w, idx, err))
        return false;
    if (gitlib.git_index_write_tree(tree, idx) < 0)
        return git_fail(err, "cannot write the snapshot", w->v->git_dir);
    return true;
}

/* Everything besides the files that decides what a snapshot holds. */
static char *snapshot_key(const VcsSnapshotOptions *opt)
{
    StrBuf sb = {0};
    /* raw: a record written before RAW_MARK is not trusted (its commit may
     * hold filtered bytes). */
    sb_printf(&sb, "raw lang=%s big=%d only=%d max=%lld,%lld,%lld,%lld", opt->lang ? opt->lang->key : "-",
              opt->limit_big, opt->only_forced, opt->max_file, opt->big_files, opt->big_bytes, opt->max_visit);
    for (const char *const *f = opt->force; f && *f; f++)
        sb_printf(&sb, "\nforce=%s", *f);
    for (const char *const *e = opt->exclude; e && *e; e++)
        sb_printf(&sb, "\nexclude=%s", *e);
    /* Where git's user-wide config and rules are found. */
    static const char *const env[] = {"HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM",
                                      "GIT_CONFIG_NOSYSTEM"};
    for (size_t i = 0; i < sizeof env / sizeof *env; i++) {
        const char *val = getenv(env[i]);
        sb_printf(&sb, "\n%s%s%s", env[i], val ? "=" : "", val ? val : "");
    }
    return sb_steal(&sb);
}

bool vcs_snapshot_unchanged(const char *git_dir, const char *workdir, const VcsSnapshotOptions *opt,
                            VcsSnapshot *snap)
{
    char *key = snapshot_key(opt);
    bool ok = snapstat_check(git_dir, workdir, key, opt->racy_seconds, snap);
    free(key);
    return ok;
}

void vcs_remember(const char *git_dir, const VcsSnapshot *snap, const char *commit)
{
    if (snap->reused)
        return; /* (the record it came from stays true) */
    if (snap->record)
        snapstat_write(git_dir, snap->record, snap, commit); /* (or removes the last record) */
    else
        snapstat_forget(git_dir);
}

/* The record of a finished walk (see snapstat.h), or NULL. */
static char *walk_record(Walk *w, const struct timespec *start)
{
    if (w->unusable || w->repaired)
        return NULL;
    StrBuf rec = {0};
    char *key = snapshot_key(w->opt);
    snapstat_begin(&rec, key, start);
    free(key);
    sb_append(&rec, w->rec.data, w->rec.len);
    bool ok = true;
    for (size_t i = 0; i < w->n && ok; i++) {
        ok = !w->files[i].dropped;
        snapstat_stat(&rec, SNAPSTAT_FILE, w->files[i].path, &w->files[i].st);
    }
    /* A run's file the snapshot does not hold: as it is, or absent. */
    for (const char *const *f = w->opt->force; f && *f && ok; f++) {
        if (walk_has(w, *f))
            continue;
        char *full = xasprintf("%s/%s", w->v->workdir, *f);
        struct stat st;
        if (lstat(full, &st) == 0)
            snapstat_stat(&rec, SNAPSTAT_FILE, *f, &st);
        else if (errno == ENOENT)
            snapstat_absent(&rec, *f);
        else
            ok = false;
        free(full);
    }
    for (size_t i = 0; i < w->notes.len; i++)
        snapstat_note(&rec, w->notes.items[i]);
    if (!ok) {
        sb_free(&rec);
        return NULL;
    }
    return sb_steal(&rec);
}

bool vcs_snapshot(Vcs *v, const VcsSnapshotOptions *opt, VcsSnapshot *snap, Err *err)
{
    *snap = (VcsSnapshot){0};
    if (!v->workdir)
        return err_set(err, "internal: a snapshot needs a work tree");
    struct timespec start;
    clock_gettime(CLOCK_REALTIME, &start);
    Walk w = {.v = v, .opt = opt};
    w.max_file = opt->max_file > 0 ? opt->max_file : VCS_MAX_FILE;
    w.max_visit = opt->max_visit > 0 ? opt->max_visit : VCS_MAX_VISIT;
    bool ok = false;
    if (!walk_tree(&w, err)) {
        walk_clear(&w);
        return false;
    }

    git_index *idx = NULL;
    git_commit *parent = NULL;
    git_oid tree, head;
    bool has_head;
    bool raw_again;
    if (!open_index(v, &idx, &raw_again, err) || !update_index(&w, idx, err) || !write_tree(&w, idx, &tree, err))
        goto out;
    if (gitlib.git_index_write(idx) < 0) {
        git_fail(err, "cannot write the index", v->git_dir);
        goto out;
    }
    if (raw_again)
        mark_raw(v->git_dir);
    if (!head_commit(v, &head, &has_head, err)) {
        /* HEAD is written once, when the folder is made: damage there is
         * not a power cut's, and stays an error.  The branch's file is
         * written at each run, and again at this one's commit. */
        char why[256];
        snprintf(why, sizeof why, "%s", git_msg());
        git_reference *h = NULL;
        bool branch = gitlib.git_reference_lookup(&h, v->repo, "HEAD") == 0 &&
                      gitlib.git_reference_type(h) == GIT_REFERENCE_SYMBOLIC;
        gitlib.git_reference_free(h);
        if (!branch)
            goto out;
        note(&w.notes, "the session's git branch was damaged (%s); its history starts again here", why);
        has_head = false;
    }
    snap->changed = true;
    /* (write_tree checked this commit: it is whole, or dropped.) */
    if (has_head && gitlib.git_commit_lookup(&parent, v->repo, &head) < 0) {
        char id[VCS_OID_LEN + 1];
        gitlib.git_oid_tostr(id, sizeof id, &head);
        if (!w.repaired) /* said already */
            note(&w.notes, "the session's last snapshot (commit %.12s) is damaged; its history starts again here", id);
        has_head = false;
    }
    if (has_head) {
        snap->changed = !gitlib.git_oid_equal(gitlib.git_commit_tree_id(parent), &tree);
        gitlib.git_oid_tostr(snap->parent, sizeof snap->parent, &head);
    }
    gitlib.git_oid_tostr(snap->tree, sizeof snap->tree, &tree);
    snap->nfiles = gitlib.git_index_entrycount(idx);
    snap->files = xcalloc(snap->nfiles, sizeof *snap->files);
    for (size_t i = 0; i < snap->nfiles; i++) {
        const git_index_entry *e = gitlib.git_index_get_byindex(idx, i);
        VcsFile *f = &snap->files[i];
        f->path = xstrdup(e->path);
        gitlib.git_oid_tostr(f->oid, sizeof f->oid, &e->id);
        f->size = e->file_size;
        f->executable = e->mode == GIT_FILEMODE_BLOB_EXECUTABLE;
        f->symlink = e->mode == GIT_FILEMODE_LINK;
        snap->bytes += f->size;
    }
    snap->record = walk_record(&w, &start);
    snap->notes = w.notes;
    w.notes = (StrList){0};
    ok = true;
out:
    gitlib.git_commit_free(parent);
    gitlib.git_index_free(idx);
    walk_clear(&w);
    if (!ok)
        vcs_snapshot_free(snap);
    return ok;
}

void vcs_snapshot_free(VcsSnapshot *snap)
{
    vcs_files_free(snap->files, snap->nfiles);
    sl_free(&snap->notes);
    free(snap->record);
    *snap = (VcsSnapshot){0};
}

/* ---------------------------------------------------------------- commits */

static bool parse_oid(git_oid *oid, const char *hex, Err *err)
{
    if (!hex || strlen(hex) != VCS_OID_LEN || gitlib.git_oid_fromstr(oid, hex) < 0)
        return err_set(err, "'%s' is not a commit id", hex ? hex : "");
    return true;
}

bool vcs_commit(Vcs *v, const VcsSnapshot *snap, const char *message, char out[VCS_OID_LEN + 1], Err *err)
{
    if (!snap->changed) {
        memcpy(out, snap->parent, VCS_OID_LEN + 1);
        return true;
    }
    git_oid tree_id, parent_id, commit_id;
    if (!parse_oid(&tree_id, snap->tree, err))
        return false;
    bool ok = false;
    git_tree *tree = NULL;
    git_commit *parent = NULL;
    git_signature *sig = NULL;
    if (gitlib.git_tree_lookup(&tree, v->repo, &tree_id) < 0) {
        git_fail(err, "cannot find the snapshot", v->git_dir);
        goto out;
    }
    if (snap->parent[0]) {
        if (!parse_oid(&parent_id, snap->parent, err))
            goto out;
        if (gitlib.git_commit_lookup(&parent, v->repo, &parent_id) < 0) {
            git_fail(err, "cannot find the previous commit", v->git_dir);
            goto out;
        }
    }
    if (gitlib.git_signature_now(&sig, "tide", "tide@localhost") < 0) {
        git_fail(err, "cannot sign the commit", v->git_dir);
        goto out;
    }
    const git_commit *parents[1] = {parent};
    if (gitlib.git_commit_create(&commit_id, v->repo, NULL, sig, sig, "UTF-8", message, tree, parent ? 1 : 0,
                          parents) < 0) {
        git_fail(err, "cannot write the commit", v->git_dir);
        goto out;
    }
    gitlib.git_oid_tostr(out, VCS_OID_LEN + 1, &commit_id);
    ok = true;
out:
    gitlib.git_signature_free(sig);
    gitlib.git_commit_free(parent);
    gitlib.git_tree_free(tree);
    return ok;
}

bool vcs_advance(Vcs *v, const char *commit, Err *err)
{
    git_oid oid;
    if (!parse_oid(&oid, commit, err))
        return false;
    git_reference *head = NULL, *ref = NULL;
    const char *branch = "refs/heads/main";
    if (gitlib.git_reference_lookup(&head, v->repo, "HEAD") == 0 && gitlib.git_reference_type(head) == GIT_REFERENCE_SYMBOLIC)
        branch = gitlib.git_reference_symbolic_target(head);
    bool ok = gitlib.git_reference_create(&ref, v->repo, branch, &oid, 1, "tide run") == 0;
    git_oid old;
    if (!ok && gitlib.git_reference_name_to_id(&old, v->repo, branch) < 0 && !strncmp(branch, "refs/heads/", 11)) {
        /* Its file is damaged (see "repair"): libgit2 reads the old value
         * before replacing it. */
        char *path = xasprintf("%s/%s", v->git_dir, branch);
        ok = unlink(path) == 0 && gitlib.git_reference_create(&ref, v->repo, branch, &oid, 1, "tide run") == 0;
        free(path);
    }
    if (!ok)
        git_fail(err, "cannot move the branch", v->git_dir);
    gitlib.git_reference_free(ref);
    gitlib.git_reference_free(head);
    return ok;
}

/* ---------------------------------------------------------------- reading */

static bool lookup_tree(Vcs *v, const char *commit, git_tree **tree, Err *err)
{
    git_oid oid;
    if (!parse_oid(&oid, commit, err))
        return false;
    git_commit *c = NULL;
    if (!object_whole(v, &oid))
        return err_set(err, "commit %.12s in %s is damaged (cut short, as a power cut leaves files)", commit,
                       v->git_dir);
    if (gitlib.git_commit_lookup(&c, v->repo, &oid) < 0)
        return err_set(err, "commit %.12s is missing from %s: %s", commit, v->git_dir, git_msg());
    if (!tree_whole(v, gitlib.git_commit_tree_id(c), 0)) {
        gitlib.git_commit_free(c);
        return err_set(err, "the files of commit %.12s in %s are damaged (cut short, as a power cut leaves files)",
                       commit, v->git_dir);
    }
    int rc = gitlib.git_commit_tree(tree, c);
    gitlib.git_commit_free(c);
    if (rc < 0)
        return err_set(err, "the tree of commit %.12s is missing from %s: %s", commit, v->git_dir, git_msg());
    return true;
}

static int diff_line(const git_diff_delta *delta, const git_diff_hunk *hunk, const git_diff_line *line,
                     void *payload)
{
    (void)delta;
    (void)hunk;
    StrBuf *sb = payload;
    if (line->origin == GIT_DIFF_LINE_CONTEXT || line->origin == GIT_DIFF_LINE_ADDITION ||
        line->origin == GIT_DIFF_LINE_DELETION)
        sb_append(sb, &line->origin, 1);
    sb_append(sb, line->content, line->content_len);
    return 0;
}

bool vcs_diff(Vcs *v, const char *from, const char *to, StrBuf *out, Err *err)
{
    git_tree *a = NULL, *b = NULL;
    git_diff *diff = NULL;
    bool ok = false;
    if (!lookup_tree(v, from, &a, err) || !lookup_tree(v, to, &b, err))
        goto out;
    git_diff_options o;
    gitlib.git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
    if (gitlib.git_diff_tree_to_tree(&diff, v->repo, a, b, &o) < 0) {
        git_fail(err, "cannot compare the snapshots", v->git_dir);
        goto out;
    }
    /* The files that differ are read to print them: checked first (see
     * "repair"). */
    for (size_t i = 0, n = gitlib.git_diff_num_deltas(diff); i < n; i++) {
        const git_diff_delta *d = gitlib.git_diff_get_delta(diff, i);
        if (!object_whole(v, &d->old_file.id) || !object_whole(v, &d->new_file.id)) {
            err_set(err, "the git folder %s is damaged (%s is cut short, as a power cut leaves files)", v->git_dir,
                    d->new_file.path ? d->new_file.path : d->old_file.path);
            goto out;
        }
    }
    if (gitlib.git_diff_print(diff, GIT_DIFF_FORMAT_PATCH, diff_line, out) < 0) {
        git_fail(err, "cannot print the difference", v->git_dir);
        goto out;
    }
    ok = true;
out:
    gitlib.git_diff_free(diff);
    gitlib.git_tree_free(a);
    gitlib.git_tree_free(b);
    return ok;
}

bool vcs_diff_buffers(const void *a, size_t alen, const char *alabel, const void *b, size_t blen,
                      const char *blabel, StrBuf *out, Err *err)
{
    if (!gitlib_load(err))
        return false;
    git_patch *patch = NULL;
    git_buf buf = {0};
    git_diff_options o;
    gitlib.git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
    o.old_prefix = "";
    o.new_prefix = "";
    bool ok = gitlib.git_patch_from_buffers(&patch, a, alen, alabel, b, blen, blabel, &o) == 0 &&
              gitlib.git_patch_to_buf(&buf, patch) == 0;
    if (ok) {
        /* Two buffers are not files in a repository: the "diff --git" and
         * "index" lines would only confuse. */
        const char *p = buf.ptr, *end = buf.ptr + buf.size;
        while (p < end && (!strncmp(p, "diff --git ", 11) || !strncmp(p, "index ", 6))) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            p = nl ? nl + 1 : end;
        }
        sb_append(out, p, (size_t)(end - p));
    } else {
        err_set(err, "cannot compare %s and %s: %s", alabel, blabel, git_msg());
    }
    gitlib.git_buf_dispose(&buf);
    gitlib.git_patch_free(patch);
    return ok;
}

typedef struct FileList {
    Vcs *v;
    VcsFile *files;
    size_t n, cap;
    bool failed;
} FileList;

static int list_entry(const char *root, const git_tree_entry *entry, void *payload)
{
    FileList *fl = payload;
    if (gitlib.git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
        return 0;
    git_filemode_t mode = gitlib.git_tree_entry_filemode(entry);
    size_t size = 0;
    git_object_t type;
    git_odb *odb = NULL;
    if (gitlib.git_repository_odb(&odb, fl->v->repo) < 0 ||
        gitlib.git_odb_read_header(&size, &type, odb, gitlib.git_tree_entry_id(entry)) < 0) {
        gitlib.git_odb_free(odb);
        fl->failed = true;
        return -1;
    }
    gitlib.git_odb_free(odb);
    if (fl->n == fl->cap) {
        fl->cap = fl->cap ? fl->cap * 2 : 32;
        fl->files = xreallocarray(fl->files, fl->cap, sizeof *fl->files);
    }
    VcsFile *f = &fl->files[fl->n++];
    *f = (VcsFile){0};
    f->path = xasprintf("%s%s", root, gitlib.git_tree_entry_name(entry));
    gitlib.git_oid_tostr(f->oid, sizeof f->oid, gitlib.git_tree_entry_id(entry));
    f->size = (long long)size;
    f->executable = mode == GIT_FILEMODE_BLOB_EXECUTABLE;
    f->symlink = mode == GIT_FILEMODE_LINK;
    return 0;
}

static int cmp_vcsfile(const void *a, const void *b)
{
    return strcmp(((const VcsFile *)a)->path, ((const VcsFile *)b)->path);
}

bool vcs_files(Vcs *v, const char *commit, VcsFile **files, size_t *n, Err *err)
{
    *files = NULL;
    *n = 0;
    git_tree *tree;
    if (!lookup_tree(v, commit, &tree, err))
        return false;
    FileList fl = {.v = v};
    int rc = gitlib.git_tree_walk(tree, GIT_TREEWALK_PRE, list_entry, &fl);
    gitlib.git_tree_free(tree);
    if (rc < 0) {
        err_set(err, "the git folder %s is damaged (commit %.12s): %s", v->git_dir, commit, git_msg());
        vcs_files_free(fl.files, fl.n);
        return false;
    }
    qsort(fl.files, fl.n, sizeof *fl.files, cmp_vcsfile);
    *files = fl.files;
    *n = fl.n;
    return true;
}

void vcs_files_free(VcsFile *files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(files[i].path);
    free(files);
}

static bool read_blob(Vcs *v, const char *oidhex, size_t max, char **data, size_t *len, Err *err)
{
    git_oid oid;
    git_blob *blob;
    if (!parse_oid(&oid, oidhex, err))
        return false;
    if (!object_whole(v, &oid))
        return err_set(err, "the git folder %s is damaged (blob %.12s is cut short, as a power cut leaves files)",
                       v->git_dir, oidhex);
    if (gitlib.git_blob_lookup(&blob, v->repo, &oid) < 0)
        return err_set(err, "the git folder %s is damaged (blob %.12s): %s", v->git_dir, oidhex, git_msg());
    size_t size = (size_t)gitlib.git_blob_rawsize(blob);
    if (size > max) {
        gitlib.git_blob_free(blob);
        return err_set(err, "the file is too large (%zu bytes, the limit is %zu)", size, max);
    }
    *data = xmalloc(size + 1);
    memcpy(*data, gitlib.git_blob_rawcontent(blob), size);
    (*data)[size] = '\0';
    *len = size;
    gitlib.git_blob_free(blob);
    return true;
}

bool vcs_read(Vcs *v, const char *commit, const char *path, size_t max, char **data, size_t *len, Err *err)
{
    git_tree *tree;
    if (!lookup_tree(v, commit, &tree, err))
        return false;
    git_tree_entry *entry = NULL;
    bool ok = false;
    if (gitlib.git_tree_entry_bypath(&entry, tree, path) < 0) {
        err_set(err, "%s is not in commit %.12s", path, commit);
    } else if (gitlib.git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
        err_set(err, "%s is a folder in commit %.12s", path, commit);
    } else {
        char hex[VCS_OID_LEN + 1];
        gitlib.git_oid_tostr(hex, sizeof hex, gitlib.git_tree_entry_id(entry));
        ok = read_blob(v, hex, max, data, len, err);
    }
    gitlib.git_tree_entry_free(entry);
    gitlib.git_tree_free(tree);
    return ok;
}

/* ---------------------------------------------------------------- checkout */

static bool checkout_file(Vcs *v, int root, const VcsFile *f, bool force, const char *dest, Err *err)
{
    const char *base;
    int dir = fileio_open_parent_at(root, f->path, true, &base, err);
    if (dir < 0)
        return false;
    char *data = NULL;
    size_t len = 0;
    bool ok = read_blob(v, f->oid, SIZE_MAX, &data, &len, err);
    struct stat st;
    if (ok && force && fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISDIR(st.st_mode))
            ok = err_set(err, "%s/%s is a folder; remove it first", dest, f->path);
        else if (unlinkat(dir, base, 0) != 0)
            ok = err_sys(err, "cannot replace %s/%s", dest, f->path);
    }
    if (ok && f->symlink) {
        if (symlinkat(data, dir, base) != 0)
            ok = err_sys(err, "cannot create %s/%s", dest, f->path);
    } else if (ok) {
        int fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                        f->executable ? 0777 : 0666);
        if (fd < 0) {
            ok = err_sys(err, "cannot create %s/%s", dest, f->path);
        } else {
            if (!fileio_write_all(fd, data, len))
                ok = err_sys(err, "cannot write %s/%s", dest, f->path);
            if (close(fd) != 0 && ok)
                ok = err_sys(err, "cannot write %s/%s", dest, f->path);
        }
    }
    free(data);
    close(dir);
    return ok;
}

bool vcs_checkout(Vcs *v, const char *commit, const char *dest, bool force, size_t *nfiles, Err *err)
{
    VcsFile *files;
    size_t n;
    if (!vcs_files(v, commit, &files, &n, err))
        return false;
    bool ok = fileio_mkdirs(dest, 0777, err);
    int root = ok ? open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (ok && root < 0)
        ok = err_sys(err, "cannot open %s", dest);
    /* Every conflict is found before the first file is written. */
    for (size_t i = 0; ok && !force && i < n; i++) {
        struct stat st;
        if (fstatat(root, files[i].path, &st, AT_SYMLINK_NOFOLLOW) == 0)
            ok = err_set(err, "%s/%s already exists; choose an empty folder or use --force", dest, files[i].path);
    }
    for (size_t i = 0; ok && i < n; i++)
        ok = checkout_file(v, root, &files[i], force, dest, err);
    if (root >= 0)
        close(root);
    if (ok && nfiles)
        *nfiles = n;
    vcs_files_free(files, n);
    return ok;
}
