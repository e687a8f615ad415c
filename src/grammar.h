/* The tree-sitter grammars compiled into tide and their highlight queries.
 *
 * A Grammar is process-wide and immutable once loaded: its TSLanguage, its
 * highlight query (the grammar's own queries plus ours, see
 * grammars/gen-queries) and the query's predicates, compiled once.  Loading
 * is lazy and thread-safe; a loaded grammar lives until the process ends,
 * so pointers to it (and to its capture names) stay valid.
 *
 * libtree-sitter 0.20 does not evaluate predicates: grammar_match_ok does,
 * for #eq?, #match?, #any-of? and their not- forms.  #match? uses PCRE2,
 * since the queries' regexes are written for Rust's and JavaScript's regex
 * engines (\d, \w); they match bytes, not UTF-8 (the identifiers they test
 * are ASCII, and a file's bytes need not be valid UTF-8).  Predicates tide
 * has no use for (#set!, #is-not? local) are accepted and ignored. */
#ifndef TIDE_GRAMMAR_H
#define TIDE_GRAMMAR_H

#include <stdbool.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "err.h"

typedef struct GrammarPredicate GrammarPredicate;

typedef struct Grammar {
    const char *name; /* "python", as in grammars/pins */
    const TSLanguage *language;
    TSQuery *query;
    uint32_t npatterns;
    /* Per pattern: its predicates, and how many. */
    GrammarPredicate **preds;
    uint32_t *npreds;
} Grammar;

/* How a predicate reads the text of a captured node: copy up to cap bytes
 * of [start, end) into buf and return how many were copied. */
typedef uint32_t (*GrammarTextFn)(void *ctx, uint32_t start, uint32_t end, char *buf, uint32_t cap);

/* The names tide knows, in the order of grammars/pins. */
extern const char *const grammar_names[];
extern const unsigned grammar_count;

/* The grammar called name, loaded on first use.  NULL with err set when
 * there is no such grammar or its query does not load (the message names
 * the query file and line). */
const Grammar *grammar_get(const char *name, Err *err);
/* Whether a match of the grammar's query passes its pattern's predicates. */
bool grammar_match_ok(const Grammar *g, const TSQueryMatch *m, GrammarTextFn text, void *ctx);

#endif
