/* The command line (arguments, `< FILE`) each file was last run with from
 * the IDE (Ctrl-F5), kept across restarts: F5 after reopening the file
 * runs it as before.  One small file per file under
 * $XDG_STATE_HOME/tide/run-lines/: its path on the first line (a file
 * named by another path's hash is not taken), the command line after. */
#ifndef TIDE_RUNLINE_H
#define TIDE_RUNLINE_H

#include "err.h"
#include "paths.h"
#include "xalloc.h"

/* The line kept for file_path (absolute), or NULL: none. */
char *runline_load(const Paths *paths, const char *file_path);
/* Keep line for file_path; an empty line forgets it. */
bool runline_save(const Paths *paths, const char *file_path, const char *line, Err *err);
/* What is kept for files that are gone (tide gc removes it): the kept
 * files into *kept, the paths they were for into *gone. */
void runline_orphans(const Paths *paths, StrList *kept, StrList *gone);

#endif
