/* call.c -- the voice channel: a caller's flow instance on a SIP call.
 *
 * For each call voice/sip.c accepts, the channel allocates an RTP stream
 * (voice/rtp.c) and a flow instance at the entry the called number selects
 * (`route` lines; a call diverted from a number -- Diversion/History-Info --
 * is routed by that number first).  The flow's say and ask become a queue
 * of prompts from the shared table (voice/prompts.c); the RTP clock pulls
 * one 20 ms frame at a time from it (play_fill), gaplessly across prompts.
 * When the queue runs dry the call does what the flow waits for: it arms
 * the ask's timeout, starts a recording, or hangs up after the goodbye.
 *
 * Digits come three ways (RFC 4733 and in-band through the stream, SIP
 * INFO through the UA).  A key given by one source is dropped when another
 * source gave the same key within dtmf_dedup_ms, and in-band tones are
 * ignored once the caller's phone has sent RFC 4733 events (the detector
 * is switched off then): a phone that sends both is counted once.  The first digit during a prompt stops it
 * (barge-in).  While a digits ask collects keys, each key re-arms the
 * inter-digit timeout.
 *
 * Answering: at once (200 OK from the INVITE's callback), or after the
 * voice node's answer-delay, ringing (180) meanwhile.  The flow starts, and
 * the stream sends to the caller, only once the 200 went out.  A call that
 * ends while it rings (CANCEL) ran no flow: it leaves no session log row
 * (the drop-off report counts callers who heard the service), only the
 * abandoned_ringing counter.
 *
 * Flow callbacks may run inside an RTP or SIP callback, so nothing frees a
 * call there: hanging up, starting the flow and releasing the call happen
 * in the call's own zero-delay timer (call_work).
 *
 * A transfer is a blind REFER to the caller's side (the contact center's
 * PBX or SBC), to the `agent` URI of the flow's queue in the caller's
 * language, with the context (voice/transfer.h) as User-to-User or a
 * configured header.  The prompt the flow said before it plays on while
 * the PBX works.  The final NOTIFY's 2xx ends the flow as "transferred"
 * and our leg hangs up; a refused REFER, a failed NOTIFY, or no answer
 * within transfer-timeout runs the flow's fallback (an answer after that
 * is only logged).  No agent line for the queue: the fallback at once.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/vty.h>

#include "voice/call.h"
#include "voice/prompts.h"
#include "voice/record.h"
#include "voice/transfer.h"
#include "flow/flow.h"
#include "store/store.h"
#include "sms/sms.h"
#include "core/logging.h"
#include "core/stats.h"

#define LOGC(c, lvl, fmt, args...) \
	LOGP(DRTP, lvl, "call(%u %s): " fmt, (c)->id, stoop_mask_number((c)->caller), ## args)

struct voice_call;

struct voice_channel {
	struct store *st;
	const struct flow_set *fs;
	const struct voice_prompts *vp;
	struct sms_channel *sms;
	const struct voice_config *cfg;	/* the configuration's, which outlives us */
	struct sip_ua *ua;
	struct rtp_engine *rtp;
	struct llist_head calls;	/* struct voice_call */
	unsigned next_id;
	struct voice_stats stats;
	struct voice_latency key_to_refer;	/* the flow's last key to the REFER */
	struct llist_head files;	/* struct voice_file: WAVs said by path, kept */
	unsigned n_files;
};

/* A WAV the flows say by its path (an announcement's), read once. */
#define VOICE_FILE_CACHE	16
struct voice_file {
	struct llist_head list;
	char *path;
	time_t mtime;
	off_t size;
	struct voice_prompt *p;
};

/* What the flow waits for, from its last ask. */
struct call_ask {
	enum flow_ask_kind kind;
	unsigned timeout_ms, interdigit_ms, max_record_ms, silence_ms;
};

struct voice_call {
	struct llist_head list;
	struct voice_channel *vc;
	unsigned id;
	struct sip_call *sip;		/* NULL once the SIP side ended */
	struct rtp_stream *rtp;
	struct flow_inst *fi;
	struct flow_leg leg;
	char caller[40];
	const char *entry;
	int pt;
	struct timespec started;

	/* ringing: the offer's media, given to the stream when we answer */
	bool ringing, answered;
	struct osmo_timer_list ring;
	char offer_ip[48];
	uint16_t offer_port;
	int offer_pt, offer_dtmf_pt;
	bool offer_hold;

	/* playback: prompts to play, the one playing and where in it */
	const struct voice_prompt **queue;
	unsigned q_len, q_head, q_alloc, q_off;

	/* the flow's wait */
	bool asking;
	unsigned ask_seq;
	struct call_ask ask;
	struct osmo_timer_list wait;

	/* a recording under way */
	struct voice_recorder *rec;
	char *rec_path;
	unsigned n_recordings;

	/* digits: the last one taken, to drop the same key from another source */
	char last_key;
	enum rtp_dtmf_source last_src;	/* RTP_DTMF_RFC4733, RTP_DTMF_INBAND or DTMF_SRC_INFO */
	struct timespec last_at;
	bool saw_rfc4733;

