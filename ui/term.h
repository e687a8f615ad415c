/* The terminal: ncurses set up for an editor (raw keys so Ctrl-S/Q/Z/C
 * reach us, mouse with drag, bracketed paste, the extended keys terminals
 * send for Shift/Ctrl with arrows, Home, End...), input decoded into
 * Keys, the clipboard escape (OSC 52), and the styles of the IDE's parts.
 *
 * Styles: ui_style[ROLE] is what each part of the screen is drawn with.
 * term_start fills it with plain attributes (or a few basic colours when
 * the terminal has them and NO_COLOR is not set); a theme (ui/colors.c)
 * may overwrite the entries. */
#ifndef TIDE_TERM_H
#define TIDE_TERM_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "err.h"
#include "keymap.h"

typedef enum {
    ROLE_TEXT,
    ROLE_GUTTER,
    ROLE_GUTTER_CURRENT,
    ROLE_SELECTION,
    ROLE_MATCH,
    ROLE_MATCH_CURRENT,
    ROLE_SPECIAL, /* ^X and <XX>: bytes shown by their codes */
    ROLE_TABBAR,
    ROLE_TAB_ACTIVE,
    ROLE_STATUS,
    ROLE_STATUS_ERROR,
    ROLE_PROMPT,
    ROLE_DIALOG,
    ROLE_DIALOG_SELECTED,
    ROLE_BORDER,
    ROLE_PANE_TITLE,
    ROLE_PANE_TITLE_FOCUSED,
    ROLE_DIR,
    ROLE_GENERATED,
    ROLE_RESULT_OK,
    ROLE_RESULT_FAIL,
    ROLE_LINK, /* file:line in run output */
    ROLE_COUNT
} UiRole;

typedef struct UiStyle {
    attr_t attr;
    short pair;
} UiStyle;

extern UiStyle ui_style[ROLE_COUNT];

typedef enum { MOUSE_PRESS, MOUSE_DRAG, MOUSE_RELEASE, MOUSE_WHEEL_UP, MOUSE_WHEEL_DOWN } MouseKind;

typedef struct InputEvent {
    Key key; /* TK_MOUSE, TK_PASTE, TK_RESIZE or a key */
    /* TK_MOUSE */
    MouseKind mouse;
    int x, y;
    int button; /* 1 left, 2 middle, 3 right */
    bool shift, ctrl, alt;
    int clicks; /* 2 for a double click */
    bool released; /* a press whose release came with it: the click is whole */
    /* TK_PASTE: the pasted text (owned by the terminal layer until the
     * next term_read), line breaks as the terminal sent them */
    const char *paste;
    size_t paste_len;
} InputEvent;

typedef struct Term {
    bool started;
    bool color;
    int ncodes;
    struct {
        int code;
        Key key;
    } codes[160]; /* curses key codes of the extended keys */
    bool in_paste;
    StrBuf paste;
    StrBuf pasted; /* the last complete paste, handed out */
    /* mouse state */
    bool button_down;
    long long last_click_ms;
    int last_click_x, last_click_y, clicks;
} Term;

/* Whether there is a terminal to start on (checked before anything is
 * created on disk). */
bool term_usable(Err *err);
/* Start curses on the terminal; false (with a message) when stdin/stdout
 * is not a terminal or TERM is unusable. */
bool term_start(Term *t, Err *err);
/* Restore the terminal (idempotent). */
void term_stop(Term *t);
/* One event, without waiting; false when there is none. */
bool term_read(Term *t, InputEvent *ev);
/* Ask the terminal to put text on the system clipboard (OSC 52). */
void term_clipboard(const char *text, size_t len);
/* Draw with a role's style. */
void term_style(WINDOW *w, UiRole role);
/* Before writing cells that carry their own style (cchar_t): curses adds
 * the window's current attributes and colour to every cell written. */
void term_plain(WINDOW *w);
/* A screen-wide page (F1's keys, a picture): every row cleared in the
 * body's style, the first a blank title bar, left in the title's style. */
void term_page(UiRole body);
/* Draw with a role's style plus extra attributes. */
void term_style_with(WINDOW *w, UiRole role, attr_t extra);
long long now_ms(void);

/* The character a code point from textnav_utf8_decode shows as in names and
 * messages ('?' for an invalid byte or a control character), and its
 * columns in *cols (0 for a combining character). */
wchar_t term_char_shown(uint32_t cp, int *cols);
/* Columns UTF-8 text takes when drawn by term_put. */
int term_text_cols(const char *s);
/* Draw UTF-8 text (names, messages: one line) at (y, x) with the current
 * style, leaving out its first skip columns and stopping before cols more;
 * a wide character that either edge would cut is left out, and a byte
 * that is not valid UTF-8 or a control character shows as '?'.  Widths
 * are counted in columns, not bytes, so a name in another script is
 * neither cut early nor spilled over.  Returns the columns drawn. */
int term_put(int y, int x, const char *s, int skip, int cols);
/* Lines of at most cols columns that UTF-8 text (one paragraph) wraps
 * into, broken after a space where a line has one: line i is the
 * len[i] bytes at start[i] (the space it was broken at left out).
 * Returns the number of lines, at most max: the last then holds the rest. */
int term_wrap(const char *s, int cols, size_t *start, size_t *len, int max);

#endif
