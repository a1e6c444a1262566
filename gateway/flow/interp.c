/* interp.c -- the flow interpreter: a caller's flow instance and the events
 * that move it.
 *
 * An instance is the caller's position (state and line), the variables, the
 * language, the retry count and the sub-flow return stack.  An event (a text,
 * a key, a timeout, a recording, a transfer result, a hang-up) runs the flow
 * from where it waits until it waits again or ends; everything the caller
 * should hear or read leaves through the channel's struct flow_leg.  The
 * interpreter never touches a socket or a timer, which is what lets the
 * simulator, the SMS channel and the voice channel share it.
 *
 * It is not an osmo_fsm: its states come from the city's scripts, not from a
 * fixed table, and a transition must cost a few hundred nanoseconds (see
 * tests/bench/flow_bench.c).  The store is called directly for cases: a
 * `create case` returns only after its commit, so an id is never said before
 * it is durable.
 *
 * flow_inst_save()/flow_inst_restore() serialize an instance to a small
 * "key=value" text blob that the store keeps per SMS session.
 */
#include <string.h>
#include <stdlib.h>
#include <ctype.h>
#include <errno.h>
#include <time.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "flow/flow_int.h"
#include "core/hours.h"
#include "store/store.h"
#include "sms/sms_text.h"
#include "core/logging.h"
#include "core/stats.h"

#define FLOW_MAX_STEPS		10000	/* statements run per event */
#define FLOW_MAX_DEPTH		8	/* nested calls */
#define FLOW_MAX_PATH		1024	/* bytes of the visited-states path */
#define FLOW_MAX_VARS		64
#define FLOW_MAX_VALUE		4000	/* bytes of one variable */

enum fi_wait {
	FI_IDLE,	/* created, not started */
	FI_RUNNING,
	FI_ASK,		/* waiting for an answer */
	FI_TRANSFER,	/* waiting for the transfer result */
	FI_ENDED,
};

struct fi_var {
	char *name;
	char *value;
	bool recording;
};

struct fi_frame {
	const struct flow_state *state;
	unsigned pc;
};

struct flow_inst {
	const struct flow_set *fs;
	struct store *st;
	struct flow_leg *leg;
	enum flow_channel ch;
	char *caller;
	char *lang;
	int lang_idx;		/* index of lang in fs->catalogs, -1 if none */
	char *entry;
	char *recdir;
	const struct flow_state *state;
	unsigned pc;
	enum fi_wait wait;
	unsigned failures;
	char digits[40];
	unsigned n_digits;
	struct fi_var *vars;
	unsigned n_vars;
	struct fi_frame stack[FLOW_MAX_DEPTH];
	unsigned depth;
	char *path;
	uint64_t transitions;
	int64_t started_at;
	char *overflow;		/* NULL: not an overflow call */
};

static void run(struct flow_inst *fi);

static void set_lang(struct flow_inst *fi, const char *lang)
{
	unsigned i;

	talloc_free(fi->lang);
	fi->lang = talloc_strdup(fi, lang);
	fi->lang_idx = -1;
	for (i = 0; i < fi->fs->n_catalogs; i++)
		if (!strcmp(fi->fs->catalogs[i]->lang, lang))
			fi->lang_idx = i;
}

/*
 * Variables
 */
static struct fi_var *var_find(const struct flow_inst *fi, const char *name)
{
	unsigned i;

	for (i = 0; i < fi->n_vars; i++)
		if (!strcmp(fi->vars[i].name, name))
			return &fi->vars[i];
	return NULL;
}

bool flow_var_builtin(const char *name)
{
	return !strcmp(name, "hours") || !strcmp(name, "hours.week") || !strcmp(name, "hours.opens")
	       || !strcmp(name, "overflow") || !strcmp(name, "announce") || !strncmp(name, "announce.", 9);
}

/* $hours, $hours.week, $hours.opens: the business hours (core/hours.h),
 * the last two in the words of the session's language (its catalog's
 * day.* and time.* texts for SMS).  Like announce_get(), the text lives in
 * a static buffer until the next call. */
static const char *hours_get(const struct flow_inst *fi, const char *name)
{
	static const char *const day_ids[7] = {
		"day.sun", "day.mon", "day.tue", "day.wed", "day.thu", "day.fri", "day.sat"
	};
	static char buf[256];
	const struct stoop_hours *h = fi->fs->hours;
	struct stoop_hours_words w;
	char *text;
	unsigned i;

	if (!strcmp(name, "hours"))
		return stoop_hours_state(h);
	if (!h || !h->configured)
		return "";
	for (i = 0; i < 7; i++)
		w.day[i] = flow_catalog_text(fi->fs, fi->lang, FLOW_CH_SMS, day_ids[i]);
	w.am = flow_catalog_text(fi->fs, fi->lang, FLOW_CH_SMS, "time.am");
	w.pm = flow_catalog_text(fi->fs, fi->lang, FLOW_CH_SMS, "time.pm");
	w.today = flow_catalog_text(fi->fs, fi->lang, FLOW_CH_SMS, "day.today");
	w.at = flow_catalog_text(fi->fs, fi->lang, FLOW_CH_SMS, "time.at");
	if (!strcmp(name, "hours.week"))
		text = stoop_hours_week_text(NULL, h, &w);
	else
		text = stoop_hours_opens_text(NULL, h, stoop_hours_now(h), &w);
	osmo_strlcpy(buf, text ? text : "", sizeof(buf));
	talloc_free(text);
	return buf;
}

/* $announce, $announce.text, .audio, .case: the announcement that is on now
 * (store/announce.c reads it again only when it changed).  The strings
 * belong to the store's cache (and .case to a static buffer): like every
 * var_get() value they are used before the next store call, then copied
 * (var_set) or dropped. */
