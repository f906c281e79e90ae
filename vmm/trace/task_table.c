/* See task_table.h. Open addressing with linear probing; the table is
 * rebuilt at twice the size once it is half full. */
#include "task_table.h"

#include <stdlib.h>
#include <string.h>

void task_table_init(struct task_table *t, size_t entry_size)
{
	memset(t, 0, sizeof(*t));
	t->entry_size = entry_size;
}

void task_table_fini(struct task_table *t)
{
	free(t->entries);
	free(t->slots);
	task_table_init(t, t->entry_size);
}

static size_t pid_hash(uint32_t pid)
{
	return (size_t)(pid * 0x9e3779b1u); /* Knuth's multiplicative hash */
}

static uint32_t entry_pid(const struct task_table *t, size_t index)
{
	uint32_t pid;

	memcpy(&pid, task_table_at(t, index), sizeof(pid));
	return pid;
}

/* The slot holding pid, or the empty slot where it would go. */
static size_t find_slot(const struct task_table *t, uint32_t pid)
{
	size_t mask = t->nr_slots - 1, i = pid_hash(pid) & mask;

	while (t->slots[i] && entry_pid(t, t->slots[i] - 1) != pid)
		i = (i + 1) & mask;
	return i;
}

void *task_table_find(const struct task_table *t, uint32_t pid)
{
	size_t slot;

	if (!t->nr_slots)
		return NULL;
	slot = find_slot(t, pid);
	return t->slots[slot] ? task_table_at(t, t->slots[slot] - 1) : NULL;
}

static int grow_slots(struct task_table *t)
{
	size_t nr = t->nr_slots ? t->nr_slots * 2 : 64, i;
	uint32_t *old = t->slots;
	size_t old_nr = t->nr_slots;

	t->slots = calloc(nr, sizeof(*t->slots));
	if (!t->slots) {
		t->slots = old;
		return -1;
	}
	t->nr_slots = nr;
	for (i = 0; i < old_nr; i++)
		if (old[i])
			t->slots[find_slot(t, entry_pid(t, old[i] - 1))] = old[i];
	free(old);
	return 0;
}

static int grow_entries(struct task_table *t)
{
	size_t cap = t->entries_cap ? t->entries_cap * 2 : 32;
	uint8_t *entries = realloc(t->entries, cap * t->entry_size);

	if (!entries)
		return -1;
	t->entries = entries;
	t->entries_cap = cap;
	return 0;
}

void *task_table_get(struct task_table *t, uint32_t pid)
{
	void *entry = task_table_find(t, pid);
	size_t slot;

	if (entry)
		return entry;
	/* Slot indices are 32-bit; a trace has far fewer tasks than that. */
	if (t->nr_entries >= UINT32_MAX - 1)
		return NULL;
	if ((t->nr_entries + 1) * 2 > t->nr_slots && grow_slots(t))
		return NULL;
	if (t->nr_entries == t->entries_cap && grow_entries(t))
		return NULL;
	entry = task_table_at(t, t->nr_entries);
	memset(entry, 0, t->entry_size);
	memcpy(entry, &pid, sizeof(pid));
	slot = find_slot(t, pid);
	t->slots[slot] = (uint32_t)++t->nr_entries;
	return entry;
}
