/* The PC's CMOS real-time clock (MC146818), read once at boot for the wall
 * clock where no paravirtual clock gives one (QEMU with TCG). Registers
 * through ports 0x70/0x71; where nothing answers, reads are all ones. */
#include <stdbool.h>
#include <stdint.h>
#include <vitro/time.h>

#include "io.h"
#include "rtc_cmos.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_NMI_DISABLE 0x80

#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_CENTURY 0x32 /* where PCs keep it (ACPI's FADT may say otherwise) */

#define RTC_UPDATE_IN_PROGRESS 0x80
#define RTC_BINARY 0x04
#define RTC_24_HOUR 0x02
#define RTC_PM 0x80
#define RTC_UPDATE_WAIT_READS 100000

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, CMOS_NMI_DISABLE | reg);
	return inb(CMOS_DATA);
}

static unsigned int from_bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era;
	unsigned int yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned int)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

struct rtc_time_raw {
	uint8_t sec, min, hour, day, month, year, century;
};

static void read_raw(struct rtc_time_raw *t)
{
	t->sec = cmos_read(RTC_SECONDS);
	t->min = cmos_read(RTC_MINUTES);
	t->hour = cmos_read(RTC_HOURS);
	t->day = cmos_read(RTC_DAY);
	t->month = cmos_read(RTC_MONTH);
	t->year = cmos_read(RTC_YEAR);
	t->century = cmos_read(RTC_CENTURY);
}

bool rtc_cmos_read_ns(uint64_t *ns)
{
	struct rtc_time_raw a, b;
	unsigned int i, hour, year;
	uint8_t status_b = cmos_read(RTC_STATUS_B);
	bool binary = status_b & RTC_BINARY;

	/* No RTC: the bus answers with all ones. */
	if (status_b == 0xff && cmos_read(RTC_STATUS_A) == 0xff)
		return false;
	/* Read twice, outside an update, until both reads agree. */
	for (i = 0; i < RTC_UPDATE_WAIT_READS; i++) {
		if (cmos_read(RTC_STATUS_A) & RTC_UPDATE_IN_PROGRESS)
			continue;
		read_raw(&a);
		read_raw(&b);
		if (!__builtin_memcmp(&a, &b, sizeof(a)))
			break;
	}
	if (i == RTC_UPDATE_WAIT_READS)
		return false;
	hour = from_bcd(a.hour & ~RTC_PM, binary);
	if (!(status_b & RTC_24_HOUR)) /* 12-hour mode: 12 AM is 0, PM adds 12 */
		hour = hour % 12 + (a.hour & RTC_PM ? 12 : 0);
	year = from_bcd(a.year, binary) +
	       (a.century && a.century != 0xff ? from_bcd(a.century, binary) * 100 : 2000);
	if (from_bcd(a.month, binary) < 1 || from_bcd(a.month, binary) > 12 ||
	    from_bcd(a.day, binary) < 1 || from_bcd(a.day, binary) > 31 || hour > 23 ||
	    from_bcd(a.min, binary) > 59 || from_bcd(a.sec, binary) > 60 || year < 1970)
		return false;
	*ns = ((uint64_t)days_from_civil(year, from_bcd(a.month, binary), from_bcd(a.day, binary)) *
		       86400 +
	       hour * 3600 + from_bcd(a.min, binary) * 60 + from_bcd(a.sec, binary)) *
	      NSEC_PER_SEC;
	return true;
}
