package repo_test

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/disco-build/disco/stages/repo"
)

var update = flag.Bool("update", false, "rewrite golden files")

var testVars = repo.Vars{"basearch": "x86_64", "arch": "x86_64", "releasever": "40", "YUM0": "ci"}

// parseForGolden parses a config file the way its extension says and
// renders the result (or the error) as golden text.
func parseForGolden(name string, data []byte) string {
	var v any
	var err error
	if strings.HasSuffix(name, ".conf") {
		v, err = repo.ParseConf(name, data, testVars)
	} else {
		var repos []*repo.Config
		var unknown []repo.Option
		repos, unknown, err = repo.ParseRepoFile(name, data, testVars, nil)
		v = struct {
			Repos   []*repo.Config
			Unknown []repo.Option
		}{repos, unknown}
	}
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	out, _ := json.MarshalIndent(v, "", "  ")
	return string(out) + "\n"
}

// TestConfigGoldens parses every file of testdata/config and compares with
// its .golden (go test -update rewrites them).
func TestConfigGoldens(t *testing.T) {
	files, _ := filepath.Glob("testdata/config/*")
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".golden") {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := parseForGolden(filepath.Base(f), data)
			golden := f + ".golden"
			if *update {
				os.WriteFile(golden, []byte(got), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s: got\n%s\nwant\n%s", f, got, want)
			}
		})
	}
	if n < 10 {
		t.Fatalf("only %d config test files found", n)
	}
}

// TestConfigSemantics checks the points the goldens are meant to show,
// so a wrong -update cannot bless them silently.
func TestConfigSemantics(t *testing.T) {
	data, _ := os.ReadFile("testdata/config/multi.repo")
	repos, _, err := repo.ParseRepoFile("multi.repo", data, testVars, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := repos[0]
	wantURLs := []string{"file:///srv/repo/ci/x86_64/", "http://mirror.example/ci/x86_64/", "https://other.example/ci/"}
	if r.ID != "local-ci" || r.Name != "Local\nrepository" || strings.Join(r.BaseURLs, " ") != strings.Join(wantURLs, " ") {
		t.Errorf("id %q name %q urls %q", r.ID, r.Name, r.BaseURLs)
	}
	if len(r.GPGKeys) != 3 || len(r.Include) != 3 || strings.Join(r.Exclude, ",") != "*-debuginfo,kernel?" {
		t.Errorf("lists: keys %q include %q exclude %q", r.GPGKeys, r.Include, r.Exclude)
	}
	if r.Enabled || r.Priority != 10 || r.Cost != 500 || r.Proxy != "_none_" || r.Line != 2 {
		t.Errorf("enabled %v priority %d cost %d proxy %q line %d", r.Enabled, r.Priority, r.Cost, r.Proxy, r.Line)
	}

	conf, _ := os.ReadFile("testdata/config/dnf.conf")
	f, err := repo.ParseConf("dnf.conf", conf, testVars)
	if err != nil {
		t.Fatal(err)
	}
	m := f.Main
	if !m.GPGCheck || !m.Best || m.InstallWeakDeps || m.ExactArch || m.MultilibPolicy != "all" || len(m.ReposDir) != 2 {
		t.Errorf("main: %+v", m)
	}
	in := f.Repos[0]
	if !in.GPGCheck || !in.SkipIfUnavailable || in.Priority != 99 || in.Cost != 1000 || !in.Enabled {
		t.Errorf("repo defaults from [main] not applied: %+v", in)
	}
	if len(f.Unknown) != 2 || f.Unknown[0].Key != "installonly_limit" || f.Unknown[0].Line != 3 {
		t.Errorf("unknown: %+v", f.Unknown)
	}
}

func TestConfigErrorLines(t *testing.T) {
	for file, want := range map[string]string{
		"bad-noequals.repo":      "bad-noequals.repo:3: ",
		"bad-nourl.repo":         `bad-nourl.repo:3: repo "a" has no baseurl, mirrorlist or metalink`,
		"bad-bool.repo":          "bad-bool.repo:3: enabled: ",
		"bad-cont.repo":          "bad-cont.repo:1: ",
		"bad-int.repo":           "bad-int.repo:3: priority: ",
		"bad-glob.repo":          "bad-glob.repo:3: exclude: ",
		"bad-header.repo":        "bad-header.repo:1: ",
		"bad-id.repo":            "bad-id.repo:1: ",
		"bad-beforesection.repo": "bad-beforesection.repo:1: ",
		"bad-main.repo":          "bad-main.repo:1: ",
	} {
		data, err := os.ReadFile("testdata/config/" + file)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = repo.ParseRepoFile(file, data, testVars, nil)
		var pe *repo.ParseError
		if err == nil || !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: error %v, want prefix %q", file, err, want)
		}
	}
}

