/* IDT set-up, the C side of exception and interrupt entry, and crash
 * reports. Gates are written only for the vectors in use (exceptions, then
 * each device vector as its handler registers): every instruction counts at
 * boot where ring 0 is emulated. */
#include "traps.h"

#include <vitro/compiler.h>
#include <vitro/kallsyms.h>
#include <vitro/layout.h>
#include <vitro/percpu.h>
#include <vitro/preempt.h>
#include <vitro/printk.h>
#include <vitro/proc_fs.h>
#include <vitro/trace.h>
#include <vitro/vmalloc.h>

#include "../../../../shared/machine.h"
#include "ipi.h"
#include "tlb_shootdown.h"
#include "user.h"

#include "apic.h"
#include "io.h"
#include "mm_init.h"

#define IDT_ENTRIES 256
#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define TRAP_STUB_STRIDE 16
#define IST_DOUBLE_FAULT 1
#define RFLAGS_IF (1ull << 9)

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

struct descriptor_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern const char trap_stubs[];
extern const struct extable_entry __start_extable[], __stop_extable[];

static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(16)));
static struct {
	irq_handler_fn handler;
	void *opaque;
} irq_handlers[IDT_ENTRIES];

/* Interrupts taken per vector, for /proc/stat. */
static uint64_t irq_counts[IDT_ENTRIES];

struct trap_fixup_record trap_last_fixup;

static const char *const exception_names[TRAP_NR_EXCEPTIONS] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range exceeded",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor segment overrun",
	"invalid TSS",
	"segment not present",
	"stack-segment fault",
	"general protection fault",
	"page fault",
	"reserved",
	"x87 floating-point error",
	"alignment check",
	"machine check",
	"SIMD floating-point error",
	"virtualization exception",
	"control protection exception",
};

static void idt_set_gate(unsigned int vector, unsigned int ist)
{
	uint64_t handler = (uint64_t)trap_stubs + vector * TRAP_STUB_STRIDE;

	idt[vector] = (struct idt_gate){
		.offset_low = handler & 0xffff,
		.selector = GDT_KERNEL_CS,
		.ist = ist,
		.type_attr = GATE_INTERRUPT,
		.offset_mid = (handler >> 16) & 0xffff,
		.offset_high = handler >> 32,
	};
}

void idt_load(void)
{
	struct descriptor_pointer idtr = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ __volatile__("lidt %0" : : "m"(idtr));
}

void idt_init(void)
{
	unsigned int v;

	for (v = 0; v < TRAP_NR_EXCEPTIONS; v++)
		idt_set_gate(v, v == TRAP_DOUBLE_FAULT ? IST_DOUBLE_FAULT : 0);
	idt_set_gate(SPURIOUS_VECTOR, 0);
	idt_load();
}

void irq_set_handler(unsigned int vector, irq_handler_fn handler, void *opaque)
{
	irq_handlers[vector].handler = handler;
	irq_handlers[vector].opaque = opaque;
	idt_set_gate(vector, 0);
}

static const struct extable_entry *extable_find(uint64_t rip)
{
	const struct extable_entry *e;

	for (e = __start_extable; e < __stop_extable; e++)
		if (e->fault == rip)
			return e;
	return NULL;
}

static void print_symbol(const char *prefix, uint64_t addr)
{
	uint64_t offset, size;
	const char *name = kallsyms_lookup(addr, &offset, &size);

	if (name)
		pr_emerg("%s[<%016llx>] %s+0x%llx/0x%llx\n", prefix, (unsigned long long)addr, name,
			 (unsigned long long)offset, (unsigned long long)size);
	else
		pr_emerg("%s[<%016llx>] ?\n", prefix, (unsigned long long)addr);
}

extern const char boot_stack_bottom[], boot_stack_top[];

static void backtrace_print_continue(uint64_t return_address, uint64_t rbp);

/* Frame records are (saved rbp, return address) pairs on the stack; stop
 * at a null rbp, a misaligned one, or one outside the kernel stack. */
void backtrace_print(uint64_t rip, uint64_t rbp)
{
	pr_emerg("Call trace:\n");
	print_symbol("  ", rip);
	backtrace_print_continue(0, rbp);
}

/* Prints return_address (if not 0) as a caller, then walks the RBP chain. */
/* The kernel stack holding addr: the boot stack or a vmalloc'd one. */
static bool stack_bounds(uint64_t addr, uint64_t *lo, uint64_t *hi)
{
	if (addr >= (uint64_t)boot_stack_bottom && addr < (uint64_t)boot_stack_top) {
		*lo = (uint64_t)boot_stack_bottom;
		*hi = (uint64_t)boot_stack_top;
		return true;
	}
	return vmalloc_area_bounds(addr, lo, hi);
}