static const char *announce_get(const struct flow_inst *fi, const char *name)
{
	const struct store_announcement *a = fi->st ? store_announcement_active(fi->st) : NULL;
	static char case_id[24];
	const char *v = NULL;

	if (!a)
		return "";
	if (!strcmp(name, "announce"))
		v = a->name;
	else if (!strcmp(name, "announce.text"))
		v = store_announcement_text(a, fi->lang, flow_set_default_lang(fi->fs));
	else if (!strcmp(name, "announce.audio"))
		v = store_announcement_audio(a, fi->lang, flow_set_default_lang(fi->fs));
	else if (!strcmp(name, "announce.case") && a->case_id) {
		snprintf(case_id, sizeof(case_id), "%llu", (unsigned long long)a->case_id);
		v = case_id;
	}
	return v ? v : "";
}

static const char *var_get(const struct flow_inst *fi, const char *name)
{
	const struct fi_var *v;

	if (name[0] == 'h' && !strncmp(name, "hours", 5) && flow_var_builtin(name))
		return hours_get(fi, name);
	if (name[0] == 'o' && !strcmp(name, "overflow"))
		return fi->overflow ? fi->overflow : "";
	if (name[0] == 'a' && flow_var_builtin(name))
		return announce_get(fi, name);
	if (!strcmp(name, "caller"))
		return fi->caller ? fi->caller : "";
	if (!strcmp(name, "channel"))
		return flow_channel_name(fi->ch);
	if (!strcmp(name, "lang"))
		return fi->lang;
	v = var_find(fi, name);
	return v ? v->value : "";
}

static void var_set(struct flow_inst *fi, const char *name, const char *value, bool recording)
{
	struct fi_var *v = var_find(fi, name);
	size_t len = strlen(value);

	if (len > FLOW_MAX_VALUE) {
		/* cut at a character boundary, never inside a UTF-8 sequence */
		len = FLOW_MAX_VALUE;
		while (len && ((unsigned char)value[len] & 0xc0) == 0x80)
			len--;
	}
	if (!v) {
		if (fi->n_vars == FLOW_MAX_VARS) {
			LOGP(DFLOW, LOGL_ERROR, "%s: more than %u variables, '%s' not set\n",
			     fi->state ? fi->state->position : "-", FLOW_MAX_VARS, name);
			return;
		}
		fi->vars = talloc_realloc(fi, fi->vars, struct fi_var, fi->n_vars + 1);
		v = &fi->vars[fi->n_vars++];
		v->name = talloc_strdup(fi, name);
		v->value = NULL;
	}
	talloc_free(v->value);
	v->value = talloc_strndup(fi, value, len);
	v->recording = recording;
}

static void var_set_num(struct flow_inst *fi, const char *name, unsigned long long n)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%llu", n);
	var_set(fi, name, buf, false);
}

static const char *val_get(const struct flow_inst *fi, const struct flow_val *v)
{
	return v->is_var ? var_get(fi, v->text) : v->text;
}

static bool var_is_recording(const struct flow_inst *fi, const struct flow_val *v)
{
	const struct fi_var *var;

	if (!v->is_var)
		return false;
	var = var_find(fi, v->text);
	return var && var->recording;
}

char *flow_norm_answer(char *out, size_t size, const char *in)
{
	const unsigned char *p;
	char *folded = NULL, *o = out, *end = out + size - 1;
	size_t len;

	for (p = (const unsigned char *)in; *p; p++)
		if (*p >= 0x80)
			break;
	if (*p) {
		/* rare: non-ASCII text, fold it first */
		folded = sms_text_fold(NULL, in);
		p = (const unsigned char *)folded;
	} else {
		p = (const unsigned char *)in;
	}
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	while (*p && o < end) {
		/* GSM letters that folding keeps compare without their accent */
		if (p[0] == 0xc3 && p[1]) {
			char r = 0;
			switch (p[1]) {
			case 0xa9: case 0x89: r = 'e'; break;	/* é É */
			case 0xb1: case 0x91: r = 'n'; break;	/* ñ Ñ */
			case 0xbc: case 0x9c: r = 'u'; break;	/* ü Ü */
			case 0xa0: r = 'a'; break;		/* à */
			}
			if (r) {
				*o++ = r;
				p += 2;
				continue;
			}
		}
		*o++ = (*p >= 'A' && *p <= 'Z') ? *p + 32 : *p;
		p++;
	}
	*o = '\0';
	len = o - out;
	while (len && strchr(" \t\r\n.!", out[len - 1]))
		out[--len] = '\0';
	talloc_free(folded);
	return out;
}

char *flow_norm_dup(void *ctx, const char *in)
{
	size_t size = strlen(in) + 1;
	char *out = talloc_size(ctx, size);
	return flow_norm_answer(out, size, in);
}

/*
 * Moving around
 */
static void path_add(struct flow_inst *fi, const struct flow_state *st)
{
	size_t len = fi->path ? strlen(fi->path) : 0;

	if (len + strlen(st->position) + 2 > FLOW_MAX_PATH)
		return;
	if (len) {
		const char *last = strrchr(fi->path, '>');
		last = last ? last + 1 : fi->path;
		if (!strcmp(last, st->position))
			return;
		fi->path = talloc_asprintf_append(fi->path, ">%s", st->position);
	} else {
		fi->path = talloc_strdup(fi, st->position);
	}
}

static void enter(struct flow_inst *fi, const struct flow_state *st)
{
	fi->state = st;
	fi->pc = 0;
	fi->failures = 0;
	fi->n_digits = 0;
	fi->wait = FI_RUNNING;
	fi->transitions++;
	path_add(fi, st);
	LOGP(DFLOW, LOGL_DEBUG, "%s: enter\n", st->position);
}

