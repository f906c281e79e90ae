/* See console.h. */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_termios;
static volatile sig_atomic_t terminal_is_raw;
static struct console_sink input_sink;
static pthread_t input_thread;
static int input_stop_pipe[2] = { -1, -1 };

enum console_action console_escape_feed(struct console_escape *esc, uint8_t byte, uint8_t *out)
{
	if (!esc->pending) {
		if (byte == CONSOLE_ESCAPE_CHAR) {
			esc->pending = true;
			return CONSOLE_NONE;
		}
		*out = byte;
		return CONSOLE_SEND;
	}
	esc->pending = false;
	switch (byte) {
	case 'x':
	case 'X':
		return CONSOLE_QUIT;
	case 'h':
	case 'H':
	case '?':
		return CONSOLE_HELP;
	case CONSOLE_ESCAPE_CHAR:
		*out = byte;
		return CONSOLE_SEND;
	default:
		return CONSOLE_NONE;
	}
}

void console_restore_terminal(void)
{
	if (terminal_is_raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
		terminal_is_raw = 0;
	}
}

static void console_fatal_signal(int sig)
{
	console_restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

void console_setup_terminal(void)
{
	static const int fatal_signals[] = { SIGINT,  SIGTERM, SIGHUP,	SIGQUIT,
					     SIGSEGV, SIGBUS,  SIGABRT, SIGFPE };
	struct termios raw;
	unsigned int i;

	signal(SIGPIPE, SIG_IGN);
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios))
		return;
	raw = saved_termios;
	/* Raw input, as cfmakeraw, but keep output processing so the host
	 * terminal still maps newlines, as QEMU's stdio backend does. */
	raw.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	raw.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	raw.c_cflag &= ~(CSIZE | PARENB);
	raw.c_cflag |= CS8;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw))
		return;
	terminal_is_raw = 1;
	atexit(console_restore_terminal);
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		signal(fatal_signals[i], console_fatal_signal);
}

void console_write(const uint8_t *data, unsigned long len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* stdout gone: the guest keeps running */
		data += n;
		len -= n;
	}
}

static void *console_input_thread(void *arg)
{
	static const char help[] =
		"\r\nC-a x  quit vitro\r\nC-a C-a  send C-a\r\nC-a h  this help\r\n";
	struct console_escape esc = { 0 };
	uint8_t buf[256], out;
	ssize_t n, i;

	(void)arg;
	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = input_stop_pipe[0], .events = POLLIN },
		};

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		if (fds[1].revents)
			return NULL;
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL; /* end of input: the guest just sees silence */
		for (i = 0; i < n; i++) {
			switch (console_escape_feed(&esc, buf[i], &out)) {
			case CONSOLE_SEND:
				if (!input_sink.deliver(input_sink.opaque, out))
					return NULL;
				break;
			case CONSOLE_QUIT:
				input_sink.quit(input_sink.opaque);
				return NULL;
			case CONSOLE_HELP:
				console_write((const uint8_t *)help, sizeof(help) - 1);
				break;
			case CONSOLE_NONE:
				break;
			}
		}
	}
}

int console_start_input(const struct console_sink *sink)
{
	int rc;

	input_sink = *sink;
	if (pipe2(input_stop_pipe, O_CLOEXEC))
		return -errno;
	rc = pthread_create(&input_thread, NULL, console_input_thread, NULL);
	if (rc) {
		close(input_stop_pipe[0]);
		close(input_stop_pipe[1]);
		input_stop_pipe[0] = input_stop_pipe[1] = -1;
		return -rc;
	}
	return 0;
}

void console_stop_input(void)
{
	if (input_stop_pipe[1] < 0)
		return;
	if (write(input_stop_pipe[1], "", 1) < 0)
		pthread_cancel(input_thread);
	pthread_join(input_thread, NULL);
	close(input_stop_pipe[0]);
	close(input_stop_pipe[1]);
	input_stop_pipe[0] = input_stop_pipe[1] = -1;
}
