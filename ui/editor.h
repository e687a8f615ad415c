/* The editor pane: the view of one open document (cursor, selection,
 * scroll position), the editing commands as a user gives them (typing
 * with auto-indent, paste, clipboard, undo grouping, indenting), and
 * drawing the visible rows.
 *
 * Positions are byte offsets into the document's Buffer.  Display columns
 * are computed from the line start, with a cache of anchors along long
 * lines, so a 14 MB line costs a scan once, not per keystroke; only the
 * visible columns are drawn.
 *
 * Highlighting plugs in through EditorHooks (ui/highlight.c provides
 * them; ui/tui.c installs them with editor_set_hooks). */
#ifndef TIDE_EDITOR_H
#define TIDE_EDITOR_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "document.h"
#include "keymap.h"
#include "search.h"
#include "term.h"

typedef struct View View;

/* What a highlighter plugs into the editor pane.  Every callback is
 * optional and runs on the UI thread. */
typedef struct EditorHooks {
    /* A document was opened, or its language changed: return the
     * highlighter's state for it (NULL: no highlighting).  The state may
     * listen to doc->buf (buffer_listen) for edits.  wake(wake_ud) may be
     * called from any thread to have the screen redrawn (a background
     * parse finished). */
    void *(*attach)(Document *doc, void (*wake)(void *), void *wake_ud);
    void (*detach)(void *state);
    /* The rows [first_line, last_line] are about to be drawn. */
    void (*prepare)(void *state, size_t first_line, size_t last_line);
    /* Whether style() can give the styles of those rows at once, as the
     * last prepare() left them (moved along by edits since), with no
     * parse to ask for and no query to run. */
    bool (*ready)(void *state, size_t first_line, size_t last_line);
    /* The styles of the bytes [start, end) of one line: out[i] is the
     * style of byte start + i.  out comes filled with ROLE_TEXT's style. */
    void (*style)(void *state, size_t start, size_t end, UiStyle *out);
    /* A one-line note about the text at offset (a syntax error) for the
     * status bar, or NULL. */
    const char *(*hint)(void *state, size_t offset);
} EditorHooks;

void editor_set_hooks(const EditorHooks *hooks, void (*wake)(void *), void *wake_ud);

/* What editing commands need from the rest of the IDE. */
/* Where the last line cut left the text: a cut of the line there, with
 * nothing done in between, adds to the clipboard instead of replacing it
 * (Ctrl-K three times, then one paste, moves three lines, as in nano and
 * micro). */
typedef struct CutChain {
    const void *buf; /* NULL: no chain */
    uint64_t version;
    size_t cursor;
} CutChain;

typedef struct EditorEnv {
    const Config *cfg;
    StrBuf *clipboard;
    bool *clip_lines; /* the clipboard holds whole lines (copied with no selection) */
    CutChain *chain;
} EditorEnv;

typedef enum { OP_NONE, OP_TYPE, OP_BACKSPACE, OP_DELETE } EditOp;

typedef struct ColAnchor {
    size_t line_start, off, col, chars;
} ColAnchor;

struct View {
    Document *doc;
    size_t cursor, anchor;
    bool selecting; /* a selection is [anchor, cursor) in either order */
    size_t top;     /* first line shown */
    size_t left;    /* first display column shown */
    size_t want_col;
    bool want_col_set;
    bool follow;    /* bring the cursor into view at the next draw */
    bool center;    /* ... in the middle of the pane (after a jump) */
    bool refused;   /* an edit was refused (doc->locked): the IDE says why */
    EditOp last_op;
    size_t last_op_end;
    long long last_op_ms;
    bool last_was_space;
    ColAnchor *anchors;
    size_t nanchors, capanchors;
    int listen;
    int tabw;
    void *hl; /* the highlighter's state */
    uint64_t serial; /* which view this is, for the row cache */
    /* the text area at the last draw */
    int y, x, height, width, gutter;
};

/* tabw: the columns of a tab (the config's editor.tab_width). */
View *view_new(Document *doc, int tabw);
void view_free(View *v);
/* Language changed: attach the highlighter again. */
void view_reattach(View *v);

/* Movement, selection and editing keys (arrows, Home/End, PgUp/PgDn,
 * Ctrl- and Shift- forms, Enter, Tab, Backspace, Delete, text).
 * False when the key is not one of them. */
