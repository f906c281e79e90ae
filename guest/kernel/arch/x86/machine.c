/* Ending the VM: a status written to the isa-debug-exit port stops vitro and
 * QEMU alike. Without that device (some other VMM) the CPU halts for good. */
#include <stdarg.h>
#include <vitro/format.h>
#include <vitro/printk.h>

#include "../../../../shared/machine.h"
#include "io.h"
#include "traps.h"

__noreturn void machine_exit(int status)
{
	outl(MACHINE_EXIT_PORT, (uint32_t)status);
	for (;;) {
		irq_disable();
		__asm__ __volatile__("hlt");
	}
}

__noreturn void panic(const char *fmt, ...)
{
	static int in_panic;
	char msg[256];
	va_list ap;
	uint64_t rbp;

	irq_disable();
	if (in_panic++)
		machine_exit(GUEST_EXIT_PANIC);
	va_start(ap, fmt);
	format_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_emerg("Kernel panic - not syncing: %s\n", msg);
	__asm__ __volatile__("mov %%rbp, %0" : "=r"(rbp));
	backtrace_print((uint64_t)__builtin_return_address(0), *(const uint64_t *)rbp);
	machine_exit(GUEST_EXIT_PANIC);
}
