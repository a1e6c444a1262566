/* main.c -- stoopd start-up, the main loop and shut-down; nothing else.
 *
 * Start-up runs in this order, and stops with a message naming the file
 * (and line) at the first thing that is wrong:
 *   options -> logging -> VTY -> config file (-c, else the installed
 *   stoop.cfg if there is one, else the embedded defaults) -> the test
 *   clock of the business hours (STOOP_CLOCK) -> fd limit ->
 *   store (its directory is created) -> counters (core/stats.c) -> flows
 *   (every error as file:line:col) -> telnet console -> signals -> loop.
 * Path defaults come from the build (STOOP_DATADIR, STOOP_STATEDIR,
 * STOOP_SYSCONFDIR in gateway/Makefile.am); the environment variables
 * STOOP_DATADIR and STOOP_DB override them so stoopd runs from a source
 * tree, and the config file overrides both.
 *
 * The loop is libosmocore's: `while (!quit) glib_loop_iterate()`, which is
 * osmo_select_main_ctx(0) plus one iteration of glib's main context, where
 * sofia-sip runs (core/glib_loop.c says why it is this way round).  On the
 * way out the SIP user agent is shut down before the store closes.
 * Signals arrive through a signalfd, so SIGINT/SIGTERM (quit) and SIGUSR1
 * (talloc report on stderr) are handled inside the loop, not in a signal
 * handler.  Configuration and console commands are in core/vty.c, the state
 * they fill in is struct app (core/app.h).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <talloc.h>

#include <osmocom/core/application.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/select.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/stats.h>
#include <osmocom/vty/telnet_interface.h>
#include <osmocom/vty/vty.h>

#include "core/app.h"
#include "core/glib_loop.h"
#include "core/hours.h"
#include "core/logging.h"
#include "core/stats.h"
#include "flow/flow.h"
#include "store/store.h"
#include "voice/prompts.h"
#include "voice/transfer.h"

#define STOOP_DEFAULT_CONFIG	STOOP_SYSCONFDIR "/stoop/stoop.cfg"

struct app *g_app;

static struct {
	const char *config_file;	/* -c */
} opts;

static struct vty_app_info vty_info = {
	.name = "stoopd",
	.version = PACKAGE_VERSION,
	.copyright =
	"Stoop, the SMS and touch-tone self-service gateway for 311.\r\n",
};

static void print_help(void)
{
	printf("Usage: stoopd [-c CONFIG]\n"
	       "Stoop's 311 gateway daemon: flows, cases and the operator console.\n"
	       "\n"
	       "  -c, --config-file FILE  read FILE (default: %s if it exists,\n"
	       "                          else the embedded defaults)\n"
	       "  -V, --version           print the version and exit\n"
	       "  -h, --help              print this text and exit\n"
	       "\n"
	       "Environment: STOOP_DATADIR (flows/ and prompts/ below it, default %s),\n"
	       "STOOP_DB (database, default %s/stoop.db); the config file wins over both.\n"
	       "Console: telnet 127.0.0.1 %d (see `line vty` / `bind` in the config).\n",
	       STOOP_DEFAULT_CONFIG, STOOP_DATADIR, STOOP_STATEDIR, APP_DEFAULT_VTY_PORT);
}

static void handle_options(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "config-file", required_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:Vh", long_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			opts.config_file = optarg;
			break;
		case 'V':
			printf("stoopd %s\n", PACKAGE_VERSION);
			exit(0);
		case 'h':
			print_help();
			exit(0);
		default:
			fprintf(stderr, "Try 'stoopd --help'.\n");
			exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "stoopd: unexpected argument '%s'. Try 'stoopd --help'.\n",
			argv[optind]);
		exit(2);
	}
}

