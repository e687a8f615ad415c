/* F1: every key of the IDE on one scrollable page, with the user's own
 * bindings from the config, after what was wrong in the config file. */
#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "ide.h"
#include "xalloc.h"

static const char *const fixed[][2] = {
    {"", "Moving and selecting"},
    {"Arrows, Home, End", "move (Home: first non-blank, again: column 1)"},
    {"PageUp, PageDown", "move by a screen"},
    {"Ctrl-Left, Ctrl-Right", "move by word"},
    {"Ctrl-Home, Ctrl-End", "start, end of the file"},
    {"Shift + any move", "select"},
    {"Ctrl-Up, Ctrl-Down", "scroll without moving"},
    {"", "Indenting and deleting"},
    {"Tab, Shift-Tab", "indent, unindent (the selected lines)"},
    {"Ctrl-Backspace, Ctrl-Delete", "delete a word"},
    {"Shift-Delete", "cut the line"},
    {"Enter", "new line, keeping the indentation (and the brackets' closer below)"},
    {"", "Mouse"},
    {"click, drag", "place the cursor, select (double click: word, triple: line)"},
    {"drag held past an edge", "select on: the text scrolls"},
    {"Shift-click", "extend the selection"},
    {"wheel", "scroll the pane under the pointer"},
    {"", "In prompts"},
    {"Enter, Esc", "accept, cancel"},
    {"Tab", "complete a file name"},
    {"Alt-R", "find: switch between plain text and regex"},
    {"", "Run panel ({next_pane} to reach it)"},
    {"(while it runs)", "keys go to the program, but F-keys, Alt and Ctrl-S, Q, O, N"},
    {"(once it ended) typing, a paste", "goes on in the editor"},
    {"Up, Down", "previous, next line that names a file and line"},
    {"Enter, click", "open the file at that line (or the picture the run saved)"},
    {"drag or {select_all}, {copy}", "pick output text (all of it), copy it; Esc lets go"},
    {"{find}, {find_next}, {find_prev}", "find in the output (any case), next, previous"},
    {"PageUp, PageDown, wheel", "scroll back"},
    {"Home, End", "oldest line kept, newest"},
    {"Left, Right", "{history}: older, newer result; a picture: the one before, after"},
    {"r", "{history}: the result's code back in its file's tab ({undo} undoes it)"},
    {"d", "{history}: what changed in the file since the result (again: the result)"},
    {"Esc", "back to the editor ({history}: to the last run; a picture: back)"},
    {"", "Explorer ({explorer}, {next_pane} to reach it)"},
    {"Enter, click", "open the file, fold or unfold the folder"},
    {"Left, Right", "fold, unfold"},
    {"n, N", "new file, new folder"},
    {"r, Delete", "rename, delete (asks first; not a run's files)"},
};

static const Action sections[][16] = {
    {ACT_SAVE, ACT_SAVE_AS, ACT_OPEN, ACT_NEW, ACT_CLOSE, ACT_QUIT, ACT_NEXT_TAB, ACT_PREV_TAB, ACT_NONE},
    {ACT_UNDO, ACT_REDO, ACT_COPY, ACT_CUT, ACT_PASTE, ACT_SELECT_ALL, ACT_CUT_LINE, ACT_DUPLICATE_LINE, ACT_COMMENT,
     ACT_MOVE_LINE_UP, ACT_MOVE_LINE_DOWN, ACT_NONE},
    {ACT_FIND, ACT_FIND_NEXT, ACT_FIND_PREV, ACT_REPLACE, ACT_GOTO, ACT_NONE},
    {ACT_RUN, ACT_RUN_ARGS, ACT_STOP, ACT_LANGUAGE, ACT_NEW_SESSION, ACT_HISTORY, ACT_PANEL, ACT_NEXT_PANE, ACT_EXPLORER,
     ACT_THEME, ACT_HELP, ACT_NONE},
};
static const char *const section_names[] = {"Files and tabs", "Editing", "Finding", "Running and panes"};

/* A line of the page: keys | what; a line with no keys is a heading. */
typedef struct HelpLine {
    char keys[96];
    char text[512];
} HelpLine;

/* What was wrong in the config file (its first message said the first):
 * the line | what. */
static size_t config_lines(const Config *cfg, HelpLine *lines)
{
    if (!cfg->warnings.len)
        return 0;
    size_t n = 0;
    lines[n].keys[0] = '\0';
    snprintf(lines[n++].text, sizeof lines->text, "Problems in %s",
             cfg->path ? fileio_base_name(cfg->path) : "config");
    for (size_t i = 0; i < cfg->warnings.len; i++, n++) {
        const ConfigWarningAt *at = &cfg->warning_at[i];
        if (at->line > 0)
            snprintf(lines[n].keys, sizeof lines->keys, "line %d", at->line);
        else
            snprintf(lines[n].keys, sizeof lines->keys, "the file");
        snprintf(lines[n].text, sizeof lines->text, "%s", cfg->warnings.items[i] + at->what);
    }
    return n;
}

