#include "syntax.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tree_sitter/api.h>

#include "fortran_lexer.h"
#include "grammar.h"
#include "xalloc.h"

/* ------------------------------------------------------------ capture names */

#define HL_MAX 1024

static const char *hl_names[HL_MAX] = {""};
static unsigned hl_n = 1;
static pthread_mutex_t hl_lock = PTHREAD_MUTEX_INITIALIZER;

unsigned syntax_hl_count(void)
{
    pthread_mutex_lock(&hl_lock);
    unsigned n = hl_n;
    pthread_mutex_unlock(&hl_lock);
    return n;
}

const char *syntax_hl_name(SyntaxHl hl)
{
    pthread_mutex_lock(&hl_lock);
    const char *s = hl < hl_n ? hl_names[hl] : "";
    pthread_mutex_unlock(&hl_lock);
    return s;
}

/* Captures that only feed predicates or other tools (_name, injection.*,
 * local.*) are not highlights. */
static bool is_highlight_name(const char *name)
{
    return name[0] && name[0] != '_' && strncmp(name, "injection", 9) != 0 &&
           strncmp(name, "local", 5) != 0 && strcmp(name, "spell") != 0 && strcmp(name, "nospell") != 0;
}

SyntaxHl syntax_hl_intern(const char *name)
{
    if (!is_highlight_name(name))
        return SYNTAX_HL_NONE;
    pthread_mutex_lock(&hl_lock);
    SyntaxHl id = SYNTAX_HL_NONE;
    for (unsigned i = 1; i < hl_n && !id; i++)
        if (strcmp(hl_names[i], name) == 0)
            id = (SyntaxHl)i;
    if (!id && hl_n < HL_MAX) {
        hl_names[hl_n] = xstrdup(name);
        id = (SyntaxHl)hl_n++;
    }
    pthread_mutex_unlock(&hl_lock);
    return id;
}

/* Capture index -> highlight id, per grammar, built once. */
static struct {
    const Grammar *g;
    SyntaxHl *map;
} capture_maps[16];
static pthread_mutex_t maps_lock = PTHREAD_MUTEX_INITIALIZER;

static const SyntaxHl *capture_map(const Grammar *g)
{
    pthread_mutex_lock(&maps_lock);
    const SyntaxHl *found = NULL;
    size_t i;
    for (i = 0; i < sizeof capture_maps / sizeof *capture_maps && capture_maps[i].g; i++)
        if (capture_maps[i].g == g)
            found = capture_maps[i].map;
    if (!found && i < sizeof capture_maps / sizeof *capture_maps) {
        uint32_t n = ts_query_capture_count(g->query);
        SyntaxHl *map = xcalloc(n ? n : 1, sizeof *map);
        for (uint32_t c = 0; c < n; c++) {
            uint32_t len;
            const char *name = ts_query_capture_name_for_id(g->query, c, &len);
            char *z = xstrndup(name, len);
            map[c] = syntax_hl_intern(z);
            free(z);
        }
        capture_maps[i].g = g;
        capture_maps[i].map = map;
        found = map;
    }
    pthread_mutex_unlock(&maps_lock);
    return found;
}

/* ------------------------------------------------------------ the document */

/* The part of the text a tree covers when the file is parsed by window. */
typedef struct Window {
    bool on;     /* false: the whole text */
    bool valid;  /* false: an edit cut across its start; parse a new one */
    bool to_eof; /* it runs to the end of the text */
    bool from_bof;
    uint32_t start_byte, end_byte;
    TSPoint start_point, end_point;
} Window;

typedef struct LogEntry {
    uint64_t seq;
    bool reset;
    TSInputEdit edit;
} LogEntry;

typedef struct Request {
    SyntaxSource src;
    uint64_t seq;
    SyntaxView view;
} Request;

typedef struct Result {
    TSTree *tree;
    uint64_t seq;
    Window win;
} Result;

struct SyntaxDoc {
    SyntaxKind kind;
    const Grammar *g;
    const SyntaxHl *map;
    FortranForm form;
    char *name;
    char *problem;
    SyntaxHost host;
    SyntaxOptions opt;
    SyntaxHl error_hl;

    /* UI thread */
    TSTree *tree; /* the last finished tree */
    uint64_t tree_seq; /* the edits up to this one are applied to it */
    Window win;       /* edited at once (it is cheap), the tree only when asked */
    uint64_t seq;           /* edits so far */
    uint64_t requested_seq; /* text of the last request sent */
    bool requested;         /* any request sent yet */
    bool req_windowed;      /* the last request was for a window */
    SyntaxView req_view;
    bool changed;
    TSQueryCursor *qc;

    /* Shared with the parser thread, under mu. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    LogEntry *log;
    size_t nlog, caplog;
    Request *pending;
    struct timespec pending_since; /* when pending last went from none to one */
    Result *done;
    bool working;
    bool stop;
    size_t cancel; /* tree-sitter's cancellation flag */
    bool thread_started;
    pthread_t thread;
    TSTree **retired; /* trees the UI thread let go of, for the parser thread to free */
    size_t nretired, capretired;

    /* Parser thread (or the caller, when synchronous) */
    TSParser *parser;
    TSTree *base; /* the tree of the last parse, edits applied up to base_seq */
    uint64_t base_seq;
    Window base_win;
};

static void *worker_main(void *arg);

static void set_problem(SyntaxDoc *doc, const char *msg)
{
    free(doc->problem);
    doc->problem = xstrdup(msg);
}

