#include "editor.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "codeline.h"
#include "textnav.h"
#include "xalloc.h"

static const EditorHooks *hooks;
static void (*hooks_wake)(void *);
static void *hooks_wake_ud;

void editor_set_hooks(const EditorHooks *h, void (*wake)(void *), void *wake_ud)
{
    hooks = h;
    hooks_wake = wake;
    hooks_wake_ud = wake_ud;
}

/* Long lines keep an anchor (offset, column) every ANCHOR_STEP bytes so
 * a column is found from the nearest one, not from the line start. */
#define ANCHOR_STEP 65536
#define MAX_ANCHORS 1024

typedef struct ColPos {
    size_t off, col, chars;
} ColPos;

static const Buffer *B(const View *v)
{
    return v->doc->buf;
}

static int tab_width(const Config *cfg)
{
    return cfg && cfg->tab_width > 0 ? cfg->tab_width : 4;
}

/* ---------------------------------------------------------------- anchors */

static void add_anchor(View *v, size_t ls, ColPos p)
{
    if (v->nanchors == MAX_ANCHORS) {
        memmove(v->anchors, v->anchors + MAX_ANCHORS / 4, (MAX_ANCHORS - MAX_ANCHORS / 4) * sizeof *v->anchors);
        v->nanchors -= MAX_ANCHORS / 4;
    }
    if (v->nanchors == v->capanchors) {
        v->capanchors = v->capanchors ? v->capanchors * 2 : 16;
        v->anchors = xreallocarray(v->anchors, v->capanchors, sizeof *v->anchors);
    }
    v->anchors[v->nanchors++] = (ColAnchor){ls, p.off, p.col, p.chars};
}

static ColPos best_anchor(const View *v, size_t ls, size_t stop_off, size_t stop_col)
{
    ColPos best = {ls, 0, 0};
    for (size_t i = 0; i < v->nanchors; i++) {
        const ColAnchor *a = &v->anchors[i];
        if (a->line_start == ls && a->off <= stop_off && a->col <= stop_col && a->off > best.off)
            best = (ColPos){a->off, a->col, a->chars};
    }
    return best;
}

static void on_edit(void *ud, Buffer *b, const BufferEdit *e)
{
    (void)b;
    View *v = ud;
    /* Anchors after the change moved; those before it still hold. */
    size_t n = 0;
    for (size_t i = 0; i < v->nanchors; i++)
        if (v->anchors[i].off <= e->start_byte)
            v->anchors[n++] = v->anchors[i];
    v->nanchors = n;
    /* Keep the cursor and anchor on the same text when someone else
     * changes it (undo, reload, replace all). */
    size_t *pos[2] = {&v->cursor, &v->anchor};
    for (int i = 0; i < 2; i++) {
        if (*pos[i] >= e->old_end_byte)
            *pos[i] = *pos[i] - e->old_end_byte + e->new_end_byte;
        else if (*pos[i] > e->start_byte)
            *pos[i] = e->new_end_byte < *pos[i] ? e->new_end_byte : *pos[i];
    }
}

/* ---------------------------------------------------------------- columns */

/* The end of what a line shows: its '\n', or the '\r' of a "\r\n". */
static size_t vis_end(const Buffer *b, size_t line)
{
    size_t ls = buffer_line_start(b, line), le = buffer_line_end(b, line);
    if (le > ls && le < buffer_length(b) && buffer_byte(b, le - 1) == '\r')
        return le - 1;
    return le;
}

static bool is_mark(uint32_t cp)
{
    return cp >= 0x300 && cp != UTF8_INVALID && wcwidth((wchar_t)cp) == 0;
}

/* Walk a line from p until the offset stop_off, or until the character
 * that covers display column stop_col (p stops at its start). */
static ColPos walk(View *v, ColPos p, size_t ls, size_t end, size_t stop_off, size_t stop_col, int tabw)
{
    TextReader r;
    reader_init(&r, B(v), p.off, end);
    size_t next_anchor = p.off + ANCHOR_STEP;
    while (p.off < stop_off) {
        uint32_t cp;
        int len = reader_next(&r, &cp);
        if (!len)
            break;
        size_t w;
        if (cp >= 0x20 && cp < 0x7F)
            w = 1;
        else
            w = (size_t)glyph_of(cp, len, p.col, tabw).width;
        if (p.col + w > stop_col)
            break;
        p.off += (size_t)len;
        p.col += w;
        if (!is_mark(cp))
            p.chars++;
        if (p.off >= next_anchor) {
            add_anchor(v, ls, p);
            next_anchor = p.off + ANCHOR_STEP;
        }
    }
    return p;
}

static ColPos pos_of(View *v, size_t off, int tabw)
{
    const Buffer *b = B(v);
    size_t line = buffer_line_of(b, off);
    size_t ls = buffer_line_start(b, line);
    return walk(v, best_anchor(v, ls, off, SIZE_MAX), ls, buffer_line_end(b, line), off, SIZE_MAX, tabw);
}

static ColPos pos_at_col(View *v, size_t line, size_t col, int tabw)
{
    const Buffer *b = B(v);
    size_t ls = buffer_line_start(b, line);
    return walk(v, best_anchor(v, ls, SIZE_MAX, col), ls, vis_end(b, line), SIZE_MAX, col, tabw);
}

/* ---------------------------------------------------------------- view */

static void attach(View *v)
{
    if (hooks && hooks->attach)
        v->hl = hooks->attach(v->doc, hooks_wake, hooks_wake_ud);
}

View *view_new(Document *doc, int tabw)
{
    /* Serials, not addresses: a closed tab's View may be freed and its
     * memory given to the next one opened. */
    static uint64_t next_serial;
    View *v = xcalloc(1, sizeof *v);
    v->serial = ++next_serial;
    v->doc = doc;
    v->tabw = tabw > 0 ? tabw : 4;
    v->listen = buffer_listen(doc->buf, on_edit, v);
    attach(v);
    return v;
}

void view_reattach(View *v)
{
    if (v->hl && hooks && hooks->detach)
        hooks->detach(v->hl);
    v->hl = NULL;
    attach(v);
}

void view_free(View *v)
{
    if (!v)
        return;
    if (v->hl && hooks && hooks->detach)
        hooks->detach(v->hl);
    buffer_unlisten(v->doc->buf, v->listen);
    free(v->anchors);
    free(v);
}

bool view_selection(const View *v, size_t *start, size_t *end)
{
    if (!v->selecting || v->anchor == v->cursor)
        return false;
    *start = v->anchor < v->cursor ? v->anchor : v->cursor;
    *end = v->anchor < v->cursor ? v->cursor : v->anchor;
    return true;
}

void view_cursor_pos(View *v, size_t *line, size_t *col)
{
    *line = buffer_line_of(B(v), v->cursor);
    *col = pos_of(v, v->cursor, v->tabw).chars;
}