static void finish(struct flow_inst *fi, const char *outcome)
{
	fi->wait = FI_ENDED;
	LOGP(DFLOW, LOGL_DEBUG, "%s: ended (%s)\n", fi->state ? fi->state->position : "-", outcome);
	if (!strcmp(outcome, "error"))
		stoop_ctr_inc(STOOP_CTR_ERR_FLOW);
	if (fi->leg->end)
		fi->leg->end(fi->leg, outcome);
}

/* The items of a say line, resolved against the variables. */
static struct flow_item *say_items(void *ctx, const struct flow_inst *fi, const struct flow_say *say)
{
	struct flow_item *items = talloc_zero_array(ctx, struct flow_item, say->n ? say->n : 1);
	unsigned i;

	for (i = 0; i < say->n; i++) {
		const struct flow_say_item *it = &say->items[i];
		const char *value;

		if (!it->var) {
			items[i].kind = FLOW_ITEM_PROMPT;
			items[i].value = it->prompt;
			continue;
		}
		value = var_get(fi, it->var);
		if (it->prompt) {
			char *id = talloc_asprintf(items, "%s%s", it->prompt, value), *p;
			for (p = id; *p; p++)
				if (*p == '-')
					*p = '_';
			items[i].kind = FLOW_ITEM_PROMPT;
			items[i].value = id;
			continue;
		}
		items[i].value = value;
		if ((var_find(fi, it->var) && var_find(fi, it->var)->recording)
		    || (*value && !strcmp(it->var, "announce.audio")))
			items[i].kind = FLOW_ITEM_RECORDING;
		else if (it->digits || (fi->ch == FLOW_CH_VOICE && *value && strspn(value, "0123456789") == strlen(value)))
			items[i].kind = FLOW_ITEM_DIGITS;
		else
			items[i].kind = FLOW_ITEM_TEXT;
	}
	return items;
}

static void do_say(struct flow_inst *fi, const struct flow_say *say, bool sms)
{
	void *tmp;
	struct flow_item *items;

	if (!say || !say->n)
		return;
	tmp = talloc_new(fi);
	items = say_items(tmp, fi, say);
	if (sms) {
		if (fi->leg->send_sms)
			fi->leg->send_sms(fi->leg, items, say->n);
	} else if (fi->leg->say) {
		fi->leg->say(fi->leg, items, say->n);
	}
	talloc_free(tmp);
}

static const struct flow_stmt *cur_ask(const struct flow_inst *fi)
{
	const struct flow_stmt *s;

	if (fi->wait != FI_ASK || !fi->state || fi->pc >= fi->state->n_stmts)
		return NULL;
	s = &fi->state->stmts[fi->pc];
	return s->kind == STMT_ASK ? s : NULL;
}

static const struct flow_retry *cur_retry(const struct flow_inst *fi)
{
	return &fi->state->retry[FLOW_RETRY_IDX(fi->ch)];
}

/* The ask as this channel runs it: text is recorded on a call, a recording
 * is asked for as text on SMS. */
static enum flow_ask_kind ask_kind(const struct flow_inst *fi, const struct flow_ask *a)
{
	if (fi->ch == FLOW_CH_VOICE && a->kind == FLOW_ASK_TEXT)
		return FLOW_ASK_RECORD;
	if (fi->ch == FLOW_CH_SMS && a->kind == FLOW_ASK_RECORD)
		return FLOW_ASK_TEXT;
	return a->kind;
}

static void emit_ask(struct flow_inst *fi, const struct flow_stmt *s, bool repeat)
{
	const struct flow_ask *a = &s->ask;
	const struct flow_retry *r = cur_retry(fi);
	struct flow_ask_out out = {
		.kind = ask_kind(fi, a),
		.prompt = a->prompt,
		.choices = a->out_choices,
		.n_choices = a->n_choices,
		.min_digits = a->min_digits,
		.max_digits = a->max_digits,
		.term = a->term,
		.max_chars = a->max_chars,
		.max_record_ms = a->max_record_ms,
		.silence_ms = a->silence_ms,
		.optional = a->optional,
		.timeout_ms = r->timeout_ms,
		.interdigit_ms = r->interdigit_ms,
		.repeat = repeat,
	};

	fi->wait = FI_ASK;
	fi->n_digits = 0;
	if (fi->leg->ask)
		fi->leg->ask(fi->leg, &out);
}

/* The answer to the current ask is in: store it and go on. */
static void answered(struct flow_inst *fi, const struct flow_ask *a, const char *value,
		     bool recording, const struct flow_state *target)
{
	var_set(fi, a->var, value, recording);
	enter(fi, target);
	run(fi);
}

/* noinput or nomatch: count it, say why, ask again, or give up. */
static void failed(struct flow_inst *fi, bool noinput)
{
	const struct flow_stmt *s = cur_ask(fi);
	const struct flow_retry *r = cur_retry(fi);

	fi->failures++;
	LOGP(DFLOW, LOGL_DEBUG, "%s: %s (%u)\n", fi->state->position,
	     noinput ? "noinput" : "nomatch", fi->failures);
	if (r->failures > 0 && fi->failures >= (unsigned)r->failures && r->fail_target.state) {
		enter(fi, r->fail_target.state);
		run(fi);
		return;
	}
	do_say(fi, noinput ? r->noinput : r->nomatch, false);
	emit_ask(fi, s, true);
}

/*
 * Statements
 */
static bool is_number(const char *s, long long *out)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return !errno && !*end;
}

static bool truthy(const char *s)
{
	return *s && strcmp(s, "no") && strcmp(s, "0");
}

static bool cond_eval(const struct flow_inst *fi, const struct flow_stmt *s)
{
	const char *l = val_get(fi, &s->lhs), *r;
	long long ln, rn;
	int cmp;

	if (s->op == COND_TRUE)
		return truthy(l);
	if (s->op == COND_NOT)
		return !truthy(l);
	r = val_get(fi, &s->val);
	if (is_number(l, &ln) && is_number(r, &rn))
		cmp = ln < rn ? -1 : ln > rn;
	else
		cmp = strcmp(l, r);
	switch (s->op) {
	case COND_EQ: return cmp == 0;
	case COND_NE: return cmp != 0;
	case COND_LT: return cmp < 0;
	case COND_LE: return cmp <= 0;
	case COND_GT: return cmp > 0;
	case COND_GE: return cmp >= 0;
	default: return false;
	}
}

