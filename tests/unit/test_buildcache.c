#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buildcache.h"
#include "fileio.h"
#include "testutil.h"
#include "xalloc.h"

static char *put(const char *dir, const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    tu_write(path, text, strlen(text));
    return path;
}

static void key_kept(const char *dir, const char *const *argv, const char *kept, char key[BUILD_KEY_LEN + 1])
{
    ToolInfo tool = {.found = true, .exe = "/usr/bin/gcc", .version = "gcc 12"};
    const char *env[] = {"PATH=/usr/bin", NULL};
    BuildInputs in = {.lang = lang_by_key("c"), .workdir = dir, .argv = argv, .envp = env,
                      .tools = &tool, .ntools = 1, .kept_state = kept};
    Err err;
    cr_assert(buildcache_key(&in, key, &err), "%s", err.msg);
    cr_assert_eq(strlen(key), BUILD_KEY_LEN);
}

static void key_of(const char *dir, const char *const *argv, char key[BUILD_KEY_LEN + 1])
{
    key_kept(dir, argv, NULL, key);
}

Test(buildcache, key_follows_sources_headers_and_flags_only)
{
    char *dir = tu_tempdir();
    const char *argv[] = {"/usr/bin/gcc", "-O2", "main.c", NULL};
    const char *argv2[] = {"/usr/bin/gcc", "-O0", "main.c", NULL};
    free(put(dir, "main.c", "#include \"util.h\"\nint main(void) { return X; }\n"));
    free(put(dir, "util.h", "#define X 0\n"));
    char k1[BUILD_KEY_LEN + 1], k2[BUILD_KEY_LEN + 1];
    key_of(dir, argv, k1);
    key_of(dir, argv, k2);
    cr_expect_str_eq(k1, k2, "the same inputs, the same key");
    free(put(dir, "data.csv", "1,2\n"));
    key_of(dir, argv, k2);
    cr_expect_str_eq(k1, k2, "a data file is not a compile input");
    free(put(dir, "util.h", "#define X 1\n"));
    key_of(dir, argv, k2);
    cr_expect_str_neq(k1, k2, "a header changed");
    char k3[BUILD_KEY_LEN + 1];
    key_of(dir, argv2, k3);
    cr_expect_str_neq(k2, k3, "the flags changed");
    free(put(dir, "sub/deep.h", "#define Y 2\n"));
    key_of(dir, argv, k3);
    cr_expect_str_neq(k2, k3, "a header in a subfolder");
    /* Build output tagged as a cache (cargo's target) is no input. */
    free(put(dir, "target/CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# cargo\n"));
    free(put(dir, "target/debug/build/out/gen.h", "#define Z 3\n"));
    char k4[BUILD_KEY_LEN + 1];
    key_of(dir, argv, k4);
    cr_expect_str_eq(k3, k4, "a header in a cache folder");
    free(put(dir, "target/CACHEDIR.TAG", "not the signature\n"));
    key_of(dir, argv, k4);
    cr_expect_str_neq(k3, k4, "an untagged folder is the user's");
}

/* A build made with state compile steps keep (a session's Go build
 * cache, which one of them may have changed) is that state's alone. */
Test(buildcache, a_build_with_kept_state_is_that_states_alone)
{
    char *dir = tu_tempdir();
    const char *argv[] = {"/usr/bin/gcc", "main.c", NULL};
    free(put(dir, "main.c", "int main(void) { return 0; }\n"));
    char none[BUILD_KEY_LEN + 1], a[BUILD_KEY_LEN + 1], a2[BUILD_KEY_LEN + 1], b[BUILD_KEY_LEN + 1];
    key_of(dir, argv, none);
    key_kept(dir, argv, "/data/tide/sessions/1/go-build", a);
    key_kept(dir, argv, "/data/tide/sessions/1/go-build", a2);
    key_kept(dir, argv, "/data/tide/sessions/2/go-build", b);
    cr_expect_str_eq(a, a2);
    cr_expect_str_neq(a, b, "two sessions share a build");
    cr_expect_str_neq(a, none, "a session and an unrecorded run share a build");
    cr_expect_str_neq(b, none);
}

