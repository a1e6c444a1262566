/* store.h -- the public surface of Stoop's store: cases, their history and
 * followers, persisted flow sessions, and the keypad-friendly case ids.
 *
 * One SQLite file in WAL mode is the store that the channels, the console and
 * (later) the Open311 API share.  Every statement is prepared once when the
 * store opens (store/db.c), parameters are always bound, never pasted.
 * Schema and migrations live in store/db.c, cases in store/case.c, sessions in
 * store/session.c, inbound and outbound SMS and numbers in store/sms.c,
 * announcements in store/announce.c, the check digit in store/case_id.c.
 *
 * Strings handed out are talloc'd under the ctx the caller passes; the store
 * keeps no pointer into them.  The one exception is store_case_query(),
 * which lends each row to a callback for as long as the callback runs.  Functions return 0 or a negative errno:
 * -ENOENT (no such row), -EINVAL (bad argument), -EIO (SQLite failed; logged
 * once under DSTORE with the SQLite message).
 */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

struct store;

/* Durability of a commit.  FULL fsyncs the WAL on every commit (a case the
 * caller was told about survives power loss); NORMAL survives a crash or
 * kill -9 of stoopd but not of the machine. */
enum store_sync {
	STORE_SYNC_NORMAL,
	STORE_SYNC_FULL,
};

/* The newest schema version; PRAGMA user_version of an up-to-date file. */
#define STORE_SCHEMA_VERSION 6

/* Open (creating if needed) and migrate the database at path.  ":memory:" is
 * accepted for tests that need no file.  Returns NULL and logs on error. */
struct store *store_open(void *ctx, const char *path, enum store_sync sync);
void store_close(struct store *st);
int store_schema_version(struct store *st);

/* Group several writes into one transaction (one fsync).  Nestable: only the
 * outermost commit commits.  Every store_* write called outside a
 * begin/commit pair commits on its own before it returns. */
int store_begin(struct store *st);
int store_commit(struct store *st);
int store_rollback(struct store *st);

/* Wall-clock seconds used for every timestamp the store writes: the
 * CLOCK_REALTIME of osmo_clock_gettime(), so tests and the simulator can
 * override it. */
int64_t store_now(void);

/*
 * Case ids: a decimal base number followed by one Damm check digit, so that
 * every single-digit error and every adjacent transposition is caught before
 * a lookup.  Ids are shown as plain digits ("1000017").
 */
/* The Damm check digit of a string of decimal digits (0..9), or -EINVAL. */
int case_id_damm(const char *digits);
/* Parse text a resident typed ("1000017", "100001-7", " 1000 017 ", "#1000017.") into an
 * id.  Spaces, tabs, dashes, dots and "#" are ignored.  Returns 0, -EINVAL when it is not 3..18
 * digits, -EBADMSG when the check digit is wrong. */
int case_id_parse(const char *text, uint64_t *id);
/* The full id for a base number: base * 10 + check digit. */
uint64_t case_id_from_base(uint64_t base);

/* Case status as stored and as shown (Open311 uses "open" and "closed";
 * "in-progress" is Stoop's third state). */
#define CASE_STATUS_OPEN	"open"
#define CASE_STATUS_IN_PROGRESS	"in-progress"
#define CASE_STATUS_CLOSED	"closed"
bool case_status_valid(const char *status);

/* Case kinds: a resident's report, or a request to be called back. */
#define CASE_KIND_REQUEST	"request"
#define CASE_KIND_CALLBACK	"callback"

struct store_case {
	uint64_t id;
	char *kind;		/* CASE_KIND_* */
	char *service_code;	/* Open311 service_code, e.g. "pothole" */
	char *location;		/* as the resident gave it */
	char *location_norm;	/* normalized for dedup */
	char *description;	/* text, or NULL */
	char *recording;	/* path of a WAV recording, or NULL */
	char *channel;		/* "sms", "voice", "api", "console" */
	char *phone;		/* the reporter's number, or NULL */
	char *lang;		/* "en", "es" */
	char *status;		/* CASE_STATUS_* */
	char *flow_path;	/* states the caller went through, '>'-separated */
	char *callback_window;	/* callbacks: "morning", "afternoon", "evening", "any" */
	char *reason;		/* callbacks: why the resident wants a call */
	int64_t created_at;	/* unix seconds */
	int64_t updated_at;
	unsigned followers;	/* number of followers, the reporter included */
	char *overflow;		/* why the call came to Stoop (STORE_OVERFLOW_*), or NULL */
	/* schema v6, the Open311 API's fields */
	bool has_position;	/* lat/lon are set */
	double lat, lon;	/* WGS84 degrees */
	char *media_url;	/* a photo's URL given with the report, or NULL */
	char *status_notes;	/* public notes on its handling, or NULL */
	char *agency_responsible; /* or NULL */
};

