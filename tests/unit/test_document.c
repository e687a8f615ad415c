#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "document.h"
#include "fileio.h"
#include "recovery.h"
#include "testutil.h"
#include "worker.h"
#include "xalloc.h"

static bool save(Document *d, Err *err)
{
    BufferSnapshot *s = buffer_snapshot(d->buf);
    uint64_t state = buffer_state(d->buf);
    bool ok = document_write(d->path, s, &d->disk, err);
    snapshot_unref(s);
    if (ok)
        buffer_mark_saved(d->buf, state);
    return ok;
}

Test(document, unchanged_bytes_are_saved_back_identical)
{
    char *dir = tu_tempdir();
    char *path = xasprintf("%s/data.bin", dir);
    static const char data[] = "crlf\r\nline\r\n\xff\xfe\x00binary\x80\r\nend";
    tu_write(path, data, sizeof data - 1);
    chmod(path, 0640);
    Document *d;
    Err err;
    cr_assert(document_open(path, &d, &err), "%s", err.msg);
    cr_assert(d->crlf);
    cr_assert_not(buffer_modified(d->buf));
    buffer_insert(d->buf, 0, "x", 1);
    buffer_delete(d->buf, 0, 1);
    cr_assert(save(d, &err), "%s", err.msg);
    size_t len;
    char *back = tu_read(path, &len);
    cr_assert_eq(len, sizeof data - 1);
    cr_assert_eq(memcmp(back, data, len), 0);
    struct stat st;
    stat(path, &st);
    cr_assert_eq(st.st_mode & 0777, 0640, "permissions kept");
    cr_assert_not(document_disk_changed(d));
    free(back);
    document_free(d);
    free(path);
}

Test(document, new_file_missing_folder_and_disk_changes)
{
    char *dir = tu_tempdir();
    char *path = xasprintf("%s/new.py", dir);
    Document *d;
    Err err;
    cr_assert(document_open(path, &d, &err), "%s", err.msg);
    cr_assert_eq(buffer_length(d->buf), 0);
    cr_assert_eq(d->lang, lang_by_key("python"));
    cr_assert_not(d->disk.exists);
    buffer_insert(d->buf, 0, "print(1)\n", 9);
    cr_assert(save(d, &err), "%s", err.msg);
    cr_assert_not(document_disk_changed(d));
    sleep(0); /* a write by someone else, with another size */
    tu_write(path, "print(2)\n# more\n", 16);
    cr_assert(document_disk_changed(d));
    cr_assert(document_reload(d, &err));
    cr_assert_eq(buffer_length(d->buf), 16);
    cr_assert_not(buffer_modified(d->buf));
    size_t cur;
    cr_assert(buffer_undo(d->buf, &cur), "a reload can be undone");
    document_free(d);

    char *bad = xasprintf("%s/no/such/file.c", dir);
    cr_assert_not(document_open(bad, &d, &err));
    cr_assert(strstr(err.msg, "no/such"), "%s", err.msg);
    cr_assert_not(document_open(dir, &d, &err));
    free(bad);
    free(path);
}

Test(document, failed_save_leaves_the_original)
{
    if (geteuid() == 0) {
        /* root writes into read-only folders; nothing to see here */
        cr_skip_test("running as root: permissions do not stop a save");
    }
    char *dir = tu_tempdir();
    char *sub = xasprintf("%s/ro", dir);
    mkdir(sub, 0700);
    char *path = xasprintf("%s/f.txt", sub);
    tu_write(path, "original\n", 9);
    Document *d;
    Err err;
    cr_assert(document_open(path, &d, &err));
    buffer_insert(d->buf, 0, "changed ", 8);
    chmod(sub, 0500);
    cr_assert_not(save(d, &err));
    cr_assert(buffer_modified(d->buf));
    chmod(sub, 0700);
    size_t len;
    char *back = tu_read(path, &len);
    cr_assert_str_eq(back, "original\n");
    free(back);
    document_free(d);
    free(path);
    free(sub);
}

