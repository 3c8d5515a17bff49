package solve

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/disco-build/disco/stages/repo"
)

// bigUniverse makes n packages shaped like a distribution: 3 versions per
// name, each requiring a few lower-numbered names, shared capabilities,
// files and the odd rich dependency.
func bigUniverse(n int) []*repo.Package {
	r := rand.New(rand.NewPCG(42, 42))
	names := n / 3
	var u []*repo.Package
	for i := 0; i < names; i++ {
		name := fmt.Sprintf("pkg%05d", i)
		arch := []string{"x86_64", "x86_64", "noarch"}[i%3]
		for v := 1; v <= 3; v++ {
			b := mk("main", name, fmt.Sprintf("%d.0-1", v), arch)
			for k := r.IntN(5); k > 0 && i > 0; k-- {
				j := r.IntN(i)
				switch r.IntN(10) {
				case 0:
					b.req(fmt.Sprintf("cap%04d", j%5000))
				case 1:
					b.req(fmt.Sprintf("/usr/bin/tool%04d", j%5000))
				case 2:
					b.req(fmt.Sprintf("(pkg%05d or pkg%05d)", j, r.IntN(i)))
				default:
					b.req(fmt.Sprintf("pkg%05d >= 1.0", j))
				}
			}
			b.prov(fmt.Sprintf("cap%04d", i%5000))
			b.file(fmt.Sprintf("/usr/bin/tool%04d", i%5000))
			u = append(u, b.p)
		}
	}
	return u
}

func bigRequest(n int) []string {
	var specs []string
	for i := 0; i < 30; i++ {
		specs = append(specs, fmt.Sprintf("pkg%05d", n/3-1-i*97))
	}
	return specs
}

// BenchmarkResolve60k resolves 30 requests against 60,000 packages.
func BenchmarkResolve60k(b *testing.B) {
	u := bigUniverse(60000)
	req := Request{Install: bigRequest(60000)}
	b.ResetTimer()
	var n int
	for i := 0; i < b.N; i++ {
		res, err := Resolve(context.Background(), u, req, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n = len(res.Packages)
	}
	b.ReportMetric(float64(n), "pkgs")
}

// BenchmarkDNF60k times dnf (fill_sack and resolve, one python process) on
// the same universe; set DISCO_BENCH_DNF=1 to run it.
func BenchmarkDNF60k(b *testing.B) {
	if os.Getenv("DISCO_BENCH_DNF") == "" {
		b.Skip("set DISCO_BENCH_DNF=1 to time dnf")
	}
	u := bigUniverse(60000)
	c := oracleCase{Repos: []oracleRepo{{ID: "main", Priority: 99, Pkgs: u}}, Requests: [][]string{bigRequest(60000)}}
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := writeRepo(b.TempDir(), u); err != nil {
			b.Fatal(err)
		}
		write := time.Since(t0)
		t1 := time.Now()
		ans := runDNF(b, dir, []oracleCase{c})
		b.ReportMetric(float64(len(ans[0][0].Pkgs)), "pkgs")
		b.ReportMetric((time.Since(t1) - write).Seconds(), "dnf-s")
		res, err := Resolve(context.Background(), u, Request{Install: bigRequest(60000)}, Options{})
		if got, want := describe(res, err), strings.Join(ans[0][0].Pkgs, " "); got != want {
			b.Errorf("disco and dnf disagree on the 60k universe:\n disco-only %v\n dnf-only %v", setDiff(got, want), setDiff(want, got))
		}
	}
}

// BenchmarkExplain60k is BenchmarkResolve60k with two requests that cannot
// be met: the cost of finding and wording every problem.
func BenchmarkExplain60k(b *testing.B) {
	u := bigUniverse(60000)
	u = append(u, mk("main", "broken", "1-1", "x86_64").req("pkg00010", "libmissing.so.1()(64bit)", "missing-tool").p,
		mk("main", "broken2", "1-1", "noarch").req("pkg00020 >= 9").p)
	req := Request{Install: append(bigRequest(60000), "broken", "broken2")}
	b.ResetTimer()
	var n int
	for i := 0; i < b.N; i++ {
		_, err := Resolve(context.Background(), u, req, Options{})
		var ue *UnsolvableError
		if !errors.As(err, &ue) {
			b.Fatalf("err = %v", err)
		}
		n = len(ue.Problems)
	}
	b.ReportMetric(float64(n), "problems")
}
