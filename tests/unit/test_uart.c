/* Tests for the 16550A model (vmm/devices/uart.c), driven through its
 * registers as Linux's 8250 driver drives them, with fake transmit and
 * interrupt-line callbacks that record what the model did. */
#include <string.h>

#include "../../vmm/devices/uart.h"
#include "unit.h"

#define RBR 0
#define THR 0
#define DLL 0
#define DLM 1
#define IER 1
#define IIR 2
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

#define IER_RDI 0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IER_MSI 0x08
#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

struct fake_line {
	uint8_t sent[64];
	unsigned int nr_sent;
	bool levels[64]; /* every set_irq call, in order */
	unsigned int nr_irq_calls;
};

static void fake_transmit(void *opaque, uint8_t byte)
{
	struct fake_line *line = opaque;

	if (line->nr_sent < ARRAY_SIZE(line->sent))
		line->sent[line->nr_sent] = byte;
	line->nr_sent++;
}

static void fake_set_irq(void *opaque, bool level)
{
	struct fake_line *line = opaque;

	if (line->nr_irq_calls < ARRAY_SIZE(line->levels))
		line->levels[line->nr_irq_calls] = level;
	line->nr_irq_calls++;
}

static const struct uart_ops fake_ops = {
	.transmit = fake_transmit,
	.set_irq = fake_set_irq,
};

static void setup(struct uart *uart, struct fake_line *line)
{
	memset(line, 0, sizeof(*line));
	uart_init(uart, &fake_ops, line);
}

static bool irq_level(const struct fake_line *line)
{
	return line->nr_irq_calls && line->levels[line->nr_irq_calls - 1];
}

/* No two consecutive set_irq calls carry the same level, and the first
 * one raises the line (it starts low). */
static bool irq_calls_are_changes_only(const struct fake_line *line)
{
	unsigned int i;

	if (line->nr_irq_calls && !line->levels[0])
		return false;
	for (i = 1; i < line->nr_irq_calls && i < ARRAY_SIZE(line->levels); i++)
		if (line->levels[i] == line->levels[i - 1])
			return false;
	return true;
}

static void test_uart_thr_write_transmits_byte(void)
{
	struct fake_line line;
	struct uart uart;

	setup(&uart, &line);
	uart_write(&uart, THR, 'h');
	uart_write(&uart, THR, 'i');
	EXPECT_EQ(line.nr_sent, 2);
	EXPECT_EQ(line.sent[0], 'h');
	EXPECT_EQ(line.sent[1], 'i');
	/* No interrupts enabled: the line never moves. */
	EXPECT_EQ(line.nr_irq_calls, 0);
}

static void test_uart_lsr_reports_transmitter_empty(void)
{
	struct fake_line line;
	struct uart uart;

	setup(&uart, &line);
	EXPECT_EQ(uart_read(&uart, LSR), LSR_THRE | LSR_TEMT);
	uart_write(&uart, THR, 'x');
	EXPECT_EQ(uart_read(&uart, LSR) & (LSR_THRE | LSR_TEMT), LSR_THRE | LSR_TEMT);
}

static void test_uart_dlab_maps_divisor_latch_at_offsets_0_and_1(void)
{
	struct fake_line line;
	struct uart uart;

	setup(&uart, &line);
	uart_write(&uart, IER, IER_RDI);
	uart_write(&uart, LCR, 0x83);
	uart_write(&uart, DLL, 0x01);
	uart_write(&uart, DLM, 0x02);
	EXPECT_EQ(uart_read(&uart, DLL), 0x01);
	EXPECT_EQ(uart_read(&uart, DLM), 0x02);
	EXPECT_EQ(line.nr_sent, 0);
	EXPECT_EQ(uart_read(&uart, LCR), 0x83);
	uart_write(&uart, LCR, 0x03);
	/* IER kept its value under the latch; THR transmits again. */
	EXPECT_EQ(uart_read(&uart, IER), IER_RDI);
	uart_write(&uart, THR, 'a');
	EXPECT_EQ(line.nr_sent, 1);
	uart_write(&uart, LCR, 0x83);
	EXPECT_EQ(uart_read(&uart, DLL), 0x01);
	EXPECT_EQ(uart_read(&uart, DLM), 0x02);
}

