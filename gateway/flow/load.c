/* load.c -- a flow set from disk: every .flow file of flows/ and every
 * prompts/<lang>/catalog, parsed (flow/parse.c, flow/catalog.c), linked
 * (targets resolved to states, retry defaults merged into each state) and
 * validated (flow/validate.c).  Also the small accessors of struct flow_set
 * that the rest of Stoop uses through flow.h.
 *
 * Loading happens once at start-up; the set is then read-only and shared by
 * every flow instance.
 */
#include <string.h>
#include <stdlib.h>
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include <osmocom/core/talloc.h>

#include "flow/flow_int.h"

#define FLOW_DEFAULT_TIMEOUT_MS		6000
#define FLOW_DEFAULT_INTERDIGIT_MS	3000

struct flow_state *flow_set_resolve(const struct flow_set *fs, const struct flow *from,
				    const char *text)
{
	const char *dot = strchr(text, '.');
	unsigned i, j;

	if (dot) {
		size_t flen = dot - text;
		for (i = 0; i < fs->n_flows; i++) {
			const struct flow *f = fs->flows[i];
			if (strlen(f->name) != flen || strncmp(f->name, text, flen))
				continue;
			for (j = 0; j < f->n_states; j++)
				if (!strcmp(f->states[j]->name, dot + 1))
					return f->states[j];
		}
		return NULL;
	}
	if (from) {
		for (j = 0; j < from->n_states; j++)
			if (!strcmp(from->states[j]->name, text))
				return from->states[j];
	}
	for (i = 0; i < fs->n_flows; i++)
		if (!strcmp(fs->flows[i]->name, text) && fs->flows[i]->n_states)
			return fs->flows[i]->states[0];
	return NULL;
}

static void resolve(struct flow_set *fs, const struct flow *from, struct flow_target *t,
		    struct flow_diag *d)
{
	if (!t->text)
		return;
	t->state = flow_set_resolve(fs, from, t->text);
	if (!t->state) {
		if (strchr(t->text, '.'))
			flow_error(d, &t->loc, "unknown target '%s': no such flow or state", t->text);
		else
			flow_error(d, &t->loc, "unknown target '%s': no state '%s' in flow '%s' and no flow of that name",
				   t->text, t->text, from->name);
	}
}

static void merge_retry(struct flow_retry *r, const struct flow_retry *def)
{
	if (r->timeout_ms < 0)
		r->timeout_ms = def->timeout_ms >= 0 ? def->timeout_ms : FLOW_DEFAULT_TIMEOUT_MS;
	if (r->interdigit_ms < 0)
		r->interdigit_ms = def->interdigit_ms >= 0 ? def->interdigit_ms : FLOW_DEFAULT_INTERDIGIT_MS;
	if (!r->noinput)
		r->noinput = def->noinput;
	if (!r->nomatch)
		r->nomatch = def->nomatch;
	if (r->failures < 0) {
		r->failures = def->failures;
		r->fail_target = def->fail_target;
	}
}

static void link_flow(struct flow_set *fs, struct flow *f, struct flow_diag *d)
{
	unsigned i, j, k, c;

	for (k = 0; k < f->n_keywords; k++) {
		struct flow_keyword *kw = &f->keywords[k];
		resolve(fs, f, &kw->target, d);
		kw->norm_words = talloc_zero_array(f, char *, kw->n_words);
		for (j = 0; j < kw->n_words; j++)
			kw->norm_words[j] = flow_norm_dup(kw->norm_words, kw->words[j]);
	}
	for (i = 0; i < f->n_states; i++) {
		struct flow_state *st = f->states[i];
		st->position = talloc_asprintf(st, "%s.%s", f->name, st->name);
		for (c = 0; c < 2; c++) {
			merge_retry(&st->retry[c], &f->defaults[c]);
			resolve(fs, f, &st->retry[c].fail_target, d);
		}
		for (j = 0; j < st->n_stmts; j++) {
			struct flow_stmt *s = &st->stmts[j];
			resolve(fs, f, &s->target, d);
			if (s->kind != STMT_ASK)
				continue;
			resolve(fs, f, &s->ask.target, d);
			s->ask.out_choices = talloc_zero_array(st, struct flow_choice_out,
							       s->ask.n_choices ? s->ask.n_choices : 1);
			for (k = 0; k < s->ask.n_choices; k++) {
				struct flow_choice *ch = &s->ask.choices[k];
				resolve(fs, f, &ch->target, d);
				ch->norm_labels = talloc_zero_array(st, char *, fs->n_catalogs ? fs->n_catalogs : 1);
				for (c = 0; c < fs->n_catalogs; c++) {
					const char *label = flow_catalog_text(fs, fs->catalogs[c]->lang, FLOW_CH_SMS, ch->label);
					if (label)
						ch->norm_labels[c] = flow_norm_dup(ch->norm_labels, label);
				}
				s->ask.out_choices[k].key = s->ask.choices[k].key;
				s->ask.out_choices[k].word = s->ask.choices[k].word;
				s->ask.out_choices[k].label = s->ask.choices[k].label;
			}
		}
	}
}

