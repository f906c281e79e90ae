/* /proc in the running kernel, through the calls mount(2), open(2),
 * read(2), lseek(2), getdents64(2) and readlink(2) will make: mounted like
 * init mounts it, the system files ps, top and free read, the kernel
 * threads' own entries (this test runs as pid 1, still a kernel thread), and
 * a process built by hand around a real address space, descriptor table and
 * working directory. */
#include <vitro/errno.h>
#include <vitro/format.h>
#include <vitro/fs.h>
#include <vitro/ktest.h>
#include <vitro/mm_user.h>
#include <vitro/process.h>
#include <vitro/signal.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/task.h>
#include <vitro/time.h>

#include "../../guest/kernel/kernel/rootfs.h"

#define TEXT_SIZE (64 * 1024)

static void proc_mount(struct ktest_ctx *ctx)
{
	struct kstat st;
	int err;

	/* Mounted once for every test in the run. */
	if (!vfs_stat(&init_fs, "/proc/self", &st))
		return;
	err = vfs_mkdir(&init_fs, "/proc", 0555);
	KTEST_EXPECT(err == 0 || err == -EEXIST);
	KTEST_EXPECT_EQ(vfs_mount(&init_fs, "proc", "/proc"), 0);
}

/* The whole file in a NUL-terminated buffer the caller frees; NULL on error. */
static char *read_file(const char *path, long *len)
{
	char *text = kmalloc(TEXT_SIZE, GFP_KERNEL);
	struct file *file;
	long n, done = 0;

	*len = -1;
	if (!text)
		return NULL;
	if (vfs_open(&init_fs, path, O_RDONLY, 0, &file)) {
		kfree(text);
		return NULL;
	}
	/* Small reads, so that the text is served in pieces. */
	while ((n = vfs_read(file, text + done,
			     700 < TEXT_SIZE - 1 - done ? 700 : (size_t)(TEXT_SIZE - 1 - done))) >
	       0)
		done += n;
	vfs_close(file);
	if (n < 0) {
		kfree(text);
		return NULL;
	}
	text[done] = '\0';
	*len = done;
	return text;
}

static unsigned long long number_at(const char *s)
{
	unsigned long long value = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	while (*s >= '0' && *s <= '9')
		value = value * 10 + (unsigned long long)(*s++ - '0');
	return value;
}

/* The number after "name" at the start of a line, or ~0. */
static unsigned long long line_value(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *line = text; line && *line;) {
		if (!strncmp(line, name, len))
			return number_at(line + len);
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return ~0ull;
}

/* The line that starts with name, or NULL. */
static const char *strstr_line(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *line = text; line && *line;) {
		if (!strncmp(line, name, len))
			return line;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return NULL;
}

static bool contains(const char *text, const char *needle)
{
	size_t len = strlen(needle);

	for (; text && *text; text++)
		if (!strncmp(text, needle, len))
			return true;
	return false;
}

/* Whether a getdents listing of path has name. */
static bool dir_has(const char *path, const char *name)
{
	uint8_t *dents = kmalloc(4096, GFP_KERNEL);
	struct file *dir;
	bool found = false;
	long n;

	if (!dents || vfs_open(&init_fs, path, O_RDONLY | O_DIRECTORY, 0, &dir)) {
		kfree(dents);
		return false;
	}
	/* A small buffer: the listing comes in several calls. */
	while (!found && (n = vfs_getdents(dir, dents, 256)) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(dents + off);

			if (!strcmp(d->d_name, name))
				found = true;
			off += d->d_reclen;
		}
	}
	vfs_close(dir);
	kfree(dents);
	return found;
}

KTEST(proc_mounts_and_lists_system_files_and_processes)
{
	proc_mount(ctx);
	KTEST_EXPECT(dir_has("/proc", "."));
	KTEST_EXPECT(dir_has("/proc", "meminfo"));
	KTEST_EXPECT(dir_has("/proc", "self"));
	KTEST_EXPECT(dir_has("/proc", "pressure"));
	KTEST_EXPECT(dir_has("/proc", "1")); /* this thread */
	KTEST_EXPECT(!dir_has("/proc", "0")); /* idle tasks are not shown */
	KTEST_EXPECT(dir_has("/proc/1", "status"));
	KTEST_EXPECT(dir_has("/proc/1/task", "1"));
	KTEST_EXPECT(dir_has("/proc/pressure", "memory"));
}

