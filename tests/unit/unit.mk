# CUnit host unit tests: vitro's library objects plus the guest kernel's
# host-buildable libraries, in one binary that prints a PASS/FAIL line per test.

UNIT_BIN := $(BUILD)/tests/unit/unit-tests
UNIT_SRCS := $(wildcard tests/unit/*.c)
# Kernel code that builds for the host: the libraries, all of mm/, fs/ (the
# system calls included: host_uaccess.c stands in for user memory, and
# host_sched.c for the scheduler under pipes, poll and wait queues) and tty/
# (the hardware glue lives under arch/), wait queues, and the scheduling
# policy (the runtime around it switches stacks and sends IPIs, so it is
# tested in the guest).
UNIT_GUEST_SRCS := guest/kernel/lib/format.c guest/kernel/lib/dtb.c guest/kernel/lib/rbtree.c \
	guest/kernel/lib/kallsyms.c guest/kernel/kernel/cmdline.c guest/kernel/trace/producer.c \
	guest/kernel/lib/chacha20.c guest/kernel/lib/crng.c guest/drivers/char/mem.c \
	$(wildcard guest/kernel/mm/*.c guest/kernel/fs/*.c guest/kernel/tty/*.c) \
	$(addprefix guest/kernel/sched/,core.c fair.c rt.c deadline.c wait.c)
UNIT_OBJS := $(patsubst %.c,$(BUILD)/tests/unit/obj/%.o,$(UNIT_SRCS) $(UNIT_GUEST_SRCS))
UNIT_CFLAGS := -DVITRO_HOST_BUILD -Iguest/kernel/include

# The loader test also loads the kernel this tree built, when there is one.
$(BUILD)/tests/unit/obj/tests/unit/test_elf_pvh.o: UNIT_CFLAGS += \
	-DUNIT_KERNEL_ELF='"$(abspath $(BUILD))/guest/kernel.elf"' \
	-DUNIT_DEFAULT_KERNEL_ELF='"$(CURDIR)/build/guest/kernel.elf"'

$(UNIT_OBJS): $(BUILD)/tests/unit/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(UNIT_CFLAGS) -c $< -o $@

# vitro's library minus the KVM glue (vm.c, kvm/), which needs /dev/kvm and
# is covered by the boot suite.
UNIT_VMM_OBJS := $(filter-out $(BUILD)/host/vmm/vm.o $(BUILD)/host/vmm/kvm/%,$(VMM_LIB_OBJS))

$(UNIT_BIN): $(UNIT_OBJS) $(UNIT_VMM_OBJS)
	$(CC) $(HOST_CFLAGS) -o $@ $^ -lcunit $(HOST_LDLIBS)

test-binaries: $(UNIT_BIN)
