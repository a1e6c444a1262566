/* hours.c -- business hours: parsing the `hours` node's values, deciding
 * open or closed at a time, and when that changes next.
 *
 * The calendar is the C library's: the configured zone is put in TZ once
 * (setenv + tzset; switching zones back and forth would make glibc read the
 * tzdata file at every call) and localtime_r()/mktime() do the rest, so a
 * daylight-saving change needs nothing here.  A day's interval is built
 * from its local date and the configured minutes with mktime(), so 08:00 is
 * 08:00 on the wall clock in summer and in winter.
 *
 * Open means: not a holiday, and the time of day inside the weekday's
 * [open, close).  The next change is found by walking the local days ahead
 * (at most a year) and merging an interval that ends at 24:00 with one that
 * starts at 00:00 the next day.
 *
 * The texts residents read ($hours.week, $hours.opens: "Monday-Friday
 * 8am-6pm", "Saturday at 9am") are written here too, in the words the
 * caller passes (the catalog's, see flow/interp.c).
 *
 * The `hours` node itself (VTY) is in core/cc_vty.c; stoop-sim reads the
 * same lines with stoop_hours_read_file().
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <osmocom/core/talloc.h>

#include "core/hours.h"
#include "store/store.h"

#define HOURS_LOOKAHEAD_DAYS	370
#define HOURS_MAX_HOLIDAYS	1000

static const char *const day_names[7] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

struct stoop_hours *stoop_hours_alloc(void *ctx)
{
	struct stoop_hours *h = talloc_zero(ctx, struct stoop_hours);

	if (h)
		stoop_hours_reset(h);
	return h;
}

void stoop_hours_reset(struct stoop_hours *h)
{
	unsigned i;

	h->configured = false;
	TALLOC_FREE(h->timezone);
	TALLOC_FREE(h->holidays);
	h->n_holidays = 0;
	for (i = 0; i < 7; i++)
		h->day[i] = (struct stoop_hours_day){ -1, -1 };
}

static int day_index(const char *s, size_t len)
{
	unsigned i;

	for (i = 0; i < 7; i++)
		if (len == 3 && !strncmp(s, day_names[i], 3))
			return i;
	return -1;
}

int stoop_hours_parse_days(const char *s, unsigned *mask)
{
	const char *dash;
	int a, b;

	if (!s)
		return -EINVAL;
	if (!strcmp(s, "daily")) {
		*mask = 0x7f;
		return 0;
	}
	dash = strchr(s, '-');
	if (!dash) {
		a = day_index(s, strlen(s));
		if (a < 0)
			return -EINVAL;
		*mask = 1u << a;
		return 0;
	}
	a = day_index(s, dash - s);
	b = day_index(dash + 1, strlen(dash + 1));
	if (a < 0 || b < 0)
		return -EINVAL;
	/* "mon-fri", and across the week's end "fri-mon" */
	*mask = 0;
	for (;;) {
		*mask |= 1u << a;
		if (a == b)
			break;
		a = (a + 1) % 7;
	}
	return 0;
}

int stoop_hours_parse_time(const char *s, int *minutes)
{
	int h, m;

	if (!s || strlen(s) != 5 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1])
	    || s[2] != ':' || !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -EINVAL;
	h = (s[0] - '0') * 10 + s[1] - '0';
	m = (s[3] - '0') * 10 + s[4] - '0';
	if (m > 59 || h > 24 || (h == 24 && m))
		return -EINVAL;
	*minutes = h * 60 + m;
	return 0;
}

int stoop_hours_parse_date(const char *s, int32_t *ymd)
{
	struct tm tm = { 0 };
	int y, m, d;
	time_t t;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-'
	    || strspn(s, "0123456789-") != 10 || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return -EINVAL;
	/* a real date: timegm() turns 2026-02-30 into March */
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	if (!gmtime_r(&t, &tm) || tm.tm_year != y - 1900 || tm.tm_mon != m - 1 || tm.tm_mday != d)
		return -EINVAL;
	*ymd = y * 10000 + m * 100 + d;
	return 0;
}

int stoop_hours_parse_clock(const char *s, int64_t *t)
{
	struct tm tm = { 0 };
	const char *end;

	if (!s)
		return -EINVAL;
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end || (*end && strcmp(end, "Z")))
		return -EINVAL;
	*t = timegm(&tm);
	return 0;
}

