package lockfile

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/disco-build/disco/stages/debver"
	"github.com/disco-build/disco/stages/rpmver"
)

// Change is one package difference between two resolutions of a machine.
type Change struct {
	Kind string `json:"kind"` // "added", "removed", "upgraded", "downgraded", "changed"
	Name string `json:"name"`
	Arch string `json:"arch"`
	Old  string `json:"old,omitempty"` // EVR before (empty when added)
	New  string `json:"new,omitempty"` // EVR after (empty when removed)
	deb  bool   // a Debian machine's: named as apt and .deb files name packages
}

func (c Change) String() string {
	if c.deb {
		switch c.Kind {
		case "added":
			return fmt.Sprintf("+ %s_%s_%s", c.Name, c.New, c.Arch)
		case "removed":
			return fmt.Sprintf("- %s_%s_%s", c.Name, c.Old, c.Arch)
		}
		return fmt.Sprintf("~ %s:%s %s -> %s (%s)", c.Name, c.Arch, c.Old, c.New, c.Kind)
	}
	switch c.Kind {
	case "added":
		return fmt.Sprintf("+ %s-%s.%s", c.Name, c.New, c.Arch)
	case "removed":
		return fmt.Sprintf("- %s-%s.%s", c.Name, c.Old, c.Arch)
	}
	return fmt.Sprintf("~ %s.%s %s -> %s (%s)", c.Name, c.Arch, c.Old, c.New, c.Kind)
}

// Diff compares a machine's old and new packages, keyed by name.arch, in
// name order, with the version order of the entry's format (rpm's for
// RPM, dpkg's for Debian). A nil old means everything was added.
func Diff(old, cur *Machine) []Change {
	deb := cur != nil && cur.Format == FormatDeb || old != nil && old.Format == FormatDeb
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
		if c, ok := change(before[k], after[k], deb); ok {
			c.deb = deb
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

func change(a, b *Package, deb bool) (Change, bool) {
	version := (*Package).EVR
	if deb {
		version = func(p *Package) string { return p.Version }
	}
	switch {
	case a == nil:
		return Change{Kind: "added", Name: b.Name, Arch: b.Arch, New: version(b)}, true
	case b == nil:
		return Change{Kind: "removed", Name: a.Name, Arch: a.Arch, Old: version(a)}, true
	}
	c := Change{Name: a.Name, Arch: a.Arch, Old: version(a), New: version(b)}
	var cmp int
	if deb {
		cmp = debver.CompareStrings(a.Version, b.Version)
	} else {
		cmp = rpmver.LabelCompare(evr(a), evr(b))
	}
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
// metadata (repomd.xml checksum, Release file digest) changed, appeared or
// went. A nil old (a new entry)
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
		sums[r.ID] = r.metadata()
	}
	var ids []string
	for _, r := range cur.Repos {
		if s, ok := sums[r.ID]; !ok || s != r.metadata() {
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
