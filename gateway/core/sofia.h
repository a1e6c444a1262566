/* sofia.h -- what both of stoopd's sofia-sip user agents need alike (SMS over
 * SIP MESSAGE, sms/sip_message.c; the voice channel, voice/sip.c): the
 * library started once for however many user agents, its own log lines
 * going to DSIP, and the source address of a request for the allow-list
 * checks.  Each agent keeps its own su_root and nua.  In libstoopsip (the
 * one library that links sofia-sip); implemented in core/sofia.c. */
#pragma once

#include <stddef.h>

struct msg_s;

/* su_init() and sofia-sip's log to DSIP, for the first user agent;
 * counted, so each user agent calls both. */
int sofia_init(void);
void sofia_deinit(void);

/* The source address of a request as a dotted quad (an IPv4-mapped IPv6
 * address as its IPv4 address) in addr: 0.  -1 when it has none or is
 * IPv6; addr then holds what there is to log ("(unknown)" or the IPv6
 * address). */
int sofia_request_source(struct msg_s *req, char *addr, size_t size);