	/* a transfer under way: no answer by this timer is a failure */
	bool transferring;
	struct osmo_timer_list xfer;

	/* deferred work (call_work) */
	struct osmo_timer_list work;
	bool want_start, want_drain, want_transfer_fail, want_transfer_ok, want_release;
	bool hangup_when_quiet;		/* the flow ended: hang up after the last prompt */
	bool logged;			/* the session log row is written */
	bool bye_sent;
	const char *outcome;
};

#define DTMF_SRC_INFO	((enum rtp_dtmf_source)100)

static const char *dtmf_src_name(enum rtp_dtmf_source src)
{
	switch (src) {
	case RTP_DTMF_RFC4733:
		return "rfc4733";
	case RTP_DTMF_INBAND:
		return "in-band";
	default:
		return "sip-info";
	}
}

static uint64_t us_since(const struct timespec *t)
{
	struct timespec now;

	osmo_clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - t->tv_sec) * 1000000 + (now.tv_nsec - t->tv_nsec) / 1000;
}

static uint64_t ms_since(const struct timespec *t)
{
	return us_since(t) / 1000;
}

static void call_schedule(struct voice_call *c)
{
	if (!osmo_timer_pending(&c->work))
		osmo_timer_schedule(&c->work, 0, 0);
}

/*
 * Playback
 */
static void queue_append(struct voice_call *c, const struct voice_prompt *p)
{
	if (c->q_len == c->q_alloc) {
		c->q_alloc = c->q_alloc ? 2 * c->q_alloc : 16;
		c->queue = talloc_realloc(c, c->queue, const struct voice_prompt *, c->q_alloc);
	}
	c->queue[c->q_len++] = p;
}

static void queue_prompt(struct voice_call *c, const char *id)
{
	const char *lang = flow_inst_lang(c->fi);
	const struct voice_prompt *p;
	char key[160];

	snprintf(key, sizeof(key), "%s@voice", id);
	p = voice_prompt_get(c->vc->vp, lang, key);
	if (!p)
		p = voice_prompt_get(c->vc->vp, lang, id);
	if (!p) {
		c->vc->stats.prompts_missing++;
		stoop_ctr_inc(STOOP_CTR_ERR_PROMPT_MISSING);
		LOGC(c, LOGL_ERROR, "no prompt %s in %s: left out\n", id, lang);
		return;
	}
	queue_append(c, p);
}

/* A WAV the flow says by its path.  A caller's own recording (under
 * recordings-dir) is read for this call only; any other file (an
 * announcement's audio) is read once and kept for every call, again when
 * the file changed; a file the channel keeps stays until stoopd stops, as
 * a call may be playing it, so at most VOICE_FILE_CACHE are kept and any
 * further one is read per call.  Reading a WAV of a few seconds takes a
 * few milliseconds of the one loop, once. */
static void queue_file(struct voice_call *c, const char *path)
{
	struct voice_channel *vc = c->vc;
	const char *rdir = vc->cfg->recordings_dir;
	size_t rlen = rdir ? strlen(rdir) : 0;
	bool own = rlen && !strncmp(path, rdir, rlen) && path[rlen] == '/';
	struct voice_file *f;
	struct voice_prompt *p;
	struct stat stt;
	char why[160];

	if (stat(path, &stt) < 0) {
		vc->stats.prompts_missing++;
		LOGC(c, LOGL_ERROR, "cannot play %s: %s\n", own ? "a recording" : path, strerror(errno));
		return;
	}
	if (!own) {
		llist_for_each_entry(f, &vc->files, list)
			if (!strcmp(f->path, path) && f->mtime == stt.st_mtime && f->size == stt.st_size) {
				queue_append(c, f->p);
				return;
			}
	}
	own = own || vc->n_files >= VOICE_FILE_CACHE;
	p = voice_prompt_load_file(own ? (void *)c : (void *)vc, path, why, sizeof(why));
	if (!p) {
		vc->stats.prompts_missing++;
		LOGC(c, LOGL_ERROR, "cannot play %s: %s\n", path, why);
		return;
	}
	if (!own) {
		f = talloc_zero(vc, struct voice_file);
		f->path = talloc_strdup(f, path);
		f->mtime = stt.st_mtime;
		f->size = stt.st_size;
		f->p = talloc_steal(f, p);
		llist_add(&f->list, &vc->files);
		vc->n_files++;
		LOGC(c, LOGL_INFO, "%s: %u ms of audio, kept for every call\n", path, p->n_samples / 8);
	}
	queue_append(c, p);
}

static void queue_items(struct voice_call *c, const struct flow_item *items, unsigned n)
{
	unsigned i;
	const char *d;

	for (i = 0; i < n; i++) {
		switch (items[i].kind) {
		case FLOW_ITEM_PROMPT:
			queue_prompt(c, items[i].value);
			break;
		case FLOW_ITEM_DIGITS:
			for (d = items[i].value; *d; d++)
				if (flow_digit_prompt(*d))
					queue_prompt(c, flow_digit_prompt(*d));
			break;
		case FLOW_ITEM_RECORDING:
			/* a caller's recording, or `say $announce.audio` */
			queue_file(c, items[i].value);
			break;
		case FLOW_ITEM_TEXT:
			break;
		}
	}
}

