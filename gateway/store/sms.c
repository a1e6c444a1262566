/* sms.c -- what the SMS channel must never lose: inbound texts, the outbound
 * queue with its delivery receipts, and what each number chose (opt-out,
 * language).
 *
 * Inbound rows are written before the transport acknowledges them; the
 * partial unique index on (transport, msg_ref) turns a retransmission into
 * -EEXIST without touching the row that is there.  A row moves new -> done
 * (or duplicate); parts of a long text wait as part until the channel joins
 * them.  Outbound rows move queued -> sent -> delivered / failed; a retry
 * puts a queued row back with attempts + 1, so attempts counts the tries
 * that failed before the current one (sent and failed leave it alone).
 * A sent message may carry several SMSC ids, one per part; each goes into
 * sms_out_ref, so a receipt for any part finds the message by key.  Which
 * move applies from which state is in the SQL (db.c's stmt_sql[]): a move
 * from the wrong state is -EINVAL and changes nothing.
 *
 * The channel (sms/sms.c) decides what to do with all this; this file only
 * records it.  Numbers and texts are logged at debug level only.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "core/logging.h"
#include "db_int.h"

/* Default number of rows the listing functions return when limit is 0. */
#define SMS_LIST_DEFAULT	100

/* The state column's text, as in schema_v3's CHECK constraints. */
static const struct value_string sms_in_state_names[] = {
	{ STORE_SMS_IN_NEW,		"new" },
	{ STORE_SMS_IN_PART,		"part" },
	{ STORE_SMS_IN_DONE,		"done" },
	{ STORE_SMS_IN_DUPLICATE,	"duplicate" },
	{ 0, NULL }
};

static const struct value_string sms_out_state_names[] = {
	{ STORE_SMS_OUT_QUEUED,		"queued" },
	{ STORE_SMS_OUT_SENT,		"sent" },
	{ STORE_SMS_OUT_DELIVERED,	"delivered" },
	{ STORE_SMS_OUT_FAILED,		"failed" },
	{ 0, NULL }
};

/* The text of a state, or NULL when the value is none of the enum's. */
static const char *state_text(const struct value_string *names, int state)
{
	const struct value_string *vs;

	for (vs = names; vs->str; vs++) {
		if (vs->value == (uint32_t)state)
			return vs->str;
	}
	return NULL;
}

/* The enum value of a state column; the CHECK constraint keeps it known. */
static int state_value(const struct value_string *names, sqlite3_stmt *stmt, int col)
{
	const char *text = (const char *)sqlite3_column_text(stmt, col);
	int val = text ? get_string_value(names, text) : -EINVAL;

	return val < 0 ? 0 : val;
}

/*
 * Inbound
 */

/* A db_collect() row of the SMS_IN_COLUMNS statements; strings under list. */
static int sms_in_row(void *list, void *elem, sqlite3_stmt *stmt)
{
	struct store_sms_in *in = elem;

	in->id = sqlite3_column_int64(stmt, DB_SMS_IN_COL_ID);
	in->transport = db_column_strdup(list, stmt, DB_SMS_IN_COL_TRANSPORT);
	in->msg_ref = db_column_strdup(list, stmt, DB_SMS_IN_COL_MSG_REF);
	in->msisdn = db_column_strdup(list, stmt, DB_SMS_IN_COL_MSISDN);
	in->text = db_column_strdup(list, stmt, DB_SMS_IN_COL_TEXT);
	if (sqlite3_column_type(stmt, DB_SMS_IN_COL_CONCAT_REF) == SQLITE_NULL) {
		in->concat_ref = -1;
	} else {
		in->concat_ref = sqlite3_column_int(stmt, DB_SMS_IN_COL_CONCAT_REF);
		in->concat_total = sqlite3_column_int(stmt, DB_SMS_IN_COL_CONCAT_TOTAL);
		in->concat_seq = sqlite3_column_int(stmt, DB_SMS_IN_COL_CONCAT_SEQ);
	}
	in->state = state_value(sms_in_state_names, stmt, DB_SMS_IN_COL_STATE);
	in->route = db_column_strdup(list, stmt, DB_SMS_IN_COL_ROUTE);
	in->received_at = sqlite3_column_int64(stmt, DB_SMS_IN_COL_RECEIVED_AT);
	if (!in->transport || !in->msisdn || !in->text)
		return -ENOMEM;
	return 0;
}

