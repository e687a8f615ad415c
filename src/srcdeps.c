#include "srcdeps.h"

#include <ctype.h>
#include <dirent.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"

/* Sources larger than this are not scanned (no one writes one by hand). */
#define SCAN_MAX (4u << 20)
/* Java: how deep below a lib/ folder jars are looked for, and how many. */
#define LIB_DEPTH 3
#define MAX_JARS 256

/* ASCII letters and digits, as isalnum in the C and UTF-8 locales, without
 * a call per byte: every candidate file beside a program is scanned. */
static bool is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

/* ------------------------------------------------------------ C, C++ */

/* text with comments, string and character literals and preprocessor
 * lines turned into spaces, so that braces and names in them do not count. */
static char *c_code_blanked(const char *text, size_t len, bool keep_directives)
{
    char *out = xmalloc(len + 1);
    bool line_start = !keep_directives;
    size_t i = 0;
    while (i < len) {
        char c = text[i];
        if (line_start && c == '#') {
            /* A directive, with its backslash-continued lines. */
            while (i < len && text[i] != '\n') {
                if (text[i] == '\\' && i + 1 < len && text[i + 1] == '\n')
                    out[i] = ' ', i++;
                out[i++] = ' ';
            }
            continue;
        }
        if (c == '/' && i + 1 < len && text[i + 1] == '/') {
            while (i < len && text[i] != '\n')
                out[i++] = ' ';
            continue;
        }
        if (c == '/' && i + 1 < len && text[i + 1] == '*') {
            out[i++] = ' ';
            out[i++] = ' ';
            while (i < len && !(text[i] == '*' && i + 1 < len && text[i + 1] == '/'))
                out[i] = text[i] == '\n' ? '\n' : ' ', i++;
            for (int k = 0; k < 2 && i < len; k++)
                out[i++] = ' ';
            continue;
        }
        if (c == '`') { /* Go's raw string, lines and all (no C has one) */
            out[i++] = ' ';
            while (i < len && text[i] != '`')
                out[i] = text[i] == '\n' ? '\n' : ' ', i++;
            if (i < len)
                out[i++] = ' ';
            continue;
        }
        if (c == '"' || (c == '\'' && !(i > 0 && isxdigit((unsigned char)text[i - 1])))) {
            /* (A ' after a hex digit is C++14's digit separator: 1'000.) */
            out[i++] = ' ';
            while (i < len && text[i] != c && text[i] != '\n') {
                if (text[i] == '\\' && i + 1 < len)
                    out[i++] = ' ';
                out[i++] = ' ';
            }
            if (i < len && text[i] == c)
                out[i++] = ' ';
            continue;
        }
        if (c == '\n')
            line_start = !keep_directives;
        else if (c != ' ' && c != '\t' && c != '\r')
            line_start = false;
        out[i++] = c;
    }
    out[len] = '\0';
    return out;
}

static char *c_code_only(const char *text, size_t len)
{
    return c_code_blanked(text, len, false);
}

static size_t skip_space(const char *s, size_t i, size_t len)
{
    while (i < len && isspace((unsigned char)s[i]))
        i++;
    return i;
}

/* A definition of main at file scope: "main (...)" outside braces and
 * parentheses, not followed by ';' (a declaration) or by what follows a
 * name in an expression. */
static bool c_has_main(const char *text, size_t len)
{
    if (!memmem(text, len, "main", 4))
        return false; /* most helpers: not worth blanking */
    char *s = c_code_only(text, len);
    bool found = false;
    int braces = 0, parens = 0;
    for (size_t i = 0; i < len && !found;) {
        char c = s[i];
        if (c == '{' || c == '}') {
            braces += c == '{' ? 1 : braces > 0 ? -1 : 0;
            i++;
        } else if (c == '(' || c == ')') {
            parens += c == '(' ? 1 : parens > 0 ? -1 : 0;
            i++;
        } else if (is_ident(c)) {
            size_t start = i;
            while (i < len && is_ident(s[i]))
                i++;
            if (braces || parens || i - start != 4 || memcmp(s + start, "main", 4) != 0)
                continue;
            size_t k = skip_space(s, i, len);
            if (k >= len || s[k] != '(')
                continue;
            int depth = 0;
            for (; k < len; k++) {
                if (s[k] == '(')
                    depth++;
                else if (s[k] == ')' && --depth == 0)
                    break;
            }
            k = skip_space(s, k + 1, len);
            found = k < len && !strchr(";,=)", s[k]);
        } else {
            i++;
        }
    }
    free(s);
    return found;
}

/* ------------------------------------------------------------ Java */

/* The first "class NAME" in code (comments and strings blanked). */
static char *first_class(const char *code)
{
    for (const char *p = code; (p = strstr(p, "class")); p += 5) {
        if ((p > code && (is_ident(p[-1]) || p[-1] == '.')) || !isspace((unsigned char)p[5]))
            continue;
        const char *n = p + 5;
        while (isspace((unsigned char)*n))
            n++;
        size_t len = 0;
        while (is_ident(n[len]))
            len++;
        if (len)
            return xstrndup(n, len);
    }
    return NULL;
}

/* The public type in code (comments and strings blanked). */
static char *public_type(const char *code)
{
    regex_t re;
    char *name = NULL;
    if (regcomp(&re,
                "(^|[^A-Za-z0-9_$])public[[:space:]]+((final|abstract|sealed|non-sealed|strictfp)[[:space:]]+)*"
                "(class|interface|enum|record)[[:space:]]+([A-Za-z_$][A-Za-z0-9_$]*)",
                REG_EXTENDED) == 0) {
        regmatch_t m[6];
        if (regexec(&re, code, 6, m, 0) == 0)
            name = xstrndup(code + m[5].rm_so, (size_t)(m[5].rm_eo - m[5].rm_so));
        regfree(&re);
    }
    return name;
}

char *srcdeps_java_public_class(const char *text, size_t len)
{
    char *code = c_code_only(text, len);
    char *name = public_type(code);
    free(code);
    return name;
}

char *srcdeps_program_file_name(const Lang *lang, const char *text, size_t len)
{
    if (lang->id != LANG_JAVA)
        return xstrdup(lang->starter_file);
    char *code = c_code_only(text, len);
    char *type = public_type(code);
    if (!type)
        type = first_class(code);
    free(code);
    char *name = type ? xasprintf("%s.java", type) : xstrdup(lang->starter_file);
    free(type);
    return name;
}

char *srcdeps_java_package(const char *src)
{
    /* "package a.b;" is the first declaration of a file, after comments;
     * Go's "package main" reads the same. */
    char *code = c_code_only(src, strlen(src)), *pkg = NULL;
    const char *p = code + strspn(code, " \t\r\n");
    if (strncmp(p, "package", 7) == 0 && isspace((unsigned char)p[7])) {
        p += 7 + strspn(p + 7, " \t\r\n");
        size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.$");
        if (n)
            pkg = xstrndup(p, n);
    }
    free(code);
    return pkg;
}

/* The identifier starting at s[i] (i at its first character) and its end. */
static size_t ident_end(const char *s, size_t i, size_t len)
{
    while (i < len && is_ident(s[i]))
        i++;
    return i;
}

