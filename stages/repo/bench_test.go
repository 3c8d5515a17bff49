package repo_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/repo/repotest"
)

var (
	primary60kOnce sync.Once
	primary60k     []byte
)

func primary60kXML(b *testing.B) []byte {
	primary60kOnce.Do(func() {
		var buf bytes.Buffer
		if err := repotest.WritePrimary(&buf, repotest.Spec{Packages: 60000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		primary60k = buf.Bytes()
	})
	return primary60k
}

// BenchmarkPrimary60k parses an uncompressed 60,000-package primary.xml.
func BenchmarkPrimary60k(b *testing.B) {
	data := primary60kXML(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	defer cpuMetric(b)()
	for i := 0; i < b.N; i++ {
		pk, err := repo.ReadPrimary(bytes.NewReader(data), "primary.xml")
		if err != nil {
			b.Fatal(err)
		}
		if len(pk) != 60000 {
			b.Fatalf("got %d packages", len(pk))
		}
	}
}

// cpuMetric reports the process CPU time per op, which the load of other
// processes on a shared machine disturbs less than wall time.
func cpuMetric(b *testing.B) func() {
	start := cpuTime()
	return func() {
		b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCache60k decodes the cache entry of a 60,000-package primary.
func BenchmarkCache60k(b *testing.B) {
	pkgs, err := repo.ReadPrimary(bytes.NewReader(primary60kXML(b)), "primary.xml")
	if err != nil {
		b.Fatal(err)
	}
	enc, err := repo.EncodePackagesForTest(pkgs)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(enc)))
	b.ResetTimer()
	defer cpuMetric(b)()
	for i := 0; i < b.N; i++ {
		got, err := repo.DecodePackagesForTest(enc)
		if err != nil || len(got) != len(pkgs) {
			b.Fatal(err, len(got))
		}
	}
}

// BenchmarkLoad60k loads a 60,000-package repository (gzip-compressed
// primary.xml, as Load reads it: decompression, checksum, parse); with
// filelists too, and from the cache.
func BenchmarkLoad60k(b *testing.B) {
	dir := os.Getenv("REPO_BENCH_DIR") // reuse a repotest.WriteRepo output
	if dir == "" {
		dir = b.TempDir()
		if err := repotest.WriteRepo(dir, repotest.Spec{Packages: 60000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	cfg := &repo.Config{ID: "bench"}
	for _, bc := range []struct {
		name  string
		files bool
		cache bool
	}{{"primary", false, false}, {"filelists", true, false}, {"cached", false, true}} {
		b.Run(bc.name, func(b *testing.B) {
			opts := repo.Options{WithFilelists: bc.files}
			if bc.cache {
				opts.Cache = repo.NewCache(b.TempDir())
				if _, err := repo.Load(context.Background(), cfg, repo.DirSource(dir), opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			defer cpuMetric(b)()
			for i := 0; i < b.N; i++ {
				r, err := repo.Load(context.Background(), cfg, repo.DirSource(dir), opts)
				if err != nil || len(r.Packages) != 60000 || r.PrimaryCached != bc.cache {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPool60k opens a 60,000-package repository as a Pool: built
// from the XML (primary and filelists) into the cache, and mapped from it
// with the packages a few hundred lookups reach decoded.
func BenchmarkPool60k(b *testing.B) {
	dir := os.Getenv("REPO_BENCH_DIR") // reuse a repotest.WriteRepo output
	if dir == "" {
		dir = b.TempDir()
		if err := repotest.WriteRepo(dir, repotest.Spec{Packages: 60000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	cfg := &repo.Config{ID: "bench"}
	for _, cached := range []bool{false, true} {
		name := map[bool]string{false: "build", true: "cached"}[cached]
		b.Run(name, func(b *testing.B) {
			cache := repo.NewCache(b.TempDir())
			if cached {
				if _, err := repo.LoadPool(context.Background(), cfg, repo.DirSource(dir), repo.Options{Cache: cache}); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			defer cpuMetric(b)()
			for i := 0; i < b.N; i++ {
				if !cached {
					os.RemoveAll(cache.Dir)
				}
				pl, err := repo.LoadPool(context.Background(), cfg, repo.DirSource(dir), repo.Options{Cache: cache})
				if err != nil || pl.Len() != 60000 || pl.Cached != cached {
					b.Fatal(err)
				}
				var ids []int32
				for k := 0; k < 300; k++ {
					for _, d := range pl.Package(k * 199).Requires {
						ids = pl.Providers(ids, d.Name)
					}
				}
				if len(ids) == 0 {
					b.Fatal("no providers found")
				}
			}
		})
	}
}

// BenchmarkEncodingXMLTokens60k only tokenizes the same primary.xml with
// encoding/xml (RawToken: no namespace work, nothing built): the floor of
// an encoding/xml reader, kept to show why the package has its own scanner.
func BenchmarkEncodingXMLTokens60k(b *testing.B) {
	data := primary60kXML(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	defer cpuMetric(b)()
	for i := 0; i < b.N; i++ {
		d := xml.NewDecoder(bytes.NewReader(data))
		for {
			_, err := d.RawToken()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
