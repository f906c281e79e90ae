/* See vitro/pipe_file.h. The buffer rules are pipe_buffer.c's; this adds the
 * waiting: a reader sleeps while the pipe is empty and has writers, a writer
 * while what it must write atomically does not fit, each side waking the
 * other after progress. Kernel only (it sleeps); the buffer is host-tested. */
#include <asm/ioctls.h>
#include <linux/magic.h>
#include <vitro/errno.h>
#include <vitro/pipe.h>
#include <vitro/pipe_file.h>
#include <vitro/signal.h>
#include <vitro/poll.h>
#include <vitro/slab.h>
#include <vitro/task.h>
#include <vitro/wait.h>

#include "internal.h"

struct pipe_inode_info {
	struct spinlock lock;
	struct pipe_buffer buf;
	struct wait_queue_head rd_wait, wr_wait;
};

static struct vfsmount *pipe_mnt;

static struct pipe_inode_info *pipe_of(struct file *file)
{
	return file->f_inode->i_private;
}

/* Sleeps on wq once, the pipe lock dropped while asleep; -ERESTARTSYS if a
 * signal is pending (the call gives up, or restarts, as on Linux). */
static int pipe_wait(struct pipe_inode_info *pipe, struct wait_queue_head *wq)
{
	struct wait_queue_entry wait;

	if (signal_pending(current))
		return -ERESTARTSYS;
	wait_queue_entry_init(&wait);
	prepare_to_wait(wq, &wait, TASK_INTERRUPTIBLE);
	spin_unlock(&pipe->lock);
	schedule();
	finish_wait(wq, &wait);
	spin_lock(&pipe->lock);
	return 0;
}

static long pipe_read(struct file *file, void *buf, size_t count, int64_t *pos)
{
	struct pipe_inode_info *pipe = pipe_of(file);
	long n;
	int err;

	(void)pos;
	spin_lock(&pipe->lock);
	while ((n = pipe_buffer_read(&pipe->buf, buf, count)) == -EAGAIN &&
	       !(file->f_flags & O_NONBLOCK)) {
		err = pipe_wait(pipe, &pipe->rd_wait);
		if (err) {
			n = err;
			break;
		}
	}
	spin_unlock(&pipe->lock);
	if (n > 0)
		wake_up_all(&pipe->wr_wait);
	return n;
}

static long pipe_write(struct file *file, const void *buf, size_t count, int64_t *pos)
{
	struct pipe_inode_info *pipe = pipe_of(file);
	const uint8_t *p = buf;
	size_t done = 0;
	long n = 0;

	(void)pos;
	spin_lock(&pipe->lock);
	/* A blocking writer writes everything, sleeping when full; a large write may
	 * interleave with others past PIPE_BUF, as POSIX allows. */
	while (done < count) {
		n = pipe_buffer_write(&pipe->buf, p + done, count - done);
		if (n > 0) {
			done += (size_t)n;
			spin_unlock(&pipe->lock);
			wake_up_all(&pipe->rd_wait);
			spin_lock(&pipe->lock);
			continue;
		}
		if (n != -EAGAIN || (file->f_flags & O_NONBLOCK))
			break;
		n = pipe_wait(pipe, &pipe->wr_wait);
		if (n)
			break;
	}
	spin_unlock(&pipe->lock);
	if (n == -EPIPE && !done)
		send_signal_to_task(current, SIGPIPE, NULL);
	return done ? (long)done : n;
}

static unsigned int pipe_poll(struct file *file, struct poll_table *wait)
{
	struct pipe_inode_info *pipe = pipe_of(file);
	unsigned int mask;

	if (file->f_mode & FMODE_READ)
		poll_wait(wait, &pipe->rd_wait);
	if (file->f_mode & FMODE_WRITE)
		poll_wait(wait, &pipe->wr_wait);
	spin_lock(&pipe->lock);
	mask = (file->f_mode & FMODE_READ ? pipe_buffer_poll_read(&pipe->buf) : 0) |
	       (file->f_mode & FMODE_WRITE ? pipe_buffer_poll_write(&pipe->buf) : 0);
	spin_unlock(&pipe->lock);
	return mask;
}

/* FIONREAD: what a read could take now (arg is a kernel int pointer). */
static long pipe_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct pipe_inode_info *pipe = pipe_of(file);

	if (cmd != FIONREAD)
		return -ENOTTY;
	spin_lock(&pipe->lock);
	*(int *)arg = (int)pipe_buffer_used(&pipe->buf);
	spin_unlock(&pipe->lock);
	return 0;
}

