/* libFuzzer target: the gdb stub's protocol side with no KVM. The input is
 * the byte stream gdb would send: it goes through the packet reader
 * (vmm/gdb/packet.c), and each packet through the request parser
 * (vmm/gdb/command.c) and the session (vmm/gdb/session.c) against a fake
 * two-vCPU target, with the promises of each checked. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/gdb/command.h"
#include "../../vmm/gdb/packet.h"
#include "../../vmm/gdb/session.h"
#include "../../vmm/gdb/x86_regs.h"

#define FAKE_MEM_BASE 0x1000
#define FAKE_MEM_SIZE 256
#define FAKE_NR_VCPUS 2

static uint8_t fake_regs[FAKE_NR_VCPUS][GDB_X86_REGS_SIZE];
static uint8_t fake_mem[FAKE_MEM_SIZE];

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_gdb_packet: invariant failed: %s\n", what);
	abort();
}

static void check_vcpu(unsigned int vcpu)
{
	if (vcpu >= FAKE_NR_VCPUS)
		fail("the session named a vCPU that does not exist");
}

static int fake_read_registers(void *opaque, unsigned int vcpu, uint8_t *regs)
{
	(void)opaque;
	check_vcpu(vcpu);
	memcpy(regs, fake_regs[vcpu], GDB_X86_REGS_SIZE);
	return 0;
}

static int fake_write_registers(void *opaque, unsigned int vcpu, const uint8_t *regs)
{
	(void)opaque;
	check_vcpu(vcpu);
	memcpy(fake_regs[vcpu], regs, GDB_X86_REGS_SIZE);
	return 0;
}

static int fake_read_memory(void *opaque, unsigned int vcpu, uint64_t addr, uint8_t *buf,
			    size_t len)
{
	(void)opaque;
	check_vcpu(vcpu);
	if (!len || len > GDB_PACKET_MAX)
		fail("memory read of a length the session should have refused or cut");
	if (addr < FAKE_MEM_BASE || addr >= FAKE_MEM_BASE + FAKE_MEM_SIZE)
		return -EFAULT;
	if (len > FAKE_MEM_BASE + FAKE_MEM_SIZE - addr)
		len = FAKE_MEM_BASE + FAKE_MEM_SIZE - addr;
	memcpy(buf, fake_mem + (addr - FAKE_MEM_BASE), len);
	return (int)len;
}

static int fake_write_memory(void *opaque, unsigned int vcpu, uint64_t addr, const uint8_t *buf,
			     size_t len)
{
	(void)opaque;
	check_vcpu(vcpu);
	if (len > GDB_PACKET_MAX)
		fail("memory write longer than a packet");
	if (addr < FAKE_MEM_BASE || addr > FAKE_MEM_BASE + FAKE_MEM_SIZE ||
	    len > FAKE_MEM_BASE + FAKE_MEM_SIZE - addr)
		return -EFAULT;
	memcpy(fake_mem + (addr - FAKE_MEM_BASE), buf, len);
	return 0;
}

static int fake_breakpoint(void *opaque, unsigned int vcpu, enum gdb_breakpoint_type type,
			   uint64_t addr)
{
	(void)opaque;
	(void)addr;
	check_vcpu(vcpu);
	if (type > GDB_WATCHPOINT_ACCESS)
		fail("breakpoint type out of range");
	return type == GDB_BREAKPOINT_SOFTWARE ? 0 : -ENOTSUP;
}

static const struct gdb_target_ops fake_ops = {
	.read_registers = fake_read_registers,
	.write_registers = fake_write_registers,
	.read_memory = fake_read_memory,
	.write_memory = fake_write_memory,
	.insert_breakpoint = fake_breakpoint,
	.remove_breakpoint = fake_breakpoint,
};

static bool is_inside(const char *p, size_t len, const char *start, size_t size)
{
	return p >= start && len <= size && (size_t)(p - start) <= size - len;
}

static void check_command(const char *payload, size_t len)
{
	struct gdb_command cmd;
	unsigned int i;

	if (gdb_command_parse(payload, len, &cmd)) {
		if (cmd.kind != GDB_CMD_UNKNOWN)
			fail("a malformed request kept its kind");
		return;
	}
	if (cmd.data && !is_inside(cmd.data, cmd.data_len, payload, len))
		fail("request data points outside the packet");
	if (cmd.annex && !is_inside(cmd.annex, cmd.annex_len, payload, len))
		fail("qXfer annex points outside the packet");
	if (cmd.kind == GDB_CMD_WRITE_MEMORY && cmd.data_len != 2 * cmd.len)
		fail("M accepted with data that is not 2 * len hex digits");
	if (cmd.kind == GDB_CMD_WRITE_MEMORY_BINARY && cmd.data_len != cmd.len)
		fail("X accepted with data that is not len bytes");
	if (cmd.nr_actions > GDB_VCONT_MAX_ACTIONS)
		fail("more vCont actions than there is room for");
	for (i = 0; i < cmd.nr_actions; i++)
		if (cmd.actions[i].action != 'c' && cmd.actions[i].action != 's')
			fail("vCont action other than c or s");
}

static void check_framable(const char *reply, size_t len)
{
	static char framed[GDB_PACKET_MAX + 8];

	if (gdb_packet_frame(reply, len, framed, sizeof(framed)) < 0)
		fail("a reply the stub could not send");
}

static void handle_packet(struct gdb_session *session, const char *payload, size_t len)
{
	static char reply[GDB_PACKET_MAX + 1];
	enum gdb_outcome outcome;
	struct gdb_stop stop;
	size_t reply_len = 0;
	unsigned int i;

	check_command(payload, len);
	outcome = gdb_session_handle(session, payload, len, reply, sizeof(reply), &reply_len);
	if (reply_len > GDB_PACKET_MAX)
		fail("reply longer than the announced packet size");
	check_framable(reply, reply_len);
	if (outcome != GDB_OUTCOME_RESUME)
		return;
	for (i = 0; i < FAKE_NR_VCPUS; i++)
		if (gdb_session_resume_mode(session, i) > GDB_RESUME_STEP)
			fail("resume mode out of range");
	/* The guest stops again, somewhere, for some reason. */
	stop = (struct gdb_stop){ (enum gdb_stop_reason)(len % (GDB_STOP_TRAP + 1)), len % 3 };
	reply_len = gdb_session_stop_reply(session, &stop, reply, sizeof(reply));
	check_framable(reply, reply_len);
	if (session->stop.vcpu >= FAKE_NR_VCPUS)
		fail("stop recorded on a vCPU that does not exist");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gdb_packet_reader reader;
	struct gdb_session session;
	enum gdb_input input;
	size_t i;

	gdb_packet_reader_init(&reader);
	gdb_session_init(&session, &fake_ops, NULL, FAKE_NR_VCPUS);
	for (i = 0; i < size; i++) {
		input = gdb_packet_feed(&reader, data[i]);
		if (reader.len > GDB_PACKET_MAX)
			fail("payload longer than GDB_PACKET_MAX");
		if (input == GDB_INPUT_PACKET) {
			if (reader.payload[reader.len] != '\0')
				fail("payload not NUL-terminated");
			handle_packet(&session, reader.payload, reader.len);
		}
	}
	return 0;
}
