/* See iov.h. */
#include "iov.h"

#include <stdint.h>
#include <string.h>

size_t iov_length(const struct iovec *iov, unsigned int nr)
{
	size_t total = 0;
	unsigned int i;

	for (i = 0; i < nr; i++)
		total += iov[i].iov_len;
	return total;
}

size_t iov_copy_from(const struct iovec *iov, unsigned int nr, size_t offset, void *dst, size_t len)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < nr && done < len; i++) {
		size_t n;

		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		n = iov[i].iov_len - offset;
		if (n > len - done)
			n = len - done;
		memcpy((uint8_t *)dst + done, (const uint8_t *)iov[i].iov_base + offset, n);
		done += n;
		offset = 0;
	}
	return done;
}

size_t iov_copy_to(const struct iovec *iov, unsigned int nr, size_t offset, const void *src,
		   size_t len)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < nr && done < len; i++) {
		size_t n;

		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		n = iov[i].iov_len - offset;
		if (n > len - done)
			n = len - done;
		memcpy((uint8_t *)iov[i].iov_base + offset, (const uint8_t *)src + done, n);
		done += n;
		offset = 0;
	}
	return done;
}

unsigned int iov_trim(struct iovec *iov, unsigned int nr, size_t offset, size_t len)
{
	unsigned int in, out = 0;

	for (in = 0; in < nr && len; in++) {
		struct iovec v = iov[in];

		if (offset >= v.iov_len) {
			offset -= v.iov_len;
			continue;
		}
		v.iov_base = (uint8_t *)v.iov_base + offset;
		v.iov_len -= offset;
		offset = 0;
		if (v.iov_len > len)
			v.iov_len = len;
		len -= v.iov_len;
		iov[out++] = v;
	}
	return out;
}

void iov_advance(struct iovec **iov, unsigned int *nr, size_t len)
{
	while (*nr && len >= (*iov)->iov_len) {
		len -= (*iov)->iov_len;
		(*iov)++;
		(*nr)--;
	}
	if (*nr && len) {
		(*iov)->iov_base = (uint8_t *)(*iov)->iov_base + len;
		(*iov)->iov_len -= len;
	}
}
