/* Network namespaces made once and reused: creating one costs about a
 * millisecond (every network subsystem initialises its per-namespace
 * state), the largest part of a sandbox's start.
 *
 * A pool of empty namespaces (loopback up, nothing else) is kept as bind
 * mounts in /run/tide, as `ip netns` keeps its own; a run takes one for
 * itself (an exclusive flock), so runs at once never share a loopback.
 * Once a run's processes are gone its namespace holds nothing of it: a
 * program has no capability in it, so it cannot add addresses, routes or
 * rules, and its sockets close with it.  Only root can keep such mounts;
 * other users' runs get a fresh namespace each time. */
#ifndef TIDE_NETNS_H
#define TIDE_NETNS_H

#include <stdbool.h>

typedef struct NetnsLease {
    int ns_fd;   /* the namespace (setns it before clone), -1: none */
    int lock_fd; /* held for the run's lifetime */
} NetnsLease;

/* A free namespace from the pool, made if needed.  False (and a lease of
 * -1s) when there is none to be had: the caller creates one per run. */
bool netns_acquire(NetnsLease *lease);
void netns_release(NetnsLease *lease);

/* Run clone_fn(arg) on this thread while it is in lease's namespace (a
 * thread's network namespace is its own), then come back.  Returns what
 * clone_fn returns, or -1 with errno when the switch fails. */
int netns_within(const NetnsLease *lease, int (*clone_fn)(void *), void *arg);

#endif
