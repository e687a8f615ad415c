/* The prompt line at the bottom of the screen: questions answered with
 * one key, and lines of text (find, replace, go to line, open, save as)
 * with the usual editing keys and Tab completion of file names. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "argsplit.h"
#include "fileio.h"
#include "ide.h"
#include "natcmp.h"
#include "textnav.h"
#include "xalloc.h"

static void open_prompt(Ide *ide, const char *label, PromptSubmit submit, PromptCancel cancel, void *ud)
{
    Prompt *p = &ide->prompt;
    prompt_close(ide);
    *p = (Prompt){.active = true, .submit = submit, .cancel = cancel, .ud = ud};
    snprintf(p->label, sizeof p->label, "%s", label);
    ide->dirty = true;
}

void prompt_text(Ide *ide, const char *label, const char *initial, PromptSubmit submit, PromptSubmit change,
                 PromptCancel cancel, void *ud)
{
    open_prompt(ide, label, submit, cancel, ud);
    Prompt *p = &ide->prompt;
    p->change = change;
    if (initial)
        sb_puts(&p->text, initial);
    p->cursor = p->text.len;
    /* A suggestion is selected: typing replaces it, arrows keep it. */
    p->fresh = p->text.len > 0;
}

void prompt_choice(Ide *ide, const char *question, const char *choices, PromptSubmit submit,
                   PromptCancel cancel, void *ud)
{
    open_prompt(ide, question, submit, cancel, ud);
    ide->prompt.choice = true;
    snprintf(ide->prompt.choices, sizeof ide->prompt.choices, "%s", choices);
}

void prompt_close(Ide *ide)
{
    if (ide->prompt.active && ide->prompt.drop)
        ide->prompt.drop(ide->prompt.ud);
    sb_free(&ide->prompt.text);
    ide->prompt = (Prompt){0};
    ide->dirty = true;
}

static const char *text_of(const Prompt *p)
{
    return p->text.data ? p->text.data : "";
}

/* Close the prompt and call back; the callback may open another. */
static void finish(Ide *ide, bool ok, const char *answer)
{
    Prompt p = ide->prompt;
    char *copy = xstrdup(answer);
    ide->prompt = (Prompt){0};
    ide->dirty = true;
    if (ok && p.submit)
        p.submit(ide, copy, p.ud);
    else if (!ok && p.cancel)
        p.cancel(ide, p.ud);
    free(copy);
    sb_free(&p.text);
}

static void insert(Prompt *p, const char *s, size_t n)
{
    StrBuf nb = {0};
    sb_append(&nb, text_of(p), p->cursor);
    sb_append(&nb, s, n);
    sb_append(&nb, text_of(p) + p->cursor, p->text.len - p->cursor);
    sb_free(&p->text);
    p->text = nb;
    p->cursor += n;
}

static size_t prev_char(const Prompt *p, size_t off)
{
    while (off > 0) {
        off--;
        if ((text_of(p)[off] & 0xC0) != 0x80)
            break;
    }
    return off;
}

static size_t next_char(const Prompt *p, size_t off)
{
    if (off >= p->text.len)
        return off;
    uint32_t cp;
    return off + (size_t)textnav_utf8_decode((const unsigned char *)text_of(p) + off, p->text.len - off, &cp);
}

static int by_name(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int c = natcmp(x, y);
    return c ? c : strcmp(x, y);
}

/* The names a Tab could complete to, above the prompt, as a shell lists
 * them: in the file tree's order, folders marked with '/'. */
static void list_matches(Ide *ide, const char *full, const char *prefix, StrList *names)
{
    qsort(names->items, names->len, sizeof *names->items, by_name);
    StrBuf m = {0};
    sb_printf(&m, "%zu names start with '%s':", names->len, prefix);
    /* More than a few rows could show are left out. */
    for (size_t i = 0; i < names->len && m.len < 480; i++) {
        char *path = xasprintf("%s%s", full, names->items[i]);
        sb_printf(&m, "  %s%s", names->items[i], fileio_is_dir(path) ? "/" : "");
        free(path);
    }
    ide_message(ide, false, "%s", m.data);
    sb_free(&m);
}

/* A completed name's rest; in a command line, escaped as it is read. */
static void insert_name(Prompt *p, const char *s, size_t n)
{
    if (!p->complete_words) {
        insert(p, s, n);
        return;
    }
    StrBuf e = {0};
    args_escape(s, n, &e);
    insert(p, e.data ? e.data : "", e.len);
    sb_free(&e);
}

/* Complete the file name before the cursor (in a command line, its last
 * word) to the longest common prefix of the names in its folder (relative
 * names are from the IDE's root, or complete_dir). */
