#include "srcloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xalloc.h"

/* Characters that may be part of a file name in a message: any but the
 * ':' that ends it, so "my prog.c:4:18:" and "main (1).c:3:" are found
 * (names as downloads and file managers make them).  A span that is no
 * file is harmless: the panel offers only places that exist. */
static bool path_char(char c)
{
    return ((unsigned char)c >= 0x20 && c != ':' && c != 0x7f);
}

static bool looks_like_file(const char *p, size_t n)
{
    if (n == 0 || n >= sizeof ((SrcLoc *)0)->path)
        return false;
    /* A name with an extension or a folder: "main.c", "./x", "/work/y.py". */
    const char *dot = memchr(p, '.', n), *slash = memchr(p, '/', n);
    if (!dot && !slash)
        return false;
    /* Not a URL or a version number ("3.11", "version 3.11"): a name
     * without a folder needs an extension that starts with a letter. */
    if (!slash) {
        const char *ext = p + n;
        while (ext > p && ext[-1] != '.')
            ext--;
        if (isdigit((unsigned char)p[0]) || ext == p + n || !isalpha((unsigned char)*ext))
            return false;
    }
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

/* PATH:LINE[:COL] starting at s[at]; the path runs over path characters. */
static bool path_line(const char *s, size_t len, size_t at, SrcLoc *out)
{
    size_t i = at;
    while (i < len && path_char(s[i]))
        i++;
    /* The path ends at the first ':', which digits must follow. */
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
    return set(out, s + at, plen, line, col, at, i);
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
    if (!read_num(s, len, &i, &line) || !set(out, p, (size_t)(q - p), line, 0, (size_t)(f - s), i))
        return false;
    out->innermost_last = true;
    return true;
}

/* PHP: "... in PATH on line N", an uncaught exception's "... in PATH:N"
 * and its trace's frames "#0 PATH(N): f()". */
static bool php(const char *s, size_t len, SrcLoc *out)
{
    const char *on = find(s, len, " on line ");
    /* the last " in " before it (or before the end) */
    const char *stop = on ? on : s + len, *in = NULL;
    for (const char *p = s; p + 4 <= stop; p++)
        if (!strncmp(p, " in ", 4))
            in = p;
    if (on && in) {
        size_t i = (size_t)(on + 9 - s);
        long line;
        if (!read_num(s, len, &i, &line))
            return false;
        return set(out, in + 4, (size_t)(on - in - 4), line, 0, (size_t)(in + 4 - s), i);
    }
    if (in && path_line(s, len, (size_t)(in + 4 - s), out) && out->end == len)
        return true;
    /* A frame: '#', its number, a space, then PATH(N): */
    size_t i = 0;
    if (len < 2 || s[0] != '#' || !isdigit((unsigned char)s[1]))
        return false;
    while (i + 1 < len && s[i + 1] != ' ')
        i++;
    size_t at = i + 2;
    const char *close = find(s + at, len - at, "):");
    if (!close)
        return false;
    const char *open = close;
    while (open > s + at && open[-1] != '(')
        open--;
    if (open == s + at)
        return false;
    size_t j = (size_t)(open - s);
    long line;
    if (!read_num(s, len, &j, &line) || s + j != close)
        return false;
    return set(out, s + at, (size_t)(open - 1 - (s + at)), line, 0, at, j + 1);
}

/* rustc: "--> path:line:col"; a panic: "panicked at path:line:col:" */
static bool rust(const char *s, size_t len, SrcLoc *out)
{
    const char *arrow = find(s, len, "--> ");
    if (arrow)
        return path_line(s, len, (size_t)(arrow + 4 - s), out);
    const char *at = find(s, len, "panicked at ");
    return at && path_line(s, len, (size_t)(at + 12 - s), out);
}

/* Java: "\tat pkg.Class.method(File.java:N)" */
static bool java(const char *s, size_t len, SrcLoc *out)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (len - i < 3 || strncmp(s + i, "at ", 3) != 0)
        return false;
    const char *open = memchr(s + i, '(', len - i);
    return open && path_line(s, len, (size_t)(open + 1 - s), out) && out->end < len && s[out->end] == ')';
}

/* gfortran at run time: "At line N of file PATH" (then " (unit = 10...)") */
static bool fortran(const char *s, size_t len, SrcLoc *out)
{
    if (len < 8 || strncmp(s, "At line ", 8) != 0)
        return false;
    size_t i = 8;
    long line;
    if (!read_num(s, len, &i, &line) || len - i < 9 || strncmp(s + i, " of file ", 9) != 0)
        return false;
    size_t at = i + 9;
    const char *unit = find(s + at, len - at, " (unit");
    size_t end = unit ? (size_t)(unit - s) : len;
    return set(out, s + at, end - at, line, 0, at, end);
}

static bool node_path(const char *s, size_t len, size_t at, SrcLoc *out)
{
    if (at + 7 <= len && !strncmp(s + at, "file://", 7))
        at += 7;
    return path_line(s, len, at, out);
}

/* Node: "    at f (path:line:col)" or "    at path:line:col" */
static bool node(const char *s, size_t len, SrcLoc *out)
{
    size_t i = 0;
    while (i < len && s[i] == ' ')
        i++;
    if (len - i < 3 || strncmp(s + i, "at ", 3) != 0)
        return false;
    /* "at f (path:l:c)": the path follows the first " (" (a name such as
     * "main (1).js" has one of its own, hence the second try). */
    const char *paren = find(s + i, len - i, " (");
    if (paren && node_path(s, len, (size_t)(paren + 2 - s), out))
        return true;
    return node_path(s, len, i + 3, out);
}

bool srcloc_find(const char *s, size_t len, SrcLoc *out)
{
    out->innermost_last = false;
    if (python(s, len, out) || rust(s, len, out) || java(s, len, out) || node(s, len, out) || fortran(s, len, out) ||
        php(s, len, out))
        return true;
    /* gcc, go, javac, gfortran, Node's first line: path:line[:col] at the
     * start of the line (after spaces). */
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return path_line(s, len, i, out);
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
    if (path[0] != '/' && entry_dir && entry_dir[0]) {
        full = xasprintf("%s/%s", workdir, path);
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
            return full;
        free(full);
    }
    return NULL;
}

char *srcloc_entry_dir(const char *entry)
{
    const char *slash = entry ? strrchr(entry, '/') : NULL;
    return slash ? xstrndup(entry, (size_t)(slash - entry)) : xstrdup("");
}
