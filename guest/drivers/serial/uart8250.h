/* Driver for the 16550A console UART at COM1 (I/O port 0x3f8, IRQ 4). */
#ifndef DRIVERS_SERIAL_UART8250_H
#define DRIVERS_SERIAL_UART8250_H

#include <stdbool.h>
#include <stddef.h>
#include <vitro/wait.h>

/* Programs 115200 8N1 with FIFOs; output works from here on (polled). */
void uart8250_init(void);

/* Writes bytes, waiting for transmit FIFO room. */
void uart8250_write(const char *s, unsigned long len);

/* Routes the receive interrupt to the CPU and enables it. Received bytes are
 * queued for uart8250_read(). */
void uart8250_enable_rx_interrupt(void);

/* Takes up to len queued bytes; returns how many. Never blocks. */
size_t uart8250_read(char *buf, size_t len);
bool uart8250_has_input(void);
/* Woken when bytes arrive. */
extern struct wait_queue_head uart8250_rx_wait;

/* Register-level loopback self-test for in-kernel tests: sends bytes with
 * MCR loopback on and returns how many came back through the RX interrupt. */
size_t uart8250_loopback(const char *out, size_t len, char *in, size_t in_len);

#endif
