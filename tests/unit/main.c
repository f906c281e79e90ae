/* unit-tests: runs every CUnit suite and prints one line per test,
 * "PASS suite/test", "FAIL suite/test: file:line: assertion" or
 * "SKIP suite/test: why", the protocol scripts/run-tests reads. Exits non-zero
 * if any test failed.
 *
 * A test that crashes the process is reported as failed, then the binary
 * runs itself again from the test after it, so one crash in the code under
 * test costs one FAIL line, not the whole report. */
#include <CUnit/Basic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#define RESUME_AFTER_ENV "UNIT_RESUME_AFTER"
#define PRIOR_FAILURES_ENV "UNIT_PRIOR_FAILURES"

/* Filled before main() by UNIT_REGISTER() in each test file. */
static void (*register_suites[UNIT_MAX_FILES])(void);
static unsigned int nr_register_suites;

void unit_add_registrar(void (*fn)(void))
{
	if (nr_register_suites == UNIT_MAX_FILES) {
		fprintf(stderr, "unit-tests: more than %d test files; raise UNIT_MAX_FILES\n",
			UNIT_MAX_FILES);
		exit(2);
	}
	register_suites[nr_register_suites++] = fn;
}

/* Tests that called unit_skip(), with why. */
#define UNIT_MAX_SKIPS 64
static struct {
	CU_pTest test;
	char why[256];
} skips[UNIT_MAX_SKIPS];
static unsigned int nr_skips;

void unit_skip(const char *fmt, ...)
{
	CU_pTest test = CU_get_current_test();
	va_list ap;

	if (!test || nr_skips == UNIT_MAX_SKIPS) {
		UNIT_FAIL("unit_skip: outside a test, or more than %d skips", UNIT_MAX_SKIPS);
		return;
	}
	skips[nr_skips].test = test;
	va_start(ap, fmt);
	vsnprintf(skips[nr_skips].why, sizeof(skips[nr_skips].why), fmt, ap);
	va_end(ap);
	nr_skips++;
}

static const char *skip_reason(CU_pTest test)
{
	unsigned int i;

	for (i = 0; i < nr_skips; i++)
		if (skips[i].test == test)
			return skips[i].why;
	return NULL;
}

static char **saved_argv;
static int saved_stdout = -1;
static unsigned int nr_prior_failures;

/* Keeps each report on one line whatever the assertion text holds. */
static void print_sanitised(const char *text)
{
	for (; text && *text; text++)
		putchar(*text >= 0x20 && *text < 0x7f ? *text : '?');
}

static const CU_FailureRecord *first_failure(CU_pSuite suite, CU_pTest test)
{
	const CU_FailureRecord *f;

	for (f = CU_get_failure_list(); f; f = f->pNext)
		if (f->pSuite == suite && f->pTest == test)
			return f;
	return NULL;
}

static void print_failure(const char *suite, const char *test, const CU_FailureRecord *f)
{
	printf("FAIL %s/%s: ", suite, test);
	print_sanitised(f->strFileName ? f->strFileName : "?");
	printf(":%u: ", f->uiLineNumber);
	print_sanitised(f->strCondition ? f->strCondition : "(no text)");
	putchar('\n');
}

/* Prints a line for each active test in registration order, up to (not
 * including) stop if it is not NULL; returns the number of failures. */
static unsigned int report_results(CU_pTest stop)
{
	unsigned int nr_failed = 0;
	CU_pSuite suite;
	CU_pTest test;

	for (suite = CU_get_registry()->pSuite; suite; suite = suite->pNext) {
		const CU_FailureRecord *suite_failure = first_failure(suite, NULL);

		if (suite_failure) {
			print_failure(suite->pName, "(suite)", suite_failure);
			nr_failed++;
		}
		for (test = suite->pTest; test; test = test->pNext) {
			const CU_FailureRecord *f = first_failure(suite, test);

			if (test == stop)
				return nr_failed;
			if (!test->fActive)
				continue;
			if (f) {
				print_failure(suite->pName, test->pName, f);
				nr_failed++;
			} else if (skip_reason(test)) {
				printf("SKIP %s/%s: ", suite->pName, test->pName);
				print_sanitised(skip_reason(test));
				putchar('\n');
			} else {
				printf("PASS %s/%s\n", suite->pName, test->pName);
			}
		}
	}
	return nr_failed;
}

