#!/usr/bin/env node
// tests/voice/selftest.js -- checks the voice tests' own media tools before
// they judge Stoop: rtplib.js against known values (G.711 code points and
// error bounds, a hand-built RTP packet, an RFC 4733 payload, the Q.23
// frequencies of every key, WAV files sox wrote, a prompt found by
// cross-correlation at a known offset), mkpcap.js's files read back by
// rtplib's pcap reader, two rtppeer.js talking on 127.0.0.1 and judged by
// rtpcheck.js, and sipp (tests/voice/uac_pcap.xml calling
// tests/voice/uas_media.xml) playing a pcap from mkpcap.js into an
// rtppeer, digit by digit and at the pcap's pace.  TAP lines on stdout
// (tests/sms/harness.js); selftest.sh runs it under a time limit.
//
//   STOOP_SRCDIR=... STOOP_BUILDDIR=... node tests/voice/selftest.js
//
// The prompts are the build's ($STOOP_BUILDDIR/prompts/en/*.wav).  The
// sipp part needs root or CAP_NET_RAW (play_pcap_audio writes on a raw
// socket) and is skipped without it.
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { src, build, children, tmpdir, check, note, sleep, run } = require('../sms/harness');
const lib = require('./rtplib');

const here = path.join(src, 'tests/voice');
const tmp = tmpdir('stoop-vtest-');

// ------------------------------------------------------------ processes

// A tool as a child: its stdout's JSON lines kept, its exit awaited with
// a bound.
function start(cmd, args, name, opts = {}) {
	const out = fs.openSync(path.join(tmp, name + '.stderr'), 'a');
	const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', out], cwd: opts.cwd || tmp });
	children.push(p);
	const t = { proc: p, lines: [], raw: '', exited: null };
	readline.createInterface({ input: p.stdout }).on('line', (l) => {
		t.raw += l + '\n';
		try { t.lines.push(JSON.parse(l)); } catch (e) { /* not JSON */ }
	});
	t.exit = new Promise((resolve) => p.on('close', (code, sig) => {
		t.exited = { code, sig };
		resolve(t.exited);
	}));
	return t;
}

async function within(promise, ms) {
	let timer;
	const r = await Promise.race([promise, new Promise((res) => { timer = setTimeout(() => res(null), ms); })]);
	clearTimeout(timer);
	return r;
}

async function waitLine(t, pred, ms) {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		const l = t.lines.find(pred);
		if (l)
			return l;
		if (t.exited)
			return null;
		await sleep(20);
	}
	return null;
}

function stderrOf(name) {
	try { return fs.readFileSync(path.join(tmp, name + '.stderr'), 'utf8').slice(-1500); } catch (e) { return ''; }
}

function node(script, args, name) {
	return start('node', [path.join(here, script), ...args], name);
}

function nodeSync(script, args) {
	const r = spawnSync('node', [path.join(here, script), ...args], { cwd: tmp, encoding: 'utf8', timeout: 30000 });
	let json = null;
	try { json = JSON.parse(r.stdout.trim().split('\n').pop()); } catch (e) { /* none */ }
	return { status: r.status, json, stdout: r.stdout, stderr: r.stderr };
}

async function peer(name, args) {
	const t = node('rtppeer.js', ['--port', '0', '--out', path.join(tmp, name + '.json'), ...args], name);
	const ready = await waitLine(t, (l) => l.ev === 'ready', 5000);
	t.port = ready ? ready.port : null;
	return t;
}

async function peerDone(t, ms) {
	const r = await within(t.exit, ms);
	t.summary = t.lines.find((l) => l.ev === 'summary') || null;
	return r;
}

function capture(name) {
	try { return JSON.parse(fs.readFileSync(path.join(tmp, name + '.json'), 'utf8')); } catch (e) { return null; }
}

// The received packets of a capture, with payload octets.
function packetsOf(cap) {
	return cap.packets.map((p) => ({ pt: p.pt, ts: p.ts, seq: p.seq, ssrc: p.ssrc, marker: !!p.m, t_ms: p.t_ms,
		src: p.src, payload: Buffer.from(p.payload, 'hex') }));
}

function promptWavs() {
	for (const d of [path.join(build, 'prompts/en'), path.join(src, 'prompts/en')]) {
		try {
			const f = fs.readdirSync(d).filter((x) => x.endsWith('.wav')).sort();
			if (f.length >= 2)
				return f.map((x) => path.join(d, x));
		} catch (e) { /* not there */ }
	}
	return [];
}

const randomPort = () => 20000 + 2 * Math.floor(Math.random() * 19000);

// ---------------------------------------------------------------- G.711

