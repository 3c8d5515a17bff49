package repo_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/repo"
)

// dnfConfScript prints, as a JSON list, the repositories and [main] that
// dnf's own Python API reads for each case of argv[1] (JSON: a list of
// {conf: dnf.conf path or "", dir: reposdir}) with substitutions argv[2].
// One process for every case: importing dnf is the slow part.
const dnfConfScript = `
import dnf, json, sys
results = []
for case in json.loads(sys.argv[1]):
    base = dnf.Base()
    conf = base.conf
    conf.reposdir = [case["dir"]]
    for k, v in json.loads(sys.argv[2]).items():
        conf.substitutions[k] = v
    if case["conf"]:
        conf.config_file_path = case["conf"]
        conf.read()
    base.read_all_repos()
    out = []
    for r in sorted(base.repos.values(), key=lambda r: r.id):
        out.append(dict(ID=r.id, Name=r.name, BaseURLs=list(r.baseurl), MirrorList=r.mirrorlist or "",
            Metalink=r.metalink or "", Enabled=bool(r.enabled), GPGCheck=bool(r.gpgcheck),
            RepoGPGCheck=bool(r.repo_gpgcheck), GPGKeys=list(r.gpgkey), Priority=r.priority, Cost=r.cost,
            Include=list(r.includepkgs), Exclude=list(r.excludepkgs), Proxy=r.proxy or "",
            SkipIfUnavailable=bool(r.skip_if_unavailable), ModuleHotfixes=bool(r.module_hotfixes)))
    main = dict(MultilibPolicy=conf.multilib_policy, Best=bool(conf.best),
        InstallWeakDeps=bool(conf.install_weak_deps), GPGCheck=bool(conf.gpgcheck),
        RepoGPGCheck=bool(conf.repo_gpgcheck), SkipIfUnavailable=bool(conf.skip_if_unavailable),
        Proxy=conf.proxy or "", Include=list(conf.includepkgs), Exclude=list(conf.excludepkgs))
    results.append(dict(Repos=out, Main=main))
    base.close()
print(json.dumps(results))
`

// dnfPython returns the interpreter dnf runs with (the one that has the
// dnf module), read from the dnf script's #! line.
func dnfPython(t *testing.T) string {
	dnf := testtool.Need(t, "dnf")[0]
	f, err := os.Open(dnf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	if !strings.HasPrefix(line, "#!") {
		t.Fatalf("%s is not a script", dnf)
	}
	return strings.Fields(line[2:])[0]
}

type dnfCase struct {
	conf  string   // dnf.conf under testdata/config, or ""
	repos []string // .repo files under testdata/config, put in one reposdir
	dir   string
}

type dnfView struct {
	Repos []map[string]any
	Main  map[string]any
}

// TestConfigMatchesDNF parses config files with this package and with dnf
// itself and compares the repositories and [main].
func TestConfigMatchesDNF(t *testing.T) {
	py := dnfPython(t)
	vars := map[string]string{"basearch": "x86_64", "arch": "x86_64", "releasever": "40", "YUM0": "ci"}
	cases := []dnfCase{
		{"", []string{"fedora.repo"}, ""},
		{"", []string{"multi.repo"}, ""},
		{"", []string{"dnfquirks.repo"}, ""},
		{"", []string{"fedora.repo", "zz-shadow.repo"}, ""},
		{"dnf.conf", []string{"dup-merge.repo"}, ""},
		{"dnf.conf", []string{"fedora.repo"}, ""},
	}
	var args []map[string]string
	for i := range cases {
		c := &cases[i]
		c.dir = t.TempDir()
		for _, r := range c.repos {
			data, _ := os.ReadFile(filepath.Join("testdata/config", r))
			os.WriteFile(filepath.Join(c.dir, r), data, 0o644)
		}
		conf := ""
		if c.conf != "" {
			conf, _ = filepath.Abs(filepath.Join("testdata/config", c.conf))
		}
		args = append(args, map[string]string{"conf": conf, "dir": c.dir})
	}
	argJSON, _ := json.Marshal(args)
	varsJSON, _ := json.Marshal(vars)
	out, err := exec.Command(py, "-c", dnfConfScript, string(argJSON), string(varsJSON)).Output()
	if err != nil {
		var ee *exec.ExitError
		errors.As(err, &ee)
		t.Fatalf("dnf: %v\n%s", err, ee.Stderr)
	}
	var theirs []dnfView
	if err := json.Unmarshal(out, &theirs); err != nil || len(theirs) != len(cases) {
		t.Fatalf("%v: %s", err, out)
	}
	for i, c := range cases {
		t.Run(c.conf+"+"+strings.Join(c.repos, "+"), func(t *testing.T) {
			main, mine := parseCase(t, c, vars)
			compareRepos(t, mine, theirs[i].Repos)
			compareFields(t, "[main]", main, theirs[i].Main)
		})
	}
}

// parseCase reads a case's configuration with this package.
func parseCase(t *testing.T, c dnfCase, vars repo.Vars) (repo.Main, []*repo.Config) {
	main := repo.DefaultMain()
	var mine []*repo.Config
	if c.conf != "" {
		cdata, _ := os.ReadFile(filepath.Join("testdata/config", c.conf))
		f, err := repo.ParseConf(c.conf, cdata, vars)
		if err != nil {
			t.Fatal(err)
		}
		main, mine = f.Main, f.Repos
	}
	d, err := repo.ParseRepoDir(os.DirFS(c.dir), ".", vars, &main)
	if err != nil {
		t.Fatal(err)
	}
	return main, append(mine, d.Repos...)
}

func compareRepos(t *testing.T, mine []*repo.Config, theirs []map[string]any) {
	t.Helper()
	byID := map[string]*repo.Config{}
	for _, c := range mine {
		byID[c.ID] = c
	}
	if len(mine) != len(theirs) {
		t.Errorf("%d repos, dnf reads %d", len(mine), len(theirs))
	}
	for _, th := range theirs {
		c := byID[th["ID"].(string)]
		if c == nil {
			t.Errorf("dnf has repo %v, we do not", th["ID"])
			continue
		}
		compareFields(t, "repo "+c.ID, c, th)
	}
}

// compareFields compares the JSON fields of v that dnf reported.
func compareFields(t *testing.T, what string, v any, theirs map[string]any) {
	t.Helper()
	m := map[string]any{}
	b, _ := json.Marshal(v)
	json.Unmarshal(b, &m)
	for _, k := range sortedKeys(theirs) {
		got := m[k]
		if k == "Proxy" && got == "_none_" {
			got = "" // dnf reports "no proxy" as empty
		}
		if got == nil {
			got = []any{}
		}
		if !reflect.DeepEqual(got, theirs[k]) {
			t.Errorf("%s: %s = %#v, dnf says %#v", what, k, got, theirs[k])
		}
	}
}

func sortedKeys(m map[string]any) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
