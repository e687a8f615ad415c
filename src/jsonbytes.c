#include "jsonbytes.h"

#include <stdlib.h>

#include "base64.h"
#include "filetype.h"

/* NUL is valid UTF-8 and JSON carries it exactly (\u0000), so it needs no
 * base64: only bytes the string cannot hold do.  A script then finds the
 * exact bytes either in key, or in key_base64 when that is there. */
void jsonbytes_set(json_t *obj, const char *key, const char *data, size_t len)
{
    data = data ? data : "";
    if (filetype_utf8_valid(data, len)) {
        json_object_set_new(obj, key, json_stringn(data, len));
        return;
    }
    StrBuf sb = {0};
    filetype_utf8_lossy(data, len, &sb);
    json_object_set_new(obj, key, json_stringn(sb.data, sb.len));
    sb_free(&sb);
    StrBuf enc = {0};
    base64_append(&enc, data, len);
    char *k = xasprintf("%s_base64", key);
    json_object_set_new(obj, k, json_stringn(enc.data ? enc.data : "", enc.len));
    free(k);
    sb_free(&enc);
}
