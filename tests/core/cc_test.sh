#!/bin/bash
# cc_test.sh -- the contact center on a running stoopd with the shipped
# flows: business hours from an `hours` node read against a test clock
# (STOOP_CLOCK at start-up, `hours test-clock` on the console), texts sent
# by sipsak as SIP MESSAGE (replies read from the store's outbound queue
# with sqlite3), the telnet console over TCP and stoopctl on the same file:
#   show hours open, then closed on a holiday; AGENT by text while open and
#   while closed; a callback booked by text, listed by `show callbacks`
#   (number masked) and `stoopctl callbacks` (number shown), marked done
#   on the console and found in the case history; an announcement turned
#   on from the console reaches the next SMS conversation, "1" makes the
#   resident a follower who then gets the case's status update, turned off
#   it is gone, turned on by stoopctl while stoopd runs it is back;
#   `write terminal` keeps the hours node; bad hours lines stop start-up
#   naming file:line; no full number in the log.
# TAP lines on stdout; every wait is bounded.  Env: STOOP_SRCDIR, STOOP_BUILDDIR.
set -u
export LC_ALL=C
src=${STOOP_SRCDIR:?}
build=${STOOP_BUILDDIR:?}
stoopd="$build/gateway/stoopd"
stoopctl="$build/gateway/stoopctl"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stoop-cc.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
n=0
failed=0

. "$src/tests/lib.sh"

check() {	# check NAME FILE REGEX
	grep -qE -- "$3" "$2"
	result $? "$1" "$(cat "$2")"
}
check_not() {	# check_not NAME FILE REGEX
	! grep -qE -- "$3" "$2"
	result $? "$1" "$(grep -E -- "$3" "$2")"
}

for tool in sipsak sqlite3; do
	if ! command -v $tool >/dev/null; then
		result 1 "$tool is installed"
		echo "# $n checks, $failed failed"
		exit 1
	fi
done

db="$tmp/stoop.db"
q() { sqlite3 -cmd '.timeout 2000' "$db" "$1"; }

write_config() {	# write_config FILE VTY-PORT SIP-PORT
	cat >"$1" <<EOF
log stderr
 logging filter all 1
 logging color 0
 logging timestamp 0
 logging print category 1
 logging level set-all info
line vty
 no login
 bind 127.0.0.1 $2
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
 local-port $3
 peer 127.0.0.1 port $(random_port)
 from-uri sip:311@127.0.0.1
hours
 timezone America/New_York
 day mon-fri 08:00 18:00
 day sat 09:00 13:00
 closed sun
 holiday 2026-12-25
EOF
}

# stoopd with its business hours read as from Monday 2026-11-23 10:00 in
# New York (open).
start_stoopd() {	# sets vty_port, sip_port, stoopd_pid
	local try
	for try in 1 2 3 4 5; do
		vty_port=$(random_port)
		sip_port=$(random_port)
		write_config "$tmp/stoop.cfg" "$vty_port" "$sip_port"
		: >"$tmp/stoopd.log"
		STOOP_CLOCK=2026-11-23T15:00:00Z "$stoopd" -c "$tmp/stoop.cfg" >>"$tmp/stoopd.log" 2>&1 &
		stoopd_pid=$!
		if wait_for 10 grep -q 'started; console\|not started' "$tmp/stoopd.log" \
		   && grep -q 'started; console' "$tmp/stoopd.log"; then
			return 0
		fi
		kill "$stoopd_pid" 2>/dev/null
		wait "$stoopd_pid" 2>/dev/null
	done
	return 1
}
start_stoopd
result $? "stoopd starts with an hours node and STOOP_CLOCK" "$(tail -20 "$tmp/stoopd.log")"
pids="$pids $stoopd_pid"
check "STOOP_CLOCK is announced in the log" "$tmp/stoopd.log" \
	"STOOP_CLOCK: business hours are read as from 2026-11-23T15:00:00Z"

