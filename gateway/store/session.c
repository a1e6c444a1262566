/* session.c -- persisted flow sessions and the log of how they ended.
 *
 * A session row is a caller's place in a flow, keyed "<channel>:<number>":
 * the interpreter's opaque blob (flow/ owns its format) plus the current
 * "flow.state" as text so the console can show it without decoding the blob.
 * The SMS channel puts a session after every step and asks for stale ones to
 * expire them; voice sessions live only as long as the call, but are put too
 * so a restart can tell who was dropped.  When a session ends, its last
 * position goes into session_log, which the drop-off report reads.
 *
 * Session keys contain phone numbers: they are logged at debug level only.
 */
#include <errno.h>

#include <osmocom/core/talloc.h>

#include "core/logging.h"
#include "db_int.h"

/* Default and largest number of rows the listing functions return. */
#define SESSION_LIST_DEFAULT	100

int store_session_put(struct store *st, const char *key, const char *position,
		      const uint8_t *blob, size_t blob_len)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SESSION_PUT];
	int rc;

	if (!key || !*key)
		return -EINVAL;
	rc = db_bind_text(stmt, "$key", key);
	rc = rc ? : db_bind_text(stmt, "$position", position);
	rc = rc ? : db_bind_blob(stmt, "$blob", blob, blob ? blob_len : 0);
	rc = rc ? : db_bind_int64(stmt, "$now", store_now());
	rc = rc ? : db_step_done(stmt, "writing a session");
	db_reset(stmt);
	if (rc == 0)
		LOGP(DSTORE, LOGL_DEBUG, "session(%s): at %s, %zu bytes\n", key,
		     position ? : "-", blob ? blob_len : 0);
	return rc;
}

int store_session_get(struct store *st, void *ctx, const char *key, struct store_session **out)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SESSION_GET];
	struct store_session *s;
	const void *blob;
	int rc;

	*out = NULL;
	if (!key)
		return -EINVAL;
	rc = db_bind_text(stmt, "$key", key);
	if (rc)
		goto out;
	switch (sqlite3_step(stmt)) {
	case SQLITE_ROW:
		s = talloc_zero(ctx, struct store_session);
		if (!s) {
			rc = -ENOMEM;
			break;
		}
		s->key = db_column_strdup(s, stmt, 0);
		s->position = db_column_strdup(s, stmt, 1);
		blob = sqlite3_column_blob(stmt, 2);
		s->blob_len = sqlite3_column_bytes(stmt, 2);
		if (blob && s->blob_len)
			s->blob = talloc_memdup(s, blob, s->blob_len);
		else
			s->blob_len = 0;
		s->created_at = sqlite3_column_int64(stmt, 3);
		s->updated_at = sqlite3_column_int64(stmt, 4);
		*out = s;
		break;
	case SQLITE_DONE:
		rc = -ENOENT;
		break;
	default:
		rc = db_error(stmt, "reading a session");
		break;
	}
out:
	db_reset(stmt);
	return rc;
}

int store_session_delete(struct store *st, const char *key)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SESSION_DELETE];
	int rc;

	if (!key)
		return -EINVAL;
	rc = db_bind_text(stmt, "$key", key);
	rc = rc ? : db_step_done(stmt, "deleting a session");
	if (!rc && sqlite3_changes(st->db) == 0)
		rc = -ENOENT;
	db_reset(stmt);
	return rc;
}

int store_session_count(struct store *st, unsigned *n)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SESSION_COUNT];
	int64_t val = 0;
	int rc;

	rc = db_step_int64(stmt, "counting sessions", &val);
	db_reset(stmt);
	if (rc)
		return rc;
	*n = (unsigned)val;
	return 0;
}

/* A db_collect() row of DB_STMT_SESSION_LIST (no blob); its strings are
 * children of the array. */
static int session_list_row(void *list, void *elem, sqlite3_stmt *stmt)
{
	struct store_session *s = elem;

	s->key = db_column_strdup(list, stmt, 0);
	s->position = db_column_strdup(list, stmt, 1);
	s->created_at = sqlite3_column_int64(stmt, 2);
	s->updated_at = sqlite3_column_int64(stmt, 3);
	return 0;
}

