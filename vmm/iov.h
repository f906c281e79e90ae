/* Byte ranges over scattered host buffers (struct iovec arrays): what a
 * virtqueue chain becomes once its guest addresses are checked, and what
 * preadv, pwritev and io_uring take. */
#ifndef VMM_IOV_H
#define VMM_IOV_H

#include <stddef.h>
#include <sys/uio.h>

/* Total bytes in iov[0, nr). */
size_t iov_length(const struct iovec *iov, unsigned int nr);

/* Copies up to len bytes starting offset bytes into the buffers; returns
 * how many were copied (fewer when the buffers end first). */
size_t iov_copy_from(const struct iovec *iov, unsigned int nr, size_t offset, void *dst,
		     size_t len);
size_t iov_copy_to(const struct iovec *iov, unsigned int nr, size_t offset, const void *src,
		   size_t len);

/* Narrows iov[0, nr) in place to the bytes [offset, offset + len), dropping
 * the buffers outside it. Returns the new count; len must fit in the buffers
 * (the caller has measured them). */
unsigned int iov_trim(struct iovec *iov, unsigned int nr, size_t offset, size_t len);

/* Drops the first len bytes of iov[0, *nr), for resuming a short transfer. */
void iov_advance(struct iovec **iov, unsigned int *nr, size_t len);

#endif
