/* The theme on the terminal: loads the chosen theme (src/theme.*), fits
 * its colours to what the terminal can show, allocates the curses colour
 * pairs, and fills the styles the IDE draws with: ui_style[ROLE] for the
 * parts of the screen and one style per capture name for the editor.
 *
 * Truecolor needs a terminfo entry that can say it: when COLORTERM says
 * truecolor and TERM is FOO-256color, colors_newterm starts curses with
 * FOO-direct if the system has it (ncurses-term ships xterm-, tmux-, vte-,
 * konsole-direct and others), else the theme is shown in 256 colours. */
#ifndef TIDE_COLORS_H
#define TIDE_COLORS_H

#include <curses.h>
#include <stdbool.h>
#include <stdio.h>

#include "err.h"
#include "syntax.h"
#include "term.h"
#include "theme.h"
#include "xalloc.h"

/* newterm(), with the direct-colour variant of TERM when truecolor is
 * wanted and available.  NULL when the terminal cannot be used. */
SCREEN *colors_newterm(FILE *out, FILE *in);

/* Load the theme called name (NULL: the default) from the theme folders
 * (config_dir/themes first) and apply it: call after start_color().  When
 * it cannot be loaded the built-in default is applied and err says why
 * (FILE:LINE: ...); returns false then. */
bool colors_load(const char *name, const char *config_dir, Err *err);
/* Free the theme (at exit). */
void colors_unload(void);
/* The name of the theme in use. */
const char *colors_theme_name(void);
/* The names of the themes that can be chosen, sorted. */
void colors_theme_names(const char *config_dir, StrList *names);
/* What the terminal shows: truecolor, 256, 16, 8 colours or none. */
ColorDepth colors_depth(void);

/* A colour as curses takes it (init_pair, alloc_pair) on this terminal,
 * from a palette index 0-255 or an RGB value: with a -direct terminfo
 * numbers from 8 up are RGB values, so a palette index must not be passed
 * as it is; without truecolor an RGB value becomes the nearest palette
 * colour.  For colours that do not come from the theme (the execution
 * panel's programs). */
int colors_palette(unsigned index);
int colors_rgb(uint32_t rgb);

/* The colour pair for fg on bg (colours as above, -1 the terminal's own),
 * made if need be; 0 (the terminal's colours) when the terminal has no
 * pair left, rather than one taken back from another use as alloc_pair
 * would: that recolours the IDE's own text wherever it is on the screen
 * (an 8-colour terminal has 64 pairs; a picture or a program's output can
 * ask for more). */
int colors_pair(int fg, int bg);
/* Pairs 1 to n are set with init_pair elsewhere (term.c's defaults). */
void colors_reserve_pairs(int n);

/* The style of a capture, and of a capture under a syntax error. */
UiStyle colors_hl(SyntaxHl hl);
UiStyle colors_hl_error(SyntaxHl hl);

#endif
