/* sms_notify.c -- telling a case's followers by SMS that its status changed.
 *
 * Used wherever a status changes (the console's `case ID status`, stoopctl
 * set-status, later the Open311 API): each follower that has not opted out
 * gets one text in the language it chose, queued in the store's outbound
 * queue inside the caller's transaction, so the change and its
 * notifications are committed together.  stoopd's SMS channel sends what is
 * queued (at its next tick, or at once when it made the change itself);
 * stoopctl, which has no SMPP link, only queues.
 *
 * The text is built from catalog prompts: sms.update, lookup.case, the case
 * number, status.<status>, statusinfo.<status> and sms.update_tail, e.g.
 * "City 311 update: Case 1000002 is in progress. A crew is working on it.
 * Reply STOP to stop updates."  The agent's note of a status change is not
 * sent: it is written for colleagues, and may hold what a resident should
 * not read by text.  A public note (Open311's status_notes, which the API
 * shows everyone) is: sms_case_update_notify() adds it after sms.update_note
 * ("Note:"), and sends the text even when the status stayed the same.
 */
#include <string.h>
#include <errno.h>
#include <inttypes.h>

#include <osmocom/core/talloc.h>

#include "sms/sms.h"
#include "flow/flow.h"
#include "store/store.h"
#include "core/logging.h"

char *sms_case_update_text(void *ctx, const struct flow_set *fs, const char *lang, uint64_t id,
			   const char *status)
{
	return sms_case_update_text_note(ctx, fs, lang, id, status, NULL);
}

char *sms_case_update_text_note(void *ctx, const struct flow_set *fs, const char *lang, uint64_t id,
				const char *status, const char *note)
{
	char digits[24], st_id[48], info_id[48], *p;
	struct flow_item items[8];
	unsigned n = 5;

	snprintf(digits, sizeof(digits), "%" PRIu64, id);
	snprintf(st_id, sizeof(st_id), "status.%s", status);
	snprintf(info_id, sizeof(info_id), "statusinfo.%s", status);
	for (p = st_id; *p; p++)
		if (*p == '-')
			*p = '_';
	for (p = info_id; *p; p++)
		if (*p == '-')
			*p = '_';
	items[0] = (struct flow_item){ FLOW_ITEM_PROMPT, "sms.update" };
	items[1] = (struct flow_item){ FLOW_ITEM_PROMPT, "lookup.case" };
	items[2] = (struct flow_item){ FLOW_ITEM_DIGITS, digits };
	items[3] = (struct flow_item){ FLOW_ITEM_PROMPT, st_id };
	items[4] = (struct flow_item){ FLOW_ITEM_PROMPT, info_id };
	if (note && *note) {
		items[n++] = (struct flow_item){ FLOW_ITEM_PROMPT, "sms.update_note" };
		items[n++] = (struct flow_item){ FLOW_ITEM_TEXT, note };
	}
	items[n++] = (struct flow_item){ FLOW_ITEM_PROMPT, "sms.update_tail" };
	return flow_render_sms_items(ctx, fs, lang, items, n);
}

int sms_case_status_notify(struct store *st, const struct flow_set *fs, uint64_t id, const char *status)
{
	return sms_case_update_notify(st, fs, id, status, NULL);
}

int sms_case_update_notify(struct store *st, const struct flow_set *fs, uint64_t id, const char *status,
			   const char *public_note)
{
	struct store_follower *fl = NULL;
	unsigned n = 0, i, queued = 0;
	void *tmp = talloc_new(NULL);
	int rc;

	rc = store_case_followers(st, tmp, id, &fl, &n);
	for (i = 0; rc >= 0 && i < n; i++) {
		struct store_number *num = NULL;
		const char *lang = fl[i].lang && flow_set_has_lang(fs, fl[i].lang) ? fl[i].lang
				   : flow_set_default_lang(fs);
		char *text;

		if (!fl[i].phone || !*fl[i].phone)
			continue;
		if (store_number_get(st, tmp, fl[i].phone, &num) == 0) {
			if (num->opted_out)
				continue;
			if (num->lang && flow_set_has_lang(fs, num->lang))
				lang = num->lang;
		}
		text = sms_case_update_text_note(tmp, fs, lang, id, status, public_note);
		rc = store_sms_out_queue(st, fl[i].phone, text, "status", 0, NULL);
		if (rc >= 0)
			queued++;
	}
	talloc_free(tmp);
	if (rc < 0) {
		LOGP(DSMS, LOGL_ERROR, "case %" PRIu64 ": cannot queue the status texts (%d)\n", id, rc);
		return rc;
	}
	LOGP(DSMS, LOGL_INFO, "case %" PRIu64 ": status %s%s, %u follower text(s) queued\n", id, status,
	     public_note && *public_note ? " with a public note" : "", queued);
	return queued;
}
