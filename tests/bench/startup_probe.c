/* startup_probe.so: LD_PRELOADed into vitro by `make bench` to time where its
 * start-up goes without changing vitro: every ioctl until the first KVM_RUN,
 * large mmaps, thread creation and start, the first KVM_RUN, teardown, and
 * how much of guest RAM was touched. Writes the events at exit to the file
 * named by VITRO_PROBE_OUT (format in probe_format.h). */
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "probe_format.h"

#define MAX_TRACKED_FDS 16
#define MAX_SLOTS 8
#define LARGE_MMAP_BYTES (1ull << 20)

struct probe_event {
	uint64_t start_ns;
	uint64_t dur_ns;
	char name[PROBE_NAME_MAX - 16]; /* room for " x12 (2)" */
};

static struct probe_event events[PROBE_MAX_EVENTS];
static atomic_uint nr_events;
static uint64_t t0_ns;
static atomic_bool has_run_started;
static atomic_uint nr_later_runs;
static atomic_ullong later_runs_ns, later_runs_start_ns, later_runs_end_ns;
static atomic_uint nr_threads;

/* The KVM file descriptors and guest RAM slots vitro created, learnt from its
 * ioctls, so teardown can be named and guest RAM measured before munmap. */
static int kvm_fds[MAX_TRACKED_FDS];
static const char *kvm_fd_names[MAX_TRACKED_FDS];
static unsigned int nr_kvm_fds;
static struct {
	uintptr_t host;
	uint64_t size;
} slots[MAX_SLOTS];
static unsigned int nr_slots;
static long guest_ram_rss_kb = -1, hwm_at_unmap_kb = -1;

