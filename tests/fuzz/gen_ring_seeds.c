/* Writes seeds for fuzz_trace_ring: rings filled by the guest's own producer
 * (guest/kernel/trace/producer.c), in the target's encoding (u64 head,
 * u8 steps, the data area). Usage: gen_ring_seeds DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../guest/kernel/trace/producer.h"
#include "../../shared/trace/events.h"
#include "../../vmm/trace/ring_reader.h"

#define DATA_SIZE 4096u /* as fuzz_trace_ring.c */

static uint8_t ring_mem[TRACE_RING_HEADER_SIZE + DATA_SIZE];

static struct trace_ring fresh_ring(void)
{
	struct ring_reader reader;

	ring_reader_init(&reader, ring_mem, 0, DATA_SIZE);
	memset(ring_mem + TRACE_RING_HEADER_SIZE, 0, DATA_SIZE);
	return (struct trace_ring){ .header = (struct trace_ring_header *)ring_mem,
				    .data = ring_mem + TRACE_RING_HEADER_SIZE,
				    .mask = DATA_SIZE - 1 };
}

static void write_seed(const char *dir, const char *name, const struct trace_ring *r, uint8_t steps)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(&r->header->head, 8, 1, f) != 1 || fwrite(&steps, 1, 1, f) != 1 ||
	    fwrite(r->data, 1, DATA_SIZE, f) != DATA_SIZE || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void put_switch(struct trace_ring *r, uint32_t prev, uint32_t next, uint64_t tsc)
{
	struct trace_ev_sched_switch ev = { .prev_state = 1,
					    .prev_pid = prev,
					    .prev_prio = 120,
					    .next_pid = next,
					    .next_prio = 120 };

	memcpy(ev.prev_comm.s, "ping", 4);
	memcpy(ev.next_comm.s, "swapper/0", 9);
	trace_ring_produce(r, TRACE_EVENT_sched_switch, tsc, &ev, sizeof(ev), NULL, 0);
}

int main(int argc, char **argv)
{
	struct trace_ev_console line = { .level = 6 };
	struct trace_ev_sched_wakeup wake = { .pid = 7, .prio = 120, .target_cpu = 1 };
	struct trace_ring r;
	unsigned int i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	r = fresh_ring();
	for (i = 0; i < 3; i++)
		put_switch(&r, 3, 0, 100 + i);
	write_seed(argv[1], "switches", &r, 0);

	r = fresh_ring();
	trace_ring_produce(&r, TRACE_EVENT_sched_wakeup, 1000, &wake, sizeof(wake), NULL, 0);
	trace_ring_produce(&r, TRACE_EVENT_console, 1001, &line, sizeof(line), "hello \"world\"",
			   13);
	trace_ring_produce(&r, TRACE_EVENT_sched_wakeup, 1002, &wake, sizeof(wake), NULL, 0);
	write_seed(argv[1], "wakeups-and-console", &r, 2);

	/* A full ring: the producer's last records did not fit and were counted lost. */
	r = fresh_ring();
	for (i = 0; i < 64; i++)
		put_switch(&r, i, i + 1, 200 + i);
	write_seed(argv[1], "full-ring", &r, 1);
	return 0;
}
