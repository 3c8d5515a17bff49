package debver

import "fmt"

// Op is a relation operator of a versioned relation.
type Op uint8

// The operators of Debian policy §7.1. None is an unversioned relation.
const (
	None Op = iota
	LT      // <<, strictly earlier
	LE      // <=, earlier or equal
	EQ      // =, exactly equal
	GE      // >=, later or equal
	GT      // >>, strictly later
)

// ParseOp reads an operator as dpkg does, including the obsolete "<" and
// ">", which mean "<=" and ">=" (not strictly less or greater).
func ParseOp(s string) (Op, error) {
	switch s {
	case "<<":
		return LT, nil
	case "<=", "<":
		return LE, nil
	case "=":
		return EQ, nil
	case ">=", ">":
		return GE, nil
	case ">>":
		return GT, nil
	}
	return None, fmt.Errorf("unknown relation operator %q", s)
}

// String is the operator as a control file writes it ("" for None).
func (o Op) String() string {
	switch o {
	case LT:
		return "<<"
	case LE:
		return "<="
	case EQ:
		return "="
	case GE:
		return ">="
	case GT:
		return ">>"
	}
	return ""
}

// Holds tells whether "a op b" is true for a comparison result cmp =
// Compare(a, b). None always holds.
func (o Op) Holds(cmp int) bool {
	switch o {
	case LT:
		return cmp < 0
	case LE:
		return cmp <= 0
	case EQ:
		return cmp == 0
	case GE:
		return cmp >= 0
	case GT:
		return cmp > 0
	}
	return true
}

// Satisfies tells whether "a op b" holds, as dpkg_version_relate does.
func Satisfies(a Version, op Op, b Version) bool {
	if op == None {
		return true
	}
	return op.Holds(Compare(a, b))
}
