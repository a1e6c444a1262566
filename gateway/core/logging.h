/* logging.h -- Stoop's libosmocore log categories, one per subsystem.
 * Every LOGP() line names the object it is about (case id, session key with
 * the number masked, call id).  Phone numbers and message bodies are logged
 * only at debug level; use stoop_mask_number() for higher levels.
 * The category table is in core/logging.c. */
#pragma once

#include <osmocom/core/logging.h>

enum stoop_log_cat {
	DMAIN,
	DFLOW,
	DSTORE,
	DSMS,
	DSIP,
	DRTP,
	DAPI,
};

extern const struct log_info stoop_log_info;

/* Start libosmocore logging with Stoop's categories: stderr target, no
 * timestamps and no colour when deterministic is true (tests). */
int stoop_log_init(void *ctx, bool deterministic);

/* "+1555***4567": a number with its middle masked, for info-level logs.
 * Returns a static buffer (one event loop, one caller at a time). */
const char *stoop_mask_number(const char *number);
