package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/rpmtest"
	"github.com/disco-build/disco/internal/testtool"
)

// These tests run disco as real, separate processes (the test binary,
// which testscript.Main puts on PATH as "disco"), several at once and
// killed half way, as users do: two CI jobs of one config, a ^C or an
// OOM kill.

// gatedRepo serves a repository folder over HTTP. Until the gate opens,
// each .rpm is sent half and then held, so the downloading process sits
// with a partial file in the store and, in a build, holds its machine's
// lock.
type gatedRepo struct {
	dir  string
	mu   sync.Mutex
	gate chan struct{}
}

func (g *gatedRepo) close() { g.mu.Lock(); g.gate = make(chan struct{}); g.mu.Unlock() }
func (g *gatedRepo) open()  { g.mu.Lock(); close(g.gate); g.mu.Unlock() }

func (g *gatedRepo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, err := os.ReadFile(filepath.Join(g.dir, path.Clean("/"+r.URL.Path)))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if !strings.HasSuffix(r.URL.Path, ".rpm") {
		w.Write(b)
		return
	}
	g.mu.Lock()
	gate := g.gate
	g.mu.Unlock()
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b[:len(b)/2])
	w.(http.Flusher).Flush()
	select {
	case <-gate:
		w.Write(b[len(b)/2:])
	case <-r.Context().Done():
	}
}

// lockedConfig makes a repository (package many with n files, so that
// installing can take a while, and hello, which needs it), serves it
// through a gate (open), and writes and locks a config root using it.
func lockedConfig(t *testing.T, n int) (cfg string, repo *gatedRepo) {
	testtool.Need(t, "rpmbuild", "createrepo_c")
	dir := t.TempDir()
	files := map[string]string{}
	for i := range n {
		files[fmt.Sprintf("/usr/share/many/%02d/f%d", i%30, i)] = fmt.Sprintf("file %d\n", i)
	}
	pkgs := []rpmtest.Pkg{
		{Name: "many", Version: "1.0", Release: "1", Arch: "x86_64", Files: files},
		{Name: "hello", Version: "1.0", Release: "1", Arch: "x86_64", Requires: []string{"many"}, Files: map[string]string{"/usr/bin/hello": "#!/bin/sh\necho hello\n"}},
	}
	repo = &gatedRepo{dir: filepath.Join(dir, "repo"), gate: make(chan struct{})}
	close(repo.gate)
	if err := rpmtest.Build(repo.dir, pkgs); err != nil {
		t.Fatal(err)
	}
	if err := rpmtest.CreateRepo(repo.dir); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(repo)
	t.Cleanup(srv.Close)
	cfg = filepath.Join(dir, "cfg")
	os.MkdirAll(cfg, 0o755)
	star := fmt.Sprintf("machine(name = \"web\", packages = [\"hello\"], repos = [repo(\"local\", baseurl = %q)], outputs = [\"raw\", \"qcow2\"])\n", srv.URL+"/")
	if err := os.WriteFile(filepath.Join(cfg, "machines.star"), []byte(star), 0o644); err != nil {
		t.Fatal(err)
	}
	hermetic(t)
	if out, code := runDisco(t, "-C", cfg, "lock"); code != 0 {
		t.Fatalf("lock: exit %d\n%s", code, out)
	}
	return cfg, repo
}

// hermetic gives the processes a HOME and system configuration of their
// own and fixed times.
func hermetic(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("DISCO_SYSTEM_CONFIGURATION", filepath.Join(t.TempDir(), "none"))
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
}

// runDisco runs disco in-process and returns its output and exit code.
func runDisco(t *testing.T, args ...string) (string, int) {
	var out bytes.Buffer
	code := Run(context.Background(), args, nil, &out, &out)
	return out.String(), code
}

// syncBuffer is a bytes.Buffer that a process writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// proc is a disco process started by the test.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	done           chan error
}

func start(t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command("disco", args...), stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { p.cmd.Process.Kill(); <-p.done; p.done <- nil })
	return p
}

// wait waits for p's end and fails the test unless it exited 0.
func (p *proc) wait(t *testing.T) {
	t.Helper()
	err := <-p.done
	p.done <- err
	if err != nil {
		t.Fatalf("disco %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(p.cmd.Args[1:], " "), err, p.stdout, p.stderr)
	}
}

// kill kills p with SIGKILL, as the OOM killer would.
func (p *proc) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	err := <-p.done
	p.done <- err
}

