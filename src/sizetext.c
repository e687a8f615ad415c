#include "sizetext.h"

#include <stdio.h>

void size_text(long long bytes, char out[SIZE_TEXT_LEN])
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    if (bytes < 1024) {
        snprintf(out, SIZE_TEXT_LEN, "%lld B", bytes);
        return;
    }
    int u = 0;
    long long unit = 1024;
    /* Up a unit while this one would read 1024.0 or more. */
    while (u < 4 && bytes >= unit * 1024 - unit / 20)
        unit *= 1024, u++;
    if (bytes % unit == 0)
        snprintf(out, SIZE_TEXT_LEN, "%lld %s", bytes / unit, units[u]);
    else
        snprintf(out, SIZE_TEXT_LEN, "%.1f %s", (double)bytes / (double)unit, units[u]);
}
