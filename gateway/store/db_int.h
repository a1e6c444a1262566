/* db_int.h -- the store's insides, shared by store/db.c, case.c, session.c,
 * sms.c and announce.c and by nothing outside gateway/store/: the struct behind the opaque
 * struct store, the index of every prepared SQL statement (their text is in
 * db.c, in one array), and the small helpers that bind named $params, read
 * columns into talloc strings, collect a statement's rows into a talloc array
 * and turn an SQLite failure into one log line and -EIO.  The public surface
 * is store.h.
 */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <sqlite3.h>

#include "store.h"

/* How long a statement waits for another process's write lock (stoopctl, a
 * second stoopd on the same file) before it fails with -EIO. */
#define STORE_BUSY_TIMEOUT_MS	2000

/* Every SQL statement of the store, prepared once in store_open(). */
enum db_stmt {
	DB_STMT_BEGIN,
	DB_STMT_COMMIT,
	DB_STMT_ROLLBACK,
	DB_STMT_SAVEPOINT,
	DB_STMT_RELEASE,
	DB_STMT_ROLLBACK_TO,
	DB_STMT_USER_VERSION,

	DB_STMT_CASE_MAX_ID,
	DB_STMT_CASE_INSERT,
	DB_STMT_CASE_BY_ID,
	DB_STMT_CASE_STATUS,
	DB_STMT_CASE_FIND_OPEN,
	DB_STMT_CASE_LIST,
	DB_STMT_CASE_LIST_BY_PHONE,
	DB_STMT_CASE_LIST_OLDEST,
	DB_STMT_CASE_COUNT,
	DB_STMT_CASE_SET_STATUS,
	DB_STMT_CASE_SET_PUBLIC,
	DB_STMT_CASE_QUERY,
	DB_STMT_CASE_TOUCH,
	DB_STMT_HISTORY_INSERT,
	DB_STMT_HISTORY_BY_CASE,
	DB_STMT_FOLLOWER_INSERT,
	DB_STMT_FOLLOWERS_BY_CASE,

	DB_STMT_SESSION_PUT,
	DB_STMT_SESSION_GET,
	DB_STMT_SESSION_DELETE,
	DB_STMT_SESSION_COUNT,
	DB_STMT_SESSION_LIST,
	DB_STMT_SESSION_STALE,
	DB_STMT_SESSION_LOG_INSERT,
	DB_STMT_SESSION_LOG_LIST,

	DB_STMT_SMS_IN_INSERT,
	DB_STMT_SMS_IN_SET_STATE,
	DB_STMT_SMS_IN_RECENT_SAME,
	DB_STMT_SMS_IN_PARTS,
	DB_STMT_SMS_IN_PENDING,
	DB_STMT_SMS_IN_COUNT,
	DB_STMT_SMS_OUT_INSERT,
	DB_STMT_SMS_OUT_DUE,
	DB_STMT_SMS_OUT_BY_ID,
	DB_STMT_SMS_OUT_STATE,
	DB_STMT_SMS_OUT_SENT,
	DB_STMT_SMS_OUT_RETRY,
	DB_STMT_SMS_OUT_FAILED,
	DB_STMT_SMS_OUT_REF_INSERT,
	DB_STMT_SMS_OUT_REF_FIND,
	DB_STMT_SMS_OUT_DELIVERED,
	DB_STMT_SMS_OUT_UNDELIVERED,
	DB_STMT_SMS_OUT_COUNT,
	DB_STMT_API_KEY_ADD,
	DB_STMT_API_KEY_REVOKE,
	DB_STMT_API_KEY_LIST,
	DB_STMT_NUMBER_GET,
	DB_STMT_NUMBER_SET_OPTOUT,
	DB_STMT_NUMBER_SET_LANG,

	DB_STMT_DATA_VERSION,
	DB_STMT_ANN_ADD,
	DB_STMT_ANN_SET_CASE,
	DB_STMT_ANN_SET_TEXT,
	DB_STMT_ANN_SET_AUDIO,
	DB_STMT_ANN_TOUCH,
	DB_STMT_ANN_ACTIVE_NAME,
	DB_STMT_ANN_SET_ACTIVE,
	DB_STMT_ANN_HISTORY_INSERT,
	DB_STMT_ANN_HISTORY,
	DB_STMT_ANN_GET,
	DB_STMT_ANN_LIST,
	DB_STMT_ANN_ACTIVE,
	DB_STMT_ANN_TEXTS,

	_NUM_DB_STMT
};

/* The columns of every statement that reads whole cases, in this order. */
enum db_case_col {
	DB_CASE_COL_ID,
	DB_CASE_COL_KIND,
	DB_CASE_COL_SERVICE_CODE,
	DB_CASE_COL_LOCATION,
	DB_CASE_COL_LOCATION_NORM,
	DB_CASE_COL_DESCRIPTION,
	DB_CASE_COL_RECORDING,
	DB_CASE_COL_CHANNEL,
	DB_CASE_COL_PHONE,
	DB_CASE_COL_LANG,
	DB_CASE_COL_STATUS,
	DB_CASE_COL_FLOW_PATH,
	DB_CASE_COL_CALLBACK_WINDOW,
	DB_CASE_COL_REASON,
	DB_CASE_COL_CREATED_AT,
	DB_CASE_COL_UPDATED_AT,
	DB_CASE_COL_FOLLOWERS,
	DB_CASE_COL_OVERFLOW,
	DB_CASE_COL_LAT,
	DB_CASE_COL_LON,
	DB_CASE_COL_MEDIA_URL,
	DB_CASE_COL_STATUS_NOTES,
	DB_CASE_COL_AGENCY,
};

