#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"
#include "lang.h"
#include "syntax.h"
#include "syntax_text.h"
#include "theme.h"
#include "xalloc.h"

/* A sample file and what some of its tokens must be captured as.  In a
 * `want`, the token is the part in [brackets]; the rest of the string
 * only says which occurrence is meant. */
typedef struct Want {
    const char *where;
    const char *capture;
} Want;

typedef struct Sample {
    const char *path;
    const char *text;
    Want want[12];
} Sample;

static const Sample samples[] = {
    {"a.py",
     "# a comment\n"
     "import os\n"
     "MAX_SIZE = 3\n"
     "class Point:\n"
     "    def norm(self, x: int) -> float:\n"
     "        return abs(x) * 2.5 + 10\n"
     "print(\"hello\", os.path.join(\"a\"), MAX_SIZE)\n",
     {{"[def] norm", "keyword"},
      {"[\"hello\"]", "string"},
      {"[# a comment]", "comment"},
      {"def [norm]", "function"},
      {"x: [int]", "type"},
      {"[2.5]", "number"},
      {"class [Point]", "type"},
      {"[abs](x)", "function.builtin"},
      {"path.[join]", "function.method"},
      {"[MAX_SIZE] = 3", "constant"}}},
    {"a.js",
     "// a comment\n"
     "class Shape extends Object { area() { return 0; } }\n"
     "function area(r) { return Math.PI * r * r + 42; }\n"
     "console.log(area(2), \"done\", require(\"fs\"));\n",
     {{"[function] area", "keyword"},
      {"[\"done\"]", "string"},
      {"[// a comment]", "comment"},
      {"function [area]", "function"},
      {"class [Shape]", "type"},
      {"[42]", "number"},
      {"console.[log]", "function.method"},
      {"[require]", "function.builtin"},
      {"[console]", "variable.builtin"}}},
    {"a.go",
     "// Package main is a sample.\n"
     "package main\n"
     "import \"fmt\"\n"
     "type Point struct {\n\tX, Y int\n}\n"
     "func main() {\n"
     "\ts := []int{1, 2, 3}\n"
     "\tfmt.Println(\"hello\", len(s), 1.5)\n"
     "}\n",
     {{"[func] main", "keyword"},
      {"[\"hello\"]", "string"},
      {"[// Package main is a sample.]", "comment"},
      {"func [main]", "function"},
      {"type [Point]", "type"},
      {"[1.5]", "number"},
      {"fmt.[Println]", "function.method"},
      {"[len](s)", "function.builtin"}}},
    {"a.c",
     "#include <stdio.h>\n"
     "#define MAX_LEN 10\n"
     "/* a comment */\n"
     "typedef struct point { int x, y; } Point;\n"
     "static double norm(const Point *p)\n"
     "{\n"
     "    return p->x * 2.5 + 0x1f;\n"
     "}\n"
     "int main(void) { printf(\"%d\\n\", MAX_LEN); return 0; }\n",
     {{"[return] p", "keyword"},
      {"[\"%d]", "string"},
      {"[/* a comment */]", "comment"},
      {"double [norm]", "function"},
      {"const [Point]", "type"},
      {"[0x1f]", "number"},
      {"[printf]", "function"},
      {"[#include]", "keyword"},
      {"[MAX_LEN] 10", "constant"},
      {"%d[\\n]", "escape"}}},
    {"a.cpp",
     "#include <vector>\n"
     "// a comment\n"
     "namespace geo {\n"
     "class Shape { public: virtual double area() const { return 0.0; } };\n"
     "}\n"
     "template <typename T> T twice(T v) { return v * 2; }\n"
     "int main() { auto s = geo::Shape(); return twice(21) + (nullptr == nullptr); }\n",
     {{"[virtual]", "keyword"},
      {"[<vector>]", "string"},
      {"[// a comment]", "comment"},
      {"T [twice](T", "function"},
      {"class [Shape]", "type"},
      {"[21]", "number"},
      {"[template]", "keyword"},
      {"[#include]", "keyword"},
      {"[auto]", "type"},
      {"namespace [geo]", "module"}}},
    {"Main.java",
     "// a comment\n"
     "public class Main {\n"
     "    static final int MAX = 10;\n"
     "    public static void main(String[] args) {\n"
     "        System.out.println(\"hello\" + twice(42));\n"
     "    }\n"
     "    static int twice(int x) { return x * 2; }\n"
     "}\n",
     {{"[public] class", "keyword"},
      {"[\"hello\"]", "string"},
      {"[// a comment]", "comment"},
      {"int [twice]", "function.method"},
      {"([String]", "type"},
      {"[42]", "number"},
      {"[int] MAX", "type.builtin"},
      {"[MAX] =", "constant"}}},
    {"a.php",
     "<html><body>\n"
     "<?php\n"
     "// a comment\n"
     "function greet(string $name): string {\n"
     "    return \"Hello, \" . $name . 42;\n"
     "}\n"
     "class Point { public int $x = 1; }\n"
     "echo greet(\"world\");\n"
     "?>\n"
     "</body></html>\n",
     {{"[function] greet", "keyword"},
      {"[\"world\"]", "string"},
      {"[// a comment]", "comment"},
      {"function [greet]", "function"},
      {"class [Point]", "type"},
      {"[42]", "number"},
      {"[<?php]", "tag"},
      {"[<html>]", ""},
      {"([string]", "type.builtin"}}},
    {"a.rs",
     "// a comment\n"
     "const MAX: u32 = 10;\n"
     "struct Point { x: i32 }\n"
     "fn norm(p: &Point) -> f64 { (p.x as f64) * 2.5 }\n"
     "fn main() { println!(\"{}\", norm(&Point { x: 3 })); let s = \"one\".to_string(); }\n",
     {{"[fn] norm", "keyword"},
      {"[\"one\"]", "string"},
      {"[// a comment]", "comment"},
      {"fn [norm]", "function"},
      {"struct [Point]", "type"},
      {"[2.5]", "number"},
      {"[MAX]:", "constant"},
      {"[u32]", "type.builtin"},
      {"[println!]", "function.macro"},
      {"[to_string]", "function.method"}}},
    {"a.f90",
     "! a comment\n"
     "program hello\n"
     "  integer, parameter :: n = 10\n"
     "  logical :: ok = .true.\n"
     "  if (n > 5 .and. ok) call greet('hi')\n"
     "contains\n"
     "  subroutine greet(s)\n"
     "    character(len=*), intent(in) :: s\n"
     "    print *, sqrt(2.0), s\n"
     "  end subroutine greet\n"
     "end program hello\n",
     {{"[program] hello", "keyword"},
      {"['hi']", "string"},
      {"[! a comment]", "comment"},
      {"subroutine [greet]", "function"},
      {"[integer]", "type.builtin"},
      {"n = [10]", "number"},
      {"[.and.]", "operator"},
      {"[.true.]", "constant.builtin"},
      {"[sqrt]", "function.builtin"},
      {"program [hello]", "module"}}},
};

