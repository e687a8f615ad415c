/* A program's command line written on one line, as a shell takes it
 * apart without expanding anything: words split at blanks, 'single
 * quotes' literal, "double quotes" with \" and \\ inside, a backslash
 * outside quotes keeping the next character, and `< FILE` giving the
 * program's input.  And back: a list written so that splitting it (or a
 * shell) gives it again. */
#ifndef TIDE_ARGSPLIT_H
#define TIDE_ARGSPLIT_H

#include <stdbool.h>

#include "err.h"
#include "xalloc.h"

/* Appends the words of line to *out and sets *input to the file named
 * after an unquoted `<` (`< in.txt` or `<in.txt`; NULL without one,
 * the caller frees it).  False, with nothing appended and a message,
 * when a quote is left open, `<` names no file or comes twice, or the
 * line holds what only a shell does (`>`, `|`, `;`, `&` outside quotes):
 * no shell runs it, and passing them on as words would mislead. */
bool args_split(const char *line, StrList *out, char **input, Err *err);
/* The words as one line, each quoted when it needs to be, then
 * ` < input` when input is not NULL. */
void args_join(const StrList *args, const char *input, StrBuf *out);
/* For text put into a line a piece at a time (Tab completing a name):
 * where the last word of line starts (after a blank or `<`, `>`, `|`,
 * `;`, `&`), and s with a backslash before each character args_split
 * would take apart. */
const char *args_last_word(const char *line);
void args_escape(const char *s, size_t n, StrBuf *out);

#endif
