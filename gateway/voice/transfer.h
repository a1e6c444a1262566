/* transfer.h -- what a transfer to an agent carries: the agent URI for a
 * queue and a language (`agent` lines of the voice node), the context the
 * agent sees (case id, language, the caller's path through the menus), and
 * how it rides on the REFER: a User-to-User header (RFC 7433, hex) or a
 * configured header in plain text, both also as a header of the Refer-To
 * URI so the INVITE the contact center's PBX sends to the agent carries
 * it.  Pure functions, no state; implemented in voice/transfer.c, used by
 * voice/call.c. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/linuxlist.h>

/* `agent QUEUE URI [lang LANG]`: `transfer queue=QUEUE` goes to URI; a line
 * with the caller's language comes before one without. */
struct voice_agent {
	struct llist_head list;
	char *queue;
	char *lang;			/* NULL: any language */
	char *uri;			/* sip:agents@pbx.example.org */
};

#define VOICE_UUI_HEADER	"User-to-User"
#define VOICE_CONTEXT_MAX	128	/* bytes of context (ISDN UUI carries 128) */

const struct voice_agent *voice_agent_find(const struct llist_head *agents, const char *queue,
					   const char *lang);

/* "case=1000002;lang=en;path=main.menu>agent.offer": at most max bytes;
 * the oldest states of the path go first when it is too long ("path=..>"
 * marks the cut).  case_id may be NULL or empty, path too. */
char *voice_transfer_context(void *ctx, const char *case_id, const char *lang, const char *path,
			     size_t max);

/* The REFER's Refer-To ("<URI?HEADER=VALUE>", escaped) and its extra
 * header line ("HEADER: VALUE"): for User-to-User the value is the
 * context in hex with ";encoding=hex", for any other header the context
 * as it is.  0, or -EINVAL when header is not a header name. */
int voice_transfer_refer(void *ctx, const char *uri, const char *header, const char *context,
			 char **refer_to, char **header_line);

/* Key-press-to-REFER times, the last VOICE_LAT_SAMPLES of them. */
#define VOICE_LAT_SAMPLES	4096
struct voice_latency {
	uint32_t us[VOICE_LAT_SAMPLES];
	unsigned n;			/* samples taken (the ring holds the last ones) */
};
void voice_latency_add(struct voice_latency *l, uint32_t us);
/* The p-th percentile (0..100) of the samples held, in microseconds; 0
 * when there are none. */
uint32_t voice_latency_pct(const struct voice_latency *l, unsigned p);
