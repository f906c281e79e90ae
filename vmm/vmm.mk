# vitro, the host VMM.

VMM_SRCS := $(wildcard vmm/*.c vmm/*/*.c)
VMM_OBJS := $(VMM_SRCS:%.c=$(BUILD)/host/%.o)
# Everything but main.c, for unit tests and fuzz targets to link against.
VMM_LIB_OBJS := $(filter-out $(BUILD)/host/vmm/main.o,$(VMM_OBJS))
VITRO := $(BUILD)/vitro

.PHONY: vitro
vitro: $(VITRO)

$(BUILD)/host/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/host/vmm/main.o: HOST_CFLAGS += -DVITRO_VERSION='"$(VERSION)"'
$(BUILD)/host/vmm/main.o: VERSION

$(VITRO): $(VMM_OBJS)
	$(CC) $(HOST_CFLAGS) -o $@ $^ $(HOST_LDLIBS)

# An AddressSanitizer + UBSan build of vitro for the bad-input suite.
VITRO_ASAN := $(BUILD)/asan/vitro
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
$(BUILD)/asan/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(SANITIZE_FLAGS) -c $< -o $@

$(BUILD)/asan/vmm/main.o: HOST_CFLAGS += -DVITRO_VERSION='"$(VERSION)"'

$(VITRO_ASAN): $(VMM_SRCS:%.c=$(BUILD)/asan/%.o)
	$(CC) $(HOST_CFLAGS) $(SANITIZE_FLAGS) -o $@ $^ $(HOST_LDLIBS)

test-binaries: $(VITRO_ASAN)
