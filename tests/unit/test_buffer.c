#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "xalloc.h"

static Buffer *from(const char *s)
{
    return buffer_new_with(xstrdup(s), strlen(s));
}

static char *text(const Buffer *b)
{
    return buffer_dup(b, 0, buffer_length(b), NULL);
}

#define assert_text(b, want)                                                                       \
    do {                                                                                           \
        char *t_ = text(b);                                                                        \
        cr_assert_str_eq(t_, want);                                                                \
        free(t_);                                                                                  \
    } while (0)

Test(buffer, lines_of_a_file)
{
    Buffer *b = from("one\ntwo\r\n\nfour");
    cr_assert_eq(buffer_length(b), 14);
    cr_assert_eq(buffer_line_count(b), 4);
    cr_assert_eq(buffer_line_start(b, 0), 0);
    cr_assert_eq(buffer_line_start(b, 1), 4);
    cr_assert_eq(buffer_line_start(b, 2), 9);
    cr_assert_eq(buffer_line_start(b, 3), 10);
    cr_assert_eq(buffer_line_start(b, 99), 10, "clamped to the last line");
    cr_assert_eq(buffer_line_end(b, 1), 8, "the \\r belongs to the line");
    cr_assert_eq(buffer_line_end(b, 3), 14);
    cr_assert_eq(buffer_line_of(b, 3), 0);
    cr_assert_eq(buffer_line_of(b, 4), 1);
    cr_assert_eq(buffer_line_of(b, 14), 3);
    BufPoint p = buffer_point(b, 12);
    cr_assert_eq(p.row, 3);
    cr_assert_eq(p.column, 2);
    cr_assert_eq(buffer_byte(b, 7), '\r');
    cr_assert_eq(buffer_byte(b, 14), -1);
    buffer_free(b);
}

Test(buffer, empty_text_has_one_line)
{
    Buffer *b = buffer_new();
    cr_assert_eq(buffer_length(b), 0);
    cr_assert_eq(buffer_line_count(b), 1);
    cr_assert_eq(buffer_line_end(b, 0), 0);
    cr_assert_not(buffer_modified(b));
    buffer_insert(b, 0, "x\n", 2);
    cr_assert_eq(buffer_line_count(b), 2);
    cr_assert(buffer_modified(b));
    buffer_free(b);
}

Test(buffer, binary_bytes_are_kept)
{
    char data[256];
    for (int i = 0; i < 256; i++)
        data[i] = (char)i;
    char *copy = xmalloc(256);
    memcpy(copy, data, 256);
    Buffer *b = buffer_new_with(copy, 256);
    buffer_insert(b, 100, "\xff\xfe", 2);
    buffer_delete(b, 100, 102);
    char out[256];
    cr_assert_eq(buffer_copy(b, 0, 256, out), 256);
    cr_assert_eq(memcmp(out, data, 256), 0);
    buffer_free(b);
}

Test(buffer, typing_is_one_undo_step_until_a_checkpoint)
{
    Buffer *b = from("ab");
    buffer_checkpoint(b, 1);
    buffer_insert(b, 1, "x", 1);
    buffer_insert(b, 2, "y", 1);
    buffer_insert(b, 3, "z", 1);
    assert_text(b, "axyzb");
    buffer_checkpoint(b, 4);
    buffer_insert(b, 4, " w", 2);
    size_t cur;
    cr_assert(buffer_undo(b, &cur));
    assert_text(b, "axyzb");
    cr_assert_eq(cur, 4);
    cr_assert(buffer_undo(b, &cur));
    assert_text(b, "ab");
    cr_assert_eq(cur, 1);
    cr_assert_not(buffer_modified(b));
    cr_assert_not(buffer_undo(b, &cur));
    cr_assert(buffer_redo(b, &cur));
    assert_text(b, "axyzb");
    cr_assert_eq(cur, 4);
    cr_assert(buffer_redo(b, &cur));
    assert_text(b, "axyz wb");
    cr_assert_not(buffer_redo(b, &cur));
    buffer_free(b);
}

Test(buffer, modified_follows_the_saved_state_through_undo)
{
    Buffer *b = from("hello");
    buffer_checkpoint(b, 0);
    buffer_insert(b, 5, "!", 1);
    buffer_mark_saved(b, buffer_state(b));
    cr_assert_not(buffer_modified(b));
    buffer_insert(b, 6, "!", 1); /* extends the same group */
    cr_assert(buffer_modified(b), "typing after a save changes the state");
    size_t cur;
    buffer_undo(b, &cur);
    assert_text(b, "hello");
    cr_assert(buffer_modified(b));
    buffer_redo(b, &cur);
    assert_text(b, "hello!!");
    cr_assert(buffer_modified(b));
    buffer_mark_saved(b, buffer_state(b));
    buffer_undo(b, &cur);
    buffer_checkpoint(b, 0);
    buffer_insert(b, 0, "x", 1); /* discards the saved branch */
    buffer_undo(b, &cur);
    cr_assert(buffer_modified(b));
    buffer_mark_unsaved(b);
    cr_assert(buffer_modified(b));
    buffer_free(b);
}

