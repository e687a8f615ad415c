#include "langsel.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "toolcache.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- probing */

typedef struct ProbeJob {
    Ide *ide;
    Paths paths; /* a copy: an abandoned probe may outlive the App */
    ToolStatus st[LANG_COUNT];
} ProbeJob;

/* Quitting does not wait for the rest of the probes. */
static atomic_bool probe_cancel;

static void probe_run(void *arg)
{
    ProbeJob *j = arg;
    /* Background work: this thread (Linux's nice is per thread) and the
     * toolchains it starts yield to the user's keystrokes and to the
     * terminal drawing them.  The worker runs nothing but probes. */
    (void)setpriority(PRIO_PROCESS, (id_t)gettid(), 10);
    for (int i = 0; i < LANG_COUNT && !atomic_load(&probe_cancel); i++) {
        const Lang *lang = lang_get((LangId)i);
        StrBuf sb = {0};
        bool ok = true;
        for (size_t t = 0; t < lang->ntools; t++) {
            ToolInfo ti;
            Err err;
            /* Through the cache `tide run` uses: probing afresh started every
             * toolchain (two JVMs, pyenv's shell scripts, rustup) at each
             * start of the IDE, ~0.4 s of CPU taken from the user's first
             * keystrokes. */
            bool found = toolcache_resolve(&j->paths, &lang->tools[t], &ti, &err);
            if (!found) {
                ok = false;
                sb.len = 0;
                sb_printf(&sb, "not installed: %s is missing (apt install %s)", lang->tools[t].cmd, lang->package);
                tool_info_free(&ti);
                break;
            }
            if (t == 0)
                sb_puts(&sb, ti.version ? ti.version : lang->tools[t].cmd);
            tool_info_free(&ti);
        }
        j->st[i] = (ToolStatus){true, ok, sb.data ? sb_steal(&sb) : xstrdup("")};
    }
}

static void probe_done(void *arg)
{
    ProbeJob *j = arg;
    Ide *ide = j->ide;
    for (int i = 0; i < LANG_COUNT; i++) {
        free(ide->tools[i].summary);
        ide->tools[i] = j->st[i];
    }
    ide->probing = false;
    ide->dirty = true;
    paths_free(&j->paths);
    free(j);
}

void langsel_probe(Ide *ide)
{
    ide->probe_at = 0;
    if (ide->probing || !ide->probe)
        return;
    ProbeJob *j = xcalloc(1, sizeof *j);
    j->ide = ide;
    paths_copy(&j->paths, &ide->app->paths);
    ide->probing = true;
    worker_submit(ide->probe, probe_run, probe_done, j);
}

static void probe_drop(void *arg)
{
    ProbeJob *j = arg;
    for (int i = 0; i < LANG_COUNT; i++)
        free(j->st[i].summary);
    paths_free(&j->paths);
    free(j);
}

void langsel_stop(Ide *ide)
{
    atomic_store(&probe_cancel, true);
    worker_abandon(ide->probe, probe_drop);
    ide->probe = NULL;
}

static void resume_free(Ide *ide)
{
    session_list_free(ide->resume, ide->nresume);
    ide->resume = NULL;
    ide->nresume = 0;
}

void langsel_free(Ide *ide)
{
    for (int i = 0; i < LANG_COUNT; i++) {
        free(ide->tools[i].summary);
        ide->tools[i] = (ToolStatus){0};
    }
    resume_free(ide);
}

/* A scratch session's files live in tide's data folder, not in the folder
 * tide was started in: started there again, the new-session dialog is
 * where they are found, or they would look lost. */
#define RESUME_MAX 5

static void resume_load(Ide *ide)
{
    resume_free(ide);
    Session *list = NULL;
    size_t n = 0;
    Err err;
    /* Not every session: an agent's code from standard input makes one a
     * run, thousands, and the dialog opens on the UI thread. */
    if (!session_list_scratch(ide->app, RESUME_MAX + 1, &list, &n, &err))
        return; /* the dialog still makes new sessions */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        Err cerr;
        bool keep = kept < RESUME_MAX && list[i].lang && !(ide->session && ide->session->id == list[i].id) &&
                    session_check(&list[i], &cerr);
        if (keep)
            list[kept++] = list[i];
        else
            session_free(&list[i]);
    }
    if (kept) {
        ide->resume = list;
        ide->nresume = kept;
    } else {
        free(list);
    }
}

