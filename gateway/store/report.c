/* report.c -- the supervisor's figures (store/report.h) from the store's
 * tables: cases for volumes, open callbacks and the time to file;
 * session_log for containment and the drop-off funnel; sms_out for the
 * cost in segments; announcements when the store has that table.
 *
 * Unlike the rest of store/, these statements are prepared when a report
 * is asked for, not at store_open(): a report runs once a minute at most
 * (the dashboard refreshes every 30 s), and the announcements table belongs
 * to a later schema version, so a statement over it cannot be prepared on
 * every store.  Everything is read in one read transaction, so the figures
 * agree with each other while stoopd writes.  Parameters are always bound.
 *
 * Time to file: the store does not link a case to its session, so a case
 * is matched to the session of the same channel and number ("sms:+1555...")
 * that was running when it was filed; only sessions that have ended are in
 * session_log, so cases filed in a conversation still going are not
 * counted yet.  The search looks at sessions that ended up to
 * REPORT_TTF_WINDOW_S after the filing, which keeps it on the ended_at index.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "core/logging.h"
#include "sms/sms_text.h"
#include "db_int.h"
#include "report.h"

#define REPORT_TTF_WINDOW_S	(6 * 3600)

struct report_ctx {
	struct store *st;
	struct store_report *r;
};

static sqlite3_stmt *report_prepare(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		LOGP(DSTORE, LOGL_ERROR, "store(%s): report: cannot prepare: %s\n", st->path,
		     sqlite3_errmsg(st->db));
		return NULL;
	}
	return stmt;
}

/* Bind whichever of $now, $since, $today the statement names. */
static void report_bind(sqlite3_stmt *stmt, const struct store_report *r)
{
	int idx;

	if ((idx = sqlite3_bind_parameter_index(stmt, "$now")) > 0)
		sqlite3_bind_int64(stmt, idx, r->now);
	if ((idx = sqlite3_bind_parameter_index(stmt, "$since")) > 0)
		sqlite3_bind_int64(stmt, idx, r->since);
	if ((idx = sqlite3_bind_parameter_index(stmt, "$today")) > 0)
		sqlite3_bind_int64(stmt, idx, r->today);
	if ((idx = sqlite3_bind_parameter_index(stmt, "$window")) > 0)
		sqlite3_bind_int64(stmt, idx, REPORT_TTF_WINDOW_S);
}

/* Volumes: reports (cases of kind request; callbacks are counted apart)
 * filed since $since, and those of them filed since $today, grouped by one
 * column. */
#define VOLUME_SQL(col) \
	"SELECT coalesce(" col ", '-') AS k, sum(created_at >= $today), count(*) FROM cases" \
	" WHERE kind = 'request' AND created_at >= $since AND created_at < $now" \
	" GROUP BY k ORDER BY count(*) DESC, k"

static int volume_row(void *list, void *elem, sqlite3_stmt *stmt)
{
	struct store_report_volume *v = elem;

	v->key = db_column_strdup(list, stmt, 0);
	v->today = sqlite3_column_int(stmt, 1);
	v->since = sqlite3_column_int(stmt, 2);
	return v->key ? 0 : -ENOMEM;
}

static int report_volume(struct report_ctx *rc, const char *sql, struct store_report_volume **out,
			 unsigned *n)
{
	sqlite3_stmt *stmt = report_prepare(rc->st, sql);
	void *list;
	int rv;

	if (!stmt)
		return -EIO;
	report_bind(stmt, rc->r);
	rv = db_collect(stmt, rc->r, sizeof(**out), volume_row, "report: volumes", &list, n);
	sqlite3_finalize(stmt);
	if (rv == 0)
		*out = list;
	return rv;
}

static int containment_row(void *list, void *elem, sqlite3_stmt *stmt)
{
	struct store_report_containment *c = elem;

	c->channel = db_column_strdup(list, stmt, 0);
	c->sessions = sqlite3_column_int(stmt, 1);
	c->transferred = sqlite3_column_int(stmt, 2);
	c->contained = c->sessions - c->transferred;
	return c->channel ? 0 : -ENOMEM;
}

static int dropoff_row(void *list, void *elem, sqlite3_stmt *stmt)
{
	struct store_report_dropoff *d = elem;

	d->position = db_column_strdup(list, stmt, 0);
	d->hangups = sqlite3_column_int(stmt, 1);
	d->expired = sqlite3_column_int(stmt, 2);
	d->total = d->hangups + d->expired;
	return d->position ? 0 : -ENOMEM;
}