/* Not async-signal-safe, but the process is dying either way, and a report
 * that names the crashing test is worth the risk. */
static void crash_handler(int sig)
{
	CU_pSuite suite = CU_get_current_suite();
	CU_pTest test = CU_get_current_test();
	unsigned int nr_failed;
	char resume[512], count[16];

	if (saved_stdout >= 0)
		dup2(saved_stdout, STDOUT_FILENO);
	if (!suite || !test) {
		fprintf(stderr, "unit-tests: crashed with signal %d outside a test\n", sig);
		_exit(2);
	}
	nr_failed = report_results(test) + 1;
	printf("FAIL %s/%s: crashed with signal %d (%s)\n", suite->pName, test->pName, sig,
	       strsignal(sig));
	fflush(stdout);
	snprintf(resume, sizeof(resume), "%s/%s", suite->pName, test->pName);
	snprintf(count, sizeof(count), "%u", nr_prior_failures + nr_failed);
	setenv(RESUME_AFTER_ENV, resume, 1);
	setenv(PRIOR_FAILURES_ENV, count, 1);
	execv("/proc/self/exe", saved_argv);
	_exit(1);
}

static void catch_crashes(void)
{
	static char alt_stack[64 * 1024];
	static const int signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof(alt_stack) };
	struct sigaction sa = { .sa_handler = crash_handler,
				.sa_flags = SA_ONSTACK | SA_RESETHAND | SA_NODEFER };
	unsigned int i;

	sigaltstack(&ss, NULL);
	for (i = 0; i < ARRAY_SIZE(signals); i++)
		sigaction(signals[i], &sa, NULL);
}

/* After a crash: tests up to and including the one that crashed were
 * reported by the previous run, so they are left out of this one. */
static void skip_reported_tests(const char *resume_after)
{
	CU_pSuite suite;
	CU_pTest test;
	char name[512];

	CU_set_fail_on_inactive(CU_FALSE);
	for (suite = CU_get_registry()->pSuite; suite; suite = suite->pNext) {
		for (test = suite->pTest; test; test = test->pNext) {
			CU_set_test_active(test, CU_FALSE);
			snprintf(name, sizeof(name), "%s/%s", suite->pName, test->pName);
			if (!strcmp(name, resume_after))
				return;
		}
	}
}

int main(int argc, char **argv)
{
	const char *resume_after = getenv(RESUME_AFTER_ENV);
	const char *prior_failures = getenv(PRIOR_FAILURES_ENV);
	unsigned int i, nr_failed;
	CU_ErrorCode rc;

	(void)argc;
	saved_argv = argv;
	if (prior_failures)
		nr_prior_failures = strtoul(prior_failures, NULL, 10);
	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "unit-tests: %s\n", CU_get_error_msg());
		return 2;
	}
	for (i = 0; i < nr_register_suites; i++)
		register_suites[i]();
	if (resume_after)
		skip_reported_tests(resume_after);

	CU_basic_set_mode(CU_BRM_SILENT);
	/* Even silent, the basic interface prints a run summary: keep stdout
	 * for the one-line-per-test protocol and let the summary go to stderr. */
	fflush(stdout);
	saved_stdout = dup(STDOUT_FILENO);
	if (saved_stdout < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		perror("unit-tests: dup");
		return 2;
	}
	catch_crashes();
	rc = CU_basic_run_tests();
	fflush(stdout);
	dup2(saved_stdout, STDOUT_FILENO);
	if (rc != CUE_SUCCESS) {
		fprintf(stderr, "unit-tests: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	nr_failed = report_results(NULL);
	fflush(stdout);
	CU_cleanup_registry();
	return nr_failed + nr_prior_failures ? 1 : 0;
}
