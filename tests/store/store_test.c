/* store_test.c -- tests of gateway/store/ on real SQLite files in a temporary
 * directory: case ids and their check digit, location normalization,
 * migrations from every older schema version, filing cases with dedup,
 * status history, followers, listing, transactions, sessions and their log,
 * inbound and outbound SMS and numbers, and a second process reading while
 * this one writes.
 *
 * Time is libosmocore's overridden CLOCK_REALTIME, so timestamps are exact.
 * The schemas of versions 1 and 2 are written out below as stoopd created
 * them: they are the history the migrations must keep working on, not a copy
 * of db.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/wait.h>

#include <sqlite3.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "core/logging.h"
#include "store/store.h"
#include "testlib.h"

#define T0	1700000000

static void *ctx;
static char tmpdir[PATH_MAX];

/* The schema of version 1, frozen. */
static const char schema_v1[] =
	"CREATE TABLE cases (id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL DEFAULT 'request' CHECK (kind IN ('request', 'callback')),"
	" service_code TEXT, location TEXT, location_norm TEXT, description TEXT,"
	" recording TEXT, channel TEXT, phone TEXT, lang TEXT,"
	" status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in-progress', 'closed')),"
	" flow_path TEXT, callback_window TEXT, reason TEXT,"
	" created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE INDEX cases_dedup ON cases (service_code, location_norm) WHERE status <> 'closed';"
	"CREATE TABLE case_history (id INTEGER PRIMARY KEY,"
	" case_id INTEGER NOT NULL REFERENCES cases (id), at INTEGER NOT NULL,"
	" status TEXT NOT NULL, note TEXT, actor TEXT);"
	"CREATE INDEX case_history_case ON case_history (case_id, id);"
	"CREATE TABLE case_followers (case_id INTEGER NOT NULL REFERENCES cases (id),"
	" phone TEXT NOT NULL, lang TEXT, channel TEXT, since INTEGER NOT NULL,"
	" PRIMARY KEY (case_id, phone));"
	"CREATE TABLE sessions (key TEXT PRIMARY KEY, position TEXT, blob BLOB,"
	" created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE INDEX sessions_updated ON sessions (updated_at);"
	"PRAGMA user_version = 1;";

/* What a stoopd 0.1 had filed: two cases, their history, a follower, and a
 * caller half-way through the report flow. */
static const char data_v1[] =
	"INSERT INTO cases (id, kind, service_code, location, location_norm, channel, phone,"
	" lang, status, flow_path, created_at, updated_at) VALUES"
	" (1000002, 'request', 'pothole', '12 Main Street', '12 main st', 'sms', '+15550001111',"
	"  'es', 'open', 'main.menu>report.pick_service>report.where', 1600000000, 1600000000),"
	" (1000015, 'request', 'trash', '3 Oak Ave', '3 oak ave', 'voice', NULL,"
	"  'en', 'closed', NULL, 1600000100, 1600000200);"
	"INSERT INTO case_history (case_id, at, status, note, actor) VALUES"
	" (1000002, 1600000000, 'open', 'opened', 'sms'),"
	" (1000015, 1600000100, 'open', 'opened', 'voice'),"
	" (1000015, 1600000200, 'closed', 'picked up', 'console');"
	"INSERT INTO case_followers (case_id, phone, lang, channel, since) VALUES"
	" (1000002, '+15550001111', 'es', 'sms', 1600000000);"
	"INSERT INTO sessions (key, position, blob, created_at, updated_at) VALUES"
	" ('sms:+15550001111', 'report.describe', x'0102', 1600000300, 1600000400);";

/* What version 2 added to version 1, frozen. */
static const char schema_v2[] =
	"CREATE TABLE session_log (id INTEGER PRIMARY KEY, key TEXT NOT NULL, channel TEXT,"
	" entry TEXT, last_position TEXT, outcome TEXT NOT NULL, started_at INTEGER,"
	" ended_at INTEGER NOT NULL);"
	"CREATE INDEX session_log_ended ON session_log (ended_at);"
	"CREATE INDEX case_followers_phone ON case_followers (phone, case_id);"
	"PRAGMA user_version = 2;";

/* What a v2 stoopd had written on top of data_v1: a session that ended. */
static const char data_v2[] =
	"INSERT INTO session_log (key, channel, entry, last_position, outcome, started_at,"
	" ended_at) VALUES ('voice:+15550003333', 'voice', 'main', 'report.where', 'hangup',"
	" 1600000500, 1600000560);";

/* What version 3 added to version 2 (SMS), frozen. */
static const char schema_v3[] =
	"CREATE TABLE sms_in (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	transport TEXT NOT NULL,\n"
	"	msg_ref TEXT,\n"
	"	msisdn TEXT NOT NULL,\n"
	"	text TEXT NOT NULL,\n"
	"	concat_ref INTEGER,\n"
	"	concat_total INTEGER,\n"
	"	concat_seq INTEGER,\n"
	"	state TEXT NOT NULL CHECK (state IN ('new', 'part', 'done', 'duplicate')),\n"
	"	received_at INTEGER NOT NULL\n"
	");\n"
	"CREATE UNIQUE INDEX sms_in_msg_ref ON sms_in (transport, msg_ref) WHERE msg_ref IS NOT NULL;\n"
	"CREATE INDEX sms_in_number ON sms_in (msisdn, received_at);\n"
	"CREATE INDEX sms_in_parts ON sms_in (msisdn, concat_ref, concat_seq) WHERE concat_ref IS NOT NULL;\n"
	"CREATE INDEX sms_in_pending ON sms_in (received_at) WHERE state IN ('new', 'part');\n"
	"CREATE TABLE sms_out (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	msisdn TEXT NOT NULL,\n"
	"	text TEXT NOT NULL,\n"
	"	reason TEXT,\n"
	"	in_reply_to INTEGER,\n"
	"	state TEXT NOT NULL DEFAULT 'queued'"
	" CHECK (state IN ('queued', 'sent', 'delivered', 'failed')),\n"
	"	attempts INTEGER NOT NULL DEFAULT 0,\n"
	"	next_try_at INTEGER NOT NULL,\n"
	"	msg_ref TEXT,\n"
	"	last_error TEXT,\n"
	"	created_at INTEGER NOT NULL,\n"
	"	updated_at INTEGER NOT NULL\n"
	");\n"
	"CREATE INDEX sms_out_due ON sms_out (state, next_try_at);\n"
	"CREATE TABLE sms_out_ref (\n"
	"	msg_ref TEXT PRIMARY KEY,\n"
	"	out_id INTEGER NOT NULL REFERENCES sms_out (id) ON DELETE CASCADE\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX sms_out_ref_out ON sms_out_ref (out_id);\n"
	"CREATE TABLE numbers (\n"
	"	msisdn TEXT PRIMARY KEY,\n"
	"	lang TEXT,\n"
	"	opted_out INTEGER NOT NULL DEFAULT 0 CHECK (opted_out IN (0, 1)),\n"
	"	updated_at INTEGER NOT NULL\n"
	");\n"
	"PRAGMA user_version = 3;\n";

/* What a v3 stoopd had on top of data_v2: a text from +15550001111 through
 * the SMSC "north", answered by a reply still queued, and a notification
 * queued to the same number. */
static const char data_v3[] =
	"INSERT INTO sms_in (id, transport, msg_ref, msisdn, text, state, received_at) VALUES"
	" (1, 'smpp:north', 'm1', '+15550001111', 'STATUS 1000002', 'done', 1600000500);"
	"INSERT INTO sms_out (id, msisdn, text, reason, in_reply_to, state, next_try_at,"
	" created_at, updated_at) VALUES"
	" (1, '+15550001111', 'Request 1000002 is open.', 'reply', 1, 'queued', 1600000500,"
	"  1600000500, 1600000500),"
	" (2, '+15550001111', 'Closed.', 'notify', NULL, 'queued', 1600000600,"
	"  1600000600, 1600000600);";

/* v4, frozen: the way back of SMS. */
static const char schema_v4[] =
	"ALTER TABLE sms_in ADD COLUMN route TEXT;\n"
	"ALTER TABLE sms_out ADD COLUMN via TEXT;\n"
	"ALTER TABLE sms_out ADD COLUMN route TEXT;\n"
	"PRAGMA user_version = 4;\n";

/* What a v4 stoopd had on top of data_v3: a callback request. */
static const char data_v4[] =
	"INSERT INTO cases (id, kind, service_code, channel, phone, lang, status, flow_path,"
	" callback_window, reason, created_at, updated_at) VALUES"
	" (1000053, 'callback', 'callback', 'voice', '+15550002222', 'es', 'open',"
	"  'main.menu>agent.when', 'morning', NULL, 1600000700, 1600000700);";

/*
 * Helpers
 */

static char *tmp_path(const char *name)
{
	return talloc_asprintf(ctx, "%s/%s", tmpdir, name);
}

static void clock_set(int64_t t)
{
	struct timespec *ts = osmo_clock_override_gettimespec(CLOCK_REALTIME);

	ts->tv_sec = t;
	ts->tv_nsec = 0;
}

/* Run SQL on a file with a connection of its own. */
static int raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	int rc;

	if (sqlite3_open(path, &db) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		fprintf(stderr, "raw_exec: %s\n", sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

/* The first column of the first row of a query, as an integer; -1 on error. */
static int64_t raw_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int64_t val = -1;

	if (sqlite3_open(path, &db) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW)
			val = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
	}
	sqlite3_close(db);
	return val;
}

/* Every table and index of a file with its SQL, whitespace removed, so a
 * migrated file can be compared with a new one. */
static char *raw_schema(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	char *out = talloc_strdup(ctx, "");

	if (sqlite3_open(path, &db) != SQLITE_OK) {
		sqlite3_close(db);
		return out;
	}
	if (sqlite3_prepare_v2(db, "SELECT type || ' ' || name || ' ' || tbl_name || ' '"
			       " || coalesce(sql, '') FROM sqlite_master ORDER BY type, name",
			       -1, &stmt, NULL) == SQLITE_OK) {
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			const char *p = (const char *)sqlite3_column_text(stmt, 0);

			for (; *p; p++) {
				if (*p != ' ' && *p != '\t' && *p != '\n')
					out = talloc_asprintf_append_buffer(out, "%c", *p);
			}
			out = talloc_strdup_append_buffer(out, "\n");
		}
		sqlite3_finalize(stmt);
	}
	sqlite3_close(db);
	return out;
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static void remove_tmpdir(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(talloc_asprintf(ctx, "%s/%s", tmpdir, e->d_name));
	}
	closedir(d);
	rmdir(tmpdir);
}

/*
 * Case ids
 */