/* Locate the bracketed token of want in text. */
static void locate(const char *text, const char *where, uint32_t *start, uint32_t *end)
{
    char *plain = xstrdup(where);
    const char *lb = strchr(where, '['), *rb = strchr(where, ']');
    cr_assert(lb && rb && lb < rb, "bad want '%s'", where);
    size_t pre = (size_t)(lb - where), tok = (size_t)(rb - lb - 1);
    /* The needle without the brackets. */
    size_t k = 0;
    for (const char *p = where; *p; p++)
        if (p != lb && p != rb)
            plain[k++] = *p;
    plain[k] = '\0';
    const char *at = strstr(text, plain);
    cr_assert_not_null(at, "'%s' is not in the sample", plain);
    *start = (uint32_t)(at - text + pre);
    *end = *start + (uint32_t)tok;
    free(plain);
}

static void check_sample(const Sample *s)
{
    TestText *t = tt_new(s->text);
    SyntaxDoc *doc = tt_doc(t, s->path, true);
    cr_assert_null(syntax_problem(doc), "%s: %s", s->path, syntax_problem(doc));
    syntax_tick(doc, NULL);
    SyntaxSpans sp = {0};
    syntax_highlight(doc, 0, t->n, &sp);
    for (size_t i = 0; i < sizeof s->want / sizeof *s->want && s->want[i].where; i++) {
        uint32_t a, b;
        locate(s->text, s->want[i].where, &a, &b);
        for (uint32_t k = a; k < b; k++)
            cr_expect_str_eq(tt_hl_at(&sp, k), s->want[i].capture, "%s: %s: byte %u is '%s', not '%s'",
                             s->path, s->want[i].where, k - a, tt_hl_at(&sp, k), s->want[i].capture);
    }
    /* Spans are sorted and do not overlap. */
    for (size_t i = 1; i < sp.n; i++)
        cr_expect(sp.v[i - 1].end <= sp.v[i].start, "%s: spans overlap", s->path);
    /* The sample has no syntax errors. */
    SyntaxSpans er = {0};
    syntax_errors(doc, 0, t->n, &er);
    cr_expect_eq(er.n, 0, "%s: %zu unexpected syntax errors", s->path, er.n);
    syntax_spans_free(&er);
    syntax_spans_free(&sp);
    syntax_free(doc);
    tt_free(t);
}

