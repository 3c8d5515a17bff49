package plan

import "fmt"

// CheckName checks a machine name exactly as discographer's code did:
// length 2 to 63; first character not a digit and not '-'; no upper case;
// no '.'; only a-z, 0-9 and '-'. The error names the rule that failed.
func CheckName(name string) error {
	switch {
	case len(name) < 2 || len(name) > 63:
		return fmt.Errorf("machine name %q: must be 2 to 63 characters long (has %d)", name, len(name))
	case name[0] >= '0' && name[0] <= '9':
		return fmt.Errorf("machine name %q: must not start with a digit", name)
	case name[0] == '-':
		return fmt.Errorf("machine name %q: must not start with '-'", name)
	}
	for _, c := range name {
		if c >= 'A' && c <= 'Z' {
			return fmt.Errorf("machine name %q: must not contain upper case letters", name)
		}
	}
	for _, c := range name {
		switch {
		case c == '.':
			return fmt.Errorf("machine name %q: must not contain '.'", name)
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-':
		default:
			return fmt.Errorf("machine name %q: may contain only a-z, 0-9 and '-' (found %q)", name, c)
		}
	}
	return nil
}

// CheckGroupName checks a group name: it names a folder under the cache,
// so it must be a single non-empty path element without '/' or NUL, and
// not start with '.' (disco's own folders there are hidden ones).
func CheckGroupName(name string) error {
	if name == "" || name[0] == '.' {
		return fmt.Errorf("group name %q: must be a non-empty folder name not starting with '.'", name)
	}
	for _, c := range name {
		if c == '/' || c == 0 {
			return fmt.Errorf("group name %q: must not contain '/' or NUL", name)
		}
	}
	return nil
}