/* Why a call reached Stoop instead of an agent (the contact center's
 * overflow reason), stored with the session log and with what was filed. */
#define STORE_OVERFLOW_CLOSED		"closed"
#define STORE_OVERFLOW_QUEUE_FULL	"queue_full"
#define STORE_OVERFLOW_NO_ANSWER	"no_answer"

/* What a channel knows when it files a case.  NULL fields are stored as NULL. */
struct store_case_new {
	const char *kind;		/* NULL means CASE_KIND_REQUEST */
	const char *service_code;
	const char *location;
	const char *description;
	const char *recording;
	const char *channel;
	const char *phone;
	const char *lang;
	const char *flow_path;
	const char *callback_window;
	const char *reason;
	const char *overflow;		/* STORE_OVERFLOW_*, or NULL */
	bool no_dedup;			/* file a new case even if one matches */
	bool has_position;		/* lat/lon are given */
	double lat, lon;
	const char *media_url;
};

/* File a case and commit it (or, inside store_begin(), add it to the open
 * transaction: then the caller commits before telling anybody the id).
 *
 * Dedup: a request whose service_code and normalized location equal those
 * of a case that is not closed joins that case instead: the phone (if any) is
 * added as a follower, a history line "joined by <channel>" is written, *joined
 * is set and *out is the existing case.  Callbacks never dedup.
 * A new case gets status open, a history line "opened", and its phone as the
 * first follower.  *out is allocated under ctx. */
int store_case_create(struct store *st, void *ctx, const struct store_case_new *req,
		      struct store_case **out, bool *joined);

/* One case by id (the full id, check digit included); -ENOENT if none. */
int store_case_get(struct store *st, void *ctx, uint64_t id, struct store_case **out);

struct store_case_filter {
	const char *phone;	/* cases this number follows (reported or joined) */
	const char *status;	/* one CASE_STATUS_*, or NULL for any */
	const char *kind;	/* one CASE_KIND_*, or NULL for any */
	unsigned limit;		/* 0 means 100 */
	unsigned offset;
	bool oldest_first;	/* filing order (callbacks to make); not with phone */
};
/* Cases matching f, newest first (or oldest first).  *out is a talloc array under ctx of *n
 * pointers (each case a child of the array). */
int store_case_list(struct store *st, void *ctx, const struct store_case_filter *f,
		    struct store_case ***out, unsigned *n);
/* Number of cases, for "show cases" and benchmarks. */
int store_case_count(struct store *st, unsigned *n);

/* Change a case's status (CASE_STATUS_*), writing a history line with the
 * note and who did it ("console", "api:<key name>" ...).  -ENOENT, -EINVAL. */
int store_case_set_status(struct store *st, uint64_t id, const char *status,
			  const char *note, const char *actor);

/* The public side of a case's handling (Open311 status_notes and
 * agency_responsible); a NULL argument leaves that field as it is.  Writes
 * no history: the caller does, with store_case_set_status(). -ENOENT. */
int store_case_set_public(struct store *st, uint64_t id, const char *status_notes,
			  const char *agency_responsible);

/* The Open311 API's query: cases of one kind, newest first.  NULL / 0
 * fields do not filter; closed: -1 any status, 0 not closed, 1 closed. */
struct store_case_query {
	const char *kind;		/* NULL means CASE_KIND_REQUEST */
	const char *service_code;
	int64_t start, end;		/* created_at within [start, end]; 0: open */
	int closed;
	unsigned limit;			/* 0 means 100 */
	unsigned offset;
};
/* fn sees each case of the query in turn.  The case is the store's and
 * lives until fn returns (copy what must outlive it); only what the public
 * may see is filled: id, kind, service_code, location, description, status,
 * created_at, updated_at, the position, media_url, status_notes and
 * agency_responsible; the other fields are NULL or 0.  fn must not call the
 * store.  A nonzero return of fn ends the query and is returned; else 0,
 * -EINVAL, -EIO. */
