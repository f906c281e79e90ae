/* See command.h. Request formats: GDB manual, "Remote Protocol > Packets",
 * "General Query Packets" and "vCont". */
#include "command.h"

#include <errno.h>
#include <string.h>

#include "packet.h"

/* The largest thread id we parse; vCPU indexes are far below it. */
#define THREAD_ID_MAX 0x7fffffff
#define SIGNAL_MAX 0xff

struct cursor {
	const char *p;
	const char *end;
};

static bool cursor_at_end(const struct cursor *c)
{
	return c->p >= c->end;
}

static bool cursor_take(struct cursor *c, char expected)
{
	if (cursor_at_end(c) || *c->p != expected)
		return false;
	c->p++;
	return true;
}

static bool cursor_take_word(struct cursor *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n))
		return false;
	c->p += n;
	return true;
}

static int cursor_hex(struct cursor *c, uint64_t *value)
{
	return gdb_parse_hex(&c->p, c->end, value);
}

/* "-1" (every thread) or a hex id; 0 means any thread. */
static int cursor_thread(struct cursor *c, int64_t *thread)
{
	uint64_t value;

	if (cursor_take_word(c, "-1")) {
		*thread = GDB_THREAD_ALL;
		return 0;
	}
	if (cursor_hex(c, &value) || value > THREAD_ID_MAX)
		return -EINVAL;
	*thread = (int64_t)value;
	return 0;
}

static bool payload_is(const char *payload, size_t len, const char *word)
{
	return len == strlen(word) && !memcmp(payload, word, len);
}

/* addr,len */
static int parse_range(struct cursor *c, struct gdb_command *cmd)
{
	if (cursor_hex(c, &cmd->addr) || !cursor_take(c, ',') || cursor_hex(c, &cmd->len))
		return -EINVAL;
	return 0;
}

static int parse_memory(struct cursor *c, struct gdb_command *cmd)
{
	if (parse_range(c, cmd))
		return -EINVAL;
	if (cmd->kind == GDB_CMD_READ_MEMORY)
		return cursor_at_end(c) ? 0 : -EINVAL;
	if (!cursor_take(c, ':') || cmd->len > GDB_PACKET_MAX)
		return -EINVAL;
	cmd->data = c->p;
	cmd->data_len = (size_t)(c->end - c->p);
	if (cmd->kind == GDB_CMD_WRITE_MEMORY)
		return cmd->data_len == 2 * cmd->len ? 0 : -EINVAL;
	return cmd->data_len == cmd->len ? 0 : -EINVAL;
}

/* c [addr], s [addr], C sig[;addr], S sig[;addr] */
static int parse_resume(struct cursor *c, struct gdb_command *cmd, bool has_signal)
{
	uint64_t signal;

	if (has_signal) {
		if (cursor_hex(c, &signal) || signal > SIGNAL_MAX)
			return -EINVAL;
		if (cursor_at_end(c))
			return 0;
		if (!cursor_take(c, ';'))
			return -EINVAL;
	}
	if (cursor_at_end(c))
		return 0;
	if (cursor_hex(c, &cmd->addr) || !cursor_at_end(c))
		return -EINVAL;
	cmd->has_addr = true;
	return 0;
}

/* type,addr,kind; conditions and commands (";...") are never announced. */
static int parse_breakpoint(struct cursor *c, struct gdb_command *cmd)
{
	uint64_t type;

	if (cursor_hex(c, &type) || type > GDB_WATCHPOINT_ACCESS || !cursor_take(c, ',') ||
	    cursor_hex(c, &cmd->addr) || !cursor_take(c, ',') ||
	    cursor_hex(c, &cmd->breakpoint_kind) || !cursor_at_end(c))
		return -EINVAL;
	cmd->breakpoint_type = (unsigned int)type;
	return 0;
}

