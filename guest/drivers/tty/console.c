/* See console.h. The UART's interrupt only wakes readers; bytes move from the
 * UART into the line discipline in the reader's context, under one lock,
 * so echoes reach the terminal in order with the reader's own writes. What
 * the line discipline cannot take yet (its buffer full) waits in pending. */
#include <vitro/errno.h>
#include <vitro/fs.h>
#include <vitro/poll.h>
#include <vitro/spinlock.h>
#include <vitro/string.h>
#include <vitro/task.h>
#include <vitro/time.h>
#include <vitro/signal.h>
#include <vitro/tty.h>
#include <vitro/wait.h>

#include "../serial/uart8250.h"
#include "console.h"

static struct n_tty console_tty;
static struct spinlock console_lock;
static uint8_t pending[64];
static size_t pending_len;

static void console_output(struct n_tty *tty, const uint8_t *buf, size_t len)
{
	(void)tty;
	uart8250_write((const char *)buf, len);
}

/* ^C, ^\, ^Z and window changes go to the foreground process group. */
static void console_signal(struct n_tty *tty, int pgrp, int sig)
{
	(void)tty;
	if (pgrp > 0)
		kill_pgrp(pgrp, sig, NULL);
}

static const struct n_tty_ops console_ops = {
	.output = console_output,
	.signal = console_signal,
};

/* Under console_lock. */
static void console_pull_input(void)
{
	size_t taken;

	if (!pending_len)
		pending_len = uart8250_read((char *)pending, sizeof(pending));
	taken = n_tty_receive(&console_tty, pending, pending_len);
	memmove(pending, pending + taken, pending_len - taken);
	pending_len -= taken;
}

static bool console_input_ready(void)
{
	bool ready;

	spin_lock(&console_lock);
	console_pull_input();
	ready = n_tty_has_input(&console_tty);
	spin_unlock(&console_lock);
	return ready;
}

static long console_read(struct file *file, void *buf, size_t count, int64_t *pos)
{
	long copied = 0, n, wait_ms;

	(void)pos;
	spin_lock(&console_lock);
	for (;;) {
		console_pull_input();
		n = n_tty_read(&console_tty, (uint8_t *)buf + copied, count - (size_t)copied);
		if (n == 0)
			break; /* end of file (VEOF at the start of a line) */
		if (n > 0)
			copied += n;
		if (n_tty_read_is_done(&console_tty, (size_t)copied, count))
			break;
		wait_ms = n_tty_read_wait_ms(&console_tty, (size_t)copied);
		if (wait_ms == 0)
			break;
		if (file->f_flags & O_NONBLOCK) {
			copied = copied ? copied : -EAGAIN;
			break;
		}
		spin_unlock(&console_lock);
		if (signal_pending(current)) {
			spin_lock(&console_lock);
			copied = copied ? copied : -ERESTARTSYS;
			break;
		}
		if (wait_ms == N_TTY_WAIT_FOREVER)
			wait_event_interruptible(uart8250_rx_wait, console_input_ready());
		else if (!wait_event_interruptible_timeout(uart8250_rx_wait, console_input_ready(),
							   (uint64_t)wait_ms * NSEC_PER_MSEC)) {
			spin_lock(&console_lock);
			break;
		}
		spin_lock(&console_lock);
	}
	spin_unlock(&console_lock);
	return copied;
}

static long console_write(struct file *file, const void *buf, size_t count, int64_t *pos)
{
	long n;

	(void)file, (void)pos;
	spin_lock(&console_lock);
	n = n_tty_write(&console_tty, buf, count);
	spin_unlock(&console_lock);
	return n;
}

static unsigned int console_poll(struct file *file, struct poll_table *wait)
{
	unsigned int mask;

	(void)file;
	poll_wait(wait, &uart8250_rx_wait);
	spin_lock(&console_lock);
	console_pull_input();
	mask = n_tty_poll(&console_tty);
	spin_unlock(&console_lock);
	return mask;
}

/* The terminal ioctls. arg is a kernel pointer: the syscall layer copies
 * the user's struct in and out around the call. The job-control ones follow
 * Linux's session rules: a session leader without a terminal takes this one
 * with TIOCSCTTY; only processes of that session read or set its foreground
 * process group (kernel threads, which have no session, may too). */
static bool caller_owns_tty(void)
{
	struct signal_struct *sig = current->signal;

	return !sig || sig->tty == &console_tty;
}

struct pgrp_lookup {
	int pgrp, session;
	bool found;
};

static bool pgrp_member_in_session(struct task *t, void *arg)
{
	struct pgrp_lookup *l = arg;

	if (t->signal && !t->exit_state && t->signal->pgrp == l->pgrp &&
	    t->signal->session == l->session) {
		l->found = true;
		return false;
	}
	return true;
}

static long console_set_ctty(unsigned long steal)
{
	struct signal_struct *sig = current->signal;

	if (!sig)
		return -EPERM;
	if (sig->tty == &console_tty)
		return 0;
	/* Only a session leader without a terminal; a terminal another
	 * session holds is taken only by root asking to steal it (arg 1). */
	if (sig->session != current->tgid || sig->tty)
		return -EPERM;
	if (console_tty.session && console_tty.session != sig->session && steal != 1)
		return -EPERM;
	sig->tty = &console_tty;
	n_tty_set_ctty(&console_tty, sig->session, sig->pgrp);
	return 0;
}

