package plan

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// Validate checks the plan and returns every problem found, each an *Error
// positioned at the value at fault, joined. It never changes the plan.
func (p *Plan) Validate() error {
	var errs []error
	seen := map[string]*Machine{}
	for _, m := range p.Machines {
		if prev, ok := seen[m.ID()]; ok {
			errs = append(errs, Errorf(m.Pos, "machine %s defined twice: here and at %s", m.ID(), prev.Pos))
			continue
		}
		seen[m.ID()] = m
		errs = append(errs, m.Validate()...)
	}
	return errors.Join(errs...)
}

// Validate checks one machine; it returns the problems found.
func (m *Machine) Validate() []error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if err := CheckName(m.Name); err != nil {
		add(Errorf(m.Pos, "%v", err))
	}
	if err := CheckGroupName(m.Group); err != nil {
		add(Errorf(m.Pos, "%v", err))
	}
	if err := checkFormat(m); err != nil {
		add(err)
	} else if m.PackageFormat() == FormatDeb {
		errs = append(errs, checkDeb(m)...)
	} else {
		for _, pk := range m.Packages {
			add(checkPackage(pk))
		}
	}
	for _, r := range m.Repos {
		add(checkRepo(r))
	}
	for _, f := range m.Files {
		add(checkFile(f))
	}
	for _, d := range m.Devices {
		add(CheckDevice(d))
	}
	for _, d := range m.Deletes {
		add(checkAbs(d.Pos, "delete", d.Path))
	}
	for _, o := range m.Overlays {
		add(checkAbs(o.Pos, "overlay destination", o.Dest))
	}
	for _, a := range m.Attrs {
		add(checkAbs(a.Pos, "attrs path", a.Path))
		if a.Mode != nil && (*a.Mode < 0 || *a.Mode > 0o7777) {
			add(Errorf(a.Pos, "attrs %s: mode %#o out of range", a.Path, *a.Mode))
		}
	}
	if m.Init != nil {
		add(checkAbs(m.Init.Pos, "init path", m.Init.Path))
	}
	errs = append(errs, checkAccounts(m)...)
	if m.Disk != nil {
		errs = append(errs, checkDisk(m.Disk)...)
	}
	for _, o := range m.Outputs {
		if !KnownFormat(o.Format) {
			add(Errorf(o.Pos, "unknown output format %q (known: %s)", o.Format, strings.Join(Formats, ", ")))
		}
	}
	return errs
}

func checkPackage(p Package) error {
	if p.Set {
		return Errorf(p.Pos, "package set %q: package sets are for Debian machines (apt_repo)", p.Name)
	}
	if p.Name == "" || strings.ContainsAny(p.Name, " \t\n") {
		return Errorf(p.Pos, "package name %q: must be one non-empty word", p.Name)
	}
	return nil
}

func checkRepo(r Repo) error {
	if r.RepoFile != "" {
		return nil
	}
	if r.ID == "" || strings.ContainsAny(r.ID, " \t\n/[]") {
		return Errorf(r.Pos, "repo id %q: must be one word without '/', '[' or ']'", r.ID)
	}
	if len(r.BaseURLs) == 0 && r.MirrorList == "" && r.Metalink == "" {
		return Errorf(r.Pos, "repo %q: needs baseurl, mirrorlist or metalink", r.ID)
	}
	return nil
}

func checkFile(f File) error {
	if err := checkAbs(f.Pos, "file path", f.Path); err != nil {
		return err
	}
	switch f.Kind {
	case "file", "dir":
	case "symlink":
		if f.Target == "" {
			return Errorf(f.Pos, "symlink %s: needs a target", f.Path)
		}
	default:
		return Errorf(f.Pos, "file %s: unknown kind %q", f.Path, f.Kind)
	}
	if f.Mode < 0 || f.Mode > 0o7777 {
		return Errorf(f.Pos, "file %s: mode %#o out of range", f.Path, f.Mode)
	}
	return nil
}

