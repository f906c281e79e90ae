/* The scheduler's tracepoints, with the task fields filled in as Linux's
 * sched events have them. */
#ifndef GUEST_KERNEL_SCHED_SCHED_TRACE_H
#define GUEST_KERNEL_SCHED_SCHED_TRACE_H

#include <vitro/task.h>
#include <vitro/trace.h>

/* Linux's prio as trace events show it: 100 + 20 + nice for fair tasks, 99 - rt_priority for
 * FIFO/RR, -1 for DEADLINE. */
static inline int task_trace_prio(const struct task *t)
{
	switch (t->sched.policy) {
	case SCHED_DEADLINE:
		return -1;
	case SCHED_FIFO:
	case SCHED_RR:
		return 99 - (int)t->sched.rt_priority;
	default:
		return 120 + t->sched.nice;
	}
}

static inline void trace_sched_switch(const struct task *prev, const struct task *next,
				      unsigned int prev_state)
{
	trace_event(sched_switch, .prev_state = prev_state, .prev_pid = prev->pid,
		    .prev_prio = task_trace_prio(prev), .prev_comm = trace_comm(prev->comm),
		    .next_pid = next->pid, .next_prio = task_trace_prio(next),
		    .next_comm = trace_comm(next->comm));
}

static inline void trace_sched_wakeup(const struct task *t, unsigned int cpu)
{
	trace_event(sched_wakeup, .pid = t->pid, .prio = task_trace_prio(t),
		    .comm = trace_comm(t->comm), .target_cpu = cpu, .waker_pid = current->pid);
}

static inline void trace_sched_wakeup_new(const struct task *t, unsigned int cpu)
{
	trace_event(sched_wakeup_new, .pid = t->pid, .prio = task_trace_prio(t),
		    .comm = trace_comm(t->comm), .target_cpu = cpu, .waker_pid = current->pid);
}

static inline void trace_sched_migrate_task(const struct task *t, unsigned int from,
					    unsigned int to)
{
	trace_event(sched_migrate_task, .pid = t->pid, .prio = task_trace_prio(t),
		    .comm = trace_comm(t->comm), .orig_cpu = from, .dest_cpu = to);
}

#endif
