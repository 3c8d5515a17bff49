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

// dnfConfScript prints, as JSON, the repositories dnf's own Python API
// reads from a dnf.conf (argv[1], may be "") and a reposdir (argv[2]) with
// substitutions (argv[3], JSON).
const dnfConfScript = `
import dnf, json, sys
base = dnf.Base()
conf = base.conf
conf.reposdir = [sys.argv[2]]
for k, v in json.loads(sys.argv[3]).items():
    conf.substitutions[k] = v
if sys.argv[1]:
    conf.config_file_path = sys.argv[1]
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
print(json.dumps(dict(Repos=out, Main=main)))
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

// TestConfigMatchesDNF parses config files with this package and with dnf
// itself and compares the repositories.
func TestConfigMatchesDNF(t *testing.T) {
	py := dnfPython(t)
	vars := map[string]string{"basearch": "x86_64", "arch": "x86_64", "releasever": "40", "YUM0": "ci"}
	varsJSON, _ := json.Marshal(vars)
	for _, tc := range []struct {
		conf  string
		repos []string
	}{
		{"", []string{"fedora.repo"}},
		{"", []string{"multi.repo"}},
		{"", []string{"dnfquirks.repo"}},
		{"", []string{"fedora.repo", "zz-shadow.repo"}},
		{"dnf.conf", []string{"dup-merge.repo"}},
		{"dnf.conf", []string{"fedora.repo"}},
	} {
		t.Run(tc.conf+"+"+strings.Join(tc.repos, "+"), func(t *testing.T) {
			rd := t.TempDir()
			for _, r := range tc.repos {
				data, _ := os.ReadFile(filepath.Join("testdata/config", r))
				os.WriteFile(filepath.Join(rd, r), data, 0o644)
			}
			confPath := ""
			main := repo.DefaultMain()
			var mine []*repo.Config
			if tc.conf != "" {
				confPath, _ = filepath.Abs(filepath.Join("testdata/config", tc.conf))
				cdata, _ := os.ReadFile(confPath)
				f, err := repo.ParseConf(tc.conf, cdata, vars)
				if err != nil {
					t.Fatal(err)
				}
				main, mine = f.Main, f.Repos
			}
			d, err := repo.ParseRepoDir(os.DirFS(rd), ".", vars, &main)
			if err != nil {
				t.Fatal(err)
			}
			mine = append(mine, d.Repos...)
			out, err := exec.Command(py, "-c", dnfConfScript, confPath, rd, string(varsJSON)).Output()
			if err != nil {
				var ee *exec.ExitError
				errors.As(err, &ee)
				t.Fatalf("dnf: %v\n%s", err, ee.Stderr)
			}
			var theirs struct {
				Repos []map[string]any
				Main  map[string]any
			}
			if err := json.Unmarshal(out, &theirs); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			compareRepos(t, mine, theirs.Repos)
			compareFields(t, "[main]", main, theirs.Main)
		})
	}
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
