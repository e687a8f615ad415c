#include "srcloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xalloc.h"

/* Characters that may be part of a file name in a message. */
static bool path_char(char c)
{
    return isalnum((unsigned char)c) || c == '/' || c == '.' || c == '_' || c == '-' || c == '+' || c == '~' ||
           (unsigned char)c >= 0x80;
}

static bool looks_like_file(const char *p, size_t n)
{
    if (n == 0 || n >= sizeof ((SrcLoc *)0)->path)
        return false;
    /* A name with an extension or a folder: "main.c", "./x", "/work/y.py". */
    const char *dot = memchr(p, '.', n), *slash = memchr(p, '/', n);
    if (!dot && !slash)
        return false;
    /* Not a URL or a version number. */
    if (isdigit((unsigned char)p[0]) && !slash)
        return false;
    return true;
}

static bool read_num(const char *s, size_t len, size_t *i, long *out)
{
    size_t j = *i;
    long v = 0;
    while (j < len && isdigit((unsigned char)s[j]) && v < 100000000)
        v = v * 10 + (s[j++] - '0');
    if (j == *i)
        return false;
    *i = j;
    *out = v;
    return true;
}

static bool set(SrcLoc *out, const char *path, size_t plen, long line, long col, size_t start, size_t end)
{
    if (line < 1 || !looks_like_file(path, plen))
        return false;
    memcpy(out->path, path, plen);
    out->path[plen] = '\0';
    out->line = line;
    out->col = col;
    out->start = start;
    out->end = end;
    return true;
}

static const char *find(const char *s, size_t len, const char *needle)
{
    return memmem(s, len, needle, strlen(needle));
}

/* Python: File "path", line N */
static bool python(const char *s, size_t len, SrcLoc *out)
{
    const char *f = find(s, len, "File \"");
    if (!f)
        return false;
    const char *p = f + 6, *end = s + len;
    const char *q = memchr(p, '"', (size_t)(end - p));
    if (!q || (size_t)(end - q) < 8 || strncmp(q, "\", line ", 8) != 0)
        return false;
    size_t i = (size_t)(q + 8 - s);
    long line;
    if (!read_num(s, len, &i, &line))
        return false;
    return set(out, p, (size_t)(q - p), line, 0, (size_t)(f - s), i);
}

/* PHP: ... in PATH on line N */
static bool php(const char *s, size_t len, SrcLoc *out)
{
    const char *on = find(s, len, " on line ");
    if (!on)
        return false;
    /* the last " in " before it */
    const char *in = NULL;
    for (const char *p = s; p + 4 <= on; p++)
        if (!strncmp(p, " in ", 4))
            in = p;
    if (!in)
        return false;
    size_t i = (size_t)(on + 9 - s);
    long line;
    if (!read_num(s, len, &i, &line))
        return false;
    return set(out, in + 4, (size_t)(on - in - 4), line, 0, (size_t)(in + 4 - s), i);
}

/* PATH:LINE[:COL] starting at s[at]; the path runs over path characters. */
static bool path_line(const char *s, size_t len, size_t at, SrcLoc *out, bool need_colon_after)
{
    size_t i = at;
    while (i < len && path_char(s[i]))
        i++;
    /* The path ends at the last ':' followed by digits. */
    if (i >= len || s[i] != ':')
        return false;
    size_t plen = i - at;
    i++;
    long line, col = 0;
    if (!read_num(s, len, &i, &line))
        return false;
    if (i < len && s[i] == ':') {
        size_t j = i + 1;
        if (read_num(s, len, &j, &col))
            i = j;
    }
    if (need_colon_after && !(i < len && (s[i] == ':' || s[i] == ' ' || s[i] == ')')))
        return false;
    return set(out, s + at, plen, line, col, at, i);
}

/* rustc: --> path:line:col */
static bool rust(const char *s, size_t len, SrcLoc *out)
{
    const char *arrow = find(s, len, "--> ");
    if (!arrow)
        return false;
    return path_line(s, len, (size_t)(arrow + 4 - s), out, false);
}

/* Node: "    at f (path:line:col)" or "    at path:line:col" */
static bool node(const char *s, size_t len, SrcLoc *out)
{
    size_t i = 0;
    while (i < len && s[i] == ' ')
        i++;
    if (len - i < 3 || strncmp(s + i, "at ", 3) != 0)
        return false;
    const char *paren = memchr(s + i, '(', len - i);
    size_t at = paren ? (size_t)(paren + 1 - s) : i + 3;
    if (at + 5 < len && !strncmp(s + at, "file://", 7))
        at += 7;
    return path_line(s, len, at, out, false);
}

bool srcloc_find(const char *s, size_t len, SrcLoc *out)
{
    if (python(s, len, out) || rust(s, len, out) || node(s, len, out) || php(s, len, out))
        return true;
    /* gcc, go, javac, gfortran, Node's first line: path:line[:col] at the
     * start of the line (after spaces). */
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return path_line(s, len, i, out, false);
}

char *srcloc_resolve(const char *path, const char *workdir, const char *entry_dir)
{
    char *full;
    while (!strncmp(path, "./", 2))
        path += 2;
    if (!strncmp(path, "/work/", 6))
        full = xasprintf("%s/%s", workdir, path + 6);
    else if (path[0] == '/')
        full = xstrdup(path);
    else if (entry_dir && entry_dir[0])
        full = xasprintf("%s/%s/%s", workdir, entry_dir, path);
    else
        full = xasprintf("%s/%s", workdir, path);
    struct stat st;
    if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
        return full;
    free(full);
    return NULL;
}

char *srcloc_entry_dir(const char *entry)
{
    const char *slash = entry ? strrchr(entry, '/') : NULL;
    return slash ? xstrndup(entry, (size_t)(slash - entry)) : xstrdup("");
}
