/* SLUB's debug mode (Linux's layout and byte patterns): red zones around
 * each object, poisoned free objects, the callers that allocated and freed
 * it, an allocated/free word, and the checks that read them (mm/slub.c
 * calls these under the cache's node lock). */
#include "slab.h"

/* Linux's debug byte patterns. */
#define RED_INACTIVE 0xbb
#define RED_ACTIVE 0xcc
#define POISON_FREE 0x6b
#define POISON_END 0xa5
/* The SLAB_CONSISTENCY state word of an object. */
#define OBJECT_ALLOCATED 0xa110ca7eda110ca7ull
#define OBJECT_FREE 0xf4eef4eef4eef4eeull

static struct slab_track *object_track(const struct kmem_cache *s, const void *object)
{
	return (struct slab_track *)((char *)object + s->track_offset);
}

static uint64_t *object_state(const struct kmem_cache *s, const void *object)
{
	return (uint64_t *)((char *)object + s->state_offset);
}

/*
 * slab_error.offset is from the object start; a byte before the object (the
 * left red zone) wraps around: (size_t)-1 is the byte just before it.
 */
void slab_report(const struct kmem_cache *s, const void *object, const char *what, uintptr_t caller,
		 size_t offset)
{
	struct slab_error error = {
		.cache = s->name,
		.object = object,
		.what = what,
		.caller = caller,
		.offset = offset,
	};

	if (object && (s->flags & SLAB_STORE_USER)) {
		error.alloc_caller = object_track(s, object)->alloc_caller;
		error.free_caller = object_track(s, object)->free_caller;
	}
	slab_report_error(&error);
}

void slab_report_bad_pointer(const char *cache, const void *object, const char *what,
			     uintptr_t caller, size_t offset)
{
	struct slab_error error = {
		.cache = cache,
		.object = object,
		.what = what,
		.caller = caller,
		.offset = offset,
	};

	slab_report_error(&error);
}

/* May alias whatever the object holds. */
typedef uint64_t __attribute__((may_alias)) slab_word_t;

/* A word at a time: debug checks read whole objects and red zones, and
 * ring 0 is emulated instruction by instruction on our development hosts. */
static const uint8_t *first_byte_not(const void *start, size_t n, uint8_t value)
{
	const uint8_t *p = start, *end = p + n;
	uint64_t pattern = 0x0101010101010101ull * value;

	for (; p < end && ((uintptr_t)p & 7); p++)
		if (*p != value)
			return p;
	for (; end - p >= 32; p += 32) {
		const slab_word_t *w = (const slab_word_t *)p;

		if ((w[0] ^ pattern) | (w[1] ^ pattern) | (w[2] ^ pattern) | (w[3] ^ pattern))
			break;
	}
	for (; end - p >= 8; p += 8)
		if (*(const slab_word_t *)p != pattern)
			break;
	for (; p < end; p++)
		if (*p != value)
			return p;
	return NULL;
}

static void red_zones_fill(const struct kmem_cache *s, void *object, uint8_t value)
{
	memset((char *)object - s->red_left_pad, value, s->red_left_pad);
	memset((char *)object + s->object_size, value, s->red_right_end - s->object_size);
}

static const uint8_t *red_zones_first_bad(const struct kmem_cache *s, const void *object,
					  uint8_t value)
{
	const uint8_t *bad =
		first_byte_not((const char *)object - s->red_left_pad, s->red_left_pad, value);

	if (!bad)
		bad = first_byte_not((const char *)object + s->object_size,
				     s->red_right_end - s->object_size, value);
	return bad;
}

/* Reports an overwritten red zone and repairs it, so it is reported once. */
static void red_zones_check(const struct kmem_cache *s, void *object, uint8_t value,
			    uintptr_t caller)
{
	const uint8_t *bad = red_zones_first_bad(s, object, value);

	if (bad) {
		slab_report(s, object, "red zone overwritten", caller,
			    (size_t)(bad - (const uint8_t *)object));
		red_zones_fill(s, object, value);
	}
}

static void poison_fill(const struct kmem_cache *s, void *object)
{
	memset(object, POISON_FREE, s->object_size - 1);
	((uint8_t *)object)[s->object_size - 1] = POISON_END;
}

