#include "ide_launch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "xalloc.h"

/* Where tide-ide may be, in the order tried: next to the running tide (the
 * build folder, or the folder both were installed to), then the folder
 * `make install` put it in.  Returns how many (at most 2); *beside says
 * whether tide's own folder was known (/proc/self/exe readable). */
static int candidates(char *out[2], bool *beside)
{
    int n = 0;
    char *here = paths_exe_dir();
    if (here)
        out[n++] = xasprintf("%s/" IDE_PROGRAM, here);
    *beside = here != NULL;
    free(here);
    if (!n || strcmp(out[0], TIDE_BINDIR "/" IDE_PROGRAM) != 0)
        out[n++] = xstrdup(TIDE_BINDIR "/" IDE_PROGRAM);
    return n;
}

char *ide_find(void)
{
    char *c[2];
    bool beside;
    int n = candidates(c, &beside);
    char *found = NULL;
    for (int i = 0; i < n; i++) {
        if (!found && access(c[i], X_OK) == 0)
            found = c[i];
        else
            free(c[i]);
    }
    return found;
}

bool ide_launch(char *const argv[], Err *err)
{
    char *c[2];
    bool beside;
    int n = candidates(c, &beside);
    int first_errno = 0;
    for (int i = 0; i < n; i++) {
        execv(c[i], argv);
        /* A copy that is there but will not start says more than a
         * missing one further down the list. */
        if (!first_errno || first_errno == ENOENT)
            first_errno = errno;
    }
    /* Without /proc/self/exe (no /proc mounted) only the installed copy
     * was looked for: say so rather than claim a look next to tide. */
    err_set(err, "cannot start the IDE, " IDE_PROGRAM " (%s; looked %s%s): "
                 "build it with `make`, or install it with `make install`",
            strerror(first_errno ? first_errno : ENOENT), beside ? "next to tide and in " : "only in ",
            beside ? TIDE_BINDIR : TIDE_BINDIR ", since /proc/self/exe, which says where tide is, cannot be read");
    for (int i = 0; i < n; i++)
        free(c[i]);
    return false;
}