static const struct flow_opt *opt_find(const struct flow_stmt *s, const char *key)
{
	unsigned i;

	for (i = 0; i < s->n_opts; i++)
		if (!strcmp(s->opts[i].key, key))
			return &s->opts[i];
	return NULL;
}

static const char *opt_text(const struct flow_inst *fi, const struct flow_stmt *s, const char *key)
{
	const struct flow_opt *o = opt_find(s, key);
	const char *v = o ? val_get(fi, &o->val) : NULL;
	return v && *v ? v : NULL;
}

static void set_case_vars(struct flow_inst *fi, const struct store_case *c)
{
	var_set_num(fi, "case.id", (unsigned long long)c->id);
	var_set(fi, "case.status", c->status ? c->status : "", false);
	var_set(fi, "case.service", c->service_code ? c->service_code : "", false);
}

static void exec_create(struct flow_inst *fi, const struct flow_stmt *s, bool callback)
{
	struct store_case_new req = {
		.channel = flow_channel_name(fi->ch),
		.phone = fi->caller && *fi->caller ? fi->caller : NULL,
		.lang = fi->lang,
		.flow_path = fi->path,
		.overflow = fi->overflow,
	};
	struct store_case *c = NULL;
	bool joined = false;
	void *tmp = talloc_new(fi);
	int rc;

	var_set(fi, "case.id", "", false);
	var_set(fi, "case.joined", "no", false);
	var_set(fi, "case.error", "", false);
	if (callback) {
		req.kind = CASE_KIND_CALLBACK;
		req.service_code = "callback";
		req.callback_window = opt_text(fi, s, "window");
		req.reason = opt_text(fi, s, "reason");
		req.no_dedup = true;
	} else {
		const struct flow_opt *loc = opt_find(s, "location"), *desc = opt_find(s, "description");
		req.kind = CASE_KIND_REQUEST;
		req.service_code = opt_text(fi, s, "service");
		if (loc && var_is_recording(fi, &loc->val))
			req.recording = opt_text(fi, s, "location");
		else
			req.location = opt_text(fi, s, "location");
		if (desc && var_is_recording(fi, &desc->val))
			req.recording = opt_text(fi, s, "description");
		else
			req.description = opt_text(fi, s, "description");
		if (!req.service_code)
			req.service_code = "other";
	}
	rc = fi->st ? store_case_create(fi->st, tmp, &req, &c, &joined) : -ENODEV;
	if (rc < 0) {
		LOGP(DFLOW, LOGL_ERROR, "%s: filing the case failed (%d)\n", fi->state->position, rc);
		var_set(fi, "case.error", "store", false);
	} else {
		set_case_vars(fi, c);
		var_set(fi, "case.joined", joined ? "yes" : "no", false);
		LOGP(DFLOW, LOGL_INFO, "%s: case %llu %s\n", fi->state->position,
		     (unsigned long long)c->id, joined ? "joined" : "filed");
	}
	talloc_free(tmp);
}

static void exec_find_case(struct flow_inst *fi, const struct flow_stmt *s)
{
	const char *text = val_get(fi, &s->val);
	struct store_case *c;
	uint64_t id;
	void *tmp;
	int rc;

	var_set(fi, "case.found", "no", false);
	var_set(fi, "case.status", "", false);
	var_set(fi, "case.service", "", false);
	rc = case_id_parse(text, &id);
	if (rc == -EBADMSG) {
		var_set(fi, "case.error", "checkdigit", false);
		return;
	}
	if (rc < 0) {
		var_set(fi, "case.error", "format", false);
		return;
	}
	tmp = talloc_new(fi);
	rc = fi->st ? store_case_get(fi->st, tmp, id, &c) : -ENODEV;
	if (rc == -ENOENT) {
		var_set(fi, "case.error", "notfound", false);
	} else if (rc < 0) {
		var_set(fi, "case.error", "store", false);
	} else {
		var_set(fi, "case.error", "", false);
		var_set(fi, "case.found", "yes", false);
		set_case_vars(fi, c);
	}
	talloc_free(tmp);
}

/* follow case=V: the caller follows that case (SMS updates); the variables
 * as find case sets them, and $case.error "nocaller" without a number. */
static void exec_follow(struct flow_inst *fi, const struct flow_stmt *s)
{
	int rc;

	exec_find_case(fi, s);
	if (strcmp(var_get(fi, "case.found"), "yes"))
		return;
	if (!fi->caller || !*fi->caller) {
		var_set(fi, "case.error", "nocaller", false);
		return;
	}
	rc = store_case_follow(fi->st, strtoull(var_get(fi, "case.id"), NULL, 10), fi->caller,
			       fi->lang, flow_channel_name(fi->ch));
	if (rc < 0) {
		LOGP(DFLOW, LOGL_ERROR, "%s: following the case failed (%d)\n", fi->state->position, rc);
		var_set(fi, "case.error", "store", false);
		return;
	}
	LOGP(DFLOW, LOGL_INFO, "%s: caller follows case %s\n", fi->state->position,
	     var_get(fi, "case.id"));
}

