/* api_key.c -- the Open311 API's keys in the store (schema v5): add,
 * revoke, list.  Only the name, a salt and the salted hash are kept; making
 * a key, hashing and checking it is gateway/api/apikey.c's job, which keeps
 * the valid keys in memory and reads them back from here after a change.
 * The SQL is in db.c's stmt_sql[].
 */
#include <errno.h>

#include <osmocom/core/talloc.h>

#include "core/logging.h"
#include "db_int.h"

int store_api_key_add(struct store *st, const char *name, const char *salt, const char *hash)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_API_KEY_ADD];
	int rc;

	if (!name || !*name || !salt || !hash)
		return -EINVAL;
	rc = db_bind_text(stmt, "$name", name);
	rc = rc ? : db_bind_text(stmt, "$salt", salt);
	rc = rc ? : db_bind_text(stmt, "$hash", hash);
	rc = rc ? : db_bind_int64(stmt, "$now", store_now());
	rc = rc ? : db_step_done(stmt, "adding an api key");
	if (!rc && sqlite3_changes(st->db) == 0)
		rc = -EEXIST;
	db_reset(stmt);
	return rc;
}

int store_api_key_revoke(struct store *st, const char *name)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_API_KEY_REVOKE];
	int rc;

	rc = db_bind_text(stmt, "$name", name);
	rc = rc ? : db_bind_int64(stmt, "$now", store_now());
	rc = rc ? : db_step_done(stmt, "revoking an api key");
	if (!rc && sqlite3_changes(st->db) == 0)
		rc = -ENOENT;
	db_reset(stmt);
	return rc;
}

/* A db_collect() row of DB_STMT_API_KEY_LIST; strings are children of the array. */
static int api_key_row(void *list, void *elem, sqlite3_stmt *stmt)
{
	struct store_api_key *k = elem;

	k->name = db_column_strdup(list, stmt, 0);
	k->salt = db_column_strdup(list, stmt, 1);
	k->hash = db_column_strdup(list, stmt, 2);
	k->created_at = sqlite3_column_int64(stmt, 3);
	k->revoked_at = sqlite3_column_int64(stmt, 4);
	return k->name && k->salt && k->hash ? 0 : -ENOMEM;
}

int store_api_key_list(struct store *st, void *ctx, struct store_api_key **out, unsigned *n)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_API_KEY_LIST];
	void *list;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_collect(stmt, ctx, sizeof(struct store_api_key), api_key_row,
			"listing api keys", &list, n);
	db_reset(stmt);
	if (rc)
		return rc;
	*out = list;
	return 0;
}
