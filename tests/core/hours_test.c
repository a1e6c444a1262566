/* hours_test.c -- business hours (core/hours.c): the values of the `hours`
 * node, open or closed at given times in America/New_York (weekdays,
 * Saturday, a closed Sunday, a holiday, the switch to daylight saving
 * time, a day open until 24:00 running into the next), the next change,
 * reading the node from a file with file:line errors, writing it back, and
 * the texts residents read ($hours.week, $hours.opens) in two languages.
 * Needs tzdata (/usr/share/zoneinfo/America/New_York).  TAP on stdout. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "core/hours.h"
#include "core/logging.h"
#include "testlib.h"

static void *ctx;

static int64_t at(const char *iso)
{
	int64_t t = 0;

	stoop_hours_parse_clock(iso, &t);
	return t;
}

/* open at iso, and the next change at next_iso ("" for none) */
static void expect(const struct stoop_hours *h, const char *iso, bool open, const char *next_iso,
		   const char *what)
{
	int64_t next = -1;
	bool got = stoop_hours_open(h, at(iso), &next);

	if (!CHECK(got == open && next == (*next_iso ? at(next_iso) : 0), "%s", what))
		printf("  # at %s: %s, next %lld (want %s, %lld)\n", iso, got ? "open" : "closed",
		       (long long)next, open ? "open" : "closed", (long long)(*next_iso ? at(next_iso) : 0));
}

static void test_values(void)
{
	unsigned mask = 0;
	int m = -1;
	int32_t ymd = 0;
	int64_t t = 0;

	CHECK(stoop_hours_parse_days("mon-fri", &mask) == 0 && mask == 0x3e, "mon-fri");
	CHECK(stoop_hours_parse_days("fri-mon", &mask) == 0 && mask == 0x63, "fri-mon runs over the weekend");
	CHECK(stoop_hours_parse_days("sun", &mask) == 0 && mask == 0x01, "sun");
	CHECK(stoop_hours_parse_days("daily", &mask) == 0 && mask == 0x7f, "daily");
	CHECK(stoop_hours_parse_days("monday", &mask) == -EINVAL
	      && stoop_hours_parse_days("mon-", &mask) == -EINVAL, "monday and mon- are not days");
	CHECK(stoop_hours_parse_time("08:30", &m) == 0 && m == 510, "08:30");
	CHECK(stoop_hours_parse_time("24:00", &m) == 0 && m == 1440, "24:00");
	CHECK(stoop_hours_parse_time("24:01", &m) == -EINVAL && stoop_hours_parse_time("8:00", &m) == -EINVAL
	      && stoop_hours_parse_time("08:60", &m) == -EINVAL, "24:01, 8:00 and 08:60 are not times");
	CHECK(stoop_hours_parse_date("2026-12-25", &ymd) == 0 && ymd == 20261225, "2026-12-25");
	CHECK(stoop_hours_parse_date("2026-02-30", &ymd) == -EINVAL
	      && stoop_hours_parse_date("2026-13-01", &ymd) == -EINVAL
	      && stoop_hours_parse_date("26-12-25", &ymd) == -EINVAL, "no such dates");
	CHECK(stoop_hours_parse_date("2028-02-29", &ymd) == 0, "a leap day");
	CHECK(stoop_hours_parse_clock("2026-12-25T10:00:00Z", &t) == 0 && t == 1798192800,
	      "a clock time in UTC");
	CHECK(stoop_hours_parse_clock("2026-12-25 10:00", &t) == -EINVAL, "a clock time needs the T form");
	CHECK(stoop_hours_check_timezone("America/New_York") == 0, "tzdata has America/New_York");
	CHECK(stoop_hours_check_timezone("Mars/Olympus") == -ENOENT, "no Mars/Olympus");
	CHECK(stoop_hours_check_timezone("../../etc/passwd") == -EINVAL
	      && stoop_hours_check_timezone("/etc/localtime") == -EINVAL, "no paths");
}

static struct stoop_hours *city_hours(void)
{
	struct stoop_hours *h = stoop_hours_alloc(ctx);
	const char *why = NULL;
	unsigned mask;

	stoop_hours_set_timezone(h, "America/New_York", &why);
	stoop_hours_parse_days("mon-fri", &mask);
	stoop_hours_set_days(h, mask, 8 * 60, 18 * 60, &why);
	stoop_hours_parse_days("sat", &mask);
	stoop_hours_set_days(h, mask, 9 * 60, 13 * 60, &why);
	stoop_hours_parse_days("sun", &mask);
	stoop_hours_set_closed(h, mask);
	stoop_hours_add_holiday(h, 20261225);
	return h;
}

