package stages

import (
	"sort"
	"strings"

	"github.com/disco-build/disco/stages/rpm"
)

// orderItem is what install ordering needs of a package.
type orderItem struct {
	name     string // NEVRA, for ties and messages
	provides []string
	files    []string
	requires []rpm.Dependency
}

// installOrder orders packages as rpm orders a transaction: a package comes
// after the packages providing what it requires, Requires(pre)/(post)
// edges first; a cycle is broken by installing next the package with the
// fewest prerequisite (pre/post) edges still unmet, then by name, so the
// order is deterministic whatever the input order.
func installOrder(items []orderItem) []int {
	providers := map[string][]int{}
	for i, it := range items {
		for _, p := range it.provides {
			providers[p] = append(providers[p], i)
		}
		for _, f := range it.files {
			providers[f] = append(providers[f], i)
		}
	}
	n := len(items)
	strong := make([]map[int]bool, n) // strong[i]: prerequisites of i
	weak := make([]map[int]bool, n)
	for i, it := range items {
		strong[i], weak[i] = map[int]bool{}, map[int]bool{}
		for _, d := range it.requires {
			for _, name := range depNames(d) {
				for _, j := range providers[name] {
					if j == i {
						continue
					}
					if d.Flags.InstallPrereq() || d.Flags.Pre() {
						strong[i][j] = true
					} else {
						weak[i][j] = true
					}
				}
			}
		}
	}
	byName := make([]int, n)
	for i := range byName {
		byName[i] = i
	}
	sort.Slice(byName, func(a, b int) bool { return items[byName[a]].name < items[byName[b]].name })
	done := make([]bool, n)
	var order []int
	for len(order) < n {
		next := pick(byName, done, strong, weak)
		done[next] = true
		order = append(order, next)
	}
	return order
}

// pick returns the first package (by name) whose prerequisites are all
// installed; failing that (a cycle), the one with the fewest unmet strong
// then weak edges.
func pick(byName []int, done []bool, strong, weak []map[int]bool) int {
	best, bestStrong, bestWeak := -1, 0, 0
	for _, i := range byName {
		if done[i] {
			continue
		}
		s, w := unmet(strong[i], done), unmet(weak[i], done)
		if s == 0 && w == 0 {
			return i
		}
		if best < 0 || s < bestStrong || (s == bestStrong && w < bestWeak) {
			best, bestStrong, bestWeak = i, s, w
		}
	}
	return best
}

func unmet(deps map[int]bool, done []bool) int {
	n := 0
	for j := range deps {
		if !done[j] {
			n++
		}
	}
	return n
}

// depNames lists the capability names a dependency may be satisfied by;
// for a rich dependency every plain name in it (an over-approximation that
// only adds ordering edges).
func depNames(d rpm.Dependency) []string {
	if !d.IsRich() {
		return []string{d.Name}
	}
	var out []string
	for _, f := range strings.FieldsFunc(d.Name, func(r rune) bool { return r == '(' || r == ')' || r == ' ' }) {
		switch f {
		case "and", "or", "if", "else", "unless", "with", "without", "<", "<=", "=", ">", ">=":
			continue
		}
		out = append(out, f)
	}
	return out
}