static long console_set_pgrp(int pgrp)
{
	struct pgrp_lookup l = { .pgrp = pgrp };

	if (!caller_owns_tty())
		return -ENOTTY;
	if (pgrp < 0)
		return -EINVAL;
	if (current->signal) {
		l.session = current->signal->session;
		for_each_task(pgrp_member_in_session, &l);
		if (!l.found)
			return -EPERM;
	}
	n_tty_set_pgrp(&console_tty, pgrp);
	return 0;
}

static long console_ioctl_locked(unsigned int cmd, unsigned long arg)
{
	void *p = (void *)arg;

	switch (cmd) {
	case TCGETS:
		n_tty_get_termios(&console_tty, p);
		return 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		/* Output is written synchronously, so it has drained already. */
		return n_tty_set_termios(&console_tty, p,
					 cmd == TCSETS	? TCSANOW :
					 cmd == TCSETSW ? TCSADRAIN :
							  TCSAFLUSH);
	case TCGETS2:
		n_tty_get_termios2(&console_tty, p);
		return 0;
	case TCSETS2:
	case TCSETSW2:
	case TCSETSF2:
		return n_tty_set_termios2(&console_tty, p,
					  cmd == TCSETS2  ? TCSANOW :
					  cmd == TCSETSW2 ? TCSADRAIN :
							    TCSAFLUSH);
	case TIOCGWINSZ:
		n_tty_get_winsize(&console_tty, p);
		return 0;
	case TIOCSWINSZ:
		n_tty_set_winsize(&console_tty, p);
		return 0;
	case TIOCGPGRP:
		if (!caller_owns_tty())
			return -ENOTTY;
		*(int *)p = n_tty_get_pgrp(&console_tty);
		return 0;
	case TIOCSPGRP:
		return console_set_pgrp(*(const int *)p);
	case TIOCGSID:
		if (!caller_owns_tty() || !console_tty.session)
			return -ENOTTY;
		*(int *)p = console_tty.session;
		return 0;
	case TIOCSCTTY:
		return console_set_ctty(arg);
	case TIOCNOTTY:
		if (!current->signal || current->signal->tty != &console_tty)
			return -ENOTTY;
		current->signal->tty = NULL;
		if (current->signal->session == current->tgid)
			n_tty_set_ctty(&console_tty, 0, 0);
		return 0;
	case FIONREAD:
		console_pull_input();
		*(int *)p = (int)n_tty_inq(&console_tty);
		return 0;
	case TCFLSH:
		return n_tty_flush(&console_tty, (int)arg);
	default:
		return -ENOTTY;
	}
}

static long console_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	long rc;

	(void)file;
	spin_lock(&console_lock);
	rc = console_ioctl_locked(cmd, arg);
	spin_unlock(&console_lock);
	return rc;
}

static int console_receive_thread(void *arg);

static int console_start_receiving(void)
{
	static bool started;
	bool start;

	spin_lock(&console_lock);
	start = !started;
	started = true;
	spin_unlock(&console_lock);
	if (start && !kthread_run(console_receive_thread, NULL, "tty-receive"))
		return -ENOMEM;
	return 0;
}

static int console_open(struct inode *inode, struct file *file)
{
	(void)inode, (void)file;
	return console_start_receiving();
}

/* /dev/tty is the caller's controlling terminal: without one, ENXIO. */
static int dev_tty_open(struct inode *inode, struct file *file)
{
	(void)inode, (void)file;
	if (current->signal && !current->signal->tty)
		return -ENXIO;
	return console_start_receiving();
}

static const struct file_operations dev_tty_fops = {
	.open = dev_tty_open,
	.read = console_read,
	.write = console_write,
	.poll = console_poll,
	.ioctl = console_ioctl,
};

static const struct file_operations console_fops = {
	.open = console_open,
	.read = console_read,
	.write = console_write,
	.poll = console_poll,
	.ioctl = console_ioctl,
};

/* Typed characters are taken in as they arrive, not only when someone reads,
 * so that ^C, ^Z and ^\ reach the foreground process group while it runs
 * (Linux's receive path does the same from its flip-buffer work). Started by
 * the terminal's first open: until then the UART is the kernel's alone (the
 * boot-time echo loop reads it directly). */
static int console_receive_thread(void *arg)
{
	(void)arg;
	for (;;) {
		wait_event(uart8250_rx_wait, uart8250_has_input() && pending_len < sizeof(pending));
		spin_lock(&console_lock);
		console_pull_input();
		spin_unlock(&console_lock);
		/* Readers (and pollers) look again. */
		wake_up_all(&uart8250_rx_wait);
	}
	return 0;
}

int console_tty_register(void)
{
	int rc;

	spin_lock_init(&console_lock);
	n_tty_init(&console_tty, &console_ops, NULL);
	rc = chrdev_register(MKDEV(5, 1), 1, &console_fops);
	return rc ? rc : chrdev_register(MKDEV(5, 0), 1, &dev_tty_fops);
}
