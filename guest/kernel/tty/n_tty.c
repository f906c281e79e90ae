/* See vitro/tty.h: the line discipline's logic, written from the behaviour
 * of Linux's N_TTY (drivers/tty/n_tty.c) and POSIX termios. Echoes are
 * rendered at once rather than queued, which prints the same bytes. */
#include <vitro/errno.h>
#include <vitro/string.h>
#include <vitro/tty.h>

#include <asm/poll.h>
#include <asm/signal.h>

#define BUF_MASK (N_TTY_BUF_SIZE - 1)

/* Linux's _POSIX_VDISABLE: a c_cc entry of 0 is no special character, and
 * the byte that marks VEOF in the buffer. */
#define DISABLED_CHAR 0

/* Linux's INIT_C_CC: ^C ^\ DEL ^U ^D, TIME 0, MIN 1, ^Q ^S ^Z, ^R ^O ^W ^V. */
static const uint8_t default_cc[NCCS] = {
	[VINTR] = 003,	  [VQUIT] = 034,    [VERASE] = 0177, [VKILL] = 025,  [VEOF] = 004,
	[VTIME] = 0,	  [VMIN] = 1,	    [VSTART] = 021,  [VSTOP] = 023,  [VSUSP] = 032,
	[VREPRINT] = 022, [VDISCARD] = 017, [VWERASE] = 027, [VLNEXT] = 026,
};

static bool has_iflag(const struct n_tty *tty, unsigned int flag)
{
	return tty->termios.c_iflag & flag;
}

static bool has_oflag(const struct n_tty *tty, unsigned int flag)
{
	return tty->termios.c_oflag & flag;
}

static bool has_lflag(const struct n_tty *tty, unsigned int flag)
{
	return tty->termios.c_lflag & flag;
}

static bool is_cc(const struct n_tty *tty, int index, uint8_t c)
{
	return c != DISABLED_CHAR && c == tty->termios.c_cc[index];
}

/* The kernel's ctype: only ASCII controls; Latin-1 letters count for word
 * erase. */
static bool is_control(uint8_t c)
{
	return c < 0x20 || c == 0x7f;
}

static bool is_word_char(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || (c >= 0xc0 && c != 0xd7 && c != 0xf7);
}

/* With IUTF8 a multi-byte character is erased whole. */
static bool is_continuation(const struct n_tty *tty, uint8_t c)
{
	return has_iflag(tty, IUTF8) && (c & 0xc0) == 0x80;
}

static uint8_t buf_at(const struct n_tty *tty, size_t i)
{
	return tty->buf[i & BUF_MASK];
}

static bool is_line_end(const struct n_tty *tty, size_t i)
{
	i &= BUF_MASK;
	return tty->line_end[i / 8] & (1u << (i % 8));
}

static void set_line_end(struct n_tty *tty, size_t i, bool is_end)
{
	i &= BUF_MASK;
	if (is_end)
		tty->line_end[i / 8] |= 1u << (i % 8);
	else
		tty->line_end[i / 8] &= ~(1u << (i % 8));
}

static void emit(struct n_tty *tty, const uint8_t *bytes, size_t len)
{
	if (len)
		tty->ops->output(tty, bytes, len);
}

static void emit_byte(struct n_tty *tty, uint8_t c)
{
	emit(tty, &c, 1);
}

