#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fortran_lexer.h"
#include "lang.h"
#include "syntax.h"
#include "syntax_text.h"
#include "xalloc.h"

/* Lex lines and render the tokens as "kind:text" words, in order. */
typedef struct Out {
    const char *line;
    StrBuf sb;
} Out;

static void collect(void *ctx, const FortranToken *t)
{
    Out *o = ctx;
    sb_printf(&o->sb, "%s%s:%.*s", o->sb.len ? " " : "", fortran_token_capture(t->kind),
              (int)(t->end - t->start), o->line + t->start);
}

/* Lex a whole text, one line after another with the state carried. */
static char *lex(FortranForm form, const char *text)
{
    Out o = {0};
    FortranState st = {0};
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        o.line = p;
        fortran_lex_line(form, p, n, &st, collect, &o);
        p += n + (nl ? 1 : 0);
    }
    return o.sb.data ? sb_steal(&o.sb) : xstrdup("");
}

#define EXPECT_LEX(form, text, want)                                                                    \
    do {                                                                                                \
        char *got_ = lex(form, text);                                                                   \
        cr_expect_str_eq(got_, want, "lexing %s", text);                                              \
        free(got_);                                                                                     \
    } while (0)

Test(fortran, free_form_keywords_are_case_insensitive)
{
    EXPECT_LEX(FORTRAN_FREE, "PROGRAM Main\nEnd Program MAIN\n",
               "keyword:PROGRAM module:Main keyword:End keyword:Program module:MAIN");
    EXPECT_LEX(FORTRAN_FREE, "if (x) then\nELSE IF (y) THEN\nendif\n",
               "keyword:if keyword:then keyword:ELSE keyword:IF keyword:THEN keyword:endif");
}

Test(fortran, free_form_comments_strings_numbers)
{
    EXPECT_LEX(FORTRAN_FREE, "x = 'it''s' ! not a 'string'\n",
               "operator:= string:'it''s' comment:! not a 'string'");
    EXPECT_LEX(FORTRAN_FREE, "s = \"a ! b\"\n", "operator:= string:\"a ! b\"");
    EXPECT_LEX(FORTRAN_FREE, "y = 1.5d0 + .5e-3_dp + 42_int64 - 3.\n",
               "operator:= number:1.5d0 operator:+ number:.5e-3_dp operator:+ number:42_int64 operator:- number:3.");
    EXPECT_LEX(FORTRAN_FREE, "z = b'0101' + z'ff'\n", "operator:= number:b'0101' operator:+ number:z'ff'");
}

Test(fortran, dotted_operators_and_logicals)
{
    EXPECT_LEX(FORTRAN_FREE, "if (a .and. .not. b .or. 1.eq.2) ok = .TRUE.\n",
               "keyword:if operator:.and. operator:.not. operator:.or. number:1 operator:.eq. number:2 "
               "operator:= constant.builtin:.TRUE.");
    EXPECT_LEX(FORTRAN_FREE, "c = a .cross. b; d = x**2 /= y\n",
               "operator:= operator:.cross. operator:= operator:** number:2 operator:/=");
}

Test(fortran, names_after_keywords_and_intrinsics)
{
    EXPECT_LEX(FORTRAN_FREE, "call solve(a)\nsubroutine solve(x)\nuse mymod\n",
               "keyword:call function:solve keyword:subroutine function:solve keyword:use module:mymod");
    EXPECT_LEX(FORTRAN_FREE, "y = sqrt(x) + size (a) + sqrt\n",
               "operator:= function.builtin:sqrt operator:+ function.builtin:size operator:+");
    EXPECT_LEX(FORTRAN_FREE, "type point\ntype(point) :: p\nend type point\n",
               "keyword:type type:point type.builtin:type type:point keyword:end keyword:type type:point");
    EXPECT_LEX(FORTRAN_FREE, "integer, intent(in) :: in\n",
               "type.builtin:integer keyword:intent keyword:in");
    EXPECT_LEX(FORTRAN_FREE, "go to 10\ngo = 1\n", "keyword:go keyword:to number:10 operator:= number:1");
}

Test(fortran, free_form_continued_string)
{
    EXPECT_LEX(FORTRAN_FREE, "print *, 'one &\n   &two', x\n",
               "keyword:print operator:* string:'one  punctuation.special:& punctuation.special:& "
               "string:two'");
    /* A line that does not continue closes nothing: the next is code. */
    EXPECT_LEX(FORTRAN_FREE, "s = 'open\nx = 1\n", "operator:= string:'open operator:= number:1");
}

