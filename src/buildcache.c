#include "buildcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "xalloc.h"

/* Bump when what goes into a key or an entry changes.  2: kept_state;
 * no Go build made with the cache every session shared is used again. */
#define FORMAT "tide-build-2"
#define MAX_ENTRIES_SEEN 5000
#define MAX_DEPTH 8
#define MAX_FILE (8LL << 20)
#define MAX_TOTAL (64LL << 20)

/* ------------------------------------------------------------ the key */

/* Files besides the language's own that compilers read: headers,
 * includes, module files. */
static const char *const extra_exts[] = {".h", ".hh", ".hpp", ".hxx", ".inc", ".inl", ".ipp",
                                          ".tpp", ".def", ".fi", ".fh", NULL};
static const char *const extra_names[] = {"go.mod", "go.sum", "go.work", "Cargo.toml", "Cargo.lock", NULL};

/* Libraries the compiler reads (Java's jars): big, and written whole when
 * they change, so their identity stands for their content. */
static bool library(const Lang *lang, const char *name)
{
    size_t n = strlen(name);
    return lang->id == LANG_JAVA && n > 4 && strcmp(name + n - 4, ".jar") == 0;
}

static bool wanted(const Lang *lang, const char *name)
{
    const char *dot = strrchr(name, '.');
    for (const char *const *n = extra_names; *n; n++)
        if (strcmp(name, *n) == 0)
            return true;
    if (!dot || dot == name)
        return false;
    for (const char *const *e = lang->exts; *e; e++)
        if (strcmp(dot, *e) == 0)
            return true;
    for (const char *const *e = extra_exts; *e; e++)
        if (strcmp(dot, *e) == 0)
            return true;
    return false;
}

typedef struct Walk {
    const char *root; /* the folder, resolved */
    const Lang *lang;
    StrList files; /* relative paths */
    StrList libraries;
    size_t seen;
    long long total;
    Err *err;
} Walk;

/* Whether the symlink at root/rel resolves to a place inside root. */
static bool leads_inside(const char *root, const char *rel)
{
    if (!root)
        return false;
    char *link = xasprintf("%s/%s", root, rel);
    char *real = realpath(link, NULL);
    size_t n = strlen(root);
    bool inside = real && strncmp(real, root, n) == 0 && (real[n] == '/' || (n == 1 && root[0] == '/'));
    free(real);
    free(link);
    return inside;
}

static bool walk(Walk *w, int dirfd, const char *rel, int depth)
{
    int fd = dup(dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return true; /* unreadable: not an input anyone can use */
    }
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        /* Hidden folders (.git), node_modules and build output (cargo's
         * target, tagged as a cache) are not compile inputs. */
        if (e->d_name[0] == '.' || strcmp(e->d_name, "node_modules") == 0 ||
            ((e->d_type == DT_DIR || e->d_type == DT_UNKNOWN) && fileio_is_cache_dir_at(dirfd, e->d_name)))
            continue;
        if (++w->seen > MAX_ENTRIES_SEEN) {
            ok = err_set(w->err, "the folder has over %d entries", MAX_ENTRIES_SEEN);
            break;
        }
        struct stat st;
        if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        char *path = rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
        /* A symlink out of the folder leads nowhere the program is shown,
         * and tide (root, maybe) must not open what it names for a hash: a
         * FIFO would hang the run, /proc/kmsg be read away. */
        if (S_ISLNK(st.st_mode) && (!leads_inside(w->root, path) || fstatat(dirfd, e->d_name, &st, 0) != 0)) {
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
            int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (sub >= 0) {
                ok = walk(w, sub, path, depth + 1);
                close(sub);
            }
        } else if (S_ISREG(st.st_mode) && library(w->lang, e->d_name)) {
            sl_push(&w->libraries, path);
        } else if (S_ISREG(st.st_mode) && wanted(w->lang, e->d_name)) {
            w->total += st.st_size;
            if (st.st_size > MAX_FILE || w->total > MAX_TOTAL)
                ok = err_set(w->err, "%s is too large to hash for the build cache", path);
            else
                sl_push(&w->files, path);
        }
        free(path);
    }
    closedir(d);
    return ok;
}

static void add_field(StrBuf *m, const char *name, const char *value)
{
    sb_printf(m, "%s %zu ", name, strlen(value));
    sb_puts(m, value);
    sb_puts(m, "\n");
}

static void to_hex(const uint8_t *md, size_t n, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[2 * n] = '\0';
}

/* SHA-256 with nettle: no global set-up to pay for (libcrypto's costs
 * more than hashing a small program). */
static void sha256_hex(const void *data, size_t len, char hex[2 * SHA256_DIGEST_SIZE + 1])
{
    struct sha256_ctx ctx;
    uint8_t md[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, sizeof md, md);
    to_hex(md, sizeof md, hex);
}