SyntaxDoc *syntax_new(const Lang *lang, const char *path, const SyntaxHost *host,
                      const SyntaxOptions *opts)
{
    SyntaxDoc *doc = xcalloc(1, sizeof *doc);
    doc->host = *host;
    if (opts)
        doc->opt = *opts;
    if (!doc->opt.window_threshold)
        doc->opt.window_threshold = SYNTAX_WINDOW_THRESHOLD;
    if (!doc->opt.window_margin)
        doc->opt.window_margin = SYNTAX_WINDOW_MARGIN;
    doc->error_hl = syntax_hl_intern("error");
    pthread_mutex_init(&doc->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&doc->cv, &ca);
    pthread_condattr_destroy(&ca);
    doc->kind = SYNTAX_PLAIN;
    doc->name = xstrdup("plain text");
    if (lang && lang->id == LANG_FORTRAN) {
        doc->kind = SYNTAX_FORTRAN;
        doc->form = path && lang_fortran_fixed_form(path) ? FORTRAN_FIXED : FORTRAN_FREE;
        free(doc->name);
        doc->name = xstrdup(doc->form == FORTRAN_FIXED ? "fortran (fixed form)" : "fortran");
    } else if (lang && lang->grammar) {
        Err err;
        doc->g = grammar_get(lang->grammar, &err);
        if (doc->g) {
            doc->kind = SYNTAX_TREE_SITTER;
            doc->map = capture_map(doc->g);
            free(doc->name);
            doc->name = xstrdup(doc->g->name);
            doc->qc = ts_query_cursor_new();
            ts_query_cursor_set_match_limit(doc->qc, 1024);
            doc->parser = ts_parser_new();
            if (!ts_parser_set_language(doc->parser, doc->g->language)) {
                set_problem(doc, "the grammar's ABI does not match libtree-sitter");
                doc->kind = SYNTAX_PLAIN;
            }
            ts_parser_set_cancellation_flag(doc->parser, &doc->cancel);
        } else {
            set_problem(doc, err.msg);
        }
    }
    return doc;
}

static void free_request(Request *r)
{
    if (!r)
        return;
    if (r->src.release)
        r->src.release(r->src.payload);
    free(r);
}

static void free_result(Result *r)
{
    if (!r)
        return;
    if (r->tree)
        ts_tree_delete(r->tree);
    free(r);
}

void syntax_free(SyntaxDoc *doc)
{
    if (!doc)
        return;
    pthread_mutex_lock(&doc->mu);
    doc->stop = true;
    __atomic_store_n(&doc->cancel, 1, __ATOMIC_RELAXED);
    pthread_cond_broadcast(&doc->cv);
    pthread_mutex_unlock(&doc->mu);
    if (doc->thread_started)
        pthread_join(doc->thread, NULL);
    for (size_t i = 0; i < doc->nretired; i++)
        ts_tree_delete(doc->retired[i]);
    free(doc->retired);
    free_request(doc->pending);
    free_result(doc->done);
    if (doc->tree)
        ts_tree_delete(doc->tree);
    if (doc->base)
        ts_tree_delete(doc->base);
    if (doc->parser)
        ts_parser_delete(doc->parser);
    if (doc->qc)
        ts_query_cursor_delete(doc->qc);
    pthread_mutex_destroy(&doc->mu);
    pthread_cond_destroy(&doc->cv);
    free(doc->log);
    free(doc->name);
    free(doc->problem);
    free(doc);
}

SyntaxKind syntax_kind(const SyntaxDoc *doc)
{
    return doc->kind;
}

const char *syntax_name(const SyntaxDoc *doc)
{
    return doc->name;
}

const char *syntax_problem(const SyntaxDoc *doc)
{
    return doc->problem;
}

void syntax_spans_free(SyntaxSpans *s)
{
    free(s->v);
    *s = (SyntaxSpans){0};
}

static void spans_push(SyntaxSpans *s, uint32_t start, uint32_t end, SyntaxHl hl)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
    }
    s->v[s->n++] = (SyntaxSpan){start, end, hl};
}

/* ------------------------------------------------------------ edits */

static TSPoint point_of(SyntaxPoint p)
{
    return (TSPoint){p.row, p.col};
}

/* Where a position after an edit's old end moves to. */
static TSPoint point_shift(TSPoint p, const TSInputEdit *e)
{
    if (p.row == e->old_end_point.row)
        return (TSPoint){e->new_end_point.row, e->new_end_point.column + (p.column - e->old_end_point.column)};
    return (TSPoint){p.row - e->old_end_point.row + e->new_end_point.row, p.column};
}

/* Keep a window on the same text across an edit, as ts_tree_edit keeps a
 * tree's included ranges. */
static void window_edit(Window *w, const TSInputEdit *e)
{
    if (!w->on || !w->valid)
        return;
    if (e->old_end_byte <= w->start_byte && !(w->from_bof && e->start_byte == 0)) {
        if (e->old_end_byte == w->start_byte && e->start_byte < w->start_byte) {
            w->valid = false; /* the edit replaced text up to the window's start */
            return;
        }
        w->start_byte = e->new_end_byte + (w->start_byte - e->old_end_byte);
        w->start_point = point_shift(w->start_point, e);
        w->end_byte = e->new_end_byte + (w->end_byte - e->old_end_byte);
        w->end_point = point_shift(w->end_point, e);
        return;
    }
    if (e->start_byte < w->start_byte) {
        w->valid = false;
        return;
    }
    if (e->start_byte > w->end_byte || (e->start_byte == w->end_byte && !w->to_eof))
        return;
    if (e->old_end_byte >= w->end_byte) {
        w->end_byte = e->new_end_byte;
        w->end_point = e->new_end_point;
    } else {
        w->end_byte = e->new_end_byte + (w->end_byte - e->old_end_byte);
        w->end_point = point_shift(w->end_point, e);
    }
}

static void log_push(SyntaxDoc *doc, bool reset, const TSInputEdit *e)
{
    pthread_mutex_lock(&doc->mu);
    if (doc->nlog == doc->caplog) {
        doc->caplog = doc->caplog ? 2 * doc->caplog : 16;
        doc->log = xreallocarray(doc->log, doc->caplog, sizeof *doc->log);
    }
    doc->log[doc->nlog++] = (LogEntry){doc->seq, reset, e ? *e : (TSInputEdit){0}};
    pthread_mutex_unlock(&doc->mu);
}

