/* /proc's per-process formats (guest/kernel/fs/proc/task_format.c) from
 * made-up processes: the exact text Linux would print for the same numbers,
 * and the fields busybox ps and top pick out of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vitro/mm.h>
#include <vitro/mm_stats.h>

#include "../../guest/kernel/fs/proc/format.h"
#include "kernel_heap.h"
#include "unit.h"

static char text[8192];

static struct proc_buf buf_reset(void)
{
	memset(text, 0, sizeof(text));
	return (struct proc_buf){ .buf = text, .size = sizeof(text) };
}

/* A shell: pid 42 in session 1, two CPUs allowed, 2.5 s user time and
 * 0.37 s system time, started 1.234 s after boot. */
static struct proc_task_info shell(void)
{
	struct proc_task_info ti = {
		.pid = 42,
		.tgid = 42,
		.ppid = 1,
		.pgrp = 42,
		.session = 1,
		.comm = "sh",
		.state = 'S',
		.tty_nr = 0x501,
		.tty_pgrp = 42,
		.utime_ns = 2500000000ull,
		.stime_ns = 370000000ull,
		.cutime_ns = 10000000ull,
		.priority = 20,
		.nice = 0,
		.nr_threads = 1,
		.start_time_ns = 1234000000ull,
		.has_mm = true,
		.mm = { .total_vm = 300,
			.hiwater_vm = 310,
			.rss_anon = 5,
			.rss_file = 7,
			.hiwater_rss = 20,
			.data_vm = 40,
			.stack_vm = 33,
			.exec_vm = 200,
			.pgtables_bytes = 5 * 4096,
			.start_code = 0x400000,
			.end_code = 0x4a1234,
			.start_data = 0x6a0000,
			.end_data = 0x6a8000,
			.start_brk = 0x6b0000,
			.brk = 0x6d0000,
			.start_stack = 0x7ffd1000,
			.arg_start = 0x7ffd1100,
			.arg_end = 0x7ffd1110,
			.env_start = 0x7ffd1110,
			.env_end = 0x7ffd1200 },
		.rss_limit_bytes = ~0ull,
		.sig_pending = 0,
		.sig_blocked = 1ull << (17 - 1), /* SIGCHLD */
		.sig_ignored = 1ull << (3 - 1) | 1ull << 40,
		.sig_caught = 1ull << (2 - 1) | 1ull << (17 - 1),
		.sig_queue_limit = 7823,
		.is_blocked_in_kernel = true,
		.exit_signal = 17,
		.cpu = 1,
		.umask = 022,
		.fd_slots = 64,
		.nvcsw = 12,
		.nivcsw = 3,
		.nr_cpu_ids = 2,
	};

	ti.cpus_allowed[0] = 3;
	return ti;
}

static void test_proc_stat_line_is_linux_layout(void)
{
	struct proc_task_info ti = shell();
	struct proc_buf m = buf_reset();
	unsigned int nr_fields = 0;

	proc_format_task_stat(&m, &ti);
	EXPECT_FALSE(proc_buf_overflowed(&m));
	EXPECT_STR(text,
		   "42 (sh) S 1 42 1 1281 42 0 0 0 0 0 250 37 1 0 20 0 1 0 123 1228800 12 "
		   "18446744073709551615 4194304 4854324 2147291136 0 0 0 65536 4 65538 1 0 "
		   "0 17 1 0 0 0 0 0 6946816 6979584 7012352 2147291392 2147291408 2147291408 "
		   "2147291648 0\n");
	for (const char *p = text; *p; p++)
		nr_fields += *p == ' ' || *p == '\n';
	EXPECT_EQ(nr_fields, 52);
}

/* What busybox's procps_scan() takes from stat, by the same positions. */
static void test_proc_stat_fields_where_busybox_reads_them(void)
{
	struct proc_task_info ti = shell();
	struct proc_buf m = buf_reset();
	unsigned long utime, stime, start, vsz, rss;
	unsigned int ppid, pgid, sid;
	int tty, cpu, n;
	long nice;
	char state;
	char *rest;

	ti.nice = -5;
	proc_format_task_stat(&m, &ti);
	rest = strrchr(text, ')');
	EXPECT_TRUE(rest && rest[1] == ' ');
	if (!rest)
		return;
	n = sscanf(
		rest + 2,
		"%c %u %u %u %d %*s %*s %*s %*s %*s %*s %lu %lu %*s %*s %*s %ld %*s %*s %lu %lu %lu "
		"%*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %d",
		&state, &ppid, &pgid, &sid, &tty, &utime, &stime, &nice, &start, &vsz, &rss, &cpu);
	EXPECT_EQ(n, 12);
	EXPECT_EQ(state, 'S');
	EXPECT_EQ(ppid, 1);
	EXPECT_EQ(tty >> 8 & 0xfff, 5); /* /dev/console: 5,1 */
	EXPECT_EQ((tty & 0xff) | ((tty >> 12) & 0xfff00), 1);
	EXPECT_EQ(utime, 250);
	EXPECT_EQ(stime, 37);
	EXPECT_EQ(nice, -5);
	EXPECT_EQ(start, 123);
	EXPECT_EQ(vsz >> 10, 1200);
	EXPECT_EQ(rss, 12);
	EXPECT_EQ(cpu, 1);
}

