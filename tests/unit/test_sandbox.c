#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "syscall_filter.h"
#include "testutil.h"
#include "xalloc.h"

/* Run /bin/sh -c script in a sandbox with only the system folders (and
 * files written in; cgroups given at the start, or at the release when
 * late), and return what it printed. */
static char *sandboxed_in(const char *workdir, const char *alias, const SandboxFile *files, size_t nfiles,
                          const Cgroup *early, const Cgroup *late, const char *script, bool hold,
                          int *status)
{
    const char *argv[] = {"/bin/sh", "-c", script, NULL};
    const char *envp[] = {"PATH=/usr/bin:/bin", NULL};
    const SandboxBind binds[] = {{"/usr", "/usr", 0}};
    const SandboxLink links[] = {{"usr/bin", "/bin"}, {"usr/lib", "/lib"}, {"usr/lib64", "/lib64"}};
    const char *scratch[] = {"/tmp", NULL};
    int out[2], in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    cr_assert_eq(pipe2(out, O_CLOEXEC), 0);
    Cgroup none = {0};
    SandboxSpec spec = {.argv = argv, .envp = envp, .cwd = workdir ? "/work" : "/",
                        .binds = binds, .nbinds = 1, .links = links, .nlinks = 3,
                        .files = files, .nfiles = nfiles,
                        .workdir = workdir, .work_dst = "/work", .work_alias = alias, .scratch = scratch,
                        .scratch_bytes = 16 << 20, .hostname = "tide", .stdin_fd = in,
                        .stdout_fd = out[1], .stderr_fd = out[1], .cgroup = early ? early : &none,
                        .cgroup_late = late,
                        .filter = syscall_filter_get(NULL, NULL), .hold = hold};
    Sandbox *sb;
    Err err;
    cr_assert(sandbox_start(&spec, &sb, &err), "%s", err.msg);
    close(out[1]);
    close(in);
    if (hold || late) {
        /* Held: nothing runs until released. */
        struct pollfd p = {out[0], POLLIN, 0};
        cr_expect_eq(poll(&p, 1, 200), 0, "the program ran before it was released");
        cr_assert(sandbox_release(sb, late, &err), "%s", err.msg);
    }
    StrBuf sbuf = {0};
    char buf[4096];
    ssize_t n;
    while ((n = read(out[0], buf, sizeof buf)) > 0)
        sb_append(&sbuf, buf, (size_t)n);
    close(out[0]);
    SandboxExit ex;
    cr_assert(sandbox_finish(sb, &ex, &err), "%s", err.msg);
    cr_assert(ex.started && ex.ended);
    *status = ex.status;
    sandbox_free(sb);
    return sb_steal(&sbuf);
}

static char *sandboxed_with(const char *workdir, const char *alias, const SandboxFile *files, size_t nfiles,
                            const Cgroup *late, const char *script, bool hold, int *status)
{
    return sandboxed_in(workdir, alias, files, nfiles, NULL, late, script, hold, status);
}

static char *sandboxed_at(const char *workdir, const char *alias, const char *script, bool hold, int *status)
{
    return sandboxed_with(workdir, alias, NULL, 0, NULL, script, hold, status);
}

static char *sandboxed(const char *workdir, const char *script, bool hold, int *status)
{
    return sandboxed_at(workdir, NULL, script, hold, status);
}

Test(sandbox, an_unprivileged_program_in_its_own_namespaces)
{
    int st;
    char *out = sandboxed(NULL, "id -u; id -g; hostname; ls /proc | grep -c '^[0-9]'; "
                                "echo x > /usr/x 2>/dev/null || echo ro; echo y > /tmp/y && echo rw; "
                                "ls /", false, &st);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* uid, gid, host name, pids in its /proc (init, sh, ls, grep), a
     * read-only root with a writable /tmp. */
    cr_expect(strncmp(out, "1000\n1000\ntide\n", 15) == 0, "%s", out);
    cr_expect(strstr(out, "\nro\nrw\n") != NULL, "%s", out);
    cr_expect(strstr(out, "root") == NULL && strstr(out, "home") == NULL, "%s", out);
    free(out);
}

