/* The execution engine: compile (when the language needs it, through the
 * build cache) and run one program in the sandbox, feeding its stdin,
 * capturing or streaming its output, enforcing the limits, and collecting
 * the files it wrote.  Used by `tide run`, the session manager and the
 * TUI's execution panel; src/exec.h is the contract between them
 * (design.md, "Running code").
 *
 * exec_run may be called from any thread, and several runs may go on at
 * once in one process: it installs no signal handler, calls no setenv and
 * keeps no state two runs would share (the seccomp filter is built once
 * and then only read). */
#ifndef TIDE_EXEC_H
#define TIDE_EXEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#include "app.h"
#include "err.h"
#include "lang.h"
#include "workfiles.h"
#include "xalloc.h"

typedef enum {
    RUN_OK,
    RUN_COMPILE_ERROR,
    RUN_RUNTIME_ERROR, /* non-zero exit or a signal */
    RUN_TIMEOUT,
    RUN_MEMORY_LIMIT,
    RUN_OUTPUT_LIMIT,
    RUN_KILLED,        /* stopped through RunControl, or ended by the interrupt it sent */
    RUN_SANDBOX_ERROR, /* tide could not set up the run */
    RUN_INVALID_REQUEST,
    RUN_STATUS_COUNT
} RunStatus;

/* "ok", "compile_error", ... as in design.md and the JSON. */
const char *run_status_name(RunStatus s);

/* Lets another thread (or a signal handler) stop a run. */
typedef struct RunControl RunControl;
RunControl *run_control_new(void);
/* Thread-safe and async-signal-safe: the run ends with RUN_KILLED. */
void run_control_stop(RunControl *c);
/* Ctrl-C, as a terminal sends it: SIGINT to the program's process group,
 * which may handle it (Python prints where it was); a program that dies
 * of it ends with RUN_KILLED.  While compiling, a stop.  Thread-safe and
 * async-signal-safe. */
void run_control_interrupt(RunControl *c);
/* How many interrupts were asked for (0: none). */
int run_control_interrupts(const RunControl *c);
/* Whether a stop or an interrupt was asked for, waiting up to ms for one
 * (0: not at all; c NULL: ms of sleep, and false).  For what precedes the
 * run, which either asks ends: waiting for the session. */
bool run_control_wait(const RunControl *c, int ms);
void run_control_free(RunControl *c);

typedef struct RunCallbacks {
    /* All optional; called on the thread running exec_run. */
    void *ud;
    void (*phase)(void *ud, const char *phase); /* "compiling", "running" */
    /* Output as it arrives: stream 1 stdout, 2 stderr (with a pty,
     * everything is stream 1).  During "compiling", the compiler's
     * diagnostics arrive on stream 2.  False: nobody reads that stream any
     * more (tide's stdout is a pipe whose reader is gone, as in
     * `tide run x | head`, or cannot be written: a full disk); the
     * program's end of it is then closed, so its next write fails as it
     * would have without tide (SIGPIPE or EPIPE). */
    bool (*output)(void *ud, int stream, const char *data, size_t len);
    /* tty runs: the caller may write keystrokes and TIOCSWINSZ to
     * master_fd until exec_run returns. */
    void (*pty_ready)(void *ud, int master_fd);
} RunCallbacks;

typedef struct RunRequest {
    const Lang *lang;
    /* Host folder holding the files; the program sees it as its working
     * directory (/work), read-only underneath, writes going to a per-run
     * layer. */
    const char *workdir;
    const char *const *files; /* relative to workdir, NULL-terminated; files[0] is the entry */
    const char *const *args;  /* program arguments, NULL-terminated (may be NULL) */
    int stdin_fd;             /* -1: empty stdin; else exec reads it and feeds the program */
    const char *stdin_name;   /* the file stdin_fd is, as the user named it (recorded), or NULL */
    bool tty;                 /* the program gets a pty (interactive: input(), scanf) */
    /* With tty: stdin_fd reaches the program's 0 through a pipe, as a
     * shell's `< file` does (1 and 2 stay the terminal); not typed into
     * the terminal. */
    bool stdin_piped;
    /* With tty: the program's stderr reaches tide through a pipe, as a
     * shell's `2> file` leaves it, apart from the terminal's output. */
    bool stderr_apart;
    /* Without tty: the program's stdout and stderr are one pipe, as a
     * shell's `2>&1` makes them, so the kernel keeps the order of their
     * writes; everything arrives as stream 1 and is kept in output (as
     * with a pty). */
    bool one_pipe;
    unsigned short rows, cols; /* pty size (0: 24x80) */
    /* The user's terminal's editing characters (erase, kill, interrupt,
     * end of file...), for the pty's: NULL keeps the usual ones. */
    const cc_t *tty_cc;
    int timeout_ms, compile_timeout_ms, memory_mib, max_processes;
    long long output_limit;   /* bytes of stdout+stderr before the run is stopped */
    /* Bytes of each stream held in the RunResult; past them output is only
     * passed on (cb->output) and counted.  0: all of it (--json answers
     * with everything; a stream to a terminal need not hold a raised
     * output_limit's gigabytes in memory). */
    long long keep_limit;
    bool net;                 /* --net: the host's network */
    /* How this front end gives a run the host's network (the CLI's option,
     * the IDE's key), for run_result_notes when session_run records them. */
    const char *net_how;
    /* Host folder kept as Go's build cache (GOCACHE) between the compile
     * steps of one session (its own, made when missing): a compile step
     * that runs code (a compiler bug, a cgo flag) can change what a later
     * build of the same session links, never another's.  Builds made with
     * it are kept in the build cache for it alone.  NULL: an empty one in
     * the compile step's scratch area, gone with it. */
    const char *go_cache;
    /* Host folder (existing, empty) to copy the files the run created or
     * changed in its working directory into; NULL: do not keep them. */
    const char *generated_dir;
    RunControl *control;      /* may be NULL */
    /* Explicit opt-outs (tide run --allow-missing): run without cgroups
     * (rlimits instead) or without seccomp when the machine lacks them. */
    bool allow_no_cgroup, allow_no_seccomp;
} RunRequest;

