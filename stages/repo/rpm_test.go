package repo_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/repo/repotest"
	"github.com/disco-build/disco/stages/rpmver"
)

var (
	rpmsOnce sync.Once
	rpmsDir  string
	rpmsErr  error
)

// fixtureRPMs builds the packages of testdata/rpms/*.spec once per test
// binary and returns the directory holding the .rpm files.
func fixtureRPMs(t *testing.T) string {
	t.Helper()
	testtool.Need(t, "rpmbuild", "rpm", "createrepo_c")
	rpmsOnce.Do(func() {
		top, err := os.MkdirTemp("", "repo-test-rpms-")
		if err != nil {
			rpmsErr = err
			return
		}
		specs, _ := filepath.Glob("testdata/rpms/*.spec")
		for _, s := range specs {
			abs, _ := filepath.Abs(s)
			cmd := exec.Command("rpmbuild", "-bb", "--define", "_topdir "+top,
				"--define", "_build_id_links none", "--define", "_buildhost test", abs)
			if out, err := cmd.CombinedOutput(); err != nil {
				rpmsErr = fmt.Errorf("rpmbuild %s: %v\n%s", s, err, out)
				return
			}
		}
		rpmsDir = filepath.Join(top, "RPMS")
	})
	if rpmsErr != nil {
		t.Fatal(rpmsErr)
	}
	return rpmsDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if rpmsDir != "" {
		os.RemoveAll(filepath.Dir(rpmsDir))
	}
	os.Exit(code)
}

// rpmFiles lists the fixture .rpm files (relative to dir) in byte order.
func rpmFiles(t *testing.T, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".rpm") {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	if len(out) != 5 {
		t.Fatalf("expected 5 fixture rpms, got %q", out)
	}
	return out
}

// makeRepo copies the fixture rpms into a new directory and runs
// createrepo_c there with the extra arguments.
func makeRepo(t *testing.T, args ...string) string {
	t.Helper()
	src := fixtureRPMs(t)
	dir := t.TempDir()
	for _, f := range rpmFiles(t, src) {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("createrepo_c", append(append([]string{"--no-database"}, args...), dir)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("createrepo_c: %v\n%s", err, out)
	}
	return dir
}

// rpmInfo is what `rpm -qp` says about one package file.
type rpmInfo struct {
	name, arch, evr, sourcerpm, summary string
	deps                                map[string][]string // kind -> "name flags evr" lines
	depFlags                            map[string][]int    // kind -> raw flags, in step with deps
	files                               []string            // "path type"
}

var depKinds = []string{"PROVIDE", "REQUIRE", "CONFLICT", "OBSOLETE", "RECOMMEND", "SUGGEST", "SUPPLEMENT", "ENHANCE"}

// queryRPM asks rpm about a package file.
func queryRPM(t *testing.T, file string) *rpmInfo {
	t.Helper()
	qf := "H\t%{NAME}\t%{ARCH}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\t%{SOURCERPM}\t%{SUMMARY}\n"
	for _, k := range depKinds {
		qf += fmt.Sprintf("[D\t%s\t%%{%sNAME}\t%%{%sFLAGS}\t%%{%sVERSION}\n]", k, k, k, k)
	}
	qf += "[F\t%{FILENAMES}\t%{FILEFLAGS}\t%{FILEMODES}\n]"
	out, err := exec.Command("rpm", "-qp", "--qf", qf, file).Output()
	if err != nil {
		t.Fatalf("rpm -qp %s: %v", file, err)
	}
	info := &rpmInfo{deps: map[string][]string{}, depFlags: map[string][]int{}}
	for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		f := strings.Split(line, "\t")
		switch f[0] {
		case "H":
			info.name, info.arch, info.evr, info.sourcerpm, info.summary = f[1], f[2], f[3], f[4], f[5]
		case "D":
			if f[2] == "(none)" {
				continue
			}
			flags, _ := strconv.Atoi(f[3])
			v := strings.TrimPrefix(f[4], "0:")
			info.deps[f[1]] = append(info.deps[f[1]], fmt.Sprintf("%s %d %s", f[2], flags&0xe, v))
			info.depFlags[f[1]] = append(info.depFlags[f[1]], flags)
		case "F":
			flags, _ := strconv.Atoi(f[2])
			mode, _ := strconv.Atoi(f[3])
			typ := "file"
			switch {
			case flags&64 != 0:
				typ = "ghost"
			case uint16(mode)&0o170000 == 0o040000:
				typ = "dir"
			}
			info.files = append(info.files, f[1]+" "+typ)
		}
	}
	return info
}