void syntax_edit(SyntaxDoc *doc, const SyntaxEdit *edit)
{
    if (doc->kind != SYNTAX_TREE_SITTER)
        return;
    TSInputEdit e = {
        .start_byte = edit->start_byte,
        .old_end_byte = edit->old_end_byte,
        .new_end_byte = edit->new_end_byte,
        .start_point = point_of(edit->start),
        .old_end_point = point_of(edit->old_end),
        .new_end_point = point_of(edit->new_end),
    };
    doc->seq++;
    /* The tree is edited when next queried (catch_up): a keystroke's frame
     * usually needs no query, and the next parse replaces the tree. */
    if (doc->tree)
        window_edit(&doc->win, &e);
    log_push(doc, false, &e);
}

void syntax_reset(SyntaxDoc *doc)
{
    if (doc->kind != SYNTAX_TREE_SITTER)
        return;
    doc->seq++;
    if (doc->tree) {
        ts_tree_delete(doc->tree);
        doc->tree = NULL;
        doc->changed = true;
    }
    doc->win = (Window){0};
    log_push(doc, true, NULL);
}

/* ------------------------------------------------------------ reading text */

typedef const char *(*ReadFn)(void *ctx, uint32_t at, uint32_t *n);

/* Copy [start, end) of a text into buf (end - start bytes). */
static uint32_t copy_text(ReadFn read, void *ctx, uint32_t start, uint32_t end, char *buf)
{
    uint32_t at = start;
    while (at < end) {
        uint32_t n = 0;
        const char *p = read(ctx, at, &n);
        if (!p || n == 0)
            break;
        if (n > end - at)
            n = end - at;
        memcpy(buf + (at - start), p, n);
        at += n;
    }
    return at - start;
}

/* ------------------------------------------------------------ the parser */

/* What the parser reads through: a snapshot, and room for one character
 * that straddles two of its chunks (tree-sitter cannot decode a character
 * split across reads). */
typedef struct ParseInput {
    const SyntaxSource *src;
    char scratch[4];
} ParseInput;

/* The bytes at the end of p[0, n) that start a UTF-8 character without
 * finishing it. */
static uint32_t utf8_incomplete_tail(const char *p, uint32_t n)
{
    for (uint32_t k = 1; k <= 3 && k <= n; k++) {
        unsigned char c = (unsigned char)p[n - k];
        if ((c & 0xC0) == 0x80)
            continue; /* a continuation byte: look further back */
        uint32_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        return want > k ? k : 0;
    }
    return 0;
}

static const char *ts_read(void *payload, uint32_t byte, TSPoint pos, uint32_t *n)
{
    (void)pos;
    ParseInput *in = payload;
    const SyntaxSource *src = in->src;
    if (byte >= src->len) {
        *n = 0;
        return "";
    }
    const char *p = src->read(src->payload, byte, n);
    if (!p || *n == 0) {
        *n = 0;
        return "";
    }
    if (*n > src->len - byte)
        *n = src->len - byte;
    uint32_t tail = byte + *n < src->len ? utf8_incomplete_tail(p, *n) : 0;
    if (tail == 0)
        return p;
    if (*n > tail) {
        *n -= tail; /* the next read starts at that character */
        return p;
    }
    /* The chunk holds only the start of a character: gather it. */
    unsigned char lead = (unsigned char)p[0];
    uint32_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (want > src->len - byte)
        want = src->len - byte;
    *n = copy_text(src->read, src->payload, byte, byte + want, in->scratch);
    return in->scratch;
}

static bool line_is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

/* A line that looks like the start of something at the top level: it
 * starts in column 0 with a name, a directive or an annotation, and the
 * line above is blank or closes a block.  Windows start at such lines, so
 * the parser is not dropped into the middle of a function. */
static bool good_window_start(const char *line, size_t n, const char *prev, size_t pn)
{
    if (n == 0)
        return false;
    char c = line[0];
    bool starts = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '#' || c == '@';
    if (!starts)
        return false;
    if (line_is_blank(prev, pn))
        return true;
    while (pn > 0 && (prev[pn - 1] == ' ' || prev[pn - 1] == '\t' || prev[pn - 1] == '\r'))
        pn--;
    return pn > 0 && prev[0] == '}' && (prev[pn - 1] == '}' || prev[pn - 1] == ';');
}

/* Choose the window for a view: margin bytes either side, widened to whole
 * lines, starting at a good line when there is one nearby. */
static Window choose_window(const SyntaxDoc *doc, const Request *r)
{
    const SyntaxSource *src = &r->src;
    uint32_t margin = doc->opt.window_margin;
    uint32_t len = src->len;
    uint32_t vs = r->view.start_byte < len ? r->view.start_byte : len;
    uint32_t ve = r->view.end_byte < len ? r->view.end_byte : len;
    if (ve < vs)
        ve = vs;
    uint32_t want_start = vs > margin ? vs - margin : 0;
    uint32_t want_end = len - ve > margin ? ve + margin : len;

    /* Look back from want_start for a good line start, at most LOOK bytes. */
    enum { LOOK = 64 * 1024 };
    uint32_t scan_from = want_start > LOOK ? want_start - LOOK : 0;
    uint32_t span = vs - scan_from;
    char *buf = xmalloc((size_t)span + 1);
    span = copy_text(src->read, src->payload, scan_from, vs, buf);
    uint32_t start = want_start;
    uint32_t rel = want_start - scan_from;
    bool found = want_start == 0, any_line = false;
    uint32_t nearest_line = 0;
    for (uint32_t i = rel; i > 0 && !found; i--) {
        if (buf[i - 1] != '\n')
            continue;
        if (!any_line) {
            any_line = true;
            nearest_line = i;
        }
        /* The line at i, and the one above it. */
        uint32_t e = i;
        while (e < span && buf[e] != '\n')
            e++;
        uint32_t ps = i - 1;
        while (ps > 0 && buf[ps - 1] != '\n')
            ps--;
        if (good_window_start(buf + i, e - i, buf + ps, (i - 1) - ps) && (ps > 0 || scan_from == 0)) {
            start = scan_from + i;
            found = true;
        }
    }
    if (!found && any_line)
        start = scan_from + nearest_line;
    /* Rows: count the newlines from the window's start to the view's. */
    uint32_t nl = 0, last_nl = UINT32_MAX;
    for (uint32_t i = start - scan_from; i < span; i++)
        if (buf[i] == '\n') {
            nl++;
            last_nl = i;
        }
    Window w = {.on = true, .valid = true, .from_bof = start == 0};
    w.start_byte = start;
    w.start_point.row = r->view.start.row >= nl ? r->view.start.row - nl : 0;
    if (last_nl == UINT32_MAX) /* same line as the view's start */
        w.start_point.column = r->view.start.col >= vs - start ? r->view.start.col - (vs - start) : 0;
    else
        w.start_point.column = 0;
    free(buf);

    /* Forward to the end of a line, at most LOOK bytes past want_end. */
    uint32_t end = want_end;
    if (end < len) {
        uint32_t stop = len - end > LOOK ? end + LOOK : len;
        char *fb = xmalloc((size_t)(stop - end) + 1);
        uint32_t got = copy_text(src->read, src->payload, end, stop, fb);
        for (uint32_t i = 0; i < got; i++)
            if (fb[i] == '\n') {
                end += i + 1;
                break;
            }
        free(fb);
    }
    w.end_byte = end;
    w.to_eof = end >= len;
    /* The end point: count rows from the view's start to the end. */
    uint32_t rows = 0, col = r->view.start.col;
    {
        uint32_t at = vs;
        char chunk[16384];
        while (at < end) {
            uint32_t take = end - at > sizeof chunk ? (uint32_t)sizeof chunk : end - at;
            uint32_t got = copy_text(src->read, src->payload, at, at + take, chunk);
            if (got == 0)
                break;
            for (uint32_t i = 0; i < got; i++) {
                if (chunk[i] == '\n') {
                    rows++;
                    col = 0;
                } else {
                    col++;
                }
            }
            at += got;
        }
    }
    w.end_point = (TSPoint){r->view.start.row + rows, col};
    return w;
}

