#include "panel.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vterm.h>

#include "argsplit.h"
#include "colors.h"
#include "exec.h"
#include "explorer.h"
#include "fileio.h"
#include "filetype.h"
#include "history.h"
#include "picture.h"
#include "runline.h"
#include "session.h"
#include "srcdeps.h"
#include "sizetext.h"
#include "srcloc.h"
#include "textnav.h"
#include "vcs.h"
#include "xalloc.h"

#define SCROLLBACK_MAX 10000
/* Output waiting for the UI past this makes the run's thread wait (and so
 * the program, through its pty): a flood cannot eat memory. */
#define INBOX_MAX (4 << 20)

typedef struct SbLine {
    int cols;
    VTermScreenCell *cells;
} SbLine;

/* The looks of a line of a past result's output: from byte `at` on, the
 * colours and attributes of `cell` (its text unused). */
typedef struct StyleRun {
    size_t at;
    VTermScreenCell cell;
} StyleRun;

typedef struct LineRuns {
    StyleRun *r;
    size_t n;
} LineRuns;

typedef struct RunJob {
    Panel *p;
    App *app;
    Session session;
    RunRequest req;
    StrList files;
    StrList companions; /* of files, those tide added (srcdeps_companions) */
    bool companions_known; /* set (under the panel's lock) once companions is
                              filled: the UI may read it from then on */
    StrList args;       /* the program's */
    int input;          /* `< FILE`: open until the run ends; -1: none */
    char *input_name;   /* FILE as the user wrote it */
    StrList left_out;   /* helper files of the folder left out (paths) */
    char *project;      /* after a failed run: the entry's project, when it lies
                           above the session's folder (found on the run's thread) */
    char *entry_path; /* absolute */
    char *net_how;    /* req.net_how: the key that gives a run the network */
    RunResult res;
    SessionRunResult rec;
    bool ok;
    Err err;
} RunJob;

struct Panel {
    VTerm *vt;
    VTermScreen *vs;
    int rows, cols;
    SbLine *sb;
    size_t nsb, capsb;
    int scroll; /* lines scrolled back from the live screen */
    int hidden; /* its last rows under a long message, as last drawn */
    long sel;   /* selected line (scrollback + screen), -1: none */
    /* Text picked with the mouse to copy: from (line, column) to another,
     * as shown (scrollback + screen, or a past result's lines). */
    bool picking; /* the button is held */
    bool picked;
    long pick_line[2];
    int pick_col[2];
    long click; /* the line naming a place the button went down on: let go
                   there, it goes to the place (-1: none) */
    char *find; /* what Ctrl-F in the panel looked for last */

    /* the run */
    pthread_t thread;
    bool thread_live;
    RunControl *control;
    RunJob *job;
    long long started_ms;
    pthread_mutex_t lock;
    pthread_cond_t drained;
    StrBuf inbox;  /* output from the run's thread */
    StrBuf backlog; /* taken from inbox, not yet fed to the terminal */
    size_t backlog_off;
    int master;    /* our copy of the pty master, -1 */
    char phase[32];
    bool finished; /* the thread is done */
    bool stopping; /* the user asked to stop: the thread no longer waits for room */
    bool starting; /* F5 pressed, files being saved: keys wait for the run */
    int efd;
    StrBuf pending; /* keystrokes the pty has not taken yet */

    /* the last run */
    char *workdir;
    char *entry_dir;  /* the shown run's entry folder, relative to workdir */
    char title[600];
    bool title_error;
    bool ran;
    StrList pictures; /* the pictures the last run wrote (Enter shows them) */

    /* F7: browsing results */
    bool history;
    HistoryResult *hist;
    size_t nhist, hist_i;
    bool hist_diff;      /* F7 shows the diff of hist_i's code and the file now */
    StrList lines;
    LineRuns *runs; /* of lines (up to nruns): how the output looked */
    size_t nruns, capruns;
    long text_top;
    /* The files the shown result wrote: where each is kept ("" once
     * expired), listed from line files_at on (-1: none). */
    StrList files;
    long files_at;
};

static void runs_free(Panel *p)
{
    for (size_t i = 0; i < p->nruns; i++)
        free(p->runs[i].r);
    free(p->runs);
    p->runs = NULL;
    p->nruns = p->capruns = 0;
}

/* ---------------------------------------------------------------- terminal */

static int sb_push(int cols, const VTermScreenCell *cells, void *user)
{
    Panel *p = user;
    if (p->nsb == SCROLLBACK_MAX) {
        free(p->sb[0].cells);
        memmove(p->sb, p->sb + 1, (p->nsb - 1) * sizeof *p->sb);
        p->nsb--;
        if (p->sel > 0)
            p->sel--;
        for (int k = 0; k < 2; k++)
            if (p->pick_line[k] > 0)
                p->pick_line[k]--;
    }
    if (p->nsb == p->capsb) {
        p->capsb = p->capsb ? p->capsb * 2 : 256;
        p->sb = xreallocarray(p->sb, p->capsb, sizeof *p->sb);
    }
    SbLine *l = &p->sb[p->nsb++];
    l->cols = cols;
    l->cells = xreallocarray(NULL, (size_t)cols, sizeof *cells);
    memcpy(l->cells, cells, (size_t)cols * sizeof *cells);
    if (p->scroll > 0)
        p->scroll++; /* keep what the user scrolled back to in place */
    return 1;
}

static void on_vterm_output(const char *s, size_t len, void *user)
{
    /* Replies to the program's queries and encoded keys: to the pty. */
    Panel *p = user;
    sb_append(&p->pending, s, len);
}

/* A terminal rows x cols as a new one starts: the primary screen, blank,
 * with the default modes; the lines it scrolls off go to cbs. */
static VTerm *term_new(int rows, int cols, const VTermScreenCallbacks *cbs, void *user)
{
    VTerm *vt = vterm_new(rows, cols);
    vterm_set_utf8(vt, 1);
    VTermScreen *vs = vterm_obtain_screen(vt);
    vterm_screen_set_callbacks(vs, cbs, user);
    vterm_screen_enable_altscreen(vs, 1);
    vterm_screen_reset(vs, 1);
    return vt;
}

static void term_reset(Panel *p, int rows, int cols)
{
    /* A new terminal for each run, as a new tab of a terminal emulator:
     * vterm_screen_reset leaves the alternate screen a program entered
     * and did not leave (a curses program that crashed) and the primary
     * screen under it, so the next run would draw where it cannot be seen. */
    if (p->vt)
        vterm_free(p->vt);
    static const VTermScreenCallbacks cbs = {.sb_pushline = sb_push};
    p->vt = term_new(rows, cols, &cbs, p);
    p->vs = vterm_obtain_screen(p->vt);
    vterm_output_set_callback(p->vt, on_vterm_output, p);
    p->rows = rows;
    p->cols = cols;
    for (size_t i = 0; i < p->nsb; i++)
        free(p->sb[i].cells);
    p->nsb = 0;
    p->scroll = 0;
    p->sel = -1;
    p->picked = p->picking = false;
}

static void term_resize(Panel *p, int rows, int cols)
{
    if (rows < 1 || cols < 1 || (rows == p->rows && cols == p->cols))
        return;
    vterm_set_size(p->vt, rows, cols);
    p->rows = rows;
    p->cols = cols;
    pthread_mutex_lock(&p->lock);
    int fd = p->master;
    pthread_mutex_unlock(&p->lock);
    if (fd >= 0) {
        struct winsize ws = {(unsigned short)rows, (unsigned short)cols, 0, 0};
        ioctl(fd, TIOCSWINSZ, &ws);
    }
}

Panel *panel_new(void)
{
    Panel *p = xcalloc(1, sizeof *p);
    p->files_at = -1;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->drained, NULL);
    p->master = -1;
    p->sel = -1;
    p->click = -1;
    p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    term_reset(p, 10, 80);
    return p;
}

static void hist_clear(Panel *p)
{
    p->picked = p->picking = false;
    history_list_free(p->hist, p->nhist);
    p->hist = NULL;
    p->nhist = 0;
    sl_free(&p->lines);
    runs_free(p);
    sl_free(&p->files);
    p->history = false;
}

static void job_free(RunJob *j)
{
    if (!j)
        return;
    session_free(&j->session);
    sl_free(&j->files);
    sl_free(&j->args);
    if (j->input >= 0)
        close(j->input);
    free(j->input_name);
    free(j->net_how);
    sl_free(&j->companions);
    sl_free(&j->left_out);
    free(j->project);
    free(j->entry_path);
    run_result_free(&j->res);
    session_run_result_free(&j->rec);
    free(j);
}

void panel_free(Panel *p)
{
    if (!p)
        return;
    if (p->thread_live) {
        run_control_stop(p->control);
        pthread_mutex_lock(&p->lock);
        p->inbox.len = 0; /* unblock a thread waiting for room */
        pthread_cond_broadcast(&p->drained);
        pthread_mutex_unlock(&p->lock);
        pthread_join(p->thread, NULL);
    }
    run_control_free(p->control);
    job_free(p->job);
    free(p->find);
    if (p->master >= 0)
        close(p->master);
    for (size_t i = 0; i < p->nsb; i++)
        free(p->sb[i].cells);
    free(p->sb);
    if (p->vt)
        vterm_free(p->vt);
    sb_free(&p->inbox);
    sb_free(&p->backlog);
    sb_free(&p->pending);
    hist_clear(p);
    free(p->workdir);
    free(p->entry_dir);
    close(p->efd);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->drained);
    sl_free(&p->pictures);
    free(p);
}

int panel_fd(const Panel *p)
{
    return p->efd;
}

bool panel_running(const Panel *p)
{
    return p->thread_live || p->starting;
}

const char *panel_running_name(const Panel *p)
{
    if (p->thread_live && p->job && p->job->entry_path)
        return fileio_base_name(p->job->entry_path);
    return "a program";
}

/* ---------------------------------------------------------------- the run's thread */

const char *panel_program_of(Panel *p, const char *path)
{
    const RunJob *j = p->job;
    if (!j || !j->entry_path || !strcmp(j->entry_path, path))
        return NULL;
    /* The run's thread fills the companions as it starts. */
    pthread_mutex_lock(&p->lock);
    bool known = j->companions_known;
    pthread_mutex_unlock(&p->lock);
    size_t n = strlen(j->session.workdir);
    for (size_t i = 0; known && i < j->companions.len; i++)
        if (!strncmp(path, j->session.workdir, n) && path[n] == '/' && !strcmp(path + n + 1, j->companions.items[i]))
            return j->entry_path;
    return NULL;
}

static void notify(Panel *p)
{
    uint64_t one = 1;
    (void)!write(p->efd, &one, sizeof one);
}

static void on_phase(void *ud, const char *phase)
{
    RunJob *j = ud;
    pthread_mutex_lock(&j->p->lock);
    snprintf(j->p->phase, sizeof j->p->phase, "%s", phase);
    pthread_mutex_unlock(&j->p->lock);
    notify(j->p);
}

static bool on_output(void *ud, int stream, const char *data, size_t len)
{
    (void)stream;
    RunJob *j = ud;
    Panel *p = j->p;
    pthread_mutex_lock(&p->lock);
    /* Waiting here, the thread does not see a stop request: a stop ends
     * the wait (the inbox may then go a read or two over its size). */
    while (p->inbox.len > INBOX_MAX && !p->finished && !p->stopping)
        pthread_cond_wait(&p->drained, &p->lock);
    if (strcmp(p->phase, "running") != 0) {
        /* The compiler writes to a pipe, not the pty: its line breaks get
         * the carriage return a terminal would add. */
        for (size_t i = 0; i < len; i++) {
            if (data[i] == '\n')
                sb_append(&p->inbox, "\r", 1);
            sb_append(&p->inbox, &data[i], 1);
        }
    } else {
        sb_append(&p->inbox, data, len);
    }
    pthread_mutex_unlock(&p->lock);
    notify(p);
    return true;
}

