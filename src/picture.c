#include "picture.h"

#include <chafa.h>
#include <errno.h>
#include <fcntl.h>
#include <stb_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    if (n >= 14 && b[0] == 'B' && b[1] == 'M')
        return "BMP";
    if (n >= 3 && b[0] == 'P' && (b[1] == '5' || b[1] == '6') && (b[2] == ' ' || b[2] == '\n' || b[2] == '\r' ||
                                                                  b[2] == '\t'))
        return "PNM";
    return NULL;
}

static const char *sniff(const char *path)
{
    unsigned char head[16];
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

bool picture_load(const char *path, Picture *p, Err *err)
{
    *p = (Picture){0};
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const char *format = sniff(path);
    if (!format)
        return err_set(err, "%s is not a picture tide can show (PNG, JPEG, GIF, BMP or PNM)", name);
    struct stat st;
    if (stat(path, &st) != 0)
        return err_sys(err, "cannot read %s", name);
    if (st.st_size > PICTURE_MAX_FILE)
        return err_set(err, "%s is too large to show (%lld MiB; at most %ld)", name, (long long)st.st_size >> 20,
                       PICTURE_MAX_FILE >> 20);
    int w, h, comp;
    if (!stbi_info(path, &w, &h, &comp))
        return err_set(err, "%s is a damaged %s picture (%s)", name, format, stbi_failure_reason());
    if ((long)w * h > PICTURE_MAX_PIXELS)
        return err_set(err, "%s is too large to show (%dx%d pixels; at most %ld million)", name, w, h,
                       PICTURE_MAX_PIXELS >> 20);
    unsigned char *rgba = stbi_load(path, &w, &h, &comp, 4);
    if (!rgba)
        return err_set(err, "%s is a damaged %s picture (%s)", name, format, stbi_failure_reason());
    *p = (Picture){w, h, format, rgba};
    return true;
}

void picture_free(Picture *p)
{
    if (p->rgba)
        stbi_image_free(p->rgba);
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
