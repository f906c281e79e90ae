/* The line discipline (guest/kernel/tty/n_tty.c): line editing, echo bytes
 * as Linux prints them, signal characters, VMIN/VTIME, buffer limits and the
 * termios ioctls. */
#include <asm/poll.h>
#include <signal.h>
#include <string.h>
#include <vitro/errno.h>
#include <vitro/tty.h>

#include "unit.h"

static struct n_tty tty;
static char out[16384];
static size_t out_len;
static int sigs[8], sig_pgrps[8], nr_sigs, nr_output_flushes;

static void capture_output(struct n_tty *t, const uint8_t *buf, size_t len)
{
	(void)t;
	if (out_len + len < sizeof(out)) {
		memcpy(out + out_len, buf, len);
		out_len += len;
		out[out_len] = '\0';
	}
}

static void record_output_flush(struct n_tty *t)
{
	(void)t;
	nr_output_flushes++;
}

static void record_signal(struct n_tty *t, int pgrp, int sig)
{
	(void)t;
	if (nr_sigs < (int)ARRAY_SIZE(sigs)) {
		sigs[nr_sigs] = sig;
		sig_pgrps[nr_sigs] = pgrp;
	}
	nr_sigs++;
}

static const struct n_tty_ops ops = {
	.output = capture_output,
	.flush_output = record_output_flush,
	.signal = record_signal,
};

static void open_tty(void)
{
	n_tty_init(&tty, &ops, NULL);
	out_len = 0;
	out[0] = '\0';
	nr_sigs = nr_output_flushes = 0;
}

static void clear_output(void)
{
	out_len = 0;
	out[0] = '\0';
}

static size_t type(const char *s)
{
	return n_tty_receive(&tty, (const uint8_t *)s, strlen(s));
}

/* One read of up to len bytes as a NUL-terminated string; n gets the result. */
static const char *read_str(size_t len, long *n)
{
	static char buf[N_TTY_BUF_SIZE + 1];

	*n = n_tty_read(&tty, (uint8_t *)buf, len);
	buf[*n > 0 ? *n : 0] = '\0';
	return buf;
}

static void set_lflag(unsigned int set, unsigned int clear)
{
	struct termios t;

	n_tty_get_termios(&tty, &t);
	t.c_lflag = (t.c_lflag | set) & ~clear;
	EXPECT_EQ(n_tty_set_termios(&tty, &t, TCSANOW), 0);
}

static void set_iflag(unsigned int set, unsigned int clear)
{
	struct termios t;

	n_tty_get_termios(&tty, &t);
	t.c_iflag = (t.c_iflag | set) & ~clear;
	EXPECT_EQ(n_tty_set_termios(&tty, &t, TCSANOW), 0);
}

static void set_raw(unsigned int vmin, unsigned int vtime)
{
	struct termios t;

	n_tty_get_termios(&tty, &t);
	t.c_lflag &= ~(ICANON | ECHO);
	t.c_cc[VMIN] = vmin;
	t.c_cc[VTIME] = vtime;
	EXPECT_EQ(n_tty_set_termios(&tty, &t, TCSANOW), 0);
}

static void test_n_tty_defaults_are_linux_sane(void)
{
	struct termios2 t;

	open_tty();
	n_tty_get_termios2(&tty, &t);
	EXPECT_EQ(t.c_iflag, ICRNL | IXON);
	EXPECT_EQ(t.c_oflag, OPOST | ONLCR);
	EXPECT_EQ(t.c_lflag, ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN);
	EXPECT_EQ(t.c_cc[VINTR], 003);
	EXPECT_EQ(t.c_cc[VQUIT], 034);
	EXPECT_EQ(t.c_cc[VERASE], 0177);
	EXPECT_EQ(t.c_cc[VKILL], 025);
	EXPECT_EQ(t.c_cc[VEOF], 004);
	EXPECT_EQ(t.c_cc[VMIN], 1);
	EXPECT_EQ(t.c_cc[VSUSP], 032);
	EXPECT_EQ(t.c_cc[VWERASE], 027);
	EXPECT_EQ(t.c_cc[VLNEXT], 026);
	EXPECT_EQ(t.c_cc[VEOL], 0);
}

