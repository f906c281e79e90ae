/* See vitro/initramfs.h. Hard links: GNU cpio writes every name of a file
 * with the same (dev, ino) and the data with the last one, so the first name
 * creates the inode, later names link to it, and data goes into it whenever
 * it comes. The table of (dev, ino) is per concatenated archive. */
#include <vitro/cpio.h>
#include <vitro/errno.h>
#include <vitro/format.h>
#include <vitro/initramfs.h>
#include <vitro/slab.h>
#include <vitro/string.h>

struct hardlink {
	uint32_t dev_major, dev_minor, ino;
	char *path; /* the first name, which the inode was created under */
};

struct unpack {
	struct fs_struct *fs;
	struct hardlink *links;
	unsigned int nr_links, cap_links, archive_index;
	long count;
	char *reason;
	size_t reason_size;
};

static void forget_links(struct unpack *u)
{
	unsigned int i;

	for (i = 0; i < u->nr_links; i++)
		kfree(u->links[i].path);
	u->nr_links = 0;
}

static struct hardlink *find_link(struct unpack *u, const struct cpio_entry *e)
{
	unsigned int i;

	for (i = 0; i < u->nr_links; i++)
		if (u->links[i].ino == e->ino && u->links[i].dev_major == e->dev_major &&
		    u->links[i].dev_minor == e->dev_minor)
			return &u->links[i];
	return NULL;
}

static int remember_link(struct unpack *u, const struct cpio_entry *e)
{
	struct hardlink *l;

	if (u->nr_links == u->cap_links) {
		unsigned int cap = u->cap_links ? 2 * u->cap_links : 16;
		struct hardlink *grown = krealloc(u->links, cap * sizeof(*grown), GFP_KERNEL);

		if (!grown)
			return -ENOMEM;
		u->links = grown;
		u->cap_links = cap;
	}
	l = &u->links[u->nr_links];
	l->path = kmalloc(e->name_len + 1, GFP_KERNEL);
	if (!l->path)
		return -ENOMEM;
	memcpy(l->path, e->name, e->name_len + 1);
	l->dev_major = e->dev_major;
	l->dev_minor = e->dev_minor;
	l->ino = e->ino;
	u->nr_links++;
	return 0;
}

static int write_all(struct fs_struct *fs, const char *path, unsigned int flags, uint32_t mode,
		     const uint8_t *data, size_t size)
{
	struct file *file;
	int rc = vfs_open(fs, path, flags | O_WRONLY, mode, &file);
	long n;

	if (rc)
		return rc;
	while (size) {
		n = vfs_write(file, data, size);
		if (n <= 0) {
			vfs_close(file);
			return n ? (int)n : -EIO;
		}
		data += n;
		size -= (size_t)n;
	}
	return vfs_close(file);
}

/* Linux replaces whatever non-directory is in the way of a new entry:
 * true if something was (make the entry again). */
static bool clear_path(struct fs_struct *fs, const char *path)
{
	struct kstat st;

	return !vfs_lstat(fs, path, &st) && !S_ISDIR(st.mode) && !vfs_unlink(fs, path);
}

static int unpack_file(struct unpack *u, const struct cpio_entry *e)
{
	uint32_t perm = e->mode & S_IALLUGO;
	struct hardlink *link = e->nlink > 1 ? find_link(u, e) : NULL;
	int rc;

	if (link) {
		if (strcmp(link->path, e->name)) {
			rc = vfs_link(u->fs, link->path, e->name);
			if (rc == -EEXIST && clear_path(u->fs, e->name))
				rc = vfs_link(u->fs, link->path, e->name);
			if (rc)
				return rc;
		}
		return e->data_size ?
			       write_all(u->fs, link->path, O_TRUNC, perm, e->data, e->data_size) :
			       0;
	}
	rc = write_all(u->fs, e->name, O_CREAT | O_EXCL, perm, e->data, e->data_size);
	if (rc == -EEXIST && clear_path(u->fs, e->name))
		rc = write_all(u->fs, e->name, O_CREAT | O_EXCL, perm, e->data, e->data_size);
	if (!rc && e->nlink > 1)
		rc = remember_link(u, e);
	return rc;
}

static int unpack_symlink(struct unpack *u, const struct cpio_entry *e)
{
	char *target = kmalloc(e->data_size + 1, GFP_KERNEL);
	int rc;

	if (!target)
		return -ENOMEM;
	memcpy(target, e->data, e->data_size);
	target[e->data_size] = '\0';
	rc = vfs_symlink(u->fs, target, e->name);
	if (rc == -EEXIST && clear_path(u->fs, e->name))
		rc = vfs_symlink(u->fs, target, e->name);
	kfree(target);
	return rc;
}

static int unpack_entry(const struct cpio_entry *e, void *arg)
{
	struct unpack *u = arg;
	uint32_t type = e->mode & S_IFMT;
	int rc;

	if (e->archive_index != u->archive_index) {
		forget_links(u);
		u->archive_index = e->archive_index;
	}
	if (!strcmp(e->name, "."))
		return 0; /* the root exists already */
	switch (type) {
	case S_IFDIR:
		rc = vfs_mkdir(u->fs, e->name, e->mode & S_IALLUGO);
		if (rc == -EEXIST) {
			struct kstat st;

			rc = vfs_stat(u->fs, e->name, &st) || !S_ISDIR(st.mode) ? -EEXIST : 0;
		}
		break;
	case S_IFREG:
		rc = unpack_file(u, e);
		break;
	case S_IFLNK:
		rc = unpack_symlink(u, e);
		break;
	default: /* character and block devices, fifos, sockets */
		rc = vfs_mknod(u->fs, e->name, e->mode, MKDEV(e->rdev_major, e->rdev_minor));
		if (rc == -EEXIST && clear_path(u->fs, e->name))
			rc = vfs_mknod(u->fs, e->name, e->mode,
				       MKDEV(e->rdev_major, e->rdev_minor));
		break;
	}
	if (rc) {
		format_snprintf(u->reason, u->reason_size, "initramfs: entry %u '%.64s': error %d",
				e->index, e->name, rc);
		return rc;
	}
	u->count++;
	return 0;
}

long initramfs_unpack(struct fs_struct *fs, const void *archive, size_t size, char *reason,
		      size_t reason_size)
{
	struct unpack u = { .fs = fs, .reason = reason, .reason_size = reason_size };
	int rc;

	if (reason_size)
		reason[0] = '\0';
	rc = cpio_for_each_entry(archive, size, unpack_entry, &u, reason, reason_size);
	forget_links(&u);
	kfree(u.links);
	return rc ? rc : u.count;
}
