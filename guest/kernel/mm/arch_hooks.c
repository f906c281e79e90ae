/* Stand-ins for the arch hooks of vitro/mm_user.h while arch/x86 has none:
 * weak, so the arch code's definitions replace them. The TLB flush is
 * correct if blunt (the range on every CPU, whatever runs there); the page
 * directory cannot be filled from here, so nothing may run an mm before the
 * arch code provides arch_mm_init_pgd(). Host builds take the stubs in
 * tests/unit instead. */
#include <vitro/mm_user.h>

#ifndef VITRO_HOST_BUILD
#include <vitro/printk.h>
#include <vitro/tlb.h>

__attribute__((weak)) void flush_tlb_mm_range(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	(void)mm;
	flush_tlb_kernel_range(start, end);
}

__attribute__((weak)) void arch_mm_init_pgd(struct mm_struct *mm)
{
	panic("mm %p: no arch_mm_init_pgd() to map the kernel into its page tables\n", (void *)mm);
}
#endif
