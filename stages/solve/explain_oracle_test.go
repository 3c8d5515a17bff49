package solve

import (
	"flag"
	"slices"
	"strings"
	"testing"
)

var showExplain = flag.Int("showexplain", 3, "print this many explanations that differ from dnf's (each fails the test)")

// explainStats compares disco's explanations of unsolvable requests with
// dnf's problem text for the same request.
type explainStats struct {
	requests    int // failing in both, with dnf's problems to compare
	npLines     int // "nothing provides" lines dnf printed
	npMissing   int // of those, not in disco's explanation
	sameText    int // disco's text is dnf's, byte for byte
	sameLines   int // the same lines, maybe in another order or grouping
	extraLines  int // lines disco prints that dnf does not
	missedLines int // lines dnf prints that disco does not
	shown       int
}

// dnfLines splits dnf's DepsolveError text into its problems' lines.
func dnfLines(msg string) []string {
	var out []string
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "- "):
			out = append(out, l[2:])
		case strings.HasPrefix(l, "Problem"):
			if i := strings.Index(l, ": "); i > 0 {
				out = append(out, l[i+2:])
			}
		}
	}
	return out
}

// add checks one request that both dnf and disco found unsolvable: every
// "nothing provides" line of dnf's must be in disco's explanation, and the
// whole text must be dnf's (the first -showexplain differences are shown;
// any difference fails the test).
func (x *explainStats) add(t *testing.T, what string, ue *UnsolvableError, dnfErr string) {
	t.Helper()
	want := dnfLines(dnfErr)
	if len(want) == 0 {
		return // dnf failed before solving (no match for an argument)
	}
	x.requests++
	var got []string
	for _, p := range ue.Problems {
		got = append(got, p...)
	}
	for _, l := range want {
		if !slices.Contains(got, l) {
			x.missedLines++
		}
		if !strings.HasPrefix(l, "nothing provides ") {
			continue
		}
		x.npLines++
		if !slices.Contains(got, l) {
			x.npMissing++
			t.Errorf("%s: dnf says %q, disco does not:\n%s\ndnf:%s", what, l, ue.Text(), dnfErr)
		}
	}
	for _, l := range got {
		if !slices.Contains(want, l) {
			x.extraLines++
		}
	}
	text := ue.Text()
	if text == strings.TrimPrefix(dnfErr, "\n") {
		x.sameText++
		return
	}
	a, b := slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if slices.Equal(slices.Compact(a), slices.Compact(b)) {
		x.sameLines++
	}
	if x.shown < *showExplain {
		x.shown++
		t.Errorf("%s: explanations differ\ndisco:\n%s\ndnf:%s", what, text, dnfErr)
	}
}

func (x *explainStats) report(t *testing.T) {
	t.Helper()
	if d := x.requests - x.sameText; d > 0 {
		t.Errorf("%d of %d explanations differ from dnf's", d, x.requests)
	}
	t.Logf("explanations: %d requests unsolvable in both; %d the same text as dnf, %d more the same lines; "+
		"dnf's %d \"nothing provides\" lines: %d missing in disco's; lines dnf only: %d, disco only: %d",
		x.requests, x.sameText, x.sameLines, x.npLines, x.npMissing, x.missedLines, x.extraLines)
}