static void test_case_id(void)
{
	static const char *const bad_format[] = {
		"", "12", "1-2", "abc", "12a4567", "1000002x", "+1000002", "1000,002",
		"1234567890123456789",
	};
	unsigned tried_sub = 0, caught_sub = 0, tried_swap = 0, caught_swap = 0;
	unsigned parsed = 0, ids = 0;
	uint64_t id, base;
	unsigned i;
	int rc;

	CHECK(case_id_damm("572") == 4, "Damm check digit of 572 is 4");
	CHECK(case_id_damm("5724") == 0, "572 with its check digit checks to 0");
	CHECK(case_id_damm("") == -EINVAL && case_id_damm("12a") == -EINVAL
	      && case_id_damm(NULL) == -EINVAL, "case_id_damm refuses non-digits");
	CHECK(case_id_from_base(572) == 5724, "case_id_from_base appends the check digit");
	CHECK(case_id_from_base(100000) == 1000002, "the first id is 1000002");

	/* a few hundred ids: consecutive ones, and others of every length */
	for (i = 0; i < 400; i++) {
		char s[24], t[24];
		size_t len, p;
		char d;

		if (i < 250)
			base = 100000 + i;
		else
			base = (uint64_t)(i * 7919u) * (i % 2 ? 1000003ull : 7ull) % 100000000000000000ull + 10;
		id = case_id_from_base(base);
		snprintf(s, sizeof(s), "%" PRIu64, id);
		len = strlen(s);
		ids++;
		if (case_id_parse(s, &id) == 0 && id == case_id_from_base(base))
			parsed++;
		for (p = 0; p < len; p++) {
			for (d = '0'; d <= '9'; d++) {
				if (d == s[p])
					continue;
				memcpy(t, s, len + 1);
				t[p] = d;
				tried_sub++;
				rc = case_id_parse(t, NULL);
				if (rc == -EBADMSG)
					caught_sub++;
				else
					printf("# substitution %s -> %s not caught (%d)\n", s, t, rc);
			}
			if (p + 1 < len && s[p] != s[p + 1]) {
				memcpy(t, s, len + 1);
				t[p] = s[p + 1];
				t[p + 1] = s[p];
				tried_swap++;
				rc = case_id_parse(t, NULL);
				if (rc == -EBADMSG)
					caught_swap++;
				else
					printf("# transposition %s -> %s not caught (%d)\n", s, t, rc);
			}
		}
	}
	CHECK(parsed == ids, "%u of %u valid ids parse back", parsed, ids);
	CHECK(tried_sub > 3000 && caught_sub == tried_sub,
	      "every single-digit substitution rejected (%u of %u)", caught_sub, tried_sub);
	CHECK(tried_swap > 1000 && caught_swap == tried_swap,
	      "every adjacent transposition rejected (%u of %u)", caught_swap, tried_swap);

	CHECK(case_id_parse("1000002", &id) == 0 && id == 1000002, "plain digits parse");
	CHECK(case_id_parse("100000-2", &id) == 0 && id == 1000002, "a dash before the check digit");
	CHECK(case_id_parse(" 1000 002 ", &id) == 0 && id == 1000002, "spaces anywhere");
	CHECK(case_id_parse("#1.000.002.", &id) == 0 && id == 1000002, "dots and a leading # are ignored");
	CHECK(case_id_parse("1-000-00-2", &id) == 0 && id == 1000002, "several dashes");
	CHECK(case_id_parse("572-4", &id) == 0 && id == 5724, "a short id");
	CHECK(case_id_parse("100000-3", &id) == -EBADMSG, "a wrong check digit is -EBADMSG");
	base = 12345678901234567ull;
	id = 0;
	CHECK(case_id_parse(talloc_asprintf(ctx, "%" PRIu64, case_id_from_base(base)), &id) == 0
	      && id == case_id_from_base(base), "an 18-digit id parses");
	CHECK(case_id_from_base(100000000000000000ull) == 0, "bases past 17 digits give no id");
	for (i = 0; i < ARRAY_SIZE(bad_format); i++)
		CHECK(case_id_parse(bad_format[i], &id) == -EINVAL, "'%s' is -EINVAL", bad_format[i]);
	CHECK(case_id_parse(NULL, &id) == -EINVAL, "NULL is -EINVAL");
}

/*
 * Location normalization
 */

static void test_location_norm(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "12 Main Street.", "12 main st" },
		{ "12 main st", "12 main st" },
		{ "  12   MAIN\tST  ", "12 main st" },
		{ "12, Main-Street", "12 main st" },
		{ "Fifth Avenue & West 23rd Street", "5th ave and w 23rd st" },
		{ "5th Ave and W. 23rd St.", "5th ave and w 23rd st" },
		{ "N.W. 5th Street", "nw 5th st" },
		{ "Northwest 5th St", "nw 5th st" },
		{ "north west 5th st", "nw 5th st" },
		{ "O'Hara Boulevard", "ohara blvd" },
		{ "O\u2019Hara Blvd", "ohara blvd" },
		{ "St.Mark's Place", "st marks pl" },
		{ "Calle Peñalosa 5", "calle penalosa 5" },
		{ "ÁVILA DRIVE", "avila dr" },
		{ "Cafe\u0301 Lane", "cafe ln" },
		{ "Hauptstraße 7", "hauptstrasse 7" },
		{ "Œuvre Court", "oeuvre ct" },
		{ "Łódź Road", "lodz rd" },
		{ "1 Sunset Blvd, Apt #4", "1 sunset blvd apt 4" },
		{ "\xff" "12 Main\xc3", "12 main" },
		{ "Rue «Église»", "rue eglise" },
		{ "улица Ленина 5", "улица Ленина 5" },
		{ "!!!", "" },
		{ "", "" },
	};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *norm = store_location_norm(ctx, cases[i].in);

		CHECK(str_eq(norm, cases[i].out), "norm '%s' -> '%s' (got '%s')",
		      cases[i].in, cases[i].out, norm);
		talloc_free(norm);
	}
}

/*
 * Migrations
 */

static void test_migrate_empty(void)
{
	char *path = tmp_path("empty.db");
	char *zero = tmp_path("zero-bytes.db");
	struct store *st;
	int fd;

	st = store_open(ctx, path, STORE_SYNC_FULL);
	CHECK(st != NULL, "a new file opens");
	if (!st)
		return;
	CHECK(store_schema_version(st) == STORE_SCHEMA_VERSION, "a new file is at schema v%d",
	      STORE_SCHEMA_VERSION);
	store_close(st);
	CHECK(raw_int(path, "PRAGMA user_version") == STORE_SCHEMA_VERSION, "user_version on disk");
	CHECK(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'session_log'") == 1,
	      "session_log exists");
	CHECK(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name IN ('sms_in', 'sms_out',"
		      " 'sms_out_ref', 'numbers', 'sms_in_msg_ref', 'sms_in_number', 'sms_in_parts',"
		      " 'sms_in_pending', 'sms_out_due', 'sms_out_ref_out')") == 10,
	      "the SMS tables and their indexes exist");

	/* reopening an up-to-date file changes nothing */
	st = store_open(ctx, path, STORE_SYNC_NORMAL);
	CHECK(st && store_schema_version(st) == STORE_SCHEMA_VERSION, "an up-to-date file reopens");
	store_close(st);

	/* an empty file, as touch(1) leaves it, is version 0 */
	fd = open(zero, O_CREAT | O_WRONLY, 0600);
	close(fd);
	st = store_open(ctx, zero, STORE_SYNC_FULL);
	CHECK(st && store_schema_version(st) == STORE_SCHEMA_VERSION, "a zero-byte file is migrated");
	store_close(st);
	CHECK(str_eq(raw_schema(zero), raw_schema(path)), "same schema as a new file");

	st = store_open(ctx, ":memory:", STORE_SYNC_NORMAL);
	CHECK(st && store_schema_version(st) == STORE_SCHEMA_VERSION, ":memory: opens");
	store_close(st);
}

static void test_migrate_v1(void)
{
	char *path = tmp_path("v1.db");
	struct store_case_new req = {};
	struct store_case *c;
	struct store_case **list;
	struct store_case_filter f = {};
	struct store_case_event *ev;
	struct store_session *s;
	struct store *st;
	bool joined;
	unsigned n;

	CHECK(raw_exec(path, schema_v1) == 0 && raw_exec(path, data_v1) == 0, "a v1 file is built");
	CHECK(raw_int(path, "PRAGMA user_version") == 1, "it is at version 1");

	st = store_open(ctx, path, STORE_SYNC_FULL);
	CHECK(st != NULL, "store_open migrates it");
	if (!st)
		return;
	CHECK(store_schema_version(st) == STORE_SCHEMA_VERSION, "now at v%d", STORE_SCHEMA_VERSION);
	CHECK(str_eq(raw_schema(path), raw_schema(tmp_path("empty.db"))),
	      "the migrated schema equals a new file's");

	CHECK(store_case_get(st, ctx, 1000002, &c) == 0, "case 1000002 is still there");
	if (c) {
		CHECK(str_eq(c->service_code, "pothole") && str_eq(c->location, "12 Main Street")
		      && str_eq(c->phone, "+15550001111") && str_eq(c->lang, "es")
		      && str_eq(c->flow_path, "main.menu>report.pick_service>report.where")
		      && c->created_at == 1600000000 && c->followers == 1 && c->description == NULL,
		      "its fields are preserved");
		talloc_free(c);
	}
	CHECK(store_case_history(st, ctx, 1000015, &ev, &n) == 0 && n == 2
	      && str_eq(ev[1].note, "picked up") && str_eq(ev[1].status, "closed"),
	      "the closed case's history is preserved");
	talloc_free(ev);
	CHECK(store_session_get(st, ctx, "sms:+15550001111", &s) == 0 && s->blob_len == 2
	      && s->blob[1] == 2 && s->created_at == 1600000300 && str_eq(s->position, "report.describe"),
	      "the session is preserved");
	talloc_free(s);

	f.phone = "+15550001111";
	CHECK(store_case_list(st, ctx, &f, &list, &n) == 0 && n == 1 && list[0]->id == 1000002,
	      "cases by phone work on migrated data");
	talloc_free(list);

	req.service_code = "pothole";
	req.location = "12 main st";
	req.channel = "voice";
	req.phone = "+15550002222";
	CHECK(store_case_create(st, ctx, &req, &c, &joined) == 0 && joined && c->id == 1000002
	      && c->followers == 2, "a new report joins the migrated open case");
	talloc_free(c);
	req.service_code = "trash";
	req.location = "3 Oak Avenue";
	CHECK(store_case_create(st, ctx, &req, &c, &joined) == 0 && !joined && c->id == 1000028,
	      "the migrated closed case is not joined; the next id follows the old ones");
	talloc_free(c);
	CHECK(store_session_log_end(st, "sms:+15550001111", "sms", "main", "report.describe",
				    "expired", 1600000300) == 0, "session_log is writable after migration");
	store_close(st);
	CHECK(raw_int(path, "SELECT count(*) FROM session_log") == 1, "the log row is on disk");
}

/* A v2 file with data: v3 adds the SMS tables and keeps everything else. */
static void test_migrate_v2(void)
{
	char *path = tmp_path("v2.db");
	struct store_case *c = NULL;
	struct store_session *s = NULL;
	struct store_number *num = NULL;
	struct store *st;
	int64_t id = 0;
	unsigned n = 99;

	CHECK(raw_exec(path, schema_v1) == 0 && raw_exec(path, data_v1) == 0
	      && raw_exec(path, schema_v2) == 0 && raw_exec(path, data_v2) == 0, "a v2 file is built");
	CHECK(raw_int(path, "PRAGMA user_version") == 2
	      && raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'sms_in'") == 0,
	      "it is at version 2, without SMS tables");

	st = store_open(ctx, path, STORE_SYNC_FULL);
	CHECK(st != NULL, "store_open migrates it");
	if (!st)
		return;
	CHECK(store_schema_version(st) == STORE_SCHEMA_VERSION
	      && raw_int(path, "PRAGMA user_version") == STORE_SCHEMA_VERSION, "now at v%d",
	      STORE_SCHEMA_VERSION);
	CHECK(str_eq(raw_schema(path), raw_schema(tmp_path("empty.db"))),
	      "the migrated schema equals a new file's");
	CHECK(store_case_get(st, ctx, 1000002, &c) == 0 && str_eq(c->location, "12 Main Street")
	      && c->followers == 1, "the v2 cases are preserved");
	talloc_free(c);
	CHECK(store_session_get(st, ctx, "sms:+15550001111", &s) == 0 && s->blob_len == 2
	      && s->updated_at == 1600000400, "the v2 session is preserved");
	talloc_free(s);
	CHECK(raw_int(path, "SELECT count(*) FROM session_log WHERE key = 'voice:+15550003333'"
		      " AND outcome = 'hangup' AND ended_at = 1600000560") == 1,
	      "the v2 session log is preserved");
	CHECK(store_sms_in_count(st, &n) == 0 && n == 0, "no inbound sms yet");
	CHECK(store_sms_out_queue(st, "+15550001111", "hola", "notify", 0, &id) == 0 && id == 1,
	      "the outbound queue is writable after migration");
	CHECK(store_number_set_lang(st, "+15550001111", "es") == 0
	      && store_number_get(st, ctx, "+15550001111", &num) == 0 && str_eq(num->lang, "es"),
	      "numbers are writable after migration");
	talloc_free(num);
	store_close(st);
	CHECK(raw_int(path, "SELECT count(*) FROM sms_out") == 1, "the queued row is on disk");
}

/* A v3 file with SMS data: v4 adds the way back (sms_in.route, sms_out.via
 * and route); what was queued before goes by any transport. */
