/* Bringing up the other CPUs (smpboot.c). */
#ifndef ARCH_X86_SMPBOOT_H
#define ARCH_X86_SMPBOOT_H

/* Starts every CPU boot_info lists; returns when each is up or timed out. */
void smp_boot_cpus(void);

/* How many CPUs run kernel code, the boot CPU included. */
unsigned int smp_cpus_online(void);

#endif
