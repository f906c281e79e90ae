/* See vm.h. One thread per vCPU runs KVM_RUN and dispatches port I/O and
 * MMIO exits to the buses; the main thread waits for a stop request, then
 * kicks every vCPU out of the guest with a signal and joins them. */
#include "vm.h"

#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../shared/machine.h"
#include "boot/boot.h"
#include "console.h"
#include "devices/bus.h"
#include "devices/uart.h"
#include "files.h"
#include "gdb/stub.h"
#include "kvm/cpuid.h"
#include "kvm/kvm.h"
#include "kvm/vcpu.h"
#include "trace/recorder.h"
#include "vm_disks.h"

#define VCPU_KICK_SIGNAL SIGUSR1

struct vm {
	struct kvm_vm kvm;
	struct vcpu *vcpus;
	unsigned int nr_vcpus;
	struct bus pio;
	struct bus mmio;

	pthread_mutex_t uart_lock;
	pthread_cond_t uart_rx_room;
	struct uart uart;

	pthread_mutex_t stop_lock;
	pthread_cond_t stop_cond;
	atomic_bool is_stopping;
	int exit_status;

	struct trace_recorder *trace; /* NULL unless --trace */

	struct vm_disks disks; /* --disk */

	struct boot_result boot; /* where the loader put the kernel */
	struct gdb_stub *gdb; /* NULL unless --gdb */
};

static void vm_request_stop(struct vm *vm, int status)
{
	unsigned int i;

	pthread_mutex_lock(&vm->stop_lock);
	if (!atomic_load(&vm->is_stopping)) {
		vm->exit_status = status;
		atomic_store(&vm->is_stopping, true);
		for (i = 0; i < vm->nr_vcpus; i++) {
			vm->vcpus[i].run->immediate_exit = 1;
			if (vm->vcpus[i].has_thread)
				pthread_kill(vm->vcpus[i].thread, VCPU_KICK_SIGNAL);
		}
		pthread_cond_broadcast(&vm->stop_cond);
	}
	pthread_mutex_unlock(&vm->stop_lock);
	pthread_mutex_lock(&vm->uart_lock);
	pthread_cond_broadcast(&vm->uart_rx_room);
	pthread_mutex_unlock(&vm->uart_lock);
}

/* --- devices ------------------------------------------------------------ */

static void vm_uart_transmit(void *opaque, uint8_t byte)
{
	(void)opaque;
	console_write(&byte, 1);
}

static void vm_uart_set_irq(void *opaque, bool level)
{
	kvm_irq_line(&((struct vm *)opaque)->kvm, MACHINE_UART_IRQ, level);
}

static const struct uart_ops vm_uart_ops = {
	.transmit = vm_uart_transmit,
	.set_irq = vm_uart_set_irq,
};

static void vm_uart_pio_read(void *opaque, uint64_t offset, uint8_t *data, unsigned int size)
{
	struct vm *vm = opaque;

	memset(data, 0, size);
	pthread_mutex_lock(&vm->uart_lock);
	data[0] = uart_read(&vm->uart, offset);
	if (uart_rx_room(&vm->uart))
		pthread_cond_broadcast(&vm->uart_rx_room);
	pthread_mutex_unlock(&vm->uart_lock);
}

static void vm_uart_pio_write(void *opaque, uint64_t offset, const uint8_t *data, unsigned int size)
{
	struct vm *vm = opaque;

	(void)size;
	pthread_mutex_lock(&vm->uart_lock);
	uart_write(&vm->uart, offset, data[0]);
	pthread_mutex_unlock(&vm->uart_lock);
}

static const struct bus_device_ops vm_uart_pio_ops = {
	.read = vm_uart_pio_read,
	.write = vm_uart_pio_write,
};

