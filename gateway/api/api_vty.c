/* api_vty.c -- the Open311 API's configuration and console: the `open311`
 * node, the api keys (enable mode) and `show open311`.
 *
 *   open311
 *    bind 127.0.0.1 8311
 *    agency-responsible City 311
 *    page-size 1000
 *    rate-limit address 20 burst 40
 *    rate-limit api-key 10 burst 20
 *    service-target pothole 3d
 *    service-group pothole Streets
 *
 *   stoopd# open311 api-key add crm        prints the key, once
 *   stoopd# open311 api-key revoke crm
 *   stoopd# show open311
 *
 * Values land in g_app->cfg.open311 (core/app.h); the API starts at
 * stoopd's start-up when the node is present (core/main.c), so changes to
 * the node take effect at the next start.  Keys are in the store and take
 * effect at once.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <arpa/inet.h>

#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "api/api.h"
#include "core/app.h"
#include "core/logging.h"
#include "store/store.h"

static struct cmd_node open311_node = {
	OPEN311_NODE,
	"%s(config-open311)# ",
	1,
};

void open311_config_defaults(void *ctx, struct open311_config *cfg)
{
	cfg->bind_ip = talloc_strdup(ctx, OPEN311_DEFAULT_IP);
	cfg->port = OPEN311_DEFAULT_PORT;
	cfg->agency = talloc_strdup(ctx, OPEN311_DEFAULT_AGENCY);
	cfg->page_size = OPEN311_DEFAULT_PAGE_SIZE;
	cfg->addr_rate = OPEN311_DEFAULT_ADDR_RATE;
	cfg->addr_burst = OPEN311_DEFAULT_ADDR_BURST;
	cfg->key_rate = OPEN311_DEFAULT_KEY_RATE;
	cfg->key_burst = OPEN311_DEFAULT_KEY_BURST;
	INIT_LLIST_HEAD(&cfg->services);
}

struct open311_service_cfg *open311_config_service(void *ctx, struct open311_config *cfg,
						   const char *code, bool create)
{
	struct open311_service_cfg *s;

	llist_for_each_entry(s, &cfg->services, list)
		if (!strcmp(s->code, code))
			return s;
	if (!create)
		return NULL;
	s = talloc_zero(ctx, struct open311_service_cfg);
	s->code = talloc_strdup(s, code);
	llist_add_tail(&s->list, &cfg->services);
	return s;
}

static int config_write_open311(struct vty *vty)
{
	const struct open311_config *c = &g_app->cfg.open311;
	struct open311_service_cfg *s;

	if (!g_app->cfg.open311_on)
		return CMD_SUCCESS;
	vty_out(vty, "open311%s", VTY_NEWLINE);
	vty_out(vty, " bind %s %u%s", c->bind_ip, c->port, VTY_NEWLINE);
	vty_out(vty, " agency-responsible %s%s", c->agency, VTY_NEWLINE);
	vty_out(vty, " page-size %u%s", c->page_size, VTY_NEWLINE);
	vty_out(vty, " rate-limit address %u burst %u%s", c->addr_rate, c->addr_burst, VTY_NEWLINE);
	vty_out(vty, " rate-limit api-key %u burst %u%s", c->key_rate, c->key_burst, VTY_NEWLINE);
	llist_for_each_entry(s, &c->services, list) {
		if (s->target_s)
			vty_out(vty, " service-target %s %s%s", s->code, stoop_vty_fmt_duration(s->target_s),
				VTY_NEWLINE);
		if (s->group)
			vty_out(vty, " service-group %s %s%s", s->code, s->group, VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_open311, cfg_open311_cmd, "open311",
      "The Open311 GeoReport v2 HTTP API\n")
{
	if (!g_app->cfg.open311_on) {
		g_app->cfg.open311_on = true;
		stoop_vty_note_restart(vty);
	}
	vty->node = OPEN311_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_open311_bind, cfg_open311_bind_cmd, "bind A.B.C.D <1-65535>",
      "Where the API listens (HTTP)\n" "IPv4 address (127.0.0.1: this host only)\n" "TCP port\n")
{
	struct open311_config *c = &g_app->cfg.open311;
	struct in_addr a;

	if (inet_pton(AF_INET, argv[0], &a) != 1) {
		vty_out(vty, "%% Invalid address %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_talloc_replace_string(g_app, &c->bind_ip, argv[0]);
	c->port = atoi(argv[1]);
	stoop_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_open311_agency, cfg_open311_agency_cmd, "agency-responsible .NAME",
      "agency_responsible of a request until an update names one\n" "Agency name\n")
{
	char *name = argv_concat(argv, argc, 0);

	osmo_talloc_replace_string(g_app, &g_app->cfg.open311.agency, name);
	talloc_free(name);
	return CMD_SUCCESS;
}

DEFUN(cfg_open311_page, cfg_open311_page_cmd, "page-size <1-1000>",
      "Requests per page of requests.json without page_size\n" "Requests\n")
{
	g_app->cfg.open311.page_size = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_open311_rate, cfg_open311_rate_cmd, "rate-limit (address|api-key) <0-100000> burst <1-100000>",
      "Token bucket: requests per second, and how many may come at once\n"
      "Per client address (every request)\n" "Per api key (writes)\n"
      "Requests per second (0: no limit)\n" "Burst\n" "Requests at once\n")
{
	struct open311_config *c = &g_app->cfg.open311;

	if (!strcmp(argv[0], "address")) {
		c->addr_rate = atoi(argv[1]);
		c->addr_burst = atoi(argv[2]);
	} else {
		c->key_rate = atoi(argv[1]);
		c->key_burst = atoi(argv[2]);
	}
	stoop_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_open311_target, cfg_open311_target_cmd, "service-target SERVICE DURATION",
      "expected_datetime of a service's requests: requested_datetime plus this\n"
      "service_code (a svc.* prompt, e.g. pothole)\n" "Duration: 4h, 3d ...\n")
{
	struct open311_service_cfg *s;
	unsigned secs;

	if (stoop_vty_parse_duration(argv[1], &secs) < 0) {
		vty_out(vty, "%% Invalid duration '%s': a number with s, m, h or d, e.g. 3d%s", argv[1],
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	s = open311_config_service(g_app, &g_app->cfg.open311, argv[0], true);
	s->target_s = secs;
	stoop_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_open311_group, cfg_open311_group_cmd, "service-group SERVICE .GROUP",
      "The group a service is listed under in services.json\n"
      "service_code\n" "Group name\n")
{
	struct open311_service_cfg *s = open311_config_service(g_app, &g_app->cfg.open311, argv[0], true);
	char *group = argv_concat(argv, argc, 1);

	osmo_talloc_replace_string(s, &s->group, group);
	talloc_free(group);
	stoop_vty_note_restart(vty);
	return CMD_SUCCESS;
}

/*
 * Keys (enable mode) and show
 */