static bool hash_file(const char *path, char hex[65])
{
    /* A regular file only, and no wait on one that turned into a FIFO
     * since the walk looked. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    char *data;
    size_t len;
    bool ok = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
              fileio_read_fd(fd, path, (size_t)MAX_FILE, &data, &len, NULL);
    if (fd >= 0)
        close(fd);
    if (!ok)
        return false;
    sha256_hex(data, len, hex);
    free(data);
    return true;
}

static void add_identity(StrBuf *m, const char *name, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        sb_printf(m, "%s %s %lld %lld.%09ld %llu\n", name, path, (long long)st.st_size,
                  (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
    else
        sb_printf(m, "%s %s missing\n", name, path);
}

bool buildcache_key(const BuildInputs *in, char key[BUILD_KEY_LEN + 1], Err *err)
{
    int dirfd = open(in->workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return err_sys(err, "cannot read %s", in->workdir);
    char *root = realpath(in->workdir, NULL);
    Walk w = {.root = root, .lang = in->lang, .err = err};
    bool ok = walk(&w, dirfd, NULL, 0);
    close(dirfd);
    free(root);
    if (!ok) {
        sl_free(&w.files);
        sl_free(&w.libraries);
        return false;
    }
    if (w.files.len)
        sl_sort(&w.files);
    if (w.libraries.len)
        sl_sort(&w.libraries);

    StrBuf m = {0};
    add_field(&m, "format", FORMAT);
    add_field(&m, "lang", in->lang->key);
    for (const char *const *a = in->argv; a && *a; a++)
        add_field(&m, "arg", *a);
    for (const char *const *e = in->envp; e && *e; e++)
        add_field(&m, "env", *e);
    if (in->kept_state)
        add_field(&m, "kept", in->kept_state);
    for (size_t t = 0; t < in->ntools; t++) {
        add_identity(&m, "tool", in->tools[t].exe);
        add_field(&m, "version", in->tools[t].version ? in->tools[t].version : "");
    }
    for (size_t i = 0; i < w.files.len && ok; i++) {
        char *path = xasprintf("%s/%s", in->workdir, w.files.items[i]);
        char hex[65];
        ok = hash_file(path, hex);
        free(path);
        if (ok) {
            add_field(&m, "file", w.files.items[i]);
            add_field(&m, "blob", hex);
        } else {
            err_set(err, "cannot read %s for the build cache", w.files.items[i]);
        }
    }
    for (size_t i = 0; i < w.libraries.len; i++) {
        char *path = xasprintf("%s/%s", in->workdir, w.libraries.items[i]);
        add_identity(&m, "library", path);
        free(path);
    }
    if (ok) {
        sha256_hex(m.data, m.len, key);
        ok = strlen(key) == BUILD_KEY_LEN || err_set(err, "cannot hash the build's inputs");
    }
    sb_free(&m);
    sl_free(&w.files);
    sl_free(&w.libraries);
    return ok;
}

/* ------------------------------------------------------------ entries */

static char *build_root(const Paths *paths)
{
    return paths_get(paths, DIR_CACHE, "build");
}

/* Lock dir shared and check it is still the entry at its name (eviction
 * may have renamed it away between the two). */
static bool lock_entry(const char *dir, BuildEntry *out)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return false;
    struct stat a, b;
    if (flock(fd, LOCK_SH) != 0 || fstat(fd, &a) != 0 || stat(dir, &b) != 0 ||
        a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
        close(fd);
        return false;
    }
    /* The folder's time is when it was last used, for eviction. */
    (void)futimens(fd, NULL);
    *out = (BuildEntry){.dir = xstrdup(dir), .lock_fd = fd};
    return true;
}

bool buildcache_lookup(const Paths *paths, const char *key, BuildEntry *out)
{
    *out = (BuildEntry){.lock_fd = -1};
    char *root = build_root(paths);
    char *dir = xasprintf("%s/%s", root, key);
    bool ok = lock_entry(dir, out);
    free(dir);
    free(root);
    return ok;
}

#define MESSAGES_FILE ".tide-compiler-messages"
#define MESSAGES_MAX (1 << 20)

bool buildcache_put_messages(const char *dir, const char *data, size_t len, Err *err)
{
    if (!len)
        return true;
    char *path = xasprintf("%s/" MESSAGES_FILE, dir);
    bool ok = fileio_write_atomic(path, data, len < MESSAGES_MAX ? len : MESSAGES_MAX, 0644, err);
    free(path);
    return ok;
}

char *buildcache_messages(const char *dir, size_t *len)
{
    char *path = xasprintf("%s/" MESSAGES_FILE, dir);
    char *data = NULL;
    Err err;
    if (!fileio_read(path, MESSAGES_MAX, &data, len, &err) || !*len) {
        free(data);
        data = NULL;
        *len = 0;
    }
    free(path);
    return data;
}