typedef struct Log {
    BufferEdit e[16];
    int n;
    char *model; /* the text, kept in step from the edits alone */
    size_t len;
} Log;

static void on_edit(void *ud, Buffer *b, const BufferEdit *e)
{
    Log *log = ud;
    if (log->n < 16)
        log->e[log->n++] = *e;
    /* Replaying the edit on the model must give the buffer's text. */
    size_t new_len = log->len - (e->old_end_byte - e->start_byte) + (e->new_end_byte - e->start_byte);
    char *m = xmalloc(new_len + 1);
    memcpy(m, log->model, e->start_byte);
    buffer_copy(b, e->start_byte, e->new_end_byte, m + e->start_byte);
    memcpy(m + e->new_end_byte, log->model + e->old_end_byte, log->len - e->old_end_byte);
    m[new_len] = '\0';
    free(log->model);
    log->model = m;
    log->len = new_len;
}

Test(buffer, edits_report_bytes_and_points)
{
    Buffer *b = from("ab\ncd\nef");
    Log log = {.model = text(b), .len = buffer_length(b)};
    int h = buffer_listen(b, on_edit, &log);
    buffer_replace(b, 1, 4, "X\nY\nZ", 5); /* "b\nc" -> "X\nY\nZ" */
    assert_text(b, "aX\nY\nZd\nef");
    cr_assert_eq(log.n, 1);
    BufferEdit e = log.e[0];
    cr_assert_eq(e.start_byte, 1);
    cr_assert_eq(e.old_end_byte, 4);
    cr_assert_eq(e.new_end_byte, 6);
    cr_assert_eq(e.start_point.row, 0);
    cr_assert_eq(e.start_point.column, 1);
    cr_assert_eq(e.old_end_point.row, 1);
    cr_assert_eq(e.old_end_point.column, 1);
    cr_assert_eq(e.new_end_point.row, 2);
    cr_assert_eq(e.new_end_point.column, 1);
    size_t cur;
    buffer_undo(b, &cur);
    cr_assert_eq(log.n, 2);
    e = log.e[1];
    cr_assert_eq(e.start_byte, 1);
    cr_assert_eq(e.old_end_byte, 6);
    cr_assert_eq(e.new_end_byte, 4);
    cr_assert_eq(e.old_end_point.row, 2);
    cr_assert_eq(e.new_end_point.row, 1);
    cr_assert_str_eq(log.model, "ab\ncd\nef");
    buffer_unlisten(b, h);
    buffer_insert(b, 0, "z", 1);
    cr_assert_eq(log.n, 2);
    free(log.model);
    buffer_free(b);
}

Test(buffer, snapshot_does_not_see_later_edits)
{
    Buffer *b = from("hello world");
    BufferSnapshot *s = buffer_snapshot(b);
    buffer_checkpoint(b, 0);
    buffer_insert(b, 5, ",", 1);
    buffer_delete(b, 0, 1);
    buffer_insert(b, 0, "J", 1);
    BufferSnapshot *s2 = buffer_snapshot(b);
    buffer_insert(b, 1, "ee", 2);
    char out[64] = {0};
    cr_assert_eq(snapshot_copy(s, 0, snapshot_length(s), out), 11);
    cr_assert_str_eq(out, "hello world");
    memset(out, 0, sizeof out);
    snapshot_copy(s2, 0, snapshot_length(s2), out);
    cr_assert_str_eq(out, "Jello, world");
    cr_assert_lt(snapshot_version(s), snapshot_version(s2));
    buffer_free(b);
    /* Snapshots outlive their buffer. */
    uint32_t n;
    const char *c = snapshot_read(s2, 7, (BufPoint){0, 7}, &n);
    cr_assert_gt(n, 0);
    cr_assert_eq(c[0], 'w');
    snapshot_read(s2, 12, (BufPoint){0, 12}, &n);
    cr_assert_eq(n, 0);
    size_t niov;
    struct iovec *iov = snapshot_iovecs(s2, &niov);
    size_t total = 0;
    for (size_t i = 0; i < niov; i++)
        total += iov[i].iov_len;
    cr_assert_eq(total, 12);
    free(iov);
    snapshot_unref(s);
    snapshot_unref(s2);
}

typedef struct Reader {
    BufferSnapshot *s;
    char *expect;
    bool ok;
} Reader;