static int pipe_release(struct inode *inode, struct file *file)
{
	struct pipe_inode_info *pipe = inode->i_private;

	spin_lock(&pipe->lock);
	if (file->f_mode & FMODE_READ)
		pipe->buf.readers--;
	if (file->f_mode & FMODE_WRITE)
		pipe->buf.writers--;
	spin_unlock(&pipe->lock);
	/* The other side sees EOF or EPIPE now. */
	wake_up_all(&pipe->rd_wait);
	wake_up_all(&pipe->wr_wait);
	return 0;
}

static const struct file_operations pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.release = pipe_release,
};

/* Linux's /proc/sys/fs/pipe-max-size default. Linux lets a privileged
 * caller go past it; here nobody does. */
#define PIPE_MAX_SIZE (1024 * 1024)

long pipe_fcntl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct pipe_inode_info *pipe;
	long ret;

	if (file->f_op != &pipe_fops)
		return -EBADF;
	pipe = pipe_of(file);
	if (cmd == F_GETPIPE_SZ) {
		spin_lock(&pipe->lock);
		ret = (long)pipe->buf.size;
		spin_unlock(&pipe->lock);
		return ret;
	}
	if (cmd != F_SETPIPE_SZ)
		return -EINVAL;
	if (arg > PIPE_MAX_SIZE)
		return -EPERM;
	spin_lock(&pipe->lock);
	ret = pipe_buffer_resize(&pipe->buf, arg);
	if (!ret)
		ret = (long)pipe->buf.size;
	spin_unlock(&pipe->lock);
	/* More room: blocked writers may go on. */
	wake_up_all(&pipe->wr_wait);
	return ret;
}

static void pipefs_evict_inode(struct inode *inode)
{
	struct pipe_inode_info *pipe = inode->i_private;

	if (pipe) {
		pipe_buffer_destroy(&pipe->buf);
		kfree(pipe);
	}
}

static const struct super_operations pipefs_sops = { .evict_inode = pipefs_evict_inode };
static const struct inode_operations pipefs_iops;

static int pipefs_fill_super(struct super_block *sb)
{
	struct inode *root = new_inode(sb, S_IFDIR | 0700);

	sb->s_op = &pipefs_sops;
	sb->s_magic = PIPEFS_MAGIC;
	if (!root)
		return -ENOMEM;
	root->i_op = &pipefs_iops;
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static struct file_system_type pipefs_type = { .name = "pipefs", .fill_super = pipefs_fill_super };

static struct file *pipe_file(struct dentry *dentry, unsigned int flags, unsigned int mode)
{
	struct path path = { .mnt = pipe_mnt, .dentry = dentry };

	return alloc_file(&path, flags, mode, &pipe_fops);
}

int pipe_init(void)
{
	register_filesystem(&pipefs_type);
	pipe_mnt = kern_mount("pipefs");
	return pipe_mnt ? 0 : -ENOMEM;
}

int vfs_pipe(struct file **read_end, struct file **write_end, unsigned int flags)
{
	struct pipe_inode_info *pipe;
	struct dentry *dentry;
	struct inode *inode;

	if (!pipe_mnt)
		return -ENOMEM;
	pipe = kzalloc(sizeof(*pipe), GFP_KERNEL);
	if (!pipe || pipe_buffer_init(&pipe->buf, PIPE_DEFAULT_SIZE)) {
		kfree(pipe);
		return -ENOMEM;
	}
	spin_lock_init(&pipe->lock);
	wait_queue_head_init(&pipe->rd_wait);
	wait_queue_head_init(&pipe->wr_wait);
	pipe->buf.readers = pipe->buf.writers = 1;
	spin_lock(&vfs_lock);
	inode = new_inode(pipe_mnt->mnt_sb, S_IFIFO | 0600);
	if (!inode) {
		spin_unlock(&vfs_lock);
		pipe_buffer_destroy(&pipe->buf);
		kfree(pipe);
		return -ENOMEM;
	}
	inode->i_op = &pipefs_iops;
	inode->i_fop = &pipe_fops;
	inode->i_private = pipe;
	/* Nameless, in no directory; on failure the inode's eviction frees the pipe. */
	dentry = d_make_root(inode);
	spin_unlock(&vfs_lock);
	if (!dentry)
		return -ENOMEM;
	*read_end = pipe_file(dentry, O_RDONLY | (flags & O_NONBLOCK), FMODE_READ);
	*write_end = pipe_file(dentry, O_WRONLY | (flags & O_NONBLOCK), FMODE_WRITE);
	spin_lock(&vfs_lock);
	dput(dentry); /* the files hold it now */
	spin_unlock(&vfs_lock);
	if (!*read_end || !*write_end) {
		if (*read_end)
			vfs_close(*read_end);
		if (*write_end)
			vfs_close(*write_end);
		return -ENOMEM;
	}
	return 0;
}
