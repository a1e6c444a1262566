#!/usr/bin/env node
// tests/sms/smpp_e2e.js -- stoopd's SMS channel end to end against the test
// SMSC (tests/sms/smsc/smsc.js, the npm smpp package): stoopd binds as an
// ESME, the SMSC delivers residents' texts and records every submit_sm
// stoopd sends back.  Prints TAP lines; every wait is bounded.
//
//   STOOP_SRCDIR=... STOOP_BUILDDIR=... node tests/sms/smpp_e2e.js
//
// Each check asserts what a resident (or the SMSC) would see: the replies'
// text, their encoding and parts, acknowledgements, silence after STOP.
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { src, build, children, tmpdir, check, note, sleep, Smsc, run } = require('./harness');

const tmp = tmpdir('stoop-smpp-');

// The catalog text of a prompt, as stoopd sends it (accents folded).
function catalog(lang, id) {
	const lines = fs.readFileSync(path.join(src, 'prompts', lang, 'catalog'), 'utf8').split('\n');
	let base = null;
	for (const l of lines) {
		const m = /^([a-z0-9_.]+(@sms|@voice)?)\s*=\s*(.*)$/.exec(l);
		if (!m) continue;
		if (m[1] === id + '@sms') return m[3].replace(/\\n/g, '\n');
		if (m[1] === id) base = m[3].replace(/\\n/g, '\n');
	}
	return base;
}

// ---------------------------------------------------------------- stoopd

function startStoopd(port, name, extra) {
	const vtyPort = 40000 + Math.floor(Math.random() * 20000);
	const cfg = path.join(tmp, name + '.cfg');
	fs.writeFileSync(cfg, [
		'log stderr',
		' logging filter all 1',
		' logging color 0',
		' logging timestamp 0',
		' logging level set-all notice',
		'line vty',
		' bind 127.0.0.1 ' + vtyPort,
		'stoop',
		' flows-dir ' + path.join(src, 'flows'),
		' prompts-dir ' + path.join(src, 'prompts'),
		' session-expiry ' + ((extra && extra.expiry) || '30m'),
		'store',
		' database ' + path.join(tmp, name + '.db'),
		' synchronous normal',
		'sms',
		' dedup-window 5s',
		' rate-limit 20',
		' parts-timeout 3s',
		' fold-accents',
		'smsc test',
		' remote-ip 127.0.0.1',
		' remote-port ' + port,
		' system-id stoop',
		' password ' + ((extra && extra.password) || 'secret'),
		' source-addr 311 ton 3 npi 0',
		' window 10',
		' mps ' + ((extra && extra.mps) || 0),
		' enquire-link 30s',
		' response-timeout 5s',
		' reconnect 1s 2s',
		'',
	].join('\n'));
	const log = fs.openSync(path.join(tmp, name + '.log'), 'a');
	const p = spawn(path.join(build, 'gateway/stoopd'), ['-c', cfg], { stdio: ['ignore', log, log] });
	children.push(p);
	return p;
}

function stoopdLog(name) {
	try { return fs.readFileSync(path.join(tmp, name + '.log'), 'utf8'); } catch (e) { return ''; }
}

// All submits to `to` after mark, joined per message (parts by UDH ref).
function replies(smsc, mark, to) {
	const subs = smsc.since(mark, (e) => e.ev === 'submit' && e.to === to);
	const out = [];
	const parts = new Map();
	for (const s of subs) {
		const u = s.udh ? Buffer.from(s.udh, 'hex') : null;
		if (u && u.length >= 6 && u[1] === 0x00) {
			const ref = u[3], total = u[4], seq = u[5];
			if (!parts.has(ref)) parts.set(ref, { total, got: new Map(), subs: [] });
			const p = parts.get(ref);
			p.got.set(seq, s.text);
			p.subs.push(s);
			if (p.got.size === total) {
				out.push({ text: [...Array(total).keys()].map((i) => p.got.get(i + 1)).join(''), parts: p.subs });
				parts.delete(ref);
			}
		} else {
			out.push({ text: s.text, parts: [s] });
		}
	}
	return out;
}

