/* The IDE's entry point: `tide`, `tide PATH`, `tide --session ID`. */
#ifndef TIDE_TUI_H
#define TIDE_TUI_H

#include "app.h"

typedef struct TuiOptions {
    const char *path;    /* a file or folder; NULL: the current folder */
    const char *session; /* a session id, or NULL */
    long line, col;      /* a file's place to open at, from 1 (0: none) */
} TuiOptions;

/* "+LINE", "+LINE:COL" or "+LINE,COL" (as nano and vim take it) into
 * *line and *col; false if arg is not one. */
bool tui_parse_place(const char *arg, long *line, long *col);

/* Run the IDE until the user quits; returns the exit status. */
int tui_main(App *app, const TuiOptions *opt);

#endif
