#!/usr/bin/env node
// tests/voice/rtpcheck.js -- judges a capture written by rtppeer.js: what
// the caller heard and how it was sent.  It decodes the G.711 payloads in
// sequence order (per SSRC, in the order the SSRCs appeared; a lost
// packet, a hole in the timestamps, becomes silence), finds prompts in that audio by normalized
// cross-correlation against their WAV files (the lag searched over the
// whole capture), and measures the stream: packet spacing, sequence and
// timestamp continuity, SSRCs, and the RFC 4733 digits it carried.
//
//   node rtpcheck.js capture.json [--expect-prompt P.wav]
//     [--expect-sequence a.wav,b.wav,...] [--codec auto|pcmu|pcma]
//     [--threshold 0.8] [--dtmf-pt 101] [--dump-wav heard.wav]
//
// Prints one JSON line: {found, corr, offset_ms, at_ms, packets,
// interval_ms: {p50, p99, max, mean}, seq_ok, seq_errors, ts_ok,
// ts_errors, ssrc_count, digits, audio_ms, sequence?, in_order?}.
// offset_ms is where the prompt starts in the decoded audio, at_ms when
// the packet holding that start arrived (rtppeer's clock).  A correlation
// above about 0.8 means the prompt was played (a G.711 copy scores 0.99).
// Exit status: 0 when every expectation holds (or none was given), 1 when
// one does not, 2 on bad usage or an unreadable file.
'use strict';

const fs = require('fs');
const lib = require('./rtplib');

const USAGE = 'usage: node rtpcheck.js capture.json [--expect-prompt P.wav] [--expect-sequence a.wav,b.wav,...]\n' +
	'  [--codec auto|pcmu|pcma] [--threshold 0.8] [--dtmf-pt 101] [--dump-wav heard.wav]';

function die(msg) {
	process.stderr.write('rtpcheck: ' + msg + '\n' + USAGE + '\n');
	process.exit(2);
}

// Sequence numbers extended past their 16-bit wrap, in arrival order.
function extendSeq(pkts) {
	let prev = null, ext = 0;
	for (const p of pkts) {
		if (prev === null)
			ext = p.seq;
		else
			ext += ((p.seq - prev + 0x8000) & 0xFFFF) - 0x8000;
		p.ext = ext;
		prev = p.seq;
	}
}

// The decoded audio of the capture: {pcm: Int16Array, starts: [{sample,
// t_ms}]} where starts maps each packet's first sample to its arrival.
function decodeAudio(audio, codec) {
	const bySsrc = new Map();
	for (const p of audio) {
		if (!bySsrc.has(p.ssrc))
			bySsrc.set(p.ssrc, []);
		bySsrc.get(p.ssrc).push(p);
	}
	const parts = [];
	const starts = [];
	let n = 0;
	for (const pkts of bySsrc.values()) {
		extendSeq(pkts);
		const sorted = pkts.slice().sort((a, b) => a.ext - b.ext);
		let prev = null;
		for (const p of sorted) {
			if (prev && p.ext === prev.ext)
				continue;		// a duplicate
			if (prev) {
				// a hole in the timestamps (a lost packet, audio left out
				// for an event) is silence, a second at most; telephone-
				// events between audio packets take sequence numbers, not
				// time
				const hole = ((p.ts - prev.ts) | 0) - prev.bytes.length;
				if (hole > 0) {
					const fill = Math.min(8000, hole);
					parts.push(new Int16Array(fill));
					n += fill;
				}
			}
			starts.push({ sample: n, t_ms: p.t_ms });
			const pcm = lib.g711Decode(codec, p.bytes);
			parts.push(pcm);
			n += pcm.length;
			prev = p;
		}
	}
	return { pcm: lib.concatSamples(parts), starts };
}

