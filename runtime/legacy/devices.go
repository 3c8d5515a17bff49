package legacy

import (
	"strconv"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
)

// devices reads a devices file, if present.
func (r *reader) devices(rel string) ([]plan.Device, error) {
	data, ok, err := r.file(rel)
	if err != nil || !ok {
		return nil, err
	}
	return parseDevices(rel, string(data))
}

// parseDevices parses the two line forms of a devices file:
//
//	path type mode [major minor]            (seed form, owner 0:0)
//	path uid gid mode type [major minor]    (later form)
//
// told apart by the second field: a type letter in the seed form, a
// number in the later one. Each entry is then checked by plan.CheckDevice,
// so messages match those of Starlark definitions.
func parseDevices(rel, text string) ([]plan.Device, error) {
	var out []plan.Device
	for i, line := range strings.Split(text, "\n") {
		s := strings.TrimSpace(line)
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		pos := plan.Pos{File: rel, Line: i + 1}
		d, err := parseDevice(pos, strings.Fields(s))
		if err != nil {
			return nil, err
		}
		if err := plan.CheckDevice(d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

const deviceForms = "want \"path type mode [major minor]\" or \"path uid gid mode type [major minor]\""

func parseDevice(pos plan.Pos, f []string) (plan.Device, error) {
	d := plan.Device{Pos: pos}
	if len(f) < 3 {
		return d, plan.Errorf(pos, "%d fields: %s", len(f), deviceForms)
	}
	d.Path = f[0]
	rest := f[1:]
	if isDecimal(f[1]) { // later form: uid gid first
		if len(f) < 5 {
			return d, plan.Errorf(pos, "%d fields: %s", len(f), deviceForms)
		}
		var err error
		if d.UID, err = decimal(pos, "uid", f[1]); err != nil {
			return d, err
		}
		if d.GID, err = decimal(pos, "gid", f[2]); err != nil {
			return d, err
		}
		d.Type, rest = f[4], append([]string{f[3]}, f[5:]...)
	} else {
		d.Type, rest = f[1], f[2:]
	}
	return d, deviceNumbers(pos, &d, rest)
}

// deviceNumbers parses "mode [major [minor]]"; CheckDevice then says
// which type needs or refuses them.
func deviceNumbers(pos plan.Pos, d *plan.Device, f []string) error {
	if len(f) > 3 {
		return plan.Errorf(pos, "too many fields: %s", deviceForms)
	}
	mode, err := strconv.ParseInt(f[0], 8, 64)
	if err != nil || !isDecimal(f[0]) {
		return plan.Errorf(pos, "mode %q: must be octal", f[0])
	}
	d.Mode = mode
	nums := []**int64{&d.Major, &d.Minor}
	for i, s := range f[1:] {
		n, err := decimal(pos, []string{"major", "minor"}[i], s)
		if err != nil {
			return err
		}
		*nums[i] = &n
	}
	return nil
}

func decimal(pos plan.Pos, what, s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || !isDecimal(s) {
		return 0, plan.Errorf(pos, "%s %q: must be a non-negative decimal number", what, s)
	}
	return n, nil
}

func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// mergeDevices concatenates lists in order; a later entry for a path
// replaces the earlier one, which is dropped and reported.
func mergeDevices(lists ...[]plan.Device) ([]plan.Device, []Notice) {
	var out []plan.Device
	var notices []Notice
	at := map[string]int{}
	for _, list := range lists {
		for _, d := range list {
			if i, ok := at[d.Path]; ok {
				notices = append(notices, Notice{Pos: d.Pos, Debug: true,
					Msg: "device " + d.Path + " overrides the entry at " + out[i].Pos.String()})
				out = append(out[:i], out[i+1:]...)
				for p, j := range at {
					if j > i {
						at[p] = j - 1
					}
				}
			}
			at[d.Path] = len(out)
			out = append(out, d)
		}
	}
	return out, notices
}
