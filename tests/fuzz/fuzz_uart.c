/* libFuzzer target: the 16550A model (vmm/devices/uart.c) driven by a
 * sequence of guest register accesses and host-side received bytes, with its
 * invariants checked after every operation.
 *
 * Input encoding, one operation per opcode byte b:
 *   b >> 6 == 0: read register b & 0x0f (offsets 8..15 probe the default path)
 *   b >> 6 == 1: write the next byte to register b & 0x0f
 *   b >> 6 == 2: receive the next byte from the line
 *   b >> 6 == 3: receive the next byte (b & 0x3f) + 1 times, to overrun */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../vmm/devices/uart.h"

/* Register bits (PC16550D data sheet) that the invariants look at. */
#define REG_DATA 0
#define REG_IIR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define REG_SCR 7
#define IIR_NO_INT 0x01
#define LCR_DLAB 0x80
#define MCR_LOOP 0x10
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

struct uart_probe {
	unsigned int nr_transmitted;
	uint8_t last_transmitted;
	unsigned int nr_irq_calls;
	bool irq_level;
	const char *op; /* the operation in progress, for reports */
};

static void fail(const struct uart_probe *probe, const char *what)
{
	fprintf(stderr, "fuzz_uart: invariant failed after %s: %s\n", probe->op, what);
	abort();
}

static void probe_transmit(void *opaque, uint8_t byte)
{
	struct uart_probe *probe = opaque;

	probe->nr_transmitted++;
	probe->last_transmitted = byte;
}

static void probe_set_irq(void *opaque, bool level)
{
	struct uart_probe *probe = opaque;

	/* The line is edge-driven by the model: it must only report changes. */
	if (level == probe->irq_level)
		fail(probe, "set_irq called without a change of level");
	probe->irq_level = level;
	probe->nr_irq_calls++;
}

static const struct uart_ops probe_ops = {
	.transmit = probe_transmit,
	.set_irq = probe_set_irq,
};

static void quiet_transmit(void *opaque, uint8_t byte)
{
	(void)opaque;
	(void)byte;
}

static void quiet_set_irq(void *opaque, bool level)
{
	(void)opaque;
	(void)level;
}

static const struct uart_ops quiet_ops = {
	.transmit = quiet_transmit,
	.set_irq = quiet_set_irq,
};

/* Whether an interrupt is pending, asked of a copy through IIR so that the
 * read's side effects do not touch the device under test. */
static bool uart_has_pending_irq(const struct uart *uart)
{
	struct uart copy = *uart;

	copy.ops = &quiet_ops;
	copy.lcr &= ~LCR_DLAB;
	return !(uart_read(&copy, REG_IIR) & IIR_NO_INT);
}

static void check_state(const struct uart *uart, const struct uart_probe *probe)
{
	if (uart->rx_count > UART_FIFO_SIZE)
		fail(probe, "rx_count exceeds the FIFO size");
	if (uart->rx_head >= UART_FIFO_SIZE)
		fail(probe, "rx_head outside the FIFO");
	if (!!(uart->lsr & LSR_DR) != (uart->rx_count > 0))
		fail(probe, "LSR.DR disagrees with the receive FIFO");
	if ((uart->lsr & (LSR_THRE | LSR_TEMT)) != (LSR_THRE | LSR_TEMT))
		fail(probe, "transmitter not empty (transmission is instantaneous)");
	if (probe->irq_level != uart->irq_level)
		fail(probe, "irq_level differs from the level last signalled");
	if (uart->irq_level != uart_has_pending_irq(uart))
		fail(probe, "irq_level differs from IIR's pending interrupt");
	if (uart_rx_room(uart) > UART_FIFO_SIZE)
		fail(probe, "rx room exceeds the FIFO size");
}

static void do_receive(struct uart *uart, struct uart_probe *probe, uint8_t byte)
{
	bool has_room = uart_rx_room(uart) > 0;

	bool is_loopback = uart->mcr & MCR_LOOP;
	unsigned int count = uart->rx_count;
	bool is_taken;

	probe->op = "receive";
	is_taken = uart_receive(uart, byte);
	if (is_taken != has_room)
		fail(probe, "uart_receive disagrees with uart_rx_room");
	/* In loopback the receiver is disconnected: the byte is dropped. */
	if (uart->rx_count != count + (is_taken && !is_loopback))
		fail(probe, "receive changed the FIFO by other than the byte taken");
	if (is_taken && !is_loopback &&
	    uart->rx_fifo[(uart->rx_head + count) % UART_FIFO_SIZE] != byte)
		fail(probe, "received byte not at the FIFO tail");
}

static void do_write(struct uart *uart, struct uart_probe *probe, unsigned int reg, uint8_t value)
{
	unsigned int transmitted = probe->nr_transmitted;
	bool is_thr = reg == REG_DATA && !(uart->lcr & LCR_DLAB);
	bool sends = is_thr && !(uart->mcr & MCR_LOOP);

	probe->op = "register write";
	uart_write(uart, reg, value);
	if (probe->nr_transmitted != transmitted + sends)
		fail(probe, sends ? "THR write did not transmit exactly once" :
				    "transmitted without a THR write");
	if (sends && probe->last_transmitted != value)
		fail(probe, "transmitted a byte other than the one written");
	if (reg == REG_LCR && uart->lcr != value)
		fail(probe, "LCR does not hold the value written");
	if (reg == REG_SCR && uart->scr != value)
		fail(probe, "SCR does not hold the value written");
}

static void do_read(struct uart *uart, struct uart_probe *probe, unsigned int reg)
{
	unsigned int transmitted = probe->nr_transmitted;
	bool is_rbr = reg == REG_DATA && !(uart->lcr & LCR_DLAB);
	unsigned int count = uart->rx_count;
	uint8_t oldest = uart->rx_fifo[uart->rx_head % UART_FIFO_SIZE];
	uint8_t scr = uart->scr;
	uint8_t value;

	probe->op = "register read";
	value = uart_read(uart, reg);
	if (probe->nr_transmitted != transmitted)
		fail(probe, "a register read transmitted");
	if (reg == REG_SCR && value != scr)
		fail(probe, "SCR read back differs");
	if (is_rbr && count && (value != oldest || uart->rx_count != count - 1))
		fail(probe, "RBR read did not pop the oldest received byte");
	if (!is_rbr && uart->rx_count != count)
		fail(probe, "a read other than RBR changed the receive FIFO");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uart_probe probe = { .op = "uart_init" };
	struct uart uart;
	size_t i = 0;

	uart_init(&uart, &probe_ops, &probe);
	check_state(&uart, &probe);
	while (i < size) {
		uint8_t op = data[i++];
		uint8_t arg = i < size ? data[i] : 0;
		unsigned int n;

		switch (op >> 6) {
		case 0:
			do_read(&uart, &probe, op & 0x0f);
			break;
		case 1:
			i++;
			do_write(&uart, &probe, op & 0x0f, arg);
			break;
		case 2:
			i++;
			do_receive(&uart, &probe, arg);
			break;
		default:
			i++;
			for (n = 0; n <= (op & 0x3fu); n++) {
				do_receive(&uart, &probe, arg);
				check_state(&uart, &probe);
			}
			break;
		}
		check_state(&uart, &probe);
	}
	return 0;
}
