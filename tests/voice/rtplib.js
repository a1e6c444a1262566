// tests/voice/rtplib.js -- the media arithmetic the voice tests' own peer
// uses, written here from the standards so that the peer shares no code
// with the gateway it judges: G.711 mu-law and A-law (ITU-T G.711), RTP
// headers (RFC 3550), telephone-event payloads (RFC 4733), DTMF tones
// (ITU-T Q.23), 16-bit PCM WAV files, normalized cross-correlation, a
// Goertzel tone detector, and libpcap files (Ethernet/IPv4/UDP) that
// sipp's play_pcap_audio can play.  Node's standard library only.
//
// What uses it: mkpcap.js (pcaps for sipp), rtppeer.js (a caller's media
// end), rtpcheck.js (judges a capture), selftest.js (checks all of this).
// It knows nothing of SIP, SDP or stoopd.
'use strict';

const fs = require('fs');

// ------------------------------------------------------------------ G.711
// Both laws compress a linear sample into sign, a 3-bit segment (which
// power-of-two range the magnitude falls in) and a 4-bit position in that
// segment.  Samples here are 16-bit signed linear; G.711 itself speaks of
// 14-bit (mu-law) and 13-bit (A-law) magnitudes, the low bits of a 16-bit
// sample being below its resolution.

const ULAW_BIAS = 0x84;		// 132: moves segment 0 to start at 2^7
const ULAW_CLIP = 32635;	// 0x7FFF - ULAW_BIAS: the largest codable magnitude

// The segment of a magnitude: how many times it can be halved before it
// is below `top0` (the top of segment 0), at most 7.
function g711_segment(mag, top0) {
	let seg = 0;
	while (seg < 7 && mag >= (top0 << seg))
		seg++;
	return seg;
}

// Linear 16-bit -> mu-law octet.  Bias the magnitude so every segment
// starts at a power of two (2^(seg+7)), take the 4 bits below the leading
// one, then invert the whole octet (G.711 transmits mu-law inverted).
function ulawEncode(sample) {
	let s = sample | 0;
	const sign = s < 0 ? 0x80 : 0x00;
	let mag = s < 0 ? -s : s;
	if (mag > ULAW_CLIP)
		mag = ULAW_CLIP;
	mag += ULAW_BIAS;
	const seg = g711_segment(mag, 0x100);
	const mant = (mag >> (seg + 3)) & 0x0F;
	return ~(sign | (seg << 4) | mant) & 0xFF;
}

// mu-law octet -> linear 16-bit: the middle of the quantizing interval.
function ulawDecode(code) {
	const c = ~code & 0xFF;
	const seg = (c >> 4) & 0x07;
	const mant = c & 0x0F;
	const mag = (((mant << 3) + ULAW_BIAS) << seg) - ULAW_BIAS;
	return (c & 0x80) ? -mag : mag;
}

// Linear 16-bit -> A-law octet.  The 13-bit magnitude: segment 0 (below
// 32) is linear with step 2, segment s > 0 covers [16 << s, 32 << s) with
// step 1 << s.  Positive samples carry sign bit 1, and the even bits are
// inverted (XOR 0x55) on the line.
function alawEncode(sample) {
	let s = sample | 0;
	const positive = s >= 0;
	let mag = (positive ? s : -s - 1) >> 3;	// -1..-8 -> 0: A-law is symmetric about -1/2
	if (mag > 0x0FFF)
		mag = 0x0FFF;
	let seg, mant;
	if (mag < 32) {
		seg = 0;
		mant = mag >> 1;
	} else {
		seg = g711_segment(mag, 32);
		mant = (mag >> seg) & 0x0F;
	}
	return ((positive ? 0x80 : 0x00) | (seg << 4) | mant) ^ 0x55;
}

// A-law octet -> linear 16-bit: the middle of the quantizing interval.
function alawDecode(code) {
	const c = (code ^ 0x55) & 0xFF;
	const seg = (c >> 4) & 0x07;
	const mant = c & 0x0F;
	let mag;
	if (seg === 0)
		mag = (mant << 4) + 8;
	else
		mag = ((mant << 4) + 0x108) << (seg - 1);
	return (c & 0x80) ? mag : -mag;
}

const CODECS = {
	pcmu: { pt: 0, encode: ulawEncode, decode: ulawDecode, name: 'PCMU' },
	pcma: { pt: 8, encode: alawEncode, decode: alawDecode, name: 'PCMA' },
};

function codecByName(name) {
	const c = CODECS[String(name).toLowerCase()];
	if (!c)
		throw new Error('unknown codec ' + name + ' (pcmu or pcma)');
	return c;
}

function codecByPt(pt) {
	if (pt === 0) return CODECS.pcmu;
	if (pt === 8) return CODECS.pcma;
	return null;
}

// Int16Array (or any array of numbers) -> Buffer of G.711 octets.
function g711Encode(codec, samples) {
	const out = Buffer.alloc(samples.length);
	for (let i = 0; i < samples.length; i++)
		out[i] = codec.encode(Math.round(samples[i]));
	return out;
}

