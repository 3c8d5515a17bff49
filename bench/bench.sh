#!/bin/bash
# bench.sh — disco beside the tools its users would otherwise pick (issue #8,
# "Benchmarks"). `make bench` runs it; it is never part of the test suite.
#
# Contenders, run interleaved (round-robin, the starting one rotating each
# round) for BENCH_ROUNDS rounds after one discarded warm-up round:
#   cold         disco build, empty cache and store, from a lock (bench/config, machine peer)
#   warm         disco build again, nothing changed
#   lock         disco lock with an empty cache (not a target: shows what a build without a lock adds)
#   hand         dnf --installroot + mkfs.ext4 -d + debugfs time clamp + sgdisk + dd
#   mkosi        mkosi 14 (Debian's mkosi), fedora mode on the local repository only
#   dnf          dnf --installroot alone, fresh root and cache
#   eval1000     disco eval of 1,000 generated machines (10 files x 100, in 10 groups)
#   resolve      disco lock of the same request with a generated 60,000-package repo added (warm cache)
#   resolve-dnf  dnf --assumeno install of the same, same repos (warm cache)
# Every peer installs bash coreutils sed grep util-linux dash from the real-package
# repository (make real-repo) into a GPT disk with one ext4 root where it makes a disk.
# The cold resolves (empty metadata caches) are timed once, while priming the caches;
# BENCH_COLD_RESOLVE=1 also times them every round (about 40 s a round).
#
# Every disco build checks that its disk image has the same sha256 as the first one
# and stops with an error otherwise. Medians, min and max are printed with the
# issue's targets; results also go to bench/out/results.json.
#
# Settings (environment): BENCH_ROUNDS (5), BENCH_REPO (build/real-repo),
# BENCH_60K (build/bench/60k, generated once with bench/gen60k), BENCH_DISCO (a disco
# binary; default: go build into the temp folder), BENCH_ONLY (comma-separated
# contenders), BENCH_INSTALL=1 (apt-get install what is missing: mkosi dnf e2fsprogs
# gdisk), BENCH_STRICT=1 (exit 1 when a target is missed), BENCH_KEEP=1 (keep the
# temp folder), TMPDIR. Needs root for mkosi (loop devices) and dnf --installroot.
set -euo pipefail
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=1700000000

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
ROUNDS=${BENCH_ROUNDS:-5}
REPO=$(readlink -m "${BENCH_REPO:-$TOP/build/real-repo}")
BIG=$(readlink -m "${BENCH_60K:-$TOP/build/bench/60k}")
OUT=$HERE/out
REQUEST=(bash coreutils sed grep util-linux dash)
ALL=(cold warm lock hand mkosi dnf eval1000 resolve resolve-dnf)

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive integer, not '$ROUNDS'"
[ -f "$REPO/repodata/repomd.xml" ] || die "no repository at $REPO: run 'make real-repo' first"

