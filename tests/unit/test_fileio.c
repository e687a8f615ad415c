#include <criterion/criterion.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "fileio.h"
#include "testutil.h"
#include "xalloc.h"

/* Empty for --generated-dir means nothing at all; for the IDE's "offer a
 * scratch session", nothing but hidden files. */
Test(fileio, empty_folders_with_and_without_hidden_files)
{
    char *dir = tu_tempdir();
    cr_assert(fileio_is_empty_dir(dir, true));
    cr_assert(fileio_is_empty_dir(dir, false));
    char *hidden = xasprintf("%s/.git", dir);
    cr_assert_eq(mkdir(hidden, 0755), 0);
    cr_assert_not(fileio_is_empty_dir(dir, true));
    cr_assert(fileio_is_empty_dir(dir, false));
    char *file = xasprintf("%s/main.py", dir);
    tu_write(file, "x\n", 2);
    cr_assert_not(fileio_is_empty_dir(dir, false));
    cr_assert_not(fileio_is_empty_dir(file, true), "a file is not an empty folder");
    char *missing = xasprintf("%s/nope", dir);
    cr_assert_not(fileio_is_empty_dir(missing, true));
    free(missing);
    free(file);
    free(hidden);
}
