package solve

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/repo"
)

// oracleRepo is one repository of an oracle case.
type oracleRepo struct {
	ID       string
	Priority int
	Pkgs     []*repo.Package
}

// oracleCase is a universe (repos, excludes) and requests resolved in it.
type oracleCase struct {
	Repos    []oracleRepo
	Excludes []string
	Weak     bool
	Requests [][]string
}

// dnfAnswer is dnf's verdict on one request.
type dnfAnswer struct {
	OK   bool     `json:"ok"`
	Pkgs []string `json:"pkgs"`
	Err  string   `json:"err"`
}

// dnfPython finds a python3 that can import dnf (Debian python3-dnf).
func dnfPython(t testing.TB) string {
	t.Helper()
	testtool.Need(t, "python3", "dnf")
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-c", "import dnf").Run() == nil {
			return py
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no python3 with the dnf module (Debian python3-dnf)")
	}
	t.Skip("no python3 with the dnf module (Debian python3-dnf)")
	return ""
}

// runDNF writes every case's repositories under dir and resolves all
// requests in one python process, returning answers in request order.
func runDNF(t testing.TB, dir string, cases []oracleCase) [][]dnfAnswer {
	t.Helper()
	py := dnfPython(t)
	type jrepo struct {
		ID       string `json:"id"`
		Path     string `json:"path"`
		Priority int    `json:"priority"`
	}
	type jcase struct {
		Repos    []jrepo    `json:"repos"`
		Excludes []string   `json:"excludes"`
		Weak     bool       `json:"weak"`
		Requests [][]string `json:"requests"`
	}
	doc := struct {
		Root  string  `json:"root"`
		Cases []jcase `json:"cases"`
	}{Root: dir}
	total := 0
	for i, c := range cases {
		jc := jcase{Excludes: c.Excludes, Weak: c.Weak, Requests: c.Requests}
		// dnf breaks ties between equal-priority repositories by load
		// order; disco breaks them by repository ID: load them sorted.
		repos := append([]oracleRepo{}, c.Repos...)
		sort.Slice(repos, func(a, b int) bool { return repos[a].ID < repos[b].ID })
		for _, r := range repos {
			p := filepath.Join(dir, "repos", strings.Join([]string{itoa(i), r.ID}, "-"))
			if err := writeRepo(p, r.Pkgs); err != nil {
				t.Fatal(err)
			}
			jc.Repos = append(jc.Repos, jrepo{r.ID, p, r.Priority})
		}
		doc.Cases = append(doc.Cases, jc)
		total += len(c.Requests)
	}
	in, _ := json.Marshal(doc)
	if *keepDir != "" {
		if err := os.WriteFile(filepath.Join(dir, "oracle.json"), in, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wd, _ := os.Getwd()
	cmd := exec.Command(py, filepath.Join(wd, "testdata", "dnf_oracle.py"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("dnf oracle: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != total {
		t.Fatalf("dnf oracle printed %d answers for %d requests\n%s", len(lines), total, stderr.String())
	}
	res := make([][]dnfAnswer, len(cases))
	k := 0
	for i, c := range cases {
		for range c.Requests {
			var a dnfAnswer
			if err := json.Unmarshal([]byte(lines[k]), &a); err != nil {
				t.Fatalf("dnf oracle line %q: %v", lines[k], err)
			}
			sort.Strings(a.Pkgs)
			res[i] = append(res[i], a)
			k++
		}
	}
	return res
}

func itoa(i int) string { return strconv.Itoa(i) }