W=$(mktemp -d "${TMPDIR:-/tmp}/disco-bench.XXXXXX")
cleanup() {
	if [ -n "${BENCH_KEEP:-}" ]; then say "kept $W"; else rm -rf --one-file-system "$W"; fi
}
trap cleanup EXIT
mkdir -p "$W/logs" "$OUT"
rm -f "$OUT"/*.log # failure logs of an earlier run

# --- tools -------------------------------------------------------------------

install_missing() { # PKG...: apt-get install, only with BENCH_INSTALL=1
	[ -n "${BENCH_INSTALL:-}" ] || return 0
	say "installing $*"
	apt-get update -qq >"$W/logs/apt.log" 2>&1 || true
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >>"$W/logs/apt.log" 2>&1; then
		say "apt-get install $* failed; its output ends:"
		tail -5 "$W/logs/apt.log" >&2
	fi
}
need=()
command -v dnf >/dev/null || need+=(dnf)
command -v mkfs.ext4 >/dev/null || need+=(e2fsprogs)
command -v sgdisk >/dev/null || need+=(gdisk)
command -v mkosi >/dev/null || need+=(mkosi)
command -v sfdisk >/dev/null || need+=(fdisk)
[ ${#need[@]} -eq 0 ] || install_missing "${need[@]}"

if [ -n "${BENCH_DISCO:-}" ]; then
	DISCO=$(readlink -f "$BENCH_DISCO")
else
	say "building disco"
	(cd "$TOP" && GOFLAGS=-buildvcs=false go build -o "$W/disco" ./cmd/disco)
	DISCO=$W/disco
fi
# From here on HOME is private: dnf, rpm and mkosi read and write nothing of the user's.
export HOME=$W/home
mkdir -p "$HOME"
printf '%%_dbpath /usr/lib/sysimage/rpm\n' >"$HOME/.rpmmacros" # Debian's rpm defaults to ~/.rpmdb

declare -A SKIP=() # contender -> why it is not run
have() { command -v "$1" >/dev/null; }
have dnf || SKIP[dnf]="dnf not installed (BENCH_INSTALL=1 installs it)"
have dnf || SKIP[resolve-dnf]=${SKIP[dnf]}
for t in dnf mkfs.ext4 debugfs sgdisk; do
	have "$t" || SKIP[hand]="$t not installed (BENCH_INSTALL=1 installs it)"
done
if ! have mkosi; then
	SKIP[mkosi]="mkosi not installed (BENCH_INSTALL=1 installs Debian's mkosi)"
elif ! have dnf || ! have sfdisk; then
	SKIP[mkosi]="mkosi needs dnf, and its check sfdisk"
fi
if [ -n "${BENCH_ONLY:-}" ]; then
	for c in "${ALL[@]}"; do
		[[ ,$BENCH_ONLY, == *,$c,* ]] || SKIP[$c]="not in BENCH_ONLY"
	done
fi
CONTENDERS=("${ALL[@]}")
if [ -n "${BENCH_COLD_RESOLVE:-}" ]; then CONTENDERS+=(resolve-cold resolve-dnf-cold); fi
on() { [ -z "${SKIP[$1]:-}" ]; }

# --- the contenders: prep_X (untimed), run_X (timed), check_X (untimed) ----------

# A copy of bench/config per use (lock writes disco.lock at the config root),
# with lib/repo.star pointing at the absolute repositories.
config_copy() { # DIR
	cp -r "$HERE/config" "$1"
	rm -rf "$1/cache" "$1/disco.lock"
	printf 'REAL_REPO = "file://%s"\nBIG_REPO = "file://%s"\n' "$REPO" "$BIG" >"$1/lib/repo.star"
}
disco() { "$DISCO" --log-level warn "$@"; }
IMAGE_SHA=
check_image() { # CACHE: the disk must be the same bytes as the first build's
	local sha
	sha=$(sha256sum "$1/bench/peer/disk.raw" | cut -d' ' -f1)
	if [ -z "$IMAGE_SHA" ]; then
		IMAGE_SHA=$sha
	elif [ "$sha" != "$IMAGE_SHA" ]; then
		BENCH_KEEP=1
		die "NOT REPRODUCIBLE: $1/bench/peer/disk.raw has sha256 $sha, the first build had $IMAGE_SHA (kept $W)"
	fi
}

prep_cold() { rm -rf "$W/cold"; }
run_cold() { disco -C "$W/cfg" --cache "$W/cold" build --machine peer; }
check_cold() { check_image "$W/cold"; }

run_warm() { disco -C "$W/cfg" --cache "$W/warm" build --machine peer; }
check_warm() { check_image "$W/warm"; }
run_first() { run_warm; } # the first build, which fills the warm cache
check_first() { check_warm; }

prep_lock() { rm -rf "$W/lockcache" "$W/cfglock/disco.lock"; }
run_lock() { disco -C "$W/cfglock" --cache "$W/lockcache" lock --machine peer; }

# dnf as the peers run it: one local repository (or two), no system repos, no weak deps.
dnf_in() { # ROOT CACHEDIR REPO-ARGS... -- DNF-ARGS...
	local root=$1 cache=$2 repos=()
	shift 2
	while [ "$1" != -- ]; do repos+=("$1"); shift; done
	shift
	dnf --installroot="$root" --releasever=1 --setopt=reposdir=/nonexistent "${repos[@]}" \
		--setopt=install_weak_deps=False --setopt=cachedir="$cache" --nogpgcheck "$@"
}
REAL_ARGS=("--repofrompath=real,file://$REPO" --repo=real)
BIG_ARGS=("--repofrompath=real,file://$REPO" "--repofrompath=big,file://$BIG" --repo=real --repo=big)

prep_dnf() { rm -rf "$W/dnf"; mkdir -p "$W/dnf/root"; }
run_dnf() { dnf_in "$W/dnf/root" "$W/dnf/cache" "${REAL_ARGS[@]}" -- -q -y install "${REQUEST[@]}"; }

# The hand pipeline (../shared/reference/peers/hand-pipeline-repro.sh): reproducible
# once what dnf leaves with wall-clock times or the build path is deleted.
prep_hand() { rm -rf "$W/hand"; mkdir -p "$W/hand/root"; }
run_hand() {
	local h=$W/hand mb p f
	dnf_in "$h/root" "$h/cache" "${REAL_ARGS[@]}" -- -q -y install "${REQUEST[@]}"
	rm -rf "$h/root/var/log/"dnf*.log "$h/root/var/log/hawkey.log" "$h/root/var/lib/dnf" "$h/root/tmp/"* \
		"$h/root/usr/lib/sysimage/rpm/"*-shm "$h/root/usr/lib/sysimage/rpm/.rpm.lock"
	mb=$(($(du -sm "$h/root" | cut -f1) * 13 / 10 + 64))
	E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH mkfs.ext4 -q -F -T default -I 256 -b 4096 -d "$h/root" \
		-U 11111111-2222-3333-4444-555555555555 \
		-E root_owner=0:0,hash_seed=11111111-2222-3333-4444-555555555555,lazy_itable_init=0,nodiscard \
		"$h/root.ext4" "${mb}M"
	# clamp every inode time (mkfs.ext4 -d copies atime/ctime from the source)
	(cd "$h/root" && find . -print0) | while IFS= read -r -d '' p; do
		p=${p#.}
		[ -n "$p" ] || p=/
		for f in atime ctime mtime crtime; do printf 'sif "%s" %s @%s\n' "$p" "$f" "$SOURCE_DATE_EPOCH"; done
	done >"$h/clamp.cmd"
	for f in atime ctime mtime crtime; do printf 'sif /lost+found %s @%s\n' "$f" "$SOURCE_DATE_EPOCH"; done >>"$h/clamp.cmd"
	echo "ssv kbytes_written 0" >>"$h/clamp.cmd"
	E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH debugfs -w -f "$h/clamp.cmd" "$h/root.ext4"
	truncate -s "$((mb + 2))M" "$h/disk.img"
	sgdisk -o -U 11111111-2222-3333-4444-555555555556 -n "1:2048:+${mb}M" -t 1:8304 \
		-u 1:aaaaaaaa-0000-4000-8000-000000000002 "$h/disk.img"
	dd if="$h/root.ext4" of="$h/disk.img" bs=1M seek=1 conv=notrunc,sparse status=none
}

# mkosi 14 (../shared/reference/peers/mkosi-corpus.sh): needs root and loop devices;
# its images are not reproducible (random UUIDs, mkfs and mount times).
mkosi_config() {
	mkdir -p "$W/mkosi-conf/mkosi.reposdir"
	cat >"$W/mkosi-conf/mkosi.conf" <<-'EOF'
		# Distribution=fedora only selects the dnf code path; Repositories=corpus becomes
		# dnf --disablerepo=* --enablerepo=corpus. BasePackages=no: else mkosi adds systemd,
		# util-linux, dnf. WithDocs + CleanPackageMetadata=no keep docs and the rpmdb as
		# the other contenders do. mkosi 14 lists are comma-separated.
		[Distribution]
		Distribution=fedora
		Release=37
		Repositories=corpus

		[Output]
		Format=gpt_ext4
		Bootable=no
		Output=image.raw

		[Partitions]
		RootSize=140M

		[Content]
		BasePackages=no
		WithDocs=yes
		CleanPackageMetadata=no
		Packages=bash,coreutils,sed,grep,util-linux,dash
	EOF
	printf '[corpus]\nname=corpus\nbaseurl=file://%s\nenabled=1\ngpgcheck=0\n' "$REPO" \
		>"$W/mkosi-conf/mkosi.reposdir/corpus.repo"
}
prep_mkosi() {
	rm -rf "$W/mkosi"
	mkdir -p "$W/mkosi"
	# A regular file left at /dev/loopNp1 makes mkosi fill that file and still exit 0.
	local f
	for f in /dev/loop*p*; do
		if [ -e "$f" ] && [ ! -b "$f" ]; then die "stale non-device $f: remove it first"; fi
	done
}
run_mkosi() { (cd "$W/mkosi-conf" && mkosi --force --output "$W/mkosi/image.raw" build); }
check_mkosi() { # ext4 magic 0xEF53 in the root partition's superblock
	local start
	start=$(sfdisk -d "$W/mkosi/image.raw" | sed -n 's/.*start= *\([0-9]*\),.*/\1/p' | head -1)
	[ "$(od -An -tx2 -j $((start * 512 + 1080)) -N2 "$W/mkosi/image.raw" | tr -d ' ')" = ef53 ] ||
		die "mkosi: no ext4 in partition 1 of its image"
}

