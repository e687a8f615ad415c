#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"
#include "xalloc.h"

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

/* clone3's arguments (Linux 5.7 layout), spelled out here because
 * <linux/sched.h> and glibc's <sched.h> do not mix. */
struct clone3_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
        set_tid_size, cgroup;
};
#define CLONE3_INTO_CGROUP 0x200000000ULL

/* Where the child builds things, in its own mount namespace: a tmpfs over
 * /tmp (hiding the host's) holding the new root and the scratch area. */
#define BASE "/tmp"
#define ROOT BASE "/root"
#define UPPER BASE "/upper"
#define OVLWORK BASE "/ovlwork"
#define LOWER BASE "/lower"

/* The steps of the child, for error messages. */
enum {
    ST_NONE,
    ST_CGROUP,
    ST_FDS,
    ST_OPEN,
    ST_GO,
    ST_IDS,
    ST_PRIVATE,
    ST_TMPFS,
    ST_SKELETON,
    ST_BIND,
    ST_OVERLAY,
    ST_SCRATCH,
    ST_PROC,
    ST_FILES,
    ST_LOOPBACK,
    ST_HOSTNAME,
    ST_PIVOT,
    ST_READONLY,
    ST_USERNS,
    ST_COUNTS,
    ST_RLIMIT,
    ST_CAPS,
    ST_FILTER,
    ST_TTY,
    ST_FORK,
    ST_EXEC,
};

static const char *step_name(int step)
{
    switch (step) {
    case ST_CGROUP: return "joining the run's cgroups";
    case ST_FDS: return "arranging file descriptors";
    case ST_OPEN: return "opening a folder to show in the sandbox";
    case ST_GO: return "waiting for tide";
    case ST_IDS: return "switching to the sandbox's user";
    case ST_PRIVATE: return "making the mount namespace private";
    case ST_TMPFS: return "mounting the scratch tmpfs";
    case ST_SKELETON: return "creating the new root's folders";
    case ST_BIND: return "bind-mounting";
    case ST_OVERLAY: return "mounting the overlay over the working folder";  /* see sandbox_err_is_overlay */
    case ST_SCRATCH: return "mounting a scratch folder";
    case ST_PROC: return "mounting /proc (a /proc with hidden parts, as in some containers, forbids it)";
    case ST_FILES: return "writing /etc files";
    case ST_LOOPBACK: return "bringing up the loopback interface";
    case ST_HOSTNAME: return "setting the host name";
    case ST_PIVOT: return "switching to the new root";
    case ST_READONLY: return "making the new root read-only";
    case ST_USERNS: return "entering the unprivileged user namespace";
    case ST_COUNTS: return "lowering what the program may hold of the user's allowance (/proc/sys/user)";
    case ST_RLIMIT: return "setting resource limits";
    case ST_CAPS: return "dropping capabilities";
    case ST_FILTER: return "loading the seccomp filter";
    case ST_TTY: return "creating the program's terminal";
    case ST_FORK: return "starting the program";
    case ST_EXEC: return "executing the program";
    default: return "setting up";
    }
}

enum { MSG_ERROR = 1, MSG_READY, MSG_EXIT, MSG_GO };

typedef struct Msg {
    int type;
    int step, err, index;
    int status;
    int started;
    long long start_ns, end_ns;
    struct rusage usage; /* MSG_EXIT: of everything init reaped */
} Msg;

/* One bind, as the child performs it. */
typedef struct PBind {
    const char *src;
    char *dst;   /* relative to the new root */
    unsigned flags;
    bool is_dir;
    int fd;      /* O_PATH, opened by the child */
    int scratch; /* the scratch folder it lies below (bound inside it), or -1 */
} PBind;

/* Everything the child needs, prepared before clone. */
typedef struct Plan {
    int sync_fd, in_fd, out_fd, err_fd;
    /* How the program's process joins the run's cgroups (init does not,
     * see child_main's end, unless init_joins): v1's "tasks" files, to
     * write "0" to; or with cgroup_dir, [0] is the cgroup folder (v2, see
     * CgroupJoin).  -1: none (or init is inside already). */
    int cgroup_fds[2];
    bool cgroup_dir;
    bool tty;
    unsigned short rows, cols;
    bool tty_cc_set;
    cc_t tty_cc[NCCS];
    PBind *binds;
    size_t nbinds;
    char **dirs; /* folders to create below the new root, parents first */
    size_t ndirs;
    char **links_rel;
    const SandboxLink *links;
    size_t nlinks;
    char **files_rel;   /* relative to the new root, or to their scratch folder */
    int *files_scratch; /* the scratch folder a file is written into, or -1 */
    const SandboxFile *files;
    size_t nfiles;
    const char *workdir;
    char *work_rel;
    char *alias_rel;   /* the working folder shown here too, or NULL */
    int work_fd;
    char **scratch_rel;
    size_t nscratch;
    char tmpfs_opts[128];
    bool hold;
    bool cgroup_late; /* cgroup_fds come with the release's message */
    bool share_net;
    bool net_ready;  /* a pooled namespace: loopback already up */
    const char *hostname;
    const char *const *argv;
    const char *const *envp;
    const char *cwd;
    const SandboxRlimit *rlimits;
    size_t nrlimits;
    const struct sock_fprog *filter;
} Plan;

struct Sandbox {
    pid_t pid;
    int pidfd;
    int sync_fd;
    int scratch_fd;
    int pty_fd;
    NetnsLease net;
    bool reaped;
    bool over; /* init's last word read: nothing of the run but init is left */
    bool init_in_cgroup; /* see init_joins */
};

/* ------------------------------------------------------------------ *
 * The child.  From clone to exec only async-signal-safe calls: system
 * calls and string handling on the stack.
 * ------------------------------------------------------------------ */

static size_t slen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* buf = a + b (+ c), false if it does not fit. */
static bool join3(char *buf, size_t size, const char *a, const char *b, const char *c)
{
    size_t la = slen(a), lb = slen(b), lc = c ? slen(c) : 0;
    if (la + lb + lc + 1 > size)
        return false;
    memcpy(buf, a, la);
    memcpy(buf + la, b, lb);
    if (c)
        memcpy(buf + la + lb, c, lc);
    buf[la + lb + lc] = '\0';
    return true;
}

static void fmt_uint(char *buf, unsigned long long v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
}

