/* Which task runs on each vCPU, followed from sched_switch: the run periods
 * that the JSON tracks, the report and the timeline are made of. A run
 * starts at a switch that names its task as next and ends at the next switch
 * on that vCPU (or at the end of the trace); time before a vCPU's first
 * switch belongs to no run, since when it started is unknown. */
#ifndef VMM_TRACE_SCHED_TRACKER_H
#define VMM_TRACE_SCHED_TRACKER_H

#include <stdbool.h>
#include <stdint.h>

#include "trace.h"

struct sched_task_id {
	uint32_t pid;
	int32_t prio;
	char comm[sizeof(struct trace_comm) + 1]; /* up to the first NUL */
};

struct sched_run {
	uint32_t cpu;
	struct sched_task_id task;
	uint64_t start_ns;
	uint64_t end_ns; /* only once the run has ended */
};

struct sched_tracker {
	unsigned int nr_cpus;
	struct sched_run *current; /* per vCPU */
	bool *has_current;
};

int sched_tracker_init(struct sched_tracker *t, unsigned int nr_cpus);
void sched_tracker_fini(struct sched_tracker *t);

/* Feeds a sched_switch on ev->cpu (< nr_cpus). Returns true with *ended set
 * when it ends a run; next's run starts either way. */
bool sched_tracker_switch(struct sched_tracker *t, const struct trace_event *ev,
			  struct sched_run *ended);

/* Ends cpu's open run at end_ns; true with *ended set if there was one. */
bool sched_tracker_end(struct sched_tracker *t, uint32_t cpu, uint64_t end_ns,
		       struct sched_run *ended);

/* The run open on cpu, or NULL before the vCPU's first switch. */
const struct sched_run *sched_tracker_current(const struct sched_tracker *t, uint32_t cpu);

/* Whether pid's run is open on some vCPU. */
bool sched_tracker_is_running(const struct sched_tracker *t, uint32_t pid);

/* Copies a comm field into a NUL-terminated task name. */
void sched_comm_copy(char *dst, const struct trace_comm *src);

#endif
