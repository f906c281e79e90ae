/* sched_bench: the scheduler's policy (guest/kernel/sched, the same files, -O2) built for the host,
 * in ns per operation with 10, 1,000 and 100,000 runnable SCHED_NORMAL tasks of mixed nice, EEVDF
 * and CFS side by side (part of `make bench`, alone with `make bench-sched`). enqueue and dequeue
 * grow with log n (tree depth, then cache misses); pick is schedule()'s policy part; tick is O(1).
 * Usage: sched_bench [-q]   (-q: fewer iterations, for a smoke run) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vitro/sched.h>

#define NR_RUNS 3
#define MAX_BATCH 256

static const unsigned int sizes[] = { 10, 1000, 100000 };
static const char *const size_labels[] = { "10 tasks", "1,000 tasks", "100,000 tasks" };
static uint64_t nr_ops = 1000000;
static uint64_t rng_state = 0x853c49e6748fea9bull;

static uint64_t rng_next(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return rng_state >> 17;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* What an empty timed interval measures: taken off each timed batch (10 tasks: batches of 5). */
static double timer_overhead_ns;

static void calibrate_timer(void)
{
	double total = 0;
	unsigned int i;

	for (i = 0; i < 100000; i++) {
		double t0 = now_ns();

		total += now_ns() - t0;
	}
	timer_overhead_ns = total / 100000;
}

struct bench {
	struct rq rq;
	struct sched_task idle;
	struct sched_task *tasks;
	unsigned int nr_tasks;
	unsigned int *order; /* a shuffled order of the tasks, walked batch by batch */
	unsigned int cursor;
};

/* Runs the simulated CPU: the clock moves 0.1-4 ms, the tick runs, schedule() if asked. */
static void run_steps(struct bench *b, uint64_t steps)
{
	uint64_t i;

	for (i = 0; i < steps; i++) {
		sched_rq_clock_update(&b->rq, b->rq.clock_ns + 100000 + rng_next() % 3900000);
		if (sched_tick(&b->rq))
			sched_pick_next(&b->rq);
	}
}

static int bench_start(struct bench *b, enum sched_fair_mode mode, unsigned int nr_tasks)
{
	struct sched_params params;
	unsigned int i;

	memset(b, 0, sizeof(*b));
	b->tasks = calloc(nr_tasks, sizeof(*b->tasks));
	b->order = calloc(nr_tasks, sizeof(*b->order));
	if (!b->tasks || !b->order) {
		perror("sched_bench: calloc");
		return -1;
	}
	b->nr_tasks = nr_tasks;
	sched_params_default(&params);
	params.fair_mode = mode;
	sched_task_init(&b->idle);
	sched_rq_init(&b->rq, 0, &params, &b->idle);
	for (i = 0; i < nr_tasks; i++) {
		struct sched_task *p = &b->tasks[i];

		sched_task_init(p);
		sched_task_set_nice(&b->rq, p, (int)(rng_next() % 21) - 10);
		sched_wakeup_new(&b->rq, p);
		b->order[i] = i;
	}
	for (i = nr_tasks - 1; i > 0; i--) {
		unsigned int j = rng_next() % (i + 1), t = b->order[i];

		b->order[i] = b->order[j];
		b->order[j] = t;
	}
	sched_pick_next(&b->rq);
	/* Spread the vruntimes and deadlines: everyone has run and waited. */
	run_steps(b, 2ull * nr_tasks + 1000);
	return 0;
}

static void bench_stop(struct bench *b)
{
	free(b->tasks);
	free(b->order);
}

/* The next nr queued tasks in the shuffled order, never the running one. */
static unsigned int next_batch(struct bench *b, struct sched_task **batch, unsigned int nr)
{
	unsigned int n = 0;

	while (n < nr) {
		struct sched_task *p = &b->tasks[b->order[b->cursor]];

		b->cursor = (b->cursor + 1) % b->nr_tasks;
		if (p != b->rq.curr)
			batch[n++] = p;
	}
	return n;
}

struct result {
	double enqueue, dequeue, pick, tick;
};

/* Dequeues (sleep) and enqueues (wake-up) batches of random tasks, timing each half; between
 * batches the CPU runs on, so sleepers come back with lag. */
