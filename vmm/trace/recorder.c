/* See recorder.h. The drain thread is the only reader of the rings while the
 * guest runs, and the vCPUs' spool files are written by it alone; vitro's own
 * stream (index nr_cpus) is spooled by the emitting threads under vmm_lock.
 * finish() runs after the drain thread has been joined. Spooling to (unlinked) temporary files keeps
 * vitro's memory flat however long the guest is traced. */
#include "recorder.h"

#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "../../shared/machine.h"
#include "output.h"
#include "ring_reader.h"
#include "trace.h"
#include "vmm_tracer.h"

/* The drain thread polls: often while events flow, less when the guest is quiet. */
#define DRAIN_BUSY_NS 1000000L
#define DRAIN_IDLE_NS 5000000L

/* A spooled record: header, then payload padded to 8 bytes. */
struct spool_record {
	uint64_t ts_ns;
	uint16_t type;
	uint16_t size;
	uint32_t cpu;
};

struct trace_cpu {
	struct ring_reader reader;
	FILE *spool;
	uint64_t spooled;
	int write_error;
	/* merge state */
	struct spool_record next;
	uint8_t payload[TRACE_RECORD_MAX];
};

struct trace_recorder {
	struct trace_options opt;
	enum trace_format format;
	struct trace_sink *sink;
	unsigned int nr_cpus;
	uint64_t ring_size;
	void *region;
	uint64_t region_size;
	struct trace_cpu *cpus; /* nr_cpus + 1: the last is vitro's own stream */
	uint32_t tsc_khz;
	uint64_t tsc_zero;
	uint64_t start_ns; /* vmm_tracer_now_ns() when vitro started: time 0 */
	struct vmm_tracer vmm;
	pthread_mutex_t vmm_lock;
	bool is_vmm_stopped;
	pthread_t thread;
	bool has_thread;
	atomic_bool stopping;
};

static uint64_t tsc_to_ns(const struct trace_recorder *r, uint64_t tsc)
{
	if (!r->tsc_khz || tsc <= r->tsc_zero)
		return 0;
	return (uint64_t)((unsigned __int128)(tsc - r->tsc_zero) * 1000000u / r->tsc_khz);
}

static struct trace_recorder *recorder_of(struct vmm_tracer *t)
{
	return (struct trace_recorder *)((uint8_t *)t - offsetof(struct trace_recorder, vmm));
}

/* vitro's events go straight to their spool: there is no ring to overrun. */
static void vmm_emit(struct vmm_tracer *t, enum trace_event_type type, const void *payload,
		     uint16_t len)
{
	static const uint8_t zeros[8];
	struct trace_recorder *r = recorder_of(t);
	struct trace_cpu *c = &r->cpus[r->nr_cpus];
	uint64_t now = vmm_tracer_now_ns();
	struct spool_record rec = { now > r->start_ns ? now - r->start_ns : 0, (uint16_t)type, len,
				    r->nr_cpus };
	size_t pad = (8 - len % 8) % 8;

	if (type == TRACE_EVENT_NONE || type >= TRACE_NR_EVENTS || len > TRACE_RECORD_MAX)
		return;
	pthread_mutex_lock(&r->vmm_lock);
	if (r->is_vmm_stopped) {
		/* Merging has begun: what comes later is not in this trace. */
	} else if (fwrite(&rec, sizeof(rec), 1, c->spool) != 1 ||
		   fwrite(payload, 1, len, c->spool) != len ||
		   fwrite(zeros, 1, pad, c->spool) != pad) {
		c->write_error = errno ? errno : EIO;
	} else {
		c->spooled++;
	}
	pthread_mutex_unlock(&r->vmm_lock);
}

