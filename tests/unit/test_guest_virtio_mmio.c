/* The guest's virtio core and virtio-mmio transport (guest/drivers/virtio/)
 * against a register file simulated here as virtio 1.2, 4.2.2 describes it:
 * the status sequence and feature negotiation, queue set-up, configuration
 * reads that race a generation change, interrupts; and device discovery from
 * the command line and a device tree written by libfdt. */
#include <libfdt.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <string.h>
#include <vitro/errno.h>

#include "../../guest/drivers/virtio/virtio_mmio.h"
#include "guest_mmio_bus.h"
#include "host_kernel.h"
#include "kernel_heap.h"
#include "unit.h"

#define SIM_QUEUES 3

struct sim_queue {
	uint32_t num_max, num, ready;
	uint64_t desc, avail, used;
};

static struct sim_mmio {
	uint32_t magic, version, device_id, vendor_id;
	uint64_t device_features, driver_features;
	uint32_t device_features_sel, driver_features_sel;
	uint32_t status;
	uint8_t status_writes[16];
	unsigned int nr_status_writes;
	bool refuses_features;
	uint32_t queue_sel;
	struct sim_queue queues[SIM_QUEUES];
	uint32_t notified[16];
	unsigned int nr_notified;
	uint32_t interrupt_status, last_ack;
	uint32_t generation;
	int change_config_after_reads; /* > 0: the config changes mid-read */
	unsigned int nr_config_reads;
	uint8_t config[64];
} sim;

static _Alignas(4096) uint8_t window[0x200];

static uint32_t sim_config_read(unsigned int offset, unsigned int width)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < width && offset + i < sizeof(sim.config); i++)
		v |= (uint32_t)sim.config[offset + i] << (8 * i);
	sim.nr_config_reads++;
	if (sim.change_config_after_reads > 0 && !--sim.change_config_after_reads) {
		/* Both halves of the 64-bit capacity change, and the generation. */
		memset(sim.config, 0x22, 8);
		sim.generation++;
	}
	return v;
}

static uint32_t sim_read(unsigned int off, unsigned int width)
{
	struct sim_queue *q = &sim.queues[sim.queue_sel % SIM_QUEUES];

	if (off >= VIRTIO_MMIO_CONFIG)
		return sim_config_read(off - VIRTIO_MMIO_CONFIG, width);
	CU_ASSERT(width == 4);
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return sim.magic;
	case VIRTIO_MMIO_VERSION:
		return sim.version;
	case VIRTIO_MMIO_DEVICE_ID:
		return sim.device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return sim.vendor_id;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return (uint32_t)(sim.device_features >> (32 * sim.device_features_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return sim.queue_sel < SIM_QUEUES ? q->num_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return q->ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return sim.interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return sim.status;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return sim.generation;
	}
	UNIT_FAIL("read of write-only or unknown register 0x%x", off);
	return 0;
}

static void set_half(uint64_t *v, uint32_t sel, uint32_t value)
{
	if (sel == 0)
		*v = (*v & ~0xffffffffull) | value;
	else
		*v = (*v & 0xffffffffull) | (uint64_t)value << 32;
}

static void sim_write(unsigned int off, unsigned int width, uint32_t value)
{
	struct sim_queue *q = &sim.queues[sim.queue_sel % SIM_QUEUES];

	CU_ASSERT(width == 4);
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		sim.device_features_sel = value;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		sim.driver_features_sel = value;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		set_half(&sim.driver_features, sim.driver_features_sel, value);
		return;
	case VIRTIO_MMIO_QUEUE_SEL:
		sim.queue_sel = value;
		return;
	case VIRTIO_MMIO_QUEUE_NUM:
		q->num = value;
		return;
	case VIRTIO_MMIO_QUEUE_READY:
		q->ready = value;
		return;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&q->desc, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, value);
		return;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		set_half(&q->avail, off == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, value);
		return;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		set_half(&q->used, off == VIRTIO_MMIO_QUEUE_USED_HIGH, value);
		return;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		sim.notified[sim.nr_notified++ % 16] = value;
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		sim.last_ack = value;
		sim.interrupt_status &= ~value;
		return;
	case VIRTIO_MMIO_STATUS:
		sim.status_writes[sim.nr_status_writes++ % 16] = (uint8_t)value;
		if ((value & VIRTIO_CONFIG_S_FEATURES_OK) && sim.refuses_features)
			value &= ~VIRTIO_CONFIG_S_FEATURES_OK;
		sim.status = value;
		if (!value) { /* reset */
			unsigned int i;

			for (i = 0; i < SIM_QUEUES; i++)
				sim.queues[i].ready = 0;
		}
		return;
	}
	UNIT_FAIL("write to read-only or unknown register 0x%x", off);
}

