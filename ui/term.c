#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <time.h>
#include <wchar.h>
#include <unistd.h>

#include "base64.h"
#include "colors.h"
#include "textnav.h"
#include "xalloc.h"

UiStyle ui_style[ROLE_COUNT];

/* Codes above curses' own for the sequences we define. */
enum { CODE_PASTE_START = KEY_MAX + 1, CODE_PASTE_END, CODE_FIRST_FREE };

long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void map_code(Term *t, int code, Key key)
{
    if (code <= 0 || t->ncodes == (int)(sizeof t->codes / sizeof *t->codes))
        return;
    for (int i = 0; i < t->ncodes; i++)
        if (t->codes[i].code == code)
            return;
    t->codes[t->ncodes].code = code;
    t->codes[t->ncodes].key = key;
    t->ncodes++;
}

/* Make seq produce key: reuse the code curses gives it, else define it. */
static void define_seq(Term *t, const char *seq, Key key, int *next_code)
{
    if (!seq || seq == (char *)-1 || !seq[0])
        return;
    int code = key_defined(seq);
    if (code > 0) {
        map_code(t, code, key);
        return;
    }
    if (code < 0)
        return; /* a prefix of another key: leave it */
    if (define_key(seq, *next_code) == OK)
        map_code(t, (*next_code)++, key);
}

/* The keys terminals send with modifiers.  terminfo names them kLFT5 and
 * so on (xterm's numbering: 2 Shift, 3 Alt, 4 Shift-Alt, 5 Ctrl, 6
 * Ctrl-Shift, 7 Ctrl-Alt); when the terminal description lacks them (TERM
 * =screen), xterm's sequences, which most terminals and tmux send, are
 * defined as well. */
static void define_extended_keys(Term *t)
{
    static const struct {
        const char *cap; /* terminfo name without the modifier digit */
        const char *csi; /* xterm: CSI 1;<m> <final> or CSI <n>;<m> ~ */
        Key key;
    } keys[] = {
        {"kLFT", "D", TK_LEFT}, {"kRIT", "C", TK_RIGHT}, {"kUP", "A", TK_UP}, {"kDN", "B", TK_DOWN},
        {"kHOM", "H", TK_HOME}, {"kEND", "F", TK_END},   {"kPRV", "5~", TK_PGUP},
        {"kNXT", "6~", TK_PGDN}, {"kDC", "3~", TK_DELETE}, {"kIC", "2~", TK_INSERT},
    };
    static const Key mods[8] = {0, 0, TK_SHIFT, TK_ALT, TK_SHIFT | TK_ALT, TK_CTRL, TK_CTRL | TK_SHIFT, TK_CTRL | TK_ALT};
    int next = CODE_FIRST_FREE;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        for (int m = 2; m <= 7; m++) {
            char cap[16], seq[32];
            snprintf(cap, sizeof cap, "%s%d", keys[i].cap, m);
            if (m == 2 && (!strcmp(keys[i].cap, "kLFT") || !strcmp(keys[i].cap, "kRIT")))
                snprintf(cap, sizeof cap, "%s", keys[i].cap); /* kLFT is Shift-Left */
            define_seq(t, tigetstr(cap), keys[i].key | mods[m], &next);
            if (keys[i].csi[1] == '~')
                snprintf(seq, sizeof seq, "\033[%c;%d~", keys[i].csi[0], m);
            else
                snprintf(seq, sizeof seq, "\033[1;%d%s", m, keys[i].csi);
            define_seq(t, seq, keys[i].key | mods[m], &next);
        }
    }
    /* F1..F12 with Shift, Alt, Ctrl as xterm sends them, whatever the
     * terminfo entry has of them (curses calls some F13..F60). */
    static const char *const fkeys[12] = {"1;%dP", "1;%dQ", "1;%dR", "1;%dS", "15;%d~", "17;%d~",
                                          "18;%d~", "19;%d~", "20;%d~", "21;%d~", "23;%d~", "24;%d~"};
    static const int fmods[] = {2, 3, 5, 6};
    for (size_t m = 0; m < sizeof fmods / sizeof *fmods; m++) {
        for (int f = 0; f < 12; f++) {
            char seq[24], tail[16];
            snprintf(tail, sizeof tail, fkeys[f], fmods[m]);
            snprintf(seq, sizeof seq, "\033[%s", tail);
            define_seq(t, seq, mods[fmods[m]] | TK_F(f + 1), &next);
        }
    }
    /* The arrows as a terminal sends them when it is not in application
     * mode: before tide's first frame set it, or when it ignores that. */
    define_seq(t, "\033[A", TK_UP, &next);
    define_seq(t, "\033[B", TK_DOWN, &next);
    define_seq(t, "\033[C", TK_RIGHT, &next);
    define_seq(t, "\033[D", TK_LEFT, &next);
    define_seq(t, "\033[H", TK_HOME, &next);
    define_seq(t, "\033[F", TK_END, &next);
    /* Home/End as some terminals send them in application mode. */
    define_seq(t, "\033[1~", TK_HOME, &next);
    define_seq(t, "\033[4~", TK_END, &next);
    define_seq(t, "\033OH", TK_HOME, &next);
    define_seq(t, "\033OF", TK_END, &next);
    define_key("\033[200~", CODE_PASTE_START);
    define_key("\033[201~", CODE_PASTE_END);
}

