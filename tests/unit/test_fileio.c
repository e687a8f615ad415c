#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* A path a run named is opened below its folder through no symlink in
 * any part, and only when it is a regular file: a fifo or a device is
 * never opened (that alone acts), and a file swapped in is not taken. */
Test(fileio, a_file_beneath_is_opened_through_no_symlink_and_only_if_regular)
{
    char *dir = tu_tempdir(), *outside = tu_tempdir();
    char *p = xasprintf("%s/sub", dir);
    cr_assert_eq(mkdir(p, 0755), 0);
    free(p);
    p = xasprintf("%s/sub/f.txt", dir);
    tu_write(p, "data\n", 5);
    free(p);
    p = xasprintf("%s/secret", outside);
    tu_write(p, "host\n", 5);
    free(p);
    p = xasprintf("%s/fifo", dir);
    cr_assert_eq(mkfifo(p, 0600), 0);
    free(p);
    p = xasprintf("%s/d", dir);
    cr_assert_eq(symlink(outside, p), 0);
    free(p);
    p = xasprintf("%s/sub/link", dir);
    cr_assert_eq(symlink("f.txt", p), 0);
    free(p);
    int root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    cr_assert_geq(root, 0);

    struct stat st;
    Err err;
    int fd = fileio_open_file_beneath(root, "sub/f.txt", &st, &err);
    cr_assert_geq(fd, 0, "%s", err.msg);
    cr_assert(S_ISREG(st.st_mode));
    cr_assert_eq(st.st_size, 5);
    char buf[8];
    cr_assert_eq(read(fd, buf, sizeof buf), 5);
    close(fd);

    cr_assert_lt(fileio_open_file_beneath(root, "d/secret", &st, &err), 0, "through a folder's symlink");
    cr_assert_eq(errno, ENOTDIR);
    cr_assert(strstr(err.msg, "d is in the way"), "%s", err.msg);
    cr_assert_lt(fileio_open_file_beneath(root, "sub/link", &st, &err), 0, "a symlink");
    cr_assert_eq(errno, ELOOP);
    cr_assert_lt(fileio_open_file_beneath(root, "fifo", &st, &err), 0, "a fifo");
    cr_assert_eq(errno, EINVAL);
    cr_assert_lt(fileio_open_file_beneath(root, "sub", &st, &err), 0, "a folder");
    cr_assert_eq(errno, EISDIR);
    cr_assert_lt(fileio_open_file_beneath(root, "sub/../sub/f.txt", &st, &err), 0, "..");
    cr_assert_eq(errno, EINVAL);
    cr_assert_lt(fileio_open_file_beneath(root, "/etc/passwd", &st, &err), 0, "an absolute name");
    cr_assert_lt(fileio_open_file_beneath(root, "sub/none", &st, &err), 0);
    cr_assert_eq(errno, ENOENT);
    close(root);
}
