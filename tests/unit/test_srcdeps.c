#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "srcdeps.h"
#include "testutil.h"
#include "xalloc.h"

static bool has_main(LangId lang, const char *text)
{
    return srcdeps_has_main(lang, false, text, strlen(text));
}

Test(srcdeps, c_main_is_a_definition_at_file_scope)
{
    cr_assert(has_main(LANG_C, "#include <stdio.h>\nint main(void)\n{\n    return 0;\n}\n"));
    cr_assert(has_main(LANG_C, "int\nmain (int argc, char **argv) /* args */ { return argc; }"));
    cr_assert(has_main(LANG_CPP, "auto main() -> int { return 0; }"));
    cr_assert(has_main(LANG_CPP, "int main() try { return 0; } catch (...) { return 1; }"));
    /* A declaration, a call, a name in a comment, a string or a macro. */
    cr_assert_not(has_main(LANG_C, "int main(void);\nint add(int a, int b) { return a + b; }\n"));
    cr_assert_not(has_main(LANG_C, "void helper(void) { main(); }\n"));
    cr_assert_not(has_main(LANG_C, "// int main(void) { }\n/* int main() {} */\nint x;\n"));
    cr_assert_not(has_main(LANG_C, "const char *s = \"int main() {\";\nchar q = '{';\n"));
    cr_assert_not(has_main(LANG_C, "#define RUN int main() { \\\n  return 0; }\nint y;\n"));
    cr_assert_not(has_main(LANG_CPP, "namespace app { int main() { return 0; } }\n"));
    cr_assert_not(has_main(LANG_C, "int mainly(void) { return 1; }\nint domain(int) { return 2; }\n"));
    cr_assert_not(has_main(LANG_CPP, "int n = 1'000; int f() { return n; }"));
    cr_assert_not(has_main(LANG_PYTHON, "def main():\n    pass\n"));
}

Test(srcdeps, go_main_is_func_main)
{
    cr_assert(has_main(LANG_GO, "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(1)\n}\n"));
    /* The package's name, a helper, a comment and a raw string over lines. */
    cr_assert_not(has_main(LANG_GO, "package main\n\nfunc twice(x int) int { return 2 * x }\n"));
    cr_assert_not(has_main(LANG_GO, "package main\n// func main() {}\nvar x = 1\n"));
    cr_assert_not(has_main(LANG_GO, "package main\nvar usage = `\nfunc main() {\n}\n`\n"));
}

static bool is_program(LangId id, const char *path, const char *text)
{
    return srcdeps_text_is_program(lang_get(id), path, text, strlen(text));
}

Test(srcdeps, a_file_is_a_program_when_it_can_start_one)
{
    cr_assert(is_program(LANG_C, "/w/main.c", "int main(void) { return 0; }\n"));
    cr_assert_not(is_program(LANG_C, "/w/util.c", "int twice(int x) { return 2 * x; }\n"));
    cr_assert_not(is_program(LANG_FORTRAN, "/w/m.f90", "module greet\ncontains\n subroutine hi()\n end subroutine\nend module\n"));
    cr_assert(is_program(LANG_FORTRAN, "/w/p.f90", "program p\n print *, 1\nend program p\n"));
    /* Java: a class with main, whichever the file's name says. */
    cr_assert(is_program(LANG_JAVA, "/w/Main.java", "public class Main { public static void main(String[] a) {} }\n"));
    cr_assert_not(is_program(LANG_JAVA, "/w/Helper.java", "class Helper { static int twice(int x) { return 2 * x; } }\n"));
    /* A script is always one. */
    cr_assert(is_program(LANG_PYTHON, "/w/lib.py", "def f():\n    pass\n"));
}

typedef struct { const char *name, *text; } NamedText;

static void write_files(const char *dir, const NamedText *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *p = xasprintf("%s/%s", dir, files[i].name);
        tu_write(p, files[i].text, strlen(files[i].text));
        free(p);
    }
}

