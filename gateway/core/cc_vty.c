/* cc_vty.c -- the contact center on stoopd's console and in stoop.cfg:
 * business hours, announcements and callbacks.
 *
 *   hours                          (config node; without it: always open)
 *    timezone America/New_York
 *    day mon-fri 08:00 18:00
 *    day sat 09:00 13:00
 *    closed sun
 *    holiday 2026-12-25
 *
 * `show hours` says open or closed now and the next change.  The hours are
 * g_app->hours (core/hours.c), which the flow set reads for $hours, so a
 * change on the console counts from the next read.  A hidden enable
 * command `hours test-clock ISO` (and the environment variable STOOP_CLOCK
 * at start-up, core/main.c) moves the clock the hours are read against,
 * so closed and holidays can be tried at any time of day.
 *
 * Announcements and callbacks live in the store (store/announce.c,
 * store/case.c), so stoopctl changes the same ones: `announcement NAME
 * text|audio|case|on|off ...`, `show announcements`, `show announcement
 * NAME`, `show callbacks`, `callback ID done|failed [NOTE]`.  The views are
 * core/console.c's; the console masks callers' numbers (stoopctl shows
 * them to the agent who calls back).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "core/app.h"
#include "core/console.h"
#include "core/hours.h"
#include "core/logging.h"
#include "store/store.h"

#define CALLBACKS_LIMIT	200

static struct cmd_node hours_node = {
	HOURS_NODE,
	"%s(config-hours)# ",
	1,
};

/*
 * The `hours` node
 */

static int config_write_hours(struct vty *vty)
{
	const struct stoop_hours *h = g_app->hours;
	char *lines, *p, *nl;

	if (!h->configured)
		return CMD_SUCCESS;
	vty_out(vty, "hours%s", VTY_NEWLINE);
	lines = stoop_hours_config_lines(g_app, h);
	for (p = lines; (nl = strchr(p, '\n')); p = nl + 1)
		vty_out(vty, "%.*s%s", (int)(nl - p), p, VTY_NEWLINE);
	talloc_free(lines);
	return CMD_SUCCESS;
}

DEFUN(cfg_hours, cfg_hours_cmd,
      "hours",
      "Business hours of the contact center (flows read them as $hours)\n")
{
	g_app->hours->configured = true;
	vty->node = HOURS_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_no_hours, cfg_no_hours_cmd,
      "no hours",
      NO_STR "Forget the business hours: always open\n")
{
	stoop_hours_reset(g_app->hours);
	return CMD_SUCCESS;
}

