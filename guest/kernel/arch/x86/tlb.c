/* TLB flushes for kernel mappings (see vitro/tlb.h). invlpg per page for
 * small ranges; beyond that a full flush, which must toggle CR4.PGE to drop
 * global entries (reloading CR3 keeps them). */
#include <stddef.h>
#include <vitro/mm.h>
#include <vitro/tlb.h>

#include <vitro/spinlock.h>

#include "apic.h"
#include "io.h"
#include "smpboot.h"
#include "tlb_shootdown.h"
#include "traps.h"

#define CR4_PGE (1ull << 7)
#define FLUSH_ALL_THRESHOLD 32 /* pages; Linux's tlb_single_page_flush_ceiling is 33 */

void (*tlb_shootdown)(uint64_t start, uint64_t end);

/* The shoot-down protocol: the initiator publishes the range and the number
 * of CPUs that must answer, interrupts them all, and waits until each has
 * flushed and counted down (bounded, so a dead CPU cannot hang the kernel). */
static struct spinlock shootdown_lock = SPINLOCK_INIT;
static uint64_t shootdown_start, shootdown_end;
static unsigned int shootdown_pending;
unsigned long tlb_shootdowns_handled;

static void flush_tlb_local_range(uint64_t start, uint64_t end);

static void tlb_shootdown_interrupt(void *opaque)
{
	(void)opaque;
	flush_tlb_local_range(__atomic_load_n(&shootdown_start, __ATOMIC_ACQUIRE),
			      __atomic_load_n(&shootdown_end, __ATOMIC_ACQUIRE));
	__atomic_add_fetch(&tlb_shootdowns_handled, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&shootdown_pending, 1, __ATOMIC_RELEASE);
}

static void tlb_shootdown_ipi(uint64_t start, uint64_t end)
{
	unsigned int others = smp_cpus_online() - 1, spins = 0;
	unsigned long flags;

	if (!others)
		return;
	flags = spin_lock_irqsave(&shootdown_lock);
	__atomic_store_n(&shootdown_start, start, __ATOMIC_RELAXED);
	__atomic_store_n(&shootdown_end, end, __ATOMIC_RELAXED);
	__atomic_store_n(&shootdown_pending, others, __ATOMIC_RELEASE);
	lapic_send_ipi_all_but_self(TLB_SHOOTDOWN_VECTOR);
	while (__atomic_load_n(&shootdown_pending, __ATOMIC_ACQUIRE) && ++spins < 100000000)
		cpu_relax();
	spin_unlock_irqrestore(&shootdown_lock, flags);
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
