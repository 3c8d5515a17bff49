#!/bin/bash
# debian-lock.sh — disco lock of a Debian server against bookworm main, beside
# apt on the same index (issue #14, "Speed"). `make bench` runs it after
# bench.sh, `make bench-debian` alone; it is never part of the test suite.
#
# The request is mmdebstrap's minbase (every Essential: yes and Priority:
# required package) plus systemd-sysv openssh-server linux-image-amd64. The
# signed index (InRelease, main/binary-amd64/Packages.xz and .gz) is
# downloaded once into a local archive, which both tools then read through
# file: URLs, so no round times the network. Contenders, interleaved for
# BENCH_ROUNDS rounds after one discarded warm-up round:
#   disco-warm  disco lock, metadata cache warm (the index parsed before)
#   apt-warm    apt-get install --simulate, apt's caches warm (lists and pkgcache.bin)
#   disco-cold  disco lock with an empty cache: the index read, checked and parsed
#   apt-cold    apt-get update from the same files + apt-get install --simulate
# Targets: disco-warm <= 0.5 x apt-warm; disco-cold <= 1 x apt-cold. The script
# also says whether disco's package set is apt's (name and version).
#
# Settings (environment): BENCH_ROUNDS (5), BENCH_DEBIAN_MIRROR
# (http://deb.debian.org/debian), BENCH_DISCO (a disco binary; default: go build),
# BENCH_KEEP=1 (keep the temp folder), BENCH_STRICT=1 (exit 1 when a target is
# missed), TMPDIR. Needs apt and the Debian archive keyring (debian-archive-keyring).
set -euo pipefail
export LC_ALL=C TZ=UTC

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
ROUNDS=${BENCH_ROUNDS:-5}
MIRROR=${BENCH_DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
SUITE=bookworm
REQUEST=(systemd-sysv openssh-server linux-image-amd64)

say() { printf 'bench-debian: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive integer, not '$ROUNDS'"
[ -f "$KEYRING" ] || die "no $KEYRING: apt-get install debian-archive-keyring"
command -v apt-get >/dev/null || die "needs apt-get"

W=$(mktemp -d "${TMPDIR:-/tmp}/disco-bench-debian.XXXXXX")
cleanup() {
	if [ -n "${BENCH_KEEP:-}" ]; then say "kept $W"; else rm -rf --one-file-system "$W"; fi
}
trap cleanup EXIT

if [ -n "${BENCH_DISCO:-}" ]; then
	DISCO=$(readlink -f "$BENCH_DISCO")
else
	say "building disco"
	(cd "$TOP" && GOFLAGS=-buildvcs=false go build -o "$W/disco" ./cmd/disco)
	DISCO=$W/disco
fi

# --- the index, once ---------------------------------------------------------

A=$W/archive
dist=$A/dists/$SUITE
mkdir -p "$dist/main/binary-amd64"
say "downloading $MIRROR $SUITE InRelease and main/binary-amd64 Packages"
curl -fsS -o "$dist/InRelease" "$MIRROR/dists/$SUITE/InRelease"
for f in Packages.xz Packages.gz; do
	curl -fsS -o "$dist/main/binary-amd64/$f" "$MIRROR/dists/$SUITE/main/binary-amd64/$f"
done
# apt and disco check every file against the signed InRelease; a mirror that
# updated between the downloads fails both, and then the script.

# --- apt, a configuration of its own -------------------------------------------

R=$W/apt
mkdir -p "$R/etc/apt/apt.conf.d" "$R/etc/apt/sources.list.d" "$R/etc/apt/preferences.d" "$R/etc/apt/trusted.gpg.d" \
	"$R/state/lists/partial" "$R/cache/archives/partial" "$R/log"
: >"$R/status"
cat >"$R/apt.conf" <<EOF
Dir "$R/";
Dir::State "$R/state/";
Dir::State::status "$R/status";
Dir::Cache "$R/cache/";
Dir::Etc "$R/etc/apt/";
Dir::Log "$R/log/";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
APT::Sandbox::User "root";
Debug::NoLocking "true";
Acquire::Languages "none";
APT::Install-Recommends "false";
EOF
echo "deb [signed-by=$KEYRING] file:$A $SUITE main" >"$R/etc/apt/sources.list"
apt_() { APT_CONFIG=$R/apt.conf apt-get -q "$@"; }
# mmdebstrap's minbase as apt patterns: Essential: yes and Priority: required
APT_REQUEST=('?essential' '?priority(required)' "${REQUEST[@]}")
apt_simulate() { apt_ install --simulate "${APT_REQUEST[@]}"; }
apt_cold() {
	rm -rf "$R/state/lists" "$R/cache/pkgcache.bin" "$R/cache/srcpkgcache.bin"
	mkdir -p "$R/state/lists/partial"
	apt_ update >/dev/null && apt_simulate
}

# --- disco -----------------------------------------------------------------------

C=$W/cfg
mkdir -p "$C/keys"
cp "$KEYRING" "$C/keys/debian-archive-keyring.gpg"
cat >"$C/machines.star" <<EOF
load("@disco/debian.star", "variant")
bookworm = apt_repo("bookworm", url = "file://$A", suite = "$SUITE", keyring = "keys/debian-archive-keyring.gpg")
machine(name = "server", repos = [bookworm], packages = [variant("minbase")$(printf ', "%s"' "${REQUEST[@]}")])
EOF
disco_lock() { "$DISCO" -C "$C" --cache "$W/cache" lock; }
disco_cold() { rm -rf "$W/cache" "$C/disco.lock"; disco_lock; }

# --- rounds ----------------------------------------------------------------------

declare -A wall cpu
run() { # NAME: time one contender (wall, and user+sys CPU of it and its children), output to a log
	local real user sys
	{
		TIMEFORMAT='%3R %3U %3S'
		time (case $1 in
		disco-warm) disco_lock ;;
		disco-cold) disco_cold ;;
		apt-warm) apt_simulate ;;
		apt-cold) apt_cold ;;
		esac >"$W/$1.log" 2>&1)
	} 2>"$W/time.txt" || { cat "$W/$1.log" >&2; die "$1 failed"; }
	read -r real user sys <"$W/time.txt"
	wall[$1]+="$(awk -v r="$real" 'BEGIN {printf "%d", r * 1000}') "
	cpu[$1]+="$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%d", (u + s) * 1000}') "
}

