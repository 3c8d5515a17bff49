// Package repotest makes synthetic rpm-md repositories for tests and
// benchmarks of package repo: a primary.xml, filelists.xml and other.xml
// shaped like a distribution's (names, sonames, versioned and rich
// dependencies, files, long descriptions) and a repomd.xml with correct
// checksums. Output is a pure function of the arguments.
//
// Entry points: WritePrimary, WriteFilelists, WriteRepo.
package repotest

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
)

// Spec says what to generate.
type Spec struct {
	Packages int    // number of packages
	Seed     uint64 // varies the content; same seed, same bytes
}

// pkg is one synthetic package.
type pkg struct {
	name, arch, ver, rel, epoch string
	sonames                     []string
	provides, requires          []dep
	files                       []string
	dirs                        []string
}

type dep struct {
	name, flags, epoch, ver, rel string
	pre                          bool
}

const lorem = "This package provides the tools and libraries for working with the " +
	"frobnicator subsystem, including command line utilities, shared libraries, " +
	"configuration files and documentation. It is a synthetic package made for " +
	"measuring how fast repository metadata can be read &amp; parsed."

// packages derives the package set of a spec.
func (s Spec) packages() []pkg {
	rng := rand.New(rand.NewPCG(s.Seed, 0x5eed))
	pk := make([]pkg, s.Packages)
	for i := range pk {
		p := &pk[i]
		p.name = fmt.Sprintf("%s-%s%d", words[i%len(words)], words[(i/len(words))%len(words)], i)
		p.arch = []string{"x86_64", "x86_64", "x86_64", "noarch", "i686"}[i%5]
		p.ver = fmt.Sprintf("%d.%d.%d", rng.IntN(20), rng.IntN(50), rng.IntN(10))
		p.rel = fmt.Sprintf("%d.fc40", 1+rng.IntN(9))
		p.epoch = "0"
		if i%17 == 0 {
			p.epoch = fmt.Sprint(1 + rng.IntN(3))
		}
		p.sonames = []string{fmt.Sprintf("lib%s.so.%d", p.name, rng.IntN(5))}
	}
	for i := range pk {
		fill(&pk[i], pk, rng)
	}
	return pk
}

func fill(p *pkg, all []pkg, rng *rand.Rand) {
	p.provides = append(p.provides,
		dep{name: p.name, flags: "EQ", epoch: p.epoch, ver: p.ver, rel: p.rel},
		dep{name: p.name + "(x86-64)", flags: "EQ", epoch: p.epoch, ver: p.ver, rel: p.rel},
		dep{name: "config(" + p.name + ")", flags: "EQ", epoch: p.epoch, ver: p.ver, rel: p.rel})
	for _, so := range p.sonames {
		p.provides = append(p.provides, dep{name: so + "()(64bit)"},
			dep{name: so + "(" + p.name + "_1.0)(64bit)"}, dep{name: so + "(" + p.name + "_2.0)(64bit)"})
	}
	p.provides = append(p.provides, dep{name: "bundled(" + words[rng.IntN(len(words))] + ")", flags: "EQ", epoch: "0", ver: "1.2"},
		dep{name: "metainfo()"})
	p.requires = append(p.requires,
		dep{name: "/bin/sh", pre: true}, dep{name: "libc.so.6()(64bit)"},
		dep{name: "libc.so.6(GLIBC_2.34)(64bit)"}, dep{name: "rtld(GNU_HASH)"},
		dep{name: "config(" + p.name + ")", flags: "EQ", epoch: p.epoch, ver: p.ver, rel: p.rel})
	for k := 0; k < 6; k++ {
		o := &all[rng.IntN(len(all))]
		switch k % 3 {
		case 0:
			p.requires = append(p.requires, dep{name: o.sonames[0] + "()(64bit)"})
		case 1:
			p.requires = append(p.requires, dep{name: o.name, flags: "GE", epoch: "0", ver: o.ver})
		default:
			p.requires = append(p.requires, dep{name: o.name + "(x86-64)", flags: "EQ", epoch: o.epoch, ver: o.ver, rel: o.rel})
		}
	}
	o := &all[rng.IntN(len(all))]
	p.requires = append(p.requires, dep{name: "(" + o.name + " if systemd)"})
	p.files = []string{"/usr/bin/" + p.name, "/etc/" + p.name + ".conf"}
	p.dirs = []string{"/etc/" + p.name + ".d"}
}

var words = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
	"india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
	"sierra", "tango", "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "python3",
	"perl", "rust", "golang", "texlive", "kernel", "glibc", "systemd", "gnome", "kde"}

// WritePrimary writes a primary.xml for spec to w.
func WritePrimary(w io.Writer, spec Spec) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	pk := spec.packages()
	fmt.Fprintf(bw, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata xmlns=\"http://linux.duke.edu/metadata/common\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\" packages=\"%d\">\n", len(pk))
	for i := range pk {
		writePrimaryPkg(bw, &pk[i], i)
	}
	bw.WriteString("</metadata>\n")
	return bw.Flush()
}

