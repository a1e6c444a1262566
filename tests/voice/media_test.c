/* media_test.c -- tests of the voice channel's media files
 * (gateway/voice/prompts.c and record.c) on real files the test writes
 * with libsndfile in a temporary directory: a 1 kHz tone as 8 kHz 16-bit,
 * 16 kHz, 44.1 kHz stereo float and 22.05 kHz FLAC comes out of the
 * prompts table at 8 kHz, its length kept, its PCMU and PCMA close to the
 * ideal tone (SNR) and its frequency kept (zero crossings); each kind of
 * broken file gives its exact error line; every default prompt of the
 * build tree loads.  The recorder is fed tone and line noise and must end
 * on the right sample, trim what it should and write a WAV that reads back
 * as what was written.  Run under ASan: the buffers are exact.
 */
#include <errno.h>
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sndfile.h>

#include <osmocom/core/talloc.h>

#include "testlib.h"
#include "core/logging.h"
#include "voice/prompts.h"
#include "voice/record.h"

#define TONE_HZ		1000.0
#define TONE_AMP	0.5		/* of full scale */
#define TONE_PHASE	0.3		/* so that no 8 kHz sample is exactly 0 */

static void *root;	/* every allocation of the test hangs off it */
static char tmpdir[PATH_MAX];

static char *tmp_path(const char *name)
{
	return talloc_asprintf(root, "%s/%s", tmpdir, name);
}

/* The ideal tone at rate, in units of full scale. */
static double tone(unsigned i, double rate)
{
	return TONE_AMP * sin(2 * M_PI * TONE_HZ * i / rate + TONE_PHASE);
}

/*
 * Files the test makes.
 */

/* seconds of the tone at rate on every channel, in format. */
static int write_tone(const char *path, int format, int rate, int channels, double seconds)
{
	SF_INFO info = { .samplerate = rate, .channels = channels, .format = format };
	unsigned n = (unsigned)(seconds * rate), i;
	float *buf = talloc_array(root, float, (size_t)n * channels);
	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
	int c;

	if (!sf) {
		printf("# %s: %s\n", path, sf_strerror(NULL));
		return -1;
	}
	for (i = 0; i < n; i++)
		for (c = 0; c < channels; c++)
			buf[i * channels + c] = (float)tone(i, rate);
	sf_writef_float(sf, buf, n);
	sf_close(sf);
	talloc_free(buf);
	return 0;
}

/* 8 kHz 16-bit mono WAV of exactly these samples. */
static int write_pcm(const char *path, const int16_t *pcm, unsigned n)
{
	SF_INFO info = { .samplerate = 8000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);

	if (!sf)
		return -1;
	sf_write_short(sf, pcm, n);
	sf_close(sf);
	return 0;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void mkdir_tmp(const char *name)
{
	mkdir(tmp_path(name), 0755);
}

/*
 * Measures.
 */

/* Signal-to-noise ratio in dB of got against the ideal 8 kHz tone, over
 * samples [from, to). */
static double snr_db(const int16_t *got, unsigned from, unsigned to)
{
	double sig = 0, noise = 0;
	unsigned i;

	for (i = from; i < to; i++) {
		double ref = tone(i, 8000) * 32768.0;

		sig += ref * ref;
		noise += (got[i] - ref) * (got[i] - ref);
	}
	return noise > 0 ? 10 * log10(sig / noise) : 200;
}

static unsigned zero_crossings(const int16_t *x, unsigned n)
{
	unsigned i, zc = 0;

	for (i = 1; i < n; i++)
		zc += (x[i - 1] < 0) != (x[i] < 0);
	return zc;
}

/* Pearson correlation of two runs of samples. */
static double correlation(const int16_t *a, const int16_t *b, unsigned n)
{
	double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		sa += a[i];
		sb += b[i];
		saa += (double)a[i] * a[i];
		sbb += (double)b[i] * b[i];
		sab += (double)a[i] * b[i];
	}
	return (n * sab - sa * sb) / sqrt((n * saa - sa * sa) * (n * sbb - sb * sb));
}

