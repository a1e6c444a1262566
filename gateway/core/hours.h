/* hours.h -- the contact center's business hours: opening times per
 * weekday, holidays and the time zone they are in, and whether the center is
 * open at a given time (and when that changes).
 *
 * stoopd fills a struct stoop_hours from the `hours` node of stoop.cfg
 * (core/cc_vty.c); stoop-sim reads the same node from a file
 * (stoop_hours_read_file()).  The flow interpreter reads it through the flow
 * set (flow_set_use_hours()) for the built-in variable $hours.  Nothing here
 * keeps global state except the process's TZ, which is set to the
 * configured zone (the C library's tzdata does the calendar).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* One weekday: open from open_min to close_min (minutes after midnight,
 * close_min up to 24 * 60); open_min < 0: closed all day. */
struct stoop_hours_day {
	int open_min;
	int close_min;
};

struct stoop_hours {
	bool configured;		/* an `hours` node exists; without one: always open */
	char *timezone;			/* "America/New_York"; NULL: the host's zone */
	struct stoop_hours_day day[7];	/* 0 = Sunday, as struct tm */
	int32_t *holidays;		/* YYYYMMDD, sorted, talloc array */
	unsigned n_holidays;
	int64_t clock_offset;		/* seconds added to the clock: the test clock */
};

/* A new hours table under ctx: not configured, every day closed. */
struct stoop_hours *stoop_hours_alloc(void *ctx);
/* Back to "not configured". */
void stoop_hours_reset(struct stoop_hours *h);

/* Weekdays: "mon" .. "sun", a range "mon-fri", or "daily"; a bit mask with
 * bit 0 = Sunday.  -EINVAL. */
int stoop_hours_parse_days(const char *s, unsigned *mask);
/* "08:00" .. "24:00" into minutes after midnight.  -EINVAL. */
int stoop_hours_parse_time(const char *s, int *minutes);
/* "2026-12-25" into 20261225 (a real calendar date).  -EINVAL. */
int stoop_hours_parse_date(const char *s, int32_t *ymd);
/* "2026-12-25T10:00:00Z" into unix seconds.  -EINVAL. */
int stoop_hours_parse_clock(const char *s, int64_t *t);
/* Is there tzdata for this zone?  -EINVAL (a bad name), -ENOENT (no file). */
int stoop_hours_check_timezone(const char *tz);

/* Each of these sets configured.  -EINVAL with *why set (a static text). */
int stoop_hours_set_timezone(struct stoop_hours *h, const char *tz, const char **why);
int stoop_hours_set_days(struct stoop_hours *h, unsigned mask, int open_min, int close_min,
			 const char **why);
void stoop_hours_set_closed(struct stoop_hours *h, unsigned mask);
void stoop_hours_add_holiday(struct stoop_hours *h, int32_t ymd);
/* -ENOENT if it was not a holiday. */
int stoop_hours_del_holiday(struct stoop_hours *h, int32_t ymd);

/* The clock the hours are read against: the store's clock (CLOCK_REALTIME
 * of osmo_clock_gettime(), which stoop-sim's --clock overrides) plus
 * clock_offset (stoopd's STOOP_CLOCK and `hours test-clock`). */
int64_t stoop_hours_now(const struct stoop_hours *h);

/* Open at unix time t?  *next_change (if not NULL) is when that flips, or
 * 0 when it does not within a year (or hours are not configured: open). */
bool stoop_hours_open(const struct stoop_hours *h, int64_t t, int64_t *next_change);

/* "open" or "closed" now; "open" when h is NULL or not configured. */
const char *stoop_hours_state(const struct stoop_hours *h);

/* Local time of t in the configured zone, "Mon 2026-12-28 08:00 EST". */
char *stoop_hours_fmt_local(void *ctx, const struct stoop_hours *h, int64_t t);

/* Read the `hours` node of a stoop.cfg-style file (the lines indented
 * under a line "hours"; everything else is skipped) into h:
 *   timezone ZONE | day DAYS HH:MM HH:MM | closed DAYS | holiday YYYY-MM-DD
 * Problems are written to err as "file:line: message".  Returns the number
 * of problems (0: h is set), or -errno when the file cannot be read. */
int stoop_hours_read_file(struct stoop_hours *h, const char *path, FILE *err);

/* The node as stoop.cfg lines (" day mon 08:00 18:00\n" ...), under ctx;
 * days with the same times are written as one range where they run on. */
char *stoop_hours_config_lines(void *ctx, const struct stoop_hours *h);

/* How one language writes days and times for residents (its catalog's
 * day.sun .. day.sat, time.am, time.pm, day.today, time.at): NULL or
 * empty words stand in as English day names, 24-hour times ("18:00")
 * without am and pm, the day's name instead of "today", and nothing
 * between a day and its time. */
struct stoop_hours_words {
	const char *day[7];		/* 0 = Sunday, as struct tm */
	const char *am, *pm;
	const char *today;
	const char *at;			/* "Monday at 8am" */
};

/* The week's opening hours, Monday first, days with the same times as one
 * range, closed days left out: "Monday-Friday 8am-6pm, Saturday 9am-1pm".
 * Empty when not configured or closed every day.  Holidays are not in it. */
char *stoop_hours_week_text(void *ctx, const struct stoop_hours *h, const struct stoop_hours_words *w);

/* When closed at t: when it opens next, "Monday at 8am" ("today at 8am"
 * on the same local day).  Empty when open, not configured, or not opening within
 * a year. */
char *stoop_hours_opens_text(void *ctx, const struct stoop_hours *h, int64_t t,
			     const struct stoop_hours_words *w);