static void time_enqueue_dequeue(struct bench *b, struct result *r)
{
	static struct sched_task *batch[MAX_BATCH];
	unsigned int size = b->nr_tasks / 2 < MAX_BATCH ? b->nr_tasks / 2 : MAX_BATCH, i;
	uint64_t rounds = nr_ops / size, round;
	double enqueue_ns = 0, dequeue_ns = 0;

	for (round = 0; round < rounds; round++) {
		double t0, t1, t2;

		next_batch(b, batch, size);
		t0 = now_ns();
		for (i = 0; i < size; i++)
			sched_dequeue(&b->rq, batch[i], SCHED_DEQUEUE_SLEEP);
		t1 = now_ns();
		for (i = 0; i < size; i++)
			sched_enqueue(&b->rq, batch[i], SCHED_ENQUEUE_WAKEUP);
		t2 = now_ns();
		dequeue_ns += t1 - t0 - timer_overhead_ns;
		enqueue_ns += t2 - t1 - timer_overhead_ns;
		run_steps(b, 1);
	}
	r->dequeue = dequeue_ns / (rounds * size);
	r->enqueue = enqueue_ns / (rounds * size);
}

/* schedule()'s policy part: charge and put back the running task, pick and set the next. */
static double time_pick(struct bench *b)
{
	double start = now_ns();
	uint64_t i;

	for (i = 0; i < nr_ops; i++) {
		b->rq.clock_ns += 50000;
		sched_pick_next(&b->rq);
	}
	return (now_ns() - start) / nr_ops;
}

/* The periodic tick alone: clock update, charge, the class's preemption check. */
static double time_tick(struct bench *b)
{
	double start = now_ns();
	uint64_t i;

	for (i = 0; i < nr_ops; i++) {
		sched_rq_clock_update(&b->rq, b->rq.clock_ns + 50000);
		sched_tick(&b->rq);
		b->rq.need_resched = false;
	}
	return (now_ns() - start) / nr_ops;
}

static double min_of(double a, double b)
{
	return a < b ? a : b;
}

static int measure(enum sched_fair_mode mode, unsigned int nr_tasks, struct result *best)
{
	struct bench b;
	unsigned int run;

	if (bench_start(&b, mode, nr_tasks))
		return -1;
	for (run = 0; run < NR_RUNS; run++) {
		struct result r;

		time_enqueue_dequeue(&b, &r);
		r.pick = time_pick(&b);
		r.tick = time_tick(&b);
		/* The tick loop let curr run far ahead: bring the queue back to normal. */
		sched_pick_next(&b.rq);
		run_steps(&b, 1000);
		if (!run) {
			*best = r;
			continue;
		}
		best->enqueue = min_of(best->enqueue, r.enqueue);
		best->dequeue = min_of(best->dequeue, r.dequeue);
		best->pick = min_of(best->pick, r.pick);
		best->tick = min_of(best->tick, r.tick);
	}
	if (sched_rq_nr_running(&b.rq) != nr_tasks) {
		fprintf(stderr, "sched_bench: %u tasks queued at the end, expected %u\n",
			sched_rq_nr_running(&b.rq), nr_tasks);
		bench_stop(&b);
		return -1;
	}
	bench_stop(&b);
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const rows[] = { "enqueue (wake-up, placement)", "dequeue (sleep, lag)",
					    "pick (put_prev + pick_next)", "tick" };
	struct result results[3][2];
	unsigned int s, m, row;

	if (argc > 1 && !strcmp(argv[1], "-q"))
		nr_ops /= 20;
	calibrate_timer();
	for (s = 0; s < 3; s++) {
		for (m = 0; m < 2; m++) {
			if (measure(m ? SCHED_FAIR_CFS : SCHED_FAIR_EEVDF, sizes[s],
				    &results[s][m]))
				return 1;
		}
	}
	printf("\nScheduler policy built for the host (guest/kernel/sched + lib/rbtree.c, -O2):\n"
	       "ns per operation on one run queue of runnable SCHED_NORMAL tasks (nice -10..10),\n"
	       "best of %d runs of %llu operations (enqueue/dequeue timed in batches of up to %d,\n"
	       "less %.1f ns of timer per batch); EEVDF is Linux 6.6+'s, CFS the one before\n\n",
	       NR_RUNS, (unsigned long long)nr_ops, MAX_BATCH, timer_overhead_ns);
	printf("%-30s", "");
	for (s = 0; s < 3; s++)
		printf(" %17s ", size_labels[s]);
	printf("\n%-30s", "");
	for (s = 0; s < 3; s++)
		printf(" %8s %8s ", "EEVDF", "CFS");
	printf("\n");
	for (row = 0; row < 4; row++) {
		printf("%-30s", rows[row]);
		for (s = 0; s < 3; s++) {
			for (m = 0; m < 2; m++) {
				const struct result *r = &results[s][m];
				double v = row == 0 ? r->enqueue :
					   row == 1 ? r->dequeue :
					   row == 2 ? r->pick :
						      r->tick;

				printf(" %8.1f", v);
			}
			printf(" ");
		}
		printf("\n");
	}
	return 0;
}
