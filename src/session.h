/* Execution sessions: a language, a work tree and a history of runs.
 *
 * A scratch session lives in tide's data folder:
 *   $XDG_DATA_HOME/tide/sessions/<id>/files/      the work tree
 * A folder session uses the user's folder as its work tree and never
 * writes into it.  Both keep, in the data folder,
 *   $XDG_DATA_HOME/tide/sessions/<id>/git/        the git folder (vcs)
 *   $XDG_DATA_HOME/tide/sessions/<id>/generated/<result id>/   files runs made
 *   $XDG_DATA_HOME/tide/sessions/<id>/lock        serialises runs in the session
 *   $XDG_DATA_HOME/tide/sessions/<id>/go-build/   Go's build cache, the session's
 *                                                 compile steps' alone (exec.h:
 *                                                 RunRequest.go_cache)
 * and rows in code_sessions / code_results / code_files.
 *
 * Recording a run: lock the session, snapshot the work tree (objects only,
 * on a thread of its own while the program runs: the run never writes into
 * the work tree), then in one database transaction insert the result, write the
 * commit object and the rows; only after that commit does the branch
 * move.  A crash at any point leaves an intact database and at worst an
 * unreferenced git object.
 *
 * Threads: session_run (and session_run_begin/finish) open a database
 * connection of their own and may run on a worker thread while another
 * thread uses app->store, unless told they run on the thread that owns the
 * App (`tide run`: one database open fewer).  Every other function uses
 * app->store and belongs to the thread that owns the App.
 *
 * For the IDE:
 *   session_for_folder(app, folder, lang, &s)    the session of an open folder
 *   session_touch(app, &s)                       when it opens one (pushes expiry)
 *   session_run(app, &s, &req, &cb, false, ...)  F5, on a worker thread: the same
 *                                                path as `tide run --session`
 *   history_list(app, s.id, limit, ...)          the session's runs, newest first
 *   history_get(app, result_id, ...)             one run: code, output, files
 *   history_diff / history_checkout              as tide diff / tide checkout */
#ifndef TIDE_SESSION_H
#define TIDE_SESSION_H

#include <stdint.h>

#include "app.h"
#include "exec.h"
#include "history.h"
#include "lang.h"
#include "vcs.h"

/* The session's Go build cache, below its folder. */
#define SESSION_GO_CACHE "go-build"

typedef enum { SESSION_SCRATCH, SESSION_FOLDER } SessionKind;

typedef struct Session {
    int64_t id;
    char *name;
    const Lang *lang;
    SessionKind kind;
    char *workdir; /* the work tree runs see */
    char *git_dir;
    char *dir;     /* the session's folder in the data folder */
    int64_t created_at, last_used_at; /* unix seconds, UTC */
    int64_t expires_at;               /* 0: never (folder sessions) */
    int64_t runs;                     /* recorded runs */
    int64_t last_result;              /* newest result id, 0 when none */
} Session;

const char *session_kind_name(SessionKind kind);

/* A new scratch session with the language's starter file.  name NULL:
 * "<language>-<id>". */
bool session_new_scratch(App *app, const Lang *lang, const char *name, Session *out, Err *err);
/* The scratch session of a program given on standard input (tide run -),
 * named "<language>-stdin-<id>": a script's or an agent's, which the
 * IDE does not offer to resume among the user's own (session_list_scratch). */
bool session_new_for_stdin(App *app, const Lang *lang, Session *out, Err *err);
/* The session for folder and lang, created on first use.  A scratch
 * session's own work tree gives that session. */
bool session_for_folder(App *app, const char *folder, const Lang *lang, Session *out, Err *err);
/* The session whose work tree is folder (a folder session, or a scratch
 * session's own folder); none, or one per language, is an error that
 * says which to name. */
bool session_here(App *app, const char *folder, Session *out, Err *err);
/* The id of the folder session of lang at workdir (a realpath), 0 when
 * there is none yet; nothing is made. */
bool session_folder_id(App *app, const char *workdir, const Lang *lang, int64_t *id, Err *err);
/* The newest recorded run of folder's sessions (one per language): by
 * their index, not a scan of every run.  *result_id 0 when there is none. */
