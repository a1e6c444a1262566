/* sms_vty.c -- the SMS channel's configuration and console: the `sms` node
 * (dedup window, rate limit, long-text parts, accent folding), one `smsc
 * NAME` node per SMSC Stoop binds to, the `sip-sms` node (texts over SIP
 * MESSAGE from an allow-list of peers), and `show sms`.
 *
 *   sms
 *    dedup-window 10s
 *    rate-limit 20
 *    parts-timeout 2m
 *    fold-accents
 *   smsc carrier
 *    remote-ip 127.0.0.1
 *    remote-port 2775
 *    system-id stoop
 *    password secret
 *    source-addr 311
 *    window 10
 *    mps 50
 *   sip-sms
 *    local-ip 127.0.0.1
 *    local-port 5060
 *    peer 127.0.0.1
 *    peer 10.0.0.7 port 5070
 *    from-uri sip:311@127.0.0.1
 *
 * Values land in g_app->cfg (core/app.h); the channel and the ESMEs are
 * created from them at start-up (core/main.c), so changes made on the
 * console take effect at the next start.  The session expiry of SMS
 * conversations is the `stoop` node's session-expiry.
 */
#include <string.h>
#include <stdlib.h>
#include <inttypes.h>
#include <arpa/inet.h>

#include <talloc.h>

#include <osmocom/core/utils.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "core/app.h"
#include "core/peers.h"
#include "sms/sms.h"
#include "sms/smpp.h"
#include "sms/sip_message.h"
#include "store/store.h"

static struct cmd_node sms_node = {
	SMS_NODE,
	"%s(config-sms)# ",
	1,
};

static struct cmd_node smsc_node = {
	SMSC_NODE,
	"%s(config-smsc)# ",
	1,
};

static struct cmd_node sip_sms_node = {
	SIP_SMS_NODE,
	"%s(config-sip-sms)# ",
	1,
};

