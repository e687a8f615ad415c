#include "ide_launch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "xalloc.h"

/* Where tide-ide may be, in the order tried: next to the running tide (the
 * build folder, or the folder both were installed to), then the folder
 * `make install` put it in.  Returns how many (at most 2). */
static int candidates(char *out[2])
{
    int n = 0;
    char *here = paths_exe_dir();
    if (here)
        out[n++] = xasprintf("%s/" IDE_PROGRAM, here);
    free(here);
    if (!n || strcmp(out[0], TIDE_BINDIR "/" IDE_PROGRAM) != 0)
        out[n++] = xstrdup(TIDE_BINDIR "/" IDE_PROGRAM);
    return n;
}

char *ide_find(void)
{
    char *c[2];
    int n = candidates(c);
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
    int n = candidates(c);
    int first_errno = 0;
    for (int i = 0; i < n; i++) {
        execv(c[i], argv);
        /* A copy that is there but will not start says more than a
         * missing one further down the list. */
        if (!first_errno || first_errno == ENOENT)
            first_errno = errno;
    }
    err_set(err, "cannot start the IDE, " IDE_PROGRAM " (%s; looked next to tide and in %s): "
                 "build it with `make`, or install it with `make install`",
            strerror(first_errno ? first_errno : ENOENT), TIDE_BINDIR);
    for (int i = 0; i < n; i++)
        free(c[i]);
    return false;
}
