#include "workfiles.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "filetype.h"
#include "sandbox.h"
#include "xalloc.h"

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ------------------------------------------------------------ copying in */

/* Files are created in the scratch tmpfs as the sandbox's uid: that file
 * system belongs to the sandbox's user namespace, where root is no one.
 * The file-system uid is per thread, so this is safe with other threads;
 * reading the user's files stays tide's own. */
static void create_as(const WorkCopy *c, bool sandbox)
{
    if (!c->as_sandbox_uid)
        return;
    (void)syscall(SYS_setfsgid, sandbox ? SANDBOX_HOST_UID : 0);
    (void)syscall(SYS_setfsuid, sandbox ? SANDBOX_HOST_UID : 0);
}

static bool copy_in_file(WorkCopy *c, int sdir, const char *name, int ddir, const struct stat *st)
{
    struct stat now;
    int in = fileio_open_file_beneath(sdir, name, &now, NULL);
    if (in < 0)
        return true; /* unreadable (or no longer a file): the program could not have read it either */
    create_as(c, true);
    int out = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    create_as(c, false);
    bool ok = out >= 0;
    char buf[65536];
    while (ok) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        if ((c->bytes += n) > c->max_bytes) {
            c->over = "bytes";
            ok = false;
            break;
        }
        for (ssize_t done = 0; ok && done < n;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            ok = w > 0 || (w < 0 && errno == EINTR);
            done += w > 0 ? w : 0;
        }
    }
    if (ok) {
        struct timespec times[2] = {st->st_atim, st->st_mtim};
        (void)fchmod(out, st->st_mode & 0777);
        (void)futimens(out, times);
    }
    close(in);
    if (out >= 0)
        close(out);
    return ok;
}

static bool copy_in(WorkCopy *c, int sdir, int ddir, int depth)
{
    int fd = dup(sdir);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return true;
    }
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (++c->files > c->max_files || depth > 32) {
            c->over = "files";
            ok = false;
            break;
        }
        struct stat st;
        if (fstatat(sdir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        struct timespec times[2] = {st.st_atim, st.st_mtim};
        if (S_ISDIR(st.st_mode)) {
            int s2 = openat(sdir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (s2 < 0)
                continue;
            create_as(c, true);
            int d2 = mkdirat(ddir, e->d_name, 0700) == 0
                         ? openat(ddir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                         : -1;
            create_as(c, false);
            ok = d2 >= 0 && copy_in(c, s2, d2, depth + 1);
            if (d2 >= 0) {
                (void)fchmod(d2, st.st_mode & 0777);
                (void)futimens(d2, times);
                close(d2);
            }
            close(s2);
        } else if (S_ISREG(st.st_mode)) {
            ok = copy_in_file(c, sdir, e->d_name, ddir, &st);
        } else if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlinkat(sdir, e->d_name, target, sizeof target - 1);
            if (n > 0) {
                target[n] = '\0';
                create_as(c, true);
                if (symlinkat(target, ddir, e->d_name) == 0)
                    (void)utimensat(ddir, e->d_name, times, AT_SYMLINK_NOFOLLOW);
                create_as(c, false);
            }
        }
    }
    closedir(d);
    return ok;
}

/* Only the named files, at their places (their folders made as needed). */
static bool copy_in_named(WorkCopy *c, const char *workdir, const char *const *only, int dst)
{
    bool ok = true;
    for (const char *const *f = only; ok && *f; f++) {
        char *dir = xstrdup(*f);
        char *base = strrchr(dir, '/');
        int sdir = -1, ddir = dst;
        if (base) {
            *base++ = '\0';
            char *src = xasprintf("%s/%s", workdir, dir);
            sdir = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            free(src);
            /* Its folders, one level at a time, never through a symlink. */
            ddir = dup(dst);
            for (char *save = NULL, *part = strtok_r(dir, "/", &save); part && ddir >= 0;
                 part = strtok_r(NULL, "/", &save)) {
                create_as(c, true);
                (void)mkdirat(ddir, part, 0755);
                int next = openat(ddir, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                create_as(c, false);
                close(ddir);
                ddir = next;
            }
        } else {
            base = dir;
            sdir = open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        }
        struct stat st;
        ok = sdir >= 0 && ddir >= 0 && fstatat(sdir, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
             S_ISREG(st.st_mode) && copy_in_file(c, sdir, base, ddir, &st);
        if (sdir >= 0)
            close(sdir);
        if (ddir >= 0 && ddir != dst)
            close(ddir);
        free(dir);
    }
    return ok;
}

bool workfiles_copy_in(WorkCopy *c, const char *src, const char *const *only, int dst)
{
    c->files = 0;
    c->bytes = 0;
    c->over = NULL;
    if (only)
        return copy_in_named(c, src, only, dst);
    int sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sfd < 0)
        return false;
    bool ok = copy_in(c, sfd, dst, 0);
    close(sfd);
    return ok;
}

/* ------------------------------------------------------------ copying out */


/* Copy one regular file (never through a symlink, with at most max_links
 * links) from rel below sdir to ddir/dname; at most max bytes.  The copy
 * is owned by tide's user. */
static bool copy_out(int sdir, const char *rel, int ddir, const char *dname, mode_t mode,
                     nlink_t max_links, long long max, long long *size)
{
    struct stat st;
    int in = fileio_open_file_beneath(sdir, rel, &st, NULL);
    if (in < 0)
        return false;
    if (st.st_nlink > max_links || st.st_size > max) {
        close(in);
        return false;
    }
    int out = openat(ddir, dname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (out < 0) {
        close(in);
        return false;
    }
    char buf[65536];
    long long total = 0;
    bool ok = true;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        total += n;
        if (total > max) {
            ok = false;
            break;
        }
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                ok = false;
                break;
            }
            done += w;
        }
        if (!ok)
            break;
    }
    close(in);
    if (close(out) != 0)
        ok = false;
    if (!ok)
        unlinkat(ddir, dname, 0);
    *size = total;
    return ok;
}

