package stages

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/fetch"
	"github.com/disco-build/disco/stages/lockfile"
)

// items lists the .debs of a Debian machine's lock entry, each from every
// URI of its repository (mirrors, in order) at the Filename its index
// gave. The SHA-256 they are checked by is the one the index listed, and
// the index was checked against the Release file that the repository's
// keyring signed, when the machine was locked.
func (d *debFormat) items(ctx context.Context, m *plan.Machine, lm *lockfile.Machine) ([]fetch.Item, error) {
	repos, err := debRepos(d.root, d.cache, m, d.keys)
	if err != nil {
		return nil, err
	}
	byName := map[string]*debRepo{}
	for _, r := range repos {
		byName[r.Name] = r
	}
	var items []fetch.Item
	for _, p := range lm.Packages {
		name := p.Name + "_" + p.Version + "_" + p.Arch
		r := byName[p.Repo]
		if r == nil {
			return nil, fmt.Errorf("%s: package %s comes from apt repository %q, which the machine no longer has; run disco lock", m.ID(), name, p.Repo)
		}
		it := fetch.Item{Name: name, SHA256: p.SHA256, Size: p.Size, Proxy: r.Proxy}
		loc := escapePath(strings.TrimPrefix(p.Location, "/"))
		for _, base := range r.URIs {
			it.URLs = append(it.URLs, strings.TrimSuffix(base, "/")+"/"+loc)
		}
		items = append(items, it)
	}
	return items, nil
}

// escapePath escapes each element of a Filename for a URL, as apt quotes
// it: names in the archive are plain, but one may hold a '%' (an epoch
// written "%3a") that a server or file:// URL would otherwise decode.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// debMagic starts every .deb: an ar archive whose first member is
// debian-binary.
const debMagic = "!<arch>\ndebian-binary"

// verify checks that a download is a Debian package (an ar archive that
// starts with debian-binary); its bytes are those the lock's SHA-256
// names, checked by the fetch already. What is inside is checked when it
// is unpacked.
func (d *debFormat) verify(name, path string, stored bool) error {
	if stored {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, len(debMagic))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, []byte(debMagic)) {
		return fmt.Errorf("%s: not a Debian package (no ar archive starting with debian-binary)", name)
	}
	return nil
}