# 10 files x 100 machines, a shared library module, a group per file.
eval1000_config() {
	local d=$W/eval1000 g
	mkdir -p "$d/lib"
	cat >"$d/lib/common.star" <<-'EOF'
		load("@disco/layouts.star", "uefi_disk")
		load("@disco/net.star", "identity")
		base = [repo("base", baseurl = "file:///srv/repo", priority = 10)]
		def make_group(g):
		    return group(
		        "g%d" % g,
		        repos = base,
		        packages = ["bash", "coreutils", "util-linux"],
		        users = [user("app", uid = 990)],
		        generators = [identity()],
		        disk = uefi_disk(),
		        source_date_epoch = 1700000000,
		    )
		def make(grp, g, i):
		    machine(
		        name = "m%d-%d" % (g, i),
		        group = grp,
		        packages = ["pkg%d" % i],
		        files = [file("/etc/motd", content = "machine %d\n" % i), symlink("/etc/localtime", "../usr/share/zoneinfo/UTC")],
		        devices = [device("/dev/console", "c", 0o600, major = 5, minor = 1)],
		        outputs = ["raw", "qcow2"],
		    )
	EOF
	for g in 0 1 2 3 4 5 6 7 8 9; do
		printf 'load("lib/common.star", "make", "make_group")\ngrp = make_group(%d)\n[make(grp, %d, i) for i in range(100)]\n' \
			"$g" "$g" >"$d/g$g.star"
	done
}
run_eval1000() { disco -C "$W/eval1000" --cache "$W/eval1000-cache" eval --format json >"$W/eval1000.json"; }

