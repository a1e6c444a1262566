/* dashboard.c -- the supervisor's page: one self-contained HTML document
 * (inline CSS, inline SVG bars, no script, no external asset, no build
 * step) that reloads itself every 30 s, showing the figures of
 * store/report.c for today and the last 7 days: cases by channel, service
 * and language, containment, the drop-off funnel, open callbacks and the
 * active announcement.
 *
 * Every number sits in an element with a stable id and a data-value
 * attribute ("cases-service-pothole-week"), so tests and scrapers read it
 * without parsing the layout.  Keys from the store (service codes, flow
 * states) are escaped in text and reduced to [a-z0-9._-] in ids.
 * The HTTP server (gateway/api/) serves stoop_dashboard_html() at
 * /dashboard; `stoopctl dashboard` writes it to a file.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/talloc.h>

#include "store/report.h"
#include "report/report.h"

#define DASH_WEEK_S	(7 * 86400)
#define DASH_REFRESH_S	30
#define BAR_W		320	/* px of the longest bar */
#define BAR_H		18

static char *esc_append(char *out, const char *s)
{
	for (; out && *s; s++) {
		switch (*s) {
		case '&': out = talloc_strdup_append(out, "&amp;"); break;
		case '<': out = talloc_strdup_append(out, "&lt;"); break;
		case '>': out = talloc_strdup_append(out, "&gt;"); break;
		case '"': out = talloc_strdup_append(out, "&quot;"); break;
		case '\'': out = talloc_strdup_append(out, "&#39;"); break;
		default: out = talloc_strndup_append(out, s, 1); break;
		}
	}
	return out;
}

/* An id part from a key: lower case letters, digits, '.', '_' and '-'. */
static const char *id_part(char *buf, size_t len, const char *key)
{
	size_t i;

	for (i = 0; key[i] && i + 1 < len; i++) {
		unsigned char c = (unsigned char)key[i];
		buf[i] = isalnum(c) || c == '.' || c == '_' || c == '-' ? (char)tolower(c) : '_';
	}
	buf[i] = '\0';
	return buf;
}

/* <td id="ID" data-value="N">N</td> */
static char *num_cell(char *out, const char *id, int64_t val)
{
	return out ? talloc_asprintf_append(out, "<td class=\"n\" id=\"%s\" data-value=\"%" PRId64 "\">%"
					    PRId64 "</td>", id, val, val) : NULL;
}

/* Horizontal bars: the week's count, today's drawn over it. */
static char *svg_bars(char *out, const char *id, const struct store_report_volume *v, unsigned n)
{
	unsigned i, max = 1;

	for (i = 0; i < n; i++)
		if (v[i].since > max)
			max = v[i].since;
	if (out)
		out = talloc_asprintf_append(out, "<svg id=\"%s-chart\" role=\"img\" width=\"%u\" height=\"%u\""
					     " xmlns=\"http://www.w3.org/2000/svg\">", id, BAR_W + 160,
					     n * (BAR_H + 6) + 4);
	for (i = 0; out && i < n; i++) {
		unsigned y = i * (BAR_H + 6) + 2;
		out = talloc_asprintf_append(out, "<text x=\"0\" y=\"%u\" class=\"l\">", y + BAR_H - 5);
		out = esc_append(out, v[i].key);
		if (out)
			out = talloc_asprintf_append(out, "</text><rect class=\"w\" x=\"150\" y=\"%u\" width=\"%u\""
						     " height=\"%u\"/><rect class=\"t\" x=\"150\" y=\"%u\""
						     " width=\"%u\" height=\"%u\"/>", y, v[i].since * BAR_W / max,
						     BAR_H, y, v[i].today * BAR_W / max, BAR_H);
	}
	return out ? talloc_strdup_append(out, "</svg>\n") : NULL;
}

