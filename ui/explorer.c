#include "explorer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "natcmp.h"
#include "xalloc.h"

/* Entries shown per folder: the first in the tree's order.  A folder is
 * read up to SCAN_ENTRIES, so that what is shown is the start of the
 * sorted folder (not whatever readdir returned first) and the rest is
 * counted; reading and sorting that many takes ~10 ms, on the io worker
 * for the periodic look (explorer_look_run), only when the folder has
 * changed. */
#define MAX_ENTRIES 5000
#define SCAN_ENTRIES 20000

typedef struct Node {
    char *name, *path;
    bool dir, open, loaded;
    struct Node **kids;
    size_t nkids;
    size_t hidden;        /* entries past MAX_ENTRIES, not shown */
    bool more;            /* ... and past SCAN_ENTRIES, not even counted */
    struct timespec seen; /* the folder's mtime when it was read */
    bool seen_settled;    /* that mtime was older than the read by 2 s */
    int depth;
} Node;

struct Explorer {
    Node *root;
    Node *gen; /* the files the last run wrote (they are kept outside the
                  folder, in the session's data): a folder of its own */
    Node **rows;
    size_t nrows, caprows;
    size_t sel, top;
    /* The wheel scrolls the view and leaves the selection, maybe out of
     * sight: a draw brings it back into view only once it has moved
     * (shown_sel: where the last draw had it) or a key was typed (follow). */
    size_t shown_sel;
    bool follow;
    Rect r;
    StrList generated;
    char *pending; /* path the next prompt is about */
};

static Node *node_new(const char *name, const char *path, bool dir, int depth)
{
    Node *n = xcalloc(1, sizeof *n);
    n->name = xstrdup(name);
    n->path = xstrdup(path);
    n->dir = dir;
    n->depth = depth;
    return n;
}

static void node_free(Node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->name);
    free(n->path);
    free(n);
}

/* An entry as read, before it becomes a Node (most of a big folder never
 * does). */
typedef struct Entry {
    char *name;
    bool dir;
} Entry;

static int entry_order(const void *a, const void *b)
{
    const Entry *x = a, *y = b;
    if (x->dir != y->dir)
        return x->dir ? -1 : 1;
    int c = natcmp(x->name, y->name);
    return c ? c : strcmp(x->name, y->name);
}

/* A folder as read: what load_from makes its node's kids.  Made without
 * the tree, so that the periodic look can read on the io worker. */
typedef struct FolderRead {
    Entry *all; /* sorted */
    size_t na;
    bool more;
    struct timespec seen;
    bool seen_settled;
} FolderRead;

static void folder_read(const char *path, FolderRead *r)
{
    *r = (FolderRead){0};
    DIR *d = opendir(path);
    if (!d)
        return;
    size_t cap = 0;
    struct stat dst;
    struct timespec now;
    if (fstat(dirfd(d), &dst) == 0 && clock_gettime(CLOCK_REALTIME, &now) == 0) {
        r->seen = dst.st_mtim;
        r->seen_settled = now.tv_sec - dst.st_mtim.tv_sec >= 2;
    }
    struct dirent *e;
    while ((e = readdir(d)) && r->na < SCAN_ENTRIES) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, ".git"))
            continue;
        bool dir = e->d_type == DT_DIR;
        if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) {
            struct stat st;
            dir = fstatat(dirfd(d), e->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode);
        }
        if (r->na == cap) {
            cap = cap ? cap * 2 : 64;
            r->all = xreallocarray(r->all, cap, sizeof *r->all);
        }
        r->all[r->na++] = (Entry){xstrdup(e->d_name), dir};
    }
    r->more = r->na == SCAN_ENTRIES && readdir(d);
    closedir(d);
    if (r->na)
        qsort(r->all, r->na, sizeof *r->all, entry_order);
}

static void folder_read_free(FolderRead *r)
{
    for (size_t i = 0; i < r->na; i++)
        free(r->all[i].name);
    free(r->all);
    *r = (FolderRead){0};
}

