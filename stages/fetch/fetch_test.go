package fetch

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/disco-build/disco/stages/store"
)

// rig is a store, a server and Options with short timeouts and a
// recording sleeper, for one test.
type rig struct {
	t      *testing.T
	st     *store.Store
	srv    *pkgServer
	opts   Options
	mu     sync.Mutex
	sleeps []time.Duration
	events []Event
}

func newRig(t *testing.T) *rig {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, st: st, srv: newServer(t)}
	r.opts = Options{
		BackoffBase:  10 * time.Millisecond,
		StallTimeout: 300 * time.Millisecond,
		Getenv:       func(string) string { return "" },
		Sleep: func(ctx context.Context, d time.Duration) error {
			r.mu.Lock()
			r.sleeps = append(r.sleeps, d)
			r.mu.Unlock()
			return nil
		},
		Progress: func(e Event) { r.events = append(r.events, e) },
	}
	return r
}

// item adds a package of n random bytes at path and returns its Item.
func (r *rig) item(name, path string, seed uint64, n int) (Item, []byte) {
	data, sum := blob(seed, n)
	r.srv.add(path, data)
	return Item{Name: name, URLs: []string{r.srv.URL + path}, SHA256: sum, Size: int64(n)}, data
}

func (r *rig) fetch(items ...Item) (Summary, error) {
	return New(r.st, r.opts).Fetch(context.Background(), items)
}

// stored asserts the store holds exactly the wanted objects (and their
// markers), with the right bytes, and no temporary files.
func (r *rig) stored(want ...Item) {
	r.t.Helper()
	var files []string
	filepath.WalkDir(r.st.Dir(), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".verified") {
			files = append(files, filepath.Base(p))
		}
		return err
	})
	var sums []string
	for _, it := range want {
		sums = append(sums, it.SHA256)
		if err := r.st.Check(it.SHA256); err != nil {
			r.t.Errorf("%s: %v", it.Name, err)
		}
	}
	slices.Sort(files)
	slices.Sort(sums)
	if !slices.Equal(files, sums) {
		r.t.Errorf("store holds %q, want %q", files, sums)
	}
}

func (r *rig) retries() []Event {
	var out []Event
	for _, e := range r.events {
		if e.Kind == Retry {
			out = append(out, e)
		}
	}
	return out
}

func TestFetchAndCache(t *testing.T) {
	r := newRig(t)
	a, _ := r.item("a-1.0-1.noarch", "/a.rpm", 1, 300_000)
	b, _ := r.item("b-1.0-1.noarch", "/b.rpm", 2, 1000)
	clock := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	r.opts.Now = func() time.Time { clock = clock.Add(1500 * time.Millisecond); return clock }
	s, err := r.fetch(a, b)
	if err != nil || s != (Summary{Packages: 2, Downloaded: 2, Bytes: 301_000, Duration: 1500 * time.Millisecond}) {
		t.Fatalf("cold fetch = %+v, %v", s, err)
	}
	r.stored(a, b)
	s, err = r.fetch(a, b)
	if err != nil || s.FromCache != 2 || s.Downloaded != 0 || s.Bytes != 0 {
		t.Fatalf("warm fetch = %+v, %v", s, err)
	}
	if n := r.srv.hitCount("/a.rpm"); n != 1 {
		t.Errorf("server hit %d times for a, want 1", n)
	}
	// A corrupt store object is noticed and fetched again.
	os.Chmod(r.st.Path(a.SHA256), 0o644)
	os.WriteFile(r.st.Path(a.SHA256), []byte("rotten"), 0o644)
	s, err = r.fetch(a, b)
	if err != nil || s.FromCache != 1 || s.Downloaded != 1 {
		t.Fatalf("fetch after corruption = %+v, %v", s, err)
	}
	r.stored(a, b)
}

func TestRetryAfter500WithBackoff(t *testing.T) {
	r := newRig(t)
	a, _ := r.item("a", "/a.rpm", 1, 5000)
	r.srv.fault("/a.rpm", failFirst(500, 3))
	if _, err := r.fetch(a); err != nil {
		t.Fatal(err)
	}
	r.stored(a)
	want := []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond}
	if !slices.Equal(r.sleeps, want) {
		t.Errorf("backoff sleeps %v, want %v", r.sleeps, want)
	}
	rs := r.retries()
	if len(rs) != 3 || !strings.Contains(rs[0].Err.Error(), "500") || rs[2].Attempt != 3 {
		t.Errorf("retry events %+v", rs)
	}
}

