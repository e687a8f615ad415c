#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "testutil.h"
#include "xalloc.h"

static char *write_config(const char *text)
{
    char *path = xasprintf("%s/config.ini", tu_tempdir());
    tu_write(path, text, strlen(text));
    return path;
}

Test(config, defaults_without_a_file)
{
    Config c;
    config_defaults(&c);
    Err err;
    char *path = xasprintf("%s/missing.ini", tu_tempdir());
    cr_assert(config_load(&c, path, &err), "%s", err.msg);
    cr_assert_eq(c.run_timeout_ms, 60000);
    cr_assert_eq(c.compile_timeout_ms, 120000);
    cr_assert_eq(c.memory_mib, 512);
    cr_assert_eq(c.output_limit, 1048576);
    cr_assert_eq(c.expiry_hours, 48);
    cr_assert_str_eq(c.theme, "dark");
    cr_assert_eq(c.warnings.len, 0);
    config_free(&c);
    free(path);
}

Test(config, reads_values)
{
    char *path = write_config("[run]\ntimeout = 5\ncompile_timeout = 2.5m\nmemory=256\noutput_limit = 2M\n"
                              "[editor]\ntheme = light\nline_numbers = off\n"
                              "[lang.python]\nrun = python3 -X dev {entry}\n"
                              "[keys]\nsave = ctrl-s\n");
    Config c;
    config_defaults(&c);
    Err err;
    cr_assert(config_load(&c, path, &err), "%s", err.msg);
    cr_assert_eq(c.warnings.len, 0, "%s", c.warnings.len ? c.warnings.items[0] : "");
    cr_assert_eq(c.run_timeout_ms, 5000);
    cr_assert_eq(c.compile_timeout_ms, 150000);
    cr_assert_eq(c.memory_mib, 256);
    cr_assert_eq(c.output_limit, 2 * 1024 * 1024);
    cr_assert_str_eq(c.theme, "light");
    cr_assert_not(c.line_numbers);
    cr_assert_str_eq(config_run_cmd(&c, lang_by_key("python")), "python3 -X dev {entry}");
    cr_assert_str_eq(config_run_cmd(&c, lang_by_key("node")), lang_by_key("node")->run);
    cr_assert_eq(c.nkeys, 1);
    cr_assert_str_eq(c.keys[0].action, "save");
    cr_assert_eq(c.keys[0].line, 12);
    config_free(&c);
    free(path);
}

Test(config, bad_lines_are_reported_with_line_numbers_and_ignored)
{
    char *path = write_config("[run]\n"
                              "timeout = soon\n"      /* 2: bad value */
                              "colour = blue\n"       /* 3: unknown key */
                              "memory = 300\n"        /* 4: fine */
                              "[lang.cobol]\n"        /* 5 */
                              "run = cobc {entry}\n"  /* 6: unknown language */
                              "[lang.python]\n"
                              "compile = x\n"         /* 8: python has no compile step */
                              "run = \"unterminated\n" /* 9: bad quoting */
                              "this is not ini\n");   /* 10: cannot parse */
    Config c;
    config_defaults(&c);
    Err err;
    cr_assert(config_load(&c, path, &err), "%s", err.msg);
    cr_assert_eq(c.run_timeout_ms, 60000, "a bad value leaves the default");
    cr_assert_eq(c.memory_mib, 300, "good lines after bad ones still count");
    const char *expect[] = {":2: bad value 'soon' for run.timeout", ":3: unknown key 'colour' in [run]",
                            ":6: unknown language [lang.cobol]", ":8: Python has no compile step",
                            ":9: unterminated \" quote", ":10: cannot read this line"};
    cr_assert_eq(c.warnings.len, sizeof expect / sizeof *expect);
    for (size_t i = 0; i < c.warnings.len; i++) {
        cr_assert(strstr(c.warnings.items[i], expect[i]), "warning %zu: %s", i, c.warnings.items[i]);
        cr_assert(strncmp(c.warnings.items[i], path, strlen(path)) == 0, "names the file: %s",
                  c.warnings.items[i]);
    }
    config_free(&c);
    free(path);
}

/* Warnings found later (the keys, the theme the IDE loads) go in among
 * the others in the order of their lines; notices after them all. */
