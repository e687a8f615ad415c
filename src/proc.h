/* Running a helper program outside the sandbox and collecting what it
 * prints: version probes, `go env`, and the like.  Never used for user
 * code (that goes through exec and the sandbox). */
#ifndef TIDE_PROC_H
#define TIDE_PROC_H

#include <stddef.h>

#include "err.h"

typedef struct ProcOutput {
    int status;     /* as from waitpid() */
    bool timed_out; /* killed after timeout_ms */
    char *out;      /* stdout, NUL-terminated */
    size_t out_len;
    char *err;      /* stderr, NUL-terminated */
    size_t err_len;
} ProcOutput;

/* Run argv (looked up on PATH) with stdin from /dev/null.  envp NULL means
 * tide's own environment.  Output beyond max_output bytes per stream is
 * dropped.  Returns false only when the program could not be started. */
bool proc_capture(char *const argv[], char *const envp[], int timeout_ms, size_t max_output,
                  ProcOutput *res, Err *err);
void proc_output_free(ProcOutput *res);
/* Exit code of a normal exit, or -1. */
int proc_exit_code(const ProcOutput *res);

#endif
