#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "sandbox_caps.h"
#include "xalloc.h"

static bool write_str(const char *dir, const char *file, const char *value)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    size_t n = strlen(value);
    bool ok = write(fd, value, n) == (ssize_t)n;
    int saved = errno;
    close(fd);
    errno = saved;
    return ok;
}

/* The first number after key in a "key value" file, or the first number
 * of the file when key is NULL; -1 if absent. */
static long long read_num(const char *dir, const char *file, const char *key)
{
    char path[4200], buf[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    if (!key)
        return strtoll(buf, NULL, 10);
    size_t klen = strlen(key);
    for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
            return strtoll(line + klen + 1, NULL, 10);
    return -1;
}

/* A tide killed outright (SIGKILL, a crash) cannot remove its cgroups:
 * the next run removes those of tide processes that are gone, if empty. */
static void sweep_stale(const char *parent)
{
    DIR *d = opendir(parent);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        int pid;
        unsigned n;
        char extra;
        if (sscanf(e->d_name, "tide-%d-%u%c", &pid, &n, &extra) != 2 || pid <= 0)
            continue;
        if (kill(pid, 0) == 0 || errno != ESRCH)
            continue;
        char *dir = xasprintf("%s/%s", parent, e->d_name);
        (void)rmdir(dir);
        free(dir);
    }
    closedir(d);
}

static bool make_dir(const char *parent, const char *name, char **out, Err *err)
{
    sweep_stale(parent);
    char *dir = xasprintf("%s/%s", parent, name);
    if (mkdir(dir, 0755) != 0) {
        err_sys(err, "cannot create the run's cgroup %s (run tide where it may create cgroups, "
                     "or pass --allow-missing cgroup to use weaker rlimits)", dir);
        free(dir);
        return false;
    }
    *out = dir;
    return true;
}

static bool fail_limit(Cgroup *cg, const char *dir, const char *file, Err *err)
{
    err_sys(err, "cannot set %s/%s", dir, file);
    cgroup_destroy(cg);
    return false;
}

static bool is_v2(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/cgroup.controllers", dir);
    return access(path, F_OK) == 0;
}

static bool limit_memory(Cgroup *cg, long long bytes, Err *err)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", bytes);
    if (cg->mem_v2) {
        if (!write_str(cg->mem_dir, "memory.max", num))
            return fail_limit(cg, cg->mem_dir, "memory.max", err);
        /* No swap: a program over its limit is stopped, not paged out.
         * The file is missing when the kernel has no swap accounting. */
        if (!write_str(cg->mem_dir, "memory.swap.max", "0") && errno != ENOENT)
            return fail_limit(cg, cg->mem_dir, "memory.swap.max", err);
        /* One OOM kill ends the whole run, as a timeout does. */
        (void)write_str(cg->mem_dir, "memory.oom.group", "1");
        return true;
    }
    if (!write_str(cg->mem_dir, "memory.limit_in_bytes", num))
        return fail_limit(cg, cg->mem_dir, "memory.limit_in_bytes", err);
    /* memory+swap equal to memory: no swap (absent without swap accounting). */
    if (!write_str(cg->mem_dir, "memory.memsw.limit_in_bytes", num) && errno != ENOENT)
        return fail_limit(cg, cg->mem_dir, "memory.memsw.limit_in_bytes", err);
    (void)write_str(cg->mem_dir, "memory.swappiness", "0");
    return true;
}

bool cgroup_create(Cgroup *cg, const char *name, long long memory_bytes, int max_pids,
                   bool allow_none, Err *err)
{
    *cg = (Cgroup){0};
    SandboxCaps caps;
    sandbox_caps_find_cgroups(&caps);
    if (!caps.cg_memory.ok || !caps.cg_pids.ok) {
        if (allow_none)
            return true;
        const SandboxLayer *l = !caps.cg_memory.ok ? &caps.cg_memory : &caps.cg_pids;
        return err_set(err, "no %s cgroup for the run: %s (or pass --allow-missing cgroup to use "
                            "weaker rlimits)",
                       !caps.cg_memory.ok ? "memory" : "pids", l->note);
    }
    cg->active = true;
    cg->mem_v2 = is_v2(caps.cg_memory_dir);
    cg->pids_v2 = is_v2(caps.cg_pids_dir);
    if (!make_dir(caps.cg_memory_dir, name, &cg->mem_dir, err)) {
        cgroup_destroy(cg);
        return false;
    }
    if (strcmp(caps.cg_memory_dir, caps.cg_pids_dir) == 0)
        cg->pids_dir = xstrdup(cg->mem_dir);
    else if (!make_dir(caps.cg_pids_dir, name, &cg->pids_dir, err)) {
        cgroup_destroy(cg);
        return false;
    }
    if (!limit_memory(cg, memory_bytes, err))
        return false;
    char num[32];
    snprintf(num, sizeof num, "%d", max_pids);
    if (!write_str(cg->pids_dir, "pids.max", num))
        return fail_limit(cg, cg->pids_dir, "pids.max", err);
    return true;
}

static bool same_dir(const Cgroup *cg)
{
    return cg->mem_dir && cg->pids_dir && strcmp(cg->mem_dir, cg->pids_dir) == 0;
}

