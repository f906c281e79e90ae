/* Descriptor calls: dup, dup2, dup3, fcntl (descriptor and status flags,
 * record locks, pipe sizes) and flock. */
#include <vitro/errno.h>
#include <vitro/pipe_file.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/uaccess.h>

#include "internal.h"
#include "sys_util.h"

SYSCALL_DEFINE1(dup, int, fd)
{
	struct files_struct *files = current_files();

	return files ? fd_dup(files, fd, 0, false) : -EBADF;
}

SYSCALL_DEFINE2(dup2, int, old_fd, int, new_fd)
{
	struct files_struct *files = current_files();

	return files ? fd_dup2(files, old_fd, new_fd, false) : -EBADF;
}

SYSCALL_DEFINE3(dup3, int, old_fd, int, new_fd, int, flags)
{
	struct files_struct *files = current_files();

	if ((unsigned int)flags & ~O_CLOEXEC)
		return -EINVAL;
	if (old_fd == new_fd)
		return -EINVAL;
	return files ? fd_dup2(files, old_fd, new_fd, flags & O_CLOEXEC) : -EBADF;
}

/* F_SETFL changes these; the rest of arg is ignored, as on Linux. */
#define SETFL_FLAGS (O_APPEND | O_NONBLOCK | O_NOATIME | O_DIRECT | FASYNC)

static long set_status_flags(struct file *file, unsigned int flags)
{
	unsigned int turned_on = flags & ~file->f_flags;

	/* O_DIRECT needs a file system that does direct I/O (ramfs does not);
	 * O_ASYNC (FASYNC) needs SIGIO, which comes with signals. */
	if (turned_on & (O_DIRECT | FASYNC))
		return -EINVAL;
	spin_lock(&vfs_lock);
	file->f_flags = (file->f_flags & ~SETFL_FLAGS) | (flags & SETFL_FLAGS);
	spin_unlock(&vfs_lock);
	return 0;
}

/* struct flock to a byte range, as Linux's flock64_to_posix_lock(). */
static int flock_to_range(struct file *file, const struct flock *fl, struct file_lock_range *r)
{
	int64_t base, start, end;
	struct kstat st;

	switch (fl->l_whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = file->f_pos;
		break;
	case SEEK_END:
		vfs_fstat(file, &st);
		base = st.size;
		break;
	default:
		return -EINVAL;
	}
	if (fl->l_start > FILE_LOCK_END - base)
		return -EOVERFLOW;
	start = base + fl->l_start;
	if (start < 0)
		return -EINVAL;
	if (fl->l_len > 0) {
		if (fl->l_len - 1 > FILE_LOCK_END - start)
			return -EOVERFLOW;
		end = start + fl->l_len - 1;
	} else if (fl->l_len < 0) {
		end = start - 1;
		start += fl->l_len;
		if (start < 0)
			return -EINVAL;
	} else {
		end = FILE_LOCK_END;
	}
	*r = (struct file_lock_range){
		.type = fl->l_type, .start = start, .end = end, .pid = current->pid
	};
	return 0;
}

static long do_lock(struct file *file, unsigned int cmd, uint64_t uflock)
{
	bool is_ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	enum file_lock_kind kind = is_ofd ? FILE_LOCK_OFD : FILE_LOCK_POSIX;
	const void *owner = is_ofd ? (const void *)file : (const void *)current_files();
	struct file_lock_range r;
	struct flock fl;
	int err;

	if (copy_from_user(&fl, uflock, sizeof(fl)))
		return -EFAULT;
	/* OFD locks have no process: l_pid must be 0. */
	if (is_ofd && fl.l_pid != 0)
		return -EINVAL;
	err = flock_to_range(file, &fl, &r);
	if (err)
		return err;
	if (cmd == F_SETLK || cmd == F_SETLKW || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW)
		return vfs_lock_set(file, kind, owner, &r, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
	err = vfs_lock_test(file, kind, owner, &r);
	if (err)
		return err;
	/* No conflict: only l_type changes. */
	fl.l_type = (short)r.type;
	if (r.type != F_UNLCK) {
		fl.l_whence = SEEK_SET;
		fl.l_start = r.start;
		fl.l_len = r.end == FILE_LOCK_END ? 0 : r.end - r.start + 1;
		fl.l_pid = r.pid;
	}
	return copy_to_user(uflock, &fl, sizeof(fl)) ? -EFAULT : 0;
}

/* What Linux lets an O_PATH descriptor do. */
static bool is_path_fcntl(unsigned int cmd)
{
	return cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC || cmd == F_GETFD || cmd == F_SETFD ||
	       cmd == F_GETFL;
}

SYSCALL_DEFINE3(fcntl, int, fd, unsigned int, cmd, unsigned long, arg)
{
	struct files_struct *files = current_files();
	struct file *file = fdget_raw(fd);
	long ret;

	if (!file)
		return -EBADF;
	ret = -EBADF;
	if ((file->f_mode & FMODE_PATH) && !is_path_fcntl(cmd))
		goto out;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		ret = arg >= files->limit ?
			      -EINVAL :
			      fd_dup(files, fd, (unsigned int)arg, cmd == F_DUPFD_CLOEXEC);
		break;
	case F_GETFD:
		ret = fd_get_close_on_exec(files, fd);
		ret = ret > 0 ? FD_CLOEXEC : ret;
		break;
	case F_SETFD:
		ret = fd_set_close_on_exec(files, fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		ret = file->f_flags;
		break;
	case F_SETFL:
		ret = set_status_flags(file, (unsigned int)arg);
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		ret = do_lock(file, cmd, arg);
		break;
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		ret = pipe_fcntl(file, cmd, arg);
		break;
	default:
		/* Signal-driven I/O (F_SETOWN, F_SETSIG), leases, notifications
		 * and seals are not there. */
		ret = -EINVAL;
		break;
	}
out:
	vfs_close(file);
	return ret;
}

SYSCALL_DEFINE2(flock, int, fd, unsigned int, op)
{
	struct file_lock_range r = { .start = 0, .end = FILE_LOCK_END, .pid = current->pid };
	struct file *file = fdget(fd);
	long ret;

	if (!file)
		return -EBADF;
	switch (op & ~LOCK_NB) {
	case LOCK_SH:
		r.type = F_RDLCK;
		break;
	case LOCK_EX:
		r.type = F_WRLCK;
		break;
	case LOCK_UN:
		r.type = F_UNLCK;
		break;
	default:
		vfs_close(file);
		return -EINVAL;
	}
	ret = vfs_lock_set(file, FILE_LOCK_FLOCK, file, &r, !(op & LOCK_NB));
	vfs_close(file);
	return ret;
}
