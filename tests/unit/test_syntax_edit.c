/* Incremental parsing: after any series of edits, the tree (and so the
 * highlighting and the errors) must be what a fresh parse of the same
 * text gives. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "syntax.h"
#include "syntax_text.h"
#include "xalloc.h"

static const struct {
    const char *path;
    const char *text;
} files[] = {
    {"a.py", "import os\n\nclass A:\n    def f(self, x):\n        return [x * 2 for x in range(10)]\n\n"
             "def g(s: str) -> int:\n    \"\"\"doc\"\"\"\n    return len(s) + 1  # c\n\nprint(g('a'), A().f(3))\n"},
    {"a.js", "// c\nconst f = (x) => x * 2;\nclass A { m() { return `t ${f(1)}`; } }\n"
             "function g(a, b) {\n  if (a > b) { return [a, b]; }\n  return { a, b };\n}\nconsole.log(g(1, 2));\n"},
    {"a.go", "package main\n\nimport \"fmt\"\n\ntype T struct{ a int }\n\nfunc (t T) M() int { return t.a }\n\n"
             "func main() {\n\tfor i := 0; i < 3; i++ {\n\t\tfmt.Println(i, T{i}.M())\n\t}\n}\n"},
    {"a.c", "#include <stdio.h>\n\nstruct s { int a; };\n\nstatic int f(struct s *p)\n{\n    return p->a * 2;\n}\n\n"
            "int main(void)\n{\n    struct s v = {1};\n    for (int i = 0; i < 3; i++)\n        printf(\"%d\\n\", f(&v));\n    return 0;\n}\n"},
    {"a.cpp", "#include <vector>\nnamespace n {\ntemplate <class T> struct B { T v; T get() const { return v; } };\n}\n"
              "int main() {\n  std::vector<int> v{1, 2};\n  n::B<int> b{3};\n  for (auto x : v) b.v += x;\n  return b.get();\n}\n"},
    {"A.java", "import java.util.*;\n\npublic class A {\n  private int n = 3;\n  int f(int x) { return x * n; }\n"
               "  public static void main(String[] a) {\n    List<Integer> l = new ArrayList<>();\n    l.add(new A().f(2));\n"
               "    System.out.println(l);\n  }\n}\n"},
    {"a.php", "<p>x</p>\n<?php\nfunction f($a) { return $a * 2; }\nclass C { public function m() { return f(3); } }\n"
              "$c = new C();\necho $c->m(), \"\\n\";\n?>\n<b>y</b>\n"},
    {"a.rs", "use std::fmt;\n\nstruct P { x: i32 }\n\nimpl P {\n    fn f(&self) -> i32 { self.x * 2 }\n}\n\n"
             "fn main() {\n    let p = P { x: 3 };\n    let v: Vec<i32> = (0..3).map(|i| i + p.f()).collect();\n    println!(\"{:?}\", v);\n}\n"},
};

/* Things people type: brackets, quotes, comment starts, words, newlines. */
static const char *const inserts[] = {"(", ")", "{", "}", "[", "]", "\"", "'", "/*", "*/", "#", "//",
                                      "\n", "  ", "x", "if", " = ", ";", ",", "1", "return ", "\n}\n",
                                      "def ", "fn ", "<?php ", "?>", "`", "\\", "é"};

static uint32_t rng_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*s >> 33);
}

/* Do not cut a UTF-8 character in two. */
static uint32_t char_boundary(const TestText *t, uint32_t at)
{
    while (at > 0 && at < t->n && ((unsigned char)t->s[at] & 0xC0) == 0x80)
        at--;
    return at;
}

static void random_edit(TestText *t, SyntaxDoc *doc, uint64_t *seed)
{
    uint32_t at = char_boundary(t, t->n ? rng_next(seed) % (t->n + 1) : 0);
    uint32_t del = rng_next(seed) % 4 == 0 ? rng_next(seed) % 6 : 0;
    if (at + del > t->n)
        del = t->n - at;
    del = char_boundary(t, at + del) - at;
    const char *ins = rng_next(seed) % 5 == 0 ? "" : inserts[rng_next(seed) % (sizeof inserts / sizeof *inserts)];
    tt_edit(t, doc, at, del, ins);
}

