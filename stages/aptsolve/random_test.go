package aptsolve_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// randomUniverse writes n packages named prefix+"p0"... with random
// relations among them, virtual packages prefix+"v0"..., and names that
// nothing provides: alternatives, versioned and unversioned provides,
// several providers of equal rank, conflicts and breaks, Multi-Arch,
// Essential, priorities, Pre-Depends, Recommends, two versions.
//
// A harsh universe has many names nothing provides and many conflicts:
// most requests fail, which exercises apt's problem resolver and its
// explanations; a mild one has few: most succeed.
func randomUniverse(r *rand.Rand, prefix string, n int, harsh bool) (paras []string, requests [][]string) {
	nv := 1 + n/4
	gone, negOdds, verOdds := 19, 1, 4
	if !harsh {
		gone, negOdds, verOdds = 80, 3, 12
	}
	name := func() string {
		switch x := r.IntN(gone + 1); {
		case x < gone*2/3:
			return fmt.Sprintf("%sp%d", prefix, r.IntN(n))
		case x < gone:
			return fmt.Sprintf("%sv%d", prefix, r.IntN(nv))
		default:
			return prefix + "gone"
		}
	}
	rel := func(versioned bool) string {
		s := name()
		if r.IntN(8) == 0 {
			s += ":any"
		}
		if versioned && r.IntN(verOdds) == 0 {
			s += []string{" (>= 2)", " (<< 2)", " (= 1)", " (>> 1)", " (<= 1)"}[r.IntN(5)]
		}
		return s
	}
	group := func(max int) string {
		k := 1 + r.IntN(max)
		alts := make([]string, k)
		for i := range alts {
			alts[i] = rel(true)
		}
		return strings.Join(alts, " | ")
	}
	list := func(max, groups int) string {
		k := r.IntN(groups + 1)
		if k == 0 {
			return ""
		}
		gs := make([]string, k)
		for i := range gs {
			gs[i] = group(max)
		}
		return strings.Join(gs, ", ")
	}
	for i := range n {
		versions := []string{"1"}
		if r.IntN(4) == 0 {
			versions = append(versions, "2")
		}
		for _, v := range versions {
			var b strings.Builder
			fmt.Fprintf(&b, "Package: %sp%d\nVersion: %s\n", prefix, i, v)
			if r.IntN(5) == 0 {
				b.WriteString("Architecture: all\n")
			}
			if ma := []string{"", "", "", "same", "foreign", "allowed"}[r.IntN(6)]; ma != "" {
				b.WriteString("Multi-Arch: " + ma + "\n")
			}
			if r.IntN(15) == 0 {
				b.WriteString("Essential: yes\n")
			}
			if r.IntN(20) == 0 {
				b.WriteString("Protected: yes\n")
			}
			b.WriteString("Priority: " + []string{"required", "important", "standard", "optional", "optional", "optional", "extra"}[r.IntN(7)] + "\n")
			for _, f := range []struct {
				field       string
				max, groups int
				odds        int
			}{{"Pre-Depends", 1, 1, 6}, {"Depends", 3, 3, 1}, {"Recommends", 2, 2, 3}, {"Suggests", 2, 1, 6},
				{"Conflicts", 1, 2, 5}, {"Breaks", 1, 1, 6}} {
				odds := f.odds
				if f.field == "Conflicts" || f.field == "Breaks" {
					odds *= negOdds
				}
				if r.IntN(odds) != 0 {
					continue
				}
				l := list(f.max, f.groups)
				if f.field == "Conflicts" || f.field == "Breaks" {
					l = strings.ReplaceAll(l, ":any", "")
				}
				if l != "" {
					b.WriteString(f.field + ": " + l + "\n")
				}
			}
			if r.IntN(3) == 0 {
				var ps []string
				for range 1 + r.IntN(2) {
					p := fmt.Sprintf("%sv%d", prefix, r.IntN(nv))
					if r.IntN(3) == 0 {
						p += fmt.Sprintf(" (= %d)", 1+r.IntN(2))
					}
					ps = append(ps, p)
				}
				b.WriteString("Provides: " + strings.Join(ps, ", ") + "\n")
			}
			paras = append(paras, b.String())
		}
	}
	for range 6 {
		var rq []string
		for range 1 + r.IntN(3) {
			s := fmt.Sprintf("%sp%d", prefix, r.IntN(n))
			switch r.IntN(10) {
			case 0:
				s = fmt.Sprintf("%sv%d", prefix, r.IntN(nv))
			case 1:
				s += "=1"
			}
			rq = append(rq, s)
		}
		requests = append(requests, rq)
	}
	return paras, requests
}

// randomUniverses is how many random universes TestRandomAgainstApt
// makes, 30 harsh ones first.
const randomUniverses = 70

// TestRandomAgainstApt resolves requests in random universes (fixed
// seeds) with aptsolve and apt-get install --simulate, with and without
// Recommends.
func TestRandomAgainstApt(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 2024))
	var paras []string
	var requests [][]string
	for u := range randomUniverses {
		p, rq := randomUniverse(r, fmt.Sprintf("u%d-", u), 8+r.IntN(20), u < 30)
		paras = append(paras, p...)
		requests = append(requests, rq...)
	}
	w := newWorld(t, archive{suite: "stable", index: stanzas(paras...)})
	compareAll(t, w, requests, []bool{false, true})
}

// compareAll has apt-get and aptsolve answer every request list, two
// apt-get processes at a time, and reports the differences.
func compareAll(t *testing.T, w *world, requests [][]string, recommends []bool) {
	type job struct {
		rq  []string
		rec bool
	}
	var jobs []job
	for _, rq := range requests {
		for _, rec := range recommends {
			jobs = append(jobs, job{rq, rec})
		}
	}
	want := make([]answer, len(jobs))
	cpu0 := aptCPU.Load()
	var wg sync.WaitGroup
	next := make(chan int)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				want[i] = w.aptAnswer(t, jobs[i].rq, jobs[i].rec)
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	t.Logf("apt-get took %v of CPU", time.Duration(aptCPU.Load()-cpu0).Round(time.Millisecond))
	agree, failures := 0, 0
	for i, j := range jobs {
		got, pkgs := w.discoAnswer(j.rq, j.rec)
		if want[i].failure != "" {
			failures++
		}
		if got.String() != want[i].String() {
			t.Errorf("%v (recommends %v):\n apt:   %s\n disco: %s", j.rq, j.rec, want[i], got)
			continue
		}
		if pkgs != nil {
			checkInstallable(t, fmt.Sprint(j.rq), pkgs)
		}
		agree++
	}
	t.Logf("agreed with apt-get on %d of %d resolves (%d of them failures)", agree, len(jobs), failures)
}
