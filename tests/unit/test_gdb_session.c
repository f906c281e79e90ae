/* Tests for the gdb stub's request parsing (vmm/gdb/command.c), protocol
 * state machine (vmm/gdb/session.c) and x86 register layout
 * (vmm/gdb/x86_regs.c), against a fake two-vCPU target. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../vmm/gdb/command.h"
#include "../../vmm/gdb/packet.h"
#include "../../vmm/gdb/session.h"
#include "../../vmm/gdb/x86_regs.h"
#include "unit.h"

#define FAKE_MEM_BASE 0x1000
#define FAKE_MEM_SIZE 0x2000
#define FAKE_NR_VCPUS 2

struct fake_target {
	uint8_t regs[FAKE_NR_VCPUS][GDB_X86_REGS_SIZE];
	uint8_t mem[FAKE_MEM_SIZE];
	uint64_t breakpoints[8];
	unsigned int nr_breakpoints;
	unsigned int last_vcpu;
};

static int fake_read_registers(void *opaque, unsigned int vcpu, uint8_t *regs)
{
	struct fake_target *t = opaque;

	t->last_vcpu = vcpu;
	memcpy(regs, t->regs[vcpu], GDB_X86_REGS_SIZE);
	return 0;
}

static int fake_write_registers(void *opaque, unsigned int vcpu, const uint8_t *regs)
{
	struct fake_target *t = opaque;

	t->last_vcpu = vcpu;
	memcpy(t->regs[vcpu], regs, GDB_X86_REGS_SIZE);
	return 0;
}

static int fake_read_memory(void *opaque, unsigned int vcpu, uint64_t addr, uint8_t *buf,
			    size_t len)
{
	struct fake_target *t = opaque;
	uint64_t avail;

	t->last_vcpu = vcpu;
	if (addr < FAKE_MEM_BASE || addr >= FAKE_MEM_BASE + FAKE_MEM_SIZE)
		return -EFAULT;
	avail = FAKE_MEM_BASE + FAKE_MEM_SIZE - addr;
	if (len > avail)
		len = avail;
	memcpy(buf, t->mem + addr - FAKE_MEM_BASE, len);
	return (int)len;
}

static int fake_write_memory(void *opaque, unsigned int vcpu, uint64_t addr, const uint8_t *buf,
			     size_t len)
{
	struct fake_target *t = opaque;

	t->last_vcpu = vcpu;
	if (addr < FAKE_MEM_BASE || addr + len > FAKE_MEM_BASE + FAKE_MEM_SIZE)
		return -EFAULT;
	memcpy(t->mem + addr - FAKE_MEM_BASE, buf, len);
	return 0;
}

static int fake_insert_breakpoint(void *opaque, unsigned int vcpu, enum gdb_breakpoint_type type,
				  uint64_t addr)
{
	struct fake_target *t = opaque;

	(void)vcpu;
	if (type != GDB_BREAKPOINT_SOFTWARE)
		return -ENOTSUP; /* like KVM with no debug registers */
	if (t->nr_breakpoints == 8)
		return -ENOSPC;
	t->breakpoints[t->nr_breakpoints++] = addr;
	return 0;
}

static int fake_remove_breakpoint(void *opaque, unsigned int vcpu, enum gdb_breakpoint_type type,
				  uint64_t addr)
{
	struct fake_target *t = opaque;
	unsigned int i;

	(void)vcpu;
	if (type != GDB_BREAKPOINT_SOFTWARE)
		return -ENOTSUP;
	for (i = 0; i < t->nr_breakpoints; i++)
		if (t->breakpoints[i] == addr)
			t->breakpoints[i] = t->breakpoints[--t->nr_breakpoints];
	return 0;
}

static const struct gdb_target_ops fake_ops = {
	.read_registers = fake_read_registers,
	.write_registers = fake_write_registers,
	.read_memory = fake_read_memory,
	.write_memory = fake_write_memory,
	.insert_breakpoint = fake_insert_breakpoint,
	.remove_breakpoint = fake_remove_breakpoint,
};

struct fixture {
	struct fake_target target;
	struct gdb_session session;
	char reply[GDB_PACKET_MAX + 1];
	size_t reply_len;
};

static struct fixture fx;

