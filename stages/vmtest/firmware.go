package vmtest

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Firmware is an OVMF build: Code is the read-only firmware and Vars the
// template of its variable store. A Firmware with Vars empty is a
// combined image (OVMF.fd), given to qemu with -bios.
type Firmware struct {
	Code, Vars string
}

// firmwareCandidates are where distributions install OVMF, best first:
// Debian and Ubuntu (4 MiB, then 2 MiB builds), Fedora, Arch, then the
// combined image qemu's own share folder may hold.
var firmwareCandidates = []Firmware{
	{"/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"},
	{"/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"},
	{"/usr/share/edk2/ovmf/OVMF_CODE.fd", "/usr/share/edk2/ovmf/OVMF_VARS.fd"},
	{"/usr/share/edk2/x64/OVMF_CODE.4m.fd", "/usr/share/edk2/x64/OVMF_VARS.4m.fd"},
	{"/usr/share/qemu/OVMF.fd", ""},
	{"/usr/share/ovmf/OVMF.fd", ""},
}

// FindFirmware returns the first OVMF build installed on the host.
func FindFirmware() (Firmware, error) {
	for _, f := range firmwareCandidates {
		if exists(f.Code) && (f.Vars == "" || exists(f.Vars)) {
			return f, nil
		}
	}
	return Firmware{}, fmt.Errorf("no OVMF firmware found (looked for %s, ...); install ovmf (Debian, Ubuntu) or edk2-ovmf", firmwareCandidates[0].Code)
}

func exists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// copyVars copies the firmware's variable store template into dir, since
// OVMF writes to it, and returns the copy's path ("" for a combined image).
func copyVars(fw Firmware, dir string) (string, error) {
	if fw.Vars == "" {
		return "", nil
	}
	src, err := os.Open(fw.Vars)
	if err != nil {
		return "", fmt.Errorf("firmware: %w", err)
	}
	defer src.Close()
	path := filepath.Join(dir, "OVMF_VARS.fd")
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("firmware: %w", err)
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("firmware: copy %s: %w", fw.Vars, err)
	}
	return path, nil
}