static void test_open(void)
{
	struct stoop_hours *h = city_hours(), *none = stoop_hours_alloc(ctx);
	const char *why = NULL;
	int64_t next = -1;

	CHECK(stoop_hours_open(none, at("2026-11-23T03:00:00Z"), &next) && next == 0,
	      "no hours configured: always open, never changes");
	CHECK(stoop_hours_open(NULL, 0, NULL), "no hours at all: open");
	expect(h, "2026-11-23T15:00:00Z", true, "2026-11-23T23:00:00Z",
	       "Monday 10:00 EST: open until 18:00 EST");
	expect(h, "2026-11-23T10:00:00Z", false, "2026-11-23T13:00:00Z",
	       "Monday 05:00 EST: closed until 08:00");
	expect(h, "2026-11-23T13:00:00Z", true, "2026-11-23T23:00:00Z", "08:00 sharp is open");
	expect(h, "2026-11-23T23:00:00Z", false, "2026-11-24T13:00:00Z", "18:00 sharp is closed");
	expect(h, "2026-11-27T23:30:00Z", false, "2026-11-28T14:00:00Z",
	       "Friday evening: closed until Saturday 09:00");
	expect(h, "2026-11-28T19:00:00Z", false, "2026-11-30T13:00:00Z",
	       "Saturday 14:00: closed over Sunday until Monday 08:00");
	expect(h, "2026-12-25T15:00:00Z", false, "2026-12-26T14:00:00Z",
	       "Christmas (a holiday, a Friday) at 10:00: closed until Saturday");
	expect(h, "2026-12-24T22:00:00Z", true, "2026-12-24T23:00:00Z",
	       "the day before: open until 18:00, then the holiday");
	expect(h, "2026-03-09T12:30:00Z", true, "2026-03-09T22:00:00Z",
	       "the Monday after daylight saving starts: 08:00 EDT is 12:00Z, 18:00 EDT 22:00Z");
	expect(h, "2026-03-09T11:30:00Z", false, "2026-03-09T12:00:00Z",
	       "and 07:30 EDT is closed until 08:00 EDT");
	CHECK(stoop_hours_del_holiday(h, 20261225) == 0 && stoop_hours_del_holiday(h, 20261225) == -ENOENT,
	      "a holiday is removed once");
	expect(h, "2026-12-25T15:00:00Z", true, "2026-12-25T23:00:00Z", "without it Christmas is a Friday");

	/* open round the clock on Monday and until noon Tuesday: one stretch */
	h = stoop_hours_alloc(ctx);
	stoop_hours_set_timezone(h, "America/New_York", &why);
	stoop_hours_set_days(h, 1u << 1, 0, 24 * 60, &why);
	stoop_hours_set_days(h, 1u << 2, 0, 12 * 60, &why);
	expect(h, "2026-11-23T15:00:00Z", true, "2026-11-24T17:00:00Z",
	       "24:00 Monday runs into 00:00 Tuesday: closes Tuesday noon");
	CHECK(stoop_hours_set_days(h, 1u << 3, 18 * 60, 8 * 60, &why) == -EINVAL && why,
	      "closing before opening is refused (%s)", why ? why : "");
	CHECK(stoop_hours_set_timezone(h, "Mars/Olympus", &why) == -EINVAL && strstr(why, "tzdata"),
	      "an unknown zone is refused, naming tzdata");
}

static void test_now(void)
{
	struct stoop_hours *h = city_hours();

	osmo_clock_override_enable(CLOCK_REALTIME, true);
	osmo_clock_override_gettimespec(CLOCK_REALTIME)->tv_sec = at("2026-11-23T15:00:00Z");
	CHECK(!strcmp(stoop_hours_state(h), "open"), "$hours reads open on Monday at 10:00");
	h->clock_offset = at("2026-12-25T15:00:00Z") - at("2026-11-23T15:00:00Z");
	CHECK(!strcmp(stoop_hours_state(h), "closed"), "the test clock moves it to Christmas: closed");
	CHECK(!strcmp(stoop_hours_state(NULL), "open"), "no hours: open");
	osmo_clock_override_enable(CLOCK_REALTIME, false);
}

