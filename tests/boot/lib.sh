# Helpers shared by the boot and bad-input suites. Each check prints one
# line: PASS name | FAIL name: why | SKIP name: why (see scripts/run-tests).

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "SKIP $1: $2"; }

# check NAME CONDITION-COMMAND... : PASS if the command succeeds; returns
# non-zero after a FAIL, so a caller can keep evidence.
check() {
	local name=$1
	shift
	if "$@"; then
		pass "$name"
		FAIL_WHY=
		return 0
	fi
	fail "$name" "${FAIL_WHY:-check failed: $*}"
	FAIL_WHY=
	return 1
}

# has_line FILE TEXT: the file contains the fixed string.
has_text() { grep -qF -- "$2" "$1"; }

kvm_usable() {
	[ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]
}

QEMU_MICROVM=(qemu-system-x86_64 -M microvm,x-option-roms=off,isa-serial=on,rtc=off,acpi=off
	-accel tcg -cpu max -nodefaults -no-user-config -nographic -serial stdio
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	-global virtio-mmio.force-legacy=false)

# Guest statuses (shared/machine.h) and how each VMM reports them.
GUEST_EXIT_SUCCESS=0
GUEST_EXIT_TEST_FAILED=1
GUEST_EXIT_PANIC=4
qemu_status() { echo $((($1 << 1) | 1)); }
