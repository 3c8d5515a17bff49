// Package lockfile is disco.lock: for each machine the exact packages its
// plan resolved to (name, EVR, arch, repository, repository-relative
// location, sha256, size), the repository metadata they came from (the
// repomd.xml checksums of RPM repositories, the InRelease or Release file
// digests of Debian ones), and the plan digest the resolution was made
// for. Later stages read only the lock.
//
// A Debian machine's entry says "format": "deb"; its packages carry the
// whole Debian version in "version" and no epoch or release. A lock with a
// Debian entry is format version 2, which a disco that knows only RPM
// refuses by its version; a lock of RPM machines only is written as
// version 1, byte for byte as before Debian came.
//
// Locations are relative to their repository and repositories are named by
// id, so a lock stays valid wherever the config tree is checked out.
//
// Entry points: Read, (*Lock).Marshal, Diff.
package lockfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"

	"github.com/disco-build/disco/stages/cachelock"
)

// Name is the lock file's name at the config root.
const Name = "disco.lock"

// Version is the newest format version this package reads and writes;
// VersionRPM is the version of a lock of RPM machines only.
const (
	Version    = 2
	VersionRPM = 1
)

// FormatDeb marks a Debian machine's entry (plan.FormatDeb); RPM entries
// leave Format empty.
const FormatDeb = "deb"

// Lock is the whole lock file.
type Lock struct {
	Version  int                 `json:"version"`
	Machines map[string]*Machine `json:"machines"` // by "group/name"
}

// Machine is one machine's resolution.
type Machine struct {
	Digest string `json:"digest"`
	// Format is FormatDeb for a Debian machine, empty for RPM.
	Format   string    `json:"format,omitempty"`
	Repos    []Repo    `json:"repos"`
	Packages []Package `json:"packages"`
}

// Repo is a repository as it was when the machine was resolved: for RPM
// the checksum of its repomd.xml; for Debian the Release file read
// (dists/SUITE/InRelease, or Release when the suite has no InRelease)
// and its digest, which vouches for every index read through it.
type Repo struct {
	ID            string `json:"id"`
	RepomdSHA256  string `json:"repomd_sha256,omitempty"`
	Release       string `json:"release,omitempty"`
	ReleaseSHA256 string `json:"release_sha256,omitempty"`
}

// metadata is the digest that identifies the repository's metadata.
func (r Repo) metadata() string { return r.RepomdSHA256 + r.ReleaseSHA256 }

// Package is one pinned package. A Debian package's version is whole in
// Version (epoch and revision included; Epoch and Release are unused), its
// Location is the Filename of its Packages index entry, and SHA256 the
// digest that entry gives.
type Package struct {
	Name     string `json:"name"`
	Epoch    int    `json:"epoch"`
	Version  string `json:"version"`
	Release  string `json:"release"`
	Arch     string `json:"arch"`
	Repo     string `json:"repo"`
	Location string `json:"location"`
	// SHA256 of the .rpm file, from primary.xml (hex).
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	BuildTime int64  `json:"buildtime,omitempty"`
}

// NEVRA is the package's name-epoch:version-release.arch (epoch shown when
// not zero), as rpm and dnf print it.
func (p Package) NEVRA() string {
	return p.Name + "-" + p.EVR() + "." + p.Arch
}

// EVR is [epoch:]version-release.
func (p Package) EVR() string {
	if p.Epoch != 0 {
		return fmt.Sprintf("%d:%s-%s", p.Epoch, p.Version, p.Release)
	}
	return p.Version + "-" + p.Release
}

// New returns an empty lock.
func New() *Lock { return &Lock{Version: Version, Machines: map[string]*Machine{}} }

// Read reads path; a missing file yields an empty lock and no error.
func Read(path string) (*Lock, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return New(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes a lock file's bytes; name is used in errors.
func Parse(name string, data []byte) (*Lock, error) {
	l := New()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(l); err != nil {
		return nil, fmt.Errorf("%s: not a disco lock: %w", name, err)
	}
	if l.Version != Version && l.Version != VersionRPM {
		return nil, fmt.Errorf("%s: lock format version %d, this disco reads %d and %d", name, l.Version, VersionRPM, Version)
	}
	if l.Machines == nil {
		l.Machines = map[string]*Machine{}
	}
	return l, nil
}

// Marshal returns the canonical bytes: sorted keys (encoding/json sorts
// map keys), packages sorted by name, arch, EVR, two-space indent.
func (l *Lock) Marshal() ([]byte, error) {
	l.Version = VersionRPM
	for _, m := range l.Machines {
		if m.Format != "" {
			l.Version = Version
		}
	}
	for _, m := range l.Machines {
		sortPackages(m.Packages)
		sort.Slice(m.Repos, func(i, j int) bool { return m.Repos[i].ID < m.Repos[j].ID })
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(l); err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	return buf.Bytes(), nil
}

func sortPackages(ps []Package) {
	sort.Slice(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Arch != b.Arch {
			return a.Arch < b.Arch
		}
		return a.EVR() < b.EVR()
	})
}

// WriteFile writes the lock to path through a temporary file and a rename,
// so an interrupted write never leaves a half lock.
func (l *Lock) WriteFile(path string) error {
	data, err := l.Marshal()
	if err != nil {
		return err
	}
	// The temporary file is locked while it is open, so that a later
	// lock run removes it only if this one was killed (stages.LockLockfile).
	tmp, err := cachelock.CreateTemp(dirOf(path), ".disco.lock.tmp-*")
	if err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	defer tmp.Close()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("lock: %w", err)
	}
	return nil
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			if i == 0 {
				return "/"
			}
			return path[:i]
		}
	}
	return "."
}
