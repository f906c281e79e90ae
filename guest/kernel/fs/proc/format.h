/* What /proc prints, apart from where it comes from: the text buffer files
 * are generated into, and the per-process formats (stat, status, statm, io,
 * maps, smaps) written from plain snapshots in Linux's exact layouts
 * (fs/proc/array.c, task_mmu.c). No locks, no tasks: builds for the host,
 * where tests feed it made-up processes. */
#ifndef FS_PROC_FORMAT_H
#define FS_PROC_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vitro/compiler.h>
#include <vitro/cpumask.h>
#include <vitro/mm_user.h>
#include <vitro/sched_stats.h>

/* Text written into a fixed buffer; len keeps counting past size, so a
 * generator that ran out of room says how much it needed (seq_file's
 * overflow, without the retry inside). */
struct proc_buf {
	char *buf;
	size_t size;
	size_t len;
};

void proc_printf(struct proc_buf *m, const char *fmt, ...) __printf(2, 3);
void proc_write(struct proc_buf *m, const void *data, size_t len);
/* Whether the text did not fit (a NUL is kept after it). */
bool proc_buf_overflowed(const struct proc_buf *m);
/* Appends text printed by a function that takes a buffer and its size and
 * returns the length it needed (mm_format_meminfo and friends). */
void proc_append(struct proc_buf *m, size_t (*format)(char *buf, size_t len));
/* A CPU mask as Linux's "%*pb" (hex words, high first, comma between 32-bit
 * groups) and "%*pbl" (ranges: 0-3,8) over nr_bits bits. */
void proc_print_bitmap(struct proc_buf *m, const uint64_t *bits, unsigned int nr_bits);
void proc_print_bitmap_list(struct proc_buf *m, const uint64_t *bits, unsigned int nr_bits);

/* Linux's USER_HZ: what /proc counts clock ticks in. */
#define USER_HZ 100
#define PROC_NSEC_PER_TICK (1000000000ull / USER_HZ)

/* An address space's numbers, in pages unless named otherwise. */
struct proc_mm_info {
	uint64_t total_vm, hiwater_vm, locked_vm;
	uint64_t rss_anon, rss_file, rss_shmem, hiwater_rss;
	uint64_t data_vm, stack_vm, exec_vm;
	uint64_t pgtables_bytes;
	uint64_t start_code, end_code, start_data, end_data, start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
};

/* One task (or, for a process's own files, its thread group) as stat,
 * status and statm show it. */
struct proc_task_info {
	int pid, tgid, ppid, pgrp, session;
	char comm[16];
	char state; /* R S D T t X Z */
	unsigned int tty_nr; /* Linux's new_encode_dev(), 0 for none */
	int tty_pgrp; /* foreground group of its terminal, -1 for none */
	unsigned int flags; /* PF_* */
	uint64_t min_flt, cmin_flt, maj_flt, cmaj_flt;
	uint64_t utime_ns, stime_ns, cutime_ns, cstime_ns;
	int priority, nice;
	unsigned int rt_priority, policy;
	int nr_threads;
	uint64_t start_time_ns; /* since boot */
	bool has_mm;
	struct proc_mm_info mm;
	uint64_t rss_limit_bytes;
	uint64_t sig_pending, sig_shared_pending, sig_blocked, sig_ignored, sig_caught;
	unsigned int sig_queued;
	uint64_t sig_queue_limit;
	bool is_blocked_in_kernel; /* asleep in the kernel: wchan non-zero */
	int exit_signal;
	unsigned int cpu;
	int exit_code;
	uint32_t uid[4], gid[4]; /* real, effective, saved, file system */
	int umask; /* -1: no fs_struct */
	unsigned int fd_slots;
	uint64_t nvcsw, nivcsw;
	uint64_t cpus_allowed[CPUMASK_WORDS];
	unsigned int nr_cpu_ids;
};

/* The state's name for status ("S (sleeping)"). */
const char *proc_task_state_name(char state);

void proc_format_task_stat(struct proc_buf *m, const struct proc_task_info *ti);
void proc_format_task_status(struct proc_buf *m, const struct proc_task_info *ti);
void proc_format_task_statm(struct proc_buf *m, const struct proc_task_info *ti);

struct proc_task_io {
	uint64_t rchar, wchar, syscr, syscw;
};
void proc_format_task_io(struct proc_buf *m, const struct proc_task_io *io);

/* One mapping as maps and smaps head it. */
struct proc_vma_info {
	uint64_t start, end;
	uint64_t flags; /* VM_* */
	uint64_t offset_bytes; /* into the file; 0 for anonymous memory */
	unsigned int dev_major, dev_minor;
	uint64_t ino;
	const char *name; /* a path, "[heap]", "[stack]", ... or NULL */
};

void proc_format_maps_entry(struct proc_buf *m, const struct proc_vma_info *vma);
/* The header line, then Size, Rss, Pss ... VmFlags from the resident pages. */
void proc_format_smaps_entry(struct proc_buf *m, const struct proc_vma_info *vma,
			     const struct vma_rss *rss);

/* --- the system files (system_format.c) --------------------------------------- */

/* /proc/stat's numbers. */
struct proc_stat_info {
	struct sched_cpu_times total;
	const struct sched_cpu_times *cpus; /* per online CPU, in order */
	const unsigned int *cpu_ids; /* their numbers */
	unsigned int nr_cpus;
	uint64_t nr_interrupts;
	const uint64_t *irq_counts; /* per interrupt line */
	unsigned int nr_irqs;
	uint64_t nr_switches, boot_time_s, nr_forks;
	unsigned int nr_running, nr_blocked;
};

void proc_format_stat(struct proc_buf *m, const struct proc_stat_info *si);
/* "up.hh idle.hh" */
void proc_format_uptime(struct proc_buf *m, uint64_t up_ns, uint64_t idle_ns);
/* avenrun in FSHIFT fixed point; "0.08 0.03 0.01 1/45 120" */
void proc_format_loadavg(struct proc_buf *m, const unsigned long avenrun[3],
			 unsigned int nr_running, unsigned int nr_threads, int last_pid);
/* One /proc/pressure line; avg in fixed-point percent, total in us. */
void proc_format_pressure(struct proc_buf *m, bool is_full, const unsigned long avg[3],
			  uint64_t total_us);

#endif
