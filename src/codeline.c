#include "codeline.h"

#include <stdbool.h>
#include <string.h>

#include "textnav.h"

typedef struct Syntax {
    bool hash, slashes, bang; /* line comments: #, // (and block comments), ! */
    bool char_quote;          /* ' starts a character literal (or is a Rust lifetime), not a string */
    bool backtick;            /* `...` is a string */
    bool raw_backtick;        /* ... in which a backslash is itself (Go) */
    bool escapes;             /* a backslash escapes the next character in a string */
} Syntax;

static Syntax syntax_of(LangId id)
{
    switch (id) {
    case LANG_PYTHON:
        return (Syntax){.hash = true, .escapes = true};
    case LANG_PHP:
        return (Syntax){.hash = true, .slashes = true, .escapes = true};
    case LANG_NODE:
        return (Syntax){.slashes = true, .backtick = true, .escapes = true};
    case LANG_GO:
        return (Syntax){.slashes = true, .char_quote = true, .backtick = true, .raw_backtick = true, .escapes = true};
    case LANG_FORTRAN:
        /* A quote in a string is doubled: two strings back to back, as
         * far as finding the comment goes. */
        return (Syntax){.bang = true};
    default: /* C, C++, Java, Rust */
        return (Syntax){.slashes = true, .char_quote = true, .escapes = true};
    }
}

/* After the character literal that starts at line[i] (a quote), or i + 1
 * when it is none: a Rust lifetime ('a), a stray quote. */
static size_t char_literal_end(const char *line, size_t len, size_t i)
{
    size_t j = i + 1;
    if (j < len && line[j] == '\\') {
        for (j += 2; j < len && line[j] != '\''; j++)
            ;
        return j < len ? j + 1 : i + 1;
    }
    uint32_t cp;
    j += (size_t)textnav_utf8_decode((const unsigned char *)line + j, len - j, &cp);
    return j < len && line[j] == '\'' && line[i + 1] != '\'' ? j + 1 : i + 1;
}

/* After the string that starts at line[i] (its quote), or len when it
 * goes on past the line. */
static size_t string_end(const char *line, size_t len, size_t i, bool escapes)
{
    char q = line[i];
    for (size_t j = i + 1; j < len; j++) {
        if (line[j] == '\\' && escapes)
            j++;
        else if (line[j] == q)
            return j + 1;
    }
    return len;
}

size_t codeline_end(const Lang *lang, const char *line, size_t len)
{
    size_t end = 0;
    if (!lang) {
        for (size_t i = 0; i < len; i++)
            if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '\n')
                end = i + 1;
        return end;
    }
    Syntax sx = syntax_of(lang->id);
    size_t i = 0;
    while (i < len) {
        char c = line[i];
        char next = i + 1 < len ? line[i + 1] : 0;
        /* PHP's #[ starts an attribute. */
        if ((sx.hash && c == '#' && !(lang->id == LANG_PHP && next == '[')) || (sx.bang && c == '!') ||
            (sx.slashes && c == '/' && next == '/'))
            break;
        if (sx.slashes && c == '/' && next == '*') {
            const char *close = NULL;
            for (size_t j = i + 2; j + 1 < len && !close; j++)
                if (line[j] == '*' && line[j + 1] == '/')
                    close = line + j;
            if (!close)
                break;
            i = (size_t)(close - line) + 2;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            i++;
            continue;
        }
        if (c == '"' || (c == '\'' && !sx.char_quote) || (c == '`' && sx.backtick)) {
            i = string_end(line, len, i, sx.escapes && !(c == '`' && sx.raw_backtick));
        } else if (c == '\'') {
            i = char_literal_end(line, len, i);
        } else {
            i++;
        }
        end = i;
    }
    return end;
}
