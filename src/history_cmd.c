/* `tide history`, `tide result`, `tide diff`, `tide checkout` and
 * `tide search`: looking back at recorded runs. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argsplit.h"
#include "cli.h"
#include "history.h"
#include "jsonbytes.h"
#include "session.h"
#include "sizetext.h"

extern const Command cmd_history, cmd_result, cmd_diff, cmd_checkout, cmd_search;

#define DEFAULT_LIMIT 50

/* A step that did not happen (no compile step, a program that never ran)
 * took 0 s, as tide run --json says: a number always, so that a script's
 * compile_time + execution_time works.  Only the listing shows "-". */
static json_t *seconds_json(double v)
{
    return json_real(v < 0 ? 0 : v);
}

static json_t *summary_json(const HistoryResult *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "session_id", json_integer(r->session_id));
    json_object_set_new(o, "language", json_string(r->language));
    jsonbytes_set(o, "entry", r->entry, strlen(r->entry));
    json_object_set_new(o, "status", json_string(r->status));
    json_object_set_new(o, "success", json_boolean(strcmp(r->status, "ok") == 0));
    json_object_set_new(o, "return_code", r->exit_code < 0 ? json_null() : json_integer(r->exit_code));
    json_object_set_new(o, "signal", r->signal ? json_integer(r->signal) : json_null());
    json_object_set_new(o, "compile_time", seconds_json(r->compile_time));
    json_object_set_new(o, "execution_time", seconds_json(r->execution_time));
    json_object_set_new(o, "peak_memory_kb", r->peak_memory_kb < 0 ? json_null() : json_integer(r->peak_memory_kb));
    json_object_set_new(o, "output_truncated", json_boolean(r->output_truncated));
    json_object_set_new(o, "commit", r->commit[0] ? json_string(r->commit) : json_null());
    json_object_set_new(o, "created_at", cli_time_json(r->created_at));
    return o;
}

static void fmt_secs(double v, char out[16])
{
    if (v < 0)
        snprintf(out, 16, "-");
    else
        snprintf(out, 16, "%.2fs", v);
}

/* A few commands take --json and --limit N and --session S. */
typedef struct Opts {
    bool json, force;
    long long limit;
    const char *session, *to;
} Opts;

static int parse(const Command *cmd, int argc, char **argv, const char *allowed, Opts *o)
{
    static const struct option longs[] = {{"json", no_argument, NULL, 'j'},
                                          {"limit", required_argument, NULL, 'n'},
                                          {"session", required_argument, NULL, 's'},
                                          {"to", required_argument, NULL, 't'},
                                          {"force", no_argument, NULL, 'f'},
                                          {NULL, 0, NULL, 0}};
    *o = (Opts){.limit = DEFAULT_LIMIT};
    int c;
    char bad[64];
    int li = -1;
    while ((c = getopt_long(argc, argv, ":n:s:t:f", longs, &li)) != -1) {
        if (c == ':')
            return cli_usage_error(cmd, "option '%s' needs a value", cli_bad_option(argv, c, bad));
        if (c == '?' || !strchr(allowed, c))
            return cli_usage_error(cmd, "unknown option '%s'", cli_unwanted_option(argv, c, longs, li, bad));
        li = -1;
        if (c == 'j')
            o->json = true;
        else if (c == 'f')
            o->force = true;
        else if (c == 's')
            o->session = optarg;
        else if (c == 't')
            o->to = optarg;
        else if (c == 'n' && !cli_parse_long(optarg, 0, 1000000000, &o->limit))
            return cli_usage_error(cmd, "--limit takes a number (0: no limit), not '%s'", optarg);
    }
    return -1;
}

static bool find_session_id(App *app, const char *ref, int64_t *id, Err *err)
{
    *id = 0;
    if (!ref)
        return true;
    Session s;
    if (!session_find(app, ref, &s, err))
        return false;
    *id = s.id;
    session_free(&s);
    return true;
}

/* ---------------------------------------------------------------- history */

