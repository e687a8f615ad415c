/* Find (incremental as the pattern is typed), replace (one by one or
 * all, as one undo step) and go to line, driven from the prompt line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ide.h"
#include "xalloc.h"

/* Matches past this many are replaced by rebuilding the text once. */
#define REPLACE_ONE_BY_ONE 1000

void find_clear(Ide *ide)
{
    if (ide->search.pattern)
        search_free(&ide->search);
    ide->search_on = false;
    ide->has_match = false;
    ide->dirty = true;
}

static bool compile(Ide *ide, const char *pattern, bool quiet)
{
    if (ide->search.pattern)
        search_free(&ide->search);
    Err err;
    if (!search_init(&ide->search, pattern, ide->find_regex, &err)) {
        if (!quiet || pattern[0])
            ide_message(ide, true, "%s", err.msg);
        ide->search_on = false;
        return false;
    }
    ide->search_on = true;
    return true;
}

static bool select_next(Ide *ide, Tab *t, size_t from, bool backwards, bool *wrapped)
{
    size_t s, e;
    const Buffer *b = t->doc->buf;
    bool found = backwards ? search_prev(&ide->search, b, from, false, &s, &e)
                           : search_next(&ide->search, b, from, false, &s, &e);
    *wrapped = false;
    if (!found) {
        found = backwards ? search_prev(&ide->search, b, buffer_length(b), false, &s, &e)
                          : search_next(&ide->search, b, 0, false, &s, &e);
        *wrapped = found;
    }
    ide->has_match = found;
    if (found) {
        ide->match_s = s;
        ide->match_e = e;
        view_select(t->view, s, e);
    }
    return found;
}

static const char *find_label(Ide *ide, bool replace)
{
    static char label[128];
    snprintf(label, sizeof label, "%s%s (Alt-R: %s): ", replace ? "Replace" : "Find",
             ide->find_regex ? " regex" : "", ide->find_regex ? "plain text" : "regex");
    return label;
}

static void on_find_change(Ide *ide, const char *text, void *ud)
{
    (void)ud;
    Tab *t = ide_tab(ide);
    if (!t)
        return;
    if (!text[0] || !compile(ide, text, true)) {
        ide->has_match = false;
        t->view->selecting = false;
        t->view->cursor = ide->find_origin;
        t->view->follow = true;
        return;
    }
    bool wrapped;
    if (!select_next(ide, t, ide->find_origin, false, &wrapped)) {
        t->view->selecting = false;
        t->view->cursor = ide->find_origin;
        t->view->follow = true;
        ide_message(ide, false, "'%s' is not in %s", text, document_name(t->doc));
    } else {
        ide->msg[0] = '\0';
    }
}

static bool on_find_key(Ide *ide, Key k, void *ud)
{
    bool replace = ud != NULL;
    if (k != (TK_ALT | 'r'))
        return false;
    ide->find_regex = !ide->find_regex;
    snprintf(ide->prompt.label, sizeof ide->prompt.label, "%s", find_label(ide, replace));
    if (!replace)
        on_find_change(ide, ide->prompt.text.data ? ide->prompt.text.data : "", NULL);
    return true;
}

static void on_find_cancel(Ide *ide, void *ud)
{
    (void)ud;
    Tab *t = ide_tab(ide);
    find_clear(ide);
    if (t) {
        t->view->selecting = false;
        t->view->cursor = ide->find_origin;
        t->view->follow = true;
    }
}

static void on_find_submit(Ide *ide, const char *text, void *ud)
{
    (void)ud;
    if (!text[0]) {
        find_clear(ide);
        return;
    }
    free(ide->last_find);
    ide->last_find = xstrdup(text);
    if (!compile(ide, text, false))
        return;
    Tab *t = ide_tab(ide);
    if (ide->has_match)
        ide_message(ide, false, "%s: next match, %s: previous, Esc: stop highlighting", ide_key(ide, ACT_FIND_NEXT),
                    ide_key(ide, ACT_FIND_PREV));
    else if (t)
        /* Said again: what was said as it was typed went with the prompt. */
        ide_message(ide, false, "'%s' is not in %s", text, document_name(t->doc));
}

/* ---------------------------------------------------------------- replace */

static void replace_ask(Ide *ide);