static bool playing(const struct voice_call *c)
{
	return c->q_head < c->q_len;
}

static void play_stop(struct voice_call *c)
{
	c->q_len = c->q_head = c->q_off = 0;
}

/* The RTP clock wants the next 20 ms. */
static bool play_fill(struct rtp_stream *s, uint8_t *frame, void *priv)
{
	struct voice_call *c = priv;
	unsigned n = 0;

	while (n < VOICE_FRAME_SAMPLES && c->q_head < c->q_len) {
		const struct voice_prompt *p = c->queue[c->q_head];
		const uint8_t *src = c->pt == 8 ? p->pcma : p->pcmu;
		unsigned take = p->n_samples - c->q_off;

		if (take > VOICE_FRAME_SAMPLES - n)
			take = VOICE_FRAME_SAMPLES - n;
		memcpy(frame + n, src + c->q_off, take);
		n += take;
		c->q_off += take;
		if (c->q_off >= p->n_samples) {
			c->q_head++;
			c->q_off = 0;
		}
	}
	if (!n)
		return false;
	if (n < VOICE_FRAME_SAMPLES)
		memset(frame + n, c->pt == 8 ? 0xd5 : 0xff, VOICE_FRAME_SAMPLES - n);
	if (!playing(c)) {
		play_stop(c);
		c->want_drain = true;
		call_schedule(c);
	}
	return true;
}

/*
 * The flow's wait
 */
static void wait_arm(struct voice_call *c, unsigned ms)
{
	if (ms)
		osmo_timer_schedule(&c->wait, ms / 1000, (ms % 1000) * 1000);
}

static void record_start(struct voice_call *c);

/* Nothing left to play: do what the flow waits for. */
static void quiet(struct voice_call *c)
{
	if (c->hangup_when_quiet) {
		if (c->sip && !c->bye_sent) {
			c->bye_sent = true;
			sip_call_hangup(c->sip);
		}
		return;
	}
	if (!c->asking || c->rec || osmo_timer_pending(&c->wait))
		return;
	switch (c->ask.kind) {
	case FLOW_ASK_TEXT:
	case FLOW_ASK_RECORD:
		record_start(c);
		break;
	default:
		wait_arm(c, flow_inst_collecting(c->fi) ? c->ask.interdigit_ms : c->ask.timeout_ms);
		break;
	}
}

/* After every event given to the flow: an ask or an end with nothing to
 * say acts at once. */
static void after_flow(struct voice_call *c)
{
	if (!playing(c)) {
		c->want_drain = true;
		call_schedule(c);
	}
}

/*
 * Recording
 */
static void record_start(struct voice_call *c)
{
	struct voice_channel *vc = c->vc;
	time_t now = time(NULL);
	struct tm tm;
	char stamp[32];

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	talloc_free(c->rec_path);
	c->rec_path = talloc_asprintf(c, "%s/%s-%u-%u.wav", vc->cfg->recordings_dir, stamp, c->id,
				      ++c->n_recordings);
	c->rec = voice_recorder_open(c, c->rec_path, c->ask.max_record_ms, c->ask.silence_ms);
	if (!c->rec) {
		vc->stats.recording_errors++;
		stoop_ctr_inc(STOOP_CTR_ERR_RECORDING);
		LOGC(c, LOGL_ERROR, "cannot record to %s (%s): the flow goes on without\n", c->rec_path,
		     strerror(errno));
		c->asking = false;
		flow_inst_recorded(c->fi, "", 0);
		after_flow(c);
		return;
	}
	LOGC(c, LOGL_DEBUG, "recording to %s, at most %u ms\n", c->rec_path, c->ask.max_record_ms);
	/* nothing said at all for the ask's timeout ends it too */
	wait_arm(c, c->ask.timeout_ms);
}

/* End the recording; give it to the flow when something was said. */
static void record_finish(struct voice_call *c, const char *why)
{
	bool heard = voice_recorder_heard(c->rec);
	int ms = voice_recorder_close(c->rec, heard);

	c->rec = NULL;
	osmo_timer_del(&c->wait);
	c->asking = false;
	if (heard && ms > 0) {
		c->vc->stats.recordings++;
		LOGC(c, LOGL_INFO, "recorded %d ms (%s)\n", ms, why);
		flow_inst_recorded(c->fi, c->rec_path, (unsigned)ms);
	} else {
		if (ms < 0) {
			c->vc->stats.recording_errors++;
			stoop_ctr_inc(STOOP_CTR_ERR_RECORDING);
		}
		LOGC(c, LOGL_INFO, "recording ended with nothing said (%s)\n", why);
		flow_inst_recorded(c->fi, "", 0);
	}
	after_flow(c);
}

