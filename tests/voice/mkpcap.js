#!/usr/bin/env node
// tests/voice/mkpcap.js -- writes the RTP a caller's phone would send, as a
// pcap for sipp's <exec play_pcap_audio="..."/> (sipp 3.6: Ethernet link
// type, its packets paced by the pcap's timestamps; it keeps the RTP as
// written and replaces only the UDP ports and the addresses).  One stream
// per file: one SSRC, 20 ms PCMU/PCMA frames, and either RFC 4733
// telephone-events for the digits (audio silence around them) or the
// digits' tones in the audio, or a WAV file as the caller's voice.
// The packets come from rtplib.planStream(), as rtppeer.js sends them.
//
//   node mkpcap.js --out F.pcap --rfc4733 "1#" [--pt 101] [--codec pcmu|pcma]
//   node mkpcap.js --out F.pcap --inband "123#" [--codec pcmu|pcma]
//   node mkpcap.js --out F.pcap --wav voice.wav [--codec pcmu|pcma]
// Timing (ms): --lead 500 (silence first), --tone (100 for events, 80
// in-band), --gap (200 for events, 80 in-band), --tail 500, --interval 50
// (event updates).  --suppress-audio: no audio during events.  --ssrc N,
// --seq N, --ts N (defaults fixed, so a file is reproducible), --src
// 10.0.0.1:4000, --dst 10.0.0.2:5000, --linktype 1|101.
// Prints one JSON line: {out, packets, audio, events, duration_ms, digits}.
'use strict';

const fs = require('fs');
const lib = require('./rtplib');

const USAGE = 'usage: node mkpcap.js --out FILE.pcap (--rfc4733 DIGITS [--pt 101] | --inband DIGITS | --wav FILE)\n' +
	'  [--codec pcmu|pcma] [--lead MS] [--tone MS] [--gap MS] [--tail MS] [--interval MS] [--suppress-audio]\n' +
	'  [--ssrc N] [--seq N] [--ts N] [--src IP:PORT] [--dst IP:PORT] [--linktype 1|101]';

function die(msg) {
	process.stderr.write('mkpcap: ' + msg + '\n' + USAGE + '\n');
	process.exit(2);
}

function intOpt(v, def, name, min = 0, max = 0xFFFFFFFF) {
	if (v === undefined)
		return def;
	const n = Number(v);
	if (!Number.isInteger(n) || n < min || n > max)
		die('--' + name + ' wants a whole number from ' + min + ' to ' + max);
	return n;
}

function hostPort(v, def, name) {
	const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(v || def);
	if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535)
		die('--' + name + ' wants IPv4:PORT');
	return { ip: m[1], port: Number(m[2]) };
}

function main() {
	let o;
	try {
		o = lib.parseArgs(process.argv.slice(2), ['out', 'rfc4733', 'inband', 'wav', 'pt', 'codec', 'lead', 'tone',
			'gap', 'tail', 'interval', 'ssrc', 'seq', 'ts', 'src', 'dst', 'linktype'], ['suppress-audio', 'help']);
	} catch (e) {
		die(e.message);
	}
	if (o.help) {
		process.stdout.write(USAGE + '\n');
		return;
	}
	if (!o.out)
		die('--out is required');
	const modes = ['rfc4733', 'inband', 'wav'].filter((m) => o[m] !== undefined);
	if (modes.length !== 1)
		die('give exactly one of --rfc4733, --inband, --wav');
	const mode = modes[0];
	let codec;
	try {
		codec = lib.codecByName(o.codec || 'pcmu');
	} catch (e) {
		die(e.message);
	}
	const digits = mode === 'wav' ? '' : String(o[mode]).toUpperCase();
	if (mode !== 'wav' && !/^[0-9*#A-D]+$/.test(digits))
		die('digits are 0-9 * # A-D');
	const events = mode === 'rfc4733';
	const lead = intOpt(o.lead, 500, 'lead', 0, 60000);
	const tone = intOpt(o.tone, events ? 100 : 80, 'tone', 20, 10000);
	const gap = intOpt(o.gap, events ? 200 : 80, 'gap', 0, 60000);
	const tail = intOpt(o.tail, 500, 'tail', 0, 60000);
	const interval = intOpt(o.interval, 50, 'interval', 10, 1000);
	const linktype = intOpt(o.linktype, 1, 'linktype', 1, 101);
	if (linktype !== 1 && linktype !== 101)
		die('--linktype is 1 (Ethernet) or 101 (raw IPv4)');
	const src = hostPort(o.src, '10.0.0.1:4000', 'src');
	const dst = hostPort(o.dst, '10.0.0.2:5000', 'dst');

	let audio = null;
	let body;
	if (mode === 'wav') {
		let w;
		try {
			w = lib.readWav(o.wav);
		} catch (e) {
			die(o.wav + ': ' + e.message);
		}
		if (w.rate !== 8000)
			die(o.wav + ': ' + w.rate + ' Hz; the voice channel is 8000 Hz (sox IN -r 8000 OUT)');
		audio = new Int16Array(Math.round(lead * 8) + w.mono.length);
		audio.set(w.mono, Math.round(lead * 8));
		body = w.mono.length / 8;
	} else {
		body = digits.length * (tone + gap);
	}
	const schedule = [];
	for (let i = 0; i < digits.length; i++)
		schedule.push({ digit: digits[i], at_ms: lead + i * (tone + gap), tone_ms: tone });

	const plan = lib.planStream({
		codec,
		eventPt: intOpt(o.pt, 101, 'pt', 96, 127),
		ssrc: intOpt(o.ssrc, 0x53544f50, 'ssrc'),	// "STOP"
		seq: intOpt(o.seq, 1000, 'seq', 0, 65535),
		ts: intOpt(o.ts, 16000, 'ts'),
		durationMs: Math.ceil((lead + body + tail) / 20) * 20,
		audio,
		inband: mode === 'inband' ? schedule : [],
		events: events ? schedule : [],
		eventIntervalMs: interval,
		suppressAudio: !!o['suppress-audio'],
	});
	const pcap = lib.buildPcap(plan.map((p) => ({
		t_us: p.t_ms * 1000, src: src.ip, sport: src.port, dst: dst.ip, dport: dst.port, payload: p.rtp,
	})), { linktype });
	fs.writeFileSync(o.out, pcap);
	process.stdout.write(JSON.stringify({
		out: o.out,
		packets: plan.length,
		audio: plan.filter((p) => p.kind === 'audio').length,
		events: plan.filter((p) => p.kind === 'event').length,
		duration_ms: plan.length ? plan[plan.length - 1].t_ms : 0,
		digits,
		mode,
		codec: codec.name,
		linktype,
	}) + '\n');
}

main();
