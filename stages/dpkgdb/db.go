package dpkgdb

import (
	"fmt"
	"sort"
	"strings"

	"github.com/disco-build/disco/stages/deb"
)

// Database is the state of dpkg's database (its admindir,
// /var/lib/dpkg) after a build installed its packages.
type Database struct {
	// Arch are the lines of the arch file: the native architecture, then
	// foreign ones; no file when empty (mmdebstrap always writes it).
	Arch []string
	// Packages are the installed packages in the order they were unpacked,
	// which is the order of trigger interests.
	Packages []*Package
	// OldStatus, when not nil, is written as status-old: dpkg's backup of
	// the status file as its last run found it.
	OldStatus []*Package
	// Diversions and StatOverrides are written when not nil, and so are
	// the -old backups dpkg-divert and dpkg-statoverride leave.
	Diversions, OldDiversions       []Diversion
	StatOverrides, OldStatOverrides []StatOverride
	// Mtime is the time of the files dpkg writes itself (status, lists,
	// ...); control files keep their own.
	Mtime int64
}

// Diversion is one dpkg-divert record.
type Diversion struct {
	From, To string
	// Package is the diverting package; "" for a local diversion.
	Package string
}

// StatOverride is one dpkg-statoverride record.
type StatOverride struct {
	// User and Group are names, or "#uid" and "#gid".
	User, Group string
	Mode        uint32 // permission bits
	Path        string
}

// File is one file or folder of the database, relative to the admindir.
type File struct {
	Path  string // "status", "info/bash.list", ...; "." for the admindir
	Dir   bool
	Data  []byte
	Mode  uint32
	Mtime int64
}

// The folders of a database; dpkg creates them (the dpkg package also ships
// alternatives, info, parts and updates).
var dirs = []string{".", "alternatives", "info", "parts", "triggers", "updates"}

// Files lays out the database: its folders, then its files sorted by path.
func (db *Database) Files() ([]File, error) {
	var out []File
	for _, d := range dirs {
		out = append(out, File{Path: d, Dir: true, Mode: 0o755, Mtime: db.Mtime})
	}
	var files []File
	add := func(path string, data []byte, mode uint32) {
		files = append(files, File{Path: path, Data: data, Mode: mode, Mtime: db.Mtime})
	}
	if len(db.Arch) > 0 {
		add("arch", []byte(strings.Join(db.Arch, "\n")+"\n"), 0o644)
	}
	if err := db.statusFiles(add); err != nil {
		return nil, err
	}
	if db.Diversions != nil {
		add("diversions", diversions(db.Diversions), 0o644)
	}
	if db.OldDiversions != nil {
		add("diversions-old", diversions(db.OldDiversions), 0o644)
	}
	if db.StatOverrides != nil {
		add("statoverride", statOverrides(db.StatOverrides), 0o644)
	}
	if db.OldStatOverrides != nil {
		add("statoverride-old", statOverrides(db.OldStatOverrides), 0o644)
	}
	add("lock", nil, 0o640)
	add("lock-frontend", nil, 0o640) // dpkg run alone takes it, as apt does
	add("info/format", []byte("1\n"), 0o644)
	if err := db.infoFiles(&files); err != nil {
		return nil, err
	}
	trig, err := db.triggerFiles()
	if err != nil {
		return nil, err
	}
	for _, t := range trig {
		add(t.Path, t.Data, t.Mode)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	for i := 1; i < len(files); i++ {
		if files[i].Path == files[i-1].Path {
			return nil, fmt.Errorf("dpkgdb: %s written twice", files[i].Path)
		}
	}
	return append(out, files...), nil
}

func (db *Database) statusFiles(add func(string, []byte, uint32)) error {
	if err := checkUnique(db.Packages); err != nil {
		return err
	}
	s, err := StatusFile(db.Packages)
	if err != nil {
		return err
	}
	add("status", s, 0o644)
	if db.OldStatus != nil {
		old, err := StatusFile(db.OldStatus)
		if err != nil {
			return fmt.Errorf("status-old: %w", err)
		}
		add("status-old", old, 0o644)
	}
	return nil
}

func checkUnique(pkgs []*Package) error {
	seen := map[string]bool{}
	for _, p := range pkgs {
		k := p.Name() + ":" + p.Arch()
		if seen[k] {
			return fmt.Errorf("dpkgdb: package %s given twice", k)
		}
		seen[k] = true
	}
	return nil
}

// infoFiles adds each package's file list and control files.
func (db *Database) infoFiles(files *[]File) error {
	for _, p := range db.Packages {
		base := "info/" + p.InfoName() + "."
		var list strings.Builder
		for _, f := range p.Files {
			if strings.IndexByte(f, '\n') >= 0 {
				return fmt.Errorf("dpkgdb: package %s: file name %q has a newline", p.Name(), f)
			}
			list.WriteString(f + "\n")
		}
		*files = append(*files, File{Path: base + "list", Data: []byte(list.String()), Mode: 0o644, Mtime: db.Mtime})
		if p.MD5Sums != nil {
			*files = append(*files, File{Path: base + "md5sums", Data: p.MD5Sums, Mode: 0o644, Mtime: db.Mtime})
		}
		for _, c := range p.Info {
			if c.Name == "list" || c.Name == "control" || strings.ContainsAny(c.Name, "./") {
				return fmt.Errorf("dpkgdb: package %s: %q is not an info file", p.Name(), c.Name)
			}
			*files = append(*files, File{Path: base + c.Name, Data: c.Data, Mode: c.Mode, Mtime: c.Mtime})
		}
	}
	return nil
}

// StatusFile writes a status file as dpkg's writedb does: one stanza per
// package and a blank line after each, ordered by name and then
// architecture (pkg_sorter_by_nonambig_name_arch: a package whose name
// needs no architecture qualifier first, then by architecture name).
func StatusFile(pkgs []*Package) ([]byte, error) {
	sorted := append([]*Package(nil), pkgs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if a.Name() != b.Name() {
			return a.Name() < b.Name()
		}
		qa, qb := a.multiArchSame(), b.multiArchSame()
		if qa != qb {
			return !qa
		}
		return qa && a.Arch() < b.Arch()
	})
	var b strings.Builder
	for _, p := range sorted {
		s, err := Stanza(p)
		if err != nil {
			return nil, fmt.Errorf("dpkgdb: %w", err)
		}
		b.WriteString(s)
		b.WriteByte('\n')
	}
	return []byte(b.String()), nil
}

