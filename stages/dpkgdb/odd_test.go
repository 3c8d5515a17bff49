package dpkgdb

import (
	"github.com/disco-build/disco/stages/deb/debfixture"
)

// oddControl is a control file with every field dpkg normalises, written
// the way dpkg would not write it.
const oddControl = `Package: odd
Version: 0:1.0-1
Architecture: amd64
Essential: Yes
Protected: yes
Priority: Extra
Section: misc
Installed-Size: 1
Maintainer: Someone <someone@example.org>
Multi-Arch: Foreign
Source: odd-src (0.9)
Depends: Foo(>=1.0),bar|baz (<< 2) ,qux:any (< 3), quux (1.0)
  , folded   (  >   1  )
Pre-Depends: pre (>= 0:2)
Provides: virt (= 1:1), virt2
Conflicts: c (>> 1:0)
Breaks: b
Replaces: r (<< 2~)
Recommends: rec
Suggests: sug
Enhances: enh
Built-Using: a (= 1)
X-Empty:
Homepage: https://example.org
Description: short description
 long line
 .
 more
`

const plainControl = `Package: plain
Version: 2.0
Architecture: all
Essential: no
Priority: unknown
Multi-Arch: no
Maintainer: Someone <someone@example.org>
Description: plain
`

// oddDebs are hand-made packages: oddControl with conffiles (one flagged
// remove-on-upgrade), trigger interests and activations, shlibs, symbols,
// templates, a config script, md5sums, and data with hard links, symbolic
// links and a FIFO; and plainControl, whose fields dpkg drops, without
// md5sums (dpkg writes its own) but with a conffile and a hard link.
func oddDebs() [][]byte {
	d := debfixture.Deb{
		Control: oddControl,
		ControlFiles: map[string]string{
			"conffiles":  "/etc/odd.conf\nremove-on-upgrade /etc/old.conf\n",
			"triggers":   "# comment\ninterest odd-trigger\ninterest-noawait /usr/share/odd\nactivate-noawait ldconfig\n",
			"shlibs":     "libodd 1 odd (>= 1.0)\n",
			"symbols":    "libodd.so.1 odd #MINVER#\n odd_fn@Base 1.0\n",
			"templates":  "Template: odd/question\nType: boolean\nDefault: true\nDescription: a question?\n",
			"config":     "#!/bin/sh\nexit 0\n",
			"md5sums":    "d41d8cd98f00b204e9800998ecf8427e  usr/share/odd/empty\n",
			"preinst":    "#!/bin/sh\nexit 0\n",
			"README.txt": "a control file with a dot, which dpkg does not keep\n",
		},
		Data: []debfixture.Entry{
			debfixture.Dir("./", 0o755), debfixture.Dir("./etc/", 0o755), debfixture.File("./etc/odd.conf", 0o644, "conf\n"),
			debfixture.Dir("./usr/", 0o755), debfixture.Dir("./usr/share/", 0o755), debfixture.Dir("./usr/share/odd/", 0o755),
			debfixture.File("./usr/share/odd/empty", 0o644, ""), debfixture.Symlink("./usr/share/odd/link", "empty"),
			debfixture.File("./usr/share/odd/data", 0o4755, "data\n"), debfixture.HardLink("./usr/share/odd/hard", "./usr/share/odd/data", 0o4755),
			debfixture.FIFO("./usr/share/odd/fifo", 0o600),
		},
	}
	p := debfixture.Deb{Control: plainControl, ControlFiles: map[string]string{"conffiles": "/etc/plain\n"},
		Data: []debfixture.Entry{debfixture.Dir("./", 0o755), debfixture.Dir("./etc/", 0o755),
			debfixture.File("./etc/plain", 0o644, "plain conffile\n"), debfixture.Dir("./usr/", 0o755),
			debfixture.File("./usr/one", 0o755, "one\n"), debfixture.HardLink("./usr/two", "./usr/one", 0o755),
			debfixture.Symlink("./usr/three", "one"), debfixture.File("./usr/empty", 0o644, "")}}
	return [][]byte{d.Bytes(), p.Bytes(), maLib("i386"), maLib("amd64")}
}

// maLib is a Multi-Arch: same library for arch, whose database files are
// named "malib:ARCH" and whose stanzas sort by architecture.
func maLib(arch string) []byte {
	d := debfixture.Deb{
		Fields: [][2]string{{"Package", "malib"}, {"Version", "1"}, {"Architecture", arch}, {"Multi-Arch", "same"},
			{"Maintainer", "Someone <someone@example.org>"}, {"Description", "a library"}},
		ControlFiles: map[string]string{"triggers": "activate-noawait ldconfig\n", "shlibs": "libma 1 malib\n"},
		Data: []debfixture.Entry{debfixture.Dir("./", 0o755), debfixture.Dir("./usr/", 0o755), debfixture.Dir("./usr/lib/", 0o755),
			debfixture.Dir("./usr/lib/"+arch+"/", 0o755), debfixture.File("./usr/lib/"+arch+"/libma.so.1", 0o644, "lib "+arch)},
	}
	return d.Bytes()
}
