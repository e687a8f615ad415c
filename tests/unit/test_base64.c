#include <criterion/criterion.h>
#include <string.h>

#include "base64.h"

static void expect(const char *in, size_t len, const char *want)
{
    StrBuf out = {0};
    base64_append(&out, in, len);
    cr_assert_str_eq(out.data ? out.data : "", want, "%zu bytes", len);
    sb_free(&out);
}

Test(base64, the_rfc_4648_vectors_and_any_byte)
{
    expect("", 0, "");
    expect("f", 1, "Zg==");
    expect("fo", 2, "Zm8=");
    expect("foo", 3, "Zm9v");
    expect("foob", 4, "Zm9vYg==");
    expect("fooba", 5, "Zm9vYmE=");
    expect("foobar", 6, "Zm9vYmFy");
    expect("bad\xff.py", 7, "YmFk/y5weQ==");
    expect("\0\xfb\xff", 3, "APv/");
}
