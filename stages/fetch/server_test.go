package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fault may take over the n-th request (from 1) for a path; it returns
// false to let the file be served normally.
type fault func(w http.ResponseWriter, r *http.Request, n int) bool

// pkgServer serves files over loopback HTTP with per-path faults, counting
// requests, remembering Range headers and the peak of requests in flight.
type pkgServer struct {
	*httptest.Server
	delay time.Duration // added to every request, to make overlap visible

	mu     sync.Mutex
	files  map[string][]byte
	faults map[string]fault
	hits   map[string]int
	ranges map[string][]string

	inflight, peak atomic.Int32
}

func newServer(t testing.TB) *pkgServer {
	s := &pkgServer{files: map[string][]byte{}, faults: map[string]fault{}, hits: map[string]int{}, ranges: map[string][]string{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *pkgServer) add(path string, data []byte) { s.mu.Lock(); s.files[path] = data; s.mu.Unlock() }

func (s *pkgServer) fault(path string, f fault) { s.mu.Lock(); s.faults[path] = f; s.mu.Unlock() }

func (s *pkgServer) hitCount(path string) int { s.mu.Lock(); defer s.mu.Unlock(); return s.hits[path] }

func (s *pkgServer) rangesOf(path string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ranges[path]...)
}

func (s *pkgServer) serve(w http.ResponseWriter, r *http.Request) {
	n := s.inflight.Add(1)
	defer s.inflight.Add(-1)
	for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
	}
	s.mu.Lock()
	s.hits[r.URL.Path]++
	hit := s.hits[r.URL.Path]
	s.ranges[r.URL.Path] = append(s.ranges[r.URL.Path], r.Header.Get("Range"))
	data, ok := s.files[r.URL.Path]
	f := s.faults[r.URL.Path]
	s.mu.Unlock()
	time.Sleep(s.delay)
	if f != nil && f(w, r, hit) {
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

// Faults.

func failFirst(code, times int) fault {
	return func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n > times {
			return false
		}
		http.Error(w, "injected", code)
		return true
	}
}

// truncateFirst announces the full length, sends only `after` bytes and
// drops the connection, on the first request.
func truncateFirst(data []byte, after int) fault {
	return func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n > 1 {
			return false
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data[:after])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}
}

// stallFirst sends `after` bytes, then nothing until the client gives up.
func stallFirst(data []byte, after int) fault {
	return func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n > 1 {
			return false
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data[:after])
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		return true
	}
}

func redirectTo(path string) fault {
	return func(w http.ResponseWriter, r *http.Request, n int) bool {
		http.Redirect(w, r, path, http.StatusFound)
		return true
	}
}

// proxyServer is a forward HTTP proxy that records the hosts it was asked for.
type proxyServer struct {
	*httptest.Server
	mu    sync.Mutex
	hosts []string
}

func newProxy(t testing.TB, dial func(context.Context, string, string) (net.Conn, error)) *proxyServer {
	p := &proxyServer{}
	client := &http.Client{Transport: &http.Transport{DialContext: dial, DisableCompression: true}}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !r.URL.IsAbs() {
			http.Error(w, "not a proxy request", http.StatusBadRequest)
			return
		}
		p.mu.Lock()
		p.hosts = append(p.hosts, r.URL.Host)
		p.mu.Unlock()
		out, _ := http.NewRequestWithContext(r.Context(), r.Method, r.URL.String(), nil)
		out.Header = r.Header.Clone()
		resp, err := client.Transport.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *proxyServer) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.hosts...)
}

// dialer resolves made-up host:port names to loopback listeners, so that
// proxy rules (which never apply to loopback addresses) can be exercised.
func dialer(names map[string]string) func(context.Context, string, string) (net.Conn, error) {
	var d net.Dialer
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if real, ok := names[addr]; ok {
			addr = real
		}
		return d.DialContext(ctx, network, addr)
	}
}

func hostOf(s *httptest.Server) string { return strings.TrimPrefix(s.URL, "http://") }

func blob(seed uint64, n int) ([]byte, string) {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	key[31] = 2
	b := make([]byte, n)
	rand.NewChaCha8(key).Read(b)
	s := sha256.Sum256(b)
	return b, hex.EncodeToString(s[:])
}

// dripFirst sends data slowly (a chunk every `every`) on the first request,
// never stalling but taking long.
func dripFirst(data []byte, chunk int, every time.Duration) fault {
	return func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n > 1 {
			return false
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		for off := 0; off < len(data); off += chunk {
			w.Write(data[off:min(off+chunk, len(data))])
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return true
			case <-time.After(every):
			}
		}
		return true
	}
}

// ignoreRange serves the whole file with 200 to every request after the
// first, as servers without Range support do.
func ignoreRange(data []byte, first fault) fault {
	return func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 1 {
			return first(w, r, n)
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data)
		return true
	}
}
