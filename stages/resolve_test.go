package stages

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/disco-build/disco/runtime/plan"
)

// TestResolveDeadRepoOnce: a repository that cannot be read fails every
// machine that uses it, each error naming its machine, and is asked only
// once per run (locking many machines goes on past failures).
func TestResolveDeadRepoOnce(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	r := NewResolver(t.TempDir(), t.TempDir(), time.Now)
	for _, name := range []string{"one", "two"} {
		m := &plan.Machine{Name: name, Group: "g", Arch: "x86_64", Packages: []plan.Package{{Name: "bash"}},
			Repos: []plan.Repo{{ID: "r", BaseURLs: []string{srv.URL}, Enabled: true, Priority: 99}}}
		_, err := r.Resolve(context.Background(), m, nil, nil)
		if err == nil || !strings.Contains(err.Error(), "g/"+name+": repo r") {
			t.Errorf("machine %s: err = %v", name, err)
		}
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("the dead repository was asked %d times, want 1", n)
	}
}
