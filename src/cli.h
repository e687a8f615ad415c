/* The command-line face: the subcommand table, the exit codes and the
 * helpers every command uses to report errors and print JSON. */
#ifndef TIDE_CLI_H
#define TIDE_CLI_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "app.h"

/* Exit codes, after timeout(1) where they overlap (documented in --help
 * and docs/tide.1).  A program's own exit code passes through `tide run`;
 * a program killed by signal N gives 128+N. */
enum {
    EXIT_OK = 0,
    EXIT_FAIL = 1,          /* the command did not do what was asked */
    EXIT_USAGE = 2,         /* bad command line: invalid request */
    EXIT_TIMEOUT = 124,     /* the run hit its time limit */
    EXIT_TIDE = 125,        /* tide itself failed: sandbox or setup error */
    EXIT_COMPILE = 126,     /* the program did not compile */
    EXIT_NO_TOOLCHAIN = 127 /* the language's toolchain is not installed */
};

typedef struct Command {
    const char *name;
    const char *summary; /* one line for `tide --help` */
    const char *usage;   /* the full text of `tide help NAME` */
    /* argv[0] is the command's name; getopt_long state is reset before. */
    int (*run)(App *app, int argc, char **argv);
} Command;

const Command *cli_find(const char *name);
/* Print "tide NAME: <msg>" and the command's usage to stderr; returns 2. */
int cli_usage_error(const Command *cmd, const char *fmt, ...) TIDE_FMT(2, 3);
/* The option getopt_long just refused (c: what it returned), as the user
 * wrote it: "--timeout" for a long one, "-t" for one in a cluster such as
 * "-qt" (argv[optind - 1] would say "-qt"). */
const char *cli_bad_option(char **argv, int c, char buf[64]);
/* The name of an option getopt_long knew (longindex li, -1 for a short
 * one) that this command does not take: "--session". */
struct option;
const char *cli_unwanted_option(char **argv, int c, const struct option *longs, int li, char buf[64]);
/* Does argv (a command's arguments, argv[0] its name) ask for its help
 * with --help or -h before any "--"? */
bool cli_wants_help(int argc, char **argv);
/* What expired goes once a day (expiry_auto_gc), after a recorded run or
 * the IDE has said all it had to; with tell, a line on stderr when
 * something went.  A failure is for tide gc to report. */
void cli_daily_gc(App *app, bool tell);
/* With on (the command was given --json), cli_fail and cli_usage_error
 * also answer on stdout, {"error": MSG, "exit_code": N}, when the command
 * printed no JSON of its own: a script reads stdout. */
void cli_answer_errors_in_json(bool on);
/* Print "tide: <msg>" to stderr; returns EXIT_FAIL. */
int cli_fail(const char *fmt, ...) TIDE_FMT(1, 2);
/* Print warnings from the config file to stderr, once. */
void cli_show_config_warnings(App *app);
/* app_init, or "tide: <why>" on stderr and false (app left freed). */
bool cli_app_init(App *app);
/* Write obj as JSON to stdout (and release it); false on a write error. */
bool cli_print_json(json_t *obj);
/* Parse a whole non-negative number; false if s is anything else. */
bool cli_parse_long(const char *s, long long min, long long max, long long *out);
/* Reset getopt for a command's own options. */
void cli_reset_getopt(void);
/* A command stopped by a signal (tide run by Ctrl-C, SIGTERM, SIGHUP)
 * asks for tide to end by that signal once everything is written and
 * closed: the shell then knows how it ended (a script's loop stops at
 * Ctrl-C; bash goes on when a child merely exited 130). */
void cli_set_exit_signal(int sig);
/* End the process by the signal asked for, if any (else return). */
void cli_raise_exit_signal(void);

/* Times are unix seconds (UTC) in the database: text output shows local
 * time, JSON ISO 8601 in UTC. */
#define CLI_TIME_LEN 32
/* "2024-05-01 14:03:22" (local), or "-" for 0. */
void cli_time_local(int64_t t, char out[CLI_TIME_LEN]);
/* "2024-05-01T12:03:22Z", or JSON null for 0. */
json_t *cli_time_json(int64_t t);
/* The columns s takes on a terminal (UTF-8: "日本" takes 4). */
int cli_text_cols(const char *s);
/* The spaces that pad s to width columns, for a table's cell:
 * printf("%s%*s", s, cli_pad(s, 20), "") (printf's %-20s counts bytes). */
int cli_pad(const char *s, int width);
/* A table column's width: w widened to s's columns, up to max (a longer
 * cell pushes its own row only).  Called once per row. */
int cli_widen(int w, const char *s, int max);
/* Recorded bytes (a program's output, code) for a person: on a terminal
 * the colours (SGR sequences) pass and every other escape sequence or
 * control character but newline, tab and carriage return is shown as
 * cat -v shows it (^[, ^G; a C1 control as <U+009B>), so that looking at a
 * run cannot retitle the window, set the clipboard or make the terminal
 * answer back.  Elsewhere (a pipe, a file) the bytes go out exactly. */
void cli_write_recorded(FILE *f, const char *data, size_t len);
/* A name (a file's, a session's, a program's argument) as one line of a
 * listing, freshly allocated: every control character shown as cat -v
 * shows it (^[, ^J; a C1 control as <U+009B>), on a terminal or not.  A
 * program names the files it writes: such a name cannot retitle the
 * window, set the clipboard or split a row in two. */
char *cli_shown_name(const char *s);
/* A name (a file's, an argument) as a JSON string: jansson takes only
 * valid UTF-8, and a file may be named in any bytes; those that are not
 * UTF-8 become U+FFFD. */
json_t *cli_json_name(const char *s);

#endif
