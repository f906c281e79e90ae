/* See error.h. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

int vitro_error_set(struct vitro_error *err, int rc, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return rc;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return rc;
}
