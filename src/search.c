#include "search.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

bool search_init(Search *s, const char *pattern, bool regex, Err *err)
{
    *s = (Search){0};
    if (!pattern[0])
        return err_set(err, "nothing to find");
    bool upper = false;
    for (const char *p = pattern; *p; p++)
        upper |= isupper((unsigned char)*p) != 0;
    s->icase = !upper;
    s->regex = regex;
    s->pattern = xstrdup(pattern);
    s->len = strlen(pattern);
    if (regex) {
        int rc = regcomp(&s->re, pattern, REG_EXTENDED | REG_NEWLINE | (s->icase ? REG_ICASE : 0));
        if (rc != 0) {
            char msg[256];
            regerror(rc, &s->re, msg, sizeof msg);
            free(s->pattern);
            *s = (Search){0};
            return err_set(err, "bad regular expression: %s", msg);
        }
        s->compiled = true;
    }
    return true;
}

void search_free(Search *s)
{
    if (s->compiled)
        regfree(&s->re);
    free(s->pattern);
    *s = (Search){0};
}

/* ---------------------------------------------------------------- plain */

static bool plain_at(const Search *s, const Buffer *b, size_t pos)
{
    char tmp[256];
    char *buf = s->len <= sizeof tmp ? tmp : xmalloc(s->len);
    bool ok = buffer_copy(b, pos, pos + s->len, buf) == s->len &&
              (s->icase ? strncasecmp(buf, s->pattern, s->len) == 0 : memcmp(buf, s->pattern, s->len) == 0);
    if (buf != tmp)
        free(buf);
    return ok;
}

/* Where the first byte of the pattern may be, in p[0..n). */
static const char *first_candidate(const Search *s, const char *p, size_t n)
{
    unsigned char c = (unsigned char)s->pattern[0];
    if (!s->icase || !isalpha(c))
        return memchr(p, c, n);
    const char *a = memchr(p, tolower(c), n), *b = memchr(p, toupper(c), a ? (size_t)(a - p) : n);
    return b ? b : a;
}

static const char *last_candidate(const Search *s, const char *p, size_t n)
{
    unsigned char c = (unsigned char)s->pattern[0];
    if (!s->icase || !isalpha(c))
        return memrchr(p, c, n);
    const char *a = memrchr(p, tolower(c), n), *b = memrchr(p, toupper(c), n);
    return a > b ? a : b;
}

/* First plain match starting in [from, to). */
static bool plain_fwd(const Search *s, const Buffer *b, size_t from, size_t to, size_t *start)
{
    size_t total = buffer_length(b);
    if (to > total)
        to = total;
    size_t pos = from;
    while (pos < to) {
        size_t n;
        const char *chunk = buffer_chunk(b, pos, &n);
        if (n > to - pos)
            n = to - pos;
        const char *c = first_candidate(s, chunk, n);
        if (!c) {
            pos += n;
            continue;
        }
        size_t at = pos + (size_t)(c - chunk);
        if (at + s->len <= total && plain_at(s, b, at)) {
            *start = at;
            return true;
        }
        pos = at + 1;
    }
    return false;
}

/* Last plain match starting in [from, before). */
static bool plain_back(const Search *s, const Buffer *b, size_t from, size_t before, size_t *start)
{
    size_t total = buffer_length(b);
    size_t pos = before;
    while (pos > from) {
        size_t n;
        const char *chunk = buffer_chunk_before(b, pos, &n);
        size_t base = pos - n;
        if (base < from) {
            chunk += from - base;
            n -= from - base;
            base = from;
        }
        const char *c = last_candidate(s, chunk, n);
        if (!c) {
            pos = base;
            continue;
        }
        size_t at = base + (size_t)(c - chunk);
        if (at + s->len <= total && plain_at(s, b, at)) {
            *start = at;
            return true;
        }
        pos = at;
    }
    return false;
}

/* ---------------------------------------------------------------- regex */

typedef struct Line {
    const char *text; /* the line, NUL-terminated (regexec needs it) */
    size_t start, len;
    char *copy;
    size_t cap;
} Line;

static void line_get(const Buffer *b, size_t line, Line *l)
{
    l->start = buffer_line_start(b, line);
    l->len = buffer_line_end(b, line) - l->start;
    if (l->len + 1 > l->cap) {
        l->cap = l->len + 1 > 2 * l->cap ? l->len + 1 : 2 * l->cap;
        l->copy = xrealloc(l->copy, l->cap);
    }
    buffer_copy(b, l->start, l->start + l->len, l->copy);
    l->copy[l->len] = '\0';
    l->text = l->copy;
}

/* First match in the line whose start is at or after byte `from` of the
 * line. */
static bool line_match(const Search *s, const Line *l, size_t from, regmatch_t m[10])
{
    if (from > l->len)
        return false;
    m[0].rm_so = (regoff_t)from;
    m[0].rm_eo = (regoff_t)l->len;
    return regexec(&s->re, l->text, 10, m, REG_STARTEND | (from > 0 ? REG_NOTBOL : 0)) == 0;
}

