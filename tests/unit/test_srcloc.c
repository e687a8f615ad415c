#include <criterion/criterion.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "srcloc.h"
#include "testutil.h"
#include "xalloc.h"

static SrcLoc loc(const char *line)
{
    SrcLoc l = {0};
    cr_assert(srcloc_find(line, strlen(line), &l), "no location in: %s", line);
    return l;
}

static void none(const char *line)
{
    SrcLoc l;
    cr_assert_not(srcloc_find(line, strlen(line), &l), "a location in: %s (%s:%ld)", line, l.path, l.line);
}

Test(srcloc, compilers_and_runtimes)
{
    SrcLoc l = loc("main.c:12:5: error: expected ';' before '}' token");
    cr_assert_str_eq(l.path, "main.c");
    cr_assert_eq(l.line, 12);
    cr_assert_eq(l.col, 5);
    l = loc("./main.go:7:2: undefined: fmt.Printn");
    cr_assert_str_eq(l.path, "./main.go");
    cr_assert_eq(l.line, 7);
    l = loc("   --> src/main.rs:3:20");
    cr_assert_str_eq(l.path, "src/main.rs");
    cr_assert_eq(l.col, 20);
    l = loc("Main.java:4: error: ';' expected");
    cr_assert_str_eq(l.path, "Main.java");
    cr_assert_eq(l.line, 4);
    cr_assert_eq(l.col, 0);
    l = loc("  File \"/work/main.py\", line 9, in <module>");
    cr_assert_str_eq(l.path, "/work/main.py");
    cr_assert_eq(l.line, 9);
    cr_assert(l.innermost_last, "Python lists the innermost call last");
    l = loc("    at greet (/work/main.js:3:11)");
    cr_assert_str_eq(l.path, "/work/main.js");
    cr_assert_eq(l.line, 3);
    cr_assert_eq(l.col, 11);
    l = loc("    at /work/lib/util.js:10:1");
    cr_assert_str_eq(l.path, "/work/lib/util.js");
    l = loc("/work/main.js:5");
    cr_assert_eq(l.line, 5);
    l = loc("PHP Parse error:  syntax error, unexpected end of file in /work/main.php on line 6");
    cr_assert_str_eq(l.path, "/work/main.php");
    cr_assert_eq(l.line, 6);
    l = loc("main.f90:3:14:");
    cr_assert_str_eq(l.path, "main.f90");
    cr_assert_eq(l.line, 3);
    l = loc("hello.cpp:2:10: fatal error: iostream2: No such file or directory");
    cr_assert_eq(l.start, 0);
    cr_assert_eq(l.end, 14);
}

/* Runtime errors of the languages whose messages have their own shape. */
Test(srcloc, runtime_tracebacks)
{
    SrcLoc l = loc("\tat Main.f(Main.java:2)");
    cr_assert_str_eq(l.path, "Main.java");
    cr_assert_eq(l.line, 2);
    cr_assert_not(l.innermost_last, "Java lists the innermost call first");
    l = loc("\tat java.base/java.util.ArrayList.get(ArrayList.java:427)");
    cr_assert_str_eq(l.path, "ArrayList.java");
    l = loc("thread 'main' (2) panicked at src/main.rs:3:21:");
    cr_assert_str_eq(l.path, "src/main.rs");
    cr_assert_eq(l.line, 3);
    cr_assert_eq(l.col, 21);
    l = loc("\t/work/m.go:5 +0x1a");
    cr_assert_str_eq(l.path, "/work/m.go");
    cr_assert_eq(l.line, 5);
    l = loc("At line 3 of file m.f90 (unit = 10)");
    cr_assert_str_eq(l.path, "m.f90");
    cr_assert_eq(l.line, 3);
    l = loc("At line 12 of file sub/prog.f90");
    cr_assert_str_eq(l.path, "sub/prog.f90");
    cr_assert_eq(l.line, 12);
    l = loc("PHP Fatal error:  Uncaught Exception: bad in /work/m.php:2");
    cr_assert_str_eq(l.path, "/work/m.php");
    cr_assert_eq(l.line, 2);
    l = loc("#0 /work/m.php(3): f()");
    cr_assert_str_eq(l.path, "/work/m.php");
    cr_assert_eq(l.line, 3);
    l = loc("#12 /work/lib (old).php(40): g(1, 2)");
    cr_assert_str_eq(l.path, "/work/lib (old).php");
    cr_assert_eq(l.line, 40);
    none("#1 {main}");
}

