#include "colors.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The theme in use and what it became on this terminal: process-wide, as
 * curses' colour pairs are. */
static Theme *theme;
static ColorDepth depth = COLOR_DEPTH_NONE;
static bool direct; /* colours are 0xRRGGBB values (a -direct terminfo) */
/* The theme's "default" colours, which curses is told are the terminal's
 * (pair 0): text in them needs no colour escape, and curses, which ends
 * every update in pair 0, need not switch colours back for each key. */
static int base_fg = -1, base_bg = -1;
/* ui_style as term.c set it up, before any theme. */
static UiStyle term_styles[ROLE_COUNT];
static bool term_saved;
static UiStyle *hl_styles, *hl_error_styles;
static bool *hl_done;
static unsigned hl_cap;

static bool wants_truecolor(void)
{
    const char *nc = getenv("NO_COLOR"), *ct = getenv("COLORTERM");
    return !(nc && *nc) && ct && (strcasecmp(ct, "truecolor") == 0 || strcasecmp(ct, "24bit") == 0);
}

SCREEN *colors_newterm(FILE *out, FILE *in)
{
    const char *term = getenv("TERM");
    static const char suffix[] = "-256color";
    size_t n = term ? strlen(term) : 0, sn = sizeof suffix - 1;
    if (wants_truecolor() && n > sn && n < 100 && strcmp(term + n - sn, suffix) == 0) {
        char name[128];
        snprintf(name, sizeof name, "%.*s-direct", (int)(n - sn), term);
        /* The -direct entries differ from the -256color ones only in how
         * colours are set: keys and the rest stay the same. */
        SCREEN *s = newterm(name, out, in);
        if (s)
            return s;
    }
    return newterm(NULL, out, in);
}

static int curses_color(ThemeColor c)
{
    c = theme_color_at(c, depth);
    switch (c.kind) {
    case THEME_COLOR_INDEX:
        if (!direct || c.value < 8)
            return c.value < (uint32_t)COLORS ? (int)c.value : -1;
        /* In direct mode numbers from 8 up are RGB values. */
        return (int)theme_palette_rgb(c.value);
    case THEME_COLOR_RGB:
        if (!direct)
            return -1;
        return c.value < 8 ? (c.value ? 8 : 0) : (int)c.value;
    default:
        return -1;
    }
}

int colors_palette(unsigned index)
{
    return curses_color((ThemeColor){THEME_COLOR_INDEX, index & 255});
}

int colors_rgb(uint32_t rgb)
{
    return curses_color((ThemeColor){THEME_COLOR_RGB, rgb & 0xffffff});
}

static attr_t curses_attrs(unsigned a)
{
    attr_t r = A_NORMAL;
    if (a & THEME_BOLD)
        r |= A_BOLD;
    if (a & THEME_ITALIC)
        r |= A_ITALIC;
    if (a & THEME_UNDERLINE)
        r |= A_UNDERLINE;
    if (a & THEME_REVERSE)
        r |= A_REVERSE;
    if (a & THEME_DIM)
        r |= A_DIM;
    return r;
}

static int pairs_reserved, pairs_made;

void colors_reserve_pairs(int n)
{
    pairs_reserved = n;
}

int colors_pair(int fg, int bg)
{
    int p = find_pair(fg, bg);
    if (p > 0)
        return p;
    if (pairs_reserved + pairs_made + 1 >= COLOR_PAIRS)
        return 0;
    p = alloc_pair(fg, bg);
    if (p <= 0)
        return 0;
    pairs_made++;
    return p;
}

static UiStyle to_ui(const ThemeStyle *s)
{
    UiStyle u = {curses_attrs(s->attrs), 0};
    if (depth == COLOR_DEPTH_NONE)
        return u;
    int fg = curses_color(s->fg), bg = curses_color(s->bg);
    if (fg == base_fg && bg == base_bg)
        return u;
    if (fg != -1 || bg != -1) {
        int pair = colors_pair(fg, bg);
        /* Out of pairs (an 8-colour terminal has 64): the text stays
         * readable in the terminal's colours. */
        if (pair > 0 && pair <= SHRT_MAX)
            u.pair = (short)pair;
    }
    return u;
}

static const struct {
    UiRole role;
    const char *key;
} role_keys[] = {
    {ROLE_TEXT, "default"},
    {ROLE_GUTTER, "ui.linenumber"},
    {ROLE_GUTTER_CURRENT, "ui.linenumber.current"},
    {ROLE_SELECTION, "ui.selection"},
    {ROLE_MATCH, "ui.match"},
    {ROLE_MATCH_CURRENT, "ui.match.current"},
    {ROLE_SPECIAL, "ui.special"},
    {ROLE_TABBAR, "ui.tab"},
    {ROLE_TAB_ACTIVE, "ui.tab.active"},
    {ROLE_STATUS, "ui.statusbar"},
    {ROLE_STATUS_ERROR, "ui.statusbar.error"},
    {ROLE_PROMPT, "ui.prompt"},
    {ROLE_DIALOG, "ui.dialog"},
    {ROLE_DIALOG_SELECTED, "ui.dialog.selected"},
    {ROLE_BORDER, "ui.border"},
    {ROLE_PANE_TITLE, "ui.title"},
    {ROLE_PANE_TITLE_FOCUSED, "ui.title.focused"},
    {ROLE_DIR, "ui.explorer.directory"},
    {ROLE_GENERATED, "ui.explorer.generated"},
    {ROLE_RESULT_OK, "ui.panel.ok"},
    {ROLE_RESULT_FAIL, "ui.panel.error"},
    {ROLE_LINK, "ui.link"},
};

