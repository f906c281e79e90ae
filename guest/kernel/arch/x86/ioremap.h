/* Device memory (MMIO windows outside RAM) mapped uncached into the direct
 * map, at phys_to_virt(phys), as the APIC window already is. */
#ifndef ARCH_X86_IOREMAP_H
#define ARCH_X86_IOREMAP_H

#include <stdint.h>

/* Maps the pages covering [phys, phys + size) that are not mapped yet
 * (several devices may share a page: QEMU puts virtio-mmio windows 512 bytes
 * apart) and returns phys's address, or NULL when the range is not in the
 * MMIO hole below 4 GiB or a page table cannot be allocated. */
void *ioremap(uint64_t phys, uint64_t size);

#endif