Test(sandbox, files_written_in_the_root_and_in_a_scratch_folder)
{
    /* One in the read-only root; one below /tmp, which starts empty
     * otherwise, with its folders: the program's own to change. */
    const SandboxFile files[] = {{"/etc/tide-test", "root\n", 0},
                                 {"/tmp/seed/deep/a.txt", "seed\n", 5}};
    int st;
    char *out = sandboxed_with(NULL, NULL, files, 2, NULL,
                               "cat /etc/tide-test /tmp/seed/deep/a.txt; stat -c %u /tmp/seed /tmp/seed/deep/a.txt; "
                               "echo more >> /tmp/seed/deep/a.txt && cat /tmp/seed/deep/a.txt; "
                               "rm -r /tmp/seed && echo removed; (echo x > /etc/tide-test) 2>/dev/null || echo ro",
                               false, &st);
    cr_expect_str_eq(out, "root\nseed\n1000\n1000\nseed\nmore\nremoved\nro\n");
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    free(out);
}

Test(sandbox, the_exit_status_and_a_held_start)
{
    char *dir = tu_tempdir();
    char *file = xasprintf("%s/data.txt", dir);
    tu_write(file, "hello\n", 6);
    int st;
    char *out = sandboxed(dir, "cat data.txt; echo new > made.txt; exit 3", true, &st);
    cr_expect_str_eq(out, "hello\n");
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 3);
    char *made = xasprintf("%s/made.txt", dir);
    cr_expect_neq(access(made, F_OK), 0, "a write reached the host folder");
    free(made);
    free(file);
    free(out);
}

/* The working folder is shown at its host path too, unless that would
 * cover a folder of the view (/usr), lie in the program's own /tmp, or
 * lie in a shown folder that does not hold it (best effort: the run goes
 * on without it). */
Test(sandbox, the_working_folder_at_its_own_path)
{
    char *dir = tu_tempdir();
    char *file = xasprintf("%s/data.txt", dir);
    tu_write(file, "hello\n", 6);
    int st;
    char *out = sandboxed_at(dir, "/srv/proj", "cat /srv/proj/data.txt; echo x > /srv/proj/w && cat /work/w", false,
                             &st);
    cr_expect_str_eq(out, "hello\nx\n", "the same writable view");
    free(out);
    out = sandboxed_at(dir, "/usr", "test -x /usr/bin/sh && echo usr; test -e /usr/data.txt || echo not-covered",
                       false, &st);
    cr_expect_str_eq(out, "usr\nnot-covered\n");
    free(out);
    out = sandboxed_at(dir, "/lib/proj", "test -L /lib && test ! -e /lib/proj && echo link-kept", false, &st);
    cr_expect_str_eq(out, "link-kept\n", "not through a link of the root");
    free(out);
    out = sandboxed_at(dir, "/tmp/proj", "ls -A /tmp | wc -l", false, &st);
    cr_expect_str_eq(out, "0\n", "/tmp starts empty");
    free(out);
    out = sandboxed_at(dir, "/usr/no-such-folder-of-tide", "test -e /usr/no-such-folder-of-tide || echo absent; cat data.txt",
                       false, &st);
    cr_expect_str_eq(out, "absent\nhello\n");
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    free(out);
    free(file);
}

/* Cgroups made while the sandbox is set up are joined at the release,
 * before the program starts: it runs inside them, and the cgroup
 * namespace is rooted there (it sees "/"). */
Test(sandbox, a_late_cgroup_is_joined_before_the_program_starts)
{
    Cgroup cg;
    Err err;
    char name[64];
    snprintf(name, sizeof name, "tide-%d-late", (int)getpid());
    cr_assert(cgroup_create(&cg, name, 64LL << 20, 8, true, &err), "%s", err.msg);
    if (!cg.active)
        cr_skip_test("no cgroups on this machine");
    int st;
    char *buf = sandboxed_with(NULL, NULL, NULL, 0, &cg, "grep -c ':/$' /proc/self/cgroup; wc -l </proc/self/cgroup",
                               false, &st);
    CgroupStats stats;
    cgroup_stats(&cg, &stats);
    cgroup_destroy(&cg);
    /* Every hierarchy's line ends in "/": rooted at the run's cgroups. */
    int rooted = 0, lines = 0;
    cr_assert_eq(sscanf(buf, "%d %d", &rooted, &lines), 2, "%s", buf);
    cr_expect_eq(rooted, lines, "%s", buf);
    cr_expect_gt(stats.peak_bytes, 0, "nothing was charged to the run's memory cgroup");
    free(buf);
}