static void on_pty(void *ud, int master_fd)
{
    RunJob *j = ud;
    /* Our own copy: exec closes its descriptor when the run ends, and the
     * number could be reused before the UI hears of it. */
    int fd = fcntl(master_fd, F_DUPFD_CLOEXEC, 3);
    pthread_mutex_lock(&j->p->lock);
    j->p->master = fd;
    pthread_mutex_unlock(&j->p->lock);
    notify(j->p);
}

/* The entry's companions (srcdeps_companions) join the run's files.  On
 * the run's thread: C, C++ and Fortran sources are read to see whether
 * they hold a main, and the UI must not wait on that. */
static void add_companions(RunJob *j)
{
    StrList names;
    srcdeps_companions_split(j->req.lang, j->entry_path, &names, &j->left_out);
    StrList rel;
    Err err;
    if (names.len && session_resolve_files(&j->session, (const char *const *)names.items, &rel, &err)) {
        for (size_t i = 0; i < rel.len; i++) {
            sl_push(&j->files, rel.items[i]);
            sl_push(&j->companions, rel.items[i]);
        }
        sl_free(&rel);
        j->req.files = (const char *const *)j->files.items;
    }
    sl_free(&names);
    pthread_mutex_lock(&j->p->lock);
    j->companions_known = true;
    pthread_mutex_unlock(&j->p->lock);
}

static void *run_thread(void *arg)
{
    RunJob *j = arg;
    add_companions(j);
    RunCallbacks cb = {j, on_phase, on_output, on_pty};
    j->ok = session_run(j->app, &j->session, &j->req, &cb, false, &j->res, &j->rec, &j->err);
    if (j->input >= 0)
        close(j->input);
    j->input = -1;
    if (j->rec.ran && j->res.status != RUN_OK) {
        char *root = srcdeps_project_root(j->req.lang, j->entry_path);
        size_t n = root ? strlen(root) : 0;
        const char *wd = j->session.workdir;
        if (root && strncmp(wd, root, n) == 0 && wd[n] == '/' && !exec_folder_is_private(root))
            j->project = root;
        else
            free(root);
    }
    pthread_mutex_lock(&j->p->lock);
    j->p->finished = true;
    pthread_mutex_unlock(&j->p->lock);
    notify(j->p);
    return NULL;
}

/* ---------------------------------------------------------------- starting */

/* The folder whose session a file runs in: the IDE's root when the file
 * is in it, else the file's own folder. */
static char *run_folder(Ide *ide, const char *path)
{
    size_t n = strlen(ide->root);
    if (!strncmp(path, ide->root, n) && path[n] == '/')
        return xstrdup(ide->root);
    char *dir = xstrdup(path);
    *strrchr(dir, '/') = '\0';
    return dir;
}

static bool find_session(Ide *ide, Tab *t, Session *out, Err *err)
{
    const Lang *lang = t->doc->lang;
    if (ide->session && ide->session->lang == lang)
        return session_load(ide->app, ide->session->id, out, err);
    char *folder = run_folder(ide, t->doc->path);
    /* The CLI's hint (tide session new) is of no use inside the IDE. */
    if (ide->session && ide->session->kind == SESSION_SCRATCH && !strcmp(folder, ide->session->workdir)) {
        err_set(err, "session %s runs %s files; %s starts a %s session (a folder of its own)",
                ide->session->name, ide->session->lang->name, ide_key(ide, ACT_NEW_SESSION), lang->name);
        free(folder);
        return false;
    }
    bool ok = session_for_folder(ide->app, folder, lang, out, err);
    free(folder);
    return ok;
}

/* The file a run's `< FILE` names, as a shell run in the entry's folder
 * would open it; tide reads it, the sandbox never sees it. */
static int open_input(const char *entry, const char *name, Err *err)
{
    char *path;
    if (name[0] == '/') {
        path = xstrdup(name);
    } else {
        char *dir = xstrdup(entry);
        *strrchr(dir, '/') = '\0';
        path = xasprintf("%s/%s", dir, name);
        free(dir);
    }
    /* Not blocking: a FIFO with no writer would hang the IDE here. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0) {
        err_sys(err, "cannot open %s for the input (< %s)", path, name);
    } else if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        err_set(err, "%s is not a file; < takes a file to give the program as its input", path);
        close(fd);
        fd = -1;
    } else {
        (void)fcntl(fd, F_SETFL, 0);
    }
    free(path);
    return fd;
}

/* The tab's command line, kept for the next tide when it changed (a file
 * once untitled has its path by now).  Not kept is no reason not to run. */
static void keep_run_line(Ide *ide, Tab *t)
{
    StrBuf line = {0};
    sb_puts(&line, "");
    args_join(&t->run_args, t->run_input, &line);
    Err err;
    bool moved = t->run_line_path && strcmp(t->run_line_path, t->doc->path) != 0;
    if ((moved || strcmp(line.data, t->run_line_kept ? t->run_line_kept : "") != 0) &&
        runline_save(&ide->app->paths, t->doc->path, line.data, &err)) {
        if (moved)
            (void)runline_save(&ide->app->paths, t->run_line_path, "", &err);
        free(t->run_line_kept);
        free(t->run_line_path);
        t->run_line_kept = *line.data ? xstrdup(line.data) : NULL;
        t->run_line_path = *line.data ? xstrdup(t->doc->path) : NULL;
    }
    sb_free(&line);
}

static void not_run(Ide *ide, Document *d, RunJob *j, const Err *err)
{
    Panel *p = ide->panel;
    ide_message(ide, true, "cannot run %s: %s", document_name(d), err->msg);
    snprintf(p->title, sizeof p->title, "not run: %.500s", err->msg);
    p->title_error = true;
    p->pending.len = 0;
    job_free(j);
}

void panel_prepare(Ide *ide, Tab *t)
{
    Panel *p = ide->panel;
    if (p->thread_live)
        return;
    hist_clear(p);
    ide->panel_visible = true;
    ide_layout(ide);
    term_reset(p, ide->r_panel.h - 1 > 1 ? ide->r_panel.h - 1 : 1, ide->r_panel.w > 1 ? ide->r_panel.w : 80);
    p->starting = true;
    p->ran = true;
    p->title_error = false;
    sl_free(&p->pictures);
    p->pending.len = 0;
    snprintf(p->title, sizeof p->title, "%s", document_name(t->doc));
    snprintf(p->phase, sizeof p->phase, "saving");
    p->started_ms = now_ms();
    ide->focus = FOCUS_PANEL;
    ide->dirty = true;
}

void panel_cancel_start(Ide *ide)
{
    Panel *p = ide->panel;
    if (!p->starting)
        return;
    p->starting = false;
    p->pending.len = 0;
    snprintf(p->title, sizeof p->title, "not run: the file was not saved");
    p->title_error = true;
    if (ide->focus == FOCUS_PANEL)
        ide->focus = FOCUS_EDITOR;
    ide->dirty = true;
}

void panel_run(Ide *ide, Tab *t)
{
    Panel *p = ide->panel;
    bool prepared = p->starting;
    p->starting = false;
    if (p->thread_live) {
        ide_message(ide, false, "a program is running: %s stops it", ide_key(ide, ACT_STOP));
        return;
    }
    Document *d = t->doc;
    if (!d->lang) {
        ide_message(ide, true, "%s has no language tide runs: %s chooses one", document_name(d),
                    ide_key(ide, ACT_LANGUAGE));
        return;
    }
    RunJob *j = xcalloc(1, sizeof *j);
    j->p = p;
    j->app = ide->app;
    j->input = -1;
    Err err;
    const char *entry[] = {d->path, NULL};
    if (!find_session(ide, t, &j->session, &err) || !session_resolve_files(&j->session, entry, &j->files, &err) ||
        (t->run_input && (j->input = open_input(d->path, t->run_input, &err)) < 0)) {
        not_run(ide, d, j, &err);
        return;
    }
    hist_clear(p);
    job_free(p->job);
    p->job = j;
    j->entry_path = xstrdup(d->path);
    ide->panel_visible = true;
    ide_layout(ide);
    if (!prepared)
        term_reset(p, ide->r_panel.h - 1 > 1 ? ide->r_panel.h - 1 : 1, ide->r_panel.w > 1 ? ide->r_panel.w : 80);
    run_request_defaults(&j->req, &ide->app->cfg);
    j->req.lang = d->lang;
    j->req.files = (const char *const *)j->files.items;
    for (size_t i = 0; i < t->run_args.len; i++)
        sl_push(&j->args, t->run_args.items[i]);
    keep_run_line(ide, t);
    j->req.args = j->args.len ? (const char *const *)j->args.items : NULL;
    j->req.net = t->run_net;
    j->net_how = xasprintf("%s then Alt-N gives this file's runs the host's network", ide_key(ide, ACT_RUN_ARGS));
    j->req.net_how = j->net_how;
    /* The panel shows output as it comes: only what the record keeps is held. */
    j->req.keep_limit = SESSION_RECORD_STREAM_MAX;
    j->req.stdin_fd = j->input;
    j->req.stdin_piped = j->input >= 0;
    if (t->run_input) {
        j->input_name = xstrdup(t->run_input);
        j->req.stdin_name = j->input_name;
    }
    j->req.tty = true;
    j->req.rows = (unsigned short)p->rows;
    j->req.cols = (unsigned short)p->cols;
    run_control_free(p->control);
    p->control = run_control_new();
    j->req.control = p->control;
    free(p->workdir);
    p->workdir = xstrdup(j->session.workdir);
    free(p->entry_dir);
    p->entry_dir = srcloc_entry_dir(j->files.items[0]);
    p->finished = false;
    p->stopping = false;
    p->inbox.len = 0;
    p->backlog.len = p->backlog_off = 0;
    if (!prepared)
        p->pending.len = 0; /* keys typed while saving wait for the pty */
    snprintf(p->phase, sizeof p->phase, "starting");
    p->started_ms = now_ms();
    p->ran = true;
    p->title_error = false;
    sl_free(&p->pictures);
    /* The command line, as the user would type it. */
    StrBuf cmd = {0};
    sb_puts(&cmd, document_name(d));
    if (j->args.len || t->run_input) {
        sb_puts(&cmd, " ");
        args_join(&j->args, t->run_input, &cmd);
    }
    if (j->req.net)
        sb_puts(&cmd, " · network");
    snprintf(p->title, sizeof p->title, "%s", cmd.data);
    sb_free(&cmd);
    if (pthread_create(&p->thread, NULL, run_thread, j) != 0) {
        ide_message(ide, true, "cannot start a thread for the run");
        return;
    }
    p->thread_live = true;
    ide->focus = FOCUS_PANEL;
    ide->dirty = true;
}

/* What the panel says while a program runs, over once it has ended. */
#define SAY_STOPPING "stopping the program..."
#define SAY_INTERRUPTED "interrupted the program (SIGINT)"

bool panel_stop(Ide *ide)
{
    Panel *p = ide->panel;
    if (!p->thread_live) {
        ide_message(ide, false, "nothing is running");
        return false;
    }
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->drained);
    pthread_mutex_unlock(&p->lock);
    run_control_stop(p->control);
    ide_message(ide, false, SAY_STOPPING);
    return true;
}

/* Ctrl-C in the panel: what a terminal does (SIGINT: Python prints where
 * the program was, a traceback Enter follows); the second stops the run.
 * A compile is stopped at once. */