func (p *proc) exited() bool {
	select {
	case err := <-p.done:
		p.done <- err
		return true
	default:
		return false
	}
}

// until polls cond every millisecond for up to 20 s.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// outputs hashes what a build of web wrote.
func outputs(t *testing.T, cache string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	for _, name := range []string{"disk.raw", "disk.qcow2", "manifest.jsonl", "report.json"} {
		b, err := os.ReadFile(filepath.Join(cache, "default", "web", name))
		if err != nil {
			t.Fatal(err)
		}
		s := sha256.Sum256(b)
		sums[name] = hex.EncodeToString(s[:])
	}
	return sums
}

func sameOutputs(t *testing.T, got, want map[string]string) {
	t.Helper()
	for name, sum := range want {
		if got[name] != sum {
			t.Errorf("%s differs from a build on its own", name)
		}
	}
}

var waitingRE = regexp.MustCompile(`machine default/web is being built by pid (\d+); waiting`)

// TestTwoBuildsAtOnce starts two builds of one config at the same moment,
// round after round on a fresh cache: one takes the machine (and holds it
// while its download is held back), the other says once that it waits for
// that pid; both succeed, and the outputs are those of a build on its own.
func TestTwoBuildsAtOnce(t *testing.T) {
	cfg, repo := lockedConfig(t, 1)
	ref := filepath.Join(t.TempDir(), "ref")
	if out, code := runDisco(t, "-C", cfg, "--cache", ref, "build", "--no-scripts"); code != 0 {
		t.Fatalf("reference build: exit %d\n%s", code, out)
	}
	want := outputs(t, ref)
	cache := filepath.Join(cfg, "cache")
	for round := range 6 {
		os.RemoveAll(cache)
		repo.close()
		a := start(t, "-C", cfg, "build", "--no-scripts")
		b := start(t, "-C", cfg, "build", "--no-scripts")
		var waiter, builder *proc
		until(t, "one build to wait for the other", func() bool {
			switch {
			case waitingRE.MatchString(a.stderr.String()):
				waiter, builder = a, b
			case waitingRE.MatchString(b.stderr.String()):
				waiter, builder = b, a
			}
			return waiter != nil
		})
		repo.open()
		a.wait(t)
		b.wait(t)
		msgs := waitingRE.FindAllStringSubmatch(waiter.stderr.String(), -1)
		if len(msgs) != 1 || msgs[0][1] != strconv.Itoa(builder.cmd.Process.Pid) {
			t.Errorf("round %d: the waiting build said %q, want once the other's pid %d", round, msgs, builder.cmd.Process.Pid)
		}
		if !strings.Contains(builder.stdout.String(), "default/web: tree ") || !strings.Contains(waiter.stdout.String(), "default/web: up to date") {
			t.Errorf("round %d: want one build and one up to date after it:\n%s\n%s", round, builder.stdout, waiter.stdout)
		}
		sameOutputs(t, outputs(t, cache), want)
	}
}

// storeTemps lists the store's temporary files.
func storeTemps(cache string) []string {
	m, _ := filepath.Glob(filepath.Join(cache, ".disco", "store", "sha256", "*", ".tmp-*"))
	return m
}

