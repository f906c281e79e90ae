/* See unit.h. */
#include "unit.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

CU_pSuite unit_add_suite(const char *name, CU_TestInfo *tests)
{
	CU_pSuite suite = CU_add_suite(name, NULL, NULL);

	if (!suite) {
		fprintf(stderr, "unit-tests: cannot add suite %s: %s\n", name, CU_get_error_msg());
		exit(2);
	}
	for (; tests->pName; tests++) {
		if (!CU_add_test(suite, tests->pName, tests->pTestFunc)) {
			fprintf(stderr, "unit-tests: cannot add %s/%s: %s\n", name, tests->pName,
				CU_get_error_msg());
			exit(2);
		}
	}
	return suite;
}

void unit_fail_at(const char *file, unsigned int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* CUnit copies the condition text into its failure record. */
	CU_assertImplementation(CU_FALSE, line, msg, file, "", CU_FALSE);
}

bool unit_expect_eq(const char *file, unsigned int line, const char *actual_text,
		    const char *expected_text, uint64_t actual, uint64_t expected)
{
	if (actual == expected)
		return true;
	unit_fail_at(file, line, "%s == %s: got %lld (0x%llx), want %lld (0x%llx)", actual_text,
		     expected_text, (long long)actual, (unsigned long long)actual,
		     (long long)expected, (unsigned long long)expected);
	return false;
}

bool unit_expect_true(const char *file, unsigned int line, const char *text, bool value)
{
	CU_assertImplementation(value, line, text, file, "", CU_FALSE);
	return value;
}

bool unit_expect_str(const char *file, unsigned int line, const char *actual_text,
		     const char *actual, const char *expected)
{
	if (actual && expected && !strcmp(actual, expected))
		return true;
	if (!actual && !expected)
		return true;
	unit_fail_at(file, line, "%s: got %s%s%s, want %s%s%s", actual_text, actual ? "\"" : "",
		     actual ? actual : "NULL", actual ? "\"" : "", expected ? "\"" : "",
		     expected ? expected : "NULL", expected ? "\"" : "");
	return false;
}

bool unit_expect_contains(const char *file, unsigned int line, const char *haystack_text,
			  const char *haystack, const char *needle)
{
	if (haystack && strstr(haystack, needle))
		return true;
	unit_fail_at(file, line, "%s should contain \"%s\": got \"%s\"", haystack_text, needle,
		     haystack ? haystack : "NULL");
	return false;
}

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static size_t guarded_map_size(size_t size)
{
	size_t page = page_size();

	return (size + page - 1) / page * page + page;
}

uint8_t *unit_guarded_alloc(size_t size)
{
	size_t map_size = guarded_map_size(size);
	uint8_t *map;

	map = mmap(NULL, map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	if (mprotect(map + map_size - page_size(), page_size(), PROT_NONE)) {
		munmap(map, map_size);
		return NULL;
	}
	return map + map_size - page_size() - size;
}

uint8_t *unit_guarded_copy(const void *src, size_t size)
{
	uint8_t *data = unit_guarded_alloc(size);

	if (data && size)
		memcpy(data, src, size);
	return data;
}

void unit_guarded_free(uint8_t *data, size_t size)
{
	size_t map_size = guarded_map_size(size);

	if (data)
		munmap(data + size + page_size() - map_size, map_size);
}

/* Under valgrind, an isolated child also fails on errors memcheck reports
 * while it runs; the count is read through a client request. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNIT_HAS_VALGRIND_H 1
#endif
#endif

static unsigned int valgrind_error_count(void)
{
#ifdef UNIT_HAS_VALGRIND_H
	return VALGRIND_COUNT_ERRORS;
#else
	return 0;
#endif
}

/* What the child leaves for the parent. Its exit status is not enough:
 * under valgrind --error-exitcode a child inherits the parent's error count. */
struct isolated_report {
	bool is_done;
	int result;
	unsigned int nr_valgrind_errors;
	char note[512];
};

bool unit_run_isolated_at(const char *file, unsigned int line, const char *what,
			  int (*fn)(void *arg, char *note, size_t note_size), void *arg)
{
	struct isolated_report *report;
	const char *note;
	pid_t pid;
	int status;
	bool ok = false;

	report = mmap(NULL, sizeof(*report), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		      0);
	if (report == MAP_FAILED) {
		unit_fail_at(file, line, "%s: cannot map shared memory", what);
		return false;
	}
	memset(report, 0, sizeof(*report));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		unit_fail_at(file, line, "%s: fork failed", what);
		goto out;
	}
	if (pid == 0) {
		static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
		unsigned int errors_before = valgrind_error_count(), i;

		/* A crash here is the parent's to report, not the runner's. */
		for (i = 0; i < ARRAY_SIZE(crash_signals); i++)
			signal(crash_signals[i], SIG_DFL);

		report->result = fn(arg, report->note, sizeof(report->note));
		report->nr_valgrind_errors = valgrind_error_count() - errors_before;
		report->is_done = true;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		unit_fail_at(file, line, "%s: waitpid failed", what);
		goto out;
	}
	report->note[sizeof(report->note) - 1] = '\0';
	note = report->note;
	if (WIFSIGNALED(status))
		unit_fail_at(file, line, "%s crashed with signal %d (%s)%s%s", what,
			     WTERMSIG(status), strsignal(WTERMSIG(status)), *note ? " at " : "",
			     note);
	else if (!report->is_done)
		unit_fail_at(file, line, "%s exited early with status %d%s%s", what,
			     WEXITSTATUS(status), *note ? " at " : "", note);
	else if (report->nr_valgrind_errors)
		unit_fail_at(file, line, "%s: valgrind reported %u errors (see its log)%s%s", what,
			     report->nr_valgrind_errors, *note ? "; last case: " : "", note);
	else if (report->result)
		unit_fail_at(file, line, "%s failed%s%s", what, *note ? ": " : "", note);
	else
		ok = true;
out:
	munmap(report, sizeof(*report));
	return ok;
}

size_t unit_first_byte_not(const uint8_t *data, size_t size, uint8_t value)
{
	size_t i;

	for (i = 0; i < size; i++)
		if (data[i] != value)
			return i;
	return size;
}
