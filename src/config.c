#include "config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fileio.h"

typedef enum { T_INT, T_SIZE, T_MIB, T_DURATION, T_BOOL, T_STRING } Type;

/* Every plain key: where it lives in Config and which values it takes.
 * Keep docs/config.md in step with this table. */
static const struct Setting {
    const char *section, *name;
    Type type;
    size_t offset;
    long long min, max;
} settings[] = {
    /* durations in milliseconds */
    {"run", "timeout", T_DURATION, offsetof(Config, run_timeout_ms), 1, 86400000},
    {"run", "compile_timeout", T_DURATION, offsetof(Config, compile_timeout_ms), 1, 86400000},
    {"run", "memory", T_MIB, offsetof(Config, memory_mib), CONFIG_MEMORY_MIB_MIN, CONFIG_MEMORY_MIB_MAX},
    {"run", "output_limit", T_SIZE, offsetof(Config, output_limit), CONFIG_OUTPUT_LIMIT_MIN,
     CONFIG_OUTPUT_LIMIT_MAX},
    {"run", "build_cache", T_SIZE, offsetof(Config, build_cache), 0, 1LL << 40},
    {"run", "max_processes", T_INT, offsetof(Config, max_processes), 1, 65536},
    {"session", "expiry_hours", T_INT, offsetof(Config, expiry_hours), 1, 24 * 365 * 10},
    {"session", "auto_gc", T_BOOL, offsetof(Config, auto_gc), 0, 1},
    {"editor", "tab_width", T_INT, offsetof(Config, tab_width), 1, 16},
    {"editor", "line_numbers", T_BOOL, offsetof(Config, line_numbers), 0, 1},
    {"editor", "auto_indent", T_BOOL, offsetof(Config, auto_indent), 0, 1},
    {"editor", "theme", T_STRING, offsetof(Config, theme), 0, 0},
};

void config_defaults(Config *cfg)
{
    *cfg = (Config){
        .run_timeout_ms = 60000,
        .compile_timeout_ms = 120000,
        .memory_mib = 512,
        .output_limit = 1048576,
        .build_cache = 512LL << 20,
        .max_processes = 256,
        .expiry_hours = 48,
        .auto_gc = true,
        .tab_width = 4,
        .line_numbers = true,
        .auto_indent = true,
        .theme = xstrdup("dark"),
    };
}

void config_free(Config *cfg)
{
    free(cfg->path);
    free(cfg->theme);
    for (int i = 0; i < LANG_COUNT; i++) {
        free(cfg->lang_compile[i]);
        free(cfg->lang_run[i]);
    }
    for (size_t i = 0; i < cfg->nkeys; i++) {
        free(cfg->keys[i].action);
        free(cfg->keys[i].key);
    }
    free(cfg->keys);
    sl_free(&cfg->warnings);
    free(cfg->warning_at);
    *cfg = (Config){0};
}

/* msg about line, into the warnings at its place in their order: they are
 * found in several passes (the file, the keys, the theme when the IDE
 * loads it), and the first a user sees is to be the file's first. */
static void add_warningv(Config *cfg, int line, int order, const char *fmt, va_list ap)
{
    char *msg = xvasprintf(fmt, ap);
    const char *file = cfg->path ? cfg->path : "config";
    char *text = line > 0 ? xasprintf("%s:%d: %s", file, line, msg) : xasprintf("%s: %s", file, msg);
    ConfigWarningAt place = {line, order, strlen(text) - strlen(msg)};
    free(msg);
    StrList *w = &cfg->warnings;
    size_t at = w->len;
    while (at > 0 && cfg->warning_at[at - 1].order > order)
        at--;
    sl_push_owned(w, text);
    cfg->warning_at = xreallocarray(cfg->warning_at, w->len, sizeof *cfg->warning_at);
    size_t after = w->len - 1 - at;
    memmove(w->items + at + 1, w->items + at, after * sizeof *w->items);
    memmove(cfg->warning_at + at + 1, cfg->warning_at + at, after * sizeof *cfg->warning_at);
    w->items[at] = text;
    cfg->warning_at[at] = place;
}

