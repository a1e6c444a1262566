#!/bin/sh
# prompts/gen-wavs.sh -- the default (text-to-speech) prompts: one WAV per
# catalog entry, spoken by espeak-ng and converted by sox to what the voice
# channel plays (8 kHz, mono, 16-bit signed PCM).  prompts/Makefile.am runs
# it; the catalogs are prompts/<lang>/catalog, the flows that say them are
# flows/*.flow.
#
#   gen-wavs.sh generate VOICE SRCDIR OUTDIR   make OUTDIR/<id>.wav ...
#   gen-wavs.sh install-list SRCDIR OUTDIR     the WAVs to install, one path a line
#   gen-wavs.sh names SRCDIR                   every WAV name the catalog and
#                                              the studio recordings give
#   gen-wavs.sh studio SRCDIR                  the studio recordings in SRCDIR
#   gen-wavs.sh clean OUTDIR                   remove what generate made
#
# SRCDIR is prompts/<lang> in the source tree (its catalog, and any studio
# recordings a city dropped in), OUTDIR the same directory in the build tree;
# they are one directory in an in-tree build.  "id = text" makes <id>.wav,
# "id@voice = text" makes <id>@voice.wav, "id@sms = text" makes nothing.
#
# A studio recording SRCDIR/<name>.wav replaces the generated one, which is
# then not made.  To tell the two apart when they share a directory,
# OUTDIR/stamp lists every WAV this script made with its SHA-1: a WAV in
# SRCDIR is ours only while it is listed there with the same checksum, so a
# recording copied over a generated file is never overwritten or deleted.
# The stamp is written last, so make sees it only after a complete run.
#
# Environment: ESPEAK, SOX (default: from PATH), GEN_WAVS_JOBS (parallel
# synthesizers; default: the number of CPUs), GEN_WAVS_RATE (words a minute,
# default 150: slower than espeak's 175, for the telephone).
set -eu

ESPEAK=${ESPEAK:-espeak-ng}
SOX=${SOX:-sox}
RATE=${GEN_WAVS_RATE:-150}

die() {
	echo "gen-wavs.sh: $*" >&2
	exit 1
}

# The WAV file names a catalog asks for, with their text: "name<TAB>text".
# Ids are checked here because they become file names.
catalog_entries() {
	tab=$(printf '\t')
	sed -n -e 's/^[[:space:]]*//' \
		-e '/^#/d' \
		-e '/^[^=]*@sms[[:space:]]*=/d' \
		-e "s/^\\([^=[:space:]]*\\)[[:space:]]*=[[:space:]]*\\(.*\\)\$/\\1.wav$tab\\2/p" \
		"$1" |
	while IFS="$tab" read -r name text; do
		case "$name" in
		*[!a-z0-9_.@]* | *@*@* | *@[!v]* | .*)
			die "$1: bad prompt id ${name%.wav}" ;;
		esac
		printf '%s\t%s\n' "$name" "$text"
	done
}

# SHA-1 and name of each generated WAV recorded in a stamp.
stamp_sums() {
	if [ -f "$1/stamp" ]; then
		grep -v '^#' "$1/stamp" || :
	fi
}

# Is SRCDIR/NAME a studio recording (not a WAV this script made)?
is_studio() {
	[ -f "$1/$2" ] || return 1
	recorded=$(stamp_sums "$1" | awk -v n="$2" '$2 == n { print $1 }')
	[ -z "$recorded" ] && return 0
	[ "$(sha1sum < "$1/$2" | cut -d' ' -f1)" != "$recorded" ]
}

# "name<TAB>text" lines with the text as espeak-ng should read it: a catalog
# "\n" is a pause, leading punctuation (". Newest first:" joins a number on
# SMS) is dropped, and the service numbers are read digit by digit ("three
# one one", "tres uno uno").
speakable() {
	tab=$(printf '\t')
	sed -E -e 's/\\n/, /g' \
		-e "s/$tab[[:space:].,;:!?]*/$tab/" \
		-e 's/(^|[^0-9])([39])11([^0-9]|$)/\1\2 1 1\3/g'
}

synth() { # VOICE TEXT OUT
	tmp="$3.tmp$$"
	printf '%s\n' "$2" | "$ESPEAK" -v "$1" -s "$RATE" --stdout |
		"$SOX" -V1 -t wav - -t wav -r 8000 -c 1 -b 16 -e signed-integer "$tmp" &&
		mv -f "$tmp" "$3" || { rm -f "$tmp"; return 1; }
}