static void fd_path(char *buf, int fd)
{
    memcpy(buf, "/proc/self/fd/", 14);
    fmt_uint(buf + 14, (unsigned)fd);
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A message and up to two file descriptors (those >= 0). */
static bool send_msg(int fd, const Msg *m, int fd1, int fd2)
{
    struct iovec io = {(void *)m, sizeof *m};
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct msghdr mh = {.msg_iov = &io, .msg_iovlen = 1};
    int fds[2], n = 0;
    if (fd1 >= 0)
        fds[n++] = fd1;
    if (fd2 >= 0)
        fds[n++] = fd2;
    if (n) {
        memset(&ctl, 0, sizeof ctl);
        mh.msg_control = ctl.buf;
        mh.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
        memcpy(CMSG_DATA(c), fds, (size_t)n * sizeof(int));
    }
    ssize_t sent;
    while ((sent = sendmsg(fd, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    return sent == (ssize_t)sizeof *m;
}

/* Receive a message and the descriptors that came with it (-1: none). */
static ssize_t recv_msg(int fd, Msg *m, int got[2])
{
    struct iovec io = {m, sizeof *m};
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct msghdr mh = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = ctl.buf,
                        .msg_controllen = sizeof ctl.buf};
    ssize_t n;
    while ((n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
        ;
    got[0] = got[1] = -1;
    if (n > 0)
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                memcpy(got, CMSG_DATA(c), (count > 2 ? 2 : count) * sizeof(int));
            }
    return n;
}

static __attribute__((noreturn)) void child_fail(const Plan *p, int step, int index)
{
    Msg m = {.type = MSG_ERROR, .step = step, .err = errno, .index = index};
    send_msg(p->sync_fd, &m, -1, -1);
    _exit(127);
}

static bool write_proc(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    size_t n = slen(s);
    bool ok = write(fd, s, n) == (ssize_t)n;
    int saved = errno;
    close(fd);
    errno = saved;
    return ok;
}

/* 0, 1, 2 become the program's streams, 3 the socket to tide, 4 and 5
 * the cgroup descriptors; every other descriptor inherited from tide
 * (other runs' pipes, the database) goes. */
static void arrange_fds(Plan *p)
{
    int fds[6] = {p->in_fd, p->out_fd, p->err_fd, p->sync_fd, p->cgroup_fds[0], p->cgroup_fds[1]};
    int high[6];
    for (int i = 0; i < 6; i++) {
        if (fds[i] < 0) { /* a terminal comes later: nothing yet */
            high[i] = -1;
            continue;
        }
        high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 10);
        if (high[i] < 0)
            _exit(126); /* no way to report yet */
    }
    for (int i = 0; i < 3; i++)
        if (high[i] >= 0 ? dup2(high[i], i) < 0 : dup2(high[3], i) < 0)
            _exit(126);
    for (int i = 3; i < 6; i++) {
        if (high[i] < 0)
            close(i); /* whatever tide had there */
        else if (dup3(high[i], i, O_CLOEXEC) < 0)
            _exit(126);
    }
    p->sync_fd = 3;
    for (int i = 0; i < 2; i++)
        p->cgroup_fds[i] = high[4 + i] >= 0 ? 4 + i : -1;
    if (syscall(SYS_close_range, 6u, ~0u, 0u) != 0) {
        /* Kernels before 5.9. */
        for (int fd = 6; fd < 65536; fd++)
            close(fd);
    }
}

static void open_sources(Plan *p)
{
    for (size_t i = 0; i < p->nbinds; i++) {
        PBind *b = &p->binds[i];
        b->fd = open(b->src, O_PATH | O_CLOEXEC);
        if (b->fd < 0 && !(b->flags & SB_BIND_OPTIONAL))
            child_fail(p, ST_OPEN, (int)i);
    }
    if (p->workdir && p->work_fd < 0) {
        p->work_fd = open(p->workdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (p->work_fd < 0)
            child_fail(p, ST_OPEN, -1);
    }
}

/* The attributes a bind gets, leaving whatever the host mount had (a
 * locked noexec, say) as it was. */
static int set_attrs(const char *path, unsigned flags, bool recursive)
{
    struct mount_attr a = {.attr_set = MOUNT_ATTR_NOSUID};
    if (!(flags & SB_BIND_RW))
        a.attr_set |= MOUNT_ATTR_RDONLY;
    if (!(flags & SB_BIND_DEV))
        a.attr_set |= MOUNT_ATTR_NODEV;
    return mount_setattr(AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &a, sizeof a);
}

/* Bind the read-only folders (rw false) or the writable ones and device
 * nodes (rw true).  The read-only ones get their attributes all at once
 * afterwards (make_read_only); the others here. */
static void mount_binds(const Plan *p, bool rw)
{
    char src[64], dst[4096];
    for (size_t i = 0; i < p->nbinds; i++) {
        const PBind *b = &p->binds[i];
        bool writable = b->flags & (SB_BIND_RW | SB_BIND_DEV);
        if (b->fd < 0 || writable != rw || b->scratch >= 0)
            continue;
        fd_path(src, b->fd);
        if (!join3(dst, sizeof dst, ROOT "/", b->dst, NULL)) {
            errno = ENAMETOOLONG;
            child_fail(p, ST_BIND, (int)i);
        }
        if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) != 0 ||
            (rw && set_attrs(dst, b->flags, true) != 0))
            child_fail(p, ST_BIND, (int)i);
        close(b->fd);
    }
}

/* The new root and everything bound so far: read-only, nosuid, nodev, in
 * one pass (one call instead of one per bind). */
static void make_read_only(const Plan *p)
{
    struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
    if (mount_setattr(AT_FDCWD, ROOT, AT_RECURSIVE, &ro, sizeof ro) != 0)
        child_fail(p, ST_READONLY, 0);
}

static void make_skeleton(const Plan *p, int rootfd)
{
    for (size_t i = 0; i < p->ndirs; i++)
        if (mkdirat(rootfd, p->dirs[i], 0755) != 0 && errno != EEXIST)
            child_fail(p, ST_SKELETON, (int)i);
    for (size_t i = 0; i < p->nbinds; i++) {
        const PBind *b = &p->binds[i];
        if (b->fd < 0 || b->is_dir)
            continue;
        int fd = openat(rootfd, b->dst, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
            child_fail(p, ST_SKELETON, (int)(p->ndirs + i));
        close(fd);
    }
}

static void mount_work(const Plan *p, int idmapped_fd)
{
    char opts[512], lower[64], dst[4096];
    const char *lowerdir = LOWER;
    if (idmapped_fd >= 0) {
        if (mkdir(LOWER, 0755) != 0 ||
            move_mount(idmapped_fd, "", AT_FDCWD, LOWER, MOVE_MOUNT_F_EMPTY_PATH) != 0)
            child_fail(p, ST_OVERLAY, 0);
        close(idmapped_fd);
    } else {
        fd_path(lower, p->work_fd);
        lowerdir = lower;
    }
    if (mkdir(UPPER, 0755) != 0 || mkdir(OVLWORK, 0755) != 0)
        child_fail(p, ST_OVERLAY, 1);
    /* In a user namespace overlayfs may not use trusted.* xattrs; without
     * user.* ones it cannot mark a folder opaque, and removing a folder
     * of the user's then fails with EIO.  tmpfs has user.* xattrs from
     * Linux 6.6; older kernels get the overlay without them. */
    if (!join3(opts, sizeof opts, "userxattr,lowerdir=", lowerdir,
               ",upperdir=" UPPER ",workdir=" OVLWORK) ||
        !join3(dst, sizeof dst, ROOT "/", p->work_rel, NULL)) {
        errno = ENAMETOOLONG;
        child_fail(p, ST_OVERLAY, 2);
    }
    if (mount("overlay", dst, "overlay", MS_NOSUID | MS_NODEV, opts) != 0 &&
        mount("overlay", dst, "overlay", MS_NOSUID | MS_NODEV, opts + sizeof "userxattr") != 0)
        child_fail(p, ST_OVERLAY, 3);
    if (p->work_fd >= 0)
        close(p->work_fd);
}

/* A bind below scratch folder i (a toolchain under /tmp: a venv there)
 * goes inside that folder's source, at the same place, before the folder
 * is shown: bound into the new root, the scratch folder would cover it. */
static void mount_binds_in_scratch(const Plan *p, size_t i, const char *src)
{
    char fdp[64], dst[4096];
    size_t skip = slen(p->scratch_rel[i]);
    for (size_t k = 0; k < p->nbinds; k++) {
        const PBind *b = &p->binds[k];
        if (b->scratch != (int)i || b->fd < 0)
            continue;
        if (!join3(dst, sizeof dst, src, b->dst + skip, NULL)) {
            errno = ENAMETOOLONG;
            child_fail(p, ST_BIND, (int)k);
        }
        /* Its folders, as the user namespace's root: the program may not
         * put anything in their place. */
        size_t from = slen(src) + 1;
        for (char *c = dst + from; *c; c++) {
            if (*c != '/')
                continue;
            *c = '\0';
            if (mkdir(dst, 0755) != 0 && errno != EEXIST)
                child_fail(p, ST_BIND, (int)k);
            *c = '/';
        }
        if (b->is_dir) {
            if (mkdir(dst, 0755) != 0 && errno != EEXIST)
                child_fail(p, ST_BIND, (int)k);
        } else {
            int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
            if (fd < 0)
                child_fail(p, ST_BIND, (int)k);
            close(fd);
        }
        fd_path(fdp, b->fd);
        if (mount(fdp, dst, NULL, MS_BIND | MS_REC, NULL) != 0 || set_attrs(dst, b->flags, true) != 0)
            child_fail(p, ST_BIND, (int)k);
        close(b->fd);
    }
}

/* The working folder at its host path too (its folders were made with
 * the skeleton).  Best effort: a program that does not use that path
 * loses nothing when it cannot be shown. */
static void mount_alias(const Plan *p)
{
    char dst[4096], work[4096];
    if (join3(dst, sizeof dst, ROOT "/", p->alias_rel, NULL) &&
        join3(work, sizeof work, ROOT "/", p->work_rel, NULL))
        (void)mount(work, dst, NULL, MS_BIND | MS_REC, NULL);
}

static void write_file_at(const Plan *p, int dirfd, size_t i)
{
    int fd = openat(dirfd, p->files_rel[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        child_fail(p, ST_FILES, (int)i);
    const char *data = p->files[i].data;
    size_t n = p->files[i].len ? p->files[i].len : slen(data);
    if (write(fd, data, n) != (ssize_t)n)
        child_fail(p, ST_FILES, (int)i);
    close(fd);
}

/* The files that go into scratch folder i, with their folders: created by
 * the namespace's root, they are the program's own, to change or remove. */
static void write_files_in_scratch(const Plan *p, size_t i, const char *src)
{
    char path[4096];
    int dirfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        child_fail(p, ST_SCRATCH, (int)i);
    for (size_t k = 0; k < p->nfiles; k++) {
        if (p->files_scratch[k] != (int)i)
            continue;
        if (!join3(path, sizeof path, p->files_rel[k], "", NULL)) {
            errno = ENAMETOOLONG;
            child_fail(p, ST_FILES, (int)k);
        }
        for (char *c = path; *c; c++) {
            if (*c != '/')
                continue;
            *c = '\0';
            if (mkdirat(dirfd, path, 0755) != 0 && errno != EEXIST)
                child_fail(p, ST_FILES, (int)k);
            *c = '/';
        }
        write_file_at(p, dirfd, k);
    }
    close(dirfd);
}

static void mount_scratch(const Plan *p)
{
    char src[64], dst[4096];
    for (size_t i = 0; i < p->nscratch; i++) {
        memcpy(src, BASE "/s", sizeof BASE "/s");
        fmt_uint(src + sizeof BASE "/s" - 1, i);
        if (mkdir(src, 0755) != 0)
            child_fail(p, ST_SCRATCH, (int)i);
        mount_binds_in_scratch(p, i, src);
        write_files_in_scratch(p, i, src);
        if (!join3(dst, sizeof dst, ROOT "/", p->scratch_rel[i], NULL) ||
            mount(src, dst, NULL, MS_BIND | MS_REC, NULL) != 0)
            child_fail(p, ST_SCRATCH, (int)i);
    }
}

/* The links every /dev has: the private devpts's terminal multiplexer,
 * which glibc's posix_openpt (Python's os.openpty and pty) opens as
 * /dev/ptmx, and the names of the program's descriptors (a shell's
 * <(...), /dev/stdin). */
static const SandboxLink dev_links[] = {
    {"pts/ptmx", "/dev/ptmx"},         {"/proc/self/fd", "/dev/fd"},
    {"/proc/self/fd/0", "/dev/stdin"}, {"/proc/self/fd/1", "/dev/stdout"},
    {"/proc/self/fd/2", "/dev/stderr"},
};

static void write_files(const Plan *p, int rootfd)
{
    for (size_t i = 0; i < p->nfiles; i++)
        if (p->files_scratch[i] < 0)
            write_file_at(p, rootfd, i);
    for (size_t i = 0; i < p->nlinks; i++)
        if (symlinkat(p->links[i].target, rootfd, p->links_rel[i]) != 0 && errno != EEXIST)
            child_fail(p, ST_FILES, (int)(p->nfiles + i));
    for (size_t i = 0; i < sizeof dev_links / sizeof *dev_links; i++)
        if (symlinkat(dev_links[i].target, rootfd, dev_links[i].path + 1) != 0 && errno != EEXIST)
            child_fail(p, ST_FILES, (int)(p->nfiles + p->nlinks + i));
}

static void loopback_up(const Plan *p)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
        child_fail(p, ST_LOOPBACK, 0);
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
        child_fail(p, ST_LOOPBACK, 1);
    close(s);
}

/* The program's terminal, in the sandbox's own devpts (so ttyname()
 * finds it): the slave becomes 0 (unless the input is a file's), 1 and 2
 * (unless stderr is kept apart), the master goes to tide. */
static int make_terminal(const Plan *p)
{
    int master = open(ROOT "/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    int unlock = 0;
    if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) != 0)
        child_fail(p, ST_TTY, 0);
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    if (slave < 0)
        child_fail(p, ST_TTY, 1);
    struct winsize ws = {.ws_row = p->rows ? p->rows : 24, .ws_col = p->cols ? p->cols : 80};
    (void)ioctl(master, TIOCSWINSZ, &ws);
    /* The program's text is UTF-8 (LANG=C.UTF-8): Backspace in a line
     * being typed takes back a whole character, not its last byte, as in
     * a terminal emulator's own pty; and the keys the user's terminal
     * sends to edit a line are this one's too. */
    struct termios t;
    if (tcgetattr(slave, &t) == 0) {
        t.c_iflag |= IUTF8;
        if (p->tty_cc_set) {
            static const int keys[] = {VINTR, VQUIT, VERASE, VKILL, VEOF, VWERASE, VLNEXT, VREPRINT};
            for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
                t.c_cc[keys[i]] = p->tty_cc[keys[i]];
        }
        (void)tcsetattr(slave, TCSANOW, &t);
    }
    for (int fd = p->in_fd >= 0 ? 1 : 0; fd < (p->err_fd >= 0 ? 2 : 3); fd++)
        if (dup2(slave, fd) < 0)
            child_fail(p, ST_TTY, 2);
    close(slave);
    return master;
}

/* Why the program's process could not start, for init to pass on. */
typedef struct Report {
    int step, index, err;
} Report;

static __attribute__((noreturn)) void program_fail(int report_fd, int step, int index)
{
    Report r = {.step = step, .index = index, .err = errno};
    (void)!write(report_fd, &r, sizeof r);
    _exit(127);
}

/* Into a user namespace of its own, where the program's uid is 1000 and
 * no other id exists: nothing owned by the setup's root is the program's. */
static bool enter_user_ns(void)
{
    char map[32];
    fmt_uint(map, SANDBOX_UID);
    size_t n = slen(map);
    memcpy(map + n, " 0 1\n", 6);
    return unshare(CLONE_NEWUSER) == 0 && write_proc("/proc/self/uid_map", map) &&
           write_proc("/proc/self/setgroups", "deny") && write_proc("/proc/self/gid_map", map);
}

/* The kernel counts some things per user on the whole machine, whatever
 * namespace holds them (its "ucounts", charged up the chain of user
 * namespaces to the user who runs tide): a program holding the user's
 * whole allowance of inotify instances (128) would take it from their
 * editors, other runs and, for root, services.  Each user namespace may
 * lower the limits for what it holds; the program's own namespace does,
 * while this process is still root there (no program can raise them
 * again).  fanotify and new namespaces count too, but the filter refuses
 * them: their limits are set (each file costs ~10 us) only without it
 * (--allow-missing seccomp). */
static const struct {
    const char *name, *max;
    bool unfiltered; /* only without the filter */
} user_counts[] = {
    {"max_inotify_instances", "16", false}, {"max_inotify_watches", "8192", false},
    {"max_fanotify_groups", "16", true},    {"max_fanotify_marks", "8192", true},
    {"max_user_namespaces", "0", true},     {"max_mnt_namespaces", "0", true},
    {"max_pid_namespaces", "0", true},      {"max_net_namespaces", "0", true},
    {"max_ipc_namespaces", "0", true},      {"max_uts_namespaces", "0", true},
    {"max_cgroup_namespaces", "0", true},   {"max_time_namespaces", "0", true},
};

static void limit_user_counts(const Plan *p, int report_fd)
{
    int dir = open("/proc/sys/user", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0 && errno != ENOENT) /* none before Linux 4.9 */
        program_fail(report_fd, ST_COUNTS, -1);
    for (size_t i = 0; dir >= 0 && i < sizeof user_counts / sizeof *user_counts; i++) {
        if (user_counts[i].unfiltered && p->filter)
            continue;
        int fd = openat(dir, user_counts[i].name, O_WRONLY | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
            continue; /* newer than this kernel (fanotify's: 5.13) */
        size_t n = slen(user_counts[i].max);
        if (fd < 0 || write(fd, user_counts[i].max, n) != (ssize_t)n)
            program_fail(report_fd, ST_COUNTS, (int)i);
        close(fd);
    }
    if (dir >= 0)
        close(dir);
}

static void drop_caps(int report_fd)
{
    for (int cap = 0; cap <= 63; cap++)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
            program_fail(report_fd, ST_CAPS, cap);
    (void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &hdr, data) != 0)
        program_fail(report_fd, ST_CAPS, 64);
}

/* The program's process, from fork to exec: into the run's cgroups (unless
 * born there), then everything that makes it unprivileged, its session,
 * its signals.  Init waits (vfork) until the exec, or the report of why
 * there was none. */
static __attribute__((noreturn)) void start_program(const Plan *p, int report_fd, bool in_cgroup)
{
    /* Its own /proc/self (init made itself undumpable), for the maps. */
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    if (!in_cgroup)
        for (int i = 0; i < 2; i++) {
            if (p->cgroup_fds[i] < 0)
                continue;
            int fd = p->cgroup_fds[i];
            if (p->cgroup_dir) /* v2 without CLONE_INTO_CGROUP (before Linux 5.7) */
                fd = openat(p->cgroup_fds[i], "cgroup.procs", O_WRONLY | O_CLOEXEC);
            if (fd < 0 || write(fd, "0", 1) != 1)
                program_fail(report_fd, ST_CGROUP, i);
        }
    /* Rooted at the run's cgroup: the program sees "/". */
    (void)unshare(CLONE_NEWCGROUP);
    if (!enter_user_ns())
        program_fail(report_fd, ST_USERNS, 0);
    limit_user_counts(p, report_fd);
    for (size_t i = 0; i < p->nrlimits; i++) {
        struct rlimit rl = {p->rlimits[i].soft, p->rlimits[i].hard};
        if (setrlimit(p->rlimits[i].resource, &rl) != 0)
            program_fail(report_fd, ST_RLIMIT, (int)i);
    }
    drop_caps(report_fd);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        program_fail(report_fd, ST_FILTER, 0);
    if (p->filter && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, p->filter, 0, 0) != 0)
        program_fail(report_fd, ST_FILTER, 1);
    /* Until the exec this process shares init's memory (vfork): the program
     * may not read it through /proc. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    setsid();
    if (p->tty)
        (void)ioctl(1, TIOCSCTTY, 0);
    /* Nothing tide blocked or ignored may leak into the program. */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            (void)sigaction(sig, &dfl, NULL);
    if (chdir(p->cwd) == 0)
        execve(p->argv[0], (char *const *)p->argv, (char *const *)p->envp);
    program_fail(report_fd, ST_EXEC, 0);
}

/* The program's process.  On cgroup v2 it is born in the run's cgroup,
 * a copy of init (CLONE_INTO_CGROUP has no vfork of its own); elsewhere a
 * vfork, which copies no page tables of tide's. */
static pid_t spawn_program(const Plan *p, int report_fd)
{
    if (p->cgroup_dir && p->cgroup_fds[0] >= 0) {
        struct clone3_args args = {.flags = CLONE_VFORK | CLONE3_INTO_CGROUP,
                                   .exit_signal = SIGCHLD, .cgroup = (uint64_t)p->cgroup_fds[0]};
        long pid = syscall(SYS_clone3, &args, sizeof args);
        if (pid == 0)
            start_program(p, report_fd, true);
        if (pid > 0 || (errno != ENOSYS && errno != E2BIG && errno != EINVAL))
            return (pid_t)pid;
    }
    pid_t pid = vfork();
    if (pid == 0)
        start_program(p, report_fd, false);
    return pid;
}

/* In init (a process of its own): the program, once started, and an
 * interrupt that came before it. */
static volatile pid_t init_prog;
static volatile sig_atomic_t init_interrupt_pending;

/* A pid namespace's init gets from outside only the signals it handles:
 * tide's SIGINT is passed on to the program's process group. */
static void init_on_interrupt(int sig)
{
    (void)sig;
    int saved = errno;
    if (init_prog > 0)
        kill(-init_prog, SIGINT);
    else
        init_interrupt_pending = 1;
    errno = saved;
}

static int child_main(void *arg)
{
    Plan *p = arg;
    /* First: until now this process had tide's handlers, tide's code run
     * on a copy of its memory at the program's kill(1, sig).  With none, a
     * namespace's init ignores what its processes send it.  (tide sets
     * no real-time signal's.) */
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigemptyset(&dfl.sa_mask);
    for (int sig = 1; sig < 32; sig++)
        if (sig != SIGKILL && sig != SIGSTOP && sig != SIGINT)
            (void)sigaction(sig, &dfl, NULL);
    struct sigaction on_int = {.sa_handler = init_on_interrupt};
    sigemptyset(&on_int.sa_mask);
    sigaction(SIGINT, &on_int, NULL);
    sigset_t int_only;
    sigemptyset(&int_only);
    sigaddset(&int_only, SIGINT);
    sigprocmask(SIG_UNBLOCK, &int_only, NULL);
    arrange_fds(p);
    /* Out of tide's session and process group: the terminal's signals are
     * tide's to handle, not init's. */
    setsid();
    open_sources(p);

    Msg go;
    int got[2];
    if (recv_msg(p->sync_fd, &go, got) != (ssize_t)sizeof go)
        _exit(126); /* tide gave up on us */
    int idmapped_fd = got[0];

    /* Become the namespace's root: uid 0 here is the unprivileged host
     * uid tide mapped, so whatever is created from now on is owned by it. */
    /* Raw system calls: glibc's wrappers, in a process it believes has
     * other threads (tide's), broadcast the change to them and wait for
     * answers that never come from this single-threaded copy. */
    (void)syscall(SYS_setgroups, 0, NULL);
    if (syscall(SYS_setresgid, 0, 0, 0) != 0 || syscall(SYS_setresuid, 0, 0, 0) != 0)
        child_fail(p, ST_IDS, 0);
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); /* own /proc/self again */
    /* If tide dies (its thread, in fact: exec_run holds it for the whole
     * run), so does the sandbox.  Set after the uid change, which would
     * clear it; a tide already gone is noticed on the socket below. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
        child_fail(p, ST_IDS, 1);
    struct pollfd alive = {p->sync_fd, POLLIN, 0};
    if (poll(&alive, 1, 0) > 0 && (alive.revents & POLLHUP))
        _exit(126);

    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        child_fail(p, ST_PRIVATE, 0);
    if (mount("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV, p->tmpfs_opts) != 0)
        child_fail(p, ST_TMPFS, 0);
    int basefd = open(BASE, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (basefd < 0 || mkdir(ROOT, 0755) != 0 || mount(ROOT, ROOT, NULL, MS_BIND, NULL) != 0)
        child_fail(p, ST_TMPFS, 1);
    int rootfd = open(ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        child_fail(p, ST_TMPFS, 2);

    make_skeleton(p, rootfd);
    write_files(p, rootfd);
    close(rootfd);
    mount_binds(p, false);
    make_read_only(p);
    /* What stays writable (or usable as a device) goes on top. */
    mount_binds(p, true);
    if (p->workdir)
        mount_work(p, idmapped_fd);
    if (p->alias_rel)
        mount_alias(p);
    mount_scratch(p);
    if (mount("proc", ROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
        child_fail(p, ST_PROC, 0);
    /* The program's terminal and those it opens itself (Python's pty). */
    if (mount("devpts", ROOT "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
              "newinstance,ptmxmode=0666,mode=0620") != 0 && p->tty)
        child_fail(p, ST_TTY, 3);
    int master = p->tty ? make_terminal(p) : -1;
    if (!p->share_net && !p->net_ready)
        loopback_up(p);
    if (p->hostname && sethostname(p->hostname, slen(p->hostname)) != 0)
        child_fail(p, ST_HOSTNAME, 0);

    if (chdir(ROOT) != 0 || syscall(SYS_pivot_root, ".", ".") != 0 ||
        umount2(".", MNT_DETACH) != 0 || chdir("/") != 0)
        child_fail(p, ST_PIVOT, 0);

    Msg ready = {.type = MSG_READY};
    send_msg(p->sync_fd, &ready, basefd, master);
    close(basefd);
    if (master >= 0)
        close(master);
    if (p->hold) {
        Msg start;
        int fds[2];
        if (recv_msg(p->sync_fd, &start, fds) != (ssize_t)sizeof start || start.type != MSG_GO)
            _exit(126); /* tide gave up */
        if (p->cgroup_late) {
            p->cgroup_fds[0] = fds[0];
            p->cgroup_fds[1] = fds[1];
            p->cgroup_dir = start.index == 1;
        }
    }

    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0)
        child_fail(p, ST_FORK, 0);
    /* The program may not read or write init's memory through /proc
     * (its process takes this back until its exec, see start_program). */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    long long start = now_ns();
    pid_t prog = spawn_program(p, report[1]);
    if (prog < 0)
        child_fail(p, ST_FORK, 1);
    close(report[1]);
    /* Its start_program has made it a process group of its own by now. */
    init_prog = prog;
    if (init_interrupt_pending)
        kill(-prog, SIGINT);
    close(0);
    close(1);
    close(2);
    Report why = {0};
    ssize_t n;
    while ((n = read(report[0], &why, sizeof why)) < 0 && errno == EINTR)
        ;
    close(report[0]);

    Msg done = {.type = MSG_EXIT, .started = n == 0, .start_ns = start};
    for (;;) {
        int st;
        pid_t w = waitpid(-1, &st, 0);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            break;
        if (w == prog) {
            done.status = st;
            break;
        }
    }
    done.end_ns = now_ns();
    /* What the program left running goes now, and is reaped: once tide
     * hears from init, nothing of the run but init is left, and tide need
     * not wait for init's own end, the namespaces' teardown (a millisecond
     * or two, more than all the rest of a short run's end). */
    kill(-1, SIGKILL);
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;
    getrusage(RUSAGE_CHILDREN, &done.usage);
    if (n > 0) {
        errno = why.err;
        child_fail(p, why.step, why.index);
    }
    send_msg(p->sync_fd, &done, -1, -1);
    _exit(0);
}

/* ------------------------------------------------------------------ *
 * The parent.
 * ------------------------------------------------------------------ */

static char *relative(const char *inside)
{
    while (*inside == '/')
        inside++;
    return xstrdup(inside);
}

/* Every folder leading to rel (not rel itself unless with_self). */
static void add_parents(StrList *dirs, const char *rel, bool with_self)
{
    char *copy = xstrdup(rel);
    for (char *slash = strchr(copy, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        sl_push(dirs, copy);
        *slash = '/';
    }
    if (with_self && copy[0])
        sl_push(dirs, copy);
    free(copy);
}

static void plan_free(Plan *p)
{
    for (size_t i = 0; i < p->nbinds; i++)
        free(p->binds[i].dst);
    free(p->binds);
    for (size_t i = 0; i < p->ndirs; i++)
        free(p->dirs[i]);
    free(p->dirs);
    for (size_t i = 0; i < p->nlinks; i++)
        free(p->links_rel[i]);
    free(p->links_rel);
    for (size_t i = 0; i < p->nfiles; i++)
        free(p->files_rel[i]);
    free(p->files_rel);
    free(p->files_scratch);
    for (size_t i = 0; i < p->nscratch; i++)
        free(p->scratch_rel[i]);
    free(p->scratch_rel);
    free(p->work_rel);
    free(p->alias_rel);
}

/* The device nodes every program may use. */
static const SandboxBind dev_binds[] = {
    {"/dev/null", "/dev/null", SB_BIND_RW | SB_BIND_DEV | SB_BIND_OPTIONAL},
    {"/dev/zero", "/dev/zero", SB_BIND_RW | SB_BIND_DEV | SB_BIND_OPTIONAL},
    {"/dev/full", "/dev/full", SB_BIND_RW | SB_BIND_DEV | SB_BIND_OPTIONAL},
    {"/dev/random", "/dev/random", SB_BIND_RW | SB_BIND_DEV | SB_BIND_OPTIONAL},
    {"/dev/urandom", "/dev/urandom", SB_BIND_RW | SB_BIND_DEV | SB_BIND_OPTIONAL},
    {"/dev/tty", "/dev/tty", SB_BIND_RW | SB_BIND_DEV | SB_BIND_OPTIONAL},
};

/* Whether path a is b or lies below it (both relative to the root). */
static bool within(const char *a, const char *b)
{
    size_t n = strlen(b);
    return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/');
}

/* Where the working folder is shown a second time, when that covers
 * nothing else of the view and lies in none of the program's private
 * folders (its /tmp starts empty, whatever folder it was started from). */
static char *plan_alias(const SandboxSpec *s, const Plan *p)
{
    if (!s->work_alias || !p->work_rel)
        return NULL;
    char *rel = relative(s->work_alias);
    bool ok = rel[0] && !within(rel, p->work_rel) && !within(p->work_rel, rel) && !within(rel, "proc") &&
              !within(rel, "dev") && !within(rel, "etc");
    /* No bind below it (it would be covered); above it, only one that
     * shows a host folder at its own place, where the folder exists. */
    for (size_t i = 0; ok && i < p->nbinds; i++) {
        const PBind *b = &p->binds[i];
        ok = !within(b->dst, rel) && (!within(rel, b->dst) || !strcmp(b->src + (b->src[0] == '/'), b->dst));
    }
    for (size_t i = 0; ok && i < p->nscratch; i++)
        ok = !within(p->scratch_rel[i], rel) && !within(rel, p->scratch_rel[i]);
    /* Nor through a link of the root (/lib -> usr/lib), which its folders
     * would replace. */
    for (size_t i = 0; ok && i < s->nlinks; i++) {
        char *link = relative(s->links[i].path);
        ok = !within(rel, link) && !within(link, rel);
        free(link);
    }
    if (!ok) {
        free(rel);
        return NULL;
    }
    return rel;
}

static int cmp_bind(const void *a, const void *b)
{
    return strcmp(((const PBind *)a)->dst, ((const PBind *)b)->dst);
}

static bool plan_bind(Plan *p, const SandboxBind *sb, StrList *dirs, Err *err)
{
    struct stat st;
    if (stat(sb->src, &st) != 0) {
        if (sb->flags & SB_BIND_OPTIONAL)
            return true;
        return err_sys(err, "cannot show %s in the sandbox", sb->src);
    }
    PBind *b = &p->binds[p->nbinds++];
    *b = (PBind){.src = sb->src, .dst = relative(sb->dst), .flags = sb->flags,
                 .is_dir = S_ISDIR(st.st_mode), .fd = -1, .scratch = -1};
    add_parents(dirs, b->dst, b->is_dir);
    return true;
}

static bool make_plan(const SandboxSpec *s, Plan *p, Err *err)
{
    *p = (Plan){.cgroup_fds = {-1, -1}, .in_fd = s->stdin_fd,
                .out_fd = s->tty ? -1 : s->stdout_fd, .err_fd = s->stderr_fd,
                .tty = s->tty, .rows = s->rows, .hold = s->hold || s->cgroup_late,
                .cgroup_late = s->cgroup_late,
                .cols = s->cols, .workdir = s->workdir, .work_fd = -1, .share_net = s->share_net,
                .hostname = s->hostname, .argv = s->argv, .envp = s->envp, .cwd = s->cwd,
                .rlimits = s->rlimits, .nrlimits = s->nrlimits, .filter = s->filter,
                .links = s->links, .nlinks = s->nlinks, .files = s->files, .nfiles = s->nfiles};
    if (s->tty_cc) {
        p->tty_cc_set = true;
        memcpy(p->tty_cc, s->tty_cc, sizeof p->tty_cc);
    }
    StrList dirs = {0};
    size_t ndev = sizeof dev_binds / sizeof *dev_binds;
    p->binds = xcalloc(s->nbinds + ndev, sizeof *p->binds);
    for (size_t i = 0; i < s->nbinds; i++)
        if (!plan_bind(p, &s->binds[i], &dirs, err))
            goto fail;
    for (size_t i = 0; i < ndev; i++)
        if (!plan_bind(p, &dev_binds[i], &dirs, err))
            goto fail;
    /* Outer folders first: a bind inside another lands on top of it. */
    qsort(p->binds, p->nbinds, sizeof *p->binds, cmp_bind);

    sl_push(&dirs, "proc");
    sl_push(&dirs, "dev");
    sl_push(&dirs, "dev/pts");
    if (s->workdir) {
        p->work_rel = relative(s->work_dst ? s->work_dst : "/work");
        add_parents(&dirs, p->work_rel, true);
    }
    for (const char *const *d = s->scratch; d && *d; d++)
        p->nscratch++;
    p->scratch_rel = xcalloc(p->nscratch + 1, sizeof *p->scratch_rel);
    for (size_t i = 0; i < p->nscratch; i++) {
        p->scratch_rel[i] = relative(s->scratch[i]);
        add_parents(&dirs, p->scratch_rel[i], true);
        size_t n = strlen(p->scratch_rel[i]);
        for (size_t k = 0; k < p->nbinds; k++)
            if (!strncmp(p->binds[k].dst, p->scratch_rel[i], n) && p->binds[k].dst[n] == '/')
                p->binds[k].scratch = (int)i;
    }
    p->alias_rel = plan_alias(s, p);
    if (p->alias_rel)
        add_parents(&dirs, p->alias_rel, true);
    p->links_rel = xcalloc(s->nlinks + 1, sizeof *p->links_rel);
    for (size_t i = 0; i < s->nlinks; i++) {
        p->links_rel[i] = relative(s->links[i].path);
        add_parents(&dirs, p->links_rel[i], false);
    }
    p->files_rel = xcalloc(s->nfiles + 1, sizeof *p->files_rel);
    p->files_scratch = xcalloc(s->nfiles + 1, sizeof *p->files_scratch);
    for (size_t i = 0; i < s->nfiles; i++) {
        char *rel = relative(s->files[i].path);
        p->files_scratch[i] = -1;
        for (size_t k = 0; k < p->nscratch; k++) {
            size_t n = strlen(p->scratch_rel[k]);
            if (!strncmp(rel, p->scratch_rel[k], n) && rel[n] == '/') {
                p->files_scratch[i] = (int)k;
                memmove(rel, rel + n + 1, strlen(rel + n + 1) + 1);
                break;
            }
        }
        p->files_rel[i] = rel;
        if (p->files_scratch[i] < 0)
            add_parents(&dirs, rel, false);
    }
    /* Sorted, a folder comes before everything inside it. */
    sl_sort(&dirs);
    p->dirs = xcalloc(dirs.len + 1, sizeof *p->dirs);
    for (size_t i = 0; i < dirs.len; i++)
        if (p->ndirs == 0 || strcmp(p->dirs[p->ndirs - 1], dirs.items[i]) != 0)
            p->dirs[p->ndirs++] = xstrdup(dirs.items[i]);
    sl_free(&dirs);

    long long kib = s->scratch_bytes > 0 ? s->scratch_bytes / 1024 : 65536;
    snprintf(p->tmpfs_opts, sizeof p->tmpfs_opts, "size=%lldk,nr_inodes=%lld,mode=0755", kib,
             kib / 4 > 4096 ? kib / 4 : 4096);
    return true;
fail:
    sl_free(&dirs);
    plan_free(p);
    return false;
}

static bool write_file(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    size_t n = strlen(s);
    bool ok = write(fd, s, n) == (ssize_t)n;
    int saved = errno;
    close(fd);
    errno = saved;
    return ok;
}

/* uid 0 in the child's namespace is the invoking user, or, when tide runs
 * as root, an unprivileged uid no account uses. */
static bool write_maps(pid_t pid, Err *err)
{
    char path[64], map[64];
    bool root = geteuid() == 0;
    unsigned uid = root ? SANDBOX_HOST_UID : (unsigned)geteuid();
    unsigned gid = root ? SANDBOX_HOST_UID : (unsigned)getegid();
    snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
    if (!root && !write_file(path, "deny") && errno != ENOENT)
        return err_sys(err, "cannot write %s", path);
    snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
    snprintf(map, sizeof map, "0 %u 1\n", uid);
    if (!write_file(path, map))
        return err_sys(err, "cannot map the sandbox's user (%s)", path);
    snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
    snprintf(map, sizeof map, "0 %u 1\n", gid);
    if (!write_file(path, map))
        return err_sys(err, "cannot map the sandbox's group (%s)", path);
    return true;
}

/* When tide runs as root, the working folder's files belong to root and
 * may be private (0600): an idmapped mount shows root's files as owned by
 * the sandbox's user, read-only, without touching them.  -1 when that is
 * not needed or not possible (the child then binds the folder as it is). */
static int idmapped_workdir(pid_t pid, const char *workdir)
{
    if (!workdir || geteuid() != 0)
        return -1;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
    int userns = open(path, O_RDONLY | O_CLOEXEC);
    if (userns < 0)
        return -1;
    int tree = open_tree(AT_FDCWD, workdir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (tree >= 0) {
        struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY |
                                           MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
                               .userns_fd = (unsigned)userns};
        if (mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof a) != 0) {
            close(tree);
            tree = -1;
        }
    }
    close(userns);
    return tree;
}

static void format_child_error(const Plan *p, const Msg *m, Err *err)
{
    errno = m->err;
    const char *what = step_name(m->step);
    if ((m->step == ST_BIND || m->step == ST_OPEN) && m->index >= 0 &&
        (size_t)m->index < p->nbinds) {
        err_sys(err, "sandbox: %s %s at /%s", what, p->binds[m->index].src,
                p->binds[m->index].dst);
    } else if (m->step == ST_OPEN) {
        err_sys(err, "sandbox: %s %s", what, p->workdir);
    } else if (m->step == ST_EXEC) {
        err_sys(err, "sandbox: cannot execute %s in %s", p->argv[0], p->cwd);
    } else {
        err_sys(err, "sandbox: %s failed (step %d.%d)", what, m->step, m->index);
    }
}

#define STACK_SIZE (512 * 1024)

/* The child (init), in its namespaces and (with cgroup_fd, see
 * init_joins) already inside the run's cgroup.  clone3 without a stack
 * returns twice, as fork does; kernels without it (or without
 * CLONE_INTO_CGROUP) get glibc's clone on a stack of its own, and *joined
 * false. */
static pid_t spawn(Plan *plan, int flags, int cgroup_fd, int *pidfd, bool *joined)
{
    struct clone3_args args = {.flags = (uint64_t)(unsigned)flags | CLONE_PIDFD,
                               .pidfd = (uint64_t)(uintptr_t)pidfd, .exit_signal = SIGCHLD};
    if (cgroup_fd >= 0) {
        args.flags |= CLONE3_INTO_CGROUP;
        args.cgroup = (uint64_t)cgroup_fd;
    }
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid == 0)
        _exit(child_main(plan));
    *joined = pid > 0 && cgroup_fd >= 0;
    if (pid > 0)
        return (pid_t)pid;
    if (errno != ENOSYS && errno != E2BIG && !(cgroup_fd >= 0 && errno == EINVAL))
        return -1;
    void *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED)
        return -1;
    pid_t p = clone(child_main, (char *)stack + STACK_SIZE, flags | CLONE_PIDFD | SIGCHLD, plan,
                    pidfd);
    int saved = errno;
    munmap(stack, STACK_SIZE);
    errno = saved;
    return p;
}

