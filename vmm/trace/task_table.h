/* Per-task state of the outputs and reports, found by guest pid: a hash
 * index over a dense array, so tasks can also be walked in the order they
 * first appeared. Entries are entry_size bytes, zeroed when created, and
 * begin with the pid (a uint32_t). A pointer stays valid only until the
 * next insert. */
#ifndef VMM_TRACE_TASK_TABLE_H
#define VMM_TRACE_TASK_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct task_table {
	size_t entry_size;
	uint8_t *entries;
	size_t nr_entries, entries_cap;
	uint32_t *slots; /* index + 1 into entries; 0 is empty */
	size_t nr_slots; /* a power of two */
};

void task_table_init(struct task_table *t, size_t entry_size);
void task_table_fini(struct task_table *t);

/* The entry for pid, or NULL. */
void *task_table_find(const struct task_table *t, uint32_t pid);

/* The entry for pid, created if new; NULL when out of memory. */
void *task_table_get(struct task_table *t, uint32_t pid);

static inline size_t task_table_count(const struct task_table *t)
{
	return t->nr_entries;
}

static inline void *task_table_at(const struct task_table *t, size_t i)
{
	return t->entries + i * t->entry_size;
}

#endif
