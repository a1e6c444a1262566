/* sip.c -- the voice channel's SIP user agent server (voice/sip.h), with
 * sofia-sip's nua in glib's main context.
 *
 * nua keeps the SIP state of every call (transactions, dialog, the 487 to
 * a cancelled INVITE, the 200 to BYE, the BYE after an ACK timeout); this
 * file decides: who may call (the request's source address on the
 * allow-list, else 403; fewer than max_calls up, else 503 with
 * Retry-After), what the SDP offers (voice/sip_sdp.c; nua's own
 * offer/answer engine is off), who called which number and who diverted
 * it (voice/sip_divert.c), what a SIP INFO digit is (voice/sip_dtmf.c).
 * A call is a struct sip_call bound to its nua handle, hanging off the
 * ua; its own state says only what we wait for (the owner's answer, the
 * ACK, the end).  The end is nua's: a call is reported ended and freed
 * when nua says its state is terminated, whatever led there, so ended()
 * runs exactly once.  Nothing waits here: every response goes out in the
 * callback that brought the request, or when the owner answers.  We
 * support no extension (no 100rel, no session timer: a Require of one gets
 * 420), so nua never sends a request of its own but the BYE and the
 * REFER of a transfer (sip_call_refer: the result is the final NOTIFY's
 * sipfrag, which nua answers itself).
 *
 * Logs say call(N) and the Call-ID; callers' numbers are masked above
 * debug (the called number, the service's own, is not), digits and bodies
 * only at debug.  Not here: the RTP media (voice/rtp.c), the call model
 * and the flows (voice/call.c), the loop join (core/glib_loop.c).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <arpa/inet.h>

#include <glib.h>

struct sip_ua;
struct sip_call;
#define SU_ROOT_MAGIC_T	struct sip_ua
#define NUA_MAGIC_T	struct sip_ua
#define NUA_HMAGIC_T	struct sip_call

#include <sofia-sip/su.h>
#include <sofia-sip/su_glib.h>
#include <sofia-sip/su_tag.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/tport_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/msg_mime.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/utils.h>

#include "voice/sip.h"
#include "voice/sip_int.h"
#include "core/logging.h"
#include "core/stats.h"
#include "core/sofia.h"
#include "core/peers.h"

#define SIP_UA_ALLOW		"INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, NOTIFY"
#define SIP_UA_APPL_METHODS	"INVITE, INFO, OPTIONS"	/* the requests we answer ourselves */
#define SIP_INFO_ACCEPT		"application/dtmf-relay, application/dtmf"
#define SIP_BUSY_RETRY_AFTER_S	"10"	/* a peer refused with 503 tries again after */
#define SIP_MAX_MESSAGE		65536	/* bytes of a SIP message we take (TCP; UDP is less) */
#define SIP_MAX_DIVERT_HEADERS	8	/* Diversion / History-Info headers looked at */
#define SIP_MAX_BOUNDARY	72	/* characters of a multipart boundary (70, quoted) */
/* The UDP socket's receive buffer.  Linux's default (212992 bytes) counts
 * each datagram at its kernel size, 1-2 KB even for a 300-byte ACK, so a
 * burst of a hundred-odd INVITEs or BYEs from a peer overflowed it:
 * tests/bench/voice_bench.c saw 72 of 500 INVITEs dropped (set-up p99
 * 575 ms, the first retransmission).  4 MB holds a few thousand. */
#define SIP_UDP_RCVBUF		(4 << 20)

#define LOGUA(lvl, fmt, args...) LOGP(DSIP, lvl, "voice-sip: " fmt, ## args)
#define LOGCALL(c, lvl, fmt, args...) LOGP(DSIP, lvl, "voice-sip: call(%u) " fmt, (c)->id, ## args)

/* What a call waits for. */
enum sip_call_state {
	SIP_CALL_OFFERED,	/* the owner's answer (incoming() running, or 180 sent) */
	SIP_CALL_ANSWERED,	/* the ACK to our 200 */
	SIP_CALL_UP,		/* nothing: the call is up */
	SIP_CALL_ENDING,	/* nua's terminated state (after BYE, CANCEL, 4xx, ...) */
};

struct sip_call {
	struct llist_head list;		/* ua->calls */
	struct sip_ua *ua;
	nua_handle_t *nh;
	unsigned id;			/* for the log: call(N) */
	enum sip_call_state state;
	void *priv;
	bool owned;			/* incoming() took it: ended() is due */
	bool offer_sent;		/* our last 200 carried an offer: the ACK has the answer */
	bool bye_after_ack;		/* hung up before the ACK came */
	bool refer_pending;		/* our REFER waits for its final NOTIFY */
	const char *end_reason;		/* for ended(); static strings */
	char *call_id;
	char caller[SIP_USER_MAX + 1];
	char called[SIP_USER_MAX + 1];
	struct sip_divert divert;
	bool diverted;
	struct sip_sdp_media media;	/* where the caller's audio goes */
	bool have_media;		/* false until the answer came (late offer) */
	struct sip_sdp_offer *offer;	/* the INVITE's, until we answer it */
	uint16_t local_port;
	uint64_t sess_id, sess_version;
};

struct sip_ua {
	struct sip_ua_config cfg;
	const struct sip_ua_ops *ops;
	void *priv;
	su_root_t *root;
	nua_t *nua;
	bool sofia_started, shutting_down, stopped;
	struct llist_head calls;	/* struct sip_call */
	unsigned n_calls;
	unsigned next_id;
	uint64_t next_sess_id;
	struct sip_ua_stats stats;
	/* the other user of this nua (SIP MESSAGE): its method and callback */
	const char *allow;		/* the methods we take, for Allow */
	const char *guest_method;
	sofia_guest_cb *guest_cb;
	void *guest_priv;
};