static void fixture_init(void)
{
	unsigned int v, i;

	memset(&fx, 0, sizeof(fx));
	for (v = 0; v < FAKE_NR_VCPUS; v++)
		for (i = 0; i < GDB_X86_REGS_SIZE; i++)
			fx.target.regs[v][i] = (uint8_t)(i + 0x10 * v);
	for (i = 0; i < FAKE_MEM_SIZE; i++)
		fx.target.mem[i] = (uint8_t)i;
	gdb_session_init(&fx.session, &fake_ops, &fx.target, FAKE_NR_VCPUS);
}

/* Sends one request; the reply is NUL-terminated in fx.reply. */
static enum gdb_outcome request(const char *payload)
{
	enum gdb_outcome outcome = gdb_session_handle(&fx.session, payload, strlen(payload),
						      fx.reply, sizeof(fx.reply), &fx.reply_len);

	fx.reply[fx.reply_len] = '\0';
	return outcome;
}

/* --- request parsing ------------------------------------------------------ */

static void test_gdb_command_parses_memory_requests(void)
{
	struct gdb_command cmd;

	EXPECT_EQ(gdb_command_parse("mffffffff80100000,40", 20, &cmd), 0);
	EXPECT_EQ(cmd.kind, GDB_CMD_READ_MEMORY);
	EXPECT_EQ(cmd.addr, 0xffffffff80100000ull);
	EXPECT_EQ(cmd.len, 0x40);
	EXPECT_EQ(gdb_command_parse("M1000,2:abcd", 12, &cmd), 0);
	EXPECT_EQ(cmd.kind, GDB_CMD_WRITE_MEMORY);
	EXPECT_EQ(cmd.data_len, 4);
	/* The data must be exactly len bytes. */
	EXPECT_EQ(gdb_command_parse("M1000,2:abc", 11, &cmd), -EINVAL);
	EXPECT_EQ(gdb_command_parse("X1000,3:a\0b", 11, &cmd), 0);
	EXPECT_EQ(cmd.kind, GDB_CMD_WRITE_MEMORY_BINARY);
	EXPECT_EQ(cmd.data[1], '\0');
	EXPECT_EQ(gdb_command_parse("X1000,4:a\0b", 11, &cmd), -EINVAL);
	EXPECT_EQ(gdb_command_parse("m1000", 5, &cmd), -EINVAL);
	EXPECT_EQ(gdb_command_parse("m1000,4x", 8, &cmd), -EINVAL);
}

static void test_gdb_command_parses_breakpoints_and_rejects_conditions(void)
{
	struct gdb_command cmd;

	EXPECT_EQ(gdb_command_parse("Z0,ffffffff80112a10,1", 21, &cmd), 0);
	EXPECT_EQ(cmd.kind, GDB_CMD_INSERT_BREAKPOINT);
	EXPECT_EQ(cmd.breakpoint_type, GDB_BREAKPOINT_SOFTWARE);
	EXPECT_EQ(cmd.addr, 0xffffffff80112a10ull);
	EXPECT_EQ(gdb_command_parse("z1,10,1", 7, &cmd), 0);
	EXPECT_EQ(cmd.kind, GDB_CMD_REMOVE_BREAKPOINT);
	EXPECT_EQ(cmd.breakpoint_type, GDB_BREAKPOINT_HARDWARE);
	EXPECT_EQ(gdb_command_parse("Z0,10,1;X1,0", 12, &cmd), -EINVAL);
	EXPECT_EQ(gdb_command_parse("Z5,10,1", 7, &cmd), -EINVAL);
}

static void test_gdb_command_parses_vcont_actions_with_threads(void)
{
	struct gdb_command cmd;
	const char *text = "vCont;s:2;C05:1;c";

	EXPECT_EQ(gdb_command_parse(text, strlen(text), &cmd), 0);
	EXPECT_EQ(cmd.kind, GDB_CMD_VCONT);
	EXPECT_EQ(cmd.nr_actions, 3);
	EXPECT_EQ(cmd.actions[0].action, 's');
	EXPECT_EQ(cmd.actions[0].thread, 2);
	EXPECT_EQ(cmd.actions[1].action, 'c');
	EXPECT_EQ(cmd.actions[1].thread, 1);
	EXPECT_EQ(cmd.actions[2].thread, GDB_THREAD_ALL);
	EXPECT_EQ(gdb_command_parse("vCont?", 6, &cmd), 0);
	EXPECT_EQ(cmd.kind, GDB_CMD_VCONT_QUERY);
	EXPECT_EQ(gdb_command_parse("vCont;t", 7, &cmd), -EINVAL);
	EXPECT_EQ(gdb_command_parse("vCont;c:", 8, &cmd), -EINVAL);
	EXPECT_EQ(gdb_command_parse("vCont", 5, &cmd), -EINVAL);
}

