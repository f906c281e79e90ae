/* The host stand-ins for kernel services (host_kernel.c) that tests look at. */
#ifndef TESTS_UNIT_HOST_KERNEL_H
#define TESTS_UNIT_HOST_KERNEL_H

/* The last message kernel code printed with printk, and how many it printed. */
extern char host_printk_last[256];
extern unsigned long host_printk_count;

#endif
