/* `tide run`: parse the command line into a RunRequest, run it through
 * exec (streaming, or quietly for --json), print the outcome. */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "session.h"
#include "sizetext.h"
#include "srcdeps.h"

static int run_main(App *app, int argc, char **argv);

const Command cmd_run = {
    "run", "compile and run a program in the sandbox",
    "usage: tide run [options] FILE [FILE...] [-- ARGS...]\n"
    "\n"
    "Compile (when the language needs it) and run FILE in the sandbox, with ARGS as\n"
    "its arguments.  Further FILEs are compiled with it (headers and data files are\n"
    "given as they are; a compiled language's run refuses another language's\n"
    "source); they must be in FILE's folder or below it (Fortran modules go before\n"
    "the files that use them).\n"
    "That folder is the program's working directory (/work inside): it can read\n"
    "what is there, and what it writes, changes or deletes lands in a per-run\n"
    "layer - your files are never modified.  In a project, /work is the project\n"
    "as the toolchain finds it (src/ beside include/ in C and C++, a Python\n"
    "project, a Node package with its node_modules, a Go module or workspace, a\n"
    "Composer project, a Cargo package, a Java source root with its lib/ jars); the\n"
    "program starts in FILE's folder.  The folder is also at its own path (not\n"
    "below /tmp).  A Rust FILE of a Cargo package is built with cargo build\n"
    "--offline (src/bin/X.rs runs program X; lib.rs, the package's).\n"
    "\n"
    "A lone FILE of a compiled language brings the sources of its folder that\n"
    "belong to its program, as F5 does: C and C++ files it links with (no main of\n"
    "their own; a function or variable it uses, or named as a header it\n"
    "includes, or including one), the Fortran files whose modules or procedures\n"
    "it uses, the .java files declaring the classes it names, Go files of its\n"
    "package without a main of their own (no Go tests).  Naming more than one\n"
    "FILE chooses.\n"
    "\n"
    "FILE may be a folder: its program is run (as go run . does), the file with\n"
    "its language's usual name (main.py, index.js, main.go, Main.java, ...), else\n"
    "the only one with a main of its own, else its only source.\n"
    "\n"
    "FILE '-' reads the program itself from standard input (language from --lang\n"
    "or its #! line; Java's file is named after its public or first class).  It is\n"
    "recorded in a new scratch session (--ephemeral: not at all); the program's own\n"
    "input is then --stdin FILE, or none.\n"
    "\n"
    "  -l, --lang LANG            python|node|go|c|cpp|java|php|rust|fortran\n"
    "                             (default: from FILE's extension or #! line)\n"
    "  -i, --stdin FILE           feed FILE on standard input ('-': tide's own;\n"
    "                             default: tide's stdin unless it is a terminal)\n"
    "  -t, --timeout SECONDS      wall-clock limit of the run step (default 60;\n"
    "                             fractions and units as timeout(1): 0.5, 2m)\n"
    "      --compile-timeout SECONDS  limit of the compile step (default 120)\n"
    "  -m, --memory MIB           memory limit in MiB (default 512), or with a\n"
    "                             unit K, M, G or T: 512M, 1.5G (16M to 1T)\n"
    "      --output-limit BYTES   output kept before the run is stopped\n"
    "                             (default 1048576), or with a unit: 64K, 2M\n"
    "                             (1K to 4G); as in config.ini\n"
    "      --max-processes N      processes and threads at once (default 256)\n"
    "      --net                  allow network access (default: none, only a\n"
    "                             private loopback)\n"
    "      --json                 print the result as one JSON object instead of\n"
    "                             streaming\n"
    "      --generated-dir DIR    copy the files the program created or changed in\n"
    "                             its working directory into DIR (an empty folder,\n"
    "                             or a new one tide creates); such a run is not\n"
    "                             recorded\n"
    "  -s, --session SESSION      run in that session (an id or a name): FILEs are\n"
    "                             its files, its folder is /work and the program\n"
    "                             starts in FILE's folder there (no FILE: its last\n"
    "                             run's entry, else its starter file); default: the\n"
    "                             session of FILE's folder and language, created\n"
    "                             on first use\n"
    "      --ephemeral            record nothing: no session, no history\n"
    "  -q, --quiet                nothing of tide's own on stderr (no summary, no\n"
    "                             notes) unless tide itself failed (to run it, to\n"
    "                             record it): the program's output alone, its\n"
    "                             status in tide's exit status\n"
    "      --allow-missing LAYERS run even though these sandbox layers are missing\n"
    "                             on this machine (comma-separated): cgroup (limits\n"
    "                             fall back to RLIMIT_DATA and RLIMIT_NPROC),\n"
    "                             seccomp\n"
    "\n"
    "Defaults come from the [run] section of config.ini.\n"
    "\n"
    "Every run is recorded (tide history, tide result): its code, output and status\n"
    "in tide's database, and a git snapshot of the session's files in tide's data\n"
    "folder (nothing is ever written into your folder).  Files the program writes\n"
    "are kept with the run (tide files, tide export).  A Python program's\n"
    "matplotlib plt.show() saves each figure as such a file, Figure_N.png.  Two\n"
    "runs in one session take turns: one that must wait says so on stderr (not\n"
    "with -q or --json), and a signal stops it before it starts (not recorded).\n"
    "\n"
    "Without --json, the program's stdout and stderr stream to tide's as it writes\n"
    "them, then one summary line goes to stderr.  When tide's stdout and stderr are\n"
    "one file or pipe (2>&1), the program gets one pipe for both, so their order is\n"
    "kept, and its record has both in its output.  When tide's standard output is a\n"
    "terminal, the program writes to a terminal of its own (colours, output line by\n"
    "line), and reads from it too (input() and scanf work) when tide's standard\n"
    "input is a terminal and --stdin is not given; a stderr sent elsewhere (2>)\n"
    "stays apart.  Ctrl-C interrupts the program as it would outside tide\n"
    "(SIGINT: Python shows where it was); a second Ctrl-C, or SIGTERM or SIGHUP,\n"
    "stops the run at once.\n"
    "\n"
    "With --json, only one JSON object is printed: success, status, output, error,\n"
    "return_code, signal, execution_time, compile_time (seconds; 0 for a step\n"
    "that did not happen), peak_memory_kb, output_truncated, generated_files\n"
    "[{name, size, type}], language,\n"
    "build_cached, toolchain (the tools used), work_narrowed (only the given files\n"
    "were shown), net (the run had the host's network), compile_output (past\n"
    "1 MiB, its start and its last 64 KiB), message, session_id, result_id,\n"
    "files (what was built and run, and the files given with it), notes.  Output\n"
    "that is not valid UTF-8 is given as text with U+FFFD for the bad bytes, and\n"
    "exactly in output_base64 (error_base64, compile_output_base64).\n"
    "\n"
    "status: ok, compile_error, runtime_error, timeout, memory_limit, output_limit,\n"
    "killed, sandbox_error, invalid_request.\n"
    "\n"
    "Exit status: the program's own exit code; 128+N when it died of signal N;\n"
    "124 timeout; 125 tide or the sandbox failed; 126 compile error; 127 the\n"
    "language's toolchain is not installed; 137 memory limit; 141 output limit;\n"
    "130 ended by Ctrl-C (by SIGTERM 143, SIGHUP 129: once the result is out,\n"
    "tide ends by the signal that stopped it; a program that handles Ctrl-C and\n"
    "exits gives its own code); 2 invalid request.  Output tide cannot write (a\n"
    "full disk) is closed to the program, as for a reader gone, and said on\n"
    "stderr; tide then exits 125 unless the program's own status is non-zero.\n",
    run_main,
};