/* The embedded defaults, before any config file is read. */
static void app_set_defaults(struct app *app)
{
	const char *datadir = getenv("STOOP_DATADIR");
	const char *db = getenv("STOOP_DB");
	struct app_cfg *cfg = &app->cfg;

	if (!datadir || !*datadir)
		datadir = STOOP_DATADIR;
	if (!db || !*db)
		db = STOOP_STATEDIR "/stoop.db";
	cfg->flows_dir = talloc_asprintf(app, "%s/flows", datadir);
	cfg->prompts_dir = talloc_asprintf(app, "%s/prompts", datadir);
	cfg->default_lang = talloc_strdup(app, APP_DEFAULT_LANG);
	cfg->entry_sms = talloc_strdup(app, APP_DEFAULT_ENTRY);
	cfg->entry_voice = talloc_strdup(app, APP_DEFAULT_ENTRY);
	cfg->session_expiry_s = APP_DEFAULT_SESSION_EXPIRY_S;
	cfg->recordings_dir = talloc_strdup(app, STOOP_STATEDIR "/recordings");
	cfg->db_path = talloc_strdup(app, db);
	app->hours = stoop_hours_alloc(app);
	cfg->db_sync = STORE_SYNC_FULL;
	cfg->sms = (struct sms_config){
		.dedup_window_s = APP_DEFAULT_SMS_DEDUP_S,
		.rate_per_minute = APP_DEFAULT_SMS_RATE,
		.parts_timeout_s = APP_DEFAULT_SMS_PARTS_S,
		.fold = true,
	};
	INIT_LLIST_HEAD(&cfg->smscs);
	cfg->voice = (struct voice_config){
		.sip.max_calls = VOICE_DEFAULT_MAX_CALLS,
		.inband_dtmf = true,
		.dtmf_dedup_ms = VOICE_DEFAULT_DTMF_DEDUP_MS,
		.transfer_header = VOICE_UUI_HEADER,
		.transfer_timeout_ms = VOICE_DEFAULT_TRANSFER_TIMEOUT_MS,
	};
	INIT_LLIST_HEAD(&cfg->voice.routes);
	INIT_LLIST_HEAD(&cfg->voice.agents);
	open311_config_defaults(app, &cfg->open311);
	cfg->sip = (struct sip_message_config){
		.local_port = SIP_MESSAGE_DEFAULT_PORT,
	};
}

static void app_sms_tick(void *data)
{
	struct app *app = data;

	sms_channel_tick(app->sms);
	osmo_timer_schedule(&app->sms_tick, 1, 0);
}

/* The gauges core/stats.c cannot see for itself: calls up (the voice
 * channel), SMS conversations and the outbound queue (the store; two
 * indexed counts). */
static void app_gauges_refresh(void *data)
{
	struct app *app = data;
	unsigned n;

	stoop_gauge_set(STOOP_GAUGE_CALLS_ACTIVE, app->voice ? voice_channel_stats(app->voice)->active : 0);
	if (app->store && store_session_count(app->store, &n) == 0)
		stoop_gauge_set(STOOP_GAUGE_SMS_SESSIONS, n);
	if (app->store && store_sms_out_count(app->store, STORE_SMS_OUT_QUEUED, &n) == 0)
		stoop_gauge_set(STOOP_GAUGE_SMS_QUEUED, n);
}

/* The gauges are read again every few seconds for the statsd reporter,
 * which sends what they last held. */
static void app_stats_tick(void *data)
{
	struct app *app = data;

	app_gauges_refresh(app);
	osmo_timer_schedule(&app->stats_tick, APP_STATS_REFRESH_S, 0);
}

static int app_start_stats(struct app *app)
{
	if (stoop_stats_init(app->ctx, app_gauges_refresh, app) < 0)
		return -ENOMEM;
	osmo_timer_setup(&app->stats_tick, app_stats_tick, app);
	app_stats_tick(app);
	return 0;
}

/* Do the sip-sms and voice nodes name the same address and port?  Then
 * one SIP port takes calls and texts: the voice channel's nua, with SMS
 * over SIP MESSAGE as its guest. */
