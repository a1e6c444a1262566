/* sofia.h -- what both of stoopd's sofia-sip user agents need alike (SMS over
 * SIP MESSAGE, sms/sip_message.c; the voice channel, voice/sip.c): the
 * library started once for however many user agents, its own log lines
 * going to DSIP, the source address of a request and its allow-list check
 * (the list is core/peers.h's), and the hook by which the two share one
 * nua (one SIP port) when they are configured on the same address: the voice channel's nua then
 * hands SIP MESSAGE to the SMS side as a "guest".  In libstoopsip (the one
 * library that links sofia-sip); implemented in core/sofia.c. */
#pragma once

#include <stddef.h>

struct msg_s;
struct nua_s;
struct nua_handle_s;
struct sip_s;
struct sip_peer;

/* A guest of another user agent's nua: it gets the requests of its method
 * (a new handle, hmagic NULL) and every event of the handles it made
 * itself with hmagic NULL.  The arguments of a nua callback, less the
 * magics and the tags; event is a nua_event_t. */
typedef void sofia_guest_cb(int event, int status, const char *phrase, struct nua_s *nua,
			    struct nua_handle_s *nh, const struct sip_s *sip, void *priv);

/* su_init() and sofia-sip's log to DSIP, for the first user agent;
 * counted, so each user agent calls both. */
int sofia_init(void);
void sofia_deinit(void);

/* The source address of a request as a dotted quad (an IPv4-mapped IPv6
 * address as its IPv4 address) in addr: 0.  -1 when it has none or is
 * IPv6; addr then holds what there is to log ("(unknown)" or the IPv6
 * address). */
int sofia_request_source(struct msg_s *req, char *addr, size_t size);

/* The index in peers of the request's source address (sofia_request_source()
 * in addr, for the log), or -1: no address, or one not on the list. */
int sofia_request_peer(struct msg_s *req, const struct sip_peer *peers, unsigned n_peers, char *addr,
		       size_t size);