static void exec_find_cases(struct flow_inst *fi)
{
	struct store_case_filter f = { .phone = fi->caller, .kind = CASE_KIND_REQUEST, .limit = 100 };
	struct store_case **cases = NULL;
	unsigned n = 0, i;
	void *tmp = talloc_new(fi);
	char name[32];
	int rc;

	rc = fi->st && fi->caller && *fi->caller ? store_case_list(fi->st, tmp, &f, &cases, &n) : 0;
	if (rc < 0) {
		var_set(fi, "case.error", "store", false);
		n = 0;
	}
	var_set_num(fi, "cases.count", n);
	for (i = 0; i < 3; i++) {
		bool have = i < n;
		snprintf(name, sizeof(name), "cases.%u.id", i + 1);
		if (have)
			var_set_num(fi, name, (unsigned long long)cases[i]->id);
		else
			var_set(fi, name, "", false);
		snprintf(name, sizeof(name), "cases.%u.status", i + 1);
		var_set(fi, name, have ? cases[i]->status : "", false);
		snprintf(name, sizeof(name), "cases.%u.service", i + 1);
		var_set(fi, name, have && cases[i]->service_code ? cases[i]->service_code : "", false);
	}
	talloc_free(tmp);
}

/* Run statements until the instance waits or ends. */
static void run(struct flow_inst *fi)
{
	unsigned steps = 0;

	while (fi->wait == FI_RUNNING) {
		const struct flow_stmt *s;

		if (++steps > FLOW_MAX_STEPS) {
			LOGP(DFLOW, LOGL_ERROR, "%s: ran %u lines without waiting for the caller: flow loop?\n",
			     fi->state->position, FLOW_MAX_STEPS);
			finish(fi, "error");
			return;
		}
		if (fi->pc >= fi->state->n_stmts) {
			LOGP(DFLOW, LOGL_ERROR, "%s: fell off the end of the state\n", fi->state->position);
			finish(fi, "error");
			return;
		}
		s = &fi->state->stmts[fi->pc];
		if (!(s->channels & fi->ch)) {
			fi->pc++;
			continue;
		}
		switch (s->kind) {
		case STMT_SAY:
			do_say(fi, &s->say, false);
			fi->pc++;
			break;
		case STMT_SEND_SMS:
			do_say(fi, &s->say, true);
			fi->pc++;
			break;
		case STMT_ASK:
			emit_ask(fi, s, false);
			return;
		case STMT_SET:
			if (!strcmp(s->var, "lang")) {
				const char *l = val_get(fi, &s->val);
				if (flow_set_has_lang(fi->fs, l)) {
					set_lang(fi, l);
				} else {
					LOGP(DFLOW, LOGL_NOTICE, "%s: no language '%s'\n", fi->state->position, l);
				}
			} else {
				var_set(fi, s->var, val_get(fi, &s->val), var_is_recording(fi, &s->val));
			}
			fi->pc++;
			break;
		case STMT_IF:
			if (cond_eval(fi, s))
				enter(fi, s->target.state);
			else
				fi->pc++;
			break;
		case STMT_GOTO:
			enter(fi, s->target.state);
			break;
		case STMT_CALL:
			if (fi->depth == FLOW_MAX_DEPTH) {
				LOGP(DFLOW, LOGL_ERROR, "%s: calls nested deeper than %u\n",
				     fi->state->position, FLOW_MAX_DEPTH);
				finish(fi, "error");
				return;
			}
			fi->stack[fi->depth].state = fi->state;
			fi->stack[fi->depth].pc = fi->pc + 1;
			fi->depth++;
			enter(fi, s->target.state);
			break;
		case STMT_RETURN:
			if (!fi->depth) {
				finish(fi, "completed");
				return;
			}
			fi->depth--;
			fi->state = fi->stack[fi->depth].state;
			fi->pc = fi->stack[fi->depth].pc;
			fi->failures = 0;
			fi->transitions++;
			path_add(fi, fi->state);
			break;
		case STMT_CREATE_CASE:
		case STMT_CALLBACK:
			exec_create(fi, s, s->kind == STMT_CALLBACK);
			fi->pc++;
			break;
		case STMT_FIND_CASE:
			exec_find_case(fi, s);
			fi->pc++;
			break;
		case STMT_FIND_CASES:
			exec_find_cases(fi);
			fi->pc++;
			break;
		case STMT_FOLLOW:
			exec_follow(fi, s);
			fi->pc++;
			break;
		case STMT_TRANSFER:
			if (fi->ch == FLOW_CH_SMS || !fi->leg->transfer) {
				enter(fi, s->target.state);
				break;
			}
			fi->wait = FI_TRANSFER;
			fi->leg->transfer(fi->leg, s->queue, var_get(fi, "case.id"), fi->path);
			return;
		case STMT_END:
			finish(fi, "completed");
			return;
		}
	}
}

/*
 * Public surface
 */
struct flow_inst *flow_inst_new(void *ctx, const struct flow_set *fs, struct store *st,
				struct flow_leg *leg, const struct flow_inst_opts *opts)
{
	struct flow_inst *fi;
	const struct flow_state *start;

	start = flow_set_resolve(fs, NULL, opts->entry ? opts->entry : "main");
	if (!start) {
		LOGP(DFLOW, LOGL_ERROR, "no entry flow '%s'\n", opts->entry ? opts->entry : "main");
		return NULL;
	}
	fi = talloc_zero(ctx, struct flow_inst);
	fi->fs = fs;
	fi->st = st;
	fi->leg = leg;
	fi->ch = opts->channel;
	fi->caller = talloc_strdup(fi, opts->caller ? opts->caller : "");
	set_lang(fi, opts->lang && flow_set_has_lang(fs, opts->lang) ? opts->lang : flow_set_default_lang(fs));
	fi->entry = talloc_strdup(fi, opts->entry ? opts->entry : "main");
	fi->recdir = talloc_strdup(fi, opts->recordings_dir ? opts->recordings_dir : ".");
	if (opts->overflow && *opts->overflow)
		fi->overflow = talloc_strndup(fi, opts->overflow, 32);
	fi->state = start;
	fi->wait = FI_IDLE;
	fi->started_at = store_now();
	return fi;
}