Test(syntax, python) { check_sample(&samples[0]); }
Test(syntax, javascript) { check_sample(&samples[1]); }
Test(syntax, go) { check_sample(&samples[2]); }
Test(syntax, c) { check_sample(&samples[3]); }
Test(syntax, cpp_with_c_patterns) { check_sample(&samples[4]); }
Test(syntax, java) { check_sample(&samples[5]); }
Test(syntax, php_inside_html) { check_sample(&samples[6]); }
Test(syntax, rust) { check_sample(&samples[7]); }
Test(syntax, fortran) { check_sample(&samples[8]); }

Test(syntax, every_query_loads)
{
    for (unsigned i = 0; i < grammar_count; i++) {
        Err err;
        const Grammar *g = grammar_get(grammar_names[i], &err);
        cr_expect_not_null(g, "%s", err.msg);
        if (g)
            cr_expect_gt(g->npatterns, 10, "%s: only %u patterns", g->name, g->npatterns);
    }
    Err err;
    cr_assert_null(grammar_get("cobol", &err));
    cr_assert(strstr(err.msg, "cobol"), "%s", err.msg);
}

Test(syntax, every_language_with_a_grammar_has_one)
{
    for (int id = 0; id < LANG_COUNT; id++) {
        const Lang *l = lang_get((LangId)id);
        TestText *t = tt_new("x\n");
        SyntaxDoc *doc = tt_doc(t, l->starter_file, true);
        if (l->id == LANG_FORTRAN)
            cr_expect_eq(syntax_kind(doc), SYNTAX_FORTRAN);
        else
            cr_expect_eq(syntax_kind(doc), SYNTAX_TREE_SITTER, "%s: %s", l->key,
                         syntax_problem(doc) ? syntax_problem(doc) : "");
        syntax_free(doc);
        tt_free(t);
    }
}

Test(syntax, other_files_are_plain)
{
    TestText *t = tt_new("def x(): return 1\n");
    SyntaxDoc *doc = tt_doc(t, "notes.txt", true);
    cr_assert_eq(syntax_kind(doc), SYNTAX_PLAIN);
    cr_assert_str_eq(syntax_name(doc), "plain text");
    cr_assert_not(syntax_tick(doc, NULL));
    SyntaxSpans sp = {0};
    syntax_highlight(doc, 0, t->n, &sp);
    syntax_errors(doc, 0, t->n, &sp);
    cr_assert_eq(sp.n, 0);
    syntax_free(doc);
    tt_free(t);
}

