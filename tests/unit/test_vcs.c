#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "gitlib.h"
#include "testutil.h"
#include "vcs.h"
#include "xalloc.h"

typedef struct Repo {
    char *root, *git, *work;
    Vcs v;
} Repo;

static void repo_new(Repo *r)
{
    r->root = tu_tempdir();
    r->git = xasprintf("%s/git", r->root);
    r->work = xasprintf("%s/work", r->root);
    cr_assert(fileio_mkdirs(r->work, 0700, NULL));
    Err err;
    cr_assert(vcs_init(r->git, &err), "%s", err.msg);
    cr_assert(vcs_open(&r->v, r->git, r->work, &err), "%s", err.msg);
}

static void repo_free(Repo *r)
{
    vcs_close(&r->v);
    free(r->git);
    free(r->work);
}

static void put(Repo *r, const char *rel, const char *text)
{
    char *p = xasprintf("%s/%s", r->work, rel);
    tu_write(p, text, strlen(text));
    free(p);
}

/* Snapshot, commit and advance, as a recorded run does; returns the commit. */
static char *record(Repo *r, const VcsSnapshotOptions *opt, VcsSnapshot *snap)
{
    Err err;
    VcsSnapshotOptions none = {0};
    cr_assert(vcs_snapshot(&r->v, opt ? opt : &none, snap, &err), "%s", err.msg);
    char commit[VCS_OID_LEN + 1];
    cr_assert(vcs_commit(&r->v, snap, "run", commit, &err), "%s", err.msg);
    cr_assert(vcs_advance(&r->v, commit, &err), "%s", err.msg);
    return xstrdup(commit);
}

/* record, for a test that needs only the commit. */
static char *commit_now(Repo *r)
{
    VcsSnapshot snap;
    char *commit = record(r, NULL, &snap);
    vcs_snapshot_free(&snap);
    return commit;
}

static bool has_file(Repo *r, const char *commit, const char *path)
{
    VcsFile *files;
    size_t n;
    Err err;
    cr_assert(vcs_files(&r->v, commit, &files, &n, &err), "%s", err.msg);
    bool found = false;
    for (size_t i = 0; i < n; i++)
        found = found || strcmp(files[i].path, path) == 0;
    vcs_files_free(files, n);
    return found;
}

static char *notes_text(const VcsSnapshot *s)
{
    StrBuf sb = {0};
    for (size_t i = 0; i < s->notes.len; i++)
        sb_printf(&sb, "%s\n", s->notes.items[i]);
    return sb_steal(&sb);
}

/* Open the session's git folder again, as the next run does. */
static void reopen(Repo *r)
{
    Err err;
    vcs_close(&r->v);
    cr_assert(vcs_open(&r->v, r->git, r->work, &err), "%s", err.msg);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
    closedir(d);
    return n;
}

Test(vcs, snapshot_then_noop_snapshot)
{
    Repo r;
    repo_new(&r);
    put(&r, "main.py", "print('hi')\n");
    put(&r, "lib/util.py", "X = 1\n");
    VcsSnapshot s1, s2;
    char *c1 = record(&r, NULL, &s1);
    cr_assert(s1.changed);
    cr_assert_eq(s1.nfiles, 2);
    cr_assert_str_eq(s1.parent, "");
    char *c2 = record(&r, NULL, &s2);
    cr_assert_not(s2.changed, "nothing changed: no new commit");
    cr_assert_str_eq(c2, c1);
    cr_assert_str_eq(s2.parent, c1);
    /* The work tree holds exactly the user's files: no .git, no index. */
    cr_assert_eq(count_entries(r.work), 2);
    char *lib = xasprintf("%s/lib", r.work);
    cr_assert_eq(count_entries(lib), 1);
    free(lib);
    vcs_snapshot_free(&s1);
    vcs_snapshot_free(&s2);
    free(c1);
    free(c2);
    repo_free(&r);
}

Test(vcs, same_size_rewrite_is_seen)
{
    /* The stat cache must not hide an edit that keeps the size. */
    Repo r;
    repo_new(&r);
    put(&r, "a.txt", "aaaa\n");
    VcsSnapshot s1, s2;
    char *c1 = record(&r, NULL, &s1);
    put(&r, "a.txt", "bbbb\n");
    char *c2 = record(&r, NULL, &s2);
    cr_assert(s2.changed);
    cr_assert_str_neq(c1, c2);
    char *data;
    size_t len;
    Err err;
    cr_assert(vcs_read(&r.v, c2, "a.txt", 100, &data, &len, &err), "%s", err.msg);
    cr_assert_str_eq(data, "bbbb\n");
    free(data);
    vcs_snapshot_free(&s1);
    vcs_snapshot_free(&s2);
    free(c1);
    free(c2);
    repo_free(&r);
}

Test(vcs, diff_between_commits)
{
    Repo r;
    repo_new(&r);
    put(&r, "main.c", "int main(void)\n{\n    return 0;\n}\n");
    put(&r, "gone.txt", "bye\n");
    VcsSnapshot s1, s2;
    char *c1 = record(&r, NULL, &s1);
    put(&r, "main.c", "int main(void)\n{\n    return 1;\n}\n");
    char *gone = xasprintf("%s/gone.txt", r.work);
    cr_assert_eq(unlink(gone), 0);
    put(&r, "new.txt", "hello\n");
    char *c2 = record(&r, NULL, &s2);
    StrBuf out = {0};
    Err err;
    cr_assert(vcs_diff(&r.v, c1, c2, &out, &err), "%s", err.msg);
    cr_assert(strstr(out.data, "--- a/main.c"), "%s", out.data);
    cr_assert(strstr(out.data, "-    return 0;\n+    return 1;\n"), "%s", out.data);
    cr_assert(strstr(out.data, "-bye"), "%s", out.data);
    cr_assert(strstr(out.data, "+hello"), "%s", out.data);
    cr_assert_not(has_file(&r, c2, "gone.txt"), "a deleted file leaves the snapshot");
    sb_free(&out);
    /* Two identical commits: an empty diff. */
    cr_assert(vcs_diff(&r.v, c2, c2, &out, &err), "%s", err.msg);
    cr_assert_eq(out.len, 0);
    sb_free(&out);
    free(gone);
    vcs_snapshot_free(&s1);
    vcs_snapshot_free(&s2);
    free(c1);
    free(c2);
    repo_free(&r);
}