static void test_uart_received_bytes_are_read_in_order(void)
{
	struct fake_line line;
	struct uart uart;

	setup(&uart, &line);
	uart_write(&uart, FCR, 0x07);
	EXPECT_EQ(uart_read(&uart, LSR) & LSR_DR, 0);
	EXPECT_TRUE(uart_receive(&uart, 'a'));
	EXPECT_TRUE(uart_receive(&uart, 'b'));
	EXPECT_TRUE(uart_receive(&uart, 'c'));
	EXPECT_EQ(uart_read(&uart, LSR) & LSR_DR, LSR_DR);
	EXPECT_EQ(uart_read(&uart, RBR), 'a');
	EXPECT_EQ(uart_read(&uart, RBR), 'b');
	EXPECT_EQ(uart_read(&uart, LSR) & LSR_DR, LSR_DR);
	EXPECT_EQ(uart_read(&uart, RBR), 'c');
	EXPECT_EQ(uart_read(&uart, LSR) & LSR_DR, 0);
}

static void test_uart_fifo_holds_16_bytes_and_refuses_17th_with_overrun(void)
{
	struct fake_line line;
	struct uart uart;
	unsigned int i;

	setup(&uart, &line);
	uart_write(&uart, FCR, 0x01);
	for (i = 0; i < 16; i++)
		if (!uart_receive(&uart, 'A' + i))
			UNIT_FAIL("byte %u of 16 refused", i + 1);
	EXPECT_EQ(uart_rx_room(&uart), 0);
	EXPECT_EQ(uart_read(&uart, LSR) & LSR_OE, 0);
	EXPECT_FALSE(uart_receive(&uart, 'Z'));
	EXPECT_EQ(uart_read(&uart, LSR) & LSR_OE, LSR_OE);
	/* Reading LSR cleared it. */
	EXPECT_EQ(uart_read(&uart, LSR) & LSR_OE, 0);
	for (i = 0; i < 16; i++)
		if (uart_read(&uart, RBR) != 'A' + i)
			UNIT_FAIL("byte %u read back wrong", i + 1);
	EXPECT_EQ(uart_read(&uart, LSR) & LSR_DR, 0);
	/* The refused byte did not slip in. */
	EXPECT_EQ(uart_read(&uart, RBR), 0);
}

static void test_uart_without_fifo_holds_one_byte(void)
{
	struct fake_line line;
	struct uart uart;

	setup(&uart, &line);
	EXPECT_EQ(uart_rx_room(&uart), 1);
	EXPECT_TRUE(uart_receive(&uart, '1'));
	EXPECT_EQ(uart_rx_room(&uart), 0);
	EXPECT_FALSE(uart_receive(&uart, '2'));
	EXPECT_EQ(uart_read(&uart, RBR), '1');
	EXPECT_EQ(uart_read(&uart, LSR) & LSR_DR, 0);
	EXPECT_TRUE(uart_receive(&uart, '3'));
	EXPECT_EQ(uart_read(&uart, RBR), '3');
}

static void test_uart_fcr_clear_rx_empties_fifo(void)
{
	struct fake_line line;
	struct uart uart;

	setup(&uart, &line);
	uart_write(&uart, FCR, 0x01);
	uart_receive(&uart, 'a');
	uart_receive(&uart, 'b');
	uart_write(&uart, FCR, 0x03);
	EXPECT_EQ(uart_read(&uart, LSR) & LSR_DR, 0);
	EXPECT_EQ(uart_rx_room(&uart), 16);
	uart_receive(&uart, 'c');
	EXPECT_EQ(uart_read(&uart, RBR), 'c');
}

