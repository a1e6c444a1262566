/* sofia.c -- the sofia-sip start-up, log redirection and request source
 * address (and its allow-list check) that sms/sip_message.c and voice/sip.c
 * share (core/sofia.h).
 * sofia-sip's log lines have no level of their own and may quote a URI
 * (a caller's number) or a header: they go to DSIP at debug, the one level
 * where whole numbers are allowed.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <sofia-sip/su.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/msg_addr.h>

#include "core/logging.h"
#include "core/peers.h"
#include "core/sofia.h"

static unsigned sofia_users;

static void sofia_logger(void *stream, char const *fmt, va_list ap)
{
	char line[512];
	size_t len;

	vsnprintf(line, sizeof(line), fmt, ap);
	len = strlen(line);
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (len)
		LOGP(DSIP, LOGL_DEBUG, "sofia-sip: %s\n", line);
}

int sofia_init(void)
{
	if (sofia_users++)
		return 0;
	if (su_init() != 0) {
		sofia_users = 0;
		return -1;
	}
	su_log_redirect(su_log_default, sofia_logger, NULL);
	su_log_redirect(su_log_global, sofia_logger, NULL);
	return 0;
}

void sofia_deinit(void)
{
	if (!sofia_users || --sofia_users)
		return;
	su_deinit();
}

int sofia_request_source(msg_t *req, char *addr, size_t size)
{
	su_addrinfo_t *ai = req ? msg_addrinfo(req) : NULL;
	struct in_addr in;

	snprintf(addr, size, "(unknown)");
	if (!ai || !ai->ai_addr)
		return -1;
	if (ai->ai_addr->sa_family == AF_INET) {
		in = ((const struct sockaddr_in *)ai->ai_addr)->sin_addr;
	} else if (ai->ai_addr->sa_family == AF_INET6) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
		inet_ntop(AF_INET6, a6, addr, size);
		if (!IN6_IS_ADDR_V4MAPPED(a6))
			return -1;
		memcpy(&in, &a6->s6_addr[12], 4);
	} else {
		return -1;
	}
	inet_ntop(AF_INET, &in, addr, size);
	return 0;
}

int sofia_request_peer(msg_t *req, const struct sip_peer *peers, unsigned n_peers, char *addr, size_t size)
{
	if (sofia_request_source(req, addr, size) < 0)
		return -1;
	return sip_peer_find(peers, n_peers, addr);
}
