/* In-kernel allocator timings (`bench=mm`), see mm_bench.c. */
#ifndef KERNEL_MM_BENCH_H
#define KERNEL_MM_BENCH_H

void mm_bench_run(void);

#endif