static void panel_interrupt(Ide *ide)
{
    Panel *p = ide->panel;
    pthread_mutex_lock(&p->lock);
    bool running = !strcmp(p->phase, "running");
    pthread_mutex_unlock(&p->lock);
    if (!running || run_control_interrupts(p->control) > 0) {
        panel_stop(ide);
        return;
    }
    run_control_interrupt(p->control);
    ide_message(ide, false, SAY_INTERRUPTED ": Ctrl-C again or %s stops it", ide_key(ide, ACT_STOP));
}

/* ---------------------------------------------------------------- finishing */

static void result_line(Panel *p, const RunJob *j)
{
    const RunResult *r = &j->res;
    StrBuf sb = {0};
    if (!j->ok && !j->rec.ran) {
        sb_printf(&sb, "not run: %s", j->err.msg);
        p->title_error = true;
    } else {
        sb_puts(&sb, run_status_name(r->status));
        if (r->signal) {
            /* By its name too: "signal 11" says little to whom it happens. */
            const char *name = sigabbrev_np(r->signal);
            sb_printf(&sb, " · signal %d", r->signal);
            if (name)
                sb_printf(&sb, " (SIG%s)", name);
        }
        else if (r->exit_code >= 0)
            sb_printf(&sb, " · exit %d", r->exit_code);
        if (j->req.lang && j->req.lang->compile && r->status != RUN_INVALID_REQUEST)
            sb_printf(&sb, " · compile %.2f s%s", r->compile_time, r->build_cached ? " (cached)" : "");
        if (run_result_ran(r)) {
            sb_printf(&sb, " · run %.2f s", r->execution_time);
            if (r->peak_memory_kb >= 0) {
                char mem[SIZE_TEXT_LEN];
                size_text(r->peak_memory_kb * 1024, mem);
                sb_printf(&sb, " · peak %s", mem);
            }
        }
        if (j->req.net)
            sb_puts(&sb, " · network");
        /* The result's number before the word on how it ended, which a
         * narrow title drops first: the status said it already, and the
         * number is how F7 and tide result find the run. */
        if (j->rec.recorded)
            sb_printf(&sb, " · result #%lld", (long long)j->rec.result_id);
        if (r->message[0] && r->status != RUN_OK && r->status != RUN_COMPILE_ERROR)
            sb_printf(&sb, " · %s", r->message);
        if (r->ngenerated)
            sb_printf(&sb, " · %zu file%s written", r->ngenerated, r->ngenerated > 1 ? "s" : "");
        p->title_error = r->status != RUN_OK;
    }
    snprintf(p->title, sizeof p->title, "%s", sb.data);
    sb_free(&sb);
}

static size_t total_lines(const Panel *p)
{
    return p->nsb + (size_t)p->rows;
}

/* The column after a wide character: libvterm gives it as a cell of its
 * own holding (uint32_t)-1, which is no character to draw or copy. */
static bool right_half(const VTermScreenCell *cell, int col)
{
    return col > 0 && (cell->chars[0] == (uint32_t)-1 || cell->width == 0);
}

/* The text of the cell in column c, appended as UTF-8. */
static void cell_text(const VTermScreenCell *cell, int c, StrBuf *out)
{
    if (right_half(cell, c))
        return;
    if (!cell->chars[0]) {
        if (cell->width)
            sb_append(out, " ", 1);
        return;
    }
    for (int k = 0; k < VTERM_MAX_CHARS_PER_CELL && cell->chars[k]; k++) {
        char buf[4];
        int n = textnav_utf8_encode(cell->chars[k], buf);
        sb_append(out, buf, (size_t)n);
    }
}

static void trim_right(StrBuf *out)
{
    while (out->len && out->data[out->len - 1] == ' ')
        out->data[--out->len] = '\0';
}

/* Line i of the live output counts the scrollback's lines, then the
 * screen's rows. */
static int line_cols(const Panel *p, size_t i)
{
    return i < p->nsb ? p->sb[i].cols : p->cols;
}

static void cell_at(const Panel *p, size_t i, int col, VTermScreenCell *cell)
{
    if (i < p->nsb)
        *cell = p->sb[i].cells[col];
    else
        vterm_screen_get_cell(p->vs, (VTermPos){(int)(i - p->nsb), col}, cell);
}

/* The text of line i (scrollback, then screen), as UTF-8. */
static void line_text(const Panel *p, size_t i, StrBuf *out)
{
    out->len = 0;
    if (out->data)
        out->data[0] = '\0';
    int cols = line_cols(p, i);
    for (int c = 0; c < cols; c++) {
        VTermScreenCell cell;
        cell_at(p, i, c, &cell);
        cell_text(&cell, c, out);
    }
    trim_right(out);
}

/* The lines up to the last that holds something: the terminal's blank
 * rows below a short output are no output. */
static size_t used_lines(const Panel *p)
{
    size_t n = total_lines(p);
    StrBuf t = {0};
    for (; n > p->nsb; n--) {
        line_text(p, n - 1, &t);
        if (t.len)
            break;
    }
    sb_free(&t);
    return n;
}

/* The lines the view scrolls over: a live program's whole terminal
 * (where it draws next may be any row), a finished run's down to its last
 * line with text -- its terminal keeps the height it had, and a panel made
 * smaller since would show the blank rows under the output and never reach
 * its top. */
static size_t shown_lines(const Panel *p)
{
    return p->thread_live || !p->ran ? total_lines(p) : used_lines(p);
}

/* The panel's rows for the output (under its title). */
static int view_rows(const Ide *ide)
{
    return ide->r_panel.h > 1 ? ide->r_panel.h - 1 : 1;
}

static void show_line_at(Ide *ide, long i, int above);

/* Scrolled back no further than the first line. */
static void clamp_scroll(Ide *ide)
{
    Panel *p = ide->panel;
    long most = (long)shown_lines(p) - view_rows(ide);
    if (p->scroll > most)
        p->scroll = most > 0 ? (int)most : 0;
    if (p->scroll < 0)
        p->scroll = 0;
}

/* The first line shown in `rows` rows.  A finished run's output moves up
 * while a long message covers the panel's last rows, as far as its last
 * line needs to stay in sight (the note about an error must not hide the
 * error); a running program's rows stay where its terminal has them. */
static long first_shown(const Panel *p, int rows)
{
    long first = (long)shown_lines(p) - rows - p->scroll;
    if (first < 0)
        first = 0;
    if (!p->thread_live && p->hidden > 0 && p->scroll == 0) {
        long shifted = (long)used_lines(p) - (rows - p->hidden);
        if (shifted > first)
            first = shifted;
    }
    return first;
}

/* ------------------------------------------------- output shown again */

static bool same_looks(const VTermScreenCell *a, const VTermScreenCell *b)
{
    return a->attrs.bold == b->attrs.bold && a->attrs.underline == b->attrs.underline &&
           a->attrs.italic == b->attrs.italic && a->attrs.reverse == b->attrs.reverse &&
           vterm_color_is_equal(&a->fg, &b->fg) && vterm_color_is_equal(&a->bg, &b->bg);
}

/* A row of cells as the next line of a past result: its text, and its
 * looks where they are not the plain ones. */
static void push_cells(Panel *p, const VTermScreenCell *cells, int cols)
{
    StrBuf line = {0};
    LineRuns lr = {0};
    size_t cap = 0;
    for (int c = 0; c < cols; c++) {
        if (right_half(&cells[c], c))
            continue;
        if (lr.n ? !same_looks(&lr.r[lr.n - 1].cell, &cells[c])
                 : (cells[c].attrs.bold || cells[c].attrs.underline || cells[c].attrs.italic ||
                    cells[c].attrs.reverse || !VTERM_COLOR_IS_DEFAULT_FG(&cells[c].fg) ||
                    !VTERM_COLOR_IS_DEFAULT_BG(&cells[c].bg))) {
            if (lr.n == cap) {
                cap = cap ? 2 * cap : 4;
                lr.r = xreallocarray(lr.r, cap, sizeof *lr.r);
            }
            lr.r[lr.n++] = (StyleRun){line.len, cells[c]};
        }
        cell_text(&cells[c], c, &line);
    }
    trim_right(&line);
    size_t at = p->lines.len;
    sl_push(&p->lines, line.data ? line.data : "");
    sb_free(&line);
    if (!lr.n)
        return;
    if (at >= p->capruns) {
        size_t ncap = p->capruns ? 2 * p->capruns : 64;
        while (ncap <= at)
            ncap *= 2;
        p->runs = xreallocarray(p->runs, ncap, sizeof *p->runs);
        p->capruns = ncap;
    }
    while (p->nruns < at)
        p->runs[p->nruns++] = (LineRuns){0};
    p->runs[p->nruns++] = lr;
}

static int replay_push(int cols, const VTermScreenCell *cells, void *user)
{
    push_cells(user, cells, cols);
    return 1;
}

/* Output replayed up to this size: a terminal takes ~80 ms a MiB. */
#define REPLAY_MAX (1024 * 1024 + 4096)

/* What the output s looked like in a terminal rows x cols (the panel's):
 * its lines into out, as a terminal left them (a progress bar redrawn in
 * place is its last state; a curses program's screen is gone once it
 * ends).  A program given pipes wrote \n alone, which a terminal would
 * have turned into \r\n. */
static void replay_output(Panel *p, const char *s, size_t len, int rows, int cols)
{
    static const VTermScreenCallbacks cbs = {.sb_pushline = replay_push};
    VTerm *vt = term_new(rows, cols, &cbs, p);
    VTermScreen *vs = vterm_obtain_screen(vt);
    /* (In pieces: libvterm 0.3 crashes on a write of megabytes.) */
    size_t from = 0;
    for (size_t i = 0; i <= len; i++) {
        bool bare_nl = i < len && s[i] == '\n' && (i == 0 || s[i - 1] != '\r');
        if (i == len || bare_nl || i - from == 4096) {
            vterm_input_write(vt, s + from, i - from);
            if (bare_nl)
                vterm_input_write(vt, "\r", 1);
            from = i;
        }
    }
    /* The screen down to the cursor's row or its last written one. */
    VTermPos cur;
    vterm_state_get_cursorpos(vterm_obtain_state(vt), &cur);
    VTermScreenCell *row_cells = xreallocarray(NULL, (size_t)cols, sizeof *row_cells);
    int last = 0;
    for (int row = 0; row < rows; row++) {
        for (int c = 0; c < cols; c++) {
            VTermScreenCell cell;
            vterm_screen_get_cell(vs, (VTermPos){row, c}, &cell);
            if (cell.chars[0] && cell.chars[0] != ' ' && cell.chars[0] != (uint32_t)-1)
                last = row + 1;
        }
    }
    if (cur.row > last)
        last = cur.row;
    for (int row = 0; row < last; row++) {
        for (int c = 0; c < cols; c++)
            vterm_screen_get_cell(vs, (VTermPos){row, c}, &row_cells[c]);
        push_cells(p, row_cells, cols);
    }
    free(row_cells);
    vterm_free(vt);
}

/* The place a line names, resolved to a file that exists. */
static char *line_location(const Panel *p, const char *text, size_t len, SrcLoc *loc)
{
    if (!p->workdir || !srcloc_find(text, len, loc))
        return NULL;
    return srcloc_resolve(loc->path, p->workdir, p->entry_dir);
}

/* What line i of the history names: a file the result wrote (loc->line
 * 0: open it), else a place in the output. */
static char *line_target(const Panel *p, long i, const char *text, size_t len, SrcLoc *loc)
{
    long k = i - p->files_at;
    if (p->history && p->files_at >= 0 && k >= 0 && (size_t)k < p->files.len) {
        if (!p->files.items[k][0])
            return NULL;
        const char *paren = strrchr(text, '(');
        *loc = (SrcLoc){.start = 0, .end = paren && paren > text ? (size_t)(paren - text - 1) : len};
        return xstrdup(p->files.items[k]);
    }
    return line_location(p, text, len, loc);
}

