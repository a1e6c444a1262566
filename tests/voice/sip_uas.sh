#!/bin/bash
# sip_uas.sh -- the voice channel's SIP user agent server
# (gateway/voice/sip.c) against real peers on the loopback.  The test
# program tests/voice/sip_uas_test runs a sip_ua and prints what its owner
# hears (incoming, media, dtmf, ended); sipp plays the callers
# (tests/voice/uac_*.xml), sipsak sends OPTIONS, node sends malformed
# requests (tests/voice/sip_torture.js).  Each check asserts what the
# caller saw (sipp's verdict, its message log) and what the owner heard:
#   a call with its SDP answer, three digits by SIP INFO, bad INFOs
#   refused while the call goes on, BYE; OPTIONS; CANCEL before the
#   answer (487); G.729 only (488); a source off the allow-list (403);
#   max-calls (503, Retry-After) and the owner's refusal (503); hold and
#   resume by re-INVITE; Diversion and History-Info; a late offer; the
#   service hanging up, before and after the answer; no ACK; the torture
#   corpus, after which a call still completes; shutdown with a call up;
#   no whole number, digit or SDP in the log; no leak.
# TAP lines on stdout; every wait is bounded.  Env: STOOP_SRCDIR,
# STOOP_BUILDDIR.  Runs in bash (started with sh, it starts bash).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
export LC_ALL=C
src=${STOOP_SRCDIR:?}
build=${STOOP_BUILDDIR:?}
uas_bin="$build/tests/voice/sip_uas_test"
xml="$src/tests/voice"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stoop-voice-sip.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
n=0
failed=0

. "$src/tests/lib.sh"

for tool in sipp sipsak node; do
	if ! command -v $tool >/dev/null; then
		result 1 "$tool is installed (apt-get install ${tool/sipp/sip-tester})"
		exit 1
	fi
done
if [ ! -x "$uas_bin" ]; then
	result 1 "the test program is built ($uas_bin: make check builds it)"
	exit 1
fi


# start_uas NAME ARGS...: the test program on a free port; sets uas_port
# and uas_pid.  A short 64*T1 (2 s) keeps the ACK and BYE waits short.
start_uas() {
	local name=$1 try
	shift
	for try in 1 2 3 4 5; do
		uas_port=$(random_port)
		"$uas_bin" --port "$uas_port" --lifetime 280 --timeout-ms 2000 "$@" \
			>"$tmp/$name.out" 2>"$tmp/$name.err" &
		uas_pid=$!
		if wait_for 10 grep -q '^ready\|^cannot start' "$tmp/$name.out" &&
		   grep -q '^ready' "$tmp/$name.out"; then
			pids="$pids $uas_pid"
			return 0
		fi
		kill "$uas_pid" 2>/dev/null
		wait "$uas_pid" 2>/dev/null
	done
	return 1
}

# call NAME SCENARIO SERVICE [SIPP-OPTIONS...]: one call by sipp to the
# main test program (or to $to_port if set) from 127.0.0.1 (or -i ...);
# sipp's exit status; its messages are in $tmp/NAME.msg.
call() {
	local name=$1 scenario=$2 service=$3
	shift 3
	timeout 40 sipp "127.0.0.1:${to_port:-$port}" -sf "$scenario" -s "$service" -i 127.0.0.1 \
		-p "$(random_port)" -m 1 -nostdin -timeout 30s -timeout_error \
		-trace_msg -message_file "$tmp/$name.msg" -trace_err -error_file "$tmp/$name.err" \
		"$@" >"$tmp/$name.out" 2>&1
}
# What sipp saw, for a failing check.
seen() { tail -30 "$tmp/$1.err" 2>/dev/null; tail -60 "$tmp/$1.msg" 2>/dev/null | tr -d '\r'; }
# The Call-ID of a sipp call, and the test program's id for it.
call_id_of() { tr -d '\r' <"$tmp/$1.msg" 2>/dev/null | sed -n 's/^Call-ID: *//p' | head -1; }
uas_id() { sed -n "s/^incoming id=\([0-9]*\) .* call_id=$2\$/\1/p" "$tmp/$1.out" | head -1; }
# The owner's lines about call ID of test program NAME.
events() { grep -E "^[a-z]+ id=$2( |\$)" "$tmp/$1.out"; }
# A copy of uac_refused.xml that expects STATUS.
refused_xml() { sed "s/STATUS/$1/" "$xml/uac_refused.xml" >"$tmp/refused_$1.xml"; echo "$tmp/refused_$1.xml"; }

