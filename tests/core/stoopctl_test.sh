#!/bin/sh
# stoopctl_test.sh -- stoopctl's output and exit status, as scripts and
# operators rely on them: `check` on good and broken flows, the case and
# session tables (compared line by line, times replaced by TIME), status
# changes with their history, callbacks (booked with stoop-sim) listed and
# marked, announcements set up and turned on and off, and the exit codes
# 0 / 1 (invalid, not found) / 2 (usage).  The flow error messages themselves are
# tests/flow/errors.sh's business.  TAP lines on stdout.
# Env: STOOP_SRCDIR, STOOP_BUILDDIR.
set -u
LC_ALL=C
export LC_ALL
ctl="${STOOP_BUILDDIR:?}/gateway/stoopctl"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stoop-ctl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0
unset STOOP_DB STOOP_DATADIR

result() {	# result OK NAME [DETAIL-FILE]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ $# -ge 3 ] && [ -f "$3" ] && sed 's/^/  /' "$3" | head -40
		failed=$((failed + 1))
	fi
}

# run NAME EXPECTED-STATUS CMD...: run stoopctl, keep stdout in NAME.out,
# stderr in NAME.err, and check the exit status.
run() {
	name=$1
	want=$2
	shift 2
	"$ctl" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		{ echo "exit $rc, expected $want"; cat "$tmp/$name.out" "$tmp/$name.err"; } \
			>"$tmp/$name.why"
		result 1 "$name: exit $want" "$tmp/$name.why"
	else
		result 0 "$name: exit $want"
	fi
}

# same NAME FILE: FILE, with times made TIME, is exactly $tmp/NAME.expected.
same() {
	sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/TIME/g' "$2" \
		>"$tmp/$1.got"
	diff -u "$tmp/$1.expected" "$tmp/$1.got" >"$tmp/$1.diff"
	result $? "$1: output" "$tmp/$1.diff"
}

# A one-flow set and a broken copy of it.
mkdir -p "$tmp/data/flows" "$tmp/data/prompts/en" "$tmp/broken"
cat >"$tmp/data/flows/main.flow" <<'EOF'
flow main

state hello
  say main.hello
  goto bye

state bye
  say main.bye
  end
EOF
printf 'main.hello = Hello.\nmain.bye = Bye.\n' >"$tmp/data/prompts/en/catalog"
sed 's/goto bye/goto nowhere/' "$tmp/data/flows/main.flow" >"$tmp/broken/main.flow"

STOOP_DATADIR="$tmp/data"
export STOOP_DATADIR
run check-datadir 0 check
echo "flows OK: 1 flows, 2 states" >"$tmp/check-datadir.expected"
same check-datadir "$tmp/check-datadir.out"
run check-dir 0 check "$tmp/data/flows"
run check-file 0 check "$tmp/data/flows/main.flow" --prompts "$tmp/data/prompts"
run check-broken 1 check "$tmp/broken/main.flow" --prompts "$tmp/data/prompts"
grep -qE "^$tmp/broken/main\.flow:5:[0-9]+: " "$tmp/check-broken.out"
result $? "check-broken: file:line:col" "$tmp/check-broken.out"
tail -n 1 "$tmp/check-broken.out" | grep -qE '^[0-9]+ errors$'
result $? "check-broken: last line counts the errors" "$tmp/check-broken.out"
run check-missing-prompt 1 check "$tmp/data/flows/main.flow" --prompts "$tmp/broken"

# The store.
db="$tmp/state.db"
run cases-no-db 1 -d "$db" cases
grep -q "no store at $db" "$tmp/cases-no-db.err"
result $? "cases-no-db: says where it looked" "$tmp/cases-no-db.err"
run new1 0 -d "$db" new-case pothole "12 Main Street" --phone +15551230001 \
	--description "deep hole"
id1=$(sed -n 's/^case \([0-9]*\) filed$/\1/p' "$tmp/new1.out")
run new2 0 -d "$db" new-case streetlight "5th Ave and Oak, a long way down past the park"
id2=$(sed -n 's/^case \([0-9]*\) filed$/\1/p' "$tmp/new2.out")
STOOP_DB="$db"
export STOOP_DB
run new3 0 new-case pothole "12 main st." --phone +15551230002
echo "case $id1 joined (same service and location)" >"$tmp/new3.expected"
same new3 "$tmp/new3.out"

