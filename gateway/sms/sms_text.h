/* sms_text.h -- how much room a text takes in SMS: GSM 03.38 septets or
 * UCS-2 units, segments of 160/153 and 70/67, and the folding of accents
 * that GSM 03.38 lacks.  Used by the flow validator now and by the SMS
 * channel (encoding, concatenation) later. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum sms_coding {
	SMS_CODING_GSM7,
	SMS_CODING_UCS2,
};

struct sms_size {
	enum sms_coding coding;
	unsigned units;		/* septets (escape pairs count 2) or UTF-16 units */
	unsigned segments;	/* 1 when units fit one SMS */
};

#define SMS_GSM7_SINGLE	160
#define SMS_GSM7_PART	153
#define SMS_UCS2_SINGLE	70
#define SMS_UCS2_PART	67

/* Measure a UTF-8 text as it would be sent.  fold: first replace letters
 * GSM 03.38 lacks by their base letter (á -> a) as the SMS channel does.
 * Returns 0, or -EINVAL for invalid UTF-8. */
int sms_text_size(const char *utf8, bool fold, struct sms_size *out);

/* The text with accents folded (á -> a, but é, ñ, ü stay: they are GSM),
 * allocated under ctx. */
char *sms_text_fold(void *ctx, const char *utf8);
