#include "lang.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "proc.h"

#define EXTS(...) ((const char *const[]){__VA_ARGS__, NULL})

static const Lang langs[LANG_COUNT] = {
    [LANG_PYTHON] = {
        .id = LANG_PYTHON, .key = "python", .name = "Python",
        .exts = EXTS(".py", ".pyw"),
        .source_exts = EXTS(".py", ".pyw"),
        /* sys.executable sees through pyenv shims; the prefixes are what a
         * pyenv or venv interpreter needs besides /usr. */
        .tools = {{"python3", {"--version"},
                   {"-c", "import sys; print(sys.executable); print(sys.prefix); "
                          "print(sys.base_prefix)"}, NULL}},
        .ntools = 1,
        /* -u: unbuffered, so output streams live.  -B: no __pycache__ in
         * the program's folder.  The environment is tide's own (no
         * PYTHON* variable of the user's), whose PYTHONPATH holds the
         * matplotlib backend that saves plt.show()'s figures.  The user
         * site folder is the user's own (exec binds it read-only). */
        .run = "python3 -u -B {entry}",
        .grammar = "python",
        .package = "python3",
        .starter_file = "main.py",
        .comment = "#",
        .starter = "def main():\n    print(\"Hello from tide!\")\n\n\n"
                   "if __name__ == \"__main__\":\n    main()\n",
    },
    [LANG_NODE] = {
        .id = LANG_NODE, .key = "node", .name = "Node.js",
        .exts = EXTS(".js", ".mjs", ".cjs"),
        .source_exts = EXTS(".js", ".mjs", ".cjs"),
        .tools = {{"node", {"--version"}, {NULL}, NULL}},
        .ntools = 1,
        .run = "node {entry}",
        .grammar = "javascript",
        .package = "nodejs",
        .starter_file = "main.js",
        .comment = "//",
        .starter = "console.log(\"Hello from tide!\");\n",
    },
    [LANG_GO] = {
        .id = LANG_GO, .key = "go", .name = "Go",
        .exts = EXTS(".go"),
        .source_exts = EXTS(".go"),
        .tools = {{"go", {"version"}, {"env", "GOROOT"}, "bin/go"}},
        .ntools = 1,
        /* `go run` loses the program's exit code: build, then run. */
        .compile = "go build -o {exe} {files}",
        .run = "{exe}",
        .grammar = "go",
        .formatter = "gofmt -w {entry}",
        .package = "golang-go",
        .starter_file = "main.go",
        .comment = "//",
        .starter = "package main\n\nimport \"fmt\"\n\nfunc main() {\n"
                   "\tfmt.Println(\"Hello from tide!\")\n}\n",
    },
    [LANG_C] = {
        .id = LANG_C, .key = "c", .name = "C",
        .exts = EXTS(".c", ".h"),
        .source_exts = EXTS(".c"),
        .tools = {{"gcc", {"--version"}, {NULL}, NULL}},
        .ntools = 1,
        .compile = "gcc -std=gnu17 -O2 -Wall {includes} -o {exe} {files} -lm -pthread",
        .run = "{exe}",
        .grammar = "c",
        .formatter = "clang-format -i {entry}",
        .package = "gcc",
        .starter_file = "main.c",
        .comment = "//",
        .starter = "#include <stdio.h>\n\nint main(void)\n{\n"
                   "    printf(\"Hello from tide!\\n\");\n    return 0;\n}\n",
    },
    [LANG_CPP] = {
        .id = LANG_CPP, .key = "cpp", .name = "C++",
        /* g++'s own: .C and .cp too (a capital C is C++, not C). */
        .exts = EXTS(".cpp", ".cc", ".cxx", ".c++", ".C", ".cp", ".CPP", ".hpp", ".hh", ".hxx"),
        .source_exts = EXTS(".cpp", ".cc", ".cxx", ".c++", ".C", ".cp", ".CPP"),
        .tools = {{"g++", {"--version"}, {NULL}, NULL}},
        .ntools = 1,
        .compile = "g++ -std=gnu++17 -O2 -Wall {includes} -o {exe} {files} -lm -pthread",
        .run = "{exe}",
        .grammar = "cpp",
        .formatter = "clang-format -i {entry}",
        .package = "g++",
        .starter_file = "main.cpp",
        .comment = "//",
        .starter = "#include <iostream>\n\nint main()\n{\n"
                   "    std::cout << \"Hello from tide!\" << std::endl;\n    return 0;\n}\n",
    },
    [LANG_JAVA] = {
        .id = LANG_JAVA, .key = "java", .name = "Java",
        .exts = EXTS(".java"),
        .source_exts = EXTS(".java"),
        .tools = {{"javac", {"--version"}, {NULL}, NULL}, {"java", {"--version"}, {NULL}, NULL}},
        .ntools = 2,
        /* The single-file launcher cannot see other files on JDK 17:
         * compile everything into {out}, then run the class with main. */
        .compile = "javac -encoding UTF-8 -sourcepath {srcroot} -cp {classpath} -d {out} {files}",
        .run = "java {heap} -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp {classpath} {class}",
        .grammar = "java",
        .package = "default-jdk-headless",
        .starter_file = "Main.java",
        .comment = "//",
        .starter = "public class Main {\n    public static void main(String[] args) {\n"
                   "        System.out.println(\"Hello from tide!\");\n    }\n}\n",
    },
    [LANG_PHP] = {
        .id = LANG_PHP, .key = "php", .name = "PHP",
        .exts = EXTS(".php"),
        .source_exts = EXTS(".php"),
        .tools = {{"php", {"--version"}, {NULL}, NULL}},
        .ntools = 1,
        /* Debian's CLI php.ini sends errors to a log nobody sees. */
        .run = "php -d display_errors=stderr -d log_errors=0 -d html_errors=0 {entry}",
        .grammar = "php",
        .package = "php-cli",
        .starter_file = "main.php",
        .comment = "//",
        .starter = "<?php\n\necho \"Hello from tide!\\n\";\n",
    },
    [LANG_RUST] = {
        .id = LANG_RUST, .key = "rust", .name = "Rust",
        .exts = EXTS(".rs"),
        /* Other .rs files are modules of the entry, found by `mod`. */
        .source_exts = EXTS(".rs"),
        .tools = {{"rustc", {"--version"}, {"--print", "sysroot"}, "bin/rustc"}},
        .ntools = 1,
        /* rustc alone defaults to edition 2015; and it names the crate
         * after the file, refusing "my prog.rs" or "2.rs". */
        .compile = "rustc --edition 2021 --crate-name main -O -o {exe} {entry}",
        .run = "{exe}",
        .grammar = "rust",
        .formatter = "rustfmt --edition 2021 {entry}",
        .package = "rustc",
        .starter_file = "main.rs",
        .comment = "//",
        .starter = "fn main() {\n    println!(\"Hello from tide!\");\n}\n",
    },
    [LANG_FORTRAN] = {
        .id = LANG_FORTRAN, .key = "fortran", .name = "Fortran",
        .exts = EXTS(".f90", ".f95", ".f03", ".f08", ".f", ".for", ".ftn"),
        .source_exts = EXTS(".f90", ".f95", ".f03", ".f08", ".f", ".for", ".ftn"),
        .tools = {{"gfortran", {"--version"}, {NULL}, NULL}},
        .ntools = 1,
        /* gfortran picks fixed or free form from the extension; -J keeps
         * .mod files out of the program's folder. */
        .compile = "gfortran -O2 -J {out} {includes} -o {exe} {files}",
        .run = "{exe}",
        .grammar = NULL,
        .package = "gfortran",
        .starter_file = "main.f90",
        .comment = "!",
        .starter = "program main\n    implicit none\n    print '(a)', 'Hello from tide!'\n"
                   "end program main\n",
    },
};