int flow_inst_start(struct flow_inst *fi)
{
	if (fi->wait != FI_IDLE)
		return -EAGAIN;
	enter(fi, fi->state);
	run(fi);
	return 0;
}

static const struct flow_keyword *keyword_match(const struct flow_set *fs, const char *text,
						const char **rest)
{
	char first[64];
	const char *p = text;
	size_t len;
	unsigned f, k, w;

	while (*p == ' ' || *p == '\t')
		p++;
	len = strcspn(p, " \t\r\n");
	if (len >= sizeof(first))
		return NULL;
	memcpy(first, p, len);
	first[len] = '\0';
	flow_norm_answer(first, sizeof(first), first);
	for (f = 0; f < fs->n_flows; f++) {
		for (k = 0; k < fs->flows[f]->n_keywords; k++) {
			const struct flow_keyword *kw = &fs->flows[f]->keywords[k];
			for (w = 0; w < kw->n_words; w++) {
				if (strcmp(kw->norm_words[w], first))
					continue;
				/* the rest of the text, after the first word */
				p += len;
				while (*p == ' ' || *p == '\t')
					p++;
				*rest = p;
				return kw;
			}
		}
	}
	return NULL;
}

bool flow_set_keyword_match(const struct flow_set *fs, const char *text)
{
	const char *rest;

	return keyword_match(fs, text, &rest) != NULL;
}

static bool sms_menu_answer(struct flow_inst *fi, const struct flow_ask *a, const char *ans)
{
	unsigned i;

	for (i = 0; i < a->n_choices; i++) {
		const struct flow_choice *c = &a->choices[i];
		bool match = (ans[0] == c->key && !ans[1]) || !strcmp(ans, c->word)
			     || (c->norm_labels && fi->lang_idx >= 0 && c->norm_labels[fi->lang_idx]
				 && !strcmp(ans, c->norm_labels[fi->lang_idx]));
		if (!match && a->kind == FLOW_ASK_YESNO)
			match = c->key == '1' ? (!strcmp(ans, "y") || !strcmp(ans, "si") || !strcmp(ans, "s"))
					      : !strcmp(ans, "n");
		if (match) {
			answered(fi, a, c->word, false, c->target.state);
			return true;
		}
	}
	return false;
}