int store_sms_in_add(struct store *st, const struct store_sms_in *in, int64_t *id)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SMS_IN_INSERT];
	const char *state;
	int64_t row;
	int rc;

	if (!in || !in->transport || !in->msisdn || !*in->msisdn || !in->text)
		return -EINVAL;
	state = state_text(sms_in_state_names, in->state);
	if (!state)
		return -EINVAL;
	rc = db_bind_text(stmt, "$transport", in->transport);
	rc = rc ? : db_bind_text(stmt, "$msg_ref", in->msg_ref);
	rc = rc ? : db_bind_text(stmt, "$msisdn", in->msisdn);
	rc = rc ? : db_bind_text(stmt, "$text", in->text);
	/* not a part: the concat columns stay unbound, which is NULL */
	if (in->concat_ref >= 0) {
		rc = rc ? : db_bind_int64(stmt, "$concat_ref", in->concat_ref);
		rc = rc ? : db_bind_int64(stmt, "$concat_total", in->concat_total);
		rc = rc ? : db_bind_int64(stmt, "$concat_seq", in->concat_seq);
	}
	rc = rc ? : db_bind_text(stmt, "$state", state);
	rc = rc ? : db_bind_int64(stmt, "$received_at", in->received_at ? : store_now());
	rc = rc ? : db_bind_text(stmt, "$route", in->route);
	rc = rc ? : db_step_done(stmt, "storing an inbound sms");
	if (!rc && sqlite3_changes(st->db) == 0)
		rc = -EEXIST;
	row = sqlite3_last_insert_rowid(st->db);
	db_reset(stmt);
	if (rc == -EEXIST) {
		LOGP(DSTORE, LOGL_DEBUG, "sms in: %s ref %s is stored already\n", in->transport,
		     in->msg_ref);
		return rc;
	}
	if (rc)
		return rc;
	if (id)
		*id = row;
	LOGP(DSTORE, LOGL_DEBUG, "sms in #%" PRId64 ": %s from %s via %s ref %s, %zu bytes\n",
	     row, state, in->msisdn, in->transport, in->msg_ref ? : "-", strlen(in->text));
	return 0;
}

int store_sms_in_set_state(struct store *st, int64_t id, enum store_sms_in_state state)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SMS_IN_SET_STATE];
	const char *text = state_text(sms_in_state_names, state);
	int rc;

	if (!text)
		return -EINVAL;
	rc = db_bind_int64(stmt, "$id", id);
	rc = rc ? : db_bind_text(stmt, "$state", text);
	rc = rc ? : db_step_done(stmt, "changing an inbound sms's state");
	if (!rc && sqlite3_changes(st->db) == 0)
		rc = -ENOENT;
	db_reset(stmt);
	if (rc == 0)
		LOGP(DSTORE, LOGL_DEBUG, "sms in #%" PRId64 ": %s\n", id, text);
	return rc;
}

int store_sms_in_recent_same(struct store *st, const char *msisdn, const char *text,
			     int64_t since, int64_t except_id, bool *found)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SMS_IN_RECENT_SAME];
	int64_t other = 0;
	int rc;

	*found = false;
	if (!msisdn || !text)
		return -EINVAL;
	rc = db_bind_text(stmt, "$msisdn", msisdn);
	rc = rc ? : db_bind_text(stmt, "$text", text);
	rc = rc ? : db_bind_int64(stmt, "$since", since);
	rc = rc ? : db_bind_int64(stmt, "$except_id", except_id);
	rc = rc ? : db_step_int64(stmt, "looking for the same sms", &other);
	db_reset(stmt);
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	*found = true;
	LOGP(DSTORE, LOGL_DEBUG, "sms in #%" PRId64 ": the same text as #%" PRId64 "\n",
	     except_id, other);
	return 0;
}

