/* The memory character devices, with Linux's numbers (major 1) and
 * behaviour: null swallows writes and reads end of file, zero reads zeros,
 * full reads zeros and fails writes with ENOSPC, random and urandom read the
 * kernel's generator (seeded from the CPU, so both never block) and accept
 * writes (mixed into nothing yet, as a plain user's write is in Linux). */
#include <vitro/errno.h>
#include <vitro/fs.h>
#include <vitro/random.h>
#include <vitro/string.h>

#include "mem.h"

static long null_read(struct file *file, void *buf, size_t count, int64_t *pos)
{
	(void)file, (void)buf, (void)count, (void)pos;
	return 0;
}

static long null_write(struct file *file, const void *buf, size_t count, int64_t *pos)
{
	(void)file, (void)buf, (void)pos;
	return (long)count;
}

static long zero_read(struct file *file, void *buf, size_t count, int64_t *pos)
{
	(void)file, (void)pos;
	memset(buf, 0, count);
	return (long)count;
}

static long full_write(struct file *file, const void *buf, size_t count, int64_t *pos)
{
	(void)file, (void)buf, (void)pos;
	return count ? -ENOSPC : 0;
}

static long random_read(struct file *file, void *buf, size_t count, int64_t *pos)
{
	(void)file, (void)pos;
	get_random_bytes(buf, count);
	return (long)count;
}

/* Linux's null_lseek: every seek lands at 0 (null, zero, full). */
static int64_t null_llseek(struct file *file, int64_t offset, int whence)
{
	(void)offset, (void)whence;
	file->f_pos = 0;
	return 0;
}

static const struct file_operations null_fops = { .read = null_read,
						  .write = null_write,
						  .llseek = null_llseek };
static const struct file_operations zero_fops = { .read = zero_read,
						  .write = null_write,
						  .llseek = null_llseek };
static const struct file_operations full_fops = { .read = zero_read,
						  .write = full_write,
						  .llseek = null_llseek };
/* random and urandom seek nowhere, and say so (Linux's noop_llseek). */
static const struct file_operations random_fops = { .read = random_read,
						    .write = null_write,
						    .llseek = noop_llseek };

static const struct mem_device {
	unsigned int minor;
	const struct file_operations *fops;
} mem_devices[] = {
	{ MEM_MINOR_NULL, &null_fops },	     { MEM_MINOR_ZERO, &zero_fops },
	{ MEM_MINOR_FULL, &full_fops },	     { MEM_MINOR_RANDOM, &random_fops },
	{ MEM_MINOR_URANDOM, &random_fops },
};

int mem_devices_register(void)
{
	unsigned int i;
	int rc;

	for (i = 0; i < sizeof(mem_devices) / sizeof(mem_devices[0]); i++) {
		rc = chrdev_register(MKDEV(MEM_MAJOR, mem_devices[i].minor), 1,
				     mem_devices[i].fops);
		if (rc)
			return rc;
	}
	return 0;
}

void mem_devices_unregister(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(mem_devices) / sizeof(mem_devices[0]); i++)
		chrdev_unregister(MKDEV(MEM_MAJOR, mem_devices[i].minor));
}
