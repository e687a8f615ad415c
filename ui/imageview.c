/* A picture opened in the IDE (a plot a run saved, from the explorer, or
 * Ctrl-O): shown over the whole screen as character cells in the
 * terminal's colours (src/picture.h), fitted again when the terminal is
 * resized.  Left and Right go through the pictures a run wrote; Esc, q or
 * Enter go back to the editor. */
#include <stdlib.h>
#include <string.h>

#include "colors.h"
#include "ide.h"
#include "picture.h"
#include "xalloc.h"

struct ImageView {
    StrList paths; /* the pictures to go through, and the one shown */
    size_t at;
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
    sl_free(&v->paths);
    free(v);
}

/* Decode paths[at] into v (what it showed goes only when that worked). */
static bool load(ImageView *v, size_t at, Err *err)
{
    Picture pic;
    const char *path = v->paths.items[at];
    if (!picture_load(path, &pic, err))
        return false;
    picture_free(&v->pic);
    v->pic = pic;
    free(v->cells);
    v->cells = NULL;
    free(v->name);
    const char *slash = strrchr(path, '/');
    v->name = xstrdup(slash ? slash + 1 : path);
    v->at = at;
    return true;
}

bool imageview_open_list(Ide *ide, const StrList *paths, size_t at, Err *err)
{
    ImageView *v = xcalloc(1, sizeof *v);
    for (size_t i = 0; i < paths->len; i++)
        sl_push(&v->paths, paths->items[i]);
    bool ok = at < v->paths.len ? load(v, at, err) : err_set(err, "no picture to show");
    if (!ok) {
        free_view(v);
        return false;
    }
    imageview_close(ide);
    ide->image = v;
    ide->overlay = OVERLAY_IMAGE;
    ide->dirty = true;
    return true;
}

bool imageview_open(Ide *ide, const char *path, Err *err)
{
    StrList one = {0};
    sl_push(&one, path);
    bool ok = imageview_open_list(ide, &one, 0, err);
    sl_free(&one);
    return ok;
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
    char title[600], of[48] = "";
    if (v->paths.len > 1)
        snprintf(of, sizeof of, " · %zu of %zu", v->at + 1, v->paths.len);
    snprintf(title, sizeof title, "%s · %s, %d×%d pixels%s", v->name, v->pic.format, v->pic.width, v->pic.height,
             of);
    const char *hint = v->paths.len > 1 ? "Left/Right: the others  Esc: back " : "Esc: back ";
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
            int pair = fg < 0 && bg < 0 ? 0 : colors_pair(fg, bg);
            wchar_t wc[2] = {(wchar_t)c->ch, 0};
            cchar_t cc;
            setcchar(&cc, wc, A_NORMAL, pair > 0 && pair < 32768 ? (short)pair : 0, NULL);
            wadd_wch(stdscr, &cc);
        }
    }
}

bool imageview_key(Ide *ide, Key k)
{
    ImageView *v = ide->image;
    if (k == TK_ESC || k == 'q' || k == TK_ENTER || keymap_lookup(&ide->keys, k) == ACT_QUIT ||
        keymap_lookup(&ide->keys, k) == ACT_CLOSE) {
        imageview_close(ide);
    } else if ((k == TK_LEFT || k == TK_RIGHT) && v->paths.len > 1) {
        /* The next that can be shown (one gone or damaged is passed by). */
        size_t n = v->paths.len, to = v->at;
        Err err;
        do
            to = k == TK_RIGHT ? (to + 1) % n : (to + n - 1) % n;
        while (to != v->at && !load(v, to, &err));
        ide->dirty = true;
    }
    return true;
}
