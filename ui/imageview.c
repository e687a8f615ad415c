/* A picture opened in the IDE (a plot a run saved, from the explorer, or
 * Ctrl-O): shown over the whole screen as character cells in the
 * terminal's colours (src/picture.h), fitted again when the terminal is
 * resized.  Esc, q or Enter go back to the editor. */
#include <stdlib.h>
#include <string.h>

#include "colors.h"
#include "ide.h"
#include "picture.h"
#include "xalloc.h"

struct ImageView {
    char *name;
    Picture pic;
    /* The cells last rendered, for this space and these colours. */
    PictureCell *cells;
    int cols, rows, space_w, space_h;
    ColorDepth depth;
};

static void free_view(ImageView *v)
{
    if (!v)
        return;
    picture_free(&v->pic);
    free(v->cells);
    free(v->name);
    free(v);
}

bool imageview_open(Ide *ide, const char *path, Err *err)
{
    ImageView *v = xcalloc(1, sizeof *v);
    if (!picture_load(path, &v->pic, err)) {
        free_view(v);
        return false;
    }
    const char *slash = strrchr(path, '/');
    v->name = xstrdup(slash ? slash + 1 : path);
    imageview_close(ide);
    ide->image = v;
    ide->overlay = OVERLAY_IMAGE;
    ide->dirty = true;
    return true;
}

void imageview_close(Ide *ide)
{
    free_view(ide->image);
    ide->image = NULL;
    if (ide->overlay == OVERLAY_IMAGE)
        ide->overlay = OVERLAY_NONE;
    ide->dirty = true;
}

/* A cell's colour as curses takes it: chafa gives palette indexes in the
 * indexed modes and RGB in truecolor; without colours, the terminal's. */
static int cell_color(int32_t c, ColorDepth depth)
{
    if (c < 0 || depth == COLOR_DEPTH_NONE)
        return -1;
    return depth == COLOR_DEPTH_TRUE ? colors_rgb((uint32_t)c) : colors_palette((unsigned)c);
}

void imageview_draw(Ide *ide)
{
    ImageView *v = ide->image;
    int h = LINES, w = COLS;
    term_page(ROLE_TEXT);
    char title[600];
    snprintf(title, sizeof title, "%s · %s, %d×%d pixels", v->name, v->pic.format, v->pic.width, v->pic.height);
    static const char hint[] = "Esc: back ";
    int hw = (int)strlen(hint);
    if (term_text_cols(title) + hw + 2 <= w)
        term_put(0, w - hw, hint, 0, hw);
    else
        hw = 0;
    term_put(0, 1, title, 0, w - hw - 2);
    ColorDepth depth = ide->term.color ? colors_depth() : COLOR_DEPTH_NONE;
    int space_h = h - 1;
    if (space_h < 1)
        return;
    if (!v->cells || v->space_w != w || v->space_h != space_h || v->depth != depth) {
        free(v->cells);
        picture_render(&v->pic, w, space_h, depth, &v->cells, &v->cols, &v->rows);
        v->space_w = w, v->space_h = space_h, v->depth = depth;
    }
    int x0 = (w - v->cols) / 2, y0 = 1 + (space_h - v->rows) / 2;
    term_plain(stdscr);
    for (int y = 0; y < v->rows; y++) {
        wmove(stdscr, y0 + y, x0);
        for (int x = 0; x < v->cols; x++) {
            const PictureCell *c = &v->cells[(size_t)y * (size_t)v->cols + (size_t)x];
            int fg = cell_color(c->fg, depth), bg = cell_color(c->bg, depth);
            int pair = fg < 0 && bg < 0 ? 0 : alloc_pair(fg, bg);
            wchar_t wc[2] = {(wchar_t)c->ch, 0};
            cchar_t cc;
            setcchar(&cc, wc, A_NORMAL, pair > 0 && pair < 32768 ? (short)pair : 0, NULL);
            wadd_wch(stdscr, &cc);
        }
    }
}

bool imageview_key(Ide *ide, Key k)
{
    if (k == TK_ESC || k == 'q' || k == TK_ENTER ||
        keymap_lookup(&ide->keys, k) == ACT_QUIT || keymap_lookup(&ide->keys, k) == ACT_CLOSE)
        imageview_close(ide);
    return true;
}