# ------------------------------------------------------------ the service
start_uas uas --peer 127.0.0.1
result $? "the test program's user agent listens (port $uas_port)" "$(cat "$tmp/uas.out" "$tmp/uas.err" 2>/dev/null)"
port=$uas_port
main_pid=$uas_pid
grep -q 'voice-sip: listening on 127.0.0.1 port' "$tmp/uas.err"
result $? "it says where it listens" "$(head -5 "$tmp/uas.err")"

# ------------------------------------------------------------- a call
call basic "$xml/uac_basic.xml" 311
result $? "a call: 200 with m=audio 40000, PCMU and telephone-event 101; ACK; INFO digits; BYE (sipp)" "$(seen basic)"
cid=$(call_id_of basic)
id=$(uas_id uas "$cid")
events uas "$id" | grep -q '^incoming .* called=311 caller=+15551230001 diverted_from=- reason=-'
result $? "the owner hears of it: called number 311, the caller's number" "$(cat "$tmp/uas.out")"
events uas "$id" | grep -q '^offer .* remote=127.0.0.1:[0-9]* pt=0 dtmf_pt=101 hold=0'
result $? "with the caller's RTP address, PCMU and telephone-event 101" "$(events uas "$id")"
digits=$(events uas "$id" | sed -n 's/^dtmf id=[0-9]* key=\(.\) duration=\([0-9]*\)$/\1\/\2/p' | tr '\n' ' ')
[ "$digits" = "1/160 #/250 7/0 " ]
result $? "three digits: dtmf-relay 1 (160 ms) and # (250 ms), application/dtmf 7 (got: $digits)" \
	"$(events uas "$id")"
tr -d '\r' <"$tmp/basic.msg" | grep -q '^SIP/2.0 400' && tr -d '\r' <"$tmp/basic.msg" | grep -q '^SIP/2.0 415' &&
	[ "$(events uas "$id" | grep -c '^dtmf')" = 3 ]
result $? "a dtmf-relay body that is no digit gets 400, a text/plain INFO 415, and neither is a digit" \
	"$(events uas "$id")"
wait_for 5 grep -q "^ended id=$id reason=bye$" "$tmp/uas.out"
result $? "the caller's BYE ends it: ended(bye), once" "$(events uas "$id")"
answer=$(tr -d '\r' <"$tmp/basic.msg" | sed -n '/^SIP\/2.0 200 OK/,/^-----/p' | sed -n '/^v=0/,/^$/p' | head -12)
printf '%s\n' "$answer" | grep -q '^o=stoop [0-9]* [0-9]* IN IP4 127.0.0.1$' &&
	printf '%s\n' "$answer" | grep -q '^c=IN IP4 127.0.0.1$' &&
	printf '%s\n' "$answer" | grep -q '^t=0 0$' &&
	printf '%s\n' "$answer" | grep -q '^a=fmtp:101 0-16$' &&
	printf '%s\n' "$answer" | grep -q '^a=ptime:20$' &&
	printf '%s\n' "$answer" | grep -q '^a=sendrecv$'
result $? "the answer SDP: o=, c=IN IP4, t=0 0, fmtp 0-16, ptime 20, sendrecv" "$answer"

# ------------------------------------------------------------- OPTIONS
timeout 20 sipsak -vv -s "sip:311@127.0.0.1:$port" >"$tmp/options.out" 2>&1
opts=$(tr -d '\r' <"$tmp/options.out")
printf '%s\n' "$opts" | grep -q '^SIP/2.0 200' &&
	printf '%s\n' "$opts" | grep -q '^Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO' &&
	printf '%s\n' "$opts" | grep '^Accept:' | grep -q 'application/sdp' &&
	printf '%s\n' "$opts" | grep '^Accept:' | grep -q 'application/dtmf-relay'
result $? "OPTIONS (sipsak): 200 with Allow (INFO too) and Accept (SDP, dtmf-relay)" "$opts"
timeout 20 sipsak -vv --local-ip 127.0.0.2 -s "sip:311@127.0.0.1:$port" >"$tmp/options2.out" 2>&1
tr -d '\r' <"$tmp/options2.out" | grep -q '^SIP/2.0 403'
result $? "OPTIONS from an address off the allow-list: 403" "$(cat "$tmp/options2.out")"

# ------------------------------------------------------- refused calls
call cancel "$xml/uac_cancel.xml" ring2000
result $? "CANCEL before the answer (the owner answers after 2 s): 180, 200 to the CANCEL, 487 (sipp)" \
	"$(seen cancel)"