Test(srcdeps, companions_are_the_helpers_of_the_entry_folder)
{
    const char *dir = tu_tempdir();
    static const NamedText files[] = {
        {"main.go", "package main\nfunc main() { println(twice(2)) }\n"},
        {"util.go", "package main\nfunc twice(x int) int { return 2 * x }\n"},
        {"util_test.go", "package main\n"},
        {"tool.go", "package main\nfunc main() {}\n"},
        {".hidden.go", "package main\n"},
        {"notes.txt", "x"},
        {"a.c", "int helper(void) { return 1; }\n"},
    };
    write_files(dir, files, sizeof files / sizeof *files);
    char *entry = xasprintf("%s/main.go", dir);
    StrList got;
    srcdeps_companions(lang_by_key("go"), entry, &got);
    cr_assert_eq(got.len, 1);
    cr_assert(strstr(got.items[0], "/util.go"), "%s", got.items[0]);
    sl_free(&got);
    srcdeps_companions(lang_by_key("python"), entry, &got);
    cr_assert_eq(got.len, 0, "an interpreter finds its imports itself");
    free(entry);
}

Test(srcdeps, go_companions_are_of_the_entry_package)
{
    /* go build refuses a file of another package or one without a package
     * clause beside the entry: such files of the folder stay out. */
    const char *dir = tu_tempdir();
    static const NamedText files[] = {
        {"main.go", "// Command greet.\npackage main\n\nfunc main() { println(twice(2)) }\n"},
        {"util.go", "/* helpers */ package main\nfunc twice(x int) int { return 2 * x }\n"},
        {"other.go", "package other\nfunc Y() {}\n"},
        {"mainly.go", "package mainly\nfunc Z() {}\n"},
        {"empty.go", ""},
        {"draft.go", "// package main\nfunc half(x int) int { return x / 2 }\n"},
    };
    write_files(dir, files, sizeof files / sizeof *files);
    char *entry = xasprintf("%s/main.go", dir);
    StrList got;
    srcdeps_companions(lang_by_key("go"), entry, &got);
    cr_assert_eq(got.len, 1, "%zu: %s", got.len, got.len ? got.items[0] : "");
    cr_assert(strstr(got.items[0], "/util.go"), "%s", got.items[0]);
    sl_free(&got);
    free(entry);
}

Test(srcdeps, java_packages_and_their_source_root)
{
    char *pkg = srcdeps_java_package("/* licence\n * text */\n// note\npackage com.ex.util;\n\nimport x.Y;\n");
    cr_assert_str_eq(pkg, "com.ex.util");
    free(pkg);
    cr_assert_null(srcdeps_java_package("import x.Y;\npackage not.this;\n"));
    cr_assert_null(srcdeps_java_package("/* package in.a.comment; */\npublic class A {}\n"));
    size_t n = 99;
    cr_assert(srcdeps_java_root("/p/src/com/ex", "com.ex", &n));
    cr_assert_eq(n, strlen("/p/src"));
    cr_assert(srcdeps_java_root("com/ex", "com.ex", &n));
    cr_assert_eq(n, 0);
    cr_assert_not(srcdeps_java_root("/p/src/xcom/ex", "com.ex", &n));
    cr_assert_not(srcdeps_java_root("/p/src/com/ex/sub", "com.ex", &n));
}

/* srcdeps_companions of entry in a folder of files, as names ("a.c b.c"). */
static char *companions_of(const char *lang, const char *entry, const char *const (*files)[2], size_t n)
{
    const char *dir = tu_tempdir();
    for (size_t i = 0; i < n; i++) {
        char *p = xasprintf("%s/%s", dir, files[i][0]);
        tu_write(p, files[i][1], strlen(files[i][1]));
        free(p);
    }
    char *path = xasprintf("%s/%s", dir, entry);
    StrList got;
    srcdeps_companions(lang_by_key(lang), path, &got);
    StrBuf sb = {0};
    for (size_t i = 0; i < got.len; i++)
        sb_printf(&sb, "%s%s", i ? " " : "", strrchr(got.items[i], '/') + 1);
    sl_free(&got);
    free(path);
    return sb_steal(&sb);
}

