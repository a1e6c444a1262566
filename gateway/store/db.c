/* db.c -- the SQLite file under the store: opening it, its schema and the
 * migrations between schema versions, the one array of prepared statements,
 * transactions, and the bind/step helpers the rest of store/ uses.
 *
 * The file is in WAL mode, so the console and stoopctl read while stoopd
 * writes; there is one writer at a time, and every write transaction starts
 * with BEGIN IMMEDIATE so that two writers queue on the busy timeout instead
 * of failing half-way when a read lock cannot be upgraded.  With
 * STORE_SYNC_FULL each commit fsyncs the WAL, which is what lets a channel
 * read a case id to a caller right after store_commit() returns; the cost is
 * one fsync per commit, which store_begin()/store_commit() amortise over a
 * whole loop iteration of writes (group commit).
 *
 * Nesting: store_begin() at depth 0 is BEGIN IMMEDIATE, deeper levels are
 * SAVEPOINTs, so every store_* write is atomic on its own (it rolls back its
 * savepoint on error) even inside a caller's group, and only the outermost
 * store_commit() reaches the disk.
 *
 * Schema versions are PRAGMA user_version.  A new file is built by running
 * every upgrade from v0, so the path an old file takes is the path every new
 * file takes.  A released db_upgrade_vN() is never edited: a change to the
 * schema is a new version.  The SQL of cases, sessions and SMS is in this
 * file's stmt_sql[]; the code that uses it is in case.c, session.c, sms.c
 * and announce.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <inttypes.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "core/logging.h"
#include "core/stats.h"
#include "db_int.h"

/*
 * Schema
 */

/* v1: cases with their history and followers, and flow sessions. */
static const char schema_v1[] =
	"CREATE TABLE cases (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	kind TEXT NOT NULL DEFAULT 'request' CHECK (kind IN ('request', 'callback')),\n"
	"	service_code TEXT,\n"
	"	location TEXT,\n"
	"	location_norm TEXT,\n"
	"	description TEXT,\n"
	"	recording TEXT,\n"
	"	channel TEXT,\n"
	"	phone TEXT,\n"
	"	lang TEXT,\n"
	"	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in-progress', 'closed')),\n"
	"	flow_path TEXT,\n"
	"	callback_window TEXT,\n"
	"	reason TEXT,\n"
	"	created_at INTEGER NOT NULL,\n"
	"	updated_at INTEGER NOT NULL\n"
	");\n"
	"CREATE INDEX cases_dedup ON cases (service_code, location_norm) WHERE status <> 'closed';\n"
	"CREATE TABLE case_history (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	case_id INTEGER NOT NULL REFERENCES cases (id),\n"
	"	at INTEGER NOT NULL,\n"
	"	status TEXT NOT NULL,\n"
	"	note TEXT,\n"
	"	actor TEXT\n"
	");\n"
	"CREATE INDEX case_history_case ON case_history (case_id, id);\n"
	"CREATE TABLE case_followers (\n"
	"	case_id INTEGER NOT NULL REFERENCES cases (id),\n"
	"	phone TEXT NOT NULL,\n"
	"	lang TEXT,\n"
	"	channel TEXT,\n"
	"	since INTEGER NOT NULL,\n"
	"	PRIMARY KEY (case_id, phone)\n"
	");\n"
	"CREATE TABLE sessions (\n"
	"	key TEXT PRIMARY KEY,\n"
	"	position TEXT,\n"
	"	blob BLOB,\n"
	"	created_at INTEGER NOT NULL,\n"
	"	updated_at INTEGER NOT NULL\n"
	");\n"
	"CREATE INDEX sessions_updated ON sessions (updated_at);\n"
	"PRAGMA user_version = 1;\n";

/* v2: where sessions ended (the drop-off report), and "my cases" by phone
 * without a scan of every follower. */
static const char schema_v2[] =
	"CREATE TABLE session_log (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	key TEXT NOT NULL,\n"
	"	channel TEXT,\n"
	"	entry TEXT,\n"
	"	last_position TEXT,\n"
	"	outcome TEXT NOT NULL,\n"
	"	started_at INTEGER,\n"
	"	ended_at INTEGER NOT NULL\n"
	");\n"
	"CREATE INDEX session_log_ended ON session_log (ended_at);\n"
	"CREATE INDEX case_followers_phone ON case_followers (phone, case_id);\n"
	"PRAGMA user_version = 2;\n";

/* v3: SMS.  sms_in holds every inbound text from before it is acknowledged
 * until it is processed; a transport's message id is unique per transport
 * (a retransmission collides), texts without an id never collide.  The
 * "same text from the same number since T" check reads sms_in_number: a
 * number sends a handful of texts in a dedup window, so comparing their
 * text is cheaper than indexing every body.  sms_in_pending only holds the
 * rows still to process, which are few.  sms_out is the outbound queue;
 * sms_out_ref maps each SMSC message id of a (possibly multi-part) message
 * to it, so a receipt for any part is one primary-key lookup.  numbers
 * keeps what a resident chose: the opt-out and the language. */
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