Test(vcs, respects_gitignore_but_keeps_the_run_files)
{
    Repo r;
    repo_new(&r);
    put(&r, ".gitignore", "*.log\nbuild/\nsecret.py\n");
    put(&r, "main.py", "print(1)\n");
    put(&r, "debug.log", "noise\n");
    put(&r, "build/out.o", "obj\n");
    put(&r, "secret.py", "print(2)\n");
    const char *force[] = {"secret.py", NULL};
    VcsSnapshotOptions opt = {.force = force};
    VcsSnapshot s;
    char *c = record(&r, &opt, &s);
    cr_assert(has_file(&r, c, ".gitignore"));
    cr_assert(has_file(&r, c, "main.py"));
    cr_assert(has_file(&r, c, "secret.py"), "the run's own file is kept even when ignored");
    cr_assert_not(has_file(&r, c, "debug.log"));
    cr_assert_not(has_file(&r, c, "build/out.o"));
    cr_assert_eq(s.nfiles, 3);
    vcs_snapshot_free(&s);
    free(c);
    repo_free(&r);
}

/* libgit2 is asked about a path only where a rule can apply (a folder with
 * a .gitignore and below, or rules from outside the tree): every kind
 * still applies where git applies it. */
Test(vcs, ignore_rules_apply_where_git_applies_them)
{
    Repo r;
    repo_new(&r);
    /* The user's excludes file, as core.excludesFile names it. */
    char *global = xasprintf("%s/ignore", r.root);
    tu_write(global, "# the user's own\n*.swp\n", 22);
    char *config = xasprintf("%s/config", r.git);
    FILE *f = fopen(config, "a");
    cr_assert(f);
    fprintf(f, "[core]\n\texcludesfile = %s\n", global);
    fclose(f);
    free(config);
    reopen(&r);
    put(&r, "main.py", "print(1)\n");
    put(&r, "top.tmp", "kept: the rule is below\n");
    put(&r, "sub/.gitignore", "*.tmp\n");
    put(&r, "sub/deep/a.tmp", "ignored\n");
    put(&r, "sub/b.py", "kept\n");
    put(&r, "x.bak", "ignored by info/exclude\n");
    put(&r, "y.swp", "ignored by the user's excludes\n");
    char *exclude = xasprintf("%s/info/exclude", r.git);
    tu_write(exclude, "*.bak\n", 6);
    VcsSnapshotOptions opt = {0};
    VcsSnapshot s;
    char *c = record(&r, &opt, &s);
    cr_assert(has_file(&r, c, "main.py"));
    cr_assert(has_file(&r, c, "top.tmp"));
    cr_assert(has_file(&r, c, "sub/b.py"));
    cr_assert_not(has_file(&r, c, "sub/deep/a.tmp"));
    cr_assert_not(has_file(&r, c, "x.bak"));
    cr_assert_not(has_file(&r, c, "y.swp"));
    vcs_snapshot_free(&s);
    free(c);
    /* Without the outside rules, the folder's own still hold. */
    tu_write(exclude, "# nothing\n", 10);
    tu_write(global, "\n", 1);
    put(&r, "z.bak", "now kept\n");
    c = record(&r, &opt, &s);
    cr_assert(has_file(&r, c, "z.bak"));
    cr_assert_not(has_file(&r, c, "sub/deep/a.tmp"));
    vcs_snapshot_free(&s);
    free(c);
    free(exclude);
    free(global);
    repo_free(&r);
}

Test(vcs, only_the_run_files_when_asked)
{
    Repo r;
    repo_new(&r);
    put(&r, "x.py", "print(1)\n");
    put(&r, "other.py", "print(2)\n");
    put(&r, "notes.txt", "private\n");
    const char *force[] = {"x.py", "missing.py", NULL};
    VcsSnapshotOptions opt = {.force = force, .only_forced = true};
    VcsSnapshot s;
    char *c = record(&r, &opt, &s);
    cr_assert(has_file(&r, c, "x.py"));
    cr_assert_not(has_file(&r, c, "other.py"));
    cr_assert_not(has_file(&r, c, "notes.txt"));
    cr_assert_eq(s.nfiles, 1);
    vcs_snapshot_free(&s);
    free(c);
    repo_free(&r);
}

Test(vcs, newly_ignored_file_leaves_the_snapshot)
{
    Repo r;
    repo_new(&r);
    put(&r, "data.csv", "a,b\n");
    put(&r, "main.py", "print(1)\n");
    VcsSnapshot s1, s2;
    char *c1 = record(&r, NULL, &s1);
    cr_assert(has_file(&r, c1, "data.csv"));
    put(&r, ".gitignore", "*.csv\n");
    char *c2 = record(&r, NULL, &s2);
    cr_assert_not(has_file(&r, c2, "data.csv"));
    vcs_snapshot_free(&s1);
    vcs_snapshot_free(&s2);
    free(c1);
    free(c2);
    repo_free(&r);
}

Test(vcs, oversized_files_are_left_out_and_named)
{
    Repo r;
    repo_new(&r);
    put(&r, "main.py", "print(1)\n");
    char *big = xasprintf("%s/huge.bin", r.work);
    int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert_geq(fd, 0);
    cr_assert_eq(ftruncate(fd, VCS_MAX_FILE + 1), 0, "a sparse file costs no disk");
    close(fd);
    VcsSnapshot s;
    char *c = record(&r, NULL, &s);
    cr_assert_not(has_file(&r, c, "huge.bin"));
    char *notes = notes_text(&s);
    cr_assert(strstr(notes, "huge.bin") && strstr(notes, "files over 50 MiB are not kept"), "%s", notes);
    free(notes);
    vcs_snapshot_free(&s);
    free(c);

    /* A tracked file that grows over the limit leaves the snapshot too. */
    put(&r, "grow.txt", "small\n");
    c = record(&r, NULL, &s);
    cr_assert(has_file(&r, c, "grow.txt"));
    vcs_snapshot_free(&s);
    free(c);
    put(&r, "grow.txt", "now it is much bigger than sixteen bytes\n");
    VcsSnapshotOptions small = {.max_file = 16};
    c = record(&r, &small, &s);
    cr_assert_not(has_file(&r, c, "grow.txt"));
    vcs_snapshot_free(&s);
    free(c);
    free(big);
    repo_free(&r);
}

