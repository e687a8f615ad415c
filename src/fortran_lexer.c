#include "fortran_lexer.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Sorted (for bsearch), lower case. */
static const char *const keywords[] = {
    "abstract", "allocatable", "allocate", "assign", "associate", "asynchronous", "backspace",
    "bind", "block", "blockdata", "call", "case", "class", "close", "codimension", "common",
    "concurrent", "contains", "contiguous", "continue", "critical", "cycle", "data", "deallocate",
    "default", "deferred", "dimension", "do", "elemental", "else", "elseif", "elsewhere", "end",
    "endassociate", "endblock", "enddo", "endfile", "endforall", "endfunction", "endif",
    "endinterface", "endmodule", "endprogram", "endselect", "endsubroutine", "endtype", "endwhere",
    "entry", "enum", "enumerator", "equivalence", "error", "exit", "extends", "external", "final",
    "flush", "forall", "format", "function", "generic", "goto", "if", "implicit", "import",
    "impure", "include", "inquire", "intent", "interface", "intrinsic", "module", "namelist",
    "non_overridable", "none", "nopass", "nullify", "only", "open", "operator", "optional",
    "parameter", "pass", "pause", "pointer", "print", "private", "procedure", "program",
    "protected", "public", "pure", "read", "recursive", "result", "return", "rewind", "save",
    "select", "sequence", "stop", "submodule", "subroutine", "sync", "target", "then", "type",
    "use", "value", "volatile", "wait", "where", "while", "write",
};

static const char *const types[] = {
    "byte", "character", "complex", "double", "doublecomplex", "doubleprecision", "integer",
    "logical", "precision", "real",
};

static const char *const intrinsics[] = {
    "abs", "achar", "acos", "acosh", "adjustl", "adjustr", "aimag", "aint", "all", "allocated",
    "anint", "any", "asin", "asinh", "associated", "atan", "atan2", "atanh", "bit_size", "btest",
    "ceiling", "char", "cmplx", "conjg", "cos", "cosh", "count", "cpu_time", "cshift",
    "date_and_time", "dble", "digits", "dim", "dot_product", "dprod", "eoshift", "epsilon", "exp",
    "exponent", "findloc", "floor", "fraction", "get_command_argument", "huge", "iachar", "iand",
    "ibclr", "ibits", "ibset", "ichar", "ieor", "index", "int", "ior", "ishft", "ishftc", "kind",
    "lbound", "len", "len_trim", "lge", "lgt", "lle", "llt", "log", "log10", "matmul", "max",
    "maxloc", "maxval", "merge", "min", "minloc", "minval", "mod", "modulo", "move_alloc",
    "mvbits", "nearest", "nint", "norm2", "not", "pack", "precision", "present", "product",
    "radix", "random_number", "random_seed", "range", "repeat", "reshape", "rrspacing", "scale",
    "scan", "selected_int_kind", "selected_real_kind", "set_exponent", "shape", "sign", "sin",
    "sinh", "size", "spacing", "spread", "sqrt", "sum", "system_clock", "tan", "tanh", "tiny",
    "transfer", "transpose", "trim", "ubound", "unpack", "verify",
};

#define COUNT(a) (sizeof(a) / sizeof *(a))

static int cmp_word(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

static bool in_list(const char *word, const char *const *list, size_t n)
{
    return bsearch(word, list, n, sizeof *list, cmp_word) != NULL;
}

const char *fortran_token_capture(FortranTokenKind kind)
{
    static const char *const names[FTOK_COUNT] = {
        [FTOK_KEYWORD] = "keyword",
        [FTOK_TYPE] = "type.builtin",
        [FTOK_TYPE_NAME] = "type",
        [FTOK_STRING] = "string",
        [FTOK_COMMENT] = "comment",
        [FTOK_NUMBER] = "number",
        [FTOK_OPERATOR] = "operator",
        [FTOK_FUNCTION] = "function",
        [FTOK_FUNCTION_BUILTIN] = "function.builtin",
        [FTOK_CONSTANT_BUILTIN] = "constant.builtin",
        [FTOK_MODULE] = "module",
        [FTOK_LABEL] = "label",
        [FTOK_DIRECTIVE] = "keyword.directive",
        [FTOK_CONTINUATION] = "punctuation.special",
    };
    return kind < FTOK_COUNT ? names[kind] : NULL;
}

typedef struct Lexer {
    const char *s;
    size_t len; /* end of the statement part of the line */
    FortranForm form;
    FortranState *state;
    FortranEmitFn emit;
    void *ctx;
    /* The word before the current one, lower case, for names that follow a
     * keyword (call NAME, subroutine NAME, type NAME). */
    char prev[32];
} Lexer;

static void emit(Lexer *lx, size_t start, size_t end, FortranTokenKind kind)
{
    if (end <= start)
        return;
    FortranToken t = {(uint32_t)start, (uint32_t)end, kind};
    lx->emit(lx->ctx, &t);
}

static bool is_word_start(char c)
{
    return isalpha((unsigned char)c) || c == '_';
}

static bool is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$';
}

