#include <criterion/criterion.h>

#include "natcmp.h"

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

Test(natcmp, numbers_go_by_their_value)
{
    cr_assert_eq(sign(natcmp("day2.py", "day10.py")), -1);
    cr_assert_eq(sign(natcmp("day10.py", "day2.py")), 1);
    cr_assert_eq(sign(natcmp("f9", "f10")), -1);
    cr_assert_eq(sign(natcmp("v1.2.10", "v1.2.9")), 1);
    /* Numbers longer than any integer type. */
    cr_assert_eq(sign(natcmp("x123456789012345678901234567890", "x123456789012345678901234567891")), -1);
}

Test(natcmp, leading_zeros_and_case_make_no_order)
{
    cr_assert_eq(natcmp("day007", "day7"), 0);
    cr_assert_eq(sign(natcmp("day007", "day8")), -1);
    cr_assert_eq(natcmp("README", "readme"), 0);
    cr_assert_eq(sign(natcmp("Day4.py", "day10.py")), -1);
    cr_assert_eq(sign(natcmp("apple", "Banana")), -1);
}

Test(natcmp, a_name_before_its_longer_self)
{
    cr_assert_eq(sign(natcmp("main", "main.c")), -1);
    cr_assert_eq(sign(natcmp("a1", "a1b")), -1);
    cr_assert_eq(natcmp("", ""), 0);
    cr_assert_eq(sign(natcmp("", "a")), -1);
}
