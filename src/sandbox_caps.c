#include "sandbox_caps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "fileio.h"
#include "xalloc.h"

/* snprintf that says whether everything fitted: paths that do not fit
 * are treated as unusable rather than silently cut. */
static bool fmt_path(char *buf, size_t size, const char *fmt, ...) TIDE_FMT(3, 4);
static bool fmt_path(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n >= 0 && (size_t)n < size;
}

static void note(SandboxLayer *l, bool ok, const char *fmt, const char *arg)
{
    l->ok = ok;
    if (!fmt_path(l->note, sizeof l->note, fmt, arg ? arg : ""))
        memcpy(l->note + sizeof l->note - 4, "...", 4);
}

static bool write_file(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = write(fd, s, strlen(s));
    close(fd);
    return n == (ssize_t)strlen(s);
}

/* Runs in a forked child: 0 when the namespaces (and, if want_overlay, an
 * overlay mount) can be set up; else the step number that failed. */
static int try_namespaces(bool want_overlay)
{
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |
                CLONE_NEWUTS) != 0)
        return 1;
    char map[64];
    snprintf(map, sizeof map, "0 %u 1\n", (unsigned)uid);
    if (!write_file("/proc/self/setgroups", "deny") && errno != ENOENT)
        return 2;
    if (!write_file("/proc/self/uid_map", map))
        return 2;
    snprintf(map, sizeof map, "0 %u 1\n", (unsigned)gid);
    if (!write_file("/proc/self/gid_map", map))
        return 2;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return 3;
    char dir[] = "/tmp/tide-probe-XXXXXX";
    if (!mkdtemp(dir))
        return 3;
    int rc = 0;
    if (mount("tmpfs", dir, "tmpfs", 0, "size=1m") != 0) {
        rc = 3;
    } else if (want_overlay) {
        char lower[64], upper[64], work[64], merged[64], opts[256];
        snprintf(lower, sizeof lower, "%s/l", dir);
        snprintf(upper, sizeof upper, "%s/u", dir);
        snprintf(work, sizeof work, "%s/w", dir);
        snprintf(merged, sizeof merged, "%s/m", dir);
        mkdir(lower, 0755), mkdir(upper, 0755), mkdir(work, 0755), mkdir(merged, 0755);
        snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
        if (mount("overlay", merged, "overlay", 0, opts) != 0)
            rc = 4;
    }
    /* The mounts die with this namespace; only the folder is ours to
     * remove, and it is in the host's /tmp. */
    umount2(dir, MNT_DETACH);
    rmdir(dir);
    return rc;
}

static int probe_in_child(bool want_overlay)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
        _exit(try_namespaces(want_overlay));
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void probe_userns(SandboxCaps *c)
{
    int rc = probe_in_child(true);
    if (rc == 0 || rc == 4) {
        note(&c->userns, true, "user, mount, pid, net, ipc and uts namespaces", NULL);
        if (rc == 0)
            note(&c->overlay, true, "overlayfs mounts inside a user namespace", NULL);
        else
            note(&c->overlay, false,
                 "overlayfs cannot be mounted in a user namespace (kernel older than 5.11?); "
                 "runs use a bounded copy of the working folder", NULL);
        return;
    }
    FILE *f = fopen("/proc/sys/kernel/unprivileged_userns_clone", "re");
    int allowed = 1;
    if (f) {
        if (fscanf(f, "%d", &allowed) != 1)
            allowed = 1;
        fclose(f);
    }
    const char *why =
        rc == 1 ? (allowed ? "unshare(CLONE_NEWUSER) was refused: enable user namespaces "
                             "(user.max_user_namespaces > 0; on Ubuntu, an AppArmor profile or "
                             "kernel.apparmor_restrict_unprivileged_userns=0)"
                           : "unprivileged user namespaces are off: "
                             "sysctl kernel.unprivileged_userns_clone=1")
        : rc == 2 ? "a user namespace was created but its uid map could not be written "
                    "(an LSM such as AppArmor restricts it)"
        : rc == 3 ? "a mount namespace was created but nothing could be mounted in it"
                  : "the namespace probe could not run (fork failed)";
    note(&c->userns, false, "%s", why);
    note(&c->overlay, false, "needs user namespaces", NULL);
}

static void probe_seccomp(SandboxCaps *c)
{
    if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 && errno == EINVAL) {
        note(&c->seccomp, false, "the kernel has no seccomp support (CONFIG_SECCOMP_FILTER)", NULL);
        return;
    }
    /* Level 1+ means seccomp(2) with filters works. */
    unsigned api = seccomp_api_get();
    if (api < 1) {
        note(&c->seccomp, false, "libseccomp finds no usable seccomp filter API in this kernel", NULL);
        return;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%u", api);
    note(&c->seccomp, true, "seccomp-bpf filters (libseccomp API level %s)", buf);
}