function g711() {
	check(lib.ulawEncode(0) === 0xFF && lib.alawEncode(0) === 0xD5,
		'G.711: 0 encodes to 0xFF in mu-law and 0xD5 in A-law');
	const known = [
		[lib.ulawEncode(32767), 0x80], [lib.ulawEncode(-32768), 0x00], [lib.ulawEncode(-1), 0x7F],
		[lib.ulawDecode(0x80), 32124], [lib.ulawDecode(0x00), -32124], [lib.ulawDecode(0xFF), 0],
		[lib.alawEncode(32767), 0xAA], [lib.alawEncode(-32768), 0x2A],
		[lib.alawDecode(0xD5), 8], [lib.alawDecode(0x55), -8], [lib.alawDecode(0xAA), 32256], [lib.alawDecode(0x2A), -32256],
	];
	check(known.every(([a, b]) => a === b), 'G.711: the end points of both laws (0x80/0x00 mu-law = +-32124, 0xAA/0x2A A-law = +-32256, 0xD5 = 8)',
		known);
	let uBad = 0, aBad = 0, uMax = 0, aMax = 0, mono = true;
	let pu = -Infinity, pa = -Infinity;
	for (let x = -32768; x <= 32767; x++) {
		const u = lib.ulawDecode(lib.ulawEncode(x)), a = lib.alawDecode(lib.alawEncode(x));
		const m = Math.abs(x);
		// half a quantizing step: 1/32 of the segment's start
		if (m <= 32635) {
			if (Math.abs(u - x) > (m + 132) / 32)
				uBad++;
			uMax = Math.max(uMax, Math.abs(u - x));
		} else if (Math.abs(u) !== 32124) {
			uBad++;		// beyond the clip level: the largest code
		}
		if (Math.abs(a - x) > m / 32 + 8)
			aBad++;
		aMax = Math.max(aMax, Math.abs(a - x));
		if (u < pu || a < pa)
			mono = false;
		pu = u;
		pa = a;
	}
	check(uBad === 0 && uMax <= 512, 'G.711 mu-law: every 16-bit sample up to the clip level (32635) round-trips within half a step (max error ' +
		uMax + '), and louder ones give the largest code', uBad);
	check(aBad === 0 && aMax <= 1024, 'G.711 A-law: every 16-bit sample round-trips within half a step (max error ' + aMax + ')', aBad);
	check(mono, 'G.711: decode(encode(x)) never decreases as x grows, in both laws');
	const codes = [];
	for (let c = 0; c < 256; c++) {
		if (lib.ulawEncode(lib.ulawDecode(c)) !== c && c !== 0x7F)
			codes.push('u' + c.toString(16));
		if (lib.alawEncode(lib.alawDecode(c)) !== c)
			codes.push('a' + c.toString(16));
	}
	check(codes.length === 0, 'G.711: every octet decodes to a level that encodes back to it (mu-law 0x7F, "-0", gives 0xFF)', codes);
}

// ------------------------------------------------------------------ RTP

function rtp() {
	// V=2 P=1 X=1 CC=1, M=1 PT=101, seq 0xFFFE, ts 0x01020304, SSRC
	// 0xDEADBEEF, CSRC 0x11223344, extension profile 0xBEDE with one
	// word, payload 0B8A0320 ('#', end, volume 10, 800), 2 octets padding
	const hand = Buffer.from('B1E5FFFE01020304DEADBEEF11223344BEDE0001AABBCCDD0B8A03200002', 'hex');
	const p = lib.parseRtp(hand);
	check(p && p.marker && p.pt === 101 && p.seq === 0xFFFE && p.ts === 0x01020304 && p.ssrc === 0xDEADBEEF &&
		p.csrc.length === 1 && p.csrc[0] === 0x11223344 && p.extension && p.extension.profile === 0xBEDE &&
		p.extension.data.toString('hex') === 'aabbccdd' && p.payload.toString('hex') === '0b8a0320' && p.padding,
	'RTP: a hand-built packet (CSRC, extension, padding) parses field by field', p);
	const b = lib.buildRtp({ pt: 101, marker: true, seq: 0xFFFE, ts: 0x01020304, ssrc: 0xDEADBEEF, csrc: [0x11223344],
		extension: { profile: 0xBEDE, data: Buffer.from('AABBCCDD', 'hex') }, payload: Buffer.from('0B8A0320', 'hex'), padding: 2 });
	check(b.equals(hand), 'RTP: building the same fields gives the same octets', b.toString('hex'));
	const bad = {
		'11 octets': hand.subarray(0, 11),
		'version 1': Buffer.concat([Buffer.from([0x40]), hand.subarray(1)]),
		'CSRC count past the end': Buffer.from('8F00000100000000000000010000', 'hex'),
		'extension length past the end': Buffer.from('9000000100000000000000010000FFFF', 'hex'),
		'padding count past the payload': Buffer.from('A000000100000000000000010102FF', 'hex'),
		'padding count 0': Buffer.from('A00000010000000000000001010200', 'hex'),
	};
	const let_through = Object.keys(bad).filter((k) => lib.parseRtp(bad[k]) !== null);
	check(let_through.length === 0, 'RTP: malformed packets are refused, not read past their end (' + Object.keys(bad).join(', ') + ')',
		let_through);
	const ev = lib.buildTelephoneEvent({ event: lib.dtmfEventCode('#'), end: true, volume: 10, duration: 800 });
	const pe = lib.parseTelephoneEvent(ev);
	check(ev.toString('hex') === '0b8a0320' && pe.digit === '#' && pe.end && pe.volume === 10 && pe.duration === 800 &&
		lib.parseTelephoneEvent(Buffer.from('0b8a03', 'hex')) === null,
	'RFC 4733: "#", end, volume 10, 800 units is 0B 8A 03 20 and parses back; 3 octets do not parse', ev.toString('hex'));
}