static bool word_is(const char *s, size_t a, size_t b, const char *w)
{
    return b - a == strlen(w) && memcmp(s + a, w, b - a) == 0;
}

/* Whether s[a..b) declares a Java type ("Foo.class" is an expression). */
static bool java_type_keyword(const char *s, size_t a, size_t b)
{
    return !(a > 0 && s[a - 1] == '.') && (word_is(s, a, b, "class") || word_is(s, a, b, "interface") ||
                                           word_is(s, a, b, "enum") || word_is(s, a, b, "record"));
}

char *srcdeps_java_main_class(const char *text, size_t len, const char *file_class)
{
    char *s = c_code_only(text, len);
    /* Top-level types in order; for each, whether a member of its body
     * (depth 1) is "void main(". */
    StrList types = {0};
    bool with_main[64] = {0};
    int depth = 0;
    bool want_name = false, in_body = false;
    size_t prev_a = 0, prev_b = 0; /* the identifier before this one */
    for (size_t i = 0; i < len;) {
        char c = s[i];
        if (c == '{' || c == '}') {
            depth += c == '{' ? 1 : depth > 0 ? -1 : 0;
            if (depth == 0)
                in_body = false;
            else if (depth == 1 && c == '{' && types.len)
                in_body = true;
            prev_b = prev_a;
            i++;
            continue;
        }
        if (!is_ident(c) || (i > 0 && is_ident(s[i - 1]))) {
            if (!isspace((unsigned char)c))
                prev_b = prev_a; /* "void (*)main" and the like: not a method */
            i++;
            continue;
        }
        size_t a = i, b = ident_end(s, i, len);
        i = b;
        if (depth == 0) {
            if (want_name && !isdigit((unsigned char)s[a])) {
                if (types.len < sizeof with_main / sizeof *with_main) {
                    char *name = xstrndup(s + a, b - a);
                    sl_push_owned(&types, name);
                }
                want_name = false;
            } else {
                want_name = java_type_keyword(s, a, b);
            }
        } else if (depth == 1 && in_body && types.len && word_is(s, a, b, "main") && prev_b > prev_a &&
                   word_is(s, prev_a, prev_b, "void")) {
            size_t k = skip_space(s, b, len);
            if (k < len && s[k] == '(')
                with_main[types.len - 1] = true;
        }
        prev_a = a;
        prev_b = b;
    }
    free(s);
    char *pick = NULL;
    for (size_t t = 0; t < types.len && !pick; t++)
        if (strcmp(types.items[t], file_class) == 0 && with_main[t])
            pick = xstrdup(file_class);
    for (size_t t = 0; t < types.len && !pick; t++)
        if (with_main[t])
            pick = xstrdup(types.items[t]);
    sl_free(&types);
    return pick;
}

bool srcdeps_java_root(const char *dir, const char *pkg, size_t *root_len)
{
    char *path = xstrdup(pkg);
    for (char *c = path; *c; c++)
        if (*c == '.')
            *c = '/';
    size_t dl = strlen(dir), pl = strlen(path);
    bool yes = false;
    if (strcmp(dir, path) == 0) {
        *root_len = 0;
        yes = true;
    } else if (dl > pl + 1 && dir[dl - pl - 1] == '/' && strcmp(dir + dl - pl, path) == 0) {
        *root_len = dl - pl - 1;
        yes = true;
    }
    free(path);
    return yes;
}

/* ------------------------------------------------------------ Fortran */

/* What a Fortran source says about its program units. */
typedef struct FortranUnits {
    bool main;       /* a main program */
    bool seen_first; /* the first statement has been looked at */
    StrList defines; /* modules */
    StrList uses;    /* modules used (not the intrinsic ones) */
    StrList procs;   /* subroutines and functions it defines */
    StrList parents; /* modules its submodules implement */
    StrList words;   /* every name in its statements */
    int interfaces;  /* interface blocks open (what they name is defined elsewhere) */
    bool names;      /* gather procs and words (fortran_reachable); the rest needs none */
} FortranUnits;

/* The tokens of a statement: words (lowercase) and single characters. */
typedef struct Tokens {
    char tok[16][64];
    size_t n;
} Tokens;

static void tokenize(const char *stmt, Tokens *t)
{
    t->n = 0;
    for (const char *p = stmt; *p && t->n < sizeof t->tok / sizeof *t->tok;) {
        if (*p == ' ' || *p == '\t') {
            p++;
            continue;
        }
        size_t n = 1;
        if (is_ident(*p))
            for (n = 0; is_ident(p[n]); n++)
                ;
        snprintf(t->tok[t->n++], sizeof t->tok[0], "%.*s", (int)n, p);
        p += n;
    }
}

static bool tok_is(const Tokens *t, size_t i, const char *s)
{
    return i < t->n && strcmp(t->tok[i], s) == 0;
}

static bool tok_word(const Tokens *t, size_t i)
{
    return i < t->n && is_ident(t->tok[i][0]);
}

/* Whether a statement starts a module or a subprogram (what a file of
 * helpers begins with), rather than a main program without PROGRAM. */
static bool starts_unit(const Tokens *t)
{
    if (tok_is(t, 0, "module") || tok_is(t, 0, "submodule") || tok_is(t, 0, "blockdata") ||
        (tok_is(t, 0, "block") && tok_is(t, 1, "data")))
        return true;
    /* Prefixes and types come first: pure function, real(8) function f. */
    for (size_t i = 0; i < t->n; i++)
        if (tok_is(t, i, "subroutine") || tok_is(t, i, "function"))
            return true;
    return false;
}

static void fortran_statement(FortranUnits *u, const char *stmt)
{
    Tokens t;
    tokenize(stmt, &t);
    if (t.n == 0)
        return;
    for (const char *p = stmt; u->names && *p;) {
        size_t n = 0;
        while (is_ident(p[n]))
            n++;
        if (n && !isdigit((unsigned char)*p))
            sl_push_owned(&u->words, xstrndup(p, n));
        p += n ? n : 1;
    }
    if (tok_is(&t, 0, "interface") || (tok_is(&t, 0, "abstract") && tok_is(&t, 1, "interface")))
        u->interfaces++;
    else if (((tok_is(&t, 0, "end") && tok_is(&t, 1, "interface")) || tok_is(&t, 0, "endinterface")) &&
             u->interfaces > 0)
        u->interfaces--;
    else if (u->names && u->interfaces == 0 && strncmp(t.tok[0], "end", 3) != 0)
        for (size_t i = 0; i + 1 < t.n; i++)
            if ((tok_is(&t, i, "subroutine") || tok_is(&t, i, "function")) && tok_word(&t, i + 1)) {
                sl_push(&u->procs, t.tok[i + 1]);
                break;
            }
    if (!u->seen_first) {
        u->seen_first = true;
        if (!starts_unit(&t))
            u->main = true;
    }
    if (tok_is(&t, 0, "program") && tok_word(&t, 1)) {
        u->main = true;
    } else if (tok_is(&t, 0, "module") && tok_word(&t, 1) && t.n == 2 && !tok_is(&t, 1, "procedure")) {
        sl_push(&u->defines, t.tok[1]);
    } else if (tok_is(&t, 0, "submodule") && tok_is(&t, 1, "(") && tok_word(&t, 2)) {
        sl_push(&u->uses, t.tok[2]); /* its ancestor module */
        sl_push(&u->parents, t.tok[2]);
    } else if (tok_is(&t, 0, "use")) {
        size_t i = 1;
        bool intrinsic = false;
        if (tok_is(&t, i, ",")) {
            intrinsic = tok_is(&t, i + 1, "intrinsic");
            i += 2;
        }
        if (tok_is(&t, i, ":") && tok_is(&t, i + 1, ":"))
            i += 2;
        if (!intrinsic && tok_word(&t, i))
            sl_push(&u->uses, t.tok[i]);
    }
}