static bool app_sip_shared(const struct app *app)
{
	const struct sip_message_config *m = &app->cfg.sip;
	const struct sip_ua_config *v = &app->cfg.voice.sip;

	if (!app->cfg.sip_sms || !app->cfg.voice_on)
		return false;
	return m->local_port == (v->local_port ? v->local_port : SIP_UA_DEFAULT_PORT)
		&& !strcmp(m->local_ip ? m->local_ip : SIP_MESSAGE_DEFAULT_IP,
			   v->local_ip ? v->local_ip : SIP_UA_DEFAULT_IP);
}

/* The SMS channel, one ESME per configured SMSC and the SIP MESSAGE user
 * agent if there is a sip-sms node. */
static int app_start_sms(struct app *app)
{
	struct app_smsc *s;

	if (llist_empty(&app->cfg.smscs) && !app->cfg.sip_sms)
		return 0;
	app->cfg.sms.entry = app->cfg.entry_sms;
	app->cfg.sms.session_expiry_s = app->cfg.session_expiry_s;
	app->sms = sms_channel_alloc(app, app->store, app->flows, &app->cfg.sms);
	if (!app->sms)
		return -EINVAL;
	llist_for_each_entry(s, &app->cfg.smscs, list) {
		s->cfg.fold = app->cfg.sms.fold;
		s->esme = smpp_esme_alloc(app, app->sms, &s->cfg);
		if (!s->esme || smpp_esme_start(s->esme) < 0) {
			LOGP(DMAIN, LOGL_FATAL, "cannot start the SMPP link '%s'\n", s->cfg.name);
			return -EINVAL;
		}
	}
	if (app->cfg.sip_sms) {
		if (glib_loop_init(app) < 0)
			return -EINVAL;
		app->sip_sms = sip_message_alloc(app, app->sms, &app->cfg.sip);
		/* on the voice channel's address, it starts with the voice
		 * channel's nua (app_start_voice) */
		if (app_sip_shared(app))
			goto started;
		if (sip_message_start(app->sip_sms) < 0) {
			LOGP(DMAIN, LOGL_FATAL, "cannot start SMS over SIP MESSAGE (see above), "
			     "stoopd not started\n");
			return -EINVAL;
		}
	}
started:
	osmo_timer_setup(&app->sms_tick, app_sms_tick, app);
	osmo_timer_schedule(&app->sms_tick, 1, 0);
	return 0;
}

/* The prompts a call may play: every catalog id but the SMS-only ones, one
 * at a time.  The loader asks for idx 0, 1, 2 ...: the cursor carries on
 * from where the last call stopped (any other idx starts over). */
struct app_prompt_cursor {
	const struct flow_set *fs;
	unsigned next;			/* the idx the cursor stands at */
	unsigned lang, entry;		/* the catalog entry it stands on */
};

static int app_prompt_iter(void *data, unsigned idx, const char **lang, const char **id)
{
	struct app_prompt_cursor *cur = data;
	const char *lg, *pid;

	if (idx < cur->next)
		*cur = (struct app_prompt_cursor){ .fs = cur->fs };
	for (; (lg = flow_set_lang(cur->fs, cur->lang)); cur->lang++, cur->entry = 0) {
		for (; (pid = flow_catalog_id(cur->fs, lg, cur->entry)); cur->entry++) {
			size_t len = strlen(pid);
			if (len > 4 && !strcmp(pid + len - 4, "@sms"))
				continue;
			if (cur->next++ == idx) {
				cur->entry++;
				*lang = lg;
				*id = pid;
				return 0;
			}
		}
	}
	return 1;
}

static int app_mkdir_p(const char *dir);

/* The voice channel, if there is a voice node: prompts loaded and encoded
 * (a missing one is a start-up error naming the file), routes checked, SIP
 * and the RTP clock started. */
