#!/bin/bash
# sip_message.sh -- SMS over SIP MESSAGE end to end, against real peers on
# the loopback: sipsak sends residents' texts to stoopd (a request file per
# case, so Call-ID, CSeq, Content-Type and the body's bytes are exactly
# what the case needs), and sipp plays the peer that receives stoopd's
# replies (tests/sms/sip_uas.xml, 200 OK; a copy answering 404 for the
# peer that refuses).  Each check asserts what the peer or the resident
# would see, then what the store holds (sqlite3 on the test database):
#   a text -> 202 and a reply MESSAGE with the main menu; HELP; a source
#   address off the allow-list -> 403 and nothing stored; invalid UTF-8,
#   an empty or too long body, another Content-Type, a From that is not a
#   number -> 4xx and stoopd runs on; the same Call-ID and CSeq twice ->
#   202 both times, stored and answered once; replies go to the peer the
#   text came from, a refusal there fails the reply for good, a peer that
#   is down leaves it queued for a retry; no body and no whole number in
#   the log; SIGTERM stops it cleanly; a notification queued while stoopd
#   was down goes, after the restart, to the peer the number texted from;
#   with a voice node on the same address one SIP port takes a text, an
#   OPTIONS (Allow names INVITE and MESSAGE) and a call.
# TAP lines on stdout; every wait is bounded.  Env: STOOP_SRCDIR,
# STOOP_BUILDDIR.
set -u
export LC_ALL=C
src=${STOOP_SRCDIR:?}
build=${STOOP_BUILDDIR:?}
stoopd="$build/gateway/stoopd"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stoop-sip.XXXXXX")
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

for tool in sipsak sipp sqlite3; do
	if ! command -v $tool >/dev/null; then
		result 1 "$tool is installed (apt-get install ${tool/sipp/sip-tester})"
		exit 1
	fi
done

# --------------------------------------------------------------- the peers
# sipp UAS receiving replies: PEER answers 200, REFUSER 404 (on 127.0.0.3).
sed 's|SIP/2.0 200 OK|SIP/2.0 404 Not Found|' "$src/tests/sms/sip_uas.xml" >"$tmp/sip_refuse.xml"

start_uas() {	# start_uas NAME SCENARIO IP: sets uas_port, uas_pid
	local try
	for try in 1 2 3 4 5; do
		uas_port=$(random_port)
		timeout 280 sipp -sf "$2" -i "$3" -p "$uas_port" -m 1000 -nostdin \
			-trace_msg -message_file "$tmp/$1.msg" -trace_err -error_file "$tmp/$1.err" \
			>"$tmp/$1.out" 2>&1 &
		uas_pid=$!
		sleep 0.5
		kill -0 "$uas_pid" 2>/dev/null && return 0
	done
	return 1
}
start_uas peer "$src/tests/sms/sip_uas.xml" 127.0.0.1
result $? "sipp listens as the SIP peer that takes replies (127.0.0.1:$uas_port)" "$(cat "$tmp/peer.out" 2>/dev/null)"
peer_port=$uas_port
pids="$pids $uas_pid"
start_uas refuser "$tmp/sip_refuse.xml" 127.0.0.3
result $? "sipp listens as a peer that refuses replies with 404 (127.0.0.3:$uas_port)" \
	"$(cat "$tmp/refuser.out" 2>/dev/null)"
refuser_port=$uas_port
pids="$pids $uas_pid"
down_port=$(random_port)	# 127.0.0.4: a peer with nothing listening
start_uas peer2 "$src/tests/sms/sip_uas.xml" 127.0.0.5
result $? "sipp listens as a second peer that takes replies (127.0.0.5:$uas_port)" \
	"$(cat "$tmp/peer2.out" 2>/dev/null)"
peer2_port=$uas_port
pids="$pids $uas_pid"

