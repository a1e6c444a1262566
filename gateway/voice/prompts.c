/* prompts.c -- the table of every prompt of every language, as the RTP side
 * plays it: 8 kHz mono linear, PCMU and PCMA, all encoded once at start-up so
 * that a call only copies bytes.  Loading reads each file in chunks with
 * libsndfile (any format, rate and channel count it knows), mixes the
 * channels down by averaging, streams them through libsamplerate when the
 * rate is not 8 kHz and clips to int16.  A bad file is reported, not fatal
 * here: the caller gets every error at once and decides (stoopd refuses to
 * start).  The table is a libosmocore hashtable keyed on (lang, id) and is
 * never changed after load, so calls share it without copies.  G.711 is
 * spandsp's.  What to load comes from the caller (the catalogs, flow/);
 * the playing is voice/call.c and voice/rtp.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sndfile.h>
#include <samplerate.h>
/* g711.h alone, with what it needs: <spandsp.h> drags in libtiff. */
#include <spandsp/telephony.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>

#include <osmocom/core/utils.h>
#include <osmocom/core/hashtable.h>
#include <osmocom/core/talloc.h>

#include "core/logging.h"
#include "prompts.h"

#define PROMPT_MAX_SECONDS	600	/* 10 minutes */
#define PROMPT_CHUNK_FRAMES	4096	/* read and resample this many at a time */
#define PROMPTS_HASH_BITS	10

struct prompt_entry {
	struct hlist_node node;
	uint32_t hash;
	struct voice_prompt p;
};

struct voice_prompts {
	DECLARE_HASHTABLE(by_name, PROMPTS_HASH_BITS);
	unsigned count;
	size_t bytes;
};