static void *read_snapshot(void *arg)
{
    Reader *r = arg;
    size_t len = snapshot_length(r->s);
    char *buf = xmalloc(len + 1);
    r->ok = true;
    for (int round = 0; round < 50 && r->ok; round++) {
        size_t off = 0;
        while (off < len) {
            uint32_t n;
            const char *c = snapshot_read(r->s, (uint32_t)off, (BufPoint){0, 0}, &n);
            memcpy(buf + off, c, n);
            off += n;
        }
        r->ok = memcmp(buf, r->expect, len) == 0;
    }
    free(buf);
    snapshot_unref(r->s);
    return NULL;
}

Test(buffer, snapshots_are_read_on_other_threads_while_editing)
{
    Buffer *b = buffer_new();
    for (int i = 0; i < 2000; i++)
        buffer_insert(b, buffer_length(b) / 2, "line of text\n", 13);
    Reader r = {buffer_snapshot(b), text(b), false};
    pthread_t t;
    pthread_create(&t, NULL, read_snapshot, &r);
    for (int i = 0; i < 3000; i++) {
        buffer_checkpoint(b, 0);
        buffer_insert(b, (size_t)(i * 7919) % buffer_length(b), "typed", 5);
        if (i % 3 == 0)
            buffer_delete(b, 10, 20);
    }
    pthread_join(t, NULL);
    cr_assert(r.ok);
    free(r.expect);
    buffer_free(b);
}

/* Random edits, undo and redo against a plain string kept alongside. */
static unsigned rnd(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 16) & 0x7fff;
}

static void check_lines(const Buffer *b, const char *t, size_t len)
{
    size_t line = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || t[i] == '\n') {
            cr_assert_eq(buffer_line_start(b, line), start, "start of line %zu", line);
            cr_assert_eq(buffer_line_end(b, line), i, "end of line %zu", line);
            line++;
            start = i + 1;
        }
    }
    cr_assert_eq(buffer_line_count(b), line);
    for (size_t i = 0; i <= len; i += 7) {
        size_t l = 0;
        for (size_t j = 0; j < i; j++)
            l += t[j] == '\n';
        cr_assert_eq(buffer_line_of(b, i), l, "line of %zu", i);
    }
}

Test(buffer, random_edits_undo_and_redo_match_a_model)
{
    unsigned seed = 42;
    Buffer *b = from("first line\nsecond line\nthird\n");
    /* history[k]: the text after k undo groups. */
    char *history[400];
    size_t nh = 0;
    history[nh++] = text(b);
    Log log = {.model = text(b), .len = buffer_length(b)};
    buffer_listen(b, on_edit, &log);
    static const char *const words[] = {"a", "bc", "\n", "def\n", "\r\n", "ééé", "{\n  x;\n}", ""};
    for (int step = 0; step < 1500; step++) {
        size_t len = buffer_length(b);
        unsigned op = rnd(&seed) % 10;
        if (op < 6 || nh < 2) {
            if (nh == 400)
                break;
            buffer_checkpoint(b, 0);
            uint64_t before = buffer_state(b);
            int edits = 1 + (int)(rnd(&seed) % 3);
            for (int k = 0; k < edits; k++) {
                len = buffer_length(b);
                size_t at = len ? rnd(&seed) % (len + 1) : 0;
                size_t del = rnd(&seed) % 3 == 0 && at < len ? rnd(&seed) % (len - at + 1) % 9 : 0;
                const char *w = words[rnd(&seed) % 8];
                buffer_replace(b, at, at + del, w, strlen(w));
                /* Typing right after: exercises the extension of a piece. */
                if (rnd(&seed) % 2)
                    buffer_insert(b, at + strlen(w), "t", 1);
            }
            /* Undo groups are only comparable with history when nothing
             * was redoable; keep history linear. */
            if (buffer_state(b) != before)
                history[nh++] = text(b);
        } else if (op < 9) {
            size_t cur;
            cr_assert(buffer_undo(b, &cur));
            free(history[--nh]);
            assert_text(b, history[nh - 1]);
            if (rnd(&seed) % 2) {
                cr_assert(buffer_redo(b, &cur));
                history[nh++] = text(b);
            }
        } else {
            BufferSnapshot *s = buffer_snapshot(b);
            char *t = text(b);
            buffer_checkpoint(b, 0);
            buffer_insert(b, 0, "zz", 2);
            size_t cur;
            buffer_undo(b, &cur);
            char *st = xmalloc(snapshot_length(s) + 1);
            snapshot_copy(s, 0, snapshot_length(s), st);
            st[snapshot_length(s)] = '\0';
            cr_assert_str_eq(st, t);
            free(st);
            free(t);
            snapshot_unref(s);
            /* The undo above dropped the group made here; history is
             * unchanged, but the redo branch now holds "zz". */
        }
        char *t = text(b);
        cr_assert_str_eq(log.model, t, "edit events out of step at step %d", step);
        if (step % 25 == 0)
            check_lines(b, t, buffer_length(b));
        free(t);
    }
    while (nh)
        free(history[--nh]);
    free(log.model);
    buffer_free(b);
}