DEFUN(cfg_hours_timezone, cfg_hours_timezone_cmd,
      "timezone ZONE",
      "The time zone the hours are in (tzdata name)\n"
      "e.g. America/New_York\n")
{
	const char *why;

	if (stoop_hours_set_timezone(g_app->hours, argv[0], &why) < 0) {
		vty_out(vty, "%% Invalid time zone '%s': %s%s", argv[0], why, VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

#define DAYS_HELP "Days: mon .. sun, a range such as mon-fri, or daily\n"

static int vty_parse_days(struct vty *vty, const char *s, unsigned *mask)
{
	if (stoop_hours_parse_days(s, mask) == 0)
		return 0;
	vty_out(vty, "%% Invalid days '%s': mon .. sun, a range such as mon-fri, or daily%s",
		s, VTY_NEWLINE);
	return -EINVAL;
}

DEFUN(cfg_hours_day, cfg_hours_day_cmd,
      "day DAYS OPEN CLOSE",
      "Opening hours of some weekdays\n" DAYS_HELP
      "Opening time, HH:MM\n" "Closing time, HH:MM (up to 24:00)\n")
{
	const char *why;
	unsigned mask;
	int open, close;

	if (vty_parse_days(vty, argv[0], &mask) < 0)
		return CMD_WARNING;
	if (stoop_hours_parse_time(argv[1], &open) < 0 || stoop_hours_parse_time(argv[2], &close) < 0) {
		vty_out(vty, "%% Invalid time '%s %s': HH:MM, 00:00 to 24:00%s", argv[1], argv[2],
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (stoop_hours_set_days(g_app->hours, mask, open, close, &why) < 0) {
		vty_out(vty, "%% Invalid hours '%s %s': %s%s", argv[1], argv[2], why, VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_hours_closed, cfg_hours_closed_cmd,
      "closed DAYS",
      "Closed all day on some weekdays\n" DAYS_HELP)
{
	unsigned mask;

	if (vty_parse_days(vty, argv[0], &mask) < 0)
		return CMD_WARNING;
	stoop_hours_set_closed(g_app->hours, mask);
	return CMD_SUCCESS;
}

DEFUN(cfg_hours_holiday, cfg_hours_holiday_cmd,
      "holiday DATE",
      "Closed all day on this date\n" "YYYY-MM-DD\n")
{
	int32_t ymd;

	if (stoop_hours_parse_date(argv[0], &ymd) < 0) {
		vty_out(vty, "%% Invalid date '%s': YYYY-MM-DD, a real calendar date%s", argv[0],
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	stoop_hours_add_holiday(g_app->hours, ymd);
	return CMD_SUCCESS;
}

DEFUN(cfg_hours_no_holiday, cfg_hours_no_holiday_cmd,
      "no holiday DATE",
      NO_STR "Open as on any other such weekday\n" "YYYY-MM-DD\n")
{
	int32_t ymd;

	if (stoop_hours_parse_date(argv[0], &ymd) < 0
	    || stoop_hours_del_holiday(g_app->hours, ymd) < 0) {
		vty_out(vty, "%% Not a holiday: %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

/* Print text made of '\n'-terminated lines with the VTY's line ends. */
static void cc_vty_out_text(struct vty *vty, const char *text)
{
	const char *p = text, *nl;

	for (; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl) {
			vty_out(vty, "%s%s", p, VTY_NEWLINE);
			break;
		}
		vty_out(vty, "%.*s%s", (int)(nl - p), p, VTY_NEWLINE);
	}
}

DEFUN(show_hours, show_hours_cmd,
      "show hours",
      SHOW_STR "Open or closed now, the next change, and the business hours\n")
{
	char *text = console_hours_summary(g_app, g_app->hours);

	cc_vty_out_text(vty, text);
	talloc_free(text);
	return CMD_SUCCESS;
}

DEFUN_HIDDEN(hours_test_clock, hours_test_clock_cmd,
	     "hours test-clock TIME",
	     "Business hours\n" "Read the hours as if it were this time (tests)\n"
	     "UTC time, 2026-12-25T10:00:00Z\n")
{
	int64_t t;

	if (stoop_hours_parse_clock(argv[0], &t) < 0) {
		vty_out(vty, "%% Invalid time '%s': e.g. 2026-12-25T10:00:00Z%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	g_app->hours->clock_offset = t - store_now();
	LOGP(DMAIN, LOGL_NOTICE, "hours: test clock set to %s on the console\n", argv[0]);
	return CMD_SUCCESS;
}

DEFUN_HIDDEN(no_hours_test_clock, no_hours_test_clock_cmd,
	     "no hours test-clock",
	     NO_STR "Business hours\n" "Read the hours against the real clock again\n")
{
	g_app->hours->clock_offset = 0;
	return CMD_SUCCESS;
}

/*
 * Announcements
 */

static bool cc_store_ready(struct vty *vty)
{
	if (g_app->store)
		return true;
	vty_out(vty, "%% The store is not open%s", VTY_NEWLINE);
	return false;
}

static int cc_announce_result(struct vty *vty, int rc, const char *name, const char *what)
{
	if (rc < 0) {
		vty_out(vty, "%% announcement %s: %s%s", name, console_announcement_error(rc),
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty_out(vty, "announcement %s: %s%s", name, what, VTY_NEWLINE);
	return CMD_SUCCESS;
}

#define ANN_STR "A supervisor's announcement, said before the main menu while on\n" \
	"Its name (a-z 0-9 _ -)\n"

DEFUN(announcement_text, announcement_text_cmd,
      "announcement NAME text LANG .TEXT",
      ANN_STR "Set what it says by text (and what SMS residents get)\n"
      "Language, e.g. en\n" "The text\n")
{
	char *text;
	int rc;

	if (!cc_store_ready(vty))
		return CMD_WARNING;
	text = argv_concat(argv, argc, 2);
	rc = store_announcement_set(g_app->store, argv[0], argv[1], text, NULL);
	talloc_free(text);
	return cc_announce_result(vty, rc, argv[0], "text set");
}

DEFUN(announcement_audio, announcement_audio_cmd,
      "announcement NAME audio LANG PATH",
      ANN_STR "Set the recording a call plays\n" "Language, e.g. en\n" "Path of a WAV file\n")
{
	if (!cc_store_ready(vty))
		return CMD_WARNING;
	return cc_announce_result(vty, store_announcement_set(g_app->store, argv[0], argv[1], NULL,
							      argv[2]),
				  argv[0], "recording set");
}

DEFUN(announcement_case, announcement_case_cmd,
      "announcement NAME case ID",
      ANN_STR "The case a caller follows for updates (\"press 1\")\n"
      "Case number, check digit included\n")
{
	uint64_t id;
	int rc;

	if (!cc_store_ready(vty))
		return CMD_WARNING;
	rc = case_id_parse(argv[1], &id);
	if (rc < 0) {
		vty_out(vty, "%% %s: %s%s", console_case_error(rc), argv[1], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return cc_announce_result(vty, store_announcement_set_case(g_app->store, argv[0], id),
				  argv[0], "case set");
}

DEFUN(announcement_onoff, announcement_onoff_cmd,
      "announcement NAME (on|off)",
      ANN_STR "Turn it on (the one that was on goes off)\n" "Turn it off\n")
{
	bool on = !strcmp(argv[1], "on");

	if (!cc_store_ready(vty))
		return CMD_WARNING;
	return cc_announce_result(vty, store_announcement_set_active(g_app->store, argv[0], on,
								     "console"),
				  argv[0], on ? "ON from the next session" : "off");
}

DEFUN(show_announcements, show_announcements_cmd,
      "show announcements",
      SHOW_STR "Announcements: which is on, their case and languages\n")
{
	struct store_announcement **a;
	void *tmp;
	unsigned n;
	int rc;

	if (!cc_store_ready(vty))
		return CMD_WARNING;
	tmp = talloc_new(g_app);
	rc = store_announcement_list(g_app->store, tmp, &a, &n);
	if (rc < 0)
		vty_out(vty, "%% %s%s", console_announcement_error(rc), VTY_NEWLINE);
	else
		cc_vty_out_text(vty, console_announcements_table(tmp, a, n));
	talloc_free(tmp);
	return rc < 0 ? CMD_WARNING : CMD_SUCCESS;
}

DEFUN(show_announcement, show_announcement_cmd,
      "show announcement NAME",
      SHOW_STR "One announcement: its texts, recordings and history\n" "Its name\n")
{
	char *text;
	int rc;

	if (!cc_store_ready(vty))
		return CMD_WARNING;
	rc = console_announcement_detail(g_app, g_app->store, argv[0], &text);
	if (rc < 0) {
		vty_out(vty, "%% announcement %s: %s%s", argv[0], console_announcement_error(rc),
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	cc_vty_out_text(vty, text);
	talloc_free(text);
	return CMD_SUCCESS;
}

/*
 * Callbacks
 */

DEFUN(show_callbacks, show_callbacks_cmd,
      "show callbacks",
      SHOW_STR "Callbacks to make, oldest first (numbers masked; stoopctl callbacks shows them)\n")
{
	struct store_case_filter f = {
		.kind = CASE_KIND_CALLBACK, .status = CASE_STATUS_OPEN,
		.oldest_first = true, .limit = CALLBACKS_LIMIT,
	};
	struct store_case **cases;
	void *tmp;
	unsigned n;
	int rc;

	if (!cc_store_ready(vty))
		return CMD_WARNING;
	tmp = talloc_new(g_app);
	rc = store_case_list(g_app->store, tmp, &f, &cases, &n);
	if (rc < 0)
		vty_out(vty, "%% %s%s", console_case_error(rc), VTY_NEWLINE);
	else
		cc_vty_out_text(vty, console_callbacks_table(tmp, cases, n, store_now(), false));
	talloc_free(tmp);
	return rc < 0 ? CMD_WARNING : CMD_SUCCESS;
}

static int cc_callback_mark(struct vty *vty, const char *id_text, const char *result,
			    const char *note)
{
	uint64_t id;
	int rc;

	if (!cc_store_ready(vty))
		return CMD_WARNING;
	rc = case_id_parse(id_text, &id);
	if (rc < 0) {
		vty_out(vty, "%% %s: %s%s", console_case_error(rc), id_text, VTY_NEWLINE);
		return CMD_WARNING;
	}
	rc = store_callback_mark(g_app->store, id, !strcmp(result, "done"), note, "console");
	if (rc < 0) {
		vty_out(vty, "%% %s: %" PRIu64 "%s", console_callback_error(rc), id, VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty_out(vty, "callback %" PRIu64 ": %s%s", id, result, VTY_NEWLINE);
	return CMD_SUCCESS;
}

#define CALLBACK_STR "A callback request\n" "Its case number\n" \
	"The agent reached the resident\n" "The agent could not reach the resident\n"

DEFUN(callback_mark, callback_mark_cmd,
      "callback ID (done|failed)",
      CALLBACK_STR)
{
	return cc_callback_mark(vty, argv[0], argv[1], NULL);
}

DEFUN(callback_mark_note, callback_mark_note_cmd,
      "callback ID (done|failed) .NOTE",
      CALLBACK_STR "A note for the case history\n")
{
	char *note = argv_concat(argv, argc, 2);
	int rc = cc_callback_mark(vty, argv[0], argv[1], note);

	talloc_free(note);
	return rc;
}

void cc_vty_init(void)
{
	install_element(CONFIG_NODE, &cfg_hours_cmd);
	install_element(CONFIG_NODE, &cfg_no_hours_cmd);
	install_node(&hours_node, config_write_hours);
	install_element(HOURS_NODE, &cfg_hours_timezone_cmd);
	install_element(HOURS_NODE, &cfg_hours_day_cmd);
	install_element(HOURS_NODE, &cfg_hours_closed_cmd);
	install_element(HOURS_NODE, &cfg_hours_holiday_cmd);
	install_element(HOURS_NODE, &cfg_hours_no_holiday_cmd);

	install_element_ve(&show_hours_cmd);
	install_element(ENABLE_NODE, &hours_test_clock_cmd);
	install_element(ENABLE_NODE, &no_hours_test_clock_cmd);

	install_element_ve(&show_announcements_cmd);
	install_element_ve(&show_announcement_cmd);
	install_element(ENABLE_NODE, &announcement_text_cmd);
	install_element(ENABLE_NODE, &announcement_audio_cmd);
	install_element(ENABLE_NODE, &announcement_case_cmd);
	install_element(ENABLE_NODE, &announcement_onoff_cmd);

	install_element_ve(&show_callbacks_cmd);
	install_element(ENABLE_NODE, &callback_mark_cmd);
	install_element(ENABLE_NODE, &callback_mark_note_cmd);
}
