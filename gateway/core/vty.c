/* vty.c -- stoopd's configuration nodes and its telnet console commands.
 *
 * Configuration is VTY syntax (etc/stoop.cfg): a `stoop` node for flows,
 * prompts, languages, entry points and session expiry, and a `store` node
 * for the SQLite file.  Every node has a config_write_* function that prints
 * exactly what its commands accept, so `write terminal` output read back as
 * a config file gives the same configuration.  The values land in
 * g_app->cfg (core/app.h); most take effect at start-up only, because the
 * store and the flow set are opened once (core/main.c).
 *
 * The console commands (`show cases`, `show case`, `case ... status`,
 * `show sessions`, `show flows`, `show metrics`) read the store and the loaded flow set and
 * print the views of core/console.c, which stoopctl prints too.  Phone
 * numbers are always masked there.
 *
 * libosmovty names the line that failed but not its number;
 * stoop_vty_read_config() remembers the open file so that an error (and
 * any later check of a configured value) can say "file:line".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>

#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "core/app.h"
#include "core/console.h"
#include "core/logging.h"
#include "core/stats.h"
#include "flow/flow.h"
#include "store/store.h"
#include "sms/sms.h"

/* Console defaults. */
#define VTY_CASES_DEFAULT_LIMIT		20
#define VTY_SESSIONS_LIMIT		100

/* The config file being read, for stoop_vty_config_where(). */
static struct {
	FILE *fp;
	const char *path;
} cfg_reading;

static struct cmd_node stoop_node = {
	STOOP_NODE,
	"%s(config-stoop)# ",
	1,
};

static struct cmd_node store_node = {
	STORE_NODE,
	"%s(config-store)# ",
	1,
};

/*
 * Reading the config file
 */

/* Line number of the line that ends at byte offset pos of fd: one more
 * than the newlines before its last byte. */
static unsigned vty_line_at(int fd, long pos)
{
	char buf[4096];
	unsigned line = 1;
	long off = 0;

	while (off < pos - 1) {
		size_t want = sizeof(buf);
		ssize_t got, i;

		if ((long)want > pos - 1 - off)
			want = pos - 1 - off;
		got = pread(fd, buf, want, off);
		if (got <= 0)
			break;
		for (i = 0; i < got; i++)
			if (buf[i] == '\n')
				line++;
		off += got;
	}
	return line;
}

char *stoop_vty_config_where(void *ctx)
{
	long pos;

	if (!cfg_reading.fp)
		return NULL;
	pos = ftell(cfg_reading.fp);
	if (pos < 0)
		return talloc_strdup(ctx, cfg_reading.path);
	return talloc_asprintf(ctx, "%s:%u", cfg_reading.path,
			       vty_line_at(fileno(cfg_reading.fp), pos));
}

int stoop_vty_read_config(const char *path)
{
	FILE *fp;
	char *where;
	int rc;

	fp = fopen(path, "r");
	if (!fp) {
		rc = -errno;
		fprintf(stderr, "%s: cannot open config file: %s\n", path, strerror(errno));
		return rc;
	}
	cfg_reading.fp = fp;
	cfg_reading.path = path;
	rc = vty_read_config_filep(fp, NULL);
	if (rc < 0) {
		where = stoop_vty_config_where(NULL);
		fprintf(stderr, "%s: invalid configuration line (shown above), stoopd not started\n",
			where);
		talloc_free(where);
	}
	cfg_reading.fp = NULL;
	cfg_reading.path = NULL;
	fclose(fp);
	if (rc >= 0)
		host_config_set(path);
	return rc < 0 ? -EINVAL : 0;
}

/* A change made on the console to a value read only at start-up. */
void stoop_vty_note_restart(struct vty *vty)
{
	if (!cfg_reading.fp && g_app->store)
		vty_out(vty, "%% Takes effect when stoopd is restarted%s", VTY_NEWLINE);
}

/*
 * Value syntax
 */