/* The folder's entries as read, keeping what was unfolded below it. */
static void load_from(Node *n, const FolderRead *r)
{
    n->more = r->more;
    n->seen = r->seen;
    n->seen_settled = r->seen_settled;
    const Entry *all = r->all;
    size_t na = r->na;
    size_t nk = na < MAX_ENTRIES ? na : MAX_ENTRIES;
    Node **kids = nk ? xcalloc(nk, sizeof *kids) : NULL;
    /* The nodes already made are in the same order: walk both at once. */
    size_t j = 0;
    for (size_t i = 0; i < nk; i++) {
        Node *old = NULL;
        while (j < n->nkids && entry_order(&(Entry){n->kids[j]->name, n->kids[j]->dir}, &all[i]) < 0)
            j++;
        if (j < n->nkids && entry_order(&(Entry){n->kids[j]->name, n->kids[j]->dir}, &all[i]) == 0) {
            old = n->kids[j];
            n->kids[j++] = NULL;
        }
        if (!old) {
            char *path = xasprintf("%s/%s", strcmp(n->path, "/") ? n->path : "", all[i].name);
            old = node_new(all[i].name, path, all[i].dir, n->depth + 1);
            free(path);
        }
        kids[i] = old;
    }
    for (size_t i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    n->kids = kids;
    n->nkids = nk;
    n->hidden = na - nk;
    n->loaded = true;
}

/* Read a folder now (the user unfolded it, made a file in it). */
static void load(Node *n)
{
    FolderRead r;
    folder_read(n->path, &r);
    load_from(n, &r);
    folder_read_free(&r);
}

static void push_row(Explorer *e, Node *n)
{
    if (e->nrows == e->caprows) {
        e->caprows = e->caprows ? e->caprows * 2 : 64;
        e->rows = xreallocarray(e->rows, e->caprows, sizeof *e->rows);
    }
    e->rows[e->nrows++] = n;
}

static void flatten(Explorer *e, Node *n)
{
    for (size_t i = 0; i < n->nkids; i++) {
        push_row(e, n->kids[i]);
        if (n->kids[i]->dir && n->kids[i]->open)
            flatten(e, n->kids[i]);
    }
}

static char *selected_path(const Explorer *e)
{
    return e->sel < e->nrows ? xstrdup(e->rows[e->sel]->path) : NULL;
}

/* The rows again after folders were (re)read; keep (taken before the
 * reading: rows may point at freed nodes now) is selected again. */
static void rebuild(Explorer *e, char *keep)
{
    e->nrows = 0;
    flatten(e, e->root);
    if (e->gen) {
        push_row(e, e->gen);
        if (e->gen->open)
            flatten(e, e->gen);
    }
    if (keep) {
        for (size_t i = 0; i < e->nrows; i++)
            if (!strcmp(e->rows[i]->path, keep))
                e->sel = i;
        free(keep);
    }
    if (e->sel >= e->nrows)
        e->sel = e->nrows ? e->nrows - 1 : 0;
}

Explorer *explorer_new(const char *root)
{
    Explorer *e = xcalloc(1, sizeof *e);
    const char *name = strrchr(root, '/');
    e->root = node_new(name && name[1] ? name + 1 : root, root, true, -1);
    e->root->open = true;
    load(e->root);
    rebuild(e, NULL);
    return e;
}

void explorer_free(Explorer *e)
{
    if (!e)
        return;
    node_free(e->root);
    node_free(e->gen);
    free(e->rows);
    sl_free(&e->generated);
    free(e->pending);
    free(e);
}

/* Whether a folder read before is as it was then: its mtime unchanged
 * since a read that came at least 2 s after it (a change within the same
 * clock tick as the read would not move it). */
static bool unchanged(const char *path, bool loaded, bool settled, struct timespec seen)
{
    struct stat st;
    return loaded && settled && stat(path, &st) == 0 && st.st_mtim.tv_sec == seen.tv_sec &&
           st.st_mtim.tv_nsec == seen.tv_nsec;
}

static void refresh_node(Node *n)
{
    if (!n->dir || !n->open || !n->path)
        return;
    if (!unchanged(n->path, n->loaded, n->seen_settled, n->seen))
        load(n);
    for (size_t i = 0; i < n->nkids; i++)
        refresh_node(n->kids[i]);
}

/* The files a run wrote, as they are now: one gone (tide gc expired it)
 * leaves the tree, and the group with its last. */
static void refresh_generated(Explorer *e)
{
    if (!e->gen)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < e->gen->nkids; i++) {
        Node *n = e->gen->kids[i];
        if (fileio_exists(n->path))
            e->gen->kids[kept++] = n;
        else
            node_free(n);
    }
    e->gen->nkids = kept;
    if (!kept) {
        node_free(e->gen);
        e->gen = NULL;
        sl_free(&e->generated);
    }
}