function g711Decode(codec, octets) {
	const out = new Int16Array(octets.length);
	for (let i = 0; i < octets.length; i++)
		out[i] = codec.decode(octets[i]);
	return out;
}

// -------------------------------------------------------------------- RTP
// RFC 3550 section 5.1: V=2, P, X, CC, M, PT, sequence number, timestamp,
// SSRC, then CC CSRCs, an extension if X, and padding if P (its last octet
// says how much).

function buildRtp(h) {
	const csrc = h.csrc || [];
	const payload = h.payload ? Buffer.from(h.payload) : Buffer.alloc(0);
	const ext = h.extension ? Buffer.from(h.extension.data || Buffer.alloc(0)) : null;
	if (csrc.length > 15)
		throw new RangeError('at most 15 CSRCs');
	if (ext && ext.length % 4)
		throw new RangeError('an RTP header extension is whole 32-bit words');
	const pad = h.padding || 0;
	if (pad < 0 || pad > 255)
		throw new RangeError('padding is 0..255 octets');
	const extLen = ext ? 4 + ext.length : 0;
	const b = Buffer.alloc(12 + 4 * csrc.length + extLen + payload.length + pad);
	b[0] = 0x80 | (pad ? 0x20 : 0) | (ext ? 0x10 : 0) | csrc.length;
	b[1] = (h.marker ? 0x80 : 0) | (h.pt & 0x7F);
	b.writeUInt16BE(h.seq & 0xFFFF, 2);
	b.writeUInt32BE(h.ts >>> 0, 4);
	b.writeUInt32BE(h.ssrc >>> 0, 8);
	let o = 12;
	for (const c of csrc) {
		b.writeUInt32BE(c >>> 0, o);
		o += 4;
	}
	if (ext) {
		b.writeUInt16BE(h.extension.profile & 0xFFFF, o);
		b.writeUInt16BE(ext.length / 4, o + 2);
		ext.copy(b, o + 4);
		o += extLen;
	}
	payload.copy(b, o);
	o += payload.length;
	if (pad)
		b[b.length - 1] = pad;
	return b;
}

// Parse an RTP packet; null (with the reason in why.error when `why` is
// given) for anything that is not a well-formed RTP version 2 packet.
// Every length in the header is checked against the buffer.
function parseRtp(buf, why) {
	const fail = (e) => {
		if (why) why.error = e;
		return null;
	};
	if (!buf || buf.length < 12)
		return fail('shorter than the 12-octet fixed header');
	if ((buf[0] >> 6) !== 2)
		return fail('version is not 2');
	const padding = !!(buf[0] & 0x20);
	const x = !!(buf[0] & 0x10);
	const cc = buf[0] & 0x0F;
	let o = 12 + 4 * cc;
	if (o > buf.length)
		return fail('CSRC list runs past the end');
	const csrc = [];
	for (let i = 0; i < cc; i++)
		csrc.push(buf.readUInt32BE(12 + 4 * i));
	let extension = null;
	if (x) {
		if (o + 4 > buf.length)
			return fail('extension header runs past the end');
		const words = buf.readUInt16BE(o + 2);
		if (o + 4 + 4 * words > buf.length)
			return fail('extension runs past the end');
		extension = { profile: buf.readUInt16BE(o), data: buf.subarray(o + 4, o + 4 + 4 * words) };
		o += 4 + 4 * words;
	}
	let end = buf.length;
	if (padding) {
		const pad = buf[buf.length - 1];
		if (pad === 0 || o + pad > buf.length)
			return fail('bad padding count');
		end -= pad;
	}
	return {
		version: 2,
		padding,
		marker: !!(buf[1] & 0x80),
		pt: buf[1] & 0x7F,
		seq: buf.readUInt16BE(2),
		ts: buf.readUInt32BE(4),
		ssrc: buf.readUInt32BE(8),
		csrc,
		extension,
		payload: buf.subarray(o, end),
	};
}

// ---------------------------------------------------- RFC 4733 events
// Payload: event (8 bits), E (end), R (reserved), volume (6 bits, -dBm0),
// duration (16 bits, timestamp units since the event's timestamp).

const DTMF_EVENTS = '0123456789*#ABCD';

function dtmfEventCode(digit) {
	const i = DTMF_EVENTS.indexOf(String(digit).toUpperCase());
	if (i < 0)
		throw new Error('not a DTMF digit: ' + digit);
	return i;
}

function dtmfDigit(event) {
	return event >= 0 && event < 16 ? DTMF_EVENTS[event] : null;
}

function buildTelephoneEvent(e) {
	const b = Buffer.alloc(4);
	b[0] = e.event & 0xFF;
	b[1] = (e.end ? 0x80 : 0) | ((e.volume === undefined ? 10 : e.volume) & 0x3F);
	b.writeUInt16BE(Math.min(0xFFFF, e.duration | 0), 2);
	return b;
}

