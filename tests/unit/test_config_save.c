/* config_save_value: what the theme menu uses to remember a choice. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "testutil.h"
#include "xalloc.h"

static char *saved(const char *before, const char *section, const char *key, const char *value)
{
    char *path = xasprintf("%s/config.ini", tu_tempdir());
    if (before)
        tu_write(path, before, strlen(before));
    Err err;
    cr_assert(config_save_value(path, section, key, value, &err), "%s", err.msg);
    char *after = tu_read(path, NULL);
    /* What was written reads back. */
    Config c;
    config_defaults(&c);
    cr_assert(config_load(&c, path, &err), "%s", err.msg);
    if (strcmp(section, "editor") == 0 && strcmp(key, "theme") == 0)
        cr_expect_str_eq(c.theme, value);
    config_free(&c);
    free(path);
    return after;
}

Test(config_save, replaces_the_line_and_keeps_the_rest)
{
    char *s = saved("# my settings\n[editor]\ntab_width = 2\ntheme = dark ; old\n\n[run]\ntimeout = 5\n",
                    "editor", "theme", "light");
    cr_expect_str_eq(s, "# my settings\n[editor]\ntab_width = 2\ntheme = light\n\n[run]\ntimeout = 5\n");
    free(s);
}

Test(config_save, adds_the_key_at_the_end_of_its_section)
{
    char *s = saved("[editor]\ntab_width = 2\n\n[run]\ntimeout = 5\n", "editor", "theme", "light");
    cr_expect_str_eq(s, "[editor]\ntab_width = 2\ntheme = light\n\n[run]\ntimeout = 5\n");
    free(s);
    s = saved("[run]\ntimeout = 5\n[editor]\ntab_width = 2\n", "editor", "theme", "high-contrast");
    cr_expect_str_eq(s, "[run]\ntimeout = 5\n[editor]\ntab_width = 2\ntheme = high-contrast\n");
    free(s);
}

Test(config_save, adds_the_section_or_the_file)
{
    char *s = saved("[run]\ntimeout = 5\n", "editor", "theme", "light");
    cr_expect_str_eq(s, "[run]\ntimeout = 5\n\n[editor]\ntheme = light\n");
    free(s);
    s = saved(NULL, "editor", "theme", "light");
    cr_expect_str_eq(s, "[editor]\ntheme = light\n");
    free(s);
}

Test(config_save, a_key_of_another_section_is_left_alone)
{
    char *s = saved("[other]\ntheme = x\n[editor]\ntheme = dark\n", "editor", "theme", "light");
    cr_expect_str_eq(s, "[other]\ntheme = x\n[editor]\ntheme = light\n");
    free(s);
}
