#include "document.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "fileio.h"
#include "xalloc.h"

static DiskStamp stamp_of(const struct stat *st)
{
    return (DiskStamp){true, st->st_dev, st->st_ino, st->st_size, st->st_mtim};
}

DiskStamp disk_stamp(const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) != 0)
        return (DiskStamp){0};
    return stamp_of(&st);
}

bool disk_stamp_equal(const DiskStamp *a, const DiskStamp *b)
{
    if (a->exists != b->exists)
        return false;
    return !a->exists || (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
                          a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec);
}

bool document_disk_changed(const Document *d)
{
    if (!d->path)
        return false;
    DiskStamp now = disk_stamp(d->path);
    return !disk_stamp_equal(&now, &d->disk);
}

bool document_read_only(const Document *d)
{
    struct stat st;
    if (!d->path || stat(d->path, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    return !(st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) || access(d->path, W_OK) != 0;
}

bool document_on_read_only_mount(const Document *d)
{
    if (!d->path)
        return false;
    struct statvfs vfs;
    if (statvfs(d->path, &vfs) == 0)
        return vfs.f_flag & ST_RDONLY;
    char *copy = xstrdup(d->path);
    bool ro = statvfs(dirname(copy), &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
    free(copy);
    return ro;
}

bool document_read_file(const char *path, char **data, size_t *len, DiskStamp *stamp, Err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat st;
    /* A socket cannot be opened at all (ENXIO): said as a fifo is. */
    if (fd < 0 && errno == ENXIO && stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        return err_set(err, "%s is not a regular file (a device, pipe or socket); tide edits files", path);
    if (fd < 0)
        return err_sys(err, "cannot open %s", path);
    if (fstat(fd, &st) != 0) {
        close(fd);
        return err_sys(err, "cannot open %s", path);
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return err_set(err, "%s is a folder, not a file", path);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return err_set(err, "%s is not a regular file (a device, pipe or socket); tide edits files", path);
    }
    if ((size_t)st.st_size > DOCUMENT_MAX_SIZE) {
        close(fd);
        return err_set(err, "%s is too large to edit (%lld MiB; the limit is %zu MiB)", path,
                       (long long)st.st_size >> 20, DOCUMENT_MAX_SIZE >> 20);
    }
    /* One allocation of the file's size: no doubling, no copy. */
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap > DOCUMENT_MAX_SIZE) {
                free(buf);
                close(fd);
                return err_set(err, "%s grew past %zu MiB while being read", path, DOCUMENT_MAX_SIZE >> 20);
            }
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            close(fd);
            return err_sys(err, "cannot read %s", path);
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    *data = buf;
    *len = n;
    if (stamp)
        *stamp = stamp_of(&st);
    return true;
}

/* "\r\n" if the first line ending of the text is one. */
static bool detect_crlf(const Buffer *b)
{
    size_t end = buffer_line_end(b, 0);
    return end < buffer_length(b) && end > 0 && buffer_byte(b, end - 1) == '\r';
}

/* Tabs if more of the first lines are indented with tabs than spaces;
 * with no indented lines, the language's habit (Go and Makefiles: tabs). */
static bool detect_tabs(const Buffer *b, const char *path, const Lang *lang)
{
    int tabs = 0, spaces = 0;
    size_t lines = buffer_line_count(b);
    for (size_t i = 0; i < lines && i < 2000; i++) {
        int c = buffer_byte(b, buffer_line_start(b, i));
        tabs += c == '\t';
        spaces += c == ' ';
    }
    if (tabs != spaces)
        return tabs > spaces;
    const char *base = path ? strrchr(path, '/') : NULL;
    base = base ? base + 1 : path;
    return (lang && lang->id == LANG_GO) || (base && (!strcmp(base, "Makefile") || !strcmp(base, "makefile") ||
                                                      !strcmp(base, "GNUmakefile")));
}

/* A script without an extension: its #! line. */
static const Lang *lang_of_shebang(const Buffer *b)
{
    if (buffer_byte(b, 0) != '#' || buffer_byte(b, 1) != '!')
        return NULL;
    size_t end = buffer_line_end(b, 0);
    size_t len;
    char *line = buffer_dup(b, 0, end < 200 ? end : 200, &len);
    const Lang *lang = lang_by_shebang(line, len);
    free(line);
    return lang;
}

bool document_take_shebang(Document *d)
{
    if (d->lang || d->lang_chosen)
        return false;
    d->lang = lang_of_shebang(d->buf);
    return d->lang != NULL;
}

static void detect_style(Document *d)
{
    d->lang = d->path ? lang_by_path(d->path) : NULL;
    if (!d->lang)
        d->lang = lang_of_shebang(d->buf);
    d->crlf = detect_crlf(d->buf);
    d->indent_tabs = detect_tabs(d->buf, d->path, d->lang);
}

/* The absolute form of path, whose folder must exist. */
static bool absolute_path(const char *path, char **out, Err *err)
{
    char *copy = xstrdup(path), *copy2 = xstrdup(path);
    char *dir = dirname(copy), *base = basename(copy2);
    char real[PATH_MAX];
    bool ok = true;
    if (!strcmp(base, "/") || !strcmp(base, ".") || !strcmp(base, "..")) {
        ok = err_set(err, "%s names a folder, not a file", path);
    } else if (!realpath(dir, real)) {
        ok = err_sys(err, "cannot use %s: its folder %s", path, dir);
    } else {
        *out = xasprintf("%s/%s", strcmp(real, "/") ? real : "", base);
    }
    free(copy);
    free(copy2);
    return ok;
}

Document *document_new(void)
{
    Document *d = xcalloc(1, sizeof *d);
    d->buf = buffer_new();
    return d;
}

bool document_open(const char *path, Document **out, Err *err)
{
    char *abs;
    if (!absolute_path(path, &abs, err))
        return false;
    char *data = NULL;
    size_t len = 0;
    DiskStamp stamp = {0};
    if (fileio_exists(abs) || errno != ENOENT) {
        if (!document_read_file(abs, &data, &len, &stamp, err)) {
            free(abs);
            return false;
        }
    }
    Document *d = xcalloc(1, sizeof *d);
    d->buf = buffer_new_with(data, len);
    d->path = abs;
    d->disk = stamp;
    detect_style(d);
    *out = d;
    return true;
}

void document_free(Document *d)
{
    if (!d)
        return;
    buffer_free(d->buf);
    free(d->path);
    free(d);
}

const char *document_name(const Document *d)
{
    return d->path ? fileio_base_name(d->path) : "untitled";
}

bool document_set_path(Document *d, const char *path, Err *err)
{
    char *abs;
    if (!absolute_path(path, &abs, err))
        return false;
    if (fileio_is_dir(abs)) {
        free(abs);
        return err_set(err, "%s is a folder", path);
    }
    free(d->path);
    d->path = abs;
    d->disk = disk_stamp(abs);
    buffer_mark_unsaved(d->buf);
    if (!d->lang)
        d->lang = lang_by_path(abs);
    return true;
}

bool document_write(const char *path, BufferSnapshot *snap, DiskStamp *stamp, Err *err)
{
    /* Through a symlink, the file it points to is replaced, not the link. */
    char real[PATH_MAX];
    const char *target = realpath(path, real) ? real : path;
    size_t n;
    struct iovec *iov = snapshot_iovecs(snap, &n);
    bool ok = fileio_write_atomic_iov(target, iov, n, 0644, err);
    free(iov);
    if (ok && stamp)
        *stamp = disk_stamp(path);
    return ok;
}

bool document_reload(Document *d, Err *err)
{
    char *data;
    size_t len;
    DiskStamp stamp;
    if (!d->path || !document_read_file(d->path, &data, &len, &stamp, err))
        return false;
    buffer_checkpoint(d->buf, 0);
    buffer_replace(d->buf, 0, buffer_length(d->buf), data, len);
    buffer_checkpoint(d->buf, 0);
    free(data);
    buffer_mark_saved(d->buf, buffer_state(d->buf));
    d->disk = stamp;
    d->crlf = detect_crlf(d->buf);
    return true;
}