static int history_run(App *app, int argc, char **argv)
{
    Opts o;
    int rc = parse(&cmd_history, argc, argv, "jns", &o);
    if (rc >= 0)
        return rc;
    /* The session as tide run takes it (--session S) or on its own. */
    if (argc - optind + (o.session != NULL) > 1)
        return cli_usage_error(&cmd_history, "history takes at most one session");
    const char *ref = o.session ? o.session : optind < argc ? argv[optind] : NULL;
    int64_t sid;
    Err err;
    HistoryResult *list;
    size_t n;
    if (!find_session_id(app, ref, &sid, &err) ||
        !history_list(app, sid, o.limit, &list, &n, &err))
        return cli_fail("%s", err.msg);
    if (o.json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, summary_json(&list[i]));
        cli_print_json(json_pack("{s:o}", "runs", arr));
    } else if (n == 0) {
        printf("no runs recorded%s yet\n", sid ? " in this session" : "");
    } else {
        int ew = 5;
        char **entries = xcalloc(n, sizeof *entries);
        for (size_t i = 0; i < n; i++) {
            entries[i] = cli_shown_name(list[i].entry ? list[i].entry : "");
            ew = cli_widen(ew, entries[i], 40);
        }
        printf("%-6s %-19s %-7s %-8s %-*s %-14s %-10s %8s %8s\n", "ID", "WHEN", "SESSION", "LANGUAGE", ew, "ENTRY",
               "STATUS", "EXIT", "RUN", "COMPILE");
        for (size_t i = 0; i < n; i++) {
            HistoryResult *r = &list[i];
            char when[CLI_TIME_LEN], ex[HISTORY_EXIT_LEN], run[16], comp[16];
            cli_time_local(r->created_at, when);
            history_exit_text(r, ex);
            fmt_secs(r->execution_time, run);
            fmt_secs(r->compile_time, comp);
            printf("%-6lld %-19s %-7lld %-8s %s%*s %-14s %-10s %8s %8s\n", (long long)r->id, when,
                   (long long)r->session_id, r->language, entries[i], cli_pad(entries[i], ew), "", r->status, ex,
                   run, comp);
            free(entries[i]);
        }
        free(entries);
    }
    history_list_free(list, n);
    return EXIT_OK;
}

const Command cmd_history = {
    "history", "list recorded runs, newest first",
    "usage: tide history [SESSION | --session SESSION] [--limit N] [--json]\n"
    "\n"
    "One line per recorded run, newest first: run id, time, session, language,\n"
    "entry file, status, exit code (or signal), run and compile time.  SESSION (an\n"
    "id or a name) keeps to one session.  --limit N shows N runs (default 50,\n"
    "0 for all).  tide result RUN shows everything about one run.\n",
    history_run,
};

/* ---------------------------------------------------------------- result */

static void print_block(const char *title, const char *data, size_t len)
{
    printf("--- %s\n", title);
    cli_write_recorded(stdout, data, len);
    if (len && data[len - 1] != '\n')
        printf("\n(no newline at the end)\n");
}

/* One line per tool: its version line (else its name) and where it was
 * found. */
static void print_toolchain(const char *text)
{
    StrList lines;
    history_toolchain_lines(text, &lines);
    for (size_t i = 0; i < lines.len; i++)
        printf("  %-9s %s\n", i ? "" : "toolchain", lines.items[i]);
    sl_free(&lines);
}

