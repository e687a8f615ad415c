/* Bytes as JSON, one rule for every answer that carries a program's bytes
 * or a name (tide run --json, tide result --json, the file listings), so
 * that two answers about the same run agree byte for byte. */
#ifndef TIDE_JSONBYTES_H
#define TIDE_JSONBYTES_H

#include <jansson.h>
#include <stddef.h>

/* data[0..len) under key: valid UTF-8 as it is (a NUL as \u0000), else
 * the text with U+FFFD for each bad byte plus the exact bytes, base64, under
 * key_base64. */
void jsonbytes_set(json_t *obj, const char *key, const char *data, size_t len);

#endif
