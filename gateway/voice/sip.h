/* sip.h -- the voice channel's SIP side: a sofia-sip nua user agent server
 * for INVITE / ACK / BYE / CANCEL / OPTIONS / INFO (and REFER out, its
 * NOTIFYs in, for transfers), in glib's main context
 * (core/glib_loop.c joins it to stoopd's loop).
 *
 * A call is accepted only from a configured peer (source address on the
 * allow-list; else 403), while fewer than max_calls are up (else 503), and
 * when its SDP offer has PCMU or PCMA (else 488).  The owner (voice/call.c)
 * gets the call with what it needs to run a flow: who calls, which number
 * was called (request-URI, Diversion, History-Info), where the caller's RTP
 * goes and in which codec; it answers with its RTP port, and hears about
 * DTMF sent as SIP INFO, re-INVITEs (new address, hold) and the end.
 * SDP is parsed with sofia-sip's sdp_parse() and the answer is written by
 * this module (nua's own offer/answer engine is off, as in
 * osmo-sip-connector).  Implemented in voice/sip.c (nua and the calls),
 * voice/sip_sdp.c (offer and answer) and voice/sip_divert.c (the user
 * parts, Diversion and History-Info); voice/sip_int.h joins them.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/sofia.h"

struct sip_ua;
struct sip_call;
struct sip_peer;

#define SIP_UA_DEFAULT_IP	"127.0.0.1"
#define SIP_UA_DEFAULT_PORT	5060

struct sip_ua_config {
	const char *local_ip;		/* UDP and TCP */
	uint16_t local_port;
	const char *rtp_ip;		/* the address in our SDP; NULL: local_ip */
	struct sip_peer *peers;		/* the allow-list (core/peers.h), port 0 */
	unsigned n_peers;
	unsigned max_calls;		/* 503 beyond; 0: no limit */
	unsigned timeout_ms;		/* 64*T1: how long an ACK (or the answer
					 * to our BYE) is waited for; 0: 32000 */
};

/* What the owner learns about a new call. */
struct sip_call_info {
	const char *call_id;
	const char *caller;		/* From user part ("+15551230001"), or "anonymous" */
	const char *called;		/* request-URI user part ("311"), or "" */
	const char *diverted_from;	/* Diversion / History-Info user part, or NULL:
					 * the number that diverted the call here */
	const char *diversion_reason;	/* "no-answer", "unconditional", "user-busy" ... or NULL */
	const char *remote_ip;		/* from the SDP c= line; NULL until the
					 * answer came (late offer, see below) */
	uint16_t remote_port;
	int pt;				/* 0 PCMU or 8 PCMA, the first of ours in the
					 * offer; -1 until the answer came */
	int dtmf_pt;			/* telephone-event/8000, or -1 */
	bool hold;			/* sendonly / inactive / 0.0.0.0 */
};

struct sip_ua_ops {
	/* A call passed the checks: set it up and return the local RTP port
	 * to answer with (200 OK goes out with it), 0 to answer later with
	 * sip_call_answer() (180 Ringing goes out now), or a negative errno
	 * to refuse (503; then no other op is called for c).  An INVITE
	 * without SDP (late offer) comes with remote_ip NULL and pt -1: the
	 * 200 carries our offer and media() tells the answer from the ACK. */
	int (*incoming)(struct sip_call *c, const struct sip_call_info *info, void *priv);
	/* The remote address, codec or hold changed (a re-INVITE), or the
	 * answer to our offer came (late offer). */
	void (*media)(struct sip_call *c, const struct sip_call_info *info);
	/* A digit sent as SIP INFO (application/dtmf-relay or application/dtmf);
	 * duration_ms 0 when the INFO gave none. */
	void (*dtmf)(struct sip_call *c, char key, unsigned duration_ms);
	/* The call is over (BYE, CANCEL, ACK timeout, hang-up, shutdown);
	 * exactly once for each call incoming() took, and c is freed after
	 * this returns.  reason is for the log ("bye", "cancel",
	 * "ack-timeout", "hangup", "bad-answer", "shutdown", ...). */
	void (*ended)(struct sip_call *c, const char *reason);
	/* The outcome of sip_call_refer(): 2xx when the target answered (the
	 * final NOTIFY's sipfrag), else the REFER's own error answer, the
	 * sipfrag's failure, 408 when no NOTIFY came in nua's time, 487 when
	 * the subscription ended without a final one. */
	void (*transferred)(struct sip_call *c, int status, const char *phrase);
};

struct sip_ua *sip_ua_alloc(void *ctx, const struct sip_ua_config *cfg, const struct sip_ua_ops *ops,
			    void *priv);
/* Bind and start answering.  Needs glib_loop_init() first. */
int sip_ua_start(struct sip_ua *ua);
/* Hang up every call and stop; sip_ua_stopped() is true when done (the
 * loop must keep turning until then). */
void sip_ua_shutdown(struct sip_ua *ua);
bool sip_ua_stopped(const struct sip_ua *ua);
void sip_ua_free(struct sip_ua *ua);

/* Share this UA's nua, and so its SIP port, with a guest that answers
 * requests of another method (SIP MESSAGE: sms/sip_message.c): they are
 * allowed, and they and the answers to the guest's own handles (made with
 * hmagic NULL) go to cb.  Before sip_ua_start(); 0, or -EBUSY. */
int sip_ua_host(struct sip_ua *ua, const char *method, sofia_guest_cb *cb, void *priv);
/* The nua, once started (for the guest's own requests); NULL before. */
struct nua_s *sip_ua_nua(const struct sip_ua *ua);

/* The owner's pointer for a call. */
void sip_call_set_priv(struct sip_call *c, void *priv);
void *sip_call_priv(const struct sip_call *c);
/* Answer a call whose incoming() returned 0: 200 OK with our SDP.  0, or
 * -EINVAL when the call is not waiting for its answer. */
int sip_call_answer(struct sip_call *c, uint16_t rtp_port);
/* Blind transfer: REFER to the caller's side with this Refer-To (a
 * name-addr, "<sip:agents@pbx?User-to-User=...>") and one more header line
 * ("User-to-User: ...", or NULL); transferred() tells the outcome.  0, or
 * -EINVAL when the call is not up or a REFER is under way. */
int sip_call_refer(struct sip_call *c, const char *refer_to, const char *header);
/* Hang up (BYE; 480 before the answer); ended() follows, later. */
void sip_call_hangup(struct sip_call *c);

struct sip_ua_stats {
	uint64_t invites, answered, refused_peer, refused_busy, refused_codec, refused_other;
	uint64_t cancelled, byes_in, byes_out, reinvites, infos, options, malformed;
	uint64_t refers, refers_ok;
	unsigned calls;
};
const struct sip_ua_stats *sip_ua_stats(const struct sip_ua *ua);