static void test_migrate_v3(void)
{
	char *path = tmp_path("v3.db");
	struct store_sms_out *m = NULL, *due = NULL;
	struct store *st;
	int64_t id = 0;
	unsigned n = 0;

	CHECK(raw_exec(path, schema_v1) == 0 && raw_exec(path, data_v1) == 0
	      && raw_exec(path, schema_v2) == 0 && raw_exec(path, data_v2) == 0
	      && raw_exec(path, schema_v3) == 0 && raw_exec(path, data_v3) == 0, "a v3 file is built");
	st = store_open(ctx, path, STORE_SYNC_FULL);
	CHECK(st != NULL && store_schema_version(st) == STORE_SCHEMA_VERSION,
	      "store_open migrates it to v%d", STORE_SCHEMA_VERSION);
	if (!st)
		return;
	CHECK(str_eq(raw_schema(path), raw_schema(tmp_path("empty.db"))),
	      "the migrated schema equals a new file's");
	CHECK(store_sms_out_get(st, ctx, 1, &m) == 0 && str_eq(m->text, "Request 1000002 is open.")
	      && m->in_reply_to == 1 && m->via == NULL && m->route == NULL,
	      "a reply queued by v3 is kept, for any transport");
	talloc_free(m);
	CHECK(store_sms_out_due(st, ctx, 1600000700, 10, "sip", "sip\n", &due, &n) == 0 && n == 2,
	      "both v3 messages are due on whatever transport is configured now");
	talloc_free(due);
	CHECK(store_sms_out_queue(st, "+15550001111", "Fixed.", "notify", 0, &id) == 0
	      && store_sms_out_get(st, ctx, id, &m) == 0 && str_eq(m->via, "smpp:north"),
	      "a new notification goes the way the number's v3 text came");
	talloc_free(m);
	store_close(st);
}

/* A v4 file with a callback: v5 adds announcements and the overflow
 * reason; the old callback has none and is still listed. */
static void test_migrate_v4(void)
{
	char *path = tmp_path("v4.db");
	struct store_case_filter f = { .kind = CASE_KIND_CALLBACK, .status = CASE_STATUS_OPEN,
				       .oldest_first = true };
	struct store_case **cases = NULL;
	struct store *st;
	unsigned n = 0;

	CHECK(raw_exec(path, schema_v1) == 0 && raw_exec(path, data_v1) == 0
	      && raw_exec(path, schema_v2) == 0 && raw_exec(path, data_v2) == 0
	      && raw_exec(path, schema_v3) == 0 && raw_exec(path, data_v3) == 0
	      && raw_exec(path, schema_v4) == 0 && raw_exec(path, data_v4) == 0, "a v4 file is built");
	st = store_open(ctx, path, STORE_SYNC_FULL);
	CHECK(st != NULL && store_schema_version(st) == STORE_SCHEMA_VERSION,
	      "store_open migrates it to v%d", STORE_SCHEMA_VERSION);
	if (!st)
		return;
	CHECK(str_eq(raw_schema(path), raw_schema(tmp_path("empty.db"))),
	      "the migrated schema equals a new file's");
	CHECK(store_case_list(st, ctx, &f, &cases, &n) == 0 && n == 1 && cases[0]->id == 1000053
	      && cases[0]->overflow == NULL && str_eq(cases[0]->callback_window, "morning"),
	      "the v4 callback is listed, without an overflow reason");
	talloc_free(cases);
	CHECK(store_announcement_active(st) == NULL, "no announcement is on after the migration");
	CHECK(store_announcement_set(st, "water", "en", "Water main break.", NULL) == 0
	      && store_announcement_set_active(st, "water", true, "test") == 0
	      && store_announcement_active(st) != NULL, "announcements are writable after migration");
	store_close(st);
}

static void test_migrate_newer(void)
{
	char *path = tmp_path("future.db");
	struct store *st;

	raw_exec(path, "CREATE TABLE t (x); PRAGMA user_version = 99;");
	st = store_open(ctx, path, STORE_SYNC_FULL);
	CHECK(st == NULL, "a file from a newer stoopd is refused");
	store_close(st);
	CHECK(raw_int(path, "PRAGMA user_version") == 99, "and left alone");
}

/*
 * Cases
 */

static uint64_t file_case(struct store *st, const char *service, const char *location,
			  const char *phone, const char *channel, bool *joined)
{
	struct store_case_new req = {
		.service_code = service,
		.location = location,
		.phone = phone,
		.channel = channel,
		.lang = "en",
	};
	struct store_case *c = NULL;
	uint64_t id = 0;

	if (store_case_create(st, ctx, &req, &c, joined) == 0)
		id = c->id;
	talloc_free(c);
	return id;
}

static unsigned case_count(struct store *st)
{
	unsigned n = 0;

	if (store_case_count(st, &n))
		return UINT_MAX;
	return n;
}

static void test_create_dedup(struct store *st)
{
	struct store_case_new req = {};
	struct store_case *c = NULL;
	struct store_case_event *ev = NULL;
	uint64_t first, other, id;
	bool joined;
	unsigned n;

	clock_set(T0);
	req.service_code = "pothole";
	req.location = "12 Main Street.";
	req.description = "deep one";
	req.channel = "sms";
	req.phone = "+15551230001";
	req.lang = "en";
	req.flow_path = "main.menu>report.pick_service>report.where>report.file";
	CHECK(store_case_create(st, ctx, &req, &c, &joined) == 0 && !joined, "a first report files a case");
	if (!c)
		return;
	first = c->id;
	CHECK(c->id == 1000002 && case_id_parse("1000002", NULL) == 0, "with id 1000002");
	CHECK(str_eq(c->status, CASE_STATUS_OPEN) && str_eq(c->kind, CASE_KIND_REQUEST)
	      && str_eq(c->location_norm, "12 main st") && str_eq(c->description, "deep one")
	      && c->recording == NULL && c->created_at == T0 && c->updated_at == T0
	      && c->followers == 1, "open, normalized, timestamped, reporter following");
	talloc_free(c);
	CHECK(store_case_history(st, ctx, first, &ev, &n) == 0 && n == 1 && str_eq(ev[0].note, "opened")
	      && str_eq(ev[0].status, "open") && ev[0].at == T0, "history says opened");
	talloc_free(ev);

	clock_set(T0 + 60);
	CHECK(file_case(st, "pothole", "12 main st", "+15551230002", "voice", &joined) == first
	      && joined, "\"12 main st\" by another caller joins it");
	CHECK(store_case_get(st, ctx, first, &c) == 0 && c->followers == 2 && c->updated_at == T0 + 60
	      && str_eq(c->phone, "+15551230001"), "the case has two followers, reporter unchanged");
	talloc_free(c);
	CHECK(store_case_history(st, ctx, first, &ev, &n) == 0 && n == 2
	      && str_eq(ev[1].note, "joined by voice") && str_eq(ev[1].status, "open"),
	      "history says joined by voice");
	talloc_free(ev);
	CHECK(file_case(st, "pothole", "12 MAIN ST", "+15551230002", "sms", &joined) == first && joined
	      && store_case_get(st, ctx, first, &c) == 0 && c->followers == 2,
	      "the same caller joining again adds no follower");
	talloc_free(c);

	other = file_case(st, "streetlight", "12 Main Street", "+15551230003", "sms", &joined);
	CHECK(other && other != first && !joined, "another service at the same place is a new case");

	req = (struct store_case_new){ .kind = CASE_KIND_CALLBACK, .service_code = "pothole",
				       .location = "12 Main St", .phone = "+15551230004",
				       .channel = "voice", .callback_window = "evening",
				       .reason = "wants to talk" };
	CHECK(store_case_create(st, ctx, &req, &c, &joined) == 0 && !joined && c->id != first
	      && str_eq(c->kind, CASE_KIND_CALLBACK) && str_eq(c->callback_window, "evening")
	      && str_eq(c->reason, "wants to talk"), "callbacks never dedup");
	talloc_free(c);

	req = (struct store_case_new){ .service_code = "pothole", .location = "12 Main St",
				       .channel = "console", .no_dedup = true };
	CHECK(store_case_create(st, ctx, &req, &c, &joined) == 0 && !joined && c->id != first
	      && c->followers == 0 && c->phone == NULL, "no_dedup files a new case; no phone, no follower");
	talloc_free(c);
	CHECK(file_case(st, "pothole", "12 main street", NULL, "api", &joined) == first && joined,
	      "with two open duplicates the oldest is joined");

	id = file_case(st, "graffiti", "1 Elm St", "+15551230005", "sms", &joined);
	CHECK(store_case_set_status(st, id, CASE_STATUS_CLOSED, "cleaned", "console") == 0,
	      "close the graffiti case");
	other = file_case(st, "graffiti", "1 elm street", "+15551230005", "sms", &joined);
	CHECK(other && other != id && !joined, "a closed case is not joined");
	CHECK(store_case_set_status(st, other, CASE_STATUS_IN_PROGRESS, NULL, "console") == 0
	      && file_case(st, "graffiti", "1 Elm St.", "+15551230006", "sms", &joined) == other && joined,
	      "an in-progress case is joined");
	CHECK(store_case_history(st, ctx, other, &ev, &n) == 0 && n == 3
	      && str_eq(ev[2].status, CASE_STATUS_IN_PROGRESS), "the join records the current status");
	talloc_free(ev);

	id = file_case(st, "pothole", "...", "+15551230007", "sms", &joined);
	other = file_case(st, "pothole", "!!", "+15551230008", "sms", &joined);
	CHECK(id && other && id != other && !joined, "locations that normalize to nothing never dedup");
	id = file_case(st, "pothole", NULL, "+15551230007", "sms", &joined);
	other = file_case(st, "pothole", NULL, "+15551230008", "sms", &joined);
	CHECK(id && other && id != other && !joined, "no location, no dedup");

	req = (struct store_case_new){ .kind = "complaint", .service_code = "pothole" };
	CHECK(store_case_create(st, ctx, &req, &c, &joined) == -EINVAL, "an unknown kind is -EINVAL");
	CHECK(store_case_create(st, ctx, NULL, &c, &joined) == -EINVAL, "no request is -EINVAL");
	req = (struct store_case_new){ .service_code = "pothole", .location = "99 Nowhere Rd" };
	n = case_count(st);
	CHECK(store_case_create(st, ctx, &req, NULL, NULL) == 0 && case_count(st) == n + 1,
	      "out and joined may be NULL");
	CHECK(store_case_get(st, ctx, 1000003, &c) == -ENOENT, "an unknown id is -ENOENT");
}

static void test_status(struct store *st)
{
	struct store_case_event *ev = NULL;
	struct store_case *c = NULL;
	uint64_t id;
	unsigned n;
	bool joined;

	clock_set(T0 + 1000);
	id = file_case(st, "streetlight", "40 Broad Way", "+15551239999", "voice", &joined);
	clock_set(T0 + 2000);
	CHECK(store_case_set_status(st, id, CASE_STATUS_IN_PROGRESS, "crew assigned", "api:crm") == 0,
	      "status -> in-progress");
	clock_set(T0 + 3000);
	CHECK(store_case_set_status(st, id, CASE_STATUS_CLOSED, "lamp replaced", "console") == 0,
	      "status -> closed");
	CHECK(store_case_get(st, ctx, id, &c) == 0 && str_eq(c->status, "closed")
	      && c->created_at == T0 + 1000 && c->updated_at == T0 + 3000, "status and updated_at");
	talloc_free(c);
	CHECK(store_case_history(st, ctx, id, &ev, &n) == 0 && n == 3, "three history lines");
	if (n == 3) {
		CHECK(str_eq(ev[0].status, "open") && str_eq(ev[0].actor, "voice") && ev[0].at == T0 + 1000,
		      "opened by voice");
		CHECK(str_eq(ev[1].status, "in-progress") && str_eq(ev[1].note, "crew assigned")
		      && str_eq(ev[1].actor, "api:crm") && ev[1].at == T0 + 2000, "in progress by the CRM");
		CHECK(str_eq(ev[2].status, "closed") && str_eq(ev[2].note, "lamp replaced")
		      && str_eq(ev[2].actor, "console") && ev[2].at == T0 + 3000, "closed at the console");
	}
	talloc_free(ev);
	CHECK(store_case_set_status(st, id, "done", "x", "console") == -EINVAL
	      && store_case_set_status(st, id, NULL, "x", "console") == -EINVAL, "bad status is -EINVAL");
	CHECK(store_case_set_status(st, 1000003, CASE_STATUS_CLOSED, "x", "console") == -ENOENT,
	      "unknown case is -ENOENT");
	CHECK(store_case_history(st, ctx, 1000003, &ev, &n) == 0 && n == 0,
	      "and no history line was left behind");
	talloc_free(ev);
	CHECK(case_status_valid("open") && case_status_valid("in-progress") && case_status_valid("closed")
	      && !case_status_valid("Open") && !case_status_valid(NULL), "case_status_valid");
}

