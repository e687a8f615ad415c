#include "argsplit.h"

#include <string.h>

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool args_split(const char *line, StrList *out, Err *err)
{
    StrList words = {0};
    const char *s = line;
    for (;;) {
        while (blank(*s))
            s++;
        if (!*s)
            break;
        StrBuf w = {0};
        sb_puts(&w, ""); /* '' is a word, empty */
        while (*s && !blank(*s)) {
            if (*s == '\'') {
                const char *end = strchr(s + 1, '\'');
                if (!end) {
                    sb_free(&w);
                    sl_free(&words);
                    return err_set(err, "a ' is not closed: close it, or write \\' for the character");
                }
                sb_append(&w, s + 1, (size_t)(end - s - 1));
                s = end + 1;
            } else if (*s == '"') {
                s++;
                while (*s && *s != '"') {
                    if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
                        s++;
                    sb_append(&w, s, 1);
                    s++;
                }
                if (!*s) {
                    sb_free(&w);
                    sl_free(&words);
                    return err_set(err, "a \" is not closed: close it, or write \\\" for the character");
                }
                s++;
            } else if (*s == '\\' && s[1]) {
                sb_append(&w, s + 1, 1);
                s += 2;
            } else {
                sb_append(&w, s, 1);
                s++;
            }
        }
        sl_push_owned(&words, sb_steal(&w));
    }
    for (size_t i = 0; i < words.len; i++)
        sl_push(out, words.items[i]);
    sl_free(&words);
    return true;
}

void args_join(const StrList *args, StrBuf *out)
{
    for (size_t i = 0; i < args->len; i++) {
        const char *a = args->items[i];
        if (i)
            sb_puts(out, " ");
        /* Quoted too what a shell would expand, so that the line means
         * the same pasted into one. */
        if (*a && !strpbrk(a, " \t\n\r'\"\\$`*?[]~;&|<>(){}#!")) {
            sb_puts(out, a);
            continue;
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
}
