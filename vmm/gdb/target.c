/* See target.h. Every guest address is checked with guest_mem_ptr() before
 * use: gdb may name any address, and the guest owns its page tables. */
#include "target.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "guest_walk.h"
#include "x86_regs.h"

#define INT3 0xcc
/* DR7: Gn enables breakpoint n; R/W and LEN 0 mean "instruction fetch". */
#define DR7_GLOBAL_ENABLE(n) (1ull << (2 * (n) + 1))
#define TRANSLATE_GRANULE 4096

void gdb_kvm_target_probe(struct gdb_kvm_target *target, int kvm_fd)
{
	int hw = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_DEBUG_HW_BPS);
	int flags = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG2);

	target->nr_hw_slots =
		hw > 0 ? (hw < GDB_MAX_HW_BREAKPOINTS ? (unsigned int)hw : GDB_MAX_HW_BREAKPOINTS) :
			 0;
	/* Without KVM_CAP_SET_GUEST_DEBUG2 (before Linux 5.16) only the basic
	 * flags are known to work. */
	if (flags > 0)
		target->debug_flags = (uint32_t)flags;
	else
		target->debug_flags = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP |
				      KVM_GUESTDBG_USE_SW_BP | KVM_GUESTDBG_USE_HW_BP;
}

static int read_state(struct vcpu *vcpu, struct gdb_x86_state *state)
{
	if (ioctl(vcpu->fd, KVM_GET_REGS, &state->regs) < 0 ||
	    ioctl(vcpu->fd, KVM_GET_SREGS, &state->sregs) < 0 ||
	    ioctl(vcpu->fd, KVM_GET_FPU, &state->fpu) < 0)
		return -errno;
	return 0;
}

static int target_read_registers(void *opaque, unsigned int vcpu, uint8_t *regs)
{
	struct gdb_kvm_target *target = opaque;
	struct gdb_x86_state state;
	int rc = read_state(&target->vcpus[vcpu], &state);

	if (!rc)
		gdb_x86_regs_pack(&state, regs);
	return rc;
}

/* Only what changed goes back: KVM_SET_SREGS would also re-queue pending
 * interrupts from its bitmap. */
static int target_write_registers(void *opaque, unsigned int vcpu, const uint8_t *regs)
{
	struct gdb_kvm_target *target = opaque;
	struct vcpu *v = &target->vcpus[vcpu];
	struct gdb_x86_state old, next;
	int rc = read_state(v, &old);

	if (rc)
		return rc;
	next = old;
	rc = gdb_x86_regs_unpack(regs, &next);
	if (rc)
		return rc;
	if (memcmp(&old.regs, &next.regs, sizeof(old.regs)) &&
	    ioctl(v->fd, KVM_SET_REGS, &next.regs) < 0)
		return -errno;
	if (memcmp(&old.sregs, &next.sregs, sizeof(old.sregs)) &&
	    ioctl(v->fd, KVM_SET_SREGS, &next.sregs) < 0)
		return -errno;
	if (memcmp(&old.fpu, &next.fpu, sizeof(old.fpu)) &&
	    ioctl(v->fd, KVM_SET_FPU, &next.fpu) < 0)
		return -errno;
	return 0;
}

int gdb_kvm_target_translate(const struct gdb_kvm_target *target, const struct kvm_sregs *sregs,
			     uint64_t linear, uint64_t *gpa, uint64_t *page_size)
{
	struct guest_paging paging = { sregs->cr0, sregs->cr3, sregs->cr4, sregs->efer };

	if (!(sregs->cr0 & X86_CR0_PG) && linear >= target->kernel_virt_start &&
	    linear < target->kernel_virt_end) {
		*gpa = linear - target->kernel_virt_start + target->kernel_phys_start;
		*page_size = TRANSLATE_GRANULE;
		return 0;
	}
	return guest_walk_translate(target->mem, &paging, linear, gpa, page_size);
}

/* Host pointer for len bytes at a linear address, all in one page of RAM. */
static uint8_t *map_linear(const struct gdb_kvm_target *target, const struct kvm_sregs *sregs,
			   uint64_t linear, size_t len, uint64_t *gpa)
{
	uint64_t page_size;

	if (gdb_kvm_target_translate(target, sregs, linear, gpa, &page_size) ||
	    (linear & (page_size - 1)) + len > page_size)
		return NULL;
	return guest_mem_ptr(target->mem, *gpa, len);
}

/* Bytes from linear to the end of its translation unit, at most left. */
static size_t chunk_len(const struct gdb_kvm_target *target, const struct kvm_sregs *sregs,
			uint64_t linear, size_t left)
{
	uint64_t gpa, page_size, room;

	if (gdb_kvm_target_translate(target, sregs, linear, &gpa, &page_size))
		return 0;
	room = page_size - (linear & (page_size - 1));
	return room < left ? (size_t)room : left;
}

