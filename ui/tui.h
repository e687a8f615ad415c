/* The IDE's entry point: `tide`, `tide PATH`, `tide --session ID`. */
#ifndef TIDE_TUI_H
#define TIDE_TUI_H

#include "app.h"

typedef struct TuiOptions {
    const char *path;    /* a file or folder; NULL: the current folder */
    const char *session; /* a session id, or NULL */
} TuiOptions;

/* Run the IDE until the user quits; returns the exit status. */
int tui_main(App *app, const TuiOptions *opt);

#endif
