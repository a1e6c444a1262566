# lib.sh -- what the shell test drivers share: TAP results, bounded
# waits, random ports, catalog texts, the console over TCP, and the
# installed prompts layout a voice test needs.  Sourced by a driver after it sets `n=0`,
# `failed=0` and `tmp`; bash only (uses /dev/tcp and read -N).

# result STATUS NAME [DETAIL...]: one TAP line; details of a failure
# follow as "  # " comments.
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		shift 2
		[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/  # /' | head -40
		failed=$((failed + 1))
	fi
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds, polling every 0.1 s.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	while ! "$@"; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
	return 0
}

random_port() { echo $((20000 + RANDOM % 40000)); }

# catalog ID: the English catalog's text for ID as stoopd sends it by SMS
# (the @sms variant if there is one); needs $src.
catalog() {
	local f="$src/prompts/en/catalog" t
	t=$(sed -n "s/^$1@sms *= *//p" "$f")
	[ -n "$t" ] || t=$(sed -n "s/^$1 *= *//p" "$f")
	printf '%s' "$t"
}

# vty PORT CMD...: one console session running CMD... in order; prints
# what the console printed (line ends and telnet negotiation removed).
vty_wait_prompt() {
	local out="" c
	while IFS= read -r -N 1 -t 5 c <&3; do
		out+=$c
		case $out in
		*"stoopd> " | *"stoopd# " | *"stoopd("*")# ") break ;;
		esac
	done
	printf '%s' "$out"
}
vty() {
	local port=$1 cmd
	shift
	exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
	{
		vty_wait_prompt
		for cmd in "$@"; do
			printf '%s\n' "$cmd" >&3
			vty_wait_prompt
		done
		echo
	} | tr -d '\r' | tr -cd '[:print:]\n'
	exec 3>&-
}

# prompts_layout SRC BUILD DIR: the prompts as `make install` lays them
# out, in DIR: each language's catalog from the source tree, its WAVs
# (made at build time) from the build tree.
prompts_layout() {
	local lang
	for lang in "$1"/prompts/*/; do
		lang=$(basename "$lang")
		mkdir -p "$3/$lang"
		cp "$1/prompts/$lang/catalog" "$3/$lang/"
		ln -sf "$2/prompts/$lang/"*.wav "$3/$lang/" 2>/dev/null
	done
}