/* A file of the user's: in the run's folder, and not what is installed
 * there (a venv's packages; a hidden folder's, such as ~/.pyenv when the
 * folder is the home). */
static bool users_file(const Panel *p, const char *path)
{
    size_t n = strlen(p->workdir);
    return !strncmp(path, p->workdir, n) && path[n] == '/' && !strstr(path + n, "/.") &&
           !strstr(path + n, "/site-packages/") && !strstr(path + n, "/dist-packages/");
}

/* The place to go to first: a compiler's first error; in a traceback that
 * lists the innermost call last (Python's), the last frame in the user's
 * files -- where it failed, not where the program started. */
static long first_location(const Panel *p)
{
    StrBuf sb = {0};
    long found = -1;
    bool innermost_last = false;
    for (size_t i = 0; i < total_lines(p) && (found < 0 || innermost_last); i++) {
        line_text(p, i, &sb);
        SrcLoc loc;
        char *path = line_location(p, sb.data ? sb.data : "", sb.len, &loc);
        if (path && found < 0) {
            found = (long)i;
            innermost_last = loc.innermost_last;
        } else if (path && loc.innermost_last && users_file(p, path)) {
            found = (long)i;
        }
        free(path);
    }
    sb_free(&sb);
    return found;
}

static void finish(Ide *ide)
{
    Panel *p = ide->panel;
    pthread_join(p->thread, NULL);
    p->thread_live = false;
    RunJob *j = p->job;
    result_line(p, j);
    /* "stopping the program...", "interrupted ...: Ctrl-C again stops
     * it" are over: the title says how it ended. */
    if (!strcmp(ide->msg, SAY_STOPPING) || !strncmp(ide->msg, SAY_INTERRUPTED, strlen(SAY_INTERRUPTED)))
        ide->msg[0] = '\0';
    /* When nothing ran, say why in the panel too: the title line is cut
     * at the panel's width. */
    const char *why = !j->ok && !j->rec.ran ? j->err.msg
                      : j->res.status == RUN_INVALID_REQUEST || j->res.status == RUN_SANDBOX_ERROR
                          ? j->res.message
                          : "";
    if (why[0]) {
        char *text = xasprintf("tide: %s\r\n", why);
        vterm_input_write(p->vt, text, strlen(text));
        free(text);
    }
    if (p->master >= 0) {
        close(p->master);
        p->master = -1;
    }
    p->pending.len = 0;
    /* Files the run wrote: marked in the explorer. */
    if (j->ok && j->rec.recorded && j->res.ngenerated) {
        StrList paths = {0};
        char *sdir = session_dir_for(ide->app, j->session.id);
        char *dir = xasprintf("%s/generated/%lld", sdir, (long long)j->rec.result_id);
        for (size_t i = 0; i < j->res.ngenerated; i++) {
            char *path = xasprintf("%s/%s", dir, j->res.generated[i].path);
            if (picture_sniff(path))
                sl_push(&p->pictures, path);
            if (fileio_exists(path))
                sl_push_owned(&paths, path);
            else
                free(path);
        }
        explorer_set_run_files(ide, j->rec.result_id, dir, &paths);
        ide->explorer_visible = true;
        ide_layout(ide);
        sl_free(&paths);
        free(dir);
        free(sdir);
    }
    for (size_t i = 0; i < j->rec.notes.len; i++)
        if (!sl_contains(&j->rec.repeated, j->rec.notes.items[i]))
            ide_message(ide, false, "%s", j->rec.notes.items[i]);
    if (!j->rec.result_noted) {
        StrList notes = {0};
        run_result_notes(&j->res, j->session.lang, j->session.workdir, j->req.net, j->net_how, &notes);
        for (size_t i = 0; i < notes.len; i++)
            ide_message(ide, false, "%s", notes.items[i]);
        sl_free(&notes);
    }
    if (j->res.status == RUN_COMPILE_ERROR && (j->companions.len || j->left_out.len)) {
        char *note = srcdeps_companions_note(&j->companions, &j->left_out);
        ide_message(ide, false, "%s", note);
        free(note);
    }
    /* The folder opened is inside the file's project (tide src/ in a Node
     * package): the program did not see the rest of it. */
    if (j->project)
        ide_message(ide, false, "its project is %s: open that folder to run it with the project", j->project);
    /* Errors that name a place: the first (first_location's) is selected,
     * Enter goes there. */
    p->sel = first_location(p);
    /* The panel shows the end of the output; Enter goes to the first
     * error, which is to be seen (a compiler's first error is far above
     * its last warning): at the top, with as much as fits of what follows
     * it (its message; below Python's frame, the calls it made on the way
     * to the exception). */
    if (p->sel >= 0) {
        int rows = view_rows(ide);
        long first = first_shown(p, rows);
        if (p->sel < first || p->sel >= first + rows)
            show_line_at(ide, p->sel, 0);
    }
    /* An error to go to, or a picture to see: Enter is for them. */
    if (ide->focus == FOCUS_PANEL && p->sel < 0 && !p->title_error && !p->pictures.len)
        ide->focus = FOCUS_EDITOR;
    ide->dirty = true;
}

bool panel_backlog(const Panel *p)
{
    return p->backlog.len > p->backlog_off;
}

void panel_collect(Ide *ide)
{
    Panel *p = ide->panel;
    uint64_t n;
    (void)!read(p->efd, &n, sizeof n);
    pthread_mutex_lock(&p->lock);
    /* Take more only when what we have is drawn: the run's thread waits
     * meanwhile, and so does the program. */
    if (!panel_backlog(p)) {
        sb_free(&p->backlog);
        p->backlog = p->inbox;
        p->backlog_off = 0;
        p->inbox = (StrBuf){0};
        pthread_cond_broadcast(&p->drained);
    }
    bool finished = p->finished && !p->inbox.len;
    pthread_mutex_unlock(&p->lock);
    /* A few milliseconds of output at a time, so keys are read in between;
     * and in small pieces: libvterm puts a run of text in an array on the
     * stack. */
    long long start = now_ms();
    while (panel_backlog(p) && now_ms() - start < 8) {
        size_t left = p->backlog.len - p->backlog_off, chunk = left < 4096 ? left : 4096;
        vterm_input_write(p->vt, p->backlog.data + p->backlog_off, chunk);
        p->backlog_off += chunk;
    }
    if (finished && !panel_backlog(p) && p->thread_live)
        finish(ide);
    /* All fed, and the run's thread filled the inbox meanwhile (its
     * wake-up was read before): come back at once, or the thread waits for
     * room forever and the program with it. */
    if (!panel_backlog(p)) {
        pthread_mutex_lock(&p->lock);
        bool more = p->inbox.len > 0;
        pthread_mutex_unlock(&p->lock);
        if (more)
            notify(p);
    }
    ide->dirty = true;
}

int panel_input_fd(const Panel *p)
{
    return p->pending.len && p->master >= 0 ? p->master : -1;
}


void panel_flush_input(Ide *ide)
{
    Panel *p = ide->panel;
    pthread_mutex_lock(&p->lock);
    int master = p->master;
    pthread_mutex_unlock(&p->lock);
    if (master < 0 || !p->pending.len) {
        /* Before the pty exists, keys wait; after the run, they go. */
        if (!p->thread_live && !p->starting)
            p->pending.len = 0;
        return;
    }
    /* Only what the pty takes now: never block the UI on a program that
     * does not read. */
    struct pollfd pfd = {p->master, POLLOUT, 0};
    while (p->pending.len && poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLOUT)) {
        size_t chunk = p->pending.len < 256 ? p->pending.len : 256;
        ssize_t w = write(p->master, p->pending.data, chunk);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break; /* full: the rest when poll says there is room */
        if (w <= 0) {
            p->pending.len = 0; /* the program is gone */
            break;
        }
        memmove(p->pending.data, p->pending.data + w, p->pending.len - (size_t)w);
        p->pending.len -= (size_t)w;
    }
}

const char *panel_state(Ide *ide, bool *error)
{
    static char buf[200];
    Panel *p = ide->panel;
    *error = false;
    if (p->thread_live || p->starting) {
        pthread_mutex_lock(&p->lock);
        snprintf(buf, sizeof buf, "%s %.1f s", p->phase, (now_ms() - p->started_ms) / 1000.0);
        pthread_mutex_unlock(&p->lock);
        return buf;
    }
    if (!p->ran || !p->job)
        return NULL;
    *error = p->title_error;
    snprintf(buf, sizeof buf, "%s", p->job->ok || p->job->rec.ran ? run_status_name(p->job->res.status) : "not run");
    return buf;
}

const char *panel_state_of(Ide *ide)
{
    Panel *p = ide->panel;
    return (p->thread_live || p->starting || p->ran) && p->job ? p->job->entry_path : NULL;
}

/* ---------------------------------------------------------------- history */

/* Text as lines, simply: escape sequences dropped, a \r keeps what
 * follows it unless it ends a line, tabs stop every tabw columns. */
static void plain_lines(const char *s, size_t len, int tabw, StrList *out)
{
    StrBuf line = {0};
    int col = 0, stop = tabw > 0 ? tabw : 8;
    for (size_t i = 0; i <= len; i++) {
        char c = i < len ? s[i] : '\n';
        if (c == '\n') {
            sl_push(out, line.data ? line.data : "");
            line.len = 0;
            col = 0;
            if (line.data)
                line.data[0] = '\0';
        } else if (c == '\r' && !(i + 1 < len && s[i + 1] == '\n')) {
            line.len = 0;
            col = 0;
            if (line.data)
                line.data[0] = '\0';
        } else if (c == '\033') {
            i++;
            if (i < len && s[i] == '[')
                while (i + 1 < len && !(s[i + 1] >= '@' && s[i + 1] <= '~'))
                    i++;
            i++;
        } else if (c == '\t') {
            int n = stop - col % stop;
            sb_append(&line, "                ", (size_t)n);
            col += n;
        } else if (c < 0) {
            uint32_t cp;
            int n = textnav_utf8_decode((const unsigned char *)s + i, len - i, &cp), w;
            term_char_shown(cp, &w);
            sb_append(&line, s + i, (size_t)n);
            i += (size_t)n - 1;
            col += w;
        } else if (c >= ' ') {
            sb_append(&line, &c, 1);
            col++;
        }
    }
    sb_free(&line);
    if (out->len && !out->items[out->len - 1][0])
        free(out->items[--out->len]), out->items[out->len] = NULL;
}

/* A result shown again: its code (tabs at the editor's width, tabw), then
 * what the compiler and the program wrote, as the panel showed them. */
/* Empty the text F7 shows, for another. */
static void hist_text_reset(Panel *p)
{
    p->picked = p->picking = false;
    sl_free(&p->lines);
    runs_free(p);
    sl_free(&p->files);
    p->files_at = -1;
    p->hist_diff = false;
}

