/* Running a signal handler and coming back (x86-64's rt_sigframe, as Linux
 * lays it out, so libc's restorers and unwinders work): the interrupted
 * registers, mask and FPU state are saved on the user stack, the handler runs
 * with (sig, &info, &uc), returns into sa_restorer, which calls rt_sigreturn. */
#include <asm/sigcontext.h>
#include <asm/signal.h>
#include <asm/ucontext.h>
#include <vitro/errno.h>
#include <vitro/layout.h>
#include <vitro/process.h>
#include <vitro/rseq.h>
#include <vitro/signal.h>
#include <vitro/string.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/uaccess.h>

#define RED_ZONE 128 /* the ABI lets leaf code use 128 bytes below RSP */
#define FXSAVE_SIZE 512
#define RFLAGS_USER_MASK 0x254dd5ull
#define RFLAGS_TF (1ull << 8)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_RF (1ull << 16)
#define RFLAGS_AC (1ull << 18)
#define MXCSR_OFFSET 24
#define MXCSR_VALID 0xffffu /* bits the CPU accepts (with DAZ) */
#define FPX_SW_BYTES_OFFSET 464 /* software's bytes of the FXSAVE layout */

struct rt_sigframe {
	uint64_t pretcode; /* the handler returns here: sa_restorer */
	struct ucontext uc;
	siginfo_t info;
};

/* After the legacy 512 bytes of a frame's image are in fpu: the extended
 * part too when the frame says it has one of this kernel's size (Linux's
 * check of magic1, the sizes and magic2), then the image made safe for
 * XRSTOR. -EFAULT if user memory faults. */
static int restore_xstate(uint8_t *fpu, uint64_t ufp)
{
	struct _fpx_sw_bytes sw;
	bool has_xstate = false;
	uint32_t magic2;

	if (!fpu_xfeatures)
		return 0;
	memcpy(&sw, fpu + FPX_SW_BYTES_OFFSET, sizeof(sw));
	if (sw.magic1 == FP_XSTATE_MAGIC1 && sw.xstate_size == fpu_state_size &&
	    sw.extended_size == fpu_state_size + FP_XSTATE_MAGIC2_SIZE) {
		if (copy_from_user(&magic2, ufp + fpu_state_size, sizeof(magic2)))
			return -EFAULT;
		has_xstate = magic2 == FP_XSTATE_MAGIC2;
	}
	if (has_xstate &&
	    copy_from_user(fpu + FXSAVE_SIZE, ufp + FXSAVE_SIZE, fpu_state_size - FXSAVE_SIZE))
		return -EFAULT;
	fpu_sanitize_image(fpu, has_xstate);
	return 0;
}

static bool on_sig_stack(const struct task *t, uint64_t sp)
{
	return t->sas_ss_size && sp - t->sas_ss_sp <= t->sas_ss_size;
}

static void save_sigcontext(struct sigcontext *sc, const struct trap_frame *f, ksigset_t mask,
			    uint64_t fpstate)
{
	sc->r8 = f->r8;
	sc->r9 = f->r9;
	sc->r10 = f->r10;
	sc->r11 = f->r11;
	sc->r12 = f->r12;
	sc->r13 = f->r13;
	sc->r14 = f->r14;
	sc->r15 = f->r15;
	sc->rdi = f->rdi;
	sc->rsi = f->rsi;
	sc->rbp = f->rbp;
	sc->rbx = f->rbx;
	sc->rdx = f->rdx;
	sc->rax = f->rax;
	sc->rcx = f->rcx;
	sc->rsp = f->rsp;
	sc->rip = f->rip;
	sc->eflags = f->rflags;
	sc->cs = (uint16_t)f->cs;
	sc->ss = (uint16_t)f->ss;
	sc->err = f->vector < 32 ? f->error_code : 0;
	sc->trapno = f->vector < 32 ? f->vector : 0;
	sc->oldmask = mask;
	sc->fpstate = (struct _fpstate *)fpstate;
}

