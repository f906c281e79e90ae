/* I/O schedulers by name: `none` (the per-CPU software queues feed the
 * hardware queue in turn) and `mq-deadline`. */
#include <vitro/string.h>

#include "internal.h"

const struct elevator_type *elevator_find(const char *name, bool *is_known)
{
	*is_known = true;
	if (!strcmp(name, "none"))
		return NULL;
	if (!strcmp(name, elevator_mq_deadline.name))
		return &elevator_mq_deadline;
	*is_known = false;
	return NULL;
}
