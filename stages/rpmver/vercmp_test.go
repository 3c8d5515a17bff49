package rpmver

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCompareRpmTestsuite runs the cases of rpm's own tests/rpmvercmp.at.
func TestCompareRpmTestsuite(t *testing.T) {
	f, err := os.Open("testdata/rpmvercmp-at.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Fields(line)
		want, err := strconv.Atoi(fs[2])
		if err != nil {
			t.Fatalf("bad line %q", line)
		}
		if got := Compare(fs[0], fs[1]); got != want {
			t.Errorf("Compare(%q, %q) = %d, rpm says %d", fs[0], fs[1], got, want)
		}
		n++
	}
	if n < 90 {
		t.Fatalf("only %d cases read", n)
	}
}

// TestCompareOracle checks every pair of the shared oracle that rpm's
// labelCompare produced.
func TestCompareOracle(t *testing.T) {
	path := sharedFile(t, "data/rpm-vercmp-oracle.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		A, B   string
		Expect int
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(cases) < 4000 {
		t.Fatalf("%s: only %d cases", path, len(cases))
	}
	for _, c := range cases {
		if got := Compare(c.A, c.B); got != c.Expect {
			t.Errorf("Compare(%q, %q) = %d, rpm says %d", c.A, c.B, got, c.Expect)
		}
	}
}

// sharedFile finds a file of the shared/ folder that sits beside the
// repository checkout, skipping the test when there is none.
func sharedFile(t *testing.T, rel string) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
	}
	p := filepath.Join(filepath.Dir(dir), "shared", rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared oracle %s missing: %v", p, err)
		}
		t.Skipf("shared oracle %s absent", p)
	}
	return p
}

func TestCompareProperties(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"1.0~rc1", "1.0", -1},
		{"1.0^", "1.0", 1},
		{"1.0^", "1.0.0", -1},
		{"1.0~", "1.0^", -1},
		{"", "", 0},
		{"", "~", 1},
		{"", "^", -1},
		{"007", "7", 0},
		{"1.0", "1..0", 0},
		{"a", "1", -1},
		{"99999999999999999999999", "99999999999999999999998", 1},
	} {
		if got := Compare(c.a, c.b); got != c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Compare(c.b, c.a); got != -c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d (antisymmetry)", c.b, c.a, got, -c.want)
		}
	}
}