# ------------------------------------------------------------------ stoopd
db="$tmp/stoop.db"
start_stoopd() {	# sets sip_port, stoopd_pid
	local try vty
	for try in 1 2 3 4 5; do
		sip_port=$(random_port)
		vty=$(random_port)
		cat >"$tmp/stoop.cfg" <<EOF
log stderr
 logging filter all 1
 logging color 0
 logging timestamp 0
 logging print category 1
 logging level set-all notice
 logging level sms info
line vty
 bind 127.0.0.1 $vty
stoop
 flows-dir $src/flows
 prompts-dir $src/prompts
store
 database $db
 synchronous normal
sms
 no dedup-window
sip-sms
 local-ip 127.0.0.1
 local-port $sip_port
 peer 127.0.0.1 port $peer_port
 peer 127.0.0.3 port $refuser_port
 peer 127.0.0.4 port $down_port
 peer 127.0.0.5 port $peer2_port
 from-uri sip:311@127.0.0.1
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
start_stoopd
result $? "stoopd starts with a sip-sms node and listens for SIP (port $sip_port)" "$(tail -20 "$tmp/stoopd.log")"
pids="$pids $stoopd_pid"
grep -q 'sip-sms: listening on 127.0.0.1 port' "$tmp/stoopd.log"
result $? "stoopd says where it listens and how many peers it takes texts from" "$(tail -5 "$tmp/stoopd.log")"

# ------------------------------------------------------------- the texts
# send NAME FROM-IP FROM-NUMBER CALL-ID CSEQ CONTENT-TYPE BODY-FILE: sends a
# MESSAGE with sipsak from FROM-IP; sets status (the response code, or
# "none") and keeps sipsak's output in $tmp/NAME.sipsak.
send() {
	local name=$1 ip=$2 from=$3 callid=$4 cseq=$5 ctype=$6 body=$7 f="$tmp/$1.req"
	{
		printf 'MESSAGE sip:311@127.0.0.1:%s SIP/2.0\r\n' "$sip_port"
		printf 'From: <sip:%s@%s>;tag=%s\r\n' "$from" "$ip" "t$RANDOM"
		printf 'To: <sip:311@127.0.0.1>\r\n'
		printf 'Call-ID: %s\r\n' "$callid"
		printf 'CSeq: %s MESSAGE\r\n' "$cseq"
		printf 'Max-Forwards: 70\r\n'
		[ -n "$ctype" ] && printf 'Content-Type: %s\r\n' "$ctype"
		printf 'Content-Length: %s\r\n\r\n' "$(wc -c <"$body")"
		cat "$body"
	} >"$f"
	timeout 20 sipsak -vv --local-ip "$ip" -f "$f" -s "sip:311@127.0.0.1:$sip_port" \
		>"$tmp/$name.sipsak" 2>&1
	status=$(sed -n 's/^SIP\/2.0 \([0-9][0-9][0-9]\) .*/\1/p' "$tmp/$name.sipsak" | head -1)
	[ -n "$status" ] || status=none
}

body() {	# body NAME TEXT: a body file holding exactly TEXT
	printf '%s' "$2" >"$tmp/$1.body"
	echo "$tmp/$1.body"
}

# The bodies of the MESSAGEs a UAS received for NUMBER, each followed by a
# line "=====".
replies() {	# replies UAS NUMBER
	[ -f "$tmp/$1.msg" ] || return 0
	tr -d '\r' <"$tmp/$1.msg" | awk -v uri="sip:$2@" '
		/^-----------------------------------------------/ {
			if (inbody) print "====="
			state = 0; inbody = 0; next
		}
		state == 0 && /message received/ { state = 1; next }
		state == 1 && /^MESSAGE / { state = (index($2, uri) == 1) ? 2 : 3; next }
		state == 2 && /^$/ { state = 4; inbody = 1; next }
		state == 4 { print }
		END { if (inbody) print "=====" }' |
	awk '/^=====$/ { sub(/\n+$/, "", buf); print buf; print "====="; buf = ""; next }
		{ buf = buf $0 "\n" }'
}
n_replies() { replies "$1" "$2" | grep -c '^=====$'; }
has_reply() { [ "$(n_replies "$1" "$2")" -ge "${3:-1}" ]; }	# has_reply UAS NUMBER [N]
q() { sqlite3 -cmd '.timeout 2000' "$db" "$1"; }

A=+15551230001
send hello 127.0.0.1 $A "sip-hello@127.0.0.1" 1 "text/plain; charset=utf-8" "$(body hello hello)"
[ "$status" = 202 ]
result $? "a text from an allowed peer is answered 202 Accepted (got $status)" \
	"stoopd $(kill -0 "$stoopd_pid" 2>/dev/null && echo runs || echo "is gone"); its log:" \
	"$(grep -m1 -A2 'ERROR: AddressSanitizer\|runtime error' "$tmp/stoopd.log")" \
	"$(grep -m1 '^SUMMARY' "$tmp/stoopd.log")" "$(tail -4 "$tmp/stoopd.log")" \
	"sipsak:" "$(tail -4 "$tmp/hello.sipsak")"
wait_for 10 has_reply peer $A
result $? "a reply MESSAGE for the resident reaches the peer" "$(tail -30 "$tmp/stoopd.log")"
reply=$(replies peer $A | sed '/^=====$/,$d')
welcome=$(catalog main.welcome)
menu=$(catalog main.menu)
case "$reply" in
"$welcome"*"$menu"*) r=0 ;;
*) r=1 ;;
esac
printf '%s\n' "$reply" | grep -q '^1 '
[ $r -eq 0 ] && [ $? -eq 0 ]
result $? "the reply is the welcome and the numbered main menu" "$reply"
tr -d '\r' <"$tmp/peer.msg" | grep -q "^MESSAGE sip:$A@127.0.0.1:$peer_port SIP/2.0"
result $? "the reply goes to sip:<number>@<the peer the text came from>" "$(head -20 "$tmp/peer.msg")"
tr -d '\r' <"$tmp/peer.msg" | grep -qi '^Content-Type: text/plain; *charset=utf-8'
result $? "the reply is text/plain; charset=utf-8" "$(head -20 "$tmp/peer.msg")"
tr -d '\r' <"$tmp/peer.msg" | grep -q '^From: <sip:311@127.0.0.1>'
result $? "the reply comes from the configured from-uri" "$(head -20 "$tmp/peer.msg")"
[ "$(q "SELECT transport, msg_ref, msisdn, text, state FROM sms_in WHERE msisdn = '$A'")" = \
  "sip|sip-hello@127.0.0.1/1|$A|hello|done" ]
