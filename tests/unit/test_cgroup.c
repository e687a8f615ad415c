#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "xalloc.h"

static long long read_num(const char *dir, const char *file)
{
    char *path = xasprintf("%s/%s", dir, file);
    FILE *f = fopen(path, "r");
    free(path);
    long long v = -1;
    if (f) {
        if (fscanf(f, "%lld", &v) != 1)
            v = -1;
        fclose(f);
    }
    return v;
}

static bool make(Cgroup *cg, const char *name)
{
    Err err;
    if (!cgroup_create(cg, name, 64LL << 20, 17, true, &err))
        cr_assert_fail("%s", err.msg);
    return cg->active;
}

Test(cgroup, limits_join_and_removal)
{
    Cgroup cg;
    char name[64];
    snprintf(name, sizeof name, "tide-%d-unit", (int)getpid());
    if (!make(&cg, name))
        cr_skip_test("no cgroups on this machine");
    cr_expect_eq(read_num(cg.mem_dir, cg.mem_v2 ? "memory.max" : "memory.limit_in_bytes"),
                 64LL << 20);
    cr_expect_eq(read_num(cg.pids_dir, "pids.max"), 17);

    /* A child joins the way the sandbox's child does, then shows it. */
    CgroupJoin join;
    Err err;
    cr_assert(cgroup_join_open(&cg, &join, &err), "%s", err.msg);
    int pipefd[2];
    cr_assert_eq(pipe(pipefd), 0);
    pid_t pid = fork();
    if (pid == 0) {
        bool ok = true;
        for (int i = 0; i < 2; i++)
            if (join.tasks_fd[i] >= 0)
                ok = ok && write(join.tasks_fd[i], "0", 1) == 1;
        if (join.dir_fd >= 0) /* v2: the sandbox uses CLONE_INTO_CGROUP; here, the old way */
            ok = cgroup_attach(&cg, getpid(), NULL);
        char buf[4096] = {0};
        FILE *f = fopen("/proc/self/cgroup", "r");
        size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        if (f)
            fclose(f);
        (void)!write(pipefd[1], buf, n);
        _exit(ok && strstr(buf, name) ? 0 : 1);
    }
    close(pipefd[1]);
    int st;
    waitpid(pid, &st, 0);
    close(pipefd[0]);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child did not land in %s", name);
    cgroup_join_close(&join);

    CgroupStats stats;
    cgroup_stats(&cg, &stats);
    cr_expect_geq(stats.peak_bytes, 0);
    cr_expect_eq(stats.oom_kills, 0);
    char *mem = xstrdup(cg.mem_dir), *pids = xstrdup(cg.pids_dir);
    cgroup_destroy(&cg);
    struct stat sb;
    cr_expect_neq(stat(mem, &sb), 0, "%s is still there", mem);
    cr_expect_neq(stat(pids, &sb), 0, "%s is still there", pids);
    free(mem);
    free(pids);
}