static void rtp_audio(struct rtp_stream *s, const int16_t *pcm, unsigned n, void *priv)
{
	struct voice_call *c = priv;

	if (!c->rec)
		return;
	switch (voice_recorder_write(c->rec, pcm, n)) {
	case VOICE_REC_SILENCE:
		record_finish(c, "silence");
		break;
	case VOICE_REC_MAX:
		record_finish(c, "maximum length");
		break;
	case VOICE_REC_ERROR:
		record_finish(c, "write error");
		break;
	case VOICE_REC_RUNNING:
		break;
	}
}

/*
 * Digits
 */
static void call_digit(struct voice_call *c, char key, enum rtp_dtmf_source src)
{
	struct voice_channel *vc = c->vc;
	unsigned seq;
	int rc;

	if (!c->answered || !c->fi || flow_inst_ended(c->fi) || c->want_release)
		return;
	if (src == RTP_DTMF_RFC4733 && !c->saw_rfc4733) {
		c->saw_rfc4733 = true;
		/* its tones are dropped from now on (below): stop looking for
		 * them, spandsp's detector was ~8 % of a core at 2,000 calls
		 * (tests/bench/voice_bench.c) */
		if (c->rtp && vc->cfg->inband_dtmf)
			rtp_stream_set_inband_dtmf(c->rtp, false);
	}
	if ((src == RTP_DTMF_INBAND && c->saw_rfc4733)
	    || (c->last_key == key && c->last_src != src
		&& ms_since(&c->last_at) < vc->cfg->dtmf_dedup_ms)) {
		vc->stats.digits_duplicate++;
		LOGC(c, LOGL_DEBUG, "key %c by %s again: dropped\n", key, dtmf_src_name(src));
		return;
	}
	c->last_key = key;
	c->last_src = src;
	osmo_clock_gettime(CLOCK_MONOTONIC, &c->last_at);
	switch ((int)src) {
	case RTP_DTMF_RFC4733:
		vc->stats.digits_rfc4733++;
		break;
	case RTP_DTMF_INBAND:
		vc->stats.digits_inband++;
		break;
	default:
		vc->stats.digits_info++;
		break;
	}
	LOGC(c, LOGL_DEBUG, "key %c (%s)\n", key, dtmf_src_name(src));

	if (c->rec) {
		/* '#' ends a recording; other keys are part of what is said */
		if (key == '#')
			record_finish(c, "#");
		return;
	}
	if (!c->asking)
		return;		/* nothing asked: a key in a goodbye is ignored */
	if (playing(c)) {
		vc->stats.barge_ins++;
		play_stop(c);
	}
	osmo_timer_del(&c->wait);
	seq = c->ask_seq;
	c->asking = false;
	rc = flow_inst_digit(c->fi, key);
	/* not taken, or the same ask goes on (keys of a digits ask); a new
	 * ask set asking itself */
	if (rc < 0 || (seq == c->ask_seq && !flow_inst_ended(c->fi)))
		c->asking = true;
	after_flow(c);
}

static void rtp_dtmf(struct rtp_stream *s, char key, enum rtp_dtmf_source src, void *priv)
{
	call_digit(priv, key, src);
}

static void wait_expired(void *data)
{
	struct voice_call *c = data;

	if (c->rec) {
		record_finish(c, "nothing said");
		return;
	}
	if (!c->asking || !c->fi || flow_inst_ended(c->fi))
		return;
	c->asking = false;
	LOGC(c, LOGL_DEBUG, "timeout at %s\n", flow_inst_position(c->fi));
	if (flow_inst_timeout(c->fi) < 0)
		c->asking = true;
	else if (!flow_inst_ended(c->fi) && flow_inst_collecting(c->fi))
		c->asking = true;
	after_flow(c);
}

/*
 * The flow's callbacks
 */
static void leg_say(struct flow_leg *leg, const struct flow_item *items, unsigned n)
{
	queue_items(leg->priv, items, n);
}

static void leg_ask(struct flow_leg *leg, const struct flow_ask_out *ask)
{
	struct voice_call *c = leg->priv;
	struct flow_item *items;
	unsigned n;

	c->ask = (struct call_ask){
		.kind = ask->kind,
		.timeout_ms = ask->timeout_ms,
		.interdigit_ms = ask->interdigit_ms,
		.max_record_ms = ask->max_record_ms,
		.silence_ms = ask->silence_ms,
	};
	c->asking = true;
	c->ask_seq++;
	osmo_timer_del(&c->wait);
	items = flow_render_voice_ask(c, ask, &n);
	queue_items(c, items, n);
	talloc_free(items);
}

static void transfer_fallback(struct voice_call *c)
{
	c->want_transfer_fail = true;
	call_schedule(c);
}

