package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/disco-build/disco/stages/manifest"
)

// File is one path of the root and what put it there.
type File struct {
	Path   string `json:"path"`
	Kind   string `json:"kind"`
	Mode   string `json:"mode"` // octal, e.g. "0755"
	UID    uint32 `json:"uid"`
	GID    uint32 `json:"gid"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
	Target string `json:"target,omitempty"`
	Source string `json:"source"`
}

// SourceTotal counts the paths one source put in the root and the bytes of
// its regular files.
type SourceTotal struct {
	Source string `json:"source"`
	Files  int    `json:"files"`
	Bytes  int64  `json:"bytes"`
}

// files lists m's entries in path order with totals per source and per
// source kind. A hard link's bytes count once, with the group's first path.
func files(m *manifest.Manifest) ([]File, []SourceTotal, []SourceTotal, error) {
	list := []File{}
	bySource, byKind := map[string]*SourceTotal{}, map[string]*SourceTotal{}
	if m == nil {
		return list, []SourceTotal{}, []SourceTotal{}, nil
	}
	err := m.Walk(func(e *manifest.Entry) error {
		if e.Source == "" {
			return fmt.Errorf("manifest: %s has no source", e.Path)
		}
		list = append(list, File{
			Path: e.Path, Kind: string(e.Kind), Mode: fmt.Sprintf("%04o", e.Mode), UID: e.UID, GID: e.GID,
			Size: e.Size, SHA256: e.SHA256, Target: e.Target, Source: e.Source,
		})
		var n int64
		if e.Kind == manifest.File && e.Link == "" {
			n = e.Size
		}
		kind, _, _ := strings.Cut(e.Source, ":")
		add(bySource, e.Source, n)
		add(byKind, kind, n)
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	return list, totals(bySource), totals(byKind), nil
}

func add(t map[string]*SourceTotal, key string, bytes int64) {
	s := t[key]
	if s == nil {
		s = &SourceTotal{Source: key}
		t[key] = s
	}
	s.Files++
	s.Bytes += bytes
}

// totals returns the map's values sorted by source.
func totals(t map[string]*SourceTotal) []SourceTotal {
	out := make([]SourceTotal, 0, len(t))
	for _, s := range t {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b SourceTotal) int { return strings.Compare(a.Source, b.Source) })
	return out
}
