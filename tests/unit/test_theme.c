#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "theme.h"
#include "xalloc.h"

static Theme *parse_ok(const char *text)
{
    Theme *t = NULL;
    Err err;
    cr_assert(theme_parse("t", text, strlen(text), "t.theme", &t, &err), "%s", err.msg);
    return t;
}

static void parse_bad(const char *text, const char *want)
{
    Theme *t = NULL;
    Err err;
    cr_assert_not(theme_parse("t", text, strlen(text), "t.theme", &t, &err), "parsed: %s", text);
    cr_expect(strstr(err.msg, want), "message '%s' lacks '%s'", err.msg, want);
}

Test(theme, parses_colours_and_attributes)
{
    Theme *t = parse_ok("# comment\n\n"
                        "default = #abb2bf #282c34\n"
                        "keyword = #C678DD bold italic\n"
                        "string = green\n"
                        "number = 208 default\n"
                        "ui.selection = - bright-blue reverse\n"
                        "error = underline\n"
                        "short = #fa0\n");
    const ThemeStyle *s = theme_lookup(t, "keyword");
    cr_assert_not_null(s);
    cr_expect_eq(s->fg.kind, THEME_COLOR_RGB);
    cr_expect_eq(s->fg.value, 0xc678dd);
    cr_expect_eq(s->bg.kind, THEME_COLOR_UNSET);
    cr_expect_eq(s->attrs, THEME_BOLD | THEME_ITALIC);
    s = theme_lookup(t, "string");
    cr_expect_eq(s->fg.kind, THEME_COLOR_INDEX);
    cr_expect_eq(s->fg.value, 2);
    s = theme_lookup(t, "number");
    cr_expect_eq(s->fg.value, 208);
    cr_expect_eq(s->bg.kind, THEME_COLOR_DEFAULT);
    s = theme_lookup(t, "ui.selection");
    cr_expect_eq(s->fg.kind, THEME_COLOR_UNSET);
    cr_expect_eq(s->bg.value, 12);
    cr_expect_eq(s->attrs, THEME_REVERSE);
    s = theme_lookup(t, "error");
    cr_expect_eq(s->attrs, THEME_UNDERLINE);
    cr_expect_eq(theme_lookup(t, "short")->fg.value, 0xffaa00);
    theme_free(t);
}

Test(theme, longest_dotted_prefix_wins)
{
    Theme *t = parse_ok("function = 1\nfunction.method = 2\nfunc = 3\n");
    cr_expect_eq(theme_lookup(t, "function.method.call")->fg.value, 2);
    cr_expect_eq(theme_lookup(t, "function.method")->fg.value, 2);
    cr_expect_eq(theme_lookup(t, "function.builtin")->fg.value, 1);
    cr_expect_eq(theme_lookup(t, "function")->fg.value, 1);
    cr_expect_null(theme_lookup(t, "functional"), "a prefix is a whole dotted part");
    cr_expect_null(theme_lookup(t, "keyword"));
    theme_free(t);
}

Test(theme, style_inherits_from_default)
{
    Theme *t = parse_ok("default = 7 0\nkeyword = 5 bold\nui.selection = - 4\n");
    ThemeStyle s = theme_style(t, "keyword.control");
    cr_expect_eq(s.fg.value, 5);
    cr_expect_eq(s.bg.kind, THEME_COLOR_INDEX);
    cr_expect_eq(s.bg.value, 0);
    s = theme_style(t, "ui.selection");
    cr_expect_eq(s.fg.value, 7);
    cr_expect_eq(s.bg.value, 4);
    s = theme_style(t, "unknown.capture");
    cr_expect_eq(s.fg.value, 7);
    cr_expect_eq(s.attrs, 0);
    theme_free(t);
}

Test(theme, bad_lines_are_named_by_line)
{
    parse_bad("keyword = #c678dd\nstring = bleu\n", "t.theme:2:");
    parse_bad("keyword = #c678dd\nstring = bleu\n", "'bleu'");
    parse_bad("\n\nkeyword #fff\n", "t.theme:3:");
    parse_bad("keyword = 1 2 3\n", "at most two colours");
    parse_bad("keyword = 256\n", "'256'");
    parse_bad("keyword = #12345\n", "'#12345'");
    parse_bad("key word = red\n", "t.theme:1:");
    parse_bad(" = red\n", "t.theme:1:");
    parse_bad("a..b = red\n", "t.theme:1:");
}

