package legacy

import (
	"strconv"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
)

// bootAndTest reads disco's optional extension files, which discographer
// trees do not have: "boot" (the first line is a loader — systemd-boot,
// appliance or none — then the kernel command line to append) and
// "expect" (the first line is what `disco test` waits for on the console;
// an optional line "timeout SECONDS"). The machine's file wins over the
// group's.
func (r *reader) bootAndTest(m *plan.Machine, g groupRef, dir string) error {
	if rel, data, ok, err := r.firstOf(join(dir, "boot"), join(g.rel, "boot")); err != nil {
		return err
	} else if ok {
		b, err := parseBoot(rel, data)
		if err != nil {
			return err
		}
		m.Boot = b
	}
	if rel, data, ok, err := r.firstOf(join(dir, "expect"), join(g.rel, "expect")); err != nil {
		return err
	} else if ok {
		t, err := parseExpect(rel, data)
		if err != nil {
			return err
		}
		m.Test = t
	}
	return nil
}

// firstOf reads the first of rels that exists.
func (r *reader) firstOf(rels ...string) (string, []byte, bool, error) {
	for _, rel := range rels {
		data, ok, err := r.file(rel)
		if err != nil || ok {
			return rel, data, ok, err
		}
	}
	return "", nil, false, nil
}

// lines are the non-blank, non-comment lines of data with their numbers.
func lines(data []byte) (out []string, nums []int) {
	for i, l := range strings.Split(string(data), "\n") {
		if s := strings.TrimSpace(l); s != "" && !strings.HasPrefix(s, "#") {
			out, nums = append(out, s), append(nums, i+1)
		}
	}
	return out, nums
}

func parseBoot(rel string, data []byte) (*plan.Boot, error) {
	ls, nums := lines(data)
	if len(ls) != 1 {
		return nil, plan.Errorf(plan.Pos{File: rel}, "boot: want one line, LOADER [KERNEL COMMAND LINE] (LOADER: systemd-boot, appliance or none)")
	}
	pos := plan.Pos{File: rel, Line: nums[0], Col: 1}
	loader, cmdline, _ := strings.Cut(ls[0], " ")
	switch loader {
	case "systemd-boot", "appliance", "none":
	default:
		return nil, plan.Errorf(pos, "boot: loader %q must be systemd-boot, appliance or none", loader)
	}
	return &plan.Boot{Pos: pos, Loader: loader, Cmdline: strings.TrimSpace(cmdline), Initrd: "disco"}, nil
}

func parseExpect(rel string, data []byte) (*plan.Test, error) {
	ls, nums := lines(data)
	if len(ls) == 0 || len(ls) > 2 {
		return nil, plan.Errorf(plan.Pos{File: rel}, "expect: want the expected console line, then optionally \"timeout SECONDS\"")
	}
	t := &plan.Test{Pos: plan.Pos{File: rel, Line: nums[0], Col: 1}, Expect: ls[0], Timeout: 120}
	if len(ls) == 2 {
		v, ok := strings.CutPrefix(ls[1], "timeout ")
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if !ok || err != nil || n <= 0 {
			return nil, plan.Errorf(plan.Pos{File: rel, Line: nums[1], Col: 1}, "expect: %q: want \"timeout SECONDS\" (a positive whole number)", ls[1])
		}
		t.Timeout = n
	}
	return t, nil
}