static void test_gdb_command_caps_vcont_actions(void)
{
	char text[16 + 4 * (GDB_VCONT_MAX_ACTIONS + 1)];
	struct gdb_command cmd;
	size_t len = 0;
	unsigned int i;

	len += (size_t)sprintf(text, "vCont");
	for (i = 0; i <= GDB_VCONT_MAX_ACTIONS; i++)
		len += (size_t)sprintf(text + len, ";c:1");
	EXPECT_EQ(gdb_command_parse(text, len, &cmd), -EINVAL);
	EXPECT_EQ(gdb_command_parse(text, len - 4, &cmd), 0);
	EXPECT_EQ(cmd.nr_actions, GDB_VCONT_MAX_ACTIONS);
}

static void test_gdb_command_parses_threads_and_queries(void)
{
	struct gdb_command cmd;
	const char *xfer = "qXfer:features:read:target.xml:7f,ffb";

	EXPECT_EQ(gdb_command_parse("Hg-1", 4, &cmd), 0);
	EXPECT_EQ(cmd.thread_op, 'g');
	EXPECT_EQ(cmd.thread, GDB_THREAD_ALL);
	EXPECT_EQ(gdb_command_parse("Hc0", 3, &cmd), 0);
	EXPECT_EQ(cmd.thread, GDB_THREAD_ANY);
	EXPECT_EQ(gdb_command_parse("T2", 2, &cmd), 0);
	EXPECT_EQ(cmd.kind, GDB_CMD_THREAD_ALIVE);
	EXPECT_EQ(gdb_command_parse("Tp1.1", 5, &cmd), -EINVAL);
	EXPECT_EQ(gdb_command_parse(xfer, strlen(xfer), &cmd), 0);
	EXPECT_EQ(cmd.kind, GDB_CMD_XFER_FEATURES);
	EXPECT_EQ(cmd.annex_len, 10);
	EXPECT_EQ(cmd.addr, 0x7f);
	EXPECT_EQ(cmd.len, 0xffb);
	EXPECT_EQ(gdb_command_parse("qTStatus", 8, &cmd), 0);
	EXPECT_EQ(cmd.kind, GDB_CMD_UNKNOWN);
	EXPECT_EQ(gdb_command_parse("", 0, &cmd), 0);
	EXPECT_EQ(cmd.kind, GDB_CMD_UNKNOWN);
}

static void test_gdb_command_parses_resume_with_signal_and_address(void)
{
	struct gdb_command cmd;

	EXPECT_EQ(gdb_command_parse("c", 1, &cmd), 0);
	EXPECT_EQ(cmd.kind, GDB_CMD_CONTINUE);
	EXPECT_FALSE(cmd.has_addr);
	EXPECT_EQ(gdb_command_parse("S05;1000", 8, &cmd), 0);
	EXPECT_EQ(cmd.kind, GDB_CMD_STEP);
	EXPECT_TRUE(cmd.has_addr);
	EXPECT_EQ(cmd.addr, 0x1000);
	EXPECT_EQ(gdb_command_parse("C100", 4, &cmd), -EINVAL);
}

/* --- the session ---------------------------------------------------------- */

static void test_gdb_session_announces_packet_size_and_features(void)
{
	fixture_init();
	EXPECT_EQ(request("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386"),
		  GDB_OUTCOME_REPLY);
	EXPECT_CONTAINS(fx.reply, "PacketSize=1000");
	EXPECT_CONTAINS(fx.reply, "qXfer:features:read+");
	EXPECT_CONTAINS(fx.reply, "swbreak+");
	EXPECT_TRUE(fx.session.gdb_has_swbreak);
	EXPECT_EQ(request("vCont?"), GDB_OUTCOME_REPLY);
	EXPECT_STR(fx.reply, "vCont;c;C;s;S");
	EXPECT_EQ(request("qTStatus"), GDB_OUTCOME_REPLY);
	EXPECT_EQ(fx.reply_len, 0);
}

