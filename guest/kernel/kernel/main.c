/* kernel_main: the C entry from head.S. Brings up the console, traps,
 * memory, interrupts, the scheduler and the other CPUs, then starts the init
 * thread and becomes the boot CPU's idle task. init prints the banner and runs
 * what the command line asks for (tests, benchmarks, crashes on purpose) or
 * hands the console to the line-echo loop. */
#include <vitro/boot_info.h>
#include <vitro/cmdline.h>
#include <vitro/format.h>
#include <vitro/ktest.h>
#include <vitro/layout.h>
#include <vitro/mm.h>
#include <vitro/mm_stats.h>
#include <vitro/percpu.h>
#include <vitro/time.h>
#include <vitro/vmalloc.h>
#include <vitro/printk.h>
#include <vitro/random.h>
#include <vitro/string.h>
#include <vitro/task.h>
#include <vitro/trace.h>
#include <vitro/vdso.h>

#include "../../drivers/block/virtio_blk.h"
#include "../../drivers/serial/uart8250.h"
#include "../../drivers/virtio/virtio_mmio.h"
#include "../arch/x86/apic.h"
#include "../arch/x86/io.h"
#include "../arch/x86/ipi.h"
#include "../arch/x86/mm_init.h"
#include "../arch/x86/smpboot.h"
#include "../arch/x86/traps.h"
#include "../arch/x86/user.h"
#include "../../../shared/machine.h"
#include "console_echo.h"
#include "crash.h"
#include "mm_bench.h"
#include "init_process.h"
#include "rootfs.h"
#include "sched_bench.h"
#include "tty_echo.h"
#include "workload.h"

#ifndef VITRO_VERSION
#define VITRO_VERSION "unknown"
#endif

static void apply_log_level(const char *cmdline)
{
	char value[8];

	if (cmdline_has(cmdline, "quiet"))
		console_loglevel = LOGLEVEL_WARNING;
	if (cmdline_has(cmdline, "debug"))
		console_loglevel = LOGLEVEL_DEBUG;
	if (cmdline_get(cmdline, "loglevel", value, sizeof(value)) && value[0] >= '0' &&
	    value[0] <= '9' && !value[1])
		console_loglevel = value[0] - '0';
}

/* Milliseconds with three decimals, for a TSC interval. */
static const char *format_ms(char *buf, size_t len, uint64_t cycles)
{
	uint64_t us = tsc_to_ns(cycles) / 1000;

	format_snprintf(buf, len, "%llu.%03llu", (unsigned long long)(us / 1000),
			(unsigned long long)(us % 1000));
	return buf;
}

static void print_boot_time(uint64_t now)
{
	uint64_t entry = boot_info.tsc_at_entry, start = boot_info.tsc_at_vmm_start;
	char a[24], b[24];

	if (!boot_info.tsc_khz)
		pr_info("Boot: %llu TSC cycles from kernel entry to banner (TSC frequency unknown)\n",
			(unsigned long long)(now - entry));
	else if (start && start < entry)
		pr_info("Boot: %s ms from vitro start to kernel entry, %s ms more to this banner\n",
			format_ms(a, sizeof(a), entry - start),
			format_ms(b, sizeof(b), now - entry));
	else
		pr_info("Boot: %s ms from kernel entry to banner (entered %s ms after CPU reset; TSC %u kHz from %s)\n",
			format_ms(a, sizeof(a), now - entry), format_ms(b, sizeof(b), entry),
			boot_info.tsc_khz, boot_info.tsc_source);
}

static void print_memory(void)
{
	struct page_alloc_stats stats;
	char ms[24];

	page_alloc_get_stats(&stats);
	pr_info("Memory: %llu KiB free of %llu KiB, %llu KiB reserved (kernel, boot data, page array); set up in %s ms\n",
		(unsigned long long)(stats.free_pages * (PAGE_SIZE / 1024)),
		(unsigned long long)(mm_boot_report.ram_bytes >> 10),
		(unsigned long long)(mm_boot_report.reserved_bytes >> 10),
		format_ms(ms, sizeof(ms), mm_boot_report.setup_cycles));
}

static void print_banner(void)
{
	uint64_t now = rdtsc();

	pr_info("Vitro kernel %s (x86-64, %s)\n", VITRO_VERSION,
		boot_info.has_fdt ? "PVH + device tree" : "PVH");
	pr_info("CPUs: %u (from %s), memory: %llu MiB in %u regions\n", boot_info.nr_cpus,
		boot_info.cpu_source, (unsigned long long)(boot_info.ram_bytes >> 20),
		boot_info.nr_memory);
	pr_info("SMP: %u of %u CPUs online, APIC: %s\n", smp_cpus_online(), boot_info.nr_cpus,
		lapic_mode_name());
	pr_info("Command line: %s\n", boot_info.cmdline);
	if (boot_info.initrd_size)
		pr_info("initrd: %llu bytes at 0x%llx\n", (unsigned long long)boot_info.initrd_size,
			(unsigned long long)boot_info.initrd_phys);
	print_memory();
	pr_info("Clock: %s, timers: %s, scheduler: %s\n", clocksource_name(), clockevent_name(),
		sched_fair_mode_name());
	print_boot_time(now);
}

