#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mplfonts.h"
#include "testutil.h"
#include "xalloc.h"

static void put(const char *home, const char *name, const char *data)
{
    char *path = xasprintf("%s/" MPLFONTS_HOME_DIR "/%s", home, name);
    if (data)
        tu_write(path, data, strlen(data));
    else
        unlink(path);
    free(path);
}

/* A run's HOME holding the font lists matplotlib made there. */
static int home_with(const char *root, const char *name, const char *data)
{
    put(root, name, data);
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cr_assert_geq(fd, 0);
    return fd;
}

Test(mplfonts, kept_given_and_replaced_as_a_whole)
{
    char *tmp = tu_tempdir();
    char *dir = xasprintf("%s/cache/matplotlib/key", tmp);
    char *home1 = xasprintf("%s/home1", tmp), *home2 = xasprintf("%s/home2", tmp);
    MplFonts f;
    cr_expect_not(mplfonts_load(dir, &f), "nothing kept yet");
    mplfonts_free(&f);

    int h = home_with(home1, "fontlist-v330.json", "{\"one\": 1}");
    StrList unknown = {0};
    MplFonts none = {0};
    mplfonts_unknown(h, &none, &unknown);
    cr_assert_eq(unknown.len, 1);
    Err err;
    cr_assert(mplfonts_keep(h, dir, &unknown, &err), "%s", err.msg);
    close(h);
    sl_free(&unknown);
    cr_assert(mplfonts_load(dir, &f));
    cr_assert_eq(f.n, 1);
    cr_expect_str_eq(f.files[0].name, "fontlist-v330.json");
    cr_expect_eq(f.files[0].len, 10);
    cr_expect_eq(memcmp(f.files[0].data, "{\"one\": 1}", 10), 0);

    /* A run given that list makes one of another format, and one tide's
     * own run will not make: the folder is replaced, the second noted. */
    h = home_with(home2, "fontlist-v330.json", "{\"one\": 1}");
    put(home2, "fontlist-v340.json", "{}");
    put(home2, "fontlist-v999.json", "{}");
    put(home2, "other.json", "{}");
    mplfonts_unknown(h, &f, &unknown);
    sl_sort(&unknown);
    cr_assert_eq(unknown.len, 2);
    cr_expect_str_eq(unknown.items[0], "fontlist-v340.json");
    mplfonts_free(&f);
    put(home2, "fontlist-v999.json", NULL); /* tide's run makes no such list */
    cr_assert(mplfonts_keep(h, dir, &unknown, &err), "%s", err.msg);
    close(h);
    cr_assert(mplfonts_load(dir, &f));
    cr_expect_eq(f.n, 2);
    cr_expect(sl_contains(&f.known, "fontlist-v340.json") && sl_contains(&f.known, "fontlist-v999.json"));
    cr_expect_not(sl_contains(&f.known, "other.json"));
    h = open(home2, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    StrList again = {0};
    mplfonts_unknown(h, &f, &again);
    cr_expect_eq(again.len, 0, "nothing left to make");
    close(h);
    mplfonts_free(&f);
    sl_free(&unknown);
    sl_free(&again);

    /* Nothing is left beside the folder. */
    char *parent = xasprintf("%s/cache/matplotlib", tmp);
    DIR *d = opendir(parent);
    cr_assert(d);
    struct dirent *e;
    size_t n = 0;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            cr_expect_str_eq(e->d_name, "key");
            n++;
        }
    closedir(d);
    cr_expect_eq(n, 1);
    free(parent);
    free(dir);
    free(home1);
    free(home2);
}

Test(mplfonts, the_key_follows_the_interpreter_and_its_site)
{
    char *tmp = tu_tempdir();
    tu_fresh_xdg();
    Paths paths;
    Err err;
    cr_assert(paths_init(&paths, &err));
    char *site = xasprintf("%s/site", tmp);
    cr_assert_eq(mkdir(site, 0700), 0);
    char *a = mplfonts_dir(&paths, "/usr/bin/python3", "Python 3.11.2", site);
    char *b = mplfonts_dir(&paths, "/usr/bin/python3", "Python 3.11.2", site);
    char *c = mplfonts_dir(&paths, "/usr/bin/python3", "Python 3.11.4", site);
    cr_expect_str_eq(a, b);
    cr_expect_str_neq(a, c);
    /* pip install --user changes the site folder. */
    struct timespec later[2] = {{0, UTIME_OMIT}, {2000000000, 0}};
    cr_assert_eq(utimensat(AT_FDCWD, site, later, 0), 0);
    char *d = mplfonts_dir(&paths, "/usr/bin/python3", "Python 3.11.2", site);
    cr_expect_str_neq(a, d);
    free(a), free(b), free(c), free(d);
    free(site);
    paths_free(&paths);
}