static void test_gdb_session_reads_and_writes_registers_of_selected_thread(void)
{
	char expected[2 * GDB_X86_REGS_SIZE + 1];
	char write[2 * GDB_X86_REGS_SIZE + 2];

	fixture_init();
	EXPECT_EQ(request("Hg2"), GDB_OUTCOME_REPLY);
	EXPECT_STR(fx.reply, "OK");
	request("g");
	gdb_hex_encode(fx.target.regs[1], GDB_X86_REGS_SIZE, expected);
	expected[2 * GDB_X86_REGS_SIZE] = '\0';
	EXPECT_STR(fx.reply, expected);
	/* p 10 is rip, 8 bytes at offset 128. */
	request("p10");
	EXPECT_STR(fx.reply, "9091929394959697");
	request("P10=0010108000000000");
	EXPECT_STR(fx.reply, "OK");
	EXPECT_EQ(fx.target.regs[1][128 + 1], 0x10);
	EXPECT_EQ(fx.target.regs[0][128 + 1], 129);
	/* G with a short or non-hex body is refused, a full one applied. */
	request("G00");
	EXPECT_STR(fx.reply, "E16");
	memset(write, '1', 2 * GDB_X86_REGS_SIZE);
	write[0] = 'G';
	memset(write + 1, 'a', 2 * GDB_X86_REGS_SIZE);
	write[2 * GDB_X86_REGS_SIZE + 1] = '\0';
	request(write);
	EXPECT_STR(fx.reply, "OK");
	EXPECT_EQ(fx.target.regs[1][GDB_X86_REGS_SIZE - 1], 0xaa);
	EXPECT_EQ(request("Hg3"), GDB_OUTCOME_REPLY);
	EXPECT_STR(fx.reply, "E03");
	request("p1000");
	EXPECT_STR(fx.reply, "E16");
}

static void test_gdb_session_reads_memory_partly_at_the_end_of_what_is_mapped(void)
{
	fixture_init();
	request("m1000,4");
	EXPECT_STR(fx.reply, "00010203");
	request("m2ffe,8");
	EXPECT_STR(fx.reply, "feff");
	request("m0,4");
	EXPECT_STR(fx.reply, "E0e");
	request("m1000,0");
	EXPECT_STR(fx.reply, "E16");
	/* Longer than a packet holds: cut to fit. */
	request("m1000,10000");
	EXPECT_EQ(fx.reply_len, GDB_PACKET_MAX);
}

static void test_gdb_session_writes_memory_as_hex_and_binary(void)
{
	fixture_init();
	request("M1010,2:beef");
	EXPECT_STR(fx.reply, "OK");
	EXPECT_EQ(fx.target.mem[0x10], 0xbe);
	EXPECT_EQ(fx.target.mem[0x11], 0xef);
	EXPECT_EQ(gdb_session_handle(&fx.session, "X1020,2:}\x03", 10, fx.reply, sizeof(fx.reply),
				     &fx.reply_len),
		  GDB_OUTCOME_REPLY);
	/* Escapes were undone by the packet reader; this is the raw data. */
	EXPECT_EQ(fx.target.mem[0x20], '}');
	EXPECT_EQ(fx.target.mem[0x21], 0x03);
	request("X1020,0:");
	EXPECT_STR(fx.reply, "OK");
	request("M2fff,2:0102");
	EXPECT_STR(fx.reply, "E0e");
	request("M1000,1:zz");
	EXPECT_STR(fx.reply, "E16");
}

static void test_gdb_session_hardware_breakpoints_fall_back_with_empty_reply(void)
{
	fixture_init();
	request("Z0,ffffffff80112a10,1");
	EXPECT_STR(fx.reply, "OK");
	EXPECT_EQ(fx.target.nr_breakpoints, 1);
	request("Z1,ffffffff80112a10,1");
	EXPECT_EQ(fx.reply_len, 0);
	request("z0,ffffffff80112a10,1");
	EXPECT_STR(fx.reply, "OK");
	EXPECT_EQ(fx.target.nr_breakpoints, 0);
	request("Z0,zz,1");
	EXPECT_STR(fx.reply, "E01");
}

