/* Pictures a program wrote (a plot saved as PNG), shown in a terminal: the
 * file decoded with stb_image, then drawn as character cells (block and
 * border symbols in two colours each) by chafa, in the colours the terminal
 * has.  The IDE puts the cells on the screen (ui/imageview.c); nothing here
 * draws. */
#ifndef TIDE_PICTURE_H
#define TIDE_PICTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "theme.h"

typedef struct Picture {
    int width, height;    /* pixels */
    const char *format;   /* "PNG", "JPEG", "GIF", "BMP", "PNM" */
    unsigned char *rgba;  /* width * height pixels, 4 bytes each */
} Picture;

/* One character cell: a symbol and its two colours, each a palette index
 * (colour depths 8, 16 and 256), a 0xRRGGBB value (truecolor), or -1 for
 * the terminal's own (no colour, or a transparent part). */
typedef struct PictureCell {
    uint32_t ch;
    int32_t fg, bg;
} PictureCell;

/* Is the file a picture tide shows (told by its first bytes, not its
 * name): PNG, JPEG, GIF, BMP or PNM. */
bool picture_sniff(const char *path);
/* Decode the file; false with a one-line reason (too large, damaged).
 * The decoding happens in a child process under picture_jail, which hands
 * back the pixels through a pipe, and is given up on after 3 seconds. */
bool picture_load(const char *path, Picture *p, Err *err);
/* The decoder's process may only use memory and write to the fd out: a
 * picture is a run's output, made by code the user may not trust, and
 * stb_image is not hardened against malicious input.  Any other system
 * call kills the process (SIGSYS).  False when it could not be set up. */
bool picture_jail(int out);
void picture_free(Picture *p);

/* The picture fitted into cols x rows cells, its shape kept (a cell is
 * about twice as high as wide): *cells holds *out_cols x *out_rows cells,
 * row by row; free() it. */
void picture_render(const Picture *p, int cols, int rows, ColorDepth depth, PictureCell **cells, int *out_cols,
                    int *out_rows);

#endif
