/* See uart.h. Register semantics from the PC16550D data sheet. Transmission
 * is instantaneous: THR and the transmitter are always empty again by the
 * time the guest looks. OUT2 does not gate the interrupt, as in QEMU. */
#include "uart.h"

#include <string.h>

#define UART_RBR 0 /* read, DLAB=0 */
#define UART_THR 0 /* write, DLAB=0 */
#define UART_IER 1
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define IER_RDI 0x01 /* received data available */
#define IER_THRI 0x02 /* transmitter holding register empty */
#define IER_RLSI 0x04 /* receiver line status */
#define IER_MSI 0x08 /* modem status */

#define IIR_NO_INT 0x01
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_FIFO_ENABLED 0xc0

#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_BI 0x10
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LSR_ERRORS (LSR_OE | 0x04 | 0x08 | LSR_BI)

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_DELTAS 0x0f
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

static uint8_t uart_pending_iir(const struct uart *uart)
{
	if ((uart->ier & IER_RLSI) && (uart->lsr & LSR_ERRORS))
		return IIR_RLSI;
	if ((uart->ier & IER_RDI) && uart->rx_count)
		return IIR_RDI;
	if ((uart->ier & IER_THRI) && uart->thr_interrupt)
		return IIR_THRI;
	if ((uart->ier & IER_MSI) && (uart->msr & MSR_DELTAS))
		return IIR_MSI;
	return IIR_NO_INT;
}

static void uart_update_irq(struct uart *uart)
{
	bool level = uart_pending_iir(uart) != IIR_NO_INT;

	if (level != uart->irq_level) {
		uart->irq_level = level;
		uart->ops->set_irq(uart->opaque, level);
	}
}

/* Modem status inputs: in loopback they follow MCR outputs; otherwise the
 * line looks like a connected terminal (CTS, DSR, DCD asserted). */
static uint8_t uart_modem_inputs(const struct uart *uart)
{
	uint8_t in = 0;

	if (!(uart->mcr & MCR_LOOP))
		return MSR_CTS | MSR_DSR | MSR_DCD;
	if (uart->mcr & MCR_RTS)
		in |= MSR_CTS;
	if (uart->mcr & MCR_DTR)
		in |= MSR_DSR;
	if (uart->mcr & MCR_OUT1)
		in |= MSR_RI;
	if (uart->mcr & MCR_OUT2)
		in |= MSR_DCD;
	return in;
}

static void uart_update_msr(struct uart *uart)
{
	uint8_t old = uart->msr, in = uart_modem_inputs(uart);
	uint8_t delta = uart->msr & MSR_DELTAS;

	if ((old ^ in) & MSR_CTS)
		delta |= MSR_DCTS;
	if ((old ^ in) & MSR_DSR)
		delta |= MSR_DDSR;
	if ((old ^ in) & MSR_DCD)
		delta |= MSR_DDCD;
	if ((old & MSR_RI) && !(in & MSR_RI))
		delta |= MSR_TERI;
	uart->msr = in | delta;
}

void uart_init(struct uart *uart, const struct uart_ops *ops, void *opaque)
{
	memset(uart, 0, sizeof(*uart));
	uart->ops = ops;
	uart->opaque = opaque;
	uart->lsr = LSR_THRE | LSR_TEMT;
	uart->msr = uart_modem_inputs(uart);
	uart->dll = 0x0c; /* 9600 baud */
}

/* Without FIFOs (FCR bit 0 clear) the 16550 holds a single byte. */
static unsigned int uart_rx_capacity(const struct uart *uart)
{
	return (uart->fcr & FCR_ENABLE) ? UART_FIFO_SIZE : 1;
}

static bool uart_rx_push(struct uart *uart, uint8_t byte)
{
	if (uart->rx_count >= uart_rx_capacity(uart)) {
		uart->lsr |= LSR_OE;
		return false;
	}
	uart->rx_fifo[(uart->rx_head + uart->rx_count) % UART_FIFO_SIZE] = byte;
	uart->rx_count++;
	uart->lsr |= LSR_DR;
	return true;
}

