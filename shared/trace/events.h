/* The trace event list: the one place that says which events exist, which
 * category switches each on, and its fields with their types. The guest's
 * emitters, vitro's decoder, the CTF metadata, the JSON and text exporters
 * and the reports are all generated from TRACE_EVENTS; adding an event is one
 * entry here plus its call site.
 *
 * TRACE_EVENTS(EVENT, FIELD) expands EVENT(name, CATEGORY, fields) once per
 * event, where fields is a sequence of FIELD(type, name). Field types:
 *   u32 s32 u64 s64  integers
 *   comm             a task name, 16 bytes, NUL-padded
 *   text             a variable-length string; only as the last field, it
 *                    fills the rest of the record (zero-padded, no NUL inside)
 * Every event's fixed part is a packed struct with these fields in order;
 * keep 8-byte fields first so the layout has no holes. Names and fields follow
 * Linux's tracepoints (include/trace/events/sched.h, irq.h, timer.h,
 * printk.h, raw_syscalls.h, exceptions.h, block.h) so readers of `perf script`
 * feel at home. Block events: dev is major << 20 | minor; op is enum req_op |
 * REQ_* flags << 8 (the guest's vitro/blkdev.h); queued_ns is insert to issue,
 * latency_ns insert to completion. The vmm_blk_* events are vitro's own, in
 * its stream beside the vCPUs' (struct trace_info's has_vmm_stream): its
 * virtio-blk device took a request off queue `queue` of disk `dev` (0 for the
 * first --disk), handed it to the host's I/O, and completed it; type is the
 * request's VIRTIO_BLK_T_*, status its VIRTIO_BLK_S_*, queued_ns and
 * latency_ns count from when the device took it. */
#ifndef SHARED_TRACE_EVENTS_H
#define SHARED_TRACE_EVENTS_H

#include <stdint.h>

/* Categories, as `--trace-events` names them; one bit each in the mask the
 * guest finds in its device tree. */
#define TRACE_CATEGORIES(CAT) \
	CAT(SCHED, sched)     \
	CAT(IRQ, irq)         \
	CAT(TIMER, timer)     \
	CAT(SYSCALL, syscall) \
	CAT(BLOCK, block)     \
	CAT(NET, net)         \
	CAT(MM, mm)           \
	CAT(PRINTK, printk)