static int report_rows(struct report_ctx *rc, const char *sql, size_t size, db_row_fn row,
		       const char *what, void **out, unsigned *n)
{
	sqlite3_stmt *stmt = report_prepare(rc->st, sql);
	int rv;

	if (!stmt)
		return -EIO;
	report_bind(stmt, rc->r);
	rv = db_collect(stmt, rc->r, size, row, what, out, n);
	sqlite3_finalize(stmt);
	return rv;
}

static int report_int(struct report_ctx *rc, const char *sql, const char *what, int64_t *val)
{
	sqlite3_stmt *stmt = report_prepare(rc->st, sql);
	int rv;

	if (!stmt)
		return -EIO;
	report_bind(stmt, rc->r);
	rv = db_step_int64(stmt, what, val);
	sqlite3_finalize(stmt);
	return rv == -ENOENT ? 0 : rv;
}

static bool report_has_table(struct report_ctx *rc, const char *table)
{
	sqlite3_stmt *stmt = report_prepare(rc->st,
		"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $name");
	bool found;

	if (!stmt)
		return false;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	found = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_finalize(stmt);
	return found;
}

/* The announcements of schema v5 (the contact-center hours and
 * announcements work): one is active at a time. */
static int report_announcements(struct report_ctx *rc)
{
	sqlite3_stmt *stmt;
	int step;

	rc->r->active_announcements = -1;
	if (!report_has_table(rc, "announcements"))
		return 0;
	stmt = report_prepare(rc->st, "SELECT name FROM announcements WHERE active = 1 ORDER BY name");
	if (!stmt)
		return -EIO;
	rc->r->active_announcements = 0;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (!rc->r->announcement)
			rc->r->announcement = db_column_strdup(rc->r, stmt, 0);
		rc->r->active_announcements++;
	}
	if (step != SQLITE_DONE)
		step = db_error(stmt, "report: announcements");
	else
		step = 0;
	sqlite3_finalize(stmt);
	return step;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median of a sorted run: the lower middle for an even count, so the
 * figure is always a time someone actually took. */
static int64_t median_of(int64_t *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	return v[(n - 1) / 2];
}

static int report_ttf(struct report_ctx *rc)
{
	sqlite3_stmt *stmt = report_prepare(rc->st,
		"SELECT c.channel, c.created_at - max(s.started_at) FROM cases c"
		" JOIN session_log s ON s.ended_at >= c.created_at AND s.ended_at <= c.created_at + $window"
		" AND s.key = c.channel || ':' || c.phone AND s.started_at <= c.created_at"
		" WHERE c.created_at >= $since AND c.created_at < $now AND c.kind = 'request'"
		" AND c.channel IN ('sms', 'voice') AND c.phone IS NOT NULL"
		" GROUP BY c.id ORDER BY c.channel");
	int64_t *vals = NULL;
	unsigned n = 0, alloc = 0;
	char *channel = NULL;
	int step, rv = 0;

	if (!stmt)
		return -EIO;
	report_bind(stmt, rc->r);
	rc->r->ttf = talloc_zero_array(rc->r, struct store_report_ttf, 2);
	for (;;) {
		const char *ch;

		step = sqlite3_step(stmt);
		ch = step == SQLITE_ROW ? (const char *)sqlite3_column_text(stmt, 0) : NULL;
		if (channel && (!ch || strcmp(ch, channel))) {
			struct store_report_ttf *t = &rc->r->ttf[rc->r->n_ttf++];

			t->channel = channel;
			t->cases = n;
			t->median_s = median_of(vals, n);
			channel = NULL;
			n = 0;
		}
		if (step != SQLITE_ROW)
			break;
		if (!channel) {
			if (rc->r->n_ttf == 2)
				break;	/* only sms and voice are selected */
			channel = talloc_strdup(rc->r, ch);
		}
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			vals = talloc_realloc(rc->r, vals, int64_t, alloc);
			if (!vals) {
				rv = -ENOMEM;
				break;
			}
		}
		vals[n++] = sqlite3_column_int64(stmt, 1);
	}
	if (!rv && step != SQLITE_DONE && step != SQLITE_ROW)
		rv = db_error(stmt, "report: time to file");
	talloc_free(vals);
	sqlite3_finalize(stmt);
	return rv;
}

/* The texts queued since the start and the SMS segments they take (as the
 * SMS channel sends them: accents folded). */
