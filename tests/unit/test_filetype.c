#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filetype.h"
#include "testutil.h"
#include "xalloc.h"

Test(filetype, signatures_win_over_names)
{
    cr_expect_str_eq(filetype_from("x.txt", (const unsigned char *)"\x89PNG\r\n\x1a\n....", 12),
                     "image/png");
    cr_expect_str_eq(filetype_from("a", (const unsigned char *)"P4\n8 2\n\xff", 7),
                     "image/x-portable-bitmap");
    cr_expect_str_eq(filetype_from("a", (const unsigned char *)"%PDF-1.7", 8), "application/pdf");
}

Test(filetype, names_then_content)
{
    cr_expect_str_eq(filetype_from("data.csv", (const unsigned char *)"a,b\n1,2\n", 8), "text/csv");
    cr_expect_str_eq(filetype_from("notes", (const unsigned char *)"caf\xc3\xa9\n", 6), "text/plain");
    cr_expect_str_eq(filetype_from("blob", (const unsigned char *)"\x01\x02\xfe", 3),
                     "application/octet-stream");
    cr_expect_str_eq(filetype_from("empty", (const unsigned char *)"", 0), "text/plain");
}

Test(filetype, detect_reads_the_file)
{
    char *dir = tu_tempdir();
    char *path = xasprintf("%s/plot", dir);
    tu_write(path, "GIF89a......", 12);
    int root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    char *type = filetype_detect_at(root, "plot");
    cr_expect_str_eq(type, "image/gif");
    free(type);
    free(path);
    /* A fifo is not opened (a writer waiting on it would go on), nor is a
     * link followed: each is typed by its name. */
    char *fifo = xasprintf("%s/data.csv", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    type = filetype_detect_at(root, "data.csv");
    cr_expect_str_eq(type, "text/csv");
    free(type);
    free(fifo);
    char *link = xasprintf("%s/picture", dir);
    cr_assert_eq(symlink("plot", link), 0);
    type = filetype_detect_at(root, "picture");
    cr_expect_str_eq(type, "application/octet-stream", "the link is not read");
    free(type);
    free(link);
    /* Nor a folder's link (a project's d -> /dev). */
    char *dlink = xasprintf("%s/d", dir);
    cr_assert_eq(symlink(".", dlink), 0);
    type = filetype_detect_at(root, "d/plot");
    cr_expect_str_eq(type, "application/octet-stream", "d/plot is read through the link d");
    free(type);
    free(dlink);
    close(root);
}

/* JSON takes a NUL, the search index and a listing do not. */
Test(filetype, lossy_text_keeps_nul_clean_text_spaces_it)
{
    StrBuf lossy = {0}, clean = {0};
    filetype_utf8_lossy("a\0\xfe", 3, &lossy);
    filetype_clean_text("a\0\xfe", 3, &clean);
    cr_assert_eq(lossy.len, 5);
    cr_assert_eq(memcmp(lossy.data, "a\0\xef\xbf\xbd", 5), 0);
    cr_assert_str_eq(clean.data, "a \xef\xbf\xbd");
    sb_free(&lossy);
    sb_free(&clean);
}
