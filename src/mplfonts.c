#include "mplfonts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "workfiles.h"
#include "xalloc.h"

/* A system with thousands of fonts has a list of a few MiB. */
#define LIST_MAX (8LL << 20)

/* A name matplotlib gives its font list: fontlist-vNNN.json. */
static bool is_font_list(const char *name)
{
    size_t n = strlen(name);
    return strncmp(name, "fontlist-", 9) == 0 && n > 14 && strcmp(name + n - 5, ".json") == 0;
}

/* What notes a list tide's own run could not make. */
#define NOT_MADE ".none"

/* A folder's identity and the time it last changed, and those of the
 * folders in it, down to depth: installing a font package adds a folder
 * (truetype/liberation) or files to one (truetype/dejavu). */
static void folder_stamp(StrBuf *sb, const char *dir, int depth)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return;
    sb_printf(sb, "%s %llu %lld.%09ld\n", dir, (unsigned long long)st.st_ino, (long long)st.st_mtim.tv_sec,
              st.st_mtim.tv_nsec);
    if (depth == 0)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    StrList subs = {0};
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN))
            sl_push_owned(&subs, xasprintf("%s/%s", dir, e->d_name));
    closedir(d);
    sl_sort(&subs); /* readdir's order is the file system's */
    for (size_t i = 0; i < subs.len; i++)
        folder_stamp(sb, subs.items[i], depth - 1);
    sl_free(&subs);
}

char *mplfonts_dir(const Paths *paths, const char *exe, const char *version, const char *user_site)
{
    StrBuf sb = {0};
    sb_printf(&sb, "%s\n%s\n", exe, version ? version : "");
    if (user_site)
        folder_stamp(&sb, user_site, 0);
    folder_stamp(&sb, "/usr/share/fonts", 2);
    folder_stamp(&sb, "/usr/local/share/fonts", 2);
    struct sha256_ctx ctx;
    uint8_t md[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, sb.len, (const uint8_t *)sb.data);
    sha256_digest(&ctx, sizeof md, md);
    sb_free(&sb);
    char hex[2 * 16 + 1]; /* 128 bits name it well enough */
    for (size_t i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    char *rel = xasprintf("matplotlib/%s", hex);
    char *dir = paths_get(paths, DIR_CACHE, rel);
    free(rel);
    return dir;
}

bool mplfonts_load(const char *dir, MplFonts *out)
{
    *out = (MplFonts){0};
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > sizeof NOT_MADE && !strcmp(e->d_name + len - (sizeof NOT_MADE - 1), NOT_MADE)) {
            sl_push_owned(&out->known, xstrndup(e->d_name, len - (sizeof NOT_MADE - 1)));
            continue;
        }
        if (!is_font_list(e->d_name) || out->n == sizeof out->files / sizeof *out->files)
            continue;
        char *path = xasprintf("%s/%s", dir, e->d_name);
        MplFont *f = &out->files[out->n];
        if (fileio_read(path, (size_t)LIST_MAX, &f->data, &f->len, NULL) && f->len) {
            f->name = xstrdup(e->d_name);
            sl_push(&out->known, f->name);
            out->n++;
        } else {
            free(f->data);
            *f = (MplFont){0};
        }
        free(path);
    }
    closedir(d);
    return out->n > 0;
}

void mplfonts_free(MplFonts *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->files[i].name);
        free(f->files[i].data);
    }
    sl_free(&f->known);
    *f = (MplFonts){0};
}

/* The names of the font lists in HOME's matplotlib cache folder. */
static void lists_in(int home_fd, StrList *names)
{
    int fd = openat(home_fd, MPLFONTS_HOME_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_type == DT_REG && is_font_list(e->d_name))
            sl_push(names, e->d_name);
    closedir(d);
}

void mplfonts_unknown(int home_fd, const MplFonts *given, StrList *names)
{
    StrList made = {0};
    lists_in(home_fd, &made);
    for (size_t i = 0; i < made.len; i++)
        if (!sl_contains(&given->known, made.items[i]))
            sl_push(names, made.items[i]);
    sl_free(&made);
}

/* The folder tmp becomes dir; what was there ends up in tmp.  At once
 * where the file system can swap two names (a run reading the folder
 * meanwhile sees the old lists or the new ones); else (NFS) in two steps. */
static bool put_in_place(const char *tmp, const char *dir)
{
    if (rename(tmp, dir) == 0)
        return true;
    if (errno != EEXIST && errno != ENOTEMPTY)
        return false;
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0)
        return true;
    char *old = xasprintf("%s.old", tmp);
    bool ok = rename(dir, old) == 0 && rename(tmp, dir) == 0 && rename(old, tmp) == 0;
    if (fileio_is_dir(old))
        (void)fileio_rmtree(old, NULL);
    free(old);
    return ok;
}

bool mplfonts_keep(int home_fd, const char *dir, const StrList *wanted, Err *err)
{
    StrList names = {0};
    lists_in(home_fd, &names);
    char *parent = xstrdup(dir);
    *strrchr(parent, '/') = '\0';
    char *tmp = xasprintf("%s/.new-XXXXXX", parent);
    bool ok = fileio_mkdirs(parent, 0700, err);
    if (ok && !mkdtemp(tmp))
        ok = err_sys(err, "cannot create a folder in %s", parent);
    int src = ok ? openat(home_fd, MPLFONTS_HOME_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
    int dst = ok ? open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
    if (ok && (src < 0 || dst < 0))
        ok = err_sys(err, "cannot open the font lists");
    for (size_t i = 0; ok && i < names.len; i++)
        if (!workfiles_copy_out_file(src, names.items[i], dst, names.items[i], 0644, LIST_MAX))
            ok = err_set(err, "cannot keep %s", names.items[i]);
    for (size_t i = 0; ok && i < wanted->len; i++) {
        if (sl_contains(&names, wanted->items[i]) || !is_font_list(wanted->items[i]))
            continue;
        char *mark = xasprintf("%s" NOT_MADE, wanted->items[i]);
        int fd = openat(dst, mark, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0)
            ok = err_sys(err, "cannot write %s/%s", tmp, mark);
        else
            close(fd);
        free(mark);
    }
    if (src >= 0)
        close(src);
    if (dst >= 0)
        close(dst);
    if (ok && !put_in_place(tmp, dir))
        ok = err_sys(err, "cannot keep the font lists in %s", dir);
    if (fileio_is_dir(tmp))
        (void)fileio_rmtree(tmp, NULL);
    free(tmp);
    free(parent);
    sl_free(&names);
    return ok;
}