/* v4: a reply goes back the way its text came.  sms_in.route is where
 * within its transport the text came from (for SIP MESSAGE, the peer's
 * address; NULL for SMPP, where the SMSC is the transport); sms_out.via and
 * sms_out.route are filled when a message is queued, from the text it
 * answers or else the number's latest text, and the sender submits it
 * through that transport only (while it is configured). */
static const char schema_v4[] =
	"ALTER TABLE sms_in ADD COLUMN route TEXT;\n"
	"ALTER TABLE sms_out ADD COLUMN via TEXT;\n"
	"ALTER TABLE sms_out ADD COLUMN route TEXT;\n"
	"PRAGMA user_version = 4;\n";

/* v5: the contact center.  announcements are the supervisor's crisis
 * messages (one active at a time, enforced by a partial unique index), with
 * a text and an optional recording per language and the case a caller who
 * asks for updates follows; announcement_history says who turned which one
 * on or off and when.  cases.overflow and session_log.overflow keep why a
 * call came to Stoop instead of an agent ("closed", "queue_full",
 * "no_answer"; NULL for a call placed to Stoop directly). */
static const char schema_v5[] =
	"CREATE TABLE announcements (\n"
	"	name TEXT PRIMARY KEY,\n"
	"	case_id INTEGER REFERENCES cases (id),\n"
	"	active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),\n"
	"	created_at INTEGER NOT NULL,\n"
	"	updated_at INTEGER NOT NULL\n"
	");\n"
	"CREATE UNIQUE INDEX announcements_one_active ON announcements (active) WHERE active = 1;\n"
	"CREATE TABLE announcement_texts (\n"
	"	name TEXT NOT NULL REFERENCES announcements (name) ON DELETE CASCADE,\n"
	"	lang TEXT NOT NULL,\n"
	"	text TEXT,\n"
	"	audio TEXT,\n"
	"	PRIMARY KEY (name, lang)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE announcement_history (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	name TEXT NOT NULL,\n"
	"	at INTEGER NOT NULL,\n"
	"	active INTEGER NOT NULL,\n"
	"	actor TEXT\n"
	");\n"
	"CREATE INDEX announcement_history_name ON announcement_history (name, id);\n"
	"ALTER TABLE cases ADD COLUMN overflow TEXT;\n"
	"ALTER TABLE session_log ADD COLUMN overflow TEXT;\n"
	"CREATE INDEX cases_callbacks ON cases (kind, status, id) WHERE kind = 'callback';\n"
	"PRAGMA user_version = 5;\n";

/* v6: the Open311 API (gateway/api/).  A case filed through the API may
 * carry a position (WGS84 lat/long) and a photo's URL; status_notes and
 * agency_responsible are what the API shows the public about its handling
 * (set through the API's update extension; every change is also a history
 * line).  api_keys holds the keys of the CRM and other writers as salted
 * SHA-256 (hex); a revoked key keeps its row, with revoked_at. */
static const char schema_v6[] =
	"ALTER TABLE cases ADD COLUMN lat REAL;\n"
	"ALTER TABLE cases ADD COLUMN lon REAL;\n"
	"ALTER TABLE cases ADD COLUMN media_url TEXT;\n"
	"ALTER TABLE cases ADD COLUMN status_notes TEXT;\n"
	"ALTER TABLE cases ADD COLUMN agency_responsible TEXT;\n"
	"CREATE TABLE api_keys (\n"
	"	name TEXT PRIMARY KEY,\n"
	"	salt TEXT NOT NULL,\n"
	"	hash TEXT NOT NULL,\n"
	"	created_at INTEGER NOT NULL,\n"
	"	revoked_at INTEGER\n"
	");\n"
	"PRAGMA user_version = 6;\n";

/*
 * Statements
 */

#define CASE_COLUMNS \
	"c.id, c.kind, c.service_code, c.location, c.location_norm, c.description," \
	" c.recording, c.channel, c.phone, c.lang, c.status, c.flow_path," \
	" c.callback_window, c.reason, c.created_at, c.updated_at," \
	" (SELECT count(*) FROM case_followers f WHERE f.case_id = c.id), c.overflow," \
	" c.lat, c.lon, c.media_url, c.status_notes, c.agency_responsible"

/* what the public may see of a case, in the order of enum db_case_pub_col:
 * no phone, recording, flow path or follower */
#define CASE_PUBLIC_COLUMNS \
	"c.id, c.kind, c.service_code, c.location, c.description, c.status," \
	" c.created_at, c.updated_at, c.lat, c.lon, c.media_url, c.status_notes," \
	" c.agency_responsible"

#define CASE_FILTER \
	" AND ($status IS NULL OR c.status = $status)" \
	" AND ($kind IS NULL OR c.kind = $kind)"

#define SMS_IN_COLUMNS \
	"id, transport, msg_ref, msisdn, text, concat_ref, concat_total, concat_seq," \
	" state, received_at, route"

