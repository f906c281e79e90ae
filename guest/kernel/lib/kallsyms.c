/* See kallsyms.h. The table itself is generated (build/guest/kallsyms.S);
 * the lookup is a binary search, cheap enough for a crash path. */
#include <vitro/kallsyms.h>
#include <vitro/string.h>

const char *kallsyms_lookup_in(const struct kallsyms_table *t, uint64_t addr, uint64_t *offset,
			       uint64_t *size)
{
	uint64_t lo = 0, hi = t->nr_symbols, end;

	if (!t->nr_symbols || addr < t->addresses[0] || addr >= t->text_end)
		return NULL;
	/* Largest i with addresses[i] <= addr. */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (t->addresses[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* Aliases share an address: report the first name. */
	while (lo > 0 && t->addresses[lo - 1] == t->addresses[lo])
		lo--;
	hi = lo;
	while (hi < t->nr_symbols && t->addresses[hi] == t->addresses[lo])
		hi++;
	end = hi < t->nr_symbols ? t->addresses[hi] : t->text_end;
	if (offset)
		*offset = addr - t->addresses[lo];
	if (size)
		*size = end - t->addresses[lo];
	return t->names + t->name_offsets[lo];
}

#ifndef VITRO_HOST_BUILD
extern const uint64_t kallsyms_nr_symbols;
extern const uint64_t kallsyms_addresses[];
extern const uint32_t kallsyms_name_offsets[];
extern const char kallsyms_names[];
extern const char _etext[];

static struct kallsyms_table kernel_table(void)
{
	return (struct kallsyms_table){
		.nr_symbols = kallsyms_nr_symbols,
		.addresses = kallsyms_addresses,
		.name_offsets = kallsyms_name_offsets,
		.names = kallsyms_names,
		.text_end = (uint64_t)_etext,
	};
}

const char *kallsyms_lookup(uint64_t addr, uint64_t *offset, uint64_t *size)
{
	struct kallsyms_table t = kernel_table();

	return kallsyms_lookup_in(&t, addr, offset, size);
}

uint64_t kallsyms_address_of(const char *name)
{
	uint64_t i;

	for (i = 0; i < kallsyms_nr_symbols; i++)
		if (!strcmp(kallsyms_names + kallsyms_name_offsets[i], name))
			return kallsyms_addresses[i];
	return 0;
}
#endif