static void default_styles(Term *t)
{
    static const attr_t plain[ROLE_COUNT] = {
        [ROLE_TEXT] = A_NORMAL,        [ROLE_GUTTER] = A_DIM,          [ROLE_GUTTER_CURRENT] = A_BOLD,
        [ROLE_SELECTION] = A_REVERSE,  [ROLE_MATCH] = A_UNDERLINE | A_BOLD,
        [ROLE_MATCH_CURRENT] = A_REVERSE | A_BOLD, [ROLE_SPECIAL] = A_BOLD,
        [ROLE_TABBAR] = A_REVERSE,     [ROLE_TAB_ACTIVE] = A_BOLD,     [ROLE_STATUS] = A_REVERSE,
        [ROLE_STATUS_ERROR] = A_REVERSE | A_BOLD, [ROLE_PROMPT] = A_BOLD,
        [ROLE_DIALOG] = A_NORMAL,      [ROLE_DIALOG_SELECTED] = A_REVERSE, [ROLE_BORDER] = A_DIM,
        [ROLE_PANE_TITLE] = A_REVERSE | A_DIM, [ROLE_PANE_TITLE_FOCUSED] = A_REVERSE | A_BOLD,
        [ROLE_DIR] = A_BOLD,           [ROLE_GENERATED] = A_BOLD | A_UNDERLINE,
        [ROLE_RESULT_OK] = A_BOLD,     [ROLE_RESULT_FAIL] = A_BOLD | A_REVERSE,
        [ROLE_LINK] = A_UNDERLINE,
    };
    for (int i = 0; i < ROLE_COUNT; i++)
        ui_style[i] = (UiStyle){plain[i], 0};
    if (!t->color)
        return;
    /* A few of the eight basic colours, on the terminal's own background:
     * readable on dark and light terminals alike. */
    static const struct {
        UiRole role;
        short fg, bg;
        attr_t attr;
    } colored[] = {
        {ROLE_STATUS, COLOR_BLACK, COLOR_CYAN, A_NORMAL},
        {ROLE_STATUS_ERROR, COLOR_WHITE, COLOR_RED, A_BOLD},
        {ROLE_MATCH, COLOR_BLACK, COLOR_YELLOW, A_NORMAL},
        {ROLE_MATCH_CURRENT, COLOR_BLACK, COLOR_GREEN, A_BOLD},
        {ROLE_SPECIAL, COLOR_RED, -1, A_BOLD},
        {ROLE_TABBAR, COLOR_BLACK, COLOR_WHITE, A_NORMAL},
        {ROLE_TAB_ACTIVE, COLOR_WHITE, COLOR_BLUE, A_BOLD},
        {ROLE_PANE_TITLE_FOCUSED, COLOR_WHITE, COLOR_BLUE, A_BOLD},
        {ROLE_DIR, COLOR_BLUE, -1, A_BOLD},
        {ROLE_GENERATED, COLOR_GREEN, -1, A_BOLD},
        {ROLE_RESULT_OK, COLOR_GREEN, -1, A_BOLD},
        {ROLE_RESULT_FAIL, COLOR_RED, -1, A_BOLD},
        {ROLE_LINK, COLOR_CYAN, -1, A_UNDERLINE},
        {ROLE_DIALOG_SELECTED, COLOR_WHITE, COLOR_BLUE, A_BOLD},
    };
    for (size_t i = 0; i < sizeof colored / sizeof *colored; i++) {
        short pair = (short)(i + 1);
        if (init_pair(pair, colored[i].fg, colored[i].bg) == OK)
            ui_style[colored[i].role] = (UiStyle){colored[i].attr, pair};
    }
    colors_reserve_pairs((int)(sizeof colored / sizeof *colored));
}

