package eval

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// memoryCase is the Starlark source TestMemoryBoundChild evaluates.
const memoryCaseEnv = "DISCO_EVAL_MEMORY_CASE"

// TestMemoryBoundChild is the child of TestMemoryBound: it evaluates the
// source in $DISCO_EVAL_MEMORY_CASE with a 64 MiB bound and prints the
// error.
func TestMemoryBoundChild(t *testing.T) {
	src := os.Getenv(memoryCaseEnv)
	if src == "" {
		t.Skip("run by TestMemoryBound")
	}
	_, err := Eval(context.Background(), Options{FS: fstest.MapFS{"m.star": {Data: []byte(src)}}, MaxMemory: 64 << 20})
	fmt.Fprintln(os.Stderr, "RESULT:", err)
	os.Exit(0)
}

// TestMemoryBound evaluates runaway allocations in a child process (under
// a 12 GB address-space limit (go.starlark.net reserves 4 GB of it), so that a failing bound cannot take the host
// down) and checks each fails with its position, quickly, within a small
// multiple of the bound.
func TestMemoryBound(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates up to a few hundred MiB per case")
	}
	cases := []struct{ name, src, want string }{
		{"list repeat", "x = [0]*1000000000\n", "m.star:1:8: list * 1000000000: the result would take about 14.9 GiB, more than the evaluation's memory bound of 64.0 MiB"},
		{"string repeat", "x = \"x\"*2000000000\n", "m.star:1:8: string * 2000000000: the result would take about 1.9 GiB"},
		{"doubling list", "def f():\n    x = [0]\n    for i in range(64):\n        x = x + x\nf()\n", "m.star:4:15: list + list: would need"},
		{"doubling in place", "def f():\n    x = [0]\n    for i in range(64):\n        x += x\nf()\n", "m.star:4:11: list + list: would need"},
		{"growing dict", "def f():\n    d = {}\n    for i in range(100000000):\n        d[str(i)] = [i]\nf()\n", "m.star:4:"},
		{"list of a range", "x = list(range(1000000000))\n", "m.star:1:9: list: the result would take about 14.9 GiB"},
		{"extend", "x = []\nx.extend(range(1000000000))\n", "m.star:2:9: list.extend: the result"},
		{"join", "x = \",\".join([\"ab\" * 1000] * 1000000)\n", "m.star:1:13: string.join: the result"},
		{"replace", "s = \"a\" * 100000\nx = s.replace(\"\", s)\n", "m.star:2:14: string.replace: the result"},
		{"shared str", "a = [1] * 100\nb = [a] * 100\nc = [b] * 100\nd = [c] * 100\nx = str(d)\n", "m.star:5:8: str: the result"},
		{"format", "a = [\"x\" * 100000] * 100\nx = \"{}\".format(a * 10)\n", "m.star:2:16: string.format: the result"},
		{"percent", "a = \"x\" * 10000000\nx = \"%s%s%s%s%s%s%s%s\" % (a, a, a, a, a, a, a, a)\n", "m.star:2:24: string % tuple: the result"},
		{"json", "a = [1] * 100\nb = [a] * 100\nc = [b] * 100\nd = [c] * 100\nx = json.encode(d)\n", "m.star:5:16: json.encode: the result"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command("sh", "-c", `ulimit -v 12000000 && exec "$0" -test.run '^TestMemoryBoundChild$'`, os.Args[0])
			cmd.Env = append(os.Environ(), memoryCaseEnv+"="+tc.src)
			start := time.Now()
			out, err := cmd.CombinedOutput()
			wall := time.Since(start)
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				t.Fatal(err)
			}
			ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
			rssMiB := ru.Maxrss / 1024
			cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
			t.Logf("max RSS %d MiB, CPU %v, wall %v", rssMiB, cpu.Round(time.Millisecond), wall.Round(time.Millisecond))
			if !strings.Contains(string(out), "RESULT: "+tc.want) || tc.name == "growing dict" && !strings.Contains(string(out), "evaluation holds") {
				t.Fatalf("output:\n%s\nwant RESULT: %s", lastLines(string(out), 8), tc.want)
			}
			if strings.Contains(string(out), "goroutine ") {
				t.Errorf("a Go stack dump:\n%s", lastLines(string(out), 8))
			}
			if rssMiB > 320 {
				t.Errorf("max RSS %d MiB with a 64 MiB bound", rssMiB)
			}
			if cpu > 20*time.Second {
				t.Errorf("took %v of CPU", cpu)
			}
		})
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
