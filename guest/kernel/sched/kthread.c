/* Kernel threads: creation on their own kernel stack, the first switch into them, exit, and
 * the references that decide when a task's memory goes (its own while it runs, plus one for
 * whoever created it). */
#include <vitro/errno.h>
#include <vitro/format.h>
#include <vitro/printk.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/trap_frame.h>
#include <vitro/vmalloc.h>

#include "runtime.h"
#include "sched_trace.h"

/* pid 1 is kept for init, the first user process (kernel threads start at 2). */
static int next_pid = 2;
static uint64_t nr_tasks_created;
static struct spinlock all_tasks_lock = SPINLOCK_INIT;
static LIST_HEAD_DECLARE(all_tasks);

/* The frame switch_to_asm() pops for a thread that never ran: six callee-saved registers (zero)
 * and the return into kthread_start_asm, under two zero words that end backtraces and keep the
 * stack 16-byte aligned there. Above it all, the top of the stack stays free for the user-mode
 * register frame (a thread that becomes a process fills it and returns to user mode). */
static uint64_t initial_frame(void *stack)
{
	uint64_t *top =
		(uint64_t *)((uint8_t *)stack + KERNEL_STACK_SIZE - sizeof(struct trap_frame));
	uint64_t *sp = top - 9;

	memset(sp, 0, 9 * sizeof(*sp));
	sp[6] = (uint64_t)kthread_start_asm;
	return (uint64_t)sp;
}

struct task *kthread_create(int (*fn)(void *arg), void *arg, const char *name)
{
	struct task *t = kzalloc(sizeof(*t), GFP_KERNEL);
	unsigned long flags;

	if (!t)
		return NULL;
	t->stack = kernel_stack_alloc();
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	sched_task_init(&t->sched);
	t->kernel_rsp = initial_frame(t->stack);
	t->state = TASK_NEW;
	t->pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
	format_snprintf(t->comm, sizeof(t->comm), "%s", name);
	t->cpu = smp_processor_id();
	cpumask_set_first(&t->cpus_allowed, NR_CPUS);
	t->refcount = 2; /* the caller's and its own */
	spin_lock_init(&t->pi_lock);
	spin_lock_init(&t->alloc_lock);
	list_init(&t->rq_link);
	t->thread_fn = fn;
	t->thread_arg = arg;
	completion_init(&t->exited);
	trace_event(sched_process_fork, .parent_pid = current->pid, .child_pid = t->pid,
		    .parent_comm = trace_comm(current->comm), .child_comm = trace_comm(t->comm));
	flags = spin_lock_irqsave(&all_tasks_lock);
	list_add_tail(&t->all_link, &all_tasks);
	nr_tasks_created++;
	spin_unlock_irqrestore(&all_tasks_lock, flags);
	return t;
}

struct task *kthread_run(int (*fn)(void *arg), void *arg, const char *name)
{
	struct task *t = kthread_create(fn, arg, name);

	if (t)
		wake_up_new_task(t);
	return t;
}

void task_get(struct task *t)
{
	__atomic_add_fetch(&t->refcount, 1, __ATOMIC_RELAXED);
}

struct task *find_task_by_pid(int pid)
{
	struct task *t, *found = NULL;
	unsigned long flags = spin_lock_irqsave(&all_tasks_lock);

	list_for_each_entry(t, &all_tasks, all_link) {
		if (t->pid == pid && !t->is_idle) {
			task_get(t);
			found = t;
			break;
		}
	}
	spin_unlock_irqrestore(&all_tasks_lock, flags);
	return found;
}

void for_each_task(bool (*fn)(struct task *t, void *arg), void *arg)
{
	struct task *t;
	unsigned long flags = spin_lock_irqsave(&all_tasks_lock);

	list_for_each_entry(t, &all_tasks, all_link)
		if (!fn(t, arg))
			break;
	spin_unlock_irqrestore(&all_tasks_lock, flags);
}

void task_set_pid(struct task *t, int pid)
{
	t->pid = pid;
}

void task_get_counts(struct task_counts *counts)
{
	unsigned long flags = spin_lock_irqsave(&all_tasks_lock);
	struct task *t;

	counts->nr_created = nr_tasks_created;
	counts->nr_alive = 0;
	list_for_each_entry(t, &all_tasks, all_link)
		if (!t->is_idle && t->exit_state != EXIT_DEAD &&
		    (t->exit_state || t->state != TASK_DEAD)) /* zombies count */
			counts->nr_alive++;
	counts->last_pid = __atomic_load_n(&next_pid, __ATOMIC_RELAXED) - 1;
	spin_unlock_irqrestore(&all_tasks_lock, flags);
}

void task_put(struct task *t)
{
	unsigned long flags;

	if (__atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	flags = spin_lock_irqsave(&all_tasks_lock);
	list_del(&t->all_link);
	spin_unlock_irqrestore(&all_tasks_lock, flags);
	kernel_stack_free(t->stack);
	kfree(t->thread.fpu);
	kfree(t);
}

int kthread_join(struct task *t)
{
	int code;

	wait_for_completion(&t->exited);
	code = t->exit_code;
	task_put(t);
	return code;
}

bool kthread_should_stop(void)
{
	return READ_ONCE(current->should_stop);
}

int kthread_stop(struct task *t)
{
	WRITE_ONCE(t->should_stop, true);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (READ_ONCE(t->state) == TASK_NEW)
		wake_up_new_task(t); /* ends at once without running its function */
	else
		wake_up_process(t);
	return kthread_join(t);
}

__noreturn void task_exit(int code)
{
	struct task *t = current;

	t->exit_code = code;
	trace_event(sched_process_exit, .pid = t->pid, .prio = task_trace_prio(t),
		    .comm = trace_comm(t->comm));
	complete_all(&t->exited);
	schedule_dead(); /* finish_task_switch() on the next task drops its own reference */
}

void schedule_tail(struct task *prev)
{
	finish_task_switch(prev);
	preempt_enable();
}

__noreturn void kthread_main(void)
{
	struct task *t = current;

	if (READ_ONCE(t->should_stop))
		task_exit(-EINTR); /* stopped before it ever ran */
	task_exit(t->thread_fn(t->thread_arg));
}