result $? "the text is stored: transport sip, id Call-ID/CSeq, the From number, processed" \
	"$(q "SELECT * FROM sms_in")"
wait_for 5 test "$(q "SELECT state FROM sms_out WHERE msisdn = '$A'")" = sent
result $? "the peer's 200 OK marks the reply sent" "$(q "SELECT * FROM sms_out WHERE msisdn = '$A'")"

B=+15551230002
send help 127.0.0.1 $B "sip-help@127.0.0.1" 7 "text/plain" "$(body help ' HELP ')"
[ "$status" = 202 ]
result $? "HELP without a charset parameter is accepted (got $status)" "$(cat "$tmp/help.sipsak")"
wait_for 10 has_reply peer $B
[ "$(replies peer $B | sed '/^=====$/,$d')" = "$(catalog sms.help)" ]
result $? "HELP is answered with the help text" "$(replies peer $B)"

# ------------------------------------------------------------- refusals
C=+15551230003
send stranger 127.0.0.2 $C "sip-stranger@127.0.0.2" 1 "text/plain" "$(body stranger hello)"
[ "$status" = 403 ]
result $? "a MESSAGE from an address off the allow-list (127.0.0.2) gets 403 (got $status)" \
	"$(cat "$tmp/stranger.sipsak")"
grep -q 'MESSAGE from 127.0.0.2 refused with 403' "$tmp/stoopd.log"
result $? "the refusal is logged with the address" "$(tail -5 "$tmp/stoopd.log")"
[ "$(q "SELECT count(*) FROM sms_in WHERE msg_ref LIKE 'sip-stranger%' OR msisdn = '$C'")" = 0 ]
result $? "nothing of it is stored" "$(q "SELECT * FROM sms_in")"