static void test_gdb_session_vcont_decides_each_vcpu(void)
{
	fixture_init();
	EXPECT_EQ(request("vCont;s:2"), GDB_OUTCOME_RESUME);
	EXPECT_EQ(gdb_session_resume_mode(&fx.session, 0), GDB_RESUME_HOLD);
	EXPECT_EQ(gdb_session_resume_mode(&fx.session, 1), GDB_RESUME_STEP);
	EXPECT_EQ(request("vCont;s:1;c"), GDB_OUTCOME_RESUME);
	EXPECT_EQ(gdb_session_resume_mode(&fx.session, 0), GDB_RESUME_STEP);
	EXPECT_EQ(gdb_session_resume_mode(&fx.session, 1), GDB_RESUME_CONTINUE);
	EXPECT_EQ(request("vCont;c"), GDB_OUTCOME_RESUME);
	EXPECT_EQ(gdb_session_resume_mode(&fx.session, 1), GDB_RESUME_CONTINUE);
	/* A thread that does not exist is an error, and nothing resumes. */
	EXPECT_EQ(request("vCont;c:3"), GDB_OUTCOME_REPLY);
	EXPECT_STR(fx.reply, "E03");
}

static void test_gdb_session_step_moves_only_the_continue_thread(void)
{
	fixture_init();
	request("Hc2");
	EXPECT_EQ(request("s"), GDB_OUTCOME_RESUME);
	EXPECT_EQ(gdb_session_resume_mode(&fx.session, 0), GDB_RESUME_HOLD);
	EXPECT_EQ(gdb_session_resume_mode(&fx.session, 1), GDB_RESUME_STEP);
	/* c with an address sets rip of that thread first. */
	EXPECT_EQ(request("c1234"), GDB_OUTCOME_RESUME);
	EXPECT_EQ(fx.target.regs[1][128], 0x34);
	EXPECT_EQ(fx.target.regs[1][129], 0x12);
	EXPECT_EQ(fx.target.regs[1][130], 0);
	EXPECT_EQ(gdb_session_resume_mode(&fx.session, 0), GDB_RESUME_CONTINUE);
}

static void test_gdb_session_lists_vcpus_as_threads(void)
{
	fixture_init();
	request("qfThreadInfo");
	EXPECT_STR(fx.reply, "m1,2");
	request("qsThreadInfo");
	EXPECT_STR(fx.reply, "l");
	request("qC");
	EXPECT_STR(fx.reply, "QC1");
	request("T2");
	EXPECT_STR(fx.reply, "OK");
	request("T3");
	EXPECT_STR(fx.reply, "E03");
	/* "vCPU 1" in hex. */
	request("qThreadExtraInfo,2");
	EXPECT_STR(fx.reply, "764350552031");
	request("qAttached");
	EXPECT_STR(fx.reply, "1");
}

static void test_gdb_session_stop_reply_names_thread_and_reason(void)
{
	struct gdb_stop stop = { GDB_STOP_SW_BREAKPOINT, 1 };
	char reply[64];
	size_t len;

	fixture_init();
	request("?");
	EXPECT_STR(fx.reply, "T05thread:1;");
	len = gdb_session_stop_reply(&fx.session, &stop, reply, sizeof(reply));
	reply[len] = '\0';
	/* gdb did not say it understands swbreak. */
	EXPECT_STR(reply, "T05thread:2;");
	request("qSupported:swbreak+");
	len = gdb_session_stop_reply(&fx.session, &stop, reply, sizeof(reply));
	reply[len] = '\0';
	EXPECT_STR(reply, "T05thread:2;swbreak:;");
	/* The stopped thread becomes the one g and c act on. */
	request("g");
	EXPECT_EQ(fx.target.last_vcpu, 1);
	stop = (struct gdb_stop){ GDB_STOP_INTERRUPTED, 0 };
	len = gdb_session_stop_reply(&fx.session, &stop, reply, sizeof(reply));
	reply[len] = '\0';
	EXPECT_STR(reply, "T02thread:1;");
	request("?");
	EXPECT_STR(fx.reply, "T02thread:1;");
}

