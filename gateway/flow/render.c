/* render.c -- what a flow's actions look like on each channel.
 *
 * SMS: the items of one say line joined by a space (none before punctuation
 * or after a line break); the says and the ask of one turn joined by line
 * breaks into one reply; a menu as its prompt followed by one "KEY Label"
 * line per choice.
 * Voice: the list of prompt ids to play; a menu is its prompt followed by
 * "For <label>, press <key>" for each choice, built from the prompts
 * common.for, the label, common.press and digit.<key>.
 *
 * The same join rules serve the validator, which renders with estimated
 * variables to check that a reply fits in one SMS segment.
 */
#include <string.h>

#include <osmocom/core/talloc.h>

#include "flow/flow_int.h"
#include "core/logging.h"

#define EST_DIGITS "12345678"
#define EST_TEXT "xxxxxxxxxxxxxxxxxxxx"

static bool starts_with_punct(const char *s)
{
	return *s && strchr(".,;:!?)", *s);
}

/* Append piece to buf (a talloc string or NULL) with the join rules. */
static char *join(void *ctx, char *buf, const char *piece)
{
	size_t len;

	if (!piece || !*piece)
		return buf;
	if (!buf)
		return talloc_strdup(ctx, piece);
	len = strlen(buf);
	if (len && buf[len - 1] != '\n' && piece[0] != '\n' && !starts_with_punct(piece))
		buf = talloc_strdup_append_buffer(buf, " ");
	return talloc_strdup_append_buffer(buf, piece);
}

static const char *sms_prompt(const struct flow_set *fs, const char *lang, const char *id)
{
	const char *text = flow_catalog_text(fs, lang, FLOW_CH_SMS, id);
	return text ? text : id;
}

char *flow_render_sms_items(void *ctx, const struct flow_set *fs, const char *lang,
			    const struct flow_item *items, unsigned n)
{
	char *buf = NULL;
	unsigned i;

	for (i = 0; i < n; i++) {
		switch (items[i].kind) {
		case FLOW_ITEM_PROMPT: {
			/* only a prompt id built from a variable can be missing:
			 * the validator checked all the others */
			const char *text = flow_catalog_text(fs, lang, FLOW_CH_SMS, items[i].value);
			if (text)
				buf = join(ctx, buf, text);
			else
				LOGP(DFLOW, LOGL_ERROR, "no prompt '%s' in the '%s' catalog: left out\n",
				     items[i].value, lang);
			break;
		}
		case FLOW_ITEM_DIGITS:
		case FLOW_ITEM_TEXT:
			buf = join(ctx, buf, items[i].value);
			break;
		case FLOW_ITEM_RECORDING:
			break;
		}
	}
	return buf ? buf : talloc_strdup(ctx, "");
}

char *flow_render_sms_ask(void *ctx, const struct flow_set *fs, const char *lang,
			  const struct flow_ask_out *ask)
{
	char *buf = talloc_strdup(ctx, sms_prompt(fs, lang, ask->prompt));
	unsigned i;

	for (i = 0; i < ask->n_choices; i++)
		buf = talloc_asprintf_append_buffer(buf, "\n%c %s", ask->choices[i].key,
						    sms_prompt(fs, lang, ask->choices[i].label));
	return buf;
}

const char *flow_digit_prompt(char key)
{
	static const char *const digits[] = {
		"digit.0", "digit.1", "digit.2", "digit.3", "digit.4",
		"digit.5", "digit.6", "digit.7", "digit.8", "digit.9",
	};
	if (key >= '0' && key <= '9')
		return digits[key - '0'];
	if (key == '*')
		return "digit.star";
	if (key == '#')
		return "digit.hash";
	return NULL;
}

struct flow_item *flow_render_voice_ask(void *ctx, const struct flow_ask_out *ask, unsigned *n)
{
	struct flow_item *items = talloc_zero_array(ctx, struct flow_item, 1 + 4 * ask->n_choices);
	unsigned i, k = 0;

	items[k++] = (struct flow_item){ FLOW_ITEM_PROMPT, ask->prompt };
	for (i = 0; i < ask->n_choices; i++) {
		items[k++] = (struct flow_item){ FLOW_ITEM_PROMPT, "common.for" };
		items[k++] = (struct flow_item){ FLOW_ITEM_PROMPT, ask->choices[i].label };
		items[k++] = (struct flow_item){ FLOW_ITEM_PROMPT, "common.press" };
		items[k++] = (struct flow_item){ FLOW_ITEM_PROMPT, flow_digit_prompt(ask->choices[i].key) };
	}
	*n = k;
	return items;
}

/* The longest SMS text of a catalog entry whose id starts with prefix
 * (a prompt id built from a variable), for estimates. */
static const char *longest_with_prefix(const struct flow_set *fs, const char *lang, const char *prefix)
{
	const struct flow_catalog *cat = flow_set_catalog(fs, lang);
	const char *best = "";
	size_t plen = strlen(prefix);
	unsigned i;

	if (!cat)
		return best;
	for (i = 0; i < cat->n; i++) {
		const char *id = cat->entries[i].id;
		if (!strncmp(id, prefix, plen) && !strstr(id, "@voice")
		    && strlen(cat->entries[i].text) > strlen(best))
			best = cat->entries[i].text;
	}
	return best;
}

char *flow_render_sms_say(void *ctx, const struct flow_set *fs, const char *lang,
			  const struct flow_say *say, bool estimate)
{
	char *buf = NULL;
	unsigned i;

	for (i = 0; i < say->n; i++) {
		const struct flow_say_item *it = &say->items[i];
		if (it->var && it->prompt)
			buf = join(ctx, buf, estimate ? longest_with_prefix(fs, lang, it->prompt) : it->prompt);
		else if (it->var)
			buf = join(ctx, buf, it->digits ? EST_DIGITS : EST_TEXT);
		else
			buf = join(ctx, buf, sms_prompt(fs, lang, it->prompt));
	}
	return buf ? buf : talloc_strdup(ctx, "");
}

char *flow_render_sms_reply_add(void *ctx, char *reply, const char *part)
{
	if (!part || !*part)
		return reply ? reply : talloc_strdup(ctx, "");
	if (!reply || !*reply) {
		talloc_free(reply);
		return talloc_strdup(ctx, part);
	}
	reply = talloc_strdup_append_buffer(reply, "\n");
	return talloc_strdup_append_buffer(reply, part);
}
