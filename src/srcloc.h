/* Places in source files that compiler messages and runtime tracebacks
 * name, found in a line of a program's output: gcc, g++, gfortran and go
 * (`file:line:col:`, a Go panic's `\tfile:line +0x1a`), rustc
 * (`--> file:line:col`, a panic's `panicked at file:line:col:`), javac
 * (`File.java:line:`),
 * Java stack frames (`at pkg.C.m(File.java:line)`),
 * Python (`File "x", line N`), Node stack frames (`at f (file:line:col)`),
 * PHP (`in FILE on line N`, `in FILE:N`, frames `#0 FILE(N): f()`),
 * gfortran at run time (`At line N of file FILE`).  File names may hold
 * spaces and parentheses.  The execution panel makes such lines selectable
 * and jumps to them (javac's, Node's and Python's columns from the marks
 * under the line they echo). */
#ifndef TIDE_SRCLOC_H
#define TIDE_SRCLOC_H

#include <stdbool.h>
#include <stddef.h>

typedef struct SrcLoc {
    char path[1024]; /* as written in the output */
    long line;       /* from 1 */
    long col;        /* from 1; 0 when not given */
    size_t start, end; /* where in the text the reference is (to underline it) */
    bool innermost_last; /* a frame of a traceback that lists the innermost
                            call last (Python's): of its frames, the last
                            in the user's files is where it failed */
} SrcLoc;

/* The first place named in text[0..len) (one line); false when none. */
bool srcloc_find(const char *text, size_t len, SrcLoc *out);

/* The file a path from the output means: paths under /work (where runs
 * see their folder) are taken in workdir, relative paths in the folder the
 * program started in (its entry's: entry_dir, relative to workdir, "" for
 * workdir itself), else in workdir (cargo names files from its workspace's
 * top).  Returns a new string when that file exists, else NULL. */
char *srcloc_resolve(const char *path, const char *workdir, const char *entry_dir);

/* The folder part of entry ("sub" for "sub/f.py", "" for "f.py"), new. */
char *srcloc_entry_dir(const char *entry);

#endif
