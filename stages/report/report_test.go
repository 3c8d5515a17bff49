package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/disk"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// writers are the three renderings, each with its golden file.
var writers = []struct {
	golden string
	write  func(*Report, *bytes.Buffer) error
}{
	{"report.golden.json", func(r *Report, b *bytes.Buffer) error { return r.WriteJSON(b) }},
	{"report.golden.md", func(r *Report, b *bytes.Buffer) error { return r.WriteMarkdown(b) }},
	{"spdx.golden.json", func(r *Report, b *bytes.Buffer) error { return r.WriteSPDX(b) }},
}

func render(t *testing.T, r *Report, i int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := writers[i].write(r, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	r := build(t, fixtureInput(t))
	for i, w := range writers {
		got := render(t, r, i)
		path := filepath.Join("testdata", w.golden)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs (run go test -update and review the diff):\n%s", path, got)
		}
	}
}

// TestDeterministic builds twice from inputs given in different orders
// (lock lists, outputs, manifest insertion) and wants the same bytes.
func TestDeterministic(t *testing.T) {
	a, b := build(t, fixtureInput(t)), build(t, shuffledInput(t))
	for i, w := range writers {
		if x, y := render(t, a, i), render(t, b, i); !bytes.Equal(x, y) {
			t.Errorf("%s: two builds differ:\n%s\n---\n%s", w.golden, x, y)
		}
	}
}

func TestJSONContent(t *testing.T) {
	var doc struct {
		PlanDigest string `json:"plan_digest"`
		Packages   []struct {
			NEVRA string `json:"nevra"`
		} `json:"packages"`
		Disk struct {
			Size       int64 `json:"size"`
			Partitions []struct {
				Name   string `json:"name"`
				Start  int64  `json:"start"`
				Size   int64  `json:"size"`
				TypeID string `json:"type_id"`
			} `json:"partitions"`
		} `json:"disk"`
		Files []struct {
			Path, Mode, Source string
		} `json:"files"`
		Sources     []SourceTotal `json:"sources"`
		SourceKinds []SourceTotal `json:"source_kinds"`
	}
	in := fixtureInput(t)
	if err := json.Unmarshal(render(t, build(t, in), 0), &doc); err != nil {
		t.Fatal(err)
	}
	if want, _ := in.Machine.Digest(); doc.PlanDigest != want {
		t.Errorf("plan_digest %q, want %q", doc.PlanDigest, want)
	}
	var nevras []string
	for _, p := range doc.Packages {
		nevras = append(nevras, p.NEVRA)
	}
	if got := strings.Join(nevras, " "); got != "bash-5.2.15-3.fc39.x86_64 libstdc++-13.2.1+git1-4.fc39.x86_64 vim-minimal-2:9.0.2081-1.fc39.x86_64" {
		t.Errorf("packages %s", got)
	}
	// The plan of the layout, computed independently: root fills the rest
	// up to the GPT backup table (33 sectors) at the end.
	plan, err := in.Layout.Plan()
	if err != nil {
		t.Fatal(err)
	}
	parts := doc.Disk.Partitions
	if len(parts) != 2 || parts[0].Start != 1<<20 || parts[0].Size != 64<<20 || parts[1].Start != 65<<20 ||
		parts[1].Size != plan.Parts[1].Size || doc.Disk.Size != 256<<20 {
		t.Errorf("disk %+v", doc.Disk)
	}
	if parts[0].TypeID != "c12a7328-f81f-11d2-ba4b-00a0c93ec93b" {
		t.Errorf("ESP type id %s", parts[0].TypeID)
	}
	if len(doc.Files) != 12 || doc.Files[0].Path != "/" || doc.Files[0].Mode != "0755" {
		t.Errorf("files %+v", doc.Files)
	}
	for _, f := range doc.Files {
		if f.Path == "/usr/bin/sudo" && f.Mode != "4111" {
			t.Errorf("sudo mode %s", f.Mode)
		}
	}
	// bash and its hard link: 5 paths, 1000 bytes (the link counts once).
	wantSources := map[string]SourceTotal{
		"package:bash-5.2.15-3.fc39.x86_64": {Files: 4, Bytes: 1000},
		"overlay:base":                      {Files: 2, Bytes: 312},
		"disco":                             {Files: 4, Bytes: 0}, // with "/" from manifest.New
	}
	for _, s := range doc.Sources {
		if w, ok := wantSources[s.Source]; ok && (w.Files != s.Files || w.Bytes != s.Bytes) {
			t.Errorf("source %s: %d files %d bytes, want %d, %d", s.Source, s.Files, s.Bytes, w.Files, w.Bytes)
		}
	}
	kinds := map[string]int{}
	for _, s := range doc.SourceKinds {
		kinds[s.Source] = s.Files
	}
	if kinds["package"] != 4 || kinds["devices"] != 1 || kinds["generator"] != 1 || kinds["init"] != 0 {
		t.Errorf("source kinds %v", kinds)
	}
}

func TestBuildErrors(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Input)
		want   string
	}{
		{"no machine", func(in *Input) { in.Machine = nil }, "no machine"},
		{"stale lock", func(in *Input) { in.Machine.Hostname = "other" }, "re-run disco lock"},
		{"package sha256", func(in *Input) { in.Lock.Packages[1].SHA256 = "ABC" }, "package bash-5.2.15-3.fc39.x86_64: sha256"},
		{"repomd sha256", func(in *Input) { in.Lock.Repos[0].RepomdSHA256 = strings.ToUpper(sum("x")) }, "repo updates"},
		{"absolute output", func(in *Input) { in.Outputs[0].Path = "/tmp/web-1.raw" }, `"/tmp/web-1.raw" is not a clean relative path`},
		{"escaping output", func(in *Input) { in.Outputs[1].Path = "../x.qcow2" }, "not a clean relative path"},
		{"disk plan", func(in *Input) { in.DiskPlan = &disk.Plan{Size: 1, Parts: []disk.Extent{{Name: "esp"}}} }, "plan places 1 partitions, layout has 2"},
		{"disk too small", func(in *Input) { in.Layout.Size = 32 << 20 }, "disk:"},
		{"outcome status", func(in *Input) { in.Outcomes[2].Status = "done" }, `scriptlet hostname of "": unknown status "done"`},
		{"unknown type", func(in *Input) { in.Layout.Partitions[0].Type = "nonsense" }, "esp"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := fixtureInput(t)
			c.change(&in)
			_, err := Build(in)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestEmptyParts(t *testing.T) {
	r := build(t, Input{Machine: fixtureMachine(), Epoch: 1, Tool: "disco devel"})
	b := render(t, r, 0)
	for _, key := range []string{`"packages": []`, `"files": []`, `"outputs": []`, `"outcomes": []`} {
		if !bytes.Contains(b, []byte(key)) {
			t.Errorf("empty report lacks %s:\n%s", key, b)
		}
	}
	if bytes.Contains(b, []byte(`"disk"`)) {
		t.Errorf("report without layout has a disk")
	}
}

func TestMBR(t *testing.T) {
	in := fixtureInput(t)
	in.Layout.Table = "mbr"
	in.Layout.Partitions[0].Type = "0xef"
	in.Layout.Partitions[1].Type = "83"
	r := build(t, in)
	d := r.Disk
	if d.GUID != "" || len(d.DiskID) != 8 || d.Partitions[0].TypeID != "0xef" || d.Partitions[1].TypeID != "0x83" || d.Partitions[1].GUID != "" {
		t.Errorf("mbr disk %+v", d)
	}
}