/*
 * Helpers
 */

/* The request's source address in addr; true if it is a configured peer. */
static bool source_allowed(struct sip_ua *ua, char *addr, size_t size)
{
	return sofia_request_peer(nua_current_request(ua->nua), ua->cfg.peers, ua->cfg.n_peers, addr, size) >= 0;
}

/* A final answer to a request we do not keep, in the callback that brought
 * it; the handle goes with it. */
static void refuse(struct sip_ua *ua, nua_handle_t *nh, int status, const char *phrase, const char *warning,
		   bool retry_after, const char *accept)
{
	nua_respond(nh, status, phrase, NUTAG_WITH_THIS(ua->nua),
		    TAG_IF(warning, SIPTAG_WARNING_STR(warning)),
		    TAG_IF(retry_after, SIPTAG_RETRY_AFTER_STR(SIP_BUSY_RETRY_AFTER_S)),
		    TAG_IF(accept, SIPTAG_ACCEPT_STR(accept)),
		    TAG_END());
	nua_handle_destroy(nh);
}

/* "+1555***001" into buf: stoop_mask_number() has one static buffer, and
 * a log line may name two numbers. */
static const char *mask(char *buf, size_t size, const char *number)
{
	snprintf(buf, size, "%s", stoop_mask_number(number));
	return buf;
}

static void call_info(const struct sip_call *c, struct sip_call_info *info)
{
	*info = (struct sip_call_info){
		.call_id = c->call_id,
		.caller = c->caller,
		.called = c->called,
		.diverted_from = c->diverted ? c->divert.from : NULL,
		.diversion_reason = c->diverted && c->divert.reason[0] ? c->divert.reason : NULL,
		.remote_ip = c->have_media ? c->media.ip : NULL,
		.remote_port = c->have_media ? c->media.port : 0,
		.pt = c->have_media ? c->media.pt : -1,
		.dtmf_pt = c->have_media ? c->media.dtmf_pt : -1,
		.hold = c->have_media && c->media.hold,
	};
}

static void call_free(struct sip_call *c)
{
	llist_del(&c->list);
	c->ua->n_calls--;
	if (c->nh) {
		nua_handle_bind(c->nh, NULL);
		nua_handle_destroy(c->nh);
	}
	talloc_free(c);
}

/* nua says the call is over: tell the owner once, then forget it. */
static void call_end(struct sip_call *c, const char *reason)
{
	struct sip_ua *ua = c->ua;

	c->state = SIP_CALL_ENDING;
	LOGCALL(c, LOGL_INFO, "ended: %s\n", reason);
	if (c->owned && ua->ops->ended)
		ua->ops->ended(c, reason);
	call_free(c);
}

/* Take new media; true if the owner should hear of it. */
static bool call_media_update(struct sip_call *c, const struct sip_sdp_media *m)
{
	bool changed = !c->have_media || strcmp(c->media.ip, m->ip) || c->media.port != m->port ||
		       c->media.pt != m->pt || c->media.dtmf_pt != m->dtmf_pt || c->media.hold != m->hold;

	c->media = *m;
	c->have_media = true;
	return changed;
}

static void call_media_report(struct sip_call *c)
{
	struct sip_call_info info;

	LOGCALL(c, LOGL_INFO, "media %s:%u pt %d dtmf %d%s\n", c->media.ip, c->media.port, c->media.pt,
		c->media.dtmf_pt, c->media.hold ? ", on hold" : "");
	if (c->ua->ops->media && c->state != SIP_CALL_ENDING) {
		call_info(c, &info);
		c->ua->ops->media(c, &info);
	}
}

/*
 * Request bodies
 */

/* The SDP of a request, on ctx: 1 with *sdp and *len, 0 if there is no
 * body, or a negative number with the status to refuse it with. */
static int request_sdp(void *ctx, const sip_t *sip, char **sdp, size_t *len, int *status, const char **phrase)
{
	const sip_content_type_t *ct = sip->sip_content_type;
	sip_payload_t *pl = sip->sip_payload;
	const sip_content_encoding_t *ce = sip->sip_content_encoding;
	msg_multipart_t *mp, *part;
	const char *boundary;
	su_home_t *home;

	*sdp = NULL;
	*len = 0;
	if (!pl || !pl->pl_len || !pl->pl_data)
		return 0;
	if (ce && ce->k_items && ce->k_items[0] && strcasecmp(ce->k_items[0], "identity")) {
		*status = 415, *phrase = "Unsupported Content-Encoding";
		return -1;
	}
	if (!ct || !ct->c_type) {
		*status = 400, *phrase = "Body Without Content-Type";
		return -1;
	}
	if (!strcasecmp(ct->c_type, "application/sdp")) {
		*sdp = talloc_memdup(ctx, pl->pl_data, pl->pl_len);
		*len = pl->pl_len;
		return 1;
	}
	if (strncasecmp(ct->c_type, "multipart/", 10)) {
		*status = 415, *phrase = "Unsupported Media Type";
		return -1;
	}
	/* multipart/mixed (SIP-I carries ISUP next to the SDP): take the SDP.
	 * sofia-sip's splitter compares the boundary before it looks at the
	 * body's length: a boundary RFC 2046 allows, a body that can hold it */
	boundary = msg_params_find(ct->c_params, "boundary");
	if (!boundary || strlen(boundary) > SIP_MAX_BOUNDARY || pl->pl_len < 2 * strlen(boundary) + 8) {
		*status = 400, *phrase = "Invalid Multipart Body";
		return -1;
	}
	home = su_home_new(sizeof(*home));
	if (!home) {
		*status = 500, *phrase = "Out Of Memory";
		return -1;
	}
	mp = msg_multipart_parse(home, ct, pl);
	for (part = mp; part; part = part->mp_next) {
		if (part->mp_content_type && part->mp_content_type->c_type &&
		    !strcasecmp(part->mp_content_type->c_type, "application/sdp") && part->mp_payload &&
		    part->mp_payload->pl_data && part->mp_payload->pl_len) {
			*sdp = talloc_memdup(ctx, part->mp_payload->pl_data, part->mp_payload->pl_len);
			*len = part->mp_payload->pl_len;
			break;
		}
	}
	su_home_unref(home);
	if (!*sdp) {
		*status = mp ? 415 : 400;
		*phrase = mp ? "No SDP In Multipart Body" : "Invalid Multipart Body";
		return -1;
	}
	return 1;
}

