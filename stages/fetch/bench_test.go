package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/disco-build/disco/stages/store"
)

// BenchmarkFetch300MiB fetches 300 packages of 1 MiB of random bytes over
// loopback HTTP: cold (into an empty store: download, hash, fsync, rename)
// and warm (all present: a marker check per package, or with
// VerifyAlways a full rehash).
func BenchmarkFetch300MiB(b *testing.B) {
	const n, size = 300, 1 << 20
	dir := b.TempDir()
	items := make([]Item, n)
	rng := rand.NewChaCha8([32]byte{1})
	buf := make([]byte, size)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	for i := range items {
		rng.Read(buf)
		name := fmt.Sprintf("pkg-%03d.rpm", i)
		if err := os.WriteFile(filepath.Join(dir, name), buf, 0o644); err != nil {
			b.Fatal(err)
		}
		sum := sha256.Sum256(buf)
		items[i] = Item{Name: name, URLs: []string{srv.URL + "/" + name}, SHA256: hex.EncodeToString(sum[:]), Size: size}
	}
	warm, err := store.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("cold", func(b *testing.B) {
		b.SetBytes(n * size)
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			st, err := store.Open(filepath.Join(b.TempDir(), fmt.Sprint(i)))
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if s, err := New(st, Options{}).Fetch(context.Background(), items); err != nil || s.Downloaded != n {
				b.Fatalf("%+v %v", s, err)
			}
		}
	})
	if _, err := New(warm, Options{}).Fetch(context.Background(), items); err != nil {
		b.Fatal(err)
	}
	rehash, err := store.Open(warm.Dir(), store.WithVerify(store.VerifyAlways))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		st   *store.Store
	}{{"warm", warm}, {"warm-rehash", rehash}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(n * size)
			for i := 0; i < b.N; i++ {
				if s, err := New(c.st, Options{}).Fetch(context.Background(), items); err != nil || s.FromCache != n {
					b.Fatalf("%+v %v", s, err)
				}
			}
		})
	}
}
