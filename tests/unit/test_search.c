#include <criterion/criterion.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "xalloc.h"

static Buffer *from(const char *s)
{
    return buffer_new_with(xstrdup(s), strlen(s));
}

/* As the IDE runs (ui/ide_main.c): case is known for every letter. */
static void utf8_locale(void)
{
    setlocale(LC_CTYPE, "C.UTF-8");
}

Test(search, plain_smart_case_and_wrap)
{
    Buffer *b = from("Hello hello HELLO\nsay hello\n");
    Search s;
    Err err;
    cr_assert(search_init(&s, "hello", false, &err));
    size_t st, en;
    cr_assert(search_next(&s, b, 0, false, &st, &en));
    cr_assert_eq(st, 0, "lower case pattern ignores case");
    cr_assert(search_next(&s, b, 1, false, &st, &en));
    cr_assert_eq(st, 6);
    cr_assert(search_next(&s, b, 22, false, &st, &en));
    cr_assert_eq(st, 22);
    cr_assert_eq(en, 27);
    cr_assert_not(search_next(&s, b, 25, false, &st, &en));
    cr_assert(search_next(&s, b, 25, true, &st, &en));
    cr_assert_eq(st, 0, "wraps to the start");
    cr_assert(search_prev(&s, b, 22, false, &st, &en));
    cr_assert_eq(st, 12);
    cr_assert(search_prev(&s, b, 0, true, &st, &en));
    cr_assert_eq(st, 22, "wraps to the end");
    search_free(&s);
    cr_assert(search_init(&s, "HELLO", false, &err));
    cr_assert(search_next(&s, b, 0, false, &st, &en));
    cr_assert_eq(st, 12, "a capital makes the search exact");
    size_t all[8][2];
    cr_assert_eq(search_all(&s, b, 0, buffer_length(b), all, 8), 1);
    search_free(&s);
    buffer_free(b);
}

Test(search, matches_across_pieces)
{
    Buffer *b = from("abcdef");
    buffer_insert(b, 3, "XY", 2); /* abcXYdef in three pieces */
    Search s;
    Err err;
    cr_assert(search_init(&s, "cxyd", false, &err));
    size_t st, en;
    cr_assert(search_next(&s, b, 0, false, &st, &en));
    cr_assert_eq(st, 2);
    cr_assert(search_prev(&s, b, 8, false, &st, &en));
    cr_assert_eq(st, 2);
    search_free(&s);
    buffer_free(b);
}

Test(search, regex_groups_and_replacement)
{
    Buffer *b = from("x = 10;\ny = 200;\n");
    Search s;
    Err err;
    cr_assert(search_init(&s, "([a-z]) = ([0-9]+)", true, &err), "%s", err.msg);
    size_t all[8][2];
    cr_assert_eq(search_all(&s, b, 0, buffer_length(b), all, 8), 2);
    cr_assert_eq(all[1][0], 8);
    cr_assert_eq(all[1][1], 15);
    size_t len;
    char *r = search_expand(&s, b, all[1][0], all[1][1], "\\2 -> \\1\\t\\0", &len);
    cr_assert_str_eq(r, "200 -> y\ty = 200");
    free(r);
    size_t st, en;
    cr_assert(search_prev(&s, b, buffer_length(b), false, &st, &en));
    cr_assert_eq(st, 8);
    search_free(&s);
    cr_assert(search_init(&s, "^y", true, &err));
    cr_assert(search_next(&s, b, 1, false, &st, &en));
    cr_assert_eq(st, 8, "^ matches at line starts only");
    search_free(&s);
    cr_assert_not(search_init(&s, "(", true, &err));
    cr_assert(strstr(err.msg, "bad regular expression"));
    cr_assert_not(search_init(&s, "", false, &err));
    buffer_free(b);
}

/* Smart case for every script, not only ASCII: a pattern with no capital
 * finds the word in any case, and a capital anywhere makes it exact. */