static void test_followers(struct store *st)
{
	struct store_follower *fl = NULL;
	uint64_t id;
	unsigned n;
	bool joined;

	clock_set(T0 + 5000);
	id = file_case(st, "trash", "7 Pine Ct", "+15551110001", "sms", &joined);
	clock_set(T0 + 5100);
	CHECK(store_case_follow(st, id, "+15551110002", "es", "voice") == 0, "follow");
	clock_set(T0 + 5200);
	CHECK(store_case_follow(st, id, "+15551110002", "en", "sms") == 0, "follow again");
	CHECK(store_case_followers(st, ctx, id, &fl, &n) == 0 && n == 2, "following twice counts once");
	if (n == 2) {
		CHECK(str_eq(fl[0].phone, "+15551110001") && fl[0].since == T0 + 5000
		      && str_eq(fl[0].channel, "sms"), "the reporter first");
		CHECK(str_eq(fl[1].phone, "+15551110002") && str_eq(fl[1].lang, "es")
		      && fl[1].since == T0 + 5100, "the follower as first added");
	}
	talloc_free(fl);
	CHECK(store_case_follow(st, 1000003, "+15551110002", "es", "sms") == -ENOENT,
	      "following an unknown case is -ENOENT");
	CHECK(store_case_follow(st, id, NULL, "es", "sms") == -EINVAL, "following without a number is -EINVAL");
	CHECK(store_case_followers(st, ctx, 1000003, &fl, &n) == 0 && n == 0, "no followers of no case");
	talloc_free(fl);
}

static void test_list(struct store *st)
{
	const char *me = "+15557770000";
	struct store_case_filter f = {};
	struct store_case **list = NULL;
	uint64_t a, b, c, d;
	unsigned n, total;
	bool joined;

	clock_set(T0 + 10000);
	a = file_case(st, "pothole", "1 List Rd", me, "sms", &joined);
	clock_set(T0 + 10100);
	b = file_case(st, "pothole", "2 List Rd", "+15557770001", "voice", &joined);
	clock_set(T0 + 10200);
	d = file_case(st, "trash", "3 List Rd", "+15557770001", "voice", &joined);
	clock_set(T0 + 10300);
	CHECK(file_case(st, "pothole", "2 list road", me, "sms", &joined) == b && joined, "join b");
	clock_set(T0 + 10400);
	c = file_case(st, "streetlight", "4 List Rd", me, "sms", &joined);

	f.phone = me;
	CHECK(store_case_list(st, ctx, &f, &list, &n) == 0 && n == 3, "three cases for the number");
	if (n == 3)
		CHECK(list[0]->id == c && list[1]->id == b && list[2]->id == a
		      && list[1]->followers == 2, "newest first, joined case included");
	talloc_free(list);

	CHECK(store_case_set_status(st, c, CASE_STATUS_CLOSED, NULL, "console") == 0, "close c");
	f.status = CASE_STATUS_OPEN;
	CHECK(store_case_list(st, ctx, &f, &list, &n) == 0 && n == 2 && list[0]->id == b
	      && list[1]->id == a, "filter by status");
	talloc_free(list);
	f.status = NULL;
	f.limit = 1;
	f.offset = 1;
	CHECK(store_case_list(st, ctx, &f, &list, &n) == 0 && n == 1 && list[0]->id == b, "limit and offset");
	talloc_free(list);
	f = (struct store_case_filter){ .phone = "+15550000000" };
	CHECK(store_case_list(st, ctx, &f, &list, &n) == 0 && n == 0 && list != NULL,
	      "a number with no cases gets an empty list");
	talloc_free(list);

	f = (struct store_case_filter){ .limit = 1000 };
	total = case_count(st);
	CHECK(store_case_list(st, ctx, &f, &list, &n) == 0 && n == total && list[0]->id == c,
	      "all %u cases, newest first", total);
	talloc_free(list);
	CHECK(store_case_list(st, ctx, NULL, &list, &n) == 0 && n == (total < 100 ? total : 100),
	      "no filter lists at most 100");
	talloc_free(list);
	f = (struct store_case_filter){ .kind = CASE_KIND_CALLBACK };
	CHECK(store_case_list(st, ctx, &f, &list, &n) == 0 && n == 1
	      && str_eq(list[0]->kind, CASE_KIND_CALLBACK), "filter by kind");
	talloc_free(list);
	f = (struct store_case_filter){ .status = "pending" };
	CHECK(store_case_list(st, ctx, &f, &list, &n) == -EINVAL, "unknown status filter is -EINVAL");
	(void)d;
}

/*
 * Transactions
 */

static void test_transactions(struct store *st, const char *path)
{
	struct store *other = store_open(ctx, path, STORE_SYNC_NORMAL);
	struct store_case *c = NULL;
	uint64_t ids[5], id;
	unsigned before, i;
	bool joined, ok;

	CHECK(other != NULL, "a second connection to the same file");
	if (!other)
		return;
	before = case_count(st);
	CHECK(store_begin(st) == 0, "begin");
	for (i = 0; i < 5; i++)
		ids[i] = file_case(st, "tx", talloc_asprintf(ctx, "%u Group Ln", i), "+15552220000", "sms",
				   &joined);
	for (ok = true, i = 1; i < 5; i++)
		ok = ok && ids[i] / 10 == ids[i - 1] / 10 + 1;
	CHECK(ids[0] && ok, "five creates in one transaction get consecutive bases");
	CHECK(case_count(st) == before + 5, "the writer sees its own writes");
	CHECK(case_count(other) == before, "another connection does not see them before commit");
	CHECK(store_commit(st) == 0, "commit");
	CHECK(case_count(other) == before + 5, "the other connection sees all five after commit");

	before = case_count(st);
	CHECK(store_begin(st) == 0, "begin");
	for (i = 0; i < 3; i++)
		file_case(st, "tx", talloc_asprintf(ctx, "%u Rollback Ln", i), NULL, "sms", &joined);
	CHECK(store_rollback(st) == 0 && case_count(st) == before, "rollback drops all three");

	CHECK(store_begin(st) == 0 && store_begin(st) == 0, "nested begin");
	id = file_case(st, "tx", "1 Inner Ln", NULL, "sms", &joined);
	CHECK(store_commit(st) == 0 && case_count(other) == before, "an inner commit commits nothing");
	CHECK(store_begin(st) == 0, "begin a second inner level");
	file_case(st, "tx", "2 Inner Ln", NULL, "sms", &joined);
	CHECK(store_rollback(st) == 0 && case_count(st) == before + 1, "an inner rollback drops only its level");
	CHECK(store_case_set_status(st, 1000003, CASE_STATUS_CLOSED, NULL, "console") == -ENOENT,
	      "a failing write inside the group");
	CHECK(store_commit(st) == 0, "outer commit");
	CHECK(case_count(other) == before + 1 && store_case_get(other, ctx, id, &c) == 0,
	      "the outer commit keeps the inner level that was committed");
	talloc_free(c);
	CHECK(store_commit(st) == -EINVAL && store_rollback(st) == -EINVAL,
	      "commit and rollback without begin are -EINVAL");
	store_close(other);
}

/*
 * Sessions
 */

static void test_sessions(struct store *st, const char *path)
{
	static const uint8_t blob1[] = { 1, 2, 3 }, blob2[] = { 9, 8, 7, 6, 5 };
	const char *k1 = "sms:+15553330001", *k2 = "voice:+15553330002";
	struct store_session *s = NULL, *list = NULL;
	char **keys = NULL;
	unsigned n;

	clock_set(T0 + 20000);
	CHECK(store_session_put(st, k1, "report.where", blob1, sizeof(blob1)) == 0, "put a session");
	CHECK(store_session_get(st, ctx, k1, &s) == 0 && str_eq(s->key, k1)
	      && str_eq(s->position, "report.where") && s->blob_len == 3 && memcmp(s->blob, blob1, 3) == 0
	      && s->created_at == T0 + 20000 && s->updated_at == T0 + 20000, "get it back");
	talloc_free(s);
	clock_set(T0 + 20010);
	CHECK(store_session_put(st, k1, "report.describe", blob2, sizeof(blob2)) == 0, "replace it");
	CHECK(store_session_get(st, ctx, k1, &s) == 0 && str_eq(s->position, "report.describe")
	      && s->blob_len == 5 && memcmp(s->blob, blob2, 5) == 0
	      && s->created_at == T0 + 20000 && s->updated_at == T0 + 20010,
	      "replacing keeps created_at and moves updated_at");
	talloc_free(s);
	clock_set(T0 + 20020);
	CHECK(store_session_put(st, k2, "main.menu", NULL, 0) == 0, "put a session without blob");
	CHECK(store_session_get(st, ctx, k2, &s) == 0 && s->blob == NULL && s->blob_len == 0,
	      "no blob reads as NULL, 0");
	talloc_free(s);
	CHECK(store_session_put(st, NULL, "x", NULL, 0) == -EINVAL, "a session needs a key");

	CHECK(store_session_count(st, &n) == 0 && n == 2, "two sessions");
	CHECK(store_session_list(st, ctx, 0, &list, &n) == 0 && n == 2 && str_eq(list[0].key, k2)
	      && str_eq(list[1].key, k1) && list[1].blob == NULL && str_eq(list[1].position, "report.describe"),
	      "list: most recently updated first, without blobs");
	talloc_free(list);
	CHECK(store_session_list(st, ctx, 1, &list, &n) == 0 && n == 1, "list with a limit");
	talloc_free(list);

	CHECK(store_session_stale(st, ctx, T0 + 20015, 10, &keys, &n) == 0 && n == 1 && str_eq(keys[0], k1),
	      "stale: only the one not updated since the cutoff");
	talloc_free(keys);
	CHECK(store_session_stale(st, ctx, T0 + 20021, 1, &keys, &n) == 0 && n == 1 && str_eq(keys[0], k1),
	      "stale: oldest first, at most limit");
	talloc_free(keys);
	CHECK(store_session_stale(st, ctx, T0, 10, &keys, &n) == 0 && n == 0, "stale: none before");
	talloc_free(keys);

	CHECK(store_session_delete(st, k1) == 0, "delete");
	CHECK(store_session_get(st, ctx, k1, &s) == -ENOENT && s == NULL, "a deleted session is gone");
	CHECK(store_session_delete(st, k1) == -ENOENT, "deleting twice is -ENOENT");
	CHECK(store_session_count(st, &n) == 0 && n == 1, "one session left");

	clock_set(T0 + 20500);
	CHECK(store_session_log_end(st, k2, "voice", "main", "report.where", "hangup", T0 + 20020) == 0,
	      "log a session's end");
	CHECK(store_session_log_end(st, k1, "sms", "main", NULL, "expired", T0 + 20000) == 0,
	      "log another, without a position");
	CHECK(store_session_log_end(st, k1, "sms", "main", NULL, NULL, T0) == -EINVAL,
	      "an end needs an outcome");
	CHECK(raw_int(path, "SELECT count(*) FROM session_log") == 2
	      && raw_int(path, "SELECT ended_at FROM session_log WHERE outcome = 'hangup'"
			 " AND last_position = 'report.where' AND entry = 'main' AND channel = 'voice'"
			 " AND started_at = 1700020020") == T0 + 20500,
	      "session_log rows on disk");
}

/*
 * SMS
 */

/* Store an inbound message; its id, or 0 when store_sms_in_add() failed. */
static int64_t sms_in(struct store *st, const char *transport, const char *msg_ref,
		      const char *msisdn, const char *text, enum store_sms_in_state state,
		      int64_t received_at)
{
	struct store_sms_in in = {
		.transport = (char *)transport,
		.msg_ref = (char *)msg_ref,
		.msisdn = (char *)msisdn,
		.text = (char *)text,
		.concat_ref = -1,
		.state = state,
		.received_at = received_at,
	};
	int64_t id = 0;

	if (store_sms_in_add(st, &in, &id))
		return 0;
	return id;
}