static void test_file(void)
{
	char path[] = "/tmp/stoop-hours-XXXXXX";
	struct stoop_hours *h = stoop_hours_alloc(ctx);
	char *errs = NULL, *lines;
	size_t len = 0;
	FILE *err, *f;
	int fd = mkstemp(path), rc;

	f = fdopen(fd, "w");
	fputs("! a stoop.cfg\n"
	      "stoop\n"
	      " day mon 01:00 02:00\n"		/* not the hours node: skipped */
	      "hours\n"
	      " timezone America/New_York\n"
	      " day mon-fri 08:00 18:00\n"
	      " day sat 09:00 13:00\n"
	      " closed sun\n"
	      " holiday 2026-12-25\n"
	      " holiday 2026-02-30\n"
	      " day tue 18:00 08:00\n"
	      " timezone Mars/Olympus\n"
	      "store\n"
	      " database /tmp/x.db\n", f);
	fclose(f);
	err = open_memstream(&errs, &len);
	rc = stoop_hours_read_file(h, path, err);
	fclose(err);
	CHECK(rc == 3, "three bad lines in the hours node (got %d)", rc);
	CHECK(errs && strstr(errs, ":10: hours: a holiday is a date YYYY-MM-DD"), "line 10: the date");
	CHECK(errs && strstr(errs, ":11: hours: closing time must be after opening time"), "line 11: the times");
	CHECK(errs && strstr(errs, ":12: hours: no such time zone"), "line 12: the zone");
	free(errs);
	lines = stoop_hours_config_lines(ctx, h);
	CHECK(!strcmp(lines, " timezone America/New_York\n day mon-fri 08:00 18:00\n"
			     " day sat 09:00 13:00\n closed sun\n holiday 2026-12-25\n"),
	      "written back as the node's lines");
	if (strcmp(lines, " timezone America/New_York\n day mon-fri 08:00 18:00\n"
			  " day sat 09:00 13:00\n closed sun\n holiday 2026-12-25\n"))
		printf("  # %s", lines);
	unlink(path);
	CHECK(stoop_hours_read_file(h, "/nonexistent/stoop.cfg", NULL) == -ENOENT, "a missing file");
}

/* The texts residents read: the week and when it opens next. */
static void text_is(char *got, const char *want, const char *what)
{
	if (!CHECK(!strcmp(got, want), "%s: \"%s\"", what, want))
		printf("  # got \"%s\"\n", got);
	talloc_free(got);
}

static void test_texts(void)
{
	static const struct stoop_hours_words en = {
		.day = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" },
		.am = "am", .pm = "pm", .today = "today", .at = "at",
	};
	static const struct stoop_hours_words es = {
		.day = { "domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado" },
		.today = "hoy", .at = "a las",
	};
	struct stoop_hours *h = city_hours(), *none = stoop_hours_alloc(ctx);
	const char *why = NULL;

	text_is(stoop_hours_week_text(ctx, h, &en), "Monday-Friday 8am-6pm, Saturday 9am-1pm",
		"the week in English, 12-hour times, Sunday (closed) left out");
	text_is(stoop_hours_week_text(ctx, h, &es), "lunes-viernes 8:00-18:00, sábado 9:00-13:00",
		"the week in Spanish words, 24-hour times (no am/pm words)");
	text_is(stoop_hours_week_text(ctx, h, NULL), "Monday-Friday 8:00-18:00, Saturday 9:00-13:00",
		"no words: English day names, 24-hour times");
	text_is(stoop_hours_week_text(ctx, none, &en), "", "no hours node: no week text");
	text_is(stoop_hours_opens_text(ctx, h, at("2026-11-23T10:00:00Z"), &en), "today at 8am",
		"Monday 05:00: back today at 8am");
	text_is(stoop_hours_opens_text(ctx, h, at("2026-11-23T15:00:00Z"), &en), "",
		"open now: nothing to say");
	text_is(stoop_hours_opens_text(ctx, h, at("2026-11-28T19:00:00Z"), &es), "lunes a las 8:00",
		"Saturday 14:00, in Spanish: Monday, Sunday skipped");
	text_is(stoop_hours_opens_text(ctx, h, at("2026-12-25T15:00:00Z"), &en), "Saturday at 9am",
		"Christmas (a holiday): Saturday");
	text_is(stoop_hours_opens_text(ctx, none, at("2026-11-23T10:00:00Z"), &en), "",
		"no hours node: always open");

	h = stoop_hours_alloc(ctx);
	stoop_hours_set_timezone(h, "America/New_York", &why);
	stoop_hours_set_days(h, 0x3e, 7 * 60 + 30, 24 * 60, &why);	/* mon-fri */
	stoop_hours_set_days(h, 1u << 6, 12 * 60, 12 * 60 + 45, &why);	/* sat */
	text_is(stoop_hours_week_text(ctx, h, &en), "Monday-Friday 7:30am-12am, Saturday 12pm-12:45pm",
		"half hours, noon and midnight in 12-hour times");
	text_is(stoop_hours_week_text(ctx, h, &es), "lunes-viernes 7:30-24:00, sábado 12:00-12:45",
		"and in 24-hour times (24:00 as configured)");
	stoop_hours_set_closed(h, 0x7f);
	text_is(stoop_hours_week_text(ctx, h, &en), "", "closed every day: no week text");
	text_is(stoop_hours_opens_text(ctx, h, at("2026-11-23T10:00:00Z"), &en), "",
		"and no opening to announce");
}

int main(void)
{
	int rc;

	ctx = talloc_named_const(NULL, 0, "hours_test");
	stoop_log_init(ctx, true);
	test_values();
	test_open();
	test_now();
	test_file();
	test_texts();
	rc = test_done();
	talloc_free(ctx);
	return rc;
}
