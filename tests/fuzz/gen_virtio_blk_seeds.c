/* Writes seed inputs for fuzz_virtio_blk (see its header for the encoding):
 * a driver's start-up and kicks, with block requests laid out in guest RAM
 * as Linux's virtio-blk driver makes them. Run by make-seeds.
 * Usage: gen_virtio_blk_seeds DIR */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define RAM_SEED_BYTES 0x6000u /* rings and requests sit low */
#define DESC_GPA 0x0000u
#define AVAIL_GPA 0x1000u
#define HEADER_GPA 0x3000u
#define DATA_GPA 0x4000u
#define F_NEXT 1
#define F_WRITE 2
#define F_INDIRECT 4
#define QUEUE_SIZE 16

enum { T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8, T_DISCARD = 11, T_WRITE_ZEROES = 13 };

struct seed {
	uint8_t ops[256];
	unsigned int nr_ops;
	uint8_t ram[RAM_SEED_BYTES];
	uint16_t avail_idx;
	uint16_t next_desc;
	uint32_t next_header;
	uint32_t next_data;
};

static void op(struct seed *s, uint8_t byte)
{
	s->ops[s->nr_ops++] = byte;
}

static void op32(struct seed *s, uint8_t opcode, uint32_t value)
{
	op(s, opcode);
	op(s, value);
	op(s, value >> 8);
	op(s, value >> 16);
	op(s, value >> 24);
}

static void put(struct seed *s, uint32_t gpa, uint64_t value, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		s->ram[gpa + i] = value >> (8 * i);
}

static void put_desc(struct seed *s, uint32_t table, unsigned int index, uint64_t addr,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	put(s, table + 16 * index, addr, 8);
	put(s, table + 16 * index + 8, len, 4);
	put(s, table + 16 * index + 12, flags, 2);
	put(s, table + 16 * index + 14, next, 2);
}

static void make_available(struct seed *s, uint16_t head)
{
	put(s, AVAIL_GPA + 4 + 2 * (s->avail_idx % QUEUE_SIZE), head, 2);
	s->avail_idx++;
	put(s, AVAIL_GPA + 2, s->avail_idx, 2);
}

static void seed_init(struct seed *s)
{
	memset(s, 0, sizeof(*s));
	s->next_header = HEADER_GPA;
	s->next_data = DATA_GPA;
	op(s, 0xc0); /* start-up with queue 0 of 16 */
	op(s, 4);
}

/* A request of type at sector with data_len bytes (device-writable for IN
 * and GET_ID) through the main table; with indirect, through a table at
 * the end of the data area. data points at the data for the caller. */
static uint32_t add_request(struct seed *s, uint32_t type, uint64_t sector, uint32_t data_len,
			    int is_indirect)
{
	uint32_t header = s->next_header, status = header + 16, data = s->next_data;
	uint16_t data_flags = (type == T_IN || type == T_GET_ID) ? F_WRITE : 0;
	uint32_t table = DESC_GPA;
	uint16_t head = s->next_desc, first = head;

	s->next_header += 32;
	s->next_data += data_len + 64;
	put(s, header, type, 4);
	put(s, header + 8, sector, 8);
	put(s, status, 0xee, 1); /* not a status the device would write */
	if (is_indirect) {
		table = s->next_data;
		s->next_data += 48;
		put_desc(s, DESC_GPA, head, table, data_len ? 48 : 32, F_INDIRECT, 0);
		s->next_desc++;
		first = 0;
	} else {
		s->next_desc += data_len ? 3 : 2;
	}
	put_desc(s, table, first, header, 16, F_NEXT, first + 1);
	if (data_len) {
		put_desc(s, table, first + 1, data, data_len, data_flags | F_NEXT, first + 2);
		put_desc(s, table, first + 2, status, 1, F_WRITE, 0);
	} else {
		put_desc(s, table, first + 1, status, 1, F_WRITE, 0);
	}
	make_available(s, head);
	return data;
}

static void add_range(struct seed *s, uint32_t data, unsigned int index, uint64_t sector,
		      uint32_t nr_sectors, uint32_t flags)
{
	put(s, data + 16 * index, sector, 8);
	put(s, data + 16 * index + 8, nr_sectors, 4);
	put(s, data + 16 * index + 12, flags, 4);
}

static int write_seed(const char *dir, const char *name, const struct seed *s)
{
	uint8_t length[2] = { s->nr_ops, s->nr_ops >> 8 };
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(length, 1, 2, f) != 2 || fwrite(s->ops, 1, s->nr_ops, f) != s->nr_ops ||
	    fwrite(s->ram, 1, s->next_data, f) != s->next_data || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct seed s;
	uint32_t data;
	unsigned int i;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}

	seed_init(&s);
	data = add_request(&s, T_OUT, 2, 1024, 0);
	memset(s.ram + data, 0x5a, 1024);
	add_request(&s, T_IN, 1, 512, 0);
	add_request(&s, T_FLUSH, 0, 0, 0);
	add_request(&s, T_GET_ID, 0, 20, 0);
	op(&s, 0xc1);
	op(&s, 0);
	rc |= write_seed(argv[1], "write-read-flush-get-id", &s);

	seed_init(&s);
	data = add_request(&s, T_DISCARD, 0, 16, 0);
	add_range(&s, data, 0, 8, 8, 0);
	data = add_request(&s, T_WRITE_ZEROES, 0, 32, 0);
	add_range(&s, data, 0, 16, 4, 0);
	add_range(&s, data, 1, 64, 8, 1);
	op(&s, 0xc1);
	op(&s, 0);
	rc |= write_seed(argv[1], "discard-write-zeroes", &s);

	seed_init(&s);
	add_request(&s, T_IN, 100, 2048, 1);
	add_request(&s, T_IN, 127, 512, 1);
	op(&s, 0xc1);
	op(&s, 0);
	rc |= write_seed(argv[1], "indirect-reads", &s);

	/* Every register and the configuration space, then an acknowledged
	 * interrupt. */
	seed_init(&s);
	for (i = 0; i < 0x40; i++)
		op(&s, 0x40 + i);
	for (i = 0; i < 0x3c; i += 4) {
		op(&s, 0x80 + i);
		op(&s, 2);
	}
	add_request(&s, T_GET_ID, 0, 20, 0);
	op(&s, 0xc1);
	op(&s, 0);
	op32(&s, 0x64 / 4, 1); /* InterruptACK */
	rc |= write_seed(argv[1], "registers-and-config", &s);

	/* A chain that loops breaks the queue; reset; start again. */
	seed_init(&s);
	put_desc(&s, DESC_GPA, 0, HEADER_GPA, 16, F_NEXT, 0);
	make_available(&s, 0);
	op(&s, 0xc1);
	op(&s, 0);
	op(&s, 0xc2);
	op(&s, 0xc0);
	op(&s, 4);
	op(&s, 0xc1);
	op(&s, 0);
	rc |= write_seed(argv[1], "loop-then-reset", &s);
	return rc;
}