/* The register file on the guest MMIO bus (guest_mmio_bus.c). */
static void sim_bus_read(void *opaque, uint64_t offset, uint8_t *data, unsigned int size)
{
	uint32_t v = sim_read((unsigned int)offset, size);
	unsigned int i;

	(void)opaque;
	for (i = 0; i < size; i++)
		data[i] = (uint8_t)(v >> (8 * i));
}

static void sim_bus_write(void *opaque, uint64_t offset, const uint8_t *data, unsigned int size)
{
	uint32_t v = 0;
	unsigned int i;

	(void)opaque;
	for (i = 0; i < size; i++)
		v |= (uint32_t)data[i] << (8 * i);
	sim_write((unsigned int)offset, size, v);
}

static const struct bus_device_ops sim_bus_ops = { sim_bus_read, sim_bus_write };

static struct virtio_mmio_device sim_vm;

/* A block device with three queues of up to 64 entries. One device at a
 * time: the previous test's leaves the core's list (and frees its queues)
 * before the heap starts afresh. */
static void sim_reset(void)
{
	unsigned int i;

	if (sim_vm.vdev.ops)
		virtio_remove_device(&sim_vm.vdev);
	memset(&sim_vm, 0, sizeof(sim_vm));
	sim_vm.vdev.link.next = sim_vm.vdev.link.prev = &sim_vm.vdev.link;
	kernel_heap_start(512);
	guest_mmio_bus_map((uintptr_t)window, sizeof(window), &sim_bus_ops, NULL);
	memset(&sim, 0, sizeof(sim));
	sim.magic = VIRTIO_MMIO_MAGIC;
	sim.version = 2;
	sim.device_id = VIRTIO_ID_BLOCK;
	sim.vendor_id = 0x554d4551;
	sim.device_features = (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_EVENT_IDX) |
			      (1ull << VIRTIO_RING_F_INDIRECT_DESC) | (1ull << VIRTIO_BLK_F_FLUSH) |
			      (1ull << VIRTIO_BLK_F_MQ) | (1ull << VIRTIO_F_ACCESS_PLATFORM);
	for (i = 0; i < SIM_QUEUES; i++)
		sim.queues[i].num_max = 64;
}

/* A test driver for block devices that sets up two queues. */
static struct {
	unsigned int nr_probes, nr_callbacks, nr_config_changes;
	int probe_result;
	struct virtio_device *vdev;
} drv_seen;

static void test_vq_callback(struct virtq *vq)
{
	(void)vq;
	drv_seen.nr_callbacks++;
}

static int test_probe(struct virtio_device *vdev)
{
	drv_seen.nr_probes++;
	drv_seen.vdev = vdev;
	if (drv_seen.probe_result)
		return drv_seen.probe_result;
	return virtio_find_vqs(vdev, 2, 32, test_vq_callback);
}

static void test_config_changed(struct virtio_device *vdev)
{
	(void)vdev;
	drv_seen.nr_config_changes++;
}

static struct virtio_driver test_driver = {
	.name = "test-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = 1ull << VIRTIO_BLK_F_FLUSH,
	.probe = test_probe,
	.config_changed = test_config_changed,
};

static bool driver_registered;

static struct virtio_mmio_device *add_sim_device(void)
{
	struct virtio_mmio_device *vm = &sim_vm;

	memset(&drv_seen, 0, sizeof(drv_seen));
	if (!driver_registered) {
		virtio_register_driver(&test_driver);
		driver_registered = true;
	}
	CU_ASSERT_FATAL(virtio_mmio_device_init(vm, (uintptr_t)window) == 0);
	return vm;
}

/* 3.1.1: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, DRIVER_OK. */
static void test_virtio_mmio_negotiates_in_spec_order(void)
{
	struct virtio_mmio_device *vm;
	static const uint8_t expected[] = {
		0,
		VIRTIO_CONFIG_S_ACKNOWLEDGE,
		VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER,
		VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK,
		VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK |
			VIRTIO_CONFIG_S_DRIVER_OK,
	};
	unsigned int i;

	sim_reset();
	vm = add_sim_device();
	EXPECT_EQ(virtio_add_device(&vm->vdev), 0);
	EXPECT_EQ(drv_seen.nr_probes, 1);
	EXPECT_EQ(sim.nr_status_writes, ARRAY_SIZE(expected));
	for (i = 0; i < ARRAY_SIZE(expected) && i < sim.nr_status_writes; i++)
		EXPECT_EQ(sim.status_writes[i], expected[i]);
	/* What both know: not MQ (the driver did not ask), not ACCESS_PLATFORM. */
	EXPECT_EQ(sim.driver_features,
		  (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_EVENT_IDX) |
			  (1ull << VIRTIO_RING_F_INDIRECT_DESC) | (1ull << VIRTIO_BLK_F_FLUSH));
	EXPECT_EQ(vm->vdev.features, sim.driver_features);
	EXPECT_TRUE(vm->vdev.driver == &test_driver);
	EXPECT_TRUE(virtio_find_device(vm->vdev.name) == &vm->vdev);
}