/* Store part seq of total of the long text ref from msisdn. */
static int64_t sms_part(struct store *st, const char *msg_ref, const char *msisdn, int ref,
			int total, int seq, const char *text, int64_t received_at)
{
	struct store_sms_in in = {
		.transport = "smpp:test",
		.msg_ref = (char *)msg_ref,
		.msisdn = (char *)msisdn,
		.text = (char *)text,
		.concat_ref = ref,
		.concat_total = total,
		.concat_seq = seq,
		.state = STORE_SMS_IN_PART,
		.received_at = received_at,
	};
	int64_t id = 0;

	if (store_sms_in_add(st, &in, &id))
		return 0;
	return id;
}

static unsigned sms_in_count(struct store *st)
{
	unsigned n = 0;

	if (store_sms_in_count(st, &n))
		return UINT_MAX;
	return n;
}

static unsigned sms_out_count(struct store *st, enum store_sms_out_state state)
{
	unsigned n = 0;

	if (store_sms_out_count(st, state, &n))
		return UINT_MAX;
	return n;
}

static void test_sms_in(struct store *st, const char *path)
{
	const char *me = "+15556660001", *other = "+15556660002";
	struct store_sms_in in = {
		.transport = "smpp:test", .msg_ref = "r1", .msisdn = (char *)me,
		.text = "pothole", .concat_ref = -1, .state = STORE_SMS_IN_NEW,
	};
	struct store_sms_in *list = NULL;
	int64_t a, b, c, id;
	unsigned n;
	bool found;

	clock_set(T0 + 30000);
	id = -7;
	CHECK(store_sms_in_add(st, &in, &id) == 0 && id > 0, "store an inbound message");
	a = id;
	CHECK(raw_int(path, "SELECT received_at FROM sms_in WHERE msg_ref = 'r1'") == T0 + 30000,
	      "received_at 0 means now");
	CHECK(sms_in_count(st) == 1, "one inbound message");

	/* the SMSC sends r1 again, this time with other text: nothing changes */
	in.text = "something else";
	in.state = STORE_SMS_IN_PART;
	id = -7;
	CHECK(store_sms_in_add(st, &in, &id) == -EEXIST && id == -7, "the same msg_ref again is -EEXIST");
	CHECK(sms_in_count(st) == 1 && raw_int(path, "SELECT count(*) FROM sms_in WHERE msg_ref = 'r1'"
					       " AND text = 'pothole' AND state = 'new'") == 1,
	      "and the stored message is unchanged");
	CHECK(store_sms_in_set_state(st, a, STORE_SMS_IN_DONE) == 0
	      && store_sms_in_add(st, &in, &id) == -EEXIST && id == -7,
	      "still -EEXIST once it was processed");
	CHECK(sms_in(st, "smpp:other", "r1", me, "pothole", STORE_SMS_IN_NEW, 0) > a,
	      "the same msg_ref from another transport is another message");
	b = sms_in(st, "sip", NULL, me, "pothole", STORE_SMS_IN_NEW, 0);
	c = sms_in(st, "sip", NULL, me, "pothole", STORE_SMS_IN_NEW, 0);
	CHECK(b && c && b != c, "messages without msg_ref never collide");
	CHECK(sms_in_count(st) == 4, "four inbound messages");

	in = (struct store_sms_in){ .transport = "sip", .msisdn = (char *)me, .text = "x",
				    .concat_ref = -1 };
	in.msisdn = NULL;
	CHECK(store_sms_in_add(st, &in, &id) == -EINVAL, "a message needs a number");
	in.msisdn = (char *)me;
	in.transport = NULL;
	CHECK(store_sms_in_add(st, &in, &id) == -EINVAL, "a message needs a transport");
	in.transport = "sip";
	in.text = NULL;
	CHECK(store_sms_in_add(st, &in, &id) == -EINVAL, "a message needs a text");
	in.text = "x";
	in.state = 7;
	CHECK(store_sms_in_add(st, &in, &id) == -EINVAL && sms_in_count(st) == 4,
	      "an unknown state is -EINVAL; nothing was stored");
	CHECK(store_sms_in_set_state(st, b, 7) == -EINVAL, "set_state: unknown state is -EINVAL");
	CHECK(store_sms_in_set_state(st, 999999, STORE_SMS_IN_DONE) == -ENOENT,
	      "set_state: unknown id is -ENOENT");

	/* recent_same: a is done at T0 + 30000, b and c are new */
	CHECK(store_sms_in_recent_same(st, me, "pothole", T0 + 29000, c, &found) == 0 && found,
	      "the same text from the same number in the window is found");
	CHECK(store_sms_in_recent_same(st, me, "pothole", T0 + 30000, c, &found) == 0 && found,
	      "the window includes its first second");
	CHECK(store_sms_in_recent_same(st, me, "pothole", T0 + 30001, c, &found) == 0 && !found,
	      "before the window it is not");
	CHECK(store_sms_in_recent_same(st, me, "Pothole", T0, c, &found) == 0 && !found,
	      "other text is not the same");
	CHECK(store_sms_in_recent_same(st, other, "pothole", T0, c, &found) == 0 && !found,
	      "another number's text is not the same");
	CHECK(store_sms_in_recent_same(st, me, "pothole", T0, a, &found) == 0 && !found,
	      "the row itself does not count (except_id)");
	CHECK(store_sms_in_set_state(st, a, STORE_SMS_IN_DUPLICATE) == 0
	      && store_sms_in_recent_same(st, me, "pothole", T0, 0, &found) == 0 && !found,
	      "new and duplicate rows do not count, only processed ones");
	CHECK(store_sms_in_set_state(st, b, STORE_SMS_IN_DONE) == 0
	      && store_sms_in_recent_same(st, me, "pothole", T0, c, &found) == 0 && found,
	      "a processed one does");
	CHECK(sms_part(st, NULL, other, 9, 2, 1, "lamp out", T0 + 30000)
	      && raw_exec(path, "UPDATE sms_in SET state = 'done' WHERE concat_ref = 9") == 0
	      && store_sms_in_recent_same(st, other, "lamp out", T0, 0, &found) == 0 && !found,
	      "a processed part of a long text is not a whole text");
	CHECK(store_sms_in_recent_same(st, NULL, "x", T0, 0, &found) == -EINVAL
	      && store_sms_in_recent_same(st, me, NULL, T0, 0, &found) == -EINVAL,
	      "recent_same needs a number and a text");

	CHECK(store_sms_in_parts(st, ctx, me, 1, &list, &n) == 0 && n == 0 && list,
	      "no parts: an empty list");
	talloc_free(list);
}

static void test_sms_parts(struct store *st)
{
	const char *me = "+15556660003";
	struct store_sms_in *p = NULL;
	int64_t one, two, three, again;
	unsigned n;

	/* three parts arriving out of order, one twice, and neighbours */
	three = sms_part(st, "p3", me, 42, 3, 3, "street.", T0 + 31000);
	one = sms_part(st, "p1", me, 42, 3, 1, "Pothole on ", T0 + 31001);
	two = sms_part(st, "p2", me, 42, 3, 2, "Main ", T0 + 31002);
	again = sms_part(st, "p2-again", me, 42, 3, 2, "Main ", T0 + 31003);
	CHECK(one && two && three && again, "four parts stored");
	CHECK(sms_part(st, "q1", me, 43, 2, 1, "other ref", T0 + 31000)
	      && sms_part(st, "q2", "+15556660004", 42, 2, 1, "other number", T0 + 31000),
	      "a part of another text, and one of another number with the same ref");
	CHECK(sms_part(st, "p1", me, 42, 3, 1, "Pothole on ", T0 + 31004) == 0,
	      "a retransmitted part is refused");

	CHECK(store_sms_in_parts(st, ctx, me, 42, &p, &n) == 0 && n == 4, "four parts of ref 42");
	if (n == 4) {
		CHECK(p[0].id == one && p[1].id == two && p[2].id == again && p[3].id == three,
		      "ordered by seq, then by arrival");
		CHECK(str_eq(p[0].text, "Pothole on ") && str_eq(p[0].msisdn, me)
		      && str_eq(p[0].transport, "smpp:test") && str_eq(p[0].msg_ref, "p1")
		      && p[0].concat_ref == 42 && p[0].concat_total == 3 && p[0].concat_seq == 1
		      && p[0].state == STORE_SMS_IN_PART && p[0].received_at == T0 + 31001,
		      "a part's fields read back");
	}
	talloc_free(p);
	CHECK(store_sms_in_parts(st, ctx, me, -1, &p, &n) == -EINVAL && p == NULL && n == 0,
	      "-1 is no reference");
	CHECK(store_sms_in_parts(st, ctx, NULL, 42, &p, &n) == -EINVAL, "parts need a number");

	/* the channel joined them */
	CHECK(store_sms_in_set_state(st, one, STORE_SMS_IN_DONE) == 0
	      && store_sms_in_set_state(st, two, STORE_SMS_IN_DONE) == 0
	      && store_sms_in_set_state(st, again, STORE_SMS_IN_DONE) == 0
	      && store_sms_in_set_state(st, three, STORE_SMS_IN_DONE) == 0, "the parts are done");
	CHECK(store_sms_in_parts(st, ctx, me, 42, &p, &n) == 0 && n == 4
	      && p[3].state == STORE_SMS_IN_DONE, "done parts are still listed, with their state");
	talloc_free(p);
}

static void test_sms_pending(struct store *st)
{
	const char *me = "+15556660005";
	struct store_sms_in *p = NULL, *all = NULL;
	unsigned n, i, k;
	int64_t new1, new2, old_part, young_part, done;
	bool ok;

	/* clear what the earlier tests left pending */
	CHECK(store_sms_in_pending(st, ctx, INT64_MAX, 1000, &all, &n) == 0, "everything pending");
	for (ok = true, i = 0; i < n; i++)
		ok = ok && store_sms_in_set_state(st, all[i].id, STORE_SMS_IN_DONE) == 0;
	talloc_free(all);
	CHECK(ok && store_sms_in_pending(st, ctx, INT64_MAX, 0, &p, &n) == 0 && n == 0 && p,
	      "nothing pending once all is done");
	talloc_free(p);

	young_part = sms_part(st, "y1", me, 7, 2, 1, "young ", T0 + 40500);
	new2 = sms_in(st, "sip", NULL, me, "second", STORE_SMS_IN_NEW, T0 + 40300);
	old_part = sms_part(st, "o1", me, 8, 2, 1, "old ", T0 + 40100);
	new1 = sms_in(st, "sip", NULL, me, "first", STORE_SMS_IN_NEW, T0 + 40000);
	done = sms_in(st, "sip", NULL, me, "done", STORE_SMS_IN_DONE, T0 + 39000);
	CHECK(young_part && new2 && old_part && new1 && done, "five inbound rows");

	CHECK(store_sms_in_pending(st, ctx, T0 + 40200, 10, &p, &n) == 0 && n == 3, "three pending");
	if (n == 3)
		CHECK(p[0].id == new1 && p[1].id == old_part && p[2].id == new2
		      && p[0].state == STORE_SMS_IN_NEW && str_eq(p[0].text, "first")
		      && p[1].state == STORE_SMS_IN_PART && p[1].concat_ref == 8
		      && p[0].concat_ref == -1,
		      "new messages and the old part, oldest first; not the young part nor the done one");
	talloc_free(p);
	CHECK(store_sms_in_pending(st, ctx, T0 + 40100, 10, &p, &n) == 0 && n == 2
	      && p[0].id == new1 && p[1].id == new2, "a part received at the cutoff is not older");
	talloc_free(p);
	CHECK(store_sms_in_pending(st, ctx, T0 + 50000, 2, &p, &n) == 0 && n == 2
	      && p[0].id == new1 && p[1].id == old_part, "at most limit");
	talloc_free(p);
	CHECK(store_sms_in_pending(st, ctx, T0 + 50000, 0, &p, &n) == 0 && n == 4
	      && p[3].id == young_part, "limit 0 is the default; every part once old enough");
	for (k = 0, i = 0; i < n; i++)
		k += p[i].id == done;
	CHECK(k == 0, "a done message is never pending");
	talloc_free(p);
	CHECK(store_sms_in_set_state(st, new1, STORE_SMS_IN_DONE) == 0
	      && store_sms_in_set_state(st, new2, STORE_SMS_IN_DUPLICATE) == 0
	      && store_sms_in_set_state(st, old_part, STORE_SMS_IN_DONE) == 0
	      && store_sms_in_set_state(st, young_part, STORE_SMS_IN_DONE) == 0
	      && store_sms_in_pending(st, ctx, T0 + 50000, 0, &p, &n) == 0 && n == 0,
	      "processed and duplicate messages are not pending");
	talloc_free(p);
}

