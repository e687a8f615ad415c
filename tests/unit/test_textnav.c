#include <criterion/criterion.h>
#include <locale.h>
#include <string.h>

#include "textnav.h"
#include "xalloc.h"

static void utf8_locale(void)
{
    setlocale(LC_CTYPE, "C.UTF-8");
}

static Buffer *from(const char *s)
{
    return buffer_new_with(xstrdup(s), strlen(s));
}

Test(textnav, decodes_and_rejects)
{
    uint32_t cp;
    cr_assert_eq(textnav_utf8_decode((const unsigned char *)"é", 2, &cp), 2);
    cr_assert_eq(cp, 0xE9);
    cr_assert_eq(textnav_utf8_decode((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp), 4);
    cr_assert_eq(cp, 0x1F600);
    cr_assert_eq(textnav_utf8_decode((const unsigned char *)"\xc0\xaf", 2, &cp), 1, "overlong");
    cr_assert_eq(cp, UTF8_INVALID);
    cr_assert_eq(textnav_utf8_decode((const unsigned char *)"\xed\xa0\x80", 3, &cp), 1, "surrogate");
    cr_assert_eq(textnav_utf8_decode((const unsigned char *)"\xe2\x82", 2, &cp), 1, "truncated");
    cr_assert_eq(textnav_utf8_decode((const unsigned char *)"\xff", 1, &cp), 1);
    char out[4];
    cr_assert_eq(textnav_utf8_encode(0x20AC, out), 3);
    cr_assert_eq(memcmp(out, "€", 3), 0);
}

Test(textnav, widths, .init = utf8_locale)
{
    cr_assert_eq(glyph_of('\t', 1, 5, 4).width, 3);
    cr_assert_eq(glyph_of(0x4E2D, 3, 0, 4).width, 2, "CJK is wide");
    cr_assert_eq(glyph_of(0x301, 2, 0, 4).width, 0, "combining");
    cr_assert_eq(glyph_of(1, 1, 0, 4).kind, GLYPH_CONTROL);
    cr_assert_eq(glyph_of(UTF8_INVALID, 1, 0, 4).width, 4);
}

Test(textnav, moves_by_character_and_word, .init = utf8_locale)
{
    /* e + combining acute, CRLF, invalid byte */
    Buffer *b = from("ae\xcc\x81z\r\nfoo_bar  (x)\xff");
    cr_assert_eq(textnav_next(b, 0), 1);
    cr_assert_eq(textnav_next(b, 1), 4, "the mark goes with its letter");
    cr_assert_eq(textnav_prev(b, 4), 1);
    cr_assert_eq(textnav_next(b, 5), 7, "CRLF is one step");
    cr_assert_eq(textnav_prev(b, 7), 5);
    size_t end = buffer_length(b);
    cr_assert_eq(textnav_prev(b, end), end - 1);
    cr_assert_eq(textnav_word_right(b, 7), 14);
    cr_assert_eq(textnav_word_right(b, 14), 17, "spaces, then the punctuation run");
    cr_assert_eq(textnav_word_left(b, 17), 16);
    cr_assert_eq(textnav_word_left(b, 16), 7);
    size_t s, e;
    textnav_word_at(b, 9, &s, &e);
    cr_assert_eq(s, 7);
    cr_assert_eq(e, 14);
    TextReader r;
    reader_init(&r, b, 0, end);
    uint32_t cp;
    int n = 0;
    while (reader_next(&r, &cp))
        n++;
    cr_assert_eq(n, 19);
    buffer_free(b);
}
