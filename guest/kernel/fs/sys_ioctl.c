/* ioctl(2): the commands every file has (close-on-exec, non-blocking mode,
 * FIONREAD of a regular file) here, the rest passed to the file's driver.
 * Drivers take kernel memory: for the terminal's old commands, whose
 * numbers say nothing of their argument, a table gives the size and the
 * direction of the data; newer numbers (_IOR, _IOW, _IOWR) carry both.
 * The data is copied in before the call and out after it. */
#include <asm/ioctl.h>
#include <asm/ioctls.h>
#include <linux/termios.h>
#include <vitro/errno.h>
#include <vitro/slab.h>
#include <vitro/syscalls.h>
#include <vitro/uaccess.h>

#include "internal.h"
#include "sys_util.h"

enum ioctl_dir { IOCTL_VALUE, IOCTL_IN, IOCTL_OUT };

struct ioctl_layout {
	unsigned int cmd;
	enum ioctl_dir dir;
	uint16_t size;
};

/* The terminal commands of <asm-generic/ioctls.h> without an encoded size. */
static const struct ioctl_layout tty_layouts[] = {
	{ TCGETS, IOCTL_OUT, sizeof(struct termios) },
	{ TCSETS, IOCTL_IN, sizeof(struct termios) },
	{ TCSETSW, IOCTL_IN, sizeof(struct termios) },
	{ TCSETSF, IOCTL_IN, sizeof(struct termios) },
	{ TCSBRK, IOCTL_VALUE, 0 },
	{ TCSBRKP, IOCTL_VALUE, 0 },
	{ TCXONC, IOCTL_VALUE, 0 },
	{ TCFLSH, IOCTL_VALUE, 0 },
	{ TIOCEXCL, IOCTL_VALUE, 0 },
	{ TIOCNXCL, IOCTL_VALUE, 0 },
	{ TIOCSCTTY, IOCTL_VALUE, 0 },
	{ TIOCNOTTY, IOCTL_VALUE, 0 },
	{ TIOCSBRK, IOCTL_VALUE, 0 },
	{ TIOCCBRK, IOCTL_VALUE, 0 },
	{ TIOCVHANGUP, IOCTL_VALUE, 0 },
	{ TIOCGPGRP, IOCTL_OUT, sizeof(int) },
	{ TIOCSPGRP, IOCTL_IN, sizeof(int) },
	{ TIOCGSID, IOCTL_OUT, sizeof(int) },
	{ TIOCOUTQ, IOCTL_OUT, sizeof(int) },
	{ FIONREAD, IOCTL_OUT, sizeof(int) },
	{ TIOCSTI, IOCTL_IN, sizeof(char) },
	{ TIOCGWINSZ, IOCTL_OUT, sizeof(struct winsize) },
	{ TIOCSWINSZ, IOCTL_IN, sizeof(struct winsize) },
	{ TIOCMGET, IOCTL_OUT, sizeof(int) },
	{ TIOCMBIS, IOCTL_IN, sizeof(int) },
	{ TIOCMBIC, IOCTL_IN, sizeof(int) },
	{ TIOCMSET, IOCTL_IN, sizeof(int) },
	{ TIOCGSOFTCAR, IOCTL_OUT, sizeof(int) },
	{ TIOCSSOFTCAR, IOCTL_IN, sizeof(int) },
	{ TIOCGETD, IOCTL_OUT, sizeof(int) },
	{ TIOCSETD, IOCTL_IN, sizeof(int) },
	{ TIOCPKT, IOCTL_IN, sizeof(int) },
};

/* How cmd's argument travels; false for an old terminal command this table
 * does not know (its argument might be a pointer). */
static bool ioctl_layout_of(unsigned int cmd, struct ioctl_layout *layout)
{
	unsigned int dir = _IOC_DIR(cmd);

	for (unsigned int i = 0; i < sizeof(tty_layouts) / sizeof(tty_layouts[0]); i++) {
		if (tty_layouts[i].cmd == cmd) {
			*layout = tty_layouts[i];
			return true;
		}
	}
	*layout = (struct ioctl_layout){ .cmd = cmd, .dir = IOCTL_VALUE };
	if (dir == _IOC_NONE)
		return _IOC_TYPE(cmd) != 'T';
	/* _IOWR: in, then out. */
	layout->dir = dir & _IOC_WRITE ? IOCTL_IN : IOCTL_OUT;
	layout->size = (uint16_t)_IOC_SIZE(cmd);
	return true;
}

static long driver_ioctl(struct file *file, unsigned int cmd, uint64_t arg)
{
	struct ioctl_layout layout;
	void *buf;
	long ret;

	if (!file->f_op->ioctl)
		return -ENOTTY;
	if (!ioctl_layout_of(cmd, &layout))
		return -ENOTTY;
	if (layout.dir == IOCTL_VALUE || layout.size == 0)
		return vfs_ioctl(file, cmd, arg);
	buf = kzalloc(layout.size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = -EFAULT;
	if ((layout.dir == IOCTL_IN || _IOC_DIR(cmd) == (_IOC_READ | _IOC_WRITE)) &&
	    copy_from_user(buf, arg, layout.size))
		goto out;
	ret = vfs_ioctl(file, cmd, (unsigned long)buf);
	if (ret >= 0 && (layout.dir == IOCTL_OUT || (_IOC_DIR(cmd) & _IOC_READ)) &&
	    copy_to_user(arg, buf, layout.size))
		ret = -EFAULT;
out:
	kfree(buf);
	return ret;
}

static long set_nonblocking(struct file *file, uint64_t arg)
{
	int on;

	if (get_user(on, (int *)arg))
		return -EFAULT;
	spin_lock(&vfs_lock);
	if (on)
		file->f_flags |= O_NONBLOCK;
	else
		file->f_flags &= ~O_NONBLOCK;
	spin_unlock(&vfs_lock);
	return 0;
}

SYSCALL_DEFINE3(ioctl, int, fd, unsigned int, cmd, uint64_t, arg)
{
	struct file *file = fdget(fd);
	int on;
	long ret;

	if (!file)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		ret = fd_set_close_on_exec(current_files(), fd, cmd == FIOCLEX);
		break;
	case FIONBIO:
		ret = set_nonblocking(file, arg);
		break;
	case FIOASYNC:
		/* Turning SIGIO on needs signals; off is what it is. */
		ret = get_user(on, (int *)arg) ? -EFAULT : on ? -EINVAL : 0;
		break;
	case FIONREAD:
		if (S_ISREG(file->f_inode->i_mode)) {
			struct kstat st;

			vfs_fstat(file, &st);
			ret = put_user((int)(st.size - file->f_pos), (int *)arg);
			break;
		}
		ret = driver_ioctl(file, cmd, arg);
		break;
	default:
		ret = driver_ioctl(file, cmd, arg);
		break;
	}
	vfs_close(file);
	return ret;
}
