/* report_test.c -- the supervisor's figures on a real SQLite file with
 * known data: store/report.c's numbers (volumes, containment, drop-off,
 * open callbacks, announcements, time to file, SMS cost), the CSV and the
 * dashboard's ids (report/), and the counters of core/stats.c with their
 * Prometheus text.  TAP lines on stdout.
 *
 * `report_test --seed FILE` only writes the seeded store to FILE, for
 * tests/report/report_e2e.sh (stoopctl report, the dashboard in Chromium).
 * The seed's "now" is REPORT_NOW (2026-11-23T15:00:00Z); run with TZ=UTC.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "core/logging.h"
#include "core/stats.h"
#include "store/store.h"
#include "store/report.h"
#include "report/report.h"
#include "testlib.h"

#define REPORT_NOW	1795446000LL	/* 2026-11-23T15:00:00Z */
#define H		3600
#define D		86400

static void *ctx;

static void clock_set(int64_t t)
{
	struct timespec *ts = osmo_clock_override_gettimespec(CLOCK_REALTIME);

	ts->tv_sec = t;
	ts->tv_nsec = 0;
}

static uint64_t file_case(struct store *st, int64_t at, const char *kind, const char *channel,
			  const char *service, const char *location, const char *lang, const char *phone)
{
	struct store_case_new req = {
		.kind = kind, .service_code = service, .location = location, .channel = channel,
		.lang = lang, .phone = phone,
	};
	struct store_case *c = NULL;
	uint64_t id = 0;

	clock_set(at);
	if (store_case_create(st, ctx, &req, &c, NULL) == 0 && c)
		id = c->id;
	talloc_free(c);
	return id;
}

static void session(struct store *st, const char *key, int64_t started, int64_t ended,
		    const char *position, const char *outcome)
{
	const char *channel = strncmp(key, "sms:", 4) ? "voice" : "sms";

	clock_set(ended);
	store_session_log_end(st, key, channel, "main", position, outcome, started);
}

static void sms_out(struct store *st, int64_t at, const char *text)
{
	int64_t id;

	clock_set(at);
	store_sms_out_queue(st, "+15550000001", text, "reply", 0, &id);
}

/* The announcements table of schema v5, as the contact-center work
 * creates it (IF NOT EXISTS: a store that has it already keeps it). */