#define SMS_OUT_COLUMNS \
	"id, msisdn, text, reason, in_reply_to, state, attempts, next_try_at, msg_ref," \
	" last_error, created_at, updated_at, via, route"

static const char *const stmt_sql[_NUM_DB_STMT] = {
	[DB_STMT_BEGIN] = "BEGIN IMMEDIATE",
	[DB_STMT_COMMIT] = "COMMIT",
	[DB_STMT_ROLLBACK] = "ROLLBACK",
	[DB_STMT_SAVEPOINT] = "SAVEPOINT store_nested",
	[DB_STMT_RELEASE] = "RELEASE store_nested",
	[DB_STMT_ROLLBACK_TO] = "ROLLBACK TO store_nested",
	[DB_STMT_USER_VERSION] = "PRAGMA user_version",

	/* id = base * 10 + check digit, so the largest id has the largest base */
	[DB_STMT_CASE_MAX_ID] = "SELECT max(id) FROM cases",
	[DB_STMT_CASE_INSERT] =
		"INSERT INTO cases (id, kind, service_code, location, location_norm,"
		" description, recording, channel, phone, lang, status, flow_path,"
		" callback_window, reason, created_at, updated_at, overflow, lat, lon, media_url)"
		" VALUES ($id, $kind, $service_code, $location, $location_norm,"
		" $description, $recording, $channel, $phone, $lang, 'open', $flow_path,"
		" $callback_window, $reason, $now, $now, $overflow, $lat, $lon, $media_url)",
	[DB_STMT_CASE_BY_ID] = "SELECT " CASE_COLUMNS " FROM cases c WHERE c.id = $id",
	[DB_STMT_CASE_STATUS] = "SELECT status FROM cases WHERE id = $id",
	/* "status <> 'closed'" as in the partial index cases_dedup */
	[DB_STMT_CASE_FIND_OPEN] =
		"SELECT id, status FROM cases"
		" WHERE service_code = $service_code AND location_norm = $location_norm"
		" AND status <> 'closed' AND kind = 'request'"
		" ORDER BY id LIMIT 1",
	/* ids grow with every case, so id order is filing order */
	[DB_STMT_CASE_LIST] =
		"SELECT " CASE_COLUMNS " FROM cases c WHERE 1" CASE_FILTER
		" ORDER BY c.id DESC LIMIT $limit OFFSET $offset",
	[DB_STMT_CASE_LIST_BY_PHONE] =
		"SELECT " CASE_COLUMNS " FROM case_followers p JOIN cases c ON c.id = p.case_id"
		" WHERE p.phone = $phone" CASE_FILTER
		" ORDER BY p.case_id DESC LIMIT $limit OFFSET $offset",
	/* callbacks to make, oldest first (index cases_callbacks) */
	[DB_STMT_CASE_LIST_OLDEST] =
		"SELECT " CASE_COLUMNS " FROM cases c WHERE 1" CASE_FILTER
		" ORDER BY c.id LIMIT $limit OFFSET $offset",
	[DB_STMT_CASE_COUNT] = "SELECT count(*) FROM cases",
	[DB_STMT_CASE_SET_STATUS] =
		"UPDATE cases SET status = $status, updated_at = $now WHERE id = $id",
	[DB_STMT_CASE_SET_PUBLIC] =
		"UPDATE cases SET status_notes = coalesce($status_notes, status_notes),"
		" agency_responsible = coalesce($agency, agency_responsible), updated_at = $now"
		" WHERE id = $id",
	/* the API's requests list: newest first by id (filing order), so a
	 * page of the newest cases stops after $limit + $offset rows.  The
	 * unary + keeps "kind = $kind" from being matched against the partial
	 * index cases_callbacks: a plan that hangs on a bound value is
	 * re-prepared at every bind, a quarter of a 50-case page's time */
	[DB_STMT_CASE_QUERY] =
		"SELECT " CASE_PUBLIC_COLUMNS " FROM cases c WHERE c.kind = +$kind"
		" AND ($service_code IS NULL OR c.service_code = $service_code)"
		" AND ($start IS NULL OR c.created_at >= $start)"
		" AND ($end IS NULL OR c.created_at <= $end)"
		" AND ($closed IS NULL OR (c.status = 'closed') = $closed)"
		" ORDER BY c.id DESC LIMIT $limit OFFSET $offset",
	[DB_STMT_CASE_TOUCH] = "UPDATE cases SET updated_at = $now WHERE id = $id",
	[DB_STMT_HISTORY_INSERT] =
		"INSERT INTO case_history (case_id, at, status, note, actor)"
		" VALUES ($case_id, $now, $status, $note, $actor)",
	[DB_STMT_HISTORY_BY_CASE] =
		"SELECT at, status, note, actor FROM case_history"
		" WHERE case_id = $case_id ORDER BY id",
	[DB_STMT_FOLLOWER_INSERT] =
		"INSERT INTO case_followers (case_id, phone, lang, channel, since)"
		" VALUES ($case_id, $phone, $lang, $channel, $now)"
		" ON CONFLICT (case_id, phone) DO NOTHING",
	[DB_STMT_FOLLOWERS_BY_CASE] =
		"SELECT phone, lang, channel, since FROM case_followers"
		" WHERE case_id = $case_id ORDER BY since, rowid",

	[DB_STMT_SESSION_PUT] =
		"INSERT INTO sessions (key, position, blob, created_at, updated_at)"
		" VALUES ($key, $position, $blob, $now, $now)"
		" ON CONFLICT (key) DO UPDATE SET position = excluded.position,"
		" blob = excluded.blob, updated_at = excluded.updated_at",
	[DB_STMT_SESSION_GET] =
		"SELECT key, position, blob, created_at, updated_at FROM sessions WHERE key = $key",
	[DB_STMT_SESSION_DELETE] = "DELETE FROM sessions WHERE key = $key",
	[DB_STMT_SESSION_COUNT] = "SELECT count(*) FROM sessions",
	[DB_STMT_SESSION_LIST] =
		"SELECT key, position, created_at, updated_at FROM sessions"
		" ORDER BY updated_at DESC, key LIMIT $limit",
	[DB_STMT_SESSION_STALE] =
		"SELECT key FROM sessions WHERE updated_at < $cutoff"
		" ORDER BY updated_at, key LIMIT $limit",
	[DB_STMT_SESSION_LOG_INSERT] =
		"INSERT INTO session_log (key, channel, entry, last_position, outcome,"
		" started_at, ended_at, overflow)"
		" VALUES ($key, $channel, $entry, $last_position, $outcome, $started_at, $now,"
		" $overflow)",
	[DB_STMT_SESSION_LOG_LIST] =
		"SELECT key, channel, entry, last_position, outcome, started_at, ended_at, overflow"
		" FROM session_log ORDER BY id DESC LIMIT $limit",

	/* the conflict target names the partial index sms_in_msg_ref */
	[DB_STMT_SMS_IN_INSERT] =
		"INSERT INTO sms_in (transport, msg_ref, msisdn, text, concat_ref, concat_total,"
		" concat_seq, state, received_at, route)"
		" VALUES ($transport, $msg_ref, $msisdn, $text, $concat_ref, $concat_total,"
		" $concat_seq, $state, $received_at, $route)"
		" ON CONFLICT (transport, msg_ref) WHERE msg_ref IS NOT NULL DO NOTHING",
	[DB_STMT_SMS_IN_SET_STATE] = "UPDATE sms_in SET state = $state WHERE id = $id",
	/* whole texts only: a part's text is a fragment of what was said */
	[DB_STMT_SMS_IN_RECENT_SAME] =
		"SELECT id FROM sms_in WHERE msisdn = $msisdn AND received_at >= $since"
		" AND text = $text AND id <> $except_id AND state = 'done'"
		" AND concat_ref IS NULL LIMIT 1",
	[DB_STMT_SMS_IN_PARTS] =
		"SELECT " SMS_IN_COLUMNS " FROM sms_in"
		" WHERE msisdn = $msisdn AND concat_ref = $concat_ref ORDER BY concat_seq, id",
	/* "state IN (...)" as in the partial index sms_in_pending */
	[DB_STMT_SMS_IN_PENDING] =
		"SELECT " SMS_IN_COLUMNS " FROM sms_in WHERE state IN ('new', 'part')"
		" AND (state = 'new' OR received_at < $parts_before)"
		" ORDER BY received_at, id LIMIT $limit",
	[DB_STMT_SMS_IN_COUNT] = "SELECT count(*) FROM sms_in",

	/* the way back: the text answered, else the number's latest (index sms_in_number) */
	[DB_STMT_SMS_OUT_INSERT] =
		"WITH src AS (SELECT transport, route FROM sms_in WHERE id = coalesce($in_reply_to,"
		" (SELECT id FROM sms_in WHERE msisdn = $msisdn"
		" ORDER BY received_at DESC, id DESC LIMIT 1)))"
		" INSERT INTO sms_out (msisdn, text, reason, in_reply_to, state, attempts,"
		" next_try_at, created_at, updated_at, via, route)"
		" SELECT $msisdn, $text, $reason, $in_reply_to, 'queued', 0, $now, $now, $now,"
		" (SELECT transport FROM src), (SELECT route FROM src)",
	/* $names: every configured transport, each followed by a line break; a
	 * message for a transport no longer configured goes by any */
	[DB_STMT_SMS_OUT_DUE] =
		"SELECT " SMS_OUT_COLUMNS " FROM sms_out"
		" WHERE state = 'queued' AND next_try_at <= $now"
		" AND ($via IS NULL OR via IS NULL OR via = $via"
		" OR instr(char(10) || $names, char(10) || via || char(10)) = 0)"
		" ORDER BY next_try_at, id LIMIT $limit",
	[DB_STMT_SMS_OUT_BY_ID] = "SELECT " SMS_OUT_COLUMNS " FROM sms_out WHERE id = $id",
	[DB_STMT_SMS_OUT_STATE] = "SELECT state FROM sms_out WHERE id = $id",
	[DB_STMT_SMS_OUT_SENT] =
		"UPDATE sms_out SET state = 'sent', msg_ref = $msg_ref, updated_at = $now"
		" WHERE id = $id AND state = 'queued'",
	[DB_STMT_SMS_OUT_RETRY] =
		"UPDATE sms_out SET attempts = attempts + 1, next_try_at = $next_try_at,"
		" last_error = $error, updated_at = $now"
		" WHERE id = $id AND state = 'queued'",
	[DB_STMT_SMS_OUT_FAILED] =
		"UPDATE sms_out SET state = 'failed', last_error = $error, updated_at = $now"
		" WHERE id = $id AND state IN ('queued', 'sent')",
	/* an SMSC may reuse an id after a while: the newest message owns it */
	[DB_STMT_SMS_OUT_REF_INSERT] =
		"INSERT INTO sms_out_ref (msg_ref, out_id) VALUES ($msg_ref, $out_id)"
		" ON CONFLICT (msg_ref) DO UPDATE SET out_id = excluded.out_id",
	[DB_STMT_SMS_OUT_REF_FIND] = "SELECT out_id FROM sms_out_ref WHERE msg_ref = $msg_ref",
	[DB_STMT_SMS_OUT_DELIVERED] =
		"UPDATE sms_out SET state = 'delivered', updated_at = $now"
		" WHERE id = $id AND state = 'sent'",
	/* one failed part fails the whole message, even after another was delivered */
	[DB_STMT_SMS_OUT_UNDELIVERED] =
		"UPDATE sms_out SET state = 'failed', last_error = $error, updated_at = $now"
		" WHERE id = $id AND state IN ('sent', 'delivered')",
	[DB_STMT_SMS_OUT_COUNT] = "SELECT count(*) FROM sms_out WHERE state = $state",

	[DB_STMT_API_KEY_ADD] =
		"INSERT INTO api_keys (name, salt, hash, created_at) VALUES ($name, $salt, $hash, $now)"
		" ON CONFLICT (name) DO UPDATE SET salt = excluded.salt, hash = excluded.hash,"
		" created_at = excluded.created_at, revoked_at = NULL WHERE revoked_at IS NOT NULL",
	[DB_STMT_API_KEY_REVOKE] =
		"UPDATE api_keys SET revoked_at = $now WHERE name = $name AND revoked_at IS NULL",
	[DB_STMT_API_KEY_LIST] =
		"SELECT name, salt, hash, created_at, revoked_at FROM api_keys ORDER BY name",

	[DB_STMT_NUMBER_GET] =
		"SELECT msisdn, lang, opted_out, updated_at FROM numbers WHERE msisdn = $msisdn",
	[DB_STMT_NUMBER_SET_OPTOUT] =
		"INSERT INTO numbers (msisdn, opted_out, updated_at) VALUES ($msisdn, $opted_out, $now)"
		" ON CONFLICT (msisdn) DO UPDATE SET opted_out = excluded.opted_out,"
		" updated_at = excluded.updated_at",
	[DB_STMT_NUMBER_SET_LANG] =
		"INSERT INTO numbers (msisdn, lang, updated_at) VALUES ($msisdn, $lang, $now)"
		" ON CONFLICT (msisdn) DO UPDATE SET lang = excluded.lang,"
		" updated_at = excluded.updated_at",

	[DB_STMT_DATA_VERSION] = "PRAGMA data_version",
	[DB_STMT_ANN_ADD] =
		"INSERT INTO announcements (name, active, created_at, updated_at)"
		" VALUES ($name, 0, $now, $now) ON CONFLICT (name) DO NOTHING",
	[DB_STMT_ANN_SET_CASE] =
		"UPDATE announcements SET case_id = $case_id, updated_at = $now WHERE name = $name",
	[DB_STMT_ANN_SET_TEXT] =
		"INSERT INTO announcement_texts (name, lang, text) VALUES ($name, $lang, $text)"
		" ON CONFLICT (name, lang) DO UPDATE SET text = excluded.text",
	[DB_STMT_ANN_SET_AUDIO] =
		"INSERT INTO announcement_texts (name, lang, audio) VALUES ($name, $lang, $audio)"
		" ON CONFLICT (name, lang) DO UPDATE SET audio = excluded.audio",
	[DB_STMT_ANN_TOUCH] = "UPDATE announcements SET updated_at = $now WHERE name = $name",
	/* the one that is on, if another: off first (index announcements_one_active) */
	[DB_STMT_ANN_ACTIVE_NAME] = "SELECT name FROM announcements WHERE active = 1",
	[DB_STMT_ANN_SET_ACTIVE] =
		"UPDATE announcements SET active = $active, updated_at = $now WHERE name = $name",
	[DB_STMT_ANN_HISTORY_INSERT] =
		"INSERT INTO announcement_history (name, at, active, actor)"
		" VALUES ($name, $now, $active, $actor)",
	[DB_STMT_ANN_HISTORY] =
		"SELECT at, active, actor FROM announcement_history WHERE name = $name ORDER BY id",
	[DB_STMT_ANN_GET] =
		"SELECT name, case_id, active, created_at, updated_at FROM announcements"
		" WHERE name = $name",
	[DB_STMT_ANN_LIST] =
		"SELECT name, case_id, active, created_at, updated_at FROM announcements ORDER BY name",
	[DB_STMT_ANN_ACTIVE] =
		"SELECT name, case_id, active, created_at, updated_at FROM announcements"
		" WHERE active = 1",
	[DB_STMT_ANN_TEXTS] =
		"SELECT lang, text, audio FROM announcement_texts WHERE name = $name ORDER BY lang",
};