typedef int (*store_case_fn)(void *data, const struct store_case *k);
int store_case_query(struct store *st, const struct store_case_query *q, store_case_fn fn, void *data);

struct store_case_event {
	int64_t at;
	char *status;		/* status after the event */
	char *note;		/* "opened", "joined by sms", the agent's note ... */
	char *actor;
};
/* A case's history, oldest first. */
int store_case_history(struct store *st, void *ctx, uint64_t id,
		       struct store_case_event **out, unsigned *n);

struct store_follower {
	char *phone;
	char *lang;
	char *channel;
	int64_t since;
};
/* Add a follower (idempotent: following twice changes nothing). */
int store_case_follow(struct store *st, uint64_t id, const char *phone,
		      const char *lang, const char *channel);
int store_case_followers(struct store *st, void *ctx, uint64_t id,
			 struct store_follower **out, unsigned *n);

/* Lower case, accents of Latin letters folded, punctuation dropped, spaces
 * collapsed, and common street words abbreviated ("Street" -> "st",
 * "Avenue" -> "ave", "North" -> "n" ...), so that "12 Main Street." and
 * "12 main st" match.  Allocated under ctx. */
char *store_location_norm(void *ctx, const char *location);

/*
 * Flow sessions: a caller's position in a flow, persisted so a conversation
 * survives a restart.  The key is "<channel>:<number>" (one session per number
 * and channel).  The blob is the interpreter's own serialization (flow/); the
 * store only keeps it, with the current flow.state as text for the console.
 */
struct store_session {
	char *key;
	char *position;		/* "flow.state" where the caller is */
	uint8_t *blob;
	size_t blob_len;
	int64_t created_at;
	int64_t updated_at;
};
/* Insert or replace a session; created_at is kept on replace. */
int store_session_put(struct store *st, const char *key, const char *position,
		      const uint8_t *blob, size_t blob_len);
int store_session_get(struct store *st, void *ctx, const char *key, struct store_session **out);
int store_session_delete(struct store *st, const char *key);
int store_session_count(struct store *st, unsigned *n);
/* Sessions, most recently updated first (blob not loaded). */
int store_session_list(struct store *st, void *ctx, unsigned limit,
		       struct store_session **out, unsigned *n);
/* Keys of sessions not updated since before cutoff (unix seconds), oldest
 * first, at most limit; the caller ends them (expiry message) and deletes. */
int store_session_stale(struct store *st, void *ctx, int64_t cutoff, unsigned limit,
			char ***keys, unsigned *n);

/* Where a session ended, for the drop-off report: the last flow.state, how it
 * ended ("completed", "hangup", "expired", "transferred", "error"), the
 * entry flow and the channel. */
int store_session_log_end(struct store *st, const char *key, const char *channel,
			  const char *entry, const char *last_position, const char *outcome,
			  int64_t started_at);
/* The same with the overflow reason of the session (STORE_OVERFLOW_* or
 * NULL; flow_inst_overflow()). */
int store_session_log_end_overflow(struct store *st, const char *key, const char *channel,
				   const char *entry, const char *last_position,
				   const char *outcome, int64_t started_at, const char *overflow);
struct store_session_log {
	char *key;
	char *channel;
	char *entry;
	char *last_position;
	char *outcome;
	char *overflow;
	int64_t started_at;
	int64_t ended_at;
};
/* The newest session log lines, newest first (tests, reports). */
int store_session_log_list(struct store *st, void *ctx, unsigned limit,
			   struct store_session_log **out, unsigned *n);

/*
 * Callbacks: a case of kind CASE_KIND_CALLBACK.  Marking one done or failed
 * closes it with a history line "callback done: NOTE" / "callback failed:
 * NOTE" by actor; its followers are not texted (the agent called them).
 * -ENOENT: no such case; -EINVAL: not a callback, or already closed.
 */
int store_callback_mark(struct store *st, uint64_t id, bool done, const char *note,
			const char *actor);

/*
 * Announcements (schema v5): a supervisor's message, said before the main
 * menu on both channels while it is on.  At most one is on at a time:
 * turning one on turns the one that was on off; each change is a history
 * line.  Names are [a-z0-9_-], 1..32 characters.
 */
