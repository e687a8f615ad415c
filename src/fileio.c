#include "fileio.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif

#include "xalloc.h"

const char *fileio_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool fileio_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

bool fileio_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool fileio_is_cache_dir_at(int dirfd, const char *name)
{
    static const char sig[] = "Signature: 8a477f597d28d172789f06886806bc55";
    char *tag = xasprintf("%s/CACHEDIR.TAG", name);
    int fd = openat(dirfd, tag, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    free(tag);
    if (fd < 0)
        return false;
    char buf[sizeof sig - 1];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    return n == (ssize_t)sizeof buf && memcmp(buf, sig, sizeof buf) == 0;
}

bool fileio_mkdirs(const char *path, mode_t mode, Err *err)
{
    char *p = xstrdup(path);
    bool ok = true;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char saved = *s;
        *s = '\0';
        if (mkdir(p, mode) != 0 && errno != EEXIST) {
            ok = err_sys(err, "cannot create %s", p);
            break;
        }
        *s = saved;
        if (saved == '\0')
            break;
    }
    if (ok && !fileio_is_dir(path))
        ok = err_set(err, "%s exists and is not a folder", path);
    free(p);
    return ok;
}

bool fileio_read(const char *path, size_t max, char **data, size_t *len, Err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return err_sys(err, "cannot open %s", path);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return err_sys(err, "cannot stat %s", path);
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return err_set(err, "%s is a folder, not a file", path);
    }
    if (S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
        close(fd);
        return err_set(err, "%s is too large (%lld bytes, the limit is %zu)", path,
                       (long long)st.st_size, max);
    }
    bool ok = fileio_read_fd(fd, path, max, data, len, err);
    close(fd);
    return ok;
}

bool fileio_read_fd(int fd, const char *name, size_t max, char **data, size_t *len, Err *err)
{
    StrBuf sb = {0};
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            sb_free(&sb);
            return err_sys(err, "cannot read %s", name);
        }
        if (n == 0)
            break;
        if (sb.len + (size_t)n > max) {
            sb_free(&sb);
            return err_set(err, "%s is too large (over %zu bytes)", name, max);
        }
        sb_append(&sb, buf, (size_t)n);
    }
    *len = sb.len;
    *data = sb_steal(&sb);
    return true;
}

bool fileio_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool fileio_write_atomic(const char *path, const void *data, size_t len, mode_t new_mode, Err *err)
{
    struct iovec iov = {(void *)data, len};
    return fileio_write_atomic_iov(path, &iov, 1, new_mode, err);
}

static bool write_iov(int fd, const struct iovec *iov, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!fileio_write_all(fd, iov[i].iov_base, iov[i].iov_len))
            return false;
    return true;
}

bool fileio_write_atomic_iov(const char *path, const struct iovec *iov, size_t niov, mode_t new_mode,
                             Err *err)
{
    char *dircopy = xstrdup(path), *basecopy = xstrdup(path);
    const char *dir = dirname(dircopy), *base = basename(basecopy);
    char *tmp = xasprintf("%s/.%s.tide-save-XXXXXX", dir, base);
    bool ok = false;
    int fd = -1;

    mode_t mode = new_mode;
    struct stat st;
    if (stat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode)) {
            err_set(err, "cannot save over %s: it is not a regular file", path);
            goto out;
        }
        mode = st.st_mode & 07777;
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        err_sys(err, "cannot save %s (creating a temporary file in %s)", path, dir);
        goto out;
    }
    if (fchmod(fd, mode) != 0 && errno != EPERM) {
        err_sys(err, "cannot save %s (setting permissions)", path);
        goto fail;
    }
    if (!write_iov(fd, iov, niov)) {
        err_sys(err, "cannot save %s", path);
        goto fail;
    }
    if (fsync(fd) != 0) {
        err_sys(err, "cannot save %s (flushing to disk)", path);
        goto fail;
    }
    if (close(fd) != 0) {
        fd = -1;
        err_sys(err, "cannot save %s", path);
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        err_sys(err, "cannot save %s (replacing the file)", path);
        goto fail;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        /* The rename is what makes the save durable; a folder that cannot
         * be fsynced (some network file systems) still has the new file. */
        (void)fsync(dfd);
        close(dfd);
    }
    ok = true;
    goto out;
fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
out:
    free(tmp);
    free(dircopy);
    free(basecopy);
    return ok;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    int r = flag == FTW_DP ? rmdir(path) : unlink(path);
    return r == 0 || errno == ENOENT ? 0 : -1;
}

static int open_dir_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)ftw;
    if ((flag == FTW_D || flag == FTW_DNR) && (st->st_mode & 0700) != 0700)
        (void)chmod(path, (st->st_mode & 07777) | 0700);
    return 0;
}

bool fileio_rmtree(const char *path, Err *err)
{
    if (!fileio_exists(path))
        return true;
    /* Folders a program made read-only must still go: give the owner
     * permission back on the way down, then remove on the way up. */
    (void)nftw(path, open_dir_entry, 32, FTW_PHYS | FTW_MOUNT);
    if (nftw(path, rm_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0)
        return err_sys(err, "cannot remove %s", path);
    return true;
}

bool fileio_copy(const char *src, const char *dst, size_t max, Err *err)
{
    int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    if (in < 0)
        return err_sys(err, "cannot open %s", src);
    struct stat st;
    if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(in);
        return err_set(err, "%s is not a regular file", src);
    }
    if ((size_t)st.st_size > max) {
        close(in);
        return err_set(err, "%s is too large (%lld bytes, the limit is %zu)", src,
                       (long long)st.st_size, max);
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, st.st_mode & 0777);
    if (out < 0) {
        close(in);
        return err_sys(err, "cannot create %s", dst);
    }
    char buf[65536];
    size_t total = 0;
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
        total += (size_t)n;
        if (total > max) {
            ok = err_set(err, "%s is too large (over %zu bytes)", src, max);
            break;
        }
        if (!fileio_write_all(out, buf, (size_t)n)) {
            ok = err_sys(err, "cannot write %s", dst);
            break;
        }
    }
    close(in);
    if (close(out) != 0 && ok)
        ok = err_sys(err, "cannot write %s", dst);
    if (!ok)
        unlink(dst);
    return ok;
}

