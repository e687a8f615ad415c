#include "argsplit.h"

#include <stdlib.h>
#include <string.h>

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* What a shell would take as redirection or control, outside quotes. */
static bool shell_operator(char c)
{
    return c == '<' || c == '>' || c == '|' || c == ';' || c == '&';
}

/* One word from *s (not blank, not an operator); NULL with a message at
 * an open quote. */
static char *word(const char **s, Err *err)
{
    const char *p = *s;
    StrBuf w = {0};
    sb_puts(&w, ""); /* '' is a word, empty */
    while (*p && !blank(*p) && !shell_operator(*p)) {
        if (*p == '\'') {
            const char *end = strchr(p + 1, '\'');
            if (!end) {
                sb_free(&w);
                err_set(err, "a ' is not closed: close it, or write \\' for the character");
                return NULL;
            }
            sb_append(&w, p + 1, (size_t)(end - p - 1));
            p = end + 1;
        } else if (*p == '"') {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                    p++;
                sb_append(&w, p, 1);
                p++;
            }
            if (!*p) {
                sb_free(&w);
                err_set(err, "a \" is not closed: close it, or write \\\" for the character");
                return NULL;
            }
            p++;
        } else if (*p == '\\' && p[1]) {
            sb_append(&w, p + 1, 1);
            p += 2;
        } else {
            sb_append(&w, p, 1);
            p++;
        }
    }
    *s = p;
    return sb_steal(&w);
}

bool args_split(const char *line, StrList *out, char **input, Err *err)
{
    *input = NULL;
    StrList words = {0};
    char *in = NULL;
    const char *s = line;
    bool ok = true;
    for (;;) {
        while (blank(*s))
            s++;
        if (!*s)
            break;
        if (*s == '<') {
            s++;
            while (blank(*s))
                s++;
            if (in) {
                ok = err_set(err, "'<' comes twice: the program has one input");
                break;
            }
            if (!*s || shell_operator(*s)) {
                ok = err_set(err, "'<' needs the name of the file to give the program as its input");
                break;
            }
            if (!(in = word(&s, err))) {
                ok = false;
                break;
            }
            if (!*in) {
                ok = err_set(err, "'<' needs the name of the file to give the program as its input");
                break;
            }
            continue;
        }
        if (shell_operator(*s)) {
            if (*s == '>')
                ok = err_set(err, "'>' would need a shell: the output shows here and is kept (F7); "
                                  "quote it to pass it as an argument");
            else
                ok = err_set(err, "'%c' would need a shell, and the program runs without one: "
                                  "quote it to pass it as an argument",
                             *s);
            break;
        }
        char *w = word(&s, err);
        if (!w) {
            ok = false;
            break;
        }
        sl_push_owned(&words, w);
    }
    if (!ok) {
        free(in);
        sl_free(&words);
        return false;
    }
    for (size_t i = 0; i < words.len; i++)
        sl_push(out, words.items[i]);
    sl_free(&words);
    *input = in;
    return true;
}

const char *args_last_word(const char *line)
{
    const char *word = line;
    for (const char *c = line; *c; c++)
        if (blank(*c) || shell_operator(*c))
            word = c + 1;
    return word;
}

void args_escape(const char *s, size_t n, StrBuf *out)
{
    for (size_t i = 0; i < n; i++) {
        if (blank(s[i]) || shell_operator(s[i]) || s[i] == '\'' || s[i] == '"' || s[i] == '\\')
            sb_append(out, "\\", 1);
        sb_append(out, s + i, 1);
    }
}

static void quoted(const char *a, StrBuf *out)
{
    /* Quoted too what a shell would expand, so that the line means the
     * same pasted into one. */
    if (*a && !strpbrk(a, " \t\n\r'\"\\$`*?[]~;&|<>(){}#!")) {
        sb_puts(out, a);
        return;
    }
    /* In single quotes, a ' is closed, escaped and opened again. */
    sb_puts(out, "'");
    for (const char *c = a; *c; c++) {
        if (*c == '\'')
            sb_puts(out, "'\\''");
        else
            sb_append(out, c, 1);
    }
    sb_puts(out, "'");
}

void args_join(const StrList *args, const char *input, StrBuf *out)
{
    for (size_t i = 0; i < args->len; i++) {
        if (i)
            sb_puts(out, " ");
        quoted(args->items[i], out);
    }
    if (input) {
        sb_puts(out, args->len ? " < " : "< ");
        quoted(input, out);
    }
}