static void test_gdb_session_serves_target_xml_in_pieces(void)
{
	char xml[GDB_X86_TARGET_XML_MAX], got[GDB_X86_TARGET_XML_MAX], req[64];
	struct gdb_packet_reader reader;
	size_t got_len = 0, i;
	int xml_len = gdb_x86_target_xml(xml, sizeof(xml));

	fixture_init();
	EXPECT_TRUE(xml_len > 0);
	for (;;) {
		snprintf(req, sizeof(req), "qXfer:features:read:target.xml:%zx,200", got_len);
		request(req);
		if (!EXPECT_TRUE(fx.reply_len >= 1 && (fx.reply[0] == 'm' || fx.reply[0] == 'l')))
			return;
		/* Undo the binary escapes as gdb does, through the packet reader. */
		gdb_packet_reader_init(&reader);
		gdb_packet_feed(&reader, '$');
		for (i = 1; i < fx.reply_len; i++)
			gdb_packet_feed(&reader, (uint8_t)fx.reply[i]);
		if (!EXPECT_TRUE(got_len + reader.len <= sizeof(got)))
			return;
		memcpy(got + got_len, reader.payload, reader.len);
		got_len += reader.len;
		if (fx.reply[0] == 'l')
			break;
	}
	EXPECT_EQ(got_len, (size_t)xml_len);
	EXPECT_TRUE(!memcmp(got, xml, got_len));
	request("qXfer:features:read:other.xml:0,100");
	EXPECT_STR(fx.reply, "E02");
}

static void test_gdb_session_detach_and_kill(void)
{
	fixture_init();
	EXPECT_EQ(request("D"), GDB_OUTCOME_DETACH);
	EXPECT_STR(fx.reply, "OK");
	EXPECT_EQ(request("k"), GDB_OUTCOME_KILL);
	EXPECT_EQ(fx.reply_len, 0);
	EXPECT_EQ(request("vKill;1"), GDB_OUTCOME_KILL);
	EXPECT_STR(fx.reply, "OK");
	EXPECT_EQ(request("QStartNoAckMode"), GDB_OUTCOME_REPLY);
	EXPECT_TRUE(fx.session.is_no_ack);
}

/* --- the register layout -------------------------------------------------- */

static void test_gdb_x86_layout_matches_target_xml_order(void)
{
	size_t offset, size;

	EXPECT_EQ(gdb_x86_reg_slot(GDB_X86_RIP, &offset, &size), 0);
	EXPECT_EQ(offset, 128);
	EXPECT_EQ(gdb_x86_reg_slot(GDB_X86_EFLAGS, &offset, &size), 0);
	EXPECT_EQ(offset, 136);
	EXPECT_EQ(size, 4);
	EXPECT_EQ(gdb_x86_reg_slot(GDB_X86_ST0, &offset, &size), 0);
	EXPECT_EQ(offset, 164);
	EXPECT_EQ(size, 10);
	EXPECT_EQ(gdb_x86_reg_slot(GDB_X86_FS_BASE, &offset, &size), 0);
	EXPECT_EQ(offset, 536);
	EXPECT_EQ(gdb_x86_reg_slot(GDB_X86_NR_REGS - 1, &offset, &size), 0);
	EXPECT_EQ(offset + size, GDB_X86_REGS_SIZE);
	EXPECT_EQ(gdb_x86_reg_slot(GDB_X86_NR_REGS, &offset, &size), -EINVAL);
}