run_resolve() { disco -C "$W/cfg60" --cache "$W/cache60" lock --machine peer-60k; }
# --assumeno: dnf resolves, prints "Operation aborted." and exits 1.
dnf_resolve() { # DIR
	local rc=0
	dnf_in "$1/root" "$1/cache" "${BIG_ARGS[@]}" -- -q --assumeno install "${REQUEST[@]}" || rc=$?
	[ "$rc" -eq 1 ]
}
run_resolve-dnf() { dnf_resolve "$W/dnf60"; }
prep_resolve-cold() { rm -rf "$W/cache60cold" "$W/cfg60/disco.lock"; }
run_resolve-cold() { disco -C "$W/cfg60" --cache "$W/cache60cold" lock --machine peer-60k; }
prep_resolve-dnf-cold() { rm -rf "$W/dnf60cold"; mkdir -p "$W/dnf60cold/root"; }
run_resolve-dnf-cold() { dnf_resolve "$W/dnf60cold"; }

# --- timing ----------------------------------------------------------------------

now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
# timed NAME ROUND: prep, time run, check; appends "NAME ROUND WALL CPU" to $W/times,
# CPU being the user+sys seconds of every process the run waited for (bash's `times`,
# written to files: a command substitution would fork and see no children).
# FAILED is empty, or says how the run failed. timed always returns 0 and must not be called
# as a condition: that would turn set -e off inside run_X.
FAILED=
timed() {
	local name=$1 round=$2 t0 t1 rc=0 log=$W/logs/$1.log
	FAILED=
	if declare -F "prep_$name" >/dev/null; then "prep_$name"; fi
	times >"$W/cpu0"
	t0=${EPOCHREALTIME/,/.}
	"run_$name" >"$log" 2>&1 &
	wait $! || rc=$?
	if [ "$rc" != 0 ]; then
		say "$name failed in round $round (exit $rc); its output ends:"
		tail -20 "$log" >&2
		cp "$log" "$OUT/$name.log"
		FAILED="exit $rc, output in ${OUT#"$TOP"/}/$name.log"
		return 0
	fi
	t1=${EPOCHREALTIME/,/.}
	times >"$W/cpu1"
	if declare -F "check_$name" >/dev/null; then "check_$name"; fi
	awk -v n="$name" -v r="$round" -v a="$t0" -v b="$t1" '
		function sec(s, m) { m = s; sub(/m.*/, "", m); sub(/^[0-9]+m/, "", s); sub(/s$/, "", s); return m * 60 + s }
		FNR == 2 { c[FILENAME] = sec($1) + sec($2) }
		END { printf "%s %s %.4f %.4f\n", n, r, b - a, c[ARGV[2]] - c[ARGV[1]] }' "$W/cpu0" "$W/cpu1" >>"$W/times"
}

