package rpmver

import (
	"fmt"
	"strings"
)

// String formats the flags as rpm writes them in a dependency ("<", ">=", ...).
func (f Flags) String() string {
	switch f & (LT | GT | EQ) {
	case LT:
		return "<"
	case GT:
		return ">"
	case EQ:
		return "="
	case LE:
		return "<="
	case GE:
		return ">="
	case LT | GT:
		return "<>"
	case LT | GT | EQ:
		return "<=>"
	}
	return ""
}

// ParseFlags reads a comparison operator as rpm's spec and rich-dependency
// parsers accept it ("<", "<=", "=<", "=", "==", ">=", "=>", ">").
func ParseFlags(op string) (Flags, error) {
	switch op {
	case "<":
		return LT, nil
	case "<=", "=<":
		return LE, nil
	case "=", "==":
		return EQ, nil
	case ">=", "=>":
		return GE, nil
	case ">":
		return GT, nil
	}
	return 0, fmt.Errorf("rpmver: unknown comparison operator %q", op)
}

// String formats the dependency as rpm prints it: "name", or
// "name >= [epoch:]version[-release]".
func (d Dep) String() string {
	if d.Flags&(LT|GT|EQ) == 0 {
		return d.Name
	}
	return d.Name + " " + d.Flags.String() + " " + d.EVR.String()
}

// ParseDep reads "name [op evr]" as written in a spec file's dependency
// field (one dependency, or one whole rich "(...)" expression as its name).
func ParseDep(s string) (Dep, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "(") {
		if _, err := ParseRich(s); err != nil {
			return Dep{}, err
		}
		return Dep{Name: s}, nil
	}
	f := strings.Fields(s)
	switch len(f) {
	case 1:
		return Dep{Name: f[0]}, nil
	case 3:
		fl, err := ParseFlags(f[1])
		if err != nil {
			return Dep{}, fmt.Errorf("rpmver: dependency %q: %w", s, err)
		}
		return Dep{Name: f[0], Flags: fl, EVR: ParseEVR(f[2])}, nil
	}
	return Dep{}, fmt.Errorf("rpmver: cannot parse dependency %q", s)
}

// IsRich reports whether the dependency is a rich (boolean) one.
func (d Dep) IsRich() bool { return strings.HasPrefix(d.Name, "(") }

// Matches reports whether the provide satisfies (overlaps) the dependency d,
// exactly as rpm's rpmdsCompare (lib/rpmds.c, rpmverOverlap) and libsolv's
// pool_intersect_evrs decide it: names must be equal; an unversioned side
// matches every version; otherwise the two ranges must intersect, where a
// missing epoch is 0 and the release is compared only when both sides have
// one — if exactly one side lacks it and the versions are equal, they
// overlap when the side without a release includes equality.
func (d Dep) Matches(provide Dep) bool {
	if d.Name != provide.Name {
		return false
	}
	return Overlap(d.Flags, d.EVR, provide.Flags, provide.EVR)
}

// Overlap reports whether the ranges (f1 evr1) and (f2 evr2) intersect, as
// rpmdsCompare does for two dependencies of the same name.
func Overlap(f1 Flags, e1 EVR, f2 Flags, e2 EVR) bool {
	f1, f2 = f1&(LT|GT|EQ), f2&(LT|GT|EQ)
	if f1 == 0 || f2 == 0 || e1.IsZero() || e2.IsZero() {
		return true
	}
	sense := 0
	switch {
	case e1.Epoch < e2.Epoch:
		sense = -1
	case e1.Epoch > e2.Epoch:
		sense = 1
	}
	if sense == 0 {
		sense = Compare(e1.Version, e2.Version)
		if sense == 0 {
			if e1.Release != "" && e2.Release != "" {
				sense = Compare(e1.Release, e2.Release)
			} else if e1.Release != "" && f2&EQ != 0 || e2.Release != "" && f1&EQ != 0 {
				return true
			}
		}
	}
	switch {
	case sense < 0:
		return f1&GT != 0 || f2&LT != 0
	case sense > 0:
		return f1&LT != 0 || f2&GT != 0
	}
	return f1&f2&(EQ|LT|GT) != 0
}