/* A program still writing its log while the run is recorded: libgit2
 * finds the file longer than it stat'ed and gives up on it.  The file is
 * kept as it was read, not left out with a note. */
typedef struct Appender {
    char *path;
    atomic_bool stop;
} Appender;

static void *append_until_stopped(void *arg)
{
    Appender *a = arg;
    int fd = open(a->path, O_WRONLY | O_APPEND);
    cr_assert_geq(fd, 0);
    while (!atomic_load(&a->stop))
        cr_assert_eq(write(fd, "log line\n", 9), 9);
    close(fd);
    return NULL;
}

Test(vcs, a_file_written_during_the_snapshot_is_kept, .timeout = 30)
{
    Repo r;
    repo_new(&r);
    put(&r, "main.py", "print(1)\n");
    char *big = xmalloc(4 << 20);
    memset(big, 'x', 4 << 20);
    Appender a = {.path = xasprintf("%s/run.log", r.work)};
    tu_write(a.path, big, 4 << 20);
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, append_until_stopped, &a), 0);
    VcsSnapshot s;
    char *c = record(&r, NULL, &s);
    atomic_store(&a.stop, true);
    pthread_join(t, NULL);
    char *notes = notes_text(&s);
    cr_assert(has_file(&r, c, "run.log"), "notes: %s", notes);
    cr_assert_null(strstr(notes, "run.log"), "%s", notes);
    free(notes);
    vcs_snapshot_free(&s);
    free(c);
    free(a.path);
    free(big);
    repo_free(&r);
}

Test(vcs, nested_repositories_are_left_out)
{
    Repo r;
    repo_new(&r);
    put(&r, "main.go", "package main\n");
    put(&r, ".git/config", "[core]\n");
    put(&r, "vendor/lib/.git/HEAD", "ref: refs/heads/main\n");
    put(&r, "vendor/lib/lib.go", "package lib\n");
    VcsSnapshot s;
    char *c = record(&r, NULL, &s);
    cr_assert(has_file(&r, c, "main.go"));
    cr_assert_not(has_file(&r, c, ".git/config"));
    cr_assert_not(has_file(&r, c, "vendor/lib/lib.go"));
    char *notes = notes_text(&s);
    cr_assert(strstr(notes, "vendor/lib/") && strstr(notes, "git repository of its own"), "%s", notes);
    free(notes);
    vcs_snapshot_free(&s);
    free(c);
    repo_free(&r);
}

/* Installed dependencies and build output are not the user's code: a
 * venv (by its pyvenv.cfg, whatever its name), node_modules, __pycache__
 * and a folder tagged as a cache (cargo's target) stay out, unless the
 * run's own file is there. */
Test(vcs, dependency_folders_are_left_out)
{
    Repo r;
    repo_new(&r);
    put(&r, "main.py", "import requests\n");
    put(&r, "env/pyvenv.cfg", "home = /usr/bin\n");
    put(&r, "env/lib/python3.11/site-packages/requests/__init__.py", "X = 1\n");
    put(&r, "web/node_modules/left-pad/index.js", "module.exports = 1;\n");
    put(&r, "web/app.js", "require('left-pad');\n");
    put(&r, "__pycache__/main.cpython-311.pyc", "\x01");
    put(&r, "notvenv/lib/util.py", "Y = 2\n");
    put(&r, "node_modules/tool/cli.js", "console.log(1);\n");
    put(&r, "target/CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n");
    put(&r, "target/release/app", "\x7f" "ELF");
    put(&r, "target2/CACHEDIR.TAG", "Signature: something else\n");
    const char *force[] = {"node_modules/tool/cli.js", NULL};
    VcsSnapshotOptions opt = {.force = force};
    VcsSnapshot s;
    char *c = record(&r, &opt, &s);
    cr_assert(has_file(&r, c, "main.py"));
    cr_assert(has_file(&r, c, "web/app.js"));
    cr_assert(has_file(&r, c, "notvenv/lib/util.py"));
    cr_assert(has_file(&r, c, "node_modules/tool/cli.js"), "the run's own file is kept");
    cr_assert_not(has_file(&r, c, "env/pyvenv.cfg"));
    cr_assert_not(has_file(&r, c, "env/lib/python3.11/site-packages/requests/__init__.py"));
    cr_assert_not(has_file(&r, c, "web/node_modules/left-pad/index.js"));
    cr_assert_not(has_file(&r, c, "__pycache__/main.cpython-311.pyc"));
    cr_assert_not(has_file(&r, c, "target/release/app"));
    cr_assert(has_file(&r, c, "target2/CACHEDIR.TAG"), "a tag without the signature is a file like any");
    cr_assert_eq(s.nfiles, 5);
    vcs_snapshot_free(&s);
    free(c);
    repo_free(&r);
}

