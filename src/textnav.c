#include "textnav.h"

#include <string.h>
#include <wchar.h>
#include <wctype.h>

int textnav_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    if (len == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int n;
    uint32_t v;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F; /* past U+10FFFF */
    } else {
        *cp = UTF8_INVALID;
        return 1;
    }
    if ((size_t)n > len || s[1] < lo || s[1] > hi) {
        *cp = UTF8_INVALID;
        return 1;
    }
    v = (v << 6) | (s[1] & 0x3F);
    for (int i = 2; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = UTF8_INVALID;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return n;
}

int textnav_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp <= 0x10FFFF) {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
    }
    return 0;
}

Glyph glyph_of(uint32_t cp, int len, size_t col, int tab_width)
{
    Glyph g = {GLYPH_TEXT, cp, len, 1};
    if (cp == '\t') {
        g.kind = GLYPH_TAB;
        g.width = tab_width - (int)(col % (size_t)tab_width);
    } else if (cp == UTF8_INVALID || (cp >= 0x80 && cp < 0xA0)) {
        g.kind = GLYPH_BYTES;
        g.width = 4 * len;
    } else if (cp < 0x20 || cp == 0x7F) {
        g.kind = GLYPH_CONTROL;
        g.width = 2;
    } else if (cp >= 0x80) {
        int w = wcwidth((wchar_t)cp);
        if (w < 0) {
            g.kind = GLYPH_BYTES;
            g.width = 4 * len;
        } else {
            g.width = w;
        }
    }
    return g;
}

void reader_init(TextReader *r, const Buffer *b, size_t off, size_t end)
{
    size_t len = buffer_length(b);
    if (end > len)
        end = len;
    if (off > end)
        off = end;
    *r = (TextReader){b, off, end, NULL, 0};
}

int reader_next(TextReader *r, uint32_t *cp)
{
    if (r->off >= r->end)
        return 0;
    if (r->avail == 0) {
        size_t n;
        r->p = buffer_chunk(r->b, r->off, &n);
        r->avail = n < r->end - r->off ? n : r->end - r->off;
    }
    int len;
    if (r->avail >= 4 || r->off + r->avail == r->end) {
        len = textnav_utf8_decode((const unsigned char *)r->p, r->avail, cp);
    } else {
        /* A character may straddle two pieces. */
        unsigned char tmp[4];
        size_t n = buffer_copy(r->b, r->off, r->off + 4 < r->end ? r->off + 4 : r->end, (char *)tmp);
        len = textnav_utf8_decode(tmp, n, cp);
    }
    r->off += (size_t)len;
    if ((size_t)len >= r->avail) {
        r->avail = 0;
    } else {
        r->p += len;
        r->avail -= (size_t)len;
    }
    return len;
}

int textnav_char_at(const Buffer *b, size_t off, uint32_t *cp)
{
    TextReader r;
    reader_init(&r, b, off, off + 4);
    return reader_next(&r, cp);
}

static bool is_mark(uint32_t cp)
{
    return cp >= 0x300 && cp != UTF8_INVALID && wcwidth((wchar_t)cp) == 0;
}

size_t textnav_next(const Buffer *b, size_t off)
{
    uint32_t cp;
    int len = textnav_char_at(b, off, &cp);
    if (len == 0)
        return off;
    off += (size_t)len;
    if (cp == '\r' && buffer_byte(b, off) == '\n')
        return off + 1; /* a CRLF line end is one step */
    for (;;) {
        len = textnav_char_at(b, off, &cp);
        if (len == 0 || !is_mark(cp))
            return off;
        off += (size_t)len;
    }
}

/* The start of the character ending at off (no mark handling). */
static size_t char_before(const Buffer *b, size_t off, uint32_t *cp)
{
    size_t start = off - 1;
    for (int i = 0; i < 3 && start > 0 && (buffer_byte(b, start) & 0xC0) == 0x80; i++)
        start--;
    int len = textnav_char_at(b, start, cp);
    if (start + (size_t)len == off)
        return start;
    *cp = UTF8_INVALID;
    return off - 1;
}

size_t textnav_prev(const Buffer *b, size_t off)
{
    if (off == 0)
        return 0;
    uint32_t cp;
    size_t start = char_before(b, off, &cp);
    if (cp == '\n' && start > 0 && buffer_byte(b, start - 1) == '\r')
        return start - 1;
    while (is_mark(cp) && start > 0) {
        uint32_t prev;
        size_t s = char_before(b, start, &prev);
        if (prev == '\n')
            break;
        start = s;
        cp = prev;
    }
    return start;
}

bool textnav_is_word_char(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
    return cp != UTF8_INVALID && (iswalnum((wint_t)cp) || is_mark(cp));
}

typedef enum { C_SPACE, C_NEWLINE, C_WORD, C_PUNCT } CharClass;

static CharClass class_of(uint32_t cp)
{
    if (cp == '\n' || cp == '\r')
        return C_NEWLINE;
    if (cp == ' ' || cp == '\t' || cp == '\f' || cp == '\v')
        return C_SPACE;
    return textnav_is_word_char(cp) ? C_WORD : C_PUNCT;
}

size_t textnav_word_right(const Buffer *b, size_t off)
{
    uint32_t cp;
    if (!textnav_char_at(b, off, &cp))
        return off;
    if (class_of(cp) == C_NEWLINE)
        return textnav_next(b, off);
    while (textnav_char_at(b, off, &cp) && class_of(cp) == C_SPACE)
        off = textnav_next(b, off);
    if (!textnav_char_at(b, off, &cp) || class_of(cp) == C_NEWLINE)
        return off;
    CharClass c = class_of(cp);
    while (textnav_char_at(b, off, &cp) && class_of(cp) == c)
        off = textnav_next(b, off);
    return off;
}

size_t textnav_word_left(const Buffer *b, size_t off)
{
    if (off == 0)
        return 0;
    uint32_t cp;
    size_t p = textnav_prev(b, off);
    textnav_char_at(b, p, &cp);
    if (class_of(cp) == C_NEWLINE)
        return p;
    while (class_of(cp) == C_SPACE) {
        off = p;
        if (off == 0)
            return 0;
        p = textnav_prev(b, off);
        textnav_char_at(b, p, &cp);
        if (class_of(cp) == C_NEWLINE)
            return off;
    }
    CharClass c = class_of(cp);
    for (;;) {
        off = p;
        if (off == 0)
            return 0;
        p = textnav_prev(b, off);
        textnav_char_at(b, p, &cp);
        if (class_of(cp) != c)
            return off;
    }
}

void textnav_word_at(const Buffer *b, size_t off, size_t *start, size_t *end)
{
    uint32_t cp;
    size_t s = off, e = off;
    while (textnav_char_at(b, e, &cp) && textnav_is_word_char(cp))
        e = textnav_next(b, e);
    while (s > 0) {
        size_t p = textnav_prev(b, s);
        textnav_char_at(b, p, &cp);
        if (!textnav_is_word_char(cp))
            break;
        s = p;
    }
    *start = s;
    *end = e;
}
