#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "workfiles.h"
#include "xalloc.h"

static char *put(const char *dir, const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    tu_write(path, text, strlen(text));
    return path;
}

static void free_generated(Generated *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->files[i].path);
        free(g->files[i].type);
    }
    free(g->files);
}

Test(workfiles, generated_are_new_or_changed_regular_files_only)
{
    char *work = tu_tempdir(), *layer = tu_tempdir(), *keep = tu_tempdir();
    free(put(work, "same.txt", "same\n"));
    free(put(work, "changed.txt", "old\n"));
    free(put(layer, "same.txt", "same\n"));      /* copied up, untouched */
    free(put(layer, "changed.txt", "new!\n"));
    free(put(layer, "sub/new.csv", "a,b\n"));
    char *secret = put(work, "secret", "do not copy\n");
    char *sym = xasprintf("%s/link", layer);
    cr_assert_eq(symlink(secret, sym), 0);
    char *a = put(layer, "a", "two names\n");
    char *b = xasprintf("%s/b", layer);
    cr_assert_eq(link(a, b), 0);
    char *fifo = xasprintf("%s/fifo", layer);
    cr_assert_eq(mkfifo(fifo, 0644), 0);
    free(put(layer, "bad\x1b]0;x\x07name", "x"));

    int fd = open(layer, O_RDONLY | O_DIRECTORY);
    Generated g;
    workfiles_generated(fd, work, keep, &g);
    close(fd);
    cr_assert_eq(g.n, 2, "got %zu files", g.n);
    cr_expect_str_eq(g.files[0].path, "changed.txt");
    cr_expect_eq(g.files[0].size, 5);
    cr_expect_str_eq(g.files[1].path, "sub/new.csv");
    cr_expect_str_eq(g.files[1].type, "text/csv");
    cr_expect(g.truncated, "the odd name is reported as left out");
    char *kept = xasprintf("%s/sub/new.csv", keep);
    char *text = tu_read(kept, NULL);
    cr_expect_str_eq(text, "a,b\n");
    free(text);
    char *no = xasprintf("%s/link", keep);
    cr_expect_neq(access(no, F_OK), 0, "the symlink was not copied");
    free_generated(&g);
    free(no), free(kept), free(fifo), free(b), free(a), free(sym), free(secret);
}

Test(workfiles, copy_in_is_bounded_and_keeps_symlinks)
{
    char *src = tu_tempdir(), *dst = tu_tempdir();
    free(put(src, "one.py", "print(1)\n"));
    free(put(src, "dir/two.py", "print(2)\n"));
    char *l = xasprintf("%s/alias", src);
    cr_assert_eq(symlink("one.py", l), 0);
    int fd = open(dst, O_RDONLY | O_DIRECTORY);
    WorkCopy c = {.max_files = 10, .max_bytes = 1 << 20};
    cr_assert(workfiles_copy_in(&c, src, NULL, fd));
    char target[64] = {0};
    char *dl = xasprintf("%s/alias", dst);
    cr_expect_gt(readlink(dl, target, sizeof target - 1), 0);
    cr_expect_str_eq(target, "one.py");
    WorkCopy tiny = {.max_files = 2, .max_bytes = 1 << 20};
    int fd2 = open(tu_tempdir(), O_RDONLY | O_DIRECTORY);
    cr_expect_not(workfiles_copy_in(&tiny, src, NULL, fd2));
    cr_expect_str_eq(tiny.over, "files");
    const char *only[] = {"dir/two.py", NULL};
    int fd3 = open(tu_tempdir(), O_RDONLY | O_DIRECTORY);
    WorkCopy named = {.max_files = 10, .max_bytes = 1 << 20};
    cr_expect(workfiles_copy_in(&named, src, only, fd3));
    cr_expect_eq(faccessat(fd3, "dir/two.py", F_OK, 0), 0);
    cr_expect_neq(faccessat(fd3, "one.py", F_OK, 0), 0, "only the named file");
    close(fd), close(fd2), close(fd3);
    free(dl), free(l);
}
