package lockfile

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/disco-build/disco/stages/rpmver"
)

// Change is one package difference between two resolutions of a machine.
type Change struct {
	Kind string `json:"kind"` // "added", "removed", "upgraded", "downgraded", "changed"
	Name string `json:"name"`
	Arch string `json:"arch"`
	Old  string `json:"old,omitempty"` // EVR before (empty when added)
	New  string `json:"new,omitempty"` // EVR after (empty when removed)
}

func (c Change) String() string {
	switch c.Kind {
	case "added":
		return fmt.Sprintf("+ %s-%s.%s", c.Name, c.New, c.Arch)
	case "removed":
		return fmt.Sprintf("- %s-%s.%s", c.Name, c.Old, c.Arch)
	}
	return fmt.Sprintf("~ %s.%s %s -> %s (%s)", c.Name, c.Arch, c.Old, c.New, c.Kind)
}

// Diff compares a machine's old and new packages, keyed by name.arch, in
// name order. A nil old means everything was added.
func Diff(old, cur *Machine) []Change {
	before := index(old)
	after := index(cur)
	var keys []string
	for k := range before {
		keys = append(keys, k)
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []Change
	for _, k := range keys {
		if c, ok := change(before[k], after[k]); ok {
			out = append(out, c)
		}
	}
	return out
}

func index(m *Machine) map[string]*Package {
	idx := map[string]*Package{}
	if m == nil {
		return idx
	}
	for i := range m.Packages {
		p := &m.Packages[i]
		idx[p.Name+"."+p.Arch] = p
	}
	return idx
}

func change(a, b *Package) (Change, bool) {
	switch {
	case a == nil:
		return Change{Kind: "added", Name: b.Name, Arch: b.Arch, New: b.EVR()}, true
	case b == nil:
		return Change{Kind: "removed", Name: a.Name, Arch: a.Arch, Old: a.EVR()}, true
	}
	c := Change{Name: a.Name, Arch: a.Arch, Old: a.EVR(), New: b.EVR()}
	cmp := rpmver.LabelCompare(evr(a), evr(b))
	switch {
	case cmp < 0:
		c.Kind = "upgraded"
	case cmp > 0:
		c.Kind = "downgraded"
	case a.SHA256 != b.SHA256 || a.Repo != b.Repo:
		c.Kind = "changed"
	default:
		return c, false
	}
	return c, true
}

func evr(p *Package) rpmver.EVR {
	return rpmver.EVR{Epoch: p.Epoch, HasEpoch: true, Version: p.Version, Release: p.Release}
}

// Rewrites lists what of a machine's entry changed besides its packages:
// "digest" when the plan digest did, "repo:ID" for each repository whose
// repomd.xml checksum changed, appeared or went. A nil old (a new entry)
// has none.
func Rewrites(old, cur *Machine) []string {
	if old == nil || cur == nil {
		return nil
	}
	var out []string
	if old.Digest != cur.Digest {
		out = append(out, "digest")
	}
	sums := map[string]string{}
	for _, r := range old.Repos {
		sums[r.ID] = r.RepomdSHA256
	}
	var ids []string
	for _, r := range cur.Repos {
		if s, ok := sums[r.ID]; !ok || s != r.RepomdSHA256 {
			ids = append(ids, r.ID)
		}
		delete(sums, r.ID)
	}
	for id := range sums {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		out = append(out, "repo:"+id)
	}
	return out
}

// describeRewrites words Rewrites: "plan digest", "repository metadata
// (a, b)", joined by "and".
func describeRewrites(rw []string) string {
	var parts, repos []string
	for _, r := range rw {
		if r == "digest" {
			parts = append(parts, "plan digest")
		} else {
			repos = append(repos, strings.TrimPrefix(r, "repo:"))
		}
	}
	if len(repos) > 0 {
		parts = append(parts, "repository metadata ("+strings.Join(repos, ", ")+")")
	}
	return strings.Join(parts, " and ")
}

// WriteChanges prints a machine's changes, one per line, saying also what
// else of its entry was rewritten (rewrites, from Rewrites):
// "web: 2 changes", "web: plan digest changed; packages unchanged", or
// "web: no changes" when the entry is the same.
func WriteChanges(w io.Writer, id string, changes []Change, rewrites []string) error {
	head := fmt.Sprintf("%s: %d changes", id, len(changes))
	switch {
	case len(changes) == 0 && len(rewrites) == 0:
		head = id + ": no changes"
	case len(changes) == 0:
		head = fmt.Sprintf("%s: %s changed; packages unchanged", id, describeRewrites(rewrites))
	case len(rewrites) > 0:
		head += fmt.Sprintf("; %s changed", describeRewrites(rewrites))
	}
	if _, err := fmt.Fprintln(w, head); err != nil {
		return err
	}
	for _, c := range changes {
		if _, err := fmt.Fprintf(w, "  %s\n", c); err != nil {
			return err
		}
	}
	return nil
}
