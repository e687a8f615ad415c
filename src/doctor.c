/* `tide doctor`: what this machine can run.  One report (a JSON object)
 * feeds both the --json output and the text a person reads. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ide_launch.h"
#include "lang.h"
#include "gitlib.h"
#include "sandbox_caps.h"
#include "sizetext.h"

static json_t *layer_json(const SandboxLayer *l)
{
    return json_pack("{s:b, s:s}", "available", l->ok, "note", l->note);
}

static json_t *languages_report(App *app, bool *all_ok)
{
    json_t *arr = json_array();
    for (int i = 0; i < LANG_COUNT; i++) {
        const Lang *lang = lang_get((LangId)i);
        json_t *tools = json_array();
        bool available = true;
        for (size_t t = 0; t < lang->ntools; t++) {
            ToolInfo ti;
            Err err;
            bool found = lang_resolve_tool(&lang->tools[t], NULL, NULL, &ti, &err);
            json_t *roots = json_array();
            for (size_t r = 0; r < ti.roots.len; r++)
                json_array_append_new(roots, json_string(ti.roots.items[r]));
            json_t *tool = json_pack("{s:s, s:b}", "name", lang->tools[t].cmd, "found", found);
            json_object_set_new(tool, "path", ti.path ? json_string(ti.path) : json_null());
            json_object_set_new(tool, "exe", ti.exe ? json_string(ti.exe) : json_null());
            json_object_set_new(tool, "version", ti.version ? json_string(ti.version) : json_null());
            json_object_set_new(tool, "roots", roots);
            if (!found)
                json_object_set_new(tool, "problem", json_string(err.msg));
            json_array_append_new(tools, tool);
            available = available && found;
            tool_info_free(&ti);
        }
        (void)app;
        json_t *l = json_pack("{s:s, s:s, s:b, s:o}", "key", lang->key, "name", lang->name,
                              "available", available, "tools", tools);
        if (!available)
            json_object_set_new(l, "install", json_sprintf("apt-get install %s", lang->package));
        json_array_append_new(arr, l);
        *all_ok = *all_ok && available;
    }
    return arr;
}

static json_t *sandbox_report(bool *ready)
{
    SandboxCaps c;
    sandbox_caps_probe(&c);
    /* Namespaces and seccomp are the boundary; cgroups and overlayfs have
     * weaker stand-ins (rlimits, a bounded copy). */
    *ready = c.userns.ok && c.seccomp.ok;
    json_t *s = json_object();
    json_object_set_new(s, "ready", json_boolean(*ready));
    json_object_set_new(s, "user_namespaces", layer_json(&c.userns));
    json_object_set_new(s, "seccomp", layer_json(&c.seccomp));
    json_object_set_new(s, "cgroup_version", json_integer(c.cgroup_version));
    json_object_set_new(s, "cgroup_memory", layer_json(&c.cg_memory));
    json_object_set_new(s, "cgroup_pids", layer_json(&c.cg_pids));
    json_object_set_new(s, "overlayfs", layer_json(&c.overlay));
    return s;
}

static json_t *folders_report(App *app)
{
    json_t *f = json_object();
    for (int k = 0; k < DIR_COUNT; k++) {
        struct stat st;
        const char *dir = app->paths.dir[k];
        bool exists = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
        json_object_set_new(f, paths_kind_name((DirKind)k),
                            json_pack("{s:s, s:b}", "path", dir, "exists", exists));
    }
    return f;
}

static json_t *database_report(App *app, bool *ok)
{
    char *path = paths_get(&app->paths, DIR_DATA, "tide.db");
    json_t *d = json_pack("{s:s}", "path", path);
    free(path);
    Store *store;
    Err err;
    StoreCounts counts;
    if (!app_store(app, &store, &err) || !store_counts(store, &counts, &err)) {
        *ok = false;
        json_object_set_new(d, "ok", json_false());
        json_object_set_new(d, "problem", json_string(err.msg));
        return d;
    }
    json_object_set_new(d, "ok", json_true());
    json_object_set_new(d, "schema_version", json_integer(store_schema_version(store)));
    json_object_set_new(d, "sessions", json_integer(counts.sessions));
    json_object_set_new(d, "results", json_integer(counts.results));
    json_object_set_new(d, "files", json_integer(counts.files));
    json_object_set_new(d, "bytes", json_integer(counts.db_bytes));
    return d;
}

/* libgit2 keeps every session's files; it is opened when first needed, so
 * a missing one would otherwise show only at the first recorded run. */
static json_t *git_report(bool *ok)
{
    Err err;
    if (!gitlib_load(&err)) {
        *ok = false;
        return json_pack("{s:b, s:s, s:s}", "ok", 0, "library", gitlib_name(), "problem", err.msg);
    }
    int major = 0, minor = 0, rev = 0;
    gitlib.git_libgit2_version(&major, &minor, &rev);
    json_t *g = json_pack("{s:b, s:s}", "ok", 1, "library", gitlib_name());
    json_object_set_new(g, "version", json_sprintf("%d.%d.%d", major, minor, rev));
    return g;
}

static const char *mark(bool ok)
{
    return ok ? "ok     " : "MISSING";
}

static void print_layer(const char *name, json_t *l)
{
    printf("  %-16s %s %s\n", name, mark(json_is_true(json_object_get(l, "available"))),
           json_string_value(json_object_get(l, "note")));
}