static void hist_text(Panel *p, const HistoryResult *r, int tabw)
{
    hist_text_reset(p);
    char when[64] = "";
    time_t t = (time_t)r->created_at;
    struct tm tm;
    if (localtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    sl_push_owned(&p->lines, xasprintf("── code of %s%s%.7s (%s) ──", r->entry ? r->entry : "?",
                                       r->commit[0] ? " @ " : "", r->commit, when));
    const char *input = r->stdin_mode && !strcmp(r->stdin_mode, "file") ? r->stdin_name : NULL;
    if (r->args.len || input) {
        /* Run with arguments: the command line as it would be typed. */
        StrBuf cmd = {0};
        sb_printf(&cmd, "── run as: %s ", r->entry ? r->entry : "?");
        args_join(&r->args, input, &cmd);
        sb_puts(&cmd, " ──");
        sl_push_owned(&p->lines, sb_steal(&cmd));
    }
    const char *parts[][2] = {{"code", r->code}, {"compiler", r->compile_output}, {"output", r->output},
                              {"errors", r->error}};
    size_t lens[] = {r->code_len, r->compile_output_len, r->output_len, r->error_len};
    for (int k = 0; k < 4; k++) {
        if (!parts[k][1] || !lens[k])
            continue;
        if (k == 0) {
            plain_lines(parts[k][1], lens[k], tabw, &p->lines);
            /* Input from a file (< FILE, --stdin, a pipe) is not in the
             * output as typed input is (no terminal echoed it). */
            if (r->stdin_data && r->stdin_len && r->stdin_mode && strcmp(r->stdin_mode, "interactive") != 0) {
                sl_push_owned(&p->lines, xstrdup("── input ──"));
                plain_lines(r->stdin_data, r->stdin_len, tabw, &p->lines);
            }
            continue;
        }
        sl_push_owned(&p->lines, xasprintf("── %s ──", parts[k][0]));
        /* A bigger output (a raised output_limit) is shown simply rather
         * than keep the keys waiting. */
        if (lens[k] <= REPLAY_MAX)
            replay_output(p, parts[k][1], lens[k], p->rows > 1 ? p->rows : 24, p->cols > 1 ? p->cols : 80);
        else
            plain_lines(parts[k][1], lens[k], 8, &p->lines);
    }
    /* What the run said the user should know, as it said it then. */
    if (r->note && r->note[0]) {
        sl_push(&p->lines, "── notes ──");
        for (const char *line = r->note; *line;) {
            size_t n = strcspn(line, "\n");
            sl_push_owned(&p->lines, xstrndup(line, n));
            line += n + (line[n] == '\n');
        }
    }
    /* Which tools made it (runs recorded since schema 5). */
    StrList tools;
    history_toolchain_lines(r->toolchain, &tools);
    if (tools.len)
        sl_push(&p->lines, "── toolchain ──");
    for (size_t k = 0; k < tools.len; k++)
        sl_push(&p->lines, tools.items[k]);
    sl_free(&tools);
    /* What it wrote, each to open (Enter): a plot shows as a picture. */
    if (r->ngenerated) {
        sl_push(&p->lines, "── files it wrote ──");
        p->files_at = (long)p->lines.len;
    }
    for (size_t k = 0; k < r->ngenerated; k++) {
        const HistoryFile *f = &r->generated[k];
        char size[SIZE_TEXT_LEN];
        size_text(f->size, size);
        sl_push_owned(&p->lines, f->stored ? xasprintf("%s (%s%s%s)", f->path, size, f->type ? ", " : "",
                                                       f->type ? f->type : "")
                                           : xasprintf("%s (expired)", f->path));
        sl_push(&p->files, f->stored ? f->stored : "");
    }
    p->text_top = 0;
    p->sel = -1;
}

static void hist_show(Ide *ide, size_t i)
{
    Panel *p = ide->panel;
    if (i >= p->nhist)
        return;
    p->hist_i = i;
    HistoryResult full;
    Err err;
    if (!history_get(ide->app, p->hist[i].id, &full, &err)) {
        ide_message(ide, true, "%s", err.msg);
        return;
    }
    hist_text(p, &full, ide->app->cfg.tab_width);
    free(p->entry_dir);
    p->entry_dir = srcloc_entry_dir(full.entry);
    char mem[SIZE_TEXT_LEN] = "";
    if (full.peak_memory_kb >= 0)
        size_text(full.peak_memory_kb * 1024, mem);
    snprintf(p->title, sizeof p->title, "result #%lld (%zu of %zu) · %s · %s%s%s%s", (long long)full.id, i + 1,
             p->nhist, full.status, full.entry ? full.entry : "", mem[0] ? " · peak " : "", mem,
             full.net ? " · network" : "");
    p->title_error = strcmp(full.status, "ok") != 0;
    history_result_free(&full);
    ide->dirty = true;
}

/* Leave F7's results: the panel shows the last run again. */
static void hist_close(Ide *ide)
{
    Panel *p = ide->panel;
    hist_clear(p);
    if (p->job) {
        result_line(p, p->job);
        free(p->entry_dir);
        p->entry_dir = srcloc_entry_dir(p->job->files.items[0]);
    }
    ide->dirty = true;
}

void panel_history(Ide *ide)
{
    Panel *p = ide->panel;
    Tab *t = ide_tab(ide);
    if (p->thread_live) {
        ide_message(ide, false, "a program is running: its results are browsable when it ends");
        return;
    }
    if (p->history) {
        hist_close(ide); /* F7 again: back to the last run */
        return;
    }
    Session s = {0};
    Err err;
    bool have = false;
    if (p->job) {
        have = session_load(ide->app, p->job->session.id, &s, &err);
    } else if (ide->session) {
        have = session_load(ide->app, ide->session->id, &s, &err);
    } else if (t && t->doc->path && t->doc->lang) {
        /* The folder's session, without creating one to look at. */
        Session *list = NULL;
        size_t n = 0;
        char *folder = run_folder(ide, t->doc->path);
        if (session_list(ide->app, &list, &n, &err))
            for (size_t i = 0; i < n && !have; i++)
                if (list[i].lang == t->doc->lang && !strcmp(list[i].workdir, folder))
                    have = session_load(ide->app, list[i].id, &s, &err);
        session_list_free(list, n);
        free(folder);
    }
    if (!have) {
        ide_message(ide, false, "no runs recorded here yet: %s runs the file", ide_key(ide, ACT_RUN));
        return;
    }
    HistoryResult *list = NULL;
    size_t n = 0;
    if (!history_list(ide->app, s.id, 500, &list, &n, &err) || n == 0) {
        ide_message(ide, false, n ? "%s" : "no runs recorded in session %s yet", n ? err.msg : s.name);
        history_list_free(list, n);
        session_free(&s);
        return;
    }
    free(p->workdir);
    p->workdir = xstrdup(s.workdir);
    session_free(&s);
    p->hist = list;
    p->nhist = n;
    p->history = true;
    ide->panel_visible = true;
    ide->focus = FOCUS_PANEL;
    ide_layout(ide);
    hist_show(ide, 0);
}

/* ---------------------------------------------------------------- drawing */

/* ui/colors.c knows how this terminal takes colours (a truecolor
 * terminfo reads numbers from 8 up as RGB values). */
static int color_index(const VTermColor *c, bool *is_default, bool fg)
{
    *is_default = fg ? VTERM_COLOR_IS_DEFAULT_FG(c) : VTERM_COLOR_IS_DEFAULT_BG(c);
    if (*is_default)
        return -1;
    if (VTERM_COLOR_IS_INDEXED(c))
        return colors_palette(c->indexed.idx);
    return colors_rgb((uint32_t)c->rgb.red << 16 | (uint32_t)c->rgb.green << 8 | c->rgb.blue);
}

static UiStyle cell_style(Ide *ide, const VTermScreenCell *cell)
{
    UiStyle st = ui_style[ROLE_TEXT];
    if (cell->attrs.bold)
        st.attr |= A_BOLD;
    if (cell->attrs.underline)
        st.attr |= A_UNDERLINE;
    if (cell->attrs.italic)
        st.attr |= A_ITALIC;
    if (cell->attrs.reverse)
        st.attr |= A_REVERSE;
    if (ide->term.color) {
        bool dfg, dbg;
        int fg = color_index(&cell->fg, &dfg, true), bg = color_index(&cell->bg, &dbg, false);
        if (!dfg || !dbg) {
            int pair = colors_pair(fg, bg);
            if (pair > 0 && pair < 32768)
                st.pair = (short)pair;
        }
    }
    return st;
}

/* A title that does not fit loses whole fields from its end, so it never
 * ends in a cut figure ("compile 0.3") or a dangling separator. */
static void drop_fields(char *s, int cols)
{
    while (term_text_cols(s) > cols) {
        char *last = NULL;
        for (char *f = strstr(s + 1, " · "); f; f = strstr(f + 1, " · "))
            last = f;
        if (!last)
            return;
        *last = '\0';
    }
}

int panel_title_fit(char *left, const char *const *hints, bool hint_first, int width, const char **right)
{
    /* The result matters more than the hint, except that an error to go
     * to (or a picture to show) is no use unless the user knows Enter
     * does it: that hint takes its room from the end of the result.  Two
     * spaces part them, as they part the keys of a hint. */
    *right = "";
    int rw = 0, lw = term_text_cols(left);
    for (size_t i = 0; hints[i] && !rw; i++) {
        int w = term_text_cols(hints[i]);
        if (w <= width / 2 && (lw + w + 2 <= width || (hint_first && !hints[i + 1]))) {
            *right = hints[i];
            rw = w;
        }
    }
    drop_fields(left, width - rw - 2);
    return rw;
}

static void draw_title(Ide *ide, Rect r, bool focused)
{
    Panel *p = ide->panel;
    UiRole role = focused ? ROLE_PANE_TITLE_FOCUSED : ROLE_PANE_TITLE;
    term_style(stdscr, role);
    wmove(stdscr, r.y, r.x);
    for (int i = 0; i < r.w; i++)
        waddch(stdscr, ' ');
    char left[800];
    /* The keys, longest first: the first that fits is shown. */
    const char *const *hints;
    static const char *const running[] = {"Ctrl-C: interrupt  {stop}: stop ", "{stop}: stop ", NULL};
    /* Going through the results is what F7 is for: its keys go last
     * (Esc goes back as well as F7). */
    static const char *const history[] = {"Left/Right: older/newer  d: diff  r: restore  {history}: back ",
                                          "Left/Right: older/newer  d: diff  r: restore ",
                                          "Left/Right: older/newer  r: restore ", "Left/Right: older/newer ",
                                          NULL};
    static const char *const diffed[] = {"d: the result  r: restore  {history}: back ", "d: the result  {history}: back ",
                                         "{history}: back ", NULL};
    static const char *const located[] = {"Enter: go to the line  {run}: run again ", "Enter: go to the line ",
                                          "Enter: go there ", NULL};
    static const char *const ran[] = {"{run}: run again  {history}: history ", "{run}: run again ", NULL};
    static const char *const pictured[] = {"Enter: show the picture  {run}: run again ", "Enter: show the picture ",
                                           NULL};
    static const char *const pictures[] = {"Enter: show the pictures  {run}: run again ", "Enter: show the pictures ",
                                           NULL};
    static const char *const idle[] = {"{run}: run the file  {history}: history ", "{run}: run ", NULL};
    if (p->thread_live || p->starting) {
        bool err;
        snprintf(left, sizeof left, " ▶ %s · %s", p->title, panel_state(ide, &err));
        hints = running;
    } else if (p->history) {
        snprintf(left, sizeof left, " %s", p->title);
        hints = p->hist_diff ? diffed : history;
    } else if (p->ran) {
        snprintf(left, sizeof left, " %s", p->title);
        hints = p->sel >= 0               ? located
                : p->pictures.len > 1     ? pictures
                : p->pictures.len == 1    ? pictured
                                          : ran;
    } else {
        snprintf(left, sizeof left, " Run");
        hints = idle;
    }
    char filled[6][160];
    const char *with_keys[7];
    size_t nh = 0;
    for (; hints[nh] && nh < 6; nh++) {
        ide_keys_in(ide, hints[nh], filled[nh], sizeof filled[nh]);
        with_keys[nh] = filled[nh];
    }
    with_keys[nh] = NULL;
    const char *right;
    int rw = panel_title_fit(left, with_keys, hints == located || hints == pictured || hints == pictures, r.w, &right);
    if (!p->thread_live && (p->ran || p->history))
        term_style(stdscr, p->title_error ? ROLE_RESULT_FAIL : ROLE_RESULT_OK);
    term_put(r.y, r.x, left, 0, r.w - rw - 2);
    term_style(stdscr, role);
    if (rw)
        term_put(r.y, r.x + r.w - rw, right, 0, rw);
}

/* Draw line `line` of the history, marking a location in it. */
/* Which end of the picked text comes first (0 or 1). */
static int pick_first(const Panel *p)
{
    return p->pick_line[0] < p->pick_line[1] ||
                   (p->pick_line[0] == p->pick_line[1] && p->pick_col[0] <= p->pick_col[1])
               ? 0
               : 1;
}

/* Whether column col of line is in the picked text. */
static bool picked_at(const Panel *p, long line, int col)
{
    if (!p->picked)
        return false;
    int a = pick_first(p), b = 1 - a;
    if (line < p->pick_line[a] || line > p->pick_line[b])
        return false;
    if (line == p->pick_line[a] && col < p->pick_col[a])
        return false;
    if (line == p->pick_line[b] && col >= p->pick_col[b])
        return false;
    return true;
}

static void draw_text_line(Ide *ide, Panel *p, long line, int y, int x, int w, bool selected)
{
    const char *text = p->lines.items[line];
    size_t len = strlen(text);
    SrcLoc loc;
    char *path = line_target(p, line, text, len, &loc);
    const LineRuns *lr = (size_t)line < p->nruns ? &p->runs[line] : NULL;
    size_t run = 0;
    wmove(stdscr, y, x);
    term_plain(stdscr);
    int col = 0;
    for (size_t i = 0; i < len && col < w;) {
        uint32_t cp;
        int n = textnav_utf8_decode((const unsigned char *)text + i, len - i, &cp);
        int cw;
        wchar_t wc[2] = {term_char_shown(cp, &cw), 0};
        UiStyle st = ui_style[ROLE_TEXT];
        /* The output's own colours, as the run showed them. */
        while (lr && run < lr->n && (run + 1 < lr->n && lr->r[run + 1].at <= i))
            run++;
        if (lr && run < lr->n && lr->r[run].at <= i)
            st = cell_style(ide, &lr->r[run].cell);
        if (selected || picked_at(p, line, col))
            st = ui_style[ROLE_SELECTION];
        else if (path && i >= loc.start && i < loc.end)
            st = ui_style[ROLE_LINK];
        if (col + cw > w)
            break;
        cchar_t cc;
        setcchar(&cc, wc, st.attr, st.pair, NULL);
        wadd_wch(stdscr, &cc);
        col += cw;
        i += (size_t)n;
    }
    free(path);
}

void panel_draw(Ide *ide, Rect r, bool focused, int *cy, int *cx)
{
    Panel *p = ide->panel;
    if (r.h < 2 || r.w < 2)
        return;
    draw_title(ide, r, focused);
    int rows = r.h - 1;
    term_style(stdscr, ROLE_TEXT);
    for (int y = 0; y < rows; y++) {
        wmove(stdscr, r.y + 1 + y, r.x);
        for (int i = 0; i < r.w; i++)
            waddch(stdscr, ' ');
    }
    if (p->history) {
        if (p->text_top > (long)p->lines.len - 1)
            p->text_top = p->lines.len ? (long)p->lines.len - 1 : 0;
        for (int y = 0; y < rows && p->text_top + y < (long)p->lines.len; y++)
            draw_text_line(ide, p, p->text_top + y, r.y + 1 + y, r.x, r.w, p->sel == p->text_top + y);
        return;
    }
    /* The terminal follows the panel's size (the program is told). */
    if (p->thread_live || !p->ran)
        term_resize(p, rows, r.w);
    size_t total = total_lines(p);
    /* The rows above the status bar a long message covers (ide.h). */
    int under = r.y + r.h - (ide->r_status.y - ide->covered_rows);
    p->hidden = under <= 0 ? 0 : under < rows ? under : rows - 1;
    long first = first_shown(p, rows);
    StrBuf text = {0};
    term_plain(stdscr);
    for (int y = 0; y < rows; y++) {
        size_t i = (size_t)first + (size_t)y;
        if (i >= total)
            break;
        int cols = line_cols(p, i);
        bool selected = (long)i == p->sel;
        /* A line naming a file:line is underlined where it does. */
        SrcLoc loc;
        char *path = NULL;
        if (!p->thread_live) {
            line_text(p, i, &text);
            path = line_location(p, text.data ? text.data : "", text.len, &loc);
        }
        wmove(stdscr, r.y + 1 + y, r.x);
        size_t byte = 0;
        for (int c = 0; c < cols && c < r.w; c++) {
            VTermScreenCell cell;
            cell_at(p, i, c, &cell);
            if (right_half(&cell, c))
                continue;
            UiStyle st = cell_style(ide, &cell);
            if (path && byte >= loc.start && byte < loc.end)
                st = ui_style[ROLE_LINK];
            if (selected || picked_at(p, (long)i, c))
                st = ui_style[ROLE_SELECTION];
            wchar_t wc[VTERM_MAX_CHARS_PER_CELL + 1] = {0};
            int k = 0;
            for (; k < VTERM_MAX_CHARS_PER_CELL && cell.chars[k] && k < CCHARW_MAX - 1; k++)
                wc[k] = (wchar_t)cell.chars[k];
            if (!k)
                wc[k++] = L' ';
            wc[k] = 0;
            for (int m = 0; m < VTERM_MAX_CHARS_PER_CELL && cell.chars[m]; m++) {
                char buf[4];
                byte += (size_t)textnav_utf8_encode(cell.chars[m], buf);
            }
            if (!cell.chars[0])
                byte++;
            if (cell.width == 2 && c + 1 >= r.w)
                wc[0] = L' ';
            cchar_t cc;
            setcchar(&cc, wc, st.attr, st.pair, NULL);
            wadd_wch(stdscr, &cc);
        }
        free(path);
    }
    sb_free(&text);
    if (focused && p->thread_live && p->scroll == 0) {
        VTermPos pos;
        vterm_state_get_cursorpos(vterm_obtain_state(p->vt), &pos);
        long line = (long)p->nsb + pos.row - first;
        if (line >= 0 && line < rows && pos.col < r.w) {
            *cy = r.y + 1 + (int)line;
            *cx = r.x + pos.col;
        }
    }
}

/* ---------------------------------------------------------------- input */

/* Line i of what the panel shows (the run's screen, or a past result's
 * text) into *text; false past the end. */
static bool panel_line(const Panel *p, long i, StrBuf *text)
{
    text->len = 0;
    if (i < 0 || i >= (p->history ? (long)p->lines.len : (long)total_lines(p)))
        return false;
    if (p->history)
        sb_puts(text, p->lines.items[i]);
    else
        line_text(p, (size_t)i, text);
    if (!text->data)
        sb_puts(text, "");
    return true;
}

/* javac, Node's syntax errors and Python name no column: the marks they
 * print under the line they echo do (javac, Node: carets under the line
 * as it is; Python: carets or ~~^~~ under the line without its
 * indentation, echoed 4 columns in).
 * The first mark's screen column (tabs to multiples of 8, as the panel's
 * terminal drew them) becomes a character column of the file's line; 0
 * when line i is not followed by an echoed line and a line of marks. */
static long marked_column(const Panel *p, long i, const Buffer *b, size_t line, bool python)
{
    StrBuf marks = {0};
    long col = 0;
    size_t n = 0;
    bool ok = panel_line(p, i + 2, &marks) && line < buffer_line_count(b);
    if (ok) {
        n = strspn(marks.data, " ");
        size_t m = strspn(marks.data + n, python ? "^~" : "^");
        ok = m > 0 && marks.data[n + m] == '\0' && (!python || n >= 4);
    }
    if (ok) {
        size_t off = buffer_line_start(b, line), end = line + 1 < buffer_line_count(b)
                                                            ? buffer_line_start(b, line + 1)
                                                            : buffer_length(b);
        size_t screen = 0;
        long chars = 0;
        char c = 0;
        if (python) {
            screen = 4;
            while (off < end && buffer_copy(b, off, off + 1, &c) == 1 && (c == ' ' || c == '\t')) {
                off++;
                chars++;
            }
        }
        while (off < end && screen < n) {
            buffer_copy(b, off, off + 1, &c);
            if (c == '\n')
                break;
            screen = c == '\t' ? (screen / 8 + 1) * 8 : screen + 1;
            off = textnav_next(b, off);
            chars++;
        }
        if (screen == n)
            col = chars + 1;
    }
    sb_free(&marks);
    return col;
}

static void jump(Ide *ide, long i)
{
    Panel *p = ide->panel;
    StrBuf text = {0};
    if (!panel_line(p, i, &text)) {
        sb_free(&text);
        return;
    }
    const char *s = text.data;
    size_t len = text.len;
    SrcLoc loc;
    char *path = line_target(p, i, s, len, &loc);
    if (!path) {
        ide_message(ide, false, "this line names no file of the session");
    } else if (loc.line == 0) {
        /* A file the run wrote: a picture shows over the screen. */
        if (ide_open(ide, path) && ide->overlay != OVERLAY_IMAGE)
            ide->focus = FOCUS_EDITOR;
    } else if (ide_open(ide, path)) {
        Tab *t = ide_tab(ide);
        const Lang *lang = lang_of_file(path);
        if (loc.col == 0 && lang && (lang->id == LANG_JAVA || lang->id == LANG_NODE || lang->id == LANG_PYTHON))
            loc.col = marked_column(p, i, t->doc->buf, (size_t)loc.line - 1, lang->id == LANG_PYTHON);
        view_goto(t->view, (size_t)loc.line - 1, loc.col > 0 ? (size_t)loc.col - 1 : 0);
        /* Past the line's end: a message, not a silent clamp. */
        if ((size_t)loc.line > buffer_line_count(t->doc->buf))
            ide_message(ide, false, "%s has %zu lines (the output names line %ld)", document_name(t->doc),
                        buffer_line_count(t->doc->buf), loc.line);
        ide->focus = FOCUS_EDITOR;
    }
    free(path);
    sb_free(&text);
    ide->dirty = true;
}

/* Whether line i names a place to go to (or a file the result wrote). */
static bool names_place(const Panel *p, long i)
{
    StrBuf text = {0};
    SrcLoc loc;
    char *path = panel_line(p, i, &text) ? line_target(p, i, text.data, text.len, &loc) : NULL;
    bool named = path != NULL;
    free(path);
    sb_free(&text);
    return named;
}

/* The next line (from sel, in direction dir) that names a place. */
static long next_location(Panel *p, long from, int dir)
{
    StrBuf text = {0};
    long n = p->history ? (long)p->lines.len : (long)total_lines(p);
    long found = -1;
    for (long i = from + dir; i >= 0 && i < n && found < 0; i += dir) {
        panel_line(p, i, &text);
        SrcLoc loc;
        char *path = line_target(p, i, text.data, text.len, &loc);
        if (path)
            found = i;
        free(path);
    }
    sb_free(&text);
    return found;
}

static void send_key(Panel *p, Key k)
{
    static const struct {
        Key key;
        VTermKey vk;
    } keys[] = {
        {TK_ENTER, VTERM_KEY_ENTER}, {TK_TAB, VTERM_KEY_TAB},       {TK_BACKSPACE, VTERM_KEY_BACKSPACE},
        {TK_ESC, VTERM_KEY_ESCAPE},  {TK_UP, VTERM_KEY_UP},         {TK_DOWN, VTERM_KEY_DOWN},
        {TK_LEFT, VTERM_KEY_LEFT},   {TK_RIGHT, VTERM_KEY_RIGHT},   {TK_INSERT, VTERM_KEY_INS},
        {TK_DELETE, VTERM_KEY_DEL},  {TK_HOME, VTERM_KEY_HOME},     {TK_END, VTERM_KEY_END},
        {TK_PGUP, VTERM_KEY_PAGEUP}, {TK_PGDN, VTERM_KEY_PAGEDOWN},
    };
    VTermModifier mod = (k & TK_SHIFT ? VTERM_MOD_SHIFT : 0) | (k & TK_CTRL ? VTERM_MOD_CTRL : 0) |
                        (k & TK_ALT ? VTERM_MOD_ALT : 0);
    Key base = TK_BASE(k);
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (keys[i].key == base) {
            vterm_keyboard_key(p->vt, keys[i].vk, mod);
            return;
        }
    if (base >= TK_F1 && base <= TK_F12) {
        vterm_keyboard_key(p->vt, VTERM_KEY_FUNCTION(base - TK_F1 + 1), mod);
        return;
    }
    if (base < TK_SPECIAL)
        vterm_keyboard_unichar(p->vt, base, mod);
}

/* The result F7 shows, and the path of its file now (NULL, the user
 * told, when there is none). */
static char *shown_result(Ide *ide, HistoryResult *full)
{
    Panel *p = ide->panel;
    Err err;
    if (p->hist_i >= p->nhist || !history_get(ide->app, p->hist[p->hist_i].id, full, &err)) {
        if (p->hist_i < p->nhist)
            ide_message(ide, true, "%s", err.msg);
        return NULL;
    }
    if (!full->entry || !p->workdir) {
        ide_message(ide, true, "result #%lld keeps no code", (long long)full->id);
        history_result_free(full);
        return NULL;
    }
    return xasprintf("%s/%s", p->workdir, full->entry);
}

/* A file's text in its tab, for history_diff_now; NULL when not open. */
static char *tab_text(void *ud, const char *path, size_t *len)
{
    Tab *t = ide_tab_of(ud, path);
    return t ? buffer_dup(t->doc->buf, 0, buffer_length(t->doc->buf), len) : NULL;
}

#define MAX_RESTORED_FILES 12

/* F7's r: the shown result's code back in the tabs of its files (those
 * changed since; opened if needed), the entry's last, each one change that
 * Ctrl-Z takes back, not saved. */
static void restore_code(Ide *ide)
{
    Panel *p = ide->panel;
    HistoryResult full;
    char *path = shown_result(ide, &full);
    if (!path)
        return;
    char what[48];
    snprintf(what, sizeof what, "result #%lld", (long long)full.id);
    HistoryChange *c = NULL;
    size_t n = 0;
    Err err;
    if (!history_files_changed(ide->app, &full, p->workdir, tab_text, ide, &c, &n, &err))
        ide_message(ide, true, "%s", err.msg);
    StrBuf names = {0};
    size_t others = 0;
    /* A tab each is for a program's few files, not a folder's worth. */
    size_t changed_others = 0;
    for (size_t i = 0; i < n; i++)
        changed_others += strcmp(c[i].path, full.entry) != 0;
    bool many = changed_others > MAX_RESTORED_FILES;
    for (size_t i = 0; i < n && !many; i++) {
        if (!strcmp(c[i].path, full.entry) || !filetype_is_text(c[i].then, c[i].then_len))
            continue;
        char *other = xasprintf("%s/%s", p->workdir, c[i].path);
        if (ide_restore_text(ide, other, c[i].then, c[i].then_len, what))
            sb_printf(&names, "%s%s", others++ ? ", " : "", c[i].path);
        free(other);
    }
    bool entry_changed = n > changed_others;
    bool ok = ide_restore_text(ide, path, full.code ? full.code : "", full.code_len, what);
    if (ok && others && entry_changed)
        ide_message(ide, false, "%s and %s: the code of %s (not saved; %s in each brings yours back)",
                    full.entry, names.data, what, ide_key(ide, ACT_UNDO));
    else if (ok && others)
        ide_message(ide, false, "%s: the code of %s (not saved; %s in each brings yours back); %s held it already",
                    names.data, what, ide_key(ide, ACT_UNDO), full.entry);
    else if (ok && many)
        ide_message(ide, false, "%s %s the code of %s; %zu other files changed since (tide checkout %lld writes "
                    "them all)", full.entry, entry_changed ? "has" : "already held", what, changed_others,
                    (long long)full.id);
    sb_free(&names);
    history_changes_free(c, n);
    free(path);
    history_result_free(&full);
    /* The cursor is in the restored code now: the results (and their
     * keys, d and r, which would be typed into it) go, and so does a diff
     * of the code as it was before. */
    if (ide->focus != FOCUS_PANEL)
        hist_close(ide);
}

/* F7's d: what changed in the result's files since it ran (as in their
 * tabs, or on disk), - lines red, + lines green. */
static void show_diff(Ide *ide)
{
    Panel *p = ide->panel;
    HistoryResult full;
    char *path = shown_result(ide, &full);
    if (!path)
        return;
    char then[48];
    snprintf(then, sizeof then, "result #%lld", (long long)full.id);
    StrBuf d = {0};
    Err err;
    if (!history_diff_now(ide->app, &full, p->workdir, tab_text, ide, &d, &err)) {
        ide_message(ide, true, "%s", err.msg);
    } else if (!d.len) {
        ide_message(ide, false, "%s are as they were in %s", full.commit[0] ? "the files" : full.entry, then);
    } else {
        StrBuf c = {0};
        for (size_t at = 0; at < d.len;) {
            const char *line = d.data + at, *nl = memchr(line, '\n', d.len - at);
            size_t n = nl ? (size_t)(nl - line) : d.len - at;
            bool head = n >= 3 && (!strncmp(line, "+++", 3) || !strncmp(line, "---", 3));
            const char *colour = head ? "\033[1m" : line[0] == '+' ? "\033[32m" : line[0] == '-' ? "\033[31m"
                                 : line[0] == '@' ? "\033[36m" : "";
            sb_puts(&c, colour);
            sb_append(&c, line, n);
            sb_puts(&c, *colour ? "\033[0m\r\n" : "\r\n");
            at += n + 1;
        }
        hist_text_reset(p);
        sl_push_owned(&p->lines, xasprintf("── %s's files then (-), and now (+): in the editor, else on disk ──", then));
        replay_output(p, c.data, c.len, p->rows > 1 ? p->rows : 24, p->cols > 1 ? p->cols : 80);
        p->hist_diff = true;
        p->text_top = 0;
        p->sel = -1;
        snprintf(p->title, sizeof p->title, "result #%lld (%zu of %zu) vs now · %s", (long long)full.id,
                 p->hist_i + 1, p->nhist, full.entry);
        sb_free(&c);
        ide->dirty = true;
    }
    sb_free(&d);
    free(path);
    history_result_free(&full);
}

bool panel_key(Ide *ide, Key k)
{
    Panel *p = ide->panel;
    ide->dirty = true;
    if (p->thread_live || p->starting) {
        if (k == (TK_CTRL | 'c')) {
            if (p->starting)
                panel_cancel_start(ide);
            else
                panel_interrupt(ide);
            return true;
        }
        if (k == (TK_CTRL | 'z'))
            return true; /* would stop the program, not the run */
        /* Typing lets go of picked output (so Ctrl-C reaches the program
         * again), as terminals let go of a selection. */
        p->picked = p->picking = false;
        p->scroll = 0;
        send_key(p, k);
        panel_flush_input(ide);
        return true;
    }
    long n = p->history ? (long)p->lines.len : (long)shown_lines(p);
    int page = ide->r_panel.h > 3 ? ide->r_panel.h - 2 : 1;
    switch (k) {
    case TK_ENTER:
        if (p->sel >= 0) {
            jump(ide, p->sel);
        } else if (p->pictures.len && !p->history) {
            imageview_open_list(ide, &p->pictures, 0);
        }
        return true;
    case TK_UP:
    case TK_DOWN: {
        long s = next_location(p, p->sel >= 0 ? p->sel : (k == TK_UP ? n : -1), k == TK_UP ? -1 : 1);
        if (s >= 0) {
            p->sel = s;
            /* Bring it into view. */
            if (p->history) {
                if (s < p->text_top)
                    p->text_top = s;
                if (s >= p->text_top + page)
                    p->text_top = s - page + 1;
            } else {
                long first = n - page - p->scroll;
                if (s < first)
                    p->scroll = (int)(n - page - s);
                if (s >= first + page)
                    p->scroll = (int)(n - 1 - s);
                if (p->scroll < 0)
                    p->scroll = 0;
            }
        } else if (p->history) {
            p->text_top += k == TK_UP ? -1 : 1;
            if (p->text_top < 0)
                p->text_top = 0;
        } else {
            p->scroll += k == TK_UP ? 1 : -1;
        }
        break;
    }
    case TK_PGUP:
    case TK_PGDN:
        if (p->history)
            p->text_top += k == TK_PGUP ? -page : page;
        else
            p->scroll += k == TK_PGUP ? page : -page;
        break;
    case TK_HOME:
        if (p->history)
            p->text_top = 0;
        else
            p->scroll = INT_MAX; /* (clamped below) */
        break;
    case TK_END:
        p->text_top = 0;
        p->scroll = 0;
        if (p->history)
            p->text_top = (long)p->lines.len - page;
        break;
    case 'r':
        if (!p->history)
            return false;
        restore_code(ide);
        return true;
    case 'd':
        if (!p->history)
            return false;
        if (p->hist_diff)
            hist_show(ide, p->hist_i);
        else
            show_diff(ide);
        return true;
    case TK_LEFT:
    case TK_RIGHT:
        if (!p->history)
            return false;
        if (k == TK_LEFT && p->hist_i + 1 < p->nhist)
            hist_show(ide, p->hist_i + 1);
        else if (k == TK_RIGHT && p->hist_i > 0)
            hist_show(ide, p->hist_i - 1);
        return true;
    case TK_ESC:
        if (p->picked) {
            p->picked = false;
            return true;
        }
        if (p->history) {
            panel_history(ide); /* back to the last run */
            return true;
        }
        ide->focus = FOCUS_EDITOR;
        return true;
    default:
        /* Letters are F7's commands: another one is no typing to pass
         * on to the editor, as after a run (tui.c). */
        if (p->history && k >= ' ' && k < TK_SPECIAL) {
            ide_message(ide, false, "the results take d, r, Left and Right; Esc goes back to the last run");
            return true;
        }
        return false;
    }
    if (p->text_top < 0)
        p->text_top = 0;
    clamp_scroll(ide);
    return true;
}

bool panel_paste(Ide *ide, const char *text, size_t len)
{
    Panel *p = ide->panel;
    if (p->history) {
        ide_message(ide, false, "the results take d, r, Left and Right; Esc goes back to the last run");
        return true;
    }
    if (!p->thread_live)
        return false;
    vterm_keyboard_start_paste(p->vt);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        int n = textnav_utf8_decode((const unsigned char *)text + i, len - i, &cp);
        if (cp == '\n')
            cp = '\r';
        if (cp != UTF8_INVALID)
            vterm_keyboard_unichar(p->vt, cp, VTERM_MOD_NONE);
        i += (size_t)n;
    }
    vterm_keyboard_end_paste(p->vt);
    panel_flush_input(ide);
    return true;
}