typedef struct SpawnArgs {
    Plan *plan;
    int flags, cgroup_fd, pidfd;
    bool joined;
} SpawnArgs;

static int spawn_fn(void *arg)
{
    SpawnArgs *a = arg;
    return spawn(a->plan, a->flags, a->cgroup_fd, &a->pidfd, &a->joined);
}

/* On cgroup v2 the kernel checks the credentials of whoever makes a
 * process inside a cgroup (CLONE_INTO_CGROUP, or a write to cgroup.procs
 * before Linux 5.16).  When tide runs as root, init's are the sandbox's
 * unprivileged host uid, which may not: init is then made inside the
 * run's cgroup by tide, the program inherits it, and the run's end waits
 * for init's (the cgroup can go only after it). */
static bool init_joins(const CgroupJoin *join)
{
    return join->dir_fd >= 0 && geteuid() == 0;
}

bool sandbox_start(const SandboxSpec *spec, Sandbox **out, Err *err)
{
    *out = NULL;
    Plan plan;
    if (!make_plan(spec, &plan, err))
        return false;
    CgroupJoin join;
    static const Cgroup none = {0};
    if (!cgroup_join_open(spec->cgroup_late ? &none : spec->cgroup, &join, err)) {
        plan_free(&plan);
        return false;
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        cgroup_join_close(&join);
        plan_free(&plan);
        return err_sys(err, "sandbox: cannot create a socket pair");
    }
    plan.sync_fd = sv[1];
    bool in_cgroup = init_joins(&join);
    plan.cgroup_dir = join.dir_fd >= 0;
    plan.cgroup_fds[0] = in_cgroup ? -1 : plan.cgroup_dir ? join.dir_fd : join.tasks_fd[0];
    plan.cgroup_fds[1] = plan.cgroup_dir ? -1 : join.tasks_fd[1];
    int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
    NetnsLease net = {.ns_fd = -1, .lock_fd = -1};
    if (!spec->share_net) {
        plan.net_ready = netns_acquire(&net);
        if (!plan.net_ready)
            flags |= CLONE_NEWNET;
    }
    SpawnArgs sa = {.plan = &plan, .flags = flags, .cgroup_fd = in_cgroup ? join.dir_fd : -1, .pidfd = -1};
    pid_t pid = plan.net_ready ? netns_within(&net, spawn_fn, &sa) : spawn_fn(&sa);
    int clone_errno = errno;
    int pidfd = sa.pidfd;
    close(sv[1]);
    bool need_attach = in_cgroup && !sa.joined;
    cgroup_join_close(&join);
    if (pid < 0) {
        close(sv[0]);
        netns_release(&net);
        plan_free(&plan);
        errno = clone_errno;
        return err_sys(err, "sandbox: cannot create the namespaces (user namespaces disabled? "
                            "see tide doctor)");
    }
    Sandbox *sb = xcalloc(1, sizeof *sb);
    *sb = (Sandbox){.pid = pid, .pidfd = pidfd, .sync_fd = sv[0], .scratch_fd = -1, .pty_fd = -1,
                    .net = net, .init_in_cgroup = in_cgroup};

    bool ok = write_maps(pid, err) && (!need_attach || cgroup_attach(spec->cgroup, pid, err));
    if (ok) {
        int idmapped = idmapped_workdir(pid, spec->workdir);
        Msg go = {.type = MSG_READY};
        send_msg(sb->sync_fd, &go, idmapped, -1);
        if (idmapped >= 0)
            close(idmapped);
        /* Setup takes milliseconds; a child stuck for long is broken. */
        struct pollfd pf = {sb->sync_fd, POLLIN, 0};
        int r;
        while ((r = poll(&pf, 1, 30000)) < 0 && errno == EINTR)
            ;
        Msg m = {0};
        int fd[2] = {-1, -1};
        ssize_t n = r > 0 ? recv_msg(sb->sync_fd, &m, fd) : -1;
        if (n == (ssize_t)sizeof m && m.type == MSG_READY && fd[0] >= 0 &&
            (fd[1] >= 0) == spec->tty) {
            sb->scratch_fd = fd[0];
            sb->pty_fd = fd[1];
        } else {
            for (int i = 0; i < 2; i++)
                if (fd[i] >= 0)
                    close(fd[i]);
            ok = false;
            if (n == (ssize_t)sizeof m && m.type == MSG_ERROR)
                format_child_error(&plan, &m, err);
            else if (r == 0)
                err_set(err, "sandbox: the sandbox did not start within 30 seconds");
            else
                err_set(err, "sandbox: the sandbox's init died while setting up");
        }
    }
    plan_free(&plan);
    if (!ok) {
        sandbox_kill(sb);
        SandboxExit ex;
        sandbox_finish(sb, &ex, NULL);
        sandbox_free(sb);
        return false;
    }
    *out = sb;
    return true;
}

