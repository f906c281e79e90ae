/* The clock reader the kernel and the vDSO share (vitro/vvar.h): the TSC
 * scale chosen from a frequency, pvclock's version protocol and the vvar
 * page's seqcount, with a fake TSC that can play the concurrent writer. */
#include <string.h>
#include <vitro/vvar.h>

#include "unit.h"

static uint64_t fake_tsc;
/* Called by fake_read_tsc on its first call, then forgotten: what a writer
 * on another CPU does while the reader is in the middle. */
static void (*interrupt_reader)(void);
static unsigned int nr_tsc_reads;

static uint64_t fake_read_tsc(void)
{
	void (*fn)(void) = interrupt_reader;

	nr_tsc_reads++;
	interrupt_reader = NULL;
	if (fn)
		fn();
	return fake_tsc;
}

static void reset_fake(uint64_t tsc)
{
	fake_tsc = tsc;
	interrupt_reader = NULL;
	nr_tsc_reads = 0;
}

static void test_pvclock_scale_turns_cycles_into_nanoseconds_within_a_nanosecond_a_second(void)
{
	static const uint32_t khz[] = { 1000,	 32768,	  999999,  1000000,  1193182,
					2599998, 3000000, 3417601, 10000000, 4000000000u };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(khz); i++) {
		uint32_t mul;
		int8_t shift;
		uint64_t ten_seconds = (uint64_t)khz[i] * 10000, ns;

		pvclock_scale_for_khz(khz[i], &mul, &shift);
		/* The most precise scale: mul uses all 32 bits. */
		EXPECT_TRUE(mul >= 1u << 31);
		ns = pvclock_scale_delta(ten_seconds, mul, shift);
		if (!EXPECT_TRUE(ns <= 10000000000ull && ns >= 10000000000ull - 10))
			UNIT_FAIL("%u kHz: 10 s of cycles read %llu ns (mul %u, shift %d)", khz[i],
				  (unsigned long long)ns, mul, shift);
	}
}

static void test_pvclock_scale_keeps_the_high_half_of_a_large_delta(void)
{
	/* KVM's own numbers for a 2.5 GHz TSC: mul 0xcccccccc, shift -1 is
	 * 0.4 ns a cycle. A day of cycles is more than 2^32. */
	uint64_t day = 2500000000ull * 86400;

	EXPECT_EQ(pvclock_scale_delta(day, 0xcccccccc, -1) / 1000000, 86400000ull - 1);
	EXPECT_EQ(pvclock_scale_delta(1ull << 40, 1u << 31, 1), 1ull << 40);
}

static struct vvar_page page;

static void tsc_vvar(uint64_t boot_ns, uint64_t offset_ns)
{
	memset(&page, 0, sizeof(page));
	/* 1 GHz: mul 2^31 with shift 1 is one nanosecond a cycle. */
	page.pvclock.tsc_to_system_mul = 1u << 31;
	page.pvclock.tsc_shift = 1;
	page.pvclock.tsc_timestamp = 1000;
	page.pvclock.system_time = 5000;
	page.clock_mode = VVAR_CLOCK_TSC;
	page.boot_ns = boot_ns;
	page.realtime_offset_ns = offset_ns;
	page.seq = 2;
}

static void test_vvar_clock_is_pvclock_since_boot_plus_the_realtime_offset(void)
{
	uint64_t mono = 0, offset = 0;

	tsc_vvar(5100, 1700000000000000000ull);
	reset_fake(1000 + 100 + 250);
	EXPECT_TRUE(vvar_read_clock(&page, fake_read_tsc, &mono, &offset));
	EXPECT_EQ(mono, 250);
	EXPECT_EQ(offset, 1700000000000000000ull);
	EXPECT_EQ(nr_tsc_reads, 1);
}

static void test_vvar_without_a_clock_says_so(void)
{
	uint64_t mono = 7, offset = 8;

	tsc_vvar(0, 0);
	page.clock_mode = VVAR_CLOCK_NONE;
	reset_fake(123456);
	EXPECT_FALSE(vvar_read_clock(&page, fake_read_tsc, &mono, &offset));
	EXPECT_EQ(mono, 7);
	EXPECT_EQ(offset, 8);
	EXPECT_EQ(nr_tsc_reads, 0);
}

/* KVM refreshes the record mid-reading: odd version, new values, even. */
static void kvm_updates_pvclock(void)
{
	page.pvclock.version++;
	page.pvclock.tsc_timestamp = 2000;
	page.pvclock.system_time = 9000;
	page.pvclock.version++;
}

static void test_pvclock_reading_retries_when_the_hypervisor_rewrote_the_record(void)
{
	uint64_t mono = 0, offset = 0;

	tsc_vvar(5000, 0);
	reset_fake(2500);
	interrupt_reader = kvm_updates_pvclock;
	EXPECT_TRUE(vvar_read_clock(&page, fake_read_tsc, &mono, &offset));
	/* Only the new record's time counts: 9000 + 500 - 5000. */
	EXPECT_EQ(mono, 4500);
	EXPECT_EQ(nr_tsc_reads, 2);
}

/* The kernel changes its fields mid-reading, under the seqcount. */
static void kernel_sets_the_wall_clock(void)
{
	page.seq++;
	page.realtime_offset_ns = 42;
	page.boot_ns = 4000;
	page.seq++;
}

static void test_vvar_reading_retries_when_the_kernel_changed_its_fields(void)
{
	uint64_t mono = 0, offset = 0;

	tsc_vvar(5000, 1);
	reset_fake(1000 + 300);
	interrupt_reader = kernel_sets_the_wall_clock;
	EXPECT_TRUE(vvar_read_clock(&page, fake_read_tsc, &mono, &offset));
	EXPECT_EQ(mono, 5300 - 4000);
	EXPECT_EQ(offset, 42);
	EXPECT_EQ(nr_tsc_reads, 2);
}

static CU_TestInfo vvar_tests[] = {
	UNIT_TEST(test_pvclock_scale_turns_cycles_into_nanoseconds_within_a_nanosecond_a_second),
	UNIT_TEST(test_pvclock_scale_keeps_the_high_half_of_a_large_delta),
	UNIT_TEST(test_vvar_clock_is_pvclock_since_boot_plus_the_realtime_offset),
	UNIT_TEST(test_vvar_without_a_clock_says_so),
	UNIT_TEST(test_pvclock_reading_retries_when_the_hypervisor_rewrote_the_record),
	UNIT_TEST(test_vvar_reading_retries_when_the_kernel_changed_its_fields),
	CU_TEST_INFO_NULL,
};

static void unit_register_vvar(void)
{
	unit_add_suite("vvar", vvar_tests);
}

UNIT_REGISTER(unit_register_vvar)
