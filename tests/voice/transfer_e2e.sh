#!/bin/bash
# transfer_e2e.sh -- transfers to an agent end to end: stoopd's voice
# channel against sipp playing the contact center's PBX
# (tests/voice/uac_transfer.xml).  The PBX brings a resident's call,
# presses keys by SIP INFO (a status check of a case, then "agent" in the
# main menu) and takes stoopd's REFER in one of four ways: accepts it and
# reports the agent answered (NOTIFY sipfrag 200), reports the agent busy
# (NOTIFY 486), refuses the REFER (603), or accepts and never reports.
# Checked: the REFER goes to the configured agent URI with the case id and
# the caller's path as User-to-User (RFC 7433, hex) in the REFER and in the
# Refer-To URI; success ends the flow "transferred" and stoopd hangs up;
# every failure (and the timeout) runs the flow's fallback, whose keys then
# work; a queue with no agent line falls back at once; `show calls` counts
# it all.  And the other way: a call the center's full queue diverts here
# (Diversion reason=user-busy) runs the after-hours flow of its route, and
# the session log and the callback it books keep the reason queue_full;
# the callback is confirmed by a text (SIP MESSAGE, same SIP port); a
# call to the after-hours number itself runs that flow with no reason.
# TAP on stdout; every wait is bounded.  Env: STOOP_SRCDIR, STOOP_BUILDDIR.
set -u
export LC_ALL=C
src=${STOOP_SRCDIR:?}
build=${STOOP_BUILDDIR:?}
stoopd="$build/gateway/stoopd"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stoop-xfer.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT; [ -n "${KEEP_TMP:-}" ] && trap "for p in \$pids; do kill \$p 2>/dev/null; done" EXIT
trap 'exit 1' INT TERM
n=0
failed=0

. "$src/tests/lib.sh"

for tool in sipp sqlite3; do
	if ! command -v $tool >/dev/null; then
		result 1 "$tool is installed"
		exit 1
	fi
done

prompts_layout "$src" "$build" "$tmp/prompts"
unhex() { printf '%b' "$(sed 's/\(..\)/\\x\1/g')"; }	# hex on stdin -> bytes

db="$tmp/stoop.db"
q() { sqlite3 -cmd '.timeout 2000' "$db" "$1"; }
ctl() { STOOP_DATADIR="$src" "$build/gateway/stoopctl" -d "$db" "$@"; }

start_stoopd() {	# sets sip_port, vty_port, stoopd_pid
	local try rtp
	for try in 1 2 3 4 5; do
		sip_port=$(random_port)
		vty_port=$(random_port)
		rtp=$(random_port)
		cat >"$tmp/stoop.cfg" <<EOF
log stderr
 logging filter all 1
 logging color 0
 logging timestamp 0
 logging print category 1
 logging level set-all notice
 logging level rtp info
 logging level sip info
line vty
 bind 127.0.0.1 $vty_port
stoop
 flows-dir $src/flows
 prompts-dir $tmp/prompts
 recordings-dir $tmp/rec
store
 database $db
voice
 local-ip 127.0.0.1
 local-port $sip_port
 rtp-ports $rtp $((rtp + 99))
 peer 127.0.0.1
 route 311 main
 route 3115550100 afterhours
 route diverted 3115550199 afterhours
 agent agents sip:agents@127.0.0.1:5999
 agent agents sip:agentes@127.0.0.1:5999 lang es
 transfer-timeout 1s
sip-sms
 local-ip 127.0.0.1
 local-port $sip_port
 peer 127.0.0.1 port $sms_port
EOF
		: >"$tmp/stoopd.log"
		"$stoopd" -c "$tmp/stoop.cfg" >>"$tmp/stoopd.log" 2>&1 &
		stoopd_pid=$!
		if wait_for 20 grep -q 'stoopd .* started\|not started\|cannot' "$tmp/stoopd.log" \
		   && grep -q 'stoopd .* started' "$tmp/stoopd.log"; then
			return 0
		fi
		kill "$stoopd_pid" 2>/dev/null
		wait "$stoopd_pid" 2>/dev/null
	done
	return 1
}

