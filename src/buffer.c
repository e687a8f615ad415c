/* The piece table behind buffer.h.
 *
 * Storage: sources[0] is the file as read; later sources are "add blocks"
 * that text typed or pasted is appended to.  A byte, once in a source, is
 * never changed or moved: blocks are allocated at their final size, and
 * appending writes only past the bytes pieces already name.  So a snapshot
 * on another thread may read a block while this thread appends to it.
 * Every source keeps the positions of its newlines (32-bit, sorted), which
 * is the whole line index: the number of newlines in any run of a source
 * is two binary searches.
 *
 * Pieces: a PieceArr holds the document as an array of pieces plus two
 * prefix arrays (bytes and newlines before each piece), so finding the
 * piece of an offset or of a line is a binary search.  Edits replace a
 * range of pieces and recompute the prefixes after it: O(pieces), which
 * stays small because consecutive typing extends one piece.  The PieceArr
 * is reference counted; a snapshot shares it, and the next edit copies it
 * (copy on write).
 *
 * Undo: a Change names the pieces it removed and those it inserted at an
 * offset; undo and redo swap one list for the other.  No text is copied. */
#include "buffer.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Size of an add block; text larger than half of it gets a block of its
 * own, sized exactly. */
#define BLOCK_SIZE (64 * 1024)

typedef struct Source {
    char *data;
    uint32_t len, cap;
    uint32_t *nls; /* positions of '\n', ascending */
    size_t nnl, nlcap;
} Source;

typedef struct Storage {
    atomic_size_t refs;
    Source *src; /* reallocated as blocks are added: only the owning
                    buffer's thread looks at this array */
    size_t nsrc, cap;
} Storage;

typedef struct Piece {
    const char *data; /* src's data + start: what snapshots read */
    uint32_t src, start, len, nl;
} Piece;

typedef struct PieceArr {
    atomic_size_t refs;
    Piece *p;
    size_t n, cap;
    size_t *bytes; /* bytes[i]: offset of piece i; bytes[n]: the length */
    size_t *nls;   /* nls[i]: newlines before piece i; nls[n]: all */
} PieceArr;

typedef struct PieceList {
    Piece *p;
    size_t n, len;
} PieceList;

typedef struct Change {
    size_t off;
    PieceList removed, inserted;
    uint64_t id;    /* the state after this change */
    uint64_t group;
    size_t cursor_before;
} Change;

typedef struct Listener {
    BufferListener fn;
    void *ud;
    int handle;
} Listener;

struct Buffer {
    Storage *st;
    PieceArr *pa;
    Change *changes;
    size_t nchanges, cur, capchanges; /* changes[0..cur) are applied */
    uint64_t next_id, next_group, saved_state, version;
    bool group_open;
    size_t pending_cursor;
    bool have_pending_cursor;
    Listener *ls;
    size_t nls, capls;
    int next_handle;
};

struct BufferSnapshot {
    atomic_size_t refs;
    PieceArr *pa;
    Storage *st;
    uint64_t version;
};

#define NEVER_SAVED UINT64_MAX

/* ---------------------------------------------------------------- sources */

static size_t lower_bound(const uint32_t *a, size_t n, uint32_t v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Newlines of s in [a, b). */
static uint32_t count_nl(const Source *s, uint32_t a, uint32_t b)
{
    return (uint32_t)(lower_bound(s->nls, s->nnl, b) - lower_bound(s->nls, s->nnl, a));
}

static void index_newlines(Source *s, uint32_t from, uint32_t to)
{
    const char *p = s->data + from, *end = s->data + to;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        if (s->nnl == s->nlcap) {
            s->nlcap = s->nlcap ? s->nlcap * 2 : 64;
            s->nls = xreallocarray(s->nls, s->nlcap, sizeof *s->nls);
        }
        s->nls[s->nnl++] = (uint32_t)(nl - s->data);
        p = nl + 1;
    }
}

static Storage *storage_new(void)
{
    Storage *st = xcalloc(1, sizeof *st);
    atomic_init(&st->refs, 1);
    return st;
}

static uint32_t storage_add(Storage *st, char *data, uint32_t len, uint32_t cap)
{
    if (st->nsrc == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 8;
        st->src = xreallocarray(st->src, st->cap, sizeof *st->src);
    }
    Source *s = &st->src[st->nsrc];
    *s = (Source){.data = data, .len = len, .cap = cap};
    if (len)
        index_newlines(s, 0, len);
    return (uint32_t)st->nsrc++;
}

