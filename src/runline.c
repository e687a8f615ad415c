#include "runline.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fileio.h"
#include "xalloc.h"

#define LINE_MAX_BYTES 65536

/* A kept file, split: the path it is for (*path), the line after it
 * (*line, maybe empty); NULL when it cannot be read or is not one. */
static char *read_kept(const char *at, const char **path, const char **line)
{
    char *data = NULL;
    size_t len = 0;
    Err err;
    if (!fileio_read(at, LINE_MAX_BYTES + PATH_MAX + 2, &data, &len, &err))
        return NULL;
    char *nl = memchr(data, '\n', len);
    if (!nl || memchr(data, '\0', len)) {
        free(data);
        return NULL;
    }
    *nl = '\0';
    if (len && data[len - 1] == '\n' && data + len - 1 > nl)
        data[len - 1] = '\0';
    *path = data;
    *line = nl + 1;
    return data;
}

char *runline_load(const Paths *paths, const char *file_path)
{
    char *at = paths_state_for(paths, "run-lines", file_path, "line");
    const char *path, *line;
    char *data = read_kept(at, &path, &line);
    free(at);
    char *out = data && !strcmp(path, file_path) && *line ? xstrdup(line) : NULL;
    free(data);
    return out;
}

void runline_orphans(const Paths *paths, StrList *kept, StrList *gone)
{
    char *dir = paths_get(paths, DIR_STATE, "run-lines");
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".line") != 0)
            continue;
        char *at = xasprintf("%s/%s", dir, de->d_name);
        const char *path, *line;
        char *data = read_kept(at, &path, &line);
        struct stat st;
        if (data && path[0] == '/' && lstat(path, &st) != 0 && errno == ENOENT) {
            sl_push(kept, at);
            sl_push(gone, path);
        }
        free(data);
        free(at);
    }
    if (d)
        closedir(d);
    free(dir);
}

bool runline_save(const Paths *paths, const char *file_path, const char *line, Err *err)
{
    if (strchr(file_path, '\n'))
        return err_set(err, "cannot keep the command line of a path with a line break");
    if (strlen(line) > LINE_MAX_BYTES)
        return err_set(err, "the command line is too long to keep (over %d bytes)", LINE_MAX_BYTES);
    char *at = paths_state_for(paths, "run-lines", file_path, "line");
    bool ok;
    if (!*line) {
        ok = unlink(at) == 0 || errno == ENOENT || err_sys(err, "cannot forget the command line (%s)", at);
    } else {
        char *dir = xstrdup(at);
        *strrchr(dir, '/') = '\0';
        ok = fileio_mkdirs(dir, 0700, err);
        free(dir);
        struct iovec iov[] = {{(void *)file_path, strlen(file_path)}, {"\n", 1}, {(void *)line, strlen(line)},
                              {"\n", 1}};
        ok = ok && fileio_write_atomic_iov(at, iov, 4, 0600, err);
    }
    free(at);
    return ok;
}
