#include <criterion/criterion.h>
#include <locale.h>
#include <string.h>

#include "panel.h"
#include "term.h"

static void utf8_locale(void)
{
    setlocale(LC_CTYPE, "C.UTF-8");
}

/* The panel's title at every width: the result cut to whole fields, the
 * key after it two spaces away, both within the width. */
Test(panel, the_result_and_its_key_stay_apart, .init = utf8_locale)
{
    static const char *const pictured[] = {"Enter: show the picture  F5: run again ", "Enter: show the picture ",
                                           NULL};
    static const char *const ran[] = {"F5: run again  F7: history ", "F5: run again ", NULL};
    static const char title[] = " ok · exit 0 · run 0.53 s · peak 43.2 MiB · result #4 · 1 file written";
    static const char sep[] = " · ";
    for (int first = 0; first < 2; first++) {
        for (int width = 20; width <= 140; width++) {
            char left[sizeof title];
            memcpy(left, title, sizeof title);
            const char *right;
            int rw = panel_title_fit(left, first ? pictured : ran, first, width, &right);
            int lw = term_text_cols(left);
            size_t n = strlen(left);
            cr_assert(!strncmp(left, title, n) && (!title[n] || !strncmp(title + n, sep, strlen(sep))),
                      "width %d: '%s' is not whole fields", width, left);
            cr_assert_eq(rw, term_text_cols(right));
            cr_assert(lw + 2 + rw <= width || !rw, "width %d: '%s' runs into '%s'", width, left, right);
            /* The key to show a picture is always there once it fits. */
            if (first && width >= 2 * term_text_cols(pictured[1]))
                cr_assert(rw > 0, "width %d: no key", width);
        }
    }
}