int stoop_hours_check_timezone(const char *tz)
{
	const char *dir = getenv("TZDIR");
	struct stat sb;
	char path[512];
	size_t len = tz ? strlen(tz) : 0;

	if (len == 0 || len > 64 || tz[0] == '/' || strstr(tz, "..")
	    || strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") != len)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz);
	if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
		return -ENOENT;
	return 0;
}

int stoop_hours_set_timezone(struct stoop_hours *h, const char *tz, const char **why)
{
	int rc = stoop_hours_check_timezone(tz);

	if (rc == -EINVAL) {
		*why = "not a time zone name (e.g. America/New_York)";
		return rc;
	}
	if (rc < 0) {
		*why = "no such time zone in /usr/share/zoneinfo (is the tzdata package installed?)";
		return -EINVAL;
	}
	talloc_free(h->timezone);
	h->timezone = talloc_strdup(h, tz);
	h->configured = true;
	return 0;
}

int stoop_hours_set_days(struct stoop_hours *h, unsigned mask, int open_min, int close_min,
			 const char **why)
{
	unsigned i;

	if (open_min < 0 || open_min >= 24 * 60 || close_min > 24 * 60) {
		*why = "times are 00:00 to 24:00";
		return -EINVAL;
	}
	if (close_min <= open_min) {
		*why = "closing time must be after opening time";
		return -EINVAL;
	}
	for (i = 0; i < 7; i++)
		if (mask & (1u << i))
			h->day[i] = (struct stoop_hours_day){ open_min, close_min };
	h->configured = true;
	return 0;
}

void stoop_hours_set_closed(struct stoop_hours *h, unsigned mask)
{
	unsigned i;

	for (i = 0; i < 7; i++)
		if (mask & (1u << i))
			h->day[i] = (struct stoop_hours_day){ -1, -1 };
	h->configured = true;
}

static int cmp_ymd(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? -1 : x > y;
}

static bool is_holiday(const struct stoop_hours *h, int32_t ymd)
{
	return h->n_holidays && bsearch(&ymd, h->holidays, h->n_holidays, sizeof(int32_t), cmp_ymd);
}

void stoop_hours_add_holiday(struct stoop_hours *h, int32_t ymd)
{
	h->configured = true;
	if (is_holiday(h, ymd) || h->n_holidays >= HOURS_MAX_HOLIDAYS)
		return;
	h->holidays = talloc_realloc(h, h->holidays, int32_t, h->n_holidays + 1);
	h->holidays[h->n_holidays++] = ymd;
	qsort(h->holidays, h->n_holidays, sizeof(int32_t), cmp_ymd);
}

int stoop_hours_del_holiday(struct stoop_hours *h, int32_t ymd)
{
	int32_t *p = h->n_holidays ? bsearch(&ymd, h->holidays, h->n_holidays, sizeof(int32_t), cmp_ymd)
				   : NULL;

	if (!p)
		return -ENOENT;
	memmove(p, p + 1, (h->holidays + h->n_holidays - p - 1) * sizeof(int32_t));
	h->n_holidays--;
	return 0;
}

int64_t stoop_hours_now(const struct stoop_hours *h)
{
	return store_now() + (h ? h->clock_offset : 0);
}

/* TZ = the configured zone, set once; NULL keeps the host's. */
static void hours_use_zone(const struct stoop_hours *h)
{
	const char *cur;

	if (!h->timezone)
		return;
	cur = getenv("TZ");
	if (cur && !strcmp(cur, h->timezone))
		return;
	setenv("TZ", h->timezone, 1);
	tzset();
}

/* Unix time of minute m of the local day (year, mon, mday); mday may run
 * past the month's end, mktime() normalizes it. */
static int64_t local_time(const struct tm *day, int m)
{
	struct tm tm = {
		.tm_year = day->tm_year, .tm_mon = day->tm_mon, .tm_mday = day->tm_mday,
		.tm_hour = m / 60, .tm_min = m % 60, .tm_isdst = -1,
	};
	return (int64_t)mktime(&tm);
}

/* The open interval of the local day at offset d from base, in unix time;
 * false when closed all day. */
static bool day_interval(const struct stoop_hours *h, const struct tm *base, int d,
			 int64_t *from, int64_t *to)
{
	struct tm day = { .tm_year = base->tm_year, .tm_mon = base->tm_mon,
			  .tm_mday = base->tm_mday + d, .tm_hour = 12, .tm_isdst = -1 };
	const struct stoop_hours_day *wd;
	time_t noon = mktime(&day);
	struct tm norm;

	localtime_r(&noon, &norm);
	wd = &h->day[norm.tm_wday];
	if (wd->open_min < 0)
		return false;
	if (is_holiday(h, (norm.tm_year + 1900) * 10000 + (norm.tm_mon + 1) * 100 + norm.tm_mday))
		return false;
	*from = local_time(&norm, wd->open_min);
	*to = local_time(&norm, wd->close_min);
	return true;
}

bool stoop_hours_open(const struct stoop_hours *h, int64_t t, int64_t *next_change)
{
	time_t tt = t;
	struct tm base;
	int64_t from, to, end = 0;
	bool open = false;
	int d;

	if (next_change)
		*next_change = 0;
	if (!h || !h->configured)
		return true;
	hours_use_zone(h);
	localtime_r(&tt, &base);
	/* yesterday's interval may run into today only if it ends at 24:00,
	 * which is today's midnight: start the walk at today */
	for (d = 0; d <= HOURS_LOOKAHEAD_DAYS; d++) {
		if (!day_interval(h, &base, d, &from, &to)) {
			if (open)
				break;		/* a closed day ends an open stretch */
			continue;
		}
		if (open) {
			if (from != end)
				break;
			end = to;		/* 24:00 then 00:00: one stretch */
			continue;
		}
		if (t >= from && t < to) {
			if (!next_change)
				return true;	/* $hours: no need to find the end */
			open = true;
			end = to;
			continue;
		}
		if (from > t) {
			if (next_change)
				*next_change = from;
			return false;
		}
	}
	if (open && next_change && d <= HOURS_LOOKAHEAD_DAYS)
		*next_change = end;
	return open;
}

const char *stoop_hours_state(const struct stoop_hours *h)
{
	return stoop_hours_open(h, stoop_hours_now(h), NULL) ? "open" : "closed";
}

char *stoop_hours_fmt_local(void *ctx, const struct stoop_hours *h, int64_t t)
{
	time_t tt = t;
	struct tm tm;
	char buf[64];

	if (h)
		hours_use_zone(h);
	localtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%a %Y-%m-%d %H:%M %Z", &tm);
	return talloc_strdup(ctx, buf);
}

static void fmt_min(char *buf, size_t len, int m)
{
	snprintf(buf, len, "%02d:%02d", (m / 60) % 100, m % 60);
}

/* Runs of weekdays with the same times, Monday first as people write them:
 * days first..last (1 = Monday .. 7 = Sunday; % 7 for h->day). */
typedef char *(*hours_run_fn)(char *out, const struct stoop_hours *h, unsigned first, unsigned last,
			      const void *priv);

static char *hours_runs(char *out, const struct stoop_hours *h, hours_run_fn fn, const void *priv)
{
	unsigned i, j;

	for (i = 1; i <= 7; i = j) {
		const struct stoop_hours_day *d = &h->day[i % 7];
		for (j = i + 1; j <= 7; j++) {
			const struct stoop_hours_day *e = &h->day[j % 7];
			if (e->open_min != d->open_min || e->close_min != d->close_min)
				break;
		}
		out = fn(out, h, i, j - 1, priv);
	}
	return out;
}

static char *config_run(char *out, const struct stoop_hours *h, unsigned first, unsigned last,
			const void *priv)
{
	const struct stoop_hours_day *d = &h->day[first % 7];
	char days[16], a[24], b[24];

	if (last > first)
		snprintf(days, sizeof(days), "%s-%s", day_names[first % 7], day_names[last % 7]);
	else
		snprintf(days, sizeof(days), "%s", day_names[first % 7]);
	if (d->open_min < 0)
		return talloc_asprintf_append(out, " closed %s\n", days);
	fmt_min(a, sizeof(a), d->open_min);
	fmt_min(b, sizeof(b), d->close_min);
	return talloc_asprintf_append(out, " day %s %s %s\n", days, a, b);
}

char *stoop_hours_config_lines(void *ctx, const struct stoop_hours *h)
{
	char *out = talloc_strdup(ctx, "");
	unsigned i;

	if (h->timezone)
		out = talloc_asprintf_append(out, " timezone %s\n", h->timezone);
	out = hours_runs(out, h, config_run, NULL);
	for (i = 0; i < h->n_holidays; i++)
		out = talloc_asprintf_append(out, " holiday %04d-%02d-%02d\n", h->holidays[i] / 10000,
					     h->holidays[i] / 100 % 100, h->holidays[i] % 100);
	return out;
}

/*
 * The hours as residents read them (SMS): the words come from the
 * language's catalog (flow/interp.c), the English ones stand in.
 */
static const char *const day_words_en[7] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"
};