/* Each DEL erases one character: "helo" less two is "he". */
static void test_n_tty_erase_removes_one_char_each(void)
{
	long n;

	open_tty();
	EXPECT_EQ(type("helo\x7f\x7flo\r"), 9);
	EXPECT_STR(out, "helo\b \b\b \blo\r\n");
	EXPECT_STR(read_str(100, &n), "helo\n");
	EXPECT_EQ(n, 5);
	type("helo\x7flo\n");
	EXPECT_STR(read_str(100, &n), "hello\n");
	/* Nothing to erase at the start of a line: no echo. */
	clear_output();
	type("\x7f\x7f");
	EXPECT_EQ(out_len, 0);
}

/* Without ECHOE the erase character itself is echoed. */
static void test_n_tty_erase_without_echoe_echoes_erase_char(void)
{
	long n;

	open_tty();
	set_lflag(0, ECHOE);
	type("ab\x7f\n");
	EXPECT_STR(out, "ab^?\r\n");
	EXPECT_STR(read_str(100, &n), "a\n");
}

/* A control character shown as ^X takes two columns to erase; a tab goes
 * back to where it started. */
static void test_n_tty_erase_of_control_char_and_tab(void)
{
	long n;

	open_tty();
	type("a\x01\x7f");
	EXPECT_STR(out, "a^A\b \b\b \b");
	clear_output();
	type("b\t\x7f");
	EXPECT_STR(out, "b\t\b\b\b\b\b\b"); /* from column 8 back to 2 */
	type("\n");
	EXPECT_STR(read_str(100, &n), "ab\n");
}

/* ECHOPRT prints what is erased between \ and /. */
static void test_n_tty_echoprt_shows_erased_chars(void)
{
	long n;

	open_tty();
	set_lflag(ECHOPRT, 0);
	type("abc\x7f\x7f"
	     "d\n");
	EXPECT_STR(out, "abc\\cb/d\r\n");
	EXPECT_STR(read_str(100, &n), "ad\n");
}

/* ^R reprints the line being edited on a fresh line. */
static void test_n_tty_reprint_echoes_pending_line(void)
{
	long n;

	open_tty();
	type("ab\x01\x12");
	EXPECT_STR(out, "ab^A^R\r\nab^A");
	type("\n");
	EXPECT_STR(read_str(100, &n), "ab\x01\n");
}

/* With IUTF8 one erase takes a whole multi-byte character. */
static void test_n_tty_iutf8_erases_whole_character(void)
{
	long n;

	open_tty();
	set_iflag(IUTF8, 0);
	type("a\xc3\xa9\x7f\n");
	EXPECT_STR(out, "a\xc3\xa9\b \b\r\n");
	EXPECT_STR(read_str(100, &n), "a\n");
	set_iflag(0, IUTF8);
	type("a\xc3\xa9\x7f\n");
	EXPECT_STR(read_str(100, &n), "a\xc3\n");
}

static void test_n_tty_kill_erases_line(void)
{
	long n;

	open_tty();
	type("abc\x15"
	     "def\n");
	EXPECT_STR(out, "abc\b \b\b \b\b \bdef\r\n");
	EXPECT_STR(read_str(100, &n), "def\n");
	/* stty -echoke: ^U is echoed, then a newline for ECHOK */
	set_lflag(0, ECHOKE);
	clear_output();
	type("xy\x15z\n");
	EXPECT_STR(out, "xy^U\r\nz\r\n");
	EXPECT_STR(read_str(100, &n), "z\n");
}

static void test_n_tty_word_erase_stops_at_word_start(void)
{
	long n;

	open_tty();
	type("echo foo bar\x17"
	     "baz\n");
	EXPECT_STR(read_str(100, &n), "echo foo baz\n");
	/* Trailing blanks go with the word before them. */
	clear_output();
	type("ab cd  \x17\n");
	EXPECT_STR(out, "ab cd  \b \b\b \b\b \b\b \b\r\n");
	EXPECT_STR(read_str(100, &n), "ab \n");
}

