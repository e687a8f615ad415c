/* ns_floor WORKDIR PROGRAM: the least a sandbox of tide's shape does, as a
 * reference for run.sh.  New user, mount, pid, ipc, uts and network
 * namespaces; a tmpfs root holding /usr and /etc bound read-only, WORKDIR
 * at /work, a fresh /proc; pivot_root; then PROGRAM (a path inside) is
 * started and waited for.  No cgroups, limits, seccomp, overlay, pipes or
 * result: what is left of a sandbox's start-up is the kernel's. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *workdir, *program;
static int go[2];

static void die(const char *what)
{
    fprintf(stderr, "ns_floor: %s: %s\n", what, strerror(errno));
    _exit(125);
}

static void write_to(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        die(path);
    close(fd);
}

static int child(void *arg)
{
    (void)arg;
    char c;
    close(go[1]);
    if (read(go[0], &c, 1) != 1)
        die("waiting for the id maps");
    /* Opened before /tmp is covered: WORKDIR may lie below it. */
    int work = open(workdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    char work_path[64];
    snprintf(work_path, sizeof work_path, "/proc/self/fd/%d", work);
    if (work < 0)
        die(workdir);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") != 0)
        die("mounting the root");
    static const char *const dirs[] = {"/tmp/r", "/tmp/r/usr", "/tmp/r/etc", "/tmp/r/proc", "/tmp/r/work"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        if (mkdir(dirs[i], 0755) != 0)
            die(dirs[i]);
    if (mount("/tmp/r", "/tmp/r", NULL, MS_BIND, NULL) != 0 ||
        mount("/usr", "/tmp/r/usr", NULL, MS_BIND | MS_REC | MS_RDONLY, NULL) != 0 ||
        mount("/etc", "/tmp/r/etc", NULL, MS_BIND | MS_REC | MS_RDONLY, NULL) != 0 ||
        mount(work_path, "/tmp/r/work", NULL, MS_BIND | MS_REC, NULL) != 0)
        die("binding the folders");
    if (symlink("usr/lib", "/tmp/r/lib") != 0 || symlink("usr/lib64", "/tmp/r/lib64") != 0 ||
        symlink("usr/bin", "/tmp/r/bin") != 0)
        die("linking /lib, /lib64 and /bin");
    if (mount("proc", "/tmp/r/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
        die("mounting /proc");
    if (chdir("/tmp/r") != 0 || syscall(SYS_pivot_root, ".", ".") != 0 || umount2(".", MNT_DETACH) != 0 ||
        chdir("/work") != 0)
        die("pivot_root");
    pid_t pid = vfork();
    if (pid == 0) {
        execl(program, program, (char *)NULL);
        _exit(127);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        die("running the program");
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: ns_floor WORKDIR PROGRAM\n");
        return 2;
    }
    workdir = argv[1];
    program = argv[2];
    if (pipe(go) != 0)
        die("pipe");
    static char stack[1 << 16];
    int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET;
    pid_t pid = clone(child, stack + sizeof stack, flags | SIGCHLD, NULL);
    if (pid < 0)
        die("clone");
    close(go[0]);
    char path[64], map[32];
    snprintf(map, sizeof map, "0 %d 1\n", (int)getuid());
    snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
    write_to(path, map);
    snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
    write_to(path, "deny");
    snprintf(map, sizeof map, "0 %d 1\n", (int)getgid());
    snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
    write_to(path, map);
    if (write(go[1], "g", 1) != 1)
        die("starting the child");
    int st;
    if (waitpid(pid, &st, 0) != pid)
        die("waiting");
    return WIFEXITED(st) ? WEXITSTATUS(st) : 125;
}
