#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paths.h"
#include "runline.h"
#include "testutil.h"
#include "xalloc.h"

Test(runline, kept_forgotten_and_told_apart_by_path)
{
    tu_fresh_xdg();
    Paths p;
    Err err;
    cr_assert(paths_init(&p, &err), "%s", err.msg);
    cr_assert_null(runline_load(&p, "/w/a.py"));
    cr_assert(runline_save(&p, "/w/a.py", "one 'two\nlines' < in.txt", &err), "%s", err.msg);
    char *line = runline_load(&p, "/w/a.py");
    cr_assert_str_eq(line, "one 'two\nlines' < in.txt");
    free(line);
    /* Only the file's own owner reads it. */
    char *at = paths_state_for(&p, "run-lines", "/w/a.py", "line");
    struct stat st;
    cr_assert_eq(stat(at, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    /* A file of another path under the name (a hash shared) is not taken. */
    tu_write(at, "/w/b.py\nx\n", 10);
    cr_assert_null(runline_load(&p, "/w/a.py"));
    cr_assert(runline_save(&p, "/w/a.py", "x", &err));
    cr_assert(runline_save(&p, "/w/a.py", "", &err), "%s", err.msg);
    cr_assert_null(runline_load(&p, "/w/a.py"));
    cr_assert_neq(stat(at, &st), 0);
    cr_assert(runline_save(&p, "/w/a.py", "", &err), "forgetting nothing: %s", err.msg);
    cr_assert_not(runline_save(&p, "/w/a\nb.py", "x", &err));
    free(at);
    paths_free(&p);
}