func writePrimaryPkg(w *bufio.Writer, p *pkg, i int) {
	fmt.Fprintf(w, "<package type=\"rpm\">\n  <name>%s</name>\n  <arch>%s</arch>\n  <version epoch=\"%s\" ver=\"%s\" rel=\"%s\"/>\n",
		p.name, p.arch, p.epoch, p.ver, p.rel)
	fmt.Fprintf(w, "  <checksum type=\"sha256\" pkgid=\"YES\">%064x</checksum>\n", i+1)
	fmt.Fprintf(w, "  <summary>The %s package &lt;synthetic&gt;</summary>\n  <description>%s</description>\n", p.name, lorem)
	fmt.Fprintf(w, "  <packager>Fedora Project</packager>\n  <url>https://example.org/%s</url>\n", p.name)
	fmt.Fprintf(w, "  <time file=\"%d\" build=\"%d\"/>\n  <size package=\"%d\" installed=\"%d\" archive=\"%d\"/>\n",
		1700000000+i, 1690000000+i, 10000+i, 40000+i, 40500+i)
	fmt.Fprintf(w, "  <location href=\"Packages/%c/%s-%s-%s.%s.rpm\"/>\n  <format>\n", p.name[0], p.name, p.ver, p.rel, p.arch)
	fmt.Fprintf(w, "    <rpm:license>MIT AND (BSD-3-Clause OR GPL-2.0-or-later)</rpm:license>\n    <rpm:vendor>Fedora Project</rpm:vendor>\n")
	fmt.Fprintf(w, "    <rpm:group>Unspecified</rpm:group>\n    <rpm:buildhost>buildvm-x86-%02d.iad2.fedoraproject.org</rpm:buildhost>\n", i%40)
	fmt.Fprintf(w, "    <rpm:sourcerpm>%s-%s-%s.src.rpm</rpm:sourcerpm>\n    <rpm:header-range start=\"4504\" end=\"%d\"/>\n", p.name, p.ver, p.rel, 9000+i)
	writeDeps(w, "provides", p.provides)
	writeDeps(w, "requires", p.requires)
	if i%7 == 0 {
		writeDeps(w, "obsoletes", []dep{{name: p.name + "-old", flags: "LT", epoch: "0", ver: p.ver}})
	}
	if i%5 == 0 {
		writeDeps(w, "recommends", []dep{{name: p.name + "-doc"}})
	}
	for _, f := range p.files {
		fmt.Fprintf(w, "    <file>%s</file>\n", f)
	}
	for _, d := range p.dirs {
		fmt.Fprintf(w, "    <file type=\"dir\">%s</file>\n", d)
	}
	w.WriteString("  </format>\n</package>\n")
}

func writeDeps(w *bufio.Writer, kind string, deps []dep) {
	fmt.Fprintf(w, "    <rpm:%s>\n", kind)
	for _, d := range deps {
		fmt.Fprintf(w, "      <rpm:entry name=\"%s\"", escape(d.name))
		if d.flags != "" {
			fmt.Fprintf(w, " flags=\"%s\" epoch=\"%s\" ver=\"%s\"", d.flags, d.epoch, d.ver)
			if d.rel != "" {
				fmt.Fprintf(w, " rel=\"%s\"", d.rel)
			}
		}
		if d.pre {
			w.WriteString(" pre=\"1\"")
		}
		w.WriteString("/>\n")
	}
	fmt.Fprintf(w, "    </rpm:%s>\n", kind)
}

func escape(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '&':
			out = append(out, "&amp;"...)
		case '<':
			out = append(out, "&lt;"...)
		case '>':
			out = append(out, "&gt;"...)
		case '"':
			out = append(out, "&quot;"...)
		default:
			out = append(out, s[i])
		}
	}
	return string(out)
}

// WriteFilelists writes a filelists.xml for spec to w: the primary files
// plus a dozen more per package.
func WriteFilelists(w io.Writer, spec Spec) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	pk := spec.packages()
	fmt.Fprintf(bw, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<filelists xmlns=\"http://linux.duke.edu/metadata/filelists\" packages=\"%d\">\n", len(pk))
	for i := range pk {
		p := &pk[i]
		fmt.Fprintf(bw, "<package pkgid=\"%064x\" name=\"%s\" arch=\"%s\">\n  <version epoch=\"%s\" ver=\"%s\" rel=\"%s\"/>\n",
			i+1, p.name, p.arch, p.epoch, p.ver, p.rel)
		for _, f := range p.files {
			fmt.Fprintf(bw, "  <file>%s</file>\n", f)
		}
		for _, d := range p.dirs {
			fmt.Fprintf(bw, "  <file type=\"dir\">%s</file>\n", d)
		}
		for k := 0; k < 12; k++ {
			fmt.Fprintf(bw, "  <file>/usr/share/doc/%s/file%d.txt</file>\n", p.name, k)
		}
		fmt.Fprintf(bw, "  <file type=\"ghost\">/var/log/%s.log</file>\n</package>\n", p.name)
	}
	bw.WriteString("</filelists>\n")
	return bw.Flush()
}