static const char *day_word(const struct stoop_hours_words *w, unsigned wday)
{
	return w && w->day[wday % 7] && *w->day[wday % 7] ? w->day[wday % 7] : day_words_en[wday % 7];
}

/* "8am", "6:30pm", "12pm" with am/pm words; else "8:00", "18:00". */
static char *time_word(char *out, const struct stoop_hours_words *w, int m)
{
	int hh = m / 60 % 24, mm = m % 60, h12 = hh % 12 ? hh % 12 : 12;

	if (!w || !w->am || !*w->am || !w->pm || !*w->pm)
		return talloc_asprintf_append(out, "%d:%02d", m / 60, mm);
	if (mm)
		return talloc_asprintf_append(out, "%d:%02d%s", h12, mm, hh < 12 ? w->am : w->pm);
	return talloc_asprintf_append(out, "%d%s", h12, hh < 12 ? w->am : w->pm);
}

static char *week_run(char *out, const struct stoop_hours *h, unsigned first, unsigned last,
		      const void *priv)
{
	const struct stoop_hours_words *w = priv;
	const struct stoop_hours_day *d = &h->day[first % 7];

	if (d->open_min < 0)
		return out;
	if (*out)
		out = talloc_strdup_append(out, ", ");
	out = talloc_strdup_append(out, day_word(w, first));
	if (last > first)
		out = talloc_asprintf_append(out, "-%s", day_word(w, last));
	out = talloc_strdup_append(out, " ");
	out = time_word(out, w, d->open_min);
	out = talloc_strdup_append(out, "-");
	return time_word(out, w, d->close_min);
}

