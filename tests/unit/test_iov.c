/* Tests for byte ranges over scattered buffers (vmm/iov.c), on buffers of
 * 3, 0, 5 and 4 bytes so that every range crosses a boundary somewhere. */
#include <string.h>

#include "../../vmm/iov.h"
#include "unit.h"

struct iov_fixture {
	char a[3], b[1], c[5], d[4];
	struct iovec iov[4];
};

static void fixture_init(struct iov_fixture *f)
{
	memcpy(f->a, "abc", 3);
	memcpy(f->c, "defgh", 5);
	memcpy(f->d, "ijkl", 4);
	f->iov[0] = (struct iovec){ f->a, 3 };
	f->iov[1] = (struct iovec){ f->b, 0 };
	f->iov[2] = (struct iovec){ f->c, 5 };
	f->iov[3] = (struct iovec){ f->d, 4 };
}

static void test_iov_length_sums_every_buffer(void)
{
	struct iov_fixture f;

	fixture_init(&f);
	EXPECT_EQ(iov_length(f.iov, 4), 12);
	EXPECT_EQ(iov_length(f.iov, 0), 0);
}

static void test_iov_copy_from_crosses_buffers_and_stops_at_end(void)
{
	struct iov_fixture f;
	char out[16] = { 0 };

	fixture_init(&f);
	EXPECT_EQ(iov_copy_from(f.iov, 4, 2, out, 8), 8);
	EXPECT_STR(out, "cdefghij");
	memset(out, 0, sizeof(out));
	EXPECT_EQ(iov_copy_from(f.iov, 4, 9, out, 10), 3);
	EXPECT_STR(out, "jkl");
	EXPECT_EQ(iov_copy_from(f.iov, 4, 12, out, 1), 0);
	EXPECT_EQ(iov_copy_from(f.iov, 4, 100, out, 1), 0);
}

static void test_iov_copy_to_writes_only_the_range(void)
{
	struct iov_fixture f;

	fixture_init(&f);
	EXPECT_EQ(iov_copy_to(f.iov, 4, 1, "XYZW", 4), 4);
	EXPECT_EQ(memcmp(f.a, "aXY", 3), 0);
	EXPECT_EQ(memcmp(f.c, "ZWfgh", 5), 0);
	EXPECT_EQ(iov_copy_to(f.iov, 4, 11, "QR", 2), 1);
	EXPECT_EQ(memcmp(f.d, "ijkQ", 4), 0);
}

static void test_iov_trim_keeps_exactly_the_range(void)
{
	struct iov_fixture f;
	unsigned int nr;

	fixture_init(&f);
	nr = iov_trim(f.iov, 4, 2, 7);
	EXPECT_EQ(nr, 3);
	EXPECT_TRUE(f.iov[0].iov_base == f.a + 2);
	EXPECT_EQ(f.iov[0].iov_len, 1);
	EXPECT_TRUE(f.iov[1].iov_base == f.c);
	EXPECT_EQ(f.iov[1].iov_len, 5);
	EXPECT_TRUE(f.iov[2].iov_base == f.d);
	EXPECT_EQ(f.iov[2].iov_len, 1);
	EXPECT_EQ(iov_length(f.iov, nr), 7);

	fixture_init(&f);
	EXPECT_EQ(iov_trim(f.iov, 4, 3, 0), 0);
	nr = iov_trim(f.iov, 4, 8, 4);
	EXPECT_EQ(nr, 1);
	EXPECT_TRUE(f.iov[0].iov_base == f.d);
}

static void test_iov_advance_skips_whole_and_part_buffers(void)
{
	struct iov_fixture f;
	struct iovec *iov;
	unsigned int nr = 4;

	fixture_init(&f);
	iov = f.iov;
	iov_advance(&iov, &nr, 4);
	EXPECT_EQ(nr, 2);
	EXPECT_TRUE(iov->iov_base == f.c + 1);
	EXPECT_EQ(iov->iov_len, 4);
	iov_advance(&iov, &nr, 4);
	EXPECT_EQ(nr, 1);
	EXPECT_TRUE(iov->iov_base == f.d);
	iov_advance(&iov, &nr, 4);
	EXPECT_EQ(nr, 0);
}

static CU_TestInfo iov_tests[] = {
	UNIT_TEST(test_iov_length_sums_every_buffer),
	UNIT_TEST(test_iov_copy_from_crosses_buffers_and_stops_at_end),
	UNIT_TEST(test_iov_copy_to_writes_only_the_range),
	UNIT_TEST(test_iov_trim_keeps_exactly_the_range),
	UNIT_TEST(test_iov_advance_skips_whole_and_part_buffers),
	CU_TEST_INFO_NULL,
};

static void unit_register_iov(void)
{
	unit_add_suite("iov", iov_tests);
}

UNIT_REGISTER(unit_register_iov)