static void print_text(json_t *r)
{
    printf("tide %s\n\nLanguages\n", TIDE_VERSION);
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(r, "languages"), i, l) {
        bool ok = json_is_true(json_object_get(l, "available"));
        printf("  %-9s %s", json_string_value(json_object_get(l, "key")), mark(ok));
        size_t j;
        json_t *t;
        json_array_foreach(json_object_get(l, "tools"), j, t) {
            const char *ver = json_string_value(json_object_get(t, "version"));
            if (json_is_true(json_object_get(t, "found")))
                printf("%s %s (%s)", j ? "," : "", json_string_value(json_object_get(t, "exe")),
                       ver ? ver : "version unknown");
            else
                printf("%s %s", j ? "," : "", json_string_value(json_object_get(t, "problem")));
        }
        if (!ok)
            printf(" -- install with: %s", json_string_value(json_object_get(l, "install")));
        printf("\n");
    }
    json_t *s = json_object_get(r, "sandbox");
    printf("\nSandbox\n");
    print_layer("namespaces", json_object_get(s, "user_namespaces"));
    print_layer("seccomp", json_object_get(s, "seccomp"));
    print_layer("cgroup memory", json_object_get(s, "cgroup_memory"));
    print_layer("cgroup pids", json_object_get(s, "cgroup_pids"));
    print_layer("overlayfs", json_object_get(s, "overlayfs"));
    printf("\nFolders\n");
    const char *key;
    json_t *f;
    json_object_foreach(json_object_get(r, "folders"), key, f)
        printf("  %-6s %s%s\n", key, json_string_value(json_object_get(f, "path")),
               json_is_true(json_object_get(f, "exists")) ? "" : " (not created yet)");
    json_t *d = json_object_get(r, "database");
    printf("\nDatabase\n  %s\n", json_string_value(json_object_get(d, "path")));
    if (json_is_true(json_object_get(d, "ok"))) {
        char size[SIZE_TEXT_LEN];
        size_text(json_integer_value(json_object_get(d, "bytes")), size);
        printf("  schema %lld; sessions %lld, runs %lld, files %lld; %s\n",
               json_integer_value(json_object_get(d, "schema_version")),
               json_integer_value(json_object_get(d, "sessions")),
               json_integer_value(json_object_get(d, "results")),
               json_integer_value(json_object_get(d, "files")), size);
    } else
        printf("  PROBLEM: %s\n", json_string_value(json_object_get(d, "problem")));
    json_t *g = json_object_get(r, "git");
    if (json_is_true(json_object_get(g, "ok")))
        printf("  git: libgit2 %s (%s)\n", json_string_value(json_object_get(g, "version")),
               json_string_value(json_object_get(g, "library")));
    else
        printf("  git: PROBLEM: %s\n", json_string_value(json_object_get(g, "problem")));
    json_t *ide = json_object_get(r, "ide");
    printf("\nIDE\n  %s%s\n", json_is_true(json_object_get(ide, "ok")) ? "" : "PROBLEM: ",
           json_string_value(json_object_get(ide, json_is_true(json_object_get(ide, "ok")) ? "path" : "problem")));
    printf("\n%s\n", json_is_true(json_object_get(r, "ok"))
                         ? "Everything tide needs to run code is here."
                         : "Something tide needs is missing (see MISSING/PROBLEM above).");
}

static int doctor_run(App *app, int argc, char **argv);

const Command cmd_doctor = {
    "doctor", "what this machine can run: toolchains, sandbox, folders, database",
    "usage: tide doctor [--json]\n\n"
    "Check the nine toolchains (path and version of each tool), the sandbox layers\n"
    "(user namespaces, seccomp, cgroup memory and pids controllers, overlayfs), the\n"
    "data, config, cache and state folders, the database (created if missing) and\n"
    "libgit2, which keeps the sessions' files; and where tide-ide, the IDE, is.\n\n"
    "  --json   print one JSON object: {languages: [...], sandbox: {...}, ...}\n\n"
    "Exit status: 0 when everything a run needs is present, 1 otherwise.\n",
    doctor_run,
};

static int doctor_run(App *app, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {0}};
    bool as_json = false;
    int c;
    char bad[64];
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        if (c == 'j')
            as_json = true;
        else
            return cli_usage_error(&cmd_doctor, "unknown option '%s'", cli_bad_option(argv, c, bad));
    }
    if (optind < argc)
        return cli_usage_error(&cmd_doctor, "unexpected argument '%s'", argv[optind]);
    cli_show_config_warnings(app);

    bool langs_ok = true, sandbox_ok = true, db_ok = true;
    json_t *r = json_object();
    json_object_set_new(r, "version", json_string(TIDE_VERSION));
    json_object_set_new(r, "languages", languages_report(app, &langs_ok));
    json_object_set_new(r, "sandbox", sandbox_report(&sandbox_ok));
    json_t *db = database_report(app, &db_ok); /* creates the data folder */
    json_object_set_new(r, "folders", folders_report(app));
    json_object_set_new(r, "database", db);
    bool git_ok = true;
    json_object_set_new(r, "git", git_report(&git_ok));
    bool ok = langs_ok && sandbox_ok && db_ok && git_ok;
    json_object_set_new(r, "ok", json_boolean(ok));
    /* Not part of "ok": the exit status is about running code. */
    char *ide = ide_find();
    json_object_set_new(r, "ide", ide ? json_pack("{s:b, s:s}", "ok", 1, "path", ide)
                                      : json_pack("{s:b, s:s}", "ok", 0, "problem",
                                                  IDE_PROGRAM " not found next to tide nor in "
                                                  TIDE_BINDIR " (make install)"));
    free(ide);
    if (as_json) {
        if (!cli_print_json(r))
            return EXIT_FAIL;
    } else {
        print_text(r);
        json_decref(r);
    }
    return ok ? EXIT_OK : EXIT_FAIL;
}
