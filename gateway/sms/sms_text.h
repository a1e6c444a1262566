/* sms_text.h -- how much room a text takes in SMS: GSM 03.38 septets or
 * UCS-2 units, segments of 160/153 and 70/67, and the folding of accents
 * that GSM 03.38 lacks.  Used by the flow validator now and by the SMS
 * channel (encoding, concatenation) later. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* Decode one UTF-8 code point from at most avail bytes at s: its length in
 * bytes, or 0 when the bytes are not valid UTF-8 (overlong forms,
 * surrogates and code points beyond U+10FFFF included).  The one UTF-8
 * decoder of the gateway: the flow lexer checks files with it too. */
unsigned sms_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);

/* Measure a UTF-8 text as it would be sent.  fold: first replace letters
 * GSM 03.38 lacks by their base letter (á -> a) as the SMS channel does.
 * Returns 0, or -EINVAL for invalid UTF-8. */
int sms_text_size(const char *utf8, bool fold, struct sms_size *out);

/* The text with accents folded (á -> a, but é, ñ, ü stay: they are GSM),
 * allocated under ctx. */
char *sms_text_fold(void *ctx, const char *utf8);

/* SMPP data_coding values Stoop sends and understands. */
#define SMS_DCS_DEFAULT		0x00	/* SMSC default alphabet: GSM 03.38, one septet per octet */
#define SMS_DCS_IA5		0x01	/* IA5 / ASCII */
#define SMS_DCS_LATIN1		0x03	/* ISO-8859-1 */
#define SMS_DCS_UCS2		0x08	/* UCS-2 (UTF-16BE) */

/* One SMS as it goes on the wire: short_message bytes (a user data header
 * first when udhi) and its data_coding. */
struct sms_part {
	uint8_t data_coding;
	bool udhi;
	uint8_t data[140 + 20];	/* GSM unpacked: up to 160 septets */
	size_t len;
};

/* Encode a UTF-8 text for SMPP: folded (if fold) and as GSM 03.38 when every
 * character allows it, else UCS-2; one part when it fits (160 / 70), else
 * parts of 153 septets / 67 UTF-16 units with an 8-bit concatenation header
 * (reference ref), never splitting an escape pair or a surrogate pair.
 * *parts is a talloc array under ctx.  -EINVAL for invalid UTF-8, -E2BIG
 * above 255 parts. */
int sms_text_encode(void *ctx, const char *utf8, bool fold, uint8_t ref,
		    struct sms_part **parts, unsigned *n);

/* The concatenation information element of a user data header. */
struct sms_concat {
	bool present;
	unsigned ref;		/* 8- or 16-bit reference */
	unsigned total;		/* 1..255 */
	unsigned seq;		/* 1..total */
};

/* Decode short_message bytes (after any UDH when udhi) into UTF-8
 * allocated under ctx; fill *concat from the UDH.  -EINVAL (with *why set to
 * a static explanation) for an unknown data_coding, a bad UDH, odd UCS-2
 * length, unpaired surrogates or bytes that are not text. */
int sms_text_decode(void *ctx, uint8_t data_coding, bool udhi, const uint8_t *data, size_t len,
		    char **utf8, struct sms_concat *concat, const char **why);
