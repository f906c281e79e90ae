/* Error reporting for vitro: library code fills a struct vitro_error and
 * returns a negative errno; only the CLI layer prints and exits. */
#ifndef VMM_ERROR_H
#define VMM_ERROR_H

#include <stddef.h>

struct vitro_error {
	char msg[512];
};

/* Formats the message into err (if not NULL) and returns rc, so callers can
 * write `return vitro_error_set(err, -EINVAL, "...")`. */
int vitro_error_set(struct vitro_error *err, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