printf 'caf\351 \377\376' >"$tmp/latin1.body"
send badutf8 127.0.0.1 $C "sip-badutf8@127.0.0.1" 1 "text/plain; charset=utf-8" "$tmp/latin1.body"
[ "$status" = 400 ] || [ "$status" = 415 ]
result $? "a body that is not valid UTF-8 gets an error response (got $status)" "$(cat "$tmp/badutf8.sipsak")"
grep -q 'refused with 4.*not valid UTF-8' "$tmp/stoopd.log"
result $? "the log says the body is not valid UTF-8" "$(tail -5 "$tmp/stoopd.log")"
printf 'a\0b' >"$tmp/nul.body"
send nul 127.0.0.1 $C "sip-nul@127.0.0.1" 1 "text/plain" "$tmp/nul.body"
[ "$status" = 400 ]
result $? "a body with a NUL byte gets 400 (got $status)" "$(cat "$tmp/nul.sipsak")"
: >"$tmp/empty.body"
send empty 127.0.0.1 $C "sip-empty@127.0.0.1" 1 "text/plain" "$tmp/empty.body"
[ "$status" = 400 ]
result $? "an empty MESSAGE gets 400 (got $status)" "$(cat "$tmp/empty.sipsak")"
head -c 1601 /dev/zero | tr '\0' x >"$tmp/long.body"
send long 127.0.0.1 $C "sip-long@127.0.0.1" 1 "text/plain" "$tmp/long.body"
[ "$status" = 413 ]
result $? "a body of 1601 bytes gets 413 (got $status)" "$(cat "$tmp/long.sipsak")"
send json 127.0.0.1 $C "sip-json@127.0.0.1" 1 "application/json" "$(body json '{"text":"hi"}')"
[ "$status" = 415 ] && grep -qi '^Accept: text/plain' <(tr -d '\r' <"$tmp/json.sipsak")
result $? "another Content-Type gets 415 with Accept: text/plain (got $status)" "$(cat "$tmp/json.sipsak")"
send latin 127.0.0.1 $C "sip-latin@127.0.0.1" 1 "text/plain; charset=iso-8859-1" "$(body latin hello)"
[ "$status" = 415 ]
result $? "text/plain in another charset gets 415 (got $status)" "$(cat "$tmp/latin.sipsak")"
send notnum 127.0.0.1 alice "sip-alice@127.0.0.1" 1 "text/plain" "$(body notnum hello)"
[ "$status" = 400 ]
result $? "a From whose user part is not a phone number gets 400 (got $status)" "$(cat "$tmp/notnum.sipsak")"
[ "$(q "SELECT count(*) FROM sms_in WHERE msisdn IN ('$C', 'alice')")" = 0 ]
result $? "none of the refused texts is stored" "$(q "SELECT * FROM sms_in")"
kill -0 "$stoopd_pid" 2>/dev/null
result $? "stoopd keeps running after the refusals"
send after 127.0.0.1 $C "sip-after@127.0.0.1" 1 "text/plain" "$(body after hello)"
[ "$status" = 202 ]
result $? "and takes the next good text (got $status)" "$(cat "$tmp/after.sipsak")"

# ------------------------------------------------------------ duplicates
D=+15551230004
dup=$(body dup 'hello again')
send dup1 127.0.0.1 $D "sip-dup@127.0.0.1" 42 "text/plain" "$dup"
s1=$status
send dup2 127.0.0.1 $D "sip-dup@127.0.0.1" 42 "text/plain" "$dup"
s2=$status
[ "$s1" = 202 ] && [ "$s2" = 202 ]
result $? "the same MESSAGE (Call-ID, CSeq) sent twice is acknowledged twice (got $s1, $s2)" \
	"$(cat "$tmp/dup2.sipsak")"
grep -q 'had it already, 202 again' "$tmp/stoopd.log"
result $? "stoopd knows the second one by its Call-ID and CSeq" "$(tail -5 "$tmp/stoopd.log")"
[ "$(q "SELECT count(*) FROM sms_in WHERE msisdn = '$D'")" = 1 ]
result $? "it is stored once" "$(q "SELECT * FROM sms_in WHERE msisdn = '$D'")"
wait_for 10 has_reply peer $D
sleep 2
[ "$(n_replies peer $D)" = 1 ] && [ "$(q "SELECT count(*) FROM sms_out WHERE msisdn = '$D'")" = 1 ]
result $? "and answered once" "$(replies peer $D)"
send dup3 127.0.0.1 $D "sip-dup@127.0.0.1" 43 "text/plain" "$dup"
[ "$status" = 202 ] && [ "$(q "SELECT count(*) FROM sms_in WHERE msisdn = '$D'")" = 2 ]
result $? "the next CSeq of that Call-ID is a new text" "$(q "SELECT * FROM sms_in WHERE msisdn = '$D'")"

