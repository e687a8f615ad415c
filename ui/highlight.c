#include "highlight.h"

#include <stdlib.h>
#include <string.h>

#include "colors.h"
#include "syntax.h"
#include "xalloc.h"

/* The rows on screen span more than this many bytes only when lines are
 * very long: then the pieces of them that are drawn are the view. */
#define HUGE_VIEW (1024 * 1024)

typedef struct Hl {
    Document *doc;
    SyntaxDoc *syn;
    int listen;
    void (*wake)(void *);
    void *wake_ud;
    /* Spans and errors of the rows prepared for this frame.  Kept while
     * the tree stays the same and moved along by edits: the frame that
     * shows a keystroke needs no query (the parse that follows brings a
     * new tree, and a fresh query with it). */
    SyntaxSpans spans, errs;
    size_t lo, hi;
    bool prepared;
    bool cached;
    /* Whether the view was given to the parser this frame: with very long
     * lines it is the first piece of a line style() is asked for. */
    bool ticked_this_frame;
    char hint[256];
} Hl;

static const char *snap_read(void *p, uint32_t at, uint32_t *n)
{
    size_t len;
    const char *c = snapshot_chunk(p, at, &len);
    *n = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    return c;
}

static void snap_release(void *p)
{
    snapshot_unref(p);
}

static bool host_snapshot(void *ctx, SyntaxSource *out)
{
    Hl *h = ctx;
    BufferSnapshot *s = buffer_snapshot(h->doc->buf);
    *out = (SyntaxSource){s, (uint32_t)snapshot_length(s), snap_read, snap_release};
    return true;
}

static const char *host_read(void *ctx, uint32_t at, uint32_t *n)
{
    Hl *h = ctx;
    size_t len;
    const char *c = buffer_chunk(h->doc->buf, at, &len);
    *n = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    return c;
}

static uint32_t host_length(void *ctx)
{
    Hl *h = ctx;
    return (uint32_t)buffer_length(h->doc->buf);
}

/* The parser thread finished: have the screen drawn again. */
static void host_wake(void *ctx)
{
    Hl *h = ctx;
    if (h->wake)
        h->wake(h->wake_ud);
}

static SyntaxPoint point_of(BufPoint p)
{
    return (SyntaxPoint){p.row, p.column};
}

/* Where an offset is after an edit: text after it moves, text it
 * removed collapses to where it was. */
static size_t moved(size_t p, const BufferEdit *e)
{
    if (p >= e->old_end_byte)
        return p - e->old_end_byte + e->new_end_byte;
    return p > e->start_byte ? e->start_byte : p;
}

static void move_spans(SyntaxSpans *s, const BufferEdit *e)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        SyntaxSpan sp = s->v[i];
        sp.start = (uint32_t)moved(sp.start, e);
        sp.end = (uint32_t)moved(sp.end, e);
        if (sp.end > sp.start)
            s->v[k++] = sp;
    }
    s->n = k;
}

static void on_edit(void *ud, Buffer *b, const BufferEdit *e)
{
    (void)b;
    Hl *h = ud;
    SyntaxEdit se = {(uint32_t)e->start_byte, (uint32_t)e->old_end_byte, (uint32_t)e->new_end_byte,
                     point_of(e->start_point), point_of(e->old_end_point), point_of(e->new_end_point)};
    syntax_edit(h->syn, &se);
    if (h->cached) {
        move_spans(&h->spans, e);
        move_spans(&h->errs, e);
        h->lo = moved(h->lo, e);
        h->hi = moved(h->hi, e);
    }
}

static void *hl_attach(Document *doc, void (*wake)(void *), void *wake_ud)
{
    Hl *h = xcalloc(1, sizeof *h);
    h->doc = doc;
    h->wake = wake;
    h->wake_ud = wake_ud;
    SyntaxHost host = {h, host_snapshot, host_read, host_length, host_wake};
    h->syn = syntax_new(doc->lang, doc->path, &host, NULL);
    if (syntax_kind(h->syn) == SYNTAX_PLAIN) {
        syntax_free(h->syn);
        free(h);
        return NULL;
    }
    h->listen = buffer_listen(doc->buf, on_edit, h);
    return h;
}

static void hl_detach(void *state)
{
    Hl *h = state;
    if (!h)
        return;
    buffer_unlisten(h->doc->buf, h->listen);
    syntax_free(h->syn);
    syntax_spans_free(&h->spans);
    syntax_spans_free(&h->errs);
    free(h);
}

static SyntaxView view_of(const Hl *h, size_t lo, size_t hi)
{
    return (SyntaxView){(uint32_t)lo, (uint32_t)hi, point_of(buffer_point(h->doc->buf, lo))};
}

