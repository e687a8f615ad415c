/* The user's settings: $XDG_CONFIG_HOME/tide/config.ini, read with inih.
 * Every key has a documented default (docs/config.md).  An unknown key or a
 * bad value is reported with file and line and ignored, never fatal. */
#ifndef TIDE_CONFIG_H
#define TIDE_CONFIG_H

#include <stdbool.h>

#include "err.h"
#include "lang.h"
#include "xalloc.h"

/* A [keys] line, validated by the UI that owns the actions. */
typedef struct KeyBinding {
    char *action;
    char *key;
    int line;
} KeyBinding;

/* Where a warning of the config file is about. */
typedef struct ConfigWarningAt {
    int line;    /* 0: the whole file */
    int order;   /* its place among the others */
    size_t what; /* where its text says what, after "FILE:LINE: " */
} ConfigWarningAt;

typedef struct Config {
    char *path; /* the file read, or NULL when there was none */

    /* [run] */
    int run_timeout_ms;
    int compile_timeout_ms;
    int memory_mib;
    long long output_limit; /* bytes */
    long long build_cache;  /* bytes of compiled programs kept; 0: none */
    int max_processes;
    /* [session] */
    int expiry_hours;
    bool auto_gc; /* tide run clears what expired, once a day */
    /* [editor] */
    int tab_width;
    bool line_numbers;
    bool auto_indent;
    char *theme;
    int theme_line; /* the line that set theme (0: none): the IDE loads it, and
                       says there what was wrong with it */
    /* [lang.KEY]: command templates replacing the registry's */
    char *lang_compile[LANG_COUNT];
    char *lang_run[LANG_COUNT];
    /* [keys] */
    KeyBinding *keys;
    size_t nkeys;

    /* What was wrong in the file, one line each ("FILE:LINE: ..."), in
     * the order of their lines, then the notices (config_note). */
    StrList warnings;            /* (added by config_warn and config_note only) */
    ConfigWarningAt *warning_at; /* of each */
} Config;

void config_defaults(Config *cfg);
/* A span of time as timeout(1) takes it: a decimal number of seconds
 * ("0.5", "30") or one with a unit s, m, h or d ("2m").  Milliseconds in
 * *ms, rounded to the nearest; false for anything else. */
bool config_parse_duration(const char *s, long long *ms);
/* A size: a whole number of `bare` bytes ("512"), or a number with a unit
 * K, M, G or T, powers of 1024, which may have a fraction ("2G", "1.5G",
 * "64k"; KiB, MiB, GiB, TiB too), in *bytes (rounded down); false for
 * anything else.  The config file and tide run's options read sizes with
 * it alike. */
bool config_parse_size(const char *s, long long bare, long long *bytes);
/* An amount of memory: config_parse_size with MiB for a bare number, in
 * *mib (rounded down). */
bool config_parse_mib(const char *s, long long *mib);
/* The bounds of the [run] sizes, which tide run's options share. */
#define CONFIG_MEMORY_MIB_MIN 16
#define CONFIG_MEMORY_MIB_MAX (1024 * 1024)
#define CONFIG_OUTPUT_LIMIT_MIN 1024
#define CONFIG_OUTPUT_LIMIT_MAX (1LL << 32)
/* Read path over the defaults.  A missing file is not an error; a file
 * that cannot be read is (and leaves the defaults in place). */
bool config_load(Config *cfg, const char *path, Err *err);
void config_free(Config *cfg);
/* Add a warning about the file, at a line (0: no line). */
void config_warn(Config *cfg, int line, const char *fmt, ...) TIDE_FMT(3, 4);
/* Add a notice: what the file made tide do rather than a mistake in it
 * (the key quit was left), after every warning. */
void config_note(Config *cfg, int line, const char *fmt, ...) TIDE_FMT(3, 4);
/* Set `key = value` in [section] of the file at path, keeping every other
 * line as it is (comments too): the key's line is replaced, or added at the
 * end of its section, or the section is added.  A missing file is created
 * (mode 0600); the write is atomic. */
bool config_save_value(const char *path, const char *section, const char *key, const char *value,
                       Err *err);
/* The compile/run template for lang, the user's override if there is one. */
const char *config_compile_cmd(const Config *cfg, const Lang *lang);
const char *config_run_cmd(const Config *cfg, const Lang *lang);

#endif
