/* The IDE's main loop and its frame: tabs, layout, status bar, the
 * file commands (open, save, close, quit) and the safety net around them
 * (recovery files, changes on disk).  One poll() waits on the terminal,
 * the workers and the wake-up descriptor; nothing here waits on the disk
 * or a program. */
#include "tui.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "argsplit.h"
#include "colors.h"
#include "exec.h"
#include "explorer.h"
#include "fileio.h"
#include "highlight.h"
#include "history.h"
#include "ide.h"
#include "langsel.h"
#include "panel.h"
#include "picture.h"
#include "recovery.h"
#include "runline.h"
#include "srcdeps.h"
#include "theme_menu.h"
#include "xalloc.h"

/* Unsaved changes go to the recovery file this long after the last edit. */
#define RECOVERY_DELAY_MS 2000
#define DISK_CHECK_MS 2000
#define MESSAGE_MS 6000
#define DRAG_SCROLL_MS 50 /* a line each, while a drag is held past the editor */
#define MIN_COLS 40
#define MIN_LINES 10
#define FRAME_MS 16
/* After a keystroke's echo, the rest of the frame waits this long: drawn
 * at once, it kept the machine busy while the terminal was reading the
 * echo (on two cores the echo reached tmux's client about 0.07 ms later,
 * measured with tests/bench/tmux_keys.py). */
#define ECHO_REST_MS 2
#define PROBE_DELAY_MS 1500
/* The folder's last run's files are looked up after the first screen. */
#define LAST_RUN_DELAY_MS 200

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = sig;
}

static size_t tab_index(Ide *ide, Tab *t);

Tab *ide_tab_of(Ide *ide, const char *path)
{
    for (size_t i = 0; i < ide->ntabs; i++)
        if (ide->tabs[i]->doc->path && !strcmp(ide->tabs[i]->doc->path, path))
            return ide->tabs[i];
    return NULL;
}

Tab *ide_tab(Ide *ide)
{
    return ide->ntabs ? ide->tabs[ide->active] : NULL;
}

const char *ide_key(Ide *ide, Action a)
{
    char *buf = ide->key_names[ide->key_name_next++ % 4];
    size_t size = sizeof ide->key_names[0];
    if (!*keymap_key_of(&ide->keys, a, buf, size))
        snprintf(buf, size, "%s (no key)", action_name(a));
    return buf;
}

void ide_keys_in(Ide *ide, const char *text, char *out, size_t size)
{
    StrBuf sb = {0};
    for (const char *c = text; *c; c++) {
        const char *end = *c == '{' ? strchr(c, '}') : NULL;
        char name[32];
        Action a = ACT_NONE;
        if (end && end - c - 1 < (ptrdiff_t)sizeof name) {
            snprintf(name, sizeof name, "%.*s", (int)(end - c - 1), c + 1);
            a = action_by_name(name);
        }
        if (a == ACT_NONE) {
            sb_append(&sb, c, 1);
            continue;
        }
        const char *key = ide_key(ide, a);
        sb_append(&sb, key, strlen(key));
        c = end;
    }
    snprintf(out, size, "%.*s", (int)sb.len, sb.data ? sb.data : "");
    sb_free(&sb);
}

void ide_message(Ide *ide, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ide->msg, sizeof ide->msg, fmt, ap);
    va_end(ap);
    /* One line: a message never spills over the screen. */
    for (char *p = ide->msg; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    ide->msg_error = error;
    ide->msg_folded = false;
    ide->msg_over_prompt = ide->prompt.active;
    ide->msg_until = now_ms() + (error ? 2 * MESSAGE_MS : MESSAGE_MS);
    ide->dirty = true;
}

EditorEnv ide_env(Ide *ide)
{
    return (EditorEnv){&ide->app->cfg, &ide->clipboard, &ide->clip_lines, &ide->cut_chain};
}

static void wake(void *ud)
{
    Ide *ide = ud;
    uint64_t one = 1;
    (void)!write(ide->wake_fd, &one, sizeof one);
}

/* A path relative to the root when it is inside it. */
static const char *shown_path(const Ide *ide, const char *path)
{
    size_t n = strlen(ide->root);
    if (path && !strncmp(path, ide->root, n) && path[n] == '/')
        return path + n + 1;
    return path ? path : "untitled";
}