KTEST(proc_meminfo_has_linux_lines_and_rereads_from_offset_zero)
{
	unsigned long long total, free;
	char first[32], again[32];
	struct file *file;
	long len;
	char *text;

	proc_mount(ctx);
	text = read_file("/proc/meminfo", &len);
	KTEST_EXPECT(text != NULL);
	if (!text)
		return;
	total = line_value(text, "MemTotal:");
	free = line_value(text, "MemFree:");
	KTEST_EXPECT(!strncmp(text, "MemTotal:", 9));
	KTEST_EXPECT(total > 1024 && total != ~0ull);
	KTEST_EXPECT(free <= total);
	KTEST_EXPECT(line_value(text, "MemAvailable:") != ~0ull);
	KTEST_EXPECT(line_value(text, "Cached:") != ~0ull);
	KTEST_EXPECT(line_value(text, "SReclaimable:") != ~0ull);
	/* Any offset of the same text; lseek back to 0 reads it afresh. */
	KTEST_EXPECT_EQ(vfs_open(&init_fs, "/proc/meminfo", O_RDONLY, 0, &file), 0);
	KTEST_EXPECT_EQ(kernel_read(file, first, 16, 10), 16);
	KTEST_EXPECT(!memcmp(first, text + 10, 16));
	KTEST_EXPECT_EQ(vfs_read(file, first, 20), 20);
	KTEST_EXPECT_EQ(vfs_lseek(file, 5, SEEK_CUR), 25);
	KTEST_EXPECT_EQ(vfs_read(file, again, 4), 4);
	KTEST_EXPECT(!memcmp(again, text + 25, 4));
	KTEST_EXPECT_EQ(vfs_lseek(file, 0, SEEK_SET), 0);
	KTEST_EXPECT_EQ(vfs_read(file, again, 20), 20);
	KTEST_EXPECT(!memcmp(again, first, 9)); /* "MemTotal:" */
	vfs_close(file);
	kfree(text);
}

KTEST(proc_self_is_the_reader_and_its_stat_has_52_fields)
{
	char link[16];
	unsigned int fields = 0;
	long len;
	char *text;

	proc_mount(ctx);
	/* A kernel thread's process id is its pid: 1, this thread. */
	len = vfs_readlink(&init_fs, "/proc/self", link, sizeof(link));
	KTEST_EXPECT_EQ(len, 1);
	KTEST_EXPECT(len == 1 && link[0] == '1');
	text = read_file("/proc/self/stat", &len);
	KTEST_EXPECT(text != NULL);
	if (!text)
		return;
	KTEST_EXPECT(!strncmp(text, "1 (init) R 0 ", 13));
	for (const char *p = text; *p; p++)
		fields += *p == ' ' || *p == '\n';
	KTEST_EXPECT_EQ(fields, 52);
	kfree(text);
	text = read_file("/proc/1/status", &len);
	KTEST_EXPECT(text && contains(text, "Name:\tinit\n"));
	KTEST_EXPECT(text && contains(text, "State:\tR (running)\nTgid:\t1\n"));
	/* A kernel thread has no address space: no Vm lines, empty cmdline. */
	KTEST_EXPECT(text && !contains(text, "VmRSS"));
	kfree(text);
	text = read_file("/proc/1/cmdline", &len);
	KTEST_EXPECT_EQ(len, 0);
	kfree(text);
	text = read_file("/proc/thread-self/comm", &len);
	KTEST_EXPECT(text && !strcmp(text, "init\n"));
	kfree(text);
}

