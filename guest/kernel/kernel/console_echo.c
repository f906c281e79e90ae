/* See console_echo.h. A minimal line discipline: echo as typed, backspace
 * erases, Enter prints the line back. The thread sleeps between keys. */
#include "console_echo.h"

#include <vitro/printk.h>
#include <vitro/task.h>

#include "../../drivers/serial/uart8250.h"

#define LINE_MAX 256

__noreturn void console_echo_loop(void)
{
	char line[LINE_MAX], c;
	unsigned int len = 0;

	pr_info("No user space yet: type a line and it is echoed back (Ctrl-A x quits).\n");
	printk_level(LOGLEVEL_EMERG, "> ");
	for (;;) {
		wait_event(uart8250_rx_wait, uart8250_has_input());
		if (!uart8250_read(&c, 1))
			continue;
		if (c == '\r' || c == '\n') {
			line[len] = '\0';
			printk_level(LOGLEVEL_EMERG, "\necho: %s\n> ", line);
			len = 0;
		} else if (c == 0x7f || c == '\b') {
			if (len) {
				len--;
				printk_level(LOGLEVEL_EMERG, "\b \b");
			}
		} else if (c >= ' ' && len < LINE_MAX - 1) {
			line[len++] = c;
			printk_level(LOGLEVEL_EMERG, "%c", c);
		}
	}
}