bool buildcache_begin(const Paths *paths, char **tmpdir, Err *err)
{
    char *root = build_root(paths);
    bool ok = paths_ensure(paths, DIR_CACHE, err) && fileio_mkdirs(root, 0700, err);
    if (ok) {
        *tmpdir = xasprintf("%s/tmp-XXXXXX", root);
        if (!mkdtemp(*tmpdir)) {
            ok = err_sys(err, "cannot create a folder in %s", root);
            free(*tmpdir);
            *tmpdir = NULL;
        } else {
            /* The program's unprivileged uid must get in; the folders above
             * stay private to the user. */
            chmod(*tmpdir, 0755);
        }
    }
    free(root);
    return ok;
}

bool buildcache_commit(const Paths *paths, const char *key, char *tmpdir, BuildEntry *out,
                       Err *err)
{
    *out = (BuildEntry){.lock_fd = -1};
    char *root = build_root(paths);
    char *dir = xasprintf("%s/%s", root, key);
    if (rename(tmpdir, dir) != 0) {
        int e = errno;
        fileio_rmtree(tmpdir, NULL);
        /* Another run stored the same build first: use theirs. */
        if (e != EEXIST && e != ENOTEMPTY) {
            errno = e;
            err_sys(err, "cannot store the build in %s", root);
            free(tmpdir);
            free(dir);
            free(root);
            return false;
        }
    }
    free(tmpdir);
    bool ok = lock_entry(dir, out);
    if (!ok)
        err_set(err, "the cached build %s went away", dir);
    free(dir);
    free(root);
    return ok;
}

void buildcache_release(BuildEntry *e)
{
    if (e->lock_fd >= 0)
        close(e->lock_fd);
    free(e->dir);
    *e = (BuildEntry){.lock_fd = -1};
}

/* ------------------------------------------------------------ eviction */

static long long tree_size(int dirfd, int depth)
{
    int fd = dup(dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    long long total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        total += st.st_blocks * 512;
        if (S_ISDIR(st.st_mode) && depth < 32) {
            int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0) {
                total += tree_size(sub, depth + 1);
                close(sub);
            }
        }
    }
    closedir(d);
    return total;
}

typedef struct Entry {
    char *name;
    time_t used;
    long long size;
} Entry;

static int by_age(const void *a, const void *b)
{
    const Entry *x = a, *y = b;
    return x->used < y->used ? -1 : x->used > y->used;
}

/* Remove an entry nobody uses: renamed away first, so a run looking it up
 * either gets it whole or misses. */
static bool evict(const char *root, const char *name)
{
    char *dir = xasprintf("%s/%s", root, name);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    bool done = false;
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) {
        char *trash = xasprintf("%s/old-%s", root, name);
        if (rename(dir, trash) == 0)
            done = fileio_rmtree(trash, NULL);
        free(trash);
    }
    if (fd >= 0)
        close(fd);
    free(dir);
    return done;
}

void buildcache_trim(const Paths *paths, long long max_bytes)
{
    char *root = build_root(paths);
    DIR *d = opendir(root);
    if (!d) {
        free(root);
        return;
    }
    Entry *entries = NULL;
    size_t n = 0, cap = 0;
    long long total = 0;
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *dir = xasprintf("%s/%s", root, e->d_name);
        struct stat st;
        bool is_dir = lstat(dir, &st) == 0 && S_ISDIR(st.st_mode);
        bool leftover = !strncmp(e->d_name, "tmp-", 4) || !strncmp(e->d_name, "old-", 4);
        if (is_dir && leftover) {
            /* A crashed run's private folder, once surely unused. */
            if (now - st.st_mtime > 3600)
                fileio_rmtree(dir, NULL);
        } else if (is_dir && strlen(e->d_name) == BUILD_KEY_LEN) {
            int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
            if (fd >= 0) {
                if (n == cap) {
                    cap = cap ? cap * 2 : 32;
                    entries = xreallocarray(entries, cap, sizeof *entries);
                }
                entries[n] = (Entry){xstrdup(e->d_name), st.st_mtime, tree_size(fd, 0)};
                total += entries[n++].size;
                close(fd);
            }
        }
        free(dir);
    }
    closedir(d);
    if (n)
        qsort(entries, n, sizeof *entries, by_age);
    /* Once over, down to three quarters: not an eviction per new entry. */
    long long target = max_bytes / 4 * 3;
    if (total > max_bytes)
        for (size_t i = 0; i < n && total > target; i++)
            if (evict(root, entries[i].name))
                total -= entries[i].size;
    for (size_t i = 0; i < n; i++)
        free(entries[i].name);
    free(entries);
    free(root);
}
