#include "recovery.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "xalloc.h"

#define MAGIC "tide recovery 1\n"

/* FNV-1a: a stable name from the path; the header says which file it is. */
static uint64_t hash_path(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

char *recovery_path(const Paths *paths, const char *file_path)
{
    const char *base = strrchr(file_path, '/');
    base = base ? base + 1 : file_path;
    /* The name keeps the file's own name to help a human looking there. */
    char safe[64];
    size_t n = 0;
    for (const char *p = base; *p && n < sizeof safe - 1; p++)
        safe[n++] = (*p == '/' || (unsigned char)*p < ' ') ? '_' : *p;
    safe[n] = '\0';
    char *rel = xasprintf("recovery/%s.%016" PRIx64 ".rec", safe, hash_path(file_path));
    char *path = paths_get(paths, DIR_STATE, rel);
    free(rel);
    return path;
}

bool recovery_write(const char *rec_path, const char *file_path, BufferSnapshot *snap, Err *err)
{
    if (strchr(file_path, '\n'))
        return err_set(err, "cannot keep a recovery file for a path with a line break");
    char *dir = xstrdup(rec_path);
    *strrchr(dir, '/') = '\0';
    bool ok = fileio_mkdirs(dir, 0700, err);
    free(dir);
    if (!ok)
        return err_prefix(err, "cannot write the recovery file");
    DiskStamp disk = disk_stamp(file_path);
    char *header = xasprintf(MAGIC "path=%s\nwritten=%lld\ndisk-size=%lld\ndisk-mtime=%lld\n\n", file_path,
                             (long long)time(NULL), (long long)disk.size, (long long)disk.mtime.tv_sec);
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