Test(document, symlink_is_saved_through)
{
    char *dir = tu_tempdir();
    char *target = xasprintf("%s/real.txt", dir), *link = xasprintf("%s/link.txt", dir);
    tu_write(target, "a\n", 2);
    cr_assert_eq(symlink(target, link), 0);
    Document *d;
    Err err;
    cr_assert(document_open(link, &d, &err));
    buffer_insert(d->buf, 0, "b", 1);
    cr_assert(save(d, &err), "%s", err.msg);
    struct stat st;
    cr_assert_eq(lstat(link, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "the link is still a link");
    char *back = tu_read(target, NULL);
    cr_assert_str_eq(back, "ba\n");
    free(back);
    document_free(d);
    free(target);
    free(link);
}

Test(recovery, written_read_and_removed)
{
    tu_fresh_xdg();
    Paths paths;
    Err err;
    cr_assert(paths_init(&paths, &err));
    char *file = xasprintf("%s/prog.py", tu_tempdir());
    char *rec = recovery_path(&paths, file);
    cr_assert(strstr(rec, "/tide/recovery/prog.py."), "%s", rec);
    Recovery r;
    cr_assert_not(recovery_read(rec, &r, &err));
    cr_assert_str_eq(err.msg, "");
    Buffer *b = buffer_new();
    buffer_insert(b, 0, "unsaved\n\nwork\xff", 14);
    BufferSnapshot *s = buffer_snapshot(b);
    cr_assert(recovery_write(rec, file, s, &err), "%s", err.msg);
    snapshot_unref(s);
    struct stat st;
    stat(rec, &st);
    cr_assert_eq(st.st_mode & 0777, 0600);
    cr_assert(recovery_read(rec, &r, &err), "%s", err.msg);
    cr_assert_str_eq(r.file_path, file);
    cr_assert_eq(r.len, 14);
    cr_assert_eq(memcmp(r.data, "unsaved\n\nwork\xff", 14), 0);
    cr_assert_gt(r.written, 0);
    recovery_free(&r);
    recovery_remove(rec);
    cr_assert_not(recovery_read(rec, &r, &err));
    buffer_free(b);
    free(rec);
    free(file);
    paths_free(&paths);
}

/* Not restored, the text is kept as a file of its own (twice the same
 * moment: two names), and the recovery file goes.  A dotfile's too. */
Test(recovery, changes_not_restored_are_set_aside)
{
    tu_fresh_xdg();
    Paths paths;
    Err err;
    cr_assert(paths_init(&paths, &err));
    char *file = xasprintf("%s/.notes", tu_tempdir());
    char *rec = recovery_path(&paths, file);
    Buffer *b = buffer_new();
    buffer_insert(b, 0, "kept\xff\n", 6);
    char *aside[2];
    for (int i = 0; i < 2; i++) {
        BufferSnapshot *s = buffer_snapshot(b);
        cr_assert(recovery_write(rec, file, s, &err), "%s", err.msg);
        snapshot_unref(s);
        cr_assert(recovery_set_aside(&paths, rec, &aside[i], &err), "%s", err.msg);
        cr_assert(strstr(aside[i], "/tide/set-aside/.notes."), "%s", aside[i]);
        size_t len;
        char *data = tu_read(aside[i], &len);
        cr_assert_eq(len, 6);
        cr_expect_eq(memcmp(data, "kept\xff\n", 6), 0);
        free(data);
        cr_expect_eq(access(rec, F_OK), -1, "the recovery file is still there");
    }
    cr_expect_str_neq(aside[0], aside[1]);
    StrList files = {0};
    cr_assert(recovery_set_aside_files(&paths, &files, &err), "%s", err.msg);
    cr_assert_eq(files.len, 2);
    cr_expect(sl_contains(&files, aside[0]) && sl_contains(&files, aside[1]));
    /* Nothing left to set aside: said so. */
    free(aside[0]);
    cr_expect_not(recovery_set_aside(&paths, rec, &aside[0], &err));
    cr_expect_null(aside[0]);
    cr_expect_str_eq(err.msg, "the recovery file is gone");
    sl_free(&files);
    free(aside[1]);
    buffer_free(b);
    free(rec);
    free(file);
    paths_free(&paths);
}

static void job_run(void *arg)
{
    int *v = arg;
    v[0] = 1;
}

static void job_done(void *arg)
{
    int *v = arg;
    v[1] = v[0] + 1;
}

Test(worker, runs_jobs_and_reports_back)
{
    Worker *w = worker_new();
    int v[2] = {0, 0};
    worker_submit(w, job_run, job_done, v);
    while (worker_busy(w))
        usleep(1000);
    cr_assert_eq(v[0], 1);
    cr_assert_eq(v[1], 0, "done runs only on collect");
    worker_collect(w);
    cr_assert_eq(v[1], 2);
    int u[2] = {0, 0};
    worker_submit(w, job_run, job_done, u);
    worker_free(w);
    cr_assert_eq(u[1], 2, "freeing finishes the queue");
}

static void slow_run(void *arg)
{
    usleep(200000);
    *(int *)arg = 1;
}

static int dropped;

static void count_drop(void *arg)
{
    (void)arg;
    __atomic_add_fetch(&dropped, 1, __ATOMIC_SEQ_CST);
}

/* Says it started, then takes its time. */
static void started_run(void *arg)
{
    int *v = arg;
    __atomic_store_n(&v[1], 1, __ATOMIC_SEQ_CST);
    usleep(100000);
    v[0] = 1;
}

/* The jobs not started yet are given back; the one running finishes. */
Test(worker, waiting_jobs_are_dropped)
{
    Worker *w = worker_new();
    int a[2] = {0, 0}, b = 0, c = 0;
    dropped = 0;
    worker_submit(w, started_run, NULL, a);
    while (!__atomic_load_n(&a[1], __ATOMIC_SEQ_CST))
        usleep(1000);
    worker_submit(w, slow_run, NULL, &b);
    worker_submit(w, slow_run, NULL, &c);
    worker_drop_waiting(w, count_drop);
    cr_expect_eq(dropped, 2);
    worker_free(w);
    cr_expect_eq(a[0], 1);
    cr_expect_eq(b + c, 0, "a dropped job ran");
}

Test(worker, abandon_does_not_wait)
{
    Worker *w = worker_new();
    static int a, b;
    worker_submit(w, slow_run, NULL, &a);
    worker_submit(w, slow_run, NULL, &b);
    usleep(20000); /* the first job is running */
    worker_abandon(w, count_drop);
    cr_assert_eq(a, 0, "abandoning did not wait for the job");
    for (int i = 0; i < 100 && __atomic_load_n(&dropped, __ATOMIC_SEQ_CST) < 2; i++)
        usleep(10000);
    cr_assert_eq(dropped, 2, "both jobs' arguments were dropped");
    cr_assert_eq(b, 0, "the queued job never ran");
}

static void write_recovery(const char *rec, const char *file, const char *text)
{
    Err err;
    Buffer *b = buffer_new();
    buffer_insert(b, 0, text, strlen(text));
    BufferSnapshot *s = buffer_snapshot(b);
    cr_assert(recovery_write(rec, file, s, &err), "%s", err.msg);
    snapshot_unref(s);
    buffer_free(b);
}

static char *recovered_text(const char *rec)
{
    Recovery r;
    Err err;
    cr_assert(recovery_read(rec, &r, &err), "no recovery at %s: %s", rec, err.msg);
    char *text = xstrdup(r.data);
    recovery_free(&r);
    return text;
}

/* tide status lists the files whose changes wait: those of a slot no IDE
 * holds, by the path their header names, sorted. */
Test(recovery, the_changes_left_waiting_are_listed)
{
    tu_fresh_xdg();
    Paths paths;
    Err err;
    cr_assert(paths_init(&paths, &err));
    StrList waiting = {0}, untitled = {0};
    cr_assert(recovery_waiting(&paths, &waiting, &untitled, &err), "no folder yet is none: %s", err.msg);
    cr_assert_eq(waiting.len, 0);
    const char *dir = tu_tempdir();
    /* alpha a dotfile: its recovery file's name starts with a dot too. */
    char *zeta = xasprintf("%s/zeta.py", dir), *alpha = xasprintf("%s/.alpha", dir);
    RecoveryClaim z, a;
    cr_assert(recovery_claim(&paths, zeta, &z, &err), "%s", err.msg);
    cr_assert(recovery_claim(&paths, alpha, &a, &err), "%s", err.msg);
    write_recovery(z.path, zeta, "z");
    write_recovery(a.path, alpha, "a");
    cr_assert(recovery_waiting(&paths, &waiting, &untitled, &err), "%s", err.msg);
    cr_assert_eq(waiting.len, 0, "both are being edited");
    /* Both end as a crash does: their locks let go, not removed. */
    close(z.lock_fd), z.lock_fd = -1;
    close(a.lock_fd), a.lock_fd = -1;
    cr_assert(recovery_waiting(&paths, &waiting, &untitled, &err), "%s", err.msg);
    cr_assert_eq(waiting.len, 2);
    cr_assert_str_eq(waiting.items[0], alpha);
    cr_assert_str_eq(waiting.items[1], zeta);
    cr_assert_eq(untitled.len, 0);
    sl_free(&waiting);
    recovery_release(&z);
    recovery_release(&a);
    free(zeta);
    free(alpha);
    paths_free(&paths);
}

/* Two IDEs on one file (two terminals): each its own recovery file, so
 * neither offers, overwrites nor removes the other's unsaved changes; a
 * slot nobody holds is a crash's, and is offered. */
Test(recovery, two_editors_of_one_file_keep_their_own)
{
    tu_fresh_xdg();
    Paths paths;
    Err err;
    cr_assert(paths_init(&paths, &err));
    char *file = xasprintf("%s/prog.py", tu_tempdir());
    RecoveryClaim a, b, c;
    cr_assert(recovery_claim(&paths, file, &a, &err), "%s", err.msg);
    cr_assert_eq(a.others, 0);
    write_recovery(a.path, file, "from a");
    /* flock: two open files conflict even in one process. */
    cr_assert(recovery_claim(&paths, file, &b, &err), "%s", err.msg);
    cr_assert_eq(b.others, 1);
    cr_assert_eq(b.other_pid, (long)getpid());
    cr_assert_str_neq(a.path, b.path);
    cr_assert_not(fileio_exists(b.path), "b is not offered a's live changes");
    write_recovery(b.path, file, "from b");
    /* b ends as a crash does: its lock file unlocked, not removed, and its
     * recovery file left. */
    char *b_rec = xstrdup(b.path);
    close(b.lock_fd);
    b.lock_fd = -1;
    recovery_release(&b);
    char *text = recovered_text(a.path);
    cr_assert_str_eq(text, "from a");
    free(text);
    /* The next editor takes b's slot, and b's changes with it. */
    cr_assert(recovery_claim(&paths, file, &c, &err), "%s", err.msg);
    cr_assert_eq(c.others, 1);
    cr_assert_str_eq(c.path, b_rec);
    text = recovered_text(c.path);
    cr_assert_str_eq(text, "from b");
    free(text);
    recovery_remove(c.path);
    recovery_release(&c);
    /* a ends too; a's changes, left in slot 0, go to whoever comes. */
    char *a_rec = xstrdup(a.path);
    recovery_release(&a);
    write_recovery(b_rec, file, "from b again");
    recovery_remove(a_rec);
    /* Slot 0 free and empty, slot 1 a crash's: taken over into slot 0. */
    cr_assert(recovery_claim(&paths, file, &c, &err), "%s", err.msg);
    cr_assert_eq(c.others, 0);
    cr_assert_str_eq(c.path, a_rec);
    text = recovered_text(c.path);
    cr_assert_str_eq(text, "from b again");
    free(text);
    cr_assert_not(fileio_exists(b_rec));
    recovery_release(&c);
    free(a_rec);
    free(b_rec);
    free(file);
    paths_free(&paths);
}

/* An untitled tab's text is kept for the IDE's folder, a slot a tab: a
 * second tab or IDE never writes over it, a new tab never takes what a
 * crash left, and the next IDE on the folder adopts it to offer it back;
 * tide status names the folder, not a file. */
Test(recovery, an_untitled_tab_is_kept_for_its_folder)
{
    tu_fresh_xdg();
    Paths paths;
    Err err;
    cr_assert(paths_init(&paths, &err));
    const char *dir = tu_tempdir();
    RecoveryClaim a, b, c, d;
    cr_assert(recovery_claim_untitled(&paths, dir, true, &a, &err), "%s", err.msg);
    cr_assert_null(a.path, "nothing to adopt yet");
    cr_assert(recovery_claim_untitled(&paths, dir, false, &a, &err), "%s", err.msg);
    cr_assert(recovery_claim_untitled(&paths, dir, false, &b, &err), "%s", err.msg);
    cr_assert_not_null(a.path);
    cr_assert_str_neq(a.path, b.path);
    cr_assert_str_eq(a.folder, dir);
    Buffer *buf = buffer_new();
    buffer_insert(buf, 0, "typed, never named", 18);
    BufferSnapshot *s = buffer_snapshot(buf);
    cr_assert(recovery_write_untitled(a.path, dir, s, &err), "%s", err.msg);
    snapshot_unref(s);
    buffer_free(buf);
    /* a ends as a crash does. */
    char *a_rec = xstrdup(a.path);
    close(a.lock_fd), a.lock_fd = -1;
    recovery_release(&a);
    StrList waiting = {0}, untitled = {0};
    cr_assert(recovery_waiting(&paths, &waiting, &untitled, &err), "%s", err.msg);
    cr_assert_eq(waiting.len, 0, "no file is waiting");
    cr_assert_eq(untitled.len, 1);
    cr_assert_str_eq(untitled.items[0], dir);
    /* A new tab takes a slot of its own, not the crash's. */
    cr_assert(recovery_claim_untitled(&paths, dir, false, &c, &err), "%s", err.msg);
    cr_assert_str_neq(c.path, a_rec);
    cr_assert_str_neq(c.path, b.path);
    /* The next IDE adopts it; no other can while it holds it. */
    cr_assert(recovery_claim_untitled(&paths, dir, true, &d, &err), "%s", err.msg);
    cr_assert_str_eq(d.path, a_rec);
    RecoveryClaim e;
    cr_assert(recovery_claim_untitled(&paths, dir, true, &e, &err), "%s", err.msg);
    cr_assert_null(e.path, "a held slot is not adopted twice");
    Recovery r;
    cr_assert(recovery_read(d.path, &r, &err), "%s", err.msg);
    cr_assert(r.untitled);
    cr_assert_str_eq(r.file_path, dir);
    cr_assert_str_eq(r.data, "typed, never named");
    recovery_free(&r);
    /* Not restored: set aside under a name that says what it was. */
    char *aside;
    cr_assert(recovery_set_aside(&paths, d.path, &aside, &err), "%s", err.msg);
    cr_assert(strstr(aside, "/set-aside/untitled."), "%s", aside);
    cr_assert_not(fileio_exists(a_rec));
    free(aside);
    sl_free(&untitled);
    recovery_release(&b);
    recovery_release(&c);
    recovery_release(&d);
    free(a_rec);
    paths_free(&paths);
}

/* A fifo or a socket named as a file: one line saying what it is, and
 * never a wait for a writer that does not come. */
Test(document, a_fifo_or_a_socket_is_not_opened)
{
    char *fifo = xasprintf("%s/pipe", tu_tempdir());
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    Document *d;
    Err err;
    cr_assert_not(document_open(fifo, &d, &err));
    cr_assert(strstr(err.msg, "pipe is not a regular file (a device, pipe or socket)"), "%s", err.msg);
    char *sock = xasprintf("%s/sock", tu_tempdir());
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", sock);
    cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_not(document_open(sock, &d, &err));
    cr_assert(strstr(err.msg, "sock is not a regular file (a device, pipe or socket)"), "%s", err.msg);
    close(s);
    free(sock);
    free(fifo);
}