// One event per packet (RFC 4733 allows several in one; a sender of DTMF
// uses one); null if the payload is shorter than 4 octets.
function parseTelephoneEvent(payload) {
	if (!payload || payload.length < 4)
		return null;
	return {
		event: payload[0],
		digit: dtmfDigit(payload[0]),
		end: !!(payload[1] & 0x80),
		volume: payload[1] & 0x3F,
		duration: payload.readUInt16BE(2),
	};
}

// The DTMF digits a receiver would report from a list of received RTP
// packets ({pt, ts, marker, payload: Buffer, t_ms?}), in order: one per
// event timestamp, however many updates and end retransmissions it had.
function collectEvents(packets, eventPt) {
	const byTs = new Map();
	const out = [];
	for (const p of packets) {
		if (p.pt !== eventPt)
			continue;
		const e = parseTelephoneEvent(p.payload);
		if (!e)
			continue;
		const key = p.ts + ':' + e.event;
		let ev = byTs.get(key);
		if (!ev) {
			ev = { digit: e.digit, event: e.event, ts: p.ts, marker: !!p.marker,
				first_ms: p.t_ms, end_ms: null, duration: 0, ended: false, packets: 0, end_packets: 0 };
			byTs.set(key, ev);
			out.push(ev);
		}
		ev.packets++;
		ev.duration = Math.max(ev.duration, e.duration);
		if (e.end) {
			ev.end_packets++;
			if (!ev.ended)
				ev.end_ms = p.t_ms;
			ev.ended = true;
		}
	}
	return out;
}

// ------------------------------------------------------------------- DTMF
// ITU-T Q.23: each key is one frequency from the low group (rows) and one
// from the high group (columns).
const DTMF_LOW = [697, 770, 852, 941];
const DTMF_HIGH = [1209, 1336, 1477, 1633];
const DTMF_KEYS = ['123A', '456B', '789C', '*0#D'];

function dtmfFrequencies(digit) {
	const d = String(digit).toUpperCase();
	for (let r = 0; r < 4; r++) {
		const c = DTMF_KEYS[r].indexOf(d);
		if (c >= 0)
			return [DTMF_LOW[r], DTMF_HIGH[c]];
	}
	throw new Error('not a DTMF digit: ' + digit);
}

// The peak of a sine at 0 dBm0 in 16-bit linear: G.711's largest sine
// (peak 8159 of 8159 in mu-law's 14-bit scale, i.e. 32636 here) is +3.17
// dBm0.
const DBM0_PEAK = 32636 / Math.pow(10, 3.17 / 20);

function dbm0Peak(dbm0) {
	return DBM0_PEAK * Math.pow(10, dbm0 / 20);
}

// Linear samples (Int16Array) of one digit's two tones for `ms` at `rate`,
// each tone at `dbm0` (default -10 dBm0), starting at phase 0.
function dtmfTone(digit, ms, opts = {}) {
	const rate = opts.rate || 8000;
	const amp = dbm0Peak(opts.dbm0 === undefined ? -10 : opts.dbm0);
	const [lo, hi] = dtmfFrequencies(digit);
	const n = Math.round(ms * rate / 1000);
	const out = new Int16Array(n);
	for (let i = 0; i < n; i++) {
		const t = i / rate;
		out[i] = Math.round(amp * (Math.sin(2 * Math.PI * lo * t) + Math.sin(2 * Math.PI * hi * t)));
	}
	return out;
}

// A digit string as audio: each tone `toneMs` then `gapMs` of silence
// (default 80 + 80 ms).
function dtmfSequence(digits, opts = {}) {
	const rate = opts.rate || 8000;
	const toneMs = opts.toneMs || 80;
	const gapMs = opts.gapMs === undefined ? 80 : opts.gapMs;
	const parts = [];
	for (const d of digits) {
		parts.push(dtmfTone(d, toneMs, opts));
		parts.push(new Int16Array(Math.round(gapMs * rate / 1000)));
	}
	return concatSamples(parts);
}

function concatSamples(parts) {
	const n = parts.reduce((a, p) => a + p.length, 0);
	const out = new Int16Array(n);
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}

