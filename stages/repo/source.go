package repo

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Source opens files of one repository. relpath is relative to the
// repository base ("repodata/repomd.xml"), or an absolute URL when metadata
// names one through xml:base. A robust fetcher (retries, mirrors, caching)
// implements this interface elsewhere; here are the two plain ones.
type Source interface {
	Open(ctx context.Context, relpath string) (io.ReadCloser, error)
}

// NewSource returns the plain Source for a base URL: a DirSource for
// file:// URLs and bare paths, an HTTPSource for http(s):// (client nil
// means http.DefaultClient).
func NewSource(baseURL string, client *http.Client) (Source, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("repo base URL %q: %w", baseURL, err)
	}
	switch u.Scheme {
	case "", "file":
		if u.Scheme == "file" && u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("repo base URL %q: file URL with a host", baseURL)
		}
		return DirSource(u.Path), nil
	case "http", "https":
		return &HTTPSource{Base: baseURL, Client: client}, nil
	}
	return nil, fmt.Errorf("repo base URL %q: unsupported scheme %q", baseURL, u.Scheme)
}

// DirSource is a repository in a local directory.
type DirSource string

// Open opens relpath under the directory (or a file:// URL). A relative
// path that would leave the directory is refused.
func (d DirSource) Open(ctx context.Context, relpath string) (io.ReadCloser, error) {
	if !strings.Contains(relpath, "://") && !filepath.IsLocal(filepath.FromSlash(relpath)) {
		return nil, fmt.Errorf("%s: path leaves the repository directory %s", relpath, string(d))
	}
	p := filepath.Join(string(d), filepath.FromSlash(relpath))
	if strings.Contains(relpath, "://") {
		u, err := url.Parse(relpath)
		if err != nil || u.Scheme != "file" {
			return nil, fmt.Errorf("%s: a directory source opens only file:// URLs", relpath)
		}
		p = u.Path
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err // *PathError names the file
	}
	return f, nil
}

// HTTPSource is a repository on an HTTP(S) server, fetched plainly: no
// retries, no mirrors.
type HTTPSource struct {
	Base   string // the repository base URL
	Client *http.Client
}

// Open GETs relpath resolved against Base (or relpath itself when absolute).
func (h *HTTPSource) Open(ctx context.Context, relpath string) (io.ReadCloser, error) {
	u := relpath
	if !strings.Contains(relpath, "://") {
		u = strings.TrimSuffix(h.Base, "/") + "/" + relpath
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	c := h.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return resp.Body, nil
}

// joinBase resolves a metadata location against its xml:base, if any.
func joinBase(base, href string) string {
	if base == "" {
		return href
	}
	return strings.TrimSuffix(base, "/") + "/" + href
}