/* "30m", "90s", "2h", "1d", or plain seconds; 1 s .. 30 days. */
int stoop_vty_parse_duration(const char *s, unsigned *secs)
{
	char *end;
	unsigned long v;
	unsigned mult = 1;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno)
		return -EINVAL;
	if (!strcmp(end, "") || !strcmp(end, "s"))
		mult = 1;
	else if (!strcmp(end, "m"))
		mult = 60;
	else if (!strcmp(end, "h"))
		mult = 3600;
	else if (!strcmp(end, "d"))
		mult = 86400;
	else
		return -EINVAL;
	if (v == 0 || v > 30UL * 86400 / mult)
		return -EINVAL;
	*secs = v * mult;
	return 0;
}

/* The shortest exact form of a duration, as stoop_vty_parse_duration() reads it. */
const char *stoop_vty_fmt_duration(unsigned secs)
{
	static char buf[32];

	if (secs % 86400 == 0)
		snprintf(buf, sizeof(buf), "%ud", secs / 86400);
	else if (secs % 3600 == 0)
		snprintf(buf, sizeof(buf), "%uh", secs / 3600);
	else if (secs % 60 == 0)
		snprintf(buf, sizeof(buf), "%um", secs / 60);
	else
		snprintf(buf, sizeof(buf), "%us", secs);
	return buf;
}