static void storage_unref(Storage *st)
{
    if (!st || atomic_fetch_sub(&st->refs, 1) != 1)
        return;
    for (size_t i = 0; i < st->nsrc; i++) {
        free(st->src[i].data);
        free(st->src[i].nls);
    }
    free(st->src);
    free(st);
}

static Piece make_piece(const Storage *st, uint32_t src, uint32_t start, uint32_t len)
{
    const Source *s = &st->src[src];
    return (Piece){s->data + start, src, start, len, count_nl(s, start, start + len)};
}

/* ---------------------------------------------------------------- piece arrays */

static Piece *dup_pieces(const Piece *p, size_t n)
{
    if (!n)
        return NULL;
    Piece *d = xreallocarray(NULL, n, sizeof *d);
    memcpy(d, p, n * sizeof *d);
    return d;
}


static void pa_reserve(PieceArr *pa, size_t n)
{
    if (n <= pa->cap)
        return;
    size_t cap = pa->cap ? pa->cap : 8;
    while (cap < n)
        cap *= 2;
    pa->p = xreallocarray(pa->p, cap, sizeof *pa->p);
    pa->bytes = xreallocarray(pa->bytes, cap + 1, sizeof *pa->bytes);
    pa->nls = xreallocarray(pa->nls, cap + 1, sizeof *pa->nls);
    pa->cap = cap;
}

static PieceArr *pa_new(size_t cap)
{
    PieceArr *pa = xcalloc(1, sizeof *pa);
    atomic_init(&pa->refs, 1);
    pa_reserve(pa, cap ? cap : 1);
    pa->bytes[0] = pa->nls[0] = 0;
    return pa;
}

static void pa_unref(PieceArr *pa)
{
    if (!pa || atomic_fetch_sub(&pa->refs, 1) != 1)
        return;
    free(pa->p);
    free(pa->bytes);
    free(pa->nls);
    free(pa);
}

static void pa_recompute(PieceArr *pa, size_t from)
{
    for (size_t i = from; i < pa->n; i++) {
        pa->bytes[i + 1] = pa->bytes[i] + pa->p[i].len;
        pa->nls[i + 1] = pa->nls[i] + pa->p[i].nl;
    }
}

/* The piece holding offset (bytes[i] <= offset < bytes[i+1]), or n when
 * offset is at or past the end. */
