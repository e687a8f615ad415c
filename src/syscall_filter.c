#include "syscall_filter.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <pthread.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fileio.h"
#include "xalloc.h"

/* What ordinary programs, toolchains and runtimes need.  Syscalls newer
 * than this libseccomp are resolved by their x86-64 number (nr > 0) so a
 * newer glibc on the host still finds them. */
static const struct {
    const char *name;
    int nr;
} allowed[] = {
    {"accept", 0}, {"accept4", 0}, {"access", 0}, {"alarm", 0}, {"arch_prctl", 0}, {"bind", 0},
    {"brk", 0}, {"cachestat", 451}, {"capget", 0}, {"capset", 0}, {"chdir", 0}, {"chmod", 0},
    {"chown", 0}, {"clock_getres", 0}, {"clock_gettime", 0}, {"clock_nanosleep", 0},
    {"close", 0}, {"close_range", 0}, {"connect", 0}, {"copy_file_range", 0}, {"creat", 0},
    {"dup", 0}, {"dup2", 0}, {"dup3", 0}, {"epoll_create", 0}, {"epoll_create1", 0},
    {"epoll_ctl", 0}, {"epoll_pwait", 0}, {"epoll_pwait2", 0}, {"epoll_wait", 0},
    {"eventfd", 0}, {"eventfd2", 0}, {"execve", 0}, {"execveat", 0}, {"exit", 0},
    {"exit_group", 0}, {"faccessat", 0}, {"faccessat2", 0}, {"fadvise64", 0},
    {"fallocate", 0}, {"fchdir", 0}, {"fchmod", 0}, {"fchmodat", 0}, {"fchmodat2", 452},
    {"fchown", 0}, {"fchownat", 0}, {"fcntl", 0}, {"fdatasync", 0}, {"fgetxattr", 0},
    {"flistxattr", 0}, {"flock", 0}, {"fork", 0}, {"fremovexattr", 0}, {"fsetxattr", 0},
    {"fstat", 0}, {"fstatfs", 0}, {"fsync", 0}, {"ftruncate", 0}, {"futex", 0},
    {"futex_waitv", 449}, {"futex_wake", 454}, {"futex_wait", 455}, {"futex_requeue", 456},
    {"futimesat", 0}, {"get_mempolicy", 0}, {"get_robust_list", 0}, {"getcpu", 0},
    {"getcwd", 0}, {"getdents", 0}, {"getdents64", 0}, {"getegid", 0}, {"geteuid", 0},
    {"getgid", 0}, {"getgroups", 0}, {"getitimer", 0}, {"getpeername", 0}, {"getpgid", 0},
    {"getpgrp", 0}, {"getpid", 0}, {"getppid", 0}, {"getpriority", 0}, {"getrandom", 0},
    {"getresgid", 0}, {"getresuid", 0}, {"getrlimit", 0}, {"getrusage", 0}, {"getsid", 0},
    {"getsockname", 0}, {"getsockopt", 0}, {"gettid", 0}, {"gettimeofday", 0}, {"getuid", 0},
    {"getxattr", 0}, {"inotify_add_watch", 0}, {"inotify_init", 0}, {"inotify_init1", 0},
    {"inotify_rm_watch", 0}, {"io_cancel", 0}, {"io_destroy", 0}, {"io_getevents", 0},
    {"io_pgetevents", 0}, {"io_setup", 0}, {"io_submit", 0}, {"ioprio_get", 0},
    {"ioprio_set", 0}, {"kill", 0}, {"landlock_add_rule", 0}, {"landlock_create_ruleset", 0},
    {"landlock_restrict_self", 0}, {"lchown", 0}, {"lgetxattr", 0}, {"link", 0},
    {"linkat", 0}, {"listen", 0}, {"listxattr", 0}, {"llistxattr", 0}, {"lremovexattr", 0},
    {"lseek", 0}, {"lsetxattr", 0}, {"lstat", 0}, {"madvise", 0}, {"map_shadow_stack", 453},
    {"mbind", 0}, {"membarrier", 0}, {"memfd_create", 0}, {"mincore", 0}, {"mkdir", 0},
    {"mkdirat", 0}, {"mknod", 0}, {"mknodat", 0}, {"mlock", 0}, {"mlock2", 0},
    {"mlockall", 0}, {"mmap", 0}, {"mprotect", 0}, {"mq_getsetattr", 0}, {"mq_notify", 0},
    {"mq_open", 0}, {"mq_timedreceive", 0}, {"mq_timedsend", 0}, {"mq_unlink", 0},
    {"mremap", 0}, {"mseal", 462}, {"msgctl", 0}, {"msgget", 0}, {"msgrcv", 0}, {"msgsnd", 0},
    {"msync", 0}, {"munlock", 0}, {"munlockall", 0}, {"munmap", 0}, {"nanosleep", 0},
    {"newfstatat", 0}, {"open", 0}, {"openat", 0}, {"openat2", 0}, {"pause", 0},
    {"pidfd_open", 0}, {"pidfd_send_signal", 0}, {"pipe", 0}, {"pipe2", 0}, {"pkey_alloc", 0},
    {"pkey_free", 0}, {"pkey_mprotect", 0}, {"poll", 0}, {"ppoll", 0}, {"prctl", 0},
    {"pread64", 0}, {"preadv", 0}, {"preadv2", 0}, {"prlimit64", 0}, {"pselect6", 0},
    {"pwrite64", 0}, {"pwritev", 0}, {"pwritev2", 0}, {"read", 0}, {"readahead", 0},
    {"readlink", 0}, {"readlinkat", 0}, {"readv", 0}, {"recvfrom", 0}, {"recvmmsg", 0},
    {"recvmsg", 0}, {"remap_file_pages", 0}, {"removexattr", 0}, {"rename", 0},
    {"renameat", 0}, {"renameat2", 0}, {"restart_syscall", 0}, {"rmdir", 0}, {"rseq", 0},
    {"rt_sigaction", 0}, {"rt_sigpending", 0}, {"rt_sigprocmask", 0}, {"rt_sigqueueinfo", 0},
    {"rt_sigreturn", 0}, {"rt_sigsuspend", 0}, {"rt_sigtimedwait", 0},
    {"rt_tgsigqueueinfo", 0}, {"sched_get_priority_max", 0}, {"sched_get_priority_min", 0},
    {"sched_getaffinity", 0}, {"sched_getattr", 0}, {"sched_getparam", 0},
    {"sched_getscheduler", 0}, {"sched_rr_get_interval", 0}, {"sched_setaffinity", 0},
    {"sched_setattr", 0}, {"sched_setparam", 0}, {"sched_setscheduler", 0},
    {"sched_yield", 0}, {"seccomp", 0}, {"select", 0}, {"semctl", 0}, {"semget", 0},
    {"semop", 0}, {"semtimedop", 0}, {"sendfile", 0}, {"sendmmsg", 0}, {"sendmsg", 0},
    {"sendto", 0}, {"set_mempolicy", 0}, {"set_robust_list", 0}, {"set_tid_address", 0},
    {"setfsgid", 0}, {"setfsuid", 0}, {"setgid", 0}, {"setgroups", 0}, {"setitimer", 0},
    {"setpgid", 0}, {"setpriority", 0}, {"setregid", 0}, {"setresgid", 0}, {"setresuid", 0},
    {"setreuid", 0}, {"setrlimit", 0}, {"setsid", 0}, {"setsockopt", 0}, {"setuid", 0},
    {"setxattr", 0}, {"shmat", 0}, {"shmctl", 0}, {"shmdt", 0}, {"shmget", 0},
    {"shutdown", 0}, {"sigaltstack", 0}, {"signalfd", 0}, {"signalfd4", 0},
    {"socketpair", 0}, {"splice", 0}, {"stat", 0}, {"statfs", 0}, {"statx", 0},
    {"symlink", 0}, {"symlinkat", 0}, {"sync", 0}, {"sync_file_range", 0}, {"syncfs", 0},
    {"sysinfo", 0}, {"tee", 0}, {"tgkill", 0}, {"time", 0}, {"timer_create", 0},
    {"timer_delete", 0}, {"timer_getoverrun", 0}, {"timer_gettime", 0},
    {"timer_settime", 0}, {"timerfd_create", 0}, {"timerfd_gettime", 0},
    {"timerfd_settime", 0}, {"times", 0}, {"tkill", 0}, {"truncate", 0}, {"umask", 0},
    {"uname", 0}, {"unlink", 0}, {"unlinkat", 0}, {"utime", 0}, {"utimensat", 0},
    {"utimes", 0}, {"vfork", 0}, {"wait4", 0}, {"waitid", 0}, {"write", 0}, {"writev", 0},
};