# --- set-up: configs, the 60k repository, primed caches (the cold resolves are timed here) ---

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "load average before: $LOAD_BEFORE ($(nproc) CPUs)"
config_copy "$W/cfg"
config_copy "$W/cfglock"
config_copy "$W/cfg60"
eval1000_config
mkosi_config
: >"$W/times"
lock_count() { awk '/"sha256":/ { n++ } END { print n + 0 }' "$1"; } # packages in a one-machine lock
RESOLVE=
if on resolve || on resolve-dnf || [ -n "${BENCH_COLD_RESOLVE:-}" ]; then RESOLVE=1; fi

if [ -n "$RESOLVE" ] && [ ! -f "$BIG/repodata/repomd.xml" ]; then
	say "generating the 60,000-package repository into $BIG (once)"
	(cd "$TOP" && GOFLAGS=-buildvcs=false go run ./bench/gen60k "$BIG")
fi

say "priming: lock, first build, caches"
disco -C "$W/cfg" --cache "$W/warm" lock --machine peer >"$W/logs/prime-lock.log" 2>&1 ||
	{ tail -20 "$W/logs/prime-lock.log" >&2; die "disco lock failed"; }
PKGS=$(lock_count "$W/cfg/disco.lock")
timed first prime
[ -z "$FAILED" ] || die "the first disco build failed"
say "image: $PKGS packages, $(du -m --apparent-size "$W/warm/bench/peer/disk.raw" | cut -f1) MiB, sha256 $IMAGE_SHA"
if on eval1000; then
	timed eval1000 prime
	[ -z "$FAILED" ] || die "disco eval of 1,000 machines failed"
	n=$(grep -c '"digest": "sha256:' "$W/eval1000.json") || true
	[ "$n" = 1000 ] || die "disco eval of the generated config gave $n machines, not 1000"
fi
if [ -n "$RESOLVE" ]; then
	say "priming: the cold resolves on the 60k repository (timed once)"
	timed resolve-cold prime
	[ -z "$FAILED" ] || die "disco lock on the 60k repository failed"
	cp -r "$W/cache60cold" "$W/cache60"
	DISCO60=$(lock_count "$W/cfg60/disco.lock")
	if have dnf; then
		mkdir -p "$W/dnf60cold/root"
		timed resolve-dnf-cold prime
		[ -z "$FAILED" ] || die "dnf on the 60k repository failed"
		cp -r "$W/dnf60cold" "$W/dnf60"
		# Both resolvers must pick transactions of one size, or the race means little.
		DNF60=$(dnf_in "$W/dnf60/root" "$W/dnf60/cache" "${BIG_ARGS[@]}" -- --assumeno install "${REQUEST[@]}" 2>&1 |
			sed -n 's/^Install *\([0-9]*\) Package.*/\1/p' | head -1) || true
		[ "$DNF60" = "$DISCO60" ] || say "WARNING: on the 60k repositories disco locks $DISCO60 packages, dnf installs ${DNF60:-?}"
	fi
fi
# A peer that cannot run here (no loop devices for mkosi, ...) is skipped with its reason.
for c in hand mkosi dnf; do
	on "$c" || continue
	timed "$c" prime 2>/dev/null
	if [ -n "$FAILED" ]; then
		SKIP[$c]="failed here ($FAILED)"
		say "skipping $c: ${SKIP[$c]}"
	fi
