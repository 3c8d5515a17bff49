package discoinit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// errNotYet means the device is not there (yet); callers poll again.
var errNotYet = errors.New("not found")

// FindPartUUID looks through the disks under sysBlock (normally
// /sys/block) for the GPT partition whose unique GUID is uuid and returns
// its device node under devDir (normally /dev), creating the node with
// mknod when devtmpfs has none. Disks without a GPT are skipped. It returns
// an error wrapping errNotYet when no disk has the partition, so callers
// can wait for slow devices.
func FindPartUUID(sysBlock, devDir, uuid string) (string, error) {
	disks, err := os.ReadDir(sysBlock)
	if err != nil {
		return "", fmt.Errorf("list disks: %w", err)
	}
	var seen []string
	for _, d := range disks {
		num, err := findInDisk(sysBlock, devDir, d.Name(), uuid)
		if err != nil {
			seen = append(seen, fmt.Sprintf("%s (%v)", d.Name(), err))
			continue
		}
		part, err := partitionName(filepath.Join(sysBlock, d.Name()), num)
		if err != nil {
			return "", fmt.Errorf("%s: GPT entry %d is PARTUUID %s, but %w", d.Name(), num, uuid, err)
		}
		return ensureNode(devDir, part, filepath.Join(sysBlock, d.Name(), part, "dev"))
	}
	return "", fmt.Errorf("no partition with PARTUUID %s on disks [%s]: %w", uuid, strings.Join(seen, ", "), errNotYet)
}

// findInDisk returns the partition number of uuid in the GPT of disk.
func findInDisk(sysBlock, devDir, disk, uuid string) (int, error) {
	sys := filepath.Join(sysBlock, disk)
	sectors, err := readInt(filepath.Join(sys, "size"))
	if err != nil || sectors == 0 {
		return 0, fmt.Errorf("empty")
	}
	ss, err := readInt(filepath.Join(sys, "queue", "logical_block_size"))
	if err != nil || ss == 0 {
		ss = 512
	}
	node, err := ensureNode(devDir, disk, filepath.Join(sys, "dev"))
	if err != nil {
		return 0, err
	}
	f, err := os.Open(node)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	parts, err := ReadGPT(f, int64(sectors)*512, int(ss))
	if err != nil {
		return 0, err
	}
	for _, p := range parts {
		if p.GUID == uuid {
			return p.Number, nil
		}
	}
	return 0, fmt.Errorf("%d GPT partitions, none matches", len(parts))
}

// partitionName finds the sysfs child of a disk whose partition number is n.
func partitionName(sysDisk string, n int) (string, error) {
	ents, err := os.ReadDir(sysDisk)
	if err != nil {
		return "", err
	}
	for _, e := range ents {
		if v, err := readInt(filepath.Join(sysDisk, e.Name(), "partition")); err == nil && v == n {
			return e.Name(), nil
		}
	}
	return "", fmt.Errorf("the kernel shows no partition %d: %w", n, errNotYet)
}

// ensureNode returns devDir/name, creating it as a block device from the
// "major:minor" in devFile when it does not exist.
func ensureNode(devDir, name, devFile string) (string, error) {
	node := filepath.Join(devDir, name)
	if _, err := os.Stat(node); err == nil {
		return node, nil
	}
	b, err := os.ReadFile(devFile)
	if err != nil {
		return "", fmt.Errorf("no %s and no device number: %w", node, err)
	}
	majS, minS, ok := strings.Cut(strings.TrimSpace(string(b)), ":")
	maj, err1 := strconv.ParseUint(majS, 10, 32)
	min, err2 := strconv.ParseUint(minS, 10, 32)
	if !ok || err1 != nil || err2 != nil {
		return "", fmt.Errorf("%s: bad device number %q", devFile, b)
	}
	if err := unix.Mknod(node, unix.S_IFBLK|0o600, int(unix.Mkdev(uint32(maj), uint32(min)))); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("mknod %s: %w", node, err)
	}
	return node, nil
}

func readInt(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}