static void leg_transfer(struct flow_leg *leg, const char *queue, const char *case_id, const char *path)
{
	struct voice_call *c = leg->priv;
	struct voice_channel *vc = c->vc;
	const char *lang = flow_inst_lang(c->fi);
	const struct voice_agent *a = voice_agent_find(&vc->cfg->agents, queue, lang);
	char *context, *refer_to, *header;
	int rc;

	vc->stats.transfers++;
	stoop_ctr_inc(STOOP_CTR_TRANSFERS_ASKED);
	if (!a || !c->sip) {
		vc->stats.transfers_unavailable++;
		stoop_ctr_inc(STOOP_CTR_TRANSFERS_UNAVAILABLE);
		LOGC(c, LOGL_NOTICE, "transfer to %s: %s, the flow's fallback runs\n", queue,
		     a ? "the call is ending" : "no agent line for that queue");
		transfer_fallback(c);
		return;
	}
	/* the context, and the REFER's strings under it */
	context = voice_transfer_context(c, case_id, lang, path, VOICE_CONTEXT_MAX);
	rc = voice_transfer_refer(context, a->uri, vc->cfg->transfer_header, context, &refer_to, &header);
	if (rc == 0)
		rc = sip_call_refer(c->sip, refer_to, header);
	if (rc < 0) {
		vc->stats.transfers_failed++;
		stoop_ctr_inc(STOOP_CTR_TRANSFERS_FAILED);
		LOGC(c, LOGL_ERROR, "transfer to %s: no REFER can go (%s), the flow's fallback runs\n",
		     queue, strerror(-rc));
		transfer_fallback(c);
	} else {
		if (c->last_at.tv_sec)
			voice_latency_add(&vc->key_to_refer, (uint32_t)us_since(&c->last_at));
		c->transferring = true;
		osmo_timer_schedule(&c->xfer, vc->cfg->transfer_timeout_ms / 1000,
				    (vc->cfg->transfer_timeout_ms % 1000) * 1000);
		LOGC(c, LOGL_INFO, "transfer to %s: REFER to %s\n", queue, a->uri);
		LOGC(c, LOGL_DEBUG, "transfer context %s\n", context);
	}
	talloc_free(context);
}

static void transfer_expired(void *data)
{
	struct voice_call *c = data;

	if (!c->transferring)
		return;
	c->transferring = false;
	c->vc->stats.transfers_timeout++;
	stoop_ctr_inc(STOOP_CTR_TRANSFERS_TIMEOUT);
	LOGC(c, LOGL_NOTICE, "transfer: no answer within %u ms, the flow's fallback runs\n",
	     c->vc->cfg->transfer_timeout_ms);
	transfer_fallback(c);
}

static void sip_transferred(struct sip_call *sc, int status, const char *phrase)
{
	struct voice_call *c = sip_call_priv(sc);

	if (!c)
		return;
	if (!c->transferring) {
		LOGC(c, LOGL_NOTICE, "transfer answered %d after the fallback ran: ignored\n", status);
		return;
	}
	c->transferring = false;
	osmo_timer_del(&c->xfer);
	if (status >= 200 && status < 300) {
		c->vc->stats.transfers_ok++;
		stoop_ctr_inc(STOOP_CTR_TRANSFERS_OK);
		c->want_transfer_ok = true;
		call_schedule(c);
		return;
	}
	c->vc->stats.transfers_failed++;
	stoop_ctr_inc(STOOP_CTR_TRANSFERS_FAILED);
	LOGC(c, LOGL_NOTICE, "transfer failed (%d %s), the flow's fallback runs\n", status, phrase);
	transfer_fallback(c);
}

static void leg_send_sms(struct flow_leg *leg, const struct flow_item *items, unsigned n)
{
	struct voice_call *c = leg->priv;
	char *text;
	int rc;

	if (!c->vc->sms) {
		LOGC(c, LOGL_NOTICE, "a text to the caller is not sent: no SMS channel configured\n");
		return;
	}
	text = flow_render_sms_items(c, c->vc->fs, flow_inst_lang(c->fi), items, n);
	rc = sms_notify(c->vc->sms, c->caller, text, "call");
	if (rc < 0)
		LOGC(c, LOGL_NOTICE, "a text to the caller is not queued (%s)\n",
		     rc == -EPERM ? "opted out" : strerror(-rc));
	talloc_free(text);
}

static void session_log(struct voice_call *c, const char *outcome)
{
	char key[64];

	if (c->logged || !c->fi)
		return;
	c->logged = true;
	snprintf(key, sizeof(key), "voice:%s", c->caller);
	store_session_log_end_overflow(c->vc->st, key, "voice", flow_inst_entry(c->fi), flow_inst_position(c->fi),
				       outcome, flow_inst_started_at(c->fi), flow_inst_overflow(c->fi));
}

static void leg_end(struct flow_leg *leg, const char *outcome)
{
	struct voice_call *c = leg->priv;

	c->outcome = talloc_strdup(c, outcome);
	c->asking = false;
	osmo_timer_del(&c->wait);
	session_log(c, outcome);
	LOGC(c, LOGL_INFO, "flow ended (%s) at %s after %" PRIu64 " s\n", outcome,
	     flow_inst_position(c->fi), ms_since(&c->started) / 1000);
	if (strcmp(outcome, "hangup")) {
		c->vc->stats.completed++;
		stoop_ctr_inc(STOOP_CTR_CALLS_COMPLETED);
		c->hangup_when_quiet = true;
	}
}