static char *volume_section(char *out, const char *title, const char *what,
			    const struct store_report_volume *v, unsigned n)
{
	char id[160], key[96];
	unsigned i;

	if (out)
		out = talloc_asprintf_append(out, "<section id=\"cases-%s\"><h2>%s</h2>\n<table><tr><th></th>"
					     "<th>today</th><th>7 days</th></tr>\n", what, title);
	for (i = 0; out && i < n; i++) {
		id_part(key, sizeof(key), v[i].key);
		out = talloc_asprintf_append(out, "<tr data-key=\"");
		out = esc_append(out, v[i].key);
		out = out ? talloc_strdup_append(out, "\"><th>") : NULL;
		out = esc_append(out, v[i].key);
		out = out ? talloc_strdup_append(out, "</th>") : NULL;
		snprintf(id, sizeof(id), "cases-%s-%s-today", what, key);
		out = num_cell(out, id, v[i].today);
		snprintf(id, sizeof(id), "cases-%s-%s-week", what, key);
		out = num_cell(out, id, v[i].since);
		out = out ? talloc_strdup_append(out, "</tr>\n") : NULL;
	}
	if (out && !n)
		out = talloc_strdup_append(out, "<tr><td colspan=\"3\">none</td></tr>\n");
	if (out)
		out = talloc_strdup_append(out, "</table>\n");
	snprintf(id, sizeof(id), "cases-%s", what);
	out = svg_bars(out, id, v, n);
	return out ? talloc_strdup_append(out, "</section>\n") : NULL;
}

static char *containment_section(char *out, const struct store_report *r)
{
	char id[160], key[96];
	unsigned i;

	if (out)
		out = talloc_strdup_append(out, "<section id=\"containment\"><h2>Containment, 7 days"
					   " (sessions ended without an agent)</h2>\n<table><tr><th></th>"
					   "<th>sessions</th><th>contained</th><th>transferred</th>"
					   "<th>rate %</th></tr>\n");
	for (i = 0; out && i < r->n_containment; i++) {
		const struct store_report_containment *c = &r->containment[i];
		int pm = store_report_permille(c->contained, c->sessions);

		id_part(key, sizeof(key), c->channel);
		out = talloc_asprintf_append(out, "<tr><th>");
		out = esc_append(out, c->channel);
		out = out ? talloc_strdup_append(out, "</th>") : NULL;
		snprintf(id, sizeof(id), "containment-%s-sessions", key);
		out = num_cell(out, id, c->sessions);
		snprintf(id, sizeof(id), "containment-%s-contained", key);
		out = num_cell(out, id, c->contained);
		snprintf(id, sizeof(id), "containment-%s-transferred", key);
		out = num_cell(out, id, c->transferred);
		if (out)
			out = talloc_asprintf_append(out, "<td class=\"n\" id=\"containment-%s-rate\""
						     " data-value=\"%d\">%s%d.%d</td></tr>\n", key, pm,
						     pm < 0 ? "-" : "", pm < 0 ? 0 : pm / 10,
						     pm < 0 ? 0 : pm % 10);
	}
	return out ? talloc_strdup_append(out, "</table></section>\n") : NULL;
}

static char *dropoff_section(char *out, const struct store_report *r)
{
	unsigned i, max = 1;
	char id[160], key[96];

	for (i = 0; i < r->n_dropoff; i++)
		if (r->dropoff[i].total > max)
			max = r->dropoff[i].total;
	if (out)
		out = talloc_strdup_append(out, "<section id=\"dropoff\"><h2>Drop-off, 7 days"
					   " (last state of hang-ups and expired texts)</h2>\n<table>"
					   "<tr><th>state</th><th>hang-ups</th><th>expired</th><th>total</th>"
					   "<th></th></tr>\n");
	for (i = 0; out && i < r->n_dropoff; i++) {
		const struct store_report_dropoff *d = &r->dropoff[i];

		id_part(key, sizeof(key), d->position);
		out = talloc_asprintf_append(out, "<tr data-key=\"");
		out = esc_append(out, d->position);
		out = out ? talloc_strdup_append(out, "\"><th>") : NULL;
		out = esc_append(out, d->position);
		out = out ? talloc_strdup_append(out, "</th>") : NULL;
		snprintf(id, sizeof(id), "dropoff-%s-hangup", key);
		out = num_cell(out, id, d->hangups);
		snprintf(id, sizeof(id), "dropoff-%s-expired", key);
		out = num_cell(out, id, d->expired);
		snprintf(id, sizeof(id), "dropoff-%s-total", key);
		out = num_cell(out, id, d->total);
		if (out)
			out = talloc_asprintf_append(out, "<td><svg width=\"%u\" height=\"%u\""
						     " xmlns=\"http://www.w3.org/2000/svg\"><rect class=\"d\""
						     " width=\"%u\" height=\"%u\"/></svg></td></tr>\n", BAR_W,
						     BAR_H, d->total * BAR_W / max, BAR_H);
	}
	if (out && !r->n_dropoff)
		out = talloc_strdup_append(out, "<tr><td colspan=\"5\">none</td></tr>\n");
	return out ? talloc_strdup_append(out, "</table></section>\n") : NULL;
}