/* --- cgroups ---------------------------------------------------------- */

/* /proc/self/mountinfo and /proc/self/cgroup, read once per probe: each
 * hierarchy looked up (v2, then v1 memory and pids) parses its own copy.
 * A container host's mount table runs to thousands of lines: the cap only
 * guards against a runaway file. */
#define PROC_TEXT_MAX (64u << 20)
typedef struct ProcTexts {
    char *mountinfo, *cgroup;
} ProcTexts;

static void proc_texts_read(ProcTexts *t)
{
    size_t len;
    if (!fileio_read("/proc/self/mountinfo", PROC_TEXT_MAX, &t->mountinfo, &len, NULL))
        t->mountinfo = NULL;
    if (!fileio_read("/proc/self/cgroup", PROC_TEXT_MAX, &t->cgroup, &len, NULL))
        t->cgroup = NULL;
}

static void proc_texts_free(ProcTexts *t)
{
    free(t->mountinfo);
    free(t->cgroup);
}

/* Mount point of a cgroup hierarchy in mountinfo: the v2 one (controller
 * NULL) or the v1 one carrying controller. */
static bool find_mount(const char *mountinfo, const char *controller, char *out, size_t outsz)
{
    if (!mountinfo)
        return false;
    char *text = xstrdup(mountinfo);
    bool found = false;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); !found && line;
         line = strtok_r(NULL, "\n", &save)) {
        /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS ... - FSTYPE SOURCE SUPEROPTS */
        char *sep = strstr(line, " - ");
        if (!sep)
            continue;
        char root[512], mnt[512], fstype[64], src[128], super[512] = "";
        if (sscanf(line, "%*s %*s %*s %511s %511s", root, mnt) != 2)
            continue;
        if (sscanf(sep + 3, "%63s %127s %511s", fstype, src, super) < 2)
            continue;
        if (strcmp(root, "/") != 0)
            continue; /* a bind of a sub-tree: paths would not line up */
        if (!controller && strcmp(fstype, "cgroup2") == 0) {
            found = true;
        } else if (controller && strcmp(fstype, "cgroup") == 0) {
            for (char *osave = NULL, *o = strtok_r(super, ",", &osave); o; o = strtok_r(NULL, ",", &osave))
                if (strcmp(o, controller) == 0)
                    found = true;
        }
        if (found && !fmt_path(out, outsz, "%s", mnt))
            found = false;
    }
    free(text);
    return found;
}

/* Our own cgroup path in the hierarchy holding controller ("" for v2). */
static bool own_cgroup(const char *cgroup, const char *controller, char *out, size_t outsz)
{
    if (!cgroup)
        return false;
    char *text = xstrdup(cgroup);
    bool found = false;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); !found && line;
         line = strtok_r(NULL, "\n", &save)) {
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        const char *ctrls = c1 + 1, *path = c2 + 1;
        if (!controller) {
            found = strcmp(line, "0") == 0 && ctrls[0] == '\0';
        } else {
            char copy[256];
            if (!fmt_path(copy, sizeof copy, "%s", ctrls))
                continue;
            for (char *osave = NULL, *o = strtok_r(copy, ",", &osave); o; o = strtok_r(NULL, ",", &osave))
                if (strcmp(o, controller) == 0)
                    found = true;
        }
        if (found && !fmt_path(out, outsz, "%s", path))
            found = false;
    }
    free(text);
    return found;
}

