/* /proc's formats read by a peer: Debian's busybox ps, top and free, run on
 * the host over a /proc tree written by the kernel's own formatters
 * (guest/kernel/fs/proc/task_format.c, system_format.c, mm/stats.c) and
 * bind-mounted over /proc in a private mount namespace (unshare -m). Skipped
 * where busybox is missing or the host does not allow the mount. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vitro/mm.h>
#include <vitro/mm_stats.h>

#include "../../guest/kernel/fs/proc/format.h"
#include "kernel_heap.h"
#include "unit.h"

#define SEC 1000000000ull

static char root[64];
static char text[16384];

static void put(const char *rel, const char *data, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	if (!f || fwrite(data, 1, len, f) != len)
		UNIT_FAIL("cannot write %s", path);
	if (f)
		fclose(f);
}

static void put_buf(const char *rel, const struct proc_buf *m)
{
	put(rel, m->buf, m->len);
}

static struct proc_buf fresh(void)
{
	return (struct proc_buf){ .buf = text, .size = sizeof(text) };
}

/* A process as the kernel would describe it, in root/<pid>/. */
static void put_process(int pid, int ppid, const char *comm, const char *cmdline,
			size_t cmdline_len, char state, uint64_t cpu_ns, uint64_t vm_pages,
			uint64_t rss_pages)
{
	struct proc_task_info ti = {
		.pid = pid,
		.tgid = pid,
		.ppid = ppid,
		.pgrp = pid,
		.session = 1,
		.state = state,
		.tty_pgrp = -1,
		.utime_ns = cpu_ns,
		.priority = 20,
		.nr_threads = 1,
		.start_time_ns = SEC,
		.has_mm = true,
		.mm = { .total_vm = vm_pages, .rss_anon = rss_pages },
		.rss_limit_bytes = ~0ull,
		.exit_signal = 17,
		.umask = 022,
		.fd_slots = 64,
		.nr_cpu_ids = 1,
	};
	char dir[128];
	struct proc_buf m;

	snprintf(ti.comm, sizeof(ti.comm), "%s", comm);
	ti.cpus_allowed[0] = 1;
	snprintf(dir, sizeof(dir), "%s/%d", root, pid);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%d/stat", pid);
	m = fresh();
	proc_format_task_stat(&m, &ti);
	put_buf(dir, &m);
	snprintf(dir, sizeof(dir), "%d/status", pid);
	m = fresh();
	proc_format_task_status(&m, &ti);
	put_buf(dir, &m);
	snprintf(dir, sizeof(dir), "%d/cmdline", pid);
	put(dir, cmdline, cmdline_len);
}

static void put_system(void)
{
	struct sched_cpu_times cpu = { .user_ns = 3 * SEC, .system_ns = SEC, .idle_ns = 96 * SEC };
	unsigned int id = 0;
	struct proc_stat_info si = { .total = cpu,
				     .cpus = &cpu,
				     .cpu_ids = &id,
				     .nr_cpus = 1,
				     .nr_switches = 1000,
				     .boot_time_s = 1700000000,
				     .nr_forks = 50,
				     .nr_running = 1 };
	unsigned long avenrun[3] = { 164, 34, 11 };
	struct proc_buf m = fresh();

	proc_format_stat(&m, &si);
	put_buf("stat", &m);
	m = fresh();
	proc_format_loadavg(&m, avenrun, 1, 2, 42);
	put_buf("loadavg", &m);
	m = fresh();
	proc_format_uptime(&m, 100 * SEC, 96 * SEC);
	put_buf("uptime", &m);
	kernel_heap_start(1024);
	m = fresh();
	proc_append(&m, mm_format_meminfo);
	put_buf("meminfo", &m);
}

/* Runs command (a shell command line) with root bind-mounted over /proc in
 * a private mount namespace; its output in out. Returns its exit status, or
 * -1 if it could not be started. */
static int run_over_proc(const char *command, char *out, size_t size)
{
	char line[512];
	size_t used = 0;
	FILE *p;

	snprintf(line, sizeof(line),
		 "unshare -m --propagation private sh -c 'mount --bind %s /proc && %s' 2>&1", root,
		 command);
	p = popen(line, "r");
	if (!p)
		return -1;
	while (used + 1 < size && fgets(out + used, (int)(size - used), p))
		used += strlen(out + used);
	out[used] = '\0';
	return pclose(p);
}

/* A busybox applet over the tree; false if it failed (a test failure). */
static bool run_busybox(const char *applet, char *out, size_t size)
{
	char command[128];
	int status;

	snprintf(command, sizeof(command), "exec busybox %s", applet);
	status = run_over_proc(command, out, size);
	if (status != 0)
		UNIT_FAIL("busybox %s: exit status %d: %s", applet, status, out);
	return status == 0;
}