static bool api_key_name_ok(const char *name)
{
	const char *p;

	if (!*name || strlen(name) > 64)
		return false;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
		      || *p == '-' || *p == '_' || *p == '.'))
			return false;
	return true;
}

DEFUN(open311_key_add, open311_key_add_cmd, "open311 api-key add NAME",
      "The Open311 API\n" "Its api keys\n" "Make a key; it is shown once, only its hash is kept\n"
      "Who gets it (letters, digits, - _ .)\n")
{
	char *key;
	int rc = 0;

	if (!g_app->store) {
		vty_out(vty, "%% The store is not open%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (!api_key_name_ok(argv[0])) {
		vty_out(vty, "%% A key name is 1 to 64 letters, digits, '-', '_' or '.'%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	key = api_key_create(g_app, g_app->store, argv[0], &rc);
	if (!key) {
		vty_out(vty, "%% %s%s", rc == -EEXIST ? "A valid key of that name exists; revoke it first"
			: "Cannot store the key", VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (g_app->open311)
		api_keys_reload(open311_keys(g_app->open311));
	vty_out(vty, "api key %s: %s%s", argv[0], key, VTY_NEWLINE);
	vty_out(vty, "(shown once: only its salted hash is stored)%s", VTY_NEWLINE);
	talloc_free(key);
	return CMD_SUCCESS;
}

DEFUN(open311_key_revoke, open311_key_revoke_cmd, "open311 api-key revoke NAME",
      "The Open311 API\n" "Its api keys\n" "Revoke a key at once\n" "Key name\n")
{
	int rc;

	if (!g_app->store) {
		vty_out(vty, "%% The store is not open%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	rc = store_api_key_revoke(g_app->store, argv[0]);
	if (rc < 0) {
		vty_out(vty, "%% %s%s", rc == -ENOENT ? "No valid key of that name" : "The store failed",
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (g_app->open311)
		api_keys_reload(open311_keys(g_app->open311));
	LOGP(DAPI, LOGL_NOTICE, "api key '%s' revoked\n", argv[0]);
	vty_out(vty, "api key %s revoked%s", argv[0], VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(show_open311, show_open311_cmd, "show open311",
      SHOW_STR "The Open311 API: address, counters, api keys\n")
{
	const struct open311_config *c = &g_app->cfg.open311;
	struct store_api_key *keys = NULL;
	unsigned n = 0, i;

	if (g_app->open311) {
		const struct open311_stats *s = open311_stats(g_app->open311);
		vty_out(vty, "open311 on http://%s:%u/open311/v2/%s", c->bind_ip, c->port, VTY_NEWLINE);
		vty_out(vty, "requests %" PRIu64 ": 2xx %" PRIu64 ", 4xx %" PRIu64 ", 5xx %" PRIu64
			"; rate-limited %" PRIu64 ", too large %" PRIu64 ", api key refused %" PRIu64 "%s",
			s->requests, s->status_2xx, s->status_4xx, s->status_5xx, s->rate_limited,
			s->too_large, s->key_refused, VTY_NEWLINE);
		vty_out(vty, "cases filed %" PRIu64 ", joined %" PRIu64 ", updated %" PRIu64 "%s",
			s->created, s->joined, s->updated, VTY_NEWLINE);
	} else {
		vty_out(vty, "open311 is not running (no open311 node)%s", VTY_NEWLINE);
	}
	if (g_app->store && store_api_key_list(g_app->store, g_app, &keys, &n) == 0) {
		for (i = 0; i < n; i++)
			vty_out(vty, "api key %s: %s%s", keys[i].name, keys[i].revoked_at ? "revoked" : "valid",
				VTY_NEWLINE);
		talloc_free(keys);
	}
	return CMD_SUCCESS;
}

void open311_vty_init(void)
{
	install_element(CONFIG_NODE, &cfg_open311_cmd);
	install_node(&open311_node, config_write_open311);
	install_element(OPEN311_NODE, &cfg_open311_bind_cmd);
	install_element(OPEN311_NODE, &cfg_open311_agency_cmd);
	install_element(OPEN311_NODE, &cfg_open311_page_cmd);
	install_element(OPEN311_NODE, &cfg_open311_rate_cmd);
	install_element(OPEN311_NODE, &cfg_open311_target_cmd);
	install_element(OPEN311_NODE, &cfg_open311_group_cmd);
	install_element(ENABLE_NODE, &open311_key_add_cmd);
	install_element(ENABLE_NODE, &open311_key_revoke_cmd);
	install_element_ve(&show_open311_cmd);
}