// checkAbs checks that p is an absolute, clean path without "..".
func checkAbs(pos Pos, what, p string) error {
	switch {
	case !strings.HasPrefix(p, "/"):
		return Errorf(pos, "%s %q: must be absolute", what, p)
	case hasDotDot(p):
		return Errorf(pos, "%s %q: must not contain '..'", what, p)
	case strings.ContainsRune(p, 0):
		return Errorf(pos, "%s %q: must not contain NUL", what, p)
	case path.Clean(p) != p:
		return Errorf(pos, "%s %q: must be a clean path (%s)", what, p, path.Clean(p))
	}
	return nil
}

func hasDotDot(p string) bool {
	for _, e := range strings.Split(p, "/") {
		if e == ".." {
			return true
		}
	}
	return false
}

// Device numbers Linux can hold: the kernel's dev_t has 12 bits of major
// and 20 of minor (MINORBITS); anything larger is truncated by mknod and
// stat, so the image would hold another device than the one declared.
const (
	MaxMajor = 1<<12 - 1 // 4095
	MaxMinor = 1<<20 - 1 // 1048575
)

// MaxID is the largest uid or gid: ids are 32-bit and (uid_t)-1 means "no
// id" to chown(2) and setuid(2).
const MaxID = 1<<32 - 2

// CheckDevice checks a device entry per the contract's devices grammar:
// an absolute clean path below / without "..", a mode, owner ids and
// device numbers that fit what Linux stores.
func CheckDevice(d Device) error {
	if err := checkAbs(d.Pos, "device path", d.Path); err != nil {
		return err
	}
	if d.Path == "/" {
		return Errorf(d.Pos, "device path %q: must name a file below /", d.Path)
	}
	if d.Mode < 0 || d.Mode > 0o7777 {
		return Errorf(d.Pos, "device %s: mode %#o out of range", d.Path, d.Mode)
	}
	if d.UID < 0 || d.GID < 0 || d.UID > MaxID || d.GID > MaxID {
		return Errorf(d.Pos, "device %s: uid and gid must be between 0 and %d", d.Path, int64(MaxID))
	}
	switch d.Type {
	case "p":
		if d.Major != nil || d.Minor != nil {
			return Errorf(d.Pos, "device %s: a FIFO (p) takes no major or minor", d.Path)
		}
	case "b", "c":
		if d.Major == nil || d.Minor == nil {
			return Errorf(d.Pos, "device %s: type %s needs both major and minor", d.Path, d.Type)
		}
		if *d.Major < 0 || *d.Minor < 0 {
			return Errorf(d.Pos, "device %s: major and minor must not be negative", d.Path)
		}
		if *d.Major > MaxMajor || *d.Minor > MaxMinor {
			return Errorf(d.Pos, "device %s: %d:%d does not fit Linux's dev_t (major at most %d, minor at most %d)",
				d.Path, *d.Major, *d.Minor, MaxMajor, MaxMinor)
		}
	default:
		return Errorf(d.Pos, "device %s: type %q must be b, c or p", d.Path, d.Type)
	}
	return nil
}