static bool vm_console_deliver(void *opaque, uint8_t byte)
{
	struct vm *vm = opaque;
	bool delivered = false;

	pthread_mutex_lock(&vm->uart_lock);
	while (!atomic_load(&vm->is_stopping) && !uart_rx_room(&vm->uart))
		pthread_cond_wait(&vm->uart_rx_room, &vm->uart_lock);
	if (!atomic_load(&vm->is_stopping))
		delivered = uart_receive(&vm->uart, byte);
	pthread_mutex_unlock(&vm->uart_lock);
	return delivered;
}

static void vm_console_quit(void *opaque)
{
	fprintf(stderr, "\r\nvitro: quit from the console (Ctrl-A x)\r\n");
	vm_request_stop(opaque, 0);
}

/* isa-debug-exit: the written value becomes vitro's exit status. */
static void vm_exit_port_write(void *opaque, uint64_t offset, const uint8_t *data,
			       unsigned int size)
{
	uint32_t value = 0;

	(void)offset;
	memcpy(&value, data, size < 4 ? size : 4);
	vm_request_stop(opaque, value > 255 ? 255 : (int)value);
}

static const struct bus_device_ops vm_exit_port_ops = {
	.write = vm_exit_port_write,
};

static int vm_add_devices(struct vm *vm, struct vitro_error *err)
{
	uart_init(&vm->uart, &vm_uart_ops, vm);
	if (bus_register(&vm->pio, MACHINE_UART_PORT, UART_NR_REGS, &vm_uart_pio_ops, vm) ||
	    bus_register(&vm->pio, MACHINE_EXIT_PORT, MACHINE_EXIT_PORT_SIZE, &vm_exit_port_ops,
			 vm))
		return vitro_error_set(err, -EBUSY, "device port ranges overlap");
	return 0;
}

/* --- gdb stub (--gdb) ------------------------------------------------------ */

static void vm_gdb_kick(void *opaque, unsigned int index)
{
	struct vm *vm = opaque;
	struct vcpu *vcpu = &vm->vcpus[index];

	vcpu->run->immediate_exit = 1;
	if (vcpu->has_thread)
		pthread_kill(vcpu->thread, VCPU_KICK_SIGNAL);
}

static void vm_gdb_kill(void *opaque)
{
	vm_request_stop(opaque, 0);
}

/* Before the vCPU threads start, so that --gdb-wait holds them before the
 * guest's first instruction. */
static int vm_gdb_create(struct vm *vm, const struct run_config *cfg, struct vitro_error *err)
{
	struct gdb_stub_config gdb = {
		.port = cfg->gdb_port,
		.is_waiting_for_attach = cfg->gdb_wait,
		.kvm_fd = vm->kvm.sys_fd,
		.vcpus = vm->vcpus,
		.nr_vcpus = vm->nr_vcpus,
		.mem = &vm->kvm.mem,
		.kernel_virt_start = vm->boot.kernel_virt_start,
		.kernel_virt_end = vm->boot.kernel_virt_end,
		.kernel_phys_start = vm->boot.kernel_start,
		.kick_vcpu = vm_gdb_kick,
		.kill_vm = vm_gdb_kill,
		.opaque = vm,
	};
	int rc;

	if (!cfg->gdb_port)
		return 0;
	rc = gdb_stub_create(&gdb, &vm->gdb, err);
	if (rc)
		return rc;
	fprintf(stderr, "vitro: gdb stub on 127.0.0.1:%u%s\n", cfg->gdb_port,
		cfg->gdb_wait ? ", the guest waits for gdb to attach" : "");
	return 0;
}

/* Once the vCPU threads run, so that attaching can stop them. */
static int vm_gdb_start(struct vm *vm, struct vitro_error *err)
{
	return vm->gdb ? gdb_stub_start(vm->gdb, err) : 0;
}

/* Each vCPU thread, before KVM_RUN: waits while gdb holds it. Returns false
 * once the VM is stopping. */
static bool vm_gdb_hold(struct vm *vm, struct vcpu *vcpu)
{
	if (vm->gdb)
		gdb_stub_vcpu_hold(vm->gdb, vcpu);
	return !atomic_load(&vm->is_stopping);
}

