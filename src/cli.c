#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>

int cli_usage_error(const Command *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tide %s: ", cmd->name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fputs(cmd->usage, stderr);
    return EXIT_USAGE;
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("tide: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_FAIL;
}

void cli_show_config_warnings(App *app)
{
    for (size_t i = 0; i < app->cfg.warnings.len; i++)
        fprintf(stderr, "tide: warning: %s\n", app->cfg.warnings.items[i]);
    sl_free(&app->cfg.warnings);
}

bool cli_print_json(json_t *obj)
{
    int rc = json_dumpf(obj, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(obj);
    return rc == 0 && fputc('\n', stdout) != EOF;
}

bool cli_parse_long(const char *s, long long min, long long max, long long *out)
{
    if (!s || !*s)
        return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

void cli_reset_getopt(void)
{
    optind = 0; /* glibc: 0 also re-initialises its internal state */
    opterr = 0; /* commands report bad options themselves, in one line */
}