/* ------------------------------------------------------------ parsing */

enum {
    OPT_COMPILE_TIMEOUT = 256,
    OPT_OUTPUT_LIMIT,
    OPT_MAX_PROCESSES,
    OPT_NET,
    OPT_JSON,
    OPT_GENERATED_DIR,
    OPT_ALLOW_MISSING,
    OPT_EPHEMERAL,
};

/* A request tide run cannot take: one line on stderr (and the synopsis,
 * for a command line it cannot parse), or with --json the JSON object (a
 * script reads its answer from stdout).  Always false. */
static bool refuse(RunOptions *o, int *rc, bool synopsis, const char *fmt, va_list ap) TIDE_FMT(4, 0);
static bool refuse(RunOptions *o, int *rc, bool synopsis, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (o->json) {
        RunResult res = {.status = RUN_INVALID_REQUEST, .exit_code = -1, .peak_memory_kb = -1};
        snprintf(res.message, sizeof res.message, "%.*s", (int)sizeof res.message - 1, msg);
        json_t *j = run_result_json(&res, o->req.lang);
        /* The keys of every answer, so a script need not look for them. */
        json_object_set_new(j, "files", json_array());
        json_object_set_new(j, "notes", json_array());
        cli_print_json(j);
    } else if (synopsis) {
        cli_usage_error(&cmd_run, "%s", msg);
    } else {
        fprintf(stderr, "tide run: %s\n", msg);
    }
    *rc = EXIT_USAGE;
    return false;
}

static bool invalid(RunOptions *o, int *rc, const char *fmt, ...) TIDE_FMT(3, 4);
static bool invalid(RunOptions *o, int *rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    refuse(o, rc, false, fmt, ap);
    va_end(ap);
    return false;
}

static bool bad_usage(RunOptions *o, int *rc, const char *fmt, ...) TIDE_FMT(3, 4);
static bool bad_usage(RunOptions *o, int *rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    refuse(o, rc, true, fmt, ap);
    va_end(ap);
    return false;
}

static bool parse_num(RunOptions *o, const char *opt, const char *unit, const char *val, long long min,
                      long long max, long long *out, int *rc)
{
    if (cli_parse_long(val, min, max, out))
        return true;
    return bad_usage(o, rc, "%s needs a whole number of %s from %lld to %lld, not '%s'", opt, unit, min, max,
                     val);
}

static bool parse_duration(RunOptions *o, const char *opt, const char *val, int *ms, int *rc)
{
    long long v;
    if (config_parse_duration(val, &v) && v >= 1 && v <= 86400000) {
        *ms = (int)v;
        return true;
    }
    return bad_usage(o, rc, "%s needs seconds from 0.001 to 86400, such as 0.5, 30 or 2m, not '%s'", opt, val);
}

static bool parse_allow(const char *val, RunOptions *o, int *rc)
{
    char *copy = xstrdup(val);
    bool ok = true;
    for (char *save = NULL, *w = strtok_r(copy, ",", &save); w && ok; w = strtok_r(NULL, ",", &save)) {
        if (!strcmp(w, "cgroup") || !strcmp(w, "cgroups"))
            o->req.allow_no_cgroup = true;
        else if (!strcmp(w, "seccomp"))
            o->req.allow_no_seccomp = true;
        else
            ok = bad_usage(o, rc, "--allow-missing takes cgroup and seccomp, not '%s'", w);
    }
    free(copy);
    return ok;
}

/* The entry's folder is the working directory; every file must be in it. */
static bool place_files(RunOptions *o, char **files, int nfiles, int *rc)
{
    char real[PATH_MAX];
    for (int i = 0; i < nfiles; i++) {
        struct stat st;
        if (strcmp(files[i], "-") == 0)
            return invalid(o, rc, "a program on standard input ('-') is the only FILE of its run");
        /* A pipe (/dev/stdin, a shell's <(...)) has no folder to run in. */
        if (stat(files[i], &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISSOCK(st.st_mode)))
            return invalid(o, rc, "%s is a pipe or a device, not a file: a program on standard input is "
                                  "given as '-' (tide run --lang LANG -)", files[i]);
        if (!realpath(files[i], real) || stat(real, &st) != 0) {
            /* A word after the program's file is more often an argument
             * meant for it than a file. */
            if (i > 0 && errno == ENOENT)
                return invalid(o, rc, "%s: no such file (the program's arguments go after --: tide run %s -- %s)",
                               files[i], files[0], files[i]);
            return invalid(o, rc, "%s: %s", files[i], strerror(errno));
        }
        if (S_ISDIR(st.st_mode))
            return invalid(o, rc, "%s is a folder: name the program's file in it", files[i]);
        if (!S_ISREG(st.st_mode))
            return invalid(o, rc, "%s is not a file", files[i]);
        if (access(real, R_OK) != 0)
            return invalid(o, rc, "cannot read %s: %s", files[i], strerror(errno));
        if (i == 0) {
            char *slash = strrchr(real, '/');
            o->workdir = slash == real ? xstrdup("/") : xstrndup(real, (size_t)(slash - real));
        }
        size_t n = strlen(o->workdir);
        const char *rel = strcmp(o->workdir, "/") == 0 ? real + 1 : real + n + 1;
        if ((strcmp(o->workdir, "/") != 0 && (strncmp(real, o->workdir, n) != 0 || real[n] != '/')))
            return invalid(o, rc, "%s is outside %s, the folder of %s: the program sees only that "
                                  "folder",
                           files[i], o->workdir, files[0]);
        /* `tide run main.c *.c` names the entry twice: one program, one
         * copy of each file (a second main.c failed to link). */
        if (!sl_contains(&o->files, rel))
            sl_push(&o->files, rel);
    }
    return true;
}

