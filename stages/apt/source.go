package apt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/disco-build/disco/stages/fetch"
	"github.com/disco-build/disco/stages/store"
)

// Fetcher gets the files of repositories. Paths are relative to a
// repository's base URL ("dists/bookworm/InRelease").
type Fetcher interface {
	// Get returns a small file whose content is not known in advance
	// (InRelease, Release, Release.gpg). A file the server does not have
	// is an error wrapping fs.ErrNotExist.
	Get(ctx context.Context, base, path string) ([]byte, error)
	// Open returns the content of a file whose size and SHA-256 the
	// signed Release file gives, verified: the paths are tried in order on
	// each base (by-hash first), then the next base.
	Open(ctx context.Context, bases, paths []string, sha256 string, size int64) (io.ReadCloser, error)
}

// StoreFetcher is the Fetcher disco uses: index files go through the fetch
// stage (retries with resume, proxies, mirror failover, verification as the
// bytes arrive) into the content-addressed store, where they stay for the
// next run; small files of unknown content are plain GETs (or reads, for
// file:// URLs and paths).
type StoreFetcher struct {
	Store   *store.Store
	Options fetch.Options
	// Client does the plain GETs (nil: http.DefaultClient).
	Client *http.Client
	// MaxSize limits Get (default 64 MiB).
	MaxSize int64
}

// Get fetches base/path.
func (f *StoreFetcher) Get(ctx context.Context, base, path string) ([]byte, error) {
	u := join(base, path)
	limit := f.MaxSize
	if limit <= 0 {
		limit = 64 << 20
	}
	if local, ok := localPath(u); ok {
		fh, err := os.Open(local)
		if err != nil {
			return nil, err // *PathError; wraps fs.ErrNotExist when missing
		}
		defer fh.Close()
		return readLimited(fh, limit, u)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	c := f.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, fmt.Errorf("GET %s: %s: %w", u, resp.Status, fs.ErrNotExist)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return readLimited(resp.Body, limit, u)
}

func readLimited(r io.Reader, limit int64, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, limit)
	}
	return b, nil
}

// Open fetches the file into the store, unless it is there already, and
// opens it there.
func (f *StoreFetcher) Open(ctx context.Context, bases, paths []string, sum string, size int64) (io.ReadCloser, error) {
	if f.Store == nil {
		return nil, errors.New("apt: StoreFetcher without a store")
	}
	var urls []string
	for _, b := range bases {
		for _, p := range paths {
			urls = append(urls, join(b, p))
		}
	}
	opts := f.Options
	_, err := fetch.New(f.Store, opts).Fetch(ctx, []fetch.Item{{Name: paths[len(paths)-1], URLs: urls, SHA256: sum, Size: size}})
	// The fetch stage marks wrong digests with store.ErrMismatch and wrong
	// sizes only in words.
	if err != nil && (errors.Is(err, store.ErrMismatch) || strings.Contains(err.Error(), "size mismatch")) {
		return nil, fmt.Errorf("%w: %w", ErrHashMismatch, err)
	}
	if err != nil {
		return nil, err
	}
	return f.Store.Open(sum)
}

// join appends path to a base URL or directory.
func join(base, path string) string {
	return strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(path, "/")
}

// localPath returns the file a file:// URL or plain path names.
func localPath(u string) (string, bool) {
	if !strings.Contains(u, "://") {
		return u, true
	}
	pu, err := url.Parse(u)
	if err != nil || pu.Scheme != "file" || pu.Host != "" && pu.Host != "localhost" {
		return "", false
	}
	return pu.Path, true
}
