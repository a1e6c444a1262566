/* announce.c -- announcements: the supervisor's crisis messages ("We know
 * about the water main break on Broad Street ..."), their text and
 * recording per language, the case a caller can follow for updates, which
 * one is on, and the history of turning them on and off.
 *
 * The console (core/cc_vty.c) and stoopctl change them; the flow
 * interpreter reads the active one at every session through
 * store_announcement_active().  That read is cheap: the active
 * announcement is cached in the struct store and read again only when
 * PRAGMA data_version says another connection (stoopctl, a second stoopd)
 * committed something, or when this connection changed an announcement.
 * So a supervisor's change is seen by the next session, without a restart
 * and without a poll timer.
 *
 * At most one announcement is on: the partial unique index
 * announcements_one_active enforces it, and turning one on turns the one
 * that was on off first, both with a history line, in one transaction.
 * The SQL is in db.c's stmt_sql[].
 */
#include <errno.h>
#include <string.h>

#include <osmocom/core/talloc.h>

#include "core/logging.h"
#include "db_int.h"

#define ANN_NAME_MAX	32
#define ANN_TEXT_MAX	1000

bool store_announcement_name_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > ANN_NAME_MAX)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == len;
}

static bool ann_lang_valid(const char *lang)
{
	size_t len = lang ? strlen(lang) : 0;

	return len >= 2 && len <= 8 && strspn(lang, "abcdefghijklmnopqrstuvwxyz") == len;
}

static void ann_cache_drop(struct store *st)
{
	TALLOC_FREE(st->ann_cache.active);
	st->ann_cache.valid = false;
}

static int ann_step(struct store *st, enum db_stmt which, const char *what, const char *name,
		    const char *lang, const char *text, const char *audio, int64_t active,
		    const char *actor)
{
	sqlite3_stmt *stmt = st->stmt[which];
	int rc;

	rc = db_bind_text(stmt, "$name", name);
	if (!rc && sqlite3_bind_parameter_index(stmt, "$now"))
		rc = db_bind_int64(stmt, "$now", store_now());
	if (!rc && sqlite3_bind_parameter_index(stmt, "$lang"))
		rc = db_bind_text(stmt, "$lang", lang);
	if (!rc && sqlite3_bind_parameter_index(stmt, "$text"))
		rc = db_bind_text(stmt, "$text", text && *text ? text : NULL);
	if (!rc && sqlite3_bind_parameter_index(stmt, "$audio"))
		rc = db_bind_text(stmt, "$audio", audio && *audio ? audio : NULL);
	if (!rc && sqlite3_bind_parameter_index(stmt, "$active"))
		rc = db_bind_int64(stmt, "$active", active);
	if (!rc && sqlite3_bind_parameter_index(stmt, "$actor"))
		rc = db_bind_text(stmt, "$actor", actor);
	rc = rc ? : db_step_done(stmt, what);
	db_reset(stmt);
	return rc;
}

int store_announcement_set(struct store *st, const char *name, const char *lang,
			   const char *text, const char *audio)
{
	int rc;

	if (!store_announcement_name_valid(name) || ((text || audio) && !ann_lang_valid(lang))
	    || (text && strlen(text) > ANN_TEXT_MAX) || (audio && strlen(audio) > ANN_TEXT_MAX))
		return -EINVAL;
	rc = store_begin(st);
	if (rc)
		return rc;
	ann_cache_drop(st);
	rc = ann_step(st, DB_STMT_ANN_ADD, "adding an announcement", name, NULL, NULL, NULL, 0, NULL);
	if (!rc && text)
		rc = ann_step(st, DB_STMT_ANN_SET_TEXT, "setting an announcement's text", name, lang,
			      text, NULL, 0, NULL);
	if (!rc && audio)
		rc = ann_step(st, DB_STMT_ANN_SET_AUDIO, "setting an announcement's audio", name, lang,
			      NULL, audio, 0, NULL);
	rc = rc ? : ann_step(st, DB_STMT_ANN_TOUCH, "updating an announcement", name, NULL, NULL,
			     NULL, 0, NULL);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st);
}

int store_announcement_set_case(struct store *st, const char *name, uint64_t case_id)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_ANN_SET_CASE];
	struct store_case *c = NULL;
	int rc;

	if (!store_announcement_name_valid(name))
		return -EINVAL;
	rc = store_begin(st);
	if (rc)
		return rc;
	ann_cache_drop(st);
	if (case_id) {
		rc = store_case_get(st, NULL, case_id, &c);
		talloc_free(c);
	}
	rc = rc ? : db_bind_text(stmt, "$name", name);
	rc = rc ? : (case_id ? db_bind_int64(stmt, "$case_id", (int64_t)case_id) : 0);
	rc = rc ? : db_bind_int64(stmt, "$now", store_now());
	rc = rc ? : db_step_done(stmt, "setting an announcement's case");
	if (!rc && sqlite3_changes(st->db) == 0)
		rc = -ENOENT;
	db_reset(stmt);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st);
}

