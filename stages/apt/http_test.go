package apt

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/debtest"
	"github.com/disco-build/disco/stages/fetch"
	"github.com/disco-build/disco/stages/store"
)

// TestHTTPMirrors serves an archive over HTTP behind a dead mirror:
// OpenSuite moves on to the live one; the index comes by-hash; a server
// without by-hash copies serves the index by its path; nothing but the
// Release files is fetched outside the fetch stage.
func TestHTTPMirrors(t *testing.T) {
	for _, byHash := range []bool{true, false} {
		k := testKeys(t)["ed"]
		a := &debtest.Archive{Dir: filepath.Join(t.TempDir(), "a"), Packages: map[string]string{"main/binary-amd64": testPackages},
			Compressions: []string{"", "gz"}, ByHash: true}
		a.SignInRelease(t, a.Write(t), k)
		var mu sync.Mutex
		var paths []string
		files := http.FileServer(http.Dir(a.Dir))
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			paths = append(paths, r.URL.Path)
			mu.Unlock()
			if !byHash && strings.Contains(r.URL.Path, "/by-hash/") {
				http.NotFound(w, r)
				return
			}
			files.ServeHTTP(w, r)
		}))
		dead := httptest.NewServer(nil)
		dead.Close() // refuses connections
		kf := filepath.Join(t.TempDir(), "k.asc")
		debtest.WriteKeyring(t, kf, k)
		kr, _ := LoadKeyring(kf)
		st, _ := store.Open(t.TempDir())
		f := &StoreFetcher{Store: st, Options: fetch.Options{Retries: -1, BackoffBase: time.Millisecond}}
		r := Repository{Name: "web", URIs: []string{dead.URL, srv.URL}, Suite: "stable", Keyring: kr}
		s, err := OpenSuite(context.Background(), r, f, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if s.Base != srv.URL {
			t.Fatalf("served by %s", s.Base)
		}
		idx, _ := s.PackagesIndexes("main", "amd64", nil)
		p, err := LoadPool(context.Background(), s, idx[0], f, nil)
		if err != nil || p.Len() != 3 {
			t.Fatalf("%v", err)
		}
		srv.Close()
		want := "/dists/stable/main/binary-amd64/by-hash/SHA256/" + idx[0].Info.SHA256
		if !byHash {
			want = "/dists/stable/main/binary-amd64/Packages.gz"
		}
		if got := strings.Join(paths, " "); !strings.HasSuffix(got, want) || !strings.HasPrefix(got, "/dists/stable/InRelease ") {
			t.Errorf("by-hash %v: requests %s", byHash, got)
		}
	}
}