const Lang *lang_get(LangId id)
{
    return id >= 0 && id < LANG_COUNT ? &langs[id] : NULL;
}

const Lang *lang_by_key(const char *key)
{
    if (!key)
        return NULL;
    for (int i = 0; i < LANG_COUNT; i++)
        if (strcmp(langs[i].key, key) == 0)
            return &langs[i];
    /* Names people type for the same thing. */
    static const struct {
        const char *alias, *key;
    } aliases[] = {{"py", "python"},      {"python3", "python"}, {"js", "node"},
                   {"javascript", "node"}, {"nodejs", "node"},   {"golang", "go"},
                   {"c++", "cpp"},         {"cxx", "cpp"},       {"rs", "rust"},
                   {"f90", "fortran"}};
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (strcmp(aliases[i].alias, key) == 0)
            return lang_by_key(aliases[i].key);
    return NULL;
}

static const char *extension(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    return dot && dot != base ? dot : NULL;
}

static bool ext_in(const char *ext, const char *const *list)
{
    for (; ext && *list; list++)
        if (strcmp(ext, *list) == 0)
            return true;
    return false;
}

/* Fortran's extensions are often written in capitals, which gfortran
 * takes as "preprocess first" (.F90, .F): its sources whatever their case. */
static bool fortran_ext(const char *ext, const char *const *list)
{
    char lower[16];
    size_t n = ext ? strlen(ext) : sizeof lower;
    if (n >= sizeof lower)
        return false;
    for (size_t i = 0; i <= n; i++)
        lower[i] = (char)(ext[i] >= 'A' && ext[i] <= 'Z' ? ext[i] + 32 : ext[i]);
    return ext_in(lower, list);
}

