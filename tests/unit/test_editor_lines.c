#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "document.h"
#include "editor.h"
#include "keymap.h"

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

/* ---------------------------------------------------------------- Enter */

static View *in_lang(LangId lang, const char *text, size_t cursor)
{
    View *v = with_text(text);
    v->doc->lang = lang_get(lang);
    v->cursor = cursor;
    return v;
}

static void enter(View *v)
{
    Config cfg = {.tab_width = 4, .auto_indent = true};
    StrBuf clip = {0};
    bool lines = false;
    EditorEnv env = {&cfg, &clip, &lines, NULL};
    cr_assert(view_key(v, &env, TK_ENTER));
}

/* One level more after an opener, though a comment follows it; a comment
 * sign in a string is text. */
Test(editor_lines, enter_after_an_opener_and_a_comment_indents)
{
    struct {
        LangId lang;
        const char *line, *want;
    } cases[] = {
        {LANG_PYTHON, "    for i in x:  # loop", "    for i in x:  # loop\n        "},
        {LANG_PYTHON, "d = {  # dict", "d = {  # dict\n    "},
        {LANG_PYTHON, "s = \"a#b:\"", "s = \"a#b:\"\n"},
        {LANG_C, "if (x) {  // c", "if (x) {  // c\n    "},
        {LANG_C, "if (x) { /* c */", "if (x) { /* c */\n    "},
        {LANG_JAVA, "if (x) {  // c", "if (x) {  // c\n    "},
        {LANG_GO, "if x {  // c", "if x {  // c\n    "},
        {LANG_RUST, "fn f(x: &'a str) { // c", "fn f(x: &'a str) { // c\n    "},
        {LANG_NODE, "if (x) {  /* c */", "if (x) {  /* c */\n    "},
        {LANG_PHP, "if ($x) {  # c", "if ($x) {  # c\n    "},
        {LANG_CPP, "x = \"{\";  // {", "x = \"{\";  // {\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        View *v = in_lang(cases[i].lang, cases[i].line, strlen(cases[i].line));
        enter(v);
        expect_text(v, cases[i].want);
        cr_assert_eq(v->cursor, strlen(cases[i].want));
        drop(v);
    }
}

/* Enter between a bracket and its closer puts the cursor on an indented
 * line and the closer on its own after it, at the line's indentation, as
 * desktop editors do; one undo step. */
Test(editor_lines, enter_between_brackets_opens_a_line_between)
{
    View *v = in_lang(LANG_C, "    void g(void) {}", strlen("    void g(void) {"));
    enter(v);
    expect_text(v, "    void g(void) {\n        \n    }");
    cr_assert_eq(v->cursor, strlen("    void g(void) {\n        "));
    cr_assert(view_undo(v));
    expect_text(v, "    void g(void) {}");
    drop(v);
    /* Blanks between go; a comment after the bracket does not stop it. */
    v = in_lang(LANG_PYTHON, "x = f(  )", strlen("x = f( "));
    enter(v);
    expect_text(v, "x = f(\n    \n)");
    cr_assert_eq(v->cursor, strlen("x = f(\n    "));
    drop(v);
    v = in_lang(LANG_NODE, "a = [ /* none */ ];", strlen("a = [ /* none */ "));
    enter(v);
    expect_text(v, "a = [ /* none */\n    \n];");
    drop(v);
    /* Not a pair: the rest of the line moves down as before. */
    v = in_lang(LANG_C, "f(a) {b}", strlen("f(a) {"));
    enter(v);
    expect_text(v, "f(a) {\n    b}");
    drop(v);
    v = in_lang(LANG_C, "f(]", strlen("f("));
    enter(v);
    expect_text(v, "f(\n    ]");
    drop(v);
}

/* A paste puts its text as it is: no closer moved, no indent. */
Test(editor_lines, a_paste_between_brackets_is_literal)
{
    View *v = in_lang(LANG_C, "{}", 1);
    view_paste_text(v, "\n", 1);
    expect_text(v, "{\n}");
    cr_assert_eq(v->cursor, 2);
    drop(v);
}

/* A document not to be changed (a run's record) refuses every edit: the
 * text stays, and the view says it refused (the IDE tells why). */
static void refuses(int edit)
{
    Config cfg = {.tab_width = 4, .auto_indent = true};
    StrBuf clip = {0};
    bool lines = false;
    EditorEnv env = {&cfg, &clip, &lines, NULL};
    static const Key keys[] = {'x', TK_ENTER, TK_TAB, TK_BACKSPACE, TK_DELETE, TK_CTRL | TK_BACKSPACE};
    View *v = with_text("a = 1\nb = 2\n");
    v->doc->locked = true;
    v->cursor = 2;
    sb_puts(&clip, "clip\n");
    switch (edit) {
    case 0: view_paste_text(v, "p", 1); break;
    case 1: view_paste(v, &env); break;
    case 2: view_copy(v, &env, true); break;
    case 3: view_cut_line(v, &env); break;
    case 4: view_duplicate(v); break;
    case 5: view_toggle_comment(v, "#"); break;
    case 6: view_move_lines(v, 1); break;
    default: view_key(v, &env, keys[edit - 7]); break;
    }
    expect_text(v, "a = 1\nb = 2\n");
    cr_assert(v->refused, "edit %d was not refused", edit);
    cr_assert_str_eq(clip.data, "clip\n", "edit %d: a refused cut copied", edit);
    sb_free(&clip);
    drop(v);
}

Test(editor_lines, a_locked_document_refuses_every_edit)
{
    for (int edit = 0; edit < 7 + 6; edit++)
        refuses(edit);
}