Test(vcs, big_folder_keeps_the_language_files)
{
    Repo r;
    repo_new(&r);
    for (int i = 0; i < 8; i++) {
        char name[32];
        snprintf(name, sizeof name, "data/%d.txt", i);
        put(&r, name, "x\n");
    }
    put(&r, "main.py", "print(1)\n");
    put(&r, "pkg/mod.py", "Y = 2\n");
    put(&r, ".venv/lib/site.py", "Z = 3\n");
    put(&r, ".hidden.py", "W = 4\n");
    VcsSnapshotOptions opt = {.lang = lang_by_key("python"), .limit_big = true, .big_files = 5};
    VcsSnapshot s;
    char *c = record(&r, &opt, &s);
    cr_assert_eq(s.nfiles, 3);
    cr_assert(has_file(&r, c, "pkg/mod.py"));
    cr_assert(has_file(&r, c, ".hidden.py"), "hidden files stay; hidden folders are skipped");
    cr_assert_not(has_file(&r, c, ".venv/lib/site.py"));
    cr_assert_not(has_file(&r, c, "data/0.txt"));
    char *notes = notes_text(&s);
    cr_assert(strstr(notes, "only its Python files outside hidden folders"), "%s", notes);
    free(notes);
    vcs_snapshot_free(&s);
    free(c);

    /* Small again: everything is back. */
    char *data = xasprintf("%s/data", r.work);
    cr_assert(fileio_rmtree(data, NULL));
    free(data);
    c = record(&r, &opt, &s);
    cr_assert(has_file(&r, c, ".venv/lib/site.py"));
    cr_assert_eq(s.notes.len, 0);
    vcs_snapshot_free(&s);
    free(c);
    repo_free(&r);
}

/* The content of path in commit. */
static char *content_at(Repo *r, const char *commit, const char *path)
{
    Err err;
    char *data;
    size_t len;
    cr_assert(vcs_read(&r->v, commit, path, 1 << 20, &data, &len, &err), "%s", err.msg);
    char *text = xstrndup(data, len);
    free(data);
    return text;
}

/* An edit whose modification time is put back (touch -r, a copy keeping
 * times) is hashed again: the change time tells, as in git. */
Test(vcs, an_edit_with_its_times_put_back_is_snapshotted)
{
    Repo r;
    repo_new(&r);
    put(&r, "m.py", "print(1)\n");
    char *c1 = commit_now(&r);
    char *p = xasprintf("%s/m.py", r.work);
    struct stat st;
    cr_assert_eq(stat(p, &st), 0);
    usleep(20000);
    int fd = open(p, O_WRONLY);
    cr_assert_eq(write(fd, "print(2)\n", 9), 9);
    close(fd);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    cr_assert_eq(utimensat(AT_FDCWD, p, times, 0), 0);
    char *c2 = commit_now(&r);
    cr_assert_str_neq(c2, c1, "the edit makes a commit");
    char *text = content_at(&r, c2, "m.py");
    cr_assert_str_eq(text, "print(2)\n");
    free(text);
    free(p);
    free(c1);
    free(c2);
    repo_free(&r);
}

/* A git folder from before snapshots read files themselves may have index
 * entries with a file's stat data naming what a .gitattributes filter made
 * of it: its first snapshot after hashes every file again. */
Test(vcs, an_index_from_before_raw_blobs_is_hashed_again)
{
    Repo r;
    repo_new(&r);
    const char *now = "a\r\nb\r\n", *then = "a\nbb\n\n"; /* the same length */
    put(&r, "m.py", now);
    free(commit_now(&r));
    char *p = xasprintf("%s/m.py", r.work);
    struct stat st;
    cr_assert_eq(lstat(p, &st), 0);
    git_index *idx;
    cr_assert_eq(gitlib.git_repository_index(&idx, r.v.repo), 0);
    git_index_entry e = {
        .ctime = {(int32_t)st.st_ctim.tv_sec, (uint32_t)st.st_ctim.tv_nsec},
        .mtime = {(int32_t)st.st_mtim.tv_sec, (uint32_t)st.st_mtim.tv_nsec},
        .dev = (uint32_t)st.st_dev,
        .ino = (uint32_t)st.st_ino,
        .mode = GIT_FILEMODE_BLOB,
        .uid = (uint32_t)st.st_uid,
        .gid = (uint32_t)st.st_gid,
        .path = "m.py",
    };
    cr_assert_eq(gitlib.git_index_add_from_buffer(idx, &e, then, strlen(then)), 0);
    cr_assert_eq(gitlib.git_index_write(idx), 0);
    gitlib.git_index_free(idx);
    /* Marked as written since, the stat cache trusts such an entry. */
    char *c1 = commit_now(&r);
    char *text = content_at(&r, c1, "m.py");
    cr_assert_str_eq(text, then);
    free(text);
    /* Unmarked, as such a folder is: the file is read again. */
    char *mark = xasprintf("%s/tide-raw-blobs", r.git);
    cr_assert_eq(unlink(mark), 0);
    reopen(&r);
    char *c2 = commit_now(&r);
    text = content_at(&r, c2, "m.py");
    cr_assert_str_eq(text, now);
    cr_assert_eq(access(mark, F_OK), 0, "marked once hashed again");
    free(text);
    free(mark);
    free(p);
    free(c1);
    free(c2);
    repo_free(&r);
}

/* What ran is what is kept: a .gitattributes asking git add for line-end
 * conversion or $Id$ expansion changes nothing in the snapshot. */
Test(vcs, a_snapshot_holds_the_bytes_that_ran_whatever_gitattributes_say)
{
    Repo r;
    repo_new(&r);
    put(&r, ".gitattributes", "* text=auto eol=lf\n*.txt ident\n");
    const char *crlf = "print('a')\r\nprint('b')\r\n", *id = "$Id: 0123456789abcdef $\n";
    put(&r, "main.py", crlf);
    put(&r, "id.txt", id);
    VcsSnapshot s, again;
    char *c = record(&r, NULL, &s);
    char *text = content_at(&r, c, "main.py");
    cr_assert_str_eq(text, crlf, "CRLF kept");
    free(text);
    text = content_at(&r, c, "id.txt");
    cr_assert_str_eq(text, id, "$Id$ kept");
    free(text);
    /* Put back, the files are the ones that ran. */
    char *dest = xasprintf("%s/out", r.root);
    size_t n = 0;
    Err err;
    cr_assert(vcs_checkout(&r.v, c, dest, false, &n, &err), "%s", err.msg);
    char *p = xasprintf("%s/main.py", dest);
    text = tu_read(p, NULL);
    cr_assert_str_eq(text, crlf);
    free(text);
    free(p);
    /* The stat cache holds for files added so: nothing changed, no commit. */
    char *c2 = record(&r, NULL, &again);
    cr_assert_not(again.changed);
    cr_assert_str_eq(c2, c);
    vcs_snapshot_free(&s);
    vcs_snapshot_free(&again);
    free(c);
    free(c2);
    free(dest);
    repo_free(&r);
}

