/* The sandbox: one program started in fresh user, mount, pid, ipc, uts,
 * cgroup and (unless asked otherwise) network namespaces, on a minimal root
 * built from read-only binds, as an unprivileged uid with no capabilities,
 * no_new_privs and the seccomp filter, inside the run's cgroups.
 *
 * How it is put together (docs/security.md tells the whole story):
 *
 *   tide (any thread)  clone(NEWUSER|NEWNS|NEWPID|...) ──> init (pid 1)
 *     writes the uid/gid maps, moves init into       sets up the mounts,
 *     the cgroups, idmaps the working folder,        pivot_root, enters a
 *     then says "go"                                 nested user namespace
 *                                                    as uid 1000, forks ──> program
 *
 * Everything the child needs is prepared before clone, so nothing between
 * clone and exec allocates: exec_run may be called from any thread of a
 * multi-threaded process.  init reaps everything and exits with the
 * program; the kernel then kills whatever the program left behind (the
 * pid namespace dies with its init).
 *
 * Layout inside: the binds, /work (the host working folder under a
 * writable overlay whose upper layer is in the run's scratch tmpfs), the
 * scratch folders (/tmp, /dev/shm, HOME, ...: the same size-capped tmpfs),
 * a minimal /dev, a fresh /proc, and /etc files written from memory. */
#ifndef TIDE_SANDBOX_H
#define TIDE_SANDBOX_H

#include <linux/filter.h>
#include <stdbool.h>
#include <termios.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "cgroup.h"
#include "err.h"

/* The program's uid and gid inside.  Outside it is the invoking user's
 * uid, or SANDBOX_HOST_UID when tide runs as root. */
#define SANDBOX_UID 1000
#define SANDBOX_HOST_UID 2147418112u /* 0x7fff0000: no account, no files */

enum {
    SB_BIND_RW = 1,       /* writable (default read-only) */
    SB_BIND_OPTIONAL = 2, /* skip quietly when the source is missing */
    SB_BIND_DEV = 4,      /* a device node (keeps dev access) */
};

typedef struct SandboxBind {
    const char *src; /* host path */
    const char *dst; /* absolute path inside */
    unsigned flags;
} SandboxBind;

typedef struct SandboxLink {
    const char *target; /* what the symlink says */
    const char *path;   /* absolute path inside */
} SandboxLink;

typedef struct SandboxFile {
    const char *path; /* absolute path inside: read-only, or below a scratch
                       * folder the program's own */
    const char *data;
    size_t len;       /* 0: strlen(data) */
} SandboxFile;

typedef struct SandboxRlimit {
    int resource;
    rlim_t soft, hard;
} SandboxRlimit;

typedef struct SandboxSpec {
    const char *const *argv; /* argv[0]: absolute path of the executable inside */
    const char *const *envp;
    const char *cwd; /* inside */

    const SandboxBind *binds;
    size_t nbinds;
    const SandboxLink *links;
    size_t nlinks;
    const SandboxFile *files;
    size_t nfiles;
    const char *workdir;     /* host folder shown at work_dst over a writable overlay; NULL: none */
    const char *work_dst;    /* "/work" */
    /* Also show the working folder here (its host path), so that absolute
     * paths into it work (an editable install's .pth, a config naming a
     * file); NULL: not.  Left out where it would cover or sit on another
     * part of the view, or lie in a private folder (/tmp). */
    const char *work_alias;
    const char *const *scratch; /* folders inside backed by the scratch tmpfs (NULL-terminated) */
    long long scratch_bytes; /* size of that tmpfs */

    /* Stop before starting the program until sandbox_release(): the
     * caller fills a scratch folder first (the working folder's copy when
     * overlayfs cannot be used). */
    bool hold;
    bool share_net;          /* the host's network instead of a private loopback */
    const char *hostname;

    int stdin_fd, stdout_fd, stderr_fd; /* become the program's 0, 1, 2 */
    /* Instead: a terminal made inside the sandbox becomes 0, 1, 2 (and
     * the controlling terminal); tide gets its master (sandbox_pty_fd).
     * stdin_fd >= 0 with it: 0 is that, as a shell's `< file` leaves it;
     * stderr_fd >= 0: 2 is that, as `2> file` leaves it. */
    bool tty;
    unsigned short rows, cols;
    const cc_t *tty_cc; /* NCCS editing characters for it, or NULL */

    const SandboxRlimit *rlimits;
    size_t nrlimits;
    const Cgroup *cgroup;           /* joined before anything runs; may be inactive */
    /* Instead, the cgroups come with sandbox_release (hold is implied):
     * the caller makes them while the sandbox is set up, and the program
     * starts inside them all the same. */
    bool cgroup_late;
    const struct sock_fprog *filter; /* NULL only with an explicit opt-out */
} SandboxSpec;

typedef struct Sandbox Sandbox;

typedef struct SandboxExit {
    bool started;       /* the program was executed */
    int status;         /* its wait status, when it ended on its own */
    bool ended;         /* it ended on its own (not killed with init) */
    double run_seconds; /* from exec to exit, measured inside */
    struct rusage usage; /* of the program and what it started (of init too, when killed) */
} SandboxExit;

/* Start the program.  On failure, err says which step failed and why. */
bool sandbox_start(const SandboxSpec *spec, Sandbox **out, Err *err);
/* Readable (POLLIN) once the run is over: the program and everything it
 * started are gone (init may still be tearing the namespaces down). */
int sandbox_end_fd(const Sandbox *sb);
/* The scratch tmpfs as a folder (still readable after the sandbox is
 * gone): "upper" holds what the program wrote in the working folder,
 * "s<N>" the N-th scratch folder. */
int sandbox_scratch_fd(const Sandbox *sb);
/* Did sandbox_start fail because overlayfs cannot be mounted here (before
 * Linux 5.11, or on a file system overlayfs will not take)? */
bool sandbox_err_is_overlay(const Err *err);
/* Let a held sandbox start its program. */
bool sandbox_release(Sandbox *sb, const Cgroup *late, Err *err);
/* The master side of the program's terminal (tty runs), else -1.  Owned
 * by the sandbox: valid until sandbox_free. */
int sandbox_pty_fd(const Sandbox *sb);
/* SIGKILL the sandbox (init, and with it everything inside). */
void sandbox_kill(Sandbox *sb);
/* SIGINT to the program's process group, as a terminal's Ctrl-C (init
 * passes it on; one sent before the program started reaches it when it
 * does).  False when the sandbox is gone. */
bool sandbox_interrupt(Sandbox *sb);
/* Read how the program ended.  Blocks until the run is over (poll
 * sandbox_end_fd first to wait with a timeout).  init is reaped here when
 * it was killed, or is in the run's cgroup (cgroup v2 as root: the
 * cgroup can go only after it); otherwise by sandbox_free, in the
 * background. */
bool sandbox_finish(Sandbox *sb, SandboxExit *ex, Err *err);
void sandbox_free(Sandbox *sb);

#endif