/* Fill the limits from the user's config ([run] section). */
void run_request_defaults(RunRequest *req, const Config *cfg);

/* GeneratedFile (path, size, type) is in workfiles.h. */

/* A tool the run used, as the user's machine names it. */
typedef struct RunTool {
    char *command; /* javac, java, python3, ... */
    char *path;    /* where it was found: on PATH, or a project's venv */
    char *version; /* its version line, or NULL */
} RunTool;

typedef struct RunResult {
    RunStatus status;
    int exit_code;   /* -1 when none */
    int signal;      /* 0 when none */
    double compile_time, execution_time; /* seconds */
    long long peak_memory_kb; /* -1 when unknown */
    /* Captured, at most output_limit bytes in all (keep_limit of each
     * stream; output_left_out past it).  A failed compile's
     * diagnostics are in error. */
    StrBuf output, error;
    long long output_left_out, error_left_out; /* passed on, not held (keep_limit) */
    StrBuf compile_output; /* the compiler's messages (warnings too) */
    bool output_truncated;
    bool build_cached; /* the compile step was taken from the cache */
    bool run_started;  /* the run step began (not so after a compile timeout or stop) */
    bool toolchain_missing; /* sandbox_error because the language is not installed */
    /* The working folder is the user's home (or / or one holding the home):
     * the program was shown only the files named in the request. */
    bool work_narrowed;
    bool net; /* the run step had the host's network (--net) */
    /* Why the project's venv was not used (the Python it names is none,
     * or a folder no program is shown), or "". */
    char venv_refused[1024];
    GeneratedFile *generated;
    size_t ngenerated;
    bool generated_truncated; /* some were left out: how many and why (GEN_LEFT_*) */
    size_t generated_left_out;
    unsigned generated_left_why;
    RunTool tools[LANG_MAX_TOOLS]; /* resolved before anything ran */
    size_t ntools;
    char message[512]; /* one line for sandbox_error, invalid_request and limits */
} RunResult;

/* Run the request.  Returns false when it could not be carried out:
 * res->status is then sandbox_error or invalid_request, and res->message
 * and err say why.  Every outcome of the program itself (compile errors,
 * limits, a stop) is a true return with res->status. */
bool exec_run(App *app, const RunRequest *req, const RunCallbacks *cb, RunResult *res, Err *err);
void run_result_free(RunResult *res);
/* Whether dir (a real path) is a folder tide never shows a program whole:
 * a home folder or one above it, /root, /tmp and the other shared
 * temporary folders.  A program whose entry is in one gets only the files
 * it was given (work_narrowed). */
bool exec_folder_is_private(const char *dir);
/* What the user should know about a result, for the CLI and the IDE
 * alike, added to notes: the program saw only its files (work_narrowed;
 * workdir: the folder) and what to do to give it the folder; the
 * project's venv was not used, and why (venv_refused); a Python
 * program stopped on a module it could not import, where packages come
 * from, runs being offline; a program that failed to reach the network
 * (net: the run had the host's) did so because runs have none, and
 * net_how, how to give a run the host's (where the note is read: the
 * CLI's option, the IDE's key). */
void run_result_notes(const RunResult *res, const Lang *lang, const char *workdir, bool net, const char *net_how,
                      StrList *notes);
/* Whether the result has a run step to report (its time and memory): it
 * began, and no failure of tide's ended it. */
bool run_result_ran(const RunResult *res);

/* The result as design.md's JSON object (success, status, output, error,
 * execution_time, compile_time, return_code, signal, peak_memory_kb,
 * output_truncated, generated_files, language, ...).  Output that is not
 * valid UTF-8 is also given exactly in output_base64 / error_base64. */
json_t *run_result_json(const RunResult *res, const Lang *lang);
/* The tools of the run, as the JSON's "toolchain": [{command, path, version}]. */
json_t *run_toolchain_json(const RunResult *res);

#endif
