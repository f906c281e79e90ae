# Vitro: one non-recursive build. Every output goes under build/.
# Subsystems describe their files in */*.mk fragments included below.

BUILD ?= build
CC ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif
CLANG := clang
VERSION := $(shell cat VERSION)$(shell git describe --always --dirty 2>/dev/null | sed 's/^/-g/')

HOST_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g \
	-fno-strict-aliasing -MMD -MP
HOST_LDLIBS := -lfdt -luring -lpthread

.DEFAULT_GOAL := all
.PHONY: all run test test-binaries fuzz bench format format-check clean deps

all: vitro kernel

deps:
	@scripts/setup-deps

# Suites add what they need to run: unit test binaries, sanitizer builds, fuzzers.
test-binaries:

include vmm/vmm.mk
include guest/kernel/kernel.mk
include guest/user/user.mk
include guest/vdso/vdso.mk
include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
include tests/boot/boot.mk
include tests/boot/vdso.mk
include tests/bench/bench.mk

# Interactive boot of the default guest on this terminal: a busybox shell
# from the initramfs (`poweroff`, or Ctrl-A x, leaves).
run: deps
	@$(MAKE) --no-print-directory all initramfs
	$(VITRO) run --initrd $(INITRAMFS) $(RUN_ARGS)

# Every test suite; the last line is "N passed, N failed[, N skipped]". Debian's
# kernel (for the bzImage unit test and the linux suite) is fetched first, once.
test: deps
	@$(MAKE) --no-print-directory all test-binaries
	@scripts/fetch-debian-kernel $(BUILD) > /dev/null || \
		echo "make test: no Debian kernel; the tests that boot or load it will say SKIP"
	@scripts/run-tests $(BUILD)

FORMAT_FILES = $(shell git ls-files '*.c' '*.h')
format:
	clang-format -i $(FORMAT_FILES)

format-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES) && echo "format: clean"

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
