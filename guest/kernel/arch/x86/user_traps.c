/* Exceptions taken in user mode, and the last steps before returning there. */
#include <asm/siginfo.h>
#include <asm/signal.h>
#include <vitro/cpu.h>
#include <vitro/preempt.h>
#include <vitro/process.h>
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
	force_fatal_signal(sig, si_code, addr, f);
}

void exit_to_user_mode(struct trap_frame *f)
{
	for (;;) {
		irq_disable();
		if (!need_resched())
			break;
		irq_enable();
		schedule();
	}
	/* IRETQ to a non-canonical RIP would fault in the kernel: a process that
	 * asked for one (a jump into the hole, a forged signal frame) dies. */
	if (f->rip >= USER_ADDR_END + 4096) {
		irq_enable();
		force_fatal_signal(SIGSEGV, SI_KERNEL, f->rip, f);
	}
}
