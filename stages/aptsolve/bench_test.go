package aptsolve_test

import (
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/debmirror"
	"github.com/disco-build/disco/stages/apt"
	"github.com/disco-build/disco/stages/aptsolve"
)

// benchRequest is the speed target: minbase and a server.
func benchRequest(b testing.TB, u *aptsolve.Universe) []string {
	minbase, err := aptsolve.Variant(u, "minbase")
	if err != nil {
		b.Fatal(err)
	}
	return append(slices.Clone(minbase), "systemd-sysv", "openssh-server", "linux-image-amd64")
}

// BenchmarkBookworm times, against bookworm main amd64 from the warm
// mirror cache: loading the cached pool and preparing the universe (what
// a disco lock does before resolving), the resolve of minbase +
// systemd-sysv openssh-server linux-image-amd64 from a prepared
// universe, and all of it together.
func BenchmarkBookworm(b *testing.B) {
	s, f := debmirror.Suite(b, debmirror.Debian, "bookworm")
	dir := filepath.Join(debmirror.CacheDir(b), "pools")
	pool := debmirror.Pool(b, s, f, "main", "amd64", dir)
	u, err := aptsolve.NewUniverse("amd64", aptsolve.Source{Pool: pool})
	if err != nil {
		b.Fatal(err)
	}
	req := benchRequest(b, u)
	b.Run("universe", func(b *testing.B) {
		for b.Loop() {
			p := debmirror.Pool(b, s, f, "main", "amd64", dir)
			if _, err := aptsolve.NewUniverse("amd64", aptsolve.Source{Pool: p}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("resolve", func(b *testing.B) {
		for b.Loop() {
			if _, err := aptsolve.Resolve(u, req, aptsolve.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lock-warm", func(b *testing.B) {
		for b.Loop() {
			p := debmirror.Pool(b, s, f, "main", "amd64", dir)
			u, err := aptsolve.NewUniverse("amd64", aptsolve.Source{Pool: p})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := aptsolve.Resolve(u, benchRequest(b, u), aptsolve.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestBookwormSpeed times the resolve of the speed target beside
// apt-get install --simulate of the same request on the same index with
// apt's caches warm (best of three each; not a timed test: it reports).
func TestBookwormSpeed(t *testing.T) {
	b := loadBookworm(t)
	dir := filepath.Join(debmirror.CacheDir(t), "pools")
	s, f := debmirror.Suite(t, debmirror.Debian, "bookworm")
	req := benchRequest(t, b.u)
	best := func(run func()) time.Duration {
		d := time.Hour
		for range 3 {
			start := time.Now()
			run()
			d = min(d, time.Since(start))
		}
		return d
	}
	var pkgs []aptsolve.Package
	disco := best(func() {
		p := debmirror.Pool(t, s, f, "main", "amd64", dir)
		u, err := aptsolve.NewUniverse("amd64", aptsolve.Source{Pool: p})
		if err != nil {
			t.Fatal(err)
		}
		if pkgs, err = aptsolve.Resolve(u, benchRequest(t, u), aptsolve.Options{}); err != nil {
			t.Fatal(err)
		}
	})
	resolveOnly := best(func() { aptsolve.Resolve(b.u, req, aptsolve.Options{}) })
	var aptCPU time.Duration
	aptWall := best(func() {
		cmd := exec.Command("apt-get", append([]string{"install", "-s", "-q", "-o", "APT::Install-Recommends=false", "--"}, req...)...)
		cmd.Env = b.w.root.Env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("apt-get: %v\n%s", err, out)
		}
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		c := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		if aptCPU == 0 || c < aptCPU {
			aptCPU = c
		}
	})
	t.Logf("minbase + systemd-sysv openssh-server linux-image-amd64 (%d requests, %d packages): disco warm (cached pool, universe, resolve) %v, resolve alone %v; apt-get install --simulate warm %v wall, %v CPU; ratio %.2f",
		len(req), len(pkgs), disco.Round(time.Millisecond), resolveOnly.Round(time.Millisecond), aptWall.Round(time.Millisecond), aptCPU.Round(time.Millisecond),
		float64(disco)/float64(aptWall))
	_ = apt.DefaultCompression
}