static unsigned utf8_chars(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int flow_inst_text(struct flow_inst *fi, const char *text)
{
	const struct flow_stmt *s = cur_ask(fi);
	const struct flow_keyword *kw;
	const char *rest;
	char ans[128];
	unsigned i;

	if (fi->wait != FI_IDLE && !s)
		return -EAGAIN;
	/* keywords: at the start and when answering a menu */
	if (fi->wait == FI_IDLE || s->ask.kind == FLOW_ASK_MENU) {
		kw = keyword_match(fi->fs, text, &rest);
		if (kw) {
			for (i = 0; i < kw->n_sets; i++) {
				const char *v = val_get(fi, &kw->sets[i].val);
				if (!strcmp(kw->sets[i].key, "lang")) {
					if (flow_set_has_lang(fi->fs, v))
						set_lang(fi, v);
				} else {
					var_set(fi, kw->sets[i].key, v, false);
				}
			}
			var_set(fi, "args", rest, false);
			enter(fi, kw->target.state);
			run(fi);
			return 0;
		}
	}
	if (fi->wait == FI_IDLE)
		return flow_inst_start(fi);
	flow_norm_answer(ans, sizeof(ans), text);
	switch (ask_kind(fi, &s->ask)) {
	case FLOW_ASK_MENU:
	case FLOW_ASK_YESNO:
		if (!sms_menu_answer(fi, &s->ask, ans))
			failed(fi, false);
		break;
	case FLOW_ASK_DIGITS: {
		char digits[64];
		unsigned n = 0;
		const char *p;
		bool ok = true;
		for (p = text; *p && ok; p++) {
			if (isdigit((unsigned char)*p)) {
				if (n < sizeof(digits) - 1)
					digits[n++] = *p;
				else
					ok = false;
			} else if (!strchr(" -.\t\r\n", *p)) {
				ok = false;
			}
		}
		digits[n] = '\0';
		if (ok && n >= s->ask.min_digits && n <= s->ask.max_digits)
			answered(fi, &s->ask, digits, false, s->ask.target.state);
		else
			failed(fi, false);
		break;
	}
	case FLOW_ASK_TEXT:
	case FLOW_ASK_RECORD: {
		const char *skip = fi->lang_idx >= 0 && fi->fs->norm_skip ? fi->fs->norm_skip[fi->lang_idx] : NULL;
		const char *start = text;
		char *trimmed;
		size_t len;
		while (*start == ' ' || *start == '\t' || *start == '\r' || *start == '\n')
			start++;
		len = strlen(start);
		while (len && strchr(" \t\r\n", start[len - 1]))
			len--;
		if (s->ask.optional && (!strcmp(ans, "0") || (skip && !strcmp(ans, skip)))) {
			answered(fi, &s->ask, "", false, s->ask.target.state);
			break;
		}
		trimmed = talloc_strndup(fi, start, len);
		if (!*trimmed || utf8_chars(trimmed) > s->ask.max_chars)
			failed(fi, false);
		else
			answered(fi, &s->ask, trimmed, false, s->ask.target.state);
		talloc_free(trimmed);
		break;
	}
	}
	return 0;
}

static void digits_done(struct flow_inst *fi, const struct flow_ask *a)
{
	char buf[sizeof(fi->digits)];

	memcpy(buf, fi->digits, fi->n_digits);
	buf[fi->n_digits] = '\0';
	if (fi->n_digits >= a->min_digits)
		answered(fi, a, buf, false, a->target.state);
	else
		failed(fi, false);
}

int flow_inst_digit(struct flow_inst *fi, char key)
{
	const struct flow_stmt *s = cur_ask(fi);
	unsigned i;

	if (!s)
		return -EAGAIN;
	if (!strchr("0123456789*#", key) || !key)
		return -EINVAL;
	switch (ask_kind(fi, &s->ask)) {
	case FLOW_ASK_MENU:
	case FLOW_ASK_YESNO:
		for (i = 0; i < s->ask.n_choices; i++) {
			if (s->ask.choices[i].key == key) {
				answered(fi, &s->ask, s->ask.choices[i].word, false,
					 s->ask.choices[i].target.state);
				return 0;
			}
		}
		failed(fi, false);
		return 0;
	case FLOW_ASK_DIGITS:
		if (key == s->ask.term || (key == '#' && !s->ask.term && fi->n_digits)) {
			digits_done(fi, &s->ask);
			return 0;
		}
		if (!isdigit((unsigned char)key)) {
			failed(fi, false);
			return 0;
		}
		fi->digits[fi->n_digits++] = key;
		if (fi->n_digits >= s->ask.max_digits || fi->n_digits >= sizeof(fi->digits) - 1)
			digits_done(fi, &s->ask);
		return 0;
	default:
		/* keys during a recording belong to the recorder */
		return 0;
	}
}

bool flow_inst_collecting(const struct flow_inst *fi)
{
	return cur_ask(fi) && fi->n_digits > 0;
}

int flow_inst_timeout(struct flow_inst *fi)
{
	const struct flow_stmt *s = cur_ask(fi);

	if (!s)
		return -EAGAIN;
	switch (ask_kind(fi, &s->ask)) {
	case FLOW_ASK_DIGITS:
		if (!fi->n_digits)
			failed(fi, true);
		else
			digits_done(fi, &s->ask);
		return 0;
	case FLOW_ASK_TEXT:
	case FLOW_ASK_RECORD:
		if (s->ask.optional)
			answered(fi, &s->ask, "", false, s->ask.target.state);
		else
			failed(fi, true);
		return 0;
	default:
		failed(fi, true);
		return 0;
	}
}

int flow_inst_recorded(struct flow_inst *fi, const char *path, unsigned ms)
{
	const struct flow_stmt *s = cur_ask(fi);

	if (!s || ask_kind(fi, &s->ask) != FLOW_ASK_RECORD)
		return -EAGAIN;
	if (!path || !*path || ms < 500) {
		if (s->ask.optional)
			answered(fi, &s->ask, "", false, s->ask.target.state);
		else
			failed(fi, true);
		return 0;
	}
	answered(fi, &s->ask, path, true, s->ask.target.state);
	return 0;
}

int flow_inst_transfer_result(struct flow_inst *fi, bool ok)
{
	const struct flow_stmt *s;

	if (fi->wait != FI_TRANSFER)
		return -EAGAIN;
	if (ok) {
		finish(fi, "transferred");
		return 0;
	}
	s = &fi->state->stmts[fi->pc];
	enter(fi, s->target.state);
	run(fi);
	return 0;
}

int flow_inst_hangup(struct flow_inst *fi)
{
	if (fi->wait == FI_ENDED)
		return -EAGAIN;
	finish(fi, "hangup");
	return 0;
}

bool flow_inst_ended(const struct flow_inst *fi)
{
	return fi->wait == FI_ENDED;
}

const char *flow_inst_position(const struct flow_inst *fi)
{
	return fi->state->position;
}

const char *flow_inst_lang(const struct flow_inst *fi)
{
	return fi->lang;
}

const char *flow_inst_entry(const struct flow_inst *fi)
{
	return fi->entry;
}

const char *flow_inst_path(const struct flow_inst *fi)
{
	return fi->path ? fi->path : "";
}

const char *flow_inst_overflow(const struct flow_inst *fi)
{
	return fi->overflow;
}

const char *flow_inst_var(const struct flow_inst *fi, const char *name)
{
	if (!strcmp(name, "caller") || !strcmp(name, "channel") || !strcmp(name, "lang")
	    || flow_var_builtin(name))
		return var_get(fi, name);
	return var_find(fi, name) ? var_find(fi, name)->value : NULL;
}

uint64_t flow_inst_transitions(const struct flow_inst *fi)
{
	return fi->transitions;
}

int64_t flow_inst_started_at(const struct flow_inst *fi)
{
	return fi->started_at;
}

/*
 * Serialization: "key=value\n" lines, values with '\\' and '\n' escaped.
 */
static char *put(char *buf, const char *key, const char *value)
{
	buf = talloc_asprintf_append_buffer(buf, "%s=", key);
	for (; *value; value++) {
		if (*value == '\\')
			buf = talloc_strdup_append_buffer(buf, "\\\\");
		else if (*value == '\n')
			buf = talloc_strdup_append_buffer(buf, "\\n");
		else
			buf = talloc_strndup_append_buffer(buf, value, 1);
	}
	return talloc_strdup_append_buffer(buf, "\n");
}

static const struct value_string wait_names[] = {
	{ FI_IDLE, "idle" },
	{ FI_RUNNING, "running" },
	{ FI_ASK, "ask" },
	{ FI_TRANSFER, "transfer" },
	{ FI_ENDED, "ended" },
	{ 0, NULL }
};

int flow_inst_save(const struct flow_inst *fi, void *ctx, uint8_t **blob, size_t *len)
{
	char *buf = talloc_strdup(ctx, "stoop-flow=1\n");
	char num[64];
	unsigned i;

	buf = put(buf, "position", fi->state->position);
	snprintf(num, sizeof(num), "%u", fi->pc);
	buf = put(buf, "pc", num);
	buf = put(buf, "wait", get_value_string(wait_names, fi->wait));
	snprintf(num, sizeof(num), "%u", fi->failures);
	buf = put(buf, "failures", num);
	buf = put(buf, "channel", flow_channel_name(fi->ch));
	buf = put(buf, "caller", fi->caller);
	buf = put(buf, "lang", fi->lang);
	buf = put(buf, "entry", fi->entry);
	buf = put(buf, "recdir", fi->recdir);
	buf = put(buf, "path", flow_inst_path(fi));
	if (fi->overflow)
		buf = put(buf, "overflow", fi->overflow);
	snprintf(num, sizeof(num), "%lld", (long long)fi->started_at);
	buf = put(buf, "started", num);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)fi->transitions);
	buf = put(buf, "transitions", num);
	for (i = 0; i < fi->depth; i++) {
		char *frame = talloc_asprintf(buf, "%s:%u", fi->stack[i].state->position, fi->stack[i].pc);
		buf = put(buf, "frame", frame);
		talloc_free(frame);
	}
	for (i = 0; i < fi->n_vars; i++) {
		char *key = talloc_asprintf(buf, "%s%s", fi->vars[i].recording ? "rec." : "var.",
					    fi->vars[i].name);
		buf = put(buf, key, fi->vars[i].value);
		talloc_free(key);
	}
	*blob = (uint8_t *)buf;
	*len = strlen(buf);
	return 0;
}

