#include <criterion/criterion.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lang.h"
#include "testutil.h"
#include "xalloc.h"

Test(lang, every_language_is_registered)
{
    const char *keys[] = {"python", "node", "go", "c", "cpp", "java", "php", "rust", "fortran"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const Lang *l = lang_by_key(keys[i]);
        cr_assert_not_null(l, "%s", keys[i]);
        cr_assert_eq(lang_get(l->id), l);
        cr_assert_not_null(l->run);
        cr_assert_not_null(l->starter);
        cr_assert(lang_by_path(l->starter_file) == l, "the starter of %s is one of its files", keys[i]);
    }
    cr_assert_null(lang_by_key("cobol"));
    cr_assert_eq(lang_by_key("js"), lang_by_key("node"));
}

Test(lang, by_extension)
{
    struct {
        const char *path, *key;
    } cases[] = {{"a.py", "python"},   {"x/y/a.js", "node"},   {"a.mjs", "node"},  {"a.cjs", "node"},
                 {"main.go", "go"},    {"a.c", "c"},           {"a.h", "c"},       {"a.cpp", "cpp"},
                 {"a.cc", "cpp"},      {"a.cxx", "cpp"},       {"a.hpp", "cpp"},   {"Main.java", "java"},
                 {"i.php", "php"},     {"m.rs", "rust"},       {"a.f", "fortran"}, {"a.for", "fortran"},
                 {"a.f90", "fortran"}, {"a.f95", "fortran"},   {"a.f03", "fortran"}, {"a.f08", "fortran"},
                 {"A.F", "fortran"},   {"a.ftn", "fortran"},   {"a.F90", "fortran"}, {"a.C", "cpp"},
                 {"a.cp", "cpp"},      {"a.CPP", "cpp"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const Lang *l = lang_by_path(cases[i].path);
        cr_assert_not_null(l, "%s", cases[i].path);
        cr_assert_str_eq(l->key, cases[i].key, "%s", cases[i].path);
    }
    cr_assert_null(lang_by_path("README"));
    cr_assert_null(lang_by_path("notes.txt"));
    cr_assert_null(lang_by_path(".py"), "a dot file is not a Python file");
}

static const Lang *shebang(const char *text)
{
    return lang_by_shebang(text, strlen(text));
}

Test(lang, by_shebang)
{
    cr_assert_eq(shebang("#!/usr/bin/env python3\nprint(1)\n"), lang_get(LANG_PYTHON));
    cr_assert_eq(shebang("#!/usr/bin/python3.11 -u\n"), lang_get(LANG_PYTHON));
    cr_assert_eq(shebang("#! /usr/local/bin/python\r\n"), lang_get(LANG_PYTHON));
    cr_assert_eq(shebang("#!/usr/bin/env -S node --no-warnings\n"), lang_get(LANG_NODE));
    cr_assert_eq(shebang("#!/usr/bin/env NODE_ENV=x nodejs\n"), lang_get(LANG_NODE));
    cr_assert_eq(shebang("#!/usr/bin/php8.2\n<?php echo 1;\n"), lang_get(LANG_PHP));
    /* Other interpreters, look-alikes and no #! at all. */
    cr_assert_null(shebang("#!/bin/bash\necho python\n"));
    cr_assert_null(shebang("#!/usr/bin/env nodemon\n"));
    cr_assert_null(shebang("#!/usr/bin/pythonista\n"));
    cr_assert_null(shebang("#!/usr/bin/env\n"));
    cr_assert_null(shebang("print('#!/usr/bin/python3')\n"));
    cr_assert_null(shebang("#"));
}

Test(lang, sources_are_what_the_compiler_takes)
{
    /* gfortran preprocesses .F90 and .F first; g++ takes .C as C++. */
    const Lang *f = lang_get(LANG_FORTRAN), *cpp = lang_get(LANG_CPP), *c = lang_get(LANG_C);
    cr_assert(lang_is_source(f, "a.F90"));
    cr_assert(lang_is_source(f, "old.F"));
    cr_assert(lang_is_source(f, "old.FOR"));
    cr_assert_not(lang_is_source(f, "a.txt"));
    cr_assert(lang_is_source(cpp, "a.C"));
    cr_assert(lang_is_source(cpp, "a.cp"));
    cr_assert_not(lang_is_source(c, "a.C"), "a capital C is C++");
    cr_assert(lang_is_source(c, "a.c"));
    cr_assert_not(lang_fortran_fixed_form("new.F90"));
    cr_assert(lang_fortran_fixed_form("old.F"));
}

Test(lang, fortran_form_by_extension)
{
    cr_assert(lang_fortran_fixed_form("old.f"));
    cr_assert(lang_fortran_fixed_form("old.FOR"));
    cr_assert(lang_fortran_fixed_form("old.ftn"));
    cr_assert_not(lang_fortran_fixed_form("new.f90"));
    cr_assert_not(lang_fortran_fixed_form("new.f08"));
}

Test(lang, headers_are_not_compiled)
{
    const Lang *c = lang_by_key("c");
    cr_assert(lang_is_source(c, "x.c"));
    cr_assert_not(lang_is_source(c, "x.h"));
    cr_assert_not(lang_is_source(lang_by_key("cpp"), "x.hpp"));
}

Test(lang, facts_from_the_design)
{
    cr_assert(strstr(lang_by_key("python")->run, "-u"), "unbuffered python");
    cr_assert(strstr(lang_by_key("go")->compile, "go build -o"), "go builds, then runs");
    cr_assert(strstr(lang_by_key("c")->compile, "-lm -pthread"));
    cr_assert(strstr(lang_by_key("cpp")->compile, "-lm -pthread"));
    cr_assert(strstr(lang_by_key("rust")->compile, "--edition 2021"));
    cr_assert(strstr(lang_by_key("java")->compile, "-d {out}"));
    cr_assert(strstr(lang_by_key("php")->run, "display_errors=stderr"));
    cr_assert(strstr(lang_by_key("php")->run, "log_errors=0"));
}

Test(lang, split_honours_quotes)
{
    StrList w = {0};
    Err err;
    cr_assert(lang_split("  a 'b c'  \"d \\\"e\\\"\" f''g ", &w, &err), "%s", err.msg);
    cr_assert_eq(w.len, 4);
    cr_assert_str_eq(w.items[0], "a");
    cr_assert_str_eq(w.items[1], "b c");
    cr_assert_str_eq(w.items[2], "d \"e\"");
    cr_assert_str_eq(w.items[3], "fg");
    sl_free(&w);
    cr_assert_not(lang_split("a 'b", &w, &err));
    cr_assert(strstr(err.msg, "unterminated"));
    sl_free(&w);
}

Test(lang, expand_fills_placeholders)
{
    const Lang *c = lang_by_key("c");
    const char *files[] = {"main.c", "util.c", NULL};
    LangVars v = {.entry = "main.c", .files = files, .out = "/o", .exe = "/o/prog",
                  .tool_exe = {"/usr/bin/gcc-12"}};
    StrList argv = {0};
    Err err;
    cr_assert(lang_expand(c, c->compile, &v, &argv, &err), "%s", err.msg);
    cr_assert_str_eq(argv.items[0], "/usr/bin/gcc-12");
    size_t i = 0;
    while (argv.items[i] && strcmp(argv.items[i], "-o") != 0)
        i++;
    cr_assert_str_eq(argv.items[i + 1], "/o/prog");
    cr_assert_str_eq(argv.items[i + 2], "main.c");
    cr_assert_str_eq(argv.items[i + 3], "util.c");
    cr_assert_str_eq(argv.items[argv.len - 1], "-pthread");
    cr_assert_null(argv.items[argv.len]);
    size_t without = argv.len;
    sl_free(&argv);
    const char *includes[] = {"include", "../include", NULL};
    v.includes = includes;
    cr_assert(lang_expand(c, c->compile, &v, &argv, &err), "%s", err.msg);
    cr_assert_eq(argv.len, without + 4, "-I and a folder for each");
    size_t at = 0;
    while (at < argv.len && strcmp(argv.items[at], "-I") != 0)
        at++;
    cr_assert(at + 3 < argv.len);
    cr_assert_str_eq(argv.items[at + 1], "include");
    cr_assert_str_eq(argv.items[at + 3], "../include");
    sl_free(&argv);

    const Lang *java = lang_by_key("java");
    LangVars jv = {.out = "/o", .klass = "Main", .classpath = "/o:/work/lib/a.jar",
                   .tool_exe = {"/j/javac", "/j/java"}};
    cr_assert(lang_expand(java, java->run, &jv, &argv, &err), "%s", err.msg);
    cr_assert_str_eq(argv.items[0], "/j/java");
    cr_assert_str_eq(argv.items[argv.len - 1], "Main");
    cr_assert_str_eq(argv.items[argv.len - 2], "/o:/work/lib/a.jar");
    for (size_t k = 0; k < argv.len; k++)
        cr_assert(strcmp(argv.items[k], "{heap}") != 0, "an absent {heap} is dropped");
    sl_free(&argv);

    cr_assert_not(lang_expand(c, "gcc {nonsense}", &v, &argv, &err));
    cr_assert(strstr(err.msg, "unknown placeholder"), "%s", err.msg);
    sl_free(&argv);
    LangVars empty = {0};
    cr_assert_not(lang_expand(c, "gcc {exe}", &empty, &argv, &err));
    sl_free(&argv);
}

Test(lang, resolves_a_tool_on_path)
{
    /* sh is on every machine; the probe must find it and its real path. */
    LangTool sh = {"sh", {NULL}, {NULL}, NULL};
    ToolInfo ti;
    Err err;
    cr_assert(lang_resolve_tool(&sh, NULL, "/usr/bin:/bin", &ti, &err), "%s", err.msg);
    cr_assert(ti.found);
    cr_assert_eq(ti.exe[0], '/');
    tool_info_free(&ti);
    LangTool none = {"no-such-tool-tide", {"--version"}, {NULL}, NULL};
    cr_assert_not(lang_resolve_tool(&none, NULL, "/usr/bin:/bin", &ti, &err));
    cr_assert(strstr(err.msg, "not found"), "%s", err.msg);
    tool_info_free(&ti);
}

static char *venv_with(const char *dir, const char *cfg)
{
    char *venv = xasprintf("%s/.venv", dir);
    char *p = xasprintf("%s/pyvenv.cfg", venv);
    tu_write(p, cfg, strlen(cfg));
    free(p);
    p = xasprintf("%s/bin/python3", venv);
    tu_write(p, "#!/bin/sh\n", 10);
    cr_assert_eq(chmod(p, 0755), 0);
    free(p);
    return venv;
}

static bool has_root(const ToolInfo *ti, const char *dir)
{
    for (size_t i = 0; i < ti->roots.len; i++)
        if (strcmp(ti->roots.items[i], dir) == 0)
            return true;
    return false;
}

/* A venv names the Python it was made from (pyvenv.cfg's home): taken
 * only when that is a Python installation by CPython's own landmark, of
 * the venv's version, and then only the folders Python reads are roots. */
Test(lang, a_venvs_python_must_be_a_python_installation)
{
    char *dir = tu_tempdir(), real[PATH_MAX];
    cr_assert(realpath(dir, real));
    char *py = xasprintf("%s/py", real);
    char *p = xasprintf("%s/lib/python3.11/os.py", py);
    tu_write(p, "", 0);
    free(p);
    p = xasprintf("%s/share/secret", py);
    tu_write(p, "x", 1);
    free(p);
    p = xasprintf("%s/bin/python3.11", py);
    tu_write(p, "", 0);
    cr_assert_eq(chmod(p, 0755), 0);
    free(p);

    char *cfg = xasprintf("home = %s/bin\nversion = 3.11.7\n", py);
    char *venv = venv_with(real, cfg);
    ToolInfo ti;
    char *base;
    Err err;
    cr_assert(lang_venv_python(venv, &ti, &base, &err), "%s", err.msg);
    cr_assert_str_eq(base, py);
    char *bin = xasprintf("%s/bin", py), *lib = xasprintf("%s/lib", py);
    cr_assert(has_root(&ti, venv) && has_root(&ti, bin) && has_root(&ti, lib));
    cr_assert_not(has_root(&ti, py), "the whole installation (its share/)");
    tool_info_free(&ti);
    free(base);
    free(cfg);

    cfg = xasprintf("home = %s/bin\nversion = 3.12.1\n", py); /* another version's */
    free(venv_with(real, cfg));
    cr_assert_not(lang_venv_python(venv, &ti, &base, &err));
    cr_assert(strstr(err.msg, "is not a Python 3.12 installation"), "%s", err.msg);
    cr_assert_str_eq(base, py);
    cr_assert_eq(ti.roots.len, 0);
    free(base);
    free(cfg);

    cfg = xasprintf("home = %s/bin\n", real); /* a folder that is no Python */
    free(venv_with(real, cfg));
    cr_assert_not(lang_venv_python(venv, &ti, &base, &err));
    cr_assert(strstr(err.msg, "is not a Python installation"), "%s", err.msg);
    free(base);
    free(cfg);

    free(venv_with(real, "home = /no/such/python/bin\n"));
    cr_assert_not(lang_venv_python(venv, &ti, &base, &err));
    cr_assert_str_eq(err.msg, "does not exist");
    cr_assert_null(base);

    free(venv_with(real, "version = 3.11.7\n")); /* names none: only the venv */
    cr_assert(lang_venv_python(venv, &ti, &base, &err), "%s", err.msg);
    cr_assert_null(base);
    cr_assert_eq(ti.roots.len, 1);
    tool_info_free(&ti);
    free(venv);
    free(bin);
    free(lib);
    free(py);
}
