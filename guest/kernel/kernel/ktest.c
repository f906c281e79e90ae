/* See ktest.h. */
#include <stdarg.h>
#include <vitro/format.h>
#include <vitro/ktest.h>
#include <vitro/printk.h>
#include <vitro/string.h>

#include "../../../shared/machine.h"

extern const struct ktest __start_ktests[], __stop_ktests[];

void ktest_fail(struct ktest_ctx *ctx, const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	format_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_emerg("ktest: FAIL %s: %s:%d: %s\n", ctx->name, file, line, msg);
	ctx->failures++;
}

/* One selector item: "all", an exact name, a prefix ending in '*', or a
 * group: "mm" selects every test whose name starts with "mm_". */
static bool item_matches(const char *item, size_t len, const char *name)
{
	if (len == 3 && !strncmp(item, "all", 3))
		return true;
	if (len && item[len - 1] == '*')
		return !strncmp(item, name, len - 1);
	if (strncmp(item, name, len))
		return false;
	return name[len] == '\0' || name[len] == '_';
}

bool ktest_selector_matches(const char *selector, const char *name)
{
	while (*selector) {
		const char *end = strchr(selector, ',');
		size_t len = end ? (size_t)(end - selector) : strlen(selector);

		if (item_matches(selector, len, name))
			return true;
		selector += len;
		if (*selector == ',')
			selector++;
	}
	return false;
}

__noreturn void ktest_run_selected(const char *selector)
{
	unsigned int passed = 0, failed = 0;
	const struct ktest *t;

	for (t = __start_ktests; t < __stop_ktests; t++) {
		struct ktest_ctx ctx = { .name = t->name };

		if (!ktest_selector_matches(selector, t->name))
			continue;
		t->run(&ctx);
		if (ctx.failures) {
			failed++;
		} else {
			passed++;
			pr_emerg("ktest: PASS %s\n", t->name);
		}
	}
	if (!passed && !failed) {
		pr_emerg("ktest: FAIL selector: no test matches '%s'\n", selector);
		failed = 1;
	}
	pr_emerg("ktest: done %u passed, %u failed\n", passed, failed);
	machine_exit(failed ? GUEST_EXIT_TEST_FAILED : GUEST_EXIT_SUCCESS);
}
