/* A picture opened in the IDE (a plot a run saved, from the explorer, or
 * Ctrl-O): shown over the whole screen as character cells in the
 * terminal's colours (src/picture.h), fitted again when the terminal is
 * resized.  Left and Right go through the pictures a run wrote; Esc, q or
 * Enter go back to the editor.
 *
 * Decoding runs on a worker of its own (the decoder is a jailed child
 * process, given up on after 3 seconds): the IDE answers keys meanwhile,
 * and Esc leaves a picture that is slow to come. */
#include <stdlib.h>
#include <string.h>

#include "colors.h"
#include "fileio.h"
#include "ide.h"
#include "picture.h"
#include "xalloc.h"

struct ImageView {
    StrList paths; /* the pictures to go through, and the one shown */
    size_t at;
    char *name;
    Picture pic; /* rgba NULL: none decoded yet */
    /* The decode under way: of paths[trying], stepping by step (+1, -1)
     * past those that cannot be shown; tried counts them.  Until one is
     * shown, at is the one asked for, and at_err why it could not be. */
    bool decoding;
    uint64_t token; /* of the job whose result is wanted */
    size_t trying, tried;
    int step;
    Err at_err;
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

typedef struct DecodeJob {
    Ide *ide;
    uint64_t token;
    char *path;
    Picture pic;
    bool ok;
    Err err;
} DecodeJob;

static void decode_run(void *arg)
{
    DecodeJob *j = arg;
    j->ok = picture_load(j->path, &j->pic, &j->err);
}

static void decode_drop(void *arg)
{
    DecodeJob *j = arg;
    if (j->ok)
        picture_free(&j->pic);
    free(j->path);
    free(j);
}

static void decode_done(void *arg);

static void decode_start(Ide *ide, ImageView *v, size_t at)
{
    if (!ide->decoder)
        ide->decoder = worker_new();
    DecodeJob *j = xcalloc(1, sizeof *j);
    j->ide = ide;
    j->token = ++ide->image_token;
    j->path = xstrdup(v->paths.items[at]);
    v->token = j->token;
    v->trying = at;
    v->decoding = true;
    /* Right pressed five times: one decode at a time, not five in a row. */
    worker_drop_waiting(ide->decoder, decode_drop);
    worker_submit(ide->decoder, decode_run, decode_done, j);
    ide->dirty = true;
}

/* A picture that cannot be shown is passed by, in the direction the user
 * went; when none of them can, the first opens as bytes, saying why (a
 * file that only begins like a picture may be text). */
static void decode_failed(Ide *ide, ImageView *v, const Err *err)
{
    if (v->trying == v->at)
        v->at_err = *err;
    size_t n = v->paths.len, next = (v->trying + n + (size_t)(v->step < 0 ? -1 : 1)) % n;
    if (++v->tried < n && (!v->pic.rgba || next != v->at)) {
        decode_start(ide, v, next);
        return;
    }
    if (v->pic.rgba)
        return; /* the one shown stays */
    char *path = xstrdup(v->paths.items[v->at]);
    Err why = v->at_err;
    if (!why.msg[0])
        (void)err_set(&why, "%s cannot be shown as a picture", fileio_base_name(path));
    imageview_close(ide);
    ide_open_text(ide, path, why.msg);
    free(path);
}

static void decode_done(void *arg)
{
    DecodeJob *j = arg;
    Ide *ide = j->ide;
    ImageView *v = ide->image;
    if (!v || v->token != j->token) { /* closed, or another was asked for */
        decode_drop(j);
        return;
    }
    v->decoding = false;
    if (!j->ok) {
        decode_failed(ide, v, &j->err);
        decode_drop(j);
        return;
    }
    picture_free(&v->pic);
    v->pic = j->pic;
    j->ok = false; /* the pixels are the view's now */
    free(v->cells);
    v->cells = NULL;
    free(v->name);
    v->name = xstrdup(fileio_base_name(j->path));
    v->at = v->trying;
    ide->dirty = true;
    decode_drop(j);
}

void imageview_open_list(Ide *ide, const StrList *paths, size_t at)
{
    if (at >= paths->len)
        return;
    ImageView *v = xcalloc(1, sizeof *v);
    for (size_t i = 0; i < paths->len; i++)
        sl_push(&v->paths, paths->items[i]);
    v->at = at;
    v->name = xstrdup(fileio_base_name(paths->items[at]));
    imageview_close(ide);
    ide->image = v;
    ide->overlay = OVERLAY_IMAGE;
    decode_start(ide, v, at);
}

void imageview_open(Ide *ide, const char *path)
{
    StrList one = {0};
    sl_push(&one, path);
    imageview_open_list(ide, &one, 0);
    sl_free(&one);
}

void imageview_stop(Ide *ide)
{
    imageview_close(ide);
    /* A decode still running is not waited for. */
    worker_abandon(ide->decoder, decode_drop);
    ide->decoder = NULL;
}

void imageview_collect(Ide *ide)
{
    if (ide->decoder)
        worker_collect(ide->decoder);
}

int imageview_fd(const Ide *ide)
{
    return ide->decoder ? worker_fd(ide->decoder) : -1;
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
    if (v->pic.rgba && v->decoding)
        snprintf(title, sizeof title, "%s · %s, %d×%d pixels%s · decoding %s…", v->name, v->pic.format,
                 v->pic.width, v->pic.height, of, fileio_base_name(v->paths.items[v->trying]));
    else if (v->pic.rgba)
        snprintf(title, sizeof title, "%s · %s, %d×%d pixels%s", v->name, v->pic.format, v->pic.width,
                 v->pic.height, of);
    else
        snprintf(title, sizeof title, "%s · decoding…%s", v->name, of);
    const char *hint = v->paths.len > 1 ? "Left/Right: the others  Esc: back " : "Esc: back ";
    int hw = (int)strlen(hint);
    if (term_text_cols(title) + hw + 2 <= w)
        term_put(0, w - hw, hint, 0, hw);
    else
        hw = 0;
    term_put(0, 1, title, 0, w - hw - 2);
    ColorDepth depth = ide->term.color ? colors_depth() : COLOR_DEPTH_NONE;
    int space_h = h - 1;
    if (space_h < 1 || !v->pic.rgba)
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
        /* From the one shown (or being decoded, when none is yet). */
        size_t n = v->paths.len, from = v->decoding ? v->trying : v->at;
        v->step = k == TK_RIGHT ? 1 : -1;
        v->tried = 0;
        decode_start(ide, v, (from + n + (size_t)v->step) % n);
    }
    return true;
}