bool sandbox_err_is_overlay(const Err *err)
{
    const char *prefix = "sandbox: mounting the overlay";
    return strncmp(err->msg, prefix, strlen(prefix)) == 0;
}

bool sandbox_release(Sandbox *sb, const Cgroup *late, Err *err)
{
    /* A late cgroup's descriptors go with the message (index 1: the v2
     * folder), for the program's process to join (see start_program);
     * or init is moved there now (see init_joins). */
    CgroupJoin join = {.dir_fd = -1, .tasks_fd = {-1, -1}};
    if (late && !cgroup_join_open(late, &join, err))
        return false;
    if (init_joins(&join)) {
        cgroup_join_close(&join);
        if (!cgroup_attach(late, sb->pid, err))
            return false;
        sb->init_in_cgroup = true;
    }
    Msg go = {.type = MSG_GO, .index = join.dir_fd >= 0};
    bool sent = join.dir_fd >= 0 ? send_msg(sb->sync_fd, &go, join.dir_fd, -1)
                                 : send_msg(sb->sync_fd, &go, join.tasks_fd[0], join.tasks_fd[1]);
    cgroup_join_close(&join);
    return sent || err_sys(err, "sandbox: cannot start the program");
}

int sandbox_end_fd(const Sandbox *sb)
{
    return sb->sync_fd;
}

