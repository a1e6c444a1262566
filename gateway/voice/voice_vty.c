/* voice_vty.c -- the voice channel's configuration and console: the `voice`
 * node and `show calls`.
 *
 *   voice
 *    local-ip 127.0.0.1
 *    local-port 5060
 *    rtp-ip 127.0.0.1
 *    rtp-ports 16384 32767
 *    peer 127.0.0.1
 *    max-calls 2000
 *    route 311 main
 *    route 3115550100 afterhours
 *    route diverted 3115550123 overflow
 *    inband-dtmf
 *    dtmf-dedup 400
 *    agent agents sip:agents@10.0.0.5
 *    agent agents sip:agentes@10.0.0.5 lang es
 *    transfer-header User-to-User
 *    transfer-timeout 15s
 *    answer-delay 0
 *
 * Values land in g_app->cfg.voice (core/app.h); the channel is created
 * from them at start-up (core/main.c), so changes made on the console take
 * effect at the next start.  A call without a matching route starts at the
 * `stoop` node's `entry voice`.
 */
#include <string.h>
#include <stdlib.h>
#include <arpa/inet.h>

#include <talloc.h>

#include <osmocom/core/utils.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "core/app.h"
#include "core/peers.h"
#include "voice/call.h"
#include "voice/transfer.h"

static struct cmd_node voice_node = {
	VOICE_NODE,
	"%s(config-voice)# ",
	1,
};

#define VCFG (&g_app->cfg.voice)

static int config_write_voice(struct vty *vty)
{
	const struct voice_config *c = VCFG;
	const struct voice_route *r;
	const struct voice_agent *a;

	if (!g_app->cfg.voice_on)
		return CMD_SUCCESS;
	vty_out(vty, "voice%s", VTY_NEWLINE);
	vty_out(vty, " local-ip %s%s", c->sip.local_ip, VTY_NEWLINE);
	vty_out(vty, " local-port %u%s", c->sip.local_port, VTY_NEWLINE);
	if (c->sip.rtp_ip)
		vty_out(vty, " rtp-ip %s%s", c->sip.rtp_ip, VTY_NEWLINE);
	vty_out(vty, " rtp-ports %u %u%s", c->rtp.port_min, c->rtp.port_max, VTY_NEWLINE);
	sip_peer_vty_write(vty, c->sip.peers, c->sip.n_peers, 0);
	vty_out(vty, " max-calls %u%s", c->sip.max_calls, VTY_NEWLINE);
	llist_for_each_entry(r, &c->routes, list)
		vty_out(vty, " route %s%s %s%s", r->diverted ? "diverted " : "", r->number, r->entry, VTY_NEWLINE);
	vty_out(vty, " %sinband-dtmf%s", c->inband_dtmf ? "" : "no ", VTY_NEWLINE);
	vty_out(vty, " dtmf-dedup %u%s", c->dtmf_dedup_ms, VTY_NEWLINE);
	llist_for_each_entry(a, &c->agents, list)
		vty_out(vty, " agent %s %s%s%s%s", a->queue, a->uri, a->lang ? " lang " : "",
			a->lang ? a->lang : "", VTY_NEWLINE);
	vty_out(vty, " transfer-header %s%s", c->transfer_header, VTY_NEWLINE);
	vty_out(vty, " transfer-timeout %s%s", stoop_vty_fmt_duration(c->transfer_timeout_ms / 1000),
		VTY_NEWLINE);
	vty_out(vty, " answer-delay %u%s", c->answer_delay_ms, VTY_NEWLINE);
	return CMD_SUCCESS;
}

void voice_vty_defaults(void)
{
	struct voice_config *c = VCFG;

	if (!c->sip.local_ip)
		c->sip.local_ip = talloc_strdup(g_app, SIP_UA_DEFAULT_IP);
	if (!c->sip.local_port)
		c->sip.local_port = SIP_UA_DEFAULT_PORT;
	if (!c->rtp.port_min) {
		c->rtp.port_min = VOICE_DEFAULT_RTP_MIN;
		c->rtp.port_max = VOICE_DEFAULT_RTP_MAX;
	}
}

DEFUN(cfg_voice, cfg_voice_cmd, "voice",
      "Calls: SIP from configured peers, touch-tone flows with recorded prompts\n")
{
	if (!g_app->cfg.voice_on) {
		g_app->cfg.voice_on = true;
		voice_vty_defaults();
		stoop_vty_note_restart(vty);
	}
	vty->node = VOICE_NODE;
	return CMD_SUCCESS;
}

