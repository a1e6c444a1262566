/* record.c -- one caller's recording: the decoded 8 kHz audio of a call
 * written as it arrives to a 16-bit mono WAV with libsndfile, and the two
 * ends the recorder decides itself, silence after speech and the maximum
 * length.  The caller's # and hang-up are voice/call.c's business; it then
 * closes with keep or not.
 *
 * Silence is judged per 20 ms frame (160 samples): a frame whose RMS is
 * under REC_SILENCE_RMS, 1% of full scale (-40 dBFS), is silent.  Line
 * noise on a call sits around -60..-50 dBFS and speech around -30..-20, so
 * the threshold has room both ways.  The recording ends after silence_ms
 * (rounded up to whole frames) of silent frames that follow a loud one;
 * before anything loud is heard silence never ends it.  On close the
 * silence that ended it is cut back to REC_TAIL_MS after the last loud
 * frame (SFC_FILE_TRUNCATE; libsndfile fixes the header on sf_close).
 * The length limit is exact to the sample: what comes after it is dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <sndfile.h>

#include <osmocom/core/talloc.h>

#include "core/logging.h"
#include "prompts.h"
#include "record.h"

#define REC_SILENCE_RMS		328	/* -40 dBFS of 32768 */
#define REC_TAIL_MS		200	/* silence kept after the last loud frame */
#define REC_SAMPLES_PER_MS	(VOICE_RATE / 1000)

struct voice_recorder {
	char *path;
	int fd;
	SNDFILE *sf;
	uint64_t max_samples;		/* 0: no limit */
	uint64_t silence_samples;	/* 0: silence does not end it */
	uint64_t written;		/* samples in the file */
	uint64_t frame_energy;		/* sum of squares of the frame so far */
	unsigned frame_fill;		/* samples of the frame so far */
	uint64_t speech_end;		/* sample after the last loud frame */
	bool heard;
	enum voice_record_state state;
	int error;			/* negative errno once a write failed */
};

/* Freed without voice_recorder_close() (the call went away): the file is
 * closed with a valid header and left where it is. */
static int recorder_destructor(struct voice_recorder *r)
{
	if (r->sf)
		sf_close(r->sf);
	if (r->fd >= 0)
		close(r->fd);
	return 0;
}

struct voice_recorder *voice_recorder_open(void *ctx, const char *path, unsigned max_ms,
					   unsigned silence_ms)
{
	struct voice_recorder *r = talloc_zero(ctx, struct voice_recorder);
	SF_INFO info = {
		.samplerate = VOICE_RATE,
		.channels = 1,
		.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16,
	};
	int saved;

	if (!r || !(r->path = talloc_strdup(r, path))) {
		talloc_free(r);
		errno = ENOMEM;
		return NULL;
	}
	r->max_samples = (uint64_t)max_ms * REC_SAMPLES_PER_MS;
	r->silence_samples = (uint64_t)silence_ms * REC_SAMPLES_PER_MS;
	r->state = VOICE_REC_RUNNING;
	/* Opened here, not by sf_open(), so that errno says what failed. */
	r->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (r->fd < 0) {
		saved = errno;
		LOGP(DRTP, LOGL_ERROR, "recording %s: %s\n", path, strerror(saved));
		talloc_free(r);
		errno = saved;
		return NULL;
	}
	talloc_set_destructor(r, recorder_destructor);
	r->sf = sf_open_fd(r->fd, SFM_WRITE, &info, SF_FALSE);
	if (!r->sf) {
		LOGP(DRTP, LOGL_ERROR, "recording %s: %s\n", path, sf_strerror(NULL));
		unlink(path);
		talloc_free(r);
		errno = EIO;
		return NULL;
	}
	LOGP(DRTP, LOGL_DEBUG, "recording %s: started (max %u ms, silence %u ms)\n", path, max_ms,
	     silence_ms);
	return r;
}

/* How many of the n samples belong in the file, updating the frame state
 * and r->state; stops at the sample that ends the recording. */
