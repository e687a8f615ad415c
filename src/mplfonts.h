/* matplotlib's font list, kept between runs.
 *
 * Each run has a fresh HOME, so matplotlib would scan the system's fonts
 * again in every run that plots (130 ms of a 600 ms plot here).  tide keeps
 * the list a run of its own made (`import matplotlib.font_manager`,
 * sandboxed, with no file of the user's in sight: a program could write
 * anything in its own cache) and writes a copy into each later run's
 * HOME/.cache/matplotlib, where the program may change it as its own.
 *
 * Kept at $XDG_CACHE_HOME/tide/matplotlib/KEY, KEY a hash of what the list
 * depends on: the interpreter (path, version), its user site folder and
 * the system's font folders (a font installed makes a new list). */
#ifndef TIDE_MPLFONTS_H
#define TIDE_MPLFONTS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "paths.h"
#include "xalloc.h"

/* Where matplotlib keeps its cache in HOME, and its font lists there. */
#define MPLFONTS_HOME_DIR ".cache/matplotlib"

typedef struct MplFont {
    char *name; /* fontlist-vNNN.json */
    char *data;
    size_t len;
} MplFont;

typedef struct MplFonts {
    MplFont files[4];
    size_t n;
    /* The lists' names, and those tide's own run could not make (a
     * program's own matplotlib, of another version): known, so not made
     * again after each run. */
    StrList known;
} MplFonts;

/* The folder of the font list of this interpreter (it may not exist). */
char *mplfonts_dir(const Paths *paths, const char *exe, const char *version, const char *user_site);

/* The font lists kept in dir; false when there are none. */
bool mplfonts_load(const char *dir, MplFonts *out);
void mplfonts_free(MplFonts *f);

/* The font lists matplotlib made in the HOME folder of a finished run
 * (home_fd) that are not known (none were given, or matplotlib's format
 * changed): a list to keep is missing. */
void mplfonts_unknown(int home_fd, const MplFonts *given, StrList *names);

/* Keep the font lists of the HOME folder home_fd in dir, replacing what
 * was there as a whole; the names wanted that are not among them are
 * noted as known. */
bool mplfonts_keep(int home_fd, const char *dir, const StrList *wanted, Err *err);

#endif