/* The line and column of the panel shown at screen row y, column x; a
 * place above the text is its start, below it its end. */
static void shown_at(const Ide *ide, int y, int x, long *line, int *col)
{
    const Panel *p = ide->panel;
    Rect r = ide->r_panel;
    int rows = r.h - 1, row = y - r.y - 1;
    *col = x - r.x;
    if (row < 0) {
        row = 0;
        *col = 0;
    } else if (row >= rows) {
        row = rows - 1;
        *col = r.w;
    }
    if (*col < 0)
        *col = 0;
    long first;
    if (p->history) {
        first = p->text_top;
    } else {
        first = first_shown(p, rows);
    }
    *line = first + row;
}

/* The text of line i from column c0 up to (not with) c1, as shown; with
 * trim, without the blank cells a terminal's line ends in. */
static void shown_text_as(const Panel *p, long i, int c0, int c1, bool trim, StrBuf *out)
{
    size_t start = out->len;
    if (p->history) {
        if (i < 0 || i >= (long)p->lines.len)
            return;
        const char *t = p->lines.items[i];
        size_t len = strlen(t);
        int col = 0;
        for (size_t k = 0; k < len && col < c1;) {
            uint32_t cp;
            int n = textnav_utf8_decode((const unsigned char *)t + k, len - k, &cp);
            int cw;
            term_char_shown(cp, &cw);
            if (col >= c0)
                sb_append(out, t + k, (size_t)n);
            col += cw;
            k += (size_t)n;
        }
    } else {
        if (i < 0 || i >= (long)total_lines(p))
            return;
        int cols = line_cols(p, (size_t)i);
        for (int c = c0; c < c1 && c < cols; c++) {
            VTermScreenCell cell;
            cell_at(p, (size_t)i, c, &cell);
            cell_text(&cell, c, out);
        }
    }
    while (trim && out->len > start && out->data[out->len - 1] == ' ')
        out->data[--out->len] = '\0';
}

