package legacy

import (
	"strings"
	"testing"

	"github.com/disco-build/disco/runtime/plan"
)

// binaryKey stands for a binary keyring: a public key packet's first byte.
const binaryKey = "\x99\x01\x0dkey"

// debMachine makes a Debian machine folder at root/dir with the given
// apt files (relative to its apt/ folder).
func debMachine(t *testing.T, root, dir string, apt map[string]string) {
	t.Helper()
	write(t, root, dir+"/packages", "openssh-server\n")
	writeMode(t, root, dir+"/init", "#!/bin/sh\n", 0o755)
	for name, text := range apt {
		write(t, root, dir+"/apt/"+name, text)
	}
}

func TestAptSources(t *testing.T) {
	root := t.TempDir()
	write(t, root, "keys/debian.gpg", binaryKey)
	write(t, root, "prod/apt/sources.list.d/base.sources", `# group source
Types: deb deb-src
URIs: http://mirror.example/debian file://${configPath}/mirror
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: ${configPath}/keys/debian.gpg
X-Repolib-Name: debian

Types: deb
URIs: http://off.example
Suites: sid
Components: main
Enabled: no
Signed-By: /nonexistent.gpg
`)
	debMachine(t, root, "prod/machines/web", map[string]string{
		"sources.list": "# one-line\ndeb [ arch=amd64 signed-by=keys/debian.gpg check-valid-until=no ] http://snap.example/archive bookworm main # pinned\n" +
			"deb-src http://snap.example/archive bookworm main\n",
		"sources.list.d/inline.sources": "Types: deb\nURIs: http://inline.example\nSuites: stable\nComponents: main\nTrusted: yes\n" +
			"Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n mQINBGPL\n -----END PGP PUBLIC KEY BLOCK-----\n",
		"sources.list.d/ignored.txt": "not a source\n",
	})
	write(t, root, "prod/machines/web/packages", "@minbase\nopenssh-server=1:9.2p1-2\n")
	res := mustRead(t, root)
	m := find(t, res.machines, "prod/web")
	if m.Format != plan.FormatDeb || m.YumConf != nil || len(m.Repos) != 0 {
		t.Fatalf("format %q, yum %v, repos %v", m.Format, m.YumConf, m.Repos)
	}
	var got []string
	for _, r := range m.AptRepos {
		var keys []string
		for _, k := range r.Keyrings {
			keys = append(keys, k.Path+strings.SplitN(k.Inline, "\n", 2)[0])
		}
		got = append(got, strings.Join([]string{r.Pos.String(), r.Name, strings.Join(r.URIs, ","), r.Suite,
			strings.Join(r.Components, ","), r.Arch, strings.Join(keys, ","), flags(r)}, " "))
	}
	want := []string{
		"prod/apt/sources.list.d/base.sources:2 base-bookworm http://mirror.example/debian bookworm main,contrib  keys/debian.gpg ",
		"prod/apt/sources.list.d/base.sources:2 base-bookworm-updates http://mirror.example/debian bookworm-updates main,contrib  keys/debian.gpg ",
		"prod/apt/sources.list.d/base.sources:2 base-bookworm-2 file://${configPath}/mirror bookworm main,contrib  keys/debian.gpg ",
		"prod/apt/sources.list.d/base.sources:2 base-bookworm-updates-2 file://${configPath}/mirror bookworm-updates main,contrib  keys/debian.gpg ",
		"prod/machines/web/apt/sources.list:2 sources-bookworm http://snap.example/archive bookworm main amd64 keys/debian.gpg expired",
		"prod/machines/web/apt/sources.list.d/inline.sources:1 inline-stable http://inline.example stable main  -----BEGIN PGP PUBLIC KEY BLOCK----- trusted",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("apt repos:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if inline := m.AptRepos[5].Keyrings[0].Inline; inline != "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGPL\n-----END PGP PUBLIC KEY BLOCK-----\n" {
		t.Errorf("inline key %q", inline)
	}
	var pkgs []string
	for _, p := range m.Packages {
		pkgs = append(pkgs, p.Name+map[bool]string{true: " (set)"}[p.Set])
	}
	if strings.Join(pkgs, ", ") != "minbase (set), openssh-server=1:9.2p1-2" {
		t.Errorf("packages: %v", pkgs)
	}
	for _, want := range []string{"base.sources:9: Enabled: no; ignored", "sources.list:3: deb-src sources are not used"} {
		if !strings.Contains(strings.Join(res.notices, "\n"), want) {
			t.Errorf("notices %q lack %q", res.notices, want)
		}
	}
}

func flags(r plan.AptRepo) string {
	var f []string
	for _, x := range []struct {
		on   bool
		name string
	}{{r.AllowUnsigned, "unsigned"}, {r.Trusted, "trusted"}, {r.AllowExpired, "expired"}} {
		if x.on {
			f = append(f, x.name)
		}
	}
	return strings.Join(f, ",")
}

// TestAptSourcesSameFileName: a group's and a machine's sources files of
// the same name give repositories of different names.
func TestAptSourcesSameFileName(t *testing.T) {
	root := t.TempDir()
	write(t, root, "keys/k.gpg", binaryKey)
	write(t, root, "g/apt/sources.list.d/debian.sources", "Types: deb\nURIs: http://a.example\nSuites: s\nComponents: main\nSigned-By: keys/k.gpg\n")
	debMachine(t, root, "g/machines/db", map[string]string{"sources.list.d/debian.sources": "Types: deb\nURIs: http://b.example\nSuites: s\nComponents: main\nSigned-By: keys/k.gpg\n"})
	m := find(t, mustRead(t, root).machines, "g/db")
	if len(m.AptRepos) != 2 || m.AptRepos[0].Name != "debian-s" || m.AptRepos[1].Name != "debian-s-2" || m.AptRepos[1].URIs[0] != "http://b.example" {
		t.Errorf("repos %+v", m.AptRepos)
	}
}

// TestAptSourcesEssential: a Debian machine without a variant gets
// @essential first, and never setup.
func TestAptSourcesEssential(t *testing.T) {
	root := t.TempDir()
	write(t, root, "keys/k.gpg", binaryKey)
	debMachine(t, root, "g/machines/db", map[string]string{"sources.list": "deb [signed-by=keys/k.gpg] http://x.example s main\n"})
	m := find(t, mustRead(t, root).machines, "g/db")
	if len(m.Packages) != 2 || !m.Packages[0].Set || m.Packages[0].Name != "essential" || m.Packages[0].Pos.String() != "g/machines/db/packages" {
		t.Errorf("packages %+v", m.Packages)
	}
}

func TestAptSourcesErrors(t *testing.T) {
	for _, c := range []struct {
		name, file, text, want string
	}{
		{"fingerprint", "sources.list", "deb [signed-by=0123456789ABCDEF0123456789ABCDEF01234567] http://x s main\n",
			"sources.list:1: Signed-By 0123456789ABCDEF0123456789ABCDEF01234567: a key fingerprint needs a system keyring"},
		{"outside the root", "sources.list", "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://x s main\n",
			"sources.list:1: Signed-By /usr/share/keyrings/debian-archive-keyring.gpg: not inside the config root"},
		{"missing keyring", "sources.list", "deb [signed-by=${configPath}/keys/none.gpg] http://x s main\n",
			"sources.list:1: Signed-By ${configPath}/keys/none.gpg: "},
		{"armored in .gpg", "sources.list", "deb [signed-by=keys/armored.gpg] http://x s main\n",
			"sources.list:1: Signed-By: keyring keys/armored.gpg: not a binary OpenPGP keyring"},
		{"unknown option", "sources.list", "deb [frobnicate=yes] http://x s main\n", `sources.list:1: unknown option "frobnicate"`},
		{"bad boolean", "sources.list", "deb [trusted=maybe] http://x s main\n", `sources.list:1: trusted "maybe": want yes or no`},
		{"two architectures", "sources.list", "deb [arch=amd64,i386] http://x s main\n", "give one architecture"},
		{"unclosed options", "sources.list", "deb [arch=amd64 http://x s main\n", "sources.list:1: options: no closing ']'"},
		{"not deb", "sources.list", "rpm http://x s main\n", `sources.list:1: "rpm": an entry starts with deb or deb-src`},
		{"too short", "sources.list", "deb http://x\n", "sources.list:1: want \"deb [ options ] uri suite component...\""},
		{"no types", "sources.list.d/a.sources", "URIs: http://x\nSuites: s\n", "a.sources:1: the stanza has no Types field"},
		{"no suites", "sources.list.d/a.sources", "Types: deb\nURIs: http://x\n", "a.sources:1: a stanza needs URIs and Suites"},
		{"deb822 syntax", "sources.list.d/a.sources", "Types: deb\nno colon here\n", "a.sources:2: "},
		{"only deb-src", "sources.list.d/a.sources", "Types: deb-src\nURIs: http://x\nSuites: s\n", "apt: no deb source"},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			write(t, root, "keys/armored.gpg", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n")
			debMachine(t, root, "g/machines/db", map[string]string{c.file: c.text})
			res := read(t, root, Options{})
			if res.err == nil || !strings.Contains(res.err.Error(), c.want) {
				t.Errorf("err = %v, want %q", res.err, c.want)
			}
		})
	}
}