const char *view_hint(View *v)
{
    return v->hl && hooks && hooks->hint ? hooks->hint(v->hl, v->cursor) : NULL;
}

/* Move the cursor; with select, extend the selection from where it was. */
static void move_to(View *v, size_t off, bool select)
{
    if (select && !v->selecting) {
        v->selecting = true;
        v->anchor = v->cursor;
    } else if (!select) {
        v->selecting = false;
    }
    v->cursor = off;
    v->follow = true;
    v->last_op = OP_NONE;
}

static size_t want_col(View *v, int tabw)
{
    if (!v->want_col_set) {
        v->want_col = pos_of(v, v->cursor, tabw).col;
        v->want_col_set = true;
    }
    return v->want_col;
}

static void move_lines(View *v, long delta, bool select, int tabw)
{
    const Buffer *b = B(v);
    size_t line = buffer_line_of(b, v->cursor), last = buffer_line_count(b) - 1;
    size_t col = want_col(v, tabw);
    size_t target;
    if (delta < 0 && (size_t)-delta > line) {
        move_to(v, 0, select); /* past the top: to the start, as desktop editors do */
        v->want_col_set = false;
        return;
    }
    if (delta > 0 && line + (size_t)delta > last) {
        move_to(v, buffer_length(b), select);
        v->want_col_set = false;
        return;
    }
    target = (size_t)((long)line + delta);
    move_to(v, pos_at_col(v, target, col, tabw).off, select);
}

static size_t first_nonblank(const Buffer *b, size_t line)
{
    size_t off = buffer_line_start(b, line), end = vis_end(b, line);
    while (off < end) {
        int c = buffer_byte(b, off);
        if (c != ' ' && c != '\t')
            break;
        off++;
    }
    return off;
}

/* ---------------------------------------------------------------- editing */

/* Decide whether this edit joins the previous undo group. */
/* Whether the text may be changed.  A document that is not to be
 * (doc->locked) refuses the edit, and v->refused has the IDE say why. */
static bool editable(View *v)
{
    if (v->doc->locked)
        v->refused = true;
    return !v->doc->locked;
}

/* An edit starts (false: refused, nothing to do). */
static bool begin_edit(View *v, EditOp op, bool boundary)
{
    if (!editable(v))
        return false;
    long long now = now_ms();
    size_t s, e;
    bool joins = op != OP_NONE && !boundary && v->last_op == op && v->cursor == v->last_op_end &&
                 !view_selection(v, &s, &e) && now - v->last_op_ms < 3000;
    if (!joins)
        buffer_checkpoint(v->doc->buf, v->cursor);
    v->last_op = op;
    v->last_op_ms = now;
    return true;
}

static void end_edit(View *v)
{
    v->last_op_end = v->cursor;
    v->selecting = false;
    v->follow = true;
    v->want_col_set = false;
}

/* Replace the selection (or insert at the cursor) with text. */
static void put_text(View *v, const char *text, size_t len)
{
    size_t s = v->cursor, e = v->cursor;
    view_selection(v, &s, &e);
    buffer_replace(v->doc->buf, s, e, text, len);
    v->cursor = s + len;
}

static void indent_unit(const View *v, const Config *cfg, StrBuf *out)
{
    if (v->doc->indent_tabs)
        sb_append(out, "\t", 1);
    else
        for (int i = 0; i < tab_width(cfg); i++)
            sb_append(out, " ", 1);
}

static const char *newline_of(const View *v)
{
    return v->doc->crlf ? "\r\n" : "\n";
}

void view_type(View *v, const EditorEnv *env, const char *text, size_t len)
{
    bool space = len == 1 && (text[0] == ' ' || text[0] == '\t');
    /* A word and the spaces after it are one undo step. */
    if (!begin_edit(v, OP_TYPE, !space && v->last_was_space))
        return;
    v->last_was_space = space;
    const Buffer *b = B(v);
    size_t s, e;
    /* A closing bracket typed first on a line goes back one indent. */
    if (len == 1 && (text[0] == '}' || text[0] == ']' || text[0] == ')') && !view_selection(v, &s, &e) &&
        env->cfg && env->cfg->auto_indent) {
        size_t line = buffer_line_of(b, v->cursor), ls = buffer_line_start(b, line);
        if (first_nonblank(b, line) == v->cursor && v->cursor > ls) {
            int tabw = tab_width(env->cfg);
            size_t col = pos_of(v, v->cursor, tabw).col;
            size_t target = col > (size_t)tabw ? ((col - 1) / (size_t)tabw) * (size_t)tabw : 0;
            size_t off = pos_at_col(v, line, target, tabw).off;
            buffer_delete(v->doc->buf, off, v->cursor);
            v->cursor = off;
        }
    }
    put_text(v, text, len);
    end_edit(v);
}

/* The last byte of code in [ls, p) of a line, a comment after it
 * skipped (0: none). */
static int last_code_byte(const View *v, size_t ls, size_t p)
{
    const Buffer *b = B(v);
    /* A minified file's line (megabytes) is not worth a copy and a scan
     * at each Enter: there, its last byte decides. */
    if (p - ls > 65536)
        return buffer_byte(b, p - 1);
    size_t len;
    char *text = buffer_dup(b, ls, p, &len);
    size_t end = codeline_end(v->doc->lang, text, len);
    int c = end ? (unsigned char)text[end - 1] : 0;
    free(text);
    return c;
}

static void newline(View *v, const EditorEnv *env)
{
    if (!begin_edit(v, OP_TYPE, true))
        return;
    v->last_was_space = true;
    const Buffer *b = B(v);
    StrBuf sb = {0};
    sb_puts(&sb, newline_of(v));
    size_t s = v->cursor, e = v->cursor;
    view_selection(v, &s, &e);
    size_t caret = 0; /* where in sb the cursor goes; 0: after it */
    if (!env->cfg || env->cfg->auto_indent) {
        size_t line = buffer_line_of(b, s), ls = buffer_line_start(b, line);
        size_t indent_end = first_nonblank(b, line);
        if (indent_end > s)
            indent_end = s;
        char *indent = buffer_dup(b, ls, indent_end, NULL);
        sb_puts(&sb, indent);
        /* After an opening bracket or a colon (Python), one level more,
         * though a comment follows it. */
        size_t p = s;
        while (p > ls && (buffer_byte(b, p - 1) == ' ' || buffer_byte(b, p - 1) == '\t'))
            p--;
        int last = last_code_byte(v, ls, p);
        int closer = last == '{' ? '}' : last == '[' ? ']' : last == '(' ? ')' : 0;
        bool python = v->doc->lang && v->doc->lang->id == LANG_PYTHON;
        if (closer || (last == ':' && python))
            indent_unit(v, env->cfg, &sb);
        /* Between a bracket and its closer, the closer goes to a line of
         * its own after the cursor's, at the indentation of the line. */
        size_t q = e;
        while (buffer_byte(b, q) == ' ' || buffer_byte(b, q) == '\t')
            q++;
        if (closer && buffer_byte(b, q) == closer) {
            caret = sb.len;
            sb_puts(&sb, newline_of(v));
            sb_puts(&sb, indent);
            e = q;
        }
        free(indent);
        /* Spaces before the cursor are not carried to the new line. */
        if (p < s && p > indent_end) {
            buffer_delete(v->doc->buf, p, s);
            e -= s - p;
            s = v->cursor = p;
            if (v->selecting)
                v->anchor = v->anchor > p ? v->anchor - (s - p) : v->anchor;
        }
    }
    buffer_replace(v->doc->buf, s, e, sb.data, sb.len);
    v->cursor = s + (caret ? caret : sb.len);
    sb_free(&sb);
    end_edit(v);
}

