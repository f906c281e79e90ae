/* See mm_stats.h. */
#include <stdarg.h>
#include <vitro/format.h>
#include <vitro/mm.h>
#include <vitro/mm_stats.h>
#include <vitro/slab.h>
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

size_t mm_format_meminfo(char *buf, size_t len)
{
	struct text t = { buf, len, 0 };
	struct page_alloc_stats stats;
	struct vmalloc_stats vstats;
	const unsigned long long kb_per_page = PAGE_SIZE / 1024;

	page_alloc_get_stats(&stats);
	vmalloc_get_stats(&vstats);
	text_add(&t, "MemTotal:       %8llu kB\n",
		 (unsigned long long)stats.managed_pages * kb_per_page);
	text_add(&t, "MemFree:        %8llu kB\n",
		 (unsigned long long)stats.free_pages * kb_per_page);
	text_add(&t, "Slab:           %8llu kB\n",
		 (unsigned long long)slab_total_pages() * kb_per_page);
	text_add(&t, "VmallocTotal:   %8llu kB\n",
		 (unsigned long long)((VMALLOC_END - VMALLOC_START) >> 10));
	text_add(&t, "VmallocUsed:    %8llu kB\n", (unsigned long long)(vstats.mapped_bytes >> 10));
	return text_end(&t);
}