/* FNV-1a over lang, a NUL, id. */
static uint32_t prompt_hash(const char *lang, const char *id)
{
	uint32_t h = 2166136261u;
	const char *s;

	for (s = lang; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	h *= 16777619u;
	for (s = id; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

const struct voice_prompt *voice_prompt_get(const struct voice_prompts *vp, const char *lang,
					    const char *id)
{
	struct prompt_entry *e;
	uint32_t h;

	if (!vp || !lang || !id)
		return NULL;
	h = prompt_hash(lang, id);
	hash_for_each_possible(vp->by_name, e, node, h)
		if (e->hash == h && !strcmp(e->p.id, id) && !strcmp(e->p.lang, lang))
			return &e->p;
	return NULL;
}

unsigned voice_prompts_count(const struct voice_prompts *vp)
{
	return vp ? vp->count : 0;
}

size_t voice_prompts_bytes(const struct voice_prompts *vp)
{
	return vp ? vp->bytes : 0;
}

/*
 * Decoding one file.
 */

/* Where the 8 kHz samples of one file go while it is read. */
struct prompt_pcm {
	int16_t *buf;
	unsigned n, cap;
};

static void pcm_append(struct prompt_pcm *pcm, const float *x, unsigned n)
{
	unsigned i;

	for (i = 0; i < n && pcm->n < pcm->cap; i++) {
		long v = lrintf(x[i] * 32768.0f);

		pcm->buf[pcm->n++] = v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : (int16_t)v;
	}
}

/* Read every frame of sf, mix down to mono, resample to 8 kHz (src NULL
 * when the file already is 8 kHz) and append to pcm.  Returns NULL or why
 * it failed. */
static const char *prompt_convert(SNDFILE *sf, const SF_INFO *info, SRC_STATE *src,
				  struct prompt_pcm *pcm, void *tmp)
{
	float *frames = talloc_array(tmp, float, (size_t)PROMPT_CHUNK_FRAMES * info->channels);
	float *mono = talloc_array(tmp, float, PROMPT_CHUNK_FRAMES);
	float *out = talloc_array(tmp, float, PROMPT_CHUNK_FRAMES);
	sf_count_t total = 0, limit = (sf_count_t)PROMPT_MAX_SECONDS * info->samplerate;
	SRC_DATA d = { .src_ratio = (double)VOICE_RATE / info->samplerate };
	bool eof = false;
	int rc;

	if (!frames || !mono || !out)
		return "out of memory";
	while (!eof) {
		sf_count_t got = sf_readf_float(sf, frames, PROMPT_CHUNK_FRAMES);
		sf_count_t i;
		int c;

		if (got < 0)
			got = 0;
		for (i = 0; i < got; i++) {
			float sum = 0;

			for (c = 0; c < info->channels; c++)
				sum += frames[i * info->channels + c];
			mono[i] = sum / info->channels;
		}
		total += got;
		if (total > limit)
			return "longer than 10 minutes";
		eof = got < PROMPT_CHUNK_FRAMES;
		if (!src) {
			pcm_append(pcm, mono, got);
			continue;
		}
		/* Feed the chunk until it is used up; at the end keep
		 * calling until the converter has nothing left. */
		d.data_in = mono;
		d.input_frames = got;
		d.end_of_input = eof;
		do {
			d.data_out = out;
			d.output_frames = PROMPT_CHUNK_FRAMES;
			rc = src_process(src, &d);
			if (rc)
				return src_strerror(rc);
			pcm_append(pcm, out, d.output_frames_gen);
			d.data_in += d.input_frames_used;
			d.input_frames -= d.input_frames_used;
		} while (d.input_frames > 0 || (eof && d.output_frames_gen > 0));
	}
	return NULL;
}

/* Decode the file at path into 8 kHz mono int16 allocated on ctx.  Returns
 * the samples and sets *n, or NULL with the reason in why. */
static int16_t *prompt_decode(void *ctx, const char *path, unsigned *n, char *why, size_t why_len)
{
	void *tmp = talloc_new(ctx);
	struct prompt_pcm pcm = { 0 };
	SF_INFO info = { 0 };
	SNDFILE *sf = NULL;
	SRC_STATE *src = NULL;
	const char *err = NULL;
	struct stat st;
	int fd, rc;

	/* Opened here, not by sf_open(), for the plain errno text and to
	 * refuse directories and devices; libsndfile never closes it. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, why_len, "%s", strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, why_len, "not a regular file");
		goto out;
	}
	sf = sf_open_fd(fd, SFM_READ, &info, SF_FALSE);
	if (!sf) {
		snprintf(why, why_len, "%s", sf_strerror(NULL));
		goto out;
	}
	if (info.frames <= 0 || info.channels <= 0 || info.samplerate <= 0) {
		snprintf(why, why_len, "no audio (0 frames)");
		goto out;
	}
	if (info.frames > (sf_count_t)PROMPT_MAX_SECONDS * info.samplerate) {
		snprintf(why, why_len, "longer than 10 minutes (%lld s)",
			 (long long)(info.frames / info.samplerate));
		goto out;
	}
	if (info.samplerate != VOICE_RATE) {
		if (!src_is_valid_ratio((double)VOICE_RATE / info.samplerate)) {
			snprintf(why, why_len, "sample rate %d Hz not supported", info.samplerate);
			goto out;
		}
		src = src_new(SRC_SINC_MEDIUM_QUALITY, 1, &rc);
		if (!src) {
			snprintf(why, why_len, "%s", src_strerror(rc));
			goto out;
		}
	}
	/* At most 10 minutes at 8 kHz, 4.8 M samples; a few more for the
	 * resampler's rounding. */
	pcm.cap = (unsigned)(info.frames * VOICE_RATE / info.samplerate) + 16;
	pcm.buf = talloc_array(ctx, int16_t, pcm.cap);
	if (!pcm.buf)
		err = "out of memory";
	else
		err = prompt_convert(sf, &info, src, &pcm, tmp);
	if (!err && !pcm.n)
		err = "no audio (0 frames)";
	if (err) {
		snprintf(why, why_len, "%s", err);
		TALLOC_FREE(pcm.buf);
		goto out;
	}
	*n = pcm.n;
	pcm.buf = talloc_realloc(ctx, pcm.buf, int16_t, pcm.n);
out:
	if (src)
		src_delete(src);
	if (sf)
		sf_close(sf);
	if (fd >= 0)
		close(fd);
	talloc_free(tmp);
	return pcm.buf;
}

/*
 * The table.
 */

/* Load one prompt into vp; NULL or the reason it failed. */
static const char *prompt_load_one(struct voice_prompts *vp, const char *path, const char *lang,
				   const char *id, char *why, size_t why_len)
{
	struct prompt_entry *e = talloc_zero(vp, struct prompt_entry);
	int16_t *pcm;
	uint8_t *pcmu, *pcma;
	unsigned n = 0;

	if (!e)
		return "out of memory";
	pcm = prompt_decode(e, path, &n, why, why_len);
	if (!pcm) {
		talloc_free(e);
		return why;
	}
	pcmu = talloc_array(e, uint8_t, n);
	pcma = talloc_array(e, uint8_t, n);
	e->p.lang = talloc_strdup(e, lang);
	e->p.id = talloc_strdup(e, id);
	if (!pcmu || !pcma || !e->p.lang || !e->p.id) {
		talloc_free(e);
		return "out of memory";
	}
	voice_g711_encode(0, pcm, pcmu, n);
	voice_g711_encode(8, pcm, pcma, n);
	e->p.n_samples = n;
	e->p.pcm = pcm;
	e->p.pcmu = pcmu;
	e->p.pcma = pcma;
	e->hash = prompt_hash(lang, id);
	hash_add(vp->by_name, &e->node, e->hash);
	vp->count++;
	vp->bytes += (size_t)n * (sizeof(*pcm) + 2);
	return NULL;
}

struct voice_prompt *voice_prompt_load_file(void *ctx, const char *path, char *why, size_t why_len)
{
	struct voice_prompt *p = talloc_zero(ctx, struct voice_prompt);
	uint8_t *pcmu, *pcma;
	int16_t *pcm;
	unsigned n = 0;

	if (!p) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	pcm = prompt_decode(p, path, &n, why, why_len);
	if (!pcm) {
		talloc_free(p);
		return NULL;
	}
	pcmu = talloc_array(p, uint8_t, n);
	pcma = talloc_array(p, uint8_t, n);
	p->lang = "";
	p->id = talloc_strdup(p, path);
	if (!pcmu || !pcma || !p->id) {
		snprintf(why, why_len, "out of memory");
		talloc_free(p);
		return NULL;
	}
	voice_g711_encode(0, pcm, pcmu, n);
	voice_g711_encode(8, pcm, pcma, n);
	p->n_samples = n;
	p->pcm = pcm;
	p->pcmu = pcmu;
	p->pcma = pcma;
	return p;
}

/* A name becomes a path component: no empty names, no '/'. */
static bool prompt_name_ok(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

int voice_prompts_load(void *ctx, const char *prompts_dir, voice_prompt_iter_t iter, void *data,
		       struct voice_prompts **out, FILE *err)
{
	struct voice_prompts *vp = talloc_zero(ctx, struct voice_prompts);
	const char *lang, *id, *reason;
	char why[256];
	unsigned idx;
	int errors = 0;

	if (!vp) {
		fprintf(err, "%s: out of memory\n", prompts_dir);
		return 1;
	}
	hash_init(vp->by_name);
	for (idx = 0; iter(data, idx, &lang, &id) == 0; idx++) {
		char *path;

		if (prompt_name_ok(lang) && prompt_name_ok(id) && voice_prompt_get(vp, lang, id))
			continue;	/* the same prompt asked for twice */
		path = talloc_asprintf(vp, "%s/%s/%s.wav", prompts_dir, lang ? lang : "",
				       id ? id : "");
		if (!path)
			reason = "out of memory";
		else if (!prompt_name_ok(lang) || !prompt_name_ok(id))
			reason = "bad prompt name";
		else
			reason = prompt_load_one(vp, path, lang, id, why, sizeof(why));
		if (reason) {
			fprintf(err, "%s: %s\n", path ? path : prompts_dir, reason);
			errors++;
		}
		talloc_free(path);
	}
	if (errors) {
		talloc_free(vp);
		return errors;
	}
	LOGP(DRTP, LOGL_INFO, "prompts %s: %u loaded, %zu KiB\n", prompts_dir, vp->count,
	     vp->bytes / 1024);
	*out = vp;
	return 0;
}

/*
 * G.711: payload type 0 is mu-law, 8 is A-law; any other gives silence.
 */

void voice_g711_decode(int pt, const uint8_t *in, int16_t *out, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		out[i] = pt == 0 ? ulaw_to_linear(in[i]) : pt == 8 ? alaw_to_linear(in[i]) : 0;
}

void voice_g711_encode(int pt, const int16_t *in, uint8_t *out, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		out[i] = pt == 0 ? linear_to_ulaw(in[i]) : pt == 8 ? linear_to_alaw(in[i])
			 : G711_ULAW_IDLE_OCTET;
}