/* "-": the program is tide's standard input, for scripts and agents that
 * hold code rather than a file.  It goes into a file named as its language
 * names them (Main.java after its public class): in a new scratch session,
 * recorded like any run; with --ephemeral or --generated-dir in a private
 * folder removed after the run. */
static bool place_stdin_program(App *app, RunOptions *o, int *rc)
{
    enum { CODE_MAX = 16 << 20 };
    char *code;
    size_t len;
    Err err;
    if (isatty(STDIN_FILENO) && isatty(STDERR_FILENO) && !o->json && !o->quiet)
        fputs("tide run: reading the program from the terminal; Ctrl-D ends it\n", stderr);
    if (!fileio_read_fd(STDIN_FILENO, "the program on standard input", CODE_MAX, &code, &len, &err))
        return invalid(o, rc, "%s", err.msg);
    bool ok = true;
    if (strspn(code, " \t\r\n") == len)
        ok = invalid(o, rc, "standard input held no program: give its code there, or a FILE");
    if (ok && !o->req.lang && !(o->req.lang = lang_by_shebang(code, len)))
        ok = invalid(o, rc, "cannot tell the language of a program on standard input: pass --lang (%s) or "
                            "start it with a #! line", lang_keys());
    char *dir = NULL, *name = NULL;
    if (ok && (o->ephemeral || o->generated_dir)) {
        dir = paths_get(&app->paths, DIR_CACHE, "stdin-XXXXXX");
        if (!paths_ensure(&app->paths, DIR_CACHE, &err) ||
            (!mkdtemp(dir) && !err_sys(&err, "cannot make a folder for the program (%s)", dir))) {
            ok = invalid(o, rc, "%s", err.msg);
            free(dir);
            dir = NULL;
        } else {
            o->temp_dir = xstrdup(dir);
            o->temp_lock = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (o->temp_lock >= 0)
                flock(o->temp_lock, LOCK_EX);
        }
    } else if (ok) {
        Session s;
        if (!session_new_for_stdin(app, o->req.lang, &s, &err)) {
            ok = invalid(o, rc, "%s", err.msg);
        } else {
            dir = xstrdup(s.workdir);
            o->session = xasprintf("%lld", (long long)s.id);
            session_free(&s);
        }
    }
    /* PHP prints what stands outside <?php ... ?> as it is: a snippet sent
     * without the tag, as agents send code, came back as its own text.
     * The tag opens its first line (after a #! line, which php skips), so
     * the line numbers in errors stay the program's. */
    if (ok && o->req.lang->id == LANG_PHP && !memmem(code, len, "<?", 2)) {
        size_t at = 0;
        if (len > 2 && code[0] == '#' && code[1] == '!') {
            const char *nl = memchr(code, '\n', len);
            at = nl ? (size_t)(nl - code) + 1 : len;
        }
        StrBuf sb = {0};
        sb_append(&sb, code, at);
        sb_puts(&sb, at == len && at ? "\n<?php " : "<?php ");
        sb_append(&sb, code + at, len - at);
        free(code);
        len = sb.len;
        code = sb_steal(&sb);
        sl_push(&o->notes, "the PHP program had no <?php tag: tide opened its first line with one");
    }
    if (ok) {
        name = srcdeps_program_file_name(o->req.lang, code, len);
        char *path = xasprintf("%s/%s", dir, name);
        if (!fileio_write_atomic(path, code, len, 0644, &err))
            ok = invalid(o, rc, "%s", err.msg);
        free(path);
    }
    if (ok) {
        o->workdir = dir;
        sl_push(&o->files, name);
    } else {
        free(dir);
    }
    free(name);
    free(code);
    return ok;
}

/* The entry's full path (workdir and files[0]), and the length of the
 * workdir's part of such paths with the slash after it. */
static char *entry_path(const RunOptions *o, size_t *prefix)
{
    bool top = strcmp(o->workdir, "/") == 0;
    if (prefix)
        *prefix = top ? 1 : strlen(o->workdir) + 1;
    return xasprintf("%s/%s", top ? "" : o->workdir, o->files.items[0]);
}

/* The program sees its project: the folder its toolchain takes for one
 * (srcdeps_project_root: a Node package, a Go module, a Composer project,
 * a Java source root), so that node_modules, the module's packages, vendor
 * and the classes of other packages are there.  It still starts in its
 * entry's folder.  A private folder (a home, /tmp itself) is never shown
 * for it. */
static void widen_to_project(RunOptions *o)
{
    char *entry = entry_path(o, NULL);
    char *root = srcdeps_project_root(o->req.lang, entry);
    free(entry);
    size_t n = root ? strlen(root) : 0;
    if (!root || exec_folder_is_private(root) || strncmp(o->workdir, root, n) != 0 || o->workdir[n] != '/') {
        free(root);
        return;
    }
    StrList files = {0};
    for (size_t i = 0; i < o->files.len; i++)
        sl_push_owned(&files, xasprintf("%s/%s", o->workdir + n + 1, o->files.items[i]));
    sl_free(&o->files);
    o->files = files;
    free(o->workdir);
    o->workdir = root;
}

/* One FILE of a compiled language: the other sources of its folder that
 * belong to its program join it, as F5 adds them in the IDE (main.c and
 * the util.c it calls; a Go package).  Naming the files chooses them. */
static void add_companions(RunOptions *o)
{
    size_t skip;
    char *entry = entry_path(o, &skip);
    StrList paths;
    srcdeps_companions_split(o->req.lang, entry, &paths, &o->left_out);
    for (size_t i = 0; i < paths.len; i++) {
        sl_push(&o->files, paths.items[i] + skip);
        sl_push(&o->companions, paths.items[i] + skip);
    }
    sl_free(&paths);
    free(entry);
}

/* `tide run DIR`: the folder's program (srcdeps_folder_entry), as
 * `go run .` takes a package.  NULL, said, when there is none or several. */
