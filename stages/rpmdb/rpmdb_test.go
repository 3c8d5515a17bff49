package rpmdb

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/rpm"
)

const (
	epoch  = 1700000000
	dbpath = "/usr/lib/sysimage/rpm"
)

// specs are built in install order.
var specs = []string{"hello", "reloc", "tool"}

// fixture is a set of packages built by rpmbuild, their payloads extracted
// into root, and the rpmdb this package wrote for them.
type fixture struct {
	rpms []string // .rpm paths, install order
	pkgs []Installed
	root string
	db   string // the rpmdb.sqlite written
}

// built holds the packages every test uses, built once per test binary.
var built struct {
	once sync.Once
	dir  string
	rpms []string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildAll builds testdata/*.spec with rpmbuild, in parallel, once.
func buildAll(t testing.TB) []string {
	t.Helper()
	testtool.Need(t, "rpmbuild", "rpm", "rpmsign", "gpg", "gpgconf")
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "rpmdbtest-"); built.err != nil {
			return
		}
		built.rpms = make([]string, len(specs))
		errs := make([]error, len(specs))
		var wg sync.WaitGroup
		for i, name := range specs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				built.rpms[i], errs[i] = buildRPM(built.dir, name)
			}()
		}
		wg.Wait()
		if built.err = errors.Join(errs...); built.err == nil {
			built.err = sign(built.dir, built.rpms[1])
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.rpms
}

// setup extracts the packages' payloads into a new root and writes the
// rpmdb for them there; with excludeDocs the %doc files are left out as
// rpm --excludedocs does.
func setup(t *testing.T, excludeDocs bool) *fixture {
	t.Helper()
	f := &fixture{rpms: buildAll(t), root: filepath.Join(t.TempDir(), "root")}
	for _, path := range f.rpms {
		p := openRPM(t, path)
		inst := Installed{Package: p}
		if excludeDocs {
			inst.FileStates = docsExcluded(t, p)
		}
		extract(t, f.root, path)
		f.pkgs = append(f.pkgs, inst)
	}
	if excludeDocs {
		if err := os.RemoveAll(filepath.Join(f.root, "usr/share/doc")); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(filepath.Join(f.root, dbpath), f.pkgs, Options{InstallTime: epoch, Color: 3}); err != nil {
		t.Fatal(err)
	}
	f.db = filepath.Join(f.root, dbpath, File)
	return f
}

func buildRPM(dir, name string) (string, error) {
	spec, err := filepath.Abs(filepath.Join("testdata", name+".spec"))
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "rpms")
	cmd := exec.Command("rpmbuild", "-bb", "--quiet",
		"--define", "_topdir "+filepath.Join(dir, "top-"+name),
		"--define", "_rpmdir "+out,
		"--define", "_build_name_fmt %%{NAME}.rpm",
		"--define", "use_source_date_epoch_as_buildtime 1",
		"--define", "clamp_mtime_to_source_date_epoch 1",
		"--define", "_buildhost rpmdbtest",
		"--define", "_binary_payload w9.gzdio",
		spec)
	cmd.Env = append(os.Environ(), fmt.Sprintf("SOURCE_DATE_EPOCH=%d", epoch), "TZ=UTC", "LC_ALL=C")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("rpmbuild %s: %w\n%s", name, err, b)
	}
	return filepath.Join(out, name+".rpm"), nil
}

// sign adds an RSA header signature to the package with a throwaway key,
// so that the signature header carries more than digests.
func sign(dir, path string) error {
	home := filepath.Join(dir, "gnupg")
	if err := os.Mkdir(home, 0o700); err != nil {
		return err
	}
	env := append(os.Environ(), "GNUPGHOME="+home)
	run := func(name string, args ...string) error {
		cmd := exec.Command(name, args...)
		cmd.Env = env
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %w\n%s", name, err, b)
		}
		return nil
	}
	defer run("gpgconf", "--kill", "gpg-agent") //nolint:errcheck // best effort: stop the agent gpg started
	gpg, err := exec.LookPath("gpg")
	if err != nil {
		return err
	}
	if err := run("gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
		"--quick-gen-key", "rpmdb test <rpmdb@test.invalid>", "rsa2048", "sign", "never"); err != nil {
		return err
	}
	return run("rpmsign", "--define", "__gpg "+gpg, "--define", "_gpg_name rpmdb test",
		"--define", "_gpg_sign_cmd_extra_args --pinentry-mode loopback --passphrase ''", "--addsign", path)
}

func openRPM(t testing.TB, path string) *rpm.Package {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := rpm.Open(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return p
}

// docsExcluded marks the package's %doc files not installed, as rpm
// --excludedocs does.
func docsExcluded(t *testing.T, p *rpm.Package) []FileState {
	t.Helper()
	files, err := p.Files()
	if err != nil {
		t.Fatal(err)
	}
	states := make([]FileState, len(files))
	for _, f := range files {
		if f.Flags&rpm.FileDoc != 0 {
			states[f.Index] = FileNotInstalled
		}
	}
	return states
}

// rpmq runs the host's rpm against root's database and returns stdout; it
// fails the test on any stderr output unless failOK.
func rpmq(t *testing.T, root string, failOK bool, args ...string) (string, error) {
	t.Helper()
	full := append([]string{"--root", root, "--dbpath", dbpath, "--define", "_db_backend sqlite"}, args...)
	cmd := exec.Command("rpm", full...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if !failOK && (err != nil || stderr.Len() > 0) {
		t.Fatalf("rpm %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String(), err
}

func lines(s string) []string {
	return strings.Split(strings.TrimSpace(s), "\n")
}

func TestHostRPMQueries(t *testing.T) {
	f := setup(t, true)
	q := func(args ...string) []string {
		t.Helper()
		out, _ := rpmq(t, f.root, false, args...)
		return lines(out)
	}
	checks := []struct {
		args []string
		want []string
	}{
		{[]string{"-qa", "--qf", "%{NEVRA}\n"}, []string{"hello-1.0-1.noarch", "reloc-1:2.0-3.noarch", "tool-0.1-1.noarch"}},
		{[]string{"-q", "reloc"}, []string{"reloc-2.0-3.noarch"}},
		{[]string{"-qf", "/usr/bin/hello"}, []string{"hello-1.0-1.noarch"}},
		{[]string{"-qf", "/usr/bin/tool"}, []string{"tool-0.1-1.noarch"}},
		{[]string{"-q", "--whatprovides", "greeting"}, []string{"hello-1.0-1.noarch"}},
		{[]string{"-q", "--whatprovides", "/opt/reloc/file"}, []string{"reloc-2.0-3.noarch"}},
		{[]string{"-q", "--whatrequires", "greeting"}, []string{"hello-1.0-1.noarch", "reloc-2.0-3.noarch"}},
		{[]string{"-q", "--whatrequires", "hello"}, []string{"tool-0.1-1.noarch"}},
		{[]string{"-q", "--whatrecommends", "cowsay"}, []string{"hello-1.0-1.noarch"}},
		{[]string{"-q", "--whatsuggests", "figlet"}, []string{"hello-1.0-1.noarch"}},
		{[]string{"-q", "--whatsupplements", "langpacks"}, []string{"hello-1.0-1.noarch"}},
		{[]string{"-q", "--whatconflicts", "oldhello"}, []string{"hello-1.0-1.noarch"}},
		{[]string{"-q", "--whatobsoletes", "hi"}, []string{"hello-1.0-1.noarch"}},
		{[]string{"-q", "--triggeredby", "bash"}, []string{"hello-1.0-1.noarch"}},
		{[]string{"-ql", "hello"}, []string{"/etc/hello.conf", "/usr/bin/hello", "/usr/bin/hello-data",
			"/usr/share/doc/hello/README", "/usr/share/hello", "/usr/share/hello/data"}},
		{[]string{"-q", "--qf", "%{INSTALLTIME} %{INSTALLTID} %{INSTALLCOLOR} [%{FILESTATES:fstate} ]\n", "hello"},
			[]string{"1700000000 1700000000 3 normal normal normal not installed normal normal"}},
		{[]string{"-q", "--qf", "[%{INSTPREFIXES}]\n", "reloc"}, []string{"/opt/reloc"}},
		{[]string{"-q", "--qf", "%{INSTALLTIME:date}\n", "tool"}, []string{"Tue Nov 14 22:13:20 2023"}},
	}
	for _, c := range checks {
		if got := q(c.args...); !slices.Equal(got, c.want) {
			t.Errorf("rpm %s:\n got %q\nwant %q", strings.Join(c.args, " "), got, c.want)
		}
	}
	if sig := q("-q", "--qf", "%{RSAHEADER:pgpsig}\n", "reloc"); !strings.HasPrefix(sig[0], "RSA/") {
		t.Errorf("reloc's stored header lost its signature: %q", sig)
	}
	if out := strings.Join(q("-qi", "hello"), "\n"); !strings.Contains(out, "Install Date: Tue Nov 14 22:13:20 2023") {
		t.Errorf("rpm -qi hello:\n%s", out)
	}
	if _, err := rpmq(t, f.root, true, "-q", "nosuch"); err == nil {
		t.Errorf("rpm -q nosuch succeeded")
	}
}

func TestHostRPMVerify(t *testing.T) {
	f := setup(t, true)
	verify := []string{"-Va", "--nodeps", "--noscripts"}
	if os.Geteuid() != 0 {
		// Files extracted by another user cannot be owned by root.
		verify = append(verify, "--nouser", "--nogroup")
	}
	if out, err := rpmq(t, f.root, true, verify...); err != nil || out != "" {
		t.Fatalf("rpm -Va on an untouched root: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(f.root, "usr/share/hello/data"), []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := rpmq(t, f.root, true, verify...)
	if err == nil || !strings.Contains(out, "/usr/share/hello/data") || strings.Count(out, "\n") != 1 {
		t.Fatalf("rpm -Va after changing one file: %v\n%s", err, out)
	}
}

func TestHostRPMChangesOurDatabase(t *testing.T) {
	f := setup(t, false)
	if out, err := rpmq(t, f.root, true, "--verifydb"); err != nil {
		t.Fatalf("rpmdb --verifydb: %v\n%s", err, out)
	}
	if _, err := rpmq(t, f.root, true, "-e", "--justdb", "--nodeps", "--noscripts", "tool"); err != nil {
		t.Fatalf("rpm -e --justdb tool: %v", err)
	}
	out, _ := rpmq(t, f.root, false, "-qa", "--qf", "%{NAME}\n")
	if got := lines(out); !slices.Equal(got, []string{"hello", "reloc"}) {
		t.Errorf("rpm -qa after erasing tool: %q", got)
	}
}

func TestDeterministic(t *testing.T) {
	f := setup(t, true)
	first, err := os.ReadFile(f.db)
	if err != nil {
		t.Fatal(err)
	}
	// Rewrite over the existing database, with a stale WAL beside it.
	dir := filepath.Dir(f.db)
	if err := os.WriteFile(f.db+"-wal", []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, f.pkgs, Options{InstallTime: epoch, Color: 3}); err != nil {
		t.Fatal(err)
	}
	second, err := os.ReadFile(f.db)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Errorf("two writes of the same packages differ")
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{File}) {
		t.Errorf("dbpath holds %q, want only %s", names, File)
	}
	if err := Write(dir, f.pkgs, Options{InstallTime: epoch + 1, Color: 3}); err != nil {
		t.Fatal(err)
	}
	if third, _ := os.ReadFile(f.db); bytes.Equal(first, third) {
		t.Errorf("another install time gave the same database")
	}
	odd := filepath.Join(t.TempDir(), "a dir?with#odd%20chars")
	if err := Write(odd, f.pkgs, Options{InstallTime: epoch, Color: 3}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(odd, File)); err != nil || !bytes.Equal(b, first) {
		t.Errorf("writing under a folder named %q: %v", filepath.Base(odd), err)
	}
	t.Chdir(filepath.Dir(odd))
	if err := Write(filepath.Base(odd), f.pkgs, Options{InstallTime: epoch, Color: 3}); err != nil {
		t.Errorf("writing under a relative path: %v", err)
	}
	if err := Write(dir, f.pkgs, Options{InstallTime: 0x01020304, BigEndian: true}); err != nil {
		t.Fatal(err)
	}
	if got := rows(t, openDB(t, f.db), "SELECT DISTINCT quote(key) FROM Installtid"); !slices.Equal(got, []string{"X'01020304'"}) {
		t.Errorf("big-endian Installtid keys %q", got)
	}
}

func TestWriteErrorKeepsOldDatabase(t *testing.T) {
	f := setup(t, false)
	before, err := os.ReadFile(f.db)
	if err != nil {
		t.Fatal(err)
	}
	bad := slices.Clone(f.pkgs)
	bad[0].FileStates = []FileState{FileNormal} // hello has six files
	err = Write(filepath.Dir(f.db), bad, Options{InstallTime: epoch})
	if err == nil || !strings.Contains(err.Error(), "hello-1.0-1.noarch") {
		t.Fatalf("Write with one file state for six files: %v", err)
	}
	after, err := os.ReadFile(f.db)
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("a failed Write changed the database (%v)", err)
	}
	ents, _ := os.ReadDir(filepath.Dir(f.db))
	if len(ents) != 1 {
		t.Errorf("a failed Write left files behind: %v", ents)
	}
}

func TestInstalledHeaderNeedsPackageHeader(t *testing.T) {
	p := openRPM(t, buildAll(t)[0])
	blob, err := InstalledHeader(Installed{Package: p}, Options{InstallTime: epoch})
	if err != nil {
		t.Fatal(err)
	}
	h, err := parseBlob(blob)
	if err != nil {
		t.Fatal(err)
	}
	// Installing a header read back from an rpmdb would stack a second set
	// of install tags on the first.
	if _, err := export(h, nil); err == nil {
		t.Errorf("export accepted a header with entries past its region")
	}
	// The region stays byte for byte: its index entries first, its data at
	// the start of the data store.
	pkg := p.Header.Blob()
	ril, il := len(p.Header.Entries()), len(h.Entries())
	if !bytes.Equal(blob[8:8+16*ril], pkg[8:8+16*ril]) || !bytes.HasPrefix(blob[8+16*il:], pkg[8+16*ril:]) {
		t.Errorf("the installed header does not keep the package's region")
	}
}