// ----------------------------------------------------------------- DTMF

function dtmf() {
	const all = [...lib.DTMF_LOW, ...lib.DTMF_HIGH];
	const wrong = [];
	let levelOk = true;
	for (const d of '123A456B789C*0#D') {
		const s = lib.dtmfTone(d, 80);
		const want = lib.dtmfFrequencies(d);
		const pw = all.map((f) => lib.goertzel(s, f));
		const on = all.map((f, i) => ({ f, p: pw[i] })).filter((x) => want.includes(x.f));
		const off = all.map((f, i) => ({ f, p: pw[i] })).filter((x) => !want.includes(x.f));
		const weakest = Math.min(...on.map((x) => x.p));
		if (off.some((x) => x.p > weakest / 100))
			wrong.push(d + ': ' + JSON.stringify(pw.map((x) => Math.round(x))));
		// a sine of peak A has Goertzel power about A^2/4; -10 dBm0 is peak ~7164
		for (const x of on) {
			const peak = 2 * Math.sqrt(x.p);
			if (Math.abs(peak - lib.dbm0Peak(-10)) > 0.05 * lib.dbm0Peak(-10))
				levelOk = false;
		}
	}
	check(lib.dtmfFrequencies('1').join() === '697,1209' && lib.dtmfFrequencies('#').join() === '941,1477' &&
		lib.dtmfFrequencies('D').join() === '941,1633' && lib.dtmfFrequencies('0').join() === '941,1336',
	'DTMF: the Q.23 pairs (1 = 697+1209, 0 = 941+1336, # = 941+1477, D = 941+1633)');
	check(wrong.length === 0, 'DTMF: each of the 16 keys holds its two frequencies, the other six at least 20 dB down', wrong);
	check(levelOk, 'DTMF: each tone at -10 dBm0 (peak ' + Math.round(lib.dbm0Peak(-10)) + ' of 16-bit, within 5%)');
	const seq = lib.dtmfSequence('0123456789*#ABCD');
	const heard = lib.detectDtmfDigits(lib.g711Decode(lib.CODECS.pcmu, lib.g711Encode(lib.CODECS.pcmu, seq)));
	check(heard === '0123456789*#ABCD', 'DTMF: 80 ms tones with 80 ms gaps, through mu-law, are detected digit by digit', heard);
	const single = new Int16Array(1600);
	for (let i = 0; i < single.length; i++)
		single[i] = Math.round(lib.dbm0Peak(-10) * Math.sin(2 * Math.PI * 697 * i / 8000));
	const quiet = lib.detectDtmfDigits(single);
	check(quiet === '', 'DTMF: a lone 697 Hz tone (half of a 1) is not a digit', quiet);
}

// ------------------------------------------------------------------ WAV