/* An interrupted system call and a handler: EINTR, or a restart when the
 * handler was installed with SA_RESTART. */
static void syscall_restart_for_handler(struct trap_frame *f, const struct k_sigaction *ka)
{
	if (f->vector != SYSCALL_FRAME_VECTOR || (int64_t)f->error_code < 0)
		return;
	switch ((long)f->rax) {
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		f->rax = (uint64_t)-EINTR;
		break;
	case -ERESTARTSYS:
		if (!(ka->flags & SA_RESTART)) {
			f->rax = (uint64_t)-EINTR;
			break;
		}
		/* fall through */
	case -ERESTARTNOINTR:
		f->rax = f->error_code;
		f->rip -= 2;
		break;
	}
	f->error_code = (uint64_t)-1;
}

static int setup_rt_frame(int sig, const siginfo_t *info, const struct k_sigaction *ka,
			  struct trap_frame *f, ksigset_t oldmask)
{
	struct task *t = current;
	uint8_t *fpu = t->thread.fpu; /* the live registers are the state now */
	/* With XSAVE, Linux's layout: the whole image, FP_XSTATE_MAGIC2
	 * after it, and what it holds said in the legacy area's software
	 * bytes (glibc and musl read AVX state there). */
	size_t fp_size = fpu_state_size + (fpu_xfeatures ? FP_XSTATE_MAGIC2_SIZE : 0);
	uint64_t sp = f->rsp - RED_ZONE, fp_addr;
	struct rt_sigframe frame;

	/* x86-64 has no kernel-provided trampoline: libc must give one. */
	if (!(ka->flags & SA_RESTORER))
		return -EFAULT;
	if ((ka->flags & SA_ONSTACK) && t->sas_ss_size && !on_sig_stack(t, f->rsp))
		sp = t->sas_ss_sp + t->sas_ss_size;
	fp_addr = (sp - fp_size) & ~63ull;
	sp = ((fp_addr - sizeof(frame)) & ~15ull) - 8;

	memset(&frame, 0, sizeof(frame));
	frame.pretcode = ka->restorer;
	frame.uc.uc_flags =
		UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (fpu_xfeatures ? UC_FP_XSTATE : 0);
	frame.uc.uc_stack.ss_sp = (void *)t->sas_ss_sp;
	frame.uc.uc_stack.ss_size = t->sas_ss_size;
	frame.uc.uc_stack.ss_flags = !t->sas_ss_size	     ? SS_DISABLE :
				     on_sig_stack(t, f->rsp) ? SS_ONSTACK :
							       0;
	save_sigcontext(&frame.uc.uc_mcontext, f, oldmask, fp_addr);
	frame.uc.uc_sigmask = oldmask;
	frame.info = *info;
	fpu_save_live(fpu);
	if (fpu_xfeatures) {
		struct _fpx_sw_bytes sw = { .magic1 = FP_XSTATE_MAGIC1,
					    .extended_size = (uint32_t)fp_size,
					    .xfeatures = fpu_xfeatures,
					    .xstate_size = fpu_state_size };
		uint32_t magic2 = FP_XSTATE_MAGIC2;

		memcpy(fpu + FPX_SW_BYTES_OFFSET, &sw, sizeof(sw));
		if (copy_to_user(fp_addr + fpu_state_size, &magic2, sizeof(magic2)))
			return -EFAULT;
	}
	if (copy_to_user(fp_addr, fpu, fpu_state_size) || copy_to_user(sp, &frame, sizeof(frame)))
		return -EFAULT;

	f->rdi = (uint64_t)sig;
	f->rsi = sp + __builtin_offsetof(struct rt_sigframe, info);
	f->rdx = sp + __builtin_offsetof(struct rt_sigframe, uc);
	f->rax = 0;
	f->rsp = sp;
	f->rip = ka->handler;
	f->rflags &= ~(RFLAGS_TF | RFLAGS_DF | RFLAGS_RF | RFLAGS_AC);
	f->cs = GDT_USER_CS;
	f->ss = GDT_USER_DS;
	/* The handler starts with a clean FPU, as on Linux. */
	fpu_init_state(fpu);
	fpu_load_live(fpu);
	return 0;
}

