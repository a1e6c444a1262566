/* sms.c -- the SMS channel's core: one inbound text from store to reply.
 *
 * Order of business for a text (sms_mo_receive(), inside a batch):
 *   1. store it (before any acknowledgement; a retransmission is -EEXIST);
 *      a part of a long text waits until its siblings are stored too;
 *   2. drop it when the same number sent the same text within the dedup
 *      window (carriers do duplicate);
 *   3. transport keywords, whatever the flow is doing: STOP and its
 *      synonyms opt the number out (one confirmation, then silence until
 *      START), START opts in, HELP is always answered;
 *   4. the rate limit per number: one polite refusal, then silence;
 *   5. the resident's flow session: restored from the store (or new, in the
 *      language the number chose before), run with the text, saved; the
 *      reply and any `send sms` are queued in the same transaction.
 * The sender drains the queue through a ready transport, keeps each queued
 * message in flight until its transport reports a result, and retries
 * temporary failures with exponential back-off.
 *
 * The keyword lists follow the US carriers' conventions (CTIA); their
 * replies are the catalog prompts sms.optout, sms.optin, sms.help and
 * sms.slow_down in the number's language; an idle conversation ends with
 * sms.expired (sms_channel_tick()).
 */
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/hashtable.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/utils.h>

#include "sms/sms.h"
#include "sms/sms_text.h"
#include "flow/flow.h"
#include "store/store.h"
#include "core/logging.h"
#include "core/stats.h"

#define SMS_MAX_TRANSPORTS	4
#define SMS_MAX_ATTEMPTS	8
#define SMS_RETRY_BASE_S	5
#define SMS_RETRY_MAX_S		600
#define SMS_DUE_BATCH		64

struct rate_entry {
	struct hlist_node node;
	uint32_t hash;
	char msisdn[32];
	int64_t window_start;
	unsigned count;
	bool refused;
};

struct inflight {
	struct hlist_node node;
	int64_t out_id;
};

struct sms_channel {
	void *ctx;
	struct store *st;
	const struct flow_set *fs;
	struct sms_config cfg;
	struct sms_transport *transports[SMS_MAX_TRANSPORTS];
	unsigned n_transports;
	char *transport_names;		/* each name followed by '\n' (store_sms_out_due) */
	DECLARE_HASHTABLE(rate, 14);	/* a minute of numbers: 16k chains */
	DECLARE_HASHTABLE(inflight, 10);
	unsigned n_inflight;
	unsigned batch_depth;
	struct sms_stats stats;

	/* the conversation being run (one at a time: one event loop) */
	struct flow_leg leg;
	struct flow_inst *fi;
	char *reply;
	char **extra;
	unsigned n_extra;
	const char *outcome;
};

enum sms_keyword {
	KW_NONE,
	KW_STOP,
	KW_START,
	KW_YES,
	KW_HELP,
};

/* The whole text, trimmed, is the keyword (any case). */
static enum sms_keyword keyword_of(const char *text)
{
	static const struct {
		const char *word;
		enum sms_keyword kw;
	} words[] = {
		{ "STOP", KW_STOP }, { "END", KW_STOP }, { "CANCEL", KW_STOP },
		{ "UNSUBSCRIBE", KW_STOP }, { "QUIT", KW_STOP }, { "STOPALL", KW_STOP },
		{ "START", KW_START }, { "UNSTOP", KW_START }, { "YES", KW_YES },
		{ "HELP", KW_HELP }, { "INFO", KW_HELP },
	};
	char buf[16];
	size_t len;
	unsigned i;

	while (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n')
		text++;
	len = strlen(text);
	while (len && strchr(" \t\r\n.!", text[len - 1]))
		len--;
	if (!len || len >= sizeof(buf))
		return KW_NONE;
	memcpy(buf, text, len);
	buf[len] = '\0';
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(buf, words[i].word))
			return words[i].kw;
	return KW_NONE;
}

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/*
 * The flow leg: collect what the flow says into one reply.
 */