Test(theme, builtin_is_the_dark_theme_file)
{
    Theme *b = theme_builtin();
    cr_assert_str_eq(b->name, THEME_DEFAULT_NAME);
    char *data = tu_read("themes/dark.theme", NULL);
    cr_assert_not_null(data, "run the unit tests from the checkout");
    Theme *f = parse_ok(data);
    cr_assert_eq(b->n, f->n);
    for (size_t i = 0; i < b->n; i++)
        cr_expect_str_eq(b->entries[i].key, f->entries[i].key);
    free(data);
    theme_free(f);
    theme_free(b);
}

/* Every theme shipped loads, and styles at least what the editor draws. */
Test(theme, shipped_themes_load_and_cover_the_basics)
{
    StrList dirs = {0};
    sl_push(&dirs, "themes");
    StrList names = {0};
    theme_list(&dirs, &names);
    cr_assert_geq(names.len, 3);
    const char *need[] = {"default", "error", "keyword", "string", "comment", "function", "type",
                          "number", "ui.linenumber", "ui.statusbar", "ui.selection", "ui.match"};
    bool dark = false, light = false, hc = false;
    for (size_t i = 0; i < names.len; i++) {
        Theme *t;
        Err err;
        cr_assert(theme_load(names.items[i], &dirs, &t, &err), "%s", err.msg);
        for (size_t k = 0; k < sizeof need / sizeof *need; k++)
            cr_expect_not_null(theme_lookup(t, need[k]), "%s lacks %s", names.items[i], need[k]);
        const ThemeStyle *e = theme_lookup(t, "error");
        cr_expect(e && (e->attrs & THEME_UNDERLINE), "%s: errors are underlined", names.items[i]);
        dark |= strcmp(names.items[i], "dark") == 0;
        light |= strcmp(names.items[i], "light") == 0;
        if (strcmp(names.items[i], "high-contrast") == 0) {
            hc = true;
            /* 16 colours only: every colour is a palette index below 16. */
            for (size_t k = 0; k < t->n; k++) {
                ThemeColor c[2] = {t->entries[k].style.fg, t->entries[k].style.bg};
                for (int j = 0; j < 2; j++)
                    cr_expect(c[j].kind != THEME_COLOR_RGB && (c[j].kind != THEME_COLOR_INDEX || c[j].value < 16),
                              "high-contrast: %s uses more than 16 colours", t->entries[k].key);
            }
        }
        theme_free(t);
    }
    cr_expect(dark && light && hc);
    sl_free(&names);
    sl_free(&dirs);
}

Test(theme, open_falls_back_to_the_default)
{
    char *dir = tu_tempdir();
    char *path = xasprintf("%s/broken.theme", dir);
    const char *bad = "keyword = red\nstring = nonsense\n";
    tu_write(path, bad, strlen(bad));
    StrList dirs = {0};
    sl_push(&dirs, dir);
    Theme *t;
    Err err;
    cr_assert_not(theme_open("broken", &dirs, &t, &err));
    cr_assert_not_null(t);
    cr_expect_str_eq(t->name, THEME_DEFAULT_NAME);
    cr_expect(strstr(err.msg, "broken.theme:2:"), "%s", err.msg);
    theme_free(t);
    cr_assert_not(theme_open("nosuch", &dirs, &t, &err));
    cr_expect(strstr(err.msg, "no theme called 'nosuch'"), "%s", err.msg);
    theme_free(t);
    cr_assert_not(theme_open("../etc/passwd", &dirs, &t, &err));
    theme_free(t);
    free(path);
    sl_free(&dirs);
}

Test(theme, the_first_folder_wins)
{
    char *a = tu_tempdir(), *b = tu_tempdir();
    char *pa = xasprintf("%s/mine.theme", a), *pb = xasprintf("%s/mine.theme", b);
    tu_write(pa, "keyword = 1\n", 12);
    tu_write(pb, "keyword = 2\n", 12);
    StrList dirs = {0};
    sl_push(&dirs, a);
    sl_push(&dirs, b);
    Theme *t;
    Err err;
    cr_assert(theme_open("mine", &dirs, &t, &err), "%s", err.msg);
    cr_expect_eq(theme_lookup(t, "keyword")->fg.value, 1);
    cr_expect_str_eq(t->path, pa);
    theme_free(t);
    StrList names = {0};
    theme_list(&dirs, &names);
    cr_expect_eq(names.len, 1, "a name found twice is listed once");
    sl_free(&names);
    sl_free(&dirs);
    free(pa);
    free(pb);
}

Test(theme, dirs_put_the_users_first)
{
    StrList dirs = {0};
    theme_dirs("/home/u/.config/tide", &dirs);
    cr_assert_geq(dirs.len, 2);
    cr_expect_str_eq(dirs.items[0], "/home/u/.config/tide/themes");
    cr_expect_str_eq(dirs.items[dirs.len - 1], TIDE_DATADIR "/themes");
    sl_free(&dirs);
}

