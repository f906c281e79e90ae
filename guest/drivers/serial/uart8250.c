/* See uart8250.h. Register layout from the PC16550D data sheet. Transmit is
 * polled but loads the 16-byte FIFO per LSR check, as Linux's 8250 driver
 * does, so each byte costs one port write (one VM exit). */
#include "uart8250.h"

#include <stdint.h>
#include <vitro/compiler.h>

#include "../../../shared/machine.h"
#include "../../kernel/arch/x86/apic.h"
#include "../../kernel/arch/x86/io.h"
#include "../../kernel/arch/x86/traps.h"

#define UART_RBR 0
#define UART_THR 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_IIR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_IER_RDI 0x01
#define UART_FCR_ENABLE_CLEAR 0x07 /* enable, clear RX and TX */
#define UART_LCR_8N1 0x03
#define UART_LCR_DLAB 0x80
#define UART_MCR_DTR_RTS_OUT2 0x0b
#define UART_MCR_LOOP 0x10
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20
#define UART_TX_FIFO 16
#define UART_BAUD_DIVISOR 1 /* 115200 */
#define RX_RING_SIZE 256

static struct {
	char buf[RX_RING_SIZE];
	unsigned int head, tail; /* written by IRQ / read by the kernel */
} rx_ring;

static unsigned int tx_room;

struct wait_queue_head uart8250_rx_wait = WAIT_QUEUE_HEAD_INIT(uart8250_rx_wait);

static void uart_out(unsigned int reg, uint8_t v)
{
	outb(MACHINE_UART_PORT + reg, v);
}

static uint8_t uart_in(unsigned int reg)
{
	return inb(MACHINE_UART_PORT + reg);
}

void uart8250_init(void)
{
	uart_out(UART_IER, 0);
	uart_out(UART_LCR, UART_LCR_DLAB);
	uart_out(UART_DLL, UART_BAUD_DIVISOR & 0xff);
	uart_out(UART_DLM, UART_BAUD_DIVISOR >> 8);
	uart_out(UART_LCR, UART_LCR_8N1);
	uart_out(UART_FCR, UART_FCR_ENABLE_CLEAR);
	uart_out(UART_MCR, UART_MCR_DTR_RTS_OUT2);
	tx_room = 0;
}

void uart8250_write(const char *s, unsigned long len)
{
	while (len--) {
		if (!tx_room) {
			unsigned int spins = 0;

			/* Bounded: a UART that never drains must not hang us. */
			while (!(uart_in(UART_LSR) & UART_LSR_THRE) && ++spins < 100000)
				;
			tx_room = UART_TX_FIFO;
		}
		uart_out(UART_THR, *s++);
		tx_room--;
	}
}

static void uart8250_irq(void *opaque)
{
	bool received = false;

	(void)opaque;
	while (uart_in(UART_LSR) & UART_LSR_DR) {
		char c = uart_in(UART_RBR);
		unsigned int next = (rx_ring.head + 1) % RX_RING_SIZE;

		if (next != READ_ONCE(rx_ring.tail)) { /* else drop: ring full */
			rx_ring.buf[rx_ring.head] = c;
			WRITE_ONCE(rx_ring.head, next);
			received = true;
		}
	}
	(void)uart_in(UART_IIR);
	if (received)
		wake_up_all(&uart8250_rx_wait);
}

/* While a loopback test runs, the bytes are the test's: readers other than
 * it (the console's receive thread) keep off (uart8250_has_input says no). */
static bool loopback_running;

bool uart8250_has_input(void)
{
	return !READ_ONCE(loopback_running) && READ_ONCE(rx_ring.tail) != READ_ONCE(rx_ring.head);
}

void uart8250_enable_rx_interrupt(void)
{
	unsigned int vector = IRQ_VECTOR_BASE + MACHINE_UART_IRQ;

	irq_set_handler(vector, uart8250_irq, NULL);
	ioapic_route_isa_irq(MACHINE_UART_IRQ, vector);
	uart_out(UART_IER, UART_IER_RDI);
}

size_t uart8250_read(char *buf, size_t len)
{
	size_t n = 0;

	while (n < len && READ_ONCE(rx_ring.tail) != READ_ONCE(rx_ring.head)) {
		buf[n++] = rx_ring.buf[rx_ring.tail];
		WRITE_ONCE(rx_ring.tail, (rx_ring.tail + 1) % RX_RING_SIZE);
	}
	return n;
}

size_t uart8250_loopback(const char *out, size_t len, char *in, size_t in_len)
{
	size_t got = 0;
	unsigned int waits;

	WRITE_ONCE(loopback_running, true);
	uart_out(UART_MCR, UART_MCR_DTR_RTS_OUT2 | UART_MCR_LOOP);
	uart8250_write(out, len);
	/* The interrupt delivers the looped bytes; wait a bounded while. */
	irq_enable();
	for (waits = 0; got < len && waits < 10000; waits++) {
		__asm__ __volatile__("pause");
		got += uart8250_read(in + got, in_len - got);
	}
	uart_out(UART_MCR, UART_MCR_DTR_RTS_OUT2);
	WRITE_ONCE(loopback_running, false);
	return got;
}