/*
 * Helpers for case.c, session.c and sms.c
 */

int db_error(sqlite3_stmt *stmt, const char *what)
{
	sqlite3 *db = sqlite3_db_handle(stmt);

	LOGP(DSTORE, LOGL_ERROR, "store: %s failed: %s (%d)\n", what,
	     sqlite3_errmsg(db), sqlite3_extended_errcode(db));
	stoop_ctr_inc(STOOP_CTR_ERR_STORE);
	return -EIO;
}

void db_reset(sqlite3_stmt *stmt)
{
	sqlite3_clear_bindings(stmt);
	sqlite3_reset(stmt);
}

static int db_param(sqlite3_stmt *stmt, const char *name)
{
	int idx = sqlite3_bind_parameter_index(stmt, name);

	if (idx < 1)
		LOGP(DSTORE, LOGL_ERROR, "store: no parameter %s in: %s\n", name, sqlite3_sql(stmt));
	return idx;
}

int db_bind_text(sqlite3_stmt *stmt, const char *name, const char *text)
{
	int idx = db_param(stmt, name);

	if (idx < 1)
		return -EIO;
	if (sqlite3_bind_text(stmt, idx, text, -1, SQLITE_STATIC) != SQLITE_OK)
		return db_error(stmt, name);
	return 0;
}

