#include <criterion/criterion.h>
#include <curses.h>
#include <stdio.h>

#include "colors.h"
#include "testutil.h"

/* The Linux console: 8 colours, 64 colour pairs, drawing to nowhere. */
static void console_up(void)
{
    tu_screen_up("linux");
    cr_assert_eq(start_color(), OK);
    use_default_colors();
}

TestSuite(colors, .init = console_up, .fini = tu_screen_down);

/* A program's output (or a picture) asking for more colour pairs than the
 * terminal has gets the terminal's colours for the rest, and never a pair
 * taken back from the IDE's own styles or from text already on screen:
 * curses's alloc_pair alone recoloured pair 1 (the status bar) to 7 on 7. */
Test(colors, pairs_are_never_taken_back)
{
    cr_assert_eq(COLOR_PAIRS, 64);
    cr_assert_eq(init_pair(1, COLOR_RED, COLOR_BLUE), OK);
    colors_reserve_pairs(1);
    int got[9][9];
    for (int fg = -1; fg < 8; fg++)
        for (int bg = -1; bg < 8; bg++)
            got[fg + 1][bg + 1] = colors_pair(fg, bg);
    short f, b;
    cr_assert_eq(pair_content(1, &f, &b), OK);
    cr_assert(f == COLOR_RED && b == COLOR_BLUE, "pair 1 is now %d on %d", f, b);
    int made = 0;
    for (int fg = -1; fg < 8; fg++)
        for (int bg = -1; bg < 8; bg++) {
            int p = got[fg + 1][bg + 1];
            if (p <= 0)
                continue;
            made++;
            cr_assert_eq(pair_content((short)p, &f, &b), OK);
            cr_assert(f == fg && b == bg, "pair %d was %d on %d, is %d on %d", p, fg, bg, f, b);
        }
    cr_assert_geq(made, 50, "only %d of the 62 free pairs were used", made);
}
