/* Recording a guest's trace: the ring region vitro shares with the guest, the
 * host thread that drains it while the guest runs (no VM exit per event), a
 * spool file per vCPU, and at the end the merge of all vCPUs in time order
 * into the chosen output. */
#ifndef VMM_TRACE_RECORDER_H
#define VMM_TRACE_RECORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "../error.h"

#define TRACE_DEFAULT_BUFFER_BYTES (1ull << 20) /* per vCPU, like perf's per-CPU buffers */
#define TRACE_MIN_BUFFER_BYTES (64ull << 10)
#define TRACE_MAX_BUFFER_BYTES (256ull << 20)

/* What the user asked for on the command line. */
struct trace_options {
	const char *path; /* NULL: no tracing */
	const char *format; /* --trace-format, or NULL to go by the file name */
	uint64_t categories; /* mask of enum trace_category */
	uint64_t buffer_bytes; /* ring data bytes per vCPU, a power of two */
	bool tuned; /* --trace-events or --trace-buffer was given */
};

struct trace_recorder;

/* Checks the options, opens the output (so a bad path fails before the guest
 * boots) and maps the ring region for nr_cpus vCPUs. */
int trace_recorder_create(struct trace_recorder **out, const struct trace_options *opt,
			  unsigned int nr_cpus, struct vitro_error *err);

/* The region to give the guest: guest-physical base, size, host mapping. */
void trace_recorder_region(const struct trace_recorder *r, uint64_t *gpa, uint64_t *size,
			   void **host);
unsigned int trace_recorder_nr_rings(const struct trace_recorder *r);
uint64_t trace_recorder_ring_size(const struct trace_recorder *r);
uint64_t trace_recorder_categories(const struct trace_recorder *r);

/* Guest TSC rate and the TSC value that is time 0 (vitro's start), and time
 * 0 on vmm_tracer_now_ns()'s clock, for vitro's own events. */
void trace_recorder_set_clock(struct trace_recorder *r, uint32_t tsc_khz, uint64_t tsc_zero,
			      uint64_t start_ns);

/* Where vitro's device models emit their events (NULL without a recorder). */
struct vmm_tracer *trace_recorder_vmm_tracer(struct trace_recorder *r);

/* Starts the drain thread. */
int trace_recorder_start(struct trace_recorder *r, struct vitro_error *err);

/* Once the vCPUs have stopped: last drain, merge, write the output. Prints a
 * one-line summary to stderr. Returns 0 or negative with err set. */
int trace_recorder_finish(struct trace_recorder *r, struct vitro_error *err);

void trace_recorder_destroy(struct trace_recorder *r);

/* Draining, separately for tests and benchmarks: one pass over all rings. */
uint64_t trace_recorder_drain(struct trace_recorder *r);

#endif