static void backspace(View *v, const EditorEnv *env, bool word)
{
    size_t s, e;
    const Buffer *b = B(v);
    if (view_selection(v, &s, &e)) {
        if (!begin_edit(v, OP_NONE, true))
            return;
        buffer_delete(v->doc->buf, s, e);
        v->cursor = s;
        end_edit(v);
        return;
    }
    if (v->cursor == 0)
        return;
    if (!begin_edit(v, OP_BACKSPACE, word))
        return;
    size_t from;
    if (word) {
        from = textnav_word_left(b, v->cursor);
    } else {
        from = textnav_prev(b, v->cursor);
        /* In the indentation of a space-indented line, back to the
         * previous tab stop. */
        size_t line = buffer_line_of(b, v->cursor), ls = buffer_line_start(b, line);
        if (!v->doc->indent_tabs && v->cursor > ls && first_nonblank(b, line) >= v->cursor &&
            buffer_byte(b, v->cursor - 1) == ' ') {
            int tabw = tab_width(env->cfg);
            size_t col = v->cursor - ls; /* only spaces before: bytes are columns */
            size_t stop = ((col - 1) / (size_t)tabw) * (size_t)tabw;
            from = v->cursor - 1;
            while (from > ls + stop && buffer_byte(b, from - 1) == ' ')
                from--;
        }
    }
    buffer_delete(v->doc->buf, from, v->cursor);
    v->cursor = from;
    end_edit(v);
}

static void delete_forward(View *v, bool word)
{
    size_t s, e;
    if (view_selection(v, &s, &e)) {
        if (!begin_edit(v, OP_NONE, true))
            return;
        buffer_delete(v->doc->buf, s, e);
        v->cursor = s;
        end_edit(v);
        return;
    }
    size_t to = word ? textnav_word_right(B(v), v->cursor) : textnav_next(B(v), v->cursor);
    if (to == v->cursor)
        return;
    if (!begin_edit(v, OP_DELETE, word))
        return;
    buffer_delete(v->doc->buf, v->cursor, to);
    end_edit(v);
}

/* The lines a selection covers (a selection ending at a line start does
 * not take that line). */
static void selected_lines(const View *v, size_t *first, size_t *last)
{
    size_t s = v->cursor, e = v->cursor;
    view_selection(v, &s, &e);
    const Buffer *b = B(v);
    *first = buffer_line_of(b, s);
    *last = buffer_line_of(b, e);
    if (*last > *first && buffer_line_start(b, *last) == e)
        (*last)--;
}

static void indent_lines(View *v, const EditorEnv *env, bool out)
{
    size_t first, last;
    selected_lines(v, &first, &last);
    if (!begin_edit(v, OP_NONE, true))
        return;
    StrBuf unit = {0};
    indent_unit(v, env->cfg, &unit);
    int tabw = tab_width(env->cfg);
    bool had_sel = v->selecting;
    for (size_t line = first; line <= last; line++) {
        const Buffer *b = B(v);
        size_t ls = buffer_line_start(b, line);
        if (!out) {
            if (vis_end(b, line) > ls) /* empty lines stay empty */
                buffer_insert(v->doc->buf, ls, unit.data, unit.len);
            continue;
        }
        size_t n = 0;
        if (buffer_byte(b, ls) == '\t')
            n = 1;
        else
            while (n < (size_t)tabw && buffer_byte(b, ls + n) == ' ')
                n++;
        if (n)
            buffer_delete(v->doc->buf, ls, ls + n);
    }
    sb_free(&unit);
    buffer_checkpoint(v->doc->buf, v->cursor);
    if (had_sel) {
        /* Keep whole lines selected. */
        const Buffer *b = B(v);
        v->selecting = true;
        v->anchor = buffer_line_start(b, first);
        v->cursor = last + 1 < buffer_line_count(b) ? buffer_line_start(b, last + 1) : buffer_length(b);
    }
    v->last_op = OP_NONE;
    v->follow = true;
}

static bool mark_at(const Buffer *b, size_t off, const char *mark, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (off + i >= buffer_length(b) || buffer_byte(b, off + i) != (unsigned char)mark[i])
            return false;
    return true;
}

void view_toggle_comment(View *v, const char *mark)
{
    size_t first, last;
    selected_lines(v, &first, &last);
    const Buffer *b = B(v);
    size_t mlen = strlen(mark);
    /* Uncommented when every line with text is; else each gets the mark
     * at the indentation of the least indented, so they stay aligned. */
    bool all = true, any = false;
    size_t indent = SIZE_MAX;
    for (size_t line = first; line <= last; line++) {
        size_t ls = buffer_line_start(b, line), fn = first_nonblank(b, line);
        if (fn >= vis_end(b, line))
            continue;
        any = true;
        if (fn - ls < indent)
            indent = fn - ls;
        if (!mark_at(b, fn, mark, mlen))
            all = false;
    }
    /* (The view's listener keeps the cursor and anchor on their text.) */
    if (!begin_edit(v, OP_NONE, true))
        return;
    for (size_t line = first; line <= last; line++) {
        size_t ls = buffer_line_start(b, line), fn = first_nonblank(b, line);
        if (any && fn >= vis_end(b, line))
            continue; /* blank lines stay blank */
        if (any && all) {
            size_t e = fn + mlen;
            if (e < vis_end(b, line) && buffer_byte(b, e) == ' ')
                e++;
            buffer_delete(v->doc->buf, fn, e);
        } else {
            /* An empty line alone gets the mark where the cursor is, to
             * write the comment after. */
            size_t at = any ? ls + indent : first == last ? v->cursor : ls;
            char buf[16];
            int n = snprintf(buf, sizeof buf, "%s ", mark);
            buffer_insert(v->doc->buf, at, buf, (size_t)n);
        }
    }
    buffer_checkpoint(v->doc->buf, v->cursor);
    v->last_op = OP_NONE;
    v->follow = true;
    v->want_col_set = false;
}

/* The line break that ends text[0..len) ("\r\n" or "\n"), 0 bytes if none. */
static size_t break_len(const char *text, size_t len)
{
    if (len && text[len - 1] == '\n')
        return len > 1 && text[len - 2] == '\r' ? 2 : 1;
    return 0;
}

