package repo

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// RepoDir is what a directory of .repo files declares.
type RepoDir struct {
	Repos   []*Config // in file order, files in byte order of name
	Unknown []Option  // options disco does not know
	// Shadowed are repos whose id an earlier file already declared; like
	// yum and dnf, the first declaration wins and these are ignored (the
	// caller should warn).
	Shadowed []*Config
}

// ParseRepoDir parses every file whose name ends in ".repo" in dir of fsys,
// in byte order of name (other files are ignored, as yum does). Symlinks
// are followed by fsys as it chooses (os.DirFS follows them).
func ParseRepoDir(fsys fs.FS, dir string, vars Vars, main *Main) (*RepoDir, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("reading repo directory: %w", err)
	}
	var names []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".repo") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	d := &RepoDir{}
	seen := map[string]bool{}
	for _, n := range names {
		p := path.Join(dir, n)
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("reading repo file: %w", err)
		}
		rs, un, err := ParseRepoFile(p, data, vars, main)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if seen[r.ID] {
				d.Shadowed = append(d.Shadowed, r)
				continue
			}
			seen[r.ID] = true
			d.Repos = append(d.Repos, r)
		}
		d.Unknown = append(d.Unknown, un...)
	}
	return d, nil
}