static void test_gdb_x86_pack_orders_gprs_as_gdb_and_converts_tags(void)
{
	struct gdb_x86_state state;
	uint8_t regs[GDB_X86_REGS_SIZE];
	uint64_t v;
	uint32_t tag;

	memset(&state, 0, sizeof(state));
	state.regs.rbp = 0x6666;
	state.regs.rsp = 0x7777;
	state.regs.rip = 0xffffffff80100000ull;
	state.sregs.cs.selector = 0x10;
	state.sregs.gs.base = 0xffff888000001000ull;
	state.sregs.cr3 = 0x1000;
	/* ST(0), physical register 7 (TOP = 7), holds 1.0; the rest are empty. */
	state.fpu.fsw = 7 << 11;
	state.fpu.ftwx = 0x80;
	state.fpu.fpr[0][7] = 0x80;
	state.fpu.fpr[0][8] = 0xff;
	state.fpu.fpr[0][9] = 0x3f;
	gdb_x86_regs_pack(&state, regs);
	memcpy(&v, regs + 6 * 8, 8);
	EXPECT_EQ(v, 0x6666); /* gdb: rbp before rsp */
	memcpy(&v, regs + 7 * 8, 8);
	EXPECT_EQ(v, 0x7777);
	memcpy(&v, regs + 128, 8);
	EXPECT_EQ(v, 0xffffffff80100000ull);
	EXPECT_EQ(regs[140], 0x10);
	memcpy(&v, regs + 544, 8);
	EXPECT_EQ(v, 0xffff888000001000ull);
	memcpy(&v, regs + 568, 8);
	EXPECT_EQ(v, 0x1000);
	memcpy(&tag, regs + 252, 4);
	EXPECT_EQ(tag, 0x3fff); /* physical 7 valid (00), 0-6 empty (11) */
}

static void test_gdb_x86_unpack_writes_gprs_and_refuses_selector_changes(void)
{
	struct gdb_x86_state state, before;
	uint8_t regs[GDB_X86_REGS_SIZE];
	uint64_t v = 0x1234;

	memset(&state, 0, sizeof(state));
	state.sregs.cs.selector = 0x10;
	state.fpu.ftwx = 0x81;
	gdb_x86_regs_pack(&state, regs);
	memcpy(regs + 0, &v, 8);
	EXPECT_EQ(gdb_x86_regs_unpack(regs, &state), 0);
	EXPECT_EQ(state.regs.rax, 0x1234);
	/* The tag word survives the round trip through its full form. */
	EXPECT_EQ(state.fpu.ftwx, 0x81);
	before = state;
	regs[140] = 0x08;
	EXPECT_EQ(gdb_x86_regs_unpack(regs, &state), -EPERM);
	EXPECT_TRUE(!memcmp(&state, &before, sizeof(state)));
}

static CU_TestInfo gdb_session_tests[] = {
	UNIT_TEST(test_gdb_command_parses_memory_requests),
	UNIT_TEST(test_gdb_command_parses_breakpoints_and_rejects_conditions),
	UNIT_TEST(test_gdb_command_parses_vcont_actions_with_threads),
	UNIT_TEST(test_gdb_command_caps_vcont_actions),
	UNIT_TEST(test_gdb_command_parses_threads_and_queries),
	UNIT_TEST(test_gdb_command_parses_resume_with_signal_and_address),
	UNIT_TEST(test_gdb_session_announces_packet_size_and_features),
	UNIT_TEST(test_gdb_session_reads_and_writes_registers_of_selected_thread),
	UNIT_TEST(test_gdb_session_reads_memory_partly_at_the_end_of_what_is_mapped),
	UNIT_TEST(test_gdb_session_writes_memory_as_hex_and_binary),
	UNIT_TEST(test_gdb_session_hardware_breakpoints_fall_back_with_empty_reply),
	UNIT_TEST(test_gdb_session_vcont_decides_each_vcpu),
	UNIT_TEST(test_gdb_session_step_moves_only_the_continue_thread),
	UNIT_TEST(test_gdb_session_lists_vcpus_as_threads),
	UNIT_TEST(test_gdb_session_stop_reply_names_thread_and_reason),
	UNIT_TEST(test_gdb_session_serves_target_xml_in_pieces),
	UNIT_TEST(test_gdb_session_detach_and_kill),
	UNIT_TEST(test_gdb_x86_layout_matches_target_xml_order),
	UNIT_TEST(test_gdb_x86_pack_orders_gprs_as_gdb_and_converts_tags),
	UNIT_TEST(test_gdb_x86_unpack_writes_gprs_and_refuses_selector_changes),
	CU_TEST_INFO_NULL,
};

static void unit_register_gdb_session(void)
{
	unit_add_suite("gdb_session", gdb_session_tests);
}

UNIT_REGISTER(unit_register_gdb_session)
