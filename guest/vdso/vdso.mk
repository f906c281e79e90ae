# The vDSO (guest/vdso/): a small shared object linked by the kernel's
# compiler, which the kernel embeds (vdso_image.S, in KERNEL_SRCS) and maps
# into every process. After kernel.mk, whose variables it uses. Position independent, no SSE (the kernel's rule, and nothing
# here needs it), no stack protector (no TLS to read it from).

VDSO_DIR := $(BUILD)/guest/vdso
VDSO_SO := $(VDSO_DIR)/vdso.so
# With symbols and debug information, for gdb (Linux's vdso64.so.dbg); the
# kernel embeds the stripped copy.
VDSO_DBG := $(VDSO_DIR)/vdso.so.dbg
VDSO_SRCS := guest/vdso/vclock.c guest/vdso/vgetcpu.c
VDSO_OBJS := $(patsubst guest/vdso/%.c,$(VDSO_DIR)/%.o,$(VDSO_SRCS))
VDSO_CFLAGS := -std=gnu11 -ffreestanding -fPIC -fvisibility=hidden -O2 -g \
	-mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 -fno-stack-protector \
	-fno-common -fasynchronous-unwind-tables -fno-plt \
	-Wall -Wextra -Werror -nostdinc \
	-isystem $(shell $(KERNEL_CC) -print-file-name=include) \
	-isystem $(KERNEL_UAPI) -Iguest/kernel/include -MMD -MP
VDSO_LDFLAGS := -nostdlib -shared -Wl,-soname=linux-vdso.so.1 -Wl,--hash-style=both \
	-Wl,--build-id=sha1 -Wl,-Bsymbolic -Wl,--no-undefined -Wl,-z,max-page-size=4096 \
	-Wl,-z,common-page-size=4096 -Wl,--eh-frame-hdr -Wl,-T,guest/vdso/vdso.lds

$(VDSO_DIR)/%.o: guest/vdso/%.c $(KERNEL_UAPI)/.stamp
	@mkdir -p $(@D)
	$(KERNEL_CC) $(VDSO_CFLAGS) -c $< -o $@

$(VDSO_DBG): $(VDSO_OBJS) guest/vdso/vdso.lds
	$(KERNEL_CC) $(VDSO_LDFLAGS) $(VDSO_OBJS) -o $@

$(VDSO_SO): $(VDSO_DBG)
	objcopy --strip-all $< $@

.PHONY: vdso
vdso: $(VDSO_SO)

# The kernel embeds the image as it was linked.
$(KERNEL_DIR)/obj/guest/vdso/vdso_image.S.o: $(VDSO_SO)
$(KERNEL_DIR)/obj/guest/vdso/vdso_image.S.o: KERNEL_CFLAGS += -DVDSO_SO_PATH='"$(VDSO_SO)"'