/* The Diversion or History-Info values of a request, in order. */
static unsigned unknown_headers(const sip_t *sip, const char *name, const char **values, unsigned max)
{
	const sip_unknown_t *un;
	unsigned n = 0;

	for (un = sip->sip_unknown; un && n < max; un = un->un_next)
		if (un->un_name && un->un_value && !strcasecmp(un->un_name, name))
			values[n++] = un->un_value;
	return n;
}

static void read_parties(struct sip_call *c, const sip_t *sip)
{
	const url_t *from = sip->sip_from ? sip->sip_from->a_url : NULL;
	const url_t *ruri = sip->sip_request ? sip->sip_request->rq_url : NULL;
	const char *values[SIP_MAX_DIVERT_HEADERS];
	unsigned n;

	if (!from || !from->url_user || !strcasecmp(from->url_user, "anonymous") ||
	    !sip_user_clean(from->url_user, strlen(from->url_user), c->caller, sizeof(c->caller)))
		snprintf(c->caller, sizeof(c->caller), "anonymous");
	if (!ruri || !ruri->url_user ||
	    !sip_user_clean(ruri->url_user, strlen(ruri->url_user), c->called, sizeof(c->called)))
		c->called[0] = '\0';
	n = unknown_headers(sip, "Diversion", values, SIP_MAX_DIVERT_HEADERS);
	if (n)
		c->diverted = sip_divert_diversion(values, n, &c->divert);
	if (!c->diverted) {
		n = unknown_headers(sip, "History-Info", values, SIP_MAX_DIVERT_HEADERS);
		if (n)
			c->diverted = sip_divert_history(values, n, c->called, &c->divert);
	}
}

/*
 * Answering
 */
static char *call_sdp(struct sip_call *c, const struct sip_sdp_offer *offer)
{
	struct sip_sdp_local local = {
		.ip = c->ua->cfg.rtp_ip,
		.port = c->local_port,
		.sess_id = c->sess_id,
		.sess_version = c->sess_version,
	};

	c->offer_sent = !offer;
	return offer ? sip_sdp_answer(c, offer, &local) : sip_sdp_offer(c, &local);
}

/* 200 to the INVITE; with_this inside the callback that brought it. */
static void call_answer(struct sip_call *c, uint16_t port, bool with_this)
{
	struct sip_ua *ua = c->ua;
	char *sdp;

	c->local_port = port;
	sdp = call_sdp(c, c->offer);
	TALLOC_FREE(c->offer);
	c->state = SIP_CALL_ANSWERED;
	ua->stats.answered++;
	nua_respond(c->nh, SIP_200_OK,
		    TAG_IF(with_this, NUTAG_WITH_THIS(ua->nua)),
		    SIPTAG_CONTENT_TYPE_STR("application/sdp"),
		    SIPTAG_PAYLOAD_STR(sdp),
		    TAG_END());
	LOGCALL(c, LOGL_INFO, "answered with RTP port %u%s\n", port, c->offer_sent ? " and our offer" : "");
	LOGCALL(c, LOGL_DEBUG, "our SDP:\n%s", sdp);
	talloc_free(sdp);
}

int sip_call_answer(struct sip_call *c, uint16_t rtp_port)
{
	if (c->state != SIP_CALL_OFFERED || !rtp_port)
		return -EINVAL;
	call_answer(c, rtp_port, false);
	return 0;
}

void sip_call_hangup(struct sip_call *c)
{
	struct sip_ua *ua = c->ua;

	switch (c->state) {
	case SIP_CALL_OFFERED:
		LOGCALL(c, LOGL_INFO, "hung up before the answer: 480\n");
		nua_respond(c->nh, SIP_480_TEMPORARILY_UNAVAILABLE, TAG_END());
		break;
	case SIP_CALL_ANSWERED:
		/* RFC 3261 15: no BYE before the ACK (nua sends one itself if
		 * the ACK never comes) */
		LOGCALL(c, LOGL_INFO, "hung up before the ACK: BYE once it is here\n");
		c->bye_after_ack = true;
		break;
	case SIP_CALL_UP:
		LOGCALL(c, LOGL_INFO, "hung up: BYE\n");
		ua->stats.byes_out++;
		nua_bye(c->nh, TAG_END());
		break;
	case SIP_CALL_ENDING:
		return;
	}
	if (!c->end_reason)
		c->end_reason = "hangup";
	if (c->state != SIP_CALL_ANSWERED)
		c->state = SIP_CALL_ENDING;
}

