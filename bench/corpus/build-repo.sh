#!/bin/bash
# build-repo.sh OUTDIR — the real-package RPM repository: Debian packages from the
# distro mirror (apt), converted with alien, plus a few RPMs built here from
# bench/corpus/specs, indexed with createrepo_c. OUTDIR becomes the repository
# (OUTDIR/Packages/*.rpm + OUTDIR/repodata); OUTDIR/.cache keeps the downloads,
# the conversions and the stamps between runs. See examples/repo-real/README.md.
#
# Inputs: examples/repo-real/packages.txt (root packages) and kernel-modules.txt
# (modules kept in the trimmed kernel); override with REAL_REPO_PACKAGES and
# REAL_REPO_MODULES. SOURCE_DATE_EPOCH (default 1700000000) is every package's
# build time, every file's clamp and the repository's revision.
#
# Closure: apt's own resolver, run as if installing the roots onto an empty system
# (`apt-get -s` with an empty dpkg status), so alternatives are chosen as Debian
# chooses them. The kernel meta package is not recursed into.
#
# Caching, two levels: (1) a key of the inputs plus the apt lists' Release files:
# unchanged -> done without asking apt anything; (2) a key of the inputs plus the
# resolved name=version list: unchanged -> done without downloading. Downloads and
# conversions are cached per package version, so a mirror update redoes only what
# changed. Nothing versioned is committed: versions live only in OUTDIR/.cache.
#
# Host: installs missing tools (alien rpm createrepo-c kmod) with apt-get and
# touches nothing else of the host; rpmbuild runs with a private HOME.
set -euo pipefail

