# `make bench`: VMM start-up time and RSS of vitro against QEMU microvm and a
# minimal KVM program, printed as a table (tests/bench/README.md). A
# benchmark, not a test: it never fails on a missed target.

BENCH_DIR := $(BUILD)/bench
BENCH_RUNS ?= 20
BENCH_TOOLS := $(BENCH_DIR)/boot_time $(BENCH_DIR)/kvm_floor $(BENCH_DIR)/startup_probe.so \
	$(BENCH_DIR)/exit.elf

# Static: a child's ru_maxrss is at least its parent's peak RSS (the kernel
# copies it at fork and keeps it across exec), and a static boot_time peaks
# lower than any dynamically linked VMM.
$(BENCH_DIR)/boot_time: tests/bench/boot_time.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -static -o $@ $<

$(BENCH_DIR)/kvm_floor: tests/bench/kvm_floor.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -o $@ $<

$(BENCH_DIR)/startup_probe.so: tests/bench/startup_probe.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -fPIC -shared -o $@ $< -ldl

# The trivial PVH guest: ELF64 ET_EXEC at physical 1 MiB with a PVH note.
$(BENCH_DIR)/exit_image.o: tests/bench/exit_image.S
	@mkdir -p $(@D)
	$(KERNEL_CC) -c $< -o $@

$(BENCH_DIR)/exit.elf: $(BENCH_DIR)/exit_image.o tests/bench/exit_image.ld
	$(KERNEL_LD) -nostdlib -static -z max-page-size=4096 -z noexecstack \
		-T tests/bench/exit_image.ld -o $@ $<

bench: $(VITRO) $(KERNEL_ELF) $(BENCH_TOOLS)
	@BENCH_RUNS=$(BENCH_RUNS) tests/bench/run-bench $(BUILD) $(VITRO) $(KERNEL_ELF)