run cases 0 cases
cat >"$tmp/cases.expected" <<EOF
id         service        status      channel created              location
$id2    streetlight    open        console TIME 5th Ave and Oak, a long way down past th...
$id1    pothole        open        console TIME 12 Main Street
2 cases
EOF
same cases "$tmp/cases.out"
run cases-limit 0 cases --limit 1
run cases-closed 0 cases --status closed
printf 'id         service        status      channel created              location\n0 cases\n' \
	>"$tmp/cases-closed.expected"
same cases-closed "$tmp/cases-closed.out"

# The followers are told by text in their language: queued in the store for
# stoopd to send, with the real catalogs of the source tree.
STOOP_DATADIR="$STOOP_SRCDIR" run set-status 0 set-status "$id1" in-progress Crew sent today
printf 'case %s: open -> in-progress\n2 follower text(s) queued; stoopd sends them\n' "$id1" \
	>"$tmp/set-status.expected"
same set-status "$tmp/set-status.out"
sqlite3 "$db" "SELECT msisdn, reason, state, text FROM sms_out ORDER BY id" >"$tmp/queued.got" 2>&1
cat >"$tmp/queued.expected" <<EOF
+15551230001|status|queued|City 311 update: Case $id1 is in progress. A crew is working on it. Reply STOP to stop updates.
+15551230002|status|queued|City 311 update: Case $id1 is in progress. A crew is working on it. Reply STOP to stop updates.
EOF
diff -u "$tmp/queued.expected" "$tmp/queued.got" >"$tmp/queued.diff"
result $? "set-status: one text queued per follower, nothing else" "$tmp/queued.diff"
run case 0 case "$id1"
cat >"$tmp/case.expected" <<EOF
case $id1
  kind         request
  service      pothole
  status       in-progress
  location     12 Main Street
  description  deep hole
  recording    -
  channel      console
  phone        +155***001
  language     en
  flow path    stoopctl
  created      TIME
  updated      TIME
  followers    2
history
  TIME  open        console    opened
  TIME  open        console    joined by console
  TIME  in-progress stoopctl   Crew sent today
EOF
same case "$tmp/case.out"
! grep -q 5551230001 "$tmp/case.out"
result $? "case: the phone number is masked"

