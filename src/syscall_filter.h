/* The seccomp policy every sandboxed program runs under, built with
 * libseccomp and exported as a classic BPF program so that the sandbox can
 * load it between fork and exec with a bare prctl (no allocation there).
 *
 * An allow-list in the spirit of Docker's default profile: anything not
 * listed fails with ENOSYS (so glibc, the JVM and Go fall back, e.g. clone3
 * to clone); a known-dangerous set fails with EPERM (ptrace, mount,
 * namespaces, bpf, keyrings, io_uring, modules, clock setting, TIOCSTI, the
 * 32-bit ABI, ...).  Built once per process; immutable afterwards. */
#ifndef TIDE_SYSCALL_FILTER_H
#define TIDE_SYSCALL_FILTER_H

#include <linux/filter.h>

#include "err.h"

/* The filter, built on first use and shared by every run of the process.
 * Building it costs about a millisecond or two; with cache_dir (may be
 * NULL), the BPF is kept there in a file named for this build of tide and
 * this libseccomp, so the next process reads it instead.  NULL (with err
 * filled) if libseccomp cannot build it. */
const struct sock_fprog *syscall_filter_get(const char *cache_dir, Err *err);

#endif