KTEST(proc_uptime_increases_and_loadavg_has_linux_format)
{
	unsigned long long first, second;
	const char *p;
	long len;
	char *text;

	proc_mount(ctx);
	text = read_file("/proc/uptime", &len);
	KTEST_EXPECT(text != NULL);
	if (!text)
		return;
	/* "SECONDS.HH IDLE.HH\n" */
	p = strchr(text, '.');
	KTEST_EXPECT(p && p[3] == ' ' && text[len - 1] == '\n');
	first = number_at(text) * 100 + (p ? number_at(p + 1) : 0);
	kfree(text);
	msleep(30);
	text = read_file("/proc/uptime", &len);
	p = text ? strchr(text, '.') : NULL;
	second = text ? number_at(text) * 100 + (p ? number_at(p + 1) : 0) : 0;
	KTEST_EXPECT(second >= first + 2);
	kfree(text);

	/* "0.00 0.01 0.00 1/23 45\n": three averages, running/total, last pid. */
	text = read_file("/proc/loadavg", &len);
	KTEST_EXPECT(text != NULL);
	if (!text)
		return;
	p = text;
	for (int i = 0; i < 3; i++) {
		while (*p >= '0' && *p <= '9')
			p++;
		KTEST_EXPECT(p[0] == '.' && p[3] == ' ');
		p += 4;
	}
	KTEST_EXPECT(number_at(p) >= 1); /* this thread runs */
	p = strchr(p, '/');
	KTEST_EXPECT(p && number_at(p + 1) >= 1);
	p = p ? strchr(p, ' ') : NULL;
	KTEST_EXPECT(p && number_at(p) >= 2);
	KTEST_EXPECT(text[len - 1] == '\n');
	kfree(text);
}

KTEST(proc_mounts_lists_the_root_and_proc)
{
	char link[32];
	long len;
	char *text;

	proc_mount(ctx);
	len = vfs_readlink(&init_fs, "/proc/mounts", link, sizeof(link));
	KTEST_EXPECT_EQ(len, 11);
	KTEST_EXPECT(len == 11 && !memcmp(link, "self/mounts", 11));
	text = read_file("/proc/mounts", &len);
	KTEST_EXPECT(text != NULL);
	if (!text)
		return;
	KTEST_EXPECT(!strncmp(text, "tmpfs / tmpfs rw 0 0\n", 21)); /* rootfs is a tmpfs */
	KTEST_EXPECT(contains(text, "\nproc /proc proc rw 0 0\n"));
	KTEST_EXPECT(contains(text, "\ntmpfs /dev tmpfs rw 0 0\n"));
	kfree(text);
	text = read_file("/proc/filesystems", &len);
	KTEST_EXPECT(text && contains(text, "nodev\tproc\n") && contains(text, "nodev\tramfs\n"));
	kfree(text);
}

KTEST(proc_stat_cpuinfo_and_pressure_have_linux_lines)
{
	long len;
	char *text;

	proc_mount(ctx);
	text = read_file("/proc/stat", &len);
	KTEST_EXPECT(text != NULL);
	if (!text)
		return;
	/* top: "cpu" then at least four numbers; then a line per CPU. */
	KTEST_EXPECT(!strncmp(text, "cpu  ", 5));
	KTEST_EXPECT(contains(text, "\ncpu0 "));
	KTEST_EXPECT(line_value(text, "ctxt ") > 0);
	KTEST_EXPECT(line_value(text, "btime ") != ~0ull);
	KTEST_EXPECT(line_value(text, "processes ") >= 1); /* this thread was made */
	KTEST_EXPECT(line_value(text, "procs_running ") >= 1);
	KTEST_EXPECT(line_value(text, "intr ") > 0);
	kfree(text);
	text = read_file("/proc/cpuinfo", &len);
	KTEST_EXPECT(text && !strncmp(text, "processor\t: 0\nvendor_id\t: ", 26));
	KTEST_EXPECT(text && contains(text, "\nflags\t\t: fpu "));
	KTEST_EXPECT(text && contains(text, "\naddress sizes\t: "));
	kfree(text);
	text = read_file("/proc/pressure/cpu", &len);
	KTEST_EXPECT(text && !strncmp(text, "some avg10=", 11));
	/* System-wide CPU "full" is zeros, as Linux prints it. */
	KTEST_EXPECT(text && contains(text, "\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"));
	kfree(text);
	text = read_file("/proc/pressure/io", &len);
	KTEST_EXPECT(text &&
		     !strncmp(text, "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", 47));
	kfree(text);
}