void explorer_refresh(Ide *ide)
{
    Explorer *e = ide->explorer;
    char *keep = selected_path(e);
    refresh_node(e->root);
    refresh_generated(e);
    rebuild(e, keep);
    ide->dirty = true;
}

/* ------------------------------------------------- the look on the worker */

typedef struct LookFolder {
    char *path;
    bool loaded, settled;
    struct timespec seen; /* as the tree had it when the look was asked */
    bool changed;         /* read again: read holds it */
    FolderRead read;
} LookFolder;

struct ExplorerLook {
    LookFolder *f;
    size_t n, cap;
};

static void look_add(ExplorerLook *l, const Node *n)
{
    if (!n->dir || !n->open || !n->path)
        return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->f = xreallocarray(l->f, l->cap, sizeof *l->f);
    }
    l->f[l->n++] = (LookFolder){xstrdup(n->path), n->loaded, n->seen_settled, n->seen, false, {0}};
    for (size_t i = 0; i < n->nkids; i++)
        look_add(l, n->kids[i]);
}

ExplorerLook *explorer_look_begin(const Ide *ide)
{
    ExplorerLook *l = xcalloc(1, sizeof *l);
    look_add(l, ide->explorer->root);
    return l;
}

void explorer_look_run(ExplorerLook *l)
{
    for (size_t i = 0; i < l->n; i++) {
        LookFolder *f = &l->f[i];
        if (!unchanged(f->path, f->loaded, f->settled, f->seen)) {
            folder_read(f->path, &f->read);
            f->changed = true;
        }
    }
}

static Node *find_open(Node *n, const char *path)
{
    if (!n->dir || !n->open)
        return NULL;
    if (!strcmp(n->path, path))
        return n;
    size_t len = strlen(n->path);
    /* Only below a folder whose path leads there. */
    if (strncmp(path, n->path, len) != 0 || (path[len] != '/' && strcmp(n->path, "/") != 0))
        return NULL;
    for (size_t i = 0; i < n->nkids; i++) {
        Node *found = find_open(n->kids[i], path);
        if (found)
            return found;
    }
    return NULL;
}

void explorer_look_apply(Ide *ide, ExplorerLook *l)
{
    Explorer *e = ide->explorer;
    char *keep = selected_path(e);
    bool any = false;
    for (size_t i = 0; i < l->n; i++) {
        LookFolder *f = &l->f[i];
        if (!f->changed)
            continue;
        Node *n = find_open(e->root, f->path);
        /* Read again, folded or gone since the look was asked: as it is. */
        if (!n || n->loaded != f->loaded || n->seen.tv_sec != f->seen.tv_sec || n->seen.tv_nsec != f->seen.tv_nsec)
            continue;
        load_from(n, &f->read);
        any = true;
    }
    if (any) {
        rebuild(e, keep);
        ide->dirty = true;
    } else {
        free(keep);
    }
}

void explorer_look_free(ExplorerLook *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->f[i].path);
        folder_read_free(&l->f[i].read);
    }
    free(l->f);
    free(l);
}

void explorer_set_generated(Ide *ide, const char *label, const char *dir, const StrList *paths)
{
    Explorer *e = ide->explorer;
    char *keep = selected_path(e);
    sl_free(&e->generated);
    node_free(e->gen);
    e->gen = NULL;
    if (paths->len) {
        e->gen = node_new(label, dir, true, 0);
        e->gen->open = e->gen->loaded = true;
        for (size_t i = 0; i < paths->len; i++) {
            sl_push(&e->generated, paths->items[i]);
            const char *rel = paths->items[i] + strlen(dir) + 1;
            Node *n = node_new(rel, paths->items[i], false, 1);
            e->gen->kids = xreallocarray(e->gen->kids, e->gen->nkids + 1, sizeof *e->gen->kids);
            e->gen->kids[e->gen->nkids++] = n;
        }
    }
    rebuild(e, keep);
    ide->dirty = true;
}

bool explorer_has_generated(Ide *ide)
{
    return ide->explorer && ide->explorer->gen;
}