/*
 * Deferred work and release
 */
static void call_release(struct voice_call *c)
{
	struct voice_channel *vc = c->vc;

	llist_del(&c->list);
	vc->stats.active--;
	if (c->ringing)
		vc->stats.ringing--;
	osmo_timer_del(&c->ring);
	osmo_timer_del(&c->wait);
	osmo_timer_del(&c->work);
	osmo_timer_del(&c->xfer);
	if (c->rec)
		voice_recorder_close(c->rec, false);
	if (c->rtp)
		rtp_stream_free(c->rtp);
	LOGC(c, LOGL_INFO, "released after %" PRIu64 " ms\n", ms_since(&c->started));
	talloc_free(c);
}

static void call_work(void *data)
{
	struct voice_call *c = data;

	if (c->want_release) {
		call_release(c);
		return;
	}
	if (c->want_start) {
		c->want_start = false;
		flow_inst_start(c->fi);
		after_flow(c);
	}
	if (c->want_transfer_fail) {
		c->want_transfer_fail = false;
		flow_inst_transfer_result(c->fi, false);
		after_flow(c);
	}
	if (c->want_transfer_ok) {
		/* the caller is with the agent: the prompt stops, our leg goes */
		c->want_transfer_ok = false;
		flow_inst_transfer_result(c->fi, true);
		play_stop(c);
		after_flow(c);
	}
	if (c->want_drain) {
		c->want_drain = false;
		if (!playing(c))
			quiet(c);
	}
}

/*
 * The SIP side
 */
const char *voice_route_entry(const struct voice_channel *vc, const char *called,
			      const char *diverted_from)
{
	struct voice_route *r;

	if (diverted_from) {
		llist_for_each_entry(r, &vc->cfg->routes, list)
			if (r->diverted && !strcmp(r->number, diverted_from))
				return r->entry;
	}
	if (called) {
		llist_for_each_entry(r, &vc->cfg->routes, list)
			if (!r->diverted && !strcmp(r->number, called))
				return r->entry;
	}
	return vc->cfg->entry;
}

/* The 200 is out (or goes out as incoming() returns): the stream sends to
 * the caller and the flow starts. */
static void call_answered(struct voice_call *c)
{
	c->answered = true;
	/* a late offer (INVITE without SDP) brings the address with the ACK */
	if (c->offer_ip[0])
		rtp_stream_set_remote(c->rtp, c->offer_ip, c->offer_port, c->offer_pt, c->offer_dtmf_pt,
				      c->offer_hold);
	c->want_start = true;
	call_schedule(c);
}

/* The answer-delay ran out while the call rang. */
static void ring_expired(void *data)
{
	struct voice_call *c = data;

	c->ringing = false;
	c->vc->stats.ringing--;
	if (!c->sip || sip_call_answer(c->sip, rtp_stream_local_port(c->rtp)) < 0)
		return;		/* ending already: sip_ended() releases it */
	LOGC(c, LOGL_INFO, "answered after ringing %" PRIu64 " ms\n", ms_since(&c->started));
	call_answered(c);
}

/* Why the contact center sent a call here, from the Diversion reason
 * (RFC 5806; voice/sip_divert.c maps History-Info causes to these): the
 * agent did not answer, the queue was full, or the center is closed.  NULL
 * for any other reason (unconditional: the route says what the call is). */
static const char *overflow_reason(const char *r)
{
	static const char *const closed[] = {
		"time-of-day", "unavailable", "out-of-service", "do-not-disturb", "away",
	};
	unsigned i;

	if (!r)
		return NULL;
	if (!strcmp(r, "no-answer"))
		return STORE_OVERFLOW_NO_ANSWER;
	if (!strcmp(r, "user-busy") || !strcmp(r, "deflection"))
		return STORE_OVERFLOW_QUEUE_FULL;
	for (i = 0; i < ARRAY_SIZE(closed); i++)
		if (!strcmp(r, closed[i]))
			return STORE_OVERFLOW_CLOSED;
	return NULL;
}

static const struct rtp_stream_ops call_rtp_ops = {
	.fill = play_fill,
	.audio = rtp_audio,
	.dtmf = rtp_dtmf,
};