id=$(uas_id uas "$(call_id_of cancel)")
wait_for 5 grep -q "^ended id=$id reason=cancel$" "$tmp/uas.out" && ! events uas "$id" | grep -q '^answer'
result $? "the owner hears ended(cancel) and never answers" "$(events uas "$id")"
sleep 2
! events uas "$id" | grep -q '^answer' && [ "$(events uas "$id" | grep -c '^ended')" = 1 ]
result $? "its answer timer is gone with it (nothing 2 s later)" "$(events uas "$id")"

call g729 "$xml/uac_g729.xml" 311
result $? "an offer of G.729 only: 488 (sipp)" "$(seen g729)"
[ -z "$(uas_id uas "$(call_id_of g729)")" ] &&
	grep -q 'refused with 488: the SDP offer: no PCMU or PCMA offered (18 G729/8000)' "$tmp/uas.err"
result $? "the owner never hears of it; the log says what was offered" "$(grep 488 "$tmp/uas.err")"
tr -d '\r' <"$tmp/g729.msg" | grep -q '^Warning: 305 '
result $? "the 488 carries Warning: 305 (incompatible media format)" "$(seen g729)"

call stranger "$(refused_xml 403)" 311 -i 127.0.0.2
result $? "a call from 127.0.0.2, off the allow-list: 403 (sipp)" "$(seen stranger)"
grep -q 'INVITE from 127.0.0.2 refused with 403: not a configured peer' "$tmp/uas.err" &&
	[ -z "$(uas_id uas "$(call_id_of stranger)")" ]
result $? "logged with the address; the owner never hears of it" "$(tail -5 "$tmp/uas.err")"

call refuse "$(refused_xml 503)" refuse
result $? "a call the owner refuses: 503 (sipp)" "$(seen refuse)"
tr -d '\r' <"$tmp/refuse.msg" | grep -q '^Retry-After: [0-9]'
result $? "with Retry-After" "$(seen refuse)"

call reject "$(refused_xml 480)" reject300
result $? "the owner hangs up before answering: 180, then 480 (sipp)" "$(seen reject)"
id=$(uas_id uas "$(call_id_of reject)")
wait_for 5 grep -q "^ended id=$id reason=hangup$" "$tmp/uas.out"
result $? "ended(hangup)" "$(events uas "$id")"

# ------------------------------------------------------ in-call changes
call hold "$xml/uac_hold.xml" 311
result $? "hold and resume by re-INVITE: 200 with a=recvonly, then a=sendrecv, port 40000 both times (sipp)" \
	"$(seen hold)"
