/* The x86-64 register set vitro's gdb stub offers: its target description
 * (target.xml) and conversions between gdb's byte layout of it and KVM's
 * register structures. Pure, so unit tests check the layout without KVM. */
#ifndef VMM_GDB_X86_REGS_H
#define VMM_GDB_X86_REGS_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

/* Register numbers in target.xml order, which is also the 'g' packet order. */
enum gdb_x86_reg {
	GDB_X86_RAX,
	GDB_X86_RBX,
	GDB_X86_RCX,
	GDB_X86_RDX,
	GDB_X86_RSI,
	GDB_X86_RDI,
	GDB_X86_RBP,
	GDB_X86_RSP,
	GDB_X86_R8,
	GDB_X86_R15 = GDB_X86_R8 + 7,
	GDB_X86_RIP,
	GDB_X86_EFLAGS,
	GDB_X86_CS,
	GDB_X86_SS,
	GDB_X86_DS,
	GDB_X86_ES,
	GDB_X86_FS,
	GDB_X86_GS,
	GDB_X86_ST0,
	GDB_X86_FCTRL = GDB_X86_ST0 + 8,
	GDB_X86_FSTAT,
	GDB_X86_FTAG,
	GDB_X86_FISEG,
	GDB_X86_FIOFF,
	GDB_X86_FOSEG,
	GDB_X86_FOOFF,
	GDB_X86_FOP,
	GDB_X86_XMM0,
	GDB_X86_MXCSR = GDB_X86_XMM0 + 16,
	GDB_X86_FS_BASE,
	GDB_X86_GS_BASE,
	GDB_X86_CR0,
	GDB_X86_CR2,
	GDB_X86_CR3,
	GDB_X86_CR4,
	GDB_X86_EFER,
	GDB_X86_NR_REGS,
};

/* Bytes of the whole set in gdb's layout (little-endian, no padding). */
#define GDB_X86_REGS_SIZE 592

/* Room for the target description, which is longer than one packet. */
#define GDB_X86_TARGET_XML_MAX 8192

/* Writes the target description served as qXfer:features:read:target.xml,
 * NUL-terminated. Returns its length, or -ENOSPC. */
int gdb_x86_target_xml(char *out, size_t size);

/* Where register regno sits in the layout. Returns 0, or -EINVAL. */
int gdb_x86_reg_slot(unsigned int regno, size_t *offset, size_t *size);

struct gdb_x86_state {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
};

/* Fills out (GDB_X86_REGS_SIZE bytes) from KVM's view of a vCPU. */
void gdb_x86_regs_pack(const struct gdb_x86_state *state, uint8_t *out);

/* Applies gdb's layout to state. General, x87 and SSE registers, rip, eflags,
 * fs_base and gs_base are writable; segment selectors and control registers
 * are not (a selector without its descriptor means nothing), so changing one
 * returns -EPERM and leaves state untouched. */
int gdb_x86_regs_unpack(const uint8_t *in, struct gdb_x86_state *state);

#endif