static int check_buffer_size(uint64_t bytes, unsigned int nr_cpus, struct vitro_error *err)
{
	if (bytes < TRACE_MIN_BUFFER_BYTES || bytes > TRACE_MAX_BUFFER_BYTES ||
	    (bytes & (bytes - 1)))
		return vitro_error_set(
			err, -EINVAL,
			"--trace-buffer %llu: must be a power of two from 64K to 256M (e.g. --trace-buffer 4M)",
			(unsigned long long)bytes);
	if ((bytes + TRACE_RING_HEADER_SIZE) * nr_cpus > MACHINE_TRACE_MAX)
		return vitro_error_set(
			err, -EINVAL,
			"--trace-buffer %llu for %u vCPUs needs more than the %llu MiB trace window (use a smaller --trace-buffer)",
			(unsigned long long)bytes, nr_cpus,
			(unsigned long long)(MACHINE_TRACE_MAX >> 20));
	return 0;
}

static int trace_recorder_choose_format(struct trace_recorder *r, struct vitro_error *err)
{
	enum trace_format requested = TRACE_FORMAT_AUTO;
	int rc;

	if (r->opt.format) {
		rc = trace_format_parse(r->opt.format, &requested, err);
		if (rc)
			return rc;
	}
	return trace_format_for_path(r->opt.path, requested, &r->format, err);
}

int trace_recorder_create(struct trace_recorder **out, const struct trace_options *opt,
			  unsigned int nr_cpus, struct vitro_error *err)
{
	struct trace_recorder *r;
	unsigned int i;
	int rc;

	*out = NULL;
	rc = check_buffer_size(opt->buffer_bytes, nr_cpus, err);
	if (rc)
		return rc;
	r = calloc(1, sizeof(*r));
	if (!r)
		return vitro_error_set(err, -ENOMEM, "out of memory");
	r->opt = *opt;
	r->nr_cpus = nr_cpus;
	r->start_ns = vmm_tracer_now_ns();
	r->vmm = (struct vmm_tracer){ opt->categories, vmm_emit };
	pthread_mutex_init(&r->vmm_lock, NULL);
	r->ring_size = opt->buffer_bytes + TRACE_RING_HEADER_SIZE;
	r->region_size = r->ring_size * nr_cpus;
	*out = r;
	rc = trace_recorder_choose_format(r, err);
	if (rc)
		return rc;
	r->cpus = calloc(nr_cpus + 1, sizeof(*r->cpus));
	if (!r->cpus)
		return vitro_error_set(err, -ENOMEM, "out of memory");
	/* Shared with the guest; pages cost nothing until the guest writes them. */
	r->region = mmap(NULL, r->region_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r->region == MAP_FAILED) {
		r->region = NULL;
		return vitro_error_set(err, -errno, "cannot map %llu MiB of trace buffers: %s",
				       (unsigned long long)(r->region_size >> 20), strerror(errno));
	}
	for (i = 0; i <= nr_cpus; i++) {
		if (i < nr_cpus)
			ring_reader_init(&r->cpus[i].reader,
					 (uint8_t *)r->region + i * r->ring_size, i,
					 opt->buffer_bytes);
		r->cpus[i].spool = tmpfile();
		if (!r->cpus[i].spool)
			return vitro_error_set(err, -errno,
					       "cannot create a trace spool file: %s (set TMPDIR)",
					       strerror(errno));
	}
	r->sink = trace_output_open(opt->path, r->format, err);
	return r->sink ? 0 : -EINVAL;
}

void trace_recorder_region(const struct trace_recorder *r, uint64_t *gpa, uint64_t *size,
			   void **host)
{
	*gpa = MACHINE_TRACE_BASE;
	*size = r->region_size;
	*host = r->region;
}

unsigned int trace_recorder_nr_rings(const struct trace_recorder *r)
{
	return r->nr_cpus;
}

uint64_t trace_recorder_ring_size(const struct trace_recorder *r)
{
	return r->ring_size;
}

uint64_t trace_recorder_categories(const struct trace_recorder *r)
{
	return r->opt.categories;
}

void trace_recorder_set_clock(struct trace_recorder *r, uint32_t tsc_khz, uint64_t tsc_zero,
			      uint64_t start_ns)
{
	r->tsc_khz = tsc_khz;
	r->tsc_zero = tsc_zero;
	if (start_ns) /* else from when the recorder was made */
		r->start_ns = start_ns;
}

