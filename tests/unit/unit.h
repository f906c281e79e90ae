/* The CUnit host test harness: suite registration, assertions whose failure
 * text says what differed, and helpers that turn out-of-bounds reads and
 * crashes in the code under test into test failures. */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H

#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#define UNIT_TEST(fn)                         \
	{                                     \
		.pName = #fn, .pTestFunc = fn \
	}

/* Each test file registers its suites with UNIT_REGISTER(fn), where fn calls
 * unit_add_suite(); main() runs every registrar, so adding a test file needs
 * no edit anywhere else. */
#define UNIT_MAX_FILES 256
void unit_add_registrar(void (*fn)(void));
#define UNIT_REGISTER(fn)                                                  \
	static void __attribute__((constructor)) unit_registrar_##fn(void) \
	{                                                                  \
		unit_add_registrar(fn);                                    \
	}

/* Adds a suite with a CU_TEST_INFO_NULL-terminated test array. */
CU_pSuite unit_add_suite(const char *name, CU_TestInfo *tests);

/* Records a failed assertion with a formatted description. */
void unit_fail_at(const char *file, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define UNIT_FAIL(...) unit_fail_at(__FILE__, __LINE__, __VA_ARGS__)

bool unit_expect_eq(const char *file, unsigned int line, const char *actual_text,
		    const char *expected_text, uint64_t actual, uint64_t expected);
bool unit_expect_true(const char *file, unsigned int line, const char *text, bool value);
bool unit_expect_str(const char *file, unsigned int line, const char *actual_text,
		     const char *actual, const char *expected);
bool unit_expect_contains(const char *file, unsigned int line, const char *haystack_text,
			  const char *haystack, const char *needle);

/* Integers of any width and sign compare as their 64-bit two's complement. */
#define EXPECT_EQ(actual, expected)                                                \
	unit_expect_eq(__FILE__, __LINE__, #actual, #expected, (uint64_t)(actual), \
		       (uint64_t)(expected))
#define EXPECT_STR(actual, expected) \
	unit_expect_str(__FILE__, __LINE__, #actual, (actual), (expected))
#define EXPECT_CONTAINS(haystack, needle) \
	unit_expect_contains(__FILE__, __LINE__, #haystack, (haystack), (needle))
#define EXPECT_TRUE(cond) unit_expect_true(__FILE__, __LINE__, #cond, (cond))
#define EXPECT_FALSE(cond) unit_expect_true(__FILE__, __LINE__, "!(" #cond ")", !(cond))

/* Marks the running test as skipped: it reports "SKIP suite/test: why"
 * instead of PASS (a failure recorded too still reports FAIL). For tests
 * whose peer tool is genuinely missing, with the fix in the message. */
void unit_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* size bytes that end exactly where an inaccessible page starts, so a read
 * one byte past the end faults even without valgrind. NULL if out of memory. */
uint8_t *unit_guarded_alloc(size_t size);
uint8_t *unit_guarded_copy(const void *src, size_t size);
void unit_guarded_free(uint8_t *data, size_t size);

/* Runs fn in a child process so that a crash in the code under test fails
 * the calling test instead of ending the whole run. fn returns 0 on success
 * and may describe where it is in note (shared with the parent, note_size
 * bytes) so the failure message can say which case crashed. Returns true if
 * fn returned 0 without crashing (and, under valgrind, without new memcheck
 * errors), else records a failure at file:line and returns false. */
bool unit_run_isolated_at(const char *file, unsigned int line, const char *what,
			  int (*fn)(void *arg, char *note, size_t note_size), void *arg);
#define UNIT_RUN_ISOLATED(what, fn, arg) \
	unit_run_isolated_at(__FILE__, __LINE__, (what), (fn), (arg))

/* Index of the first byte of [data, data + size) that is not value, or size. */
size_t unit_first_byte_not(const uint8_t *data, size_t size, uint8_t value);

#endif