static void expect_same_as_fresh(TestText *t, SyntaxDoc *doc, const char *path, const char *what)
{
    SyntaxDoc *fresh = tt_doc(t, path, true);
    syntax_tick(fresh, NULL);
    char *a = syntax_debug_tree(doc), *b = syntax_debug_tree(fresh);
    cr_assert_not_null(a);
    cr_assert_not_null(b);
    cr_assert_str_eq(a, b, "%s %s: the edited tree differs from a fresh parse of:\n%s", path, what, t->s);
    free(a);
    free(b);
    SyntaxSpans h1 = {0}, h2 = {0};
    syntax_highlight(doc, 0, t->n, &h1);
    syntax_highlight(fresh, 0, t->n, &h2);
    cr_assert_eq(h1.n, h2.n, "%s %s: %zu spans, fresh %zu", path, what, h1.n, h2.n);
    for (size_t i = 0; i < h1.n; i++)
        cr_assert(h1.v[i].start == h2.v[i].start && h1.v[i].end == h2.v[i].end && h1.v[i].hl == h2.v[i].hl,
                  "%s %s: span %zu differs", path, what, i);
    syntax_spans_free(&h1);
    syntax_spans_free(&h2);
    syntax_errors(doc, 0, t->n, &h1);
    syntax_errors(fresh, 0, t->n, &h2);
    cr_assert_eq(h1.n, h2.n, "%s %s: %zu errors, fresh %zu", path, what, h1.n, h2.n);
    for (size_t i = 0; i < h1.n; i++)
        cr_assert(h1.v[i].start == h2.v[i].start && h1.v[i].end == h2.v[i].end);
    syntax_spans_free(&h1);
    syntax_spans_free(&h2);
    syntax_free(fresh);
}

/* Each edit followed by a reparse. */
Test(syntax_edit, every_edit_reparsed_matches_a_fresh_parse)
{
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        uint64_t seed = 42 + f;
        TestText *t = tt_new(files[f].text);
        t->chunk = 7; /* reads cross chunk boundaries */
        SyntaxDoc *doc = tt_doc(t, files[f].path, true);
        syntax_tick(doc, NULL);
        for (int i = 0; i < 60; i++) {
            random_edit(t, doc, &seed);
            syntax_tick(doc, NULL);
            if (i % 10 == 9)
                expect_same_as_fresh(t, doc, files[f].path, "after single edits");
        }
        syntax_free(doc);
        tt_free(t);
    }
}

/* Several edits between reparses: the tree is edited by each in turn. */
Test(syntax_edit, batches_of_edits_match_a_fresh_parse)
{
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        uint64_t seed = 7 + f;
        TestText *t = tt_new(files[f].text);
        SyntaxDoc *doc = tt_doc(t, files[f].path, true);
        syntax_tick(doc, NULL);
        for (int round = 0; round < 8; round++) {
            int n = 1 + (int)(rng_next(&seed) % 8);
            for (int i = 0; i < n; i++)
                random_edit(t, doc, &seed);
            syntax_tick(doc, NULL);
            expect_same_as_fresh(t, doc, files[f].path, "after a batch");
        }
        syntax_free(doc);
        tt_free(t);
    }
}

/* Typing while the parser thread works: edits arrive between the snapshot
 * a parse started from and the moment its tree is picked up. */
Test(syntax_edit, edits_during_background_parses_match_a_fresh_parse)
{
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        uint64_t seed = 99 + f;
        TestText *t = tt_new(files[f].text);
        SyntaxDoc *doc = tt_doc(t, files[f].path, false);
        syntax_tick(doc, NULL);
        for (int i = 0; i < 80; i++) {
            random_edit(t, doc, &seed);
            syntax_tick(doc, NULL);
        }
        cr_assert(syntax_wait(doc, 20000));
        syntax_tick(doc, NULL); /* picks up, and asks for the newest text */
        cr_assert(syntax_wait(doc, 20000));
        syntax_tick(doc, NULL);
        expect_same_as_fresh(t, doc, files[f].path, "after typing during parses");
        syntax_free(doc);
        tt_free(t);
    }
}