static int report_sms_cost(struct report_ctx *rc)
{
	sqlite3_stmt *stmt = report_prepare(rc->st,
		"SELECT text FROM sms_out WHERE created_at >= $since AND created_at < $now");
	struct sms_size size;
	int step;

	if (!stmt)
		return -EIO;
	report_bind(stmt, rc->r);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(stmt, 0);

		rc->r->sms_out++;
		if (text && sms_text_size(text, true, &size) == 0)
			rc->r->sms_segments += size.segments;
		else
			rc->r->sms_segments++;
	}
	step = step == SQLITE_DONE ? 0 : db_error(stmt, "report: SMS cost");
	sqlite3_finalize(stmt);
	return step;
}

static int64_t local_midnight(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return now - now % 86400;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

int store_report_permille(unsigned part, unsigned whole)
{
	if (!whole)
		return -1;
	return (int)(((uint64_t)part * 1000 + whole / 2) / whole);
}

static int report_fill(struct report_ctx *rc)
{
	struct store_report *r = rc->r;
	int64_t v;
	void *list;
	unsigned i;
	int rv;

	rv = report_volume(rc, VOLUME_SQL("channel"), &r->by_channel, &r->n_by_channel);
	rv = rv ? : report_volume(rc, VOLUME_SQL("service_code"), &r->by_service, &r->n_by_service);
	rv = rv ? : report_volume(rc, VOLUME_SQL("lang"), &r->by_lang, &r->n_by_lang);
	if (rv)
		return rv;
	for (i = 0; i < r->n_by_channel; i++) {
		r->cases_today += r->by_channel[i].today;
		r->cases_since += r->by_channel[i].since;
	}

	rv = report_rows(rc,
		"SELECT 'all', count(*), coalesce(sum(outcome = 'transferred'), 0) FROM session_log"
		" WHERE ended_at >= $since AND ended_at < $now"
		" UNION ALL SELECT * FROM (SELECT coalesce(channel, '-') AS ch, count(*),"
		" sum(outcome = 'transferred') FROM session_log"
		" WHERE ended_at >= $since AND ended_at < $now GROUP BY ch ORDER BY ch)",
		sizeof(*r->containment), containment_row, "report: containment", &list,
		&r->n_containment);
	if (rv)
		return rv;
	r->containment = list;

	rv = report_rows(rc,
		"SELECT coalesce(last_position, '-') AS p, sum(outcome = 'hangup'),"
		" sum(outcome = 'expired') FROM session_log"
		" WHERE ended_at >= $since AND ended_at < $now AND outcome IN ('hangup', 'expired')"
		" GROUP BY p ORDER BY count(*) DESC, p",
		sizeof(*r->dropoff), dropoff_row, "report: drop-off", &list, &r->n_dropoff);
	if (rv)
		return rv;
	r->dropoff = list;

	/* Callbacks are cases of kind callback until an agent closes them.
	 * (Schema v5 adds when a callback was done or failed; an open one is
	 * still one not closed.) */
	rv = report_int(rc, "SELECT count(*) FROM cases WHERE kind = 'callback' AND status <> 'closed'",
			"report: open callbacks", &v);
	if (rv)
		return rv;
	r->open_callbacks = (unsigned)v;

	rv = report_announcements(rc);
	rv = rv ? : report_ttf(rc);
	rv = rv ? : report_sms_cost(rc);
	return rv;
}

int store_report(struct store *st, void *ctx, int64_t now, int64_t since,
		 struct store_report **out)
{
	struct report_ctx rc = { .st = st };
	bool own_tx;
	int rv;

	*out = NULL;
	if (since > now)
		return -EINVAL;
	rc.r = talloc_zero(ctx, struct store_report);
	if (!rc.r)
		return -ENOMEM;
	rc.r->now = now;
	rc.r->since = since;
	rc.r->today = local_midnight(now);
	if (rc.r->today < since)
		rc.r->today = since;

	/* one snapshot for every figure (inside a caller's transaction, that one) */
	own_tx = sqlite3_get_autocommit(st->db);
	if (own_tx && sqlite3_exec(st->db, "BEGIN DEFERRED", NULL, NULL, NULL) != SQLITE_OK)
		own_tx = false;
	rv = report_fill(&rc);
	if (own_tx)
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	if (rv) {
		talloc_free(rc.r);
		return rv;
	}
	*out = rc.r;
	return 0;
}
