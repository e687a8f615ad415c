/* Opening the IDE from the `tide` command: the IDE is its own program,
 * tide-ide, so that the commands (`tide run` above all, which scripts call
 * in loops) do not load curses, libvterm, tree-sitter, PCRE2 and the
 * grammars at every start. */
#ifndef TIDE_IDE_LAUNCH_H
#define TIDE_IDE_LAUNCH_H

#include "err.h"

#define IDE_PROGRAM "tide-ide"

/* Replace this process with tide-ide, passing argv on (argv[0] included);
 * it is looked for next to the running tide, then in the folder tide was
 * installed to.  Returns false, with the reason, only when it could not be
 * started. */
bool ide_launch(char *const argv[], Err *err);
/* The tide-ide ide_launch would start (freshly allocated), or NULL. */
char *ide_find(void);

#endif