void view_move_lines(View *v, int dir)
{
    size_t first, last;
    selected_lines(v, &first, &last);
    const Buffer *b = B(v);
    size_t nlines = buffer_line_count(b);
    if ((dir < 0 && first == 0) || (dir > 0 && last + 1 >= nlines) || !begin_edit(v, OP_NONE, true))
        return;
    /* The block and the line it trades places with, [from, to) together. */
    size_t s = buffer_line_start(b, first);
    size_t e = last + 1 < nlines ? buffer_line_start(b, last + 1) : buffer_length(b);
    size_t from = dir < 0 ? buffer_line_start(b, first - 1) : s;
    size_t to = dir > 0 ? (last + 2 < nlines ? buffer_line_start(b, last + 2) : buffer_length(b)) : e;
    size_t blen, olen;
    char *block = buffer_dup(b, s, e, &blen);
    char *other = dir < 0 ? buffer_dup(b, from, s, &olen) : buffer_dup(b, e, to, &olen);
    /* The file's last line has no line break: whichever of the two ends
     * up last gives its break to the other. */
    StrBuf top = {0}, bottom = {0};
    sb_append(&top, dir < 0 ? block : other, dir < 0 ? blen : olen);
    sb_append(&bottom, dir < 0 ? other : block, dir < 0 ? olen : blen);
    if (!break_len(top.data, top.len)) {
        size_t bl = break_len(bottom.data, bottom.len);
        sb_append(&top, newline_of(v), strlen(newline_of(v)));
        bottom.len -= bl;
    }
    size_t cursor = v->cursor - s, anchor = v->anchor - s;
    bool selecting = v->selecting;
    StrBuf all = {0};
    sb_append(&all, top.data, top.len);
    sb_append(&all, bottom.data, bottom.len);
    buffer_replace(v->doc->buf, from, to, all.data, all.len);
    /* The block's new start: where the other line was, or after it. */
    size_t at = dir < 0 ? from : from + top.len;
    /* (A place in the break the block gave away ends up at the end.) */
    size_t end = buffer_length(b);
    v->cursor = at + cursor < end ? at + cursor : end;
    v->anchor = at + anchor < end ? at + anchor : end;
    v->selecting = selecting;
    buffer_checkpoint(v->doc->buf, v->cursor);
    v->last_op = OP_NONE;
    v->follow = true;
    sb_free(&all);
    sb_free(&top);
    sb_free(&bottom);
    free(block);
    free(other);
}

static void tab_key(View *v, const EditorEnv *env)
{
    size_t s, e;
    if (view_selection(v, &s, &e) && buffer_line_of(B(v), s) != buffer_line_of(B(v), e)) {
        indent_lines(v, env, false);
        return;
    }
    StrBuf sb = {0};
    if (v->doc->indent_tabs) {
        sb_append(&sb, "\t", 1);
    } else {
        int tabw = tab_width(env->cfg);
        size_t col = pos_of(v, v->cursor, tabw).col;
        for (size_t i = col % (size_t)tabw; i < (size_t)tabw; i++)
            sb_append(&sb, " ", 1);
    }
    view_type(v, env, sb.data, sb.len);
    sb_free(&sb);
}

void view_paste_text(View *v, const char *text, size_t len)
{
    if (!begin_edit(v, OP_NONE, true))
        return;
    /* Terminals send line breaks as \r: make them the file's. */
    StrBuf sb = {0};
    const char *nl = newline_of(v);
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\r' || text[i] == '\n') {
            if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
                i++;
            sb_puts(&sb, nl);
        } else {
            sb_append(&sb, &text[i], 1);
        }
    }
    put_text(v, sb.data ? sb.data : "", sb.len);
    buffer_checkpoint(v->doc->buf, v->cursor);
    end_edit(v);
    v->last_op = OP_NONE;
    sb_free(&sb);
}

void view_copy(View *v, const EditorEnv *env, bool cut)
{
    if (cut && !editable(v))
        return;
    size_t s, e;
    bool lines = !view_selection(v, &s, &e);
    if (lines) {
        /* Nothing selected: the whole line, as desktop editors do. */
        const Buffer *b = B(v);
        size_t line = buffer_line_of(b, v->cursor);
        s = buffer_line_start(b, line);
        e = line + 1 < buffer_line_count(b) ? buffer_line_start(b, line + 1) : buffer_length(b);
    }
    size_t len;
    char *text = buffer_dup(B(v), s, e, &len);
    CutChain *ch = env->chain;
    bool more = cut && lines && ch && ch->buf == (const void *)B(v) && ch->version == buffer_version(B(v)) &&
                ch->cursor == v->cursor && *env->clip_lines;
    if (!more)
        env->clipboard->len = 0;
    sb_append(env->clipboard, text, len);
    *env->clip_lines = lines;
    term_clipboard(env->clipboard->data, env->clipboard->len);
    free(text);
    if (ch)
        ch->buf = NULL;
    if (cut && e > s) {
        (void)begin_edit(v, OP_NONE, true); /* editable, as checked */
        buffer_delete(v->doc->buf, s, e);
        v->cursor = s;
        buffer_checkpoint(v->doc->buf, v->cursor);
        end_edit(v);
        v->last_op = OP_NONE;
        if (ch && lines)
            *ch = (CutChain){B(v), buffer_version(B(v)), v->cursor};
    }
}

void view_cut_line(View *v, const EditorEnv *env)
{
    v->selecting = false;
    view_copy(v, env, true);
}

void view_paste(View *v, const EditorEnv *env)
{
    if (!env->clipboard->len)
        return;
    size_t s, e;
    if (!begin_edit(v, OP_NONE, true))
        return;
    if (*env->clip_lines && !view_selection(v, &s, &e)) {
        /* A copied line goes in above the cursor's line. */
        const Buffer *b = B(v);
        size_t ls = buffer_line_start(b, buffer_line_of(b, v->cursor));
        size_t col = v->cursor - ls;
        buffer_insert(v->doc->buf, ls, env->clipboard->data, env->clipboard->len);
        v->cursor = ls + env->clipboard->len + col;
    } else {
        put_text(v, env->clipboard->data, env->clipboard->len);
    }
    buffer_checkpoint(v->doc->buf, v->cursor);
    end_edit(v);
    v->last_op = OP_NONE;
}