const char *langsel_status(Ide *ide, const Lang *lang, bool *available)
{
    const ToolStatus *st = &ide->tools[lang->id];
    *available = st->available;
    return st->probed ? st->summary : NULL;
}

/* ---------------------------------------------------------------- dialog */

/* Rows: the nine languages, then "Plain text" (file mode) or the
 * scratch sessions to resume. */
static int nrows(const Ide *ide)
{
    return LANG_COUNT + (ide->langsel_mode == LANGSEL_FILE ? 1 : (int)ide->nresume);
}

static void close_dialog(Ide *ide)
{
    ide->overlay = OVERLAY_NONE;
    resume_free(ide);
}

void langsel_open(Ide *ide, LangselMode mode)
{
    Tab *t = ide_tab(ide);
    if (mode == LANGSEL_FILE && !t)
        return;
    ide->overlay = OVERLAY_LANG;
    ide->langsel_mode = mode;
    ide->overlay_sel = 0;
    if (mode == LANGSEL_FILE)
        ide->overlay_sel = t->doc->lang ? (int)t->doc->lang->id : LANG_COUNT;
    else
        resume_load(ide);
    bool any = false;
    for (int i = 0; i < LANG_COUNT; i++)
        any |= ide->tools[i].probed;
    if (!any)
        langsel_probe(ide);
    ide->dirty = true;
}

static void draw_box(Rect r, const char *title)
{
    term_style(stdscr, ROLE_DIALOG);
    for (int y = r.y; y < r.y + r.h; y++) {
        wmove(stdscr, y, r.x);
        for (int x = 0; x < r.w; x++)
            waddch(stdscr, ' ');
    }
    term_style(stdscr, ROLE_BORDER);
    mvwaddch(stdscr, r.y, r.x, ACS_ULCORNER);
    mvwaddch(stdscr, r.y, r.x + r.w - 1, ACS_URCORNER);
    mvwaddch(stdscr, r.y + r.h - 1, r.x, ACS_LLCORNER);
    mvwaddch(stdscr, r.y + r.h - 1, r.x + r.w - 1, ACS_LRCORNER);
    for (int x = r.x + 1; x < r.x + r.w - 1; x++) {
        mvwaddch(stdscr, r.y, x, ACS_HLINE);
        mvwaddch(stdscr, r.y + r.h - 1, x, ACS_HLINE);
    }
    for (int y = r.y + 1; y < r.y + r.h - 1; y++) {
        mvwaddch(stdscr, y, r.x, ACS_VLINE);
        mvwaddch(stdscr, y, r.x + r.w - 1, ACS_VLINE);
    }
    term_style(stdscr, ROLE_PANE_TITLE_FOCUSED);
    char t[300];
    snprintf(t, sizeof t, " %.256s ", title);
    term_put(r.y, r.x + 2, t, 0, r.w - 4);
}

void langsel_draw(Ide *ide)
{
    Tab *t = ide_tab(ide);
    int w = COLS - 4 < 76 ? COLS - 4 : 76, h = nrows(ide) + 4;
    if (h > LINES - 2)
        h = LINES - 2;
    Rect r = {(LINES - h) / 2, (COLS - w) / 2, h, w};
    ide->r_dialog = r;
    char title[256];
    if (ide->langsel_mode == LANGSEL_FILE)
        snprintf(title, sizeof title, "Language of %s", t ? document_name(t->doc) : "");
    else if (ide->nresume)
        snprintf(title, sizeof title, "Scratch session: a new one in a language, or one to resume");
    else
        snprintf(title, sizeof title, "New scratch session: choose its language");
    draw_box(r, title);
    int rows = r.h - 4;
    int top = ide->overlay_sel >= rows ? ide->overlay_sel - rows + 1 : 0;
    for (int i = 0; i < rows && top + i < nrows(ide); i++) {
        int idx = top + i;
        char line[512];
        UiRole role = idx == ide->overlay_sel ? ROLE_DIALOG_SELECTED : ROLE_DIALOG;
        if (idx >= LANG_COUNT && ide->langsel_mode == LANGSEL_SCRATCH) {
            const Session *s = &ide->resume[idx - LANG_COUNT];
            char used[32] = "";
            struct tm tm;
            time_t when = (time_t)s->last_used_at;
            if (localtime_r(&when, &tm))
                strftime(used, sizeof used, "%H:%M, %d %b", &tm);
            snprintf(line, sizeof line, " %-10s  resume: %s, %lld run%s, last used %s", s->name, s->lang->name,
                     (long long)s->runs, s->runs == 1 ? "" : "s", used);
        } else if (idx == LANG_COUNT) {
            snprintf(line, sizeof line, " %-10s  highlighting off, not run", "Plain text");
        } else {
            const Lang *lang = lang_get((LangId)idx);
            bool avail;
            const char *st = langsel_status(ide, lang, &avail);
            snprintf(line, sizeof line, " %-10s  %s", lang->name, st ? st : "checking...");
            if (st && !avail && idx != ide->overlay_sel)
                role = ROLE_GUTTER;
        }
        term_style(stdscr, role);
        wmove(stdscr, r.y + 1 + i, r.x + 1);
        for (int x = 0; x < r.w - 2; x++)
            waddch(stdscr, ' ');
        term_put(r.y + 1 + i, r.x + 1, line, 0, r.w - 2);
    }
    term_style(stdscr, ROLE_GUTTER);
    const char *help = ide->langsel_mode == LANGSEL_FILE ? "Enter: run and highlight the file as this language   Esc: cancel"
                       : ide->nresume                    ? "Enter: create or resume the session   Esc: cancel"
                                                         : "Enter: create the session   Esc: cancel";
    mvwaddnstr(stdscr, r.y + r.h - 2, r.x + 2, help, r.w - 4);
}