/* One byte of output through OPOST, keeping the cursor column. */
static void output_byte(struct n_tty *tty, uint8_t c)
{
	static const uint8_t spaces[] = "        ";
	unsigned int n;

	if (!has_oflag(tty, OPOST)) {
		emit_byte(tty, c);
		return;
	}
	switch (c) {
	case '\n':
		if (has_oflag(tty, ONLRET))
			tty->column = 0;
		if (has_oflag(tty, ONLCR)) {
			tty->column = tty->canon_column = 0;
			emit(tty, (const uint8_t *)"\r\n", 2);
			return;
		}
		tty->canon_column = tty->column;
		break;
	case '\r':
		if (has_oflag(tty, ONOCR) && tty->column == 0)
			return;
		if (has_oflag(tty, OCRNL)) {
			c = '\n';
			if (has_oflag(tty, ONLRET))
				tty->column = tty->canon_column = 0;
			break;
		}
		tty->column = tty->canon_column = 0;
		break;
	case '\t':
		n = 8 - (tty->column & 7);
		tty->column += n;
		if ((tty->termios.c_oflag & TABDLY) == XTABS) {
			emit(tty, spaces, n);
			return;
		}
		break;
	case '\b':
		if (tty->column > 0)
			tty->column--;
		break;
	default:
		if (!is_control(c)) {
			if (has_oflag(tty, OLCUC) && c >= 'a' && c <= 'z')
				c -= 'a' - 'A';
			if (!is_continuation(tty, c))
				tty->column++;
		}
		break;
	}
	emit_byte(tty, c);
}

static void output_string(struct n_tty *tty, const char *s)
{
	while (*s)
		output_byte(tty, (uint8_t)*s++);
}

/* Echo as typed: with ECHOCTL a control character (not tab) shows as ^X,
 * two columns. */
static void echo_char(struct n_tty *tty, uint8_t c)
{
	uint8_t caret[2] = { '^', c ^ 0100 };

	if (has_lflag(tty, ECHOCTL) && is_control(c) && c != '\t') {
		emit(tty, caret, 2);
		tty->column += 2;
	} else {
		output_byte(tty, c);
	}
}

/* ECHOPRT shows erased characters between \ and /. */
static void finish_erasing(struct n_tty *tty)
{
	if (tty->is_erasing) {
		output_byte(tty, '/');
		tty->is_erasing = false;
	}
}

static void reset_input(struct n_tty *tty)
{
	tty->read_tail = tty->canon_head = tty->read_head = 0;
	memset(tty->line_end, 0, sizeof(tty->line_end));
	tty->is_lnext = false;
	tty->is_erasing = false;
}

static size_t input_used(const struct n_tty *tty)
{
	return tty->read_head - tty->read_tail;
}

/* Whether the next byte may be processed. Linux keeps one slot free except
 * for a canonical line that fills the whole buffer (see store_byte). */
static bool has_room(const struct n_tty *tty)
{
	if (input_used(tty) < N_TTY_BUF_SIZE - 1)
		return true;
	return has_lflag(tty, ICANON) && tty->canon_head == tty->read_tail;
}

static void store_byte(struct n_tty *tty, uint8_t c, bool is_end)
{
	tty->buf[tty->read_head & BUF_MASK] = c;
	set_line_end(tty, tty->read_head, is_end);
	tty->read_head++;
	if (is_end)
		tty->canon_head = tty->read_head;
}

/* Moves the cursor back over a tab: num_cols columns were used since the
 * previous tab (is_after_tab) or since the line began. */
static void echo_erase_tab(struct n_tty *tty, unsigned int num_cols, bool is_after_tab)
{
	unsigned int n;

	if (!is_after_tab)
		num_cols += tty->canon_column;
	n = 8 - (num_cols & 7);
	if (n > tty->column)
		n = tty->column;
	while (n--) {
		emit_byte(tty, '\b');
		tty->column--;
	}
}

static void echo_erase_one(struct n_tty *tty, uint8_t c, size_t head, size_t cnt)
{
	unsigned int num_cols = 0;
	bool is_after_tab = false;
	size_t i;

	if (has_lflag(tty, ECHOPRT)) {
		if (!tty->is_erasing) {
			output_byte(tty, '\\');
			tty->is_erasing = true;
		}
		echo_char(tty, c);
		for (i = 1; i < cnt; i++)
			output_byte(tty, buf_at(tty, head + i));
	} else if (c == '\t') {
		for (i = tty->read_head; i != tty->canon_head;) {
			c = buf_at(tty, --i);
			if (c == '\t') {
				is_after_tab = true;
				break;
			}
			if (is_control(c)) {
				if (has_lflag(tty, ECHOCTL))
					num_cols += 2;
			} else if (!is_continuation(tty, c)) {
				num_cols++;
			}
		}
		echo_erase_tab(tty, num_cols, is_after_tab);
	} else if (!is_control(c) || has_lflag(tty, ECHOCTL)) {
		/* A control character echoed as ^X takes two columns; one
		 * echoed raw took none. */
		output_string(tty, "\b \b");
		if (is_control(c))
			output_string(tty, "\b \b");
	}
}