/* flow_render_sms_reply_add() copies the first part of a reply rather than
 * adopting it: each part is freed here once it is in the reply. */
static void reply_add(struct sms_channel *sc, char *part)
{
	sc->reply = flow_render_sms_reply_add(sc->ctx, sc->reply, part);
	talloc_free(part);
}

static void leg_say(struct flow_leg *leg, const struct flow_item *items, unsigned n)
{
	struct sms_channel *sc = leg->priv;

	reply_add(sc, flow_render_sms_items(sc->ctx, sc->fs, flow_inst_lang(sc->fi), items, n));
}

static void leg_ask(struct flow_leg *leg, const struct flow_ask_out *ask)
{
	struct sms_channel *sc = leg->priv;

	reply_add(sc, flow_render_sms_ask(sc->ctx, sc->fs, flow_inst_lang(sc->fi), ask));
}

static void leg_send_sms(struct flow_leg *leg, const struct flow_item *items, unsigned n)
{
	struct sms_channel *sc = leg->priv;

	sc->extra = talloc_realloc(sc->ctx, sc->extra, char *, sc->n_extra + 1);
	sc->extra[sc->n_extra++] = flow_render_sms_items(sc->extra, sc->fs, flow_inst_lang(sc->fi), items, n);
}

static void leg_end(struct flow_leg *leg, const char *outcome)
{
	struct sms_channel *sc = leg->priv;

	sc->outcome = outcome;
}

/* The channel's own texts must exist in every language and fit one SMS. */
static int check_own_prompts(const struct flow_set *fs, bool fold)
{
	static const char *const ids[] = { "sms.optout", "sms.optin", "sms.help", "sms.slow_down", "sms.expired",
					   "sms.update", "sms.update_tail", "lookup.case" };
	const char *lang;
	unsigned l, i;
	int errors = 0;

	for (l = 0; (lang = flow_set_lang(fs, l)); l++) {
		for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
			const char *text = flow_catalog_text(fs, lang, FLOW_CH_SMS, ids[i]);
			struct sms_size sz;
			if (!text) {
				LOGP(DSMS, LOGL_ERROR, "prompt '%s' is missing from the '%s' catalog: the SMS channel needs it\n",
				     ids[i], lang);
				errors++;
			} else if (sms_text_size(text, fold, &sz) < 0 || sz.segments > 1) {
				LOGP(DSMS, LOGL_ERROR, "prompt '%s' in the '%s' catalog does not fit one SMS\n", ids[i], lang);
				errors++;
			}
		}
	}
	return errors ? -EINVAL : 0;
}

struct sms_channel *sms_channel_alloc(void *ctx, struct store *st, const struct flow_set *fs,
				      const struct sms_config *cfg)
{
	struct sms_channel *sc;

	if (check_own_prompts(fs, cfg->fold) < 0)
		return NULL;
	sc = talloc_zero(ctx, struct sms_channel);

	sc->ctx = sc;
	sc->st = st;
	sc->fs = fs;
	sc->cfg = *cfg;
	sc->cfg.entry = talloc_strdup(sc, cfg->entry ? cfg->entry : "main");
	sc->transport_names = talloc_strdup(sc, "");
	hash_init(sc->rate);
	hash_init(sc->inflight);
	sc->leg = (struct flow_leg){
		.say = leg_say, .ask = leg_ask, .send_sms = leg_send_sms, .end = leg_end, .priv = sc,
	};
	return sc;
}

void sms_channel_add_transport(struct sms_channel *sc, struct sms_transport *t)
{
	if (sc->n_transports >= SMS_MAX_TRANSPORTS) {
		LOGP(DSMS, LOGL_ERROR, "sms: transport %s not added: at most %u\n", t->name,
		     SMS_MAX_TRANSPORTS);
		return;
	}
	sc->transports[sc->n_transports++] = t;
	sc->transport_names = talloc_asprintf_append(sc->transport_names, "%s\n", t->name);
}

const struct sms_stats *sms_channel_stats(const struct sms_channel *sc)
{
	return &sc->stats;
}

