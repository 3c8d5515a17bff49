package lockfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func pkg(name, ver, rel, arch, sum string) Package {
	return Package{Name: name, Version: ver, Release: rel, Arch: arch, Repo: "base", Location: "Packages/" + name + ".rpm", SHA256: sum, Size: 10}
}

func TestRoundTripAndOrder(t *testing.T) {
	l := New()
	l.Machines["prod/web"] = &Machine{Digest: "sha256:x", Repos: []Repo{{ID: "z"}, {ID: "a"}},
		Packages: []Package{pkg("zsh", "5", "1", "x86_64", "1"), pkg("bash", "5", "1", "x86_64", "2")}}
	path := filepath.Join(t.TempDir(), Name)
	if err := l.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(path)
	if strings.Index(string(first), "bash") > strings.Index(string(first), "zsh") {
		t.Errorf("packages not sorted:\n%s", first)
	}
	back, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := back.Marshal()
	if string(again) != string(first) {
		t.Errorf("round trip changed bytes")
	}
	if _, err := Parse("x", []byte(`{"version": 1, "machines": {}, "extra": 1}`)); err == nil {
		t.Errorf("unknown field accepted")
	}
	if _, err := Parse("x", []byte(`{"version": 9, "machines": {}}`)); err == nil || !strings.Contains(err.Error(), "version 9") {
		t.Errorf("future version: %v", err)
	}
	missing, err := Read(filepath.Join(t.TempDir(), "none"))
	if err != nil || len(missing.Machines) != 0 {
		t.Errorf("missing lock: %v", err)
	}
}

func TestDiff(t *testing.T) {
	old := &Machine{Packages: []Package{pkg("bash", "5.1", "1", "x86_64", "a"), pkg("grep", "3", "1", "x86_64", "b"),
		pkg("sed", "4.9", "1", "x86_64", "c"), pkg("tar", "1.3", "1", "x86_64", "d")}}
	cur := &Machine{Packages: []Package{pkg("bash", "5.2", "1", "x86_64", "e"), pkg("sed", "4.8", "1", "x86_64", "f"),
		pkg("tar", "1.3", "1", "x86_64", "g"), pkg("zsh", "5", "1", "x86_64", "h")}}
	var got []string
	for _, c := range Diff(old, cur) {
		got = append(got, c.String())
	}
	want := []string{
		"~ bash.x86_64 5.1-1 -> 5.2-1 (upgraded)",
		"- grep-3-1.x86_64",
		"~ sed.x86_64 4.9-1 -> 4.8-1 (downgraded)",
		"~ tar.x86_64 1.3-1 -> 1.3-1 (changed)",
		"+ zsh-5-1.x86_64",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d := Diff(cur, cur); len(d) != 0 {
		t.Errorf("self diff: %v", d)
	}
}

// TestWriteChangesRewrites: an entry whose packages stay but whose plan
// digest or repository metadata changed says so instead of "no changes".
func TestWriteChangesRewrites(t *testing.T) {
	old := &Machine{Digest: "sha256:a", Repos: []Repo{{ID: "base", RepomdSHA256: "1"}, {ID: "gone", RepomdSHA256: "2"}},
		Packages: []Package{pkg("bash", "5.1", "1", "x86_64", "a")}}
	same := *old
	newDigest := *old
	newDigest.Digest = "sha256:b"
	newRepos := *old
	newRepos.Repos = []Repo{{ID: "base", RepomdSHA256: "3"}, {ID: "new", RepomdSHA256: "4"}}
	both := newRepos
	both.Digest = "sha256:b"
	upgraded := both
	upgraded.Packages = []Package{pkg("bash", "5.2", "1", "x86_64", "b")}
	for _, c := range []struct {
		cur  *Machine
		want string
	}{
		{&same, "web: no changes\n"},
		{&newDigest, "web: plan digest changed; packages unchanged\n"},
		{&newRepos, "web: repository metadata (base, gone, new) changed; packages unchanged\n"},
		{&both, "web: plan digest and repository metadata (base, gone, new) changed; packages unchanged\n"},
		{&upgraded, "web: 1 changes; plan digest and repository metadata (base, gone, new) changed\n  ~ bash.x86_64 5.1-1 -> 5.2-1 (upgraded)\n"},
	} {
		var b strings.Builder
		if err := WriteChanges(&b, "web", Diff(old, c.cur), Rewrites(old, c.cur)); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("got %q, want %q", b.String(), c.want)
		}
	}
	if rw := Rewrites(nil, old); rw != nil {
		t.Errorf("new entry: rewrites %v", rw)
	}
}

