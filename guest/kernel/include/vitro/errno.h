/* Linux errno values (from the UAPI headers), so kernel code returns what
 * Linux returns. */
#ifndef VITRO_ERRNO_H
#define VITRO_ERRNO_H

#include <asm-generic/errno.h>

#endif