static void test_sms_out(struct store *st)
{
	const char *me = "+15557770001";
	struct store_sms_out *m = NULL, *due = NULL;
	int64_t a, b, c, in_id;
	unsigned n;

	CHECK(sms_out_count(st, STORE_SMS_OUT_QUEUED) == 0, "an empty queue");
	in_id = sms_in(st, "sip", NULL, me, "hello", STORE_SMS_IN_DONE, T0 + 50000);
	clock_set(T0 + 50000);
	CHECK(store_sms_out_queue(st, me, "first", "reply", in_id, &c) == 0, "queue c");
	clock_set(T0 + 50010);
	CHECK(store_sms_out_queue(st, me, "second", "notify", 0, &a) == 0
	      && store_sms_out_queue(st, "+15557770002", "third", NULL, 0, &b) == 0 && c < a && a < b,
	      "queue a and b ten seconds later");
	CHECK(store_sms_out_queue(st, me, "no id", "reply", 0, NULL) == 0, "the id may be NULL");
	CHECK(store_sms_out_queue(st, NULL, "x", "reply", 0, NULL) == -EINVAL
	      && store_sms_out_queue(st, me, NULL, "reply", 0, NULL) == -EINVAL,
	      "a message needs a number and a text");
	CHECK(sms_out_count(st, STORE_SMS_OUT_QUEUED) == 4, "four queued");

	CHECK(store_sms_out_get(st, ctx, c, &m) == 0 && m->id == c && str_eq(m->msisdn, me)
	      && str_eq(m->text, "first") && str_eq(m->reason, "reply") && m->in_reply_to == in_id
	      && m->state == STORE_SMS_OUT_QUEUED && m->attempts == 0 && m->next_try_at == T0 + 50000
	      && m->msg_ref == NULL && m->last_error == NULL && m->created_at == T0 + 50000
	      && m->updated_at == T0 + 50000, "get: a queued message, due now");
	talloc_free(m);
	CHECK(store_sms_out_get(st, ctx, a, &m) == 0 && m->in_reply_to == 0 && str_eq(m->reason, "notify"),
	      "no inbound message reads as in_reply_to 0");
	talloc_free(m);
	CHECK(store_sms_out_get(st, ctx, 999999, &m) == -ENOENT && m == NULL, "get: unknown id is -ENOENT");

	/* c fails for now and comes back after a and b */
	clock_set(T0 + 50020);
	CHECK(store_sms_out_retry(st, c, T0 + 50100, "throttled") == 0, "retry c");
	CHECK(store_sms_out_get(st, ctx, c, &m) == 0 && m->state == STORE_SMS_OUT_QUEUED
	      && m->attempts == 1 && m->next_try_at == T0 + 50100 && str_eq(m->last_error, "throttled")
	      && m->updated_at == T0 + 50020, "queued again, attempts 1, next try and error set");
	talloc_free(m);
	CHECK(store_sms_out_due(st, ctx, T0 + 50005, 10, NULL, NULL, &due, &n) == 0 && n == 0 && due,
	      "nothing due before a and b");
	talloc_free(due);
	CHECK(store_sms_out_due(st, ctx, T0 + 50099, 10, NULL, NULL, &due, &n) == 0 && n == 3
	      && due[0].id == a && due[1].id == b && str_eq(due[1].text, "third")
	      && due[2].next_try_at == T0 + 50010, "due: a, b and the one without id, not c yet");
	talloc_free(due);
	CHECK(store_sms_out_due(st, ctx, T0 + 50100, 10, NULL, NULL, &due, &n) == 0 && n == 4
	      && due[0].id == a && due[1].id == b && due[3].id == c,
	      "due: ordered by next_try_at, then id");
	talloc_free(due);
	CHECK(store_sms_out_due(st, ctx, T0 + 50100, 2, NULL, NULL, &due, &n) == 0 && n == 2
	      && due[0].id == a && due[1].id == b, "due: at most limit");
	talloc_free(due);
	CHECK(store_sms_out_retry(st, c, T0 + 50200, NULL) == 0
	      && store_sms_out_get(st, ctx, c, &m) == 0 && m->attempts == 2 && m->last_error == NULL,
	      "a second retry: attempts 2");
	talloc_free(m);

	clock_set(T0 + 50030);
	CHECK(store_sms_out_sent(st, a, "smsc-1") == 0, "a is sent");
	CHECK(store_sms_out_get(st, ctx, a, &m) == 0 && m->state == STORE_SMS_OUT_SENT
	      && str_eq(m->msg_ref, "smsc-1") && m->attempts == 0 && m->updated_at == T0 + 50030,
	      "sent: msg_ref set, attempts unchanged");
	talloc_free(m);
	CHECK(store_sms_out_due(st, ctx, T0 + 60000, 10, NULL, NULL, &due, &n) == 0 && n == 3 && due[0].id == b,
	      "a sent message is no longer due");
	talloc_free(due);
	CHECK(store_sms_out_sent(st, a, "smsc-1b") == -EINVAL
	      && store_sms_out_retry(st, a, T0 + 60000, "x") == -EINVAL,
	      "a sent message cannot be sent again or retried");
	CHECK(store_sms_out_get(st, ctx, a, &m) == 0 && str_eq(m->msg_ref, "smsc-1") && m->attempts == 0,
	      "and is left as it was");
	talloc_free(m);
	CHECK(store_sms_out_sent(st, 999999, "x") == -ENOENT && store_sms_out_retry(st, 999999, 0, "x") == -ENOENT
	      && store_sms_out_failed(st, 999999, "x") == -ENOENT, "moves of an unknown id are -ENOENT");

	CHECK(store_sms_out_failed(st, b, "unknown subscriber") == 0
	      && store_sms_out_get(st, ctx, b, &m) == 0 && m->state == STORE_SMS_OUT_FAILED
	      && str_eq(m->last_error, "unknown subscriber") && m->attempts == 0,
	      "a queued message fails for good");
	talloc_free(m);
	CHECK(store_sms_out_failed(st, a, "given up") == 0
	      && store_sms_out_get(st, ctx, a, &m) == 0 && m->state == STORE_SMS_OUT_FAILED,
	      "a sent message can be failed");
	talloc_free(m);
	CHECK(store_sms_out_failed(st, b, "again") == -EINVAL && store_sms_out_sent(st, b, "late") == -EINVAL
	      && store_sms_out_retry(st, b, 0, "x") == -EINVAL, "a failed message stays failed");
	CHECK(store_sms_out_sent(st, c, NULL) == 0 && store_sms_out_get(st, ctx, c, &m) == 0
	      && m->state == STORE_SMS_OUT_SENT && m->msg_ref == NULL && m->attempts == 2,
	      "sent without a message id (SIP); attempts kept");
	talloc_free(m);

	CHECK(sms_out_count(st, STORE_SMS_OUT_QUEUED) == 1 && sms_out_count(st, STORE_SMS_OUT_SENT) == 1
	      && sms_out_count(st, STORE_SMS_OUT_DELIVERED) == 0
	      && sms_out_count(st, STORE_SMS_OUT_FAILED) == 2, "counts by state");
	CHECK(store_sms_out_count(st, 9, &n) == -EINVAL, "an unknown state cannot be counted");
}

/* Is id among the n messages of due? */
static bool due_has(const struct store_sms_out *due, unsigned n, int64_t id)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (due[i].id == id)
			return true;
	return false;
}

/* A reply goes back the way its text came; a notification the way the
 * number last texted; the due list of a transport holds its own, any
 * transport's and orphans'. */
static void test_sms_routes(struct store *st)
{
	const char *x = "+15558880001", *y = "+15558880002", *z = "+15558880003";
	const char *all = "smpp:north\nsmpp:south\nsip\n";
	struct store_sms_in in = { .msisdn = (char *)y, .text = "hola", .concat_ref = -1,
				   .state = STORE_SMS_IN_DONE, .transport = "sip",
				   .route = "127.0.0.5", .received_at = T0 + 70000 };
	struct store_sms_out *m = NULL, *due = NULL;
	int64_t in_x1, in_y, in_x2 = 0, r_x1, r_y, n_y, n_x, n_z;
	unsigned n = 0;

	clock_set(T0 + 70000);
	in_x1 = sms_in(st, "smpp:north", "n-1", x, "menu", STORE_SMS_IN_DONE, T0 + 70000);
	CHECK(store_sms_in_add(st, &in, &in_y) == 0 && in_x1 > 0, "texts from x (SMPP) and y (SIP)");
	CHECK(store_sms_out_queue(st, x, "Menu", "reply", in_x1, &r_x1) == 0
	      && store_sms_out_get(st, ctx, r_x1, &m) == 0 && str_eq(m->via, "smpp:north")
	      && m->route == NULL, "x's reply goes back through smpp:north");
	talloc_free(m);
	CHECK(store_sms_out_queue(st, y, "Hola", "reply", in_y, &r_y) == 0
	      && store_sms_out_get(st, ctx, r_y, &m) == 0 && str_eq(m->via, "sip")
	      && str_eq(m->route, "127.0.0.5"), "y's reply goes back through sip, to its peer");
	talloc_free(m);
	CHECK(store_sms_out_queue(st, y, "Closed", "notify", 0, &n_y) == 0
	      && store_sms_out_get(st, ctx, n_y, &m) == 0 && str_eq(m->via, "sip")
	      && str_eq(m->route, "127.0.0.5"), "a notification to y goes the way y last texted");
	talloc_free(m);
	clock_set(T0 + 70010);
	in_x2 = sms_in(st, "smpp:south", "s-1", x, "status", STORE_SMS_IN_DONE, T0 + 70010);
	CHECK(in_x2 > 0 && store_sms_out_queue(st, x, "Closed", "notify", 0, &n_x) == 0
	      && store_sms_out_get(st, ctx, n_x, &m) == 0 && str_eq(m->via, "smpp:south"),
	      "after x texted through smpp:south, a notification goes that way");
	talloc_free(m);
	CHECK(store_sms_out_get(st, ctx, r_x1, &m) == 0 && str_eq(m->via, "smpp:north"),
	      "the reply queued before keeps its way");
	talloc_free(m);
	CHECK(store_sms_out_queue(st, z, "Hi", "notify", 0, &n_z) == 0
	      && store_sms_out_get(st, ctx, n_z, &m) == 0 && m->via == NULL,
	      "a number never heard from: any transport");
	talloc_free(m);

	CHECK(store_sms_out_due(st, ctx, T0 + 70020, 100, "smpp:north", all, &due, &n) == 0
	      && due_has(due, n, r_x1) && due_has(due, n, n_z) && !due_has(due, n, r_y)
	      && !due_has(due, n, n_y) && !due_has(due, n, n_x),
	      "smpp:north's due list: its own and any transport's, not sip's or south's");
	talloc_free(due);
	CHECK(store_sms_out_due(st, ctx, T0 + 70020, 100, "sip", all, &due, &n) == 0
	      && due_has(due, n, r_y) && due_has(due, n, n_y) && due_has(due, n, n_z)
	      && !due_has(due, n, r_x1) && !due_has(due, n, n_x), "sip's due list");
	talloc_free(due);
	CHECK(store_sms_out_due(st, ctx, T0 + 70020, 100, "sip", "sip\n", &due, &n) == 0
	      && due_has(due, n, r_y) && due_has(due, n, r_x1) && due_has(due, n, n_x)
	      && due_has(due, n, n_z), "with the SMSCs gone from the configuration, sip takes theirs");
	talloc_free(due);
	CHECK(store_sms_out_due(st, ctx, T0 + 70020, 100, "smpp:north", "smpp:north\nsip\nsmpp:southpole\n",
				&due, &n) == 0 && due_has(due, n, n_x) && !due_has(due, n, r_y),
	      "names are whole lines: smpp:south is not configured as part of smpp:southpole");
	talloc_free(due);
	CHECK(store_sms_out_sent(st, r_x1, "a") == 0 && store_sms_out_sent(st, r_y, "b") == 0
	      && store_sms_out_sent(st, n_y, "c") == 0 && store_sms_out_sent(st, n_x, "d") == 0
	      && store_sms_out_sent(st, n_z, "e") == 0, "sent, out of the way of the next tests");
}