static int add_flow_file(struct flow_set *fs, const char *path, struct flow_diag *d)
{
	struct flow *f;
	size_t len;
	char *text;
	unsigned i;

	text = flow_read_file(fs, path, &len, d);
	if (!text)
		return -EIO;
	f = flow_parse(fs, path, text, len, d);
	talloc_free(text);
	if (!f)
		return -EINVAL;
	for (i = 0; i < fs->n_flows; i++) {
		if (!strcmp(fs->flows[i]->name, f->name)) {
			flow_error(d, &f->loc, "flow '%s' is already defined in %s", f->name,
				   fs->flows[i]->file);
			talloc_free(f);
			return -EEXIST;
		}
	}
	fs->flows = talloc_realloc(fs, fs->flows, struct flow *, fs->n_flows + 1);
	fs->flows[fs->n_flows++] = f;
	fs->n_states += f->n_states;
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Names in dir (sorted), filtered: files ending in suffix, or (suffix NULL)
 * sub-directories holding a "catalog". */
static char **list_dir(void *ctx, const char *dir, const char *suffix, unsigned *n,
		       struct flow_diag *d)
{
	struct flow_loc loc = { .file = dir };
	char **names = NULL;
	struct dirent *de;
	DIR *dh;

	*n = 0;
	dh = opendir(dir);
	if (!dh) {
		flow_error(d, &loc, "cannot open directory: %s", strerror(errno));
		return NULL;
	}
	while ((de = readdir(dh))) {
		size_t len = strlen(de->d_name);
		struct stat stbuf;
		char *path;

		if (de->d_name[0] == '.')
			continue;
		if (suffix) {
			if (len <= strlen(suffix) || strcmp(de->d_name + len - strlen(suffix), suffix))
				continue;
			path = talloc_asprintf(ctx, "%s/%s", dir, de->d_name);
		} else {
			path = talloc_asprintf(ctx, "%s/%s/catalog", dir, de->d_name);
			if (stat(path, &stbuf) || !S_ISREG(stbuf.st_mode)) {
				talloc_free(path);
				continue;
			}
			talloc_free(path);
			path = talloc_strdup(ctx, de->d_name);
		}
		names = talloc_realloc(ctx, names, char *, *n + 1);
		names[(*n)++] = path;
	}
	closedir(dh);
	if (*n)
		qsort(names, *n, sizeof(names[0]), str_cmp);
	return names;
}

static void load_catalogs(struct flow_set *fs, const char *prompts_dir, struct flow_diag *d)
{
	char **langs;
	unsigned n, i;

	langs = list_dir(fs, prompts_dir, NULL, &n, d);
	for (i = 0; i < n; i++) {
		char *path = talloc_asprintf(fs, "%s/%s/catalog", prompts_dir, langs[i]);
		struct flow_catalog *cat = flow_catalog_load(fs, langs[i], path, d);
		if (!cat)
			continue;
		fs->catalogs = talloc_realloc(fs, fs->catalogs, struct flow_catalog *, fs->n_catalogs + 1);
		/* the default language first */
		if (!strcmp(langs[i], fs->default_lang)) {
			memmove(fs->catalogs + 1, fs->catalogs, fs->n_catalogs * sizeof(fs->catalogs[0]));
			fs->catalogs[0] = cat;
		} else {
			fs->catalogs[fs->n_catalogs] = cat;
		}
		fs->n_catalogs++;
	}
	fs->check_prompts = true;
	if (!fs->n_catalogs || strcmp(fs->catalogs[0]->lang, fs->default_lang)) {
		struct flow_loc loc = { .file = prompts_dir };
		flow_error(d, &loc, "no catalog for the default language '%s' (%s/%s/catalog)",
			   fs->default_lang, prompts_dir, fs->default_lang);
	}
}

static int finish(struct flow_set *fs, struct flow_set **out, struct flow_diag *d)
{
	unsigned i;

	if (!d->errors && !fs->n_flows) {
		struct flow_loc loc = { .file = "flows" };
		flow_error(d, &loc, "no flows to load");
	}
	if (!d->errors) {
		fs->norm_skip = talloc_zero_array(fs, char *, fs->n_catalogs ? fs->n_catalogs : 1);
		for (i = 0; i < fs->n_catalogs; i++) {
			const char *skip = flow_catalog_text(fs, fs->catalogs[i]->lang, FLOW_CH_SMS, "word.skip");
			if (skip)
				fs->norm_skip[i] = flow_norm_dup(fs->norm_skip, skip);
		}
		for (i = 0; i < fs->n_flows; i++)
			link_flow(fs, fs->flows[i], d);
	}
	if (!d->errors)
		flow_validate(fs, d);
	if (d->errors) {
		talloc_free(fs);
		return d->errors;
	}
	*out = fs;
	return 0;
}

static struct flow_set *set_new(void *ctx, const char *default_lang)
{
	struct flow_set *fs = talloc_zero(ctx, struct flow_set);
	fs->default_lang = talloc_strdup(fs, default_lang ? default_lang : "en");
	return fs;
}

int flow_set_load(void *ctx, const struct flow_load_opts *opts, struct flow_set **out, FILE *err)
{
	struct flow_diag d = { .out = err };
	struct flow_set *fs = set_new(ctx, opts->default_lang);
	char **files;
	unsigned n, i;

	files = list_dir(fs, opts->flows_dir, ".flow", &n, &d);
	for (i = 0; i < n; i++)
		add_flow_file(fs, files[i], &d);
	if (opts->prompts_dir)
		load_catalogs(fs, opts->prompts_dir, &d);
	return finish(fs, out, &d);
}

int flow_set_load_files(void *ctx, const char *const *paths, unsigned n_paths,
			const char *prompts_dir, const char *default_lang,
			struct flow_set **out, FILE *err)
{
	struct flow_diag d = { .out = err };
	struct flow_set *fs = set_new(ctx, default_lang);
	unsigned i;

	for (i = 0; i < n_paths; i++)
		add_flow_file(fs, paths[i], &d);
	if (prompts_dir)
		load_catalogs(fs, prompts_dir, &d);
	return finish(fs, out, &d);
}

unsigned flow_set_n_flows(const struct flow_set *fs)
{
	return fs->n_flows;
}

unsigned flow_set_n_states(const struct flow_set *fs)
{
	return fs->n_states;
}

const char *flow_set_default_lang(const struct flow_set *fs)
{
	return fs->default_lang;
}

bool flow_set_has_lang(const struct flow_set *fs, const char *lang)
{
	if (!fs->check_prompts)
		return !strcmp(lang, fs->default_lang);
	return flow_set_catalog(fs, lang) != NULL;
}

const char *flow_set_lang(const struct flow_set *fs, unsigned idx)
{
	if (!fs->check_prompts)
		return idx ? NULL : fs->default_lang;
	return idx < fs->n_catalogs ? fs->catalogs[idx]->lang : NULL;
}

unsigned flow_set_keyword_words(const struct flow_set *fs, const char *var, const char *value,
				const char **words, unsigned max)
{
	unsigned f, k, o, w, n = 0;

	for (f = 0; f < fs->n_flows; f++) {
		const struct flow *fl = fs->flows[f];
		for (k = 0; k < fl->n_keywords; k++) {
			const struct flow_keyword *kw = &fl->keywords[k];
			for (o = 0; o < kw->n_sets; o++) {
				if (strcmp(kw->sets[o].key, var) || kw->sets[o].val.is_var
				    || strcmp(kw->sets[o].val.text, value))
					continue;
				for (w = 0; w < kw->n_words && n < max; w++)
					words[n++] = kw->words[w];
			}
		}
	}
	return n;
}

bool flow_set_has_target(const struct flow_set *fs, const char *target)
{
	return flow_set_resolve(fs, NULL, target) != NULL;
}

void flow_set_use_hours(struct flow_set *fs, const struct stoop_hours *hours)
{
	fs->hours = hours;
}
