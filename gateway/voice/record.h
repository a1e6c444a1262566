/* record.h -- a caller's recording: 8 kHz linear audio written as it comes
 * to a 16-bit mono WAV with libsndfile, ended by the caller (#), by silence
 * after speech, or by the maximum length.  Implemented in voice/record.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct voice_recorder;

enum voice_record_state {
	VOICE_REC_RUNNING,
	VOICE_REC_SILENCE,	/* silence_ms of silence after something was said */
	VOICE_REC_MAX,		/* max_ms reached */
	VOICE_REC_ERROR,	/* the file could not be written (disk full) */
};

/* Open path for writing (the directory must exist).  NULL on error, with
 * errno set and one log line naming the file.  max_ms 0: no limit;
 * silence_ms 0: silence does not end the recording. */
struct voice_recorder *voice_recorder_open(void *ctx, const char *path, unsigned max_ms,
					   unsigned silence_ms);
/* Append n samples; says whether the recording should end now.  Samples
 * after the end (past max_ms, after the silence) are not written, and once
 * it ended every call returns the same state. */
enum voice_record_state voice_recorder_write(struct voice_recorder *r, const int16_t *pcm, unsigned n);
/* Has anything above the silence threshold been heard? */
bool voice_recorder_heard(const struct voice_recorder *r);
/* Milliseconds written so far. */
unsigned voice_recorder_ms(const struct voice_recorder *r);
/* Close the file (trailing silence trimmed when ended by silence) and free
 * r.  keep false deletes the file and returns 0.  Returns the length kept
 * in ms, or a negative errno (the file is then deleted). */
int voice_recorder_close(struct voice_recorder *r, bool keep);
