package fetch

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestProxies routes made-up host names to loopback servers and checks
// which requests went through the forward proxy: HTTP_PROXY applies,
// NO_PROXY bypasses it, an item's own proxy overrides the environment and
// "_none_" disables it.
func TestProxies(t *testing.T) {
	r := newRig(t)
	names := map[string]string{"mirror.test:80": hostOf(r.srv.Server), "direct.test:80": hostOf(r.srv.Server)}
	dial := dialer(names)
	proxy := newProxy(t, dial)
	names["proxy.test:3128"] = hostOf(proxy.Server)
	r.opts.DialContext = dial

	env := map[string]string{"HTTP_PROXY": "http://proxy.test:3128", "NO_PROXY": "direct.test"}
	r.opts.Getenv = func(k string) string { return env[k] }
	viaEnv, _ := r.item("via-env", "/a.rpm", 1, 3000)
	viaEnv.URLs = []string{"http://mirror.test/a.rpm"}
	bypass, _ := r.item("bypass", "/b.rpm", 2, 3000)
	bypass.URLs = []string{"http://direct.test/b.rpm"}
	none, _ := r.item("none", "/c.rpm", 3, 3000)
	none.URLs, none.Proxy = []string{"http://mirror.test/c.rpm"}, NoProxy
	if _, err := r.fetch(viaEnv, bypass, none); err != nil {
		t.Fatal(err)
	}
	if got := proxy.seen(); !slices.Equal(got, []string{"mirror.test"}) {
		t.Errorf("proxy saw %q, want only the via-env request", got)
	}

	// No proxy in the environment; the item names its own.
	env = map[string]string{}
	own, _ := r.item("own", "/d.rpm", 4, 3000)
	own.URLs, own.Proxy = []string{"http://mirror.test/d.rpm"}, "http://proxy.test:3128"
	plain, _ := r.item("plain", "/e.rpm", 5, 3000)
	plain.URLs = []string{"http://mirror.test/e.rpm"}
	if _, err := r.fetch(own, plain); err != nil {
		t.Fatal(err)
	}
	if got := proxy.seen(); len(got) != 2 {
		t.Errorf("proxy saw %q, want the via-env and the own-proxy requests", got)
	}
	r.stored(viaEnv, bypass, none, own, plain)
	for _, p := range []string{"/a.rpm", "/b.rpm", "/c.rpm", "/d.rpm", "/e.rpm"} {
		if n := r.srv.hitCount(p); n != 1 {
			t.Errorf("%s served %d times", p, n)
		}
	}
}

func TestBadProxyFailsItem(t *testing.T) {
	r := newRig(t)
	a, _ := r.item("a", "/a.rpm", 1, 100)
	a.Proxy = "not a url"
	_, err := r.fetch(a)
	if err == nil || r.srv.hitCount("/a.rpm") != 0 {
		t.Fatalf("fetch with bad proxy = %v", err)
	}
}

func TestProxyWithoutScheme(t *testing.T) {
	r := newRig(t)
	names := map[string]string{"mirror.test:80": hostOf(r.srv.Server)}
	dial := dialer(names)
	proxy := newProxy(t, dial)
	names["proxy.test:3128"] = hostOf(proxy.Server)
	r.opts.DialContext = dial
	a, _ := r.item("a", "/a.rpm", 1, 3000)
	a.URLs, a.Proxy = []string{"http://mirror.test/a.rpm"}, "proxy.test:3128"
	if _, err := r.fetch(a); err != nil {
		t.Fatal(err)
	}
	if got := proxy.seen(); !slices.Equal(got, []string{"mirror.test"}) {
		t.Errorf("proxy saw %q", got)
	}
}

func TestHTTPS(t *testing.T) {
	r := newRig(t)
	data, sum := blob(1, 50_000)
	r.srv.add("/a.rpm", data)
	tlsSrv := httptest.NewUnstartedServer(r.srv.Config.Handler)
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	r.opts.StallTimeout = 10 * time.Second // handshakes are slow under -race
	a := Item{Name: "a", URLs: []string{tlsSrv.URL + "/a.rpm"}, SHA256: sum, Size: 50_000}
	r.opts.Retries = -1
	if _, err := r.fetch(a); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("fetch from an unknown CA = %v, want a certificate error", err)
	}
	r.opts.TLS = tlsSrv.Client().Transport.(*http.Transport).TLSClientConfig
	if _, err := r.fetch(a); err != nil {
		t.Fatal(err)
	}
	r.stored(a)
}
