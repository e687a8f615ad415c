/* A background thread for work the UI must not wait on: writing files
 * (saves, recovery files), probing toolchains.  Jobs run one after the
 * other on the worker's thread; when one finishes, its `done` callback is
 * queued for the UI thread, which polls worker_fd and calls
 * worker_collect. */
#ifndef TIDE_WORKER_H
#define TIDE_WORKER_H

#include <stdbool.h>

typedef struct Worker Worker;
typedef void (*JobFn)(void *arg);

Worker *worker_new(void);
/* Finish the queued jobs, run their done callbacks here, stop the thread. */
void worker_free(Worker *w);
/* Stop the worker without waiting for a job in progress (quitting while
 * a toolchain probe runs): no done callback runs again; drop(arg) frees
 * the argument of every job left, on whichever thread finishes last. */
void worker_abandon(Worker *w, JobFn drop);
/* Queue run(arg) for the worker's thread; done(arg) (may be NULL) runs on
 * the collecting thread afterwards and owns arg from then on. */
void worker_submit(Worker *w, JobFn run, JobFn done, void *arg);
/* Take back the jobs not started yet (a newer one makes them pointless:
 * the picture after the picture after...): drop(arg) for each, here. */
void worker_drop_waiting(Worker *w, JobFn drop);
/* Readable while finished jobs wait for worker_collect. */
int worker_fd(const Worker *w);
/* Run the done callbacks of the finished jobs. */
void worker_collect(Worker *w);
/* Jobs queued or running. */
bool worker_busy(Worker *w);

#endif