char *stoop_dashboard_render(void *ctx, const struct store_report *r)
{
	char when[32];
	time_t now = (time_t)r->now;
	struct tm tm;
	char *out;

	if (!gmtime_r(&now, &tm) || !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(when, sizeof(when), "%" PRId64, r->now);
	out = talloc_asprintf(ctx,
		"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"refresh\" content=\"%d\">\n"
		"<title>Stoop 311 self-service</title>\n<style>\n"
		"body{font-family:sans-serif;margin:1em 2em;color:#222}"
		"section{margin:1.5em 0}table{border-collapse:collapse}"
		"th,td{padding:2px 10px;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}"
		".big{font-size:2em;font-weight:bold}"
		"rect.w{fill:#9cc3e6}rect.t{fill:#1f5f99}rect.d{fill:#c0504d}text.l{font-size:12px}\n"
		"</style></head><body>\n<h1>Stoop 311 self-service</h1>\n"
		"<p>As of <time id=\"generated\" data-value=\"%" PRId64 "\">%s</time>; reloads every %d s."
		" Bars: light the last 7 days, dark today.</p>\n",
		DASH_REFRESH_S, r->now, when, DASH_REFRESH_S);
	if (out)
		out = talloc_asprintf_append(out, "<section id=\"summary\"><table><tr><th>Cases today</th>"
					     "<th>Cases, 7 days</th><th>Open callbacks</th>"
					     "<th>Active announcement</th></tr><tr>");
	out = num_cell(out, "cases-today", r->cases_today);
	out = num_cell(out, "cases-week", r->cases_since);
	out = num_cell(out, "callbacks-open", r->open_callbacks);
	if (out)
		out = talloc_asprintf_append(out, "<td id=\"announcements-active\" data-value=\"%d\">",
					     r->active_announcements);
	if (out && r->active_announcements < 0)
		out = talloc_strdup_append(out, "n/a");
	else if (out && r->announcement) {
		out = talloc_strdup_append(out, "<span id=\"announcement-name\">");
		out = esc_append(out, r->announcement);
		out = out ? talloc_strdup_append(out, "</span>") : NULL;
	} else if (out)
		out = talloc_strdup_append(out, "none");
	if (out)
		out = talloc_strdup_append(out, "</td></tr></table></section>\n");
	out = volume_section(out, "Cases by channel", "channel", r->by_channel, r->n_by_channel);
	out = volume_section(out, "Cases by service", "service", r->by_service, r->n_by_service);
	out = volume_section(out, "Cases by language", "lang", r->by_lang, r->n_by_lang);
	out = containment_section(out, r);
	out = dropoff_section(out, r);
	return out ? talloc_strdup_append(out, "</body></html>\n") : NULL;
}

char *stoop_dashboard_html(void *ctx, struct store *st, time_t now)
{
	struct store_report *r;
	char *html;

	if (store_report(st, ctx, (int64_t)now, (int64_t)now - DASH_WEEK_S, &r) < 0)
		return NULL;
	html = stoop_dashboard_render(ctx, r);
	talloc_free(r);
	return html;
}
