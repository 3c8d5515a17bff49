package deb

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/disco-build/disco/stages/deb/tar"
	"github.com/disco-build/disco/stages/deb822"
	"github.com/disco-build/disco/stages/debver"
)

// ControlFile is one file of the control archive (control, md5sums,
// conffiles, maintainer scripts, triggers, shlibs, symbols, templates, ...).
type ControlFile struct {
	Name         string // the base name ("postinst")
	Mode         uint32 // permission bits, setuid etc. included
	Mtime        int64
	UID, GID     uint32
	Uname, Gname string
	Data         []byte
}

// Conffile is one line of the conffiles control file.
type Conffile struct {
	Path string // absolute, as listed
	// RemoveOnUpgrade is the "remove-on-upgrade" flag: the file is no
	// longer shipped and is to be removed on upgrade.
	RemoveOnUpgrade bool
}

// readControl reads the control archive: regular files at its top level
// only (and the top folder itself), as dpkg, which installs each into its
// info database, refuses folders; links to other control files are
// resolved to their content; symbolic links and devices are refused.
func (p *Package) readControl(r io.Reader, ext string) error {
	rc, err := decompress(r, ext)
	if err != nil {
		return err
	}
	defer rc.Close()
	lim := &limitReader{r: rc, n: MaxControlSize}
	t := tar.NewReader(lim)
	byName := map[string]int{}
	for {
		h, err := t.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if err := p.controlEntry(t, h, byName); err != nil {
			return err
		}
	}
	if _, err := io.Copy(io.Discard, lim); err != nil { // the rest, as dpkg's decompressor reads it
		return err
	}
	return nil
}

func (p *Package) controlEntry(t *tar.Reader, h *tar.Header, byName map[string]int) error {
	name := skipSlashDot(h.Name)
	if name == "." || name == "" {
		if h.Type != tar.TypeDir {
			return fmt.Errorf("%s: top of the control archive is not a folder", h.Name)
		}
		return nil
	}
	if strings.Contains(name, "/") || name == ".." {
		return fmt.Errorf("%s: control archive holds a file below its top folder", h.Name)
	}
	if _, dup := byName[name]; dup {
		return fmt.Errorf("%s: control file appears twice", h.Name)
	}
	f := ControlFile{Name: name, Mode: h.Mode & 0o7777, Mtime: h.Mtime, UID: h.UID, GID: h.GID,
		Uname: h.Uname, Gname: h.Gname}
	switch h.Type {
	case tar.TypeReg:
		data, err := io.ReadAll(t)
		if err != nil {
			return err
		}
		f.Data = data
	case tar.TypeLink:
		i, ok := byName[skipSlashDot(h.Linkname)]
		if !ok {
			return fmt.Errorf("%s: hard link to %q, not an earlier control file", h.Name, h.Linkname)
		}
		f.Data = p.ControlFiles[i].Data
	case tar.TypeDir:
		return fmt.Errorf("%s: package control info contained directory", h.Name)
	default:
		return fmt.Errorf("%s: control file is not a regular file (tar type '%c')", h.Name, h.Type)
	}
	byName[name] = len(p.ControlFiles)
	p.ControlFiles = append(p.ControlFiles, f)
	return nil
}

// limitReader fails once more than n bytes were read.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(b []byte) (int, error) {
	if l.n <= 0 {
		return 0, fmt.Errorf("decompressed control archive exceeds %d bytes", int64(MaxControlSize))
	}
	if int64(len(b)) > l.n {
		b = b[:l.n]
	}
	n, err := l.r.Read(b)
	l.n -= int64(n)
	return n, err
}

// File returns the named control file.
func (p *Package) File(name string) (*ControlFile, bool) {
	for i := range p.ControlFiles {
		if p.ControlFiles[i].Name == name {
			return &p.ControlFiles[i], true
		}
	}
	return nil, false
}