/* 4.2.3.2: each queue gets its size and ring addresses, then ready; the
 * notify register receives the queue's index. */
static void test_virtio_mmio_sets_up_queues_and_notifies_by_index(void)
{
	struct virtio_mmio_device *vm;
	struct virtq *vq;
	struct virtq_buf b;
	unsigned int i;

	sim_reset();
	sim.queues[1].num_max = 16;
	vm = add_sim_device();
	EXPECT_EQ(virtio_add_device(&vm->vdev), 0);
	CU_ASSERT_FATAL(vm->vdev.nr_vqs == 2);
	for (i = 0; i < 2; i++) {
		vq = &vm->vdev.vqs[i];
		EXPECT_EQ(sim.queues[i].ready, 1);
		EXPECT_EQ(sim.queues[i].num, i == 0 ? 32 : 16); /* the driver's cap, the device's */
		EXPECT_EQ(vq->size, sim.queues[i].num);
		EXPECT_EQ(sim.queues[i].desc, vq->desc_phys);
		EXPECT_EQ(sim.queues[i].avail, vq->avail_phys);
		EXPECT_EQ(sim.queues[i].used, vq->used_phys);
		EXPECT_TRUE(vq->has_event_idx && vq->has_indirect);
	}
	EXPECT_EQ(sim.queues[2].ready, 0);
	vq = &vm->vdev.vqs[1];
	b = (struct virtq_buf){ vq->desc_phys, 8 };
	EXPECT_EQ(virtq_add(vq, &b, 1, 0, vq, GFP_KERNEL), 0);
	EXPECT_TRUE(virtq_kick(vq));
	EXPECT_EQ(sim.nr_notified, 1);
	EXPECT_EQ(sim.notified[0], 1);
	virtio_del_vqs(&vm->vdev);
	EXPECT_EQ(sim.status, 0);
	EXPECT_EQ(sim.queues[0].ready, 0);
}

static void test_virtio_mmio_device_refusing_features_fails_probe(void)
{
	struct virtio_mmio_device *vm;

	sim_reset();
	sim.refuses_features = true;
	vm = add_sim_device();
	EXPECT_EQ(virtio_add_device(&vm->vdev), -ENODEV);
	EXPECT_EQ(drv_seen.nr_probes, 0);
	EXPECT_TRUE(sim.status & VIRTIO_CONFIG_S_FAILED);
	EXPECT_FALSE(sim.status & VIRTIO_CONFIG_S_DRIVER_OK);
	EXPECT_TRUE(vm->vdev.driver == NULL);

	/* A probe that fails leaves the device FAILED too. */
	sim_reset();
	vm = add_sim_device();
	drv_seen.probe_result = -ENOMEM;
	EXPECT_EQ(virtio_add_device(&vm->vdev), -ENOMEM);
	EXPECT_TRUE(sim.status & VIRTIO_CONFIG_S_FAILED);
}

/* Only modern devices: VERSION_1 is required, and the register layout too. */
static void test_virtio_mmio_rejects_legacy_and_empty_slots(void)
{
	struct virtio_mmio_device vm;

	sim_reset();
	sim.version = 1;
	EXPECT_EQ(virtio_mmio_device_init(&vm, (uintptr_t)window), -EOPNOTSUPP);
	sim.version = 2;
	sim.device_id = 0;
	EXPECT_EQ(virtio_mmio_device_init(&vm, (uintptr_t)window), -ENODEV);
	sim.device_id = VIRTIO_ID_BLOCK;
	sim.magic = 0x12345678;
	EXPECT_EQ(virtio_mmio_device_init(&vm, (uintptr_t)window), -ENODEV);

	sim_reset();
	sim.device_features &= ~(1ull << VIRTIO_F_VERSION_1);
	EXPECT_EQ(virtio_add_device(&add_sim_device()->vdev), -ENODEV);
	EXPECT_TRUE(strstr(host_printk_last, "VERSION_1") != NULL);
}