static uint8_t uart_rx_pop(struct uart *uart)
{
	uint8_t byte;

	if (!uart->rx_count)
		return 0;
	byte = uart->rx_fifo[uart->rx_head];
	uart->rx_head = (uart->rx_head + 1) % UART_FIFO_SIZE;
	if (!--uart->rx_count)
		uart->lsr &= ~LSR_DR;
	return byte;
}

bool uart_receive(struct uart *uart, uint8_t byte)
{
	bool taken;

	/* In loopback the receiver is disconnected from the line. */
	if (uart->mcr & MCR_LOOP)
		return true;
	taken = uart_rx_push(uart, byte);
	uart_update_irq(uart);
	return taken;
}

unsigned int uart_rx_room(const struct uart *uart)
{
	if (uart->mcr & MCR_LOOP)
		return UART_FIFO_SIZE;
	return uart->rx_count < uart_rx_capacity(uart) ? uart_rx_capacity(uart) - uart->rx_count :
							 0;
}

uint8_t uart_read(struct uart *uart, unsigned int offset)
{
	uint8_t value = 0;

	switch (offset) {
	case UART_RBR:
		if (uart->lcr & LCR_DLAB)
			return uart->dll;
		value = uart_rx_pop(uart);
		break;
	case UART_IER:
		if (uart->lcr & LCR_DLAB)
			return uart->dlm;
		return uart->ier;
	case UART_IIR:
		value = uart_pending_iir(uart);
		if (value == IIR_THRI)
			uart->thr_interrupt = false;
		if (uart->fcr & FCR_ENABLE)
			value |= IIR_FIFO_ENABLED;
		break;
	case UART_LCR:
		return uart->lcr;
	case UART_MCR:
		return uart->mcr;
	case UART_LSR:
		value = uart->lsr;
		uart->lsr &= ~(LSR_OE | LSR_BI);
		break;
	case UART_MSR:
		value = uart->msr;
		uart->msr &= ~MSR_DELTAS;
		break;
	case UART_SCR:
		return uart->scr;
	default:
		return 0xff;
	}
	uart_update_irq(uart);
	return value;
}

static void uart_transmit(struct uart *uart, uint8_t byte)
{
	if (uart->mcr & MCR_LOOP)
		uart_rx_push(uart, byte);
	else
		uart->ops->transmit(uart->opaque, byte);
	uart->thr_interrupt = true;
}

void uart_write(struct uart *uart, unsigned int offset, uint8_t value)
{
	switch (offset) {
	case UART_THR:
		if (uart->lcr & LCR_DLAB) {
			uart->dll = value;
			return;
		}
		uart_transmit(uart, value);
		break;
	case UART_IER:
		if (uart->lcr & LCR_DLAB) {
			uart->dlm = value;
			return;
		}
		/* Enabling THRI while THR is empty raises it at once, as
		 * Linux's 8250 probe (and its THRE test) expects. */
		if (!(uart->ier & IER_THRI) && (value & IER_THRI))
			uart->thr_interrupt = true;
		uart->ier = value & 0x0f;
		break;
	case UART_FCR:
		if ((value & FCR_ENABLE) != (uart->fcr & FCR_ENABLE) || (value & FCR_CLEAR_RX)) {
			uart->rx_head = uart->rx_count = 0;
			uart->lsr &= ~LSR_DR;
		}
		uart->fcr = value & 0xc9; /* enable, DMA mode, trigger */
		break;
	case UART_LCR:
		uart->lcr = value;
		return;
	case UART_MCR:
		uart->mcr = value & 0x1f;
		uart_update_msr(uart);
		break;
	case UART_LSR:
	case UART_MSR:
		return; /* read-only on a 16550A */
	case UART_SCR:
		uart->scr = value;
		return;
	default:
		return;
	}
	uart_update_irq(uart);
}