# text NAME FROM BODY: a resident's text by SIP MESSAGE; waits for the
# reply in the store's queue and leaves it in $tmp/NAME.reply.
seq_no=0
text() {
	local name=$1 from=$2 body=$3 before f="$tmp/$1.req"
	seq_no=$((seq_no + 1))
	before=$(q "SELECT count(*) FROM sms_out WHERE msisdn = '$from'")
	{
		printf 'MESSAGE sip:311@127.0.0.1:%s SIP/2.0\r\n' "$sip_port"
		printf 'From: <sip:%s@127.0.0.1>;tag=t%s\r\n' "$from" "$seq_no"
		printf 'To: <sip:311@127.0.0.1>\r\n'
		printf 'Call-ID: cc-%s-%s@127.0.0.1\r\n' "$seq_no" "$$"
		printf 'CSeq: 1 MESSAGE\r\n'
		printf 'Max-Forwards: 70\r\n'
		printf 'Content-Type: text/plain; charset=utf-8\r\n'
		printf 'Content-Length: %s\r\n\r\n' "$(printf '%s' "$body" | wc -c)"
		printf '%s' "$body"
	} >"$f"
	timeout 20 sipsak -vv --local-ip 127.0.0.1 -f "$f" -s "sip:311@127.0.0.1:$sip_port" \
		>"$tmp/$name.sipsak" 2>&1
	wait_for 10 test "$(q "SELECT count(*) FROM sms_out WHERE msisdn = '$from'")" -gt "$before"
	q "SELECT text FROM sms_out WHERE msisdn = '$from' AND reason = 'reply'
	   ORDER BY id DESC LIMIT 1" >"$tmp/$name.reply"
}
has() {	# has NAME TEXT: the reply NAME contains TEXT
	grep -qF -- "$2" "$tmp/$1.reply"
}

A=+15551230301
B=+15551230302
C=+15551230303
D=+15551230304
E=+15551230305

# ------------------------------------------------------------------ hours
vty "$vty_port" "show hours" >"$tmp/hours1.out"
check "show hours: open now, in New York time" "$tmp/hours1.out" \
	"^open now \(Mon 2026-11-23 10:0[0-9] EST\)$"
check "show hours: the next change" "$tmp/hours1.out" "^closes at Mon 2026-11-23 18:00 EST$"
check "show hours: the hours" "$tmp/hours1.out" "^ day mon-fri 08:00 18:00$"
text open1 $A "AGENT"
has open1 "$(catalog agent.by_text)"
result $? "open: AGENT by text offers the callback (no agent by text)" "$(cat "$tmp/open1.reply")"

vty "$vty_port" "enable" "hours test-clock 2026-12-25T15:00:00Z" "show hours" >"$tmp/hours2.out"
check "test clock: closed on a holiday" "$tmp/hours2.out" \
	"^closed now \(Fri 2026-12-25 10:0[0-9] EST\)$"
check "test clock: opens on Saturday" "$tmp/hours2.out" "^opens at Sat 2026-12-26 09:00 EST$"
vty "$vty_port" "show hours" "hours test-clock 2026-12-25T15:00:00Z" >"$tmp/hours3.out"
check "the test clock is not a view command" "$tmp/hours3.out" "^% (Unknown|There is no such) command"

# --------------------------------------------------------------- callbacks
text closed1 $B "AGENT"
has closed1 "$(catalog agent.closed_until) Saturday at 9am$(catalog agent.closed_offer)"
result $? "closed: AGENT says the agents are off until Saturday at 9am (the hours node), and offers the callback" \
	"$(cat "$tmp/closed1.reply")"
text closed2 $B "1"
text closed3 $B "2"
text closed4 $B "Tree down across the Elm St sidewalk"
cb=$(sed -n 's/.*Your reference number is \([0-9]*\).*/\1/p' "$tmp/closed4.reply")
[ -n "$cb" ]
result $? "a callback booked by text, confirmed with its number ($cb)" "$(cat "$tmp/closed4.reply")"
[ "$(q "SELECT kind || ' ' || lang || ' ' || callback_window || ' ' || (flow_path LIKE '%agent.closed%agent.file_callback')
	FROM cases WHERE id = '$cb'")" = "callback en afternoon 1" ]