/* --- vCPU threads -------------------------------------------------------- */

struct vcpu_thread_arg {
	struct vm *vm;
	struct vcpu *vcpu;
};

static void vm_vcpu_crash(struct vm *vm, struct vcpu *vcpu, const char *what)
{
	fprintf(stderr, "\r\nvitro: vCPU %u: %s\n", vcpu->index, what);
	vcpu_dump_registers(vcpu, stderr);
	vm_request_stop(vm, VITRO_EXIT_VM_CRASH);
}

static void vm_handle_io(struct vm *vm, struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint64_t len = (uint64_t)run->io.size * run->io.count;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	uint32_t i;

	if (run->io.data_offset > (uint64_t)vcpu->mmap_size ||
	    len > vcpu->mmap_size - run->io.data_offset)
		return;
	for (i = 0; i < run->io.count; i++, data += run->io.size) {
		if (run->io.direction == KVM_EXIT_IO_OUT)
			bus_write(&vm->pio, run->io.port, data, run->io.size);
		else
			bus_read(&vm->pio, run->io.port, data, run->io.size);
	}
}

static void vm_handle_mmio(struct vm *vm, struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	unsigned int len = run->mmio.len <= 8 ? run->mmio.len : 8;

	if (run->mmio.is_write)
		bus_write(&vm->mmio, run->mmio.phys_addr, run->mmio.data, len);
	else
		bus_read(&vm->mmio, run->mmio.phys_addr, run->mmio.data, len);
}

static void vm_handle_exit(struct vm *vm, struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	char what[160];

	if (vm->gdb && gdb_stub_handle_exit(vm->gdb, vcpu))
		return;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		vm_handle_io(vm, vcpu);
		break;
	case KVM_EXIT_MMIO:
		vm_handle_mmio(vm, vcpu);
		break;
	case KVM_EXIT_SHUTDOWN:
		vm_vcpu_crash(vm, vcpu, "guest shut down (triple fault)");
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(what, sizeof(what), "KVM internal error, suberror %u (emulation failed?)",
			 run->internal.suberror);
		vm_vcpu_crash(vm, vcpu, what);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(what, sizeof(what), "VM entry failed, hardware reason 0x%llx",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		vm_vcpu_crash(vm, vcpu, what);
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN ||
		    run->system_event.type == KVM_SYSTEM_EVENT_RESET) {
			vm_request_stop(vm, 0);
			break;
		}
		snprintf(what, sizeof(what), "system event %u", run->system_event.type);
		vm_vcpu_crash(vm, vcpu, what);
		break;
	case KVM_EXIT_HLT:
		vm_vcpu_crash(vm, vcpu, "halted with the irqchip in user space");
		break;
	default:
		snprintf(what, sizeof(what), "unexpected KVM exit reason %u", run->exit_reason);
		vm_vcpu_crash(vm, vcpu, what);
		break;
	}
}

static void *vm_vcpu_thread(void *opaque)
{
	struct vcpu_thread_arg *arg = opaque;
	struct vm *vm = arg->vm;
	struct vcpu *vcpu = arg->vcpu;
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	while (!atomic_load(&vm->is_stopping)) {
		if (!vm_gdb_hold(vm, vcpu))
			break;
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fprintf(stderr, "\r\nvitro: vCPU %u: KVM_RUN: %s\n", vcpu->index,
				strerror(errno));
			vm_request_stop(vm, VITRO_EXIT_VM_CRASH);
			break;
		}
		vm_handle_exit(vm, vcpu);
	}
	return NULL;
}

static void vm_kick_handler(int sig)
{
	(void)sig;
}

/* --- set-up and run ------------------------------------------------------- */