static void test_uart_iir_reports_fifo_bits_only_when_enabled(void)
{
	struct fake_line line;
	struct uart uart;

	setup(&uart, &line);
	EXPECT_EQ(uart_read(&uart, IIR), 0x01);
	uart_write(&uart, FCR, 0x01);
	EXPECT_EQ(uart_read(&uart, IIR), 0xc1);
	uart_write(&uart, FCR, 0x00);
	EXPECT_EQ(uart_read(&uart, IIR), 0x01);
}

static void test_uart_received_data_raises_rdi_until_fifo_is_drained(void)
{
	struct fake_line line;
	struct uart uart;

	setup(&uart, &line);
	uart_write(&uart, FCR, 0x01);
	uart_receive(&uart, 'a');
	/* Data but RDI masked: no interrupt. */
	EXPECT_EQ(uart_read(&uart, IIR), 0xc1);
	EXPECT_EQ(line.nr_irq_calls, 0);
	uart_write(&uart, IER, IER_RDI);
	EXPECT_EQ(uart_read(&uart, IIR), 0xc4);
	EXPECT_TRUE(irq_level(&line));
	uart_receive(&uart, 'b');
	/* Still pending, so no second rising edge. */
	EXPECT_EQ(line.nr_irq_calls, 1);
	uart_read(&uart, RBR);
	EXPECT_TRUE(irq_level(&line));
	uart_read(&uart, RBR);
	EXPECT_FALSE(irq_level(&line));
	EXPECT_EQ(uart_read(&uart, IIR), 0xc1);
	EXPECT_EQ(line.nr_irq_calls, 2);
	EXPECT_TRUE(irq_calls_are_changes_only(&line));
}

static void test_uart_enabling_thri_raises_interrupt_cleared_by_iir_read(void)
{
	struct fake_line line;
	struct uart uart;

	setup(&uart, &line);
	uart_write(&uart, IER, IER_THRI);
	EXPECT_TRUE(irq_level(&line));
	EXPECT_EQ(uart_read(&uart, IIR), 0x02);
	EXPECT_FALSE(irq_level(&line));
	EXPECT_EQ(uart_read(&uart, IIR), 0x01);
	/* Writing THR empties it again at once: THRI comes back. */
	uart_write(&uart, THR, 'x');
	EXPECT_TRUE(irq_level(&line));
	EXPECT_EQ(uart_read(&uart, IIR), 0x02);
	EXPECT_FALSE(irq_level(&line));
	EXPECT_EQ(line.nr_irq_calls, 4);
	EXPECT_TRUE(irq_calls_are_changes_only(&line));
}

static void test_uart_rdi_takes_priority_over_thri(void)
{
	struct fake_line line;
	struct uart uart;

	setup(&uart, &line);
	uart_write(&uart, IER, IER_RDI | IER_THRI);
	uart_receive(&uart, 'a');
	EXPECT_EQ(uart_read(&uart, IIR), 0x04);
	/* Reading IIR while RDI showed did not consume the THRI. */
	uart_read(&uart, RBR);
	EXPECT_EQ(uart_read(&uart, IIR), 0x02);
	EXPECT_EQ(uart_read(&uart, IIR), 0x01);
	EXPECT_FALSE(irq_level(&line));
	EXPECT_TRUE(irq_calls_are_changes_only(&line));
}

static void test_uart_disabling_ier_lowers_irq(void)
{
	struct fake_line line;
	struct uart uart;

	setup(&uart, &line);
	uart_write(&uart, IER, IER_RDI);
	uart_receive(&uart, 'a');
	EXPECT_TRUE(irq_level(&line));
	uart_write(&uart, IER, 0);
	EXPECT_FALSE(irq_level(&line));
	EXPECT_EQ(uart_read(&uart, IIR), 0x01);
	EXPECT_TRUE(irq_calls_are_changes_only(&line));
}

