#include "recovery.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "xalloc.h"

#define MAGIC "tide recovery 1\n"

/* The slot's recovery file or lock: slot 0 keeps the name recovery files
 * always had (those of earlier versions are found). */
static char *slot_file(const char *rec0, int slot, const char *ext)
{
    size_t stem = strlen(rec0) - strlen(".rec");
    return slot ? xasprintf("%.*s.%d%s", (int)stem, rec0, slot, ext) : xasprintf("%.*s%s", (int)stem, rec0, ext);
}

/* Lock a slot without waiting: the fd, or -1 (*busy: another IDE holds
 * it).  A holder unlinks its lock when it lets go, so a lock taken on a
 * file no longer at the path is no lock: tried again. */
static int lock_slot(const char *lock, bool *busy)
{
    *busy = false;
    for (int tries = 0; tries < 5; tries++) {
        int fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
            return -1;
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            *busy = errno == EWOULDBLOCK;
            close(fd);
            return -1;
        }
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(lock, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
            return fd;
        close(fd);
    }
    return -1;
}

static void unlock_slot(const char *lock, int fd)
{
    (void)unlink(lock);
    close(fd);
}

static long holder_pid(const char *lock)
{
    char buf[32] = "";
    int fd = open(lock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return strtol(buf, NULL, 10);
}

/* The pid is only for the other IDE's message. */
static void write_pid(int fd)
{
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    (void)!ftruncate(fd, 0);
    (void)!write(fd, pid, (size_t)n);
}

static bool make_folder_of(const char *rec0, Err *err)
{
    char *dir = xstrdup(rec0);
    *strrchr(dir, '/') = '\0';
    bool ok = fileio_mkdirs(dir, 0700, err);
    free(dir);
    return ok || err_prefix(err, "no recovery file (unsaved edits would not survive a crash; XDG_STATE_HOME "
                                 "names where they go)");
}

bool recovery_claim(const Paths *paths, const char *file_path, RecoveryClaim *c, Err *err)
{
    *c = (RecoveryClaim){.lock_fd = -1};
    char *rec0 = recovery_path(paths, file_path);
    if (!make_folder_of(rec0, err)) {
        free(rec0);
        return false;
    }
    for (int k = 0; k < RECOVERY_SLOTS; k++) {
        char *lock = slot_file(rec0, k, ".lock"), *rec = slot_file(rec0, k, ".rec");
        bool busy;
        if (c->lock_fd < 0) {
            int fd = lock_slot(lock, &busy);
            if (fd >= 0) {
                write_pid(fd);
                c->lock_fd = fd;
                c->path = rec;
                rec = NULL;
            }
        } else if (fileio_exists(lock) || fileio_exists(rec)) {
            int fd = lock_slot(lock, &busy);
            if (fd >= 0) {
                /* Nobody's: a crash's changes, offered in our slot. */
                if (fileio_exists(rec) && !fileio_exists(c->path))
                    (void)rename(rec, c->path);
                unlock_slot(lock, fd);
            }
        } else {
            busy = false;
        }
        if (busy) {
            c->others++;
            if (!c->other_pid)
                c->other_pid = holder_pid(lock);
        }
        free(lock);
        free(rec);
    }
    free(rec0);
    return true;
}

bool recovery_claim_untitled(const Paths *paths, const char *folder, bool adopt, RecoveryClaim *c, Err *err)
{
    *c = (RecoveryClaim){.lock_fd = -1};
    /* Named for a human looking there; the hash is the folder's. */
    char *name = xasprintf("untitled-%s", fileio_base_name(folder));
    char *rec0 = paths_state_named(paths, "recovery", name, folder, "rec");
    free(name);
    if (!make_folder_of(rec0, err)) {
        free(rec0);
        return false;
    }
    for (int k = 0; k < RECOVERY_UNTITLED_SLOTS && c->lock_fd < 0; k++) {
        char *lock = slot_file(rec0, k, ".lock"), *rec = slot_file(rec0, k, ".rec");
        bool busy;
        int fd = fileio_exists(rec) == adopt ? lock_slot(lock, &busy) : -1;
        /* Only the slot's holder writes its recovery file: looked at again
         * once held, it stays as it is. */
        if (fd >= 0 && fileio_exists(rec) == adopt) {
            write_pid(fd);
            c->lock_fd = fd;
            c->path = rec;
            c->folder = xstrdup(folder);
            rec = NULL;
        } else if (fd >= 0) {
            unlock_slot(lock, fd);
        }
        free(lock);
        free(rec);
    }
    free(rec0);
    if (!c->path && !adopt)
        return err_set(err, "no recovery file for this untitled tab (%d untitled tabs of this folder have one): "
                            "save it under a name to keep it safe",
                       RECOVERY_UNTITLED_SLOTS);
    return true;
}

void recovery_release(RecoveryClaim *c)
{
    if (c->lock_fd >= 0) {
        char *lock = xasprintf("%.*s.lock", (int)(strlen(c->path) - strlen(".rec")), c->path);
        unlock_slot(lock, c->lock_fd);
        free(lock);
    }
    free(c->path);
    free(c->folder);
    *c = (RecoveryClaim){.lock_fd = -1};
}

char *recovery_path(const Paths *paths, const char *file_path)
{
    return paths_state_for(paths, "recovery", file_path, "rec");
}

static bool write_recovery(const char *rec_path, const char *file_path, bool untitled, BufferSnapshot *snap,
                           Err *err)
{
    if (strchr(file_path, '\n'))
        return err_set(err, "cannot keep a recovery file for a path with a line break");
    char *dir = xstrdup(rec_path);
    *strrchr(dir, '/') = '\0';
    bool ok = fileio_mkdirs(dir, 0700, err);
    free(dir);
    if (!ok)
        return err_prefix(err, "cannot write the recovery file");
    /* An untitled tab has no file on disk to compare with. */
    DiskStamp disk = untitled ? (DiskStamp){0} : disk_stamp(file_path);
    char *header = xasprintf(MAGIC "path=%s\n%swritten=%lld\ndisk-size=%lld\ndisk-mtime=%lld\n\n", file_path,
                             untitled ? "untitled=1\n" : "", (long long)time(NULL), (long long)disk.size,
                             (long long)disk.mtime.tv_sec);
    size_t n;
    struct iovec *text = snapshot_iovecs(snap, &n);
    struct iovec *iov = xcalloc(n + 1, sizeof *iov);
    iov[0] = (struct iovec){header, strlen(header)};
    memcpy(iov + 1, text, n * sizeof *iov);
    ok = fileio_write_atomic_iov(rec_path, iov, n + 1, 0600, err);
    free(iov);
    free(text);
    free(header);
    return ok;
}

bool recovery_write(const char *rec_path, const char *file_path, BufferSnapshot *snap, Err *err)
{
    return write_recovery(rec_path, file_path, false, snap, err);
}

bool recovery_write_untitled(const char *rec_path, const char *folder, BufferSnapshot *snap, Err *err)
{
    return write_recovery(rec_path, folder, true, snap, err);
}

bool recovery_read(const char *rec_path, Recovery *out, Err *err)
{
    *out = (Recovery){0};
    if (!fileio_exists(rec_path)) {
        err->msg[0] = '\0';
        return false;
    }
    char *data;
    size_t len;
    if (!fileio_read(rec_path, DOCUMENT_MAX_SIZE + 65536, &data, &len, err))
        return false;
    char *body = strstr(data, "\n\n");
    if (strncmp(data, MAGIC, strlen(MAGIC)) != 0 || !body) {
        free(data);
        return err_set(err, "%s is not a tide recovery file", rec_path);
    }
    *body = '\0';
    body += 2;
    for (char *save = NULL, *line = strtok_r(data + strlen(MAGIC), "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (!strncmp(line, "path=", 5))
            out->file_path = xstrdup(line + 5);
        else if (!strcmp(line, "untitled=1"))
            out->untitled = true;
        else if (!strncmp(line, "written=", 8))
            out->written = (time_t)strtoll(line + 8, NULL, 10);
    }
    if (!out->file_path) {
        free(data);
        return err_set(err, "%s is not a tide recovery file (no path)", rec_path);
    }
    out->len = len - (size_t)(body - data);
    out->data = xmalloc(out->len + 1);
    memcpy(out->data, body, out->len);
    out->data[out->len] = '\0';
    free(data);
    return true;
}

void recovery_free(Recovery *r)
{
    free(r->file_path);
    free(r->data);
    *r = (Recovery){0};
}

void recovery_remove(const char *rec_path)
{
    /* A failure leaves a stale file the next start offers; nothing better
     * can be done about it here. */
    (void)unlink(rec_path);
}

/* Whether an IDE holds the slot of this recovery file now: its lock is
 * flocked.  Probed with a shared lock, at once let go, on the lock file as
 * it is (never created here). */
static bool slot_held(const char *rec)
{
    char *lock = xasprintf("%.*s.lock", (int)(strlen(rec) - strlen(".rec")), rec);
    int fd = open(lock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    free(lock);
    if (fd < 0)
        return false;
    bool held = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(fd); /* lets a shared lock go */
    return held;
}

/* The path a recovery file's header names, reading only the header;
 * *untitled: it keeps an untitled tab's text, and the path is the folder
 * of its IDE. */
static char *header_path(const char *rec, bool *untitled)
{
    *untitled = false;
    char head[PATH_MAX + 64];
    int fd = open(rec, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    ssize_t n = read(fd, head, sizeof head - 1);
    close(fd);
    if (n <= (ssize_t)strlen(MAGIC) || strncmp(head, MAGIC, strlen(MAGIC)) != 0)
        return NULL;
    head[n] = '\0';
    const char *p = head + strlen(MAGIC);
    if (strncmp(p, "path=", 5) != 0)
        return NULL;
    p += 5;
    const char *end = strchr(p, '\n');
    if (!end)
        return NULL;
    *untitled = !strncmp(end + 1, "untitled=1\n", 11);
    return xstrndup(p, (size_t)(end - p));
}

bool recovery_set_aside(const Paths *paths, const char *rec_path, char **out, Err *err)
{
    *out = NULL;
    Recovery r;
    if (!recovery_read(rec_path, &r, err))
        return err->msg[0] ? false : err_set(err, "the recovery file is gone");
    char *dir = paths_get(paths, DIR_STATE, "set-aside");
    char stamp[32];
    struct tm tm;
    if (!localtime_r(&r.written, &tm) || !strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm))
        snprintf(stamp, sizeof stamp, "%lld", (long long)r.written);
    bool ok = fileio_mkdirs(dir, 0700, err);
    int fd = -1;
    char *path = NULL;
    for (int k = 0; ok && fd < 0 && k < 100; k++) {
        free(path);
        const char *name = r.untitled ? "untitled" : fileio_base_name(r.file_path);
        path = k ? xasprintf("%s/%s.%s.%d", dir, name, stamp, k) : xasprintf("%s/%s.%s", dir, name, stamp);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST)
            ok = err_sys(err, "cannot write %s", path);
    }
    if (ok && fd < 0)
        ok = err_set(err, "cannot name a file in %s", dir);
    if (ok && !(fileio_write_all(fd, r.data, r.len) && fsync(fd) == 0))
        ok = err_sys(err, "cannot write %s", path);
    if (fd >= 0)
        close(fd);
    if (ok) {
        recovery_remove(rec_path);
        *out = path;
    } else {
        if (fd >= 0)
            (void)unlink(path);
        free(path);
    }
    free(dir);
    recovery_free(&r);
    return ok;
}

/* What each entry of the state folder's sub-folder name gives (added to
 * files, sorted).  No folder yet: nothing, and true. */
static bool list_state_folder(const Paths *paths, const char *name,
                              char *(*take)(const char *dir, const char *entry, void *ctx), void *ctx,
                              StrList *files, Err *err)
{
    char *dir = paths_get(paths, DIR_STATE, name);
    DIR *d = opendir(dir);
    if (!d) {
        bool none = errno == ENOENT;
        if (!none)
            err_sys(err, "cannot read %s", dir);
        free(dir);
        return none;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        /* Only . and ..: a dotfile's (.bashrc's) names begin with a dot. */
        bool dots = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
        char *item = dots ? NULL : take(dir, e->d_name, ctx);
        if (item)
            sl_push_owned(files, item);
    }
    closedir(d);
    free(dir);
    sl_sort(files);
    return true;
}

static char *set_aside_file(const char *dir, const char *entry, void *ctx)
{
    (void)ctx;
    return xasprintf("%s/%s", dir, entry);
}

bool recovery_set_aside_files(const Paths *paths, StrList *files, Err *err)
{
    return list_state_folder(paths, "set-aside", set_aside_file, NULL, files, err);
}

/* The file whose changes a recovery file nobody holds keeps, or NULL;
 * the folder of an untitled tab's goes to the list ctx instead. */
static char *waiting_file(const char *dir, const char *entry, void *ctx)
{
    size_t n = strlen(entry);
    if (n <= 4 || strcmp(entry + n - 4, ".rec") != 0)
        return NULL;
    char *rec = xasprintf("%s/%s", dir, entry);
    bool untitled;
    char *file = slot_held(rec) ? NULL : header_path(rec, &untitled);
    free(rec);
    if (file && untitled) {
        sl_push_owned(ctx, file);
        return NULL;
    }
    return file;
}

bool recovery_waiting(const Paths *paths, StrList *files, StrList *untitled, Err *err)
{
    bool ok = list_state_folder(paths, "recovery", waiting_file, untitled, files, err);
    sl_sort(untitled);
    return ok;
}