Test(theme, depth_from_the_environment)
{
    cr_expect_eq(theme_depth("1", "truecolor", 256), COLOR_DEPTH_NONE);
    cr_expect_eq(theme_depth("", NULL, 256), COLOR_DEPTH_256, "an empty NO_COLOR does not count");
    cr_expect_eq(theme_depth(NULL, "truecolor", 256), COLOR_DEPTH_TRUE);
    cr_expect_eq(theme_depth(NULL, "24bit", 8), COLOR_DEPTH_TRUE);
    cr_expect_eq(theme_depth(NULL, "truecolor", 0), COLOR_DEPTH_NONE, "a terminal without colours");
    cr_expect_eq(theme_depth(NULL, NULL, 256), COLOR_DEPTH_256);
    cr_expect_eq(theme_depth(NULL, "yes", 16), COLOR_DEPTH_16);
    cr_expect_eq(theme_depth(NULL, NULL, 8), COLOR_DEPTH_8);
    cr_expect_eq(theme_depth(NULL, NULL, 2), COLOR_DEPTH_NONE);
}

static ThemeColor rgb(uint32_t v)
{
    return (ThemeColor){THEME_COLOR_RGB, v};
}

static ThemeColor idx(uint32_t v)
{
    return (ThemeColor){THEME_COLOR_INDEX, v};
}

Test(theme, colours_fit_the_depth)
{
    /* Truecolor keeps everything. */
    cr_expect_eq(theme_color_at(rgb(0x123456), COLOR_DEPTH_TRUE).value, 0x123456);
    /* 256: exact cube and grey colours map to themselves. */
    cr_expect_eq(theme_color_at(rgb(0xff0000), COLOR_DEPTH_256).value, 196);
    cr_expect_eq(theme_color_at(rgb(0x5f87af), COLOR_DEPTH_256).value, 67);
    cr_expect_eq(theme_color_at(rgb(0x808080), COLOR_DEPTH_256).value, 244);
    cr_expect_eq(theme_color_at(rgb(0x000000), COLOR_DEPTH_256).value, 16);
    cr_expect_eq(theme_color_at(idx(3), COLOR_DEPTH_256).value, 3);
    for (uint32_t i = 16; i < 256; i++)
        cr_expect_eq(theme_color_at(rgb(theme_palette_rgb(i)), COLOR_DEPTH_256).value, i == 16 ? 16 : i,
                     "palette colour %u", i);
    /* 16 and 8: by hue, so muted colours keep their family. */
    cr_expect_eq(theme_color_at(rgb(0xc678dd), COLOR_DEPTH_16).value, 13); /* purple: bright magenta */
    cr_expect_eq(theme_color_at(rgb(0x98c379), COLOR_DEPTH_16).value, 2);  /* green */
    cr_expect_eq(theme_color_at(rgb(0x61afef), COLOR_DEPTH_16).value, 14); /* sky blue: bright cyan */
    cr_expect_eq(theme_color_at(rgb(0x3060d0), COLOR_DEPTH_16).value, 4);  /* blue */
    cr_expect_eq(theme_color_at(rgb(0xe5c07b), COLOR_DEPTH_16).value, 11); /* yellow */
    cr_expect_eq(theme_color_at(rgb(0x282c34), COLOR_DEPTH_16).value, 0);  /* dark grey: black */
    cr_expect_eq(theme_color_at(rgb(0xabb2bf), COLOR_DEPTH_16).value, 7);  /* light grey: white */
    cr_expect_eq(theme_color_at(rgb(0xfafafa), COLOR_DEPTH_16).value, 15);
    cr_expect_eq(theme_color_at(rgb(0xc678dd), COLOR_DEPTH_8).value, 5);
    cr_expect_eq(theme_color_at(idx(13), COLOR_DEPTH_8).value, 5, "bright colours fall back");
    cr_expect_eq(theme_color_at(idx(196), COLOR_DEPTH_16).value, 9);
    cr_expect_eq(theme_color_at(idx(13), COLOR_DEPTH_16).value, 13);
    /* No colour at all. */
    cr_expect_eq(theme_color_at(rgb(0xc678dd), COLOR_DEPTH_NONE).kind, THEME_COLOR_DEFAULT);
    cr_expect_eq(theme_color_at((ThemeColor){THEME_COLOR_UNSET, 0}, COLOR_DEPTH_16).kind, THEME_COLOR_UNSET);
}