static void backtrace_print_continue(uint64_t return_address, uint64_t rbp)
{
	uint64_t lo = 0, hi = 0;
	unsigned int depth;

	stack_bounds(rbp, &lo, &hi);
	if (return_address)
		print_symbol("  ", return_address - 1);
	for (depth = 0; depth < 32; depth++) {
		const uint64_t *record = (const uint64_t *)rbp;

		if (!rbp || (rbp & 7) || rbp < lo || rbp + 16 > hi)
			break;
		if (!record[1])
			break;
		print_symbol("  ", record[1] - 1); /* the call, not after it */
		if (record[0] <= rbp)
			break; /* frames only go up the stack */
		rbp = record[0];
	}
}

/* A fault on a function's first instruction, or just after its push of
 * RBP, comes before its frame record exists: its caller's return address is
 * then on top of the stack, and the RBP chain would skip that caller. */
static void backtrace_print_trap(const struct trap_frame *f)
{
	uint64_t offset, rsp = f->rsp, lo, hi;
	const uint8_t *code = (const uint8_t *)f->rip;
	const char *name = kallsyms_lookup(f->rip, &offset, NULL);

	if (name && offset == 1 && code[-1] == 0x55) /* after push %rbp */
		rsp += 8;
	else if (!name || offset != 0)
		rsp = 0;
	if (rsp && stack_bounds(rsp, &lo, &hi) && rsp + 8 <= hi) {
		backtrace_print(f->rip, 0);
		backtrace_print_continue(*(const uint64_t *)rsp, f->rbp);
		return;
	}
	backtrace_print(f->rip, f->rbp);
}

