/* The arch side of user mode: entry and exit, the CPU set-up, the switch of
 * user state between tasks. */
#ifndef ARCH_X86_USER_H
#define ARCH_X86_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "traps.h"

struct task;

/* entry.S */
void entry_syscall_64(void);
__attribute__((noreturn)) void ret_to_user(struct trap_frame *frame);

/* user_cpu.c: per CPU, after its GDT and IDT. */
void user_cpu_init(void);
extern bool cpu_has_smap;

/* syscall.c. The probe runs once, on the boot CPU, before user_cpu_init()
 * enables SMAP: where SYSCALL stays in ring 3, ring 0 is emulated and STAC/
 * CLAC cannot be, so SMAP stays off there. */
bool syscall_probe(void);
extern bool syscall_enters_ring0;
/* What LSTAR holds on every CPU once the probe has run. */
extern uint64_t syscall_lstar;

/* Where SYSCALL stays in ring 3: the page holding UD2 that LSTAR points at,
 * the last page below the user half's end (never a mapping's). */
#define SYSCALL_TRAMPOLINE_ADDR 0x00007ffffffff000ull
struct pgtable;
/* A #UD at the trampoline: handles the system call, returns true. */
bool syscall_from_invalid_opcode(struct trap_frame *frame);
/* Maps the trampoline into pt (nothing where SYSCALL reaches ring 0). */
int syscall_trampoline_map(struct pgtable *pt);
/* A fetch fault at the trampoline: maps it into pt, returns true. */
bool syscall_trampoline_fault(struct trap_frame *frame, uint64_t addr, struct pgtable *pt);
void do_syscall(struct trap_frame *frame);
/* The probe's page fault (SYSCALL stayed in ring 3 and fetched LSTAR's
 * supervisor page): ends the probe; false for any other fault. */
bool syscall_probe_fault(struct trap_frame *frame);

/* fault.c: a page fault on a user address, fixed (demand paging, COW) or
 * turned into a signal; false when it is the kernel's own to handle. */
bool user_page_fault(struct trap_frame *frame);

/* user_traps.c: an exception taken in user mode. */
void user_exception(struct trap_frame *frame);
/* The way out to user mode, interrupts off: reschedules and delivers
 * signals first. Returns with interrupts off. */
void exit_to_user_mode(struct trap_frame *frame);

#endif