enum erase_kind { ERASE_CHAR, ERASE_WORD, ERASE_LINE };

/* VERASE, VWERASE and VKILL on the line being edited. */
static void erase(struct n_tty *tty, enum erase_kind kind)
{
	bool is_echo = has_lflag(tty, ECHO);
	unsigned int nr_word_chars = 0;
	size_t head, cnt;
	uint8_t c;

	if (tty->read_head == tty->canon_head)
		return;
	if (kind == ERASE_LINE && (!is_echo || !has_lflag(tty, ECHOK) || !has_lflag(tty, ECHOKE) ||
				   !has_lflag(tty, ECHOE))) {
		/* Without ECHOKE the kill character is echoed, then a
		 * newline if ECHOK asks for one. */
		tty->read_head = tty->canon_head;
		if (!is_echo)
			return;
		finish_erasing(tty);
		echo_char(tty, tty->termios.c_cc[VKILL]);
		if (has_lflag(tty, ECHOK))
			output_byte(tty, '\n');
		return;
	}
	while (tty->read_head != tty->canon_head) {
		head = tty->read_head;
		do {
			c = buf_at(tty, --head);
		} while (is_continuation(tty, c) && head != tty->canon_head);
		if (is_continuation(tty, c))
			break; /* never half a character */
		/* A word is alphanumerics and underscores; anything else
		 * after it ends the erase (BSD's ALTWERASE). */
		if (kind == ERASE_WORD) {
			if (is_word_char(c))
				nr_word_chars++;
			else if (nr_word_chars)
				break;
		}
		cnt = tty->read_head - head;
		tty->read_head = head;
		if (is_echo) {
			if (kind == ERASE_CHAR && !has_lflag(tty, ECHOE) &&
			    !has_lflag(tty, ECHOPRT))
				echo_char(tty, tty->termios.c_cc[VERASE]);
			else
				echo_erase_one(tty, c, head, cnt);
		}
		if (kind == ERASE_CHAR)
			break;
	}
	if (tty->read_head == tty->canon_head && is_echo)
		finish_erasing(tty);
}

/* ^C ^\ ^Z: Linux signals first, then flushes (unless NOFLSH), then
 * echoes the character so that it shows after the flush. */
static void receive_signal_char(struct n_tty *tty, int sig, uint8_t c)
{
	tty->ops->signal(tty, tty->pgrp, sig);
	if (!has_lflag(tty, NOFLSH)) {
		reset_input(tty);
		if (tty->ops->flush_output)
			tty->ops->flush_output(tty);
	}
	if (has_iflag(tty, IXON))
		tty->is_stopped = false;
	if (has_lflag(tty, ECHO))
		echo_char(tty, c);
}

/* An ordinary byte: echoed and queued. */
static void receive_plain(struct n_tty *tty, uint8_t c)
{
	if (has_lflag(tty, ECHO)) {
		finish_erasing(tty);
		if (c == '\n') {
			output_byte(tty, '\n');
		} else {
			if (tty->canon_head == tty->read_head)
				tty->canon_column = tty->column;
			echo_char(tty, c);
		}
	}
	store_byte(tty, c, false);
}

static void reprint_line(struct n_tty *tty, uint8_t c)
{
	size_t i;

	finish_erasing(tty);
	echo_char(tty, c);
	output_byte(tty, '\n');
	for (i = tty->canon_head; i != tty->read_head; i++)
		echo_char(tty, buf_at(tty, i));
}