// The power of one frequency in a block of samples (Goertzel), normalized
// so a full-block sine of peak A gives about (A/2)^2.
function goertzel(samples, freq, rate = 8000, start = 0, len = samples.length - start) {
	const k = 2 * Math.cos(2 * Math.PI * freq / rate);
	let s1 = 0, s2 = 0;
	for (let i = start; i < start + len; i++) {
		const s0 = samples[i] + k * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	const p = s1 * s1 + s2 * s2 - k * s1 * s2;
	return p / (len * len);
}

// The DTMF digit in a block, or null: the strongest row and column each
// stand well above the others of their group and carry most of the energy.
function detectDtmf(samples, rate = 8000, start = 0, len = samples.length - start) {
	const lo = DTMF_LOW.map((f) => goertzel(samples, f, rate, start, len));
	const hi = DTMF_HIGH.map((f) => goertzel(samples, f, rate, start, len));
	let energy = 0;
	for (let i = start; i < start + len; i++)
		energy += samples[i] * samples[i];
	energy /= len;
	const best = (a) => a.indexOf(Math.max(...a));
	const r = best(lo), c = best(hi);
	const second = (a, i) => Math.max(...a.filter((_, j) => j !== i));
	// a sine of peak A has mean square A^2/2 and Goertzel power A^2/4
	const toneShare = 2 * (lo[r] + hi[c]) / (energy || 1);
	if (energy < 1e4 || lo[r] < 8 * second(lo, r) || hi[c] < 8 * second(hi, c) || toneShare < 0.7)
		return null;
	return DTMF_KEYS[r][c];
}

// The digits in a stretch of audio: blocks of `blockMs` (default 20 ms),
// a digit counted once when it is seen in two blocks in a row and again
// only after a block without it.
function detectDtmfDigits(samples, rate = 8000, blockMs = 20) {
	const n = Math.round(rate * blockMs / 1000);
	let out = '';
	let prev = null, run = 0, reported = false;
	for (let o = 0; o + n <= samples.length; o += n) {
		const d = detectDtmf(samples, rate, o, n);
		if (d !== null && d === prev) {
			run++;
		} else {
			run = d === null ? 0 : 1;
			reported = false;
		}
		if (d !== null && run >= 2 && !reported) {
			out += d;
			reported = true;
		}
		prev = d;
	}
	return out;
}

// -------------------------------------------------------------------- WAV
// A RIFF file is "RIFF" size "WAVE" and then chunks (id, 32-bit LE size,
// data, a pad octet when the size is odd).  We need "fmt " (PCM, 16 bits)
// and "data"; everything else (LIST, fact, ...) is skipped.

function parseWav(buf) {
	if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE')
		throw new Error('not a RIFF WAVE file');
	let o = 12;
	let fmt = null;
	let data = null;
	while (o + 8 <= buf.length) {
		const id = buf.toString('latin1', o, o + 4);
		let size = buf.readUInt32LE(o + 4);
		const body = o + 8;
		if (body + size > buf.length) {
			// streaming writers leave the data size open (0 or ~0): read what is there
			if (id !== 'data')
				throw new Error('WAV chunk "' + id + '" runs past the end of the file');
			size = buf.length - body;
		}
		if (id === 'fmt ') {
			if (size < 16)
				throw new Error('WAV fmt chunk too short');
			fmt = {
				format: buf.readUInt16LE(body),
				channels: buf.readUInt16LE(body + 2),
				rate: buf.readUInt32LE(body + 4),
				blockAlign: buf.readUInt16LE(body + 12),
				bits: buf.readUInt16LE(body + 14),
			};
			// WAVE_FORMAT_EXTENSIBLE: the real format is the subformat GUID's first word
			if (fmt.format === 0xFFFE && size >= 26)
				fmt.format = buf.readUInt16LE(body + 24);
		} else if (id === 'data' && !data) {
			data = buf.subarray(body, body + size);
		}
		o = body + size + (size & 1);
	}
	if (!fmt)
		throw new Error('WAV has no fmt chunk');
	if (!data)
		throw new Error('WAV has no data chunk');
	if (fmt.format !== 1 || fmt.bits !== 16)
		throw new Error('WAV is not 16-bit PCM (format ' + fmt.format + ', ' + fmt.bits + ' bits)');
	if (fmt.channels < 1 || fmt.channels > 2 || fmt.blockAlign !== 2 * fmt.channels)
		throw new Error('WAV has ' + fmt.channels + ' channels (block align ' + fmt.blockAlign + '); mono or stereo only');
	const frames = Math.floor(data.length / fmt.blockAlign);
	const channels = [];
	for (let c = 0; c < fmt.channels; c++)
		channels.push(new Int16Array(frames));
	for (let i = 0; i < frames; i++)
		for (let c = 0; c < fmt.channels; c++)
			channels[c][i] = data.readInt16LE(i * fmt.blockAlign + 2 * c);
	let mono = channels[0];
	if (fmt.channels === 2) {
		mono = new Int16Array(frames);
		for (let i = 0; i < frames; i++)
			mono[i] = Math.round((channels[0][i] + channels[1][i]) / 2);
	}
	return { rate: fmt.rate, channels: fmt.channels, frames, samples: channels, mono };
}

function readWav(path) {
	return parseWav(fs.readFileSync(path));
}

// A canonical 44-octet-header WAV: 16-bit PCM, `channels` arrays of samples.
function buildWav(channels, rate = 8000) {
	const chans = Array.isArray(channels) ? channels : [channels];
	const frames = chans[0].length;
	const dataLen = frames * 2 * chans.length;
	const b = Buffer.alloc(44 + dataLen);
	b.write('RIFF', 0, 'latin1');
	b.writeUInt32LE(36 + dataLen, 4);
	b.write('WAVEfmt ', 8, 'latin1');
	b.writeUInt32LE(16, 16);
	b.writeUInt16LE(1, 20);
	b.writeUInt16LE(chans.length, 22);
	b.writeUInt32LE(rate, 24);
	b.writeUInt32LE(rate * 2 * chans.length, 28);
	b.writeUInt16LE(2 * chans.length, 32);
	b.writeUInt16LE(16, 34);
	b.write('data', 36, 'latin1');
	b.writeUInt32LE(dataLen, 40);
	for (let i = 0; i < frames; i++)
		for (let c = 0; c < chans.length; c++)
			b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(chans[c][i]))), 44 + 2 * (i * chans.length + c));
	return b;
}