bool session_newest_run_in(App *app, const char *folder, int64_t *session_id, int64_t *result_id, Err *err);
/* By id ("12") or by name. */
bool session_find(App *app, const char *ref, Session *out, Err *err);
/* The same, where a name several sessions share (a folder's sessions of
 * different languages) means the one in lang, when there is one. */
bool session_find_for(App *app, const char *ref, const Lang *lang, Session *out, Err *err);
bool session_load(App *app, int64_t id, Session *out, Err *err);
/* Every session, most recently used first. */
bool session_list(App *app, Session **out, size_t *n, Err *err);
/* The scratch sessions people made (not those of code from standard
 * input), most recently used first, at most limit of them. */
bool session_list_scratch(App *app, int64_t limit, Session **out, size_t *n, Err *err);
void session_free(Session *s);
void session_list_free(Session *list, size_t n);
/* The work tree is there (a folder session's folder may have gone). */
bool session_check(const Session *s, Err *err);
/* Mark as used now: pushes the expiry of a scratch session and of its
 * imported files.  The TUI calls it when it opens a session. */
bool session_touch(App *app, Session *s, Err *err);
/* Delete tide's records of the session and its folder in the data folder.
 * A folder session's work tree (the user's files) is never touched.
 * Refused while a run holds the session. */
bool session_remove(App *app, Session *s, Err *err);

/* The session's lock, as a run holds it (gc and removal take it without
 * waiting).  Returns a descriptor for session_unlock, or -1. */
int session_lock(const Session *s, bool wait, Err *err);
void session_unlock(int fd);
/* The IDE holds the session it has open (a shared lock on the session's
 * in-use file) so that gc leaves it however long it sits unused.  A
 * descriptor for session_unlock, or -1 (then gc may take it). */
int session_hold(const Session *s);
/* Whether some process holds s (session_hold). */
bool session_held(const Session *s);

/* ------------------------------------------------------------ recording runs */

/* What the run was asked to do. */
typedef struct SessionRunSpec {
    const char *const *files; /* relative to the work tree; files[0] is the entry */
    const char *const *args;  /* NULL-terminated, or NULL */
    /* Called (on the calling thread) when another run holds the session
     * and this one waits for it. */
    void (*waiting)(void *ud);
    void *ud;
    /* A stop or an interrupt asked through it ends the wait: begin fails
     * and nothing runs (may be NULL). */
    const RunControl *control;
    bool app_thread; /* called on the thread that owns the App: record through app->store */
} SessionRunSpec;

typedef struct RecordedFile {
    const char *path; /* relative to the generated folder */
    long long size;
    const char *type; /* MIME type, or NULL */
} RecordedFile;

/* What the run did: exec's result, in the database's terms. */
typedef struct RunRecord {
    const char *status; /* run_status_name(): "ok", "compile_error", ... */
    int exit_code;      /* -1: none */
    int signal;         /* 0: none */
    double compile_time, execution_time; /* seconds; < 0: no such step */
    long long peak_memory_kb;            /* < 0: unknown */
    const char *output, *error;          /* bytes, may hold NULs */
    size_t output_len, error_len;
    bool output_truncated;
    const char *stdin_mode;              /* "none", "file", "pipe", "interactive" */
    const char *stdin_name;              /* "file": as the user named it, or NULL */
    const char *stdin_data;
    size_t stdin_len;
    bool stdin_truncated;
    const char *message;                 /* exec's one line, or NULL */
    const char *compile_output;          /* the compiler's messages, may be NULL */
    size_t compile_output_len;
    bool build_cached;
    bool net;                            /* the host's network (--net) */
    const char *toolchain;               /* JSON array of the tools used, or NULL */
    const RecordedFile *generated;       /* in session_run_generated_dir() */
    size_t ngenerated;
} RunRecord;

/* Bytes of each of a run's streams (stdout, stderr) its record keeps. */
#define SESSION_RECORD_STREAM_MAX (32LL << 20)

/* What was recorded. */
/* How a note saying a run's record was lost begins (what tide run -q says
 * even so: the record is what tide result and the IDE's F7 read). */
#define SESSION_NOT_RECORDED "this run is not recorded: "