static void complete(Ide *ide, Prompt *p)
{
    char *text = xstrndup(text_of(p), p->cursor);
    const char *word = p->complete_words ? args_last_word(text) : text;
    const char *slash = strrchr(word, '/');
    char *dir = slash ? xstrndup(word, (size_t)(slash - word) + 1) : xstrdup("");
    const char *prefix = slash ? slash + 1 : word;
    const char *base = p->complete_words ? p->complete_dir : ide->root;
    char *full = dir[0] == '/' ? xstrdup(dir) : xasprintf("%s/%s", base, dir);
    DIR *d = opendir(full);
    char *common = NULL;
    StrList names = {0};
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
                continue;
            if (prefix[0] != '.' && e->d_name[0] == '.')
                continue;
            sl_push(&names, e->d_name);
            if (!common) {
                common = xstrdup(e->d_name);
            } else {
                size_t i = 0;
                while (common[i] && common[i] == e->d_name[i])
                    i++;
                common[i] = '\0';
            }
        }
        closedir(d);
    }
    if (common && strlen(common) >= strlen(prefix)) {
        insert_name(p, common + strlen(prefix), strlen(common) - strlen(prefix));
        if (names.len == 1) {
            char *path = xasprintf("%s%s", full, common);
            if (fileio_is_dir(path))
                insert(p, "/", 1);
            free(path);
        }
    }
    if (names.len > 1)
        list_matches(ide, full, prefix, &names);
    else if (names.len == 0)
        ide_message(ide, false, "no file starts with '%s'", prefix);
    sl_free(&names);
    free(common);
    free(full);
    free(dir);
    free(text);
}

bool prompt_event(Ide *ide, const InputEvent *ev)
{
    Prompt *p = &ide->prompt;
    if (!p->active)
        return false;
    ide->dirty = true;
    if (ev->key == TK_MOUSE || ev->key == TK_RESIZE)
        return false;
    if (ev->key == TK_ESC || ev->key == (TK_CTRL | 'q') || ev->key == (TK_CTRL | 'c')) {
        finish(ide, false, "");
        return true;
    }
    if (p->choice) {
        Key k = ev->key;
        if (k < 128 && k >= 'A' && k <= 'Z')
            k += 32;
        if (k < 128 && strchr(p->choices, (int)k) && k) {
            char answer[2] = {(char)k, 0};
            finish(ide, true, answer);
        }
        return true; /* a question takes every key until answered */
    }
    if (p->key && p->key(ide, ev->key, p->ud))
        return true;
    bool changed = false;
    size_t left_out = 0; /* lines of a paste past its first */
    if (p->fresh) {
        p->fresh = false;
        bool typing = ev->key == TK_PASTE || (ev->key < TK_SPECIAL && ev->key >= ' ');
        if (typing || ev->key == TK_BACKSPACE || ev->key == TK_DELETE) {
            p->text.len = 0;
            p->text.data[0] = '\0';
            p->cursor = 0;
            if (!typing) {
                if (p->change)
                    p->change(ide, "", p->ud);
                return true;
            }
        }
    }
    switch (ev->key) {
    case TK_ENTER:
        finish(ide, true, text_of(p));
        return true;
    case TK_PASTE: {
        /* Only the first line: a prompt holds one. */
        size_t n = 0;
        while (n < ev->paste_len && ev->paste[n] != '\r' && ev->paste[n] != '\n')
            n++;
        insert(p, ev->paste, n);
        changed = true;
        /* Line breaks come as \r from a terminal, \n or \r\n from a file. */
        for (size_t i = n; i < ev->paste_len; i++) {
            if (ev->paste[i] == '\r' && i + 1 < ev->paste_len && ev->paste[i + 1] == '\n')
                i++;
            if ((ev->paste[i] == '\r' || ev->paste[i] == '\n') && i + 1 < ev->paste_len)
                left_out++;
        }
        break;
    }
    case TK_LEFT:
        p->cursor = prev_char(p, p->cursor);
        break;
    case TK_RIGHT:
        p->cursor = next_char(p, p->cursor);
        break;
    case TK_HOME:
    case TK_CTRL | 'a':
        p->cursor = 0;
        break;
    case TK_END:
        p->cursor = p->text.len;
        break;
    case TK_BACKSPACE:
        if (p->cursor > 0) {
            size_t from = prev_char(p, p->cursor);
            memmove(p->text.data + from, p->text.data + p->cursor, p->text.len - p->cursor + 1);
            p->text.len -= p->cursor - from;
            p->cursor = from;
            changed = true;
        }
        break;
    case TK_DELETE:
        if (p->cursor < p->text.len) {
            size_t to = next_char(p, p->cursor);
            memmove(p->text.data + p->cursor, p->text.data + to, p->text.len - to + 1);
            p->text.len -= to - p->cursor;
            changed = true;
        }
        break;
    case TK_CTRL | 'u':
        p->text.len = 0;
        if (p->text.data)
            p->text.data[0] = '\0';
        p->cursor = 0;
        changed = true;
        break;
    case TK_TAB:
        if (p->complete_paths || p->complete_words) {
            complete(ide, p);
            changed = true;
        }
        break;
    default:
        if (ev->key < TK_SPECIAL && ev->key >= ' ') {
            char buf[4];
            int n = textnav_utf8_encode(ev->key, buf);
            insert(p, buf, (size_t)n);
            changed = true;
        }
        break;
    }
    if (changed && p->change)
        p->change(ide, text_of(p), p->ud);
    /* Said after what the change says (a find's count), so that what was
     * left out is not thought to be in. */
    if (left_out)
        ide_message(ide, false, "pasted the first line only: a prompt holds one (%zu more line%s left out)",
                    left_out, left_out == 1 ? "" : "s");
    return true;
}