Test(srcdeps, c_helpers_are_those_the_program_links_with)
{
    static const char *const c[][2] = {
        {"main.c", "#include <stdio.h>\n#include \"geo.h\"\n#include \"impl.c\"\nint twice(int);\nextern int counter;\n"
                   "static int local(void) { return 1; }\n"
                   "int main(void) { printf(\"%d\", twice(area(2)) + counter + local() + impl()); }\n"},
        {"impl.c", "int impl(void) { return 0; }\n"},                     /* compiled in by #include */
        {"util.c", "int twice(int x) { return 2 * x + step(); }\n"},        /* used by main */
        {"step.c", "int step(void)\n{\n    return 0;\n}\n"},             /* used by util.c */
        {"geo.c", "static int sq(int r) { return r * r; }\n"},              /* "geo.h" names it */
        {"state.c", "int counter = 3;\n"},                                 /* a variable main uses */
        {"stray.c", "int half_written(void) { return\n"},                  /* no one's */
        {"local.c", "int local(void) { return 2; }\n"},                    /* main has its own */
        {"other.c", "int main(void) { return twice(1); }\n"},              /* another program */
        {"notes.c", "/* twice( */ const char *s = \"counter\";\n"},       /* names in comments */
    };
    char *got = companions_of("c", "main.c", c, sizeof c / sizeof *c);
    cr_assert_str_eq(got, "geo.c state.c step.c util.c");
    free(got);
    static const char *const cpp[][2] = {
        {"main.cpp", "#include \"shape.hpp\"\n#include <iostream>\nnamespace util { int twice(int); }\n"
                     "extern \"C\" int run(void) { int mine = 1; return mine; }\n"
                     "int main() { Shape s(2); std::cout << util::twice(s.area()) << Counter::value << mine(); }\n"},
        {"mine.cpp", "int mine() { return 0; }\n"}, /* main's "mine" is a local of run(), not a definition */
        {"shape.cpp", "#include \"shape.hpp\"\nShape::Shape(int r) : r_(r) {}\n"},
        {"shape_ops.cpp", "#include \"../src/shape.hpp\"\nShape operator+(Shape a, Shape b) { return a; }\n"},
        {"util.cpp", "namespace util {\nint twice(int x) { return 2 * x; }\n}\n"},
        {"counter.cpp", "struct Counter { static int value; };\nint Counter::value = 4;\n"},
        {"other.cpp", "#include <vector>\nstd::vector<int> unrelated() { return {}; }\n"},
    };
    got = companions_of("cpp", "main.cpp", cpp, sizeof cpp / sizeof *cpp);
    cr_assert_str_eq(got, "counter.cpp mine.cpp shape.cpp shape_ops.cpp util.cpp");
    free(got);
}

Test(srcdeps, fortran_helpers_are_those_the_program_uses)
{
    static const char *const f[][2] = {
        {"main.f90", "program main\n  use geom\n  implicit none\n  interface\n    subroutine declared(x)\n"
                     "      real :: x\n    end subroutine\n  end interface\n  print *, area(2.0)\n"
                     "  call greet(3)\n  call mine()\ncontains\n  subroutine mine()\n  end subroutine\nend program\n"},
        {"geom.f90", "module geom\n  use units\ncontains\n  real function area(r)\n    real :: r\n"
                     "    area = pi * r * r\n  end function\nend module\n"},   /* its module is used */
        {"units.f90", "module units\n  real, parameter :: pi = 3.14159\nend module\n"}, /* geom uses it */
        {"impl.f90", "submodule (geom) impl\ncontains\n  module procedure helper\n  end procedure\nend submodule\n"},
        {"ext.f90", "subroutine greet(n)\n  integer :: n\n  print *, n\nend subroutine greet\n"}, /* called */
        {"decl.f90", "subroutine declared(x)\n  real :: x\nend subroutine\n"},  /* an interface names it */
        {"wip.f90", "module broken\n  integer :: x =\nend module\n"},                /* no one's */
        {"mine.f90", "subroutine mine()\nend subroutine\n"},                          /* main has its own */
        {"old.f", "      SUBROUTINE OLD\n      END\n"},                               /* fixed form: taken */
    };
    char *got = companions_of("fortran", "main.f90", f, sizeof f / sizeof *f);
    cr_assert_str_eq(got, "decl.f90 ext.f90 geom.f90 impl.f90 old.f units.f90");
    free(got);
}