/* #match? (a Rust-flavoured \d), #eq?, #any-of? and their negations. */
Test(syntax, predicates_are_honoured)
{
    /* Python: #match? "^[A-Z][A-Z_]*$" and a builtin list. */
    TestText *t = tt_new("ABC_D = Abc = abc = 1\nlen(x)\nmylen(x)\n");
    SyntaxDoc *doc = tt_doc(t, "p.py", true);
    syntax_tick(doc, NULL);
    SyntaxSpans sp = {0};
    syntax_highlight(doc, 0, t->n, &sp);
    cr_expect_str_eq(tt_hl_at(&sp, 0), "constant");
    cr_expect_str_eq(tt_hl_at(&sp, 8), "constructor");
    cr_expect_str_eq(tt_hl_at(&sp, 14), "variable");
    cr_expect_str_eq(tt_hl_at(&sp, 22), "function.builtin");
    cr_expect_str_eq(tt_hl_at(&sp, 29), "function");
    syntax_spans_free(&sp);
    syntax_free(doc);
    tt_free(t);

    /* C: "^[A-Z][A-Z\\d_]*$" needs \d. */
    t = tt_new("int X2_Y = 1; int x2 = 2;\n");
    doc = tt_doc(t, "p.c", true);
    syntax_tick(doc, NULL);
    syntax_highlight(doc, 0, t->n, &sp);
    cr_expect_str_eq(tt_hl_at(&sp, 4), "constant");
    cr_expect_str_eq(tt_hl_at(&sp, 18), "variable");
    syntax_spans_free(&sp);
    syntax_free(doc);
    tt_free(t);

    /* JavaScript: #eq? "require"; PHP: #any-of? "static" "self", #eq? "__construct". */
    t = tt_new("require(\"a\"); requires(\"b\");\n");
    doc = tt_doc(t, "p.js", true);
    syntax_tick(doc, NULL);
    syntax_highlight(doc, 0, t->n, &sp);
    cr_expect_str_eq(tt_hl_at(&sp, 0), "function.builtin");
    cr_expect_str_eq(tt_hl_at(&sp, 14), "function");
    syntax_spans_free(&sp);
    syntax_free(doc);
    tt_free(t);

    t = tt_new("<?php class A { function __construct() {} function f(): self {} function g(): Foo {} }\n");
    doc = tt_doc(t, "p.php", true);
    syntax_tick(doc, NULL);
    syntax_highlight(doc, 0, t->n, &sp);
    const char *ctor = strstr(t->s, "__construct"), *self = strstr(t->s, "self"), *foo = strstr(t->s, "Foo"),
               *f = strstr(t->s, "f()");
    cr_expect_str_eq(tt_hl_at(&sp, (uint32_t)(ctor - t->s)), "constructor");
    cr_expect_str_eq(tt_hl_at(&sp, (uint32_t)(self - t->s)), "type.builtin");
    cr_expect_str_eq(tt_hl_at(&sp, (uint32_t)(foo - t->s)), "type");
    cr_expect_str_eq(tt_hl_at(&sp, (uint32_t)(f - t->s)), "function.method");
    syntax_spans_free(&sp);
    syntax_free(doc);
    tt_free(t);
}

/* Highlighting part of the text gives what highlighting all of it gives,
 * on that part. */
Test(syntax, a_range_is_highlighted_as_in_the_whole)
{
    const Sample *s = &samples[3];
    TestText *t = tt_new(s->text);
    SyntaxDoc *doc = tt_doc(t, s->path, true);
    syntax_tick(doc, NULL);
    SyntaxSpans all = {0};
    syntax_highlight(doc, 0, t->n, &all);
    for (uint32_t a = 0; a < t->n; a += 7) {
        uint32_t b = a + 23 < t->n ? a + 23 : t->n;
        SyntaxSpans part = {0};
        syntax_highlight(doc, a, b, &part);
        for (uint32_t k = a; k < b; k++)
            cr_assert_str_eq(tt_hl_at(&part, k), tt_hl_at(&all, k), "byte %u", k);
        for (size_t i = 0; i < part.n; i++)
            cr_assert(part.v[i].start >= a && part.v[i].end <= b);
        syntax_spans_free(&part);
    }
    syntax_spans_free(&all);
    syntax_free(doc);
    tt_free(t);
}

Test(syntax, a_missing_token_is_an_error_with_an_explanation)
{
    const char *src = "int main(void)\n{\n    return 1\n}\n";
    TestText *t = tt_new(src);
    SyntaxDoc *doc = tt_doc(t, "e.c", true);
    syntax_tick(doc, NULL);
    SyntaxSpans er = {0};
    syntax_errors(doc, 0, t->n, &er);
    cr_assert_eq(er.n, 1, "%zu errors", er.n);
    /* Marked on the "1" the ";" should follow. */
    uint32_t one = (uint32_t)(strstr(src, "1\n") - src);
    cr_expect_eq(er.v[0].start, one);
    cr_expect_eq(er.v[0].end, one + 1);
    cr_expect_str_eq(syntax_hl_name(er.v[0].hl), "error");
    char msg[200];
    cr_assert(syntax_error_at(doc, one, msg, sizeof msg));
    cr_expect_str_eq(msg, "syntax error: missing \";\"");
    cr_expect_not(syntax_error_at(doc, 0, msg, sizeof msg));
    /* Outside the range asked for: not reported. */
    syntax_spans_free(&er);
    syntax_errors(doc, 0, 10, &er);
    cr_expect_eq(er.n, 0);
    syntax_spans_free(&er);
    syntax_free(doc);
    tt_free(t);
}

