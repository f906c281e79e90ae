/* See mm_stats.h. */
#include <stdarg.h>
#include <vitro/format.h>
#include <vitro/mm.h>
#include <vitro/mm_stats.h>
#include <vitro/mm_user.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/vmalloc.h>

struct text {
	char *buf;
	size_t len;
	size_t used; /* may exceed len: the length the full text needs */
};

static void text_add(struct text *t, const char *fmt, ...)
{
	size_t room = t->used < t->len ? t->len - t->used : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_vsnprintf(room ? t->buf + t->used : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->used += n;
}

static size_t text_end(struct text *t)
{
	if (t->len)
		t->buf[t->used < t->len ? t->used : t->len - 1] = '\0';
	return t->used;
}

size_t mm_format_buddyinfo(char *buf, size_t len)
{
	struct text t = { buf, len, 0 };
	struct page_alloc_stats stats;
	unsigned int zone, order;

	page_alloc_get_stats(&stats);
	for (zone = 0; zone < NR_ZONES; zone++) {
		if (!stats.zone_managed_pages[zone])
			continue;
		text_add(&t, "Node 0, zone %8s ", zone_name(zone));
		for (order = 0; order < NR_PAGE_ORDERS; order++)
			text_add(&t, "%6llu ", (unsigned long long)stats.free_blocks[zone][order]);
		text_add(&t, "\n");
	}
	return text_end(&t);
}

static int slabinfo_line(const struct slab_info *info, void *arg)
{
	text_add(
		arg,
		"%-17s %6llu %6llu %6zu %4u %4u : tunables %4u %4u %4u : slabdata %6llu %6llu %6u\n",
		info->name, (unsigned long long)info->active_objects,
		(unsigned long long)info->total_objects, info->size, info->objects_per_slab,
		info->pages_per_slab, 0u, 0u, 0u, (unsigned long long)info->active_slabs,
		(unsigned long long)info->total_slabs, 0u);
	return 0;
}

size_t mm_format_slabinfo(char *buf, size_t len)
{
	struct text t = { buf, len, 0 };

	text_add(&t, "slabinfo - version: 2.1\n");
	text_add(&t, "# name            <active_objs> <num_objs> <objsize> <objperslab> "
		     "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata "
		     "<active_slabs> <num_slabs> <sharedavail>\n");
	slab_for_each_info(slabinfo_line, &t);
	return text_end(&t);
}

/* One line as Linux's show_val_kb(): the number ends in column 24 (the
 * name padded to 16, the number to 8; a longer name shortens the number's
 * field, as "HardwareCorrupted: %5lu" does). */
static void meminfo_kb(struct text *t, const char *name, uint64_t kb)
{
	text_add(t, "%s%*llu kB\n", name, (int)(24 - strlen(name)), (unsigned long long)kb);
}

/*
 * Linux 6.1's lines in its order, so that parsers looking for any of them
 * (free: MemAvailable, Cached, SReclaimable; top: MemShared, Buffers...)
 * find it. What this kernel does not have is 0: no page cache (ramfs file
 * data is slab memory), no swap, no huge pages, no LRU lists. MemAvailable
 * is the free memory alone: what reclaim could add is not measured.
 */
size_t mm_format_meminfo(char *buf, size_t len)
{
	static const char *const zero_lines[] = {
		"Buffers:",	   "Cached:",	    "SwapCached:",     "Active:",
		"Inactive:",	   "Active(anon):", "Inactive(anon):", "Active(file):",
		"Inactive(file):", "Unevictable:",  "Mlocked:",	       "SwapTotal:",
		"SwapFree:",	   "Zswap:",	    "Zswapped:",       "Dirty:",
		"Writeback:",
	};
	static const char *const zero_lines_after_vmalloc[] = {
		"VmallocChunk:",   "Percpu:",	      "HardwareCorrupted:", "AnonHugePages:",
		"ShmemHugePages:", "ShmemPmdMapped:", "FileHugePages:",	    "FilePmdMapped:",
	};
	struct text t = { buf, len, 0 };
	struct page_alloc_stats stats;
	struct vmalloc_stats vstats;
	const uint64_t kb_per_page = PAGE_SIZE / 1024;
	uint64_t slab_kb = slab_total_pages() * kb_per_page;
	unsigned int i;

	page_alloc_get_stats(&stats);
	vmalloc_get_stats(&vstats);
	meminfo_kb(&t, "MemTotal:", stats.managed_pages * kb_per_page);
	meminfo_kb(&t, "MemFree:", stats.free_pages * kb_per_page);
	meminfo_kb(&t, "MemAvailable:", stats.free_pages * kb_per_page);
	for (i = 0; i < ARRAY_SIZE(zero_lines); i++)
		meminfo_kb(&t, zero_lines[i], 0);
	meminfo_kb(&t, "AnonPages:", mm_rss_total(MM_ANONPAGES) * kb_per_page);
	meminfo_kb(&t, "Mapped:", mm_rss_total(MM_FILEPAGES) * kb_per_page);
	meminfo_kb(&t, "Shmem:", mm_rss_total(MM_SHMEMPAGES) * kb_per_page);
	meminfo_kb(&t, "KReclaimable:", 0);
	meminfo_kb(&t, "Slab:", slab_kb);
	meminfo_kb(&t, "SReclaimable:", 0);
	meminfo_kb(&t, "SUnreclaim:", slab_kb);
	meminfo_kb(&t, "KernelStack:", kernel_stack_count() * (KERNEL_STACK_SIZE / 1024));
	meminfo_kb(&t, "PageTables:", 0);
	meminfo_kb(&t, "NFS_Unstable:", 0);
	meminfo_kb(&t, "Bounce:", 0);
	meminfo_kb(&t, "WritebackTmp:", 0);
	/* Linux's default overcommit_ratio (50%) of RAM, and no swap. */
	meminfo_kb(&t, "CommitLimit:", stats.managed_pages / 2 * kb_per_page);
	meminfo_kb(&t, "Committed_AS:", 0);
	meminfo_kb(&t, "VmallocTotal:", (VMALLOC_END - VMALLOC_START) >> 10);
	meminfo_kb(&t, "VmallocUsed:", vstats.mapped_bytes >> 10);
	for (i = 0; i < ARRAY_SIZE(zero_lines_after_vmalloc); i++)
		meminfo_kb(&t, zero_lines_after_vmalloc[i], 0);
	text_add(&t, "HugePages_Total:   %5u\nHugePages_Free:    %5u\n", 0u, 0u);
	text_add(&t, "HugePages_Rsvd:    %5u\nHugePages_Surp:    %5u\n", 0u, 0u);
	meminfo_kb(&t, "Hugepagesize:", 2048);
	meminfo_kb(&t, "Hugetlb:", 0);
	return text_end(&t);
}