static int app_start_voice(struct app *app)
{
	struct voice_config *vcfg = &app->cfg.voice;
	struct app_prompt_cursor cursor = { .fs = app->flows };
	char *errs = NULL;
	size_t errs_len = 0;
	FILE *err;
	int n;

	if (!app->cfg.voice_on)
		return 0;
	err = open_memstream(&errs, &errs_len);
	n = voice_prompts_load(app, app->cfg.prompts_dir, app_prompt_iter, &cursor, &app->prompts, err);
	fclose(err);
	if (n) {
		LOGP(DMAIN, LOGL_FATAL, "%d prompt%s cannot be played, stoopd not started:\n%s", n,
		     n == 1 ? "" : "s", errs ? errs : "");
		free(errs);
		return -EINVAL;
	}
	free(errs);
	n = app_mkdir_p(app->cfg.recordings_dir);
	if (n < 0) {
		LOGP(DMAIN, LOGL_FATAL, "cannot create the recordings directory %s: %s\n",
		     app->cfg.recordings_dir, strerror(-n));
		return -EINVAL;
	}
	vcfg->entry = app->cfg.entry_voice;
	vcfg->recordings_dir = app->cfg.recordings_dir;
	vcfg->rtp.local_ip = vcfg->sip.rtp_ip ? vcfg->sip.rtp_ip : vcfg->sip.local_ip;
	app->voice = voice_channel_alloc(app, app->store, app->flows, app->prompts, app->sms, vcfg);
	if (!app->voice || voice_channel_check(app->voice))
		return -EINVAL;
	if (glib_loop_init(app) < 0)
		return -EINVAL;
	if (app_sip_shared(app))
		sip_ua_host(voice_channel_sip(app->voice), "MESSAGE", sip_message_nua_event, app->sip_sms);
	if (voice_channel_start(app->voice) < 0) {
		LOGP(DMAIN, LOGL_FATAL, "cannot take calls on %s port %u (see above), stoopd not started\n",
		     vcfg->sip.local_ip, vcfg->sip.local_port);
		return -EINVAL;
	}
	if (app_sip_shared(app)
	    && sip_message_start_guest(app->sip_sms, sip_ua_nua(voice_channel_sip(app->voice))) < 0)
		return -EINVAL;
	return 0;
}

static void app_stop_timeout(void *data)
{
	bool *expired = data;

	*expired = true;
}

/* Let the SIP user agent finish what it has under way (a second or two at
 * most), then free it, while the store is still open for its results. */
static void app_stop_sip(struct app *app)
{
	struct osmo_timer_list limit;
	bool expired = false;

	if (!app->sip_sms && !app->voice)
		return;
	/* the guest first: its handles go while the host's nua is alive */
	if (app->sip_sms)
		sip_message_shutdown(app->sip_sms);
	if (app->voice)
		voice_channel_shutdown(app->voice);
	osmo_timer_setup(&limit, app_stop_timeout, &expired);
	osmo_timer_schedule(&limit, 3, 0);
	while (((app->sip_sms && !sip_message_stopped(app->sip_sms))
		|| (app->voice && !voice_channel_stopped(app->voice))) && !expired)
		glib_loop_iterate();
	osmo_timer_del(&limit);
	if (app->sip_sms)
		sip_message_free(app->sip_sms);
	app->sip_sms = NULL;
}

/* -c FILE must exist; without -c the installed config is optional. */
static int app_read_config(struct app *app)
{
	const char *path = opts.config_file;

	if (!path) {
		if (access(STOOP_DEFAULT_CONFIG, F_OK) != 0) {
			/* `write file` on the console creates it. */
			host_config_set(STOOP_DEFAULT_CONFIG);
			return 0;
		}
		path = STOOP_DEFAULT_CONFIG;
	}
	app->config_file = path;
	return stoop_vty_read_config(path);
}

