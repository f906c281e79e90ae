/* The VFS in the running kernel: the root init got, /dev and its memory
 * devices through the same calls the syscalls will make. */
#include <asm/poll.h>
#include <vitro/errno.h>
#include <vitro/format.h>
#include <vitro/fs.h>
#include <vitro/ktest.h>
#include <vitro/pipe_file.h>
#include <vitro/poll.h>
#include <vitro/shrinker.h>
#include <vitro/string.h>
#include <vitro/task.h>
#include <vitro/time.h>
#include <vitro/tty.h>
#include <vitro/vmalloc.h>

#include "../../guest/kernel/arch/x86/smpboot.h"
#include "../../guest/kernel/kernel/rootfs.h"

KTEST(vfs_dev_memory_devices_work)
{
	uint8_t buf[16], zero[16] = { 0 };
	struct file *file;

	KTEST_EXPECT_EQ(vfs_open(&init_fs, "/dev/urandom", O_RDONLY, 0, &file), 0);
	KTEST_EXPECT_EQ(vfs_read(file, buf, sizeof(buf)), (long)sizeof(buf));
	KTEST_EXPECT(memcmp(buf, zero, sizeof(buf)) != 0);
	vfs_close(file);
	KTEST_EXPECT_EQ(vfs_open(&init_fs, "/dev/full", O_WRONLY, 0, &file), 0);
	KTEST_EXPECT_EQ(vfs_write(file, buf, 1), -ENOSPC);
	vfs_close(file);
}

KTEST(vfs_root_holds_files_written_at_run_time)
{
	static const char text[] = "written by ktest\n";
	char back[sizeof(text)];
	struct file *file;
	struct kstat st;

	KTEST_EXPECT_EQ(vfs_mkdir(&init_fs, "/ktest-dir", 0755), 0);
	KTEST_EXPECT_EQ(vfs_open(&init_fs, "/ktest-dir/f", O_CREAT | O_WRONLY, 0644, &file), 0);
	KTEST_EXPECT_EQ(vfs_write(file, text, sizeof(text)), (long)sizeof(text));
	vfs_close(file);
	KTEST_EXPECT_EQ(vfs_stat(&init_fs, "/ktest-dir/f", &st), 0);
	KTEST_EXPECT_EQ(st.size, (int64_t)sizeof(text));
	KTEST_EXPECT_EQ(vfs_open(&init_fs, "/ktest-dir/f", O_RDONLY, 0, &file), 0);
	KTEST_EXPECT_EQ(vfs_read(file, back, sizeof(back)), (long)sizeof(text));
	KTEST_EXPECT(!memcmp(back, text, sizeof(text)));
	vfs_close(file);
	KTEST_EXPECT_EQ(vfs_unlink(&init_fs, "/ktest-dir/f"), 0);
	KTEST_EXPECT_EQ(vfs_rmdir(&init_fs, "/ktest-dir"), 0);
}

/* Pipes: a writer on CPU 0 and a reader on the last CPU move 96 KiB (more than
 * the 64 KiB a pipe holds, so both sides sleep) in odd-sized pieces; every
 * byte arrives once and in order, then end of file. */
#define PIPE_TEST_WORDS (96 * 1024 / 8)

struct pipe_test {
	struct file *rd, *wr;
	uint64_t *src, *dst;
	long got;
};

static int pipe_test_writer(void *arg)
{
	struct pipe_test *t = arg;
	const uint8_t *p = (const uint8_t *)t->src;
	size_t off = 0, total = PIPE_TEST_WORDS * 8, chunk = 1;

	while (off < total) {
		size_t len = chunk < total - off ? chunk : total - off;
		long n = vfs_write(t->wr, p + off, len);

		if (n <= 0)
			break;
		off += (size_t)n;
		chunk = chunk * 7 % 9973 + 1; /* 1 byte to ~10 KiB, past PIPE_BUF */
	}
	vfs_close(t->wr);
	return 0;
}