static int sip_incoming(struct sip_call *sc, const struct sip_call_info *info, void *priv)
{
	struct voice_channel *vc = priv;
	struct store_number *num = NULL;
	struct flow_inst_opts opts = {
		.channel = FLOW_CH_VOICE,
		.recordings_dir = vc->cfg->recordings_dir,
	};
	struct voice_call *c;

	c = talloc_zero(vc, struct voice_call);
	c->vc = vc;
	c->id = ++vc->next_id;
	c->sip = sc;
	c->pt = info->pt == 8 ? 8 : 0;
	OSMO_STRLCPY_ARRAY(c->caller, info->caller ? info->caller : "anonymous");
	osmo_clock_gettime(CLOCK_MONOTONIC, &c->started);
	osmo_timer_setup(&c->wait, wait_expired, c);
	osmo_timer_setup(&c->work, call_work, c);
	osmo_timer_setup(&c->xfer, transfer_expired, c);
	osmo_timer_setup(&c->ring, ring_expired, c);
	c->entry = voice_route_entry(vc, info->called, info->diverted_from);

	c->rtp = rtp_stream_alloc(vc->rtp, &call_rtp_ops, c);
	if (!c->rtp) {
		LOGC(c, LOGL_ERROR, "no RTP port free: call refused\n");
		vc->stats.refused++;
		talloc_free(c);
		return -EBUSY;
	}
	if (info->remote_ip) {
		OSMO_STRLCPY_ARRAY(c->offer_ip, info->remote_ip);
		c->offer_port = info->remote_port;
		c->offer_pt = info->pt;
		c->offer_dtmf_pt = info->dtmf_pt;
		c->offer_hold = info->hold;
	}
	rtp_stream_set_inband_dtmf(c->rtp, vc->cfg->inband_dtmf);

	/* a number that chose a language by text hears it on the phone too */
	if (store_number_get(vc->st, c, c->caller, &num) == 0 && num->lang
	    && flow_set_has_lang(vc->fs, num->lang))
		opts.lang = num->lang;
	opts.caller = c->caller;
	opts.entry = c->entry;
	opts.overflow = overflow_reason(info->diverted_from ? info->diversion_reason : NULL);
	c->leg = (struct flow_leg){
		.say = leg_say, .ask = leg_ask, .transfer = leg_transfer, .send_sms = leg_send_sms,
		.end = leg_end, .priv = c,
	};
	c->fi = flow_inst_new(c, vc->fs, vc->st, &c->leg, &opts);
	if (!c->fi) {
		LOGC(c, LOGL_ERROR, "cannot start the flow at %s: call refused\n", c->entry);
		rtp_stream_free(c->rtp);
		vc->stats.refused++;
		talloc_free(c);
		return -EINVAL;
	}
	talloc_free(num);
	sip_call_set_priv(sc, c);
	llist_add_tail(&c->list, &vc->calls);
	vc->stats.calls++;
	stoop_ctr_inc(STOOP_CTR_CALLS_TAKEN);
	vc->stats.active++;
	LOGC(c, LOGL_INFO, "to %s%s%s: flow %s, %s, RTP port %u%s\n", info->called ? info->called : "-",
	     info->diverted_from ? " diverted from " : "", info->diverted_from ? info->diverted_from : "",
	     c->entry, info->pt == 8 ? "PCMA" : "PCMU", rtp_stream_local_port(c->rtp),
	     vc->cfg->answer_delay_ms ? ", ringing" : "");
	if (vc->cfg->answer_delay_ms) {
		c->ringing = true;
		vc->stats.ringing++;
		osmo_timer_schedule(&c->ring, vc->cfg->answer_delay_ms / 1000,
				    (vc->cfg->answer_delay_ms % 1000) * 1000);
		return 0;	/* 180 now, sip_call_answer() later */
	}
	call_answered(c);
	return rtp_stream_local_port(c->rtp);
}

static void sip_media(struct sip_call *sc, const struct sip_call_info *info)
{
	struct voice_call *c = sip_call_priv(sc);

	if (!c || !info->remote_ip || c->ringing)
		return;
	c->pt = info->pt == 8 ? 8 : 0;
	rtp_stream_set_remote(c->rtp, info->remote_ip, info->remote_port, info->pt, info->dtmf_pt,
			      info->hold);
	LOGC(c, LOGL_INFO, "media now %s%s\n", info->pt == 8 ? "PCMA" : "PCMU", info->hold ? ", on hold" : "");
}

static void sip_dtmf(struct sip_call *sc, char key, unsigned duration_ms)
{
	struct voice_call *c = sip_call_priv(sc);

	if (c)
		call_digit(c, key, DTMF_SRC_INFO);
}

static void sip_ended(struct sip_call *sc, const char *reason)
{
	struct voice_call *c = sip_call_priv(sc);

	if (!c)
		return;
	c->sip = NULL;
	if (!c->answered) {
		c->vc->stats.abandoned_ringing++;
		LOGC(c, LOGL_INFO, "ended while ringing (%s): no flow ran\n", reason);
		c->want_release = true;
		call_schedule(c);
		return;
	}
	if (c->rec) {
		voice_recorder_close(c->rec, false);
		c->rec = NULL;
	}
	if (c->fi && !flow_inst_ended(c->fi)) {
		c->vc->stats.hangups++;
		stoop_ctr_inc(STOOP_CTR_CALLS_HANGUP);
		LOGC(c, LOGL_INFO, "caller left (%s) at %s\n", reason, flow_inst_position(c->fi));
		flow_inst_hangup(c->fi);
		session_log(c, "hangup");
	}
	c->want_release = true;
	call_schedule(c);
}

static const struct sip_ua_ops call_sip_ops = {
	.incoming = sip_incoming,
	.media = sip_media,
	.dtmf = sip_dtmf,
	.ended = sip_ended,
	.transferred = sip_transferred,
};

/*
 * The channel
 */
