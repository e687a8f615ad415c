/* A text the syntax tests edit, with the SyntaxHost a SyntaxDoc follows it
 * through: snapshots are copies, as a real buffer's are immutable. */
#ifndef TIDE_TEST_SYNTAX_TEXT_H
#define TIDE_TEST_SYNTAX_TEXT_H

#include <stdlib.h>
#include <string.h>

#include "syntax.h"
#include "xalloc.h"

typedef struct TestText {
    char *s;
    uint32_t n;
    /* Read in chunks of at most this many bytes (0: all at once), so that
     * reads across chunk boundaries get tested. */
    uint32_t chunk;
} TestText;

typedef struct TestSnap {
    char *s;
    uint32_t n, chunk;
} TestSnap;

static inline const char *tt_read_snap(void *p, uint32_t at, uint32_t *n)
{
    TestSnap *t = p;
    *n = t->n - at;
    if (t->chunk && *n > t->chunk - at % t->chunk)
        *n = t->chunk - at % t->chunk;
    return t->s + at;
}

static inline void tt_release(void *p)
{
    TestSnap *t = p;
    free(t->s);
    free(t);
}

static inline bool tt_snapshot(void *ctx, SyntaxSource *out)
{
    TestText *t = ctx;
    TestSnap *s = xmalloc(sizeof *s);
    s->s = xmalloc(t->n + 1);
    memcpy(s->s, t->s, t->n);
    s->n = t->n;
    s->chunk = t->chunk;
    *out = (SyntaxSource){s, s->n, tt_read_snap, tt_release};
    return true;
}

static inline const char *tt_read(void *ctx, uint32_t at, uint32_t *n)
{
    TestText *t = ctx;
    *n = at < t->n ? t->n - at : 0;
    if (t->chunk && *n > t->chunk - at % t->chunk)
        *n = t->chunk - at % t->chunk;
    return t->s + at;
}

static inline uint32_t tt_length(void *ctx)
{
    return ((TestText *)ctx)->n;
}

static inline TestText *tt_new(const char *s)
{
    TestText *t = xcalloc(1, sizeof *t);
    t->n = (uint32_t)strlen(s);
    t->s = xmalloc(t->n + 1);
    memcpy(t->s, s, t->n + 1);
    return t;
}

static inline void tt_free(TestText *t)
{
    free(t->s);
    free(t);
}

static inline SyntaxHost tt_host(TestText *t)
{
    return (SyntaxHost){t, tt_snapshot, tt_read, tt_length, NULL};
}

static inline SyntaxPoint tt_point(const char *s, uint32_t at)
{
    SyntaxPoint p = {0, 0};
    for (uint32_t i = 0; i < at; i++) {
        if (s[i] == '\n') {
            p.row++;
            p.col = 0;
        } else {
            p.col++;
        }
    }
    return p;
}

/* Replace del bytes at `at` with ins, and tell doc (if not NULL). */
static inline void tt_edit(TestText *t, SyntaxDoc *doc, uint32_t at, uint32_t del, const char *ins)
{
    uint32_t ni = (uint32_t)strlen(ins);
    SyntaxEdit e;
    e.start_byte = at;
    e.old_end_byte = at + del;
    e.new_end_byte = at + ni;
    e.start = tt_point(t->s, at);
    e.old_end = tt_point(t->s, at + del);
    char *s = xmalloc(t->n - del + ni + 1);
    memcpy(s, t->s, at);
    memcpy(s + at, ins, ni);
    memcpy(s + at + ni, t->s + at + del, t->n - at - del + 1);
    free(t->s);
    t->s = s;
    t->n = t->n - del + ni;
    e.new_end = tt_point(t->s, at + ni);
    if (doc)
        syntax_edit(doc, &e);
}

static inline SyntaxDoc *tt_doc(TestText *t, const char *path, bool sync)
{
    SyntaxHost h = tt_host(t);
    SyntaxOptions o = {.synchronous = sync};
    return syntax_new(lang_by_path(path), path, &h, &o);
}

/* The capture name at byte `at` of a highlighted range ("" if plain). */
static inline const char *tt_hl_at(const SyntaxSpans *sp, uint32_t at)
{
    for (size_t i = 0; i < sp->n; i++)
        if (sp->v[i].start <= at && at < sp->v[i].end)
            return syntax_hl_name(sp->v[i].hl);
    return "";
}

#endif