static void test_n_tty_eof_at_line_start_reads_zero(void)
{
	long n;

	open_tty();
	type("\x04");
	EXPECT_EQ(out_len, 0); /* VEOF is not echoed */
	EXPECT_TRUE(n_tty_is_readable(&tty));
	read_str(100, &n);
	EXPECT_EQ(n, 0);
	read_str(100, &n);
	EXPECT_EQ(n, -EAGAIN);
}

static void test_n_tty_eof_mid_line_returns_partial_line(void)
{
	long n;

	open_tty();
	type("abc");
	EXPECT_FALSE(n_tty_is_readable(&tty));
	EXPECT_EQ(read_str(100, &n)[0], '\0');
	EXPECT_EQ(n, -EAGAIN);
	type("\x04\x04");
	EXPECT_EQ(n_tty_inq(&tty), 3);
	EXPECT_STR(read_str(100, &n), "abc");
	EXPECT_EQ(n, 3);
	read_str(100, &n);
	EXPECT_EQ(n, 0); /* the second ^D, now at a line start */

	/* A read that stops right before a ^D takes it along, not EOF. */
	type("xy\x04");
	EXPECT_STR(read_str(2, &n), "xy");
	read_str(100, &n);
	EXPECT_EQ(n, -EAGAIN);
}

static void test_n_tty_intr_signals_flushes_and_echoes(void)
{
	long n;

	open_tty();
	n_tty_set_pgrp(&tty, 42);
	type("abc\x03");
	EXPECT_EQ(nr_sigs, 1);
	EXPECT_EQ(sigs[0], SIGINT);
	EXPECT_EQ(sig_pgrps[0], 42);
	EXPECT_EQ(nr_output_flushes, 1);
	EXPECT_STR(out, "abc^C");
	EXPECT_EQ(n_tty_inq(&tty), 0);
	type("x\n");
	EXPECT_STR(read_str(100, &n), "x\n");

	type("\x1c\x1a");
	EXPECT_EQ(nr_sigs, 3);
	EXPECT_EQ(sigs[1], SIGQUIT);
	EXPECT_EQ(sigs[2], SIGTSTP);
}

static void test_n_tty_intr_with_noflsh_keeps_input(void)
{
	long n;

	open_tty();
	set_lflag(NOFLSH, 0);
	type("ab\x03"
	     "c\n");
	EXPECT_EQ(nr_sigs, 1);
	EXPECT_EQ(nr_output_flushes, 0);
	EXPECT_STR(read_str(100, &n), "abc\n");
	/* Without ISIG ^C is an ordinary character. */
	set_lflag(0, ISIG);
	type("\x03\n");
	EXPECT_EQ(nr_sigs, 1);
	EXPECT_STR(read_str(100, &n), "\x03\n");
}

static void test_n_tty_lnext_quotes_next_char(void)
{
	long n;

	open_tty();
	type("\x16\x03\x16\x7f\n");
	EXPECT_EQ(nr_sigs, 0);
	EXPECT_STR(out, "^\b^C^\b^?\r\n");
	EXPECT_STR(read_str(100, &n), "\x03\x7f\n");
}

static void test_n_tty_echo_ctl_and_newline(void)
{
	long n;

	open_tty();
	type("a\x01\tb\n");
	EXPECT_STR(out, "a^A\tb\r\n");
	EXPECT_STR(read_str(100, &n), "a\x01\tb\n");
	/* ECHONL echoes only the newline when ECHO is off. */
	set_lflag(ECHONL, ECHO);
	clear_output();
	type("pw\n");
	EXPECT_STR(out, "\r\n");
	set_lflag(0, ECHONL);
	clear_output();
	type("pw\n");
	EXPECT_EQ(out_len, 0);
}

