/* The git side of a session (libgit2): a repository whose git folder lives
 * in tide's data folder and whose work tree is the session's folder, which
 * may be the user's own.  Nothing is ever written into the work tree: the
 * index, objects and refs are all in the git folder.
 *
 * A run is recorded in two steps so that a crash leaves at worst an
 * unreferenced object: vcs_snapshot + vcs_commit write the objects, the
 * caller records the commit in the database, and only then vcs_advance
 * moves the branch. */
#ifndef TIDE_VCS_H
#define TIDE_VCS_H

#include <stddef.h>

#include "err.h"
#include "lang.h"
#include "xalloc.h"

/* Files over this size are left out of snapshots (and refused by import). */
#define VCS_MAX_FILE (50LL << 20)
/* A work tree with more files or bytes than this is snapshotted by the
 * files of the run's language only (when the snapshot asks for it). */
#define VCS_BIG_FILES 10000
#define VCS_BIG_BYTES (200LL << 20)
/* The walk of a work tree stops after this many entries (a home folder). */
#define VCS_MAX_VISIT 200000

#define VCS_OID_LEN 40

typedef struct git_repository git_repository;

typedef struct Vcs {
    git_repository *repo;
    char *git_dir;
    char *workdir; /* NULL: history only (diff, read, checkout) */
} Vcs;

/* Create an empty repository at git_dir (which must not hold one). */
bool vcs_init(const char *git_dir, Err *err);
/* Open git_dir; workdir (NULL for none) is the tree snapshots read. */
bool vcs_open(Vcs *v, const char *git_dir, const char *workdir, Err *err);
void vcs_close(Vcs *v);
/* Remove the lock files a killed process left behind.  Only for a caller
 * that holds the session's own lock, so no live writer can own them. */
void vcs_break_stale_locks(Vcs *v);

typedef struct VcsSnapshotOptions {
    /* Paths (relative to the work tree) always included, even when ignored
     * or outside the language filter: the files of the run.  NULL-terminated
     * or NULL. */
    const char *const *force;
    /* Folders (relative to the work tree) never walked: tide's own data
     * and cache folders when they are inside it.  NULL-terminated or NULL. */
    const char *const *exclude;
    /* Apply the big-folder rule: over max_files/max_bytes, only files of
     * lang (by extension) are kept. */
    const Lang *lang;
    bool limit_big;
    /* Only the forced files, nothing walked: the run saw only those (its
     * folder is one tide never shows whole, such as a home folder or
     * /tmp), and the rest must not be copied into tide's data. */
    bool only_forced;
    /* 0: the VCS_* defaults (tests use small values). */
    long long max_file, big_files, big_bytes, max_visit;
    /* vcs_snapshot_unchanged: how long before the walk a recorded change
     * must be to be trusted (see snapstat.h); 0: SNAPSTAT_RACY_SECONDS,
     * negative: any time before it (tests, on a clock with nanoseconds). */
    int racy_seconds;
} VcsSnapshotOptions;

typedef struct VcsFile {
    char *path;
    char oid[VCS_OID_LEN + 1];
    long long size;
    bool executable, symlink;
} VcsFile;

typedef struct VcsSnapshot {
    char tree[VCS_OID_LEN + 1];   /* the files as they are now */
    char parent[VCS_OID_LEN + 1]; /* the branch's commit, "" when none yet */
    bool changed;                 /* tree differs from parent's: a commit is due */
    VcsFile *files;               /* the files in tree, sorted by path */
    size_t nfiles;
    long long bytes;
    StrList notes;                /* what was left out and why, one line each */
    bool reused;                  /* the last snapshot's, its files untouched (vcs_snapshot_unchanged) */
    char *record;                 /* what the walk saw, for vcs_remember; NULL: nothing to keep */
} VcsSnapshot;

/* Bring the index up to the work tree (respecting .gitignore, leaving out
 * files over the size cap, folders that are git repositories of their own
 * and special files) and write its tree. */
bool vcs_snapshot(Vcs *v, const VcsSnapshotOptions *opt, VcsSnapshot *snap, Err *err);
void vcs_snapshot_free(VcsSnapshot *snap);
/* The last snapshot again, without libgit2, when nothing it depends on has
 * changed since (see snapstat.h); false: take it with vcs_snapshot. */
bool vcs_snapshot_unchanged(const char *git_dir, const char *workdir, const VcsSnapshotOptions *opt,
                            VcsSnapshot *snap);
/* Keep what snap's walk saw for vcs_snapshot_unchanged, once the branch
 * names commit (snap's commit); a snapshot without a record removes the
 * last one. */
void vcs_remember(const char *git_dir, const VcsSnapshot *snap, const char *commit);
/* The commit for snap: a new commit object (parent: snap->parent) when
 * snap->changed, else the parent itself.  Moves no ref. */
bool vcs_commit(Vcs *v, const VcsSnapshot *snap, const char *message, char out[VCS_OID_LEN + 1], Err *err);
/* Move the branch to commit (a descendant of where it is). */
bool vcs_advance(Vcs *v, const char *commit, Err *err);
/* The branch's commit, "" when there is none. */
bool vcs_head(Vcs *v, char out[VCS_OID_LEN + 1], Err *err);

/* A unified diff of the files between two commits, appended to out. */
bool vcs_diff(Vcs *v, const char *from, const char *to, StrBuf *out, Err *err);
/* A unified diff of two buffers (labelled), appended to out; binary data
 * gives one "Binary files ... differ" line.  Needs no repository. */
bool vcs_diff_buffers(const void *a, size_t alen, const char *alabel, const void *b, size_t blen,
                      const char *blabel, StrBuf *out, Err *err);

/* Every file of a commit, sorted by path. */
bool vcs_files(Vcs *v, const char *commit, VcsFile **files, size_t *n, Err *err);
void vcs_files_free(VcsFile *files, size_t n);
/* The content of path in commit; refuses more than max bytes. */
bool vcs_read(Vcs *v, const char *commit, const char *path, size_t max, char **data, size_t *len, Err *err);
/* Write the files of commit below dest (created if missing).  Existing
 * files are refused, all before anything is written, unless force; no
 * symlink already in dest is ever followed. */
bool vcs_checkout(Vcs *v, const char *commit, const char *dest, bool force, size_t *nfiles, Err *err);

#endif
