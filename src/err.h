/* One error convention for the whole program: a function that can fail
 * returns bool and, on failure, fills an Err with a one-line message the
 * caller can show as it is ("what was wrong, and what to do"). */
#ifndef TIDE_ERR_H
#define TIDE_ERR_H

#include <stdbool.h>

#define TIDE_FMT(a, b) __attribute__((format(printf, a, b)))
#define TIDE_NODISCARD __attribute__((warn_unused_result))

typedef struct Err {
    char msg[1024];
} Err;

/* Fill err (if not NULL) and return false, so callers can write
 * `return err_set(err, "...")`. */
bool err_set(Err *err, const char *fmt, ...) TIDE_FMT(2, 3);
/* Like err_set, with ": strerror(errno)" appended. */
bool err_sys(Err *err, const char *fmt, ...) TIDE_FMT(2, 3);
/* Put "context: " in front of an existing message. */
bool err_prefix(Err *err, const char *fmt, ...) TIDE_FMT(2, 3);

#endif