static char *unescape_value(void *ctx, const char *s, size_t len)
{
	char *out = talloc_size(ctx, len + 1);
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len) {
			i++;
			out[o++] = s[i] == 'n' ? '\n' : s[i];
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

static bool parse_uint_str(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !errno && !*end && *out <= max;
}

struct flow_inst *flow_inst_restore(void *ctx, const struct flow_set *fs, struct store *st,
				    struct flow_leg *leg, const uint8_t *blob, size_t len)
{
	const char *p = (const char *)blob, *end = p + len;
	struct flow_inst *fi = talloc_zero(ctx, struct flow_inst);
	unsigned long long num;
	bool have_pos = false, magic = false;
	int wait = -1;

	fi->fs = fs;
	fi->st = st;
	fi->leg = leg;
	fi->ch = FLOW_CH_SMS;
	fi->caller = talloc_strdup(fi, "");
	set_lang(fi, flow_set_default_lang(fs));
	fi->entry = talloc_strdup(fi, "main");
	fi->recdir = talloc_strdup(fi, ".");
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *eq;
		char *key, *val;
		if (!nl)
			goto bad;
		eq = memchr(p, '=', nl - p);
		if (!eq)
			goto bad;
		key = talloc_strndup(fi, p, eq - p);
		val = unescape_value(fi, eq + 1, nl - eq - 1);
		p = nl + 1;
		if (!strcmp(key, "stoop-flow")) {
			magic = !strcmp(val, "1");
		} else if (!strcmp(key, "position")) {
			fi->state = flow_set_resolve(fs, NULL, val);
			if (!fi->state || !strchr(val, '.'))
				goto bad;
			have_pos = true;
		} else if (!strcmp(key, "pc")) {
			if (!parse_uint_str(val, 100000, &num))
				goto bad;
			fi->pc = num;
		} else if (!strcmp(key, "wait")) {
			wait = get_string_value(wait_names, val);
		} else if (!strcmp(key, "failures")) {
			if (!parse_uint_str(val, 1000, &num))
				goto bad;
			fi->failures = num;
		} else if (!strcmp(key, "channel")) {
			fi->ch = !strcmp(val, "voice") ? FLOW_CH_VOICE : FLOW_CH_SMS;
		} else if (!strcmp(key, "caller")) {
			talloc_free(fi->caller);
			fi->caller = talloc_steal(fi, val);
			val = NULL;
		} else if (!strcmp(key, "lang")) {
			if (flow_set_has_lang(fs, val))
				set_lang(fi, val);
		} else if (!strcmp(key, "entry")) {
			talloc_free(fi->entry);
			fi->entry = talloc_strdup(fi, val);
		} else if (!strcmp(key, "recdir")) {
			talloc_free(fi->recdir);
			fi->recdir = talloc_strdup(fi, val);
		} else if (!strcmp(key, "overflow")) {
			fi->overflow = *val ? talloc_strndup(fi, val, 32) : NULL;
		} else if (!strcmp(key, "path")) {
			fi->path = *val ? talloc_strdup(fi, val) : NULL;
		} else if (!strcmp(key, "started")) {
			if (!parse_uint_str(val, INT64_MAX, &num))
				goto bad;
			fi->started_at = num;
		} else if (!strcmp(key, "transitions")) {
			if (!parse_uint_str(val, UINT64_MAX, &num))
				goto bad;
			fi->transitions = num;
		} else if (!strcmp(key, "frame")) {
			char *colon = strrchr(val, ':');
			const struct flow_state *fst;
			if (!colon || fi->depth == FLOW_MAX_DEPTH)
				goto bad;
			*colon = '\0';
			fst = flow_set_resolve(fs, NULL, val);
			if (!fst || !strchr(val, '.') || !parse_uint_str(colon + 1, 100000, &num)
			    || num > fst->n_stmts)
				goto bad;
			fi->stack[fi->depth].state = fst;
			fi->stack[fi->depth].pc = num;
			fi->depth++;
		} else if (!strncmp(key, "var.", 4) || !strncmp(key, "rec.", 4)) {
			var_set(fi, key + 4, val, key[0] == 'r');
		}
		talloc_free(key);
		talloc_free(val);
	}
	if (!magic || !have_pos || wait < 0)
		goto bad;
	fi->wait = wait;
	/* the flows may have changed since: the position must still be an ask */
	if (fi->wait == FI_ASK && !cur_ask(fi))
		goto bad;
	if (fi->wait != FI_ASK && fi->wait != FI_ENDED && fi->wait != FI_IDLE)
		goto bad;
	return fi;
bad:
	LOGP(DFLOW, LOGL_NOTICE, "saved flow session cannot be restored (flows changed or data damaged)\n");
	talloc_free(fi);
	return NULL;
}
