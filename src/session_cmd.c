/* `tide session new|list|show|rm`: creating, listing, showing and
 * removing sessions. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jsonbytes.h"
#include "session.h"
#include "session_files.h"
#include "sizetext.h"

extern const Command cmd_session;

static json_t *session_json(const Session *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(s->id));
    json_object_set_new(o, "name", cli_json_name(s->name));
    json_object_set_new(o, "language", json_string(s->lang->key));
    json_object_set_new(o, "kind", json_string(session_kind_name(s->kind)));
    json_object_set_new(o, "folder", cli_json_name(s->workdir));
    json_object_set_new(o, "git_dir", cli_json_name(s->git_dir));
    json_object_set_new(o, "created_at", cli_time_json(s->created_at));
    json_object_set_new(o, "last_used_at", cli_time_json(s->last_used_at));
    json_object_set_new(o, "expires_at", cli_time_json(s->expires_at));
    json_object_set_new(o, "runs", json_integer(s->runs));
    json_object_set_new(o, "last_result_id", s->last_result ? json_integer(s->last_result) : json_null());
    return o;
}

/* Options shared by the subcommands: --json; for new, --name and --lang
 * (the language may also come alone, as `tide run --lang` takes it); for
 * show and rm, --session (as tide run and the other commands name one). */
typedef struct Opts {
    bool json;
    const char *name;
    const char *lang;
    const char *session;
} Opts;

static int parse(const Command *cmd, int argc, char **argv, const char *allowed, Opts *o)
{
    static const struct option longs[] = {{"json", no_argument, NULL, 'j'},
                                          {"name", required_argument, NULL, 'n'},
                                          {"lang", required_argument, NULL, 'l'},
                                          {"session", required_argument, NULL, 's'},
                                          {NULL, 0, NULL, 0}};
    *o = (Opts){0};
    int c;
    char bad[64];
    int li = -1;
    while ((c = getopt_long(argc, argv, strchr(allowed, 'l') ? ":l:" : ":", longs, &li)) != -1) {
        if (c == ':')
            return cli_usage_error(cmd, "option '%s' needs a value", cli_bad_option(argv, c, bad));
        if (c == '?' || !strchr(allowed, c))
            return cli_usage_error(cmd, "unknown option '%s'", cli_unwanted_option(argv, c, longs, li, bad));
        li = -1;
        if (c == 'j')
            o->json = true;
        else if (c == 'n')
            o->name = optarg;
        else if (c == 'l')
            o->lang = optarg;
        else if (c == 's')
            o->session = optarg;
    }
    return -1;
}

static int new_run(App *app, int argc, char **argv)
{
    Opts o;
    int rc = parse(&cmd_session, argc, argv, "jnl", &o);
    if (rc >= 0)
        return rc;
    if (optind + (o.lang ? 0 : 1) != argc)
        return cli_usage_error(&cmd_session, "session new takes one language (%s)%s", lang_keys(),
                               o.lang && optind < argc ? "; --name NAME names the session" : "");
    const char *key = o.lang ? o.lang : argv[optind];
    const Lang *lang = lang_by_key(key);
    if (!lang)
        return cli_usage_error(&cmd_session, "unknown language '%s' (%s)", key, lang_keys());
    Session s;
    Err err;
    if (!session_new_scratch(app, lang, o.name, &s, &err))
        return cli_fail("%s", err.msg);
    if (o.json) {
        json_t *j = session_json(&s);
        json_object_set_new(j, "entry", json_string(lang->starter_file));
        cli_print_json(j);
    } else {
        printf("%lld\n", (long long)s.id);
        fprintf(stderr, "tide: created %s session %lld '%s' in %s\n      edit %s there, then: tide run --session %lld %s\n",
                lang->name, (long long)s.id, s.name, s.workdir, lang->starter_file, (long long)s.id,
                lang->starter_file);
    }
    session_free(&s);
    return EXIT_OK;
}