int sms_batch_begin(struct sms_channel *sc)
{
	int rc = store_begin(sc->st);
	if (rc == 0)
		sc->batch_depth++;
	return rc;
}

int sms_batch_commit(struct sms_channel *sc)
{
	int rc;

	if (!sc->batch_depth)
		return -EINVAL;
	sc->batch_depth--;
	rc = store_commit(sc->st);
	if (rc < 0) {
		LOGP(DSMS, LOGL_ERROR, "committing a batch of texts failed (%d): not acknowledged\n", rc);
		store_rollback(sc->st);
	}
	return rc;
}

/* Queue a text to a number in its language's catalog prompt. */
static int queue_prompt(struct sms_channel *sc, const char *msisdn, const char *lang,
			const char *prompt, const char *reason, int64_t in_id)
{
	const char *text = flow_catalog_text(sc->fs, lang, FLOW_CH_SMS, prompt);

	if (!text) {
		LOGP(DSMS, LOGL_ERROR, "no '%s' prompt in the '%s' catalog: nothing sent\n", prompt, lang);
		return -ENOENT;
	}
	sc->stats.mt_queued++;
	return store_sms_out_queue(sc->st, msisdn, text, reason, in_id, NULL);
}

/* true when this number is over its rate; the first time in a window it
 * gets one polite refusal. */
static bool rate_limited(struct sms_channel *sc, const char *msisdn, const char *lang, int64_t in_id)
{
	uint32_t h = str_hash(msisdn);
	struct rate_entry *e = NULL, *it;
	int64_t now = store_now();

	if (!sc->cfg.rate_per_minute)
		return false;
	hash_for_each_possible(sc->rate, it, node, h) {
		if (it->hash == h && !strcmp(it->msisdn, msisdn)) {
			e = it;
			break;
		}
	}
	if (!e) {
		e = talloc_zero(sc, struct rate_entry);
		e->hash = h;
		OSMO_STRLCPY_ARRAY(e->msisdn, msisdn);
		e->window_start = now;
		hash_add(sc->rate, &e->node, h);
	}
	if (now - e->window_start >= 60) {
		e->window_start = now;
		e->count = 0;
		e->refused = false;
	}
	e->count++;
	if (e->count <= sc->cfg.rate_per_minute)
		return false;
	sc->stats.mo_rate_limited++;
	if (!e->refused) {
		e->refused = true;
		LOGP(DSMS, LOGL_NOTICE, "sms(%s): more than %u texts a minute: refused once, then silent\n",
		     stoop_mask_number(msisdn), sc->cfg.rate_per_minute);
		queue_prompt(sc, msisdn, lang, "sms.slow_down", "ratelimit", in_id);
	}
	return true;
}

/* Forget the numbers whose rate window is over (bounds the table). */
static void rate_prune(struct sms_channel *sc, int64_t now)
{
	struct rate_entry *e;
	struct hlist_node *tmp;
	unsigned bkt;

	hash_for_each_safe(sc->rate, bkt, tmp, e, node) {
		if (now - e->window_start >= 60) {
			hash_del(&e->node);
			talloc_free(e);
		}
	}
}

static const char *session_key(char *buf, size_t size, const char *msisdn)
{
	snprintf(buf, size, "sms:%s", msisdn);
	return buf;
}

static void log_session_end(struct sms_channel *sc, const char *key, const char *outcome)
{
	store_session_log_end_overflow(sc->st, key, "sms", flow_inst_entry(sc->fi),
				       flow_inst_position(sc->fi), outcome, flow_inst_started_at(sc->fi),
				       flow_inst_overflow(sc->fi));
	store_session_delete(sc->st, key);
}

