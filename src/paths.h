/* Where tide keeps things: the XDG base directories, each with a tide/
 * folder below it, created on demand with private permissions. */
#ifndef TIDE_PATHS_H
#define TIDE_PATHS_H

#include "err.h"

typedef enum {
    DIR_CONFIG, /* $XDG_CONFIG_HOME/tide: config.ini */
    DIR_DATA,   /* $XDG_DATA_HOME/tide: tide.db, sessions/ */
    DIR_CACHE,  /* $XDG_CACHE_HOME/tide: build cache, toolchain caches */
    DIR_STATE,  /* $XDG_STATE_HOME/tide: logs, recovery files */
    DIR_COUNT
} DirKind;

typedef struct Paths {
    char *dir[DIR_COUNT];
} Paths;

/* Compute the folders from the environment; creates nothing.  A relative
 * XDG_* value is ignored, as the XDG spec says. */
bool paths_init(Paths *p, Err *err);
void paths_free(Paths *p);
/* A copy of src that dst owns (free it with paths_free). */
void paths_copy(Paths *dst, const Paths *src);
/* Create the folder (and parents) if missing, mode 0700. */
bool paths_ensure(const Paths *p, DirKind kind, Err *err);
/* Freshly allocated "<dir>/<rel>". */
char *paths_get(const Paths *p, DirKind kind, const char *rel);
/* What the state folder keeps about the file at file_path (absolute):
 * "<state>/<folder>/<its name>.<hash of the path>.<ext>", freshly
 * allocated.  The name helps a human looking there; the hash tells files
 * of one name apart. */
char *paths_state_for(const Paths *p, const char *folder, const char *file_path, const char *ext);
/* The same with a name of the caller's: "<state>/<folder>/<name>.<hash of
 * key>.<ext>" (name made safe for a file name). */
char *paths_state_named(const Paths *p, const char *folder, const char *name, const char *key, const char *ext);
const char *paths_kind_name(DirKind kind);
/* The folder of the running executable (freshly allocated), or NULL:
 * where the build tree and an install keep tide's companions. */
char *paths_exe_dir(void);

#endif