static void test_n_tty_icrnl_and_friends_translate_input(void)
{
	long n;

	open_tty();
	type("a\r");
	EXPECT_STR(read_str(100, &n), "a\n");
	set_iflag(IGNCR, 0);
	type("b\r\n");
	EXPECT_STR(read_str(100, &n), "b\n");
	/* Without ICRNL a CR is an ordinary character that ends no line. */
	set_iflag(0, ICRNL | IGNCR);
	clear_output();
	type("c\r");
	EXPECT_STR(out, "c^M");
	EXPECT_FALSE(n_tty_is_readable(&tty));
	set_iflag(INLCR, 0);
	type("\n");
	EXPECT_FALSE(n_tty_is_readable(&tty)); /* NL became CR */
	set_iflag(ISTRIP, INLCR);
	type("\xe1\n");
	EXPECT_STR(read_str(100, &n), "c\r\ra\n");
}

static void test_n_tty_veol_ends_line_and_is_kept(void)
{
	struct termios t;
	long n;

	open_tty();
	n_tty_get_termios(&tty, &t);
	t.c_cc[VEOL] = '@';
	n_tty_set_termios(&tty, &t, TCSANOW);
	type("ab@cd");
	EXPECT_STR(read_str(100, &n), "ab@");
	EXPECT_EQ(read_str(100, &n)[0], '\0');
	EXPECT_EQ(n, -EAGAIN);
}

/* A line longer than the read comes out over several reads. */
static void test_n_tty_short_reads_split_a_line(void)
{
	long n;

	open_tty();
	type("abcd\nef\n");
	EXPECT_EQ(n_tty_inq(&tty), 8);
	EXPECT_STR(read_str(2, &n), "ab");
	EXPECT_STR(read_str(100, &n), "cd\n");
	EXPECT_STR(read_str(100, &n), "ef\n");
	EXPECT_TRUE(n_tty_read_is_done(&tty, 1, 100));
	EXPECT_EQ(n_tty_read_wait_ms(&tty, 0), N_TTY_WAIT_FOREVER);
}

static void test_n_tty_raw_vmin1_returns_what_is_there(void)
{
	long n;

	open_tty();
	set_raw(1, 0);
	EXPECT_FALSE(n_tty_is_readable(&tty));
	read_str(100, &n);
	EXPECT_EQ(n, -EAGAIN);
	EXPECT_EQ(n_tty_read_wait_ms(&tty, 0), N_TTY_WAIT_FOREVER);
	type("a\x7f\x04\r");
	EXPECT_EQ(out_len, 0);
	EXPECT_TRUE(n_tty_is_readable(&tty));
	EXPECT_STR(read_str(100, &n), "a\x7f\x04\n");
	EXPECT_TRUE(n_tty_read_is_done(&tty, 1, 100));
	EXPECT_FALSE(n_tty_read_is_done(&tty, 0, 100));
}