static int seed_announcements(const char *path)
{
	sqlite3 *db;
	int rc;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -EIO;
	rc = sqlite3_exec(db,
		"CREATE TABLE IF NOT EXISTS announcements (name TEXT PRIMARY KEY, case_id INTEGER,"
		" active INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,"
		" updated_at INTEGER NOT NULL);"
		"INSERT INTO announcements (name, active, created_at, updated_at)"
		" VALUES ('flood', 1, 0, 0), ('snow', 0, 0, 0);", NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -EIO;
}

/* Known data, all relative to REPORT_NOW:
 * reports (requests) in the 7 days: sms pothole en 3d ago (A), voice
 * streetlight es 2d ago (B), sms pothole en 2h ago (C), voice trash en 1h
 * ago (D); a report 30 min ago joins A's case; one 10 days ago is outside.
 * Callbacks: voice 20 min ago (open), sms 1d ago (closed).
 * Sessions: A 120 s, C 300 s (sms, completed); B 90 s (voice, completed);
 * D 45 s (voice, transferred); voice hang-ups at main.menu, report.where x2;
 * sms expired at report.where and status.ask; one 9 days ago.
 * Texts: 1 + 2 + 2 segments in the window, one 8 days ago. */
static struct store *seed(const char *path)
{
	struct store *st = store_open(ctx, path, STORE_SYNC_NORMAL);
	const int64_t N = REPORT_NOW;
	char long_gsm[201], ucs2[160];
	uint64_t cb;

	if (!st)
		return NULL;
	file_case(st, N - 3 * D, NULL, "sms", "pothole", "12 Main St", "en", "+15550000010");
	file_case(st, N - 2 * D, NULL, "voice", "streetlight", "5 Oak Ave", "es", "+15550000011");
	file_case(st, N - 2 * H, NULL, "sms", "pothole", "99 Elm St", "en", "+15550000012");
	file_case(st, N - 1 * H, NULL, "voice", "trash", "1 Pine Rd", "en", "+15550000013");
	file_case(st, N - 30 * 60, NULL, "sms", "pothole", "12 Main Street.", "en", "+15550000014");
	file_case(st, N - 10 * D, NULL, "sms", "graffiti", "7 Ash Ct", "en", "+15550000015");
	file_case(st, N - 20 * 60, CASE_KIND_CALLBACK, "voice", NULL, NULL, "en", "+15550000016");
	cb = file_case(st, N - 1 * D, CASE_KIND_CALLBACK, "sms", NULL, NULL, "es", "+15550000017");
	clock_set(N - 12 * H);
	store_case_set_status(st, cb, CASE_STATUS_CLOSED, "called back", "test");

	session(st, "sms:+15550000010", N - 3 * D - 120, N - 3 * D + 60, "report.file", "completed");
	session(st, "sms:+15550000012", N - 2 * H - 300, N - 2 * H + 10, "report.file", "completed");
	session(st, "voice:+15550000011", N - 2 * D - 90, N - 2 * D + 5, "report.file", "completed");
	session(st, "voice:+15550000013", N - 1 * H - 45, N - 1 * H + 30, "agent.connect", "transferred");
	session(st, "voice:+15550000020", N - 5 * H - 60, N - 5 * H, "main.menu", "hangup");
	session(st, "voice:+15550000021", N - 4 * H - 60, N - 4 * H, "report.where", "hangup");
	session(st, "voice:+15550000022", N - 3 * H - 60, N - 3 * H, "report.where", "hangup");
	session(st, "sms:+15550000023", N - 2 * D - 600, N - 2 * D, "report.where", "expired");
	session(st, "sms:+15550000024", N - 1 * D - 600, N - 1 * D, "status.ask", "expired");
	session(st, "voice:+15550000025", N - 9 * D - 60, N - 9 * D, "main.menu", "hangup");

	memset(long_gsm, 'x', 200);
	long_gsm[200] = '\0';
	snprintf(ucs2, sizeof(ucs2), "\xF0\x9F\x98\x80 %s", "Thank you, we have your report about the pothole on your street today!");
	sms_out(st, N - 2 * H, "Your case number is 1000002.");
	sms_out(st, N - 1 * H, long_gsm);
	sms_out(st, N - 1 * H, ucs2);
	sms_out(st, N - 8 * D, "old");
	clock_set(N);
	return st;
}

static void test_report(struct store *st, const char *path)
{
	struct store_report *r;
	int rc;

	rc = store_report(st, ctx, REPORT_NOW, REPORT_NOW - 7 * D, &r);
	if (!CHECK(rc == 0, "store_report: %d", rc))
		return;
	CHECK(r->today == REPORT_NOW - 15 * H, "today starts at local (UTC) midnight");
	CHECK(r->cases_today == 2 && r->cases_since == 4, "reports filed: 2 today, 4 in 7 days (%u, %u)",
	      r->cases_today, r->cases_since);
	CHECK(r->n_by_channel == 2
	      && !strcmp(r->by_channel[0].key, "sms") && r->by_channel[0].since == 2 && r->by_channel[0].today == 1
	      && !strcmp(r->by_channel[1].key, "voice") && r->by_channel[1].since == 2
	      && r->by_channel[1].today == 1, "by channel: sms 1/2, voice 1/2");
	CHECK(r->n_by_service == 3
	      && !strcmp(r->by_service[0].key, "pothole") && r->by_service[0].since == 2 && r->by_service[0].today == 1
	      && !strcmp(r->by_service[1].key, "streetlight") && r->by_service[1].since == 1 && r->by_service[1].today == 0
	      && !strcmp(r->by_service[2].key, "trash") && r->by_service[2].since == 1 && r->by_service[2].today == 1,
	      "by service: pothole 1/2, streetlight 0/1, trash 1/1");
	CHECK(r->n_by_lang == 2 && !strcmp(r->by_lang[0].key, "en") && r->by_lang[0].since == 3
	      && r->by_lang[0].today == 2 && !strcmp(r->by_lang[1].key, "es") && r->by_lang[1].since == 1,
	      "by language: en 2/3, es 0/1");
	CHECK(r->n_containment == 3 && !strcmp(r->containment[0].channel, "all")
	      && r->containment[0].sessions == 9 && r->containment[0].transferred == 1
	      && r->containment[0].contained == 8, "containment: 9 sessions, 8 contained, 1 transferred");
	CHECK(store_report_permille(8, 9) == 889, "containment 88.9%%");
	CHECK(r->n_containment == 3 && !strcmp(r->containment[1].channel, "sms")
	      && r->containment[1].sessions == 4 && r->containment[1].contained == 4
	      && !strcmp(r->containment[2].channel, "voice") && r->containment[2].sessions == 5
	      && r->containment[2].transferred == 1, "containment by channel: sms 4/4, voice 4/5");
	CHECK(r->n_dropoff == 3 && !strcmp(r->dropoff[0].position, "report.where")
	      && r->dropoff[0].hangups == 2 && r->dropoff[0].expired == 1 && r->dropoff[0].total == 3
	      && !strcmp(r->dropoff[1].position, "main.menu") && r->dropoff[1].total == 1
	      && !strcmp(r->dropoff[2].position, "status.ask") && r->dropoff[2].expired == 1,
	      "drop-off: report.where 3 (2 hang-ups, 1 expired), main.menu 1, status.ask 1");
	CHECK(r->open_callbacks == 1, "open callbacks: 1 (%u)", r->open_callbacks);
	CHECK(r->n_ttf == 2 && !strcmp(r->ttf[0].channel, "sms") && r->ttf[0].cases == 2
	      && r->ttf[0].median_s == 120 && !strcmp(r->ttf[1].channel, "voice") && r->ttf[1].cases == 2
	      && r->ttf[1].median_s == 45, "time to file: sms median 120 s of 2, voice 45 s of 2");
	CHECK(r->sms_out == 3 && r->sms_segments == 5, "SMS cost: 3 texts, 5 segments (%u, %u)",
	      r->sms_out, r->sms_segments);
	CHECK(r->active_announcements == -1 || r->active_announcements == 0,
	      "announcements: none on a store without them (%d)", r->active_announcements);
	talloc_free(r);

	rc = store_report(st, ctx, REPORT_NOW, REPORT_NOW + 1, &r);
	CHECK(rc == -EINVAL, "since after now: -EINVAL");

	CHECK(seed_announcements(path) == 0, "announcements table added");
	rc = store_report(st, ctx, REPORT_NOW, REPORT_NOW - 7 * D, &r);
	CHECK(rc == 0 && r->active_announcements == 1 && r->announcement
	      && !strcmp(r->announcement, "flood"), "active announcement: flood");
	if (rc == 0)
		talloc_free(r);
}

static bool has(const char *text, const char *needle)
{
	return text && strstr(text, needle);
}

static void test_renderers(struct store *st)
{
	struct store_report *r;
	char *csv, *text, *html;

	if (store_report(st, ctx, REPORT_NOW, REPORT_NOW - 7 * D, &r) < 0)
		return;
	csv = stoop_report_csv(ctx, r);
	CHECK(has(csv, "section,key,metric,value\n"), "csv: header");
	CHECK(has(csv, "\nservice,pothole,since,2\n") && has(csv, "\nservice,pothole,today,1\n"),
	      "csv: pothole 1 today, 2 since");
	CHECK(has(csv, "\ncontainment,all,permille,889\n"), "csv: containment 889 permille");
	CHECK(has(csv, "\ndropoff,report.where,hangup,2\n"), "csv: drop-off at report.where");
	CHECK(has(csv, "\ntime_to_file,sms,median_s,120\n"), "csv: time to file");
	CHECK(has(csv, "\nsms_cost,segments,count,5\n"), "csv: SMS segments");
	text = stoop_report_text(ctx, r);
	CHECK(has(text, "88.9%") && has(text, "Open callbacks: 1") && has(text, "(flood)"),
	      "text: containment, callbacks, announcement");
	html = stoop_dashboard_html(ctx, st, (time_t)REPORT_NOW);
	CHECK(has(html, "<meta http-equiv=\"refresh\" content=\"30\">"), "dashboard: refreshes every 30 s");
	CHECK(has(html, "id=\"cases-channel-sms-week\" data-value=\"2\"")
	      && has(html, "id=\"cases-service-trash-today\" data-value=\"1\"")
	      && has(html, "id=\"cases-lang-en-week\" data-value=\"3\""), "dashboard: volume ids");
	CHECK(has(html, "id=\"containment-all-rate\" data-value=\"889\">88.9<"), "dashboard: containment");
	CHECK(has(html, "id=\"dropoff-report.where-total\" data-value=\"3\""), "dashboard: drop-off");
	CHECK(has(html, "id=\"callbacks-open\" data-value=\"1\"")
	      && has(html, "<span id=\"announcement-name\">flood</span>"), "dashboard: callbacks, announcement");
	CHECK(html && !strstr(html, "https:") && !strstr(html, "src=") && !strstr(html, "<script")
	      && !strstr(html, "<link") && !strstr(html, "url("), "dashboard: no external assets, no script");
	CHECK(has(html, "<svg id=\"cases-service-chart\""), "dashboard: inline SVG chart");
	talloc_free(r);
}

static void test_stats_before_init(void)
{
	stoop_ctr_inc(STOOP_CTR_CALLS_TAKEN);
	CHECK(stoop_ctr_get(STOOP_CTR_CALLS_TAKEN) == 0, "counters before init: nothing, no crash");
}

static void test_stats_counted(void)
{
	char *text;
	const char *p;
	unsigned types = 0;

	CHECK(stoop_ctr_get(STOOP_CTR_CASES_CREATED) == 5, "cases created counted by the store: 5 (%llu)",
	      (unsigned long long)stoop_ctr_get(STOOP_CTR_CASES_CREATED));
	CHECK(stoop_ctr_get(STOOP_CTR_CASES_JOINED) == 1, "cases joined: 1");
	CHECK(stoop_ctr_get(STOOP_CTR_CALLBACKS_BOOKED) == 2, "callbacks booked: 2");
	stoop_ctr_inc(STOOP_CTR_CALLS_TAKEN);
	stoop_ctr_add(STOOP_CTR_SEGMENTS_SMPP, 3);
	stoop_gauge_set(STOOP_GAUGE_SMS_QUEUED, 7);
	text = stoop_metrics_prometheus(ctx);
	CHECK(has(text, "# TYPE stoop_calls_total counter\nstoop_calls_total{event=\"taken\"} 1\n"),
	      "prometheus: calls taken 1");
	CHECK(has(text, "stoop_cases_total{event=\"created\"} 5\nstoop_cases_total{event=\"joined\"} 1\n"),
	      "prometheus: cases created/joined");
	CHECK(has(text, "stoop_sms_segments_sent_total{transport=\"smpp\"} 3\n"), "prometheus: segments");
	CHECK(has(text, "# TYPE stoop_callbacks_booked_total counter\nstoop_callbacks_booked_total 2\n"),
	      "prometheus: a family without labels");
	CHECK(has(text, "# TYPE stoop_sms_queued gauge\nstoop_sms_queued 7\n"), "prometheus: gauge");
	CHECK(has(text, "stoop_errors_total{kind=\"prompt_missing\"} 0\n"), "prometheus: errors by kind");
	for (p = text; p && (p = strstr(p, "# TYPE stoop_calls_total ")); p++)
		types++;
	CHECK(types == 1, "prometheus: one TYPE line per family (%u)", types);
	CHECK(text && text[strlen(text) - 1] == '\n' && !strstr(text, "\n\n"), "prometheus: line-terminated");
	talloc_free(text);
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	const char *base = getenv("TMPDIR");
	struct store *st;

	setenv("TZ", "UTC", 1);
	tzset();
	ctx = talloc_named_const(NULL, 0, "report_test");
	stoop_log_init(ctx, true);
	osmo_clock_override_enable(CLOCK_REALTIME, true);

	if (argc == 3 && !strcmp(argv[1], "--seed")) {
		st = seed(argv[2]);
		if (!st || seed_announcements(argv[2]) < 0) {
			fprintf(stderr, "report_test: cannot seed %s\n", argv[2]);
			return 1;
		}
		store_close(st);
		return 0;
	}

	snprintf(dir, sizeof(dir), "%s/stoop-report-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/stoop.db", dir);

	test_stats_before_init();
	CHECK(stoop_stats_init(ctx, NULL, NULL) == 0, "stats groups allocated");
	st = seed(path);
	if (CHECK(st != NULL, "seeded store at %s", path)) {
		test_report(st, path);
		test_renderers(st);
		test_stats_counted();
		store_close(st);
	}
	stoop_stats_fini();
	unlink(path);
	snprintf(path, sizeof(path), "%s/stoop.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/stoop.db-shm", dir);
	unlink(path);
	rmdir(dir);
	log_fini();
	talloc_free(ctx);
	return test_done();
}
