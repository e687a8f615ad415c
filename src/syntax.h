/* Syntax highlighting and live syntax errors of one open file.
 *
 * A SyntaxDoc follows a text buffer it does not own.  Files in one of the
 * tree-sitter languages are parsed on a background thread from a snapshot
 * of the text; the UI thread keeps the last finished tree, applies every
 * edit to it at once (ts_tree_edit, so positions stay right while the next
 * parse runs) and queries only the rows on screen.  Nothing here ever
 * waits for the parser: syntax_tick picks up a finished tree when there is
 * one and hands the parser the newest snapshot.  Fortran is highlighted by
 * src/fortran_lexer.*; other files are plain.
 *
 * Files larger than a threshold are parsed by window: only a range of lines
 * around the view (ts_parser_set_included_ranges), so memory stays bounded
 * however large the file; moving the view far enough parses a new window.
 * A window starts at a line that looks like the start of a top-level
 * construct, and syntax errors near a window's edges are not reported,
 * since there they are artefacts of the cut.
 *
 * Threads: every function is called from one thread (the UI's), except the
 * SyntaxSource and wake callbacks, which the parser thread calls.
 *
 * Highlighting is by capture name ("keyword", "function.method"); names
 * are interned process-wide into small numbers (SyntaxHl) so that the UI
 * can map each to a colour once. */
#ifndef TIDE_SYNTAX_H
#define TIDE_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang.h"

/* An interned capture name; 0 is plain text. */
typedef uint16_t SyntaxHl;
#define SYNTAX_HL_NONE 0

/* How many names are interned so far (ids are below this). */
unsigned syntax_hl_count(void);
/* The capture name of an id ("" for SYNTAX_HL_NONE). */
const char *syntax_hl_name(SyntaxHl hl);
/* The id of a capture name, interning it. */
SyntaxHl syntax_hl_intern(const char *name);

/* Text the parser reads: an immutable snapshot, read from the parser
 * thread until released. */
typedef struct SyntaxSource {
    void *payload;
    uint32_t len; /* bytes */
    /* The bytes at offset at (at < len): a pointer to as many contiguous
     * bytes as there are there (at least one) and their count in *n. */
    const char *(*read)(void *payload, uint32_t at, uint32_t *n);
    void (*release)(void *payload); /* may be NULL */
} SyntaxSource;

/* A position: row and byte column, both from 0. */
typedef struct SyntaxPoint {
    uint32_t row, col;
} SyntaxPoint;

/* One change of the text: bytes [start, old_end) became [start, new_end). */
typedef struct SyntaxEdit {
    uint32_t start_byte, old_end_byte, new_end_byte;
    SyntaxPoint start, old_end, new_end;
} SyntaxEdit;

/* What is on screen: the bytes from the first visible row's first visible
 * byte to the last visible byte, and where the first is. */
typedef struct SyntaxView {
    uint32_t start_byte, end_byte;
    SyntaxPoint start;
} SyntaxView;

/* What the document needs from the buffer it follows. */
typedef struct SyntaxHost {
    void *ctx;
    /* A snapshot of the text as it is now.  false: none can be had now
     * (try at the next tick). */
    bool (*snapshot)(void *ctx, SyntaxSource *out);
    /* The current text, as SyntaxSource.read (UI thread only). */
    const char *(*read)(void *ctx, uint32_t at, uint32_t *n);
    /* The current length of the text in bytes. */
    uint32_t (*length)(void *ctx);
    /* Called on the parser thread when a parse has finished, so the UI can
     * wake up and call syntax_tick.  May be NULL. */
    void (*wake)(void *ctx);
} SyntaxHost;

typedef struct SyntaxOptions {
    /* Parse inside syntax_tick instead of on a thread (tests, fuzzing). */
    bool synchronous;
    /* Files larger than this many bytes are parsed by window (0: the
     * default, SYNTAX_WINDOW_THRESHOLD). */
    uint32_t window_threshold;
    /* Bytes parsed before and after the view (0: SYNTAX_WINDOW_MARGIN). */
    uint32_t window_margin;
} SyntaxOptions;

#define SYNTAX_WINDOW_THRESHOLD (2u * 1024 * 1024)
/* A parse starts this long after the text changed (see worker_main). */
#define SYNTAX_DEBOUNCE_MS 4
#define SYNTAX_WINDOW_MARGIN (96u * 1024)

typedef enum { SYNTAX_PLAIN, SYNTAX_TREE_SITTER, SYNTAX_FORTRAN } SyntaxKind;

typedef struct SyntaxDoc SyntaxDoc;

/* A span of highlighted bytes, [start, end). */
typedef struct SyntaxSpan {
    uint32_t start, end;
    SyntaxHl hl;
} SyntaxSpan;

typedef struct SyntaxSpans {
    SyntaxSpan *v;
    size_t n, cap;
} SyntaxSpans;

/* A document for a file of language lang (NULL: plain) at path (NULL for
 * an unnamed buffer; Fortran's form is chosen by the extension).  Never
 * fails: when a grammar cannot be loaded the document is plain and
 * syntax_problem says why.  host is copied. */
SyntaxDoc *syntax_new(const Lang *lang, const char *path, const SyntaxHost *host,
                      const SyntaxOptions *opts);
/* Stops the parser thread (cancelling a parse in flight). */
void syntax_free(SyntaxDoc *doc);

SyntaxKind syntax_kind(const SyntaxDoc *doc);
/* "python", "fortran (fixed form)", "plain text". */
const char *syntax_name(const SyntaxDoc *doc);
/* Why the document is plain though its language has a grammar, or NULL. */
const char *syntax_problem(const SyntaxDoc *doc);

/* Tell the document about a change of the text, right after it happened. */
void syntax_edit(SyntaxDoc *doc, const SyntaxEdit *edit);
/* The whole text was replaced (reloaded from disk): forget the tree. */
void syntax_reset(SyntaxDoc *doc);
/* Call before drawing, with what is on screen (NULL: unchanged).  Takes a
 * finished parse if there is one and starts the next when the text or the
 * view need it.  Returns true when the highlighting changed since the last
 * call: the screen should be drawn again. */
bool syntax_tick(SyntaxDoc *doc, const SyntaxView *view);
/* Whether a parse is queued or running. */
bool syntax_busy(const SyntaxDoc *doc);
/* Wait up to timeout_ms for the parser to finish, then tick (benchmarks,
 * tests).  Returns false on timeout. */
bool syntax_wait(SyntaxDoc *doc, int timeout_ms);

/* The highlighted spans of bytes [start, end) of the current text, sorted
 * and not overlapping, appended to out.  Bytes not covered are plain.
 * Pass only what is on screen: the cost is proportional to end - start. */
void syntax_highlight(SyntaxDoc *doc, uint32_t start, uint32_t end, SyntaxSpans *out);
/* The ranges of syntax errors that touch [start, end), sorted, appended to
 * out (hl is the id of "error").  A missing token is marked on the
 * character before the place it is missing from; an unexpected stretch of
 * text on its first line. */
void syntax_errors(SyntaxDoc *doc, uint32_t start, uint32_t end, SyntaxSpans *out);
/* A one-line explanation of the syntax error at byte, for the status bar:
 * "syntax error: missing \";\"".  false when there is none there. */
bool syntax_error_at(SyntaxDoc *doc, uint32_t byte, char *msg, size_t n);

void syntax_spans_free(SyntaxSpans *s);

/* The current tree as an S-expression (tests compare trees with it), or
 * NULL when there is none.  The caller frees it. */
char *syntax_debug_tree(SyntaxDoc *doc);

#endif