static void test_n_tty_raw_vmin_vtime_waits(void)
{
	open_tty();
	set_raw(0, 0); /* polling read: return at once, even with nothing */
	EXPECT_EQ(n_tty_read_wait_ms(&tty, 0), 0);
	set_raw(0, 5); /* whole-read timer of 0.5 s */
	EXPECT_EQ(n_tty_read_wait_ms(&tty, 0), 500);
	EXPECT_TRUE(n_tty_read_is_done(&tty, 1, 100));
	set_raw(4, 0); /* four bytes, or fewer if the read asks for fewer */
	type("ab");
	EXPECT_FALSE(n_tty_is_readable(&tty));
	/* A reader that took these two wakes for each further byte. */
	EXPECT_TRUE(n_tty_has_input(&tty));
	EXPECT_FALSE(n_tty_read_is_done(&tty, 2, 100));
	EXPECT_TRUE(n_tty_read_is_done(&tty, 2, 2));
	EXPECT_EQ(n_tty_read_wait_ms(&tty, 2), N_TTY_WAIT_FOREVER);
	type("cd");
	EXPECT_TRUE(n_tty_is_readable(&tty));
	EXPECT_EQ(n_tty_poll(&tty), POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
	set_raw(2, 3); /* inter-byte timer, from the first byte on */
	EXPECT_EQ(n_tty_read_wait_ms(&tty, 0), N_TTY_WAIT_FOREVER);
	EXPECT_EQ(n_tty_read_wait_ms(&tty, 1), 300);
}

static void test_n_tty_icanon_switch_makes_pending_input_a_line(void)
{
	long n;

	open_tty();
	set_raw(1, 0);
	type("xyz");
	set_lflag(ICANON, 0);
	EXPECT_TRUE(n_tty_is_readable(&tty));
	EXPECT_STR(read_str(100, &n), "xyz");
	/* Leaving canonical mode, a half-typed line is readable. */
	type("ab");
	set_raw(1, 0);
	EXPECT_STR(read_str(100, &n), "ab");
}

/* A canonical line keeps taking bytes, each replacing the last, so that
 * the newline still fits; raw input stops one byte short of full. */
static void test_n_tty_buffer_full(void)
{
	static char big[5001];
	long n;
	const char *line;

	open_tty();
	memset(big, 'a', 5000);
	set_lflag(0, ECHO);
	EXPECT_EQ(type(big), 5000);
	EXPECT_EQ(type("\n"), 1);
	line = read_str(N_TTY_BUF_SIZE, &n);
	EXPECT_EQ(n, N_TTY_BUF_SIZE);
	EXPECT_EQ(line[N_TTY_BUF_SIZE - 2], 'a');
	EXPECT_EQ(line[N_TTY_BUF_SIZE - 1], '\n');

	/* Erasing in a full line: the byte the DEL replaced, then one more. */
	EXPECT_EQ(type(big), 5000);
	type("\x7f\n");
	EXPECT_EQ(n_tty_inq(&tty), N_TTY_BUF_SIZE - 1); /* 4094 a, \n */
	n_tty_flush(&tty, TCIFLUSH);

	/* With a complete line waiting, the next one stops at the limit. */
	type("x\n");
	EXPECT_EQ(type(big), N_TTY_BUF_SIZE - 1 - 2);
	/* Once it is read, the partial line may fill the buffer again. */
	EXPECT_STR(read_str(100, &n), "x\n");
	EXPECT_EQ(type(big), 5000);

	open_tty();
	set_raw(1, 0);
	EXPECT_EQ(type(big), N_TTY_BUF_SIZE - 1);
	EXPECT_EQ(n_tty_inq(&tty), N_TTY_BUF_SIZE - 1);
	read_str(10, &n);
	EXPECT_EQ(type(big), 10);
}

static void test_n_tty_tcsetsf_flushes_input(void)
{
	struct termios t;
	long n;

	open_tty();
	type("old\nabc");
	n_tty_get_termios(&tty, &t);
	EXPECT_EQ(n_tty_set_termios(&tty, &t, TCSADRAIN), 0);
	EXPECT_EQ(n_tty_inq(&tty), 4);
	EXPECT_EQ(n_tty_set_termios(&tty, &t, TCSAFLUSH), 0);
	EXPECT_EQ(n_tty_inq(&tty), 0);
	type("\n");
	EXPECT_STR(read_str(100, &n), "\n");
	EXPECT_EQ(n_tty_set_termios(&tty, &t, 7), -EINVAL);
}

static void test_n_tty_tcflsh_selects_queue(void)
{
	open_tty();
	type("ab\n");
	EXPECT_EQ(n_tty_flush(&tty, TCOFLUSH), 0);
	EXPECT_EQ(nr_output_flushes, 1);
	EXPECT_EQ(n_tty_inq(&tty), 3);
	EXPECT_EQ(n_tty_flush(&tty, TCIFLUSH), 0);
	EXPECT_EQ(n_tty_inq(&tty), 0);
	EXPECT_EQ(nr_output_flushes, 1);
	EXPECT_EQ(n_tty_flush(&tty, TCIOFLUSH), 0);
	EXPECT_EQ(nr_output_flushes, 2);
	EXPECT_EQ(n_tty_flush(&tty, 3), -EINVAL);
}

static void test_n_tty_winsize_change_signals_sigwinch(void)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 }, got;

	open_tty();
	n_tty_set_ctty(&tty, 7, 9);
	EXPECT_EQ(n_tty_get_pgrp(&tty), 9);
	n_tty_set_winsize(&tty, &ws);
	EXPECT_EQ(nr_sigs, 1);
	EXPECT_EQ(sigs[0], SIGWINCH);
	EXPECT_EQ(sig_pgrps[0], 9);
	n_tty_set_winsize(&tty, &ws);
	EXPECT_EQ(nr_sigs, 1);
	n_tty_get_winsize(&tty, &got);
	EXPECT_EQ(got.ws_row, 24);
	EXPECT_EQ(got.ws_col, 80);
}

