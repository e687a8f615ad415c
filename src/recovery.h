/* Recovery files: unsaved changes written under
 * $XDG_STATE_HOME/tide/recovery/ a few seconds after the user stops
 * typing, so a crash or a killed terminal loses nothing.  Opening the file
 * again offers them back; saving or closing the file cleanly removes them.
 *
 * A recovery file is a short header (the original path, when it was
 * written, the size and mtime of the file on disk then) followed by the
 * text as it was in the editor, byte for byte. */
#ifndef TIDE_RECOVERY_H
#define TIDE_RECOVERY_H

#include <time.h>

#include "buffer.h"
#include "document.h"
#include "err.h"
#include "paths.h"

/* The recovery file of the file at path (absolute): a name derived from
 * the path, under the state folder.  Freshly allocated. */
char *recovery_path(const Paths *paths, const char *file_path);

/* The same file may be open in several IDEs at once (two terminals): each
 * claims a slot of its own, a recovery file and a lock held while the file
 * is open, so one never offers, overwrites or removes another's unsaved
 * changes.  A slot whose lock nobody holds but whose recovery file is
 * there is what a crash left: the claim takes it over when its own slot
 * has none, so that it is offered. */
#define RECOVERY_SLOTS 8
typedef struct RecoveryClaim {
    char *path;     /* this IDE's recovery file; NULL: none (untitled, or every slot taken) */
    int lock_fd;    /* held until recovery_release, or -1 */
    int others;     /* other IDEs that have the file open */
    long other_pid; /* one of them (0: unknown) */
} RecoveryClaim;

bool recovery_claim(const Paths *paths, const char *file_path, RecoveryClaim *c, Err *err);
/* Give the slot back (its recovery file stays, if any: removing it is the
 * caller's, once the changes are saved or thrown away). */
void recovery_release(RecoveryClaim *c);
/* Write the snapshot as the recovery of file_path, atomically; creates
 * the folder.  Touches nothing else: may run on a worker thread. */
bool recovery_write(const char *rec_path, const char *file_path, BufferSnapshot *snap, Err *err);

typedef struct Recovery {
    char *file_path;
    time_t written;
    char *data;
    size_t len;
} Recovery;

/* Read a recovery file.  False with an empty message when there is none. */
bool recovery_read(const char *rec_path, Recovery *out, Err *err);
void recovery_free(Recovery *r);
/* Remove it (no error when it is not there). */
void recovery_remove(const char *rec_path);
/* Changes the user chose not to restore (a "n" typed by a hand that meant
 * to type into the file, as likely as a choice) are not thrown away: their
 * text becomes a plain file of its own, NAME.YYYYMMDD-HHMMSS (when they were
 * written) under $XDG_STATE_HOME/tide/set-aside/, and the recovery file
 * goes.  *out: that file's path.  False (the recovery file kept) when it
 * cannot be written. */
bool recovery_set_aside(const Paths *paths, const char *rec_path, char **out, Err *err);
/* The files set aside so far (full paths, sorted), added to files. */
bool recovery_set_aside_files(const Paths *paths, StrList *files, Err *err);
/* The files whose unsaved changes wait in a recovery file no running IDE
 * holds (what a crash or a closed terminal left; opening the file in the
 * IDE offers them), sorted, added to files.  No folder yet: none. */
bool recovery_waiting(const Paths *paths, StrList *files, Err *err);

#endif
