#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "testutil.h"

Test(exec, status_names_are_design_md_names)
{
    const char *names[] = {"ok", "compile_error", "runtime_error", "timeout", "memory_limit",
                           "output_limit", "killed", "sandbox_error", "invalid_request"};
    for (int i = 0; i < RUN_STATUS_COUNT; i++)
        cr_expect_str_eq(run_status_name((RunStatus)i), names[i]);
}

Test(exec, json_is_lossless_for_binary_output)
{
    RunResult res = {.status = RUN_OK, .exit_code = 0, .peak_memory_kb = -1};
    sb_append(&res.output, "a\xff\x00z", 4);
    sb_puts(&res.error, "caf\xc3\xa9");
    json_t *j = run_result_json(&res, lang_by_key("c"));
    cr_assert_str_eq(json_string_value(json_object_get(j, "output_base64")), "Yf8Aeg==");
    json_t *out = json_object_get(j, "output");
    cr_assert_eq(json_string_length(out), 6); /* a, U+FFFD (3 bytes), NUL, z */
    cr_assert_eq(memcmp(json_string_value(out), "a\xef\xbf\xbd\0z", 6), 0);
    cr_assert_str_eq(json_string_value(json_object_get(j, "error")), "caf\xc3\xa9");
    cr_assert_null(json_object_get(j, "error_base64"));
    cr_assert(json_is_true(json_object_get(j, "success")));
    cr_assert(json_is_null(json_object_get(j, "peak_memory_kb")));
    cr_assert_str_eq(json_string_value(json_object_get(j, "language")), "c");
    json_decref(j);
    run_result_free(&res);
}

typedef struct Job {
    App *app;
    const char *dir, *file;
    RunControl *ctl;
    RunResult res;
    bool ok;
    int phases;
    atomic_bool printed; /* some output has arrived */
} Job;

static void count_phase(void *ud, const char *phase)
{
    (void)phase;
    ((Job *)ud)->phases++;
}

static bool note_output(void *ud, int stream, const char *data, size_t len)
{
    (void)stream, (void)data, (void)len;
    atomic_store(&((Job *)ud)->printed, true);
    return true;
}

static void *run_job(void *arg)
{
    Job *job = arg;
    RunRequest req = {0};
    run_request_defaults(&req, &job->app->cfg);
    const char *files[] = {job->file, NULL};
    req.lang = lang_by_path(job->file);
    req.workdir = job->dir;
    req.files = files;
    req.timeout_ms = 20000;
    req.control = job->ctl;
    RunCallbacks cb = {.ud = job, .phase = count_phase, .output = note_output};
    Err err;
    job->ok = exec_run(job->app, &req, &cb, &job->res, &err);
    return NULL;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    tu_write(path, text, strlen(text));
    free(path);
}

Test(exec, runs_from_threads_at_once_and_stops_on_request)
{
    char *python = lang_which("python3", NULL);
    if (!python)
        cr_skip_test("python3 is not installed");
    free(python);
    tu_fresh_xdg();
    App app;
    Err err;
    cr_assert(app_init(&app, &err), "%s", err.msg);
    char *dir = tu_tempdir();
    write_file(dir, "hello.py", "print('hello')\n");
    write_file(dir, "forever.py", "import time\nprint('up', flush=True)\ntime.sleep(60)\n");

    Job hello = {.app = &app, .dir = dir, .file = "hello.py"};
    Job forever = {.app = &app, .dir = dir, .file = "forever.py", .ctl = run_control_new()};
    pthread_t t1, t2;
    pthread_create(&t2, NULL, run_job, &forever);
    pthread_create(&t1, NULL, run_job, &hello);
    pthread_join(t1, NULL);
    cr_assert(hello.ok, "%s", hello.res.message);
    cr_expect_eq(hello.res.status, RUN_OK, "%s", hello.res.message);
    cr_expect_str_eq(hello.res.output.data, "hello\n");
    cr_expect_eq(hello.phases, 1);

    /* Stopped once it is surely running: after its first line (on a
     * loaded machine, under ASan, that may take a while). */
    for (int i = 0; i < 1000 && !atomic_load(&forever.printed); i++)
        usleep(10 * 1000);
    cr_expect(atomic_load(&forever.printed), "forever.py printed nothing in 10 s");
    run_control_stop(forever.ctl);
    pthread_join(t2, NULL);
    cr_expect_eq(forever.res.status, RUN_KILLED, "%s", run_status_name(forever.res.status));
    cr_expect_str_eq(forever.res.output.data ? forever.res.output.data : "", "up\n");

    run_result_free(&hello.res);
    run_result_free(&forever.res);
    run_control_free(forever.ctl);
    app_free(&app);
}

Test(exec, invalid_requests_say_why)
{
    tu_fresh_xdg();
    App app;
    Err err;
    cr_assert(app_init(&app, &err), "%s", err.msg);
    char *dir = tu_tempdir();
    RunRequest req = {0};
    run_request_defaults(&req, &app.cfg);
    const char *files[] = {"../escape.py", NULL};
    req.lang = lang_by_key("python");
    req.workdir = dir;
    req.files = files;
    RunResult res;
    cr_assert_not(exec_run(&app, &req, NULL, &res, &err));
    cr_expect_eq(res.status, RUN_INVALID_REQUEST);
    cr_expect(strstr(err.msg, "is not a path inside") != NULL, "%s", err.msg);
    run_result_free(&res);
    app_free(&app);
}

/* Another thread busy creating threads (and so taking glibc's internal
 * locks) while runs start: the sandbox's child must not depend on a lock
 * it inherited in whatever state that thread left it. */
static atomic_bool churning;

static void *nothing(void *arg)
{
    return arg;
}

static void *churn(void *arg)
{
    (void)arg;
    while (atomic_load(&churning)) {
        pthread_t t;
        if (pthread_create(&t, NULL, nothing, NULL) == 0)
            pthread_join(t, NULL);
    }
    return NULL;
}

Test(exec, runs_start_while_other_threads_create_threads, .timeout = 120)
{
    char *python = lang_which("python3", NULL);
    if (!python)
        cr_skip_test("python3 is not installed");
    free(python);
    tu_fresh_xdg();
    App app;
    Err err;
    cr_assert(app_init(&app, &err), "%s", err.msg);
    char *dir = tu_tempdir();
    write_file(dir, "hello.py", "print('hello')\n");
    atomic_store(&churning, true);
    pthread_t bg;
    pthread_create(&bg, NULL, churn, NULL);
    for (int i = 0; i < 15; i++) {
        Job job = {.app = &app, .dir = dir, .file = "hello.py"};
        run_job(&job);
        cr_expect_eq(job.res.status, RUN_OK, "run %d: %s", i, job.res.message);
        run_result_free(&job.res);
    }
    atomic_store(&churning, false);
    pthread_join(bg, NULL);
    app_free(&app);
}