void view_duplicate(View *v)
{
    size_t s, e;
    if (!begin_edit(v, OP_NONE, true))
        return;
    if (view_selection(v, &s, &e)) {
        size_t len;
        char *text = buffer_dup(B(v), s, e, &len);
        buffer_insert(v->doc->buf, e, text, len);
        free(text);
        v->anchor = e;
        v->cursor = e + len;
        v->selecting = true;
    } else {
        const Buffer *b = B(v);
        size_t line = buffer_line_of(b, v->cursor), ls = buffer_line_start(b, line);
        size_t le = buffer_line_end(b, line);
        size_t len;
        char *text = buffer_dup(b, ls, le, &len);
        StrBuf sb = {0};
        sb_puts(&sb, le < buffer_length(b) ? "" : newline_of(v));
        sb_append(&sb, text, len);
        if (le < buffer_length(b))
            sb_puts(&sb, "\n");
        size_t at = le < buffer_length(b) ? le + 1 : le;
        buffer_insert(v->doc->buf, at, sb.data, sb.len);
        v->cursor = at + (le < buffer_length(b) ? 0 : strlen(newline_of(v))) + (v->cursor - ls);
        free(text);
        sb_free(&sb);
    }
    buffer_checkpoint(v->doc->buf, v->cursor);
    v->last_op = OP_NONE;
    v->follow = true;
}

void view_select_all(View *v)
{
    v->selecting = true;
    v->anchor = 0;
    v->cursor = buffer_length(B(v));
    v->follow = true;
    v->last_op = OP_NONE;
}

bool view_undo(View *v)
{
    size_t cur;
    if (!buffer_undo(v->doc->buf, &cur))
        return false;
    v->cursor = cur;
    v->selecting = false;
    v->follow = true;
    v->last_op = OP_NONE;
    v->want_col_set = false;
    return true;
}

bool view_redo(View *v)
{
    size_t cur;
    if (!buffer_redo(v->doc->buf, &cur))
        return false;
    v->cursor = cur;
    v->selecting = false;
    v->follow = true;
    v->last_op = OP_NONE;
    v->want_col_set = false;
    return true;
}

void view_goto(View *v, size_t line, size_t col)
{
    const Buffer *b = B(v);
    if (line >= buffer_line_count(b))
        line = buffer_line_count(b) - 1;
    size_t ls = buffer_line_start(b, line), end = vis_end(b, line);
    /* col counts characters */
    size_t off = ls;
    for (size_t i = 0; i < col && off < end; i++)
        off = textnav_next(b, off);
    move_to(v, off, false);
    v->center = true;
    v->want_col_set = false;
}

void view_select(View *v, size_t start, size_t end)
{
    v->selecting = start != end;
    v->anchor = start;
    v->cursor = end;
    v->follow = true;
    v->center = true;
    v->last_op = OP_NONE;
    v->want_col_set = false;
}

void view_scroll(View *v, long lines)
{
    size_t count = buffer_line_count(B(v));
    if (lines < 0)
        v->top = (size_t)-lines > v->top ? 0 : v->top - (size_t)-lines;
    else
        v->top = v->top + (size_t)lines >= count ? count - 1 : v->top + (size_t)lines;
    v->follow = false;
}

void view_mouse(View *v, int y, int x, bool press, bool extend, int clicks)
{
    const Buffer *b = B(v);
    int row = y - v->y, col = x - v->x - v->gutter;
    if (col < 0)
        col = 0;
    /* Above the pane (a drag past its top): the line above the first
     * shown, which the view then scrolls to. */
    size_t line = row >= 0 ? v->top + (size_t)row : v->top > (size_t)-row ? v->top - (size_t)-row : 0;
    size_t off;
    if (line >= buffer_line_count(b))
        off = buffer_length(b);
    else
        off = pos_at_col(v, line, v->left + (size_t)col, v->tabw).off;
    if (press && clicks >= 2) {
        size_t s, e;
        if (clicks == 2) {
            textnav_word_at(b, off, &s, &e);
        } else {
            size_t l = buffer_line_of(b, off);
            s = buffer_line_start(b, l);
            e = l + 1 < buffer_line_count(b) ? buffer_line_start(b, l + 1) : buffer_length(b);
        }
        v->selecting = e > s;
        v->anchor = s;
        v->cursor = e;
    } else if (press && !extend) {
        v->selecting = false;
        v->cursor = off;
        v->anchor = off;
    } else {
        if (!v->selecting) {
            v->selecting = true;
            v->anchor = v->cursor;
        }
        v->cursor = off;
    }
    v->follow = true;
    v->last_op = OP_NONE;
    v->want_col_set = false;
}

bool view_key(View *v, const EditorEnv *env, Key k)
{
    const Buffer *b = B(v);
    int tabw = tab_width(env->cfg);
    bool sel = (k & TK_SHIFT) != 0;
    Key base = TK_BASE(k);
    Key mods = k & (TK_CTRL | TK_ALT);
    if (base != TK_UP && base != TK_DOWN && base != TK_PGUP && base != TK_PGDN)
        v->want_col_set = false;
    size_t s, e;
    switch (base) {
    case TK_LEFT:
        if (mods == TK_CTRL)
            move_to(v, textnav_word_left(b, v->cursor), sel);
        else if (mods)
            return false;
        else if (!sel && view_selection(v, &s, &e))
            move_to(v, s, false);
        else
            move_to(v, textnav_prev(b, v->cursor), sel);
        return true;
    case TK_RIGHT:
        if (mods == TK_CTRL)
            move_to(v, textnav_word_right(b, v->cursor), sel);
        else if (mods)
            return false;
        else if (!sel && view_selection(v, &s, &e))
            move_to(v, e, false);
        else
            move_to(v, textnav_next(b, v->cursor), sel);
        return true;
    case TK_UP:
    case TK_DOWN:
        if (mods == TK_CTRL) {
            view_scroll(v, base == TK_UP ? -1 : 1);
            return true;
        }
        if (mods)
            return false;
        move_lines(v, base == TK_UP ? -1 : 1, sel, tabw);
        return true;
    case TK_PGUP:
    case TK_PGDN: {
        if (mods)
            return false;
        long page = v->height > 2 ? v->height - 1 : 1;
        long delta = base == TK_PGUP ? -page : page;
        size_t col = want_col(v, tabw);
        view_scroll(v, delta);
        move_lines(v, delta, sel, tabw);
        v->want_col = col;
        v->want_col_set = true;
        return true;
    }
    case TK_HOME:
        if (mods == TK_CTRL) {
            move_to(v, 0, sel);
        } else if (!mods) {
            size_t line = buffer_line_of(b, v->cursor), fnb = first_nonblank(b, line);
            move_to(v, v->cursor == fnb ? buffer_line_start(b, line) : fnb, sel);
        } else {
            return false;
        }
        return true;
    case TK_END:
        if (mods == TK_CTRL)
            move_to(v, buffer_length(b), sel);
        else if (!mods)
            move_to(v, vis_end(b, buffer_line_of(b, v->cursor)), sel);
        else
            return false;
        return true;
    case TK_ENTER:
        if (mods)
            return false;
        newline(v, env);
        return true;
    case TK_TAB:
        if (k == (TK_SHIFT | TK_TAB))
            indent_lines(v, env, true);
        else if (k == TK_TAB)
            tab_key(v, env);
        else
            return false;
        return true;
    case TK_BACKSPACE:
        if (mods & TK_ALT)
            return false;
        backspace(v, env, mods == TK_CTRL);
        return true;
    case TK_DELETE:
        if (mods & TK_ALT)
            return false;
        if (k == (TK_SHIFT | TK_DELETE)) {
            view_cut_line(v, env);
            return true;
        }
        delete_forward(v, mods == TK_CTRL);
        return true;
    default:
        break;
    }
    if (!mods && base < TK_SPECIAL && base >= ' ' && !(k & TK_SHIFT)) {
        char buf[4];
        int n = textnav_utf8_encode(base, buf);
        if (n > 0)
            view_type(v, env, buf, (size_t)n);
        return true;
    }
    return false;
}

