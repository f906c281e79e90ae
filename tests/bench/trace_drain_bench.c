/* trace_drain_bench: how many trace events per second vitro's drain keeps up with, natively (part
 * of `make bench`, alone with `make bench-trace`). Rings in host memory set up as vitro sets them
 * up (ring_reader_init), one synthetic producer thread per ring running the guest's own producer
 * (guest/kernel/trace/producer.c) with sched_switch records, and a drain thread running vitro's
 * loop (vmm/trace/recorder.c): ring_reader_drain into a spool file per ring, polling every 1 ms
 * while records flow. Finds the highest paced rate at which no record is lost, then runs the
 * producers flat out. Prints "tracebench:" key=value lines for tests/bench/run-bench.
 * Usage: trace_drain_bench [-v] [-n SEARCHES] [-p MAX_PRODUCERS] [-s STEP_MS] [-r RING_BYTES] */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "../../guest/kernel/trace/producer.h"
#include "../../shared/trace/events.h"
#include "../../vmm/trace/recorder.h"
#include "../../vmm/trace/ring_reader.h"

/* vitro's drain thread polls this often while records flow, and this often when idle
 * (DRAIN_BUSY_NS and DRAIN_IDLE_NS in vmm/trace/recorder.c, which keeps them private). */
#define DRAIN_BUSY_NS 1000000L
#define DRAIN_IDLE_NS 5000000L

#define MAX_PRODUCERS 8
/* Long enough for the drain thread to wake from its idle sleep and poll at its busy rate. */
#define WARMUP_NS 50000000L
#define FIRST_RATE 1e6 /* events/s, all producers together */
#define MIN_RATE 1e3
#define MAX_RATE 1e9
#define MAX_STEPS 24
#define MAX_SEARCHES 15
/* The search stops when the lossless and the lossy rate are this close. */
#define RESOLUTION 0.03
/* A paced step counts only if the producers reached this share of the target: below it the
 * producers, not the drain, are the limit. Not closer to 1: a producer kept off its CPU for a
 * few ms (two producers and the drain on two CPUs) falls that much behind without being slow. */
#define REACHED 0.9

/* As recorder.c spools a record: this header, then the payload padded to 8 bytes. */
struct spool_record {
	uint64_t ts_ns;
	uint16_t type;
	uint16_t size;
	uint32_t cpu;
};

struct bench;

struct ring_slot {
	struct bench *bench;
	unsigned int index;
	struct trace_ring ring; /* the guest's side */
	struct ring_reader reader; /* vitro's side */
	FILE *spool;
	uint64_t spooled;
	int write_error;
	pthread_t producer;
	uint64_t produced; /* attempts: written or lost */
};

struct bench {
	unsigned int nr_rings; /* of this step */
	uint64_t data_size;
	size_t ring_size;
	void *region;
	struct ring_slot slots[MAX_PRODUCERS];
	double ticks_per_event; /* per producer; 0: flat out */
	uint64_t tsc_hz;
	uint64_t tsc_zero;
	atomic_bool stop_producers;
	atomic_bool stop_drain;
	unsigned int step_ms;
	unsigned int nr_searches; /* per figure; the median is reported */
	bool is_verbose;
};

