/* catalog.c -- prompt catalogs: prompts/<lang>/catalog maps prompt ids to
 * the text a prompt says, one "id = text" per line, '#' comments.
 *
 * An id may carry a channel suffix, "id@sms" or "id@voice", which overrides
 * the plain id on that channel.  "\n" in a text is a line break (SMS).
 * Entries are kept sorted so a lookup is a binary search; catalogs are
 * loaded once at start-up and shared read-only.  The WAV files of the voice
 * channel are named after the same ids (prompts/Makefile.am makes them).
 */
#include <string.h>
#include <stdlib.h>
#include <ctype.h>
#include <errno.h>

#include <osmocom/core/talloc.h>

#include "flow/flow_int.h"

#define CATALOG_MAX_BYTES (4 * 1024 * 1024)

static int entry_cmp(const void *a, const void *b)
{
	const struct flow_catalog_entry *ea = a, *eb = b;
	return strcmp(ea->id, eb->id);
}

static bool valid_prompt_id(const char *s)
{
	const char *at = strchr(s, '@');
	size_t len = at ? (size_t)(at - s) : strlen(s);
	bool dot = false;
	size_t i;

	if (at && strcmp(at, "@sms") && strcmp(at, "@voice"))
		return false;
	if (!len || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return false;
			dot = true;
		} else if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_') {
			return false;
		}
	}
	return dot;
}

static char *unescape(void *ctx, const char *s, size_t len)
{
	char *out = talloc_size(ctx, len + 1);
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len && s[i + 1] == 'n') {
			out[o++] = '\n';
			i++;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

static char *read_file(void *ctx, const char *path, size_t *len, struct flow_diag *d)
{
	struct flow_loc loc = { .file = path, .line = 0, .col = 0 };
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f) {
		flow_error(d, &loc, "cannot open: %s", strerror(errno));
		return NULL;
	}
	buf = talloc_size(ctx, CATALOG_MAX_BYTES + 1);
	n = fread(buf, 1, CATALOG_MAX_BYTES + 1, f);
	fclose(f);
	if (n > CATALOG_MAX_BYTES) {
		flow_error(d, &loc, "file is larger than %u bytes", CATALOG_MAX_BYTES);
		talloc_free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Read a whole text file for the flow loader too (same size limit). */
char *flow_read_file(void *ctx, const char *path, size_t *len, struct flow_diag *d)
{
	return read_file(ctx, path, len, d);
}

struct flow_catalog *flow_catalog_load(void *ctx, const char *lang, const char *path,
				       struct flow_diag *d)
{
	struct flow_catalog *cat;
	size_t len, pos = 0, alloc = 0;
	unsigned lineno = 0, errors = d->errors, i;
	char *text;

	cat = talloc_zero(ctx, struct flow_catalog);
	cat->lang = talloc_strdup(cat, lang);
	cat->file = talloc_strdup(cat, path);
	text = read_file(cat, path, &len, d);
	if (!text)
		goto fail;
	while (pos < len) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - line) : len - pos;
		struct flow_loc loc = { .file = cat->file, .line = ++lineno, .col = 1 };
		const char *eq, *p, *id_end, *val;
		size_t vlen;

		pos += llen + 1;
		if (flow_lex_check_line(cat->file, lineno, line, llen, d))
			continue;
		while (llen && (line[llen - 1] == '\r' || line[llen - 1] == ' ' || line[llen - 1] == '\t'))
			llen--;
		p = line;
		while (p < line + llen && (*p == ' ' || *p == '\t'))
			p++;
		if (p == line + llen || *p == '#')
			continue;
		loc.col = p - line + 1;
		eq = memchr(p, '=', line + llen - p);
		if (!eq) {
			flow_error(d, &loc, "expected 'id = text'");
			continue;
		}
		id_end = eq;
		while (id_end > p && (id_end[-1] == ' ' || id_end[-1] == '\t'))
			id_end--;
		val = eq + 1;
		while (val < line + llen && (*val == ' ' || *val == '\t'))
			val++;
		vlen = line + llen - val;
		if (alloc == cat->n) {
			alloc = alloc ? alloc * 2 : 128;
			cat->entries = talloc_realloc(cat, cat->entries, struct flow_catalog_entry, alloc);
		}
		cat->entries[cat->n].id = talloc_strndup(cat, p, id_end - p);
		if (!valid_prompt_id(cat->entries[cat->n].id)) {
			flow_error(d, &loc, "'%s' is not a prompt id (group.name, lower case, optional @sms or @voice)",
				   cat->entries[cat->n].id);
			continue;
		}
		if (!vlen) {
			loc.col = val - line + 1;
			flow_error(d, &loc, "prompt '%s' has no text", cat->entries[cat->n].id);
			continue;
		}
		cat->entries[cat->n].text = unescape(cat, val, vlen);
		cat->entries[cat->n].loc = loc;
		cat->n++;
	}
	talloc_free(text);
	qsort(cat->entries, cat->n, sizeof(cat->entries[0]), entry_cmp);
	for (i = 1; i < cat->n; i++) {
		if (!strcmp(cat->entries[i].id, cat->entries[i - 1].id)) {
			const struct flow_catalog_entry *a = &cat->entries[i - 1], *b = &cat->entries[i];
			if (a->loc.line > b->loc.line)
				a = b, b = &cat->entries[i - 1];
			flow_error(d, &b->loc, "prompt '%s' is defined twice (first at line %u)", b->id,
				   a->loc.line);
		}
	}
	if (d->errors != errors)
		goto fail;
	return cat;
fail:
	talloc_free(cat);
	return NULL;
}

const char *flow_catalog_get(const struct flow_catalog *cat, const char *id)
{
	struct flow_catalog_entry key = { .id = id };
	const struct flow_catalog_entry *e;

	if (!cat || !cat->n)
		return NULL;
	e = bsearch(&key, cat->entries, cat->n, sizeof(key), entry_cmp);
	return e ? e->text : NULL;
}

const struct flow_catalog *flow_set_catalog(const struct flow_set *fs, const char *lang)
{
	unsigned i;

	for (i = 0; i < fs->n_catalogs; i++)
		if (!strcmp(fs->catalogs[i]->lang, lang))
			return fs->catalogs[i];
	return NULL;
}

const char *flow_catalog_id(const struct flow_set *fs, const char *lang, unsigned idx)
{
	const struct flow_catalog *cat = flow_set_catalog(fs, lang);

	return cat && idx < cat->n ? cat->entries[idx].id : NULL;
}

const char *flow_catalog_text(const struct flow_set *fs, const char *lang,
			      enum flow_channel ch, const char *prompt_id)
{
	const struct flow_catalog *cat = flow_set_catalog(fs, lang);
	char key[256];
	const char *text;

	if (!cat)
		return NULL;
	snprintf(key, sizeof(key), "%s@%s", prompt_id, flow_channel_name(ch));
	text = flow_catalog_get(cat, key);
	return text ? text : flow_catalog_get(cat, prompt_id);
}

const char *flow_channel_name(enum flow_channel ch)
{
	return ch == FLOW_CH_VOICE ? "voice" : "sms";
}
