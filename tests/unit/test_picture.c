#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stb_image_write.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "picture.h"
#include "testutil.h"
#include "xalloc.h"

/* A 20x10 picture, red on the left half and blue on the right, as a PNG. */
static char *two_halves(void)
{
    enum { W = 20, H = 10 };
    unsigned char px[W * H * 3];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            unsigned char *p = px + (y * W + x) * 3;
            p[0] = x < W / 2 ? 0xff : 0;
            p[1] = 0;
            p[2] = x < W / 2 ? 0 : 0xff;
        }
    char *path = xasprintf("%s/halves.png", tu_tempdir());
    cr_assert(stbi_write_png(path, W, H, 3, px, W * 3));
    return path;
}

/* The colour a cell shows most of: a space is all background, a full
 * block all foreground. */
static int32_t shown(const PictureCell *c)
{
    return c->ch == 0x2588 ? c->fg : c->bg;
}

Test(picture, a_png_is_shown_in_the_terminals_colours)
{
    char *path = two_halves();
    cr_assert(picture_sniff(path));
    Picture p;
    Err err;
    cr_assert(picture_load(path, &p, &err), "%s", err.msg);
    cr_assert_eq(p.width, 20);
    cr_assert_eq(p.height, 10);
    cr_assert_str_eq(p.format, "PNG");
    PictureCell *cells;
    int w, h;
    /* Fitted: 20x10 pixels are 40x10 cells at most in 40x20 (a cell is
     * twice as high as wide); enlarged, the shape kept. */
    picture_render(&p, 40, 20, COLOR_DEPTH_TRUE, &cells, &w, &h);
    cr_assert_eq(w, 40);
    cr_assert_eq(h, 10);
    cr_assert_eq(shown(&cells[0]), 0xff0000, "top left: %x", shown(&cells[0]));
    cr_assert_eq(shown(&cells[w * h - 1]), 0x0000ff, "bottom right: %x", shown(&cells[w * h - 1]));
    free(cells);
    /* 256 colours: the palette's pure red and blue (6x6x6 cube). */
    picture_render(&p, 40, 20, COLOR_DEPTH_256, &cells, &w, &h);
    cr_assert_eq(shown(&cells[0]), 196);
    cr_assert_eq(shown(&cells[w * h - 1]), 21);
    free(cells);
    /* 8 colours: red is 1, blue 4. */
    picture_render(&p, 40, 20, COLOR_DEPTH_8, &cells, &w, &h);
    cr_assert_eq(shown(&cells[0]), 1);
    cr_assert_eq(shown(&cells[w * h - 1]), 4);
    free(cells);
    /* A narrow space: the whole picture, smaller. */
    picture_render(&p, 10, 20, COLOR_DEPTH_TRUE, &cells, &w, &h);
    cr_assert_eq(w, 10);
    cr_assert(h >= 2 && h <= 3, "%d rows", h);
    free(cells);
    picture_free(&p);
    free(path);
}

/* A terminal of 8 or 16 colours has 64 or 256 colour pairs, which the
 * IDE's own styles share: curses takes back the oldest when they run out.
 * A picture there needs at most one pair per colour (one background a
 * cell), whatever its colours. */
Test(picture, few_colours_need_few_pairs)
{
    enum { W = 256, H = 128 };
    static unsigned char px[W * H * 3];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            unsigned char *p = px + (y * W + x) * 3;
            p[0] = (unsigned char)x, p[1] = (unsigned char)(y * 2), p[2] = (unsigned char)(255 - x);
        }
    char *path = xasprintf("%s/rainbow.png", tu_tempdir());
    cr_assert(stbi_write_png(path, W, H, 3, px, W * 3));
    Picture p;
    Err err;
    cr_assert(picture_load(path, &p, &err), "%s", err.msg);
    const struct { ColorDepth depth; int colours; } cases[] = {{COLOR_DEPTH_8, 8}, {COLOR_DEPTH_16, 16}};
    for (size_t k = 0; k < 2; k++) {
        PictureCell *cells;
        int w, h;
        picture_render(&p, 120, 40, cases[k].depth, &cells, &w, &h);
        int32_t seen[300][2];
        int n = 0;
        for (int i = 0; i < w * h; i++) {
            int j = 0;
            while (j < n && !(seen[j][0] == cells[i].fg && seen[j][1] == cells[i].bg))
                j++;
            if (j == n && n < 300)
                seen[n][0] = cells[i].fg, seen[n][1] = cells[i].bg, n++;
        }
        cr_assert_leq(n, cases[k].colours + 1, "%d pairs for %d colours", n, cases[k].colours);
        cr_assert_geq(n, 3, "the picture keeps some of its colours: %d", n);
        free(cells);
    }
    picture_free(&p);
    free(path);
}