static void shown_text(const Panel *p, long i, int c0, int c1, StrBuf *out)
{
    shown_text_as(p, i, c0, c1, true, out);
}

/* The column where byte `byte` of line i's text (as shown_text gives it)
 * is drawn. */
static int col_of_byte(const Panel *p, long i, size_t byte)
{
    size_t acc = 0;
    int col = 0;
    if (p->history) {
        const char *t = p->lines.items[i];
        size_t len = strlen(t);
        for (size_t k = 0; k < len && k < byte;) {
            uint32_t cp;
            int n = textnav_utf8_decode((const unsigned char *)t + k, len - k, &cp), cw;
            term_char_shown(cp, &cw);
            col += cw;
            k += (size_t)n;
        }
        return col;
    }
    int cols = line_cols(p, (size_t)i);
    StrBuf one = {0};
    for (; col < cols; col++) {
        VTermScreenCell cell;
        cell_at(p, (size_t)i, col, &cell);
        one.len = 0;
        cell_text(&cell, col, &one);
        if (acc + one.len > byte)
            break;
        acc += one.len;
    }
    sb_free(&one);
    return col;
}

/* Make line i show in the panel, `above` rows under its top. */
static void show_line_at(Ide *ide, long i, int above)
{
    Panel *p = ide->panel;
    int rows = ide->r_panel.h > 1 ? ide->r_panel.h - 1 : 1;
    long top = i - above;
    if (p->history) {
        p->text_top = top < 0 ? 0 : top;
        return;
    }
    long total = (long)shown_lines(p);
    if (top > total - rows)
        top = total - rows;
    if (top < 0)
        top = 0;
    p->scroll = (int)(total - rows - top);
    clamp_scroll(ide);
}

