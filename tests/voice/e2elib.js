// tests/voice/e2elib.js -- what the voice channel's end-to-end tests
// (call_e2e.js, call_edges.js) share: a temporary directory with stoopd's
// database, log and the installed prompts layout; stoopd started with a
// voice node on 127.0.0.1 at random ports (again on others when they are
// taken) and stopped; rtppeer.js as a phone's audio; sipp placing a call;
// the test database through sqlite3.  Every wait is bounded.  TAP output,
// the children's clean-up and the paths of the two trees are
// tests/sms/harness.js's; what each test checks stays in the test.
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { src, build, children, tmpdir, check, note, sleep } = require('../sms/harness.js');

const here = path.join(src, 'tests/voice');
const rand = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo));

// One test's stoopd and its files in a new temporary directory named
// prefix...; e.sipPort and e.vtyPort are set by e.startStoopd().
function voiceE2e(prefix) {
	const tmp = tmpdir(prefix);
	const db = path.join(tmp, 'stoop.db');
	const e = { tmp, db, here, rand, sipPort: 0, vtyPort: 0 };

	e.sqlite = (sql) => {
		const r = spawnSync('sqlite3', ['-cmd', '.timeout 3000', db, sql], { encoding: 'utf8', timeout: 10000 });
		return (r.stdout || '').trim();
	};

	e.fileText = (name) => {
		try { return fs.readFileSync(path.join(tmp, name), 'utf8'); } catch (err) { return ''; }
	};

	e.log = () => e.fileText('stoopd.log');

	// The installed layout in tmp: each language's catalog (source tree)
	// and WAVs (made in the build tree) side by side.
	e.promptsDir = () => {
		const dir = path.join(tmp, 'prompts');
		for (const lang of fs.readdirSync(path.join(src, 'prompts'))) {
			const cat = path.join(src, 'prompts', lang, 'catalog');
			if (!fs.existsSync(cat))
				continue;
			fs.mkdirSync(path.join(dir, lang), { recursive: true });
			fs.symlinkSync(cat, path.join(dir, lang, 'catalog'));
			for (const f of fs.readdirSync(path.join(build, 'prompts', lang)))
				if (f.endsWith('.wav'))
					fs.symlinkSync(path.join(build, 'prompts', lang, f), path.join(dir, lang, f));
		}
		return dir;
	};

	// stoopd with a voice node (peer 127.0.0.1, route 311 main, in-band
	// DTMF); opts.logging and opts.voice: more lines for those nodes,
	// opts.console: the VTY without login (for show calls), opts.waitMs:
	// how long it may take to say it started.  The process, or null.
	e.startStoopd = async (opts = {}) => {
		const pdir = e.promptsDir();
		for (let attempt = 0; attempt < 5; attempt++) {
			e.sipPort = rand(20000, 30000);
			e.vtyPort = opts.console ? rand(60000, 65000) : rand(50000, 60000);
			// above the ephemeral ports (32768-60999) and stoopd's
			// default range, which other stoopds on this host may fill
			const rtpMin = rand(61000, 64000) & ~1;
			fs.writeFileSync(path.join(tmp, 'stoop.cfg'), [
				'log stderr',
				' logging filter all 1',
				' logging color 0',
				' logging timestamp 0',
				' logging print category 1',
				' logging level set-all notice',
				' logging level rtp info',
			].concat((opts.logging || []).map((l) => ' ' + l), [
				'line vty',
			], opts.console ? [' no login'] : [], [
				' bind 127.0.0.1 ' + e.vtyPort,
				'stoop',
				' flows-dir ' + path.join(src, 'flows'),
				' prompts-dir ' + pdir,
				' recordings-dir ' + path.join(tmp, 'rec'),
				'store',
				' database ' + db,
				' synchronous normal',
				'voice',
				' local-ip 127.0.0.1',
				' local-port ' + e.sipPort,
				' rtp-ports ' + rtpMin + ' ' + (rtpMin + 400),
				' peer 127.0.0.1',
				' max-calls 20',
				' route 311 main',
				' inband-dtmf',
			], (opts.voice || []).map((l) => ' ' + l), ['']).join('\n'));
			fs.writeFileSync(path.join(tmp, 'stoopd.log'), '');
			const out = fs.openSync(path.join(tmp, 'stoopd.log'), 'a');
			const p = spawn(path.join(build, 'gateway/stoopd'), ['-c', path.join(tmp, 'stoop.cfg')],
				{ stdio: ['ignore', out, out] });
			children.push(p);
			for (let i = 0; i < (opts.waitMs || 10000) / 100 && p.exitCode === null; i++) {
				if (/stoopd .* started/.test(e.log()))
					return p;
				await sleep(100);
			}
			p.kill('SIGKILL');
		}
		return null;
	};

	// SIGTERM, and at most ms for stoopd to exit; the test checks how.
	e.stopStoopd = async (p, ms) => {
		p.kill('SIGTERM');
		for (let i = 0; i < ms / 100 && p.exitCode === null; i++)
			await sleep(100);
	};

	// An rtppeer: resolves {proc, port, done} once it is bound; done
	// resolves with its summary when it exits.
	e.rtppeer = (name, args) => new Promise((resolve) => {
		const out = path.join(tmp, name + '.json');
		const p = spawn('node', [path.join(here, 'rtppeer.js'), '--port', '0', '--out', out].concat(args),
			{ stdio: ['ignore', 'pipe', 'pipe'] });
		children.push(p);
		let summary = null;
		const done = new Promise((res) => p.on('exit', () => res(summary)));
		p.stderr.on('data', (d) => fs.appendFileSync(path.join(tmp, name + '.stderr'), d));
		readline.createInterface({ input: p.stdout }).on('line', (l) => {
			let ev;
			try { ev = JSON.parse(l); } catch (err) { return; }
			if (ev.ev === 'ready')
				resolve({ proc: p, port: ev.port, out, done });
			if (ev.ev === 'summary')
				summary = ev;
		});
		setTimeout(() => resolve(null), 10000);
	});

	// sipp's injection file NAME.csv with one line of fields.
	e.inf = (name, fields) => {
		const f = path.join(tmp, name + '.csv');
		fs.writeFileSync(f, 'SEQUENTIAL\n' + fields.join(';') + '\n');
		return f;
	};

	// sipp placing one call of `scenario` to `service`; resolves with its
	// exit status (0: the scenario ran as written).  Its messages are in
	// NAME.msg.  A port of its own (SIP, and its media port with
	// opts.media) that another process holds makes it start again on
	// others, twice at most: that fails before the INVITE is sent.
	e.sipp = async (name, scenario, service, extra, seconds, opts = {}) => {
		let code = null;
		for (let attempt = 0; attempt < 3; attempt++) {
			for (const ext of ['.err', '.msg', '.sipp'])
				fs.rmSync(path.join(tmp, name + ext), { force: true });
			const ports = ['-p', String(rand(50000, 60000))]
				.concat(opts.media ? ['-mp', String(rand(20000, 29000) * 2)] : []);
			code = await new Promise((resolve) => {
				const p = spawn('timeout', [String(seconds), 'sipp', '127.0.0.1:' + e.sipPort, '-sf', scenario,
					'-s', service, '-i', '127.0.0.1', '-m', '1', '-nostdin',
					'-timeout', (seconds - 2) + 's', '-timeout_error',
					'-trace_err', '-error_file', path.join(tmp, name + '.err'), '-trace_msg',
					'-message_file', path.join(tmp, name + '.msg')].concat(ports, extra),
				{ stdio: ['ignore', 'pipe', 'pipe'], cwd: tmp });
				children.push(p);
				p.stdout.on('data', (d) => fs.appendFileSync(path.join(tmp, name + '.sipp'), d));
				p.stderr.on('data', (d) => fs.appendFileSync(path.join(tmp, name + '.sipp'), d));
				p.on('exit', (c) => resolve(c));
			});
			if (code === 0 || !/Unable to bind|Address already in use/.test(e.fileText(name + '.err') +
				e.fileText(name + '.sipp')))
				break;
			note(name + ': sipp found a port taken, again on others');
		}
		return code;
	};

	// sipp as a resident's phone (uac_call.xml): calls 311 from number,
	// its audio at rtpPort, keys as SIP INFO (infoKeys, '.' a second's
	// pause; none: '-').
	e.call = (name, number, rtpPort, infoKeys, seconds) =>
		e.sipp(name, path.join(here, 'uac_call.xml'), '311',
			['-inf', e.inf(name, [number, rtpPort, infoKeys || '-']), '-base_cseq', '10'], seconds);

	return e;
}

// sipp and sqlite3 are there; else a failed check that says how to get them.
function toolsInstalled() {
	for (const tool of ['sipp', 'sqlite3']) {
		if (spawnSync('sh', ['-c', 'command -v ' + tool]).status !== 0) {
			check(false, tool + ' is installed (apt-get install ' + (tool === 'sipp' ? 'sip-tester' : tool) + ')');
			return false;
		}
	}
	return true;
}

module.exports = { voiceE2e, toolsInstalled };
