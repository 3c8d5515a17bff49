package report

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/disk"
	"github.com/disco-build/disco/stages/ids"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/manifest"
)

const fixtureEpoch = 1700000000

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func fixtureMachine() *plan.Machine {
	return &plan.Machine{Name: "web-1", Group: "estate", Source: plan.SourceStarlark, Arch: "x86_64",
		Packages: []plan.Package{{Name: "bash"}, {Name: "vim-minimal"}}}
}

// fixtureEntries are a small root: folders from disco, files from a
// package, an overlay and a generator, a hard link, a device and a symlink.
func fixtureEntries() []*manifest.Entry {
	const bash = "package:bash-5.2.15-3.fc39.x86_64"
	return []*manifest.Entry{
		{Path: "/etc", Kind: manifest.Dir, Mode: 0o755, Source: "disco"},
		{Path: "/etc/motd", Kind: manifest.File, Mode: 0o644, Size: 12, SHA256: sum("hello world\n"), Source: "overlay:base"},
		{Path: "/etc/hostname", Kind: manifest.File, Mode: 0o644, Size: 6, SHA256: sum("web-1\n"), Source: "generator:hostname"},
		{Path: "/usr", Kind: manifest.Dir, Mode: 0o755, Source: "disco"},
		{Path: "/usr/bin", Kind: manifest.Dir, Mode: 0o755, Source: bash},
		{Path: "/usr/bin/bash", Kind: manifest.File, Mode: 0o755, Size: 1000, SHA256: sum("bash"), Source: bash},
		{Path: "/usr/bin/rbash", Kind: manifest.File, Mode: 0o755, Size: 1000, SHA256: sum("bash"), Link: "/usr/bin/bash", Source: bash},
		{Path: "/usr/bin/sh", Kind: manifest.Symlink, Mode: 0o777, Target: "bash", Source: bash},
		{Path: "/usr/bin/sudo", Kind: manifest.File, Mode: 0o4111, Size: 300, SHA256: sum("sudo"), Source: "overlay:base"},
		{Path: "/dev", Kind: manifest.Dir, Mode: 0o755, Source: "disco"},
		{Path: "/dev/console", Kind: manifest.Char, Mode: 0o600, Major: 5, Minor: 1, Source: "devices:devices.txt:1"},
	}
}

func fixtureManifest(t *testing.T, reverse bool) *manifest.Manifest {
	t.Helper()
	m := manifest.New(fixtureEpoch)
	es := fixtureEntries()
	if reverse {
		// Parents first, otherwise in a different order.
		slices.SortStableFunc(es, func(a, b *manifest.Entry) int { return depth(a.Path) - depth(b.Path) })
		slices.Reverse(es)
		slices.SortStableFunc(es, func(a, b *manifest.Entry) int { return depth(a.Path) - depth(b.Path) })
	}
	for _, e := range es {
		e.Mtime = fixtureEpoch
		if err := m.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func depth(p string) int {
	n := 0
	for _, c := range p {
		if c == '/' {
			n++
		}
	}
	return n
}

func fixtureLock(t *testing.T, m *plan.Machine) *lockfile.Machine {
	t.Helper()
	d, err := m.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return &lockfile.Machine{
		Digest: d,
		Repos:  []lockfile.Repo{{ID: "updates", RepomdSHA256: sum("updates")}, {ID: "fedora", RepomdSHA256: sum("fedora")}},
		Packages: []lockfile.Package{
			{Name: "vim-minimal", Epoch: 2, Version: "9.0.2081", Release: "1.fc39", Arch: "x86_64", Repo: "updates",
				Location: "Packages/v/vim-minimal-9.0.2081-1.fc39.x86_64.rpm", SHA256: sum("vim"), Size: 800000, BuildTime: 1698000000},
			{Name: "bash", Version: "5.2.15", Release: "3.fc39", Arch: "x86_64", Repo: "fedora",
				Location: "Packages/b/bash-5.2.15-3.fc39.x86_64.rpm", SHA256: sum("bash-rpm"), Size: 1900000, BuildTime: 1690000000},
			{Name: "libstdc++", Version: "13.2.1+git1", Release: "4.fc39", Arch: "x86_64", Repo: "fedora",
				Location: "Packages/l/libstdc++-13.2.1+git1-4.fc39.x86_64.rpm", SHA256: sum("libstdc++"), Size: 900000},
		},
	}
}

func fixtureLayout() *disk.Layout {
	return &disk.Layout{
		Table: "gpt", Size: 256 << 20, DiskGUID: ids.UUID("estate", "web-1"), DiskID: ids.VolumeID("estate", "web-1"),
		Partitions: []disk.Partition{
			{Name: "esp", Size: 64 << 20, Type: "esp", GUID: ids.UUID("estate", "web-1", "esp"), Label: "EFI System",
				Mount: "/boot/efi", FSType: "vfat", FSUUID: "1234-ABCD"},
			{Name: "root", Type: "linux", GUID: ids.UUID("estate", "web-1", "root"), Label: "root",
				Mount: "/", FSType: "ext4", FSUUID: ids.Format(ids.UUID("estate", "web-1", "root", "fs"))},
		},
	}
}

func fixtureInput(t *testing.T) Input {
	m := fixtureMachine()
	return Input{
		Machine:  m,
		Lock:     fixtureLock(t, m),
		Manifest: fixtureManifest(t, false),
		Layout:   fixtureLayout(),
		Outcomes: []Outcome{
			{Package: "bash-5.2.15-3.fc39.x86_64", Name: "post", Status: "ran", Seconds: 0.25},
			{Package: "vim-minimal-2:9.0.2081-1.fc39.x86_64", Name: "posttrans", Status: "failed", ExitCode: 1, Seconds: 0.5,
				Reason: "exited with status 1 | see log"},
			{Name: "hostname", Status: "ran", Seconds: 0.125},
		},
		Outputs: []Output{
			{Format: "raw", Path: "web-1.raw", Size: 256 << 20, SHA256: sum("raw image")},
			{Format: "qcow2", Path: "web-1.qcow2", Size: 70 << 20, SHA256: sum("qcow2 image")},
		},
		Epoch: fixtureEpoch,
		Tool:  "disco devel",
	}
}

// shuffledInput is fixtureInput with every list and the manifest built
// in another order; outcomes keep theirs (they are reported as run).
func shuffledInput(t *testing.T) Input {
	in := fixtureInput(t)
	slices.Reverse(in.Lock.Packages)
	slices.Reverse(in.Lock.Repos)
	slices.Reverse(in.Outputs)
	in.Manifest = fixtureManifest(t, true)
	return in
}

func build(t *testing.T, in Input) *Report {
	t.Helper()
	r, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
