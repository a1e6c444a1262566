/* validate.c -- the checks a flow set must pass before any caller runs it.
 *
 * After flow/load.c has resolved every target (an unknown target is already
 * an error there), the validator reports, each as file:line:col:
 *   - states nobody can reach (roots: every flow's first state, keywords);
 *   - states that fall off their end on a channel, and lines that can never
 *     run because a goto/end/ask before them always leaves;
 *   - duplicate menu keys and words, and keywords defined twice;
 *   - `set lang` to a language without a catalog;
 *   - prompts missing from a language's catalog, for each channel that can
 *     say them (voice menus and :digits also need common.for, common.press
 *     and digit.N);
 *   - SMS replies longer than one segment unless a line of them is `long`.
 * A reply is everything said from where a state is entered up to the ask or
 * end that sends it, following gotos and both ways of every if.
 */
#include <string.h>
#include <ctype.h>

#include <osmocom/core/talloc.h>

#include "flow/flow_int.h"
#include "sms/sms_text.h"

struct vctx {
	struct flow_set *fs;
	struct flow_diag *d;
	void *tmp;
	char **reported;	/* "lang/channel/prompt" already reported */
	unsigned n_reported;
};

static bool stmt_leaves(const struct flow_stmt *s)
{
	switch (s->kind) {
	case STMT_ASK:
	case STMT_GOTO:
	case STMT_RETURN:
	case STMT_TRANSFER:
	case STMT_END:
		return true;
	default:
		return false;
	}
}

static void mark(struct flow_state *st, struct flow_state ***queue, unsigned *n, void *ctx)
{
	if (!st || st->reachable)
		return;
	st->reachable = true;
	*queue = talloc_realloc(ctx, *queue, struct flow_state *, *n + 1);
	(*queue)[(*n)++] = st;
}

static void check_reachable(struct vctx *v)
{
	struct flow_state **queue = NULL;
	unsigned n = 0, head = 0, i, j, k, c;
	struct flow_set *fs = v->fs;

	for (i = 0; i < fs->n_flows; i++) {
		mark(fs->flows[i]->states[0], &queue, &n, v->tmp);
		for (k = 0; k < fs->flows[i]->n_keywords; k++)
			mark(fs->flows[i]->keywords[k].target.state, &queue, &n, v->tmp);
	}
	while (head < n) {
		struct flow_state *st = queue[head++];
		for (c = 0; c < 2; c++)
			mark(st->retry[c].fail_target.state, &queue, &n, v->tmp);
		for (j = 0; j < st->n_stmts; j++) {
			struct flow_stmt *s = &st->stmts[j];
			mark(s->target.state, &queue, &n, v->tmp);
			if (s->kind != STMT_ASK)
				continue;
			mark(s->ask.target.state, &queue, &n, v->tmp);
			for (k = 0; k < s->ask.n_choices; k++)
				mark(s->ask.choices[k].target.state, &queue, &n, v->tmp);
		}
	}
	for (i = 0; i < fs->n_flows; i++)
		for (j = 0; j < fs->flows[i]->n_states; j++)
			if (!fs->flows[i]->states[j]->reachable)
				flow_error(v->d, &fs->flows[i]->states[j]->loc,
					   "state '%s' is unreachable: no goto, menu choice or keyword leads to it",
					   fs->flows[i]->states[j]->name);
}

static void check_ends(struct vctx *v, struct flow_state *st)
{
	const struct flow_stmt *leaver[2] = { NULL, NULL };
	unsigned c, j;

	for (j = 0; j < st->n_stmts; j++) {
		const struct flow_stmt *s = &st->stmts[j];
		bool runs = false;
		for (c = 0; c < 2; c++)
			if ((s->channels & (c ? FLOW_CH_VOICE : FLOW_CH_SMS)) && !leaver[c])
				runs = true;
		if (!runs) {
			const struct flow_stmt *l = leaver[0] ? leaver[0] : leaver[1];
			if (s->channels == FLOW_CH_VOICE || !leaver[0])
				l = leaver[1];
			flow_error(v->d, &s->loc, "this line never runs: line %u always leaves the state before it",
				   l->loc.line);
			return;
		}
		if (!stmt_leaves(s))
			continue;
		for (c = 0; c < 2; c++)
			if ((s->channels & (c ? FLOW_CH_VOICE : FLOW_CH_SMS)) && !leaver[c])
				leaver[c] = s;
	}
	for (c = 0; c < 2; c++)
		if (!leaver[c])
			flow_error(v->d, &st->loc, "state '%s' falls off its end on %s: end it with goto, ask, transfer or end",
				   st->name, c ? "voice" : "sms");
}

