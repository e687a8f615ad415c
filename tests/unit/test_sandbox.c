#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/magic.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "syscall_filter.h"
#include "testutil.h"
#include "xalloc.h"

/* Set by a test that runs without the seccomp filter, as
 * --allow-missing seccomp does where there is none. */
static bool unfiltered;

/* Run /bin/sh -c script in a sandbox with only the system folders (and
 * files written in; cgroups given at the start, or at the release when
 * late), and return what it printed; NULL and err when it could not run.
 * Asserts nothing: a process forked from a test may call it. */
static char *try_sandboxed_in(const char *workdir, const char *alias, const SandboxFile *files, size_t nfiles,
                              const Cgroup *early, const Cgroup *late, const char *script, bool hold,
                              int *status, Err *err)
{
    const char *argv[] = {"/bin/sh", "-c", script, NULL};
    const char *envp[] = {"PATH=/usr/bin:/bin", NULL};
    const SandboxBind binds[] = {{"/usr", "/usr", 0}};
    const SandboxLink links[] = {{"usr/bin", "/bin"}, {"usr/lib", "/lib"}, {"usr/lib64", "/lib64"}};
    const char *scratch[] = {"/tmp", NULL};
    int out[2], in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in < 0 || pipe2(out, O_CLOEXEC) != 0) {
        err_sys(err, "cannot make the run's pipes");
        return NULL;
    }
    Cgroup none = {0};
    SandboxSpec spec = {.argv = argv, .envp = envp, .cwd = workdir ? "/work" : "/",
                        .binds = binds, .nbinds = 1, .links = links, .nlinks = 3,
                        .files = files, .nfiles = nfiles,
                        .workdir = workdir, .work_dst = "/work", .work_alias = alias, .scratch = scratch,
                        .scratch_bytes = 16 << 20, .hostname = "tide", .stdin_fd = in,
                        .stdout_fd = out[1], .stderr_fd = out[1], .cgroup = early ? early : &none,
                        .cgroup_late = late,
                        .filter = unfiltered ? NULL : syscall_filter_get(NULL, NULL), .hold = hold};
    Sandbox *sb;
    bool started = sandbox_start(&spec, &sb, err);
    close(out[1]);
    close(in);
    if (!started) {
        close(out[0]);
        return NULL;
    }
    bool ok = true;
    if (hold || late) {
        /* Held: nothing runs until released. */
        struct pollfd p = {out[0], POLLIN, 0};
        if (poll(&p, 1, 200) != 0)
            ok = err_set(err, "the program ran before it was released");
        else
            ok = sandbox_release(sb, late, err);
    }
    StrBuf sbuf = {0};
    char buf[4096];
    ssize_t n;
    while (ok && (n = read(out[0], buf, sizeof buf)) > 0)
        sb_append(&sbuf, buf, (size_t)n);
    close(out[0]);
    SandboxExit ex;
    ok = sandbox_finish(sb, &ex, ok ? err : &(Err){0}) && ok;
    if (ok && !(ex.started && ex.ended))
        ok = err_set(err, "the program did not run to its end");
    *status = ex.status;
    sandbox_free(sb);
    if (!ok) {
        sb_free(&sbuf);
        return NULL;
    }
    return sb_steal(&sbuf);
}

