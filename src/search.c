#include "search.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "textnav.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- case */

/* A byte that is not valid UTF-8, as a character apart from every code
 * point: it matches only itself. */
#define RAW_BYTE(c) (0x110000u + (unsigned char)(c))

/* The character at p[0..n) (n > 0); returns its length. */
static int char_at(const char *p, size_t n, uint32_t *cp)
{
    int len = textnav_utf8_decode((const unsigned char *)p, n, cp);
    if (*cp == UTF8_INVALID)
        *cp = RAW_BYTE(p[0]);
    return len;
}

/* What a character is when case is ignored.  Through the capital, so that
 * the letters with two small forms (σ and final ς, s and long ſ) and the
 * signs that are a letter's capital (Kelvin's K) meet theirs.  Dotless ı
 * stays itself, as in Unicode's case folding: in Turkish it is a letter
 * apart from i. */
static uint32_t fold(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    if (c >= 0x110000 || c == 0x131)
        return c;
    return (uint32_t)towlower(towupper((wint_t)c));
}

static void add_lead(Search *s, unsigned char c, bool *any)
{
    for (int i = 0; i < s->nleads; i++)
        if (s->leads[i] == c)
            return;
    if (s->nleads == (int)sizeof s->leads)
        *any = true;
    else
        s->leads[s->nleads++] = c;
}

/* The first bytes of every character that folds to f: what a scan for
 * matches looks for with memchr (see Scan).  Beyond the first plane,
 * case pairs share their block, hence their first byte; in it, a
 * character may fold into another block (K to k), so the plane is looked
 * through: a quarter of a millisecond, once per search. */
static void set_leads(Search *s, uint32_t f)
{
    bool any = false;
    char enc[4];
    /* The pattern's own first, the likeliest: the others are looked for
     * only before it. */
    add_lead(s, (unsigned char)s->pattern[0], &any);
    if (f >= 0x110000) {
        add_lead(s, (unsigned char)(f - 0x110000), &any);
    } else if (f >= 0x10000) {
        if (textnav_utf8_encode(f, enc))
            add_lead(s, (unsigned char)enc[0], &any);
        if (textnav_utf8_encode((uint32_t)towupper((wint_t)f), enc))
            add_lead(s, (unsigned char)enc[0], &any);
    } else {
        for (uint32_t c = 0; c < 0x10000; c++)
            if (fold(c) == f && textnav_utf8_encode(c, enc))
                add_lead(s, (unsigned char)enc[0], &any);
    }
    if (any)
        s->nleads = 0;
}

bool search_init(Search *s, const char *pattern, bool regex, Err *err)
{
    *s = (Search){0};
    if (!pattern[0])
        return err_set(err, "nothing to find");
    s->len = strlen(pattern);
    bool upper = false;
    uint32_t cp;
    for (size_t i = 0; i < s->len;) {
        i += (size_t)char_at(pattern + i, s->len - i, &cp);
        upper |= cp < 0x110000 && (uint32_t)towlower((wint_t)cp) != cp;
    }
    s->icase = !upper;
    s->regex = regex;
    s->pattern = xstrdup(pattern);
    if (regex) {
        /* glibc's regex folds case character by character in a UTF-8
         * locale. */
        int rc = regcomp(&s->re, pattern, REG_EXTENDED | REG_NEWLINE | (s->icase ? REG_ICASE : 0));
        if (rc != 0) {
            char msg[256];
            regerror(rc, &s->re, msg, sizeof msg);
            free(s->pattern);
            *s = (Search){0};
            return err_set(err, "bad regular expression: %s", msg);
        }
        s->compiled = true;
    } else if (s->icase) {
        s->folded = xreallocarray(NULL, s->len, sizeof *s->folded);
        for (size_t i = 0; i < s->len;) {
            i += (size_t)char_at(pattern + i, s->len - i, &cp);
            s->folded[s->nfolded++] = fold(cp);
        }
        set_leads(s, s->folded[0]);
    } else {
        s->leads[s->nleads++] = (unsigned char)pattern[0];
    }
    return true;
}

void search_free(Search *s)
{
    if (s->compiled)
        regfree(&s->re);
    free(s->pattern);
    free(s->folded);
    *s = (Search){0};
}

/* ---------------------------------------------------------------- plain */

/* Whether the pattern matches at pos; sets *end. */
static bool plain_at(const Search *s, const Buffer *b, size_t pos, size_t *end)
{
    if (s->icase) {
        TextReader r;
        reader_init(&r, b, pos, SIZE_MAX);
        for (size_t i = 0; i < s->nfolded; i++) {
            uint32_t cp;
            if (!reader_next(&r, &cp))
                return false;
            if (cp == UTF8_INVALID)
                cp = RAW_BYTE(buffer_byte(b, r.off - 1));
            if (fold(cp) != s->folded[i])
                return false;
        }
        *end = r.off;
        return true;
    }
    char tmp[256];
    char *buf = s->len <= sizeof tmp ? tmp : xmalloc(s->len);
    bool ok = buffer_copy(b, pos, pos + s->len, buf) == s->len && memcmp(buf, s->pattern, s->len) == 0;
    if (buf != tmp)
        free(buf);
    *end = pos + s->len;
    return ok;
}

