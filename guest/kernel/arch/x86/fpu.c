/* User FPU/SSE/AVX state. FXSAVE's 512-byte image everywhere; XSAVE, with
 * x87, SSE, AVX and AVX-512 when the CPU has them, where ring 0 runs
 * natively (QEMU, real hardware): the boot probe found it does; where ring 0
 * is emulated, xsave and xsetbv stop the guest (DESIGN.md, "Where it runs")
 * and AVX stays hidden (no CR4.OSXSAVE, so CPUID says so to programs). The
 * kernel never uses these registers, so they hold the running task's. */
#include <vitro/cpu.h>
#include <vitro/printk.h>
#include <vitro/process.h>
#include <vitro/slab.h>
#include <vitro/string.h>

#include "io.h"

#define CR4_OSXSAVE (1ull << 18)
#define CPUID1_ECX_XSAVE (1u << 26)

#define XFEATURE_X87 (1ull << 0)
#define XFEATURE_SSE (1ull << 1)
#define XFEATURE_AVX (1ull << 2)
#define XFEATURE_AVX512 (7ull << 5) /* opmask, ZMM_Hi256, Hi16_ZMM: all or none */

#define FXSAVE_SIZE 512
#define XSAVE_HEADER_OFFSET 512
#define XSAVE_HEADER_SIZE 64

unsigned int fpu_state_size = FXSAVE_SIZE;
uint64_t fpu_xfeatures; /* 0: FXSAVE */

static void xsetbv(uint32_t index, uint64_t value)
{
	__asm__ __volatile__("xsetbv"
			     :
			     : "c"(index), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

static void fpu_enable_xsave(void)
{
	write_cr4(read_cr4() | CR4_OSXSAVE);
	xsetbv(0, fpu_xfeatures);
}

void fpu_cpu_init(bool is_boot_cpu, bool ring0_is_native)
{
	uint32_t a, b, c, d;
	uint64_t supported;

	if (!is_boot_cpu) {
		if (fpu_xfeatures)
			fpu_enable_xsave();
		return;
	}
	cpuid(1, 0, &a, &b, &c, &d);
	if (!ring0_is_native || !(c & CPUID1_ECX_XSAVE))
		return;
	cpuid(0xd, 0, &a, &b, &c, &d);
	supported = (uint64_t)d << 32 | a;
	fpu_xfeatures = supported & (XFEATURE_X87 | XFEATURE_SSE | XFEATURE_AVX);
	if ((supported & XFEATURE_AVX512) == XFEATURE_AVX512 && (supported & XFEATURE_AVX))
		fpu_xfeatures |= XFEATURE_AVX512;
	fpu_enable_xsave();
	/* EBX: the size of the area for what XCR0 now enables. */
	cpuid(0xd, 0, &a, &b, &c, &d);
	fpu_state_size = (b + 63) & ~63u;
	pr_debug("fpu: XSAVE, features %#llx, %u bytes per task\n",
		 (unsigned long long)fpu_xfeatures, fpu_state_size);
}

void *fpu_state_alloc(void)
{
	size_t size = FXSAVE_SIZE;
	uint8_t *area;

	/* A power of two: kmalloc's caches align those to their size, and
	 * XSAVE wants 64 bytes. */
	while (size < fpu_state_size)
		size *= 2;
	area = kmalloc(size, GFP_KERNEL);
	if (area && ((uintptr_t)area & 63))
		panic("fpu: state area %p is not 64-byte aligned", (void *)area);
	/* XSAVE leaves the header's bits for components it does not save as
	 * they were: they must start clear, or XRSTOR faults on them. */
	if (area && fpu_xfeatures)
		memset(area + XSAVE_HEADER_OFFSET, 0, XSAVE_HEADER_SIZE);
	return area;
}

void fpu_save_live(void *area)
{
	if (fpu_xfeatures)
		__asm__ __volatile__("xsave64 (%0)"
				     :
				     : "r"(area), "a"((uint32_t)fpu_xfeatures),
				       "d"((uint32_t)(fpu_xfeatures >> 32))
				     : "memory");
	else
		__asm__ __volatile__("fxsave64 (%0)" : : "r"(area) : "memory");
}

void fpu_load_live(const void *area)
{
	if (fpu_xfeatures)
		__asm__ __volatile__("xrstor64 (%0)"
				     :
				     : "r"(area), "a"((uint32_t)fpu_xfeatures),
				       "d"((uint32_t)(fpu_xfeatures >> 32))
				     : "memory");
	else
		__asm__ __volatile__("fxrstor64 (%0)" : : "r"(area) : "memory");
}

/* A freshly initialised FPU image: x87 control word 0x37f (all exceptions
 * masked, extended precision), MXCSR 0x1f80 (SSE exceptions masked), as
 * after FNINIT and at process start on Linux; with XSAVE, an empty header
 * puts every other component in its initial state. */
void fpu_init_state(void *area)
{
	uint8_t *b = area;

	memset(b, 0, fpu_state_size);
	b[0] = 0x7f;
	b[1] = 0x03;
	b[24] = 0x80;
	b[25] = 0x1f;
	if (fpu_xfeatures) {
		uint64_t bv = XFEATURE_X87 | XFEATURE_SSE; /* from the legacy area */

		memcpy(b + XSAVE_HEADER_OFFSET, &bv, sizeof(bv));
	}
}

/* An image from user memory (a signal frame) made safe for XRSTOR, which
 * faults on reserved header bits: components outside what is enabled are
 * dropped, the compacted form refused, the reserved bytes zeroed. With
 * FXSAVE only the MXCSR check (by the caller) is needed. */
void fpu_sanitize_image(void *area, bool has_xstate)
{
	uint8_t *b = area;
	uint64_t bv = XFEATURE_X87 | XFEATURE_SSE;

	if (!fpu_xfeatures)
		return;
	if (has_xstate)
		memcpy(&bv, b + XSAVE_HEADER_OFFSET, sizeof(bv));
	bv &= fpu_xfeatures;
	memset(b + XSAVE_HEADER_OFFSET, 0, XSAVE_HEADER_SIZE);
	memcpy(b + XSAVE_HEADER_OFFSET, &bv, sizeof(bv));
	if (!has_xstate) /* a legacy 512-byte image: the rest starts clean */
		memset(b + XSAVE_HEADER_OFFSET + XSAVE_HEADER_SIZE, 0,
		       fpu_state_size - XSAVE_HEADER_OFFSET - XSAVE_HEADER_SIZE);
}
