/* `bench=sched`: scheduler timings inside the running kernel (sched_bench.c). */
#ifndef KERNEL_SCHED_BENCH_H
#define KERNEL_SCHED_BENCH_H

void sched_bench_run(void);

#endif
