/* What kernel code built for the host expects the kernel to provide: the
 * simulated current CPU and the base of simulated physical memory. */
#include <stdint.h>

unsigned int host_current_cpu;
uint8_t *host_phys_base;
