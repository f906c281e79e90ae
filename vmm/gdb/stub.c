/* See stub.h. One server thread owns the socket and, while the guest is
 * stopped, the registers, memory and breakpoints; vCPU threads only park,
 * report debug exits, and apply the debug setting the server chose.
 *
 * Stopping: the server (or a vCPU that hit a breakpoint) sets is_halting and
 * kicks every vCPU out of KVM_RUN; each parks in gdb_stub_vcpu_hold() and the
 * server waits until all are parked. A breakpoint hit leaves RIP on the int3
 * on every KVM we know, so a hit that loses the race to another stop is not
 * lost: that vCPU meets the int3 again when it resumes.
 *
 * Breakpoints under nested PVM, measured with KVM probes on our development
 * machines (KVM_CAP_SET_GUEST_DEBUG 1, KVM_CAP_GUEST_DEBUG_HW_BPS 0,
 * KVM_CAP_SET_GUEST_DEBUG2 0x1f0003): int3 in guest ring 0 never reaches
 * KVM_EXIT_DEBUG, with or without KVM_GUESTDBG_USE_SW_BP; it ends KVM_RUN
 * with KVM_EXIT_INTERNAL_ERROR, suberror 1 (emulation), RIP on the int3 and
 * the instruction bytes (0xcc first) in emulation_failure. Restoring the byte
 * and running again continues normally, so such an exit on one of our int3s
 * is a breakpoint hit. KVM_GUESTDBG_SINGLESTEP works there: one
 * KVM_EXIT_DEBUG (exception 1, DR6.BS) per instruction, RIP after it. On
 * hardware-virtualised hosts int3 gives KVM_EXIT_DEBUG with exception 3. */
#include "stub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "packet.h"
#include "session.h"
#include "target.h"

#define INT3 0xcc
#define BP_VECTOR 3
#define DB_VECTOR 1
#define DR6_BREAKPOINTS 0xfull /* B0-B3 */
#define DR6_SINGLE_STEP (1ull << 14) /* BS */
/* A step over a breakpoint that does not finish in this time (a hlt with
 * interrupts blocked) is abandoned. */
#define STEP_OVER_TIMEOUT_SECONDS 2
#define SEND_TIMEOUT_SECONDS 5

struct stub_vcpu {
	enum gdb_resume_mode mode;
	bool is_parked;
	bool is_stepping_over; /* a step gdb did not ask for, off our int3 */
	bool has_new_debug;
	struct kvm_guest_debug debug;
};

/* What the server does after a byte from gdb. */
enum serve_next {
	SERVE_GO_ON,
	SERVE_END, /* connection done: detached, killed, or VM gone */
};

struct gdb_stub {
	struct gdb_stub_config cfg;
	int listen_fd;
	int conn_fd;
	int wake_fds[2]; /* vCPU stop reports and finish wake the server's poll */
	pthread_t thread;
	bool has_thread;

	pthread_mutex_t lock;
	pthread_cond_t parked; /* a vCPU parked, or the VM is finishing */
	pthread_cond_t released; /* parked vCPUs may look again */
	bool is_halting; /* every vCPU must park */
	bool is_finished; /* the VM is ending: nothing parks any more */
	bool is_attached; /* a gdb is connected: debug exits are its */
	unsigned int nr_parked;
	bool has_stop;
	struct gdb_stop stop;
	int exit_status;
	struct stub_vcpu *vcpus;

	/* The server's, changed only while every vCPU is parked. */
	struct gdb_kvm_target target;
	struct gdb_session session;
	int lifted_breakpoint; /* int3 taken out for gdb's step over it, or -1 */
	bool is_running; /* gdb resumed the guest and waits for a stop */
	struct gdb_packet_reader reader;
	char reply[GDB_PACKET_MAX + 1];
	char sent[GDB_PACKET_MAX + 4]; /* the last packet, for a '-' */
	size_t sent_len;
};

/* --- vCPU side ----------------------------------------------------------- */

static void stub_wake_server(struct gdb_stub *stub)
{
	char byte = 1;

	/* A full pipe already holds a wake-up. */
	if (write(stub->wake_fds[1], &byte, 1) < 0 && errno != EAGAIN)
		perror("vitro: gdb stub wake-up");
}

