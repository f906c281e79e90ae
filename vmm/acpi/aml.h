/* A small AML encoder (ACPI 6.5, chapter 20): the few terms vitro's DSDT
 * needs (Scope, Device, Name, integers, strings, EISA IDs and resource
 * template buffers) written into a caller's buffer. Packages nest: a
 * *_begin call opens one, aml_end closes the innermost and fills in its
 * PkgLength. Errors are sticky: after the first one (out of room, nesting
 * too deep, a malformed name) every call does nothing and aml_finish reports
 * it, so builders check once at the end. */
#ifndef VMM_ACPI_AML_H
#define VMM_ACPI_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AML_MAX_DEPTH 8
/* PkgLength encodes at most 2^28 - 1 bytes (20.2.4). */
#define AML_PKG_LENGTH_MAX ((1u << 28) - 1)

enum aml_package_kind {
	AML_PKG_SCOPE,
	AML_PKG_DEVICE,
	AML_PKG_BUFFER, /* BufferSize is inserted before the bytes at aml_end */
	AML_PKG_RESOURCES, /* a Buffer that ends with an End Tag */
};

struct aml {
	uint8_t *buf;
	size_t capacity;
	size_t len;
	int error; /* 0 or the first negative errno */
	unsigned int depth;
	struct {
		enum aml_package_kind kind;
		size_t start; /* where the package's PkgLength goes */
	} open[AML_MAX_DEPTH];
};

void aml_init(struct aml *aml, uint8_t *buf, size_t capacity);

/* The encoded length, or the first error (-ENOSPC, -EINVAL). Every package
 * must be closed. */
int aml_finish(struct aml *aml);

/* A NameString (20.2.2): "\\_SB_.V000", "V000", "^FOO". Each segment is one
 * to four of A-Z, 0-9 and _ (not a digit first), padded with '_'. */
void aml_name_string(struct aml *aml, const char *path);

/* The shortest encoding: ZeroOp, OneOp, OnesOp for all ones, or a Byte,
 * Word, DWord or QWord constant. */
void aml_integer(struct aml *aml, uint64_t value);

/* A String (printable ASCII, no NUL inside). */
void aml_string(struct aml *aml, const char *s);

/* A compressed EISA ID such as "PNP0501" (three letters A-Z, four hex digits)
 * as the DWord constant EisaId() makes. */
void aml_eisa_id(struct aml *aml, const char *id);

/* Name(name, ...): the data object that follows is the value. */
void aml_name(struct aml *aml, const char *name);

void aml_scope_begin(struct aml *aml, const char *path);
void aml_device_begin(struct aml *aml, const char *name);
void aml_buffer_begin(struct aml *aml);
void aml_bytes(struct aml *aml, const void *data, size_t len);

/* ResourceTemplate(): a Buffer of resource descriptors (6.4), closed by
 * aml_end with an End Tag. */
void aml_resources_begin(struct aml *aml);
/* Memory32Fixed(ReadWrite or ReadOnly, base, length) (6.4.3.4). */
void aml_memory32_fixed(struct aml *aml, bool is_writable, uint32_t base, uint32_t length);
/* Interrupt(ResourceConsumer, Edge or Level, ActiveHigh or ActiveLow,
 * Exclusive or Shared) { gsi } (6.4.3.6). */
void aml_extended_interrupt(struct aml *aml, bool is_edge, bool is_active_low, bool is_shared,
			    uint32_t gsi);
/* IO(Decode16, min, max, alignment, length) (6.4.2.5). */
void aml_io(struct aml *aml, uint16_t min, uint16_t max, uint8_t alignment, uint8_t length);
/* IRQNoFlags() { irq } (6.4.2.1): edge, active-high, exclusive; irq < 16. */
void aml_irq_no_flags(struct aml *aml, unsigned int irq);

void aml_end(struct aml *aml);

#endif