static void test_proc_status_has_linux_lines(void)
{
	struct proc_task_info ti = shell();
	struct proc_buf m = buf_reset();

	strcpy(ti.comm, "a\\b\nc");
	proc_format_task_status(&m, &ti);
	EXPECT_FALSE(proc_buf_overflowed(&m));
	EXPECT_TRUE(!strncmp(
		text, "Name:\ta\\\\b\\nc\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t42\n", 55));
	EXPECT_CONTAINS(text, "\nPid:\t42\nPPid:\t1\nTracerPid:\t0\nUid:\t0\t0\t0\t0\n");
	EXPECT_CONTAINS(text, "\nFDSize:\t64\nGroups:\t \nNStgid:\t42\n");
	EXPECT_CONTAINS(text, "\nVmPeak:\t    1240 kB\nVmSize:\t    1200 kB\n");
	EXPECT_CONTAINS(text,
			"\nVmHWM:\t      80 kB\nVmRSS:\t      48 kB\nRssAnon:\t      20 kB\n"
			"RssFile:\t      28 kB\nRssShmem:\t       0 kB\nVmData:\t     160 kB\n"
			"VmStk:\t     132 kB\n");
	/* Code from 0x400000 to 0x4a1234: 162 pages. */
	EXPECT_CONTAINS(text, "\nVmExe:\t     648 kB\nVmLib:\t     152 kB\nVmPTE:\t      20 kB\n");
	EXPECT_CONTAINS(text, "\nThreads:\t1\nSigQ:\t0/7823\nSigPnd:\t0000000000000000\n");
	EXPECT_CONTAINS(text, "\nSigBlk:\t0000000000010000\nSigIgn:\t0000010000000004\n"
			      "SigCgt:\t0000000000010002\n");
	EXPECT_CONTAINS(text, "\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n");
	EXPECT_CONTAINS(text, "\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t3\n");
}

static void test_proc_status_of_a_kernel_thread_has_no_memory_lines(void)
{
	struct proc_task_info ti = shell();
	struct proc_buf m = buf_reset();

	ti.has_mm = false;
	ti.umask = -1;
	ti.state = 'D';
	proc_format_task_status(&m, &ti);
	EXPECT_TRUE(strstr(text, "VmSize") == NULL);
	EXPECT_TRUE(strstr(text, "Umask") == NULL);
	EXPECT_CONTAINS(text, "State:\tD (disk sleep)\n");
	m = buf_reset();
	proc_format_task_statm(&m, &ti);
	EXPECT_STR(text, "0 0 0 0 0 0 0\n");
}

static void test_proc_statm_counts_pages(void)
{
	struct proc_task_info ti = shell();
	struct proc_buf m = buf_reset();

	proc_format_task_statm(&m, &ti);
	EXPECT_STR(text, "300 12 7 162 0 73 0\n");
}

static void test_proc_maps_pads_names_to_column_73(void)
{
	struct proc_vma_info code = { .start = 0x400000,
				      .end = 0x4a2000,
				      .flags = VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYEXEC,
				      .dev_minor = 2,
				      .ino = 17,
				      .name = "/bin/busybox" };
	struct proc_vma_info anon = { .start = 0x7f0000001000,
				      .end = 0x7f0000003000,
				      .flags = VM_READ | VM_WRITE };
	struct proc_vma_info shared = { .start = 0x10000,
					.end = 0x11000,
					.flags = VM_READ | VM_MAYSHARE | VM_SHARED,
					.offset_bytes = 0x3000,
					.dev_major = 8,
					.dev_minor = 1,
					.ino = 123456,
					.name = "[heap]" };
	struct proc_buf m = buf_reset();

	proc_format_maps_entry(&m, &code);
	proc_format_maps_entry(&m, &anon);
	proc_format_maps_entry(&m, &shared);
	EXPECT_STR(text, "00400000-004a2000 r-xp 00000000 00:02 17                         "
			 "        /bin/busybox\n"
			 "7f0000001000-7f0000003000 rw-p 00000000 00:00 0 \n"
			 "00010000-00011000 r--s 00003000 08:01 123456                     "
			 "        [heap]\n");
	/* Linux's names start after 73 characters. */
	EXPECT_EQ(strchr(text, '/') - text, 73);
}