static bool copy_tree(int sdir, int ddir, int depth, long long *budget)
{
    if (depth > 32)
        return false;
    int fd = dup(sdir);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(sdir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            int s2 = openat(sdir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (s2 < 0 || mkdirat(ddir, e->d_name, 0755) != 0) {
                if (s2 >= 0)
                    close(s2);
                ok = false;
                break;
            }
            int d2 = openat(ddir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            ok = d2 >= 0 && copy_tree(s2, d2, depth + 1, budget);
            close(s2);
            if (d2 >= 0)
                close(d2);
        } else if (S_ISREG(st.st_mode)) {
            long long size = 0;
            ok = copy_out(sdir, e->d_name, ddir, e->d_name, (st.st_mode & 0111) ? 0755 : 0644, 1, *budget,
                          &size);
            *budget -= size;
        }
    }
    closedir(d);
    return ok;
}

bool workfiles_copy_out_tree(int src_fd, int dst_fd, long long *budget)
{
    return copy_tree(src_fd, dst_fd, 0, budget);
}

bool workfiles_copy_out_file(int src_fd, const char *rel, int dst_fd, const char *name, mode_t mode,
                             long long max)
{
    long long size = 0;
    /* cargo links its output to the copy in deps/: two links. */
    return copy_out(src_fd, rel, dst_fd, name, mode, 2, max, &size);
}

/* ------------------------------------------------------------ generated files */

typedef struct Gen {
    /* The user's folder (O_PATH).  Whatever the program left at a path,
     * tide looks at the user's file of that path only below it and
     * through no symlink: the program can make d a folder of its own
     * where the folder has a symlink d -> /dev (a project shipped it),
     * and d/watchdog opened on the host would act, or a host file's bytes
     * compared with its own tell the program whether it guessed them. */
    int work_fd;
    const char *keep_dir;
    Generated *out;
    size_t cap;
} Gen;

/* Is the symlink the user's own, as it was (in /work's copy, where the
 * layer holds every file, not only what the program changed)? */
static bool same_link(int work_fd, const char *rel, int sdir, const char *name)
{
    const char *base;
    int dir = fileio_open_parent_at(work_fd, rel, false, &base, NULL);
    if (dir < 0)
        return false;
    char a[PATH_MAX], b[PATH_MAX];
    ssize_t n = readlinkat(dir, base, a, sizeof a), m = readlinkat(sdir, name, b, sizeof b);
    close(dir);
    return n >= 0 && n == m && memcmp(a, b, (size_t)n) == 0;
}

/* Is the file the same as the user's own (a file the program only
 * touched, or copied up by a chmod)? */
static bool unchanged(int work_fd, const char *rel, int sdir, const char *name, const struct stat *st)
{
    struct stat ast, bst;
    int a = fileio_open_file_beneath(work_fd, rel, &ast, NULL);
    if (a < 0)
        return false;
    if (ast.st_size == st->st_size && ast.st_mtim.tv_sec == st->st_mtim.tv_sec &&
        ast.st_mtim.tv_nsec == st->st_mtim.tv_nsec) {
        close(a); /* copied (up) and left alone: same size, same time */
        return true;
    }
    int b = -1;
    bool same = ast.st_size == st->st_size && (b = fileio_open_file_beneath(sdir, name, &bst, NULL)) >= 0;
    char x[16384], y[16384];
    while (same) {
        ssize_t n = read(a, x, sizeof x), m = n > 0 ? read(b, y, (size_t)n) : 0;
        if (n <= 0 || m != n) {
            same = n == 0 && m == 0;
            break;
        }
        same = memcmp(x, y, (size_t)n) == 0;
    }
    close(a);
    if (b >= 0)
        close(b);
    return same;
}

static void left_out(Generated *res, unsigned why)
{
    res->truncated = true;
    res->left_out++;
    res->left_why |= why;
}

void workfiles_left_out_note(size_t n, unsigned why, char *buf, size_t size)
{
    StrBuf sb = {0};
    sb_printf(&sb, "%zu file%s the program wrote %s not kept:", n, n == 1 ? "" : "s", n == 1 ? "is" : "are");
    const char *sep = " ";
    if (why & GEN_LEFT_FILES)
        sb_printf(&sb, "%spast %d files", sep, GENERATED_MAX_FILES), sep = "; ";
    if (why & GEN_LEFT_BYTES)
        sb_printf(&sb, "%spast %lld MiB in all", sep, GENERATED_MAX_BYTES >> 20), sep = "; ";
    if (why & GEN_LEFT_NAME)
        sb_printf(&sb, "%snames with control characters or not in UTF-8", sep), sep = "; ";
    if (why & GEN_LEFT_KIND)
        sb_printf(&sb, "%ssymlinks, hard links, fifos or devices (only plain files are kept)", sep), sep = "; ";
    if (why & GEN_LEFT_COPY)
        sb_printf(&sb, "%snot copied (disk full?)", sep);
    snprintf(buf, size, "%s", sb.data);
    sb_free(&sb);
}

static void add_generated(Gen *g, int sdir, const char *name, const char *rel, const struct stat *st)
{
    Generated *res = g->out;
    const char *gdir = g->keep_dir;
    if (res->n >= GENERATED_MAX_FILES || (gdir && res->bytes + st->st_size > GENERATED_MAX_BYTES)) {
        left_out(res, res->n >= GENERATED_MAX_FILES ? GEN_LEFT_FILES : GEN_LEFT_BYTES);
        return;
    }
    if (unchanged(g->work_fd, rel, sdir, name, st))
        return;
    unsigned char head[4096];
    ssize_t hn = -1;
    struct stat fst;
    int fd = fileio_open_file_beneath(sdir, name, &fst, NULL);
    if (fd >= 0) {
        hn = read(fd, head, sizeof head);
        close(fd);
    }
    long long size = st->st_size;
    if (gdir) {
        /* Into the same relative place below generated_dir. */
        char *dir = xstrdup(rel);
        char *slash = strrchr(dir, '/');
        char *ddir_path = slash ? (*slash = '\0', xasprintf("%s/%s", gdir, dir)) : xstrdup(gdir);
        free(dir);
        int ddir = -1;
        if (fileio_mkdirs(ddir_path, 0755, NULL))
            ddir = open(ddir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        free(ddir_path);
        bool ok = ddir >= 0 && copy_out(sdir, name, ddir, name, 0644, 1, GENERATED_MAX_BYTES - res->bytes,
                                             &size);
        if (ddir >= 0)
            close(ddir);
        if (!ok) {
            left_out(res, GEN_LEFT_COPY);
            return;
        }
        res->bytes += size;
    }
    if (res->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 8;
        res->files = xreallocarray(res->files, g->cap, sizeof *res->files);
    }
    res->files[res->n++] = (GeneratedFile){
        .path = xstrdup(rel), .size = size,
        .type = xstrdup(filetype_from(name, hn >= 0 ? head : NULL, hn > 0 ? (size_t)hn : 0))};
}

/* Walk the overlay's upper layer: what the program created or changed.
 * Symlinks, hard links, devices (the overlay's deletion marks), fifos
 * and sockets are never followed or copied. */
static void collect(Gen *g, int sdir, const char *rel, int depth)
{
    if (depth > 32)
        return;
    int fd = dup(sdir);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    StrList names = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        /* A name that is not UTF-8 text, or holds control characters,
         * would break the JSON or write escapes to the user's terminal. */
        if (!filetype_plain_text(e->d_name)) {
            left_out(g->out, GEN_LEFT_NAME);
            continue;
        }
        sl_push(&names, e->d_name);
    }
    closedir(d);
    if (names.len)
        qsort(names.items, names.len, sizeof *names.items, cmp_names);
    for (size_t i = 0; i < names.len; i++) {
        const char *name = names.items[i];
        char *path = rel ? xasprintf("%s/%s", rel, name) : xstrdup(name);
        struct stat st;
        if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            if (S_ISDIR(st.st_mode)) {
                int sub = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub >= 0) {
                    collect(g, sub, path, depth + 1);
                    close(sub);
                }
            } else if (S_ISREG(st.st_mode) && st.st_nlink == 1) {
                add_generated(g, sdir, name, path, &st);
            } else if (S_ISCHR(st.st_mode) && st.st_rdev == 0) {
                /* overlayfs's mark of a file the program deleted */
            } else if (!S_ISLNK(st.st_mode) || !same_link(g->work_fd, path, sdir, name)) {
                left_out(g->out, GEN_LEFT_KIND);
            }
        }
        free(path);
    }
    sl_free(&names);
}

void workfiles_generated(int layer_fd, const char *workdir, const char *keep_dir, Generated *out)
{
    *out = (Generated){0};
    Gen g = {.work_fd = open(workdir, O_PATH | O_DIRECTORY | O_CLOEXEC), .keep_dir = keep_dir, .out = out};
    /* Without the user's folder every file is the program's (none is
     * taken for one it only touched). */
    collect(&g, layer_fd, NULL, 0);
    if (g.work_fd >= 0)
        close(g.work_fd);
}
