#include "xalloc.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void __attribute__((noreturn)) oom(size_t n)
{
    char msg[96];
    int len = snprintf(msg, sizeof msg, "tide: out of memory (%zu bytes)\n", n);
    if (len > 0)
        (void)!write(STDERR_FILENO, msg, (size_t)len);
    abort();
}

void xalloc_init(void)
{
    mallopt(M_TRIM_THRESHOLD, 8 << 20);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

void *xreallocarray(void *p, size_t count, size_t size)
{
    if (size && count > (size_t)-1 / size)
        oom((size_t)-1);
    return xrealloc(p, count * size);
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        oom(0);
    char *p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

static void sb_reserve(StrBuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap = cap * 2;
    sb->data = xrealloc(sb->data, cap);
    sb->cap = cap;
}

void sb_append(StrBuf *sb, const void *data, size_t n)
{
    sb_reserve(sb, n);
    if (n)
        memcpy(sb->data + sb->len, data, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void sb_puts(StrBuf *sb, const char *s)
{
    sb_append(sb, s, strlen(s));
}

void sb_printf(StrBuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    sb_puts(sb, s);
    free(s);
}

char *sb_steal(StrBuf *sb)
{
    if (!sb->data)
        sb_reserve(sb, 0), sb->data[0] = '\0';
    char *p = sb->data;
    *sb = (StrBuf){0};
    return p;
}

void sb_free(StrBuf *sb)
{
    free(sb->data);
    *sb = (StrBuf){0};
}

void sl_push_owned(StrList *sl, char *s)
{
    if (sl->len + 2 > sl->cap) {
        sl->cap = sl->cap ? sl->cap * 2 : 8;
        sl->items = xreallocarray(sl->items, sl->cap, sizeof *sl->items);
    }
    sl->items[sl->len++] = s;
    sl->items[sl->len] = NULL;
}

void sl_push(StrList *sl, const char *s)
{
    sl_push_owned(sl, xstrdup(s));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void sl_sort(StrList *sl)
{
    if (sl->len > 1)
        qsort(sl->items, sl->len, sizeof *sl->items, cmp_str);
}

bool sl_contains(const StrList *sl, const char *s)
{
    for (size_t i = 0; i < sl->len; i++)
        if (strcmp(sl->items[i], s) == 0)
            return true;
    return false;
}

void sl_free(StrList *sl)
{
    for (size_t i = 0; i < sl->len; i++)
        free(sl->items[i]);
    free(sl->items);
    *sl = (StrList){0};
}
