/* /dev/kmsg (kmsg.c). */
#ifndef DRIVERS_CHAR_KMSG_H
#define DRIVERS_CHAR_KMSG_H

/* Registers char 1:11. 0 or a negative errno. */
int kmsg_register(void);

#endif