/* At a '.': the length of ".word." (letters only), or 0. */
static size_t dotted_word(const Lexer *lx, size_t i, char *word, size_t cap)
{
    size_t j = i + 1, n = 0;
    while (j < lx->len && isalpha((unsigned char)lx->s[j])) {
        if (n + 1 < cap)
            word[n++] = (char)tolower((unsigned char)lx->s[j]);
        j++;
    }
    word[n] = '\0';
    if (j == i + 1 || j >= lx->len || lx->s[j] != '.')
        return 0;
    return j + 1 - i;
}

/* A character constant from i (at its opening quote, or at the start of a
 * continued one when opened is true).  Returns where it ends. */
static size_t lex_string(Lexer *lx, size_t i, char quote, bool opened)
{
    size_t j = opened ? i : i + 1;
    while (j < lx->len) {
        if (lx->s[j] == quote) {
            if (j + 1 < lx->len && lx->s[j + 1] == quote) {
                j += 2; /* a doubled quote stands for itself */
                continue;
            }
            emit(lx, i, j + 1, FTOK_STRING);
            lx->state->quote = 0;
            return j + 1;
        }
        j++;
    }
    /* Unclosed: free form continues it with a trailing &, fixed form with a
     * mark in column 6 of the next line.  Either way the next line starts
     * inside the constant; a line that does not continue resets that. */
    size_t end = lx->len;
    if (lx->form == FORTRAN_FREE) {
        size_t k = end;
        while (k > i && isspace((unsigned char)lx->s[k - 1]))
            k--;
        if (k > i && lx->s[k - 1] == '&') {
            emit(lx, i, k - 1, FTOK_STRING);
            emit(lx, k - 1, k, FTOK_CONTINUATION);
            lx->state->quote = quote;
            return end;
        }
        lx->state->quote = 0;
    } else {
        lx->state->quote = quote;
    }
    emit(lx, i, end, FTOK_STRING);
    return end;
}

static size_t lex_number(Lexer *lx, size_t i)
{
    const char *s = lx->s;
    size_t j = i;
    char word[16];
    while (j < lx->len && isdigit((unsigned char)s[j]))
        j++;
    /* "1.eq.2": the dot belongs to the operator, not the number. */
    if (j < lx->len && s[j] == '.' && !dotted_word(lx, j, word, sizeof word)) {
        j++;
        while (j < lx->len && isdigit((unsigned char)s[j]))
            j++;
    }
    if (j < lx->len && strchr("eEdDqQ", s[j])) {
        size_t k = j + 1;
        if (k < lx->len && (s[k] == '+' || s[k] == '-'))
            k++;
        if (k < lx->len && isdigit((unsigned char)s[k])) {
            while (k < lx->len && isdigit((unsigned char)s[k]))
                k++;
            j = k;
        }
    }
    if (j + 1 < lx->len && s[j] == '_' && is_word_char(s[j + 1])) { /* kind: 1.0_dp, 8_int64 */
        j++;
        while (j < lx->len && is_word_char(s[j]))
            j++;
    }
    emit(lx, i, j, FTOK_NUMBER);
    return j;
}

static size_t skip_spaces(const Lexer *lx, size_t j)
{
    while (j < lx->len && (lx->s[j] == ' ' || lx->s[j] == '\t'))
        j++;
    return j;
}

static bool followed_by_to(const Lexer *lx, size_t k)
{
    return k + 1 < lx->len && tolower((unsigned char)lx->s[k]) == 't' &&
           tolower((unsigned char)lx->s[k + 1]) == 'o' && (k + 2 >= lx->len || !is_word_char(lx->s[k + 2]));
}