done
if on mkosi; then
	v=$(mkosi --version 2>/dev/null) || true
	[ "$v" = "mkosi 14" ] || say "note: the issue compares with mkosi 14; this is '$v'"
fi

# --- rounds -------------------------------------------------------------------------

RUN=()
for c in "${CONTENDERS[@]}"; do if on "$c"; then RUN+=("$c"); fi; done
T0=$(now)
for ((r = 0; r <= ROUNDS; r++)); do
	if [ "$r" = 0 ]; then say "warm-up round (not counted)"; else say "round $r of $ROUNDS"; fi
	k=${#RUN[@]}
	for ((i = 0; i < k; i++)); do
		timed "${RUN[$(((i + r) % k))]}" "$r"
		[ -z "$FAILED" ] || die "stopped"
	done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- results ------------------------------------------------------------------------

declare -A MED=() MIN=() MAX=() CPU=() N=() SAMPLES=()
stats() { # numbers on stdin -> "count median min max"
	sort -g | awk '{ v[NR] = $1 } END {
		printf "%d %.3f %.3f %.3f\n", NR, NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[1], v[NR] }'
}
describe() {
	case $1 in
	cold) echo "disco build, empty cache and store (from a lock)" ;;
	warm) echo "disco build again, nothing changed" ;;
	lock) echo "disco lock, empty cache (not a target)" ;;
	hand) echo "dnf + mkfs.ext4 -d + debugfs + sgdisk + dd" ;;
	mkosi) echo "mkosi, gpt_ext4, local repo only" ;;
	dnf) echo "dnf --installroot alone" ;;
	eval1000) echo "disco eval, 1,000 machines (json)" ;;
	resolve) echo "disco lock, +60k repo, warm cache" ;;
	resolve-dnf) echo "dnf --assumeno install, +60k repo, warm cache" ;;
	resolve-cold) echo "disco lock, +60k repo, empty cache" ;;
	resolve-dnf-cold) echo "dnf --assumeno install, +60k repo, empty cache" ;;
	esac
}
ROWS=(cold warm lock hand mkosi dnf eval1000 resolve resolve-dnf resolve-cold resolve-dnf-cold)
for c in "${ROWS[@]}"; do
	# counted rounds; a contender timed only while priming (the cold resolves) keeps that one sample
	s=$(awk -v c="$c" '$1 == c && $2 != "prime" && $2 != 0 { print $3, $4 }' "$W/times")
	[ -n "$s" ] || s=$(awk -v c="$c" '$1 == c && $2 == "prime" { print $3, $4 }' "$W/times")
	[ -n "$s" ] || continue
	read -r n med lo hi < <(printf '%s\n' "$s" | cut -d' ' -f1 | stats)
	read -r _ cpu _ _ < <(printf '%s\n' "$s" | cut -d' ' -f2 | stats)
	N[$c]=$n MED[$c]=$med MIN[$c]=$lo MAX[$c]=$hi CPU[$c]=$cpu
	SAMPLES[$c]=$(printf '%s\n' "$s" | cut -d' ' -f1 | paste -sd, -)
done

# target NAME NUMERATOR DENOMINATOR|- OP GOAL: one line of the targets table
TARGETS=()
target() {
	local name=$1 a=$2 b=$3 op=$4 goal=$5 v res
	if [ -z "${MED[$a]:-}" ] || { [ "$b" != - ] && [ -z "${MED[$b]:-}" ]; }; then
		TARGETS+=("$name|n/a|$op $goal|SKIP")
		return
	fi
	if [ "$b" = - ]; then v=${MED[$a]}; else v=$(awk -v x="${MED[$a]}" -v y="${MED[$b]}" 'BEGIN { printf "%.3f", x / y }'); fi
	res=$(awk -v v="$v" -v g="$goal" -v op="$op" 'BEGIN { ok = op == "<" ? v < g : v <= g; print ok ? "PASS" : "MISS" }')
	TARGETS+=("$name|$v|$op $goal|$res")
}
target "cold build / mkosi" cold mkosi "<=" 0.5
target "cold build / dnf alone" cold dnf "<" 1
target "warm rebuild, seconds" warm - "<=" 0.2
target "eval of 1,000 machines, seconds" eval1000 - "<" 1
target "resolve on 60k: disco / dnf" resolve resolve-dnf "<=" 0.5

