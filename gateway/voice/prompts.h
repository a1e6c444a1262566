/* prompts.h -- the voice channel's audio: every prompt of every language,
 * loaded once at start-up with libsndfile from prompts/<lang>/<id>.wav (any
 * format and rate libsndfile reads), mixed down to mono, resampled to 8 kHz
 * and pre-encoded to PCMU and PCMA.  The table is read-only afterwards and
 * shared by every call.  Also the G.711 helpers the RTP side decodes with
 * (spandsp's g711.h underneath).  Implemented in voice/prompts.c. */
#pragma once

#include <stdint.h>
#include <stdio.h>

struct voice_prompts;

#define VOICE_RATE		8000
#define VOICE_FRAME_SAMPLES	160	/* 20 ms at 8 kHz */

struct voice_prompt {
	const char *lang;
	const char *id;
	unsigned n_samples;		/* at 8 kHz */
	const int16_t *pcm;		/* n_samples linear samples */
	const uint8_t *pcmu;		/* n_samples G.711 mu-law bytes */
	const uint8_t *pcma;		/* n_samples G.711 A-law bytes */
};

/* The prompts to load, one (lang, id) at a time: the caller's iterator
 * returns 0 and fills *lang and *id, or returns 1 after the last. */
typedef int (*voice_prompt_iter_t)(void *data, unsigned idx, const char **lang, const char **id);

/* Load prompts_dir/<lang>/<id>.wav for every (lang, id) the iterator gives.
 * Every file that is missing, unreadable, empty or longer than 10 minutes is
 * an error written to err as "<path>: <reason>\n"; returns the number of
 * errors, *out is set only when there were none. */
int voice_prompts_load(void *ctx, const char *prompts_dir, voice_prompt_iter_t iter, void *data,
		       struct voice_prompts **out, FILE *err);
/* NULL when not loaded. */
const struct voice_prompt *voice_prompt_get(const struct voice_prompts *vp, const char *lang,
					    const char *id);
unsigned voice_prompts_count(const struct voice_prompts *vp);
/* Bytes of audio held (all encodings), for the log and the benchmark. */
size_t voice_prompts_bytes(const struct voice_prompts *vp);

/* One WAV by its path (an announcement's audio, a caller's recording),
 * decoded and encoded as a prompt is (id: the path, lang ""), under ctx;
 * NULL with the reason in why when it cannot be played. */
struct voice_prompt *voice_prompt_load_file(void *ctx, const char *path, char *why, size_t why_len);

/* G.711 (RTP payload types 0 and 8). */
void voice_g711_decode(int pt, const uint8_t *in, int16_t *out, unsigned n);
void voice_g711_encode(int pt, const int16_t *in, uint8_t *out, unsigned n);
