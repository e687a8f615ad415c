#include "theme_menu.h"

#include <stdlib.h>
#include <string.h>

#include "colors.h"
#include "config.h"
#include "paths.h"
#include "xalloc.h"

static const char keys[] = "123456789abcdef";

typedef struct Menu {
    StrList names;
    size_t shown; /* the first ones, one key each */
} Menu;

static const char *config_dir(const Ide *ide)
{
    return ide->app->paths.dir[DIR_CONFIG];
}

static void menu_free(Menu *m)
{
    sl_free(&m->names);
    free(m);
}

/* The screen's colours all change: every cell is drawn again. */
static void repaint(Ide *ide)
{
    clearok(curscr, TRUE);
    ide->dirty = true;
}

/* Why a theme shows no colours here: the choice is kept for when it can. */
static const char *colours_off(const Ide *ide)
{
    if (ide->term.color)
        return "";
    const char *no_color = getenv("NO_COLOR");
    return no_color && *no_color ? "; it shows without NO_COLOR (colours are off)"
                                 : "; it shows in a terminal with colours (this one has none)";
}

static void chosen(Ide *ide, const char *answer, void *ud)
{
    Menu *m = ud;
    const char *k = answer[0] ? strchr(keys, answer[0]) : NULL;
    size_t i = k ? (size_t)(k - keys) : m->shown;
    if (i >= m->shown) {
        menu_free(m);
        return;
    }
    const char *name = m->names.items[i];
    Err err;
    if (!colors_load(name, config_dir(ide), &err)) {
        ide_message(ide, true, "%s", err.msg);
        repaint(ide);
        menu_free(m);
        return;
    }
    free(ide->app->cfg.theme);
    ide->app->cfg.theme = xstrdup(name);
    repaint(ide);
    char *path = ide->app->cfg.path ? xstrdup(ide->app->cfg.path)
                                    : paths_get(&ide->app->paths, DIR_CONFIG, "config.ini");
    if (paths_ensure(&ide->app->paths, DIR_CONFIG, &err) &&
        config_save_value(path, "editor", "theme", name, &err))
        ide_message(ide, false, "theme %s, saved in %s%s", name, path, colours_off(ide));
    else
        ide_message(ide, true, "theme %s for now; not saved: %s", name, err.msg);
    free(path);
    menu_free(m);
}

static void drop_menu(void *ud)
{
    menu_free(ud);
}

static void cancelled(Ide *ide, void *ud)
{
    (void)ide;
    menu_free(ud);
}

void theme_menu_open(Ide *ide)
{
    Menu *m = xcalloc(1, sizeof *m);
    colors_theme_names(config_dir(ide), &m->names);
    if (m->names.len == 0) {
        ide_message(ide, true, "no themes found (looked for *.theme in the theme folders)");
        menu_free(m);
        return;
    }
    /* More themes than keys: the rest can be named in config.ini. */
    m->shown = m->names.len < sizeof keys - 1 ? m->names.len : sizeof keys - 1;
    StrBuf q = {0};
    sb_printf(&q, "Theme (now %s%s):", colors_theme_name(), ide->term.color ? "" : "; colours are off");
    char choices[sizeof keys] = "";
    for (size_t i = 0; i < m->shown; i++) {
        sb_printf(&q, "  %c %s", keys[i], m->names.items[i]);
        choices[i] = keys[i];
    }
    sb_puts(&q, "  (Esc: keep)");
    prompt_choice(ide, q.data, choices, chosen, cancelled, m);
    ide->prompt.drop = drop_menu;
    sb_free(&q);
}

void theme_menu_load_configured(Ide *ide)
{
    Err err;
    if (!colors_load(ide->app->cfg.theme, config_dir(ide), &err))
        config_warn(&ide->app->cfg, ide->app->cfg.theme_line, "%s; ignored", err.msg);
}