func depString(d rpmver.Dep) string {
	v := ""
	if d.Flags != rpmver.Any {
		if d.EVR.Epoch != 0 {
			v = strconv.Itoa(d.EVR.Epoch) + ":"
		}
		v += d.EVR.Version
		if d.EVR.Release != "" {
			v += "-" + d.EVR.Release
		}
	}
	return fmt.Sprintf("%s %d %s", d.Name, d.Flags, v)
}

func pkgDeps(p *repo.Package, kind string) []rpmver.Dep {
	return map[string][]rpmver.Dep{
		"PROVIDE": p.Provides, "REQUIRE": p.Requires, "CONFLICT": p.Conflicts, "OBSOLETE": p.Obsoletes,
		"RECOMMEND": p.Recommends, "SUGGEST": p.Suggests, "SUPPLEMENT": p.Supplements, "ENHANCE": p.Enhances,
	}[kind]
}

// rpm's install-only requirement bits, which createrepo marks pre="1":
// PREREQ, SCRIPT_PRE, SCRIPT_POST, PRETRANS, POSTTRANS.
const installOnly = 1<<6 | 1<<9 | 1<<10 | 1<<7 | 1<<5

// compareWithRPM checks one loaded package against rpm's view of its file.
func compareWithRPM(t *testing.T, p *repo.Package, info *rpmInfo, withFiles bool) {
	t.Helper()
	evr := fmt.Sprintf("%s-%s", p.Version, p.Release)
	if p.Epoch != 0 {
		evr = strconv.Itoa(p.Epoch) + ":" + evr
	}
	if p.Name != info.name || p.Arch != info.arch || evr != info.evr || p.SourceRPM != info.sourcerpm || p.Summary != info.summary {
		t.Errorf("%s: header %q %q %q %q %q, rpm says %+v", p.Name, p.Name, p.Arch, evr, p.SourceRPM, p.Summary, *info)
	}
	own := map[string]bool{}
	for _, f := range info.files {
		own[strings.Fields(f)[0]] = true
	}
	for _, d := range p.Provides {
		own[d.Name] = true
	}
	for _, kind := range depKinds {
		var want, got []string
		for i, d := range info.deps[kind] {
			name := strings.Fields(d)[0]
			// createrepo leaves out rpmlib() requirements and those the
			// package satisfies itself.
			if kind == "REQUIRE" && (strings.HasPrefix(name, "rpmlib(") || own[name]) {
				continue
			}
			_ = i
			want = append(want, d)
		}
		for _, d := range pkgDeps(p, kind) {
			got = append(got, depString(d))
		}
		sort.Strings(want)
		sort.Strings(got)
		want, got = uniq(want), uniq(got)
		if kind == "REQUIRE" {
			// createrepo_c keeps only the newest libc.so.6(GLIBC_*)
			// requirement; check those are rpm's, then leave them out.
			want, got = dropLibc(t, p.Name, want, got)
		}
		if strings.Join(want, "\n") != strings.Join(got, "\n") {
			t.Errorf("%s %ss:\n got %q\nwant %q", p.Name, kind, got, want)
		}
	}
	checkPre(t, p, info)
	checkFiles(t, p, info, withFiles)
}

// checkPre: a requirement marked pre="1" is one rpm flags install-only.
func checkPre(t *testing.T, p *repo.Package, info *rpmInfo) {
	t.Helper()
	pre := map[string]bool{}
	for i, d := range info.deps["REQUIRE"] {
		if info.depFlags["REQUIRE"][i]&installOnly != 0 {
			pre[strings.Fields(d)[0]] = true
		}
	}
	for _, d := range p.Requires {
		if d.Pre && !pre[d.Name] {
			t.Errorf("%s: %s marked pre but rpm has no install-only flag on it", p.Name, d.Name)
		}
	}
	for name := range pre {
		if strings.HasPrefix(name, "rpmlib(") {
			continue
		}
		found := false
		for _, d := range p.Requires {
			found = found || (d.Name == name && d.Pre)
		}
		if !found {
			t.Errorf("%s: requirement %s is install-only in rpm but not pre in metadata", p.Name, name)
		}
	}
}