/* Hand over the statement gathered so far, if any, and start the next. */
static void flush(FortranUnits *u, StrBuf *stmt)
{
    if (stmt->len)
        fortran_statement(u, stmt->data);
    stmt->len = 0;
    if (stmt->data)
        stmt->data[0] = '\0';
}

/* Split Fortran source into statements (lowercase, comments dropped,
 * each character constant reduced to one quote, continuation lines
 * joined) and hand each to fortran_statement. */
static void fortran_scan(const char *text, size_t len, bool fixed, FortranUnits *u)
{
    StrBuf stmt = {0};
    bool cont = false; /* free form: the statement goes on in the next line */
    char quote = 0;    /* a character constant continued into the next line */
    const char *end = text + len;
    for (const char *line = text; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *le = nl ? nl : end;
        if (le > line && le[-1] == '\r')
            le--;
        const char *p = line;
        line = nl ? nl + 1 : end;
        const char *first = p;
        while (first < le && (*first == ' ' || *first == '\t'))
            first++;
        /* (In fixed form a ! in column 6 marks a continuation.) */
        if (first == le || (*first == '!' && !(fixed && first - p == 5)) || (*p == '#' && !cont))
            continue; /* blank, a comment line, a preprocessor line */
        if (fixed) {
            if (strchr("cC*dD", *p))
                continue;
            bool continues = false;
            if (*p == '\t') {
                p++; /* tab form: a digit after the tab continues */
                continues = p < le && *p >= '1' && *p <= '9';
                p += continues;
            } else {
                /* Columns 1-5 a label, 6 the continuation mark, 7-72 the
                 * statement. */
                continues = le - p > 5 && p[5] != ' ' && p[5] != '0';
                if (le - p > 72)
                    le = p + 72;
                p = le - p > 6 ? p + 6 : le;
            }
            if (!continues) {
                flush(u, &stmt);
                quote = 0;
            }
        } else if (cont) {
            p = first;
            if (*p == '&')
                p++;
        } else {
            quote = 0;
        }
        cont = false;
        for (; p < le; p++) {
            char c = *p;
            if (quote) {
                if (c == quote && p + 1 < le && p[1] == quote)
                    p++;
                else if (c == quote)
                    quote = 0;
                else if (!fixed && c == '&') {
                    const char *r = p + 1;
                    while (r < le && (*r == ' ' || *r == '\t'))
                        r++;
                    if (r == le) {
                        cont = true;
                        break;
                    }
                }
                continue;
            }
            if (c == '!')
                break;
            if (c == '\'' || c == '"') {
                quote = c;
                sb_append(&stmt, "'", 1);
            } else if (c == ';') {
                flush(u, &stmt);
            } else if (c == '&' && !fixed) {
                const char *r = p + 1;
                while (r < le && (*r == ' ' || *r == '\t'))
                    r++;
                if (r == le || *r == '!') {
                    cont = true;
                    break;
                }
            } else {
                char lc = (char)tolower((unsigned char)c);
                sb_append(&stmt, &lc, 1);
            }
        }
        if (!fixed && !cont)
            flush(u, &stmt);
    }
    flush(u, &stmt);
    sb_free(&stmt);
}

static void units_free(FortranUnits *u)
{
    sl_free(&u->defines);
    sl_free(&u->uses);
    sl_free(&u->procs);
    sl_free(&u->words);
    sl_free(&u->parents);
}

/* ------------------------------------------------------------ API */

/* A source's text: regular files only (opening a FIFO someone named
 * util.c would wait for a writer forever). */
static bool read_source(const char *path, char **text, size_t *len)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && fileio_read(path, SCAN_MAX, text, len, NULL);
}

bool srcdeps_has_main(LangId lang, bool fixed_form, const char *text, size_t len)
{
    if (lang == LANG_C || lang == LANG_CPP || lang == LANG_GO) /* Go: "func main() {" reads the same */
        return c_has_main(text, len);
    if (lang != LANG_FORTRAN)
        return false;
    FortranUnits u = {0};
    fortran_scan(text, len, fixed_form, &u);
    bool main = u.main;
    units_free(&u);
    return main;
}

bool srcdeps_file_has_main(const Lang *lang, const char *path)
{
    char *text;
    size_t len;
    if (!read_source(path, &text, &len))
        return false;
    bool main = srcdeps_has_main(lang->id, lang_fortran_fixed_form(path), text, len);
    free(text);
    return main;
}

bool srcdeps_text_is_program(const Lang *lang, const char *path, const char *text, size_t len)
{
    switch (lang->id) {
    case LANG_C:
    case LANG_CPP:
    case LANG_GO:
    case LANG_FORTRAN:
        return srcdeps_has_main(lang->id, lang_fortran_fixed_form(path), text, len);
    case LANG_JAVA: {
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        const char *dot = strrchr(base, '.');
        char *file_class = xstrndup(base, dot ? (size_t)(dot - base) : strlen(base));
        char *main_class = srcdeps_java_main_class(text, len, file_class);
        bool found = main_class != NULL;
        free(file_class);
        free(main_class);
        return found;
    }
    default:
        return true;
    }
}

/* Whether file a uses a module that file b defines. */
static bool needs(const FortranUnits *a, const FortranUnits *b)
{
    for (size_t i = 0; i < a->uses.len; i++)
        if (sl_contains(&b->defines, a->uses.items[i]))
            return true;
    return false;
}

static void place(char **items, const FortranUnits *u, size_t n, size_t i, unsigned char *state,
                  char **order, size_t *placed)
{
    if (state[i])
        return;
    state[i] = 1;
    for (size_t j = 0; j < n; j++)
        if (j != i && needs(&u[i], &u[j]))
            place(items, u, n, j, state, order, placed);
    state[i] = 2;
    order[(*placed)++] = items[i];
}

void srcdeps_order_fortran(const char *dir, StrList *files)
{
    size_t n = files->len;
    if (n < 2)
        return;
    FortranUnits *u = xcalloc(n, sizeof *u);
    for (size_t i = 0; i < n; i++) {
        const char *f = files->items[i];
        char *path = f[0] == '/' ? xstrdup(f) : xasprintf("%s/%s", dir, f);
        char *text;
        size_t len;
        if (read_source(path, &text, &len)) {
            fortran_scan(text, len, lang_fortran_fixed_form(f), &u[i]);
            free(text);
        }
        free(path);
    }
    /* Each file in the given order, after the files of the modules it
     * uses (depth first; a file being placed is not waited for again,
     * which ends a cycle). */
    char **order = xcalloc(n, sizeof *order);
    unsigned char *state = xcalloc(n, 1); /* 0 not yet, 1 being placed, 2 placed */
    size_t placed = 0;
    for (size_t i = 0; i < n; i++)
        place(files->items, u, n, i, state, order, &placed);
    memcpy(files->items, order, n * sizeof *order);
    for (size_t i = 0; i < n; i++)
        units_free(&u[i]);
    free(u);
    free(order);
    free(state);
}