static char *sandboxed_in(const char *workdir, const char *alias, const SandboxFile *files, size_t nfiles,
                          const Cgroup *early, const Cgroup *late, const char *script, bool hold,
                          int *status)
{
    Err err;
    char *out = try_sandboxed_in(workdir, alias, files, nfiles, early, late, script, hold, status, &err);
    cr_assert(out, "%s", err.msg);
    return out;
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

/* What the kernel counts per user on the whole machine: a run holds
 * little of the user's allowance of inotify instances and watches (and
 * without the filter, which refuses them, makes no namespace), and cannot
 * raise that. */
Test(sandbox, a_run_holds_little_of_the_users_allowances)
{
    for (int filtered = 1; filtered >= 0; filtered--) {
        unfiltered = !filtered;
        int st;
        char *out = sandboxed(NULL,
                              "cd /proc/sys/user && cat max_inotify_instances max_inotify_watches "
                              "max_user_namespaces max_net_namespaces; "
                              "(echo 1000 >max_inotify_instances) 2>/dev/null && echo RAISED; "
                              "unshare -U true 2>/dev/null && echo MADE; echo end",
                              false, &st);
        const char *want = filtered ? "16\n8192\n2147483647\n2147483647\nend\n" : "16\n8192\n0\n0\nend\n";
        cr_expect_str_eq(out, want, "filtered %d", filtered);
        free(out);
    }
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

/* cgroup v2 as most machines have it, on whatever v2 hierarchy this one
 * mounts (here beside v1, with no controllers: membership is what is
 * tested, not limits).  The folder of this process's own v2 cgroup, or
 * NULL. */
static char *own_v2_cgroup(void)
{
    static const char *mounts[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
    const char *mnt = NULL;
    for (size_t i = 0; i < sizeof mounts / sizeof *mounts && !mnt; i++) {
        struct statfs fs;
        if (statfs(mounts[i], &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
            mnt = mounts[i];
    }
    char *text = mnt ? tu_read("/proc/self/cgroup", NULL) : NULL;
    char *line = text ? strstr(text, "0::/") : NULL;
    if (line && line != text && line[-1] != '\n')
        line = NULL;
    char *dir = NULL;
    if (line) {
        line += 3;
        line[strcspn(line, "\n")] = 0;
        dir = xasprintf("%s%s", mnt, strcmp(line, "/") == 0 ? "" : line);
    }
    free(text);
    return dir;
}

/* A v2 run cgroup below parent, as cgroup_create makes it (without the
 * limits this hierarchy may not offer). */
static bool make_v2_cgroup(const char *parent, const char *name, Cgroup *cg)
{
    char *dir = xasprintf("%s/%s", parent, name);
    if (mkdir(dir, 0755) != 0) {
        free(dir);
        return false;
    }
    *cg = (Cgroup){.active = true, .mem_dir = dir, .pids_dir = xstrdup(dir), .mem_v2 = true, .pids_v2 = true};
    return true;
}

/* What the program says of its cgroups and init's, given the cgroup at the
 * start or at the release: "PROGRAM_V2_LINE INIT_V2_LINE"; NULL and err
 * when it could not run. */
static const char v2_script[] = "echo $(grep '^0::' /proc/self/cgroup) $(grep '^0::' /proc/1/cgroup)";

static char *v2_membership(const Cgroup *cg, bool late, Err *err)
{
    int st;
    char *out = try_sandboxed_in(NULL, NULL, NULL, 0, late ? NULL : cg, late ? cg : NULL, v2_script, false, &st, err);
    if (out && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
        err_set(err, "the script failed (%d): %s", st, out);
        free(out);
        return NULL;
    }
    return out;
}

/* As root on v2 the sandbox's init is made inside the run's cgroup (the
 * kernel refuses it CLONE_INTO_CGROUP as the sandbox's root, see
 * init_joins); the program is there with it, and the cgroup goes when the
 * run ends. */
Test(sandbox, on_cgroup_v2_as_root_the_run_is_in_its_cgroup)
{
    char *own = own_v2_cgroup();
    if (!own || geteuid() != 0)
        cr_skip_test("needs root and a cgroup v2 hierarchy");
    for (int late = 0; late <= 1; late++) {
        char name[64];
        snprintf(name, sizeof name, "tide-%d-v2-root-%d", (int)getpid(), late);
        Cgroup cg;
        if (!make_v2_cgroup(own, name, &cg))
            cr_skip_test("cannot create a v2 cgroup below %s", own);
        char *dir = xstrdup(cg.mem_dir);
        Err err;
        char *out = v2_membership(&cg, late, &err);
        cgroup_destroy(&cg);
        cr_assert(out, "late %d: %s", late, err.msg);
        cr_expect_str_eq(out, "0::/ 0::/\n", "late %d", late);
        cr_expect_neq(access(dir, F_OK), 0, "late %d: %s was left behind", late, dir);
        free(out);
        free(dir);
    }
    free(own);
}

/* As a user, in a cgroup delegated to them (what systemd gives a user's
 * session): the program is born in the run's cgroup and init stays out,
 * so the cgroup can go the moment the program's processes are gone. */
Test(sandbox, on_cgroup_v2_as_a_user_the_program_is_born_in_its_cgroup)
{
    char *own = own_v2_cgroup();
    if (!own || geteuid() != 0)
        cr_skip_test("needs root (to delegate a cgroup) and a cgroup v2 hierarchy");
    const uid_t user = 65534;
    char *deleg = xasprintf("%s/tide-%d-v2-user", own, (int)getpid());
    if (mkdir(deleg, 0755) != 0)
        cr_skip_test("cannot create a v2 cgroup below %s", own);
    static const char *owned[] = {"", "/cgroup.procs", "/cgroup.threads", "/cgroup.subtree_control"};
    for (size_t i = 0; i < sizeof owned / sizeof *owned; i++) {
        char *p = xasprintf("%s%s", deleg, owned[i]);
        cr_assert_eq(chown(p, user, user), 0, "%s", p);
        free(p);
    }
    int res[2];
    cr_assert_eq(pipe(res), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        /* No criterion here (its messages are the test process's): plain
         * checks, the result through the pipe, and a bound on the time. */
        alarm(60);
        close(res[0]);
        char *procs = xasprintf("%s/cgroup.procs", deleg);
        FILE *f = fopen(procs, "w");
        bool joined = f && fprintf(f, "0\n") > 0;
        joined = f && fclose(f) == 0 && joined;
        /* A user who never was root: changing uid made this process
         * non-dumpable, which puts its /proc files out of its own reach. */
        if (!joined || setgroups(0, NULL) != 0 || setgid(user) != 0 || setuid(user) != 0 ||
            prctl(PR_SET_DUMPABLE, 1) != 0)
            _exit(3);
        Cgroup cg;
        for (int late = 0; late <= 1; late++) {
            char name[32];
            snprintf(name, sizeof name, "run-%d", late);
            if (!make_v2_cgroup(deleg, name, &cg))
                _exit(4);
            Err err;
            char *out = v2_membership(&cg, late, &err);
            char *dir = xstrdup(cg.mem_dir);
            cgroup_destroy(&cg);
            if (out)
                out[strcspn(out, "\n")] = 0;
            char *line = xasprintf("late %d: %s, gone %d\n", late, out ? out : err.msg, access(dir, F_OK) != 0);
            (void)!write(res[1], line, strlen(line));
        }
        _exit(0);
    }
    close(res[1]);
    StrBuf got = {0};
    char buf[512];
    ssize_t n;
    while ((n = read(res[0], buf, sizeof buf)) > 0)
        sb_append(&got, buf, (size_t)n);
    close(res[0]);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    /* The child's sandbox init may still be going (reaped on a thread
     * that ended with the child): the cgroup empties when it is gone. */
    for (int i = 0; i < 500 && rmdir(deleg) != 0 && errno == EBUSY; i++)
        usleep(10000);
    cr_expect_neq(access(deleg, F_OK), 0, "%s was left behind", deleg);
    char *out = sb_steal(&got);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the user's side failed (%d): %s", st, out);
    /* init's own cgroup lies outside the program's cgroup namespace. */
    cr_expect_str_eq(out, "late 0: 0::/ 0::/.., gone 1\nlate 1: 0::/ 0::/.., gone 1\n");
    free(out);
    free(deleg);
    free(own);
}