Test(vcs, checkout_writes_the_files_of_a_run)
{
    Repo r;
    repo_new(&r);
    put(&r, "main.sh", "echo hi\n");
    char *exe = xasprintf("%s/main.sh", r.work);
    cr_assert_eq(chmod(exe, 0755), 0);
    put(&r, "sub/dir/name with spaces [1].txt", "deep\n");
    char *link = xasprintf("%s/link", r.work);
    cr_assert_eq(symlink("main.sh", link), 0);
    VcsSnapshot s;
    char *c = record(&r, NULL, &s);
    put(&r, "main.sh", "echo changed\n");

    char *dest = xasprintf("%s/out", r.root);
    size_t n = 0;
    Err err;
    cr_assert(vcs_checkout(&r.v, c, dest, false, &n, &err), "%s", err.msg);
    cr_assert_eq(n, 3);
    char *p = xasprintf("%s/main.sh", dest);
    char *text = tu_read(p, NULL);
    cr_assert_str_eq(text, "echo hi\n", "the file as it was at the run");
    struct stat st;
    cr_assert_eq(stat(p, &st), 0);
    cr_assert(st.st_mode & S_IXUSR, "the executable bit is kept");
    free(text);
    free(p);
    p = xasprintf("%s/sub/dir/name with spaces [1].txt", dest);
    text = tu_read(p, NULL);
    cr_assert_str_eq(text, "deep\n");
    free(text);
    free(p);
    p = xasprintf("%s/link", dest);
    char target[64] = {0};
    cr_assert_gt(readlink(p, target, sizeof target - 1), 0);
    cr_assert_str_eq(target, "main.sh");
    free(p);

    /* Again into the same folder: refused before anything is written. */
    p = xasprintf("%s/main.sh", dest);
    tu_write(p, "mine\n", 5);
    cr_assert_not(vcs_checkout(&r.v, c, dest, false, &n, &err));
    cr_assert(strstr(err.msg, "already exists"), "%s", err.msg);
    text = tu_read(p, NULL);
    cr_assert_str_eq(text, "mine\n");
    free(text);
    cr_assert(vcs_checkout(&r.v, c, dest, true, &n, &err), "%s", err.msg);
    text = tu_read(p, NULL);
    cr_assert_str_eq(text, "echo hi\n");
    free(text);
    free(p);
    vcs_snapshot_free(&s);
    free(c);
    free(dest);
    free(exe);
    free(link);
    repo_free(&r);
}

Test(vcs, checkout_never_follows_a_symlink_in_the_destination)
{
    Repo r;
    repo_new(&r);
    put(&r, "sub/file.txt", "payload\n");
    VcsSnapshot s;
    char *c = record(&r, NULL, &s);
    char *dest = xasprintf("%s/out", r.root);
    char *outside = xasprintf("%s/outside", r.root);
    cr_assert(fileio_mkdirs(dest, 0700, NULL));
    cr_assert(fileio_mkdirs(outside, 0700, NULL));
    char *sub = xasprintf("%s/sub", dest);
    cr_assert_eq(symlink(outside, sub), 0);
    Err err;
    cr_assert_not(vcs_checkout(&r.v, c, dest, true, NULL, &err));
    cr_assert(strstr(err.msg, "in the way"), "%s", err.msg);
    cr_assert_eq(count_entries(outside), 0, "nothing was written through the symlink");
    vcs_snapshot_free(&s);
    free(c);
    free(dest);
    free(outside);
    free(sub);
    repo_free(&r);
}

Test(vcs, diff_of_buffers)
{
    StrBuf out = {0};
    Err err;
    cr_assert(vcs_diff_buffers("a\nb\n", 4, "run 1", "a\nc\n", 4, "run 2", &out, &err), "%s", err.msg);
    cr_assert(strstr(out.data, "--- run 1\n+++ run 2\n"), "%s", out.data);
    cr_assert(strstr(out.data, "-b\n+c\n"), "%s", out.data);
    sb_free(&out);
    cr_assert(vcs_diff_buffers("x\0y", 3, "run 1", "x\0z", 3, "run 2", &out, &err), "%s", err.msg);
    cr_assert(strstr(out.data, "Binary files"), "%s", out.data);
    sb_free(&out);
    cr_assert(vcs_diff_buffers("same\n", 5, "run 1", "same\n", 5, "run 2", &out, &err), "%s", err.msg);
    cr_assert_eq(out.len, 0);
    sb_free(&out);
}

Test(vcs, damaged_git_folder_is_one_line)
{
    char *root = tu_tempdir();
    char *git = xasprintf("%s/git", root);
    cr_assert(fileio_mkdirs(git, 0700, NULL));
    char *head = xasprintf("%s/HEAD", git);
    tu_write(head, "garbage", 7);
    free(head);
    Vcs v;
    Err err;
    cr_assert_not(vcs_open(&v, git, root, &err));
    cr_assert(strstr(err.msg, "damaged"), "%s", err.msg);
    cr_assert_null(strchr(err.msg, '\n'));
    char *missing = xasprintf("%s/nope", root);
    cr_assert_not(vcs_open(&v, missing, root, &err));
    cr_assert(strstr(err.msg, "missing"), "%s", err.msg);
    free(missing);
    free(git);
}

/* Cut every file below dir to keep/2 of its length (keep 0: empty them),
 * as a power cut leaves files written and never flushed. */