const Lang *lang_by_path(const char *path)
{
    const char *ext = extension(path);
    if (!ext)
        return NULL;
    for (int i = 0; i < LANG_COUNT; i++)
        if (ext_in(ext, langs[i].exts))
            return &langs[i];
    return fortran_ext(ext, langs[LANG_FORTRAN].exts) ? &langs[LANG_FORTRAN] : NULL;
}

/* An interpreter's name, version suffix and all: python3.11, nodejs. */
static const Lang *lang_by_interpreter(const char *name, size_t n)
{
    static const struct {
        const char *prefix;
        LangId id;
    } names[] = {{"python", LANG_PYTHON}, {"node", LANG_NODE}, {"nodejs", LANG_NODE}, {"php", LANG_PHP}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t k = strlen(names[i].prefix);
        if (n < k || strncmp(name, names[i].prefix, k) != 0)
            continue;
        /* What may follow: a version (python3, python3.11, php8.2). */
        size_t j = k;
        while (j < n && ((name[j] >= '0' && name[j] <= '9') || name[j] == '.'))
            j++;
        if (j == n)
            return &langs[names[i].id];
    }
    return NULL;
}

const Lang *lang_by_shebang(const char *text, size_t len)
{
    if (len < 2 || text[0] != '#' || text[1] != '!')
        return NULL;
    const char *end = memchr(text, '\n', len);
    end = end ? end : text + len;
    const char *p = text + 2;
    bool after_env = false;
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        const char *w = p;
        while (p < end && *p != ' ' && *p != '\t' && *p != '\r')
            p++;
        if (w == p)
            return NULL;
        const char *base = w;
        for (const char *c = w; c < p; c++)
            if (*c == '/')
                base = c + 1;
        size_t n = (size_t)(p - base);
        /* env's own options (-S) and assignments come before the program. */
        if (after_env && (*w == '-' || memchr(w, '=', (size_t)(p - w))))
            continue;
        if (!after_env && n == 3 && !strncmp(base, "env", 3)) {
            after_env = true;
            continue;
        }
        return lang_by_interpreter(base, n);
    }
}

const Lang *lang_of_file(const char *path)
{
    const Lang *lang = lang_by_path(path);
    if (lang)
        return lang;
    /* O_NONBLOCK: a FIFO must not hold the caller up. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return NULL;
    struct stat st;
    char head[256];
    ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, head, sizeof head) : -1;
    close(fd);
    return n > 0 ? lang_by_shebang(head, (size_t)n) : NULL;
}

bool lang_is_source(const Lang *lang, const char *path)
{
    if (lang->id == LANG_FORTRAN)
        return fortran_ext(extension(path), lang->source_exts);
    return ext_in(extension(path), lang->source_exts);
}

const Lang *lang_other_source(const Lang *lang, const char *path)
{
    for (int i = 0; i < LANG_COUNT; i++)
        if (&langs[i] != lang && lang_is_source(&langs[i], path))
            return &langs[i];
    return NULL;
}

const char *lang_keys(void)
{
    return "python|node|go|c|cpp|java|php|rust|fortran";
}

bool lang_fortran_fixed_form(const char *path)
{
    const char *ext = extension(path);
    return ext && (!strcasecmp(ext, ".f") || !strcasecmp(ext, ".for") || !strcasecmp(ext, ".ftn"));
}

/* ------------------------------------------------------------ tools */

char *lang_which(const char *name, const char *path_env)
{
    if (strchr(name, '/'))
        return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
    if (!path_env)
        path_env = getenv("PATH");
    if (!path_env)
        path_env = "/usr/local/bin:/usr/bin:/bin";
    const char *p = path_env;
    while (*p) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : strlen(p);
        if (n > 0) {
            char *cand = xasprintf("%.*s/%s", (int)n, p, name);
            struct stat st;
            if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
                return cand;
            free(cand);
        }
        p += n + (colon ? 1 : 0);
    }
    return NULL;
}

