/* logging.c -- the log categories of core/logging.h and the number masking
 * used wherever a phone number would reach an info-level log line. */
#include <string.h>
#include <stdio.h>

#include <osmocom/core/utils.h>
#include <osmocom/core/application.h>
#include "logging.h"

static const struct log_info_cat stoop_log_cats[] = {
	[DMAIN] = { .name = "DMAIN", .description = "Start-up, configuration, main loop",
		    .enabled = 1, .loglevel = LOGL_NOTICE },
	[DFLOW] = { .name = "DFLOW", .description = "Flow files and the interpreter",
		    .enabled = 1, .loglevel = LOGL_NOTICE },
	[DSTORE] = { .name = "DSTORE", .description = "SQLite store: cases and sessions",
		     .enabled = 1, .loglevel = LOGL_NOTICE },
	[DSMS] = { .name = "DSMS", .description = "SMS channel",
		   .enabled = 1, .loglevel = LOGL_NOTICE },
	[DSIP] = { .name = "DSIP", .description = "SIP signalling",
		   .enabled = 1, .loglevel = LOGL_NOTICE },
	[DRTP] = { .name = "DRTP", .description = "RTP media, prompts, DTMF",
		   .enabled = 1, .loglevel = LOGL_NOTICE },
	[DAPI] = { .name = "DAPI", .description = "HTTP API and metrics",
		   .enabled = 1, .loglevel = LOGL_NOTICE },
};

const struct log_info stoop_log_info = {
	.cat = stoop_log_cats,
	.num_cat = ARRAY_SIZE(stoop_log_cats),
};

int stoop_log_init(void *ctx, bool deterministic)
{
	int rc = osmo_init_logging2(ctx, &stoop_log_info);
	if (rc < 0)
		return rc;
	if (deterministic) {
		log_set_print_timestamp(osmo_stderr_target, 0);
		log_set_use_color(osmo_stderr_target, 0);
		log_set_print_category(osmo_stderr_target, 0);
		log_set_print_category_hex(osmo_stderr_target, 0);
		log_set_print_level(osmo_stderr_target, 1);
		log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	}
	return 0;
}

const char *stoop_mask_number(const char *number)
{
	static char buf[32];
	size_t len;

	if (!number)
		return "-";
	len = strlen(number);
	if (len <= 6) {
		snprintf(buf, sizeof(buf), "***");
		return buf;
	}
	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	snprintf(buf, sizeof(buf), "%.4s***%.3s", number, number + len - 3);
	return buf;
}