/* Does a window (already moved by the edits) still serve a view? */
static bool window_serves(const SyntaxDoc *doc, const Window *w, const SyntaxView *v, uint32_t len)
{
    if (!w->on || !w->valid)
        return false;
    uint32_t slack = doc->opt.window_margin / 4;
    bool start_ok = w->from_bof || (v->start_byte >= w->start_byte && v->start_byte - w->start_byte >= slack);
    bool end_ok = w->to_eof || w->end_byte >= len ||
                  (w->end_byte >= v->end_byte && w->end_byte - v->end_byte >= slack);
    return start_ok && end_ok;
}

/* Parse one request on the calling thread; NULL when cancelled.  Uses and
 * updates the parser's base tree. */
static Result *parse_request(SyntaxDoc *doc, Request *r, const LogEntry *edits, size_t nedits)
{
    for (size_t i = 0; i < nedits; i++) {
        if (edits[i].reset) {
            if (doc->base)
                ts_tree_delete(doc->base);
            doc->base = NULL;
            doc->base_win = (Window){0};
        } else if (doc->base) {
            ts_tree_edit(doc->base, &edits[i].edit);
            window_edit(&doc->base_win, &edits[i].edit);
        }
    }
    Window w = {0};
    TSTree *old = doc->base;
    if (r->src.len > doc->opt.window_threshold) {
        if (old && window_serves(doc, &doc->base_win, &r->view, r->src.len)) {
            w = doc->base_win;
            if (w.to_eof)
                w.end_byte = r->src.len;
        } else {
            w = choose_window(doc, r);
            old = NULL;
        }
        TSRange range = {w.start_point, w.end_point, w.start_byte, w.end_byte};
        if (w.to_eof) {
            range.end_byte = UINT32_MAX;
            range.end_point = (TSPoint){UINT32_MAX, UINT32_MAX};
        }
        ts_parser_set_included_ranges(doc->parser, &range, 1);
    } else {
        if (doc->base_win.on)
            old = NULL; /* the old tree covered a window: start afresh */
        ts_parser_set_included_ranges(doc->parser, NULL, 0);
    }
    ParseInput pin = {&r->src, {0}};
    TSInput in = {&pin, ts_read, TSInputEncodingUTF8};
    TSTree *t = ts_parser_parse(doc->parser, old, in);
    if (!t) {
        ts_parser_reset(doc->parser);
        return NULL;
    }
    if (doc->base)
        ts_tree_delete(doc->base);
    doc->base = t;
    doc->base_seq = r->seq;
    doc->base_win = w;
    Result *res = xcalloc(1, sizeof *res);
    res->tree = ts_tree_copy(t);
    res->seq = r->seq;
    res->win = w;
    return res;
}

/* Take the pending request, parse it, and leave the result; mu is held on
 * entry and exit.  Returns whether a result was produced; doc->working
 * stays set for the caller to clear (after waking the UI). */
static bool work_one(SyntaxDoc *doc)
{
    Request *r = doc->pending;
    doc->pending = NULL;
    doc->working = true;
    size_t n = 0;
    LogEntry *edits = NULL;
    for (size_t i = 0; i < doc->nlog; i++)
        if (doc->log[i].seq > doc->base_seq && doc->log[i].seq <= r->seq)
            n++;
    if (n) {
        edits = xmalloc(n * sizeof *edits);
        n = 0;
        for (size_t i = 0; i < doc->nlog; i++)
            if (doc->log[i].seq > doc->base_seq && doc->log[i].seq <= r->seq)
                edits[n++] = doc->log[i];
    }
    pthread_mutex_unlock(&doc->mu);

    Result *res = parse_request(doc, r, edits, n);
    free(edits);
    free_request(r);

    pthread_mutex_lock(&doc->mu);
    if (res) {
        free_result(doc->done);
        doc->done = res;
    }
    return res != NULL;
}

