#include "theme.h"

#include <ctype.h>
#include <stdio.h>
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fileio.h"
#include "paths.h"

/* themes/dark.theme, compiled in (see the Makefile). */
#include "builtin_theme.h"

#define THEME_FILE_MAX (1024 * 1024)

static const char *const color_names[16] = {
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    "bright-black", "bright-red", "bright-green", "bright-yellow",
    "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
};

static const struct {
    const char *name;
    unsigned bit;
} attr_names[] = {
    {"bold", THEME_BOLD},
    {"italic", THEME_ITALIC},
    {"underline", THEME_UNDERLINE},
    {"reverse", THEME_REVERSE},
    {"dim", THEME_DIM},
};

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool parse_color(const char *w, ThemeColor *c)
{
    if (strcmp(w, "-") == 0) {
        *c = (ThemeColor){THEME_COLOR_UNSET, 0};
        return true;
    }
    if (strcmp(w, "default") == 0) {
        *c = (ThemeColor){THEME_COLOR_DEFAULT, 0};
        return true;
    }
    if (w[0] == '#') {
        size_t n = strlen(w + 1);
        if (n != 6 && n != 3)
            return false;
        uint32_t v = 0;
        for (size_t i = 1; i <= n; i++) {
            int h = hexval(w[i]);
            if (h < 0)
                return false;
            v = n == 6 ? v << 4 | (uint32_t)h : v << 8 | (uint32_t)(h * 17);
        }
        *c = (ThemeColor){THEME_COLOR_RGB, v};
        return true;
    }
    if (isdigit((unsigned char)w[0])) {
        char *end;
        long v = strtol(w, &end, 10);
        if (*end || v < 0 || v > 255)
            return false;
        *c = (ThemeColor){THEME_COLOR_INDEX, (uint32_t)v};
        return true;
    }
    for (unsigned i = 0; i < 16; i++)
        if (strcasecmp(w, color_names[i]) == 0) {
            *c = (ThemeColor){THEME_COLOR_INDEX, i};
            return true;
        }
    return false;
}

static bool parse_attr(const char *w, unsigned *bits)
{
    for (size_t i = 0; i < sizeof attr_names / sizeof *attr_names; i++)
        if (strcasecmp(w, attr_names[i].name) == 0) {
            *bits |= attr_names[i].bit;
            return true;
        }
    return false;
}

static bool valid_key(const char *k)
{
    if (!*k || *k == '.')
        return false;
    for (const char *p = k; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '.' || *p == '_' || *p == '-') ||
            (*p == '.' && (p[1] == '.' || p[1] == '\0')))
            return false;
    return true;
}

static void set_entry(Theme *t, const char *key, const ThemeStyle *st)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->entries[i].key, key) == 0) {
            t->entries[i].style = *st; /* a later line wins */
            return;
        }
    t->entries = xreallocarray(t->entries, t->n + 1, sizeof *t->entries);
    t->entries[t->n].key = xstrdup(key);
    t->entries[t->n].style = *st;
    t->n++;
}

