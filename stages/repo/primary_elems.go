package repo

import (
	"github.com/disco-build/disco/stages/rpmver"
)

// start handles a start tag of primary.xml.
func (p *primaryParser) start() error {
	s := p.s
	if p.cur == nil {
		if string(s.tag) == "package" {
			p.cur = p.newPackage()
			return nil
		}
		return s.errf("unexpected <%s> outside <package>", s.tag)
	}
	pkg := p.cur
	if p.deps != nil {
		if string(s.tag) != "entry" {
			return s.errf("unexpected <%s> in a dependency list", s.tag)
		}
		return p.entry()
	}
	var err error
	switch string(s.tag) {
	case "name":
		p.captureInto(&pkg.Name)
	case "arch":
		p.captureInto(&pkg.Arch)
	case "summary":
		p.captureInto(&pkg.Summary)
	case "sourcerpm":
		p.captureInto(&pkg.SourceRPM)
	case "checksum":
		if b, ok := s.attr("type"); ok {
			pkg.ChecksumType = p.str(b)
		}
		p.captureInto(&pkg.Checksum)
	case "version":
		pkg.EVR, err = p.evr()
	case "time":
		pkg.FileTime, err = p.attrInt("file")
		if err == nil {
			pkg.BuildTime, err = p.attrInt("build")
		}
	case "size":
		pkg.PackageSize, err = p.attrInt("package")
		if err == nil {
			pkg.InstalledSize, err = p.attrInt("installed")
		}
	case "location":
		b, _ := s.attr("href")
		pkg.Location = string(b)
		if b, ok := s.attr("xml:base"); ok {
			pkg.LocationBase = p.str(b)
		}
	case "file":
		p.ftype, err = p.fileType()
		p.field = nil
		p.startCapture()
	default:
		if p.deps = depList(pkg, s.tag); p.deps != nil {
			p.arena.begin()
		}
	}
	return err
}

// captureInto starts capturing text for a string field.
func (p *primaryParser) captureInto(f *string) {
	p.field = f
	p.startCapture()
}

// depList returns the dependency list a <rpm:provides> etc. fills, or nil.
func depList(pkg *Package, tag []byte) *[]rpmver.Dep {
	switch string(tag) {
	case "provides":
		return &pkg.Provides
	case "requires":
		return &pkg.Requires
	case "conflicts":
		return &pkg.Conflicts
	case "obsoletes":
		return &pkg.Obsoletes
	case "recommends":
		return &pkg.Recommends
	case "suggests":
		return &pkg.Suggests
	case "supplements":
		return &pkg.Supplements
	case "enhances":
		return &pkg.Enhances
	}
	return nil
}

// entry reads one <rpm:entry name= flags= epoch= ver= rel= pre=>.
func (p *primaryParser) entry() error {
	s := p.s
	name, ok := s.attr("name")
	if !ok || len(name) == 0 {
		return s.errf("<entry> without a name")
	}
	d := rpmver.Dep{Name: p.str(name)}
	if f, ok := s.attr("flags"); ok {
		var known bool
		if d.Flags, known = parseFlags(f); !known {
			return s.errf("unknown dependency flags %q", f)
		}
		var err error
		if d.EVR, err = p.evr(); err != nil {
			return err
		}
	}
	if b, ok := s.attr("pre"); ok {
		d.Pre = string(b) == "1" || string(b) == "true"
	}
	p.arena.add(d)
	return nil
}

// depArena hands out dependency slices carved from large shared blocks, so
// a document's million entries cost a few hundred allocations.
type depArena struct {
	block []rpmver.Dep
	start int // index in block where the open list begins
}

const depBlock = 1 << 14

func (a *depArena) begin() { a.start = len(a.block) }

func (a *depArena) add(d rpmver.Dep) {
	if len(a.block) == cap(a.block) {
		open := a.block[a.start:]
		// Blocks grow from small (small documents) to depBlock.
		size := min(depBlock, max(64, 2*cap(a.block)))
		nb := make([]rpmver.Dep, len(open), max(size, 2*len(open)))
		copy(nb, open)
		a.block, a.start = nb, 0
	}
	a.block = append(a.block, d)
}

// end returns the list added since begin, capped so appends to it copy.
func (a *depArena) end() []rpmver.Dep {
	if len(a.block) == a.start {
		return nil
	}
	return a.block[a.start:len(a.block):len(a.block)]
}

func parseFlags(b []byte) (rpmver.Flags, bool) {
	switch string(b) {
	case "EQ":
		return rpmver.EQ, true
	case "LT":
		return rpmver.LT, true
	case "LE":
		return rpmver.LE, true
	case "GT":
		return rpmver.GT, true
	case "GE":
		return rpmver.GE, true
	case "":
		return rpmver.Any, true
	}
	return 0, false
}

// end handles an end tag of primary.xml.
func (p *primaryParser) end() error {
	pkg := p.cur
	if pkg == nil {
		return nil // </metadata>
	}
	switch string(p.s.tag) {
	case "package":
		if pkg.Name == "" || pkg.Arch == "" || pkg.Version == "" {
			return p.s.errf("package without name, arch or version")
		}
		p.pkgs = append(p.pkgs, pkg)
		p.cur = nil
	case "provides", "requires", "conflicts", "obsoletes",
		"recommends", "suggests", "supplements", "enhances":
		if l := p.arena.end(); p.deps != nil && *p.deps == nil {
			*p.deps = l
		} else if p.deps != nil {
			*p.deps = append(*p.deps, l...)
		}
		p.deps = nil
	}
	if !p.capture {
		return nil
	}
	p.capture = false
	switch {
	case string(p.s.tag) == "file":
		addFile(pkg, string(p.text), p.ftype)
	case p.field == &pkg.Arch:
		pkg.Arch = p.str(p.text)
	case p.field != nil:
		*p.field = string(p.text)
	}
	p.field = nil
	return nil
}

// newPackage returns a zero Package from a block of them.
func (p *primaryParser) newPackage() *Package {
	if len(p.pkgBlock) == 0 {
		p.pkgBlock = make([]Package, min(1024, max(8, 2*p.pkgBlocked)))
		p.pkgBlocked += len(p.pkgBlock)
	}
	pkg := &p.pkgBlock[0]
	p.pkgBlock = p.pkgBlock[1:]
	return pkg
}
