/* Real executables for the ELF reader and exec-stack tests: the probe program
 * unit.mk builds with musl (static, static-pie) and the host compiler
 * (dynamic), and Debian's busybox-static; plus read_at callbacks over a file
 * and over memory. */
#ifndef TESTS_UNIT_EXEC_SAMPLES_H
#define TESTS_UNIT_EXEC_SAMPLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Debian's busybox-static installs its (static glibc) binary here. */
#define EXEC_BUSYBOX_PATH "/bin/busybox"

/* The path of a built probe ("probe-static", "probe-static-pie",
 * "probe-dynamic"). NULL after unit_skip() when it needs musl-gcc and there
 * is none, or after a failure when it was not built. */
const char *exec_sample_path(const char *name);

/* EXEC_BUSYBOX_PATH, or NULL after a failure naming the package. */
const char *exec_busybox_path(void);

/* A file opened for elf_image_parse(): ctx for exec_file_read_at. */
struct exec_file {
	int fd;
	uint64_t size;
};
bool exec_file_open(struct exec_file *f, const char *path);
void exec_file_close(struct exec_file *f);
long exec_file_read_at(void *ctx, void *buf, size_t len, uint64_t off);

/* Bytes in memory: ctx for exec_memory_read_at, which fails the test if the
 * reader asks for anything outside [0, size). */
struct exec_memory {
	const uint8_t *data;
	size_t size;
};
long exec_memory_read_at(void *ctx, void *buf, size_t len, uint64_t off);

#endif