id=$(uas_id uas "$(call_id_of hold)")
media=$(events uas "$id" | sed -n 's/^media id=[0-9]* .* hold=\([01]\)$/\1/p' | tr '\n' ' ')
[ "$media" = "1 0 " ]
result $? "media() twice: hold, then not (got: $media)" "$(events uas "$id")"
[ "$(events uas "$id" | tail -1)" = "ended id=$id reason=bye" ] && [ "$(events uas "$id" | grep -c '^ended')" = 1 ]
result $? "the call stays up until the caller's BYE" "$(events uas "$id")"
versions=$(tr -d '\r' <"$tmp/hold.msg" | sed -n 's/^o=stoop [0-9]* \([0-9]*\) .*/\1/p' | tr '\n' ' ')
set -- $versions
[ $# -eq 3 ] && [ $(($2 - $1)) -eq 1 ] && [ $(($3 - $2)) -eq 1 ]
result $? "each re-INVITE answer's o= version is one more (got: $versions)" "$(seen hold)"

call diversion "$xml/uac_diversion.xml" 311
id=$(uas_id uas "$(call_id_of diversion)")
events uas "$id" | grep -q '^incoming .* called=311 .* diverted_from=+15552000100 reason=no-answer'
result $? "Diversion: the number that diverted the call and the reason (no-answer)" \
	"$(events uas "$id")" "$(seen diversion)"

call history "$xml/uac_history.xml" 311
id=$(uas_id uas "$(call_id_of history)")
events uas "$id" | grep -q '^incoming .* called=311 .* diverted_from=+15552000200 reason=user-busy'
result $? "History-Info: the retargeted number and its cause as a reason (486: user-busy)" \
	"$(events uas "$id")" "$(seen history)"

call late "$xml/uac_late.xml" 311
result $? "a late offer: INVITE without SDP, 200 with our offer (0 8 101 on port 40000), answer in the ACK (sipp)" \
	"$(seen late)"
id=$(uas_id uas "$(call_id_of late)")
events uas "$id" | grep -q '^offer .* remote=-:0 pt=-1 ' &&
	events uas "$id" | grep -q '^media .* remote=127.0.0.1:[0-9]* pt=8 dtmf_pt=101 hold=0' &&
	events uas "$id" | grep -q '^dtmf .* key=9 duration=100'
result $? "incoming() without media, then media() with the ACK's answer (PCMA); a digit" "$(events uas "$id")"

# --------------------------------------------------- the service ends it
call byein "$xml/uac_bye_in.xml" hangup500
result $? "the owner hangs up 500 ms after answering: the caller gets BYE and answers 200 (sipp)" \
	"$(seen byein)"
id=$(uas_id uas "$(call_id_of byein)")
wait_for 5 grep -q "^ended id=$id reason=hangup$" "$tmp/uas.out"
result $? "ended(hangup) once the BYE is answered" "$(events uas "$id")"

call noack "$xml/uac_no_ack.xml" 311
result $? "no ACK: after 64*T1 the service sends BYE (sipp)" "$(seen noack)"
id=$(uas_id uas "$(call_id_of noack)")
wait_for 5 grep -q "^ended id=$id reason=ack-timeout$" "$tmp/uas.out"
result $? "ended(ack-timeout)" "$(events uas "$id")"

# ------------------------------------------------------------ max-calls
start_uas busy --peer 127.0.0.1 --max-calls 1
result $? "a second test program with max-calls 1 (port $uas_port)" "$(cat "$tmp/busy.err")"
busy_port=$uas_port
busy_pid=$uas_pid
to_port=$busy_port call first "$xml/uac_bye_in.xml" hangup3000 &
first_pid=$!
wait_for 10 grep -q '^incoming' "$tmp/busy.out"
to_port=$busy_port call second "$(refused_xml 503)" 311
result $? "with one call up, a second call gets 503 (sipp)" "$(seen second)"
tr -d '\r' <"$tmp/second.msg" | grep -q '^Retry-After: [0-9]' &&
	grep -q 'refused with 503: 1 calls up, the most max-calls allows' "$tmp/busy.err"
result $? "with Retry-After, and a log line saying why" "$(seen second)" "$(tail -3 "$tmp/busy.err")"
wait "$first_pid"
result $? "the first call goes on until the service hangs up (sipp)" "$(seen first)"
to_port=$busy_port call third "$xml/uac_basic.xml" 311
result $? "once it ended, the next call is taken (sipp)" "$(seen third)"

# shutdown with a call up: the caller gets BYE
to_port=$busy_port call last "$xml/uac_bye_in.xml" 311 &
last_pid=$!
wait_for 10 test "$(grep -c '^incoming' "$tmp/busy.out")" -ge 3
kill -TERM "$busy_pid"
wait "$last_pid"
result $? "SIGTERM with a call up: the caller gets BYE and answers it (sipp)" "$(seen last)"
wait_for 15 grep -q '^talloc-blocks-left' "$tmp/busy.out"
grep -q 'reason=shutdown$' "$tmp/busy.out" && grep -q '^stopped$' "$tmp/busy.out" &&
	grep -q '^calls-left 0$' "$tmp/busy.out"
result $? "ended(shutdown), then the user agent stops" "$(tail -8 "$tmp/busy.out")"

# ---------------------------------------------------------- torture
timeout 120 node "$xml/sip_torture.js" "$port" >"$tmp/torture.out" 2>&1
result $? "the corpus of malformed requests is sent (node)" "$(tail -20 "$tmp/torture.out")"
cases=$(grep -c '^case ' "$tmp/torture.out")
[ "$cases" -ge 40 ]
result $? "every case was answered or dropped ($cases cases)" "$(cat "$tmp/torture.out")"
# expect CASE STATUS-REGEXP WHAT
expect() {
	local got
	got=$(sed -n "s/^case $1 //p" "$tmp/torture.out")
	printf '%s\n' "$got" | grep -Eqx "$2"
	result $? "$3: $2 (got ${got:-nothing})"
}
expect no_call_id '400|none' "no Call-ID"
expect no_cseq '400|none' "no CSeq"
expect cl_too_long '400|none' "Content-Length beyond the datagram"
expect cl_negative '400|none' "a negative Content-Length"
expect cl_huge '400|none' "a Content-Length of 23 digits"
expect cl_twice '400|none' "two Content-Lengths"
expect big_header_tcp '4[0-9][0-9]|5[0-9][0-9]|closed|none' "a 100 KB header over TCP"
expect garbage 'none|400' "binary garbage"
expect sdp_invalid 400 "an SDP that does not parse"
expect sdp_bad_format 400 "an m= line with a format that is no payload type"
expect sdp_nul_bytes 400 "an SDP with NUL bytes"
expect sdp_no_audio 488 "an SDP without audio"
expect sdp_many_mlines 488 "an SDP with 500 m= lines"
expect body_text_plain 415 "an INVITE with a text/plain body"
expect body_gzip 415 "a gzip Content-Encoding"
expect body_no_ctype 400 "a body without Content-Type"
expect multipart_sdp 503 "multipart/mixed with SDP and ISUP: the SDP is read (the owner refuses, 503)"
expect multipart_garbage '400|415' "a multipart body that does not parse"
expect multipart_long_boundary 400 "a multipart boundary of 4000 characters and a body of 3"
expect whitespace_escapes 503 "odd but valid: folding, odd case, an escaped user part (the owner refuses, 503)"
expect require_100rel 420 "Require: 100rel"
expect info_no_dialog 481 "INFO outside a call"
expect bye_no_dialog 481 "BYE outside a call"
expect cancel_unknown 481 "CANCEL of nothing"
expect register 405 "REGISTER"
kill -0 "$main_pid" 2>/dev/null
result $? "the user agent is still running"
call after "$xml/uac_basic.xml" 311
result $? "and a call still completes (sipp)" "$(seen after)"
id=$(uas_id uas "$(call_id_of after)")
[ "$(events uas "$id" | grep -c '^dtmf')" = 3 ] && wait_for 5 grep -q "^ended id=$id reason=bye$" "$tmp/uas.out"
result $? "with its three digits and its end" "$(events uas "$id")"

# ------------------------------------------------------------ the log
! grep -Eq '\+1555(123|999|200)[0-9]{4}' "$tmp/uas.err" "$tmp/busy.err"
result $? "no whole number in the log at info level" \
	"$(grep -Eh '\+1555(123|999|200)[0-9]{4}' "$tmp/uas.err" "$tmp/busy.err" | head -5)"
! grep -Eq 'm=audio|a=rtpmap|Signal=|digit [0-9#*]' "$tmp/uas.err" "$tmp/busy.err"
result $? "no SDP and no digit in the log at info level" \
	"$(grep -Eh 'm=audio|a=rtpmap|Signal=|digit [0-9#*]' "$tmp/uas.err" "$tmp/busy.err" | head -5)"

# ------------------------------------------------------------ stopping
kill -TERM "$main_pid"
rc=124
for i in $(seq 1 150); do
	if ! kill -0 "$main_pid" 2>/dev/null; then
		wait "$main_pid"
		rc=$?
		break
	fi
	sleep 0.1
done
[ $rc -eq 0 ] && grep -q '^stopped$' "$tmp/uas.out"
result $? "SIGTERM stops it within 15 s, exit status 0 (got $rc)" "$(tail -8 "$tmp/uas.out")" \
	"$(tail -5 "$tmp/uas.err")"
grep -q '^calls-left 0$' "$tmp/uas.out" && grep -q '^talloc-blocks-left 0$' "$tmp/uas.out" &&
	grep -q '^calls-left 0$' "$tmp/busy.out" && grep -q '^talloc-blocks-left 0$' "$tmp/busy.out"
result $? "every call ended exactly as often as it began, nothing left on the ua's talloc context" \
	"$(tail -n 4 "$tmp/uas.out" "$tmp/busy.out")"
starts=$(grep -c '^incoming' "$tmp/uas.out")
ends=$(grep -c '^ended' "$tmp/uas.out")
[ "$starts" = "$ends" ]
result $? "ended() once per call: $starts calls, $ends ends" "$(grep -E '^(incoming|ended)' "$tmp/uas.out")"
! grep -Eq 'AddressSanitizer|runtime error|LeakSanitizer' "$tmp/uas.err" "$tmp/busy.err"
result $? "no sanitizer report" \
	"$(grep -Eh -A5 'AddressSanitizer|runtime error|LeakSanitizer' "$tmp/uas.err" "$tmp/busy.err" | head -30)"
grep '^stats' "$tmp/uas.out" | sed 's/^/# /'

[ $failed -eq 0 ]