// ------------------------------------------------ cross-correlation
// Normalized cross-correlation of a template t against a signal s at lag k:
//   sum t[i] s[k+i] / sqrt(sum t[i]^2 * sum s[k+i]^2)
// 1 when the signal there is the template scaled; independent of level.
// The numerator for every lag comes from one FFT product, the window
// energies from a running sum, so a minute of audio is searched at once.

function nextPow2(n) {
	let p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

// In-place iterative radix-2 FFT of (re, im); inverse when `inv`.
function fft(re, im, inv) {
	const n = re.length;
	for (let i = 1, j = 0; i < n; i++) {
		let bit = n >> 1;
		for (; j & bit; bit >>= 1)
			j ^= bit;
		j ^= bit;
		if (i < j) {
			let t = re[i]; re[i] = re[j]; re[j] = t;
			t = im[i]; im[i] = im[j]; im[j] = t;
		}
	}
	for (let len = 2; len <= n; len <<= 1) {
		const ang = 2 * Math.PI / len * (inv ? 1 : -1);
		const wr = Math.cos(ang), wi = Math.sin(ang);
		const half = len >> 1;
		for (let i = 0; i < n; i += len) {
			let cr = 1, ci = 0;
			for (let k = 0; k < half; k++) {
				const a = i + k, b = a + half;
				const xr = re[b] * cr - im[b] * ci;
				const xi = re[b] * ci + im[b] * cr;
				re[b] = re[a] - xr;
				im[b] = im[a] - xi;
				re[a] += xr;
				im[a] += xi;
				const t = cr * wr - ci * wi;
				ci = cr * wi + ci * wr;
				cr = t;
			}
		}
	}
	if (inv)
		for (let i = 0; i < n; i++) {
			re[i] /= n;
			im[i] /= n;
		}
}

// The best lag of `template` in `signal` between minLag and maxLag
// (inclusive; default: everywhere it fits whole): {lag, corr}.  Windows
// with almost no energy (digital silence) score 0.  {lag: -1, corr: 0}
// when the template does not fit.
function xcorrBest(signal, template, opts = {}) {
	const N = signal.length, M = template.length;
	const minLag = Math.max(0, opts.minLag || 0);
	const maxLag = Math.min(N - M, opts.maxLag === undefined ? N - M : opts.maxLag);
	if (M === 0 || maxLag < minLag)
		return { lag: -1, corr: 0 };
	let tEnergy = 0;
	for (let i = 0; i < M; i++)
		tEnergy += template[i] * template[i];
	if (tEnergy === 0)
		return { lag: -1, corr: 0 };
	// window energies by a running sum over the signal
	const sq = new Float64Array(N + 1);
	for (let i = 0; i < N; i++)
		sq[i + 1] = sq[i] + signal[i] * signal[i];
	const floor = 1e-6 * tEnergy;
	const span = maxLag - minLag + 1;
	let num;
	if (span * M <= 4e6) {
		num = (k) => {
			let s = 0;
			for (let i = 0; i < M; i++)
				s += template[i] * signal[k + i];
			return s;
		};
	} else {
		const L = nextPow2(N + M);
		const ar = new Float64Array(L), ai = new Float64Array(L);
		const br = new Float64Array(L), bi = new Float64Array(L);
		for (let i = 0; i < N; i++)
			ar[i] = signal[i];
		for (let i = 0; i < M; i++)
			br[i] = template[i];
		fft(ar, ai, false);
		fft(br, bi, false);
		// S * conj(T): its inverse at k is sum s[k+i] t[i]
		for (let i = 0; i < L; i++) {
			const r = ar[i] * br[i] + ai[i] * bi[i];
			const im = ai[i] * br[i] - ar[i] * bi[i];
			ar[i] = r;
			ai[i] = im;
		}
		fft(ar, ai, true);
		num = (k) => ar[k];
	}
	let best = { lag: -1, corr: 0 };
	for (let k = minLag; k <= maxLag; k++) {
		const e = sq[k + M] - sq[k];
		if (e <= floor)
			continue;
		const c = num(k) / Math.sqrt(e * tEnergy);
		if (c > best.corr)
			best = { lag: k, corr: c };
	}
	return best;
}

// ------------------------------------------------------------------- pcap
// libpcap's file format: a 24-octet global header (magic a1b2c3d4 for
// microsecond times, version 2.4, snaplen, link type), then per packet a
// 16-octet record header (seconds, microseconds, captured and original
// length) and the frame.  We write link type 1 (Ethernet II + IPv4 + UDP)
// because sipp 3.6 accepts only Ethernet, Linux cooked and 802.11 frames
// (sipp 3.7 also reads 101, raw IP, which we can write too).

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_IPV4 = 228;

function ipv4Bytes(addr) {
	const p = String(addr).split('.').map(Number);
	if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255))
		throw new Error('not an IPv4 address: ' + addr);
	return Buffer.from(p);
}

