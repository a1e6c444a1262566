/* flow_int.h -- the flow language's internal data: the parsed form of a flow
 * set (flows, states, statements, asks, catalogs) that the parser builds, the
 * loader resolves, the validator checks and the interpreter runs.  Nothing
 * outside gateway/flow/ includes this; the public surface is flow.h.
 *
 * Everything of a flow set hangs off the struct flow_set talloc context, so
 * freeing the set frees every flow, state, string and catalog.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "flow/flow.h"

struct flow_state;
struct flow;
struct stoop_hours;

/* Is name a variable the interpreter provides and a flow cannot set
 * ($hours, $overflow, $announce, $announce.*)? (flow/interp.c) */
bool flow_var_builtin(const char *name);

struct flow_loc {
	const char *file;
	unsigned line, col;
};

/* Error reporting shared by the lexer, parser, loader and validator. */
struct flow_diag {
	FILE *out;
	unsigned errors;
};
__attribute__((format(printf, 3, 4)))
void flow_error(struct flow_diag *d, const struct flow_loc *loc, const char *fmt, ...);

/* Tokens of one line (flow/lex.c). */
enum flow_tok_kind {
	TOK_WORD,	/* names, prompt ids, $vars, numbers, durations */
	TOK_STRING,	/* "quoted", text without the quotes, escapes done */
	TOK_ARROW,	/* -> */
	TOK_EQ,		/* = */
	TOK_OP,		/* == != < <= > >= */
};

struct flow_tok {
	enum flow_tok_kind kind;
	const char *text;
	unsigned col;
	bool glued;	/* no blank between this token and the previous one */
};

struct flow_line {
	unsigned line;
	unsigned indent;	/* columns of leading blank */
	struct flow_tok *toks;
	unsigned n;
};

/* Split a file's text into lines of tokens.  Lines with no tokens (blank,
 * comment) are left out.  Returns a talloc array under ctx, *n set. */
struct flow_line *flow_lex(void *ctx, const char *file, const char *text, size_t len,
			   unsigned *n, struct flow_diag *d);

/* Byte checks of one line (UTF-8, NUL, control characters, length);
 * reports the first problem and returns -EINVAL, or 0. */
int flow_lex_check_line(const char *file, unsigned lineno, const char *s, size_t len,
			struct flow_diag *d);

/* A target of goto, if, call, an arrow: resolved by the loader. */
struct flow_target {
	const char *text;
	struct flow_loc loc;
	struct flow_state *state;
};

/* A value: literal text, or a variable. */
struct flow_val {
	bool is_var;
	const char *text;	/* literal, or variable name without '$' */
	struct flow_loc loc;
};

/* An item of say / send sms / noinput / nomatch. */
struct flow_say_item {
	const char *prompt;	/* prompt id, or its prefix when var is set */
	const char *var;	/* variable name, or NULL */
	bool digits;		/* $var:digits */
	struct flow_loc loc;
};

struct flow_say {
	struct flow_say_item *items;
	unsigned n;
};

struct flow_choice {
	char key;		/* menu key; yes/no: '1' yes, '2' no */
	const char *word;
	const char *label;	/* prompt id */
	struct flow_target target;
	struct flow_loc loc;
	char **norm_labels;	/* per catalog (fs->catalogs order): the SMS label as compared */
};

struct flow_ask {
	enum flow_ask_kind kind;
	const char *prompt;
	struct flow_loc prompt_loc;
	const char *var;
	struct flow_choice *choices;
	unsigned n_choices;
	unsigned min_digits, max_digits;
	char term;
	unsigned max_chars;
	unsigned max_record_ms, silence_ms;
	bool optional;
	struct flow_target target;	/* digits, text, record */
	/* the same choices rendered for a channel (flow.h form) */
	struct flow_choice_out *out_choices;
};

/* One retry model for both channels; -1 / NULL means "not set here". */
struct flow_retry {
	int timeout_ms;
	int interdigit_ms;
	struct flow_say *noinput;
	struct flow_say *nomatch;
	int failures;
	struct flow_target fail_target;
};

struct flow_opt {
	const char *key;
	struct flow_val val;
};

enum flow_cond_op {
	COND_TRUE,	/* $var */
	COND_NOT,	/* not $var */
	COND_EQ, COND_NE, COND_LT, COND_LE, COND_GT, COND_GE,
};