# The SMS peer that takes the texts stoopd sends callers (a callback's
# confirmation): sipp as a UAS on 127.0.0.1, 200 to every MESSAGE.
for _ in 1 2 3 4 5; do
	sms_port=$(random_port)
	timeout 280 sipp -sf "$src/tests/sms/sip_uas.xml" -i 127.0.0.1 -p "$sms_port" -m 100 -nostdin \
		-trace_msg -message_file "$tmp/sms.msg" >"$tmp/sms.out" 2>&1 &
	sms_pid=$!
	sleep 0.5
	kill -0 "$sms_pid" 2>/dev/null && break
done
pids="$pids $sms_pid"

# A case to check the status of, so that the transfer carries a case id.
mkdir -p "$tmp/rec"
case_id=$(ctl new-case pothole "5 Elm Street" 2>&1 | grep -o '[0-9]\{7\}' | head -1)
[ -n "$case_id" ]
result $? "stoopctl files a case to ask about ($case_id)"
start_stoopd
result $? "stoopd starts with agent lines in its voice node (SIP port $sip_port)" "$(tail -20 "$tmp/stoopd.log")"
pids="$pids $stoopd_pid"

# call NAME NUMBER KEYS MODE KEYS_AFTER [DIVERTED_FROM REASON]: one call;
# rc is sipp's status.  KEYS and KEYS_AFTER: at least one key each ("-"
# for none after); with DIVERTED_FROM the INVITE has a Diversion header.
call() {
	local k=$3 a=$5 h=X-Not-Diverted
	[ -n "${6:-}" ] && h=Diversion
	printf 'SEQUENTIAL\n%s;%s;%s;%s;%s;%s;%s;%s;%s\n' "$2" "${k%?}" "${k: -1}" "$4" "${a%?}" "${a: -1}" \
		"$h" "${6:-0}" "${7:-none}" >"$tmp/$1.csv"
	local try
	for try in 1 2 3; do	# 254/255: sipp could not start (a port in use)
		(cd "$tmp" && timeout 90 sipp -sf "$src/tests/voice/uac_transfer.xml" -inf "$tmp/$1.csv" \
			-s "${SERVICE:-311}" -i 127.0.0.1 -p "$(random_port)" -mp "$(random_port)" -m 1 -timeout 80s \
			-nostdin -trace_msg -message_file "$tmp/$1.msg" -trace_err -error_file "$tmp/$1.err" \
			"127.0.0.1:$sip_port" >"$tmp/$1.out" 2>&1)
		rc=$?
		[ $rc -lt 254 ] && break
	done
}
# The REFER stoopd sent in call NAME, CRs removed.
refer() { tr -d '\r' <"$tmp/$1.msg" | awk '/^REFER /,/^$/'; }
outcome() {	# outcome NUMBER: "outcome|last_position" of its session
	q "SELECT outcome || '|' || last_position FROM session_log WHERE key = 'voice:$1' ORDER BY id DESC LIMIT 1"
}
show_calls() { vty "$vty_port" 'show calls'; }

# -------------------------------------------------------------- accepted
A=+15551239001
call ok $A "2${case_id}10" ok "-"
result $rc "the PBX takes the REFER, reports the agent answered, and stoopd hangs up (sipp: $rc)" \
	"$(tail -15 "$tmp/ok.out")" "$(cat "$tmp/ok.err" 2>/dev/null | tail -5)" "$(grep -i 'transfer\|REFER' "$tmp/stoopd.log" | tail -5)"
refer ok >"$tmp/ok.refer"
grep -q '^REFER sip:+15551239001@127.0.0.1:' "$tmp/ok.refer"
result $? "the REFER goes in the caller's dialog (to the PBX's Contact)" "$(cat "$tmp/ok.refer")"
grep -qi '^Refer-To: *<sip:agents@127.0.0.1:5999?User-to-User=' "$tmp/ok.refer"
result $? "Refer-To is the agents' URI of the agent line, with the context as a URI header" \
	"$(cat "$tmp/ok.refer")"