static size_t lex_word(Lexer *lx, size_t i)
{
    const char *s = lx->s;
    size_t j = i;
    char w[32];
    size_t n = 0;
    while (j < lx->len && is_word_char(s[j])) {
        if (n + 1 < sizeof w)
            w[n++] = (char)tolower((unsigned char)s[j]);
        j++;
    }
    w[n] = '\0';
    size_t after = skip_spaces(lx, j);
    bool call = after < lx->len && s[after] == '(';
    /* BOZ constants: b'0101', o'17', z'ff'. */
    if (n == 1 && j < lx->len && (s[j] == '\'' || s[j] == '"') && strchr("boz", w[0])) {
        size_t k = j + 1;
        while (k < lx->len && s[k] != s[j])
            k++;
        if (k < lx->len) {
            emit(lx, i, k + 1, FTOK_NUMBER);
            lx->prev[0] = '\0';
            return k + 1;
        }
    }
    FortranTokenKind kind;
    bool plain = false;
    const char *p = lx->prev;
    if (strcmp(p, "subroutine") == 0 || strcmp(p, "function") == 0 || strcmp(p, "call") == 0 ||
        strcmp(p, "entry") == 0)
        kind = FTOK_FUNCTION;
    else if (strcmp(p, "program") == 0 || strcmp(p, "module") == 0 || strcmp(p, "submodule") == 0 ||
             strcmp(p, "use") == 0)
        kind = FTOK_MODULE;
    else if (strcmp(p, "type") == 0 && !in_list(w, keywords, COUNT(keywords)) &&
             !in_list(w, types, COUNT(types)))
        kind = FTOK_TYPE_NAME; /* type point, end type point, type(point) */
    else if (in_list(w, types, COUNT(types)))
        kind = FTOK_TYPE;
    else if (strcmp(w, "type") == 0 && call)
        kind = FTOK_TYPE; /* type(point) :: p declares, like integer */
    else if (strcmp(w, "to") == 0)
        kind = FTOK_KEYWORD, plain = strcmp(p, "go") != 0; /* "go to", else a name */
    else if (strcmp(w, "go") == 0)
        kind = FTOK_KEYWORD, plain = !followed_by_to(lx, after);
    else if ((strcmp(w, "in") == 0 || strcmp(w, "out") == 0 || strcmp(w, "inout") == 0) &&
             strcmp(p, "intent") == 0)
        kind = FTOK_KEYWORD;
    else if (in_list(w, keywords, COUNT(keywords)))
        kind = FTOK_KEYWORD;
    else if (call && in_list(w, intrinsics, COUNT(intrinsics)))
        kind = FTOK_FUNCTION_BUILTIN;
    else
        kind = FTOK_KEYWORD, plain = true;
    if (!plain)
        emit(lx, i, j, kind);
    snprintf(lx->prev, sizeof lx->prev, "%s", w);
    return j;
}

static size_t lex_operator(Lexer *lx, size_t i)
{
    static const char *const ops[] = {"**", "//", "==", "/=", "<=", ">=", "=>", "::",
                                      "<", ">", "=", "+", "-", "*", "/", "%"};
    for (size_t k = 0; k < COUNT(ops); k++) {
        size_t n = strlen(ops[k]);
        if (i + n <= lx->len && memcmp(lx->s + i, ops[k], n) == 0) {
            /* "::" and "%" separate rather than compute: left plain. */
            if (strcmp(ops[k], "::") != 0 && strcmp(ops[k], "%") != 0)
                emit(lx, i, i + n, FTOK_OPERATOR);
            return i + n;
        }
    }
    return i + 1;
}

