/* Allocation that cannot fail: running out of memory is fatal here, in one
 * place, rather than checked at every call site. */
#ifndef TIDE_XALLOC_H
#define TIDE_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

#include "err.h"

/* Once, first thing in main: freed memory is kept for reuse up to 8 MiB
 * rather than handed back to the kernel at each free (glibc's 128 KiB
 * default).  A snapshot compresses each file with a fresh zlib stream
 * (~270 KiB): given back and faulted in again per file, that was two
 * thirds of the first snapshot of 5,000 files. */
void xalloc_init(void);

void *xmalloc(size_t n) __attribute__((malloc, returns_nonnull));
void *xcalloc(size_t count, size_t size) __attribute__((malloc, returns_nonnull));
void *xrealloc(void *p, size_t n) __attribute__((returns_nonnull));
/* realloc of an array of count elements of size bytes, checking overflow. */
void *xreallocarray(void *p, size_t count, size_t size) __attribute__((returns_nonnull));
char *xstrdup(const char *s) __attribute__((malloc, returns_nonnull));
char *xstrndup(const char *s, size_t n) __attribute__((malloc, returns_nonnull));
char *xasprintf(const char *fmt, ...) TIDE_FMT(1, 2) __attribute__((malloc, returns_nonnull));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((malloc, returns_nonnull));

/* A growable byte string, always NUL-terminated. */
typedef struct StrBuf {
    char *data;
    size_t len, cap;
} StrBuf;

void sb_append(StrBuf *sb, const void *data, size_t n);
void sb_puts(StrBuf *sb, const char *s);
void sb_printf(StrBuf *sb, const char *fmt, ...) TIDE_FMT(2, 3);
/* Hand the buffer over to the caller (never NULL) and reset sb. */
char *sb_steal(StrBuf *sb);
void sb_free(StrBuf *sb);

/* A NULL-terminated array of owned strings. */
typedef struct StrList {
    char **items;
    size_t len, cap;
} StrList;

void sl_push(StrList *sl, const char *s);
void sl_push_owned(StrList *sl, char *s);
void sl_free(StrList *sl);
bool sl_contains(const StrList *sl, const char *s);
/* In strcmp order. */
void sl_sort(StrList *sl);

#endif