static void test_uart_overrun_raises_line_status_interrupt(void)
{
	struct fake_line line;
	struct uart uart;
	unsigned int i;

	setup(&uart, &line);
	uart_write(&uart, FCR, 0x01);
	uart_write(&uart, IER, IER_RLSI);
	for (i = 0; i < 17; i++)
		uart_receive(&uart, 'x');
	EXPECT_EQ(uart_read(&uart, IIR), 0xc6);
	EXPECT_TRUE(irq_level(&line));
	uart_read(&uart, LSR);
	EXPECT_FALSE(irq_level(&line));
	EXPECT_EQ(uart_read(&uart, IIR), 0xc1);
}

static void test_uart_loopback_routes_thr_to_receiver_not_line(void)
{
	struct fake_line line;
	struct uart uart;

	setup(&uart, &line);
	uart_write(&uart, FCR, 0x01);
	uart_write(&uart, MCR, MCR_LOOP);
	uart_write(&uart, THR, 0x5a);
	uart_write(&uart, THR, 0xa5);
	EXPECT_EQ(line.nr_sent, 0);
	EXPECT_EQ(uart_read(&uart, LSR) & LSR_DR, LSR_DR);
	EXPECT_EQ(uart_read(&uart, RBR), 0x5a);
	EXPECT_EQ(uart_read(&uart, RBR), 0xa5);
	/* Bytes from the outside world do not reach the receiver. */
	uart_receive(&uart, 'q');
	EXPECT_EQ(uart_read(&uart, LSR) & LSR_DR, 0);
	uart_write(&uart, MCR, 0);
	uart_write(&uart, THR, 'o');
	EXPECT_EQ(line.nr_sent, 1);
	EXPECT_EQ(line.sent[0], 'o');
}

static void test_uart_loopback_msr_follows_mcr_with_deltas(void)
{
	struct fake_line line;
	struct uart uart;

	setup(&uart, &line);
	/* A connected terminal outside loopback. */
	EXPECT_EQ(uart_read(&uart, MSR), MSR_CTS | MSR_DSR | MSR_DCD);
	uart_write(&uart, MCR, MCR_LOOP);
	EXPECT_EQ(uart_read(&uart, MSR), MSR_DCTS | MSR_DDSR | MSR_DDCD);
	/* Reading MSR cleared the deltas. */
	EXPECT_EQ(uart_read(&uart, MSR), 0);
	uart_write(&uart, MCR, MCR_LOOP | MCR_RTS);
	EXPECT_EQ(uart_read(&uart, MSR), MSR_CTS | MSR_DCTS);
	uart_write(&uart, MCR, MCR_LOOP | MCR_RTS | MCR_DTR);
	EXPECT_EQ(uart_read(&uart, MSR), MSR_CTS | MSR_DSR | MSR_DDSR);
	uart_write(&uart, MCR, MCR_LOOP | MCR_RTS | MCR_DTR | MCR_OUT2);
	EXPECT_EQ(uart_read(&uart, MSR), MSR_CTS | MSR_DSR | MSR_DCD | MSR_DDCD);
	/* RI: no delta on the rising edge, TERI on the trailing edge. */
	uart_write(&uart, MCR, MCR_LOOP | MCR_RTS | MCR_DTR | MCR_OUT2 | MCR_OUT1);
	EXPECT_EQ(uart_read(&uart, MSR), MSR_CTS | MSR_DSR | MSR_DCD | MSR_RI);
	uart_write(&uart, MCR, MCR_LOOP | MCR_RTS | MCR_DTR | MCR_OUT2);
	EXPECT_EQ(uart_read(&uart, MSR), MSR_CTS | MSR_DSR | MSR_DCD | MSR_TERI);
	EXPECT_EQ(uart_read(&uart, MCR), MCR_LOOP | MCR_RTS | MCR_DTR | MCR_OUT2);
}