/* The statement part of a line, from i. */
static void lex_body(Lexer *lx, size_t i)
{
    const char *s = lx->s;
    char word[16];
    while (i < lx->len) {
        char c = s[i];
        if (c == ' ' || c == '\t') {
            i++;
        } else if (c == '!') {
            emit(lx, i, lx->len, FTOK_COMMENT);
            return;
        } else if (c == '\'' || c == '"') {
            i = lex_string(lx, i, c, false);
        } else if (isdigit((unsigned char)c) ||
                   (c == '.' && i + 1 < lx->len && isdigit((unsigned char)s[i + 1]))) {
            i = lex_number(lx, i);
        } else if (c == '.') {
            size_t n = dotted_word(lx, i, word, sizeof word);
            if (n == 0) {
                i++;
                continue;
            }
            size_t end = i + n;
            if (strcmp(word, "true") == 0 || strcmp(word, "false") == 0) {
                if (end + 1 < lx->len && s[end] == '_' && is_word_char(s[end + 1]))
                    for (end++; end < lx->len && is_word_char(s[end]); end++)
                        ;
                emit(lx, i, end, FTOK_CONSTANT_BUILTIN);
            } else {
                /* .and. and the rest, or a user-defined operator (.cross.) */
                emit(lx, i, end, FTOK_OPERATOR);
            }
            i = end;
        } else if (is_word_start(c)) {
            i = lex_word(lx, i);
        } else if (c == '&' && lx->form == FORTRAN_FREE) {
            emit(lx, i, i + 1, FTOK_CONTINUATION);
            i++;
        } else if (c == ';') {
            lx->prev[0] = '\0';
            i++;
        } else {
            i = lex_operator(lx, i);
        }
    }
}

static void lex_free(Lexer *lx)
{
    size_t i = skip_spaces(lx, 0);
    if (lx->state->quote) {
        char q = lx->state->quote;
        if (i < lx->len && lx->s[i] == '&') {
            emit(lx, i, i + 1, FTOK_CONTINUATION);
            i++;
        } else {
            i = 0; /* without a leading &, the blanks are part of the constant */
        }
        i = lex_string(lx, i, q, true);
    } else if (i < lx->len && lx->s[i] == '#') {
        emit(lx, i, lx->len, FTOK_DIRECTIVE);
        return;
    }
    lex_body(lx, i);
}

static void lex_fixed(Lexer *lx, size_t full)
{
    const char *s = lx->s;
    if (full == 0)
        return;
    if (strchr("Cc*!Dd", s[0])) {
        emit(lx, 0, full, FTOK_COMMENT);
        lx->state->quote = 0;
        return;
    }
    if (s[0] == '#') {
        emit(lx, 0, full, FTOK_DIRECTIVE);
        return;
    }
    /* Columns 73 and on are outside the statement: old sequence numbers. */
    lx->len = full > 72 ? 72 : full;
    /* The label field is columns 1-5, or what precedes a tab in the first
     * six columns (the tab form compilers accept). */
    size_t tab = 0;
    while (tab < 6 && tab < lx->len && s[tab] != '\t')
        tab++;
    bool tab_form = tab < 6 && tab < lx->len;
    size_t label_end = tab_form ? tab : (lx->len < 5 ? lx->len : 5);
    size_t body = tab_form ? tab + 1 : 6;
    bool cont = false;
    if (tab_form && body < lx->len && s[body] >= '1' && s[body] <= '9') {
        emit(lx, body, body + 1, FTOK_CONTINUATION);
        cont = true;
        body++;
    } else if (!tab_form && lx->len > 5 && s[5] != ' ' && s[5] != '0') {
        emit(lx, 5, 6, FTOK_CONTINUATION);
        cont = true;
    }
    size_t a = 0;
    while (a < label_end && s[a] == ' ')
        a++;
    size_t b = a;
    while (b < label_end && isdigit((unsigned char)s[b]))
        b++;
    emit(lx, a, b, FTOK_LABEL);

    size_t i = body < lx->len ? body : lx->len;
    if (lx->state->quote && cont)
        i = lex_string(lx, i, lx->state->quote, true);
    else
        lx->state->quote = 0;
    lex_body(lx, i);
    if (full > 72)
        emit(lx, 72, full, FTOK_COMMENT);
}

void fortran_lex_line(FortranForm form, const char *line, size_t len, FortranState *state,
                      FortranEmitFn emit_fn, void *ctx)
{
    Lexer lx = {.s = line, .len = len, .form = form, .state = state, .emit = emit_fn, .ctx = ctx};
    /* CRLF files: the \r is not part of the statement. */
    if (lx.len > 0 && line[lx.len - 1] == '\r')
        lx.len--;
    if (form == FORTRAN_FIXED)
        lex_fixed(&lx, lx.len);
    else
        lex_free(&lx);
}
