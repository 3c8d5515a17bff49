package stages

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/rpmtest"
	"github.com/disco-build/disco/stages/rpm"
)

func synthBytes(t *testing.T, name string, format int) []byte {
	t.Helper()
	b, err := rpmtest.Synth{Name: name, Version: "1", Release: "1", Arch: "noarch", Format: format,
		Files: map[string]string{"/usr/share/" + name + "/data": strings.Repeat(name, 1000)}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestInstallFormats installs an rpm 3, an rpmbuild 4.18-style and an rpm
// 6 package from the store.
func TestInstallFormats(t *testing.T) {
	tr, installed, err := installAll(t, synthBytes(t, "three", 3), synthBytes(t, "four", 4), synthBytes(t, "six", 6))
	if err != nil {
		t.Fatal(err)
	}
	if err := writeRPMDB(tr, installed, 1700000000); err != nil {
		t.Fatalf("rpmdb: %v", err) // "header has no immutable region" for rpm 3's
	}
	for _, n := range []string{"three", "four", "six"} {
		got, err := os.ReadFile(filepath.Join(tr.Dir(), "usr/share", n, "data"))
		if err != nil || string(got) != strings.Repeat(n, 1000) {
			t.Errorf("%s: %d bytes, %v", n, len(got), err)
		}
	}
}

// TestInstallRefusesCorruptHeader: one byte of a header changed (the store
// holds the file under its own, matching, SHA-256, as a repository
// regenerated after the damage would list it). The install refuses it,
// naming the package, the digest and both values, before anything at all
// is written: headers are checked when the packages are opened. It used to
// install.
func TestInstallRefusesCorruptHeader(t *testing.T) {
	good, bad := synthBytes(t, "aaa", 6), synthBytes(t, "bbb", 4)
	i := bytes.Index(bad, []byte("written byte by byte"))
	bad[i] ^= 0x20
	tr, err := installErr(t, good, bad)
	var de *rpm.DigestError
	if !errors.As(err, &de) || de.Digest.Name != "SHA256HEADER" ||
		!strings.Contains(err.Error(), "package bbb-1-1.noarch: SHA256HEADER (SHA-256 of the header) does not match: expected "+de.Digest.Want+", got "+de.Got) {
		t.Fatalf("error %v, want the SHA256HEADER mismatch of bbb", err)
	}
	if n := len(tr.Manifest().Paths()); n > 1 {
		t.Errorf("%d paths written before the refusal: %v", n, tr.Manifest().Paths())
	}
	if entries, _ := os.ReadDir(tr.Dir()); len(entries) != 0 {
		t.Errorf("the tree holds %d entries", len(entries))
	}
}
