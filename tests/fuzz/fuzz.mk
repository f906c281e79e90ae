# libFuzzer targets over the parsers that read guest- or user-controlled
# bytes, built with clang, ASan and UBSan. `make fuzz` runs each for
# FUZZ_SECONDS seconds through tests/fuzz/run-fuzz.

FUZZ_SECONDS ?= 60
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_SANITIZE := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -g \
	-fno-omit-frame-pointer -fno-strict-aliasing -MMD -MP $(FUZZ_SANITIZE)
# Kernel library code builds for the host against the kernel's own headers.
FUZZ_KERNEL_CFLAGS := -DVITRO_HOST_BUILD -Iguest/kernel/include

FUZZ_TARGETS := fuzz_elf_pvh fuzz_uart fuzz_dtb fuzz_cli fuzz_trace_ring fuzz_gdb_packet fuzz_trace_read \
	fuzz_cpio fuzz_elf_image fuzz_virtq fuzz_virtio_blk fuzz_bzimage
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
fuzz_objs = $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(1))

# Each target links its harness and only the sources it exercises.
$(FUZZ_DIR)/fuzz_elf_pvh: $(call fuzz_objs,tests/fuzz/fuzz_elf_pvh.c \
	vmm/boot/elf_pvh.c vmm/guest_mem.c vmm/error.c)
$(FUZZ_DIR)/fuzz_bzimage: $(call fuzz_objs,tests/fuzz/fuzz_bzimage.c \
	$(addprefix vmm/boot/,bzimage.c linux_boot.c e820.c) vmm/guest_mem.c vmm/error.c)
$(FUZZ_DIR)/fuzz_uart: $(call fuzz_objs,tests/fuzz/fuzz_uart.c vmm/devices/uart.c)
$(FUZZ_DIR)/fuzz_dtb: $(call fuzz_objs,tests/fuzz/fuzz_dtb.c guest/kernel/lib/dtb.c)
$(FUZZ_DIR)/fuzz_cpio: $(call fuzz_objs,tests/fuzz/fuzz_cpio.c guest/kernel/fs/cpio.c \
	guest/kernel/lib/format.c)
$(FUZZ_DIR)/fuzz_elf_image: $(call fuzz_objs,tests/fuzz/fuzz_elf_image.c \
	guest/kernel/kernel/elf_image.c guest/kernel/lib/format.c)
$(FUZZ_DIR)/fuzz_virtq: $(call fuzz_objs,tests/fuzz/fuzz_virtq.c vmm/virtio/virtqueue.c \
	vmm/guest_mem.c)
$(FUZZ_DIR)/fuzz_virtio_blk: $(call fuzz_objs,tests/fuzz/fuzz_virtio_blk.c \
	vmm/devices/virtio_blk.c $(addprefix vmm/virtio/,virtqueue.c mmio.c device.c) \
	vmm/block/disk.c vmm/block/disk_queue.c vmm/iov.c vmm/guest_mem.c vmm/error.c)
$(FUZZ_DIR)/fuzz_virtio_blk: FUZZ_LDLIBS := -luring -lpthread
$(FUZZ_DIR)/fuzz_cli: $(call fuzz_objs,tests/fuzz/fuzz_cli.c vmm/cli.c vmm/error.c \
	vmm/trace/event_desc.c)
$(FUZZ_DIR)/fuzz_trace_ring: $(call fuzz_objs,tests/fuzz/fuzz_trace_ring.c \
	vmm/trace/ring_reader.c vmm/trace/event_desc.c vmm/error.c)
$(FUZZ_DIR)/fuzz_gdb_packet: $(call fuzz_objs,tests/fuzz/fuzz_gdb_packet.c \
	vmm/gdb/packet.c vmm/gdb/command.c vmm/gdb/session.c vmm/gdb/x86_regs.c)
$(FUZZ_DIR)/fuzz_trace_read: $(call fuzz_objs,tests/fuzz/fuzz_trace_read.c \
	$(addprefix vmm/trace/,read.c read_json.c json_parse.c read_ctf.c ctf_metadata.c \
	event_store.c event_desc.c fields.c escape.c sched_tracker.c task_table.c \
	output_json.c output_text.c report.c report_print.c timeline.c) \
	vmm/files.c vmm/error.c)

$(FUZZ_BINS):
	$(CLANG) $(FUZZ_SANITIZE) -o $@ $^ $(FUZZ_LDLIBS)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/obj/guest/%.o: FUZZ_CFLAGS += $(FUZZ_KERNEL_CFLAGS)
$(FUZZ_DIR)/obj/tests/fuzz/fuzz_dtb.o: FUZZ_CFLAGS += $(FUZZ_KERNEL_CFLAGS)
$(FUZZ_DIR)/obj/tests/fuzz/fuzz_cpio.o: FUZZ_CFLAGS += $(FUZZ_KERNEL_CFLAGS)
$(FUZZ_DIR)/obj/tests/fuzz/fuzz_elf_image.o: FUZZ_CFLAGS += $(FUZZ_KERNEL_CFLAGS)

test-binaries: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	tests/fuzz/run-fuzz $(BUILD) $(FUZZ_SECONDS)