/* One `key = value` line, already without its newline. */
static bool parse_line(Theme *t, char *line, const char *origin, int lineno, Err *err)
{
    char *eq = strchr(line, '=');
    if (!eq)
        return err_set(err, "%s:%d: expected 'name = colours and attributes'", origin, lineno);
    *eq = '\0';
    char *key = line, *val = eq + 1;
    while (isspace((unsigned char)*key))
        key++;
    for (char *e = key + strlen(key); e > key && isspace((unsigned char)e[-1]);)
        *--e = '\0';
    if (!valid_key(key))
        return err_set(err, "%s:%d: '%s' is not a capture or UI name (letters, digits, dots)",
                       origin, lineno, key);
    ThemeStyle st = {{THEME_COLOR_UNSET, 0}, {THEME_COLOR_UNSET, 0}, 0};
    int ncolors = 0;
    char *save = NULL;
    for (char *w = strtok_r(val, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
        ThemeColor c;
        if (parse_attr(w, &st.attrs))
            continue;
        if (!parse_color(w, &c))
            return err_set(err, "%s:%d: '%s' is neither a colour (#rrggbb, 0-255, a colour name, "
                           "default, -) nor an attribute (bold italic underline reverse dim)",
                           origin, lineno, w);
        if (ncolors == 2)
            return err_set(err, "%s:%d: at most two colours (foreground, background), got '%s'",
                           origin, lineno, w);
        if (ncolors++ == 0)
            st.fg = c;
        else
            st.bg = c;
    }
    set_entry(t, key, &st);
    return true;
}

bool theme_parse(const char *name, const char *text, size_t len, const char *origin, Theme **out,
                 Err *err)
{
    if (memchr(text, '\0', len))
        return err_set(err, "%s: has NUL bytes: not a theme file", origin);
    Theme *t = xcalloc(1, sizeof *t);
    t->name = xstrdup(name);
    int lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        char *line = xstrndup(text + pos, n);
        pos += n + 1;
        lineno++;
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        bool ok = *p == '\0' || *p == '#' || parse_line(t, p, origin, lineno, err);
        free(line);
        if (!ok) {
            theme_free(t);
            return false;
        }
    }
    *out = t;
    return true;
}

Theme *theme_builtin(void)
{
    Theme *t;
    Err err;
    if (!theme_parse(THEME_DEFAULT_NAME, builtin_theme, sizeof builtin_theme - 1,
                     "themes/" THEME_DEFAULT_NAME ".theme (built in)", &t, &err)) {
        /* The unit tests parse the same text: this cannot happen in a
         * build that passed them. */
        fprintf(stderr, "tide: %s\n", err.msg);
        abort();
    }
    return t;
}

void theme_free(Theme *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->entries[i].key);
    free(t->entries);
    free(t->name);
    free(t->path);
    free(t);
}

void theme_dirs(const char *config_dir, StrList *dirs)
{
    if (config_dir)
        sl_push_owned(dirs, xasprintf("%s/themes", config_dir));
    char *exe = paths_exe_dir();
    if (exe) {
        sl_push_owned(dirs, xasprintf("%s/themes", exe));
        free(exe);
    }
    sl_push(dirs, TIDE_DATADIR "/themes");
}

static bool valid_name(const char *name)
{
    if (!name || !*name || strlen(name) > 64)
        return false;
    for (const char *p = name; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
            return false;
    return true;
}

bool theme_load(const char *name, const StrList *dirs, Theme **out, Err *err)
{
    if (!valid_name(name))
        return err_set(err, "'%s' is not a theme name (letters, digits, - and _)", name ? name : "");
    for (size_t i = 0; i < dirs->len; i++) {
        char *path = xasprintf("%s/%s.theme", dirs->items[i], name);
        if (!fileio_exists(path)) {
            free(path);
            continue;
        }
        char *data;
        size_t len;
        bool ok = fileio_read(path, THEME_FILE_MAX, &data, &len, err) &&
                  (theme_parse(name, data, len, path, out, err) || (free(data), false));
        if (ok) {
            free(data);
            (*out)->path = path;
        } else {
            free(path);
        }
        return ok;
    }
    StrBuf where = {0};
    for (size_t i = 0; i < dirs->len; i++)
        sb_printf(&where, "%s%s", i ? ", " : "", dirs->items[i]);
    err_set(err, "no theme called '%s' (looked in %s)", name, where.data ? where.data : "nowhere");
    sb_free(&where);
    return false;
}

bool theme_open(const char *name, const StrList *dirs, Theme **out, Err *err)
{
    if (theme_load(name, dirs, out, err))
        return true;
    err_prefix(err, "theme");
    *out = theme_builtin();
    return false;
}

void theme_list(const StrList *dirs, StrList *names)
{
    for (size_t i = 0; i < dirs->len; i++) {
        DIR *d = opendir(dirs->items[i]);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (n <= 6 || strcmp(e->d_name + n - 6, ".theme") != 0)
                continue;
            char *name = xstrndup(e->d_name, n - 6);
            bool dup = !valid_name(name);
            for (size_t k = 0; k < names->len && !dup; k++)
                dup = strcmp(names->items[k], name) == 0;
            if (dup)
                free(name);
            else
                sl_push_owned(names, name);
        }
        closedir(d);
    }
    if (names->len)
        sl_sort(names);
}