bool view_key(View *v, const EditorEnv *env, Key k);
/* Typed text (one character, or an IME's several). */
void view_type(View *v, const EditorEnv *env, const char *text, size_t len);
/* A bracketed paste: inserted as it is (line breaks converted to the
 * file's), in one undo step, without auto-indent. */
void view_paste_text(View *v, const char *text, size_t len);
void view_copy(View *v, const EditorEnv *env, bool cut);
void view_paste(View *v, const EditorEnv *env);
void view_cut_line(View *v, const EditorEnv *env);
void view_duplicate(View *v);
/* Comment out the cursor's line or the selected lines with a line comment
 * starting with mark ("#", "//"), or, when every line with text is one,
 * take the marks away; one undo step. */
void view_toggle_comment(View *v, const char *mark);
/* Move the cursor's line or the selected lines up (dir -1) or down (1)
 * past the next line, the cursor and selection with them. */
void view_move_lines(View *v, int dir);
void view_select_all(View *v);
bool view_undo(View *v);
bool view_redo(View *v);
/* Put the cursor at line (from 0) and display column... as a jump. */
void view_goto(View *v, size_t line, size_t col);
/* Select [start, end) with the cursor at end, as a jump. */
void view_select(View *v, size_t start, size_t end);
/* The selection [*start, *end); false when there is none. */
bool view_selection(const View *v, size_t *start, size_t *end);
void view_scroll(View *v, long lines);
/* A mouse press/drag in the text area at screen (y, x). */
void view_mouse(View *v, int y, int x, bool press, bool extend, int clicks);

/* Line and column (from 0; the column counts characters) of the cursor. */
void view_cursor_pos(View *v, size_t *line, size_t *col);

/* What the text area's rows show, as a hash of what each was built from,
 * so that a redraw builds and writes only the rows that changed (a
 * keystroke changes one or two): a full redraw was most of a keystroke's
 * time.  It stands for the window's contents, so whoever draws over the
 * area or erases it must forget it. */
typedef struct RowCache {
    int y, x, h, w;  /* the area it holds; h == 0: nothing */
    bool *known;     /* the row was drawn since the cache was made */
    uint64_t *sig;   /* what each row was built from, hashed */
    bool *narrow;    /* the row's cells are in shown: one per column */
    cchar_t *shown;  /* h rows of w cells */
    /* What the last view_draw showed, for view_draw_echo. */
    uint64_t view; /* the serial of the view drawn */
    size_t top, left, lines, cur_line;
    int gutter;
    bool plain;      /* no selection or search marks */
    uint64_t seed;   /* where each row's signature started */
    /* scratch space for building rows */
    UiStyle *styles;
    char *bytes;
    cchar_t *cells;
    size_t nstyles, ncells;
} RowCache;

void row_cache_forget(RowCache *rc);
void row_cache_free(RowCache *rc);
/* Whether rc holds the window's contents of exactly this area. */
bool row_cache_holds(const RowCache *rc, int y, int x, int h, int w);

/* Draw into w at (y, x), h rows by w columns.  Matches of search in the
 * visible rows are marked; [cur_start, cur_end) is the current match.
 * rc (may be NULL: every row is written) is what the area showed and is
 * kept up to date.  Returns the screen position of the cursor in *cy, *cx
 * (-1 when not visible). */
void view_draw(View *v, WINDOW *win, int y, int x, int h, int w, const Config *cfg, const Search *search,
               size_t cur_start, size_t cur_end, RowCache *rc, int *cy, int *cx);
/* A keystroke's echo: when the last view_draw into rc left everything
 * but the cursor's row as it still is (the same scroll, lines and cursor
 * line, no selection or search marks, the highlighter ready), draw that
 * row alone, if it changed, with view_draw's arguments, and return true
 * with the cursor's screen position.  The caller shows it at once and
 * draws the whole frame a moment later, which finds that row done.  A keystroke is then
 * on screen before the work that follows it (the other rows' checks, the
 * status bar, asking for a parse): that work was most of its delay. */
bool view_draw_echo(View *v, WINDOW *win, int y, int x, int h, int w, const Config *cfg, RowCache *rc, int *cy,
                    int *cx);
/* The highlighter's note at the cursor, or NULL. */
const char *view_hint(View *v);

#endif
