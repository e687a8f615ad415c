/* `tide gc` and `tide status`: what tide keeps, and clearing what has
 * expired. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "expiry.h"
#include "recovery.h"
#include "session.h"
#include "sizetext.h"

extern const Command cmd_gc, cmd_status;

static int parse(const Command *cmd, int argc, char **argv, bool allow_dry, bool *json, bool *dry)
{
    static const struct option longs[] = {
        {"json", no_argument, NULL, 'j'}, {"dry-run", no_argument, NULL, 'n'}, {NULL, 0, NULL, 0}};
    int c;
    char bad[64];
    *json = *dry = false;
    while ((c = getopt_long(argc, argv, ":n", longs, NULL)) != -1) {
        if (c == 'j')
            *json = true;
        else if (c == 'n' && allow_dry)
            *dry = true;
        else
            return cli_usage_error(cmd, "unknown option '%s'", cli_bad_option(argv, c, bad));
    }
    if (optind != argc)
        return cli_usage_error(cmd, "%s takes no arguments", cmd->name);
    return -1;
}

static int gc_run(App *app, int argc, char **argv)
{
    bool json, dry;
    int rc = parse(&cmd_gc, argc, argv, true, &json, &dry);
    if (rc >= 0)
        return rc;
    GcReport r;
    Err err;
    if (!expiry_gc(app, session_now(), dry, &r, &err))
        return cli_fail("%s", err.msg);
    char total[SIZE_TEXT_LEN];
    size_text(r.bytes, total);
    if (json) {
        json_t *items = json_array(), *skipped = json_array();
        for (size_t i = 0; i < r.n; i++) {
            json_t *o = json_pack("{s:s, s:o, s:I}", "kind", r.items[i].kind, "what", cli_json_name(r.items[i].what),
                                  "bytes", (json_int_t)r.items[i].bytes);
            json_object_set_new(o, "session_id", r.items[i].session_id ? json_integer(r.items[i].session_id)
                                                                       : json_null());
            json_array_append_new(items, o);
        }
        for (size_t i = 0; i < r.skipped.len; i++)
            json_array_append_new(skipped, cli_json_name(r.skipped.items[i]));
        cli_print_json(json_pack("{s:b, s:o, s:I, s:o}", "dry_run", dry, "removed", items, "bytes",
                                 (json_int_t)r.bytes, "skipped", skipped));
    } else {
        for (size_t i = 0; i < r.n; i++) {
            char size[SIZE_TEXT_LEN];
            size_text(r.items[i].bytes, size);
            char *what = cli_shown_name(r.items[i].what);
            printf("%s %s: %s (%s)\n", dry ? "would remove" : "removed", r.items[i].kind, what, size);
            free(what);
        }
        if (r.n == 0)
            printf("nothing has expired\n");
        else
            printf("%s %s in all\n", dry ? "would free" : "freed", total);
        for (size_t i = 0; i < r.skipped.len; i++)
            fprintf(stderr, "tide: left for later: %s\n", r.skipped.items[i]);
    }
    gc_report_free(&r);
    return EXIT_OK;
}

const Command cmd_gc = {
    "gc", "remove expired sessions and files",
    "usage: tide gc [--dry-run] [--json]\n"
    "\n"
    "Remove what has expired and print what was removed: scratch sessions and\n"
    "the files imported into them, [session] expiry_hours (48) after their last\n"
    "use, and files runs generated, that long after they were made or last\n"
    "exported; a Go session's build cache, that long after its last use; also\n"
    "folders a crash left behind.  Folder sessions never expire, and nothing in\n"
    "your own folders is ever removed.  A session with a run in progress, or\n"
    "open in tide's IDE, is left for the next gc.  --dry-run only prints what\n"
    "would go.  A recorded tide run, and the IDE when it ends, do the same once\n"
    "a day ([session] auto_gc).\n",
    gc_run,
};

static int status_run(App *app, int argc, char **argv)
{
    bool json, dry;
    int rc = parse(&cmd_status, argc, argv, false, &json, &dry);
    if (rc >= 0)
        return rc;
    SessionUsage u;
    Err err;
    if (!session_usage(app, &u, &err))
        return cli_fail("%s", err.msg);
    /* Unsaved changes the IDE kept when it ended without saving them: the
     * user may not know they wait. */
    StrList unsaved = {0}, untitled = {0}, aside = {0};
    if (!recovery_waiting(&app->paths, &unsaved, &untitled, &err) ||
        !recovery_set_aside_files(&app->paths, &aside, &err)) {
        sl_free(&unsaved);
        sl_free(&untitled);
        session_usage_free(&u);
        return cli_fail("%s", err.msg);
    }
    if (json) {
        json_t *j = json_object();
        json_object_set_new(j, "sessions", json_pack("{s:I, s:I, s:I}", "total", (json_int_t)u.sessions, "scratch",
                                                     (json_int_t)u.scratch, "folder", (json_int_t)u.folder));
        json_object_set_new(j, "runs", json_integer(u.runs));
        json_object_set_new(j, "files", json_pack("{s:I, s:I}", "count", (json_int_t)u.files, "bytes",
                                                  (json_int_t)u.file_bytes));
        json_object_set_new(j, "disk_bytes", json_integer(u.disk_bytes));
        json_object_set_new(j, "total_bytes", json_integer(u.disk_bytes + u.db_bytes));
        json_object_set_new(j, "oldest_expiry", cli_time_json(u.oldest_expiry));
        json_object_set_new(j, "data_dir", json_string(u.data_dir));
        json_object_set_new(j, "database", json_pack("{s:s, s:I}", "path", u.db_path, "bytes", (json_int_t)u.db_bytes));
        json_object_set_new(j, "expiry_hours", json_integer(app->cfg.expiry_hours));
        json_t *files = json_array();
        for (size_t i = 0; i < unsaved.len; i++)
            json_array_append_new(files, cli_json_name(unsaved.items[i]));
        json_object_set_new(j, "unsaved", files);
        json_t *folders = json_array();
        for (size_t i = 0; i < untitled.len; i++)
            json_array_append_new(folders, cli_json_name(untitled.items[i]));
        json_object_set_new(j, "unsaved_untitled", folders);
        json_t *kept = json_array();
        for (size_t i = 0; i < aside.len; i++)
            json_array_append_new(kept, cli_json_name(aside.items[i]));
        json_object_set_new(j, "set_aside", kept);
        cli_print_json(j);
    } else {
        char files[SIZE_TEXT_LEN], disk[SIZE_TEXT_LEN], db[SIZE_TEXT_LEN], total[SIZE_TEXT_LEN], exp[CLI_TIME_LEN];
        size_text(u.file_bytes, files);
        size_text(u.disk_bytes, disk);
        size_text(u.db_bytes, db);
        size_text(u.disk_bytes + u.db_bytes, total);
        cli_time_local(u.oldest_expiry, exp);
        printf("sessions      %lld (%lld scratch, %lld folder)\n", (long long)u.sessions, (long long)u.scratch,
               (long long)u.folder);
        printf("runs          %lld\n", (long long)u.runs);
        printf("files         %lld (%s)\n", (long long)u.files, files);
        printf("size          %s (sessions folder %s, database %s)\n", total, disk, db);
        printf("next expiry   %s\n", u.oldest_expiry ? exp : "nothing expires");
        printf("data folder   %s\n", u.data_dir);
        printf("database      %s\n", u.db_path);
        for (size_t i = 0; i < unsaved.len; i++)
            printf("%-14s%s\n", i ? "" : "unsaved", unsaved.items[i]);
        if (unsaved.len)
            printf("              (changes the IDE kept when it ended without saving: tide FILE offers them)\n");
        /* One line a folder: its untitled tabs are offered together. */
        for (size_t i = 0, n = 0; i < untitled.len; i += n, n = 0) {
            while (i + n < untitled.len && !strcmp(untitled.items[i + n], untitled.items[i]))
                n++;
            printf("%-14s%s", i ? "" : "untitled", untitled.items[i]);
            if (n > 1)
                printf(" (%zu tabs)", n);
            printf("\n");
        }
        if (untitled.len)
            printf("              (text of untitled tabs the IDE kept when it ended: tide in that folder offers it)\n");
        for (size_t i = 0; i < aside.len; i++)
            printf("%-14s%s\n", i ? "" : "set aside", aside.items[i]);
        if (aside.len)
            printf("              (kept changes not restored when offered: copy what you need, then remove them)\n");
    }
    sl_free(&unsaved);
    sl_free(&untitled);
    sl_free(&aside);
    session_usage_free(&u);
    return EXIT_OK;
}

const Command cmd_status = {
    "status", "what tide keeps: sessions, runs, files, sizes",
    "usage: tide status [--json]\n"
    "\n"
    "How many sessions, runs and files tide keeps, their total size on disk, when\n"
    "the next thing expires (tide gc removes it), the data folder and the\n"
    "database with its size; and the files whose unsaved changes the IDE kept\n"
    "when it ended without saving them (killed, or its terminal closed): opening\n"
    "one in tide offers them back; the folders whose untitled tabs' text it kept\n"
    "so (tide started in the folder offers it); those not restored then are set\n"
    "aside, each a file of its own under $XDG_STATE_HOME/tide/set-aside, listed\n"
    "too.\n",
    status_run,
};