/* Refused with EPERM: what a program could use against the machine, the
 * sandbox or tide itself. */
static const struct {
    const char *name;
    int nr;
} refused[] = {
    {"ptrace", 0}, {"process_vm_readv", 0}, {"process_vm_writev", 0}, {"process_madvise", 0},
    {"pidfd_getfd", 0}, {"kcmp", 0}, {"mount", 0}, {"umount2", 0}, {"pivot_root", 0},
    {"chroot", 0}, {"unshare", 0}, {"setns", 0}, {"open_tree", 0}, {"move_mount", 0},
    {"fsopen", 0}, {"fsconfig", 0}, {"fsmount", 0}, {"fspick", 0}, {"mount_setattr", 0},
    {"bpf", 0}, {"keyctl", 0}, {"add_key", 0}, {"request_key", 0}, {"userfaultfd", 0},
    {"perf_event_open", 0}, {"io_uring_setup", 0}, {"io_uring_enter", 0},
    {"io_uring_register", 0}, {"kexec_load", 0}, {"kexec_file_load", 0}, {"init_module", 0},
    {"finit_module", 0}, {"delete_module", 0}, {"reboot", 0}, {"swapon", 0}, {"swapoff", 0},
    {"clock_settime", 0}, {"clock_adjtime", 0}, {"settimeofday", 0}, {"adjtimex", 0},
    {"acct", 0}, {"syslog", 0}, {"vhangup", 0}, {"iopl", 0}, {"ioperm", 0},
    {"modify_ldt", 0}, {"open_by_handle_at", 0}, {"name_to_handle_at", 0}, {"quotactl", 0},
    {"quotactl_fd", 0}, {"lookup_dcookie", 0}, {"sethostname", 0}, {"setdomainname", 0},
    {"fanotify_init", 0}, {"move_pages", 0}, {"migrate_pages", 0}, {"uselib", 0},
    {"ustat", 0}, {"sysfs", 0}, {"_sysctl", 0}, {"nfsservctl", 0},
    {"lsm_set_self_attr", 460},
};