func TestRetriesExhausted(t *testing.T) {
	r := newRig(t)
	a, _ := r.item("a-9-1.x86_64", "/a.rpm", 1, 5000)
	r.srv.fault("/a.rpm", failFirst(503, 100))
	r.opts.Retries = 2
	s, err := r.fetch(a)
	if err == nil || !strings.Contains(err.Error(), "a-9-1.x86_64: "+r.srv.URL+"/a.rpm: HTTP 503") || s.Failed != 1 {
		t.Fatalf("fetch = %+v, %v", s, err)
	}
	if n := r.srv.hitCount("/a.rpm"); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	r.stored()
}

func TestResumeAfterTruncation(t *testing.T) {
	r := newRig(t)
	a, data := r.item("a", "/a.rpm", 1, 200_000)
	r.srv.fault("/a.rpm", truncateFirst(data, 70_000))
	s, err := r.fetch(a)
	if err != nil {
		t.Fatal(err)
	}
	r.stored(a)
	if got := r.srv.rangesOf("/a.rpm"); !slices.Equal(got, []string{"", "bytes=70000-"}) {
		t.Errorf("Range headers %q, want a resume from 70000", got)
	}
	if s.Bytes != 200_000 {
		t.Errorf("received %d bytes, want 200000 (nothing downloaded twice)", s.Bytes)
	}
}

func TestStallThenResume(t *testing.T) {
	r := newRig(t)
	a, data := r.item("a", "/a.rpm", 1, 100_000)
	r.srv.fault("/a.rpm", stallFirst(data, 40_000))
	start := time.Now()
	if _, err := r.fetch(a); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s: stall not detected promptly", d)
	}
	r.stored(a)
	rs := r.retries()
	if len(rs) != 1 || !errors.Is(rs[0].Err, errStalled) {
		t.Errorf("retries %+v, want one stall", rs)
	}
	if got := r.srv.rangesOf("/a.rpm"); !slices.Equal(got, []string{"", "bytes=40000-"}) {
		t.Errorf("Range headers %q", got)
	}
}

func TestWrongBytesNeverStored(t *testing.T) {
	r := newRig(t)
	a, _ := r.item("bash-5.2-1.x86_64", "/a.rpm", 1, 50_000)
	bad, badSum := blob(99, 50_000)
	r.srv.add("/a.rpm", bad)
	s, err := r.fetch(a)
	if err == nil || s.Failed != 1 {
		t.Fatalf("fetch of wrong bytes = %+v, %v", s, err)
	}
	for _, want := range []string{"bash-5.2-1.x86_64", a.SHA256, badSum} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	var me *store.MismatchError
	if !errors.As(err, &me) {
		t.Errorf("error %v is not a *store.MismatchError", err)
	}
	if n := r.srv.hitCount("/a.rpm"); n != 1 {
		t.Errorf("wrong bytes fetched %d times, want 1 (no retry on the same URL)", n)
	}
	r.stored()
}

func TestWrongSizeNeverStored(t *testing.T) {
	r := newRig(t)
	a, _ := r.item("a", "/a.rpm", 1, 50_000)
	long, _ := blob(1, 60_000)
	r.srv.add("/a.rpm", long)
	_, err := r.fetch(a)
	if err == nil || !strings.Contains(err.Error(), "size mismatch") {
		t.Fatalf("fetch = %v", err)
	}
	r.stored()
}

