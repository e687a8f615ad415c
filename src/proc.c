#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

extern char **environ;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool proc_capture(char *const argv[], char *const envp[], int timeout_ms, size_t max_output,
                  ProcOutput *res, Err *err)
{
    *res = (ProcOutput){0};
    int out[2], errp[2];
    if (pipe2(out, O_CLOEXEC) != 0)
        return err_sys(err, "cannot run %s", argv[0]);
    if (pipe2(errp, O_CLOEXEC) != 0) {
        close(out[0]);
        close(out[1]);
        return err_sys(err, "cannot run %s", argv[0]);
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    /* Its own process group, so a timeout can kill whatever it started. */
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, envp ? envp : environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(out[1]);
    close(errp[1]);
    if (rc != 0) {
        close(out[0]);
        close(errp[0]);
        errno = rc;
        return err_sys(err, "cannot run %s", argv[0]);
    }

    StrBuf sb[2] = {{0}, {0}};
    struct pollfd pfd[2] = {{out[0], POLLIN, 0}, {errp[0], POLLIN, 0}};
    long long deadline = now_ms() + timeout_ms;
    int open_fds = 2;
    while (open_fds > 0) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            res->timed_out = true;
            kill(-pid, SIGKILL);
            break;
        }
        int n = poll(pfd, 2, (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        for (int i = 0; i < 2; i++) {
            if (pfd[i].fd < 0 || !pfd[i].revents)
                continue;
            char buf[8192];
            ssize_t r = read(pfd[i].fd, buf, sizeof buf);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                close(pfd[i].fd);
                pfd[i].fd = -1;
                open_fds--;
                continue;
            }
            size_t keep = sb[i].len >= max_output ? 0 : max_output - sb[i].len;
            sb_append(&sb[i], buf, (size_t)r < keep ? (size_t)r : keep);
        }
    }
    for (int i = 0; i < 2; i++)
        if (pfd[i].fd >= 0)
            close(pfd[i].fd);
    while (waitpid(pid, &res->status, 0) < 0 && errno == EINTR)
        ;
    res->out_len = sb[0].len;
    res->out = sb_steal(&sb[0]);
    res->err_len = sb[1].len;
    res->err = sb_steal(&sb[1]);
    return true;
}

void proc_output_free(ProcOutput *res)
{
    free(res->out);
    free(res->err);
    *res = (ProcOutput){0};
}

int proc_exit_code(const ProcOutput *res)
{
    return !res->timed_out && WIFEXITED(res->status) ? WEXITSTATUS(res->status) : -1;
}
