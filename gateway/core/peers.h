/* peers.h -- the allow-list of SIP peers that both SIP channels keep (SMS
 * over SIP MESSAGE, sms/sip_message.c; the voice channel, voice/sip.c): a
 * peer's address, found by the text of a request's source address, and the
 * `peer` / `no peer` lines of their VTY nodes (sms/sms_vty.c,
 * voice/voice_vty.c).  Matching a request's source address against the
 * list is core/sofia.h's sofia_request_peer(); this file knows no SIP.
 * Implemented in core/peers.c.
 */
#pragma once

#include <stdint.h>

struct vty;

struct sip_peer {
	char ip[16];			/* dotted quad, compared with the source address */
	uint16_t port;			/* SMS: replies go to sip:<number>@ip:port;
					 * voice: 0, calls are only taken */
};

/* The index of the peer whose address is ip as text, or -1. */
int sip_peer_find(const struct sip_peer *peers, unsigned n_peers, const char *ip);

/* `peer A.B.C.D`: add ip (in its normalised form) to the talloc array
 * *peers under ctx, or give an entry already there the port. */
int sip_peer_vty_set(struct vty *vty, void *ctx, struct sip_peer **peers, unsigned *n_peers,
		     const char *ip, uint16_t port);
/* `no peer A.B.C.D`. */
int sip_peer_vty_remove(struct vty *vty, struct sip_peer *peers, unsigned *n_peers, const char *ip);
/* The `peer` lines of a config write; a peer's port is written when it is
 * not default_port. */
void sip_peer_vty_write(struct vty *vty, const struct sip_peer *peers, unsigned n_peers,
			uint16_t default_port);