Test(syntax_edit, a_reset_forgets_the_old_tree)
{
    TestText *t = tt_new("int a;\n");
    SyntaxDoc *doc = tt_doc(t, "r.c", true);
    syntax_tick(doc, NULL);
    free(t->s);
    t->s = xstrdup("void f(void) { g(); }\n");
    t->n = (uint32_t)strlen(t->s);
    syntax_reset(doc);
    SyntaxSpans sp = {0};
    syntax_highlight(doc, 0, t->n, &sp);
    cr_assert_eq(sp.n, 0, "no tree until the new text is parsed");
    cr_assert(syntax_tick(doc, NULL));
    expect_same_as_fresh(t, doc, "r.c", "after a reset");
    syntax_free(doc);
    tt_free(t);
}

/* Until the next parse, the edited old tree keeps highlighting where the
 * text moved to. */
Test(syntax_edit, highlighting_follows_edits_before_the_reparse)
{
    TestText *t = tt_new("x = 1\ndef f(): pass\n");
    SyntaxHost h = tt_host(t);
    SyntaxDoc *doc = syntax_new(lang_by_key("python"), "a.py", &h, &(SyntaxOptions){.synchronous = true});
    syntax_tick(doc, NULL);
    tt_edit(t, doc, 0, 0, "# new line\n"); /* no tick: the tree is only edited */
    SyntaxSpans sp = {0};
    syntax_highlight(doc, 0, t->n, &sp);
    const char *def = strstr(t->s, "def");
    cr_expect_str_eq(tt_hl_at(&sp, (uint32_t)(def - t->s)), "keyword");
    syntax_spans_free(&sp);
    syntax_free(doc);
    tt_free(t);
}

/* ---------------------------------------------------------------- windows */

static char *big_c(int nfuncs)
{
    StrBuf sb = {0};
    sb_puts(&sb, "#include <stdio.h>\n\n");
    for (int i = 0; i < nfuncs; i++)
        sb_printf(&sb,
                  "/* function %d */\nstatic int f%d(int x)\n{\n    if (x > %d)\n        return x * 2;\n"
                  "    return printf(\"%%d\\n\", x);\n}\n\n",
                  i, i, i);
    return sb_steal(&sb);
}

static SyntaxView view_at(const TestText *t, uint32_t start, uint32_t len)
{
    SyntaxView v = {start, start + len < t->n ? start + len : t->n, tt_point(t->s, start)};
    return v;
}

static void expect_window_like_full(TestText *t, SyntaxDoc *win, SyntaxDoc *full, SyntaxView v)
{
    SyntaxSpans a = {0}, b = {0};
    syntax_highlight(win, v.start_byte, v.end_byte, &a);
    syntax_highlight(full, v.start_byte, v.end_byte, &b);
    cr_assert_gt(b.n, 10);
    cr_assert_eq(a.n, b.n, "windowed: %zu spans, full parse: %zu", a.n, b.n);
    for (size_t i = 0; i < a.n; i++)
        cr_assert(a.v[i].start == b.v[i].start && a.v[i].end == b.v[i].end && a.v[i].hl == b.v[i].hl,
                  "span %zu at %u differs", i, a.v[i].start);
    syntax_spans_free(&a);
    syntax_spans_free(&b);
    syntax_errors(win, v.start_byte, v.end_byte, &a);
    cr_assert_eq(a.n, 0, "no errors from the window's cut");
}

Test(syntax_window, a_big_file_is_parsed_around_the_view)
{
    char *src = big_c(2000); /* about 220 KB */
    TestText *t = tt_new(src);
    free(src);
    SyntaxHost h = tt_host(t);
    SyntaxOptions wo = {.synchronous = true, .window_threshold = 16 * 1024, .window_margin = 8 * 1024};
    SyntaxOptions fo = {.synchronous = true, .window_threshold = UINT32_MAX};
    SyntaxDoc *win = syntax_new(lang_by_key("c"), "big.c", &h, &wo);
    SyntaxDoc *full = syntax_new(lang_by_key("c"), "big.c", &h, &fo);
    syntax_tick(full, NULL);

    SyntaxView v = view_at(t, t->n / 2, 2000);
    syntax_tick(win, &v);
    expect_window_like_full(t, win, full, v);
    /* Far outside the window: plain until parsed. */
    SyntaxSpans sp = {0};
    syntax_highlight(win, 100, 2000, &sp);
    cr_expect_eq(sp.n, 0);
    syntax_spans_free(&sp);

    /* Scrolling a little keeps the window; scrolling far parses another. */
    SyntaxView near = view_at(t, v.start_byte + 500, 2000);
    cr_expect_not(syntax_tick(win, &near));
    SyntaxView end = view_at(t, t->n - 1500, 1500);
    cr_expect(syntax_tick(win, &end));
    expect_window_like_full(t, win, full, end);
    SyntaxView top = view_at(t, 0, 2000);
    cr_expect(syntax_tick(win, &top));
    expect_window_like_full(t, win, full, top);

    syntax_free(win);
    syntax_free(full);
    tt_free(t);
}

