#include "grammar.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

typedef struct GrammarQuerySource {
    const char *name;
    const char *text;
    size_t len;
    struct {
        const char *file;
        size_t offset;
    } seg[8];
    unsigned nseg;
} GrammarQuerySource;

/* Generated from the fetched grammars and grammars/queries (see
 * grammars/gen-queries): the highlight query text of every grammar. */
#include "grammar_queries.h"

const TSLanguage *tree_sitter_python(void);
const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_go(void);
const TSLanguage *tree_sitter_c(void);
const TSLanguage *tree_sitter_cpp(void);
const TSLanguage *tree_sitter_java(void);
const TSLanguage *tree_sitter_php(void);
const TSLanguage *tree_sitter_rust(void);

static const struct {
    const char *name;
    const TSLanguage *(*language)(void);
} languages[] = {
    {"python", tree_sitter_python}, {"javascript", tree_sitter_javascript},
    {"go", tree_sitter_go},         {"c", tree_sitter_c},
    {"cpp", tree_sitter_cpp},       {"java", tree_sitter_java},
    {"php", tree_sitter_php},       {"rust", tree_sitter_rust},
};

#define NGRAMMARS (sizeof languages / sizeof *languages)

const char *const grammar_names[] = {"python", "javascript", "go", "c", "cpp", "java", "php", "rust"};
const unsigned grammar_count = NGRAMMARS;

typedef enum { PRED_EQ, PRED_MATCH, PRED_ANY_OF } PredKind;

struct GrammarPredicate {
    PredKind kind;
    bool negate;
    uint32_t capture;
    /* PRED_EQ against another capture, when other_capture is set. */
    bool has_other;
    uint32_t other_capture;
    /* PRED_EQ: one string; PRED_ANY_OF: several. */
    const char **strings;
    uint32_t *lens;
    uint32_t nstrings;
    pcre2_code *re;
};

