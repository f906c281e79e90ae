/* Starting the other CPUs as on hardware: INIT, then start-up IPIs pointing
 * at the real-mode trampoline (SDM vol. 3, 9.4.4, the universal start-up
 * algorithm), one CPU at a time, each waited for with a time limit. The
 * trampoline page is mapped 1:1 only while CPUs start. */
#include <vitro/boot_info.h>
#include <vitro/cpu.h>
#include <vitro/percpu.h>
#include <vitro/pgtable.h>
#include <vitro/printk.h>
#include <vitro/string.h>
#include <vitro/task.h>
#include <vitro/time.h>
#include <vitro/tlb.h>
#include <vitro/vmalloc.h>

#include "apic.h"
#include "io.h"
#include "mm_init.h"
#include "smpboot.h"
#include "user.h"
#include "tlb_shootdown.h"
#include "trampoline.h"
#include "traps.h"

#define MSR_EFER 0xc0000080
#define EFER_NXE (1ull << 11)
#define CR4_PGE (1ull << 7)
#define AP_START_TIMEOUT_NS (200 * NSEC_PER_MSEC)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)

extern const char boot_gdt_descriptor64[];

static unsigned int cpus_online = 1;
static uint64_t ap_double_fault_stack_top[NR_CPUS];

unsigned int smp_cpus_online(void)
{
	return __atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE);
}

static void spin_ns(uint64_t ns)
{
	uint64_t start = ktime_get_ns();

	while (ktime_get_ns() - start < ns)
		__asm__ __volatile__("pause");
}

/* Where each started CPU lands, on its own stack, in long mode. */
static __noreturn void ap_start(unsigned int cpu)
{
	percpu_init_cpu(cpu, boot_info.cpu_apic_ids[cpu]);
	gdt_init_cpu(cpu, ap_double_fault_stack_top[cpu]);
	user_cpu_init();
	if (mm_boot_report.has_global_pages)
		write_cr4(read_cr4() | CR4_PGE);
	idt_load();
	lapic_init();
	time_init_cpu();
	sched_init_cpu(cpu);
	__atomic_add_fetch(&cpus_online, 1, __ATOMIC_RELEASE);
	/* Idle until there is work; the trampoline's 1:1 mapping leaves this
	 * CPU's TLB through the shoot-down when the boot CPU removes it. */
	cpu_idle_loop();
}

static bool start_cpu(unsigned int cpu, struct trampoline_mailbox *mailbox, bool is_virtual)
{
	unsigned int target = smp_cpus_online() + 1;
	uint32_t apic_id = boot_info.cpu_apic_ids[cpu];
	uint8_t *stack = kernel_stack_alloc(), *ist = kernel_stack_alloc();
	uint64_t start;

	if (!stack || !ist) {
		kernel_stack_free(stack);
		kernel_stack_free(ist);
		return false;
	}
	ap_double_fault_stack_top[cpu] = (uint64_t)ist + KERNEL_STACK_SIZE;
	mailbox->stack_top = (uint64_t)stack + KERNEL_STACK_SIZE;
	mailbox->cpu = cpu;
	__atomic_thread_fence(__ATOMIC_RELEASE);

	lapic_send_init(apic_id);
	/* 10 ms for real hardware to settle after INIT; hypervisors need none
	 * (Linux skips it on modern CPUs too). */
	spin_ns(is_virtual ? 0 : 10 * NSEC_PER_MSEC);
	lapic_send_startup(apic_id, TRAMPOLINE_PHYS >> 12);
	spin_ns(200 * NSEC_PER_USEC);
	if (smp_cpus_online() < target)
		lapic_send_startup(apic_id, TRAMPOLINE_PHYS >> 12);
	start = ktime_get_ns();
	while (smp_cpus_online() < target && ktime_get_ns() - start < AP_START_TIMEOUT_NS)
		__asm__ __volatile__("pause");
	if (smp_cpus_online() < target) {
		/* The stack stays: the CPU might still wake up and use it. */
		pr_warn("SMP: CPU %u (APIC ID %u) did not start\n", cpu, apic_id);
		return false;
	}
	return true;
}

void smp_boot_cpus(void)
{
	size_t size = (size_t)(trampoline_end - trampoline_start);
	struct trampoline_mailbox *mailbox;
	uint32_t a, b, c, d;
	unsigned int cpu;
	bool is_virtual;

	if (boot_info.nr_cpus <= 1)
		return;
	cpuid(1, 0, &a, &b, &c, &d);
	is_virtual = c & CPUID_1_ECX_HYPERVISOR;
	memcpy(phys_to_virt(TRAMPOLINE_PHYS), trampoline_start, size);
	mailbox = (struct trampoline_mailbox *)((uint8_t *)phys_to_virt(TRAMPOLINE_PHYS) + size -
						TRAMPOLINE_MAILBOX_SIZE);
	mailbox->cr3 = (uint32_t)kernel_pgtable.root_phys;
	mailbox->efer = mm_boot_report.has_nx ? (uint32_t)EFER_NXE : 0;
	mailbox->gdt_descriptor = (uint64_t)boot_gdt_descriptor64;
	mailbox->entry = (uint64_t)ap_start;
	if (pgtable_map(&kernel_pgtable, TRAMPOLINE_PHYS, TRAMPOLINE_PHYS, PAGE_SIZE,
			PTE_PRESENT | PTE_WRITE)) {
		pr_warn("SMP: cannot map the start-up trampoline; running on one CPU\n");
		return;
	}
	tlb_shootdown_init();
	for (cpu = 1; cpu < boot_info.nr_cpus; cpu++)
		start_cpu(cpu, mailbox, is_virtual);
	pgtable_unmap(&kernel_pgtable, TRAMPOLINE_PHYS, PAGE_SIZE);
	flush_tlb_kernel_range(TRAMPOLINE_PHYS, TRAMPOLINE_PHYS + PAGE_SIZE);
}
