#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "expiry.h"
#include "filetype.h"
#include "session.h"
#include "textnav.h"
#include "sizetext.h"

/* How this process answers: with --json, a failure is a JSON object on
 * stdout too (a script reads stdout), unless an answer was printed. */
static bool json_errors, json_answered;

void cli_answer_errors_in_json(bool on)
{
    json_errors = on;
}

static void json_error(const char *msg, int code)
{
    if (!json_errors || json_answered)
        return;
    json_t *j = json_object();
    json_object_set_new(j, "error", cli_json_name(msg));
    json_object_set_new(j, "exit_code", json_integer(code));
    (void)cli_print_json(j);
}

int cli_usage_error(const Command *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "tide %s: %s\n", cmd->name, msg);
    json_error(msg, EXIT_USAGE);
    free(msg);
    /* The synopsis only: the whole help after an error would push the
     * error itself off the screen. */
    const char *blank = strstr(cmd->usage, "\n\n");
    size_t n = blank ? (size_t)(blank - cmd->usage) : strlen(cmd->usage);
    while (n > 0 && cmd->usage[n - 1] == '\n')
        n--;
    fprintf(stderr, "%.*s\n(tide help %s shows all of it)\n", (int)n, cmd->usage, cmd->name);
    return EXIT_USAGE;
}

const char *cli_bad_option(char **argv, int c, char buf[64])
{
    const char *a = optind > 0 ? argv[optind - 1] : "";
    /* A short option's error leaves optopt set; an unknown long one, 0. */
    bool is_long = strncmp(a, "--", 2) == 0 && !(c == '?' && optopt != 0);
    if (is_long)
        snprintf(buf, 64, "%.*s", (int)strcspn(a, "="), a);
    else
        snprintf(buf, 64, "-%c", c == ':' || c == '?' ? optopt : c);
    return buf;
}

const char *cli_unwanted_option(char **argv, int c, const struct option *longs, int li, char buf[64])
{
    if (c == '?' || li < 0)
        return cli_bad_option(argv, c, buf);
    snprintf(buf, 64, "--%s", longs[li].name);
    return buf;
}

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return true;
    return false;
}

/* tide run - makes a scratch session each time: without this they piled
 * up until the user thought of tide gc. */
