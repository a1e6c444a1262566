// tests/voice/call_e2e.js -- the voice channel end to end: stoopd with a
// voice node on 127.0.0.1, sipp as the resident's phone (SIP, and SIP INFO
// keys), tests/voice/rtppeer.js as the phone's audio (RFC 4733 keys,
// in-band tones, a voice from a WAV; it captures every RTP packet stoopd
// sends), tests/voice/rtpcheck.js to find the prompts in what was heard.
//   1. status by RFC 4733 keys: the welcome is heard, a key during it
//      stops it and the menu (barge-in), the case is read back, "2" ends
//      the call, goodbye, stoopd hangs up; frames 20 ms apart, seq +1,
//      ts +160; the session log says where the call ended.
//   2. a report by SIP INFO keys with a recorded location: the recording is
//      a WAV holding what the phone said, attached to the new case.
// Then stoopd stops cleanly on SIGTERM.  TAP lines on stdout; every wait
// is bounded.  stoopd, sipp and rtppeer are started by tests/voice/e2elib.js,
// as for call_edges.js.
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { src, build, check, note, run } = require('../sms/harness.js');
const { voiceE2e, toolsInstalled } = require('./e2elib.js');
const rtplib = require('./rtplib.js');

const e2e = voiceE2e('stoop-voice-');
const { tmp, db, sqlite, log, rtppeer, call } = e2e;
const prompts = path.join(build, 'prompts', 'en');
let stoopd = null;

function stoopctl(args) {
	return spawnSync(path.join(build, 'gateway/stoopctl'), ['-d', db].concat(args),
		{ encoding: 'utf8', env: Object.assign({}, process.env, { STOOP_DATADIR: src }) });
}

function rtpcheck(capture, args) {
	const r = spawnSync('node', [path.join(src, 'tests/voice/rtpcheck.js'), capture].concat(args), { encoding: 'utf8' });
	try { return JSON.parse(r.stdout.trim().split('\n').pop()); } catch (e) { return { error: r.stdout + r.stderr }; }
}

const wav = (id) => path.join(prompts, id + '.wav');

// Where the first `seconds` of a prompt are in what the phone heard:
// {lag_ms, corr} (rtpcheck.js decodes the capture once, rtplib correlates).
function heardStart(capture, file, seconds) {
	const heard = capture + '.wav';
	if (!fs.existsSync(heard))
		rtpcheck(capture, ['--dump-wav', heard]);
	try {
		const w = rtplib.readWav(file).mono;
		const b = rtplib.xcorrBest(rtplib.readWav(heard).mono, w.slice(0, Math.min(w.length, Math.round(seconds * 8000))));
		return { lag_ms: b.lag / 8, corr: b.corr };
	} catch (e) {
		return { error: e.message };
	}
}