/* Run the resident's conversation with this text; queue what it says. */
static int run_flow(struct sms_channel *sc, const char *msisdn, const char *lang, const char *text,
		    int64_t in_id)
{
	struct flow_inst_opts opts = {
		.channel = FLOW_CH_SMS, .caller = msisdn, .lang = lang, .entry = sc->cfg.entry,
	};
	struct store_session *ss = NULL;
	char key[64];
	const char *lang_before;
	unsigned i;
	int rc;

	session_key(key, sizeof(key), msisdn);
	sc->reply = NULL;
	sc->extra = NULL;
	sc->n_extra = 0;
	sc->outcome = NULL;
	sc->fi = NULL;
	rc = store_session_get(sc->st, sc, key, &ss);
	if (rc == 0) {
		sc->fi = flow_inst_restore(sc, sc->fs, sc->st, &sc->leg, ss->blob, ss->blob_len);
		if (!sc->fi)
			store_session_delete(sc->st, key);
		talloc_free(ss);
	} else if (rc != -ENOENT) {
		return rc;
	}
	rc = 0;
	if (!sc->fi)
		sc->fi = flow_inst_new(sc, sc->fs, sc->st, &sc->leg, &opts);
	if (!sc->fi)
		return -EINVAL;
	lang_before = talloc_strdup(sc->fi, flow_inst_lang(sc->fi));

	flow_inst_text(sc->fi, text);

	if (sc->reply && *sc->reply) {
		sc->stats.mt_queued++;
		rc = store_sms_out_queue(sc->st, msisdn, sc->reply, "reply", in_id, NULL);
	}
	for (i = 0; i < sc->n_extra && rc >= 0; i++) {
		if (!*sc->extra[i])
			continue;
		sc->stats.mt_queued++;
		rc = store_sms_out_queue(sc->st, msisdn, sc->extra[i], "flow", in_id, NULL);
	}
	if (rc >= 0 && strcmp(lang_before, flow_inst_lang(sc->fi)))
		rc = store_number_set_lang(sc->st, msisdn, flow_inst_lang(sc->fi));
	if (rc >= 0) {
		if (flow_inst_ended(sc->fi)) {
			log_session_end(sc, key, sc->outcome ? sc->outcome : "completed");
		} else {
			uint8_t *blob;
			size_t len;
			flow_inst_save(sc->fi, sc->fi, &blob, &len);
			rc = store_session_put(sc->st, key, flow_inst_position(sc->fi), blob, len);
		}
	}
	TALLOC_FREE(sc->fi);
	TALLOC_FREE(sc->reply);
	TALLOC_FREE(sc->extra);
	sc->n_extra = 0;
	return rc < 0 ? rc : 0;
}