static void test_n_tty_write_maps_nl_to_crnl(void)
{
	struct termios t;

	open_tty();
	EXPECT_EQ(n_tty_write(&tty, (const uint8_t *)"a\nb\n", 4), 4);
	EXPECT_STR(out, "a\r\nb\r\n");
	n_tty_get_termios(&tty, &t);
	t.c_oflag = OPOST | ONLCR | XTABS;
	n_tty_set_termios(&tty, &t, TCSANOW);
	clear_output();
	n_tty_write(&tty, (const uint8_t *)"ab\tc", 4);
	EXPECT_STR(out, "ab      c");
	t.c_oflag = 0;
	n_tty_set_termios(&tty, &t, TCSANOW);
	clear_output();
	n_tty_write(&tty, (const uint8_t *)"x\n", 2);
	EXPECT_STR(out, "x\n");
}

/* ^S stops output until ^Q; neither reaches the reader. */
static void test_n_tty_ixon_stops_writes(void)
{
	long n;

	open_tty();
	type("\x13");
	EXPECT_EQ(n_tty_write(&tty, (const uint8_t *)"x", 1), -EAGAIN);
	EXPECT_EQ(n_tty_poll(&tty), 0);
	type("\x11");
	EXPECT_EQ(n_tty_write(&tty, (const uint8_t *)"x", 1), 1);
	type("\n");
	EXPECT_STR(read_str(100, &n), "\n");
}

static CU_TestInfo n_tty_tests[] = {
	UNIT_TEST(test_n_tty_defaults_are_linux_sane),
	UNIT_TEST(test_n_tty_erase_removes_one_char_each),
	UNIT_TEST(test_n_tty_erase_without_echoe_echoes_erase_char),
	UNIT_TEST(test_n_tty_erase_of_control_char_and_tab),
	UNIT_TEST(test_n_tty_echoprt_shows_erased_chars),
	UNIT_TEST(test_n_tty_reprint_echoes_pending_line),
	UNIT_TEST(test_n_tty_iutf8_erases_whole_character),
	UNIT_TEST(test_n_tty_kill_erases_line),
	UNIT_TEST(test_n_tty_word_erase_stops_at_word_start),
	UNIT_TEST(test_n_tty_eof_at_line_start_reads_zero),
	UNIT_TEST(test_n_tty_eof_mid_line_returns_partial_line),
	UNIT_TEST(test_n_tty_intr_signals_flushes_and_echoes),
	UNIT_TEST(test_n_tty_intr_with_noflsh_keeps_input),
	UNIT_TEST(test_n_tty_lnext_quotes_next_char),
	UNIT_TEST(test_n_tty_echo_ctl_and_newline),
	UNIT_TEST(test_n_tty_icrnl_and_friends_translate_input),
	UNIT_TEST(test_n_tty_veol_ends_line_and_is_kept),
	UNIT_TEST(test_n_tty_short_reads_split_a_line),
	UNIT_TEST(test_n_tty_raw_vmin1_returns_what_is_there),
	UNIT_TEST(test_n_tty_raw_vmin_vtime_waits),
	UNIT_TEST(test_n_tty_icanon_switch_makes_pending_input_a_line),
	UNIT_TEST(test_n_tty_buffer_full),
	UNIT_TEST(test_n_tty_tcsetsf_flushes_input),
	UNIT_TEST(test_n_tty_tcflsh_selects_queue),
	UNIT_TEST(test_n_tty_winsize_change_signals_sigwinch),
	UNIT_TEST(test_n_tty_write_maps_nl_to_crnl),
	UNIT_TEST(test_n_tty_ixon_stops_writes),
	CU_TEST_INFO_NULL,
};

static void register_n_tty(void)
{
	unit_add_suite("n_tty", n_tty_tests);
}
UNIT_REGISTER(register_n_tty)
