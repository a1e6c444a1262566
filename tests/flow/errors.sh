#!/bin/sh
# errors.sh -- one broken flow per error class, each with the exact
# "file:line:col: message" lines `stoopctl check` must print (NAME.err beside
# NAME.flow; NAME.extra.flow, when present, is checked together with it),
# then garbage made on the fly: binary data, a 1 MB line, deep nesting,
# invalid UTF-8.  Every case must exit 1 with its errors, never crash.
set -u
src=${STOOP_SRCDIR:?}
ctl="${STOOP_BUILDDIR:?}/gateway/stoopctl"
dir="$src/tests/flow/errors"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stoop-errors.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

result() {	# result OK NAME [DETAIL-FILE]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ $# -ge 3 ] && sed 's/^/  /' "$3" | head -30
		failed=$((failed + 1))
	fi
}

cd "$dir" || exit 1
for f in *.flow; do
	case "$f" in *.extra.flow) continue ;; esac
	name=${f%.flow}
	files="$f"
	[ -f "$name.extra.flow" ] && files="$f $name.extra.flow"
	# shellcheck disable=SC2086
	"$ctl" check --prompts prompts $files >"$tmp/$name.out" 2>"$tmp/$name.stderr"
	rc=$?
	grep -E '^[^ :]+\.flow:[0-9]+:[0-9]+: |^prompts/' "$tmp/$name.out" >"$tmp/$name.got"
	ok=0
	if [ $rc -ne 1 ]; then
		echo "stoopctl check exited $rc, expected 1" >"$tmp/$name.diff"
		cat "$tmp/$name.out" "$tmp/$name.stderr" >>"$tmp/$name.diff"
		ok=1
	elif ! diff -u "$name.err" "$tmp/$name.got" >"$tmp/$name.diff"; then
		ok=1
	fi
	result $ok "flow error: $name" "$tmp/$name.diff"
done

# Garbage, made here so that no odd file needs to live in git.
cd "$tmp" || exit 1
garbage() {	# garbage NAME EXPECTED-REGEX
	"$ctl" check --prompts "$dir/prompts" "$1.flow" >"$1.out" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -qE "$2" "$1.out"; then
		result 0 "garbage: $1"
	else
		echo "exit $rc, expected 1 and a line matching: $2" >"$1.why"
		head -c 2000 "$1.out" >>"$1.why"
		result 1 "garbage: $1" "$1.why"
	fi
}
head -c 4096 /dev/urandom >binary.flow
printf 'flow binary\n\nstate a\n  say t.hello\0\n  end\n' >>binary.flow
garbage binary '^binary\.flow:[0-9]+:[0-9]+: '
printf 'flow nul\n\nstate start\n  say t.hello\000 t.bye\n  end\n' >nul.flow
garbage nul '^nul\.flow:4:14: NUL byte: this is not a text file$'
{ printf 'flow longline\n\nstate start\n  say '; head -c 1048576 /dev/zero | tr '\0' 'x'; printf '\n  end\n'; } >longline.flow
garbage longline '^longline\.flow:4:4097: line is longer than 4096 bytes$'
printf 'flow badutf\n\nstate start\n  say t.hello\n  # caf\351 \n  end\n' >badutf.flow
garbage badutf '^badutf\.flow:5:8: invalid UTF-8$'
printf 'flow overlong\n\nstate start\n  set x = "\300\257"\n  end\n' >overlong.flow
garbage overlong '^overlong\.flow:4:12: invalid UTF-8$'
{ printf 'flow deep\n\nstate start\n  '; i=0; while [ $i -lt 60 ]; do printf 'on sms: '; i=$((i + 1)); done; printf 'end\n'; } >deep.flow
garbage deep '^deep\.flow:4:11: only one .on sms:. or .on voice:. per line$'
{ printf 'flow manywords\n\nstate start\n  '; i=0; while [ $i -lt 400 ]; do printf 'on sms: '; i=$((i + 1)); done; printf 'end\n'; } >manywords.flow
garbage manywords '^manywords\.flow:4:515: too many words on one line \(at most 128\)$'
{ printf 'flow indent\n\nstate start\n'; i=0; while [ $i -lt 2000 ]; do printf '%*s say t.hello\n' $((i * 2)) ''; i=$((i + 1)); done; printf '  goto nowhere\n'; } >indent.flow
garbage indent "^indent\.flow:2004:8: unknown target 'nowhere'"
{ printf 'flow manyerrs\n\nstate start\n'; i=0; while [ $i -lt 20000 ]; do printf '  bogus line %d\n' $i; i=$((i + 1)); done; } >manyerrs.flow
garbage manyerrs "^manyerrs\.flow:4:3: unknown statement 'bogus'$"
[ $failed -eq 0 ]