static int result_run(App *app, int argc, char **argv)
{
    Opts o;
    int rc = parse(&cmd_result, argc, argv, "j", &o);
    if (rc >= 0)
        return rc;
    if (argc - optind > 1)
        return cli_usage_error(&cmd_result, "result takes one run id");
    int64_t id = 0, before;
    Err err;
    HistoryResult r;
    if (optind < argc && !history_parse_id(argv[optind], &id, &err))
        return cli_usage_error(&cmd_result, "%s", err.msg);
    if ((!id && !history_previous(app, &id, &before, &err)) || !history_get(app, id, &r, &err))
        return cli_fail("%s", err.msg);
    if (o.json) {
        json_t *j = summary_json(&r);
        json_t *args = json_array();
        for (size_t i = 0; i < r.args.len; i++)
            json_array_append_new(args, cli_json_name(r.args.items[i]));
        json_object_set_new(j, "args", args);
        json_object_set_new(j, "stdin_mode", json_string(r.stdin_mode));
        json_object_set_new(j, "stdin_name", r.stdin_name ? cli_json_name(r.stdin_name) : json_null());
        json_object_set_new(j, "net", json_boolean(r.net));
        if (r.stdin_data)
            jsonbytes_set(j, "stdin", r.stdin_data, r.stdin_len);
        json_object_set_new(j, "stdin_truncated", json_boolean(r.stdin_truncated));
        jsonbytes_set(j, "code", r.code, r.code_len);
        jsonbytes_set(j, "output", r.output, r.output_len);
        jsonbytes_set(j, "error", r.error, r.error_len);
        json_object_set_new(j, "note", r.note ? cli_json_name(r.note) : json_null());
        /* The names tide run --json gives the same things, for a script
         * that reads both. */
        json_object_set_new(j, "result_id", json_integer(r.id));
        json_t *notes = json_array();
        if (r.note) {
            char *copy = xstrdup(r.note), *save = NULL;
            for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                json_array_append_new(notes, cli_json_name(line));
            free(copy);
        }
        json_object_set_new(j, "notes", notes);
        /* "" for none, as tide run --json says: a string always. */
        json_object_set_new(j, "message", json_string(r.message ? r.message : ""));
        jsonbytes_set(j, "compile_output", r.compile_output, r.compile_output_len);
        json_object_set_new(j, "build_cached", json_boolean(r.build_cached));
        json_t *tools = r.toolchain ? json_loads(r.toolchain, 0, NULL) : NULL;
        json_object_set_new(j, "toolchain", tools ? tools : json_null());
        json_t *gen = json_array();
        for (size_t i = 0; i < r.ngenerated; i++) {
            HistoryFile *f = &r.generated[i];
            json_t *g = json_pack("{s:o, s:I}", "name", cli_json_name(f->path), "size", (json_int_t)f->size);
            json_object_set_new(g, "type", f->type ? json_string(f->type) : json_null());
            json_object_set_new(g, "path", f->stored ? json_string(f->stored) : json_null());
            json_object_set_new(g, "expires_at", cli_time_json(f->expires_at));
            json_array_append_new(gen, g);
        }
        json_object_set_new(j, "generated_files", gen);
        cli_print_json(j);
        history_result_free(&r);
        return EXIT_OK;
    }
    char when[CLI_TIME_LEN], ex[HISTORY_EXIT_LEN], run[16], comp[16];
    cli_time_local(r.created_at, when);
    history_exit_text(&r, ex);
    fmt_secs(r.execution_time, run);
    fmt_secs(r.compile_time, comp);
    printf("run %lld of session %lld, %s, %s\n", (long long)r.id, (long long)r.session_id, r.language, when);
    /* The arguments as a shell would take them again ('b c' is one). */
    StrBuf cmd = {0};
    sb_puts(&cmd, r.entry);
    if (r.args.len) {
        sb_puts(&cmd, " ");
        args_join(&r.args, NULL, &cmd);
    }
    char *shown = cli_shown_name(cmd.data);
    sb_free(&cmd);
    printf("  entry     %s", shown);
    free(shown);
    printf("\n  status    %s (%s)%s\n", r.status, ex, r.output_truncated ? ", output cut at the limit" : "");
    printf("  time      run %s, compile %s%s\n", run, comp, r.build_cached ? " (cached build)" : "");
    print_toolchain(r.toolchain);
    if (r.message)
        printf("  message   %s\n", r.message);
    if (r.peak_memory_kb >= 0) {
        char mem[SIZE_TEXT_LEN];
        size_text(r.peak_memory_kb * 1024, mem);
        printf("  memory    %s at most\n", mem);
    }
    printf("  stdin     %s", r.stdin_mode);
    if (r.stdin_name) {
        char *name = cli_shown_name(r.stdin_name);
        printf(" (%s)", name);
        free(name);
    }
    printf("\n");
    printf("  network   %s\n", r.net ? "the host's (--net)" : "none (its own loopback)");
    printf("  files     %s\n", r.commit[0] ? r.commit : "no snapshot");
    if (r.note)
        for (char *line = strtok(r.note, "\n"); line; line = strtok(NULL, "\n")) {
            /* Notes name files the program wrote. */
            char *shown_line = cli_shown_name(line);
            printf("  note      %s\n", shown_line);
            free(shown_line);
        }
    bool stored = false;
    for (size_t i = 0; i < r.ngenerated; i++) {
        char size[SIZE_TEXT_LEN];
        size_text(r.generated[i].size, size);
        char *name = cli_shown_name(r.generated[i].path);
        printf("  generated %s (%s%s%s)%s\n", name, size, r.generated[i].type ? ", " : "",
               r.generated[i].type ? r.generated[i].type : "", r.generated[i].stored ? "" : " expired");
        free(name);
        stored = stored || r.generated[i].stored;
    }
    /* They are in tide's data folder, not the user's: say how to get one. */
    if (stored)
        printf("            (tide export %lld NAME [DEST] --result %lld copies one out)\n", (long long)r.session_id,
               (long long)r.id);
    if (r.compile_output_len)
        print_block("compiler", r.compile_output, r.compile_output_len);
    char *entry = cli_shown_name(r.entry);
    char *title = xasprintf("code (%s)", entry);
    free(entry);
    print_block(title, r.code, r.code_len);
    free(title);
    if (r.stdin_data && r.stdin_len)
        print_block(r.stdin_truncated ? "stdin (its first MiB: the program was given more)" : "stdin", r.stdin_data,
                    r.stdin_len);
    print_block("output", r.output, r.output_len);
    if (r.error_len)
        print_block("errors", r.error, r.error_len);
    history_result_free(&r);
    return EXIT_OK;
}