static char *folder_entry(RunOptions *o, const char *dir, int *rc)
{
    StrList names;
    if (access(dir, R_OK | X_OK) != 0) {
        invalid(o, rc, "cannot read the folder %s: %s", dir, strerror(errno));
        return NULL;
    }
    char *entry = srcdeps_folder_entry(dir, o->req.lang, &names);
    if (!entry && !names.len) {
        invalid(o, rc, "%s holds no %s%sprogram to run: name the program's file", dir,
                o->req.lang ? o->req.lang->name : "", o->req.lang ? " " : "");
    } else if (!entry) {
        StrBuf list = {0};
        for (size_t i = 0; i < names.len && i < 6; i++)
            sb_printf(&list, "%s%s", i ? ", " : "", names.items[i]);
        invalid(o, rc, "%s holds several programs (%s%s): name the one to run", dir, list.data,
                names.len > 6 ? ", ..." : "");
        sb_free(&list);
    }
    sl_free(&names);
    return entry;
}

/* --session names a session of another language than the file's (or
 * -l's).  A folder keeps one session per language, and a run without
 * --session finds or makes the right one: say so, rather than suggest a
 * scratch session the folder does not need. */
static bool wrong_language(App *app, RunOptions *o, int *rc, const Session *s, const char *file, const Lang *want)
{
    StrBuf what = {0};
    if (o->req.lang)
        sb_printf(&what, "session %lld is a %s session, not %s", (long long)s->id, s->lang->name, want->name);
    else
        sb_printf(&what, "session %lld is a %s session and %s is %s", (long long)s->id, s->lang->name, file,
                  want->name);
    int64_t id = 0;
    Err err;
    if (s->kind != SESSION_FOLDER)
        invalid(o, rc, "%s; run it in a %s session (tide session new %s)", what.data, want->name, want->key);
    else if (session_folder_id(app, s->workdir, want, &id, &err) && id)
        invalid(o, rc, "%s; the folder's %s session is %lld (--session %lld)", what.data, want->name, (long long)id,
                (long long)id);
    else
        invalid(o, rc, "%s; run it without --session and tide makes %s's %s session", what.data, s->workdir,
                want->name);
    sb_free(&what);
    return false;
}

/* --session: the files are the session's, the language is its language. */
static bool place_in_session(App *app, RunOptions *o, char **files, int nfiles, int *rc)
{
    Session s;
    Err err;
    const Lang *hint = o->req.lang ? o->req.lang : nfiles ? lang_of_file(files[0]) : NULL;
    if (!session_find_for(app, o->session, hint, &s, &err))
        return invalid(o, rc, "%s", err.msg);
    StrList names = {0}, rel = {0};
    for (int i = 0; i < nfiles; i++)
        sl_push(&names, files[i]);
    bool ok = true;
    if (nfiles == 0) {
        char *entry = session_entry(app, &s);
        if (entry)
            sl_push_owned(&rel, entry);
        else
            ok = invalid(o, rc, "session %lld has no program to run yet: name its FILE (tide files %lld lists them)",
                         (long long)s.id, (long long)s.id);
    } else if (hint && hint != s.lang)
        ok = wrong_language(app, o, rc, &s, files[0], hint);
    else if (!session_resolve_files(&s, (const char *const *)names.items, &rel, &err))
        ok = invalid(o, rc, "%s", err.msg);
    if (ok) {
        o->req.lang = s.lang;
        o->workdir = xstrdup(s.workdir);
        o->files = rel;
    }
    sl_free(&names);
    session_free(&s);
    return ok;
}

