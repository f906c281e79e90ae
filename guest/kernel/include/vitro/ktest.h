/* In-kernel tests. Register with KTEST(name) { ... }; run with `test=all`,
 * `test=NAME[,NAME...]`, `test=PREFIX*` or a group (`test=mm` runs every
 * test named mm_...) on the command line. Each result is
 * one console line the host harness parses:
 *     ktest: PASS name
 *     ktest: FAIL name: file:line: message
 *     ktest: done N passed, M failed
 * and the VM then exits with GUEST_EXIT_SUCCESS or GUEST_EXIT_TEST_FAILED. */
#ifndef VITRO_KTEST_H
#define VITRO_KTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <vitro/compiler.h>

struct ktest_ctx {
	const char *name;
	unsigned int failures;
};

struct ktest {
	const char *name;
	void (*run)(struct ktest_ctx *ctx);
};

#define KTEST(test_name)                                                             \
	static void ktest_run_##test_name(struct ktest_ctx *ctx);                    \
	static const struct ktest ktest_##test_name __used __section(".ktests")      \
		__attribute__((aligned(8))) = { #test_name, ktest_run_##test_name }; \
	static void ktest_run_##test_name(struct ktest_ctx *ctx)

void ktest_fail(struct ktest_ctx *ctx, const char *file, int line, const char *fmt, ...)
	__printf(4, 5);

#define KTEST_EXPECT(cond)                                                         \
	do {                                                                       \
		if (!(cond))                                                       \
			ktest_fail(ctx, __FILE__, __LINE__, "expected %s", #cond); \
	} while (0)

#define KTEST_EXPECT_EQ(a, b)                                                                \
	do {                                                                                 \
		unsigned long long ktest_a_ = (unsigned long long)(a);                       \
		unsigned long long ktest_b_ = (unsigned long long)(b);                       \
		if (ktest_a_ != ktest_b_)                                                    \
			ktest_fail(ctx, __FILE__, __LINE__,                                  \
				   "expected %s == %s (0x%llx != 0x%llx)", #a, #b, ktest_a_, \
				   ktest_b_);                                                \
	} while (0)

#define KTEST_EXPECT_STREQ(a, b)                                                                  \
	do {                                                                                      \
		const char *ktest_a_ = (a), *ktest_b_ = (b);                                      \
		if (!ktest_a_ || !ktest_b_ || strcmp(ktest_a_, ktest_b_))                         \
			ktest_fail(ctx, __FILE__, __LINE__, "expected %s == \"%s\" (got \"%s\")", \
				   #a, ktest_b_ ? ktest_b_ : "(null)",                            \
				   ktest_a_ ? ktest_a_ : "(null)");                               \
	} while (0)

/* Runs the tests the selector names and ends the VM with the result. */
__noreturn void ktest_run_selected(const char *selector);

/* True if name is selected by a selector as described above. */
bool ktest_selector_matches(const char *selector, const char *name);

#endif