static int parse_register(struct cursor *c, struct gdb_command *cmd)
{
	uint64_t reg;

	if (cursor_hex(c, &reg) || reg > 0xffff)
		return -EINVAL;
	cmd->reg = (unsigned int)reg;
	if (cmd->kind == GDB_CMD_READ_REGISTER)
		return cursor_at_end(c) ? 0 : -EINVAL;
	if (!cursor_take(c, '='))
		return -EINVAL;
	cmd->data = c->p;
	cmd->data_len = (size_t)(c->end - c->p);
	return 0;
}

static int parse_set_thread(struct cursor *c, struct gdb_command *cmd)
{
	if (cursor_at_end(c))
		return -EINVAL;
	cmd->thread_op = *c->p++;
	if (cursor_thread(c, &cmd->thread) || !cursor_at_end(c))
		return -EINVAL;
	return 0;
}

/* ;action[:thread] repeated; a thread-less action applies to the rest. */
static int parse_vcont(struct cursor *c, struct gdb_command *cmd)
{
	struct gdb_vcont_action *action;
	uint64_t signal;
	char op;

	if (cursor_at_end(c))
		return -EINVAL;
	while (!cursor_at_end(c)) {
		if (!cursor_take(c, ';') || cursor_at_end(c) ||
		    cmd->nr_actions == GDB_VCONT_MAX_ACTIONS)
			return -EINVAL;
		op = *c->p++;
		if (op == 'C' || op == 'S') {
			if (cursor_hex(c, &signal) || signal > SIGNAL_MAX)
				return -EINVAL;
		} else if (op != 'c' && op != 's') {
			return -EINVAL; /* t and r are not announced in vCont? */
		}
		action = &cmd->actions[cmd->nr_actions++];
		action->action = (char)(op | 0x20);
		action->thread = GDB_THREAD_ALL;
		if (cursor_take(c, ':') && cursor_thread(c, &action->thread))
			return -EINVAL;
	}
	return 0;
}

/* qSupported:feature;feature... : only what changes our replies is kept. */
static void parse_supported(struct cursor *c, struct gdb_command *cmd)
{
	const char *start;
	size_t n;

	cmd->kind = GDB_CMD_SUPPORTED;
	if (!cursor_take(c, ':'))
		return;
	while (!cursor_at_end(c)) {
		start = c->p;
		while (!cursor_at_end(c) && *c->p != ';')
			c->p++;
		n = (size_t)(c->p - start);
		if (n == 8 && !memcmp(start, "swbreak+", 8))
			cmd->gdb_has_swbreak = true;
		if (n == 8 && !memcmp(start, "hwbreak+", 8))
			cmd->gdb_has_hwbreak = true;
		cursor_take(c, ';');
	}
}

/* qXfer:features:read:annex:offset,length */
static int parse_xfer_features(struct cursor *c, struct gdb_command *cmd)
{
	cmd->kind = GDB_CMD_XFER_FEATURES;
	cmd->annex = c->p;
	while (!cursor_at_end(c) && *c->p != ':')
		c->p++;
	cmd->annex_len = (size_t)(c->p - cmd->annex);
	if (!cursor_take(c, ':') || parse_range(c, cmd) || !cursor_at_end(c))
		return -EINVAL;
	return 0;
}

static int parse_query(const char *payload, size_t len, struct cursor *c, struct gdb_command *cmd)
{
	if (payload_is(payload, len, "qfThreadInfo"))
		cmd->kind = GDB_CMD_THREAD_INFO_FIRST;
	else if (payload_is(payload, len, "qsThreadInfo"))
		cmd->kind = GDB_CMD_THREAD_INFO_NEXT;
	else if (payload_is(payload, len, "qC"))
		cmd->kind = GDB_CMD_CURRENT_THREAD;
	else if (payload_is(payload, len, "qAttached") || cursor_take_word(c, "qAttached:"))
		cmd->kind = GDB_CMD_ATTACHED;
	else if (cursor_take_word(c, "qSupported"))
		parse_supported(c, cmd);
	else if (cursor_take_word(c, "qThreadExtraInfo,")) {
		cmd->kind = GDB_CMD_THREAD_EXTRA_INFO;
		if (cursor_thread(c, &cmd->thread) || !cursor_at_end(c))
			return -EINVAL;
	} else if (cursor_take_word(c, "qXfer:features:read:")) {
		return parse_xfer_features(c, cmd);
	}
	return 0;
}