int store_sms_in_parts(struct store *st, void *ctx, const char *msisdn, int concat_ref,
		       struct store_sms_in **out, unsigned *n)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SMS_IN_PARTS];
	void *list;
	int rc;

	*out = NULL;
	*n = 0;
	if (!msisdn || concat_ref < 0)
		return -EINVAL;
	rc = db_bind_text(stmt, "$msisdn", msisdn);
	rc = rc ? : db_bind_int64(stmt, "$concat_ref", concat_ref);
	rc = rc ? : db_collect(stmt, ctx, sizeof(struct store_sms_in), sms_in_row,
			       "reading the parts of an sms", &list, n);
	db_reset(stmt);
	if (rc)
		return rc;
	*out = list;
	return 0;
}

int store_sms_in_pending(struct store *st, void *ctx, int64_t parts_before, unsigned limit,
			 struct store_sms_in **out, unsigned *n)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SMS_IN_PENDING];
	void *list;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_bind_int64(stmt, "$parts_before", parts_before);
	rc = rc ? : db_bind_int64(stmt, "$limit", limit ? limit : SMS_LIST_DEFAULT);
	rc = rc ? : db_collect(stmt, ctx, sizeof(struct store_sms_in), sms_in_row,
			       "finding pending inbound sms", &list, n);
	db_reset(stmt);
	if (rc)
		return rc;
	*out = list;
	return 0;
}

int store_sms_in_count(struct store *st, unsigned *n)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SMS_IN_COUNT];
	int64_t val = 0;
	int rc;

	rc = db_step_int64(stmt, "counting inbound sms", &val);
	db_reset(stmt);
	if (rc)
		return rc;
	*n = (unsigned)val;
	return 0;
}

/*
 * Outbound
 */

/* A row of the SMS_OUT_COLUMNS statements into out; strings under ctx. */
static int sms_out_fill(void *ctx, struct store_sms_out *out, sqlite3_stmt *stmt)
{
	out->id = sqlite3_column_int64(stmt, DB_SMS_OUT_COL_ID);
	out->msisdn = db_column_strdup(ctx, stmt, DB_SMS_OUT_COL_MSISDN);
	out->text = db_column_strdup(ctx, stmt, DB_SMS_OUT_COL_TEXT);
	out->reason = db_column_strdup(ctx, stmt, DB_SMS_OUT_COL_REASON);
	out->in_reply_to = sqlite3_column_int64(stmt, DB_SMS_OUT_COL_IN_REPLY_TO);
	out->state = state_value(sms_out_state_names, stmt, DB_SMS_OUT_COL_STATE);
	out->attempts = sqlite3_column_int(stmt, DB_SMS_OUT_COL_ATTEMPTS);
	out->next_try_at = sqlite3_column_int64(stmt, DB_SMS_OUT_COL_NEXT_TRY_AT);
	out->msg_ref = db_column_strdup(ctx, stmt, DB_SMS_OUT_COL_MSG_REF);
	out->last_error = db_column_strdup(ctx, stmt, DB_SMS_OUT_COL_LAST_ERROR);
	out->created_at = sqlite3_column_int64(stmt, DB_SMS_OUT_COL_CREATED_AT);
	out->updated_at = sqlite3_column_int64(stmt, DB_SMS_OUT_COL_UPDATED_AT);
	out->via = db_column_strdup(ctx, stmt, DB_SMS_OUT_COL_VIA);
	out->route = db_column_strdup(ctx, stmt, DB_SMS_OUT_COL_ROUTE);
	if (!out->msisdn || !out->text)
		return -ENOMEM;
	return 0;
}

/* A db_collect() row of the SMS_OUT_COLUMNS statements; strings under list. */
static int sms_out_row(void *list, void *elem, sqlite3_stmt *stmt)
{
	return sms_out_fill(list, elem, stmt);
}