bool run_parse(App *app, int argc, char **argv, RunOptions *o, int *rc)
{
    *o = (RunOptions){.stdin_fd = -1, .temp_lock = -1};
    run_request_defaults(&o->req, &app->cfg);
    /* Everything after "--" is the program's. */
    int end = argc;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            end = i;
            break;
        }
    for (int i = end + 1; i < argc; i++)
        sl_push(&o->args, argv[i]);
    /* --json first, wherever it is: an error in an option before it is
     * answered in JSON too. */
    for (int i = 1; i < end; i++)
        if (strlen(argv[i]) >= 3 && strncmp(argv[i], "--json", strlen(argv[i])) == 0)
            o->json = true;

    static const struct option opts[] = {
        {"lang", required_argument, NULL, 'l'},
        {"stdin", required_argument, NULL, 'i'},
        {"timeout", required_argument, NULL, 't'},
        {"compile-timeout", required_argument, NULL, OPT_COMPILE_TIMEOUT},
        {"memory", required_argument, NULL, 'm'},
        {"output-limit", required_argument, NULL, OPT_OUTPUT_LIMIT},
        {"max-processes", required_argument, NULL, OPT_MAX_PROCESSES},
        {"net", no_argument, NULL, OPT_NET},
        {"json", no_argument, NULL, OPT_JSON},
        {"generated-dir", required_argument, NULL, OPT_GENERATED_DIR},
        {"allow-missing", required_argument, NULL, OPT_ALLOW_MISSING},
        {"session", required_argument, NULL, 's'},
        {"ephemeral", no_argument, NULL, OPT_EPHEMERAL},
        {"quiet", no_argument, NULL, 'q'},
        {0},
    };
    const char *lang_key = NULL;
    long long v;
    int c;
    char bad[64];
    while ((c = getopt_long(end, argv, ":l:i:t:m:s:q", opts, NULL)) != -1) {
        switch (c) {
        case 'q':
            o->quiet = true;
            break;
        case 'l':
            lang_key = optarg;
            break;
        case 'i':
            free(o->stdin_path);
            o->stdin_path = xstrdup(optarg);
            break;
        case 't':
            if (!parse_duration(o, "--timeout", optarg, &o->req.timeout_ms, rc))
                return false;
            break;
        case OPT_COMPILE_TIMEOUT:
            if (!parse_duration(o, "--compile-timeout", optarg, &o->req.compile_timeout_ms, rc))
                return false;
            break;
        case 'm':
            if (!config_parse_mib(optarg, &v) || v < CONFIG_MEMORY_MIB_MIN || v > CONFIG_MEMORY_MIB_MAX)
                return bad_usage(o, rc, "--memory needs MiB from %d to %d, or a size with a unit such as "
                                        "512M or 2G, not '%s'", CONFIG_MEMORY_MIB_MIN, CONFIG_MEMORY_MIB_MAX,
                                 optarg);
            o->req.memory_mib = (int)v;
            break;
        case OPT_OUTPUT_LIMIT:
            /* Read as the config file's output_limit, bounds and all. */
            if (!config_parse_size(optarg, 1, &v) || v < CONFIG_OUTPUT_LIMIT_MIN || v > CONFIG_OUTPUT_LIMIT_MAX)
                return bad_usage(o, rc, "--output-limit needs bytes from %d to %lld, or a size with a unit such "
                                        "as 64K or 2M, not '%s'", CONFIG_OUTPUT_LIMIT_MIN, CONFIG_OUTPUT_LIMIT_MAX,
                                 optarg);
            o->req.output_limit = v;
            break;
        case OPT_MAX_PROCESSES:
            if (!parse_num(o, "--max-processes", "processes", optarg, 1, 65536, &v, rc))
                return false;
            o->req.max_processes = (int)v;
            break;
        case OPT_NET:
            o->req.net = true;
            break;
        case OPT_JSON:
            o->json = true;
            break;
        case OPT_GENERATED_DIR:
            free(o->generated_dir);
            o->generated_dir = xstrdup(optarg);
            break;
        case OPT_ALLOW_MISSING:
            if (!parse_allow(optarg, o, rc))
                return false;
            break;
        case 's':
            free(o->session);
            o->session = xstrdup(optarg);
            break;
        case OPT_EPHEMERAL:
            o->ephemeral = true;
            break;
        case ':':
            return bad_usage(o, rc, "option '%s' needs a value", cli_bad_option(argv, c, bad));
        default: {
            /* A file named with a leading dash reads as options. */
            for (int k = optind - 1; k <= optind && k < end; k++)
                if (k > 0 && argv[k][0] == '-' && argv[k][1] && strcmp(argv[k], "--") != 0 && fileio_exists(argv[k]))
                    return bad_usage(o, rc, "unknown option '%s' (for the file %s, write ./%s)",
                                     cli_bad_option(argv, c, bad), argv[k], argv[k]);
            return bad_usage(o, rc, "unknown option '%s'", cli_bad_option(argv, c, bad));
        }
        }
    }
    /* With --session and no FILE: the session's program (session_entry). */
    bool no_file = optind >= end;
    if (no_file && !o->session)
        return bad_usage(o, rc, "no FILE to run");
    if (o->session && o->ephemeral)
        return bad_usage(o, rc, "--session records into a session; --ephemeral records nothing");
    if (o->session && o->generated_dir)
        return bad_usage(o, rc, "a run in a session keeps its files there (tide export); "
                                "--generated-dir is for runs outside sessions");
    if (lang_key) {
        o->req.lang = lang_by_key(lang_key);
        if (!o->req.lang)
            return invalid(o, rc, "unknown language '%s' (one of %s)", lang_key, lang_keys());
    }
    bool code_on_stdin = !no_file && strcmp(argv[optind], "-") == 0;
    if (code_on_stdin) {
        if (end - optind > 1)
            return invalid(o, rc, "a program on standard input ('-') is the only FILE of its run");
        if (o->session)
            return invalid(o, rc, "--session runs the session's files; a program on standard input gets a "
                                  "scratch session of its own");
        if (o->stdin_path && strcmp(o->stdin_path, "-") == 0)
            return invalid(o, rc, "the program is read from standard input, so --stdin - cannot feed it "
                                  "there too: give --stdin a FILE");
        if (!place_stdin_program(app, o, rc))
            return false;
    } else if (o->session) {
        if (!place_in_session(app, o, argv + optind, end - optind, rc))
            return false;
    } else {
        char *picked = NULL;
        if (end - optind == 1 && fileio_is_dir(argv[optind]) && !(picked = folder_entry(o, argv[optind], rc)))
            return false;
        char **files = picked ? &picked : argv + optind;
        bool placed = place_files(o, files, picked ? 1 : end - optind, rc);
        if (placed && !lang_key)
            o->req.lang = lang_of_file(files[0]);
        if (placed && !o->req.lang)
            placed = invalid(o, rc, "cannot tell the language of %s from its name or a #! line: pass --lang (%s)",
                             files[0], lang_keys());
        free(picked);
        if (!placed)
            return false;
        widen_to_project(o);
    }
    /* A compiled language's further FILEs are built with it, or are
     * files it is given (headers, data): a source of another of tide's
     * languages would be neither, left out of the build (a link error,
     * or that program never built) while the run listed it as built. */
    for (int k = optind + 1; !code_on_stdin && o->req.lang->compile && k < end; k++) {
        const Lang *other = lang_other_source(o->req.lang, argv[k]);
        if (other)
            return invalid(o, rc, "%s is %s source, not %s: a run builds the files of one language (run it on "
                                  "its own, or rename it)",
                           argv[k], other->name, o->req.lang->name);
    }
    if (!code_on_stdin && (no_file || end - optind == 1))
        add_companions(o);
    if (o->stdin_path) {
        if (strcmp(o->stdin_path, "-") == 0) {
            o->stdin_fd = dup(STDIN_FILENO);
        } else {
            o->stdin_fd = open(o->stdin_path, O_RDONLY | O_CLOEXEC);
            if (o->stdin_fd < 0)
                return invalid(o, rc, "--stdin %s: %s", o->stdin_path, strerror(errno));
            struct stat st;
            if (fstat(o->stdin_fd, &st) == 0 && S_ISDIR(st.st_mode))
                return invalid(o, rc, "--stdin %s is a folder: give a file to read", o->stdin_path);
            o->req.stdin_name = o->stdin_path;
        }
    }
    if (o->generated_dir) {
        /* Empty, so that nothing there is overwritten or mistaken for
         * what this run wrote; created when missing. */
        if (mkdir(o->generated_dir, 0755) != 0 && errno != EEXIST)
            return invalid(o, rc, "--generated-dir %s: %s", o->generated_dir, strerror(errno));
        if (!fileio_is_dir(o->generated_dir))
            return invalid(o, rc, "--generated-dir %s is not a folder", o->generated_dir);
        if (!fileio_is_empty_dir(o->generated_dir, true))
            return invalid(o, rc, "--generated-dir %s is not empty: name an empty or new folder",
                           o->generated_dir);
        o->req.generated_dir = o->generated_dir;
    }
    o->req.workdir = o->workdir;
    o->req.files = (const char *const *)o->files.items;
    o->req.args = (const char *const *)o->args.items;
    o->req.stdin_fd = o->stdin_fd;
    /* What the user types reaches the program when tide's stdin is a
     * terminal and nothing else feeds it; otherwise tide's own stdin, as
     * the program would have it outside. */
    bool typed = isatty(STDIN_FILENO) && !code_on_stdin && (!o->stdin_path || strcmp(o->stdin_path, "-") == 0);
    if (!typed && !o->stdin_path && !code_on_stdin && fcntl(STDIN_FILENO, F_GETFD) >= 0) {
        o->stdin_fd = dup(STDIN_FILENO);
        o->req.stdin_fd = o->stdin_fd;
    }
    /* Output to a terminal is a terminal's, as `prog < in.txt` at a shell
     * leaves it (colours, line-buffered output): fed from elsewhere, the
     * program's 1 (and 2) are a pty and its 0 what feeds it; a stderr
     * redirected away from the terminal stays a pipe of its own. */
    o->req.tty = !o->json && isatty(STDOUT_FILENO) && !(typed && o->stdin_path);
    o->req.stderr_apart = o->req.tty && !isatty(STDERR_FILENO);
    /* stdout and stderr one open file (2>&1 to a pipe or a file): one
     * pipe for both, as a shell gives the program, so that they keep the
     * order it wrote them in (two pipes read in turn do not). */
    struct stat so, se;
    o->same_output = fstat(STDOUT_FILENO, &so) == 0 && fstat(STDERR_FILENO, &se) == 0 && so.st_dev == se.st_dev &&
                     so.st_ino == se.st_ino;
    o->req.one_pipe = !o->json && !o->req.tty && o->same_output;
    /* Streamed output is the user's as it comes; only what the record
     * keeps need be held (--json answers with all of it). */
    if (!o->json)
        o->req.keep_limit = SESSION_RECORD_STREAM_MAX;
    if (o->req.tty) {
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
            o->req.rows = ws.ws_row;
            o->req.cols = ws.ws_col;
        }
        if (tcgetattr(typed ? STDIN_FILENO : STDOUT_FILENO, &o->tty) == 0)
            o->req.tty_cc = o->tty.c_cc;
        if (typed) {
            o->req.stdin_fd = STDIN_FILENO;
        } else {
            /* Nothing to read is the empty input, not the terminal. */
            if (o->req.stdin_fd < 0)
                o->req.stdin_fd = o->stdin_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
            o->req.stdin_piped = true;
        }
    }
    return true;
}