int sandbox_scratch_fd(const Sandbox *sb)
{
    return sb->scratch_fd;
}

int sandbox_pty_fd(const Sandbox *sb)
{
    return sb->pty_fd;
}

bool sandbox_interrupt(Sandbox *sb)
{
    return !sb->reaped && syscall(SYS_pidfd_send_signal, sb->pidfd, SIGINT, NULL, 0) == 0;
}

void sandbox_kill(Sandbox *sb)
{
    if (sb->reaped)
        return;
    if (syscall(SYS_pidfd_send_signal, sb->pidfd, SIGKILL, NULL, 0) != 0)
        kill(sb->pid, SIGKILL);
}

/* init's last word, read if it has come: MSG_EXIT, or MSG_ERROR when the
 * program could not start.  Either is sent once nothing else of the run is
 * left (see child_main's end). */
static bool last_word(Sandbox *sb, SandboxExit *ex, Err *err)
{
    bool ok = true;
    for (;;) {
        Msg m;
        int fd[2];
        struct pollfd pf = {sb->sync_fd, POLLIN, 0};
        if (poll(&pf, 1, 0) <= 0 || recv_msg(sb->sync_fd, &m, fd) != (ssize_t)sizeof m)
            break;
        for (int i = 0; i < 2; i++)
            if (fd[i] >= 0)
                close(fd[i]);
        if (m.type == MSG_EXIT) {
            sb->over = true;
            ex->started = m.started;
            ex->ended = true;
            ex->status = m.status;
            ex->run_seconds = (double)(m.end_ns - m.start_ns) / 1e9;
            ex->usage = m.usage;
        } else if (m.type == MSG_ERROR) {
            sb->over = true;
            errno = m.err;
            ok = m.step == ST_EXEC ? err_sys(err, "sandbox: cannot execute the program")
                                   : err_sys(err, "sandbox: %s failed", step_name(m.step));
        }
    }
    return ok;
}

