#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paths.h"
#include "testutil.h"
#include "xalloc.h"

Test(paths, follow_xdg_variables)
{
    char *root = tu_fresh_xdg();
    Paths p;
    Err err;
    cr_assert(paths_init(&p, &err), "%s", err.msg);
    char *want = xasprintf("%s/data/tide", root);
    cr_assert_str_eq(p.dir[DIR_DATA], want);
    free(want);
    want = xasprintf("%s/state/tide", root);
    cr_assert_str_eq(p.dir[DIR_STATE], want);
    free(want);
    paths_free(&p);
}

Test(paths, relative_xdg_values_are_ignored)
{
    setenv("HOME", tu_tempdir(), 1);
    setenv("XDG_DATA_HOME", "relative/data", 1);
    setenv("XDG_CONFIG_HOME", "", 1);
    Paths p;
    cr_assert(paths_init(&p, NULL));
    char *want = xasprintf("%s/.local/share/tide", getenv("HOME"));
    cr_assert_str_eq(p.dir[DIR_DATA], want);
    free(want);
    want = xasprintf("%s/.config/tide", getenv("HOME"));
    cr_assert_str_eq(p.dir[DIR_CONFIG], want);
    free(want);
    paths_free(&p);
}

Test(paths, created_private_on_demand)
{
    tu_fresh_xdg();
    Paths p;
    Err err;
    cr_assert(paths_init(&p, &err));
    struct stat st;
    cr_assert_neq(stat(p.dir[DIR_CACHE], &st), 0, "nothing is created before it is needed");
    cr_assert(paths_ensure(&p, DIR_CACHE, &err), "%s", err.msg);
    cr_assert_eq(stat(p.dir[DIR_CACHE], &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0700);
    paths_free(&p);
}

Test(paths, a_copy_outlives_its_original)
{
    tu_fresh_xdg();
    Paths p, c;
    cr_assert(paths_init(&p, NULL));
    paths_copy(&c, &p);
    char *want = xstrdup(p.dir[DIR_CACHE]);
    cr_assert_neq(c.dir[DIR_CACHE], p.dir[DIR_CACHE], "the copy shares the original's strings");
    paths_free(&p);
    for (int k = 0; k < DIR_COUNT; k++)
        cr_assert_not_null(c.dir[k]);
    cr_assert_str_eq(c.dir[DIR_CACHE], want);
    free(want);
    paths_free(&c);
}