static void test_uart_modem_status_change_raises_msi(void)
{
	struct fake_line line;
	struct uart uart;

	setup(&uart, &line);
	uart_write(&uart, IER, IER_MSI);
	EXPECT_FALSE(irq_level(&line));
	uart_write(&uart, MCR, MCR_LOOP);
	EXPECT_TRUE(irq_level(&line));
	EXPECT_EQ(uart_read(&uart, IIR), 0x00);
	uart_read(&uart, MSR);
	EXPECT_FALSE(irq_level(&line));
	EXPECT_EQ(uart_read(&uart, IIR), 0x01);
}

static void test_uart_scratch_register_keeps_value(void)
{
	struct fake_line line;
	struct uart uart;

	setup(&uart, &line);
	uart_write(&uart, SCR, 0xa5);
	EXPECT_EQ(uart_read(&uart, SCR), 0xa5);
	uart_write(&uart, SCR, 0x5a);
	EXPECT_EQ(uart_read(&uart, SCR), 0x5a);
}

static void test_uart_lsr_and_msr_ignore_writes(void)
{
	struct fake_line line;
	struct uart uart;

	setup(&uart, &line);
	uart_write(&uart, LSR, 0xff);
	uart_write(&uart, MSR, 0x00);
	EXPECT_EQ(uart_read(&uart, LSR), LSR_THRE | LSR_TEMT);
	EXPECT_EQ(uart_read(&uart, MSR), MSR_CTS | MSR_DSR | MSR_DCD);
}

static void test_uart_reads_past_register_block_return_all_ones(void)
{
	struct fake_line line;
	struct uart uart;
	unsigned int offset;

	setup(&uart, &line);
	for (offset = 8; offset < 16; offset++)
		EXPECT_EQ(uart_read(&uart, offset), 0xff);
	EXPECT_EQ(uart_read(&uart, 0x100), 0xff);
	/* Writes there change nothing. */
	uart_write(&uart, 8, 'x');
	uart_write(&uart, 0xffffffff, 'x');
	EXPECT_EQ(line.nr_sent, 0);
	EXPECT_EQ(uart_read(&uart, LSR), LSR_THRE | LSR_TEMT);
}

static CU_TestInfo uart_tests[] = {
	UNIT_TEST(test_uart_thr_write_transmits_byte),
	UNIT_TEST(test_uart_lsr_reports_transmitter_empty),
	UNIT_TEST(test_uart_dlab_maps_divisor_latch_at_offsets_0_and_1),
	UNIT_TEST(test_uart_received_bytes_are_read_in_order),
	UNIT_TEST(test_uart_fifo_holds_16_bytes_and_refuses_17th_with_overrun),
	UNIT_TEST(test_uart_without_fifo_holds_one_byte),
	UNIT_TEST(test_uart_fcr_clear_rx_empties_fifo),
	UNIT_TEST(test_uart_iir_reports_fifo_bits_only_when_enabled),
	UNIT_TEST(test_uart_received_data_raises_rdi_until_fifo_is_drained),
	UNIT_TEST(test_uart_enabling_thri_raises_interrupt_cleared_by_iir_read),
	UNIT_TEST(test_uart_rdi_takes_priority_over_thri),
	UNIT_TEST(test_uart_disabling_ier_lowers_irq),
	UNIT_TEST(test_uart_overrun_raises_line_status_interrupt),
	UNIT_TEST(test_uart_loopback_routes_thr_to_receiver_not_line),
	UNIT_TEST(test_uart_loopback_msr_follows_mcr_with_deltas),
	UNIT_TEST(test_uart_modem_status_change_raises_msi),
	UNIT_TEST(test_uart_scratch_register_keeps_value),
	UNIT_TEST(test_uart_lsr_and_msr_ignore_writes),
	UNIT_TEST(test_uart_reads_past_register_block_return_all_ones),
	CU_TEST_INFO_NULL,
};

static void unit_register_uart(void)
{
	unit_add_suite("uart", uart_tests);
}

UNIT_REGISTER(unit_register_uart)