static void test_sms_receipts(struct store *st)
{
	const char *me = "+15557770010";
	struct store_sms_out *m = NULL;
	int64_t one, multi, old, reuse;

	clock_set(T0 + 60000);
	CHECK(store_sms_out_queue(st, me, "one part", "reply", 0, &one) == 0
	      && store_sms_out_queue(st, me, "three parts", "reply", 0, &multi) == 0
	      && store_sms_out_queue(st, me, "old", "reply", 0, &old) == 0
	      && store_sms_out_queue(st, me, "reuses an id", "reply", 0, &reuse) == 0, "queue four");
	CHECK(store_sms_out_sent(st, one, "d-1") == 0 && store_sms_out_sent(st, multi, "d-2 d-3  d-4") == 0
	      && store_sms_out_sent(st, old, "d-9") == 0, "sent, one with three message ids");

	clock_set(T0 + 60010);
	CHECK(store_sms_out_receipt(st, "d-1", true, "DELIVRD") == 0
	      && store_sms_out_get(st, ctx, one, &m) == 0 && m->state == STORE_SMS_OUT_DELIVERED
	      && m->updated_at == T0 + 60010 && m->last_error == NULL, "a receipt: delivered");
	talloc_free(m);
	CHECK(store_sms_out_receipt(st, "d-1", true, "DELIVRD") == 0
	      && sms_out_count(st, STORE_SMS_OUT_DELIVERED) == 1, "the same receipt twice changes nothing");
	CHECK(store_sms_out_receipt(st, "d-3", true, NULL) == 0
	      && store_sms_out_get(st, ctx, multi, &m) == 0 && m->state == STORE_SMS_OUT_DELIVERED
	      && str_eq(m->msg_ref, "d-2 d-3  d-4"), "a receipt for the middle part finds the message");
	talloc_free(m);
	CHECK(store_sms_out_receipt(st, "d-4", false, "UNDELIV") == 0
	      && store_sms_out_get(st, ctx, multi, &m) == 0 && m->state == STORE_SMS_OUT_FAILED
	      && str_eq(m->last_error, "UNDELIV"), "one failed part fails the whole message");
	talloc_free(m);
	CHECK(store_sms_out_receipt(st, "d-2", true, NULL) == 0
	      && store_sms_out_get(st, ctx, multi, &m) == 0 && m->state == STORE_SMS_OUT_FAILED,
	      "a later delivered part leaves it failed");
	talloc_free(m);
	CHECK(store_sms_out_receipt(st, "d-9", false, NULL) == 0
	      && store_sms_out_get(st, ctx, old, &m) == 0 && m->state == STORE_SMS_OUT_FAILED
	      && str_eq(m->last_error, "delivery failed"), "a failure without detail says so");
	talloc_free(m);
	CHECK(store_sms_out_receipt(st, "d-2 d-3", true, NULL) == -ENOENT
	      && store_sms_out_receipt(st, "d-5", true, NULL) == -ENOENT
	      && store_sms_out_receipt(st, "", true, NULL) == -EINVAL
	      && store_sms_out_receipt(st, NULL, true, NULL) == -EINVAL,
	      "unknown ids are -ENOENT, none is -EINVAL");

	/* the SMSC wrapped its ids: the newest message owns d-9 */
	CHECK(store_sms_out_sent(st, reuse, "d-9") == 0 && store_sms_out_receipt(st, "d-9", true, NULL) == 0
	      && store_sms_out_get(st, ctx, reuse, &m) == 0 && m->state == STORE_SMS_OUT_DELIVERED,
	      "a reused message id belongs to the newest message");
	talloc_free(m);
	CHECK(store_sms_out_get(st, ctx, old, &m) == 0 && m->state == STORE_SMS_OUT_FAILED,
	      "and the old one is left alone");
	talloc_free(m);
}

static void test_numbers(struct store *st)
{
	const char *me = "+15558880001";
	struct store_number *num = NULL;

	clock_set(T0 + 70000);
	CHECK(store_number_get(st, ctx, me, &num) == -ENOENT && num == NULL, "a number never seen is -ENOENT");
	CHECK(store_number_set_optout(st, me, true) == 0, "STOP");
	CHECK(store_number_get(st, ctx, me, &num) == 0 && str_eq(num->msisdn, me) && num->opted_out
	      && num->lang == NULL && num->updated_at == T0 + 70000, "opted out, no language chosen");
	talloc_free(num);
	clock_set(T0 + 70010);
	CHECK(store_number_set_lang(st, me, "es") == 0
	      && store_number_get(st, ctx, me, &num) == 0 && str_eq(num->lang, "es") && num->opted_out
	      && num->updated_at == T0 + 70010, "a language; the opt-out is kept");
	talloc_free(num);
	CHECK(store_number_set_optout(st, me, false) == 0
	      && store_number_get(st, ctx, me, &num) == 0 && !num->opted_out && str_eq(num->lang, "es"),
	      "START; the language is kept");
	talloc_free(num);
	CHECK(store_number_set_lang(st, "+15558880002", "en") == 0
	      && store_number_get(st, ctx, "+15558880002", &num) == 0 && !num->opted_out
	      && str_eq(num->lang, "en"), "a language first: not opted out");
	talloc_free(num);
	CHECK(store_number_set_lang(st, me, NULL) == 0
	      && store_number_get(st, ctx, me, &num) == 0 && num->lang == NULL, "NULL forgets the language");
	talloc_free(num);
	CHECK(store_number_set_optout(st, NULL, true) == -EINVAL && store_number_set_lang(st, "", "en") == -EINVAL
	      && store_number_get(st, ctx, NULL, &num) == -EINVAL, "a number is needed");
}

static void test_sms_transactions(struct store *st, const char *path)
{
	const char *me = "+15559990001";
	struct store *other = store_open(ctx, path, STORE_SYNC_NORMAL);
	struct store_number *num = NULL;
	unsigned in_before, queued_before, sent_before, n;
	int64_t in_id = 0, out_id = 0, sent_id = 0;
	bool found;

	CHECK(other != NULL, "a second connection to sms.db");
	if (!other)
		return;
	in_before = sms_in_count(st);
	queued_before = sms_out_count(st, STORE_SMS_OUT_QUEUED);
	sent_before = sms_out_count(st, STORE_SMS_OUT_SENT);
	CHECK(store_sms_out_queue(st, me, "to send", "reply", 0, &sent_id) == 0, "queue one to send later");
	queued_before++;

	/* everything a step of the channel writes, rolled back */
	CHECK(store_begin(st) == 0, "begin");
	in_id = sms_in(st, "smpp:test", "tx-1", me, "report", STORE_SMS_IN_NEW, 0);
	CHECK(in_id && store_sms_in_set_state(st, in_id, STORE_SMS_IN_DONE) == 0
	      && store_sms_out_queue(st, me, "thanks", "reply", in_id, &out_id) == 0
	      && store_sms_out_sent(st, sent_id, "tx-ref") == 0
	      && store_number_set_optout(st, me, true) == 0 && store_number_set_lang(st, me, "es") == 0,
	      "store, process, queue, send, opt out and choose a language in one transaction");
	CHECK(sms_in_count(st) == in_before + 1 && sms_in_count(other) == in_before,
	      "the writer sees its message, the other connection does not");
	CHECK(store_rollback(st) == 0, "rollback");
	CHECK(sms_in_count(st) == in_before && sms_out_count(st, STORE_SMS_OUT_QUEUED) == queued_before
	      && sms_out_count(st, STORE_SMS_OUT_SENT) == sent_before, "no message is left");
	CHECK(store_number_get(st, ctx, me, &num) == -ENOENT, "no number is left");
	CHECK(store_sms_out_receipt(st, "tx-ref", true, NULL) == -ENOENT, "no message id is left");
	CHECK(sms_in(st, "smpp:test", "tx-1", me, "report", STORE_SMS_IN_NEW, 0) != 0,
	      "the rolled-back msg_ref can be stored");
	in_before++;

	/* a retransmission and a wrong move inside a group fail alone */
	CHECK(store_begin(st) == 0, "begin");
	CHECK(sms_in(st, "smpp:test", "tx-2", me, "again", STORE_SMS_IN_NEW, 0) != 0
	      && sms_in(st, "smpp:test", "tx-2", me, "again", STORE_SMS_IN_NEW, 0) == 0,
	      "a retransmission inside the transaction");
	CHECK(store_sms_out_sent(st, sent_id, "tx-a tx-b") == 0
	      && store_sms_out_sent(st, sent_id, "tx-c") == -EINVAL, "a second sent inside it is refused");
	CHECK(store_number_set_lang(st, me, "es") == 0, "and a language");
	CHECK(store_commit(st) == 0, "commit");
	CHECK(sms_in_count(other) == in_before + 1 && sms_out_count(other, STORE_SMS_OUT_SENT) == sent_before + 1,
	      "the other connection sees the message once and the sent one");
	CHECK(store_sms_out_receipt(other, "tx-b", true, NULL) == 0
	      && store_sms_out_receipt(other, "tx-c", true, NULL) == -ENOENT,
	      "the refused sent left no message id");
	CHECK(store_number_get(other, ctx, me, &num) == 0 && str_eq(num->lang, "es") && !num->opted_out,
	      "the number as committed");
	talloc_free(num);
	CHECK(store_sms_in_recent_same(other, me, "report", T0, 0, &found) == 0 && !found
	      && store_sms_in_count(other, &n) == 0 && n == in_before + 1, "reads on the other connection");
	store_close(other);
}

/*
 * A reader process while this one writes
 */

#define CONC_TX		30
#define CONC_PER_TX	10

struct reader_result {
	unsigned iterations;
	unsigned errors;
	unsigned backwards;
	unsigned distinct;
	unsigned last;
};

__attribute__((noreturn))
static void reader_child(const char *path, int go_fd, int out_fd)
{
	struct reader_result res = {};
	void *rctx = talloc_named_const(NULL, 0, "reader");
	void *reads = talloc_named_const(rctx, 0, "reads");
	struct timespec start, now;
	struct store *st;
	char c = 0;

	if (read(go_fd, &c, 1) != 1)
		_exit(2);
	st = store_open(rctx, path, STORE_SYNC_NORMAL);
	if (write(out_fd, "r", 1) != 1 || !st)
		_exit(3);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct store_case_filter f = { .limit = 1 };
		struct store_case **list;
		struct store_case *got;
		unsigned n, count;

		if (store_case_count(st, &count)) {
			res.errors++;
			break;
		}
		if (count < res.last)
			res.backwards++;
		if (count != res.last)
			res.distinct++;
		res.last = count;
		if (count) {
			if (store_case_list(st, reads, &f, &list, &n) || n != 1
			    || store_case_get(st, reads, list[0]->id, &got) || got->id != list[0]->id)
				res.errors++;
		}
		talloc_free_children(reads);
		res.iterations++;
		if (count >= CONC_TX * CONC_PER_TX)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 60) {
			res.errors++;
			break;
		}
	}
	talloc_free(rctx);
	if (write(out_fd, &res, sizeof(res)) != sizeof(res))
		_exit(4);
	_exit(res.errors ? 1 : 0);
}

/*
 * The contact center: overflow reasons, callbacks, announcements
 */

static void test_overflow(struct store *st)
{
	struct store_case_new req = {
		.kind = CASE_KIND_CALLBACK, .service_code = "callback", .channel = "voice",
		.phone = "+15550007001", .lang = "es", .flow_path = "afterhours.menu>agent.when",
		.callback_window = "evening", .overflow = STORE_OVERFLOW_QUEUE_FULL, .no_dedup = true,
	};
	struct store_session_log *log = NULL;
	struct store_case *c = NULL;
	unsigned n = 0;

	CHECK(store_case_create(st, ctx, &req, &c, NULL) == 0 && str_eq(c->overflow, "queue_full")
	      && str_eq(c->lang, "es") && str_eq(c->flow_path, "afterhours.menu>agent.when"),
	      "a callback keeps its overflow reason, language and flow path");
	talloc_free(c);
	req = (struct store_case_new){ .service_code = "pothole", .location = "1 Elm St", .channel = "sms" };
	CHECK(store_case_create(st, ctx, &req, &c, NULL) == 0 && c->overflow == NULL,
	      "a case filed without one has none");
	talloc_free(c);
	CHECK(store_session_log_end_overflow(st, "voice:+15550007001", "voice", "afterhours",
					     "agent.file_callback", "completed", T0, "no_answer") == 0
	      && store_session_log_end(st, "sms:+15550007002", "sms", "main", "main.menu", "expired", T0) == 0,
	      "session ends are logged with and without an overflow reason");
	CHECK(store_session_log_list(st, ctx, 10, &log, &n) == 0 && n == 2 && log[0].overflow == NULL
	      && str_eq(log[1].overflow, "no_answer") && str_eq(log[1].entry, "afterhours"),
	      "the session log keeps the overflow reason (newest first)");
	talloc_free(log);
}

