#include <criterion/criterion.h>
#include <curses.h>
#include <stdio.h>

#include "config.h"
#include "document.h"
#include "editor.h"
#include "testutil.h"

/* A screen that draws to nowhere: what is tested is which rows the
 * editor decides to write, not what the terminal shows. */
static void screen_up(void)
{
    tu_screen_up("xterm");
}

static View *one_line(const char *text)
{
    Document *d = document_new();
    buffer_insert(d->buf, 0, text, strlen(text));
    return view_new(d, 4);
}

static void drop(View *v)
{
    Document *d = v->doc;
    view_free(v);
    document_free(d);
}

TestSuite(view_draw, .init = screen_up, .fini = tu_screen_down);

/* The echo path draws the cursor's row alone when nothing else changed
 * since the last draw; another tab with the same shape (one line, the
 * cursor on it) is everything changed, not one row: drawn as an echo,
 * its tab bar came a moment after its text. */
Test(view_draw, the_echo_is_for_the_view_drawn_last)
{
    Config cfg;
    config_defaults(&cfg);
    View *a = one_line("content 8"), *b = one_line("content 9");
    RowCache rc = {0};
    int cy, cx;
    view_draw(a, stdscr, 1, 0, 10, 40, &cfg, NULL, SIZE_MAX, SIZE_MAX, &rc, &cy, &cx);
    cr_assert_not(view_draw_echo(b, stdscr, 1, 0, 10, 40, &cfg, &rc, &cy, &cx),
                  "another view's text was drawn as an echo of the last one's");
    /* The same view typed into is an echo. */
    buffer_insert(a->doc->buf, 9, "x", 1);
    cr_assert(view_draw_echo(a, stdscr, 1, 0, 10, 40, &cfg, &rc, &cy, &cx));
    row_cache_free(&rc);
    drop(a);
    drop(b);
    config_free(&cfg);
}
