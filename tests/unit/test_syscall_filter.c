#include <criterion/criterion.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <pty.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "syscall_filter.h"
#include "testutil.h"
#include "xalloc.h"

/* errno of each probe, written by a child that loaded the filter. */
enum { P_TIOCSTI, P_TIOCSTI_HIGH, P_TCGETS, P_CLONE_NS, P_FORK, P_VSOCK, P_INET, P_PERS_Q,
       P_PERS_NORAND, P_PTRACE, P_UNSHARE, P_UEVENT, P_UEVENT_HIGH, P_NETLINK_ROUTE, P_COUNT };

static void probe(int results[P_COUNT])
{
    const struct sock_fprog *f = syscall_filter_get(NULL, NULL);
    cr_assert_not_null(f);
    int m, s;
    cr_assert_eq(openpty(&m, &s, NULL, NULL, NULL), 0);
    int pipefd[2];
    cr_assert_eq(pipe(pipefd), 0);
    pid_t pid = fork();
    if (pid == 0) {
        int r[P_COUNT];
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, f))
            _exit(99);
        char c = 'x';
        struct termios t;
#define TRY(i, expr) (r[i] = (expr) < 0 ? errno : 0)
        TRY(P_TIOCSTI, ioctl(s, TIOCSTI, &c));
        TRY(P_TIOCSTI_HIGH, syscall(SYS_ioctl, s, (unsigned long)TIOCSTI | 0x100000000UL, &c));
        TRY(P_TCGETS, ioctl(s, TCGETS, &t));
        TRY(P_CLONE_NS, syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
        long child = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
        if (child == 0)
            _exit(0);
        r[P_FORK] = child < 0 ? errno : 0;
        TRY(P_VSOCK, socket(40, SOCK_STREAM, 0));
        TRY(P_INET, socket(AF_INET, SOCK_DGRAM, 0));
        TRY(P_PERS_Q, personality(0xffffffff));
        TRY(P_PERS_NORAND, personality(ADDR_NO_RANDOMIZE));
        TRY(P_PTRACE, syscall(SYS_ptrace, 0, 0, 0, 0));
        TRY(P_UNSHARE, unshare(CLONE_NEWNS));
        TRY(P_UEVENT, socket(AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT));
        TRY(P_UEVENT_HIGH, syscall(SYS_socket, AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT | 0x100000000UL));
        TRY(P_NETLINK_ROUTE, socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
        (void)!write(pipefd[1], r, sizeof r);
        _exit(0);
    }
    close(pipefd[1]);
    cr_assert_eq(read(pipefd[0], results, sizeof(int) * P_COUNT), (ssize_t)(sizeof(int) * P_COUNT));
    int st;
    waitpid(pid, &st, 0);
    close(pipefd[0]);
    close(m);
    close(s);
}

Test(syscall_filter, refuses_the_dangerous_and_allows_the_ordinary)
{
    int r[P_COUNT];
    probe(r);
    cr_expect_eq(r[P_TIOCSTI], EPERM, "TIOCSTI: %d", r[P_TIOCSTI]);
    cr_expect_eq(r[P_TIOCSTI_HIGH], EPERM, "TIOCSTI with high bits: %d", r[P_TIOCSTI_HIGH]);
    cr_expect_eq(r[P_TCGETS], 0, "other ioctls work");
    cr_expect_eq(r[P_CLONE_NS], EPERM);
    cr_expect_eq(r[P_FORK], 0, "clone without namespaces works");
    cr_expect_eq(r[P_VSOCK], EPERM);
    cr_expect_eq(r[P_INET], 0);
    cr_expect_eq(r[P_PERS_Q], 0);
    cr_expect_eq(r[P_PERS_NORAND], ENOSYS);
    cr_expect_eq(r[P_PTRACE], EPERM);
    cr_expect_eq(r[P_UNSHARE], EPERM);
    cr_expect_eq(r[P_UEVENT], EPROTONOSUPPORT, "device events: %d", r[P_UEVENT]);
    cr_expect_eq(r[P_UEVENT_HIGH], EPROTONOSUPPORT, "device events with high bits: %d", r[P_UEVENT_HIGH]);
    cr_expect_eq(r[P_NETLINK_ROUTE], 0, "getifaddrs' netlink works");
}

Test(syscall_filter, cached_on_disk_reads_back_the_same)
{
    char *dir = tu_tempdir();
    const struct sock_fprog *f = syscall_filter_get(dir, NULL);
    cr_assert_not_null(f);
    /* The process keeps its filter; the file holds the same bytes. */
    char *cmd = xasprintf("cmp -s %s/seccomp-*.bpf /dev/stdin", dir);
    FILE *p = popen(cmd, "w");
    cr_assert_not_null(p);
    fwrite(f->filter, sizeof *f->filter, f->len, p);
    cr_expect_eq(pclose(p), 0, "the cached filter differs");
    free(cmd);
}

Test(syscall_filter, built_once)
{
    cr_assert_eq(syscall_filter_get(NULL, NULL), syscall_filter_get(NULL, NULL));
    cr_assert_gt(syscall_filter_get(NULL, NULL)->len, 100);
}
