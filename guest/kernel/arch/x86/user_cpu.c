/* What each CPU needs before it runs user code: SSE enabled for user programs
 * (the kernel itself never touches FPU registers), SMEP and SMAP where the CPU
 * has them, and the SYSCALL MSRs. The boot CPU also probes which way SYSCALL
 * goes (syscall.c); the others behave alike. */
#include <vitro/layout.h>
#include <vitro/percpu.h>
#include <vitro/process.h>

#include "io.h"
#include "user.h"

#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_NE (1ull << 5)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)

#define MSR_EFER 0xc0000080
#define EFER_SCE (1ull << 0)
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SYSCALL_MASK 0xc0000084

#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IF_BIT (1ull << 9)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_IOPL (3ull << 12)
#define RFLAGS_NT (1ull << 14)
#define RFLAGS_AC (1ull << 18)

bool cpu_has_smap;

static void write_cr0(uint64_t v)
{
	__asm__ __volatile__("movq %0, %%cr0" : : "r"(v) : "memory");
}

void user_cpu_init(void)
{
	uint32_t a, b, c, d;
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;

	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
	cpuid(7, 0, &a, &b, &c, &d);
	if (b & (1u << 7))
		cr4 |= CR4_SMEP;
	write_cr4(cr4);
	this_cpu()->loaded_cr3 = read_cr3();

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* SYSRET's selectors come from STAR[63:48] (+16 for CS, +8 for SS), as
	 * Linux sets them: the user code segments follow the 32-bit one. */
	wrmsr(MSR_STAR, (uint64_t)GDT_USER32_CS << 48 | (uint64_t)GDT_KERNEL_CS << 32);
	wrmsr(MSR_LSTAR, syscall_lstar);
	wrmsr(MSR_SYSCALL_MASK,
	      RFLAGS_TF | RFLAGS_IF_BIT | RFLAGS_DF | RFLAGS_IOPL | RFLAGS_NT | RFLAGS_AC);

	/* SMAP needs STAC/CLAC around every user access (the user-copy
	 * routines have them): on wherever the CPU has it and runs them. */
	if (!this_cpu()->cpu) {
		bool native = syscall_probe();

		cpu_has_smap = (b & (1u << 20)) && native;
		fpu_cpu_init(true, native);
	} else {
		fpu_cpu_init(false, false);
	}
	if (cpu_has_smap)
		write_cr4(read_cr4() | CR4_SMAP);
}