uui=$(sed -n 's/^User-to-User: *\([0-9a-f]*\);encoding=hex.*/\1/Ip' "$tmp/ok.refer")
context=$(printf '%s' "$uui" | unhex)
case "$context" in
"case=$case_id;lang=en;path="*main.menu*agent.connect*) r=0 ;;
*) r=1 ;;
esac
result $r "User-to-User (RFC 7433, hex) carries the case id, language and the caller's path" \
	"context: $context" "$(cat "$tmp/ok.refer")"
referto_uui=$(sed -n 's/^Refer-To:.*User-to-User=\([0-9a-f]*\)%3Bencoding%3Dhex>.*/\1/Ip' "$tmp/ok.refer")
[ -n "$uui" ] && [ "$referto_uui" = "$uui" ]
result $? "the Refer-To URI carries the same User-to-User for the agent's INVITE" "$(grep -i '^Refer-To' "$tmp/ok.refer")"
wait_for 5 test "$(outcome $A)" = "transferred|agent.connect"
result $? "the session ends as transferred at agent.connect (drop-off report)" "$(outcome $A)"

# -------------------------------------------------------------- failures
B=+15551239002
call busy $B "0" busy "2"
result $rc "the agent busy (NOTIFY 486): the fallback menu runs and its keys work (sipp: $rc)" \
	"$(tail -15 "$tmp/busy.out")" "$(grep -i 'transfer' "$tmp/stoopd.log" | tail -5)"
wait_for 5 test "$(outcome $B)" = "completed|main.goodbye"
result $? "that call ends after the fallback's hours and goodbye, not dropped" "$(outcome $B)"
refer busy | grep -q '^User-to-User: [0-9a-f]*;encoding=hex'
r=$?
ctx=$(refer busy | sed -n 's/^User-to-User: *\([0-9a-f]*\);.*/\1/Ip' | unhex)
case "$ctx" in
case=*) r=1 ;;
lang=en\;path=*) ;;
*) r=1 ;;
esac
result $r "a transfer with no case yet carries language and path only" "context: $ctx"

C=+15551239003
call refuse $C "0" refuse "2"
result $rc "a refused REFER (603): the fallback runs (sipp: $rc)" "$(tail -15 "$tmp/refuse.out")"
wait_for 5 test "$(outcome $C)" = "completed|main.goodbye"
result $? "that call ends after the fallback too" "$(outcome $C)"

D=+15551239004
call silent $D "0" silent "2"
result $rc "a REFER accepted and never reported: after transfer-timeout the fallback runs (sipp: $rc)" \
	"$(tail -15 "$tmp/silent.out")"
wait_for 5 test "$(outcome $D)" = "completed|main.goodbye"
result $? "that call ends after the fallback too" "$(outcome $D)"
grep -q 'transfer: no answer within 1000 ms' "$tmp/stoopd.log"
result $? "the log says the transfer timed out" "$(grep -i transfer "$tmp/stoopd.log" | tail -5)"

# ------------------------------------------- overflow from the contact center
# The center's queue is full: it diverts the call here (Diversion
# reason=user-busy) from its queue's number, which routes to afterhours.
F=+15551239006
call overflow $F "3" none "4" 3115550199 user-busy
result $rc "a call diverted from the queue (user-busy) books a callback in the after-hours flow (sipp: $rc)" \
	"$(tail -15 "$tmp/overflow.out")" "$(grep -i 'call(' "$tmp/stoopd.log" | tail -5)"
wait_for 5 test "$(q "SELECT overflow || '|' || last_position FROM session_log WHERE key = 'voice:$F'")" = \
	"queue_full|main.goodbye"
result $? "the session log keeps the overflow reason queue_full" \
	"$(q "SELECT * FROM session_log WHERE key = 'voice:$F'")"
