#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

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
    StrBuf sb = {0};
    char buf[65536];
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
        if (sb.len + (size_t)n > max) {
            sb_free(&sb);
            close(fd);
            return err_set(err, "%s is too large (over %zu bytes)", path, max);
        }
        sb_append(&sb, buf, (size_t)n);
    }
    close(fd);
    *len = sb.len;
    *data = sb_steal(&sb);
    return true;
}

static bool write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool fileio_write_atomic(const char *path, const void *data, size_t len, mode_t new_mode, Err *err)
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
    if (!write_all(fd, data, len)) {
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
        if (!write_all(out, buf, (size_t)n)) {
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