/* The bytes of the rows [first_line, last_line], their line breaks
 * included. */
static void view_bytes(const Hl *h, size_t first_line, size_t last_line, size_t *lo, size_t *hi)
{
    const Buffer *b = h->doc->buf;
    size_t len = buffer_length(b);
    *lo = buffer_line_start(b, first_line);
    *hi = buffer_line_end(b, last_line);
    *hi = *hi < len ? *hi + 1 : len;
}

static void hl_prepare(void *state, size_t first_line, size_t last_line)
{
    Hl *h = state;
    size_t lo, hi;
    view_bytes(h, first_line, last_line, &lo, &hi);
    h->prepared = hi - lo <= HUGE_VIEW;
    h->ticked_this_frame = h->prepared;
    if (!h->prepared) {
        h->cached = false;
        return;
    }
    SyntaxView v = view_of(h, lo, hi);
    bool new_tree = syntax_tick(h->syn, &v);
    if (!new_tree && h->cached && lo == h->lo && hi == h->hi)
        return;
    h->spans.n = h->errs.n = 0;
    syntax_highlight(h->syn, (uint32_t)lo, (uint32_t)hi, &h->spans);
    syntax_errors(h->syn, (uint32_t)lo, (uint32_t)hi, &h->errs);
    h->lo = lo;
    h->hi = hi;
    h->cached = true;
}

static bool hl_ready(void *state, size_t first_line, size_t last_line)
{
    Hl *h = state;
    size_t lo, hi;
    view_bytes(h, first_line, last_line, &lo, &hi);
    return h->prepared && h->cached && lo == h->lo && hi == h->hi;
}

/* The first span that ends after at. */
static size_t first_span(const SyntaxSpans *s, size_t at)
{
    size_t a = 0, b = s->n;
    while (a < b) {
        size_t m = (a + b) / 2;
        if (s->v[m].end <= at)
            a = m + 1;
        else
            b = m;
    }
    return a;
}

static SyntaxHl hl_at(const SyntaxSpans *s, size_t at)
{
    size_t i = first_span(s, at);
    return i < s->n && s->v[i].start <= at ? s->v[i].hl : SYNTAX_HL_NONE;
}

static void hl_style(void *state, size_t start, size_t end, UiStyle *out)
{
    Hl *h = state;
    SyntaxSpans local = {0}, local_errs = {0};
    const SyntaxSpans *spans = &h->spans, *errs = &h->errs;
    if (!h->prepared || start < h->lo || end > h->hi) {
        /* Very long lines: this piece of the line is the view. */
        if (!h->ticked_this_frame) {
            SyntaxView v = view_of(h, start, end);
            syntax_tick(h->syn, &v);
            h->ticked_this_frame = true;
        }
        syntax_highlight(h->syn, (uint32_t)start, (uint32_t)end, &local);
        syntax_errors(h->syn, (uint32_t)start, (uint32_t)end, &local_errs);
        spans = &local;
        errs = &local_errs;
    }
    for (size_t i = first_span(spans, start); i < spans->n && spans->v[i].start < end; i++) {
        UiStyle st = colors_hl(spans->v[i].hl);
        size_t s = spans->v[i].start > start ? spans->v[i].start : start;
        size_t e = spans->v[i].end < end ? spans->v[i].end : end;
        for (size_t k = s; k < e; k++)
            out[k - start] = st;
    }
    for (size_t i = first_span(errs, start); i < errs->n && errs->v[i].start < end; i++) {
        size_t s = errs->v[i].start > start ? errs->v[i].start : start;
        size_t e = errs->v[i].end < end ? errs->v[i].end : end;
        for (size_t k = s; k < e; k++)
            out[k - start] = colors_hl_error(hl_at(spans, k));
    }
    syntax_spans_free(&local);
    syntax_spans_free(&local_errs);
}

static const char *hl_hint(void *state, size_t offset)
{
    Hl *h = state;
    /* The cursor on the error, or just after it (where one stops typing). */
    if (syntax_error_at(h->syn, (uint32_t)offset, h->hint, sizeof h->hint))
        return h->hint;
    if (offset > 0 && syntax_error_at(h->syn, (uint32_t)offset - 1, h->hint, sizeof h->hint))
        return h->hint;
    return NULL;
}

const EditorHooks highlight_hooks = {
    .attach = hl_attach,
    .detach = hl_detach,
    .prepare = hl_prepare,
    .ready = hl_ready,
    .style = hl_style,
    .hint = hl_hint,
};