#define TRACE_EVENTS(EVENT, FIELD)                                                               \
	EVENT(sched_switch, SCHED,                                                               \
	      FIELD(u64, prev_state) FIELD(u32, prev_pid) FIELD(s32, prev_prio)                  \
		      FIELD(comm, prev_comm) FIELD(u32, next_pid) FIELD(s32, next_prio)          \
			      FIELD(comm, next_comm))                                            \
	EVENT(sched_wakeup, SCHED,                                                               \
	      FIELD(u32, pid) FIELD(s32, prio) FIELD(comm, comm) FIELD(u32, target_cpu)          \
		      FIELD(u32, waker_pid))                                                     \
	EVENT(sched_wakeup_new, SCHED,                                                           \
	      FIELD(u32, pid) FIELD(s32, prio) FIELD(comm, comm) FIELD(u32, target_cpu)          \
		      FIELD(u32, waker_pid))                                                     \
	EVENT(sched_migrate_task, SCHED,                                                         \
	      FIELD(u32, pid) FIELD(s32, prio) FIELD(comm, comm) FIELD(u32, orig_cpu)            \
		      FIELD(u32, dest_cpu))                                                      \
	EVENT(sched_process_fork, SCHED,                                                         \
	      FIELD(u32, parent_pid) FIELD(u32, child_pid) FIELD(comm, parent_comm)              \
		      FIELD(comm, child_comm))                                                   \
	EVENT(sched_process_exec, SCHED,                                                         \
	      FIELD(u32, pid) FIELD(u32, old_pid) FIELD(text, filename))                         \
	EVENT(sched_process_exit, SCHED, FIELD(u32, pid) FIELD(s32, prio) FIELD(comm, comm))     \
	EVENT(irq_handler_entry, IRQ, FIELD(u32, irq) FIELD(u32, vector))                        \
	EVENT(irq_handler_exit, IRQ, FIELD(u32, irq) FIELD(u32, vector))                         \
	EVENT(ipi_entry, IRQ, FIELD(u32, vector) FIELD(u32, reserved))                           \
	EVENT(ipi_exit, IRQ, FIELD(u32, vector) FIELD(u32, reserved))                            \
	EVENT(timer_expire_entry, TIMER,                                                         \
	      FIELD(u64, timer) FIELD(u64, function) FIELD(u64, now_ns))                         \
	EVENT(timer_expire_exit, TIMER, FIELD(u64, timer))                                       \
	EVENT(console, PRINTK, FIELD(u32, level) FIELD(text, msg))                               \
	EVENT(sys_enter, SYSCALL,                                                                \
	      FIELD(u64, id) FIELD(u64, arg0) FIELD(u64, arg1) FIELD(u64, arg2) FIELD(u64, arg3) \
		      FIELD(u64, arg4) FIELD(u64, arg5) FIELD(u32, pid))                         \
	EVENT(sys_exit, SYSCALL, FIELD(u64, id) FIELD(s64, ret) FIELD(u32, pid))                 \
	EVENT(page_fault_user, MM, FIELD(u64, address) FIELD(u64, ip) FIELD(u64, error_code))    \
	EVENT(page_fault_kernel, MM, FIELD(u64, address) FIELD(u64, ip) FIELD(u64, error_code))  \
	EVENT(block_rq_insert, BLOCK,                                                            \
	      FIELD(u64, sector) FIELD(u32, nr_sector) FIELD(u32, dev) FIELD(u32, op)            \
		      FIELD(u32, hw_queue))                                                      \
	EVENT(block_rq_issue, BLOCK,                                                             \
	      FIELD(u64, sector) FIELD(u64, queued_ns) FIELD(u32, op) FIELD(u32, dev)            \
		      FIELD(u32, nr_sector) FIELD(u32, hw_queue))                                \
	EVENT(block_rq_complete, BLOCK,                                                          \
	      FIELD(u64, sector) FIELD(u64, latency_ns) FIELD(s32, error) FIELD(u32, op)         \
		      FIELD(u32, dev) FIELD(u32, nr_sector))                                     \
	EVENT(vmm_blk_queue, BLOCK,                                                              \
	      FIELD(u64, sector) FIELD(u32, bytes) FIELD(u32, dev) FIELD(u32, type)              \
		      FIELD(u32, queue))                                                         \
	EVENT(vmm_blk_submit, BLOCK,                                                             \
	      FIELD(u64, sector) FIELD(u64, queued_ns) FIELD(u32, bytes) FIELD(u32, dev)         \
		      FIELD(u32, type) FIELD(u32, queue))                                        \
	EVENT(vmm_blk_complete, BLOCK,                                                           \
	      FIELD(u64, sector) FIELD(u64, latency_ns) FIELD(u32, status) FIELD(u32, bytes)     \
		      FIELD(u32, dev) FIELD(u32, type) FIELD(u32, queue))

/* Host and guest spell the field types the same way. */
typedef uint32_t trace_u32_t;
typedef int32_t trace_s32_t;
typedef uint64_t trace_u64_t;
typedef int64_t trace_s64_t;
struct trace_comm {
	char s[16];
};
typedef struct trace_comm trace_comm_t;
typedef char trace_text_t[]; /* flexible: the rest of the record */

enum trace_category {
#define TRACE_CAT_ENUM(upper, lower) TRACE_CAT_##upper,
	TRACE_CATEGORIES(TRACE_CAT_ENUM)
#undef TRACE_CAT_ENUM
		TRACE_NR_CATEGORIES
};

/* Event type 0 is never used, so a zeroed ring never decodes as an event. */
enum trace_event_type {
	TRACE_EVENT_NONE,
#define TRACE_EVENT_ENUM(name, cat, fields) TRACE_EVENT_##name,
	TRACE_EVENTS(TRACE_EVENT_ENUM, )
#undef TRACE_EVENT_ENUM
		TRACE_NR_EVENTS
};

/* The fixed part of every event: struct trace_ev_<name>. */
#define TRACE_STRUCT_FIELD(type, name) trace_##type##_t name;
#define TRACE_STRUCT(name, cat, fields)                  \
	struct __attribute__((packed)) trace_ev_##name { \
		fields                                   \
	};
TRACE_EVENTS(TRACE_STRUCT, TRACE_STRUCT_FIELD)
#undef TRACE_STRUCT
#undef TRACE_STRUCT_FIELD

#endif