Test(config, warnings_are_in_the_order_of_their_lines)
{
    char *path = write_config("[editor]\ntab_width = 99\ntheme = mine\ncolour = blue\n");
    Config c;
    config_defaults(&c);
    cr_assert(config_load(&c, path, NULL));
    cr_assert_eq(c.theme_line, 3);
    config_note(&c, 1, "a notice");
    config_warn(&c, c.theme_line, "no theme called 'mine'; ignored");
    config_warn(&c, 0, "about the whole file");
    const char *expect[] = {": about the whole file", ":2: bad value '99'", ":3: no theme called 'mine'; ignored",
                            ":4: unknown key 'colour'", ":1: a notice"};
    cr_assert_eq(c.warnings.len, sizeof expect / sizeof *expect);
    for (size_t i = 0; i < c.warnings.len; i++) {
        cr_assert(strstr(c.warnings.items[i], expect[i]), "warning %zu: %s", i, c.warnings.items[i]);
        const char *what = strchr(expect[i], ' ') + 1;
        cr_assert(!strncmp(c.warnings.items[i] + c.warning_at[i].what, what, strlen(what)), "what of %zu", i);
    }
    cr_assert_eq(c.warning_at[3].line, 4);
    config_free(&c);
    free(path);
}

Test(config, out_of_range_is_rejected)
{
    char *path = write_config("[run]\ntimeout = 0\nmemory = 99999999\n[editor]\ntab_width = 40\n");
    Config c;
    config_defaults(&c);
    cr_assert(config_load(&c, path, NULL));
    cr_assert_eq(c.run_timeout_ms, 60000);
    cr_assert_eq(c.memory_mib, 512);
    cr_assert_eq(c.tab_width, 4);
    cr_assert_eq(c.warnings.len, 3);
    config_free(&c);
    free(path);
}

/* Memory as people write it: MiB bare, or with a unit (docker's -m 2g). */
Test(config, memory_takes_a_unit)
{
    static const struct { const char *in; long long mib; } good[] = {
        {"512", 512}, {"2G", 2048}, {"2g", 2048}, {"1536M", 1536}, {"1GiB", 1024}, {"65536K", 64}, {"0", 0},
        {"1.5G", 1536}, {"1T", 1024 * 1024}, {"0.5t", 512 * 1024}, {"2.0001M", 2}};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        long long mib = -1;
        cr_assert(config_parse_mib(good[i].in, &mib), "%s", good[i].in);
        cr_assert_eq(mib, good[i].mib, "%s: %lld", good[i].in, mib);
    }
    static const char *const bad[] = {"", "G", "2P", "1x", "-5", "1.5", ".5G", "1.G", "1e3M", "+5", "0x10"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        long long mib;
        cr_assert_not(config_parse_mib(bad[i], &mib), "%s", bad[i]);
    }
    char *path = write_config("[run]\nmemory = 2G\n");
    Config c;
    config_defaults(&c);
    cr_assert(config_load(&c, path, NULL));
    cr_assert_eq(c.memory_mib, 2048);
    cr_assert_eq(c.warnings.len, 0);
    config_free(&c);
    free(path);
}

Test(config, durations_read_like_timeout_1)
{
    static const struct { const char *in; long long ms; } good[] = {
        {"30", 30000}, {"0.5", 500}, {".25", 250}, {"1.", 1000}, {"2m", 120000},
        {"1.5h", 5400000}, {"1d", 86400000}, {"0.0004", 0}, {"0.0005", 1}, {"10s", 10000},
        {"1.23456789012345", 1235}};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        long long ms = -1;
        cr_assert(config_parse_duration(good[i].in, &ms), "%s", good[i].in);
        cr_assert_eq(ms, good[i].ms, "%s: %lld", good[i].in, ms);
    }
    static const char *const bad[] = {"", ".", "-1", "+1", "1e3", "inf", "nan", "0x10", "1 s",
                                      " 1", "1ms", "1sec", "1.5.2", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        long long ms = -1;
        cr_assert_not(config_parse_duration(bad[i], &ms), "'%s' gave %lld", bad[i], ms);
    }
}
