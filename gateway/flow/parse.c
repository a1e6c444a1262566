/* parse.c -- the flow language's parser: lines of tokens (flow/lex.c) into a
 * struct flow with its states, statements, asks, retries and keywords.
 *
 * The parser checks the form of each line and reports file:line:col with a
 * message that says what was expected; it keeps going after an error so one
 * run shows every problem.  It does not resolve targets or look at catalogs:
 * that needs the whole set and is done by flow/load.c and flow/validate.c.
 * The grammar is documented in README.md ("Flow language reference").
 */
#include <string.h>
#include <stdarg.h>
#include <ctype.h>
#include <stdlib.h>
#include <errno.h>
#include <limits.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "flow/flow_int.h"

struct parser {
	void *ctx;
	const char *file;
	struct flow_diag *d;
	struct flow *flow;
	struct flow_state *state;	/* the state being filled, or NULL */
	bool in_defaults;
	bool skip_block;		/* ignore indented lines (after a bad state line) */
	bool skip_choices;		/* ignore choice lines (after a bad ask menu) */
	unsigned file_errors;		/* error count when the file began */
	int menu_stmt;			/* index of the last ask menu/yesno, or -1 */
	const struct flow_line *line;
};

static struct flow_loc tok_loc(const struct parser *p, unsigned col)
{
	struct flow_loc loc = { .file = p->file, .line = p->line->line, .col = col };
	return loc;
}

__attribute__((format(printf, 3, 4)))
static void perr(struct parser *p, const struct flow_tok *t, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	struct flow_loc loc;
	unsigned col;

	/* past the end of the line: point just behind its last token */
	if (t)
		col = t->col;
	else {
		const struct flow_tok *last = &p->line->toks[p->line->n - 1];
		col = last->col + strlen(last->text) + (last->kind == TOK_STRING ? 2 : 0);
	}
	loc = tok_loc(p, col);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	flow_error(p->d, &loc, "%s", msg);
}

static const struct flow_tok *tok(const struct parser *p, unsigned i)
{
	return i < p->line->n ? &p->line->toks[i] : NULL;
}

static bool tok_is(const struct flow_tok *t, const char *word)
{
	return t && t->kind == TOK_WORD && !strcmp(t->text, word);
}

/* [a-z][a-z0-9_]* */
static bool valid_name(const char *s)
{
	if (!islower((unsigned char)*s))
		return false;
	for (s++; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* [a-z][a-z0-9_]* separated by single dots */
static bool valid_dotted(const char *s, bool need_dot)
{
	bool dot = false, start = true;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s == '.') {
			if (start)
				return false;
			dot = true;
			start = true;
			continue;
		}
		if (start && !islower((unsigned char)*s) && !isdigit((unsigned char)*s))
			return false;
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
		start = false;
	}
	return !start && (dot || !need_dot);
}

static bool valid_var(const char *s)
{
	return islower((unsigned char)*s) && valid_dotted(s, false);
}

void flow_retry_init(struct flow_retry *r)
{
	memset(r, 0, sizeof(*r));
	r->timeout_ms = -1;
	r->interdigit_ms = -1;
	r->failures = -1;
}

/* "6s", "500ms", "2m" -> milliseconds; -1 on error */
static int parse_duration(const char *s)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || v < 0 || v > 3600000)
		return -1;
	if (!strcmp(end, "ms"))
		return v;
	if (!strcmp(end, "s"))
		return v * 1000 > 3600000 ? -1 : v * 1000;
	if (!strcmp(end, "m"))
		return v * 60000 > 3600000 ? -1 : v * 60000;
	return -1;
}

static int parse_uint(const char *s, unsigned max)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > (long)max)
		return -1;
	return v;
}

static bool parse_target(struct parser *p, const struct flow_tok *t, struct flow_target *out)
{
	if (!t) {
		perr(p, NULL, "expected a target state after '->'");
		return false;
	}
	if (t->kind != TOK_WORD || !valid_dotted(t->text, false)
	    || (strchr(t->text, '.') && strchr(strchr(t->text, '.') + 1, '.'))) {
		perr(p, t, "'%s' is not a target: write state or flow.state", t->text);
		return false;
	}
	out->text = t->text;
	out->loc = tok_loc(p, t->col);
	out->state = NULL;
	return true;
}

static bool parse_value(struct parser *p, const struct flow_tok *t, struct flow_val *out)
{
	if (!t) {
		perr(p, NULL, "expected a value");
		return false;
	}
	out->loc = tok_loc(p, t->col);
	if (t->kind == TOK_STRING) {
		out->is_var = false;
		out->text = t->text;
		return true;
	}
	if (t->kind != TOK_WORD) {
		perr(p, t, "expected a value, not '%s'", t->text);
		return false;
	}
	if (t->text[0] == '$') {
		if (!valid_var(t->text + 1)) {
			perr(p, t, "'%s' is not a variable name (lower case letters, digits, '_' and '.')",
			     t->text);
			return false;
		}
		out->is_var = true;
		out->text = t->text + 1;
		return true;
	}
	out->is_var = false;
	out->text = t->text;
	return true;
}