/*
 * Transfer (RFC 3515 REFER, the implied "refer" subscription)
 */
int sip_call_refer(struct sip_call *c, const char *refer_to, const char *header)
{
	if (c->state != SIP_CALL_UP || c->refer_pending)
		return -EINVAL;
	c->refer_pending = true;
	c->ua->stats.refers++;
	LOGCALL(c, LOGL_INFO, "REFER\n");
	nua_refer(c->nh, SIPTAG_REFER_TO_STR(refer_to),
		  TAG_IF(header, SIPTAG_HEADER_STR(header)),
		  TAG_END());
	return 0;
}

static void refer_done(struct sip_call *c, int status, const char *phrase)
{
	if (!c->refer_pending)
		return;
	c->refer_pending = false;
	if (status >= 200 && status < 300)
		c->ua->stats.refers_ok++;
	LOGCALL(c, status < 300 ? LOGL_INFO : LOGL_NOTICE, "transfer %s: %d %s\n",
		status < 300 ? "done" : "failed", status, phrase ? phrase : "");
	if (c->ua->ops->transferred)
		c->ua->ops->transferred(c, status, phrase ? phrase : "");
}

/* The status line of a message/sipfrag body ("SIP/2.0 200 OK"): its code,
 * or 0 when the body is none. */
static int sipfrag_status(const sip_t *sip, char *phrase, size_t size)
{
	const char *p, *end;
	int code = 0;
	size_t len;

	if (!sip || !sip->sip_payload || !sip->sip_payload->pl_data)
		return 0;
	p = sip->sip_payload->pl_data;
	len = sip->sip_payload->pl_len;
	if (len < 12 || strncasecmp(p, "SIP/2.0 ", 8))
		return 0;
	for (p += 8, len -= 8; len && *p >= '0' && *p <= '9' && code < 1000; p++, len--)
		code = code * 10 + (*p - '0');
	if (code < 100 || code > 699)
		return 0;
	while (len && *p == ' ')
		p++, len--;
	for (end = p; (size_t)(end - p) < len && *end != '\r' && *end != '\n'; end++)
		;
	snprintf(phrase, size, "%.*s", (int)(end - p), p);
	return code;
}

static void handle_refer_answer(struct sip_call *c, int status, const char *phrase)
{
	if (status < 200)
		return;
	if (status < 300) {
		LOGCALL(c, LOGL_DEBUG, "REFER accepted (%d): waiting for the NOTIFY\n", status);
		return;
	}
	refer_done(c, status, phrase);
}

static void handle_refer_notify(struct sip_call *c, int status, const sip_t *sip, tagi_t tags[])
{
	int substate = nua_substate_active, code;
	char phrase[64] = "";

	tl_gets(tags, NUTAG_SUBSTATE_REF(substate), TAG_END());
	code = sipfrag_status(sip, phrase, sizeof(phrase));
	if (code >= 200) {
		refer_done(c, code, phrase);
		return;
	}
	/* nua's own: no NOTIFY came in time (408), or an error */
	if (status >= 300 && !sip) {
		refer_done(c, status, "no NOTIFY");
		return;
	}
	if (substate == nua_substate_terminated)
		refer_done(c, 487, "subscription ended without a final answer");
}

/*
 * Incoming requests
 */