func TestMirrorFailoverAndRedirect(t *testing.T) {
	r := newRig(t)
	a, data := r.item("a", "/a.rpm", 1, 20_000)
	second := newServer(t)
	second.add("/pool/a.rpm", data)
	second.fault("/old/a.rpm", redirectTo("/pool/a.rpm"))
	a.URLs = []string{r.srv.URL + "/missing.rpm", second.URL + "/old/a.rpm"}
	if _, err := r.fetch(a); err != nil {
		t.Fatal(err)
	}
	r.stored(a)
	if r.srv.hitCount("/missing.rpm") != 1 || second.hitCount("/old/a.rpm") != 1 || second.hitCount("/pool/a.rpm") != 1 {
		t.Errorf("hits: missing %d, redirect %d, target %d", r.srv.hitCount("/missing.rpm"),
			second.hitCount("/old/a.rpm"), second.hitCount("/pool/a.rpm"))
	}
	if len(r.sleeps) != 0 {
		t.Errorf("a 404 was retried: sleeps %v", r.sleeps)
	}
}

func TestEveryFailureReported(t *testing.T) {
	r := newRig(t)
	ok, _ := r.item("ok-1", "/ok.rpm", 1, 1000)
	gone, _ := r.item("gone-1", "/gone.rpm", 2, 1000)
	gone.URLs = []string{r.srv.URL + "/nope1.rpm", r.srv.URL + "/nope2.rpm"}
	bad, _ := r.item("bad-1", "/bad.rpm", 3, 1000)
	r.srv.add("/bad.rpm", make([]byte, 1000))
	s, err := r.fetch(gone, ok, bad)
	if s.Failed != 2 || s.Downloaded != 1 || err == nil {
		t.Fatalf("fetch = %+v, %v", s, err)
	}
	msg := err.Error()
	for _, want := range []string{"gone-1: all 2 URLs failed, last: " + r.srv.URL + "/nope2.rpm: HTTP 404", "bad-1: ", "sha256 mismatch"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "ok-1") || strings.Index(msg, "gone-1") > strings.Index(msg, "bad-1") {
		t.Errorf("error names the wrong items or in the wrong order:\n%s", msg)
	}
	r.stored(ok)
}

func TestFileURLsAndPaths(t *testing.T) {
	r := newRig(t)
	dir := t.TempDir()
	var items []Item
	for i, form := range []string{"file://", ""} {
		data, sum := blob(uint64(i), 10_000)
		path := filepath.Join(dir, "p"+string(rune('0'+i))+".rpm")
		os.WriteFile(path, data, 0o644)
		items = append(items, Item{Name: "p" + form, URLs: []string{filepath.Join(dir, "absent.rpm"), form + path}, SHA256: sum, Size: 10_000})
	}
	if _, err := r.fetch(items...); err != nil {
		t.Fatal(err)
	}
	r.stored(items...)
}

func TestVerifyHook(t *testing.T) {
	r := newRig(t)
	a, data := r.item("a-1", "/a.rpm", 1, 10_000)
	second := newServer(t)
	second.add("/a.rpm", data)
	a.URLs = append(a.URLs, second.URL+"/a.rpm")
	var seen []string
	r.opts.Verify = func(name, path string) error {
		got, _ := os.ReadFile(path)
		seen = append(seen, name+":"+string(rune('0'+len(got)/10_000)))
		return errors.New("bad signature")
	}
	_, err := r.fetch(a)
	if err == nil || !strings.Contains(err.Error(), "a-1: ") || !strings.Contains(err.Error(), "bad signature") {
		t.Fatalf("fetch = %v", err)
	}
	if !slices.Equal(seen, []string{"a-1:1"}) || second.hitCount("/a.rpm") != 0 {
		t.Errorf("Verify saw %q; second mirror hit %d times", seen, second.hitCount("/a.rpm"))
	}
	r.stored()
	r.opts.Verify = func(name, path string) error { return nil }
	if _, err := r.fetch(a); err != nil {
		t.Fatal(err)
	}
	r.stored(a)
}

func TestPerHostLimit(t *testing.T) {
	r := newRig(t)
	other := newServer(t)
	r.srv.delay, other.delay = 40*time.Millisecond, 40*time.Millisecond
	var items []Item
	for i := range 24 {
		srv := r.srv
		if i%2 == 1 {
			srv = other
		}
		data, sum := blob(uint64(i), 4000)
		path := "/p" + string(rune('a'+i)) + ".rpm"
		srv.add(path, data)
		items = append(items, Item{Name: path, URLs: []string{srv.URL + path}, SHA256: sum, Size: 4000})
	}
	r.opts.Parallel, r.opts.PerHost = 8, 2
	if _, err := r.fetch(items...); err != nil {
		t.Fatal(err)
	}
	r.stored(items...)
	if a, b := r.srv.peak.Load(), other.peak.Load(); a != 2 || b != 2 {
		t.Errorf("peak requests in flight per host: %d and %d, want 2 each", a, b)
	}
}