struct step_result {
	double target_eps; /* 0: unpaced */
	double produced_eps;
	double drained_eps; /* while the producers ran */
	uint64_t produced;
	uint64_t lost;
	uint64_t lost_at_start; /* by the end of the warm-up */
	uint64_t corrupt_bytes;
	int write_error;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void sleep_ns(long ns)
{
	struct timespec pause = { ns / 1000000000L, ns % 1000000000L };

	while (nanosleep(&pause, &pause) && errno == EINTR)
		;
}

/* The guest stamps events with its TSC and vitro converts with the rate KVM reports; here the
 * rate is measured against CLOCK_MONOTONIC. */
static uint64_t tsc_measure_hz(void)
{
	double t0 = now_ns();
	uint64_t c0 = __rdtsc();

	sleep_ns(50000000L);
	return (uint64_t)((double)(__rdtsc() - c0) * 1e9 / (now_ns() - t0));
}

/* --- the guest's side ------------------------------------------------------ */

/* One vCPU's tracepoint, as trace_sched_switch() in the guest fills it and trace_write() hands
 * it to the producer with the TSC; paced by spinning on the TSC, as a busy vCPU would. */
static void *producer_main(void *opaque)
{
	struct ring_slot *slot = opaque;
	struct bench *b = slot->bench;
	struct trace_ev_sched_switch ev = { .prev_state = 1, .prev_prio = 120, .next_prio = 120 };
	double due = (double)__rdtsc();
	uint64_t n = 0;

	memcpy(ev.prev_comm.s, "ping", 4);
	memcpy(ev.next_comm.s, "pong", 4);
	while (!atomic_load_explicit(&b->stop_producers, memory_order_relaxed)) {
		if (b->ticks_per_event) {
			while ((double)__rdtsc() < due)
				;
			due += b->ticks_per_event;
		}
		ev.prev_pid = (uint32_t)n;
		ev.next_pid = (uint32_t)n + 1;
		trace_ring_produce(&slot->ring, TRACE_EVENT_sched_switch, __rdtsc(), &ev,
				   sizeof(ev), NULL, 0);
		n++;
	}
	slot->produced = n;
	return NULL;
}

/* --- vitro's side ------------------------------------------------------------ */

static uint64_t tsc_to_ns(const struct bench *b, uint64_t tsc)
{
	if (tsc <= b->tsc_zero)
		return 0;
	return (uint64_t)((unsigned __int128)(tsc - b->tsc_zero) * 1000000000u / b->tsc_hz);
}

/* What recorder.c does with each record: time in ns, header and padded payload to the spool. */
static void spool_record(void *opaque, uint16_t type, uint64_t tsc, const uint8_t *payload,
			 uint16_t len)
{
	static const uint8_t zeros[8];
	struct ring_slot *slot = opaque;
	struct spool_record rec = { tsc_to_ns(slot->bench, tsc), type, len, slot->index };
	size_t pad = (8 - len % 8) % 8;

	if (fwrite(&rec, sizeof(rec), 1, slot->spool) != 1 ||
	    fwrite(payload, 1, len, slot->spool) != len ||
	    fwrite(zeros, 1, pad, slot->spool) != pad)
		slot->write_error = errno ? errno : EIO;
	else
		slot->spooled++;
}

static uint64_t drain_all(struct bench *b)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < b->nr_rings; i++)
		n += ring_reader_drain(&b->slots[i].reader, spool_record, &b->slots[i]);
	return n;
}

/* vitro's drain thread: poll often while records flow, less when quiet. */
static void *drain_main(void *opaque)
{
	struct bench *b = opaque;

	while (!atomic_load(&b->stop_drain))
		sleep_ns(drain_all(b) ? DRAIN_BUSY_NS : DRAIN_IDLE_NS);
	return NULL;
}

/* --- one step ---------------------------------------------------------------- */

