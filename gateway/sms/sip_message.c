/* sip_message.c -- SMS over SIP MESSAGE (RFC 3428), with sofia-sip's nua.
 *
 * Inbound: a MESSAGE is taken only from a configured peer (its source
 * address is on the allow-list; anything else gets 403 and a log line with
 * the address), only as text/plain in UTF-8 (charset utf-8 or none; else
 * 415), with a body of 1 to 1600 bytes (400, 413) that is valid UTF-8
 * (400), from a From whose user part is a phone number (400).  The text
 * goes through the SMS channel in a batch of its own (sms/sms.h) with the
 * message id "<Call-ID>/<CSeq>", so a MESSAGE sent again with the same
 * Call-ID and CSeq (a peer's retry after a lost 202) is acknowledged and
 * not processed twice.  202 Accepted is sent only after the batch committed;
 * a store error answers 500 and the peer sends it again.  sofia-sip hands
 * over one request per socket wake-up, so a batch per MESSAGE is what a
 * busier group commit would hold anyway.
 *
 * Outbound: a queued reply leaves as MESSAGE to sip:<number>@<peer>, the
 * peer the number's text came through (its address is the text's route in
 * the store, so this survives a restart; a number never heard from, or a
 * peer no longer configured: the first peer), text/plain; charset=utf-8
 * and whole: the peer
 * splits it into SMS if it has to.  A 2xx is SMS_OUT_OK, a timeout or a
 * 408/480/486/5xx-ish answer a temporary failure (the channel retries), any
 * other final answer a permanent one.
 *
 * Not here: the loop join (core/glib_loop.c), sofia-sip's start-up, its log
 * and the request's source address (core/sofia.c), the configuration node
 * (sms/sms_vty.c), the channel's keywords, flows and queue (sms/sms.c).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <netinet/in.h>

#include <glib.h>

struct sip_message;
#define SU_ROOT_MAGIC_T	struct sip_message
#define NUA_MAGIC_T	struct sip_message

#include <sofia-sip/su.h>
#include <sofia-sip/su_glib.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/msg_header.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "sms/sip_message.h"
#include "sms/sms.h"
#include "sms/sms_text.h"
#include "store/store.h"
#include "core/logging.h"
#include "core/stats.h"
#include "core/sofia.h"
#include "core/peers.h"

#define SIP_TRANSPORT_NAME	"sip"
#define SIP_DEFAULT_WINDOW	32
#define SIP_NUMBER_MAX		20	/* digits of a resident's number */

#define LOGSM(lvl, fmt, args...) LOGP(DSMS, lvl, "sip-sms: " fmt, ## args)

/* One reply on its way (a nua handle with one MESSAGE).  Its handle's
 * hmagic is NULL, as a guest's must be (see core/sofia.h): the reply is
 * found by its handle in the short list of those under way. */
struct sip_out {
	struct llist_head list;
	struct sip_message *sm;
	nua_handle_t *nh;
	int64_t out_id;
};

struct sip_message {
	struct sip_message_config cfg;
	struct sms_channel *sc;
	struct sms_transport transport;
	su_root_t *root;
	nua_t *nua;
	bool guest;			/* nua is the voice channel's (one SIP port) */
	bool su_initialised, shutting_down, stopped;
	struct llist_head outs;		/* struct sip_out */
	unsigned n_outs;
	struct sip_message_stats stats;
};

