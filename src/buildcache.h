/* Compiled programs, reused while their inputs are unchanged.
 *
 * The key of a compile step is a hash (SHA-256, nettle) of what
 * decides its output: the language, the compile command as run (compiler
 * path, flags, file names), its environment, the compiler's identity (its
 * executable's size, mtime and inode, and its version), the content of
 * every source and header-like file in the working folder, and the folder
 * of state compile steps keep (BuildInputs.kept_state).  The entry is
 * the compile step's /build folder, kept at $XDG_CACHE_HOME/tide/build/KEY.
 *
 * Safe against runs at once: entries are built in a private folder and
 * renamed into place (the first one wins), and an entry in use is held with
 * a shared flock that eviction, which removes the least recently used
 * entries once the cache is over its size, respects. */
#ifndef TIDE_BUILDCACHE_H
#define TIDE_BUILDCACHE_H

#include <stdbool.h>

#include "lang.h"
#include "paths.h"

typedef struct BuildInputs {
    const Lang *lang;
    const char *workdir;        /* host folder with the sources */
    const char *const *argv;    /* the compile command */
    const char *const *envp;    /* its environment */
    const ToolInfo *tools;
    size_t ntools;
    /* A host folder the compile step may write and a later one reads
     * (a session's Go build cache), or NULL: what it holds decides the
     * output too, so such builds are that folder's alone. */
    const char *kept_state;
} BuildInputs;

#define BUILD_KEY_LEN 64

/* The key (64 hex digits) of in.  False when the folder is too big to hash
 * quickly (thousands of files, or large ones): such builds are not cached,
 * and err says why. */
bool buildcache_key(const BuildInputs *in, char key[BUILD_KEY_LEN + 1], Err *err);

/* A cache entry in use; dir is bound read-only at /build. */
typedef struct BuildEntry {
    char *dir;
    int lock_fd; /* holds a shared flock until buildcache_release */
} BuildEntry;

/* The entry for key, locked, if the cache has it. */
bool buildcache_lookup(const Paths *paths, const char *key, BuildEntry *out);
/* A private, empty folder in the cache to compile into (mode 0755). */
bool buildcache_begin(const Paths *paths, char **tmpdir, Err *err);
/* Store tmpdir as key's entry (if another run stored it first, theirs is
 * kept and tmpdir removed) and return it locked.  tmpdir is consumed. */
bool buildcache_commit(const Paths *paths, const char *key, char *tmpdir, BuildEntry *out,
                       Err *err);
void buildcache_release(BuildEntry *e);
/* What the compiler said building an entry (its warnings), kept in it
 * (a hidden file beside the program) before buildcache_commit, so that a
 * run from the cache shows them as the compile did: the same inputs give
 * the same result whether or not they were built before. */
bool buildcache_put_messages(const char *dir, const char *data, size_t len, Err *err);
/* The messages kept in an entry's dir, or NULL (none: a clean build). */
char *buildcache_messages(const char *dir, size_t *len);
/* Remove least recently used entries (not in use) until the cache holds at
 * most max_bytes, and private folders that crashed runs left behind. */
void buildcache_trim(const Paths *paths, long long max_bytes);

#endif
