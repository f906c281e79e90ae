/* Exceptions taken in user mode, and the last steps before returning there. */
#include <asm/siginfo.h>
#include <asm/signal.h>
#include <vitro/cpu.h>
#include <vitro/preempt.h>
#include <vitro/process.h>
#include <vitro/rseq.h>
#include <vitro/signal.h>
#include <vitro/syscall.h>
#include <vitro/task.h>
#include <vitro/uaccess.h>

#include "io.h"
#include "user.h"

#define PF_ERR_PRESENT 0x1u

/* The signal and si_code Linux sends for each exception vector. */
static int exception_signal(unsigned int vector, int *si_code)
{
	switch (vector) {
	case 0: /* #DE */
		*si_code = FPE_INTDIV;
		return SIGFPE;
	case 1: /* #DB */
	case 3: /* #BP */
		*si_code = TRAP_BRKPT;
		return SIGTRAP;
	case 6: /* #UD */
		*si_code = ILL_ILLOPN;
		return SIGILL;
	case 16: /* #MF */
	case 19: /* #XM */
		*si_code = FPE_FLTINV;
		return SIGFPE;
	case 17: /* #AC */
		*si_code = BUS_ADRALN;
		return SIGBUS;
	case TRAP_PAGE_FAULT:
		*si_code = SEGV_MAPERR;
		return SIGSEGV;
	default: /* #GP, #SS, #NP, ... */
		*si_code = SI_KERNEL;
		return SIGSEGV;
	}
}

void user_exception(struct trap_frame *f)
{
	int si_code, sig = exception_signal((unsigned int)f->vector, &si_code);
	uint64_t addr = f->vector == TRAP_PAGE_FAULT ? read_cr2() : 0;

	if (f->vector == TRAP_PAGE_FAULT && (f->error_code & PF_ERR_PRESENT))
		si_code = SEGV_ACCERR;
	irq_enable();
	if (!current->signal) /* a hand-made task without signal state (tests) */
		force_fatal_signal(sig, si_code, addr, f);
	force_sig_fault(sig, si_code, addr);
}

static bool syscall_wants_restart(const struct trap_frame *f)
{
	long ret = (long)f->rax;

	return f->vector == SYSCALL_FRAME_VECTOR && (int64_t)f->error_code >= 0 &&
	       (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR || ret == -ERESTARTNOHAND ||
		ret == -ERESTART_RESTARTBLOCK);
}

void exit_to_user_mode(struct trap_frame *f)
{
	struct task *t = current;

	for (;;) {
		irq_disable();
		if (need_resched()) {
			irq_enable();
			schedule();
			continue;
		}
		if (t->signal &&
		    (signal_pending(t) || t->restore_sigmask || syscall_wants_restart(f))) {
			irq_enable();
			/* One signal per pass; another pending one stacks its
			 * frame on top in the next. */
			do_signal(f);
			continue;
		}
		if (t->rseq_pending) {
			irq_enable();
			rseq_handle_notify_resume(f);
			continue;
		}
		break;
	}
	/* IRETQ to a non-canonical RIP would fault in the kernel: a process that
	 * asked for one (a jump into the hole, a forged signal frame) dies. */
	if (f->rip >= USER_ADDR_END + 4096) {
		irq_enable();
		force_fatal_signal(SIGSEGV, SI_KERNEL, f->rip, f);
	}
}
