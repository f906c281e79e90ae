/* pipe(2) and pipe2(2): a new pipe's two ends on the two lowest free
 * descriptors, written to the caller's int[2] (nothing installed if that
 * fails). */
#include <vitro/errno.h>
#include <vitro/pipe_file.h>
#include <vitro/syscalls.h>
#include <vitro/uaccess.h>

#include "sys_util.h"

/* O_DIRECT asks for Linux's packet mode, which these pipes lack. */
static long do_pipe2(uint64_t ufds, int flags)
{
	struct files_struct *files = current_files();
	struct file *rd, *wr;
	int fds[2], err;

	if ((unsigned int)flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if (!files)
		return -EMFILE;
	err = vfs_pipe(&rd, &wr, (unsigned int)flags);
	if (err)
		return err;
	fds[0] = fd_install(files, rd, 0, flags & O_CLOEXEC);
	if (fds[0] < 0) {
		vfs_close(rd);
		vfs_close(wr);
		return fds[0];
	}
	fds[1] = fd_install(files, wr, 0, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		fd_close(files, fds[0]);
		vfs_close(wr);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(files, fds[0]);
		fd_close(files, fds[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE2(pipe2, uint64_t, ufds, int, flags)
{
	return do_pipe2(ufds, flags);
}

SYSCALL_DEFINE1(pipe, uint64_t, ufds)
{
	return do_pipe2(ufds, 0);
}