void config_warn(Config *cfg, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_warningv(cfg, line, line, fmt, ap);
    va_end(ap);
}

void config_note(Config *cfg, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_warningv(cfg, line, INT_MAX, fmt, ap);
    va_end(ap);
}

typedef struct Parse {
    Config *cfg;
    FILE *f;
    int line; /* of the line inih is looking at */
} Parse;

static char *read_line(char *buf, int size, void *stream)
{
    Parse *p = stream;
    char *r = fgets(buf, size, p->f);
    if (r)
        p->line++;
    return r;
}

static bool parse_ll(const char *value, long long *out)
{
    errno = 0;
    char *end;
    long long v = strtoll(value, &end, 10);
    if (errno || end == value || *end)
        return false;
    *out = v;
    return true;
}

bool config_parse_size(const char *s, long long bare, long long *bytes)
{
    /* Digits by hand, as durations: strtod would take "inf", "1e3", hex
     * and a sign. */
    long long whole = 0, frac = 0, scale = 1;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (whole > LLONG_MAX / 10 - 9)
            return false;
        whole = whole * 10 + (*p - '0');
    }
    if (p == s)
        return false;
    if (*p == '.') {
        const char *digits = ++p;
        /* Six places: more than any size needs, and frac * 1 TiB stays
         * within a long long. */
        for (; *p >= '0' && *p <= '9'; p++)
            if (scale < 1000000) {
                frac = frac * 10 + (*p - '0');
                scale *= 10;
            }
        if (p == digits)
            return false;
    }
    long long mult = bare;
    if (*p) {
        static const struct { const char *unit, *iec; long long mult; } units[] = {
            {"k", "kib", 1LL << 10}, {"m", "mib", 1LL << 20}, {"g", "gib", 1LL << 30}, {"t", "tib", 1LL << 40}};
        mult = 0;
        for (size_t i = 0; i < sizeof units / sizeof *units; i++)
            if (!strcasecmp(p, units[i].unit) || !strcasecmp(p, units[i].iec))
                mult = units[i].mult;
        if (!mult)
            return false;
    } else if (scale > 1) {
        return false; /* a fraction of a bare number (a byte, a MiB) is nobody's meaning */
    }
    if (whole > LLONG_MAX / mult)
        return false;
    long long v = whole * mult, part = frac * mult / scale;
    if (v > LLONG_MAX - part)
        return false;
    *bytes = v + part;
    return true;
}

bool config_parse_mib(const char *s, long long *mib)
{
    long long bytes;
    /* A bare number is MiB, as docker's and tide's own -m take it. */
    if (!config_parse_size(s, 1LL << 20, &bytes))
        return false;
    *mib = bytes >> 20;
    return true;
}

bool config_parse_duration(const char *s, long long *ms)
{
    /* Digits by hand: strtod would take "inf", "1e3", hex and a sign. */
    long long whole = 0, frac = 0, scale = 1;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (whole > 1000000000LL)
            return false;
        whole = whole * 10 + (*p - '0');
    }
    bool digits = p > s;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, digits = true)
            if (scale < 1000000000LL) {
                frac = frac * 10 + (*p - '0');
                scale *= 10;
            }
    }
    if (!digits)
        return false;
    long long unit = 1000;
    if (*p) {
        static const struct { char c; long long ms; } units[] = {
            {'s', 1000}, {'m', 60000}, {'h', 3600000}, {'d', 86400000}};
        unit = 0;
        for (size_t i = 0; i < sizeof units / sizeof *units; i++)
            if (*p == units[i].c && !p[1])
                unit = units[i].ms;
        if (!unit)
            return false;
    }
    *ms = whole * unit + (frac * unit + scale / 2) / scale;
    return true;
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (!strcasecmp(v, yes[i]))
            return *out = true, true;
        if (!strcasecmp(v, no[i]))
            return *out = false, true;
    }
    return false;
}