function arrivalOf(starts, sample) {
	let lo = 0, hi = starts.length - 1, best = null;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		if (starts[mid].sample <= sample) {
			best = starts[mid];
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return best ? +(best.t_ms + (sample - best.sample) / 8).toFixed(3) : null;
}

function loadPrompt(path) {
	let w;
	try {
		w = lib.readWav(path);
	} catch (e) {
		die(path + ': ' + e.message);
	}
	if (w.rate !== 8000)
		die(path + ': ' + w.rate + ' Hz; prompts are 8000 Hz');
	return w.mono;
}

function main() {
	let o;
	try {
		o = lib.parseArgs(process.argv.slice(2), ['expect-prompt', 'expect-sequence', 'codec', 'threshold',
			'dtmf-pt', 'dump-wav'], ['help']);
	} catch (e) {
		die(e.message);
	}
	if (o.help) {
		process.stdout.write(USAGE + '\n');
		return 0;
	}
	if (o._.length !== 1)
		die('one capture file');
	let cap;
	try {
		cap = JSON.parse(fs.readFileSync(o._[0], 'utf8'));
	} catch (e) {
		die(o._[0] + ': ' + e.message);
	}
	if (!cap || !Array.isArray(cap.packets))
		die(o._[0] + ': not an rtppeer capture (no packets array)');
	const threshold = o.threshold === undefined ? 0.8 : Number(o.threshold);
	if (!(threshold > 0 && threshold <= 1))
		die('--threshold is in (0, 1]');
	const dtmfPt = o['dtmf-pt'] === undefined ? (cap.dtmf_pt || 101) : Number(o['dtmf-pt']);

	const pkts = cap.packets.map((p) => Object.assign({}, p, { bytes: Buffer.from(p.payload || '', 'hex') }));
	let codec;
	const codecName = o.codec || 'auto';
	if (codecName === 'auto') {
		const n0 = pkts.filter((p) => p.pt === 0).length, n8 = pkts.filter((p) => p.pt === 8).length;
		codec = n8 > n0 ? lib.CODECS.pcma : lib.CODECS.pcmu;
	} else {
		try {
			codec = lib.codecByName(codecName);
		} catch (e) {
			die(e.message);
		}
	}
	const audio = pkts.filter((p) => p.pt === codec.pt);

	// spacing of the audio packets as they arrived
	const gaps = [];
	for (let i = 1; i < audio.length; i++)
		gaps.push(audio[i].t_ms - audio[i - 1].t_ms);
	const sortedGaps = gaps.slice().sort((a, b) => a - b);
	const r3 = (x) => (x === null ? null : +x.toFixed(3));
	const interval = {
		p50: r3(lib.percentile(sortedGaps, 50)),
		p99: r3(lib.percentile(sortedGaps, 99)),
		max: r3(sortedGaps.length ? sortedGaps[sortedGaps.length - 1] : null),
		mean: r3(gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : null),
	};

	// continuity per SSRC in arrival order: every packet's seq +1 (mod
	// 2^16), every audio packet's timestamp + the previous one's samples
	const lastAll = new Map(), lastAudio = new Map();
	let seqErrors = 0, tsErrors = 0;
	for (const p of pkts) {
		const prev = lastAll.get(p.ssrc);
		if (prev && p.seq !== ((prev.seq + 1) & 0xFFFF))
			seqErrors++;
		lastAll.set(p.ssrc, p);
		if (p.pt !== codec.pt)
			continue;
		const pa = lastAudio.get(p.ssrc);
		if (pa && p.ts !== ((pa.ts + pa.bytes.length) >>> 0))
			tsErrors++;
		lastAudio.set(p.ssrc, p);
	}

	const { pcm, starts } = decodeAudio(audio, codec);
	if (o['dump-wav'])
		fs.writeFileSync(o['dump-wav'], lib.buildWav(pcm, 8000));
	const digits = lib.collectEvents(pkts.map((p) => ({ pt: p.pt, ts: p.ts, marker: p.m, t_ms: p.t_ms,
		payload: p.bytes })), dtmfPt).map((e) => e.digit).join('');

	const res = {
		found: null,
		corr: null,
		offset_ms: null,
		at_ms: null,
		packets: audio.length,
		all_packets: pkts.length,
		interval_ms: interval,
		seq_ok: seqErrors === 0,
		seq_errors: seqErrors,
		ts_ok: tsErrors === 0,
		ts_errors: tsErrors,
		ssrc_count: new Set(pkts.map((p) => p.ssrc)).size,
		codec: codec.name,
		digits,
		audio_ms: pcm.length / 8,
	};
	let ok = true;
	if (o['expect-prompt']) {
		const t = loadPrompt(o['expect-prompt']);
		const b = lib.xcorrBest(pcm, t);
		res.corr = +b.corr.toFixed(4);
		res.found = b.lag >= 0 && b.corr >= threshold;
		res.offset_ms = b.lag >= 0 ? b.lag / 8 : null;
		res.at_ms = b.lag >= 0 ? arrivalOf(starts, b.lag) : null;
		ok = ok && res.found;
	}
	if (o['expect-sequence']) {
		// each prompt searched after the end of the one before it (with
		// 100 ms of slack for trimmed edges)
		res.sequence = [];
		let from = 0;
		let inOrder = true;
		for (const f of String(o['expect-sequence']).split(',').filter(Boolean)) {
			const t = loadPrompt(f);
			const b = lib.xcorrBest(pcm, t, { minLag: from });
			const found = b.lag >= 0 && b.corr >= threshold;
			const item = { file: f, found, corr: +b.corr.toFixed(4), offset_ms: b.lag >= 0 ? b.lag / 8 : null,
				at_ms: b.lag >= 0 ? arrivalOf(starts, b.lag) : null };
			if (!found) {
				// where it is, if anywhere: tells "out of order" from "missing"
				const any = lib.xcorrBest(pcm, t);
				item.anywhere = { corr: +any.corr.toFixed(4), offset_ms: any.lag >= 0 ? any.lag / 8 : null };
				inOrder = false;
			} else {
				from = Math.max(0, b.lag + t.length - 800);
			}
			res.sequence.push(item);
		}
		res.in_order = inOrder;
		ok = ok && inOrder;
	}
	process.stdout.write(JSON.stringify(res) + '\n');
	return ok ? 0 : 1;
}

process.exitCode = main();