static void handle_invite(struct sip_ua *ua, nua_handle_t *nh, const sip_t *sip)
{
	struct sip_call_info info;
	struct sip_call *c;
	char addr[64], why[160], m1[32], m2[32], warning[200];
	const char *phrase;
	enum sip_sdp_error err;
	char *sdp;
	size_t len;
	int rc, status;

	ua->stats.invites++;
	if (ua->shutting_down) {
		ua->stats.refused_busy++;
		stoop_ctr_inc(STOOP_CTR_CALLS_REFUSED);
		refuse(ua, nh, SIP_503_SERVICE_UNAVAILABLE, NULL, true, NULL);
		return;
	}
	if (!source_allowed(ua, addr, sizeof(addr))) {
		ua->stats.refused_peer++;
		LOGUA(LOGL_NOTICE, "INVITE from %s refused with 403: not a configured peer\n", addr);
		stoop_ctr_inc(STOOP_CTR_CALLS_REFUSED);
		refuse(ua, nh, SIP_403_FORBIDDEN, NULL, false, NULL);
		return;
	}
	if (ua->cfg.max_calls && ua->n_calls >= ua->cfg.max_calls) {
		ua->stats.refused_busy++;
		LOGUA(LOGL_NOTICE, "INVITE from %s refused with 503: %u calls up, the most max-calls allows\n",
		      addr, ua->n_calls);
		stoop_ctr_inc(STOOP_CTR_CALLS_REFUSED);
		refuse(ua, nh, SIP_503_SERVICE_UNAVAILABLE, NULL, true, NULL);
		return;
	}

	c = talloc_zero(ua, struct sip_call);
	c->ua = ua;
	c->call_id = talloc_strdup(c, sip->sip_call_id && sip->sip_call_id->i_id ? sip->sip_call_id->i_id : "-");
	rc = request_sdp(c, sip, &sdp, &len, &status, &phrase);
	if (rc < 0) {
		ua->stats.refused_other++;
		LOGUA(LOGL_NOTICE, "INVITE %s from %s refused with %d: %s\n", c->call_id, addr, status, phrase);
		stoop_ctr_inc(STOOP_CTR_CALLS_REFUSED);
		refuse(ua, nh, status, phrase, NULL, false, status == 415 ? "application/sdp" : NULL);
		talloc_free(c);
		return;
	}
	if (rc > 0) {
		c->offer = talloc_zero(c, struct sip_sdp_offer);
		err = sip_sdp_read(c->offer, sdp, len, c->offer, &c->media, why, sizeof(why));
		LOGUA(LOGL_DEBUG, "INVITE %s SDP:\n%.*s\n", c->call_id, (int)len, sdp);
		TALLOC_FREE(sdp);
		if (err != SIP_SDP_OK) {
			status = sip_sdp_error_status(err, &phrase);
			if (err == SIP_SDP_UNPARSABLE)
				ua->stats.malformed++;
			else
				ua->stats.refused_codec++;
			LOGUA(LOGL_NOTICE, "INVITE %s from %s refused with %d: the SDP offer: %s\n", c->call_id, addr,
			      status, why);
			snprintf(warning, sizeof(warning), "%d stoop \"%s\"",
				 err == SIP_SDP_NO_CODEC ? 305 : err == SIP_SDP_NO_AUDIO ? 304 : 399, why);
			stoop_ctr_inc(STOOP_CTR_CALLS_REFUSED);
			refuse(ua, nh, status, phrase, warning, false, NULL);
			talloc_free(c);
			return;
		}
		c->have_media = true;
	}

	read_parties(c, sip);
	c->id = ++ua->next_id;
	c->nh = nh;
	c->sess_id = c->sess_version = ua->next_sess_id++;
	llist_add_tail(&c->list, &ua->calls);
	ua->n_calls++;
	nua_handle_bind(nh, c);
	LOGCALL(c, LOGL_INFO, "INVITE %s from %s to %s via %s%s%s%s%s\n", c->call_id,
		mask(m1, sizeof(m1), c->caller), c->called[0] ? c->called : "(no user)", addr,
		c->diverted ? ", diverted from " : "", c->diverted ? mask(m2, sizeof(m2), c->divert.from) : "",
		c->diverted && c->divert.reason[0] ? " on " : "", c->diverted ? c->divert.reason : "");
	LOGCALL(c, LOGL_DEBUG, "caller %s, diverted from %s\n", c->caller, c->diverted ? c->divert.from : "-");
	if (c->have_media)
		LOGCALL(c, LOGL_INFO, "offer: %s:%u pt %d dtmf %d%s\n", c->media.ip, c->media.port, c->media.pt,
			c->media.dtmf_pt, c->media.hold ? ", on hold" : "");
	else
		LOGCALL(c, LOGL_INFO, "no SDP: our offer goes with the 200, the answer comes with the ACK\n");

	call_info(c, &info);
	c->owned = true;
	rc = ua->ops->incoming(c, &info, ua->priv);
	if (rc > 65535)
		rc = -EINVAL;
	if (rc < 0 && c->state == SIP_CALL_OFFERED) {
		ua->stats.refused_busy++;
		LOGCALL(c, LOGL_NOTICE, "refused with 503: %s\n", strerror(-rc));
		c->owned = false;
		c->nh = NULL;
		nua_handle_bind(nh, NULL);
		stoop_ctr_inc(STOOP_CTR_CALLS_REFUSED);
		refuse(ua, nh, SIP_503_SERVICE_UNAVAILABLE, NULL, true, NULL);
		call_free(c);
		return;
	}
	if (c->state != SIP_CALL_OFFERED)
		return;		/* the owner answered or hung up already */
	if (rc == 0) {
		LOGCALL(c, LOGL_INFO, "ringing: the owner answers later\n");
		nua_respond(nh, SIP_180_RINGING, NUTAG_WITH_THIS(ua->nua), TAG_END());
		return;
	}
	call_answer(c, rc, true);
}

static void handle_reinvite(struct sip_ua *ua, struct sip_call *c, nua_handle_t *nh, const sip_t *sip)
{
	struct sip_sdp_offer *offer = NULL;
	struct sip_sdp_media media;
	enum sip_sdp_error err;
	char why[160], warning[200], *sdp = NULL;
	const char *phrase;
	size_t len;
	int rc, status;
	bool changed = false;

	ua->stats.reinvites++;
	if (c->state != SIP_CALL_UP) {
		nua_respond(nh, SIP_491_REQUEST_PENDING, NUTAG_WITH_THIS(ua->nua), TAG_END());
		return;
	}
	rc = request_sdp(c, sip, &sdp, &len, &status, &phrase);
	if (rc < 0) {
		LOGCALL(c, LOGL_NOTICE, "re-INVITE refused with %d: %s; the call goes on\n", status, phrase);
		nua_respond(nh, status, phrase, NUTAG_WITH_THIS(ua->nua),
			    TAG_IF(status == 415, SIPTAG_ACCEPT_STR("application/sdp")), TAG_END());
		return;
	}
	if (rc > 0) {
		offer = talloc_zero(c, struct sip_sdp_offer);
		err = sip_sdp_read(offer, sdp, len, offer, &media, why, sizeof(why));
		LOGCALL(c, LOGL_DEBUG, "re-INVITE SDP:\n%.*s\n", (int)len, sdp);
		TALLOC_FREE(sdp);
		if (err != SIP_SDP_OK) {
			status = sip_sdp_error_status(err, &phrase);
			if (err == SIP_SDP_UNPARSABLE)
				ua->stats.malformed++;
			LOGCALL(c, LOGL_NOTICE, "re-INVITE refused with %d: the SDP offer: %s; the call goes on\n",
				status, why);
			snprintf(warning, sizeof(warning), "%d stoop \"%s\"",
				 err == SIP_SDP_NO_CODEC ? 305 : err == SIP_SDP_NO_AUDIO ? 304 : 399, why);
			nua_respond(nh, status, phrase, NUTAG_WITH_THIS(ua->nua), SIPTAG_WARNING_STR(warning),
				    TAG_END());
			talloc_free(offer);
			return;
		}
		changed = call_media_update(c, &media);
	}
	c->sess_version++;
	sdp = call_sdp(c, offer);
	talloc_free(offer);
	nua_respond(nh, SIP_200_OK, NUTAG_WITH_THIS(ua->nua),
		    SIPTAG_CONTENT_TYPE_STR("application/sdp"),
		    SIPTAG_PAYLOAD_STR(sdp),
		    TAG_END());
	LOGCALL(c, LOGL_INFO, "re-INVITE answered%s\n", c->offer_sent ? " with our offer" :
		changed ? ", media changed" : ", nothing changed");
	LOGCALL(c, LOGL_DEBUG, "our SDP:\n%s", sdp);
	talloc_free(sdp);
	if (changed)
		call_media_report(c);
}