/* A thousand calls need a few thousand descriptors; 1024 is the default. */
static void app_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur == rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		LOGP(DMAIN, LOGL_ERROR, "Cannot raise the open file limit to %llu: %s\n",
		     (unsigned long long)rl.rlim_max, strerror(errno));
}

static unsigned long long app_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 0;
	return (unsigned long long)rl.rlim_cur;
}

/* mkdir -p of dir (the last component included). */
static int app_mkdir_p(const char *dir)
{
	char *path = talloc_strdup(NULL, dir);
	char *p, c;
	int rc = 0;

	for (p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(path, 0750) < 0 && errno != EEXIST) {
			rc = -errno;
			break;
		}
		*p = c;
		if (!c)
			break;
	}
	talloc_free(path);
	return rc;
}

/* mkdir -p of the directory that holds file. */
static int app_mkdir_parent(const char *file)
{
	const char *slash = strrchr(file, '/');
	char *dir;
	int rc;

	if (!slash || slash == file)
		return 0;
	dir = talloc_strndup(NULL, file, slash - file);
	rc = app_mkdir_p(dir);
	talloc_free(dir);
	return rc;
}

static int app_open_store(struct app *app)
{
	const char *path = app->cfg.db_path;
	int rc;

	if (strcmp(path, ":memory:")) {
		rc = app_mkdir_parent(path);
		if (rc < 0) {
			LOGP(DMAIN, LOGL_FATAL, "Cannot create the directory of the store %s: %s\n",
			     path, strerror(-rc));
			return rc;
		}
	}
	app->store = store_open(app, path, app->cfg.db_sync);
	if (!app->store) {
		LOGP(DMAIN, LOGL_FATAL, "Cannot open the store %s (see above)\n", path);
		return -EIO;
	}
	return 0;
}

/* Name where a value came from: "stoop.cfg:7: " or "" for a default. */
static const char *app_where(const char *where)
{
	static char buf[512];

	if (!where)
		return "";
	snprintf(buf, sizeof(buf), "%s: ", where);
	return buf;
}

/* STOOP_CLOCK=2026-12-25T10:00:00Z: read the business hours as if the
 * clock had started at that time (tests; `hours test-clock` on the console
 * does the same later).  Only the hours: the store keeps real time. */
static int app_test_clock(struct app *app)
{
	const char *iso = getenv("STOOP_CLOCK");
	int64_t t;

	if (!iso || !*iso)
		return 0;
	if (stoop_hours_parse_clock(iso, &t) < 0) {
		LOGP(DMAIN, LOGL_FATAL, "STOOP_CLOCK=%s: not a time like 2026-12-25T10:00:00Z, "
		     "stoopd not started\n", iso);
		return -EINVAL;
	}
	app->hours->clock_offset = t - store_now();
	LOGP(DMAIN, LOGL_NOTICE, "STOOP_CLOCK: business hours are read as from %s\n", iso);
	return 0;
}

static int app_load_flows(struct app *app)
{
	const struct app_cfg *cfg = &app->cfg;
	struct flow_load_opts lo = {
		.flows_dir = cfg->flows_dir,
		.prompts_dir = cfg->prompts_dir,
		.default_lang = cfg->default_lang,
	};
	int errors;

	errors = flow_set_load(app, &lo, &app->flows, stderr);
	if (errors != 0 || !app->flows) {
		LOGP(DMAIN, LOGL_FATAL, "%d error%s in the flows of %s (listed above), "
		     "stoopd not started\n", errors, errors == 1 ? "" : "s", cfg->flows_dir);
		return -EINVAL;
	}
	flow_set_use_hours(app->flows, app->hours);

	/* What the config names must exist in what was loaded. */
	errors = 0;
	if (!flow_set_has_lang(app->flows, cfg->default_lang)) {
		LOGP(DMAIN, LOGL_FATAL, "%sdefault-language %s: no catalog %s/%s/catalog\n",
		     app_where(cfg->default_lang_where), cfg->default_lang,
		     cfg->prompts_dir, cfg->default_lang);
		errors++;
	}
	if (!flow_set_has_target(app->flows, cfg->entry_sms)) {
		LOGP(DMAIN, LOGL_FATAL, "%sentry sms %s: no such flow or flow.state in %s\n",
		     app_where(cfg->entry_sms_where), cfg->entry_sms, cfg->flows_dir);
		errors++;
	}
	if (!flow_set_has_target(app->flows, cfg->entry_voice)) {
		LOGP(DMAIN, LOGL_FATAL, "%sentry voice %s: no such flow or flow.state in %s\n",
		     app_where(cfg->entry_voice_where), cfg->entry_voice, cfg->flows_dir);
		errors++;
	}
	return errors ? -EINVAL : 0;
}

