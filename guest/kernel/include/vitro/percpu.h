/* Per-CPU data: each CPU's struct cpu_local, reached through the GS base, so
 * "which CPU am I" is one instruction (mov %gs:offset). The scheduler adds its
 * run queue and current task here. */
#ifndef VITRO_PERCPU_H
#define VITRO_PERCPU_H

/* The fields read with %gs:offset have their offsets fixed (checked in percpu.c);
 * assembly includes this file for them. */
#define CPU_LOCAL_SELF_OFFSET 0
#define CPU_LOCAL_CPU_OFFSET 8
#define CPU_LOCAL_CURRENT_OFFSET 24
#define CPU_LOCAL_KERNEL_STACK_OFFSET 40
#define CPU_LOCAL_USER_RSP_OFFSET 48

#ifndef __ASSEMBLER__
#include <stdint.h>

struct task;
struct cpu_rq;
struct trap_frame;

struct cpu_local {
	struct cpu_local *self; /* at offset 0: %gs:0 is this CPU's block */
	unsigned int cpu; /* logical CPU number */
	uint32_t apic_id;
	int preempt_count; /* vitro/preempt.h */
	int need_resched;
	struct task *curr_task; /* the task running here: `current` */
	struct cpu_rq *rq; /* this CPU's run queue (sched/schedule.c) */
	uint64_t kernel_stack_top; /* the running task's, where SYSCALL entry switches to */
	uint64_t user_rsp_scratch; /* the user RSP while SYSCALL entry switches stacks */
	uint64_t loaded_cr3; /* the page tables this CPU runs on */
	uint64_t user_gsbase; /* what KERNEL_GS_BASE holds (the user's GS base) */
	/* The frame of the interrupt being handled, NULL outside one (Linux's
	 * get_irq_regs()): the tick asks whether it interrupted user mode. */
	struct trap_frame *irq_frame;
};

/* Points GS at cpu's block (called by each CPU for itself at start-up). */
void percpu_init_cpu(unsigned int cpu, uint32_t apic_id);

/* Another CPU's block (IPIs, run-queue selection). */
struct cpu_local *cpu_local_of(unsigned int cpu);

static inline struct cpu_local *this_cpu(void)
{
	struct cpu_local *self;

	__asm__("movq %%gs:0, %0" : "=r"(self));
	return self;
}

#endif /* __ASSEMBLER__ */

#endif
