/* libFuzzer target: random bytes and random edit sequences through the
 * syntax module, for every grammar and both Fortran forms.  Built by
 * `make fuzz` with clang -fsanitize=fuzzer,address,undefined; a crash, a
 * sanitizer report or a leak is a failure.
 *
 * Input: byte 0 picks the language, byte 1 the options (bit 0: parse by
 * window, bits 1-3: chunk size of reads, bit 4: reparse after every edit),
 * byte 2 how much of the rest is the initial text; what follows the text
 * is a list of edits, 4 bytes each (position hi, lo, bytes to delete,
 * bytes to insert, which follow). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "syntax.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Text {
    char *s;
    uint32_t n;
    uint32_t chunk;
} Text;

static const char *read_text(void *ctx, uint32_t at, uint32_t *n)
{
    Text *t = ctx;
    *n = at < t->n ? t->n - at : 0;
    if (t->chunk && *n > t->chunk)
        *n = t->chunk;
    return t->s + at;
}

static void release_copy(void *p)
{
    Text *t = p;
    free(t->s);
    free(t);
}

static bool snapshot(void *ctx, SyntaxSource *out)
{
    Text *t = ctx, *c = xmalloc(sizeof *c);
    c->s = xmalloc(t->n + 1);
    memcpy(c->s, t->s, t->n);
    c->n = t->n;
    c->chunk = t->chunk;
    *out = (SyntaxSource){c, c->n, read_text, release_copy};
    return true;
}

static uint32_t length(void *ctx)
{
    return ((Text *)ctx)->n;
}

static SyntaxPoint point_at(const Text *t, uint32_t at)
{
    SyntaxPoint p = {0, 0};
    for (uint32_t i = 0; i < at; i++) {
        if (t->s[i] == '\n') {
            p.row++;
            p.col = 0;
        } else {
            p.col++;
        }
    }
    return p;
}

static void exercise(SyntaxDoc *doc, const Text *t)
{
    SyntaxSpans sp = {0};
    syntax_highlight(doc, 0, t->n, &sp);
    if (t->n > 2)
        syntax_highlight(doc, t->n / 3, t->n - t->n / 3, &sp);
    syntax_errors(doc, 0, t->n, &sp);
    char msg[256];
    for (size_t i = 0; i < sp.n && i < 8; i++)
        syntax_error_at(doc, sp.v[i].start, msg, sizeof msg);
    syntax_error_at(doc, t->n / 2, msg, sizeof msg);
    syntax_spans_free(&sp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"f.py", "f.js", "f.go", "f.c", "f.cpp", "F.java",
                                        "f.php", "f.rs", "f.f90", "f.f"};
    if (size < 3)
        return 0;
    const char *path = paths[data[0] % (sizeof paths / sizeof *paths)];
    uint8_t opts = data[1];
    size_t rest = size - 3;
    size_t tlen = rest * data[2] / 255;
    const uint8_t *ops = data + 3 + tlen, *end = data + size;

    Text t = {xmalloc(tlen + 1), (uint32_t)tlen, (opts >> 1 & 7) ? 1u << (opts >> 1 & 7) : 0};
    memcpy(t.s, data + 3, tlen);
    SyntaxHost host = {&t, snapshot, read_text, length, NULL};
    SyntaxOptions o = {.synchronous = true};
    if (opts & 1) {
        o.window_threshold = 64;
        o.window_margin = 32;
    }
    SyntaxDoc *doc = syntax_new(lang_by_path(path), path, &host, &o);
    SyntaxView view = {t.n / 2, t.n / 2 + 40 < t.n ? t.n / 2 + 40 : t.n, point_at(&t, t.n / 2)};
    syntax_tick(doc, &view);
    exercise(doc, &t);

    while (end - ops >= 4) {
        uint32_t at = ((uint32_t)ops[0] << 8 | ops[1]) % (t.n + 1);
        uint32_t del = ops[2] % 8, nins = ops[3] % 8;
        ops += 4;
        if (del > t.n - at)
            del = t.n - at;
        if (nins > (uint32_t)(end - ops))
            nins = (uint32_t)(end - ops);
        SyntaxEdit e = {.start_byte = at, .old_end_byte = at + del, .new_end_byte = at + nins};
        e.start = point_at(&t, at);
        e.old_end = point_at(&t, at + del);
        char *s = xmalloc(t.n - del + nins + 1);
        memcpy(s, t.s, at);
        memcpy(s + at, ops, nins);
        memcpy(s + at + nins, t.s + at + del, t.n - at - del);
        free(t.s);
        t.s = s;
        t.n = t.n - del + nins;
        ops += nins;
        e.new_end = point_at(&t, at + nins);
        syntax_edit(doc, &e);
        if (opts & 16) {
            view.start_byte = at;
            view.end_byte = at + 40 < t.n ? at + 40 : t.n;
            view.start = e.start;
            syntax_tick(doc, &view);
        }
        exercise(doc, &t);
    }
    syntax_tick(doc, &view);
    exercise(doc, &t);
    syntax_free(doc);
    free(t.s);
    return 0;
}
