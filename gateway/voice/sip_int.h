/* sip_int.h -- inside the voice channel's SIP side: the SDP offer/answer
 * (voice/sip_sdp.c), the reading of user parts, Diversion and History-Info
 * (voice/sip_divert.c) and of DTMF in SIP INFO bodies (voice/sip_dtmf.c)
 * that voice/sip.c uses.  Plain strings in and out, no nua, so
 * tests/voice/sip_parse_test.c checks them on their own.  The public
 * surface is voice/sip.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIP_USER_MAX		32	/* characters of a user part we pass on */
#define SIP_REASON_MAX		24	/* characters of a diversion reason */
#define SIP_SDP_MAX		16384	/* bytes of SDP we read */
#define SIP_SDP_MAX_MLINES	16	/* m= lines of an offer we answer */
#define SIP_SDP_DTMF_PT		101	/* telephone-event in our own offer */

enum sip_sdp_mode {			/* a=inactive/sendonly/recvonly/sendrecv */
	SIP_SDP_INACTIVE = 0,
	SIP_SDP_SENDONLY = 1,
	SIP_SDP_RECVONLY = 2,
	SIP_SDP_SENDRECV = 3,
};

/* The remote side's audio, as an offer or answer describes it. */
struct sip_sdp_media {
	char ip[16];			/* dotted quad from c= */
	uint16_t port;
	int pt;				/* 0 PCMU or 8 PCMA */
	int dtmf_pt;			/* telephone-event/8000, or -1 */
	enum sip_sdp_mode mode;		/* the remote's direction */
	bool hold;			/* sendonly, inactive, or c=0.0.0.0 */
};

/* A parsed offer: the chosen audio stream and what the answer must list. */
struct sip_sdp_offer {
	struct sip_sdp_media media;
	unsigned n_mlines;		/* m= lines in the offer */
	unsigned audio;			/* the index of the one we answer */
	char *mline_rejected[SIP_SDP_MAX_MLINES];	/* "video 0 RTP/AVP 31" for the others */
};

/* What we put into our SDP. */
struct sip_sdp_local {
	const char *ip;			/* dotted quad */
	uint16_t port;
	uint64_t sess_id, sess_version;
};

/* Why an SDP was not taken. */
enum sip_sdp_error {
	SIP_SDP_OK = 0,
	SIP_SDP_UNPARSABLE,		/* 400 */
	SIP_SDP_NO_AUDIO,		/* 488 */
	SIP_SDP_NO_CODEC,		/* 488 */
	SIP_SDP_UNSUPPORTED,		/* 488: SRTP, IPv6, a host name, ... */
};

/* Read an offer (or, with offer NULL, an answer to our offer into media):
 * the first RTP/AVP audio stream with PCMU or PCMA, that codec (the first
 * of ours in the stream's order) and telephone-event/8000.  The offer's
 * strings hang off ctx.  SIP_SDP_OK, or an error with a line for the log
 * in why. */
enum sip_sdp_error sip_sdp_read(void *ctx, const char *body, size_t len, struct sip_sdp_offer *offer,
				struct sip_sdp_media *media, char *why, size_t why_size);
/* Our answer to an offer read by sip_sdp_read(), on ctx. */
char *sip_sdp_answer(void *ctx, const struct sip_sdp_offer *offer, const struct sip_sdp_local *local);
/* Our offer (PCMU, PCMA, telephone-event 101), on ctx. */
char *sip_sdp_offer(void *ctx, const struct sip_sdp_local *local);
/* The SDP status code and a short phrase for an error. */
int sip_sdp_error_status(enum sip_sdp_error err, const char **phrase);

/* A user part as it reaches the owner: unescaped (%2B), parameters cut
 * (";npdi"), only [0-9A-Za-z+*#._-], at most SIP_USER_MAX; false if
 * nothing of that is left. */
bool sip_user_clean(const char *user, size_t len, char *out, size_t size);
/* The user part of a SIP, SIPS or tel URI in text ("sip:+1555@host;x=y"). */
bool sip_uri_user(const char *uri, size_t len, char *out, size_t size);

struct sip_divert {
	char from[SIP_USER_MAX + 1];	/* the number that diverted the call */
	char reason[SIP_REASON_MAX + 1];	/* "no-answer" ..., or "" */
};
/* Diversion (RFC 5806) header values, top-most first: the top-most entry
 * is the last diversion, the one that sent the call here. */
bool sip_divert_diversion(const char *const *values, unsigned n, struct sip_divert *d);
/* History-Info (RFC 7044) header values in order: the latest entry before
 * the one for called that names another user, and the cause of the
 * retargeting (cause= on a later entry's URI, RFC 4458, or the Reason in
 * its own URI) mapped to a Diversion reason as RFC 7544 does. */
bool sip_divert_history(const char *const *values, unsigned n, const char *called, struct sip_divert *d);

#define SIP_DTMF_MAX_BODY	256	/* bytes of an INFO body we read */
#define SIP_DTMF_MAX_MS		60000	/* a longer Duration is not believed */
/* An application/dtmf-relay body ("Signal=5\r\nDuration=160"): the key
 * ('0'..'9', '*', '#', 'A'..'D'; events 10..15 as RFC 4733 numbers them)
 * and the duration (0 if none); false if it is not one digit. */
bool sip_dtmf_relay_parse(const char *body, size_t len, char *key, unsigned *duration_ms);
/* An application/dtmf body ("5", or an event number). */
bool sip_dtmf_parse(const char *body, size_t len, char *key);