static int resolve(const char *name, int nr)
{
    int n = seccomp_syscall_resolve_name(name);
    return n == __NR_SCMP_ERROR && nr > 0 ? nr : n;
}

#define NS_FLAGS                                                                                   \
    (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |     \
     CLONE_NEWCGROUP | 0x80 /* CLONE_NEWTIME */)

/* (Comparisons carry a second datum, unused but initialised, so the
 * compound literals are complete.)
 * libseccomp evaluates a rule with a precise condition before an
 * always-true condition on another argument: that is how "allow ioctl
 * except TIOCSTI" is written (tests/unit/test_syscall_filter.c checks it). */
#define ALWAYS SCMP_A0(SCMP_CMP_GE, 0, 0)

static int add_rules(scmp_filter_ctx ctx)
{
    const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
    int rc = 0;
    for (size_t i = 0; i < sizeof allowed / sizeof *allowed && rc == 0; i++) {
        int nr = resolve(allowed[i].name, allowed[i].nr);
        if (nr != __NR_SCMP_ERROR)
            rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
    }
    for (size_t i = 0; i < sizeof refused / sizeof *refused && rc == 0; i++) {
        int nr = resolve(refused[i].name, refused[i].nr);
        if (nr != __NR_SCMP_ERROR)
            rc = seccomp_rule_add(ctx, eperm, nr, 0);
    }

    /* Threads and processes, but no new namespaces.  clone3 passes its
     * flags in memory a filter cannot read: it is left to the default,
     * ENOSYS, which makes glibc fall back to clone. */
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, NS_FLAGS, 0));
    for (unsigned long bit = 1; bit && rc == 0; bit <<= 1)
        if (NS_FLAGS & bit)
            rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(clone), 1,
                                  SCMP_A0(SCMP_CMP_MASKED_EQ, bit, bit));

    /* Sockets: local, IP and netlink (getifaddrs); vsock, AF_ALG, packet
     * sockets and the rest are refused. */
    static const int families[] = {AF_UNIX, AF_INET, AF_INET6};
    for (size_t i = 0; i < sizeof families / sizeof *families && rc == 0; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
                              SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)families[i], 0));
    /* Netlink, but not the kernel's device events (hotplug, devices'
     * serial numbers): a network namespace of the host's user namespace,
     * the pool's or the host's own with --net, receives the machine's.
     * The error of a kernel without them, at which udev-like code gives
     * up quietly.  The protocol is compared on the 32 bits the kernel
     * reads; "any type" is the always-true condition ALWAYS stands for. */
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPROTONOSUPPORT), SCMP_SYS(socket), 2,
                              SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)AF_NETLINK, 0),
                              SCMP_A2(SCMP_CMP_MASKED_EQ, 0xffffffffu, NETLINK_KOBJECT_UEVENT));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
                              SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)AF_NETLINK, 0), SCMP_A1(SCMP_CMP_GE, 0, 0));
    for (int fam = 0; fam < AF_NETLINK && rc == 0; fam++)
        if (fam != AF_UNIX && fam != AF_INET && fam != AF_INET6)
            rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(socket), 1,
                                  SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fam, 0));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(socket), 1,
                              SCMP_A0(SCMP_CMP_GE, (scmp_datum_t)AF_NETLINK + 1, 0));

    /* ioctl: everything but pushing keystrokes into a terminal (TIOCSTI)
     * and the virtual console's commands.  The kernel reads the command
     * as 32 bits, so only those are compared. */
    if (rc == 0)
        rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
                              SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
                              SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, ALWAYS);

    /* personality: only querying and the harmless settings (not turning
     * off address-space randomisation). */
    static const scmp_datum_t persona[] = {0, 8, 0x20000, 0x20008, 0xffffffff};
    for (size_t i = 0; i < sizeof persona / sizeof *persona && rc == 0; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(personality), 1,
                              SCMP_A0(SCMP_CMP_EQ, persona[i], 0));
    return rc;
}

