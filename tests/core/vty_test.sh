#!/bin/bash
# vty_test.sh -- stoopd as an operator meets it: start-up with a config
# file, the telnet console driven over a real TCP connection (bash's
# /dev/tcp, one command at a time, waiting for each prompt), `write
# terminal` read back by a second stoopd, the refusals to start on a bad
# config or a bad flow (naming file:line), and a clean stop on SIGTERM.
# Uses its own one-state flow set so that it tests the daemon, not the
# shipped flows; the shipped stoop.cfg is started once with them at the end.
# TAP lines on stdout.  Env: STOOP_SRCDIR, STOOP_BUILDDIR.
set -u
export LC_ALL=C
src=${STOOP_SRCDIR:?}
build=${STOOP_BUILDDIR:?}
stoopd="$build/gateway/stoopd"
stoopctl="$build/gateway/stoopctl"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stoop-vty.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
n=0
failed=0

# tests/lib.sh's vty; its result() is replaced by the one below, which
# takes a detail file rather than detail lines.
. "$src/tests/lib.sh"
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

# check NAME FILE REGEX: FILE has a line matching the extended REGEX.
check() {
	grep -qE -- "$3" "$2"
	result $? "$1" "$2"
}

# check_not NAME FILE REGEX: no line of FILE matches.
check_not() {
	! grep -qE -- "$3" "$2"
	result $? "$1" "$2"
}

# A one-state flow set, its catalog, and a config around them.
mkdir -p "$tmp/data/flows" "$tmp/data/prompts/en"
cat >"$tmp/data/flows/main.flow" <<'EOF'
flow main

state hello
  say main.hello
  end
EOF
echo 'main.hello = Hello from the test.' >"$tmp/data/prompts/en/catalog"
export STOOP_DATADIR="$tmp/data"
export STOOP_DB="$tmp/unused.db"

# write_config FILE PORT: the test configuration, on its own port.
write_config() {
	cat >"$1" <<EOF
! test configuration
line vty
 no login
 bind 127.0.0.1 $2
stoop
 flows-dir $tmp/data/flows
 prompts-dir $tmp/data/prompts
 default-language en
 entry sms main
 entry voice main.hello
 session-expiry 2700s
 recordings-dir $tmp/state/rec
store
 database $tmp/state/db/stoop.db
 synchronous normal
EOF
}