function wav() {
	const mono = path.join(tmp, 'sox-mono.wav'), stereo = path.join(tmp, 'sox-stereo.wav');
	const r1 = spawnSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', mono, 'synth', '0.5', 'sine', '1000', 'vol', '0.5'], { timeout: 10000 });
	const r2 = spawnSync('sox', ['-n', '-r', '8000', '-c', '2', '-b', '16', stereo, 'synth', '0.25', 'sine', '500', 'sine', '1500'], { timeout: 10000 });
	if (!check(r1.status === 0 && r2.status === 0, 'sox writes test WAVs', String(r1.stderr) + String(r2.stderr)))
		return;
	let w = lib.readWav(mono);
	const p1k = lib.goertzel(w.mono, 1000), p900 = lib.goertzel(w.mono, 900);
	check(w.rate === 8000 && w.channels === 1 && w.frames === 4000 && p1k > 100 * p900 &&
		Math.abs(2 * Math.sqrt(p1k) - 16384) < 800,
	'WAV: a mono 16-bit file from sox reads back (8000 Hz, 4000 frames, a 1 kHz sine at half scale)',
	{ rate: w.rate, channels: w.channels, frames: w.frames, p1k, p900 });
	w = lib.readWav(stereo);
	const [l, r] = w.samples;
	check(w.channels === 2 && w.frames === 2000 && lib.goertzel(l, 500) > 100 * lib.goertzel(l, 1500) &&
		lib.goertzel(r, 1500) > 100 * lib.goertzel(r, 500),
	'WAV: a stereo file from sox reads back with its channels apart (500 Hz left, 1500 Hz right)');
	// chunks before and between: LIST with an odd size (so a pad octet),
	// fmt after it, data last
	const body = lib.buildWav(new Int16Array([1, -2, 3, -4, 32767, -32768]));
	const fmt = body.subarray(12, 36), data = body.subarray(36);
	const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([5, 0, 0, 0]), Buffer.from('INFOx'), Buffer.from([0])]);
	const riff = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVE'), list, fmt, data]);
	riff.writeUInt32LE(riff.length - 8, 4);
	let got = null;
	try { got = lib.parseWav(riff); } catch (e) { got = e.message; }
	check(got && got.mono && Array.from(got.mono).join() === '1,-2,3,-4,32767,-32768',
		'WAV: RIFF chunks are walked by their sizes, odd ones padded (LIST before fmt)', got);
	const errs = [];
	const eight = Buffer.from(body);
	eight.writeUInt16LE(8, 34);
	for (const [what, b] of [['8-bit', eight], ['cut fmt', body.subarray(0, 30)], ['not RIFF', Buffer.from('RIFX' + 'x'.repeat(40))],
		['no data', body.subarray(0, 36)]]) {
		try {
			lib.parseWav(b);
			errs.push(what + ' accepted');
		} catch (e) { /* refused, as it should */ }
	}
	check(errs.length === 0, 'WAV: 8-bit, a cut fmt chunk, a non-RIFF file and a file without data are refused', errs);
}

// ---------------------------------------------------------------- xcorr

function xcorr(prompts) {
	if (!check(prompts.length >= 2, 'the build made the prompt WAVs (' + path.join(build, 'prompts/en') + ')'))
		return;
	const a = prompts.find((p) => /main\.welcome\.wav$/.test(p)) || prompts[0];
	const b = prompts.find((p) => /main\.menu\.wav$/.test(p)) || prompts[1];
	const pa = lib.readWav(a).mono, pb = lib.readWav(b).mono;
	// 15 s of faint noise, the prompt at a known sample, through mu-law
	const lag = 9876;
	const n = Math.max(15 * 8000, lag + pa.length + 8000);
	const sig = new Int16Array(n);
	let seed = 1;
	const rnd = () => {
		seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF;
		return seed / 0x7FFFFFFF - 0.5;
	};
	for (let i = 0; i < n; i++)
		sig[i] = Math.round(60 * rnd());
	for (let i = 0; i < pa.length; i++)
		sig[lag + i] += pa[i];
	const heard = lib.g711Decode(lib.CODECS.pcmu, lib.g711Encode(lib.CODECS.pcmu, sig));
	const t = Date.now();
	const best = lib.xcorrBest(heard, pa);
	const ms = Date.now() - t;
	check(best.lag === lag && best.corr > 0.95,
		'xcorr: ' + path.basename(a) + ' is found at its sample (' + lag + ') in 15 s of noisy mu-law audio, corr ' +
		best.corr.toFixed(4) + ' (' + ms + ' ms)', best);
	const other = lib.xcorrBest(heard, pb);
	check(other.corr < 0.5, 'xcorr: another prompt (' + path.basename(b) + ') is not found there, corr ' + other.corr.toFixed(3), other);
	const win = lib.xcorrBest(heard, pa, { minLag: lag + 400, maxLag: lag + 4000 });
	const direct = lib.xcorrBest(heard, pa, { minLag: lag - 50, maxLag: lag + 50 });
	check(win.corr < 0.8 && direct.lag === lag && Math.abs(direct.corr - best.corr) < 1e-6,
		'xcorr: a lag window is honoured, and the direct sum agrees with the FFT', { win, direct });
	return { a, b };
}

// ----------------------------------------------------------------- pcap