func TestCancel(t *testing.T) {
	r := newRig(t)
	a, data := r.item("a", "/a.rpm", 1, 100_000)
	r.srv.fault("/a.rpm", stallFirst(data, 10))
	r.opts.StallTimeout = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := New(r.st, r.opts).Fetch(ctx, []Item{a})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("fetch = %v, want deadline exceeded", err)
	}
	r.stored()
}

func TestAttemptTimeoutThenResume(t *testing.T) {
	r := newRig(t)
	a, data := r.item("a", "/a.rpm", 1, 100_000)
	r.srv.fault("/a.rpm", dripFirst(data, 1000, 20*time.Millisecond))
	r.opts.RequestTimeout = 300 * time.Millisecond
	if _, err := r.fetch(a); err != nil {
		t.Fatal(err)
	}
	r.stored(a)
	rs := r.retries()
	if len(rs) != 1 || !errors.Is(rs[0].Err, errTimeout) {
		t.Fatalf("retries %+v, want one timeout", rs)
	}
	got := r.srv.rangesOf("/a.rpm")
	if len(got) != 2 || got[0] != "" || !strings.HasPrefix(got[1], "bytes=") || got[1] == "bytes=0-" {
		t.Errorf("Range headers %q, want a resume", got)
	}
}

func TestServerIgnoresRange(t *testing.T) {
	r := newRig(t)
	a, data := r.item("a", "/a.rpm", 1, 100_000)
	r.srv.fault("/a.rpm", ignoreRange(data, truncateFirst(data, 30_000)))
	s, err := r.fetch(a)
	if err != nil {
		t.Fatal(err)
	}
	r.stored(a)
	if got := r.srv.rangesOf("/a.rpm"); !slices.Equal(got, []string{"", "bytes=30000-"}) || s.Bytes != 130_000 {
		t.Errorf("Range headers %q, %d bytes received", got, s.Bytes)
	}
}

func TestStoreFailureNotRetried(t *testing.T) {
	r := newRig(t)
	a, _ := r.item("a", "/a.rpm", 1, 1000)
	// A file where the object's fan-out directory should be.
	os.WriteFile(filepath.Join(r.st.Dir(), "sha256", a.SHA256[:2]), nil, 0o644)
	_, err := r.fetch(a)
	if err == nil || len(r.sleeps) != 0 || r.srv.hitCount("/a.rpm") != 0 {
		t.Fatalf("fetch = %v after %d sleeps, %d requests", err, len(r.sleeps), r.srv.hitCount("/a.rpm"))
	}
}

func TestCommitFailureNotRetried(t *testing.T) {
	r := newRig(t)
	a, _ := r.item("a", "/a.rpm", 1, 1000)
	r.opts.Verify = func(name, path string) error { return os.Remove(path) } // the rename will fail
	_, err := r.fetch(a)
	if err == nil || len(r.sleeps) != 0 || r.srv.hitCount("/a.rpm") != 1 {
		t.Fatalf("fetch = %v after %d sleeps, %d requests", err, len(r.sleeps), r.srv.hitCount("/a.rpm"))
	}
	r.stored()
}

func TestRetryAfterHonoured(t *testing.T) {
	r := newRig(t)
	a, _ := r.item("a", "/a.rpm", 1, 1000)
	r.srv.fault("/a.rpm", func(w http.ResponseWriter, req *http.Request, n int) bool {
		switch n {
		case 1:
			w.Header().Set("Retry-After", "7")
		case 2:
			w.Header().Set("Retry-After", "600") // more than BackoffMax
		default:
			return false
		}
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return true
	})
	r.opts.BackoffMax = time.Minute
	if _, err := r.fetch(a); err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{7 * time.Second, time.Minute}; !slices.Equal(r.sleeps, want) {
		t.Errorf("sleeps %v, want %v", r.sleeps, want)
	}
	r.stored(a)
}