struct store_announcement_lang {
	char *lang;
	char *text;		/* what SMS sends (and a call's fallback), or NULL */
	char *audio;		/* WAV path a call plays, or NULL */
};
struct store_announcement {
	char *name;
	uint64_t case_id;	/* the case "press 1 for updates" follows; 0: none */
	bool active;
	int64_t created_at;
	int64_t updated_at;
	struct store_announcement_lang *langs;	/* sorted by lang */
	unsigned n_langs;
};
struct store_announcement_event {
	int64_t at;
	bool active;		/* turned on (true) or off */
	char *actor;		/* "console", "stoopctl" ... */
};
bool store_announcement_name_valid(const char *name);
/* Create it if new (off), then set what is given: text and/or audio for
 * lang (NULL: leave as is; "" clears).  -EINVAL on a bad name or lang. */
int store_announcement_set(struct store *st, const char *name, const char *lang,
			   const char *text, const char *audio);
/* The case its followers join (0: none).  -ENOENT: no such announcement or case. */
int store_announcement_set_case(struct store *st, const char *name, uint64_t case_id);
/* On or off, with a history line.  -ENOENT: no such announcement; turning
 * on one without any text is -EINVAL (a resident would get nothing). */
int store_announcement_set_active(struct store *st, const char *name, bool on, const char *actor);
int store_announcement_get(struct store *st, void *ctx, const char *name,
			   struct store_announcement **out);
/* All, by name; *out a talloc array of *n pointers. */
int store_announcement_list(struct store *st, void *ctx, struct store_announcement ***out,
			    unsigned *n);
int store_announcement_history(struct store *st, void *ctx, const char *name,
			       struct store_announcement_event **out, unsigned *n);
/* The announcement that is on now, or NULL (none, or the store failed).
 * Owned by the store and valid until the next store call: it is read again
 * only when another process wrote to the file (PRAGMA data_version) or this
 * store changed an announcement, so a call per session costs one PRAGMA. */
const struct store_announcement *store_announcement_active(struct store *st);
/* Its text / audio in lang, else in fallback_lang, else NULL. */
const char *store_announcement_text(const struct store_announcement *a, const char *lang,
				    const char *fallback_lang);
const char *store_announcement_audio(const struct store_announcement *a, const char *lang,
				     const char *fallback_lang);

/*
 * SMS (schema v3): what a text channel must never lose.
 *
 * Inbound: every message the SMSC (or a SIP peer) handed over is written
 * here before it is acknowledged, so a crash after the ack loses nothing;
 * a retransmission of the same SMSC message id is recognised and only
 * acknowledged again.  Parts of a concatenated message are kept until the
 * last one arrives (or their timeout passes).
 * Outbound: a reply is queued here in the same transaction that moved the
 * resident's session, then sent; its state moves queued -> sent ->
 * delivered / failed, with retries.
 * Numbers: per phone number, the opt-out (STOP ... START) and the language
 * the resident chose.
 */
enum store_sms_in_state {
	STORE_SMS_IN_NEW,	/* stored, not yet run through the flow */
	STORE_SMS_IN_PART,	/* one part of a concatenated message, waiting for the others */
	STORE_SMS_IN_DONE,	/* processed (or a part of a processed message) */
	STORE_SMS_IN_DUPLICATE,	/* same text from the same number within the window */
};

struct store_sms_in {
	int64_t id;
	char *transport;	/* "smpp:<smsc name>", "sip" */
	char *msg_ref;		/* the transport's message id, or NULL */
	char *msisdn;		/* the resident */
	char *text;		/* UTF-8 */
	int concat_ref;		/* -1 when not a part */
	int concat_total, concat_seq;
	enum store_sms_in_state state;
	int64_t received_at;
	char *route;		/* where in the transport it came from (a SIP peer), or NULL */
};

/* Record an inbound message (a whole one or a part).  Returns 0, or
 * -EEXIST when (transport, msg_ref) is already stored: the SMSC sent it
 * again, it was already processed or is being processed; acknowledge it
 * and do nothing else.  *id is the new row. */
int store_sms_in_add(struct store *st, const struct store_sms_in *in, int64_t *id);
int store_sms_in_set_state(struct store *st, int64_t id, enum store_sms_in_state state);
/* Was the same text from the same number stored (and processed) since
 * `since` (unix seconds), other than row except_id? */
int store_sms_in_recent_same(struct store *st, const char *msisdn, const char *text,
			     int64_t since, int64_t except_id, bool *found);