/* Names as downloads and file managers make them. */
Test(srcloc, names_with_spaces_and_parentheses)
{
    SrcLoc l = loc("my prog.c:4:18: error: expected ';' before 'return'");
    cr_assert_str_eq(l.path, "my prog.c");
    cr_assert_eq(l.line, 4);
    cr_assert_eq(l.col, 18);
    l = loc("main (1).cpp:2:1: error: 'x' does not name a type");
    cr_assert_str_eq(l.path, "main (1).cpp");
    l = loc("   --> my prog.rs:3:20");
    cr_assert_str_eq(l.path, "my prog.rs");
    l = loc("    at greet (/work/my prog.js:3:11)");
    cr_assert_str_eq(l.path, "/work/my prog.js");
    cr_assert_eq(l.col, 11);
    l = loc("    at /work/main (1).js:10:1");
    cr_assert_str_eq(l.path, "/work/main (1).js");
    cr_assert_eq(l.line, 10);
    l = loc("  File \"/work/my prog.py\", line 2, in <module>");
    cr_assert_str_eq(l.path, "/work/my prog.py");
    none("my prog.c: In function 'main':");
}

Test(srcloc, not_locations)
{
    none("Hello, world");
    none("time: 12:30:45");
    none("see http://example.com:80/x");
    none("version 3.11:2");
    none("");
    none("error: could not compile `main` (bin \"main\") due to previous error");
}

Test(srcloc, resolve_in_the_work_folder)
{
    char *dir = tu_tempdir();
    char *file = xasprintf("%s/main.py", dir);
    tu_write(file, "x\n", 2);
    char *r = srcloc_resolve("/work/main.py", dir, "");
    cr_assert_str_eq(r, file);
    free(r);
    r = srcloc_resolve("main.py", dir, "");
    cr_assert_str_eq(r, file);
    free(r);
    r = srcloc_resolve("./main.py", dir, "");
    cr_assert_str_eq(r, file);
    free(r);
    cr_assert_null(srcloc_resolve("/work/other.py", dir, ""));
    cr_assert_null(srcloc_resolve("/etc", dir, ""));
    free(file);
}

/* A run starts in its entry's folder: relative paths are that folder's,
 * /work ones the session's. */
Test(srcloc, resolve_relative_paths_in_the_entry_folder)
{
    char *dir = tu_tempdir();
    char *sub = xasprintf("%s/sub", dir);
    cr_assert_eq(mkdir(sub, 0755), 0);
    char *inner = xasprintf("%s/main.py", sub);
    char *top = xasprintf("%s/main.py", dir);
    tu_write(inner, "x\n", 2);
    tu_write(top, "y\n", 2);
    char *r = srcloc_resolve("main.py", dir, "sub");
    cr_assert_str_eq(r, inner);
    free(r);
    r = srcloc_resolve("/work/main.py", dir, "sub");
    cr_assert_str_eq(r, top);
    free(r);
    r = srcloc_resolve("/work/sub/main.py", dir, "sub");
    cr_assert_str_eq(r, inner);
    free(r);
    /* Not in the entry's folder: the top's (cargo's "app/src/lib.rs"). */
    r = srcloc_resolve("sub/main.py", dir, "sub");
    cr_assert_str_eq(r, inner);
    free(r);
    char *d = srcloc_entry_dir("sub/main.py");
    cr_assert_str_eq(d, "sub");
    free(d);
    d = srcloc_entry_dir("main.py");
    cr_assert_str_eq(d, "");
    free(d);
    free(inner);
    free(top);
    free(sub);
}
