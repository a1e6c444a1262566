/* console.c -- formats cases, sessions and flow counts for operators: the
 * telnet console of stoopd and stoopctl print these strings as they are.
 *
 * Design notes: the views are plain fixed-width text, one record per line,
 * so that an operator can read them over telnet and a test can compare them
 * with a golden file.  Free text typed by residents (locations,
 * descriptions) may hold anything an SMS can carry, so control characters
 * become spaces and long text is cut on a UTF-8 character boundary.  Phone
 * numbers go through stoop_mask_number() (core/logging.c); the one view that
 * can print a full number is the callback list, and only when its caller
 * (stoopctl, an administrator's tool: the agent must dial it) asks.  Reading the store is the caller's business
 * except for console_case_detail(), which needs history and case together.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <talloc.h>

#include "core/console.h"
#include "core/hours.h"
#include "core/logging.h"
#include "flow/flow.h"
#include "store/store.h"

/* Columns of the case table. */
#define CONSOLE_SERVICE_W	14
#define CONSOLE_LOCATION_MAX	40

char *console_time_iso(void *ctx, int64_t unix_seconds)
{
	time_t t = (time_t)unix_seconds;
	struct tm tm;
	char buf[32];

	if (!gmtime_r(&t, &tm))
		return talloc_strdup(ctx, "-");
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return talloc_strdup(ctx, buf);
}

char *console_duration(void *ctx, int64_t s)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		return talloc_asprintf(ctx, "%" PRId64 "s", s);
	if (s < 3600)
		return talloc_asprintf(ctx, "%" PRId64 "m%02" PRId64 "s", s / 60, s % 60);
	if (s < 86400)
		return talloc_asprintf(ctx, "%" PRId64 "h%02" PRId64 "m", s / 3600, (s % 3600) / 60);
	return talloc_asprintf(ctx, "%" PRId64 "d%02" PRId64 "h", s / 86400, (s % 86400) / 3600);
}

char *console_session_key(void *ctx, const char *key)
{
	const char *colon;

	if (!key)
		return talloc_strdup(ctx, "-");
	colon = strchr(key, ':');
	if (!colon)
		return talloc_strdup(ctx, stoop_mask_number(key));
	return talloc_asprintf(ctx, "%.*s:%s", (int)(colon - key), key,
			       stoop_mask_number(colon + 1));
}

const char *console_case_error(int rc)
{
	switch (rc) {
	case -EINVAL:
		return "Invalid case number (digits only, 3 to 18 of them)";
	case -EBADMSG:
		return "Invalid case number (check digit)";
	case -ENOENT:
		return "No such case";
	default:
		return "Store error (see the log)";
	}
}

/* s with control characters turned into spaces, cut after max_chars UTF-8
 * characters with "..." appended (max_chars 0: no limit).  NULL and ""
 * become "-". */
static char *console_clean(void *ctx, const char *s, unsigned max_chars)
{
	size_t len, i, cut = 0;
	unsigned chars = 0;
	bool cut_off = false;
	char *out;

	if (!s || !*s)
		return talloc_strdup(ctx, "-");
	len = strlen(s);
	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;	/* continuation byte of the previous character */
		if (max_chars && chars == max_chars) {
			cut_off = true;
			break;
		}
		chars++;
	}
	cut = i;
	out = talloc_asprintf(ctx, "%.*s%s", (int)cut, s, cut_off ? "..." : "");
	if (!out)
		return NULL;
	for (i = 0; i < cut; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c < 0x20 || c == 0x7f)
			out[i] = ' ';
	}
	return out;
}

char *console_cases_table(void *ctx, struct store_case *const *cases, unsigned n)
{
	char *out;
	unsigned i;

	out = talloc_asprintf(ctx, "%-10s %-*s %-11s %-7s %-20s %s\n",
			      "id", CONSOLE_SERVICE_W, "service", "status", "channel",
			      "created", "location");
	for (i = 0; i < n && out; i++) {
		const struct store_case *c = cases[i];
		void *tmp = talloc_new(ctx);

		out = talloc_asprintf_append(out, "%-10" PRIu64 " %-*s %-11s %-7s %-20s %s\n",
			c->id, CONSOLE_SERVICE_W,
			console_clean(tmp, c->service_code, CONSOLE_SERVICE_W),
			console_clean(tmp, c->status, 0),
			console_clean(tmp, c->channel, 0),
			console_time_iso(tmp, c->created_at),
			console_clean(tmp, c->location, CONSOLE_LOCATION_MAX));
		talloc_free(tmp);
	}
	if (out)
		out = talloc_asprintf_append(out, "%u case%s\n", n, n == 1 ? "" : "s");
	return out;
}