char *stoop_hours_week_text(void *ctx, const struct stoop_hours *h, const struct stoop_hours_words *w)
{
	char *out = talloc_strdup(ctx, "");

	if (!h || !h->configured)
		return out;
	return hours_runs(out, h, week_run, w);
}

char *stoop_hours_opens_text(void *ctx, const struct stoop_hours *h, int64_t t,
			     const struct stoop_hours_words *w)
{
	int64_t next;
	time_t tt = t, tn;
	struct tm now, then;
	char *out = talloc_strdup(ctx, "");

	if (!h || !h->configured || stoop_hours_open(h, t, &next) || !next)
		return out;
	tn = next;
	localtime_r(&tt, &now);
	localtime_r(&tn, &then);
	if (w && w->today && *w->today && now.tm_year == then.tm_year && now.tm_yday == then.tm_yday)
		out = talloc_strdup_append(out, w->today);
	else
		out = talloc_strdup_append(out, day_word(w, then.tm_wday));
	out = talloc_strdup_append(out, " ");
	if (w && w->at && *w->at)
		out = talloc_asprintf_append(out, "%s ", w->at);
	return time_word(out, w, then.tm_hour * 60 + then.tm_min);
}

/* One line of the node, split in words; returns NULL or why it is wrong. */
static const char *hours_apply_words(struct stoop_hours *h, char **w, unsigned n)
{
	const char *why = NULL;
	unsigned mask;
	int32_t ymd;
	int o, c;

	if (!strcmp(w[0], "timezone") && n == 2) {
		if (stoop_hours_set_timezone(h, w[1], &why) < 0)
			return why;
	} else if (!strcmp(w[0], "day") && n == 4) {
		if (stoop_hours_parse_days(w[1], &mask) < 0)
			return "days are mon .. sun, a range such as mon-fri, or daily";
		if (stoop_hours_parse_time(w[2], &o) < 0 || stoop_hours_parse_time(w[3], &c) < 0)
			return "times are HH:MM, 00:00 to 24:00";
		if (stoop_hours_set_days(h, mask, o, c, &why) < 0)
			return why;
	} else if (!strcmp(w[0], "closed") && n == 2) {
		if (stoop_hours_parse_days(w[1], &mask) < 0)
			return "days are mon .. sun, a range such as mon-fri, or daily";
		stoop_hours_set_closed(h, mask);
	} else if (!strcmp(w[0], "holiday") && n == 2) {
		if (stoop_hours_parse_date(w[1], &ymd) < 0)
			return "a holiday is a date YYYY-MM-DD";
		stoop_hours_add_holiday(h, ymd);
	} else {
		return "expected timezone ZONE, day DAYS HH:MM HH:MM, closed DAYS or holiday YYYY-MM-DD";
	}
	return NULL;
}

int stoop_hours_read_file(struct stoop_hours *h, const char *path, FILE *err)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned lineno = 0;
	bool inside = false;
	int problems = 0;

	if (!f) {
		int rc = -errno;
		if (err)
			fprintf(err, "%s: cannot open: %s\n", path, strerror(errno));
		return rc;
	}
	while (fgets(line, sizeof(line), f)) {
		char *w[8], *p = line, *save = NULL;
		unsigned n = 0;
		const char *why;

		lineno++;
		if (line[0] != ' ' && line[0] != '\t') {
			p = strtok_r(line, " \t\r\n", &save);
			inside = p && !strcmp(p, "hours") && !strtok_r(NULL, " \t\r\n", &save);
			if (inside)
				h->configured = true;
			continue;
		}
		if (!inside)
			continue;
		for (p = strtok_r(line, " \t\r\n", &save); p && n < 8; p = strtok_r(NULL, " \t\r\n", &save))
			w[n++] = p;
		if (!n || w[0][0] == '!' || w[0][0] == '#')
			continue;
		why = hours_apply_words(h, w, n);
		if (why) {
			problems++;
			if (err)
				fprintf(err, "%s:%u: hours: %s\n", path, lineno, why);
		}
	}
	fclose(f);
	return problems;
}
