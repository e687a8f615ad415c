/* Which sandbox layers this machine offers: user namespaces, seccomp,
 * cgroup controllers (v2, or v1 where that is all there is) and overlayfs
 * inside a user namespace.  `tide doctor` shows this; `tide run` refuses to
 * run without a layer it needs and says which one and why. */
#ifndef TIDE_SANDBOX_CAPS_H
#define TIDE_SANDBOX_CAPS_H

#include <stdbool.h>

typedef struct SandboxLayer {
    bool ok;
    char note[256]; /* where it is, or why it is missing and what to do */
} SandboxLayer;

typedef struct SandboxCaps {
    SandboxLayer userns;  /* user+mount+pid+net+ipc+uts namespaces */
    SandboxLayer seccomp; /* seccomp-bpf filters via libseccomp */
    SandboxLayer overlay; /* overlayfs mountable inside a user namespace */
    int cgroup_version;   /* 2, 1 or 0 (none usable) */
    SandboxLayer cg_memory;
    SandboxLayer cg_pids;
    /* Folders below which tide may create per-run cgroups (the ones its
     * own process is in), or "" when that controller is unusable. */
    char cg_memory_dir[512];
    char cg_pids_dir[512];
} SandboxCaps;

void sandbox_caps_probe(SandboxCaps *caps);
/* Only the cgroup part, without creating a test cgroup: what a run needs
 * before it creates its own. */
void sandbox_caps_find_cgroups(SandboxCaps *caps);

#endif
