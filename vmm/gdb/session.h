/* The GDB remote protocol as a state machine over an abstract target: turns
 * each request into a reply, or into a decision to resume, detach or kill
 * that the stub carries out. Knows nothing of KVM or sockets, so unit tests
 * and the fuzzer run it against a fake target. Threads are vCPUs; gdb's
 * thread id is the vCPU index + 1. */
#ifndef VMM_GDB_SESSION_H
#define VMM_GDB_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "command.h"

#define GDB_SIGINT 2
#define GDB_SIGTRAP 5

struct gdb_target_ops {
	/* gdb's register layout (GDB_X86_REGS_SIZE bytes) for one vCPU. */
	int (*read_registers)(void *target, unsigned int vcpu, uint8_t *regs);
	/* Returns 0, or -EPERM when a read-only register would change. */
	int (*write_registers)(void *target, unsigned int vcpu, const uint8_t *regs);
	/* Reads up to len bytes at a virtual address as the vCPU sees it.
	 * Returns the number read (fewer at an unmapped page), or a negative
	 * errno when not even the first byte is readable. */
	int (*read_memory)(void *target, unsigned int vcpu, uint64_t addr, uint8_t *buf,
			   size_t len);
	/* Writes all of buf or nothing. Returns 0 or a negative errno. */
	int (*write_memory)(void *target, unsigned int vcpu, uint64_t addr, const uint8_t *buf,
			    size_t len);
	/* Return 0, -ENOTSUP (gdb then does without) or another negative errno. */
	int (*insert_breakpoint)(void *target, unsigned int vcpu, enum gdb_breakpoint_type type,
				 uint64_t addr);
	int (*remove_breakpoint)(void *target, unsigned int vcpu, enum gdb_breakpoint_type type,
				 uint64_t addr);
};

enum gdb_stop_reason {
	GDB_STOP_ATTACHED, /* gdb connected and stopped the guest */
	GDB_STOP_INTERRUPTED, /* Ctrl-C */
	GDB_STOP_SW_BREAKPOINT,
	GDB_STOP_HW_BREAKPOINT,
	GDB_STOP_STEPPED,
	GDB_STOP_TRAP, /* a debug exception that is none of the above */
};

struct gdb_stop {
	enum gdb_stop_reason reason;
	unsigned int vcpu;
};

enum gdb_resume_mode {
	GDB_RESUME_HOLD, /* stays stopped */
	GDB_RESUME_CONTINUE,
	GDB_RESUME_STEP,
};

enum gdb_outcome {
	GDB_OUTCOME_REPLY, /* send the reply; the guest stays stopped */
	GDB_OUTCOME_RESUME, /* no reply until the next stop; see resume_mode */
	GDB_OUTCOME_DETACH, /* send the reply, then let the guest run on its own */
	GDB_OUTCOME_KILL, /* send the reply if there is one, then end the VM */
};

struct gdb_session {
	const struct gdb_target_ops *ops;
	void *target;
	unsigned int nr_threads;
	unsigned int general_thread; /* vCPU for g, G, p, P, m, M, X (Hg) */
	unsigned int continue_thread; /* vCPU for c and s (Hc) */
	unsigned int next_thread_info; /* where qsThreadInfo goes on */
	bool is_no_ack; /* after QStartNoAckMode: no '+' either way */
	bool gdb_has_swbreak;
	bool gdb_has_hwbreak;
	struct gdb_stop stop; /* the last stop reported */
	struct gdb_command resume; /* the request that resumed the guest */
};

void gdb_session_init(struct gdb_session *session, const struct gdb_target_ops *ops, void *target,
		      unsigned int nr_threads);

/* Handles one request payload. reply must hold at least GDB_PACKET_MAX
 * bytes; *reply_len is set (0 for the empty "unsupported" reply). */
enum gdb_outcome gdb_session_handle(struct gdb_session *session, const char *payload, size_t len,
				    char *reply, size_t reply_size, size_t *reply_len);

/* After GDB_OUTCOME_RESUME: what the given vCPU does. */
enum gdb_resume_mode gdb_session_resume_mode(const struct gdb_session *session, unsigned int vcpu);

/* Records a stop and writes its reply ("T05thread:1;swbreak:;"). Returns
 * the reply length. */
size_t gdb_session_stop_reply(struct gdb_session *session, const struct gdb_stop *stop, char *reply,
			      size_t reply_size);

#endif