TOTAL=$(awk -v a="$T0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')
{
	echo
	printf '%-17s %-48s %2s %7s %7s %7s %7s\n' contender what n median min max cpu
	for c in "${ROWS[@]}"; do
		if [ -n "${MED[$c]:-}" ]; then
			printf '%-17s %-48s %2s %7s %7s %7s %7s\n' "$c" "$(describe "$c")" "${N[$c]}" "${MED[$c]}" "${MIN[$c]}" "${MAX[$c]}" "${CPU[$c]}"
		elif [ -n "${SKIP[$c]:-}" ] && [ "${SKIP[$c]}" != "not in BENCH_ONLY" ]; then
			printf '%-17s skipped: %s\n' "$c" "${SKIP[$c]}"
		fi
	done
	echo
	printf '%-34s %8s %8s  %s\n' target value goal result
	for t in "${TARGETS[@]}"; do
		IFS='|' read -r a b c d <<<"$t"
		printf '%-34s %8s %8s  %s\n' "$a" "$b" "$c" "$d"
	done
	echo
	echo "wall seconds: median, min, max of $ROUNDS interleaved rounds after a warm-up round (cold resolves: one run"
	echo "unless BENCH_COLD_RESOLVE=1); cpu: median user+sys seconds of the processes run. The targets use the wall medians."
	echo "image: $PKGS packages, sha256 $IMAGE_SHA, the same bytes in every disco build"
	[ -z "${DISCO60:-}" ] || echo "60k resolve: disco locks $DISCO60 packages, dnf installs ${DNF60:-?}"
	echo "load average: $LOAD_BEFORE before, $LOAD_AFTER after ($(nproc) CPUs); rounds took ${TOTAL} s"
} | tee "$W/table.txt"

# JSON, by hand (no jq needed): names and notes are plain ASCII without quotes.
json_str() { local s=${1//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }
{
	printf '{\n  "rounds": %d,\n  "cpus": %d,\n' "$ROUNDS" "$(nproc)"
	printf '  "loadavg_before": %s,\n  "loadavg_after": %s,\n' "$(json_str "$LOAD_BEFORE")" "$(json_str "$LOAD_AFTER")"
	printf '  "rounds_seconds": %s,\n' "$TOTAL"
	printf '  "commit": %s,\n' "$(json_str "$(git -C "$TOP" rev-parse HEAD 2>/dev/null || echo unknown)")"
	printf '  "image": {"packages": %s, "sha256": %s},\n' "$PKGS" "$(json_str "$IMAGE_SHA")"
	printf '  "contenders": {'
	sep=
	for c in "${ROWS[@]}"; do
		if [ -n "${MED[$c]:-}" ]; then
			printf '%s\n    %s: {"what": %s, "n": %s, "median": %s, "min": %s, "max": %s, "cpu_median": %s, "samples": [%s]}' "$sep" \
				"$(json_str "$c")" "$(json_str "$(describe "$c")")" "${N[$c]}" "${MED[$c]}" "${MIN[$c]}" "${MAX[$c]}" "${CPU[$c]}" "${SAMPLES[$c]}"
		elif [ -n "${SKIP[$c]:-}" ]; then
			printf '%s\n    %s: {"skipped": %s}' "$sep" "$(json_str "$c")" "$(json_str "${SKIP[$c]}")"
		else
			continue
		fi
		sep=,
	done
	printf '\n  },\n  "targets": ['
	sep=
	for t in "${TARGETS[@]}"; do
		IFS='|' read -r a b c d <<<"$t"
		[ "$b" != n/a ] || b=null
		printf '%s\n    {"target": %s, "value": %s, "goal": %s, "result": %s}' "$sep" "$(json_str "$a")" "$b" "$(json_str "$c")" "$(json_str "$d")"
		sep=,
	done
	printf '\n  ]\n}\n'
} >"$OUT/results.json"
say "results in ${OUT#"$TOP"/}/results.json"

if [ -n "${BENCH_STRICT:-}" ] && grep -q '|MISS$' <(printf '%s\n' "${TARGETS[@]}"); then
	die "some targets were missed (BENCH_STRICT)"
fi