struct vmm_tracer *trace_recorder_vmm_tracer(struct trace_recorder *r)
{
	return r ? &r->vmm : NULL;
}

/* --- draining ------------------------------------------------------------- */

struct spool_ctx {
	struct trace_recorder *r;
	struct trace_cpu *cpu;
	uint32_t index;
};

static void spool_record(void *opaque, uint16_t type, uint64_t tsc, const uint8_t *payload,
			 uint16_t len)
{
	static const uint8_t zeros[8];
	struct spool_ctx *ctx = opaque;
	struct spool_record rec = { tsc_to_ns(ctx->r, tsc), type, len, ctx->index };
	size_t pad = (8 - len % 8) % 8;

	if (fwrite(&rec, sizeof(rec), 1, ctx->cpu->spool) != 1 ||
	    fwrite(payload, 1, len, ctx->cpu->spool) != len ||
	    fwrite(zeros, 1, pad, ctx->cpu->spool) != pad)
		ctx->cpu->write_error = errno ? errno : EIO;
	else
		ctx->cpu->spooled++;
}

uint64_t trace_recorder_drain(struct trace_recorder *r)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < r->nr_cpus; i++) {
		struct spool_ctx ctx = { r, &r->cpus[i], i };

		n += ring_reader_drain(&r->cpus[i].reader, spool_record, &ctx);
	}
	return n;
}

static void *trace_drain_thread(void *opaque)
{
	struct trace_recorder *r = opaque;

	while (!atomic_load(&r->stopping)) {
		struct timespec pause = { 0,
					  trace_recorder_drain(r) ? DRAIN_BUSY_NS : DRAIN_IDLE_NS };

		nanosleep(&pause, NULL);
	}
	return NULL;
}

int trace_recorder_start(struct trace_recorder *r, struct vitro_error *err)
{
	int rc = pthread_create(&r->thread, NULL, trace_drain_thread, r);

	if (rc)
		return vitro_error_set(err, -rc, "cannot start the trace thread: %s", strerror(rc));
	r->has_thread = true;
	return 0;
}

static void trace_recorder_stop(struct trace_recorder *r)
{
	if (r->has_thread) {
		atomic_store(&r->stopping, true);
		pthread_join(r->thread, NULL);
		r->has_thread = false;
	}
	trace_recorder_drain(r);
	pthread_mutex_lock(&r->vmm_lock);
	r->is_vmm_stopped = true;
	pthread_mutex_unlock(&r->vmm_lock);
}

/* --- merging -------------------------------------------------------------- */

/* Reads a CPU's next spooled record; false at the end. Spool files are
 * vitro's own, written above, so a short read is only the end. */
static bool spool_next(struct trace_cpu *c)
{
	size_t padded;

	if (fread(&c->next, sizeof(c->next), 1, c->spool) != 1)
		return false;
	padded = (c->next.size + 7u) & ~7u;
	return c->next.size <= sizeof(c->payload) &&
	       fread(c->payload, 1, padded, c->spool) == padded;
}

/* A binary heap of CPU indices ordered by their next record's time (then CPU). */
static bool heap_less(const struct trace_recorder *r, unsigned int a, unsigned int b)
{
	const struct spool_record *x = &r->cpus[a].next, *y = &r->cpus[b].next;

	return x->ts_ns != y->ts_ns ? x->ts_ns < y->ts_ns : a < b;
}

static void heap_sift_down(const struct trace_recorder *r, unsigned int *heap, unsigned int n,
			   unsigned int i)
{
	for (;;) {
		unsigned int l = 2 * i + 1, m = i, tmp;

		if (l < n && heap_less(r, heap[l], heap[m]))
			m = l;
		if (l + 1 < n && heap_less(r, heap[l + 1], heap[m]))
			m = l + 1;
		if (m == i)
			return;
		tmp = heap[i];
		heap[i] = heap[m];
		heap[m] = tmp;
		i = m;
	}
}