static void test_proc_smaps_splits_clean_and_dirty(void)
{
	struct proc_vma_info vma = { .start = 0x400000,
				     .end = 0x404000,
				     .flags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE |
					      VM_MAYEXEC,
				     .ino = 9,
				     .name = "/data" };
	/* 3 resident: 2 file pages (1 shared), 1 written (anonymous) and
	 * shared. */
	struct vma_rss rss = { .anon_pages = 1,
			       .file_pages = 2,
			       .shared_pages = 2,
			       .shared_file_pages = 1,
			       .pss_bytes = 8192,
			       .pss_dirty_bytes = 2048 };
	struct proc_buf m = buf_reset();

	proc_format_smaps_entry(&m, &vma, &rss);
	EXPECT_FALSE(proc_buf_overflowed(&m));
	EXPECT_CONTAINS(text, "/data\nSize:                 16 kB\nKernelPageSize:        4 kB\n"
			      "MMUPageSize:           4 kB\nRss:                  12 kB\n"
			      "Pss:                   8 kB\nPss_Dirty:             2 kB\n"
			      "Shared_Clean:          4 kB\nShared_Dirty:          4 kB\n"
			      "Private_Clean:         4 kB\nPrivate_Dirty:         0 kB\n"
			      "Referenced:           12 kB\nAnonymous:             4 kB\n");
	EXPECT_CONTAINS(text, "\nShared_Hugetlb:        0 kB\nPrivate_Hugetlb:       0 kB\n"
			      "Swap:                  0 kB\n");
	EXPECT_CONTAINS(text, "\nTHPeligible:           0\nVmFlags: rd wr mr mw me \n");
}

static void test_proc_bitmaps_print_as_linux_pb_and_pbl(void)
{
	uint64_t bits[2] = { 0xdull | 1ull << 8 | 3ull << 10, 0 };
	uint64_t all40 = (1ull << 40) - 1;
	struct proc_buf m = buf_reset();

	proc_print_bitmap(&m, bits, 12);
	EXPECT_STR(text, "d0d");
	m = buf_reset();
	proc_print_bitmap(&m, &all40, 40);
	EXPECT_STR(text, "ff,ffffffff");
	m = buf_reset();
	proc_print_bitmap_list(&m, bits, 64);
	EXPECT_STR(text, "0,2-3,8,10-11");
}

static void test_proc_buf_reports_the_size_it_needed(void)
{
	char small[8];
	struct proc_buf m = { .buf = small, .size = sizeof(small) };

	proc_printf(&m, "%s", "1234567");
	EXPECT_FALSE(proc_buf_overflowed(&m));
	proc_printf(&m, "%d", 89);
	EXPECT_TRUE(proc_buf_overflowed(&m));
	EXPECT_EQ(m.len, 9);
	proc_write(&m, "abc", 3);
	EXPECT_EQ(m.len, 12);
}

/* busybox free's parse: sscanf("Name: %lu %*s") on each line. */
static bool meminfo_value(const char *meminfo, const char *name, unsigned long *value)
{
	char pattern[64];
	const char *line = meminfo;

	snprintf(pattern, sizeof(pattern), "%s: %%lu %%*s", name);
	for (; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (sscanf(line, pattern, value) == 1)
			return true;
	}
	return false;
}

static void test_proc_meminfo_has_what_free_and_top_read(void)
{
	static const char *const top_fields[] = { "Shmem",     "Buffers", "SwapTotal",
						  "SwapFree",  "Dirty",	  "Writeback",
						  "AnonPages", "Mapped",  "Slab" };
	struct page_alloc_stats stats;
	unsigned long value;
	size_t len;

	kernel_heap_start(1024);
	page_alloc_get_stats(&stats);
	len = mm_format_meminfo(text, sizeof(text));
	EXPECT_TRUE(len > 0 && len < sizeof(text));
	EXPECT_TRUE(!strncmp(text, "MemTotal:        ", 17));
	EXPECT_TRUE(meminfo_value(text, "MemTotal", &value) && value == stats.managed_pages * 4);
	EXPECT_TRUE(meminfo_value(text, "MemFree", &value) && value == stats.free_pages * 4);
	EXPECT_TRUE(meminfo_value(text, "MemAvailable", &value) && value == stats.free_pages * 4);
	EXPECT_TRUE(meminfo_value(text, "Cached", &value) && value == 0);
	EXPECT_TRUE(meminfo_value(text, "SReclaimable", &value));
	for (unsigned int i = 0; i < ARRAY_SIZE(top_fields); i++)
		EXPECT_TRUE(meminfo_value(text, top_fields[i], &value));
	EXPECT_TRUE(meminfo_value(text, "Slab", &value) && value > 0);
	EXPECT_CONTAINS(text, "\nHugePages_Total:       0\n");
	/* Too small a buffer: the length needed, the text cut. */
	EXPECT_EQ(mm_format_meminfo(text, 10), len);
	EXPECT_EQ(strlen(text), 9);
}