static size_t pa_find(const PieceArr *pa, size_t offset)
{
    if (offset >= pa->bytes[pa->n])
        return pa->n;
    size_t lo = 0, hi = pa->n; /* answer in [lo, hi) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (pa->bytes[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static const char *pa_chunk(const PieceArr *pa, size_t offset, size_t *len)
{
    size_t i = pa_find(pa, offset);
    if (i == pa->n) {
        *len = 0;
        return "";
    }
    size_t rel = offset - pa->bytes[i];
    *len = pa->p[i].len - rel;
    return pa->p[i].data + rel;
}

static size_t pa_copy(const PieceArr *pa, size_t start, size_t end, char *out)
{
    size_t total = pa->bytes[pa->n];
    if (end > total)
        end = total;
    size_t done = 0;
    while (start + done < end) {
        size_t len;
        const char *c = pa_chunk(pa, start + done, &len);
        if (len > end - start - done)
            len = end - start - done;
        memcpy(out + done, c, len);
        done += len;
    }
    return done;
}

/* Make b's piece array private to b before changing it. */
static PieceArr *pa_mut(Buffer *b)
{
    PieceArr *old = b->pa;
    if (atomic_load(&old->refs) == 1)
        return old;
    PieceArr *pa = pa_new(old->n + 4);
    memcpy(pa->p, old->p, old->n * sizeof *pa->p);
    memcpy(pa->bytes, old->bytes, (old->n + 1) * sizeof *pa->bytes);
    memcpy(pa->nls, old->nls, (old->n + 1) * sizeof *pa->nls);
    pa->n = old->n;
    pa_unref(old);
    b->pa = pa;
    return pa;
}

/* Ensure a piece boundary at offset; returns the index of the piece that
 * starts there (n at the end). */
static size_t pa_split(Buffer *b, PieceArr *pa, size_t offset)
{
    size_t i = pa_find(pa, offset);
    if (i == pa->n || pa->bytes[i] == offset)
        return i;
    uint32_t rel = (uint32_t)(offset - pa->bytes[i]);
    Piece whole = pa->p[i];
    pa_reserve(pa, pa->n + 1);
    memmove(&pa->p[i + 2], &pa->p[i + 1], (pa->n - i - 1) * sizeof *pa->p);
    /* The prefixes of the pieces after the split move along with them. */
    memmove(&pa->bytes[i + 2], &pa->bytes[i + 1], (pa->n - i) * sizeof *pa->bytes);
    memmove(&pa->nls[i + 2], &pa->nls[i + 1], (pa->n - i) * sizeof *pa->nls);
    pa->n++;
    pa->p[i] = make_piece(b->st, whole.src, whole.start, rel);
    pa->p[i + 1] = (Piece){whole.data + rel, whole.src, whole.start + rel, whole.len - rel,
                           whole.nl - pa->p[i].nl};
    pa->bytes[i + 1] = pa->bytes[i] + rel;
    pa->nls[i + 1] = pa->nls[i] + pa->p[i].nl;
    return i + 1;
}

static bool contiguous(const Piece *a, const Piece *b)
{
    return a->src == b->src && a->start + a->len == b->start;
}

/* Join piece i with piece i+1 when they are adjacent runs of one source
 * (undoing an insertion leaves such pairs). */
static bool pa_merge(PieceArr *pa, size_t i)
{
    if (i + 1 >= pa->n || !contiguous(&pa->p[i], &pa->p[i + 1]))
        return false;
    pa->p[i].len += pa->p[i + 1].len;
    pa->p[i].nl += pa->p[i + 1].nl;
    memmove(&pa->p[i + 1], &pa->p[i + 2], (pa->n - i - 2) * sizeof *pa->p);
    pa->n--;
    return true;
}

/* Replace the bytes [off, off + del) with the pieces ins; the pieces
 * removed go to *removed (if not NULL). */
static void replace_pieces(Buffer *b, size_t off, size_t del, const Piece *ins, size_t nins,
                           PieceList *removed)
{
    PieceArr *pa = pa_mut(b);
    size_t i = pa_split(b, pa, off);
    size_t j = pa_split(b, pa, off + del);
    if (removed) {
        removed->n = j - i;
        removed->len = del;
        removed->p = dup_pieces(&pa->p[i], removed->n);
    }
    size_t n = pa->n - (j - i) + nins;
    pa_reserve(pa, n);
    memmove(&pa->p[i + nins], &pa->p[j], (pa->n - j) * sizeof *pa->p);
    if (nins)
        memcpy(&pa->p[i], ins, nins * sizeof *ins);
    pa->n = n;
    /* The inserted run may continue its neighbours. */
    if (nins)
        pa_merge(pa, i + nins - 1);
    if (i > 0)
        pa_merge(pa, i - 1);
    pa_recompute(pa, i > 0 ? i - 1 : 0);
}

/* ---------------------------------------------------------------- buffer */

Buffer *buffer_new(void)
{
    return buffer_new_with(NULL, 0);
}

Buffer *buffer_new_with(char *data, size_t len)
{
    Buffer *b = xcalloc(1, sizeof *b);
    b->st = storage_new();
    if (len > BUFFER_MAX_SIZE)
        len = BUFFER_MAX_SIZE;
    if (!data)
        len = 0;
    uint32_t src = storage_add(b->st, data, (uint32_t)len, (uint32_t)len);
    b->pa = pa_new(8);
    if (len) {
        b->pa->p[0] = make_piece(b->st, src, 0, (uint32_t)len);
        b->pa->n = 1;
        pa_recompute(b->pa, 0);
    }
    b->next_handle = 1;
    return b;
}

static void list_free(PieceList *l)
{
    free(l->p);
}

static void changes_truncate(Buffer *b, size_t n)
{
    for (size_t i = n; i < b->nchanges; i++) {
        list_free(&b->changes[i].removed);
        list_free(&b->changes[i].inserted);
    }
    b->nchanges = n;
    if (b->cur > n)
        b->cur = n;
}

void buffer_free(Buffer *b)
{
    if (!b)
        return;
    changes_truncate(b, 0);
    free(b->changes);
    free(b->ls);
    pa_unref(b->pa);
    storage_unref(b->st);
    free(b);
}

size_t buffer_length(const Buffer *b)
{
    return b->pa->bytes[b->pa->n];
}

size_t buffer_line_count(const Buffer *b)
{
    return b->pa->nls[b->pa->n] + 1;
}

size_t buffer_line_start(const Buffer *b, size_t line)
{
    const PieceArr *pa = b->pa;
    size_t k = line; /* newlines before the line */
    if (k == 0)
        return 0;
    if (k > pa->nls[pa->n])
        k = pa->nls[pa->n];
    if (k == 0)
        return 0;
    /* The piece holding the k-th newline: the first i with nls[i+1] >= k. */
    size_t lo = 0, hi = pa->n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pa->nls[mid + 1] >= k)
            hi = mid;
        else
            lo = mid + 1;
    }
    const Piece *p = &pa->p[lo];
    const Source *s = &b->st->src[p->src];
    size_t first = lower_bound(s->nls, s->nnl, p->start);
    uint32_t pos = s->nls[first + (k - pa->nls[lo]) - 1];
    return pa->bytes[lo] + (pos - p->start) + 1;
}