KTEST(proc_second_mount_is_busy_while_a_file_is_open_and_leaves_nothing)
{
	struct vfs_stats before, after;
	struct file *file;
	char byte;
	int err;

	err = vfs_mkdir(&init_fs, "/proc-again", 0555);
	KTEST_EXPECT(err == 0 || err == -EEXIST);
	vfs_get_stats(&before);
	KTEST_EXPECT_EQ(vfs_mount(&init_fs, "proc", "/proc-again"), 0);
	KTEST_EXPECT_EQ(vfs_open(&init_fs, "/proc-again/1/task/1/status", O_RDONLY, 0, &file), 0);
	KTEST_EXPECT_EQ(vfs_umount(&init_fs, "/proc-again"), -EBUSY);
	KTEST_EXPECT_EQ(vfs_read(file, &byte, 1), 1);
	KTEST_EXPECT_EQ(byte, 'N'); /* "Name:" */
	vfs_close(file);
	/* Nothing to write to, nothing to create. */
	KTEST_EXPECT_EQ(vfs_open(&init_fs, "/proc-again/meminfo", O_WRONLY, 0, &file), 0);
	KTEST_EXPECT_EQ(vfs_write(file, "x", 1), -EINVAL);
	vfs_close(file);
	KTEST_EXPECT_EQ(vfs_mkdir(&init_fs, "/proc-again/new", 0755), -EPERM);
	KTEST_EXPECT_EQ(vfs_open(&init_fs, "/proc-again/999999/stat", O_RDONLY, 0, &file), -ENOENT);
	KTEST_EXPECT_EQ(vfs_umount(&init_fs, "/proc-again"), 0);
	vfs_get_stats(&after);
	KTEST_EXPECT_EQ(after.nr_superblocks, before.nr_superblocks);
	KTEST_EXPECT_EQ(after.nr_mounts, before.nr_mounts);
	KTEST_EXPECT_EQ(after.nr_inodes, before.nr_inodes);
	KTEST_EXPECT_EQ(vfs_rmdir(&init_fs, "/proc-again"), 0);
}

/* --- a process built by hand ------------------------------------------------ */

#define FAKE_ARGS "/bin/fake\0--flag\0"
#define FAKE_ENV "HOME=/\0TERM=linux\0"
#define FAKE_HEAP 0x20000000ull
#define FAKE_STACK 0x7fff00000000ull

struct fake_process {
	struct completion done;
	struct task *task;
};

static int fake_process_main(void *arg)
{
	struct fake_process *fp = arg;
	struct task *t = current;
	struct mm_struct *mm;
	struct files_struct *files;
	struct fs_struct *fs;
	unsigned long flags;

	wait_for_completion(&fp->done);
	flags = task_lock(t);
	mm = t->mm;
	files = t->files;
	fs = t->fs;
	t->mm = NULL;
	t->files = NULL;
	t->fs = NULL;
	task_unlock(t, flags);
	mmput(mm);
	files_release(files);
	kfree(files);
	fs_struct_release(fs);
	kfree(fs);
	return 0;
}

/* A kernel thread given what a process has: an address space with a
 * program's areas, argv and environment on its stack, a descriptor table
 * and a working directory. */
static struct task *fake_process_start(struct fake_process *fp)
{
	static const char args[] = FAKE_ARGS, env[] = FAKE_ENV;
	struct mm_struct *mm = mm_alloc();
	struct files_struct *files = kzalloc(sizeof(*files), GFP_KERNEL);
	struct fs_struct *fs = kzalloc(sizeof(*fs), GFP_KERNEL);
	uint64_t sp = FAKE_STACK - 4096;
	struct file *console;
	struct task *t;
	char byte = 1;