func checkAccounts(m *Machine) []error {
	var errs []error
	users := make([]account, len(m.Users))
	for i, u := range m.Users {
		users[i] = account{u.Pos, u.Name, u.UID}
		if err := CheckUser(u); err != nil {
			errs = append(errs, err)
		}
	}
	groups := make([]account, len(m.UserGroups))
	for i, g := range m.UserGroups {
		groups[i] = account{g.Pos, g.Name, g.GID}
		if err := CheckUserGroup(g); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return append(checkUnique("user", "uid", users), checkUnique("group", "gid", groups)...)
}

// account is what uniqueness checks need of a user or group.
type account struct {
	pos  Pos
	name string
	id   *int64
}

// checkUnique reports names declared twice and explicit ids taken twice.
func checkUnique(kind, idName string, list []account) []error {
	var errs []error
	names := map[string]Pos{}
	ids := map[int64]account{}
	for _, a := range list {
		if prev, ok := names[a.name]; ok {
			errs = append(errs, Errorf(a.pos, "%s %q declared twice: here and at %s", kind, a.name, prev))
		}
		names[a.name] = a.pos
		if a.id == nil {
			continue
		}
		if prev, ok := ids[*a.id]; ok {
			errs = append(errs, Errorf(a.pos, "%s %q: %s %d already taken by %q at %s", kind, a.name, idName, *a.id, prev.name, prev.pos))
		}
		ids[*a.id] = a
	}
	return errs
}

func checkDisk(d *Disk) []error {
	var errs []error
	if d.Table != "gpt" && d.Table != "mbr" {
		errs = append(errs, Errorf(d.Pos, "disk table %q must be gpt or mbr", d.Table))
	}
	if d.Fstab != "" && d.Fstab != "uuid" && d.Fstab != "partuuid" {
		errs = append(errs, Errorf(d.Pos, "disk fstab %q must be \"uuid\" or \"partuuid\"", d.Fstab))
	}
	if d.Size != "" {
		if _, err := ParseSize(d.Size); err != nil {
			errs = append(errs, Errorf(d.Pos, "disk size: %v", err))
		}
	}
	names := map[string]Pos{}
	mounts := map[string]Pos{}
	for i, p := range d.Partitions {
		if p.Mount != "" {
			if err := checkAbs(p.Pos, "partition "+p.Name+" mount", p.Mount); err != nil {
				errs = append(errs, err)
			} else if prev, ok := mounts[p.Mount]; ok {
				errs = append(errs, Errorf(p.Pos, "partition %q: mount %s already taken by the partition at %s", p.Name, p.Mount, prev))
			}
			mounts[p.Mount] = p.Pos
		}
		if prev, ok := names[p.Name]; ok {
			errs = append(errs, Errorf(p.Pos, "partition %q declared twice: here and at %s", p.Name, prev))
		}
		names[p.Name] = p.Pos
		if p.Size == "rest" {
			if i != len(d.Partitions)-1 {
				errs = append(errs, Errorf(p.Pos, "partition %q: only the last partition may have size \"rest\"", p.Name))
			}
		} else if p.Size != "" && p.Size != "auto" {
			if _, err := ParseSize(p.Size); err != nil {
				errs = append(errs, Errorf(p.Pos, "partition %q: %v", p.Name, err))
			}
		}
		if p.FS != nil && !knownFS(p.FS.Type) {
			errs = append(errs, Errorf(p.FS.Pos, "partition %q: unknown filesystem %q", p.Name, p.FS.Type))
		}
	}
	if _, ok := mounts["/"]; !ok && len(d.Partitions) > 0 {
		errs = append(errs, Errorf(d.Pos, "disk: no partition is mounted at \"/\": the root tree (packages, files, overlays) would be in no filesystem"))
	}
	return errs
}

func knownFS(t string) bool {
	switch t {
	case "ext4", "squashfs", "vfat", "swap":
		return true
	}
	return false
}

// Formats lists the output format names a plan may ask for.
var Formats = []string{"appliance", "ova", "qcow2", "raw", "tar", "vdi", "vhd", "vmdk"}

// KnownFormat reports whether name is in Formats.
func KnownFormat(name string) bool {
	for _, f := range Formats {
		if f == name {
			return true
		}
	}
	return false
}

// ParseSize parses a byte size: a decimal number with an optional binary
// suffix K, M, G or T (powers of 1024; "KiB" and "MB"-style spellings are
// accepted as the same).
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSuffix(strings.TrimSuffix(t, "iB"), "B")
	mult := int64(1)
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'K', 'k':
			mult = 1 << 10
		case 'M', 'm':
			mult = 1 << 20
		case 'G', 'g':
			mult = 1 << 30
		case 'T', 't':
			mult = 1 << 40
		}
		if mult != 1 {
			t = t[:n-1]
		}
	}
	var n int64
	if t == "" {
		return 0, fmt.Errorf("size %q: not a number", s)
	}
	for _, c := range t {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("size %q: not a number with an optional K, M, G or T suffix", s)
		}
		n = n*10 + int64(c-'0')
		if n > 1<<50 {
			return 0, fmt.Errorf("size %q: too large", s)
		}
	}
	return n * mult, nil
}