/* ---------------------------------------------------------------- drawing */

static void scroll_into_view(View *v, int h, int w, int tabw)
{
    const Buffer *b = B(v);
    size_t line = buffer_line_of(b, v->cursor);
    size_t hh = h > 0 ? (size_t)h : 1;
    if (v->center && (line < v->top || line >= v->top + hh))
        v->top = line > hh / 2 ? line - hh / 2 : 0;
    else if (line < v->top)
        v->top = line;
    else if (line >= v->top + hh)
        v->top = line - hh + 1;
    size_t col = pos_of(v, v->cursor, tabw).col;
    size_t ww = w > 1 ? (size_t)w : 1;
    if (col < v->left)
        v->left = col > ww / 4 ? col - ww / 4 : 0;
    else if (col >= v->left + ww)
        v->left = col - ww * 3 / 4;
    v->center = false;
}

/* One screen row, built in memory: it goes to the window in one call, and
 * only when it differs from what the row shows already. */
typedef struct RowBuf {
    cchar_t *cells; /* one per character: a wide one covers two columns */
    int n, cols, w;
} RowBuf;

static void row_cell(RowBuf *rb, const wchar_t *wc, int width, UiStyle st)
{
    if (rb->cols + width > rb->w)
        return;
    setcchar(&rb->cells[rb->n++], wc, st.attr, st.pair, NULL);
    rb->cols += width;
}

/* A line number right-aligned in width columns and a space: what
 * "%*zu " prints, without snprintf's cost on every row of every frame. */
static void gutter_text(char out[48], int width, size_t n)
{
    char digits[24];
    int nd = 0;
    do {
        digits[nd++] = (char)('0' + n % 10);
        n /= 10;
    } while (n && nd < (int)sizeof digits);
    int len = 0;
    for (int pad = width - nd; pad > 0 && len < 31; pad--)
        out[len++] = ' ';
    while (nd > 0)
        out[len++] = digits[--nd];
    out[len++] = ' ';
    out[len] = '\0';
}

static void row_ascii(RowBuf *rb, const char *s, UiStyle st)
{
    for (; *s; s++) {
        wchar_t wc[2] = {(wchar_t)(unsigned char)*s, 0};
        row_cell(rb, wc, 1, st);
    }
}

typedef struct Marks {
    size_t sel_s, sel_e;
    size_t (*m)[2];
    size_t nm;
    size_t cur_s, cur_e;
} Marks;

static UiStyle style_at(const Marks *mk, size_t off, UiStyle base)
{
    if (off >= mk->sel_s && off < mk->sel_e)
        return ui_style[ROLE_SELECTION];
    if (off >= mk->cur_s && off < mk->cur_e)
        return ui_style[ROLE_MATCH_CURRENT];
    for (size_t i = 0; i < mk->nm; i++)
        if (off >= mk->m[i][0] && off < mk->m[i][1])
            return ui_style[ROLE_MATCH];
    return base;
}

/* One line's visible part, as the drawing of its row needs it. */
typedef struct LineText {
    ColPos p;           /* the first character wholly in view */
    size_t ve, span;    /* the end of the line's text; the bytes styled from p.off */
    int lead;           /* columns of a character cut by the left edge */
    UiStyle lead_style;
    bool eol_selected;  /* the line break is in the selection */
} LineText;

static void line_text(View *v, size_t line, int w, int tabw, const Marks *mk, UiStyle *styles, size_t nstyles,
                      LineText *lt)
{
    const Buffer *b = B(v);
    *lt = (LineText){.ve = vis_end(b, line), .p = pos_at_col(v, line, v->left, tabw)};
    ColPos *p = &lt->p;
    size_t right = v->left + (size_t)w;
    /* A character cut by the left edge shows as spaces. */
    if (p->col < v->left && p->off < lt->ve) {
        uint32_t cp;
        int len = textnav_char_at(b, p->off, &cp);
        Glyph g = glyph_of(cp, len, p->col, tabw);
        for (size_t c = v->left; c < p->col + (size_t)g.width && c < right; c++)
            lt->lead++;
        lt->lead_style = style_at(mk, p->off, ui_style[ROLE_TEXT]);
        p->col += (size_t)g.width;
        p->off += (size_t)len;
    }
    /* The styles of the visible bytes, from the highlighter. */
    lt->span = lt->ve - p->off < nstyles ? lt->ve - p->off : nstyles;
    for (size_t i = 0; i < lt->span; i++)
        styles[i] = ui_style[ROLE_TEXT];
    if (v->hl && hooks && hooks->style && lt->span)
        hooks->style(v->hl, p->off, p->off + lt->span, styles);
    lt->eol_selected = mk->sel_s <= lt->ve && mk->sel_e > lt->ve && lt->ve < buffer_length(b);
}

/* FNV-1a, over what decides a row's cells. */
static void sig_add(uint64_t *h, const void *data, size_t n)
{
    const unsigned char *c = data;
    for (size_t i = 0; i < n; i++)
        *h = (*h ^ c[i]) * 0x100000001b3ULL;
}

static void sig_style(uint64_t *h, UiStyle st)
{
    sig_add(h, &st.attr, sizeof st.attr);
    sig_add(h, &st.pair, sizeof st.pair);
}

/* The bytes in view with their final styles, where the row starts and
 * which tab stops it meets: the same signature, the same cells. */
static void line_sig(View *v, const LineText *lt, int tabw, const Marks *mk, const UiStyle *styles, char *bytes,
                     uint64_t *h)
{
    int fields[] = {lt->lead, (int)(lt->p.col % (size_t)tabw), lt->eol_selected};
    sig_add(h, fields, sizeof fields);
    sig_style(h, lt->lead_style);
    buffer_copy(B(v), lt->p.off, lt->p.off + lt->span, bytes);
    sig_add(h, bytes, lt->span);
    for (size_t i = 0; i < lt->span; i++)
        sig_style(h, style_at(mk, lt->p.off + i, styles[i]));
}