static struct timespec ts_after(struct timespec t, long ms)
{
    t.tv_sec += ms / 1000;
    t.tv_nsec += (ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static bool ts_before(struct timespec a, struct timespec b)
{
    return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

/* Freeing a tree touches every node it alone holds: for a big file that
 * is milliseconds, so the UI thread hands old trees to the parser thread. */
static void retire_tree(SyntaxDoc *doc, TSTree *tree)
{
    if (!tree)
        return;
    if (!doc->thread_started) {
        ts_tree_delete(tree);
        return;
    }
    pthread_mutex_lock(&doc->mu);
    if (doc->nretired == doc->capretired) {
        doc->capretired = doc->capretired ? 2 * doc->capretired : 4;
        doc->retired = xrealloc(doc->retired, doc->capretired * sizeof *doc->retired);
    }
    doc->retired[doc->nretired++] = tree;
    pthread_cond_broadcast(&doc->cv);
    pthread_mutex_unlock(&doc->mu);
}

static void *worker_main(void *arg)
{
    SyntaxDoc *doc = arg;
    pthread_mutex_lock(&doc->mu);
    while (!doc->stop) {
        if (doc->nretired) {
            TSTree **trees = doc->retired;
            size_t n = doc->nretired;
            doc->retired = NULL;
            doc->nretired = doc->capretired = 0;
            pthread_mutex_unlock(&doc->mu);
            for (size_t i = 0; i < n; i++)
                ts_tree_delete(trees[i]);
            free(trees);
            pthread_mutex_lock(&doc->mu);
            continue;
        }
        if (!doc->pending) {
            pthread_cond_wait(&doc->cv, &doc->mu);
            continue;
        }
        /* Start a moment after the text changed: the UI thread is drawing
         * the keystroke right now, and on a machine with few cores a
         * parse started at once would delay that.  Counted from the first
         * request not yet started, so that fast typing cannot starve it. */
        struct timespec now, start = ts_after(doc->pending_since, SYNTAX_DEBOUNCE_MS);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (ts_before(now, start)) {
            pthread_cond_timedwait(&doc->cv, &doc->mu, &start);
            continue;
        }
        bool got = work_one(doc);
        if (got && doc->host.wake && !doc->stop) {
            pthread_mutex_unlock(&doc->mu);
            doc->host.wake(doc->host.ctx);
            pthread_mutex_lock(&doc->mu);
        }
        doc->working = false;
        pthread_cond_broadcast(&doc->cv);
    }
    pthread_mutex_unlock(&doc->mu);
    return NULL;
}

/* ------------------------------------------------------------ ticking */

/* Adopt a finished parse: bring it up to date with the edits made since
 * its snapshot was taken. */
static bool pick_up(SyntaxDoc *doc)
{
    pthread_mutex_lock(&doc->mu);
    Result *res = doc->done;
    doc->done = NULL;
    if (!res) {
        pthread_mutex_unlock(&doc->mu);
        return false;
    }
    bool stale = false;
    for (size_t i = 0; i < doc->nlog; i++) {
        if (doc->log[i].seq <= res->seq)
            continue;
        if (doc->log[i].reset) {
            stale = true;
            break;
        }
        ts_tree_edit(res->tree, &doc->log[i].edit);
        window_edit(&res->win, &doc->log[i].edit);
    }
    /* The parser's base is at least this far on: older edits are done. */
    size_t k = 0;
    for (size_t i = 0; i < doc->nlog; i++)
        if (doc->log[i].seq > res->seq)
            doc->log[k++] = doc->log[i];
    doc->nlog = k;
    pthread_mutex_unlock(&doc->mu);
    if (stale) {
        retire_tree(doc, res->tree);
        free(res);
        return false;
    }
    retire_tree(doc, doc->tree);
    doc->tree = res->tree;
    doc->tree_seq = doc->seq;
    doc->win = res->win;
    res->tree = NULL;
    free_result(res);
    return true;
}

static bool view_needs_window(const SyntaxDoc *doc, const SyntaxView *v)
{
    uint32_t len = doc->host.length ? doc->host.length(doc->host.ctx) : 0;
    if (len <= doc->opt.window_threshold)
        return false;
    if (doc->tree && window_serves(doc, &doc->win, v, len))
        return false;
    /* The window asked for last is chosen around its view with a margin:
     * it will serve any view near that one. */
    if (doc->requested && doc->req_windowed) {
        uint32_t slack = doc->opt.window_margin / 2;
        const SyntaxView *q = &doc->req_view;
        if (v->start_byte + slack >= q->start_byte && v->end_byte <= q->end_byte + slack)
            return false;
    }
    return true;
}

static void submit(SyntaxDoc *doc, const SyntaxView *view)
{
    SyntaxSource src;
    if (!doc->host.snapshot || !doc->host.snapshot(doc->host.ctx, &src))
        return;
    Request *r = xcalloc(1, sizeof *r);
    r->src = src;
    r->seq = doc->seq;
    if (view)
        r->view = *view;
    doc->requested = true;
    doc->requested_seq = doc->seq;
    doc->req_view = r->view;
    doc->req_windowed = src.len > doc->opt.window_threshold;
    pthread_mutex_lock(&doc->mu);
    if (!doc->pending)
        clock_gettime(CLOCK_MONOTONIC, &doc->pending_since);
    free_request(doc->pending); /* never started: the newer text replaces it */
    doc->pending = r;
    if (doc->opt.synchronous) {
        work_one(doc);
        doc->working = false;
    } else {
        if (!doc->thread_started) {
            if (pthread_create(&doc->thread, NULL, worker_main, doc) == 0) {
                doc->thread_started = true;
            } else {
                /* No thread: parse here rather than not at all. */
                work_one(doc);
                doc->working = false;
            }
        }
        pthread_cond_broadcast(&doc->cv);
    }
    pthread_mutex_unlock(&doc->mu);
}

bool syntax_tick(SyntaxDoc *doc, const SyntaxView *view)
{
    if (doc->kind != SYNTAX_TREE_SITTER) {
        bool c = doc->changed;
        doc->changed = false;
        return c;
    }
    bool changed = pick_up(doc) || doc->changed;
    doc->changed = false;
    static const SyntaxView top = {0, 0, {0, 0}};
    const SyntaxView *v = view ? view : (doc->requested ? &doc->req_view : &top);
    if (!doc->requested || doc->seq != doc->requested_seq || view_needs_window(doc, v))
        submit(doc, v);
    if (doc->opt.synchronous && pick_up(doc))
        changed = true;
    return changed;
}

bool syntax_busy(const SyntaxDoc *doc)
{
    SyntaxDoc *d = (SyntaxDoc *)doc;
    pthread_mutex_lock(&d->mu);
    bool busy = d->pending || d->working;
    pthread_mutex_unlock(&d->mu);
    return busy;
}

bool syntax_wait(SyntaxDoc *doc, int timeout_ms)
{
    if (doc->kind != SYNTAX_TREE_SITTER)
        return true;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    struct timespec until = ts_after(now, timeout_ms);
    bool ok = true;
    pthread_mutex_lock(&doc->mu);
    while ((doc->pending || doc->working) && ok)
        ok = pthread_cond_timedwait(&doc->cv, &doc->mu, &until) != ETIMEDOUT;
    pthread_mutex_unlock(&doc->mu);
    return ok;
}

/* Apply to the tree the edits made since it was last brought up to date. */
static void catch_up(SyntaxDoc *doc)
{
    if (!doc->tree || doc->tree_seq == doc->seq)
        return;
    pthread_mutex_lock(&doc->mu);
    for (size_t i = 0; i < doc->nlog; i++)
        if (doc->log[i].seq > doc->tree_seq && !doc->log[i].reset)
            ts_tree_edit(doc->tree, &doc->log[i].edit);
    pthread_mutex_unlock(&doc->mu);
    doc->tree_seq = doc->seq;
}

/* ------------------------------------------------------------ highlighting */

typedef struct Capture {
    uint32_t start, end;
    uint32_t order;
    SyntaxHl hl;
} Capture;

static int cmp_capture(const void *pa, const void *pb)
{
    const Capture *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end > b->end ? -1 : 1; /* outer first: inner ones paint over */
    return a->order < b->order ? -1 : a->order > b->order;
}

static uint32_t predicate_text(void *ctx, uint32_t start, uint32_t end, char *buf, uint32_t cap)
{
    SyntaxDoc *doc = ctx;
    uint32_t len = doc->host.length ? doc->host.length(doc->host.ctx) : UINT32_MAX;
    if (end > len)
        end = len;
    if (start >= end)
        return 0;
    if (end - start > cap)
        end = start + cap;
    return copy_text(doc->host.read, doc->host.ctx, start, end, buf);
}

/* Turn a per-byte paint buffer into spans. */
static void paint_to_spans(const SyntaxHl *paint, uint32_t lo, uint32_t n, SyntaxSpans *out)
{
    uint32_t i = 0;
    while (i < n) {
        SyntaxHl h = paint[i];
        uint32_t j = i + 1;
        while (j < n && paint[j] == h)
            j++;
        if (h != SYNTAX_HL_NONE)
            spans_push(out, lo + i, lo + j, h);
        i = j;
    }
}

#define HIGHLIGHT_MAX (4u * 1024 * 1024)

typedef struct CaptureList {
    Capture *v;
    size_t n, cap;
    uint32_t order;
} CaptureList;

/* Root nodes with more children than this are queried child by child. */
#define ROOT_CHILDREN_SCAN 64

/* The captures of the query run on node, within [lo, hi). */
static void query_node(SyntaxDoc *doc, TSNode node, uint32_t lo, uint32_t hi, CaptureList *cl)
{
    ts_query_cursor_set_byte_range(doc->qc, lo, hi);
    ts_query_cursor_exec(doc->qc, doc->g->query, node);
    TSQueryMatch m;
    uint32_t ci;
    while (ts_query_cursor_next_capture(doc->qc, &m, &ci)) {
        if (!grammar_match_ok(doc->g, &m, predicate_text, doc)) {
            ts_query_cursor_remove_match(doc->qc, m.id);
            continue;
        }
        const TSQueryCapture *c = &m.captures[ci];
        SyntaxHl hl = doc->map[c->index];
        if (hl == SYNTAX_HL_NONE)
            continue;
        uint32_t s = ts_node_start_byte(c->node), e = ts_node_end_byte(c->node);
        if (e <= lo || s >= hi || e <= s)
            continue;
        if (cl->n == cl->cap) {
            cl->cap = cl->cap ? 2 * cl->cap : 256;
            cl->v = xreallocarray(cl->v, cl->cap, sizeof *cl->v);
        }
        /* Among captures of the same node, the later pattern wins (the
         * rule the grammars' 0.23 queries are written for); the cursor
         * returns them in pattern order, so emission order decides. */
        cl->v[cl->n++] = (Capture){s, e, cl->order++, hl};
    }
}

static void ts_highlight(SyntaxDoc *doc, uint32_t lo, uint32_t hi, SyntaxSpans *out)
{
    if (!doc->tree)
        return;
    catch_up(doc);
    if (doc->win.on) {
        if (!doc->win.valid)
            return;
        if (lo < doc->win.start_byte)
            lo = doc->win.start_byte;
        if (!doc->win.to_eof && hi > doc->win.end_byte)
            hi = doc->win.end_byte;
        if (hi <= lo)
            return;
    }
    CaptureList cl = {0};
    TSNode root = ts_tree_root_node(doc->tree);
    if (ts_node_child_count(root) < ROOT_CHILDREN_SCAN) {
        query_node(doc, root, lo, hi, &cl);
    } else {
        /* libtree-sitter 0.20's query cursor steps over every top-level
         * node before the range: with thousands (a big file's window) that
         * costs more than the rest of the query.  So the query runs on
         * each top-level node in the range instead, found with a tree
         * cursor.  Only patterns that match the root itself are lost, and
         * in a window the root is not the file's anyway. */
        TSTreeCursor tc = ts_tree_cursor_new(root);
        if (ts_tree_cursor_goto_first_child_for_byte(&tc, lo) >= 0) {
            do {
                TSNode n = ts_tree_cursor_current_node(&tc);
                if (ts_node_start_byte(n) >= hi)
                    break;
                query_node(doc, n, lo, hi, &cl);
            } while (ts_tree_cursor_goto_next_sibling(&tc));
        }
        ts_tree_cursor_delete(&tc);
    }
    Capture *caps = cl.v;
    size_t ncaps = cl.n;
    if (ncaps == 0) {
        free(caps);
        return;
    }
    qsort(caps, ncaps, sizeof *caps, cmp_capture);
    uint32_t n = hi - lo;
    SyntaxHl *paint = xcalloc(n, sizeof *paint);
    for (size_t i = 0; i < ncaps; i++) {
        uint32_t s = caps[i].start > lo ? caps[i].start - lo : 0;
        uint32_t e = caps[i].end < hi ? caps[i].end - lo : n;
        for (uint32_t k = s; k < e; k++)
            paint[k] = caps[i].hl;
    }
    paint_to_spans(paint, lo, n, out);
    free(paint);
    free(caps);
}

typedef struct FortranCtx {
    SyntaxHl hl[FTOK_COUNT];
    SyntaxHl *paint;
    uint32_t lo, hi;  /* the range asked for */
    uint32_t line_at; /* where the current line starts */
} FortranCtx;

static void fortran_emit(void *ctx, const FortranToken *t)
{
    FortranCtx *fc = ctx;
    uint32_t s = fc->line_at + t->start, e = fc->line_at + t->end;
    if (s < fc->lo)
        s = fc->lo;
    if (e > fc->hi)
        e = fc->hi;
    for (uint32_t k = s; k < e; k++)
        fc->paint[k - fc->lo] = fc->hl[t->kind];
}

static void fortran_highlight(SyntaxDoc *doc, uint32_t lo, uint32_t hi, SyntaxSpans *out)
{
    /* Start a few lines back, at a line start, so that fixed form's
     * columns and a character constant continued from above come out
     * right. */
    enum { BACK = 8192, BACK_LINES = 10 };
    uint32_t from = lo > BACK ? lo - BACK : 0;
    uint32_t total = hi - from;
    char *buf = xmalloc((size_t)total + 1);
    total = copy_text(doc->host.read, doc->host.ctx, from, hi, buf);
    if (total < lo - from) {
        free(buf);
        return;
    }
    uint32_t rel = lo - from, start = rel, i;
    bool found = false;
    unsigned lines = 0;
    for (i = rel; i > 0; i--)
        if (buf[i - 1] == '\n') {
            start = i;
            found = true;
            if (++lines > BACK_LINES)
                break;
        }
    if (i == 0 && from == 0) {
        start = 0; /* the text's start is a line's start */
        found = true;
    }
    if (!found)
        start = rel; /* an enormous line: lex from where the view starts */
    FortranCtx fc = {.lo = lo, .hi = from + total};
    for (unsigned k = 0; k < FTOK_COUNT; k++)
        fc.hl[k] = syntax_hl_intern(fortran_token_capture((FortranTokenKind)k));
    fc.paint = xcalloc(fc.hi > lo ? fc.hi - lo : 1, sizeof *fc.paint);
    FortranState st = {0};
    i = start;
    while (i < total) {
        uint32_t e = i;
        while (e < total && buf[e] != '\n')
            e++;
        fc.line_at = from + i;
        fortran_lex_line(doc->form, buf + i, e - i, &st, fortran_emit, &fc);
        i = e + 1;
    }
    if (fc.hi > lo)
        paint_to_spans(fc.paint, lo, fc.hi - lo, out);
    free(fc.paint);
    free(buf);
}

void syntax_highlight(SyntaxDoc *doc, uint32_t start, uint32_t end, SyntaxSpans *out)
{
    uint32_t len = doc->host.length ? doc->host.length(doc->host.ctx) : 0;
    if (end > len)
        end = len;
    if (end <= start)
        return;
    if (end - start > HIGHLIGHT_MAX)
        end = start + HIGHLIGHT_MAX;
    if (doc->kind == SYNTAX_TREE_SITTER)
        ts_highlight(doc, start, end, out);
    else if (doc->kind == SYNTAX_FORTRAN)
        fortran_highlight(doc, start, end, out);
}

/* ------------------------------------------------------------ errors */

static bool is_error_node(TSNode n)
{
    return ts_node_symbol(n) == (TSSymbol)-1 || strcmp(ts_node_type(n), "ERROR") == 0;
}

/* Errors within this many bytes of a window's cut are the cut's doing. */
#define WINDOW_EDGE 2048

static bool error_credible(const SyntaxDoc *doc, uint32_t s, uint32_t e)
{
    const Window *w = &doc->win;
    if (!w->on)
        return true;
    if (!w->from_bof && s < w->start_byte + WINDOW_EDGE)
        return false;
    if (!w->to_eof && e + WINDOW_EDGE > w->end_byte)
        return false;
    return true;
}

/* The range to mark for an error node. */
static void error_range(SyntaxDoc *doc, TSNode n, uint32_t *s, uint32_t *e)
{
    *s = ts_node_start_byte(n);
    *e = ts_node_end_byte(n);
    if (ts_node_is_missing(n) || *e == *s) {
        /* Zero width: mark the character before (where the token should
         * have followed), or the one at the place at the very start. */
        if (*s > 0) {
            char c[1];
            *s -= 1;
            /* Not the newline: step back over it onto the line's last
             * character, where the eye looks for a missing ; or ). */
            if (copy_text(doc->host.read, doc->host.ctx, *s, *s + 1, c) == 1 && c[0] == '\n' && *s > 0) {
                char d[1];
                if (copy_text(doc->host.read, doc->host.ctx, *s - 1, *s, d) == 1 && d[0] != '\n')
                    *s -= 1;
            }
        }
        *e = *s + 1;
        uint32_t len = doc->host.length ? doc->host.length(doc->host.ctx) : *e;
        if (*e > len && *s > 0) {
            *s -= 1;
            *e -= 1;
        }
        return;
    }
    /* An unexpected stretch is marked on its first line only. */
    enum { SCAN = 4096 };
    uint32_t lim = *e - *s > SCAN ? *s + SCAN : *e;
    char buf[SCAN];
    uint32_t got = copy_text(doc->host.read, doc->host.ctx, *s, lim, buf);
    for (uint32_t i = 0; i < got; i++)
        if (buf[i] == '\n') {
            *e = *s + (i > 0 ? i : 1);
            return;
        }
    *e = *s + (got ? got : 1);
}

typedef void (*ErrorFn)(SyntaxDoc *doc, TSNode n, uint32_t s, uint32_t e, void *ctx);

/* Children are visited with a tree cursor from the first one that
 * reaches the range: ts_node_child(n, i) walks from the first child each
 * time, which is quadratic in a file's thousands of top-level nodes. */
static void walk_errors(SyntaxDoc *doc, TSNode node, uint32_t lo, uint32_t hi, ErrorFn fn, void *ctx,
                        int depth)
{
    if (depth > 512)
        return;
    TSTreeCursor cur = ts_tree_cursor_new(node);
    /* A missing token is zero bytes wide: start just before lo. */
    if (ts_tree_cursor_goto_first_child_for_byte(&cur, lo > 0 ? lo - 1 : 0) >= 0) {
        do {
            TSNode c = ts_tree_cursor_current_node(&cur);
            uint32_t s = ts_node_start_byte(c), e = ts_node_end_byte(c);
            if (e < lo)
                continue;
            if (s > hi)
                break;
            if (ts_node_is_missing(c) || is_error_node(c)) {
                uint32_t rs, re;
                error_range(doc, c, &rs, &re);
                if (re > lo && rs < hi && error_credible(doc, s, e))
                    fn(doc, c, rs, re, ctx);
                continue;
            }
            if (ts_node_has_error(c))
                walk_errors(doc, c, lo, hi, fn, ctx, depth + 1);
        } while (ts_tree_cursor_goto_next_sibling(&cur));
    }
    ts_tree_cursor_delete(&cur);
}

static void collect_error(SyntaxDoc *doc, TSNode n, uint32_t s, uint32_t e, void *ctx)
{
    (void)n;
    spans_push(ctx, s, e, doc->error_hl);
}

void syntax_errors(SyntaxDoc *doc, uint32_t start, uint32_t end, SyntaxSpans *out)
{
    if (doc->kind != SYNTAX_TREE_SITTER || !doc->tree)
        return;
    if (doc->win.on && !doc->win.valid)
        return;
    catch_up(doc);
    TSNode root = ts_tree_root_node(doc->tree);
    if (!ts_node_has_error(root))
        return;
    if (is_error_node(root)) {
        uint32_t s, e;
        error_range(doc, root, &s, &e);
        if (e > start && s < end && error_credible(doc, ts_node_start_byte(root), ts_node_end_byte(root)))
            spans_push(out, s, e, doc->error_hl);
        return;
    }
    walk_errors(doc, root, start, end, collect_error, out, 0);
}

typedef struct ErrorAt {
    uint32_t byte;
    bool found;
    TSNode node;
} ErrorAt;

static void find_error(SyntaxDoc *doc, TSNode n, uint32_t s, uint32_t e, void *ctx)
{
    (void)doc;
    ErrorAt *ea = ctx;
    if (!ea->found && ea->byte >= s && ea->byte < e) {
        ea->found = true;
        ea->node = n;
    }
}

/* "function definition" from "function_definition". */
static void node_words(const char *type, char *out, size_t n)
{
    snprintf(out, n, "%s", type);
    for (char *p = out; *p; p++)
        if (*p == '_')
            *p = ' ';
}

/* The first token of an error node, quoted and shortened. */
static void error_token(SyntaxDoc *doc, TSNode n, char *out, size_t cap)
{
    TSNode leaf = n;
    while (ts_node_child_count(leaf) > 0)
        leaf = ts_node_child(leaf, 0);
    uint32_t s = ts_node_start_byte(leaf), e = ts_node_end_byte(leaf);
    if (e <= s) {
        s = ts_node_start_byte(n);
        e = ts_node_end_byte(n);
    }
    char buf[41];
    uint32_t want = e - s > 40 ? 40 : e - s;
    uint32_t got = copy_text(doc->host.read, doc->host.ctx, s, s + want, buf);
    uint32_t k = 0;
    while (k < got && buf[k] != '\n' && buf[k] != '\r')
        k++;
    buf[k] = '\0';
    snprintf(out, cap, "%s%s", buf, (k < e - s) ? "..." : "");
}

bool syntax_error_at(SyntaxDoc *doc, uint32_t byte, char *msg, size_t n)
{
    if (doc->kind != SYNTAX_TREE_SITTER || !doc->tree)
        return false;
    if (doc->win.on && !doc->win.valid)
        return false;
    catch_up(doc);
    TSNode root = ts_tree_root_node(doc->tree);
    if (!ts_node_has_error(root))
        return false;
    ErrorAt ea = {byte, false, root};
    if (is_error_node(root)) {
        uint32_t s, e;
        error_range(doc, root, &s, &e);
        find_error(doc, root, s, e, &ea);
    } else {
        walk_errors(doc, root, byte > 0 ? byte - 1 : 0, byte + 2, find_error, &ea, 0);
    }
    if (!ea.found)
        return false;
    if (ts_node_is_missing(ea.node)) {
        const char *type = ts_node_type(ea.node);
        if (ts_node_is_named(ea.node)) {
            char words[64];
            node_words(type, words, sizeof words);
            snprintf(msg, n, "syntax error: missing %s", words);
        } else {
            snprintf(msg, n, "syntax error: missing \"%s\"", type);
        }
        return true;
    }
    char tok[64];
    error_token(doc, ea.node, tok, sizeof tok);
    TSNode parent = ts_node_parent(ea.node);
    if (!ts_node_is_null(parent) && !ts_node_is_null(ts_node_parent(parent))) {
        char words[64];
        node_words(ts_node_type(parent), words, sizeof words);
        snprintf(msg, n, "syntax error: unexpected \"%s\" in %s", tok, words);
    } else {
        snprintf(msg, n, "syntax error: unexpected \"%s\"", tok);
    }
    return true;
}

char *syntax_debug_tree(SyntaxDoc *doc)
{
    if (!doc->tree)
        return NULL;
    catch_up(doc);
    return ts_node_string(ts_tree_root_node(doc->tree));
}