/* "+15551230001" or "5551230001": what a resident's number looks like. */
static bool is_number(const char *s, size_t len)
{
	size_t i = 0;

	if (len && s[0] == '+')
		i = 1;
	if (len - i < 1 || len - i > SIP_NUMBER_MAX)
		return false;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/*
 * Inbound
 */

/* text/plain, with charset utf-8 or none. */
static bool content_type_ok(const sip_content_type_t *ct)
{
	const char *cs;
	size_t len;

	if (!ct || !ct->c_type || strcasecmp(ct->c_type, "text/plain"))
		return false;
	cs = msg_params_find(ct->c_params, "charset");
	if (!cs)
		return true;
	len = strlen(cs);
	if (len >= 2 && cs[0] == '"' && cs[len - 1] == '"') {
		cs++;
		len -= 2;
	}
	return len == 5 && !strncasecmp(cs, "utf-8", 5);
}

static void respond(struct sip_message *sm, nua_handle_t *nh, int status, const char *phrase, bool accept)
{
	nua_respond(nh, status, phrase, NUTAG_WITH_THIS(sm->nua),
		    TAG_IF(accept, SIPTAG_ACCEPT_STR("text/plain")), TAG_END());
	nua_handle_destroy(nh);
}

/* Store the text; 0 once committed, -EEXIST for a message already had,
 * else a negative errno (nothing kept). */
static int store_text(struct sip_message *sm, const char *msg_ref, const char *peer_ip,
		      const char *from, const char *text)
{
	struct sms_mo mo = {
		.transport = SIP_TRANSPORT_NAME,
		.msg_ref = msg_ref,
		.route = peer_ip,
		.from = from,
		.text = text,
	};
	int rc, crc;

	rc = sms_batch_begin(sm->sc);
	if (rc < 0)
		return rc;
	rc = sms_mo_receive(sm->sc, &mo);
	crc = sms_batch_commit(sm->sc);
	if (crc < 0)
		return crc;
	return rc;
}

static void handle_message(struct sip_message *sm, nua_handle_t *nh, const sip_t *sip)
{
	const sip_payload_t *pl = sip->sip_payload;
	const sip_content_type_t *ct = sip->sip_content_type;
	const url_t *from_url = sip->sip_from ? sip->sip_from->a_url : NULL;
	char addr[INET6_ADDRSTRLEN + 8], from[SIP_NUMBER_MAX + 2];
	size_t len = pl ? pl->pl_len : 0, ulen;
	char *msg_ref, *text;
	int peer, rc;

	sm->stats.in++;
	peer = sofia_request_peer(nua_current_request(sm->nua), sm->cfg.peers, sm->cfg.n_peers, addr,
				  sizeof(addr));
	if (peer < 0) {
		sm->stats.refused_peer++;
		LOGSM(LOGL_NOTICE, "MESSAGE from %s refused with 403: not a configured peer\n", addr);
		respond(sm, nh, SIP_403_FORBIDDEN, false);
		return;
	}
	if (!content_type_ok(ct)) {
		const char *cs = ct ? msg_params_find(ct->c_params, "charset") : NULL;
		sm->stats.refused_type++;
		LOGSM(LOGL_NOTICE, "MESSAGE from %s refused with 415: Content-Type %s%s%.32s is not "
		      "text/plain in UTF-8\n", addr, ct && ct->c_type ? ct->c_type : "(none)",
		      cs ? "; charset=" : "", cs ? cs : "");
		respond(sm, nh, SIP_415_UNSUPPORTED_MEDIA, true);
		return;
	}
	if (len == 0) {
		sm->stats.refused_body++;
		LOGSM(LOGL_NOTICE, "MESSAGE from %s refused with 400: empty body\n", addr);
		respond(sm, nh, 400, "Empty Message", false);
		return;
	}
	if (len > SIP_MESSAGE_MAX_BODY) {
		sm->stats.refused_body++;
		LOGSM(LOGL_NOTICE, "MESSAGE from %s refused with 413: body of %zu bytes, at most %u\n", addr,
		      len, SIP_MESSAGE_MAX_BODY);
		respond(sm, nh, SIP_413_REQUEST_TOO_LARGE, false);
		return;
	}
	if (!g_utf8_validate_len(pl->pl_data, len, NULL)) {
		sm->stats.refused_body++;
		LOGSM(LOGL_NOTICE, "MESSAGE from %s refused with 400: the body is not valid UTF-8 "
		      "(or holds a NUL byte)\n", addr);
		respond(sm, nh, 400, "Body Is Not Valid UTF-8", false);
		return;
	}
	ulen = from_url && from_url->url_user ? strcspn(from_url->url_user, ";") : 0;
	if (!ulen || !is_number(from_url->url_user, ulen)) {
		sm->stats.refused_from++;
		LOGSM(LOGL_NOTICE, "MESSAGE from %s refused with 400: the From user part is not a phone "
		      "number\n", addr);
		respond(sm, nh, 400, "From Is Not A Phone Number", false);
		return;
	}
	memcpy(from, from_url->url_user, ulen);
	from[ulen] = '\0';

	msg_ref = talloc_asprintf(sm, "%s/%" PRIu32, sip->sip_call_id ? sip->sip_call_id->i_id : "-",
				  sip->sip_cseq ? sip->sip_cseq->cs_seq : 0);
	text = talloc_strndup(msg_ref, pl->pl_data, len);
	LOGSM(LOGL_DEBUG, "MESSAGE %s from %s via %s: %s\n", msg_ref, from, addr, text);
	rc = store_text(sm, msg_ref, sm->cfg.peers[peer].ip, from, text);
	talloc_free(msg_ref);
	if (rc == 0 || rc == -EEXIST) {
		if (rc == -EEXIST)
			sm->stats.duplicates++;
		else
			sm->stats.accepted++;
		if (rc == 0)
			stoop_ctr_inc(STOOP_CTR_SMS_IN_SIP);
		respond(sm, nh, SIP_202_ACCEPTED, false);
		LOGSM(LOGL_INFO, "MESSAGE from %s via %s: %s\n", stoop_mask_number(from), addr,
		      rc == -EEXIST ? "had it already, 202 again" : "stored, 202");
		sms_sender_kick(sm->sc);
		return;
	}
	sm->stats.store_errors++;
	stoop_ctr_inc(STOOP_CTR_ERR_SIP_SMS);
	LOGSM(LOGL_ERROR, "MESSAGE from %s via %s not stored (%s): 500, the peer will retry\n",
	      stoop_mask_number(from), addr, strerror(-rc));
	respond(sm, nh, SIP_500_INTERNAL_SERVER_ERROR, false);
}

/*
 * Outbound
 */
static bool sip_ready(struct sms_transport *t)
{
	struct sip_message *sm = t->priv;

	return sm->nua && !sm->shutting_down && sm->n_outs < sm->cfg.window;
}

static void out_free(struct sip_out *o)
{
	struct sip_message *sm = o->sm;

	llist_del(&o->list);
	sm->n_outs--;
	if (o->nh) {
		nua_handle_bind(o->nh, NULL);
		nua_handle_destroy(o->nh);
	}
	talloc_free(o);
}

/* What the text would cost as SMS, for the segments counter: a MESSAGE
 * carries it whole, but the resident's phone receives it as SMS. */
static unsigned sip_segments(const char *text)
{
	struct sms_size size;

	return sms_text_size(text, true, &size) == 0 ? size.segments : 1;
}

static int sip_submit(struct sms_transport *t, const struct store_sms_out *msg)
{
	struct sip_message *sm = t->priv;
	const struct sip_peer *peer;
	struct sip_out *o;
	char *uri;
	int i;

	if (!is_number(msg->msisdn, strlen(msg->msisdn))) {
		sms_out_result(sm->sc, msg->id, SMS_OUT_PERMANENT, NULL, "not a number a SIP URI can carry");
		return 0;
	}
	if (!sm->cfg.n_peers) {
		sms_out_result(sm->sc, msg->id, SMS_OUT_PERMANENT, NULL, "no SIP peer configured");
		return 0;
	}
	i = msg->route ? sip_peer_find(sm->cfg.peers, sm->cfg.n_peers, msg->route) : -1;
	peer = &sm->cfg.peers[i >= 0 ? i : 0];

	o = talloc_zero(sm, struct sip_out);
	o->sm = sm;
	o->out_id = msg->id;
	uri = talloc_asprintf(o, "sip:%s@%s:%u", msg->msisdn, peer->ip, peer->port);
	o->nh = nua_handle(sm->nua, NULL, SIPTAG_TO_STR(uri), TAG_END());
	if (!o->nh) {
		talloc_free(o);
		return -ENOMEM;
	}
	llist_add_tail(&o->list, &sm->outs);
	sm->n_outs++;
	sm->stats.out++;
	stoop_ctr_inc(STOOP_CTR_SMS_OUT_SIP);
	stoop_ctr_add(STOOP_CTR_SEGMENTS_SIP, sip_segments(msg->text));
	nua_message(o->nh,
		    NUTAG_URL(uri),
		    SIPTAG_FROM_STR(sm->cfg.from_uri),
		    SIPTAG_CONTENT_TYPE_STR("text/plain; charset=utf-8"),
		    SIPTAG_PAYLOAD_STR(msg->text),
		    TAG_END());
	LOGSM(LOGL_DEBUG, "out #%" PRId64 " to %s: %s\n", msg->id, uri, msg->text);
	LOGSM(LOGL_INFO, "out #%" PRId64 " to %s via %s:%u\n", msg->id, stoop_mask_number(msg->msisdn),
	      peer->ip, peer->port);
	talloc_free(uri);
	return 0;
}

/* A final answer from the peer, or one nua made up (timeout, no route). */
static enum sms_out_result classify(int status)
{
	if (status >= 200 && status < 300)
		return SMS_OUT_OK;
	switch (status) {
	case 408:	/* no answer in time */
	case 480:	/* temporarily unavailable */
	case 486:	/* busy */
	case 491:
	case 500:
	case 503:	/* also nua's own when the transport fails */
	case 504:
	case 580:
	case 600:
		return SMS_OUT_TEMPORARY;
	}
	if (status >= 700)	/* nua's internal errors (9xx) */
		return SMS_OUT_TEMPORARY;
	return SMS_OUT_PERMANENT;
}

static void handle_reply(struct sip_message *sm, struct sip_out *o, int status, const char *phrase,
			 const sip_t *sip)
{
	enum sms_out_result res;
	char err[96];
	int64_t id = o->out_id;

	if (status < 200)
		return;
	res = classify(status);
	switch (res) {
	case SMS_OUT_OK:
		sm->stats.out_ok++;
		break;
	case SMS_OUT_TEMPORARY:
		sm->stats.out_temporary++;
		break;
	case SMS_OUT_PERMANENT:
		sm->stats.out_permanent++;
		stoop_ctr_inc(STOOP_CTR_ERR_SIP_SMS);
		break;
	}
	snprintf(err, sizeof(err), "SIP %d %s", status, phrase ? phrase : "");
	if (res != SMS_OUT_OK)
		LOGSM(LOGL_NOTICE, "out #%" PRId64 ": %s (%s)\n", id, err,
		      res == SMS_OUT_TEMPORARY ? "will retry" : "refused for good");
	out_free(o);
	sms_out_result(sm->sc, id, res, res == SMS_OUT_OK && sip && sip->sip_call_id ? sip->sip_call_id->i_id : NULL,
		       res == SMS_OUT_OK ? NULL : err);
	sms_sender_kick(sm->sc);
}

/*
 * nua events
 */
static struct sip_out *out_find(struct sip_message *sm, nua_handle_t *nh)
{
	struct sip_out *o;

	llist_for_each_entry(o, &sm->outs, list)
		if (o->nh == nh)
			return o;
	return NULL;
}

void sip_message_nua_event(int event, int status, const char *phrase, nua_t *nua, nua_handle_t *nh,
			   const sip_t *sip, void *priv)
{
	struct sip_message *sm = priv;
	struct sip_out *o = nh ? out_find(sm, nh) : NULL;

	switch (event) {
	case nua_i_message:
		if (status < 200 && sip)
			handle_message(sm, nh, sip);
		else if (!o)
			nua_handle_destroy(nh);
		break;
	case nua_r_message:
		if (o)
			handle_reply(sm, o, status, phrase, sip);
		break;
	case nua_r_shutdown:
		if (status >= 200) {
			sm->stopped = true;
			LOGSM(LOGL_INFO, "stopped\n");
		}
		break;
	case nua_i_error:
		LOGP(DSIP, LOGL_NOTICE, "sofia-sip error: %d %s\n", status, phrase ? phrase : "");
		break;
	case nua_i_options:
	case nua_i_invite:
	case nua_i_info:
	case nua_i_subscribe:
	case nua_i_publish:
	case nua_i_register:
	case nua_i_refer:
	case nua_i_notify:
		/* only MESSAGE and OPTIONS are allowed: nua answered already
		 * (200 or 405); one it left to us gets 501 */
		if (o)
			break;
		if (status < 200)
			nua_respond(nh, SIP_501_NOT_IMPLEMENTED, NUTAG_WITH_THIS(nua), TAG_END());
		nua_handle_destroy(nh);
		break;
	default:
		LOGP(DSIP, LOGL_DEBUG, "sofia-sip event %s %d %s\n", nua_event_name(event), status,
		     phrase ? phrase : "");
		break;
	}
}

static void nua_event_cb(nua_event_t event, int status, char const *phrase, nua_t *nua,
			 struct sip_message *sm, nua_handle_t *nh, nua_hmagic_t *hmagic, sip_t const *sip,
			 tagi_t tags[])
{
	sip_message_nua_event(event, status, phrase, nua, nh, sip, sm);
}

/*
 * Life cycle
 */
struct sip_message *sip_message_alloc(void *ctx, struct sms_channel *sc, const struct sip_message_config *cfg)
{
	struct sip_message *sm = talloc_zero(ctx, struct sip_message);
	unsigned i;

	sm->sc = sc;
	sm->cfg = *cfg;
	sm->cfg.local_ip = talloc_strdup(sm, cfg->local_ip ? cfg->local_ip : SIP_MESSAGE_DEFAULT_IP);
	if (!sm->cfg.local_port)
		sm->cfg.local_port = SIP_MESSAGE_DEFAULT_PORT;
	if (cfg->from_uri && *cfg->from_uri)
		sm->cfg.from_uri = talloc_strdup(sm, cfg->from_uri);
	else
		sm->cfg.from_uri = talloc_asprintf(sm, "sip:311@%s", sm->cfg.local_ip);
	sm->cfg.peers = talloc_array(sm, struct sip_peer, cfg->n_peers ? cfg->n_peers : 1);
	for (i = 0; i < cfg->n_peers; i++) {
		sm->cfg.peers[i] = cfg->peers[i];
		if (!sm->cfg.peers[i].port)
			sm->cfg.peers[i].port = SIP_MESSAGE_DEFAULT_PORT;
	}
	if (!sm->cfg.window)
		sm->cfg.window = SIP_DEFAULT_WINDOW;
	INIT_LLIST_HEAD(&sm->outs);
	sm->transport = (struct sms_transport){
		.name = SIP_TRANSPORT_NAME, .ready = sip_ready, .submit = sip_submit, .priv = sm,
	};
	sms_channel_add_transport(sc, &sm->transport);
	return sm;
}

static void log_started(struct sip_message *sm)
{
	if (!sm->cfg.n_peers)
		LOGSM(LOGL_ERROR, "no peer configured (`peer A.B.C.D` in the sip-sms node): every MESSAGE "
		      "will be refused\n");
	LOGSM(LOGL_NOTICE, "listening on %s port %u%s, %u peer%s, replies from %s\n", sm->cfg.local_ip,
	      sm->cfg.local_port, sm->guest ? " (the voice channel's SIP port)" : "", sm->cfg.n_peers,
	      sm->cfg.n_peers == 1 ? "" : "s", sm->cfg.from_uri);
}

int sip_message_start_guest(struct sip_message *sm, nua_t *nua)
{
	if (!nua)
		return -EINVAL;
	sm->nua = nua;
	sm->guest = true;
	log_started(sm);
	return 0;
}

int sip_message_start(struct sip_message *sm)
{
	char *url;

	if (sofia_init() != 0) {
		LOGSM(LOGL_ERROR, "cannot initialise sofia-sip\n");
		return -EIO;
	}
	sm->su_initialised = true;
	sm->root = su_glib_root_create(sm);
	if (!sm->root) {
		LOGSM(LOGL_ERROR, "cannot create sofia-sip's glib root\n");
		return -EIO;
	}
	su_root_threading(sm->root, 0);
	g_source_attach(su_glib_root_gsource(sm->root), g_main_context_default());

	url = talloc_asprintf(sm, "sip:%s:%u", sm->cfg.local_ip, sm->cfg.local_port);
	sm->nua = nua_create(sm->root, nua_event_cb, sm,
			     NUTAG_URL(url),
			     SIPTAG_ALLOW_STR("MESSAGE, OPTIONS"),
			     NUTAG_APPL_METHOD("MESSAGE"),
			     NUTAG_ENABLEMESSAGE(1),
			     NUTAG_ENABLEINVITE(0),
			     NUTAG_MEDIA_ENABLE(0),
			     SIPTAG_USER_AGENT_STR("stoop/" PACKAGE_VERSION),
			     TAG_END());
	talloc_free(url);
	if (!sm->nua) {
		LOGSM(LOGL_ERROR, "cannot listen for SIP on %s port %u (UDP and TCP): in use, or not "
		      "an address of this host?\n", sm->cfg.local_ip, sm->cfg.local_port);
		return -EADDRINUSE;
	}
	log_started(sm);
	return 0;
}

void sip_message_shutdown(struct sip_message *sm)
{
	if (!sm->nua) {
		sm->stopped = true;
		return;
	}
	if (sm->shutting_down)
		return;
	sm->shutting_down = true;
	/* replies still waiting for their answer stay queued in the store and
	 * leave again at the next start (a peer may see one twice); dropping
	 * their transactions lets nua's shutdown finish at once */
	while (!llist_empty(&sm->outs))
		out_free(llist_first_entry(&sm->outs, struct sip_out, list));
	if (sm->guest) {
		/* the host shuts its nua down */
		sm->stopped = true;
		return;
	}
	nua_shutdown(sm->nua);
}

bool sip_message_stopped(const struct sip_message *sm)
{
	return sm->stopped;
}

void sip_message_free(struct sip_message *sm)
{
	struct sip_out *o, *o2;

	if (!sm)
		return;
	if (sm->guest) {
		/* the host's nua: its handles go, the rest is the host's */
		while (!llist_empty(&sm->outs))
			out_free(llist_first_entry(&sm->outs, struct sip_out, list));
		talloc_free(sm);
		return;
	}
	/* (sip_message_shutdown() already dropped them, unless it never ran) */
	llist_for_each_entry_safe(o, o2, &sm->outs, list) {
		if (sm->nua && !sm->stopped)
			o->nh = NULL;	/* nua lives on (see below): leave its handles */
		out_free(o);
	}
	if (sm->nua && !sm->stopped) {
		/* nua_destroy() before its shutdown finished would free what its
		 * stack still uses: leave sofia-sip as it is, the process ends */
		LOGSM(LOGL_NOTICE, "sofia-sip did not finish its shutdown in time\n");
		talloc_free(sm);
		return;
	}
	if (sm->nua)
		nua_destroy(sm->nua);
	if (sm->root)
		su_root_destroy(sm->root);
	if (sm->su_initialised)
		sofia_deinit();
	talloc_free(sm);
}

const struct sip_message_stats *sip_message_stats(const struct sip_message *sm)
{
	((struct sip_message *)sm)->stats.outstanding = sm->n_outs;
	return &sm->stats;
}