static unsigned recorder_scan(struct voice_recorder *r, const int16_t *pcm, unsigned n)
{
	const uint64_t loud = (uint64_t)VOICE_FRAME_SAMPLES * REC_SILENCE_RMS * REC_SILENCE_RMS;
	uint64_t pos = r->written;
	unsigned i;

	for (i = 0; i < n && r->state == VOICE_REC_RUNNING; i++) {
		r->frame_energy += (uint64_t)((int32_t)pcm[i] * pcm[i]);
		pos++;
		if (++r->frame_fill == VOICE_FRAME_SAMPLES) {
			if (r->frame_energy >= loud) {
				r->heard = true;
				r->speech_end = pos;
			} else if (r->heard && r->silence_samples &&
				   pos - r->speech_end >= r->silence_samples) {
				r->state = VOICE_REC_SILENCE;
			}
			r->frame_energy = 0;
			r->frame_fill = 0;
		}
		if (r->state == VOICE_REC_RUNNING && r->max_samples && pos >= r->max_samples)
			r->state = VOICE_REC_MAX;
	}
	return i;
}

enum voice_record_state voice_recorder_write(struct voice_recorder *r, const int16_t *pcm, unsigned n)
{
	unsigned take;
	sf_count_t done;

	if (r->state != VOICE_REC_RUNNING)
		return r->state;
	take = recorder_scan(r, pcm, n);
	done = sf_write_short(r->sf, pcm, take);
	if (done > 0)
		r->written += done;
	if (done != (sf_count_t)take) {
		LOGP(DRTP, LOGL_ERROR, "recording %s: %s\n", r->path, sf_strerror(r->sf));
		r->error = -EIO;
		r->state = VOICE_REC_ERROR;
	}
	if (r->state != VOICE_REC_RUNNING)
		LOGP(DRTP, LOGL_DEBUG, "recording %s: ends after %u ms (%s)\n", r->path,
		     voice_recorder_ms(r), r->state == VOICE_REC_SILENCE ? "silence"
		     : r->state == VOICE_REC_MAX ? "maximum length" : "write error");
	return r->state;
}

bool voice_recorder_heard(const struct voice_recorder *r)
{
	return r->heard;
}

unsigned voice_recorder_ms(const struct voice_recorder *r)
{
	return (unsigned)(r->written / REC_SAMPLES_PER_MS);
}

int voice_recorder_close(struct voice_recorder *r, bool keep)
{
	sf_count_t kept = r->written;
	int rc = r->error, sfrc;

	if (keep && !rc && r->state == VOICE_REC_SILENCE) {
		sf_count_t end = r->speech_end + REC_TAIL_MS * REC_SAMPLES_PER_MS;

		if (end < kept) {
			if (sf_command(r->sf, SFC_FILE_TRUNCATE, &end, sizeof(end)) == 0)
				kept = end;
			else
				LOGP(DRTP, LOGL_NOTICE, "recording %s: trailing silence not cut: %s\n",
				     r->path, sf_strerror(r->sf));
		}
	}
	sfrc = sf_close(r->sf);
	if (sfrc && !rc) {
		LOGP(DRTP, LOGL_ERROR, "recording %s: %s\n", r->path, sf_error_number(sfrc));
		rc = -EIO;
	}
	r->sf = NULL;
	if (close(r->fd) < 0 && !rc) {
		rc = -errno;
		LOGP(DRTP, LOGL_ERROR, "recording %s: %s\n", r->path, strerror(-rc));
	}
	r->fd = -1;
	if (!keep || rc < 0) {
		unlink(r->path);
		LOGP(DRTP, LOGL_DEBUG, "recording %s: discarded\n", r->path);
	} else {
		rc = (int)(kept / REC_SAMPLES_PER_MS);
		LOGP(DRTP, LOGL_INFO, "recording %s: %d ms kept\n", r->path, rc);
	}
	talloc_free(r);
	return rc;
}