// InfoFiles are the control files dpkg installs into its database as
// info/PKG.NAME: every one whose name has no ".", except control (and
// list, which dpkg warns about and skips), sorted by name.
func (p *Package) InfoFiles() []ControlFile {
	var out []ControlFile
	for _, f := range p.ControlFiles {
		if strings.Contains(f.Name, ".") || f.Name == "control" || f.Name == "list" {
			continue
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// parseControl reads the control file and the conffiles list.
func (p *Package) parseControl() error {
	cf, ok := p.File("control")
	if !ok {
		return fmt.Errorf("%w: %s: no control file", ErrFormat, p.ControlName)
	}
	s := deb822.NewScanner(string(cf.Data), p.ControlName+":control", deb822.Options{})
	if !s.Scan() {
		if s.Err() != nil {
			return fmt.Errorf("%w: %w", ErrFormat, s.Err())
		}
		return fmt.Errorf("%w: %s: control file is empty", ErrFormat, p.ControlName)
	}
	p.Control = s.Paragraph().Clone()
	if s.Scan() {
		return fmt.Errorf("%w: %s:control:%d: several package info entries found, only one allowed",
			ErrFormat, p.ControlName, s.Paragraph().Line)
	}
	if s.Err() != nil {
		return fmt.Errorf("%w: %w", ErrFormat, s.Err())
	}
	if err := p.checkControl(); err != nil {
		return fmt.Errorf("%w: %s:control: %w", ErrFormat, p.ControlName, err)
	}
	if f, ok := p.File("conffiles"); ok {
		list, err := ParseConffiles(f.Data)
		if err != nil {
			return fmt.Errorf("%w: package %s: conffiles: %w", ErrFormat, p.ID(), err)
		}
		p.Conffiles = list
	}
	p.conff = make(map[string]bool, len(p.Conffiles))
	for _, c := range p.Conffiles {
		p.conff[c.Path] = true
	}
	return nil
}

// checkControl requires what dpkg requires of a package's control file to
// install it: a valid Package name and Version.
func (p *Package) checkControl() error {
	name, ok := p.Control.Get("Package")
	if !ok || name == "" {
		return errors.New("missing 'Package' field")
	}
	if err := checkPackageName(name); err != nil {
		return fmt.Errorf("invalid package name in 'Package' field: %w", err)
	}
	ver, ok := p.Control.Get("Version")
	if !ok || ver == "" {
		return errors.New("missing 'Version' field")
	}
	v, err := debver.Parse(ver)
	if err != nil {
		return fmt.Errorf("'Version' field: %w", err)
	}
	p.version = v
	return nil
}

// checkPackageName applies pkg_name_is_illegal: an alphanumeric first
// character, then letters, digits and "-+._".
func checkPackageName(s string) error {
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }
	if !alnum(s[0]) {
		return errors.New("must start with an alphanumeric character")
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !alnum(c) && !strings.ContainsRune("-+._", rune(c)) {
			return fmt.Errorf("character '%c' not allowed (only letters, digits and characters '-+._')", c)
		}
	}
	return nil
}

// ParseConffiles reads a conffiles control file as dpkg's
// deb_parse_conffiles does: one absolute path per line, optionally
// preceded by the flag "remove-on-upgrade" and a space; blank lines are
// skipped, trailing white space dropped, and every line must end in a
// newline.
func ParseConffiles(data []byte) ([]Conffile, error) {
	var out []Conffile
	s := string(data)
	for no := 1; s != ""; no++ {
		nl := strings.IndexByte(s, '\n')
		if nl < 0 {
			return nil, fmt.Errorf("line %d: conffile name '%s' is too long, or missing final newline", no, s)
		}
		line := strings.TrimRight(s[:nl], " \t\r\v\f\n")
		s = s[nl+1:]
		if line == "" {
			continue
		}
		c := Conffile{Path: line}
		if line[0] != '/' {
			flag, path, found := strings.Cut(line, " ")
			if !found {
				return nil, fmt.Errorf("line %d: conffile name '%s' is not an absolute pathname", no, line)
			}
			if path != "" && path[0] != '/' {
				return nil, fmt.Errorf("line %d: conffile name '%s' is not an absolute pathname", no, path)
			}
			if path == "" {
				return nil, fmt.Errorf("line %d: conffile name missing after flag '%s'", no, flag)
			}
			if flag != "remove-on-upgrade" {
				return nil, fmt.Errorf("line %d: unknown flag '%s' for conffile '%s'", no, flag, path)
			}
			c = Conffile{Path: path, RemoveOnUpgrade: true}
		}
		out = append(out, c)
	}
	return out, nil
}
