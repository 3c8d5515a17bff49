package solve

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/repo"
)

var (
	long      = flag.Bool("long", false, "run the big randomized dnf comparison")
	showCases = flag.Int("show", 3, "how many mismatching cases to print in full")
	onlyCase  = flag.Int("case", -1, "compare only this generated case (debugging)")
	keepDir   = flag.String("keep", "", "write the oracle's repositories here and keep them (debugging)")
	numCases  = flag.Int("ncases", 0, "generate this many cases instead of 32 (400 with -long)")
)

func setDiff(a, b string) []string {
	in := map[string]bool{}
	for _, x := range strings.Fields(b) {
		in[x] = true
	}
	var out []string
	for _, x := range strings.Fields(a) {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

// TestResolveMatchesDNF resolves hundreds of random requests in random
// universes (weak dependencies off, as dnf's install_weak_deps=False) with
// both disco and dnf and demands the same package sets (and failures where
// dnf fails): any difference fails the test.
func TestResolveMatchesDNF(t *testing.T) {
	ncases := 32
	if *long {
		ncases = 400
	}
	if total := compareDNF(t, oracleCases(ncases, false)); total < 200 && *onlyCase < 0 {
		t.Fatalf("only %d requests compared", total)
	}
}

// TestResolveMatchesDNFWeak does the same with install_weak_deps=True
// (recommends and supplements installed); any difference fails it too.
func TestResolveMatchesDNFWeak(t *testing.T) {
	ncases := 8
	if *long {
		ncases = 400
	}
	compareDNF(t, oracleCases(ncases, true))
}

// oracleCases generates n cases (or -ncases), all with weak dependencies
// on or off.
func oracleCases(n int, weak bool) []oracleCase {
	if *numCases > 0 {
		n = *numCases
	}
	var cases []oracleCase
	for i := 0; i < n; i++ {
		if *onlyCase >= 0 && i != *onlyCase {
			cases = append(cases, oracleCase{})
			continue
		}
		c := genCase(uint64(i+1), 8)
		c.Weak = weak
		cases = append(cases, c)
	}
	return cases
}

// compareDNF resolves every request of cases with disco and dnf and fails
// when any differs; it returns the number of requests compared.
func compareDNF(t *testing.T, cases []oracleCase) int {
	dir := *keepDir
	if dir == "" {
		dir = t.TempDir()
	}
	answers := runDNF(t, dir, cases)
	mismatches, total, fails := 0, 0, 0
	var ex explainStats
	for i, c := range cases {
		universe, prios := flatten(c)
		for k, req := range c.Requests {
			total++
			want := answers[i][k]
			if !want.OK {
				fails++
			}
			got, err := Resolve(context.Background(), universe, Request{Install: req}, Options{Priorities: prios, Exclude: c.Excludes, WeakDeps: c.Weak})
			var ue *UnsolvableError
			if err != nil && !errors.As(err, &ue) {
				t.Fatalf("case %d request %v: %v", i, req, err)
			}
			gotS := describe(got, err)
			if !want.OK && ue != nil {
				ex.add(t, fmt.Sprintf("case %d weak=%v req %v", i, c.Weak, req), ue, want.Err)
			}
			// stages' resolver resolves over Reachable's packages only.
			sub, serr := Resolve(context.Background(), reachableUniverse(universe, req), Request{Install: req}, Options{Priorities: prios, Exclude: c.Excludes, WeakDeps: c.Weak})
			if s := describe(sub, serr); s != gotS {
				t.Errorf("case %d weak=%v req %v: over Reachable's packages %s, over all %s", i, c.Weak, req, s, gotS)
			}
			wantS := "FAIL"
			if want.OK {
				wantS = strings.Join(want.Pkgs, " ")
			}
			if gotS != wantS && !(wantS == "FAIL" && strings.HasPrefix(gotS, "FAIL")) {
				mismatches++
				t.Logf("MISMATCH case %d weak=%v req %v: disco-only %v dnf-only %v", i, c.Weak, req, setDiff(gotS, wantS), setDiff(wantS, gotS))
				if mismatches <= *showCases {
					t.Logf("case %d (seed %d) request %v:\n disco: %s\n dnf:   %s %s\n%s", i, i+1, req, gotS, wantS, want.Err, dumpCase(c))
				}
			}
		}
	}
	t.Logf("%d requests (%d failing in dnf), %d mismatches", total, fails, mismatches)
	ex.report(t)
	if mismatches > 0 {
		t.Errorf("%d of %d requests differ from dnf", mismatches, total)
	}
	return total
}

func flatten(c oracleCase) ([]*repo.Package, map[string]int) {
	var u []*repo.Package
	prios := map[string]int{}
	for _, r := range c.Repos {
		u = append(u, r.Pkgs...)
		prios[r.ID] = r.Priority
	}
	return u, prios
}

func describe(res *Result, err error) string {
	if err != nil {
		return "FAIL " + err.Error()
	}
	var s []string
	for _, p := range res.Packages {
		s = append(s, NEVRA(p.Package)+"@"+p.RepoID)
	}
	sort.Strings(s)
	return strings.Join(s, " ")
}

func dumpCase(c oracleCase) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  excludes=%v weak=%v\n", c.Excludes, c.Weak)
	for _, r := range c.Repos {
		fmt.Fprintf(&b, "  repo %s prio %d\n", r.ID, r.Priority)
		for _, p := range r.Pkgs {
			fmt.Fprintf(&b, "    %s", NEVRA(p))
			for _, x := range []struct {
				k string
				d []string
			}{{"R", depStrings(p.Requires)}, {"P", depStrings(p.Provides[1:])}, {"C", depStrings(p.Conflicts)},
				{"O", depStrings(p.Obsoletes)}, {"Rec", depStrings(p.Recommends)}, {"Sup", depStrings(p.Supplements)}, {"F", p.Files}} {
				if len(x.d) > 0 {
					fmt.Fprintf(&b, " %s:[%s]", x.k, strings.Join(x.d, ", "))
				}
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}