void run_options_free(RunOptions *o)
{
    if (o->stdin_fd >= 0)
        close(o->stdin_fd);
    free(o->workdir);
    free(o->stdin_path);
    free(o->generated_dir);
    if (o->temp_dir)
        (void)fileio_rmtree(o->temp_dir, NULL);
    free(o->temp_dir);
    if (o->temp_lock >= 0)
        close(o->temp_lock);
    free(o->session);
    sl_free(&o->files);
    sl_free(&o->args);
    sl_free(&o->companions);
    sl_free(&o->left_out);
    sl_free(&o->notes);
    sl_free(&o->notes_repeated);
    *o = (RunOptions){.stdin_fd = -1, .temp_lock = -1};
}

/* ------------------------------------------------------------ running */

/* What the signal handlers may touch: the run to stop, the terminal to
 * restore, the program's terminal to resize.  One run per process. */
static RunControl *volatile running;
static volatile int pty_master = -1;
static struct termios saved_tty;
static volatile sig_atomic_t tty_raw;
/* The first signal that asked to stop the run. */
static volatile sig_atomic_t stop_signal;

/* Ctrl-C (SIGINT) interrupts the program, as it would outside tide; a
 * second one, or any other of these signals, stops the run. */
static void on_stop_signal(int sig)
{
    bool again = stop_signal == SIGINT && sig == SIGINT;
    if (!stop_signal)
        stop_signal = sig;
    if (running && sig == SIGINT && !again)
        run_control_interrupt(running);
    else if (running)
        run_control_stop(running);
}

static void on_winch(int sig)
{
    (void)sig;
    int saved = errno;
    struct winsize ws;
    if (pty_master >= 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
        ioctl(pty_master, TIOCSWINSZ, &ws);
    errno = saved;
}

/* All of data to fd, waiting where a descriptor tide was given is
 * non-blocking (shared with whoever started it): a full pipe is not a
 * failure.  False with errno set. */
static bool write_out(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            struct pollfd pf = {fd, POLLOUT, 0};
            if (poll(&pf, 1, -1) < 0 && errno != EINTR)
                return false;
            continue;
        }
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return false;
        }
        data += n;
        len -= (size_t)n;
    }
    return true;
}

/* The program's output, as it comes, to tide's stdout and stderr (ud: the
 * RunOptions).  What cannot be written ends the program's stream (false),
 * so that its next write fails as it would without tide; a failure other
 * than a reader gone is also kept, to be said and to fail the run
 * (run_main): a full disk must not leave a cut file and a success. */
static bool stream_output(void *ud, int stream, const char *data, size_t len)
{
    RunOptions *o = ud;
    if (!write_out(stream == 2 ? STDERR_FILENO : STDOUT_FILENO, data, len)) {
        if (errno != EPIPE && !o->write_errno[stream])
            o->write_errno[stream] = errno;
        return false;
    }
    if (len)
        o->at_line_start = data[len - 1] == '\n';
    if (len && stream == 2)
        o->err_at_line_start = o->at_line_start;
    return true;
}

/* A run waiting its turn in its session would look like a hang. */
static void say_phase(void *ud, const char *phase)
{
    const RunOptions *o = ud;
    if (strcmp(phase, "waiting") != 0)
        return;
    /* (A terminal in raw mode for the program does not turn \n into \r\n.) */
    fprintf(stderr, "tide: waiting for the run in progress in session %lld to finish%s", o->session_id,
            tty_raw && isatty(STDERR_FILENO) ? "\r\n" : "\n");
}

static void remember_master(void *ud, int fd)
{
    (void)ud;
    pty_master = fd;
}

/* Keystrokes go to the program's terminal as they are typed (it echoes
 * and edits lines itself); Ctrl-C still reaches tide as SIGINT, which
 * passes it on (on_stop_signal). */
static void terminal_raw(void)
{
    if (tcgetattr(STDIN_FILENO, &saved_tty) != 0)
        return;
    struct termios t = saved_tty;
    t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | IEXTEN);
    t.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IXON);
    t.c_oflag &= ~(tcflag_t)OPOST;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    t.c_cc[VSUSP] = _POSIX_VDISABLE;
    if (tcsetattr(STDIN_FILENO, TCSADRAIN, &t) == 0)
        tty_raw = 1;
}

