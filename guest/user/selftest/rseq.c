/* Restartable sequences (rseq(2)): registration and Linux's answers to a
 * second or mismatched one, the CPU number the kernel keeps in the area,
 * and a critical section aborted to its handler when a signal comes in the
 * middle. musl does not register an area of its own, so these cases can. */
#include "selftest.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef SYS_rseq
#define SYS_rseq 334
#endif

/* Linux's <linux/rseq.h> ABI (musl has no copy of it). */
struct rseq {
	uint32_t cpu_id_start;
	uint32_t cpu_id;
	uint64_t rseq_cs;
	uint32_t flags;
} __attribute__((aligned(32)));

#define RSEQ_FLAG_UNREGISTER 1
#define RSEQ_CPU_ID_UNINITIALIZED (-1)
#define RSEQ_SIG 0x53053053

static struct rseq area;
static volatile sig_atomic_t handler_ran;

static long sys_rseq(void *rseq, uint32_t len, int flags, uint32_t sig)
{
	return syscall(SYS_rseq, rseq, len, flags, sig);
}

static int rseq_registration_follows_linux_rules(void)
{
	static char misaligned[64] __attribute__((aligned(32)));

	EXPECT_ERRNO(sys_rseq(misaligned + 8, sizeof(area), 0, RSEQ_SIG), EINVAL);
	EXPECT_ERRNO(sys_rseq(&area, 16, 0, RSEQ_SIG), EINVAL);
	EXPECT_ERRNO(sys_rseq(&area, sizeof(area), 2, RSEQ_SIG), EINVAL);
	EXPECT_ERRNO(sys_rseq(&area, sizeof(area), RSEQ_FLAG_UNREGISTER, RSEQ_SIG), EINVAL);
	area.cpu_id = RSEQ_CPU_ID_UNINITIALIZED;
	EXPECT_OK(sys_rseq(&area, sizeof(area), 0, RSEQ_SIG));
	/* The kernel wrote the CPU before the call returned. */
	EXPECT((int32_t)area.cpu_id >= 0 && area.cpu_id == area.cpu_id_start,
	       "cpu_id %d, cpu_id_start %u after registering", (int32_t)area.cpu_id,
	       area.cpu_id_start);
	EXPECT_ERRNO(sys_rseq(&area, sizeof(area), 0, RSEQ_SIG), EBUSY);
	EXPECT_ERRNO(sys_rseq(&area, sizeof(area), 0, RSEQ_SIG + 1), EPERM);
	EXPECT_ERRNO(sys_rseq(misaligned, sizeof(area), 0, RSEQ_SIG), EINVAL);
	EXPECT_ERRNO(sys_rseq(&area, sizeof(area), RSEQ_FLAG_UNREGISTER, RSEQ_SIG + 1), EPERM);
	EXPECT_OK(sys_rseq(&area, sizeof(area), RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
	EXPECT((int32_t)area.cpu_id == RSEQ_CPU_ID_UNINITIALIZED,
	       "cpu_id %d after unregistering, want %d", (int32_t)area.cpu_id,
	       RSEQ_CPU_ID_UNINITIALIZED);
	EXPECT_ERRNO(sys_rseq(&area, sizeof(area), RSEQ_FLAG_UNREGISTER, RSEQ_SIG), EINVAL);
	return 0;
}

/* Pinned to each CPU in turn, the thread finds that CPU in its area. */
static int rseq_cpu_id_follows_the_thread_across_cpus(void)
{
	long nr = sysconf(_SC_NPROCESSORS_ONLN);

	EXPECT_OK(sys_rseq(&area, sizeof(area), 0, RSEQ_SIG));
	for (long cpu = 0; cpu < nr && cpu < 4; cpu++) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		EXPECT_OK(sched_setaffinity(0, sizeof(set), &set));
		sched_yield();
		EXPECT(area.cpu_id == (uint32_t)cpu && area.cpu_id_start == (uint32_t)cpu,
		       "pinned to CPU %ld, the area says %u (start %u)", cpu, area.cpu_id,
		       area.cpu_id_start);
	}
	return 0;
}

extern const char rseq_test_cs_start[], rseq_test_cs_end[], rseq_test_abort[];
static volatile uintptr_t interrupted_ip;

/* Where the signal found the thread: inside the critical section means the
 * kernel did not abort it first. */
static void note_signal(int sig, siginfo_t *info, void *context)
{
	ucontext_t *uc = context;

	(void)sig, (void)info;
	interrupted_ip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	handler_ran = 1;
}

/* Spins inside a critical section until the kernel aborts it (returns 1), or
 * sees the handler ran without an abort, or gives up (returns 0). */
static __attribute__((noinline)) int spin_in_critical_section(void)
{
	int aborted;

	__asm__ __volatile__(".pushsection .data.rseq_cs, \"aw\"\n\t"
			     ".balign 32\n"
			     "3:\t.long 0, 0\n\t"
			     ".quad rseq_test_cs_start, rseq_test_cs_end - rseq_test_cs_start, "
			     "rseq_test_abort\n\t"
			     ".popsection\n\t"
			     "leaq 3b(%%rip), %%rax\n\t"
			     "movq %%rax, %[cs]\n\t"
			     "movq $4000000000, %%rcx\n"
			     ".globl rseq_test_cs_start\n"
			     "rseq_test_cs_start:\n\t"
			     "cmpl $0, %[ran]\n\t"
			     "jne rseq_test_cs_end\n\t"
			     "decq %%rcx\n\t"
			     "jnz rseq_test_cs_start\n"
			     ".globl rseq_test_cs_end\n"
			     "rseq_test_cs_end:\n\t"
			     "movl $0, %[aborted]\n\t"
			     "jmp 5f\n\t"
			     ".long 0x53053053\n"
			     ".globl rseq_test_abort\n"
			     "rseq_test_abort:\n\t"
			     "movl $1, %[aborted]\n"
			     "5:\n"
			     : [aborted] "=r"(aborted), [cs] "=m"(area.rseq_cs)
			     : [ran] "m"(handler_ran)
			     : "rax", "rcx", "memory", "cc");
	return aborted;
}

/* A signal that comes while the thread is in the section finds it moved to
 * the abort handler already (preemption aborts it too: the thread goes
 * back in until the signal came). */
static int rseq_signal_in_critical_section_aborts_it(void)
{
	struct sigaction sa = { .sa_sigaction = note_signal, .sa_flags = SA_SIGINFO };
	uintptr_t start = (uintptr_t)rseq_test_cs_start, end = (uintptr_t)rseq_test_cs_end;
	int landed_in_section = 0;

	EXPECT_OK(sys_rseq(&area, sizeof(area), 0, RSEQ_SIG));
	EXPECT_OK(sigaction(SIGALRM, &sa, NULL));
	for (int attempt = 0; attempt < 20 && !landed_in_section; attempt++) {
		struct itimerval tick = { .it_value = { 0, 5000 } };
		int aborted;

		handler_ran = 0;
		interrupted_ip = 0;
		EXPECT_OK(setitimer(ITIMER_REAL, &tick, NULL));
		do
			aborted = spin_in_critical_section();
		while (aborted && !handler_ran);
		EXPECT(handler_ran, "the timer signal never came");
		EXPECT(interrupted_ip < start || interrupted_ip >= end,
		       "the handler ran with the thread inside the section (ip %#lx)",
		       (unsigned long)interrupted_ip);
		EXPECT(area.rseq_cs == 0 || !aborted, "the kernel left rseq_cs set after an abort");
		landed_in_section = interrupted_ip == (uintptr_t)rseq_test_abort;
	}
	EXPECT(landed_in_section, "in 20 tries no signal came while in the section");
	return 0;
}

const struct selftest_case rseq_cases[] = {
	{ "registration-follows-linux-rules", rseq_registration_follows_linux_rules },
	{ "cpu-id-follows-the-thread-across-cpus", rseq_cpu_id_follows_the_thread_across_cpus },
	{ "signal-in-critical-section-aborts-it", rseq_signal_in_critical_section_aborts_it },
	{ NULL, NULL },
};