// The Internet checksum (RFC 1071): ones' complement of the ones'
// complement sum of 16-bit words.
function inetChecksum(...bufs) {
	let sum = 0;
	for (const b of bufs) {
		for (let i = 0; i + 1 < b.length; i += 2)
			sum += (b[i] << 8) | b[i + 1];
		if (b.length & 1)
			sum += b[b.length - 1] << 8;
	}
	while (sum > 0xFFFF)
		sum = (sum & 0xFFFF) + (sum >>> 16);
	return ~sum & 0xFFFF;
}

// An IPv4 + UDP datagram around `payload`, lengths and both checksums set.
function buildIpv4Udp(src, sport, dst, dport, payload, id = 0) {
	const udpLen = 8 + payload.length;
	const ip = Buffer.alloc(20);
	ip[0] = 0x45;			// version 4, 5 words of header
	ip.writeUInt16BE(20 + udpLen, 2);
	ip.writeUInt16BE(id & 0xFFFF, 4);
	ip.writeUInt16BE(0x4000, 6);	// don't fragment
	ip[8] = 64;			// TTL
	ip[9] = 17;			// UDP
	ipv4Bytes(src).copy(ip, 12);
	ipv4Bytes(dst).copy(ip, 16);
	ip.writeUInt16BE(inetChecksum(ip), 10);
	const udp = Buffer.alloc(8);
	udp.writeUInt16BE(sport, 0);
	udp.writeUInt16BE(dport, 2);
	udp.writeUInt16BE(udpLen, 4);
	const pseudo = Buffer.alloc(12);
	ip.copy(pseudo, 0, 12, 20);
	pseudo[9] = 17;
	pseudo.writeUInt16BE(udpLen, 10);
	const sum = inetChecksum(pseudo, udp, payload);
	udp.writeUInt16BE(sum === 0 ? 0xFFFF : sum, 6);
	return Buffer.concat([ip, udp, payload]);
}

// packets: [{t_us (time from the start, microseconds), src, sport, dst,
// dport, payload}] -> the pcap file's bytes.  `start` is the first
// packet's wall-clock time in seconds (any: sipp only uses differences).
function buildPcap(packets, opts = {}) {
	const linktype = opts.linktype || LINKTYPE_ETHERNET;
	if (linktype !== LINKTYPE_ETHERNET && linktype !== LINKTYPE_RAW)
		throw new Error('can write link type 1 (Ethernet) or 101 (raw IPv4), not ' + linktype);
	const start = opts.start === undefined ? 1700000000 : opts.start;
	const hdr = Buffer.alloc(24);
	hdr.writeUInt32LE(0xa1b2c3d4, 0);
	hdr.writeUInt16LE(2, 4);
	hdr.writeUInt16LE(4, 6);
	hdr.writeInt32LE(0, 8);		// thiszone
	hdr.writeUInt32LE(0, 12);	// sigfigs
	hdr.writeUInt32LE(65535, 16);	// snaplen
	hdr.writeUInt32LE(linktype, 20);
	const out = [hdr];
	let id = 1;
	for (const p of packets) {
		let frame = buildIpv4Udp(p.src, p.sport, p.dst, p.dport, p.payload, id++);
		if (linktype === LINKTYPE_ETHERNET) {
			const eth = Buffer.from([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00]);
			frame = Buffer.concat([eth, frame]);
		}
		const rec = Buffer.alloc(16);
		const us = Math.round(p.t_us);
		rec.writeUInt32LE(start + Math.floor(us / 1e6), 0);
		rec.writeUInt32LE(us % 1e6, 4);
		rec.writeUInt32LE(frame.length, 8);
		rec.writeUInt32LE(frame.length, 12);
		out.push(rec, frame);
	}
	return Buffer.concat(out);
}