bool term_usable(Err *err)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return err_set(err, "the IDE needs a terminal (stdin and stdout); for scripts use `tide run`");
    const char *term = getenv("TERM");
    if (!term || !*term)
        return err_set(err, "TERM is not set: tide cannot tell what the terminal can do");
    return true;
}

bool term_start(Term *t, Err *err)
{
    if (!term_usable(err))
        return false;
    const char *term = getenv("TERM");
    *t = (Term){0};
    /* Esc must close dialogs at once, not after curses' default second. */
    set_escdelay(25);
    SCREEN *screen = colors_newterm(stdout, stdin);
    if (!screen)
        return err_set(err, "cannot use the terminal '%s' (no terminfo entry?); try TERM=xterm-256color", term);
    /* A terminal that cannot place its cursor (TERM=dumb: Emacs' shell,
     * some CI logs) would get a screen of scrolled fragments. */
    const char *cup = tigetstr("cup");
    if (!cup || cup == (const char *)-1) {
        endwin();
        delscreen(screen);
        return err_set(err, "the terminal '%s' cannot move its cursor, which the IDE needs: run tide in a terminal "
                            "emulator (TERM=xterm-256color), or use `tide run`",
                       term);
    }
    t->started = true;
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    /* The main loop reads every pending key before it draws, so curses
     * need not look for typed keys (a poll each time) while it writes. */
    typeahead(-1);
    meta(stdscr, TRUE);
    const char *no_color = getenv("NO_COLOR");
    if (has_colors() && !(no_color && *no_color)) {
        start_color();
        use_default_colors();
        t->color = true;
    }
    default_styles(t);
    define_extended_keys(t);
    mousemask(ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION, NULL);
    mouseinterval(0); /* presses and releases as they come: no wait for a click */
    /* Bracketed paste: the terminal marks pasted text, which then goes in
     * as it is, in one undo step, without auto-indent. */
    fputs("\033[?2004h", stdout);
    fflush(stdout);
    /* ncurses 6.4 flushes its output at every cursor move until the first
     * return from endwin(), so a frame reached the terminal as several
     * writes, and the terminal (or tmux) woke for the first part of a key's
     * echo. Leaving and resuming at once makes each frame one write. */
    endwin();
    refresh();
    /* endwin() took the keypad out of application mode, and curses puts
     * it back only at its next read: keys typed before that would come
     * in the other mode. */
    const char *smkx = tigetstr("smkx");
    if (smkx && smkx != (const char *)-1) {
        putp(smkx);
        fflush(stdout);
    }
    return true;
}

void term_stop(Term *t)
{
    if (!t->started)
        return;
    t->started = false;
    mousemask(0, NULL);
    endwin();
    fputs("\033[?2004l", stdout);
    fflush(stdout);
    sb_free(&t->paste);
    sb_free(&t->pasted);
}

void term_style(WINDOW *w, UiRole role)
{
    wattr_set(w, ui_style[role].attr, ui_style[role].pair, NULL);
}

void term_page(UiRole body)
{
    term_style(stdscr, body);
    for (int y = 0; y < LINES; y++) {
        wmove(stdscr, y, 0);
        wclrtoeol(stdscr);
    }
    term_style(stdscr, ROLE_PANE_TITLE_FOCUSED);
    wmove(stdscr, 0, 0);
    for (int i = 0; i < COLS; i++)
        waddch(stdscr, ' ');
}