static int bench_setup(struct bench *b, unsigned int max_rings)
{
	unsigned int i;

	b->ring_size = TRACE_RING_HEADER_SIZE + b->data_size;
	/* The same mapping vitro gives its guest. */
	b->region = mmap(NULL, b->ring_size * max_rings, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (b->region == MAP_FAILED)
		return -errno;
	/* Touched once up front: a guest's ring pages stay mapped once written. */
	memset(b->region, 0, b->ring_size * max_rings);
	for (i = 0; i < max_rings; i++) {
		b->slots[i].bench = b;
		b->slots[i].index = i;
		b->slots[i].spool = tmpfile();
		if (!b->slots[i].spool)
			return -errno;
	}
	return 0;
}

/* Fresh rings (head, tail and lost at 0) and empty spools for the next step. */
static int step_reset(struct bench *b)
{
	unsigned int i;

	for (i = 0; i < b->nr_rings; i++) {
		struct ring_slot *s = &b->slots[i];
		uint8_t *ring = (uint8_t *)b->region + i * b->ring_size;

		ring_reader_init(&s->reader, ring, i, b->data_size);
		if (!trace_ring_header_valid(s->reader.header, i, b->ring_size))
			return -EINVAL;
		/* As the guest's trace_init() takes a ring vitro announced. */
		s->ring = (struct trace_ring){ .header = s->reader.header,
					       .data = ring + TRACE_RING_HEADER_SIZE,
					       .mask = b->data_size - 1 };
		rewind(s->spool);
		if (ftruncate(fileno(s->spool), 0))
			return -errno;
		s->spooled = 0;
		s->write_error = 0;
		s->produced = 0;
	}
	return 0;
}

/* Runs nr_rings producers at target_eps events/s in all (0: flat out) for step_ms while the
 * drain thread runs, then stops the producers and drains what is left, as vitro's finish does. */
static int step_run(struct bench *b, unsigned int nr_rings, double target_eps,
		    struct step_result *res)
{
	pthread_t drain;
	double t0, elapsed_ns;
	uint64_t drained_live = 0;
	unsigned int i, started;
	int rc;

	b->nr_rings = nr_rings;
	rc = step_reset(b);
	if (rc)
		return rc;
	memset(res, 0, sizeof(*res));
	res->target_eps = target_eps;
	b->ticks_per_event = target_eps > 0 ? (double)b->tsc_hz * nr_rings / target_eps : 0;
	b->tsc_zero = __rdtsc();
	atomic_store(&b->stop_producers, false);
	atomic_store(&b->stop_drain, false);
	rc = pthread_create(&drain, NULL, drain_main, b);
	if (rc)
		return -rc;
	t0 = now_ns();
	for (started = 0; started < nr_rings; started++) {
		rc = pthread_create(&b->slots[started].producer, NULL, producer_main,
				    &b->slots[started]);
		if (rc)
			break;
	}
	if (!rc) {
		sleep_ns(WARMUP_NS);
		for (i = 0; i < nr_rings; i++)
			res->lost_at_start += ring_reader_lost(&b->slots[i].reader);
		sleep_ns((long)b->step_ms * 1000000L - WARMUP_NS);
	}
	atomic_store(&b->stop_producers, true);
	for (i = 0; i < started; i++)
		pthread_join(b->slots[i].producer, NULL);
	elapsed_ns = now_ns() - t0;
	atomic_store(&b->stop_drain, true);
	pthread_join(drain, NULL);
	if (rc)
		return -rc;
	for (i = 0; i < nr_rings; i++)
		drained_live += b->slots[i].reader.records;
	drain_all(b);
	for (i = 0; i < nr_rings; i++) {
		struct ring_slot *s = &b->slots[i];

		res->produced += s->produced;
		res->lost += ring_reader_lost(&s->reader);
		res->corrupt_bytes += s->reader.corrupt_bytes;
		if (s->write_error || fflush(s->spool))
			res->write_error = s->write_error ? s->write_error : errno;
	}
	res->produced_eps = res->produced * 1e9 / elapsed_ns;
	res->drained_eps = drained_live * 1e9 / elapsed_ns;
	if (b->is_verbose)
		fprintf(stderr,
			"  step: producers=%u target=%.0f produced=%.0f/s drained=%.0f/s lost=%llu (%llu at start)\n",
			nr_rings, target_eps, res->produced_eps, res->drained_eps,
			(unsigned long long)res->lost, (unsigned long long)res->lost_at_start);
	return 0;
}

/* Steady: nothing lost once the drain thread is polling at its busy rate (after the warm-up).
 * From idle: nothing lost at all, the burst included that the ring absorbs while the drain
 * thread still sleeps its idle interval. */
static bool step_is_lossless(const struct step_result *res, bool from_idle)
{
	uint64_t lost = from_idle ? res->lost : res->lost - res->lost_at_start;

	return !lost && !res->corrupt_bytes && !res->write_error;
}

/* --- the search ---------------------------------------------------------------- */

struct search_result {
	double lossless_eps; /* the highest rate with nothing lost */
	double lossy_eps; /* the lowest with a loss; 0 if none was seen */
	bool is_producer_bound;
	unsigned int steps;
};

/* Doubles the paced rate from FIRST_RATE while nothing is lost, then bisects between the last
 * lossless and the first lossy rate. A lossless step whose producers fell short of the target
 * is credited with the rate they reached; before any loss it ends the search: the producers,
 * not the drain, are then the limit. */
static int search_lossless_rate(struct bench *b, unsigned int nr_rings, bool from_idle,
				struct search_result *out)
{
	double good = 0, bad = 0, rate = FIRST_RATE;
	struct step_result res;
	int rc;

	memset(out, 0, sizeof(*out));
	while (out->steps < MAX_STEPS && rate) {
		rc = step_run(b, nr_rings, rate, &res);
		if (rc)
			return rc;
		out->steps++;
		if (!step_is_lossless(&res, from_idle)) {
			bad = rate;
		} else if (res.produced_eps >= REACHED * rate) {
			good = rate > good ? rate : good;
		} else {
			good = res.produced_eps > good ? res.produced_eps : good;
			if (!bad) {
				out->is_producer_bound = true;
				break;
			}
		}
		if (!bad)
			rate = rate * 2 <= MAX_RATE ? rate * 2 : 0;
		else if (!good)
			rate = rate / 2 >= MIN_RATE ? rate / 2 : 0;
		else if (bad - good <= RESOLUTION * good)
			break;
		else
			rate = (good + bad) / 2;
	}
	out->lossless_eps = good;
	out->lossy_eps = bad;
	return 0;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One hiccup of a noisy host (the drain thread kept off its CPU for a few ms) decides a whole
 * search, so the figure is the median of several. */
static int find_lossless_rate(struct bench *b, unsigned int nr_rings, bool from_idle)
{
	double rates[MAX_SEARCHES];
	struct search_result res;
	unsigned int i, steps = 0;
	bool is_producer_bound = false;
	int rc;

	for (i = 0; i < b->nr_searches; i++) {
		rc = search_lossless_rate(b, nr_rings, from_idle, &res);
		if (rc)
			return rc;
		rates[i] = res.lossless_eps;
		steps += res.steps;
		is_producer_bound |= res.is_producer_bound;
	}
	qsort(rates, b->nr_searches, sizeof(rates[0]), compare_double);
	printf("tracebench: mode=%s producers=%u ring_bytes=%llu record_bytes=%zu "
	       "max_lossless_eps=%.0f per_ring_eps=%.0f lowest_eps=%.0f highest_eps=%.0f "
	       "searches=%u producer_bound=%d steps=%u step_ms=%u\n",
	       from_idle ? "from_idle" : "steady", nr_rings, (unsigned long long)b->data_size,
	       (sizeof(struct trace_record) + sizeof(struct trace_ev_sched_switch) + 7) &
		       ~(size_t)7,
	       rates[b->nr_searches / 2], rates[b->nr_searches / 2] / nr_rings, rates[0],
	       rates[b->nr_searches - 1], b->nr_searches, is_producer_bound, steps, b->step_ms);
	return 0;
}

static int run_unpaced(struct bench *b, unsigned int nr_rings)
{
	struct step_result res;
	int rc = step_run(b, nr_rings, 0, &res);

	if (rc)
		return rc;
	printf("tracebench: mode=unpaced producers=%u produced_eps=%.0f drained_eps=%.0f "
	       "lost_pct=%.1f write_error=%d step_ms=%u\n",
	       nr_rings, res.produced_eps, res.drained_eps,
	       res.produced ? 100.0 * res.lost / res.produced : 0.0, res.write_error, b->step_ms);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: trace_drain_bench [-v] [-n SEARCHES] [-p MAX_PRODUCERS] [-s STEP_MS] [-r RING_BYTES]\n"
		"  -n  searches for each lossless rate, the median is reported (default 3, at most %d)\n"
		"  -p  producer threads, 1 up to this (default 2, at most %d)\n"
		"  -s  duration of each step in ms (default 500, at least 100)\n"
		"  -r  ring data bytes per producer, a power of two (default %llu, as vitro's)\n"
		"  -v  print every step to stderr\n",
		MAX_SEARCHES, MAX_PRODUCERS, (unsigned long long)TRACE_DEFAULT_BUFFER_BYTES);
}

int main(int argc, char **argv)
{
	static struct bench b;
	unsigned int max_rings = 2, n;
	int opt, rc;

	b.data_size = TRACE_DEFAULT_BUFFER_BYTES;
	b.step_ms = 500;
	b.nr_searches = 3;
	while ((opt = getopt(argc, argv, "vn:p:s:r:")) != -1) {
		switch (opt) {
		case 'v':
			b.is_verbose = true;
			break;
		case 'n':
			b.nr_searches = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'p':
			max_rings = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 's':
			b.step_ms = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'r':
			b.data_size = strtoull(optarg, NULL, 0);
			break;
		default:
			usage();
			return 2;
		}
	}
	if (!max_rings || max_rings > MAX_PRODUCERS || !b.nr_searches ||
	    b.nr_searches > MAX_SEARCHES || b.step_ms < 2 * WARMUP_NS / 1000000 ||
	    b.data_size < TRACE_RECORD_MAX || (b.data_size & (b.data_size - 1))) {
		usage();
		return 2;
	}
	b.tsc_hz = tsc_measure_hz();
	rc = bench_setup(&b, max_rings);
	if (rc) {
		fprintf(stderr, "trace_drain_bench: cannot set up the rings and spool files: %s\n",
			strerror(-rc));
		return 1;
	}
	printf("tracebench: host_cpus=%ld tsc_mhz=%.0f\n", sysconf(_SC_NPROCESSORS_ONLN),
	       b.tsc_hz / 1e6);
	fflush(stdout);
	for (n = 1; n <= max_rings && !rc; n++) {
		rc = find_lossless_rate(&b, n, false);
		rc = rc ?: find_lossless_rate(&b, n, true);
		rc = rc ?: run_unpaced(&b, n);
		fflush(stdout);
	}
	if (rc) {
		fprintf(stderr, "trace_drain_bench: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}
