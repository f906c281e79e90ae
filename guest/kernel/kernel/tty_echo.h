/* `ttyecho` on the command line: lines read from /dev/console through the
 * line discipline, printed back; the boot tests type into it (tty_echo.c). */
#ifndef KERNEL_TTY_ECHO_H
#define KERNEL_TTY_ECHO_H

/* Prints "tty: line '...'" per line read until "quit" or end of file (^D at
 * the start of a line), then ends the VM with status 0. */
__noreturn void tty_echo_run(void);

#endif