static void choose(Ide *ide)
{
    int sel = ide->overlay_sel;
    ide->overlay = OVERLAY_NONE;
    const Lang *lang = sel < LANG_COUNT ? lang_get((LangId)sel) : NULL;
    if (ide->langsel_mode == LANGSEL_FILE) {
        ide_set_language(ide, lang);
        return;
    }
    if (!lang) {
        Session *s = xmalloc(sizeof *s);
        *s = ide->resume[sel - LANG_COUNT];
        ide->resume[sel - LANG_COUNT] = (Session){0};
        resume_free(ide);
        ide_resume_session(ide, s);
        return;
    }
    resume_free(ide);
    bool avail;
    const char *st = langsel_status(ide, lang, &avail);
    if (st && !avail)
        ide_message(ide, false, "%s: %s", lang->name, st);
    ide_new_scratch(ide, lang);
}

bool langsel_key(Ide *ide, Key k)
{
    ide->dirty = true;
    int n = nrows(ide);
    switch (k) {
    case TK_UP:
        ide->overlay_sel = (ide->overlay_sel + n - 1) % n;
        return true;
    case TK_DOWN:
    case TK_TAB:
        ide->overlay_sel = (ide->overlay_sel + 1) % n;
        return true;
    case TK_HOME:
        ide->overlay_sel = 0;
        return true;
    case TK_END:
        ide->overlay_sel = n - 1;
        return true;
    case TK_ENTER:
        choose(ide);
        return true;
    case TK_ESC:
        close_dialog(ide);
        return true;
    default:
        break;
    }
    if (keymap_lookup(&ide->keys, k) == ACT_LANGUAGE || keymap_lookup(&ide->keys, k) == ACT_QUIT) {
        close_dialog(ide);
        return true;
    }
    /* A letter jumps to the next language starting with it. */
    if (k < 128 && k > ' ') {
        char c = (char)(k >= 'A' && k <= 'Z' ? k + 32 : k);
        for (int step = 1; step <= n; step++) {
            int i = (ide->overlay_sel + step) % n;
            const char *name = i < LANG_COUNT                   ? lang_get((LangId)i)->name
                               : ide->langsel_mode == LANGSEL_FILE ? "plain text"
                                                                   : ide->resume[i - LANG_COUNT].name;
            char first = (char)(name[0] >= 'A' && name[0] <= 'Z' ? name[0] + 32 : name[0]);
            if (first == c) {
                ide->overlay_sel = i;
                break;
            }
        }
    }
    return true;
}

void langsel_click(Ide *ide, int y, int x)
{
    Rect r = ide->r_dialog;
    if (y <= r.y || y >= r.y + r.h - 2 || x <= r.x || x >= r.x + r.w - 1) {
        close_dialog(ide);
        ide->dirty = true;
        return;
    }
    int rows = r.h - 4;
    int top = ide->overlay_sel >= rows ? ide->overlay_sel - rows + 1 : 0;
    int idx = top + (y - r.y - 1);
    if (idx >= 0 && idx < nrows(ide)) {
        ide->overlay_sel = idx;
        choose(ide);
    }
    ide->dirty = true;
}