/* The page, in *out (free it); the number of lines. */
static size_t build(Ide *ide, HelpLine **out)
{
    size_t max = 1 + ide->app->cfg.warnings.len + sizeof fixed / sizeof *fixed;
    for (size_t s = 0; s < sizeof sections / sizeof *sections; s++) {
        max++; /* its heading */
        for (int i = 0; sections[s][i] != ACT_NONE; i++)
            max++;
    }
    HelpLine *lines = *out = xcalloc(max, sizeof *lines);
    size_t n = config_lines(&ide->app->cfg, lines);
    for (size_t s = 0; s < sizeof sections / sizeof *sections; s++) {
        lines[n].keys[0] = '\0';
        snprintf(lines[n++].text, sizeof lines->text, "%s", section_names[s]);
        for (int i = 0; sections[s][i] != ACT_NONE; i++, n++) {
            char keys[96];
            keymap_keys_of(&ide->keys, sections[s][i], keys, sizeof keys);
            snprintf(lines[n].keys, sizeof lines->keys, "%s", keys[0] ? keys : "(no key)");
            snprintf(lines[n].text, sizeof lines->text, "%s", action_help(sections[s][i]));
        }
    }
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++, n++) {
        /* Keys of the keymap as the user bound them. */
        ide_keys_in(ide, fixed[i][0], lines[n].keys, sizeof lines->keys);
        ide_keys_in(ide, fixed[i][1], lines[n].text, sizeof lines->text);
    }
    return n;
}

/* How many bytes of s go on a row of w columns (the page is ASCII): up to
 * the last space that fits, or w when a word is longer than the row. */
static int row_len(const char *s, int w)
{
    int n = (int)strlen(s);
    if (n <= w || w < 1)
        return n;
    for (int i = w; i > 0; i--)
        if (s[i] == ' ')
            return i;
    return w;
}

/* The rest of s after a row of len bytes, without the space it broke at. */
static const char *row_rest(const char *s, int len)
{
    s += len;
    return *s == ' ' ? s + 1 : s;
}

/* Rows an entry takes: its keys and its text each wrap in their column,
 * so nothing is cut off at 80 columns. */
static int entry_rows(const char *keys, const char *text, int kw, int tw)
{
    int rows = 0;
    while (*keys || *text || !rows) {
        keys = row_rest(keys, row_len(keys, kw));
        text = row_rest(text, row_len(text, tw));
        rows++;
    }
    return rows;
}

void help_draw(Ide *ide)
{
    HelpLine *lines;
    size_t n = build(ide, &lines);
    int h = LINES, w = COLS;
    term_page(ROLE_DIALOG);
    /* The whole title when it fits, else the part a user needs now. */
    static const char *const titles[] = {
        "tide: keys  (Esc or F1 closes; arrows and PageUp/PageDown scroll; [keys] in config.ini sets them)",
        "tide: keys  (Esc or F1 closes; arrows and PageUp/PageDown scroll)",
        "tide: keys  (Esc closes)",
    };
    size_t t = 0;
    while (t + 1 < sizeof titles / sizeof *titles && (int)strlen(titles[t]) > w - 2)
        t++;
    mvwaddnstr(stdscr, 0, 1, titles[t], w - 2);
    int rows = h - 1;
    int keyw = 30 < w / 2 ? 30 : w / 2, kw = keyw - 2, tw = w - keyw - 4;
    int total = 0;
    for (size_t i = 0; i < n; i++)
        total += lines[i].keys[0] ? entry_rows(lines[i].keys, lines[i].text, kw, tw) : 1;
    if (ide->overlay_scroll > total - rows)
        ide->overlay_scroll = total - rows > 0 ? total - rows : 0;
    int row = -ide->overlay_scroll;
    for (size_t i = 0; i < n && row < rows; i++) {
        if (!lines[i].keys[0]) {
            if (row >= 0) {
                term_style(stdscr, ROLE_DIR);
                mvwaddnstr(stdscr, row + 1, 1, lines[i].text, w - 2);
            }
            row++;
            continue;
        }
        const char *keys = lines[i].keys, *text = lines[i].text;
        for (bool first = true; (*keys || *text || first) && row < rows; first = false, row++) {
            int klen = row_len(keys, kw), tlen = row_len(text, tw);
            if (row >= 0) {
                term_style(stdscr, ROLE_PROMPT);
                mvwaddnstr(stdscr, row + 1, 3, keys, klen);
                term_style(stdscr, ROLE_DIALOG);
                if (tw > 0)
                    mvwaddnstr(stdscr, row + 1, keyw + 3, text, tlen);
            }
            keys = row_rest(keys, klen);
            text = row_rest(text, tlen);
        }
    }
    free(lines);
}

bool help_key(Ide *ide, Key k)
{
    switch (k) {
    case TK_UP:
        ide->overlay_scroll = ide->overlay_scroll > 0 ? ide->overlay_scroll - 1 : 0;
        break;
    case TK_DOWN:
        ide->overlay_scroll++;
        break;
    case TK_PGUP:
        ide->overlay_scroll = ide->overlay_scroll > LINES - 2 ? ide->overlay_scroll - (LINES - 2) : 0;
        break;
    case TK_PGDN:
    case ' ':
        ide->overlay_scroll += LINES - 2;
        break;
    case TK_HOME:
        ide->overlay_scroll = 0;
        break;
    default:
        if (k == TK_ESC || k == TK_F(1) || k == 'q' || keymap_lookup(&ide->keys, k) == ACT_HELP ||
            keymap_lookup(&ide->keys, k) == ACT_QUIT)
            ide->overlay = OVERLAY_NONE;
        break;
    }
    ide->dirty = true;
    return true;
}