static int list_run(App *app, int argc, char **argv)
{
    Opts o;
    int rc = parse(&cmd_session, argc, argv, "j", &o);
    if (rc >= 0)
        return rc;
    if (optind != argc)
        return cli_usage_error(&cmd_session, "session list takes no arguments");
    Session *list;
    size_t n;
    Err err;
    if (!session_list(app, &list, &n, &err))
        return cli_fail("%s", err.msg);
    if (o.json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, session_json(&list[i]));
        cli_print_json(json_pack("{s:o}", "sessions", arr));
    } else if (n == 0) {
        printf("no sessions yet: `tide session new LANG` makes one, `tide run FILE` records into its folder's\n");
    } else {
        int nw = 4;
        for (size_t i = 0; i < n; i++)
            nw = cli_widen(nw, list[i].name, 40);
        printf("%-5s %-*s %-8s %-7s %5s  %-19s  %-19s  %s\n", "ID", nw, "NAME", "LANGUAGE", "KIND", "RUNS", "LAST USED",
               "EXPIRES", "FOLDER");
        for (size_t i = 0; i < n; i++) {
            char used[CLI_TIME_LEN], exp[CLI_TIME_LEN];
            cli_time_local(list[i].last_used_at, used);
            cli_time_local(list[i].expires_at, exp);
            printf("%-5lld %s%*s %-8s %-7s %5lld  %-19s  %-19s  %s\n", (long long)list[i].id, list[i].name,
                   cli_pad(list[i].name, nw), "", list[i].lang->key, session_kind_name(list[i].kind), (long long)list[i].runs, used,
                   list[i].expires_at ? exp : "never", list[i].workdir);
        }
    }
    session_list_free(list, n);
    return EXIT_OK;
}

static json_t *files_json(const SessionFile *f, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s, s:I}", "origin", f[i].origin, "size", (json_int_t)f[i].size);
        jsonbytes_set(o, "name", f[i].path, strlen(f[i].path));
        json_object_set_new(o, "type", f[i].type ? json_string(f[i].type) : json_null());
        json_object_set_new(o, "result_id", f[i].result_id ? json_integer(f[i].result_id) : json_null());
        json_object_set_new(o, "blob", f[i].blob_oid ? json_string(f[i].blob_oid) : json_null());
        json_object_set_new(o, "updated_at", cli_time_json(f[i].updated_at));
        json_object_set_new(o, "expires_at", cli_time_json(f[i].expires_at));
        json_object_set_new(o, "path", f[i].stored ? cli_json_name(f[i].stored) : json_null());
        json_array_append_new(arr, o);
    }
    return arr;
}

static int show_run(App *app, int argc, char **argv)
{
    Opts o;
    int rc = parse(&cmd_session, argc, argv, "js", &o);
    if (rc >= 0)
        return rc;
    if (optind + (o.session ? 0 : 1) != argc)
        return cli_usage_error(&cmd_session, "session show takes one session (an id or a name)");
    Session s;
    Err err;
    if (!session_find(app, o.session ? o.session : argv[optind], &s, &err))
        return cli_fail("%s", err.msg);
    SessionFile *files = NULL;
    size_t n = 0;
    if (!session_files_list(app, &s, &files, &n, &err)) {
        session_free(&s);
        return cli_fail("%s", err.msg);
    }
    Err gone;
    bool there = session_check(&s, &gone);
    if (o.json) {
        json_t *j = session_json(&s);
        json_object_set_new(j, "folder_exists", json_boolean(there));
        char *entry = session_entry(app, &s);
        json_object_set_new(j, "entry", entry ? cli_json_name(entry) : json_null());
        free(entry);
        json_object_set_new(j, "files", files_json(files, n));
        cli_print_json(j);
    } else {
        char created[CLI_TIME_LEN], used[CLI_TIME_LEN], exp[CLI_TIME_LEN];
        cli_time_local(s.created_at, created);
        cli_time_local(s.last_used_at, used);
        cli_time_local(s.expires_at, exp);
        printf("session %lld '%s'\n", (long long)s.id, s.name);
        printf("  language   %s\n  kind       %s\n  folder     %s%s\n  git        %s\n", s.lang->name,
               session_kind_name(s.kind), s.workdir, there ? "" : "  (gone)", s.git_dir);
        printf("  created    %s\n  last used  %s\n  expires    %s\n", created, used,
               s.expires_at ? exp : "never (a folder session)");
        if (s.runs)
            printf("  runs       %lld (last: %lld; tide history %lld)\n", (long long)s.runs,
                   (long long)s.last_result, (long long)s.id);
        else
            printf("  runs       none yet\n");
        printf("  files      %zu\n", n);
        int fw = 0;
        /* A program names the files it writes. */
        char **names = xcalloc(n ? n : 1, sizeof *names);
        for (size_t i = 0; i < n; i++) {
            names[i] = cli_shown_name(files[i].path);
            fw = cli_widen(fw, names[i], 60);
        }
        for (size_t i = 0; i < n; i++) {
            char size[SIZE_TEXT_LEN];
            size_text(files[i].size, size);
            printf("    %s%*s %-9s %9s", names[i], cli_pad(names[i], fw), "", files[i].origin, size);
            if (files[i].result_id)
                printf("  run %lld", (long long)files[i].result_id);
            printf("\n");
            free(names[i]);
        }
        free(names);
        if (!there)
            fprintf(stderr, "tide: %s\n", gone.msg);
    }
    session_files_free(files, n);
    session_free(&s);
    return EXIT_OK;
}