/* Lock held. */
static void stub_kick_running(struct gdb_stub *stub, int except)
{
	unsigned int i;

	for (i = 0; i < stub->cfg.nr_vcpus; i++)
		if ((int)i != except && !stub->vcpus[i].is_parked)
			stub->cfg.kick_vcpu(stub->cfg.opaque, i);
}

void gdb_stub_vcpu_hold(struct gdb_stub *stub, struct vcpu *vcpu)
{
	struct stub_vcpu *self = &stub->vcpus[vcpu->index];
	struct kvm_guest_debug debug;
	bool has_new_debug;

	pthread_mutex_lock(&stub->lock);
	while (!stub->is_finished && (stub->is_halting || self->mode == GDB_RESUME_HOLD)) {
		if (!self->is_parked) {
			self->is_parked = true;
			stub->nr_parked++;
			pthread_cond_broadcast(&stub->parked);
		}
		pthread_cond_wait(&stub->released, &stub->lock);
	}
	if (self->is_parked) {
		self->is_parked = false;
		stub->nr_parked--;
	}
	has_new_debug = self->has_new_debug;
	debug = self->debug;
	self->has_new_debug = false;
	/* Under the lock: a kick after this point still stops KVM_RUN. */
	vcpu->run->immediate_exit = 0;
	pthread_mutex_unlock(&stub->lock);
	/* The caller checks for a VM stop next; that check must not pass
	 * before the store above (vm_request_stop sets immediate_exit too). */
	atomic_thread_fence(memory_order_seq_cst);
	if (has_new_debug && ioctl(vcpu->fd, KVM_SET_GUEST_DEBUG, &debug) < 0)
		fprintf(stderr, "\r\nvitro: gdb: KVM_SET_GUEST_DEBUG on vCPU %u: %s\r\n",
			vcpu->index, strerror(errno));
}

static enum gdb_stop_reason classify_debug_exit(const struct kvm_debug_exit_arch *arch)
{
	if (arch->exception == BP_VECTOR)
		return GDB_STOP_SW_BREAKPOINT;
	if (arch->exception == DB_VECTOR && (arch->dr6 & DR6_BREAKPOINTS))
		return GDB_STOP_HW_BREAKPOINT;
	if (arch->exception == DB_VECTOR && (arch->dr6 & DR6_SINGLE_STEP))
		return GDB_STOP_STEPPED;
	return GDB_STOP_TRAP;
}

/* Nested PVM reports an int3 in ring 0 as an emulation failure (see the top
 * of this file). Only a failure on one of our planted int3s is a hit. */
static bool is_breakpoint_emulation_failure(struct gdb_stub *stub, struct vcpu *vcpu)
{
	const struct kvm_run *run = vcpu->run;
	bool is_hit;

	if (run->emulation_failure.suberror != KVM_INTERNAL_ERROR_EMULATION)
		return false;
	if ((run->emulation_failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES) &&
	    run->emulation_failure.insn_size && run->emulation_failure.insn_bytes[0] != INT3)
		return false;
	pthread_mutex_lock(&stub->lock);
	is_hit = gdb_kvm_target_breakpoint_at_rip(&stub->target, vcpu) >= 0;
	pthread_mutex_unlock(&stub->lock);
	return is_hit;
}

static void stub_report_stop(struct gdb_stub *stub, unsigned int index, enum gdb_stop_reason reason)
{
	struct stub_vcpu *self = &stub->vcpus[index];

	pthread_mutex_lock(&stub->lock);
	if (self->is_stepping_over) {
		/* Off the int3: park, and the server plants it again. */
		self->is_stepping_over = false;
		self->mode = GDB_RESUME_HOLD;
	} else if (stub->is_attached && !stub->is_halting && !stub->is_finished) {
		stub->has_stop = true;
		stub->stop = (struct gdb_stop){ reason, index };
		stub->is_halting = true;
		stub_kick_running(stub, (int)index);
		stub_wake_server(stub);
	}
	/* Otherwise another stop won, or gdb left: a breakpoint hit comes
	 * back when this vCPU runs again, a step is simply done. */
	pthread_mutex_unlock(&stub->lock);
}

