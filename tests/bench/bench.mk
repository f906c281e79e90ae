# `make bench`: VMM start-up time and RSS of vitro against QEMU microvm and a
# minimal KVM program, printed as a table (tests/bench/README.md), then the
# guest kernel's allocators, scheduler and tracing. A benchmark, not a test:
# it never fails on a missed target.

BENCH_DIR := $(BUILD)/bench
BENCH_RUNS ?= 20
BENCH_TOOLS := $(BENCH_DIR)/boot_time $(BENCH_DIR)/kvm_floor $(BENCH_DIR)/startup_probe.so \
	$(BENCH_DIR)/exit.elf $(BENCH_DIR)/mm_bench

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

# The guest kernel's allocators built for the host, timed next to glibc;
# kmalloc rows when SLUB's files are in the tree.
MM_BENCH_SLUB_SRCS := $(wildcard guest/kernel/mm/slab*.c guest/kernel/mm/slub*.c)
MM_BENCH_SRCS := tests/bench/mm_bench.c guest/kernel/mm/page_alloc.c guest/kernel/mm/vmscan.c \
	tests/unit/host_kernel.c \
	$(MM_BENCH_SLUB_SRCS)
MM_BENCH_OBJS := $(patsubst %.c,$(BENCH_DIR)/obj/%.o,$(MM_BENCH_SRCS))
MM_BENCH_CFLAGS := -DVITRO_HOST_BUILD -Iguest/kernel/include \
	$(if $(MM_BENCH_SLUB_SRCS),-DMM_BENCH_HAS_SLUB)

$(MM_BENCH_OBJS): $(BENCH_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(MM_BENCH_CFLAGS) -c $< -o $@

$(BENCH_DIR)/mm_bench: $(MM_BENCH_OBJS)
	$(CC) $(HOST_CFLAGS) -o $@ $^

# Only the allocator table (no VM runs): make bench-mm
.PHONY: bench-mm
bench-mm: $(BENCH_DIR)/mm_bench
	@$(BENCH_DIR)/mm_bench

# The scheduler's policy built for the host: enqueue, dequeue, pick and tick
# in ns with 10, 1,000 and 100,000 runnable tasks, EEVDF and CFS side by side.
SCHED_BENCH_SRCS := tests/bench/sched_bench.c \
	$(addprefix guest/kernel/sched/,core.c fair.c rt.c deadline.c) guest/kernel/lib/rbtree.c
SCHED_BENCH_OBJS := $(patsubst %.c,$(BENCH_DIR)/obj/%.o,$(SCHED_BENCH_SRCS))
BENCH_TOOLS += $(BENCH_DIR)/sched_bench

$(SCHED_BENCH_OBJS): $(BENCH_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -DVITRO_HOST_BUILD -Iguest/kernel/include -c $< -o $@

$(BENCH_DIR)/sched_bench: $(SCHED_BENCH_OBJS)
	$(CC) $(HOST_CFLAGS) -o $@ $^

# Only the scheduler table (no VM runs): make bench-sched
.PHONY: bench-sched
bench-sched: $(BENCH_DIR)/sched_bench
	@$(BENCH_DIR)/sched_bench

# vitro's trace drain natively: the guest's ring producer against vitro's
# reader and spooling, the most events/s with none lost.
TRACE_BENCH_SRCS := tests/bench/trace_drain_bench.c guest/kernel/trace/producer.c \
	vmm/trace/ring_reader.c vmm/trace/event_desc.c vmm/error.c
TRACE_BENCH_OBJS := $(patsubst %.c,$(BENCH_DIR)/obj/%.o,$(TRACE_BENCH_SRCS))
BENCH_TOOLS += $(BENCH_DIR)/trace_drain_bench

$(BENCH_DIR)/obj/guest/kernel/trace/producer.o: TRACE_BENCH_CFLAGS := -DVITRO_HOST_BUILD \
	-Iguest/kernel/include
$(TRACE_BENCH_OBJS): $(BENCH_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(TRACE_BENCH_CFLAGS) -c $< -o $@

$(BENCH_DIR)/trace_drain_bench: $(TRACE_BENCH_OBJS)
	$(CC) $(HOST_CFLAGS) -o $@ $^ -lpthread

# Runs of each guest case in the tracing section (the nested host is noisy:
# each figure is a median).
BENCH_TRACE_VITRO_RUNS ?= 3
BENCH_TRACE_QEMU_RUNS ?= 5
BENCH_TRACE_ENV = BENCH_TRACE_VITRO_RUNS=$(BENCH_TRACE_VITRO_RUNS) \
	BENCH_TRACE_QEMU_RUNS=$(BENCH_TRACE_QEMU_RUNS)

# Only the tracing section (VM runs and trace_drain_bench): make bench-trace
.PHONY: bench-trace
bench-trace: $(VITRO) $(KERNEL_ELF) $(BENCH_DIR)/trace_drain_bench
	@$(BENCH_TRACE_ENV) tests/bench/run-trace-bench $(BUILD) $(VITRO) $(KERNEL_ELF)

bench: $(VITRO) $(KERNEL_ELF) $(BENCH_TOOLS)
	@BENCH_RUNS=$(BENCH_RUNS) $(BENCH_TRACE_ENV) tests/bench/run-bench $(BUILD) $(VITRO) \
		$(KERNEL_ELF)
