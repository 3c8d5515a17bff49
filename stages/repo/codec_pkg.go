package repo

import (
	"strings"

	"github.com/disco-build/disco/stages/rpmver"
)

func (d *decoder) pkg(p *Package) {
	p.Name = d.str()
	p.Arch = d.str()
	p.EVR = d.evr()
	for _, s := range []*string{&p.RepoID, &p.ChecksumType, &p.Checksum, &p.Location, &p.LocationBase} {
		*s = d.str()
	}
	for _, n := range []*int64{&p.PackageSize, &p.InstalledSize, &p.BuildTime, &p.FileTime} {
		*n = d.int()
	}
	p.SourceRPM = d.str()
	p.Summary = d.str()
	for _, l := range depLists(p) {
		*l = d.depList()
	}
	if d.files != nil {
		d.filteredFiles(p)
		return
	}
	if n := d.Count(); n > 0 {
		p.Files = make([]string, n)
		for i := range p.Files {
			p.Files[i] = d.str()
		}
	}
	p.FilesComplete = d.bool()
	if d.bool() {
		p.FileTypes = make([]FileType, len(p.Files))
		for i := range p.FileTypes {
			p.FileTypes[i] = FileType(d.Uint())
		}
	}
}

// filteredFiles reads a package's files keeping only those in d.files.
func (d *decoder) filteredFiles(p *Package) {
	var kept []int
	n := d.Count()
	for i := 0; i < n; i++ {
		if f := d.str(); d.files[f] {
			p.Files = append(p.Files, strings.Clone(f))
			kept = append(kept, i)
		}
	}
	p.FilesComplete = d.bool()
	if !d.bool() {
		return
	}
	for i, k := 0, 0; i < n; i++ {
		t := FileType(d.Uint())
		if k < len(kept) && kept[k] == i {
			if t != FilePlain && p.FileTypes == nil {
				p.FileTypes = make([]FileType, len(kept))
			}
			if p.FileTypes != nil {
				p.FileTypes[k] = t
			}
			k++
		}
	}
}

func (d *decoder) depList() []rpmver.Dep {
	n := d.Count()
	if n == 0 {
		return nil
	}
	if len(d.deps) < n {
		d.deps = make([]rpmver.Dep, max(n, 1<<14))
	}
	l := d.deps[:n:n]
	d.deps = d.deps[n:]
	for i := range l {
		l[i].Name = d.str()
		f := d.Uint()
		l[i].Pre = f&1 != 0
		l[i].Flags = rpmver.Flags(f >> 1)
		if l[i].Flags != rpmver.Any {
			l[i].EVR = d.evr()
		}
	}
	return l
}
