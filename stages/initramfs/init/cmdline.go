package discoinit

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultInit is the program started in the new root when the command line
// names no init=: disco's plan installs the machine's init there.
const DefaultInit = "/init"

// Config is what /init needs from the kernel command line.
type Config struct {
	PartUUID  string        // root=PARTUUID=<uuid>, lower case
	RootDev   string        // root=/dev/...
	FSType    string        // rootfstype=; "" tries every block file system the kernel knows
	ReadWrite bool          // rw (the default is ro, as the kernel's)
	Init      string        // init=, DefaultInit when absent
	Debug     bool          // disco.debug: say what is done
	RootWait  time.Duration // disco.rootwait=<seconds>: how long to wait for the root device; DefaultRootWait when absent
}

// DefaultRootWait bounds the wait for the root device to appear.
const DefaultRootWait = 30 * time.Second

// ParseCmdline parses a kernel command line (the text of /proc/cmdline).
// Later parameters override earlier ones, as in the kernel. Values may be
// double-quoted. It fails when root= is missing or names a form that this
// init cannot find (UUID=, LABEL=, PARTLABEL=, major:minor).
func ParseCmdline(line string) (Config, error) {
	c := Config{Init: DefaultInit, RootWait: DefaultRootWait}
	root := ""
	for _, p := range splitCmdline(line) {
		k, v, _ := strings.Cut(p, "=")
		switch k {
		case "root":
			root = v
		case "rootfstype":
			c.FSType = v
		case "ro":
			c.ReadWrite = false
		case "rw":
			c.ReadWrite = true
		case "init":
			c.Init = v
		case "disco.rootwait":
			n, err := strconv.ParseUint(v, 10, 16)
			if err != nil {
				return c, fmt.Errorf("disco.rootwait=%s: want whole seconds", v)
			}
			c.RootWait = time.Duration(n) * time.Second
		case "disco.debug":
			c.Debug = v == "" || v == "1" || v == "y" || v == "yes" || v == "true"
		}
	}
	switch {
	case root == "":
		return c, fmt.Errorf("kernel command line has no root=")
	case strings.HasPrefix(root, "PARTUUID="):
		u := strings.ToLower(strings.TrimPrefix(root, "PARTUUID="))
		if !isUUID(u) {
			return c, fmt.Errorf("root=%s: %q is not a GUID (want xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", root, u)
		}
		c.PartUUID = u
	case strings.HasPrefix(root, "/dev/"):
		c.RootDev = root
	default:
		return c, fmt.Errorf("root=%s: unsupported (disco's initramfs knows root=PARTUUID=<guid> and root=/dev/<name>)", root)
	}
	if !strings.HasPrefix(c.Init, "/") {
		return c, fmt.Errorf("init=%s: must be an absolute path", c.Init)
	}
	return c, nil
}

// splitCmdline splits on white space outside double quotes and drops the
// quotes, as the kernel's next_arg does.
func splitCmdline(line string) []string {
	var out []string
	var cur strings.Builder
	inQuote, have := false, false
	for _, r := range line {
		switch {
		case r == '"':
			inQuote, have = !inQuote, true
		case !inQuote && (r == ' ' || r == '\t' || r == '\n'):
			if have {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

// isUUID reports whether s is in the canonical 8-4-4-4-12 lower-case form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if r != '-' {
				return false
			}
		} else if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}
