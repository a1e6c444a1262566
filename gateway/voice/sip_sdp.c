/* sip_sdp.c -- SDP offer/answer for the voice channel (RFC 3264), with
 * sofia-sip's sdp_parse() reading and plain text writing.
 *
 * We speak one thing: RTP/AVP audio in PCMU (0) or PCMA (8) with 20 ms
 * frames, plus telephone-event/8000 (RFC 4733) at whatever payload type
 * the offer gives it.  Of an offer we take the first audio stream that
 * has one of our codecs, and of its formats the first of ours in the
 * offer's order; a static type counts when its rtpmap (given or
 * well-known) names that codec at 8000 Hz.  A dynamic type carrying
 * PCMU/PCMA is not taken: the RTP engine sends 0 and 8 only.  The answer
 * lists every m= line of the offer in its place, the others with port 0,
 * and answers the stream's direction (sendonly with recvonly, inactive
 * with inactive).  Hold is sendonly, inactive or c=0.0.0.0.  Only IPv4
 * addresses are taken (no DNS lookups in a callback).
 *
 * Not here: the SIP side (voice/sip.c), sending and receiving RTP
 * (voice/rtp.c).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include <talloc.h>

#include <sofia-sip/sdp.h>

#include "voice/sip_int.h"

/* Copy text for the log: printable ASCII only, bounded. */
static void why_set(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void why_set(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t i;

	if (!why || !size)
		return;
	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	for (i = 0; why[i]; i++)
		if ((unsigned char)why[i] < 0x20 || (unsigned char)why[i] > 0x7e)
			why[i] = '?';
}

static bool rtpmap_is(const sdp_rtpmap_t *rm, const char *name, unsigned long rate)
{
	return rm->rm_encoding && !strcasecmp(rm->rm_encoding, name) && rm->rm_rate == rate;
}

/* Our codec and telephone-event in one audio stream; false if no codec. */
static bool media_codecs(const sdp_media_t *m, int *pt, int *dtmf_pt)
{
	const sdp_rtpmap_t *rm;

	*pt = -1;
	*dtmf_pt = -1;
	for (rm = m->m_rtpmaps; rm; rm = rm->rm_next) {
		if (*pt < 0 && ((rm->rm_pt == 0 && rtpmap_is(rm, "PCMU", 8000)) ||
				(rm->rm_pt == 8 && rtpmap_is(rm, "PCMA", 8000))))
			*pt = rm->rm_pt;
		else if (*dtmf_pt < 0 && rm->rm_pt >= 96 && rtpmap_is(rm, "telephone-event", 8000))
			*dtmf_pt = rm->rm_pt;
	}
	return *pt >= 0;
}

/* "18 G729/8000, 96 opus/48000" for the log. */
static void media_codec_list(const sdp_media_t *m, char *buf, size_t size)
{
	const sdp_rtpmap_t *rm;
	size_t used = 0;
	int n;

	buf[0] = '\0';
	for (rm = m->m_rtpmaps; rm && used < size; rm = rm->rm_next) {
		n = snprintf(buf + used, size - used, "%s%u %.20s/%lu", used ? ", " : "", rm->rm_pt,
			     rm->rm_encoding && *rm->rm_encoding ? rm->rm_encoding : "?", rm->rm_rate);
		if (n < 0)
			break;
		used += n;
	}
	if (!buf[0])
		snprintf(buf, size, "none");
}

/* The stream's IPv4 address; SIP_SDP_UNSUPPORTED for anything else. */
static enum sip_sdp_error media_address(const sdp_session_t *sdp, const sdp_media_t *m, char *ip, size_t size,
					char *why, size_t why_size)
{
	const sdp_connection_t *c = m->m_connections ? m->m_connections : sdp->sdp_connection;
	struct in_addr in;

	if (!c || !c->c_address) {
		why_set(why, why_size, "no c= line for the audio stream");
		return SIP_SDP_UNPARSABLE;
	}
	if (c->c_nettype != sdp_net_in || c->c_addrtype != sdp_addr_ip4) {
		why_set(why, why_size, "c= is not IN IP4 (IPv6 is not supported)");
		return SIP_SDP_UNSUPPORTED;
	}
	if (inet_pton(AF_INET, c->c_address, &in) != 1) {
		why_set(why, why_size, "c= is not a dotted quad (host names are not looked up)");
		return SIP_SDP_UNSUPPORTED;
	}
	inet_ntop(AF_INET, &in, ip, size);
	return SIP_SDP_OK;
}

/* "video 0 RTP/AVP 31": an m= line of the offer that we do not take. */
static char *mline_rejected(void *ctx, const sdp_media_t *m)
{
	char fmt[8] = "0";

	if (m->m_rtpmaps)
		snprintf(fmt, sizeof(fmt), "%u", m->m_rtpmaps->rm_pt);
	else if (m->m_format && m->m_format->l_text)
		snprintf(fmt, sizeof(fmt), "%.7s", m->m_format->l_text);
	return talloc_asprintf(ctx, "%s 0 %s %s", m->m_type_name ? m->m_type_name : "audio",
			       m->m_proto_name ? m->m_proto_name : "RTP/AVP", fmt);
}

enum sip_sdp_error sip_sdp_read(void *ctx, const char *body, size_t len, struct sip_sdp_offer *offer,
				struct sip_sdp_media *media, char *why, size_t why_size)
{
	enum sip_sdp_error err = SIP_SDP_NO_AUDIO, rc;
	const sdp_session_t *sdp;
	const sdp_media_t *m, *chosen = NULL;
	sdp_parser_t *parser;
	char codecs[128];
	unsigned i;
	int pt, dtmf_pt;

	memset(media, 0, sizeof(*media));
	if (offer)
		memset(offer, 0, sizeof(*offer));
	why_set(why, why_size, "no RTP/AVP audio stream with a port");
	if (!body || !len) {
		why_set(why, why_size, "empty");
		return SIP_SDP_UNPARSABLE;
	}
	if (len > SIP_SDP_MAX) {
		why_set(why, why_size, "%zu bytes, at most %u", len, SIP_SDP_MAX);
		return SIP_SDP_UNPARSABLE;
	}
	parser = sdp_parse(NULL, body, len, 0);
	sdp = parser ? sdp_session(parser) : NULL;
	if (!sdp) {
		why_set(why, why_size, "does not parse: %.80s",
			parser && sdp_parsing_error(parser) ? sdp_parsing_error(parser) : "out of memory");
		sdp_parser_free(parser);
		return SIP_SDP_UNPARSABLE;
	}

	for (m = sdp->sdp_media, i = 0; m; m = m->m_next, i++) {
		if (offer && i >= SIP_SDP_MAX_MLINES) {
			why_set(why, why_size, "more than %u m= lines", SIP_SDP_MAX_MLINES);
			err = SIP_SDP_UNSUPPORTED;
			chosen = NULL;
			break;
		}
		if (!chosen && m->m_type == sdp_media_audio && !m->m_rejected && m->m_port) {
			if (m->m_proto != sdp_proto_rtp) {
				if (err == SIP_SDP_NO_AUDIO) {
					why_set(why, why_size, "the audio stream is %.20s, not RTP/AVP",
						m->m_proto_name ? m->m_proto_name : "?");
					err = SIP_SDP_UNSUPPORTED;
				}
			} else if (!media_codecs(m, &pt, &dtmf_pt)) {
				if (err != SIP_SDP_UNSUPPORTED) {
					media_codec_list(m, codecs, sizeof(codecs));
					why_set(why, why_size, "no PCMU or PCMA offered (%s)", codecs);
					err = SIP_SDP_NO_CODEC;
				}
			} else if (m->m_port > 65535) {
				why_set(why, why_size, "port %lu", m->m_port);
				err = SIP_SDP_UNPARSABLE;
			} else if ((rc = media_address(sdp, m, media->ip, sizeof(media->ip), why, why_size))) {
				err = rc;
			} else {
				chosen = m;
				media->port = m->m_port;
				media->pt = pt;
				media->dtmf_pt = dtmf_pt;
				media->mode = (enum sip_sdp_mode)(m->m_mode & SIP_SDP_SENDRECV);
				media->hold = media->mode == SIP_SDP_SENDONLY || media->mode == SIP_SDP_INACTIVE ||
					      !strcmp(media->ip, "0.0.0.0");
				if (offer)
					offer->audio = i;
				continue;
			}
		}
		if (offer)
			offer->mline_rejected[i] = mline_rejected(ctx, m);
	}
	if (offer && chosen)
		offer->n_mlines = i;
	sdp_parser_free(parser);
	if (!chosen) {
		if (offer) {
			for (i = 0; i < SIP_SDP_MAX_MLINES; i++)
				TALLOC_FREE(offer->mline_rejected[i]);
			memset(offer, 0, sizeof(*offer));
		}
		memset(media, 0, sizeof(*media));
		return err;
	}
	if (offer)
		offer->media = *media;
	why_set(why, why_size, "ok");
	return SIP_SDP_OK;
}

static const char *answer_direction(const struct sip_sdp_media *remote)
{
	switch (remote->mode) {
	case SIP_SDP_SENDONLY:
		return "recvonly";
	case SIP_SDP_RECVONLY:
		return "sendonly";
	case SIP_SDP_INACTIVE:
		return "inactive";
	default:
		return remote->hold ? "recvonly" : "sendrecv";	/* c=0.0.0.0 */
	}
}

static char *session_head(void *ctx, const struct sip_sdp_local *local)
{
	return talloc_asprintf(ctx,
			       "v=0\r\n"
			       "o=stoop %" PRIu64 " %" PRIu64 " IN IP4 %s\r\n"
			       "s=stoop\r\n"
			       "c=IN IP4 %s\r\n"
			       "t=0 0\r\n",
			       local->sess_id, local->sess_version, local->ip, local->ip);
}

char *sip_sdp_answer(void *ctx, const struct sip_sdp_offer *offer, const struct sip_sdp_local *local)
{
	const struct sip_sdp_media *r = &offer->media;
	char *sdp = session_head(ctx, local);
	unsigned i;

	for (i = 0; i < offer->n_mlines && i < SIP_SDP_MAX_MLINES; i++) {
		if (i != offer->audio) {
			sdp = talloc_asprintf_append(sdp, "m=%s\r\n", offer->mline_rejected[i]);
			continue;
		}
		sdp = talloc_asprintf_append(sdp, "m=audio %u RTP/AVP %d", local->port, r->pt);
		if (r->dtmf_pt >= 0)
			sdp = talloc_asprintf_append(sdp, " %d", r->dtmf_pt);
		sdp = talloc_asprintf_append(sdp, "\r\na=rtpmap:%d %s/8000\r\n", r->pt, r->pt == 8 ? "PCMA" : "PCMU");
		if (r->dtmf_pt >= 0)
			sdp = talloc_asprintf_append(sdp, "a=rtpmap:%d telephone-event/8000\r\n"
						     "a=fmtp:%d 0-16\r\n", r->dtmf_pt, r->dtmf_pt);
		sdp = talloc_asprintf_append(sdp, "a=ptime:20\r\na=%s\r\n", answer_direction(r));
	}
	return sdp;
}

char *sip_sdp_offer(void *ctx, const struct sip_sdp_local *local)
{
	char *sdp = session_head(ctx, local);

	return talloc_asprintf_append(sdp,
				      "m=audio %u RTP/AVP 0 8 %d\r\n"
				      "a=rtpmap:0 PCMU/8000\r\n"
				      "a=rtpmap:8 PCMA/8000\r\n"
				      "a=rtpmap:%d telephone-event/8000\r\n"
				      "a=fmtp:%d 0-16\r\n"
				      "a=ptime:20\r\n"
				      "a=sendrecv\r\n",
				      local->port, SIP_SDP_DTMF_PT, SIP_SDP_DTMF_PT, SIP_SDP_DTMF_PT);
}

int sip_sdp_error_status(enum sip_sdp_error err, const char **phrase)
{
	switch (err) {
	case SIP_SDP_OK:
		*phrase = "OK";
		return 200;
	case SIP_SDP_UNPARSABLE:
		*phrase = "Invalid SDP";
		return 400;
	case SIP_SDP_NO_AUDIO:
		*phrase = "No Audio Offered";
		return 488;
	case SIP_SDP_NO_CODEC:
		*phrase = "No Common Codec";
		return 488;
	case SIP_SDP_UNSUPPORTED:
	default:
		*phrase = "Media Not Supported";
		return 488;
	}
}