static void draw_line(View *v, RowBuf *rb, int w, const LineText *lt, int tabw, const Marks *mk,
                      const UiStyle *styles)
{
    const Buffer *b = B(v);
    size_t ve = lt->ve, span = lt->span;
    ColPos p = lt->p;
    size_t right = v->left + (size_t)w;
    for (int i = 0; i < lt->lead; i++)
        row_ascii(rb, " ", lt->lead_style);
    size_t base_off = p.off;
    TextReader r;
    reader_init(&r, b, p.off, ve);
    while (p.col < right) {
        uint32_t cp;
        int len = reader_next(&r, &cp);
        if (!len)
            break;
        size_t rel = p.off - base_off;
        UiStyle base = rel < span ? styles[rel] : ui_style[ROLE_TEXT];
        UiStyle st = style_at(mk, p.off, base);
        Glyph g = glyph_of(cp, len, p.col, tabw);
        if (p.col + (size_t)g.width > right) {
            /* A wide character that does not fit: fill the edge. */
            for (; p.col < right; p.col++)
                row_ascii(rb, " ", st);
            break;
        }
        switch (g.kind) {
        case GLYPH_TEXT: {
            wchar_t wc[CCHARW_MAX + 1] = {(wchar_t)cp, 0};
            if (g.width == 0) {
                /* A mark with no letter before it on screen: show it on a
                 * dotted circle. */
                wc[0] = 0x25CC;
                wc[1] = (wchar_t)cp;
                wc[2] = 0;
                row_cell(rb, wc, 1, st);
                p.col++;
                break;
            }
            /* Marks that follow belong in the same cell. */
            int nw = 1;
            for (;;) {
                TextReader peek = r;
                uint32_t mcp;
                int mlen = reader_next(&peek, &mcp);
                if (!mlen || !is_mark(mcp))
                    break;
                if (nw < CCHARW_MAX - 1)
                    wc[nw++] = (wchar_t)mcp;
                r = peek;
                len += mlen;
            }
            wc[nw] = 0;
            row_cell(rb, wc, g.width, st);
            break;
        }
        case GLYPH_TAB:
            for (int i = 0; i < g.width; i++)
                row_ascii(rb, " ", st);
            break;
        case GLYPH_CONTROL: {
            char s[3] = {'^', (char)(cp == 0x7F ? '?' : cp + '@'), 0};
            row_ascii(rb, s, st.attr == ui_style[ROLE_TEXT].attr && st.pair == ui_style[ROLE_TEXT].pair
                                  ? ui_style[ROLE_SPECIAL]
                                  : st);
            break;
        }
        case GLYPH_BYTES: {
            unsigned char bytes[4];
            buffer_copy(b, p.off, p.off + (size_t)g.len, (char *)bytes);
            for (int i = 0; i < g.len; i++) {
                char s[8];
                snprintf(s, sizeof s, "<%02X>", bytes[i]);
                row_ascii(rb, s, st.attr == ui_style[ROLE_TEXT].attr && st.pair == ui_style[ROLE_TEXT].pair
                                      ? ui_style[ROLE_SPECIAL]
                                      : st);
            }
            break;
        }
        }
        if (g.width > 0 || g.kind != GLYPH_TEXT)
            p.col += (size_t)(g.width > 0 ? g.width : 0);
        p.off += (size_t)len;
    }
    /* A selected line break shows as one selected cell. */
    if (p.col < right && p.off >= ve && lt->eol_selected && p.col >= v->left) {
        row_ascii(rb, " ", ui_style[ROLE_SELECTION]);
        p.col++;
    }
}

void row_cache_forget(RowCache *rc)
{
    rc->h = rc->w = 0;
}

void row_cache_free(RowCache *rc)
{
    free(rc->known);
    free(rc->sig);
    free(rc->narrow);
    free(rc->shown);
    free(rc->styles);
    free(rc->bytes);
    free(rc->cells);
    *rc = (RowCache){0};
}

bool row_cache_holds(const RowCache *rc, int y, int x, int h, int w)
{
    return rc->h > 0 && rc->y == y && rc->x == x && rc->h == h && rc->w == w;
}

/* One drawing of the text area: where it is, what is in view, and the
 * scratch space its rows are built in. */
typedef struct Frame {
    int y, x, h, w;
    int gutter, tw, tabw;
    size_t count, last, cur_line;
    Marks mk;
    size_t (*matches)[2];
    UiStyle *styles;
    size_t nstyles;
    char *bytes;
    cchar_t *cells;
    cchar_t blank;
    uint64_t seed;
    bool own; /* the scratch space is the frame's, not rc's */
} Frame;

/* The area's layout, and the scroll that brings the cursor into view. */
static void frame_place(View *v, Frame *f, int y, int x, int h, int w, const Config *cfg)
{
    const Buffer *b = B(v);
    *f = (Frame){.y = y, .x = x, .h = h, .w = w, .tabw = tab_width(cfg), .count = buffer_line_count(b)};
    if (!cfg || cfg->line_numbers) {
        int digits = 1;
        for (size_t n = f->count; n >= 10; n /= 10)
            digits++;
        f->gutter = (digits < 3 ? 3 : digits) + 1;
        if (f->gutter > w / 2)
            f->gutter = 0;
    }
    f->tw = w - f->gutter;
    v->y = y;
    v->x = x;
    v->height = h;
    v->width = f->tw;
    v->gutter = f->gutter;
    if (v->follow)
        scroll_into_view(v, h, f->tw, f->tabw);
    v->follow = false;
    if (v->top >= f->count)
        v->top = f->count - 1;
    f->last = v->top + (size_t)h - 1;
    if (f->last >= f->count)
        f->last = f->count - 1;
    f->cur_line = buffer_line_of(b, v->cursor);
    f->mk = (Marks){SIZE_MAX, SIZE_MAX, NULL, 0, SIZE_MAX, SIZE_MAX};
}

/* The signature every row's starts from: every style a row may use, so
 * that a theme change draws every row again. */
static uint64_t frame_seed(int tabw)
{
    uint64_t seed = 0xcbf29ce484222325ULL;
    for (int r = 0; r < ROLE_COUNT; r++)
        sig_style(&seed, ui_style[r]);
    sig_add(&seed, &tabw, sizeof tabw);
    return seed;
}

/* The scratch space, kept in rc from frame to frame when there is one:
 * a keystroke's echo should not spend its time in the allocator. */
static void frame_alloc(Frame *f, RowCache *rc)
{
    f->nstyles = (size_t)(f->tw > 0 ? f->tw : 1) * 8 + 16;
    size_t ncells = (size_t)(f->w > 0 ? f->w : 1);
    if (rc && rc->nstyles >= f->nstyles && rc->ncells >= ncells) {
        f->styles = rc->styles;
        f->bytes = rc->bytes;
        f->cells = rc->cells;
    } else {
        f->styles = xcalloc(f->nstyles, sizeof *f->styles);
        f->bytes = xmalloc(f->nstyles);
        f->cells = xcalloc(ncells, sizeof *f->cells);
        if (rc) {
            free(rc->styles);
            free(rc->bytes);
            free(rc->cells);
            rc->styles = f->styles;
            rc->bytes = f->bytes;
            rc->cells = f->cells;
            rc->nstyles = f->nstyles;
            rc->ncells = ncells;
        }
    }
    f->own = !rc;
    setcchar(&f->blank, L" ", ui_style[ROLE_TEXT].attr, ui_style[ROLE_TEXT].pair, NULL);
}