static size_t replace_all(Ide *ide, Tab *t)
{
    Buffer *b = t->doc->buf;
    size_t cap = 1024, n = 0, s, e;
    size_t (*m)[2] = xcalloc(cap, sizeof *m);
    size_t from = 0;
    while (search_next(&ide->search, b, from, false, &s, &e)) {
        if (n == cap) {
            cap *= 2;
            m = xreallocarray(m, cap, sizeof *m);
        }
        m[n][0] = s;
        m[n][1] = e;
        n++;
        from = e > s ? e : s + 1;
        if (from > buffer_length(b))
            break;
    }
    if (n == 0) {
        free(m);
        return 0;
    }
    buffer_checkpoint(b, t->view->cursor);
    if (n <= REPLACE_ONE_BY_ONE) {
        /* From the last match back, so earlier offsets stay right. */
        for (size_t i = n; i-- > 0;) {
            size_t len;
            char *r = search_expand(&ide->search, b, m[i][0], m[i][1], ide->replace_with, &len);
            buffer_replace(b, m[i][0], m[i][1], r, len);
            free(r);
        }
    } else {
        StrBuf out = {0};
        size_t prev = 0;
        for (size_t i = 0; i < n; i++) {
            size_t len;
            char *keep = buffer_dup(b, prev, m[i][0], &len);
            sb_append(&out, keep, len);
            free(keep);
            char *r = search_expand(&ide->search, b, m[i][0], m[i][1], ide->replace_with, &len);
            sb_append(&out, r, len);
            free(r);
            prev = m[i][1];
        }
        size_t len;
        char *rest = buffer_dup(b, prev, buffer_length(b), &len);
        sb_append(&out, rest, len);
        free(rest);
        buffer_replace(b, 0, buffer_length(b), out.data, out.len);
        sb_free(&out);
    }
    buffer_checkpoint(b, t->view->cursor);
    t->view->selecting = false;
    t->view->follow = true;
    free(m);
    return n;
}

static void replace_one(Ide *ide, Tab *t)
{
    Buffer *b = t->doc->buf;
    size_t len;
    char *r = search_expand(&ide->search, b, ide->match_s, ide->match_e, ide->replace_with, &len);
    buffer_checkpoint(b, ide->match_s);
    buffer_replace(b, ide->match_s, ide->match_e, r, len);
    buffer_checkpoint(b, ide->match_s + len);
    free(r);
    if (ide->replace_wrapped)
        ide->replace_origin = ide->replace_origin + len - (ide->match_e - ide->match_s);
    t->view->selecting = false;
    t->view->cursor = ide->match_s + len;
    /* An empty match must not be found again at the same place. */
    if (ide->match_e == ide->match_s && t->view->cursor < buffer_length(b))
        t->view->cursor++;
    ide->replaced++;
}

static void on_replace_answer(Ide *ide, const char *answer, void *ud)
{
    (void)ud;
    Tab *t = ide_tab(ide);
    if (!t)
        return;
    switch (answer[0]) {
    case 'y':
        replace_one(ide, t);
        break;
    case 'n':
        t->view->selecting = false;
        t->view->cursor = ide->match_e > ide->match_s ? ide->match_e : ide->match_s + 1;
        break;
    case 'a': {
        size_t n = replace_all(ide, t);
        ide_message(ide, false, "replaced %zu", ide->replaced + n);
        find_clear(ide);
        return;
    }
    default:
        break;
    }
    replace_ask(ide);
}

static void on_replace_stop(Ide *ide, void *ud)
{
    (void)ud;
    ide_message(ide, false, "replaced %zu", ide->replaced);
    find_clear(ide);
}

static void replace_ask(Ide *ide)
{
    Tab *t = ide_tab(ide);
    size_t s, e;
    bool found = search_next(&ide->search, t->doc->buf, t->view->cursor, false, &s, &e);
    if (!found && !ide->replace_wrapped) {
        /* On from the top, up to where it started. */
        ide->replace_wrapped = true;
        found = search_next(&ide->search, t->doc->buf, 0, false, &s, &e);
    }
    if (found && ide->replace_wrapped && s >= ide->replace_origin)
        found = false;
    if (!found) {
        if (ide->replaced)
            ide_message(ide, false, "replaced %zu", ide->replaced);
        else
            ide_message(ide, false, "'%s' is not in %s", ide->last_find, document_name(t->doc));
        find_clear(ide);
        return;
    }
    ide->has_match = true;
    ide->match_s = s;
    ide->match_e = e;
    view_select(t->view, s, e);
    prompt_choice(ide, "Replace this match? (y)es, (n)o, (a)ll, Esc: stop ", "yna", on_replace_answer,
                  on_replace_stop, NULL);
}