void term_plain(WINDOW *w)
{
    wattr_set(w, A_NORMAL, 0, NULL);
}

wchar_t term_char_shown(uint32_t cp, int *cols)
{
    int w = cp == UTF8_INVALID || cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? -1 : wcwidth((wchar_t)cp);
    if (w < 0)
        cp = '?', w = 1;
    *cols = w;
    return (wchar_t)cp;
}

/* The next character of s to draw: *wc and its columns (0 for a
 * combining one); returns its length in bytes. */
static int next_char(const char *s, wchar_t *wc, int *cols)
{
    uint32_t cp;
    int n = textnav_utf8_decode((const unsigned char *)s, strlen(s), &cp);
    *wc = term_char_shown(cp, cols);
    return n;
}

int term_text_cols(const char *s)
{
    int total = 0;
    while (*s) {
        wchar_t wc;
        int w;
        s += next_char(s, &wc, &w);
        total += w;
    }
    return total;
}

int term_put(int y, int x, const char *s, int skip, int cols)
{
    wchar_t run[512];
    size_t n = 0;
    int col = 0, drawn = 0, start = -1;
    while (*s && col < skip + cols && n + 1 < sizeof run / sizeof run[0]) {
        wchar_t wc;
        int w;
        s += next_char(s, &wc, &w);
        /* A combining character goes with the one before it, if that
         * was drawn. */
        if (w == 0) {
            if (n)
                run[n++] = wc;
            continue;
        }
        if (col >= skip && col + w <= skip + cols) {
            if (start < 0)
                start = col - skip;
            run[n++] = wc;
            drawn = col + w - skip;
        } else if (col < skip && col + w > skip) {
            col += w; /* cut by the left edge: its columns stay empty */
            continue;
        }
        col += w;
    }
    if (n)
        mvwaddnwstr(stdscr, y, x + start, run, (int)n);
    return drawn;
}

int term_wrap(const char *s, int cols, size_t *start, size_t *len, int max)
{
    if (max < 1)
        return 0;
    if (cols < 1)
        cols = 1;
    /* brk: just after the line's last space (the line's start: none yet);
     * brk_col: the columns up to it. */
    size_t n = strlen(s), line = 0, i = 0, brk = 0;
    int lines = 0, col = 0, brk_col = 0;
    while (i < n && lines < max - 1) {
        wchar_t wc;
        int w;
        int b = next_char(s + i, &wc, &w);
        if (col + w > cols && col > 0) {
            start[lines] = line;
            if (s[i] == ' ') { /* the space that overflows is the break */
                len[lines++] = i - line;
                line = i + 1;
                col = 0;
            } else if (brk > line) {
                len[lines++] = brk - 1 - line;
                line = brk;
                col -= brk_col;
            } else { /* one long word: cut where it overflows */
                len[lines++] = i - line;
                line = i;
                col = 0;
            }
            /* A line does not start with the spaces between words. */
            while (s[line] == ' ') {
                if (line < i)
                    col--;
                line++;
            }
            brk = line;
            brk_col = 0;
            i = line > i ? line : i;
            continue;
        }
        i += (size_t)b;
        col += w;
        if (s[i - 1] == ' ') {
            brk = i;
            brk_col = col;
        }
    }
    start[lines] = line;
    len[lines++] = n - line;
    return lines;
}

void term_style_with(WINDOW *w, UiRole role, attr_t extra)
{
    wattr_set(w, ui_style[role].attr | extra, ui_style[role].pair, NULL);
}

void term_clipboard(const char *text, size_t len)
{
    /* Terminals limit the escape's size; a huge copy stays internal. */
    if (len > 100000)
        return;
    StrBuf sb = {0};
    sb_puts(&sb, "\033]52;c;");
    base64_append(&sb, text, len);
    sb_puts(&sb, "\a");
    fwrite(sb.data, 1, sb.len, stdout);
    fflush(stdout);
    sb_free(&sb);
}

