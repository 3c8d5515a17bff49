package stages

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"

	"github.com/disco-build/disco/stages/repo"
)

// mirrors expands a repository's mirrorlist= and metalink= into base URLs,
// once per URL per run.
type mirrors struct {
	client *http.Client
	lists  map[string][]string
	links  map[string]*repo.Metalink
}

func newMirrors(client *http.Client) *mirrors {
	return &mirrors{client: client, lists: map[string][]string{}, links: map[string]*repo.Metalink{}}
}

// candidates returns c's base URLs in the order disco tries them: its
// baseurls, then the mirrorlist's, then the metalink's (by preference),
// each once; and the repomd.xml hashes a metalink vouches for.
func (ms *mirrors) candidates(ctx context.Context, c *repo.Config) ([]string, []repo.Checksum, error) {
	urls := append([]string(nil), c.BaseURLs...)
	var hashes []repo.Checksum
	if c.MirrorList != "" {
		list, err := ms.mirrorList(ctx, c.MirrorList)
		if err != nil {
			return nil, nil, fmt.Errorf("%srepo %s: mirrorlist %s: %w", repoPos(c), c.ID, c.MirrorList, err)
		}
		urls = append(urls, list...)
	}
	if c.Metalink != "" {
		ml, err := ms.metalink(ctx, c.Metalink)
		if err != nil {
			return nil, nil, fmt.Errorf("%srepo %s: metalink %s: %w", repoPos(c), c.ID, c.Metalink, err)
		}
		urls = append(urls, ml.BaseURLs()...)
		hashes = ml.Hashes
	}
	seen := map[string]bool{}
	out := urls[:0]
	for _, u := range urls {
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		return nil, nil, fmt.Errorf("%srepo %s has no baseurl, and its mirrors list none", repoPos(c), c.ID)
	}
	return out, hashes, nil
}

// repoPos is where c was declared: the .repo file's [id] line, or the
// repo() call.
// repoPos is "FILE:LINE: ", where c was declared, or "" when nothing says
// (a configuration made in code).
func repoPos(c *repo.Config) string {
	if c.File == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d: ", c.File, c.Line)
}

func (ms *mirrors) mirrorList(ctx context.Context, u string) ([]string, error) {
	if l, ok := ms.lists[u]; ok {
		return l, nil
	}
	body, err := ms.get(ctx, u)
	if err != nil {
		return nil, err
	}
	l, err := repo.ParseMirrorList(u, body)
	if err != nil {
		return nil, err
	}
	ms.lists[u] = l
	return l, nil
}

func (ms *mirrors) metalink(ctx context.Context, u string) (*repo.Metalink, error) {
	if m, ok := ms.links[u]; ok {
		return m, nil
	}
	body, err := ms.get(ctx, u)
	if err != nil {
		return nil, err
	}
	m, err := repo.ParseMetalink(u, body)
	if err != nil {
		return nil, err
	}
	ms.links[u] = m
	return m, nil
}

func (ms *mirrors) get(ctx context.Context, u string) ([]byte, error) {
	parsed, err := url.Parse(u)
	if err != nil {
		return nil, err
	}
	if parsed.Scheme == "file" {
		return os.ReadFile(parsed.Path)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := ms.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %s", resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 16<<20))
}
