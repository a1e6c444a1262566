#!/bin/sh
# run.sh -- golden transcripts: scripted conversations with stoop-sim and the
# exact replies, on a real SQLite file.  Each tests/transcripts/*.t is one
# test.  In a transcript:
#   ## text            a comment
#   #! ARGS            start stoop-sim with ARGS (--channel, --from, --lang,
#                      --entry, --clock ...); every later "#!" starts it again
#                      on the SAME database (a restart)
#   > line             a line typed into the simulator
#   anything else      the simulator's exact output (it echoes the "> " lines)
# The database starts empty for each transcript; the clock starts at
# 2026-11-23T10:00:00Z unless ARGS give --clock.  $SRC in ARGS is the source
# tree (--hours $SRC/tests/transcripts/hours.cfg: the business hours the
# hours transcripts use).
# Usage: run.sh [FILE.t...]   (env STOOP_SRCDIR, STOOP_BUILDDIR)
set -u
src=${STOOP_SRCDIR:?}
build=${STOOP_BUILDDIR:?}
sim="$build/gateway/stoop-sim"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stoop-transcripts.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
[ $# -gt 0 ] || set -- "$src"/tests/transcripts/*.t
n=0
failed=0
for t in "$@"; do
	n=$((n + 1))
	name=$(basename "$t" .t)
	work="$tmp/$name"
	mkdir -p "$work/rec"
	: >"$work/actual"
	: >"$work/expected"
	seg=0
	status=0
	# split into segments: work/seg.N.args, .in, .out
	awk -v dir="$work" '
		/^##/ { next }
		/^#!/ { seg++; a = substr($0, 3); sub(/^ +/, "", a); print a > (dir "/seg." seg ".args"); printf "" > (dir "/seg." seg ".in"); printf "" > (dir "/seg." seg ".out"); next }
		seg == 0 { next }
		/^> / { print substr($0, 3) >> (dir "/seg." seg ".in") }
		/^>$/ { print "" >> (dir "/seg." seg ".in") }
		{ print >> (dir "/seg." seg ".out") }
	' "$t"
	for args in $(ls "$work"/seg.*.args 2>/dev/null | sort -t. -k2 -n); do
		seg=$((seg + 1))
		base=${args%.args}
		clock="--clock 2026-11-23T10:00:00Z"
		case " $(cat "$args") " in *" --clock "*) clock="" ;; esac
		# shellcheck disable=SC2046
		"$sim" --echo --db "$work/stoop.db" --flows "$src/flows" --prompts "$src/prompts" \
			--recordings "$work/rec" $clock $(sed "s|\$SRC|$src|g" "$args") \
			<"$base.in" >>"$work/actual" 2>>"$work/stderr"
		rc=$?
		[ $rc -eq 0 ] || { status=1; echo "  segment $seg: stoop-sim exited $rc" >>"$work/why"; }
		cat "$base.out" >>"$work/expected"
	done
	if [ $seg -eq 0 ]; then
		echo "not ok $n - $name: no '#!' line starts the simulator"
		failed=$((failed + 1))
		continue
	fi
	if ! diff -u "$work/expected" "$work/actual" >"$work/diff"; then
		status=1
	fi
	if [ -s "$work/stderr" ] && grep -q "ERROR\|runtime error\|AddressSanitizer" "$work/stderr"; then
		status=1
	fi
	if [ $status -eq 0 ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		[ -f "$work/why" ] && cat "$work/why"
		sed 's/^/  /' "$work/diff" | head -60
		[ -s "$work/stderr" ] && sed 's/^/  stderr: /' "$work/stderr" | head -20
		failed=$((failed + 1))
	fi
done
[ $failed -eq 0 ]