async function expectReply(smsc, mark, to, what, pred, ms = 5000) {
	const t0 = Date.now();
	while (Date.now() - t0 < ms) {
		const r = replies(smsc, mark, to);
		if (r.length && (!pred || r.some(pred)))
			return check(true, what) && r;
		await smsc.wait((e) => e.ev === 'submit' && e.to === to, 300, smsc.mark());
	}
	check(false, what, replies(smsc, mark, to));
	return null;
}

async function main() {
	const smsc = new Smsc();
	const listening = await smsc.wait((e) => e.ev === 'listening', 10000);
	if (!check(listening !== null, 'the test SMSC listens on 127.0.0.1'))
		return;
	const port = listening.port;

	// a wrong password: refused, stoopd keeps running and retries
	let m = smsc.mark();
	const bad = startStoopd(port, 'badpw', { password: 'wrong' });
	const refused = await smsc.wait((e) => e.ev === 'bind' && e.ok === false, 10000, m);
	check(refused !== null, 'a bind with a wrong password is refused by the SMSC');
	const again = await smsc.wait((e) => e.ev === 'bind' && e.ok === false, 6000, smsc.events.indexOf(refused) + 1);
	check(again !== null && bad.exitCode === null, 'stoopd keeps running and binds again after a back-off');
	check(/bind refused by the SMSC.*wrong password/.test(stoopdLog('badpw')), 'stoopd logs why the bind failed');
	bad.kill('SIGTERM');
	await smsc.wait((e) => e.ev === 'closed', 3000, smsc.mark());

	m = smsc.mark();
	const sd = startStoopd(port, 'main');
	const bound = await smsc.wait((e) => e.ev === 'bind' && e.ok === true, 10000, m);
	if (!check(bound !== null, 'stoopd binds as a transceiver with system_id stoop')) {
		console.log('  ' + stoopdLog('main').split('\n').slice(-15).join('\n  '));
		return;
	}

	const A = '+15551230001';
	// a first text gets the welcome and the main menu, in one SMS
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: A, text: 'hello', id: 'a1' });
	const ack = await smsc.wait((e) => e.ev === 'deliver_resp' && e.id === 'a1', 5000, m);
	check(ack && ack.status === 0, 'the text is acknowledged with ESME_ROK', ack);
	let r = await expectReply(smsc, m, A, 'a first text gets the welcome and the numbered main menu',
		(x) => x.text.startsWith(catalog('en', 'main.welcome')) && /\n1 Report a problem/.test(x.text));
	if (r) {
		check(r[0].parts.length === 1 && r[0].parts[0].data_coding === 0, 'the menu is one GSM 03.38 SMS', r[0].parts);
		check(r[0].parts[0].from === '311', 'replies come from the configured source address 311', r[0].parts[0].from);
	}

	// HELP: always answered, the flow untouched
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: A, text: ' help ', id: 'a2' });
	await expectReply(smsc, m, A, 'HELP (any case, blanks around) is answered with the help text',
		(x) => x.text === catalog('en', 'sms.help'));

	// the conversation goes on where it was: 1 -> the service menu
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: A, text: 'report', id: 'a3' });
	await expectReply(smsc, m, A, 'the conversation continues at the menu it was at', (x) => /\n1 Pothole/.test(x.text));

	// a long location: the read-back reply is long and goes in parts
	const street = 'Corner of Martin Luther King Junior Boulevard and East Fifty-Seventh Street, by the bus shelter '
		+ 'opposite the public library branch, near the blue mailbox and the fire hydrant that leaks';
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: A, text: 'pothole', id: 'a4' });
	await expectReply(smsc, m, A, 'choosing Pothole asks where', (x) => x.text === catalog('en', 'report.where_sms'));
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: A, text: street, id: 'a5' });
	await expectReply(smsc, m, A, 'a location of ' + street.length + ' characters is taken', (x) => x.text.length > 0);
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: A, text: 'skip', id: 'a6' });
	r = await expectReply(smsc, m, A, 'the read-back of a long location arrives whole, in several parts',
		(x) => x.text.includes(street) && x.parts.length >= 2);
	if (r) {
		const long = r.find((x) => x.text.includes(street));
		const refs = new Set(long.parts.map((p) => p.udh.slice(6, 8)));
		check(long.parts.every((p) => p.esm_class & 0x40) && refs.size === 1,
			'every part has a concatenation header with one reference', long.parts.map((p) => p.udh));
		check(long.parts.every((p) => Buffer.from(p.hex, 'hex').length - 6 <= 153),
			'each part carries at most 153 septets', long.parts.map((p) => p.hex.length / 2));
	}
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: A, text: 'yes', id: 'a7' });
	r = await expectReply(smsc, m, A, 'YES answers the flow\'s question (it is not an opt-in for a subscribed number)',
		(x) => /case number is \d{7}/.test(x.text));

	// STOP: one confirmation, then silence; HELP still answered; START
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: A, text: 'STOP', id: 'a8' });
	await expectReply(smsc, m, A, 'STOP gets one confirmation', (x) => x.text === catalog('en', 'sms.optout'));
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: A, text: 'hello again', id: 'a9' });
	smsc.send({ cmd: 'deliver', from: A, text: 'STOP', id: 'a10' });
	await smsc.wait((e) => e.ev === 'deliver_resp' && e.id === 'a10', 5000, m);
	await sleep(1500);
	check(replies(smsc, m, A).length === 0, 'after STOP nothing is sent: no reply to a text, none to a second STOP',
		replies(smsc, m, A));
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: A, text: 'Help', id: 'a11' });
	await expectReply(smsc, m, A, 'HELP is answered even when opted out', (x) => x.text === catalog('en', 'sms.help'));
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: A, text: 'start', id: 'a12' });
	await expectReply(smsc, m, A, 'START opts in again with a confirmation', (x) => x.text === catalog('en', 'sms.optin'));

	// Spanish, remembered by number
	const B = '+15551230002';
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: B, text: 'ESPAÑOL', coding: 'ucs2', id: 'b1' });
	await expectReply(smsc, m, B, 'ESPAÑOL (in UCS-2, with its tilde) switches to Spanish', (x) => /Elija|Reporte|reporte/.test(x.text));

	// Unicode in, Unicode out
	const C = '+15551230003';
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: C, text: 'POTHOLE Calle Peñón 🌊 12', coding: 'ucs2', id: 'c1' });
	await expectReply(smsc, m, C, 'a UCS-2 text with an emoji is understood (POTHOLE keyword with its location)',
		(x) => /SKIP/.test(x.text));
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: C, text: 'skip', id: 'c2' });
	r = await expectReply(smsc, m, C, 'the read-back echoes the location with its ñ, ó and emoji',
		(x) => x.text.includes("Peñón 🌊 12"));
	if (r) {
		const echo = r.find((x) => x.text.includes('🌊'));
		check(echo.parts.every((p) => p.data_coding === 8), 'a reply echoing an emoji goes as UCS-2', echo.parts);
	}

	// a 3-part text arriving out of order is joined (parts need not be
	// full: the joining is what is tested); a missing part times out
	const D = '+15551230004';
	const chunks = ['POTHOLE 1200 Lakeshore Drive, in front of ', 'the laundromat, where the bus stops ', 'and the bike lane begins'];
	m = smsc.mark();
	for (const seq of [2, 3, 1])
		smsc.send({ cmd: 'deliver', from: D, text: chunks[seq - 1], udh: '050003' + '2a03' + '0' + seq, id: 'd' + seq });
	r = await expectReply(smsc, m, D, 'three parts sent out of order (2, 3, 1) are answered once, as one text',
		(x) => /SKIP/.test(x.text));
	const acks = smsc.since(m, (e) => e.ev === 'deliver_resp' && /^d\d$/.test(e.id));
	check(acks.length === 3 && acks.every((a) => a.status === 0), 'each part is acknowledged', acks);
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: D, text: 'skip', id: 'd4' });
	await expectReply(smsc, m, D, 'the read-back shows the location joined in order',
		(x) => x.text.includes('1200 Lakeshore Drive, in front of the laundromat, where the bus stops and the bike lane begins'));

	const E = '+15551230005';
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: E, text: 'POTHOLE 77 Elm Street by the ', udh: '0500037703' + '01', id: 'e1' });
	smsc.send({ cmd: 'deliver', from: E, text: 'school gate', udh: '0500037703' + '03', id: 'e3' });
	await sleep(1000);
	check(replies(smsc, m, E).length === 0, 'two of three parts: no answer yet, waiting for the missing one');
	r = await expectReply(smsc, m, E, 'after the parts timeout the parts that came are answered',
		(x) => /SKIP/.test(x.text), 8000);
	check(/long text ref 119: 2 of 3 parts came/.test(stoopdLog('main')), 'a log line says a part never came');
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: E, text: 'skip', id: 'e4' });
	await expectReply(smsc, m, E, 'and the text is what the two parts said',
		(x) => x.text.includes('77 Elm Street by the school gate'));

	// duplicates within the window are answered once
	const F = '+15551230006';
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: F, text: 'menu', id: 'f1' });
	smsc.send({ cmd: 'deliver', from: F, text: 'menu', id: 'f2' });
	await smsc.wait((e) => e.ev === 'deliver_resp' && e.id === 'f2', 5000, m);
	await sleep(1500);
	check(replies(smsc, m, F).length === 1, 'the same text twice within the dedup window is answered once',
		replies(smsc, m, F));

	// a user_message_reference identifies a retransmission only with its
	// text: handsets reuse references, a new text must not be dropped
	const U = '+15551230015';
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: U, text: 'menu', umr: 7, id: 'u1' });
	await expectReply(smsc, m, U, 'a text with user_message_reference 7 is answered', (x) => /\n1 Report a problem/.test(x.text));
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: U, text: 'menu', umr: 7, id: 'u2' });
	await smsc.wait((e) => e.ev === 'deliver_resp' && e.id === 'u2', 5000, m);
	await sleep(1200);
	check(replies(smsc, m, U).length === 0, 'the same text with the same reference again is acknowledged, not answered again');
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: U, text: 'help', umr: 7, id: 'u3' });
	await expectReply(smsc, m, U, 'a different text that reuses reference 7 is answered', (x) => x.text === catalog('en', 'sms.help'));

	// bad input: an unknown data_coding gets an error response, nothing else
	const G = '+15551230007';
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: G, text: 'hello', data_coding: 0x05, id: 'g1' });
	const gack = await smsc.wait((e) => e.ev === 'deliver_resp' && e.id === 'g1', 5000, m);
	check(gack && gack.status === 0x65, 'an unknown data_coding gets ESME_RX_P_APPN (0x65)', gack);
	check(/deliver_sm from .* refused: unsupported data_coding 0x05/.test(stoopdLog('main')), 'and a log line naming the data_coding');
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: G, coding: 'raw', hex: 'd8', data_coding: 8, id: 'g3' });
	const g3 = await smsc.wait((e) => e.ev === 'deliver_resp' && e.id === 'g3', 5000, m);
	check(g3 && g3.status === 0x65, 'an odd-length UCS-2 text is refused, not crashed on', g3);

	// a malformed PDU: the link is reset and bound again, nothing lost
	m = smsc.mark();
	smsc.send({ cmd: 'malformed', kind: 'bad_length' });
	const rebound = await smsc.wait((e) => e.ev === 'bind' && e.ok === true, 8000, m);
	check(rebound !== null && sd.exitCode === null, 'after a malformed PDU stoopd reconnects and binds again',
		smsc.since(m, () => true).slice(0, 12));
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: G, text: 'menu', id: 'g4' });
	await expectReply(smsc, m, G, 'and answers texts again', (x) => /\n1 Report a problem/.test(x.text));

	// throttling: the reply is retried after ESME_RTHROTTLED
	const H = '+15551230008';
	smsc.send({ cmd: 'throttle', on: true });
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: H, text: 'menu', id: 'h1' });
	const thr = await smsc.wait((e) => e.ev === 'submit' && e.to === H, 5000, m);
	check(thr && thr.status === 0x58, 'a submit while throttled gets ESME_RTHROTTLED', thr);
	smsc.send({ cmd: 'throttle', on: false });
	const ok = await smsc.wait((e) => e.ev === 'submit' && e.to === H && e.status === 0, 15000, m);
	check(ok !== null, 'the reply is sent again after the back-off and accepted', smsc.since(m, (e) => e.to === H));

	// a status change reaches each follower once by text, in its language,
	// and not the follower who opted out
	const P = ['+15551230010', '+15551230011', '+15551230012'];
	let caseId = null;
	for (const [i, who] of P.entries()) {
		m = smsc.mark();
		smsc.send({ cmd: 'deliver', from: who, text: (i === 1 ? 'BACHE' : 'POTHOLE') + ' 40 Pine St', id: 'p' + i + 'a' });
		await expectReply(smsc, m, who, 'follower ' + (i + 1) + ': a pothole at 40 Pine St', (x) => /SKIP|OMITIR/i.test(x.text));
		m = smsc.mark();
		smsc.send({ cmd: 'deliver', from: who, text: i === 1 ? 'omitir' : 'skip', id: 'p' + i + 'b' });
		await expectReply(smsc, m, who, 'follower ' + (i + 1) + ': read back', (x) => /Pine/.test(x.text));
		m = smsc.mark();
		smsc.send({ cmd: 'deliver', from: who, text: i === 1 ? 'si' : 'yes', id: 'p' + i + 'c' });
		r = await expectReply(smsc, m, who, 'follower ' + (i + 1) + ': filed or joined, with the case number',
			(x) => /\d{7}/.test(x.text));
		const id = r && /(\d{7})/.exec(r[r.length - 1].text)[1];
		if (i === 0) caseId = id;
		else check(id === caseId, 'follower ' + (i + 1) + ' joined the same case', [id, caseId]);
	}
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: P[2], text: 'STOP', id: 'p2stop' });
	await expectReply(smsc, m, P[2], 'the third follower opts out', (x) => x.text === catalog('en', 'sms.optout'));
	m = smsc.mark();
	const ctl = require('child_process').spawnSync(path.join(build, 'gateway/stoopctl'),
		['-d', path.join(tmp, 'main.db'), 'set-status', String(caseId), 'in-progress', 'crew', 'sent'],
		{ env: Object.assign({}, process.env, { STOOP_DATADIR: src }), encoding: 'utf8', timeout: 20000 });
	check(ctl.status === 0 && /2 follower text\(s\) queued/.test(ctl.stdout), 'stoopctl set-status queues a text for the two followers still subscribed',
		[ctl.status, ctl.stdout, ctl.stderr]);
	await sleep(3000);
	const upd = (who) => replies(smsc, m, who).map((x) => x.text);
	check(upd(P[0]).length === 1 && upd(P[0])[0] === 'City 311 update: Case ' + caseId
		+ ' is in progress. A crew is working on it. Reply STOP to stop updates.',
	'stoopd sends the queued update: exactly one text to the reporter', upd(P[0]));
	check(upd(P[1]).length === 1 && upd(P[1])[0].startsWith('311 de la Ciudad, novedad: El caso ' + caseId + ' esta en proceso.'),
		'exactly one, in Spanish, to the follower who reported in Spanish', upd(P[1]));
	check(upd(P[2]).length === 0, 'nothing to the follower who opted out', upd(P[2]));

	// rate limit: 20 a minute, then one refusal, then silence
	const R = '+15551230009';
	m = smsc.mark();
	for (let i = 0; i < 24; i++)
		smsc.send({ cmd: 'deliver', from: R, text: 'menu ' + i, id: 'r' + i });
	await smsc.wait((e) => e.ev === 'deliver_resp' && e.id === 'r23', 10000, m);
	await sleep(2000);
	const rr = replies(smsc, m, R);
	const slow = rr.filter((x) => x.text === catalog('en', 'sms.slow_down'));
	check(slow.length === 1 && rr.length === 21, 'over 20 texts a minute: 20 answers, one polite refusal, then silence',
		rr.map((x) => x.text.slice(0, 30)));

	// delivery receipts mark the replies delivered in the store
	const K = '+15551230013';
	smsc.send({ cmd: 'receipts', on: true });
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: K, text: 'menu', id: 'k1' });
	await expectReply(smsc, m, K, 'a reply while the SMSC sends receipts', (x) => /\n1 Report a problem/.test(x.text));
	const rcpt = await smsc.wait((e) => e.ev === 'deliver_resp' && /^receipt:/.test(e.id || ''), 5000, m);
	check(rcpt && rcpt.status === 0, 'the delivery receipt is acknowledged', rcpt);
	await sleep(500);
	const q = require('child_process').spawnSync('sqlite3', [path.join(tmp, 'main.db'),
		"SELECT state FROM sms_out WHERE msisdn = '" + K + "'"], { encoding: 'utf8', timeout: 10000 });
	check(q.stdout.trim() === 'delivered', 'the store marks that reply delivered', q.stdout + q.stderr);
	smsc.send({ cmd: 'receipts', on: false });

	// an unknown command from the SMSC gets generic_nack, the link stays up
	m = smsc.mark();
	smsc.send({ cmd: 'malformed', kind: 'unknown_command' });
	const nack = await smsc.wait((e) => e.ev === 'generic_nack' && e.dir === 'in', 5000, m);
	check(nack && nack.status === 3, 'an unknown command gets generic_nack ESME_RINVCMDID', nack);
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: K, text: 'help', id: 'k2' });
	await expectReply(smsc, m, K, 'and the same link answers the next text', (x) => x.text === catalog('en', 'sms.help'));

	check(sd.exitCode === null, 'stoopd is still running after all of it');
	const leaks = /AddressSanitizer|runtime error/.test(stoopdLog('main'));
	check(!leaks, 'no sanitizer report in stoopd\'s log');

	// an idle conversation ends with a polite text; the next text starts afresh
	sd.kill('SIGTERM');
	await smsc.wait((e) => e.ev === 'closed', 5000, smsc.mark());
	m = smsc.mark();
	const ex = startStoopd(port, 'expiry', { expiry: '2s' });
	await smsc.wait((e) => e.ev === 'bind' && e.ok === true, 10000, m);
	const X = '+15551230014';
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: X, text: 'report', id: 'x1' });
	await expectReply(smsc, m, X, 'a conversation starts (expiry configured at 2 s)', (x) => /\n1 Pothole/.test(x.text));
	m = smsc.mark();
	await expectReply(smsc, m, X, 'left idle, it ends with one polite text', (x) => x.text === catalog('en', 'sms.expired'), 8000);
	m = smsc.mark();
	smsc.send({ cmd: 'deliver', from: X, text: 'hello', id: 'x2' });
	await expectReply(smsc, m, X, 'the next text starts at the main menu again',
		(x) => x.text.startsWith(catalog('en', 'main.welcome')));
	ex.kill('SIGTERM');
	await smsc.wait((e) => e.ev === 'closed', 5000, smsc.mark());

	// mps: submits never go faster than the configured budget (a bucket of
	// one second's worth, refilled as time passes); nothing is dropped
	const MPS = 10, N = 30;
	m = smsc.mark();
	const th = startStoopd(port, 'mps', { mps: MPS });
	await smsc.wait((e) => e.ev === 'bind' && e.ok === true, 10000, m);
	smsc.send({ cmd: 'timestamps', on: true });
	m = smsc.mark();
	for (let i = 0; i < N; i++)
		smsc.send({ cmd: 'deliver', from: '+1555124' + String(i).padStart(4, '0'), text: 'hello', id: 'mps' + i });
	const all = await smsc.until(() => smsc.since(m, (e) => e.ev === 'submit').length >= N, 20000);
	const subs = smsc.since(m, (e) => e.ev === 'submit');
	check(all && new Set(subs.map((e) => e.to)).size === N, `mps ${MPS}: all ${N} texts are answered`, subs.length);
	let worst = 0;
	for (let i = 0; i < subs.length; i++) {
		let k = i;
		while (k < subs.length && subs[k].t - subs[i].t < 1000) k++;
		worst = Math.max(worst, k - i);
	}
	check(worst <= 2 * MPS, `mps ${MPS}: at most ${2 * MPS} submits in any one second (the bucket and its refill)`, worst);
	const span = subs.length ? (subs[subs.length - 1].t - subs[0].t) / 1000 : 0;
	check(span >= 0.8 * (subs.length - MPS) / MPS,
		`mps ${MPS}: ${subs.length} submits take at least ${(0.8 * (subs.length - MPS) / MPS).toFixed(1)} s`, span);
	note(`mps ${MPS}: ${subs.length} submits in ${span.toFixed(2)} s, at most ${worst} in one second`);
	smsc.send({ cmd: 'timestamps', on: false });
	th.kill('SIGTERM');
}

run(main);