size_t buffer_line_end(const Buffer *b, size_t line)
{
    if (line + 1 >= buffer_line_count(b))
        return buffer_length(b);
    return buffer_line_start(b, line + 1) - 1;
}

size_t buffer_line_of(const Buffer *b, size_t offset)
{
    const PieceArr *pa = b->pa;
    size_t i = pa_find(pa, offset);
    if (i == pa->n)
        return pa->nls[pa->n];
    const Piece *p = &pa->p[i];
    uint32_t rel = (uint32_t)(offset - pa->bytes[i]);
    return pa->nls[i] + count_nl(&b->st->src[p->src], p->start, p->start + rel);
}

BufPoint buffer_point(const Buffer *b, size_t offset)
{
    if (offset > buffer_length(b))
        offset = buffer_length(b);
    size_t line = buffer_line_of(b, offset);
    return (BufPoint){(uint32_t)line, (uint32_t)(offset - buffer_line_start(b, line))};
}

int buffer_byte(const Buffer *b, size_t offset)
{
    size_t len;
    const char *c = pa_chunk(b->pa, offset, &len);
    return len ? (unsigned char)c[0] : -1;
}

const char *buffer_chunk(const Buffer *b, size_t offset, size_t *len)
{
    return pa_chunk(b->pa, offset, len);
}

const char *buffer_chunk_before(const Buffer *b, size_t offset, size_t *len)
{
    const PieceArr *pa = b->pa;
    if (offset > pa->bytes[pa->n])
        offset = pa->bytes[pa->n];
    if (offset == 0) {
        *len = 0;
        return "";
    }
    size_t i = pa_find(pa, offset - 1);
    *len = offset - pa->bytes[i];
    return pa->p[i].data;
}

size_t buffer_copy(const Buffer *b, size_t start, size_t end, char *out)
{
    return start < end ? pa_copy(b->pa, start, end, out) : 0;
}

char *buffer_dup(const Buffer *b, size_t start, size_t end, size_t *len)
{
    size_t total = buffer_length(b);
    if (end > total)
        end = total;
    if (start > end)
        start = end;
    char *s = xmalloc(end - start + 1);
    size_t n = buffer_copy(b, start, end, s);
    s[n] = '\0';
    if (len)
        *len = n;
    return s;
}

/* ---------------------------------------------------------------- editing */

static Source *current_block(Buffer *b)
{
    Storage *st = b->st;
    return st->nsrc > 1 ? &st->src[st->nsrc - 1] : NULL;
}

/* Store text in an add block; returns its piece. */
static Piece append_text(Buffer *b, const char *text, uint32_t len)
{
    Source *s = current_block(b);
    if (!s || s->cap - s->len < len) {
        uint32_t cap = len > BLOCK_SIZE / 2 ? len : BLOCK_SIZE;
        storage_add(b->st, xmalloc(cap), 0, cap);
        s = current_block(b);
    }
    uint32_t start = s->len;
    memcpy(s->data + start, text, len);
    s->len += len;
    index_newlines(s, start, s->len);
    return make_piece(b->st, (uint32_t)(b->st->nsrc - 1), start, len);
}

static void emit(Buffer *b, const BufferEdit *e)
{
    b->version++;
    for (size_t i = 0; i < b->nls; i++)
        if (b->ls[i].fn)
            b->ls[i].fn(b->ls[i].ud, b, e);
}

/* Replace [off, off + del) by the pieces ins, reporting the edit. */
static void apply(Buffer *b, size_t off, size_t del, const Piece *ins, size_t nins, size_t ins_len,
                  PieceList *removed)
{
    BufferEdit e = {
        .start_byte = off,
        .old_end_byte = off + del,
        .new_end_byte = off + ins_len,
        .start_point = buffer_point(b, off),
        .old_end_point = buffer_point(b, off + del),
    };
    replace_pieces(b, off, del, ins, nins, removed);
    e.new_end_point = buffer_point(b, off + ins_len);
    emit(b, &e);
}