static bool regex_fwd(const Search *s, const Buffer *b, size_t from, size_t to, size_t *start, size_t *end)
{
    Line l = {0};
    size_t last = buffer_line_of(b, to);
    bool found = false;
    for (size_t line = buffer_line_of(b, from); line <= last && !found; line++) {
        line_get(b, line, &l);
        regmatch_t m[10];
        size_t rel = from > l.start ? from - l.start : 0;
        /* REG_NOTBOL is wrong for a match that starts mid-line but was
         * asked for from mid-line: ^ must not match there, which is what
         * it does. */
        if (line_match(s, &l, rel, m) && l.start + (size_t)m[0].rm_so < to) {
            *start = l.start + (size_t)m[0].rm_so;
            *end = l.start + (size_t)m[0].rm_eo;
            found = true;
        }
    }
    free(l.copy);
    return found;
}

static bool regex_back(const Search *s, const Buffer *b, size_t from, size_t before, size_t *start, size_t *end)
{
    if (before == 0)
        return false;
    Line l = {0};
    bool found = false;
    size_t first = buffer_line_of(b, from);
    for (size_t line = buffer_line_of(b, before);; line--) {
        line_get(b, line, &l);
        regmatch_t m[10];
        size_t rel = from > l.start ? from - l.start : 0;
        while (line_match(s, &l, rel, m) && l.start + (size_t)m[0].rm_so < before) {
            *start = l.start + (size_t)m[0].rm_so;
            *end = l.start + (size_t)m[0].rm_eo;
            found = true;
            rel = (size_t)(m[0].rm_eo > m[0].rm_so ? m[0].rm_eo : m[0].rm_so + 1);
        }
        if (found || line == first)
            break;
    }
    free(l.copy);
    return found;
}

/* ---------------------------------------------------------------- api */

static bool fwd(const Search *s, const Buffer *b, size_t from, size_t to, size_t *start, size_t *end)
{
    if (from > to)
        return false;
    if (s->regex)
        return regex_fwd(s, b, from, to, start, end);
    if (!plain_fwd(s, b, from, to, start))
        return false;
    *end = *start + s->len;
    return true;
}

static bool back(const Search *s, const Buffer *b, size_t from, size_t before, size_t *start, size_t *end)
{
    if (from >= before)
        return false;
    if (s->regex)
        return regex_back(s, b, from, before, start, end);
    if (!plain_back(s, b, from, before, start))
        return false;
    *end = *start + s->len;
    return true;
}

bool search_next(const Search *s, const Buffer *b, size_t from, bool wrap, size_t *start, size_t *end)
{
    size_t total = buffer_length(b);
    if (from > total)
        from = total;
    /* A match may start at the very end (an empty regex match). */
    if (fwd(s, b, from, total + 1, start, end))
        return true;
    return wrap && from > 0 && fwd(s, b, 0, from, start, end);
}

bool search_prev(const Search *s, const Buffer *b, size_t before, bool wrap, size_t *start, size_t *end)
{
    size_t total = buffer_length(b);
    if (before > total)
        before = total;
    if (back(s, b, 0, before, start, end))
        return true;
    return wrap && back(s, b, before, total + 1, start, end);
}

size_t search_all(const Search *s, const Buffer *b, size_t from, size_t to, size_t (*out)[2], size_t max)
{
    size_t n = 0, start, end;
    while (n < max && from < to && fwd(s, b, from, to, &start, &end)) {
        out[n][0] = start;
        out[n][1] = end;
        n++;
        from = end > start ? end : start + 1;
    }
    return n;
}

char *search_expand(const Search *s, const Buffer *b, size_t start, size_t end, const char *repl, size_t *len)
{
    if (!s->regex) {
        *len = strlen(repl);
        return xstrdup(repl);
    }
    Line l = {0};
    line_get(b, buffer_line_of(b, start), &l);
    regmatch_t m[10];
    bool ok = line_match(s, &l, start - l.start, m) && l.start + (size_t)m[0].rm_so == start;
    StrBuf sb = {0};
    for (const char *p = repl; *p; p++) {
        if (*p != '\\' || !p[1]) {
            sb_append(&sb, p, 1);
            continue;
        }
        p++;
        if (*p >= '0' && *p <= '9') {
            int g = *p - '0';
            if (ok && m[g].rm_so >= 0)
                sb_append(&sb, l.text + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
            else if (g == 0) {
                char *whole = buffer_dup(b, start, end, NULL);
                sb_puts(&sb, whole);
                free(whole);
            }
        } else if (*p == 'n') {
            sb_append(&sb, "\n", 1);
        } else if (*p == 't') {
            sb_append(&sb, "\t", 1);
        } else {
            sb_append(&sb, p, 1);
        }
    }
    free(l.copy);
    *len = sb.len;
    return sb.data ? sb_steal(&sb) : xstrdup("");
}