/* ------------------------------------------------ C, C++: what links */

/* What a C or C++ source gives and takes, near enough to what its linker
 * sees: the names it defines at file scope (functions with a body,
 * variables), every identifier it uses, the stems of the headers it
 * includes with quotes ("util" of #include "lib/util.h") and those files'
 * names ("util.h"). */
typedef struct CUnit {
    StrList defines, uses, headers, included;
} CUnit;

static void cunit_free(CUnit *u)
{
    sl_free(&u->defines);
    sl_free(&u->uses);
    sl_free(&u->headers);
    sl_free(&u->included);
}

static int cmp_item(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_unique(StrList *l)
{
    if (l->len < 2)
        return;
    qsort(l->items, l->len, sizeof *l->items, cmp_item);
    size_t w = 1;
    for (size_t r = 1; r < l->len; r++) {
        if (strcmp(l->items[r], l->items[w - 1]) == 0)
            free(l->items[r]);
        else
            l->items[w++] = l->items[r];
    }
    l->len = w;
    l->items[w] = NULL;
}

static bool sorted_has(const StrList *l, const char *s)
{
    return l->len && bsearch(&s, l->items, l->len, sizeof *l->items, cmp_item);
}

/* The names code (comments, strings and directives blanked) defines at
 * file scope.  Namespaces and extern "C" blocks are file scope too. */
static void c_defines(const char *code, size_t len, StrList *out)
{
    enum { MAX_DEPTH = 64 };
    bool transparent[MAX_DEPTH] = {0};
    int depth = 0, scope = 0, parens = 0; /* scope: braces that are not namespaces */
    size_t last_a = 0, last_b = 0, opener = SIZE_MAX; /* "namespace"/"extern" before a brace */
    bool have_last = false, declared = false; /* declared: "extern int x;" defines nothing */
    for (size_t i = 0; i < len;) {
        char c = code[i];
        if (is_ident(c)) {
            size_t a = i, b = ident_end(code, i, len);
            i = b;
            if (scope == 0 && parens == 0 && !isdigit((unsigned char)code[a])) {
                if (word_is(code, a, b, "namespace") || word_is(code, a, b, "extern"))
                    opener = a;
                if (word_is(code, a, b, "extern"))
                    declared = true;
                last_a = a;
                last_b = b;
                have_last = true;
            }
            continue;
        }
        if (scope == 0 && parens == 0 && have_last && (c == '(' || c == '=' || c == ';' || c == '[' || c == ',')) {
            bool defines = c != '(';
            if (c == '(') {
                /* A function when its parameters are followed by a body
                 * (or a constructor's initialisers), not ';' or '='. */
                size_t k = i;
                int d = 0;
                for (; k < len; k++)
                    if (code[k] == '(')
                        d++;
                    else if (code[k] == ')' && --d == 0)
                        break;
                int pd = 0;
                for (k++; k < len; k++) {
                    char x = code[k];
                    if (x == '(')
                        pd++;
                    else if (x == ')')
                        pd--;
                    else if (pd == 0 && strchr("{;=,:", x))
                        break;
                }
                defines = k < len && (code[k] == '{' || (code[k] == ':' && !(k + 1 < len && code[k + 1] == ':')));
            } else if (declared) {
                defines = false;
            }
            if (defines)
                sl_push_owned(out, xstrndup(code + last_a, last_b - last_a));
            have_last = false;
        } else if (!isspace((unsigned char)c) && c != ':') {
            have_last = false;
        }
        if (c == '(') {
            parens++;
            opener = SIZE_MAX; /* extern "C" int f(void) { a body, not a block of declarations */
        } else if (c == ')' && parens > 0)
            parens--;
        else if (c == '{') {
            bool through = scope == 0 && opener != SIZE_MAX;
            if (depth < MAX_DEPTH)
                transparent[depth] = through;
            depth++;
            if (!through)
                scope++;
            opener = SIZE_MAX;
            declared = false;
        } else if (c == '}' && depth > 0) {
            depth--;
            if (!(depth < MAX_DEPTH && transparent[depth]) && scope > 0)
                scope--;
        } else if (c == ';' && scope == 0) {
            opener = SIZE_MAX;
            declared = false;
        }
        i++;
    }
}

/* The names the source uses: directives too (a macro may call a helper's
 * function).  Apart from c_scan: of the files beside a program, only
 * those it takes need them, and they are most of a scan's work. */
static void c_uses(const char *text, size_t len, CUnit *u)
{
    char *code = c_code_blanked(text, len, true);
    for (size_t i = 0; i < len;) {
        if (is_ident(code[i]) && !isdigit((unsigned char)code[i])) {
            size_t b = ident_end(code, i, len);
            sl_push_owned(&u->uses, xstrndup(code + i, b - i));
            i = b;
        } else {
            i++;
        }
    }
    free(code);
    sort_unique(&u->uses);
}

/* All but the uses (c_uses). */
static void c_scan(const char *text, size_t len, CUnit *u)
{
    *u = (CUnit){0};
    char *code = c_code_only(text, len);
    c_defines(code, len, &u->defines);
    free(code);
    for (const char *p = text, *end = text + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        const char *q = p;
        while (q < line_end && (*q == ' ' || *q == '\t'))
            q++;
        if (q < line_end && *q == '#') {
            q++;
            while (q < line_end && (*q == ' ' || *q == '\t'))
                q++;
            if ((size_t)(line_end - q) > 7 && memcmp(q, "include", 7) == 0) {
                q += 7;
                while (q < line_end && (*q == ' ' || *q == '\t'))
                    q++;
                const char *close = q < line_end && *q == '"' ? memchr(q + 1, '"', (size_t)(line_end - q - 1)) : NULL;
                if (close) {
                    const char *name = q + 1;
                    for (const char *x = name; x < close; x++)
                        if (*x == '/')
                            name = x + 1;
                    const char *dot = close;
                    for (const char *x = name; x < close; x++)
                        if (*x == '.')
                            dot = x;
                    if (dot > name)
                        sl_push_owned(&u->headers, xstrndup(name, (size_t)(dot - name)));
                    sl_push_owned(&u->included, xstrndup(name, (size_t)(close - name)));
                }
            }
        }
        p = line_end + 1;
    }
    sort_unique(&u->defines);
    sort_unique(&u->headers);
    sort_unique(&u->included);
}

static void merge(StrList *into, const StrList *from)
{
    for (size_t i = 0; i < from->len; i++)
        sl_push(into, from->items[i]);
    sort_unique(into);
}

/* Keeps the items of cands that are taken, in order; frees the rest. */
static void keep_taken(StrList *cands, const bool *taken)
{
    size_t w = 0;
    for (size_t i = 0; i < cands->len; i++) {
        if (taken[i])
            cands->items[w++] = cands->items[i];
        else
            free(cands->items[i]);
    }
    cands->len = w;
    cands->items[w] = NULL;
}

/* The file's name without folder and extension. */
static char *stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    return xstrndup(base, dot && dot > base ? (size_t)(dot - base) : strlen(base));
}

