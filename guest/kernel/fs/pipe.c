/* See vitro/pipe_file.h. The buffer rules are pipe_buffer.c's; this adds the
 * waiting: a reader sleeps while the pipe is empty and has writers, a writer
 * while what it must write atomically does not fit, each side waking the
 * other after progress. FIFOs (named pipes) are the same pipe, made at the
 * first open of the inode and gone at the last close, with open's own
 * waiting for the other end. Kernel only (it sleeps); the buffer is
 * host-tested. */
#include <asm/ioctls.h>
#include <asm/poll.h>
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
	/* Opens so far of each end (a FIFO's open waits for the other's to
	 * move), and open files; the last close frees the pipe. */
	unsigned int r_counter, w_counter;
	unsigned int files;
};

static struct vfsmount *pipe_mnt;
/* Guards inode->i_pipe where opens and the last close set it. */
static struct spinlock pipe_files_lock = SPINLOCK_INIT;

static struct pipe_inode_info *pipe_of(struct file *file)
{
	return file->f_inode->i_pipe;
}

static struct pipe_inode_info *pipe_alloc(void)
{
	struct pipe_inode_info *pipe = kzalloc(sizeof(*pipe), GFP_KERNEL);

	if (!pipe || pipe_buffer_init(&pipe->buf, PIPE_DEFAULT_SIZE)) {
		kfree(pipe);
		return NULL;
	}
	spin_lock_init(&pipe->lock);
	wait_queue_head_init(&pipe->rd_wait);
	wait_queue_head_init(&pipe->wr_wait);
	return pipe;
}

