/* render.c -- `stoopctl report` as text for a person and as CSV for a
 * spreadsheet, from one struct store_report (store/report.c computes it;
 * the dashboard, report/dashboard.c, shows the same struct as HTML).
 * Times are UTC in ISO 8601; durations in seconds.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/talloc.h>

#include "store/report.h"
#include "report/report.h"

static const char *iso_time(char *buf, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%" PRId64, t);
	return buf;
}

static char *pct(char *buf, size_t len, unsigned part, unsigned whole)
{
	int pm = store_report_permille(part, whole);

	if (pm < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%d.%d%%", pm / 10, pm % 10);
	return buf;
}

static char *text_volume(char *out, const char *title, const struct store_report_volume *v, unsigned n)
{
	unsigned i;

	out = talloc_asprintf_append(out, "%-28s %7s %7s\n", title, "today", "since");
	for (i = 0; out && i < n; i++)
		out = talloc_asprintf_append(out, "  %-26s %7u %7u\n", v[i].key, v[i].today, v[i].since);
	return out;
}

char *stoop_report_text(void *ctx, const struct store_report *r)
{
	char t1[32], t2[32], t3[32], p[16];
	char *out;
	unsigned i;

	out = talloc_asprintf(ctx, "Report from %s to %s (today from %s)\n\n",
			      iso_time(t1, sizeof(t1), r->since), iso_time(t2, sizeof(t2), r->now),
			      iso_time(t3, sizeof(t3), r->today));
	if (out)
		out = talloc_asprintf_append(out, "%-28s %7u %7u\n", "Cases filed", r->cases_today,
					     r->cases_since);
	if (out)
		out = text_volume(out, "By channel", r->by_channel, r->n_by_channel);
	if (out)
		out = text_volume(out, "By service", r->by_service, r->n_by_service);
	if (out)
		out = text_volume(out, "By language", r->by_lang, r->n_by_lang);
	if (out)
		out = talloc_asprintf_append(out, "\nContainment (sessions ended without an agent)\n");
	for (i = 0; out && i < r->n_containment; i++) {
		const struct store_report_containment *c = &r->containment[i];
		out = talloc_asprintf_append(out, "  %-10s %6u sessions %6u contained %6u transferred %7s\n",
					     c->channel, c->sessions, c->contained, c->transferred,
					     pct(p, sizeof(p), c->contained, c->sessions));
	}
	if (out)
		out = talloc_asprintf_append(out, "\nDrop-off (last state of hang-ups and expired texts)\n"
					     "  %-32s %7s %7s %7s\n", "state", "hangup", "expired", "total");
	for (i = 0; out && i < r->n_dropoff; i++) {
		const struct store_report_dropoff *d = &r->dropoff[i];
		out = talloc_asprintf_append(out, "  %-32s %7u %7u %7u\n", d->position, d->hangups,
					     d->expired, d->total);
	}
	if (out)
		out = talloc_asprintf_append(out, "\nMedian time to file a report (session start to case)\n");
	for (i = 0; out && i < r->n_ttf; i++)
		out = talloc_asprintf_append(out, "  %-10s %6u cases  median %" PRId64 " s\n",
					     r->ttf[i].channel, r->ttf[i].cases, r->ttf[i].median_s);
	if (out)
		out = talloc_asprintf_append(out, "\nOpen callbacks: %u\n", r->open_callbacks);
	if (out && r->active_announcements < 0)
		out = talloc_asprintf_append(out, "Active announcements: n/a (store has none)\n");
	else if (out)
		out = talloc_asprintf_append(out, "Active announcements: %d%s%s%s\n",
					     r->active_announcements, r->announcement ? " (" : "",
					     r->announcement ? r->announcement : "",
					     r->announcement ? ")" : "");
	if (out)
		out = talloc_asprintf_append(out, "SMS cost: %u texts, %u segments\n", r->sms_out,
					     r->sms_segments);
	return out;
}

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static char *csv_append_key(char *out, const char *key)
{
	const char *c;

	if (!strpbrk(key, ",\"\r\n"))
		return talloc_strdup_append(out, key);
	out = talloc_strdup_append(out, "\"");
	for (c = key; out && *c; c++)
		out = *c == '"' ? talloc_strdup_append(out, "\"\"") : talloc_strndup_append(out, c, 1);
	return out ? talloc_strdup_append(out, "\"") : NULL;
}

static char *csv_line(char *out, const char *section, const char *key, const char *metric, int64_t val)
{
	if (out)
		out = talloc_asprintf_append(out, "%s,", section);
	if (out)
		out = csv_append_key(out, key);
	if (out)
		out = talloc_asprintf_append(out, ",%s,%" PRId64 "\n", metric, val);
	return out;
}

static char *csv_volume(char *out, const char *section, const struct store_report_volume *v, unsigned n)
{
	unsigned i;

	for (i = 0; out && i < n; i++) {
		out = csv_line(out, section, v[i].key, "today", v[i].today);
		out = csv_line(out, section, v[i].key, "since", v[i].since);
	}
	return out;
}

char *stoop_report_csv(void *ctx, const struct store_report *r)
{
	char *out = talloc_strdup(ctx, "section,key,metric,value\n");
	unsigned i;

	out = csv_line(out, "period", "since", "unix", r->since);
	out = csv_line(out, "period", "now", "unix", r->now);
	out = csv_line(out, "period", "today", "unix", r->today);
	out = csv_line(out, "cases", "all", "today", r->cases_today);
	out = csv_line(out, "cases", "all", "since", r->cases_since);
	out = csv_volume(out, "channel", r->by_channel, r->n_by_channel);
	out = csv_volume(out, "service", r->by_service, r->n_by_service);
	out = csv_volume(out, "language", r->by_lang, r->n_by_lang);
	for (i = 0; out && i < r->n_containment; i++) {
		const struct store_report_containment *c = &r->containment[i];
		out = csv_line(out, "containment", c->channel, "sessions", c->sessions);
		out = csv_line(out, "containment", c->channel, "contained", c->contained);
		out = csv_line(out, "containment", c->channel, "transferred", c->transferred);
		out = csv_line(out, "containment", c->channel, "permille",
			       store_report_permille(c->contained, c->sessions));
	}
	for (i = 0; out && i < r->n_dropoff; i++) {
		out = csv_line(out, "dropoff", r->dropoff[i].position, "hangup", r->dropoff[i].hangups);
		out = csv_line(out, "dropoff", r->dropoff[i].position, "expired", r->dropoff[i].expired);
	}
	for (i = 0; out && i < r->n_ttf; i++) {
		out = csv_line(out, "time_to_file", r->ttf[i].channel, "cases", r->ttf[i].cases);
		out = csv_line(out, "time_to_file", r->ttf[i].channel, "median_s", r->ttf[i].median_s);
	}
	out = csv_line(out, "callbacks", "open", "count", r->open_callbacks);
	out = csv_line(out, "announcements", "active", "count", r->active_announcements);
	out = csv_line(out, "sms_cost", "texts", "count", r->sms_out);
	out = csv_line(out, "sms_cost", "segments", "count", r->sms_segments);
	return out;
}
