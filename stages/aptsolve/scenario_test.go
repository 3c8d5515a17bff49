package aptsolve_test

import (
	"strings"
	"testing"
)

// scenario is a generated archive and requests to resolve against it.
type scenario struct {
	name     string
	archives []archive
	requests [][]string // each a request list
}

func one(paras ...string) []archive { return []archive{{suite: "stable", index: stanzas(paras...)}} }

func reqs(lists ...string) [][]string {
	var out [][]string
	for _, l := range lists {
		out = append(out, strings.Fields(l))
	}
	return out
}

var scenarios = []scenario{
	{"plain", one("Package: a\nDepends: b, c (>= 2)", "Package: b", "Package: c\nVersion: 2", "Package: d"),
		reqs("a", "b d", "a=1", "c=2")},
	{"versions", one("Package: a\nVersion: 1", "Package: a\nVersion: 2\nDepends: b (>= 2)", "Package: b\nVersion: 1", "Package: b\nVersion: 2"),
		reqs("a", "a=1", "a=2", "b=1 a", "b=1 a=1")},
	{"alternatives", one("Package: a\nDepends: x | y", "Package: x\nDepends: missing", "Package: y", "Package: b\nDepends: y | x", "Package: c\nDepends: x | y, y"),
		reqs("a", "b", "c", "a b")},
	{"virtual", one("Package: a\nDepends: v", "Package: p1\nProvides: v\nPriority: optional", "Package: p2\nProvides: v\nPriority: standard",
		"Package: b\nDepends: w", "Package: q1\nProvides: w", "Package: q2\nProvides: w"),
		reqs("a", "b", "v", "w", "q1 b", "b q2")},
	{"versioned-provides", one("Package: a\nDepends: v (>= 2)", "Package: p1\nProvides: v (= 1)", "Package: p2\nProvides: v (= 2)", "Package: p3\nProvides: v"),
		reqs("a", "v=2", "p1 a")},
	{"conflicts", one("Package: a\nDepends: b | c", "Package: b\nConflicts: d", "Package: c", "Package: d", "Package: e\nBreaks: b (<< 2)",
		"Package: f\nDepends: d, a"),
		reqs("a d", "d a", "f", "e a", "a e")},
	{"unsatisfiable", one("Package: a\nDepends: nothere", "Package: b\nDepends: a", "Package: c\nDepends: v", "Package: p\nProvides: v\nDepends: nothere",
		"Package: d\nConflicts: e", "Package: e", "Package: f\nDepends: nothere | alsonot"),
		reqs("a", "b", "c", "d e", "nosuch", "v", "f", "a=9", "nothere")},
	{"essential", one("Package: a\nEssential: yes\nPriority: required\nDepends: b", "Package: b", "Package: c\nDepends: v",
		"Package: p1\nProvides: v", "Package: p2\nProvides: v\nEssential: yes"),
		reqs("a", "c", "c a")},
	{"pre-depends", one("Package: a\nPre-Depends: b\nDepends: c", "Package: b\nDepends: c | d", "Package: c\nConflicts: b", "Package: d"),
		reqs("a", "b")},
	{"recommends", one("Package: a\nRecommends: b, x | y\nSuggests: s", "Package: b\nRecommends: c", "Package: c", "Package: x\nDepends: gone", "Package: y", "Package: s"),
		reqs("a", "b")},
	{"multiarch", one("Package: a\nDepends: b:any, c", "Package: b\nMulti-Arch: allowed", "Package: c\nMulti-Arch: foreign\nArchitecture: all",
		"Package: d\nDepends: e:any", "Package: e\nMulti-Arch: foreign", "Package: f\nDepends: g:any", "Package: h\nMulti-Arch: allowed\nProvides: g",
		"Package: i\nDepends: c:amd64", "Package: j\nMulti-Arch: same\nDepends: a",
		"Package: k\nDepends: b:i386 | c", "Package: l\nRecommends: b:i386, g:any\nConflicts: h:i386", "Package: m\nDepends: c:native, b:any (>= 1)"),
		reqs("a", "d", "f", "i", "j", "a:amd64", "c:all", "b:any", "g:any", "k", "l", "m", "b:i386", "e:any")},
	{"pins", pinned, reqs("a", "a=2", "c", "b", "b=3", "e", "e=2", "f", "g", "h", "c=2 a=2", "b=3 a=2")},
}

// pinned are archives with apt pin priorities: a backports-like suite
// (100), an experimental-like one (1), a pinned-up one (990), with
// versions in several of them.
var pinned = []archive{
	{suite: "stable", index: stanzas("Package: a\nDepends: b", "Package: b", "Package: c", "Package: e\nVersion: 2",
		"Package: f\nDepends: c (>= 2) | b")},
	{suite: "backports", priority: 100, index: stanzas("Package: a\nVersion: 2\nDepends: b (>= 2) | c (>= 2)", "Package: c\nVersion: 2\nDepends: d",
		"Package: d", "Package: f\nDepends: c (>= 2) | b")},
	{suite: "experimental", priority: 1, index: stanzas("Package: b\nVersion: 3", "Package: g\nVersion: 1")},
	{suite: "pinned", priority: 990, index: stanzas("Package: e\nVersion: 1", "Package: h\nDepends: c (>= 2)")},
}

// TestScenariosAgainstApt resolves every scenario's requests with
// aptsolve and with apt-get install --simulate, with and without
// Recommends: the answers must be the same.
func TestScenariosAgainstApt(t *testing.T) {
	agree, total := 0, 0
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			w := newWorld(t, sc.archives...)
			for _, rq := range sc.requests {
				for _, rec := range []bool{false, true} {
					total++
					want := w.aptAnswer(t, rq, rec)
					got, pkgs := w.discoAnswer(rq, rec)
					if got.String() != want.String() {
						t.Errorf("%v (recommends %v):\n apt:   %s\n disco: %s", rq, rec, want, got)
						continue
					}
					if pkgs != nil {
						checkInstallable(t, strings.Join(rq, " "), pkgs)
					}
					agree++
				}
			}
		})
	}
	t.Logf("agreed with apt-get on %d of %d resolves", agree, total)
}