static void test_proc_loadavg_rounds_to_the_hundredth(void)
{
	unsigned long one_task_5s[3] = { 164, 34, 11 }, one_and_half[3] = { 3072, 2047, 0 };
	struct proc_buf m = buf_reset();

	proc_format_loadavg(&m, one_task_5s, 1, 45, 120);
	EXPECT_STR(text, "0.08 0.02 0.01 1/45 120\n");
	m = buf_reset();
	/* 2047 + 10 is just over 1.00; 0 stays 0.00. */
	proc_format_loadavg(&m, one_and_half, 3, 7, 9);
	EXPECT_STR(text, "1.50 1.00 0.00 3/7 9\n");
}

static void test_proc_pressure_and_uptime_lines(void)
{
	unsigned long avg[3] = { 18550, 3350, 700 }, zero[3] = { 0, 0, 0 };
	struct proc_buf m = buf_reset();

	proc_format_pressure(&m, false, avg, 1000000);
	proc_format_pressure(&m, true, zero, 0);
	EXPECT_STR(text, "some avg10=9.05 avg60=1.63 avg300=0.34 total=1000000\n"
			 "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
	m = buf_reset();
	proc_format_uptime(&m, 1234567890123ull, 5);
	EXPECT_STR(text, "1234.56 0.00\n");
}

static void test_proc_stat_has_cpu_lines_then_counters(void)
{
	struct sched_cpu_times cpus[2] = {
		{ .user_ns = 1500000000, .system_ns = 250000000, .idle_ns = 9000000000 },
		{ .nice_ns = 30000000, .idle_ns = 10000000000, .iowait_ns = 70000000 },
	};
	unsigned int ids[2] = { 0, 1 };
	uint64_t irqs[2] = { 5, 0 };
	struct proc_stat_info si = { .cpus = cpus,
				     .cpu_ids = ids,
				     .nr_cpus = 2,
				     .nr_interrupts = 1234,
				     .irq_counts = irqs,
				     .nr_irqs = 2,
				     .nr_switches = 777,
				     .boot_time_s = 1700000000,
				     .nr_forks = 50,
				     .nr_running = 2,
				     .nr_blocked = 1 };
	struct proc_buf m = buf_reset();

	si.total = (struct sched_cpu_times){ .user_ns = 1500000000,
					     .nice_ns = 30000000,
					     .system_ns = 250000000,
					     .idle_ns = 19000000000,
					     .iowait_ns = 70000000 };
	proc_format_stat(&m, &si);
	EXPECT_STR(text, "cpu  150 3 25 1900 7 0 0 0 0 0\n"
			 "cpu0 150 0 25 900 0 0 0 0 0 0\n"
			 "cpu1 0 3 0 1000 7 0 0 0 0 0\n"
			 "intr 1234 5 0\nctxt 777\nbtime 1700000000\nprocesses 50\n"
			 "procs_running 2\nprocs_blocked 1\n"
			 "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

static CU_TestInfo proc_format_tests[] = {
	UNIT_TEST(test_proc_stat_line_is_linux_layout),
	UNIT_TEST(test_proc_stat_fields_where_busybox_reads_them),
	UNIT_TEST(test_proc_status_has_linux_lines),
	UNIT_TEST(test_proc_status_of_a_kernel_thread_has_no_memory_lines),
	UNIT_TEST(test_proc_statm_counts_pages),
	UNIT_TEST(test_proc_maps_pads_names_to_column_73),
	UNIT_TEST(test_proc_smaps_splits_clean_and_dirty),
	UNIT_TEST(test_proc_bitmaps_print_as_linux_pb_and_pbl),
	UNIT_TEST(test_proc_buf_reports_the_size_it_needed),
	UNIT_TEST(test_proc_meminfo_has_what_free_and_top_read),
	UNIT_TEST(test_proc_loadavg_rounds_to_the_hundredth),
	UNIT_TEST(test_proc_pressure_and_uptime_lines),
	UNIT_TEST(test_proc_stat_has_cpu_lines_then_counters),
	CU_TEST_INFO_NULL,
};

static void register_proc_format(void)
{
	unit_add_suite("proc_format", proc_format_tests);
}
UNIT_REGISTER(register_proc_format)
