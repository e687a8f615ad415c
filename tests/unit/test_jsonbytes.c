#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "jsonbytes.h"

static json_t *set(const char *data, size_t len)
{
    json_t *o = json_object();
    jsonbytes_set(o, "output", data, len);
    return o;
}

static void expect_text(json_t *o, const char *want, size_t len)
{
    json_t *s = json_object_get(o, "output");
    cr_assert(json_is_string(s));
    cr_assert_eq(json_string_length(s), len);
    cr_assert_eq(memcmp(json_string_value(s), want, len), 0);
}

/* A NUL is a character JSON carries (\u0000): no base64 for it. */
Test(jsonbytes, utf8_with_nul_is_kept_as_it_is)
{
    json_t *o = set("a\0caf\xc3\xa9\n", 8);
    expect_text(o, "a\0caf\xc3\xa9\n", 8);
    cr_assert_null(json_object_get(o, "output_base64"));
    char *dumped = json_dumps(o, JSON_COMPACT);
    cr_assert_str_eq(dumped, "{\"output\":\"a\\u0000caf\xc3\xa9\\n\"}");
    free(dumped);
    json_decref(o);
}

Test(jsonbytes, bad_bytes_are_ufffd_and_exact_in_base64)
{
    json_t *o = set("a\xff\0z\xc3", 5);
    expect_text(o, "a\xef\xbf\xbd\0z\xef\xbf\xbd", 9);
    cr_assert_str_eq(json_string_value(json_object_get(o, "output_base64")), "Yf8AesM=");
    json_decref(o);
}

Test(jsonbytes, nothing_is_an_empty_string)
{
    json_t *o = set(NULL, 0);
    expect_text(o, "", 0);
    cr_assert_null(json_object_get(o, "output_base64"));
    json_decref(o);
}
