# The kernel's attack surface: ptrace and friends, namespaces, keyrings,
# bpf, io_uring, modules, clocks, the 32-bit ABI, TIOCSTI, setuid programs,
# capabilities.
. "$TESTS/security/hostile.bash"

write_probe() {
  cat >probe.c <<'P'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *what, long r)
{
    printf("%s %s\n", what, r < 0 ? strerrorname_np(errno) : "OK");
}

int main(int argc, char **argv)
{
    pid_t target = argc > 1 ? atoi(argv[1]) : 1;
    report("ptrace_attach", ptrace(PTRACE_ATTACH, target, 0, 0));
    report("ptrace_seize_init", ptrace(PTRACE_SEIZE, 1, 0, 0));
    report("ptrace_traceme", ptrace(PTRACE_TRACEME, 0, 0, 0));
    char buf[16];
    struct iovec l = {buf, sizeof buf}, r = {(void *)0x400000, sizeof buf};
    report("process_vm_readv", process_vm_readv(target, &l, 1, &r, 1, 0));
    report("process_vm_writev", process_vm_writev(1, &l, 1, &r, 1, 0));
    report("proc_1_mem", open("/proc/1/mem", O_RDONLY));
    report("mount", mount("tmpfs", "/tmp", "tmpfs", 0, NULL));
    report("umount", umount2("/work", MNT_DETACH));
    report("unshare_user", unshare(CLONE_NEWUSER));
    report("unshare_mount", unshare(CLONE_NEWNS));
    report("clone_newuser", syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
    report("clone_newnet", syscall(SYS_clone, CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0));
    report("clone3", syscall(435, NULL, 0));
    report("setns", setns(0, 0));
    report("chroot", chroot("/tmp"));
    report("pivot_root", syscall(SYS_pivot_root, "/tmp", "/tmp"));
    report("bpf", syscall(SYS_bpf, 0, NULL, 0));
    report("keyctl", syscall(SYS_keyctl, 0, 0, 0, 0, 0));
    report("add_key", syscall(SYS_add_key, "user", "x", "y", 1, 0));
    report("userfaultfd", syscall(SYS_userfaultfd, 0));
    report("perf_event_open", syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
    report("io_uring_setup", syscall(425, 1, NULL));
    report("init_module", syscall(SYS_init_module, NULL, 0, ""));
    report("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
    report("reboot", syscall(SYS_reboot, 0, 0, 0, NULL));
    report("swapon", syscall(SYS_swapon, "/tmp/x", 0));
    report("settimeofday", syscall(SYS_settimeofday, NULL, NULL));
    report("clock_settime", syscall(SYS_clock_settime, 0, NULL));
    report("open_by_handle_at", syscall(SYS_open_by_handle_at, 0, NULL, 0));
    report("socket_vsock", socket(40, SOCK_STREAM, 0));
    report("socket_alg", socket(38, SOCK_SEQPACKET, 0));
    report("socket_packet", socket(17, SOCK_RAW, 0));
    /* In a child: a kernel built without the 32-bit ABI answers int 0x80
     * with SIGSEGV before any filter sees it. */
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        long ret;
        __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20) : "memory"); /* i386 getpid */
        printf("int80 %s\n", ret == -EPERM ? "EPERM" : ret < 0 ? "other error" : "OK");
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    if (WIFSIGNALED(st))
        printf("int80 %s\n", sigabbrev_np(WTERMSIG(st)));
    report("setuid0", setuid(0));
    /* What ordinary programs need still works. */
    pid_t p = fork();
    if (p == 0)
        _exit(0);
    report("fork", p);
    waitpid(p, NULL, 0);
    report("socket_inet", socket(AF_INET, SOCK_STREAM, 0));
    report("socket_unix", socket(AF_UNIX, SOCK_STREAM, 0));
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "Cap", 3) || !strncmp(line, "NoNewPrivs", 10) ||
            !strncmp(line, "Seccomp:", 8) || !strncmp(line, "Uid", 3) || !strncmp(line, "Gid", 3))
            fputs(line, stdout);
    return 0;
}
P
}

host_has_int80() {
  printf 'int main(void)\n{\n    long r;\n    __asm__ volatile("int $0x80" : "=a"(r) : "a"(20));\n    return r < 0;\n}\n' >int80.c
  gcc -o int80 int80.c && (./int80) 2>/dev/null
}

