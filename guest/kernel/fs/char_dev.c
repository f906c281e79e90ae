/* Character device numbers to drivers: opening a device node looks its
 * number up here and hands the file to the driver's file operations (what
 * Linux's cdev map does, as a short list). Block devices, FIFOs and sockets
 * have no such table yet: opening them gives ENXIO. */
#include <vitro/errno.h>
#include <vitro/slab.h>

#include "internal.h"

struct chrdev_region {
	vfs_dev_t first;
	unsigned int count;
	const struct file_operations *fops;
	struct list_head list;
};

static LIST_HEAD_DECLARE(chrdev_regions);

static struct chrdev_region *chrdev_find(vfs_dev_t first, unsigned int count)
{
	struct chrdev_region *region;

	list_for_each_entry(region, &chrdev_regions, list) {
		if (first < region->first + region->count && region->first < first + count)
			return region;
	}
	return NULL;
}

int chrdev_register(vfs_dev_t first, unsigned int count, const struct file_operations *fops)
{
	struct chrdev_region *region;
	int err = 0;

	if (count == 0 || MINOR(first) + (uint64_t)count > (1u << 20))
		return -EINVAL;
	region = kmalloc(sizeof(*region), GFP_KERNEL);
	if (!region)
		return -ENOMEM;
	*region = (struct chrdev_region){ .first = first, .count = count, .fops = fops };
	spin_lock(&vfs_lock);
	if (chrdev_find(first, count))
		err = -EBUSY;
	else
		list_add_tail(&region->list, &chrdev_regions);
	spin_unlock(&vfs_lock);
	if (err)
		kfree(region);
	return err;
}

void chrdev_unregister(vfs_dev_t first)
{
	struct chrdev_region *region;

	spin_lock(&vfs_lock);
	region = chrdev_find(first, 1);
	if (region && region->first == first)
		list_del(&region->list);
	else
		region = NULL;
	spin_unlock(&vfs_lock);
	kfree(region);
}

/* Open files keep the driver's operations: a driver unregisters only once
 * its files are closed. */
static int chrdev_open(struct inode *inode, struct file *file)
{
	const struct file_operations *fops = NULL;
	struct chrdev_region *region;

	spin_lock(&vfs_lock);
	region = chrdev_find(inode->i_rdev, 1);
	if (region)
		fops = region->fops;
	spin_unlock(&vfs_lock);
	if (!fops)
		return -ENXIO;
	file->f_op = fops;
	return fops->open ? fops->open(inode, file) : 0;
}

const struct file_operations chrdev_fops = { .open = chrdev_open };

void init_special_inode(struct inode *inode, uint32_t mode, vfs_dev_t rdev)
{
	inode->i_mode = mode;
	inode->i_rdev = rdev;
	inode->i_fop = S_ISCHR(mode) ? &chrdev_fops : S_ISFIFO(mode) ? &fifo_fops : NULL;
}