int store_sms_out_queue(struct store *st, const char *msisdn, const char *text,
			const char *reason, int64_t in_reply_to, int64_t *id)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SMS_OUT_INSERT];
	int64_t row;
	int rc;

	if (!msisdn || !*msisdn || !text)
		return -EINVAL;
	rc = db_bind_text(stmt, "$msisdn", msisdn);
	rc = rc ? : db_bind_text(stmt, "$text", text);
	rc = rc ? : db_bind_text(stmt, "$reason", reason);
	/* no inbound message: $in_reply_to stays unbound, which is NULL */
	if (in_reply_to > 0)
		rc = rc ? : db_bind_int64(stmt, "$in_reply_to", in_reply_to);
	rc = rc ? : db_bind_int64(stmt, "$now", store_now());
	rc = rc ? : db_step_done(stmt, "queueing an sms");
	row = sqlite3_last_insert_rowid(st->db);
	db_reset(stmt);
	if (rc)
		return rc;
	if (id)
		*id = row;
	LOGP(DSTORE, LOGL_DEBUG, "sms out #%" PRId64 ": queued %s to %s, %zu bytes\n", row,
	     reason ? : "-", msisdn, strlen(text));
	return 0;
}

int store_sms_out_due(struct store *st, void *ctx, int64_t now, unsigned limit, const char *via,
		      const char *names, struct store_sms_out **out, unsigned *n)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SMS_OUT_DUE];
	void *list;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_bind_int64(stmt, "$now", now);
	rc = rc ? : db_bind_text(stmt, "$via", via);
	rc = rc ? : db_bind_text(stmt, "$names", names ? : "");
	rc = rc ? : db_bind_int64(stmt, "$limit", limit ? limit : SMS_LIST_DEFAULT);
	rc = rc ? : db_collect(stmt, ctx, sizeof(struct store_sms_out), sms_out_row,
			       "finding sms due", &list, n);
	db_reset(stmt);
	if (rc)
		return rc;
	*out = list;
	return 0;
}

int store_sms_out_get(struct store *st, void *ctx, int64_t id, struct store_sms_out **out)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SMS_OUT_BY_ID];
	struct store_sms_out *msg;
	int rc;

	*out = NULL;
	rc = db_bind_int64(stmt, "$id", id);
	if (rc)
		goto out;
	switch (sqlite3_step(stmt)) {
	case SQLITE_ROW:
		msg = talloc_zero(ctx, struct store_sms_out);
		if (!msg) {
			rc = -ENOMEM;
			break;
		}
		rc = sms_out_fill(msg, msg, stmt);
		if (rc)
			talloc_free(msg);
		else
			*out = msg;
		break;
	case SQLITE_DONE:
		rc = -ENOENT;
		break;
	default:
		rc = db_error(stmt, "reading an outbound sms");
		break;
	}
out:
	db_reset(stmt);
	return rc;
}

/* After a move changed no row: -ENOENT when there is no message id, -EINVAL
 * when it is in a state the move does not apply to, or -EIO. */
static int sms_out_unmoved(struct store *st, int64_t id)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SMS_OUT_STATE];
	int rc;

	rc = db_bind_int64(stmt, "$id", id);
	if (rc)
		goto out;
	switch (sqlite3_step(stmt)) {
	case SQLITE_ROW:
		LOGP(DSTORE, LOGL_NOTICE, "sms out #%" PRId64 ": is %s, cannot move it\n", id,
		     (const char *)sqlite3_column_text(stmt, 0));
		rc = -EINVAL;
		break;
	case SQLITE_DONE:
		rc = -ENOENT;
		break;
	default:
		rc = db_error(stmt, "reading an outbound sms's state");
		break;
	}
out:
	db_reset(stmt);
	return rc;
}

/* Step a bound UPDATE of one message: 0 when it moved, else as
 * sms_out_unmoved().  Resets the statement. */
static int sms_out_move(struct store *st, sqlite3_stmt *stmt, int64_t id, const char *what)
{
	int rc = db_step_done(stmt, what);
	bool moved = sqlite3_changes(st->db) > 0;

	db_reset(stmt);
	if (rc)
		return rc;
	return moved ? 0 : sms_out_unmoved(st, id);
}