static void set_lang_command(Parse *p, const char *section, const char *name, const char *value)
{
    const Lang *lang = lang_by_key(section + 5);
    if (!lang || strcmp(lang->key, section + 5) != 0) {
        config_warn(p->cfg, p->line, "unknown language [%s] (one of %s); ignored", section, lang_keys());
        return;
    }
    char **slot;
    if (!strcmp(name, "compile"))
        slot = &p->cfg->lang_compile[lang->id];
    else if (!strcmp(name, "run"))
        slot = &p->cfg->lang_run[lang->id];
    else {
        config_warn(p->cfg, p->line, "unknown key '%s' in [%s] (compile or run); ignored", name, section);
        return;
    }
    if (!strcmp(name, "compile") && !lang->compile) {
        config_warn(p->cfg, p->line, "%s has no compile step; 'compile' ignored", lang->name);
        return;
    }
    StrList words = {0};
    Err err;
    bool split = lang_split(value, &words, &err);
    if (!split || words.len == 0) {
        config_warn(p->cfg, p->line, "%s; ignored", split ? "empty command" : err.msg);
        sl_free(&words);
        return;
    }
    sl_free(&words);
    free(*slot);
    *slot = xstrdup(value);
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
    Parse *p = user;
    Config *cfg = p->cfg;
    if (!strncmp(section, "lang.", 5)) {
        set_lang_command(p, section, name, value);
        return 1;
    }
    if (!strcmp(section, "keys")) {
        cfg->keys = xreallocarray(cfg->keys, cfg->nkeys + 1, sizeof *cfg->keys);
        cfg->keys[cfg->nkeys++] = (KeyBinding){xstrdup(name), xstrdup(value), p->line};
        return 1;
    }
    for (size_t i = 0; i < sizeof settings / sizeof *settings; i++) {
        const struct Setting *s = &settings[i];
        if (strcmp(s->section, section) || strcmp(s->name, name))
            continue;
        char *field = (char *)cfg + s->offset;
        long long v;
        bool b;
        switch (s->type) {
        case T_INT:
        case T_SIZE:
            if (!(s->type == T_SIZE ? config_parse_size(value, 1, &v) : parse_ll(value, &v)) || v < s->min ||
                v > s->max) {
                config_warn(cfg, p->line, "bad value '%s' for %s.%s (%s from %lld to %lld%s); ignored", value,
                            section, name, s->type == T_SIZE ? "bytes" : "a whole number", s->min, s->max,
                            s->type == T_SIZE ? ", or with a unit: 64K, 2M" : "");
            } else if (s->type == T_INT) {
                *(int *)field = (int)v;
            } else {
                *(long long *)field = v;
            }
            break;
        case T_MIB:
            if (!config_parse_mib(value, &v) || v < s->min || v > s->max)
                config_warn(cfg, p->line, "bad value '%s' for %s.%s (MiB from %lld to %lld, or with a unit: "
                            "512M, 2G); ignored", value, section, name, s->min, s->max);
            else
                *(int *)field = (int)v;
            break;
        case T_DURATION:
            if (!config_parse_duration(value, &v) || v < s->min || v > s->max)
                config_warn(cfg, p->line, "bad value '%s' for %s.%s (seconds from %g to %g, such as "
                            "0.5, 30 or 2m); ignored", value, section, name, s->min / 1000.0,
                            s->max / 1000.0);
            else
                *(int *)field = (int)v;
            break;
        case T_BOOL:
            if (!parse_bool(value, &b))
                config_warn(cfg, p->line, "bad value '%s' for %s.%s (true or false); ignored", value,
                            section, name);
            else
                *(bool *)field = b;
            break;
        case T_STRING:
            if (!value[0]) {
                config_warn(cfg, p->line, "empty value for %s.%s; ignored", section, name);
            } else {
                free(*(char **)field);
                *(char **)field = xstrdup(value);
                if (s->offset == offsetof(Config, theme))
                    cfg->theme_line = p->line;
            }
            break;
        }
        return 1;
    }
    if (!section[0])
        config_warn(cfg, p->line, "key '%s' outside any [section]; ignored", name);
    else
        config_warn(cfg, p->line, "unknown key '%s' in [%s]; ignored", name, section);
    return 1;
}