/* The name of the announcement that is on into *name (talloc under ctx),
 * or NULL: 0 or -EIO. */
static int ann_active_name(struct store *st, void *ctx, char **name)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_ANN_ACTIVE_NAME];
	int rc = 0;

	*name = NULL;
	switch (sqlite3_step(stmt)) {
	case SQLITE_ROW:
		*name = db_column_strdup(ctx, stmt, 0);
		break;
	case SQLITE_DONE:
		break;
	default:
		rc = db_error(stmt, "reading the active announcement");
	}
	db_reset(stmt);
	return rc;
}

int store_announcement_set_active(struct store *st, const char *name, bool on, const char *actor)
{
	struct store_announcement *a = NULL;
	char *was = NULL;
	bool has_text = false;
	unsigned i;
	int rc;

	if (!store_announcement_name_valid(name))
		return -EINVAL;
	rc = store_begin(st);
	if (rc)
		return rc;
	ann_cache_drop(st);
	rc = store_announcement_get(st, NULL, name, &a);
	if (rc)
		goto out_rollback;
	for (i = 0; i < a->n_langs; i++)
		if (a->langs[i].text || a->langs[i].audio)
			has_text = true;
	if (on && !has_text) {
		rc = -EINVAL;
		goto out_rollback;
	}
	if (a->active == on)
		goto out_commit;	/* nothing changes, no history line */
	if (on) {
		rc = ann_active_name(st, a, &was);
		if (!rc && was)
			rc = ann_step(st, DB_STMT_ANN_SET_ACTIVE, "turning an announcement off", was,
				      NULL, NULL, NULL, 0, NULL);
		if (!rc && was)
			rc = ann_step(st, DB_STMT_ANN_HISTORY_INSERT, "writing announcement history",
				      was, NULL, NULL, NULL, 0, actor);
		if (rc)
			goto out_rollback;
	}
	rc = ann_step(st, DB_STMT_ANN_SET_ACTIVE, "turning an announcement on or off", name, NULL,
		      NULL, NULL, on, NULL);
	rc = rc ? : ann_step(st, DB_STMT_ANN_HISTORY_INSERT, "writing announcement history", name,
			     NULL, NULL, NULL, on, actor);
	if (rc)
		goto out_rollback;
out_commit:
	rc = store_commit(st);
	if (!rc && a->active != on)
		LOGP(DSTORE, LOGL_NOTICE, "announcement(%s): %s by %s%s%s\n", name, on ? "on" : "off",
		     actor ? : "-", was ? ", instead of " : "", was ? : "");
	talloc_free(a);
	return rc;

out_rollback:
	talloc_free(a);
	store_rollback(st);
	return rc;
}

/* A db_collect() row of DB_STMT_ANN_TEXTS; strings are children of the array. */
static int ann_lang_row(void *list, void *elem, sqlite3_stmt *stmt)
{
	struct store_announcement_lang *l = elem;

	l->lang = db_column_strdup(list, stmt, 0);
	l->text = db_column_strdup(list, stmt, 1);
	l->audio = db_column_strdup(list, stmt, 2);
	return 0;
}

/* The current row of an ANN_GET/LIST/ACTIVE statement, its texts read too. */
static int ann_from_row(struct store *st, void *ctx, sqlite3_stmt *row, struct store_announcement **out)
{
	sqlite3_stmt *texts = st->stmt[DB_STMT_ANN_TEXTS];
	struct store_announcement *a = talloc_zero(ctx, struct store_announcement);
	void *list;
	int rc;

	if (!a)
		return -ENOMEM;
	a->name = db_column_strdup(a, row, 0);
	a->case_id = sqlite3_column_int64(row, 1);
	a->active = sqlite3_column_int(row, 2);
	a->created_at = sqlite3_column_int64(row, 3);
	a->updated_at = sqlite3_column_int64(row, 4);
	rc = db_bind_text(texts, "$name", a->name);
	rc = rc ? : db_collect(texts, a, sizeof(struct store_announcement_lang), ann_lang_row,
			       "reading an announcement's texts", &list, &a->n_langs);
	db_reset(texts);
	if (rc) {
		talloc_free(a);
		return rc;
	}
	a->langs = list;
	*out = a;
	return 0;
}

