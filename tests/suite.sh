#!/bin/sh
# suite.sh -- runs every test driver of Stoop and prints the one summary line
# "N passed, N failed".  A driver is a program or script that prints TAP
# lines ("ok ..." / "not ok ...") on stdout and exits non-zero on failure; a
# driver that exits non-zero without printing a "not ok" line (a crash, a
# sanitizer report) counts as one more failure.  Usage:
#   tests/suite.sh DRIVER...        (run from the build directory's tests/)
# Each driver's full output goes to tests/logs/<name>.log.  Before the
# summary line come the details ("  # " lines) of the first failing check,
# so that the tail of a CI log says why, not only what.
set -u
mkdir -p logs
passed=0
failed=0
first=""
for drv in "$@"; do
	name=$(basename "$drv")
	log="logs/$name.log"
	"$drv" >"$log" 2>&1 </dev/null
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	grep '^not ok ' "$log" | sed "s|^|$name: |"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$name: exited with status $rc without a failing check (see tests/$log):"
		tail -n 20 "$log" | sed 's/^/    /'
		f=1
	fi
	if [ "$f" -gt 0 ] && [ -z "$first" ]; then
		first=$(awk -v n="$name" '
			/^not ok / { if (seen) exit; seen = 1; print n ": " $0; next }
			seen && /^  # / { print; if (++k == 12) exit; next }
			seen { exit }' "$log")
		[ -n "$first" ] || first="$name: exited with status $rc (see tests/$log)"
	fi
	echo "$name: $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
done
if [ -n "$first" ]; then
	echo "The first failure, with its details:"
	printf '%s\n' "$first"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