# ------------------------------------------------- replies and their fate
E=+15551230005
send refused 127.0.0.3 $E "sip-refused@127.0.0.3" 1 "text/plain" "$(body refused hello)"
[ "$status" = 202 ]
result $? "a text from the second peer (127.0.0.3) is accepted (got $status)" "$(cat "$tmp/refused.sipsak")"
wait_for 10 has_reply refuser $E
result $? "its reply goes to that peer, not the first one" "$(tail -10 "$tmp/stoopd.log")"
wait_for 5 test "$(q "SELECT state FROM sms_out WHERE msisdn = '$E'")" = failed
r=$?
[ $r -eq 0 ] && q "SELECT last_error FROM sms_out WHERE msisdn = '$E'" | grep -q '^SIP 404'
result $? "a 404 from the peer fails the reply for good, with the reason" \
	"$(q "SELECT * FROM sms_out WHERE msisdn = '$E'")"
[ "$(n_replies peer $E)" = 0 ]
result $? "the first peer never sees it"

F=+15551230006
send down 127.0.0.4 $F "sip-down@127.0.0.4" 1 "text/plain" "$(body down hello)"
[ "$status" = 202 ]
result $? "a text from a peer that takes no replies is still accepted (got $status)" "$(cat "$tmp/down.sipsak")"
wait_for 40 test "$(q "SELECT attempts > 0 AND state = 'queued' FROM sms_out WHERE msisdn = '$F'")" = 1
result $? "its reply stays queued for a retry (attempts counted, temporary error)" \
	"$(q "SELECT * FROM sms_out WHERE msisdn = '$F'")"

# ------------------------------------------------------------- the log
! grep -qE '\+1555123000[0-9]' "$tmp/stoopd.log"
result $? "no whole number in the log at info level" "$(grep -E '\+1555123000' "$tmp/stoopd.log" | head -5)"
! grep -qE 'hello|HELP|caf|xxxxxxxx' "$tmp/stoopd.log"
result $? "no message body in the log" "$(grep -E 'hello|HELP|caf|xxxxxxxx' "$tmp/stoopd.log" | head -5)"

# ------------------------------------------------------------- stopping
stop_stoopd() {	# stop_stoopd: SIGTERM, then rc is its exit status (124: still running)
	kill -TERM "$stoopd_pid"
	rc=124
	for i in $(seq 1 100); do
		if ! kill -0 "$stoopd_pid" 2>/dev/null; then
			wait "$stoopd_pid"
			rc=$?
			break
		fi
		sleep 0.1
	done
}
G=+15551230007
send second 127.0.0.5 $G "sip-second@127.0.0.5" 1 "text/plain" "$(body second hello)"
[ "$status" = 202 ] && wait_for 10 has_reply peer2 $G
result $? "a text through the peer 127.0.0.5 is answered there" "$(tail -10 "$tmp/stoopd.log")"
stop_stoopd
[ $rc -eq 0 ] && grep -q 'stoopd stopped' "$tmp/stoopd.log"
result $? "SIGTERM stops stoopd within 10 s, exit status 0 (got $rc)" "$(tail -20 "$tmp/stoopd.log")"

# ------------------------------------------- the way back survives a restart
ctl() { STOOP_DATADIR="$src" "$build/gateway/stoopctl" -d "$db" "$@"; }
case_id=$(ctl new-case pothole "5 Elm Street" --phone $G 2>&1 | grep -o '[0-9]\{7\}' | head -1)
[ -n "$case_id" ] && ctl set-status "$case_id" closed "Filled" >"$tmp/ctl.out" 2>&1
result $? "while stoopd is down, stoopctl closes a case $G follows" "$case_id $(cat "$tmp/ctl.out")"
[ "$(q "SELECT via || ' ' || route FROM sms_out WHERE msisdn = '$G' AND reason = 'status'")" = \
  "sip 127.0.0.5" ]
result $? "the notification is queued for SIP, to the peer $G last texted through" \
	"$(q "SELECT * FROM sms_out WHERE msisdn = '$G'")"
