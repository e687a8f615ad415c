/* Program arguments written on one line, as a shell takes them apart
 * without expanding anything: words split at blanks, 'single quotes'
 * literal, "double quotes" with \" and \\ inside, a backslash outside
 * quotes keeping the next character.  And back: a list written so that
 * splitting it (or a shell) gives it again. */
#ifndef TIDE_ARGSPLIT_H
#define TIDE_ARGSPLIT_H

#include <stdbool.h>

#include "err.h"
#include "xalloc.h"

/* Appends the words of line to *out; false (and nothing appended) with a
 * message when a quote is left open. */
bool args_split(const char *line, StrList *out, Err *err);
/* The words as one line, each quoted when it needs to be. */
void args_join(const StrList *args, StrBuf *out);

#endif
