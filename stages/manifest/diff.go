package manifest

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// Difference is one path that differs between two manifests.
type Difference struct {
	Path   string `json:"path"`
	Change string `json:"change"` // "added", "removed", "changed"
	// What lists the fields that changed, e.g. ["mode", "sha256"].
	What []string `json:"what,omitempty"`
}

func (d Difference) String() string {
	switch d.Change {
	case "added":
		return "+ " + d.Path
	case "removed":
		return "- " + d.Path
	}
	return fmt.Sprintf("~ %s (%s)", d.Path, strings.Join(d.What, ", "))
}

// Diff returns the differences from a to b, sorted by path.
func Diff(a, b *Manifest) []Difference {
	var out []Difference
	for p, ea := range a.entries {
		eb := b.entries[p]
		if eb == nil {
			out = append(out, Difference{Path: p, Change: "removed"})
		} else if what := fields(ea, eb); len(what) > 0 {
			out = append(out, Difference{Path: p, Change: "changed", What: what})
		}
	}
	for p := range b.entries {
		if a.entries[p] == nil {
			out = append(out, Difference{Path: p, Change: "added"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func fields(a, b *Entry) []string {
	var what []string
	add := func(name string, differ bool) {
		if differ {
			what = append(what, name)
		}
	}
	add("kind", a.Kind != b.Kind)
	add("mode", a.Mode != b.Mode)
	add("owner", a.UID != b.UID || a.GID != b.GID)
	add("size", a.Size != b.Size)
	add("sha256", a.SHA256 != b.SHA256)
	add("target", a.Target != b.Target)
	add("device", a.Major != b.Major || a.Minor != b.Minor)
	add("link", a.Link != b.Link)
	add("xattrs", !xattrsEqual(a.Xattrs, b.Xattrs))
	add("mtime", a.Mtime != b.Mtime)
	add("source", a.Source != b.Source)
	return what
}

func xattrsEqual(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}
