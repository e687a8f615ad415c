#include "picture.h"

#include <chafa.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stb_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "xalloc.h"

/* Past these a picture is not worth the memory: a plot is a few megapixels. */
#define PICTURE_MAX_FILE (64L << 20)
#define PICTURE_MAX_PIXELS (32L << 20)

/* The formats by their first bytes.  stb_image also reads TGA, PSD, HDR
 * and PIC, but TGA has no signature: any binary file would pass for one. */
static const char *format_of(const unsigned char *b, size_t n)
{
    if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
        return "PNG";
    if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
        return "JPEG";
    if (n >= 6 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6)))
        return "GIF";
    /* "BM" and "P6" begin text too: a BMP's reserved bytes are 0 and its
     * second header has one of the sizes there are; a PNM's width follows. */
    if (n >= 18 && b[0] == 'B' && b[1] == 'M' && !b[6] && !b[7] && !b[8] && !b[9]) {
        unsigned dib = b[14] | b[15] << 8 | (unsigned)b[16] << 16 | (unsigned)b[17] << 24;
        if (dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124)
            return "BMP";
    }
    if (n >= 4 && b[0] == 'P' && (b[1] == '5' || b[1] == '6') && strchr(" \t\r\n", b[2]) && b[2] &&
        ((b[3] >= '0' && b[3] <= '9') || b[3] == '#'))
        return "PNM";
    return NULL;
}

static const char *sniff(const char *path)
{
    unsigned char head[32];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return NULL;
    struct stat st;
    ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, head, sizeof head) : -1;
    close(fd);
    return n > 0 ? format_of(head, (size_t)n) : NULL;
}

bool picture_sniff(const char *path)
{
    return sniff(path) != NULL;
}

/* What the decoder tells tide first: the size, or why there is none. */
typedef struct Decoded {
    int32_t width, height; /* 0: not decoded */
    char why[96];
} Decoded;

/* A picture made to hang the decoder keeps the IDE's decoding worker
 * (not its UI) this long at most.  A plot decodes in milliseconds; 32
 * megapixels in well under a second here. */
#define DECODE_TIMEOUT_MS 3000

bool picture_jail(int out)
{
    static const int allowed[] = {SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap),
                                  SCMP_SYS(madvise), SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn),
                                  SCMP_SYS(futex)};
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    bool ok = ctx && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0;
    for (size_t i = 0; ok && i < sizeof allowed / sizeof *allowed; i++)
        ok = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0) == 0;
    ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)out)) == 0;
    /* malloc grows the heap of a thread's arena with mprotect (the IDE
     * decodes on a worker thread, and the child is a copy of it); no
     * memory may become executable. */
    ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) == 0;
    ok = ok &&
         seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) == 0;
    ok = ok && seccomp_load(ctx) == 0;
    if (ctx)
        seccomp_release(ctx);
    return ok;
}

static void decode_child(const unsigned char *data, size_t len, int out)
{
    Decoded d = {0};
    if (!picture_jail(out))
        _exit(1);
    int w, h, comp;
    unsigned char *px = NULL;
    if (!stbi_info_from_memory(data, (int)len, &w, &h, &comp))
        snprintf(d.why, sizeof d.why, "%s", stbi_failure_reason());
    else if ((long)w * h > PICTURE_MAX_PIXELS)
        d.width = w, d.height = h; /* said as too large by the parent */
    else if (!(px = stbi_load_from_memory(data, (int)len, &w, &h, &comp, 4)))
        snprintf(d.why, sizeof d.why, "%s", stbi_failure_reason());
    else
        d.width = w, d.height = h;
    if (fileio_write_all(out, &d, sizeof d) && px)
        fileio_write_all(out, px, (size_t)w * (size_t)h * 4);
    _exit(0);
}

/* Read len bytes, waiting at most until deadline (ms). */
static bool read_until(int fd, void *buf, size_t len, long long deadline)
{
    for (char *p = buf; len;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long left = deadline - ((long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
        struct pollfd pfd = {fd, POLLIN, 0};
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            return false;
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n, len -= (size_t)n;
    }
    return true;
}

/* Decode in a child process of its own (jail), which hands back the size
 * and the pixels through a pipe; a decoder that crashes, is killed or
 * takes too long is a damaged picture, not a damaged tide. */
static bool decode(const unsigned char *data, size_t len, const char *name, const char *format, Picture *p,
                   Err *err)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return err_sys(err, "cannot show %s", name);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return err_sys(err, "cannot show %s", name);
    }
    if (pid == 0) {
        close(fds[0]);
        decode_child(data, len, fds[1]);
    }
    close(fds[1]);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long deadline = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000 + DECODE_TIMEOUT_MS;
    Decoded d = {0};
    bool ok = read_until(fds[0], &d, sizeof d, deadline);
    d.why[sizeof d.why - 1] = '\0';
    if (!ok)
        err_set(err, "%s is a damaged %s picture (its decoder failed)", name, format);
    else if (d.width <= 0 || d.height <= 0)
        ok = err_set(err, "%s is a damaged %s picture (%s)", name, format, d.why[0] ? d.why : "no size");
    else if ((long)d.width * d.height > PICTURE_MAX_PIXELS)
        ok = err_set(err, "%s is too large to show (%dx%d pixels; at most %ld million)", name, d.width, d.height,
                     PICTURE_MAX_PIXELS >> 20);
    unsigned char *rgba = NULL;
    if (ok) {
        rgba = xmalloc((size_t)d.width * (size_t)d.height * 4);
        ok = read_until(fds[0], rgba, (size_t)d.width * (size_t)d.height * 4, deadline) ||
             err_set(err, "%s is a damaged %s picture (its decoder failed)", name, format);
    }
    close(fds[0]);
    kill(pid, SIGKILL); /* done, or to be given up on */
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    if (!ok) {
        free(rgba);
        return false;
    }
    *p = (Picture){d.width, d.height, format, rgba};
    return true;
}