static void poison_check(const struct kmem_cache *s, void *object, uintptr_t caller)
{
	const uint8_t *bad = first_byte_not(object, s->object_size - 1, POISON_FREE);

	if (!bad && ((uint8_t *)object)[s->object_size - 1] != POISON_END)
		bad = (uint8_t *)object + s->object_size - 1;
	if (bad)
		slab_report(s, object, "use after free: poison overwritten", caller,
			    (size_t)(bad - (uint8_t *)object));
}

/* A new slab's object: free, red zones inactive, poisoned, no callers. */
void slab_debug_init_object(const struct kmem_cache *s, void *object)
{
	if (s->flags & SLAB_RED_ZONE)
		red_zones_fill(s, object, RED_INACTIVE);
	if (s->flags & SLAB_POISON)
		poison_fill(s, object);
	if (s->flags & SLAB_STORE_USER)
		*object_track(s, object) = (struct slab_track){ 0, 0 };
	if (s->flags & SLAB_CONSISTENCY)
		*object_state(s, object) = OBJECT_FREE;
}

/* An object leaving the free list (node lock held): what happened to it
 * while it was free is reported; it is handed out either way. */
void slab_debug_on_alloc(const struct kmem_cache *s, void *object, uintptr_t caller)
{
	if ((s->flags & SLAB_CONSISTENCY) && *object_state(s, object) != OBJECT_FREE)
		slab_report(s, object, "free object's state overwritten", caller, s->state_offset);
	if (s->flags & SLAB_RED_ZONE) {
		red_zones_check(s, object, RED_INACTIVE, caller);
		red_zones_fill(s, object, RED_ACTIVE);
	}
	if (s->flags & SLAB_POISON)
		poison_check(s, object, caller);
	if (s->flags & SLAB_STORE_USER)
		object_track(s, object)->alloc_caller = caller;
	if (s->flags & SLAB_CONSISTENCY)
		*object_state(s, object) = OBJECT_ALLOCATED;
}

/* An object being freed (node lock held). Returns false, after reporting,
 * if the free must be ignored: the object is not allocated. */
bool slab_debug_on_free(const struct kmem_cache *s, void *object, uintptr_t caller)
{
	if (s->flags & SLAB_CONSISTENCY) {
		uint64_t state = *object_state(s, object);

		if (state == OBJECT_FREE) {
			slab_report(s, object, "double free", caller, 0);
			return false;
		}
		if (state != OBJECT_ALLOCATED) {
			slab_report(s, object, "object state overwritten", caller, s->state_offset);
			return false;
		}
	} else if ((s->flags & SLAB_RED_ZONE) && !red_zones_first_bad(s, object, RED_INACTIVE)) {
		slab_report(s, object, "double free", caller, 0);
		return false;
	}
	/* An overflow is reported; the object is still the caller's to free. */
	if (s->flags & SLAB_RED_ZONE) {
		red_zones_check(s, object, RED_ACTIVE, caller);
		red_zones_fill(s, object, RED_INACTIVE);
	}
	if (s->flags & SLAB_STORE_USER)
		object_track(s, object)->free_caller = caller;
	if (s->flags & SLAB_CONSISTENCY)
		*object_state(s, object) = OBJECT_FREE;
	if (s->flags & SLAB_POISON)
		poison_fill(s, object);
	return true;
}

bool slab_check_object_pointer(struct kmem_cache *s, struct page *slab, const void *object,
			       uintptr_t caller)
{
	size_t offset = (uintptr_t)object - (uintptr_t)page_address(slab);
	size_t index = offset / s->size;
	const char *start = (const char *)page_address(slab) + index * s->size + s->red_left_pad;

	if (index >= slab->objects) {
		slab_report(s, NULL, "free of a pointer past the last object", caller, offset);
		return false;
	}
	if (object != start) {
		slab_report(s, start, "free of a pointer inside an object", caller,
			    (size_t)((const char *)object - start));
		return false;
	}
	return true;
}

/* A debug cache's next free pointer: NULL or an object start in slab. */
bool slab_free_pointer_is_valid(const struct kmem_cache *s, struct page *slab, const void *next)
{
	size_t offset = (uintptr_t)next - (uintptr_t)page_address(slab) - s->red_left_pad;

	return !next || (offset % s->size == 0 && offset / s->size < slab->objects);
}
