/* Colour themes: plain text files (themes/NAME.theme) that give a style to
 * capture names ("keyword", "function.method") and to parts of the UI
 * ("ui.statusbar"), and the arithmetic that fits a theme's colours to what
 * the terminal can show (truecolor, 256, 16 or 8 colours, or none when
 * NO_COLOR is set).  No curses here: ui/colors.* turns styles into colour
 * pairs.
 *
 * A line of a theme file is `KEY = [FG [BG]] [ATTR...]`:
 *   colours: #rrggbb, a palette index 0-255, a name of the 16 terminal
 *            colours (black red green yellow blue magenta cyan white, each
 *            also as bright-NAME), `default` (the terminal's own colour) or
 *            `-` (not set here: taken from the `default` key);
 *   attributes: bold italic underline reverse dim.
 * Blank lines and lines starting with # are ignored.  A key names the
 * style of every capture it is a dotted prefix of: `function` styles
 * `function.method.call` unless a longer prefix is in the theme.  `default`
 * is the style of plain text; `error` is laid over the ranges of syntax
 * errors.  docs/themes.md lists the keys tide uses. */
#ifndef TIDE_THEME_H
#define TIDE_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "xalloc.h"

typedef enum {
    THEME_COLOR_UNSET,   /* not given: inherit */
    THEME_COLOR_DEFAULT, /* the terminal's default colour */
    THEME_COLOR_INDEX,   /* a palette index, 0-255 */
    THEME_COLOR_RGB,     /* 0xRRGGBB */
} ThemeColorKind;

typedef struct ThemeColor {
    ThemeColorKind kind;
    uint32_t value;
} ThemeColor;

enum {
    THEME_BOLD = 1 << 0,
    THEME_ITALIC = 1 << 1,
    THEME_UNDERLINE = 1 << 2,
    THEME_REVERSE = 1 << 3,
    THEME_DIM = 1 << 4,
};

typedef struct ThemeStyle {
    ThemeColor fg, bg;
    unsigned attrs;
} ThemeStyle;

typedef struct ThemeEntry {
    char *key;
    ThemeStyle style;
} ThemeEntry;

typedef struct Theme {
    char *name;
    char *path; /* the file it came from; NULL for the built-in default */
    ThemeEntry *entries;
    size_t n;
} Theme;

/* What the terminal can show. */
typedef enum {
    COLOR_DEPTH_NONE,
    COLOR_DEPTH_8,
    COLOR_DEPTH_16,
    COLOR_DEPTH_256,
    COLOR_DEPTH_TRUE,
} ColorDepth;

/* The name of the theme used when none is configured. */
#define THEME_DEFAULT_NAME "dark"

/* Parse a theme's text; origin names it in messages ("FILE:LINE: ..."). */
bool theme_parse(const char *name, const char *text, size_t len, const char *origin, Theme **out,
                 Err *err);
/* The dark theme, compiled in: what tide falls back to. */
Theme *theme_builtin(void);
void theme_free(Theme *t);

/* Where themes are looked for, in order: config_dir/themes (the user's),
 * the themes/ folder next to the tide binary (a checkout), then the
 * installed ones (TIDE_DATADIR/themes). */
void theme_dirs(const char *config_dir, StrList *dirs);
/* Load NAME.theme from the first folder of dirs that has it. */
bool theme_load(const char *name, const StrList *dirs, Theme **out, Err *err);
/* Like theme_load, but never without a theme: when NAME cannot be loaded,
 * the built-in default is returned and err says why (returns false). */
bool theme_open(const char *name, const StrList *dirs, Theme **out, Err *err);
/* Every theme name found in dirs, sorted, each once. */
void theme_list(const StrList *dirs, StrList *names);

/* The entry for key by longest dotted prefix, or NULL. */
const ThemeStyle *theme_lookup(const Theme *t, const char *key);
/* The style of key with what it leaves unset taken from `default`. */
ThemeStyle theme_style(const Theme *t, const char *key);

/* What a terminal can show: none when NO_COLOR is set (to anything but
 * the empty string), truecolor when COLORTERM says truecolor or 24bit and
 * the terminal has colours at all, else by its number of colours. */
ColorDepth theme_depth(const char *no_color, const char *colorterm, int term_colors);
/* The colour to use at depth: RGB colours become the nearest palette
 * colour below truecolor, palette colours the nearest of 16 or 8; at
 * COLOR_DEPTH_NONE everything becomes the terminal's default. */
ThemeColor theme_color_at(ThemeColor c, ColorDepth depth);
/* The RGB value the xterm palette gives an index 0-255. */
uint32_t theme_palette_rgb(unsigned index);

#endif
