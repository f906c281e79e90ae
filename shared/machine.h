/* The fixed parts of the machine vitro emulates, which the guest kernel may
 * rely on under vitro and which QEMU microvm also has at the same places. */
#ifndef SHARED_MACHINE_H
#define SHARED_MACHINE_H

/* 16550A console UART (COM1). */
#define MACHINE_UART_PORT 0x3f8
#define MACHINE_UART_IRQ 4
#define MACHINE_UART_CLOCK_HZ 1843200

/* isa-debug-exit compatible port: a 32-bit write ends the VM. vitro exits
 * with the value written; QEMU exits with (value << 1) | 1. */
#define MACHINE_EXIT_PORT 0xf4
#define MACHINE_EXIT_PORT_SIZE 4

/* Status values the guest kernel writes to the exit port. vitro itself
 * exits with 2 for bad input and 3 when the VM crashed. */
#define GUEST_EXIT_SUCCESS 0
#define GUEST_EXIT_TEST_FAILED 1
#define GUEST_EXIT_PANIC 4

/* virtio-mmio transports (version 2), where QEMU's microvm has them: slot i
 * at MACHINE_VIRTIO_MMIO_BASE + i * MACHINE_VIRTIO_MMIO_SIZE, on IOAPIC pin
 * (GSI) MACHINE_VIRTIO_MMIO_FIRST_IRQ + i, edge-triggered and active-high
 * like the ISA interrupts below 16. vitro fills slots from 0 up and announces
 * each in the device tree and as virtio_mmio.device=SIZE@BASE:IRQ on the
 * command line. */
#define MACHINE_VIRTIO_MMIO_BASE 0xfeb00000ull
#define MACHINE_VIRTIO_MMIO_SIZE 0x200
#define MACHINE_VIRTIO_MMIO_FIRST_IRQ 5
#define MACHINE_VIRTIO_MMIO_SLOTS 8

#define MACHINE_IOAPIC_BASE 0xfec00000ull
#define MACHINE_LAPIC_BASE 0xfee00000ull

/* Guest-physical hole below 4 GiB for MMIO; RAM beyond it moves above 4 GiB. */
#define MACHINE_MMIO_HOLE_START 0xc0000000ull
#define MACHINE_MMIO_HOLE_END 0x100000000ull

/* The trace rings (shared/trace/ring.h) sit in the MMIO hole, outside RAM,
 * when vitro traces the guest: at most this many bytes from the base. */
#define MACHINE_TRACE_BASE 0xc0000000ull
#define MACHINE_TRACE_MAX 0x30000000ull

#endif