bool gdb_stub_handle_exit(struct gdb_stub *stub, struct vcpu *vcpu)
{
	enum gdb_stop_reason reason;

	if (vcpu->run->exit_reason == KVM_EXIT_DEBUG)
		reason = classify_debug_exit(&vcpu->run->debug.arch);
	else if (vcpu->run->exit_reason == KVM_EXIT_INTERNAL_ERROR &&
		 is_breakpoint_emulation_failure(stub, vcpu))
		reason = GDB_STOP_SW_BREAKPOINT;
	else
		return false;
	stub_report_stop(stub, vcpu->index, reason);
	return true;
}

/* --- stopping and resuming, server side (lock held) ------------------------ */

static bool stub_all_parked(const struct gdb_stub *stub)
{
	return stub->nr_parked == stub->cfg.nr_vcpus;
}

static void stub_halt(struct gdb_stub *stub)
{
	stub->is_halting = true;
	stub_kick_running(stub, -1);
	while (!stub_all_parked(stub) && !stub->is_finished)
		pthread_cond_wait(&stub->parked, &stub->lock);
}

static void stub_set_mode(struct gdb_stub *stub, unsigned int index, enum gdb_resume_mode mode,
			  bool may_block_irqs)
{
	struct stub_vcpu *v = &stub->vcpus[index];

	v->mode = mode;
	gdb_kvm_target_debug_setting(&stub->target, mode == GDB_RESUME_STEP, may_block_irqs,
				     &v->debug);
	v->has_new_debug = true;
}

static void stub_release(struct gdb_stub *stub)
{
	stub->has_stop = false;
	stub->is_halting = false;
	pthread_cond_broadcast(&stub->released);
}

/* Steps one vCPU off the breakpoint it stopped on, the others held, then
 * plants the int3 again: a continue must not hit the same breakpoint twice. */
static void stub_step_over(struct gdb_stub *stub, unsigned int index, int breakpoint)
{
	struct stub_vcpu *v = &stub->vcpus[index];
	struct timespec deadline;
	unsigned int i;
	int rc = 0;

	gdb_kvm_target_lift(&stub->target, breakpoint);
	for (i = 0; i < stub->cfg.nr_vcpus; i++)
		stub_set_mode(stub, i, i == index ? GDB_RESUME_STEP : GDB_RESUME_HOLD, true);
	v->is_stepping_over = true;
	stub_release(stub);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += STEP_OVER_TIMEOUT_SECONDS;
	while ((v->is_stepping_over || !v->is_parked) && !stub->is_finished && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&stub->parked, &stub->lock, &deadline);
	v->is_stepping_over = false;
	stub_halt(stub);
	gdb_kvm_target_replant(&stub->target, breakpoint);
}

static void stub_resume(struct gdb_stub *stub)
{
	const struct gdb_stop *last = &stub->session.stop;
	enum gdb_resume_mode mode;
	unsigned int i;
	int breakpoint = -1;

	/* gdb removes a breakpoint before stepping off it; this is for the
	 * rest (breakpoint always-inserted, other clients). */
	if (last->reason == GDB_STOP_SW_BREAKPOINT &&
	    gdb_session_resume_mode(&stub->session, last->vcpu) != GDB_RESUME_HOLD)
		breakpoint = gdb_kvm_target_breakpoint_at_rip(&stub->target,
							      &stub->cfg.vcpus[last->vcpu]);
	if (breakpoint >= 0 &&
	    gdb_session_resume_mode(&stub->session, last->vcpu) == GDB_RESUME_CONTINUE)
		stub_step_over(stub, last->vcpu, breakpoint);
	else if (breakpoint >= 0) {
		gdb_kvm_target_lift(&stub->target, breakpoint);
		stub->lifted_breakpoint = breakpoint;
	}
	for (i = 0; i < stub->cfg.nr_vcpus; i++) {
		mode = gdb_session_resume_mode(&stub->session, i);
		stub_set_mode(stub, i, mode, true);
	}
	stub_release(stub);
}