/* A whole text (a single SMS, or the joined parts of a long one). */
static int process_text(struct sms_channel *sc, int64_t in_id, const char *msisdn, const char *text)
{
	struct store_number *num = NULL;
	const char *lang = flow_set_default_lang(sc->fs);
	bool opted_out = false, dup = false;
	enum sms_keyword kw;
	int rc;

	if (sc->cfg.dedup_window_s) {
		rc = store_sms_in_recent_same(sc->st, msisdn, text, store_now() - sc->cfg.dedup_window_s,
					      in_id, &dup);
		if (rc < 0)
			return rc;
		if (dup) {
			sc->stats.mo_duplicate++;
			LOGP(DSMS, LOGL_INFO, "sms(%s): the same text again within %us: processed once\n",
			     stoop_mask_number(msisdn), sc->cfg.dedup_window_s);
			return store_sms_in_set_state(sc->st, in_id, STORE_SMS_IN_DUPLICATE);
		}
	}
	rc = store_number_get(sc->st, sc, msisdn, &num);
	if (rc < 0 && rc != -ENOENT)
		return rc;
	if (num) {
		opted_out = num->opted_out;
		if (num->lang && flow_set_has_lang(sc->fs, num->lang))
			lang = num->lang;	/* num lives until the text is handled */
	}

	kw = keyword_of(text);
	if (kw == KW_YES && !opted_out)
		kw = KW_NONE;	/* a yes/no answer for the flow */
	switch (kw) {
	case KW_STOP:
		if (!opted_out) {
			char key[64];
			sc->stats.opt_outs++;
			stoop_ctr_inc(STOOP_CTR_OPT_OUTS);
			LOGP(DSMS, LOGL_NOTICE, "sms(%s): opted out\n", stoop_mask_number(msisdn));
			rc = store_number_set_optout(sc->st, msisdn, true);
			if (rc >= 0)
				rc = queue_prompt(sc, msisdn, lang, "sms.optout", "optout", in_id);
			store_session_delete(sc->st, session_key(key, sizeof(key), msisdn));
		}
		break;
	case KW_START:
	case KW_YES:
		sc->stats.opt_ins++;
		stoop_ctr_inc(STOOP_CTR_OPT_INS);
		if (opted_out)
			LOGP(DSMS, LOGL_NOTICE, "sms(%s): opted in again\n", stoop_mask_number(msisdn));
		rc = store_number_set_optout(sc->st, msisdn, false);
		if (rc >= 0)
			rc = queue_prompt(sc, msisdn, lang, "sms.optin", "optin", in_id);
		break;
	case KW_HELP:
		sc->stats.help++;
		rc = queue_prompt(sc, msisdn, lang, "sms.help", "help", in_id);
		break;
	case KW_NONE:
		if (opted_out) {
			LOGP(DSMS, LOGL_INFO, "sms(%s): opted out, text not answered\n", stoop_mask_number(msisdn));
			break;
		}
		if (rate_limited(sc, msisdn, lang, in_id))
			break;
		rc = run_flow(sc, msisdn, lang, text, in_id);
		break;
	}
	talloc_free(num);
	if (rc == -ENOENT)	/* a missing prompt is logged; the text is handled */
		rc = 0;
	if (rc < 0)
		return rc;
	return store_sms_in_set_state(sc->st, in_id, STORE_SMS_IN_DONE);
}

/* Join the stored parts of (msisdn, ref) and process them as one text. */
static int process_parts(struct sms_channel *sc, const char *msisdn, int ref, int64_t in_id,
			 bool all_or_nothing)
{
	struct store_sms_in *parts;
	unsigned n, i, k;
	char *text;
	int rc;

	rc = store_sms_in_parts(sc->st, sc, msisdn, ref, &parts, &n);
	if (rc < 0)
		return rc;
	/* only parts still waiting (a reference is reused once it wrapped),
	 * and each sequence number once (a part may come twice) */
	for (i = 0, k = 0; i < n; i++) {
		if (parts[i].state != STORE_SMS_IN_PART || (k && parts[k - 1].concat_seq == parts[i].concat_seq))
			continue;
		parts[k++] = parts[i];
	}
	n = k;
	if (!n || (all_or_nothing && (int)n < parts[0].concat_total)) {
		talloc_free(parts);
		return 0;
	}
	if ((int)n < parts[0].concat_total) {
		sc->stats.parts_missing++;
		LOGP(DSMS, LOGL_NOTICE, "sms(%s): long text ref %d: %u of %d parts came, the others never did; "
		     "answering what came\n", stoop_mask_number(msisdn), ref, n, parts[0].concat_total);
	}
	text = talloc_strdup(parts, "");
	for (i = 0; i < n; i++) {
		text = talloc_strdup_append_buffer(text, parts[i].text ? parts[i].text : "");
		if (parts[i].id != in_id)
			store_sms_in_set_state(sc->st, parts[i].id, STORE_SMS_IN_DONE);
	}
	if (!in_id)
		in_id = parts[n - 1].id;
	rc = process_text(sc, in_id, msisdn, text);
	talloc_free(parts);
	return rc;
}