Test(syntax, unexpected_text_is_an_error_on_its_line)
{
    const char *src = "def f(x):\n    return x +* 2 )\n\nprint(f(1))\n";
    TestText *t = tt_new(src);
    SyntaxDoc *doc = tt_doc(t, "e.py", true);
    syntax_tick(doc, NULL);
    SyntaxSpans er = {0};
    syntax_errors(doc, 0, t->n, &er);
    cr_assert_geq(er.n, 1);
    uint32_t line2 = (uint32_t)(strchr(src, '\n') - src) + 1;
    uint32_t line3 = (uint32_t)(strstr(src, "\n\n") - src);
    for (size_t i = 0; i < er.n; i++) {
        cr_expect(er.v[i].start >= line2 && er.v[i].end <= line3, "error %u-%u is not on line 2",
                  er.v[i].start, er.v[i].end);
        char msg[200];
        cr_expect(syntax_error_at(doc, er.v[i].start, msg, sizeof msg));
        cr_expect(strncmp(msg, "syntax error: ", 14) == 0, "%s", msg);
    }
    syntax_spans_free(&er);
    syntax_free(doc);
    tt_free(t);
}

/* The parser thread: ticks never wait; a finished parse shows up at a
 * later tick, and the wake callback tells the UI so. */
static int wakes;
static void count_wake(void *ctx)
{
    (void)ctx;
    __atomic_add_fetch(&wakes, 1, __ATOMIC_SEQ_CST);
}

Test(syntax, parses_in_the_background)
{
    TestText *t = tt_new(samples[0].text);
    SyntaxHost h = tt_host(t);
    h.wake = count_wake;
    SyntaxDoc *doc = syntax_new(lang_by_key("python"), "a.py", &h, NULL);
    syntax_tick(doc, NULL);
    cr_assert(syntax_wait(doc, 10000));
    cr_expect_geq(__atomic_load_n(&wakes, __ATOMIC_SEQ_CST), 1);
    cr_assert(syntax_tick(doc, NULL), "the finished parse changes the highlighting");
    cr_assert_not(syntax_tick(doc, NULL), "and only once");
    SyntaxSpans sp = {0};
    syntax_highlight(doc, 0, t->n, &sp);
    cr_expect_str_eq(tt_hl_at(&sp, 0), "comment");
    syntax_spans_free(&sp);
    syntax_free(doc);
    tt_free(t);
}

Test(syntax, freeing_a_busy_document_cancels_its_parse)
{
    /* Big enough to still be parsing when freed. */
    StrBuf sb = {0};
    for (int i = 0; i < 20000; i++)
        sb_printf(&sb, "static int f%d(int x) { return x * %d + g(x, \"s\"); }\n", i, i);
    TestText *t = tt_new(sb.data);
    sb_free(&sb);
    SyntaxDoc *doc = tt_doc(t, "big.c", false);
    syntax_tick(doc, NULL);
    syntax_free(doc);
    tt_free(t);
}

/* The capture decides the colour: the theme's style for a token is the
 * style of its capture's longest prefix in the theme. */
Test(syntax, captures_pick_theme_colours)
{
    TestText *t = tt_new("def f(): return \"s\"  # c\n");
    SyntaxDoc *doc = tt_doc(t, "a.py", true);
    syntax_tick(doc, NULL);
    SyntaxSpans sp = {0};
    syntax_highlight(doc, 0, t->n, &sp);
    Theme *th = theme_builtin();
    ThemeStyle kw = theme_style(th, tt_hl_at(&sp, 0));
    ThemeStyle str = theme_style(th, tt_hl_at(&sp, 16));
    ThemeStyle com = theme_style(th, tt_hl_at(&sp, 22));
    cr_expect_eq(kw.fg.kind, THEME_COLOR_RGB);
    cr_expect_eq(kw.fg.value, 0xc678dd);
    cr_expect_eq(str.fg.value, 0x98c379);
    cr_expect_eq(com.fg.value, 0x7f848e);
    cr_expect(com.attrs & THEME_ITALIC);
    theme_free(th);
    syntax_spans_free(&sp);
    syntax_free(doc);
    tt_free(t);
}

Test(syntax, capture_names_are_interned)
{
    SyntaxHl a = syntax_hl_intern("keyword.test-only");
    cr_assert_neq(a, SYNTAX_HL_NONE);
    cr_assert_eq(syntax_hl_intern("keyword.test-only"), a);
    cr_assert_str_eq(syntax_hl_name(a), "keyword.test-only");
    cr_assert_lt(a, syntax_hl_count());
    cr_assert_eq(syntax_hl_intern("_private"), SYNTAX_HL_NONE);
    cr_assert_eq(syntax_hl_intern("injection.content"), SYNTAX_HL_NONE);
    cr_assert_str_eq(syntax_hl_name(SYNTAX_HL_NONE), "");
}
