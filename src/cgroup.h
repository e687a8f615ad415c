/* The control groups of one run: a memory limit (without swap) and a
 * process limit, on cgroup v2 or, where that is all the machine offers, on
 * v1's memory and pids hierarchies.  Created below the cgroup tide itself
 * is in (see sandbox_caps), never anywhere else, and removed when the run
 * ends.  Also how a run learns its peak memory and whether the kernel's
 * OOM killer struck. */
#ifndef TIDE_CGROUP_H
#define TIDE_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

typedef struct Cgroup {
    bool active;     /* false: none created (no cgroups on this machine) */
    char *mem_dir;   /* the run's memory cgroup */
    char *pids_dir;  /* the run's pids cgroup: the same folder on v2 */
    bool mem_v2, pids_v2; /* which interface each one speaks (hybrid machines mix) */
} Cgroup;

typedef struct CgroupStats {
    long long peak_bytes; /* -1 when unknown */
    long long oom_kills;  /* processes the OOM killer took in this cgroup */
    long long pids_refused; /* forks refused by pids.max */
} CgroupStats;

/* Create the run's cgroups, named name, with the limits.  Fails (with a
 * message naming the controller and what to do) when a controller this
 * machine should offer cannot be set up; a machine without cgroups gives
 * version 0 and true only if allow_none. */
bool cgroup_create(Cgroup *cg, const char *name, long long memory_bytes, int max_pids,
                   bool allow_none, Err *err);
/* Whether the machine has cgroup v2 alone (/sys/fs/cgroup is cgroup2):
 * a process is best made inside its cgroups there (see CgroupJoin). */
bool cgroup_unified(void);
/* Move pid (a whole process, before it starts anything) into them.  Slow
 * on v1 (see CgroupJoin); the fallback. */
bool cgroup_attach(const Cgroup *cg, pid_t pid, Err *err);

/* Getting a new process into the run's cgroups without migrating it from
 * outside: on v1, moving a process takes a global lock that waits for an
 * RCU grace period (milliseconds, more on a busy machine); a thread moving
 * itself by writing "0" to "tasks" does not.  On v2 the process is created
 * inside (clone3's CLONE_INTO_CGROUP with dir_fd).  The descriptors are
 * opened by tide, so the kernel checks tide's permission, not the child's. */
typedef struct CgroupJoin {
    int dir_fd;      /* v2: the run's cgroup, for CLONE_INTO_CGROUP; else -1 */
    int tasks_fd[2]; /* v1: "tasks" of the memory and pids cgroups; -1 when unused */
} CgroupJoin;

bool cgroup_join_open(const Cgroup *cg, CgroupJoin *j, Err *err);
void cgroup_join_close(CgroupJoin *j);
void cgroup_stats(const Cgroup *cg, CgroupStats *st);
/* SIGKILL everything still in the cgroups (cgroup.kill on v2). */
void cgroup_kill(const Cgroup *cg);
/* Kill what is left, wait for it to go, remove the cgroups. */
void cgroup_destroy(Cgroup *cg);

#endif
