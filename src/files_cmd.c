/* `tide import`, `tide files` and `tide export`: files in and out of a
 * session (the upload and download of hosted code interpreters). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "history.h"
#include "jsonbytes.h"
#include "session_files.h"
#include "sizetext.h"

extern const Command cmd_import, cmd_files, cmd_export;

typedef struct Opts {
    bool json, force;
    const char *as, *session;
    long long result;
} Opts;

static int parse(const Command *cmd, int argc, char **argv, const char *allowed, Opts *o)
{
    static const struct option longs[] = {{"json", no_argument, NULL, 'j'},
                                          {"force", no_argument, NULL, 'f'},
                                          {"as", required_argument, NULL, 'a'},
                                          {"result", required_argument, NULL, 'r'},
                                          {"session", required_argument, NULL, 's'},
                                          {NULL, 0, NULL, 0}};
    *o = (Opts){0};
    int c;
    char bad[64];
    int li = -1;
    while ((c = getopt_long(argc, argv, ":f", longs, &li)) != -1) {
        if (c == ':')
            return cli_usage_error(cmd, "option '%s' needs a value", cli_bad_option(argv, c, bad));
        if (c == '?' || !strchr(allowed, c))
            return cli_usage_error(cmd, "unknown option '%s'", cli_unwanted_option(argv, c, longs, li, bad));
        li = -1;
        if (c == 'j')
            o->json = true;
        else if (c == 'f')
            o->force = true;
        else if (c == 'a')
            o->as = optarg;
        else if (c == 's')
            o->session = optarg;
        else if (c == 'r') {
            int64_t id;
            Err err;
            if (!history_parse_id(optarg, &id, &err))
                return cli_usage_error(cmd, "%s", err.msg);
            o->result = id;
        }
    }
    return -1;
}

/* The session, named as tide run takes it (--session S) or as the first
 * word; *rest: where the words after it start. */
static const char *session_word(int argc, char **argv, const Opts *o, int *rest)
{
    *rest = optind + (o->session || optind >= argc ? 0 : 1);
    return o->session ? o->session : optind < argc ? argv[optind] : NULL;
}

static int import_run(App *app, int argc, char **argv)
{
    Opts o;
    int rc = parse(&cmd_import, argc, argv, "jfas", &o);
    if (rc >= 0)
        return rc;
    int rest;
    const char *sref = session_word(argc, argv, &o, &rest);
    if (!sref || rest >= argc)
        return cli_usage_error(&cmd_import, "import takes a session and the files to copy into it");
    Session s;
    Err err;
    StrList done;
    if (!session_find(app, sref, &s, &err))
        return cli_fail("%s", err.msg);
    bool ok = session_import(app, &s, (const char *const *)argv + rest, o.as, o.force, &done, &err);
    if (o.json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < done.len; i++)
            json_array_append_new(arr, cli_json_name(done.items[i]));
        json_t *j = json_pack("{s:I, s:s, s:o}", "session_id", (json_int_t)s.id, "folder", s.workdir, "imported", arr);
        if (!ok)
            json_object_set_new(j, "problem", json_string(err.msg));
        cli_print_json(j);
    } else {
        for (size_t i = 0; i < done.len; i++)
            printf("imported %s\n", done.items[i]);
    }
    if (ok && !o.json && s.kind == SESSION_FOLDER)
        fprintf(stderr, "tide: copied into %s, the folder of session %lld; they are your files from now on\n",
                s.workdir, (long long)s.id);
    sl_free(&done);
    session_free(&s);
    return ok ? EXIT_OK : cli_fail("%s", err.msg);
}

const Command cmd_import = {
    "import", "copy files into a session",
    "usage: tide import SESSION PATH... [--as NAME] [--force]\n"
    "\n"
    "Copy files (or folders, with their files) into the folder of SESSION, where\n"
    "its runs can read them, under their own names -- spaces, brackets and any\n"
    "letters kept -- or under NAME (--as, one file only; PATH - with --as NAME\n"
    "takes standard input).  Up to 50 MiB per file.\n"
    "Names that would leave the session (../x, absolute names), symlinks inside an\n"
    "imported folder and symlinks in the session's way are refused, as is\n"
    "replacing a file without --force; every check is made before anything is\n"
    "copied.  Files imported into a scratch session expire with it\n"
    "([session] expiry_hours after its last use).  Into a folder session, the\n"
    "files are copied into that folder and are yours from then on: tide never\n"
    "removes them.  SESSION may be given as --session SESSION, as tide run takes it.\n",
    import_run,
};

static void ago(int64_t t, char out[32])
{
    int64_t d = session_now() - t;
    if (d < 60)
        snprintf(out, 32, "just now");
    else if (d < 3600)
        snprintf(out, 32, "%lld min", (long long)(d / 60));
    else if (d < 2 * 86400)
        snprintf(out, 32, "%lld h", (long long)(d / 3600));
    else
        snprintf(out, 32, "%lld days", (long long)(d / 86400));
}

/* When a file goes: its own expiry, or its scratch session's (with which
 * every file of it goes), whichever comes first; 0: never. */
static int64_t gone_at(const SessionFile *f, const Session *s)
{
    if (!f->expires_at)
        return s->expires_at;
    return s->expires_at && s->expires_at < f->expires_at ? s->expires_at : f->expires_at;
}