static int pipe_test_reader(void *arg)
{
	struct pipe_test *t = arg;
	uint8_t *p = (uint8_t *)t->dst;
	size_t chunk = 3;
	long n;

	while ((n = vfs_read(t->rd, p + t->got, chunk)) > 0) {
		t->got += n;
		chunk = chunk * 5 % 7919 + 1;
		if ((size_t)t->got + chunk > PIPE_TEST_WORDS * 8 + 64)
			chunk = PIPE_TEST_WORDS * 8 + 64 - (size_t)t->got;
	}
	return 0;
}

static struct task *start_on(int (*fn)(void *), void *arg, const char *name, unsigned int cpu)
{
	struct task *t = kthread_create(fn, arg, name);
	struct cpumask mask;

	if (t) {
		cpumask_clear(&mask);
		cpumask_set_cpu(cpu, &mask);
		sched_setaffinity(t, &mask);
		wake_up_new_task(t);
	}
	return t;
}

KTEST(vfs_pipe_moves_bytes_in_order_between_cpus)
{
	struct pipe_test t = { 0 };
	struct task *writer, *reader;
	unsigned int i, wrong = 0;

	t.src = vmalloc(PIPE_TEST_WORDS * 8);
	t.dst = vzalloc(PIPE_TEST_WORDS * 8 + 64);
	KTEST_EXPECT(t.src && t.dst);
	if (!t.src || !t.dst)
		return;
	for (i = 0; i < PIPE_TEST_WORDS; i++)
		t.src[i] = i;
	KTEST_EXPECT_EQ(vfs_pipe(&t.rd, &t.wr, 0), 0);
	reader = start_on(pipe_test_reader, &t, "pipe-rd", smp_cpus_online() - 1);
	writer = start_on(pipe_test_writer, &t, "pipe-wr", 0);
	KTEST_EXPECT(reader && writer);
	kthread_join(writer);
	kthread_join(reader);
	KTEST_EXPECT_EQ(t.got, PIPE_TEST_WORDS * 8);
	for (i = 0; i < PIPE_TEST_WORDS; i++)
		wrong += t.dst[i] != i;
	KTEST_EXPECT_EQ(wrong, 0);
	vfs_close(t.rd);
	vfree(t.src);
	vfree(t.dst);
}

KTEST(vfs_pipe_nonblocking_eagain_eof_and_epipe)
{
	struct vfs_stats before, after;
	struct file *rd, *wr;
	char buf[8];

	KTEST_EXPECT_EQ(vfs_pipe(&rd, &wr, O_NONBLOCK), 0);
	KTEST_EXPECT_EQ(vfs_read(rd, buf, sizeof(buf)), -EAGAIN);
	KTEST_EXPECT_EQ(vfs_write(wr, "abc", 3), 3);
	vfs_close(wr);
	KTEST_EXPECT_EQ(vfs_read(rd, buf, sizeof(buf)), 3);
	KTEST_EXPECT_EQ(vfs_read(rd, buf, sizeof(buf)), 0);
	vfs_close(rd);
	vfs_get_stats(&before); /* pipefs is mounted by now */
	KTEST_EXPECT_EQ(vfs_pipe(&rd, &wr, 0), 0);
	vfs_close(rd);
	KTEST_EXPECT_EQ(vfs_write(wr, "x", 1), -EPIPE);
	vfs_close(wr);
	/* Both ends closed: the files, the inode and its buffer are gone. */
	vfs_get_stats(&after);
	KTEST_EXPECT_EQ(after.nr_files, before.nr_files);
	KTEST_EXPECT_EQ(after.nr_inodes, before.nr_inodes);
	KTEST_EXPECT_EQ(after.nr_dentries, before.nr_dentries);
}

/* The console's termios ioctls through the VFS (kernel pointers; the syscall
 * layer copies user memory around them): a change reads back, is undone. */