typedef struct SessionRunResult {
    bool ran;                       /* exec_run was called */
    bool stopped;                   /* req->control asked it to stop before exec_run
                                       (while it waited for the session): nothing ran,
                                       nothing is recorded */
    bool recorded;                  /* a code_results row exists */
    int64_t result_id;
    char commit[VCS_OID_LEN + 1];   /* the snapshot, "" when there is none */
    StrList notes;                  /* things the user should know, one line each
                                       (files left out, what could not be recorded,
                                       run_result_notes' about the result) */
    bool result_noted;              /* run_result_notes' are among notes (and in
                                       the record): the caller adds them no more */
    StrList repeated;               /* those of notes about the folder (what the
                                       snapshot left out) that the session's previous
                                       result had too: a person was told already */
} SessionRunResult;

void session_run_result_free(SessionRunResult *r);

/* Run req in session s and record it: the one code path of `tide run`
 * (recorded) and of the TUI's F5.  req->files are relative to the session's
 * work tree (session_resolve_files turns command-line names into them);
 * req->lang may be NULL (the session's language) and must otherwise be
 * it; req->workdir and req->generated_dir are set here for exec and given
 * back as they were.  While another run holds the session, cb->phase gets
 * "waiting", and a stop or an interrupt through req->control ends the wait
 * (rec->stopped).  stdin is recorded: a regular file up to 1 MiB, a pipe through
 * a thread that copies what passes (the program still reads it as it
 * arrives), a terminal or tty run as "interactive".
 *
 * Returns false when the program did not run: before exec (rec->ran false;
 * err says why, res is untouched) or because exec could not run it
 * (rec->ran true; res describes it, as exec_run's false return does).
 * Otherwise res is exec's result and rec says what was recorded; a run
 * that could not be recorded still returns true, with rec->recorded false
 * and the reason in rec->notes.  May run on a worker thread. */
bool session_run(App *app, const Session *s, RunRequest *req, const RunCallbacks *cb, bool app_thread,
                 RunResult *res, SessionRunResult *rec, Err *err);

/* The two halves of a recorded run, for callers that run the program
 * themselves (session_run is both with exec_run in between).  begin locks
 * the session (waiting for a run in progress), checks the files and starts
 * the snapshot; finish waits for it, records and unlocks, and always frees
 * run. */
typedef struct SessionRun SessionRun;
bool session_run_begin(App *app, const Session *s, const SessionRunSpec *spec, SessionRun **run, Err *err);
/* The folder to give exec as generated_dir (exists, empty). */
const char *session_run_generated_dir(const SessionRun *run);
/* Record rec.  Returns false only when nothing could be recorded (out->notes
 * and err say why); the run itself has happened either way. */
bool session_run_finish(SessionRun *run, const RunRecord *rec, SessionRunResult *out, Err *err);
/* Give up without recording (the run could not start). */
void session_run_abort(SessionRun *run);

/* The file a run of s without a FILE runs (relative to its folder): its
 * last run's entry, else a scratch session's starter file -- while it is
 * still a file there; NULL when there is none. */
char *session_entry(App *app, const Session *s);
/* The files of a run, as given on a command line (relative to the current
 * folder, or absolute), as paths relative to the session's work tree.
 * Names not found there but found in the work tree are taken from it. */
bool session_resolve_files(const Session *s, const char *const *names, StrList *rel, Err *err);

/* ------------------------------------------------------------ the whole store */

typedef struct SessionUsage {
    int64_t sessions, scratch, folder;
    int64_t runs;
    int64_t files, file_bytes;  /* code_files rows and their sizes */
    int64_t disk_bytes;         /* the sessions folder on disk (work trees, git, generated) */
    int64_t db_bytes;
    int64_t oldest_expiry;      /* 0: nothing expires */
    char *data_dir, *db_path;
} SessionUsage;

bool session_usage(App *app, SessionUsage *u, Err *err);
void session_usage_free(SessionUsage *u);

/* Helpers the command modules share. */
/* "sessions/<id>" in the data folder. */
char *session_dir_for(App *app, int64_t id);
/* Whether path is a file a run wrote as tide keeps it (its record, in
 * sessions/<id>/generated/<run>/ of the data folder) or that run's folder:
 * then *session_id and *result_id are the session and the run, and *name
 * (each may be NULL; free it) the file's path in there ("": the folder). */
bool session_run_file(App *app, const char *path, int64_t *session_id, int64_t *result_id, char **name);
int64_t session_now(void);
/* How long after its last use a scratch session expires ([session]
 * expiry_hours), and a session's Go build cache. */
int64_t session_expiry_seconds(const App *app);

#endif