/* The folder holding rel's last part, one folder at a time: each opened
 * with O_NOFOLLOW | O_DIRECTORY, so that a symlink (ELOOP) or anything
 * but a folder (ENOTDIR, refused before it is opened) stops the walk, and
 * the message names the part in the way. */
static int walk_parent(int root, const char *rel, bool create, Err *err)
{
    int fd = fcntl(root, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return err_sys(err, "cannot open the folder of %s", rel), -1;
    const char *p = rel;
    for (const char *slash; (slash = strchr(p, '/')); p = slash + 1) {
        char *name = xstrndup(p, (size_t)(slash - p));
        int len = (int)(slash - rel);
        int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0 && errno == ENOENT && create) {
            if (mkdirat(fd, name, 0777) != 0 && errno != EEXIST) {
                err_sys(err, "cannot create %.*s", len, rel);
                free(name);
                close(fd);
                return -1;
            }
            sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (sub < 0 && (errno == ELOOP || errno == ENOTDIR)) {
            err_set(err, "%.*s is in the way: a symlink or a file, not a folder", len, rel);
            errno = ENOTDIR; /* ELOOP is the last part's own */
        } else if (sub < 0)
            err_sys(err, "cannot open %.*s", len, rel);
        free(name);
        close(fd);
        if (sub < 0)
            return -1;
        fd = sub;
    }
    return fd;
}

/* openat2 (Linux 5.6) of path below root through no symlink at all (nor
 * "..", nor a /proc magic link), or -1 where it fails for any reason: no
 * such call (an older kernel, a container's seccomp filter), a symlink or
 * a file in the way, a rename racing it. */
static int open_beneath(int root, const char *path, int flags)
{
#if defined SYS_openat2 && defined RESOLVE_BENEATH
    struct open_how how = {.flags = (unsigned long long)flags,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
    return (int)syscall(SYS_openat2, root, path, &how, sizeof how);
#else
    (void)root, (void)path, (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}

int fileio_open_parent_at(int root, const char *rel, bool create, const char **base, Err *err)
{
    errno = EINVAL; /* (not a stale ENOENT, which callers take for "missing") */
    if (rel[0] == '/')
        return err_set(err, "%s is not a relative path", rel), -1;
    const char *last = rel;
    for (const char *p = rel, *slash; (slash = strchr(p, '/')); p = last = slash + 1)
        if (slash == p || (slash - p == 2 && p[0] == '.' && p[1] == '.'))
            return err_set(err, "%s is not a plain relative path", rel), -1;
    if (!*last || !strcmp(last, "..") || !strcmp(last, "."))
        return err_set(err, "%s is not a file name", rel), -1;
    *base = last;
    int fd = -1;
    if (last > rel && !create) {
        /* One call where the kernel has it; the walk, which says what
         * stood in the way, where it has not or it failed. */
        char *dir = xstrndup(rel, (size_t)(last - 1 - rel));
        fd = open_beneath(root, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        free(dir);
    }
    return fd >= 0 ? fd : walk_parent(root, rel, create, err);
}

int fileio_open_file_beneath(int root, const char *rel, struct stat *st, Err *err)
{
    const char *base;
    int dir = fileio_open_parent_at(root, rel, false, &base, err);
    if (dir < 0)
        return -1;
    struct stat before;
    int fd = -1;
    if (fstatat(dir, base, &before, AT_SYMLINK_NOFOLLOW) != 0) {
        err_sys(err, "cannot open %s", rel);
    } else if (S_ISLNK(before.st_mode)) {
        errno = ELOOP;
        err_set(err, "%s is a symlink", rel);
    } else if (!S_ISREG(before.st_mode)) {
        errno = S_ISDIR(before.st_mode) ? EISDIR : EINVAL;
        err_set(err, "%s is not a regular file", rel);
    } else if ((fd = openat(dir, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0) {
        err_sys(err, "cannot open %s", rel);
    } else if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode) || st->st_dev != before.st_dev ||
               st->st_ino != before.st_ino) {
        /* Replaced between the look and the open: what was opened is not
         * what was looked at (and, O_NONBLOCK, did not wait). */
        close(fd);
        fd = -1;
        errno = EAGAIN;
        err_set(err, "%s changed while it was opened", rel);
    }
    int saved = errno;
    close(dir);
    errno = saved;
    return fd;
}

static long long tree_size(int fd)
{
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return 0;
    }
    long long total = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISREG(st.st_mode)) {
            total += st.st_size;
        } else if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0)
                total += tree_size(sub);
        }
    }
    closedir(d);
    return total;
}

long long fileio_tree_size(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return S_ISREG(st.st_mode) ? st.st_size : 0;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    return fd >= 0 ? tree_size(fd) : 0;
}

bool fileio_is_empty_dir(const char *path, bool hidden_too)
{
    DIR *d = opendir(path);
    if (!d)
        return false;
    struct dirent *e;
    bool empty = true;
    while (empty && (e = readdir(d)))
        empty = hidden_too ? !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") : e->d_name[0] == '.';
    closedir(d);
    return empty;
}