/* Step a bound ANN_GET/ACTIVE statement for at most one announcement. */
static int ann_read_one(struct store *st, void *ctx, sqlite3_stmt *stmt, struct store_announcement **out)
{
	int rc;

	switch (sqlite3_step(stmt)) {
	case SQLITE_ROW:
		rc = ann_from_row(st, ctx, stmt, out);
		break;
	case SQLITE_DONE:
		rc = -ENOENT;
		break;
	default:
		rc = db_error(stmt, "reading an announcement");
	}
	db_reset(stmt);
	return rc;
}

int store_announcement_get(struct store *st, void *ctx, const char *name,
			   struct store_announcement **out)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_ANN_GET];
	int rc;

	*out = NULL;
	rc = db_bind_text(stmt, "$name", name);
	if (rc) {
		db_reset(stmt);
		return rc;
	}
	return ann_read_one(st, ctx, stmt, out);
}

/* A db_collect() row of DB_STMT_ANN_LIST: the name only. */
static int ann_name_row(void *list, void *elem, sqlite3_stmt *stmt)
{
	char **name = elem;

	*name = db_column_strdup(list, stmt, 0);
	return *name ? 0 : -ENOMEM;
}

int store_announcement_list(struct store *st, void *ctx, struct store_announcement ***out,
			    unsigned *n)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_ANN_LIST];
	struct store_announcement **list;
	void *names;
	unsigned count = 0, i;
	int rc;

	*out = NULL;
	*n = 0;
	/* the names first: reading the texts runs another statement */
	rc = db_collect(stmt, ctx, sizeof(char *), ann_name_row, "listing announcements",
			&names, &count);
	db_reset(stmt);
	if (rc)
		return rc;
	list = talloc_zero_array(ctx, struct store_announcement *, count ? count : 1);
	for (i = 0; i < count && !rc; i++)
		rc = store_announcement_get(st, list, ((char **)names)[i], &list[i]);
	talloc_free(names);
	if (rc) {
		talloc_free(list);
		return rc;
	}
	*out = list;
	*n = count;
	return 0;
}

/* A db_collect() row of DB_STMT_ANN_HISTORY. */
static int ann_event_row(void *list, void *elem, sqlite3_stmt *stmt)
{
	struct store_announcement_event *ev = elem;

	ev->at = sqlite3_column_int64(stmt, 0);
	ev->active = sqlite3_column_int(stmt, 1);
	ev->actor = db_column_strdup(list, stmt, 2);
	return 0;
}

int store_announcement_history(struct store *st, void *ctx, const char *name,
			       struct store_announcement_event **out, unsigned *n)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_ANN_HISTORY];
	void *list;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_bind_text(stmt, "$name", name);
	rc = rc ? : db_collect(stmt, ctx, sizeof(struct store_announcement_event), ann_event_row,
			       "reading announcement history", &list, n);
	db_reset(stmt);
	if (rc)
		return rc;
	*out = list;
	return 0;
}

const struct store_announcement *store_announcement_active(struct store *st)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_DATA_VERSION];
	int64_t dv = 0;
	int rc;

	rc = db_step_int64(stmt, "reading data_version", &dv);
	db_reset(stmt);
	if (rc)
		return NULL;
	if (st->ann_cache.valid && st->ann_cache.data_version == dv)
		return st->ann_cache.active;
	ann_cache_drop(st);
	rc = ann_read_one(st, st, st->stmt[DB_STMT_ANN_ACTIVE], &st->ann_cache.active);
	if (rc && rc != -ENOENT) {
		st->ann_cache.active = NULL;
		return NULL;
	}
	st->ann_cache.valid = true;
	st->ann_cache.data_version = dv;
	return st->ann_cache.active;
}

static const struct store_announcement_lang *ann_lang(const struct store_announcement *a,
						      const char *lang, bool audio)
{
	unsigned i;

	if (!a || !lang)
		return NULL;
	for (i = 0; i < a->n_langs; i++)
		if (!strcmp(a->langs[i].lang, lang) && (audio ? a->langs[i].audio : a->langs[i].text))
			return &a->langs[i];
	return NULL;
}

const char *store_announcement_text(const struct store_announcement *a, const char *lang,
				    const char *fallback_lang)
{
	const struct store_announcement_lang *l = ann_lang(a, lang, false);

	if (!l)
		l = ann_lang(a, fallback_lang, false);
	return l ? l->text : NULL;
}

const char *store_announcement_audio(const struct store_announcement *a, const char *lang,
				     const char *fallback_lang)
{
	const struct store_announcement_lang *l = ann_lang(a, lang, true);

	if (!l)
		l = ann_lang(a, fallback_lang, true);
	return l ? l->audio : NULL;
}