enum flow_stmt_kind {
	STMT_SAY,
	STMT_ASK,
	STMT_SET,
	STMT_IF,
	STMT_GOTO,
	STMT_CALL,
	STMT_RETURN,
	STMT_CREATE_CASE,
	STMT_FIND_CASE,
	STMT_FIND_CASES,
	STMT_FOLLOW,
	STMT_TRANSFER,
	STMT_CALLBACK,
	STMT_SEND_SMS,
	STMT_END,
};

struct flow_stmt {
	enum flow_stmt_kind kind;
	unsigned channels;	/* FLOW_CH_* mask this line runs on */
	bool long_ok;		/* `long`: may exceed one SMS segment */
	struct flow_loc loc;
	struct flow_say say;		/* say, send sms */
	struct flow_ask ask;		/* ask */
	const char *var;		/* set */
	struct flow_val val;		/* set, find case id=, follow case= */
	enum flow_cond_op op;		/* if */
	struct flow_val lhs;		/* if */
	struct flow_target target;	/* if, goto, call, transfer fallback */
	struct flow_opt *opts;		/* create case, callback */
	unsigned n_opts;
	const char *queue;		/* transfer */
};

struct flow_state {
	const char *name;
	struct flow *flow;
	struct flow_loc loc;
	struct flow_stmt *stmts;
	unsigned n_stmts;
	struct flow_retry retry[2];	/* [0] SMS, [1] voice, after defaults */
	bool reachable;
	char *position;			/* "flow.state" */
};

struct flow_keyword {
	const char **words;	/* upper case */
	char **norm_words;	/* as compared with a text's first word */
	unsigned n_words;
	struct flow_target target;
	struct flow_opt *sets;
	unsigned n_sets;
	struct flow_loc loc;
};

struct flow {
	const char *name;
	const char *file;
	struct flow_loc loc;
	struct flow_state **states;
	unsigned n_states;
	struct flow_retry defaults[2];
	struct flow_keyword *keywords;
	unsigned n_keywords;
};

struct flow_catalog_entry {
	const char *id;		/* with @sms / @voice suffix when it has one */
	const char *text;
	struct flow_loc loc;
};

struct flow_catalog {
	const char *lang;
	const char *file;
	struct flow_catalog_entry *entries;	/* sorted by id */
	unsigned n;
};

struct flow_set {
	struct flow **flows;
	unsigned n_flows;
	struct flow_catalog **catalogs;	/* default language first */
	unsigned n_catalogs;
	const char *default_lang;
	bool check_prompts;		/* catalogs were given */
	char **norm_skip;		/* per catalog: word.skip as compared */
	unsigned n_states;
	const struct stoop_hours *hours;	/* $hours; NULL: always open */
};

#define FLOW_RETRY_IDX(ch) ((ch) == FLOW_CH_VOICE ? 1 : 0)

/* flow/parse.c: one file's text into a struct flow (NULL on errors, which
 * are counted in d). */
struct flow *flow_parse(void *ctx, const char *file, const char *text, size_t len,
			struct flow_diag *d);
void flow_retry_init(struct flow_retry *r);

/* flow/catalog.c */
struct flow_catalog *flow_catalog_load(void *ctx, const char *lang, const char *path,
				       struct flow_diag *d);
const char *flow_catalog_get(const struct flow_catalog *cat, const char *id);
const struct flow_catalog *flow_set_catalog(const struct flow_set *fs, const char *lang);

/* Read a text file whole (at most 4 MiB); errors reported in d. */
char *flow_read_file(void *ctx, const char *path, size_t *len, struct flow_diag *d);

/* flow/load.c */
struct flow_state *flow_set_resolve(const struct flow_set *fs, const struct flow *from,
				    const char *text);

/* flow/interp.c: an SMS answer as it is compared with menu words, labels
 * and keywords: lower case, accents folded, blanks and final '.'/'!' gone.
 * Writes at most size bytes to out (always terminated); returns out. */
char *flow_norm_answer(char *out, size_t size, const char *in);
/* flow_norm_answer() into a talloc string */
char *flow_norm_dup(void *ctx, const char *in);

/* flow/validate.c */
void flow_validate(struct flow_set *fs, struct flow_diag *d);

/* flow/render.c: the SMS text of one say item list (for the validator:
 * variables are replaced by placeholders of the estimated length). */
char *flow_render_sms_say(void *ctx, const struct flow_set *fs, const char *lang,
			  const struct flow_say *say, bool estimate);
