/* See session.h. Replies follow the GDB manual, "Remote Protocol > Packets"
 * and "Stop Reply Packets". */
#include "session.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "packet.h"
#include "x86_regs.h"

/* E01: a request we could not parse. */
#define ERROR_MALFORMED 0x01

struct reply {
	char *buf;
	size_t size;
	size_t len;
};

static void __attribute__((format(printf, 2, 3)))
reply_printf(struct reply *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(r->buf + r->len, r->size - r->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += (size_t)n < r->size - r->len ? (size_t)n : r->size - r->len - 1;
}

static void reply_error(struct reply *r, int errno_value)
{
	r->len = 0;
	reply_printf(r, "E%02x",
		     (unsigned int)(errno_value < 0 ? -errno_value : errno_value) & 0xff);
}

static void reply_hex(struct reply *r, const uint8_t *bytes, size_t len)
{
	if (r->len + 2 * len >= r->size)
		len = (r->size - r->len - 1) / 2;
	gdb_hex_encode(bytes, len, r->buf + r->len);
	r->len += 2 * len;
}

void gdb_session_init(struct gdb_session *session, const struct gdb_target_ops *ops, void *target,
		      unsigned int nr_threads)
{
	memset(session, 0, sizeof(*session));
	session->ops = ops;
	session->target = target;
	session->nr_threads = nr_threads;
	session->stop.reason = GDB_STOP_ATTACHED;
}

/* A thread id names a vCPU: 1..nr_threads. */
static bool thread_to_vcpu(const struct gdb_session *session, int64_t thread, unsigned int *vcpu)
{
	if (thread < 1 || (uint64_t)thread > session->nr_threads)
		return false;
	*vcpu = (unsigned int)(thread - 1);
	return true;
}

static void handle_supported(struct gdb_session *session, const struct gdb_command *cmd,
			     struct reply *r)
{
	session->gdb_has_swbreak = cmd->gdb_has_swbreak;
	session->gdb_has_hwbreak = cmd->gdb_has_hwbreak;
	reply_printf(r,
		     "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;"
		     "QStartNoAckMode+",
		     GDB_PACKET_MAX);
}

static void handle_set_thread(struct gdb_session *session, const struct gdb_command *cmd,
			      struct reply *r)
{
	unsigned int vcpu = 0;

	/* "any" and "all" keep the current choice; c and s then act on it. */
	if (cmd->thread != GDB_THREAD_ANY && cmd->thread != GDB_THREAD_ALL &&
	    !thread_to_vcpu(session, cmd->thread, &vcpu)) {
		reply_error(r, ESRCH);
		return;
	}
	if (cmd->thread > 0 && cmd->thread_op == 'g')
		session->general_thread = vcpu;
	else if (cmd->thread > 0 && cmd->thread_op == 'c')
		session->continue_thread = vcpu;
	reply_printf(r, "OK");
}

static void handle_thread_info(struct gdb_session *session, bool is_first, struct reply *r)
{
	const char *sep = "m";

	if (is_first)
		session->next_thread_info = 0;
	if (session->next_thread_info >= session->nr_threads) {
		reply_printf(r, "l");
		return;
	}
	/* Room for one more id: a separator and up to 8 hex digits. */
	while (session->next_thread_info < session->nr_threads && r->len + 10 < r->size) {
		reply_printf(r, "%s%x", sep, session->next_thread_info + 1);
		session->next_thread_info++;
		sep = ",";
	}
}

static void handle_thread_extra_info(struct gdb_session *session, const struct gdb_command *cmd,
				     struct reply *r)
{
	unsigned int vcpu;
	char text[32];
	int n;

	if (!thread_to_vcpu(session, cmd->thread, &vcpu)) {
		reply_error(r, ESRCH);
		return;
	}
	n = snprintf(text, sizeof(text), "vCPU %u", vcpu);
	reply_hex(r, (const uint8_t *)text, (size_t)n);
}

static void handle_xfer_features(const struct gdb_command *cmd, struct reply *r)
{
	char xml[GDB_X86_TARGET_XML_MAX];
	size_t xml_len, consumed, want;
	int n;

	if (cmd->annex_len != 10 || memcmp(cmd->annex, "target.xml", 10)) {
		reply_error(r, ENOENT);
		return;
	}
	n = gdb_x86_target_xml(xml, sizeof(xml));
	if (n < 0) {
		reply_error(r, -n);
		return;
	}
	xml_len = (size_t)n;
	if (cmd->addr >= xml_len) {
		reply_printf(r, "l");
		return;
	}
	want = xml_len - cmd->addr < cmd->len ? xml_len - cmd->addr : cmd->len;
	r->buf[r->len++] = 'm';
	r->len += gdb_binary_escape((const uint8_t *)xml + cmd->addr, want, r->buf + r->len,
				    r->size - r->len - 1, &consumed);
	/* 'l' marks the last piece. */
	if (cmd->addr + consumed == xml_len)
		r->buf[0] = 'l';
}

static void handle_read_registers(struct gdb_session *session, struct reply *r)
{
	uint8_t regs[GDB_X86_REGS_SIZE];
	int rc = session->ops->read_registers(session->target, session->general_thread, regs);

	if (rc)
		reply_error(r, rc);
	else
		reply_hex(r, regs, sizeof(regs));
}

static void handle_write_registers(struct gdb_session *session, const struct gdb_command *cmd,
				   struct reply *r)
{
	uint8_t regs[GDB_X86_REGS_SIZE];
	int rc;

	if (cmd->data_len != 2 * sizeof(regs) ||
	    gdb_hex_decode(cmd->data, cmd->data_len, regs, sizeof(regs)) < 0) {
		reply_error(r, EINVAL);
		return;
	}
	rc = session->ops->write_registers(session->target, session->general_thread, regs);
	if (rc)
		reply_error(r, rc);
	else
		reply_printf(r, "OK");
}

static void handle_register(struct gdb_session *session, const struct gdb_command *cmd,
			    struct reply *r)
{
	uint8_t regs[GDB_X86_REGS_SIZE];
	size_t offset, size;
	int rc;

	if (gdb_x86_reg_slot(cmd->reg, &offset, &size)) {
		reply_error(r, EINVAL);
		return;
	}
	rc = session->ops->read_registers(session->target, session->general_thread, regs);
	if (!rc && cmd->kind == GDB_CMD_READ_REGISTER) {
		reply_hex(r, regs + offset, size);
		return;
	}
	if (!rc && (cmd->data_len != 2 * size ||
		    gdb_hex_decode(cmd->data, cmd->data_len, regs + offset, size) < 0))
		rc = -EINVAL;
	if (!rc)
		rc = session->ops->write_registers(session->target, session->general_thread, regs);
	if (rc)
		reply_error(r, rc);
	else
		reply_printf(r, "OK");
}

static void handle_read_memory(struct gdb_session *session, const struct gdb_command *cmd,
			       struct reply *r)
{
	uint8_t bytes[GDB_PACKET_MAX / 2];
	size_t len = cmd->len < sizeof(bytes) ? cmd->len : sizeof(bytes);
	int n;

	if (!len) {
		reply_error(r, EINVAL);
		return;
	}
	n = session->ops->read_memory(session->target, session->general_thread, cmd->addr, bytes,
				      len);
	if (n <= 0)
		reply_error(r, n < 0 ? n : EFAULT);
	else
		reply_hex(r, bytes, (size_t)n);
}

static void handle_write_memory(struct gdb_session *session, const struct gdb_command *cmd,
				struct reply *r)
{
	uint8_t bytes[GDB_PACKET_MAX];
	const uint8_t *data = (const uint8_t *)cmd->data;
	int rc = 0;

	/* The parser checked the data length against len. */
	if (cmd->kind == GDB_CMD_WRITE_MEMORY) {
		if (gdb_hex_decode(cmd->data, cmd->data_len, bytes, sizeof(bytes)) < 0)
			rc = -EINVAL;
		data = bytes;
	}
	if (!rc && cmd->len)
		rc = session->ops->write_memory(session->target, session->general_thread, cmd->addr,
						data, cmd->len);
	if (rc)
		reply_error(r, rc);
	else
		reply_printf(r, "OK");
}

static void handle_breakpoint(struct gdb_session *session, const struct gdb_command *cmd,
			      struct reply *r)
{
	int rc;

	if (cmd->kind == GDB_CMD_INSERT_BREAKPOINT)
		rc = session->ops->insert_breakpoint(session->target, session->general_thread,
						     cmd->breakpoint_type, cmd->addr);
	else
		rc = session->ops->remove_breakpoint(session->target, session->general_thread,
						     cmd->breakpoint_type, cmd->addr);
	if (rc == -ENOTSUP)
		return; /* empty reply: gdb uses another kind */
	if (rc)
		reply_error(r, rc);
	else
		reply_printf(r, "OK");
}

/* c and s with an address resume there. */
static int set_resume_address(struct gdb_session *session, const struct gdb_command *cmd)
{
	uint8_t regs[GDB_X86_REGS_SIZE];
	size_t offset, size;
	int rc;

	if (!cmd->has_addr)
		return 0;
	rc = session->ops->read_registers(session->target, session->continue_thread, regs);
	if (rc)
		return rc;
	gdb_x86_reg_slot(GDB_X86_RIP, &offset, &size);
	memcpy(regs + offset, &cmd->addr, size);
	return session->ops->write_registers(session->target, session->continue_thread, regs);
}

static enum gdb_outcome handle_resume(struct gdb_session *session, const struct gdb_command *cmd,
				      struct reply *r)
{
	unsigned int i, vcpu;
	int rc;

	for (i = 0; i < cmd->nr_actions; i++) {
		if (cmd->actions[i].thread > 0 &&
		    !thread_to_vcpu(session, cmd->actions[i].thread, &vcpu)) {
			reply_error(r, ESRCH);
			return GDB_OUTCOME_REPLY;
		}
	}
	rc = set_resume_address(session, cmd);
	if (rc) {
		reply_error(r, rc);
		return GDB_OUTCOME_REPLY;
	}
	session->resume = *cmd;
	return GDB_OUTCOME_RESUME;
}

static enum gdb_outcome dispatch(struct gdb_session *session, const struct gdb_command *cmd,
				 struct reply *r)
{
	unsigned int vcpu;

	switch (cmd->kind) {
	case GDB_CMD_UNKNOWN:
		break;
	case GDB_CMD_HALT_REASON:
		r->len = gdb_session_stop_reply(session, &session->stop, r->buf, r->size);
		break;
	case GDB_CMD_READ_REGISTERS:
		handle_read_registers(session, r);
		break;
	case GDB_CMD_WRITE_REGISTERS:
		handle_write_registers(session, cmd, r);
		break;
	case GDB_CMD_READ_REGISTER:
	case GDB_CMD_WRITE_REGISTER:
		handle_register(session, cmd, r);
		break;
	case GDB_CMD_READ_MEMORY:
		handle_read_memory(session, cmd, r);
		break;
	case GDB_CMD_WRITE_MEMORY:
	case GDB_CMD_WRITE_MEMORY_BINARY:
		handle_write_memory(session, cmd, r);
		break;
	case GDB_CMD_CONTINUE:
	case GDB_CMD_STEP:
	case GDB_CMD_VCONT:
		return handle_resume(session, cmd, r);
	case GDB_CMD_VCONT_QUERY:
		reply_printf(r, "vCont;c;C;s;S");
		break;
	case GDB_CMD_INSERT_BREAKPOINT:
	case GDB_CMD_REMOVE_BREAKPOINT:
		handle_breakpoint(session, cmd, r);
		break;
	case GDB_CMD_SET_THREAD:
		handle_set_thread(session, cmd, r);
		break;
	case GDB_CMD_THREAD_ALIVE:
		if (thread_to_vcpu(session, cmd->thread, &vcpu))
			reply_printf(r, "OK");
		else
			reply_error(r, ESRCH);
		break;
	case GDB_CMD_SUPPORTED:
		handle_supported(session, cmd, r);
		break;
	case GDB_CMD_THREAD_INFO_FIRST:
	case GDB_CMD_THREAD_INFO_NEXT:
		handle_thread_info(session, cmd->kind == GDB_CMD_THREAD_INFO_FIRST, r);
		break;
	case GDB_CMD_THREAD_EXTRA_INFO:
		handle_thread_extra_info(session, cmd, r);
		break;
	case GDB_CMD_CURRENT_THREAD:
		reply_printf(r, "QC%x", session->stop.vcpu + 1);
		break;
	case GDB_CMD_ATTACHED:
		reply_printf(r, "1"); /* attached to a running VM: quit detaches */
		break;
	case GDB_CMD_XFER_FEATURES:
		handle_xfer_features(cmd, r);
		break;
	case GDB_CMD_START_NO_ACK:
		session->is_no_ack = true;
		reply_printf(r, "OK");
		break;
	case GDB_CMD_DETACH:
		reply_printf(r, "OK");
		return GDB_OUTCOME_DETACH;
	case GDB_CMD_KILL:
		return GDB_OUTCOME_KILL; /* k has no reply */
	case GDB_CMD_VKILL:
		reply_printf(r, "OK");
		return GDB_OUTCOME_KILL;
	}
	return GDB_OUTCOME_REPLY;
}

enum gdb_outcome gdb_session_handle(struct gdb_session *session, const char *payload, size_t len,
				    char *reply, size_t reply_size, size_t *reply_len)
{
	struct reply r = { reply, reply_size, 0 };
	enum gdb_outcome outcome = GDB_OUTCOME_REPLY;
	struct gdb_command cmd;

	if (gdb_command_parse(payload, len, &cmd))
		reply_error(&r, ERROR_MALFORMED);
	else
		outcome = dispatch(session, &cmd, &r);
	*reply_len = r.len;
	return outcome;
}

static bool action_applies(const struct gdb_session *session, const struct gdb_vcont_action *a,
			   unsigned int vcpu)
{
	if (a->thread == GDB_THREAD_ALL)
		return true;
	if (a->thread == GDB_THREAD_ANY)
		return vcpu == session->continue_thread;
	return (uint64_t)a->thread == (uint64_t)vcpu + 1;
}

enum gdb_resume_mode gdb_session_resume_mode(const struct gdb_session *session, unsigned int vcpu)
{
	const struct gdb_command *cmd = &session->resume;
	unsigned int i;

	switch (cmd->kind) {
	case GDB_CMD_CONTINUE:
		return GDB_RESUME_CONTINUE;
	case GDB_CMD_STEP:
		/* The other vCPUs stay stopped, so the step is the only thing
		 * that happens. */
		return vcpu == session->continue_thread ? GDB_RESUME_STEP : GDB_RESUME_HOLD;
	case GDB_CMD_VCONT:
		/* The first action that names the thread, or names none, wins;
		 * threads no action covers stay stopped. */
		for (i = 0; i < cmd->nr_actions; i++)
			if (action_applies(session, &cmd->actions[i], vcpu))
				return cmd->actions[i].action == 's' ? GDB_RESUME_STEP :
								       GDB_RESUME_CONTINUE;
		return GDB_RESUME_HOLD;
	default:
		return GDB_RESUME_HOLD;
	}
}

size_t gdb_session_stop_reply(struct gdb_session *session, const struct gdb_stop *stop, char *reply,
			      size_t reply_size)
{
	struct reply r = { reply, reply_size, 0 };
	unsigned int vcpu = stop->vcpu < session->nr_threads ? stop->vcpu : 0;

	session->stop = *stop;
	session->stop.vcpu = vcpu;
	session->general_thread = session->continue_thread = vcpu;
	reply_printf(&r, "T%02xthread:%x;",
		     stop->reason == GDB_STOP_INTERRUPTED ? GDB_SIGINT : GDB_SIGTRAP, vcpu + 1);
	if (stop->reason == GDB_STOP_SW_BREAKPOINT && session->gdb_has_swbreak)
		reply_printf(&r, "swbreak:;");
	if (stop->reason == GDB_STOP_HW_BREAKPOINT && session->gdb_has_hwbreak)
		reply_printf(&r, "hwbreak:;");
	return r.len;
}