CONTENDERS=(disco-warm apt-warm disco-cold apt-cold)
say "warm-up"
for c in disco-cold apt-cold "${CONTENDERS[@]}"; do run "$c"; done
for c in "${CONTENDERS[@]}"; do wall[$c]="" cpu[$c]=""; done
# A cold run leaves its tool's caches warm, so any order leaves warm runs warm.
for ((r = 0; r < ROUNDS; r++)); do
	say "round $((r + 1)) of $ROUNDS"
	for ((i = 0; i < ${#CONTENDERS[@]}; i++)); do
		run "${CONTENDERS[$(((i + r) % ${#CONTENDERS[@]}))]}"
	done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
stats() { # LIST: "median min max"
	echo "$(echo "$1" | median) $(echo "$1" | tr ' ' '\n' | grep . | sort -n | head -1) $(echo "$1" | tr ' ' '\n' | grep . | sort -n | tail -1)"
}

# --- agreement -------------------------------------------------------------------------

apt_simulate | awk '/^Inst /{v=$3; gsub(/^\(/, "", v); print $2, v}' | sort >"$W/apt.set"
"$DISCO" -C "$C" --cache "$W/cache" eval --locked >/dev/null
python3 - "$C/disco.lock" >"$W/disco.set" <<'EOF'
import json, sys
for p in json.load(open(sys.argv[1]))["machines"]["default/server"]["packages"]:
    print(p["name"], p["version"])
EOF
sort -o "$W/disco.set" "$W/disco.set"
if cmp -s "$W/apt.set" "$W/disco.set"; then
	agree="the same $(wc -l <"$W/disco.set") packages (name and version) as apt"
else
	agree="DIFFERENT from apt's: $(diff "$W/apt.set" "$W/disco.set" | grep -c '^[<>]') lines differ (disco $(wc -l <"$W/disco.set"), apt $(wc -l <"$W/apt.set"))"
fi

# --- report ------------------------------------------------------------------------------

printf '\n%-11s %27s   %27s\n' "" "wall ms: median min max" "CPU ms: median min max"
for c in "${CONTENDERS[@]}"; do
	read -r m lo hi <<<"$(stats "${wall[$c]}")"
	read -r cm clo chi <<<"$(stats "${cpu[$c]}")"
	printf '%-11s %9s %8s %8s   %9s %8s %8s\n' "$c" "$m" "$lo" "$hi" "$cm" "$clo" "$chi"
done
echo "($ROUNDS rounds; CPU is user + sys of the tool and its children, the fairer figure on a loaded machine)"
missed=0
ratio() { # A B TARGET: A/B of the wall medians against the target, and of the CPU medians
	local r rc ok=met
	r=$(awk -v a="$(stats "${wall[$1]}" | cut -d' ' -f1)" -v b="$(stats "${wall[$2]}" | cut -d' ' -f1)" 'BEGIN {printf "%.2f", a / b}')
	rc=$(awk -v a="$(stats "${cpu[$1]}" | cut -d' ' -f1)" -v b="$(stats "${cpu[$2]}" | cut -d' ' -f1)" 'BEGIN {printf "%.2f", a / b}')
	awk -v r="$r" -v t="$3" 'BEGIN {exit !(r <= t)}' || { ok=MISSED; missed=1; }
	printf '%-24s wall %5s x (CPU %5s x)   target <= %s x   %s\n' "$1 / $2" "$r" "$rc" "$3" "$ok"
}
echo
ratio disco-warm apt-warm 0.5
ratio disco-cold apt-cold 1.0
echo "disco's lock: $agree"
if [ "$missed" = 1 ] && [ -n "${BENCH_STRICT:-}" ]; then
	exit 1
fi
