package debver

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

// Pair is two version strings to compare.
type Pair struct{ A, B string }

// dpkgScript compares each "A<TAB>B" line of its input with
// dpkg --compare-versions and prints -1, 0, 1, or "error" when dpkg
// refuses one of the versions.
const dpkgScript = `tab=$(printf '\t')
while IFS="$tab" read -r a b; do
	dpkg --compare-versions -- "$a" lt "$b" 2>/dev/null
	rc=$?
	if [ $rc = 0 ]; then echo -1
	elif [ $rc = 2 ]; then echo error
	elif dpkg --compare-versions -- "$a" eq "$b" 2>/dev/null; then echo 0
	else echo 1
	fi
done
`

// dpkgCompare asks the host's dpkg to compare every pair (one or two
// executions of dpkg --compare-versions each, on a shell per CPU). Versions
// must not hold tabs, newlines or leading or trailing blanks.
func dpkgCompare(t *testing.T, pairs []Pair) []string {
	t.Helper()
	testtool.Need(t, "dpkg", "sh")
	workers := max(1, min(runtime.GOMAXPROCS(0), 4))
	out := make([]string, len(pairs))
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var idx []int
			var in strings.Builder
			for i := w; i < len(pairs); i += workers {
				idx = append(idx, i)
				fmt.Fprintf(&in, "%s\t%s\n", pairs[i].A, pairs[i].B)
			}
			cmd := exec.Command("sh", "-c", dpkgScript)
			cmd.Stdin = strings.NewReader(in.String())
			cmd.Env = []string{"PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C"}
			b, err := cmd.Output()
			if err != nil {
				errs[w] = err
				return
			}
			lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			if len(lines) != len(idx) {
				errs[w] = fmt.Errorf("dpkg script answered %d lines for %d pairs", len(lines), len(idx))
				return
			}
			for k, i := range idx {
				out[i] = lines[k]
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// checkAgainstDpkg compares every pair with CompareStrings and with dpkg.
// Pairs dpkg refuses must be refused by Parse (a non-warning error).
func checkAgainstDpkg(t *testing.T, pairs []Pair) {
	t.Helper()
	answers := dpkgCompare(t, pairs)
	for i, p := range pairs {
		if answers[i] == "error" {
			if !refused(p.A) && !refused(p.B) {
				t.Errorf("dpkg refuses %q or %q, Parse accepts both", p.A, p.B)
			}
			continue
		}
		if refused(p.A) || refused(p.B) {
			t.Errorf("dpkg compares %q and %q, Parse refuses one outright", p.A, p.B)
			continue
		}
		if got := fmt.Sprint(CompareStrings(p.A, p.B)); got != answers[i] {
			t.Errorf("CompareStrings(%q, %q) = %s, dpkg says %s", p.A, p.B, got, answers[i])
		}
	}
}

// refused tells a version dpkg refuses (not merely warns about).
func refused(s string) bool {
	_, reason, warn := parse(s)
	return reason != "" && !warn
}

// handPicked are versions around every rule of the comparison and the
// parser.
var handPicked = []string{
	"0", "0.0", "00", "1", "1.0", "1.00", "1.0.0", "1.0-0", "1.0-1", "1.0-01", "0:1.0", "1:1.0", "01:1.0",
	"1.0~", "1.0~~", "1.0~~a", "1.0~a", "1.0~rc1", "1.0~rc1-1", "1.0~rc1~git", "1.0a", "1.0A", "1.0+", "1.0.",
	"1.0+b1", "1.0-1+b1", "1.0-1~bpo12+1", "1.0-1+deb12u1", "1.0-1.1", "1.0a1", "1.0aa", "1.0Z", "1.0z",
	"1:0", "2:0.1", "1.2.3-4-5", "1.2.3-4~5", "1:2:3", "1:2:3-4", "2.30-0ubuntu1", "10", "9", "1.10", "1.9",
	"99999999999999999999999", "99999999999999999999998", "0099", "1.0-a", "1.0-A", "1.0-a~", "1+", "1+a",
	"1.0~-1", "1.0--1", "1.0-", ":1.0", "1:", "a:1.0", "1a:1", "2147483647:1", "2147483648:1", "1 0",
	"a1.0", "1.0_1", "1.0-1_1", "1.0-1:1", "+1:1", "1.0:1", "1.0-~", "~", "~~", "1~", "0~", "1.0-0~",
	"1.0é", "1.0-1é", "1.0#", "1.0\x7f", "1.0\xff", "1.0!",
}

func TestCompareDpkgHandPicked(t *testing.T) {
	var pairs []Pair
	for _, a := range handPicked {
		for _, b := range handPicked {
			if a < b {
				pairs = append(pairs, Pair{a, b})
			}
		}
	}
	checkAgainstDpkg(t, pairs)
	t.Logf("%d hand-picked pairs checked against dpkg --compare-versions", len(pairs))
}

// randVersion builds a version rich in the tricky parts: epochs, digit
// runs with leading zeros, letters of both cases, '~', '+', '.', '-', and
// sometimes a character dpkg warns about or refuses.
func randVersion(r *rand.Rand) string {
	atoms := []string{"0", "1", "2", "9", "10", "007", "123", "99999999999999999999", "a", "b", "Z", "rc", "git",
		".", ".", "+", "~", "~", "-", ":", "_", "A"}
	var b strings.Builder
	if r.IntN(5) == 0 {
		fmt.Fprintf(&b, "%d:", r.IntN(3))
	}
	if r.IntN(8) != 0 {
		b.WriteString(atoms[r.IntN(7)]) // usually start with a digit
	}
	for n := r.IntN(7); n >= 0; n-- {
		b.WriteString(atoms[r.IntN(len(atoms))])
	}
	return b.String()
}

func TestCompareDpkgRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 1))
	pairs := make([]Pair, 1500)
	for i := range pairs {
		pairs[i] = Pair{randVersion(r), randVersion(r)}
		if r.IntN(3) == 0 { // close pairs: a common prefix
			pairs[i].B = pairs[i].A + []string{"~", "+", ".0", "a", "-1", "~1", "0"}[r.IntN(7)]
		}
	}
	checkAgainstDpkg(t, pairs)
	t.Logf("%d random pairs checked against dpkg --compare-versions", len(pairs))
}

