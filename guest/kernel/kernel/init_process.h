/* Starting the first user process (pid 1). */
#ifndef KERNEL_INIT_PROCESS_H
#define KERNEL_INIT_PROCESS_H

#include <vitro/compiler.h>

/* Becomes init: tries rdinit (NULL: none), then init (NULL: the defaults),
 * with args (the command line after "--", NULL for none; split in place) as
 * its arguments. Does not return; panics when nothing runs, as Linux does. */
__noreturn void run_init_process(const char *rdinit, const char *init, char *args);

#endif