/*
 * What to load: a list of (lang, id).
 */

struct name_list {
	unsigned n;
	const char **lang, **id;
};

static int list_iter(void *data, unsigned idx, const char **lang, const char **id)
{
	const struct name_list *l = data;

	if (idx >= l->n)
		return 1;
	*lang = l->lang[idx];
	*id = l->id[idx];
	return 0;
}

static void list_add(struct name_list *l, const char *lang, const char *id)
{
	l->lang = talloc_realloc(root, l->lang, const char *, l->n + 1);
	l->id = talloc_realloc(root, l->id, const char *, l->n + 1);
	l->lang[l->n] = talloc_strdup(root, lang);
	l->id[l->n] = talloc_strdup(root, id);
	l->n++;
}

/* Load the list from dir on ctx; the error text in *errs. */
static int load(void *ctx, const char *dir, struct name_list *l, struct voice_prompts **vp,
		char **errs)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&buf, &len);
	int rc = voice_prompts_load(ctx, dir, list_iter, l, vp, err);

	fclose(err);
	*errs = talloc_strdup(root, buf ? buf : "");
	free(buf);
	return rc;
}

/*
 * The prompts table.
 */

/* One tone file as a prompt: length, PCMU and PCMA against the ideal tone,
 * frequency.  exact: the file is the 8 kHz samples themselves. */
static void check_tone_prompt(const char *what, const char *id, bool exact)
{
	struct name_list l = { 0 };
	struct voice_prompts *vp = NULL;
	const struct voice_prompt *p;
	int16_t *dec;
	char *errs;
	unsigned n;
	int rc;

	list_add(&l, "xx", id);
	rc = load(root, tmpdir, &l, &vp, &errs);
	if (!CHECK(rc == 0 && vp, "%s: loads (%d errors%s%s)", what, rc, *errs ? ": " : "", errs))
		return;
	p = voice_prompt_get(vp, "xx", id);
	if (!CHECK(p && !strcmp(p->lang, "xx") && !strcmp(p->id, id), "%s: found by (lang, id)", what))
		return;
	n = p->n_samples;
	CHECK(n >= 7999 && n <= 8001, "%s: 1 s is 8000 samples at 8 kHz (%u)", what, n);
	CHECK(voice_prompts_count(vp) == 1 && voice_prompts_bytes(vp) == (size_t)n * 4,
	      "%s: count 1, %zu bytes", what, voice_prompts_bytes(vp));
	if (exact) {
		unsigned i, same = 0;

		for (i = 0; i < n; i++)
			same += p->pcm[i] == (int16_t)lrint(tone(i, 8000) * 32767);
		CHECK(same == n, "%s: linear samples unchanged (%u of %u)", what, same, n);
	} else {
		CHECK(snr_db(p->pcm, 40, n - 40) > 40, "%s: resampled tone SNR %.1f dB > 40", what,
		      snr_db(p->pcm, 40, n - 40));
	}
	dec = talloc_array(root, int16_t, n);
	voice_g711_decode(0, p->pcmu, dec, n);
	CHECK(snr_db(dec, 40, n - 40) > 30, "%s: PCMU decodes to the tone, SNR %.1f dB > 30", what,
	      snr_db(dec, 40, n - 40));
	CHECK(abs((int)zero_crossings(dec, n) - 2000) <= 2, "%s: PCMU has 2000 zero crossings (%u)",
	      what, zero_crossings(dec, n));
	voice_g711_decode(8, p->pcma, dec, n);
	CHECK(snr_db(dec, 40, n - 40) > 30, "%s: PCMA decodes to the tone, SNR %.1f dB > 30", what,
	      snr_db(dec, 40, n - 40));
	CHECK(abs((int)zero_crossings(dec, n) - 2000) <= 2, "%s: PCMA has 2000 zero crossings (%u)",
	      what, zero_crossings(dec, n));
	CHECK(voice_prompt_get(vp, "xx", "nope") == NULL && voice_prompt_get(vp, "yy", id) == NULL,
	      "%s: an unknown id or language is NULL", what);
	talloc_free(dec);
	talloc_free(vp);
}