Test(search, smart_case_knows_letters_beyond_ascii, .init = utf8_locale)
{
    Buffer *b = from("\xc3\x89" "cole \xc3\xa9" "cole \xc3\x89" "COLE \xce\xa3\xce\xb9\xcf\x83 \xd0\x9c\xd0\xb8\xd1\x80\n");
    Search s;
    Err err;
    size_t all[8][2];
    for (int regex = 0; regex < 2; regex++) {
        cr_assert(search_init(&s, "\xc3\xa9" "cole", regex, &err)); /* école */
        cr_assert_eq(search_all(&s, b, 0, buffer_length(b), all, 8), 3, "regex %d", regex);
        cr_assert_eq(all[0][0], 0);
        cr_assert_eq(all[0][1], 6);
        cr_assert_eq(all[2][0], 14);
        cr_assert_eq(all[2][1], 20);
        size_t st, en;
        cr_assert(search_prev(&s, b, 14, false, &st, &en));
        cr_assert_eq(st, 7);
        search_free(&s);
        cr_assert(search_init(&s, "\xc3\x89" "cole", regex, &err)); /* École: exact */
        cr_assert_eq(search_all(&s, b, 0, buffer_length(b), all, 8), 1, "regex %d", regex);
        cr_assert_eq(all[0][0], 0);
        search_free(&s);
        cr_assert(search_init(&s, "\xcf\x83\xce\xb9\xcf\x83", regex, &err)); /* σισ: Greek */
        cr_assert_eq(search_all(&s, b, 0, buffer_length(b), all, 8), 1, "regex %d", regex);
        cr_assert_eq(all[0][0], 21);
        search_free(&s);
        cr_assert(search_init(&s, "\xd0\xbc\xd0\xb8\xd1\x80", regex, &err)); /* мир: Cyrillic */
        cr_assert_eq(search_all(&s, b, 0, buffer_length(b), all, 8), 1, "regex %d", regex);
        cr_assert_eq(all[0][0], 28);
        cr_assert_eq(all[0][1], 34);
        search_free(&s);
    }
    buffer_free(b);
}

/* Case folding may change a character's length in bytes (the capital
 * sharp s is 3 bytes, its small letter 2; the Kelvin sign 3, k 1): the
 * match is where it is in the text, not the pattern's length from its
 * start. */
Test(search, a_match_spans_the_text_whose_case_differs_in_length, .init = utf8_locale)
{
    /* "STRAẞE x", then "Kelvin" with the Kelvin sign. */
    Buffer *b = from("STRA\xe1\xba\x9e" "E x \xe2\x84\xaa" "elvin straße\n");
    Search s;
    Err err;
    size_t all[8][2];
    cr_assert(search_init(&s, "stra\xc3\x9f" "e", false, &err)); /* straße */
    cr_assert_eq(search_all(&s, b, 0, buffer_length(b), all, 8), 2);
    cr_assert_eq(all[0][0], 0);
    cr_assert_eq(all[0][1], 8);
    cr_assert_eq(all[1][0], 20);
    cr_assert_eq(all[1][1], 27);
    size_t st, en;
    cr_assert(search_prev(&s, b, 20, false, &st, &en));
    cr_assert_eq(st, 0);
    cr_assert_eq(en, 8);
    search_free(&s);
    cr_assert(search_init(&s, "kelvin", false, &err));
    cr_assert_eq(search_all(&s, b, 0, buffer_length(b), all, 8), 1);
    cr_assert_eq(all[0][0], 11);
    cr_assert_eq(all[0][1], 19);
    search_free(&s);
    /* Invalid UTF-8 is matched byte for byte, in any case. */
    buffer_free(b);
    b = from("A\xff" "B a\xff" "b\n");
    cr_assert(search_init(&s, "a\xff" "b", false, &err));
    cr_assert_eq(search_all(&s, b, 0, buffer_length(b), all, 8), 2);
    cr_assert_eq(all[1][0], 4);
    cr_assert_eq(all[1][1], 7);
    search_free(&s);
    buffer_free(b);
}

/* Backwards, a byte a match could start with but that the text lacks (N,
 * searching "needle" in lower case) was looked for through the whole
 * piece again at each n: a minute for Shift-F3 through 25 MB of code. */
Test(search, a_missing_capital_costs_one_look_backwards, .timeout = 10)
{
    size_t n = 8u << 20;
    char *text = xmalloc(n);
    memset(text, 'x', n);
    for (size_t i = 0; i < n; i += 16)
        text[i] = 'n';
    Buffer *b = buffer_new_with(text, n);
    Search s;
    Err err;
    cr_assert(search_init(&s, "needle", false, &err));
    size_t st, en;
    cr_assert_not(search_prev(&s, b, n, false, &st, &en));
    cr_assert_not(search_next(&s, b, 0, false, &st, &en));
    search_free(&s);
    buffer_free(b);
}
