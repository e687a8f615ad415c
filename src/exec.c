#include "exec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "buildcache.h"
#include "cgroup.h"
#include "config.h"
#include "fileio.h"
#include "filetype.h"
#include "jsonbytes.h"
#include "mplfonts.h"
#include "paths.h"
#include "sandbox.h"
#include "srcdeps.h"
#include "syscall_filter.h"
#include "tide_matplotlib.h"
#include "toolcache.h"
#include "workfiles.h"

/* Fixed places inside the sandbox. */
#define WORK "/work"
#define HOME "/home/tide"
#define BUILD "/build"
/* Python modules tide adds to a run (on its PYTHONPATH). */
#define PY_MODULES "/tide/python"
#define EXE_NAME "main"
#define EXE BUILD "/" EXE_NAME
#define GO_CACHE "/cache/go-build"
#define GO_MODS "/cache/go-mod"
/* The scratch folders, in this order: BUILD is the fourth ("s3"). */
#define BUILD_SCRATCH "s3"
/* ... and that of HOME (view_system). */
#define HOME_SCRATCH "s2"
#define WORK_COPY_FILES 5000

#define FILE_SIZE_LIMIT (50LL << 20)
#define COMPILE_OUTPUT_LIMIT (1LL << 20)
/* Of which the end: a build's last lines (the linker's, "N errors") say
 * most, and a flood of warnings comes before them. */
#define COMPILE_OUTPUT_TAIL (64LL << 10)
#define BUILD_MAX_BYTES (512LL << 20)

static const char *const status_names[RUN_STATUS_COUNT] = {
    "ok",      "compile_error", "runtime_error", "timeout",        "memory_limit",
    "output_limit", "killed",   "sandbox_error", "invalid_request",
};

const char *run_status_name(RunStatus s)
{
    return s >= 0 && s < RUN_STATUS_COUNT ? status_names[s] : "unknown";
}

/* ------------------------------------------------------------ control */

struct RunControl {
    int efd;
    atomic_bool stopped;
    atomic_int interrupts;
};

RunControl *run_control_new(void)
{
    RunControl *c = xcalloc(1, sizeof *c);
    c->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    atomic_init(&c->stopped, false);
    atomic_init(&c->interrupts, 0);
    return c;
}

void run_control_stop(RunControl *c)
{
    if (!c)
        return;
    atomic_store(&c->stopped, true);
    uint64_t one = 1;
    if (c->efd >= 0)
        (void)!write(c->efd, &one, sizeof one);
}

void run_control_interrupt(RunControl *c)
{
    if (!c)
        return;
    atomic_fetch_add(&c->interrupts, 1);
    uint64_t one = 1;
    if (c->efd >= 0)
        (void)!write(c->efd, &one, sizeof one);
}

int run_control_interrupts(const RunControl *c)
{
    return c ? atomic_load(&c->interrupts) : 0;
}

static bool control_stopped(const RunControl *c)
{
    return c && atomic_load(&c->stopped);
}

bool run_control_wait(const RunControl *c, int ms)
{
    if (c && (control_stopped(c) || run_control_interrupts(c)))
        return true;
    if (ms <= 0)
        return false;
    /* The eventfd stays readable (nothing here reads it), as exec's own
     * loop expects of a stop asked before it begins. */
    struct pollfd pf = {c ? c->efd : -1, POLLIN, 0};
    (void)poll(&pf, 1, ms);
    return c && (control_stopped(c) || run_control_interrupts(c));
}

void run_control_free(RunControl *c)
{
    if (!c)
        return;
    if (c->efd >= 0)
        close(c->efd);
    free(c);
}

void run_request_defaults(RunRequest *req, const Config *cfg)
{
    req->stdin_fd = -1;
    req->timeout_ms = cfg->run_timeout_ms;
    req->compile_timeout_ms = cfg->compile_timeout_ms;
    req->memory_mib = cfg->memory_mib;
    req->max_processes = cfg->max_processes;
    req->output_limit = cfg->output_limit;
}

/* ------------------------------------------------------------ the job */

typedef struct Job {
    App *app;
    const RunRequest *req;
    const RunCallbacks *cb;
    RunResult *res;
    const Lang *lang;
    ToolInfo tools[LANG_MAX_TOOLS];
    char *workdir;      /* real path */
    char *entry_dir;    /* the entry's folder, relative to workdir ("" at its top) */
    char *cwd;          /* where the program starts: the entry's folder, inside */
    StrList sources;    /* what the compile step is given */
    char *build_dir;    /* host folder bound at /build for the run step */
    bool build_dir_temp; /* removed after the run (not a cache entry) */
    BuildEntry entry;   /* the cache entry in use, locked */
    char *klass;        /* Java: the class holding main */
    char *srcroot;      /* Java: where its package's folders start, inside */
    char *classpath;    /* Java: the build's classes, then the project's jars */
    StrList includes;   /* C, C++, Fortran: the project's include folders, inside */
    char heap[32];      /* Java: -Xmx... */
    CargoTarget cargo;  /* Rust in a Cargo package: what cargo builds */
    char *cargo_exe;    /* ... with this cargo (NULL: rustc alone) */
    const struct sock_fprog *filter;
    struct EarlyCgroup *early; /* the run step's cgroups, being made meanwhile */
    bool work_copy;     /* /work is a copy (no overlayfs here), not an overlay */
    bool narrow;        /* ... of the named files only (see exec_folder_is_private) */
    char *fonts_dir;    /* Python: where matplotlib's font list is kept (mplfonts.h) */
    MplFonts fonts;     /* ... the lists given to the run */
    StrList fonts_new;  /* ... those the run made that are not kept */
    long long started_ns;
    StrBuf compile_tail;    /* the compiler's last messages past the limit's head */
    long long compile_left; /* ... and how many bytes before them were left out */
} Job;

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* End the job with a status and a one-line message; returns false. */
static bool job_fail(Job *j, RunStatus st, const char *fmt, ...) TIDE_FMT(3, 4);
static bool job_fail(Job *j, RunStatus st, const char *fmt, ...)
{
    j->res->status = st;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->res->message, sizeof j->res->message, fmt, ap);
    va_end(ap);
    return false;
}

static void phase(Job *j, const char *name)
{
    if (j->cb && j->cb->phase)
        j->cb->phase(j->cb->ud, name);
}

/* ------------------------------------------------------------ what a stage sees */

/* One sandboxed step (compile or run): its view of the file system, its
 * command, environment and limits.  Owns every string it points to. */
typedef struct View {
    StrList strs;
    SandboxBind *binds;
    size_t nbinds, capbinds;
    SandboxLink *links;
    size_t nlinks, caplinks;
    SandboxFile *files;
    size_t nfiles, capfiles;
    StrList argv, env;
    const char *scratch[7]; /* system's 3, /build, Go's cache, /work's copy */
    SandboxRlimit rlimits[12];
    size_t nrlimits;
} View;

static const char *keep(View *v, const char *s)
{
    sl_push(&v->strs, s);
    return v->strs.items[v->strs.len - 1];
}

static void view_bind(View *v, const char *src, const char *dst, unsigned flags)
{
    for (size_t i = 0; i < v->nbinds; i++)
        if (strcmp(v->binds[i].dst, dst) == 0)
            return;
    if (v->nbinds == v->capbinds) {
        v->capbinds = v->capbinds ? v->capbinds * 2 : 32;
        v->binds = xreallocarray(v->binds, v->capbinds, sizeof *v->binds);
    }
    v->binds[v->nbinds++] = (SandboxBind){keep(v, src), keep(v, dst), flags};
}

static void view_link(View *v, const char *target, const char *path)
{
    if (v->nlinks == v->caplinks) {
        v->caplinks = v->caplinks ? v->caplinks * 2 : 16;
        v->links = xreallocarray(v->links, v->caplinks, sizeof *v->links);
    }
    v->links[v->nlinks++] = (SandboxLink){keep(v, target), keep(v, path)};
}

/* A file written into the sandbox's (read-only) root: data is kept. */
static void view_file(View *v, const char *path, const char *data, size_t len)
{
    if (v->nfiles == v->capfiles) {
        v->capfiles = v->capfiles ? v->capfiles * 2 : 32;
        v->files = xreallocarray(v->files, v->capfiles, sizeof *v->files);
    }
    char *copy = xmalloc(len + 1);
    memcpy(copy, data, len);
    copy[len] = '\0';
    sl_push_owned(&v->strs, copy);
    v->files[v->nfiles++] = (SandboxFile){keep(v, path), copy, len};
}

static void view_rlimit(View *v, int resource, rlim_t soft, rlim_t hard)
{
    v->rlimits[v->nrlimits++] = (SandboxRlimit){resource, soft, hard};
}

/* A share of what tide itself may use of a resource the kernel counts
 * per user on the whole machine, across namespaces (POSIX message
 * queues' bytes, queued signals, locked shared memory): the run's
 * processes together hold at most that, and the rest stays the user's.
 * Unlimited stays so. */
static void view_rlimit_share(View *v, int resource, rlim_t parts)
{
    struct rlimit rl;
    if (getrlimit(resource, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        view_rlimit(v, resource, rl.rlim_cur / parts, rl.rlim_cur / parts);
}

static void view_free(View *v)
{
    sl_free(&v->strs);
    free(v->binds);
    free(v->links);
    free(v->files);
    sl_free(&v->argv);
    sl_free(&v->env);
    *v = (View){0};
}

/* A host path as the sandbox shows it: a symlink stays a symlink, a small
 * file is copied in (cheaper than a mount), anything else is bound
 * read-only.  Past a few KiB a bind is the cheaper one: copying the
 * loader's cache and mime.types (120 KB) into each run cost 1.5 ms of
 * `tide run`'s start, a bind about a tenth of that. */
#define COPY_MAX 4096
static void view_host(View *v, const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n > 0) {
            target[n] = '\0';
            view_link(v, target, path);
        }
        return;
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size <= COPY_MAX) {
        char *data;
        size_t len;
        if (fileio_read(path, COPY_MAX, &data, &len, NULL)) {
            if (len)
                view_file(v, path, data, len);
            free(data);
            if (len)
                return;
        }
    }
    view_bind(v, path, path, SB_BIND_OPTIONAL);
}

/* What of the host's /etc toolchains read: the loader's cache, the
 * alternatives links (cc, java), certificates, time zones, name service
 * switch and services; and per language, the JDK's, PHP's and Debian
 * Python's configuration.  Accounts, keys, shadow files and the rest stay
 * out.  Folders cost a mount each, so each language gets only its own. */
static bool etc_wanted(const char *name, LangId lang, bool net)
{
    static const char *const common[] = {
        "alternatives", "ld.so.cache", "ld.so.conf", "localtime", "timezone", "ssl",
        "nsswitch.conf", "host.conf", "gai.conf", "services", "protocols", "mime.types",
        "os-release", "debian_version", "lsb-release", "locale.alias", "locale.conf", "mtab",
        "inputrc", "papersize",
    };
    for (size_t i = 0; i < sizeof common / sizeof *common; i++)
        if (strcmp(name, common[i]) == 0)
            return true;
    if (strcmp(name, "resolv.conf") == 0)
        return net;
    switch (lang) {
    case LANG_JAVA:
        return strncmp(name, "java-", 5) == 0 || strcmp(name, "fonts") == 0;
    case LANG_PHP:
        return strcmp(name, "php") == 0;
    case LANG_PYTHON:
        /* Debian's matplotlib keeps its defaults in /etc/matplotlibrc and
         * cannot be imported without them; it finds fonts with fc-list,
         * which reads /etc/fonts. */
        return strncmp(name, "python3", 7) == 0 || strcmp(name, "matplotlibrc") == 0 || strcmp(name, "fonts") == 0;
    default:
        return false;
    }
}