/* 2.5.1: a configuration read that races a change is done again. */
static void test_virtio_mmio_config_read_retries_on_generation_change(void)
{
	struct virtio_mmio_device *vm;
	uint64_t capacity;
	uint32_t seg_max;

	sim_reset();
	memset(sim.config, 0x11, 8);
	sim.config[12] = 0x80; /* seg_max = 128 */
	vm = add_sim_device();
	sim.change_config_after_reads = 1; /* after the low half */
	virtio_cread(&vm->vdev, struct virtio_blk_config, capacity, &capacity);
	EXPECT_EQ(capacity, 0x2222222222222222ull);
	EXPECT_EQ(sim.nr_config_reads, 4); /* two halves, twice */
	virtio_cread(&vm->vdev, struct virtio_blk_config, seg_max, &seg_max);
	EXPECT_EQ(seg_max, 128);
}

/* The interrupt is acknowledged with what was read; queue callbacks run on
 * a used-buffer interrupt, the driver's handler on a configuration change. */
static void test_virtio_mmio_interrupt_acks_and_dispatches(void)
{
	struct virtio_mmio_device *vm;

	sim_reset();
	vm = add_sim_device();
	EXPECT_EQ(virtio_add_device(&vm->vdev), 0);
	EXPECT_FALSE(virtio_mmio_interrupt(vm));
	sim.interrupt_status = VIRTIO_MMIO_INT_VRING;
	EXPECT_TRUE(virtio_mmio_interrupt(vm));
	EXPECT_EQ(sim.last_ack, VIRTIO_MMIO_INT_VRING);
	EXPECT_EQ(sim.interrupt_status, 0);
	EXPECT_EQ(drv_seen.nr_callbacks, 2); /* each queue looks */
	EXPECT_EQ(drv_seen.nr_config_changes, 0);
	sim.interrupt_status = VIRTIO_MMIO_INT_CONFIG;
	EXPECT_TRUE(virtio_mmio_interrupt(vm));
	EXPECT_EQ(drv_seen.nr_config_changes, 1);
	EXPECT_EQ(drv_seen.nr_callbacks, 2);
}

static void test_virtio_mmio_parses_linux_device_parameter(void)
{
	struct virtio_mmio_resource r;

	EXPECT_EQ(virtio_mmio_parse_param("512@0xfeb00e00:12", &r), 0);
	EXPECT_EQ(r.base, 0xfeb00e00);
	EXPECT_EQ(r.size, 512);
	EXPECT_EQ(r.irq, 12);
	EXPECT_EQ(virtio_mmio_parse_param("4K@0xd0000000:5:3", &r), 0);
	EXPECT_EQ(r.size, 4096);
	EXPECT_EQ(r.base, 0xd0000000);
	EXPECT_EQ(virtio_mmio_parse_param("1M@4096:7", &r), 0);
	EXPECT_EQ(r.size, 1 << 20);
	EXPECT_EQ(r.base, 4096);
	EXPECT_EQ(virtio_mmio_parse_param("512@0xfeb00e00", &r), -EINVAL);
	EXPECT_EQ(virtio_mmio_parse_param("0x80@0x1000:5", &r), -EINVAL); /* too small */
	EXPECT_EQ(virtio_mmio_parse_param("512@0xfeb00e00:12x", &r), -EINVAL);
	EXPECT_EQ(virtio_mmio_parse_param("512@0xfeb00e00:999", &r), -EINVAL);
	EXPECT_EQ(virtio_mmio_parse_param("@0x1000:5", &r), -EINVAL);
	EXPECT_EQ(virtio_mmio_parse_param("16G@0xffffffffffffff00:5", &r), -EINVAL); /* wraps */
	EXPECT_EQ(virtio_mmio_parse_param("99999999999999999999@0:5", &r), -EINVAL);
}

static _Alignas(8) uint8_t fdt_buf[4096];

/* / (2 address, 2 size cells) { virtio_mmio@d0000000 { "virtio,mmio" };
 *   soc (1, 1) { virtio_mmio@d0001000 { "foo", "virtio,mmio"; <GSI 6, type> };
 *   bad { "virtio,mmio" without interrupts }; other { "ns16550a" } } } */
