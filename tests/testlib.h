/* testlib.h -- the few lines every C test program of Stoop shares: each
 * check prints one TAP line ("ok N - what" / "not ok N - what: why"), and
 * test_done() exits non-zero when anything failed.  tests/suite.sh counts
 * the lines of every test program and prints the suite's one summary line. */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>

static unsigned test_n, test_failed;

__attribute__((format(printf, 2, 3)))
static inline int test_check(int ok, const char *fmt, ...)
{
	va_list ap;

	test_n++;
	printf("%s %u - ", ok ? "ok" : "not ok", test_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		test_failed++;
	return ok;
}

#define CHECK(cond, ...) test_check(!!(cond), __VA_ARGS__)

static inline int test_done(void)
{
	printf("# %u checks, %u failed\n", test_n, test_failed);
	return test_failed ? 1 : 0;
}