static int parse_v(const char *payload, size_t len, struct cursor *c, struct gdb_command *cmd)
{
	if (payload_is(payload, len, "vCont?")) {
		cmd->kind = GDB_CMD_VCONT_QUERY;
	} else if (cursor_take_word(c, "vCont")) {
		cmd->kind = GDB_CMD_VCONT;
		return parse_vcont(c, cmd);
	} else if (cursor_take_word(c, "vKill")) {
		cmd->kind = GDB_CMD_VKILL;
	}
	return 0;
}

static int parse_by_letter(const char *payload, size_t len, struct cursor *c,
			   struct gdb_command *cmd)
{
	char letter = *c->p++;

	switch (letter) {
	case '?':
		cmd->kind = GDB_CMD_HALT_REASON;
		return 0;
	case 'g':
		cmd->kind = GDB_CMD_READ_REGISTERS;
		return cursor_at_end(c) ? 0 : -EINVAL;
	case 'G':
		cmd->kind = GDB_CMD_WRITE_REGISTERS;
		cmd->data = c->p;
		cmd->data_len = (size_t)(c->end - c->p);
		return 0;
	case 'p':
	case 'P':
		cmd->kind = letter == 'p' ? GDB_CMD_READ_REGISTER : GDB_CMD_WRITE_REGISTER;
		return parse_register(c, cmd);
	case 'm':
	case 'M':
	case 'X':
		cmd->kind = letter == 'm' ? GDB_CMD_READ_MEMORY :
			    letter == 'M' ? GDB_CMD_WRITE_MEMORY :
					    GDB_CMD_WRITE_MEMORY_BINARY;
		return parse_memory(c, cmd);
	case 'c':
	case 'C':
	case 's':
	case 'S':
		cmd->kind = (letter | 0x20) == 'c' ? GDB_CMD_CONTINUE : GDB_CMD_STEP;
		return parse_resume(c, cmd, letter == 'C' || letter == 'S');
	case 'Z':
	case 'z':
		cmd->kind = letter == 'Z' ? GDB_CMD_INSERT_BREAKPOINT : GDB_CMD_REMOVE_BREAKPOINT;
		return parse_breakpoint(c, cmd);
	case 'H':
		cmd->kind = GDB_CMD_SET_THREAD;
		return parse_set_thread(c, cmd);
	case 'T':
		cmd->kind = GDB_CMD_THREAD_ALIVE;
		return cursor_thread(c, &cmd->thread) || !cursor_at_end(c) ? -EINVAL : 0;
	case 'D':
		cmd->kind = GDB_CMD_DETACH;
		return 0;
	case 'k':
		cmd->kind = GDB_CMD_KILL;
		return 0;
	case 'q':
		c->p--;
		return parse_query(payload, len, c, cmd);
	case 'Q':
		if (payload_is(payload, len, "QStartNoAckMode"))
			cmd->kind = GDB_CMD_START_NO_ACK;
		return 0;
	case 'v':
		c->p--;
		return parse_v(payload, len, c, cmd);
	default:
		return 0;
	}
}

int gdb_command_parse(const char *payload, size_t len, struct gdb_command *cmd)
{
	struct cursor c = { payload, payload + len };
	int rc;

	memset(cmd, 0, sizeof(*cmd));
	cmd->kind = GDB_CMD_UNKNOWN;
	if (!len)
		return 0;
	rc = parse_by_letter(payload, len, &c, cmd);
	if (rc)
		cmd->kind = GDB_CMD_UNKNOWN;
	return rc;
}