/* Where matches may start in a chunk p[lo..hi), front to back or back
 * to front.  Each byte a match can start with is looked for only up to
 * the best place so far, and not again where it was not found: a byte
 * that is rare, or absent, is not looked for through the whole chunk at
 * every candidate, nor at every match of a loop over them all. */
#define NOWHERE SIZE_MAX

typedef struct Scan {
    const char *p;
    size_t lo, hi;
    size_t at[SEARCH_LEADS];   /* where the byte is, or NOWHERE */
    size_t seen[SEARCH_LEADS]; /* with at NOWHERE: not in [lo, seen) front to back, in [seen, hi) back to front */
} Scan;

static Scan scan_start(const char *p, size_t n, bool fwd)
{
    Scan sc = {p, 0, n, {0}, {0}};
    for (int i = 0; i < SEARCH_LEADS; i++) {
        sc.at[i] = NOWHERE;
        sc.seen[i] = fwd ? 0 : n;
    }
    return sc;
}

static size_t scan_next(const Search *s, Scan *sc)
{
    if (!s->nleads)
        return sc->lo < sc->hi ? sc->lo++ : NOWHERE;
    size_t best = NOWHERE;
    for (int i = 0; i < s->nleads; i++) {
        size_t bound = best != NOWHERE ? best : sc->hi;
        if (sc->at[i] == NOWHERE || sc->at[i] < sc->lo) {
            size_t from = sc->at[i] != NOWHERE || sc->seen[i] < sc->lo ? sc->lo : sc->seen[i];
            sc->at[i] = NOWHERE;
            if (from < bound) {
                const char *q = memchr(sc->p + from, s->leads[i], bound - from);
                if (q)
                    sc->at[i] = (size_t)(q - sc->p);
                else
                    sc->seen[i] = bound;
            }
        }
        if (sc->at[i] < bound)
            best = sc->at[i];
    }
    if (best != NOWHERE)
        sc->lo = best + 1;
    return best;
}

/* The last c in p[from, to), looked for a few pages at a time from the
 * end: memrchr's checks under AddressSanitizer read the whole range,
 * which made a backward scan of a big chunk quadratic in the tests. */
static const char *last_byte(const char *p, int c, size_t from, size_t to)
{
    while (to > from) {
        size_t lo = to - from > 16384 ? to - 16384 : from;
        const char *q = memrchr(p + lo, c, to - lo);
        if (q)
            return q;
        to = lo;
    }
    return NULL;
}

static size_t scan_prev(const Search *s, Scan *sc)
{
    if (!s->nleads)
        return sc->lo < sc->hi ? --sc->hi : NOWHERE;
    size_t best = NOWHERE;
    for (int i = 0; i < s->nleads; i++) {
        size_t bound = best != NOWHERE ? best + 1 : sc->lo;
        if (sc->at[i] == NOWHERE || sc->at[i] >= sc->hi) {
            size_t to = sc->at[i] != NOWHERE || sc->seen[i] > sc->hi ? sc->hi : sc->seen[i];
            sc->at[i] = NOWHERE;
            if (to > bound) {
                const char *q = last_byte(sc->p, s->leads[i], bound, to);
                if (q)
                    sc->at[i] = (size_t)(q - sc->p);
                else
                    sc->seen[i] = bound;
            }
        }
        if (sc->at[i] != NOWHERE && sc->at[i] >= bound)
            best = sc->at[i];
    }
    if (best != NOWHERE)
        sc->hi = best;
    return best;
}

/* First plain match starting in [from, to). */
static bool plain_fwd(const Search *s, const Buffer *b, size_t from, size_t to, size_t *start, size_t *end)
{
    size_t total = buffer_length(b);
    if (to > total)
        to = total;
    for (size_t pos = from; pos < to;) {
        size_t n;
        const char *chunk = buffer_chunk(b, pos, &n);
        if (n > to - pos)
            n = to - pos;
        Scan sc = scan_start(chunk, n, true);
        for (size_t c; (c = scan_next(s, &sc)) != NOWHERE;) {
            size_t at = pos + c;
            if (plain_at(s, b, at, end)) {
                *start = at;
                return true;
            }
        }
        pos += n;
    }
    return false;
}

/* Last plain match starting in [from, before). */
static bool plain_back(const Search *s, const Buffer *b, size_t from, size_t before, size_t *start, size_t *end)
{
    size_t total = buffer_length(b);
    if (before > total)
        before = total;
    for (size_t pos = before; pos > from;) {
        size_t n;
        const char *chunk = buffer_chunk_before(b, pos, &n);
        size_t base = pos - n;
        if (base < from) {
            chunk += from - base;
            n -= from - base;
            base = from;
        }
        Scan sc = scan_start(chunk, n, false);
        for (size_t c; (c = scan_prev(s, &sc)) != NOWHERE;) {
            size_t at = base + c;
            if (plain_at(s, b, at, end)) {
                *start = at;
                return true;
            }
        }
        pos = base;
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
    return plain_fwd(s, b, from, to, start, end);
}

static bool back(const Search *s, const Buffer *b, size_t from, size_t before, size_t *start, size_t *end)
{
    if (from >= before)
        return false;
    if (s->regex)
        return regex_back(s, b, from, before, start, end);
    return plain_back(s, b, from, before, start, end);
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
