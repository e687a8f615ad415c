/* Base64 (RFC 4648, with padding): bytes as text where only text goes,
 * the exact bytes of JSON's *_base64 fields and the clipboard's OSC 52. */
#ifndef TIDE_BASE64_H
#define TIDE_BASE64_H

#include <stddef.h>

#include "xalloc.h"

/* Appends data[0..len) encoded to out. */
void base64_append(StrBuf *out, const void *data, size_t len);

#endif