void handle_signal(int sig, const siginfo_t *info, const struct k_sigaction *ka,
		   struct trap_frame *f)
{
	struct task *t = current;
	ksigset_t oldmask = t->restore_sigmask ? t->saved_sigmask : t->blocked;
	ksigset_t blocked = t->blocked | ka->mask;

	syscall_restart_for_handler(f, ka);
	/* Out of a critical section first: the handler's frame records the
	 * abort handler as where to go back to. */
	rseq_handle_notify_resume(f);
	if (setup_rt_frame(sig, info, ka, f, oldmask)) {
		/* No room for the frame: the process cannot run its handler. If
		 * that was the SIGSEGV handler, SIGSEGV kills (Linux's
		 * force_sigsegv), or it would fail again forever. */
		if (sig == SIGSEGV) {
			unsigned long flags = spin_lock_irqsave(&t->sighand->siglock);

			t->sighand->action[SIGSEGV - 1].handler = (uint64_t)SIG_DFL;
			spin_unlock_irqrestore(&t->sighand->siglock, flags);
		}
		force_sig_fault(SIGSEGV, SI_KERNEL, f->rsp);
		return;
	}
	t->restore_sigmask = false;
	if (!(ka->flags & SA_NODEFER))
		blocked |= SIGMASK(sig);
	set_current_blocked(blocked);
}

static void restore_sigcontext(struct trap_frame *f, const struct sigcontext *sc)
{
	f->r8 = sc->r8;
	f->r9 = sc->r9;
	f->r10 = sc->r10;
	f->r11 = sc->r11;
	f->r12 = sc->r12;
	f->r13 = sc->r13;
	f->r14 = sc->r14;
	f->r15 = sc->r15;
	f->rdi = sc->rdi;
	f->rsi = sc->rsi;
	f->rbp = sc->rbp;
	f->rbx = sc->rbx;
	f->rdx = sc->rdx;
	f->rax = sc->rax;
	f->rcx = sc->rcx;
	f->rsp = sc->rsp;
	f->rip = sc->rip;
	/* Only the flags user code may set; segments are always the user's. */
	f->rflags = (f->rflags & ~RFLAGS_USER_MASK) | (sc->eflags & RFLAGS_USER_MASK);
	f->cs = GDT_USER_CS;
	f->ss = GDT_USER_DS;
}

SYSCALL_DEFINE0(rt_sigreturn)
{
	struct trap_frame *f = current_syscall_frame();
	uint8_t *fpu = current->thread.fpu; /* reloaded from the frame below */
	uint64_t sp = f->rsp - 8; /* the handler's RET popped pretcode */
	struct rt_sigframe frame;
	uint32_t mxcsr;

	if (copy_from_user(&frame, sp, sizeof(frame))) {
		force_sig_fault(SIGSEGV, SI_KERNEL, sp);
		return 0;
	}
	restore_sigcontext(f, &frame.uc.uc_mcontext);
	set_current_blocked(frame.uc.uc_sigmask);
	if (frame.uc.uc_mcontext.fpstate) {
		uint64_t ufp = (uint64_t)frame.uc.uc_mcontext.fpstate;

		if (copy_from_user(fpu, ufp, FXSAVE_SIZE) || restore_xstate(fpu, ufp)) {
			force_sig_fault(SIGSEGV, SI_KERNEL, sp);
			return 0;
		}
		/* A reserved MXCSR bit would fault FXRSTOR in the kernel. */
		memcpy(&mxcsr, fpu + MXCSR_OFFSET, sizeof(mxcsr));
		mxcsr &= MXCSR_VALID;
		memcpy(fpu + MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
		fpu_load_live(fpu);
	}
	/* Not a system call any more: nothing to restart. */
	f->error_code = (uint64_t)-1;
	return (long)f->rax;
}
