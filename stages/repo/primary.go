package repo

import (
	"fmt"
	"hash/maphash"
	"io"
	"strconv"

	"github.com/disco-build/disco/stages/rpmver"
)

// mdParser holds what the primary and filelists readers share: the scanner,
// the string intern table and the text being captured.
type mdParser struct {
	s       *xmlScanner
	intern  *[internSize]string
	text    []byte
	capture bool
}

func newMDParser(r io.Reader, name string) *mdParser {
	return &mdParser{s: newXMLScanner(r, name), intern: new([internSize]string)}
}

// str returns b as a string, shared with recent equal strings: dependency
// names and versions repeat a great deal ("libc.so.6()(64bit)", "1.fc40").
// A direct-mapped cache catches the repeats at a fraction of the cost of a
// map holding every string of the document.
func (p *mdParser) str(b []byte) string {
	h := maphash.Bytes(internSeed, b) & (internSize - 1)
	if s := p.intern[h]; s == string(b) {
		return s
	}
	s := string(b)
	p.intern[h] = s
	return s
}

const internSize = 1 << 14

var internSeed = maphash.MakeSeed()

// attrInt parses an optional integer attribute (absent = 0).
func (p *mdParser) attrInt(name string) (int64, error) {
	b, ok := p.s.attr(name)
	if !ok || len(b) == 0 {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, p.s.errf("attribute %s=%q is not an integer", name, b)
	}
	return n, nil
}

// evr reads epoch/ver/rel attributes of the current tag.
func (p *mdParser) evr() (rpmver.EVR, error) {
	var e rpmver.EVR
	if b, ok := p.s.attr("epoch"); ok && len(b) > 0 {
		n, err := strconv.Atoi(string(b))
		if err != nil || n < 0 {
			return e, p.s.errf("epoch %q is not a non-negative integer", b)
		}
		e.Epoch, e.HasEpoch = n, true
	}
	if b, ok := p.s.attr("ver"); ok {
		e.Version = p.str(b)
	}
	if b, ok := p.s.attr("rel"); ok {
		e.Release = p.str(b)
	}
	return e, nil
}

func (p *mdParser) startCapture() { p.text, p.capture = p.text[:0], true }

func (p *mdParser) onText() {
	if p.capture {
		p.text = append(p.text, p.s.text...)
	}
}

func (p *mdParser) fileType() (FileType, error) {
	b, _ := p.s.attr("type")
	switch string(b) {
	case "", "file":
		return FilePlain, nil
	case "dir":
		return FileDir, nil
	case "ghost":
		return FileGhost, nil
	}
	return 0, p.s.errf("unknown file type %q", b)
}

// addFile appends a path to pkg.Files keeping FileTypes in step.
func addFile(pkg *Package, path string, t FileType) {
	if t != FilePlain && pkg.FileTypes == nil {
		pkg.FileTypes = make([]FileType, len(pkg.Files), cap(pkg.Files))
	}
	pkg.Files = append(pkg.Files, path)
	if pkg.FileTypes != nil {
		pkg.FileTypes = append(pkg.FileTypes, t)
	}
}

// rootStart checks the document element and returns its "packages"
// attribute (-1 when absent).
func (p *mdParser) rootStart(want string) (int, error) {
	for {
		tok, err := p.s.next()
		if err != nil {
			return 0, err
		}
		switch tok {
		case tokEOF:
			return 0, p.s.errf("empty document: no <%s> element", want)
		case tokStart:
			if string(p.s.tag) != want {
				return 0, p.s.errf("document element is <%s>, want <%s>", p.s.tag, want)
			}
			n := -1
			if b, ok := p.s.attr("packages"); ok {
				v, err := strconv.Atoi(string(b))
				if err != nil || v < 0 {
					return 0, p.s.errf("packages=%q is not a count", b)
				}
				n = v
			}
			return n, nil
		}
	}
}

// checkCount compares the packages read with the document's packages="N".
func (p *mdParser) checkCount(declared, got int) error {
	if declared >= 0 && declared != got {
		return fmt.Errorf("%s: document declares %d packages but holds %d", p.s.name, declared, got)
	}
	return nil
}

// ReadPrimary reads a decompressed primary.xml from r. name labels errors
// ("NAME:LINE: message"). It streams: memory is that of the packages, not
// of the document.
func ReadPrimary(r io.Reader, name string) ([]*Package, error) {
	p := &primaryParser{mdParser: newMDParser(r, name)}
	return p.run()
}

type primaryParser struct {
	*mdParser
	pkgs       []*Package
	cur        *Package
	deps       *[]rpmver.Dep
	arena      depArena
	pkgBlock   []Package
	pkgBlocked int      // packages allocated in blocks so far
	field      *string  // where captured text goes (nil: a <file>)
	ftype      FileType // type of the <file> being captured
}

func (p *primaryParser) run() ([]*Package, error) {
	declared, err := p.rootStart("metadata")
	if err != nil {
		return nil, err
	}
	if declared > 0 {
		p.pkgs = make([]*Package, 0, declared)
	}
	for {
		tok, err := p.s.next()
		if err != nil {
			return nil, err
		}
		switch tok {
		case tokEOF:
			return p.pkgs, p.checkCount(declared, len(p.pkgs))
		case tokStart:
			if err = p.start(); err == nil && p.s.empty {
				err = p.end()
			}
		case tokEnd:
			err = p.end()
		case tokText:
			p.onText()
		}
		if err != nil {
			return nil, err
		}
	}
}