/* Removes every trace of gdb and lets the guest run on. */
static void stub_detach(struct gdb_stub *stub)
{
	unsigned int i;

	gdb_kvm_target_remove_all(&stub->target);
	stub->lifted_breakpoint = -1;
	for (i = 0; i < stub->cfg.nr_vcpus; i++) {
		stub_set_mode(stub, i, GDB_RESUME_CONTINUE, false);
		stub->vcpus[i].is_stepping_over = false;
	}
	stub->is_attached = false;
	stub_release(stub);
}

/* --- the connection -------------------------------------------------------- */

static void stub_send_raw(struct gdb_stub *stub, const char *data, size_t len)
{
	ssize_t n;

	while (len && stub->conn_fd >= 0) {
		n = send(stub->conn_fd, data, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* gdb is gone; the next read sees it */
		data += n;
		len -= (size_t)n;
	}
}

static void stub_send_packet(struct gdb_stub *stub, const char *payload, size_t len)
{
	int n = gdb_packet_frame(payload, len, stub->sent, sizeof(stub->sent));

	if (n < 0)
		n = gdb_packet_frame("E01", 3, stub->sent, sizeof(stub->sent));
	stub->sent_len = (size_t)n;
	stub_send_raw(stub, stub->sent, stub->sent_len);
}

/* Lock held, every vCPU parked. */
static void stub_report(struct gdb_stub *stub, const struct gdb_stop *stop)
{
	size_t len;

	if (stub->lifted_breakpoint >= 0) {
		gdb_kvm_target_replant(&stub->target, stub->lifted_breakpoint);
		stub->lifted_breakpoint = -1;
	}
	len = gdb_session_stop_reply(&stub->session, stop, stub->reply, sizeof(stub->reply));
	stub->is_running = false;
	stub_send_packet(stub, stub->reply, len);
}

static void stub_send_exit(struct gdb_stub *stub)
{
	char packet[8];
	int n;

	n = snprintf(packet, sizeof(packet), "W%02x",
		     stub->exit_status < 0 ? 0xff : stub->exit_status & 0xff);
	stub_send_packet(stub, packet, (size_t)n);
}

static enum serve_next stub_handle_packet(struct gdb_stub *stub)
{
	enum gdb_outcome outcome;
	size_t len;

	if (!stub->session.is_no_ack)
		stub_send_raw(stub, "+", 1);
	if (stub->is_running)
		return SERVE_GO_ON; /* all-stop gdb sends nothing but 0x03 now */
	outcome = gdb_session_handle(&stub->session, stub->reader.payload, stub->reader.len,
				     stub->reply, sizeof(stub->reply), &len);
	if (outcome != GDB_OUTCOME_RESUME && (outcome != GDB_OUTCOME_KILL || len))
		stub_send_packet(stub, stub->reply, len);
	pthread_mutex_lock(&stub->lock);
	if (outcome == GDB_OUTCOME_RESUME) {
		stub->is_running = true;
		stub_resume(stub);
	} else if (outcome == GDB_OUTCOME_DETACH) {
		stub_detach(stub);
	} else if (outcome == GDB_OUTCOME_KILL) {
		stub->is_attached = false;
	}
	pthread_mutex_unlock(&stub->lock);
	if (outcome == GDB_OUTCOME_KILL) {
		fprintf(stderr, "\r\nvitro: killed from gdb\r\n");
		stub->cfg.kill_vm(stub->cfg.opaque);
	}
	return outcome == GDB_OUTCOME_DETACH || outcome == GDB_OUTCOME_KILL ? SERVE_END :
									      SERVE_GO_ON;
}

static void stub_interrupt(struct gdb_stub *stub)
{
	pthread_mutex_lock(&stub->lock);
	if (!stub->has_stop) {
		stub->has_stop = true;
		stub->stop = (struct gdb_stop){ GDB_STOP_INTERRUPTED, stub->session.stop.vcpu };
	}
	stub_halt(stub);
	if (!stub->is_finished)
		stub_report(stub, &stub->stop);
	pthread_mutex_unlock(&stub->lock);
}

static enum serve_next stub_handle_byte(struct gdb_stub *stub, uint8_t byte)
{
	switch (gdb_packet_feed(&stub->reader, byte)) {
	case GDB_INPUT_NONE:
	case GDB_INPUT_ACK:
		break;
	case GDB_INPUT_NACK:
		stub_send_raw(stub, stub->sent, stub->sent_len);
		break;
	case GDB_INPUT_INTERRUPT:
		if (stub->is_running)
			stub_interrupt(stub);
		break;
	case GDB_INPUT_BAD_CHECKSUM:
		if (!stub->session.is_no_ack)
			stub_send_raw(stub, "-", 1);
		break;
	case GDB_INPUT_TOO_LONG:
		if (!stub->session.is_no_ack)
			stub_send_raw(stub, "+", 1);
		stub_send_packet(stub, "E01", 3);
		break;
	case GDB_INPUT_PACKET:
		return stub_handle_packet(stub);
	}
	return SERVE_GO_ON;
}

/* A stop reported by a vCPU: wait for the others, then tell gdb. */
static void stub_report_pending_stop(struct gdb_stub *stub)
{
	pthread_mutex_lock(&stub->lock);
	if (stub->is_running && stub->has_stop) {
		stub_halt(stub);
		if (!stub->is_finished)
			stub_report(stub, &stub->stop);
	}
	pthread_mutex_unlock(&stub->lock);
}

static bool stub_is_finished(struct gdb_stub *stub)
{
	bool is_finished;

	pthread_mutex_lock(&stub->lock);
	is_finished = stub->is_finished;
	pthread_mutex_unlock(&stub->lock);
	return is_finished;
}

static void stub_drain_wake_pipe(struct gdb_stub *stub)
{
	char buf[64];

	while (read(stub->wake_fds[0], buf, sizeof(buf)) > 0)
		;
}

static void stub_serve(struct gdb_stub *stub)
{
	struct pollfd fds[2] = { { .fd = stub->conn_fd, .events = POLLIN },
				 { .fd = stub->wake_fds[0], .events = POLLIN } };
	uint8_t buf[4096];
	ssize_t n, i;

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[1].revents)
			stub_drain_wake_pipe(stub);
		if (stub_is_finished(stub)) {
			stub_send_exit(stub);
			return;
		}
		stub_report_pending_stop(stub);
		if (!fds[0].revents)
			continue;
		n = recv(stub->conn_fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (i = 0; i < n; i++)
			if (stub_handle_byte(stub, buf[i]) == SERVE_END)
				return;
	}
	/* gdb went away without detaching: let the guest go on. */
	pthread_mutex_lock(&stub->lock);
	if (stub->is_attached) {
		stub_halt(stub);
		stub_detach(stub);
	}
	pthread_mutex_unlock(&stub->lock);
}

