package repo

import (
	"fmt"
	"io"
	"slices"
)

// ReadFilelists reads a decompressed filelists.xml from r and sets the full
// file list of each of pkgs (matched by pkgid, the package checksum, and
// checked by name and arch), marking them FilesComplete. name labels errors.
// Packages of the document that pkgs lacks are skipped (pkgs may be a
// filtered subset), but one of pkgs that the document lacks is an error:
// both files must come from the same repomd.xml. On error no package is
// changed.
func ReadFilelists(r io.Reader, name string, pkgs []*Package) error {
	lists, err := readFilelists(r, name)
	if err != nil {
		return err
	}
	return applyFilelists(name, lists, pkgs)
}

// readFilelists parses filelists.xml into packages that carry only
// Checksum (the pkgid), Name, Arch, EVR, Files and FileTypes.
func readFilelists(r io.Reader, name string) ([]*Package, error) {
	f := &filelistsParser{primaryParser{mdParser: newMDParser(r, name)}}
	return f.run()
}

// applyFilelists copies the file lists of lists onto pkgs.
func applyFilelists(name string, lists, pkgs []*Package) error {
	found, err := matchFilelists(name, lists, pkgs)
	if err != nil {
		return err
	}
	for i, p := range pkgs {
		p.Files, p.FileTypes, p.FilesComplete = found[i].Files, found[i].FileTypes, true
	}
	return nil
}

// mergeFilelists adds to each of pkgs the files its entry of lists has
// and it lacks.
func mergeFilelists(name string, lists, pkgs []*Package) error {
	found, err := matchFilelists(name, lists, pkgs)
	if err != nil {
		return err
	}
	for i, p := range pkgs {
		for j, f := range found[i].Files {
			if slices.Contains(p.Files, f) {
				continue
			}
			t := FilePlain
			if found[i].FileTypes != nil {
				t = found[i].FileTypes[j]
			}
			addFile(p, f, t)
		}
	}
	return nil
}

// keepFiles drops from each package the files not in files.
func keepFiles(pkgs []*Package, files map[string]bool) {
	for _, p := range pkgs {
		var fs []string
		var ts []FileType
		for i, f := range p.Files {
			if !files[f] {
				continue
			}
			fs = append(fs, f)
			if p.FileTypes != nil {
				ts = append(ts, p.FileTypes[i])
			}
		}
		p.Files, p.FileTypes = fs, ts
	}
}

// matchFilelists returns, for each of pkgs, its entry of lists.
func matchFilelists(name string, lists, pkgs []*Package) ([]*Package, error) {
	// The two files list packages in the same order unless pkgs was
	// filtered: then no map is needed.
	if len(lists) == len(pkgs) {
		same := true
		for i, p := range pkgs {
			if l := lists[i]; l.Checksum != p.Checksum || !sameNEVRA(l, p) {
				same = false
				break
			}
		}
		if same {
			return lists, nil
		}
	}
	byID := make(map[string][]*Package, len(lists))
	for _, l := range lists {
		byID[l.Checksum] = append(byID[l.Checksum], l)
	}
	found := make([]*Package, len(pkgs))
	for i, p := range pkgs {
		cands := byID[p.Checksum]
		for j, l := range cands {
			if sameNEVRA(l, p) {
				found[i] = l
				byID[p.Checksum] = append(cands[:j:j], cands[j+1:]...)
				break
			}
		}
		if found[i] == nil {
			return nil, fmt.Errorf("%s: package %s-%s-%s.%s (pkgid %s) is missing",
				name, p.Name, p.Version, p.Release, p.Arch, p.Checksum)
		}
	}
	return found, nil
}

func sameNEVRA(a, b *Package) bool {
	return a.Name == b.Name && a.Arch == b.Arch && a.Epoch == b.Epoch && a.Version == b.Version && a.Release == b.Release
}

// filelistsParser reuses the primary parser's package handling for the
// few elements filelists.xml has.
type filelistsParser struct {
	primaryParser
}

func (f *filelistsParser) run() ([]*Package, error) {
	declared, err := f.rootStart("filelists")
	if err != nil {
		return nil, err
	}
	if declared > 0 {
		f.pkgs = make([]*Package, 0, declared)
	}
	for {
		tok, err := f.s.next()
		if err != nil {
			return nil, err
		}
		switch tok {
		case tokEOF:
			return f.pkgs, f.checkCount(declared, len(f.pkgs))
		case tokStart:
			if err = f.start(); err == nil && f.s.empty {
				err = f.end()
			}
		case tokEnd:
			err = f.end()
		case tokText:
			f.onText()
		}
		if err != nil {
			return nil, err
		}
	}
}

func (f *filelistsParser) start() error {
	s := f.s
	if string(s.tag) == "package" {
		if f.cur != nil {
			return s.errf("<package> inside <package>")
		}
		f.cur = f.newPackage()
		id, _ := s.attr("pkgid")
		name, _ := s.attr("name")
		arch, _ := s.attr("arch")
		f.cur.Checksum, f.cur.Name, f.cur.Arch = string(id), string(name), f.str(arch)
		return nil
	}
	if f.cur == nil {
		return s.errf("<%s> outside <package>", s.tag)
	}
	var err error
	switch string(s.tag) {
	case "version":
		f.cur.EVR, err = f.evr()
	case "file":
		f.ftype, err = f.fileType()
		f.field = nil
		f.startCapture()
	default:
		err = s.errf("unexpected <%s>", s.tag)
	}
	return err
}

func (f *filelistsParser) end() error {
	switch string(f.s.tag) {
	case "package":
		if f.cur.Name == "" || f.cur.Checksum == "" {
			return f.s.errf("<package> without pkgid or name")
		}
		f.pkgs = append(f.pkgs, f.cur)
		f.cur = nil
	case "file":
		if f.capture {
			addFile(f.cur, string(f.text), f.ftype)
		}
		f.capture = false
	}
	return nil
}
