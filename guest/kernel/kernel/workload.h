/* `workload=NAME[:COUNT]` on the command line: a known load for tracing and
 * its tests to look at (workload.c). */
#ifndef KERNEL_WORKLOAD_H
#define KERNEL_WORKLOAD_H

/* Runs the named workload and ends the VM (status 0, or 1 if it failed). */
__noreturn void workload_run(const char *spec);

#endif
