#include "testutil.h"

#include <criterion/criterion.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "xalloc.h"

static StrList temps;

static void remove_temps(void)
{
    for (size_t i = 0; i < temps.len; i++)
        fileio_rmtree(temps.items[i], NULL);
    sl_free(&temps);
}

char *tu_tempdir(void)
{
    const char *base = getenv("TMPDIR");
    char *tmpl = xasprintf("%s/tide-unit-XXXXXX", base && *base ? base : "/tmp");
    cr_assert_not_null(mkdtemp(tmpl), "mkdtemp failed");
    if (temps.len == 0)
        atexit(remove_temps);
    sl_push(&temps, tmpl);
    /* The list owns a copy; the caller gets a string that lives as long
     * as the test process. */
    free(tmpl);
    return temps.items[temps.len - 1];
}

void tu_write(const char *path, const char *data, size_t len)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        cr_assert(fileio_mkdirs(dir, 0700, NULL), "cannot create %s", dir);
    }
    free(dir);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

char *tu_read(const char *path, size_t *len)
{
    char *data;
    size_t n;
    if (!fileio_read(path, 1 << 30, &data, &n, NULL))
        return NULL;
    if (len)
        *len = n;
    return data;
}

char *tu_fresh_xdg(void)
{
    char *root = tu_tempdir();
    static const char *const vars[] = {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME",
                                       "XDG_STATE_HOME"};
    static const char *const dirs[] = {"config", "data", "cache", "state"};
    for (int i = 0; i < 4; i++) {
        char *d = xasprintf("%s/%s", root, dirs[i]);
        setenv(vars[i], d, 1);
        free(d);
    }
    return root;
}

/* Process-wide: one screen per test process (criterion forks each test). */
static SCREEN *tu_screen;
static FILE *tu_out, *tu_in;

void tu_screen_up(const char *term)
{
    tu_out = fopen("/dev/null", "w");
    tu_in = fopen("/dev/null", "r");
    cr_assert(tu_out && tu_in);
    tu_screen = newterm(term, tu_out, tu_in);
    cr_assert(tu_screen, "no terminfo entry for %s", term);
    set_term(tu_screen);
}

void tu_screen_down(void)
{
    endwin();
    delscreen(tu_screen);
    fclose(tu_out);
    fclose(tu_in);
}