usage() { echo "usage: build-repo.sh OUTDIR" >&2; exit 2; }
[ $# -eq 1 ] || usage

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
OUT=$(readlink -m "$1")
LIST=$(readlink -f "${REAL_REPO_PACKAGES:-$TOP/examples/repo-real/packages.txt}")
MODS=$(readlink -f "${REAL_REPO_MODULES:-$TOP/examples/repo-real/kernel-modules.txt}")
SPECS=$HERE/specs
[ -f "$LIST" ] || { echo "build-repo: no package list $LIST" >&2; exit 1; }
[ -f "$MODS" ] || { echo "build-repo: no module list $MODS" >&2; exit 1; }
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
export LC_ALL=C
CACHE=$OUT/.cache
JOBS=$(nproc)

log() { printf 'build-repo: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# --- tools ------------------------------------------------------------------
need_tools() {
	local missing=() pair
	for pair in alien:alien rpmbuild:rpm createrepo_c:createrepo-c depmod:kmod \
		modprobe:kmod dpkg-deb:dpkg; do
		command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
	done
	[ ${#missing[@]} -eq 0 ] && return
	local sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	log "installing tools: ${missing[*]}"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		$(printf '%s\n' "${missing[@]}" | sort -u) >/dev/null
}

# --- inputs and keys ----------------------------------------------------------
# names in a list file: comments and blanks dropped
names() { sed 's/#.*//' "$1" | tr -s ' \t' '\n\n' | sed '/^$/d'; }

roots() { names "$LIST" | grep -v '^linux-image-'; }
kernel_meta() { names "$LIST" | grep '^linux-image-' || true; }

inputs_digest() {
	{
		echo "sde=$SOURCE_DATE_EPOCH"
		sha256sum "$0" "$LIST" "$MODS" "$SPECS"/*.spec | cut -d' ' -f1
	} | sha256sum | cut -d' ' -f1
}

apt_lists_digest() {
	local lists
	eval "$(apt-config shell lists Dir::State::lists/d)"
	cat "$lists"/*Release 2>/dev/null | sha256sum | cut -d' ' -f1
}

# apt's binary caches, kept here because the resolver's view (empty dpkg status)
# differs from the host's: built once per mirror state (~2 s), then reused.
APT_OPTS=(-o Dir::State::status=/dev/null -o Debug::NoLocking=1
	-o "Dir::Cache::pkgcache=$CACHE/apt/pkgcache.bin"
	-o "Dir::Cache::srcpkgcache=$CACHE/apt/srcpkgcache.bin")

# resolve prints "name=version" lines, sorted: the roots' closure by apt, then the
# kernel meta and the image package it depends on.
resolve() {
	mapfile -t rs < <(roots)
	apt-get -s -qq "${APT_OPTS[@]}" --no-install-recommends install "${rs[@]}" |
		awk '$1 == "Inst" { sub(/^\(/, "", $3); print $2 "=" $3 }'
	local meta image
	for meta in $(kernel_meta); do
		image=$(apt-cache "${APT_OPTS[@]}" show --no-all-versions "$meta" |
			sed -n 's/^Depends: \(linux-image-[^ ,]*\).*/\1/p')
		[ -n "$image" ] || die "$meta: no linux-image-* in its Depends"
		echo "$meta=$(candidate "$meta")"
		echo "$image=$(candidate "$image")"
	done | sort -u
}

candidate() { apt-cache "${APT_OPTS[@]}" show --no-all-versions "$1" | sed -n 's/^Version: //p'; }

# --- download -----------------------------------------------------------------
deb_of() { # name version -> cached .deb path (may not exist)
	local f=("$CACHE/debs/${1}_${2/:/%3a}_"*.deb)
	echo "${f[0]}"
}

download() { # name=version...
	mkdir -p "$CACHE/debs" "$CACHE/dl"
	local want=() nv
	for nv in "$@"; do
		[ -f "$(deb_of "${nv%%=*}" "${nv#*=}")" ] || want+=("$nv")
	done
	[ ${#want[@]} -eq 0 ] && return
	log "downloading ${#want[@]} packages"
	(cd "$CACHE/dl" && apt-get download -qq -o APT::Sandbox::User=root "${want[@]}")
	mv "$CACHE"/dl/*.deb "$CACHE/debs/"
}

# --- kernel -------------------------------------------------------------------
# trim_kernel DEB OUTDEB: keep vmlinuz and the listed modules (with their
# dependencies), regenerate modules.dep & co., link vmlinuz into the modules
# folder (the kernel-install layout), drop docs and bug-report scripts.
trim_kernel() {
	local deb=$1 outdeb=$2 w kver kdir mods keep
	w=$(mktemp -d "$CACHE/trim.XXXX")
	dpkg-deb -R "$deb" "$w/root"
	kver=$(ls "$w/root/lib/modules")
	kdir=$w/root/lib/modules/$kver
	mapfile -t mods < <(names "$MODS")
	if [ ${#mods[@]} -gt 0 ]; then
		depmod -b "$w/root" "$kver"
		modprobe -d "$w/root" -S "$kver" --show-depends -a "${mods[@]}" |
			awk '$1 == "insmod" { print $2 }' | sed "s|^$kdir/||" | sort -u >"$w/keep"
		(cd "$kdir" && find kernel -name '*.ko*' | sort | comm -23 - "$w/keep" | xargs -r rm -f)
		find "$kdir/kernel" -type d -empty -delete
		grep -xFf "$w/keep" "$kdir/modules.order" >"$w/order" || true
		mv "$w/order" "$kdir/modules.order"
		keep=$(wc -l <"$w/keep")
		log "kernel $kver: kept $keep modules"
	fi
	depmod -b "$w/root" "$kver"
	ln "$w/root/boot/vmlinuz-$kver" "$kdir/vmlinuz"
	rm -rf "$w/root/usr/share/bug" "$w/root/usr/share/doc" "$w/root/usr/share/lintian" \
		"$w/root/DEBIAN/md5sums"
	find "$w/root" -depth -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	dpkg-deb --root-owner-group -Zgzip -z1 -b "$w/root" "$outdeb" >/dev/null
	rm -rf "$w"
}

# --- conversion ---------------------------------------------------------------
# done_dir DIR: a finished conversion (marker and at least one RPM)
done_dir() { [ -f "$1/.done" ] && compgen -G "$1/*.rpm" >/dev/null; }

# convert DEB: alien --to-rpm into $RPMS/<deb basename>/ unless done. Runs in
# a child bash (xargs -P), which must fail loudly: it is started with -e.
convert() {
	local deb=$1 dst w
	dst=$RPMS/$(basename "$deb" .deb)
	done_dir "$dst" && return
	rm -rf "$dst"
	w=$(mktemp -d "$CACHE/alien.XXXX")
	(cd "$w" && HOME=$CACHE/home alien --to-rpm --keep-version "$deb" >"$w/log" 2>&1) ||
		{ cat "$w/log" >&2; die "alien failed on $deb"; }
	compgen -G "$w/*.rpm" >/dev/null || { cat "$w/log" >&2; die "alien made no RPM from $deb"; }
	mkdir -p "$dst"
	mv "$w"/*.rpm "$dst/"
	touch "$dst/.done"
	rm -rf "$w"
}

# Debian's binaries go in unchanged (no strip, no brp scripts, no .build-id
# links, which would collide between packages); zstd -3 payloads build fast.
rpm_macros() {
	mkdir -p "$CACHE/home"
	cat >"$CACHE/home/.rpmmacros" <<-EOF
		%use_source_date_epoch_as_buildtime 1
		%clamp_mtime_to_source_date_epoch 1
		%_buildhost disco
		%_build_id_links none
		%debug_package %{nil}
		%__os_install_post %{nil}
		%_binary_payload w3.zstdio
	EOF
}

# build_spec SPEC KEY: rpmbuild into $CACHE/rpms/KEY/ unless done.
build_spec() {
	local spec=$1 dst=$RPMS/$2
	done_dir "$dst" && return
	rm -rf "$dst" "$CACHE/rpmbuild"
	HOME=$CACHE/home rpmbuild --define "_topdir $CACHE/rpmbuild" -bb "$spec" \
		>"$CACHE/rpmbuild.log" 2>&1 || { cat "$CACHE/rpmbuild.log" >&2; die "rpmbuild $spec failed"; }
	mkdir -p "$dst"
	mv "$CACHE"/rpmbuild/RPMS/*/*.rpm "$dst/"
	touch "$dst/.done"
}

# kernel_meta_spec META VERSION IMAGE: the meta package as an RPM that requires
# the image package (alien would drop the Depends and leave it empty).
kernel_meta_spec() {
	local ver=${2#*:}
	cat <<-EOF
		Name: $1
		Version: ${ver%-*}
		Release: $(echo "${ver##*-}" | tr -- '-~' '..')
		Summary: Debian's $1 meta package: requires $3
		License: GPL-2.0-only
		BuildArch: noarch
		Requires: $3
		%description
		Rebuilt from Debian's $1 $2 (alien drops Depends).
		%files
	EOF
}

# prune: drop cached downloads and conversions this run did not use, so the
# cache holds one mirror state.
prune() {
	local keep f
	keep=$(printf '%s\n' "${debs[@]}" "${rpmdirs[@]}" "${wanted_debs[@]}")
	for f in "$CACHE"/debs/*.deb "$CACHE"/debs-trimmed/*.deb "$CACHE"/rpms/*/*/; do
		[ -e "$f" ] || continue
		grep -qxF "${f%/}" <<<"$keep" || rm -rf "$f"
	done
	find "$CACHE/rpms" -mindepth 1 -maxdepth 1 -type d -empty -delete
}

# complete: the repository of the last successful run is all there
complete() {
	[ -f "$OUT/repodata/repomd.xml" ] && [ -f "$CACHE/pkglist" ] || return 1
	(cd "$OUT" && xargs -d '\n' ls <"$CACHE/pkglist" >/dev/null 2>&1)
}

# --- main ---------------------------------------------------------------------
need_tools
mkdir -p "$CACHE/apt"
rm -rf "$CACHE"/alien.* "$CACHE"/trim.* "$CACHE"/dl # left by an interrupted run
fast=$(echo "$(inputs_digest) $(apt_lists_digest)" | sha256sum | cut -d' ' -f1)
if complete && [ "$(cat "$CACHE/fast.key" 2>/dev/null)" = "$fast" ]; then
	echo "$OUT $(cat "$CACHE/count") packages (cached)"
	exit 0
fi

resolve >"$CACHE/resolved.new"
[ -s "$CACHE/resolved.new" ] || die "apt resolved nothing from $LIST"
key=$({ inputs_digest; cat "$CACHE/resolved.new"; } | sha256sum | cut -d' ' -f1)
if complete && [ "$(cat "$CACHE/stamp" 2>/dev/null)" = "$key" ]; then
	echo "$fast" >"$CACHE/fast.key"
	echo "$OUT $(cat "$CACHE/count") packages (cached)"
	exit 0
fi
rm -f "$CACHE/fast.key" "$CACHE/stamp"
mv "$CACHE/resolved.new" "$CACHE/resolved"
log "$(wc -l <"$CACHE/resolved") Debian packages resolved"

mapfile -t metas < <(kernel_meta)
is_meta() { local m; for m in "${metas[@]}"; do [ "$m" = "$1" ] && return 0; done; return 1; }
wanted=()
while IFS='=' read -r name ver; do
	is_meta "$name" || wanted+=("$name=$ver")
done <"$CACHE/resolved"
download "${wanted[@]}"

rpm_macros
# conversions are cached per recipe (macros + alien version): a change rebuilds all
RPMS=$CACHE/rpms/$({ cat "$CACHE/home/.rpmmacros"; dpkg-query -W alien rpm; } | sha256sum | cut -c1-12)
modkey=$(names "$MODS" | sha256sum | cut -c1-12)
debs=()
wanted_debs=()
for nv in "${wanted[@]}"; do
	deb=$(deb_of "${nv%%=*}" "${nv#*=}")
	[ -f "$deb" ] || die "${nv}: not downloaded"
	wanted_debs+=("$deb")
	case $nv in
	linux-image-*)
		trimmed=$CACHE/debs-trimmed/$(basename "$deb" .deb).mods-$modkey.deb
		if [ ! -f "$trimmed" ]; then
			mkdir -p "$CACHE/debs-trimmed"
			trim_kernel "$deb" "$trimmed.tmp"
			mv "$trimmed.tmp" "$trimmed"
		fi
		deb=$trimmed
		;;
	esac
	debs+=("$deb")
done

log "converting ${#debs[@]} packages with alien"
export -f convert done_dir log die
export CACHE RPMS
printf '%s\0' "${debs[@]}" | xargs -0 -P "$JOBS" -I{} bash -ec 'convert "$1"' _ {}
rpmdirs=()
for d in "${debs[@]}"; do rpmdirs+=("$RPMS/$(basename "$d" .deb)"); done

for spec in "$SPECS"/*.spec; do
	k="spec-$(basename "$spec" .spec)-$(sha256sum "$spec" | cut -c1-12)"
	build_spec "$spec" "$k"
	rpmdirs+=("$RPMS/$k")
done
for meta in "${metas[@]}"; do
	mver=$(sed -n "s/^$meta=//p" "$CACHE/resolved")
	image=$(grep -v "^$meta=" "$CACHE/resolved" | grep '^linux-image-' | cut -d= -f1 | head -1)
	kernel_meta_spec "$meta" "$mver" "$image" >"$CACHE/$meta.spec"
	k="meta-$meta-$(sha256sum "$CACHE/$meta.spec" | cut -c1-12)"
	build_spec "$CACHE/$meta.spec" "$k"
	rpmdirs+=("$RPMS/$k")
done

# The repository: exactly this run's RPMs, hard-linked from the cache, mtimes
# pinned (createrepo_c records them), metadata stamped with SOURCE_DATE_EPOCH.
log "indexing"
rm -rf "$OUT/Packages" "$OUT/repodata" "$OUT/.repodata"
mkdir -p "$OUT/Packages"
for d in "${rpmdirs[@]}"; do ln "$d"/*.rpm "$OUT/Packages/"; done
touch -d "@$SOURCE_DATE_EPOCH" "$OUT"/Packages/*.rpm
(cd "$OUT" && ls Packages/*.rpm) >"$CACHE/pkglist"
createrepo_c -q --pkglist "$CACHE/pkglist" --no-database \
	--revision "$SOURCE_DATE_EPOCH" --set-timestamp-to-revision "$OUT"
wc -l <"$CACHE/pkglist" >"$CACHE/count"
prune
echo "$key" >"$CACHE/stamp"
echo "$fast" >"$CACHE/fast.key"
echo "$OUT $(cat "$CACHE/count") packages"
