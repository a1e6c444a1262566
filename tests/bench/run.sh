#!/bin/sh
# run.sh -- `make bench`: the flow and store benchmarks, each pinned to one
# core (taskset) when it can be.  Prints figures; asserts nothing.  Build
# without --enable-sanitize for meaningful numbers (./setup.sh bench does).
set -u
src=${STOOP_SRCDIR:?}
build=${STOOP_BUILDDIR:?}
pin=""
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"
echo "== flow: interpreter transitions, idle sessions (default flows, one core)"
$pin "$build/tests/bench/flow_bench" "$src/flows" "$src/prompts" "${BENCH_SECONDS:-2}"
echo "== store: durable case creation against raw durable SQLite inserts (one core)"
$pin "$build/tests/bench/store_bench" "${BENCH_CASES:-2000}"
if command -v perf >/dev/null 2>&1 && perf stat -e instructions true >/dev/null 2>&1; then
	echo "== instructions for 1 s of interpreter work (perf stat, repeatable)"
	perf stat -e instructions,cycles $pin "$build/tests/bench/flow_bench" "$src/flows" "$src/prompts" 1 2>&1 \
		| grep -E "instructions|cycles|transitions/s" | head -6
fi
