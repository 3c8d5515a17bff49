package rpmver

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

// rpmPython returns a python3 that can import rpm (python3-rpm), skipping
// (or under CI failing) the test when there is none.
func rpmPython(t *testing.T) string {
	t.Helper()
	testtool.Need(t, "python3")
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-c", "import rpm").Run() == nil {
			return py
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no python3 with the rpm module (Debian python3-rpm)")
	}
	t.Skip("no python3 with the rpm module (Debian python3-rpm)")
	return ""
}

// runPython runs script with input on stdin and returns its output lines.
func runPython(t *testing.T, py, script, input string) []string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "oracle.py")
	if err := os.WriteFile(f, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, f)
	cmd.Stdin = strings.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python oracle: %v\n%s", err, stderr.String())
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// randVersion builds version strings rich in the tricky parts: digit runs
// with leading zeros, letters, separators, '~' and '^'.
func randVersion(r *rand.Rand) string {
	atoms := []string{"0", "1", "2", "9", "10", "007", "123", "a", "b", "rc", "Z", "git", ".", ".", "_", "+", "~", "^", "~", "^"}
	var b strings.Builder
	for n := r.IntN(6); n >= 0; n-- {
		b.WriteString(atoms[r.IntN(len(atoms))])
	}
	return b.String()
}

// TestCompareHostRpm compares thousands of random pairs with the host
// rpm's labelCompare, evaluated in one python process.
func TestCompareHostRpm(t *testing.T) {
	py := rpmPython(t)
	r := rand.New(rand.NewPCG(1, 2))
	var in strings.Builder
	type pair struct{ a, b string }
	pairs := make([]pair, 5000)
	for i := range pairs {
		pairs[i] = pair{randVersion(r), randVersion(r)}
		if r.IntN(4) == 0 {
			pairs[i].b = pairs[i].a + atomsTail(r)
		}
		fmt.Fprintf(&in, "%s\t%s\n", pairs[i].a, pairs[i].b)
	}
	lines := runPython(t, py, `import rpm, sys
for line in sys.stdin:
    a, b = line.rstrip("\n").split("\t")
    print(rpm.labelCompare(("0", a, "1"), ("0", b, "1")))
`, in.String())
	if len(lines) != len(pairs) {
		t.Fatalf("python printed %d lines for %d pairs", len(lines), len(pairs))
	}
	for i, p := range pairs {
		want, _ := strconv.Atoi(lines[i])
		if got := Compare(p.a, p.b); got != want {
			t.Errorf("Compare(%q, %q) = %d, host rpm says %d", p.a, p.b, got, want)
		}
	}
}

func atomsTail(r *rand.Rand) string {
	return []string{"~", "^", ".0", "a", "~1", "^1", "."}[r.IntN(7)]
}

func randEVR(r *rand.Rand) string {
	vs := []string{"1", "1.0", "1.0~rc1", "1.0^git1", "2", "0.9"}
	s := vs[r.IntN(len(vs))]
	switch r.IntN(4) {
	case 0:
		s = strconv.Itoa(r.IntN(2)) + ":" + s
	}
	if r.IntN(2) == 0 {
		s += "-" + []string{"1", "2", "1.el9"}[r.IntN(3)]
	}
	return s
}

// TestOverlapHostRpm compares Matches with rpm's rpmdsCompare (python
// rpm.ds.Compare) on thousands of random versioned pairs.
func TestOverlapHostRpm(t *testing.T) {
	py := rpmPython(t)
	r := rand.New(rand.NewPCG(3, 4))
	flags := []Flags{LT, LE, EQ, GE, GT}
	type pair struct{ a, b Dep }
	pairs := make([]pair, 4000)
	var in strings.Builder
	for i := range pairs {
		a := Dep{Name: "foo", Flags: flags[r.IntN(5)], EVR: ParseEVR(randEVR(r))}
		b := Dep{Name: "foo", Flags: flags[r.IntN(5)], EVR: ParseEVR(randEVR(r))}
		pairs[i] = pair{a, b}
		fmt.Fprintf(&in, "%d %s %d %s\n", a.Flags, a.EVR, b.Flags, b.EVR)
	}
	lines := runPython(t, py, `import rpm, sys
for line in sys.stdin:
    fa, ea, fb, eb = line.split()
    a = rpm.ds(("foo", int(fa), ea), rpm.RPMTAG_REQUIRENAME)
    b = rpm.ds(("foo", int(fb), eb), rpm.RPMTAG_PROVIDENAME)
    print(1 if a.Compare(b) else 0)
`, in.String())
	if len(lines) != len(pairs) {
		t.Fatalf("python printed %d lines for %d pairs", len(lines), len(pairs))
	}
	for i, p := range pairs {
		want := lines[i] == "1"
		if got := p.a.Matches(p.b); got != want {
			t.Errorf("(%s).Matches(%s) = %v, host rpm says %v", p.a, p.b, got, want)
		}
	}
}
