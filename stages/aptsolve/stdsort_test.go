package aptsolve

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// stdSortCases are key lists with many ties, of sizes around the
// insertion-sort threshold and beyond, and one that drives the
// median-of-three pivot into heapsort.
func stdSortCases() [][]int {
	r := rand.New(rand.NewPCG(1, 2))
	var cases [][]int
	for _, n := range []int{1, 2, 3, 15, 16, 17, 33, 100, 1000, 5000} {
		for _, spread := range []int{2, 5, 1000} {
			keys := make([]int, n)
			for i := range keys {
				keys[i] = r.IntN(spread) - spread/3
			}
			cases = append(cases, keys)
		}
	}
	// ascending keys sorted descending: pivots are poor, and the
	// recursion reaches heapsort (25 times, when counted)
	asc := make([]int, 3000)
	for i := range asc {
		asc[i] = i % 1500
	}
	return append(cases, asc)
}

// TestStdSortMatchesLibstdcxx compares stdSort with GCC's std::sort: the
// order libstdc++ gives equal keys is recorded in testdata (made by
// testdata/stdsort.cc; rewritten with g++ when STDSORT_UPDATE=1).
func TestStdSortMatchesLibstdcxx(t *testing.T) {
	cases := stdSortCases()
	golden := filepath.Join("testdata", "stdsort.golden")
	if os.Getenv("STDSORT_UPDATE") != "" {
		bin := filepath.Join(t.TempDir(), "stdsort")
		if out, err := exec.Command("g++", "-O2", "-o", bin, filepath.Join("testdata", "stdsort.cc")).CombinedOutput(); err != nil {
			t.Fatalf("g++: %v\n%s", err, out)
		}
		var in strings.Builder
		for _, keys := range cases {
			in.WriteString(strings.Trim(fmt.Sprint(keys), "[]") + "\n")
		}
		cmd := exec.Command(bin)
		cmd.Stdin = strings.NewReader(in.String())
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(golden)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for i, keys := range cases {
		if !sc.Scan() {
			t.Fatalf("golden has %d lines, want %d", i, len(cases))
		}
		pos := make([]int32, len(keys))
		for k := range pos {
			pos[k] = int32(k)
		}
		stdSort(pos, func(a, b int32) bool { return keys[a] > keys[b] })
		if got := strings.Trim(fmt.Sprint(pos), "[]"); got != sc.Text() {
			t.Fatalf("case %d (%d keys): stdSort gives\n%s\nstd::sort gives\n%s", i, len(keys), got, sc.Text())
		}
	}
}
