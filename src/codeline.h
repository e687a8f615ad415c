/* A line of source code as its language's lexer sees it, far enough to
 * tell its code from its comments: string and character literals (a # or
 * // in a string is no comment), line comments (# in Python and PHP, //
 * in the C family, Go, Java, JavaScript, PHP and Rust, ! in Fortran) and
 * block comments closed on the line.  One line alone: a string or block
 * comment that began on a line above is not known. */
#ifndef TIDE_CODELINE_H
#define TIDE_CODELINE_H

#include <stddef.h>

#include "lang.h"

/* Where the code of line[0..len) ends: the offset after its last byte
 * that is neither blank nor in a comment (0 for none).  lang NULL: plain
 * text, all code. */
size_t codeline_end(const Lang *lang, const char *line, size_t len);

#endif