# Mistyped ids are caught by the check digit, before any lookup.
last=$(printf '%s' "$id1" | cut -c ${#id1})
bad="$(printf '%s' "$id1" | cut -c 1-$((${#id1} - 1)))$(((last + 1) % 10))"
run case-checkdigit 1 case "$bad"
grep -q "^stoopctl: Invalid case number (check digit): $bad\$" "$tmp/case-checkdigit.err"
result $? "case-checkdigit: message" "$tmp/case-checkdigit.err"
run case-format 1 case 12
run set-status-checkdigit 1 set-status "$bad" closed
run set-status-bad 2 set-status "$id1" finished
run cases-bad-status 2 cases --status finished

run sessions 0 sessions
printf '%-22s %-32s %-8s %s\n0 sessions\n' session position age idle >"$tmp/sessions.expected"
same sessions "$tmp/sessions.out"

# Callbacks: one booked on a call that overflowed from a closed contact
# center (stoop-sim, the after-hours menu, "3", "any time") and one by text.
sim="${STOOP_BUILDDIR:?}/gateway/stoop-sim"
printf '3\n4\n' | "$sim" --channel voice --from +15551230009 --db "$db" --entry afterhours \
	--overflow closed --flows "$STOOP_SRCDIR/flows" --prompts "$STOOP_SRCDIR/prompts" \
	--recordings "$tmp" >"$tmp/sim1.out" 2>&1
printf 'AGENT\n1\n1\nNo water since noon\n' | "$sim" --channel sms --from +15551230008 --db "$db" \
	--flows "$STOOP_SRCDIR/flows" --prompts "$STOOP_SRCDIR/prompts" >"$tmp/sim2.out" 2>&1
cb1=$(sed -n 's/.*Your reference number is \([0-9]*\).*/\1/p' "$tmp/sim1.out" | head -1)
cb2=$(sed -n 's/.*Your reference number is \([0-9]*\).*/\1/p' "$tmp/sim2.out" | head -1)
[ -n "$cb1" ] && [ -n "$cb2" ]
result $? "two callbacks booked with stoop-sim ($cb1, $cb2)" "$tmp/sim1.out"
run callbacks 0 callbacks
sed -i -E 's/^([0-9]+ +)[0-9]+[smhd]([0-9]+[smh])? +/\1WAIT     /' "$tmp/callbacks.out"
cat >"$tmp/callbacks.expected" <<EOF
id         waiting  status window    lang number           overflow   reason / path
$cb1    WAIT     open   any       en   +15551230009     closed     -
           afterhours.start>afterhours.announcement>afterhours.menu>agent.when>agent.reason>agent.file_callback
$cb2    WAIT     open   morning   en   +15551230008     -          No water since noon
           agent.connect>agent.unavailable>agent.choose>agent.when>agent.reason>agent.file_callback
2 callbacks to make
EOF
same callbacks "$tmp/callbacks.out"
run callbacks-masked 0 callbacks --masked
grep -q '+155\*\*\*009' "$tmp/callbacks-masked.out" && ! grep -q 5551230009 "$tmp/callbacks-masked.out"
result $? "callbacks --masked: numbers masked" "$tmp/callbacks-masked.out"
run callback-failed 0 callback "$cb1" failed no answer, left a voicemail
echo "callback $cb1: failed" >"$tmp/callback-failed.expected"
same callback-failed "$tmp/callback-failed.out"
run callback-again 1 callback "$cb1" done
grep -q "^stoopctl: Not an open callback: $cb1\$" "$tmp/callback-again.err"
result $? "callback-again: says why" "$tmp/callback-again.err"
run callback-report 1 callback "$id1" done
run callback-usage 2 callback "$cb2" finished
run callback-done 0 callback "$cb2" done
run callbacks-none 0 callbacks
grep -q '^0 callbacks to make$' "$tmp/callbacks-none.out"
result $? "callbacks: none left" "$tmp/callbacks-none.out"
run case-cb1 0 case "$cb1"
grep -qE "^  [0-9T:-]+Z +closed +stoopctl +callback failed: no answer, left a voicemail\$" \
	"$tmp/case-cb1.out" && grep -q '^  overflow     closed$' "$tmp/case-cb1.out"
result $? "case: the callback's history and overflow reason" "$tmp/case-cb1.out"
sqlite3 "$db" "SELECT overflow FROM session_log WHERE key = 'voice:+15551230009'" >"$tmp/log.got"
echo closed >"$tmp/log.expected"
diff -u "$tmp/log.expected" "$tmp/log.got" >"$tmp/log.diff"
result $? "the session log keeps the call's overflow reason" "$tmp/log.diff"

# Announcements, as a supervisor sets them up.
run ann-text 0 announcement water text en We know about the water main break on Broad St.
run ann-text-es 0 announcement water text es Sabemos de la rotura en Broad St.
run ann-audio 0 announcement water audio en /var/lib/stoop/water-en.wav
run ann-case 0 announcement water case "$id1"
run ann-case-bad 1 announcement water case "$bad"
run ann-on 0 announcement water on
echo "announcement water: ON from the next session" >"$tmp/ann-on.expected"
same ann-on "$tmp/ann-on.out"
run ann-name 1 announcement "Water!" text en x
run ann-unknown 1 announcement nosuch on
run ann-usage 2 announcement water loud
run announcements 0 announcements
cat >"$tmp/announcements.expected" <<EOF
name             on   case       updated              languages
water            ON   $id1    TIME en+audio es
1 announcement
EOF
same announcements "$tmp/announcements.out"
run ann-off 0 announcement water off
run ann-show 0 announcement water
cat >"$tmp/ann-show.expected" <<EOF
announcement water: off
  case      $id1
  en        We know about the water main break on Broad St.
            /var/lib/stoop/water-en.wav
  es        Sabemos de la rotura en Broad St.
history
  TIME  on  stoopctl
  TIME  off stoopctl
EOF
same ann-show "$tmp/ann-show.out"

run no-command 2
run unknown-command 2 frobnicate
run bad-option 2 --frobnicate
run help 0 --help

echo "# $n checks, $failed failed"
[ $failed -eq 0 ]
