#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "xalloc.h"

static Buffer *from(const char *s)
{
    return buffer_new_with(xstrdup(s), strlen(s));
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
