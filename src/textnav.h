/* Walking a buffer's text as characters, as the editor shows it: UTF-8
 * decoding that never fails (a byte that is not valid UTF-8 is a
 * character of its own, shown as <XX>), the columns each character takes
 * on screen (tabs, wide and combining characters, control characters as
 * ^X), and the moves an editor makes (next/previous character, word). */
#ifndef TIDE_TEXTNAV_H
#define TIDE_TEXTNAV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buffer.h"

/* The code point given to a byte that does not start valid UTF-8. */
#define UTF8_INVALID 0xFFFFFFFFu

/* Decode the character at s[0..len): returns its length in bytes (1..4,
 * 0 when len is 0) and sets *cp (UTF8_INVALID and length 1 for a byte
 * that is not valid UTF-8, including an overlong or truncated sequence). */
int textnav_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
/* Encode cp; returns the length (1..4), 0 for an invalid code point. */
int textnav_utf8_encode(uint32_t cp, char out[4]);

/* How a character is shown. */
typedef enum {
    GLYPH_TEXT,    /* the character itself */
    GLYPH_TAB,     /* spaces up to the next tab stop */
    GLYPH_CONTROL, /* ^X: two columns */
    GLYPH_BYTES    /* <XX> for each byte: not valid UTF-8 or not printable */
} GlyphKind;

typedef struct Glyph {
    GlyphKind kind;
    uint32_t cp;
    int len;   /* bytes */
    int width; /* columns: 0 for a combining character */
} Glyph;

/* Classify the character cp (len bytes) drawn at display column col. */
Glyph glyph_of(uint32_t cp, int len, size_t col, int tab_width);

/* Reads characters from a buffer front to back without a lookup per
 * character. */
typedef struct TextReader {
    const Buffer *b;
    size_t off, end;
    const char *p;
    size_t avail; /* bytes at p, all before end */
} TextReader;

void reader_init(TextReader *r, const Buffer *b, size_t off, size_t end);
/* The next character: returns its length (0 at the end) and sets *cp. */
int reader_next(TextReader *r, uint32_t *cp);

/* The character at off (length and code point); 0 at the end. */
int textnav_char_at(const Buffer *b, size_t off, uint32_t *cp);
/* The start of the next character after off, skipping combining marks
 * that belong to it. */
size_t textnav_next(const Buffer *b, size_t off);
/* The start of the character before off (with its combining marks). */
size_t textnav_prev(const Buffer *b, size_t off);
/* Word moves in the manner of desktop editors: to the start of the next
 * word / of this or the previous one, stopping at line ends. */
size_t textnav_word_right(const Buffer *b, size_t off);
size_t textnav_word_left(const Buffer *b, size_t off);
/* The word (letters, digits, _) around off: [*start, *end). */
void textnav_word_at(const Buffer *b, size_t off, size_t *start, size_t *end);
bool textnav_is_word_char(uint32_t cp);

#endif
