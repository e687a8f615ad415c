#include "worker.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "xalloc.h"

typedef struct Job {
    JobFn run, done;
    void *arg;
    struct Job *next;
} Job;

struct Worker {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    Job *todo, *todo_tail; /* waiting to run */
    Job *finished, *finished_tail;
    int running;
    bool stop;
    JobFn drop; /* set when abandoned: the thread cleans up */
    int efd;
};

static void drop_all(Job *j, JobFn drop)
{
    while (j) {
        Job *next = j->next;
        drop(j->arg);
        free(j);
        j = next;
    }
}

static void destroy(Worker *w)
{
    close(w->efd);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    free(w);
}

static void push(Job **head, Job **tail, Job *j)
{
    j->next = NULL;
    if (*tail)
        (*tail)->next = j;
    else
        *head = j;
    *tail = j;
}

static void *loop(void *arg)
{
    Worker *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->todo && !w->stop)
            pthread_cond_wait(&w->cond, &w->lock);
        if (!w->todo)
            break;
        Job *j = w->todo;
        w->todo = j->next;
        if (!w->todo)
            w->todo_tail = NULL;
        w->running++;
        pthread_mutex_unlock(&w->lock);
        j->run(j->arg);
        pthread_mutex_lock(&w->lock);
        w->running--;
        push(&w->finished, &w->finished_tail, j);
        uint64_t one = 1;
        (void)!write(w->efd, &one, sizeof one);
        if (w->drop)
            break;
    }
    JobFn drop = w->drop;
    pthread_mutex_unlock(&w->lock);
    if (drop) {
        /* Abandoned: nobody waits for us; leave nothing behind. */
        drop_all(w->finished, drop);
        drop_all(w->todo, drop);
        destroy(w);
    }
    return NULL;
}

void worker_abandon(Worker *w, JobFn drop)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    if (!w->running) {
        /* Nothing in progress: an ordinary stop, dropping what is queued. */
        Job *todo = w->todo;
        w->todo = w->todo_tail = NULL;
        w->stop = true;
        pthread_cond_signal(&w->cond);
        pthread_mutex_unlock(&w->lock);
        pthread_join(w->thread, NULL);
        drop_all(todo, drop);
        drop_all(w->finished, drop);
        destroy(w);
        return;
    }
    w->drop = drop;
    w->stop = true;
    pthread_detach(w->thread);
    pthread_mutex_unlock(&w->lock);
}

Worker *worker_new(void)
{
    Worker *w = xcalloc(1, sizeof *w);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (w->efd < 0 || pthread_create(&w->thread, NULL, loop, w) != 0)
        abort(); /* no thread or eventfd: the process is out of resources */
    return w;
}

void worker_submit(Worker *w, JobFn run, JobFn done, void *arg)
{
    Job *j = xmalloc(sizeof *j);
    *j = (Job){run, done, arg, NULL};
    pthread_mutex_lock(&w->lock);
    push(&w->todo, &w->todo_tail, j);
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

void worker_drop_waiting(Worker *w, JobFn drop)
{
    pthread_mutex_lock(&w->lock);
    Job *j = w->todo;
    w->todo = w->todo_tail = NULL;
    pthread_mutex_unlock(&w->lock);
    drop_all(j, drop);
}

int worker_fd(const Worker *w)
{
    return w->efd;
}

void worker_collect(Worker *w)
{
    uint64_t n;
    (void)!read(w->efd, &n, sizeof n);
    pthread_mutex_lock(&w->lock);
    Job *j = w->finished;
    w->finished = w->finished_tail = NULL;
    pthread_mutex_unlock(&w->lock);
    while (j) {
        Job *next = j->next;
        if (j->done)
            j->done(j->arg);
        free(j);
        j = next;
    }
}

bool worker_busy(Worker *w)
{
    pthread_mutex_lock(&w->lock);
    bool busy = w->todo || w->running;
    pthread_mutex_unlock(&w->lock);
    return busy;
}

void worker_free(Worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    worker_collect(w);
    destroy(w);
}
