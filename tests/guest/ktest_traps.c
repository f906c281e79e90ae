/* Exceptions taken in ring 0 reach the IDT, are identified correctly, and
 * resume through the exception table, the mechanism user copies rely on. */
#include <vitro/ktest.h>

#include "../../guest/kernel/arch/x86/traps.h"

KTEST(trap_invalid_opcode_resumes_at_fixup)
{
	int faulted = 1;

	trap_last_fixup.vector = ~0ull;
	__asm__ __volatile__("1: ud2\n\t"
			     "movl $0, %0\n"
			     "2:\n\t" TRAP_EXTABLE_ENTRY(1b, 2b)
			     : "+m"(faulted)
			     :
			     : "memory");
	KTEST_EXPECT_EQ(faulted, 1);
	KTEST_EXPECT_EQ(trap_last_fixup.vector, TRAP_INVALID_OPCODE);
}

KTEST(trap_page_fault_reports_address_and_error_code)
{
	const uint64_t bad = 0xffff800000002000ull; /* unmapped */
	uint64_t value = 7;

	__asm__ __volatile__("1: movq (%1), %0\n"
			     "2:\n\t" TRAP_EXTABLE_ENTRY(1b, 2b)
			     : "+r"(value)
			     : "r"(bad)
			     : "memory");
	KTEST_EXPECT_EQ(value, 7);
	KTEST_EXPECT_EQ(trap_last_fixup.vector, TRAP_PAGE_FAULT);
	KTEST_EXPECT_EQ(trap_last_fixup.cr2, bad);
	KTEST_EXPECT_EQ(trap_last_fixup.error_code & 0x3, 0); /* read, not present */
}

KTEST(trap_null_dereference_faults)
{
	uint64_t value = 1;

	__asm__ __volatile__("1: movq 0, %0\n"
			     "2:\n\t" TRAP_EXTABLE_ENTRY(1b, 2b)
			     : "+r"(value)
			     :
			     : "memory");
	KTEST_EXPECT_EQ(trap_last_fixup.vector, TRAP_PAGE_FAULT);
	KTEST_EXPECT_EQ(trap_last_fixup.cr2, 0);
}

KTEST(trap_divide_error_is_vector_0)
{
	uint32_t eax = 1, edx = 0, divisor = 0;

	trap_last_fixup.vector = ~0ull;
	__asm__ __volatile__("1: divl %2\n"
			     "2:\n\t" TRAP_EXTABLE_ENTRY(1b, 2b)
			     : "+a"(eax), "+d"(edx)
			     : "r"(divisor)
			     : "memory");
	KTEST_EXPECT_EQ(trap_last_fixup.vector, TRAP_DIVIDE_ERROR);
}
