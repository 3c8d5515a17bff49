package plan

import (
	"strings"
	"testing"
)

func debMachine() *Machine {
	return &Machine{Pos: Pos{File: "m.star", Line: 3, Col: 8}, Name: "web", Group: "g",
		AptRepos: []AptRepo{{Pos: Pos{File: "m.star", Line: 1, Col: 5}, Name: "deb", URIs: []string{"http://x"}, Suite: "stable",
			Components: []string{"main"}, Keyrings: []Keyring{{Path: "keys/k.gpg", SHA256: "00"}}}},
		Packages: []Package{{Name: "bash"}}}
}

// TestDebDefaults: a machine with apt repositories is a Debian one, of
// architecture amd64 (or its repository's), with apt's default pin.
func TestDebDefaults(t *testing.T) {
	m := debMachine()
	Default(&Plan{Machines: []*Machine{m}})
	if m.Format != FormatDeb || m.PackageFormat() != FormatDeb || m.Arch != "amd64" || m.AptRepos[0].Priority != 500 {
		t.Errorf("format %q arch %q priority %d", m.Format, m.Arch, m.AptRepos[0].Priority)
	}
	arm := debMachine()
	arm.AptRepos[0].Arch = "arm64"
	Default(&Plan{Machines: []*Machine{arm}})
	if arm.Arch != "arm64" {
		t.Errorf("arch %q, want the repository's", arm.Arch)
	}
	rpm := &Machine{Name: "db", Group: "g"}
	Default(&Plan{Machines: []*Machine{rpm}})
	if rpm.Format != "" || rpm.PackageFormat() != FormatRPM || rpm.Arch != "x86_64" {
		t.Errorf("RPM machine: format %q arch %q", rpm.Format, rpm.Arch)
	}
	if err := (&Plan{Machines: []*Machine{m, rpm}}).Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestDebValidate(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(m *Machine)
		want   string
	}{
		{"mixed", func(m *Machine) {
			m.Repos = []Repo{{Pos: Pos{File: "m.star", Line: 2, Col: 5}, ID: "base", BaseURLs: []string{"x"}}}
		},
			`m.star:3:8: machine g/web mixes RPM repositories (repo "base" at m.star:2:5) and Debian ones (apt_repo "deb" at m.star:1:5)`},
		{"no keyring", func(m *Machine) { m.AptRepos[0].Keyrings = nil }, `apt_repo "deb": needs a keyring`},
		{"flat", func(m *Machine) { m.AptRepos[0].Suite = "./" }, "flat repositories"},
		{"no component", func(m *Machine) { m.AptRepos[0].Components = nil }, "needs at least one component"},
		{"foreign arch", func(m *Machine) { m.AptRepos[0].Arch = "i386" }, `arch "i386" is not the machine's ("amd64")`},
		{"rpm arch", func(m *Machine) { m.Arch = "x86_64" }, `arch "x86_64" is RPM's name; Debian calls it "amd64"`},
		{"twice", func(m *Machine) { m.AptRepos = append(m.AptRepos, m.AptRepos[0]) }, `apt_repo "deb" declared twice`},
		{"bad name", func(m *Machine) { m.Packages[0].Name = "Bash" }, `package request "Bash"`},
		{"bad version", func(m *Machine) { m.Packages[0].Name = "bash=a:1" }, `package request "bash=a:1"`},
		{"bad arch", func(m *Machine) { m.Packages[0].Name = "bash:AMD" }, `bad architecture "AMD"`},
		{"unknown set", func(m *Machine) { m.Packages[0] = Package{Name: "tiny", Set: true} }, `package set "tiny": Debian machines know`},
		{"set on RPM", func(m *Machine) { m.AptRepos, m.Format = nil, ""; m.Packages[0] = Package{Name: "minbase", Set: true} },
			"package sets are for Debian machines"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := debMachine()
			m.Arch = "amd64"
			m.Format = FormatDeb
			c.change(m)
			err := (&Plan{Machines: []*Machine{m}}).Validate()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
		})
	}
	for _, ok := range []string{"bash", "bash=5.2.15-2+b7", "bash:amd64", "bash:any", "libc6:amd64=2.36-9", "g++-12", "a=1:2~rc1"} {
		if err := CheckDebRequest(Package{Name: ok}); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

// TestRPMDigestUnchanged: the Debian fields leave an RPM machine's digest
// as it was (locks record it): this one was computed before they came.
func TestRPMDigestUnchanged(t *testing.T) {
	m := &Machine{Name: "web", Group: "default", Source: SourceStarlark, Packages: []Package{{Name: "bash"}, {Name: "coreutils"}},
		Repos: []Repo{{ID: "local", BaseURLs: []string{"../repo"}, Enabled: true}}}
	Default(&Plan{Machines: []*Machine{m}})
	d, _ := m.Digest()
	if want := "sha256:de47d489f093e6f04d0e3c8ceb3e403fb6a9cd34c2b33c35bd975f5d4b4e6c2b"; d != want {
		t.Errorf("digest %s, want %s (testdata/script/lock_basic.txtar's)", d, want)
	}
}