// TestKilledFetchLeftovers kills a fetch while its download is half done:
// the next fetch removes the partial file it left, but not that of a
// fetch still running; gc waits for (or with --no-wait refuses) running
// fetches.
func TestKilledFetchLeftovers(t *testing.T) {
	cfg, repo := lockedConfig(t, 1)
	cache := filepath.Join(cfg, "cache")
	repo.close()
	killed := start(t, "-C", cfg, "fetch", "-j", "1")
	until(t, "a partial download", func() bool { return len(storeTemps(cache)) == 1 })
	dead := storeTemps(cache)[0]
	until(t, "half of the package", func() bool { fi, err := os.Stat(dead); return err == nil && fi.Size() > 0 })
	killed.kill()
	if _, err := os.Stat(dead); err != nil {
		t.Fatalf("the killed fetch left nothing to clean up: %v", err)
	}

	live := start(t, "-C", cfg, "fetch", "-j", "1")
	until(t, "the next fetch's own partial download", func() bool {
		temps := storeTemps(cache)
		return len(temps) == 1 && temps[0] != dead
	})
	liveTemp := storeTemps(cache)[0]
	// The notice reaches the pipe after the sweep, not necessarily before
	// the download starts.
	until(t, "the next fetch's notice that it removed the leftover", func() bool {
		return strings.Contains(live.stderr.String(), "removed what an interrupted run left")
	})
	// A third fetch, while the second runs, keeps the second's file.
	third := start(t, "-C", cfg, "fetch", "-j", "1")
	until(t, "the third fetch's partial download", func() bool { return len(storeTemps(cache)) == 2 })
	if _, err := os.Stat(liveTemp); err != nil {
		t.Fatalf("a live fetch's partial download was removed: %v", err)
	}
	out, code := runDisco(t, "-C", cfg, "cache", "gc", "--no-wait")
	if code != 1 || !strings.Contains(out, "the package store is in use by another disco process") {
		t.Errorf("gc --no-wait beside running fetches: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(liveTemp); err != nil {
		t.Fatalf("gc --no-wait removed a live fetch's file: %v", err)
	}
	gc := start(t, "-C", cfg, "cache", "gc")
	until(t, "gc to wait", func() bool { return strings.Contains(gc.stderr.String(), "in use by another disco process; waiting") })
	repo.open()
	live.wait(t)
	third.wait(t)
	gc.wait(t)
	if temps := storeTemps(cache); len(temps) != 0 {
		t.Errorf("temporary files left after the fetches ended: %q", temps)
	}
}

// killBuildAt starts `disco build --force` and kills it as soon as found
// reports the state to catch; it retries when the build ran past it.
func killBuildAt(t *testing.T, cfg string, found func() bool) {
	t.Helper()
	for attempt := range 20 {
		p := start(t, "-C", cfg, "build", "--no-scripts", "--force")
		for !found() && !p.exited() {
			time.Sleep(200 * time.Microsecond)
		}
		if !p.exited() {
			p.kill()
			if found() {
				t.Logf("killed at attempt %d", attempt+1)
				return
			}
		}
	}
	t.Fatal("no build could be killed at the point wanted")
}

// TestKilledBuildLeftovers kills builds while they write the disk image and
// while they assemble the root tree: cache gc removes the temporary disk
// image, the next build the partial tree (which no build takes for a
// finished one), and the outputs are then those of an uninterrupted build.
func TestKilledBuildLeftovers(t *testing.T) {
	cfg, _ := lockedConfig(t, 300)
	cache := filepath.Join(cfg, "cache")
	dir := filepath.Join(cache, "default", "web")
	if out, code := runDisco(t, "-C", cfg, "build", "--no-scripts"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, out)
	}
	want := outputs(t, cache)

	diskTemps := func() []string { m, _ := filepath.Glob(filepath.Join(dir, ".disk.raw.tmp-*")); return m }
	killBuildAt(t, cfg, func() bool { return len(diskTemps()) > 0 })
	out, code := runDisco(t, "-C", cfg, "cache", "gc")
	if code != 0 || !regexp.MustCompile(`(?m)^removed 1 leftovers of interrupted runs \(\d+(\.\d)? (B|KiB|MiB)\)$`).MatchString(out) {
		t.Errorf("gc after a build killed in the disk stage: exit %d\n%s", code, out)
	}
	if m := diskTemps(); len(m) != 0 {
		t.Errorf("gc left %q", m)
	}

	marker := filepath.Join(dir, ".root-incomplete")
	killBuildAt(t, cfg, func() bool { // package many is in, hello (which needs it) not yet
		_, merr := os.Stat(marker)
		_, many := os.Stat(filepath.Join(dir, "root", "usr", "share", "many"))
		_, hello := os.Stat(filepath.Join(dir, "root", "usr", "bin", "hello"))
		return merr == nil && many == nil && hello != nil
	})
	next := start(t, "-C", cfg, "build", "--no-scripts")
	next.wait(t)
	if strings.Contains(next.stdout.String(), "up to date") {
		t.Errorf("a build after one killed half way through the tree was taken as up to date:\n%s", next.stdout)
	}
	if !strings.Contains(next.stderr.String(), "removed what an interrupted run left path=cache/default/web/root") {
		t.Errorf("the next build did not remove the partial tree:\n%s", next.stderr)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("%s is still there after a complete build", marker)
	}
	sameOutputs(t, outputs(t, cache), want)
}
