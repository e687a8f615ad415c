/* What the last snapshot of a session saw, kept beside its git folder
 * (tide-unchanged), so that a run of files nobody touched since is
 * recorded against the same commit without loading libgit2 (~6 ms, most
 * of a recorded `tide run`'s own cost).
 *
 * The record holds the stat data of everything the snapshot's outcome
 * depends on: every folder walked (a file added, removed or renamed
 * changes its folder's times), every file considered, the .gitignore
 * files and git's own rule and config files, and what was absent.  It is
 * trusted only when all of it is as recorded, the branch still names the
 * recorded commit, the machine has not restarted since (a power cut may
 * have cut the commit's objects short: the full snapshot checks them), and
 * nothing recorded changed within two seconds of the walk (a change in
 * the same clock tick as the walk's look at it leaves the same times, as
 * git's "racily clean" entries), and the record itself is whole (it ends
 * with its own SHA-1).  Anything else, and the snapshot is taken in full. */
#ifndef TIDE_SNAPSTAT_H
#define TIDE_SNAPSTAT_H

#include <stdbool.h>
#include <sys/stat.h>

#include "vcs.h"
#include "xalloc.h"

/* Recorded times this close to the walk's start are not trusted: a
 * change in the same clock tick leaves them as they were (coarse clocks
 * lag by a tick; two seconds also covers one-second file systems). */
#define SNAPSTAT_RACY_SECONDS 2

/* Kinds of recorded stat data (how each is looked at again). */
enum {
    SNAPSTAT_FOLDER = 'D',  /* relative to the work tree, not followed */
    SNAPSTAT_FILE = 'C',    /* relative to the work tree, not followed */
    SNAPSTAT_IGNORE = 'G',  /* a .gitignore, relative, followed (as git reads it) */
    SNAPSTAT_OUTSIDE = 'R', /* an absolute path (git's config and rules), followed */
};

/* Start a record: the options' key (see vcs.c) and when the walk began. */
void snapstat_begin(StrBuf *rec, const char *key, const struct timespec *start);
/* A path and its stat data; "" is the work tree itself. */
void snapstat_stat(StrBuf *rec, int kind, const char *path, const struct stat *st);
/* A path (relative to the work tree, or absolute) that does not exist. */
void snapstat_absent(StrBuf *rec, const char *path);
void snapstat_note(StrBuf *rec, const char *note);

/* Keep rec as the record of snap, committed as commit, which the branch
 * (git_dir's HEAD) names now.  Not synced: a record lost to a power cut
 * only means a full snapshot.  False when it could not be kept (any older
 * one is removed). */
bool snapstat_write(const char *git_dir, const char *rec, const VcsSnapshot *snap, const char *commit);
/* Remove the record (the snapshot taken could not be recorded). */
void snapstat_forget(const char *git_dir);
/* Whether the record is there and still true for key: then snap is the
 * recorded snapshot (changed false, parent the recorded commit, reused).
 * racy_seconds: see SNAPSTAT_RACY_SECONDS (negative: none). */
bool snapstat_check(const char *git_dir, const char *workdir, const char *key, int racy_seconds,
                    VcsSnapshot *snap);

#endif