bool cgroup_unified(void)
{
    struct statfs fs;
    return statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

bool cgroup_attach(const Cgroup *cg, pid_t pid, Err *err)
{
    if (!cg->active)
        return true;
    char num[32];
    snprintf(num, sizeof num, "%d", (int)pid);
    if (!write_str(cg->mem_dir, "cgroup.procs", num))
        return err_sys(err, "cannot move the run into %s", cg->mem_dir);
    if (!same_dir(cg) && !write_str(cg->pids_dir, "cgroup.procs", num))
        return err_sys(err, "cannot move the run into %s", cg->pids_dir);
    return true;
}

bool cgroup_join_open(const Cgroup *cg, CgroupJoin *j, Err *err)
{
    *j = (CgroupJoin){.dir_fd = -1, .tasks_fd = {-1, -1}};
    if (!cg->active)
        return true;
    if (cg->mem_v2 && cg->pids_v2 && same_dir(cg)) {
        j->dir_fd = open(cg->mem_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return j->dir_fd >= 0 || err_sys(err, "cannot open %s", cg->mem_dir);
    }
    const char *dirs[2] = {cg->mem_dir, same_dir(cg) ? NULL : cg->pids_dir};
    const bool v2[2] = {cg->mem_v2, cg->pids_v2};
    for (int i = 0; i < 2; i++) {
        if (!dirs[i])
            continue;
        char *path = xasprintf("%s/%s", dirs[i], v2[i] ? "cgroup.procs" : "tasks");
        j->tasks_fd[i] = open(path, O_WRONLY | O_CLOEXEC);
        bool ok = j->tasks_fd[i] >= 0 || err_sys(err, "cannot open %s", path);
        free(path);
        if (!ok) {
            cgroup_join_close(j);
            return false;
        }
    }
    return true;
}

void cgroup_join_close(CgroupJoin *j)
{
    if (j->dir_fd >= 0)
        close(j->dir_fd);
    for (int i = 0; i < 2; i++)
        if (j->tasks_fd[i] >= 0)
            close(j->tasks_fd[i]);
    *j = (CgroupJoin){.dir_fd = -1, .tasks_fd = {-1, -1}};
}

void cgroup_stats(const Cgroup *cg, CgroupStats *st)
{
    *st = (CgroupStats){.peak_bytes = -1};
    if (!cg->active)
        return;
    st->pids_refused = read_num(cg->pids_dir, "pids.events", "max");
    if (cg->mem_v2) {
        /* memory.peak exists from Linux 5.19. */
        st->peak_bytes = read_num(cg->mem_dir, "memory.peak", NULL);
        st->oom_kills = read_num(cg->mem_dir, "memory.events", "oom_kill");
    } else {
        st->peak_bytes = read_num(cg->mem_dir, "memory.max_usage_in_bytes", NULL);
        st->oom_kills = read_num(cg->mem_dir, "memory.oom_control", "oom_kill");
        if (st->oom_kills < 0) {
            /* Kernels before 4.13 only count how often the limit was hit. */
            long long fail = read_num(cg->mem_dir, "memory.failcnt", NULL);
            st->oom_kills = fail > 0 ? 1 : 0;
        }
    }
    if (st->oom_kills < 0)
        st->oom_kills = 0;
    if (st->pids_refused < 0)
        st->pids_refused = 0;
}

/* SIGKILL every pid listed in dir/cgroup.procs; how many there were. */
static int kill_listed(const char *dir)
{
    char path[4200], buf[8192];
    snprintf(path, sizeof path, "%s/cgroup.procs", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    int count = 0;
    for (char *p = buf; *p;) {
        char *end;
        long pid = strtol(p, &end, 10);
        if (end == p)
            break;
        if (pid > 1) {
            kill((pid_t)pid, SIGKILL);
            count++;
        }
        p = end;
        while (*p == '\n')
            p++;
    }
    return count;
}

void cgroup_kill(const Cgroup *cg)
{
    if (!cg->active)
        return;
    /* cgroup.kill exists from Linux 5.14. */
    if (cg->mem_v2 && write_str(cg->mem_dir, "cgroup.kill", "1") && same_dir(cg))
        return;
    if (cg->mem_dir)
        kill_listed(cg->mem_dir);
    if (cg->pids_dir && !same_dir(cg))
        kill_listed(cg->pids_dir);
}

/* rmdir, retrying while the last processes finish exiting. */
static void remove_dir(const char *dir)
{
    for (int attempt = 0; attempt < 200; attempt++) {
        if (rmdir(dir) == 0 || errno == ENOENT)
            return;
        if (errno != EBUSY)
            break;
        kill_listed(dir);
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    /* Left behind: an empty cgroup named for tide's pid, harmless. */
}

void cgroup_destroy(Cgroup *cg)
{
    cgroup_kill(cg);
    if (cg->mem_dir)
        remove_dir(cg->mem_dir);
    if (cg->pids_dir && !same_dir(cg))
        remove_dir(cg->pids_dir);
    free(cg->mem_dir);
    free(cg->pids_dir);
    *cg = (Cgroup){0};
}