static void on_replace_with(Ide *ide, const char *text, void *ud)
{
    (void)ud;
    free(ide->replace_with);
    ide->replace_with = xstrdup(text);
    ide->replaced = 0;
    ide->replace_origin = ide_tab(ide)->view->cursor;
    ide->replace_wrapped = false;
    replace_ask(ide);
}

static void on_replace_pattern(Ide *ide, const char *text, void *ud)
{
    (void)ud;
    if (!text[0] || !compile(ide, text, false))
        return;
    free(ide->last_find);
    ide->last_find = xstrdup(text);
    char label[600];
    snprintf(label, sizeof label, "Replace '%.60s'%s with%s: ", text, ide->find_regex ? " (regex)" : "",
             ide->find_regex ? " (\\1.. groups)" : "");
    prompt_text(ide, label, ide->replace_with, on_replace_with, NULL, on_find_cancel, NULL);
}

void find_start(Ide *ide, bool replace)
{
    Tab *t = ide_tab(ide);
    if (!t)
        return;
    if (replace && t->doc->locked) {
        t->view->refused = true; /* the IDE says why */
        return;
    }
    ide->find_origin = t->view->cursor;
    /* A short selection on one line is what to look for. */
    size_t s, e;
    char *initial = NULL;
    if (view_selection(t->view, &s, &e) && e - s < 200 &&
        buffer_line_of(t->doc->buf, s) == buffer_line_of(t->doc->buf, e)) {
        initial = buffer_dup(t->doc->buf, s, e, NULL);
        ide->find_origin = s;
    } else if (ide->last_find) {
        initial = xstrdup(ide->last_find);
    }
    if (replace) {
        prompt_text(ide, find_label(ide, true), initial, on_replace_pattern, NULL, on_find_cancel, (void *)1);
    } else {
        prompt_text(ide, find_label(ide, false), initial, on_find_submit, on_find_change, on_find_cancel, NULL);
        if (initial)
            on_find_change(ide, initial, NULL);
    }
    ide->prompt.key = on_find_key;
    free(initial);
}

void find_next(Ide *ide, bool backwards)
{
    Tab *t = ide_tab(ide);
    if (!t)
        return;
    if (!ide->last_find) {
        find_start(ide, false);
        return;
    }
    if (!ide->search.pattern && !compile(ide, ide->last_find, false))
        return;
    ide->search_on = true;
    size_t s = t->view->cursor, e = t->view->cursor;
    view_selection(t->view, &s, &e);
    size_t from = backwards ? s : (e > s ? e : s + 1);
    if (!backwards && from > buffer_length(t->doc->buf))
        from = buffer_length(t->doc->buf);
    bool wrapped;
    if (!select_next(ide, t, from, backwards, &wrapped))
        ide_message(ide, false, "'%s' is not in %s", ide->last_find, document_name(t->doc));
    else if (wrapped)
        ide_message(ide, false, backwards ? "search wrapped to the bottom" : "search wrapped to the top");
}

/* ---------------------------------------------------------------- go to line */

bool goto_parse(const char *text, long *line, long *col)
{
    while (*text == ' ')
        text++;
    if (*text < '0' || *text > '9')
        return false;
    char *end;
    errno = 0;
    *line = strtol(text, &end, 10);
    *col = 1;
    if (*end == ':' || *end == ',')
        *col = strtol(end + 1, &end, 10);
    while (*end == ' ')
        end++;
    return !*end && !errno && *line >= 1 && *col >= 1;
}

#define NOT_A_LINE " is not a line number (write 42 or 42:7)"

static void on_goto(Ide *ide, const char *text, void *ud)
{
    (void)ud;
    Tab *t = ide_tab(ide);
    if (!t || !text[0])
        return;
    long line, col;
    if (!goto_parse(text, &line, &col)) {
        ide_message(ide, true, "'%s'" NOT_A_LINE, text);
        return;
    }
    size_t count = buffer_line_count(t->doc->buf);
    /* What an earlier try was told is over (another error stays on). */
    size_t n = strlen(ide->msg), tail = strlen(NOT_A_LINE);
    if (n > tail && !strcmp(ide->msg + n - tail, NOT_A_LINE))
        ide->msg[0] = '\0';
    if ((size_t)line > count)
        ide_message(ide, false, "%s has %zu lines", document_name(t->doc), count);
    view_goto(t->view, (size_t)line - 1, (size_t)col - 1);
}

void goto_start(Ide *ide)
{
    if (!ide_tab(ide))
        return;
    prompt_text(ide, "Go to line[:column]: ", NULL, on_goto, NULL, NULL, NULL);
}