static int trace_merge(struct trace_recorder *r, unsigned int *heap)
{
	unsigned int n = 0, i;
	int rc = 0;

	for (i = 0; i <= r->nr_cpus; i++) {
		rewind(r->cpus[i].spool);
		if (spool_next(&r->cpus[i]))
			heap[n++] = i;
	}
	for (i = n / 2; i-- > 0;)
		heap_sift_down(r, heap, n, i);
	while (n && !rc) {
		struct trace_cpu *c = &r->cpus[heap[0]];
		struct trace_event ev = { c->next.ts_ns, c->next.cpu, c->next.type, c->next.size,
					  c->payload };

		rc = r->sink->event(r->sink, &ev);
		if (!spool_next(c))
			heap[0] = heap[--n];
		heap_sift_down(r, heap, n, 0);
	}
	return rc;
}

int trace_recorder_finish(struct trace_recorder *r, struct vitro_error *err)
{
	uint64_t *lost = calloc(r->nr_cpus + 1, sizeof(*lost));
	uint64_t *events = calloc(r->nr_cpus + 1, sizeof(*events));
	unsigned int *heap = calloc(r->nr_cpus + 1, sizeof(*heap));
	struct trace_info info = {
		r->nr_cpus, r->tsc_khz, r->opt.categories, lost, events, 0, false
	};
	uint64_t total = 0, total_lost = 0;
	unsigned int i;
	int rc = 0;

	trace_recorder_stop(r);
	if (!lost || !events || !heap) {
		rc = vitro_error_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i <= r->nr_cpus; i++) {
		struct trace_cpu *c = &r->cpus[i];

		if (i == r->nr_cpus) {
			/* Only a trace with vitro's events has its stream. */
			info.has_vmm_stream = c->spooled != 0;
			events[i] = c->spooled;
			total += events[i];
			if (c->write_error || fflush(c->spool)) {
				rc = vitro_error_set(
					err, -EIO, "trace spool file: %s (free space in TMPDIR)",
					strerror(c->write_error ? c->write_error : errno));
				goto out;
			}
			continue;
		}
		lost[i] = ring_reader_lost(&c->reader);
		events[i] = c->spooled;
		info.corrupt_bytes += c->reader.corrupt_bytes;
		total += events[i];
		total_lost += lost[i];
		if (c->write_error || fflush(c->spool)) {
			rc = vitro_error_set(err, -EIO,
					     "trace spool file: %s (free space in TMPDIR)",
					     strerror(c->write_error ? c->write_error : errno));
			goto out;
		}
	}
	rc = r->sink->begin(r->sink, &info);
	rc = rc ?: trace_merge(r, heap);
	rc = rc ?: r->sink->end(r->sink, &info);
	if (rc) {
		vitro_error_set(err, rc, "cannot write the trace to %s: %s", r->opt.path,
				strerror(-rc));
		goto out;
	}
	fprintf(stderr, "vitro: trace: %llu events from %u vCPUs%s written to %s",
		(unsigned long long)total, r->nr_cpus, info.has_vmm_stream ? " and vitro" : "",
		r->opt.path);
	if (total_lost)
		fprintf(stderr, " (%llu lost: the guest filled its rings; raise --trace-buffer)",
			(unsigned long long)total_lost);
	if (info.corrupt_bytes)
		fprintf(stderr, " (%llu bytes of malformed records skipped)",
			(unsigned long long)info.corrupt_bytes);
	fputc('\n', stderr);
out:
	free(lost);
	free(events);
	free(heap);
	return rc;
}

void trace_recorder_destroy(struct trace_recorder *r)
{
	unsigned int i;

	if (!r)
		return;
	if (r->has_thread) {
		atomic_store(&r->stopping, true);
		pthread_join(r->thread, NULL);
	}
	if (r->sink && r->sink->destroy)
		r->sink->destroy(r->sink);
	for (i = 0; r->cpus && i <= r->nr_cpus; i++)
		if (r->cpus[i].spool)
			fclose(r->cpus[i].spool);
	free(r->cpus);
	pthread_mutex_destroy(&r->vmm_lock);
	if (r->region)
		munmap(r->region, r->region_size);
	free(r);
}
