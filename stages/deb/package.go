package deb

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/disco-build/disco/stages/deb/ar"
	"github.com/disco-build/disco/stages/deb822"
	"github.com/disco-build/disco/stages/debver"
)

// ErrFormat is wrapped by errors about a malformed package: its ar
// container, members, control files or tar archives.
var ErrFormat = errors.New("malformed .deb")

// The names dpkg-deb gives the members of a package (src/deb/dpkg-deb.h).
const (
	MagicMember   = "debian-binary"
	ControlMember = "control.tar"
	DataMember    = "data.tar"
)

// MaxControlSize bounds the decompressed control.tar, which is read into
// memory (the largest in Debian, md5sums of documentation packages, are a
// few MiB).
const MaxControlSize = 128 << 20

// Package is an opened .deb: its format version and control archive, read,
// and where its data archive lies. The data archive is read through
// Payload or Files.
type Package struct {
	// FormatMajor and FormatMinor are the debian-binary version ("2.0").
	FormatMajor, FormatMinor int
	// ControlName and DataName are the member names, e.g. "control.tar.xz".
	ControlName, DataName string
	// DataOffset and DataSize locate the data member in the file.
	DataOffset, DataSize int64
	// ControlFiles are the files of the control archive in archive order.
	ControlFiles []ControlFile
	// Control is the control file's paragraph.
	Control deb822.Paragraph
	// Conffiles are the entries of the conffiles control file.
	Conffiles []Conffile
	// XZWorkers, when above 1, is how many goroutines (at most one per
	// core) decode the blocks of a large multi-block data.tar.xz at once,
	// when the package can be read at any offset (see Open). Each holds one
	// block (24 MiB in dpkg-deb's packages) in memory. 0 or 1 decode in
	// sequence.
	XZWorkers int

	version debver.Version
	conff   map[string]bool // conffile paths
	src     *ar.Reader      // positioned at the data member, for one use
	at      io.ReaderAt     // when the source allows re-reading
	used    bool
}

// Open reads the package's ar container up to its data member: the
// debian-binary member, the control archive (decompressed and read whole)
// and any "_"-prefixed members between them, checked as dpkg-deb checks
// them. When r is also an io.ReaderAt positioned at the start of the
// package (an *os.File, a *bytes.Reader) the payload can be read any number
// of times; otherwise once, from where Open stopped.
//
// Errors name the member at fault but not the file, which the caller knows.
func Open(r io.Reader) (*Package, error) {
	a, err := ar.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	p := &Package{src: a}
	if at, ok := r.(io.ReaderAt); ok {
		p.at = at
	}
	if err := p.readMagic(a); err != nil {
		return nil, err
	}
	if err := p.readMembers(a); err != nil {
		return nil, err
	}
	if err := p.parseControl(); err != nil {
		return nil, err
	}
	return p, nil
}

// readMagic reads the debian-binary member as extracthalf does: it must come
// first, hold a newline, and start with a format version of major 2.
func (p *Package) readMagic(a *ar.Reader) error {
	h, err := a.Next()
	if err == io.EOF {
		return fmt.Errorf("%w: no members", ErrFormat)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if h.Name != MagicMember {
		return fmt.Errorf("%w: first member is %q, not %s: not a Debian binary archive", ErrFormat, h.Name, MagicMember)
	}
	if h.Size > 4096 {
		return fmt.Errorf("%w: %s: %d bytes", ErrFormat, MagicMember, h.Size)
	}
	b, err := io.ReadAll(a)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrFormat, MagicMember, err)
	}
	if !strings.Contains(string(b), "\n") {
		return fmt.Errorf("%w: %s: archive has no newlines in header", ErrFormat, MagicMember)
	}
	major, minor, err := parseFormat(string(b))
	if err != nil {
		return fmt.Errorf("%w: %s: archive has invalid format version: %w", ErrFormat, MagicMember, err)
	}
	if major != 2 {
		return fmt.Errorf("%w: %s: archive is format version %d.%d", ErrFormat, MagicMember, major, minor)
	}
	p.FormatMajor, p.FormatMinor = major, minor
	return nil
}

