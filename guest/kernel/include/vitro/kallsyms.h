/* The kernel's own symbol table, embedded at link time (scripts/gen-kallsyms)
 * so backtraces print function names. */
#ifndef VITRO_KALLSYMS_H
#define VITRO_KALLSYMS_H

#include <stddef.h>
#include <stdint.h>

struct kallsyms_table {
	uint64_t nr_symbols;
	const uint64_t *addresses; /* sorted ascending */
	const uint32_t *name_offsets;
	const char *names;
	uint64_t text_end; /* end of the last symbol's range */
};

/* Finds the function containing addr. Returns its name and sets *offset and
 * *size, or returns NULL if addr is outside the table. */
const char *kallsyms_lookup_in(const struct kallsyms_table *table, uint64_t addr, uint64_t *offset,
			       uint64_t *size);

/* The same, over the kernel's own table. */
const char *kallsyms_lookup(uint64_t addr, uint64_t *offset, uint64_t *size);

/* Address of a symbol by name, or 0. */
uint64_t kallsyms_address_of(const char *name);

#endif