start_stoopd
result $? "stoopd starts again on the same store" "$(tail -20 "$tmp/stoopd.log")"
pids="$pids $stoopd_pid"
wait_for 15 has_reply peer2 $G 2
result $? "after the restart the notification reaches 127.0.0.5" "$(replies peer2 $G)"
[ "$(n_replies peer $G)" = 0 ]
result $? "and never the first peer" "$(replies peer $G)"
stop_stoopd
[ $rc -eq 0 ]
result $? "stoopd stops again (got $rc)" "$(tail -20 "$tmp/stoopd.log")"

# ------------------------------------- one SIP port for calls and texts
# The voice node on the sip-sms node's address: one nua takes both.  The
# prompts a call plays: the catalogs of the source, the WAVs of the build.
prompts_layout "$src" "$build" "$tmp/prompts"
sed "s|^ prompts-dir .*| prompts-dir $tmp/prompts\n recordings-dir $tmp/rec|" "$tmp/stoop.cfg" >"$tmp/sms-only.cfg"
start_shared() {	# like start_stoopd, with a voice node on the SIP port
	local try rtp
	for try in 1 2 3 4 5; do
		sip_port=$(random_port)
		rtp=$(random_port)
		sed "s|^ local-port .*| local-port $sip_port|" "$tmp/sms-only.cfg" >"$tmp/stoop.cfg"
		printf 'voice\n local-ip 127.0.0.1\n local-port %s\n rtp-ports %s %s\n peer 127.0.0.1\n route 311 main\n' \
			"$sip_port" "$rtp" $((rtp + 99)) >>"$tmp/stoop.cfg"
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
start_shared
result $? "stoopd starts with a voice and a sip-sms node on one address and port ($sip_port)" \
	"$(tail -20 "$tmp/stoopd.log")"
pids="$pids $stoopd_pid"
grep -q "sip-sms: listening on 127.0.0.1 port $sip_port (the voice channel's SIP port)" "$tmp/stoopd.log"
result $? "the log says the texts share the voice channel's port" "$(grep -i 'listening' "$tmp/stoopd.log")"
H=+15551230008
send shared 127.0.0.1 $H "sip-shared@127.0.0.1" 1 "text/plain" "$(body shared hello)"
[ "$status" = 202 ] && wait_for 10 has_reply peer $H
result $? "a text on the shared port is accepted (got $status) and answered" "$(tail -10 "$tmp/stoopd.log")"
case "$(replies peer $H | sed '/^=====$/,$d')" in
"$welcome"*"$menu"*) r=0 ;;
*) r=1 ;;
esac
result $r "the answer is the welcome and the menu, as on a port of its own" "$(replies peer $H)"
timeout 20 sipsak -vv --local-ip 127.0.0.1 -s "sip:311@127.0.0.1:$sip_port" >"$tmp/options.sipsak" 2>&1
allow=$(tr -d '\r' <"$tmp/options.sipsak" | grep -i '^Allow:')
case "$allow" in
*INVITE*MESSAGE*|*MESSAGE*INVITE*) r=0 ;;
*) r=1 ;;
esac
result $r "OPTIONS on the shared port allows INVITE and MESSAGE" "$(cat "$tmp/options.sipsak")"
(cd "$tmp" && timeout 30 sipp -sn uac -s 311 -i 127.0.0.1 -p "$(random_port)" -m 1 -d 1000 \
	-timeout 20s -nostdin "127.0.0.1:$sip_port" >"$tmp/uac.out" 2>&1)
result $? "a call on the same port is answered, held a second and hung up (sipp uac)" \
	"$(tail -20 "$tmp/uac.out")" "$(grep -i 'call(' "$tmp/stoopd.log" | tail -5)"
send stranger2 127.0.0.2 $C "sip-stranger2@127.0.0.2" 1 "text/plain" "$(body stranger2 hello)"
[ "$status" = 403 ]
result $? "a text from off the sip-sms allow-list still gets 403 there (got $status)" \
	"$(cat "$tmp/stranger2.sipsak")"
stop_stoopd
[ $rc -eq 0 ] && ! grep -q 'did not finish its shutdown' "$tmp/stoopd.log"
result $? "SIGTERM stops the shared user agent cleanly (got $rc)" "$(tail -20 "$tmp/stoopd.log")"

[ $failed -eq 0 ]