const Command cmd_result = {
    "result", "show everything recorded about one run",
    "usage: tide result [RUN] [--json]\n"
    "\n"
    "Everything recorded about run RUN (an id from tide history; without one, the\n"
    "newest run): session, language, entry file and arguments, status, exit code,\n"
    "times, toolchain (each tool's version and where it was found), memory, stdin,\n"
    "the snapshot commit, generated files (and the tide export that copies one\n"
    "out), then the code of the entry file and the full output and errors.  With\n"
    "--json, output that is not valid UTF-8 also comes exactly as output_base64;\n"
    "result_id and notes are there as tide run --json names them.\n"
    "\n"
    "On a terminal the program's colours show, and its other escape sequences and\n"
    "control characters are shown as text (^[, ^G) so that looking at a run cannot\n"
    "retitle the window or set the clipboard; piped, the bytes are exact.  Names\n"
    "(the entry file, its arguments) show their control characters as text, piped\n"
    "too; arguments are quoted as a shell takes them ('b c' is one).\n",
    result_run,
};

/* ---------------------------------------------------------------- diff */

static int diff_run(App *app, int argc, char **argv)
{
    Opts o;
    int rc = parse(&cmd_diff, argc, argv, "", &o);
    if (rc >= 0)
        return rc;
    if (argc - optind > 2)
        return cli_usage_error(&cmd_diff, "diff takes at most two run ids");
    int64_t a = 0, b = 0;
    Err err;
    int nids = argc - optind;
    if ((nids == 2 && !history_parse_id(argv[optind], &a, &err)) ||
        (nids >= 1 && !history_parse_id(argv[argc - 1], &b, &err)))
        return cli_usage_error(&cmd_diff, "%s", err.msg);
    if (nids < 2) {
        /* One run: against the one before it in its session; none: the
         * newest run against its session's run before it. */
        if (!history_previous(app, &b, &a, &err))
            return cli_fail("%s", err.msg);
        if (!a)
            return cli_fail("run %lld is the first of its session: there is nothing before it to compare with",
                            (long long)b);
    }
    StrBuf out = {0};
    if (!history_diff(app, a, b, &out, &err)) {
        sb_free(&out);
        return cli_fail("%s", err.msg);
    }
    cli_write_recorded(stdout, out.data, out.len);
    sb_free(&out);
    return EXIT_OK;
}

const Command cmd_diff = {
    "diff", "compare the files and output of two runs",
    "usage: tide diff [RUN_A] [RUN_B]\n"
    "\n"
    "What changed between two runs: a unified diff of the session's files (from\n"
    "the two snapshot commits), then of their outputs and errors, then their\n"
    "status if it differs.  Runs of different sessions compare their entry files.\n"
    "With one run, it is compared with the run before it in its session; with\n"
    "none, the newest run (tide history's first) with the one before it.\n",
    diff_run,
};

/* ---------------------------------------------------------------- checkout */