static uint64_t file_callback(struct store *st, const char *phone, const char *window)
{
	struct store_case_new req = {
		.kind = CASE_KIND_CALLBACK, .service_code = "callback", .channel = "sms",
		.phone = phone, .lang = "en", .callback_window = window, .flow_path = "agent.when",
	};
	struct store_case *c = NULL;
	uint64_t id = 0;

	if (store_case_create(st, ctx, &req, &c, NULL) == 0)
		id = c->id;
	talloc_free(c);
	return id;
}

static void test_callbacks(struct store *st)
{
	struct store_case_filter f = { .kind = CASE_KIND_CALLBACK, .status = CASE_STATUS_OPEN,
				       .oldest_first = true };
	struct store_case_filter bad = { .phone = "+1", .oldest_first = true };
	struct store_case_event *ev = NULL;
	struct store_case **cases = NULL;
	uint64_t a, b, c, report;
	unsigned n = 0, before = 0;

	CHECK(store_case_list(st, ctx, &f, &cases, &before) == 0, "open callbacks are listed");
	talloc_free(cases);
	a = file_callback(st, "+15550008001", "morning");
	clock_set(T0 + 60);
	b = file_callback(st, "+15550008002", "any");
	c = file_callback(st, "+15550008003", "evening");
	report = file_case(st, "trash", "9 Oak St", "+15550008004", "sms", NULL);
	CHECK(a && b && c && report, "three callbacks and a report filed");
	CHECK(store_case_list(st, ctx, &f, &cases, &n) == 0 && n == before + 3
	      && cases[before]->id == a && cases[before + 1]->id == b && cases[before + 2]->id == c,
	      "open callbacks come oldest first, without the report");
	talloc_free(cases);
	CHECK(store_case_list(st, ctx, &bad, &cases, &n) == -EINVAL,
	      "oldest first by phone is refused");
	CHECK(store_callback_mark(st, b, true, "Reached, pothole explained", "stoopctl") == 0,
	      "a callback is marked done");
	CHECK(store_callback_mark(st, c, false, NULL, "console") == 0, "another is marked failed");
	CHECK(store_callback_mark(st, b, false, NULL, "console") == -EINVAL,
	      "a closed callback cannot be marked again");
	CHECK(store_callback_mark(st, report, true, NULL, "console") == -EINVAL,
	      "a report is not a callback");
	CHECK(store_callback_mark(st, case_id_from_base(999999), true, NULL, "console") == -ENOENT,
	      "no such case");
	CHECK(store_case_list(st, ctx, &f, &cases, &n) == 0 && n == before + 1 && cases[before]->id == a,
	      "only the unmarked one is left");
	talloc_free(cases);
	CHECK(store_case_history(st, ctx, b, &ev, &n) == 0 && n == 2
	      && str_eq(ev[1].note, "callback done: Reached, pothole explained")
	      && str_eq(ev[1].status, "closed") && str_eq(ev[1].actor, "stoopctl"),
	      "done is in the history with the note and who");
	talloc_free(ev);
	CHECK(store_case_history(st, ctx, c, &ev, &n) == 0 && n == 2
	      && str_eq(ev[1].note, "callback failed") && str_eq(ev[1].actor, "console"),
	      "failed is in the history");
	talloc_free(ev);
	clock_set(T0);
}

static void test_announcements(struct store *st, const char *path)
{
	const struct store_announcement *on;
	struct store_announcement *a = NULL, **list = NULL;
	struct store_announcement_event *ev = NULL;
	struct store *other;
	uint64_t id = file_case(st, "water", "Broad St and 5th", "+15550009001", "sms", NULL);
	unsigned n = 0;

	CHECK(store_announcement_active(st) == NULL, "no announcement is on at first");
	CHECK(store_announcement_set(st, "Water!", "en", "x", NULL) == -EINVAL
	      && store_announcement_set(st, "water", "EN", "x", NULL) == -EINVAL,
	      "bad names and languages are refused");
	CHECK(store_announcement_set_active(st, "water", true, "test") == -ENOENT,
	      "an unknown announcement cannot be turned on");
	CHECK(store_announcement_set(st, "water", NULL, NULL, NULL) == 0
	      && store_announcement_set_active(st, "water", true, "test") == -EINVAL,
	      "one without any text cannot be turned on");
	CHECK(store_announcement_set(st, "water", "en", "We know about the water main break.", NULL) == 0
	      && store_announcement_set(st, "water", "es", "Sabemos de la rotura.", "/rec/water-es.wav") == 0
	      && store_announcement_set(st, "water", "en", NULL, "/rec/water-en.wav") == 0,
	      "texts and recordings per language");
	CHECK(store_announcement_set_case(st, "water", case_id_from_base(999999)) == -ENOENT
	      && store_announcement_set_case(st, "nosuch", id) == -ENOENT
	      && store_announcement_set_case(st, "water", id) == 0,
	      "the case must exist, and so must the announcement");
	CHECK(store_announcement_set_active(st, "water", true, "console") == 0
	      && (on = store_announcement_active(st)) && str_eq(on->name, "water") && on->case_id == id,
	      "turned on, it is the active one");
	on = store_announcement_active(st);
	CHECK(str_eq(store_announcement_text(on, "es", "en"), "Sabemos de la rotura.")
	      && str_eq(store_announcement_text(on, "fr", "en"), "We know about the water main break.")
	      && str_eq(store_announcement_audio(on, "en", "en"), "/rec/water-en.wav")
	      && str_eq(store_announcement_audio(on, "es", "en"), "/rec/water-es.wav"),
	      "text and audio in a language, else the default language's");
	CHECK(store_announcement_set(st, "snow", "en", "Trash pickup is a day late.", NULL) == 0
	      && store_announcement_set_active(st, "snow", true, "stoopctl") == 0
	      && str_eq(store_announcement_active(st)->name, "snow"),
	      "turning another on makes it the active one");
	CHECK(store_announcement_get(st, ctx, "water", &a) == 0 && !a->active && a->n_langs == 2
	      && str_eq(a->langs[1].lang, "es") && str_eq(a->langs[1].audio, "/rec/water-es.wav"),
	      "and the first one is off");
	talloc_free(a);
	CHECK(raw_int(path, "SELECT count(*) FROM announcements WHERE active = 1") == 1,
	      "one row is on in the file");
	CHECK(store_announcement_history(st, ctx, "water", &ev, &n) == 0 && n == 2 && ev[0].active
	      && str_eq(ev[0].actor, "console") && !ev[1].active && str_eq(ev[1].actor, "stoopctl"),
	      "the history says who turned it on, and who turned it off by turning another on");
	talloc_free(ev);
	CHECK(store_announcement_list(st, ctx, &list, &n) == 0 && n == 2 && str_eq(list[0]->name, "snow")
	      && list[0]->active && str_eq(list[1]->name, "water"), "the list is by name");
	talloc_free(list);

	/* another process (stoopctl) turns it off: seen at the next read */
	other = store_open(ctx, path, STORE_SYNC_NORMAL);
	CHECK(other && store_announcement_set_active(other, "snow", false, "stoopctl") == 0,
	      "a second connection turns it off");
	CHECK(store_announcement_active(st) == NULL, "the first connection sees it off at once");
	CHECK(other && store_announcement_set_active(other, "water", true, "stoopctl") == 0
	      && store_announcement_active(st) && str_eq(store_announcement_active(st)->name, "water"),
	      "and sees the other one on");
	CHECK(store_announcement_set_active(st, "water", true, "console") == 0
	      && store_announcement_history(st, ctx, "water", &ev, &n) == 0 && n == 3,
	      "turning on what is on writes no history line");
	talloc_free(ev);
	store_close(other);
	CHECK(store_announcement_set_active(st, "water", false, "console") == 0
	      && store_announcement_active(st) == NULL, "off again");
}

static void test_concurrent_readers(void)
{
	char *path = tmp_path("concurrent.db");
	struct reader_result res = {};
	int go[2], out[2], status = -1;
	unsigned t, i, failed = 0;
	struct store *st;
	char c;
	pid_t pid;

	if (pipe(go) || pipe(out)) {
		CHECK(0, "pipes");
		return;
	}
	/* fork before this process has any connection to the file: SQLite
	 * connections must not cross a fork() */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		close(out[0]);
		reader_child(path, go[0], out[1]);
	}
	close(go[0]);
	close(out[1]);
	CHECK(pid > 0, "fork a reader");

	st = store_open(ctx, path, STORE_SYNC_FULL);
	CHECK(st != NULL, "the writer opens the file");
	if (!st) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return;
	}
	for (t = 0; t < CONC_TX; t++) {
		if (store_begin(st))
			failed++;
		for (i = 0; i < CONC_PER_TX; i++) {
			struct store_case_new req = {
				.service_code = "pothole",
				.location = talloc_asprintf(ctx, "%u Concurrent Ave", t * CONC_PER_TX + i),
				.channel = "sms",
				.phone = "+15554440000",
			};
			if (store_case_create(st, NULL, &req, NULL, NULL))
				failed++;
			talloc_free((char *)req.location);
		}
		if (t == 0) {
			/* the reader opens while the write transaction is open */
			if (write(go[1], "g", 1) != 1 || read(out[0], &c, 1) != 1)
				failed++;
		}
		if (store_commit(st))
			failed++;
	}
	CHECK(failed == 0, "the writer filed %u cases in %u transactions", CONC_TX * CONC_PER_TX, CONC_TX);
	waitpid(pid, &status, 0);
	CHECK(read(out[0], &res, sizeof(res)) == sizeof(res), "the reader reports");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0 && res.errors == 0,
	      "the reader never saw an error (exit %d, %u errors)", status, res.errors);
	CHECK(res.backwards == 0, "counts never went backwards (%u reads, %u distinct counts)",
	      res.iterations, res.distinct);
	CHECK(res.last == CONC_TX * CONC_PER_TX, "the reader saw all %u cases", res.last);
	printf("# reader: %u reads, %u distinct counts\n", res.iterations, res.distinct);
	close(go[1]);
	close(out[0]);
	store_close(st);
}

int main(int argc, char **argv)
{
	const char *base = getenv("TMPDIR");
	char *path;
	struct store *st;
	int rc;

	ctx = talloc_named_const(NULL, 0, "store_test");
	stoop_log_init(ctx, true);
	osmo_clock_override_enable(CLOCK_REALTIME, true);
	clock_set(T0);

	snprintf(tmpdir, sizeof(tmpdir), "%s/stoop-store-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}

	test_case_id();
	test_location_norm();
	test_concurrent_readers();
	test_migrate_empty();
	test_migrate_v1();
	test_migrate_v2();
	test_migrate_v3();
	test_migrate_v4();
	test_migrate_newer();

	path = tmp_path("cases.db");
	st = store_open(ctx, path, STORE_SYNC_NORMAL);
	CHECK(st != NULL, "open %s", "cases.db");
	if (st) {
		test_create_dedup(st);
		test_status(st);
		test_followers(st);
		test_list(st);
		test_transactions(st, path);
		test_sessions(st, path);
		store_close(st);
	}

	path = tmp_path("cc.db");
	st = store_open(ctx, path, STORE_SYNC_NORMAL);
	CHECK(st != NULL, "open %s", "cc.db");
	if (st) {
		test_overflow(st);
		test_callbacks(st);
		test_announcements(st, path);
		store_close(st);
	}

	path = tmp_path("sms.db");
	st = store_open(ctx, path, STORE_SYNC_NORMAL);
	CHECK(st != NULL, "open %s", "sms.db");
	if (st) {
		test_sms_in(st, path);
		test_sms_parts(st);
		test_sms_pending(st);
		test_sms_out(st);
		test_sms_routes(st);
		test_sms_receipts(st);
		test_numbers(st);
		test_sms_transactions(st, path);
		store_close(st);
	}

	remove_tmpdir();
	rc = test_done();
	log_fini();
	talloc_free(ctx);
	return rc;
}