int store_session_list(struct store *st, void *ctx, unsigned limit,
		       struct store_session **out, unsigned *n)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SESSION_LIST];
	void *list;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_bind_int64(stmt, "$limit", limit ? limit : SESSION_LIST_DEFAULT);
	rc = rc ? : db_collect(stmt, ctx, sizeof(struct store_session), session_list_row,
			       "listing sessions", &list, n);
	db_reset(stmt);
	if (rc)
		return rc;
	*out = list;
	return 0;
}

/* A db_collect() row of DB_STMT_SESSION_STALE: the key, child of the array. */
static int session_stale_row(void *list, void *elem, sqlite3_stmt *stmt)
{
	char **key = elem;

	*key = db_column_strdup(list, stmt, 0);
	return *key ? 0 : -ENOMEM;
}

int store_session_stale(struct store *st, void *ctx, int64_t cutoff, unsigned limit,
			char ***keys, unsigned *n)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SESSION_STALE];
	void *list;
	int rc;

	*keys = NULL;
	*n = 0;
	rc = db_bind_int64(stmt, "$cutoff", cutoff);
	rc = rc ? : db_bind_int64(stmt, "$limit", limit ? limit : SESSION_LIST_DEFAULT);
	rc = rc ? : db_collect(stmt, ctx, sizeof(char *), session_stale_row,
			       "finding stale sessions", &list, n);
	db_reset(stmt);
	if (rc)
		return rc;
	*keys = list;
	return 0;
}

int store_session_log_end(struct store *st, const char *key, const char *channel,
			  const char *entry, const char *last_position, const char *outcome,
			  int64_t started_at)
{
	return store_session_log_end_overflow(st, key, channel, entry, last_position, outcome,
					      started_at, NULL);
}

int store_session_log_end_overflow(struct store *st, const char *key, const char *channel,
				   const char *entry, const char *last_position,
				   const char *outcome, int64_t started_at, const char *overflow)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SESSION_LOG_INSERT];
	int rc;

	if (!key || !outcome)
		return -EINVAL;
	rc = db_bind_text(stmt, "$key", key);
	rc = rc ? : db_bind_text(stmt, "$channel", channel);
	rc = rc ? : db_bind_text(stmt, "$entry", entry);
	rc = rc ? : db_bind_text(stmt, "$last_position", last_position);
	rc = rc ? : db_bind_text(stmt, "$outcome", outcome);
	rc = rc ? : db_bind_int64(stmt, "$started_at", started_at);
	rc = rc ? : db_bind_int64(stmt, "$now", store_now());
	rc = rc ? : db_bind_text(stmt, "$overflow", overflow && *overflow ? overflow : NULL);
	rc = rc ? : db_step_done(stmt, "logging a session's end");
	db_reset(stmt);
	if (rc == 0)
		LOGP(DSTORE, LOGL_DEBUG, "session(%s): ended %s at %s\n", key, outcome,
		     last_position ? : "-");
	return rc;
}

/* A db_collect() row of DB_STMT_SESSION_LOG_LIST; strings are children of the array. */
static int session_log_row(void *list, void *elem, sqlite3_stmt *stmt)
{
	struct store_session_log *l = elem;

	l->key = db_column_strdup(list, stmt, 0);
	l->channel = db_column_strdup(list, stmt, 1);
	l->entry = db_column_strdup(list, stmt, 2);
	l->last_position = db_column_strdup(list, stmt, 3);
	l->outcome = db_column_strdup(list, stmt, 4);
	l->started_at = sqlite3_column_int64(stmt, 5);
	l->ended_at = sqlite3_column_int64(stmt, 6);
	l->overflow = db_column_strdup(list, stmt, 7);
	return 0;
}

int store_session_log_list(struct store *st, void *ctx, unsigned limit,
			   struct store_session_log **out, unsigned *n)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_SESSION_LOG_LIST];
	void *list;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_bind_int64(stmt, "$limit", limit ? limit : SESSION_LIST_DEFAULT);
	rc = rc ? : db_collect(stmt, ctx, sizeof(struct store_session_log), session_log_row,
			       "reading the session log", &list, n);
	db_reset(stmt);
	if (rc)
		return rc;
	*out = list;
	return 0;
}