/* Keeps of cands (a C or C++ program's helper files) those its program
 * links with: a helper named as a header the program includes (util.c of
 * "util.h") or including one itself, or one that defines a name the
 * program uses and does not define itself; and so on from each helper
 * taken.  A stray file beside
 * the program (another exercise's half-written helper) stays out, and so
 * does one the program includes itself (#include "funcs.c"). */
static void c_reachable(const char *entry_path, StrList *cands)
{
    char *text;
    size_t len;
    if (!cands->len || !read_source(entry_path, &text, &len))
        return;
    CUnit prog;
    c_scan(text, len, &prog);
    c_uses(text, len, &prog);
    free(text);
    CUnit *units = xcalloc(cands->len, sizeof *units);
    bool *taken = xcalloc(cands->len, sizeof *taken);
    for (size_t i = 0; i < cands->len; i++)
        if (read_source(cands->items[i], &text, &len)) {
            c_scan(text, len, &units[i]);
            free(text);
        }
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < cands->len; i++) {
            /* #include "funcs.c": compiled in already, not beside it. */
            const char *base = strrchr(cands->items[i], '/');
            if (taken[i] || sorted_has(&prog.included, base ? base + 1 : cands->items[i]))
                continue;
            char *name = stem(cands->items[i]);
            bool wanted = sorted_has(&prog.headers, name);
            free(name);
            /* A helper of the same interface (point_ops.cpp including the
             * program's "point.h"): its operators are used by no name. */
            for (size_t h = 0; !wanted && h < units[i].headers.len; h++)
                wanted = sorted_has(&prog.headers, units[i].headers.items[h]);
            for (size_t d = 0; !wanted && d < units[i].defines.len; d++)
                wanted = sorted_has(&prog.uses, units[i].defines.items[d]) &&
                         !sorted_has(&prog.defines, units[i].defines.items[d]);
            if (wanted) {
                taken[i] = changed = true;
                if (read_source(cands->items[i], &text, &len)) {
                    c_uses(text, len, &units[i]);
                    free(text);
                }
                merge(&prog.uses, &units[i].uses);
                merge(&prog.defines, &units[i].defines);
                merge(&prog.headers, &units[i].headers);
                merge(&prog.included, &units[i].included);
            }
        }
    }
    for (size_t i = 0; i < cands->len; i++)
        cunit_free(&units[i]);
    keep_taken(cands, taken);
    free(units);
    free(taken);
    cunit_free(&prog);
}

static bool any_of_in(const StrList *names, const StrList *sorted, const StrList *except)
{
    for (size_t i = 0; i < names->len; i++)
        if (sorted_has(sorted, names->items[i]) && !(except && sorted_has(except, names->items[i])))
            return true;
    return false;
}

/* The same for Fortran (free form): a helper whose module the program
 * uses (or a submodule of it), or that defines a subroutine or function
 * the program names and does not define itself.  Fixed-form files, where spaces do not separate
 * names, are always taken. */
static void fortran_reachable(const char *entry_path, StrList *cands)
{
    char *text;
    size_t len;
    if (!cands->len || lang_fortran_fixed_form(entry_path) || !read_source(entry_path, &text, &len))
        return;
    FortranUnits prog = {.names = true};
    fortran_scan(text, len, false, &prog);
    free(text);
    size_t n = cands->len;
    FortranUnits *units = xcalloc(n, sizeof *units);
    bool *taken = xcalloc(n, sizeof *taken);
    for (size_t i = 0; i < n; i++) {
        taken[i] = lang_fortran_fixed_form(cands->items[i]);
        units[i].names = true;
        if (!taken[i] && read_source(cands->items[i], &text, &len)) {
            fortran_scan(text, len, false, &units[i]);
            free(text);
        }
    }
    StrList *lists[] = {&prog.uses, &prog.words, &prog.procs};
    for (size_t l = 0; l < 3; l++)
        sort_unique(lists[l]);
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < n; i++) {
            if (taken[i] || !(any_of_in(&units[i].defines, &prog.uses, NULL) ||
                              any_of_in(&units[i].parents, &prog.uses, NULL) ||
                              any_of_in(&units[i].procs, &prog.words, &prog.procs)))
                continue;
            taken[i] = changed = true;
            merge(&prog.uses, &units[i].uses);
            merge(&prog.words, &units[i].words);
            merge(&prog.procs, &units[i].procs);
        }
    }
    for (size_t i = 0; i < n; i++)
        units_free(&units[i]);
    keep_taken(cands, taken);
    free(units);
    free(taken);
    units_free(&prog);
}

/* The types a Java source declares at its top level, and every identifier
 * it uses (comments and strings blanked), each sorted. */
static void java_scan(const char *text, size_t len, StrList *types, StrList *words)
{
    char *s = c_code_only(text, len);
    int depth = 0;
    bool want_name = false;
    for (size_t i = 0; i < len;) {
        char c = s[i];
        if (c == '{' || c == '}') {
            depth += c == '{' ? 1 : depth > 0 ? -1 : 0;
            want_name = false;
            i++;
            continue;
        }
        if (!is_ident(c)) {
            if (!isspace((unsigned char)c))
                want_name = false;
            i++;
            continue;
        }
        size_t a = i, b = ident_end(s, i, len);
        i = b;
        if (isdigit((unsigned char)s[a]))
            continue;
        sl_push_owned(words, xstrndup(s + a, b - a));
        if (depth == 0 && want_name)
            sl_push_owned(types, xstrndup(s + a, b - a));
        want_name = depth == 0 && java_type_keyword(s, a, b);
    }
    free(s);
    sort_unique(types);
    sort_unique(words);
}

/* The same for Java: the files declaring a type the program names (and
 * so on from theirs).  javac finds a class in a file of its own name
 * through -sourcepath anyway; this brings Helper declared in Shapes.java,
 * and leaves out the folder's other programs and a half-written file. */
static void java_reachable(const char *entry_path, StrList *cands)
{
    char *text;
    size_t len;
    if (!cands->len || !read_source(entry_path, &text, &len))
        return;
    StrList types = {0}, words = {0};
    java_scan(text, len, &types, &words);
    free(text);
    size_t n = cands->len;
    StrList *ctypes = xcalloc(n, sizeof *ctypes), *cwords = xcalloc(n, sizeof *cwords);
    bool *taken = xcalloc(n, sizeof *taken);
    for (size_t i = 0; i < n; i++)
        if (read_source(cands->items[i], &text, &len)) {
            java_scan(text, len, &ctypes[i], &cwords[i]);
            free(text);
        }
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < n; i++) {
            if (taken[i] || !any_of_in(&ctypes[i], &words, &types))
                continue;
            taken[i] = changed = true;
            merge(&words, &cwords[i]);
            merge(&types, &ctypes[i]);
        }
    }
    for (size_t i = 0; i < n; i++) {
        sl_free(&ctypes[i]);
        sl_free(&cwords[i]);
    }
    keep_taken(cands, taken);
    free(ctypes);
    free(cwords);
    free(taken);
    sl_free(&types);
    sl_free(&words);
}