function pcapFiles() {
	const f = path.join(tmp, 'ev.pcap');
	const r = nodeSync('mkpcap.js', ['--out', f, '--rfc4733', '1#']);
	if (!check(r.status === 0 && r.json && r.json.digits === '1#', 'mkpcap --rfc4733 "1#" writes a pcap', r))
		return;
	const cap = lib.parsePcap(fs.readFileSync(f));
	const pk = cap.packets;
	check(cap.linktype === 1 && cap.version === '2.4' && !cap.nanos && cap.skipped === 0 && pk.length === r.json.packets,
		'pcap: libpcap 2.4, microseconds, link type 1 (Ethernet), every frame IPv4/UDP', { linktype: cap.linktype, n: pk.length });
	check(pk.every((p) => p.ip_ok && p.udp_ok && p.ip_len === 28 + p.payload.length && p.udp_len === 8 + p.payload.length &&
		p.caplen === p.len && p.caplen === 14 + p.ip_len),
	'pcap: IP and UDP lengths match each payload, the IP header and UDP checksums are right, nothing truncated');
	check(pk.every((p) => p.src === '10.0.0.1' && p.sport === 4000 && p.dst === '10.0.0.2' && p.dport === 5000),
		'pcap: 10.0.0.1:4000 -> 10.0.0.2:5000 (sipp replaces the ports and addresses)');
	const rtps = pk.map((p) => Object.assign(lib.parseRtp(p.payload) || {}, { t_ms: p.t_us / 1000 }));
	const audio = rtps.filter((p) => p.pt === 0), evs = rtps.filter((p) => p.pt === 101);
	const seqOk = rtps.every((p, i) => i === 0 || p.seq === ((rtps[i - 1].seq + 1) & 0xFFFF));
	const ssrcs = new Set(rtps.map((p) => p.ssrc));
	check(rtps.every((p) => p.version === 2) && seqOk && ssrcs.size === 1,
		'pcap: RTP version 2, one SSRC, sequence numbers +1 across audio and events');
	const audioT = audio.every((p, i) => i === 0 || (p.t_ms - audio[i - 1].t_ms === 20 && p.ts === ((audio[i - 1].ts + 160) >>> 0)));
	check(audioT && audio.every((p) => p.payload.length === 160 && p.payload.every((x) => x === 0xFF)) &&
		audio[0].marker && audio.slice(1).every((p) => !p.marker),
	'pcap: PCMU silence every 20 ms of pcap time, timestamps +160, M only on the first');
	const events = lib.collectEvents(evs, 101);
	const detail = events.map((e) => {
		const own = evs.filter((p) => p.ts === e.ts);
		const te = own.map((p) => lib.parseTelephoneEvent(p.payload));
		return {
			digit: e.digit,
			first_m: own[0].marker && own.slice(1).every((p) => !p.marker),
			durations: te.map((x) => x.duration).join(),
			ends: te.filter((x) => x.end).length,
			last3_end: te.slice(-3).every((x) => x.end) && te.slice(0, -3).every((x) => !x.end),
			spacing: own.slice(1).map((p, i) => p.t_ms - own[i].t_ms).join(),
			ts_on_grid: audio.some((a) => a.ts === e.ts && a.t_ms === own[0].t_ms),
		};
	});
	check(events.map((e) => e.digit).join('') === '1#', 'RFC 4733 in the pcap: events "1" then "#"', detail);
	check(detail.every((d) => d.first_m && d.ends === 3 && d.last3_end && d.durations === '160,400,800,800,800' &&
		d.spacing === '50,50,50,50' && d.ts_on_grid),
	'RFC 4733 in the pcap: per event M=1 on the first packet only, an update every 50 ms with a growing duration, the end (E, 800 = 100 ms) three times, one timestamp (the audio clock at its start)',
	detail);
	const gap = evs.length ? (events[1].first_ms - events[0].first_ms) : 0;
	check(gap === 300, 'RFC 4733 in the pcap: digits 300 ms apart (100 ms tone, 200 ms gap)', gap);

	const g = path.join(tmp, 'inband.pcap');
	const r2 = nodeSync('mkpcap.js', ['--out', g, '--inband', '123#', '--codec', 'pcma']);
	const c2 = r2.status === 0 ? lib.parsePcap(fs.readFileSync(g)) : { packets: [] };
	const rt2 = c2.packets.map((p) => lib.parseRtp(p.payload));
	const pcm = lib.concatSamples(rt2.map((p) => lib.g711Decode(lib.CODECS.pcma, p.payload)));
	const digits = lib.detectDtmfDigits(pcm);
	check(r2.status === 0 && rt2.every((p) => p.pt === 8) && digits === '123#',
		'mkpcap --inband "123#" --codec pcma: PCMA only, and the tones in it are 1 2 3 #', { digits, r: r2.json });

	const h = path.join(tmp, 'raw.pcap');
	const r3 = nodeSync('mkpcap.js', ['--out', h, '--rfc4733', '9', '--linktype', '101']);
	const c3 = r3.status === 0 ? lib.parsePcap(fs.readFileSync(h)) : null;
	check(c3 && c3.linktype === 101 && c3.packets.length === r3.json.packets && c3.packets.every((p) => p.ip_ok && p.udp_ok),
		'mkpcap --linktype 101 writes raw IPv4 frames that read back', c3 && c3.linktype);
	const r4 = nodeSync('mkpcap.js', ['--out', h, '--rfc4733', '1x']);
	check(r4.status === 2 && /digits/.test(r4.stderr), 'mkpcap refuses a digit that is not DTMF (status 2)', r4.stderr);
	return f;
}