/* `memstats` on the command line: what /proc/buddyinfo, /proc/slabinfo and
 * /proc/meminfo will show, after boot. */
static void print_memory_statistics(void)
{
	size_t (*const formatters[])(char *, size_t) = { mm_format_buddyinfo, mm_format_slabinfo,
							 mm_format_meminfo };
	char *text = vmalloc(64 * 1024);
	unsigned int i;

	if (!text)
		return;
	for (i = 0; i < ARRAY_SIZE(formatters); i++) {
		const char *line = text;

		formatters[i](text, 64 * 1024);
		while (*line) {
			const char *end = strchr(line, '\n');
			size_t n = end ? (size_t)(end - line) : strlen(line);

			pr_info("%.*s\n", (int)n, line);
			line += n + (end ? 1 : 0);
		}
	}
	vfree(text);
}

/* Everything after " -- " on the command line, copied (init's arguments). */
static char *init_args_from_cmdline(void)
{
	static char args[512];
	const char *p = boot_info.cmdline;

	for (; *p; p++) {
		if ((p == boot_info.cmdline || p[-1] == ' ') && p[0] == '-' && p[1] == '-' &&
		    (p[2] == ' ' || !p[2])) {
			format_snprintf(args, sizeof(args), "%s", p[2] ? p + 3 : "");
			return args;
		}
	}
	return NULL;
}

/* User space from the initramfs, or init=; with neither, the console echo
 * that shows a kernel without a root file system is alive. */
static __noreturn void start_user_space(void)
{
	char rdinit[256], init[256];
	bool has_init = cmdline_get(boot_info.cmdline, "init", init, sizeof(init));

	if (!cmdline_get(boot_info.cmdline, "rdinit", rdinit, sizeof(rdinit)))
		memcpy(rdinit, "/init", sizeof("/init"));
	if (!boot_info.initrd_size && !has_init) {
		pr_info("No initramfs and no init=: console echo only\n");
		console_echo_loop();
	}
	run_init_process(boot_info.initrd_size ? rdinit : NULL, has_init ? init : NULL,
			 init_args_from_cmdline());
}

static int kernel_init(void *arg)
{
	char selector[256];

	(void)arg;
	print_banner();
	rootfs_init();
	virtio_blk_register();
	virtio_mmio_probe_all();
	if (cmdline_has(boot_info.cmdline, "fsmanifest")) {
		rootfs_print_manifest();
		machine_exit(GUEST_EXIT_SUCCESS);
	}
	if (cmdline_has(boot_info.cmdline, "ttyecho"))
		tty_echo_run();
	if (cmdline_has(boot_info.cmdline, "memstats"))
		print_memory_statistics();
	if (cmdline_get(boot_info.cmdline, "bench", selector, sizeof(selector))) {
		if (!strcmp(selector, "mm"))
			mm_bench_run();
		else if (!strcmp(selector, "sched"))
			sched_bench_run();
		else
			pr_warn("bench=%s: no such benchmark (mm, sched)\n", selector);
		machine_exit(GUEST_EXIT_SUCCESS);
	}
	if (cmdline_get(boot_info.cmdline, "workload", selector, sizeof(selector)))
		workload_run(selector);
	if (cmdline_get(boot_info.cmdline, "crash", selector, sizeof(selector)))
		crash_on_purpose(selector);
	if (cmdline_get(boot_info.cmdline, "test", selector, sizeof(selector)))
		ktest_run_selected(selector);
	start_user_space();
}

void kernel_main(uint64_t start_info_phys)
{
	struct task *init_thread;
	int rc;

	percpu_init_cpu(0, 0); /* first: the allocators ask which CPU this is */
	uart8250_init();
	printk_set_console(uart8250_write);
	rc = boot_info_parse_pvh(start_info_phys);
	gdt_init();
	idt_init();
	if (rc)
		panic("no PVH start info at 0x%llx (boot this kernel with vitro or qemu -kernel)",
		      (unsigned long long)start_info_phys);
	apply_log_level(boot_info.cmdline);
	mm_init();
	user_cpu_init();

	pic_mask_all();
	lapic_choose_mode(!cmdline_has(boot_info.cmdline, "nox2apic"));
	lapic_init();
	boot_info_find_cpus();
	boot_info_find_tsc();
	trace_init();
	random_init();
	time_init();
	vdso_init(); /* needs the clock's vvar page */
	sched_init(); /* this context becomes CPU 0's idle task */
	smp_call_init();
	uart8250_enable_rx_interrupt();
	irq_enable();
	smp_boot_cpus();
	init_thread = kthread_create(kernel_init, NULL, "init");
	if (!init_thread)
		panic("cannot start the init thread");
	/* It becomes the first user process: pid 1, as on Linux. */
	task_set_pid(init_thread, 1);
	wake_up_new_task(init_thread);
	cpu_idle_loop();
}