static int vm_check_config(const struct run_config *cfg, const struct kvm_vm *kvm,
			   struct vitro_error *err)
{
	uint64_t host_bytes = (uint64_t)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);

	if (cfg->mem_bytes < VITRO_MIN_MEM_BYTES)
		return vitro_error_set(
			err, -EINVAL, "--mem %llu bytes is too small (at least %llu MiB)",
			(unsigned long long)cfg->mem_bytes, VITRO_MIN_MEM_BYTES >> 20);
	if (cfg->mem_bytes > host_bytes)
		return vitro_error_set(
			err, -EINVAL,
			"--mem %llu MiB is more than this host's RAM (%llu MiB; lower --mem)",
			(unsigned long long)(cfg->mem_bytes >> 20),
			(unsigned long long)(host_bytes >> 20));
	if (cfg->mem_bytes % 4096)
		return vitro_error_set(err, -EINVAL, "--mem must be a multiple of 4 KiB");
	if (kvm && cfg->nr_cpus > kvm->max_vcpus)
		return vitro_error_set(err, -EINVAL,
				       "--cpus %u: KVM on this host allows at most %u vCPUs",
				       cfg->nr_cpus, kvm->max_vcpus);
	return 0;
}

static int vm_create_vcpus(struct vm *vm, const struct run_config *cfg, struct vitro_error *err)
{
	struct kvm_cpuid2 *cpuid;
	unsigned int i;
	int rc;

	vm->vcpus = calloc(cfg->nr_cpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return vitro_error_set(err, -ENOMEM, "out of memory");
	cpuid = cpuid_get_supported(vm->kvm.sys_fd, err);
	if (!cpuid)
		return -ENOTSUP;
	for (i = 0; i < cfg->nr_cpus; i++) {
		rc = vcpu_create(&vm->kvm, i, &vm->vcpus[i], err);
		if (rc)
			break;
		vm->nr_vcpus++;
		cpuid_patch_vcpu(cpuid, i, cfg->nr_cpus);
		rc = vcpu_set_cpuid(&vm->vcpus[i], cpuid, err);
		if (rc)
			break;
	}
	free(cpuid);
	return rc;
}

/* The guest TSC value that corresponds to vitro's start, so the guest can
 * report its boot time from the moment the user ran vitro. */
static uint64_t vm_guest_tsc_at_start(struct vm *vm, const struct run_config *cfg, uint32_t tsc_khz)
{
	struct timespec now;
	uint64_t tsc = vcpu_read_tsc(&vm->vcpus[0]), elapsed_ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed_ns = (now.tv_sec - cfg->start_time.tv_sec) * 1000000000ull + now.tv_nsec -
		     cfg->start_time.tv_nsec;
	if (!tsc || !tsc_khz || !cfg->start_time.tv_sec)
		return 0;
	return tsc - elapsed_ns * tsc_khz / 1000000;
}

static int vm_load_guest(struct vm *vm, const struct run_config *cfg, struct vitro_error *err)
{
	struct boot_inputs in = {
		.nr_cpus = cfg->nr_cpus,
		.tsc_khz = vcpu_tsc_khz(&vm->vcpus[0]),
		.virtio_mmio = vm->disks.slots,
		.nr_virtio_mmio = vm->disks.nr_disks,
	};
	struct vitro_error boot_err = { "" };
	struct boot_result out;
	uint8_t *kernel = NULL, *initrd = NULL;
	char cmdline[VITRO_CMDLINE_MAX];
	int rc;

	rc = vm_disks_cmdline(&vm->disks, cfg->cmdline, cmdline, sizeof(cmdline), err);
	if (rc)
		return rc;
	in.cmdline = cmdline;
	rc = file_read_all(cfg->kernel_path, "--kernel", cfg->mem_bytes, &kernel, &in.kernel_size,
			   err);
	if (rc)
		return rc;
	in.kernel = kernel;
	in.tsc_at_vmm_start = vm_guest_tsc_at_start(vm, cfg, in.tsc_khz);
	if (vm->trace) {
		void *host;

		trace_recorder_region(vm->trace, &in.trace.gpa, &in.trace.size, &host);
		in.trace.nr_rings = trace_recorder_nr_rings(vm->trace);
		in.trace.ring_size = trace_recorder_ring_size(vm->trace);
		in.trace.event_mask = trace_recorder_categories(vm->trace);
		trace_recorder_set_clock(vm->trace, in.tsc_khz, in.tsc_at_vmm_start,
					 (uint64_t)cfg->start_time.tv_sec * 1000000000u +
						 (uint64_t)cfg->start_time.tv_nsec);
	}
	if (cfg->initrd_path) {
		rc = file_read_all(cfg->initrd_path, "--initrd", cfg->mem_bytes, &initrd,
				   &in.initrd_size, err);
		if (rc)
			goto out;
		in.initrd = initrd;
	}
	rc = boot_load(&vm->kvm.mem, &in, &out, &boot_err);
	if (rc) {
		/* Loader messages describe the image; name the file too. */
		if (!strncmp(boot_err.msg, "initrd: ", 8))
			vitro_error_set(err, rc, "--initrd %.200s: %.300s", cfg->initrd_path,
					boot_err.msg + 8);
		else
			vitro_error_set(err, rc, "--kernel %.200s: %.300s", cfg->kernel_path,
					boot_err.msg);
		goto out;
	}
	vm->boot = out;
	if (out.protocol == BOOT_LINUX64) {
		struct vcpu_linux64_entry entry = {
			.rip = out.entry,
			.rsi = out.boot_params_gpa,
			.rsp = out.stack_gpa,
			.cr3 = out.page_tables_gpa,
			.gdt_base = out.gdt_gpa,
			.gdt_limit = out.gdt_limit,
		};

		rc = vcpu_set_linux64_entry(&vm->vcpus[0], &entry, err);
	} else {
		rc = vcpu_set_pvh_entry(&vm->vcpus[0], out.entry, out.start_info_gpa, err);
	}
out:
	free(kernel);
	free(initrd);
	return rc;
}

static int vm_start_vcpus(struct vm *vm, struct vcpu_thread_arg *args, struct vitro_error *err)
{
	struct sigaction sa = { .sa_handler = vm_kick_handler };
	unsigned int i;
	int rc;

	sigemptyset(&sa.sa_mask);
	sigaction(VCPU_KICK_SIGNAL, &sa, NULL);
	for (i = 0; i < vm->nr_vcpus; i++) {
		args[i] = (struct vcpu_thread_arg){ vm, &vm->vcpus[i] };
		rc = pthread_create(&vm->vcpus[i].thread, NULL, vm_vcpu_thread, &args[i]);
		if (rc) {
			vm_request_stop(vm, VITRO_EXIT_VM_CRASH);
			return vitro_error_set(err, -rc, "cannot start vCPU thread: %s",
					       strerror(rc));
		}
		vm->vcpus[i].has_thread = 1;
	}
	return 0;
}

static void vm_destroy(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].has_thread)
			pthread_join(vm->vcpus[i].thread, NULL);
		vcpu_destroy(&vm->vcpus[i]);
	}
	free(vm->vcpus);
	/* With the vCPUs gone but guest RAM still mapped: disk I/O in flight
	 * writes into it until the device stops. */
	vm_disks_destroy(&vm->disks);
	kvm_close(&vm->kvm);
}