static int stub_accept(struct gdb_stub *stub)
{
	struct pollfd fds[2] = { { .fd = stub->listen_fd, .events = POLLIN },
				 { .fd = stub->wake_fds[0], .events = POLLIN } };
	struct timeval timeout = { .tv_sec = SEND_TIMEOUT_SECONDS };
	int one = 1, fd;

	for (;;) {
		if (stub_is_finished(stub))
			return -1;
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			return -1;
		if (fds[1].revents)
			stub_drain_wake_pipe(stub);
		if (!(fds[0].revents & POLLIN))
			continue;
		fd = accept4(stub->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			break;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* A gdb that stops reading must not stall the end of the VM. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
	return fd;
}

/* gdb connected: stop the guest, as gdb expects of a target it attaches to. */
static void stub_attach(struct gdb_stub *stub, int fd)
{
	pthread_mutex_lock(&stub->lock);
	stub->conn_fd = fd;
	stub->is_attached = true;
	stub->is_running = false;
	stub->has_stop = false;
	stub->lifted_breakpoint = -1;
	stub->sent_len = 0;
	gdb_session_init(&stub->session, &gdb_kvm_target_ops, &stub->target, stub->cfg.nr_vcpus);
	gdb_packet_reader_init(&stub->reader);
	stub_halt(stub);
	pthread_mutex_unlock(&stub->lock);
}

static void *stub_thread(void *opaque)
{
	struct gdb_stub *stub = opaque;
	int fd;

	while ((fd = stub_accept(stub)) >= 0) {
		stub_attach(stub, fd);
		stub_serve(stub);
		pthread_mutex_lock(&stub->lock);
		stub->conn_fd = -1;
		stub->is_attached = false;
		pthread_mutex_unlock(&stub->lock);
		close(fd);
	}
	return NULL;
}

/* --- life cycle ------------------------------------------------------------ */

static int stub_listen(struct gdb_stub *stub, struct vitro_error *err)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(stub->cfg.port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int one = 1, e;

	stub->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (stub->listen_fd < 0)
		return vitro_error_set(err, -errno, "--gdb %u: socket: %s", stub->cfg.port,
				       strerror(errno));
	/* A port left in TIME_WAIT by the last gdb is free to use. */
	setsockopt(stub->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(stub->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(stub->listen_fd, 1) < 0) {
		e = errno;
		return vitro_error_set(err, -e, "--gdb %u: cannot listen on 127.0.0.1:%u: %s%s",
				       stub->cfg.port, stub->cfg.port, strerror(e),
				       e == EADDRINUSE ? " (pick another port)" : "");
	}
	return 0;
}

int gdb_stub_create(const struct gdb_stub_config *cfg, struct gdb_stub **out,
		    struct vitro_error *err)
{
	struct gdb_stub *stub = calloc(1, sizeof(*stub));
	unsigned int i;
	int rc;

	if (!stub || !(stub->vcpus = calloc(cfg->nr_vcpus, sizeof(*stub->vcpus)))) {
		free(stub);
		return vitro_error_set(err, -ENOMEM, "out of memory");
	}
	stub->cfg = *cfg;
	stub->listen_fd = -1;
	stub->conn_fd = -1;
	stub->wake_fds[0] = stub->wake_fds[1] = -1;
	stub->lifted_breakpoint = -1;
	stub->is_halting = cfg->is_waiting_for_attach;
	for (i = 0; i < cfg->nr_vcpus; i++)
		stub->vcpus[i].mode = GDB_RESUME_CONTINUE;
	stub->target = (struct gdb_kvm_target){
		.vcpus = cfg->vcpus,
		.nr_vcpus = cfg->nr_vcpus,
		.mem = cfg->mem,
		.kernel_virt_start = cfg->kernel_virt_start,
		.kernel_virt_end = cfg->kernel_virt_end,
		.kernel_phys_start = cfg->kernel_phys_start,
	};
	gdb_kvm_target_probe(&stub->target, cfg->kvm_fd);
	pthread_mutex_init(&stub->lock, NULL);
	pthread_cond_init(&stub->parked, NULL);
	pthread_cond_init(&stub->released, NULL);
	rc = stub_listen(stub, err);
	if (rc)
		goto err_free;
	if (pipe2(stub->wake_fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		rc = vitro_error_set(err, -errno, "--gdb: pipe: %s", strerror(errno));
		goto err_free;
	}
	*out = stub;
	return 0;
err_free:
	gdb_stub_free(stub);
	return rc;
}

int gdb_stub_start(struct gdb_stub *stub, struct vitro_error *err)
{
	int rc = pthread_create(&stub->thread, NULL, stub_thread, stub);

	if (rc)
		return vitro_error_set(err, -rc, "cannot start the gdb stub thread: %s",
				       strerror(rc));
	stub->has_thread = true;
	return 0;
}

void gdb_stub_finish(struct gdb_stub *stub, int exit_status)
{
	pthread_mutex_lock(&stub->lock);
	stub->is_finished = true;
	stub->exit_status = exit_status;
	pthread_cond_broadcast(&stub->parked);
	pthread_cond_broadcast(&stub->released);
	if (stub->wake_fds[1] >= 0)
		stub_wake_server(stub);
	pthread_mutex_unlock(&stub->lock);
	if (stub->has_thread)
		pthread_join(stub->thread, NULL);
	stub->has_thread = false;
}

void gdb_stub_free(struct gdb_stub *stub)
{
	if (!stub)
		return;
	if (stub->listen_fd >= 0)
		close(stub->listen_fd);
	if (stub->wake_fds[0] >= 0)
		close(stub->wake_fds[0]);
	if (stub->wake_fds[1] >= 0)
		close(stub->wake_fds[1]);
	pthread_cond_destroy(&stub->released);
	pthread_cond_destroy(&stub->parked);
	pthread_mutex_destroy(&stub->lock);
	free(stub->vcpus);
	free(stub);
}
