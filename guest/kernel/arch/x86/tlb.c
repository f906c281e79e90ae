/* TLB flushes for kernel mappings (see vitro/tlb.h). invlpg per page for
 * small ranges; beyond that a full flush, which must toggle CR4.PGE to drop
 * global entries (reloading CR3 keeps them). */
#include <stddef.h>
#include <vitro/mm.h>
#include <vitro/tlb.h>

#include <vitro/printk.h>
#include <vitro/spinlock.h>
#include <vitro/task.h>
#include <vitro/time.h>

#include "apic.h"
#include "io.h"
#include "smpboot.h"
#include "tlb_shootdown.h"
#include "traps.h"

#define CR4_PGE (1ull << 7)
#define FLUSH_ALL_THRESHOLD 32 /* pages; Linux's tlb_single_page_flush_ceiling is 33 */

void (*tlb_shootdown)(uint64_t start, uint64_t end);

/* The shoot-down protocol: one initiator at a time publishes the range, raises
 * a flag for every other online CPU and interrupts them; each flushes and
 * lowers its flag. A CPU waiting to initiate (or waiting for the others)
 * answers its own flag by polling too, so two CPUs shooting down at once, or
 * one doing it with interrupts off, cannot wait for each other forever. The
 * wait is bounded in time, so a dead CPU cannot hang the kernel either. */
#define SHOOTDOWN_TIMEOUT_NS (2 * NSEC_PER_SEC)

static struct spinlock shootdown_lock = SPINLOCK_INIT;
static uint64_t shootdown_start, shootdown_end;
static int shootdown_flag[NR_CPUS];
unsigned long tlb_shootdowns_handled[NR_CPUS];

static void flush_tlb_local_range(uint64_t start, uint64_t end);

static void shootdown_answer(void)
{
	unsigned int cpu = smp_processor_id();

	if (!__atomic_load_n(&shootdown_flag[cpu], __ATOMIC_ACQUIRE))
		return;
	flush_tlb_local_range(__atomic_load_n(&shootdown_start, __ATOMIC_RELAXED),
			      __atomic_load_n(&shootdown_end, __ATOMIC_RELAXED));
	__atomic_add_fetch(&tlb_shootdowns_handled[cpu], 1, __ATOMIC_RELAXED);
	__atomic_store_n(&shootdown_flag[cpu], 0, __ATOMIC_RELEASE);
}

static void tlb_shootdown_interrupt(void *opaque)
{
	(void)opaque;
	shootdown_answer();
}

static bool shootdown_pending(unsigned int self)
{
	unsigned int cpu;

	for_each_cpu(cpu, &cpu_sched_online) if (cpu != self &&
						 __atomic_load_n(&shootdown_flag[cpu],
								 __ATOMIC_ACQUIRE)) return true;
	return false;
}

static void tlb_shootdown_ipi(uint64_t start, uint64_t end)
{
	unsigned int self, cpu;
	uint64_t begin;

	if (smp_cpus_online() < 2)
		return;
	preempt_disable();
	self = smp_processor_id();
	while (!raw_spin_trylock(&shootdown_lock)) {
		shootdown_answer();
		cpu_relax();
	}
	__atomic_store_n(&shootdown_start, start, __ATOMIC_RELAXED);
	__atomic_store_n(&shootdown_end, end, __ATOMIC_RELAXED);
	for_each_cpu(cpu, &cpu_sched_online) if (cpu != self)
		__atomic_store_n(&shootdown_flag[cpu], 1, __ATOMIC_RELEASE);
	lapic_send_ipi_all_but_self(TLB_SHOOTDOWN_VECTOR);
	begin = ktime_get_ns();
	while (shootdown_pending(self)) {
		if (ktime_get_ns() - begin > SHOOTDOWN_TIMEOUT_NS) {
			pr_warn("TLB shoot-down: a CPU did not answer in 2 s\n");
			for_each_cpu(cpu, &cpu_sched_online)
				__atomic_store_n(&shootdown_flag[cpu], 0, __ATOMIC_RELEASE);
			break;
		}
		cpu_relax();
	}
	raw_spin_unlock(&shootdown_lock);
	preempt_enable();
}

void tlb_shootdown_init(void)
{
	irq_set_handler(TLB_SHOOTDOWN_VECTOR, tlb_shootdown_interrupt, NULL);
	tlb_shootdown = tlb_shootdown_ipi;
}

static void flush_tlb_local_all(void)
{
	uint64_t cr4 = read_cr4();

	if (cr4 & CR4_PGE) {
		write_cr4(cr4 & ~CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

static void flush_tlb_local_range(uint64_t start, uint64_t end)
{
	uint64_t addr;

	if ((end - start) / PAGE_SIZE > FLUSH_ALL_THRESHOLD) {
		flush_tlb_local_all();
	} else {
		for (addr = start & PAGE_MASK; addr < end; addr += PAGE_SIZE)
			invlpg(addr);
	}
}

void flush_tlb_kernel_range(uint64_t start, uint64_t end)
{
	flush_tlb_local_range(start, end);
	if (tlb_shootdown)
		tlb_shootdown(start, end);
}

void flush_tlb_all(void)
{
	flush_tlb_local_all();
	if (tlb_shootdown)
		tlb_shootdown(0, ~0ull);
}
