/* SMP (test=smp): every CPU the machine lists comes up through INIT-SIPI-SIPI
 * and the trampoline, and a TLB shoot-down is answered by every other CPU.
 * Run with --cpus N under vitro or -smp N under QEMU. */
#include <vitro/boot_info.h>
#include <vitro/ktest.h>
#include <vitro/mm.h>
#include <vitro/task.h>
#include <vitro/tlb.h>
#include <vitro/vmalloc.h>

#include "../../guest/kernel/arch/x86/smpboot.h"
#include "../../guest/kernel/arch/x86/tlb_shootdown.h"

KTEST(smp_every_listed_cpu_comes_online)
{
	KTEST_EXPECT_EQ(smp_cpus_online(), boot_info.nr_cpus);
}

KTEST(smp_tlb_shootdown_is_answered_by_every_other_cpu)
{
	static unsigned long before[NR_CPUS];
	unsigned int cpu, answered = 0;
	void *area;

	/* Other tests' shoot-downs may run meanwhile, so each CPU is asked
	 * whether it answered at least once more: all but the one that
	 * flushed for itself (this test may move between CPUs). */
	for_each_cpu(cpu, &cpu_sched_online) before[cpu] =
		__atomic_load_n(&tlb_shootdowns_handled[cpu], __ATOMIC_ACQUIRE);
	area = vmalloc(PAGE_SIZE);
	KTEST_EXPECT(area != NULL);
	vfree(area); /* unmapping flushes on every CPU */
	for_each_cpu(cpu, &cpu_sched_online) if (__atomic_load_n(&tlb_shootdowns_handled[cpu],
								 __ATOMIC_ACQUIRE) != before[cpu])
		answered++;
	KTEST_EXPECT(answered >= smp_cpus_online() - 1);
}
