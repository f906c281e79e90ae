/* The console terminal: /dev/console and /dev/tty on the 16550A through the
 * N_TTY line discipline (console.c). */
#ifndef DRIVERS_TTY_CONSOLE_H
#define DRIVERS_TTY_CONSOLE_H

/* Registers the driver for (5, 1) and (5, 0). Returns 0 or a negative errno. */
int console_tty_register(void);

#endif