/* Items of say / send sms / noinput / nomatch from token i on.  A final
 * `long` sets *long_ok (if long_ok is NULL, `long` is an error). */
static bool parse_items(struct parser *p, unsigned i, struct flow_say *say, bool *long_ok)
{
	unsigned n = p->line->n;

	say->n = 0;
	say->items = talloc_zero_array(p->ctx, struct flow_say_item, n);
	if (i >= n) {
		perr(p, NULL, "expected a prompt id or $variable to say");
		return false;
	}
	for (; i < n; i++) {
		const struct flow_tok *t = tok(p, i);
		struct flow_say_item *it = &say->items[say->n];
		char *dollar, *colon;
		char *text;

		if (long_ok && i == n - 1 && tok_is(t, "long") && say->n) {
			*long_ok = true;
			break;
		}
		if (t->kind != TOK_WORD) {
			perr(p, t, "expected a prompt id or $variable, not '%s'%s", t->text,
			     t->kind == TOK_STRING ? ": texts belong in the catalogs, say their prompt id" : "");
			return false;
		}
		it->loc = tok_loc(p, t->col);
		text = talloc_strdup(p->ctx, t->text);
		dollar = strchr(text, '$');
		if (dollar) {
			colon = strchr(dollar, ':');
			if (colon) {
				if (strcmp(colon, ":digits")) {
					perr(p, t, "unknown format '%s' (only :digits)", colon);
					return false;
				}
				*colon = '\0';
				it->digits = true;
			}
			it->var = dollar + 1;
			if (!valid_var(it->var)) {
				perr(p, t, "'$%s' is not a variable name", it->var);
				return false;
			}
			*dollar = '\0';
			if (dollar != text) {
				/* prompt id built from a variable: "status.$case.status" */
				if (dollar[-1] != '.' || !valid_dotted(talloc_strndup(p->ctx, text, dollar - text - 1), false)) {
					perr(p, t, "'%s': a prompt id may end in one $variable after a dot", t->text);
					return false;
				}
				if (it->digits) {
					perr(p, t, "':digits' applies to a $variable, not to a prompt id");
					return false;
				}
				it->prompt = text;
			}
		} else {
			if (!valid_dotted(text, true)) {
				perr(p, t, "'%s' is not a prompt id (group.name, lower case)", t->text);
				return false;
			}
			it->prompt = text;
		}
		say->n++;
	}
	return true;
}

