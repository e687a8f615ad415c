#include <criterion/criterion.h>
#include <string.h>

#include "codeline.h"

/* The line up to where its code ends. */
static void expect_code(LangId lang, const char *line, const char *code)
{
    size_t end = codeline_end(lang_get(lang), line, strlen(line));
    cr_assert_eq(end, strlen(code), "%s: '%.*s', not '%s'", line, (int)end, line, code);
    cr_assert_eq(strncmp(line, code, end), 0);
}

Test(codeline, a_comment_after_the_code_is_not_code)
{
    expect_code(LANG_PYTHON, "for i in x:  # loop", "for i in x:");
    expect_code(LANG_PYTHON, "d = {  # dict {", "d = {");
    expect_code(LANG_C, "if (x) {  // c", "if (x) {");
    expect_code(LANG_C, "if (x) { /* c */", "if (x) {");
    expect_code(LANG_C, "if (x) { /* c */ y(); /* d", "if (x) { /* c */ y();");
    expect_code(LANG_CPP, "int f() {\t// x", "int f() {");
    expect_code(LANG_JAVA, "class A { /** doc */ ", "class A {");
    expect_code(LANG_GO, "func f() { // c", "func f() {");
    expect_code(LANG_RUST, "fn f() { // c", "fn f() {");
    expect_code(LANG_NODE, "function f() { // c", "function f() {");
    expect_code(LANG_PHP, "if ($x) { # c", "if ($x) {");
    expect_code(LANG_PHP, "if ($x) { // c", "if ($x) {");
    expect_code(LANG_FORTRAN, "call f(a, &  ! more", "call f(a, &");
    expect_code(LANG_PYTHON, "# all comment", "");
    expect_code(LANG_PYTHON, "   ", "");
}

Test(codeline, a_comment_sign_in_a_string_is_text)
{
    expect_code(LANG_PYTHON, "s = \"a#b:\"", "s = \"a#b:\"");
    expect_code(LANG_PYTHON, "s = 'a#b:'  # c", "s = 'a#b:'");
    expect_code(LANG_PYTHON, "s = \"q\\\"#\"", "s = \"q\\\"#\"");
    expect_code(LANG_C, "p = \"http://x\"; {", "p = \"http://x\"; {");
    expect_code(LANG_C, "c = '\"'; // \"", "c = '\"';");
    expect_code(LANG_C, "c = '\\''; // '", "c = '\\'';");
    expect_code(LANG_NODE, "u = `//${a}` // c", "u = `//${a}`");
    expect_code(LANG_GO, "r := `C:\\` // c", "r := `C:\\`");
    expect_code(LANG_FORTRAN, "s = 'it''s!' ! c", "s = 'it''s!'");
    /* Not comments: Python has no //, Rust's # is an attribute, PHP's #[ too. */
    expect_code(LANG_PYTHON, "n = a // b", "n = a // b");
    expect_code(LANG_RUST, "#[derive(Debug)]", "#[derive(Debug)]");
    expect_code(LANG_PHP, "#[Attr]", "#[Attr]");
    /* A string that goes on past the line is all code. */
    expect_code(LANG_PYTHON, "s = \"\"\"doc # not", "s = \"\"\"doc # not");
}

/* A Rust lifetime is no character literal: the comment after it is
 * found. */
Test(codeline, a_lifetime_opens_no_literal)
{
    expect_code(LANG_RUST, "fn f(x: &'a str) { // c", "fn f(x: &'a str) {");
    expect_code(LANG_RUST, "fn f<'a>(x: &'a str) -> char { 'é' } // c", "fn f<'a>(x: &'a str) -> char { 'é' }");
}

/* Plain text has no comment syntax. */
Test(codeline, plain_text_is_all_code)
{
    const char *line = "x {  # y  ";
    cr_assert_eq(codeline_end(NULL, line, strlen(line)), strlen("x {  # y"));
}
