/* Memory statistics as text, in the formats of Linux's /proc/buddyinfo,
 * /proc/slabinfo and /proc/meminfo (every line of Linux 6.1's, those this
 * kernel has no counterpart for at 0), so tools that parse those files can
 * parse these. Each returns the length the full text needs (like
 * snprintf) and writes at most len bytes, NUL-terminated. */
#ifndef VITRO_MM_STATS_H
#define VITRO_MM_STATS_H

#include <stddef.h>

size_t mm_format_buddyinfo(char *buf, size_t len);
size_t mm_format_slabinfo(char *buf, size_t len);
size_t mm_format_meminfo(char *buf, size_t len);

#endif