func TestExpand(t *testing.T) {
	v := repo.Vars{"basearch": "aarch64", "releasever": "9", "empty": ""}
	for in, want := range map[string]string{
		"$basearch/os":                    "aarch64/os",
		"${basearch}os":                   "aarch64os",
		"$basearchos":                     "$basearchos",
		"$unknown and ${unknown}":         "$unknown and ${unknown}",
		"${empty:-dflt}/${releasever:-x}": "dflt/9",
		"${releasever:+set}${empty:+no}":  "set",
		"cost $ 5 ${":                     "cost $ 5 ${",
		"$releasever$basearch":            "9aarch64",
	} {
		if got := v.Expand(in); got != want {
			t.Errorf("Expand(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseRepoDir(t *testing.T) {
	fsys := fstest.MapFS{
		"r/b.repo":        {Data: []byte("[two]\nbaseurl=file:///2\n")},
		"r/a.repo":        {Data: []byte("[one]\nbaseurl=file:///1\nweird=1\n")},
		"r/c.repo.rpmnew": {Data: []byte("garbage")},
	}
	d, err := repo.ParseRepoDir(fsys, "r", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	repos, unknown := d.Repos, d.Unknown
	if len(repos) != 2 || repos[0].ID != "one" || repos[1].ID != "two" || repos[0].File != "r/a.repo" {
		t.Errorf("repos %+v", repos)
	}
	if len(unknown) != 1 || unknown[0].Key != "weird" || unknown[0].File != "r/a.repo" || unknown[0].Line != 3 {
		t.Errorf("unknown %+v", unknown)
	}
	// As in dnf, the first declaration of an id wins.
	fsys["r/0.repo"] = &fstest.MapFile{Data: []byte("\n[two]\nbaseurl=file:///0\n")}
	d, err = repo.ParseRepoDir(fsys, "r", nil, nil)
	if err != nil || len(d.Repos) != 2 || d.Repos[0].BaseURLs[0] != "file:///0" ||
		len(d.Shadowed) != 1 || d.Shadowed[0].File != "r/b.repo" {
		t.Errorf("duplicate id: %v %+v", err, d)
	}
}

func FuzzParseConfig(f *testing.F) {
	files, _ := filepath.Glob("testdata/config/*")
	for _, p := range files {
		if !strings.HasSuffix(p, ".golden") {
			data, _ := os.ReadFile(p)
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := repo.ParseConf("fuzz.conf", data, testVars)
		if err != nil {
			var pe *repo.ParseError
			if !errors.As(err, &pe) && !strings.HasPrefix(err.Error(), "fuzz.conf:") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, r := range file.Repos {
			if len(r.BaseURLs) == 0 && r.MirrorList == "" && r.Metalink == "" {
				t.Fatalf("repo %q accepted without a URL", r.ID)
			}
			if r.ID == "" || r.Line < 1 || r.File != "fuzz.conf" {
				t.Fatalf("bad repo %+v", r)
			}
		}
	})
}

func TestVarsUnset(t *testing.T) {
	v := repo.Vars{"basearch": "x86_64", "empty": ""}
	cases := map[string]string{
		"http://x/$releasever/$basearch":         "releasever",
		"http://x/${releasever}/${YUM0}/$YUM0":   "releasever YUM0",
		"http://x/${releasever:-9}/$empty":       "",
		"http://x/$basearch/$ /${}/${a-b}/cost$": "",
	}
	for s, want := range cases {
		if got := strings.Join(v.Unset(s), " "); got != want {
			t.Errorf("Unset(%q) = %q, want %q", s, got, want)
		}
	}
	_, _, err := repo.ParseRepoFile("r.repo", []byte("[a]\nname=$x\n\nbaseurl=http://h/$releasever/\n"), v, nil)
	if err == nil || err.Error() != "r.repo:4: baseurl: $releasever is not set (disco sets arch, basearch, and releasever when yum.conf's [main] or the machine gives it)" {
		t.Errorf("got %v", err)
	}
}