static bool has_word(const char *file, const char *word)
{
    FILE *f = fopen(file, "re");
    if (!f)
        return false;
    char buf[1024];
    bool found = false;
    if (fgets(buf, sizeof buf, f))
        for (char *save = NULL, *w = strtok_r(buf, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
            if (strcmp(w, word) == 0)
                found = true;
    fclose(f);
    return found;
}

/* Can we make (and remove) a child cgroup in dir?  Without a test (a run
 * that creates its own cgroup right after finds out anyway), only whether
 * the folder is writable. */
static bool can_create_child(const char *dir, bool test_create)
{
    if (!test_create)
        return access(dir, W_OK) == 0;
    char probe[4200];
    if (!fmt_path(probe, sizeof probe, "%s/tide-probe-%d", dir, (int)getpid()))
        return false;
    if (mkdir(probe, 0755) != 0)
        return false;
    rmdir(probe);
    return true;
}

static void probe_v2(SandboxCaps *c, const char *mnt, const char *own, bool test)
{
    char dir[sizeof c->cg_memory_dir], file[sizeof dir + 32];
    if (!fmt_path(dir, sizeof dir, "%s%s", mnt, strcmp(own, "/") == 0 ? "" : own) ||
        !fmt_path(file, sizeof file, "%s/cgroup.subtree_control", dir)) {
        note(&c->cg_memory, false, "tide's cgroup path is too long: %s", own);
        note(&c->cg_pids, false, "tide's cgroup path is too long: %s", own);
        return;
    }
    /* Controllers must already be delegated to our cgroup's children:
     * enabling them would change a cgroup tide did not create. */
    bool mem = has_word(file, "memory"), pids = has_word(file, "pids");
    bool writable = can_create_child(dir, test);
    const char *why = !writable ? "cannot create a child of tide's cgroup %s (not delegated to this user)"
                                : "controller not enabled for the children of tide's cgroup %s "
                                  "(run tide in a delegated scope: systemd-run --user --scope -p Delegate=yes tide)";
    if (mem && writable) {
        note(&c->cg_memory, true, "cgroup v2 below %s", dir);
        memcpy(c->cg_memory_dir, dir, sizeof dir);
    } else {
        note(&c->cg_memory, false, why, dir);
    }
    if (pids && writable) {
        note(&c->cg_pids, true, "cgroup v2 below %s", dir);
        memcpy(c->cg_pids_dir, dir, sizeof dir);
    } else {
        note(&c->cg_pids, false, why, dir);
    }
    if (c->cg_memory.ok || c->cg_pids.ok)
        c->cgroup_version = 2;
}

static void probe_v1(SandboxCaps *c, const ProcTexts *pt, const char *controller,
                     SandboxLayer *layer, char *outdir, size_t outsz, bool test)
{
    char mnt[512], own[512], dir[512];
    if (!find_mount(pt->mountinfo, controller, mnt, sizeof mnt) ||
        !own_cgroup(pt->cgroup, controller, own, sizeof own)) {
        note(layer, false, "no cgroup hierarchy with the %s controller is mounted", controller);
        return;
    }
    if (!fmt_path(dir, sizeof dir, "%s%s", mnt, strcmp(own, "/") == 0 ? "" : own)) {
        note(layer, false, "tide's cgroup path is too long: %s", own);
        return;
    }
    if (!can_create_child(dir, test)) {
        note(layer, false, "cannot create a child of tide's cgroup %s (not writable by this user)", dir);
        return;
    }
    note(layer, true, "cgroup v1 below %s", dir);
    if (!fmt_path(outdir, outsz, "%s", dir)) {
        note(layer, false, "tide's cgroup path is too long: %s", dir);
        return;
    }
    c->cgroup_version = c->cgroup_version ? c->cgroup_version : 1;
}

static void probe_cgroups(SandboxCaps *c, bool test)
{
    ProcTexts pt = {0};
    proc_texts_read(&pt);
    char mnt[512], own[512];
    if (find_mount(pt.mountinfo, NULL, mnt, sizeof mnt) && own_cgroup(pt.cgroup, NULL, own, sizeof own)) {
        probe_v2(c, mnt, own, test);
        if (c->cg_memory.ok && c->cg_pids.ok) {
            proc_texts_free(&pt);
            return;
        }
    }
    /* v1 where v2 does not give us the controller (hybrid machines). */
    SandboxCaps v1 = {0};
    if (!c->cg_memory.ok) {
        probe_v1(&v1, &pt, "memory", &v1.cg_memory, v1.cg_memory_dir, sizeof v1.cg_memory_dir, test);
        if (v1.cg_memory.ok || !c->cg_memory.note[0]) {
            c->cg_memory = v1.cg_memory;
            memcpy(c->cg_memory_dir, v1.cg_memory_dir, sizeof c->cg_memory_dir);
        }
    }
    if (!c->cg_pids.ok) {
        probe_v1(&v1, &pt, "pids", &v1.cg_pids, v1.cg_pids_dir, sizeof v1.cg_pids_dir, test);
        if (v1.cg_pids.ok || !c->cg_pids.note[0]) {
            c->cg_pids = v1.cg_pids;
            memcpy(c->cg_pids_dir, v1.cg_pids_dir, sizeof c->cg_pids_dir);
        }
    }
    if (!c->cgroup_version && (c->cg_memory.ok || c->cg_pids.ok))
        c->cgroup_version = 1;
    proc_texts_free(&pt);
}

void sandbox_caps_probe(SandboxCaps *caps)
{
    *caps = (SandboxCaps){0};
    probe_userns(caps);
    probe_seccomp(caps);
    probe_cgroups(caps, true);
}

void sandbox_caps_find_cgroups(SandboxCaps *caps)
{
    *caps = (SandboxCaps){0};
    probe_cgroups(caps, false);
}