static void terminal_restore(void)
{
    if (tty_raw) {
        tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tty);
        tty_raw = 0;
    }
}

/* The run, recorded in its session (src/session.h): the one place `tide
 * run` and sessions meet.  --generated-dir and --ephemeral runs are not
 * recorded; a folder session that cannot be had does not stop the run. */
/* How tide run gives a program the network, for the notes. */
#define NET_HOW "tide run --net gives a run the host's network"

static bool run_recorded(App *app, RunOptions *o, const RunCallbacks *cb, RunResult *res, Err *err)
{
    o->req.net_how = NET_HOW;
    if (o->ephemeral || (o->generated_dir && !o->session))
        return exec_run(app, &o->req, cb, res, err);
    Session s;
    SessionRunResult rec = {0};
    bool found = o->session ? session_find_for(app, o->session, o->req.lang, &s, err)
                            : session_for_folder(app, o->workdir, o->req.lang, &s, err);
    if (found)
        o->session_id = s.id; /* (for say_phase) */
    bool ok = found && session_run(app, &s, &o->req, cb, true, res, &rec, err);
    if (found) {
        o->result_id = rec.result_id;
        session_free(&s);
    }
    for (size_t i = 0; i < rec.notes.len; i++) {
        sl_push(&o->notes, rec.notes.items[i]);
        if (sl_contains(&rec.repeated, rec.notes.items[i]))
            sl_push(&o->notes_repeated, rec.notes.items[i]);
    }
    o->result_noted = rec.result_noted;
    bool ran = rec.ran, stopped = rec.stopped; /* (the free clears them) */
    session_run_result_free(&rec);
    if (!ok && stopped) {
        /* A signal while it waited for the session: it never started, and
         * is neither recorded nor run unrecorded. */
        *res = (RunResult){.status = RUN_KILLED, .exit_code = -1, .peak_memory_kb = -1};
        snprintf(res->message, sizeof res->message, "%.*s", (int)sizeof res->message - 1, err->msg);
        return false;
    }
    if (!ok && !ran) {
        if (o->session) {
            *res = (RunResult){.status = RUN_INVALID_REQUEST, .exit_code = -1, .peak_memory_kb = -1};
            snprintf(res->message, sizeof res->message, "%.*s", (int)sizeof res->message - 1, err->msg);
            return false;
        }
        sl_push_owned(&o->notes, xasprintf(SESSION_NOT_RECORDED "%s", err->msg));
        o->session_id = 0;
        return exec_run(app, &o->req, cb, res, err);
    }
    return ok;
}

bool run_execute(App *app, RunOptions *o, RunResult *res, Err *err)
{
    RunControl *ctl = run_control_new();
    o->req.control = ctl;
    running = ctl;
    struct sigaction sa = {0}, old[5];
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    static const int stop_sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (int i = 0; i < 4; i++) {
        sigaction(stop_sigs[i], &sa, &old[i]);
        /* What the caller ignores stays ignored: nohup's SIGHUP, the
         * SIGINT of a script's background job. */
        if (old[i].sa_handler == SIG_IGN)
            sigaction(stop_sigs[i], &old[i], NULL);
    }
    sa.sa_handler = on_winch;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGWINCH, &sa, &old[4]);
    if (o->req.tty && !o->req.stdin_piped)
        terminal_raw(); /* (fed from elsewhere, the terminal stays as it was: nothing reads it) */

    o->at_line_start = o->err_at_line_start = true;
    RunCallbacks cb = {.ud = o,
                       .phase = o->json || o->quiet ? NULL : say_phase,
                       .output = o->json ? NULL : stream_output,
                       .pty_ready = remember_master};
    bool ok = run_recorded(app, o, &cb, res, err);

    terminal_restore();
    pty_master = -1;
    for (int i = 0; i < 4; i++)
        sigaction(stop_sigs[i], &old[i], NULL);
    sigaction(SIGWINCH, &old[4], NULL);
    running = NULL;
    o->req.control = NULL;
    run_control_free(ctl);
    return ok;
}

int run_exit_code(const RunResult *res)
{
    switch (res->status) {
    case RUN_OK:
        return EXIT_OK;
    case RUN_RUNTIME_ERROR:
        return res->signal ? 128 + res->signal : res->exit_code >= 0 ? res->exit_code : EXIT_FAIL;
    case RUN_COMPILE_ERROR:
        return EXIT_COMPILE;
    case RUN_TIMEOUT:
        return EXIT_TIMEOUT;
    case RUN_MEMORY_LIMIT:
        return 128 + SIGKILL;
    case RUN_OUTPUT_LIMIT:
        return 128 + SIGPIPE;
    case RUN_KILLED:
        return 128 + SIGINT;
    case RUN_SANDBOX_ERROR:
        return res->toolchain_missing ? EXIT_NO_TOOLCHAIN : EXIT_TIDE;
    case RUN_INVALID_REQUEST:
    default:
        return EXIT_USAGE;
    }
}

/* Whether what tide writes on stderr now would follow a program's line
 * left unfinished where it shows: on a terminal or a file stdout shares
 * (2>&1), of either stream; else of stderr. */
static bool mid_line(const RunOptions *o)
{
    return isatty(STDERR_FILENO) || o->same_output ? !o->at_line_start : !o->err_at_line_start;
}

/* Output tide could not write, said once per stream (even with --quiet:
 * tide failed); true when there was any. */
static bool say_write_errors(RunOptions *o)
{
    bool any = false;
    for (int s = 1; s <= 2; s++) {
        if (!o->write_errno[s])
            continue;
        fflush(stdout);
        fprintf(stderr, "%stide: cannot write the program's %s: %s\n",
                mid_line(o) ? "\n" : "", s == 1 ? "stdout" : "stderr", strerror(o->write_errno[s]));
        o->at_line_start = o->err_at_line_start = true;
        any = true;
    }
    return any;
}

/* What an --ephemeral run did with the files its program wrote. */
#define EPHEMERAL_FILES "--ephemeral keeps none of the files the program wrote (--generated-dir DIR does)"