static void check_menu(struct vctx *v, const struct flow_ask *a)
{
	unsigned i, j;

	for (i = 0; i < a->n_choices; i++) {
		for (j = 0; j < i; j++) {
			if (a->choices[i].key == a->choices[j].key)
				flow_error(v->d, &a->choices[i].loc, "menu key '%c' is used twice (line %u)",
					   a->choices[i].key, a->choices[j].loc.line);
			else if (!strcmp(a->choices[i].word, a->choices[j].word))
				flow_error(v->d, &a->choices[i].loc, "menu word '%s' is used twice (line %u)",
					   a->choices[i].word, a->choices[j].loc.line);
		}
	}
}

static void check_keywords(struct vctx *v)
{
	struct flow_set *fs = v->fs;
	unsigned f1, k1, w1, f2, k2, w2;

	for (f1 = 0; f1 < fs->n_flows; f1++)
	for (k1 = 0; k1 < fs->flows[f1]->n_keywords; k1++)
	for (w1 = 0; w1 < fs->flows[f1]->keywords[k1].n_words; w1++) {
		const struct flow_keyword *kw1 = &fs->flows[f1]->keywords[k1];
		bool dup = false;
		unsigned i;
		if (w1 == 0) {
			for (i = 0; i < kw1->n_sets; i++)
				if (!strcmp(kw1->sets[i].key, "lang") && !kw1->sets[i].val.is_var
				    && fs->check_prompts && !flow_set_has_lang(fs, kw1->sets[i].val.text))
					flow_error(v->d, &kw1->sets[i].val.loc, "language '%s' has no catalog",
						   kw1->sets[i].val.text);
		}
		for (f2 = 0; f2 <= f1 && !dup; f2++)
		for (k2 = 0; k2 < fs->flows[f2]->n_keywords && !dup; k2++) {
			const struct flow_keyword *kw2 = &fs->flows[f2]->keywords[k2];
			if (f2 == f1 && k2 > k1)
				break;
			for (w2 = 0; w2 < kw2->n_words && !dup; w2++) {
				if (kw1 == kw2 && w2 >= w1)
					break;
				if (!strcmp(kw1->words[w1], kw2->words[w2])) {
					flow_error(v->d, &kw1->loc, "keyword '%s' is already defined at %s:%u",
						   kw1->words[w1], kw2->loc.file, kw2->loc.line);
					dup = true;
				}
			}
		}
	}
}

/* Report a missing prompt once per language (and channel, when only one
 * channel's text is missing). */
static void need_prompt(struct vctx *v, const struct flow_loc *loc, const char *id, unsigned channels)
{
	struct flow_set *fs = v->fs;
	unsigned i, c, r;

	if (!fs->check_prompts || !id)
		return;
	for (i = 0; i < fs->n_catalogs; i++) {
		const char *lang = fs->catalogs[i]->lang;
		unsigned missing = 0;
		char *key;
		bool seen = false;

		for (c = FLOW_CH_SMS; c <= FLOW_CH_VOICE; c <<= 1)
			if ((channels & c) && !flow_catalog_text(fs, lang, c, id))
				missing |= c;
		if (!missing)
			continue;
		key = talloc_asprintf(v->tmp, "%s/%u/%s", lang, missing, id);
		for (r = 0; r < v->n_reported; r++)
			if (!strcmp(v->reported[r], key))
				seen = true;
		if (seen)
			continue;
		v->reported = talloc_realloc(v->tmp, v->reported, char *, v->n_reported + 1);
		v->reported[v->n_reported++] = key;
		if (missing != FLOW_CH_ALL && (flow_catalog_text(fs, lang, FLOW_CH_SMS, id)
					       || flow_catalog_text(fs, lang, FLOW_CH_VOICE, id)))
			flow_error(v->d, loc, "prompt '%s' has no %s text in the '%s' catalog (%s)", id,
				   flow_channel_name(missing), lang, fs->catalogs[i]->file);
		else
			flow_error(v->d, loc, "prompt '%s' is missing from the '%s' catalog (%s)", id,
				   lang, fs->catalogs[i]->file);
	}
}