// -------------------------------------------------------------- rtppeer

async function peers(prompt) {
	// B listens; A sends to B (--remote), then B answers to where A's
	// packets come from
	const b = await peer('b', ['--seconds', '4']);
	if (!check(b.port > 0, 'rtppeer binds 127.0.0.1 on a free even port and says so', stderrOf('b')))
		return;
	const a = await peer('a', ['--seconds', '3', '--remote', '127.0.0.1:' + b.port,
		'--send-rfc4733', '1@0.5,5#@1.0', '--send-inband', '7@2.4']);
	await Promise.all([peerDone(a, 6000), peerDone(b, 7000)]);
	check(a.exited && a.exited.code === 0 && b.exited && b.exited.code === 0 && a.summary && b.summary &&
		a.summary.ended_by === 'seconds', 'two rtppeers end by themselves after --seconds with status 0',
	{ a: a.exited, b: b.exited, sa: a.summary, err: stderrOf('a') + stderrOf('b') });
	const ca = capture('a'), cb = capture('b');
	if (!check(ca && cb, 'both write their capture'))
		return;
	check(b.summary.digits === '15#', 'the RFC 4733 digits A sent reach B in order: 1 5 #', b.summary);
	const evs = lib.collectEvents(packetsOf(cb), 101);
	check(evs.length === 3 && evs.every((e) => e.marker && e.ended && e.end_packets === 3 && e.duration === 800),
		'...each with its M=1 start, three end packets and a 100 ms duration', evs);
	check(cb.remote === '127.0.0.1:' + a.port && ca.remote === '127.0.0.1:' + b.port && ca.packets.length > 50 &&
		ca.packets.every((p) => p.src === '127.0.0.1:' + b.port),
	'symmetric RTP: B sends back to the port A sends from (A\'s own), and A hears it', { a: ca.remote, b: cb.remote, got: ca.packets.length });
	const r = nodeSync('rtpcheck.js', [path.join(tmp, 'b.json'), '--dump-wav', path.join(tmp, 'b-heard.wav')]);
	const j = r.json || {};
	check(r.status === 0 && j.seq_ok && j.ts_ok && j.ssrc_count === 1 && j.digits === '15#',
		'rtpcheck on B: sequence +1, audio timestamps +160, one SSRC, digits 15#', j);
	check(j.interval_ms && Math.abs(j.interval_ms.p50 - 20) < 2 && j.interval_ms.p99 < 35 && Math.abs(j.interval_ms.mean - 20) < 1,
		'rtppeer paces its audio: packets 20 ms apart (p50 ' + (j.interval_ms && j.interval_ms.p50) + ', p99 ' +
		(j.interval_ms && j.interval_ms.p99) + ')', j.interval_ms);
	let inband = '';
	try { inband = lib.detectDtmfDigits(lib.readWav(path.join(tmp, 'b-heard.wav')).mono); } catch (e) { inband = e.message; }
	check(inband === '7', 'the in-band digit A played is in the audio B heard: 7', inband);

	// PCMA, a WAV as the caller's voice, RTCP counted, junk recorded
	const c = await peer('c', ['--seconds', '20', '--pt', '8']);
	const sender = await peer('d', ['--seconds', '12', '--pt', '8', '--remote', '127.0.0.1:' + c.port,
		'--send-wav', prompt.a + '@0.4']);
	const junk = require('dgram').createSocket('udp4');
	await new Promise((res) => junk.bind(0, '127.0.0.1', res));
	junk.send(Buffer.from('not rtp at all'), c.port, '127.0.0.1');
	junk.send(Buffer.alloc(28, 0x80), c.port + 1, '127.0.0.1');
	junk.send(Buffer.alloc(28, 0x80), c.port + 1, '127.0.0.1');
	const len = lib.readWav(prompt.a).frames / 8000;
	await sleep((0.6 + len + 0.3) * 1000);
	const t0 = Date.now();
	c.proc.kill('SIGTERM');
	await peerDone(c, 3000);
	const took = Date.now() - t0;
	junk.close();
	sender.proc.kill('SIGTERM');
	await peerDone(sender, 3000);
	check(c.exited && c.exited.code === 0 && c.summary && c.summary.ended_by === 'SIGTERM' && took < 2000,
		'rtppeer ends on SIGTERM at once (' + took + ' ms), status 0, capture written', { exited: c.exited, s: c.summary });
	check(c.summary && c.summary.rtcp === 2 && c.summary.invalid === 1 && capture('c').invalid[0].error,
		'rtppeer counts RTCP on port+1 and records a non-RTP datagram as invalid, with why', c.summary);
	const r2 = nodeSync('rtpcheck.js', [path.join(tmp, 'c.json'), '--expect-prompt', prompt.a]);
	const j2 = r2.json || {};
	check(r2.status === 0 && j2.found && j2.corr > 0.95 && j2.codec === 'PCMA' && j2.offset_ms >= 300 && j2.offset_ms <= 500,
		'rtpcheck finds the prompt sent in PCMA by rtppeer --send-wav (corr ' + j2.corr + ' at ' + j2.offset_ms + ' ms)', j2);
	const r3 = nodeSync('rtpcheck.js', [path.join(tmp, 'c.json'), '--expect-sequence', prompt.b + ',' + prompt.a]);
	const r4 = nodeSync('rtpcheck.js', [path.join(tmp, 'c.json'), '--expect-sequence', prompt.a + ',' + prompt.a]);
	const r5 = nodeSync('rtpcheck.js', [path.join(tmp, 'c.json'), '--expect-sequence', prompt.a]);
	check(r3.status === 1 && r3.json && r3.json.in_order === false && r3.json.sequence[0].found === false &&
		r4.status === 1 && r4.json.sequence[1].found === false && r5.status === 0 && r5.json.in_order,
	'rtpcheck --expect-sequence: a missing prompt and a prompt heard once but expected twice fail (status 1); the one played passes',
	{ r3: r3.json && r3.json.sequence, r4: r4.json && r4.json.sequence });
	const r6 = nodeSync('rtpcheck.js', [path.join(tmp, 'nonexistent.json')]);
	check(r6.status === 2, 'rtpcheck: an unreadable capture is status 2', r6.stderr);

	const e = await peer('e', ['--seconds', '1']);
	const t1 = Date.now();
	await peerDone(e, 4000);
	check(e.exited && e.exited.code === 0 && Date.now() - t1 < 2500 && e.summary && e.summary.received === 0 &&
		e.summary.sent === 0, 'rtppeer with nobody to talk to ends after --seconds, having sent nothing', e.summary);
	const bad = nodeSync('rtppeer.js', ['--port', '1', '--out', path.join(tmp, 'x.json'), '--pt', '9']);
	check(bad.status === 2, 'rtppeer refuses --pt 9 (status 2)', bad.stderr);
}