const ThemeStyle *theme_lookup(const Theme *t, const char *key)
{
    size_t n = strlen(key);
    for (;;) {
        for (size_t i = 0; i < t->n; i++)
            if (strncmp(t->entries[i].key, key, n) == 0 && t->entries[i].key[n] == '\0')
                return &t->entries[i].style;
        while (n > 0 && key[n - 1] != '.')
            n--;
        if (n == 0)
            return NULL;
        n--; /* drop the dot */
    }
}

ThemeStyle theme_style(const Theme *t, const char *key)
{
    ThemeStyle base = {{THEME_COLOR_DEFAULT, 0}, {THEME_COLOR_DEFAULT, 0}, 0};
    const ThemeStyle *d = theme_lookup(t, "default");
    if (d) {
        if (d->fg.kind != THEME_COLOR_UNSET)
            base.fg = d->fg;
        if (d->bg.kind != THEME_COLOR_UNSET)
            base.bg = d->bg;
        base.attrs = d->attrs;
    }
    const ThemeStyle *s = theme_lookup(t, key);
    if (!s || s == d)
        return base;
    ThemeStyle out = base;
    if (s->fg.kind != THEME_COLOR_UNSET)
        out.fg = s->fg;
    if (s->bg.kind != THEME_COLOR_UNSET)
        out.bg = s->bg;
    out.attrs = s->attrs;
    return out;
}

ColorDepth theme_depth(const char *no_color, const char *colorterm, int term_colors)
{
    if (no_color && *no_color)
        return COLOR_DEPTH_NONE;
    if (term_colors < 8)
        return COLOR_DEPTH_NONE;
    if (colorterm && (strcasecmp(colorterm, "truecolor") == 0 || strcasecmp(colorterm, "24bit") == 0))
        return COLOR_DEPTH_TRUE;
    if (term_colors >= 256)
        return COLOR_DEPTH_256;
    return term_colors >= 16 ? COLOR_DEPTH_16 : COLOR_DEPTH_8;
}

/* xterm's default palette for the first 16 colours. */
static const uint32_t ansi_rgb[16] = {
    0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
    0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};

static const uint8_t cube_levels[6] = {0, 95, 135, 175, 215, 255};

uint32_t theme_palette_rgb(unsigned index)
{
    if (index < 16)
        return ansi_rgb[index];
    if (index < 232) {
        unsigned i = index - 16;
        return (uint32_t)cube_levels[i / 36] << 16 | (uint32_t)cube_levels[i / 6 % 6] << 8 |
               cube_levels[i % 6];
    }
    if (index < 256) {
        uint32_t g = 8 + 10 * (index - 232);
        return g << 16 | g << 8 | g;
    }
    return 0;
}

static long dist2(uint32_t a, uint32_t b)
{
    /* Weighted by how sensitive the eye is to each channel. */
    long dr = (long)(a >> 16 & 255) - (long)(b >> 16 & 255);
    long dg = (long)(a >> 8 & 255) - (long)(b >> 8 & 255);
    long db = (long)(a & 255) - (long)(b & 255);
    return 3 * dr * dr + 4 * dg * dg + 2 * db * db;
}

static unsigned nearest_cube_level(unsigned v)
{
    unsigned best = 0;
    for (unsigned i = 1; i < 6; i++)
        if (abs((int)cube_levels[i] - (int)v) < abs((int)cube_levels[best] - (int)v))
            best = i;
    return best;
}