/* A message with the root's folder taken out of the paths in it. */
static const char *short_paths(const Ide *ide, const char *msg)
{
    static char out[1024];
    size_t n = strlen(ide->root), o = 0;
    for (const char *p = msg; *p && o < sizeof out - 1;) {
        if (!strncmp(p, ide->root, n) && p[n] == '/' && n > 1) {
            p += n + 1;
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = '\0';
    return out;
}

/* ---------------------------------------------------------------- tabs */

static void on_tab_edit(void *ud, Buffer *b, const BufferEdit *e)
{
    (void)b;
    (void)e;
    Tab *t = ud;
    t->changed_ms = now_ms();
    t->ide->dirty = true;
}

static void recovery_forget(Tab *t);
static void recovery_drop(Tab *t, bool give_back);

/* A recovery slot for the tab's file, or for an untitled tab's text (kept
 * for the IDE's folder); without one (the state folder unwritable, every
 * slot taken) the file is edited as before, unguarded, and the user is
 * told. */
static void claim_recovery(Tab *t)
{
    Err err;
    const Paths *paths = &t->ide->app->paths;
    recovery_forget(t);
    t->rec_adopted = false;
    bool ok = t->doc->path ? recovery_claim(paths, t->doc->path, &t->rec, &err)
              : t->ide->root ? recovery_claim_untitled(paths, t->ide->root, false, &t->rec, &err)
                             : true;
    if (!ok)
        ide_message(t->ide, true, "%s", err.msg);
}

static Tab *tab_new(Ide *ide, Document *doc)
{
    Tab *t = xcalloc(1, sizeof *t);
    t->ide = ide;
    t->doc = doc;
    t->view = view_new(doc, ide->app->cfg.tab_width);
    /* A file a run wrote, as tide keeps it: what tide files, tide export
     * and F7 read back, not to be changed under them. */
    doc->locked = doc->path && session_run_file(ide->app, doc->path, NULL, NULL, NULL);
    t->listen = buffer_listen(doc->buf, on_tab_edit, t);
    t->rec_version = buffer_version(doc->buf);
    t->rec = (RecoveryClaim){.lock_fd = -1};
    claim_recovery(t);
    /* F5 runs the file as it was last run with Ctrl-F5, even in an
     * earlier tide. */
    char *line = doc->path ? runline_load(&ide->app->paths, doc->path) : NULL;
    Err err;
    if (line && args_split(line, &t->run_args, &t->run_input, &err)) {
        t->run_line_kept = line;
        t->run_line_path = xstrdup(doc->path);
    } else {
        free(line);
    }
    return t;
}

static void tab_free(Tab *t)
{
    sl_free(&t->run_args);
    free(t->run_input);
    free(t->run_line_kept);
    free(t->run_line_path);
    view_free(t->view);
    buffer_unlisten(t->doc->buf, t->listen);
    document_free(t->doc);
    recovery_release(&t->rec);
    free(t);
}

static void add_tab(Ide *ide, Tab *t)
{
    ide->tabs = xreallocarray(ide->tabs, ide->ntabs + 1, sizeof *ide->tabs);
    ide->tabs[ide->ntabs++] = t;
    ide->active = ide->ntabs - 1;
    ide->focus = FOCUS_EDITOR;
    ide->dirty = true;
}

void ide_switch_tab(Ide *ide, size_t i)
{
    if (i >= ide->ntabs)
        return;
    if (i != ide->active)
        find_clear(ide);
    ide->active = i;
    ide->focus = FOCUS_EDITOR;
    ide->dirty = true;
}

static void new_untitled(Ide *ide)
{
    add_tab(ide, tab_new(ide, document_new()));
}

void ide_close_tab(Ide *ide, size_t i)
{
    if (i >= ide->ntabs)
        return;
    Tab *t = ide->tabs[i];
    if (t->saving) {
        ide_message(ide, false, "%s is being saved; close it once that is done", document_name(t->doc));
        return;
    }
    /* Closed on purpose: its recovery file is no longer wanted. */
    recovery_drop(t, true);
    tab_free(t);
    memmove(&ide->tabs[i], &ide->tabs[i + 1], (ide->ntabs - i - 1) * sizeof *ide->tabs);
    ide->ntabs--;
    if (ide->active >= ide->ntabs && ide->active > 0)
        ide->active = ide->ntabs - 1;
    else if (ide->active > i)
        ide->active--;
    find_clear(ide);
    ide->dirty = true;
}

/* ---------------------------------------------------------------- recovery */

typedef struct RecoveryJob {
    Ide *ide;
    char *rec_path, *file_path; /* untitled: file_path is the IDE's folder */
    bool untitled;
    BufferSnapshot *snap; /* NULL: remove the file */
    RecoveryClaim slot;   /* given back once done (lock_fd -1: none) */
    bool ok;
    Err err;
} RecoveryJob;

static void recovery_job_run(void *arg)
{
    RecoveryJob *j = arg;
    if (j->snap && j->untitled)
        j->ok = recovery_write_untitled(j->rec_path, j->file_path, j->snap, &j->err);
    else if (j->snap)
        j->ok = recovery_write(j->rec_path, j->file_path, j->snap, &j->err);
    else
        recovery_remove(j->rec_path), j->ok = true;
}

static void recovery_job_done(void *arg)
{
    RecoveryJob *j = arg;
    if (!j->ok)
        ide_message(j->ide, true, "%s", j->err.msg);
    recovery_release(&j->slot);
    snapshot_unref(j->snap);
    free(j->rec_path);
    free(j->file_path);
    free(j);
}

static void recovery_tick(Ide *ide, long long now)
{
    for (size_t i = 0; i < ide->ntabs; i++) {
        Tab *t = ide->tabs[i];
        uint64_t v = buffer_version(t->doc->buf);
        if (!t->rec.path || v == t->rec_version || now - t->changed_ms < RECOVERY_DELAY_MS)
            continue;
        bool modified = buffer_modified(t->doc->buf);
        if (modified || t->rec_written) {
            RecoveryJob *j = xcalloc(1, sizeof *j);
            j->ide = ide;
            j->rec_path = xstrdup(t->rec.path);
            j->untitled = !t->doc->path;
            j->file_path = xstrdup(t->doc->path ? t->doc->path : t->rec.folder);
            j->snap = modified ? buffer_snapshot(t->doc->buf) : NULL;
            j->slot = (RecoveryClaim){.lock_fd = -1};
            worker_submit(ide->io, recovery_job_run, recovery_job_done, j);
            t->rec_written = modified;
        }
        t->rec_version = v;
    }
}

/* The tab's recovery file is no longer wanted (saved, closed, thrown
 * away).  It is removed on the worker, after any write of it still queued
 * there, which would otherwise bring it back; with give_back, the slot
 * goes too, only then, so no other IDE takes the file over in between. */
static void recovery_drop(Tab *t, bool give_back)
{
    if (t->rec_written && t->rec.path) {
        RecoveryJob *j = xcalloc(1, sizeof *j);
        j->ide = t->ide;
        j->rec_path = xstrdup(t->rec.path);
        j->slot = (RecoveryClaim){.lock_fd = -1};
        if (give_back) {
            j->slot = t->rec;
            t->rec = (RecoveryClaim){.lock_fd = -1};
        }
        worker_submit(t->ide->io, recovery_job_run, recovery_job_done, j);
    }
    t->rec_written = false;
    if (give_back)
        recovery_release(&t->rec);
}

/* The tab's file has a new name (Save As): the recovery file kept under
 * the old one would be offered the next time that file is opened, as if
 * its changes had been lost.  The changes are kept again under the new
 * name at the next tick while the buffer is modified (a failed save). */
static void recovery_forget(Tab *t)
{
    recovery_drop(t, true);
    t->rec_version = buffer_version(t->doc->buf) - 1;
}

/* Write every recovery file now, on this thread: the terminal is going
 * away (SIGHUP) or we were told to stop. */
static void recovery_flush(Ide *ide)
{
    for (size_t i = 0; i < ide->ntabs; i++) {
        Tab *t = ide->tabs[i];
        if (!t->rec.path || !buffer_modified(t->doc->buf))
            continue;
        BufferSnapshot *s = buffer_snapshot(t->doc->buf);
        Err err;
        if (t->doc->path)
            (void)recovery_write(t->rec.path, t->doc->path, s, &err);
        else
            (void)recovery_write_untitled(t->rec.path, t->rec.folder, s, &err);
        snapshot_unref(s);
    }
}

typedef struct AsideJob {
    Ide *ide;
    char *rec_path, *name, *aside;
    bool ok;
    Err err;
} AsideJob;

static void aside_job_run(void *arg)
{
    AsideJob *j = arg;
    j->ok = recovery_set_aside(&j->ide->app->paths, j->rec_path, &j->aside, &j->err);
}

/* path for a message, a folder below the home folder as ~/...: returns
 * "~" or "" to print before *rest. */
static const char *home_relative(const char *path, const char **rest)
{
    const char *home = getenv("HOME");
    size_t n = home && home[0] == '/' && home[1] ? strlen(home) : 0;
    bool under = n && !strncmp(path, home, n) && path[n] == '/';
    *rest = path + (under ? n : 0);
    return under ? "~" : "";
}

static void aside_job_done(void *arg)
{
    AsideJob *j = arg;
    if (j->ok) {
        const char *rest;
        const char *tilde = home_relative(j->aside, &rest);
        ide_message(j->ide, false, "%s not restored: its changes are kept in %s%s (%s opens it)", j->name, tilde,
                    rest, ide_key(j->ide, ACT_OPEN));
    } else {
        ide_message(j->ide, true, "%s not restored, and its changes could not be set aside: %s", j->name,
                    j->err.msg);
    }
    free(j->rec_path);
    free(j->name);
    free(j->aside);
    free(j);
}

/* Not restored: kept aside all the same, where no autosave writes.  On
 * the io worker (a copy and an fsync), before any later recovery write of
 * the tab's slot, which it queues behind. */
static void set_aside(Ide *ide, Tab *t)
{
    AsideJob *j = xcalloc(1, sizeof *j);
    j->ide = ide;
    j->rec_path = xstrdup(t->rec.path);
    j->name = xstrdup(document_name(t->doc));
    worker_submit(ide->io, aside_job_run, aside_job_done, j);
}

static bool offer_untitled_recovery(Ide *ide);

static void on_restore_cancel(Ide *ide, void *ud)
{
    Tab *t = ud;
    for (size_t i = 0; i < ide->ntabs; i++)
        if (ide->tabs[i] == t) {
            set_aside(ide, t);
            break;
        }
    offer_untitled_recovery(ide);
}

static void on_restore_answer(Ide *ide, const char *answer, void *ud)
{
    Tab *t = ud;
    bool found = false;
    for (size_t i = 0; i < ide->ntabs; i++)
        found |= ide->tabs[i] == t;
    if (!found)
        return;
    Recovery r;
    Err err;
    if (answer[0] != 'y') {
        set_aside(ide, t);
        offer_untitled_recovery(ide);
        return;
    }
    if (!recovery_read(t->rec.path, &r, &err)) {
        ide_message(ide, true, "%s", err.msg[0] ? err.msg : "the recovery file is gone");
        offer_untitled_recovery(ide);
        return;
    }
    Buffer *b = t->doc->buf;
    buffer_checkpoint(b, 0);
    buffer_replace(b, 0, buffer_length(b), r.data, r.len);
    buffer_checkpoint(b, 0);
    recovery_free(&r);
    t->rec_written = true; /* ours now: replaced as the user goes on */
    if (t->doc->path) {
        ide_message(ide, false, "restored the unsaved changes of %s: save to keep them (%s undoes)",
                    document_name(t->doc), ide_key(ide, ACT_UNDO));
    } else {
        /* The IDE started on its folder, in the tree: the text is what the
         * user wants to see. */
        ide_switch_tab(ide, tab_index(ide, t));
        ide_message(ide, false, "restored the text of an untitled tab: %s saves it under a name (%s undoes)",
                    ide_key(ide, ACT_SAVE), ide_key(ide, ACT_UNDO));
    }
    offer_untitled_recovery(ide);
}

/* What to know about a file just opened, on the status bar. */
static void say_opened(Ide *ide, const Tab *t)
{
    const Document *d = t->doc;
    if (d->locked)
        ide_message(ide, false, "%s is tide's record of a run: read-only (%s saves a copy to edit)",
                    document_name(d), ide_key(ide, ACT_SAVE_AS));
    else if (t->rec.others && t->rec.other_pid)
        ide_message(ide, false, "%s is also open in another tide (pid %ld): better edit it in one only",
                    shown_path(ide, d->path), t->rec.other_pid);
    else if (t->rec.others)
        ide_message(ide, false, "%s is also open in another tide: better edit it in one only",
                    shown_path(ide, d->path));
    else if (!d->disk.exists)
        ide_message(ide, false, "%s is a new file: %s creates it", shown_path(ide, d->path), ide_key(ide, ACT_SAVE));
    else if (document_on_read_only_mount(d))
        ide_message(ide, false, "%s is on a read-only file system: %s saves a copy elsewhere", shown_path(ide, d->path),
                    ide_key(ide, ACT_SAVE_AS));
    else if (document_read_only(d))
        ide_message(ide, false, "%s is read-only: saving will ask first", shown_path(ide, d->path));
}

/* A recovery file for a file being opened: offer it when it differs from
 * what is on disk.  Whether it was offered. */
static bool offer_recovery(Ide *ide, Tab *t)
{
    Recovery r;
    Err err;
    if (!t->rec.path || !recovery_read(t->rec.path, &r, &err))
        return false;
    Buffer *b = t->doc->buf;
    bool same = r.len == buffer_length(b);
    for (size_t off = 0; same && off < r.len;) {
        size_t n;
        const char *c = buffer_chunk(b, off, &n);
        same = memcmp(c, r.data + off, n) == 0;
        off += n;
    }
    if (same) {
        recovery_remove(t->rec.path);
    } else {
        char when[64] = "";
        struct tm tm;
        if (localtime_r(&r.written, &tm))
            strftime(when, sizeof when, " (%H:%M, %d %b)", &tm);
        char q[400];
        if (t->doc->path)
            snprintf(q, sizeof q, "Restore the unsaved changes to %s%s that tide kept? (y/n) ",
                     document_name(t->doc), when);
        else
            snprintf(q, sizeof q, "Restore the text of an untitled tab%s that tide kept? (y/n) ", when);
        prompt_choice(ide, q, "yn", on_restore_answer, on_restore_cancel, t);
    }
    recovery_free(&r);
    return !same;
}

/* The text of an untitled tab a crash (or a closed terminal) left for
 * this folder: offered back in an untitled tab, the empty one the IDE
 * starts with or one of its own, one at a time (each answer asks about the
 * next).  Whether a question is asked. */
static bool offer_untitled_recovery(Ide *ide)
{
    while (!ide->prompt.active && ide->root) {
        RecoveryClaim c;
        Err err;
        if (!recovery_claim_untitled(&ide->app->paths, ide->root, true, &c, &err) || !c.path) {
            recovery_release(&c);
            return false;
        }
        Tab *t = ide_tab(ide);
        if (!t || t->doc->path || t->rec_adopted || t->rec_written || buffer_can_undo(t->doc->buf) ||
            buffer_length(t->doc->buf)) {
            new_untitled(ide);
            t = ide_tab(ide);
        }
        recovery_release(&t->rec);
        t->rec = c;
        t->rec_adopted = true;
        if (offer_recovery(ide, t))
            return true;
        t->rec_adopted = false; /* it was empty, and is gone: the tab may take the next */
    }
    return false;
}

/* ---------------------------------------------------------------- open */

bool ide_open(Ide *ide, const char *path)
{
    char *full = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", ide->root, path);
    /* A picture (a plot the program saved) is shown, not opened as bytes. */
    bool ok = true;
    if (picture_sniff(full))
        imageview_open(ide, full);
    else
        ok = ide_open_text(ide, full, NULL);
    free(full);
    return ok;
}

bool ide_restore_text(Ide *ide, const char *full, const char *text, size_t len, const char *what)
{
    if (!ide_open_text(ide, full, NULL))
        return false;
    Tab *t = ide_tab(ide);
    Buffer *b = t->doc->buf;
    ide->focus = FOCUS_EDITOR;
    ide->dirty = true;
    size_t have = buffer_length(b);
    char *now = buffer_dup(b, 0, have, NULL);
    bool same = have == len && memcmp(now, text, len) == 0;
    free(now);
    if (same) {
        ide_message(ide, false, "%s already holds the code of %s", document_name(t->doc), what);
        return true;
    }
    /* The cursor stays on its line, as far as the code has it. */
    size_t line = buffer_line_of(b, t->view->cursor);
    buffer_checkpoint(b, 0);
    buffer_replace(b, 0, have, text, len);
    buffer_checkpoint(b, 0);
    view_goto(t->view, line, 0);
    ide_message(ide, false, "%s: the code of %s (not saved; %s brings yours back)", document_name(t->doc),
                what, ide_key(ide, ACT_UNDO));
    return true;
}

void ide_refuse_record(Ide *ide, const char *path, const char *what, const char *how)
{
    int64_t sid, rid;
    char *name;
    if (!session_run_file(ide->app, path, &sid, &rid, &name))
        ide_message(ide, true, "not %s: %s is tide's record of a run (%s)", what, fileio_base_name(path), how);
    else if (!name[0])
        ide_message(ide, true,
                    "not %s: the files run #%lld wrote are tide's record of it (%s; tide export %lld NAME --result "
                    "%lld copies one out)",
                    what, (long long)rid, how, (long long)sid, (long long)rid);
    else
        ide_message(ide, true, "not %s: %s is tide's record of run #%lld (%s; tide export %lld %s --result %lld "
                    "copies it out)",
                    what, name, (long long)rid, how, (long long)sid, name, (long long)rid);
    free(name);
}

/* The same for a tab's file (path): Save As makes a copy. */
static void refuse_record_tab(Ide *ide, const char *path, const char *what)
{
    char how[96];
    snprintf(how, sizeof how, "%s saves a copy elsewhere", ide_key(ide, ACT_SAVE_AS));
    ide_refuse_record(ide, path, what, how);
}

bool ide_open_text(Ide *ide, const char *full, const char *why)
{
    Document *d;
    Err err;
    if (!document_open(full, &d, &err)) {
        ide_message(ide, true, "%s", err.msg);
        return false;
    }
    Tab *open = ide_tab_of(ide, d->path);
    if (open) {
        document_free(d);
        ide_switch_tab(ide, tab_index(ide, open));
        return true;
    }
    /* An untouched empty tab gives way to the file. */
    Tab *cur = ide_tab(ide);
    if (cur && !cur->doc->path && !buffer_can_undo(cur->doc->buf) && buffer_length(cur->doc->buf) == 0)
        ide_close_tab(ide, ide->active);
    Tab *t = tab_new(ide, d);
    add_tab(ide, t);
    say_opened(ide, t);
    if (why)
        ide_message(ide, true, "%s; here are its bytes", why);
    offer_recovery(ide, t);
    return true;
}

/* FILE:LINE or FILE:LINE:COL (a trailing colon too), as compilers name a
 * place and other editors take it, when PATH is no file itself and FILE
 * is one: *file is FILE, *line and *col from 1 (col 1 when not given). */
static bool split_place(const char *path, char **file, long *line, long *col)
{
    struct stat st;
    if (lstat(path, &st) == 0)
        return false;
    size_t n = strlen(path);
    if (n && path[n - 1] == ':')
        n--;
    /* From the end: the last number, then maybe one before it; ends[k] is
     * where FILE ends when k + 1 numbers follow it. */
    long nums[2] = {0, 0};
    size_t ends[2];
    int k = 0;
    while (k < 2) {
        size_t start = n;
        while (start > 0 && path[start - 1] >= '0' && path[start - 1] <= '9')
            start--;
        if (start == n || n - start > 9 || start < 2 || path[start - 1] != ':')
            break;
        nums[k] = strtol(path + start, NULL, 10);
        n = ends[k++] = start - 1;
    }
    /* FILE:LINE:COL, else FILE:LINE (a file named with a colon and a
     * number keeps them). */
    for (int use = k; use >= 1; use--) {
        char *f = xstrndup(path, ends[use - 1]);
        long l = nums[use - 1], c = use == 2 ? nums[0] : 1;
        if (l >= 1 && stat(f, &st) == 0 && S_ISREG(st.st_mode)) {
            *file = f;
            *line = l;
            *col = c >= 1 ? c : 1;
            return true;
        }
        free(f);
    }
    return false;
}

static void on_open(Ide *ide, const char *text, void *ud)
{
    (void)ud;
    if (!text[0])
        return;
    char *full = text[0] == '/' ? xstrdup(text) : xasprintf("%s/%s", ide->root, text);
    char *file;
    long line, col;
    if (split_place(full, &file, &line, &col)) {
        if (picture_sniff(file))
            imageview_open(ide, file);
        else if (ide_open_text(ide, file, NULL) && ide_tab(ide))
            view_goto(ide_tab(ide)->view, (size_t)line - 1, (size_t)col - 1);
        free(file);
    } else {
        ide_open(ide, text);
    }
    free(full);
}

/* ---------------------------------------------------------------- save */

typedef struct SaveJob {
    Ide *ide;
    Tab *tab;
    char *path;
    BufferSnapshot *snap;
    uint64_t state;
    DiskStamp stamp;
    AfterSave then;
    bool ok;
    Err err;
} SaveJob;

static void quit_continue(Ide *ide);
static void after_save(Ide *ide, Tab *t, AfterSave then);
/* Saved under the name of a file open in another tab (Save As over it):
 * that tab showed what the file was, and goes if it has no changes of its
 * own; one with changes stays, and asks before it saves over this. */
static void close_other_views(Ide *ide, Tab *t)
{
    for (size_t i = ide->ntabs; i-- > 0;) {
        Tab *o = ide->tabs[i];
        if (o != t && o->doc->path && t->doc->path && !strcmp(o->doc->path, t->doc->path) && !o->saving &&
            !buffer_modified(o->doc->buf))
            ide_close_tab(ide, i);
    }
}

static void save_job_run(void *arg)
{
    SaveJob *j = arg;
    j->ok = document_write(j->path, j->snap, &j->stamp, &j->err);
}

static void save_job_done(void *arg)
{
    SaveJob *j = arg;
    Ide *ide = j->ide;
    Tab *t = j->tab;
    t->saving = false;
    if (j->ok) {
        Document *d = t->doc;
        if (d->path && !strcmp(d->path, j->path)) {
            d->disk = j->stamp;
            buffer_mark_saved(d->buf, j->state);
        }
        if (document_take_shebang(d))
            view_reattach(t->view); /* highlighted as what it is */
        t->disk_noticed = false;
        if (!buffer_modified(d->buf) && t->rec_written) {
            recovery_drop(t, false);
            t->rec_version = buffer_version(d->buf);
        }
        size_t len = snapshot_length(j->snap), lines = buffer_line_count(d->buf);
        if (len && buffer_byte(d->buf, buffer_length(d->buf) - 1) == '\n')
            lines--;
        ide_message(ide, false, "saved %s: %zu line%s, %zu byte%s", shown_path(ide, j->path), lines,
                    lines == 1 ? "" : "s", len, len == 1 ? "" : "s");
        close_other_views(ide, t);
        explorer_refresh(ide); /* a new file is in the tree with the message, not at the next look */
        after_save(ide, t, j->then);
    } else {
        /* What matters most first: a message wider than the status bar
         * (80 columns) loses its end. */
        ide_message(ide, true, "your edits are kept: %s (the file is unchanged; %s saves them elsewhere)",
                    short_paths(ide, j->err.msg), ide_key(ide, ACT_SAVE_AS));
        ide->quitting = false;
        if (j->then == THEN_RUN)
            panel_cancel_start(ide);
    }
    snapshot_unref(j->snap);
    free(j->path);
    free(j);
}

static size_t tab_index(Ide *ide, Tab *t)
{
    for (size_t i = 0; i < ide->ntabs; i++)
        if (ide->tabs[i] == t)
            return i;
    return SIZE_MAX;
}

static Tab *program_tab(Ide *ide, Tab *t, bool open);

/* Run t's program now (its files are on disk). */
static void run_now(Ide *ide, Tab *t)
{
    Tab *cur = ide_tab(ide);
    if (cur && cur != t && program_tab(ide, cur, false) == t)
        ide_message(ide, false, "%s has no main of its own: %s runs %s, the program it is part of",
                    document_name(cur->doc), ide_key(ide, ACT_RUN), document_name(t->doc));
    panel_run(ide, t);
}

static void after_save(Ide *ide, Tab *t, AfterSave then)
{
    switch (then) {
    case THEN_CLOSE:
        ide_close_tab(ide, tab_index(ide, t));
        if (!ide->ntabs)
            new_untitled(ide);
        break;
    case THEN_QUIT:
        quit_continue(ide);
        break;
    case THEN_RUN:
        run_now(ide, t);
        break;
    case THEN_NOTHING:
        break;
    }
}

static void start_save(Ide *ide, Tab *t, AfterSave then)
{
    SaveJob *j = xcalloc(1, sizeof *j);
    j->ide = ide;
    j->tab = t;
    j->path = xstrdup(t->doc->path);
    j->snap = buffer_snapshot(t->doc->buf);
    j->state = buffer_state(t->doc->buf);
    j->then = then;
    t->saving = true;
    worker_submit(ide->io, save_job_run, save_job_done, j);
}

typedef struct SaveAsk {
    Tab *tab;
    AfterSave then;
    char *target; /* Save as over an existing file: its path, as typed in name */
    char *name;
} SaveAsk;

static SaveAsk pending_save; /* what the save prompts are about (one at a time) */

static bool tab_alive(Ide *ide, Tab *t)
{
    return tab_index(ide, t) != SIZE_MAX;
}

/* A run that waits for the saves F5 started of other files: the io
 * worker writes in order, so this job's end comes after theirs. */
typedef struct RunAfterSaves {
    Ide *ide;
    Tab *tab;
} RunAfterSaves;

static void after_saves_wait(void *arg)
{
    (void)arg;
}

static void after_saves_run(void *arg)
{
    RunAfterSaves *r = arg;
    if (!r->ide->quit && tab_alive(r->ide, r->tab))
        run_now(r->ide, r->tab);
    else
        panel_cancel_start(r->ide);
    free(r);
}

static void run_after_saves(Ide *ide, Tab *t)
{
    RunAfterSaves *r = xcalloc(1, sizeof *r);
    r->ide = ide;
    r->tab = t;
    worker_submit(ide->io, after_saves_wait, after_saves_run, r);
}

static void on_overwrite_answer(Ide *ide, const char *answer, void *ud)
{
    (void)ud;
    Tab *t = pending_save.tab;
    if (!tab_alive(ide, t))
        return;
    if (answer[0] == 'y') {
        start_save(ide, t, pending_save.then);
    } else if (answer[0] == 'r') {
        panel_cancel_start(ide);
        Err err;
        if (document_reload(t->doc, &err))
            ide_message(ide, false, "reloaded %s from disk (%s brings your version back)", document_name(t->doc),
                        ide_key(ide, ACT_UNDO));
        else
            ide_message(ide, true, "%s", err.msg);
        ide->quitting = false;
    }
}

static void save_cancelled(Ide *ide, void *ud)
{
    (void)ud;
    ide->quitting = false;
    panel_cancel_start(ide);
    ide_message(ide, false, "not saved");
}

static void on_save_as(Ide *ide, const char *text, void *ud);

static void forget_target(void)
{
    free(pending_save.target);
    free(pending_save.name);
    pending_save.target = pending_save.name = NULL;
}

/* The tab takes the name given to Save as: its recovery file and its
 * highlighting follow. */
static bool take_path(Ide *ide, Tab *t, const char *full)
{
    Err err;
    if (!document_set_path(t->doc, full, &err)) {
        ide_message(ide, true, "%s", err.msg);
        return false;
    }
    t->doc->locked = false; /* a copy elsewhere (on_save_as refuses a record's place) */
    claim_recovery(t);
    view_reattach(t->view);
    return true;
}

/* Save as over an existing file: the tab keeps its own name until the
 * answer is yes; no asks for another name. */
static void on_replace_answer(Ide *ide, const char *answer, void *ud)
{
    (void)ud;
    Tab *t = pending_save.tab;
    char *full = pending_save.target, *name = pending_save.name;
    pending_save.target = pending_save.name = NULL;
    if (tab_alive(ide, t) && answer[0] == 'y') {
        if (take_path(ide, t, full)) {
            t->doc->disk = (DiskStamp){0};
            start_save(ide, t, pending_save.then);
        } else {
            ide->quitting = false;
            panel_cancel_start(ide);
        }
    } else if (tab_alive(ide, t)) {
        prompt_text(ide, "Save as: ", name, on_save_as, NULL, save_cancelled, NULL);
        ide->prompt.complete_paths = true;
    }
    free(full);
    free(name);
}

static void replace_cancelled(Ide *ide, void *ud)
{
    forget_target();
    save_cancelled(ide, ud);
}

static void on_save_as(Ide *ide, const char *text, void *ud)
{
    (void)ud;
    Tab *t = pending_save.tab;
    if (!tab_alive(ide, t) || !text[0]) {
        ide->quitting = false;
        panel_cancel_start(ide);
        return;
    }
    char *full = text[0] == '/' ? xstrdup(text) : xasprintf("%s/%s", ide->root, text);
    if (session_run_file(ide->app, full, NULL, NULL, NULL)) {
        refuse_record_tab(ide, full, "saved");
        ide->quitting = false;
        panel_cancel_start(ide);
    } else if (fileio_is_dir(full)) {
        ide_message(ide, true, "%s is a folder: give a file name", text);
        ide->quitting = false;
        panel_cancel_start(ide);
    } else if (fileio_exists(full) && (!t->doc->path || strcmp(full, t->doc->path))) {
        /* Saving over another file asks first. */
        forget_target();
        pending_save.target = full;
        pending_save.name = xstrdup(text);
        char q[300];
        snprintf(q, sizeof q, "%.200s already exists. Replace it? (y)es, (n)o: another name, Esc ", text);
        prompt_choice(ide, q, "yn", on_replace_answer, replace_cancelled, NULL);
        return;
    } else if (!take_path(ide, t, full)) {
        ide->quitting = false;
        panel_cancel_start(ide);
    } else {
        start_save(ide, t, pending_save.then);
    }
    free(full);
}

/* A name to offer for a new file of a language, free in the open
 * folder: the language's usual file (main.c), else main2.c, main3.c ... so
 * that Enter gives a name the compiler takes; for Java, the name of the
 * public class the text declares.  NULL without a language. */
static char *suggested_name(const Ide *ide, const Document *d)
{
    if (!d->lang || !d->lang->starter_file)
        return NULL;
    if (d->lang->id == LANG_JAVA) {
        size_t len = buffer_length(d->buf);
        len = len < (1u << 16) ? len : (1u << 16);
        char *text = buffer_dup(d->buf, 0, len, NULL);
        char *type = srcdeps_java_public_class(text, len);
        free(text);
        if (type) {
            char *name = xasprintf("%s.java", type);
            free(type);
            return name;
        }
    }
    const char *file = d->lang->starter_file, *dot = strrchr(file, '.');
    int stem = (int)(dot - file);
    for (int n = 1; n < 100; n++) {
        char *name = n == 1 ? xstrdup(file) : xasprintf("%.*s%d%s", stem, file, n, dot);
        char *full = xasprintf("%s/%s", ide->root, name);
        bool taken = fileio_exists(full);
        free(full);
        if (!taken)
            return name;
        free(name);
    }
    return NULL;
}

void ide_save(Ide *ide, Tab *t, AfterSave then)
{
    if (!t)
        return;
    if (t->saving) {
        ide_message(ide, false, "already saving %s", document_name(t->doc));
        return;
    }
    forget_target();
    pending_save = (SaveAsk){.tab = t, .then = then};
    if (!t->doc->path) {
        ide_switch_tab(ide, tab_index(ide, t));
        char *name = suggested_name(ide, t->doc);
        prompt_text(ide, "Save as: ", name, on_save_as, NULL, save_cancelled, NULL);
        ide->prompt.complete_paths = true;
        free(name);
        return;
    }
    if (t->doc->locked) {
        refuse_record_tab(ide, t->doc->path, "saved");
        return;
    }
    /* No answer makes a read-only mount writable: say so at once. */
    if (document_on_read_only_mount(t->doc)) {
        ide->quitting = false;
        panel_cancel_start(ide);
        ide_message(ide, true, "your edits are kept: %s is on a read-only file system (%s saves them elsewhere)",
                    shown_path(ide, t->doc->path), ide_key(ide, ACT_SAVE_AS));
        return;
    }
    /* Replacing a file that changed on disk, or a read-only one, asks.
     * One deleted there is written again, as the status bar said it
     * would be: there is nothing to overwrite or reload. */
    bool changed = document_disk_changed(t->doc) && disk_stamp(t->doc->path).exists;
    if (changed || document_read_only(t->doc)) {
        ide_switch_tab(ide, tab_index(ide, t));
        char q[400];
        snprintf(q, sizeof q,
                 changed ? "%s changed on disk since tide read it. Overwrite it? (y)es, (r)eload from disk, Esc "
                         : "%s is read-only. Save over it anyway (it stays read-only)? (y)es, Esc ",
                 shown_path(ide, t->doc->path));
        prompt_choice(ide, q, changed ? "yr" : "y", on_overwrite_answer, save_cancelled, NULL);
        return;
    }
    start_save(ide, t, then);
}

static void save_as_start(Ide *ide)
{
    Tab *t = ide_tab(ide);
    if (!t)
        return;
    forget_target();
    pending_save = (SaveAsk){.tab = t, .then = THEN_NOTHING};
    /* A run's record is copied to the folder opened, under its name. */
    char *name = t->doc->locked ? xstrdup(document_name(t->doc))
                 : t->doc->path ? xstrdup(shown_path(ide, t->doc->path))
                                : suggested_name(ide, t->doc);
    prompt_text(ide, "Save as: ", name, on_save_as, NULL, save_cancelled, NULL);
    ide->prompt.complete_paths = true;
    free(name);
}

/* ---------------------------------------------------------------- close, quit */

static void on_close_answer(Ide *ide, const char *answer, void *ud)
{
    Tab *t = ud;
    if (!tab_alive(ide, t))
        return;
    if (answer[0] == 'y') {
        ide_save(ide, t, THEN_CLOSE);
    } else {
        ide_close_tab(ide, tab_index(ide, t));
        if (!ide->ntabs)
            new_untitled(ide);
    }
}

static void close_request(Ide *ide)
{
    Tab *t = ide_tab(ide);
    if (!t)
        return;
    if (buffer_modified(t->doc->buf)) {
        char q[300];
        snprintf(q, sizeof q, "Save the changes to %s? (y)es, (n)o: close and lose them, Esc: cancel ",
                 document_name(t->doc));
        prompt_choice(ide, q, "yn", on_close_answer, NULL, t);
        return;
    }
    ide_close_tab(ide, ide->active);
    if (!ide->ntabs)
        new_untitled(ide);
}

static void quit_continue(Ide *ide)
{
    if (!ide->quitting)
        return;
    bool saving = false;
    for (size_t i = 0; i < ide->ntabs; i++) {
        Tab *t = ide->tabs[i];
        saving |= t->saving;
        if (!t->saving && buffer_modified(t->doc->buf)) {
            ide_save(ide, t, THEN_QUIT);
            return;
        }
    }
    if (!saving)
        ide->quit = true;
}

static void on_quit_answer(Ide *ide, const char *answer, void *ud)
{
    (void)ud;
    if (answer[0] == 'n') {
        /* The user chose to lose them: no recovery file either. */
        for (size_t i = 0; i < ide->ntabs; i++)
            recovery_drop(ide->tabs[i], false);
        ide->quit = true;
        return;
    }
    ide->quitting = true;
    quit_continue(ide);
}

/* Quitting with unsaved changes asks what to do with them. */
static void quit_ask_unsaved(Ide *ide)
{
    StrBuf names = {0};
    size_t n = 0;
    for (size_t i = 0; i < ide->ntabs; i++) {
        if (!buffer_modified(ide->tabs[i]->doc->buf))
            continue;
        if (n++ < 3)
            sb_printf(&names, "%s%s", n > 1 ? ", " : "", document_name(ide->tabs[i]->doc));
    }
    if (n == 0) {
        ide->quitting = true;
        quit_continue(ide);
        sb_free(&names);
        return;
    }
    char q[600];
    snprintf(q, sizeof q, "Save the changes to %s%s before quitting? (y)es, (n)o: quit and lose them, Esc: stay ",
             names.data, n > 3 ? " and others" : "");
    prompt_choice(ide, q, "yn", on_quit_answer, NULL, NULL);
    sb_free(&names);
}

static void on_quit_running_answer(Ide *ide, const char *answer, void *ud)
{
    (void)answer;
    (void)ud;
    quit_ask_unsaved(ide);
}

/* Quitting stops a running program (recorded as killed): that is asked
 * first, as a long run is easily lost to a stray Ctrl-Q. */
static void quit_request(Ide *ide)
{
    if (panel_running(ide->panel)) {
        prompt_choice(ide, "A program is running. Quit and stop it? (y)es, Esc: stay ", "y",
                      on_quit_running_answer, NULL, NULL);
        return;
    }
    quit_ask_unsaved(ide);
}

/* ---------------------------------------------------------------- disk */

/* A look at the open files and the explorer's open folders on disk,
 * taken on the io worker: a stat on a network mount can take long, and on
 * a hung one forever, and the keys must not wait for it. */
typedef struct DiskLookFile {
    Tab *tab;
    char *path;
    DiskStamp before, now; /* what the tab had when asked; what is there */
} DiskLookFile;

typedef struct DiskLook {
    Ide *ide;
    DiskLookFile *f;
    size_t n;
    ExplorerLook *tree; /* the explorer's open folders, when it shows */
} DiskLook;

static void disk_look_run(void *arg)
{
    DiskLook *l = arg;
    for (size_t i = 0; i < l->n; i++)
        l->f[i].now = disk_stamp(l->f[i].path);
    if (l->tree)
        explorer_look_run(l->tree);
}

static void disk_look_done(void *arg)
{
    DiskLook *l = arg;
    Ide *ide = l->ide;
    ide->disk_looking = false;
    if (l->tree && !ide->quit && ide->explorer)
        explorer_look_apply(ide, l->tree);
    explorer_look_free(l->tree);
    for (size_t i = 0; i < l->n && !ide->quit; i++) {
        Tab *t = l->f[i].tab;
        if (!tab_alive(ide, t))
            continue;
        Document *d = t->doc;
        /* Saved, renamed or told since the look was asked: the next one
         * sees it as it is now. */
        if (!d->path || strcmp(d->path, l->f[i].path) != 0 || t->saving || t->disk_noticed ||
            !disk_stamp_equal(&d->disk, &l->f[i].before) || disk_stamp_equal(&l->f[i].now, &d->disk))
            continue;
        DiskStamp now_on_disk = l->f[i].now;
        if (!now_on_disk.exists) {
            if (d->disk.exists) {
                ide_message(ide, true, "%s was deleted or moved on disk; %s writes it again",
                            shown_path(ide, d->path), ide_key(ide, ACT_SAVE));
                buffer_mark_unsaved(d->buf);
                t->disk_noticed = true;
            }
            continue;
        }
        if (!buffer_modified(d->buf)) {
            Err err;
            if (document_reload(d, &err))
                ide_message(ide, false, "%s changed on disk: reloaded (%s goes back)", shown_path(ide, d->path),
                            ide_key(ide, ACT_UNDO));
            else
                ide_message(ide, true, "%s", err.msg);
        } else {
            ide_message(ide, true, "%s changed on disk; your unsaved edits are kept (saving will ask first)",
                        shown_path(ide, d->path));
            t->disk_noticed = true;
        }
    }
    for (size_t i = 0; i < l->n; i++)
        free(l->f[i].path);
    free(l->f);
    free(l);
}

static void disk_tick(Ide *ide, long long now)
{
    if (now - ide->last_disk_check < DISK_CHECK_MS)
        return;
    ide->last_disk_check = now;
    if (ide->disk_looking)
        return; /* the last look has not come back yet */
    DiskLook *l = xcalloc(1, sizeof *l);
    l->ide = ide;
    if (ide->explorer_visible && ide->explorer)
        l->tree = explorer_look_begin(ide);
    l->f = xcalloc(ide->ntabs ? ide->ntabs : 1, sizeof *l->f);
    for (size_t i = 0; i < ide->ntabs; i++) {
        Tab *t = ide->tabs[i];
        if (!t->doc->path || t->saving || t->disk_noticed)
            continue;
        l->f[l->n++] = (DiskLookFile){t, xstrdup(t->doc->path), t->doc->disk, {0}};
    }
    ide->disk_looking = true;
    worker_submit(ide->io, disk_look_run, disk_look_done, l);
}

/* ---------------------------------------------------------------- drawing */

static void blank_rect(Rect r, attr_t attr, short pair)
{
    if (r.w <= 0)
        return;
    cchar_t blank;
    setcchar(&blank, L" ", attr, pair, NULL);
    for (int y = r.y; y < r.y + r.h; y++)
        mvwhline_set(stdscr, y, r.x, &blank, r.w);
}

static void fill(Rect r, UiRole role)
{
    blank_rect(r, ui_style[role].attr, ui_style[role].pair);
    term_style(stdscr, role);
}

/* erase() but for the editor's area, which keeps what it shows. */
static void erase_around(Rect e)
{
    blank_rect((Rect){0, 0, e.y, COLS}, A_NORMAL, 0);
    blank_rect((Rect){e.y + e.h, 0, LINES - e.y - e.h, COLS}, A_NORMAL, 0);
    blank_rect((Rect){e.y, 0, e.h, e.x}, A_NORMAL, 0);
    blank_rect((Rect){e.y, e.x + e.w, e.h, COLS - e.x - e.w}, A_NORMAL, 0);
}

void ide_layout(Ide *ide)
{
    int h = LINES, w = COLS;
    ide->too_small = w < MIN_COLS || h < MIN_LINES;
    ide->r_tabs = (Rect){0, 0, 1, w};
    ide->r_status = (Rect){h - 1, 0, 1, w};
    Rect main = {1, 0, h - 2, w};
    if (ide->explorer_visible) {
        int ew = w / 5;
        ew = ew < 18 ? 18 : ew > 32 ? 32 : ew;
        ide->r_explorer = (Rect){main.y, 0, main.h, ew};
        main.x = ew + 1;
        main.w = w - ew - 1;
    } else {
        ide->r_explorer = (Rect){0, 0, 0, 0};
    }
    ide->r_panel = (Rect){0, 0, 0, 0};
    if (ide->panel_visible && main.h >= 8) {
        int ph = main.h * 2 / 5;
        ph = ph < 6 ? 6 : ph;
        if (main.h - ph < 3)
            ph = main.h - 3;
        ide->r_panel = (Rect){main.y + main.h - ph, main.x, ph, main.w};
        main.h -= ph;
    }
    ide->r_editor = main;
    row_cache_forget(&ide->rows);
}

/* A tab's label in the bar; returns its width in columns. */
static int tab_label(const Tab *t, char *buf, size_t size)
{
    snprintf(buf, size, " %s%s ", document_name(t->doc), buffer_modified(t->doc->buf) ? " +" : "");
    return term_text_cols(buf);
}

/* Where the bar starts (0, or left of the screen): scrolled so that the
 * active tab shows whole.  Each label is followed by a one-column
 * separator. */
static int tabs_start_x(const Ide *ide)
{
    char label[256];
    int before = 0, active = 0;
    for (size_t i = 0; i < ide->ntabs && i <= ide->active; i++) {
        int w = tab_label(ide->tabs[i], label, sizeof label) + 1;
        if (i < ide->active)
            before += w;
        else
            active = w;
    }
    return before + active > ide->r_tabs.w ? ide->r_tabs.w - before - active : 0;
}

static void draw_tabs(Ide *ide)
{
    Rect r = ide->r_tabs;
    fill(r, ROLE_TABBAR);
    int x = tabs_start_x(ide);
    bool left = x < 0;
    char label[256];
    size_t i = 0;
    for (; i < ide->ntabs && x < r.w; i++) {
        int w = tab_label(ide->tabs[i], label, sizeof label);
        if (x + w > 0) {
            term_style(stdscr, i == ide->active ? ROLE_TAB_ACTIVE : ROLE_TABBAR);
            int skip = x < 0 ? -x : 0;
            term_put(r.y, r.x + x + skip, label, skip, r.w - x - skip);
        }
        x += w;
        if (x < r.w && x >= 0) {
            term_style(stdscr, ROLE_TABBAR);
            mvwaddch(stdscr, r.y, x, ACS_VLINE);
        }
        x++;
    }
    /* Tabs off either end of the bar say so. */
    term_style(stdscr, ROLE_TABBAR);
    if (left && r.w > 2)
        mvwaddch(stdscr, r.y, r.x, '<');
    if ((i < ide->ntabs || x > r.w + 1) && r.w > 2)
        mvwaddch(stdscr, r.y, r.x + r.w - 1, '>');
}

#define MSG_ROWS_MAX 4

/* A message too long for the status bar wraps onto rows above it, over
 * the panes' last rows, for as long as it shows (a change of the panes'
 * size would resize a running program's terminal); one given while a
 * prompt is open (what a Tab could complete to) shows above the prompt.
 * Returns its rows (0: none to show); *covered: the panes' rows under it. */
static int message_rows(const Ide *ide, size_t *start, size_t *len, int *covered)
{
    *covered = 0;
    if (!ide->msg[0] || now_ms() >= ide->msg_until || ide->too_small || ide->overlay == OVERLAY_HELP ||
        ide->overlay == OVERLAY_IMAGE || ide->prompt.active != ide->msg_over_prompt)
        return 0;
    if (ide->msg_folded)
        return ide->prompt.active ? 0 : 1;
    int max = ide->r_status.y / 3 < MSG_ROWS_MAX ? ide->r_status.y / 3 : MSG_ROWS_MAX;
    if (max < 1)
        max = 1;
    int rows = term_wrap(ide->msg, ide->r_status.w - 2, start, len, max);
    *covered = ide->prompt.active ? rows : rows - 1;
    return rows;
}

/* The message's rows, the last of them at row `last`. */
static void draw_message(Ide *ide, int last, const size_t *start, const size_t *len, int rows)
{
    Rect m = {last - rows + 1, ide->r_status.x, rows, ide->r_status.w};
    fill(m, ide->msg_error ? ROLE_STATUS_ERROR : ROLE_STATUS);
    for (int i = 0; i < rows; i++) {
        char line[sizeof ide->msg];
        snprintf(line, sizeof line, "%.*s", (int)len[i], ide->msg + start[i]);
        term_put(m.y + i, m.x + 1, line, 0, m.w - 2);
    }
}

/* rows, start, len: the message as message_rows laid it out. */
static void draw_status(Ide *ide, Tab *t, int rows, const size_t *start, const size_t *len)
{
    Rect r = ide->r_status;
    bool msg = ide->msg[0] && now_ms() < ide->msg_until && !ide->msg_over_prompt;
    if (rows > 1) {
        draw_message(ide, r.y, start, len, rows);
        return;
    }
    fill(r, msg && ide->msg_error ? ROLE_STATUS_ERROR : ROLE_STATUS);
    char right[256] = "";
    if (t) {
        size_t line, col;
        view_cursor_pos(t->view, &line, &col);
        const char *lang = t->doc->lang ? t->doc->lang->name : "plain text";
        char sess[80] = "";
        if (ide->session)
            snprintf(sess, sizeof sess, "session %s  ", ide->session->name);
        bool run_err;
        const char *run = panel_state(ide, &run_err);
        /* The run's state is its file's: on another tab it names that
         * file, so it is not read as this one's. */
        const char *of = run ? panel_state_of(ide) : NULL;
        bool mine = !of || (t->doc->path && (!strcmp(of, t->doc->path) || panel_program_of(ide->panel, t->doc->path)));
        char runs[160] = "";
        if (run && mine)
            snprintf(runs, sizeof runs, "  [%s]", run);
        else if (run)
            snprintf(runs, sizeof runs, "  [%.60s: %s]", fileio_base_name(of), run);
        snprintf(right, sizeof right, " %s%s  Ln %zu, Col %zu%s%s ", sess, lang, line + 1, col + 1,
                 t->doc->crlf ? "  CRLF" : "", runs);
        /* Narrow: the session's name goes first. */
        if ((int)strlen(right) > r.w * 2 / 3)
            snprintf(right, sizeof right, " %s  Ln %zu, Col %zu%s ", lang, line + 1, col + 1, runs);
    }
    int rw = term_text_cols(right);
    if (rw > r.w * 2 / 3 || (msg && term_text_cols(ide->msg) + 2 > r.w - rw))
        rw = 0; /* a long message takes the whole line */
    char left[700];
    if (msg) {
        snprintf(left, sizeof left, " %s", ide->msg);
    } else if (t) {
        const char *hint = view_hint(t->view);
        if (hint)
            snprintf(left, sizeof left, " %s", hint);
        else
            snprintf(left, sizeof left, " %s%s%s", shown_path(ide, t->doc->path),
                     buffer_modified(t->doc->buf) ? " [modified]" : "", t->saving ? " (saving...)" : "");
    } else {
        snprintf(left, sizeof left, " %s: help", ide_key(ide, ACT_HELP));
    }
    term_put(r.y, r.x, left, 0, r.w - rw - 1);
    if (rw) {
        term_style(stdscr, ROLE_STATUS);
        term_put(r.y, r.x + r.w - rw, right, 0, rw);
    }
}

/* echo: the user just did something: when all it changed is the
 * editor's cursor row, that row alone goes to the screen, and draw
 * returns true: the rest of the frame is for later (ECHO_REST_MS). */
static bool draw(Ide *ide, bool echo)
{
    Tab *t = ide_tab(ide);
    Rect e = ide->r_editor;
    /* The rows a long message covered, or is to cover, are drawn anew. */
    size_t mstart[MSG_ROWS_MAX], mlen[MSG_ROWS_MAX];
    int covered;
    int mrows = message_rows(ide, mstart, mlen, &covered);
    int prows = ide->prompt.active && !ide->too_small ? prompt_rows(ide, ide->r_status.w) : 1;
    covered += prows - 1;
    if (covered != ide->covered_rows)
        row_cache_forget(&ide->rows);
    ide->covered_rows = covered;
    bool keep = t && !ide->too_small && ide->overlay != OVERLAY_HELP && ide->overlay != OVERLAY_IMAGE &&
                row_cache_holds(&ide->rows, e.y, e.x, e.h, e.w);
    int ey, ex;
    if (echo && keep && ide->overlay == OVERLAY_NONE && ide->focus == FOCUS_EDITOR && !ide->prompt.active &&
        !ide->search_on && !ide->has_match && !covered &&
        view_draw_echo(t->view, stdscr, e.y, e.x, e.h, e.w, &ide->app->cfg, &ide->rows, &ey, &ex)) {
        move(ey, ex);
        refresh();
        return true;
    }
    if (keep) {
        erase_around(e);
    } else {
        erase();
        row_cache_forget(&ide->rows);
    }
    int cy = -1, cx = -1;
    if (ide->too_small) {
        /* Shorter words when even the message does not fit. */
        const char *m1 = COLS >= 18 ? "Terminal too small" : "too small";
        char m2[64];
        snprintf(m2, sizeof m2, "need %dx%d, have %dx%d", MIN_COLS, MIN_LINES, COLS, LINES);
        if ((int)strlen(m2) > COLS)
            snprintf(m2, sizeof m2, "need %dx%d", MIN_COLS, MIN_LINES);
        term_style(stdscr, ROLE_TEXT);
        mvwaddnstr(stdscr, LINES / 2 - 1 > 0 ? LINES / 2 - 1 : 0, 0, m1, COLS);
        mvwaddnstr(stdscr, LINES / 2 > 0 ? LINES / 2 : 0, 0, m2, COLS);
        curs_set(0);
        refresh();
        return false;
    }
    if (ide->overlay == OVERLAY_HELP || ide->overlay == OVERLAY_IMAGE) {
        if (ide->overlay == OVERLAY_HELP)
            help_draw(ide);
        else
            imageview_draw(ide);
        curs_set(0);
        refresh();
        return false;
    }
    draw_tabs(ide);
    if (ide->explorer_visible) {
        explorer_draw(ide, ide->r_explorer, ide->focus == FOCUS_EXPLORER);
        term_style(stdscr, ROLE_BORDER);
        for (int y = ide->r_explorer.y; y < ide->r_explorer.y + ide->r_explorer.h; y++)
            mvwaddch(stdscr, y, ide->r_explorer.w, ACS_VLINE);
    }
    if (t) {
        view_draw(t->view, stdscr, e.y, e.x, e.h, e.w, &ide->app->cfg, ide->search_on ? &ide->search : NULL,
                  ide->has_match ? ide->match_s : SIZE_MAX, ide->has_match ? ide->match_e : SIZE_MAX, &ide->rows,
                  &cy, &cx);
    }
    if (ide->focus != FOCUS_EDITOR)
        cy = cx = -1;
    if (ide->panel_visible && ide->r_panel.h > 0)
        panel_draw(ide, ide->r_panel, ide->focus == FOCUS_PANEL, &cy, &cx);
    if (ide->overlay == OVERLAY_LANG) {
        langsel_draw(ide);
        row_cache_forget(&ide->rows); /* the dialog covers part of the editor */
        cy = cx = -1;
    }
    if (ide->focus == FOCUS_EXPLORER)
        explorer_cursor(ide, &cy, &cx);
    if (ide->prompt.active) {
        prompt_draw(ide, ide->r_status, &cy, &cx);
        if (mrows)
            draw_message(ide, ide->r_status.y - prows, mstart, mlen, mrows);
    } else
        draw_status(ide, t, mrows, mstart, mlen);
    /* curs_set() writes at once: the cursor hides before the frame and
     * shows after it, at its new place. */
    bool cursor = cy >= 0 && cx >= 0;
    if (cursor)
        move(cy, cx);
    else
        curs_set(0);
    refresh();
    if (cursor)
        curs_set(1);
    return false;
}

/* ---------------------------------------------------------------- input */

static void on_rerun_answer(Ide *ide, const char *answer, void *ud)
{
    if (answer[0] != 'y' || !panel_running(ide->panel))
        return;
    if (panel_stop(ide))
        ide->rerun = (int)(intptr_t)ud;
}

/* The tab whose program F5 runs for t: t itself, unless its file cannot
 * start a program (a C file of helpers, a Java class without main) and was
 * built into the last program run: that program's tab (open: opened behind
 * t when it is not), as the user fixing the helper it stopped on means
 * (its own build would only fail to link). */
static Tab *program_tab(Ide *ide, Tab *t, bool open)
{
    const char *entry = t && t->doc->path && t->doc->lang ? panel_program_of(ide->panel, t->doc->path) : NULL;
    if (!entry)
        return t;
    size_t len;
    char *text = buffer_dup(t->doc->buf, 0, buffer_length(t->doc->buf), &len);
    bool program = srcdeps_text_is_program(t->doc->lang, t->doc->path, text, len);
    free(text);
    if (program)
        return t;
    Tab *e = ide_tab_of(ide, entry);
    if (!e && open && fileio_exists(entry) && ide_open_text(ide, entry, NULL)) {
        e = ide_tab(ide);
        ide_switch_tab(ide, tab_index(ide, t));
    }
    return e && e->doc->lang == t->doc->lang ? e : t;
}

/* The tab a run would be of.  While a program runs: NULL, and the user
 * asked whether to stop it and do `then` (ACT_RUN, ACT_RUN_ARGS) after
 * (the old program is often one still waiting for input). */
static Tab *tab_to_run_then(Ide *ide, Action then)
{
    Tab *t = program_tab(ide, ide_tab(ide), true);
    if (t && panel_running(ide->panel)) {
        if (ide->rerun != ACT_NONE) {
            ide_message(ide, false, "stopping the program, then %s runs", document_name(t->doc));
            return NULL;
        }
        char q[600];
        snprintf(q, sizeof q, "%s is still running. Stop it and run %s%s? (y)es, Esc ", panel_running_name(ide->panel),
                 document_name(t->doc), then == ACT_RUN_ARGS ? " with arguments" : "");
        prompt_choice(ide, q, "y", on_rerun_answer, NULL, (void *)(intptr_t)then);
        return NULL;
    }
    return t;
}

static Tab *tab_to_run(Ide *ide)
{
    return tab_to_run_then(ide, ACT_RUN);
}

/* F5: save what needs saving (the worker writes in order, so the run
 * starts after the last save), then run. */
static void run_request(Ide *ide)
{
    Tab *t = tab_to_run(ide);
    if (!t)
        return;
    if (document_take_shebang(t->doc))
        view_reattach(t->view);
    if (!t->doc->lang) {
        ide_message(ide, true, "%s has no language tide runs: %s chooses one", document_name(t->doc),
                    ide_key(ide, ACT_LANGUAGE));
        return;
    }
    /* The program's other files are saved first (one changed on disk
     * meanwhile waits for the user's Ctrl-S). */
    bool saves = false;
    for (size_t i = 0; i < ide->ntabs; i++) {
        Tab *o = ide->tabs[i];
        if (o != t && o->doc->path && buffer_modified(o->doc->buf) && !o->saving &&
            !document_disk_changed(o->doc))
            start_save(ide, o, THEN_NOTHING);
        saves = saves || (o != t && o->saving);
    }
    if (t->doc->path && !buffer_modified(t->doc->buf) && !t->saving && !saves) {
        run_now(ide, t);
    } else if (t->doc->path && !buffer_modified(t->doc->buf) && !t->saving) {
        panel_prepare(ide, t);
        run_after_saves(ide, t);
    } else {
        panel_prepare(ide, t);
        ide_save(ide, t, THEN_RUN);
    }
}

static void ask_run_args_with(Ide *ide, const char *text, bool net);

static void on_run_args(Ide *ide, const char *text, void *ud)
{
    Tab *t = program_tab(ide, ide_tab(ide), false);
    if (!t)
        return;
    StrList args = {0};
    char *input;
    Err err;
    if (!args_split(text, &args, &input, &err)) {
        /* Asked again with what was typed, to mend (typing does not
         * replace it), the reason above it. */
        ask_run_args_with(ide, text, ud != NULL);
        ide->prompt.fresh = false;
        ide_message(ide, true, "not run: %s", err.msg);
        return;
    }
    sl_free(&t->run_args);
    t->run_args = args;
    free(t->run_input);
    t->run_input = input;
    t->run_net = ud != NULL;
    run_request(ide);
}

static void run_args_label(Ide *ide, const Tab *t, bool net)
{
    snprintf(ide->prompt.label, sizeof ide->prompt.label,
             "Arguments for %s (< FILE: input; network %s, Alt-N): ", document_name(t->doc), net ? "on" : "off");
}

/* Alt-N: the host's network for the runs, or none (the prompt's ud, non-NULL:
 * on); it counts once the line is run. */
static bool on_run_args_key(Ide *ide, Key k, void *ud)
{
    Tab *t = program_tab(ide, ide_tab(ide), false);
    if (k != (TK_ALT | 'n') || !t)
        return false;
    ide->prompt.ud = ud ? NULL : (void *)1;
    run_args_label(ide, t, ide->prompt.ud != NULL);
    return true;
}

/* Ctrl-F5: the program's arguments, as a shell line (what F5 then gives
 * it too, until changed), and whether its runs get the network. */
static void ask_run_args_with(Ide *ide, const char *text, bool net)
{
    Tab *t = tab_to_run_then(ide, ACT_RUN_ARGS);
    if (!t)
        return;
    prompt_text(ide, "", text, on_run_args, NULL, NULL, net ? (void *)1 : NULL);
    run_args_label(ide, t, net);
    ide->prompt.key = on_run_args_key;
    /* Tab completes names as the program will see them: from its folder. */
    ide->prompt.complete_words = true;
    const char *path = t->doc->path, *slash = path ? strrchr(path, '/') : NULL;
    if (slash)
        snprintf(ide->prompt.complete_dir, sizeof ide->prompt.complete_dir, "%.*s", (int)(slash - path), path);
    else
        snprintf(ide->prompt.complete_dir, sizeof ide->prompt.complete_dir, "%s", ide->root);
}

static void ask_run_args(Ide *ide)
{
    Tab *t = program_tab(ide, ide_tab(ide), true);
    if (!t)
        return;
    StrBuf now = {0};
    args_join(&t->run_args, t->run_input, &now);
    ask_run_args_with(ide, now.data ? now.data : "", t->run_net);
    sb_free(&now);
}

/* Actions that act on the editor's text: not while the panel has the
 * focus. */
static bool editor_action(Action a)
{
    switch (a) {
    case ACT_UNDO: case ACT_REDO: case ACT_COPY: case ACT_CUT: case ACT_PASTE: case ACT_SELECT_ALL:
    case ACT_CUT_LINE: case ACT_DUPLICATE_LINE: case ACT_COMMENT: case ACT_MOVE_LINE_UP: case ACT_MOVE_LINE_DOWN:
    case ACT_FIND: case ACT_FIND_NEXT: case ACT_FIND_PREV:
    case ACT_REPLACE: case ACT_GOTO:
        return true;
    default:
        return false;
    }
}

/* While a program runs in the focused panel, the keys are its: only
 * these reach the IDE (besides F-keys and Alt- combinations).  Ctrl-W is
 * not among them: in a terminal it takes back the word being typed. */
static bool global_while_running(Action a)
{
    return a == ACT_SAVE || a == ACT_SAVE_AS || a == ACT_QUIT || a == ACT_OPEN || a == ACT_NEW;
}

static void do_action(Ide *ide, Action a)
{
    Tab *t = ide_tab(ide);
    EditorEnv env = ide_env(ide);
    switch (a) {
    case ACT_SAVE:
        ide_save(ide, t, THEN_NOTHING);
        break;
    case ACT_SAVE_AS:
        save_as_start(ide);
        break;
    case ACT_QUIT:
        quit_request(ide);
        break;
    case ACT_OPEN:
        prompt_text(ide, "Open file: ", NULL, on_open, NULL, NULL, NULL);
        ide->prompt.complete_paths = true;
        break;
    case ACT_NEW:
        new_untitled(ide);
        break;
    case ACT_CLOSE:
        close_request(ide);
        break;
    case ACT_UNDO:
        if (t && !view_undo(t->view))
            ide_message(ide, false, "nothing to undo");
        break;
    case ACT_REDO:
        if (t && !view_redo(t->view))
            ide_message(ide, false, "nothing to redo");
        break;
    case ACT_FIND:
        find_start(ide, false);
        break;
    case ACT_FIND_NEXT:
        find_next(ide, false);
        break;
    case ACT_FIND_PREV:
        find_next(ide, true);
        break;
    case ACT_REPLACE:
        find_start(ide, true);
        break;
    case ACT_GOTO:
        goto_start(ide);
        break;
    case ACT_COPY:
        if (t) {
            view_copy(t->view, &env, false);
            ide_message(ide, false, "copied%s", ide->clip_lines ? " the line" : "");
        }
        break;
    case ACT_CUT:
        if (t)
            view_copy(t->view, &env, true);
        break;
    case ACT_PASTE:
        if (t)
            view_paste(t->view, &env);
        break;
    case ACT_SELECT_ALL:
        if (t)
            view_select_all(t->view);
        break;
    case ACT_CUT_LINE:
        if (t)
            view_cut_line(t->view, &env);
        break;
    case ACT_DUPLICATE_LINE:
        if (t)
            view_duplicate(t->view);
        break;
    case ACT_MOVE_LINE_UP:
    case ACT_MOVE_LINE_DOWN:
        if (t)
            view_move_lines(t->view, a == ACT_MOVE_LINE_UP ? -1 : 1);
        break;
    case ACT_COMMENT:
        if (t && t->doc->lang && t->doc->lang->comment)
            view_toggle_comment(t->view, t->doc->lang->comment);
        else if (t)
            ide_message(ide, false, "%s has no comments to add: %s sets its language",
                        t->doc->lang ? t->doc->lang->name : "plain text", ide_key(ide, ACT_LANGUAGE));
        break;
    case ACT_THEME:
        theme_menu_open(ide);
        break;
    case ACT_HELP:
        ide->overlay = OVERLAY_HELP;
        ide->overlay_scroll = 0;
        break;
    case ACT_NEXT_PANE:
        /* editor, panel, explorer, as they are shown */
        if (ide->focus == FOCUS_EDITOR && ide->panel_visible)
            ide->focus = FOCUS_PANEL;
        else if (ide->focus != FOCUS_EXPLORER && ide->explorer_visible)
            ide->focus = FOCUS_EXPLORER;
        else
            ide->focus = FOCUS_EDITOR;
        break;
    case ACT_EXPLORER:
        if (!ide->explorer_visible) {
            ide->explorer_visible = true;
            ide->focus = FOCUS_EXPLORER;
        } else if (ide->focus != FOCUS_EXPLORER) {
            ide->focus = FOCUS_EXPLORER;
        } else {
            ide->explorer_visible = false;
            ide->focus = FOCUS_EDITOR;
        }
        ide_layout(ide);
        break;
    case ACT_NEXT_TAB:
        if (ide->ntabs)
            ide_switch_tab(ide, (ide->active + 1) % ide->ntabs);
        break;
    case ACT_PREV_TAB:
        if (ide->ntabs)
            ide_switch_tab(ide, (ide->active + ide->ntabs - 1) % ide->ntabs);
        break;
    case ACT_LANGUAGE:
        langsel_open(ide, LANGSEL_FILE);
        break;
    case ACT_NEW_SESSION:
        langsel_open(ide, LANGSEL_SCRATCH);
        break;
    case ACT_RUN:
        run_request(ide);
        break;
    case ACT_RUN_ARGS:
        ask_run_args(ide);
        break;
    case ACT_STOP:
        panel_stop(ide);
        break;
    case ACT_HISTORY:
        panel_history(ide);
        break;
    case ACT_PANEL:
        ide->panel_visible = !ide->panel_visible;
        if (!ide->panel_visible && ide->focus == FOCUS_PANEL)
            ide->focus = FOCUS_EDITOR;
        ide_layout(ide);
        break;
    case ACT_NONE:
    case ACT_COUNT:
        break;
    }
}

static bool in_rect(Rect r, int y, int x)
{
    return y >= r.y && y < r.y + r.h && x >= r.x && x < r.x + r.w;
}

static void handle_mouse(Ide *ide, const InputEvent *ev)
{
    Tab *t = ide_tab(ide);
    ide->drag_scroll = false; /* on again below while the drag stays out */
    if (ev->mouse == MOUSE_WHEEL_UP || ev->mouse == MOUSE_WHEEL_DOWN) {
        long d = ev->mouse == MOUSE_WHEEL_UP ? -3 : 3;
        if (in_rect(ide->r_explorer, ev->y, ev->x))
            explorer_scroll(ide, d);
        else if (in_rect(ide->r_panel, ev->y, ev->x))
            panel_mouse(ide, ev);
        else if (t && in_rect(ide->r_editor, ev->y, ev->x))
            view_scroll(t->view, d);
        return;
    }
    if (ev->mouse == MOUSE_PRESS && ev->y == ide->r_tabs.y) {
        /* Which tab was clicked: walk the labels as draw_tabs lays them. */
        int x = tabs_start_x(ide);
        for (size_t i = 0; i < ide->ntabs; i++) {
            char label[256];
            int w = tab_label(ide->tabs[i], label, sizeof label);
            if (ev->x >= x && ev->x < x + w) {
                ide_switch_tab(ide, i);
                return;
            }
            x += w + 1;
        }
        return;
    }
    /* A drag that began in the panel picks its text wherever it goes. */
    if ((ev->mouse == MOUSE_DRAG || ev->mouse == MOUSE_RELEASE) && panel_picking(ide->panel)) {
        panel_mouse(ide, ev);
        Rect r = ide->r_panel;
        if (ev->mouse == MOUSE_DRAG && (ev->y <= r.y || ev->y >= r.y + r.h)) {
            ide->drag_scroll = true;
            ide->drag_y = ev->y;
            ide->drag_x = ev->x;
            ide->drag_next = now_ms() + DRAG_SCROLL_MS;
        }
        return;
    }
    if (in_rect(ide->r_panel, ev->y, ev->x) && (ev->mouse != MOUSE_DRAG && ev->mouse != MOUSE_RELEASE)) {
        panel_mouse(ide, ev);
        return;
    }
    if (ev->mouse == MOUSE_PRESS && in_rect(ide->r_explorer, ev->y, ev->x)) {
        ide->focus = FOCUS_EXPLORER;
        explorer_click(ide, ev->y, ev->clicks);
        return;
    }
    if (t && (in_rect(ide->r_editor, ev->y, ev->x) || (ev->mouse != MOUSE_PRESS && ide->focus == FOCUS_EDITOR))) {
        if (ev->button != 1 && ev->mouse != MOUSE_DRAG)
            return;
        if (ev->mouse == MOUSE_RELEASE)
            return;
        ide->focus = FOCUS_EDITOR;
        view_mouse(t->view, ev->y, ev->x, ev->mouse == MOUSE_PRESS, ev->shift || ev->mouse == MOUSE_DRAG,
                   ev->clicks);
        Rect e = ide->r_editor;
        if (ev->mouse == MOUSE_DRAG && (ev->y < e.y || ev->y >= e.y + e.h)) {
            ide->drag_scroll = true;
            ide->drag_y = ev->y;
            ide->drag_x = ev->x;
            ide->drag_next = now_ms() + DRAG_SCROLL_MS;
        }
    }
}

/* The held drag past the editor's edge (or the panel's, picking) takes
 * one more line. */
static void drag_tick(Ide *ide, long long now)
{
    Tab *t = ide_tab(ide);
    if (!ide->drag_scroll || now < ide->drag_next)
        return;
    if (ide->overlay != OVERLAY_NONE || ide->prompt.active ||
        (ide->focus == FOCUS_PANEL ? !panel_picking(ide->panel) : !t || ide->focus != FOCUS_EDITOR)) {
        ide->drag_scroll = false;
        return;
    }
    if (ide->focus == FOCUS_PANEL)
        panel_drag(ide, ide->drag_y, ide->drag_x);
    else
        view_mouse(t->view, ide->drag_y, ide->drag_x, false, true, 0);
    ide->drag_next = now + DRAG_SCROLL_MS;
    ide->dirty = true;
}

static void dispatch_event(Ide *ide, const InputEvent *ev)
{
    ide->dirty = true;
    ide->urgent = true;
    /* The toolchain probe waits for the user to pause: it starts
     * programs, which compete with the terminal drawing what is typed
     * (F2 asks for it at once). */
    if (ide->probe_at)
        ide->probe_at = now_ms() + PROBE_DELAY_MS;
    if (ev->key == TK_RESIZE) {
        ide_layout(ide);
        return;
    }
    /* The user goes on: a long message gives the rows it covered back
     * (and keeps what fits of it in the status bar). */
    if (ev->key != TK_MOUSE || ev->mouse == MOUSE_PRESS)
        ide->msg_folded = true;
    if (ev->key != TK_MOUSE)
        ide->drag_scroll = false;
    if (ide->too_small) {
        if (ev->key == (TK_CTRL | 'q'))
            quit_request(ide);
        return;
    }
    if (ide->overlay == OVERLAY_HELP) {
        if (ev->key != TK_MOUSE)
            help_key(ide, ev->key);
        return;
    }
    if (ide->overlay == OVERLAY_IMAGE) {
        if (ev->key != TK_MOUSE && ev->key != TK_PASTE)
            imageview_key(ide, ev->key);
        return;
    }
    if (ide->overlay == OVERLAY_LANG) {
        if (ev->key == TK_MOUSE && ev->mouse == MOUSE_PRESS)
            langsel_click(ide, ev->y, ev->x);
        else if (ev->key != TK_MOUSE && ev->key != TK_PASTE)
            langsel_key(ide, ev->key);
        return;
    }
    if (prompt_event(ide, ev))
        return;
    if (ev->key == TK_MOUSE) {
        handle_mouse(ide, ev);
        return;
    }
    Tab *t = ide_tab(ide);
    if (ev->key == TK_PASTE) {
        if (t && ide->focus == FOCUS_EDITOR)
            view_paste_text(t->view, ev->paste, ev->paste_len);
        else if (ide->focus == FOCUS_PANEL && !panel_paste(ide, ev->paste, ev->paste_len) && t) {
            /* The run is over: pasted text goes where typed text goes. */
            ide->focus = FOCUS_EDITOR;
            view_paste_text(t->view, ev->paste, ev->paste_len);
        }
        return;
    }
    /* A key typed over the message makes it go. */
    if (!ide->msg_error)
        ide->msg[0] = '\0';
    Action a = keymap_lookup(&ide->keys, ev->key);
    if (ide->focus == FOCUS_PANEL) {
        /* Copy takes the text picked in the panel; with none, while a
         * program runs, Ctrl-C is the program's (as in a terminal). */
        if (a == ACT_COPY && (panel_picked(ide->panel) || !panel_running(ide->panel))) {
            panel_copy(ide);
            return;
        }
        if (a == ACT_SELECT_ALL && !panel_running(ide->panel)) {
            panel_pick_all(ide);
            return;
        }
        bool fkey_or_alt = (TK_BASE(ev->key) >= TK_F1 && TK_BASE(ev->key) <= TK_F12) || (ev->key & TK_ALT);
        /* While a program runs its keys are its own (Ctrl-F moves
         * readline's cursor), but a find bound to an F-key or Alt still
         * searches what it printed so far. */
        if ((a == ACT_FIND || a == ACT_FIND_NEXT || a == ACT_FIND_PREV) &&
            (!panel_running(ide->panel) || fkey_or_alt)) {
            if (a == ACT_FIND)
                panel_find(ide);
            else
                panel_find_next(ide, a == ACT_FIND_PREV);
            return;
        }
        if (panel_running(ide->panel) && !(a != ACT_NONE && (fkey_or_alt || global_while_running(a)))) {
            panel_key(ide, ev->key);
            return;
        }
        if (a == ACT_NONE || editor_action(a)) {
            if (panel_key(ide, ev->key))
                return;
            if (a != ACT_NONE) {
                ide_message(ide, false, "%s works in the editor (%s goes there)", action_name(a),
                            ide_key(ide, ACT_NEXT_PANE));
                return;
            }
            /* The run is over (the panel takes no text then) and the
             * user types: the fix of what it showed, which goes on in
             * the editor rather than being lost. */
            bool editing = (ev->key >= ' ' && ev->key < TK_SPECIAL) || ev->key == TK_BACKSPACE ||
                           ev->key == TK_DELETE || ev->key == TK_TAB;
            if (!t || !editing)
                return;
            ide->focus = FOCUS_EDITOR;
        }
    }
    if (a != ACT_NONE) {
        do_action(ide, a);
        return;
    }
    if (ide->focus == FOCUS_EXPLORER && explorer_key(ide, ev->key))
        return;
    if (ev->key == TK_ESC) {
        find_clear(ide);
        if (t)
            t->view->selecting = false;
        if (ide->focus != FOCUS_EDITOR)
            ide->focus = FOCUS_EDITOR;
        ide->msg[0] = '\0';
        return;
    }
    if (t && ide->focus == FOCUS_EDITOR) {
        EditorEnv env = ide_env(ide);
        view_key(t->view, &env, ev->key);
    }
}

/* An event, then what the editor refused meanwhile (an edit of a run's
 * record), said once. */
static void handle_event(Ide *ide, const InputEvent *ev)
{
    dispatch_event(ide, ev);
    for (size_t i = 0; i < ide->ntabs; i++) {
        Tab *t = ide->tabs[i];
        if (!t->view->refused)
            continue;
        t->view->refused = false;
        refuse_record_tab(ide, t->doc->path, "changed");
    }
}

/* The config file's first mistake (or, with none, what it made tide do),
 * and that F1 lists them all; the status bar is narrow: the file's name
 * without its folder. */
static void say_config_warnings(Ide *ide)
{
    const Config *cfg = &ide->app->cfg;
    const ConfigWarningAt *at = &cfg->warning_at[0];
    const char *name = cfg->path ? fileio_base_name(cfg->path) : "config";
    char more[64] = "";
    char help[32];
    if (cfg->warnings.len > 1 && keymap_key_of(&ide->keys, ACT_HELP, help, sizeof help)[0])
        snprintf(more, sizeof more, " (and %zu more: %s lists them)", cfg->warnings.len - 1, help);
    else if (cfg->warnings.len > 1)
        snprintf(more, sizeof more, " (and %zu more: printed when tide quits)", cfg->warnings.len - 1);
    char line[16] = "";
    if (at->line > 0)
        snprintf(line, sizeof line, ":%d", at->line);
    ide_message(ide, true, "%s%s: %s%s", name, line, cfg->warnings.items[0] + at->what, more);
}

/* ---------------------------------------------------------------- languages, sessions */

void ide_set_language(Ide *ide, const Lang *lang)
{
    Tab *t = ide_tab(ide);
    if (!t)
        return;
    t->doc->lang = lang;
    t->doc->lang_chosen = true;
    view_reattach(t->view);
    bool avail = true;
    const char *st = lang ? langsel_status(ide, lang, &avail) : NULL;
    if (lang && st && !avail)
        ide_message(ide, true, "%s is now %s, but %s", document_name(t->doc), lang->name, st);
    else if (lang && lang->compile && t->doc->path && !lang_is_source(lang, t->doc->path))
        ide_message(ide, false, "%s is now %s; to compile it, %s needs a name ending in %s (%s saves it "
                    "under another)", document_name(t->doc), lang->name, ide_key(ide, ACT_RUN), lang->source_exts[0],
                    ide_key(ide, ACT_SAVE_AS));
    else if (lang)
        ide_message(ide, false, "%s is now %s: %s runs it as that", document_name(t->doc), lang->name,
                    ide_key(ide, ACT_RUN));
    else
        ide_message(ide, false, "%s is now plain text", document_name(t->doc));
}

static void set_root(Ide *ide, const char *root)
{
    free(ide->root);
    ide->root = xstrdup(root);
    explorer_free(ide->explorer);
    ide->explorer = explorer_new(ide->root);
    /* The toolchains are probed (programs started) once the first screen
     * is up and the user idle a moment, or at once for a dialog. */
    ide->probe_at = now_ms() + PROBE_DELAY_MS;
    if (ide->overlay == OVERLAY_LANG)
        langsel_open(ide, LANGSEL_SCRATCH);
    ide->explorer_visible = true;
    ide_layout(ide);
}

static void set_session(Ide *ide, Session *s)
{
    if (ide->session) {
        session_free(ide->session);
        free(ide->session);
    }
    session_unlock(ide->session_hold);
    ide->session = s;
    ide->session_hold = s ? session_hold(s) : -1;
}

/* The file to show first in a session's folder: the entry of its last
 * run, else its language's starter file, else nothing. */
static void open_session_entry(Ide *ide, const Session *s)
{
    HistoryResult *list = NULL;
    size_t n = 0;
    Err err;
    char *path = NULL;
    if (s->runs && history_list(ide->app, s->id, 1, &list, &n, &err) && n && list[0].entry)
        path = xasprintf("%s/%s", s->workdir, list[0].entry);
    history_list_free(list, n);
    if ((!path || !fileio_exists(path)) && s->lang && s->lang->starter_file) {
        free(path);
        path = xasprintf("%s/%s", s->workdir, s->lang->starter_file);
    }
    if (path && fileio_exists(path))
        ide_open(ide, path);
    free(path);
}

/* The files a session's last run wrote, marked in the explorer as right
 * after that run: a session or folder opened again shows what it made. */
static void mark_run_files(Ide *ide, int64_t session_id, int64_t result_id)
{
    HistoryResult r;
    Err err;
    if (!result_id || !ide->explorer || !history_get_files(ide->app, session_id, result_id, &r, &err))
        return;
    StrList paths = {0};
    for (size_t i = 0; i < r.ngenerated; i++)
        if (r.generated[i].stored)
            sl_push(&paths, r.generated[i].stored);
    if (paths.len) {
        char *sdir = session_dir_for(ide->app, session_id);
        char *dir = xasprintf("%s/generated/%lld", sdir, (long long)r.id);
        explorer_set_run_files(ide, r.id, dir, &paths);
        free(dir);
        free(sdir);
    }
    sl_free(&paths);
    history_result_free(&r);
}

/* A folder opened again: its sessions' newest run's files, once the first
 * screen is up (the database is not on the way to it), unless a run in
 * this IDE marked its own already.  A user who never ran anything gets no
 * database for it. */
static void mark_folder_last_run(Ide *ide)
{
    char *db = paths_get(&ide->app->paths, DIR_DATA, "tide.db");
    bool have = fileio_exists(db);
    free(db);
    int64_t sid, rid;
    Err err;
    if (have && !ide->session && !explorer_has_generated(ide) &&
        session_newest_run_in(ide->app, ide->root, &sid, &rid, &err))
        mark_run_files(ide, sid, rid);
}

void ide_new_scratch(Ide *ide, const Lang *lang)
{
    Session *s = xcalloc(1, sizeof *s);
    Err err;
    if (!session_new_scratch(ide->app, lang, NULL, s, &err)) {
        free(s);
        ide_message(ide, true, "%s", err.msg);
        return;
    }
    set_root(ide, s->workdir);
    set_session(ide, s);
    open_session_entry(ide, s);
    /* Its folder is tide's, not the one tide was started in: say where
     * (the home folder as ~). */
    const char *rest;
    const char *tilde = home_relative(s->workdir, &rest);
    ide_message(ide, false, "new %s session %s in %s%s: %s runs %s", lang->name, s->name, tilde, rest,
                ide_key(ide, ACT_RUN), lang->starter_file ? lang->starter_file : "the file");
}

void ide_resume_session(Ide *ide, Session *s)
{
    Err err;
    if (!session_check(s, &err)) {
        ide_message(ide, true, "%s", err.msg);
        session_free(s);
        free(s);
        return;
    }
    (void)session_touch(ide->app, s, &err);
    set_root(ide, s->workdir);
    set_session(ide, s);
    open_session_entry(ide, s);
    mark_run_files(ide, s->id, s->last_result);
    ide_message(ide, false, "%s session %s: %lld run%s so far (%s shows them)", s->lang ? s->lang->name : "",
                s->name, (long long)s->runs, s->runs == 1 ? "" : "s", ide_key(ide, ACT_HISTORY));
}

/* ---------------------------------------------------------------- main */

static char *cwd(void)
{
    char buf[PATH_MAX];
    return xstrdup(getcwd(buf, sizeof buf) ? buf : ".");
}

bool tui_parse_place(const char *arg, long *line, long *col)
{
    return arg[0] == '+' && goto_parse(arg + 1, line, col);
}

static bool open_start(Ide *ide, const TuiOptions *opt, Err *err)
{
    const char *path = opt->path;
    char *place_file = NULL;
    long place_line = opt->line, place_col = opt->line ? opt->col : 1;
    if (path && !place_line && split_place(path, &place_file, &place_line, &place_col))
        path = place_file;
    if (opt->session) {
        Session *s = xcalloc(1, sizeof *s);
        if (!session_find(ide->app, opt->session, s, err) || !session_check(s, err)) {
            free(s);
            return false;
        }
        Err terr;
        (void)session_touch(ide->app, s, &terr);
        ide->root = xstrdup(s->workdir);
        ide->explorer_visible = true;
        set_session(ide, s);
        new_untitled(ide);
        open_session_entry(ide, s);
        return true;
    }
    if (!path || fileio_is_dir(path)) {
        char real[PATH_MAX];
        if (path && !realpath(path, real))
            return err_sys(err, "cannot open %s", path);
        ide->root = path ? xstrdup(real) : cwd();
        ide->explorer_visible = true;
        new_untitled(ide);
        /* Keys go where the cursor shows: the untitled tab.  In the tree
         * letters are commands (r renames, n makes a file), and code typed
         * there renamed files. */
        ide->focus = FOCUS_EDITOR;
        ide_message(ide, false, "%s: the file tree (Enter opens a file) · %s opens one by name",
                    ide_key(ide, ACT_EXPLORER), ide_key(ide, ACT_OPEN));
        /* Nothing to open: offer a scratch session. */
        if (!path && fileio_is_empty_dir(ide->root, false))
            ide->overlay = OVERLAY_LANG, ide->langsel_mode = LANGSEL_SCRATCH;
        return true;
    }
    /* A picture: shown over its folder, which the explorer lists (one that
     * cannot be shown opens as bytes there, and says why). */
    char real[PATH_MAX];
    if (picture_sniff(path) && realpath(path, real)) {
        char *dir = xstrdup(real);
        *strrchr(dir, '/') = '\0';
        ide->root = dir[0] ? dir : (free(dir), xstrdup("/"));
        ide->explorer_visible = true;
        new_untitled(ide);
        ide->focus = FOCUS_EXPLORER;
        imageview_open(ide, real);
        free(place_file);
        return true;
    }
    /* A file: its folder is the root, or its project's as `tide run` takes
     * it (a Node package, a Go module, a Composer project, a Java source
     * root), so that F5 sees what the toolchain needs. */
    Document *d;
    bool opened = document_open(path, &d, err);
    free(place_file);
    if (!opened)
        return false;
    char *dir = d->lang ? srcdeps_project_root(d->lang, d->path) : NULL;
    if (!dir || exec_folder_is_private(dir)) {
        free(dir);
        dir = xstrdup(d->path);
        *strrchr(dir, '/') = '\0';
    }
    ide->root = dir[0] ? dir : (free(dir), xstrdup("/"));
    Tab *t = tab_new(ide, d);
    add_tab(ide, t);
    say_opened(ide, t);
    if (place_line)
        view_goto(t->view, (size_t)place_line - 1, (size_t)place_col - 1);
    offer_recovery(ide, t);
    return true;
}

static void ide_free(Ide *ide)
{
    row_cache_free(&ide->rows);
    worker_free(ide->io); /* finishes saves and recovery writes */
    langsel_stop(ide);
    imageview_stop(ide);
    panel_free(ide->panel);
    langsel_free(ide);
    set_session(ide, NULL);
    while (ide->ntabs)
        tab_free(ide->tabs[--ide->ntabs]);
    free(ide->tabs);
    explorer_free(ide->explorer);
    find_clear(ide);
    free(ide->last_find);
    free(ide->replace_with);
    sb_free(&ide->clipboard);
    prompt_close(ide);
    free(ide->root);
    if (ide->wake_fd >= 0)
        close(ide->wake_fd);
}

static int next_timeout(Ide *ide, long long now)
{
    long long next = now + DISK_CHECK_MS;
    if (ide->msg[0] && ide->msg_until > now && ide->msg_until < next)
        next = ide->msg_until;
    for (size_t i = 0; i < ide->ntabs; i++) {
        Tab *t = ide->tabs[i];
        if (t->rec.path && buffer_version(t->doc->buf) != t->rec_version) {
            long long due = t->changed_ms + RECOVERY_DELAY_MS;
            if (due < next)
                next = due;
        }
    }
    if (ide->probe_at && ide->probe_at < next)
        next = ide->probe_at;
    if (ide->last_run_at && ide->last_run_at < next)
        next = ide->last_run_at;
    if (ide->drag_scroll && ide->drag_next < next)
        next = ide->drag_next;
    long long ms = next - now;
    return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

int tui_main(App *app, const TuiOptions *opt)
{
    Err err;
    if (!term_usable(&err)) {
        fprintf(stderr, "tide: %s\n", err.msg);
        return 1;
    }
    Ide ide_storage = {0}, *ide = &ide_storage;
    ide->app = app;
    ide->wake_fd = -1;
    ide->session_hold = -1;
    keymap_defaults(&ide->keys);
    keymap_apply(&ide->keys, &app->cfg);
    /* Without a state folder the files are edited all the same, without
     * recovery files; each tab says so (claim_recovery). */
    (void)paths_ensure(&app->paths, DIR_STATE, &err);
    ide->io = worker_new();
    ide->probe = worker_new();
    ide->panel = panel_new();
    ide->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    editor_set_hooks(&highlight_hooks, wake, ide);
    if (!open_start(ide, opt, &err)) {
        fprintf(stderr, "tide: %s\n", err.msg);
        ide_free(ide);
        return 1;
    }
    ide->explorer = explorer_new(ide->root);
    /* Text a crash left in an untitled tab comes before a scratch session:
     * a folder whose only work was untitled is still empty. */
    if (offer_untitled_recovery(ide) && ide->overlay == OVERLAY_LANG)
        ide->overlay = OVERLAY_NONE;
    if (ide->session)
        mark_run_files(ide, ide->session->id, ide->session->last_result);
    else
        ide->last_run_at = now_ms() + LAST_RUN_DELAY_MS;
    /* The toolchains are probed (programs started) once the first screen
     * is up and the user idle a moment, or at once for a dialog. */
    ide->probe_at = now_ms() + PROBE_DELAY_MS;
    if (ide->overlay == OVERLAY_LANG)
        langsel_open(ide, LANGSEL_SCRATCH);
    if (!term_start(&ide->term, &err)) {
        fprintf(stderr, "tide: %s\n", err.msg);
        ide_free(ide);
        return 1;
    }
    theme_menu_load_configured(ide);
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (app->cfg.warnings.len)
        say_config_warnings(ide);
    ide_layout(ide);
    ide->dirty = true;
    while (!ide->quit) {
        /* What the user does shows at once; what a program prints, at
         * most at the screen's refresh rate. */
        long long t0 = now_ms();
        int timeout = next_timeout(ide, t0);
        bool rest_due = ide->rest_at && t0 >= ide->rest_at;
        if (ide->dirty && (ide->urgent || rest_due || t0 - ide->last_draw_ms >= FRAME_MS)) {
            /* Echo alone while the rest of the frame keeps up: a frame's
             * time at most. */
            bool echo = ide->urgent && !rest_due && (!ide->rest_at || t0 - ide->echo_since < FRAME_MS);
            ide->dirty = ide->urgent = false;
            if (draw(ide, echo)) {
                ide->dirty = true;
                if (!ide->rest_at)
                    ide->echo_since = t0;
                ide->rest_at = t0 + ECHO_REST_MS;
            } else {
                ide->rest_at = 0;
                ide->last_draw_ms = t0;
            }
        }
        if (ide->dirty) {
            long long due = ide->rest_at ? ide->rest_at : ide->last_draw_ms + FRAME_MS;
            int wait = due > t0 ? (int)(due - t0) : 0;
            timeout = wait < timeout ? wait : timeout;
        }
        if (panel_backlog(ide->panel))
            timeout = 0;
        if (panel_running(ide->panel) && timeout > 200) {
            timeout = 200; /* the run's clock in the title */
            ide->dirty = true;
        }
        int infd = panel_input_fd(ide->panel);
        struct pollfd fds[7] = {
            {STDIN_FILENO, POLLIN, 0},
            {worker_fd(ide->io), POLLIN, 0},
            {ide->wake_fd, POLLIN, 0},
            {worker_fd(ide->probe), POLLIN, 0},
            {panel_fd(ide->panel), POLLIN, 0},
            {imageview_fd(ide), POLLIN, 0}, /* -1 until a picture: poll passes it by */
            {infd, POLLOUT, 0},
        };
        int r = poll(fds, infd >= 0 ? 7 : 6, timeout);
        if (got_signal)
            break;
        if (r < 0 && errno != EINTR)
            break;
        /* Input first (curses may hold some already read); a resize
         * interrupts poll and shows up as a key. */
        InputEvent ev;
        int budget = 4096;
        while (budget-- > 0 && term_read(&ide->term, &ev))
            handle_event(ide, &ev);
        /* The terminal went away: what it still held was read just now.
         * (A closed pty also says POLLIN, and reads end of file: without
         * SIGHUP, as when tide has a session of its own, this is all
         * there is to tell.) */
        if (r > 0 && (fds[0].revents & (POLLHUP | POLLERR))) {
            got_signal = SIGHUP;
            break;
        }
        if (r > 0 && fds[1].revents)
            worker_collect(ide->io);
        if (r > 0 && fds[3].revents)
            worker_collect(ide->probe);
        if ((r > 0 && fds[4].revents) || panel_backlog(ide->panel))
            panel_collect(ide);
        if (ide->rerun != ACT_NONE && !panel_running(ide->panel)) {
            Action then = (Action)ide->rerun;
            ide->rerun = ACT_NONE;
            if (then == ACT_RUN_ARGS)
                ask_run_args(ide);
            else
                run_request(ide);
        }
        if (r > 0 && fds[5].revents)
            imageview_collect(ide);
        if (r > 0 && infd >= 0 && fds[6].revents)
            panel_flush_input(ide);
        if (r > 0 && fds[2].revents) {
            uint64_t n;
            (void)!read(ide->wake_fd, &n, sizeof n);
            ide->dirty = true;
        }
        long long now = now_ms();
        if (ide->probe_at && now >= ide->probe_at) {
            ide->probe_at = 0;
            langsel_probe(ide);
        }
        if (ide->last_run_at && now >= ide->last_run_at) {
            ide->last_run_at = 0;
            mark_folder_last_run(ide);
        }
        /* Housekeeping (a stat of each file, the tree read again: on a
         * network mount, milliseconds) waits until what the user just did
         * is drawn: the next pass, a frame's rest at most. */
        if (!ide->urgent) {
            recovery_tick(ide, now);
            disk_tick(ide, now);
        }
        drag_tick(ide, now);
        if (ide->msg[0] && now >= ide->msg_until) {
            ide->msg[0] = '\0';
            ide->dirty = true;
        }
    }
    int status = 0;
    if (got_signal) {
        recovery_flush(ide);
        status = 128 + got_signal;
    }
    term_stop(&ide->term);
    colors_unload();
    for (size_t i = 1; i < app->cfg.warnings.len; i++)
        fprintf(stderr, "tide: %s\n", app->cfg.warnings.items[i]);
    ide_free(ide);
    return status;
}
