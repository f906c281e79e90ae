/* See vitro/percpu.h. One static block per possible CPU; the GS base MSR of
 * each CPU points at its own while the kernel runs (entry from user space
 * swaps it in with SWAPGS, the user's GS base waits in KERNEL_GS_BASE). */
#include <stddef.h>
#include <vitro/cpu.h>
#include <vitro/percpu.h>
#include <vitro/preempt.h>

#include "io.h"

#define MSR_GS_BASE 0xc0000101

_Static_assert(offsetof(struct cpu_local, self) == CPU_LOCAL_SELF_OFFSET, "self at %gs:0");
_Static_assert(offsetof(struct cpu_local, cpu) == CPU_LOCAL_CPU_OFFSET, "cpu at %gs:8");
_Static_assert(offsetof(struct cpu_local, preempt_count) == CPU_LOCAL_PREEMPT_COUNT_OFFSET,
	       "preempt_count at %gs:16");
_Static_assert(offsetof(struct cpu_local, need_resched) == CPU_LOCAL_NEED_RESCHED_OFFSET,
	       "need_resched at %gs:20");
_Static_assert(offsetof(struct cpu_local, curr_task) == CPU_LOCAL_CURRENT_OFFSET,
	       "current at %gs:24");
_Static_assert(offsetof(struct cpu_local, kernel_stack_top) == CPU_LOCAL_KERNEL_STACK_OFFSET,
	       "kernel stack top at %gs:40");
_Static_assert(offsetof(struct cpu_local, user_rsp_scratch) == CPU_LOCAL_USER_RSP_OFFSET,
	       "user RSP scratch at %gs:48");

static struct cpu_local cpu_locals[NR_CPUS] __attribute__((aligned(64)));

void percpu_init_cpu(unsigned int cpu, uint32_t apic_id)
{
	struct cpu_local *local = &cpu_locals[cpu];

	local->self = local;
	local->cpu = cpu;
	local->apic_id = apic_id;
	wrmsr(MSR_GS_BASE, (uint64_t)local);
}

struct cpu_local *cpu_local_of(unsigned int cpu)
{
	return &cpu_locals[cpu];
}