static Change *new_change(Buffer *b, size_t cursor_default)
{
    changes_truncate(b, b->cur);
    if (b->nchanges == b->capchanges) {
        b->capchanges = b->capchanges ? b->capchanges * 2 : 64;
        b->changes = xreallocarray(b->changes, b->capchanges, sizeof *b->changes);
    }
    Change *c = &b->changes[b->nchanges++];
    b->cur = b->nchanges;
    *c = (Change){0};
    if (!b->group_open) {
        b->group_open = true;
        b->next_group++;
        c->cursor_before = b->have_pending_cursor ? b->pending_cursor : cursor_default;
        b->have_pending_cursor = false;
    } else {
        c->cursor_before = b->changes[b->nchanges > 1 ? b->nchanges - 2 : 0].cursor_before;
    }
    c->group = b->next_group;
    c->id = ++b->next_id;
    return c;
}

/* Typing: extend the last insertion when the text goes right after it,
 * into the same add block, within the same undo group. */
static bool try_extend(Buffer *b, size_t off, const char *text, uint32_t len)
{
    if (!b->group_open || b->cur == 0 || b->cur != b->nchanges)
        return false;
    Change *c = &b->changes[b->cur - 1];
    if (c->inserted.n == 0 || off == 0 || c->off + c->inserted.len != off)
        return false;
    Piece *last = &c->inserted.p[c->inserted.n - 1];
    Source *s = current_block(b);
    if (!s || last->src != b->st->nsrc - 1 || last->start + last->len != s->len || s->cap - s->len < len)
        return false;
    PieceArr *pa = b->pa;
    size_t k = pa_find(pa, off - 1);
    if (k == pa->n || pa->bytes[k + 1] != off || !contiguous(&pa->p[k], &(Piece){.src = last->src, .start = s->len}))
        return false;

    BufferEdit e = {.start_byte = off, .old_end_byte = off, .new_end_byte = off + len,
                    .start_point = buffer_point(b, off)};
    e.old_end_point = e.start_point;
    uint32_t start = s->len;
    memcpy(s->data + start, text, len);
    s->len += len;
    index_newlines(s, start, s->len);
    uint32_t nl = count_nl(s, start, s->len);
    pa = pa_mut(b);
    pa->p[k].len += len;
    pa->p[k].nl += nl;
    pa_recompute(pa, k);
    last->len += len;
    last->nl += nl;
    c->inserted.len += len;
    c->id = ++b->next_id; /* the text is new: so is its state */
    e.new_end_point = buffer_point(b, off + len);
    emit(b, &e);
    return true;
}

void buffer_replace(Buffer *b, size_t start, size_t end, const char *text, size_t len)
{
    size_t total = buffer_length(b);
    if (end > total)
        end = total;
    if (start > end)
        start = end;
    if (len > BUFFER_MAX_SIZE - (total - (end - start)))
        len = BUFFER_MAX_SIZE - (total - (end - start));
    if (start == end && len == 0)
        return;
    if (start == end && try_extend(b, start, text, (uint32_t)len))
        return;
    Piece ins;
    size_t nins = 0;
    if (len) {
        ins = append_text(b, text, (uint32_t)len);
        nins = 1;
    }
    Change *c = new_change(b, start);
    c->off = start;
    c->inserted = (PieceList){dup_pieces(&ins, nins), nins, len};
    /* c may move if a listener edits; keep what apply needs first. */
    size_t idx = (size_t)(c - b->changes);
    PieceList removed;
    apply(b, start, end - start, nins ? &ins : NULL, nins, len, &removed);
    b->changes[idx].removed = removed;
}

void buffer_insert(Buffer *b, size_t offset, const char *text, size_t len)
{
    buffer_replace(b, offset, offset, text, len);
}

void buffer_delete(Buffer *b, size_t start, size_t end)
{
    buffer_replace(b, start, end, NULL, 0);
}

/* ---------------------------------------------------------------- undo */

void buffer_checkpoint(Buffer *b, size_t cursor)
{
    b->group_open = false;
    b->pending_cursor = cursor;
    b->have_pending_cursor = true;
}

bool buffer_can_undo(const Buffer *b)
{
    return b->cur > 0;
}

bool buffer_can_redo(const Buffer *b)
{
    return b->cur < b->nchanges;
}