/* One line on stderr: how it ended, how long it took, what it used. */
static void print_summary(const RunOptions *o, const RunResult *res)
{
    if (res->status == RUN_INVALID_REQUEST) { /* nothing ran: said as the command line's errors are */
        fflush(stdout);
        fprintf(stderr, "tide run: %s\n", res->message);
        return;
    }
    StrBuf sb = {0};
    /* A program may leave the cursor (or its stderr) mid-line: the summary
     * gets a line of its own, for the eye and for a script reading it. */
    if (mid_line(o))
        sb_puts(&sb, "\n");
    sb_printf(&sb, "tide: %s", run_status_name(res->status));
    if (res->signal)
        sb_printf(&sb, ", signal %d (%s)", res->signal, strsignal(res->signal));
    else if (res->exit_code >= 0)
        sb_printf(&sb, ", exit code %d", res->exit_code);
    bool compile_began = res->compile_time > 0 || res->build_cached ||
                         (res->status != RUN_SANDBOX_ERROR && res->status != RUN_KILLED);
    if (o->req.lang && o->req.lang->compile && res->status != RUN_INVALID_REQUEST && compile_began)
        sb_printf(&sb, ", compile %.2f s%s", res->compile_time, res->build_cached ? " (cached)" : "");
    if (run_result_ran(res)) {
        sb_printf(&sb, ", run %.2f s", res->execution_time);
        if (res->peak_memory_kb >= 0) {
            char mem[SIZE_TEXT_LEN];
            size_text(res->peak_memory_kb * 1024, mem);
            sb_printf(&sb, ", peak memory %s", mem);
        }
        /* What let it out of its sandbox, in the record a log keeps. */
        if (res->net)
            sb_puts(&sb, ", host network");
    }
    if (res->message[0] && res->status != RUN_OK)
        sb_printf(&sb, ": %s", res->message);
    sb_puts(&sb, "\n");
    for (size_t i = 0; i < res->ngenerated && i < 20; i++) {
        char size[SIZE_TEXT_LEN];
        size_text(res->generated[i].size, size);
        sb_printf(&sb, "tide: wrote %s (%s, %s)\n", res->generated[i].path, size,
                  res->generated[i].type);
    }
    if (res->ngenerated > 20)
        sb_printf(&sb, "tide: ... and %zu more (--json lists them all)\n", res->ngenerated - 20);
    /* Not in the user's folder either: say so before they look there. */
    if (res->ngenerated && o->ephemeral && !o->generated_dir)
        sb_puts(&sb, "tide: " EPHEMERAL_FILES "\n");
    fflush(stdout);
    fileio_write_all(STDERR_FILENO, sb.data, sb.len);
    sb_free(&sb);
}

static int run_main(App *app, int argc, char **argv)
{
    RunOptions o;
    int rc;
    if (!run_parse(app, argc, argv, &o, &rc)) {
        run_options_free(&o);
        return rc;
    }
    cli_show_config_warnings(app);
    RunResult res;
    Err err;
    stop_signal = 0;
    run_execute(app, &o, &res, &err);
    rc = run_exit_code(&res);
    /* Stopped by a signal: exit as that signal would have ended tide
     * (128+N), and by the signal itself where that is quiet (SIGQUIT's
     * own end would dump core). */
    if (res.status == RUN_KILLED && stop_signal) {
        rc = 128 + stop_signal;
        if (stop_signal != SIGQUIT)
            cli_set_exit_signal(stop_signal);
    }
    /* What the program printed did not all arrive (a full disk): not a
     * success, whatever the program made of its closed stream; a failing
     * status of its own says more. */
    if (say_write_errors(&o) && rc == EXIT_OK)
        rc = EXIT_TIDE;
    if (!o.result_noted)
        run_result_notes(&res, o.req.lang, o.workdir, o.req.net, NET_HOW, &o.notes);
    /* What the program wrote and tide did not keep (a recorded run has it
     * among the result's notes already). */
    if (res.generated_truncated && !o.result_id) {
        char note[256];
        workfiles_left_out_note(res.generated_left_out, res.generated_left_why, note, sizeof note);
        sl_push(&o.notes, note);
    }
    if (res.status == RUN_COMPILE_ERROR && (o.companions.len || o.left_out.len)) {
        char *note = srcdeps_companions_note(&o.companions, &o.left_out);
        sl_push_owned(&o.notes, xasprintf("%s; naming the files to build chooses them", note));
        free(note);
    }
    if (o.json) {
        /* generated_files lists them: an agent would go on to export them. */
        if (res.ngenerated && o.ephemeral && !o.generated_dir)
            sl_push(&o.notes, EPHEMERAL_FILES);
        json_t *j = run_result_json(&res, o.req.lang);
        json_object_set_new(j, "session_id", o.session_id ? json_integer(o.session_id) : json_null());
        json_object_set_new(j, "result_id", o.result_id ? json_integer(o.result_id) : json_null());
        /* What was built and run, relative to the program's folder (the
         * entry first; companions tide added after the named files). */
        json_t *files = json_array();
        for (size_t i = 0; i < o.files.len; i++)
            json_array_append_new(files, cli_json_name(o.files.items[i]));
        json_object_set_new(j, "files", files);
        json_t *notes = json_array();
        for (size_t i = 0; i < o.notes.len; i++)
            json_array_append_new(notes, cli_json_name(o.notes.items[i]));
        json_object_set_new(j, "notes", notes);
        if (!cli_print_json(j))
            rc = EXIT_FAIL;
    } else if (o.quiet) {
        /* Only what the program's own exit status cannot say: tide failed
         * (to run it, or to keep its record). */
        if (res.status == RUN_SANDBOX_ERROR || res.status == RUN_INVALID_REQUEST)
            fprintf(stderr, "tide run: %s\n", res.message);
        for (size_t i = 0; i < o.notes.len; i++)
            if (!strncmp(o.notes.items[i], SESSION_NOT_RECORDED, strlen(SESSION_NOT_RECORDED))) {
                char *shown = cli_shown_name(o.notes.items[i]);
                fprintf(stderr, "tide run: %s\n", shown);
                free(shown);
            }
    } else {
        print_summary(&o, &res);
        if (o.result_id)
            fprintf(stderr, "tide: recorded as result %lld in session %lld (see: tide result %lld)\n", o.result_id,
                    o.session_id, o.result_id);
        /* A person was told about the folder at the last run; a program
         * reading --json gets every note of this result. */
        for (size_t i = 0; i < o.notes.len; i++)
            if (!sl_contains(&o.notes_repeated, o.notes.items[i])) {
                /* Notes quote names and the program's own words. */
                char *shown = cli_shown_name(o.notes.items[i]);
                fprintf(stderr, "tide: note: %s\n", shown);
                free(shown);
            }
    }
    if (o.result_id)
        cli_daily_gc(app, !o.json && !o.quiet);
    run_result_free(&res);
    run_options_free(&o);
    return rc;
}