/* The roles the theme names; the others keep the styles term.c gave
 * them (not those of the theme before: after a switch in the theme menu,
 * a theme that leaves the gutter alone shows term.c's gutter).  Without
 * colours the attribute-only defaults of term.c are kept for every role:
 * a theme's colours are what tells them apart. */
static void apply_roles(void)
{
    if (!term_saved)
        memcpy(term_styles, ui_style, sizeof term_styles);
    else
        memcpy(ui_style, term_styles, sizeof term_styles);
    term_saved = true;
    if (depth == COLOR_DEPTH_NONE)
        return;
    for (size_t i = 0; i < sizeof role_keys / sizeof *role_keys; i++) {
        if (!theme_lookup(theme, role_keys[i].key))
            continue;
        ThemeStyle s = theme_style(theme, role_keys[i].key);
        ui_style[role_keys[i].role] = to_ui(&s);
    }
}

static void forget_hl_styles(void)
{
    free(hl_styles);
    free(hl_error_styles);
    free(hl_done);
    hl_styles = hl_error_styles = NULL;
    hl_done = NULL;
    hl_cap = 0;
}

bool colors_load(const char *name, const char *config_dir, Err *err)
{
    StrList dirs = {0};
    theme_dirs(config_dir, &dirs);
    Theme *t;
    bool ok = theme_open(name && *name ? name : THEME_DEFAULT_NAME, &dirs, &t, err);
    sl_free(&dirs);
    theme_free(theme);
    theme = t;
    forget_hl_styles();
    const char *nc = getenv("NO_COLOR");
    depth = has_colors() ? theme_depth(nc, getenv("COLORTERM"), COLORS) : COLOR_DEPTH_NONE;
    direct = depth == COLOR_DEPTH_TRUE && COLORS >= 0x1000000;
    if (depth == COLOR_DEPTH_TRUE && !direct)
        depth = theme_depth(nc, NULL, COLORS); /* no way to say 24-bit colours here */
    /* Pairs of a previous theme are not freed: those this one has too
     * are found again (colors_pair). */
    base_fg = base_bg = -1;
    if (depth != COLOR_DEPTH_NONE) {
        /* Always said again: the theme before may have had other ones. */
        int fg = -1, bg = -1;
        if (theme_lookup(theme, "default")) {
            ThemeStyle d = theme_style(theme, "default");
            fg = curses_color(d.fg);
            bg = curses_color(d.bg);
        }
        if (assume_default_colors(fg, bg) == OK)
            base_fg = fg, base_bg = bg;
    }
    apply_roles();
    return ok;
}

void colors_unload(void)
{
    theme_free(theme);
    theme = NULL;
    forget_hl_styles();
}

const char *colors_theme_name(void)
{
    return theme ? theme->name : THEME_DEFAULT_NAME;
}

void colors_theme_names(const char *config_dir, StrList *names)
{
    StrList dirs = {0};
    theme_dirs(config_dir, &dirs);
    theme_list(&dirs, names);
    sl_free(&dirs);
}

ColorDepth colors_depth(void)
{
    return depth;
}

static void compute_hl(SyntaxHl hl)
{
    if (hl >= hl_cap) {
        unsigned cap = syntax_hl_count();
        if (cap <= hl)
            cap = hl + 1u;
        hl_styles = xreallocarray(hl_styles, cap, sizeof *hl_styles);
        hl_error_styles = xreallocarray(hl_error_styles, cap, sizeof *hl_error_styles);
        hl_done = xreallocarray(hl_done, cap, sizeof *hl_done);
        memset(hl_done + hl_cap, 0, (cap - hl_cap) * sizeof *hl_done);
        hl_cap = cap;
    }
    if (hl_done[hl])
        return;
    hl_done[hl] = true;
    if (!theme)
        theme = theme_builtin();
    const char *name = hl == SYNTAX_HL_NONE ? "default" : syntax_hl_name(hl);
    ThemeStyle s = theme_lookup(theme, name) ? theme_style(theme, name) : theme_style(theme, "default");
    hl_styles[hl] = to_ui(&s);
    /* Under an error: the error's colours where it sets them, its
     * attributes added to the token's. */
    const ThemeStyle *e = theme_lookup(theme, "error");
    ThemeStyle es = s;
    if (e) {
        if (e->fg.kind != THEME_COLOR_UNSET)
            es.fg = e->fg;
        if (e->bg.kind != THEME_COLOR_UNSET)
            es.bg = e->bg;
        es.attrs |= e->attrs;
    } else {
        es.attrs |= THEME_UNDERLINE;
    }
    hl_error_styles[hl] = to_ui(&es);
}

UiStyle colors_hl(SyntaxHl hl)
{
    compute_hl(hl);
    return hl_styles[hl];
}

UiStyle colors_hl_error(SyntaxHl hl)
{
    compute_hl(hl);
    return hl_error_styles[hl];
}