async function main() {
	if (!toolsInstalled())
		return;
	stoopd = await e2e.startStoopd();
	if (!check(stoopd !== null, 'stoopd starts with a voice node', log().slice(-2000)))
		return;
	check(/voice: SIP on 127.0.0.1 port \d+ from 1 peer, RTP ports \d+-\d+; \d+ prompts/.test(log()),
		'stoopd says where it takes calls and how many prompts it loaded', log().slice(-1000));

	// 1. status by RFC 4733 keys, barge-in, goodbye and hang-up by stoopd
	const filed = stoopctl(['new-case', 'streetlight', '8 Ash St', '--phone', '+15551230106']);
	check(/1000002/.test(filed.stdout + filed.stderr), 'a case to look up: 1000002', filed.stdout + filed.stderr);
	const p1 = await rtppeer('status', ['--seconds', '40', '--send-rfc4733', '2@5.0,1@6.5,0@6.8,0@7.1,0@7.4,0@7.7,0@8.0,2@8.3,2@14.0']);
	if (!check(p1 !== null, 'the phone\'s audio endpoint (rtppeer) is ready'))
		return;
	const rc1 = await call('status', '+15551230106', p1.port, '-', 45);
	check(rc1 === 0, 'call 1: sipp\'s call completes, stoopd hanging up with BYE (exit ' + rc1 + ')',
		(fs.existsSync(path.join(tmp, 'status.err')) ? fs.readFileSync(path.join(tmp, 'status.err'), 'utf8') : '') + log().slice(-1500));
	p1.proc.kill('SIGTERM');
	const s1 = await p1.done;
	check(s1 && s1.received > 100, 'stoopd sent audio to the phone (' + (s1 && s1.received) + ' packets)', s1);
	const w1 = heardStart(p1.out, wav('main.welcome'), 4);
	check(w1.corr > 0.9 && w1.lag_ms < 1000, 'the phone hears the welcome at once', w1);
	const c1 = rtpcheck(p1.out, ['--expect-sequence', [wav('lookup.enter_number'),
		wav('lookup.case'), wav('main.goodbye')].join(',')]);
	check(c1.in_order === true, 'then in order: "enter the number", the case read back, goodbye', c1);
	const m1 = rtpcheck(p1.out, ['--expect-prompt', wav('main.menu')]);
	check(m1.corr < 0.8 && heardStart(p1.out, wav('main.welcome'), 7.5).corr < 0.8,
		'the key pressed 5 s into the welcome cut it short, and the menu was never played (barge-in)', m1);
	check(c1.interval_ms && Math.abs(c1.interval_ms.p50 - 20) <= 1, 'frames arrive 20 ms apart (median)', c1.interval_ms);
	check(c1.seq_ok === true && c1.ts_ok === true && c1.ssrc_count === 1,
		'RTP rules: one SSRC, sequence +1 and timestamp +160 per frame', c1);
	check(sqlite("SELECT outcome || ' ' || last_position FROM session_log WHERE key = 'voice:+15551230106'") ===
		'completed main.goodbye', 'the session log says the call completed at the goodbye',
		sqlite('SELECT * FROM session_log'));

	// 2. a report by SIP INFO keys, the location recorded from the phone's voice
	const voice = wav('svc.graffiti');
	const p2 = await rtppeer('report', ['--seconds', '60', '--send-wav', voice + '@14.0']);
	// keys a second apart from 1.5 s: 1 report (during the welcome), 1
	// pothole; "where is it" (10 s) then the recording: the WAV at 14 s,
	// then 5 s of silence ends it; at 23.5 s 1 (send it), at 26.5 s 2 (no
	// text), at 29.5 s 2 (nothing else), each cutting its prompt short
	const keys = '11' + '.'.repeat(20) + '1..2..2';
	const rc2 = await call('report', '+15551230101', p2.port, keys, 60);
	p2.proc.kill('SIGTERM');
	await p2.done;
	check(rc2 === 0, 'call 2: a report by SIP INFO keys completes (exit ' + rc2 + ')', log().slice(-2000));
	const row = sqlite("SELECT id || '|' || service_code || '|' || channel || '|' || coalesce(recording, '') FROM cases WHERE phone = '+15551230101'");
	const [id2, svc2, ch2, rec2] = row.split('|');
	check(svc2 === 'pothole' && ch2 === 'voice' && rec2 && rec2.startsWith(path.join(tmp, 'rec')),
		'the case is filed: pothole, by voice, with the recording attached', row);
	if (rec2 && fs.existsSync(rec2)) {
		let info = {};
		try {
			const w = rtplib.readWav(rec2);
			info = { rate: w.rate, channels: w.channels, n: w.mono.length,
				corr: rtplib.xcorrBest(w.mono, rtplib.readWav(voice).mono).corr };
		} catch (e) {
			info = { error: e.message };
		}
		note('recording: ' + JSON.stringify(info));
		check(info.rate === 8000 && info.channels === 1, 'the recording is a WAV, 8 kHz mono', info);
		check(info.corr > 0.8, 'and holds what the phone said (correlation ' + info.corr + ')', info);
	} else {
		check(false, 'the recording file exists', rec2);
	}
	note('case ' + id2);

	// 3. a supervisor's announcement with a recording, turned on while
	// stoopd runs: played after the welcome; "1" follows its case
	const water = stoopctl(['new-case', 'water', 'Broad St and 5th']);
	const wid = ((water.stdout + water.stderr).match(/\b\d{7}\b/) || [''])[0];
	const ann = wav('svc.graffiti');
	const steps = [['text', 'en', 'We know about the water main break on Broad Street.'],
		['audio', 'en', ann], ['case', wid], ['on']];
	let annOk = wid !== '';
	for (const st of steps) {
		const r = stoopctl(['announcement', 'water_main'].concat(st));
		annOk = annOk && r.status === 0;
	}
	check(annOk, 'stoopctl turns on an announcement with a recording, for case ' + wid, sqlite('SELECT * FROM announcements'));
	const p3 = await rtppeer('announce', ['--seconds', '30']);
	// the welcome (7.5 s), the announcement, "1 for updates" at 11.5 s;
	// then 0 (an agent: none configured, the fallback) and 2 (the hours,
	// goodbye)
	const rc3 = await call('announce', '+15551230107', p3.port, '.'.repeat(10) + '1..0..2', 40);
	p3.proc.kill('SIGTERM');
	await p3.done;
	check(rc3 === 0, 'call 3: the call with the announcement completes (exit ' + rc3 + ')', log().slice(-2000));
	const a3 = heardStart(p3.out, ann, 10);
	check(a3.corr > 0.9 && Math.abs(a3.lag_ms - 7550) < 700,
		'the announcement\'s recording is played after the welcome', a3);
	check(sqlite("SELECT count(*) FROM case_followers WHERE case_id = " + Number(wid) + " AND phone = '+15551230107'") === '1',
		'"1" made the caller a follower of the announcement\'s case', sqlite('SELECT * FROM case_followers'));
	check(/svc\.graffiti\.wav: \d+ ms of audio, kept for every call/.test(log()),
		'stoopd read the recording once and keeps it for the next calls', log().slice(-1500));
	stoopctl(['announcement', 'water_main', 'off']);

	check(stoopd.exitCode === null, 'stoopd is still running');
	await e2e.stopStoopd(stoopd, 10000);
	check(stoopd.exitCode === 0, 'SIGTERM stops stoopd cleanly', log().slice(-1000));
	check(!/AddressSanitizer|runtime error/.test(log()), 'no sanitizer report in stoopd\'s log');
}

run(main);