static int checkout_run(App *app, int argc, char **argv)
{
    Opts o;
    int rc = parse(&cmd_checkout, argc, argv, "tf", &o);
    if (rc >= 0)
        return rc;
    int64_t id;
    Err err;
    /* `tide checkout 3 out`: the folder was meant. */
    if (optind + 2 == argc && !o.to && history_parse_id(argv[optind], &id, &err))
        return cli_usage_error(&cmd_checkout, "checkout takes one run id; to write into %s, "
                               "say --to %s", argv[optind + 1], argv[optind + 1]);
    if (optind + 1 != argc)
        return cli_usage_error(&cmd_checkout, "checkout takes one run id");
    if (!history_parse_id(argv[optind], &id, &err))
        return cli_usage_error(&cmd_checkout, "%s", err.msg);
    char *dest = o.to ? xstrdup(o.to) : xasprintf("tide-run-%lld", (long long)id);
    if (!o.to && !o.force && access(dest, F_OK) == 0) {
        int status = cli_fail("%s already exists; name another folder with --to DIR", dest);
        free(dest);
        return status;
    }
    size_t n = 0;
    if (!history_checkout(app, id, dest, o.force, &n, &err)) {
        free(dest);
        return cli_fail("%s", err.msg);
    }
    printf("wrote the %zu file%s of run %lld to %s\n", n, n == 1 ? "" : "s", (long long)id, dest);
    free(dest);
    return EXIT_OK;
}

const Command cmd_checkout = {
    "checkout", "write the files of a past run to a folder",
    "usage: tide checkout RUN [--to DIR] [--force]\n"
    "\n"
    "Write the session's files exactly as they were when run RUN started into DIR\n"
    "(default: a new folder tide-run-RUN here).  Existing files are never replaced\n"
    "unless --force; nothing is written when one is in the way.\n",
    checkout_run,
};

/* ---------------------------------------------------------------- search */

static int search_run(App *app, int argc, char **argv)
{
    Opts o;
    int rc = parse(&cmd_search, argc, argv, "jns", &o);
    if (rc >= 0)
        return rc;
    if (optind + 1 != argc)
        return cli_usage_error(&cmd_search, "search takes one text (quote it if it has spaces)");
    int64_t sid;
    Err err;
    HistoryHit *hits;
    size_t n;
    if (!find_session_id(app, o.session, &sid, &err))
        return cli_fail("%s", err.msg);
    if (!history_search(app, argv[optind], sid, o.limit, &hits, &n, &err))
        return cli_usage_error(&cmd_search, "%s", err.msg);
    if (o.json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *j = summary_json(&hits[i].result);
            json_object_set_new(j, "match_in", json_string(hits[i].where));
            json_object_set_new(j, "snippet", cli_json_name(hits[i].snippet));
            json_array_append_new(arr, j);
        }
        cli_print_json(json_pack("{s:s, s:o}", "query", argv[optind], "runs", arr));
    } else if (n == 0) {
        printf("no run's code or output contains '%s'\n", argv[optind]);
    } else {
        bool bold = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
        for (size_t i = 0; i < n; i++) {
            HistoryHit *h = &hits[i];
            char when[CLI_TIME_LEN];
            cli_time_local(h->result.created_at, when);
            char *entry = cli_shown_name(h->result.entry);
            printf("%-6lld %s  session %lld  %s  %s: ", (long long)h->result.id, when, (long long)h->result.session_id,
                   entry, h->where);
            free(entry);
            const char *s = h->snippet;
            size_t at = h->match_start, mlen = h->match_len;
            cli_write_recorded(stdout, s, bold && mlen ? at : strlen(s));
            if (bold && mlen) {
                fputs("\033[1m", stdout);
                cli_write_recorded(stdout, s + at, mlen);
                fputs("\033[0m", stdout);
                cli_write_recorded(stdout, s + at + mlen, strlen(s + at + mlen));
            }
            putchar('\n');
        }
    }
    history_hits_free(hits, n);
    return EXIT_OK;
}

const Command cmd_search = {
    "search", "find runs whose code or output contains a text",
    "usage: tide search TEXT [--session SESSION] [--limit N] [--json]\n"
    "\n"
    "Runs whose entry file name, code, output or errors contain TEXT (ignoring\n"
    "case; any part of a word matches), newest first, each with the line where it\n"
    "matched.  --limit N (default 50, 0 for all); --session keeps to one session.\n",
    search_run,
};
