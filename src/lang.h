/* The language registry: one entry per toolchain tide runs.  Adding a
 * language is adding an entry to the table in lang.c.
 *
 * Commands are templates: words separated by spaces (quotes group), where
 * these whole words are replaced when a run is prepared:
 *   {entry}   the entry file          {files}  every source file (several words)
 *   {out}     the build output folder {exe}    the executable to produce/run
 *   {class}   Java: the class holding main  {heap}  JVM heap size flag
 * The first word names a tool of the entry; it is replaced by the tool's
 * resolved executable.  Run arguments are appended after the run step. */
#ifndef TIDE_LANG_H
#define TIDE_LANG_H

#include <stddef.h>

#include "err.h"
#include "xalloc.h"

typedef enum {
    LANG_PYTHON,
    LANG_NODE,
    LANG_GO,
    LANG_C,
    LANG_CPP,
    LANG_JAVA,
    LANG_PHP,
    LANG_RUST,
    LANG_FORTRAN,
    LANG_COUNT
} LangId;

#define LANG_MAX_TOOLS 2

typedef struct LangTool {
    const char *cmd;        /* name looked up on PATH: "python3" */
    const char *version[3]; /* argv after cmd that prints the version */
    /* Optional: argv after cmd that prints the toolchain's home folder
     * (rustc's sysroot, GOROOT) on its first line, then any more folders
     * it needs.  It turns a shim (pyenv, rustup) into the real toolchain,
     * which is what the sandbox exposes. */
    const char *home_probe[5];
    /* The real executable relative to the home; NULL: the probe's first
     * line is the executable itself (Python's sys.executable). */
    const char *home_exe;
} LangTool;

typedef struct Lang {
    LangId id;
    const char *key;                 /* "python": CLI, config, database */
    const char *name;                /* "Python" */
    const char *const *exts;         /* every extension, NULL-terminated */
    const char *const *source_exts;  /* the ones compiled (no headers) */
    LangTool tools[LANG_MAX_TOOLS];  /* tools[0] runs the compile (or run) step */
    size_t ntools;
    const char *compile;             /* template, or NULL for interpreted */
    const char *run;                 /* template */
    const char *grammar;             /* tree-sitter grammar, NULL: built-in */
    const char *formatter;           /* template with {entry}, or NULL */
    const char *package;             /* Debian package that provides it */
    const char *starter_file;        /* file name of a new session's starter */
    const char *starter;             /* its text */
    const char *comment;             /* what starts a line comment: "#", "//" */
} Lang;

const Lang *lang_get(LangId id);
const Lang *lang_by_key(const char *key);
/* By the extension of path (case-sensitive, as compilers are), or NULL. */
const Lang *lang_by_path(const char *path);
/* By a script's #! line (text: the start of the file, len bytes of it):
 * the interpreter it names, directly or through env (python3, node,
 * php8.2 ...), or NULL. */
const Lang *lang_by_shebang(const char *text, size_t len);
/* A file's language: by its extension, else by its #! line (read from
 * the file when it is a regular one), or NULL. */
const Lang *lang_of_file(const char *path);
bool lang_is_source(const Lang *lang, const char *path);
/* The language other than lang whose compiled or run source path is by
 * its extension (h.cpp for C; not a header), or NULL. */
const Lang *lang_other_source(const Lang *lang, const char *path);

/* "python|node|..." for messages. */
const char *lang_keys(void);
/* Fortran: fixed-form source by extension (.f .for .ftn). */
bool lang_fortran_fixed_form(const char *path);

/* A tool as found on this machine. */
typedef struct ToolInfo {
    bool found;
    char *path;    /* where PATH (or the config) points */
    char *exe;     /* the real executable to run (shims resolved) */
    StrList roots; /* folders outside the system ones (/usr, /lib, ...) the
                      toolchain lives in: the sandbox exposes them */
    char *version; /* first line of its version output, or NULL */
} ToolInfo;

/* Find tool on PATH (path_env; NULL: tide's PATH) or at override (an
 * absolute path or a command name from the config), resolve shims, and
 * read its version. */
bool lang_resolve_tool(const LangTool *tool, const char *override, const char *path_env,
                       ToolInfo *out, Err *err);
void tool_info_free(ToolInfo *ti);
/* The Python of the virtual environment in folder venv, from its files
 * alone (pyvenv.cfg and where bin/python3 leads): nothing of the venv is
 * started outside the sandbox, for a folder of code someone else wrote
 * may hold one (a .pth file in it runs when Python starts).  Its roots:
 * the venv, and the bin, lib, lib64 and include folders of the Python
 * installation it was made from (where bin/python3 leads, else
 * pyvenv.cfg's home), whose real path *base gets (freshly allocated; NULL
 * when the venv names none).  That must be a Python installation by
 * CPython's own landmark, lib/python3.N/os.py (N the venv's version when
 * pyvenv.cfg says it) beside an executable bin/python3.N or bin/python3:
 * false otherwise, err saying what that Python is ("does not exist", "is
 * not a Python installation ...", "is unknown: ..."), *base set when it
 * exists.
 * Whether the folder may be shown at all is the caller's to say. */
bool lang_venv_python(const char *venv, ToolInfo *out, char **base, Err *err);

/* Search dirs of path_env for an executable called name. */
char *lang_which(const char *name, const char *path_env);

/* Split a template into words, honouring '...' and "..." quoting. */
bool lang_split(const char *tmpl, StrList *words, Err *err);

typedef struct LangVars {
    const char *entry;
    const char *const *files; /* NULL-terminated */
    const char *out;
    const char *exe;
    const char *klass;
    const char *srcroot; /* {srcroot}: Java: the folder its package's folders start in */
    const char *const *includes; /* {includes}: "-I dir" for each; NULL-terminated, or NULL */
    const char *classpath; /* {classpath}: Java: the build's classes and the project's jars */
    const char *heap; /* {heap}: JVM heap flag such as -Xmx384m; NULL drops the word */
    /* Resolved executables of the entry's tools, by index; a template's
     * first word matching tools[i].cmd becomes tool_exe[i]. */
    const char *tool_exe[LANG_MAX_TOOLS];
} LangVars;

/* Expand a template into argv (NULL-terminated, in out). */
bool lang_expand(const Lang *lang, const char *tmpl, const LangVars *vars, StrList *out, Err *err);

#endif