int db_bind_int64(sqlite3_stmt *stmt, const char *name, int64_t val)
{
	int idx = db_param(stmt, name);

	if (idx < 1)
		return -EIO;
	if (sqlite3_bind_int64(stmt, idx, val) != SQLITE_OK)
		return db_error(stmt, name);
	return 0;
}

int db_bind_double(sqlite3_stmt *stmt, const char *name, double val)
{
	int idx = db_param(stmt, name);

	if (idx < 1)
		return -EIO;
	if (sqlite3_bind_double(stmt, idx, val) != SQLITE_OK)
		return db_error(stmt, name);
	return 0;
}

int db_bind_null(sqlite3_stmt *stmt, const char *name)
{
	int idx = db_param(stmt, name);

	if (idx < 1)
		return -EIO;
	if (sqlite3_bind_null(stmt, idx) != SQLITE_OK)
		return db_error(stmt, name);
	return 0;
}

int db_bind_blob(sqlite3_stmt *stmt, const char *name, const void *blob, size_t len)
{
	int idx = db_param(stmt, name);

	if (idx < 1)
		return -EIO;
	if (sqlite3_bind_blob64(stmt, idx, blob, len, SQLITE_STATIC) != SQLITE_OK)
		return db_error(stmt, name);
	return 0;
}