/* Make line i show in the panel, near its middle. */
static void show_line(Ide *ide, long i)
{
    show_line_at(ide, i, view_rows(ide) / 2);
}

/* The next place (dir 1) or the one before (-1) where the output holds
 * text, regardless of case: after (before) the match picked, else from
 * the first (last) line shown, round the end; it becomes the picked text. */
static bool find_in_output(Ide *ide, const char *text, int dir)
{
    Panel *p = ide->panel;
    long n = p->history ? (long)p->lines.len : (long)total_lines(p);
    int rows = ide->r_panel.h > 1 ? ide->r_panel.h - 1 : 1;
    size_t tlen = strlen(text);
    if (n <= 0 || !tlen)
        return false;
    long start;
    size_t from = 0; /* with a match picked: its first byte */
    StrBuf t = {0};
    if (p->picked) {
        int a = pick_first(p);
        start = p->pick_line[a];
        shown_text_as(p, start, 0, p->pick_col[a], false, &t);
        from = t.len;
    } else {
        start = p->history ? p->text_top : first_shown(p, rows);
        if (dir < 0)
            start = start + rows - 1 < n ? start + rows - 1 : n - 1;
    }
    for (long k = 0; k <= n; k++) {
        long i = ((start + dir * k) % n + n) % n;
        t.len = 0;
        shown_text(p, i, 0, INT_MAX, &t);
        const char *hay = t.data ? t.data : "", *hit = NULL;
        /* On the starting line the match must lie past the picked one
         * (the first time round). */
        bool bound = p->picked && k == 0;
        for (const char *h = hay; (h = strcasestr(h, text)); h++) {
            size_t at = (size_t)(h - hay);
            if (bound && (dir > 0 ? at <= from : at >= from))
                continue;
            hit = h;
            if (dir > 0)
                break; /* the first; going back, the last */
        }
        if (!hit)
            continue;
        size_t at = (size_t)(hit - hay);
        p->pick_line[0] = p->pick_line[1] = i;
        p->pick_col[0] = col_of_byte(p, i, at);
        p->pick_col[1] = col_of_byte(p, i, at + tlen);
        p->picked = true;
        p->picking = false;
        show_line(ide, i);
        sb_free(&t);
        ide->dirty = true;
        return true;
    }
    sb_free(&t);
    return false;
}

static void on_output_find(Ide *ide, const char *text, void *ud)
{
    (void)ud;
    Panel *p = ide->panel;
    if (!text[0])
        return;
    free(p->find);
    p->find = xstrdup(text);
    p->picked = false;
    if (find_in_output(ide, text, 1))
        ide_message(ide, false, "%s: next, %s: previous, %s copies it, %s lets go", ide_key(ide, ACT_FIND_NEXT),
                    ide_key(ide, ACT_FIND_PREV), ide_key(ide, ACT_COPY),
                    panel_running(p) ? "typing" : "Esc");
    else
        ide_message(ide, false, "'%s' is not in the output", text);
}

void panel_find(Ide *ide)
{
    Panel *p = ide->panel;
    prompt_text(ide, "Find in the output: ", p->find, on_output_find, NULL, NULL, NULL);
}

void panel_find_next(Ide *ide, bool backwards)
{
    Panel *p = ide->panel;
    if (!p->find) {
        panel_find(ide);
        return;
    }
    if (!find_in_output(ide, p->find, backwards ? -1 : 1))
        ide_message(ide, false, "'%s' is not in the output", p->find);
}

static void say_copy_key(Ide *ide)
{
    char keys[64];
    keymap_keys_of(&ide->keys, ACT_COPY, keys, sizeof keys);
    ide_message(ide, false, "%s copies the picked text", keys[0] ? keys : "copy");
}

void panel_pick_all(Ide *ide)
{
    Panel *p = ide->panel;
    long n = p->history ? (long)p->lines.len : (long)total_lines(p);
    /* The live screen's rows below the output are blank: not picked. */
    StrBuf text = {0};
    while (n > 0 && (shown_text(p, n - 1, 0, INT_MAX, &text), text.len == 0))
        n--;
    sb_free(&text);
    if (n == 0) {
        ide_message(ide, false, "the panel shows nothing to pick");
        return;
    }
    p->pick_line[0] = 0;
    p->pick_col[0] = 0;
    p->pick_line[1] = n - 1;
    p->pick_col[1] = INT_MAX;
    p->picked = true;
    p->picking = false;
    ide->dirty = true;
    say_copy_key(ide);
}

bool panel_picked(const Panel *p)
{
    return p->picked;
}

bool panel_picking(const Panel *p)
{
    return p->picking;
}

void panel_copy(Ide *ide)
{
    Panel *p = ide->panel;
    if (!p->picked) {
        ide_message(ide, false, "nothing picked: drag over the output to pick text to copy");
        return;
    }
    int a = pick_first(p), b = 1 - a;
    StrBuf text = {0};
    sb_puts(&text, "");
    for (long i = p->pick_line[a]; i <= p->pick_line[b]; i++) {
        int c0 = i == p->pick_line[a] ? p->pick_col[a] : 0;
        int c1 = i == p->pick_line[b] ? p->pick_col[b] : INT_MAX;
        shown_text(p, i, c0, c1, &text);
        if (i < p->pick_line[b])
            sb_append(&text, "\n", 1);
    }
    long lines = p->pick_line[b] - p->pick_line[a] + 1;
    ide->clipboard.len = 0;
    sb_append(&ide->clipboard, text.data, text.len);
    ide->clip_lines = false;
    term_clipboard(text.data, text.len);
    size_t chars = 0;
    for (size_t i = 0; i < text.len; i++)
        chars += ((unsigned char)text.data[i] & 0xC0) != 0x80;
    if (lines > 1)
        ide_message(ide, false, "copied %ld lines of output", lines);
    else
        ide_message(ide, false, "copied %zu character%s of output", chars, chars == 1 ? "" : "s");
    sb_free(&text);
    p->picked = false;
    ide->dirty = true;
}

bool panel_drag(Ide *ide, int y, int x)
{
    Panel *p = ide->panel;
    Rect r = ide->r_panel;
    if (!p->picking)
        return false;
    /* Past the text's top or bottom: it scrolls a line that way. */
    int dir = y <= r.y ? -1 : y >= r.y + r.h ? 1 : 0;
    if (dir && p->history) {
        p->text_top += dir;
        long last = (long)p->lines.len - (r.h - 1);
        if (p->text_top > last)
            p->text_top = last;
        if (p->text_top < 0)
            p->text_top = 0;
    } else if (dir) {
        p->scroll -= dir;
        clamp_scroll(ide);
    }
    shown_at(ide, y, x, &p->pick_line[1], &p->pick_col[1]);
    p->picked = p->pick_line[0] != p->pick_line[1] || p->pick_col[0] != p->pick_col[1];
    ide->dirty = true;
    return dir != 0;
}

void panel_mouse(Ide *ide, const InputEvent *ev)
{
    Panel *p = ide->panel;
    Rect r = ide->r_panel;
    ide->dirty = true;
    if (ev->mouse == MOUSE_DRAG && p->picking) {
        panel_drag(ide, ev->y, ev->x);
        return;
    }
    if (ev->mouse == MOUSE_RELEASE) {
        /* Let go where it went down: a click, which on a place goes
         * there; moved, it picked text. */
        long click = p->picking && !p->picked ? p->click : -1;
        if (p->picking && p->picked)
            say_copy_key(ide);
        p->picking = false;
        p->click = -1;
        if (click >= 0)
            jump(ide, click);
        return;
    }
    if (ev->mouse == MOUSE_WHEEL_UP || ev->mouse == MOUSE_WHEEL_DOWN) {
        int d = ev->mouse == MOUSE_WHEEL_UP ? 3 : -3;
        if (p->history)
            p->text_top -= d;
        else
            p->scroll += d;
        if (p->text_top < 0)
            p->text_top = 0;
        clamp_scroll(ide);
        return;
    }
    if (ev->mouse != MOUSE_PRESS)
        return;
    ide->focus = FOCUS_PANEL;
    p->picked = false;
    p->click = -1;
    p->picking = ev->button == 1 && ev->clicks < 2 && ev->y > r.y;
    if (p->picking) {
        shown_at(ide, ev->y, ev->x, &p->pick_line[0], &p->pick_col[0]);
        p->pick_line[1] = p->pick_line[0];
        p->pick_col[1] = p->pick_col[0];
    }
    int row = ev->y - r.y - 1;
    if (row < 0 || p->thread_live)
        return;
    long i;
    if (p->history) {
        i = p->text_top + row;
    } else {
        i = first_shown(p, r.h - 1) + row;
    }
    /* A line that names a place is selected, and a click on it goes
     * there when the button is let go (not at once: a drag from it picks
     * text); a click elsewhere leaves the selection, which Enter follows. */
    if (ev->button != 1 || !names_place(p, i))
        return;
    p->sel = i;
    if (ev->clicks >= 2 || ev->released) {
        p->picking = false;
        jump(ide, i);
    } else {
        p->click = i;
    }
}
