#include "toolcache.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "xalloc.h"

#define CACHE_FILE "tools.json"
#define MAX_ENTRIES 64

/* "path:size:mtime:inode:device;" (or "path:-;" when it does not exist). */
static void stat_key(StrBuf *k, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        sb_printf(k, "%s:-;", path);
        return;
    }
    sb_printf(k, "%s:%lld:%lld.%09ld:%llu:%llu;", path, (long long)st.st_size,
              (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long)st.st_ino,
              (unsigned long long)st.st_dev);
}

/* What a version manager consults to pick the real tool. */
static void manager_state(StrBuf *k, const char *path)
{
    const char *shims = strstr(path, "/shims/");
    if (shims) { /* pyenv (and rbenv-like managers) */
        char *root = xstrndup(path, (size_t)(shims - path));
        char *version = xasprintf("%s/version", root);
        stat_key(k, version);
        const char *v = getenv("PYENV_VERSION");
        sb_printf(k, "PYENV_VERSION=%s;", v ? v : "");
        free(version);
        free(root);
    }
    const char *cargo = strstr(path, "/.cargo/bin/");
    if (cargo) { /* rustup's proxies */
        const char *home = getenv("RUSTUP_HOME");
        char *settings = home && *home ? xasprintf("%s/settings.toml", home)
                                       : xasprintf("%.*s/.rustup/settings.toml",
                                                   (int)(cargo - path), path);
        stat_key(k, settings);
        const char *tc = getenv("RUSTUP_TOOLCHAIN");
        sb_printf(k, "RUSTUP_TOOLCHAIN=%s;", tc ? tc : "");
        free(settings);
    }
}

static char *cache_key(const LangTool *tool, const char *path)
{
    StrBuf k = {0};
    /* The number goes up when resolving changes: 2, a venv's Python is no
     * longer resolved to its base interpreter. */
    sb_printf(&k, "2|%s|", tool->cmd);
    stat_key(&k, path);
    char real[PATH_MAX];
    if (realpath(path, real) && strcmp(real, path) != 0)
        stat_key(&k, real);
    manager_state(&k, path);
    return sb_steal(&k);
}

static char *exe_key(const char *exe)
{
    StrBuf k = {0};
    stat_key(&k, exe);
    return sb_steal(&k);
}

static json_t *load(const char *file)
{
    char *data;
    size_t len;
    json_t *root = NULL;
    if (fileio_read(file, 1 << 20, &data, &len, NULL)) {
        root = json_loadb(data, len, 0, NULL);
        free(data);
    }
    if (!json_is_object(root)) {
        json_decref(root);
        root = json_object();
    }
    return root;
}

static bool from_entry(json_t *e, ToolInfo *out)
{
    const char *path = json_string_value(json_object_get(e, "path"));
    const char *exe = json_string_value(json_object_get(e, "exe"));
    const char *ekey = json_string_value(json_object_get(e, "exe_key"));
    json_t *roots = json_object_get(e, "roots");
    if (!path || !exe || !ekey || !json_is_array(roots))
        return false;
    char *now = exe_key(exe);
    bool same = strcmp(now, ekey) == 0;
    free(now);
    if (!same)
        return false;
    *out = (ToolInfo){.found = true, .path = xstrdup(path), .exe = xstrdup(exe)};
    const char *version = json_string_value(json_object_get(e, "version"));
    out->version = version ? xstrdup(version) : NULL;
    size_t i;
    json_t *r;
    json_array_foreach(roots, i, r)
        if (json_is_string(r))
            sl_push(&out->roots, json_string_value(r));
    return true;
}

static void store(const char *file, const char *key, const ToolInfo *ti)
{
    json_t *root = load(file);
    /* Keep it small: a changed toolchain leaves its old entries behind. */
    while (json_object_size(root) >= MAX_ENTRIES) {
        void *it = json_object_iter(root);
        json_object_del(root, json_object_iter_key(it));
    }
    json_t *roots = json_array();
    for (size_t i = 0; i < ti->roots.len; i++)
        json_array_append_new(roots, json_string(ti->roots.items[i]));
    char *ekey = exe_key(ti->exe);
    json_t *e = json_pack("{s:s, s:s, s:s, s:o}", "path", ti->path, "exe", ti->exe, "exe_key", ekey,
                          "roots", roots);
    free(ekey);
    if (e) {
        json_object_set_new(e, "version", ti->version ? json_string(ti->version) : json_null());
        json_object_set_new(root, key, e);
        char *text = json_dumps(root, JSON_COMPACT);
        if (text)
            (void)fileio_write_atomic(file, text, strlen(text), 0600, NULL);
        free(text);
    }
    json_decref(root);
}

bool toolcache_resolve(const Paths *paths, const LangTool *tool, ToolInfo *out, Err *err)
{
    *out = (ToolInfo){0};
    char *path = lang_which(tool->cmd, NULL);
    if (!path)
        return lang_resolve_tool(tool, NULL, NULL, out, err); /* its message */
    char *key = cache_key(tool, path);
    char *file = paths_get(paths, DIR_CACHE, CACHE_FILE);
    json_t *root = load(file);
    bool hit = from_entry(json_object_get(root, key), out);
    json_decref(root);
    bool ok = hit;
    if (!hit) {
        ok = lang_resolve_tool(tool, NULL, NULL, out, err);
        if (ok && paths_ensure(paths, DIR_CACHE, NULL))
            store(file, key, out);
    }
    free(file);
    free(key);
    free(path);
    return ok;
}