static int files_run(App *app, int argc, char **argv)
{
    Opts o;
    int rc = parse(&cmd_files, argc, argv, "js", &o);
    if (rc >= 0)
        return rc;
    int rest;
    const char *sref = session_word(argc, argv, &o, &rest);
    if (rest < argc)
        return cli_usage_error(&cmd_files, "files takes one session");
    Session s;
    Err err;
    if (!(sref ? session_find(app, sref, &s, &err) : session_here(app, ".", &s, &err)))
        return cli_fail("%s", err.msg);
    SessionFile *f;
    size_t n;
    if (!session_files_list(app, &s, &f, &n, &err)) {
        session_free(&s);
        return cli_fail("%s", err.msg);
    }
    if (o.json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *j = json_pack("{s:s, s:I}", "origin", f[i].origin, "size", (json_int_t)f[i].size);
            jsonbytes_set(j, "name", f[i].path, strlen(f[i].path));
            json_object_set_new(j, "type", f[i].type ? json_string(f[i].type) : json_null());
            json_object_set_new(j, "result_id", f[i].result_id ? json_integer(f[i].result_id) : json_null());
            json_object_set_new(j, "blob", f[i].blob_oid ? json_string(f[i].blob_oid) : json_null());
            json_object_set_new(j, "created_at", cli_time_json(f[i].created_at));
            json_object_set_new(j, "updated_at", cli_time_json(f[i].updated_at));
            json_object_set_new(j, "expires_at", cli_time_json(gone_at(&f[i], &s)));
            json_object_set_new(j, "path", f[i].stored ? cli_json_name(f[i].stored) : json_null());
            json_array_append_new(arr, j);
        }
        cli_print_json(json_pack("{s:I, s:o, s:o}", "session_id", (json_int_t)s.id, "folder", cli_json_name(s.workdir),
                                 "files", arr));
    } else if (n == 0) {
        printf("session %lld has no recorded files yet (they are recorded at each run)\n", (long long)s.id);
    } else {
        /* As wide as the names and types are (up to a point: a longer
         * one pushes its own row only), so the columns line up. */
        int nw = 4, tw = 4;
        /* A program names the files it writes. */
        char **names = xcalloc(n, sizeof *names);
        for (size_t i = 0; i < n; i++) {
            names[i] = cli_shown_name(f[i].path);
            nw = cli_widen(nw, names[i], 60);
            tw = cli_widen(tw, f[i].type ? f[i].type : "-", 40);
        }
        printf("%-*s %-9s %9s  %-*s %-8s %-19s %s\n", nw, "NAME", "ORIGIN", "SIZE", tw, "TYPE", "AGE", "EXPIRES", "RUN");
        for (size_t i = 0; i < n; i++) {
            char size[SIZE_TEXT_LEN], age[32], exp[CLI_TIME_LEN];
            size_text(f[i].size, size);
            ago(f[i].updated_at, age);
            int64_t until = gone_at(&f[i], &s);
            cli_time_local(until, exp);
            printf("%s%*s %-9s %9s  %-*s %-8s %-19s ", names[i], cli_pad(names[i], nw), "", f[i].origin, size, tw,
                   f[i].type ? f[i].type : "-", age, until ? exp : "never");
            if (f[i].result_id)
                printf("%lld", (long long)f[i].result_id);
            printf("%s\n", f[i].stored ? "" : " (gone)");
            free(names[i]);
        }
        free(names);
    }
    session_files_free(f, n);
    session_free(&s);
    return EXIT_OK;
}

const Command cmd_files = {
    "files", "list a session's files",
    "usage: tide files [SESSION] [--json]\n"
    "\n"
    "The files of SESSION as recorded at its last run or import: its own files\n"
    "(origin user or import), then the files its runs generated (origin\n"
    "generated, with the run that made them), each with size, type, age and\n"
    "when it expires.  Without SESSION: the session of the current folder.\n"
    "SESSION may be given as --session SESSION, as tide run takes it.\n",
    files_run,
};

static int export_run(App *app, int argc, char **argv)
{
    Opts o;
    int rc = parse(&cmd_export, argc, argv, "jfrs", &o);
    if (rc >= 0)
        return rc;
    int rest;
    const char *sref = session_word(argc, argv, &o, &rest);
    if (!sref || argc - rest < 1 || argc - rest > 2)
        return cli_usage_error(&cmd_export, "export takes a session, a file name and where to write it");
    const char *dest = argc - rest == 2 ? argv[rest + 1] : NULL;
    bool to_stdout = dest && !strcmp(dest, "-");
    if (to_stdout && o.json)
        return cli_usage_error(&cmd_export, "- and --json would both write to standard output: give one");
    Session s;
    Err err;
    if (!session_find(app, sref, &s, &err))
        return cli_fail("%s", err.msg);
    char *written = NULL;
    bool ok = session_export(app, &s, argv[rest], o.result, dest, o.force, &written, &err);
    session_free(&s);
    if (!ok)
        return cli_fail("%s", err.msg);
    if (o.json)
        cli_print_json(json_pack("{s:o}", "written", cli_json_name(written)));
    else if (!to_stdout)
        printf("%s\n", written);
    free(written);
    return EXIT_OK;
}

const Command cmd_export = {
    "export", "copy a file out of a session",
    "usage: tide export SESSION NAME [DEST] [--result RUN] [--force]\n"
    "\n"
    "Copy the file NAME out of SESSION to DEST (a file name, or a folder to put it\n"
    "in; default: here, under its own name) and print where it went; DEST - writes\n"
    "the file to standard output.  NAME is a file a run generated -- the newest\n"
    "run that made one, or run RUN with --result -- or else one of the session's\n"
    "own files.  An existing file is never replaced without --force.  SESSION may\n"
    "be given as --session SESSION, as tide run takes it.\n",
    export_run,
};
