/* The host side of the guest console: this terminal in raw mode (restored on
 * every exit path), a thread feeding stdin to the UART, and QEMU's Ctrl-A
 * escapes (Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A, Ctrl-A h helps). */
#ifndef VMM_CONSOLE_H
#define VMM_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#define CONSOLE_ESCAPE_CHAR 0x01 /* Ctrl-A */

enum console_action {
	CONSOLE_NONE, /* byte swallowed (start of an escape) */
	CONSOLE_SEND, /* send *out to the guest */
	CONSOLE_QUIT,
	CONSOLE_HELP,
};

struct console_escape {
	bool pending;
};

/* Escape-sequence state machine, one input byte at a time. */
enum console_action console_escape_feed(struct console_escape *esc, uint8_t byte, uint8_t *out);

struct console_sink {
	/* Delivers one byte to the guest, blocking while its FIFO is full;
	 * returns false when the VM is stopping. */
	bool (*deliver)(void *opaque, uint8_t byte);
	void (*quit)(void *opaque);
	void *opaque;
};

/* Puts the terminal (if stdin is one) in raw mode and installs handlers that
 * restore it at exit and on fatal signals. */
void console_setup_terminal(void);
void console_restore_terminal(void);

/* Starts the stdin reader thread. Returns 0 or a negative errno. */
int console_start_input(const struct console_sink *sink);

/* Stops the reader thread and waits for it; safe to call if not started. */
void console_stop_input(void);

/* Writes guest output to stdout, retrying short writes. */
void console_write(const uint8_t *data, unsigned long len);

#endif
