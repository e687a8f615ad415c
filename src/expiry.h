/* What expires, and clearing it away (`tide gc`).
 *
 * Scratch sessions expire [session] expiry_hours after their last use
 * (a run, an import or export, the TUI opening them); so do the files
 * imported into them.  Generated files expire that long after they were
 * made or last exported.  Folder sessions never expire, and nothing in a
 * user's folder is ever removed; a Go session's build cache goes
 * expiry_hours after the session's last use all the same.  gc also
 * clears what a crash left behind: session folders without a database
 * row, and generated folders of runs that were never recorded; the Go
 * build cache all sessions shared before each had its own; and the
 * command lines the IDE kept (runline) for files that are gone.  A session with a run in progress, or
 * open in the IDE (session_hold), is left for the next gc. */
#ifndef TIDE_EXPIRY_H
#define TIDE_EXPIRY_H

#include <stdint.h>

#include "app.h"

typedef struct GcItem {
    char *kind;         /* "session", "import", "generated", "leftover" */
    char *what;         /* one line naming it */
    int64_t session_id; /* 0 when none */
    int64_t bytes;
} GcItem;

typedef struct GcReport {
    GcItem *items;
    size_t n, cap;
    int64_t bytes;
    StrList skipped; /* what was due but left, and why */
} GcReport;

/* Remove what has expired at now (or only list it, with dry_run). */
bool expiry_gc(App *app, int64_t now, bool dry_run, GcReport *r, Err *err);

/* expiry_gc, when [session] auto_gc is on and the last one was a day or
 * more ago (a stamp file in the state folder, locked while it runs: of
 * several processes, one does it).  *ran: it was due and done. */
bool expiry_auto_gc(App *app, int64_t now, GcReport *r, bool *ran, Err *err);
void gc_report_free(GcReport *r);

#endif
