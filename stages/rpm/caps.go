package rpm

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// capNames are the Linux capability names by number (linux/capability.h).
var capNames = [...]string{
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill",
	"setgid", "setuid", "setpcap", "linux_immutable", "net_bind_service",
	"net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
	"sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
	"sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time",
	"sys_tty_config", "mknod", "lease", "audit_write", "audit_control",
	"setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
	"block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
}

// Layout of struct vfs_cap_data revision 2 (linux/capability.h): a
// little-endian magic_etc word, then {permitted, inheritable} for
// capabilities 0-31 and 32-63.
const (
	vfsCapRevision2      = 0x02000000
	vfsCapFlagsEffective = 0x000001
	vfsCapDataSize       = 20
)

// CapSets is a parsed capability text: permitted, inheritable and effective
// bit sets indexed by capability number.
type CapSets struct{ Permitted, Inheritable, Effective uint64 }

// ParseCaps parses capabilities in libcap's cap_from_text syntax, the form
// rpm stores in FILECAPS ("cap_net_raw=ep", "cap_a,cap_b+ep cap_c+i", "=ep").
func ParseCaps(text string) (CapSets, error) {
	var s CapSets
	for _, clause := range strings.Fields(text) {
		if err := s.apply(clause); err != nil {
			return CapSets{}, fmt.Errorf("capabilities %q: %w", text, err)
		}
	}
	return s, nil
}

func (s *CapSets) apply(clause string) error {
	i := strings.IndexAny(clause, "=+-")
	if i < 0 {
		return fmt.Errorf("clause %q has no operator", clause)
	}
	mask, err := capMask(clause[:i])
	if err != nil {
		return err
	}
	rest := clause[i:]
	for rest != "" {
		op := rest[0]
		j := strings.IndexAny(rest[1:], "=+-") + 1
		if j == 0 {
			j = len(rest)
		}
		flags := rest[1:j]
		rest = rest[j:]
		if err := s.op(op, flags, mask); err != nil {
			return fmt.Errorf("clause %q: %w", clause, err)
		}
	}
	return nil
}

func (s *CapSets) op(op byte, flags string, mask uint64) error {
	if op == '=' {
		s.Permitted &^= mask
		s.Inheritable &^= mask
		s.Effective &^= mask
	} else if flags == "" {
		return fmt.Errorf("operator %q without flags", op)
	}
	for _, f := range flags {
		var set *uint64
		switch f {
		case 'p':
			set = &s.Permitted
		case 'i':
			set = &s.Inheritable
		case 'e':
			set = &s.Effective
		default:
			return fmt.Errorf("unknown flag %q", f)
		}
		if op == '-' {
			*set &^= mask
		} else {
			*set |= mask
		}
	}
	return nil
}

// capMask is the bit set a comma list of names stands for; "" and "all"
// mean every capability.
func capMask(list string) (uint64, error) {
	all := uint64(1)<<len(capNames) - 1
	if list == "" || strings.EqualFold(list, "all") {
		return all, nil
	}
	var m uint64
	for _, name := range strings.Split(list, ",") {
		n, err := capNumber(name)
		if err != nil {
			return 0, err
		}
		m |= 1 << n
	}
	return m, nil
}

func capNumber(name string) (int, error) {
	lower := strings.ToLower(name)
	for i, n := range capNames {
		if lower == "cap_"+n {
			return i, nil
		}
	}
	if n, err := strconv.Atoi(name); err == nil && n >= 0 && n < 64 {
		return n, nil
	}
	return 0, fmt.Errorf("unknown capability %q", name)
}

// Xattr encodes the sets as the security.capability extended attribute
// (vfs_cap_data revision 2) the way libcap's cap_set_file writes it: the
// effective flag is set when any effective bit is, and then the effective set
// must cover the permitted and inheritable ones.
func (s CapSets) Xattr() ([]byte, error) {
	magic := uint32(vfsCapRevision2)
	if s.Effective != 0 {
		if (s.Permitted|s.Inheritable)&^s.Effective != 0 {
			return nil, fmt.Errorf("effective capabilities must be empty or cover permitted and inheritable ones")
		}
		magic |= vfsCapFlagsEffective
	}
	b := make([]byte, 0, vfsCapDataSize)
	b = binary.LittleEndian.AppendUint32(b, magic)
	b = binary.LittleEndian.AppendUint32(b, uint32(s.Permitted))
	b = binary.LittleEndian.AppendUint32(b, uint32(s.Inheritable))
	b = binary.LittleEndian.AppendUint32(b, uint32(s.Permitted>>32))
	b = binary.LittleEndian.AppendUint32(b, uint32(s.Inheritable>>32))
	return b, nil
}

// CapsXattr is the security.capability value for the file's FILECAPS, or nil
// when it has none.
func (f File) CapsXattr() ([]byte, error) {
	if f.Caps == "" {
		return nil, nil
	}
	s, err := ParseCaps(f.Caps)
	if err != nil {
		return nil, fmt.Errorf("file %s: %w", f.Path, err)
	}
	x, err := s.Xattr()
	if err != nil {
		return nil, fmt.Errorf("file %s: capabilities %q: %w", f.Path, f.Caps, err)
	}
	return x, nil
}
