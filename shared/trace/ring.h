/* The trace-ring ABI between the guest (one producer per vCPU) and vitro
 * (the consumer, a host thread). vitro reserves a guest-physical region of
 * nr_rings consecutive rings and announces it in the device tree:
 *
 *   /trace@ADDR { compatible = "vitro,trace-rings"; reg = <ADDR SIZE>;
 *                 vitro,nr-rings = <N>; vitro,ring-size = <BYTES>;
 *                 vitro,event-mask = <u64: 1 << category per enabled one>; }
 *
 * Ring i belongs to the guest's CPU i (device-tree order). Each ring is a
 * 4 KiB header page followed by data_size bytes of records (a power of two).
 * head and tail count bytes ever written and consumed; a record may wrap
 * around the end of the data area. The producer copies a record in, then
 * publishes it with a release store of head; it never waits: when the record
 * does not fit it drops it and counts it in lost. The consumer reads head
 * with acquire, copies records out, then releases tail. A guest may write
 * anything here, so the consumer checks every size and type. */
#ifndef SHARED_TRACE_RING_H
#define SHARED_TRACE_RING_H

#include <stdint.h>

#define TRACE_RING_MAGIC 0x43525456u /* "VTRC" */
#define TRACE_RING_VERSION 1u
#define TRACE_RING_HEADER_SIZE 4096u
#define TRACE_RECORD_ALIGN 8u
#define TRACE_RECORD_MAX 1024u /* header included; longer text is cut */

struct trace_ring_header {
	/* Written by vitro before boot. */
	uint32_t magic;
	uint32_t version;
	uint32_t cpu;
	uint32_t header_size;
	uint64_t data_size;
	uint8_t pad0[40];
	/* Written by the guest (its own cache line). */
	uint64_t head;
	uint64_t lost; /* records dropped because the ring was full */
	uint8_t pad1[48];
	/* Written by vitro. */
	uint64_t tail;
	uint8_t pad2[56];
};

/* Every record starts with this; size counts the header and is a multiple of
 * TRACE_RECORD_ALIGN. tsc is the guest's TSC when the event happened. */
struct trace_record {
	uint16_t type; /* enum trace_event_type */
	uint16_t size;
	uint32_t reserved; /* 0 */
	uint64_t tsc;
};

#endif