	completion_init(&fp->done);
	if (!mm || !files || !fs || files_init(files))
		return NULL;
	mutex_lock(&mm->mmap_lock);
	vm_mmap(mm, FAKE_STACK - 4 * 4096, 4 * 4096, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	mm->start_stack = sp;
	mm->arg_start = sp;
	mm->arg_end = sp + sizeof(args) - 1;
	mm->env_start = mm->arg_end;
	mm->env_end = mm->env_start + sizeof(env) - 1;
	access_vm(mm, mm->arg_start, (void *)args, sizeof(args) - 1, true);
	access_vm(mm, mm->env_start, (void *)env, sizeof(env) - 1, true);
	mm->start_brk = mm->brk = FAKE_HEAP;
	vm_brk(mm, FAKE_HEAP + 2 * 4096);
	access_vm(mm, FAKE_HEAP, &byte, 1, true);
	mutex_unlock(&mm->mmap_lock);
	fs_struct_copy(fs, &init_fs);
	fs->users = 1;
	fs->umask = 022;
	files->count = 1;
	if (!vfs_open(&init_fs, "/dev/console", O_RDWR, 0, &console))
		fd_install(files, console, 0, false);
	t = kthread_create(fake_process_main, fp, "ktest-proc");
	if (!t)
		return NULL;
	t->tgid = t->pid;
	t->group_leader = t;
	list_init(&t->thread_group);
	list_init(&t->thread_node);
	t->mm = mm;
	t->files = files;
	t->fs = fs;
	wake_up_new_task(t);
	return t;
}

KTEST(proc_process_files_show_its_memory_descriptors_and_arguments)
{
	struct fake_process fp;
	struct task *t;
	char path[64], link[64];
	long len;
	char *text;

	proc_mount(ctx);
	t = fake_process_start(&fp);
	KTEST_EXPECT(t != NULL);
	if (!t)
		return;
	format_snprintf(path, sizeof(path), "/proc/%d/cmdline", t->pid);
	text = read_file(path, &len);
	KTEST_EXPECT_EQ(len, (long)sizeof(FAKE_ARGS) - 1);
	KTEST_EXPECT(text && !memcmp(text, FAKE_ARGS, sizeof(FAKE_ARGS) - 1));
	kfree(text);
	format_snprintf(path, sizeof(path), "/proc/%d/environ", t->pid);
	text = read_file(path, &len);
	KTEST_EXPECT_EQ(len, (long)sizeof(FAKE_ENV) - 1);
	KTEST_EXPECT(text && !memcmp(text, FAKE_ENV, sizeof(FAKE_ENV) - 1));
	kfree(text);

	format_snprintf(path, sizeof(path), "/proc/%d/maps", t->pid);
	text = read_file(path, &len);
	KTEST_EXPECT(text && contains(text, "20000000-20002000 rw-p 00000000 00:00 0"));
	KTEST_EXPECT(text && contains(text, "  [heap]\n"));
	KTEST_EXPECT(text && contains(text, "7ffeffffc000-7fff00000000 rw-p 00000000 00:00 0"));
	KTEST_EXPECT(text && contains(text, "  [stack]\n"));
	kfree(text);
	format_snprintf(path, sizeof(path), "/proc/%d/smaps", t->pid);
	text = read_file(path, &len);
	/* The heap: one page touched. */
	KTEST_EXPECT(text && contains(text, "[heap]\nSize:                  8 kB\n"));
	KTEST_EXPECT(text && contains(text, "\nRss:                   4 kB\n"));
	KTEST_EXPECT(text && contains(text, "\nAnonymous:             4 kB\n"));
	kfree(text);

	format_snprintf(path, sizeof(path), "/proc/%d/status", t->pid);
	text = read_file(path, &len);
	KTEST_EXPECT(text && contains(text, "Name:\tktest-proc\nUmask:\t0022\n"));
	KTEST_EXPECT(text && contains(text, "\nVmRSS:\t       8 kB\n"));
	KTEST_EXPECT(text && contains(text, "\nFDSize:\t64\n"));
	kfree(text);
	format_snprintf(path, sizeof(path), "/proc/%d/statm", t->pid);
	text = read_file(path, &len);
	KTEST_EXPECT(text && !strncmp(text, "6 2 0 0 0 6 0\n", 14));
	kfree(text);

	format_snprintf(path, sizeof(path), "/proc/%d/fd/0", t->pid);
	len = vfs_readlink(&init_fs, path, link, sizeof(link));
	KTEST_EXPECT_EQ(len, 12);
	KTEST_EXPECT(len == 12 && !memcmp(link, "/dev/console", 12));
	format_snprintf(path, sizeof(path), "/proc/%d/fd", t->pid);
	KTEST_EXPECT(dir_has(path, "0"));
	KTEST_EXPECT(!dir_has(path, "1"));
	format_snprintf(path, sizeof(path), "/proc/%d/fd/1", t->pid);
	KTEST_EXPECT_EQ(vfs_readlink(&init_fs, path, link, sizeof(link)), -ENOENT);
	format_snprintf(path, sizeof(path), "/proc/%d/cwd", t->pid);
	len = vfs_readlink(&init_fs, path, link, sizeof(link));
	KTEST_EXPECT(len == 1 && link[0] == '/');

	/* It sleeps in wait_for_completion, called from its main function. */
	format_snprintf(path, sizeof(path), "/proc/%d/wchan", t->pid);
	text = read_file(path, &len);
	KTEST_EXPECT(text && !strcmp(text, "fake_process_main"));
	kfree(text);
	format_snprintf(path, sizeof(path), "/proc/%d/stack", t->pid);
	text = read_file(path, &len);
	KTEST_EXPECT(text && !strncmp(text, "[<0>] fake_process_main+0x", 26));
	kfree(text);

	format_snprintf(path, sizeof(path), "/proc/%d/status", t->pid);
	complete(&fp.done);
	kthread_join(t);
	/* Gone, its directory with it, once it has switched out for the last
	 * time (the join returns a little before). */
	for (int i = 0; i < 100 && (text = read_file(path, &len)); i++) {
		kfree(text);
		msleep(1);
	}
	KTEST_EXPECT(read_file(path, &len) == NULL);
}

/* --- load and pressure ------------------------------------------------------ */

static int spin_until_stopped(void *arg)
{
	(void)arg;
	while (!kthread_should_stop())
		cpu_relax();
	return 0;
}

/* Two threads that never sleep on CPU 0 for just over 5 seconds: the load
 * average moves, one waits for the CPU while the other runs (PSI cpu
 * "some"), and CPU 0's time is busy. */
KTEST(proc_busy_threads_raise_load_and_cpu_pressure)
{
	struct task *spinners[2];
	struct cpumask cpu0;
	const char *total, *busy;
	long len;
	char *text;

	proc_mount(ctx);
	cpumask_clear(&cpu0);
	cpumask_set_cpu(0, &cpu0);
	for (int i = 0; i < 2; i++) {
		spinners[i] = kthread_create(spin_until_stopped, NULL, "ktest-spin");
		KTEST_EXPECT(spinners[i] != NULL);
		if (!spinners[i])
			return;
		sched_setaffinity(spinners[i], &cpu0);
		wake_up_new_task(spinners[i]);
	}
	msleep(5200);
	text = read_file("/proc/loadavg", &len);
	KTEST_EXPECT(text && strncmp(text, "0.00 ", 5) != 0);
	kfree(text);
	text = read_file("/proc/pressure/cpu", &len);
	total = text ? strchr(text, 't') : NULL; /* "total=" on the some line */
	KTEST_EXPECT(text && strncmp(text, "some avg10=0.00 ", 16) != 0);
	KTEST_EXPECT(total && number_at(total + 6) > 1000000); /* over a second, in us */
	kfree(text);
	/* CPU 0 was busy (system time: kernel threads) most of the 5 s. */
	text = read_file("/proc/stat", &len);
	busy = text ? strstr_line(text, "cpu0 ") : NULL;
	KTEST_EXPECT(busy != NULL);
	if (busy) {
		for (int field = 0; field < 3; field++)
			busy = strchr(busy + 1, ' ');
		KTEST_EXPECT(busy && number_at(busy) >= 300);
	}
	kfree(text);
	for (int i = 0; i < 2; i++)
		kthread_stop(spinners[i]);
}
