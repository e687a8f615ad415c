#include <criterion/criterion.h>

#include "argsplit.h"

static void expect_words(const char *line, size_t n, const char *const *want)
{
    StrList got = {0};
    Err err;
    char *input;
    cr_assert(args_split(line, &got, &input, &err), "%s: %s", line, err.msg);
    cr_assert_null(input);
    cr_assert_eq(got.len, n, "%s: %zu words", line, got.len);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(got.items[i], want[i]);
    /* And written back, they split the same. */
    StrBuf joined = {0};
    args_join(&got, NULL, &joined);
    StrList again = {0};
    cr_assert(args_split(joined.data ? joined.data : "", &again, &input, &err));
    cr_assert_null(input);
    cr_assert_eq(again.len, n, "joined as %s", joined.data);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(again.items[i], want[i], "joined as %s", joined.data);
    sb_free(&joined);
    sl_free(&again);
    sl_free(&got);
}

Test(argsplit, words_split_at_blanks)
{
    expect_words("  a  bb\tccc ", 3, (const char *const[]){"a", "bb", "ccc"});
    expect_words("", 0, NULL);
    expect_words("   ", 0, NULL);
}

Test(argsplit, quotes_keep_blanks_and_take_nothing_else)
{
    expect_words("'two words' \"and $HOME *\"", 2, (const char *const[]){"two words", "and $HOME *"});
    expect_words("a'b c'd", 1, (const char *const[]){"ab cd"});
    expect_words("'' \"\"", 2, (const char *const[]){"", ""});
    expect_words("\"say \\\"hi\\\" \\\\ \\n\"", 1, (const char *const[]){"say \"hi\" \\ \\n"});
    expect_words("it\\'s a\\ b", 2, (const char *const[]){"it's", "a b"});
    expect_words("'it'\\''s'", 1, (const char *const[]){"it's"});
}

Test(argsplit, an_open_quote_is_an_error)
{
    StrList got = {0};
    char *input;
    Err err;
    cr_assert_not(args_split("a 'b c", &got, &input, &err));
    cr_assert_eq(got.len, 0);
    cr_assert(strstr(err.msg, "' is not closed"));
    cr_assert_not(args_split("\"x", &got, &input, &err));
    cr_assert(strstr(err.msg, "\" is not closed"));
}

Test(argsplit, what_a_shell_would_expand_is_written_quoted)
{
    StrList args = {0};
    sl_push(&args, "$HOME");
    sl_push(&args, "*.c");
    sl_push(&args, "plain-word_1.txt");
    StrBuf line = {0};
    args_join(&args, NULL, &line);
    cr_assert_str_eq(line.data, "'$HOME' '*.c' plain-word_1.txt");
    sb_free(&line);
    sl_free(&args);
}

Test(argsplit, a_less_than_names_the_input)
{
    const char *lines[] = {"one < in.txt", "one <in.txt", "< in.txt one", "one<in.txt"};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        StrList got = {0};
        char *input;
        Err err;
        cr_assert(args_split(lines[i], &got, &input, &err), "%s: %s", lines[i], err.msg);
        cr_assert_eq(got.len, 1, "%s", lines[i]);
        cr_assert_str_eq(got.items[0], "one");
        cr_assert_str_eq(input, "in.txt", "%s", lines[i]);
        free(input);
        sl_free(&got);
    }
    /* Quoted, it is a word; a name with a blank is quoted after it. */
    StrList got = {0};
    char *input;
    Err err;
    cr_assert(args_split("'<' \\< < 'my input.txt'", &got, &input, &err), "%s", err.msg);
    cr_assert_eq(got.len, 2);
    cr_assert_str_eq(got.items[0], "<");
    cr_assert_str_eq(got.items[1], "<");
    cr_assert_str_eq(input, "my input.txt");
    StrBuf line = {0};
    args_join(&got, input, &line);
    cr_assert_str_eq(line.data, "'<' '<' < 'my input.txt'");
    free(input);
    sl_free(&got);
    sb_free(&line);
    StrList none = {0};
    args_join(&none, "in.txt", &line);
    cr_assert_str_eq(line.data, "< in.txt");
    sb_free(&line);
}

Test(argsplit, what_only_a_shell_does_is_refused)
{
    const char *lines[] = {"a > out.txt", "a | sort", "a; b", "a & b", "a <", "a < ''", "a < x < y", "a < | b"};
    const char *says[] = {"'>' would need a shell", "'|' would need a shell", "';' would need",
                          "'&' would need", "'<' needs the name", "'<' needs the name", "'<' comes twice",
                          "'<' needs the name"};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        StrList got = {0};
        char *input = (char *)"unset";
        Err err;
        cr_assert_not(args_split(lines[i], &got, &input, &err), "%s", lines[i]);
        cr_assert_eq(got.len, 0, "%s", lines[i]);
        cr_assert_null(input, "%s", lines[i]);
        cr_assert(strstr(err.msg, says[i]), "%s: %s", lines[i], err.msg);
    }
}

Test(argsplit, a_name_escaped_into_a_line_reads_back_whole)
{
    const char *line = "one <da";
    cr_assert_str_eq(args_last_word(line), "da");
    cr_assert_str_eq(args_last_word("a|b"), "b");
    cr_assert_str_eq(args_last_word("a "), "");
    const char *name = "my input 'x' & \"y\"\\z<>.txt";
    StrBuf l = {0};
    sb_puts(&l, "x < ");
    args_escape(name, strlen(name), &l);
    StrList got = {0};
    char *input;
    Err err;
    cr_assert(args_split(l.data, &got, &input, &err), "%s: %s", l.data, err.msg);
    cr_assert_eq(got.len, 1);
    cr_assert_str_eq(input, name);
    free(input);
    sl_free(&got);
    sb_free(&l);
}
