#include <criterion/criterion.h>

#include "sizetext.h"

static void expect(long long bytes, const char *want)
{
    char out[SIZE_TEXT_LEN];
    size_text(bytes, out);
    cr_expect_str_eq(out, want, "%lld bytes", bytes);
}

/* One rule everywhere: whole units whole, else one decimal, so a file a
 * byte over a limit does not read as the limit. */
Test(sizetext, whole_units_stay_whole_the_rest_has_one_decimal)
{
    expect(0, "0 B");
    expect(1023, "1023 B");
    expect(1024, "1 KiB");
    expect(1536, "1.5 KiB");
    expect(50LL << 20, "50 MiB");
    expect((50LL << 20) + 1, "50.0 MiB");
    expect(45298483, "43.2 MiB");
    expect(33LL << 20, "33 MiB");
    expect(3LL << 40, "3 TiB");
}

/* Never "1024.0 KiB": that is the next unit. */
Test(sizetext, a_value_that_would_round_to_1024_goes_up_a_unit)
{
    expect((1LL << 20) - 1, "1.0 MiB");
    expect((1LL << 20) - 40, "1.0 MiB");
    expect((1LL << 20) - 60, "1023.9 KiB");
}