/* Point every space-separated id in msg_ref at message out_id. */
static int sms_out_refs_add(struct store *st, int64_t out_id, const char *msg_ref)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SMS_OUT_REF_INSERT];
	char *refs, *ref, *save = NULL;
	int rc = 0;

	refs = talloc_strdup(st, msg_ref);
	if (!refs)
		return -ENOMEM;
	for (ref = strtok_r(refs, " ", &save); ref && !rc; ref = strtok_r(NULL, " ", &save)) {
		rc = db_bind_text(stmt, "$msg_ref", ref);
		rc = rc ? : db_bind_int64(stmt, "$out_id", out_id);
		rc = rc ? : db_step_done(stmt, "recording an sms's message id");
		db_reset(stmt);
	}
	talloc_free(refs);
	return rc;
}

int store_sms_out_sent(struct store *st, int64_t id, const char *msg_ref)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SMS_OUT_SENT];
	int rc;

	if (msg_ref && !*msg_ref)
		msg_ref = NULL;
	rc = store_begin(st);
	if (rc)
		return rc;
	rc = db_bind_int64(stmt, "$id", id);
	rc = rc ? : db_bind_text(stmt, "$msg_ref", msg_ref);
	rc = rc ? : db_bind_int64(stmt, "$now", store_now());
	if (rc)
		db_reset(stmt);
	else
		rc = sms_out_move(st, stmt, id, "marking an sms sent");
	if (!rc && msg_ref)
		rc = sms_out_refs_add(st, id, msg_ref);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	rc = store_commit(st);
	if (rc)
		return rc;
	LOGP(DSTORE, LOGL_DEBUG, "sms out #%" PRId64 ": sent, ref %s\n", id, msg_ref ? : "-");
	return 0;
}

int store_sms_out_retry(struct store *st, int64_t id, int64_t next_try_at, const char *error)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SMS_OUT_RETRY];
	int rc;

	rc = db_bind_int64(stmt, "$id", id);
	rc = rc ? : db_bind_int64(stmt, "$next_try_at", next_try_at);
	rc = rc ? : db_bind_text(stmt, "$error", error);
	rc = rc ? : db_bind_int64(stmt, "$now", store_now());
	if (rc) {
		db_reset(stmt);
		return rc;
	}
	rc = sms_out_move(st, stmt, id, "scheduling an sms retry");
	if (rc == 0)
		LOGP(DSTORE, LOGL_DEBUG, "sms out #%" PRId64 ": retry at %" PRId64 " (%s)\n", id,
		     next_try_at, error ? : "-");
	return rc;
}

int store_sms_out_failed(struct store *st, int64_t id, const char *error)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SMS_OUT_FAILED];
	int rc;

	rc = db_bind_int64(stmt, "$id", id);
	rc = rc ? : db_bind_text(stmt, "$error", error);
	rc = rc ? : db_bind_int64(stmt, "$now", store_now());
	if (rc) {
		db_reset(stmt);
		return rc;
	}
	rc = sms_out_move(st, stmt, id, "marking an sms failed");
	if (rc == 0)
		LOGP(DSTORE, LOGL_DEBUG, "sms out #%" PRId64 ": failed (%s)\n", id, error ? : "-");
	return rc;
}

/* The message that carries SMSC id msg_ref: 0 and *id, -ENOENT, -EIO. */
static int sms_out_by_ref(struct store *st, const char *msg_ref, int64_t *id)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SMS_OUT_REF_FIND];
	int rc;

	rc = db_bind_text(stmt, "$msg_ref", msg_ref);
	rc = rc ? : db_step_int64(stmt, "looking up an sms by message id", id);
	db_reset(stmt);
	return rc;
}

/* A receipt moves a sent message to delivered, and a sent or delivered one
 * to failed; any other receipt (a second part's, a late one) changes
 * nothing and is still 0: the message was found. */