bool buffer_undo(Buffer *b, size_t *cursor)
{
    if (b->cur == 0)
        return false;
    b->group_open = false;
    b->have_pending_cursor = false;
    uint64_t g = b->changes[b->cur - 1].group;
    while (b->cur > 0 && b->changes[b->cur - 1].group == g) {
        Change *c = &b->changes[--b->cur];
        apply(b, c->off, c->inserted.len, c->removed.p, c->removed.n, c->removed.len, NULL);
    }
    if (cursor)
        *cursor = b->changes[b->cur].cursor_before;
    return true;
}

bool buffer_redo(Buffer *b, size_t *cursor)
{
    if (b->cur == b->nchanges)
        return false;
    b->group_open = false;
    b->have_pending_cursor = false;
    uint64_t g = b->changes[b->cur].group;
    size_t end = 0;
    while (b->cur < b->nchanges && b->changes[b->cur].group == g) {
        Change *c = &b->changes[b->cur++];
        apply(b, c->off, c->removed.len, c->inserted.p, c->inserted.n, c->inserted.len, NULL);
        end = c->off + c->inserted.len;
    }
    if (cursor)
        *cursor = end;
    return true;
}

uint64_t buffer_state(const Buffer *b)
{
    return b->cur ? b->changes[b->cur - 1].id : 0;
}

void buffer_mark_saved(Buffer *b, uint64_t state)
{
    b->saved_state = state;
}

void buffer_mark_unsaved(Buffer *b)
{
    b->saved_state = NEVER_SAVED;
}

bool buffer_modified(const Buffer *b)
{
    return buffer_state(b) != b->saved_state;
}

uint64_t buffer_version(const Buffer *b)
{
    return b->version;
}

/* ---------------------------------------------------------------- listeners */

int buffer_listen(Buffer *b, BufferListener fn, void *ud)
{
    if (b->nls == b->capls) {
        b->capls = b->capls ? b->capls * 2 : 4;
        b->ls = xreallocarray(b->ls, b->capls, sizeof *b->ls);
    }
    b->ls[b->nls++] = (Listener){fn, ud, b->next_handle};
    return b->next_handle++;
}

void buffer_unlisten(Buffer *b, int handle)
{
    for (size_t i = 0; i < b->nls; i++)
        if (b->ls[i].handle == handle)
            b->ls[i].fn = NULL; /* compacted never: a listener may be mid-call */
}

/* ---------------------------------------------------------------- snapshots */

BufferSnapshot *buffer_snapshot(Buffer *b)
{
    BufferSnapshot *s = xmalloc(sizeof *s);
    atomic_init(&s->refs, 1);
    atomic_fetch_add(&b->pa->refs, 1);
    atomic_fetch_add(&b->st->refs, 1);
    s->pa = b->pa;
    s->st = b->st;
    s->version = b->version;
    return s;
}

BufferSnapshot *snapshot_ref(BufferSnapshot *s)
{
    atomic_fetch_add(&s->refs, 1);
    return s;
}

void snapshot_unref(BufferSnapshot *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    pa_unref(s->pa);
    storage_unref(s->st);
    free(s);
}

size_t snapshot_length(const BufferSnapshot *s)
{
    return s->pa->bytes[s->pa->n];
}

uint64_t snapshot_version(const BufferSnapshot *s)
{
    return s->version;
}

const char *snapshot_chunk(const BufferSnapshot *s, size_t offset, size_t *len)
{
    return pa_chunk(s->pa, offset, len);
}

const char *snapshot_read(void *snapshot, uint32_t byte_offset, BufPoint position, uint32_t *bytes_read)
{
    (void)position;
    size_t len;
    const char *c = pa_chunk(((BufferSnapshot *)snapshot)->pa, byte_offset, &len);
    *bytes_read = (uint32_t)len;
    return c;
}

size_t snapshot_copy(const BufferSnapshot *s, size_t start, size_t end, char *out)
{
    return start < end ? pa_copy(s->pa, start, end, out) : 0;
}

struct iovec *snapshot_iovecs(const BufferSnapshot *s, size_t *n)
{
    const PieceArr *pa = s->pa;
    struct iovec *iov = xcalloc(pa->n ? pa->n : 1, sizeof *iov);
    for (size_t i = 0; i < pa->n; i++)
        iov[i] = (struct iovec){(void *)pa->p[i].data, pa->p[i].len};
    *n = pa->n;
    return iov;
}