/* Canonical-mode editing characters; false if c is not one. */
static bool receive_canon_special(struct n_tty *tty, uint8_t c)
{
	bool is_iexten = has_lflag(tty, IEXTEN);

	if (is_cc(tty, VERASE, c)) {
		erase(tty, ERASE_CHAR);
	} else if (is_cc(tty, VKILL, c)) {
		erase(tty, ERASE_LINE);
	} else if (is_iexten && is_cc(tty, VWERASE, c)) {
		erase(tty, ERASE_WORD);
	} else if (is_iexten && is_cc(tty, VLNEXT, c)) {
		tty->is_lnext = true;
		/* ^ with the cursor on it, overwritten by what comes next */
		if (has_lflag(tty, ECHO)) {
			finish_erasing(tty);
			if (has_lflag(tty, ECHOCTL)) {
				output_byte(tty, '^');
				output_byte(tty, '\b');
			}
		}
	} else if (is_iexten && has_lflag(tty, ECHO) && is_cc(tty, VREPRINT, c)) {
		reprint_line(tty, c);
	} else if (c == '\n') {
		if (has_lflag(tty, ECHO) || has_lflag(tty, ECHONL))
			output_byte(tty, '\n');
		store_byte(tty, c, true);
	} else if (is_cc(tty, VEOF, c)) {
		/* Not echoed; marks where the line ends, not copied out. */
		store_byte(tty, DISABLED_CHAR, true);
	} else if (is_cc(tty, VEOL, c) || (is_iexten && is_cc(tty, VEOL2, c))) {
		if (has_lflag(tty, ECHO)) {
			if (tty->canon_head == tty->read_head)
				tty->canon_column = tty->column;
			echo_char(tty, c);
		}
		store_byte(tty, c, true);
	} else {
		return false;
	}
	return true;
}