static void cut_files_below(const char *dir, int keep)
{
    DIR *d = opendir(dir);
    cr_assert(d, "%s", dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *p = xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        cr_assert(lstat(p, &st) == 0);
        if (S_ISDIR(st.st_mode))
            cut_files_below(p, keep);
        else
            cr_assert(truncate(p, keep ? st.st_size / 2 : 0) == 0);
        free(p);
    }
    closedir(d);
}

/* Objects, the index and the branch are written without fsync: after a
 * power cut they may be empty files.  The runs after it still get their
 * snapshots (before, every later snapshot of the session failed on the
 * damaged objects it meant to reuse), and say the history before is
 * damaged.  Objects cut in half are found too (libgit2 1.5, reading one,
 * never returns: the test's timeout). */
Test(vcs, snapshots_go_on_after_a_power_cut_emptied_the_git_files, .timeout = 30)
{
    static const char *const damage[] = {"objects", "index", "refs/heads/main", "objects"};
    for (size_t k = 0; k < sizeof damage / sizeof *damage; k++) {
        Repo r;
        repo_new(&r);
        put(&r, "main.py", "print(1)\n");
        put(&r, "sub/data.txt", "data\n");
        free(commit_now(&r));
        VcsSnapshot snap;
        char *p = xasprintf("%s/%s", r.git, damage[k]);
        struct stat st;
        cr_assert(stat(p, &st) == 0, "%s", p);
        if (S_ISDIR(st.st_mode))
            cut_files_below(p, k == 3);
        else
            cr_assert(truncate(p, 0) == 0);
        free(p);
        reopen(&r);
        put(&r, "main.py", "print(2)\n");
        Err err;
        char *commit = record(&r, NULL, &snap);
        cr_assert(has_file(&r, commit, "sub/data.txt"), "after damage to %s", damage[k]);
        char *data;
        size_t len;
        cr_assert(vcs_read(&r.v, commit, "main.py", 1024, &data, &len, &err), "%s", err.msg);
        cr_assert_eq(len, 9);
        cr_assert_arr_eq(data, "print(2)\n", 9);
        free(data);
        if (k != 1) { /* an empty index is only a cache: nothing is lost */
            char *notes = notes_text(&snap);
            cr_assert(strstr(notes, "damaged"), "after damage to %s: %s", damage[k], notes);
            free(notes);
        }
        vcs_snapshot_free(&snap);
        free(commit);
        repo_free(&r);
    }
}

/* Cut the object of path in commit to half its length. */
static void cut_object(Repo *r, const char *commit, const char *path)
{
    VcsFile *files;
    size_t n;
    Err err;
    cr_assert(vcs_files(&r->v, commit, &files, &n, &err), "%s", err.msg);
    char *obj = NULL;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(files[i].path, path))
            obj = xasprintf("%s/objects/%.2s/%s", r->git, files[i].oid, files[i].oid + 2);
    vcs_files_free(files, n);
    cr_assert(obj, "%s", path);
    struct stat st;
    cr_assert(stat(obj, &st) == 0, "%s", obj);
    cr_assert(truncate(obj, st.st_size / 2) == 0);
    free(obj);
}

/* A file's object cut short by a power cut, its index entry clean: the
 * next snapshot notices (the file was new in a snapshot of the last
 * minute) and writes it again, instead of every later snapshot naming a
 * damaged object.  Also when a run came between, which read the object
 * back while it was whole in memory (k = 1). */
Test(vcs, a_file_cut_short_is_written_again, .timeout = 30)
{
    for (int k = 0; k < 2; k++) {
        Repo r;
        repo_new(&r);
        put(&r, "main.py", "print(1)\n");
        put(&r, "sub/data.txt", "data that a power cut will cut short\n");
        char *first = commit_now(&r);
        if (k == 1) {
            put(&r, "main.py", "print(1.5)\n");
            free(commit_now(&r));
        }
        cut_object(&r, first, "sub/data.txt");
        reopen(&r);
        put(&r, "main.py", "print(2)\n");
        VcsSnapshot snap;
        char *last = record(&r, NULL, &snap);
        char *notes = notes_text(&snap);
        cr_assert(strstr(notes, "damaged"), "k %d: %s", k, notes);
        free(notes);
        char *data;
        size_t len;
        Err err;
        cr_assert(vcs_read(&r.v, last, "sub/data.txt", 1024, &data, &len, &err), "k %d: %s", k, err.msg);
        cr_assert_eq(len, 37);
        free(data);
        vcs_snapshot_free(&snap);
        free(last);
        free(first);
        repo_free(&r);
    }
}

/* Reading a snapshot whose objects a power cut cut short says so in one
 * line (libgit2 1.5 itself, inflating one, never returns). */
Test(vcs, a_damaged_snapshot_is_an_error_not_a_hang, .timeout = 30)
{
    Repo r;
    repo_new(&r);
    put(&r, "main.py", "print(1)\n");
    put(&r, "sub/data.txt", "data\n");
    char *commit = commit_now(&r);
    char *objects = xasprintf("%s/objects", r.git);
    cut_files_below(objects, 1);
    free(objects);
    reopen(&r);
    Err err;
    VcsFile *files;
    size_t n;
    cr_assert_not(vcs_files(&r.v, commit, &files, &n, &err));
    cr_assert(strstr(err.msg, "damaged"), "%s", err.msg);
    cr_assert_null(strchr(err.msg, '\n'));
    char *data;
    size_t len;
    cr_assert_not(vcs_read(&r.v, commit, "main.py", 1024, &data, &len, &err));
    cr_assert(strstr(err.msg, "damaged"), "%s", err.msg);
    char *dest = xasprintf("%s/out", r.root);
    size_t nfiles;
    cr_assert_not(vcs_checkout(&r.v, commit, dest, false, &nfiles, &err));
    free(dest);
    free(commit);
    repo_free(&r);
}

/* The diff of two runs reads the files that changed: one cut short is an
 * error, not a hang, though both runs' commits and trees are whole. */
