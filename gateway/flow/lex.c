/* lex.c -- the flow language's lexer: a file's bytes into lines of tokens.
 *
 * The language is line-oriented, so the lexer works a line at a time and
 * never looks across a line break.  It owns the byte-level checks: invalid
 * UTF-8, NUL bytes (binary files), over-long lines and unterminated strings
 * are reported here as file:line:col and the offending line is dropped, so a
 * garbage file costs one error per line, never a crash.  It knows nothing of
 * statements; flow/parse.c gives the tokens meaning.
 *
 * Comments: '#' at the start of a line or after a blank, to the end of the
 * line.  A '#' glued to something else ("term=#") is part of that token.
 */
#include <string.h>
#include <errno.h>
#include <stdarg.h>

#include <osmocom/core/talloc.h>

#include "flow/flow_int.h"
#include "sms/sms_text.h"

#define FLOW_MAX_LINE	4096
#define FLOW_MAX_TOKS	128

void flow_error(struct flow_diag *d, const struct flow_loc *loc, const char *fmt, ...)
{
	va_list ap;

	d->errors++;
	if (!d->out)
		return;
	fprintf(d->out, "%s:%u:%u: ", loc->file, loc->line, loc->col);
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
}

/* Check one line's bytes; report the first problem.  Returns 0 if clean. */
int flow_lex_check_line(const char *file, unsigned lineno, const char *s, size_t len,
			   struct flow_diag *d)
{
	struct flow_loc loc = { .file = file, .line = lineno };
	size_t i = 0;
	unsigned n;
	uint32_t cp;

	if (len > FLOW_MAX_LINE) {
		loc.col = FLOW_MAX_LINE + 1;
		flow_error(d, &loc, "line is longer than %u bytes", FLOW_MAX_LINE);
		return -EINVAL;
	}
	while (i < len) {
		unsigned char c = s[i];
		loc.col = i + 1;
		if (c == 0) {
			flow_error(d, &loc, "NUL byte: this is not a text file");
			return -EINVAL;
		}
		if (c < 0x20 && c != '\t' && c != '\r') {
			flow_error(d, &loc, "control character 0x%02x", c);
			return -EINVAL;
		}
		n = sms_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (!n) {
			flow_error(d, &loc, "invalid UTF-8");
			return -EINVAL;
		}
		i += n;
	}
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_op_char(char c)
{
	return c == '=' || c == '!' || c == '<' || c == '>';
}

/* Bytes that may be part of a word: anything that is not blank, quote or an
 * operator character ("-" is a word byte unless it starts "->"). */
static bool is_word_byte(const char *s, size_t i, size_t len)
{
	char c = s[i];

	if (is_blank(c) || c == '"' || is_op_char(c))
		return false;
	if (c == '-' && i + 1 < len && s[i + 1] == '>')
		return false;
	return true;
}

static int lex_line(void *ctx, const char *file, unsigned lineno, const char *s, size_t len,
		    struct flow_line *out, struct flow_diag *d)
{
	struct flow_tok toks[FLOW_MAX_TOKS];
	struct flow_loc loc = { .file = file, .line = lineno };
	unsigned n = 0, indent = 0;
	size_t i = 0;
	bool prev_blank = true;

	while (i < len && is_blank(s[i])) {
		indent += s[i] == '\t' ? 8 - indent % 8 : 1;
		i++;
	}
	while (i < len) {
		struct flow_tok *t;
		size_t start;

		if (is_blank(s[i])) {
			prev_blank = true;
			i++;
			continue;
		}
		if (s[i] == '#' && prev_blank)
			break;
		if (n == FLOW_MAX_TOKS) {
			loc.col = i + 1;
			flow_error(d, &loc, "too many words on one line (at most %u)", FLOW_MAX_TOKS);
			return -EINVAL;
		}
		t = &toks[n++];
		t->col = i + 1;
		t->glued = !prev_blank;
		prev_blank = false;
		start = i;
		if (s[i] == '"') {
			char *buf = talloc_size(ctx, len - i + 1);
			size_t o = 0;
			i++;
			while (i < len && s[i] != '"') {
				if (s[i] == '\\' && i + 1 < len) {
					i++;
					buf[o++] = s[i] == 'n' ? '\n' : s[i];
				} else {
					buf[o++] = s[i];
				}
				i++;
			}
			if (i >= len) {
				loc.col = start + 1;
				flow_error(d, &loc, "unterminated string");
				return -EINVAL;
			}
			buf[o] = '\0';
			i++;
			t->kind = TOK_STRING;
			t->text = buf;
			continue;
		}
		if (s[i] == '-' && i + 1 < len && s[i + 1] == '>') {
			t->kind = TOK_ARROW;
			t->text = "->";
			i += 2;
			continue;
		}
		if (is_op_char(s[i])) {
			if (i + 1 < len && s[i + 1] == '=') {
				t->kind = TOK_OP;
				t->text = talloc_strndup(ctx, s + i, 2);
				i += 2;
			} else if (s[i] == '=') {
				t->kind = TOK_EQ;
				t->text = "=";
				i++;
			} else if (s[i] == '<' || s[i] == '>') {
				t->kind = TOK_OP;
				t->text = talloc_strndup(ctx, s + i, 1);
				i++;
			} else {
				loc.col = i + 1;
				flow_error(d, &loc, "unexpected '%c'", s[i]);
				return -EINVAL;
			}
			continue;
		}
		while (i < len && is_word_byte(s, i, len))
			i++;
		t->kind = TOK_WORD;
		t->text = talloc_strndup(ctx, s + start, i - start);
	}
	if (!n)
		return 0;
	out->line = lineno;
	out->indent = indent;
	out->n = n;
	out->toks = talloc_memdup(ctx, toks, n * sizeof(toks[0]));
	return 1;
}

struct flow_line *flow_lex(void *ctx, const char *file, const char *text, size_t len,
			   unsigned *n_out, struct flow_diag *d)
{
	struct flow_line *lines = NULL;
	unsigned n = 0, alloc = 0, lineno = 0;
	size_t pos = 0;

	/* a UTF-8 byte order mark is tolerated */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		pos = 3;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - (text + pos)) : len - pos;
		struct flow_line line;

		lineno++;
		if (flow_lex_check_line(file, lineno, text + pos, llen, d) == 0
		    && lex_line(ctx, file, lineno, text + pos, llen, &line, d) > 0) {
			if (n == alloc) {
				alloc = alloc ? alloc * 2 : 64;
				lines = talloc_realloc(ctx, lines, struct flow_line, alloc);
			}
			lines[n++] = line;
		}
		pos += llen + 1;
		if (d->errors > 100)
			break;
	}
	*n_out = n;
	return lines;
}