/* --trace: the rings go in their own memory slot, which KVM wants before the irqchip. */
static int vm_create_trace(struct vm *vm, const struct run_config *cfg,
			   struct kvm_extra_region *region, struct vitro_error *err)
{
	int rc;

	if (!cfg->trace.path)
		return 0;
	rc = trace_recorder_create(&vm->trace, &cfg->trace, cfg->nr_cpus, err);
	if (rc)
		return rc;
	trace_recorder_region(vm->trace, &region->gpa, &region->size, &region->host);
	return 0;
}

/* After the vCPUs have stopped, whatever the guest did: a crash is worth a trace too. */
static int vm_finish_trace(struct vm *vm, int rc, struct vitro_error *err)
{
	struct vitro_error trace_err = { "" };

	if (!vm->trace)
		return rc;
	if (rc >= 0 && trace_recorder_finish(vm->trace, &trace_err)) {
		*err = trace_err;
		rc = -EIO;
	}
	trace_recorder_destroy(vm->trace);
	vm->trace = NULL;
	return rc;
}

int vm_run(const struct run_config *cfg, const char *kvm_path, struct vitro_error *err)
{
	struct kvm_extra_region trace_region = { 0 };
	struct vcpu_thread_arg *args = NULL;
	struct console_sink sink;
	struct vm *vm;
	int rc;

	rc = vm_check_config(cfg, NULL, err);
	if (rc)
		return rc;
	if (access(cfg->kernel_path, R_OK))
		return vitro_error_set(
			err, -errno, "--kernel %s: %s%s", cfg->kernel_path, strerror(errno),
			errno == ENOENT ?
				" (build the guest kernel with 'make', or pass --kernel FILE)" :
				"");
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return vitro_error_set(err, -ENOMEM, "out of memory");
	pthread_mutex_init(&vm->uart_lock, NULL);
	pthread_cond_init(&vm->uart_rx_room, NULL);
	pthread_mutex_init(&vm->stop_lock, NULL);
	pthread_cond_init(&vm->stop_cond, NULL);

	rc = vm_disks_open(&vm->disks, cfg, err);
	rc = rc ?: kvm_open(&vm->kvm, kvm_path, err);
	rc = rc ?: vm_check_config(cfg, &vm->kvm, err);
	rc = rc ?: vm_create_trace(vm, cfg, &trace_region, err);
	rc = rc ?: kvm_vm_create(&vm->kvm, cfg->mem_bytes, &trace_region, vm->trace ? 1 : 0, err);
	rc = rc ?: vm_create_vcpus(vm, cfg, err);
	rc = rc ?: vm_add_devices(vm, err);
	rc = rc	   ?:
		     vm_disks_attach(&vm->disks, &vm->kvm, &vm->mmio, cfg->nr_cpus,
				     trace_recorder_vmm_tracer(vm->trace), err);
	rc = rc ?: vm_load_guest(vm, cfg, err);
	rc = rc ?: vm_gdb_create(vm, cfg, err);
	if (rc)
		goto out;
	args = calloc(vm->nr_vcpus, sizeof(*args));
	if (!args) {
		rc = vitro_error_set(err, -ENOMEM, "out of memory");
		goto out;
	}

	/* Block the kick signal everywhere but in vCPU threads. */
	{
		sigset_t kick;

		sigemptyset(&kick);
		sigaddset(&kick, VCPU_KICK_SIGNAL);
		pthread_sigmask(SIG_BLOCK, &kick, NULL);
	}
	console_setup_terminal();
	sink = (struct console_sink){ vm_console_deliver, vm_console_quit, vm };
	rc = vm->trace ? trace_recorder_start(vm->trace, err) : 0;
	rc = rc ?: vm_start_vcpus(vm, args, err);
	rc = rc ?: vm_gdb_start(vm, err);
	if (!rc)
		rc = console_start_input(&sink);
	if (rc && !err->msg[0])
		vitro_error_set(err, rc, "cannot start the console thread");

	pthread_mutex_lock(&vm->stop_lock);
	while (!rc && !atomic_load(&vm->is_stopping))
		pthread_cond_wait(&vm->stop_cond, &vm->stop_lock);
	pthread_mutex_unlock(&vm->stop_lock);
	if (rc)
		vm_request_stop(vm, VITRO_EXIT_VM_CRASH);
	else
		rc = vm->exit_status;
out:
	console_stop_input();
	if (vm->gdb)
		gdb_stub_finish(vm->gdb, rc); /* tells gdb, lets held vCPUs go */
	vm_destroy(vm);
	gdb_stub_free(vm->gdb);
	rc = vm_finish_trace(vm, rc, err);
	free(args);
	free(vm);
	console_restore_terminal();
	return rc;
}
