/* Page faults on user addresses: demand paging and copy-on-write through the
 * address space's fault handler, from user mode or from the kernel's user
 * copies. What cannot be fixed becomes SIGSEGV/SIGBUS for the process, or,
 * for a kernel access, the exception-table fixup (EFAULT). */
#include <asm/siginfo.h>
#include <asm/signal.h>
#include <vitro/cpu.h>
#include <vitro/mm_user.h>
#include <vitro/preempt.h>
#include <vitro/printk.h>
#include <vitro/process.h>
#include <vitro/signal.h>
#include <vitro/task.h>
#include <vitro/trace.h>
#include <vitro/uaccess.h>

#include "io.h"
#include "user.h"

#define PF_ERR_MASK 0x17u /* present, write, user, instruction fetch */

bool user_page_fault(struct trap_frame *f)
{
	uint64_t addr = read_cr2();
	struct task *t = current;
	bool from_user = f->cs & 3;
	struct mm_struct *mm;
	int rc;

	if (addr >= USER_ADDR_END && addr != SYSCALL_TRAMPOLINE_ADDR)
		return false;
	mm = t->mm;
	/* A kernel access from where it may not sleep (a lock held, or in an
	 * interrupt) cannot take mmap_lock: the fixup answers EFAULT and the
	 * caller retries the slow way. */
	if (!mm || (!from_user && (preempt_count() || !(f->rflags & (1ull << 9)))))
		return false;
	/* A user copy made while holding the address space's lock would wait
	 * for itself: it fails with EFAULT instead (a kernel bug to fix, said
	 * once). */
	if (!from_user && READ_ONCE(mm->mmap_lock.owner) == t) {
		static bool warned;

		if (!warned) {
			warned = true;
			pr_warn("page fault at %llx with mmap_lock held (ip %llx): EFAULT\n",
				(unsigned long long)addr, (unsigned long long)f->rip);
		}
		return false;
	}
	irq_enable();
	if (addr == SYSCALL_TRAMPOLINE_ADDR) {
		bool mapped;

		mutex_lock(&mm->mmap_lock);
		mapped = syscall_trampoline_fault(f, addr, &mm->pgtable);
		mutex_unlock(&mm->mmap_lock);
		if (mapped) {
			irq_disable();
			return true;
		}
	}
	if (from_user)
		trace_event(page_fault_user, .address = addr, .ip = f->rip,
			    .error_code = f->error_code);
	else
		trace_event(page_fault_kernel, .address = addr, .ip = f->rip,
			    .error_code = f->error_code);
	mutex_lock(&mm->mmap_lock);
	rc = handle_mm_fault(mm, addr, (unsigned int)f->error_code & PF_ERR_MASK);
	mutex_unlock(&mm->mmap_lock);
	irq_disable();
	if (!rc)
		return true;
	if (!from_user)
		return false;
	if (rc & VM_FAULT_OOM) {
		/* Someone dies so the rest can go on: if not this process, it
		 * retries the access once the victim's memory is back. */
		irq_enable();
		if (!out_of_memory("page fault"))
			force_fatal_signal(SIGKILL, SI_KERNEL, addr, f);
		if (!fatal_signal_pending(t))
			msleep(10);
		irq_disable();
		return true;
	}
	force_sig_fault(rc & VM_FAULT_SIGBUS ? SIGBUS : SIGSEGV, vm_fault_si_code(rc), addr);
	return true;
}
