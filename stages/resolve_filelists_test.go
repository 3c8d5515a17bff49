package stages

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/repo/repotest"
)

// flPkg is a package of the file-list oracle repository: files outside
// createrepo's primary patterns (/etc, *bin/) are in filelists.xml only.
type flPkg struct {
	name, requires, conflicts, supplements string
	provides                               []string
	files                                  []string
}

var flPkgs = []flPkg{
	// A conflict with a path only filelists.xml knows: dnf sees that
	// alpha owns it, so app-c cannot be installed with alpha.
	{name: "app-c", requires: "toolcap", conflicts: "/usr/share/alpha/data"},
	{name: "alpha", provides: []string{"toolcap"}, files: []string{"/usr/share/alpha/data"}},
	// A rich requirement naming such a path.
	{name: "app-r", requires: "(gammacap and /usr/share/gamma/data)"},
	{name: "gamma", provides: []string{"gammacap"}, files: []string{"/usr/share/gamma/data", "/usr/bin/gamma"}},
	{name: "app-p", requires: "/usr/bin/gamma"},
}

func writeFilelistsRepo(t *testing.T, dir string) {
	var prim, fl bytes.Buffer
	fmt.Fprintf(&prim, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata xmlns=\"http://linux.duke.edu/metadata/common\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\" packages=\"%d\">\n", len(flPkgs))
	fmt.Fprintf(&fl, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<filelists xmlns=\"http://linux.duke.edu/metadata/filelists\" packages=\"%d\">\n", len(flPkgs))
	for i, p := range flPkgs {
		id := fmt.Sprintf("%064x", i+1)
		fmt.Fprintf(&prim, "<package type=\"rpm\"><name>%s</name><arch>x86_64</arch><version epoch=\"0\" ver=\"1\" rel=\"1\"/>"+
			"<checksum type=\"sha256\" pkgid=\"YES\">%s</checksum><summary/><description/><packager/><url/><time file=\"1\" build=\"1\"/>"+
			"<size package=\"1\" installed=\"1\" archive=\"1\"/><location href=\"%s.rpm\"/><format>", p.name, id, p.name)
		fmt.Fprintf(&prim, "<rpm:provides><rpm:entry name=\"%s\" flags=\"EQ\" epoch=\"0\" ver=\"1\" rel=\"1\"/>", p.name)
		for _, d := range p.provides {
			fmt.Fprintf(&prim, "<rpm:entry name=\"%s\"/>", d)
		}
		prim.WriteString("</rpm:provides>")
		for _, d := range [][2]string{{"requires", p.requires}, {"conflicts", p.conflicts}, {"supplements", p.supplements}} {
			if d[1] != "" {
				fmt.Fprintf(&prim, "<rpm:%s><rpm:entry name=\"%s\"/></rpm:%s>", d[0], d[1], d[0])
			}
		}
		fmt.Fprintf(&fl, "<package pkgid=\"%s\" name=\"%s\" arch=\"x86_64\"><version epoch=\"0\" ver=\"1\" rel=\"1\"/>", id, p.name)
		for _, f := range p.files {
			if strings.Contains(f, "bin/") {
				fmt.Fprintf(&prim, "<file>%s</file>", f)
			}
			fmt.Fprintf(&fl, "<file>%s</file>", f)
		}
		prim.WriteString("</format></package>\n")
		fl.WriteString("</package>\n")
	}
	prim.WriteString("</metadata>\n")
	fl.WriteString("</filelists>\n")
	err := repotest.WriteRepoMD(dir, []repotest.File{
		{Type: "primary", Name: "primary.xml.gz", Content: repotest.Gzip(prim.Bytes())},
		{Type: "filelists", Name: "filelists.xml.gz", Content: repotest.Gzip(fl.Bytes())},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// dnfResolve runs solve's dnf oracle script on one repository: one answer
// per request, the package NEVRAs or "FAIL".
func dnfResolve(t *testing.T, dir string, requests [][]string) []string {
	testtool.Need(t, "python3", "dnf")
	py := ""
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if py == "" && exec.Command(p, "-c", "import dnf").Run() == nil {
			py = p
		}
	}
	if py == "" {
		t.Skip("no python3 with the dnf module (Debian python3-dnf)")
	}
	doc, _ := json.Marshal(map[string]any{"root": t.TempDir(), "cases": []any{map[string]any{
		"repos": []any{map[string]any{"id": "r", "path": dir, "priority": 99}}, "requests": requests}}})
	cmd := exec.Command(py, filepath.Join("solve", "testdata", "dnf_oracle.py"))
	cmd.Stdin = bytes.NewReader(doc)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("dnf oracle: %v", err)
	}
	var answers []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var a struct {
			OK   bool
			Pkgs []string
		}
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatal(err)
		}
		s := "FAIL"
		if a.OK {
			sort.Strings(a.Pkgs)
			s = strings.Join(a.Pkgs, " ")
		}
		answers = append(answers, s)
	}
	return answers
}

// TestResolveFilelistsMatchesDNF: paths that only filelists.xml knows,
// named by a Conflicts or inside a rich Requires, are looked up in the
// file lists as dnf looks them up, whose answers these must equal.
func TestResolveFilelistsMatchesDNF(t *testing.T) {
	dir := t.TempDir()
	writeFilelistsRepo(t, dir)
	requests := [][]string{{"app-c"}, {"app-r"}, {"app-p"}, {"app-p", "app-c"}}
	want := dnfResolve(t, dir, requests)
	if want[0] != "FAIL" || want[1] == "FAIL" {
		t.Fatalf("dnf answers %q: the repository does not test what it should", want)
	}
	for i, req := range requests {
		// A fresh resolver each time: file lists consulted for one
		// request would be kept for the next.
		r := NewResolver(t.TempDir(), t.TempDir(), time.Now)
		m := &plan.Machine{Name: "m", Arch: "x86_64", Repos: []plan.Repo{{ID: "r", BaseURLs: []string{"file://" + dir}, Enabled: true, Priority: 99}}}
		for _, n := range req {
			m.Packages = append(m.Packages, plan.Package{Name: n})
		}
		got := "FAIL"
		lm, err := r.Resolve(context.Background(), m, nil, nil)
		if err == nil {
			var s []string
			for _, p := range lm.Packages {
				s = append(s, fmt.Sprintf("%s-%s-%s.%s@%s", p.Name, p.Version, p.Release, p.Arch, p.Repo))
			}
			sort.Strings(s)
			got = strings.Join(s, " ")
		}
		if got != want[i] {
			t.Errorf("request %v: disco %s (%v), dnf %s", req, got, err, want[i])
		}
	}
}