static struct {
    Grammar g;
    bool tried;
    bool ok;
    char error[sizeof(((Err *)0)->msg)];
} slots[NGRAMMARS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

static const GrammarQuerySource *query_source(const char *name)
{
    for (size_t i = 0; i < sizeof grammar_query_sources / sizeof *grammar_query_sources; i++)
        if (strcmp(grammar_query_sources[i].name, name) == 0)
            return &grammar_query_sources[i];
    return NULL;
}

/* "file:line" of a byte offset into a grammar's query text. */
static void query_place(const GrammarQuerySource *src, uint32_t offset, char *out, size_t n)
{
    unsigned s = 0;
    for (unsigned i = 0; i < src->nseg; i++)
        if (src->seg[i].offset <= offset)
            s = i;
    unsigned line = 1;
    for (size_t i = src->seg[s].offset; i < offset && i < src->len; i++)
        if (src->text[i] == '\n')
            line++;
    snprintf(out, n, "%s:%u", src->seg[s].file, line);
}

static const char *query_error_name(TSQueryError e)
{
    switch (e) {
    case TSQueryErrorSyntax: return "syntax error";
    case TSQueryErrorNodeType: return "unknown node type";
    case TSQueryErrorField: return "unknown field";
    case TSQueryErrorCapture: return "unknown capture";
    case TSQueryErrorStructure: return "impossible pattern";
    case TSQueryErrorLanguage: return "language version mismatch";
    default: return "error";
    }
}

static void free_predicates(Grammar *g)
{
    if (!g->preds)
        return;
    for (uint32_t p = 0; p < g->npatterns; p++) {
        for (uint32_t i = 0; i < g->npreds[p]; i++) {
            GrammarPredicate *pr = &g->preds[p][i];
            free(pr->strings);
            free(pr->lens);
            if (pr->re)
                pcre2_code_free(pr->re);
        }
        free(g->preds[p]);
    }
    free(g->preds);
    free(g->npreds);
    g->preds = NULL;
    g->npreds = NULL;
}

/* One predicate: steps[0] is its name, the rest its arguments, up to the
 * Done step.  Unknown predicates are skipped (*keep = false). */
static bool compile_predicate(const Grammar *g, uint32_t pattern, const TSQueryPredicateStep *steps,
                              uint32_t n, GrammarPredicate *out, bool *keep, Err *err)
{
    uint32_t len;
    const char *op = ts_query_string_value_for_id(g->query, steps[0].value_id, &len);
    memset(out, 0, sizeof *out);
    *keep = true;
    const char *base = op;
    if (strncmp(op, "not-", 4) == 0) {
        out->negate = true;
        base = op + 4;
    }
    if (strcmp(base, "eq?") == 0)
        out->kind = PRED_EQ;
    else if (strcmp(base, "match?") == 0 || strcmp(base, "vim-match?") == 0)
        out->kind = PRED_MATCH;
    else if (strcmp(base, "any-of?") == 0)
        out->kind = PRED_ANY_OF;
    else {
        *keep = false; /* #set!, #is?, #is-not?, ...: not about highlighting here */
        return true;
    }
    if (n < 3 || steps[1].type != TSQueryPredicateStepTypeCapture)
        return err_set(err, "grammar %s: pattern %u: #%s needs a capture and an argument", g->name,
                       pattern, op);
    out->capture = steps[1].value_id;
    if (out->kind == PRED_EQ && steps[2].type == TSQueryPredicateStepTypeCapture) {
        out->has_other = true;
        out->other_capture = steps[2].value_id;
        return true;
    }
    uint32_t nargs = n - 2;
    if (out->kind != PRED_ANY_OF && nargs != 1)
        return err_set(err, "grammar %s: pattern %u: #%s takes one argument", g->name, pattern, op);
    out->strings = xcalloc(nargs, sizeof *out->strings);
    out->lens = xcalloc(nargs, sizeof *out->lens);
    out->nstrings = nargs;
    for (uint32_t i = 0; i < nargs; i++) {
        if (steps[2 + i].type != TSQueryPredicateStepTypeString)
            return err_set(err, "grammar %s: pattern %u: #%s takes strings", g->name, pattern, op);
        out->strings[i] = ts_query_string_value_for_id(g->query, steps[2 + i].value_id, &out->lens[i]);
    }
    if (out->kind == PRED_MATCH) {
        int code;
        PCRE2_SIZE at;
        out->re = pcre2_compile((PCRE2_SPTR)out->strings[0], out->lens[0], 0, &code, &at, NULL);
        if (!out->re) {
            char msg[200];
            pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof msg);
            return err_set(err, "grammar %s: pattern %u: bad regex \"%s\": %s", g->name, pattern,
                           out->strings[0], msg);
        }
        (void)pcre2_jit_compile(out->re, PCRE2_JIT_COMPLETE); /* faster when available */
    }
    return true;
}

static bool compile_predicates(Grammar *g, Err *err)
{
    g->npatterns = ts_query_pattern_count(g->query);
    g->preds = xcalloc(g->npatterns ? g->npatterns : 1, sizeof *g->preds);
    g->npreds = xcalloc(g->npatterns ? g->npatterns : 1, sizeof *g->npreds);
    for (uint32_t p = 0; p < g->npatterns; p++) {
        uint32_t nsteps;
        const TSQueryPredicateStep *steps = ts_query_predicates_for_pattern(g->query, p, &nsteps);
        uint32_t start = 0;
        for (uint32_t i = 0; i < nsteps; i++) {
            if (steps[i].type != TSQueryPredicateStepTypeDone)
                continue;
            if (i > start) {
                GrammarPredicate pr;
                bool keep;
                if (!compile_predicate(g, p, steps + start, i - start, &pr, &keep, err)) {
                    free(pr.strings);
                    free(pr.lens);
                    return false;
                }
                if (keep) {
                    g->preds[p] = xreallocarray(g->preds[p], g->npreds[p] + 1, sizeof pr);
                    g->preds[p][g->npreds[p]++] = pr;
                }
            }
            start = i + 1;
        }
    }
    return true;
}