int console_case_detail(void *ctx, struct store *st, uint64_t id, char **out_text)
{
	void *tmp = talloc_new(ctx);
	struct store_case *c;
	struct store_case_event *ev = NULL;
	unsigned n_ev = 0, i;
	char *out;
	int rc;

	rc = store_case_get(st, tmp, id, &c);
	if (rc < 0)
		goto out;
	rc = store_case_history(st, tmp, id, &ev, &n_ev);
	if (rc < 0)
		goto out;

	out = talloc_asprintf(tmp, "case %" PRIu64 "\n", c->id);
#define FIELD(label, value) \
	out = talloc_asprintf_append(out, "  %-12s %s\n", label, value)
	FIELD("kind", console_clean(tmp, c->kind, 0));
	FIELD("service", console_clean(tmp, c->service_code, 0));
	FIELD("status", console_clean(tmp, c->status, 0));
	FIELD("location", console_clean(tmp, c->location, 0));
	FIELD("description", console_clean(tmp, c->description, 0));
	FIELD("recording", console_clean(tmp, c->recording, 0));
	FIELD("channel", console_clean(tmp, c->channel, 0));
	FIELD("phone", c->phone && *c->phone ? stoop_mask_number(c->phone) : "-");
	FIELD("language", console_clean(tmp, c->lang, 0));
	if (c->kind && !strcmp(c->kind, CASE_KIND_CALLBACK)) {
		FIELD("window", console_clean(tmp, c->callback_window, 0));
		FIELD("reason", console_clean(tmp, c->reason, 0));
	}
	FIELD("flow path", console_clean(tmp, c->flow_path, 0));
	if (c->overflow)
		FIELD("overflow", console_clean(tmp, c->overflow, 0));
	FIELD("created", console_time_iso(tmp, c->created_at));
	FIELD("updated", console_time_iso(tmp, c->updated_at));
	out = talloc_asprintf_append(out, "  %-12s %u\n", "followers", c->followers);
#undef FIELD
	out = talloc_asprintf_append(out, "history\n");
	for (i = 0; i < n_ev && out; i++)
		out = talloc_asprintf_append(out, "  %s  %-11s %-10s %s\n",
					     console_time_iso(tmp, ev[i].at),
					     console_clean(tmp, ev[i].status, 0),
					     console_clean(tmp, ev[i].actor, 0),
					     console_clean(tmp, ev[i].note, 0));
	if (!out) {
		rc = -ENOMEM;
		goto out;
	}
	*out_text = talloc_steal(ctx, out);
	rc = 0;
out:
	talloc_free(tmp);
	return rc;
}

char *console_sessions_table(void *ctx, const struct store_session *s, unsigned n, int64_t now)
{
	char *out;
	unsigned i;

	out = talloc_asprintf(ctx, "%-22s %-32s %-8s %s\n", "session", "position", "age", "idle");
	for (i = 0; i < n && out; i++) {
		void *tmp = talloc_new(ctx);

		out = talloc_asprintf_append(out, "%-22s %-32s %-8s %s\n",
			console_session_key(tmp, s[i].key),
			console_clean(tmp, s[i].position, 0),
			console_duration(tmp, now - s[i].created_at),
			console_duration(tmp, now - s[i].updated_at));
		talloc_free(tmp);
	}
	if (out)
		out = talloc_asprintf_append(out, "%u session%s\n", n, n == 1 ? "" : "s");
	return out;
}

char *console_flows_summary(void *ctx, const struct flow_set *fs)
{
	char *out;
	const char *lang;
	unsigned i;

	out = talloc_asprintf(ctx, "%u flows, %u states\nlanguages:",
			      flow_set_n_flows(fs), flow_set_n_states(fs));
	for (i = 0; out && (lang = flow_set_lang(fs, i)); i++)
		out = talloc_asprintf_append(out, " %s", lang);
	if (out)
		out = talloc_asprintf_append(out, " (default %s)\n", flow_set_default_lang(fs));
	return out;
}

char *console_callbacks_table(void *ctx, struct store_case *const *cases, unsigned n, int64_t now,
			      bool full_numbers)
{
	char *out;
	unsigned i;

	out = talloc_asprintf(ctx, "%-10s %-8s %-6s %-9s %-4s %-16s %-10s %s\n", "id", "waiting",
			      "status", "window", "lang", "number", "overflow", "reason / path");
	for (i = 0; i < n && out; i++) {
		const struct store_case *c = cases[i];
		void *tmp = talloc_new(ctx);

		out = talloc_asprintf_append(out, "%-10" PRIu64 " %-8s %-6s %-9s %-4s %-16s %-10s %s\n",
			c->id, console_duration(tmp, now - c->created_at),
			!strcmp(c->status, CASE_STATUS_OPEN) ? "open" : "taken",
			console_clean(tmp, c->callback_window, 0),
			console_clean(tmp, c->lang, 0),
			!c->phone ? "-" : full_numbers ? console_clean(tmp, c->phone, 16)
						       : stoop_mask_number(c->phone),
			console_clean(tmp, c->overflow, 0),
			console_clean(tmp, c->reason, CONSOLE_LOCATION_MAX));
		out = talloc_asprintf_append(out, "%-10s %s\n", "", console_clean(tmp, c->flow_path, 0));
		talloc_free(tmp);
	}
	if (out)
		out = talloc_asprintf_append(out, "%u callback%s to make\n", n, n == 1 ? "" : "s");
	return out;
}