static void app_signal(struct osmo_signalfd *osfd, const struct signalfd_siginfo *si)
{
	switch (si->ssi_signo) {
	case SIGINT:
	case SIGTERM:
		LOGP(DMAIN, LOGL_NOTICE, "Signal %u: shutting down\n", si->ssi_signo);
		g_app->quit = true;
		break;
	case SIGUSR1:
		LOGP(DMAIN, LOGL_NOTICE, "Signal %u: talloc report follows\n", si->ssi_signo);
		talloc_report_full(g_app->ctx, stderr);
		break;
	}
}

static int app_setup_signals(struct app *app)
{
	sigset_t set;

	osmo_init_ignore_signals();
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	if (!osmo_signalfd_setup(app->ctx, set, app_signal, app))
		return -EIO;
	return 0;
}

static void app_banner(const struct app *app)
{
	const struct app_cfg *cfg = &app->cfg;
	char langs[128] = "";
	const char *lang;
	unsigned i;
	size_t len;

	for (i = 0; (lang = flow_set_lang(app->flows, i)); i++) {
		len = strlen(langs);
		snprintf(langs + len, sizeof(langs) - len, "%s%s", i ? " " : "", lang);
	}
	LOGP(DMAIN, LOGL_NOTICE, "stoopd %s started; console: telnet %s %d\n",
	     PACKAGE_VERSION, vty_get_bind_addr(), vty_get_bind_port(APP_DEFAULT_VTY_PORT));
	LOGP(DMAIN, LOGL_NOTICE, "config %s; store %s (schema v%d); fd limit %llu\n",
	     app->config_file ? app->config_file : "(embedded defaults)", cfg->db_path,
	     store_schema_version(app->store), app_nofile());
	LOGP(DMAIN, LOGL_NOTICE, "flows %s: %u flows, %u states; languages %s; "
	     "entry sms %s, voice %s\n", cfg->flows_dir, flow_set_n_flows(app->flows),
	     flow_set_n_states(app->flows), langs, cfg->entry_sms, cfg->entry_voice);
	if (app->sms) {
		struct app_smsc *s;
		llist_for_each_entry(s, &app->cfg.smscs, list)
			LOGP(DMAIN, LOGL_NOTICE, "SMS: SMPP link '%s' to %s:%u as '%s', source %s\n",
			     s->cfg.name, s->cfg.host, s->cfg.port, s->cfg.system_id, s->cfg.source_addr);
		if (app->sip_sms)
			LOGP(DMAIN, LOGL_NOTICE, "SMS: SIP MESSAGE on %s port %u from %u peer%s\n",
			     app->cfg.sip.local_ip, app->cfg.sip.local_port, app->cfg.sip.n_peers,
			     app->cfg.sip.n_peers == 1 ? "" : "s");
	} else {
		LOGP(DMAIN, LOGL_NOTICE, "SMS: no smsc or sip-sms configured (add an `smsc NAME` or a "
		     "`sip-sms` node); try stoop-sim\n");
	}
	if (app->voice)
		LOGP(DMAIN, LOGL_NOTICE, "voice: SIP on %s port %u from %u peer%s, RTP ports %u-%u; "
		     "%u prompts\n", cfg->voice.sip.local_ip, cfg->voice.sip.local_port,
		     cfg->voice.sip.n_peers, cfg->voice.sip.n_peers == 1 ? "" : "s", cfg->voice.rtp.port_min,
		     cfg->voice.rtp.port_max, voice_prompts_count(app->prompts));
	else
		LOGP(DMAIN, LOGL_NOTICE, "voice: no voice node configured; try stoop-sim --channel voice\n");
}

