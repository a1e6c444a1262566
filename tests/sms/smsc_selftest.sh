#!/bin/sh
# smsc_selftest.sh -- owns the check that the test SMSC (tests/sms/smsc/
# smsc.js) is itself right before it judges Stoop: it starts the peer on a
# free loopback port, drives it through its stdin like Stoop's tests do,
# and talks to it with the npm smpp package's CLIENT (an inline node
# script): binds good and bad, enquire_link, submits in GSM 03.38, UCS-2,
# Latin-1 and with a UDH decoded, delivers decoded by the client,
# throttling, failing submits, receipts, a burst (with user_message_reference,
# per-deliver events, timestamps, quiet), generic_nack both ways,
# the malformed PDUs the peer writes, and malformed PDUs it survives.
# TAP lines on stdout.  Env: STOOP_SRCDIR (STOOP_BUILDDIR unused);
# STOOP_SMSC_NODE_MODULES may name a node_modules holding smpp when the
# source tree has none (npm ci in tests/sms/smsc puts one there).
set -u
export LC_ALL=C
src=${STOOP_SRCDIR:?}
smscdir="$src/tests/sms/smsc"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stoop-smsc.XXXXXX")
peer_pid=""
client_pids=""
cleanup() {
	exec 3>&- 2>/dev/null
	for p in $client_pids $peer_pid; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
n=0
failed=0

result() {	# result STATUS NAME [DETAIL-FILE...]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		shift 2
		for f in "$@"; do
			[ -f "$f" ] && tail -n 15 "$f" | sed "s|^|  $(basename "$f"): |"
		done
		failed=$((failed + 1))
	fi
}

bail() {	# bail NAME: one failing line, then stop
	result 1 "$1"
	exit 1
}

command -v node >/dev/null 2>&1 || bail "node is installed (./setup.sh check installs it)"
if [ -d "$smscdir/node_modules/smpp" ]; then
	modules="$smscdir/node_modules"
elif [ -n "${STOOP_SMSC_NODE_MODULES:-}" ] && [ -d "$STOOP_SMSC_NODE_MODULES/smpp" ]; then
	modules=$STOOP_SMSC_NODE_MODULES
else
	bail "the npm smpp package is installed (run: cd tests/sms/smsc && npm ci; ./setup.sh check does)"
fi
export NODE_PATH="$modules"

# lines_with FILE STR...: the lines of FILE holding every fixed STR.
lines_with() {
	f=$1
	shift
	cp "$f" "$tmp/lw" 2>/dev/null || : >"$tmp/lw"
	for s in "$@"; do
		grep -F -- "$s" "$tmp/lw" >"$tmp/lw2"
		mv "$tmp/lw2" "$tmp/lw"
	done
	cat "$tmp/lw"
}

# wait_with SECONDS COUNT FILE STR...: until COUNT lines of FILE hold every
# STR; status 1 when the time runs out first.
wait_with() {
	tries=$(($1 * 10))
	want=$2
	shift 2
	i=0
	while [ "$i" -lt "$tries" ]; do
		[ "$(lines_with "$@" | wc -l)" -ge "$want" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# check NAME COUNT FILE STR...: a TAP line for wait_with (5 s).
check() {
	name=$1
	shift
	wait_with 5 "$@"
	result $? "$name" "$2"
}

# field NAME LINE: the string value of "NAME":"..." in a JSON line.
field() {
	printf '%s\n' "$2" | sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}

to_peer() {	# to_peer JSON...: commands on the peer's stdin
	for l in "$@"; do printf '%s\n' "$l" >&3; done
}

# The client side: the npm smpp package as an ESME would use it.
cat >"$tmp/client.js" <<'EOF'
// One ESME scenario per run; JSON lines on stdout.
'use strict';
const net = require('net');
const smpp = require('smpp');
const [mode, port, sysid, pw] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const hex = (b) => Buffer.from(b).toString('hex').toUpperCase();
setTimeout(() => { out({ step: 'timeout' }); process.exit(3); }, 30000).unref();

const texts = {
	gsm: { data_coding: 0, short_message: 'Hello {€} [~] ñ ü @ 311' },
	ucs2: { data_coding: 8, short_message: 'Ñandú ☂ 😀' },
	latin1: { data_coding: 3, short_message: 'café für' },
	udh: { data_coding: 0, short_message: { udh: Buffer.from('050003CC0201', 'hex'), message: 'part one' } },
	plain: { data_coding: 0, short_message: 'Case 1000002 is open.' },
};

if (mode === 'bind') {
	const s = smpp.connect({ host: '127.0.0.1', port: Number(port) });
	s.on('error', (e) => { out({ step: 'error', what: e.message }); process.exit(1); });
	s.on('connect', () => s.bind_transceiver({ system_id: sysid, password: pw }, (r) => {
		out({ step: 'bind', status: r.command_status });
		if (r.command_status !== 0) { s.close(); return; }
		s.unbind(() => { out({ step: 'unbound' }); s.close(); });
	}));
	s.on('close', () => process.exit(0));
} else if (mode === 'session') {
	const s = smpp.connect({ host: '127.0.0.1', port: Number(port) });
	s.on('error', (e) => out({ step: 'error', what: e.message }));
	s.on('close', () => { out({ step: 'closed' }); process.exit(0); });
	const submit = (label) => s.submit_sm(Object.assign({
		source_addr: '311', destination_addr: '15551230001', dest_addr_ton: 1, dest_addr_npi: 1,
		registered_delivery: 1,
	}, texts[label]), (r) => {
		out({ step: 'submit_resp', label, status: r.command_status, message_id: r.message_id || null });
	});
	s.on('connect', () => s.bind_transceiver({ system_id: sysid, password: pw }, (r) => {
		out({ step: 'bind', status: r.command_status, system_id: r.system_id });
		s.enquire_link((e) => {
			out({ step: 'enquire_link_resp', status: e.command_status });
			for (const l of ['gsm', 'ucs2', 'latin1', 'udh']) submit(l);
		});
	}));
	s.on('deliver_sm', (pdu) => {
		const sm = pdu.short_message || {};
		const text = typeof sm.message === 'string' ? sm.message : null;
		out({
			step: pdu.esm_class & 0x04 ? 'receipt' : 'deliver', text,
			udh: sm.udh ? sm.udh.map(hex) : null, from: pdu.source_addr, from_ton: pdu.source_addr_ton,
			to: pdu.destination_addr, data_coding: pdu.data_coding, esm_class: pdu.esm_class,
			receipted_message_id: pdu.receipted_message_id, message_state: pdu.message_state,
			umr: pdu.user_message_reference,
		});
		s.send(pdu.response());
		const m = /^DO (\w+) ?(\w*)/.exec(text || '');
		if (!m) return;
		if (m[1] === 'submit') submit(m[2]);
		if (m[1] === 'unknown') {
			const b = Buffer.alloc(16);
			b.writeUInt32BE(16, 0); b.writeUInt32BE(0xABCE, 4); b.writeUInt32BE(0, 8); b.writeUInt32BE(9999, 12);
			s.socket.write(b);
		}
		if (m[1] === 'unbind') s.unbind((r) => { out({ step: 'unbind_resp', status: r.command_status }); s.close(); });
	});
	s.on('generic_nack', (p) => out({ step: 'generic_nack', seq: p.sequence_number, status: p.command_status }));
	// A PDU the package does not know: answer it as an ESME must.
	s.on('unknown', (p) => { out({ step: 'unknown', command_id: p.command_id }); s.send(p.response()); });
} else if (mode === 'raw') {
	// Writes octets (hex, argv[4]) on a bare socket, then waits for the
	// peer's answer and its close; prints what came back.
	const sock = net.connect(Number(port), '127.0.0.1', () => sock.write(Buffer.from(sysid, 'hex')));
	let got = Buffer.alloc(0);
	sock.on('data', (d) => { got = Buffer.concat([got, d]); });
	sock.on('error', () => {});
	sock.on('close', () => { out({ step: 'raw_closed', got: hex(got) }); process.exit(0); });
	setTimeout(() => { out({ step: 'raw_open', got: hex(got) }); sock.destroy(); }, 1500);
} else if (mode === 'rawbind') {
	// Binds with a PDU from the package, then prints every octet the peer
	// writes, as hex, until the peer closes.
	const sock = net.connect(Number(port), '127.0.0.1', () => {
		sock.write(new smpp.PDU('bind_transceiver', { sequence_number: 1, system_id: sysid, password: pw }).toBuffer());
	});
	sock.on('data', (d) => out({ step: 'octets', hex: hex(d) }));
	sock.on('error', () => {});
	sock.on('close', () => { out({ step: 'closed' }); process.exit(0); });
}
EOF

client() {	# client MODE ARGS...: runs in the background, output in $tmp/MODE.out
	out="$tmp/$1.out"
	: >"$out"
	timeout 40 node "$tmp/client.js" "$@" >"$out" 2>&1 &
	client_pids="$client_pids $!"
}

client_wait() {	# client_wait MODE ARGS...: runs to its end (10 s at most)
	out="$tmp/$1.out"
	timeout 10 node "$tmp/client.js" "$@" >"$out" 2>&1
}

# --- the peer, on a port the kernel picks, its stdin a FIFO held on fd 3
mkfifo "$tmp/in"
ev="$tmp/peer.out"
node "$smscdir/smsc.js" --port 0 --max-seconds 300 <"$tmp/in" >"$ev" 2>"$tmp/peer.err" &
peer_pid=$!
exec 3>"$tmp/in"
wait_with 10 1 "$ev" '"ev":"listening"' || bail "smsc.js starts and listens"
port=$(sed -n 's/.*"ev":"listening","port":\([0-9]*\).*/\1/p' "$ev")
lines_with "$ev" '"ev":"listening"' '"address":"127.0.0.1"' | grep -q . && [ "${port:-0}" -gt 0 ]
result $? "the peer listens on 127.0.0.1 (port $port)" "$ev"

# --- binds
client_wait bind "$port" stoop wrong
lines_with "$tmp/bind.out" '"step":"bind","status":14' | grep -q .
result $? "a wrong password gets ESME_RINVPASWD (0x0E)" "$tmp/bind.out"
check "the peer reports the refused bind" 1 "$ev" '"ev":"bind"' '"system_id":"stoop"' '"ok":false' '"status":14'

client_wait bind "$port" nobody secret
lines_with "$tmp/bind.out" '"step":"bind","status":13' | grep -q .
result $? "an unknown system_id gets ESME_RBINDFAIL (0x0D)" "$tmp/bind.out"

client session "$port" stoop secret
co="$tmp/session.out"
check "bind_transceiver with stoop/secret is accepted" 1 "$co" '"step":"bind","status":0' '"system_id":"stoop-test-smsc"'
check "the peer reports the good bind" 1 "$ev" '"ev":"bind"' '"ok":true' '"status":0'
check "enquire_link is answered" 1 "$co" '"step":"enquire_link_resp","status":0'
check "the peer reports the enquire_link" 1 "$ev" '"ev":"enquire_link"'

# --- submits, encoded by the package's client, decoded by the peer
wait_with 5 4 "$co" '"step":"submit_resp"'
check "a GSM 03.38 submit (with extension characters) is decoded" 1 "$ev" '"ev":"submit"' \
	'"data_coding":0' '"text":"Hello {€} [~] ñ ü @ 311"' '"udh":null'
check "...and its raw octets are the unpacked septets" 1 "$ev" '"ev":"submit"' \
	'"hex":"48656C6C6F201B281B651B29201B3C1B3D1B3E207D207E200020333131"'
check "a UCS-2 submit (with a surrogate pair) is decoded" 1 "$ev" '"ev":"submit"' \
	'"data_coding":8' '"text":"Ñandú ☂ 😀"'
check "a Latin-1 submit is decoded" 1 "$ev" '"ev":"submit"' '"data_coding":3' '"text":"café für"'
check "a submit with a UDH is split into udh and text" 1 "$ev" '"ev":"submit"' \
	'"esm_class":64' '"udh":"050003CC0201"' '"text":"part one"'
check "an international destination reads +digits" 4 "$ev" '"ev":"submit"' '"to":"+15551230001"' '"from":"311"'
line=$(lines_with "$ev" '"ev":"submit"' '"text":"Hello' | head -n 1)
mid=$(field message_id "$line")
lines_with "$co" '"step":"submit_resp","label":"gsm","status":0' "\"message_id\":\"$mid\"" | grep -q . && [ -n "$mid" ]
result $? "submit_sm_resp carries the message_id the peer reported ($mid)" "$co"

# --- delivers, encoded by the peer, decoded by the package's client
to_peer '{"cmd":"deliver","id":"d1","from":"+15551230001","to":"311","text":"Hi 311 {€} ñ@"}' \
	'{"cmd":"deliver","id":"d2","from":"+15551230001","coding":"ucs2","text":"Olá ☂ 😀"}' \
	'{"cmd":"deliver","id":"d3","udh":"050003AB0201","text":"first"}' \
	'{"cmd":"deliver","id":"d4","coding":"latin1","text":"señal"}'
check "a GSM deliver_sm reaches the client as sent" 1 "$co" '"step":"deliver","text":"Hi 311 {€} ñ@"' \
	'"from":"15551230001","from_ton":1' '"to":"311"' '"data_coding":0'
check "a UCS-2 deliver_sm reaches the client as sent" 1 "$co" '"step":"deliver","text":"Olá ☂ 😀"' '"data_coding":8'
check "a deliver_sm with a UDH sets UDHI and carries it" 1 "$co" '"step":"deliver","text":"first"' \
	'"udh":["0003AB0201"]' '"esm_class":64'
check "a Latin-1 deliver_sm reaches the client as sent" 1 "$co" '"text":"señal"' '"data_coding":3'
check "every deliver_sm_resp is reported with its id" 4 "$ev" '"ev":"deliver_resp"' '"status":0'
check "...for d1 too" 1 "$ev" '"ev":"deliver_resp"' '"id":"d1"'
to_peer '{"cmd":"deliver","id":"bad","coding":"gsm","text":"☂"}'
check "a character outside GSM 03.38 is refused, not replaced" 1 "$ev" '"ev":"error"' '"id":"bad"' 'not in GSM 03.38'

# --- throttling and failures (the client submits when told by a deliver)
to_peer '{"cmd":"throttle","on":true}' '{"cmd":"deliver","id":"t1","text":"DO submit plain"}'
check "a throttled submit gets ESME_RTHROTTLED (0x58)" 1 "$co" '"step":"submit_resp","label":"plain","status":88' '"message_id":null'
check "the peer reports the throttled submit" 1 "$ev" '"ev":"submit"' '"status":88'
to_peer '{"cmd":"throttle","on":false}' '{"cmd":"deliver","id":"t2","text":"DO submit plain"}'
check "throttle off: the next submit is accepted" 1 "$co" '"step":"submit_resp","label":"plain","status":0'
to_peer '{"cmd":"fail_submits","status":69,"count":1}' '{"cmd":"deliver","id":"f1","text":"DO submit plain"}'
check "fail_submits answers ESME_RSUBMITFAIL (0x45)" 1 "$co" '"label":"plain","status":69'
to_peer '{"cmd":"deliver","id":"f2","text":"DO submit plain"}'
check "...count 1: the one after is accepted again" 2 "$co" '"label":"plain","status":0'

# --- receipts
to_peer '{"cmd":"receipts","on":true}' '{"cmd":"deliver","id":"r1","text":"DO submit plain"}'
wait_with 5 3 "$co" '"label":"plain","status":0'
rmid=$(field message_id "$(lines_with "$co" '"label":"plain","status":0' | tail -n 1)")
check "a receipt follows the submit, for its message_id" 1 "$co" '"step":"receipt"' \
	"\"text\":\"id:$rmid sub:001 dlvr:001 submit date:" 'stat:DELIVRD err:000 text:"' \
	"\"receipted_message_id\":\"$rmid\"" '"message_state":2' '"esm_class":4' '"to":"311"' '"from":"15551230001"'
check "the receipt's deliver_sm_resp is reported" 1 "$ev" '"ev":"deliver_resp"' "\"id\":\"receipt:$rmid\"" '"status":0'
to_peer '{"cmd":"receipts","on":false}'

# --- a burst through the window
to_peer '{"cmd":"burst","count":20,"from_prefix":"+1555","text":"STATUS","id_prefix":"b"}'
check "a burst of 20 is acknowledged deliver by deliver" 20 "$ev" '"ev":"deliver_resp"' '"id":"b-' '"status":0'
check "...and ends with burst_done ok 20" 1 "$ev" '"ev":"burst_done","burst":"b","count":20,"ok":20,"failed":0,"lost":0'
srcs=$(lines_with "$co" '"text":"STATUS"' | sed -n 's/.*"from":"\([0-9]*\)".*/\1/p' | sort -u | wc -l)
[ "$srcs" -eq 20 ]
result $? "...from 20 distinct sources ($srcs)" "$co"

# --- generic_nack both ways
to_peer '{"cmd":"deliver","id":"u1","text":"DO unknown"}'
check "an unknown command gets generic_nack ESME_RINVCMDID (0x03)" 1 "$co" '"step":"generic_nack","seq":9999,"status":3'
check "the peer reports the generic_nack it sent" 1 "$ev" '"ev":"generic_nack","dir":"out"' '"seq":9999,"status":3'
to_peer '{"cmd":"malformed","kind":"unknown_command"}'
check "malformed unknown_command: the client's generic_nack is reported" 1 "$ev" '"ev":"generic_nack","dir":"in"' '"status":3'

to_peer '{"cmd":"stats"}'
check "stats counts the submits and delivers" 1 "$ev" '"ev":"stats"' '"submits":9,' '"submits_ok":7,' '"submits_refused":2,' '"delivers_sent":31,' '"deliver_resps":31,' '"errors":1'

# --- user_message_reference on delivers, per-deliver events, timestamps
to_peer '{"cmd":"timestamps","on":true}' \
	'{"cmd":"burst","count":3,"from_prefix":"+1666","text":"UMR","id_prefix":"u","umr":true,"events":true}' \
	'{"cmd":"deliver","id":"u9","from":"+16660000009","text":"UMR one","umr":65535}'
check "a burst with umr numbers each deliver's user_message_reference from 1" 3 "$co" '"text":"UMR"' '"umr":'
lines_with "$co" '"text":"UMR"' | sed -n 's/.*"from":"\([0-9]*\)".*"umr":\([0-9]*\).*/\1 \2/p' | sort >"$tmp/umr"
printf '%s\n' "16660000001 1" "16660000002 2" "16660000003 3" | cmp -s - "$tmp/umr"
result $? "...the n-th deliver carries n" "$tmp/umr" "$co"
check "a deliver with umr 65535 carries it" 1 "$co" '"text":"UMR one"' '"umr":65535'
check "burst events: a deliver_sent for each deliver, with a time" 3 "$ev" '"ev":"deliver_sent"' '"id":"u-' '"t":'
to_peer '{"cmd":"timestamps","on":false}' '{"cmd":"quiet","on":true}' \
	'{"cmd":"burst","count":2,"from_prefix":"+1667","text":"QUIET","id_prefix":"q"}'
check "quiet: a burst still ends with burst_done" 1 "$ev" '"ev":"burst_done","burst":"q","count":2,"ok":2'
[ "$(lines_with "$ev" '"ev":"deliver_resp"' '"id":"q-' | wc -l)" -eq 0 ]
result $? "...without a deliver_resp event per deliver" "$ev"
to_peer '{"cmd":"quiet","on":false}'

# --- unbind from the ESME
to_peer '{"cmd":"deliver","id":"x1","text":"DO unbind"}'
check "unbind is answered" 1 "$co" '"step":"unbind_resp","status":0'
check "the peer reports unbind and the ESME's close" 1 "$ev" '"ev":"closed","conn":3,"by":"esme"'

# --- the malformed PDUs the peer writes, seen on a bare socket
client rawbind "$port" stoop secret
ro="$tmp/rawbind.out"
check "a bare socket binds" 1 "$ev" '"ev":"bind"' '"conn":4' '"ok":true'
to_peer '{"cmd":"malformed","kind":"bad_length"}'
check "bad_length writes a 12-octet header claiming 12" 1 "$ro" '"hex":"0000000C0000001500000000'
to_peer '{"cmd":"malformed","kind":"huge_length"}'
check "huge_length writes a length of 0xFFFFFF00" 1 "$ro" '"hex":"FFFFFF0000000005'
to_peer '{"cmd":"malformed","kind":"truncated_body"}'
check "truncated_body writes a 22-octet deliver_sm" 1 "$ro" '"hex":"0000001600000005000000000000000' '414243444546"'
to_peer '{"cmd":"malformed","kind":"short_header"}'
check "short_header writes 8 octets" 1 "$ro" '"hex":"0000001000000015"'
to_peer '{"cmd":"close"}'
check "close drops the connection" 1 "$ro" '"step":"closed"'
check "...and the peer reports it" 1 "$ev" '"ev":"closed","conn":4,"by":"smsc"'

# --- malformed PDUs sent to the peer do not bring it down
client_wait raw "$port" 0000000800000015
check "a command_length below 16 gets generic_nack ESME_RINVCMDLEN and a close" 1 "$tmp/raw.out" \
	'"step":"raw_closed","got":"000000108000000000000002'
client_wait raw "$port" FFFFFFF00000000400000000000000070000
check "a huge command_length gets the same" 1 "$tmp/raw.out" '"step":"raw_closed","got":"000000108000000000000002'
client_wait raw "$port" 000000100000
check "a header cut short leaves the peer waiting, not crashed" 1 "$tmp/raw.out" '"step":"raw_open","got":""'
client_wait raw "$port" 000000160000000400000000000000224142434445460000001000000015000000000000000A
check "a submit_sm cut short after service_type is refused, the stream goes on" 1 "$tmp/raw.out" \
	'"got":"0000001080000004000000020000002200000010800000150000000000000'
client_wait bind "$port" stoop secret
lines_with "$tmp/bind.out" '"step":"bind","status":0' | grep -q . && kill -0 "$peer_pid" 2>/dev/null
result $? "after all that the peer is alive and binds again" "$tmp/bind.out" "$ev" "$tmp/peer.err"

# --- quit
to_peer '{"cmd":"quit"}'
i=0
while kill -0 "$peer_pid" 2>/dev/null && [ "$i" -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
wait "$peer_pid"
rc=$?
peer_pid=""
[ "$rc" -eq 0 ] && lines_with "$ev" '"ev":"bye","why":"quit"' | grep -q .
result $? "quit ends the peer with status 0" "$ev" "$tmp/peer.err"
[ ! -s "$tmp/peer.err" ]
result $? "the peer wrote nothing on stderr" "$tmp/peer.err"

echo "# $n checks, $failed failed"
[ "$failed" -eq 0 ]
