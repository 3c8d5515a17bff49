package aptsolve

import (
	"fmt"
	"sort"
	"strings"
)

// Variants are the package sets of mmdebstrap (1.3, its --variant), by
// name, in the order Variant accepts them.
var Variants = []string{"essential", "apt", "required", "minbase", "buildd", "important", "debootstrap", "-", "standard"}

// Variant returns the requests of one of mmdebstrap's variants, computed
// from the universe as mmdebstrap's apt patterns select them
// (?narrow(?architecture(native), ...)): "essential" is every package
// with Essential: yes; "apt" adds apt; "required" (alias "minbase") adds
// every package with Priority: required (apt among them); "buildd" adds
// build-essential to that; "important" (aliases "debootstrap" and "-")
// adds Priority: important; "standard" adds Priority: standard. Names
// come in apt's package order, the essential ones first (mmdebstrap
// installs those first), as apt-get install with a pattern takes them.
//
// Resolving the list in one go is apt-get install of all of it on an
// empty system; mmdebstrap installs the essential set first and the rest
// in a second apt-get call, which can choose differently where apt's
// choice depends on what is installed.
func Variant(u *Universe, name string) ([]string, error) {
	var prios []string
	extra := []string(nil)
	switch name {
	case "essential":
	case "apt":
		extra = []string{"apt"}
	case "required", "minbase":
		prios = []string{"required"}
	case "buildd":
		prios, extra = []string{"required"}, []string{"build-essential"}
	case "important", "debootstrap", "-":
		prios = []string{"required", "important"}
	case "standard":
		prios = []string{"required", "important", "standard"}
	default:
		return nil, fmt.Errorf("aptsolve: unknown variant %q (known: %s)", name, strings.Join(Variants, ", "))
	}
	essential := u.essential
	byPrio := map[string]bool{}
	for _, pr := range prios {
		for n := range u.priority[pr] {
			byPrio[n] = true
		}
	}
	out := hashSorted(essential)
	var rest []string
	for _, n := range hashSorted(byPrio) {
		if !essential[n] {
			rest = append(rest, n)
		}
	}
	out = append(out, rest...)
	for _, n := range extra {
		if !essential[n] && !byPrio[n] {
			out = append(out, n)
		}
	}
	return out, nil
}

func hashSorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Slice(out, func(a, b int) bool { return hashLess(out[a], out[b]) })
	return out
}