/* The program's processes are the run's cgroups' only members, whether
 * they were given at the start or at the release: init stays out, so the
 * cgroups can go the moment the program's last process is gone, while
 * init still tears the namespaces down (the end of a run does not wait
 * for that).  Seen from inside, init's cgroup lies outside the program's
 * cgroup namespace ("/.."). */
Test(sandbox, the_program_is_in_the_run_cgroups_and_init_is_not)
{
    for (int late = 0; late <= 1; late++) {
        Cgroup cg;
        Err err;
        char name[64];
        snprintf(name, sizeof name, "tide-%d-members-%d", (int)getpid(), late);
        cr_assert(cgroup_create(&cg, name, 64LL << 20, 8, true, &err), "%s", err.msg);
        if (!cg.active)
            cr_skip_test("no cgroups on this machine");
        int st;
        char *buf = sandboxed_in(NULL, NULL, NULL, 0, late ? NULL : &cg, late ? &cg : NULL,
                                 "grep -c ':/$' /proc/self/cgroup; wc -l </proc/self/cgroup; "
                                 "grep -c ':/\\.\\.' /proc/1/cgroup",
                                 false, &st);
        cgroup_destroy(&cg);
        int rooted = 0, lines = 0, init_outside = 0;
        cr_assert_eq(sscanf(buf, "%d %d %d", &rooted, &lines, &init_outside), 3, "%s", buf);
        cr_expect_eq(rooted, lines, "late %d: %s", late, buf);
        cr_expect_geq(init_outside, 2, "late %d: init is in the run's memory or pids cgroup: %s", late, buf);
        free(buf);
    }
}

/* A program whose process cannot be made unprivileged as asked (here: a
 * soft limit above its hard one) does not start, and the run says which
 * step failed rather than that the sandbox ended early. */
Test(sandbox, a_program_that_cannot_start_says_why)
{
    const char *argv[] = {"/bin/true", NULL};
    const char *envp[] = {"PATH=/usr/bin:/bin", NULL};
    const SandboxBind binds[] = {{"/usr", "/usr", 0}};
    const SandboxLink links[] = {{"usr/bin", "/bin"}, {"usr/lib", "/lib"}, {"usr/lib64", "/lib64"}};
    const SandboxRlimit limits[] = {{RLIMIT_NOFILE, 64, 32}};
    const char *scratch[] = {"/tmp", NULL};
    int in = open("/dev/null", O_RDONLY | O_CLOEXEC), out = open("/dev/null", O_WRONLY | O_CLOEXEC);
    Cgroup none = {0};
    SandboxSpec spec = {.argv = argv, .envp = envp, .cwd = "/", .binds = binds, .nbinds = 1,
                        .links = links, .nlinks = 3, .scratch = scratch, .scratch_bytes = 16 << 20,
                        .stdin_fd = in, .stdout_fd = out, .stderr_fd = out, .cgroup = &none,
                        .rlimits = limits, .nrlimits = 1, .filter = syscall_filter_get(NULL, NULL)};
    Sandbox *sb;
    Err err;
    cr_assert(sandbox_start(&spec, &sb, &err), "%s", err.msg);
    close(in);
    close(out);
    struct pollfd p = {sandbox_end_fd(sb), POLLIN, 0};
    cr_assert_eq(poll(&p, 1, 10000), 1, "the run did not end");
    SandboxExit ex;
    cr_expect_not(sandbox_finish(sb, &ex, &err));
    cr_expect(strstr(err.msg, "resource limits") != NULL, "%s", err.msg);
    cr_expect_not(ex.started);
    sandbox_free(sb);
}