static struct flow_stmt *new_stmt(struct parser *p, enum flow_stmt_kind kind, unsigned channels,
				  const struct flow_tok *first)
{
	struct flow_state *st = p->state;
	struct flow_stmt *s;

	st->stmts = talloc_realloc(p->flow, st->stmts, struct flow_stmt, st->n_stmts + 1);
	s = &st->stmts[st->n_stmts++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->channels = channels;
	s->loc = tok_loc(p, first->col);
	return s;
}

/* Options "key=value" and flags from token i on, up to an '->' (whose index
 * is returned in *arrow, or n).  known: "key" for a value option, "!flag" for
 * a flag.  Calls back per option.  Returns false on error. */
struct opt_ctx {
	struct parser *p;
	const char *const *known;
	unsigned arrow;
};

typedef bool (*opt_cb)(struct parser *p, void *data, const struct flow_tok *key,
		       const struct flow_tok *val);

static bool parse_opts(struct parser *p, unsigned i, const char *const *known, opt_cb cb,
		       void *data, unsigned *arrow)
{
	unsigned n = p->line->n;

	for (; i < n; i++) {
		const struct flow_tok *t = tok(p, i), *eq = tok(p, i + 1), *v = tok(p, i + 2);
		const char *const *k;
		bool found = false;

		if (t->kind == TOK_ARROW) {
			if (arrow) {
				*arrow = i;
				return true;
			}
			perr(p, t, "unexpected '->' here");
			return false;
		}
		if (t->kind != TOK_WORD) {
			perr(p, t, "expected an option, not '%s'", t->text);
			return false;
		}
		if (eq && eq->kind == TOK_EQ) {
			if (!v || !eq->glued || !v->glued) {
				perr(p, eq, "write options as key=value, without blanks around '='");
				return false;
			}
			for (k = known; *k; k++)
				if (**k != '!' && !strcmp(*k, t->text))
					found = true;
			if (!found) {
				perr(p, t, "unknown option '%s'", t->text);
				return false;
			}
			if (!cb(p, data, t, v))
				return false;
			i += 2;
			continue;
		}
		for (k = known; *k; k++)
			if (**k == '!' && !strcmp(*k + 1, t->text))
				found = true;
		if (!found) {
			perr(p, t, "unknown option '%s'", t->text);
			return false;
		}
		if (!cb(p, data, t, NULL))
			return false;
	}
	if (arrow)
		*arrow = n;
	return true;
}

static bool ask_opt(struct parser *p, void *data, const struct flow_tok *key,
		    const struct flow_tok *val)
{
	struct flow_stmt *s = data;
	struct flow_ask *a = &s->ask;
	const char *k = key->text;
	int v;

	if (!val) {
		if (!strcmp(k, "optional"))
			a->optional = true;
		else if (!strcmp(k, "long"))
			s->long_ok = true;
		return true;
	}
	if (!strcmp(k, "prompt")) {
		if (val->kind != TOK_WORD || !valid_dotted(val->text, true)) {
			perr(p, val, "'%s' is not a prompt id (group.name, lower case)", val->text);
			return false;
		}
		a->prompt = val->text;
		a->prompt_loc = tok_loc(p, val->col);
	} else if (!strcmp(k, "var")) {
		if (val->kind != TOK_WORD || !valid_name(val->text)) {
			perr(p, val, "'%s' is not a variable name", val->text);
			return false;
		}
		a->var = val->text;
	} else if (a->kind == FLOW_ASK_DIGITS && (!strcmp(k, "min") || !strcmp(k, "max"))) {
		v = parse_uint(val->text, 32);
		if (v < 1) {
			perr(p, val, "%s= takes a number of digits from 1 to 32", k);
			return false;
		}
		if (k[1] == 'i')
			a->min_digits = v;
		else
			a->max_digits = v;
	} else if (!strcmp(k, "max") && a->kind == FLOW_ASK_TEXT) {
		v = parse_uint(val->text, 4000);
		if (v < 1) {
			perr(p, val, "max= takes a number of characters from 1 to 4000");
			return false;
		}
		a->max_chars = v;
	} else if (!strcmp(k, "max") || !strcmp(k, "silence")) {
		v = parse_duration(val->text);
		if (v <= 0) {
			perr(p, val, "'%s' is not a duration (e.g. 500ms, 6s, 2m)", val->text);
			return false;
		}
		if (k[0] == 'm')
			a->max_record_ms = v;
		else
			a->silence_ms = v;
	} else if (!strcmp(k, "term")) {
		if (strlen(val->text) != 1 || !strchr("#*", val->text[0])) {
			perr(p, val, "term= is # or *");
			return false;
		}
		a->term = val->text[0];
	}
	return true;
}

static void parse_ask(struct parser *p, unsigned i, unsigned channels)
{
	static const char *const menu_opts[] = { "prompt", "var", "!long", NULL };
	static const char *const digits_opts[] = { "prompt", "var", "min", "max", "term", NULL };
	static const char *const text_opts[] = { "prompt", "var", "max", "!optional", "!long", NULL };
	static const char *const record_opts[] = { "prompt", "var", "max", "silence", "!optional", NULL };
	const struct flow_tok *t0 = tok(p, i - 1), *kt = tok(p, i);
	const char *const *known;
	struct flow_stmt *s;
	struct flow_ask *a;
	unsigned arrow;

	if (!kt || kt->kind != TOK_WORD) {
		perr(p, kt, "expected menu, yesno, digits, text or record after 'ask'");
		return;
	}
	s = new_stmt(p, STMT_ASK, channels, t0);
	a = &s->ask;
	if (!strcmp(kt->text, "menu")) {
		a->kind = FLOW_ASK_MENU;
		known = menu_opts;
	} else if (!strcmp(kt->text, "yesno")) {
		a->kind = FLOW_ASK_YESNO;
		known = menu_opts;
	} else if (!strcmp(kt->text, "digits")) {
		a->kind = FLOW_ASK_DIGITS;
		known = digits_opts;
		a->min_digits = 1;
		a->max_digits = 16;
	} else if (!strcmp(kt->text, "text")) {
		a->kind = FLOW_ASK_TEXT;
		known = text_opts;
		a->max_chars = 500;
		a->max_record_ms = 60000;
		a->silence_ms = 3000;
	} else if (!strcmp(kt->text, "record")) {
		a->kind = FLOW_ASK_RECORD;
		known = record_opts;
		a->max_chars = 500;
		a->max_record_ms = 60000;
		a->silence_ms = 3000;
	} else {
		perr(p, kt, "unknown ask '%s': expected menu, yesno, digits, text or record", kt->text);
		p->state->n_stmts--;
		return;
	}
	if (!parse_opts(p, i + 1, known, ask_opt, s, &arrow))
		goto drop;
	if (!a->prompt) {
		perr(p, kt, "ask %s needs prompt=", kt->text);
		goto drop;
	}
	if (!a->var)
		a->var = p->state->name;
	if (a->kind == FLOW_ASK_MENU || a->kind == FLOW_ASK_YESNO) {
		if (arrow < p->line->n) {
			perr(p, tok(p, arrow), "ask %s takes its targets on the choice lines below it",
			     kt->text);
			goto drop;
		}
		p->menu_stmt = p->state->n_stmts - 1;
		return;
	}
	if (a->kind == FLOW_ASK_DIGITS && a->min_digits > a->max_digits) {
		perr(p, kt, "min=%u is more than max=%u", a->min_digits, a->max_digits);
		goto drop;
	}
	if (arrow >= p->line->n) {
		perr(p, NULL, "ask %s needs '-> target' at the end", kt->text);
		goto drop;
	}
	if (!parse_target(p, tok(p, arrow + 1), &a->target))
		goto drop;
	if (tok(p, arrow + 2)) {
		perr(p, tok(p, arrow + 2), "unexpected '%s' after the target", tok(p, arrow + 2)->text);
		goto drop;
	}
	return;
drop:
	p->state->n_stmts--;
	p->skip_choices = a->kind == FLOW_ASK_MENU || a->kind == FLOW_ASK_YESNO;
}

/* KEY WORD PROMPT -> TARGET, or yes/no -> TARGET, below an ask menu/yesno */
static void parse_choice(struct parser *p)
{
	struct flow_stmt *s = &p->state->stmts[p->menu_stmt];
	struct flow_ask *a = &s->ask;
	const struct flow_tok *k = tok(p, 0);
	struct flow_choice c = { .loc = tok_loc(p, k->col) };
	unsigned arrow;

	if (a->kind == FLOW_ASK_YESNO) {
		if (!tok_is(k, "yes") && !tok_is(k, "no")) {
			perr(p, k, "a yes/no question takes 'yes -> target' and 'no -> target'");
			return;
		}
		c.key = k->text[0] == 'y' ? '1' : '2';
		c.word = k->text;
		c.label = k->text[0] == 'y' ? "common.yes" : "common.no";
		arrow = 1;
	} else {
		if (strlen(k->text) != 1 || !strchr("0123456789*", k->text[0])) {
			perr(p, k, "menu key '%s' must be one of 0-9 or * (# ends digit entry)", k->text);
			return;
		}
		c.key = k->text[0];
		if (!tok(p, 1) || tok(p, 1)->kind != TOK_WORD || !valid_name(tok(p, 1)->text)) {
			perr(p, tok(p, 1), "expected the choice's word (lower case) after the key");
			return;
		}
		c.word = tok(p, 1)->text;
		if (!tok(p, 2) || tok(p, 2)->kind != TOK_WORD || !valid_dotted(tok(p, 2)->text, true)) {
			perr(p, tok(p, 2), "expected the choice's label prompt id (group.name)%s",
			     tok(p, 2) && tok(p, 2)->kind == TOK_STRING ? ": texts belong in the catalogs" : "");
			return;
		}
		c.label = tok(p, 2)->text;
		arrow = 3;
	}
	if (!tok(p, arrow) || tok(p, arrow)->kind != TOK_ARROW) {
		perr(p, tok(p, arrow), "expected '-> target'");
		return;
	}
	if (!parse_target(p, tok(p, arrow + 1), &c.target))
		return;
	if (tok(p, arrow + 2)) {
		perr(p, tok(p, arrow + 2), "unexpected '%s' after the target", tok(p, arrow + 2)->text);
		return;
	}
	a->choices = talloc_realloc(p->flow, a->choices, struct flow_choice, a->n_choices + 1);
	a->choices[a->n_choices++] = c;
}

static bool no_more(struct parser *p, unsigned i)
{
	if (tok(p, i)) {
		perr(p, tok(p, i), "unexpected '%s'", tok(p, i)->text);
		return false;
	}
	return true;
}

/* Copy what tmp sets into the retry models of the given channels. */
static void retry_apply(struct flow_retry *r, const struct flow_retry *tmp, unsigned channels)
{
	unsigned c;

	for (c = 0; c < 2; c++) {
		if (!(channels & (c ? FLOW_CH_VOICE : FLOW_CH_SMS)))
			continue;
		if (tmp->timeout_ms >= 0)
			r[c].timeout_ms = tmp->timeout_ms;
		if (tmp->interdigit_ms >= 0)
			r[c].interdigit_ms = tmp->interdigit_ms;
		if (tmp->noinput)
			r[c].noinput = tmp->noinput;
		if (tmp->nomatch)
			r[c].nomatch = tmp->nomatch;
		if (tmp->failures >= 0) {
			r[c].failures = tmp->failures;
			r[c].fail_target = tmp->fail_target;
		}
	}
}

/* `noinput`, `nomatch`, `timeout`, `interdigit`, `failures`: into the state's
 * or the defaults' retry model for the channels given.  Returns false when
 * the line is not a retry line. */
static bool parse_retry(struct parser *p, unsigned i, unsigned channels)
{
	const struct flow_tok *t = tok(p, i);
	struct flow_retry *r = p->state ? p->state->retry : p->flow->defaults;
	struct flow_retry tmp;

	flow_retry_init(&tmp);
	if (tok_is(t, "timeout") || tok_is(t, "interdigit")) {
		int ms;
		if (!tok(p, i + 1) || (ms = parse_duration(tok(p, i + 1)->text)) <= 0) {
			perr(p, tok(p, i + 1), "%s takes a duration (e.g. 500ms, 6s, 2m)", t->text);
			return true;
		}
		if (!no_more(p, i + 2))
			return true;
		if (t->text[0] == 't')
			tmp.timeout_ms = ms;
		else
			tmp.interdigit_ms = ms;
	} else if (tok_is(t, "noinput") || tok_is(t, "nomatch")) {
		struct flow_say *say = talloc_zero(p->flow, struct flow_say);
		if (!parse_items(p, i + 1, say, NULL))
			return true;
		if (t->text[2] == 'i')
			tmp.noinput = say;
		else
			tmp.nomatch = say;
	} else if (tok_is(t, "failures")) {
		int n = tok(p, i + 1) ? parse_uint(tok(p, i + 1)->text, 20) : -1;
		if (n < 1) {
			perr(p, tok(p, i + 1), "failures takes a count from 1 to 20");
			return true;
		}
		if (!tok(p, i + 2) || tok(p, i + 2)->kind != TOK_ARROW) {
			perr(p, tok(p, i + 2), "expected '-> target' after the count");
			return true;
		}
		if (!parse_target(p, tok(p, i + 3), &tmp.fail_target) || !no_more(p, i + 4))
			return true;
		tmp.failures = n;
	} else {
		return false;
	}
	retry_apply(r, &tmp, channels);
	return true;
}

struct kv_ctx {
	struct flow_opt *opts;
	unsigned n;
};

static bool kv_opt(struct parser *p, void *data, const struct flow_tok *key,
		   const struct flow_tok *val)
{
	struct kv_ctx *kv = data;
	struct flow_opt *o;
	unsigned j;

	for (j = 0; j < kv->n; j++) {
		if (!strcmp(kv->opts[j].key, key->text)) {
			perr(p, key, "'%s' given twice", key->text);
			return false;
		}
	}
	kv->opts = talloc_realloc(p->flow, kv->opts, struct flow_opt, kv->n + 1);
	o = &kv->opts[kv->n];
	o->key = key->text;
	if (!parse_value(p, val, &o->val))
		return false;
	kv->n++;
	return true;
}

static void parse_if(struct parser *p, unsigned i, unsigned channels)
{
	const struct flow_tok *t0 = tok(p, i - 1);
	struct flow_stmt s = { .kind = STMT_IF, .channels = channels, .loc = tok_loc(p, t0->col) };
	unsigned j = i;

	if (tok_is(tok(p, j), "not")) {
		s.op = COND_NOT;
		j++;
	}
	if (!tok(p, j) || tok(p, j)->kind != TOK_WORD || tok(p, j)->text[0] != '$') {
		perr(p, tok(p, j), "expected a $variable after 'if'");
		return;
	}
	if (!parse_value(p, tok(p, j), &s.lhs))
		return;
	j++;
	if (s.op != COND_NOT && tok(p, j) && (tok(p, j)->kind == TOK_OP || tok(p, j)->kind == TOK_EQ)) {
		static const struct value_string ops[] = {
			{ COND_EQ, "==" }, { COND_NE, "!=" }, { COND_LT, "<" },
			{ COND_LE, "<=" }, { COND_GT, ">" }, { COND_GE, ">=" }, { 0, NULL } };
		int op = get_string_value(ops, tok(p, j)->text);
		if (op < 0) {
			perr(p, tok(p, j), "'%s' is not a comparison: use == != < <= > >=", tok(p, j)->text);
			return;
		}
		s.op = op;
		if (!parse_value(p, tok(p, j + 1), &s.val))
			return;
		j += 2;
	} else if (s.op != COND_NOT) {
		s.op = COND_TRUE;
	}
	if (!tok_is(tok(p, j), "goto")) {
		perr(p, tok(p, j), "expected 'goto target' after the condition");
		return;
	}
	if (!parse_target(p, tok(p, j + 1), &s.target))
		return;
	if (tok(p, j + 2)) {
		perr(p, tok(p, j + 2), "unexpected '%s' after the target", tok(p, j + 2)->text);
		return;
	}
	*new_stmt(p, STMT_IF, channels, t0) = s;
}

static void parse_statement(struct parser *p)
{
	unsigned channels = FLOW_CH_ALL, i = 0;
	const struct flow_tok *t;
	struct flow_stmt *s;

	if (tok_is(tok(p, 0), "on")) {
		const struct flow_tok *c = tok(p, 1);
		if (tok_is(c, "sms:"))
			channels = FLOW_CH_SMS;
		else if (tok_is(c, "voice:"))
			channels = FLOW_CH_VOICE;
		else {
			perr(p, c, "expected 'sms:' or 'voice:' after 'on'");
			return;
		}
		i = 2;
		if (!tok(p, i)) {
			perr(p, NULL, "expected a statement after '%s'", c->text);
			return;
		}
		if (tok_is(tok(p, i), "on")) {
			perr(p, tok(p, i), "only one 'on sms:' or 'on voice:' per line");
			return;
		}
	}
	t = tok(p, i);
	if (t->kind != TOK_WORD) {
		perr(p, t, "expected a statement, not '%s'", t->text);
		return;
	}
	if (parse_retry(p, i, channels))
		return;
	if (p->in_defaults) {
		perr(p, t, "'%s' cannot be a default: defaults take timeout, interdigit, noinput, nomatch and failures",
		     t->text);
		return;
	}
	if (!p->state) {
		perr(p, t, "'%s' outside a state: start one with 'state NAME'", t->text);
		return;
	}
	if (strcmp(t->text, "ask"))
		p->menu_stmt = -1;

	if (!strcmp(t->text, "say")) {
		struct flow_say say;
		bool long_ok = false;
		if (!parse_items(p, i + 1, &say, &long_ok))
			return;
		s = new_stmt(p, STMT_SAY, channels, t);
		s->say = say;
		s->long_ok = long_ok;
	} else if (!strcmp(t->text, "ask")) {
		p->menu_stmt = -1;
		parse_ask(p, i + 1, channels);
	} else if (!strcmp(t->text, "set")) {
		const struct flow_tok *n = tok(p, i + 1), *eq = tok(p, i + 2);
		struct flow_val v;
		if (!n || n->kind != TOK_WORD || !valid_var(n->text)) {
			perr(p, n, "expected a variable name after 'set' (no '$')");
			return;
		}
		if (!eq || eq->kind != TOK_EQ) {
			perr(p, eq, "expected '=' after the variable name");
			return;
		}
		if (flow_var_builtin(n->text)) {
			perr(p, n, "'%s' is a built-in variable: it cannot be set", n->text);
			return;
		}
		if (!parse_value(p, tok(p, i + 3), &v) || !no_more(p, i + 4))
			return;
		s = new_stmt(p, STMT_SET, channels, t);
		s->var = n->text;
		s->val = v;
	} else if (!strcmp(t->text, "if")) {
		parse_if(p, i + 1, channels);
	} else if (!strcmp(t->text, "goto") || !strcmp(t->text, "call")) {
		struct flow_target tg;
		if (!parse_target(p, tok(p, i + 1), &tg) || !no_more(p, i + 2))
			return;
		s = new_stmt(p, t->text[0] == 'g' ? STMT_GOTO : STMT_CALL, channels, t);
		s->target = tg;
	} else if (!strcmp(t->text, "return") || !strcmp(t->text, "end")) {
		if (!no_more(p, i + 1))
			return;
		new_stmt(p, t->text[0] == 'r' ? STMT_RETURN : STMT_END, channels, t);
	} else if (!strcmp(t->text, "create") || !strcmp(t->text, "callback")) {
		static const char *const create_opts[] = { "service", "location", "description", NULL };
		static const char *const callback_opts[] = { "window", "reason", NULL };
		struct kv_ctx kv = { 0 };
		bool create = t->text[1] == 'r';
		unsigned j = i + 1;
		if (create) {
			if (!tok_is(tok(p, j), "case")) {
				perr(p, tok(p, j), "expected 'create case'");
				return;
			}
			j++;
		}
		if (!parse_opts(p, j, create ? create_opts : callback_opts, kv_opt, &kv, NULL))
			return;
		if (create && !kv.n) {
			perr(p, t, "create case needs service=");
			return;
		}
		s = new_stmt(p, create ? STMT_CREATE_CASE : STMT_CALLBACK, channels, t);
		s->opts = kv.opts;
		s->n_opts = kv.n;
	} else if (!strcmp(t->text, "find")) {
		const struct flow_tok *w = tok(p, i + 1);
		if (tok_is(w, "cases")) {
			if (!tok_is(tok(p, i + 2), "caller")) {
				perr(p, tok(p, i + 2), "expected 'find cases caller'");
				return;
			}
			if (!no_more(p, i + 3))
				return;
			new_stmt(p, STMT_FIND_CASES, channels, t);
		} else if (tok_is(w, "case")) {
			const struct flow_tok *k = tok(p, i + 2), *eq = tok(p, i + 3);
			struct flow_val v;
			if (!tok_is(k, "id") || !eq || eq->kind != TOK_EQ) {
				perr(p, k, "expected 'find case id=VALUE'");
				return;
			}
			if (!parse_value(p, tok(p, i + 4), &v) || !no_more(p, i + 5))
				return;
			s = new_stmt(p, STMT_FIND_CASE, channels, t);
			s->val = v;
		} else {
			perr(p, w, "expected 'find case id=...' or 'find cases caller'");
		}
	} else if (!strcmp(t->text, "follow")) {
		const struct flow_tok *k = tok(p, i + 1), *eq = tok(p, i + 2);
		struct flow_val v;
		if (!tok_is(k, "case") || !eq || eq->kind != TOK_EQ) {
			perr(p, k, "expected 'follow case=VALUE'");
			return;
		}
		if (!parse_value(p, tok(p, i + 3), &v) || !no_more(p, i + 4))
			return;
		s = new_stmt(p, STMT_FOLLOW, channels, t);
		s->val = v;
	} else if (!strcmp(t->text, "transfer")) {
		static const char *const transfer_opts[] = { "queue", "fallback", NULL };
		struct kv_ctx kv = { 0 };
		const char *queue = "agents";
		struct flow_target fb = { 0 };
		unsigned j;
		if (!parse_opts(p, i + 1, transfer_opts, kv_opt, &kv, NULL))
			return;
		for (j = 0; j < kv.n; j++) {
			if (kv.opts[j].val.is_var) {
				perr(p, NULL, "transfer %s= takes a name, not a variable", kv.opts[j].key);
				return;
			}
			if (!strcmp(kv.opts[j].key, "queue")) {
				queue = kv.opts[j].val.text;
			} else {
				fb.text = kv.opts[j].val.text;
				fb.loc = kv.opts[j].val.loc;
			}
		}
		if (!fb.text) {
			perr(p, t, "transfer needs fallback=target (where to go when no agent can take it)");
			return;
		}
		s = new_stmt(p, STMT_TRANSFER, channels, t);
		s->queue = queue;
		s->target = fb;
	} else if (!strcmp(t->text, "send")) {
		struct flow_say say;
		if (!tok_is(tok(p, i + 1), "sms")) {
			perr(p, tok(p, i + 1), "expected 'send sms'");
			return;
		}
		if (!parse_items(p, i + 2, &say, NULL))
			return;
		s = new_stmt(p, STMT_SEND_SMS, channels, t);
		s->say = say;
	} else {
		perr(p, t, "unknown statement '%s'", t->text);
	}
}

static void parse_keyword(struct parser *p)
{
	struct flow_keyword kw = { .loc = tok_loc(p, tok(p, 0)->col) };
	struct kv_ctx kv = { 0 };
	unsigned i, arrow = 0;

	for (i = 1; i < p->line->n; i++) {
		const struct flow_tok *t = tok(p, i);
		char *up;
		unsigned j;
		if (t->kind == TOK_ARROW) {
			arrow = i;
			break;
		}
		if (t->kind != TOK_WORD || t->text[0] == '$') {
			perr(p, t, "expected a keyword, not '%s'", t->text);
			return;
		}
		up = talloc_strdup(p->flow, t->text);
		for (j = 0; up[j]; j++)
			up[j] = toupper((unsigned char)up[j]);
		kw.words = talloc_realloc(p->flow, kw.words, const char *, kw.n_words + 1);
		kw.words[kw.n_words++] = up;
	}
	if (!kw.n_words) {
		perr(p, tok(p, 1), "expected the keyword's words");
		return;
	}
	if (!arrow) {
		perr(p, NULL, "expected '-> target' after the keywords");
		return;
	}
	if (!parse_target(p, tok(p, arrow + 1), &kw.target))
		return;
	/* NAME=VALUE to set */
	for (i = arrow + 2; i < p->line->n; i += 3) {
		const struct flow_tok *n = tok(p, i), *eq = tok(p, i + 1), *v = tok(p, i + 2);
		if (!n || n->kind != TOK_WORD || !valid_var(n->text) || !eq || eq->kind != TOK_EQ || !v) {
			perr(p, n, "expected name=value to set after the target");
			return;
		}
		if (!kv_opt(p, &kv, n, v))
			return;
	}
	kw.sets = kv.opts;
	kw.n_sets = kv.n;
	p->flow->keywords = talloc_realloc(p->flow, p->flow->keywords, struct flow_keyword,
					   p->flow->n_keywords + 1);
	p->flow->keywords[p->flow->n_keywords++] = kw;
}

static void close_state(struct parser *p)
{
	struct flow_state *st = p->state;
	unsigned i;

	if (!st)
		return;
	for (i = 0; i < st->n_stmts; i++) {
		struct flow_ask *a = &st->stmts[i].ask;
		if (st->stmts[i].kind != STMT_ASK)
			continue;
		if (a->kind == FLOW_ASK_MENU && !a->n_choices)
			flow_error(p->d, &st->stmts[i].loc, "ask menu has no choices: add lines 'KEY word label.prompt -> target' below it");
		if (a->kind == FLOW_ASK_YESNO && a->n_choices != 2)
			flow_error(p->d, &st->stmts[i].loc, "ask yesno needs one 'yes -> target' and one 'no -> target' line");
	}
	if (!st->n_stmts && p->d->errors == p->file_errors)
		flow_error(p->d, &st->loc, "state '%s' is empty", st->name);
	p->state = NULL;
}

static void parse_top(struct parser *p)
{
	const struct flow_tok *t = tok(p, 0);
	const struct flow_tok *n = tok(p, 1);

	close_state(p);
	p->in_defaults = false;
	p->skip_block = false;
	p->skip_choices = false;
	p->menu_stmt = -1;
	if (tok_is(t, "flow")) {
		if (p->flow->name) {
			perr(p, t, "a file holds one flow; '%s' was named already", p->flow->name);
			return;
		}
		if (!n || n->kind != TOK_WORD || !valid_name(n->text)) {
			perr(p, n, "expected the flow's name (lower case) after 'flow'");
			return;
		}
		no_more(p, 2);
		p->flow->name = n->text;
		p->flow->loc = tok_loc(p, t->col);
		return;
	}
	if (!p->flow->name) {
		perr(p, t, "a flow file starts with 'flow NAME'");
		p->flow->name = "";
	}
	if (tok_is(t, "defaults")) {
		no_more(p, 1);
		p->in_defaults = true;
	} else if (tok_is(t, "keyword")) {
		parse_keyword(p);
	} else if (tok_is(t, "state")) {
		struct flow_state *st;
		unsigned i;
		if (!n || n->kind != TOK_WORD || !valid_name(n->text)) {
			perr(p, n, "expected the state's name (lower case letters, digits, '_') after 'state'");
			p->skip_block = true;
			return;
		}
		if (!no_more(p, 2)) {
			p->skip_block = true;
			return;
		}
		for (i = 0; i < p->flow->n_states; i++) {
			if (!strcmp(p->flow->states[i]->name, n->text)) {
				perr(p, n, "state '%s' is defined twice (first at line %u)", n->text,
				     p->flow->states[i]->loc.line);
				p->skip_block = true;
				return;
			}
		}
		st = talloc_zero(p->flow, struct flow_state);
		st->name = n->text;
		st->flow = p->flow;
		st->loc = tok_loc(p, t->col);
		flow_retry_init(&st->retry[0]);
		flow_retry_init(&st->retry[1]);
		p->flow->states = talloc_realloc(p->flow, p->flow->states, struct flow_state *,
						 p->flow->n_states + 1);
		p->flow->states[p->flow->n_states++] = st;
		p->state = st;
	} else {
		perr(p, t, "expected 'flow', 'defaults', 'keyword' or 'state' at the start of a line (statements are indented)");
	}
}

/* Looks like a menu key: digits, '*' and '#' only. */
static bool is_key_like(const char *s)
{
	return *s && strspn(s, "0123456789*#") == strlen(s);
}

struct flow *flow_parse(void *ctx, const char *file, const char *text, size_t len,
			struct flow_diag *d)
{
	struct parser p = { .file = file, .d = d, .menu_stmt = -1, .file_errors = d->errors };
	struct flow_line *lines;
	unsigned n, i, errors = d->errors;

	p.flow = talloc_zero(ctx, struct flow);
	p.ctx = p.flow;
	p.flow->file = talloc_strdup(p.flow, file);
	p.file = p.flow->file;
	flow_retry_init(&p.flow->defaults[0]);
	flow_retry_init(&p.flow->defaults[1]);
	lines = flow_lex(p.flow, p.file, text, len, &n, d);
	for (i = 0; i < n && d->errors - errors < 100; i++) {
		const struct flow_tok *t0;
		p.line = &lines[i];
		t0 = tok(&p, 0);
		if (p.line->indent == 0) {
			parse_top(&p);
			continue;
		}
		if (p.skip_block)
			continue;
		if (p.skip_choices && t0->kind == TOK_WORD
		    && (is_key_like(t0->text) || tok_is(t0, "yes") || tok_is(t0, "no")))
			continue;
		p.skip_choices = false;
		if (!p.state && !p.in_defaults) {
			perr(&p, t0, "indented line outside a state or defaults");
			continue;
		}
		if (p.menu_stmt >= 0 && p.state && t0->kind == TOK_WORD
		    && (is_key_like(t0->text) || tok_is(t0, "yes") || tok_is(t0, "no"))) {
			parse_choice(&p);
			continue;
		}
		if (t0->kind == TOK_WORD && is_key_like(t0->text)) {
			perr(&p, t0, "menu choice without an 'ask menu' line above it");
			continue;
		}
		parse_statement(&p);
	}
	close_state(&p);
	if (!n && d->errors == errors) {
		struct flow_loc loc = { .file = p.file, .line = 1, .col = 1 };
		flow_error(d, &loc, "empty flow file: it needs 'flow NAME' and at least one state");
	} else if (!p.flow->n_states && d->errors == errors) {
		flow_error(d, &p.flow->loc, "flow '%s' has no states", p.flow->name);
	}
	if (d->errors != errors) {
		talloc_free(p.flow);
		return NULL;
	}
	return p.flow;
}
