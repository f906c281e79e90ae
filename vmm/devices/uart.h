/* 16550A UART model: the registers Linux's 8250 driver uses (RBR/THR, IER,
 * IIR/FCR, LCR, MCR, LSR, MSR, SCR, DLL/DLM) with 16-byte FIFOs and
 * loopback. Pure state machine: the caller serialises access, supplies the
 * transmit and interrupt-line callbacks, and feeds received bytes. */
#ifndef VMM_DEVICES_UART_H
#define VMM_DEVICES_UART_H

#include <stdbool.h>
#include <stdint.h>

#define UART_FIFO_SIZE 16
#define UART_NR_REGS 8

struct uart_ops {
	void (*transmit)(void *opaque, uint8_t byte);
	void (*set_irq)(void *opaque, bool level);
};

struct uart {
	const struct uart_ops *ops;
	void *opaque;
	uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
	uint8_t dll, dlm;
	bool thr_interrupt; /* THRE interrupt pending until IIR read or THR write */
	bool irq_level;
	uint8_t rx_fifo[UART_FIFO_SIZE];
	unsigned int rx_head, rx_count;
};

void uart_init(struct uart *uart, const struct uart_ops *ops, void *opaque);

/* Register access at offset 0..7 from the base port. */
uint8_t uart_read(struct uart *uart, unsigned int offset);
void uart_write(struct uart *uart, unsigned int offset, uint8_t value);

/* Queues a received byte; returns false (byte not taken) when the FIFO is
 * full, so the caller can retry once the guest has read. */
bool uart_receive(struct uart *uart, uint8_t byte);

/* Room left in the receive FIFO. */
unsigned int uart_rx_room(const struct uart *uart);

#endif