static int config_write_sms(struct vty *vty)
{
	const struct sms_config *c = &g_app->cfg.sms;

	vty_out(vty, "sms%s", VTY_NEWLINE);
	if (c->dedup_window_s)
		vty_out(vty, " dedup-window %s%s", stoop_vty_fmt_duration(c->dedup_window_s), VTY_NEWLINE);
	else
		vty_out(vty, " no dedup-window%s", VTY_NEWLINE);
	vty_out(vty, " rate-limit %u%s", c->rate_per_minute, VTY_NEWLINE);
	vty_out(vty, " parts-timeout %s%s", stoop_vty_fmt_duration(c->parts_timeout_s), VTY_NEWLINE);
	vty_out(vty, " %sfold-accents%s", c->fold ? "" : "no ", VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(cfg_sms, cfg_sms_cmd, "sms", "The SMS channel: duplicates, rate limit, long texts\n")
{
	vty->node = SMS_NODE;
	return CMD_SUCCESS;
}

static int parse_duration_or_warn(struct vty *vty, const char *arg, unsigned *secs)
{
	if (stoop_vty_parse_duration(arg, secs) < 0) {
		vty_out(vty, "%% Invalid duration '%s': a number with s, m, h or d, e.g. 10s%s", arg, VTY_NEWLINE);
		return -1;
	}
	return 0;
}

DEFUN(cfg_sms_dedup, cfg_sms_dedup_cmd, "dedup-window DURATION",
      "The same text from the same number within this time is answered once\n"
      "Duration: 10s, 1m ...\n")
{
	if (parse_duration_or_warn(vty, argv[0], &g_app->cfg.sms.dedup_window_s) < 0)
		return CMD_WARNING;
	return CMD_SUCCESS;
}

DEFUN(cfg_sms_no_dedup, cfg_sms_no_dedup_cmd, "no dedup-window",
      NO_STR "Answer every text, even a repeated one\n")
{
	g_app->cfg.sms.dedup_window_s = 0;
	return CMD_SUCCESS;
}

DEFUN(cfg_sms_rate, cfg_sms_rate_cmd, "rate-limit <0-10000>",
      "Texts a number may send per minute (then one polite refusal, then silence)\n"
      "Texts per minute, 0 for no limit\n")
{
	g_app->cfg.sms.rate_per_minute = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_sms_parts, cfg_sms_parts_cmd, "parts-timeout DURATION",
      "How long to wait for the missing parts of a long text\n"
      "Duration: 1m, 90s ...\n")
{
	if (parse_duration_or_warn(vty, argv[0], &g_app->cfg.sms.parts_timeout_s) < 0)
		return CMD_WARNING;
	return CMD_SUCCESS;
}

DEFUN(cfg_sms_fold, cfg_sms_fold_cmd, "fold-accents",
      "Send á í ó ú as a i o u so replies stay in GSM 03.38 (160 characters)\n")
{
	g_app->cfg.sms.fold = true;
	return CMD_SUCCESS;
}

DEFUN(cfg_sms_no_fold, cfg_sms_no_fold_cmd, "no fold-accents",
      NO_STR "Keep every accent (a reply with á goes as UCS-2, 70 characters)\n")
{
	g_app->cfg.sms.fold = false;
	return CMD_SUCCESS;
}

/*
 * smsc NAME
 */
struct app_smsc *app_smsc_find(const char *name)
{
	struct app_smsc *s;

	llist_for_each_entry(s, &g_app->cfg.smscs, list)
		if (!strcmp(s->cfg.name, name))
			return s;
	return NULL;
}

static int config_write_smsc(struct vty *vty)
{
	struct app_smsc *s;

	llist_for_each_entry(s, &g_app->cfg.smscs, list) {
		const struct smpp_config *c = &s->cfg;
		vty_out(vty, "smsc %s%s", c->name, VTY_NEWLINE);
		vty_out(vty, " remote-ip %s%s", c->host, VTY_NEWLINE);
		vty_out(vty, " remote-port %u%s", c->port, VTY_NEWLINE);
		vty_out(vty, " system-id %s%s", c->system_id, VTY_NEWLINE);
		vty_out(vty, " password %s%s", c->password, VTY_NEWLINE);
		if (c->system_type && *c->system_type)
			vty_out(vty, " system-type %s%s", c->system_type, VTY_NEWLINE);
		vty_out(vty, " source-addr %s ton %u npi %u%s", c->source_addr, c->source_ton, c->source_npi,
			VTY_NEWLINE);
		vty_out(vty, " window %u%s", c->window, VTY_NEWLINE);
		vty_out(vty, " mps %u%s", c->mps, VTY_NEWLINE);
		vty_out(vty, " enquire-link %s%s", stoop_vty_fmt_duration(c->enquire_link_s), VTY_NEWLINE);
		vty_out(vty, " response-timeout %s%s", stoop_vty_fmt_duration(c->resp_timeout_s), VTY_NEWLINE);
		vty_out(vty, " reconnect %s", stoop_vty_fmt_duration(c->reconnect_min_s));
		vty_out(vty, " %s%s", stoop_vty_fmt_duration(c->reconnect_max_s), VTY_NEWLINE);
		vty_out(vty, " %sregistered-delivery%s", c->registered_delivery ? "" : "no ", VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_smsc, cfg_smsc_cmd, "smsc NAME",
      "An SMSC (SMPP 3.4) Stoop binds to as a transceiver\n"
      "A name for logs and the console\n")
{
	struct app_smsc *s = app_smsc_find(argv[0]);

	if (!s) {
		s = talloc_zero(g_app, struct app_smsc);
		s->cfg = (struct smpp_config){
			.name = talloc_strdup(s, argv[0]),
			.host = talloc_strdup(s, "127.0.0.1"),
			.port = 2775,
			.system_id = talloc_strdup(s, "stoop"),
			.password = talloc_strdup(s, ""),
			.system_type = talloc_strdup(s, ""),
			.source_addr = talloc_strdup(s, "311"),
			.window = 10,
			.mps = 0,
			.enquire_link_s = 30,
			.resp_timeout_s = 10,
			.reconnect_min_s = 1,
			.reconnect_max_s = 60,
			.registered_delivery = true,
		};
		llist_add_tail(&s->list, &g_app->cfg.smscs);
		stoop_vty_note_restart(vty);
	}
	vty->index = s;
	vty->node = SMSC_NODE;
	return CMD_SUCCESS;
}

#define SMSC_CFG(vty) (&((struct app_smsc *)(vty)->index)->cfg)
#define SMSC_STR(vty, field, val) \
	osmo_talloc_replace_string((vty)->index, (char **)&SMSC_CFG(vty)->field, (val))

DEFUN(cfg_smsc_ip, cfg_smsc_ip_cmd, "remote-ip A.B.C.D",
      "The SMSC's IP address\n" "IPv4 address\n")
{
	SMSC_STR(vty, host, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_smsc_port, cfg_smsc_port_cmd, "remote-port <1-65535>",
      "The SMSC's TCP port\n" "Port (2775 is SMPP's)\n")
{
	SMSC_CFG(vty)->port = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_smsc_sysid, cfg_smsc_sysid_cmd, "system-id ID",
      "The system_id Stoop binds with\n" "At most 15 characters\n")
{
	if (strlen(argv[0]) > 15) {
		vty_out(vty, "%% system-id has at most 15 characters%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	SMSC_STR(vty, system_id, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_smsc_password, cfg_smsc_password_cmd, "password PASSWORD",
      "The password Stoop binds with\n" "At most 8 characters\n")
{
	if (strlen(argv[0]) > 8) {
		vty_out(vty, "%% an SMPP password has at most 8 characters%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	SMSC_STR(vty, password, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_smsc_systype, cfg_smsc_systype_cmd, "system-type TYPE",
      "The system_type Stoop binds with\n" "At most 12 characters\n")
{
	if (strlen(argv[0]) > 12) {
		vty_out(vty, "%% system-type has at most 12 characters%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	SMSC_STR(vty, system_type, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_smsc_source, cfg_smsc_source_cmd, "source-addr ADDR ton <0-6> npi <0-18>",
      "The number residents text, as replies show it\n" "Short code or number\n"
      "Type of number\n" "0 unknown, 1 international, 3 network-specific (short codes) ...\n"
      "Numbering plan\n" "0 unknown, 1 E.164 ...\n")
{
	if (strlen(argv[0]) > 20) {
		vty_out(vty, "%% source-addr has at most 20 characters%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	SMSC_STR(vty, source_addr, argv[0]);
	SMSC_CFG(vty)->source_ton = atoi(argv[1]);
	SMSC_CFG(vty)->source_npi = atoi(argv[2]);
	return CMD_SUCCESS;
}

DEFUN(cfg_smsc_window, cfg_smsc_window_cmd, "window <1-1000>",
      "submit_sm sent and not yet answered, at most\n" "Window size\n")
{
	SMSC_CFG(vty)->window = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_smsc_mps, cfg_smsc_mps_cmd, "mps <0-100000>",
      "Messages per second the SMSC allows\n" "Per second, 0 for no limit\n")
{
	SMSC_CFG(vty)->mps = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_smsc_enquire, cfg_smsc_enquire_cmd, "enquire-link DURATION",
      "Send enquire_link after this long without traffic\n" "Duration, e.g. 30s\n")
{
	return parse_duration_or_warn(vty, argv[0], &SMSC_CFG(vty)->enquire_link_s) < 0 ? CMD_WARNING : CMD_SUCCESS;
}

DEFUN(cfg_smsc_resp_timeout, cfg_smsc_resp_timeout_cmd, "response-timeout DURATION",
      "A response later than this counts as lost\n" "Duration, e.g. 10s\n")
{
	return parse_duration_or_warn(vty, argv[0], &SMSC_CFG(vty)->resp_timeout_s) < 0 ? CMD_WARNING : CMD_SUCCESS;
}

DEFUN(cfg_smsc_reconnect, cfg_smsc_reconnect_cmd, "reconnect DURATION DURATION",
      "Back-off between reconnection attempts\n" "First wait, e.g. 1s\n" "Longest wait, e.g. 60s\n")
{
	unsigned lo, hi;

	if (parse_duration_or_warn(vty, argv[0], &lo) < 0 || parse_duration_or_warn(vty, argv[1], &hi) < 0)
		return CMD_WARNING;
	if (hi < lo) {
		vty_out(vty, "%% the longest wait is shorter than the first%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	SMSC_CFG(vty)->reconnect_min_s = lo;
	SMSC_CFG(vty)->reconnect_max_s = hi;
	return CMD_SUCCESS;
}

DEFUN(cfg_smsc_dlr, cfg_smsc_dlr_cmd, "registered-delivery",
      "Ask the SMSC for delivery receipts\n")
{
	SMSC_CFG(vty)->registered_delivery = true;
	return CMD_SUCCESS;
}

DEFUN(cfg_smsc_no_dlr, cfg_smsc_no_dlr_cmd, "no registered-delivery",
      NO_STR "Ask for no delivery receipts\n")
{
	SMSC_CFG(vty)->registered_delivery = false;
	return CMD_SUCCESS;
}

/*
 * sip-sms
 */
static int config_write_sip_sms(struct vty *vty)
{
	const struct sip_message_config *c = &g_app->cfg.sip;

	if (!g_app->cfg.sip_sms)
		return CMD_SUCCESS;
	vty_out(vty, "sip-sms%s", VTY_NEWLINE);
	vty_out(vty, " local-ip %s%s", c->local_ip, VTY_NEWLINE);
	vty_out(vty, " local-port %u%s", c->local_port, VTY_NEWLINE);
	sip_peer_vty_write(vty, c->peers, c->n_peers, SIP_MESSAGE_DEFAULT_PORT);
	if (c->from_uri && *c->from_uri)
		vty_out(vty, " from-uri %s%s", c->from_uri, VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_sms, cfg_sip_sms_cmd, "sip-sms",
      "Texts over SIP MESSAGE (RFC 3428) from configured peers\n")
{
	struct sip_message_config *c = &g_app->cfg.sip;

	if (!g_app->cfg.sip_sms) {
		g_app->cfg.sip_sms = true;
		if (!c->local_ip)
			c->local_ip = talloc_strdup(g_app, SIP_MESSAGE_DEFAULT_IP);
		if (!c->local_port)
			c->local_port = SIP_MESSAGE_DEFAULT_PORT;
		stoop_vty_note_restart(vty);
	}
	vty->node = SIP_SMS_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_sms_ip, cfg_sip_sms_ip_cmd, "local-ip A.B.C.D",
      "The address stoopd listens on for SIP (UDP and TCP)\n" "IPv4 address of this host\n")
{
	osmo_talloc_replace_string(g_app, (char **)&g_app->cfg.sip.local_ip, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_sms_port, cfg_sip_sms_port_cmd, "local-port <1-65535>",
      "The port stoopd listens on for SIP\n" "Port (5060 is SIP's)\n")
{
	g_app->cfg.sip.local_port = atoi(argv[0]);
	return CMD_SUCCESS;
}

static int sip_peer_set(struct vty *vty, const char *ip, unsigned port)
{
	struct sip_message_config *c = &g_app->cfg.sip;

	return sip_peer_vty_set(vty, g_app, &c->peers, &c->n_peers, ip, port);
}

DEFUN(cfg_sip_sms_peer, cfg_sip_sms_peer_cmd, "peer A.B.C.D",
      "A peer allowed to send texts; replies for its residents go to its port 5060\n"
      "The peer's IPv4 address (the source address of its MESSAGEs)\n")
{
	return sip_peer_set(vty, argv[0], SIP_MESSAGE_DEFAULT_PORT);
}

DEFUN(cfg_sip_sms_peer_port, cfg_sip_sms_peer_port_cmd, "peer A.B.C.D port <1-65535>",
      "A peer allowed to send texts\n"
      "The peer's IPv4 address (the source address of its MESSAGEs)\n"
      "Where replies for its residents go\n" "The peer's SIP port\n")
{
	return sip_peer_set(vty, argv[0], atoi(argv[1]));
}

DEFUN(cfg_sip_sms_no_peer, cfg_sip_sms_no_peer_cmd, "no peer A.B.C.D",
      NO_STR "Take a peer off the allow-list\n" "The peer's IPv4 address\n")
{
	struct sip_message_config *c = &g_app->cfg.sip;

	return sip_peer_vty_remove(vty, c->peers, &c->n_peers, argv[0]);
}

DEFUN(cfg_sip_sms_from, cfg_sip_sms_from_cmd, "from-uri URI",
      "The From of replies\n" "A SIP URI, e.g. sip:311@gateway.example.org\n")
{
	if (strncmp(argv[0], "sip:", 4) && strncmp(argv[0], "sips:", 5)) {
		vty_out(vty, "%% from-uri must be a sip: or sips: URI%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_talloc_replace_string(g_app, (char **)&g_app->cfg.sip.from_uri, argv[0]);
	return CMD_SUCCESS;
}

/*
 * show sms
 */
DEFUN(show_sms, show_sms_cmd, "show sms",
      SHOW_STR "The SMS channel: SMSC links, SIP MESSAGE, texts in and out, the queue\n")
{
	struct app_smsc *s;
	unsigned q = 0, sent = 0, dlv = 0, failed = 0, in = 0;

	if (!g_app->sms) {
		vty_out(vty, "%% The SMS channel is not running%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	llist_for_each_entry(s, &g_app->cfg.smscs, list) {
		const struct smpp_stats *st;
		if (!s->esme)
			continue;
		st = smpp_esme_stats(s->esme);
		vty_out(vty, "smsc %s %s:%u %s: binds %" PRIu64 ", bind failures %" PRIu64
			", reconnects %" PRIu64 ", outstanding %u%s", s->cfg.name, s->cfg.host, s->cfg.port,
			smpp_esme_state_name(s->esme), st->binds, st->bind_failures, st->reconnects,
			st->outstanding, VTY_NEWLINE);
		vty_out(vty, "  deliver_sm %" PRIu64 " (refused %" PRIu64 ", receipts %" PRIu64 "), submit_sm %"
			PRIu64 " (ok %" PRIu64 ", throttled %" PRIu64 ", failed %" PRIu64 ", timed out %" PRIu64
			"), generic_nack %" PRIu64 ", malformed %" PRIu64 "%s", st->deliver_in, st->deliver_bad,
			st->receipts, st->submit_out, st->submit_ok, st->submit_throttled, st->submit_failed,
			st->submit_timeouts, st->generic_nacks, st->malformed, VTY_NEWLINE);
	}
	if (g_app->sip_sms) {
		const struct sip_message_stats *st = sip_message_stats(g_app->sip_sms);
		vty_out(vty, "sip-sms %s:%u: MESSAGE in %" PRIu64 " (accepted %" PRIu64 ", again %" PRIu64
			"; refused: peer %" PRIu64 ", type %" PRIu64 ", body %" PRIu64 ", from %" PRIu64
			", store %" PRIu64 ")%s", g_app->cfg.sip.local_ip, g_app->cfg.sip.local_port, st->in,
			st->accepted, st->duplicates, st->refused_peer, st->refused_type, st->refused_body,
			st->refused_from, st->store_errors, VTY_NEWLINE);
		vty_out(vty, "  MESSAGE out %" PRIu64 " (ok %" PRIu64 ", temporary failures %" PRIu64
			", refused %" PRIu64 "), outstanding %u%s", st->out, st->out_ok, st->out_temporary,
			st->out_permanent, st->outstanding, VTY_NEWLINE);
	}
	{
		const struct sms_stats *st = sms_channel_stats(g_app->sms);
		vty_out(vty, "texts in %" PRIu64 " (repeated %" PRIu64 ", rate-limited %" PRIu64 ", long-text parts %"
			PRIu64 ", parts never came %" PRIu64 ")%s", st->mo_in, st->mo_duplicate, st->mo_rate_limited,
			st->parts_in, st->parts_missing, VTY_NEWLINE);
		vty_out(vty, "opt-outs %" PRIu64 ", opt-ins %" PRIu64 ", help %" PRIu64 "%s", st->opt_outs,
			st->opt_ins, st->help, VTY_NEWLINE);
		vty_out(vty, "texts out: queued %" PRIu64 ", sent %" PRIu64 ", retried %" PRIu64 ", failed %" PRIu64
			"%s", st->mt_queued, st->mt_sent, st->mt_retried, st->mt_failed, VTY_NEWLINE);
	}
	store_sms_out_count(g_app->store, STORE_SMS_OUT_QUEUED, &q);
	store_sms_out_count(g_app->store, STORE_SMS_OUT_SENT, &sent);
	store_sms_out_count(g_app->store, STORE_SMS_OUT_DELIVERED, &dlv);
	store_sms_out_count(g_app->store, STORE_SMS_OUT_FAILED, &failed);
	store_sms_in_count(g_app->store, &in);
	vty_out(vty, "store: %u texts in; out %u queued, %u sent, %u delivered, %u failed%s", in, q, sent, dlv,
		failed, VTY_NEWLINE);
	return CMD_SUCCESS;
}

void sms_vty_init(void)
{
	install_element(CONFIG_NODE, &cfg_sms_cmd);
	install_node(&sms_node, config_write_sms);
	install_element(SMS_NODE, &cfg_sms_dedup_cmd);
	install_element(SMS_NODE, &cfg_sms_no_dedup_cmd);
	install_element(SMS_NODE, &cfg_sms_rate_cmd);
	install_element(SMS_NODE, &cfg_sms_parts_cmd);
	install_element(SMS_NODE, &cfg_sms_fold_cmd);
	install_element(SMS_NODE, &cfg_sms_no_fold_cmd);

	install_element(CONFIG_NODE, &cfg_smsc_cmd);
	install_node(&smsc_node, config_write_smsc);
	install_element(SMSC_NODE, &cfg_smsc_ip_cmd);
	install_element(SMSC_NODE, &cfg_smsc_port_cmd);
	install_element(SMSC_NODE, &cfg_smsc_sysid_cmd);
	install_element(SMSC_NODE, &cfg_smsc_password_cmd);
	install_element(SMSC_NODE, &cfg_smsc_systype_cmd);
	install_element(SMSC_NODE, &cfg_smsc_source_cmd);
	install_element(SMSC_NODE, &cfg_smsc_window_cmd);
	install_element(SMSC_NODE, &cfg_smsc_mps_cmd);
	install_element(SMSC_NODE, &cfg_smsc_enquire_cmd);
	install_element(SMSC_NODE, &cfg_smsc_resp_timeout_cmd);
	install_element(SMSC_NODE, &cfg_smsc_reconnect_cmd);
	install_element(SMSC_NODE, &cfg_smsc_dlr_cmd);
	install_element(SMSC_NODE, &cfg_smsc_no_dlr_cmd);

	install_element(CONFIG_NODE, &cfg_sip_sms_cmd);
	install_node(&sip_sms_node, config_write_sip_sms);
	install_element(SIP_SMS_NODE, &cfg_sip_sms_ip_cmd);
	install_element(SIP_SMS_NODE, &cfg_sip_sms_port_cmd);
	install_element(SIP_SMS_NODE, &cfg_sip_sms_peer_cmd);
	install_element(SIP_SMS_NODE, &cfg_sip_sms_peer_port_cmd);
	install_element(SIP_SMS_NODE, &cfg_sip_sms_no_peer_cmd);
	install_element(SIP_SMS_NODE, &cfg_sip_sms_from_cmd);

	install_element_ve(&show_sms_cmd);
}