// triggerFiles are the files of triggers/: File (file trigger interests),
// one file per explicit trigger with its interested packages, and the
// empty Unincorp and Lock dpkg leaves once every trigger is processed.
func (db *Database) triggerFiles() ([]File, error) {
	var fileLines []string
	seenFile := map[string]bool{}
	explicit := map[string][]string{}
	var names []string
	for _, p := range db.Packages {
		ts, err := p.triggers()
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if !t.Interest {
				continue
			}
			opt := ""
			if !t.Await {
				opt = "/noawait"
			}
			if t.IsFile() {
				path := "/" + skipSlashDot(t.Name)
				if seenFile[path+" "+p.InfoName()] {
					return nil, fmt.Errorf("dpkgdb: duplicate file trigger interest for filename '%s' and package '%s'", path, p.Name())
				}
				seenFile[path+" "+p.InfoName()] = true
				fileLines = append(fileLines, path+" "+p.InfoName()+opt+"\n")
				continue
			}
			if _, ok := explicit[t.Name]; !ok {
				names = append(names, t.Name)
			}
			explicit[t.Name] = append(without(explicit[t.Name], p.InfoName()), p.InfoName()+opt)
		}
	}
	out := []File{{Path: "triggers/Lock", Mode: 0o600}, {Path: "triggers/Unincorp", Mode: 0o644}}
	if len(fileLines) > 0 {
		out = append(out, File{Path: "triggers/File", Data: []byte(strings.Join(fileLines, "")), Mode: 0o644})
	}
	for _, n := range names {
		if n == "File" || n == "Lock" || n == "Unincorp" {
			return nil, fmt.Errorf("dpkgdb: trigger name %q clashes with dpkg's own file", n)
		}
		out = append(out, File{Path: "triggers/" + n, Data: []byte(strings.Join(explicit[n], "\n") + "\n"), Mode: 0o644})
	}
	return out, nil
}

// without drops a package's earlier interest line.
func without(lines []string, pkg string) []string {
	out := lines[:0]
	for _, l := range lines {
		if l != pkg && l != pkg+"/noawait" {
			out = append(out, l)
		}
	}
	return out
}

func (p *Package) triggers() ([]deb.Trigger, error) {
	for _, c := range p.Info {
		if c.Name == "triggers" {
			ts, err := deb.ParseTriggers(string(c.Data))
			if err != nil {
				return nil, fmt.Errorf("dpkgdb: package %s: %w", p.Name(), err)
			}
			return ts, nil
		}
	}
	return nil, nil
}

// skipSlashDot drops leading "/" and "./", as dpkg does before it names a
// file.
func skipSlashDot(s string) string {
	for {
		switch {
		case strings.HasPrefix(s, "/"):
			s = s[1:]
		case strings.HasPrefix(s, "./"):
			s = s[2:]
		default:
			return s
		}
	}
}
