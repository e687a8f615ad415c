#include "paths.h"

#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "xalloc.h"

static const struct {
    const char *env, *fallback, *name;
} xdg[DIR_COUNT] = {
    [DIR_CONFIG] = {"XDG_CONFIG_HOME", ".config", "config"},
    [DIR_DATA] = {"XDG_DATA_HOME", ".local/share", "data"},
    [DIR_CACHE] = {"XDG_CACHE_HOME", ".cache", "cache"},
    [DIR_STATE] = {"XDG_STATE_HOME", ".local/state", "state"},
};

const char *paths_kind_name(DirKind kind)
{
    return xdg[kind].name;
}

static const char *home_dir(void)
{
    const char *home = getenv("HOME");
    if (home && home[0] == '/')
        return home;
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
}

bool paths_init(Paths *p, Err *err)
{
    *p = (Paths){0};
    const char *home = home_dir();
    for (int k = 0; k < DIR_COUNT; k++) {
        const char *v = getenv(xdg[k].env);
        if (v && v[0] == '/') {
            p->dir[k] = xasprintf("%s/tide", v);
        } else if (home) {
            p->dir[k] = xasprintf("%s/%s/tide", home, xdg[k].fallback);
        } else {
            paths_free(p);
            return err_set(err, "cannot find a home folder: set HOME or %s to an absolute path",
                           xdg[k].env);
        }
    }
    return true;
}

void paths_free(Paths *p)
{
    for (int k = 0; k < DIR_COUNT; k++)
        free(p->dir[k]);
    *p = (Paths){0};
}

void paths_copy(Paths *dst, const Paths *src)
{
    for (int k = 0; k < DIR_COUNT; k++)
        dst->dir[k] = src->dir[k] ? xstrdup(src->dir[k]) : NULL;
}

bool paths_ensure(const Paths *p, DirKind kind, Err *err)
{
    if (!fileio_mkdirs(p->dir[kind], 0700, err))
        return err_prefix(err, "cannot create the %s folder", xdg[kind].name);
    return true;
}

char *paths_get(const Paths *p, DirKind kind, const char *rel)
{
    return xasprintf("%s/%s", p->dir[kind], rel);
}

static uint64_t hash_path(const char *s)
{
    uint64_t h = 14695981039346656037ull; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

char *paths_state_for(const Paths *p, const char *folder, const char *file_path, const char *ext)
{
    return paths_state_named(p, folder, fileio_base_name(file_path), file_path, ext);
}

char *paths_state_named(const Paths *p, const char *folder, const char *name, const char *key, const char *ext)
{
    char safe[64];
    size_t n = 0;
    for (const char *c = name; *c && n < sizeof safe - 1; c++)
        safe[n++] = (*c == '/' || (unsigned char)*c < ' ') ? '_' : *c;
    safe[n] = '\0';
    char *rel = xasprintf("%s/%s.%016" PRIx64 ".%s", folder, safe, hash_path(key), ext);
    char *path = paths_get(p, DIR_STATE, rel);
    free(rel);
    return path;
}

char *paths_exe_dir(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    return xstrdup(buf[0] ? buf : "/");
}