static void need_digits(struct vctx *v, const struct flow_loc *loc)
{
	char key;

	for (key = '0'; key <= '9'; key++)
		need_prompt(v, loc, flow_digit_prompt(key), FLOW_CH_VOICE);
}

static void need_say(struct vctx *v, const struct flow_say *say, unsigned channels)
{
	unsigned i;

	if (!say)
		return;
	for (i = 0; i < say->n; i++) {
		if (!say->items[i].var)
			need_prompt(v, &say->items[i].loc, say->items[i].prompt, channels);
		else if (!say->items[i].prompt && (channels & FLOW_CH_VOICE))
			need_digits(v, &say->items[i].loc);
	}
}

static void check_prompts(struct vctx *v, struct flow_state *st)
{
	unsigned j, k, c;

	for (c = 0; c < 2; c++) {
		unsigned ch = c ? FLOW_CH_VOICE : FLOW_CH_SMS;
		bool asks = false;
		for (j = 0; j < st->n_stmts; j++)
			if (st->stmts[j].kind == STMT_ASK && (st->stmts[j].channels & ch))
				asks = true;
		if (!asks)
			continue;
		need_say(v, st->retry[c].noinput, ch);
		need_say(v, st->retry[c].nomatch, ch);
	}
	for (j = 0; j < st->n_stmts; j++) {
		struct flow_stmt *s = &st->stmts[j];
		switch (s->kind) {
		case STMT_SAY:
			need_say(v, &s->say, s->channels);
			break;
		case STMT_SEND_SMS:
			need_say(v, &s->say, FLOW_CH_SMS);
			break;
		case STMT_SET:
			if (!strcmp(s->var, "lang") && !s->val.is_var && v->fs->check_prompts
			    && !flow_set_has_lang(v->fs, s->val.text))
				flow_error(v->d, &s->val.loc, "language '%s' has no catalog", s->val.text);
			break;
		case STMT_ASK:
			need_prompt(v, &s->ask.prompt_loc, s->ask.prompt, s->channels);
			for (k = 0; k < s->ask.n_choices; k++) {
				need_prompt(v, &s->ask.choices[k].loc, s->ask.choices[k].label, s->channels);
				if (s->channels & FLOW_CH_VOICE)
					need_prompt(v, &s->ask.choices[k].loc, flow_digit_prompt(s->ask.choices[k].key),
						    FLOW_CH_VOICE);
			}
			if (s->ask.n_choices && (s->channels & FLOW_CH_VOICE)) {
				need_prompt(v, &s->loc, "common.for", FLOW_CH_VOICE);
				need_prompt(v, &s->loc, "common.press", FLOW_CH_VOICE);
			}
			if (s->ask.optional && (s->channels & FLOW_CH_SMS))
				need_prompt(v, &s->loc, "word.skip", FLOW_CH_SMS);
			break;
		default:
			break;
		}
	}
}

/*
 * SMS reply length.
 */
struct reply_walk {
	struct vctx *v;
	const char *lang;
	unsigned steps;
};

static char *ask_text(void *ctx, struct reply_walk *w, const struct flow_ask *a)
{
	struct flow_ask_out out = {
		.kind = a->kind, .prompt = a->prompt,
		.choices = a->out_choices, .n_choices = a->n_choices,
	};
	return flow_render_sms_ask(ctx, w->v->fs, w->lang, &out);
}