static void handle_ack(struct sip_ua *ua, struct sip_call *c, const sip_t *sip)
{
	struct sip_sdp_media media;
	char why[160], *sdp;
	const char *phrase;
	size_t len;
	int rc, status;

	if (c->state == SIP_CALL_ANSWERED)
		c->state = SIP_CALL_UP;
	if (c->offer_sent) {
		c->offer_sent = false;
		rc = sip ? request_sdp(c, sip, &sdp, &len, &status, &phrase) : 0;
		if (rc > 0) {
			LOGCALL(c, LOGL_DEBUG, "ACK SDP:\n%.*s\n", (int)len, sdp);
			if (sip_sdp_read(c, sdp, len, NULL, &media, why, sizeof(why)) != SIP_SDP_OK)
				rc = -1;
			talloc_free(sdp);
		} else {
			snprintf(why, sizeof(why), "%s", rc ? phrase : "no SDP in the ACK");
		}
		if (rc <= 0) {
			ua->stats.malformed++;
			LOGCALL(c, LOGL_NOTICE, "the answer to our offer: %s; hanging up\n", why);
			c->end_reason = "bad-answer";
			c->bye_after_ack = false;
			sip_call_hangup(c);
			return;
		}
		if (call_media_update(c, &media))
			call_media_report(c);
	}
	if (c->bye_after_ack) {
		c->bye_after_ack = false;
		sip_call_hangup(c);
	}
}

static void handle_info(struct sip_ua *ua, struct sip_call *c, nua_handle_t *nh, const sip_t *sip)
{
	const sip_content_type_t *ct = sip->sip_content_type;
	const sip_payload_t *pl = sip->sip_payload;
	unsigned duration = 0;
	bool relay, ok;
	char key;

	if (!c) {
		refuse(ua, nh, 481, "Call Does Not Exist", NULL, false, NULL);
		return;
	}
	ua->stats.infos++;
	if (!pl || !pl->pl_len || !pl->pl_data) {
		nua_respond(nh, SIP_200_OK, NUTAG_WITH_THIS(ua->nua), TAG_END());	/* a keep-alive */
		return;
	}
	relay = ct && ct->c_type && !strcasecmp(ct->c_type, "application/dtmf-relay");
	if (!relay && !(ct && ct->c_type && !strcasecmp(ct->c_type, "application/dtmf"))) {
		LOGCALL(c, LOGL_NOTICE, "INFO with %.40s refused with 415; the call goes on\n",
			ct && ct->c_type ? ct->c_type : "no Content-Type");
		nua_respond(nh, SIP_415_UNSUPPORTED_MEDIA, NUTAG_WITH_THIS(ua->nua),
			    SIPTAG_ACCEPT_STR(SIP_INFO_ACCEPT), TAG_END());
		return;
	}
	ok = relay ? sip_dtmf_relay_parse(pl->pl_data, pl->pl_len, &key, &duration) :
		     sip_dtmf_parse(pl->pl_data, pl->pl_len, &key);
	if (!ok) {
		ua->stats.malformed++;
		LOGCALL(c, LOGL_NOTICE, "INFO %s body of %zu bytes is not a digit: 400; the call goes on\n",
			ct->c_type, (size_t)pl->pl_len);
		nua_respond(nh, 400, "Not A DTMF Digit", NUTAG_WITH_THIS(ua->nua), TAG_END());
		return;
	}
	nua_respond(nh, SIP_200_OK, NUTAG_WITH_THIS(ua->nua), TAG_END());
	LOGCALL(c, LOGL_DEBUG, "INFO digit %c, %u ms\n", key, duration);
	if (c->state != SIP_CALL_ENDING && ua->ops->dtmf)
		ua->ops->dtmf(c, key, duration);
}

static void handle_options(struct sip_ua *ua, struct sip_call *c, nua_handle_t *nh)
{
	char addr[64];

	ua->stats.options++;
	if (!c && !source_allowed(ua, addr, sizeof(addr))) {
		LOGUA(LOGL_INFO, "OPTIONS from %s refused with 403: not a configured peer\n", addr);
		refuse(ua, nh, SIP_403_FORBIDDEN, NULL, false, NULL);
		return;
	}
	/* nua adds application/sdp to the Accept */
	nua_respond(nh, SIP_200_OK, NUTAG_WITH_THIS(ua->nua),
		    SIPTAG_ALLOW_STR(ua->allow),
		    SIPTAG_ACCEPT_STR(SIP_INFO_ACCEPT),
		    TAG_END());
	if (!c)
		nua_handle_destroy(nh);
}