func checkFiles(t *testing.T, p *repo.Package, info *rpmInfo, complete bool) {
	t.Helper()
	var got []string
	for i, f := range p.Files {
		typ := "file"
		if p.FileTypes != nil {
			typ = map[repo.FileType]string{repo.FilePlain: "file", repo.FileDir: "dir", repo.FileGhost: "ghost"}[p.FileTypes[i]]
		}
		got = append(got, f+" "+typ)
	}
	want := map[string]bool{}
	for _, f := range info.files {
		want[f] = true
	}
	if complete {
		sort.Strings(got)
		w := append([]string(nil), info.files...)
		sort.Strings(w)
		if strings.Join(got, "\n") != strings.Join(w, "\n") || !p.FilesComplete {
			t.Errorf("%s files (complete %v):\n got %q\nwant %q", p.Name, p.FilesComplete, got, w)
		}
		return
	}
	for _, g := range got {
		if !want[g] {
			t.Errorf("%s: primary file %q not in rpm %q", p.Name, g, info.files)
		}
	}
}

func uniq(l []string) []string {
	out := l[:0]
	for i, s := range l {
		if i == 0 || s != l[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// loadDir loads a local repository directory.
func loadDir(t *testing.T, id, dir string, opts repo.Options) (*repo.Repo, error) {
	t.Helper()
	src, err := repo.NewSource("file://"+dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return repo.Load(context.Background(), &repo.Config{ID: id, BaseURLs: []string{"file://" + dir}}, src, opts)
}

// TestLoadCreaterepo loads repositories createrepo_c made with each
// compression and compares every package with `rpm -qp` on its file.
func TestLoadCreaterepo(t *testing.T) {
	dir := fixtureRPMs(t)
	infos := map[string]*rpmInfo{}
	for _, f := range rpmFiles(t, dir) {
		infos[filepath.Base(f)] = queryRPM(t, filepath.Join(dir, f))
	}
	for _, comp := range []string{"gz", "xz", "zstd", "bz2"} {
		t.Run(comp, func(t *testing.T) {
			var rd string
			if comp == "zstd" {
				rd = zstdRepo(t) // Debian's createrepo_c lacks zstd
			} else {
				rd = makeRepo(t, "--general-compress-type="+comp)
			}
			for _, withFiles := range []bool{false, true} {
				r, err := loadDir(t, "fixture", rd, repo.Options{WithFilelists: withFiles})
				if err != nil {
					t.Fatal(err)
				}
				if len(r.Packages) != len(infos) {
					t.Fatalf("%d packages, %d rpm files", len(r.Packages), len(infos))
				}
				for _, p := range r.Packages {
					info := infos[filepath.Base(p.Location)]
					if info == nil || p.RepoID != "fixture" {
						t.Fatalf("package %s: location %q, repo %q", p.Name, p.Location, p.RepoID)
					}
					compareWithRPM(t, p, info, withFiles)
				}
			}
		})
	}
}

// zstdRepo makes a createrepo_c repository and recompresses its primary
// and filelists with the zstd program, writing a new repomd.xml.
func zstdRepo(t *testing.T) string {
	testtool.Need(t, "zstd")
	rd := makeRepo(t, "--general-compress-type=gz")
	md, err := os.ReadFile(filepath.Join(rd, "repodata/repomd.xml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := repo.ParseRepoMD("repomd.xml", md)
	if err != nil {
		t.Fatal(err)
	}
	var files []repotest.File
	for _, typ := range []string{"primary", "filelists"} {
		gz := filepath.Join(rd, m.Find(typ).Location)
		cmd := exec.Command("sh", "-c", `gzip -dc "$1" | zstd -q -c`, "sh", gz)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("recompressing %s: %v", gz, err)
		}
		os.Remove(gz)
		files = append(files, repotest.File{Type: typ, Name: typ + ".xml.zst", Content: out})
	}
	if err := repotest.WriteRepoMD(rd, files); err != nil {
		t.Fatal(err)
	}
	return rd
}

func dropLibc(t *testing.T, name string, want, got []string) ([]string, []string) {
	t.Helper()
	isLibc := func(s string) bool { return strings.HasPrefix(s, "libc.so.6(") }
	inWant := map[string]bool{}
	var w, g []string
	for _, s := range want {
		inWant[s] = true
		if !isLibc(s) {
			w = append(w, s)
		}
	}
	for _, s := range got {
		if !isLibc(s) {
			g = append(g, s)
		} else if !inWant[s] {
			t.Errorf("%s: metadata requires %q, rpm does not", name, s)
		}
	}
	return w, g
}