/* The columns of DB_STMT_CASE_QUERY (CASE_PUBLIC_COLUMNS): what the
 * Open311 API shows of a case, nothing else. */
enum db_case_pub_col {
	DB_CASE_PUB_COL_ID,
	DB_CASE_PUB_COL_KIND,
	DB_CASE_PUB_COL_SERVICE_CODE,
	DB_CASE_PUB_COL_LOCATION,
	DB_CASE_PUB_COL_DESCRIPTION,
	DB_CASE_PUB_COL_STATUS,
	DB_CASE_PUB_COL_CREATED_AT,
	DB_CASE_PUB_COL_UPDATED_AT,
	DB_CASE_PUB_COL_LAT,
	DB_CASE_PUB_COL_LON,
	DB_CASE_PUB_COL_MEDIA_URL,
	DB_CASE_PUB_COL_STATUS_NOTES,
	DB_CASE_PUB_COL_AGENCY,
};

/* The columns of every statement that reads whole sms_in rows (SMS_IN_COLUMNS). */
enum db_sms_in_col {
	DB_SMS_IN_COL_ID,
	DB_SMS_IN_COL_TRANSPORT,
	DB_SMS_IN_COL_MSG_REF,
	DB_SMS_IN_COL_MSISDN,
	DB_SMS_IN_COL_TEXT,
	DB_SMS_IN_COL_CONCAT_REF,
	DB_SMS_IN_COL_CONCAT_TOTAL,
	DB_SMS_IN_COL_CONCAT_SEQ,
	DB_SMS_IN_COL_STATE,
	DB_SMS_IN_COL_RECEIVED_AT,
	DB_SMS_IN_COL_ROUTE,
};

/* The columns of every statement that reads whole sms_out rows (SMS_OUT_COLUMNS). */
enum db_sms_out_col {
	DB_SMS_OUT_COL_ID,
	DB_SMS_OUT_COL_MSISDN,
	DB_SMS_OUT_COL_TEXT,
	DB_SMS_OUT_COL_REASON,
	DB_SMS_OUT_COL_IN_REPLY_TO,
	DB_SMS_OUT_COL_STATE,
	DB_SMS_OUT_COL_ATTEMPTS,
	DB_SMS_OUT_COL_NEXT_TRY_AT,
	DB_SMS_OUT_COL_MSG_REF,
	DB_SMS_OUT_COL_LAST_ERROR,
	DB_SMS_OUT_COL_CREATED_AT,
	DB_SMS_OUT_COL_UPDATED_AT,
	DB_SMS_OUT_COL_VIA,
	DB_SMS_OUT_COL_ROUTE,
};

struct store {
	sqlite3 *db;
	char *path;
	enum store_sync sync;
	/* store_begin() nesting: 0 means no transaction is open, 1 is the
	 * BEGIN IMMEDIATE, every level above it a SAVEPOINT. */
	unsigned tx_depth;
	sqlite3_stmt *stmt[_NUM_DB_STMT];
	/* The active announcement as last read (store/announce.c), valid
	 * while PRAGMA data_version says no other connection wrote and this
	 * one changed no announcement. */
	struct {
		bool valid;
		int64_t data_version;
		struct store_announcement *active;	/* NULL: none is on */
	} ann_cache;
};

/* Clear the bindings and reset, so the statement holds no lock and no
 * pointer into the caller's strings.  Every use of a statement ends here. */
void db_reset(sqlite3_stmt *stmt);

/* Bind a named parameter ("$phone").  A NULL text or blob binds SQL NULL.
 * The value must live until db_reset().  0, or -EIO (logged). */
int db_bind_text(sqlite3_stmt *stmt, const char *name, const char *text);
int db_bind_int64(sqlite3_stmt *stmt, const char *name, int64_t val);
int db_bind_double(sqlite3_stmt *stmt, const char *name, double val);
/* Bind SQL NULL (an optional number left out). */
int db_bind_null(sqlite3_stmt *stmt, const char *name);
int db_bind_blob(sqlite3_stmt *stmt, const char *name, const void *blob, size_t len);

/* Log the SQLite error of the statement's connection once, return -EIO. */
int db_error(sqlite3_stmt *stmt, const char *what);

/* Step a statement that returns no rows: 0, or -EIO (logged). */
int db_step_done(sqlite3_stmt *stmt, const char *what);

/* Step a statement that returns one integer (count, max): 0, -ENOENT when
 * it returned no row, or -EIO (logged).  SQL NULL reads as 0. */
int db_step_int64(sqlite3_stmt *stmt, const char *what, int64_t *val);

/* A text column as a talloc string under ctx; NULL for SQL NULL. */
char *db_column_strdup(void *ctx, sqlite3_stmt *stmt, int col);

/* Fill one element of a db_collect() array from the statement's current row.
 * elem comes zeroed; strings read with db_column_strdup() go under list, the
 * array itself, so they move with it when it grows and go when it is freed.
 * 0, or a negative errno (-ENOMEM) that ends the collection. */
typedef int (*db_row_fn)(void *list, void *elem, sqlite3_stmt *stmt);

/* Step a bound statement to its end, one element of elem_size per row, each
 * filled by row(), into a talloc array under ctx.  0 with *array (not NULL,
 * even for no rows) and *n; or -ENOMEM, row()'s error, or -EIO (logged with
 * what), and then the array is freed and *array and *n are left alone.  Like
 * the db_step_*() helpers it does not reset the statement: the caller does. */
int db_collect(sqlite3_stmt *stmt, void *ctx, size_t elem_size, db_row_fn row,
	       const char *what, void **array, unsigned *n);
