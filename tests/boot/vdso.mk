# The vDSO's guest test program (tests/guest/user/vdso_clock.c), built static
# with musl as /init for tests/boot/run-vdso-tests.

VDSO_TEST_PROGRAM := $(BUILD)/tests/guest/user/vdso_clock

$(VDSO_TEST_PROGRAM): tests/guest/user/vdso_clock.c
	@mkdir -p $(@D)
	musl-gcc -static -O2 -Wall -Wextra -Werror $< -o $@

ifneq ($(shell command -v musl-gcc 2>/dev/null),)
test-binaries: $(VDSO_TEST_PROGRAM)
endif