static void pipe_free(struct pipe_inode_info *pipe)
{
	pipe_buffer_destroy(&pipe->buf);
	kfree(pipe);
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
	/* A FIFO reader that has seen no writer yet is not hung up (Linux
	 * remembers the writers' count at open in f_version). */
	if ((mask & POLLHUP) && !(file->f_mode & FMODE_WRITE) &&
	    pipe->w_counter == (unsigned int)(uintptr_t)file->private_data)
		mask &= ~POLLHUP;
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

/* One open file less; the last one takes the pipe (and a FIFO's data) along. */
static void pipe_put_file(struct inode *inode, struct pipe_inode_info *pipe)
{
	bool is_last;

	spin_lock(&pipe_files_lock);
	is_last = --pipe->files == 0;
	if (is_last)
		inode->i_pipe = NULL;
	spin_unlock(&pipe_files_lock);
	if (is_last)
		pipe_free(pipe);
}

static int pipe_release(struct inode *inode, struct file *file)
{
	struct pipe_inode_info *pipe = inode->i_pipe;

	spin_lock(&pipe->lock);
	if (file->f_mode & FMODE_READ)
		pipe->buf.readers--;
	if (file->f_mode & FMODE_WRITE)
		pipe->buf.writers--;
	spin_unlock(&pipe->lock);
	/* The other side sees EOF or EPIPE now. */
	wake_up_all(&pipe->rd_wait);
	wake_up_all(&pipe->wr_wait);
	pipe_put_file(inode, pipe);
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
	/* Only a pipe whose files were never made is left here. */
	if (inode->i_pipe)
		pipe_free(inode->i_pipe);
}

/* --- FIFOs ---------------------------------------------------------------- */

/* The inode's pipe, made by the first open; counted as one more file. */
static struct pipe_inode_info *fifo_get_pipe(struct inode *inode)
{
	struct pipe_inode_info *pipe, *fresh = NULL;

	for (;;) {
		spin_lock(&pipe_files_lock);
		pipe = inode->i_pipe;
		if (!pipe && fresh)
			inode->i_pipe = pipe = fresh;
		if (pipe)
			pipe->files++;
		spin_unlock(&pipe_files_lock);
		if (pipe) {
			if (fresh && pipe != fresh)
				pipe_free(fresh);
			return pipe;
		}
		fresh = pipe_alloc();
		if (!fresh)
			return NULL;
	}
}

/* Sleeps until *counter moves from seen (the other end was opened). */
static int fifo_wait_for_partner(struct pipe_inode_info *pipe, struct wait_queue_head *wq,
				 const unsigned int *counter, unsigned int seen)
{
	int err = 0;

	while (!err && *counter == seen)
		err = pipe_wait(pipe, wq);
	return err;
}

/* POSIX's open of a FIFO: a reader waits for a writer and a writer for a
 * reader, unless O_NONBLOCK (then a writer without a reader gets ENXIO);
 * O_RDWR never waits. A pipe opened again by name (/proc/self/fd/N) never
 * waits either, as Linux's. */
static int fifo_open(struct inode *inode, struct file *file)
{
	bool is_reader = file->f_mode & FMODE_READ, is_writer = file->f_mode & FMODE_WRITE;
	bool is_pipe = inode->i_sb->s_magic == PIPEFS_MAGIC;
	bool nonblock = is_pipe || (file->f_flags & O_NONBLOCK);
	struct pipe_inode_info *pipe = fifo_get_pipe(inode);
	int err = 0;

	if (!pipe)
		return -ENOMEM;
	spin_lock(&pipe->lock);
	if (is_writer && !is_reader && !is_pipe && nonblock && !pipe->buf.readers) {
		err = -ENXIO;
		goto out;
	}
	if (is_reader) {
		pipe->buf.readers++;
		pipe->r_counter++;
	}
	if (is_writer) {
		pipe->buf.writers++;
		pipe->w_counter++;
	}
	file->private_data = (void *)(uintptr_t)pipe->w_counter;
	spin_unlock(&pipe->lock);
	/* The other end may be waiting in open for this one. */
	wake_up_all(is_reader ? &pipe->wr_wait : &pipe->rd_wait);
	if (is_reader && is_writer)
		wake_up_all(&pipe->rd_wait);
	spin_lock(&pipe->lock);
	if (is_reader && !is_writer && !nonblock && !pipe->buf.writers)
		err = fifo_wait_for_partner(pipe, &pipe->rd_wait, &pipe->w_counter,
					    pipe->w_counter);
	else if (is_writer && !is_reader && !is_pipe && !pipe->buf.readers)
		err = fifo_wait_for_partner(pipe, &pipe->wr_wait, &pipe->r_counter,
					    pipe->r_counter);
	if (err) {
		if (is_reader)
			pipe->buf.readers--;
		if (is_writer)
			pipe->buf.writers--;
	}
out:
	spin_unlock(&pipe->lock);
	if (err) {
		wake_up_all(&pipe->rd_wait);
		wake_up_all(&pipe->wr_wait);
		pipe_put_file(inode, pipe);
		return err;
	}
	file->f_op = &pipe_fops;
	return 0;
}

const struct file_operations fifo_fops = { .open = fifo_open };

static const struct super_operations pipefs_sops = { .evict_inode = pipefs_evict_inode };
static const struct inode_operations pipefs_iops;

static int pipefs_fill_super(struct super_block *sb, const char *data)
{
	struct inode *root = new_inode(sb, S_IFDIR | 0700);

	(void)data;
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
	pipe = pipe_alloc();
	if (!pipe)
		return -ENOMEM;
	pipe->buf.readers = pipe->buf.writers = 1;
	pipe->r_counter = pipe->w_counter = 1;
	spin_lock(&vfs_lock);
	inode = new_inode(pipe_mnt->mnt_sb, S_IFIFO | 0600);
	if (!inode) {
		spin_unlock(&vfs_lock);
		pipe_free(pipe);
		return -ENOMEM;
	}
	inode->i_op = &pipefs_iops;
	/* Opened again by name (/proc/self/fd/N): a FIFO's open on the pipe. */
	inode->i_fop = &fifo_fops;
	inode->i_pipe = pipe;
	/* Nameless, in no directory; on failure the inode's eviction frees the pipe. */
	dentry = d_make_root(inode);
	spin_unlock(&vfs_lock);
	if (!dentry)
		return -ENOMEM;
	*read_end = pipe_file(dentry, O_RDONLY | (flags & O_NONBLOCK), FMODE_READ);
	if (*read_end)
		pipe->files++;
	*write_end = pipe_file(dentry, O_WRONLY | (flags & O_NONBLOCK), FMODE_WRITE);
	if (*write_end)
		pipe->files++;
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
