/* Recovery files: unsaved changes written under
 * $XDG_STATE_HOME/tide/recovery/ a few seconds after the user stops
 * typing, so a crash or a killed terminal loses nothing.  Opening the file
 * again offers them back (an untitled tab's: starting the IDE on its folder
 * again); saving or closing the file cleanly removes them.
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
    char *folder;   /* an untitled tab's: the IDE's folder its text is kept for (NULL: a file's) */
} RecoveryClaim;

bool recovery_claim(const Paths *paths, const char *file_path, RecoveryClaim *c, Err *err);
/* An untitled tab (no file name yet) has no path to key its recovery file
 * by: its text is kept for the IDE's folder instead, in one of
 * RECOVERY_UNTITLED_SLOTS slots of that folder, one a tab, locked as a
 * file's are so that two IDEs on one folder never share one.  A new tab
 * (adopt false) takes a free slot with no recovery file in it, never one
 * a crash left; adopt true takes a slot a crash left (nobody holds it,
 * its recovery file is there), to offer it back: c->path NULL when there
 * is none.  False, with a message, when every slot is taken. */
#define RECOVERY_UNTITLED_SLOTS 32
bool recovery_claim_untitled(const Paths *paths, const char *folder, bool adopt, RecoveryClaim *c, Err *err);
/* Give the slot back (its recovery file stays, if any: removing it is the
 * caller's, once the changes are saved or thrown away). */
void recovery_release(RecoveryClaim *c);
/* Write the snapshot as the recovery of file_path, atomically; creates
 * the folder.  Touches nothing else: may run on a worker thread. */
bool recovery_write(const char *rec_path, const char *file_path, BufferSnapshot *snap, Err *err);
/* The same for an untitled tab of the IDE on folder. */
bool recovery_write_untitled(const char *rec_path, const char *folder, BufferSnapshot *snap, Err *err);

typedef struct Recovery {
    char *file_path; /* untitled: the folder of the IDE it was typed in */
    bool untitled;
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
 * IDE offers them), sorted, added to files; the folders whose IDE kept the
 * text of an untitled tab so (the IDE started on the folder offers it),
 * one a tab, sorted, added to untitled.  No folder yet: none. */
bool recovery_waiting(const Paths *paths, StrList *files, StrList *untitled, Err *err);

#endif