/* The nearest of the 240 colours above 16: the first 16 vary between
 * terminals, so a colour given as RGB is not mapped onto them. */
static unsigned nearest_256(uint32_t rgb)
{
    unsigned r = nearest_cube_level(rgb >> 16 & 255), g = nearest_cube_level(rgb >> 8 & 255),
             b = nearest_cube_level(rgb & 255);
    unsigned cube = 16 + 36 * r + 6 * g + b;
    unsigned avg = ((rgb >> 16 & 255) + (rgb >> 8 & 255) + (rgb & 255)) / 3;
    unsigned gi = avg < 8 ? 0 : (avg - 8) / 10;
    if (gi > 23)
        gi = 23;
    if (gi < 23 && abs((int)(8 + 10 * (gi + 1)) - (int)avg) < abs((int)(8 + 10 * gi) - (int)avg))
        gi++;
    unsigned grey = 232 + gi;
    return dist2(rgb, theme_palette_rgb(grey)) < dist2(rgb, theme_palette_rgb(cube)) ? grey : cube;
}

/* The nearest of the 16 (or 8) ANSI colours by hue rather than by
 * distance: a muted purple should stay magenta, not turn grey. */
static unsigned nearest_ansi(uint32_t rgb, unsigned ncolors)
{
    int r = rgb >> 16 & 255, g = rgb >> 8 & 255, b = rgb & 255;
    int max = r > g ? (r > b ? r : b) : (g > b ? g : b);
    int min = r < g ? (r < b ? r : b) : (g < b ? g : b);
    int chroma = max - min;
    unsigned base;
    bool bright;
    if (chroma < 48 || (max > 0 && chroma * 100 / max < 22)) {
        /* A grey: black, bright-black, white or bright-white by lightness. */
        int l = (max + min) / 2;
        if (ncolors == 8)
            return l < 96 ? 0 : 7;
        return l < 48 ? 0 : l < 144 ? 8 : l < 216 ? 7 : 15;
    }
    int h; /* hue in degrees */
    if (max == r)
        h = 60 * (g - b) / chroma;
    else if (max == g)
        h = 120 + 60 * (b - r) / chroma;
    else
        h = 240 + 60 * (r - g) / chroma;
    if (h < 0)
        h += 360;
    static const unsigned sector[6] = {1, 3, 2, 6, 4, 5}; /* red yellow green cyan blue magenta */
    base = sector[((h + 30) / 60) % 6];
    bright = max >= 0xf0 || (max + min) / 2 >= 160;
    return ncolors == 16 && bright ? base + 8 : base;
}

ThemeColor theme_color_at(ThemeColor c, ColorDepth depth)
{
    if (c.kind != THEME_COLOR_INDEX && c.kind != THEME_COLOR_RGB)
        return c;
    switch (depth) {
    case COLOR_DEPTH_NONE:
        return (ThemeColor){THEME_COLOR_DEFAULT, 0};
    case COLOR_DEPTH_TRUE:
        return c;
    case COLOR_DEPTH_256:
        if (c.kind == THEME_COLOR_RGB)
            return (ThemeColor){THEME_COLOR_INDEX, nearest_256(c.value)};
        return c;
    case COLOR_DEPTH_16:
    case COLOR_DEPTH_8: {
        unsigned n = depth == COLOR_DEPTH_16 ? 16 : 8;
        if (c.kind == THEME_COLOR_INDEX && c.value < n)
            return c;
        if (c.kind == THEME_COLOR_INDEX && c.value < 16) /* bright colours at 8 */
            return (ThemeColor){THEME_COLOR_INDEX, c.value - 8};
        uint32_t rgb = c.kind == THEME_COLOR_RGB ? c.value : theme_palette_rgb(c.value);
        return (ThemeColor){THEME_COLOR_INDEX, nearest_ansi(rgb, n)};
    }
    }
    return c;
}
