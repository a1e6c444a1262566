/* peers.c -- the SIP peer allow-list the SMS and voice channels share
 * (core/peers.h): the lookup by address and the VTY lines that edit and
 * write it.  Addresses are kept in inet_ntop()'s form because the
 * allow-list compares text: a request's source address
 * (sofia_request_source()) comes in that form.  Which node the lines
 * belong to, and what a peer's port means, is the channels' VTY files'.
 */
#include <string.h>
#include <arpa/inet.h>

#include <talloc.h>

#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "core/peers.h"

int sip_peer_find(const struct sip_peer *peers, unsigned n_peers, const char *ip)
{
	unsigned i;

	for (i = 0; i < n_peers; i++)
		if (!strcmp(peers[i].ip, ip))
			return i;
	return -1;
}

int sip_peer_vty_set(struct vty *vty, void *ctx, struct sip_peer **peers, unsigned *n_peers,
		     const char *ip, uint16_t port)
{
	struct sip_peer *p;
	struct in_addr in;
	int i = sip_peer_find(*peers, *n_peers, ip);

	if (inet_pton(AF_INET, ip, &in) != 1) {
		vty_out(vty, "%% '%s' is not an IPv4 address%s", ip, VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (i < 0) {
		p = talloc_realloc(ctx, *peers, struct sip_peer, *n_peers + 1);
		if (!p)
			return CMD_WARNING;
		*peers = p;
		i = (*n_peers)++;
	}
	inet_ntop(AF_INET, &in, (*peers)[i].ip, sizeof((*peers)[i].ip));
	(*peers)[i].port = port;
	return CMD_SUCCESS;
}

int sip_peer_vty_remove(struct vty *vty, struct sip_peer *peers, unsigned *n_peers, const char *ip)
{
	int i = sip_peer_find(peers, *n_peers, ip);

	if (i < 0) {
		vty_out(vty, "%% No peer %s%s", ip, VTY_NEWLINE);
		return CMD_WARNING;
	}
	memmove(&peers[i], &peers[i + 1], (*n_peers - i - 1) * sizeof(peers[0]));
	(*n_peers)--;
	return CMD_SUCCESS;
}

void sip_peer_vty_write(struct vty *vty, const struct sip_peer *peers, unsigned n_peers,
			uint16_t default_port)
{
	unsigned i;

	for (i = 0; i < n_peers; i++) {
		if (peers[i].port == default_port)
			vty_out(vty, " peer %s%s", peers[i].ip, VTY_NEWLINE);
		else
			vty_out(vty, " peer %s port %u%s", peers[i].ip, peers[i].port, VTY_NEWLINE);
	}
}
