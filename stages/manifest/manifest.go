// Package manifest is the metadata of a machine's root tree: for every path
// its kind, mode, owner, device numbers, symlink target, hard-link group,
// xattrs, mtime and the source that put it there. It is the truth the
// filesystem writers read, so a build without root still yields correct
// owners and device nodes: the tree on disk only carries content.
//
// Entry points: New, (*Manifest).Put/Get/Remove/Walk, Write and Read (JSON
// lines, sorted by path), and Diff.
package manifest

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// Kind is the type of an entry.
type Kind string

// The kinds of entry.
const (
	Dir     Kind = "dir"
	File    Kind = "file"
	Symlink Kind = "symlink"
	Char    Kind = "char"
	Block   Kind = "block"
	FIFO    Kind = "fifo"
	Socket  Kind = "socket"
)

// Entry is one path of the root.
type Entry struct {
	Path   string `json:"path"` // absolute and clean; "/" is the root
	Kind   Kind   `json:"kind"`
	Mode   uint32 `json:"mode"` // permission bits with setuid/setgid/sticky (07777)
	UID    uint32 `json:"uid"`
	GID    uint32 `json:"gid"`
	Size   int64  `json:"size,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	Target string `json:"target,omitempty"` // symlink target
	Major  uint32 `json:"major,omitempty"`
	Minor  uint32 `json:"minor,omitempty"`
	// Link names the first path of this file's hard-link group; the entry
	// shares that one's content and metadata.
	Link   string            `json:"link,omitempty"`
	Xattrs map[string][]byte `json:"xattrs,omitempty"`
	Mtime  int64             `json:"mtime"`
	// Source says what put the entry there: "package:NEVRA",
	// "overlay:NAME", "generator:NAME", "scriptlet:NAME", "file:POS",
	// "devices:FILE:LINE", "init", "accounts", "disco" (parent folders).
	Source string `json:"source"`
	// Config marks an rpm %config file.
	Config bool `json:"config,omitempty"`
}

// Manifest is the set of entries of a root, keyed by path.
type Manifest struct {
	entries map[string]*Entry
}

// New returns a manifest holding only the root folder, owned by root with
// mode 0755 at mtime epoch.
func New(epoch int64) *Manifest {
	m := &Manifest{entries: map[string]*Entry{}}
	m.entries["/"] = &Entry{Path: "/", Kind: Dir, Mode: 0o755, Mtime: epoch, Source: "disco"}
	return m
}

// Len is the number of entries.
func (m *Manifest) Len() int { return len(m.entries) }

// Get returns the entry at p, or nil.
func (m *Manifest) Get(p string) *Entry { return m.entries[p] }

// Put adds or replaces e. Its parent must exist and be a folder.
func (m *Manifest) Put(e *Entry) error {
	if err := CheckPath(e.Path); err != nil {
		return err
	}
	if e.Path != "/" {
		parent := m.entries[path.Dir(e.Path)]
		if parent == nil || parent.Kind != Dir {
			return fmt.Errorf("%s: parent %s is not a folder in the manifest", e.Path, path.Dir(e.Path))
		}
	}
	if old := m.entries[e.Path]; old != nil && old.Kind == Dir && e.Kind != Dir && m.hasChildren(e.Path) {
		return fmt.Errorf("%s: cannot replace a non-empty folder with a %s", e.Path, e.Kind)
	}
	m.entries[e.Path] = e
	return nil
}

func (m *Manifest) hasChildren(dir string) bool {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	for p := range m.entries {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// Remove deletes p and everything below it; it returns the paths removed,
// sorted.
func (m *Manifest) Remove(p string) []string {
	var gone []string
	prefix := strings.TrimSuffix(p, "/") + "/"
	for q := range m.entries {
		if q == p || (p != "/" && strings.HasPrefix(q, prefix)) {
			gone = append(gone, q)
		}
	}
	for _, q := range gone {
		delete(m.entries, q)
	}
	sort.Strings(gone)
	return gone
}

// Paths returns every path, sorted so that a folder precedes what it holds.
func (m *Manifest) Paths() []string {
	out := make([]string, 0, len(m.entries))
	for p := range m.entries {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Walk calls fn for each entry in Paths order, stopping at an error.
func (m *Manifest) Walk(fn func(*Entry) error) error {
	for _, p := range m.Paths() {
		if err := fn(m.entries[p]); err != nil {
			return err
		}
	}
	return nil
}

// CheckPath requires an absolute, clean path without "..".
func CheckPath(p string) error {
	switch {
	case !strings.HasPrefix(p, "/"):
		return fmt.Errorf("%q: not an absolute path", p)
	case path.Clean(p) != p:
		return fmt.Errorf("%q: not a clean path", p)
	case strings.ContainsRune(p, 0):
		return fmt.Errorf("%q: contains NUL", p)
	}
	return nil
}
