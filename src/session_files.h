/* The files of a session, as code_files records them: the work tree's
 * files (origin user or import, refreshed from each run's snapshot) and
 * the files runs generated (origin generated, kept in the data folder).
 * Import copies files in (the "upload" of hosted interpreters), export
 * copies one out (the "download"); neither ever writes through a symlink
 * or outside the folder it means. */
#ifndef TIDE_SESSION_FILES_H
#define TIDE_SESSION_FILES_H

#include "session.h"

typedef struct SessionFile {
    char *path;
    char *origin;        /* "user", "import", "generated" */
    long long size;
    char *type;          /* MIME type, or NULL */
    char *blob_oid;      /* in the session's git, or NULL */
    int64_t result_id;   /* the run that generated it, 0 for work tree files */
    int64_t created_at, updated_at;
    int64_t expires_at;  /* 0: never */
    char *stored;        /* where it is on disk, NULL when gone */
} SessionFile;

/* Work tree files first (by path), then generated files (newest run first). */
bool session_files_list(App *app, const Session *s, SessionFile **out, size_t *n, Err *err);
void session_files_free(SessionFile *files, size_t n);

/* Copy each of srcs (files or folders) into the session's work tree, under
 * its own name, or under as (one source only).  Every check is made before
 * the first copy: names escaping the session, symlinks, files over the
 * limit, existing files (replaced only with force).  done gets the names
 * as they are in the session. */
bool session_import(App *app, Session *s, const char *const *srcs, const char *as, bool force, StrList *done,
                    Err *err);

/* Copy the session file name out to dest (NULL: the current folder; an
 * existing folder: into it), never over an existing file unless force.
 * name is a generated file of run result_id (0: of the newest run that
 * made one) or else a work tree file.  *written gets the path written. */
bool session_export(App *app, Session *s, const char *name, int64_t result_id, const char *dest, bool force,
                    char **written, Err *err);

/* For session.c, inside its transaction: bring the work tree rows up to a
 * snapshot; record a run's generated files. */
bool session_files_refresh(Store *store, int64_t session_id, const char *workdir, const VcsSnapshot *snap,
                           int64_t now, Err *err);
bool session_files_record_generated(Store *store, int64_t session_id, int64_t result_id, const RecordedFile *files,
                                    size_t n, int64_t now, int64_t expires_at, Err *err);
/* A work tree file that is there before any run (a starter file). */
bool session_files_add(Store *store, int64_t session_id, const char *workdir, const char *path, const char *origin,
                       int64_t now, int64_t expires_at, Err *err);

#endif