int main(int argc, char **argv)
{
	void *root;
	int rc;

	root = talloc_named_const(NULL, 0, "stoopd");
	msgb_talloc_ctx_init(root, 0);
	g_app = talloc_zero(root, struct app);
	g_app->ctx = root;
	clock_gettime(CLOCK_MONOTONIC, &g_app->started);
	app_set_defaults(g_app);

	handle_options(argc, argv);

	if (stoop_log_init(root, false) < 0) {
		fprintf(stderr, "stoopd: cannot initialise logging\n");
		exit(1);
	}
	/* Readable without a config: "DMAIN NOTICE text"; `log stderr` in the
	 * config file changes any of this. */
	log_set_print_category(osmo_stderr_target, 1);
	log_set_print_category_hex(osmo_stderr_target, 0);
	log_set_print_level(osmo_stderr_target, 1);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	log_set_use_color(osmo_stderr_target, 0);
	vty_info.tall_ctx = root;
	vty_init(&vty_info);
	logging_vty_add_cmds();
	osmo_talloc_vty_add_cmds();
	/* `stats reporter statsd`, `stats interval`, `show stats` */
	rate_ctr_init(root);
	osmo_stats_init(root);
	osmo_stats_vty_add_cmds();
	stoop_vty_init();
	sms_vty_init();
	voice_vty_init();
	cc_vty_init();
	open311_vty_init();

	if (app_read_config(g_app) < 0)
		exit(1);
	if (app_test_clock(g_app) < 0)
		exit(1);

	app_raise_nofile();
	if (app_open_store(g_app) < 0)
		exit(1);
	if (app_start_stats(g_app) < 0)
		exit(1);
	if (app_load_flows(g_app) < 0)
		exit(1);
	if (app_start_sms(g_app) < 0)
		exit(1);
	if (app_start_voice(g_app) < 0)
		exit(1);
	if (g_app->cfg.open311_on) {
		g_app->open311 = open311_start(g_app, &g_app->cfg.open311, g_app->store, g_app->flows,
					       g_app->sms);
		if (!g_app->open311) {
			LOGP(DMAIN, LOGL_FATAL, "Cannot start the Open311 API (see above), stoopd not started\n");
			exit(1);
		}
	}

	/* After the config: `line vty` / `bind` may have moved it. */
	rc = telnet_init_default(root, NULL, APP_DEFAULT_VTY_PORT);
	if (rc < 0) {
		LOGP(DMAIN, LOGL_FATAL, "Cannot listen for the console on %s port %d, "
		     "stoopd not started\n", vty_get_bind_addr(),
		     vty_get_bind_port(APP_DEFAULT_VTY_PORT));
		exit(1);
	}
	if (app_setup_signals(g_app) < 0) {
		LOGP(DMAIN, LOGL_FATAL, "Cannot set up signal handling\n");
		exit(1);
	}
	app_banner(g_app);

	while (!g_app->quit)
		glib_loop_iterate();

	open311_stop(g_app->open311);
	g_app->open311 = NULL;
	app_stop_sip(g_app);
	glib_loop_fini();
	telnet_exit();
	osmo_timer_del(&g_app->stats_tick);
	stoop_stats_fini();
	store_close(g_app->store);
	g_app->store = NULL;
	LOGP(DMAIN, LOGL_NOTICE, "stoopd stopped\n");
	log_fini();
	talloc_free(root);
	return 0;
}
