/* sip_message.h -- SMS over SIP MESSAGE (RFC 3428): a sofia-sip user agent
 * that takes residents' texts from configured SIP peers (an SMS gateway, a
 * carrier's IMS edge, Kamailio) and sends the replies back to them as
 * MESSAGE.  Implemented in sms/sip_message.c; its su_root runs in glib's
 * main context, which core/glib_loop.c drives from stoopd's loop. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct sms_channel;
struct sip_message;
struct nua_s;
struct nua_handle_s;
struct sip_s;
struct sip_peer;

#define SIP_MESSAGE_DEFAULT_IP		"127.0.0.1"
#define SIP_MESSAGE_DEFAULT_PORT	5060
#define SIP_MESSAGE_MAX_BODY		1600	/* bytes; a longer body gets 413 */

struct sip_message_config {
	const char *local_ip;		/* the address stoopd listens on (UDP and TCP) */
	uint16_t local_port;
	const char *from_uri;		/* From of replies; NULL: sip:311@local_ip */
	struct sip_peer *peers;		/* the allow-list: peers allowed to send
					 * texts, and where replies for their
					 * residents go (core/peers.h) */
	unsigned n_peers;
	unsigned window;		/* replies awaiting their final response; 0: 32 */
};

struct sip_message *sip_message_alloc(void *ctx, struct sms_channel *sc, const struct sip_message_config *cfg);
/* Bind the socket and start answering.  Needs glib_loop_init() first. */
int sip_message_start(struct sip_message *sm);
/* Or answer on another user agent's nua, the voice channel's when both
 * are configured on the same address and port (one SIP port): the host
 * (voice/sip.h sip_ua_host) hands sip_message_nua_event() the MESSAGEs
 * and the answers to ours; nua is the host's, started. */
int sip_message_start_guest(struct sip_message *sm, struct nua_s *nua);
void sip_message_nua_event(int event, int status, const char *phrase, struct nua_s *nua,
			   struct nua_handle_s *nh, const struct sip_s *sip, void *priv);
/* Stop: outstanding requests end, then sip_message_stopped() is true (the
 * loop must keep turning until then); sip_message_free() releases it all. */
void sip_message_shutdown(struct sip_message *sm);
bool sip_message_stopped(const struct sip_message *sm);
void sip_message_free(struct sip_message *sm);

struct sip_message_stats {
	uint64_t in, accepted, duplicates;
	uint64_t refused_peer, refused_type, refused_body, refused_from, store_errors;
	uint64_t out, out_ok, out_temporary, out_permanent;
	unsigned outstanding;
};
const struct sip_message_stats *sip_message_stats(const struct sip_message *sm);