Test(srcdeps, java_helpers_are_those_the_program_names)
{
    static const char *const j[][2] = {
        {"Main.java", "import java.util.*;\npublic class Main {\n  public static void main(String[] a) {\n"
                      "    System.out.println(new Shapes().area() + Util.twice(2));\n  }\n}\n"},
        {"Shapes.java", "class Shapes { double area() { return Helper.PI; } }\nclass Helper { static double PI = 3.14; }\n"},
        {"Util.java", "class Util { static int twice(int x) { return 2 * x; } }\n"},
        {"Other.java", "public class Other { public static void main(String[] a) { Util.twice(1); } }\n"},
        {"Wip.java", "class Wip { void f() { int x = } \n"},
        {"Notes.java", "/* Shapes */ class Notes { String s = \"Util\"; }\n"},
    };
    char *got = companions_of("java", "Main.java", j, sizeof j / sizeof *j);
    cr_assert_str_eq(got, "Shapes.java Util.java");
    free(got);
}

static void expect_main_class(const char *src, const char *file_class, const char *want)
{
    char *got = srcdeps_java_main_class(src, strlen(src), file_class);
    if (want)
        cr_assert(got && strcmp(got, want) == 0, "%s in:\n%s\ngot %s", want, src, got ? got : "(none)");
    else
        cr_assert_null(got, "none in:\n%s\ngot %s", src, got);
    free(got);
}

Test(srcdeps, java_starts_the_class_that_declares_main)
{
    /* Named after the file: that one, even after another with main. */
    expect_main_class("class A { public static void main(String[] a) {} }\n"
                      "public class Hello {\n    public static void main(String[] args) {}\n}\n",
                      "Hello", "Hello");
    /* Hello.java holding "class Main": java's source launcher runs it. */
    expect_main_class("import java.util.*;\n\nclass Main {\n  public static void main(String... a) { }\n}\n", "Hello",
                      "Main");
    /* A record first, the class with main after it. */
    expect_main_class("record P(int x, int y) {}\nfinal class Runner {\n  static public void\n  main (String[] a) {}\n}\n",
                      "R", "Runner");
    /* The file's public class without main, a helper class with it. */
    expect_main_class("public class Shapes { double area() { return 0; } }\n"
                      "class Demo { public static void main(String[] a) { new Shapes(); } }\n",
                      "Shapes", "Demo");
    /* Not a main: nested types, a call, a field, comments, strings. */
    expect_main_class("class Outer {\n  static class In { public static void main(String[] a) {} }\n"
                      "  void run() { main(null); }\n  int main = 1;\n"
                      "  // public static void main(String[] a)\n  String s = \"void main(\";\n}\n",
                      "Outer", NULL);
    expect_main_class("class X { Object o = String.class; }\nenum E { A; public static void main(String[] a) {} }\n",
                      "Y", "E");
    expect_main_class("", "Y", NULL);
}

Test(srcdeps, java_jars_come_from_lib_folders_and_beside_the_entry)
{
    const char *dir = tu_tempdir();
    static const char *const files[] = {
        "p/src/com/ex/Main.java", "p/lib/a.jar", "p/lib/sub/b.jar", "p/lib/.old.jar", "p/lib/c:d.jar",
        "p/lib/readme.txt", "p/src/com/ex/beside.jar", "p/src/lib/s.jar", "p/notlib/x.jar",
        "p/src/com/ex/deeper/y.jar", "q/src/Main.java", "q/lib/notes.txt",
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char *p = xasprintf("%s/%s", dir, files[i]);
        const char *text = strstr(files[i], ".java") ? "package com.ex;\nclass Main {}\n" : "PK";
        tu_write(p, text, strlen(text));
        free(p);
    }
    /* src/ beside a lib/ of jars: the project is the folder of both. */
    char *entry = xasprintf("%s/p/src/com/ex/Main.java", dir);
    char *root = srcdeps_project_root(lang_by_key("java"), entry);
    char *want = xasprintf("%s/p", dir);
    cr_assert_str_eq(root, want);
    free(entry);
    free(root);
    /* Maven's src/main/java: the pom's folder. */
    char *pom = xasprintf("%s/m/pom.xml", dir);
    tu_write(pom, "<project/>\n", 11);
    free(pom);
    entry = xasprintf("%s/m/src/main/java/com/ex/Main.java", dir);
    tu_write(entry, "package com.ex;\nclass Main {}\n", 30);
    root = srcdeps_project_root(lang_by_key("java"), entry);
    char *m = xasprintf("%s/m", dir);
    cr_assert_str_eq(root, m);
    /* Its resources go on the class path, before any jar. */
    char *res = xasprintf("%s/src/main/resources/app.properties", m);
    tu_write(res, "x=1\n", 4);
    free(res);
    StrList cp;
    srcdeps_java_classpath(m, "src/main/java/com/ex", "src/main/java", &cp);
    cr_assert_eq(cp.len, 1);
    cr_assert_str_eq(cp.items[0], "src/main/resources");
    sl_free(&cp);
    free(m);
    free(root);
    free(entry);
    /* A lib/ without jars is no reason to look further. */
    entry = xasprintf("%s/q/src/Main.java", dir);
    cr_assert_null(srcdeps_project_root(lang_by_key("java"), entry));
    free(entry);

    StrList jars;
    srcdeps_java_classpath(want, "src/com/ex", "src", &jars);
    const char *expect[] = {"lib/a.jar", "lib/sub/b.jar", "src/com/ex/beside.jar", "src/lib/s.jar"};
    cr_assert_eq(jars.len, 4, "%zu jars, first %s", jars.len, jars.len ? jars.items[0] : "-");
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(jars.items[i], expect[i]);
    sl_free(&jars);
    free(want);
}