bool picture_load(const char *path, Picture *p, Err *err)
{
    *p = (Picture){0};
    const char *name = fileio_base_name(path);
    const char *format = sniff(path);
    if (!format)
        return err_set(err, "%s is not a picture tide can show (PNG, JPEG, GIF, BMP or PNM)", name);
    struct stat st;
    if (stat(path, &st) != 0)
        return err_sys(err, "cannot read %s", name);
    if (st.st_size > PICTURE_MAX_FILE)
        return err_set(err, "%s is too large to show (%lld MiB; at most %ld)", name, (long long)st.st_size >> 20,
                       PICTURE_MAX_FILE >> 20);
    char *data;
    size_t len;
    if (!fileio_read(path, PICTURE_MAX_FILE, &data, &len, err))
        return false;
    bool ok = decode((const unsigned char *)data, len, name, format, p, err);
    free(data);
    return ok;
}

void picture_free(Picture *p)
{
    free(p->rgba);
    *p = (Picture){0};
}

void picture_render(const Picture *p, int cols, int rows, ColorDepth depth, PictureCell **cells, int *out_cols,
                    int *out_rows)
{
    gint w = cols > 0 ? cols : 1, h = rows > 0 ? rows : 1;
    /* Enlarged to the space, never stretched: a plot fills the pane. */
    chafa_calc_canvas_geometry(p->width, p->height, &w, &h, 0.5f, TRUE, FALSE);
    ChafaCanvasConfig *config = chafa_canvas_config_new();
    chafa_canvas_config_set_geometry(config, w, h);
    /* 240, not 256: the first 16 are the terminal's own, set by its theme. */
    static const ChafaCanvasMode modes[] = {
        [COLOR_DEPTH_NONE] = CHAFA_CANVAS_MODE_FGBG,          [COLOR_DEPTH_8] = CHAFA_CANVAS_MODE_INDEXED_8,
        [COLOR_DEPTH_16] = CHAFA_CANVAS_MODE_INDEXED_16,      [COLOR_DEPTH_256] = CHAFA_CANVAS_MODE_INDEXED_240,
        [COLOR_DEPTH_TRUE] = CHAFA_CANVAS_MODE_TRUECOLOR,
    };
    chafa_canvas_config_set_canvas_mode(config, modes[depth]);
    /* Symbols every terminal font has.  With 8 or 16 colours, spaces only:
     * each cell one background colour, so a picture needs at most 17
     * colour pairs of the 64 such a terminal has (two colours a cell would
     * need 289, and curses would take back the IDE's own pairs for them). */
    ChafaSymbolMap *symbols = chafa_symbol_map_new();
    bool few = depth == COLOR_DEPTH_8 || depth == COLOR_DEPTH_16;
    chafa_symbol_map_add_by_tags(symbols, few ? CHAFA_SYMBOL_TAG_SPACE
                                              : CHAFA_SYMBOL_TAG_BLOCK | CHAFA_SYMBOL_TAG_BORDER | CHAFA_SYMBOL_TAG_SPACE);
    chafa_symbol_map_remove_by_tags(symbols, CHAFA_SYMBOL_TAG_WIDE);
    chafa_canvas_config_set_symbol_map(config, symbols);
    ChafaCanvas *canvas = chafa_canvas_new(config);
    chafa_canvas_draw_all_pixels(canvas, CHAFA_PIXEL_RGBA8_UNASSOCIATED, p->rgba, p->width, p->height,
                                 p->width * 4);
    PictureCell *c = xcalloc((size_t)w * (size_t)h, sizeof *c);
    for (gint y = 0; y < h; y++)
        for (gint x = 0; x < w; x++) {
            gint fg, bg;
            chafa_canvas_get_raw_colors_at(canvas, x, y, &fg, &bg);
            gunichar ch = chafa_canvas_get_char_at(canvas, x, y);
            /* A space shows no foreground: one pair per background. */
            c[(size_t)y * (size_t)w + (size_t)x] = (PictureCell){ch, ch == ' ' ? -1 : fg, bg};
        }
    chafa_canvas_unref(canvas);
    chafa_symbol_map_unref(symbols);
    chafa_canvas_config_unref(config);
    *cells = c;
    *out_cols = w;
    *out_rows = h;
}