static int ip_arg(struct vty *vty, const char *ip)
{
	struct in_addr in;

	if (inet_pton(AF_INET, ip, &in) != 1) {
		vty_out(vty, "%% '%s' is not an IPv4 address%s", ip, VTY_NEWLINE);
		return -1;
	}
	return 0;
}

DEFUN(cfg_voice_ip, cfg_voice_ip_cmd, "local-ip A.B.C.D",
      "The address stoopd takes calls on (SIP over UDP and TCP)\n" "IPv4 address of this host\n")
{
	if (ip_arg(vty, argv[0]) < 0)
		return CMD_WARNING;
	osmo_talloc_replace_string(g_app, (char **)&VCFG->sip.local_ip, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_voice_port, cfg_voice_port_cmd, "local-port <1-65535>",
      "The SIP port for calls\n" "Port (5060 is SIP's)\n")
{
	VCFG->sip.local_port = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_voice_rtp_ip, cfg_voice_rtp_ip_cmd, "rtp-ip A.B.C.D",
      "The address of the RTP sockets, given in SDP (default: local-ip)\n" "IPv4 address of this host\n")
{
	if (ip_arg(vty, argv[0]) < 0)
		return CMD_WARNING;
	osmo_talloc_replace_string(g_app, (char **)&VCFG->sip.rtp_ip, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_voice_rtp_ports, cfg_voice_rtp_ports_cmd, "rtp-ports <1024-65534> <1025-65535>",
      "The UDP ports of calls' audio (an even one for RTP, the next for RTCP)\n"
      "Lowest port\n" "Highest port\n")
{
	unsigned lo = atoi(argv[0]), hi = atoi(argv[1]);

	if (hi < lo + 1) {
		vty_out(vty, "%% rtp-ports: the range %u-%u holds no RTP/RTCP pair%s", lo, hi, VTY_NEWLINE);
		return CMD_WARNING;
	}
	VCFG->rtp.port_min = lo;
	VCFG->rtp.port_max = hi;
	return CMD_SUCCESS;
}

DEFUN(cfg_voice_peer, cfg_voice_peer_cmd, "peer A.B.C.D",
      "A peer allowed to call (a carrier's SBC, the contact center's PBX)\n"
      "The peer's IPv4 address (the source address of its INVITEs)\n")
{
	struct voice_config *c = VCFG;

	return sip_peer_vty_set(vty, g_app, &c->sip.peers, &c->sip.n_peers, argv[0], 0);
}

DEFUN(cfg_voice_no_peer, cfg_voice_no_peer_cmd, "no peer A.B.C.D",
      NO_STR "Take a peer off the allow-list\n" "The peer's IPv4 address\n")
{
	struct voice_config *c = VCFG;

	return sip_peer_vty_remove(vty, c->sip.peers, &c->sip.n_peers, argv[0]);
}

DEFUN(cfg_voice_max_calls, cfg_voice_max_calls_cmd, "max-calls <0-100000>",
      "Calls up at once; one more is answered 503 (0: no limit)\n" "Number of calls\n")
{
	VCFG->sip.max_calls = atoi(argv[0]);
	return CMD_SUCCESS;
}

static bool number_ok(const char *s)
{
	size_t i = s[0] == '+' ? 1 : 0;

	if (!s[i] || strlen(s) > 32)
		return false;
	for (; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static struct voice_route *route_find(const char *number, bool diverted)
{
	struct voice_route *r;

	llist_for_each_entry(r, &VCFG->routes, list)
		if (r->diverted == diverted && !strcmp(r->number, number))
			return r;
	return NULL;
}

static int route_set(struct vty *vty, const char *number, const char *entry, bool diverted)
{
	struct voice_route *r;

	if (!number_ok(number)) {
		vty_out(vty, "%% route: '%s' is not a number (digits, an optional leading +)%s", number,
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	r = route_find(number, diverted);
	if (!r) {
		r = talloc_zero(g_app, struct voice_route);
		r->number = talloc_strdup(r, number);
		r->diverted = diverted;
		llist_add_tail(&r->list, &VCFG->routes);
	}
	osmo_talloc_replace_string(r, &r->entry, entry);
	talloc_free(r->where);
	r->where = stoop_vty_config_where(r);
	return CMD_SUCCESS;
}

DEFUN(cfg_voice_route, cfg_voice_route_cmd, "route NUMBER ENTRY",
      "Calls to a number start at a flow\n"
      "The called number (request-URI user part), e.g. 311\n"
      "A flow, or flow.state\n")
{
	return route_set(vty, argv[0], argv[1], false);
}

DEFUN(cfg_voice_route_div, cfg_voice_route_div_cmd, "route diverted NUMBER ENTRY",
      "Calls to a number start at a flow\n"
      "Calls diverted from a number (Diversion, History-Info), e.g. the contact center's queue\n"
      "The number the call was diverted from\n"
      "A flow, or flow.state\n")
{
	return route_set(vty, argv[0], argv[1], true);
}

static int route_del(struct vty *vty, const char *number, bool diverted)
{
	struct voice_route *r = route_find(number, diverted);

	if (!r) {
		vty_out(vty, "%% No route %s%s%s", diverted ? "diverted " : "", number, VTY_NEWLINE);
		return CMD_WARNING;
	}
	llist_del(&r->list);
	talloc_free(r);
	return CMD_SUCCESS;
}

DEFUN(cfg_voice_no_route, cfg_voice_no_route_cmd, "no route NUMBER",
      NO_STR "Remove a route\n" "The called number\n")
{
	return route_del(vty, argv[0], false);
}

DEFUN(cfg_voice_no_route_div, cfg_voice_no_route_div_cmd, "no route diverted NUMBER",
      NO_STR "Remove a route\n" "Calls diverted from a number\n" "The number\n")
{
	return route_del(vty, argv[0], true);
}

DEFUN(cfg_voice_inband, cfg_voice_inband_cmd, "inband-dtmf",
      "Also listen for touch tones in the call's audio (phones that send no RFC 4733 events)\n")
{
	VCFG->inband_dtmf = true;
	return CMD_SUCCESS;
}

DEFUN(cfg_voice_no_inband, cfg_voice_no_inband_cmd, "no inband-dtmf",
      NO_STR "Take keys only from RFC 4733 events and SIP INFO\n")
{
	VCFG->inband_dtmf = false;
	return CMD_SUCCESS;
}

DEFUN(cfg_voice_dedup, cfg_voice_dedup_cmd, "dtmf-dedup <0-5000>",
      "The same key from two sources (RFC 4733, SIP INFO, in-band) within this is one press\n"
      "Milliseconds\n")
{
	VCFG->dtmf_dedup_ms = atoi(argv[0]);
	return CMD_SUCCESS;
}

/* A queue name as flows write it: [a-z][a-z0-9_]*. */
static bool queue_ok(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z') || strlen(s) > 32)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static struct voice_agent *agent_find(const char *queue, const char *lang)
{
	struct voice_agent *a;

	llist_for_each_entry(a, &VCFG->agents, list)
		if (!strcmp(a->queue, queue) && ((!a->lang && !lang) || (a->lang && lang && !strcmp(a->lang, lang))))
			return a;
	return NULL;
}

static int agent_set(struct vty *vty, const char *queue, const char *uri, const char *lang)
{
	struct voice_agent *a;

	if (!queue_ok(queue)) {
		vty_out(vty, "%% agent: '%s' is not a queue name (lower case letters, digits, _)%s", queue,
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (strncmp(uri, "sip:", 4) || strlen(uri) < 5 || strlen(uri) > 200 || strpbrk(uri, "<>\" \t")) {
		vty_out(vty, "%% agent: '%s' is not a SIP URI (sip:user@host[:port])%s", uri, VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (lang && !queue_ok(lang)) {
		vty_out(vty, "%% agent: '%s' is not a language code%s", lang, VTY_NEWLINE);
		return CMD_WARNING;
	}
	a = agent_find(queue, lang);
	if (!a) {
		a = talloc_zero(g_app, struct voice_agent);
		a->queue = talloc_strdup(a, queue);
		a->lang = lang ? talloc_strdup(a, lang) : NULL;
		llist_add_tail(&a->list, &VCFG->agents);
	}
	osmo_talloc_replace_string(a, &a->uri, uri);
	return CMD_SUCCESS;
}

DEFUN(cfg_voice_agent, cfg_voice_agent_cmd, "agent QUEUE URI",
      "Where a flow's `transfer queue=QUEUE` sends a call (SIP REFER)\n"
      "The queue, as the flows name it (e.g. agents)\n"
      "The agents' SIP URI, e.g. sip:agents@10.0.0.5\n")
{
	return agent_set(vty, argv[0], argv[1], NULL);
}

DEFUN(cfg_voice_agent_lang, cfg_voice_agent_lang_cmd, "agent QUEUE URI lang LANG",
      "Where a flow's `transfer queue=QUEUE` sends a call (SIP REFER)\n"
      "The queue, as the flows name it (e.g. agents)\n"
      "The agents' SIP URI, e.g. sip:agentes@10.0.0.5\n"
      "Only for callers in one language (before a line without one)\n"
      "The language code, e.g. es\n")
{
	return agent_set(vty, argv[0], argv[1], argv[2]);
}

static int agent_del(struct vty *vty, const char *queue, const char *lang)
{
	struct voice_agent *a = agent_find(queue, lang);

	if (!a) {
		vty_out(vty, "%% No agent line for %s%s%s%s", queue, lang ? " lang " : "", lang ? lang : "",
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	llist_del(&a->list);
	talloc_free(a);
	return CMD_SUCCESS;
}

DEFUN(cfg_voice_no_agent, cfg_voice_no_agent_cmd, "no agent QUEUE",
      NO_STR "Remove an agent line\n" "The queue\n")
{
	return agent_del(vty, argv[0], NULL);
}

DEFUN(cfg_voice_no_agent_lang, cfg_voice_no_agent_lang_cmd, "no agent QUEUE lang LANG",
      NO_STR "Remove an agent line\n" "The queue\n" "Of one language\n" "The language code\n")
{
	return agent_del(vty, argv[0], argv[1]);
}

DEFUN(cfg_voice_xfer_header, cfg_voice_xfer_header_cmd, "transfer-header NAME",
      "The header that carries a transfer's context to the agent\n"
      "User-to-User (RFC 7433, hex; the default) or another header name, in plain text\n")
{
	char *refer_to, *line;

	if (voice_transfer_refer(NULL, "sip:x@y", argv[0], "", &refer_to, &line) < 0) {
		vty_out(vty, "%% transfer-header: '%s' is not a header name%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	talloc_free(refer_to);
	talloc_free(line);
	VCFG->transfer_header = talloc_strdup(g_app, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_voice_xfer_timeout, cfg_voice_xfer_timeout_cmd, "transfer-timeout DURATION",
      "How long a transfer may take (REFER to the final NOTIFY) before the flow's fallback runs\n"
      "e.g. 15s, 1m\n")
{
	unsigned secs;

	if (stoop_vty_parse_duration(argv[0], &secs) < 0 || !secs || secs > 600) {
		vty_out(vty, "%% transfer-timeout: '%s' is not a duration of 1s to 10m%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	VCFG->transfer_timeout_ms = secs * 1000;
	return CMD_SUCCESS;
}

DEFUN(cfg_voice_answer_delay, cfg_voice_answer_delay_cmd, "answer-delay <0-30000>",
      "Ring (180 Ringing) this long before answering (200 OK); the flow starts at the answer\n"
      "Milliseconds (0: answer at once)\n")
{
	VCFG->answer_delay_ms = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(show_calls, show_calls_cmd, "show calls",
      SHOW_STR "Calls up now, and the voice channel's counters\n")
{
	if (!g_app->voice) {
		vty_out(vty, "voice: not configured (no voice node)%s", VTY_NEWLINE);
		return CMD_SUCCESS;
	}
	voice_channel_show(g_app->voice, vty);
	return CMD_SUCCESS;
}

void voice_vty_init(void)
{
	install_element(CONFIG_NODE, &cfg_voice_cmd);
	install_node(&voice_node, config_write_voice);
	install_element(VOICE_NODE, &cfg_voice_ip_cmd);
	install_element(VOICE_NODE, &cfg_voice_port_cmd);
	install_element(VOICE_NODE, &cfg_voice_rtp_ip_cmd);
	install_element(VOICE_NODE, &cfg_voice_rtp_ports_cmd);
	install_element(VOICE_NODE, &cfg_voice_peer_cmd);
	install_element(VOICE_NODE, &cfg_voice_no_peer_cmd);
	install_element(VOICE_NODE, &cfg_voice_max_calls_cmd);
	install_element(VOICE_NODE, &cfg_voice_route_cmd);
	install_element(VOICE_NODE, &cfg_voice_route_div_cmd);
	install_element(VOICE_NODE, &cfg_voice_no_route_cmd);
	install_element(VOICE_NODE, &cfg_voice_no_route_div_cmd);
	install_element(VOICE_NODE, &cfg_voice_inband_cmd);
	install_element(VOICE_NODE, &cfg_voice_no_inband_cmd);
	install_element(VOICE_NODE, &cfg_voice_dedup_cmd);
	install_element(VOICE_NODE, &cfg_voice_agent_cmd);
	install_element(VOICE_NODE, &cfg_voice_agent_lang_cmd);
	install_element(VOICE_NODE, &cfg_voice_no_agent_cmd);
	install_element(VOICE_NODE, &cfg_voice_no_agent_lang_cmd);
	install_element(VOICE_NODE, &cfg_voice_xfer_header_cmd);
	install_element(VOICE_NODE, &cfg_voice_xfer_timeout_cmd);
	install_element(VOICE_NODE, &cfg_voice_answer_delay_cmd);
	install_element_ve(&show_calls_cmd);
}
