/* Writes seed inputs for fuzz_virtq (see its header for the encoding):
 * rings as a Linux-style driver lays them out, good chains and the
 * malformed kinds the walker must refuse. Run by make-seeds.
 * Usage: gen_virtq_seeds DIR */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define HEADER_BYTES 14
#define RAM_BYTES 0x10000u
#define DESC_GPA 0x0000u
#define AVAIL_GPA 0x1000u
#define USED_GPA 0x2000u
#define F_NEXT 1
#define F_WRITE 2
#define F_INDIRECT 4

struct seed {
	uint8_t bytes[HEADER_BYTES + 0x5000]; /* rings and buffers sit low */
	size_t len;
	unsigned int queue_size;
	uint16_t avail_idx;
};

static void put16(struct seed *s, uint32_t gpa, uint16_t v)
{
	uint8_t *p = s->bytes + HEADER_BYTES + gpa;

	p[0] = v;
	p[1] = v >> 8;
	if (HEADER_BYTES + gpa + 2 > s->len)
		s->len = HEADER_BYTES + gpa + 2;
}

static void put32(struct seed *s, uint32_t gpa, uint32_t v)
{
	put16(s, gpa, v);
	put16(s, gpa + 2, v >> 16);
}

static void put_header32(struct seed *s, unsigned int at, uint32_t v)
{
	s->bytes[at] = v;
	s->bytes[at + 1] = v >> 8;
	s->bytes[at + 2] = v >> 16;
	s->bytes[at + 3] = v >> 24;
}

/* size_log2: queue size; flags: bit 0 EVENT_IDX, bit 1 INDIRECT_DESC. */
static void seed_init(struct seed *s, unsigned int size_log2, unsigned int flags,
		      unsigned int capacity)
{
	memset(s, 0, sizeof(*s));
	s->bytes[0] = size_log2;
	s->bytes[1] = flags | (capacity - 1) << 2;
	put_header32(s, 2, DESC_GPA);
	put_header32(s, 6, AVAIL_GPA);
	put_header32(s, 10, USED_GPA);
	s->queue_size = 1u << size_log2;
	s->len = HEADER_BYTES;
}

static void put_desc(struct seed *s, uint32_t table, unsigned int index, uint64_t addr,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	uint32_t at = table + 16 * index;

	put32(s, at, (uint32_t)addr);
	put32(s, at + 4, (uint32_t)(addr >> 32));
	put32(s, at + 8, len);
	put16(s, at + 12, flags);
	put16(s, at + 14, next);
}

static void make_available(struct seed *s, uint16_t head)
{
	put16(s, AVAIL_GPA + 4 + 2 * (s->avail_idx % s->queue_size), head);
	s->avail_idx++;
	put16(s, AVAIL_GPA + 2, s->avail_idx);
}

static int write_seed(const char *dir, const char *name, const struct seed *s)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(s->bytes, 1, s->len, f) != s->len || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct seed s;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}

	/* A block request: header, data, status, as three descriptors. */
	seed_init(&s, 4, 0, 16);
	put_desc(&s, DESC_GPA, 0, 0x3000, 16, F_NEXT, 1);
	put_desc(&s, DESC_GPA, 1, 0x3200, 512, F_NEXT | F_WRITE, 2);
	put_desc(&s, DESC_GPA, 2, 0x3010, 1, F_WRITE, 0);
	make_available(&s, 0);
	rc |= write_seed(argv[1], "three-descriptors", &s);

	/* The same through an indirect table, twice, with event indexes. */
	seed_init(&s, 8, 3, 64);
	put_desc(&s, DESC_GPA, 0, 0x4000, 48, F_INDIRECT, 0);
	put_desc(&s, DESC_GPA, 1, 0x4000, 48, F_INDIRECT, 0);
	put_desc(&s, 0x4000, 0, 0x3000, 16, F_NEXT, 1);
	put_desc(&s, 0x4000, 1, 0x3200, 512, F_NEXT | F_WRITE, 2);
	put_desc(&s, 0x4000, 2, 0x3010, 1, F_WRITE, 0);
	make_available(&s, 0);
	make_available(&s, 1);
	put16(&s, AVAIL_GPA + 4 + 2 * 256, 1); /* used_event */
	rc |= write_seed(argv[1], "indirect-event-idx", &s);

	/* Buffers in the RAM above the hole, and one running into the hole. */
	seed_init(&s, 2, 0, 8);
	put_desc(&s, DESC_GPA, 0, 0x10000, 4096, F_WRITE, 0);
	put_desc(&s, DESC_GPA, 1, 0xbf00, 0x200, 0, 0);
	make_available(&s, 0);
	make_available(&s, 1);
	rc |= write_seed(argv[1], "high-ram-and-hole", &s);

	/* A loop through the main table. */
	seed_init(&s, 4, 0, 64);
	put_desc(&s, DESC_GPA, 0, 0x3000, 16, F_NEXT, 1);
	put_desc(&s, DESC_GPA, 1, 0x3000, 16, F_NEXT, 0);
	make_available(&s, 0);
	rc |= write_seed(argv[1], "bad-loop", &s);

	/* An indirect table naming another. */
	seed_init(&s, 4, 2, 16);
	put_desc(&s, DESC_GPA, 0, 0x4000, 16, F_INDIRECT, 0);
	put_desc(&s, 0x4000, 0, 0x4100, 16, F_INDIRECT, 0);
	put_desc(&s, 0x4100, 0, 0x3000, 16, 0, 0);
	make_available(&s, 0);
	rc |= write_seed(argv[1], "bad-nested-indirect", &s);

	/* The available index a whole queue and more ahead. */
	seed_init(&s, 1, 0, 4);
	put_desc(&s, DESC_GPA, 0, 0x3000, 16, 0, 0);
	put16(&s, AVAIL_GPA + 2, 7);
	rc |= write_seed(argv[1], "bad-avail-index", &s);
	return rc;
}