/* A flow language name: [a-z][a-z0-9_]* */
static bool vty_is_flow_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[0] < 'a' || s[0] > 'z')
		return false;
	for (i = 1; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* "flow" or "flow.state" */
static bool vty_is_target(const char *s)
{
	const char *dot = strchr(s, '.');

	if (!dot)
		return vty_is_flow_name(s, strlen(s));
	return vty_is_flow_name(s, dot - s) && vty_is_flow_name(dot + 1, strlen(dot + 1));
}

/* A catalog directory name: 2..8 lower-case letters ("en", "es"). */
static bool vty_is_lang(const char *s)
{
	size_t i, len = strlen(s);

	if (len < 2 || len > 8)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return false;
	return true;
}

/*
 * The `stoop` node
 */

/* A setting checked only once the flows are loaded: its value, and where in
 * the config file it was set, for that check's error. */
static void cfg_set_with_where(char **value, char **where, const char *arg)
{
	osmo_talloc_replace_string(g_app, value, arg);
	talloc_free(*where);
	*where = stoop_vty_config_where(g_app);
}

static int config_write_stoop(struct vty *vty)
{
	const struct app_cfg *cfg = &g_app->cfg;

	vty_out(vty, "stoop%s", VTY_NEWLINE);
	vty_out(vty, " flows-dir %s%s", cfg->flows_dir, VTY_NEWLINE);
	vty_out(vty, " prompts-dir %s%s", cfg->prompts_dir, VTY_NEWLINE);
	vty_out(vty, " default-language %s%s", cfg->default_lang, VTY_NEWLINE);
	vty_out(vty, " entry sms %s%s", cfg->entry_sms, VTY_NEWLINE);
	vty_out(vty, " entry voice %s%s", cfg->entry_voice, VTY_NEWLINE);
	vty_out(vty, " session-expiry %s%s", stoop_vty_fmt_duration(cfg->session_expiry_s), VTY_NEWLINE);
	vty_out(vty, " recordings-dir %s%s", cfg->recordings_dir, VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(cfg_stoop, cfg_stoop_cmd,
      "stoop",
      "Flows, prompts, languages and sessions of the 311 gateway\n")
{
	vty->node = STOOP_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_stoop_flows_dir, cfg_stoop_flows_dir_cmd,
      "flows-dir PATH",
      "Directory of the flow scripts (every *.flow in it is loaded)\n"
      "Path of the directory\n")
{
	osmo_talloc_replace_string(g_app, &g_app->cfg.flows_dir, argv[0]);
	stoop_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_stoop_prompts_dir, cfg_stoop_prompts_dir_cmd,
      "prompts-dir PATH",
      "Directory of the prompts (<lang>/catalog and <lang>/<id>.wav)\n"
      "Path of the directory\n")
{
	osmo_talloc_replace_string(g_app, &g_app->cfg.prompts_dir, argv[0]);
	stoop_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_stoop_default_lang, cfg_stoop_default_lang_cmd,
      "default-language LANG",
      "Language of a caller who has not chosen one\n"
      "Name of a catalog directory below prompts-dir, e.g. en\n")
{
	if (!vty_is_lang(argv[0])) {
		vty_out(vty, "%% Invalid language '%s': 2 to 8 lower-case letters, e.g. en%s",
			argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	cfg_set_with_where(&g_app->cfg.default_lang, &g_app->cfg.default_lang_where, argv[0]);
	stoop_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_stoop_entry, cfg_stoop_entry_cmd,
      "entry (sms|voice) TARGET",
      "Where a new conversation starts\n"
      "Texts to the 311 number\n"
      "Calls to the 311 number\n"
      "A flow (its first state) or flow.state\n")
{
	struct app_cfg *cfg = &g_app->cfg;

	if (!vty_is_target(argv[1])) {
		vty_out(vty, "%% Invalid entry '%s': a flow name or flow.state, lower case%s",
			argv[1], VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (!strcmp(argv[0], "sms"))
		cfg_set_with_where(&cfg->entry_sms, &cfg->entry_sms_where, argv[1]);
	else
		cfg_set_with_where(&cfg->entry_voice, &cfg->entry_voice_where, argv[1]);
	stoop_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_stoop_session_expiry, cfg_stoop_session_expiry_cmd,
      "session-expiry DURATION",
      "End an SMS conversation after this long without a text\n"
      "Duration: 90s, 30m, 2h, 1d (at most 30d)\n")
{
	unsigned secs;

	if (stoop_vty_parse_duration(argv[0], &secs) < 0) {
		vty_out(vty, "%% Invalid duration '%s': a number with s, m, h or d, e.g. 30m%s",
			argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	g_app->cfg.session_expiry_s = secs;
	return CMD_SUCCESS;
}

DEFUN(cfg_stoop_recordings_dir, cfg_stoop_recordings_dir_cmd,
      "recordings-dir PATH",
      "Directory where callers' recordings are written\n"
      "Path of the directory\n")
{
	osmo_talloc_replace_string(g_app, &g_app->cfg.recordings_dir, argv[0]);
	stoop_vty_note_restart(vty);
	return CMD_SUCCESS;
}

/*
 * The `store` node
 */

static int config_write_store(struct vty *vty)
{
	const struct app_cfg *cfg = &g_app->cfg;

	vty_out(vty, "store%s", VTY_NEWLINE);
	vty_out(vty, " database %s%s", cfg->db_path, VTY_NEWLINE);
	vty_out(vty, " synchronous %s%s", cfg->db_sync == STORE_SYNC_FULL ? "full" : "normal",
		VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(cfg_store, cfg_store_cmd,
      "store",
      "The SQLite store of cases and sessions\n")
{
	vty->node = STORE_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_store_database, cfg_store_database_cmd,
      "database PATH",
      "The SQLite database file (created, with its directory, if missing)\n"
      "Path of the file\n")
{
	osmo_talloc_replace_string(g_app, &g_app->cfg.db_path, argv[0]);
	stoop_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_store_synchronous, cfg_store_synchronous_cmd,
      "synchronous (full|normal)",
      "When a commit reaches the disk\n"
      "On every commit: a filed case survives a power loss (default)\n"
      "Survives a crash of stoopd, not of the machine; faster\n")
{
	g_app->cfg.db_sync = !strcmp(argv[0], "full") ? STORE_SYNC_FULL : STORE_SYNC_NORMAL;
	stoop_vty_note_restart(vty);
	return CMD_SUCCESS;
}

/*
 * Console: cases, sessions, flows
 */

/* Print text made of '\n'-terminated lines with the VTY's line ends. */
static void vty_out_text(struct vty *vty, const char *text)
{
	const char *p = text, *nl;

	if (!text)
		return;
	while (*p) {
		nl = strchr(p, '\n');
		if (!nl) {
			vty_out(vty, "%s%s", p, VTY_NEWLINE);
			break;
		}
		vty_out(vty, "%.*s%s", (int)(nl - p), p, VTY_NEWLINE);
		p = nl + 1;
	}
}

static bool vty_store_ready(struct vty *vty)
{
	if (g_app->store)
		return true;
	vty_out(vty, "%% The store is not open%s", VTY_NEWLINE);
	return false;
}

static int vty_show_cases(struct vty *vty, const char *status, const char *limit)
{
	struct store_case_filter f = {
		.status = status,
		.limit = limit ? atoi(limit) : VTY_CASES_DEFAULT_LIMIT,
	};
	void *tmp;
	struct store_case **cases;
	unsigned n;
	int rc;

	if (!vty_store_ready(vty))
		return CMD_WARNING;
	tmp = talloc_new(g_app);
	rc = store_case_list(g_app->store, tmp, &f, &cases, &n);
	if (rc < 0) {
		vty_out(vty, "%% %s%s", console_case_error(rc), VTY_NEWLINE);
		talloc_free(tmp);
		return CMD_WARNING;
	}
	vty_out_text(vty, console_cases_table(tmp, cases, n));
	talloc_free(tmp);
	return CMD_SUCCESS;
}

#define SHOW_CASES_STR SHOW_STR "Cases in the store, newest first\n"
#define STATUS_STR "Open cases\nCases in progress\nClosed cases\n"
#define LIMIT_STR "Show at most N cases (default 20)\nN\n"

DEFUN(show_cases, show_cases_cmd,
      "show cases",
      SHOW_CASES_STR)
{
	return vty_show_cases(vty, NULL, NULL);
}

DEFUN(show_cases_status, show_cases_status_cmd,
      "show cases (open|in-progress|closed)",
      SHOW_CASES_STR STATUS_STR)
{
	return vty_show_cases(vty, argv[0], NULL);
}

DEFUN(show_cases_limit, show_cases_limit_cmd,
      "show cases limit <1-1000>",
      SHOW_CASES_STR LIMIT_STR)
{
	return vty_show_cases(vty, NULL, argv[0]);
}

DEFUN(show_cases_status_limit, show_cases_status_limit_cmd,
      "show cases (open|in-progress|closed) limit <1-1000>",
      SHOW_CASES_STR STATUS_STR LIMIT_STR)
{
	return vty_show_cases(vty, argv[0], argv[1]);
}

/* Parse a case number as typed on the console; prints why it is not one. */
static int vty_case_id(struct vty *vty, const char *text, uint64_t *id)
{
	int rc = case_id_parse(text, id);

	if (rc < 0)
		vty_out(vty, "%% %s: %s%s", console_case_error(rc), text, VTY_NEWLINE);
	return rc;
}

#define CASE_ID_STR "Case number, check digit included\n"

DEFUN(show_case, show_case_cmd,
      "show case ID",
      SHOW_STR "One case: every field, its history and followers\n" CASE_ID_STR)
{
	uint64_t id;
	char *text;
	int rc;

	if (!vty_store_ready(vty) || vty_case_id(vty, argv[0], &id) < 0)
		return CMD_WARNING;
	rc = console_case_detail(g_app, g_app->store, id, &text);
	if (rc < 0) {
		vty_out(vty, "%% %s: %" PRIu64 "%s", console_case_error(rc), id, VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty_out_text(vty, text);
	talloc_free(text);
	return CMD_SUCCESS;
}

static int vty_case_status(struct vty *vty, const char *id_text, const char *status,
			   const char *note)
{
	struct store_case *c;
	uint64_t id;
	int rc;

	if (!vty_store_ready(vty) || vty_case_id(vty, id_text, &id) < 0)
		return CMD_WARNING;
	rc = store_case_get(g_app->store, g_app, id, &c);
	if (rc < 0) {
		vty_out(vty, "%% %s: %" PRIu64 "%s", console_case_error(rc), id, VTY_NEWLINE);
		return CMD_WARNING;
	}
	/* the change and the followers' texts are committed together */
	rc = store_begin(g_app->store);
	if (rc == 0)
		rc = store_case_set_status(g_app->store, id, status, note, "console");
	if (rc == 0 && strcmp(c->status, status))
		rc = sms_case_status_notify(g_app->store, g_app->flows, id, status);
	if (rc >= 0)
		rc = store_commit(g_app->store);
	else
		store_rollback(g_app->store);
	if (rc < 0) {
		vty_out(vty, "%% %s: %" PRIu64 "%s", console_case_error(rc), id, VTY_NEWLINE);
		talloc_free(c);
		return CMD_WARNING;
	}
	if (g_app->sms)
		sms_sender_kick(g_app->sms);
	LOGP(DMAIN, LOGL_NOTICE, "case %" PRIu64 ": status %s -> %s on the console\n",
	     id, c->status, status);
	vty_out(vty, "case %" PRIu64 ": %s -> %s%s", id, c->status, status, VTY_NEWLINE);
	talloc_free(c);
	return CMD_SUCCESS;
}

#define CASE_STATUS_STR \
	"Change a case\n" CASE_ID_STR "Set its status (written to its history)\n" STATUS_STR

DEFUN(case_status, case_status_cmd,
      "case ID status (open|in-progress|closed)",
      CASE_STATUS_STR)
{
	return vty_case_status(vty, argv[0], argv[1], NULL);
}

DEFUN(case_status_note, case_status_note_cmd,
      "case ID status (open|in-progress|closed) .NOTE",
      CASE_STATUS_STR "A note for the case history\n")
{
	char *note = argv_concat(argv, argc, 2);
	int rc = vty_case_status(vty, argv[0], argv[1], note);

	talloc_free(note);
	return rc;
}

DEFUN(show_sessions, show_sessions_cmd,
      "show sessions",
      SHOW_STR "Conversations in progress: masked number, position, age and idle time\n")
{
	struct store_session *s;
	unsigned n;
	void *tmp;
	int rc;

	if (!vty_store_ready(vty))
		return CMD_WARNING;
	tmp = talloc_new(g_app);
	rc = store_session_list(g_app->store, tmp, VTY_SESSIONS_LIMIT, &s, &n);
	if (rc < 0) {
		vty_out(vty, "%% %s%s", console_case_error(rc), VTY_NEWLINE);
		talloc_free(tmp);
		return CMD_WARNING;
	}
	vty_out_text(vty, console_sessions_table(tmp, s, n, store_now()));
	talloc_free(tmp);
	return CMD_SUCCESS;
}

DEFUN(show_flows, show_flows_cmd,
      "show flows",
      SHOW_STR "The loaded flow set: counts, languages and entry points\n")
{
	const struct app_cfg *cfg = &g_app->cfg;
	char *text;

	if (!g_app->flows) {
		vty_out(vty, "%% No flows loaded%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	text = console_flows_summary(g_app, g_app->flows);
	vty_out_text(vty, text);
	talloc_free(text);
	vty_out(vty, "entry sms %s, voice %s%s", cfg->entry_sms, cfg->entry_voice, VTY_NEWLINE);
	vty_out(vty, "flows-dir %s%s", cfg->flows_dir, VTY_NEWLINE);
	vty_out(vty, "prompts-dir %s%s", cfg->prompts_dir, VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(show_metrics, show_metrics_cmd,
      "show metrics",
      SHOW_STR "Counters and gauges as Prometheus text (what /metrics serves)\n")
{
	char *text = stoop_metrics_prometheus(g_app);

	if (!text) {
		vty_out(vty, "%% Out of memory%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty_out_text(vty, text);
	talloc_free(text);
	return CMD_SUCCESS;
}

void stoop_vty_init(void)
{
	install_element(CONFIG_NODE, &cfg_stoop_cmd);
	install_node(&stoop_node, config_write_stoop);
	install_element(STOOP_NODE, &cfg_stoop_flows_dir_cmd);
	install_element(STOOP_NODE, &cfg_stoop_prompts_dir_cmd);
	install_element(STOOP_NODE, &cfg_stoop_default_lang_cmd);
	install_element(STOOP_NODE, &cfg_stoop_entry_cmd);
	install_element(STOOP_NODE, &cfg_stoop_session_expiry_cmd);
	install_element(STOOP_NODE, &cfg_stoop_recordings_dir_cmd);

	install_element(CONFIG_NODE, &cfg_store_cmd);
	install_node(&store_node, config_write_store);
	install_element(STORE_NODE, &cfg_store_database_cmd);
	install_element(STORE_NODE, &cfg_store_synchronous_cmd);

	install_element_ve(&show_cases_cmd);
	install_element_ve(&show_cases_status_cmd);
	install_element_ve(&show_cases_limit_cmd);
	install_element_ve(&show_cases_status_limit_cmd);
	install_element_ve(&show_case_cmd);
	install_element_ve(&show_sessions_cmd);
	install_element_ve(&show_flows_cmd);
	install_element_ve(&show_metrics_cmd);
	install_element(ENABLE_NODE, &case_status_cmd);
	install_element(ENABLE_NODE, &case_status_note_cmd);
}
