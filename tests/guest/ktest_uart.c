/* The console UART's receive interrupt works end to end: bytes sent in
 * loopback mode come back through the IOAPIC, the IDT and the IRQ handler. */
#include <vitro/ktest.h>
#include <vitro/string.h>

#include "../../guest/drivers/serial/uart8250.h"

KTEST(uart_loopback_arrives_by_interrupt)
{
	char in[8] = { 0 };
	size_t got = uart8250_loopback("vitro", 5, in, sizeof(in));

	KTEST_EXPECT_EQ(got, 5);
	KTEST_EXPECT(!memcmp(in, "vitro", 5));
}