/* Folders every sandbox shows anyway; a toolchain inside them needs no
 * extra root. */
static bool in_system_dirs(const char *path)
{
    static const char *const sys[] = {"/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/", "/etc/"};
    for (size_t i = 0; i < sizeof sys / sizeof *sys; i++)
        if (strncmp(path, sys[i], strlen(sys[i])) == 0)
            return true;
    return false;
}

static void add_root(ToolInfo *ti, const char *dir)
{
    char real[PATH_MAX];
    if (!dir[0] || !realpath(dir, real))
        return;
    size_t n = strlen(real);
    char *withslash = xasprintf("%s/", real);
    bool system = in_system_dirs(withslash) || n <= 1;
    free(withslash);
    if (system)
        return;
    for (size_t i = 0; i < ti->roots.len; i++)
        if (strcmp(ti->roots.items[i], real) == 0)
            return;
    sl_push(&ti->roots, real);
}

static char *first_line(const char *s)
{
    while (*s == '\n' || *s == '\r' || *s == ' ')
        s++;
    size_t n = strcspn(s, "\r\n");
    return n ? xstrndup(s, n) : NULL;
}

static char *parent_dir(const char *path, int levels)
{
    char *p = xstrdup(path);
    while (levels-- > 0) {
        char *slash = strrchr(p, '/');
        if (!slash || slash == p) {
            p[1] = '\0';
            break;
        }
        *slash = '\0';
    }
    return p;
}

bool lang_resolve_tool(const LangTool *tool, const char *override, const char *path_env,
                       ToolInfo *out, Err *err)
{
    *out = (ToolInfo){0};
    const char *name = override && override[0] ? override : tool->cmd;
    out->path = lang_which(name, path_env);
    if (!out->path)
        return err_set(err, "%s not found on PATH", name);

    char real[PATH_MAX];
    out->exe = xstrdup(realpath(out->path, real) ? real : out->path);

    if (tool->home_probe[0]) {
        const char *argv[8] = {out->path};
        size_t n = 1;
        for (size_t i = 0; tool->home_probe[i] && n < 7; i++)
            argv[n++] = tool->home_probe[i];
        argv[n] = NULL;
        ProcOutput po;
        if (proc_capture((char *const *)argv, NULL, 10000, 64 * 1024, &po, NULL) &&
            proc_exit_code(&po) == 0) {
            char *save = NULL, *first = NULL, *second = NULL;
            int line = 0;
            for (char *l = strtok_r(po.out, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save)) {
                if (line++ == 0) {
                    first = l;
                    char *exe = tool->home_exe ? xasprintf("%s/%s", l, tool->home_exe) : xstrdup(l);
                    if (access(exe, X_OK) == 0 && realpath(exe, real)) {
                        free(out->exe);
                        out->exe = xstrdup(real);
                    }
                    free(exe);
                    if (tool->home_exe)
                        add_root(out, l);
                } else {
                    if (line == 2)
                        second = l;
                    add_root(out, l);
                }
            }
            /* A Python venv is found from the path its interpreter is
             * started by (bin/python, a link to the base interpreter, with
             * pyvenv.cfg above it): resolved to its target, it would run
             * without the venv's packages.  The venv itself is a root. */
            size_t plen = second ? strlen(second) : 0;
            if (!tool->home_exe && first && plen > 1 && !strncmp(first, second, plen) && first[plen] == '/' &&
                first[0] == '/' && access(first, X_OK) == 0 && !in_system_dirs(first)) {
                free(out->exe);
                out->exe = xstrdup(first);
            }
        }
        proc_output_free(&po);
    }
    /* A toolchain unpacked outside /usr (nvm, sdkman, a tarball) lives
     * in the folder above its bin/. */
    char *bindir = parent_dir(out->exe, 1);
    const char *leaf = strrchr(bindir, '/');
    if (leaf && strcmp(leaf, "/bin") == 0) {
        char *home = parent_dir(out->exe, 2);
        add_root(out, home);
        free(home);
    } else {
        add_root(out, bindir);
    }
    free(bindir);

    if (tool->version[0]) {
        const char *argv[5] = {out->exe};
        size_t n = 1;
        for (size_t i = 0; i < 3 && tool->version[i]; i++)
            argv[n++] = tool->version[i];
        argv[n] = NULL;
        ProcOutput po;
        if (proc_capture((char *const *)argv, NULL, 10000, 64 * 1024, &po, NULL)) {
            out->version = first_line(po.out_len ? po.out : po.err);
            if (proc_exit_code(&po) != 0) {
                bool timed_out = po.timed_out;
                proc_output_free(&po);
                err_set(err, "%s is installed but does not work (%s)", out->exe,
                        timed_out ? "its version probe timed out" : "its version probe failed");
                return false;
            }
        }
        proc_output_free(&po);
    }
    out->found = true;
    return true;
}