static Key key_of_code(const Term *t, int code)
{
    switch (code) {
    case KEY_UP: return TK_UP;
    case KEY_DOWN: return TK_DOWN;
    case KEY_LEFT: return TK_LEFT;
    case KEY_RIGHT: return TK_RIGHT;
    case KEY_HOME: return TK_HOME;
    case KEY_END: return TK_END;
    case KEY_PPAGE: return TK_PGUP;
    case KEY_NPAGE: return TK_PGDN;
    case KEY_IC: return TK_INSERT;
    case KEY_DC: return TK_DELETE;
    case KEY_BACKSPACE: return TK_BACKSPACE;
    case KEY_ENTER: return TK_ENTER;
    case KEY_BTAB: return TK_SHIFT | TK_TAB;
    case KEY_SLEFT: return TK_SHIFT | TK_LEFT;
    case KEY_SRIGHT: return TK_SHIFT | TK_RIGHT;
    case KEY_SR: return TK_SHIFT | TK_UP;
    case KEY_SF: return TK_SHIFT | TK_DOWN;
    case KEY_SHOME: return TK_SHIFT | TK_HOME;
    case KEY_SEND: return TK_SHIFT | TK_END;
    case KEY_SDC: return TK_SHIFT | TK_DELETE;
    case KEY_SPREVIOUS: return TK_SHIFT | TK_PGUP;
    case KEY_SNEXT: return TK_SHIFT | TK_PGDN;
    case KEY_B2: return TK_NONE;
    case KEY_RESIZE: return TK_RESIZE;
    default: break;
    }
    if (code >= KEY_F(1) && code <= KEY_F(12))
        return TK_F(code - KEY_F(0));
    if (code >= KEY_F(13) && code <= KEY_F(24)) /* xterm: Shift-F1.. */
        return TK_SHIFT | TK_F(code - KEY_F(12));
    if (code >= KEY_F(25) && code <= KEY_F(36)) /* Ctrl-F1.. */
        return TK_CTRL | TK_F(code - KEY_F(24));
    for (int i = 0; i < t->ncodes; i++)
        if (t->codes[i].code == code)
            return t->codes[i].key;
    return TK_NONE;
}

static Key key_of_char(wint_t c)
{
    switch (c) {
    case '\r':
    case '\n': return TK_ENTER;
    case '\t': return TK_TAB;
    case 27: return TK_ESC;
    case 127: return TK_BACKSPACE;
    case 8: return TK_CTRL | TK_BACKSPACE; /* what xterm sends for Ctrl-Backspace */
    case 0: return TK_CTRL | ' ';
    /* The four after Ctrl-Z; 31 is also Ctrl-_ (and Ctrl-7). */
    case 28: return TK_CTRL | '\\';
    case 29: return TK_CTRL | ']';
    case 30: return TK_CTRL | '^';
    case 31: return TK_CTRL | '/';
    default: break;
    }
    if (c < 32)
        return TK_CTRL | (Key)('a' + c - 1);
    return (Key)c;
}

