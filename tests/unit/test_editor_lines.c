#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "document.h"
#include "editor.h"

static View *with_text(const char *text)
{
    Document *d = document_new();
    buffer_insert(d->buf, 0, text, strlen(text));
    buffer_checkpoint(d->buf, 0);
    return view_new(d, 4);
}

static char *text_of(View *v)
{
    size_t len;
    return buffer_dup(v->doc->buf, 0, buffer_length(v->doc->buf), &len);
}

static void drop(View *v)
{
    Document *d = v->doc;
    view_free(v);
    document_free(d);
}

static void expect_text(View *v, const char *want)
{
    char *got = text_of(v);
    cr_assert_str_eq(got, want);
    free(got);
}

Test(editor_lines, the_cursor_line_keeps_its_place_in_the_text)
{
    View *v = with_text("    x = 1\n");
    v->cursor = 6; /* before "= 1" */
    view_toggle_comment(v, "#");
    expect_text(v, "    # x = 1\n");
    cr_assert_eq(v->cursor, 8);
    view_toggle_comment(v, "#");
    expect_text(v, "    x = 1\n");
    cr_assert_eq(v->cursor, 6);
    drop(v);
}

Test(editor_lines, selected_lines_align_at_the_least_indentation)
{
    View *v = with_text("if a:\n    b()\n\n  c()\nend\n");
    /* From inside line 2 to the start of line 5: that line is not taken. */
    v->selecting = true;
    v->anchor = 8;
    v->cursor = strlen("if a:\n    b()\n\n  c()\n");
    view_toggle_comment(v, "//");
    expect_text(v, "if a:\n  //   b()\n\n  // c()\nend\n");
    /* All of them commented: the marks (and the space after) go. */
    view_toggle_comment(v, "//");
    expect_text(v, "if a:\n    b()\n\n  c()\nend\n");
    drop(v);
}

Test(editor_lines, a_mix_is_commented_and_undone_in_one_step)
{
    View *v = with_text("# a\nb\n");
    v->selecting = true;
    v->anchor = 0;
    v->cursor = strlen("# a\nb");
    view_toggle_comment(v, "#");
    expect_text(v, "# # a\n# b\n");
    cr_assert(view_undo(v));
    expect_text(v, "# a\nb\n");
    drop(v);
}

Test(editor_lines, an_empty_line_gets_the_mark_to_write_after)
{
    View *v = with_text("x\n\n");
    v->cursor = 2;
    view_toggle_comment(v, "!");
    expect_text(v, "x\n! \n");
    cr_assert_eq(v->cursor, 4);
    drop(v);
}

Test(editor_lines, alt_arrows_move_lines_past_their_neighbour)
{
    View *v = with_text("one\ntwo\nthree");
    v->cursor = 5; /* in "two" */
    view_move_lines(v, -1);
    expect_text(v, "two\none\nthree");
    cr_assert_eq(v->cursor, 1);
    view_move_lines(v, -1); /* at the top: nothing */
    expect_text(v, "two\none\nthree");
    /* Down to the last line, which has no line break: they trade it. */
    view_move_lines(v, 1);
    view_move_lines(v, 1);
    expect_text(v, "one\nthree\ntwo");
    cr_assert_eq(v->cursor, strlen("one\nthree\nt"));
    cr_assert(view_undo(v));
    expect_text(v, "one\ntwo\nthree");
    drop(v);
}

Test(editor_lines, selected_lines_move_together)
{
    View *v = with_text("a\r\nb\r\nc\r\nd\r\n");
    v->doc->crlf = true;
    v->selecting = true;
    v->anchor = 3;                    /* start of b */
    v->cursor = strlen("a\r\nb\r\nc"); /* in c */
    view_move_lines(v, 1);
    expect_text(v, "a\r\nd\r\nb\r\nc\r\n");
    cr_assert(v->selecting);
    cr_assert_eq(v->anchor, 6);
    cr_assert_eq(v->cursor, strlen("a\r\nd\r\nb\r\nc"));
    drop(v);
}
