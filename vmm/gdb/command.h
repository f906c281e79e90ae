/* Parsing of GDB remote protocol requests (the payload of a packet) into a
 * struct gdb_command. Pure and bounded: every number and length is checked
 * here, so the session code that acts on a command can trust it. */
#ifndef VMM_GDB_COMMAND_H
#define VMM_GDB_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Thread ids as gdb writes them: -1 is every thread, 0 any thread. */
#define GDB_THREAD_ALL (-1)
#define GDB_THREAD_ANY 0
#define GDB_VCONT_MAX_ACTIONS 64

enum gdb_command_kind {
	GDB_CMD_UNKNOWN, /* anything we do not implement: reply empty */
	GDB_CMD_HALT_REASON, /* ? */
	GDB_CMD_READ_REGISTERS, /* g */
	GDB_CMD_WRITE_REGISTERS, /* G hex */
	GDB_CMD_READ_REGISTER, /* p n */
	GDB_CMD_WRITE_REGISTER, /* P n=hex */
	GDB_CMD_READ_MEMORY, /* m addr,len */
	GDB_CMD_WRITE_MEMORY, /* M addr,len:hex */
	GDB_CMD_WRITE_MEMORY_BINARY, /* X addr,len:bytes */
	GDB_CMD_CONTINUE, /* c [addr], C sig[;addr] */
	GDB_CMD_STEP, /* s [addr], S sig[;addr] */
	GDB_CMD_VCONT_QUERY, /* vCont? */
	GDB_CMD_VCONT, /* vCont;action[:thread]... */
	GDB_CMD_INSERT_BREAKPOINT, /* Z type,addr,kind */
	GDB_CMD_REMOVE_BREAKPOINT, /* z type,addr,kind */
	GDB_CMD_SET_THREAD, /* H op thread */
	GDB_CMD_THREAD_ALIVE, /* T thread */
	GDB_CMD_SUPPORTED, /* qSupported[:features] */
	GDB_CMD_THREAD_INFO_FIRST, /* qfThreadInfo */
	GDB_CMD_THREAD_INFO_NEXT, /* qsThreadInfo */
	GDB_CMD_THREAD_EXTRA_INFO, /* qThreadExtraInfo,thread */
	GDB_CMD_CURRENT_THREAD, /* qC */
	GDB_CMD_ATTACHED, /* qAttached[:pid] */
	GDB_CMD_XFER_FEATURES, /* qXfer:features:read:annex:offset,length */
	GDB_CMD_START_NO_ACK, /* QStartNoAckMode */
	GDB_CMD_DETACH, /* D[;pid] */
	GDB_CMD_KILL, /* k */
	GDB_CMD_VKILL, /* vKill;pid */
};

enum gdb_breakpoint_type {
	GDB_BREAKPOINT_SOFTWARE = 0,
	GDB_BREAKPOINT_HARDWARE = 1,
	GDB_WATCHPOINT_WRITE = 2,
	GDB_WATCHPOINT_READ = 3,
	GDB_WATCHPOINT_ACCESS = 4,
};

struct gdb_vcont_action {
	char action; /* 'c' or 's' (C and S lose their signal: a VM has none) */
	int64_t thread; /* GDB_THREAD_ALL when the action names no thread */
};

struct gdb_command {
	enum gdb_command_kind kind;
	/* m, M, X, Z, z, and c/s with an address */
	uint64_t addr;
	uint64_t len;
	bool has_addr;
	/* Z, z */
	unsigned int breakpoint_type;
	uint64_t breakpoint_kind;
	/* p, P */
	unsigned int reg;
	/* H, T, qThreadExtraInfo */
	char thread_op; /* 'g' or 'c' for H */
	int64_t thread;
	/* G, P (hex), M (hex, 2 * len digits), X (len bytes): points into the payload */
	const char *data;
	size_t data_len;
	/* qXfer:features:read */
	const char *annex;
	size_t annex_len;
	/* qSupported: what gdb said it understands */
	bool gdb_has_swbreak;
	bool gdb_has_hwbreak;
	/* vCont */
	unsigned int nr_actions;
	struct gdb_vcont_action actions[GDB_VCONT_MAX_ACTIONS];
};

/* Parses one payload. Returns 0 with cmd filled (GDB_CMD_UNKNOWN for what we
 * do not implement), or -EINVAL for a known request that is malformed. */
int gdb_command_parse(const char *payload, size_t len, struct gdb_command *cmd);

#endif
