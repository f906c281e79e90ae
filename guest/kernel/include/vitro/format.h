/* printf-style formatting into a bounded buffer, for printk and friends.
 * Supports %d %i %u %x %X %o %c %s %p %% with flags '-', '0', '+', ' ', '#',
 * a field width and precision (also '*'), and the length modifiers hh h l ll
 * z t j, with the C library's results (%p prints "(nil)" for NULL, as
 * glibc). Builds for the host too, where tests compare it with the C library. */
#ifndef VITRO_FORMAT_H
#define VITRO_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Like C's vsnprintf: always terminates (if size > 0) and returns the length
 * the full output would have had. */
int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int format_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