// ----------------------------------------------------------------- sipp

function sippStart(args, name) {
	return start('timeout', ['30', 'sipp', ...args, '-nostdin', '-trace_err', '-error_file', path.join(tmp, name + '.err')],
		name, { cwd: path.join(tmp, 'sipp') });
}

async function sipp() {
	const have = spawnSync('sipp', ['-v'], { encoding: 'utf8', timeout: 5000 });
	if (!check(have.status !== null && /SIPp v/.test(have.stdout + have.stderr), 'sipp is installed (apt-get install sip-tester)'))
		return;
	note((have.stdout + have.stderr).trim().split('\n').find((l) => /SIPp v/.test(l)).trim());
	if (process.getuid && process.getuid() !== 0) {
		check(true, 'sipp plays a pcap into rtppeer # SKIP play_pcap_audio needs root or CAP_NET_RAW');
		return;
	}
	const dir = path.join(tmp, 'sipp');
	fs.mkdirSync(dir);
	fs.copyFileSync(path.join(here, 'uac_pcap.xml'), path.join(dir, 'uac_pcap.xml'));
	const mk = nodeSync('mkpcap.js', ['--out', path.join(dir, 'stream.pcap'), '--rfc4733', '1#5']);
	if (!check(mk.status === 0, 'mkpcap writes the pcap sipp will play ("1#5")', mk))
		return;
	const sent = lib.parsePcap(fs.readFileSync(path.join(dir, 'stream.pcap'))).packets;
	const rec = await peer('sippcap', ['--seconds', '25']);
	if (!check(rec.port > 0, 'rtppeer listens for sipp\'s RTP'))
		return;
	// the answering sipp, its SDP pointing at rtppeer
	// -mp: each sipp binds its media port and the one 2 above (video), so
	// the two are kept 4 apart
	let uas = null, sipPort = 0, uasMp = 0;
	for (let i = 0; i < 5 && !uas; i++) {
		sipPort = randomPort() + 1;
		uasMp = randomPort();
		const t = sippStart(['-sf', path.join(here, 'uas_media.xml'), '-i', '127.0.0.1', '-p', String(sipPort),
			'-mi', '127.0.0.1', '-mp', String(uasMp), '-key', 'rtp_port', String(rec.port), '-m', '1'], 'uas');
		// alive after half a second: it has bound its ports
		if (await within(t.exit, 500) === null)
			uas = t;
	}
	if (!check(uas !== null, 'sipp answers as the called party on 127.0.0.1:' + sipPort + ' (media to rtppeer)', stderrOf('uas')))
		return;
	const pauseMs = Math.ceil(sent[sent.length - 1].t_us / 1000) + 600;
	let uac = null, uacMp = 0;
	for (let i = 0; i < 3; i++) {
		do
			uacMp = randomPort();
		while (Math.abs(uacMp - uasMp) < 4);
		uac = sippStart(['-sf', path.join(dir, 'uac_pcap.xml'), '-i', '127.0.0.1', '-p', String(randomPort() + 1),
			'-mi', '127.0.0.1', '-mp', String(uacMp), '-m', '1', '-d', String(pauseMs), '-timeout', '20',
			'-s', '311', '127.0.0.1:' + sipPort], 'uac');
		await within(uac.exit, 25000);
		if (!(uac.exited && uac.exited.code === 255))	// 255: could not bind its ports
			break;
	}
	await within(uas.exit, 3000);
	check(uac.exited && uac.exited.code === 0, 'sipp calls, plays the pcap after the ACK, and hangs up (status 0)',
		{ exited: uac.exited, err: (() => { try { return fs.readFileSync(path.join(tmp, 'uac.err'), 'utf8').slice(-800); } catch (e) { return ''; } })() });
	rec.proc.kill('SIGTERM');
	await peerDone(rec, 3000);
	const cap = capture('sippcap');
	if (!check(cap && cap.packets.length > 0, 'rtppeer received sipp\'s RTP', rec.summary))
		return;
	const got = packetsOf(cap);
	check(rec.summary.digits === '1#5', 'the RFC 4733 digits sipp played arrive in order: 1 # 5', rec.summary);
	const same = got.length === sent.length && got.every((p, i) => p.payload.equals(lib.parseRtp(sent[i].payload).payload) &&
		p.seq === lib.parseRtp(sent[i].payload).seq && p.ts === lib.parseRtp(sent[i].payload).ts);
	check(same, 'sipp sends every packet of the pcap, in order, its RTP unchanged (' + got.length + ' of ' + sent.length + ')',
		{ got: got.length, sent: sent.length });
	check(got.every((p) => p.src === '127.0.0.1:' + uacMp) && cap.remote === '127.0.0.1:' + uacMp,
		'sipp sends from its -mp port (the [media_port] of its SDP), and rtppeer answers there', { src: got[0].src, remote: cap.remote });
	const span = got[got.length - 1].t_ms - got[0].t_ms;
	const want = (sent[sent.length - 1].t_us - sent[0].t_us) / 1000;
	const r = nodeSync('rtpcheck.js', [path.join(tmp, 'sippcap.json')]);
	const j = r.json || {};
	check(Math.abs(span - want) < 0.05 * want + 20 && j.interval_ms && Math.abs(j.interval_ms.p50 - 20) < 2 &&
		j.interval_ms.p99 < 40,
	'sipp paces the pcap by its timestamps: ' + span.toFixed(0) + ' ms for ' + want + ' ms of packets, audio every ' +
		(j.interval_ms && j.interval_ms.p50) + ' ms (p99 ' + (j.interval_ms && j.interval_ms.p99) + ')', j);
	const evs = lib.collectEvents(got, 101);
	const gaps = evs.slice(1).map((e, i) => e.first_ms - evs[i].first_ms);
	check(evs.length === 3 && gaps.every((g) => Math.abs(g - 300) < 40),
		'...and the digits arrive 300 ms apart, as written (' + gaps.map((g) => g.toFixed(0)).join(', ') + ')', evs);
}

async function main() {
	note('tools: ' + here);
	g711();
	rtp();
	dtmf();
	wav();
	const prompts = promptWavs();
	const prompt = xcorr(prompts);
	pcapFiles();
	if (prompt)
		await peers(prompt);
	await sipp();
}

run(main);