/* gdb expects to read the guest's bytes, not our int3s. */
static void hide_breakpoints(const struct gdb_kvm_target *target, uint64_t gpa, uint8_t *buf,
			     size_t len)
{
	unsigned int i;

	for (i = 0; i < GDB_MAX_SW_BREAKPOINTS; i++)
		if (target->sw[i].is_planted && target->sw[i].gpa - gpa < len)
			buf[target->sw[i].gpa - gpa] = target->sw[i].saved;
}

static int target_read_memory(void *opaque, unsigned int vcpu, uint64_t addr, uint8_t *buf,
			      size_t len)
{
	struct gdb_kvm_target *target = opaque;
	struct kvm_sregs sregs;
	size_t done = 0, n;
	uint64_t gpa;
	uint8_t *host;

	if (ioctl(target->vcpus[vcpu].fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	while (done < len && addr + done >= addr) {
		n = chunk_len(target, &sregs, addr + done, len - done);
		host = n ? map_linear(target, &sregs, addr + done, n, &gpa) : NULL;
		if (!host)
			break;
		memcpy(buf + done, host, n);
		hide_breakpoints(target, gpa, buf + done, n);
		done += n;
	}
	return done ? (int)done : -EFAULT;
}

/* A write over one of our int3s changes the byte saved under it. */
static void write_around_breakpoints(struct gdb_kvm_target *target, uint64_t gpa, uint8_t *host,
				     const uint8_t *data, size_t len)
{
	unsigned int i;

	memcpy(host, data, len);
	for (i = 0; i < GDB_MAX_SW_BREAKPOINTS; i++) {
		if (target->sw[i].is_planted && target->sw[i].gpa - gpa < len) {
			target->sw[i].saved = data[target->sw[i].gpa - gpa];
			host[target->sw[i].gpa - gpa] = INT3;
		}
	}
}

static int target_write_memory(void *opaque, unsigned int vcpu, uint64_t addr, const uint8_t *data,
			       size_t len)
{
	struct gdb_kvm_target *target = opaque;
	struct kvm_sregs sregs;
	size_t done, n;
	uint64_t gpa;
	uint8_t *host;

	if (ioctl(target->vcpus[vcpu].fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	if (addr + len < addr)
		return -EFAULT;
	/* All or nothing: check every page before writing any. */
	for (done = 0; done < len; done += n) {
		n = chunk_len(target, &sregs, addr + done, len - done);
		if (!n || !map_linear(target, &sregs, addr + done, n, &gpa))
			return -EFAULT;
	}
	for (done = 0; done < len; done += n) {
		n = chunk_len(target, &sregs, addr + done, len - done);
		host = map_linear(target, &sregs, addr + done, n, &gpa);
		write_around_breakpoints(target, gpa, host, data + done, n);
	}
	return 0;
}

static int insert_software(struct gdb_kvm_target *target, unsigned int vcpu, uint64_t addr)
{
	struct gdb_sw_breakpoint *free_slot = NULL;
	struct kvm_sregs sregs;
	unsigned int i;
	uint64_t gpa;
	uint8_t *host;

	if (ioctl(target->vcpus[vcpu].fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	host = map_linear(target, &sregs, addr, 1, &gpa);
	if (!host)
		return -EFAULT;
	for (i = 0; i < GDB_MAX_SW_BREAKPOINTS; i++) {
		if (target->sw[i].is_used && target->sw[i].gpa == gpa)
			return 0; /* gdb inserts again after a reconnect */
		if (!target->sw[i].is_used && !free_slot)
			free_slot = &target->sw[i];
	}
	if (!free_slot)
		return -ENOSPC;
	*free_slot = (struct gdb_sw_breakpoint){
		.addr = addr, .gpa = gpa, .saved = *host, .is_used = true, .is_planted = true
	};
	*host = INT3;
	return 0;
}

void gdb_kvm_target_lift(struct gdb_kvm_target *target, int index)
{
	struct gdb_sw_breakpoint *bp = &target->sw[index];
	uint8_t *host = guest_mem_ptr(target->mem, bp->gpa, 1);

	/* If the guest rewrote the byte, its own value stays. */
	if (bp->is_planted && host && *host == INT3)
		*host = bp->saved;
	bp->is_planted = false;
}

void gdb_kvm_target_replant(struct gdb_kvm_target *target, int index)
{
	struct gdb_sw_breakpoint *bp = &target->sw[index];
	uint8_t *host = guest_mem_ptr(target->mem, bp->gpa, 1);

	if (!bp->is_used || bp->is_planted || !host)
		return;
	bp->saved = *host;
	*host = INT3;
	bp->is_planted = true;
}

static int remove_software(struct gdb_kvm_target *target, uint64_t addr)
{
	unsigned int i;

	for (i = 0; i < GDB_MAX_SW_BREAKPOINTS; i++) {
		if (target->sw[i].is_used && target->sw[i].addr == addr) {
			gdb_kvm_target_lift(target, (int)i);
			target->sw[i].is_used = false;
		}
	}
	return 0;
}

static int insert_hardware(struct gdb_kvm_target *target, uint64_t addr)
{
	unsigned int i;

	if (!target->nr_hw_slots)
		return -ENOTSUP; /* gdb falls back to software breakpoints */
	for (i = 0; i < target->nr_hw_slots; i++) {
		if (!target->is_hw_used[i]) {
			target->hw_addr[i] = addr;
			target->is_hw_used[i] = true;
			return 0;
		}
	}
	return -ENOSPC;
}

static int remove_hardware(struct gdb_kvm_target *target, uint64_t addr)
{
	unsigned int i;

	if (!target->nr_hw_slots)
		return -ENOTSUP;
	for (i = 0; i < target->nr_hw_slots; i++)
		if (target->is_hw_used[i] && target->hw_addr[i] == addr)
			target->is_hw_used[i] = false;
	return 0;
}

static int target_insert_breakpoint(void *opaque, unsigned int vcpu, enum gdb_breakpoint_type type,
				    uint64_t addr)
{
	if (type == GDB_BREAKPOINT_SOFTWARE)
		return insert_software(opaque, vcpu, addr);
	if (type == GDB_BREAKPOINT_HARDWARE)
		return insert_hardware(opaque, addr);
	return -ENOTSUP; /* watchpoints */
}

static int target_remove_breakpoint(void *opaque, unsigned int vcpu, enum gdb_breakpoint_type type,
				    uint64_t addr)
{
	(void)vcpu;
	if (type == GDB_BREAKPOINT_SOFTWARE)
		return remove_software(opaque, addr);
	if (type == GDB_BREAKPOINT_HARDWARE)
		return remove_hardware(opaque, addr);
	return -ENOTSUP;
}

const struct gdb_target_ops gdb_kvm_target_ops = {
	.read_registers = target_read_registers,
	.write_registers = target_write_registers,
	.read_memory = target_read_memory,
	.write_memory = target_write_memory,
	.insert_breakpoint = target_insert_breakpoint,
	.remove_breakpoint = target_remove_breakpoint,
};

int gdb_kvm_target_breakpoint_at_rip(const struct gdb_kvm_target *target, struct vcpu *vcpu)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	uint64_t linear, gpa;
	const uint8_t *host;
	unsigned int i;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) < 0 || ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0)
		return -1;
	/* Outside 64-bit code, CS has a base and addresses wrap at 4 GiB. */
	linear = sregs.cs.l ? regs.rip : (uint32_t)(sregs.cs.base + regs.rip);
	host = map_linear(target, &sregs, linear, 1, &gpa);
	if (!host || *host != INT3)
		return -1;
	for (i = 0; i < GDB_MAX_SW_BREAKPOINTS; i++)
		if (target->sw[i].is_planted && target->sw[i].gpa == gpa)
			return (int)i;
	return -1;
}

void gdb_kvm_target_remove_all(struct gdb_kvm_target *target)
{
	unsigned int i;

	for (i = 0; i < GDB_MAX_SW_BREAKPOINTS; i++) {
		if (target->sw[i].is_used)
			gdb_kvm_target_lift(target, (int)i);
		target->sw[i].is_used = false;
	}
	memset(target->is_hw_used, 0, sizeof(target->is_hw_used));
}

void gdb_kvm_target_debug_setting(const struct gdb_kvm_target *target, bool is_stepping,
				  bool may_block_irqs, struct kvm_guest_debug *debug)
{
	bool has_sw = false;
	unsigned int i;

	memset(debug, 0, sizeof(*debug));
	for (i = 0; i < GDB_MAX_SW_BREAKPOINTS; i++)
		has_sw |= target->sw[i].is_used;
	for (i = 0; i < GDB_MAX_HW_BREAKPOINTS; i++) {
		if (target->is_hw_used[i]) {
			debug->arch.debugreg[i] = target->hw_addr[i];
			debug->arch.debugreg[7] |= DR7_GLOBAL_ENABLE(i);
		}
	}
	if (has_sw)
		debug->control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP;
	if (debug->arch.debugreg[7])
		debug->control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP;
	if (is_stepping) {
		debug->control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP;
		/* Step the instruction, not into the timer interrupt. */
		if (may_block_irqs && (target->debug_flags & KVM_GUESTDBG_BLOCKIRQ))
			debug->control |= KVM_GUESTDBG_BLOCKIRQ;
	}
}