int db_step_done(sqlite3_stmt *stmt, const char *what)
{
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_error(stmt, what);
	return 0;
}

int db_step_int64(sqlite3_stmt *stmt, const char *what, int64_t *val)
{
	switch (sqlite3_step(stmt)) {
	case SQLITE_ROW:
		*val = sqlite3_column_int64(stmt, 0);
		return 0;
	case SQLITE_DONE:
		return -ENOENT;
	default:
		return db_error(stmt, what);
	}
}

char *db_column_strdup(void *ctx, sqlite3_stmt *stmt, int col)
{
	const unsigned char *text = sqlite3_column_text(stmt, col);

	if (!text)
		return NULL;
	return talloc_strndup(ctx, (const char *)text, sqlite3_column_bytes(stmt, col));
}

int db_collect(sqlite3_stmt *stmt, void *ctx, size_t elem_size, db_row_fn row,
	       const char *what, void **array, unsigned *n)
{
	unsigned count = 0, alloc = 8;
	char *list, *elem;
	int rc = 0, step;

	list = talloc_zero_size(ctx, alloc * elem_size);
	if (!list)
		return -ENOMEM;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (count == alloc) {
			char *grown;

			alloc *= 2;
			grown = talloc_realloc_size(ctx, list, alloc * elem_size);
			if (!grown) {
				rc = -ENOMEM;
				goto out;
			}
			list = grown;
		}
		elem = list + count * elem_size;
		memset(elem, 0, elem_size);
		rc = row(list, elem, stmt);
		if (rc)
			goto out;
		count++;
	}
	if (step != SQLITE_DONE)
		rc = db_error(stmt, what);
