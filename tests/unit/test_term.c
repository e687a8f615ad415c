#include <criterion/criterion.h>
#include <locale.h>
#include <string.h>

#include "term.h"

static void utf8_locale(void)
{
    setlocale(LC_CTYPE, "C.UTF-8");
}

/* The lines of s wrapped at cols, joined with '|'. */
static const char *wrapped(const char *s, int cols, int max)
{
    static char out[512];
    size_t start[16], len[16];
    int n = term_wrap(s, cols, start, len, max);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(out, "|");
        strncat(out, s + start[i], len[i]);
    }
    return out;
}

Test(term, text_that_fits_is_one_line, .init = utf8_locale)
{
    cr_assert_str_eq(wrapped("saved a.c", 20, 4), "saved a.c");
    cr_assert_str_eq(wrapped("", 20, 4), "");
    cr_assert_str_eq(wrapped("exactly ten", 11, 4), "exactly ten");
}

Test(term, long_text_breaks_after_a_space, .init = utf8_locale)
{
    cr_assert_str_eq(wrapped("your edits are kept: cannot save", 12, 8), "your edits|are kept:|cannot save");
    /* The space that overflows is the break itself. */
    cr_assert_str_eq(wrapped("abcde fghij", 5, 4), "abcde|fghij");
    /* A word longer than the line is cut where it overflows. */
    cr_assert_str_eq(wrapped("see /a/very/long/path/name now", 10, 8), "see|/a/very/lo|ng/path/na|me now");
    /* Nor does a line start with the spaces between two words. */
    cr_assert_str_eq(wrapped("names:  d1/  d10/  d11/", 11, 8), "names:  d1/|d10/  d11/");
    cr_assert_str_eq(wrapped("abcde   fghij", 5, 4), "abcde|fghij");
}

Test(term, columns_are_counted_not_bytes, .init = utf8_locale)
{
    /* Each of these takes two columns and three bytes. */
    cr_assert_str_eq(wrapped("日本語 テキスト", 8, 4), "日本語|テキスト");
    cr_assert_str_eq(wrapped("日本語テキスト", 5, 4), "日本|語テ|キス|ト");
    cr_assert_str_eq(wrapped("héllo wörld", 6, 4), "héllo|wörld");
}

Test(term, the_last_line_takes_the_rest, .init = utf8_locale)
{
    cr_assert_str_eq(wrapped("one two three four five", 4, 2), "one|two three four five");
    cr_assert_str_eq(wrapped("one two", 4, 1), "one two");
}
