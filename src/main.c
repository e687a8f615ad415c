/* tide: the command-line entry point.  Finds the subcommand and hands it
 * the App; with no subcommand (or a path) it starts the IDE, tide-ide. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "ide_launch.h"
#include "xalloc.h"

extern const Command cmd_doctor, cmd_help, cmd_run;
extern const Command cmd_session, cmd_history, cmd_result, cmd_diff, cmd_checkout, cmd_search;
extern const Command cmd_import, cmd_files, cmd_export, cmd_gc, cmd_status;

static const Command *const commands[] = {
    &cmd_run,    &cmd_session, &cmd_history, &cmd_result, &cmd_diff,   &cmd_checkout, &cmd_search,
    &cmd_import, &cmd_files,   &cmd_export,  &cmd_status, &cmd_gc,     &cmd_doctor,
    &cmd_help,
};

#define NCOMMANDS (sizeof commands / sizeof *commands)

const Command *cli_find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

/* Edits (insert, delete, change a letter) that make a into b, counted
 * up to 3. */
static int edits(const char *a, const char *b)
{
    size_t n = strlen(b);
    if (n > 31 || strlen(a) > 31)
        return 3;
    int row[32];
    for (size_t j = 0; j <= n; j++)
        row[j] = (int)j;
    for (size_t i = 1; a[i - 1]; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= n; j++) {
            int up = row[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[n] < 3 ? row[n] : 3;
}

/* The command a mistyped word most likely meant (two edits at most, one
 * for a short word: every short word is two edits from gc), or NULL. */
static const Command *meant(const char *word)
{
    const Command *best = NULL;
    int fewest = strlen(word) <= 4 ? 2 : 3;
    for (size_t i = 0; i < NCOMMANDS; i++) {
        int e = edits(word, commands[i]->name);
        if (e < fewest)
            fewest = e, best = commands[i];
    }
    return best;
}

static void print_usage(FILE *f)
{
    fprintf(f, "usage: tide [PATH]            open the IDE on a file or folder (default: here)\n"
               "       tide FILE:LINE[:COL]   ... at that place (or: tide +LINE[:COL] FILE)\n"
               "       tide --session ID      open the IDE on a session's files\n"
               "       tide COMMAND [ARGS]    run a command (tide help COMMAND)\n"
               "       tide --help | --version\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(f, "\nexit status: 0 success, 1 failure, 2 invalid request; `tide run` passes on the\n"
               "program's exit code (128+N for signal N), 124 timeout, 125 tide or sandbox\n"
               "failure, 126 compile error, 127 toolchain not installed, 130 stopped\n"
               "(143 by SIGTERM), 137 memory limit, 141 output limit.\n"
               "Files: $XDG_CONFIG_HOME/tide/config.ini, $XDG_DATA_HOME/tide/tide.db.\n"
               "See tide(1).\n");
}

static int help_run(App *app, int argc, char **argv)
{
    (void)app;
    if (argc < 2) {
        print_usage(stdout);
        return EXIT_OK;
    }
    const Command *cmd = cli_find(argv[1]);
    if (!cmd) {
        fprintf(stderr, "tide help: '%s' is not a tide command\n", argv[1]);
        print_usage(stderr);
        return EXIT_USAGE;
    }
    fputs(cmd->usage, stdout);
    return EXIT_OK;
}

const Command cmd_help = {
    "help", "show the help of tide or of one command",
    "usage: tide help [COMMAND]\n\nShow tide's usage, or the full help of COMMAND.\n",
    help_run,
};

/* A first argument that names something on disk (or looks like a file
 * name) opens the IDE; anything else must be a command. */
static bool looks_like_path(const char *arg)
{
    struct stat st;
    return stat(arg, &st) == 0 || strchr(arg, '/') || strchr(arg, '.');
}

/* "+LINE", "+LINE:COL" or "+LINE,COL" before a FILE, as nano and vim take
 * it (tide-ide reads it: tui_parse_place). */
static bool place_arg(const char *arg)
{
    return arg[0] == '+' && arg[1] >= '1' && arg[1] <= '9' && strspn(arg + 1, "0123456789:,") == strlen(arg + 1);
}

/* The IDE: `tide`, `tide PATH`, `tide --session ID`, checked here and
 * handed to tide-ide as they are. */
static int open_ide(char **argv)
{
    argv[0] = (char *)IDE_PROGRAM;
    Err err;
    ide_launch(argv, &err);
    fprintf(stderr, "tide: %s\n", err.msg);
    return EXIT_FAIL;
}

int main(int argc, char **argv)
{
    xalloc_init();
    if (argc >= 2 && !strcmp(argv[1], "--session")) {
        if (argc != 3 || !argv[2][0]) {
            fprintf(stderr, "tide: --session needs a session id (tide session list shows them)\n");
            print_usage(stderr);
            return EXIT_USAGE;
        }
        return open_ide(argv);
    }
    if (argc >= 2 && argv[1][0] == '-' && strcmp(argv[1], "-") != 0) {
        if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
            print_usage(stdout);
            return EXIT_OK;
        }
        if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
            printf("tide %s\n", TIDE_VERSION);
            return EXIT_OK;
        }
        fprintf(stderr, "tide: unknown option '%s'\n", argv[1]);
        print_usage(stderr);
        return EXIT_USAGE;
    }
    const Command *cmd = argc >= 2 ? cli_find(argv[1]) : NULL;
    if (!cmd && argc == 3 && place_arg(argv[1]))
        return open_ide(argv); /* tide +LINE FILE */
    if (!cmd) {
        if (argc >= 2 && !looks_like_path(argv[1])) {
            fprintf(stderr, "tide: '%s' is not a tide command or an existing file (for a new file, write ./%s)\n",
                    argv[1], argv[1]);
            const Command *m = meant(argv[1]);
            if (m)
                fprintf(stderr, "tide: did you mean 'tide %s'?\n", m->name);
            print_usage(stderr);
            return EXIT_USAGE;
        }
        if (argc > 2) {
            fprintf(stderr, "tide: open one file or folder at a time ('%s' is extra)\n", argv[2]);
            return EXIT_USAGE;
        }
        return open_ide(argv);
    } else {
        argc--;
        argv++;
    }
    if (cli_wants_help(argc, argv)) {
        fputs(cmd->usage, stdout);
        return EXIT_OK;
    }
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (!strcmp(argv[i], "--json"))
            cli_answer_errors_in_json(true);
    App app;
    if (!cli_app_init(&app))
        return EXIT_FAIL;
    cli_reset_getopt();
    int rc = cmd->run(&app, argc, argv);
    app_free(&app);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "tide: cannot write the output\n");
        return rc ? rc : EXIT_FAIL;
    }
    cli_raise_exit_signal();
    return rc;
}
