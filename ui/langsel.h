/* F2: the language selector.  Lists the nine languages with whether each
 * toolchain is installed (probed once, on a worker thread, since probing
 * starts programs) and sets the language the current file is run with.
 * The same list starts a scratch session in a chosen language, or
 * resumes one of the last scratch sessions. */
#ifndef TIDE_LANGSEL_H
#define TIDE_LANGSEL_H

#include "ide.h"

typedef enum { LANGSEL_FILE, LANGSEL_SCRATCH } LangselMode;

/* Start probing the toolchains in the background. */
void langsel_probe(Ide *ide);
void langsel_open(Ide *ide, LangselMode mode);
void langsel_draw(Ide *ide);
bool langsel_key(Ide *ide, Key k);
void langsel_click(Ide *ide, int y, int x);
/* "Python 3.11.2" or why it cannot run; NULL while probing. */
const char *langsel_status(Ide *ide, const Lang *lang, bool *available);
/* The IDE is quitting: a probe in progress gives up, unwaited for. */
void langsel_stop(Ide *ide);
void langsel_free(Ide *ide);

#endif
