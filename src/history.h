/* The recorded runs of sessions (code_results): listing them, reading one
 * back with its code and output, finding them by text (FTS5, trigram),
 * comparing two, and writing out the files a run saw. */
#ifndef TIDE_HISTORY_H
#define TIDE_HISTORY_H

#include <stdint.h>

#include "app.h"
#include "vcs.h"
#include "xalloc.h"

typedef struct HistoryFile {
    char *path;
    long long size;
    char *type;         /* MIME type, or NULL */
    char *stored;       /* where it is on disk, NULL once expired */
    int64_t expires_at; /* 0: never */
} HistoryFile;

typedef struct HistoryResult {
    int64_t id, session_id;
    char *language, *entry, *status;
    char commit[VCS_OID_LEN + 1];        /* "" when the run has no snapshot */
    int exit_code;                       /* -1: none */
    int signal;                          /* 0: none */
    double compile_time, execution_time; /* < 0: no such step */
    long long peak_memory_kb;            /* < 0: unknown */
    bool output_truncated;
    int64_t created_at;
    /* Filled by history_get only. */
    StrList args;
    char *code;
    size_t code_len;
    char *stdin_mode, *stdin_data;
    char *stdin_name;                    /* "file": as the user named it, or NULL (not known) */
    size_t stdin_len;
    bool stdin_truncated;                /* stdin_data is its first MiB only */
    char *output, *error;
    size_t output_len, error_len;
    char *note;
    char *message;                       /* exec's one line, or NULL */
    char *compile_output;                /* the compiler's messages */
    size_t compile_output_len;
    bool build_cached;
    bool net;                            /* it had the host's network (--net) */
    char *toolchain;                     /* JSON array of the tools used, or NULL (older runs) */
    HistoryFile *generated;
    size_t ngenerated;
} HistoryResult;

/* Newest first; session_id 0: every session; limit 0: no limit. */
bool history_list(App *app, int64_t session_id, int64_t limit, HistoryResult **out, size_t *n, Err *err);
bool history_get(App *app, int64_t id, HistoryResult *out, Err *err);
/* Only the files run id of session session_id wrote (generated), the
 * rest of out left empty: its output may be megabytes. */
bool history_get_files(App *app, int64_t session_id, int64_t id, HistoryResult *out, Err *err);
void history_result_free(HistoryResult *r);
/* How a result ended, for people: "exit 3", "signal 9", "-" when neither
 * (it did not compile, or never ran). */
#define HISTORY_EXIT_LEN 24
void history_exit_text(const HistoryResult *r, char out[HISTORY_EXIT_LEN]);
/* A result's toolchain (its JSON, or NULL) as lines to show, one per
 * tool: "VERSION (PATH)", the tool's name when it has no version. */
void history_toolchain_lines(const char *toolchain, StrList *out);
void history_list_free(HistoryResult *list, size_t n);

typedef struct HistoryHit {
    HistoryResult result; /* summary fields only */
    char *where;          /* "code", "output", "error" or "entry" */
    char *snippet;        /* one line around the match */
    size_t match_start, match_len; /* the match within snippet (len 0: not shown) */
} HistoryHit;

/* Runs whose code, output or error contains text (case-insensitive),
 * newest first. */
bool history_search(App *app, const char *text, int64_t session_id, int64_t limit, HistoryHit **out, size_t *n,
                    Err *err);
void history_hits_free(HistoryHit *hits, size_t n);

/* The run before id in its session (*prev 0: id is the session's first);
 * id 0: the newest run of all, and *prev the one before it. */
bool history_previous(App *app, int64_t *id, int64_t *prev, Err *err);
/* What changed between runs a and b: the files (a unified diff of their
 * snapshots), then the outputs. */
bool history_diff(App *app, int64_t a, int64_t b, StrBuf *out, Err *err);
/* The text of a session's file as the user has it now, for
 * history_diff_now: the editor's copy (malloc'd, *len set) when the file
 * is open there, else NULL (the disk's is read). */
typedef char *(*HistoryNowText)(void *ud, const char *path, size_t *len);
/* A file of a run that is not now as it was then. */
typedef struct HistoryChange {
    char *path;          /* relative to the session's folder */
    char *then, *now;    /* the texts */
    size_t then_len, now_len;
    bool gone;           /* no such file now */
} HistoryChange;
/* The files of run r's snapshot (the entry first) that are not now as
 * they were (now(ud, absolute path), else the file below workdir); a run
 * without a snapshot: its entry's code.  Files over a few MiB are left
 * out. */
bool history_files_changed(App *app, const HistoryResult *r, const char *workdir, HistoryNowText now, void *ud,
                           HistoryChange **out, size_t *n, Err *err);
void history_changes_free(HistoryChange *c, size_t n);
/* What changed in run r's files since it ran, appended to out: a unified
 * diff of each file of its snapshot against now (now(ud, absolute path),
 * else the file below workdir; a file gone is all taken out), the entry
 * first; nothing when all are as they were.  A run without a snapshot
 * compares its entry's code.  Files over a few MiB are left out. */
bool history_diff_now(App *app, const HistoryResult *r, const char *workdir, HistoryNowText now, void *ud,
                      StrBuf *out, Err *err);
/* The session's files as they were at run id, written below dest. */
bool history_checkout(App *app, int64_t id, const char *dest, bool force, size_t *nfiles, Err *err);

/* Add a recorded run to the search index (inside the caller's
 * transaction): its entry name, code, output and errors as text. */
bool history_index(Store *store, int64_t id, const char *entry, const char *code, size_t code_len,
                   const char *output, size_t output_len, const char *error, size_t error_len, Err *err);

/* A result id from the command line ("12" or "#12"). */
bool history_parse_id(const char *s, int64_t *id, Err *err);

#endif