static void check_size(struct reply_walk *w, const struct flow_loc *at, const char *text, bool long_ok)
{
	struct sms_size sz;

	char *key;
	unsigned r;

	if (long_ok || sms_text_size(text, true, &sz) < 0 || sz.segments <= 1)
		return;
	/* one report per reply and language, however many paths lead to it */
	key = talloc_asprintf(w->v->tmp, "sms/%s/%s:%u:%u", w->lang, at->file, at->line, at->col);
	for (r = 0; r < w->v->n_reported; r++)
		if (!strcmp(w->v->reported[r], key))
			return;
	w->v->reported = talloc_realloc(w->v->tmp, w->v->reported, char *, w->v->n_reported + 1);
	w->v->reported[w->v->n_reported++] = key;
	flow_error(w->v->d, at, "SMS reply in '%s' is %u %s, more than one segment (%u): shorten it or mark a line of it `long`",
		   w->lang, sz.units, sz.coding == SMS_CODING_GSM7 ? "GSM 03.38 characters" : "UCS-2 characters",
		   sz.coding == SMS_CODING_GSM7 ? SMS_GSM7_SINGLE : SMS_UCS2_SINGLE);
}

/* Walk SMS statements from st[pc] with text said so far; depth bounds gotos. */
static void walk_reply(struct reply_walk *w, const struct flow_state *st, unsigned pc,
		       char *said, bool long_ok, unsigned depth)
{
	void *ctx = w->v->tmp;
	unsigned j;

	if (depth > 8 || ++w->steps > 20000)
		return;
	for (j = pc; j < st->n_stmts; j++) {
		const struct flow_stmt *s = &st->stmts[j];
		if (!(s->channels & FLOW_CH_SMS))
			continue;
		switch (s->kind) {
		case STMT_SAY:
			said = flow_render_sms_reply_add(ctx, talloc_strdup(ctx, said ? said : ""),
						flow_render_sms_say(ctx, w->v->fs, w->lang, &s->say, true));
			long_ok |= s->long_ok;
			break;
		case STMT_SEND_SMS:
			check_size(w, &s->loc, flow_render_sms_say(ctx, w->v->fs, w->lang, &s->say, true), false);
			break;
		case STMT_ASK: {
			char *q = ask_text(ctx, w, &s->ask);
			const struct flow_retry *r = &st->retry[0];
			check_size(w, &s->loc, flow_render_sms_reply_add(ctx, talloc_strdup(ctx, said ? said : ""), q),
				   long_ok || s->long_ok);
			if (r->nomatch)
				check_size(w, &s->loc,
					   flow_render_sms_reply_add(ctx, flow_render_sms_say(ctx, w->v->fs, w->lang, r->nomatch, true), q),
					   s->long_ok);
			return;
		}
		case STMT_IF:
			walk_reply(w, s->target.state, 0, said, long_ok, depth + 1);
			break;
		case STMT_GOTO:
		case STMT_CALL:
		case STMT_TRANSFER:	/* SMS never transfers: on at the fallback */
			walk_reply(w, s->target.state, 0, said, long_ok, depth + 1);
			return;
		case STMT_END:
		case STMT_RETURN:
			if (said)
				check_size(w, &s->loc, said, long_ok);
			return;
		default:
			break;
		}
	}
}

static void check_replies(struct vctx *v)
{
	struct flow_set *fs = v->fs;
	unsigned i, j, l;

	if (!fs->check_prompts)
		return;
	for (l = 0; l < fs->n_catalogs; l++) {
		for (i = 0; i < fs->n_flows; i++) {
			for (j = 0; j < fs->flows[i]->n_states; j++) {
				struct reply_walk w = { .v = v, .lang = fs->catalogs[l]->lang };
				walk_reply(&w, fs->flows[i]->states[j], 0, NULL, false, 0);
			}
		}
	}
}

void flow_validate(struct flow_set *fs, struct flow_diag *d)
{
	struct vctx v = { .fs = fs, .d = d };
	unsigned i, j, k;

	v.tmp = talloc_new(fs);
	check_reachable(&v);
	check_keywords(&v);
	for (i = 0; i < fs->n_flows; i++) {
		for (j = 0; j < fs->flows[i]->n_states; j++) {
			struct flow_state *st = fs->flows[i]->states[j];
			check_ends(&v, st);
			check_prompts(&v, st);
			for (k = 0; k < st->n_stmts; k++)
				if (st->stmts[k].kind == STMT_ASK)
					check_menu(&v, &st->stmts[k].ask);
		}
	}
	if (!d->errors)
		check_replies(&v);
	talloc_free(v.tmp);
}