int sms_mo_receive(struct sms_channel *sc, const struct sms_mo *mo)
{
	struct store_sms_in in = {
		.transport = (char *)mo->transport,
		.msg_ref = (char *)mo->msg_ref,
		.msisdn = (char *)mo->from,
		.text = (char *)mo->text,
		.concat_ref = -1,
		.state = STORE_SMS_IN_NEW,
		.received_at = store_now(),
		.route = (char *)mo->route,
	};
	bool part = mo->concat && mo->concat->present && mo->concat->total > 1;
	int64_t id;
	int rc;

	if (!mo->from || !*mo->from || !mo->text)
		return -EINVAL;
	if (part) {
		in.concat_ref = mo->concat->ref;
		in.concat_total = mo->concat->total;
		in.concat_seq = mo->concat->seq;
		in.state = STORE_SMS_IN_PART;
		sc->stats.parts_in++;
	}
	rc = store_sms_in_add(sc->st, &in, &id);
	if (rc == -EEXIST) {
		sc->stats.mo_duplicate++;
		LOGP(DSMS, LOGL_INFO, "sms(%s): message %s from %s again: acknowledged, not processed again\n",
		     stoop_mask_number(mo->from), mo->msg_ref ? mo->msg_ref : "-", mo->transport);
		return -EEXIST;
	}
	if (rc < 0)
		return rc;
	sc->stats.mo_in++;
	LOGP(DSMS, LOGL_DEBUG, "sms(%s): in #%" PRId64 " via %s\n", mo->from, id, mo->transport);
	if (part)
		return process_parts(sc, mo->from, in.concat_ref, 0, true);
	return process_text(sc, id, mo->from, mo->text);
}

int sms_notify(struct sms_channel *sc, const char *msisdn, const char *text, const char *reason)
{
	struct store_number *num = NULL;
	int rc;

	rc = store_number_get(sc->st, sc, msisdn, &num);
	if (rc == 0 && num->opted_out) {
		talloc_free(num);
		return -EPERM;
	}
	talloc_free(num);
	sc->stats.mt_queued++;
	rc = store_sms_out_queue(sc->st, msisdn, text, reason, 0, NULL);
	if (rc >= 0)
		sms_sender_kick(sc);
	return rc;
}

/*
 * Sending
 */
static struct inflight *inflight_find(struct sms_channel *sc, int64_t id)
{
	struct inflight *f;

	hash_for_each_possible(sc->inflight, f, node, (uint32_t)id)
		if (f->out_id == id)
			return f;
	return NULL;
}

/* Submit what is due for transport t: its own messages, those for any
 * transport and those whose transport is no longer configured.  Returns
 * false when the store could not be read. */
static bool send_due(struct sms_channel *sc, struct sms_transport *t)
{
	struct store_sms_out *due;
	unsigned n, i;
	void *tmp = talloc_new(sc);
	bool ok = true;

	if (store_sms_out_due(sc->st, tmp, store_now(), SMS_DUE_BATCH + sc->n_inflight, t->name,
			      sc->transport_names, &due, &n) < 0) {
		n = 0;
		ok = false;
	}
	for (i = 0; i < n && t->ready(t); i++) {
		struct inflight *f;
		if (inflight_find(sc, due[i].id))
			continue;
		f = talloc_zero(sc, struct inflight);
		f->out_id = due[i].id;
		hash_add(sc->inflight, &f->node, (uint32_t)f->out_id);
		sc->n_inflight++;
		if (t->submit(t, &due[i]) < 0) {
			/* the transport could not even try: leave it queued */
			hash_del(&f->node);
			talloc_free(f);
			sc->n_inflight--;
			break;
		}
	}
	talloc_free(tmp);
	return ok;
}

/* Each reply leaves through the transport its text came in on (sms_out.via,
 * see store_sms_out_queue()); one that is not ready keeps its messages
 * queued until it is, and kicks the sender again then. */
void sms_sender_kick(struct sms_channel *sc)
{
	unsigned i;

	if (sc->batch_depth)
		return;
	for (i = 0; i < sc->n_transports; i++) {
		struct sms_transport *t = sc->transports[i];
		if (t->ready(t) && !send_due(sc, t))
			return;
	}
}

