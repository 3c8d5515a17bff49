#!/bin/bash
# boot-smoke.sh REPO — proof that the real-package repository boots: dnf installs
# linux-image-amd64, busybox-static and systemd-boot-efi from REPO into a scratch
# root; a busybox initramfs loads virtio_pci, virtio_blk and ext4 (with their
# dependencies, in modules.dep order) and prints a marker; the ESP carries the
# package's systemd-bootx64.efi as /EFI/BOOT/BOOTX64.EFI; qemu (TCG) boots it under
# OVMF. Prints the seconds to the marker; exits 1 without it.
# Needs: dnf qemu-system-x86 ovmf mtools dosfstools gdisk cpio.
set -euo pipefail
REPO=$(readlink -f "${1:?usage: boot-smoke.sh REPO}")
MARKER=DISCO-REAL-REPO-BOOT-OK
T=${SOURCE_DATE_EPOCH:-1700000000}
W=$(mktemp -d -t boot-smoke.XXXX)
trap 'rm -rf "$W"' EXIT

mkdir -p "$W/home"
printf '%%_dbpath /usr/lib/sysimage/rpm\n' >"$W/home/.rpmmacros"
HOME=$W/home dnf -q --installroot="$W/root" --releasever=1 --setopt=reposdir=/dev/null \
	--repofrompath=r,"file://$REPO" --repo=r --setopt=install_weak_deps=False \
	--setopt=cachedir="$W/dnfcache" --nogpgcheck -y \
	install linux-image-amd64 busybox-static systemd-boot-efi >"$W/dnf.log" 2>&1 ||
	{ tail -20 "$W/dnf.log" >&2; exit 1; }

R=$W/root
KVER=$(ls "$R/lib/modules")
mkdir -p "$W/initrd/bin" "$W/initrd/proc" "$W/initrd/sys" "$W/initrd/dev"
cp "$R/bin/busybox" "$W/initrd/bin/busybox"
ln -s busybox "$W/initrd/bin/sh"
mods=$(modprobe -d "$R" -S "$KVER" --show-depends -a virtio_pci virtio_blk ext4 |
	awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++')
for m in $mods; do
	mkdir -p "$W/initrd$(dirname "${m#"$R"}")"
	cp "$m" "$W/initrd${m#"$R"}"
done
{
	echo '#!/bin/busybox sh'
	echo '/bin/busybox mount -t proc proc /proc'
	for m in $mods; do echo "/bin/busybox insmod ${m#"$R"}"; done
	echo "echo \"$MARKER kernel=\$(/bin/busybox uname -r) modules=\$(/bin/busybox wc -l </proc/modules)\""
	echo '/bin/busybox poweroff -f'
} >"$W/initrd/init"
chmod 0755 "$W/initrd/init"
find "$W/initrd" -exec touch -h -d "@$T" {} +
(cd "$W/initrd" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -9n >"$W/initrd.img"

export MTOOLS_SKIP_CHECK=1
truncate -s 64M "$W/esp.fat"
mkfs.vfat -F 32 -n ESP -i 12345678 --invariant "$W/esp.fat" >/dev/null
mmd -i "$W/esp.fat" ::/EFI ::/EFI/BOOT ::/loader ::/loader/entries
mcopy -i "$W/esp.fat" "$R/usr/lib/systemd/boot/efi/systemd-bootx64.efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$W/esp.fat" "$R/boot/vmlinuz-$KVER" ::/vmlinuz
mcopy -i "$W/esp.fat" "$W/initrd.img" ::/initrd
printf 'default disco.conf\ntimeout 0\n' >"$W/loader.conf"
printf 'title disco\nlinux /vmlinuz\ninitrd /initrd\noptions console=ttyS0 panic=-1\n' >"$W/disco.conf"
mcopy -i "$W/esp.fat" "$W/loader.conf" ::/loader/loader.conf
mcopy -i "$W/esp.fat" "$W/disco.conf" ::/loader/entries/disco.conf
truncate -s 66M "$W/disk.img"
sgdisk -o -n 1:2048:+64M -t 1:ef00 "$W/disk.img" >/dev/null
dd if="$W/esp.fat" of="$W/disk.img" bs=1M seek=1 conv=notrunc status=none
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$W/vars.fd"

start=$(date +%s.%N)
timeout 180 qemu-system-x86_64 -machine q35 -accel tcg -m 512 -nographic -no-reboot \
	-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
	-drive if=pflash,format=raw,file="$W/vars.fd" \
	-drive if=virtio,format=raw,file="$W/disk.img" </dev/null >"$W/serial.log" 2>&1 || true
end=$(date +%s.%N)
if line=$(tr -d '\r' <"$W/serial.log" | grep -a "^$MARKER"); then
	echo "$line  ($(echo "$end - $start" | bc) s to power-off)"
else
	tail -30 "$W/serial.log" >&2
	echo "no marker" >&2
	exit 1
fi
