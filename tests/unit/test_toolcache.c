#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "toolcache.h"
#include "xalloc.h"

/* A fake tool on PATH that counts how often it is probed. */
static char *fake_tool(const char *dir, const char *counter, const char *version)
{
    char *path = xasprintf("%s/faketool", dir);
    char *script = xasprintf("#!/bin/sh\necho x >>%s\necho '%s'\n", counter, version);
    tu_write(path, script, strlen(script));
    chmod(path, 0755);
    free(script);
    return path;
}

static int probes(const char *counter)
{
    size_t len = 0;
    char *text = tu_read(counter, &len);
    int n = 0;
    for (size_t i = 0; text && i < len; i++)
        n += text[i] == '\n';
    free(text);
    return n;
}

Test(toolcache, probes_once_then_again_when_the_tool_changes)
{
    char *root = tu_fresh_xdg();
    char *bin = xasprintf("%s/bin", root);
    char *counter = xasprintf("%s/count", root);
    mkdir(bin, 0755);
    char *tool = fake_tool(bin, counter, "faketool 1.0");
    setenv("PATH", bin, 1);
    Paths paths;
    Err err;
    cr_assert(paths_init(&paths, &err));
    LangTool lt = {.cmd = "faketool", .version = {"--version"}};
    ToolInfo ti;
    for (int i = 0; i < 3; i++) {
        cr_assert(toolcache_resolve(&paths, &lt, &ti, &err), "%s", err.msg);
        cr_expect_str_eq(ti.version, "faketool 1.0");
        tool_info_free(&ti);
    }
    cr_expect_eq(probes(counter), 1, "probed %d times", probes(counter));
    /* A new version of the tool (another size and time): probed again. */
    struct timespec later[2] = {{time(NULL) + 10, 0}, {time(NULL) + 10, 0}};
    free(fake_tool(bin, counter, "faketool 2.0 (newer)"));
    utimensat(AT_FDCWD, tool, later, 0);
    cr_assert(toolcache_resolve(&paths, &lt, &ti, &err), "%s", err.msg);
    cr_expect_str_eq(ti.version, "faketool 2.0 (newer)");
    tool_info_free(&ti);
    cr_expect_eq(probes(counter), 2);
    paths_free(&paths);
    free(tool);
    free(bin);
    free(counter);
}