/* The value of "key = value" in a pyvenv.cfg text, or NULL. */
static char *cfg_value(const char *text, const char *key)
{
    size_t n = strlen(key);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        while (*l == ' ' || *l == '\t')
            l++;
        if (strncmp(l, key, n) != 0)
            continue;
        const char *v = l + n;
        while (*v == ' ' || *v == '\t')
            v++;
        if (*v != '=')
            continue;
        v++;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t len = strcspn(v, "\r\n");
        while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
            len--;
        return xstrndup(v, len);
    }
    return NULL;
}

/* The minor version of a pyvenv.cfg version ("3.11.7", uv's
 * "3.12.1.final.0"), or -1 when it says none. */
static int python3_minor(const char *version)
{
    if (!version || strncmp(version, "3.", 2) != 0 || version[2] < '0' || version[2] > '9')
        return -1;
    return atoi(version + 2);
}

static bool is_file_at(int dirfd, const char *rel, int access_mode)
{
    struct stat st;
    return fstatat(dirfd, rel, &st, 0) == 0 && S_ISREG(st.st_mode) && faccessat(dirfd, rel, access_mode, 0) == 0;
}

/* Whether dir is a Python installation by CPython's own landmark (how it
 * finds its prefix): lib/python3.N/os.py, beside an executable
 * bin/python3.N or bin/python3; N is minor, or any when minor < 0. */
static bool python_install(const char *dir, int minor)
{
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool found = false;
    for (int n = minor < 0 ? 0 : minor; !found && n <= (minor < 0 ? 99 : minor); n++) {
        char rel[64];
        snprintf(rel, sizeof rel, "lib/python3.%d/os.py", n);
        if (!is_file_at(fd, rel, R_OK))
            continue;
        snprintf(rel, sizeof rel, "bin/python3.%d", n);
        found = is_file_at(fd, rel, X_OK) || is_file_at(fd, "bin/python3", X_OK);
    }
    close(fd);
    return found;
}

bool lang_venv_python(const char *venv, ToolInfo *out, char **base, Err *err)
{
    *out = (ToolInfo){0};
    *base = NULL;
    char *cfg_path = xasprintf("%s/pyvenv.cfg", venv), *cfg = NULL;
    size_t len;
    bool read = fileio_read(cfg_path, 64 << 10, &cfg, &len, NULL);
    free(cfg_path);
    if (!read)
        return err_sys(err, "is unknown: its pyvenv.cfg cannot be read");
    char *home = cfg_value(cfg, "home"), *version = cfg_value(cfg, "version");
    if (!version)
        version = cfg_value(cfg, "version_info"); /* uv's */
    free(cfg);
    out->path = xasprintf("%s/bin/python3", venv);
    out->exe = xstrdup(out->path);
    /* The folder may be someone else's: a version is digits and dots, not
     * text that a terminal would act on when `tide result` shows it. */
    if (version && (!version[0] || version[strspn(version, "0123456789.abcrfinal+-")]))
        version = (free(version), NULL);
    out->version = version ? xasprintf("Python %s", version) : NULL;
    int minor = python3_minor(version);
    free(version);
    add_root(out, venv);
    /* The base interpreter's folders: where bin/python3 links to, or, for
     * a venv made with --copies, pyvenv.cfg's home (its bin folder). */
    char real[PATH_MAX], venv_real[PATH_MAX];
    char *base_bin = NULL;
    size_t vn = realpath(venv, venv_real) ? strlen(venv_real) : 0;
    if (realpath(out->path, real) && !(vn && strncmp(real, venv_real, vn) == 0 && real[vn] == '/'))
        base_bin = parent_dir(real, 1);
    else if (home && home[0] == '/')
        base_bin = xstrdup(home);
    free(home);
    if (!base_bin) {
        out->found = true;
        return true;
    }
    const char *leaf = strrchr(base_bin, '/');
    char *top = leaf && strcmp(leaf, "/bin") == 0 ? parent_dir(base_bin, 1) : xstrdup(base_bin);
    free(base_bin);
    /* Both are the venv's own words: a project that came with its venv
     * could name /home, or ~/.ssh.  Only a Python installation is taken,
     * and of it only what Python reads. */
    bool ok = realpath(top, real) != NULL;
    free(top);
    if (!ok) {
        tool_info_free(out);
        return err_set(err, "does not exist");
    }
    *base = xstrdup(real);
    if (!python_install(real, minor)) {
        tool_info_free(out);
        if (minor < 0)
            return err_set(err, "is not a Python installation (no lib/python3.N/os.py beside bin/python3)");
        return err_set(err, "is not a Python 3.%d installation (no lib/python3.%d/os.py beside bin/python3)", minor,
                       minor);
    }
    for (const char *const *sub = (const char *const[]){"bin", "lib", "lib64", "include", NULL}; *sub; sub++) {
        char *dir = xasprintf("%s/%s", real, *sub);
        add_root(out, dir);
        free(dir);
    }
    out->found = true;
    return true;
}