static int (*real_ioctl)(int, unsigned long, ...);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static int (*real_munmap)(void *, size_t);
static int (*real_close)(int);
static int (*real_pthread_create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
static int (*real_pthread_join)(pthread_t, void **);

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void probe_record(uint64_t start_ns, uint64_t end_ns, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void probe_record(uint64_t start_ns, uint64_t end_ns, const char *fmt, ...)
{
	unsigned int i = atomic_fetch_add(&nr_events, 1);
	va_list ap;

	if (i >= PROBE_MAX_EVENTS)
		return;
	events[i].start_ns = start_ns;
	events[i].dur_ns = end_ns - start_ns;
	va_start(ap, fmt);
	vsnprintf(events[i].name, sizeof(events[i].name), fmt, ap);
	va_end(ap);
}

static const char *ioctl_name(unsigned long request)
{
#define IOCTL_NAME(r) \
	case r:       \
		return #r
	switch (request) {
		IOCTL_NAME(KVM_GET_API_VERSION);
		IOCTL_NAME(KVM_CHECK_EXTENSION);
		IOCTL_NAME(KVM_GET_VCPU_MMAP_SIZE);
		IOCTL_NAME(KVM_CREATE_VM);
		IOCTL_NAME(KVM_GET_SUPPORTED_CPUID);
		IOCTL_NAME(KVM_SET_TSS_ADDR);
		IOCTL_NAME(KVM_SET_IDENTITY_MAP_ADDR);
		IOCTL_NAME(KVM_CREATE_IRQCHIP);
		IOCTL_NAME(KVM_SET_USER_MEMORY_REGION);
		IOCTL_NAME(KVM_CREATE_VCPU);
		IOCTL_NAME(KVM_SET_CPUID2);
		IOCTL_NAME(KVM_GET_TSC_KHZ);
		IOCTL_NAME(KVM_GET_MSRS);
		IOCTL_NAME(KVM_GET_SREGS);
		IOCTL_NAME(KVM_SET_SREGS);
		IOCTL_NAME(KVM_GET_REGS);
		IOCTL_NAME(KVM_SET_REGS);
		IOCTL_NAME(KVM_IRQ_LINE);
		IOCTL_NAME(KVM_IRQ_LINE_STATUS);
		IOCTL_NAME(KVM_IOEVENTFD);
		IOCTL_NAME(KVM_IRQFD);
		IOCTL_NAME(KVM_ENABLE_CAP);
		IOCTL_NAME(TCGETS);
	default:
		return NULL;
	}
#undef IOCTL_NAME
}

static void track_fd(int fd, const char *name)
{
	if (fd >= 0 && nr_kvm_fds < MAX_TRACKED_FDS) {
		kvm_fds[nr_kvm_fds] = fd;
		kvm_fd_names[nr_kvm_fds++] = name;
	}
}

int ioctl(int fd, unsigned long request, ...)
{
	const char *name = ioctl_name(request);
	uint64_t start, end;
	va_list ap;
	void *arg;
	int rc;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real_ioctl)
		real_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	start = now_ns();
	rc = real_ioctl(fd, request, arg);
	end = now_ns();

	if (request == KVM_RUN) {
		if (!atomic_exchange(&has_run_started, true)) {
			probe_record(start, end, "KVM_RUN #1: guest entry to first exit");
		} else {
			unsigned long long expected = 0;

			atomic_compare_exchange_strong(&later_runs_start_ns, &expected, start);
			atomic_store(&later_runs_end_ns, end);
			atomic_fetch_add(&nr_later_runs, 1);
			atomic_fetch_add(&later_runs_ns, end - start);
		}
		return rc;
	}
	if (request == KVM_SET_USER_MEMORY_REGION && rc == 0 && nr_slots < MAX_SLOTS) {
		const struct kvm_userspace_memory_region *r = arg;

		slots[nr_slots].host = (uintptr_t)r->userspace_addr;
		slots[nr_slots++].size = r->memory_size;
		probe_record(start, end, "KVM_SET_USER_MEMORY_REGION %llu MiB",
			     (unsigned long long)(r->memory_size >> 20));
		return rc;
	}
	if (request == KVM_CREATE_VM)
		track_fd(rc, "VM fd");
	if (request == KVM_CREATE_VCPU)
		track_fd(rc, "vCPU fd");
	if (!atomic_load(&has_run_started)) {
		if (name)
			probe_record(start, end, "%s", name);
		else
			probe_record(start, end, "ioctl 0x%lx", request);
	}
	return rc;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	uint64_t start;
	void *p;

	if (!real_mmap)
		real_mmap =
			(void *(*)(void *, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, "mmap");
	start = now_ns();
	p = real_mmap(addr, len, prot, flags, fd, off);
	if (len >= LARGE_MMAP_BYTES)
		probe_record(start, now_ns(), "mmap %zu MiB", len >> 20);
	return p;
}

/* Rss of the mapping starting at addr, from /proc/self/smaps. */
static long mapping_rss_kb(uintptr_t addr)
{
	char line[256];
	bool is_in_mapping = false;
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' '))
			is_in_mapping = lo == addr;
		else if (is_in_mapping && sscanf(line, "Rss: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

static long status_kb(const char *key)
{
	char line[256];
	size_t key_len = strlen(key);
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, key_len) && sscanf(line + key_len, " %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int munmap(void *addr, size_t len)
{
	unsigned int i;
	uint64_t start;
	int rc;

	if (!real_munmap)
		real_munmap = (int (*)(void *, size_t))dlsym(RTLD_NEXT, "munmap");
	for (i = 0; i < nr_slots; i++) {
		if (slots[i].host == (uintptr_t)addr) {
			guest_ram_rss_kb = mapping_rss_kb((uintptr_t)addr);
			hwm_at_unmap_kb = status_kb("VmHWM:");
		}
	}
	start = now_ns();
	rc = real_munmap(addr, len);
	if (len >= LARGE_MMAP_BYTES)
		probe_record(start, now_ns(), "munmap %zu MiB", len >> 20);
	return rc;
}

int close(int fd)
{
	const char *name = NULL;
	unsigned int i;
	uint64_t start;
	int rc;

	if (!real_close)
		real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
	for (i = 0; i < nr_kvm_fds; i++)
		if (kvm_fds[i] == fd)
			name = kvm_fd_names[i];
	start = now_ns();
	rc = real_close(fd);
	if (name)
		probe_record(start, now_ns(), "close %s", name);
	return rc;
}

struct thread_start {
	void *(*fn)(void *);
	void *arg;
	unsigned int index;
	uint64_t created_ns;
};

static void *probe_thread_main(void *opaque)
{
	struct thread_start ts = *(struct thread_start *)opaque;

	free(opaque);
	probe_record(ts.created_ns, now_ns(), "thread %u starts running", ts.index);
	return ts.fn(ts.arg);
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	struct thread_start *ts = malloc(sizeof(*ts));
	uint64_t start = now_ns();
	int rc;

	if (!real_pthread_create)
		real_pthread_create =
			(int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *),
				 void *))dlsym(RTLD_NEXT, "pthread_create");
	if (!ts)
		return real_pthread_create(thread, attr, fn, arg);
	*ts = (struct thread_start){ fn, arg, atomic_fetch_add(&nr_threads, 1) + 1, start };
	rc = real_pthread_create(thread, attr, probe_thread_main, ts);
	probe_record(start, now_ns(), "pthread_create (thread %u)", ts->index);
	return rc;
}

int pthread_join(pthread_t thread, void **ret)
{
	uint64_t start = now_ns();
	int rc;

	if (!real_pthread_join)
		real_pthread_join = (int (*)(pthread_t, void **))dlsym(RTLD_NEXT, "pthread_join");
	rc = real_pthread_join(thread, ret);
	probe_record(start, now_ns(), "pthread_join");
	return rc;
}

__attribute__((constructor)) static void probe_start(void)
{
	const char *t0 = getenv(PROBE_T0_ENV);
	uint64_t now = now_ns();

	t0_ns = t0 ? strtoull(t0, NULL, 10) : now;
	probe_record(t0_ns, now, "exec, dynamic linking, libc start-up");
}

static int compare_events(const void *a, const void *b)
{
	const struct probe_event *x = a, *y = b;

	return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

/* Sorts by start, merges runs of the same name ("KVM_CHECK_EXTENSION x7"),
 * and numbers later repeats so every name is unique. */
__attribute__((destructor)) static void probe_finish(void)
{
	const char *path = getenv(PROBE_OUT_ENV);
	unsigned int n = atomic_load(&nr_events), i, j, k;
	uint64_t now = now_ns();
	FILE *f;

	if (!path)
		return;
	/* One span for the guest's run after its first exit: time in KVM_RUN
	 * plus vitro handling the exits (the split is in the key lines). */
	if (atomic_load(&nr_later_runs))
		probe_record(atomic_load(&later_runs_start_ns), atomic_load(&later_runs_end_ns),
			     "KVM_RUN #2 to the last exit: guest runs, vitro handles exits");
	probe_record(now, now, "exit() reached");
	n = atomic_load(&nr_events);
	if (n > PROBE_MAX_EVENTS)
		n = PROBE_MAX_EVENTS;
	qsort(events, n, sizeof(events[0]), compare_events);
	f = fopen(path, "w");
	if (!f)
		return;
	for (i = 0; i < n; i = j) {
		uint64_t dur = 0;
		unsigned int nr_same = 0, nr_earlier = 0;
		char name[PROBE_NAME_MAX];

		for (j = i; j < n && !strcmp(events[j].name, events[i].name); j++)
			dur += events[j].dur_ns;
		for (k = 0; k < i; k++)
			if (!strcmp(events[k].name, events[i].name) &&
			    (k == 0 || strcmp(events[k - 1].name, events[k].name)))
				nr_earlier++;
		nr_same = j - i;
		snprintf(name, sizeof(name), "%s", events[i].name);
		if (nr_same > 1)
			snprintf(name + strlen(name), sizeof(name) - strlen(name), " x%u", nr_same);
		if (nr_earlier)
			snprintf(name + strlen(name), sizeof(name) - strlen(name), " (%u)",
				 nr_earlier + 1);
		fprintf(f, "%.1f %.1f %s\n", (events[i].start_ns - t0_ns) / 1e3, dur / 1e3, name);
	}
	fprintf(f, "# guest_ram_rss_kb=%ld\n# hwm_at_unmap_kb=%ld\n# kvm_run_calls=%u\n",
		guest_ram_rss_kb, hwm_at_unmap_kb,
		atomic_load(&nr_later_runs) + atomic_load(&has_run_started));
	fprintf(f, "# later_runs_in_kvm_us=%.1f\n", atomic_load(&later_runs_ns) / 1e3);
	fclose(f);
}