static int rm_run(App *app, int argc, char **argv)
{
    Opts o;
    int rc = parse(&cmd_session, argc, argv, "js", &o);
    if (rc >= 0)
        return rc;
    if (optind >= argc && !o.session)
        return cli_usage_error(&cmd_session, "session rm takes the sessions to remove (ids or names)");
    int status = EXIT_OK;
    json_t *removed = json_array();
    /* --session's first (one step before the words), then the words. */
    for (int i = o.session ? optind - 1 : optind; i < argc; i++) {
        const char *ref = i < optind ? o.session : argv[i];
        Session s = {0};
        Err err;
        if (!session_find(app, ref, &s, &err) || !session_remove(app, &s, &err)) {
            status = cli_fail("%s", err.msg);
            session_free(&s);
            continue;
        }
        if (o.json)
            json_array_append_new(removed, json_integer(s.id));
        else if (s.kind == SESSION_FOLDER)
            printf("forgot session %lld '%s' (its folder %s is left as it is)\n", (long long)s.id, s.name, s.workdir);
        else
            printf("removed session %lld '%s' and its files\n", (long long)s.id, s.name);
        session_free(&s);
    }
    if (o.json)
        cli_print_json(json_pack("{s:o}", "removed", removed));
    else
        json_decref(removed);
    return status;
}

static int session_main(App *app, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(&cmd_session, "which one: new, list, show or rm?");
    const char *sub = argv[1];
    argc--;
    argv++;
    cli_reset_getopt();
    if (!strcmp(sub, "new"))
        return new_run(app, argc, argv);
    if (!strcmp(sub, "list") || !strcmp(sub, "ls"))
        return list_run(app, argc, argv);
    if (!strcmp(sub, "show"))
        return show_run(app, argc, argv);
    if (!strcmp(sub, "rm") || !strcmp(sub, "remove"))
        return rm_run(app, argc, argv);
    return cli_usage_error(&cmd_session, "unknown subcommand '%s'", sub);
}

const Command cmd_session = {
    "session", "create, list, show and remove execution sessions",
    "usage: tide session new LANG [--name NAME] [--json]  (or: new --lang LANG ...)\n"
    "       tide session list [--json]\n"
    "       tide session show SESSION [--json]\n"
    "       tide session rm SESSION...\n"
    "\n"
    "A session is a language, a folder of files and the history of its runs.\n"
    "  new    a scratch session in tide's data folder, with a starter file;\n"
    "         prints its id (--json: also its folder)\n"
    "  list   every session, most recently used first\n"
    "  show   a session's language, kind, folder, times, runs and files\n"
    "  rm     remove a scratch session (files, history); for a folder session,\n"
    "         forget tide's records -- the folder and its files are never touched\n"
    "SESSION is an id or a name (also as --session SESSION, as tide run takes it).\n"
    "Running a file in a folder (tide run FILE) uses\n"
    "that folder's session, created on first use.  Scratch sessions expire\n"
    "[session] expiry_hours (48) after their last use; see tide gc.\n",
    session_main,
};