[ "$(q "SELECT kind || '|' || overflow || '|' || callback_window FROM cases WHERE phone = '$F'")" = \
  "callback|queue_full|any" ]
result $? "and so does the callback it booked" "$(q "SELECT * FROM cases WHERE phone = '$F'")"
wait_for 10 grep -q "^MESSAGE sip:$F@127.0.0.1:$sms_port" "$tmp/sms.msg"
result $? "the callback is confirmed by a text to the caller (SIP MESSAGE on the same SIP port)" \
	"$(tail -20 "$tmp/sms.msg" 2>/dev/null)"
tr -d '\r' <"$tmp/sms.msg" | grep -q "^City 311: we'll call you back.*$(q "SELECT id FROM cases WHERE phone = '$F'")"
result $? "the text names the callback's reference" "$(tr -d '\r' <"$tmp/sms.msg" | tail -5)"
grep -q "diverted from 3115550199: flow afterhours" "$tmp/stoopd.log"
result $? "the diverted call ran the after-hours flow of its route" "$(grep 'diverted' "$tmp/stoopd.log" | tail -3)"

# The after-hours number called directly (no Diversion): its route's flow,
# no overflow reason.
G=+15551239007
SERVICE=3115550100 call direct $G "3" none "4"
result $rc "a call to the after-hours number books a callback there (sipp: $rc)" "$(tail -15 "$tmp/direct.out")"
wait_for 5 test "$(q "SELECT entry || '|' || coalesce(overflow, '-') FROM session_log WHERE key = 'voice:$G'")" = \
	"afterhours|-"
result $? "it ran the after-hours flow of its route, with no overflow reason" \
	"$(q "SELECT * FROM session_log WHERE key = 'voice:$G'")"

# ------------------------------------------------------- the counters
stats=$(show_calls)
printf '%s\n' "$stats" | grep -q 'transfers: 4 asked, 4 REFERs, 1 to an agent, 2 failed, 1 timed out, 0 without'
result $? "show calls: 4 asked, 1 to an agent, 2 failed, 1 timed out" "$stats"
p50=$(printf '%s\n' "$stats" | sed -n 's/.*key to REFER p50 \([0-9]*\) us, p99 \([0-9]*\) us.*/\1/p')
[ -n "$p50" ] && [ "$p50" -gt 0 ]
result $? "show calls: the key-to-REFER time is measured (p50 ${p50:-?} us)" "$stats"
! grep -qE '\+1555123900[0-9]' "$tmp/stoopd.log"
result $? "no whole caller number in the log at info level" "$(grep -E '\+1555123900' "$tmp/stoopd.log" | head -3)"

# ------------------------------------------- no agent line for the queue
kill "$stoopd_pid"; wait "$stoopd_pid" 2>/dev/null
sed -i '/^ agent /d' "$tmp/stoop.cfg"
mv "$tmp/stoopd.log" "$tmp/stoopd-1.log"
"$stoopd" -c "$tmp/stoop.cfg" >>"$tmp/stoopd.log" 2>&1 &
stoopd_pid=$!
pids="$pids $stoopd_pid"
wait_for 20 grep -q 'stoopd .* started' "$tmp/stoopd.log"
result $? "stoopd starts again without agent lines" "$(tail -10 "$tmp/stoopd.log")"
E=+15551239005
call noagent $E "0" none "2"
result $rc "a transfer to a queue with no agent line: the fallback menu's keys work (sipp: $rc)" \
	"$(tail -15 "$tmp/noagent.out")"
! refer noagent | grep -q REFER
result $? "with no agent line for the queue no REFER goes" "$(refer noagent)"
wait_for 5 test "$(outcome $E)" = "completed|main.goodbye"
result $? "and the call ends after the fallback" "$(outcome $E)" "$(grep -i transfer "$tmp/stoopd.log" | tail -3)"
kill "$stoopd_pid"; wait "$stoopd_pid" 2>/dev/null

[ $failed -eq 0 ]
