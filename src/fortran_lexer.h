/* The built-in Fortran highlighter: a lexer, one line at a time, for free
 * form (.f90 and later) and fixed form (.f .for .ftn).  No tree-sitter
 * grammar for Fortran can be had from the registries tide builds from, so
 * this lexer emits the same capture names the grammars' queries use
 * ("keyword", "string", ...), and themes apply to it unchanged.
 *
 * Fortran has no reserved words; like other editors' lexical highlighters
 * this one colours keywords wherever they appear, case-insensitively.
 * Fixed form: C, c, *, D, d or ! in column 1 make a comment line; columns
 * 1-5 hold a label, a character in column 6 continues the previous line,
 * and columns 73 and later are not part of the statement. */
#ifndef TIDE_FORTRAN_LEXER_H
#define TIDE_FORTRAN_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { FORTRAN_FREE, FORTRAN_FIXED } FortranForm;

typedef enum {
    FTOK_KEYWORD,
    FTOK_TYPE,             /* integer, real, ... */
    FTOK_TYPE_NAME,        /* a derived type's name: type point, type(point) */
    FTOK_STRING,
    FTOK_COMMENT,
    FTOK_NUMBER,
    FTOK_OPERATOR,         /* + ** == .and. ... */
    FTOK_FUNCTION,         /* the name after subroutine, function, call */
    FTOK_FUNCTION_BUILTIN, /* an intrinsic called: sqrt( */
    FTOK_CONSTANT_BUILTIN, /* .true. .false. */
    FTOK_MODULE,           /* the name after program, module, use */
    FTOK_LABEL,            /* a statement label */
    FTOK_DIRECTIVE,        /* a preprocessor line: #include, #ifdef */
    FTOK_CONTINUATION,     /* & in free form, column 6 in fixed form */
    FTOK_COUNT
} FortranTokenKind;

/* A token of a line: [start, end) are byte offsets into the line. */
typedef struct FortranToken {
    uint32_t start, end;
    FortranTokenKind kind;
} FortranToken;

/* What one line hands to the next: a character constant left open by a
 * continuation. */
typedef struct FortranState {
    char quote; /* 0, '\'' or '"' */
} FortranState;

typedef void (*FortranEmitFn)(void *ctx, const FortranToken *tok);

/* Lex one line (without its newline), in order, from state (a zeroed
 * FortranState before the first line), which is updated for the next. */
void fortran_lex_line(FortranForm form, const char *line, size_t len, FortranState *state,
                      FortranEmitFn emit, void *ctx);
/* The capture name of a token kind: "keyword", "type.builtin", ... */
const char *fortran_token_capture(FortranTokenKind kind);

#endif
