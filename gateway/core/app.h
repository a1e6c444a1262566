/* app.h -- struct app, the one owner of stoopd's global state: the talloc
 * root, the configuration read from stoop.cfg (core/vty.c fills it in), the
 * open store and the loaded flow set.  Other modules get what they need from
 * g_app; none keeps a global of its own.
 *
 * Start-up order and the main loop are in core/main.c; the configuration
 * nodes and the console commands in core/vty.c.  The store and the flow
 * language have their own headers (store/store.h, flow/flow.h).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/timer.h>
#include <osmocom/vty/command.h>

#include "store/store.h"
#include "sms/sms.h"
#include "sms/smpp.h"
#include "sms/sip_message.h"
#include "voice/call.h"
#include "api/api.h"

struct flow_set;
struct stoop_hours;

/* The VTY nodes stoopd adds after libosmovty's own. */
enum stoop_vty_node {
	STOOP_NODE = _LAST_OSMOVTY_NODE + 1,
	STORE_NODE,
	SMS_NODE,
	SMSC_NODE,
	SIP_SMS_NODE,
	VOICE_NODE,
	HOURS_NODE,
	OPEN311_NODE,
};

/* One configured SMSC (`smsc NAME` in stoop.cfg) and its ESME. */
struct app_smsc {
	struct llist_head list;		/* in app_cfg.smscs */
	struct smpp_config cfg;
	struct smpp_esme *esme;		/* made at start-up */
};

/* Defaults that are not paths (paths depend on STOOP_DATADIR, see main.c). */
#define APP_DEFAULT_LANG		"en"
#define APP_DEFAULT_ENTRY		"main"
#define APP_DEFAULT_SESSION_EXPIRY_S	(30 * 60)
#define APP_DEFAULT_VTY_PORT		4311
#define APP_DEFAULT_SMS_DEDUP_S		10
#define APP_DEFAULT_SMS_RATE		20	/* texts per number and minute */
#define APP_DEFAULT_SMS_PARTS_S		120
#define APP_STATS_REFRESH_S		5	/* gauges read from the store */

struct app_cfg {
	char *flows_dir;		/* every *.flow in it */
	char *prompts_dir;		/* <lang>/catalog and WAVs below it */
	char *default_lang;
	char *entry_sms;		/* "flow" or "flow.state" */
	char *entry_voice;
	unsigned session_expiry_s;	/* an idle SMS session ends after this */
	char *recordings_dir;		/* where calls' recordings are written */

	char *db_path;			/* SQLite file, or ":memory:" */
	enum store_sync db_sync;

	struct sms_config sms;		/* `sms` node; session expiry from above */
	struct llist_head smscs;	/* struct app_smsc, `smsc NAME` nodes */
	bool sip_sms;			/* a `sip-sms` node was configured */
	struct sip_message_config sip;	/* its settings (peers a talloc array) */
	bool voice_on;			/* a `voice` node was configured */
	struct voice_config voice;	/* its settings (peers a talloc array) */
	bool open311_on;		/* an `open311` node was configured */
	struct open311_config open311;	/* its settings */

	/* Where these were configured ("stoop.cfg:7"), to name the line when
	 * the flow set turns out to have no such language or target; NULL for
	 * the embedded defaults and for changes made on the console. */
	char *default_lang_where;
	char *entry_sms_where;
	char *entry_voice_where;
};

struct app {
	void *ctx;			/* talloc root: everything hangs off it */
	const char *config_file;	/* NULL: running on embedded defaults */
	struct app_cfg cfg;

	struct store *store;
	struct flow_set *flows;
	struct stoop_hours *hours;	/* the `hours` node; the flows read $hours from it */
	struct sms_channel *sms;	/* NULL without any smsc or sip-sms configured */
	struct sip_message *sip_sms;	/* SMS over SIP MESSAGE, if configured */
	struct voice_prompts *prompts;	/* the voice channel's audio */
	struct voice_channel *voice;	/* NULL without a voice node */
	struct open311 *open311;	/* the HTTP API, NULL without an open311 node */
	struct osmo_timer_list sms_tick;
	struct osmo_timer_list stats_tick;	/* gauges for statsd (core/main.c) */

	struct timespec started;	/* CLOCK_MONOTONIC, for uptime */
	bool quit;
};

extern struct app *g_app;

/* sms/sms_vty.c: the `sms`, `smsc` and `sip-sms` nodes, `show sms`. */
void sms_vty_init(void);
struct app_smsc *app_smsc_find(const char *name);

/* voice/voice_vty.c: the `voice` node, `show calls`. */
void voice_vty_init(void);
/* Fill in what a voice node has unless configured (addresses, ports). */
void voice_vty_defaults(void);

/* core/cc_vty.c: the `hours` node, `show hours`, announcements, callbacks. */
void cc_vty_init(void);
/* api/api_vty.c: the `open311` node, api keys, `show open311`. */
void open311_vty_init(void);

/* core/vty.c */
void stoop_vty_init(void);
/* Read a config file.  On an error libosmovty prints the offending line;
 * this adds "file:line: ..." and returns a negative errno. */
int stoop_vty_read_config(const char *path);
/* "file:line" of the config line being read now, or NULL when the command
 * came from the telnet console.  Allocated under ctx. */
char *stoop_vty_config_where(void *ctx);
/* "30m", "90s", "2h", "1d" or plain seconds (1 s .. 30 days); -EINVAL. */
int stoop_vty_parse_duration(const char *s, unsigned *secs);
/* The shortest form stoop_vty_parse_duration() reads back (static buffer). */
const char *stoop_vty_fmt_duration(unsigned secs);
/* Tell the console user that a change takes effect at the next start. */
void stoop_vty_note_restart(struct vty *vty);