/* The stack stopped: whatever is left ends now. */
static void ua_stopped(struct sip_ua *ua, int status, const char *phrase)
{
	struct sip_call *c, *c2;

	ua->stopped = true;
	llist_for_each_entry_safe(c, c2, &ua->calls, list)
		call_end(c, c->end_reason ? c->end_reason : "shutdown");
	LOGUA(LOGL_INFO, "stopped (%d %s)\n", status, phrase ? phrase : "");
}

static void nua_event_cb(nua_event_t event, int status, char const *phrase, nua_t *nua, struct sip_ua *ua,
			 nua_handle_t *nh, struct sip_call *c, sip_t const *sip, tagi_t tags[])
{
	int callstate = -1;

	/* the guest's requests and the answers to its own (call-less) handles */
	if (!c && ua->guest_cb && (event == nua_i_message || event == nua_r_message)) {
		ua->guest_cb(event, status, phrase, nua, nh, sip, ua->guest_priv);
		return;
	}
	switch (event) {
	case nua_i_invite:
		if (!sip)
			break;
		if (c)
			handle_reinvite(ua, c, nh, sip);
		else
			handle_invite(ua, nh, sip);
		return;
	case nua_i_ack:
		if (c)
			handle_ack(ua, c, sip);
		return;
	case nua_i_info:
		if (sip && status < 200)
			handle_info(ua, c, nh, sip);
		else if (!c)
			nua_handle_destroy(nh);
		return;
	case nua_i_options:
		if (status < 200)
			handle_options(ua, c, nh);
		else if (!c)
			nua_handle_destroy(nh);
		return;
	case nua_i_cancel:
		if (c) {
			ua->stats.cancelled++;
			LOGCALL(c, LOGL_INFO, "CANCEL: 487\n");
			c->end_reason = "cancel";
		}
		return;
	case nua_i_bye:
		if (c) {
			ua->stats.byes_in++;
			LOGCALL(c, LOGL_INFO, "BYE from the caller\n");
			if (!c->end_reason)
				c->end_reason = "bye";
		}
		return;
	case nua_i_state:
		tl_gets(tags, NUTAG_CALLSTATE_REF(callstate), TAG_END());
		if (c && callstate == nua_callstate_terminated)
			call_end(c, c->end_reason ? c->end_reason : "error");
		return;
	case nua_r_refer:
		if (c)
			handle_refer_answer(c, status, phrase);
		return;
	case nua_i_notify:
		if (c)
			handle_refer_notify(c, status, sip, tags);
		return;
	case nua_r_bye:
		if (c && status >= 200)
			LOGCALL(c, LOGL_DEBUG, "our BYE: %d %s\n", status, phrase ? phrase : "");
		return;
	case nua_i_error:
		if (c && status == 408 && !c->end_reason) {
			LOGCALL(c, LOGL_NOTICE, "no ACK came: BYE\n");
			c->end_reason = "ack-timeout";
		} else {
			LOGUA(LOGL_NOTICE, "sofia-sip error: %d %s\n", status, phrase ? phrase : "");
		}
		return;
	case nua_r_shutdown:
		if (status >= 200)
			ua_stopped(ua, status, phrase);
		return;
	case nua_i_terminated:
	case nua_i_active:
	case nua_r_set_params:
		return;
	default:
		break;
	}
	LOGUA(LOGL_DEBUG, "sofia-sip event %s %d %s\n", nua_event_name(event), status, phrase ? phrase : "");
	/* a request nua handed over that is none of ours: its handle goes */
	if (nh && !c && event < nua_r_set_params)
		nua_handle_destroy(nh);
}

/*
 * Life cycle
 */
struct sip_ua *sip_ua_alloc(void *ctx, const struct sip_ua_config *cfg, const struct sip_ua_ops *ops, void *priv)
{
	struct sip_ua *ua = talloc_zero(ctx, struct sip_ua);
	struct sip_peer *peers;
	unsigned i;

	ua->cfg = *cfg;
	ua->ops = ops;
	ua->priv = priv;
	ua->cfg.local_ip = talloc_strdup(ua, cfg->local_ip ? cfg->local_ip : SIP_UA_DEFAULT_IP);
	ua->cfg.rtp_ip = talloc_strdup(ua, cfg->rtp_ip ? cfg->rtp_ip : ua->cfg.local_ip);
	if (!ua->cfg.local_port)
		ua->cfg.local_port = SIP_UA_DEFAULT_PORT;
	peers = talloc_zero_array(ua, struct sip_peer, cfg->n_peers ? cfg->n_peers : 1);
	for (i = 0; i < cfg->n_peers; i++)
		peers[i] = cfg->peers[i];
	ua->cfg.peers = peers;
	ua->allow = SIP_UA_ALLOW;
	INIT_LLIST_HEAD(&ua->calls);
	ua->next_sess_id = (uint64_t)time(NULL);
	return ua;
}

