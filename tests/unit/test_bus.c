/* Tests for the I/O bus (vmm/devices/bus.c): registration, routing with
 * device-relative offsets, and what nobody claims. */
#include <errno.h>
#include <string.h>

#include "../../vmm/devices/bus.h"
#include "unit.h"

struct fake_device {
	unsigned int nr_reads, nr_writes;
	uint64_t last_offset;
	unsigned int last_size;
	uint8_t last_written[8];
	uint8_t fill;
};

static void fake_read(void *opaque, uint64_t offset, uint8_t *data, unsigned int size)
{
	struct fake_device *d = opaque;

	d->nr_reads++;
	d->last_offset = offset;
	d->last_size = size;
	memset(data, d->fill, size);
}

static void fake_write(void *opaque, uint64_t offset, const uint8_t *data, unsigned int size)
{
	struct fake_device *d = opaque;

	d->nr_writes++;
	d->last_offset = offset;
	d->last_size = size;
	memcpy(d->last_written, data, size);
}

static const struct bus_device_ops fake_ops = { fake_read, fake_write };

static void test_bus_routes_access_with_device_relative_offset(void)
{
	struct fake_device uart = { .fill = 0x42 }, other = { .fill = 0x17 };
	uint8_t data[4] = { 0 }, value = 0x99;
	struct bus bus = { 0 };

	EXPECT_EQ(bus_register(&bus, 0x3f8, 8, &fake_ops, &uart), 0);
	EXPECT_EQ(bus_register(&bus, 0xf4, 4, &fake_ops, &other), 0);
	EXPECT_TRUE(bus_read(&bus, 0x3fd, data, 1));
	EXPECT_EQ(uart.nr_reads, 1);
	EXPECT_EQ(uart.last_offset, 5);
	EXPECT_EQ(data[0], 0x42);
	EXPECT_TRUE(bus_write(&bus, 0x3f8, &value, 1));
	EXPECT_EQ(uart.nr_writes, 1);
	EXPECT_EQ(uart.last_offset, 0);
	EXPECT_EQ(uart.last_written[0], 0x99);
	EXPECT_TRUE(bus_write(&bus, 0xf4, data, 4));
	EXPECT_EQ(other.nr_writes, 1);
	EXPECT_EQ(other.last_size, 4);
	EXPECT_EQ(uart.nr_writes, 1);
}

static void test_bus_refuses_overlapping_registration(void)
{
	struct fake_device d = { 0 };
	struct bus bus = { 0 };

	EXPECT_EQ(bus_register(&bus, 0x100, 0x10, &fake_ops, &d), 0);
	EXPECT_EQ(bus_register(&bus, 0x100, 0x10, &fake_ops, &d), -EBUSY);
	EXPECT_EQ(bus_register(&bus, 0x10f, 1, &fake_ops, &d), -EBUSY);
	EXPECT_EQ(bus_register(&bus, 0xf0, 0x11, &fake_ops, &d), -EBUSY);
	EXPECT_EQ(bus_register(&bus, 0x80, 0x100, &fake_ops, &d), -EBUSY);
	EXPECT_EQ(bus_register(&bus, 0x104, 2, &fake_ops, &d), -EBUSY);
	/* Touching is not overlapping. */
	EXPECT_EQ(bus_register(&bus, 0xf0, 0x10, &fake_ops, &d), 0);
	EXPECT_EQ(bus_register(&bus, 0x110, 0x10, &fake_ops, &d), 0);
	EXPECT_EQ(bus.nr_devices, 3);
}

static void test_bus_refuses_registration_when_full(void)
{
	struct fake_device d = { 0 };
	struct bus bus = { 0 };
	unsigned int i;

	for (i = 0; i < BUS_MAX_DEVICES; i++)
		if (bus_register(&bus, 0x1000 + 16 * i, 16, &fake_ops, &d))
			UNIT_FAIL("registration %u failed", i);
	EXPECT_EQ(bus_register(&bus, 0x10, 1, &fake_ops, &d), -ENOSPC);
}

static void test_bus_unclaimed_read_returns_all_ones(void)
{
	uint8_t data[8];
	struct fake_device d = { .fill = 0 };
	struct bus bus = { 0 };
	unsigned int i;

	bus_register(&bus, 0x3f8, 8, &fake_ops, &d);
	memset(data, 0, sizeof(data));
	EXPECT_FALSE(bus_read(&bus, 0x2f8, data, 8));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(data[i], 0xff);
	EXPECT_FALSE(bus_write(&bus, 0x2f8, data, 1));
	EXPECT_EQ(d.nr_reads + d.nr_writes, 0);
}

static void test_bus_does_not_claim_access_straddling_device_end(void)
{
	uint8_t data[4] = { 0 };
	struct fake_device d = { .fill = 0 };
	struct bus bus = { 0 };

	bus_register(&bus, 0x3f8, 8, &fake_ops, &d);
	/* 0x3fe..0x401 runs past 0x3ff. */
	EXPECT_FALSE(bus_read(&bus, 0x3fe, data, 4));
	EXPECT_EQ(data[0], 0xff);
	EXPECT_FALSE(bus_write(&bus, 0x3fe, data, 4));
	/* 0x3f6..0x3f9 starts before the device. */
	EXPECT_FALSE(bus_read(&bus, 0x3f6, data, 4));
	EXPECT_EQ(d.nr_reads + d.nr_writes, 0);
	/* The last whole word inside is claimed. */
	EXPECT_TRUE(bus_read(&bus, 0x3fc, data, 4));
	EXPECT_EQ(d.nr_reads, 1);
}

static void test_bus_does_not_claim_access_near_address_space_end(void)
{
	uint8_t data[8];
	struct fake_device d = { .fill = 0x11 };
	struct bus bus = { 0 };

	bus_register(&bus, 0, 0x10, &fake_ops, &d);
	bus_register(&bus, UINT64_MAX - 0xf, 0x10, &fake_ops, &d);
	/* Wrapping from the top to address 0 is not one access. */
	EXPECT_FALSE(bus_read(&bus, UINT64_MAX - 3, data, 8));
	EXPECT_TRUE(bus_read(&bus, UINT64_MAX - 7, data, 8));
	EXPECT_EQ(d.last_offset, 8);
}

static void test_bus_device_without_read_op_reads_all_ones(void)
{
	static const struct bus_device_ops write_only = { NULL, fake_write };
	uint8_t data[2] = { 0, 0 };
	struct fake_device d = { 0 };
	struct bus bus = { 0 };

	bus_register(&bus, 0xf4, 4, &write_only, &d);
	EXPECT_TRUE(bus_read(&bus, 0xf4, data, 2));
	EXPECT_EQ(data[0], 0xff);
	EXPECT_EQ(data[1], 0xff);
	EXPECT_TRUE(bus_write(&bus, 0xf4, data, 2));
	EXPECT_EQ(d.nr_writes, 1);
}

static CU_TestInfo bus_tests[] = {
	UNIT_TEST(test_bus_routes_access_with_device_relative_offset),
	UNIT_TEST(test_bus_refuses_overlapping_registration),
	UNIT_TEST(test_bus_refuses_registration_when_full),
	UNIT_TEST(test_bus_unclaimed_read_returns_all_ones),
	UNIT_TEST(test_bus_does_not_claim_access_straddling_device_end),
	UNIT_TEST(test_bus_does_not_claim_access_near_address_space_end),
	UNIT_TEST(test_bus_device_without_read_op_reads_all_ones),
	CU_TEST_INFO_NULL,
};

static void unit_register_bus(void)
{
	unit_add_suite("bus", bus_tests);
}

UNIT_REGISTER(unit_register_bus)