Test(vcs, a_damaged_file_in_a_diff_is_an_error_not_a_hang, .timeout = 30)
{
    Repo r;
    repo_new(&r);
    put(&r, "main.py", "print(1)\n");
    char *one = commit_now(&r);
    put(&r, "main.py", "print(2) # and a longer line, so that half of it is not the header\n");
    char *two = commit_now(&r);
    VcsFile *files;
    size_t n;
    Err err;
    cr_assert(vcs_files(&r.v, two, &files, &n, &err), "%s", err.msg);
    cr_assert_eq(n, 1);
    char *blob = xasprintf("%s/objects/%.2s/%s", r.git, files[0].oid, files[0].oid + 2);
    vcs_files_free(files, n);
    struct stat st;
    cr_assert(stat(blob, &st) == 0);
    cr_assert(truncate(blob, st.st_size / 2) == 0);
    free(blob);
    StrBuf out = {0};
    cr_assert_not(vcs_diff(&r.v, one, two, &out, &err));
    cr_assert(strstr(err.msg, "main.py is cut short"), "%s", err.msg);
    sb_free(&out);
    free(one);
    free(two);
    repo_free(&r);
}

/* ---------------------------------------------------------------- the record of an untouched folder */

/* Unchanged snapshots are recorded (vcs_remember) and read back
 * (vcs_snapshot_unchanged).  Racy_seconds -1: the files these tests write
 * are seconds old at most; the clock has nanoseconds here. */
static const VcsSnapshotOptions fresh = {.racy_seconds = -1};

/* A changed file must get a new time, not the same clock tick's. */
static void tick(void)
{
    usleep(20 * 1000);
}

/* Record a snapshot of the folder as it is, remembered for the next run. */
static char *record_remembered(Repo *r, const VcsSnapshotOptions *opt)
{
    VcsSnapshot snap;
    char *commit = record(r, opt, &snap);
    cr_assert_not_null(snap.record, "the walk was recorded");
    vcs_remember(r->git, &snap, commit);
    vcs_snapshot_free(&snap);
    return commit;
}

static bool unchanged(Repo *r, const VcsSnapshotOptions *opt)
{
    VcsSnapshot snap;
    bool same = vcs_snapshot_unchanged(r->git, r->work, opt, &snap);
    if (same)
        vcs_snapshot_free(&snap);
    return same;
}

static void sample_folder(Repo *r)
{
    put(r, "main.py", "import util\n");
    put(r, "util.py", "X = 1\n");
    put(r, "lib/deep/mod.py", "Y = 2\n");
    put(r, ".gitignore", "*.log\n");
    put(r, "out.log", "ignored\n");
    put(r, "venv/pyvenv.cfg", "home = /usr\n");
    put(r, "venv/lib.py", "\n");
    put(r, "big.bin", "0123456789abcdef0123456789");
    put(r, "target/CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n");
    put(r, "target/debug.o", "\n");
}

Test(vcs, an_untouched_folder_is_snapshotted_again_from_the_record)
{
    Repo r;
    repo_new(&r);
    sample_folder(&r);
    VcsSnapshotOptions opt = fresh;
    opt.max_file = 16; /* big.bin is left out, with a note */
    VcsSnapshot first;
    char *commit = record(&r, &opt, &first);
    vcs_remember(r.git, &first, commit);

    VcsSnapshot again;
    cr_assert(vcs_snapshot_unchanged(r.git, r.work, &opt, &again));
    cr_assert(again.reused);
    cr_assert_not(again.changed);
    cr_assert_str_eq(again.parent, commit);
    cr_assert_str_eq(again.tree, first.tree);
    cr_assert_eq(again.nfiles, first.nfiles);
    for (size_t i = 0; i < first.nfiles; i++) {
        cr_assert_str_eq(again.files[i].path, first.files[i].path);
        cr_assert_str_eq(again.files[i].oid, first.files[i].oid);
        cr_assert_eq(again.files[i].size, first.files[i].size);
    }
    char *n1 = notes_text(&first), *n2 = notes_text(&again);
    cr_assert(strstr(n1, "big.bin"), "%s", n1);
    cr_assert_str_eq(n2, n1);
    /* Recorded against the same commit, and the record stays. */
    char same[VCS_OID_LEN + 1];
    Err err;
    cr_assert(vcs_commit(&r.v, &again, "run", same, &err), "%s", err.msg);
    cr_assert_str_eq(same, commit);
    vcs_remember(r.git, &again, same);
    cr_assert(unchanged(&r, &opt));
    /* ... and a full snapshot agrees: nothing changed. */
    VcsSnapshot full;
    cr_assert(vcs_snapshot(&r.v, &opt, &full, &err), "%s", err.msg);
    cr_assert_not(full.changed);
    cr_assert_str_eq(full.tree, first.tree);
    vcs_snapshot_free(&full);
    vcs_snapshot_free(&again);
    vcs_snapshot_free(&first);
    free(n1);
    free(n2);
    free(commit);
    repo_free(&r);
}

typedef struct Change {
    const char *what;
    void (*apply)(Repo *r);
} Change;

static void in_work(Repo *r, const char *rel, char **out)
{
    *out = xasprintf("%s/%s", r->work, rel);
}

