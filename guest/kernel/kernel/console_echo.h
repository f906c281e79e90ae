/* Until user space exists, the console echoes each line typed at it, so a
 * person at `make run` sees input and interrupts working. */
#ifndef KERNEL_CONSOLE_ECHO_H
#define KERNEL_CONSOLE_ECHO_H

#include <vitro/compiler.h>

__noreturn void console_echo_loop(void);

#endif