out:
	if (rc) {
		talloc_free(list);
		return rc;
	}
	*array = list;
	*n = count;
	return 0;
}

int64_t store_now(void)
{
	struct timespec ts;

	if (osmo_clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 0;
	return ts.tv_sec;
}

/*
 * Transactions
 */

/* SQLite ends a transaction by itself on some errors (disk full, I/O);
 * then the levels we still count have nothing under them. */
static bool db_tx_gone(struct store *st)
{
	return st->tx_depth > 0 && sqlite3_get_autocommit(st->db);
}

static int db_run(struct store *st, enum db_stmt which, const char *what)
{
	sqlite3_stmt *stmt = st->stmt[which];
	int rc = db_step_done(stmt, what);

	db_reset(stmt);
	return rc;
}

int store_begin(struct store *st)
{
	int rc;

	if (db_tx_gone(st)) {
		LOGP(DSTORE, LOGL_ERROR, "store: transaction was rolled back by SQLite\n");
		return -EIO;
	}
	if (st->tx_depth == 0)
		rc = db_run(st, DB_STMT_BEGIN, "begin");
	else
		rc = db_run(st, DB_STMT_SAVEPOINT, "savepoint");
	if (rc)
		return rc;
	st->tx_depth++;
	return 0;
}

int store_commit(struct store *st)
{
	int rc;

	if (st->tx_depth == 0)
		return -EINVAL;
	if (db_tx_gone(st)) {
		st->tx_depth--;
		LOGP(DSTORE, LOGL_ERROR, "store: commit of a transaction SQLite rolled back\n");
		return -EIO;
	}
	if (st->tx_depth > 1) {
		rc = db_run(st, DB_STMT_RELEASE, "release");
		st->tx_depth--;
		return rc;
	}
	rc = db_run(st, DB_STMT_COMMIT, "commit");
	if (rc && !sqlite3_get_autocommit(st->db))
		db_run(st, DB_STMT_ROLLBACK, "rollback after failed commit");
	st->tx_depth = 0;
	return rc;
}

int store_rollback(struct store *st)
{
	int rc;

	if (st->tx_depth == 0)
		return -EINVAL;
	if (db_tx_gone(st)) {
		st->tx_depth--;
		return 0;
	}
	if (st->tx_depth > 1) {
		/* ROLLBACK TO keeps the savepoint open; RELEASE closes it */
		rc = db_run(st, DB_STMT_ROLLBACK_TO, "rollback to savepoint");
		if (rc == 0)
			rc = db_run(st, DB_STMT_RELEASE, "release");
		st->tx_depth--;
		return rc;
	}
	rc = db_run(st, DB_STMT_ROLLBACK, "rollback");
	st->tx_depth = 0;
	return rc;
}

/*
 * Opening, migrations
 */

static int db_exec(struct store *st, const char *sql, const char *what)
{
	char *err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		LOGP(DSTORE, LOGL_ERROR, "store(%s): %s failed: %s\n", st->path, what,
		     err ? err : sqlite3_errmsg(st->db));
		sqlite3_free(err);
		return -EIO;
	}
	return 0;
}

/* A one-row, one-column PRAGMA that is run before the statements exist. */
static int db_pragma_text(struct store *st, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt *stmt;
	int rc = -EIO;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		LOGP(DSTORE, LOGL_ERROR, "store(%s): %s: %s\n", st->path, sql, sqlite3_errmsg(st->db));
		return -EIO;
	}
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		osmo_strlcpy(buf, (const char *)sqlite3_column_text(stmt, 0), len);
		rc = 0;
	} else {
		db_error(stmt, sql);
	}
	sqlite3_finalize(stmt);
	return rc;
}

static int db_upgrade_v1(struct store *st)
{
	return db_exec(st, schema_v1, "creating schema v1");
}

static int db_upgrade_v2(struct store *st)
{
	return db_exec(st, schema_v2, "upgrading schema to v2");
}

static int db_upgrade_v3(struct store *st)
{
	return db_exec(st, schema_v3, "upgrading schema to v3");
}

static int db_upgrade_v4(struct store *st)
{
	return db_exec(st, schema_v4, "upgrading schema to v4");
}

static int db_upgrade_v5(struct store *st)
{
	return db_exec(st, schema_v5, "upgrading schema to v5");
}

static int db_upgrade_v6(struct store *st)
{
	return db_exec(st, schema_v6, "upgrading schema to v6");
}

/* db_upgrade[n] takes a file from version n - 1 to version n. */
static int (*const db_upgrade[])(struct store *st) = {
	[1] = db_upgrade_v1,
	[2] = db_upgrade_v2,
	[3] = db_upgrade_v3,
	[4] = db_upgrade_v4,
	[5] = db_upgrade_v5,
	[6] = db_upgrade_v6,
};
_Static_assert(ARRAY_SIZE(db_upgrade) == STORE_SCHEMA_VERSION + 1, "an upgrade for every version");