int store_sms_out_receipt(struct store *st, const char *msg_ref, bool delivered, const char *detail)
{
	sqlite3_stmt *stmt;
	int64_t id = 0;
	bool moved;
	int rc;

	if (!msg_ref || !*msg_ref)
		return -EINVAL;
	rc = store_begin(st);
	if (rc)
		return rc;
	rc = sms_out_by_ref(st, msg_ref, &id);
	if (rc)
		goto out_rollback;
	stmt = st->stmt[delivered ? DB_STMT_SMS_OUT_DELIVERED : DB_STMT_SMS_OUT_UNDELIVERED];
	rc = db_bind_int64(stmt, "$id", id);
	rc = rc ? : db_bind_int64(stmt, "$now", store_now());
	if (!delivered)
		rc = rc ? : db_bind_text(stmt, "$error", detail ? detail : "delivery failed");
	rc = rc ? : db_step_done(stmt, "recording a delivery receipt");
	moved = sqlite3_changes(st->db) > 0;
	db_reset(stmt);
	if (rc)
		goto out_rollback;
	rc = store_commit(st);
	if (rc)
		return rc;
	LOGP(DSTORE, LOGL_DEBUG, "sms out #%" PRId64 ": receipt for ref %s: %s%s (%s)\n", id, msg_ref,
	     delivered ? "delivered" : "failed", moved ? "" : ", no change", detail ? : "-");
	return 0;

out_rollback:
	store_rollback(st);
	return rc;
}

int store_sms_out_count(struct store *st, enum store_sms_out_state state, unsigned *n)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SMS_OUT_COUNT];
	const char *text = state_text(sms_out_state_names, state);
	int64_t val = 0;
	int rc;

	if (!text)
		return -EINVAL;
	rc = db_bind_text(stmt, "$state", text);
	rc = rc ? : db_step_int64(stmt, "counting outbound sms", &val);
	db_reset(stmt);
	if (rc)
		return rc;
	*n = (unsigned)val;
	return 0;
}

/*
 * Numbers
 */

int store_number_get(struct store *st, void *ctx, const char *msisdn, struct store_number **out)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_NUMBER_GET];
	struct store_number *num;
	int rc;

	*out = NULL;
	if (!msisdn)
		return -EINVAL;
	rc = db_bind_text(stmt, "$msisdn", msisdn);
	if (rc)
		goto out;
	switch (sqlite3_step(stmt)) {
	case SQLITE_ROW:
		num = talloc_zero(ctx, struct store_number);
		if (!num) {
			rc = -ENOMEM;
			break;
		}
		num->msisdn = db_column_strdup(num, stmt, 0);
		num->lang = db_column_strdup(num, stmt, 1);
		num->opted_out = sqlite3_column_int(stmt, 2) != 0;
		num->updated_at = sqlite3_column_int64(stmt, 3);
		*out = num;
		break;
	case SQLITE_DONE:
		rc = -ENOENT;
		break;
	default:
		rc = db_error(stmt, "reading a number");
		break;
	}
out:
	db_reset(stmt);
	return rc;
}

int store_number_set_optout(struct store *st, const char *msisdn, bool opted_out)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_NUMBER_SET_OPTOUT];
	int rc;

	if (!msisdn || !*msisdn)
		return -EINVAL;
	rc = db_bind_text(stmt, "$msisdn", msisdn);
	rc = rc ? : db_bind_int64(stmt, "$opted_out", opted_out ? 1 : 0);
	rc = rc ? : db_bind_int64(stmt, "$now", store_now());
	rc = rc ? : db_step_done(stmt, "writing a number's opt-out");
	db_reset(stmt);
	if (rc == 0)
		LOGP(DSTORE, LOGL_DEBUG, "number(%s): %s\n", msisdn,
		     opted_out ? "opted out" : "opted in");
	return rc;
}

/* lang NULL forgets the choice. */
int store_number_set_lang(struct store *st, const char *msisdn, const char *lang)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_NUMBER_SET_LANG];
	int rc;

	if (!msisdn || !*msisdn)
		return -EINVAL;
	rc = db_bind_text(stmt, "$msisdn", msisdn);
	rc = rc ? : db_bind_text(stmt, "$lang", lang);
	rc = rc ? : db_bind_int64(stmt, "$now", store_now());
	rc = rc ? : db_step_done(stmt, "writing a number's language");
	db_reset(stmt);
	if (rc == 0)
		LOGP(DSTORE, LOGL_DEBUG, "number(%s): language %s\n", msisdn, lang ? : "-");
	return rc;
}