Test(srcdeps, a_program_file_is_named_as_its_language_wants)
{
    static const struct { const char *lang, *text, *name; } cases[] = {
        {"python", "print(1)\n", "main.py"},
        {"java", "/* public class Nope */\npublic final class Real { }\n", "Real.java"},
        {"java", "// a class of mine\nclass A { public static void main(String[] a) {} }\n", "A.java"},
        {"java", "String s = \"class X\";\n", "Main.java"},
        {"java", "import java.util.*;\nrecord P(int x) {}\ninterface Q {}\nclass Run { }\n", "Run.java"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *name = srcdeps_program_file_name(lang_by_key(cases[i].lang), cases[i].text, strlen(cases[i].text));
        cr_assert_str_eq(name, cases[i].name, "case %zu", i);
        free(name);
    }
}

Test(srcdeps, fortran_main_programs)
{
    cr_assert(has_main(LANG_FORTRAN, "! greet\nprogram hello\n  print *, 'hi'\nend program hello\n"));
    cr_assert(has_main(LANG_FORTRAN, "PROGRAM MAIN\nEND\n"));
    /* No PROGRAM statement: a main program all the same. */
    cr_assert(has_main(LANG_FORTRAN, "print *, 'hi'\nend\n"));
    cr_assert(has_main(LANG_FORTRAN, "use greet\ncall hello()\nend\n"));
    /* Modules and subprograms, however they start. */
    cr_assert_not(has_main(LANG_FORTRAN, "module greet\ncontains\n subroutine hello()\n"
                                         "  print *, 'program x'\n end subroutine\nend module\n"));
    cr_assert_not(has_main(LANG_FORTRAN, "pure real(8) function sq(x)\n real(8), intent(in) :: x\n"
                                         " sq = x * x\nend function\n"));
    cr_assert_not(has_main(LANG_FORTRAN, "recursive subroutine walk(n)\nend subroutine\n"));
    cr_assert_not(has_main(LANG_FORTRAN, "integer function &\n  twice(n)\n twice = 2 * n\nend\n"));
    /* Fixed form: a comment line, a label, a continuation in column 6. */
    const char *fixed = "C     A SUBROUTINE\n      SUBROUTINE HELLO\n     &  ()\n"
                        "      PRINT *, 'PROGRAM'\n      END\n";
    cr_assert_not(srcdeps_has_main(LANG_FORTRAN, true, fixed, strlen(fixed)));
    const char *fixed_main = "C     MAIN\n      PROGRAM DEMO\n      CALL HELLO\n      END\n";
    cr_assert(srcdeps_has_main(LANG_FORTRAN, true, fixed_main, strlen(fixed_main)));
}

static void write(const char *dir, const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    tu_write(path, text, strlen(text));
    free(path);
}

static void order(const char *dir, const char *const *given, const char *const *want)
{
    StrList files = {0};
    for (const char *const *f = given; *f; f++)
        sl_push(&files, *f);
    srcdeps_order_fortran(dir, &files);
    for (size_t i = 0; want[i]; i++)
        cr_assert_str_eq(files.items[i], want[i], "position %zu", i);
    sl_free(&files);
}

Test(srcdeps, fortran_modules_come_before_their_users)
{
    char *dir = tu_tempdir();
    write(dir, "main.f90", "program main\n  use shapes, only: area\n  use, intrinsic :: iso_fortran_env\n"
                           "  print *, area(2.0)\nend program\n");
    write(dir, "shapes.f90", "module shapes\n  use consts\ncontains\n  real function area(r)\n"
                             "    real :: r\n    area = pi * r * r\n  end function\nend module shapes\n");
    write(dir, "consts.f90", "MODULE Consts ! case does not matter\n  real, parameter :: pi = 3.14159\n"
                             "END MODULE\n");
    write(dir, "util.f90", "subroutine noop()\nend subroutine\n");
    order(dir, (const char *const[]){"main.f90", "shapes.f90", "util.f90", "consts.f90", NULL},
          (const char *const[]){"consts.f90", "shapes.f90", "main.f90", "util.f90", NULL});
    /* Already in order, and files without modules: kept as given. */
    order(dir, (const char *const[]){"util.f90", "consts.f90", "shapes.f90", "main.f90", NULL},
          (const char *const[]){"util.f90", "consts.f90", "shapes.f90", "main.f90", NULL});
    /* A file that cannot be read keeps its place; modules that use each
     * other (no order compiles them) are all kept. */
    order(dir, (const char *const[]){"gone.f90", "main.f90", "shapes.f90", "consts.f90", NULL},
          (const char *const[]){"gone.f90", "consts.f90", "shapes.f90", "main.f90", NULL});
    write(dir, "a.f90", "module a\n use b\nend module\n");
    write(dir, "b.f90", "module b\n use a\nend module\n");
    StrList files = {0};
    sl_push(&files, "a.f90");
    sl_push(&files, "b.f90");
    srcdeps_order_fortran(dir, &files);
    cr_assert_eq(files.len, 2);
    cr_assert(strcmp(files.items[0], files.items[1]) != 0);
    sl_free(&files);
}

Test(srcdeps, cargo_builds_the_program_a_rust_file_belongs_to)
{
    const char *dir = tu_tempdir();
    write(dir, "Cargo.toml", "[workspace]\nmembers = [\"app\", \"tool\", \"lib-only\"]\n");
    write(dir, "app/Cargo.toml", "# app\n[package]\nversion = \"0.1.0\"\n  name = 'my-app'\n\n[dependencies]\nname = \"x\"\n");
    static const char *const files[] = {"app/src/main.rs", "app/src/lib.rs", "app/src/bin/extra.rs",
                                        "app/src/bin/multi/main.rs", "app/examples/demo.rs",
                                        "lib-only/src/lib.rs", "loose/one.rs"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        write(dir, files[i], "fn main() {}\n");
    write(dir, "lib-only/Cargo.toml", "[package]\nname = \"lib-only\"\n");
    static const struct { const char *entry, *manifest, *kind, *name; } cases[] = {
        {"app/src/main.rs", "app/Cargo.toml", "--bin", "my-app"},
        {"app/src/lib.rs", "app/Cargo.toml", "--bin", "my-app"},
        {"app/src/bin/extra.rs", "app/Cargo.toml", "--bin", "extra"},
        {"app/src/bin/multi/main.rs", "app/Cargo.toml", "--bin", "multi"},
        {"app/examples/demo.rs", "app/Cargo.toml", "--example", "demo"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        CargoTarget t;
        char *why;
        cr_assert_eq(srcdeps_cargo_target(dir, cases[i].entry, &t, &why), 1, "%s", cases[i].entry);
        cr_assert_str_eq(t.manifest, cases[i].manifest);
        cr_assert_str_eq(t.kind, cases[i].kind);
        cr_assert_str_eq(t.name, cases[i].name, "%s", cases[i].entry);
        srcdeps_cargo_target_free(&t);
    }
    CargoTarget t;
    char *why;
    cr_assert_eq(srcdeps_cargo_target(dir, "lib-only/src/lib.rs", &t, &why), -1);
    cr_assert(strstr(why, "src/lib.rs is not a program of Cargo package lib-only"), "%s", why);
    free(why);
    cr_assert_eq(srcdeps_cargo_target(dir, "loose/one.rs", &t, &why), 0, "the workspace is no package");

    /* [[bin]] and [[example]] tables name programs and place them. */
    write(dir, "named/Cargo.toml", "[package]\nname = \"named-pkg\"\n\n[[bin]]\nname = \"tool\"\npath = \"src/main.rs\"\n\n"
                                   "[[bin]]\npath = \"tools/other.rs\"\nname = \"other\"\n\n[[example]]\n"
                                   "name = \"ex\"\npath = \"demos/ex.rs\"\n\n[dependencies]\nname = \"no\"\n");
    static const char *const named_files[] = {"named/src/main.rs", "named/src/util.rs", "named/tools/other.rs",
                                              "named/demos/ex.rs"};
    for (size_t i = 0; i < sizeof named_files / sizeof *named_files; i++)
        write(dir, named_files[i], "fn main() {}\n");
    static const struct { const char *entry, *kind, *name; } named[] = {
        {"named/src/main.rs", "--bin", "tool"}, {"named/src/util.rs", "--bin", "tool"},
        {"named/tools/other.rs", "--bin", "other"}, {"named/demos/ex.rs", "--example", "ex"},
    };
    for (size_t i = 0; i < sizeof named / sizeof *named; i++) {
        cr_assert_eq(srcdeps_cargo_target(dir, named[i].entry, &t, &why), 1, "%s", named[i].entry);
        cr_assert_str_eq(t.kind, named[i].kind, "%s", named[i].entry);
        cr_assert_str_eq(t.name, named[i].name, "%s", named[i].entry);
        srcdeps_cargo_target_free(&t);
    }

    /* The project is the workspace, whose members cargo builds together. */
    char *entry = xasprintf("%s/app/src/bin/extra.rs", dir);
    char *root = srcdeps_project_root(lang_by_key("rust"), entry);
    cr_assert_str_eq(root, dir);
    free(root);
    free(entry);
}

/* C, C++ and Fortran: src/ beside include/ is one project. */
Test(srcdeps, a_src_folder_beside_include_is_the_project)
{
    const char *dir = tu_tempdir();
    write(dir, "p/include/util.h", "int twice(int);\n");
    write(dir, "p/src/main.c", "int main(void) { return 0; }\n");
    write(dir, "q/src/main.c", "int main(void) { return 0; }\n");
    char *entry = xasprintf("%s/p/src/main.c", dir), *want = xasprintf("%s/p", dir);
    char *root = srcdeps_project_root(lang_by_key("c"), entry);
    cr_assert_str_eq(root, want);
    free(root);
    free(entry);
    free(want);
    entry = xasprintf("%s/q/src/main.c", dir);
    cr_assert_null(srcdeps_project_root(lang_by_key("cpp"), entry), "no include/ beside it");
    free(entry);
    /* The compiler, started in src/, gets the project's include/. */
    StrList inc;
    srcdeps_include_folders(dir, "p/src", &inc);
    cr_assert_eq(inc.len, 1);
    cr_assert_str_eq(inc.items[0], "../include");
    sl_free(&inc);
    write(dir, "p/include/inner.h", "");
    srcdeps_include_folders(dir, "p", &inc);
    cr_assert_eq(inc.len, 1);
    cr_assert_str_eq(inc.items[0], "include");
    sl_free(&inc);
    srcdeps_include_folders(dir, "q/src", &inc);
    cr_assert_eq(inc.len, 0);
    sl_free(&inc);
}

/* What go finds walking up from a folder, as far as the run's folder. */
Test(srcdeps, a_name_is_found_walking_up_to_the_top)
{
    const char *dir = tu_tempdir();
    write(dir, "ws/go.work", "go 1.19\n");
    write(dir, "ws/app/main.go", "package main\n");
    char *ws = xasprintf("%s/ws", dir);
    cr_assert(srcdeps_holds_up_to(ws, "app", "go.work"));
    cr_assert(srcdeps_holds_up_to(ws, "", "go.work"));
    char *app = xasprintf("%s/ws/app", dir);
    cr_assert_not(srcdeps_holds_up_to(app, "", "go.work"), "not above the top");
    free(app);
    free(ws);
}