bool config_load(Config *cfg, const char *path, Err *err)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        if (errno == ENOENT)
            return true;
        return err_sys(err, "cannot read the config file %s", path);
    }
    free(cfg->path);
    cfg->path = xstrdup(path);
    Parse p = {cfg, f, 0};
    int bad = ini_parse_stream(read_line, &p, on_value, &p);
    bool read_error = ferror(f);
    fclose(f);
    if (read_error)
        return err_sys(err, "cannot read the config file %s", path);
    if (bad > 0)
        config_warn(cfg, bad, "cannot read this line (expected [section] or key = value); ignored");
    return true;
}

const char *config_compile_cmd(const Config *cfg, const Lang *lang)
{
    return cfg && cfg->lang_compile[lang->id] ? cfg->lang_compile[lang->id] : lang->compile;
}

const char *config_run_cmd(const Config *cfg, const Lang *lang)
{
    return cfg && cfg->lang_run[lang->id] ? cfg->lang_run[lang->id] : lang->run;
}

/* The name of the section a line opens ("[editor]" -> "editor"), copied
 * into out; false when the line is not a section header. */
static bool section_of(const char *line, size_t len, char *out, size_t cap)
{
    while (len && (*line == ' ' || *line == '\t'))
        line++, len--;
    if (!len || *line != '[')
        return false;
    const char *end = memchr(line, ']', len);
    if (!end)
        return false;
    size_t n = (size_t)(end - line - 1);
    snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), line + 1);
    return true;
}

static bool blank_line(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            return false;
    return true;
}

/* Whether a line sets key (`key = ...`, blanks allowed around). */
static bool line_sets(const char *line, size_t len, const char *key)
{
    while (len && (*line == ' ' || *line == '\t'))
        line++, len--;
    size_t k = strlen(key);
    if (len < k || strncasecmp(line, key, k) != 0)
        return false;
    line += k, len -= k;
    while (len && (*line == ' ' || *line == '\t'))
        line++, len--;
    return len && (*line == '=' || *line == ':');
}

bool config_save_value(const char *path, const char *section, const char *key, const char *value,
                       Err *err)
{
    char *data = NULL;
    size_t len = 0;
    if (fileio_exists(path) && !fileio_read(path, 1 << 20, &data, &len, err))
        return false;
    StrBuf out = {0};
    char cur[128] = "";
    bool in_section = false, done = false;
    size_t insert_at = SIZE_MAX; /* after the section's last non-blank line */
    size_t pos = 0;
    while (pos < len) {
        const char *line = data + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (section_of(line, n, cur, sizeof cur)) {
            if (in_section && !done && insert_at != SIZE_MAX) {
                /* Leaving the section without the key: it goes at its end. */
                char *tail = xstrdup(out.data + insert_at);
                out.len = insert_at;
                out.data[out.len] = '\0';
                sb_printf(&out, "%s = %s\n%s", key, value, tail);
                free(tail);
                done = true;
            }
            in_section = strcasecmp(cur, section) == 0;
            if (in_section)
                insert_at = out.len + n + 1;
        } else if (in_section && !done && line_sets(line, n, key)) {
            sb_printf(&out, "%s = %s\n", key, value);
            done = true;
            continue;
        }
        sb_append(&out, line, n);
        sb_puts(&out, "\n");
        if (in_section && !blank_line(line, n))
            insert_at = out.len;
    }
    if (!done && in_section && insert_at != SIZE_MAX) {
        char *tail = xstrdup(out.data + insert_at);
        out.len = insert_at;
        out.data[out.len] = '\0';
        sb_printf(&out, "%s = %s\n%s", key, value, tail);
        free(tail);
        done = true;
    }
    if (!done)
        sb_printf(&out, "%s[%s]\n%s = %s\n", out.len ? "\n" : "", section, key, value);
    bool ok = fileio_write_atomic(path, out.data, out.len, 0600, err);
    free(data);
    sb_free(&out);
    return ok;
}