static bool load(Grammar *g, size_t idx, Err *err)
{
    g->name = languages[idx].name;
    g->language = languages[idx].language();
    const GrammarQuerySource *src = query_source(g->name);
    if (!src)
        return err_set(err, "grammar %s: no highlight query was built in", g->name);
    uint32_t off = 0;
    TSQueryError qe = TSQueryErrorNone;
    g->query = ts_query_new(g->language, src->text, (uint32_t)src->len, &off, &qe);
    if (!g->query) {
        char place[300];
        query_place(src, off, place, sizeof place);
        return err_set(err, "grammar %s: highlight query does not load: %s at %s", g->name,
                       query_error_name(qe), place);
    }
    if (!compile_predicates(g, err)) {
        free_predicates(g);
        ts_query_delete(g->query);
        g->query = NULL;
        return false;
    }
    return true;
}

const Grammar *grammar_get(const char *name, Err *err)
{
    size_t idx = NGRAMMARS;
    for (size_t i = 0; i < NGRAMMARS; i++)
        if (name && strcmp(languages[i].name, name) == 0)
            idx = i;
    if (idx == NGRAMMARS) {
        err_set(err, "no tree-sitter grammar called '%s'", name ? name : "(none)");
        return NULL;
    }
    pthread_mutex_lock(&slots_lock);
    if (!slots[idx].tried) {
        Err e;
        slots[idx].tried = true;
        slots[idx].ok = load(&slots[idx].g, idx, &e);
        if (!slots[idx].ok)
            snprintf(slots[idx].error, sizeof slots[idx].error, "%s", e.msg);
    }
    bool ok = slots[idx].ok;
    if (!ok)
        err_set(err, "%s", slots[idx].error);
    pthread_mutex_unlock(&slots_lock);
    return ok ? &slots[idx].g : NULL;
}

/* Predicates read identifiers and short literals; a longer node is
 * compared by its first bytes (and its length, for #eq?). */
#define PRED_TEXT_MAX 1024

static bool eq_ok(const GrammarPredicate *pr, const TSQueryMatch *m, TSNode node, const char *txt,
                  uint32_t n, uint32_t full, GrammarTextFn text, void *ctx)
{
    if (!pr->has_other)
        return full == pr->lens[0] && memcmp(txt, pr->strings[0], n) == 0;
    for (uint16_t i = 0; i < m->capture_count; i++) {
        if (m->captures[i].index != pr->other_capture)
            continue;
        TSNode o = m->captures[i].node;
        uint32_t ofull = ts_node_end_byte(o) - ts_node_start_byte(o);
        if (ofull != full)
            return false;
        char buf[PRED_TEXT_MAX];
        uint32_t on = text(ctx, ts_node_start_byte(o), ts_node_end_byte(o), buf, sizeof buf);
        return on == n && memcmp(buf, txt, n) == 0;
    }
    (void)node;
    return false;
}

static bool one_ok(const GrammarPredicate *pr, const TSQueryMatch *m, TSNode node, GrammarTextFn text,
                   void *ctx)
{
    char buf[PRED_TEXT_MAX];
    uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
    uint32_t full = end - start;
    uint32_t n = text(ctx, start, end, buf, sizeof buf);
    bool ok = false;
    switch (pr->kind) {
    case PRED_EQ:
        ok = eq_ok(pr, m, node, buf, n, full, text, ctx);
        break;
    case PRED_ANY_OF:
        for (uint32_t i = 0; i < pr->nstrings && !ok; i++)
            ok = full == pr->lens[i] && n == full && memcmp(buf, pr->strings[i], n) == 0;
        break;
    case PRED_MATCH: {
        /* Whether it matches is all we ask: one pair of offsets is room
         * enough, and one block per thread serves every match. */
        static __thread pcre2_match_data *md;
        if (!md)
            md = pcre2_match_data_create(1, NULL);
        ok = md && pcre2_match(pr->re, (PCRE2_SPTR)buf, n, 0, 0, md, NULL) >= 0;
        break;
    }
    }
    return ok != pr->negate;
}

bool grammar_match_ok(const Grammar *g, const TSQueryMatch *m, GrammarTextFn text, void *ctx)
{
    if (m->pattern_index >= g->npatterns)
        return true;
    for (uint32_t i = 0; i < g->npreds[m->pattern_index]; i++) {
        const GrammarPredicate *pr = &g->preds[m->pattern_index][i];
        for (uint16_t c = 0; c < m->capture_count; c++)
            if (m->captures[c].index == pr->capture && !one_ok(pr, m, m->captures[c].node, text, ctx))
                return false;
    }
    return true;
}