static void frame_free(Frame *f)
{
    if (f->own) {
        free(f->bytes);
        free(f->cells);
        free(f->styles);
    }
    free(f->matches);
}

/* One row of the area: built and written only when what it shows
 * changed since rc last saw it. */
static void frame_row(View *v, WINDOW *win, Frame *f, RowCache *rc, int row)
{
    size_t line = v->top + (size_t)row;
    uint64_t sig = f->seed;
    char num[48] = "";
    LineText lt = {0};
    if (line < f->count) {
        if (f->gutter)
            gutter_text(num, (f->gutter - 1) & 31, line + 1);
        sig_add(&sig, num, strlen(num) + 1);
        sig_add(&sig, &(bool){line == f->cur_line}, sizeof(bool));
        if (f->tw > 0) {
            line_text(v, line, f->tw, f->tabw, &f->mk, f->styles, f->nstyles, &lt);
            line_sig(v, &lt, f->tabw, &f->mk, f->styles, f->bytes, &sig);
        }
    }
    if (rc && rc->known[row] && rc->sig[row] == sig)
        return;
    RowBuf rb = {f->cells, 0, 0, f->w};
    if (line < f->count) {
        if (f->gutter)
            row_ascii(&rb, num, ui_style[line == f->cur_line ? ROLE_GUTTER_CURRENT : ROLE_GUTTER]);
        if (f->tw > 0)
            draw_line(v, &rb, f->tw, &lt, f->tabw, &f->mk, f->styles);
    }
    for (; rb.cols < f->w; rb.cols++)
        rb.cells[rb.n++] = f->blank;
    if (!rc) {
        mvwadd_wchnstr(win, f->y + row, f->x, rb.cells, rb.n);
        return;
    }
    /* A row of one cell per column, as it showed one: only the cells
     * that differ go to the window (curses spends a hundred instructions
     * on each cell written, and compares them all again on refresh). */
    cchar_t *shown = rc->shown + (size_t)row * (size_t)f->w;
    bool narrow = rb.n == f->w;
    if (rc->known[row] && rc->narrow[row] && narrow) {
        int first = 0, last = rb.n - 1;
        while (first < rb.n && !memcmp(&shown[first], &rb.cells[first], sizeof *shown))
            first++;
        while (last > first && !memcmp(&shown[last], &rb.cells[last], sizeof *shown))
            last--;
        if (first < rb.n)
            mvwadd_wchnstr(win, f->y + row, f->x + first, rb.cells + first, last - first + 1);
    } else {
        mvwadd_wchnstr(win, f->y + row, f->x, rb.cells, rb.n);
    }
    if (narrow)
        memcpy(shown, rb.cells, (size_t)rb.n * sizeof *shown);
    rc->narrow[row] = narrow;
    rc->known[row] = true;
    rc->sig[row] = sig;
}

static void frame_cursor(View *v, const Frame *f, int *cy, int *cx)
{
    *cy = *cx = -1;
    if (f->cur_line >= v->top && f->cur_line <= f->last) {
        size_t col = pos_of(v, v->cursor, f->tabw).col;
        if (col >= v->left && col < v->left + (size_t)f->tw) {
            *cy = f->y + (int)(f->cur_line - v->top);
            *cx = f->x + f->gutter + (int)(col - v->left);
        }
    }
}

void view_draw(View *v, WINDOW *win, int y, int x, int h, int w, const Config *cfg, const Search *search,
               size_t cur_start, size_t cur_end, RowCache *rc, int *cy, int *cx)
{
    const Buffer *b = B(v);
    Frame f;
    frame_place(v, &f, y, x, h, w, cfg);
    if (v->hl && hooks && hooks->prepare)
        hooks->prepare(v->hl, v->top, f.last);
    f.mk.cur_s = cur_start;
    f.mk.cur_e = cur_end;
    size_t s, e;
    if (view_selection(v, &s, &e))
        f.mk.sel_s = s, f.mk.sel_e = e;
    if (search) {
        f.matches = xcalloc(512, sizeof *f.matches);
        f.mk.m = f.matches;
        f.mk.nm = search_all(search, b, buffer_line_start(b, v->top), buffer_line_end(b, f.last) + 1, f.matches,
                             512);
    }
    if (rc && !row_cache_holds(rc, y, x, h, w) && h > 0 && w > 0) {
        row_cache_free(rc);
        *rc = (RowCache){.y = y, .x = x, .h = h, .w = w, .known = xcalloc((size_t)h, sizeof *rc->known),
                         .sig = xcalloc((size_t)h, sizeof *rc->sig), .narrow = xcalloc((size_t)h, sizeof *rc->narrow),
                         .shown = xcalloc((size_t)h * (size_t)w, sizeof *rc->shown)};
    }
    frame_alloc(&f, rc);
    f.seed = frame_seed(f.tabw);
    term_plain(win);
    for (int row = 0; row < h && w > 0; row++)
        frame_row(v, win, &f, rc, row);
    frame_free(&f);
    frame_cursor(v, &f, cy, cx);
    if (rc) {
        rc->view = v->serial;
        rc->top = v->top;
        rc->left = v->left;
        rc->lines = f.count;
        rc->cur_line = f.cur_line;
        rc->gutter = f.gutter;
        rc->plain = !search && cur_start == SIZE_MAX && f.mk.sel_s == SIZE_MAX;
        rc->seed = f.seed;
    }
}

bool view_draw_echo(View *v, WINDOW *win, int y, int x, int h, int w, const Config *cfg, RowCache *rc, int *cy,
                    int *cx)
{
    *cy = *cx = -1;
    if (!rc || !row_cache_holds(rc, y, x, h, w) || !rc->plain || h <= 0 || w <= 0)
        return false;
    Frame f;
    frame_place(v, &f, y, x, h, w, cfg);
    size_t s, e;
    /* Only the cursor's row may have changed: the same view (another
     * tab is everything changed), the same scroll, the same lines around
     * it, no marks that span rows. */
    if (v->serial != rc->view || v->top != rc->top || v->left != rc->left || f.count != rc->lines || f.cur_line != rc->cur_line ||
        f.gutter != rc->gutter || view_selection(v, &s, &e) || f.cur_line < v->top || f.cur_line > f.last)
        return false;
    if (v->hl && hooks && (!hooks->ready || !hooks->ready(v->hl, v->top, f.last)))
        return false;
    frame_alloc(&f, rc);
    f.seed = rc->seed;
    term_plain(win);
    frame_row(v, win, &f, rc, (int)(f.cur_line - v->top));
    frame_free(&f);
    frame_cursor(v, &f, cy, cx);
    return *cy >= 0;
}