result $? "the callback keeps language, window and flow path" \
	"$(q "SELECT * FROM cases WHERE id = '$cb'")"

vty "$vty_port" "show callbacks" >"$tmp/cbs1.out"
check "show callbacks: the callback, oldest first" "$tmp/cbs1.out" \
	"^$cb +[0-9]+[smh].* +open +afternoon +en +\+155\*\*\*302 +- +Tree down"
check "show callbacks: its flow path" "$tmp/cbs1.out" "^ +agent\.connect>agent\.closed>"
check "show callbacks: count" "$tmp/cbs1.out" "^1 callback to make$"
"$stoopctl" -d "$db" callbacks >"$tmp/cbs2.out" 2>&1
check "stoopctl callbacks: the number to call" "$tmp/cbs2.out" "^$cb .* \+15551230302 "
vty "$vty_port" "callback $cb done" "enable" "callback $cb done Reached, tree crew sent" \
	"callback $cb failed" "show callbacks" >"$tmp/cbs3.out"
check "callback done: not from the view node" "$tmp/cbs3.out" "^% (Unknown|There is no such) command"
check "callback done on the console" "$tmp/cbs3.out" "^callback $cb: done$"
check "a closed callback cannot be marked again" "$tmp/cbs3.out" "^% Not an open callback: $cb$"
check "show callbacks: none left" "$tmp/cbs3.out" "^0 callbacks to make$"
"$stoopctl" -d "$db" case "$cb" >"$tmp/cbcase.out" 2>&1
check "the case history says who called back, and the note" "$tmp/cbcase.out" \
	"^  [0-9T:-]+Z +closed +console +callback done: Reached, tree crew sent$"

# ---------------------------------------------------------- announcements
"$stoopctl" -d "$db" new-case water "Broad St and 5th" >"$tmp/water.out"
w=$(sed -n 's/^case \([0-9]*\) filed$/\1/p' "$tmp/water.out")
ann="We know about the water main break on Broad St. Crews are on site."
vty "$vty_port" "enable" "announcement water text en $ann" "announcement water case $w" \
	"announcement water on" "announcement nosuch on" "show announcements" >"$tmp/ann1.out"
check "announcement: text set on the console" "$tmp/ann1.out" "^announcement water: text set$"
check "announcement: turned on" "$tmp/ann1.out" "^announcement water: ON from the next session$"
check "announcement: an unknown one cannot be turned on" "$tmp/ann1.out" \
	"^% announcement nosuch: No such announcement"
check "show announcements" "$tmp/ann1.out" "^water +ON +$w +[0-9T:-]+Z +en$"

text ann1 $C "hi"
has ann1 "$ann" && has ann1 "$(catalog announce.updates)"
result $? "the next SMS conversation gets the announcement and the updates offer" \
	"$(cat "$tmp/ann1.reply")"
text ann2 $C "1"
has ann2 "$(catalog announce.following)" && has ann2 "$(catalog main.menu)"
result $? "'1': the resident follows the case, then the menu" "$(cat "$tmp/ann2.reply")"
[ "$(q "SELECT count(*) FROM case_followers WHERE case_id = $w AND phone = '$C'")" = 1 ]
result $? "the store has the resident as a follower of $w"
vty "$vty_port" "enable" "case $w status in-progress Crews on site" >"$tmp/status.out"
wait_for 5 test "$(q "SELECT count(*) FROM sms_out WHERE msisdn = '$C' AND reason = 'status'")" -ge 1
result $? "a status change of $w is texted to the new follower" \
	"$(q "SELECT reason, text FROM sms_out WHERE msisdn = '$C'")"

