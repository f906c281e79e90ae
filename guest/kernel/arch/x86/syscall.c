/* System call entry, both ways a CPU may deliver SYSCALL (see DESIGN.md,
 * "Where it runs"): into ring 0 at LSTAR (entry_syscall_64 builds the frame),
 * or, where SYSCALL stays in ring 3, by jumping in ring 3 to LSTAR, which then
 * points at a user-executable trampoline page holding UD2: the #UD is the
 * system call, with the registers as SYSCALL left them. (A fetch from a
 * supervisor page would trap too, but a page fault costs ten times a #UD
 * there.) Either way the return goes through IRETQ to RCX with the flags
 * from R11, checked first. A boot-time probe tells which it is. */
#include <vitro/cpu.h>
#include <vitro/errno.h>
#include <vitro/layout.h>
#include <vitro/mm.h>
#include <vitro/pgtable.h>
#include <vitro/process.h>
#include <vitro/string.h>
#include <vitro/printk.h>
#include <vitro/syscall.h>
#include <vitro/task.h>
#include <vitro/uaccess.h>

#include "io.h"
#include "mm_init.h"
#include "user.h"

/* The flags user code may set: CF PF AF ZF SF TF DF OF AC ID (and bit 1,
 * always one). IF is always on in user mode; IOPL and NT never. */
#define RFLAGS_USER_MASK 0x254dd5ull
#define RFLAGS_FIXED 0x2ull
#define RFLAGS_IF_ON (1ull << 9)

#define MSR_LSTAR 0xc0000082
#define PROBE_USER_ADDR 0x400000ull

bool syscall_enters_ring0;
uint64_t syscall_lstar = (uint64_t)entry_syscall_64;
static bool syscall_probe_active;
/* The trampoline's page (UD2 at its start), mapped read+exec for user mode
 * at SYSCALL_TRAMPOLINE_ADDR in every address space that needs it. */
static uint64_t trampoline_phys;

extern uint64_t syscall_probe_run(uint64_t user_rip);
extern void syscall_probe_landing(void);
extern __noreturn void syscall_probe_return(uint64_t result);

struct trap_frame *task_user_frame(struct task *t)
{
	return (struct trap_frame *)task_stack_top(t) - 1;
}

void do_syscall(struct trap_frame *f)
{
	unsigned long nr = f->rax;

	/* What SYSRET would do: back to RCX, flags from R11. A handler that
	 * replaces the whole user state (execve, rt_sigreturn) overwrites it. */
	f->rip = f->rcx;
	f->rflags = (f->r11 & RFLAGS_USER_MASK) | RFLAGS_FIXED | RFLAGS_IF_ON;
	f->cs = GDT_USER_CS;
	f->ss = GDT_USER_DS;
	f->vector = SYSCALL_FRAME_VECTOR;
	f->error_code = nr; /* Linux's orig_ax: what a restart runs again */
	irq_enable();
	f->rax = (uint64_t)syscall_dispatch(f, nr);
}

bool syscall_probe_fault(struct trap_frame *f)
{
	if (syscall_probe_active && (f->cs & 3) && f->rip == (uint64_t)syscall_probe_landing)
		syscall_probe_return(0);
	return false;
}

bool syscall_from_invalid_opcode(struct trap_frame *f)
{
	if (!(f->cs & 3) || !trampoline_phys || f->rip != SYSCALL_TRAMPOLINE_ADDR)
		return false;
	do_syscall(f);
	return true;
}

int syscall_trampoline_map(struct pgtable *pt)
{
	uint64_t *pte;

	if (!trampoline_phys)
		return 0;
	pte = pgtable_pte_alloc(pt, SYSCALL_TRAMPOLINE_ADDR, true);
	if (!pte)
		return -ENOMEM;
	*pte = trampoline_phys | PTE_PRESENT | PTE_USER;
	return 0;
}

bool syscall_trampoline_fault(struct trap_frame *f, uint64_t addr, struct pgtable *pt)
{
	/* Mapped lazily, on the first system call (and again should the
	 * page tables above it have been freed with the mappings nearby). */
	if (!(f->cs & 3) || !trampoline_phys || addr != SYSCALL_TRAMPOLINE_ADDR ||
	    f->rip != SYSCALL_TRAMPOLINE_ADDR)
		return false;
	return !syscall_trampoline_map(pt);
}

static uint64_t probe_table_alloc(void)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

	return page ? page_to_pfn(page) << PAGE_SHIFT : 0;
}

/* The probe's page tables: the kernel half is shared, so only the path down
 * to its one user page is its own (walked, not scanned: where ring 0 is
 * emulated a scan of every entry costs milliseconds). */
static void probe_tables_free(uint64_t root_phys, uint64_t addr)
{
	uint64_t phys = root_phys;

	for (int level = 3; level >= 0; level--) {
		uint64_t *table = phys_to_virt(phys);
		uint64_t entry = table[(addr >> (12 + 9 * level)) & 511];

		free_pages(table, 0);
		phys = entry & PTE_ADDR_MASK;
	}
	free_pages(phys_to_virt(phys), 0); /* the code page */
}

bool syscall_probe(void)
{
	static const uint8_t program[] = { 0x0f, 0x05, 0x0f, 0x0b }; /* syscall; ud2 */
	struct page *code = alloc_page(GFP_KERNEL | __GFP_ZERO);
	uint64_t old_cr3, sp, result;
	struct pgtable pt;
	unsigned long irq;

	if (!code || pgtable_create(&pt, kernel_pgtable.has_1g_pages, probe_table_alloc))
		panic("syscall probe: out of memory");
	memcpy(page_address(code), program, sizeof(program));
	arch_pgd_copy_kernel_half(pt.root_phys);
	if (pgtable_map(&pt, PROBE_USER_ADDR, page_to_pfn(code) << PAGE_SHIFT, PAGE_SIZE,
			PTE_PRESENT | PTE_USER))
		panic("syscall probe: cannot map its page");
	irq = local_irq_save();
	old_cr3 = read_cr3();
	write_cr3(pt.root_phys);
	/* The fault, if it comes, lands well below this frame. */
	__asm__ __volatile__("movq %%rsp, %0" : "=r"(sp));
	tss_set_kernel_stack(smp_processor_id(), (sp - 2048) & ~15ull);
	wrmsr(MSR_LSTAR, (uint64_t)syscall_probe_landing);
	syscall_probe_active = true;
	result = syscall_probe_run(PROBE_USER_ADDR);
	syscall_probe_active = false;
	wrmsr(MSR_LSTAR, (uint64_t)entry_syscall_64);
	write_cr3(old_cr3);
	local_irq_restore(irq);
	probe_tables_free(pt.root_phys, PROBE_USER_ADDR);
	syscall_enters_ring0 = result;
	if (!syscall_enters_ring0) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		uint8_t *ud2;

		if (!page)
			panic("syscall: no page for the trampoline");
		ud2 = page_address(page);
		ud2[0] = 0x0f;
		ud2[1] = 0x0b;
		trampoline_phys = page_to_pfn(page) << PAGE_SHIFT;
		syscall_lstar = SYSCALL_TRAMPOLINE_ADDR;
		wrmsr(MSR_LSTAR, syscall_lstar);
		pr_debug(
			"syscall: SYSCALL stays in ring 3 here: system calls come in through the UD2 at %#llx\n",
			(unsigned long long)SYSCALL_TRAMPOLINE_ADDR);
	}
	return syscall_enters_ring0;
}