void sms_out_result(struct sms_channel *sc, int64_t out_id, enum sms_out_result res,
		    const char *msg_ref, const char *error)
{
	struct inflight *f = inflight_find(sc, out_id);
	struct store_sms_out *msg = NULL;
	int64_t delay;

	if (f) {
		hash_del(&f->node);
		talloc_free(f);
		sc->n_inflight--;
	}
	switch (res) {
	case SMS_OUT_OK:
		sc->stats.mt_sent++;
		store_sms_out_sent(sc->st, out_id, msg_ref);
		break;
	case SMS_OUT_TEMPORARY:
		if (store_sms_out_get(sc->st, sc, out_id, &msg) < 0)
			break;
		if (msg->attempts + 1 >= SMS_MAX_ATTEMPTS) {
			sc->stats.mt_failed++;
			LOGP(DSMS, LOGL_ERROR, "sms out #%" PRId64 ": gave up after %u attempts (%s)\n",
			     out_id, msg->attempts + 1, error ? error : "-");
			store_sms_out_failed(sc->st, out_id, error);
			break;
		}
		sc->stats.mt_retried++;
		delay = (int64_t)SMS_RETRY_BASE_S << msg->attempts;
		if (delay > SMS_RETRY_MAX_S)
			delay = SMS_RETRY_MAX_S;
		store_sms_out_retry(sc->st, out_id, store_now() + delay, error);
		break;
	case SMS_OUT_PERMANENT:
		sc->stats.mt_failed++;
		LOGP(DSMS, LOGL_NOTICE, "sms out #%" PRId64 ": refused for good (%s)\n", out_id,
		     error ? error : "-");
		store_sms_out_failed(sc->st, out_id, error);
		break;
	}
	talloc_free(msg);
}

void sms_receipt(struct sms_channel *sc, const char *msg_ref, bool delivered, const char *detail)
{
	int rc = store_sms_out_receipt(sc->st, msg_ref, delivered, detail);

	if (rc == -ENOENT)
		LOGP(DSMS, LOGL_NOTICE, "delivery receipt for unknown message %s\n", msg_ref);
}

void sms_channel_tick(struct sms_channel *sc)
{
	int64_t now = store_now();
	struct store_sms_in *pending;
	char **keys;
	unsigned n, i;
	void *tmp = talloc_new(sc);

	if (sms_batch_begin(sc) < 0) {
		talloc_free(tmp);
		return;
	}
	/* long texts whose missing parts never came */
	if (store_sms_in_pending(sc->st, tmp, now - sc->cfg.parts_timeout_s, 100, &pending, &n) == 0) {
		for (i = 0; i < n; i++) {
			if (pending[i].state == STORE_SMS_IN_PART)
				process_parts(sc, pending[i].msisdn, pending[i].concat_ref, 0, false);
			else if (pending[i].state == STORE_SMS_IN_NEW)
				process_text(sc, pending[i].id, pending[i].msisdn, pending[i].text);
		}
	}
	/* conversations nobody answered: a polite word, then forget them */
	if (sc->cfg.session_expiry_s
	    && store_session_stale(sc->st, tmp, now - sc->cfg.session_expiry_s, 100, &keys, &n) == 0) {
		for (i = 0; i < n; i++) {
			struct store_session *ss;
			const char *msisdn = keys[i] + 4;
			if (strncmp(keys[i], "sms:", 4) || store_session_get(sc->st, tmp, keys[i], &ss) < 0)
				continue;
			sc->fi = flow_inst_restore(tmp, sc->fs, sc->st, &sc->leg, ss->blob, ss->blob_len);
			if (sc->fi) {
				struct store_number *num = NULL;
				bool opted_out = store_number_get(sc->st, tmp, msisdn, &num) == 0 && num->opted_out;
				if (!opted_out)
					queue_prompt(sc, msisdn, flow_inst_lang(sc->fi), "sms.expired", "expired", 0);
				log_session_end(sc, keys[i], "expired");
				TALLOC_FREE(sc->fi);
			} else {
				store_session_delete(sc->st, keys[i]);
			}
		}
	}
	sms_batch_commit(sc);
	talloc_free(tmp);
	rate_prune(sc, now);
	sms_sender_kick(sc);
}
