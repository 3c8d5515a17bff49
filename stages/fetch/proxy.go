package fetch

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// clientSet is the one HTTP client of a Fetcher. The proxy for a request
// comes from its item (carried in the request's context) or else from the
// environment captured at New; http.Transport keys its connection pool by
// proxy, so one transport serves every item.
type clientSet struct {
	client *http.Client
	env    func(*url.URL) (*url.URL, error)
}

type proxyKey struct{}

func newClientSet(o Options) *clientSet {
	env := (&httpproxy.Config{
		HTTPProxy:  firstEnv(o.Getenv, "HTTP_PROXY", "http_proxy"),
		HTTPSProxy: firstEnv(o.Getenv, "HTTPS_PROXY", "https_proxy"),
		NoProxy:    firstEnv(o.Getenv, "NO_PROXY", "no_proxy"),
	}).ProxyFunc()
	c := &clientSet{env: env}
	dial := o.DialContext
	if dial == nil {
		dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	tr := &http.Transport{
		Proxy:               c.proxy,
		DialContext:         dial,
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: o.PerHost,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 30 * time.Second,
		TLSClientConfig:     o.TLS,
		// Packages are already compressed, and transparent gzip would
		// break Range resumption and the byte count.
		DisableCompression: true,
	}
	c.client = &http.Client{Transport: tr}
	return c
}

func firstEnv(getenv func(string) string, names ...string) string {
	for _, n := range names {
		if v := getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// proxy chooses the proxy for req: the item's own, none, or the environment's.
func (c *clientSet) proxy(req *http.Request) (*url.URL, error) {
	p, _ := req.Context().Value(proxyKey{}).(*url.URL)
	switch {
	case p == nil:
		return c.env(req.URL)
	case p.String() == NoProxy:
		return nil, nil
	default:
		return p, nil
	}
}

// withProxy puts an item's proxy setting into ctx for proxy to find.
func withProxy(ctx context.Context, proxy string) (context.Context, error) {
	switch proxy {
	case "":
		return ctx, nil
	case NoProxy:
		return context.WithValue(ctx, proxyKey{}, &url.URL{Path: NoProxy}), nil
	}
	if !strings.Contains(proxy, "://") {
		proxy = "http://" + proxy // as HTTP_PROXY allows
	}
	u, err := url.Parse(proxy)
	if err != nil || u.Host == "" || strings.ContainsAny(u.Host, " ") {
		return nil, fmt.Errorf("proxy %q: not a URL like http://host:port", proxy)
	}
	return context.WithValue(ctx, proxyKey{}, u), nil
}
