# The guest kernel: freestanding, linked at -2 GiB, booted by PVH. Linked
# twice: the second link embeds the symbol table taken from the first.

KERNEL_CC := gcc
KERNEL_LD := ld
KERNEL_ELF := $(BUILD)/guest/kernel.elf
KERNEL_DIR := $(BUILD)/guest

# Linux UAPI headers only (errno values, later syscall ABI), never libc's.
KERNEL_UAPI := $(KERNEL_DIR)/uapi
KERNEL_CFLAGS := -std=gnu11 -ffreestanding -fno-pic -fno-pie -mcmodel=kernel \
	-mno-red-zone -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 \
	-fno-stack-protector -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls \
	-fno-asynchronous-unwind-tables -fno-common -O2 -g \
	-Wall -Wextra -Werror -nostdinc \
	-isystem $(shell $(KERNEL_CC) -print-file-name=include) \
	-isystem $(KERNEL_UAPI) -Iguest/kernel/include -MMD -MP \
	-DVITRO_VERSION='"$(VERSION)"'
KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
	--no-warn-rwx-segments -T guest/kernel/arch/x86/kernel.ld

KERNEL_SRCS := $(wildcard guest/kernel/arch/x86/*.c guest/kernel/arch/x86/*.S \
	guest/kernel/arch/x86/boot/*.S guest/kernel/kernel/*.c \
	guest/kernel/lib/*.c guest/kernel/mm/*.c guest/kernel/sched/*.c guest/kernel/trace/*.c \
	guest/kernel/fs/*.c guest/kernel/fs/proc/*.c guest/kernel/tty/*.c guest/kernel/block/*.c \
	guest/drivers/*/*.c tests/guest/*.c tests/guest/*.S) guest/vdso/vdso_image.S
KERNEL_OBJS := $(patsubst %,$(KERNEL_DIR)/obj/%.o,$(KERNEL_SRCS))

.PHONY: kernel
kernel: $(KERNEL_ELF)

$(KERNEL_UAPI)/.stamp:
	@mkdir -p $(KERNEL_UAPI)
	ln -sfn /usr/include/linux $(KERNEL_UAPI)/linux
	ln -sfn /usr/include/asm-generic $(KERNEL_UAPI)/asm-generic
	ln -sfn /usr/include/$(shell $(KERNEL_CC) -print-multiarch)/asm $(KERNEL_UAPI)/asm
	@touch $@

$(KERNEL_DIR)/obj/%.c.o: %.c $(KERNEL_UAPI)/.stamp
	@mkdir -p $(@D)
	$(KERNEL_CC) $(KERNEL_CFLAGS) -c $< -o $@

$(KERNEL_DIR)/obj/%.S.o: %.S $(KERNEL_UAPI)/.stamp
	@mkdir -p $(@D)
	$(KERNEL_CC) $(KERNEL_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(KERNEL_DIR)/obj/main.c.o: VERSION

# System call names, for the line an unknown one logs: from the UAPI header
# that also gives the numbers, so the two cannot disagree.
$(KERNEL_DIR)/generated/syscall_names.h: $(KERNEL_UAPI)/.stamp
	@mkdir -p $(@D)
	sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9]*\)$$/\t[\2] = "\1",/p' \
		$(KERNEL_UAPI)/asm/unistd_64.h > $@

$(KERNEL_DIR)/obj/guest/kernel/kernel/syscall_table.c.o: $(KERNEL_DIR)/generated/syscall_names.h
$(KERNEL_DIR)/obj/guest/kernel/kernel/syscall_table.c.o: KERNEL_CFLAGS += -I$(KERNEL_DIR)/generated

# Pass 1: an empty symbol table. Pass 2: the table of pass 1's text symbols.
$(KERNEL_DIR)/kallsyms0.S:
	@mkdir -p $(@D)
	scripts/gen-kallsyms < /dev/null > $@

$(KERNEL_DIR)/%.o: $(KERNEL_DIR)/%.S
	$(KERNEL_CC) $(KERNEL_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(KERNEL_DIR)/kernel.pass1.elf: $(KERNEL_OBJS) $(KERNEL_DIR)/kallsyms0.o guest/kernel/arch/x86/kernel.ld
	$(KERNEL_LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(KERNEL_DIR)/kallsyms0.o

$(KERNEL_DIR)/kallsyms.S: $(KERNEL_DIR)/kernel.pass1.elf scripts/gen-kallsyms
	nm -n $< | scripts/gen-kallsyms > $@

$(KERNEL_ELF): $(KERNEL_OBJS) $(KERNEL_DIR)/kallsyms.o guest/kernel/arch/x86/kernel.ld
	$(KERNEL_LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(KERNEL_DIR)/kallsyms.o
	@# The symbol table must describe the final image: text may not move.
	@nm -n $(KERNEL_DIR)/kernel.pass1.elf | scripts/gen-kallsyms | cmp -s - $(KERNEL_DIR)/kallsyms.S \
		|| { echo "kallsyms: text moved between link passes" >&2; rm -f $@; exit 1; }
