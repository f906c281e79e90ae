# Helpers the boot suites run.

# kvm-ring0-probe: whether this host's KVM runs the ring-0 instructions stock
# Linux needs (run-linux-tests skips where it does not). Built on vitro's KVM
# layer.
KVM_RING0_PROBE := $(BUILD)/tests/boot/kvm-ring0-probe
KVM_RING0_PROBE_OBJS := $(addprefix $(BUILD)/host/vmm/,kvm/kvm.o kvm/vcpu.o kvm/cpuid.o \
	guest_mem.o error.o)

$(BUILD)/tests/boot/obj/%.o: tests/boot/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c $< -o $@

$(KVM_RING0_PROBE): $(BUILD)/tests/boot/obj/kvm_ring0_probe.o $(KVM_RING0_PROBE_OBJS)
	$(CC) $(HOST_CFLAGS) -o $@ $^

test-binaries: $(KVM_RING0_PROBE)