static void view_etc(View *v, LangId lang, bool net)
{
    DIR *d = opendir("/etc");
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.' || !etc_wanted(e->d_name, lang, net))
                continue;
            char *path = xasprintf("/etc/%s", e->d_name);
            view_host(v, path);
            free(path);
        }
        closedir(d);
    }
    static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                                 "tide:x:1000:1000:tide:" HOME ":/bin/sh\n"
                                 "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
    static const char group[] = "root:x:0:\ntide:x:1000:\nnogroup:x:65534:\n";
    static const char hosts[] = "127.0.0.1\tlocalhost tide\n::1\tlocalhost ip6-localhost ip6-loopback\n";
    view_file(v, "/etc/passwd", passwd, sizeof passwd - 1);
    view_file(v, "/etc/group", group, sizeof group - 1);
    view_file(v, "/etc/hostname", "tide\n", 5);
    if (net)
        view_host(v, "/etc/hosts");
    else
        view_file(v, "/etc/hosts", hosts, sizeof hosts - 1);
}

/* The system folders, the toolchain's own folders, /etc, the working
 * folder and the scratch folders. */
static void view_system(View *v, const Job *j, bool net)
{
    view_bind(v, "/usr", "/usr", 0);
    static const char *const top[] = {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"};
    for (size_t i = 0; i < sizeof top / sizeof *top; i++)
        view_host(v, top[i]);
    for (size_t t = 0; t < j->lang->ntools; t++)
        for (size_t r = 0; r < j->tools[t].roots.len; r++)
            view_bind(v, j->tools[t].roots.items[r], j->tools[t].roots.items[r], 0);
    view_etc(v, j->lang->id, net);
    v->scratch[0] = "/tmp";
    v->scratch[1] = "/dev/shm";
    v->scratch[2] = HOME;
    v->scratch[3] = NULL;
}

static void env_add(View *v, const char *fmt, ...) TIDE_FMT(2, 3);
static void env_add(View *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sl_push_owned(&v->env, xvasprintf(fmt, ap));
    va_end(ap);
}

static bool in_system_bin(const char *dir)
{
    return !strcmp(dir, "/usr/bin") || !strcmp(dir, "/bin") || !strcmp(dir, "/usr/local/bin") ||
           !strcmp(dir, "/usr/sbin") || !strcmp(dir, "/sbin");
}

/* The environment, built from nothing: tide's own never leaks in. */
static void view_env(View *v, const Job *j, bool tty)
{
    StrBuf path = {0};
    for (size_t t = 0; t < j->lang->ntools; t++) {
        char *dir = xstrdup(j->tools[t].exe);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
            *slash = '\0';
            if (!in_system_bin(dir) && !strstr(path.data ? path.data : "", dir))
                sb_printf(&path, "%s:", dir);
        }
        free(dir);
    }
    sb_puts(&path, "/usr/local/bin:/usr/bin:/bin");
    env_add(v, "PATH=%s", path.data);
    sb_free(&path);
    env_add(v, "HOME=" HOME);
    env_add(v, "USER=tide");
    env_add(v, "LOGNAME=tide");
    env_add(v, "LANG=C.UTF-8");
    env_add(v, "TMPDIR=/tmp");
    env_add(v, "SHELL=/bin/sh");
    env_add(v, "PWD=%s", j->cwd);
    env_add(v, "TERM=%s", tty ? "xterm-256color" : "dumb");
}

/* ------------------------------------------------------------ languages */

/* A toolchain inside the program's folder (the project's Python venv,
 * ./.venv, activated) is used where the program sees that folder: bound at
 * its host path, it would lie under the folder's view. */
static void tools_in_workdir(Job *j)
{
    if (j->narrow)
        return; /* the folder shows only the named files */
    size_t n = strlen(j->workdir);
    for (size_t t = 0; t < j->lang->ntools; t++) {
        ToolInfo *ti = &j->tools[t];
        if (strncmp(ti->exe, j->workdir, n) == 0 && ti->exe[n] == '/') {
            char *exe = xasprintf(WORK "%s", ti->exe + n);
            free(ti->exe);
            ti->exe = exe;
        }
        size_t kept = 0;
        for (size_t r = 0; r < ti->roots.len; r++) {
            char *root = ti->roots.items[r];
            if (strncmp(root, j->workdir, n) == 0 && (root[n] == '/' || root[n] == '\0'))
                free(root);
            else
                ti->roots.items[kept++] = root;
        }
        ti->roots.len = kept;
    }
}

/* Whether path is the user's (or root's) and only its owner may change
 * it: a venv someone else planted (/tmp/.venv) must not choose the
 * program's Python and packages. */