static void receive_byte(struct n_tty *tty, uint8_t c)
{
	if (has_iflag(tty, ISTRIP))
		c &= 0x7f;
	if (has_iflag(tty, IUCLC) && has_lflag(tty, IEXTEN) && c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	if (tty->is_lnext) {
		tty->is_lnext = false;
		receive_plain(tty, c);
		return;
	}
	if (has_iflag(tty, IXON)) {
		if (is_cc(tty, VSTART, c)) {
			tty->is_stopped = false;
			return;
		}
		if (is_cc(tty, VSTOP, c)) {
			tty->is_stopped = true;
			return;
		}
		if (has_iflag(tty, IXANY))
			tty->is_stopped = false;
	}
	if (has_lflag(tty, ISIG)) {
		if (is_cc(tty, VINTR, c)) {
			receive_signal_char(tty, SIGINT, c);
			return;
		}
		if (is_cc(tty, VQUIT, c)) {
			receive_signal_char(tty, SIGQUIT, c);
			return;
		}
		if (is_cc(tty, VSUSP, c)) {
			receive_signal_char(tty, SIGTSTP, c);
			return;
		}
	}
	if (c == '\r') {
		if (has_iflag(tty, IGNCR))
			return;
		if (has_iflag(tty, ICRNL))
			c = '\n';
	} else if (c == '\n' && has_iflag(tty, INLCR)) {
		c = '\r';
	}
	if (has_lflag(tty, ICANON) && receive_canon_special(tty, c))
		return;
	receive_plain(tty, c);
}

size_t n_tty_receive(struct n_tty *tty, const uint8_t *bytes, size_t len)
{
	size_t i;

	for (i = 0; i < len && has_room(tty); i++) {
		/* As Linux, an overlong line loses its last byte to whatever
		 * comes next, an erase character included. */
		if (input_used(tty) == N_TTY_BUF_SIZE)
			tty->read_head--;
		receive_byte(tty, bytes[i]);
	}
	return i;
}

static long read_canon(struct n_tty *tty, uint8_t *buf, size_t len)
{
	size_t avail = tty->canon_head - tty->read_tail;
	size_t n = len < avail ? len : avail, i, copy, consumed;
	bool is_found = false;

	if (!avail)
		return -EAGAIN;
	for (i = 0; i < n; i++) {
		if (is_line_end(tty, tty->read_tail + i)) {
			is_found = true;
			break;
		}
	}
	consumed = is_found ? i + 1 : n;
	copy = consumed;
	if (is_found && buf_at(tty, tty->read_tail + i) == DISABLED_CHAR)
		copy--; /* the VEOF marker */
	for (i = 0; i < copy; i++)
		buf[i] = buf_at(tty, tty->read_tail + i);
	if (is_found)
		set_line_end(tty, tty->read_tail + consumed - 1, false);
	tty->read_tail += consumed;
	/* A read that ends just before a VEOF marker takes the marker too
	 * (Linux's canon_skip_eof), else the next read would see EOF. */
	if (!is_found && copy == len && tty->read_tail != tty->canon_head &&
	    is_line_end(tty, tty->read_tail) && buf_at(tty, tty->read_tail) == DISABLED_CHAR) {
		set_line_end(tty, tty->read_tail, false);
		tty->read_tail++;
	}
	return (long)copy;
}

long n_tty_read(struct n_tty *tty, uint8_t *buf, size_t len)
{
	size_t avail = input_used(tty), n, i;

	if (!len)
		return 0;
	if (has_lflag(tty, ICANON))
		return read_canon(tty, buf, len);
	if (!avail)
		return -EAGAIN;
	n = len < avail ? len : avail;
	for (i = 0; i < n; i++)
		buf[i] = buf_at(tty, tty->read_tail + i);
	tty->read_tail += n;
	tty->canon_head = tty->read_tail; /* unused until ICANON comes back */
	return (long)n;
}

bool n_tty_read_is_done(const struct n_tty *tty, size_t copied, size_t len)
{
	size_t min = tty->termios.c_cc[VMIN];

	if (has_lflag(tty, ICANON))
		return copied > 0;
	if (!min)
		min = 1;
	return copied >= (min < len ? min : len);
}

long n_tty_read_wait_ms(const struct n_tty *tty, size_t copied)
{
	long time_ms = (long)tty->termios.c_cc[VTIME] * 100;

	if (has_lflag(tty, ICANON))
		return N_TTY_WAIT_FOREVER;
	if (!tty->termios.c_cc[VMIN])
		return time_ms;
	if (!time_ms || !copied)
		return N_TTY_WAIT_FOREVER;
	return time_ms;
}

bool n_tty_has_input(const struct n_tty *tty)
{
	if (has_lflag(tty, ICANON))
		return tty->canon_head != tty->read_tail;
	return input_used(tty) > 0;
}

bool n_tty_is_readable(const struct n_tty *tty)
{
	size_t need = 1;

	if (has_lflag(tty, ICANON))
		return tty->canon_head != tty->read_tail;
	if (!tty->termios.c_cc[VTIME] && tty->termios.c_cc[VMIN])
		need = tty->termios.c_cc[VMIN];
	return input_used(tty) >= need;
}

unsigned int n_tty_poll(const struct n_tty *tty)
{
	unsigned int mask = 0;

	if (n_tty_is_readable(tty))
		mask |= POLLIN | POLLRDNORM;
	if (!tty->is_stopped)
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

/* Bytes that OPOST passes through unchanged but for the column count. */
static bool is_plain_output(const struct n_tty *tty, uint8_t c)
{
	return !is_control(c) && !(c >= 'a' && c <= 'z' && has_oflag(tty, OLCUC)) &&
	       !is_continuation(tty, c);
}

long n_tty_write(struct n_tty *tty, const uint8_t *buf, size_t len)
{
	size_t i = 0, run;

	if (tty->is_stopped)
		return -EAGAIN;
	if (!has_oflag(tty, OPOST)) {
		emit(tty, buf, len);
		return (long)len;
	}
	while (i < len) {
		for (run = 0; i + run < len && is_plain_output(tty, buf[i + run]); run++)
			;
		if (run) {
			emit(tty, buf + i, run);
			tty->column += run;
			i += run;
		} else {
			output_byte(tty, buf[i++]);
		}
	}
	return (long)len;
}

void n_tty_get_termios(const struct n_tty *tty, struct termios *t)
{
	memcpy(t, &tty->termios, sizeof(*t)); /* termios2 starts as termios */
}

void n_tty_get_termios2(const struct n_tty *tty, struct termios2 *t)
{
	*t = tty->termios;
}

int n_tty_set_termios2(struct n_tty *tty, const struct termios2 *t, int when)
{
	bool was_canon = has_lflag(tty, ICANON);

	if (when != TCSANOW && when != TCSADRAIN && when != TCSAFLUSH)
		return -EINVAL;
	if (when == TCSAFLUSH)
		reset_input(tty);
	tty->termios = *t;
	if (was_canon != has_lflag(tty, ICANON)) {
		/* Entering canonical mode, pending input becomes one line;
		 * leaving it, all input is readable as is. */
		memset(tty->line_end, 0, sizeof(tty->line_end));
		if (has_lflag(tty, ICANON) && input_used(tty)) {
			set_line_end(tty, tty->read_head - 1, true);
			tty->canon_head = tty->read_head;
		} else {
			tty->canon_head = tty->read_tail;
		}
		tty->is_lnext = false;
		tty->is_erasing = false;
	}
	if (!has_iflag(tty, IXON))
		tty->is_stopped = false;
	return 0;
}

int n_tty_set_termios(struct n_tty *tty, const struct termios *t, int when)
{
	struct termios2 t2 = tty->termios;

	memcpy(&t2, t, sizeof(*t));
	return n_tty_set_termios2(tty, &t2, when);
}

void n_tty_get_winsize(const struct n_tty *tty, struct winsize *ws)
{
	*ws = tty->winsize;
}

void n_tty_set_winsize(struct n_tty *tty, const struct winsize *ws)
{
	if (!memcmp(ws, &tty->winsize, sizeof(*ws)))
		return;
	tty->winsize = *ws;
	tty->ops->signal(tty, tty->pgrp, SIGWINCH);
}

int n_tty_get_pgrp(const struct n_tty *tty)
{
	return tty->pgrp;
}

void n_tty_set_pgrp(struct n_tty *tty, int pgrp)
{
	tty->pgrp = pgrp;
}

void n_tty_set_ctty(struct n_tty *tty, int session, int pgrp)
{
	tty->session = session;
	tty->pgrp = pgrp;
}

size_t n_tty_inq(const struct n_tty *tty)
{
	size_t i, n = 0;

	if (!has_lflag(tty, ICANON))
		return input_used(tty);
	for (i = tty->read_tail; i != tty->canon_head; i++)
		if (!(is_line_end(tty, i) && buf_at(tty, i) == DISABLED_CHAR))
			n++;
	return n;
}

int n_tty_flush(struct n_tty *tty, int queue)
{
	if (queue != TCIFLUSH && queue != TCOFLUSH && queue != TCIOFLUSH)
		return -EINVAL;
	if (queue != TCOFLUSH)
		reset_input(tty);
	if (queue != TCIFLUSH && tty->ops->flush_output)
		tty->ops->flush_output(tty);
	return 0;
}

void n_tty_init(struct n_tty *tty, const struct n_tty_ops *ops, void *priv)
{
	memset(tty, 0, sizeof(*tty));
	tty->ops = ops;
	tty->priv = priv;
	/* Linux's tty_std_termios, what `stty sane` restores */
	tty->termios.c_iflag = ICRNL | IXON;
	tty->termios.c_oflag = OPOST | ONLCR;
	tty->termios.c_cflag = B38400 | CS8 | CREAD | HUPCL;
	tty->termios.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	memcpy(tty->termios.c_cc, default_cc, sizeof(default_cc));
	tty->termios.c_ispeed = tty->termios.c_ospeed = 38400;
}