func debPkg(name, ver, sum string) Package {
	return Package{Name: name, Version: ver, Arch: "amd64", Repo: "bookworm", Location: "pool/main/" + name + ".deb", SHA256: sum, Size: 10}
}

// TestDebianEntries: a Debian entry is written without epoch and release,
// read back as written, and makes the file version 2; a lock of RPM
// machines only stays version 1, as locks were before Debian.
func TestDebianEntries(t *testing.T) {
	l := New()
	l.Machines["prod/web"] = &Machine{Digest: "sha256:x", Repos: []Repo{{ID: "base", RepomdSHA256: "1"}},
		Packages: []Package{pkg("bash", "5", "1", "x86_64", "2")}}
	rpmOnly, err := l.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(rpmOnly), "{\n  \"version\": 1,") || strings.Contains(string(rpmOnly), "format") ||
		!strings.Contains(string(rpmOnly), `"epoch": 0`) || strings.Contains(string(rpmOnly), "release_sha256") {
		t.Errorf("RPM-only lock:\n%s", rpmOnly)
	}
	l.Machines["deb/web"] = &Machine{Digest: "sha256:y", Format: FormatDeb,
		Repos:    []Repo{{ID: "bookworm", Release: "dists/bookworm/InRelease", ReleaseSHA256: "abc"}},
		Packages: []Package{debPkg("zsh", "5.9-4+b1", "3"), debPkg("bash", "1:5.2.15-2+b7", "4")}}
	both, err := l.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	text := string(both)
	deb := text[strings.Index(text, `"deb/web"`):strings.Index(text, `"prod/web"`)]
	for _, want := range []string{`"version": 2,`, `"format": "deb"`, `"release": "dists/bookworm/InRelease"`, `"version": "1:5.2.15-2+b7"`} {
		if !strings.Contains(text, want) {
			t.Errorf("lock lacks %s:\n%s", want, text)
		}
	}
	if strings.Contains(deb, "epoch") || strings.Contains(deb, `"release": ""`) || strings.Contains(deb, "repomd") || strings.Index(deb, "bash") > strings.Index(deb, "zsh") {
		t.Errorf("Debian entry:\n%s", deb)
	}
	back, err := Parse("x", both)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Machines["deb/web"].Packages[0]; got != debPkg("bash", "1:5.2.15-2+b7", "4") {
		t.Errorf("read back %+v", got)
	}
	if again, _ := back.Marshal(); string(again) != text {
		t.Errorf("round trip changed bytes:\n%s", again)
	}
	for _, bad := range []string{
		`{"version": 2, "machines": {"a/b": {"digest": "", "format": "deb", "repos": [], "packages": [{"name": "x", "epoch": 0}]}}}`,
		`{"version": 2, "machines": {"a/b": {"digest": "", "format": "apk", "repos": [], "packages": []}}}`,
		`{"version": 2, "machines": {"a/b": {"digest": "", "repos": [], "packages": [], "extra": 1}}}`,
	} {
		if _, err := Parse("x", []byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestDiffDebian(t *testing.T) {
	old := &Machine{Format: FormatDeb, Packages: []Package{debPkg("bash", "5.2-1", "a"), debPkg("grep", "3.8-5", "b"), debPkg("sed", "1:4.9-1", "c")}}
	cur := &Machine{Format: FormatDeb, Packages: []Package{debPkg("bash", "5.2-1+b1", "d"), debPkg("sed", "4.10-1", "e"), debPkg("zsh", "5.9~rc1-1", "f")}}
	var got []string
	for _, c := range Diff(old, cur) {
		got = append(got, c.String())
	}
	want := []string{
		"~ bash:amd64 5.2-1 -> 5.2-1+b1 (upgraded)",
		"- grep_3.8-5_amd64",
		"~ sed:amd64 1:4.9-1 -> 4.10-1 (downgraded)",
		"+ zsh_5.9~rc1-1_amd64",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	newRelease := *cur
	newRelease.Repos = []Repo{{ID: "bookworm", Release: "dists/bookworm/InRelease", ReleaseSHA256: "2"}}
	cur.Repos = []Repo{{ID: "bookworm", Release: "dists/bookworm/InRelease", ReleaseSHA256: "1"}}
	if rw := Rewrites(cur, &newRelease); strings.Join(rw, " ") != "repo:bookworm" {
		t.Errorf("Rewrites: %v", rw)
	}
}