void explorer_set_run_files(Ide *ide, int64_t result_id, const char *dir, const StrList *paths)
{
    /* Short enough for the narrowest explorer (18 columns) up to run
     * #99999: a label cut before its number says nothing. */
    char label[64];
    snprintf(label, sizeof label, "run #%lld wrote", (long long)result_id);
    explorer_set_generated(ide, label, dir, paths);
}

void explorer_draw(Ide *ide, Rect r, bool focused)
{
    Explorer *e = ide->explorer;
    e->r = r;
    term_style(stdscr, focused ? ROLE_PANE_TITLE_FOCUSED : ROLE_PANE_TITLE);
    wmove(stdscr, r.y, r.x);
    for (int i = 0; i < r.w; i++)
        waddch(stdscr, ' ');
    char title[600];
    if (e->root->hidden)
        snprintf(title, sizeof title, "%.400s (%zu/%zu%s)", e->root->name, e->root->nkids,
                 e->root->nkids + e->root->hidden, e->root->more ? "+" : "");
    else
        snprintf(title, sizeof title, "%.400s", e->root->name);
    term_put(r.y, r.x + 1, title, 0, r.w - 2);
    int rows = r.h - 1;
    if (rows <= 0)
        return;
    if (e->follow || e->sel != e->shown_sel) {
        if (e->sel < e->top)
            e->top = e->sel;
        if (e->sel >= e->top + (size_t)rows)
            e->top = e->sel - (size_t)rows + 1;
    }
    e->follow = false;
    e->shown_sel = e->sel;
    if (e->top > 0 && e->top + (size_t)rows > e->nrows)
        e->top = e->nrows > (size_t)rows ? e->nrows - (size_t)rows : 0;
    for (int row = 0; row < rows; row++) {
        size_t i = e->top + (size_t)row;
        wmove(stdscr, r.y + 1 + row, r.x);
        term_style(stdscr, ROLE_TEXT);
        for (int c = 0; c < r.w; c++)
            waddch(stdscr, ' ');
        if (i >= e->nrows)
            continue;
        Node *n = e->rows[i];
        bool gen = !n->dir && sl_contains(&e->generated, n->path);
        UiRole role = n == e->gen ? ROLE_GENERATED : n->dir ? ROLE_DIR : gen ? ROLE_GENERATED : ROLE_TEXT;
        if (i == e->sel)
            role = focused ? ROLE_DIALOG_SELECTED : ROLE_SELECTION;
        char line[600], more[64] = "";
        /* A big folder shows its first entries, and says so. */
        if (n->dir && n->open && n->hidden)
            snprintf(more, sizeof more, " (%zu/%zu%s)", n->nkids, n->nkids + n->hidden, n->more ? "+" : "");
        snprintf(line, sizeof line, "%*s%s%.400s%s%s", n->depth * 2, "", n->dir ? (n->open ? "v " : "> ") : "  ",
                 n->name, n == e->gen ? "" : n->dir ? "/" : gen ? " *" : "", more);
        term_style(stdscr, role);
        if (i == e->sel) {
            wmove(stdscr, r.y + 1 + row, r.x);
            for (int c = 0; c < r.w; c++)
                waddch(stdscr, ' ');
        }
        term_put(r.y + 1 + row, r.x, line, 0, r.w);
    }
}

void explorer_cursor(Ide *ide, int *cy, int *cx)
{
    Explorer *e = ide->explorer;
    if (e->nrows && e->sel >= e->top && e->sel - e->top < (size_t)(e->r.h - 1)) {
        *cy = e->r.y + 1 + (int)(e->sel - e->top);
        *cx = e->r.x;
    }
}

static Node *selected(Explorer *e)
{
    return e->sel < e->nrows ? e->rows[e->sel] : NULL;
}

static Node *parent_of(Explorer *e, size_t row)
{
    int depth = e->rows[row]->depth;
    while (row-- > 0)
        if (e->rows[row]->depth < depth)
            return e->rows[row];
    return NULL;
}

static void activate(Ide *ide, Node *n)
{
    Explorer *e = ide->explorer;
    if (n->dir) {
        char *keep = selected_path(e);
        n->open = !n->open;
        if (n->open && n != e->gen)
            load(n);
        rebuild(e, keep);
    } else {
        ide_open(ide, n->path);
    }
}