Test(fortran, preprocessor_lines)
{
    EXPECT_LEX(FORTRAN_FREE, "#include \"a.h\"\n", "keyword.directive:#include \"a.h\"");
}

Test(fortran, fixed_form_columns)
{
    EXPECT_LEX(FORTRAN_FIXED, "C     a comment\n* another\nc lower\n! bang\n",
               "comment:C     a comment comment:* another comment:c lower comment:! bang");
    EXPECT_LEX(FORTRAN_FIXED, "      PROGRAM MAIN\n   10 CONTINUE\n",
               "keyword:PROGRAM module:MAIN label:10 keyword:CONTINUE");
    /* Column 6 continues the line; a string runs on into it. */
    EXPECT_LEX(FORTRAN_FIXED, "      CALL F('AB\n     &CD')\n",
               "keyword:CALL function:F string:'AB punctuation.special:& string:CD'");
    /* Columns 73 on are not part of the statement. */
    char seq[100];
    snprintf(seq, sizeof seq, "%-72s%s\n", "      X = 1", "SEQ00010");
    EXPECT_LEX(FORTRAN_FIXED, seq, "operator:= number:1 comment:SEQ00010");
    /* A C in column 7 is code, not a comment. */
    EXPECT_LEX(FORTRAN_FIXED, "      CALL C\n", "keyword:CALL function:C");
    /* Tab form: a tab ends the label field. */
    EXPECT_LEX(FORTRAN_FIXED, "100\tSTOP\n", "label:100 keyword:STOP");
}

Test(fortran, highlighted_through_the_syntax_module_in_both_forms)
{
    const char *fixed = "C comment\n      INTEGER I\n      I = 2\n      END\n";
    TestText *t = tt_new(fixed);
    SyntaxDoc *doc = tt_doc(t, "old.f", true);
    cr_assert_eq(syntax_kind(doc), SYNTAX_FORTRAN);
    cr_assert_str_eq(syntax_name(doc), "fortran (fixed form)");
    syntax_tick(doc, NULL);
    SyntaxSpans sp = {0};
    /* A range that starts mid-line still gets the columns right. */
    uint32_t i = (uint32_t)(strstr(fixed, "INTEGER") - fixed);
    syntax_highlight(doc, i + 2, t->n, &sp);
    cr_expect_str_eq(tt_hl_at(&sp, i + 3), "type.builtin");
    cr_expect_str_eq(tt_hl_at(&sp, i + 1), "");
    syntax_spans_free(&sp);
    syntax_highlight(doc, 0, t->n, &sp);
    cr_expect_str_eq(tt_hl_at(&sp, 0), "comment");
    cr_expect_str_eq(tt_hl_at(&sp, (uint32_t)(strstr(fixed, "2") - fixed)), "number");
    syntax_spans_free(&sp);
    /* Fortran has no syntax errors to show. */
    syntax_errors(doc, 0, t->n, &sp);
    cr_expect_eq(sp.n, 0);
    syntax_free(doc);
    tt_free(t);

    /* The same text in free form: the C line is a name, not a comment. */
    t = tt_new("C comment\n");
    doc = tt_doc(t, "new.f90", true);
    cr_assert_str_eq(syntax_name(doc), "fortran");
    syntax_highlight(doc, 0, t->n, &sp);
    cr_expect_str_eq(tt_hl_at(&sp, 0), "");
    syntax_spans_free(&sp);
    syntax_free(doc);
    tt_free(t);
}

Test(fortran, a_string_continued_from_above_the_range)
{
    const char *src = "x = 1\ns = 'abc &\n&def'\ny = 2\n";
    TestText *t = tt_new(src);
    SyntaxDoc *doc = tt_doc(t, "c.f90", true);
    uint32_t line3 = (uint32_t)(strstr(src, "&def") - src);
    SyntaxSpans sp = {0};
    syntax_highlight(doc, line3, t->n, &sp);
    cr_expect_str_eq(tt_hl_at(&sp, line3 + 1), "string");
    cr_expect_str_eq(tt_hl_at(&sp, (uint32_t)(strstr(src, "2") - src)), "number");
    syntax_spans_free(&sp);
    syntax_free(doc);
    tt_free(t);
}

Test(fortran, crlf_lines)
{
    EXPECT_LEX(FORTRAN_FREE, "x = 1 ! c\r\n", "operator:= number:1 comment:! c");
}
