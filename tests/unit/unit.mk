# CUnit host unit tests: vitro's library objects plus the guest kernel's
# host-buildable libraries, in one binary that prints a PASS/FAIL line per test.

UNIT_BIN := $(BUILD)/tests/unit/unit-tests
UNIT_SRCS := $(wildcard tests/unit/*.c)
# Kernel code that builds for the host: the libraries, execve's ELF reader and
# stack builder, all of mm/, fs/ (the system calls included: host_uaccess.c
# stands in for user memory, and host_sched.c for the scheduler under pipes,
# poll and wait queues) and tty/ (the hardware glue lives under arch/), wait
# queues, the scheduling policy (the runtime around it switches stacks and
# sends IPIs, so it is tested in the guest), the load average's and pressure
# stall information's math, procfs's formatters, the virtio core, virtqueue
# and virtio-mmio transport (mmio_platform.c maps and routes interrupts) and
# the block layer's queues, merging, flush sequencing and schedulers (genhd.c
# and blk_glue.c sleep and send IPIs).
UNIT_GUEST_SRCS := guest/kernel/lib/format.c guest/kernel/lib/dtb.c guest/kernel/lib/rbtree.c \
	guest/kernel/lib/kallsyms.c guest/kernel/kernel/cmdline.c guest/kernel/trace/producer.c \
	guest/kernel/kernel/elf_image.c guest/kernel/kernel/exec_stack.c guest/kernel/kernel/vdso.c \
	guest/kernel/kernel/printk_log.c \
	guest/kernel/lib/chacha20.c guest/kernel/lib/crng.c guest/drivers/char/mem.c \
	$(wildcard guest/kernel/mm/*.c guest/kernel/fs/*.c guest/kernel/tty/*.c) \
	$(addprefix guest/kernel/sched/,core.c fair.c rt.c deadline.c wait.c loadavg.c psi.c) \
	$(addprefix guest/kernel/fs/proc/,proc_buf.c task_format.c system_format.c) \
	$(addprefix guest/drivers/virtio/,virtqueue.c virtio.c virtio_mmio.c mmio_discover.c) \
	$(addprefix guest/kernel/block/,blk_mq.c flush.c elevator.c mq_deadline.c)
UNIT_OBJS := $(patsubst %.c,$(BUILD)/tests/unit/obj/%.o,$(UNIT_SRCS) $(UNIT_GUEST_SRCS))
UNIT_CFLAGS := -DVITRO_HOST_BUILD -Iguest/kernel/include

# The loader test also loads the kernel this tree built, when there is one.
$(BUILD)/tests/unit/obj/tests/unit/test_elf_pvh.o: UNIT_CFLAGS += \
	-DUNIT_KERNEL_ELF='"$(abspath $(BUILD))/guest/kernel.elf"' \
	-DUNIT_DEFAULT_KERNEL_ELF='"$(CURDIR)/build/guest/kernel.elf"'

# The bzImage test also loads Debian's kernel, once scripts/fetch-debian-kernel
# has put it there.
$(BUILD)/tests/unit/obj/tests/unit/test_bzimage.o: UNIT_CFLAGS += \
	-DUNIT_DEBIAN_BZIMAGE='"$(abspath $(BUILD))/linux/current/vmlinuz"'

$(UNIT_OBJS): $(BUILD)/tests/unit/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(UNIT_CFLAGS) -c $< -o $@

# vitro's library minus the KVM glue (vm.c, vm_disks.c, kvm/), which needs
# /dev/kvm and is covered by the boot suite.
UNIT_VMM_OBJS := $(filter-out $(BUILD)/host/vmm/vm.o $(BUILD)/host/vmm/vm_disks.o \
	$(BUILD)/host/vmm/kvm/%,$(VMM_LIB_OBJS))

$(UNIT_BIN): $(UNIT_OBJS) $(UNIT_VMM_OBJS)
	$(CC) $(HOST_CFLAGS) -o $@ $^ -lcunit $(HOST_LDLIBS)

test-binaries: $(UNIT_BIN)

# Executables the ELF reader tests read and the exec tests run, all from one
# small program: musl static, musl static-pie, and the host compiler's
# default (dynamically linked). Debian's musl-gcc specs ignore -static-pie (they always ask for a
# dynamic linker), so that link names musl's self-relocating start file,
# rcrt1.o, itself; it sits next to the specs musl-gcc reads. Without
# musl-gcc the tests that need musl are skipped.
UNIT_EXEC_DIR := $(BUILD)/tests/unit/exec
UNIT_EXEC_SRC := tests/unit/programs/exec_probe.c
UNIT_EXEC_CFLAGS := -O2 -Wall -Wextra -Werror
UNIT_EXEC_SAMPLES := $(UNIT_EXEC_DIR)/probe-dynamic
ifneq ($(shell command -v musl-gcc 2>/dev/null),)
UNIT_EXEC_SAMPLES += $(UNIT_EXEC_DIR)/probe-static $(UNIT_EXEC_DIR)/probe-static-pie
endif
unit_musl_dir = $$(musl-gcc -v -E -xc /dev/null -o /dev/null 2>&1 | \
	sed -n 's|^Reading specs from \(.*\)/musl-gcc\.specs$$|\1|p')

$(UNIT_EXEC_DIR)/probe-static: $(UNIT_EXEC_SRC)
	@mkdir -p $(@D)
	musl-gcc -static $(UNIT_EXEC_CFLAGS) $< -o $@

$(UNIT_EXEC_DIR)/probe-static-pie: $(UNIT_EXEC_SRC)
	@mkdir -p $(@D)
	dir=$(unit_musl_dir) && { test -f "$$dir/rcrt1.o" || \
		{ echo "unit.mk: no rcrt1.o next to musl-gcc's specs ('$$dir')" >&2; exit 1; }; } && \
	musl-gcc -static-pie -fPIE -nostartfiles $(UNIT_EXEC_CFLAGS) "$$dir/rcrt1.o" \
		"$$dir/crti.o" $< "$$dir/crtn.o" -Wl,-static,-pie,--no-dynamic-linker,-z,text -o $@

$(UNIT_EXEC_DIR)/probe-dynamic: $(UNIT_EXEC_SRC)
	@mkdir -p $(@D)
	$(CC) $(UNIT_EXEC_CFLAGS) $< -o $@

$(BUILD)/tests/unit/obj/tests/unit/exec_samples.o: UNIT_CFLAGS += \
	-DUNIT_EXEC_DIR='"$(abspath $(UNIT_EXEC_DIR))"'
$(UNIT_BIN): | $(UNIT_EXEC_SAMPLES)

# The vDSO tests read, load, run and map the image the build made.
$(BUILD)/tests/unit/obj/tests/unit/test_vdso_image.o \
$(BUILD)/tests/unit/obj/tests/unit/test_vdso_map.o: UNIT_CFLAGS += \
	-DUNIT_VDSO_SO='"$(abspath $(VDSO_SO))"'
$(UNIT_BIN): | $(VDSO_SO)