static bool read_mouse(Term *t, InputEvent *ev)
{
    MEVENT me;
    if (getmouse(&me) != OK)
        return false;
    ev->key = TK_MOUSE;
    ev->x = me.x;
    ev->y = me.y;
    ev->shift = (me.bstate & BUTTON_SHIFT) != 0;
    ev->ctrl = (me.bstate & BUTTON_CTRL) != 0;
    ev->alt = (me.bstate & BUTTON_ALT) != 0;
    ev->clicks = 1;
    if (me.bstate & BUTTON4_PRESSED) {
        ev->mouse = MOUSE_WHEEL_UP;
    } else if (me.bstate & BUTTON5_PRESSED) {
        ev->mouse = MOUSE_WHEEL_DOWN;
    } else if (me.bstate & (BUTTON1_PRESSED | BUTTON2_PRESSED | BUTTON3_PRESSED)) {
        ev->mouse = MOUSE_PRESS;
        ev->button = me.bstate & BUTTON1_PRESSED ? 1 : me.bstate & BUTTON2_PRESSED ? 2 : 3;
        if (ev->button == 1) {
            long long now = now_ms();
            if (now - t->last_click_ms < 400 && me.x == t->last_click_x && me.y == t->last_click_y)
                t->clicks++;
            else
                t->clicks = 1;
            t->last_click_ms = now;
            t->last_click_x = me.x;
            t->last_click_y = me.y;
            ev->clicks = t->clicks;
            t->button_down = true;
        }
    } else if (me.bstate & (BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON1_TRIPLE_CLICKED)) {
        /* A press and a release that arrived together: curses reports a
         * click even with mouseinterval(0). */
        ev->mouse = MOUSE_PRESS;
        ev->button = 1;
        ev->clicks = me.bstate & BUTTON1_TRIPLE_CLICKED ? 3 : me.bstate & BUTTON1_DOUBLE_CLICKED ? 2 : 1;
        ev->released = true;
        t->button_down = false;
    } else if (me.bstate & (BUTTON2_CLICKED | BUTTON3_CLICKED)) {
        ev->mouse = MOUSE_PRESS;
        ev->button = me.bstate & BUTTON2_CLICKED ? 2 : 3;
    } else if (me.bstate & (BUTTON1_RELEASED | BUTTON2_RELEASED | BUTTON3_RELEASED)) {
        ev->mouse = MOUSE_RELEASE;
        ev->button = me.bstate & BUTTON1_RELEASED ? 1 : me.bstate & BUTTON2_RELEASED ? 2 : 3;
        t->button_down = false;
    } else if (me.bstate & REPORT_MOUSE_POSITION) {
        if (!t->button_down)
            return false; /* the pointer moving over us: nothing to do */
        ev->mouse = MOUSE_DRAG;
        ev->button = 1;
    } else {
        return false;
    }
    return true;
}

/* Text between the paste markers, gathered across reads. */
static bool read_paste(Term *t, InputEvent *ev)
{
    for (;;) {
        wint_t c;
        int r = wget_wch(stdscr, &c);
        if (r == ERR)
            return false; /* the rest has not arrived yet */
        if (r == KEY_CODE_YES) {
            if (c == CODE_PASTE_END) {
                t->in_paste = false;
                sb_free(&t->pasted);
                t->pasted = t->paste;
                t->paste = (StrBuf){0};
                ev->key = TK_PASTE;
                ev->paste = t->pasted.data ? t->pasted.data : "";
                ev->paste_len = t->pasted.len;
                return true;
            }
            if (c == KEY_ENTER)
                sb_append(&t->paste, "\r", 1);
            continue; /* other keys inside a paste are not text */
        }
        char buf[4];
        int n = textnav_utf8_encode((uint32_t)c, buf);
        sb_append(&t->paste, buf, (size_t)n);
    }
}

bool term_read(Term *t, InputEvent *ev)
{
    *ev = (InputEvent){.key = TK_NONE};
    if (t->in_paste)
        return read_paste(t, ev);
    for (;;) {
        wint_t c;
        int r = wget_wch(stdscr, &c);
        if (r == ERR)
            return false;
        if (r == KEY_CODE_YES) {
            if (c == CODE_PASTE_START) {
                t->in_paste = true;
                sb_free(&t->paste);
                return read_paste(t, ev);
            }
            if (c == CODE_PASTE_END)
                continue;
            if (c == KEY_MOUSE) {
                if (read_mouse(t, ev))
                    return true;
                continue;
            }
            ev->key = key_of_code(t, (int)c);
            if (ev->key == TK_NONE)
                continue;
            return true;
        }
        ev->key = key_of_char(c);
        if (ev->key == TK_ESC) {
            /* Esc followed at once by a key is Alt with that key. */
            wint_t c2;
            int r2 = wget_wch(stdscr, &c2);
            if (r2 == OK && c2 != 27) {
                Key k = key_of_char(c2);
                ev->key = TK_ALT | (k >= 'A' && k <= 'Z' ? k + 32 : k);
            } else if (r2 == KEY_CODE_YES) {
                Key k = key_of_code(t, (int)c2);
                if (k != TK_NONE && k != TK_RESIZE && c2 != KEY_MOUSE && c2 != CODE_PASTE_START)
                    ev->key = TK_ALT | k;
                else
                    ungetch((int)c2); /* not an Alt combination: read it next */
            } else if (r2 == OK) {
                unget_wch(c2); /* a second Esc: its own key */
            }
        }
        return true;
    }
}
