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

char *runline_load(const Paths *paths, const char *file_path)
{
    char *at = paths_state_for(paths, "run-lines", file_path, "line");
    char *data = NULL;
    size_t len = 0;
    Err err;
    bool ok = fileio_read(at, LINE_MAX_BYTES + PATH_MAX + 2, &data, &len, &err);
    free(at);
    if (!ok)
        return NULL;
    size_t n = strlen(file_path);
    char *line = NULL;
    if (len > n && memcmp(data, file_path, n) == 0 && data[n] == '\n' && !memchr(data, '\0', len)) {
        size_t rest = len - n - 1;
        if (rest && data[n + 1 + rest - 1] == '\n')
            rest--;
        if (rest)
            line = xstrndup(data + n + 1, rest);
    }
    free(data);
    return line;
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
        char *data = NULL;
        size_t len = 0;
        Err err;
        if (fileio_read(at, LINE_MAX_BYTES + PATH_MAX + 2, &data, &len, &err)) {
            char *nl = memchr(data, '\n', len);
            if (nl) {
                *nl = '\0';
                struct stat st;
                if (data[0] == '/' && lstat(data, &st) != 0 && errno == ENOENT) {
                    sl_push(kept, at);
                    sl_push(gone, data);
                }
            }
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
