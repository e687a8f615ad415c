/* Small helpers shared by the unit tests. */
#ifndef TIDE_TESTUTIL_H
#define TIDE_TESTUTIL_H

#include <stddef.h>

/* A fresh folder under $TMPDIR, removed when the test process exits. */
char *tu_tempdir(void);
/* Write a file (creating parent folders); aborts the test on failure. */
void tu_write(const char *path, const char *data, size_t len);
/* Read a whole file; NULL if it cannot be read. */
char *tu_read(const char *path, size_t *len);
/* Point the four XDG variables at folders below a fresh temp folder. */
char *tu_fresh_xdg(void);
/* A curses screen for the terminal `term` that draws to nowhere (the
 * current screen until tu_screen_down). */
void tu_screen_up(const char *term);
void tu_screen_down(void);

#endif