// parseFormat reads "X.Y" ended by a newline or NUL (deb_version_parse).
func parseFormat(s string) (int, int, error) {
	num := func(what string) (int, error) {
		n, i := 0, 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if n > (1<<31-1)/10 {
				return 0, fmt.Errorf("format version with too big %s component", what)
			}
			n = n*10 + int(s[i]-'0')
		}
		if i == 0 {
			return 0, fmt.Errorf("format version with empty %s component", what)
		}
		s = s[i:]
		return n, nil
	}
	major, err := num("major")
	if err != nil {
		return 0, 0, err
	}
	if s == "" || s[0] != '.' {
		return 0, 0, errors.New("format version has no dot")
	}
	s = s[1:]
	minor, err := num("minor")
	if err != nil {
		return 0, 0, err
	}
	if s != "" && s[0] != '\n' && s[0] != 0 {
		return 0, 0, errors.New("format version followed by junk")
	}
	return major, minor, nil
}

// readMembers reads the members after debian-binary up to the data member:
// "_" members are skipped, the control member must come once and before
// any other, and the next member must be the data member.
func (p *Package) readMembers(a *ar.Reader) error {
	for {
		h, err := a.Next()
		if err == io.EOF {
			if p.ControlName == "" {
				return fmt.Errorf("%w: no %s member", ErrFormat, ControlMember)
			}
			return fmt.Errorf("%w: no %s member after %s", ErrFormat, DataMember, p.ControlName)
		}
		if err != nil {
			return fmt.Errorf("%w: %w", ErrFormat, err)
		}
		switch {
		case strings.HasPrefix(h.Name, "_"):
			continue // non-critical members: dpkg skips those it does not know
		case strings.HasPrefix(h.Name, ControlMember):
			if p.ControlName != "" {
				return fmt.Errorf("%w: two control members, %s and %s", ErrFormat, p.ControlName, h.Name)
			}
			if !controlCompressors[h.Name[len(ControlMember):]] {
				return fmt.Errorf("%w: member %s uses unknown compression", ErrFormat, h.Name)
			}
			p.ControlName = h.Name
			if err := p.readControl(a, h.Name[len(ControlMember):]); err != nil {
				if !isFormat(err) { // the control archive's own rules
					err = fmt.Errorf("%w: %w", ErrFormat, err)
				}
				return formatError(h.Name, err)
			}
		case p.ControlName == "":
			return fmt.Errorf("%w: premature member %s before %s", ErrFormat, h.Name, ControlMember)
		case strings.HasPrefix(h.Name, DataMember):
			if !dataCompressors[h.Name[len(DataMember):]] {
				return fmt.Errorf("%w: member %s uses unknown compression", ErrFormat, h.Name)
			}
			p.DataName, p.DataOffset, p.DataSize = h.Name, h.Offset, h.Size
			return nil
		default:
			return fmt.Errorf("%w: premature member %s before %s", ErrFormat, h.Name, DataMember)
		}
	}
}

// Field returns a control field's value ("" when absent).
func (p *Package) Field(name string) string { return p.Control.Value(name) }

// Name is the package name (Package field).
func (p *Package) Name() string { return p.Control.Value("Package") }

// Version is the package version as written.
func (p *Package) Version() string { return p.Control.Value("Version") }

// ParsedVersion is the package version, parsed.
func (p *Package) ParsedVersion() debver.Version { return p.version }

// Arch is the Architecture field ("all" included).
func (p *Package) Arch() string { return p.Control.Value("Architecture") }

// MultiArch is the Multi-Arch field, lower-cased; "no" when absent.
func (p *Package) MultiArch() string {
	if v := strings.ToLower(p.Control.Value("Multi-Arch")); v != "" {
		return v
	}
	return "no"
}

// ID is "name_version_arch", the package's file name without ".deb" and its
// epoch, which errors use to name the package.
func (p *Package) ID() string {
	v := p.version
	v.Epoch, v.HasEpoch = 0, false
	return p.Name() + "_" + v.String() + "_" + p.Arch()
}

// IsConffile reports whether path is listed in conffiles.
func (p *Package) IsConffile(path string) bool { return p.conff[path] }
