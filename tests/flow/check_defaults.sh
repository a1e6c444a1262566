#!/bin/sh
# check_defaults.sh -- the flows and catalogs Stoop ships pass the validator
# (what stoopd checks at start-up), every prompt id has a WAV in the build
# tree for each language, and the WAVs are 8 kHz mono as the voice channel
# expects.
set -u
src=${STOOP_SRCDIR:?}
build=${STOOP_BUILDDIR:?}
ctl="$build/gateway/stoopctl"
n=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

n=$((n + 1))
if "$ctl" check --prompts "$src/prompts" "$src/flows" >"$out" 2>&1 && grep -q '^flows OK: ' "$out"; then
	echo "ok $n - the default flows validate: $(grep '^flows OK' "$out")"
else
	echo "not ok $n - the default flows have errors"
	sed 's/^/  /' "$out" | head -40
	failed=$((failed + 1))
fi

for lang_dir in "$src"/prompts/*/; do
	lang=$(basename "$lang_dir")
	[ -f "$lang_dir/catalog" ] || continue
	missing=0
	total=0
	for id in $(sed -n 's/^\([a-z0-9_.]*\)\(@voice\)\{0,1\} *=.*/\1\2/p' "$lang_dir/catalog" | sort -u); do
		total=$((total + 1))
		if [ ! -f "$build/prompts/$lang/$id.wav" ] && [ ! -f "$lang_dir/$id.wav" ]; then
			missing=$((missing + 1))
			[ $missing -le 5 ] && echo "  no WAV for $lang/$id" >>"$out.m"
		fi
	done
	n=$((n + 1))
	if [ $missing -eq 0 ] && [ $total -gt 0 ]; then
		echo "ok $n - $lang: a WAV for each of the $total voice prompts"
	else
		echo "not ok $n - $lang: $missing of $total voice prompts have no WAV"
		cat "$out.m" 2>/dev/null
		failed=$((failed + 1))
	fi
	rm -f "$out.m"
	n=$((n + 1))
	wav=$(ls "$build/prompts/$lang/"*.wav 2>/dev/null | head -1)
	if [ -n "$wav" ] && soxi "$wav" 2>/dev/null | grep -q "Sample Rate *: 8000" && soxi "$wav" | grep -q "Channels *: 1"; then
		echo "ok $n - $lang: prompts are 8 kHz mono ($(basename "$wav"))"
	else
		echo "not ok $n - $lang: prompt WAVs are not 8 kHz mono (${wav:-none found})"
		failed=$((failed + 1))
	fi
done
[ $failed -eq 0 ]
