/* A library opened with dlopen when first needed rather than linked (see
 * gitlib.h and sqlitelib.h for why), and its functions looked up into the
 * caller's table. */
#ifndef TIDE_DYNLIB_H
#define TIDE_DYNLIB_H

#include <stdbool.h>
#include <stddef.h>

typedef struct DynSym {
    const char *name;
    void **slot; /* where the function's address goes: `(void **)&table.f` */
} DynSym;

/* Open soname and fill every slot.  False, with what is missing in
 * err[0..size), when the library or one of the functions cannot be had. */
bool dynlib_open(const char *soname, const DynSym *syms, size_t n, char *err, size_t size);

#endif