static bool build(struct sock_fprog *out, Err *err)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
    if (!ctx)
        return err_set(err, "libseccomp cannot create a filter");
    int rc = 0;
    /* The 32-bit and x32 ABIs reach other syscall tables: refuse them. */
    rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM));
    /* Binary-tree dispatch: a few comparisons per syscall, not hundreds. */
    if (rc == 0)
        (void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
    if (rc == 0)
        rc = add_rules(ctx);
    int fd = -1;
    if (rc == 0) {
        fd = memfd_create("tide-seccomp", MFD_CLOEXEC);
        if (fd < 0)
            rc = -errno;
    }
    if (rc == 0)
        rc = seccomp_export_bpf(ctx, fd);
    seccomp_release(ctx);
    off_t size = rc == 0 ? lseek(fd, 0, SEEK_END) : -1;
    if (rc == 0 && (size <= 0 || size % sizeof(struct sock_filter) != 0 ||
                    size / sizeof(struct sock_filter) > 65535))
        rc = -EINVAL;
    if (rc != 0) {
        if (fd >= 0)
            close(fd);
        errno = -rc;
        return err_sys(err, "cannot build the seccomp filter");
    }
    struct sock_filter *prog = xmalloc((size_t)size);
    ssize_t n = pread(fd, prog, (size_t)size, 0);
    close(fd);
    if (n != size) {
        free(prog);
        return err_set(err, "cannot read back the seccomp filter");
    }
    out->filter = prog;
    out->len = (unsigned short)(size / sizeof(struct sock_filter));
    return true;
}

/* The cache file: named for everything that shapes the filter (this very
 * build of tide included: a rebuilt tide never reads an older filter). */
static char *cache_file(const char *dir)
{
    const struct scmp_version *v = seccomp_version();
    char id[256];
    snprintf(id, sizeof id, "%s|%s|%s|%u.%u.%u|%u", TIDE_VERSION, __DATE__, __TIME__,
             v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0, seccomp_arch_native());
    uint64_t h = 14695981039346656037ULL; /* FNV-1a */
    for (const char *p = id; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return xasprintf("%s/seccomp-%016llx.bpf", dir, (unsigned long long)h);
}

/* A filter read back must look like libseccomp's: whole instructions, and
 * a first one that loads the architecture, as every filter it writes. */
static bool load_cached(const char *file, struct sock_fprog *out)
{
    char *data;
    size_t len;
    if (!fileio_read(file, 65535 * sizeof(struct sock_filter), &data, &len, NULL))
        return false;
    const struct sock_filter *f = (const struct sock_filter *)data;
    if (len == 0 || len % sizeof *f != 0 || f[0].code != (BPF_LD | BPF_W | BPF_ABS) ||
        f[0].k != offsetof(struct seccomp_data, arch)) {
        free(data);
        return false;
    }
    out->filter = (struct sock_filter *)data;
    out->len = (unsigned short)(len / sizeof *f);
    return true;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct sock_fprog filter;
static bool built;

const struct sock_fprog *syscall_filter_get(const char *cache_dir, Err *err)
{
    pthread_mutex_lock(&lock);
    if (!built) {
        char *file = cache_dir ? cache_file(cache_dir) : NULL;
        built = file && load_cached(file, &filter);
        if (!built && (built = build(&filter, err)) && file &&
            fileio_mkdirs(cache_dir, 0700, NULL))
            (void)fileio_write_atomic(file, filter.filter, filter.len * sizeof *filter.filter,
                                      0600, NULL);
        free(file);
    }
    bool ok = built;
    pthread_mutex_unlock(&lock);
    return ok ? &filter : NULL;
}
