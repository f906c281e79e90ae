/* The user side of a context switch: page tables, FPU/SSE registers, the FS
 * and GS bases, and the kernel stack that entries from user mode land on. */
#include <vitro/cpu.h>
#include <vitro/layout.h>
#include <vitro/mm_user.h>
#include <vitro/percpu.h>
#include <vitro/pgtable.h>
#include <vitro/tlb.h>
#include <vitro/process.h>
#include <vitro/string.h>
#include <vitro/task.h>

#include "io.h"
#include "mm_init.h"
#include "traps.h"

#define MSR_FS_BASE 0xc0000100
#define MSR_KERNEL_GS_BASE 0xc0000102

void arch_switch_to(struct task *prev, struct task *next)
{
	struct cpu_local *local = this_cpu();
	uint64_t cr3 = next->thread.cr3 ? next->thread.cr3 : kernel_pgtable.root_phys;

	/* The kernel never uses the FPU, so the registers hold the state of
	 * the last user task that ran here. */
	if (prev->thread.fpu)
		fpu_save_live(prev->thread.fpu);
	if (local->loaded_cr3 != cr3) {
		write_cr3(cr3);
		local->loaded_cr3 = cr3;
	}
	if (!next->thread.cr3) /* a kernel thread */
		return;
	if (next->thread.fpu)
		fpu_load_live(next->thread.fpu);
	wrmsr(MSR_FS_BASE, next->thread.fsbase);
	if (local->user_gsbase != next->thread.gsbase) {
		wrmsr(MSR_KERNEL_GS_BASE, next->thread.gsbase);
		local->user_gsbase = next->thread.gsbase;
	}
	local->kernel_stack_top = task_stack_top(next);
	tss_set_kernel_stack(local->cpu, local->kernel_stack_top);
}

/* The running task's user state changed outside a switch (exec, arch_prctl):
 * load it now. */
void arch_load_user_state(struct task *t)
{
	struct cpu_local *local = this_cpu();
	unsigned long irq = local_irq_save();

	if (t->thread.cr3 && local->loaded_cr3 != t->thread.cr3) {
		write_cr3(t->thread.cr3);
		local->loaded_cr3 = t->thread.cr3;
	}
	if (t->thread.fpu)
		fpu_load_live(t->thread.fpu);
	wrmsr(MSR_FS_BASE, t->thread.fsbase);
	if (local->user_gsbase != t->thread.gsbase) {
		wrmsr(MSR_KERNEL_GS_BASE, t->thread.gsbase);
		local->user_gsbase = t->thread.gsbase;
	}
	local->kernel_stack_top = task_stack_top(t);
	tss_set_kernel_stack(local->cpu, local->kernel_stack_top);
	local_irq_restore(irq);
}

/* Switching CR3 back to the kernel's page tables before a user address space
 * is freed. */
void arch_leave_user_mm(void)
{
	struct cpu_local *local = this_cpu();
	unsigned long irq = local_irq_save();

	if (local->loaded_cr3 != kernel_pgtable.root_phys) {
		write_cr3(kernel_pgtable.root_phys);
		local->loaded_cr3 = kernel_pgtable.root_phys;
	}
	local_irq_restore(irq);
}

void arch_pgd_copy_kernel_half(uint64_t root_phys)
{
	uint64_t *dst = phys_to_virt(root_phys);
	const uint64_t *src = phys_to_virt(kernel_pgtable.root_phys);

	/* One string copy: entry by entry costs milliseconds where ring 0 is
	 * emulated. */
	memcpy(dst + 256, src + 256, 256 * sizeof(*dst));
}

void arch_mm_init_pgd(struct mm_struct *mm)
{
	arch_pgd_copy_kernel_half(mm->pgtable.root_phys);
	/* Without NX (EFER.NXE off) bit 63 is reserved: never set it. */
	if (!mm_boot_report.has_nx)
		supported_pte_mask &= ~PTE_NX;
}

void flush_tlb_mm_range(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	/* INVLPG on every CPU: a CPU running another address space holds no
	 * entries of this one (no PCIDs: CR3 loads flush them), and one
	 * running this one drops them. */
	(void)mm;
	flush_tlb_kernel_range(start, end);
}