bool sandbox_finish(Sandbox *sb, SandboxExit *ex, Err *err)
{
    *ex = (SandboxExit){0};
    bool ok = last_word(sb, ex, err);
    if ((sb->over && !sb->init_in_cgroup) || sb->reaped)
        return ok;
    /* Killed (a stop, a timeout) or broken before its last word: the run
     * ends with init, whose end takes everything inside with it.  (Or init
     * is in the run's cgroup: see init_joins.) */
    int st;
    pid_t w;
    while ((w = wait4(sb->pid, &st, 0, &ex->usage)) < 0 && errno == EINTR)
        ;
    sb->reaped = true;
    if (w < 0)
        return err_sys(err, "sandbox: cannot wait for the sandbox");
    bool said = last_word(sb, ex, err); /* just before it was killed */
    return ok && said;
}

static void *reap_main(void *arg)
{
    pid_t pid = (pid_t)(intptr_t)arg;
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    return NULL;
}

/* An init whose run is over still tears its namespaces down: reaped on a
 * thread of its own, so that tide goes on meanwhile (a `tide run` that
 * exits first leaves it to its own parent's reaper). */
static void reap_later(pid_t pid)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* tide's signals are not this thread's */
    pthread_attr_t attr;
    pthread_t t;
    bool started = pthread_attr_init(&attr) == 0;
    if (started) {
        started = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
                  pthread_create(&t, &attr, reap_main, (void *)(intptr_t)pid) == 0;
        pthread_attr_destroy(&attr);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!started)
        reap_main((void *)(intptr_t)pid);
}

void sandbox_free(Sandbox *sb)
{
    if (!sb)
        return;
    if (sb->over && !sb->reaped) {
        reap_later(sb->pid);
    } else if (!sb->reaped) {
        sandbox_kill(sb);
        while (waitpid(sb->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    if (sb->pidfd >= 0)
        close(sb->pidfd);
    close(sb->sync_fd);
    if (sb->scratch_fd >= 0)
        close(sb->scratch_fd);
    if (sb->pty_fd >= 0)
        close(sb->pty_fd);
    /* Only now, with nothing of the run left in it, may another run have
     * its network namespace. */
    netns_release(&sb->net);
    free(sb);
}
