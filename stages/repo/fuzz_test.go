package repo_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/repo/repotest"
)

// FuzzReadMetadata feeds arbitrary documents to the primary and filelists
// readers: they must not panic, and every error must name the file.
func FuzzReadMetadata(f *testing.F) {
	var p, fl bytes.Buffer
	repotest.WritePrimary(&p, repotest.Spec{Packages: 2})
	repotest.WriteFilelists(&fl, repotest.Spec{Packages: 2})
	f.Add(p.Bytes())
	f.Add(fl.Bytes())
	f.Add([]byte(`<metadata packages="1"><package><name>a</name><arch>x</arch><version ver="1"/><summary><![CDATA[<]]>&#65;</summary></package></metadata>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		pk, err := repo.ReadPrimary(bytes.NewReader(doc), "p.xml")
		if err != nil && !strings.HasPrefix(err.Error(), "p.xml") {
			t.Fatalf("primary error without file name: %v", err)
		}
		for _, p := range pk {
			if p.Name == "" || p.Arch == "" || p.Version == "" {
				t.Fatalf("package without name, arch or version: %+v", p)
			}
		}
		err = repo.ReadFilelists(bytes.NewReader(doc), "f.xml", pk)
		if err != nil && !strings.HasPrefix(err.Error(), "f.xml") {
			t.Fatalf("filelists error without file name: %v", err)
		}
	})
}
