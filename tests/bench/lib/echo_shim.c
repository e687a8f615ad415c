/* Loaded into an editor under test (LD_PRELOAD) by tests/bench/tui.sh: the
 * editor's own share of a key's echo, from the read that brought a typed
 * letter to the start of the write that carries it to the terminal.  The
 * terminal's share (tmux waking up, parsing, reporting) is what the tmux
 * harness adds on top, and it moves by tenths of a millisecond from run
 * to run; this part does not.
 *
 * Each measurement is appended to $TIDE_BENCH_ECHO_LOG, after the
 * editor's write has gone out (logging adds nothing to the echo itself):
 * microseconds, and the bytes written from the read up to and with that
 * write, which the terminal must parse before it shows the key.  Only reads of one byte a-z on fd 0 start a measurement
 * (what the harness types); the first write to fd 1 holding that byte
 * ends it. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef ssize_t (*ReadFn)(int, void *, size_t);
typedef ssize_t (*WriteFn)(int, const void *, size_t);

/* Process-wide by nature: this is a shim over the process's own calls. */
static double key_at;
static char key;
static size_t key_bytes; /* written since the key was read */
static int log_fd = -1;

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

ssize_t read(int fd, void *buf, size_t n)
{
    static ReadFn real;
    if (!real)
        real = (ReadFn)dlsym(RTLD_NEXT, "read");
    ssize_t got = real(fd, buf, n);
    if (fd == 0 && got == 1 && *(char *)buf >= 'a' && *(char *)buf <= 'z') {
        key = *(char *)buf;
        key_at = now_us();
        key_bytes = 0;
    }
    return got;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    static WriteFn real;
    if (!real)
        real = (WriteFn)dlsym(RTLD_NEXT, "write");
    if (fd != 1 || key_at == 0)
        return real(fd, buf, n);
    if (!memchr(buf, key, n)) {
        key_bytes += n;
        return real(fd, buf, n);
    }
    double took = now_us() - key_at;
    key_at = 0;
    ssize_t put = real(fd, buf, n);
    if (log_fd < 0) {
        const char *path = getenv("TIDE_BENCH_ECHO_LOG");
        log_fd = path ? open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644) : -2;
    }
    if (log_fd >= 0) {
        char line[64];
        int len = snprintf(line, sizeof line, "%.1f %zu\n", took, key_bytes + n);
        (void)!real(log_fd, line, (size_t)len);
    }
    return put;
}