static const void *build_fdt(void)
{
	fdt64_t reg64[2] = { cpu_to_fdt64(0xd0000000), cpu_to_fdt64(0x200) };
	fdt32_t reg32[2] = { cpu_to_fdt32(0xd0001000), cpu_to_fdt32(0x1000) };
	fdt32_t irq2[2] = { cpu_to_fdt32(6), cpu_to_fdt32(1) };
	static const char compat_list[] = "foo\0virtio,mmio";
	void *fdt = fdt_buf;
	int rc;

	rc = fdt_create(fdt, sizeof(fdt_buf));
	rc = rc ?: fdt_finish_reservemap(fdt);
	rc = rc ?: fdt_begin_node(fdt, "");
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 2);
	rc = rc ?: fdt_property_u32(fdt, "#size-cells", 2);
	rc = rc ?: fdt_begin_node(fdt, "virtio_mmio@d0000000");
	rc = rc ?: fdt_property_string(fdt, "compatible", "virtio,mmio");
	rc = rc ?: fdt_property(fdt, "reg", reg64, sizeof(reg64));
	rc = rc ?: fdt_property_u32(fdt, "interrupts", 5);
	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: fdt_begin_node(fdt, "soc");
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 1);
	rc = rc ?: fdt_property_u32(fdt, "#size-cells", 1);
	rc = rc ?: fdt_begin_node(fdt, "virtio_mmio@d0001000");
	rc = rc ?: fdt_property(fdt, "compatible", compat_list, sizeof(compat_list));
	rc = rc ?: fdt_property(fdt, "reg", reg32, sizeof(reg32));
	rc = rc ?: fdt_property(fdt, "interrupts", irq2, sizeof(irq2));
	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: fdt_begin_node(fdt, "bad");
	rc = rc ?: fdt_property_string(fdt, "compatible", "virtio,mmio");
	rc = rc ?: fdt_property(fdt, "reg", reg32, sizeof(reg32));
	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: fdt_begin_node(fdt, "other");
	rc = rc ?: fdt_property_string(fdt, "compatible", "ns16550a");
	rc = rc ?: fdt_property(fdt, "reg", reg32, sizeof(reg32));
	rc = rc ?: fdt_property_u32(fdt, "interrupts", 4);
	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: fdt_finish(fdt);
	CU_ASSERT_FATAL(rc == 0);
	return fdt;
}

/* Devices from both sources, each base once (vitro names a device in both),
 * malformed entries skipped. */
static void test_virtio_mmio_discovers_from_cmdline_and_device_tree(void)
{
	struct virtio_mmio_resource r[8];
	struct dtb dtb;
	const void *blob = build_fdt();
	unsigned int n;

	CU_ASSERT_FATAL(dtb_open(&dtb, blob, fdt_totalsize(blob)) == 0);
	n = virtio_mmio_discover("quiet virtio_mmio.device=512@0xd0000000:5 "
				 "virtio_mmio.device=junk virtio_mmio.device=512@0xfeb00e00:12",
				 &dtb, r, ARRAY_SIZE(r));
	CU_ASSERT_FATAL(n == 3);
	EXPECT_EQ(r[0].base, 0xd0000000);
	EXPECT_EQ(r[0].size, 0x200);
	EXPECT_EQ(r[0].irq, 5);
	EXPECT_EQ(r[1].base, 0xd0001000); /* the soc's 1/1 cells */
	EXPECT_EQ(r[1].size, 0x1000);
	EXPECT_EQ(r[1].irq, 6);
	EXPECT_EQ(r[2].base, 0xfeb00e00);
	EXPECT_EQ(r[2].irq, 12);
	EXPECT_EQ(virtio_mmio_discover(
			  "virtio_mmio.device=512@0x1000:1 virtio_mmio.device=512@0x2000:2", NULL,
			  r, 1),
		  1);
	EXPECT_EQ(virtio_mmio_discover("", NULL, r, ARRAY_SIZE(r)), 0);
}

static CU_TestInfo virtio_mmio_tests[] = {
	UNIT_TEST(test_virtio_mmio_negotiates_in_spec_order),
	UNIT_TEST(test_virtio_mmio_sets_up_queues_and_notifies_by_index),
	UNIT_TEST(test_virtio_mmio_device_refusing_features_fails_probe),
	UNIT_TEST(test_virtio_mmio_rejects_legacy_and_empty_slots),
	UNIT_TEST(test_virtio_mmio_config_read_retries_on_generation_change),
	UNIT_TEST(test_virtio_mmio_interrupt_acks_and_dispatches),
	UNIT_TEST(test_virtio_mmio_parses_linux_device_parameter),
	UNIT_TEST(test_virtio_mmio_discovers_from_cmdline_and_device_tree),
	CU_TEST_INFO_NULL,
};

static void register_virtio_mmio_tests(void)
{
	unit_add_suite("guest_virtio_mmio", virtio_mmio_tests);
}
UNIT_REGISTER(register_virtio_mmio_tests)