vty "$vty_port" "enable" "announcement water off" >"$tmp/ann2.out"
check "announcement: turned off" "$tmp/ann2.out" "^announcement water: off$"
text ann3 $D "hi"
! has ann3 "$ann" && has ann3 "$(catalog main.menu)"
result $? "turned off, the next conversation goes straight to the menu" "$(cat "$tmp/ann3.reply")"

"$stoopctl" -d "$db" announcement water on >"$tmp/ann3.out" 2>&1
check "stoopctl turns it on while stoopd runs" "$tmp/ann3.out" \
	"^announcement water: ON from the next session$"
text ann4 $E "hi"
has ann4 "$ann"
result $? "stoopd sees stoopctl's change at the next conversation" "$(cat "$tmp/ann4.reply")"
"$stoopctl" -d "$db" announcement water off >/dev/null 2>&1
vty "$vty_port" "show announcement water" >"$tmp/ann5.out"
check "show announcement: the text" "$tmp/ann5.out" "^  en +We know about the water main break"
[ "$(grep -cE '^  [0-9T:-]+Z  (on|off) +(console|stoopctl)$' "$tmp/ann5.out")" = 4 ]
result $? "show announcement: on/off history, console and stoopctl" "$(cat "$tmp/ann5.out")"

# ------------------------------------------------------ config round trip
vty "$vty_port" "enable" "write terminal" >"$tmp/write.out"
check "write terminal: the hours node" "$tmp/write.out" "^hours$"
check "write terminal: the time zone" "$tmp/write.out" "^ timezone America/New_York$"
check "write terminal: Saturday" "$tmp/write.out" "^ day sat 09:00 13:00$"
check "write terminal: the holiday" "$tmp/write.out" "^ holiday 2026-12-25$"

check_not "no full phone number in the log at info level" "$tmp/stoopd.log" \
	"5551230301|5551230302|5551230303|5551230304|5551230305"
check_not "no message body in the log" "$tmp/stoopd.log" "Tree down|water main break"
kill -TERM "$stoopd_pid"
wait "$stoopd_pid"
result $? "SIGTERM: exit status 0" "$(tail -5 "$tmp/stoopd.log")"
check_not "no sanitizer report" "$tmp/stoopd.log" "Sanitizer|runtime error"

# ------------------------------------------------------ refusals to start
refuse() {	# refuse NAME LINES REGEX: an hours node with LINES is refused
	printf 'store\n database %s\nhours\n%b\n' "$db" "$2" >"$tmp/$1.cfg"
	"$stoopd" -c "$tmp/$1.cfg" >"$tmp/$1.out" 2>&1
	local rc=$?
	[ $rc -eq 1 ] && grep -qE -- "$3" "$tmp/$1.out"
	result $? "refuses to start: $1" "exit $rc" "$(cat "$tmp/$1.out")"
}
refuse "unknown time zone" " timezone Mars/Olympus" \
	"time zone 'Mars/Olympus'.*tzdata"
grep -q "^$tmp/unknown time zone.cfg:4: invalid configuration line" "$tmp/unknown time zone.out"
result $? "the time zone error names file:line" "$(cat "$tmp/unknown time zone.out")"
refuse "closing before opening" " timezone UTC\n day mon-fri 18:00 08:00" \
	"closing time must be after opening time"
grep -q ":5: invalid configuration line" "$tmp/closing before opening.out"
result $? "the hours error names file:line" "$(cat "$tmp/closing before opening.out")"
refuse "not a date" " holiday 2026-02-30" "Invalid date '2026-02-30'"
refuse "not a day" " day weekdays 08:00 18:00" "Invalid days 'weekdays'"
STOOP_CLOCK=tomorrow "$stoopd" -c "$tmp/stoop.cfg" >"$tmp/badclock.out" 2>&1
[ $? -eq 1 ] && grep -q "STOOP_CLOCK=tomorrow: not a time" "$tmp/badclock.out"
result $? "refuses to start: a bad STOOP_CLOCK" "$(cat "$tmp/badclock.out")"

echo "# $n checks, $failed failed"
[ $failed -eq 0 ]
