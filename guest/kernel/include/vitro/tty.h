/* The terminal line discipline (Linux N_TTY semantics) as pure logic: input
 * editing, echo, signals, the termios state and the read/write/poll cores.
 * It never sleeps or touches hardware; the console glue holds the lock,
 * feeds it UART bytes, drains its output to the UART and does the waiting.
 * Builds for the host too (tests/unit/test_n_tty.c). */
#ifndef VITRO_TTY_H
#define VITRO_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Linux's UAPI: struct termios/termios2/winsize, the flag and c_cc values,
 * the ioctl numbers (TCGETS...) for the glue. */
#include <linux/termios.h>

#define N_TTY_BUF_SIZE 4096 /* Linux's input buffer size */
#define N_TTY_WAIT_FOREVER (-1L)

struct n_tty;

struct n_tty_ops {
	/* Bytes for the terminal, echoes and processed writes, in order. */
	void (*output)(struct n_tty *tty, const uint8_t *buf, size_t len);
	/* Drops output not yet sent (TCOFLUSH, a signal char without
	 * NOFLSH). May be NULL. */
	void (*flush_output)(struct n_tty *tty);
	/* Sends sig (SIGINT, SIGQUIT, SIGTSTP, SIGWINCH) to the process group
	 * pgrp, the stored foreground group (0: none set yet). */
	void (*signal)(struct n_tty *tty, int pgrp, int sig);
};

struct n_tty {
	struct termios2 termios;
	struct winsize winsize;
	int pgrp; /* foreground process group (TIOCSPGRP) */
	int session; /* session of which this is the controlling tty */
	const struct n_tty_ops *ops;
	void *priv; /* the glue's */

	/* Input ring; the indices run free and are masked on use. Bytes in
	 * [read_tail, canon_head) form complete lines in canonical mode, those
	 * in [canon_head, read_head) the line being edited. */
	uint8_t buf[N_TTY_BUF_SIZE];
	uint8_t line_end[N_TTY_BUF_SIZE / 8]; /* bit per slot: a line ends here */
	size_t read_tail, canon_head, read_head;

	unsigned int column; /* output cursor column, for erasing tabs */
	unsigned int canon_column; /* column where the edited line began */
	bool is_lnext; /* the previous byte was VLNEXT: take this one as is */
	bool is_erasing; /* inside an ECHOPRT \...erased.../ sequence */
	/* Output stopped by VSTOP (IXON) until VSTART: writes get -EAGAIN;
	 * echoes still reach ops->output and the glue holds them back. */
	bool is_stopped;
};

/* Linux's default termios (tty_std_termios, INIT_C_CC), no window size,
 * no process group. */
void n_tty_init(struct n_tty *tty, const struct n_tty_ops *ops, void *priv);

/* Processes bytes typed on the terminal. Returns how many were taken: fewer
 * than len when the buffer is full (as Linux, the rest stays with the
 * driver until a read makes room). In canonical mode a line being edited
 * never blocks input: once the buffer is full each byte replaces the last
 * one, so a newline can always end the line. The glue wakes readers and
 * writers (VSTART) after each call. */
size_t n_tty_receive(struct n_tty *tty, const uint8_t *bytes, size_t len);

/* The non-blocking core of read(2). Canonical mode: up to one line (a
 * longer line comes out over several reads); returns 0 for VEOF at the
 * start of a line (end of file). Noncanonical: what is there. -EAGAIN when
 * there is nothing to copy. A read loops like this, under the glue's lock:
 *
 *	copied = 0;
 *	for (;;) {
 *		n = n_tty_read(tty, buf + copied, len - copied);
 *		if (n == 0)
 *			break;				// end of file
 *		if (n > 0)
 *			copied += n;
 *		if (n_tty_read_is_done(tty, copied, len))
 *			break;
 *		wait_ms = n_tty_read_wait_ms(tty, copied);
 *		if (wait_ms == 0)
 *			break;
 *		if (O_NONBLOCK)
 *			return copied ? copied : -EAGAIN;
 *		sleep until n_tty_has_input() or wait_ms passed (then
 *		break) or a signal (copied ? copied : -ERESTARTSYS);
 *	}
 *	return copied;
 */
long n_tty_read(struct n_tty *tty, uint8_t *buf, size_t len);

/* Whether a read of len bytes that has copied so far returns now:
 * canonical after any bytes, noncanonical after min(VMIN, len) (1 if VMIN
 * is 0). */
bool n_tty_read_is_done(const struct n_tty *tty, size_t copied, size_t len);

/* How long a read that has copied so far waits for more input before it
 * returns what it has: N_TTY_WAIT_FOREVER, 0 (return now) or milliseconds.
 * VTIME is in tenths of a second: with VMIN 0 a timer for the whole read,
 * with VMIN > 0 an inter-byte timer that starts with the first byte. */
long n_tty_read_wait_ms(const struct n_tty *tty, size_t copied);

/* Whether n_tty_read would copy something (or see end of file) now: what
 * a sleeping reader waits for, since it keeps what it copied before. */
bool n_tty_has_input(const struct n_tty *tty);
/* poll(2): a line (or VEOF) in canonical mode, in noncanonical mode VMIN
 * bytes when VTIME is 0, else one. */
bool n_tty_is_readable(const struct n_tty *tty);
/* POLLIN | POLLRDNORM and POLLOUT | POLLWRNORM as n_tty_poll. */
unsigned int n_tty_poll(const struct n_tty *tty);

/* Output processing of write(2) (OPOST: ONLCR, OCRNL, ONOCR, ONLRET, OLCUC,
 * XTABS) into ops->output. Returns len, or -EAGAIN while output is stopped
 * (VSTOP with IXON) for the writer to wait. */
long n_tty_write(struct n_tty *tty, const uint8_t *buf, size_t len);

/* TCGETS/TCGETS2. */
void n_tty_get_termios(const struct n_tty *tty, struct termios *t);
void n_tty_get_termios2(const struct n_tty *tty, struct termios2 *t);
/* TCSETS/TCSETSW/TCSETSF with when TCSANOW/TCSADRAIN/TCSAFLUSH (the glue
 * waits for output to drain first for the last two); TCSAFLUSH discards
 * unread input. Switching ICANON on makes pending input one line, as Linux.
 * -EINVAL for another when. The termios form keeps the current speeds. */
int n_tty_set_termios(struct n_tty *tty, const struct termios *t, int when);
int n_tty_set_termios2(struct n_tty *tty, const struct termios2 *t, int when);

/* TIOCGWINSZ/TIOCSWINSZ: a change signals SIGWINCH to the foreground group. */
void n_tty_get_winsize(const struct n_tty *tty, struct winsize *ws);
void n_tty_set_winsize(struct n_tty *tty, const struct winsize *ws);

/* TIOCGPGRP/TIOCSPGRP and TIOCSCTTY, stored only: the glue checks sessions
 * and permissions. */
int n_tty_get_pgrp(const struct n_tty *tty);
void n_tty_set_pgrp(struct n_tty *tty, int pgrp);
void n_tty_set_ctty(struct n_tty *tty, int session, int pgrp);

/* FIONREAD/TIOCINQ: bytes a read could return (complete lines, without
 * VEOF markers, in canonical mode). */
size_t n_tty_inq(const struct n_tty *tty);

/* TCFLSH with TCIFLUSH, TCOFLUSH or TCIOFLUSH; -EINVAL otherwise. */
int n_tty_flush(struct n_tty *tty, int queue);

#endif