/* The folder new files go into: the selected folder, or the selected
 * file's folder. */
/* A row of the files a run wrote (the group or one of them): tide's
 * record of the run, kept in its data folder, not a file of the user's. */
static bool is_generated(const Explorer *e, const Node *n)
{
    return e->gen && (n == e->gen || sl_contains(&e->generated, n->path));
}

/* What to say instead of deleting or renaming one: the run's files are
 * what `tide files` and `tide export` read, and going under the user's
 * hands would make them say the run's file expired. */
static void refuse_generated(Ide *ide, const Node *n, const char *what)
{
    ide_refuse_record(ide, n->path, what, n == ide->explorer->gen ? "Enter opens one" : "Enter opens it");
}

static const char *target_dir(Explorer *e)
{
    Node *n = selected(e);
    /* New files go to the user's folder, never among a run's records. */
    if (!n || is_generated(e, n))
        return e->root->path;
    if (n->dir)
        return n->path;
    Node *p = parent_of(e, e->sel);
    return p ? p->path : e->root->path;
}

static void on_new(Ide *ide, const char *text, void *ud)
{
    bool folder = ud != NULL;
    Explorer *e = ide->explorer;
    if (!text[0])
        return;
    if (text[0] == '/') {
        ide_message(ide, true, "not created: give a name inside the folder, not a path from / (%s)", text);
        return;
    }
    char *path = xasprintf("%s/%s", e->pending, text);
    Err err;
    bool ok;
    if (folder) {
        ok = fileio_mkdirs(path, 0755, &err);
    } else {
        char *dir = xstrdup(path);
        *strrchr(dir, '/') = '\0';
        ok = fileio_mkdirs(dir, 0755, &err);
        free(dir);
        int fd = ok ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
        if (ok && fd < 0)
            ok = err_sys(&err, "cannot create %s", text);
        if (fd >= 0)
            close(fd);
    }
    if (!ok) {
        ide_message(ide, true, "%s", err.msg);
    } else {
        /* Unfold the way to it and select it. */
        for (size_t i = 0; i < e->nrows; i++)
            if (!strcmp(e->rows[i]->path, e->pending) && e->rows[i]->dir)
                e->rows[i]->open = true;
        explorer_refresh(ide);
        for (size_t i = 0; i < e->nrows; i++)
            if (!strcmp(e->rows[i]->path, path))
                e->sel = i;
        /* Said, as a rename or a delete is, and over what an earlier try
         * was told (that a name was taken). */
        ide_message(ide, false, folder ? "made the folder %s" : "made %s", text);
        if (!folder)
            ide_open(ide, path);
    }
    free(path);
}

static void on_rename(Ide *ide, const char *text, void *ud)
{
    (void)ud;
    Explorer *e = ide->explorer;
    if (!text[0])
        return;
    if (strchr(text, '/') || !strcmp(text, ".") || !strcmp(text, "..")) {
        ide_message(ide, true, "not renamed: give a new name, not a path (%s)", text);
        return;
    }
    char *dir = xstrdup(e->pending);
    *strrchr(dir, '/') = '\0';
    char *to = xasprintf("%s/%s", dir, text);
    if (fileio_exists(to)) {
        ide_message(ide, true, "%s already exists", text);
    } else if (rename(e->pending, to) != 0) {
        ide_message(ide, true, "cannot rename: %s", strerror(errno));
    } else {
        /* Open tabs follow the file. */
        size_t n = strlen(e->pending);
        for (size_t i = 0; i < ide->ntabs; i++) {
            Document *d = ide->tabs[i]->doc;
            if (d->path && !strncmp(d->path, e->pending, n) && (d->path[n] == '\0' || d->path[n] == '/')) {
                char *np = xasprintf("%s%s", to, d->path + n);
                free(d->path);
                d->path = np;
                d->disk = disk_stamp(np);
            }
        }
        explorer_refresh(ide);
        ide_message(ide, false, "renamed to %s", text);
    }
    free(to);
    free(dir);
}