/* Go: the files of the entry's package.  go build refuses a file of
 * another package beside it (a library the folder also holds, "package
 * other"), or one without a package clause (a file just created, empty):
 * `go run main.go` would not take them either. */
static void go_same_package(const char *entry_path, StrList *cands)
{
    char *text;
    size_t len;
    if (!cands->len || !read_source(entry_path, &text, &len))
        return;
    char *pkg = srcdeps_java_package(text);
    free(text);
    bool *taken = xcalloc(cands->len, sizeof *taken);
    for (size_t i = 0; pkg && i < cands->len; i++)
        if (read_source(cands->items[i], &text, &len)) {
            char *other = srcdeps_java_package(text);
            taken[i] = other && strcmp(other, pkg) == 0;
            free(other);
            free(text);
        }
    keep_taken(cands, taken);
    free(taken);
    free(pkg);
}

static bool companion(const Lang *lang, const char *path, const char *name)
{
    struct stat st;
    if (name[0] == '.' || !lang_is_source(lang, name) || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    switch (lang->id) {
    case LANG_JAVA:
        return true;
    case LANG_GO:
        if (strstr(name, "_test.go"))
            return false;
        /* fall through */
    case LANG_C:
    case LANG_CPP:
    case LANG_FORTRAN:
        return !srcdeps_file_has_main(lang, path);
    default:
        return false;
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void srcdeps_companions(const Lang *lang, const char *entry_path, StrList *out)
{
    srcdeps_companions_split(lang, entry_path, out, NULL);
}

void srcdeps_companions_split(const Lang *lang, const char *entry_path, StrList *out, StrList *left)
{
    *out = (StrList){0};
    if (left)
        *left = (StrList){0};
    const char *slash = strrchr(entry_path, '/');
    if (!lang->compile || lang->id == LANG_RUST || !slash)
        return;
    char *dir = slash == entry_path ? xstrdup("/") : xstrndup(entry_path, (size_t)(slash - entry_path));
    DIR *dp = opendir(dir);
    struct dirent *e;
    while (dp && (e = readdir(dp))) {
        char *full = xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", e->d_name);
        if (strcmp(e->d_name, slash + 1) && companion(lang, full, e->d_name))
            sl_push_owned(out, full);
        else
            free(full);
    }
    if (dp)
        closedir(dp);
    free(dir);
    StrList all = {0};
    for (size_t i = 0; left && i < out->len; i++)
        sl_push(&all, out->items[i]);
    if (lang->id == LANG_C || lang->id == LANG_CPP)
        c_reachable(entry_path, out);
    else if (lang->id == LANG_FORTRAN)
        fortran_reachable(entry_path, out);
    else if (lang->id == LANG_JAVA)
        java_reachable(entry_path, out);
    else if (lang->id == LANG_GO)
        go_same_package(entry_path, out);
    for (size_t i = 0; i < all.len; i++)
        if (!sl_contains(out, all.items[i]))
            sl_push(left, all.items[i]);
    sl_free(&all);
    if (out->len)
        qsort(out->items, out->len, sizeof *out->items, by_name);
    if (left && left->len)
        qsort(left->items, left->len, sizeof *left->items, by_name);
}

static bool holds(const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s", dir, name);
    struct stat st;
    bool yes = stat(path, &st) == 0;
    free(path);
    return yes;
}

/* The folder above dir ("/a/b" -> "/a"), in place; false at the top. */
static bool up(char *dir)
{
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return false;
    *slash = '\0';
    return true;
}

/* The nearest of dir and the folders above it holding every one of names. */
static char *nearest_with(const char *dir, const char *const *names)
{
    char *d = xstrdup(dir);
    do {
        bool all = true;
        for (const char *const *n = names; *n && all; n++)
            all = holds(d, *n);
        if (all)
            return d;
    } while (up(d));
    free(d);
    return NULL;
}

/* The jars in root/rel (rel "" for root itself), and with depth > 0 in
 * its folders, as paths relative to root.  A jar whose path holds ':'
 * cannot go on a class path and is left out. */
static void jars_in(const char *root, const char *rel, int depth, StrList *out)
{
    char *dir = rel[0] ? xasprintf("%s/%s", root, rel) : xstrdup(root);
    DIR *dp = opendir(dir);
    struct dirent *e;
    while (dp && (e = readdir(dp)) && out->len < MAX_JARS) {
        if (e->d_name[0] == '.')
            continue;
        char *full = xasprintf("%s/%s", dir, e->d_name);
        char *path = rel[0] ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
        size_t n = strlen(e->d_name);
        struct stat st;
        if (stat(full, &st) == 0) {
            if (S_ISREG(st.st_mode) && n > 4 && strcmp(e->d_name + n - 4, ".jar") == 0 &&
                !strchr(path, ':') && !sl_contains(out, path))
                sl_push(out, path);
            else if (S_ISDIR(st.st_mode) && depth > 0)
                jars_in(root, path, depth - 1, out);
        }
        free(path);
        free(full);
    }
    if (dp)
        closedir(dp);
    free(dir);
}

void srcdeps_java_classpath(const char *root, const char *entry_dir, const char *srcroot, StrList *out)
{
    *out = (StrList){0};
    /* Maven's and Gradle's resources, beside src/main/java. */
    size_t n = strlen(srcroot), jn = strlen("src/main/java");
    if (n >= jn && strcmp(srcroot + n - jn, "src/main/java") == 0 && (n == jn || srcroot[n - jn - 1] == '/')) {
        char *res = xasprintf("%.*sresources", (int)(n - strlen("java")), srcroot);
        char *full = xasprintf("%s/%s", root, res);
        if (fileio_is_dir(full))
            sl_push(out, res);
        free(full);
        free(res);
    }
    size_t first_jar = out->len;
    jars_in(root, entry_dir, 0, out);
    const char *const bases[] = {"", srcroot, entry_dir};
    for (size_t i = 0; i < sizeof bases / sizeof *bases; i++) {
        if (i > 0 && (!bases[i][0] || strcmp(bases[i], bases[i - 1]) == 0))
            continue;
        char *lib = bases[i][0] ? xasprintf("%s/lib", bases[i]) : xstrdup("lib");
        jars_in(root, lib, LIB_DEPTH, out);
        free(lib);
    }
    if (out->len > first_jar)
        qsort(out->items + first_jar, out->len - first_jar, sizeof *out->items, by_name);
}

void srcdeps_include_folders(const char *root, const char *entry_dir, StrList *out)
{
    *out = (StrList){0};
    const char *base = fileio_base_name(entry_dir);
    const char *rel[2] = {"include", strcmp(base, "src") == 0 ? "../include" : NULL};
    for (size_t i = 0; i < 2 && rel[i]; i++) {
        char *full = entry_dir[0] ? xasprintf("%s/%s/%s", root, entry_dir, rel[i]) : xasprintf("%s/%s", root, rel[i]);
        if (fileio_is_dir(full))
            sl_push(out, rel[i]);
        free(full);
    }
}

bool srcdeps_holds_up_to(const char *root, const char *dir, const char *name)
{
    char *d = dir[0] ? xasprintf("%s/%s", root, dir) : xstrdup(root);
    size_t top = strlen(root);
    bool found;
    while (!(found = holds(d, name)) && strlen(d) > top && up(d))
        ;
    free(d);
    return found;
}

/* The string of line l when it is `key = "..."` (or '...'), else NULL. */
static char *toml_string(const char *l, const char *key)
{
    size_t k = strlen(key);
    if (strncmp(l, key, k) != 0)
        return NULL;
    const char *v = l + k + strspn(l + k, " \t");
    if (*v != '=')
        return NULL;
    v++;
    v += strspn(v, " \t");
    char q = *v;
    if (q != '"' && q != '\'')
        return NULL;
    size_t n = strcspn(v + 1, q == '"' ? "\"\n" : "'\n");
    return v[1 + n] == q && n > 0 ? xstrndup(v + 1, n) : NULL;
}

#define MAX_CARGO_TARGETS 64

/* What a Cargo.toml says about its programs: the package's name and its
 * [[bin]] and [[example]] tables. */
typedef struct Manifest {
    char *package;
    size_t n;
    struct {
        const char *kind; /* "--bin", "--example" */
        char *name, *path;
    } t[MAX_CARGO_TARGETS];
} Manifest;

static void manifest_read(const char *text, Manifest *m)
{
    *m = (Manifest){0};
    enum { OTHER, PACKAGE, TARGET } table = OTHER;
    for (const char *l = text; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        l += strspn(l, " \t");
        if (*l == '[') {
            bool bin = strncmp(l, "[[bin]]", 7) == 0, example = strncmp(l, "[[example]]", 11) == 0;
            table = strncmp(l, "[package]", 9) == 0 ? PACKAGE : OTHER;
            if ((bin || example) && m->n < MAX_CARGO_TARGETS) {
                m->t[m->n++].kind = bin ? "--bin" : "--example";
                table = TARGET;
            }
            continue;
        }
        char *name = toml_string(l, "name"), *path = toml_string(l, "path");
        if (table == PACKAGE && name && !m->package) {
            m->package = name;
            name = NULL;
        } else if (table == TARGET) {
            if (name && !m->t[m->n - 1].name) {
                m->t[m->n - 1].name = name;
                name = NULL;
            }
            if (path && !m->t[m->n - 1].path) {
                m->t[m->n - 1].path = path;
                path = NULL;
            }
        }
        free(name);
        free(path);
    }
}

static void manifest_free(Manifest *m)
{
    free(m->package);
    for (size_t i = 0; i < m->n; i++) {
        free(m->t[i].name);
        free(m->t[i].path);
    }
}

void srcdeps_cargo_target_free(CargoTarget *t)
{
    free(t->manifest);
    free(t->kind);
    free(t->name);
    *t = (CargoTarget){0};
}

/* A target X from rest: "X.rs" or "X/main.rs". */
static char *target_file(const char *rest)
{
    size_t n = strlen(rest);
    const char *slash = strchr(rest, '/');
    if (!slash && n > 3 && strcmp(rest + n - 3, ".rs") == 0)
        return xstrndup(rest, n - 3);
    if (slash && slash > rest && strcmp(slash, "/main.rs") == 0)
        return xstrndup(rest, (size_t)(slash - rest));
    return NULL;
}

/* The [[bin]] or [[example]] of m whose file is rel (its path, or the one
 * cargo gives it by its name), or -1. */
static int manifest_target_at(const Manifest *m, const char *rel)
{
    for (size_t i = 0; i < m->n; i++) {
        if (!m->t[i].name)
            continue;
        const char *dir = strcmp(m->t[i].kind, "--bin") ? "examples" : "src/bin";
        char *file = m->t[i].path ? xstrdup(m->t[i].path) : xasprintf("%s/%s.rs", dir, m->t[i].name);
        bool same = strcmp(file, rel) == 0;
        free(file);
        if (same)
            return (int)i;
    }
    return -1;
}

int srcdeps_cargo_target(const char *root, const char *entry, CargoTarget *out, char **why)
{
    *out = (CargoTarget){0};
    *why = NULL;
    char *dir = xstrdup(entry), *text = NULL;
    Manifest m = {0};
    for (;;) {
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        else
            dir[0] = '\0';
        char *path = dir[0] ? xasprintf("%s/%s/Cargo.toml", root, dir) : xasprintf("%s/Cargo.toml", root);
        size_t len;
        if (read_source(path, &text, &len)) {
            manifest_free(&m);
            manifest_read(text, &m);
            free(text);
        }
        free(path);
        if (m.package || !dir[0])
            break;
    }
    if (!m.package) {
        manifest_free(&m);
        free(dir);
        return 0;
    }
    size_t skip = dir[0] ? strlen(dir) + 1 : 0;
    const char *rel = entry + skip; /* the entry, inside its package */
    char *target = NULL;
    const char *kind = "--bin";
    int named = manifest_target_at(&m, rel), main_bin = manifest_target_at(&m, "src/main.rs");
    if (named >= 0) {
        target = xstrdup(m.t[named].name);
        kind = m.t[named].kind;
    } else if (strcmp(rel, "src/main.rs") == 0) {
        target = xstrdup(m.package);
    } else if (strncmp(rel, "src/bin/", 8) == 0 && (target = target_file(rel + 8))) {
    } else if (strncmp(rel, "examples/", 9) == 0 && (target = target_file(rel + 9))) {
        kind = "--example";
    } else if (main_bin >= 0) {
        target = xstrdup(m.t[main_bin].name);
    } else {
        char *main_rs = dir[0] ? xasprintf("%s/%s/src/main.rs", root, dir) : xasprintf("%s/src/main.rs", root);
        struct stat st;
        if (stat(main_rs, &st) == 0 && S_ISREG(st.st_mode))
            target = xstrdup(m.package);
        free(main_rs);
    }
    if (!target)
        *why = xasprintf("%s is not a program of Cargo package %s: a program is its src/main.rs, a file of "
                         "src/bin/ or of examples/", rel, m.package);
    else
        *out = (CargoTarget){.manifest = dir[0] ? xasprintf("%s/Cargo.toml", dir) : xstrdup("Cargo.toml"),
                             .kind = xstrdup(kind), .name = target};
    manifest_free(&m);
    free(dir);
    return target ? 1 : -1;
}

/* Whether folder dir's Cargo.toml declares a workspace. */
static bool cargo_workspace(const char *dir)
{
    char *path = xasprintf("%s/Cargo.toml", dir), *text;
    size_t len;
    bool yes = false;
    if (read_source(path, &text, &len)) {
        for (const char *l = text; l && !yes; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
            yes = strncmp(l, "[workspace]", 11) == 0;
        free(text);
    }
    free(path);
    return yes;
}

/* The Cargo package dir is in (the nearest Cargo.toml), or the workspace
 * above it that cargo builds it in. */
static char *cargo_root(const char *dir)
{
    char *root = nearest_with(dir, (const char *const[]){"Cargo.toml", NULL});
    if (!root || cargo_workspace(root))
        return root;
    char *above = xstrdup(root);
    while (up(above)) {
        if (holds(above, "Cargo.toml") && cargo_workspace(above)) {
            free(root);
            return above;
        }
    }
    free(above);
    return root;
}

static char *java_source_root(const char *dir, const char *entry_path)
{
    char *src, *root = NULL;
    size_t len;
    if (!read_source(entry_path, &src, &len))
        return NULL;
    char *pkg = srcdeps_java_package(src);
    free(src);
    size_t n;
    if (pkg && srcdeps_java_root(dir, pkg, &n) && n > 0)
        root = xstrndup(dir, n);
    free(pkg);
    return root;
}

char *srcdeps_project_root(const Lang *lang, const char *entry_path)
{
    const char *slash = strrchr(entry_path, '/');
    if (!slash || slash == entry_path)
        return NULL;
    char *dir = xstrndup(entry_path, (size_t)(slash - entry_path)), *root = NULL;
    if (lang->id == LANG_NODE) {
        root = nearest_with(dir, (const char *const[]){"package.json", NULL});
        if (root && !holds(root, "node_modules")) {
            char *above = xstrdup(root);
            char *hoisted = up(above) ? nearest_with(above, (const char *const[]){"package.json", "node_modules", NULL})
                                      : NULL;
            free(above);
            if (hoisted) {
                free(root);
                root = hoisted;
            }
        }
    } else if (lang->id == LANG_GO) {
        /* go looks for a workspace (go.work) first. */
        root = nearest_with(dir, (const char *const[]){"go.work", NULL});
        if (!root)
            root = nearest_with(dir, (const char *const[]){"go.mod", NULL});
    } else if (lang->id == LANG_PHP) {
        root = nearest_with(dir, (const char *const[]){"composer.json", NULL});
    } else if (lang->id == LANG_C || lang->id == LANG_CPP || lang->id == LANG_FORTRAN) {
        /* src/ beside include/: the folder holding both. */
        const char *base = strrchr(dir, '/');
        char *above = xstrdup(dir);
        if (base && strcmp(base + 1, "src") == 0 && up(above) && holds(above, "include"))
            root = above;
        else
            free(above);
    } else if (lang->id == LANG_RUST) {
        root = cargo_root(dir);
    } else if (lang->id == LANG_PYTHON) {
        root = nearest_with(dir, (const char *const[]){"pyproject.toml", NULL});
        if (!root)
            root = nearest_with(dir, (const char *const[]){"setup.py", NULL});
    } else if (lang->id == LANG_JAVA) {
        root = java_source_root(dir, entry_path);
        /* src/ beside the lib/ its jars are in (Eclipse's layout, VS
         * Code's default for a folder of Java): the folder holding both.
         * Maven's and Gradle's src/main/java: the project, whose
         * src/main/resources go on the class path too. */
        const char *from = root ? root : dir;
        const char *base = strrchr(from, '/');
        size_t n = strlen(from), mvn = strlen("/src/main/java");
        char *above = xstrdup(from);
        StrList jars = {0};
        bool widen = false;
        if (n > mvn && strcmp(from + n - mvn, "/src/main/java") == 0) {
            above[n - mvn] = '\0';
            widen = holds(above, "pom.xml") || holds(above, "build.gradle") || holds(above, "build.gradle.kts");
        } else if (base && strcmp(base + 1, "src") == 0 && up(above)) {
            jars_in(above, "lib", LIB_DEPTH, &jars);
            widen = jars.len > 0;
        }
        if (widen) {
            free(root);
            root = above;
        } else {
            free(above);
        }
        sl_free(&jars);
    }
    if (root && strcmp(root, dir) == 0) {
        free(root);
        root = NULL;
    }
    free(dir);
    return root;
}

static void names_of(StrBuf *sb, const StrList *paths)
{
    for (size_t i = 0; i < paths->len; i++) {
        const char *slash = strrchr(paths->items[i], '/');
        sb_printf(sb, "%s%s", i ? ", " : "", slash ? slash + 1 : paths->items[i]);
    }
}

char *srcdeps_companions_note(const StrList *companions, const StrList *left)
{
    StrBuf sb = {0};
    if (companions->len) {
        sb_puts(&sb, "built with ");
        names_of(&sb, companions);
        sb_puts(&sb, " from the file's folder, as part of its program");
    } else {
        sb_puts(&sb, "built alone");
    }
    if (left && left->len) {
        sb_puts(&sb, companions->len ? "; left out " : ": left out ");
        names_of(&sb, left);
        sb_puts(&sb, left->len > 1 ? ", which define nothing it names" : ", which defines nothing it names");
    }
    return sb_steal(&sb);
}

char *srcdeps_folder_entry(const char *dir, const Lang *lang, StrList *candidates)
{
    static const char *const usual[] = {
        "main.py", "__main__.py", "app.py", "index.js", "main.js", "app.js", "index.mjs", "main.mjs",
        "main.go", "main.c", "main.cpp", "main.cc", "Main.java", "index.php", "main.php", "main.rs",
        "main.f90", NULL};
    *candidates = (StrList){0};
    /* A Cargo package's folder: its program, as `cargo run` takes it. */
    char *cargo = xasprintf("%s/Cargo.toml", dir), *main_rs = xasprintf("%s/src/main.rs", dir);
    struct stat cst;
    bool package = (!lang || lang->id == LANG_RUST) && stat(cargo, &cst) == 0 && stat(main_rs, &cst) == 0 &&
                   S_ISREG(cst.st_mode);
    free(cargo);
    if (package)
        return main_rs;
    free(main_rs);
    DIR *dp = opendir(dir);
    struct dirent *e;
    while (dp && (e = readdir(dp))) {
        char *full = xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        const Lang *l = lang_by_path(e->d_name);
        if (e->d_name[0] != '.' && l && (!lang || l == lang) && stat(full, &st) == 0 && S_ISREG(st.st_mode) &&
            !(l->id == LANG_GO && strstr(e->d_name, "_test.go")))
            sl_push(candidates, e->d_name);
        free(full);
    }
    if (dp)
        closedir(dp);
    if (candidates->len)
        qsort(candidates->items, candidates->len, sizeof *candidates->items, by_name);
    const char *pick = NULL;
    size_t n = 0;
    for (const char *const *u = usual; *u; u++)
        if (sl_contains(candidates, *u))
            pick = n++ ? NULL : *u;
    if (!n) {
        for (size_t i = 0; i < candidates->len; i++) {
            const Lang *l = lang_by_path(candidates->items[i]);
            char *full = xasprintf("%s/%s", dir, candidates->items[i]);
            if (l->compile && l->id != LANG_JAVA && l->id != LANG_RUST && srcdeps_file_has_main(l, full))
                pick = n++ ? NULL : candidates->items[i];
            free(full);
        }
    }
    if (!n && candidates->len == 1)
        pick = candidates->items[0];
    char *entry = pick ? xasprintf("%s/%s", dir, pick) : NULL;
    if (entry)
        sl_free(candidates);
    return entry;
}