// TestCompareDpkgRandomChain sorts random versions with CompareStrings and
// has dpkg confirm each neighbouring pair: as dpkg's order is a total
// preorder, agreeing on neighbours means agreeing on every pair of the
// list.
func TestCompareDpkgRandomChain(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 2))
	var vs []string
	for len(vs) < 1500 {
		if v := randVersion(r); !refused(v) {
			vs = append(vs, v)
		}
	}
	n := checkChain(t, vs)
	t.Logf("%d random versions: %d neighbouring pairs checked against dpkg, %d pairs implied", len(vs), n, len(vs)*(len(vs)-1)/2)
}

// checkChain sorts vs with CompareStrings, asks dpkg about each
// neighbouring pair, and returns how many pairs it asked about.
func checkChain(t *testing.T, vs []string) int {
	t.Helper()
	vs = slices.Clone(vs)
	slices.SortStableFunc(vs, CompareStrings)
	var pairs []Pair
	for i := 1; i < len(vs); i++ {
		pairs = append(pairs, Pair{vs[i-1], vs[i]})
	}
	checkAgainstDpkg(t, pairs)
	return len(pairs)
}

// TestParseErrorsLikeDpkg has dpkg judge every hand-picked version: the
// message Parse gives must be the one dpkg prints, as an error or a
// warning alike.
func TestParseErrorsLikeDpkg(t *testing.T) {
	testtool.Need(t, "dpkg")
	for _, v := range append(slices.Clone(handPicked), "", " 1.0", "1.0 ", "-1", "-1:1", "-0:1", "1.0-1 b") {
		cmd := exec.Command("dpkg", "--compare-versions", "--", v, "eq", "1")
		cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
		out, _ := cmd.CombinedOutput()
		var dpkgMsg string
		sc := bufio.NewScanner(strings.NewReader(string(out)))
		for sc.Scan() {
			if l := sc.Text(); strings.Contains(l, "has bad syntax") {
				dpkgMsg = l
			}
		}
		_, err := Parse(v)
		want := ""
		if se, ok := err.(*SyntaxError); ok {
			kind := "error"
			if se.Warning {
				kind = "warning"
			}
			want = "dpkg: " + kind + ": " + se.Error()
		}
		if v == "" {
			want = "" // dpkg takes an empty argument as "no version"
		}
		if dpkgMsg != want {
			t.Errorf("version %q: dpkg says %q, Parse %q", v, dpkgMsg, want)
		}
	}
}