test_dangerous_syscalls_are_refused() {
  write_probe
  run_tide run --json probe.c -- $$
  expect_rc 0
  out=$(json_field output)
  for s in ptrace_attach ptrace_seize_init ptrace_traceme process_vm_readv process_vm_writev \
           mount umount unshare_user unshare_mount clone_newuser clone_newnet setns chroot \
           pivot_root bpf keyctl add_key userfaultfd perf_event_open io_uring_setup init_module \
           kexec_load reboot swapon settimeofday clock_settime open_by_handle_at socket_vsock \
           socket_alg socket_packet; do
    expect_contains "$out" "$s EPERM"
  done
  # The 32-bit ABI is refused by the filter; where the kernel has none at
  # all (no IA32 emulation), int 0x80 faults outside the sandbox as well.
  if host_has_int80; then
    expect_contains "$out" "int80 EPERM"
  else
    expect_contains "$out" "int80 SEGV"
  fi
  expect_contains "$out" "clone3 ENOSYS"
  expect_contains "$out" "proc_1_mem EACCES"
  expect_contains "$out" "setuid0 EINVAL"
  expect_contains "$out" "fork OK"
  expect_contains "$out" "socket_inet OK"
  expect_contains "$out" "socket_unix OK"
}

test_the_program_is_unprivileged_inside_and_out() {
  write_probe
  uid=$(sandbox_host_uid)
  cat >whoami.py <<'P'
import os, time
print(os.getuid(), os.geteuid(), os.getgid(), os.getgroups())
time.sleep(3)
P
  "$TIDE" run whoami.py >out.txt 2>&1 &
  pid=$!
  sleep 1.5
  # Outside: its host uid is not root (and not tide's when tide is root).
  host=$(ps -o uid=,comm= -C python3.11 -C python3 | awk '{print $1}' | sort -u | tr '\n' ' ')
  wait $pid
  expect_contains "$(cat out.txt)" "1000 1000 1000 []"
  case " $host " in *" $uid "*) ;; *) fail "no python3 ran as host uid $uid (saw: $host)" ;; esac
  run_tide run --json probe.c
  out=$(json_field output)
  for cap in CapInh CapPrm CapEff CapBnd CapAmb; do
    expect_contains "$out" "$cap:	0000000000000000"
  done
  expect_contains "$out" "NoNewPrivs:	1"
  expect_contains "$out" "Seccomp:	2"
  expect_contains "$out" "Uid:	1000	1000	1000	1000"
}

test_setuid_programs_give_nothing() {
  # A setuid-root copy of id(1) in the working folder, and the system's
  # own setuid programs: neither raises the program's privileges.
  mkdir w && cd w
  cp /usr/bin/id ./suid-id
  chmod 4755 suid-id
  expect_eq "$(./suid-id -u)" 0 "outside, the copy is root's"
  cat >suid.py <<'P'
import os, subprocess
print("copy", subprocess.run(["./suid-id", "-u"], capture_output=True, text=True).stdout.strip())
for prog in ("/usr/bin/su", "/usr/bin/passwd", "/usr/bin/mount", "/usr/bin/newgrp", "/usr/bin/sudo"):
    if os.path.exists(prog):
        st = os.stat(prog)
        r = subprocess.run([prog, "--help"], capture_output=True, text=True)
        print(prog, "setuid" if st.st_mode & 0o4000 else "plain", "euid stays", os.geteuid())
print("uid", os.getuid(), os.geteuid())
P
  run_tide run --json suid.py
  expect_rc 0
  out=$(json_field output)
  expect_contains "$out" "copy 1000"
  expect_contains "$out" "uid 1000 1000"
  expect_not_contains "$out" "copy 0"
}

test_tiocsti_cannot_push_keystrokes() {
  cat >sti.c <<'P'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
int main(void)
{
    const char *cmd = "touch /tmp/tide-pwned\n";
    int fds[4] = {0, 1, 2, open("/dev/tty", O_RDWR)};
    for (int i = 0; i < 4; i++) {
        if (fds[i] < 0) {
            printf("fd%d %s\n", i, "absent");
            continue;
        }
        int r = 0;
        for (const char *c = cmd; *c && r == 0; c++)
            r = ioctl(fds[i], TIOCSTI, c);
        printf("fd%d %s\n", i, r == 0 ? "INJECTED" : strerrorname_np(errno));
    }
    return 0;
}
P
  rm -f /tmp/tide-pwned
  run_tide run --json sti.c
  expect_eq "$(json_field output)" "$(printf 'fd0 EPERM\nfd1 EPERM\nfd2 EPERM\nfd3 absent')"
  # With a terminal (the program gets a pty of its own).
  command -v script >/dev/null || skip "script (util-linux) is missing"
  OUT=$(script -qfec "$TIDE run sti.c" /dev/null 2>&1 </dev/null | tr -d '\r')
  expect_contains "$OUT" "fd0 EPERM"
  expect_contains "$OUT" "fd3 EPERM"
  expect_not_contains "$OUT" INJECTED
  sleep 0.5
  [ ! -e /tmp/tide-pwned ] || { rm -f /tmp/tide-pwned; fail "keystrokes reached a shell"; }
}