static void same_size_edit(Repo *r) { put(r, "util.py", "X = 2\n"); }
static void new_file(Repo *r) { put(r, "new.py", "\n"); }
static void new_deep_file(Repo *r) { put(r, "lib/deep/other.py", "\n"); }
static void new_ignored_file(Repo *r) { put(r, "more.log", "\n"); }
static void new_gitignore(Repo *r) { put(r, "lib/.gitignore", "deep/\n"); }
static void gitignore_edit(Repo *r) { put(r, ".gitignore", "*.py\n"); }
static void removed_file(Repo *r)
{
    char *p;
    in_work(r, "util.py", &p);
    cr_assert_eq(unlink(p), 0);
    free(p);
}
static void renamed_file(Repo *r)
{
    char *a, *b;
    in_work(r, "lib/deep/mod.py", &a);
    in_work(r, "lib/deep/mod2.py", &b);
    cr_assert_eq(rename(a, b), 0);
    free(a);
    free(b);
}
static void made_executable(Repo *r)
{
    char *p;
    in_work(r, "main.py", &p);
    cr_assert_eq(chmod(p, 0755), 0);
    free(p);
}
static void same_times_kept(Repo *r)
{
    /* As `cp -p` or `touch -r` leave it: only the change time tells. */
    char *p;
    in_work(r, "util.py", &p);
    struct stat st;
    cr_assert_eq(stat(p, &st), 0);
    put(r, "util.py", "X = 3\n");
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    cr_assert_eq(utimensat(AT_FDCWD, p, times, 0), 0);
    free(p);
}
static void venv_no_longer(Repo *r)
{
    char *p;
    in_work(r, "venv/pyvenv.cfg", &p);
    cr_assert_eq(unlink(p), 0);
    free(p);
}
static void big_file_shrunk(Repo *r) { put(r, "big.bin", "0123"); }
static void cache_tag_spoilt(Repo *r)
{
    /* Rewritten in place: the folder's own times stay. */
    put(r, "target/CACHEDIR.TAG", "Signature: 0000000000000000000000000000000\n");
}
static void exclude_rule(Repo *r)
{
    char *p = xasprintf("%s/info/exclude", r->git);
    tu_write(p, "util.py\n", 8);
    free(p);
}
static void record_cut_short(Repo *r)
{
    char *p = xasprintf("%s/tide-unchanged", r->git);
    size_t len;
    char *text = tu_read(p, &len);
    cr_assert_gt(len, 40);
    tu_write(p, text, len - 30);
    free(text);
    free(p);
}
static void branch_moved(Repo *r)
{
    /* Another process moved the branch; the files are as they were. */
    char *p = xasprintf("%s/refs/heads/main", r->git);
    tu_write(p, "1111111111111111111111111111111111111111\n", 41);
    free(p);
}

Test(vcs, any_change_to_what_a_snapshot_holds_is_seen, .timeout = 60)
{
    static const Change changes[] = {
        {"a same-size edit", same_size_edit},     {"a new file", new_file},
        {"a new file deep down", new_deep_file},  {"a new ignored file", new_ignored_file},
        {"a new .gitignore", new_gitignore},      {"an edited .gitignore", gitignore_edit},
        {"a removed file", removed_file},         {"a renamed file", renamed_file},
        {"a file made executable", made_executable}, {"an edit with its times put back", same_times_kept},
        {"a venv that is no longer one", venv_no_longer}, {"a big file that shrank", big_file_shrunk},
        {"a cache folder whose tag is no longer one", cache_tag_spoilt},
        {"a rule in info/exclude", exclude_rule}, {"the record cut short", record_cut_short},
        {"the branch moved", branch_moved},
    };
    for (size_t i = 0; i < sizeof changes / sizeof *changes; i++) {
        Repo r;
        repo_new(&r);
        sample_folder(&r);
        VcsSnapshotOptions opt = fresh;
        opt.max_file = 16;
        free(record_remembered(&r, &opt));
        cr_assert(unchanged(&r, &opt), "before %s", changes[i].what);
        tick();
        changes[i].apply(&r);
        cr_assert_not(unchanged(&r, &opt), "%s is not seen", changes[i].what);
        repo_free(&r);
    }
}

Test(vcs, the_record_holds_only_for_the_same_run_and_recent_changes_are_not_trusted)
{
    Repo r;
    repo_new(&r);
    sample_folder(&r);
    VcsSnapshotOptions opt = fresh;
    const char *force[] = {"main.py", NULL};
    opt.force = force;
    free(record_remembered(&r, &opt));
    cr_assert(unchanged(&r, &opt));
    /* Another run's file is forced in: another snapshot, maybe. */
    const char *other[] = {"util.py", NULL};
    VcsSnapshotOptions o2 = opt;
    o2.force = other;
    cr_assert_not(unchanged(&r, &o2));
    /* The files were written a moment ago: within SNAPSTAT_RACY_SECONDS,
     * an edit in the same clock tick would go unseen. */
    VcsSnapshotOptions careful = opt;
    careful.racy_seconds = 0;
    cr_assert_not(unchanged(&r, &careful));
    /* A forced file that is absent must stay absent. */
    const char *absent[] = {"main.py", "gone.py", NULL};
    opt.force = absent;
    free(record_remembered(&r, &opt));
    cr_assert(unchanged(&r, &opt));
    tick();
    put(&r, "gone.py", "\n");
    cr_assert_not(unchanged(&r, &opt));
    repo_free(&r);
}

Test(vcs, a_damaged_record_is_never_trusted)
{
    /* Every byte changed in turn, and every length cut: a full snapshot,
     * never a wrong list of files (nor a crash, under ASan). */
    Repo r;
    repo_new(&r);
    sample_folder(&r);
    VcsSnapshotOptions opt = fresh;
    free(record_remembered(&r, &opt));
    cr_assert(unchanged(&r, &opt));
    char *p = xasprintf("%s/tide-unchanged", r.git);
    size_t len;
    char *good = tu_read(p, &len);
    char *bad = xmalloc(len);
    long changed_trusted = -1, cut_trusted = -1; /* the first of each, if any */
    for (size_t i = 0; i < len; i++) {
        memcpy(bad, good, len);
        bad[i] = (char)(bad[i] ^ (i % 7 == 0 ? 0x20 : 0x01));
        tu_write(p, bad, len);
        if (unchanged(&r, &opt) && changed_trusted < 0)
            changed_trusted = (long)i;
        tu_write(p, good, i);
        if (unchanged(&r, &opt) && cut_trusted < 0)
            cut_trusted = (long)i;
    }
    cr_assert_eq(changed_trusted, -1, "trusted with byte %ld changed", changed_trusted);
    cr_assert_eq(cut_trusted, -1, "trusted cut to %ld bytes", cut_trusted);
    tu_write(p, good, len);
    cr_assert(unchanged(&r, &opt), "the record itself holds");
    free(bad);
    free(good);
    free(p);
    repo_free(&r);
}