static int db_user_version(struct store *st, int *version)
{
	char buf[32];
	int rc;

	rc = db_pragma_text(st, "PRAGMA user_version", buf, sizeof(buf));
	if (rc)
		return rc;
	*version = atoi(buf);
	if (*version > STORE_SCHEMA_VERSION) {
		LOGP(DSTORE, LOGL_ERROR, "store(%s): schema v%d is newer than this stoopd (v%d)\n",
		     st->path, *version, STORE_SCHEMA_VERSION);
		return -EINVAL;
	}
	return 0;
}

/* All upgrades in one transaction: a file is either migrated or untouched.
 * An up-to-date file is opened without the write lock, so the console can
 * open the store while stoopd writes.  Otherwise the version is read again
 * under the write lock, so two processes opening a new file at once do not
 * both create it. */
static int db_migrate(struct store *st)
{
	int version;
	int rc;

	rc = db_user_version(st, &version);
	if (rc || version == STORE_SCHEMA_VERSION)
		return rc;
	rc = db_exec(st, "BEGIN IMMEDIATE", "begin migration");
	if (rc)
		return rc;
	rc = db_user_version(st, &version);
	if (rc)
		goto out_rollback;
	/* a new file is no news; upgrading a file in use is */
	LOGP(DSTORE, version ? LOGL_NOTICE : LOGL_INFO, "store(%s): schema v%d -> v%d\n",
	     st->path, version, STORE_SCHEMA_VERSION);
	for (; version < STORE_SCHEMA_VERSION; version++) {
		rc = db_upgrade[version + 1](st);
		if (rc)
			goto out_rollback;
	}
	return db_exec(st, "COMMIT", "commit migration");

out_rollback:
	db_exec(st, "ROLLBACK", "roll back migration");
	return rc;
}

static int db_configure(struct store *st)
{
	char mode[32];
	int rc;

	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	rc = db_pragma_text(st, "PRAGMA journal_mode = WAL", mode, sizeof(mode));
	if (rc)
		return rc;
	if (strcmp(mode, "wal") != 0 && strcmp(st->path, ":memory:") != 0)
		LOGP(DSTORE, LOGL_NOTICE, "store(%s): journal mode is %s, not wal:"
		     " readers will wait for writers\n", st->path, mode);
	rc = db_exec(st, st->sync == STORE_SYNC_FULL ? "PRAGMA synchronous = FULL"
						    : "PRAGMA synchronous = NORMAL",
		     "setting synchronous");
	if (rc)
		return rc;
	return db_exec(st, "PRAGMA foreign_keys = ON", "enabling foreign keys");
}

static int db_prepare(struct store *st)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(stmt_sql); i++) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &st->stmt[i], NULL) != SQLITE_OK) {
			LOGP(DSTORE, LOGL_ERROR, "store(%s): cannot prepare statement %u: %s\n",
			     st->path, i, sqlite3_errmsg(st->db));
			return -EIO;
		}
	}
	return 0;
}

static int store_destructor(struct store *st)
{
	unsigned i;

	if (st->tx_depth && !sqlite3_get_autocommit(st->db)) {
		LOGP(DSTORE, LOGL_NOTICE, "store(%s): closed inside a transaction, rolling back\n",
		     st->path);
		db_exec(st, "ROLLBACK", "rollback at close");
	}
	for (i = 0; i < ARRAY_SIZE(st->stmt); i++)
		sqlite3_finalize(st->stmt[i]);
	if (st->db && sqlite3_close(st->db) != SQLITE_OK)
		LOGP(DSTORE, LOGL_ERROR, "store(%s): close: %s\n", st->path, sqlite3_errmsg(st->db));
	return 0;
}

struct store *store_open(void *ctx, const char *path, enum store_sync sync)
{
	struct store *st;
	int rc;

	st = talloc_zero(ctx, struct store);
	if (!st)
		return NULL;
	st->path = talloc_strdup(st, path);
	st->sync = sync;
	talloc_set_destructor(st, store_destructor);

	/* NOMUTEX: a store is used by the one thread that opened it, so
	 * SQLite need not lock the connection around every call (a column
	 * read of the API's list was a mutex pair) */
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		LOGP(DSTORE, LOGL_ERROR, "store(%s): cannot open: %s\n", path,
		     st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		goto fail;
	}
	if (db_configure(st) || db_migrate(st) || db_prepare(st))
		goto fail;

	LOGP(DSTORE, LOGL_INFO, "store(%s): open, schema v%d, synchronous %s\n", path,
	     STORE_SCHEMA_VERSION, sync == STORE_SYNC_FULL ? "full" : "normal");
	return st;

fail:
	talloc_free(st);
	return NULL;
}

void store_close(struct store *st)
{
	talloc_free(st);
}

int store_schema_version(struct store *st)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_USER_VERSION];
	int rc;

	if (sqlite3_step(stmt) == SQLITE_ROW)
		rc = sqlite3_column_int(stmt, 0);
	else
		rc = db_error(stmt, "reading user_version");
	db_reset(stmt);
	return rc;
}
