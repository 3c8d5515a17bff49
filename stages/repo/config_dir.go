package repo

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// ParseRepoDir parses every file whose name ends in ".repo" in dir of fsys,
// in byte order of name (other files are ignored, as yum does). A repo id
// declared twice is an error naming both places. Symlinks are followed by
// fsys as it chooses (os.DirFS follows them).
func ParseRepoDir(fsys fs.FS, dir string, vars Vars, main *Main) ([]*Config, []Option, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, nil, fmt.Errorf("reading repo directory: %w", err)
	}
	var names []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".repo") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var (
		repos   []*Config
		unknown []Option
		byID    = map[string]*Config{}
	)
	for _, n := range names {
		p := path.Join(dir, n)
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, nil, fmt.Errorf("reading repo file: %w", err)
		}
		rs, un, err := ParseRepoFile(p, data, vars, main)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rs {
			if prev, ok := byID[r.ID]; ok {
				return nil, nil, &ParseError{r.File, r.Line,
					fmt.Sprintf("repo %q is already declared at %s:%d", r.ID, prev.File, prev.Line)}
			}
			byID[r.ID] = r
		}
		repos = append(repos, rs...)
		unknown = append(unknown, un...)
	}
	return repos, unknown, nil
}