#define PROMPT_ROWS_MAX 4

/* A question wider than the screen wraps onto rows above the prompt's,
 * so that every choice shows. */
static int question_rows(const Prompt *p, int w, size_t *start, size_t *len)
{
    if (!p->active || !p->choice)
        return 1;
    return term_wrap(p->label, w - 1, start, len, PROMPT_ROWS_MAX);
}

int prompt_rows(const Ide *ide, int width)
{
    size_t start[PROMPT_ROWS_MAX], len[PROMPT_ROWS_MAX];
    return question_rows(&ide->prompt, width, start, len);
}

void prompt_draw(Ide *ide, Rect r, int *cy, int *cx)
{
    Prompt *p = &ide->prompt;
    size_t qstart[PROMPT_ROWS_MAX], qlen[PROMPT_ROWS_MAX];
    int rows = question_rows(p, r.w, qstart, qlen);
    term_style(stdscr, ROLE_PROMPT);
    for (int y = r.y - rows + 1; y <= r.y; y++) {
        wmove(stdscr, y, r.x);
        for (int i = 0; i < r.w; i++)
            waddch(stdscr, ' ');
    }
    wmove(stdscr, r.y, r.x);
    int label_w = 0;
    const char *l = p->label;
    if (rows > 1) {
        for (int i = 0; i < rows; i++) {
            char line[sizeof p->label];
            snprintf(line, sizeof line, "%.*s", (int)qlen[i], l + qstart[i]);
            label_w = term_put(r.y - rows + 1 + i, r.x, line, 0, r.w - 1);
        }
    } else if (p->choice) {
        label_w = term_put(r.y, r.x, l, 0, r.w - 1);
    } else {
        /* A long label (Ctrl-F5's, at 50 columns) keeps the line's last
         * third for the answer, and says where it was cut. */
        int room = r.w - 1, answer = room / 3 > 10 ? room / 3 : 10;
        int most = room - answer > 0 ? room - answer : 0;
        label_w = term_put(r.y, r.x, l, 0, most);
        if (label_w == most && term_text_cols(l) > most && most > 2) {
            wmove(stdscr, r.y, r.x + most - 2);
            waddstr(stdscr, "… ");
        }
    }
    if (p->choice) {
        *cy = r.y;
        *cx = r.x + label_w < r.w - 1 ? r.x + label_w : r.w - 1;
        return;
    }
    int avail = r.w - label_w - 1;
    /* Show the end of a long text when the cursor is there. */
    const char *t = text_of(p);
    size_t start = 0;
    int width_before = 0, w;
    for (size_t i = 0; i < p->cursor;) {
        uint32_t cp;
        i += (size_t)textnav_utf8_decode((const unsigned char *)t + i, p->text.len - i, &cp);
        term_char_shown(cp, &w);
        width_before += w;
    }
    while (width_before >= avail && start < p->cursor) {
        uint32_t cp;
        start += (size_t)textnav_utf8_decode((const unsigned char *)t + start, p->text.len - start, &cp);
        term_char_shown(cp, &w);
        width_before -= w;
    }
    UiStyle st = ui_style[p->fresh ? ROLE_SELECTION : ROLE_TEXT];
    wmove(stdscr, r.y, r.x + label_w);
    term_plain(stdscr);
    int col = 0;
    for (size_t i = start; i < p->text.len;) {
        uint32_t cp;
        int n = textnav_utf8_decode((const unsigned char *)t + i, p->text.len - i, &cp);
        wchar_t wc[2] = {term_char_shown(cp, &w), 0};
        if (col + w > avail)
            break;
        cchar_t cc;
        setcchar(&cc, wc, st.attr, st.pair, NULL);
        wadd_wch(stdscr, &cc);
        col += w;
        i += (size_t)n;
    }
    *cy = r.y;
    *cx = r.x + label_w + width_before;
}