Test(buildcache, store_lookup_and_a_second_writer)
{
    tu_fresh_xdg();
    Paths paths;
    Err err;
    cr_assert(paths_init(&paths, &err));
    const char *key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    BuildEntry e;
    cr_assert_not(buildcache_lookup(&paths, key, &e));
    char *tmp1, *tmp2;
    cr_assert(buildcache_begin(&paths, &tmp1, &err), "%s", err.msg);
    cr_assert(buildcache_begin(&paths, &tmp2, &err), "%s", err.msg);
    free(put(tmp1, "main", "first"));
    free(put(tmp2, "main", "second"));
    struct stat st;
    cr_assert_eq(stat(tmp1, &st), 0);
    cr_expect_eq(st.st_mode & 0777, 0755, "the sandbox's uid must enter it");
    BuildEntry a, b;
    cr_assert(buildcache_commit(&paths, key, tmp1, &a, &err), "%s", err.msg);
    /* Another run built the same thing at the same time: the first one
     * stays, the second folder goes. */
    cr_assert(buildcache_commit(&paths, key, tmp2, &b, &err), "%s", err.msg);
    cr_expect_str_eq(a.dir, b.dir);
    char *main = xasprintf("%s/main", a.dir);
    char *text = tu_read(main, NULL);
    cr_expect_str_eq(text, "first");
    free(text);
    free(main);
    buildcache_release(&a);
    buildcache_release(&b);
    cr_assert(buildcache_lookup(&paths, key, &e));
    buildcache_release(&e);
    paths_free(&paths);
}

Test(buildcache, trim_keeps_entries_in_use_and_the_newest)
{
    tu_fresh_xdg();
    Paths paths;
    Err err;
    cr_assert(paths_init(&paths, &err));
    char keys[3][BUILD_KEY_LEN + 1];
    BuildEntry held = {.lock_fd = -1};
    for (int i = 0; i < 3; i++) {
        memset(keys[i], 'a' + i, BUILD_KEY_LEN);
        keys[i][BUILD_KEY_LEN] = '\0';
        char *tmp;
        cr_assert(buildcache_begin(&paths, &tmp, &err));
        char *big = xmalloc(100000);
        memset(big, 'x', 99999);
        big[99999] = '\0';
        free(put(tmp, "main", big));
        free(big);
        BuildEntry e;
        cr_assert(buildcache_commit(&paths, keys[i], tmp, &e, &err), "%s", err.msg);
        if (i == 0)
            held = e; /* the oldest, but in use */
        else
            buildcache_release(&e);
        sleep(1); /* distinct ages */
    }
    /* About 106 KB each: over 300 KB, down to 225 KB, the in-use one counted. */
    buildcache_trim(&paths, 300000);
    BuildEntry e;
    cr_expect(buildcache_lookup(&paths, keys[0], &e), "in use: kept");
    buildcache_release(&e);
    cr_expect_not(buildcache_lookup(&paths, keys[1], &e), "the oldest unused one goes");
    cr_expect(buildcache_lookup(&paths, keys[2], &e), "the newest stays");
    buildcache_release(&e);
    buildcache_release(&held);
    paths_free(&paths);
}

Test(buildcache, messages_kept_with_an_entry)
{
    char *dir = tu_tempdir();
    size_t n = 1;
    Err err;
    cr_assert_null(buildcache_messages(dir, &n));
    cr_assert_eq(n, 0);
    cr_assert(buildcache_put_messages(dir, "", 0, &err), "nothing said, nothing kept");
    cr_assert_null(buildcache_messages(dir, &n));
    cr_assert(buildcache_put_messages(dir, "w.c:1: warning\n", 15, &err), "%s", err.msg);
    char *said = buildcache_messages(dir, &n);
    cr_assert_eq(n, 15);
    cr_assert(memcmp(said, "w.c:1: warning\n", 15) == 0);
    free(said);
}