const char *console_callback_error(int rc)
{
	switch (rc) {
	case -EINVAL:
		return "Not an open callback";
	default:
		return console_case_error(rc);
	}
}

char *console_announcements_table(void *ctx, struct store_announcement *const *a, unsigned n)
{
	char *out;
	unsigned i, j;

	out = talloc_asprintf(ctx, "%-16s %-4s %-10s %-20s %s\n", "name", "on", "case", "updated",
			      "languages");
	for (i = 0; i < n && out; i++) {
		void *tmp = talloc_new(ctx);
		char *langs = talloc_strdup(tmp, "");

		for (j = 0; j < a[i]->n_langs; j++)
			langs = talloc_asprintf_append(langs, "%s%s%s", j ? " " : "", a[i]->langs[j].lang,
						       a[i]->langs[j].audio ? "+audio" : "");
		out = talloc_asprintf_append(out, "%-16s %-4s %-10s %-20s %s\n", a[i]->name,
			a[i]->active ? "ON" : "off",
			a[i]->case_id ? talloc_asprintf(tmp, "%" PRIu64, a[i]->case_id) : "-",
			console_time_iso(tmp, a[i]->updated_at), *langs ? langs : "-");
		talloc_free(tmp);
	}
	if (out)
		out = talloc_asprintf_append(out, "%u announcement%s\n", n, n == 1 ? "" : "s");
	return out;
}

int console_announcement_detail(void *ctx, struct store *st, const char *name, char **out_text)
{
	void *tmp = talloc_new(ctx);
	struct store_announcement *a;
	struct store_announcement_event *ev;
	unsigned n_ev, i;
	char *out;
	int rc;

	rc = store_announcement_get(st, tmp, name, &a);
	rc = rc ? : store_announcement_history(st, tmp, name, &ev, &n_ev);
	if (rc < 0)
		goto out;
	out = talloc_asprintf(tmp, "announcement %s: %s\n", a->name, a->active ? "ON" : "off");
	out = talloc_asprintf_append(out, "  %-9s %s\n", "case",
				     a->case_id ? talloc_asprintf(tmp, "%" PRIu64, a->case_id) : "-");
	for (i = 0; i < a->n_langs; i++) {
		out = talloc_asprintf_append(out, "  %-9s %s\n", a->langs[i].lang,
					     console_clean(tmp, a->langs[i].text, 0));
		if (a->langs[i].audio)
			out = talloc_asprintf_append(out, "  %-9s %s\n", "", console_clean(tmp, a->langs[i].audio, 0));
	}
	out = talloc_asprintf_append(out, "history\n");
	for (i = 0; i < n_ev; i++)
		out = talloc_asprintf_append(out, "  %s  %-3s %s\n", console_time_iso(tmp, ev[i].at),
					     ev[i].active ? "on" : "off", console_clean(tmp, ev[i].actor, 0));
	*out_text = talloc_steal(ctx, out);
out:
	talloc_free(tmp);
	return rc;
}

const char *console_announcement_error(int rc)
{
	switch (rc) {
	case -ENOENT:
		return "No such announcement (or no such case)";
	case -EINVAL:
		return "Refused: a name is a-z 0-9 _ - (up to 32), a language 2 to 8 letters; "
		       "an announcement needs a text before it is turned on";
	default:
		return "Store error (see the log)";
	}
}

char *console_hours_summary(void *ctx, const struct stoop_hours *h)
{
	int64_t now = stoop_hours_now(h), next = 0;
	bool open = stoop_hours_open(h, now, &next);
	char *out;

	if (!h || !h->configured)
		return talloc_strdup(ctx, "open: no hours configured (always open)\n");
	out = talloc_asprintf(ctx, "%s now (%s)\n", open ? "open" : "closed",
			      stoop_hours_fmt_local(ctx, h, now));
	if (next)
		out = talloc_asprintf_append(out, "%s at %s\n", open ? "closes" : "opens",
					     stoop_hours_fmt_local(out, h, next));
	else
		out = talloc_asprintf_append(out, "no change within a year\n");
	if (h->clock_offset)
		out = talloc_asprintf_append(out, "test clock: %+lld s from the real clock\n",
					     (long long)h->clock_offset);
	return talloc_asprintf_append(out, "hours\n%s", stoop_hours_config_lines(out, h));
}