static void on_delete(Ide *ide, const char *answer, void *ud)
{
    (void)ud;
    Explorer *e = ide->explorer;
    if (answer[0] != 'y')
        return;
    Err err;
    bool ok;
    if (fileio_is_dir(e->pending) && !fileio_exists(e->pending))
        ok = true;
    else if (fileio_is_dir(e->pending))
        ok = fileio_rmtree(e->pending, &err);
    else
        ok = unlink(e->pending) == 0 || err_sys(&err, "cannot delete %s", e->pending);
    if (!ok)
        ide_message(ide, true, "%s", err.msg);
    else
        ide_message(ide, false, "deleted %s", strrchr(e->pending, '/') + 1);
    explorer_refresh(ide);
}

static void set_pending(Explorer *e, const char *path)
{
    free(e->pending);
    e->pending = xstrdup(path);
}

bool explorer_key(Ide *ide, Key k)
{
    Explorer *e = ide->explorer;
    Node *n = selected(e);
    int page = e->r.h > 2 ? e->r.h - 2 : 1;
    ide->dirty = true;
    e->follow = true;
    switch (k) {
    case TK_UP:
        if (e->sel > 0)
            e->sel--;
        return true;
    case TK_DOWN:
        if (e->sel + 1 < e->nrows)
            e->sel++;
        return true;
    case TK_PGUP:
        e->sel = e->sel > (size_t)page ? e->sel - (size_t)page : 0;
        return true;
    case TK_PGDN:
        e->sel = e->sel + (size_t)page < e->nrows ? e->sel + (size_t)page : (e->nrows ? e->nrows - 1 : 0);
        return true;
    case TK_HOME:
        e->sel = 0;
        return true;
    case TK_END:
        e->sel = e->nrows ? e->nrows - 1 : 0;
        return true;
    case TK_ENTER:
    case ' ':
        if (n)
            activate(ide, n);
        return true;
    case TK_RIGHT:
        if (n && n->dir && !n->open)
            activate(ide, n);
        else if (n && n->dir && e->sel + 1 < e->nrows)
            e->sel++;
        return true;
    case TK_LEFT:
        if (n && n->dir && n->open) {
            activate(ide, n);
        } else if (n) {
            Node *p = parent_of(e, e->sel);
            for (size_t i = 0; p && i < e->nrows; i++)
                if (e->rows[i] == p)
                    e->sel = i;
        }
        return true;
    case 'n':
    case 'N': {
        set_pending(e, target_dir(e));
        char label[600];
        snprintf(label, sizeof label, "New %s in %s/: ", k == 'n' ? "file" : "folder",
                 strcmp(e->pending, e->root->path) ? strrchr(e->pending, '/') + 1 : e->root->name);
        prompt_text(ide, label, NULL, on_new, NULL, NULL, k == 'N' ? (void *)1 : NULL);
        return true;
    }
    case 'r':
        if (n && is_generated(e, n)) {
            refuse_generated(ide, n, "renamed");
        } else if (n) {
            set_pending(e, n->path);
            prompt_text(ide, "Rename to: ", n->name, on_rename, NULL, NULL, NULL);
        }
        return true;
    case TK_DELETE:
    case 'd':
        if (n && is_generated(e, n)) {
            refuse_generated(ide, n, "deleted");
        } else if (n) {
            set_pending(e, n->path);
            char q[600];
            snprintf(q, sizeof q, n->dir ? "Delete the folder %s and everything in it? (y/n) " : "Delete %s? (y/n) ",
                     n->name);
            prompt_choice(ide, q, "yn", on_delete, NULL, NULL);
        }
        return true;
    default:
        return false;
    }
}

void explorer_click(Ide *ide, int y, int clicks)
{
    Explorer *e = ide->explorer;
    int row = y - e->r.y - 1;
    if (row < 0)
        return;
    size_t i = e->top + (size_t)row;
    if (i >= e->nrows)
        return;
    e->sel = i;
    Node *n = e->rows[i];
    /* Folders fold on one click; files open on one too (as in most
     * editors' side bars). */
    (void)clicks;
    activate(ide, n);
    ide->dirty = true;
}

void explorer_scroll(Ide *ide, long lines)
{
    Explorer *e = ide->explorer;
    int rows = e->r.h - 1;
    size_t last_top = rows > 0 && e->nrows > (size_t)rows ? e->nrows - (size_t)rows : 0;
    if (lines < 0)
        e->top = (size_t)-lines > e->top ? 0 : e->top - (size_t)-lines;
    else
        e->top = e->top + (size_t)lines < last_top ? e->top + (size_t)lines : last_top;
    ide->dirty = true;
}
