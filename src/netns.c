#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#define POOL_DIR "/run/tide"
#define POOL_SIZE 8
#define NSFS_MAGIC 0x6e736673

static bool is_netns(int fd)
{
    struct statfs sf;
    return fstatfs(fd, &sf) == 0 && sf.f_type == NSFS_MAGIC &&
           ioctl(fd, NS_GET_NSTYPE) == CLONE_NEWNET;
}

static bool loopback_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return false;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);
    bool ok = ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    ok = ok && ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
    close(s);
    return ok;
}

/* A new empty namespace, loopback up, bound at path.  Made on this thread
 * (unshare(CLONE_NEWNET) moves only the calling thread), which then goes
 * back where it was. */
static bool make_one(const char *path)
{
    int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (self < 0)
        return false;
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    bool ok = fd >= 0;
    if (fd >= 0)
        close(fd);
    if (ok && unshare(CLONE_NEWNET) == 0) {
        ok = loopback_up() &&
             mount("/proc/thread-self/ns/net", path, NULL, MS_BIND, NULL) == 0;
        if (setns(self, CLONE_NEWNET) != 0)
            ok = false; /* cannot happen: we were just there */
    } else {
        ok = false;
    }
    close(self);
    return ok;
}

bool netns_acquire(NetnsLease *lease)
{
    *lease = (NetnsLease){.ns_fd = -1, .lock_fd = -1};
    if (geteuid() != 0)
        return false;
    if (mkdir(POOL_DIR, 0700) != 0 && errno != EEXIST)
        return false;
    struct stat st;
    if (lstat(POOL_DIR, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
        (st.st_mode & 0022))
        return false; /* not a folder only root controls: do not trust it */
    /* Of the free ones, the least recently used: a program run again at
     * once then finds a loopback without its last run's TIME_WAIT sockets
     * (a loopback of its own, as on a host, keeps them a minute). */
    char path[64], lock[64];
    int best = -1, best_fd = -1;
    struct timespec best_time = {0, 0};
    for (int i = 0; i < POOL_SIZE; i++) {
        snprintf(lock, sizeof lock, POOL_DIR "/netns-%d.lock", i);
        int lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (lfd < 0)
            continue;
        struct stat lst;
        if (flock(lfd, LOCK_EX | LOCK_NB) != 0 || fstat(lfd, &lst) != 0) {
            close(lfd);
            continue; /* another run has it */
        }
        if (best < 0 || lst.st_mtim.tv_sec < best_time.tv_sec ||
            (lst.st_mtim.tv_sec == best_time.tv_sec && lst.st_mtim.tv_nsec < best_time.tv_nsec)) {
            if (best_fd >= 0)
                close(best_fd);
            best = i;
            best_fd = lfd;
            best_time = lst.st_mtim;
        } else {
            close(lfd);
        }
    }
    if (best < 0)
        return false;
    (void)futimens(best_fd, NULL);
    snprintf(path, sizeof path, POOL_DIR "/netns-%d", best);
    int ns = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (ns < 0 || !is_netns(ns)) {
        if (ns >= 0)
            close(ns);
        (void)umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
        ns = make_one(path) ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
        if (ns >= 0 && !is_netns(ns)) {
            close(ns);
            ns = -1;
        }
    }
    if (ns < 0) {
        close(best_fd);
        return false;
    }
    *lease = (NetnsLease){.ns_fd = ns, .lock_fd = best_fd};
    return true;
}

void netns_release(NetnsLease *lease)
{
    if (lease->ns_fd >= 0)
        close(lease->ns_fd);
    if (lease->lock_fd >= 0)
        close(lease->lock_fd);
    *lease = (NetnsLease){.ns_fd = -1, .lock_fd = -1};
}

int netns_within(const NetnsLease *lease, int (*clone_fn)(void *), void *arg)
{
    int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (self < 0)
        return -1;
    if (setns(lease->ns_fd, CLONE_NEWNET) != 0) {
        int e = errno;
        close(self);
        errno = e;
        return -1;
    }
    int r = clone_fn(arg);
    int e = errno;
    (void)setns(self, CLONE_NEWNET);
    close(self);
    errno = e;
    return r;
}