void cli_daily_gc(App *app, bool tell)
{
    GcReport r;
    Err err;
    bool ran;
    if (expiry_auto_gc(app, session_now(), &r, &ran, &err) && ran && r.n && tell) {
        char total[SIZE_TEXT_LEN];
        size_text(r.bytes, total);
        fprintf(stderr, "tide: note: cleared what had expired (%zu item%s, %s; `tide gc --dry-run` lists what is due, "
                        "[session] auto_gc = false leaves it to tide gc)\n",
                r.n, r.n == 1 ? "" : "s", total);
    }
    gc_report_free(&r);
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "tide: %s\n", msg);
    json_error(msg, EXIT_FAIL);
    free(msg);
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
    json_answered = true;
    int rc = json_dumpf(obj, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
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

/* Process-wide: how the process should end. */
static int exit_signal;

void cli_set_exit_signal(int sig)
{
    exit_signal = sig;
}

void cli_raise_exit_signal(void)
{
    if (!exit_signal)
        return;
    fflush(NULL);
    signal(exit_signal, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, exit_signal);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(exit_signal);
}

void cli_reset_getopt(void)
{
    optind = 0; /* glibc: 0 also re-initialises its internal state */
    opterr = 0; /* commands report bad options themselves, in one line */
}

void cli_time_local(int64_t t, char out[CLI_TIME_LEN])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (t == 0 || !localtime_r(&tt, &tm) || strftime(out, CLI_TIME_LEN, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        snprintf(out, CLI_TIME_LEN, "-");
}

json_t *cli_time_json(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[CLI_TIME_LEN];
    if (t == 0 || !gmtime_r(&tt, &tm) || strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return json_null();
    return json_string(buf);
}

int cli_text_cols(const char *s)
{
    /* Names are UTF-8 whatever tide's locale (the CLI keeps "C"), so
     * their width is asked of a UTF-8 locale; made once per process. */
    static locale_t utf8;
    if (!utf8)
        utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    size_t len = strlen(s);
    if (!utf8)
        return (int)len;
    locale_t old = uselocale(utf8);
    mbstate_t st;
    memset(&st, 0, sizeof st);
    int cols = 0;
    while (len) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s, len, &st);
        if (n == (size_t)-1 || n == (size_t)-2) {
            /* A byte that is no UTF-8: the terminal shows one mark. */
            memset(&st, 0, sizeof st);
            n = 1, wc = '?';
        } else if (n == 0) {
            break;
        }
        int w = wcwidth(wc);
        cols += w < 0 ? 1 : w;
        s += n;
        len -= n;
    }
    uselocale(old);
    return cols;
}

int cli_widen(int w, const char *s, int max)
{
    int cols = cli_text_cols(s);
    return cols > w ? (cols < max ? cols : max) : w;
}

int cli_pad(const char *s, int width)
{
    int cols = cli_text_cols(s);
    return cols < width ? width - cols : 0;
}

/* How the character at s is shown into shown: a control as cat -v shows
 * it, empty when it is shown as it is; returns how many bytes it takes.
 * A lone byte 0x80-0x9f (no UTF-8) is a C1 control to a terminal that
 * takes 8-bit controls (0x9b is CSI there), as U+0080-U+009F is to one
 * in UTF-8. */
static size_t control_shown(const unsigned char *s, size_t len, char shown[16])
{
    uint32_t cp;
    int n = textnav_utf8_decode(s, len, &cp);
    shown[0] = 0;
    if (cp == UTF8_INVALID) {
        if (s[0] >= 0x80 && s[0] <= 0x9f)
            snprintf(shown, 16, "M-^%c", (s[0] - 0x80) ^ 0x40);
        return 1;
    }
    if (cp < 0x20 || cp == 0x7f)
        snprintf(shown, 16, "^%c", (int)cp ^ 0x40);
    else if (cp >= 0x80 && cp <= 0x9f)
        snprintf(shown, 16, "<U+%04X>", (unsigned)cp);
    return n > 0 ? (size_t)n : 1;
}

char *cli_shown_name(const char *s)
{
    StrBuf out = {0};
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        char shown[16];
        size_t n = control_shown((const unsigned char *)s + i, len - i, shown);
        if (shown[0])
            sb_puts(&out, shown);
        else
            sb_append(&out, s + i, n);
        i += n;
    }
    return out.data ? sb_steal(&out) : xstrdup("");
}

void cli_write_recorded(FILE *f, const char *data, size_t len)
{
    if (!isatty(fileno(f))) {
        fwrite(data, 1, len, f);
        return;
    }
    size_t plain = 0; /* start of the bytes not yet written */
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)data[i];
        size_t n = 1;
        char shown[16] = "";
        if (c == 0x1b && i + 1 < len && data[i + 1] == '[') {
            size_t j = i + 2;
            while (j < len && (isdigit((unsigned char)data[j]) || data[j] == ';' || data[j] == ':'))
                j++;
            if (j < len && data[j] == 'm') {
                i = j + 1; /* a colour: passes */
                continue;
            }
        }
        if (c != '\n' && c != '\t' && c != '\r')
            n = control_shown((const unsigned char *)data + i, len - i, shown);
        if (shown[0]) {
            fwrite(data + plain, 1, i - plain, f);
            fputs(shown, f);
            plain = i + n;
        }
        i += n;
    }
    fwrite(data + plain, 1, len - plain, f);
}

bool cli_app_init(App *app)
{
    Err err;
    if (app_init(app, &err))
        return true;
    fprintf(stderr, "tide: %s\n", err.msg);
    app_free(app);
    return false;
}

json_t *cli_json_name(const char *s)
{
    size_t len = strlen(s);
    if (filetype_is_text(s, len))
        return json_stringn(s, len);
    StrBuf sb = {0};
    filetype_clean_text(s, len, &sb);
    json_t *j = json_stringn(sb.data ? sb.data : "", sb.len);
    sb_free(&sb);
    return j;
}