void trap_dump(const struct trap_frame *f)
{
	pr_emerg("RIP: %04llx:%016llx RFLAGS: %08llx\n", (unsigned long long)f->cs,
		 (unsigned long long)f->rip, (unsigned long long)f->rflags);
	pr_emerg("RSP: %04llx:%016llx\n", (unsigned long long)f->ss, (unsigned long long)f->rsp);
	pr_emerg("RAX: %016llx RBX: %016llx RCX: %016llx\n", (unsigned long long)f->rax,
		 (unsigned long long)f->rbx, (unsigned long long)f->rcx);
	pr_emerg("RDX: %016llx RSI: %016llx RDI: %016llx\n", (unsigned long long)f->rdx,
		 (unsigned long long)f->rsi, (unsigned long long)f->rdi);
	pr_emerg("RBP: %016llx R08: %016llx R09: %016llx\n", (unsigned long long)f->rbp,
		 (unsigned long long)f->r8, (unsigned long long)f->r9);
	pr_emerg("R10: %016llx R11: %016llx R12: %016llx\n", (unsigned long long)f->r10,
		 (unsigned long long)f->r11, (unsigned long long)f->r12);
	pr_emerg("R13: %016llx R14: %016llx R15: %016llx\n", (unsigned long long)f->r13,
		 (unsigned long long)f->r14, (unsigned long long)f->r15);
	pr_emerg("CR0: %016llx CR2: %016llx CR3: %016llx CR4: %016llx\n",
		 (unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
		 (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	backtrace_print_trap(f);
}

/* A fault in a stack's guard page (the #PF address, or the stack pointer
 * of a double fault that a #PF on the guard caused) is a stack overflow. */
static void report_stack_overflow(const struct trap_frame *f)
{
	uint64_t addrs[2] = { read_cr2(), f->rsp }, lo = 0, hi = 0;
	unsigned int i;

	if (f->vector != TRAP_PAGE_FAULT && f->vector != TRAP_DOUBLE_FAULT)
		return;
	for (i = 0; i < 2; i++) {
		if (mm_boot_stack_guard_hit(addrs[i])) {
			lo = (uint64_t)boot_stack_bottom;
			hi = (uint64_t)boot_stack_top;
		} else if (!vmalloc_guard_hit(addrs[i], &lo, &hi)) {
			continue;
		}
		pr_emerg(
			"Kernel stack overflow: 0x%016llx is in the guard page of the stack %016llx-%016llx\n",
			(unsigned long long)addrs[i], (unsigned long long)lo,
			(unsigned long long)hi);
		return;
	}
}

static __noreturn void exception_die(struct trap_frame *f)
{
	static int nested;
	const char *name = f->vector < TRAP_NR_EXCEPTIONS && exception_names[f->vector] ?
				   exception_names[f->vector] :
				   "reserved exception";

	irq_disable();
	if (nested++)
		machine_exit(GUEST_EXIT_PANIC); /* faulted while reporting */
	pr_emerg("\nException %llu (%s), error code 0x%llx", (unsigned long long)f->vector, name,
		 (unsigned long long)f->error_code);
	if (f->vector == TRAP_PAGE_FAULT)
		pr_emerg(", address 0x%016llx (%s, %s)", (unsigned long long)read_cr2(),
			 f->error_code & 1 ? "protection violation" : "not present",
			 f->error_code & 16 ? "instruction fetch" :
			 f->error_code & 2  ? "write" :
					      "read");
	pr_emerg("\n");
	report_stack_overflow(f);
	trap_dump(f);
	pr_emerg("Kernel panic - not syncing: unhandled %s in kernel mode\n", name);
	machine_exit(GUEST_EXIT_PANIC);
}

/* Inter-processor interrupts are traced as Linux's ipi events, device and timer interrupts as
 * irq_handler events (irq: the ISA line for the vectors IOAPIC routes, else the vector). */
static bool vector_is_ipi(unsigned int vector)
{
	return vector >= TLB_SHOOTDOWN_VECTOR && vector <= RESCHEDULE_VECTOR;
}

static unsigned int vector_irq(unsigned int vector)
{
	return vector >= IRQ_VECTOR_BASE && vector < IRQ_VECTOR_BASE + IRQ_NR_GSI ?
		       vector - IRQ_VECTOR_BASE :
		       vector;
}

static void trace_irq_entry(unsigned int vector)
{
	if (vector_is_ipi(vector))
		trace_event(ipi_entry, .vector = vector);
	else
		trace_event(irq_handler_entry, .irq = vector_irq(vector), .vector = vector);
}

static void trace_irq_exit(unsigned int vector)
{
	if (vector_is_ipi(vector))
		trace_event(ipi_exit, .vector = vector);
	else
		trace_event(irq_handler_exit, .irq = vector_irq(vector), .vector = vector);
}

bool irq_interrupted_user_mode(void)
{
	const struct trap_frame *f = this_cpu()->irq_frame;

	return f && (f->cs & 3);
}

uint64_t irq_count(unsigned int vector)
{
	uint64_t total = 0;

	if (vector < IDT_ENTRIES)
		return __atomic_load_n(&irq_counts[vector], __ATOMIC_RELAXED);
	for (vector = 0; vector < IDT_ENTRIES; vector++)
		total += __atomic_load_n(&irq_counts[vector], __ATOMIC_RELAXED);
	return total;
}

void trap_dispatch(struct trap_frame *f)
{
	const struct extable_entry *fixup;

	if (f->vector >= TRAP_NR_EXCEPTIONS) {
		struct cpu_local *local = this_cpu();
		struct trap_frame *outer = local->irq_frame;

		preempt_count_add(HARDIRQ_OFFSET);
		__atomic_fetch_add(&irq_counts[f->vector], 1, __ATOMIC_RELAXED);
		local->irq_frame = f;
		trace_irq_entry(f->vector);
		if (irq_handlers[f->vector].handler)
			irq_handlers[f->vector].handler(irq_handlers[f->vector].opaque);
		trace_irq_exit(f->vector);
		local->irq_frame = outer;
		if (f->vector != SPURIOUS_VECTOR)
			lapic_eoi();
		preempt_count_sub(HARDIRQ_OFFSET);
		/* Kernel preemption: the interrupted code could have been switched out right
		 * there (interrupts were on, no lock held), so it can be now. */
		if (need_resched() && !preempt_count() && !(f->cs & 3) && (f->rflags & RFLAGS_IF))
			preempt_schedule_irq();
		return;
	}
	if (f->vector == TRAP_INVALID_OPCODE && syscall_from_invalid_opcode(f))
		return;
	if (f->vector == TRAP_PAGE_FAULT && (syscall_probe_fault(f) || user_page_fault(f)))
		return;
	if (f->cs & 3) {
		user_exception(f);
		return;
	}
	fixup = extable_find(f->rip);
	if (fixup) {
		trap_last_fixup =
			(struct trap_fixup_record){ f->vector, f->error_code,
						    f->vector == TRAP_PAGE_FAULT ? read_cr2() : 0,
						    f->rip };
		f->rip = fixup->fixup;
		return;
	}
	exception_die(f);
}
