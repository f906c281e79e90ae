# The guest's own user programs (guest/user/): /init and vitro-selftest, static Linux binaries
# built with musl-gcc, and the initramfs that carries them with busybox (scripts/mkinitramfs).
# Built by `make run` and for the tests; not part of `all`, so that vitro and the kernel build
# without musl-tools.

USER_CC := musl-gcc
USER_DIR := $(BUILD)/user
USER_CFLAGS := -std=c11 -D_GNU_SOURCE -static -O2 -Wall -Wextra -Werror -MMD -MP
USER_INIT := $(USER_DIR)/init
USER_SELFTEST := $(USER_DIR)/vitro-selftest
USER_SELFTEST_OBJS := $(patsubst %.c,$(USER_DIR)/obj/%.o,$(wildcard guest/user/selftest/*.c))
USER_BENCH := $(USER_DIR)/vitro-bench
USER_ROOTFS_FILES := $(shell find guest/user/rootfs -type f)
INITRAMFS := $(BUILD)/guest/initramfs.cpio

.PHONY: user initramfs user-toolchain
user: $(USER_INIT) $(USER_SELFTEST) $(USER_BENCH)
initramfs: $(INITRAMFS)

user-toolchain:
	@command -v $(USER_CC) > /dev/null || { echo "make: $(USER_CC) not found: the guest's programs are built static against musl (install musl-tools: scripts/setup-deps)" >&2; exit 1; }

$(USER_DIR)/obj/%.o: %.c | user-toolchain
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -c $< -o $@

$(USER_INIT): $(USER_DIR)/obj/guest/user/init.o
	$(USER_CC) $(USER_CFLAGS) -o $@ $^

$(USER_SELFTEST): $(USER_SELFTEST_OBJS)
	$(USER_CC) $(USER_CFLAGS) -o $@ $^ -lpthread

$(USER_BENCH): $(USER_DIR)/obj/guest/user/bench/vitro-bench.o
	$(USER_CC) $(USER_CFLAGS) -o $@ $^ -lpthread

USER_TEST_SCRIPTS := $(wildcard tests/user/busybox/*)

$(INITRAMFS): $(USER_INIT) $(USER_SELFTEST) $(USER_BENCH) scripts/mkinitramfs $(USER_ROOTFS_FILES) \
		$(USER_TEST_SCRIPTS)
	scripts/mkinitramfs $@ --add $(USER_INIT):/init --add $(USER_SELFTEST):/usr/bin/vitro-selftest \
		--add $(USER_BENCH):/usr/bin/vitro-bench \
		--add tests/user/busybox:/usr/share/vitro-tests/busybox

# The user-space suite boots it.
test-binaries: $(INITRAMFS)
