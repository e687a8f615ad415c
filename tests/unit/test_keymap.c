#include <criterion/criterion.h>
#include <string.h>

#include "keymap.h"
#include "testutil.h"
#include "xalloc.h"

Test(keymap, parses_and_names_keys)
{
    Key k;
    char buf[32];
    cr_assert(key_parse("Ctrl-S", &k));
    cr_assert_eq(k, TK_CTRL | 's');
    cr_assert_str_eq(key_label(k, buf, sizeof buf), "Ctrl-S");
    cr_assert(key_parse("ctrl+shift+left", &k));
    cr_assert_eq(k, TK_CTRL | TK_SHIFT | TK_LEFT);
    cr_assert_str_eq(key_label(k, buf, sizeof buf), "Ctrl-Shift-Left");
    cr_assert(key_parse("Shift-F5", &k));
    cr_assert_eq(k, TK_SHIFT | TK_F(5));
    cr_assert(key_parse("F12", &k));
    cr_assert(key_parse("Alt-x", &k));
    cr_assert_eq(k, TK_ALT | 'x');
    cr_assert(key_parse("Alt--", &k));
    cr_assert_eq(k, TK_ALT | '-');
    cr_assert_not(key_parse("Ctrl-1", &k), "no terminal sends it");
    /* Terminals send Ctrl-/ as the control character after Ctrl-^. */
    cr_assert(key_parse("Ctrl-/", &k));
    cr_assert_eq(k, TK_CTRL | '/');
    cr_assert_str_eq(key_label(k, buf, sizeof buf), "Ctrl-/");
    cr_assert(key_parse("PgDn", &k));
    cr_assert_eq(k, TK_PGDN);
    cr_assert_not(key_parse("Ctl-S", &k));
    cr_assert_not(key_parse("F13", &k));
    cr_assert_not(key_parse("Shift-a", &k));
    cr_assert_not(key_parse("", &k));
}

Test(keymap, defaults_and_config)
{
    char *dir = tu_tempdir();
    char *path = xasprintf("%s/config.ini", dir);
    const char *text = "[keys]\nrun = F9, Ctrl-B\nsave = Ctl-S\nfrobnicate = F4\nhelp = none\nquit = F5\n";
    tu_write(path, text, strlen(text));
    Config cfg;
    config_defaults(&cfg);
    Err err;
    cr_assert(config_load(&cfg, path, &err));
    Keymap km;
    keymap_defaults(&km);
    Key k;
    key_parse("Ctrl-S", &k);
    cr_assert_eq(keymap_lookup(&km, k), ACT_SAVE);
    keymap_apply(&km, &cfg);
    cr_assert_eq(cfg.warnings.len, 2);
    cr_assert(strstr(cfg.warnings.items[0], "config.ini:3: cannot read the key 'Ctl-S'"), "%s", cfg.warnings.items[0]);
    cr_assert(strstr(cfg.warnings.items[1], "config.ini:4: unknown action 'frobnicate'"), "%s", cfg.warnings.items[1]);
    cr_assert_eq(keymap_lookup(&km, k), ACT_SAVE, "a bad line changes nothing");
    cr_assert_eq(keymap_lookup(&km, TK_F(9)), ACT_RUN);
    cr_assert_eq(keymap_lookup(&km, TK_CTRL | 'b'), ACT_RUN);
    cr_assert_eq(keymap_lookup(&km, TK_F(5)), ACT_QUIT, "F5 moved from run to quit");
    cr_assert_eq(keymap_lookup(&km, TK_F(1)), ACT_NONE, "help unbound");
    char buf[64];
    cr_assert_str_eq(keymap_keys_of(&km, ACT_QUIT, buf, sizeof buf), "F5", "a line replaces the keys");
    /* What hints name: the first key as written, nothing when unbound. */
    cr_assert_str_eq(keymap_key_of(&km, ACT_RUN, buf, sizeof buf), "F9");
    cr_assert_str_eq(keymap_key_of(&km, ACT_HELP, buf, sizeof buf), "");
    cr_assert_str_eq(keymap_key_of(&km, ACT_STOP, buf, sizeof buf), "Shift-F5");
    config_free(&cfg);
    free(path);
}

/* The first key a line gives names its action in hints and on the help
 * page, and the others follow in their order, whatever later lines take
 * or unbind (docs/config.md). */
Test(keymap, the_first_key_given_names_the_action)
{
    char *dir = tu_tempdir();
    char *path = xasprintf("%s/config.ini", dir);
    const char *text = "[keys]\nrun = F5, Ctrl-B\nsave = F12\nquit = none\nexplorer = F8, Ctrl-E\nhelp = none\n";
    tu_write(path, text, strlen(text));
    Config cfg;
    config_defaults(&cfg);
    Err err;
    cr_assert(config_load(&cfg, path, &err));
    Keymap km;
    keymap_defaults(&km);
    keymap_apply(&km, &cfg);
    char buf[64];
    cr_assert_str_eq(keymap_key_of(&km, ACT_RUN, buf, sizeof buf), "F5");
    cr_assert_str_eq(keymap_keys_of(&km, ACT_RUN, buf, sizeof buf), "F5, Ctrl-B");
    cr_assert_str_eq(keymap_keys_of(&km, ACT_EXPLORER, buf, sizeof buf), "F8, Ctrl-E");
    cr_assert_str_eq(keymap_keys_of(&km, ACT_NEXT_TAB, buf, sizeof buf), "Ctrl-PageDown, Alt-Right");
    config_free(&cfg);
    free(path);
}