static void test_tone_prompts(void)
{
	int16_t pcm[8000];
	unsigned i;

	mkdir_tmp("xx");
	for (i = 0; i < 8000; i++)
		pcm[i] = (int16_t)lrint(tone(i, 8000) * 32767);
	write_pcm(tmp_path("xx/s8k.wav"), pcm, 8000);
	write_tone(tmp_path("xx/s16k.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, 1);
	write_tone(tmp_path("xx/s44k.wav"), SF_FORMAT_WAV | SF_FORMAT_FLOAT, 44100, 2, 1);
	/* Named .wav like every prompt: the loader goes by what is inside. */
	write_tone(tmp_path("xx/flac.wav"), SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 22050, 1, 1);
	check_tone_prompt("8 kHz 16-bit WAV", "s8k", true);
	check_tone_prompt("16 kHz 16-bit WAV", "s16k", false);
	check_tone_prompt("44.1 kHz stereo float WAV", "s44k", false);
	check_tone_prompt("22.05 kHz FLAC", "flac", false);
}

static void test_prompt_errors(void)
{
	struct name_list l = { 0 };
	struct voice_prompts *vp = NULL;
	void *table_ctx = talloc_named_const(root, 0, "table_ctx");
	int16_t *silence = talloc_zero_array(root, int16_t, 601 * 8000);
	char *errs, *want;
	int rc;

	mkdir_tmp("bad");
	mkdir_tmp("bad/en");
	write_tone(tmp_path("bad/en/good.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 0.5);
	write_text(tmp_path("bad/en/text.wav"), "This is not audio, it is a text file.\n");
	write_text(tmp_path("bad/en/zero.wav"), "");
	write_pcm(tmp_path("bad/en/empty.wav"), NULL, 0);
	write_pcm(tmp_path("bad/en/long.wav"), silence, 601 * 8000);
	mkdir_tmp("bad/en/dir.wav");
	talloc_free(silence);

	list_add(&l, "en", "good");
	list_add(&l, "en", "missing");
	list_add(&l, "en", "text");
	list_add(&l, "en", "zero");
	list_add(&l, "en", "empty");
	list_add(&l, "en", "long");
	list_add(&l, "en", "dir");
	list_add(&l, "fr", "good");
	list_add(&l, "en", "../en/good");
	list_add(&l, "en", "good");
	rc = load(table_ctx, tmp_path("bad"), &l, &vp, &errs);
	want = talloc_asprintf(root,
		"%1$s/bad/en/missing.wav: No such file or directory\n"
		"%1$s/bad/en/text.wav: Format not recognised.\n"
		"%1$s/bad/en/zero.wav: Format not recognised.\n"
		"%1$s/bad/en/empty.wav: no audio (0 frames)\n"
		"%1$s/bad/en/long.wav: longer than 10 minutes (601 s)\n"
		"%1$s/bad/en/dir.wav: not a regular file\n"
		"%1$s/bad/fr/good.wav: No such file or directory\n"
		"%1$s/bad/en/../en/good.wav: bad prompt name\n", tmpdir);
	CHECK(rc == 8, "broken files: 8 errors, the good one and its repeat are none (%d)", rc);
	if (!CHECK(!strcmp(errs, want), "broken files: one exact line each"))
		printf("# got:\n%s# want:\n%s", errs, want);
	CHECK(vp == NULL, "broken files: *out stays NULL");
	CHECK(talloc_total_blocks(table_ctx) == 1,
	      "broken files: nothing of the failed table is left (%zu blocks)",
	      talloc_total_blocks(table_ctx));

	l.n = 0;
	list_add(&l, "fr", "welcome");
	list_add(&l, "fr", "goodbye");
	rc = load(table_ctx, tmp_path("bad"), &l, &vp, &errs);
	want = talloc_asprintf(root,
		"%1$s/bad/fr/welcome.wav: No such file or directory\n"
		"%1$s/bad/fr/goodbye.wav: No such file or directory\n", tmpdir);
	CHECK(rc == 2 && !strcmp(errs, want) && vp == NULL,
	      "a language without a directory: an error per prompt (%d)", rc);

	l.n = 0;
	rc = load(table_ctx, tmp_path("bad"), &l, &vp, &errs);
	CHECK(rc == 0 && vp && voice_prompts_count(vp) == 0 && !*errs, "nothing to load is no error");
	talloc_free(table_ctx);
}

static int wav_filter(const struct dirent *e)
{
	size_t len = strlen(e->d_name);

	return len > 4 && !strcmp(e->d_name + len - 4, ".wav");
}

/* Every WAV of the build tree's prompts/<lang>/, as stoopd loads them. */
static void test_default_prompts(void)
{
	const char *build = getenv("STOOP_BUILDDIR");
	struct name_list l = { 0 };
	struct voice_prompts *vp = NULL;
	struct dirent **langs, **wavs;
	unsigned i, found = 0, bad = 0;
	char *dir, *errs;
	int nl, nw, j, k, rc;

	if (!CHECK(build != NULL, "STOOP_BUILDDIR is set"))
		return;
	dir = talloc_asprintf(root, "%s/prompts", build);
	nl = scandir(dir, &langs, NULL, alphasort);
	for (j = 0; j < nl; j++) {
		char *ldir = talloc_asprintf(root, "%s/%s", dir, langs[j]->d_name);

		nw = langs[j]->d_name[0] == '.' ? -1 : scandir(ldir, &wavs, wav_filter, alphasort);
		for (k = 0; k < nw; k++) {
			wavs[k]->d_name[strlen(wavs[k]->d_name) - 4] = '\0';
			list_add(&l, langs[j]->d_name, wavs[k]->d_name);
			free(wavs[k]);
		}
		if (nw >= 0)
			free(wavs);
		free(langs[j]);
	}
	if (nl >= 0)
		free(langs);
	rc = load(root, dir, &l, &vp, &errs);
	if (!CHECK(rc == 0 && vp, "the default prompts load (%d errors)", rc)) {
		printf("%s", errs);
		return;
	}
	CHECK(voice_prompts_count(vp) == l.n && l.n > 200, "%u default prompts (> 200)",
	      voice_prompts_count(vp));
	for (i = 0; i < l.n; i++) {
		const struct voice_prompt *p = voice_prompt_get(vp, l.lang[i], l.id[i]);

		found += p != NULL;
		bad += p && (p->n_samples < VOICE_FRAME_SAMPLES || zero_crossings(p->pcm, p->n_samples) == 0);
	}
	CHECK(found == l.n && bad == 0, "each found by name and holds sound (%u found, %u empty)",
	      found, bad);
	printf("# %zu KiB of prompt audio\n", voice_prompts_bytes(vp) / 1024);
	talloc_free(vp);
}

static void test_g711(void)
{
	int16_t lin[] = { 0, 1000, -1000, 32767, -32768 }, back[5];
	uint8_t enc[5];

	voice_g711_encode(0, lin, enc, 1);
	voice_g711_decode(0, enc, back, 1);
	CHECK(enc[0] == 0xff && back[0] == 0, "mu-law 0 is 0xff and back");
	voice_g711_encode(8, lin, enc, 1);
	voice_g711_decode(8, enc, back, 1);
	CHECK(enc[0] == 0xd5 && back[0] == 8, "A-law 0 is 0xd5 and decodes to 8");
	voice_g711_encode(0, lin, enc, 5);
	voice_g711_decode(0, enc, back, 5);
	CHECK(abs(back[1] - 1000) < 32 && abs(back[2] + 1000) < 32 && back[3] > 30000 && back[4] < -30000,
	      "mu-law keeps sign and size to full scale");
	voice_g711_decode(3, enc, back, 5);
	CHECK(!back[0] && !back[1] && !back[4], "another payload type decodes to silence");
}

/*
 * The recorder.
 */

/* 4 s: 1 s of the tone (0.3 of full scale), then 3 s of line noise around
 * -50 dBFS (deterministic). */
static int16_t *tone_then_noise(void)
{
	int16_t *x = talloc_array(root, int16_t, 4 * 8000);
	uint32_t seed = 12345;
	unsigned i;

	for (i = 0; i < 8000; i++)
		x[i] = (int16_t)lrint(tone(i, 8000) * 0.6 * 32767);
	for (; i < 4 * 8000; i++) {
		seed = seed * 1103515245u + 12345u;
		x[i] = (int16_t)((int)((seed >> 16) % 201) - 100);
	}
	return x;
}

/* Read an 8 kHz 16-bit mono WAV back; NULL when it is not one. */
static int16_t *read_wav(const char *path, unsigned *n)
{
	SF_INFO info = { 0 };
	SNDFILE *sf = sf_open(path, SFM_READ, &info);
	int16_t *x;

	if (!sf)
		return NULL;
	if (info.samplerate != 8000 || info.channels != 1 ||
	    info.format != (SF_FORMAT_WAV | SF_FORMAT_PCM_16)) {
		sf_close(sf);
		return NULL;
	}
	x = talloc_array(root, int16_t, info.frames + 1);
	*n = (unsigned)sf_readf_short(sf, x, info.frames);
	sf_close(sf);
	return x;
}

/* Feed in chunks of chunk samples until the recorder says stop; returns
 * how many samples had been offered then (0: it never stopped). */
static unsigned feed(struct voice_recorder *r, const int16_t *x, unsigned n, unsigned chunk,
		     enum voice_record_state *st)
{
	unsigned off;

	for (off = 0; off < n; off += chunk) {
		unsigned len = n - off < chunk ? n - off : chunk;

		*st = voice_recorder_write(r, x + off, len);
		if (*st != VOICE_REC_RUNNING)
			return off + len;
	}
	return 0;
}

static void test_record_silence(unsigned chunk)
{
	char *path = talloc_asprintf(root, "%s/rec-silence-%u.wav", tmpdir, chunk);
	struct voice_recorder *r = voice_recorder_open(root, path, 60000, 1500);
	int16_t *x = tone_then_noise(), *back;
	enum voice_record_state st = VOICE_REC_RUNNING;
	unsigned offered, n = 0, i, tail_same = 0;
	int ms;

	if (!CHECK(r != NULL, "chunks of %u: recorder opens", chunk))
		return;
	/* 1 s of tone, then 1500 ms = 75 frames of noise: sample 20000. */
	offered = feed(r, x, 4 * 8000, chunk, &st);
	CHECK(st == VOICE_REC_SILENCE && offered >= 20000 && offered - chunk < 20000,
	      "chunks of %u: silence ends it on the write with sample 20000 (%u offered)", chunk, offered);
	CHECK(voice_recorder_ms(r) == 2500 && voice_recorder_heard(r),
	      "chunks of %u: 2500 ms written, speech heard (%u)", chunk, voice_recorder_ms(r));
	CHECK(voice_recorder_write(r, x, 160) == VOICE_REC_SILENCE && voice_recorder_ms(r) == 2500,
	      "chunks of %u: a write after the end adds nothing", chunk);
	ms = voice_recorder_close(r, true);
	CHECK(ms == 1200, "chunks of %u: trimmed to the tone and 200 ms (%d ms)", chunk, ms);
	back = read_wav(path, &n);
	if (!CHECK(back && n == 9600, "chunks of %u: an 8 kHz mono 16-bit WAV of 9600 frames (%u)",
		   chunk, n))
		return;
	for (i = 8000; i < 9600; i++)
		tail_same += back[i] == x[i];
	CHECK(correlation(back, x, 8000) > 0.99 && tail_same == 1600,
	      "chunks of %u: it holds the tone (correlation %.4f) and the 200 ms after it", chunk,
	      correlation(back, x, 8000));
}

static void test_record_other_ends(void)
{
	char *path = tmp_path("rec-other.wav");
	int16_t *x = tone_then_noise(), *back;
	enum voice_record_state st = VOICE_REC_RUNNING;
	struct voice_recorder *r;
	unsigned offered, n = 0;
	int ms;

	/* Noise only: nothing heard, so silence does not end it. */
	r = voice_recorder_open(root, path, 0, 1500);
	offered = feed(r, x + 8000, 3 * 8000, 160, &st);
	CHECK(offered == 0 && st == VOICE_REC_RUNNING && !voice_recorder_heard(r),
	      "line noise alone is not speech and does not end it");
	ms = voice_recorder_close(r, true);
	CHECK(ms == 3000, "kept untrimmed when not ended by silence (%d ms)", ms);

	/* silence_ms 0 is off. */
	r = voice_recorder_open(root, path, 0, 0);
	offered = feed(r, x, 4 * 8000, 160, &st);
	CHECK(offered == 0 && voice_recorder_heard(r) && voice_recorder_ms(r) == 4000,
	      "silence_ms 0: the silence after speech does not end it");
	CHECK(voice_recorder_close(r, true) == 4000, "silence_ms 0: all 4 s kept");

	/* The maximum, across a write of 300. */
	r = voice_recorder_open(root, path, 1000, 0);
	offered = feed(r, x, 4 * 8000, 300, &st);
	CHECK(st == VOICE_REC_MAX && offered == 8100 && voice_recorder_ms(r) == 1000,
	      "max_ms 1000: ends on the write crossing 8000 samples (%u offered, %u ms)", offered,
	      voice_recorder_ms(r));
	CHECK(voice_recorder_write(r, x, 300) == VOICE_REC_MAX && voice_recorder_ms(r) == 1000,
	      "max_ms 1000: nothing more is written");
	ms = voice_recorder_close(r, true);
	back = read_wav(path, &n);
	CHECK(ms == 1000 && back && n == 8000 && !memcmp(back, x, 8000 * sizeof(*x)),
	      "max_ms 1000: the file is exactly the first 8000 samples (%d ms, %u frames)", ms, n);

	/* keep false removes the file. */
	r = voice_recorder_open(root, path, 0, 0);
	voice_recorder_write(r, x, 8000);
	ms = voice_recorder_close(r, false);
	errno = 0;
	CHECK(ms == 0 && access(path, F_OK) < 0 && errno == ENOENT, "keep false removes the file");

	/* Freed with its owner, never closed: the file is complete. */
	r = voice_recorder_open(root, path, 0, 0);
	voice_recorder_write(r, x, 4000);
	talloc_free(r);
	back = read_wav(path, &n);
	CHECK(back && n == 4000 && !memcmp(back, x, 4000 * sizeof(*x)),
	      "freed without close: a valid WAV of what was written (%u frames)", n);

	errno = 0;
	r = voice_recorder_open(root, tmp_path("no/such/dir.wav"), 0, 0);
	CHECK(r == NULL && errno == ENOENT, "a directory that does not exist: NULL, ENOENT (%s)",
	      strerror(errno));
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

int main(void)
{
	const char *base = getenv("TMPDIR");
	int rc;

	root = talloc_named_const(NULL, 0, "media_test");
	stoop_log_init(root, true);
	snprintf(tmpdir, sizeof(tmpdir), "%s/stoop-media-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}

	test_g711();
	test_tone_prompts();
	test_prompt_errors();
	test_default_prompts();
	test_record_silence(160);
	test_record_silence(1000);
	test_record_silence(37);
	test_record_other_ends();

	nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	rc = test_done();
	log_fini();
	talloc_free(root);
	return rc;
}
