/* What kind of file a file is, as a MIME type ("text/csv", "image/png"):
 * from its first bytes where a format has a signature, else from its
 * name, else text/plain for UTF-8 text and application/octet-stream for
 * the rest.  Used for generated files and for code_files.file_type. */
#ifndef TIDE_FILETYPE_H
#define TIDE_FILETYPE_H

#include <stdbool.h>
#include <stddef.h>

#include "xalloc.h"

/* The MIME type of the file rel below the folder root (freshly
 * allocated; never NULL).  rel is read as fileio_open_file_beneath reads a
 * run's paths: through no symlink, and only a regular file (opening a fifo
 * or a device acts).  What cannot be read so is typed by its name alone. */
char *filetype_detect_at(int root, const char *rel);
/* Is s (n bytes) valid UTF-8: no overlong forms, surrogates or code
 * points past U+10FFFF?  NUL and control characters are allowed. */
bool filetype_utf8_valid(const char *s, size_t n);
/* s as valid UTF-8, appended to out: each byte that is not part of a
 * valid character becomes U+FFFD; everything else, NUL included, stays. */
void filetype_utf8_lossy(const char *s, size_t len, StrBuf *out);
/* Is s UTF-8 text without control characters: a name that shows as
 * itself on a terminal and in JSON? */
bool filetype_plain_text(const char *s);
/* The same as filetype_utf8_lossy without NULs (each becomes a space):
 * what the search index and a one-line listing can take. */
void filetype_clean_text(const char *s, size_t len, StrBuf *out);
/* Whether s is valid UTF-8 with no NUL. */
bool filetype_is_text(const char *s, size_t len);
/* The same from a name and the file's first bytes (head may be NULL). */
const char *filetype_from(const char *name, const unsigned char *head, size_t len);

#endif
