/* Finding text in a buffer: plain strings and POSIX extended regular
 * expressions (matched within one line), forwards and backwards with
 * wrap-around, every match of a range (to highlight what is on screen),
 * and the replacement text of a match (\0..\9 name the groups of a
 * regex).  Case: a pattern with no capital letter ignores case ("smart
 * case"), one with a capital matches it exactly; letters are those of
 * the LC_CTYPE locale (UTF-8 in the IDE), so É, Σ and Ж count, and a
 * match's length in the text may differ from the pattern's (ẞ is 3
 * bytes, ß 2). */
#ifndef TIDE_SEARCH_H
#define TIDE_SEARCH_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buffer.h"
#include "err.h"

#define SEARCH_LEADS 8

typedef struct Search {
    char *pattern;
    size_t len;
    bool regex;
    bool icase;
    regex_t re;
    bool compiled;
    /* A plain search ignoring case: the pattern's characters folded
     * (search.c: fold), and the bytes a match can start with. */
    uint32_t *folded;
    size_t nfolded;
    unsigned char leads[SEARCH_LEADS];
    int nleads; /* 0: any byte */
} Search;

/* Prepare a search; false (with a message) for a bad regex or an empty
 * pattern.  s is usable (and must be freed) only when true. */
bool search_init(Search *s, const char *pattern, bool regex, Err *err);
void search_free(Search *s);

/* The first match starting at or after `from`; with wrap, continues from
 * the start of the text.  Sets [*start, *end). */
bool search_next(const Search *s, const Buffer *b, size_t from, bool wrap, size_t *start, size_t *end);
/* The last match starting before `before`; with wrap, continues from the
 * end of the text. */
bool search_prev(const Search *s, const Buffer *b, size_t before, bool wrap, size_t *start, size_t *end);
/* Matches starting in [from, to), at most max, into out as (start, end)
 * pairs; returns how many. */
size_t search_all(const Search *s, const Buffer *b, size_t from, size_t to, size_t (*out)[2], size_t max);
/* The text that replaces the match [start, end): repl as it is for a
 * plain search; for a regex, \0..\9 become the groups, \n \t \\ what
 * they say.  Sets *len. */
char *search_expand(const Search *s, const Buffer *b, size_t start, size_t end, const char *repl, size_t *len);

#endif