Test(syntax_window, edits_in_a_window_reparse_it_incrementally)
{
    char *src = big_c(2000);
    TestText *t = tt_new(src);
    free(src);
    SyntaxHost h = tt_host(t);
    SyntaxOptions wo = {.synchronous = true, .window_threshold = 16 * 1024, .window_margin = 8 * 1024};
    SyntaxDoc *win = syntax_new(lang_by_key("c"), "big.c", &h, &wo);
    uint32_t at = t->n / 2;
    SyntaxView v = view_at(t, at, 2000);
    syntax_tick(win, &v);
    uint64_t seed = 5;
    for (int i = 0; i < 30; i++) {
        /* Edits in the view, and some before the window (they move it). */
        uint32_t pos = i % 5 == 4 ? rng_next(&seed) % 1000 : at + rng_next(&seed) % 2000;
        const char *ins = i % 3 ? "x" : "\n";
        tt_edit(t, win, pos, 0, ins);
        if (pos < at)
            at++;
        v = view_at(t, at, 2000);
        syntax_tick(win, &v);
    }
    /* Make the text valid C again where we typed: compare with a full parse. */
    SyntaxOptions fo = {.synchronous = true, .window_threshold = UINT32_MAX};
    SyntaxDoc *full = syntax_new(lang_by_key("c"), "big.c", &h, &fo);
    syntax_tick(full, NULL);
    SyntaxSpans a = {0}, b = {0};
    syntax_highlight(win, v.start_byte, v.end_byte, &a);
    syntax_highlight(full, v.start_byte, v.end_byte, &b);
    cr_assert_gt(a.n, 10);
    /* The window's tree is a parse of its text, like the full one there:
     * compare what both say about the view. */
    size_t same = 0;
    for (size_t i = 0, j = 0; i < a.n && j < b.n;) {
        if (a.v[i].start == b.v[j].start && a.v[i].end == b.v[j].end && a.v[i].hl == b.v[j].hl) {
            same++;
            i++;
            j++;
        } else if (a.v[i].start < b.v[j].start) {
            i++;
        } else {
            j++;
        }
    }
    cr_expect_geq(same * 10, b.n * 9, "only %zu of %zu spans agree", same, b.n);
    syntax_spans_free(&a);
    syntax_spans_free(&b);
    syntax_free(full);
    syntax_free(win);
    tt_free(t);
}

Test(syntax_window, one_huge_line_is_parsed_around_the_view)
{
    StrBuf sb = {0};
    for (int i = 0; i < 6000; i++)
        sb_printf(&sb, "function f%d(a){return a*%d+\"s\";}var v%d=f%d(1);", i, i, i, i);
    sb_puts(&sb, "\n");
    TestText *t = tt_new(sb.data);
    sb_free(&sb);
    SyntaxHost h = tt_host(t);
    SyntaxOptions wo = {.synchronous = true, .window_threshold = 16 * 1024, .window_margin = 8 * 1024};
    SyntaxDoc *doc = syntax_new(lang_by_key("node"), "min.js", &h, &wo);
    uint32_t mid = t->n / 2;
    SyntaxView v = {mid, mid + 200, {0, mid}};
    syntax_tick(doc, &v);
    SyntaxSpans sp = {0};
    syntax_highlight(doc, v.start_byte, v.end_byte, &sp);
    /* Whatever the cut, the keywords and strings in view are found. */
    const char *kw = strstr(t->s + mid, "function"), *str = strstr(t->s + mid, "\"s\"");
    cr_expect_str_eq(tt_hl_at(&sp, (uint32_t)(kw - t->s)), "keyword");
    cr_expect_str_eq(tt_hl_at(&sp, (uint32_t)(str - t->s)), "string");
    syntax_spans_free(&sp);
    syntax_free(doc);
    tt_free(t);
}