// Read a pcap file's UDP/IPv4 packets, checking every length:
// {linktype, nanos, packets: [{t_us, caplen, len, src, sport, dst, dport,
// ip_ok (header checksum), ip_len, udp_len, udp_ok, payload}], skipped}.
function parsePcap(buf) {
	if (buf.length < 24)
		throw new Error('pcap shorter than its global header');
	const magics = { a1b2c3d4: [false, false], d4c3b2a1: [true, false], a1b23c4d: [false, true], '4d3cb2a1': [true, true] };
	const m = magics[buf.readUInt32LE(0).toString(16)];
	if (!m)
		throw new Error('not a pcap file (magic ' + buf.readUInt32LE(0).toString(16) + ')');
	const [swapped, nanos] = m;
	const u16 = (o) => (swapped ? buf.readUInt16BE(o) : buf.readUInt16LE(o));
	const u32 = (o) => (swapped ? buf.readUInt32BE(o) : buf.readUInt32LE(o));
	const res = { linktype: u32(20), version: u16(4) + '.' + u16(6), snaplen: u32(16), nanos, packets: [], skipped: 0 };
	let o = 24;
	let t0 = null;
	while (o < buf.length) {
		if (o + 16 > buf.length)
			throw new Error('pcap record header cut short at offset ' + o);
		const sec = u32(o), frac = u32(o + 4), caplen = u32(o + 8), len = u32(o + 12);
		if (o + 16 + caplen > buf.length)
			throw new Error('pcap record runs past the end at offset ' + o);
		const frame = buf.subarray(o + 16, o + 16 + caplen);
		o += 16 + caplen;
		const t = sec * 1e6 + (nanos ? frac / 1000 : frac);
		if (t0 === null)
			t0 = t;
		const pkt = decodeFrame(res.linktype, frame);
		if (!pkt) {
			res.skipped++;
			continue;
		}
		pkt.t_us = t - t0;
		pkt.caplen = caplen;
		pkt.len = len;
		res.packets.push(pkt);
	}
	return res;
}

function decodeFrame(linktype, f) {
	let o;
	if (linktype === LINKTYPE_ETHERNET) {
		if (f.length < 14)
			return null;
		o = 12;
		let type = f.readUInt16BE(o);
		if (type === 0x8100) {
			o += 4;
			if (f.length < o + 2)
				return null;
			type = f.readUInt16BE(o);
		}
		if (type !== 0x0800)
			return null;
		o += 2;
	} else if (linktype === LINKTYPE_LINUX_SLL) {
		if (f.length < 16 || f.readUInt16BE(14) !== 0x0800)
			return null;
		o = 16;
	} else if (linktype === LINKTYPE_RAW || linktype === LINKTYPE_IPV4) {
		o = 0;
	} else {
		return null;
	}
	if (f.length < o + 20 || (f[o] >> 4) !== 4)
		return null;
	const ihl = (f[o] & 0x0F) * 4;
	if (ihl < 20 || f.length < o + ihl + 8 || f[o + 9] !== 17)
		return null;
	const ipLen = f.readUInt16BE(o + 2);
	const ip = f.subarray(o, o + ihl);
	const u = o + ihl;
	const udpLen = f.readUInt16BE(u + 4);
	if (udpLen < 8 || u + udpLen > f.length)
		return null;
	const payload = f.subarray(u + 8, u + udpLen);
	const pseudo = Buffer.alloc(12);
	ip.copy(pseudo, 0, 12, 20);
	pseudo[9] = 17;
	pseudo.writeUInt16BE(udpLen, 10);
	const udpSum = f.readUInt16BE(u + 6);
	return {
		src: Array.from(f.subarray(o + 12, o + 16)).join('.'),
		dst: Array.from(f.subarray(o + 16, o + 20)).join('.'),
		sport: f.readUInt16BE(u),
		dport: f.readUInt16BE(u + 2),
		ip_len: ipLen,
		ip_ok: inetChecksum(ip) === 0 && ipLen === ihl + udpLen && o + ipLen <= f.length,
		udp_len: udpLen,
		udp_ok: udpSum === 0 || inetChecksum(pseudo, f.subarray(u, u + udpLen)) === 0,
		payload,
	};
}

