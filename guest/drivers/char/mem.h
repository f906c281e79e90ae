/* /dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom (mem.c). */
#ifndef DRIVERS_CHAR_MEM_H
#define DRIVERS_CHAR_MEM_H

#define MEM_MAJOR 1
#define MEM_MINOR_NULL 3
#define MEM_MINOR_ZERO 5
#define MEM_MINOR_FULL 7
#define MEM_MINOR_RANDOM 8
#define MEM_MINOR_URANDOM 9

/* Registers the drivers for their device numbers; the nodes are devtmpfs's. */
int mem_devices_register(void);
void mem_devices_unregister(void);

#endif