/* The parts stored for (msisdn, concat_ref), ordered by seq. */
int store_sms_in_parts(struct store *st, void *ctx, const char *msisdn, int concat_ref,
		       struct store_sms_in **out, unsigned *n);
/* Messages in state NEW (a crash between store and flow) and parts older
 * than `parts_before`, oldest first: what to resume at start-up. */
int store_sms_in_pending(struct store *st, void *ctx, int64_t parts_before, unsigned limit,
			 struct store_sms_in **out, unsigned *n);

enum store_sms_out_state {
	STORE_SMS_OUT_QUEUED,
	STORE_SMS_OUT_SENT,		/* accepted by the SMSC (submit_sm_resp OK) */
	STORE_SMS_OUT_DELIVERED,	/* delivery receipt: delivered */
	STORE_SMS_OUT_FAILED,		/* permanent error, or out of retries */
};

struct store_sms_out {
	int64_t id;
	char *msisdn;
	char *text;		/* UTF-8, the whole message (split when sent) */
	char *reason;		/* "reply", "notify", "optout", "help" ... */
	int64_t in_reply_to;	/* store_sms_in id, or 0 */
	enum store_sms_out_state state;
	unsigned attempts;
	int64_t next_try_at;
	char *msg_ref;		/* the SMSC's message id(s), space-separated */
	char *last_error;
	int64_t created_at;
	int64_t updated_at;
	char *via;		/* the transport to send it through, or NULL: any */
	char *route;		/* where in that transport (a SIP peer), or NULL */
};

/* Queue a message (state QUEUED, next_try_at now).  It goes back the way
 * the text in_reply_to came (via, route), or else the way the number last
 * texted from; a number never heard from gets via NULL: any transport. */
int store_sms_out_queue(struct store *st, const char *msisdn, const char *text,
			const char *reason, int64_t in_reply_to, int64_t *id);
/* Queued messages due by `now`, oldest first, at most limit, that the
 * transport `via` may send: its own, those for any transport, and those
 * for a transport not in `names` (every configured transport's name, each
 * followed by '\n').  via NULL: every message due. */
int store_sms_out_due(struct store *st, void *ctx, int64_t now, unsigned limit, const char *via,
		      const char *names, struct store_sms_out **out, unsigned *n);
int store_sms_out_get(struct store *st, void *ctx, int64_t id, struct store_sms_out **out);
/* Move a message on: sent (msg_ref set), failed (last_error), or back to
 * queued for a retry at next_try_at (attempts + 1). */
int store_sms_out_sent(struct store *st, int64_t id, const char *msg_ref);
int store_sms_out_retry(struct store *st, int64_t id, int64_t next_try_at, const char *error);
int store_sms_out_failed(struct store *st, int64_t id, const char *error);
/* A delivery receipt for msg_ref: delivered (true) or failed. -ENOENT if no
 * message carries that reference. */
int store_sms_out_receipt(struct store *st, const char *msg_ref, bool delivered, const char *detail);
/* Counts by state, for the console and the tests. */
int store_sms_out_count(struct store *st, enum store_sms_out_state state, unsigned *n);
int store_sms_in_count(struct store *st, unsigned *n);

/*
 * API keys (schema v5): the Open311 API's writers.  Only a salted hash is
 * stored (gateway/api/apikey.c makes and checks it); a revoked key keeps
 * its row with revoked_at set, and its name can be added again.
 */
struct store_api_key {
	char *name;
	char *salt;		/* hex */
	char *hash;		/* hex SHA-256 of salt and key */
	int64_t created_at;
	int64_t revoked_at;	/* 0 while the key is valid */
};
/* -EEXIST when a valid key of that name exists. */
int store_api_key_add(struct store *st, const char *name, const char *salt, const char *hash);
/* -ENOENT when no valid key has that name. */
int store_api_key_revoke(struct store *st, const char *name);
/* Every key, revoked ones included, by name; a talloc array under ctx. */
int store_api_key_list(struct store *st, void *ctx, struct store_api_key **out, unsigned *n);

struct store_number {
	char *msisdn;
	char *lang;		/* NULL: never chose */
	bool opted_out;
	int64_t updated_at;
};
/* -ENOENT for a number never seen. */
int store_number_get(struct store *st, void *ctx, const char *msisdn, struct store_number **out);
int store_number_set_optout(struct store *st, const char *msisdn, bool opted_out);
int store_number_set_lang(struct store *st, const char *msisdn, const char *lang);