Test(picture, what_is_not_a_picture_says_so)
{
    char *text = xasprintf("%s/notes.png", tu_tempdir());
    tu_write(text, "just text\n", 10);
    cr_assert_not(picture_sniff(text), "a name is not a picture");
    /* Text that begins as a BMP or a PNM does. */
    const char *const looks[] = {"BMW: the models and their years\n", "P6 is the sixth point\n"};
    for (size_t i = 0; i < 2; i++) {
        tu_write(text, looks[i], strlen(looks[i]));
        cr_assert_not(picture_sniff(text), "%s", looks[i]);
    }
    Picture p;
    Err err;
    cr_assert_not(picture_load(text, &p, &err));
    cr_assert_str_eq(err.msg, "notes.png is not a picture tide can show (PNG, JPEG, GIF, BMP or PNM)");
    /* Cut short, as a program killed while writing it leaves it. */
    char *png = two_halves();
    size_t len;
    char *data = tu_read(png, &len);
    char *cut = xasprintf("%s/cut.png", tu_tempdir());
    tu_write(cut, data, 40);
    cr_assert(picture_sniff(cut));
    cr_assert_not(picture_load(cut, &p, &err));
    cr_assert(strstr(err.msg, "cut.png is a damaged PNG picture ("), "%s", err.msg);
    free(data);
    free(cut);
    free(png);
    free(text);
}

/* The decoder's process can do nothing but use memory and write to its
 * pipe: a picture made to take over the decoder gains no file, no other
 * descriptor, no process. */
Test(picture, the_decoder_is_jailed)
{
    void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(page, MAP_FAILED);
    const char *what[] = {"open", "write elsewhere", "fork", "make memory executable", "map executable memory",
                          "write to its pipe, after mprotect"};
    for (int k = 0; k < 6; k++) {
        int fds[2];
        cr_assert_eq(pipe(fds), 0);
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
            close(fds[0]);
            if (!picture_jail(fds[1]))
                _exit(3);
            if (k == 0)
                open("/etc/passwd", O_RDONLY);
            else if (k == 1)
                (void)!write(2, "x", 1);
            else if (k == 2)
                fork();
            else if (k == 3)
                mprotect(page, 4096, PROT_READ | PROT_EXEC);
            else if (k == 4)
                mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            else if (mprotect(page, 4096, PROT_READ) == 0)
                (void)!write(fds[1], "ok", 2);
            _exit(0);
        }
        close(fds[1]);
        char got[3] = "";
        ssize_t n = read(fds[0], got, 2);
        int status;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        close(fds[0]);
        /* (Its exit is not looked at there: under AddressSanitizer, _exit
         * runs the leak check, which the jail kills.) */
        if (k == 5)
            cr_assert(n == 2 && !strcmp(got, "ok"), "%s: %zd bytes", what[k], n);
        else
            cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS, "%s: status %x", what[k], status);
    }
}

/* The IDE decodes on a worker thread: the jailed child is then a copy of
 * a thread whose malloc arena grows by mprotect, which the jail must let
 * through (a 6 MB picture, three times over). */
static void *decode_big(void *arg)
{
    const char *path = arg;
    for (int i = 0; i < 3; i++) {
        Picture p;
        Err err;
        if (!picture_load(path, &p, &err))
            return xstrdup(err.msg);
        picture_free(&p);
    }
    return NULL;
}

Test(picture, decodes_on_a_thread)
{
    enum { W = 1500, H = 1000 };
    unsigned char *px = xcalloc(W * H, 3);
    for (size_t i = 0; i < (size_t)W * H * 3; i++)
        px[i] = (unsigned char)(i * 7);
    char *path = xasprintf("%s/big.png", tu_tempdir());
    cr_assert(stbi_write_png(path, W, H, 3, px, W * 3));
    free(px);
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, decode_big, path), 0);
    char *failed;
    cr_assert_eq(pthread_join(t, (void **)&failed), 0);
    cr_assert_null(failed, "%s", failed);
    free(path);
}