struct voice_channel *voice_channel_alloc(void *ctx, struct store *st, const struct flow_set *fs,
					  const struct voice_prompts *vp, struct sms_channel *sms,
					  const struct voice_config *cfg)
{
	struct voice_channel *vc = talloc_zero(ctx, struct voice_channel);

	vc->st = st;
	vc->fs = fs;
	vc->vp = vp;
	vc->sms = sms;
	vc->cfg = cfg;
	INIT_LLIST_HEAD(&vc->calls);
	INIT_LLIST_HEAD(&vc->files);
	vc->rtp = rtp_engine_alloc(vc, &cfg->rtp);
	vc->ua = sip_ua_alloc(vc, &cfg->sip, &call_sip_ops, vc);
	if (!vc->rtp || !vc->ua) {
		talloc_free(vc);
		return NULL;
	}
	return vc;
}

int voice_channel_check(const struct voice_channel *vc)
{
	struct voice_route *r;
	int errors = 0;

	llist_for_each_entry(r, &vc->cfg->routes, list) {
		if (flow_set_has_target(vc->fs, r->entry))
			continue;
		LOGP(DMAIN, LOGL_ERROR, "%s%sroute %s%s: no flow or state '%s'\n", r->where ? r->where : "",
		     r->where ? ": " : "", r->diverted ? "diverted " : "", r->number, r->entry);
		errors++;
	}
	return errors;
}

struct sip_ua *voice_channel_sip(struct voice_channel *vc)
{
	return vc->ua;
}

int voice_channel_start(struct voice_channel *vc)
{
	int rc = rtp_engine_start(vc->rtp);

	return rc < 0 ? rc : sip_ua_start(vc->ua);
}

void voice_channel_shutdown(struct voice_channel *vc)
{
	sip_ua_shutdown(vc->ua);
}

bool voice_channel_stopped(const struct voice_channel *vc)
{
	return sip_ua_stopped(vc->ua) && llist_empty(&vc->calls);
}

const struct voice_stats *voice_channel_stats(const struct voice_channel *vc)
{
	return &vc->stats;
}

void voice_channel_show(const struct voice_channel *vc, struct vty *vty)
{
	const struct voice_stats *s = &vc->stats;
	const struct sip_ua_stats *u = sip_ua_stats(vc->ua);
	const struct rtp_engine_stats *e = rtp_engine_stats(vc->rtp);
	struct voice_call *c;

	vty_out(vty, "voice %s:%u: %u calls up (%u ringing); %" PRIu64 " taken, %" PRIu64 " completed, %"
		PRIu64 " hung up, %" PRIu64 " ended while ringing, %" PRIu64 " refused here%s",
		vc->cfg->sip.local_ip, vc->cfg->sip.local_port, s->active, s->ringing, s->calls, s->completed,
		s->hangups, s->abandoned_ringing, s->refused, VTY_NEWLINE);
	vty_out(vty, " SIP: %" PRIu64 " INVITEs, refused %" PRIu64 " (peer) %" PRIu64 " (busy) %" PRIu64
		" (codec); %" PRIu64 " malformed%s", u->invites, u->refused_peer, u->refused_busy,
		u->refused_codec, u->malformed, VTY_NEWLINE);
	vty_out(vty, " keys: %" PRIu64 " RFC 4733, %" PRIu64 " SIP INFO, %" PRIu64 " in-band, %" PRIu64
		" dropped as the same key twice; %" PRIu64 " barge-ins%s", s->digits_rfc4733, s->digits_info,
		s->digits_inband, s->digits_duplicate, s->barge_ins, VTY_NEWLINE);
	vty_out(vty, " recordings %" PRIu64 " (%" PRIu64 " errors); RTP: %" PRIu64 " frames, %" PRIu64
		" late ticks, longest tick %u us%s", s->recordings, s->recording_errors, e->frames_sent,
		e->late_ticks, e->max_tick_us, VTY_NEWLINE);
	vty_out(vty, " transfers: %" PRIu64 " asked, %" PRIu64 " REFERs, %" PRIu64 " to an agent, %" PRIu64
		" failed, %" PRIu64 " timed out, %" PRIu64 " without an agent line; key to REFER p50 %u us,"
		" p99 %u us%s", s->transfers, u->refers, s->transfers_ok, s->transfers_failed,
		s->transfers_timeout, s->transfers_unavailable, voice_latency_pct(&vc->key_to_refer, 50),
		voice_latency_pct(&vc->key_to_refer, 99), VTY_NEWLINE);
	llist_for_each_entry(c, &vc->calls, list) {
		vty_out(vty, "  call %u %s at %s, %" PRIu64 " s, port %u%s%s%s", c->id,
			stoop_mask_number(c->caller), c->ringing ? "(ringing)" : c->fi ? flow_inst_position(c->fi) : "-",
			ms_since(&c->started) / 1000, c->rtp ? rtp_stream_local_port(c->rtp) : 0,
			c->rec ? ", recording" : "", c->transferring ? ", transferring" : "", VTY_NEWLINE);
	}
}
