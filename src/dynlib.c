#include "dynlib.h"

#include <dlfcn.h>
#include <stdio.h>

bool dynlib_open(const char *soname, const DynSym *syms, size_t n, char *err, size_t size)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(err, size, "%s", dlerror());
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        /* POSIX's way of storing dlsym's pointer into a function pointer
         * is through a void ** to it, as the slots are given. */
        if (!(*syms[i].slot = dlsym(h, syms[i].name))) {
            snprintf(err, size, "%s has no %s", soname, syms[i].name);
            return false;
        }
    }
    return true;
}