int sip_ua_start(struct sip_ua *ua)
{
	const char *appl = SIP_UA_APPL_METHODS;
	struct in_addr in;
	char *url;

	if (inet_pton(AF_INET, ua->cfg.rtp_ip, &in) != 1 || in.s_addr == INADDR_ANY) {
		LOGUA(LOGL_ERROR, "RTP address %s is not one a caller can send to (a dotted quad, not "
		      "0.0.0.0)\n", ua->cfg.rtp_ip);
		return -EINVAL;
	}
	if (sofia_init() != 0) {
		LOGUA(LOGL_ERROR, "cannot initialise sofia-sip\n");
		return -EIO;
	}
	ua->sofia_started = true;
	ua->root = su_glib_root_create(ua);
	if (!ua->root) {
		LOGUA(LOGL_ERROR, "cannot create sofia-sip's glib root\n");
		return -EIO;
	}
	su_root_threading(ua->root, 0);
	g_source_attach(su_glib_root_gsource(ua->root), g_main_context_default());

	url = talloc_asprintf(ua, "sip:%s:%u", ua->cfg.local_ip, ua->cfg.local_port);
	if (ua->guest_method) {
		ua->allow = talloc_asprintf(ua, "%s, %s", SIP_UA_ALLOW, ua->guest_method);
		appl = talloc_asprintf(ua, "%s, %s", SIP_UA_APPL_METHODS, ua->guest_method);
	}
	ua->nua = nua_create(ua->root, nua_event_cb, ua,
			     NUTAG_URL(url),
			     SIPTAG_ALLOW_STR(ua->allow),
			     NUTAG_APPL_METHOD(appl),
			     TAG_IF(ua->guest_method && !strcmp(ua->guest_method, "MESSAGE"),
				    NUTAG_ENABLEMESSAGE(1)),
			     SIPTAG_SUPPORTED(NULL),	/* no 100rel, no session timer */
			     NUTAG_ENABLEINVITE(1),
			     NUTAG_MEDIA_ENABLE(0),
			     NUTAG_AUTOANSWER(0),
			     NUTAG_AUTOALERT(0),
			     NUTAG_SHUTDOWN_EVENTS(1),
			     NTATAG_MAXSIZE(SIP_MAX_MESSAGE),
			     TPTAG_UDP_RMEM(SIP_UDP_RCVBUF),
			     TAG_IF(ua->cfg.timeout_ms, NTATAG_SIP_T1X64(ua->cfg.timeout_ms)),
			     SIPTAG_USER_AGENT_STR("stoop/" PACKAGE_VERSION),
			     TAG_END());
	talloc_free(url);
	if (!ua->nua) {
		LOGUA(LOGL_ERROR, "cannot listen for SIP on %s port %u (UDP and TCP): in use, or not an "
		      "address of this host?\n", ua->cfg.local_ip, ua->cfg.local_port);
		return -EADDRINUSE;
	}
	if (!ua->cfg.n_peers)
		LOGUA(LOGL_ERROR, "no peer configured: every call will be refused\n");
	LOGUA(LOGL_NOTICE, "listening on %s port %u, %u peer%s, RTP address %s, %s\n", ua->cfg.local_ip,
	      ua->cfg.local_port, ua->cfg.n_peers, ua->cfg.n_peers == 1 ? "" : "s", ua->cfg.rtp_ip,
	      ua->cfg.max_calls ? "max-calls set" : "no call limit");
	return 0;
}

int sip_ua_host(struct sip_ua *ua, const char *method, sofia_guest_cb *cb, void *priv)
{
	if (ua->nua || ua->guest_cb)
		return -EBUSY;
	ua->guest_method = talloc_strdup(ua, method);
	ua->guest_cb = cb;
	ua->guest_priv = priv;
	return 0;
}

struct nua_s *sip_ua_nua(const struct sip_ua *ua)
{
	return ua->nua;
}

void sip_ua_shutdown(struct sip_ua *ua)
{
	struct sip_call *c, *c2;

	if (!ua->nua) {
		ua->stopped = true;
		return;
	}
	if (ua->shutting_down)
		return;
	ua->shutting_down = true;
	llist_for_each_entry_safe(c, c2, &ua->calls, list) {
		if (!c->end_reason)
			c->end_reason = "shutdown";
		sip_call_hangup(c);
	}
	nua_shutdown(ua->nua);
}

bool sip_ua_stopped(const struct sip_ua *ua)
{
	return ua->stopped;
}

void sip_ua_free(struct sip_ua *ua)
{
	struct sip_call *c, *c2;

	if (!ua)
		return;
	llist_for_each_entry_safe(c, c2, &ua->calls, list) {
		if (ua->nua && !ua->stopped)
			c->nh = NULL;	/* nua lives on (see below): leave its handles */
		call_end(c, c->end_reason ? c->end_reason : "shutdown");
	}
	if (ua->nua && !ua->stopped) {
		/* nua_destroy() before its shutdown finished would free what its
		 * stack still uses: leave sofia-sip as it is, the process ends */
		LOGUA(LOGL_NOTICE, "sofia-sip did not finish its shutdown in time\n");
		talloc_free(ua);
		return;
	}
	if (ua->nua)
		nua_destroy(ua->nua);
	if (ua->root)
		su_root_destroy(ua->root);
	if (ua->sofia_started)
		sofia_deinit();
	talloc_free(ua);
}

void sip_call_set_priv(struct sip_call *c, void *priv)
{
	c->priv = priv;
}

void *sip_call_priv(const struct sip_call *c)
{
	return c->priv;
}

const struct sip_ua_stats *sip_ua_stats(const struct sip_ua *ua)
{
	((struct sip_ua *)ua)->stats.calls = ua->n_calls;
	return &ua->stats;
}