generate() { # VOICE SRCDIR OUTDIR
	voice=$1 src=$2 out=$3
	[ -f "$src/catalog" ] || die "$src/catalog: no such file"
	mkdir -p "$out"
	work="$out/.gen-wavs.$$"
	rm -rf "$work"
	mkdir "$work"
	trap 'rm -rf "$work"' EXIT
	trap 'exit 1' INT TERM

	# What to make: every entry that no studio recording replaces.
	catalog_entries "$src/catalog" > "$work/all"
	while IFS='	' read -r name text; do
		if is_studio "$src" "$name"; then
			continue
		fi
		printf '%s\t%s\n' "$name" "$text"
	done < "$work/all" | speakable > "$work/todo"

	# Drop what an earlier run made and this one does not: ids gone from
	# the catalog, or now replaced by a studio recording in another
	# directory.  A file whose checksum changed is somebody's recording.
	stamp_sums "$out" | while read -r sum name; do
		cut -f1 "$work/todo" | grep -qxF "$name" && continue
		remove_ours "$out" "$sum" "$name"
	done

	# Synthesize, in parallel: worker k takes every jobs-th line.
	jobs=${GEN_WAVS_JOBS:-$(nproc 2>/dev/null || echo 2)}
	k=0
	while [ "$k" -lt "$jobs" ]; do
		awk -v n="$jobs" -v k="$k" 'NR % n == k' "$work/todo" |
		while IFS='	' read -r name text; do
			synth "$voice" "$text" "$out/$name" ||
				{ echo "gen-wavs.sh: $out/$name failed" >&2; : > "$work/failed"; }
		done &
		k=$((k + 1))
	done
	wait
	[ ! -e "$work/failed" ] || die "$out: some prompts failed"

	{
		echo "# made by gen-wavs.sh from $src/catalog with espeak-ng -v $voice"
		cut -f1 "$work/todo" | (cd "$out" && xargs -r sha1sum --)
	} > "$work/stamp"
	mv -f "$work/stamp" "$out/stamp"
}

# Remove DIR/NAME if it is still the file we generated (checksum SUM).
remove_ours() { # DIR SUM NAME
	[ -f "$1/$3" ] || return 0
	[ "$(sha1sum < "$1/$3" | cut -d' ' -f1)" = "$2" ] || return 0
	rm -f "$1/$3"
}

clean() { # OUTDIR
	stamp_sums "$1" | while read -r sum name; do
		remove_ours "$1" "$sum" "$name"
	done
	rm -f "$1/stamp"
	# The build tree's own directory, empty now; never the source's.
	[ -f "$1/catalog" ] || rmdir "$1" 2>/dev/null || :
}

# Every name make install may have put in place, for make uninstall.
names() { # SRCDIR
	catalog_entries "$1/catalog" | cut -f1
	studio "$1" | sed 's|.*/||'
}

# Generated WAVs (but not those a studio recording now replaces) and the
# studio recordings: what make install copies.
install_list() { # SRCDIR OUTDIR
	src=$1 out=$2
	stamp_sums "$out" | while read -r sum name; do
		is_studio "$src" "$name" || echo "$out/$name"
	done
	studio "$src"
}

studio() { # SRCDIR
	for f in "$1"/*.wav; do
		[ -f "$f" ] || continue
		if is_studio "$1" "${f##*/}"; then
			echo "$f"
		fi
	done
}

[ $# -ge 1 ] || die "usage: gen-wavs.sh generate|install-list|names|studio|clean ..."
cmd=$1
shift
case "$cmd" in
generate)	[ $# -eq 3 ] || die "usage: gen-wavs.sh generate VOICE SRCDIR OUTDIR"; generate "$@" ;;
install-list)	[ $# -eq 2 ] || die "usage: gen-wavs.sh install-list SRCDIR OUTDIR"; install_list "$@" ;;
names)		[ $# -eq 1 ] || die "usage: gen-wavs.sh names SRCDIR"; names "$@" ;;
studio)		[ $# -eq 1 ] || die "usage: gen-wavs.sh studio SRCDIR"; studio "$@" ;;
clean)		[ $# -eq 1 ] || die "usage: gen-wavs.sh clean OUTDIR"; clean "$@" ;;
*)		die "unknown command $cmd" ;;
esac