static void tear_down(void);

static bool set_up(void)
{
	static const char init_cmdline[] = "/sbin/init";
	static const char sh_cmdline[] = "sh\0-c\0sleep 1000\0";

	if (system("command -v busybox >/dev/null 2>&1 && command -v unshare >/dev/null 2>&1")) {
		unit_skip("no busybox or unshare on this host (apt-get install busybox-static "
			  "util-linux)");
		return false;
	}
	snprintf(root, sizeof(root), "/tmp/vitro-proc-XXXXXX");
	if (!mkdtemp(root)) {
		UNIT_FAIL("mkdtemp: %s", strerror(errno));
		return false;
	}
	if (run_over_proc("true", text, sizeof(text)) != 0) {
		unit_skip("cannot bind-mount over /proc in a private mount namespace here (%s); "
			  "unshare -m needs CAP_SYS_ADMIN",
			  text);
		tear_down();
		return false;
	}
	put_system();
	put_process(1, 0, "init", init_cmdline, sizeof(init_cmdline), 'S', 20000000, 300, 100);
	put_process(42, 1, "sh", sh_cmdline, sizeof(sh_cmdline) - 1, 'R', 2870000000ull, 1200, 12);
	return true;
}

static void tear_down(void)
{
	char command[128];

	snprintf(command, sizeof(command), "rm -rf %s", root);
	if (system(command))
		UNIT_FAIL("%s failed", command);
}

static void test_busybox_ps_reads_stat_and_cmdline(void)
{
	static char out[8192];

	if (!set_up())
		return;
	if (run_busybox("ps", out, sizeof(out))) {
		/* PID USER COMMAND, the arguments from cmdline. */
		EXPECT_CONTAINS(out, "   42 root     sh -c sleep 1000\n");
		EXPECT_CONTAINS(out, "    1 root     /sbin/init\n");
	}
	if (run_busybox("ps -o pid,ppid,pgid,nice,stat,vsz,rss,tty,comm", out, sizeof(out))) {
		/* vsz 1200 pages is 4800 KiB, rss 12 pages 48 KiB; no terminal. */
		EXPECT_CONTAINS(out, "\n   42     1    42     0 R    4800   48 ?      sh\n");
		EXPECT_CONTAINS(out, "\n    1     0     1     0 S    1200  400 ?      init\n");
	}
	tear_down();
}

static void test_busybox_top_reads_meminfo_stat_and_loadavg(void)
{
	static char out[8192];

	if (!set_up())
		return;
	if (run_busybox("top -bn1", out, sizeof(out))) {
		EXPECT_CONTAINS(out, "Load average: 0.08 0.02 0.01 1/2 42\n");
		EXPECT_TRUE(!strncmp(out, "Mem: ", 5));
		EXPECT_CONTAINS(out, "K used, ");
		EXPECT_CONTAINS(out, "CPU:");
		EXPECT_CONTAINS(out, "sh -c sleep 1000");
		EXPECT_CONTAINS(out, "/sbin/init");
	}
	tear_down();
}

static void test_busybox_free_takes_available_from_meminfo(void)
{
	static char out[4096];
	struct page_alloc_stats stats;
	unsigned long long total, used, free, shared, cache, available = 0;
	char *mem;

	if (!set_up())
		return;
	page_alloc_get_stats(&stats);
	if (run_busybox("free", out, sizeof(out))) {
		/* The other columns come from the host's sysinfo(2). */
		mem = strstr(out, "Mem:");
		EXPECT_TRUE(mem && sscanf(mem, "Mem: %llu %llu %llu %llu %llu %llu", &total, &used,
					  &free, &shared, &cache, &available) == 6);
		EXPECT_EQ(available, stats.free_pages * 4);
		/* Without MemAvailable busybox would print a -/+ buffers line. */
		EXPECT_TRUE(strstr(out, "buffers/cache") == NULL);
	}
	tear_down();
}

static CU_TestInfo proc_busybox_tests[] = {
	UNIT_TEST(test_busybox_ps_reads_stat_and_cmdline),
	UNIT_TEST(test_busybox_top_reads_meminfo_stat_and_loadavg),
	UNIT_TEST(test_busybox_free_takes_available_from_meminfo),
	CU_TEST_INFO_NULL,
};

static void register_proc_busybox(void)
{
	unit_add_suite("proc_busybox", proc_busybox_tests);
}
UNIT_REGISTER(register_proc_busybox)