KTEST(vfs_console_termios_ioctls)
{
	struct termios saved, t;
	struct winsize ws = { .ws_row = 40, .ws_col = 132 }, got = { 0 };
	struct file *tty;
	int pending = -1;

	KTEST_EXPECT_EQ(vfs_open(&init_fs, "/dev/console", O_RDWR, 0, &tty), 0);
	KTEST_EXPECT_EQ(vfs_ioctl(tty, TCGETS, (unsigned long)&saved), 0);
	KTEST_EXPECT(saved.c_lflag & ICANON);
	t = saved;
	t.c_lflag &= ~(ICANON | ECHO);
	KTEST_EXPECT_EQ(vfs_ioctl(tty, TCSETS, (unsigned long)&t), 0);
	KTEST_EXPECT_EQ(vfs_ioctl(tty, TCGETS, (unsigned long)&t), 0);
	KTEST_EXPECT(!(t.c_lflag & (ICANON | ECHO)));
	KTEST_EXPECT_EQ(vfs_ioctl(tty, TCSETS, (unsigned long)&saved), 0);
	KTEST_EXPECT_EQ(vfs_ioctl(tty, TIOCSWINSZ, (unsigned long)&ws), 0);
	KTEST_EXPECT_EQ(vfs_ioctl(tty, TIOCGWINSZ, (unsigned long)&got), 0);
	KTEST_EXPECT_EQ(got.ws_col, 132);
	KTEST_EXPECT_EQ(vfs_ioctl(tty, FIONREAD, (unsigned long)&pending), 0);
	KTEST_EXPECT(pending >= 0);
	KTEST_EXPECT_EQ(vfs_ioctl(tty, 0x5401ff, 0), -ENOTTY);
	vfs_close(tty);
}

struct delayed_write {
	struct file *wr;
	unsigned int delay_ms;
};

static int write_after_delay(void *arg)
{
	struct delayed_write *d = arg;

	msleep(d->delay_ms);
	vfs_write(d->wr, "!", 1);
	return 0;
}

/* poll on a pipe: a writer on another CPU wakes the poller; an empty pipe
 * times out; a pipe with data is ready without sleeping. */
KTEST(vfs_poll_wakes_on_pipe_data_and_times_out)
{
	struct delayed_write d = { .delay_ms = 20 };
	struct poll_request req = { .events = POLLIN };
	struct file *rd, *wr;
	struct task *writer;
	uint64_t start;

	KTEST_EXPECT_EQ(vfs_pipe(&rd, &wr, 0), 0);
	req.file = rd;
	start = ktime_get_ns();
	KTEST_EXPECT_EQ(vfs_poll_wait(&req, 1, 30 * NSEC_PER_MSEC), 0);
	KTEST_EXPECT(ktime_get_ns() - start >= 30 * NSEC_PER_MSEC);
	d.wr = wr;
	writer = start_on(write_after_delay, &d, "poll-wr", smp_cpus_online() - 1);
	KTEST_EXPECT_EQ(vfs_poll_wait(&req, 1, POLL_WAIT_FOREVER), 1);
	KTEST_EXPECT(req.revents & POLLIN);
	kthread_join(writer);
	KTEST_EXPECT_EQ(vfs_poll_wait(&req, 1, 0), 1);
	vfs_close(wr);
	vfs_close(rd);
}

/* Memory full, the dentry cache holding unused entries: an allocation that
 * may wait gets a page because the cache shrinks. */
KTEST(vfs_dcache_gives_memory_back_under_pressure)
{
	struct vfs_stats before, after;
	void *chain = NULL;
	struct kstat st;
	struct page *page;
	char name[32];
	int order;

	for (int i = 0; i < 400; i++) {
		format_snprintf(name, sizeof(name), "/ktest-missing-%d", i);
		KTEST_EXPECT_EQ(vfs_stat(&init_fs, name, &st), -ENOENT);
	}
	vfs_get_stats(&before);
	KTEST_EXPECT(before.nr_unused >= 400);
	/* Every free page, taken without reclaim, largest blocks first. */
	for (order = MAX_PAGE_ORDER; order >= 0; order--) {
		while ((page = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, order))) {
			void **block = page_address(page);

			block[0] = chain;
			block[1] = (void *)(uintptr_t)order;
			chain = block;
		}
	}
	page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
	KTEST_EXPECT(page != NULL);
	vfs_get_stats(&after);
	KTEST_EXPECT(after.nr_unused < before.nr_unused);
	if (page)
		free_pages_block(page, 0);
	while (chain) {
		void **block = chain;

		chain = block[0];
		free_pages(block, (unsigned int)(uintptr_t)block[1]);
	}
	dcache_shrink(~0ul);
}