void tool_info_free(ToolInfo *ti)
{
    free(ti->path);
    free(ti->exe);
    free(ti->version);
    sl_free(&ti->roots);
    *ti = (ToolInfo){0};
}

/* ------------------------------------------------------------ templates */

bool lang_split(const char *tmpl, StrList *words, Err *err)
{
    const char *p = tmpl;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            return true;
        StrBuf w = {0};
        while (*p && *p != ' ' && *p != '\t') {
            if (*p == '\'' || *p == '"') {
                char q = *p++;
                while (*p && *p != q) {
                    if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
                        p++;
                    sb_append(&w, p++, 1);
                }
                if (!*p) {
                    sb_free(&w);
                    return err_set(err, "unterminated %c quote in command \"%s\"", q, tmpl);
                }
                p++;
            } else {
                sb_append(&w, p++, 1);
            }
        }
        sl_push_owned(words, sb_steal(&w));
    }
}

bool lang_expand(const Lang *lang, const char *tmpl, const LangVars *vars, StrList *out, Err *err)
{
    StrList words = {0};
    if (!lang_split(tmpl, &words, err))
        return false;
    bool ok = true;
    for (size_t i = 0; i < words.len && ok; i++) {
        const char *w = words.items[i];
        const char *val = NULL;
        if (i == 0) {
            for (size_t t = 0; t < lang->ntools; t++)
                if (strcmp(w, lang->tools[t].cmd) == 0 && vars->tool_exe[t])
                    val = vars->tool_exe[t];
            if (val) {
                sl_push(out, val);
                continue;
            }
        }
        if (w[0] != '{' || w[strlen(w) - 1] != '}') {
            sl_push(out, w);
            continue;
        }
        if (strcmp(w, "{files}") == 0) {
            for (const char *const *f = vars->files; f && *f; f++)
                sl_push(out, *f);
            continue;
        }
        if (strcmp(w, "{includes}") == 0) {
            for (const char *const *d = vars->includes; d && *d; d++) {
                sl_push(out, "-I");
                sl_push(out, *d);
            }
            continue;
        }
        if (strcmp(w, "{heap}") == 0) {
            if (vars->heap)
                sl_push(out, vars->heap);
            continue;
        }
        if (strcmp(w, "{entry}") == 0)
            val = vars->entry;
        else if (strcmp(w, "{out}") == 0)
            val = vars->out;
        else if (strcmp(w, "{exe}") == 0)
            val = vars->exe;
        else if (strcmp(w, "{class}") == 0)
            val = vars->klass;
        else if (strcmp(w, "{srcroot}") == 0)
            val = vars->srcroot;
        else if (strcmp(w, "{classpath}") == 0)
            val = vars->classpath;
        else {
            ok = err_set(err, "unknown placeholder %s in the %s command \"%s\"", w, lang->key, tmpl);
            break;
        }
        if (!val)
            ok = err_set(err, "the %s command \"%s\" needs %s, which this run does not have",
                         lang->key, tmpl, w);
        else
            sl_push(out, val);
    }
    sl_free(&words);
    return ok;
}
