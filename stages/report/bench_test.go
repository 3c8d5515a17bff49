package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/manifest"
)

// BenchmarkBuildAndWrite makes and writes every rendering of a report the
// size of a small server: 400 packages and 60,000 paths.
func BenchmarkBuildAndWrite(b *testing.B) {
	in := fixtureInput(&testing.T{})
	m := manifest.New(fixtureEpoch)
	in.Lock.Packages = nil
	for i := range 400 {
		p := lockfile.Package{Name: fmt.Sprintf("pkg%03d", i), Version: "1.0", Release: "1.fc39", Arch: "x86_64",
			Repo: "fedora", Location: fmt.Sprintf("Packages/p/pkg%03d-1.0-1.fc39.x86_64.rpm", i), SHA256: sum(fmt.Sprint(i)), Size: 100000}
		in.Lock.Packages = append(in.Lock.Packages, p)
		dir := fmt.Sprintf("/d%03d", i)
		src := "package:" + p.NEVRA()
		if err := m.Put(&manifest.Entry{Path: dir, Kind: manifest.Dir, Mode: 0o755, Source: src}); err != nil {
			b.Fatal(err)
		}
		for j := range 150 {
			e := &manifest.Entry{Path: fmt.Sprintf("%s/f%03d", dir, j), Kind: manifest.File, Mode: 0o644, Size: 4096, SHA256: sum(dir), Source: src}
			if err := m.Put(e); err != nil {
				b.Fatal(err)
			}
		}
	}
	in.Manifest = m
	b.ResetTimer()
	for range b.N {
		r, err := Build(in)
		if err != nil {
			b.Fatal(err)
		}
		for _, w := range []func(io.Writer) error{r.WriteJSON, r.WriteMarkdown, r.WriteSPDX} {
			if err := w(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	}
}