# start_stoopd NAME CONFIG PORT: start in the background and wait until
# the console answers.  Sets $pid.  Returns non-zero if stoopd exited.
start_stoopd() {
	"$stoopd" -c "$2" >"$tmp/$1.log" 2>&1 &
	pid=$!
	pids="$pids $pid"
	for _ in $(seq 100); do
		if ! kill -0 "$pid" 2>/dev/null; then
			return 1
		fi
		if (exec 4<>"/dev/tcp/127.0.0.1/$3") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# stop_stoopd PID: SIGTERM and wait; returns stoopd's exit status.
stop_stoopd() {
	kill -TERM "$1"
	wait "$1"
}

# A free port: PIDs make collisions between parallel runs unlikely, and
# a port that is taken makes stoopd fail, so try a few.
port=$((20000 + $$ % 4000 * 3))
started=1
for _ in 1 2 3 4 5; do
	write_config "$tmp/stoop.cfg" "$port"
	if start_stoopd first "$tmp/stoop.cfg" "$port"; then
		started=0
		break
	fi
	grep -q "Cannot listen" "$tmp/first.log" || break
	port=$((port + 7))
done
main_pid=$pid
result $started "stoopd starts with a config file" "$tmp/first.log"
check "banner names the console address" "$tmp/first.log" \
	"stoopd .* started; console: telnet 127\.0\.0\.1 $port\$"
check "banner names the flows" "$tmp/first.log" "1 flows, 1 states; languages en"
test -f "$tmp/state/db/stoop.db"
result $? "the store's directory is created"

# Two cases filed by stoopctl on the same file, while stoopd runs.
"$stoopctl" -d "$tmp/state/db/stoop.db" new-case pothole "12 Main St" \
	--phone +15551230001 >"$tmp/new1.out"
"$stoopctl" -d "$tmp/state/db/stoop.db" new-case streetlight "5th Ave and Oak" \
	--phone +15551230002 --description "dark since Monday" >"$tmp/new2.out"
id1=$(sed -n 's/^case \([0-9]*\) filed$/\1/p' "$tmp/new1.out")
id2=$(sed -n 's/^case \([0-9]*\) filed$/\1/p' "$tmp/new2.out")
[ -n "$id1" ] && [ -n "$id2" ]
result $? "stoopctl files two cases" "$tmp/new2.out"
# The same id with its last (check) digit changed.
bad_id="${id1%?}$(((${id1: -1} + 1) % 10))"

vty "$port" "show flows" "show cases" "show cases open limit 1" \
	"show cases closed" "show case $id2" "show case $bad_id" "show case 12" \
	"show sessions" "case $id1 status closed" "enable" "show running-config" >"$tmp/view.out"
check "show flows: counts" "$tmp/view.out" "^1 flows, 1 states$"
check "show flows: entries" "$tmp/view.out" "^entry sms main, voice main\.hello$"
check "running-config: stoop node" "$tmp/view.out" "^stoop$"
check "running-config: flows-dir" "$tmp/view.out" "^ flows-dir $tmp/data/flows$"
check "running-config: entry voice" "$tmp/view.out" "^ entry voice main\.hello$"
check "running-config: session-expiry in its shortest form" "$tmp/view.out" \
	"^ session-expiry 45m$"
check "running-config: store node" "$tmp/view.out" "^ database $tmp/state/db/stoop\.db$"
check "running-config: synchronous" "$tmp/view.out" "^ synchronous normal$"
check "show cases: header" "$tmp/view.out" "^id +service +status +channel +created +location$"
check "show cases: a row" "$tmp/view.out" \
	"^$id1 +pothole +open +console +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z +12 Main St$"
check "show cases: count" "$tmp/view.out" "^2 cases$"
check "show cases open limit 1" "$tmp/view.out" "^1 case$"
check "show cases closed" "$tmp/view.out" "^0 cases$"
check "show case: fields" "$tmp/view.out" "^  description +dark since Monday$"
check "show case: followers" "$tmp/view.out" "^  followers +1$"
check "show case: history" "$tmp/view.out" "^  [0-9T:-]+Z +open +console +opened$"
check "show case: phone masked" "$tmp/view.out" "^  phone +\+155.*\*\*\*"
check_not "no phone number in full anywhere" "$tmp/view.out" "5551230001|5551230002"
check "show case: check digit" "$tmp/view.out" "^% Invalid case number \(check digit\): $bad_id$"
check "show case: too short" "$tmp/view.out" "^% Invalid case number \(digits only"
check "show sessions" "$tmp/view.out" "^0 sessions$"
check "view node cannot change a case" "$tmp/view.out" "^% Unknown command"

vty "$port" "enable" "case $id1 status in-progress Crew sent" "case $bad_id status closed" \
	"case $id2 status closed" "show cases closed" >"$tmp/enable.out"
check "case status: changed" "$tmp/enable.out" "^case $id1: open -> in-progress$"
check "case status: check digit" "$tmp/enable.out" "^% Invalid case number \(check digit\)"
check "case status: closed" "$tmp/enable.out" "^case $id2: open -> closed$"
check "show cases closed after closing" "$tmp/enable.out" "^$id2 +streetlight +closed "
"$stoopctl" -d "$tmp/state/db/stoop.db" case "$id1" >"$tmp/hist.out" 2>&1
check "history: console change with its note" "$tmp/hist.out" \
	"^  [0-9T:-]+Z +in-progress +console +Crew sent$"

# `write terminal` read back: a second stoopd on the written config prints
# the same configuration.
vty "$port" "enable" "write terminal" >"$tmp/write.out"
sed -n '/^Current configuration:/,/^end$/p' "$tmp/write.out" | sed '1d' >"$tmp/written.cfg"
port2=$((port + 1))
sed "s/^ bind 127\.0\.0\.1 $port\$/ bind 127.0.0.1 $port2/" "$tmp/written.cfg" >"$tmp/second.cfg"
if start_stoopd second "$tmp/second.cfg" "$port2"; then
	second_pid=$pid
	vty "$port2" "enable" "write terminal" >"$tmp/write2.out"
	sed -n '/^Current configuration:/,/^end$/p' "$tmp/write2.out" | sed '1d' |
		sed "s/^ bind 127\.0\.0\.1 $port2\$/ bind 127.0.0.1 $port/" >"$tmp/written2.cfg"
	diff -u "$tmp/written.cfg" "$tmp/written2.cfg" >"$tmp/roundtrip.diff"
	result $? "write terminal round-trips through a second stoopd" "$tmp/roundtrip.diff"
	stop_stoopd "$second_pid"
else
	result 1 "write terminal round-trips through a second stoopd" "$tmp/second.log"
fi

kill -USR1 "$main_pid"
sleep 0.3
check "SIGUSR1 prints a talloc report" "$tmp/first.log" "talloc report on 'stoopd'"
stop_stoopd "$main_pid"
result $? "SIGTERM: exit status 0"
check "SIGTERM: stopped cleanly" "$tmp/first.log" "stoopd stopped"
check_not "no sanitizer report" "$tmp/first.log" "Sanitizer|runtime error"

# Refusals to start, each naming where the problem is.
refuse() {	# refuse NAME CONFIG REGEX
	"$stoopd" -c "$2" >"$tmp/$1.out" 2>&1
	local rc=$?
	if [ $rc -eq 1 ] && grep -qE -- "$3" "$tmp/$1.out"; then
		result 0 "refuses to start: $1"
	else
		echo "exit $rc, expected 1 and a line matching $3" >>"$tmp/$1.out"
		result 1 "refuses to start: $1" "$tmp/$1.out"
	fi
}
printf 'stoop\n default-language en\n no-such-command 1\n' >"$tmp/unknown.cfg"
refuse "unknown command" "$tmp/unknown.cfg" \
	"^$tmp/unknown\.cfg:3: invalid configuration line \(shown above\), stoopd not started$"
printf 'store\n synchronous normal\nstoop\n session-expiry 30x\n' >"$tmp/duration.cfg"
refuse "bad duration" "$tmp/duration.cfg" "^$tmp/duration\.cfg:4: invalid configuration line"
printf 'stoop\n entry sms nosuch\nstore\n database %s\n' "$tmp/state/db/stoop.db" \
	>"$tmp/entry.cfg"
refuse "unknown entry" "$tmp/entry.cfg" "$tmp/entry\.cfg:2: entry sms nosuch: no such flow"
mkdir -p "$tmp/broken/flows"
printf 'flow main\n\nstate hello\n  say main.hello\n  goto nowhere\n' \
	>"$tmp/broken/flows/main.flow"
printf 'stoop\n flows-dir %s\nstore\n database %s\n' "$tmp/broken/flows" \
	"$tmp/state/db/stoop.db" >"$tmp/flowerr.cfg"
refuse "flow error" "$tmp/flowerr.cfg" "^$tmp/broken/flows/main\.flow:5:[0-9]+: "
refuse "missing config file" "$tmp/nonexistent.cfg" "nonexistent\.cfg: cannot open"

# The shipped example configuration with the shipped flows and prompts.
port3=$((port + 2))
# The installed data layout: flows, and each language's catalog (source
# tree) beside its WAVs (made in the build tree); SIP on a free port.
mkdir -p "$tmp/shipdata"
ln -s "$src/flows" "$tmp/shipdata/flows"
for cat in "$src"/prompts/*/catalog; do
	lang=$(basename "$(dirname "$cat")")
	mkdir -p "$tmp/shipdata/prompts/$lang"
	ln -s "$cat" "$tmp/shipdata/prompts/$lang/catalog"
	for w in "$build/prompts/$lang"/*.wav; do
		ln -s "$w" "$tmp/shipdata/prompts/$lang/"
	done
done
{ cat "$src/etc/stoop.cfg"; printf 'line vty\n bind 127.0.0.1 %s\n' "$port3"
  printf 'stoop\n recordings-dir %s\nvoice\n local-port %s\n' "$tmp/rec" $((port3 + 1)); } \
	>"$tmp/shipped.cfg"
if STOOP_DATADIR="$tmp/shipdata" STOOP_DB="$tmp/shipped/stoop.db" \
	start_stoopd shipped "$tmp/shipped.cfg" "$port3"; then
	vty "$port3" "show flows" >"$tmp/shipped.out"
	check "shipped stoop.cfg and flows: stoopd runs" "$tmp/shipped.out" \
		"^[0-9]+ flows, [0-9]+ states$"
	stop_stoopd "$pid"
	result $? "shipped stoop.cfg: clean stop"
else
	result 1 "shipped stoop.cfg and flows: stoopd runs" "$tmp/shipped.log"
fi

echo "# $n checks, $failed failed"
[ $failed -eq 0 ]
