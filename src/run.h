/* `tide run`: the command-line face of exec.  Split so that recording (the
 * session manager) can wrap exec_run in one place: run_parse builds the
 * request from the command line, run_execute runs it (streaming or
 * quiet), run_exit_code maps the outcome to the documented exit codes. */
#ifndef TIDE_RUN_H
#define TIDE_RUN_H

#include "exec.h"

typedef struct RunOptions {
    RunRequest req;
    bool json;
    bool quiet;           /* --quiet: nothing of tide's own on stderr unless tide failed */
    char *workdir;        /* the entry's folder (real path) */
    StrList files;        /* relative to workdir */
    StrList args;
    StrList companions;   /* files tide added to a lone FILE (add_companions) */
    StrList left_out;     /* helper files of its folder it left out (paths) */
    char *stdin_path;     /* --stdin FILE, "-" for tide's own stdin, or NULL */
    char *generated_dir;  /* --generated-dir */
    char *temp_dir;       /* holds a program read from stdin for a run not recorded;
                             removed by run_options_free */
    int temp_lock;        /* temp_dir, flocked while in use (tide gc skips it), or -1 */
    int stdin_fd;         /* opened by run_parse, closed by run_options_free */
    struct termios tty;   /* tide's terminal's modes, when the program gets a terminal */
    /* Recording (src/session.h): --session, else the folder session of
     * the entry's folder and language; --ephemeral records nothing. */
    char *session;
    bool ephemeral;
    long long session_id, result_id; /* 0: none */
    StrList notes;                   /* what the user should know about the record */
    StrList notes_repeated;          /* of notes, those a person was told at the last run */
    bool result_noted;               /* run_result_notes' are among notes (the record has them) */
    /* Streaming (run_execute): whether the program's last byte ended a
     * line, of either stream and of stderr; the first error writing its
     * stdout [1] or stderr [2] met (0: none; a reader gone, EPIPE, is not
     * one: the program meets it as it would outside tide). */
    bool at_line_start, err_at_line_start;
    bool same_output; /* tide's stdout and stderr are one open file (2>&1) */
    int write_errno[3];
} RunOptions;

/* Parse argv (argv[0] is "run").  On a bad command line, prints the
 * message and returns false with *exit_code set. */
bool run_parse(App *app, int argc, char **argv, RunOptions *o, int *exit_code);
void run_options_free(RunOptions *o);
/* Run it: streamed to stdout/stderr with a summary line, or quietly
 * (for --json).  Handles the terminal and Ctrl-C.  res is filled. */
bool run_execute(App *app, RunOptions *o, RunResult *res, Err *err);
/* The exit status of `tide run` for an outcome (src/cli.h, docs/tide.1). */
int run_exit_code(const RunResult *res);

#endif