// ------------------------------------------------------- a sender's plan
// What a caller's phone sends, as a list of RTP packets with the time each
// is due (ms from the stream's start), for mkpcap.js (into a pcap) and
// rtppeer.js (on a socket).  One SSRC, one sequence space, one 8 kHz clock:
//  - audio every 20 ms (160 samples): silence, or the caller's sound
//    (`audio`, Int16Array from the start), or in-band digit tones
//  - RFC 4733 events (section 2.5): the first packet M=1, updates every
//    `eventIntervalMs` with the duration so far, the end packet (E=1, the
//    whole duration) three times at the same interval, all with the RTP
//    timestamp of the event's start; audio goes on around them unless
//    `suppressAudio` (then the event replaces it, as many phones do).
// opts: {codec (CODECS entry), eventPt, ssrc, seq, ts, durationMs,
//   inband: [{digit, at_ms, tone_ms}], events: [{digit, at_ms, tone_ms}],
//   audio, eventIntervalMs (50), volume (10), dbm0 (-10), suppressAudio}
function planStream(opts) {
	const codec = opts.codec || CODECS.pcmu;
	const frame = 160;
	const frameMs = 20;
	const evIv = opts.eventIntervalMs || 50;
	const total = opts.durationMs;
	const ts0 = (opts.ts === undefined ? 0 : opts.ts) >>> 0;
	const nFrames = Math.ceil(total / frameMs);
	const pcm = new Int16Array(nFrames * frame);
	if (opts.audio)
		pcm.set(opts.audio.subarray(0, Math.min(opts.audio.length, pcm.length)));
	for (const d of opts.inband || []) {
		const tone = dtmfTone(d.digit, d.tone_ms, { dbm0: opts.dbm0 });
		const at = Math.round(d.at_ms * 8);
		for (let i = 0; i < tone.length && at + i < pcm.length; i++)
			pcm[at + i] = Math.max(-32768, Math.min(32767, pcm[at + i] + tone[i]));
	}
	const items = [];	// {t_ms, kind, ...}; sorted then numbered
	const busy = [];	// [from, to) ms where events replace audio
	for (const e of opts.events || []) {
		if (e.at_ms >= total)
			continue;
		const code = dtmfEventCode(e.digit);
		// the event starts on an audio frame boundary: its timestamp is the
		// sample clock there
		const start = Math.round(e.at_ms / frameMs) * frameMs;
		const ts = (ts0 + start * 8) >>> 0;
		const dur = Math.round(e.tone_ms * 8);
		for (let k = 0; k * evIv < e.tone_ms; k++)
			items.push({ t_ms: start + k * evIv, kind: 'event', ts, marker: k === 0,
				payload: buildTelephoneEvent({ event: code, end: false, volume: opts.volume,
					duration: k === 0 ? frame : Math.min(k * evIv * 8, dur) }) });
		for (let k = 0; k < 3; k++)
			items.push({ t_ms: start + e.tone_ms + k * evIv, kind: 'event', ts, marker: false,
				payload: buildTelephoneEvent({ event: code, end: true, volume: opts.volume, duration: dur }) });
		busy.push([start, start + e.tone_ms + 2 * evIv + 1]);
	}
	for (let f = 0; f < nFrames; f++) {
		const t = f * frameMs;
		if (opts.suppressAudio && busy.some(([a, b]) => t >= a && t < b))
			continue;
		items.push({ t_ms: t, kind: 'audio', ts: (ts0 + f * frame) >>> 0, marker: f === 0,
			payload: g711Encode(codec, pcm.subarray(f * frame, (f + 1) * frame)) });
	}
	// audio before events sent at the same instant; stable otherwise
	items.sort((a, b) => a.t_ms - b.t_ms || (a.kind === b.kind ? 0 : a.kind === 'audio' ? -1 : 1));
	let seq = opts.seq === undefined ? 0 : opts.seq;
	const ssrc = opts.ssrc >>> 0;
	return items.filter((it) => it.t_ms < total + 3 * evIv).map((it) => ({
		t_ms: it.t_ms,
		kind: it.kind,
		rtp: buildRtp({ pt: it.kind === 'audio' ? codec.pt : opts.eventPt, marker: it.marker,
			seq: seq++, ts: it.ts, ssrc, payload: it.payload }),
	}));
}

// "1@2.0,5#@4.5" -> [{digit, at_ms}]: each group's digits from its time
// on, one every toneMs + gapMs.
function parseDigitSchedule(spec, toneMs, gapMs) {
	const out = [];
	if (!spec)
		return out;
	for (const part of String(spec).split(',')) {
		const m = /^\s*([0-9*#A-Da-d]+)@([0-9]+(?:\.[0-9]+)?)\s*$/.exec(part);
		if (!m)
			throw new Error('bad digit schedule "' + part + '" (want DIGITS@SECONDS)');
		let at = Math.round(parseFloat(m[2]) * 1000);
		for (const d of m[1].toUpperCase()) {
			out.push({ digit: d, at_ms: at, tone_ms: toneMs });
			at += toneMs + gapMs;
		}
	}
	return out.sort((a, b) => a.at_ms - b.at_ms);
}

// ---------------------------------------------------------- statistics

function percentile(sorted, p) {
	if (!sorted.length)
		return null;
	const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1));
	return sorted[i];
}

// Tiny argv parser: --name value, --flag (when in `flags`); the rest are
// positional.  Unknown options are an error.
function parseArgs(argv, known, flags = []) {
	const opts = { _: [] };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (!a.startsWith('--')) {
			opts._.push(a);
			continue;
		}
		const name = a.slice(2);
		if (flags.includes(name)) {
			opts[name] = true;
		} else if (known.includes(name)) {
			if (i + 1 >= argv.length)
				throw new Error(a + ' needs a value');
			opts[name] = argv[++i];
		} else {
			throw new Error('unknown option ' + a);
		}
	}
	return opts;
}

module.exports = {
	ulawEncode, ulawDecode, alawEncode, alawDecode, CODECS, codecByName, codecByPt, g711Encode, g711Decode,
	buildRtp, parseRtp,
	buildTelephoneEvent, parseTelephoneEvent, dtmfEventCode, dtmfDigit, collectEvents,
	DTMF_LOW, DTMF_HIGH, dtmfFrequencies, dbm0Peak, dtmfTone, dtmfSequence, concatSamples,
	goertzel, detectDtmf, detectDtmfDigits,
	parseWav, readWav, buildWav,
	fft, xcorrBest,
	LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_LINUX_SLL, inetChecksum, buildIpv4Udp, buildPcap, parsePcap,
	planStream, parseDigitSchedule, percentile, parseArgs,
};