static bool owned_safely(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && (st.st_uid == geteuid() || st.st_uid == 0) &&
           !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/* Python: the folder of the project's own virtual environment, as uv and
 * VS Code take it when none is activated: .venv or venv (holding
 * pyvenv.cfg) in the entry's folder or the nearest folder above it.  NULL
 * when there is none, the user activated one (theirs is on PATH), or
 * someone else could have put it there (owned_safely).  Outside the run's
 * folder it is shown as any toolchain is, read-only at its place. */
static char *project_venv(const Job *j)
{
    const char *active = getenv("VIRTUAL_ENV");
    if (j->lang->id != LANG_PYTHON || (active && *active) || !j->entry_dir)
        return NULL;
    char *dir = j->entry_dir[0] ? xasprintf("%s/%s", j->workdir, j->entry_dir) : xstrdup(j->workdir);
    do {
        for (const char *const *name = (const char *const[]){".venv", "venv", NULL}; *name; name++) {
            char *venv = xasprintf("%s/%s", dir, *name);
            char *cfg = xasprintf("%s/pyvenv.cfg", venv);
            char *bin = xasprintf("%s/bin", venv);
            char *exe = xasprintf("%s/python3", bin);
            struct stat st;
            bool found = stat(cfg, &st) == 0 && S_ISREG(st.st_mode) && access(exe, X_OK) == 0 &&
                         owned_safely(venv) && owned_safely(bin) && owned_safely(exe);
            free(cfg);
            free(bin);
            free(exe);
            if (found) {
                free(dir);
                return venv;
            }
            free(venv);
        }
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
    } while (dir[0]);
    free(dir);
    return NULL;
}

/* Rust: a file of a Cargo package is built as `cargo build` builds it,
 * with the package's dependencies (path ones, vendored ones), by the
 * cargo beside the rustc in use (rustup's toolchains and Debian's
 * /usr/bin both keep it there, and the sandbox shows that folder).  False (the job failed) for a file that is no program
 * of its package, or no cargo; true otherwise, j->cargo_exe NULL when the
 * file is in no package. */
static bool cargo_package(Job *j)
{
    char *why;
    int found = srcdeps_cargo_target(j->workdir, j->req->files[0], &j->cargo, &why);
    if (found < 0) {
        job_fail(j, RUN_INVALID_REQUEST, "%s", why);
        free(why);
        return false;
    }
    if (found == 0)
        return true;
    char *dir = xstrdup(j->tools[0].exe);
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[1] = '\0';
    char *beside = xasprintf("%scargo", slash ? dir : "");
    free(dir);
    if (access(beside, X_OK) != 0) {
        j->res->toolchain_missing = true;
        job_fail(j, RUN_SANDBOX_ERROR, "%s is in a Cargo package, and there is no cargo beside %s "
                 "(install it with: apt-get install cargo, or rustup component add cargo)",
                 j->req->files[0], j->tools[0].exe);
        free(beside);
        return false;
    }
    j->cargo_exe = beside;
    return true;
}

/* The compile step of a Cargo package: its target, into BUILD/target. */
static void cargo_command(const Job *j, View *v)
{
    const char *const words[] = {"build", "--offline", "--release", "--quiet", "--manifest-path"};
    sl_push(&v->argv, j->cargo_exe);
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        sl_push(&v->argv, words[i]);
    sl_push_owned(&v->argv, xasprintf(WORK "/%s", j->cargo.manifest));
    sl_push(&v->argv, "--target-dir");
    sl_push(&v->argv, BUILD "/target");
    sl_push(&v->argv, j->cargo.kind);
    sl_push(&v->argv, j->cargo.name);
}

/* Java: the class holding main is the entry file's (or the type in it
 * that declares main, as java's source launcher runs "class Main" of
 * Hello.java), in its package; the sources of other packages are found
 * from the folder that package starts in (the entry's folder minus the
 * package's folders), else beside it. */
static void java_names(Job *j)
{
    const char *entry = j->req->files[0];
    const char *base = strrchr(entry, '/');
    base = base ? base + 1 : entry;
    char *name = xstrndup(base, strlen(base) - (strlen(base) > 5 ? 5 : 0));
    char *path = xasprintf("%s/%s", j->workdir, entry);
    char *src = NULL;
    size_t len = 0;
    char *pkg = NULL;
    if (fileio_read(path, 4 << 20, &src, &len, NULL)) {
        pkg = srcdeps_java_package(src);
        char *declared = srcdeps_java_main_class(src, len, name);
        if (declared) {
            free(name);
            name = declared;
        }
        free(src);
    }
    free(path);
    j->klass = pkg ? xasprintf("%s.%s", pkg, name) : xstrdup(name);
    size_t n = 0;
    bool rooted = pkg && srcdeps_java_root(j->entry_dir, pkg, &n);
    if (rooted)
        j->srcroot = n ? xasprintf(WORK "/%.*s", (int)n, j->entry_dir) : xstrdup(WORK);
    else
        j->srcroot = xstrdup(".");
    /* What the project brings (resources, jars); a narrowed folder shows
     * none of it. */
    StrBuf cp = {0};
    sb_puts(&cp, BUILD);
    if (!j->narrow) {
        char *root_rel = xstrndup(j->entry_dir, rooted ? n : strlen(j->entry_dir));
        StrList more;
        srcdeps_java_classpath(j->workdir, j->entry_dir, root_rel, &more);
        for (size_t i = 0; i < more.len; i++)
            sb_printf(&cp, ":" WORK "/%s", more.items[i]);
        sl_free(&more);
        free(root_rel);
    }
    j->classpath = sb_steal(&cp);
    free(pkg);
    free(name);
}

/* The JVM sees the machine's memory, not the cgroup's (no /sys inside):
 * give it a heap that leaves room for its own code and metadata. */
static void java_heap(char *buf, size_t size, int memory_mib)
{
    int reserve = memory_mib / 4 > 64 ? memory_mib / 4 : 64;
    int heap = memory_mib - reserve;
    if (heap < memory_mib / 2)
        heap = memory_mib / 2;
    if (heap < 8)
        heap = 8;
    snprintf(buf, size, "-Xmx%dm", heap);
}

/* Node 20.10-20.18 and 21-22.6 detect ES modules in a .js file only when
 * asked; later versions always do. */
static bool node_needs_detect_flag(const char *version)
{
    int major = 0, minor = 0;
    if (!version || sscanf(version, "v%d.%d", &major, &minor) != 2)
        return false;
    return (major == 20 && minor >= 10 && minor < 19) || major == 21 || (major == 22 && minor < 7);
}

static void lang_env(View *v, const Job *j, bool compiling)
{
    switch (j->lang->id) {
    case LANG_PYTHON:
        env_add(v, "PYTHONDONTWRITEBYTECODE=1");
        env_add(v, "PYTHONUNBUFFERED=1");
        break;
    case LANG_GO:
        if (compiling) {
            env_add(v, "GOCACHE=" GO_CACHE);
            env_add(v, "GOPATH=/tmp/go");
            env_add(v, "GOTMPDIR=/tmp");
            /* A workspace takes only -mod=readonly (its default). */
            if (!srcdeps_holds_up_to(j->workdir, j->entry_dir ? j->entry_dir : "", "go.work"))
                env_add(v, "GOFLAGS=-mod=mod");
            env_add(v, "GOPROXY=off");
            env_add(v, "GO111MODULE=auto");
            env_add(v, "GOTOOLCHAIN=local");
            env_add(v, "GOTELEMETRY=off");
            env_add(v, "GOENV=off");
        }
        break;
    case LANG_C:
    case LANG_CPP:
        /* stdio block-buffers into a pipe: coreutils' stdbuf library
         * makes stdout line-buffered so output streams live (a pty, for
         * interactive runs, does that by itself). */
        if (!compiling && !j->req->tty &&
            access("/usr/libexec/coreutils/libstdbuf.so", R_OK) == 0) {
            env_add(v, "LD_PRELOAD=/usr/libexec/coreutils/libstdbuf.so");
            env_add(v, "_STDBUF_O=L");
        }
        break;
    case LANG_FORTRAN:
        if (!compiling)
            env_add(v, "GFORTRAN_UNBUFFERED_PRECONNECTED=y");
        break;
    case LANG_RUST:
        /* cargo's rustc is the one in use, not another on PATH. */
        if (compiling && j->cargo_exe)
            env_add(v, "RUSTC=%s", j->tools[0].exe);
        break;
    default:
        break;
    }
}

/* The user's Go module cache, where `go build` finds the modules they
 * have downloaded: $GOMODCACHE, else the first $GOPATH's pkg/mod, else
 * ~/go/pkg/mod.  NULL when there is none. */
static char *go_module_cache(void)
{
    const char *mods = getenv("GOMODCACHE"), *gopath = getenv("GOPATH"), *home = getenv("HOME");
    char *dir = NULL;
    if (mods && mods[0] == '/')
        dir = xstrdup(mods);
    else if (gopath && gopath[0] == '/')
        dir = xasprintf("%.*s/pkg/mod", (int)strcspn(gopath, ":"), gopath);
    else if (home && home[0] == '/')
        dir = xasprintf("%s/go/pkg/mod", home);
    if (dir && !fileio_is_dir(dir)) {
        free(dir);
        dir = NULL;
    }
    return dir;
}

/* Go's own build cache (from Go 1.20 the standard library is compiled
 * into it, not shipped): the session's, kept between its compile steps
 * (RunRequest.go_cache), owned by the sandbox's uid; or an empty one of
 * this step's own.  Only compile steps see it.  Go trims it itself.  The
 * user's module cache comes read-only, so that a module they downloaded
 * builds offline as it does for them (GOPROXY is off: nothing is
 * fetched). */
static bool view_go_cache(View *v, Job *j)
{
    char *mods = go_module_cache();
    if (mods) {
        view_bind(v, mods, GO_MODS, 0);
        env_add(v, "GOMODCACHE=" GO_MODS);
        free(mods);
    }
    const char *dir = j->req->go_cache;
    if (!dir) {
        size_t n = 0;
        while (v->scratch[n])
            n++;
        v->scratch[n] = GO_CACHE;
        v->scratch[n + 1] = NULL;
        return true;
    }
    struct stat st;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return job_fail(j, RUN_SANDBOX_ERROR, "cannot make Go's build cache %s: %s", dir, strerror(errno));
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return job_fail(j, RUN_SANDBOX_ERROR, "Go's build cache %s is not a folder", dir);
    if (geteuid() == 0 && st.st_uid != SANDBOX_HOST_UID)
        (void)chown(dir, SANDBOX_HOST_UID, SANDBOX_HOST_UID);
    view_bind(v, dir, GO_CACHE, SB_BIND_RW);
    return true;
}

/* Python: the user's site folder (pip install --user) on the host, and
 * where the program's Python looks for it inside (HOME is the run's own);
 * false when there is none. */
static bool python_user_site(const Job *j, char **host, char **inside)
{
    int major, minor;
    const char *version = j->tools[0].version;
    if (!version || sscanf(version, "Python %d.%d", &major, &minor) != 2)
        return false;
    const char *base = getenv("PYTHONUSERBASE"), *home = getenv("HOME");
    char *src = base && base[0] == '/'   ? xasprintf("%s/lib/python%d.%d/site-packages", base, major, minor)
                : home && home[0] == '/' ? xasprintf("%s/.local/lib/python%d.%d/site-packages", home, major, minor)
                                         : NULL;
    if (!src || !fileio_is_dir(src)) {
        free(src);
        return false;
    }
    *host = src;
    *inside = xasprintf(HOME "/.local/lib/python%d.%d/site-packages", major, minor);
    return true;
}

/* ... shown read-only, as a bare run sees it.  A venv's Python leaves it
 * out by itself. */
static void view_python_user_site(View *v, const Job *j)
{
    char *src, *dst;
    if (python_user_site(j, &src, &dst)) {
        view_bind(v, src, dst, 0);
        free(src);
        free(dst);
    }
}

/* Python: matplotlib's font list as tide keeps it (mplfonts.h), where
 * matplotlib looks for it in HOME.  Not for a Python of the run's folder
 * (a project's venv), whose matplotlib is the folder's. */
static void view_python_fonts(View *v, Job *j)
{
    if (strncmp(j->tools[0].exe, WORK "/", sizeof WORK) == 0)
        return;
    char *site = NULL, *inside = NULL;
    (void)python_user_site(j, &site, &inside);
    j->fonts_dir = mplfonts_dir(&j->app->paths, j->tools[0].exe, j->tools[0].version, site);
    free(site);
    free(inside);
    (void)mplfonts_load(j->fonts_dir, &j->fonts);
    for (size_t i = 0; i < j->fonts.n; i++) {
        char *path = xasprintf(HOME "/" MPLFONTS_HOME_DIR "/%s", j->fonts.files[i].name);
        view_file(v, path, j->fonts.files[i].data, j->fonts.files[i].len);
        free(path);
    }
}

/* Python: matplotlib's plt.show() saves the figures as pictures the run
 * wrote (src/tide_matplotlib.py), where it would open windows at a desk.
 * Not when the command makes Python ignore PYTHONPATH (-E, -I: a run
 * command from the config may), which matplotlib would then fail to
 * import the backend from. */
static void view_python_plots(View *v)
{
    for (size_t i = 1; i < v->argv.len && v->argv.items[i][0] == '-'; i++) {
        const char *a = v->argv.items[i];
        if (a[1] != '-' && strpbrk(a + 1, "EI"))
            return;
    }
    view_file(v, PY_MODULES "/tide_matplotlib.py", tide_matplotlib_py, sizeof tide_matplotlib_py - 1);
    env_add(v, "PYTHONPATH=" PY_MODULES);
    env_add(v, "MPLBACKEND=module://tide_matplotlib");
}

/* A file of the request as the commands name it: relative to the entry's
 * folder, where they run, or by its full path inside when it lies
 * elsewhere. */
static char *from_entry_dir(const Job *j, const char *file)
{
    size_t n = strlen(j->entry_dir);
    if (n && strncmp(file, j->entry_dir, n) == 0 && file[n] == '/')
        file += n + 1;
    else if (n)
        return xasprintf(WORK "/%s", file);
    /* "-x.py" would be an option to the interpreter or compiler. */
    return file[0] == '-' ? xasprintf("./%s", file) : xstrdup(file);
}

static bool expand(Job *j, View *v, const char *tmpl, bool with_args)
{
    StrList files = {0};
    for (size_t i = 0; i < j->sources.len; i++)
        sl_push_owned(&files, from_entry_dir(j, j->sources.items[i]));
    char *entry = from_entry_dir(j, j->req->files[0]);
    LangVars vars = {.entry = entry, .files = (const char *const *)files.items,
                     .out = BUILD, .exe = EXE, .klass = j->klass, .srcroot = j->srcroot,
                     .classpath = j->classpath, .includes = (const char *const *)j->includes.items,
                     .heap = j->heap[0] ? j->heap : NULL};
    for (size_t t = 0; t < j->lang->ntools; t++)
        vars.tool_exe[t] = j->tools[t].exe;
    Err err;
    bool ok = lang_expand(j->lang, tmpl, &vars, &v->argv, &err);
    sl_free(&files);
    free(entry);
    if (!ok)
        return job_fail(j, RUN_INVALID_REQUEST, "%s", err.msg);
    if (v->argv.len == 0)
        return job_fail(j, RUN_INVALID_REQUEST, "the %s command is empty", j->lang->key);
    /* A command from the config naming another tool: find it on the host
     * (it must live where the sandbox can see it). */
    if (v->argv.items[0][0] != '/') {
        char *found = lang_which(v->argv.items[0], NULL);
        if (!found) {
            /* As much the toolchain missing as the language's own tool
             * not on PATH (exit 127), not a failure of tide's. */
            j->res->toolchain_missing = true;
            return job_fail(j, RUN_SANDBOX_ERROR, "%s (from the %s command) is not installed",
                            v->argv.items[0], j->lang->key);
        }
        free(v->argv.items[0]);
        v->argv.items[0] = found;
    }
    if (j->lang->id == LANG_NODE && node_needs_detect_flag(j->tools[0].version)) {
        sl_push(&v->argv, "--experimental-detect-module");
        char *flag = v->argv.items[v->argv.len - 1];
        memmove(v->argv.items + 2, v->argv.items + 1, (v->argv.len - 2) * sizeof *v->argv.items);
        v->argv.items[1] = flag;
    }
    if (with_args)
        for (const char *const *a = j->req->args; a && *a; a++)
            sl_push(&v->argv, *a);
    return true;
}

/* ------------------------------------------------------------ one stage */

/* HELPER: a step of tide's own (no file of the user's in sight, its
 * output not theirs). */
typedef enum { STAGE_COMPILE, STAGE_RUN, STAGE_HELPER } StageKind;
typedef enum { END_EXITED, END_TIMEOUT, END_OUTPUT, END_KILLED } EndReason;

typedef struct Stage {
    StageKind kind;
    int timeout_ms, memory_mib, max_pids;
    EndReason end;
    rlim_t cpu_limit;    /* RLIMIT_CPU's soft limit, seconds */
    bool interrupted;    /* an interrupt reached the program */
    bool finished;       /* sandbox_finish worked */
    SandboxExit ex;
    CgroupStats cg;
    bool cg_active;
    int work_idx;        /* scratch folder holding /work's copy, or -1 (overlay) */
    double wall;
} Stage;

typedef struct Pump {
    Job *j;
    Stage *st;
    Sandbox *sb;
    int fds[3];      /* [1] stdout (or the pty master), [2] stderr; -1 once closed */
    bool pty;
    int in_src, in_dst;
    bool in_pty;     /* in_dst is the pty's master (keys typed), not a pipe */
    char inbuf[16384];
    size_t inlen, inoff;
    long long total;
    long long read_bytes; /* from the program's streams, kept or not */
    bool killed;
    int interrupts;  /* those of the RunControl handled */
    bool unread[3]; /* nobody reads what the program writes there any more */
} Pump;

/* Whether the stream is the pty's master (the sandbox's), not a pipe. */
static bool on_pty(const Pump *p, int stream)
{
    return p->pty && stream == 1;
}

static void emit(Pump *p, int stream, const char *data, size_t n)
{
    if (n && p->j->cb && p->j->cb->output && !p->j->cb->output(p->j->cb->ud, stream, data, n) &&
        p->st->kind == STAGE_RUN && !on_pty(p, stream))
        p->unread[stream] = true;
}

/* Keep what arrived; false once the output limit is reached. */
static bool sink(Pump *p, int stream, const char *data, size_t n)
{
    RunResult *res = p->j->res;
    if (p->st->kind == STAGE_HELPER)
        return true;
    if (p->st->kind == STAGE_COMPILE) {
        long long head = COMPILE_OUTPUT_LIMIT - COMPILE_OUTPUT_TAIL - 256; /* 256: the line between */
        size_t room = head > (long long)res->compile_output.len ? (size_t)(head - (long long)res->compile_output.len)
                                                                 : 0;
        size_t keep = n < room ? n : room;
        sb_append(&res->compile_output, data, keep);
        emit(p, 2, data, keep);
        /* The rest waits for the end: only the last of it is kept. */
        StrBuf *tail = &p->j->compile_tail;
        sb_append(tail, data + keep, n - keep);
        if ((long long)tail->len > 2 * COMPILE_OUTPUT_TAIL) {
            size_t drop = tail->len - (size_t)COMPILE_OUTPUT_TAIL;
            memmove(tail->data, tail->data + drop, tail->len - drop);
            tail->len -= drop;
            tail->data[tail->len] = 0;
            p->j->compile_left += (long long)drop;
        }
        return true;
    }
    long long room = p->j->req->output_limit - p->total;
    size_t keep = room <= 0 ? 0 : (long long)n <= room ? n : (size_t)room;
    StrBuf *buf = stream == 2 ? &res->error : &res->output;
    size_t held = keep;
    long long most = p->j->req->keep_limit;
    if (most > 0 && (long long)(buf->len + keep) > most)
        held = (long long)buf->len >= most ? 0 : (size_t)(most - (long long)buf->len);
    sb_append(buf, data, held);
    *(stream == 2 ? &res->error_left_out : &res->output_left_out) += (long long)(keep - held);
    emit(p, stream, data, keep);
    p->total += (long long)keep;
    if (keep < n) {
        res->output_truncated = true;
        return false;
    }
    return true;
}

/* The compiler's messages went past the limit: the last of them follow
 * the head, after a line that says what was left out between. */
static void end_compile_output(Pump *p)
{
    Job *j = p->j;
    StrBuf *tail = &j->compile_tail;
    if ((long long)tail->len > COMPILE_OUTPUT_TAIL) {
        size_t drop = tail->len - (size_t)COMPILE_OUTPUT_TAIL;
        j->compile_left += (long long)drop;
        memmove(tail->data, tail->data + drop, tail->len - drop);
        tail->len -= drop;
    }
    /* From the start of a line, where one starts near enough. */
    const char *nl = j->compile_left ? memchr(tail->data, '\n', tail->len < 4096 ? tail->len : 4096) : NULL;
    size_t from = nl ? (size_t)(nl + 1 - tail->data) : 0;
    j->compile_left += (long long)from;
    StrBuf *out = &j->res->compile_output;
    char mark[160];
    int n = snprintf(mark, sizeof mark, "%s[tide: %lld bytes of the compiler's messages left out here; its last %zu follow]\n",
                     out->len && out->data[out->len - 1] != '\n' ? "\n" : "", j->compile_left, tail->len - from);
    if (j->compile_left) {
        sb_append(out, mark, (size_t)n);
        emit(p, 2, mark, (size_t)n);
    }
    sb_append(out, tail->data + from, tail->len - from);
    emit(p, 2, tail->data + from, tail->len - from);
    sb_free(tail);
    j->compile_left = 0;
}

static void stop(Pump *p, EndReason why)
{
    if (p->killed)
        return;
    p->killed = true;
    p->st->end = why;
    sandbox_kill(p->sb);
}

static void close_input(Pump *p)
{
    if (p->in_dst >= 0 && !p->in_pty)
        close(p->in_dst);
    p->in_dst = -1;
    if (p->in_src >= 0)
        p->in_src = -1; /* the caller's descriptor: never closed here */
    p->inlen = p->inoff = 0;
}

/* Read what is there; false at end of file. */
static bool read_stream(Pump *p, int stream)
{
    char buf[65536];
    for (int rounds = 0; rounds < 16; rounds++) {
        /* Near the output limit, a read takes at most half of what is
         * left and the other stream gets its turn: what is kept of the two
         * is then a fair share of each, not the one tide read first (the
         * error a program wrote to stderr while its stdout filled the
         * limit).  Far from it, and past it (nothing more is kept), reads
         * stay large. */
        size_t want = sizeof buf;
        long long room = p->j->req->output_limit - p->total;
        if (p->st->kind == STAGE_RUN && room > 0 && room < 2 * (long long)sizeof buf)
            want = room > 1 ? (size_t)(room / 2) : 1;
        ssize_t n = read(p->fds[stream], buf, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return true;
        if (n <= 0) { /* EOF, or EIO from a pty whose other side is gone */
            if (!on_pty(p, stream)) /* the pty's master belongs to the sandbox */
                close(p->fds[stream]);
            p->fds[stream] = -1;
            return false;
        }
        p->read_bytes += n;
        if (!sink(p, stream, buf, (size_t)n))
            stop(p, END_OUTPUT);
        if (p->unread[stream]) {
            close(p->fds[stream]);
            p->fds[stream] = -1;
            return false;
        }
        if ((size_t)n < sizeof buf) /* (always so near the limit: a read a turn) */
            return true;
    }
    return true;
}

/* After the program's end: what is left in the pipes, read in turns, as
 * while it ran (read_stream), without waiting for an end of file another
 * process might hold up. */
static void drain_streams(Pump *p)
{
    for (int s = 1; s <= 2; s++)
        if (p->fds[s] >= 0)
            fcntl(p->fds[s], F_SETFL, fcntl(p->fds[s], F_GETFL) | O_NONBLOCK);
    for (bool more = true; more;) {
        more = false;
        for (int s = 1; s <= 2; s++) {
            if (p->fds[s] < 0)
                continue;
            long long before = p->read_bytes;
            if (read_stream(p, s) && p->read_bytes != before)
                more = true;
        }
    }
}

static void feed_input(Pump *p, short src_ev, short dst_ev)
{
    if (p->inlen == 0 && p->in_src >= 0 && (src_ev & (POLLIN | POLLHUP | POLLERR))) {
        ssize_t n = read(p->in_src, p->inbuf, sizeof p->inbuf);
        if (n > 0) {
            p->inlen = (size_t)n;
            p->inoff = 0;
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
            p->in_src = -1;
            if (!p->in_pty)
                close_input(p); /* the program sees end of file */
            else
                stop(p, END_KILLED); /* the user's terminal is gone: a hang-up
                                        no SIGHUP told of (tide in a session
                                        of its own); nobody can answer it */
        }
    }
    if (p->inlen > p->inoff && p->in_dst >= 0 && (dst_ev & (POLLOUT | POLLERR | POLLHUP))) {
        ssize_t n = write(p->in_dst, p->inbuf + p->inoff, p->inlen - p->inoff);
        if (n > 0) {
            p->inoff += (size_t)n;
            if (p->inoff == p->inlen) {
                p->inlen = p->inoff = 0;
                if (p->in_src < 0 && !p->in_pty)
                    close_input(p);
            }
        } else if (n < 0 && errno != EINTR && errno != EAGAIN) {
            close_input(p); /* the program stopped reading */
        }
    }
}

static void pump(Pump *p)
{
    const RunControl *ctl = p->j->req->control;
    long long deadline = now_ns() + (long long)p->st->timeout_ms * 1000000LL;
    bool exited = false;
    for (;;) {
        if (control_stopped(ctl))
            stop(p, END_KILLED);
        int asked = run_control_interrupts(ctl);
        if (asked > p->interrupts && !p->killed) {
            p->interrupts = asked;
            /* The compiler is not the user's program: stop it. */
            if (p->st->kind != STAGE_RUN)
                stop(p, END_KILLED);
            else if (sandbox_interrupt(p->sb))
                p->st->interrupted = true;
        }
        struct pollfd pf[6];
        int n = 0, i_end = -1, i_ctl = -1, i_src = -1, i_dst = -1, i_out[3] = {-1, -1, -1};
        if (!exited)
            pf[i_end = n++] = (struct pollfd){sandbox_end_fd(p->sb), POLLIN, 0};
        if (ctl && !p->killed)
            pf[i_ctl = n++] = (struct pollfd){ctl->efd, POLLIN, 0};
        for (int s = 1; s <= 2; s++)
            if (p->fds[s] >= 0)
                pf[i_out[s] = n++] = (struct pollfd){p->fds[s], POLLIN, 0};
        if (!exited && p->inlen == 0 && p->in_src >= 0)
            pf[i_src = n++] = (struct pollfd){p->in_src, POLLIN, 0};
        if (!exited && p->inlen > p->inoff && p->in_dst >= 0)
            pf[i_dst = n++] = (struct pollfd){p->in_dst, POLLOUT, 0};
        if (exited)
            break;
        int timeout = -1;
        if (!p->killed) {
            long long left = deadline - now_ns();
            if (left <= 0) {
                stop(p, END_TIMEOUT);
                continue;
            }
            timeout = left / 1000000 + 1 > INT_MAX ? INT_MAX : (int)(left / 1000000 + 1);
        }
        int r = poll(pf, (nfds_t)n, timeout);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        if (i_ctl >= 0 && pf[i_ctl].revents) {
            uint64_t count; /* seen: the loop's top reads the control */
            (void)!read(ctl->efd, &count, sizeof count);
        }
        for (int s = 1; s <= 2; s++)
            if (i_out[s] >= 0 && pf[i_out[s]].revents)
                read_stream(p, s);
        if (i_src >= 0 || i_dst >= 0)
            feed_input(p, i_src >= 0 ? pf[i_src].revents : 0, i_dst >= 0 ? pf[i_dst].revents : 0);
        if (i_end >= 0 && pf[i_end].revents)
            exited = true;
    }
    /* Everything inside is gone: take what is still in the pipes. */
    drain_streams(p);
}

static bool make_pipe(int fds[2])
{
    return pipe2(fds, O_CLOEXEC) == 0;
}

/* Where what the program did to its working folder is: the overlay's
 * upper layer, or the copy. */
static const char *work_layer(const Stage *st, char buf[16])
{
    if (st->work_idx < 0)
        return "upper";
    snprintf(buf, 16, "s%d", st->work_idx);
    return buf;
}

/* Fill the held sandbox's copy of the working folder. */
static bool fill_work_copy(Job *j, const Stage *st, Sandbox *sb, long long scratch_bytes)
{
    char name[16];
    int dst = openat(sandbox_scratch_fd(sb), work_layer(st, name),
                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    WorkCopy c = {.max_files = WORK_COPY_FILES, .max_bytes = scratch_bytes / 2,
                  .as_sandbox_uid = geteuid() == 0};
    bool ok = dst >= 0 && workfiles_copy_in(&c, j->workdir, j->narrow ? j->req->files : NULL, dst);
    if (dst >= 0)
        close(dst);
    if (!ok && c.over && j->narrow)
        return job_fail(j, RUN_SANDBOX_ERROR, "the files are too big to copy into the sandbox "
                        "(at most %lld MiB)", scratch_bytes / 2 >> 20);
    if (!ok && c.over)
        return job_fail(j, RUN_SANDBOX_ERROR,
                        "overlayfs cannot be used here, and %s is too big to copy into the sandbox "
                        "(at most %d files and %lld MiB): run from a smaller folder",
                        j->workdir, WORK_COPY_FILES, scratch_bytes / 2 >> 20);
    return ok || job_fail(j, RUN_SANDBOX_ERROR, "cannot copy %s into the sandbox", j->workdir);
}

static atomic_uint stage_counter;

static void cgroup_name(char name[64])
{
    snprintf(name, 64, "tide-%d-%u", (int)getpid(), atomic_fetch_add(&stage_counter, 1));
}

/* The run step's cgroups, made on a thread of their own while the job
 * resolves its toolchain, looks up its build and lays out the sandbox:
 * making them (mkdir in the memory and pids hierarchies, the limits) is
 * kernel work of a fifth to a third of a millisecond that otherwise held
 * up every run. */
typedef struct EarlyCgroup {
    pthread_t thread;
    long long memory_bytes;
    int max_pids;
    bool allow_none;
    bool ok;
    Cgroup cg;
    Err err;
} EarlyCgroup;

static void *early_cgroup_main(void *arg)
{
    EarlyCgroup *e = arg;
    char name[64];
    cgroup_name(name);
    e->ok = cgroup_create(&e->cg, name, e->memory_bytes, e->max_pids, e->allow_none, &e->err);
    return NULL;
}

static void early_cgroup_start(Job *j)
{
    const RunRequest *r = j->req;
    if (r->memory_mib < 16 || r->max_processes < 1)
        return; /* refused by prepare */
    EarlyCgroup *e = xcalloc(1, sizeof *e);
    *e = (EarlyCgroup){.memory_bytes = (long long)r->memory_mib << 20, .max_pids = r->max_processes,
                       .allow_none = r->allow_no_cgroup};
    /* No signal is this thread's: the caller's thread handles Ctrl-C. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    if (pthread_create(&e->thread, NULL, early_cgroup_main, e) == 0)
        j->early = e;
    else
        free(e);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* The early cgroups, once made (false, with err, when that failed); the
 * caller owns them from now on. */
static bool early_cgroup_take(Job *j, Cgroup *cg, Err *err)
{
    EarlyCgroup *e = j->early;
    j->early = NULL;
    pthread_join(e->thread, NULL);
    bool ok = e->ok;
    if (ok)
        *cg = e->cg;
    else
        *err = e->err;
    free(e);
    return ok;
}

/* Not used (the job ended before its run step): removed. */
static void early_cgroup_drop(Job *j)
{
    if (!j->early)
        return;
    Cgroup cg;
    Err err;
    if (early_cgroup_take(j, &cg, &err))
        cgroup_destroy(&cg);
}

typedef void (*AfterFn)(Job *j, const Stage *st, int scratch_fd);

/* Start the sandbox for v, pump its input and output until it is gone,
 * and record how it ended in st.  False (with the job failed) when the
 * stage could not be carried out at all; *overlay_failed when that was
 * for want of overlayfs (the caller may try again with a copy). */
static bool run_stage_once(Job *j, View *v, Stage *st, AfterFn after, bool *overlay_failed)
{
    const RunRequest *req = j->req;
    Cgroup cg = {0};
    Err err;
    bool made = true;
    /* On v1, the run step's cgroups, still being made, are joined when
     * the sandbox is ready (sandbox_release): its setup, a millisecond or
     * two, hides their making (0.3 ms off `tide run` here).  Not on v2,
     * where a process is made inside them (CgroupJoin); nor where a
     * machine without cgroups may run with rlimits instead, which depend
     * on the outcome. */
    bool late = st->kind == STAGE_RUN && j->early && !req->allow_no_cgroup && !cgroup_unified();
    if (late) {
        /* taken below */
    } else if (st->kind == STAGE_RUN && j->early) {
        made = early_cgroup_take(j, &cg, &err);
    } else {
        char name[64];
        cgroup_name(name);
        made = cgroup_create(&cg, name, (long long)st->memory_mib << 20, st->max_pids,
                             req->allow_no_cgroup, &err);
    }
    if (!made)
        return job_fail(j, RUN_SANDBOX_ERROR, "%s", err.msg);
    st->cg_active = late || cg.active;

    v->nrlimits = 0; /* a second try (run_stage) sets them again */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    rlim_t cpu = (rlim_t)(st->timeout_ms + 999) / 1000 * (rlim_t)(ncpu > 0 ? ncpu : 1) + 1;
    view_rlimit(v, RLIMIT_FSIZE, FILE_SIZE_LIMIT, FILE_SIZE_LIMIT);
    view_rlimit(v, RLIMIT_CORE, 0, 0);
    view_rlimit(v, RLIMIT_NOFILE, 1024, 1024);
    view_rlimit(v, RLIMIT_CPU, cpu, cpu + 1);
    st->cpu_limit = cpu;
    view_rlimit(v, RLIMIT_NPROC, (rlim_t)st->max_pids, (rlim_t)st->max_pids);
    /* Not the caller's real-time or nice allowance (a shell of someone
     * who has one): SCHED_FIFO on every core, or a higher priority than
     * the user's own processes, would take the machine from them. */
    view_rlimit(v, RLIMIT_RTPRIO, 0, 0);
    view_rlimit(v, RLIMIT_NICE, 0, 0);
    /* A run holding all of these would leave the user's other processes
     * none (mq_open's EMFILE, sigqueue's EAGAIN, SHM_LOCK's ENOMEM) while
     * it lasts. */
    view_rlimit_share(v, RLIMIT_MSGQUEUE, 4);
    view_rlimit_share(v, RLIMIT_SIGPENDING, 4);
    view_rlimit_share(v, RLIMIT_MEMLOCK, 4);
    if (!st->cg_active) /* the weaker stand-in: RLIMIT_AS would break the JVM, Go and Node */
        view_rlimit(v, RLIMIT_DATA, (rlim_t)st->memory_mib << 20, (rlim_t)st->memory_mib << 20);

    st->work_idx = -1;
    bool work_copy = j->work_copy && st->kind != STAGE_HELPER;
    if (work_copy) {
        size_t n = 0;
        while (v->scratch[n] && strcmp(v->scratch[n], WORK) != 0)
            n++;
        v->scratch[n] = WORK;
        v->scratch[n + 1] = NULL;
        st->work_idx = (int)n;
    }

    bool tty = st->kind == STAGE_RUN && req->tty;
    bool piped_in = st->kind == STAGE_RUN && req->stdin_fd >= 0 && (!tty || req->stdin_piped);
    int in[2] = {-1, -1}, out[2] = {-1, -1}, errp[2] = {-1, -1};
    bool ok = true;
    bool err_apart = tty && req->stderr_apart;
    bool one_pipe = !tty && st->kind == STAGE_RUN && req->one_pipe;
    if (tty) {
        ok = (!piped_in || make_pipe(in)) && (!err_apart || make_pipe(errp));
    } else {
        ok = make_pipe(out) && (one_pipe || make_pipe(errp));
        if (ok && piped_in)
            ok = make_pipe(in);
        else if (ok)
            ok = (in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;
    }
    if (!ok) {
        int e = errno;
        close(in[0]), close(in[1]), close(out[0]), close(out[1]), close(errp[0]), close(errp[1]);
        cgroup_destroy(&cg);
        return job_fail(j, RUN_SANDBOX_ERROR, "cannot create the program's pipes: %s", strerror(e));
    }
    SandboxSpec spec = {
        .argv = (const char *const *)v->argv.items, .envp = (const char *const *)v->env.items,
        .cwd = st->kind == STAGE_HELPER ? "/tmp" : j->cwd, .binds = v->binds, .nbinds = v->nbinds,
        .links = v->links, .nlinks = v->nlinks, .files = v->files, .nfiles = v->nfiles,
        .workdir = work_copy || st->kind == STAGE_HELPER ? NULL : j->workdir, .work_dst = WORK,
        .work_alias = work_copy || st->kind == STAGE_HELPER ? NULL : j->workdir, .scratch = v->scratch,
        .hold = work_copy, .cgroup_late = late,
        /* tmpfs pages are charged to the run's memory cgroup: half of the
         * limit for files leaves the rest to the program, so filling the
         * disk ends in ENOSPC rather than the OOM killer. */
        .scratch_bytes = (long long)(st->memory_mib / 2 > 32 ? st->memory_mib / 2 : 32) << 20,
        .share_net = req->net && st->kind == STAGE_RUN, .hostname = "tide",
        .stdin_fd = in[0], .stdout_fd = out[1], .stderr_fd = one_pipe ? out[1] : errp[1], .tty = tty,
        .rows = req->rows, .cols = req->cols, .tty_cc = req->tty_cc, .rlimits = v->rlimits,
        .nrlimits = v->nrlimits, .cgroup = late ? NULL : &cg, .filter = j->filter,
    };
    Sandbox *sb;
    long long t0 = now_ns();
    ok = sandbox_start(&spec, &sb, &err);
    /* The child's ends belong to the sandbox now. */
    close(in[0]);
    close(out[1]);
    close(errp[1]);
    if (ok && late && !early_cgroup_take(j, &cg, &err)) {
        job_fail(j, RUN_SANDBOX_ERROR, "%s", err.msg);
        sandbox_free(sb);
        close(in[1]), close(out[0]), close(errp[0]);
        return false;
    }
    if (ok && (spec.hold || spec.cgroup_late) && !((!work_copy || fill_work_copy(j, st, sb, spec.scratch_bytes)) &&
                              sandbox_release(sb, spec.cgroup_late ? &cg : NULL, &err))) {
        if (j->res->status != RUN_SANDBOX_ERROR)
            job_fail(j, RUN_SANDBOX_ERROR, "%s", err.msg);
        sandbox_free(sb);
        close(in[1]), close(out[0]), close(errp[0]);
        cgroup_destroy(&cg);
        return false;
    }
    if (!ok) {
        close(in[1]), close(out[0]), close(errp[0]);
        cgroup_destroy(&cg);
        *overlay_failed = spec.workdir && sandbox_err_is_overlay(&err);
        return job_fail(j, RUN_SANDBOX_ERROR, "%s", err.msg);
    }
    int master = tty ? sandbox_pty_fd(sb) : -1;
    Pump p = {.j = j, .st = st, .sb = sb, .fds = {-1, tty ? master : out[0], errp[0]},
              .pty = tty, .in_src = -1, .in_dst = -1, .in_pty = tty && !piped_in};
    if (st->kind == STAGE_RUN && req->stdin_fd >= 0) {
        p.in_src = req->stdin_fd;
        p.in_dst = p.in_pty ? master : in[1];
    }
    if (p.in_dst >= 0)
        fcntl(p.in_dst, F_SETFL, fcntl(p.in_dst, F_GETFL) | O_NONBLOCK);
    if (tty) {
        fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
        if (j->cb && j->cb->pty_ready)
            j->cb->pty_ready(j->cb->ud, master);
    }
    pump(&p);
    if (st->kind == STAGE_COMPILE && j->compile_tail.len)
        end_compile_output(&p);
    for (int s = 1; s <= 2; s++)
        if (p.fds[s] >= 0 && p.fds[s] != master)
            close(p.fds[s]);
    if (in[1] >= 0 && p.in_dst >= 0)
        close(in[1]);
    st->finished = sandbox_finish(sb, &st->ex, &err);
    st->wall = (double)(now_ns() - t0) / 1e9;
    cgroup_stats(&cg, &st->cg);
    if (st->finished && after)
        after(j, st, sandbox_scratch_fd(sb));
    sandbox_free(sb);
    cgroup_destroy(&cg);
    if (!st->finished && st->end == END_EXITED)
        return job_fail(j, RUN_SANDBOX_ERROR, "%s", err.msg);
    return true;
}

static bool run_stage(Job *j, View *v, Stage *st, AfterFn after)
{
    bool overlay_failed = false;
    if (run_stage_once(j, v, st, after, &overlay_failed))
        return true;
    if (!overlay_failed)
        return false;
    /* This machine's overlayfs will not do: the copy, from now on. */
    j->work_copy = true;
    j->res->status = RUN_OK;
    j->res->message[0] = '\0';
    overlay_failed = false;
    return run_stage_once(j, v, st, after, &overlay_failed);
}

static bool exited_zero(const Stage *st)
{
    return st->end == END_EXITED && st->ex.ended && WIFEXITED(st->ex.status) &&
           WEXITSTATUS(st->ex.status) == 0;
}

static void keep_build(Job *j, const Stage *st, int scratch_fd)
{
    if (!exited_zero(st))
        return;
    int sdir = openat(scratch_fd, BUILD_SCRATCH, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int ddir = open(j->build_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    long long budget = BUILD_MAX_BYTES;
    bool ok;
    if (j->cargo_exe) {
        /* Of cargo's target folder (dependencies, incremental state),
         * only the program is kept, as EXE. */
        char *rel = xasprintf("target/release/%s%s", strcmp(j->cargo.kind, "--example") ? "" : "examples/",
                              j->cargo.name);
        ok = sdir >= 0 && ddir >= 0 && workfiles_copy_out_file(sdir, rel, ddir, EXE_NAME, 0755, budget);
        free(rel);
    } else {
        ok = sdir >= 0 && ddir >= 0 && workfiles_copy_out_tree(sdir, ddir, &budget);
    }
    if (sdir >= 0)
        close(sdir);
    if (ddir >= 0)
        close(ddir);
    if (!ok)
        job_fail(j, RUN_SANDBOX_ERROR, "cannot keep the compiled program (over %lld MiB?)",
                 BUILD_MAX_BYTES >> 20);
}

/* What tide's run made, once it ended by itself (an exit status, even a
 * failed import: the names it did not make are noted as such). */
static void keep_font_lists(Job *j, const Stage *st, int scratch_fd)
{
    bool exited = st->end == END_EXITED && st->ex.ended && WIFEXITED(st->ex.status);
    int home = exited ? openat(scratch_fd, HOME_SCRATCH, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
    if (home >= 0) {
        (void)mplfonts_keep(home, j->fonts_dir, &j->fonts_new, NULL);
        close(home);
    }
}

/* matplotlib made a font list the run was not given: tide's own run of
 * its font manager (python -c, in /tmp, no file of the user's in sight)
 * makes the one later runs get.  Best effort, and nothing of the run's
 * result changes: without it, runs make their own as before. */
static void make_font_lists(Job *j)
{
    RunResult *res = j->res;
    RunStatus status = res->status;
    char message[sizeof res->message];
    memcpy(message, res->message, sizeof message);
    View v = {0};
    view_system(&v, j, false);
    const char *argv[] = {j->tools[0].exe, "-B", "-c", "import matplotlib.font_manager"};
    for (size_t i = 0; i < sizeof argv / sizeof *argv; i++)
        sl_push(&v.argv, argv[i]);
    view_env(&v, j, false);
    lang_env(&v, j, false);
    view_python_user_site(&v, j);
    /* tide's limits, not the ones asked for the program. */
    Stage st = {.kind = STAGE_HELPER, .timeout_ms = 60000, .memory_mib = 512, .max_pids = 64};
    (void)run_stage(j, &v, &st, keep_font_lists);
    view_free(&v);
    res->status = status;
    memcpy(res->message, message, sizeof message);
}

static void keep_generated(Job *j, const Stage *st, int scratch_fd)
{
    char name[16];
    int layer = openat(scratch_fd, work_layer(st, name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (layer < 0)
        return;
    Generated g;
    workfiles_generated(layer, j->workdir, j->req->generated_dir, &g);
    close(layer);
    j->res->generated = g.files;
    j->res->ngenerated = g.n;
    j->res->generated_truncated = g.truncated;
    j->res->generated_left_out = g.left_out;
    j->res->generated_left_why = g.left_why;
}

static void after_run(Job *j, const Stage *st, int scratch_fd)
{
    keep_generated(j, st, scratch_fd);
    int home = j->fonts_dir ? openat(scratch_fd, HOME_SCRATCH, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
    if (home >= 0) {
        mplfonts_unknown(home, &j->fonts, &j->fonts_new);
        close(home);
    }
}

/* ------------------------------------------------------------ the steps */

static bool valid_relative(const char *f)
{
    if (!f[0] || f[0] == '/')
        return false;
    for (const char *p = f; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return false;
        p += n;
        while (*p == '/')
            p++;
    }
    return true;
}

/* Whether dir is path (after resolving it; as written while it does not
 * exist) or a folder above it. */
static bool is_or_holds(const char *dir, const char *path)
{
    char real[PATH_MAX];
    if (!path || path[0] != '/')
        return false;
    if (!realpath(path, real))
        snprintf(real, sizeof real, "%s", path);
    size_t n = strlen(dir);
    return strcmp(dir, real) == 0 || (strncmp(real, dir, n) == 0 && (real[n] == '/' || n == 1));
}

/* A folder never shown whole to a program: the user's home folder and
 * runtime folder and those holding them (running ~/x.py must not hand
 * over ~/.ssh), /root, and the folders every program shares its
 * temporary files in (/tmp holds Kerberos tickets, other programs'
 * files).  A program whose entry is in one sees only the files it was
 * given; a folder of its own below /tmp is shown whole. */
bool exec_folder_is_private(const char *dir)
{
    static const char *const shared[] = {"/", "/root", "/home", "/tmp", "/var/tmp", "/dev/shm"};
    for (size_t i = 0; i < sizeof shared / sizeof *shared; i++) {
        char real[PATH_MAX];
        if (strcmp(dir, shared[i]) == 0 || (realpath(shared[i], real) && strcmp(dir, real) == 0))
            return true;
    }
    return is_or_holds(dir, getenv("HOME")) || is_or_holds(dir, getenv("XDG_RUNTIME_DIR"));
}

/* Whether a toolchain folder the project named may be shown: not one no
 * program is shown whole, nor one holding tide's own folders (its
 * database, every session). */
static bool may_show_toolchain(const Job *j, const char *dir)
{
    if (exec_folder_is_private(dir))
        return false;
    for (int k = 0; k < DIR_COUNT; k++)
        if (is_or_holds(dir, j->app->paths.dir[k]))
            return false;
    return true;
}

/* The project's venv's Python (lang_venv_python), unless the Python
 * installation it names is none or may not be shown (the venv is the
 * project's words: "home = /home" would hand over every home folder).
 * False, with a note saying why the venv is not used. */
static bool use_venv(Job *j, const char *venv, ToolInfo *ti)
{
    Err why;
    char *base = NULL;
    bool ok = lang_venv_python(venv, ti, &base, &why);
    if (ok && base && !may_show_toolchain(j, base)) {
        tool_info_free(ti);
        ok = err_set(&why, "is a folder tide shows no program (a home folder or one holding it, /, /tmp, or one "
                           "holding tide's data)");
    }
    if (!ok) {
        /* Its name is the project's too: shown only if it is plain text. */
        char *named = !base                          ? xstrdup("")
                      : filetype_plain_text(base) ? xasprintf(", %s,", base)
                                                  : xstrdup(", (a name with control characters),");
        snprintf(j->res->venv_refused, sizeof j->res->venv_refused,
                 "tide did not use the venv %.300s: the Python it was made from%.300s %.300s (the run has the Python "
                 "on PATH)",
                 venv, named, why.msg);
        free(named);
    }
    free(base);
    return ok;
}

static bool prepare(Job *j)
{
    const RunRequest *r = j->req;
    if (!j->lang)
        return job_fail(j, RUN_INVALID_REQUEST, "no language: pass one of %s", lang_keys());
    char real[PATH_MAX];
    if (!r->workdir || !realpath(r->workdir, real) || !fileio_is_dir(real))
        return job_fail(j, RUN_INVALID_REQUEST, "the working folder %s does not exist",
                        r->workdir ? r->workdir : "(none)");
    j->workdir = xstrdup(real);
    /* The program starts in its entry's folder, as it would when run from
     * there: files beside it open by their names, whether the request
     * names it "f.py" in its folder or "sub/f.py" in a session's. */
    if (r->files && r->files[0]) {
        const char *slash = strrchr(r->files[0], '/');
        j->entry_dir = slash ? xstrndup(r->files[0], (size_t)(slash - r->files[0])) : xstrdup("");
        j->cwd = j->entry_dir[0] ? xasprintf(WORK "/%s", j->entry_dir) : xstrdup(WORK);
    }
    if (exec_folder_is_private(j->workdir)) {
        j->narrow = j->work_copy = true;
        j->res->work_narrowed = true;
    }
    if (!r->files || !r->files[0])
        return job_fail(j, RUN_INVALID_REQUEST, "no file to run");
    for (const char *const *f = r->files; *f; f++) {
        if (!valid_relative(*f))
            return job_fail(j, RUN_INVALID_REQUEST, "%s is not a path inside %s", *f, j->workdir);
        char *path = xasprintf("%s/%s", j->workdir, *f);
        struct stat st;
        bool ok = stat(path, &st) == 0 && S_ISREG(st.st_mode);
        free(path);
        if (!ok)
            return job_fail(j, RUN_INVALID_REQUEST, "%s: no such file in %s", *f, j->workdir);
    }
    /* An interpreter runs a file of any name (a script without .py, run
     * with --lang or F2); a compiler goes by the extension. */
    if (j->lang->compile && !lang_is_source(j->lang, r->files[0])) {
        const char *name = fileio_base_name(r->files[0]);
        const char *dot = strrchr(name, '.');
        return job_fail(j, RUN_INVALID_REQUEST, "%s is not a %s source file: the compiler goes by the "
                        "name, so call it %.*s%s", r->files[0], j->lang->name,
                        (int)(dot && dot != name ? dot - name : (ptrdiff_t)strlen(name)), name,
                        j->lang->source_exts[0]);
    }
    if (r->timeout_ms < 1 || r->compile_timeout_ms < 1 || r->memory_mib < 16 ||
        r->max_processes < 1 || r->output_limit < 0)
        return job_fail(j, RUN_INVALID_REQUEST,
                        "limits out of range (timeouts >= 1 ms, memory >= 16 MiB, processes >= 1)");
    for (const char *const *f = r->files; *f; f++)
        if (lang_is_source(j->lang, *f))
            sl_push(&j->sources, *f);
    /* The entry comes first on tide's command line, but gfortran needs a
     * module compiled before the files that use it. */
    if (j->lang->id == LANG_FORTRAN)
        srcdeps_order_fortran(j->workdir, &j->sources);

    char *venv = project_venv(j);
    for (size_t t = 0; t < j->lang->ntools; t++) {
        Err err;
        if (!(t == 0 && venv && use_venv(j, venv, &j->tools[t])) &&
            !toolcache_resolve(&j->app->paths, &j->lang->tools[t], &j->tools[t], &err)) {
            free(venv);
            j->res->toolchain_missing = true;
            return job_fail(j, RUN_SANDBOX_ERROR, "%s is not available: %s (install it with: "
                            "apt-get install %s)", j->lang->name, err.msg, j->lang->package);
        }
    }
    free(venv);
    for (size_t t = 0; t < j->lang->ntools; t++) {
        const ToolInfo *ti = &j->tools[t];
        j->res->tools[t] = (RunTool){.command = xstrdup(j->lang->tools[t].cmd), .path = xstrdup(ti->path),
                                     .version = ti->version ? xstrdup(ti->version) : NULL};
        j->res->ntools = t + 1;
    }
    tools_in_workdir(j);
    if (j->lang->id == LANG_JAVA) {
        java_names(j);
        java_heap(j->heap, sizeof j->heap, r->memory_mib);
    }
    if (j->lang->id == LANG_RUST && !j->narrow && !cargo_package(j))
        return false;
    if (j->cargo_exe && j->res->ntools < LANG_MAX_TOOLS)
        j->res->tools[j->res->ntools++] = (RunTool){.command = xstrdup("cargo"), .path = xstrdup(j->cargo_exe)};
    if ((j->lang->id == LANG_C || j->lang->id == LANG_CPP || j->lang->id == LANG_FORTRAN) && !j->narrow)
        srcdeps_include_folders(j->workdir, j->entry_dir, &j->includes);
    Err err;
    char *cache = xstrdup(j->app->paths.dir[DIR_CACHE]);
    j->filter = syscall_filter_get(cache, &err);
    free(cache);
    if (!j->filter && !r->allow_no_seccomp)
        return job_fail(j, RUN_SANDBOX_ERROR,
                        "seccomp: %s (or pass --allow-missing seccomp to run without it)", err.msg);
    return true;
}

/* go build of a package other than main writes an archive, not a
 * program, and succeeds: go run would have said "not a main package".
 * False (the job failed) for such a build, fresh or from the cache. */
static bool go_built_a_program(Job *j)
{
    if (j->lang->id != LANG_GO)
        return true;
    char *exe = xasprintf("%s/" EXE_NAME, j->build_dir);
    int fd = open(exe, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    free(exe);
    char magic[8];
    bool ar = fd >= 0 && read(fd, magic, sizeof magic) == (ssize_t)sizeof magic &&
              memcmp(magic, "!<arch>\n", sizeof magic) == 0;
    if (fd >= 0)
        close(fd);
    if (!ar)
        return true;
    RunResult *res = j->res;
    const char *name = fileio_base_name(j->req->files[0]);
    sb_printf(&res->compile_output, "%s: not a main package: a Go program is package main, with a func main\n",
              name);
    sb_append(&res->error, res->compile_output.data, res->compile_output.len);
    if (j->cb && j->cb->output)
        j->cb->output(j->cb->ud, 2, res->compile_output.data, res->compile_output.len);
    return job_fail(j, RUN_COMPILE_ERROR, "the program did not compile: %s is not in package main", name);
}

static bool compile(Job *j)
{
    const RunRequest *r = j->req;
    RunResult *res = j->res;
    const Paths *paths = &j->app->paths;
    View v = {0};
    if (j->cargo_exe) {
        cargo_command(j, &v);
    } else if (!expand(j, &v, config_compile_cmd(&j->app->cfg, j->lang), false)) {
        view_free(&v);
        return false;
    }
    view_env(&v, j, false);
    lang_env(&v, j, true);

    /* Unchanged inputs: the binary from the cache, no compile at all. */
    char key[BUILD_KEY_LEN + 1];
    Err err;
    BuildInputs in = {.lang = j->lang, .workdir = j->workdir,
                      .argv = (const char *const *)v.argv.items,
                      .envp = (const char *const *)v.env.items, .tools = j->tools,
                      .ntools = j->lang->ntools,
                      .kept_state = j->lang->id == LANG_GO ? r->go_cache : NULL};
    bool cacheable = j->app->cfg.build_cache > 0 && buildcache_key(&in, key, &err);
    if (cacheable && buildcache_lookup(paths, key, &j->entry)) {
        res->build_cached = true;
        j->build_dir = xstrdup(j->entry.dir);
        view_free(&v);
        size_t n;
        char *said = buildcache_messages(j->build_dir, &n);
        if (said) {
            sb_append(&res->compile_output, said, n);
            if (j->cb && j->cb->output)
                j->cb->output(j->cb->ud, 2, said, n);
            free(said);
        }
        return go_built_a_program(j);
    }
    phase(j, "compiling");
    view_system(&v, j, false);
    v.scratch[3] = BUILD;
    v.scratch[4] = NULL;
    if (j->lang->id == LANG_GO && !view_go_cache(&v, j)) {
        view_free(&v);
        return false;
    }
    if (!buildcache_begin(paths, &j->build_dir, &err)) {
        view_free(&v);
        return job_fail(j, RUN_SANDBOX_ERROR, "%s", err.msg);
    }
    j->build_dir_temp = true;
    /* Compilers get room of their own: a small limit is for the program. */
    Stage st = {.kind = STAGE_COMPILE, .timeout_ms = r->compile_timeout_ms,
                .memory_mib = r->memory_mib > 2048 ? r->memory_mib : 2048,
                .max_pids = r->max_processes > 512 ? r->max_processes : 512};
    bool ok = run_stage(j, &v, &st, keep_build);
    view_free(&v);
    res->compile_time = st.ex.ended ? st.ex.run_seconds : st.wall;
    if (!ok || res->status == RUN_SANDBOX_ERROR)
        return false;
    if (st.end == END_KILLED)
        return job_fail(j, RUN_KILLED, "stopped while compiling");
    if (st.end == END_TIMEOUT)
        return job_fail(j, RUN_TIMEOUT, "the compile step took longer than %g s",
                        r->compile_timeout_ms / 1000.0);
    if (exited_zero(&st) && !go_built_a_program(j))
        return false;
    if (exited_zero(&st)) {
        /* Not kept with its messages, the build is not kept: a run from
         * the cache would say less than this one. */
        if (cacheable && !buildcache_put_messages(j->build_dir, res->compile_output.data, res->compile_output.len, &err))
            cacheable = false;
        if (cacheable && buildcache_commit(paths, key, j->build_dir, &j->entry, &err)) {
            j->build_dir = xstrdup(j->entry.dir);
            j->build_dir_temp = false;
            buildcache_trim(paths, j->app->cfg.build_cache);
        } else if (cacheable) {
            j->build_dir = NULL; /* consumed by the failed commit */
            return job_fail(j, RUN_SANDBOX_ERROR, "%s", err.msg);
        }
        return true;
    }
    if (st.cg.oom_kills > 0)
        return job_fail(j, RUN_MEMORY_LIMIT, "the compiler ran out of memory (%d MiB)",
                        st.memory_mib);
    sb_append(&res->error, res->compile_output.data ? res->compile_output.data : "",
              res->compile_output.len);
    if (st.ex.ended && WIFSIGNALED(st.ex.status))
        return job_fail(j, RUN_COMPILE_ERROR, "the compiler was killed by signal %d",
                        WTERMSIG(st.ex.status));
    /* go tries to download what the module cache lacks, and says so in
     * words about tide's read-only mount or GOPROXY=off, neither of which
     * the user set. */
    const char *out = res->compile_output.data;
    if (j->lang->id == LANG_GO && out &&
        (memmem(out, res->compile_output.len, "go: downloading ", 16) ||
         memmem(out, res->compile_output.len, "disabled by GOPROXY=off", 23)))
        return job_fail(j, RUN_COMPILE_ERROR,
                        "the program did not compile: a module it needs is not in your Go module cache, and runs "
                        "are offline (`go mod download` in its module's folder, outside tide, fetches it)");
    return job_fail(j, RUN_COMPILE_ERROR, "the program did not compile");
}

/* User and system time, of the program and all it started. */
static double cpu_seconds(const struct rusage *u)
{
    return (double)(u->ru_utime.tv_sec + u->ru_stime.tv_sec) +
           (double)(u->ru_utime.tv_usec + u->ru_stime.tv_usec) / 1e6;
}

static bool run(Job *j)
{
    const RunRequest *r = j->req;
    RunResult *res = j->res;
    phase(j, "running");
    View v = {0};
    view_system(&v, j, r->net);
    if (j->build_dir)
        view_bind(&v, j->build_dir, BUILD, 0);
    if (!expand(j, &v, config_run_cmd(&j->app->cfg, j->lang), true)) {
        view_free(&v);
        return false;
    }
    view_env(&v, j, r->tty);
    lang_env(&v, j, false);
    if (j->lang->id == LANG_PYTHON) {
        view_python_user_site(&v, j);
        view_python_plots(&v);
        view_python_fonts(&v, j);
    }
    Stage st = {.kind = STAGE_RUN, .timeout_ms = r->timeout_ms, .memory_mib = r->memory_mib,
                .max_pids = r->max_processes};
    res->run_started = true;
    bool ok = run_stage(j, &v, &st, after_run);
    view_free(&v);
    if (!ok)
        return false;
    if (j->fonts_new.len && st.end == END_EXITED)
        make_font_lists(j);
    res->execution_time = st.ex.ended ? st.ex.run_seconds : st.wall;
    res->peak_memory_kb = st.cg.peak_bytes >= 0 ? st.cg.peak_bytes / 1024 : st.ex.usage.ru_maxrss;
    if (st.ex.ended && WIFEXITED(st.ex.status))
        res->exit_code = WEXITSTATUS(st.ex.status);
    else if (st.ex.ended && WIFSIGNALED(st.ex.status))
        res->signal = WTERMSIG(st.ex.status);
    switch (st.end) {
    case END_KILLED:
        return job_fail(j, RUN_KILLED, "stopped");
    case END_TIMEOUT:
        return job_fail(j, RUN_TIMEOUT, "the program ran longer than %g s", r->timeout_ms / 1000.0);
    case END_OUTPUT:
        return job_fail(j, RUN_OUTPUT_LIMIT, "the program wrote more than %lld bytes",
                        r->output_limit);
    case END_EXITED:
        break;
    }
    bool oom = st.cg.oom_kills > 0;
    if (!st.ex.ended)
        return oom ? job_fail(j, RUN_MEMORY_LIMIT, "the program used more than %d MiB of memory",
                              r->memory_mib)
                   : job_fail(j, RUN_SANDBOX_ERROR, "the sandbox ended before the program did");
    /* SIGXCPU is a timeout only when the run's CPU time reached tide's
     * limit: a program may raise it itself, or meet a lower limit of its
     * own, and then it is the program's error.  (The kernel signals at
     * the limit; rusage may round it a few microseconds below.) */
    if (res->signal == SIGXCPU && cpu_seconds(&st.ex.usage) >= (double)st.cpu_limit - 0.01)
        return job_fail(j, RUN_TIMEOUT, "the program used more CPU time than its limit");
    /* Ended by the interrupt: by its signal, or as the JVM does, 128+2. */
    if (st.interrupted && (res->signal == SIGINT || (!res->signal && res->exit_code == 128 + SIGINT)))
        return job_fail(j, RUN_KILLED, "interrupted");
    if (oom && (res->signal || res->exit_code != 0))
        return job_fail(j, RUN_MEMORY_LIMIT, "the program used more than %d MiB of memory",
                        r->memory_mib);
    res->status = res->exit_code == 0 ? RUN_OK : RUN_RUNTIME_ERROR;
    return true;
}

static void job_free(Job *j)
{
    early_cgroup_drop(j);
    sb_free(&j->compile_tail);
    for (size_t t = 0; t < LANG_MAX_TOOLS; t++)
        tool_info_free(&j->tools[t]);
    if (j->build_dir && j->build_dir_temp)
        fileio_rmtree(j->build_dir, NULL);
    free(j->build_dir);
    buildcache_release(&j->entry);
    free(j->workdir);
    free(j->klass);
    free(j->srcroot);
    free(j->classpath);
    sl_free(&j->includes);
    srcdeps_cargo_target_free(&j->cargo);
    free(j->cargo_exe);
    free(j->entry_dir);
    free(j->cwd);
    sl_free(&j->sources);
    free(j->fonts_dir);
    mplfonts_free(&j->fonts);
    sl_free(&j->fonts_new);
}

bool exec_run(App *app, const RunRequest *req, const RunCallbacks *cb, RunResult *res, Err *err)
{
    *res = (RunResult){.exit_code = -1, .peak_memory_kb = -1, .net = req->net};
    /* TIDE_WORK_COPY=1: the copy even where overlayfs works (a fallback
     * worth testing, and a way round an overlayfs that misbehaves). */
    const char *force_copy = getenv("TIDE_WORK_COPY");
    Job j = {.app = app, .req = req, .cb = cb, .res = res, .lang = req->lang,
             .started_ns = now_ns(), .entry = {.lock_fd = -1},
             .work_copy = force_copy && strcmp(force_copy, "1") == 0};
    /* A program that stops reading its stdin must not kill tide with
     * SIGPIPE: blocked in this thread only, and anything pending is
     * consumed before the mask is restored. */
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);

    early_cgroup_start(&j);
    bool ok = prepare(&j) && (!j.lang->compile || compile(&j)) && run(&j);

    if (!sigismember(&old, SIGPIPE)) {
        struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    job_free(&j);
    if (!ok && (res->status == RUN_SANDBOX_ERROR || res->status == RUN_INVALID_REQUEST))
        return err_set(err, "%s", res->message);
    return true;
}

static char *narrowed_note(const char *workdir)
{
    return xasprintf("tide never shows a program all of %s (a home folder or one above it, /tmp and the "
                     "other shared temporary folders), so it saw only the files it was given (put them in "
                     "a folder of their own to give it their neighbours)", workdir);
}

/* The module named by the last "No module named 'X'" in text, or NULL. */
static char *missing_module(const StrBuf *text)
{
    static const char marker[] = "ModuleNotFoundError: No module named '";
    const char *at = NULL;
    for (const char *p = text->data; p && (p = memmem(p, text->len - (size_t)(p - text->data), marker,
                                                       sizeof marker - 1));
         p += sizeof marker - 1)
        at = p + sizeof marker - 1;
    if (!at)
        return NULL;
    size_t n = strcspn(at, "'\n");
    if (!n || n > 100 || at[n] != '\'')
        return NULL;
    return xstrndup(at, n);
}

static char *missing_module_note(const RunResult *res, const Lang *lang)
{
    if (!lang || lang->id != LANG_PYTHON || res->status != RUN_RUNTIME_ERROR)
        return NULL;
    /* On a terminal both streams are the output. */
    char *module = missing_module(&res->error);
    if (!module)
        module = missing_module(&res->output);
    if (!module)
        return NULL;
    /* The package's name is not always the module's (PIL is pillow). */
    char *note = xasprintf("Python has no module '%s' here: runs have no network, so install the package that "
                           "provides it outside tide (pip install --user, or into the project's .venv), where the "
                           "run sees it",
                           module);
    free(module);
    return note;
}

/* How each runtime says it found no network: a name that cannot be
 * looked up, a network or a host's service that cannot be reached.  A
 * sandboxed run sees only its own loopback, so its programs meet these
 * where the user's terminal would not. */
static const char *const no_network_said[] = {
    "Temporary failure in name resolution", /* glibc's getaddrinfo: C, C++, Python, PHP, Rust */
    "Name or service not known",
    "failed to lookup address information", /* Rust */
    "Network is unreachable", "network is unreachable", /* errno ENETUNREACH; Go */
    "EAI_AGAIN", "ENOTFOUND", "ENETUNREACH", "ECONNREFUSED", /* Node */
    "no such host", /* Go */
    "UnknownHostException", /* Java */
    "Could not resolve host", /* curl, PHP */
    "Connection refused", "connection refused",
};

static bool says_no_network(const StrBuf *text)
{
    for (size_t i = 0; text->len && i < sizeof no_network_said / sizeof *no_network_said; i++)
        if (memmem(text->data, text->len, no_network_said[i], strlen(no_network_said[i])))
            return true;
    return false;
}

/* A C, C++ or Fortran build of files none of which has a main (a helper
 * run on its own): the linker's words say it, not what to do. */
static bool lacks_main(const RunResult *res, const Lang *lang)
{
    if (res->status != RUN_COMPILE_ERROR ||
        (lang->id != LANG_C && lang->id != LANG_CPP && lang->id != LANG_FORTRAN))
        return false;
    const StrBuf *c = &res->compile_output;
    return c->len && memmem(c->data, c->len, "undefined reference to `main'", 29);
}

void run_result_notes(const RunResult *res, const Lang *lang, const char *workdir, bool net, const char *net_how,
                      StrList *notes)
{
    if (res->work_narrowed)
        sl_push_owned(notes, narrowed_note(workdir));
    if (res->venv_refused[0])
        sl_push(notes, res->venv_refused);
    if (lacks_main(res, lang))
        sl_push_owned(notes, xasprintf("none of the files built has %s: run the file that has one, and the files it "
                                       "uses come with it",
                                       lang->id == LANG_FORTRAN ? "a main program unit" : "a main function"));
    char *missing = missing_module_note(res, lang);
    if (missing)
        sl_push_owned(notes, missing);
    /* (A missing module's note says runs are offline already.) */
    else if (!net && res->status == RUN_RUNTIME_ERROR && (says_no_network(&res->error) || says_no_network(&res->output)))
        sl_push_owned(notes, xasprintf("the program found no network: runs have none but their own loopback, so "
                                       "neither the internet nor this machine's services can be reached (%s)",
                                       net_how));
}

bool run_result_ran(const RunResult *res)
{
    return res->run_started && res->status != RUN_COMPILE_ERROR && res->status != RUN_SANDBOX_ERROR &&
           res->status != RUN_INVALID_REQUEST;
}

void run_result_free(RunResult *res)
{
    sb_free(&res->output);
    sb_free(&res->error);
    sb_free(&res->compile_output);
    for (size_t i = 0; i < res->ngenerated; i++) {
        free(res->generated[i].path);
        free(res->generated[i].type);
    }
    free(res->generated);
    for (size_t t = 0; t < res->ntools; t++) {
        free(res->tools[t].command);
        free(res->tools[t].path);
        free(res->tools[t].version);
    }
    *res = (RunResult){.exit_code = -1, .peak_memory_kb = -1};
}

/* ------------------------------------------------------------ JSON */

json_t *run_toolchain_json(const RunResult *res)
{
    json_t *tools = json_array();
    for (size_t t = 0; t < res->ntools; t++)
        json_array_append_new(tools, json_pack("{s:s, s:s, s:o}", "command", res->tools[t].command, "path",
                                               res->tools[t].path,
                                               "version", res->tools[t].version ? json_string(res->tools[t].version)
                                                                                : json_null()));
    return tools;
}

json_t *run_result_json(const RunResult *res, const Lang *lang)
{
    json_t *o = json_object();
    json_object_set_new(o, "success", json_boolean(res->status == RUN_OK));
    json_object_set_new(o, "status", json_string(run_status_name(res->status)));
    jsonbytes_set(o, "output", res->output.data, res->output.len);
    jsonbytes_set(o, "error", res->error.data, res->error.len);
    json_object_set_new(o, "return_code",
                        res->exit_code >= 0 ? json_integer(res->exit_code) : json_null());
    json_object_set_new(o, "signal", res->signal ? json_integer(res->signal) : json_null());
    /* A run step that did not happen took 0 s (its record keeps none,
     * which tide result --json gives as 0 too). */
    json_object_set_new(o, "execution_time", json_real(run_result_ran(res) ? res->execution_time : 0));
    json_object_set_new(o, "compile_time", json_real(res->compile_time));
    json_object_set_new(o, "peak_memory_kb",
                        res->peak_memory_kb >= 0 ? json_integer(res->peak_memory_kb) : json_null());
    json_object_set_new(o, "output_truncated", json_boolean(res->output_truncated));
    json_t *files = json_array();
    for (size_t i = 0; i < res->ngenerated; i++)
        json_array_append_new(files, json_pack("{s:s, s:I, s:s}", "name", res->generated[i].path,
                                               "size", (json_int_t)res->generated[i].size, "type",
                                               res->generated[i].type));
    json_object_set_new(o, "generated_files", files);
    json_object_set_new(o, "generated_files_truncated", json_boolean(res->generated_truncated));
    json_object_set_new(o, "language", lang ? json_string(lang->key) : json_null());
    json_object_set_new(o, "build_cached", json_boolean(res->build_cached));
    json_object_set_new(o, "toolchain", run_toolchain_json(res));
    json_object_set_new(o, "work_narrowed", json_boolean(res->work_narrowed));
    json_object_set_new(o, "net", json_boolean(res->net));
    jsonbytes_set(o, "compile_output", res->compile_output.data, res->compile_output.len);
    json_object_set_new(o, "message", json_string(res->message));
    json_object_set_new(o, "session_id", json_null());
    json_object_set_new(o, "result_id", json_null());
    return o;
}
