/* See vitro/rseq.h. Checks and answers are Linux 6.1's (kernel/rseq.c). */
#include <linux/rseq.h>
#include <linux/sched.h>
#include <vitro/cpu.h>
#include <vitro/errno.h>
#include <vitro/layout.h>
#include <vitro/process.h>
#include <vitro/printk.h>
#include <vitro/rseq.h>
#include <vitro/signal.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/trap_frame.h>
#include <vitro/uaccess.h>

#define ORIG_RSEQ_SIZE 32
#define RSEQ_AREA_ALIGN 32 /* struct rseq is aligned on 4 * 8 bytes */

static bool user_range_ok(uint64_t addr, uint64_t len)
{
	return addr < USER_ADDR_END && len <= USER_ADDR_END - addr;
}

static int rseq_write_cpu(struct task *t, uint32_t cpu_id_start, uint32_t cpu_id)
{
	struct rseq *area = (struct rseq *)t->rseq;

	if (put_user(cpu_id_start, &area->cpu_id_start) || put_user(cpu_id, &area->cpu_id))
		return -EFAULT;
	return 0;
}

/* The critical section the thread is in, if any: abort to its handler. */
static int rseq_ip_fixup(struct task *t, struct trap_frame *f)
{
	struct rseq *area = (struct rseq *)t->rseq;
	struct rseq_cs cs;
	uint64_t ucs;
	uint32_t sig;

	if (get_user(ucs, &area->rseq_cs))
		return -EFAULT;
	if (!ucs)
		return 0;
	if (!user_range_ok(ucs, sizeof(cs)) || copy_from_user(&cs, ucs, sizeof(cs)))
		return -EFAULT;
	if (cs.version > 0 || !user_range_ok(cs.start_ip, cs.post_commit_offset) ||
	    cs.abort_ip >= USER_ADDR_END || cs.abort_ip < 4 ||
	    cs.abort_ip - cs.start_ip < cs.post_commit_offset)
		return -EINVAL;
	/* Not inside: the descriptor is stale, and forgotten. */
	if (f->rip - cs.start_ip >= cs.post_commit_offset)
		return put_user((uint64_t)0, &area->rseq_cs);
	if (get_user(sig, (uint32_t *)(cs.abort_ip - 4)))
		return -EFAULT;
	if (sig != t->rseq_sig) {
		pr_warn("%s[%d]: rseq abort handler signature %#x, registered %#x\n", t->comm,
			t->pid, sig, t->rseq_sig);
		return -EINVAL;
	}
	if (put_user((uint64_t)0, &area->rseq_cs))
		return -EFAULT;
	f->rip = cs.abort_ip;
	return 0;
}

void rseq_handle_notify_resume(struct trap_frame *f)
{
	struct task *t = current;
	unsigned int cpu;

	t->rseq_pending = false;
	if (!t->rseq)
		return;
	cpu = smp_processor_id();
	if (rseq_ip_fixup(t, f) || rseq_write_cpu(t, cpu, cpu))
		force_fatal_signal(SIGSEGV, SI_KERNEL, t->rseq, f);
	/* Moved to another CPU while writing: say so before user mode. */
	if (smp_processor_id() != cpu)
		t->rseq_pending = true;
}

void rseq_fork(struct task *child, const struct task *parent, unsigned long clone_flags)
{
	if (clone_flags & CLONE_VM) {
		child->rseq = 0;
		child->rseq_len = 0;
		child->rseq_sig = 0;
		child->rseq_pending = false;
	} else {
		child->rseq = parent->rseq;
		child->rseq_len = parent->rseq_len;
		child->rseq_sig = parent->rseq_sig;
		child->rseq_pending = parent->rseq != 0;
	}
}

void rseq_execve(struct task *t)
{
	t->rseq = 0;
	t->rseq_len = 0;
	t->rseq_sig = 0;
	t->rseq_pending = false;
}

static long rseq_unregister(struct task *t, uint64_t urseq, uint32_t len, uint32_t sig)
{
	if (!t->rseq || t->rseq != urseq || len != t->rseq_len)
		return -EINVAL;
	if (sig != t->rseq_sig)
		return -EPERM;
	if (rseq_write_cpu(t, 0, (uint32_t)RSEQ_CPU_ID_UNINITIALIZED))
		return -EFAULT;
	rseq_execve(t);
	return 0;
}

SYSCALL_DEFINE4(rseq, uint64_t, urseq, uint32_t, len, int, flags, uint32_t, sig)
{
	struct task *t = current;

	if (flags & RSEQ_FLAG_UNREGISTER) {
		if (flags & ~RSEQ_FLAG_UNREGISTER)
			return -EINVAL;
		return rseq_unregister(t, urseq, len, sig);
	}
	if (flags)
		return -EINVAL;
	if (t->rseq) {
		if (t->rseq != urseq || len != t->rseq_len)
			return -EINVAL;
		return sig != t->rseq_sig ? -EPERM : -EBUSY;
	}
	if (len < ORIG_RSEQ_SIZE || urseq % RSEQ_AREA_ALIGN)
		return -EINVAL;
	if (!user_range_ok(urseq, len))
		return -EFAULT;
	t->rseq = urseq;
	t->rseq_len = len;
	t->rseq_sig = sig;
	t->rseq_pending = true; /* its CPU is written before it returns */
	return 0;
}
