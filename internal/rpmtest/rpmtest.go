// Package rpmtest builds real RPM packages and rpm-md repositories for
// tests, with the host's rpmbuild and createrepo_c (Debian packages rpm and
// createrepo-c). Packages are described by a one-line-per-package text
// format so testscript goldens can carry their repositories inline.
//
// Entry points: ParseList, Build, CreateRepo.
package rpmtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Pkg describes one package to build.
type Pkg struct {
	Name, Version, Release, Arch string
	Epoch                        int
	Requires, Provides           []string
	Conflicts, Obsoletes         []string
	Recommends                   []string
	// Files maps absolute paths to contents; a path ending in "/" is a dir.
	Files map[string]string
	// Copies maps absolute paths in the package to host files to copy
	// there (e.g. a static busybox), mode 0755.
	Copies map[string]string
	// Symlinks maps absolute paths to symlink targets.
	Symlinks map[string]string
	// Post is a %post scriptlet body (run by /bin/sh).
	Post string
	// TriggerIn maps a package name to a %triggerin body fired by it.
	TriggerIn map[string]string
}

// ParseList reads packages, one per line: "name-[epoch:]version-release.arch"
// followed by space-separated "key=a,b" fields (requires, provides,
// conflicts, obsoletes, recommends, files: a list of paths; copy:
// "DEST<-HOSTSRC" items; symlinks: "PATH->TARGET" items; post: a %post
// body; triggerin: "TARGET:BODY", a %triggerin fired by TARGET). Blank lines
// and '#' lines are skipped. Commas separate list items and '_' stands for
// a space inside one: "requires=foo_>=_1.0".
func ParseList(text string) ([]Pkg, error) {
	var out []Pkg
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		out = append(out, p)
	}
	return out, nil
}

func parseLine(line string) (Pkg, error) {
	fields := strings.Fields(line)
	p, err := parseNEVRA(fields[0])
	if err != nil {
		return p, err
	}
	for _, f := range fields[1:] {
		key, val, ok := strings.Cut(f, "=")
		if !ok {
			return p, fmt.Errorf("field %q: want key=value", f)
		}
		items := strings.Split(strings.ReplaceAll(val, "_", " "), ",")
		switch key {
		case "requires":
			p.Requires = items
		case "provides":
			p.Provides = items
		case "conflicts":
			p.Conflicts = items
		case "obsoletes":
			p.Obsoletes = items
		case "recommends":
			p.Recommends = items
		case "files":
			p.Files = map[string]string{}
			for _, f := range items {
				p.Files[f] = p.Name + " owns " + f + "\n"
			}
		case "copy":
			p.Copies = pairs(items, "<-")
		case "symlinks":
			p.Symlinks = pairs(items, "->")
		case "post":
			p.Post = strings.Join(items, ",")
		case "triggerin":
			p.TriggerIn = pairs([]string{strings.Join(items, ",")}, ":")
		default:
			return p, fmt.Errorf("unknown field %q", key)
		}
	}
	return p, nil
}

func pairs(items []string, sep string) map[string]string {
	m := map[string]string{}
	for _, it := range items {
		k, v, _ := strings.Cut(it, sep)
		m[k] = v
	}
	return m
}

func parseNEVRA(s string) (Pkg, error) {
	var p Pkg
	dot := strings.LastIndexByte(s, '.')
	if dot < 0 {
		return p, fmt.Errorf("%q: want name-version-release.arch", s)
	}
	p.Arch = s[dot+1:]
	rest := s[:dot]
	r := strings.LastIndexByte(rest, '-')
	v := strings.LastIndexByte(rest[:max(r, 0)], '-')
	if r < 0 || v < 0 {
		return p, fmt.Errorf("%q: want name-version-release.arch", s)
	}
	p.Name, p.Version, p.Release = rest[:v], rest[v+1:r], rest[r+1:]
	if e, ver, ok := strings.Cut(p.Version, ":"); ok {
		n, err := strconv.Atoi(e)
		if err != nil {
			return p, fmt.Errorf("%q: bad epoch", s)
		}
		p.Epoch, p.Version = n, ver
	}
	return p, nil
}

// Build writes each package's .rpm into dir (rpmbuild, two at a time).
// Builds are reproducible: SOURCE_DATE_EPOCH is fixed and the build time
// clamped to it.
func Build(dir string, pkgs []Pkg) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	errs := make([]error, len(pkgs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i := range pkgs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = buildOne(dir, pkgs[i])
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func buildOne(dir string, p Pkg) error {
	top, err := os.MkdirTemp("", "rpmtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(top)
	specPath := filepath.Join(top, p.Name+".spec")
	if err := os.WriteFile(specPath, []byte(spec(p)), 0o644); err != nil {
		return err
	}
	cmd := exec.Command("rpmbuild", "-bb", "--quiet",
		"--define", "_topdir "+top,
		"--define", "_rpmdir "+dir,
		"--define", "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm",
		"--define", "use_source_date_epoch_as_buildtime 1",
		"--define", "clamp_mtime_to_source_date_epoch 1",
		"--define", "_buildhost rpmtest",
		"--define", "__os_install_post %{nil}",
		"--define", "_binary_payload w9.gzdio",
		"--target", p.Arch, specPath)
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1700000000", "TZ=UTC", "LC_ALL=C")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("rpmbuild %s: %w\n%s", p.Name, err, out.String())
	}
	return nil
}

func spec(p Pkg) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Name: %s\nVersion: %s\nRelease: %s\nSummary: test package %s\nLicense: MIT\n", p.Name, p.Version, p.Release, p.Name)
	if p.Arch == "noarch" {
		b.WriteString("BuildArch: noarch\n")
	}
	if p.Epoch != 0 {
		fmt.Fprintf(&b, "Epoch: %d\n", p.Epoch)
	}
	b.WriteString("AutoReqProv: no\n")
	for _, l := range []struct {
		tag   string
		items []string
	}{{"Requires", p.Requires}, {"Provides", p.Provides}, {"Conflicts", p.Conflicts},
		{"Obsoletes", p.Obsoletes}, {"Recommends", p.Recommends}} {
		for _, it := range l.items {
			fmt.Fprintf(&b, "%s: %s\n", l.tag, it)
		}
	}
	fmt.Fprintf(&b, "%%description\nTest package %s.\n", p.Name)
	b.WriteString("%install\nmkdir -p %{buildroot}\n")
	paths := sortedKeys(p.Files)
	for i, f := range paths {
		if strings.HasSuffix(f, "/") {
			fmt.Fprintf(&b, "mkdir -p %%{buildroot}%s\n", f)
			continue
		}
		fmt.Fprintf(&b, "mkdir -p %%{buildroot}$(dirname %s)\ncat > %%{buildroot}%s <<'RPMTEST_EOF_%d'\n%sRPMTEST_EOF_%d\n", f, f, i, p.Files[f], i)
	}
	for _, dest := range sortedKeys(p.Copies) {
		fmt.Fprintf(&b, "mkdir -p %%{buildroot}$(dirname %s)\ncp %s %%{buildroot}%s\nchmod 0755 %%{buildroot}%s\n", dest, p.Copies[dest], dest, dest)
	}
	for _, l := range sortedKeys(p.Symlinks) {
		fmt.Fprintf(&b, "mkdir -p %%{buildroot}$(dirname %s)\nln -s %s %%{buildroot}%s\n", l, p.Symlinks[l], l)
	}
	if p.Post != "" {
		fmt.Fprintf(&b, "%%post\n%s\n", p.Post)
	}
	for _, target := range sortedKeys(p.TriggerIn) {
		fmt.Fprintf(&b, "%%triggerin -- %s\n%s\n", target, p.TriggerIn[target])
	}
	b.WriteString("%files\n")
	for _, f := range append(sortedKeys(p.Copies), sortedKeys(p.Symlinks)...) {
		fmt.Fprintf(&b, "%s\n", f)
	}
	for _, f := range paths {
		if strings.HasSuffix(f, "/") {
			fmt.Fprintf(&b, "%%dir %s\n", strings.TrimSuffix(f, "/"))
		} else {
			fmt.Fprintf(&b, "%s\n", f)
		}
	}
	return b.String()
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// CreateRepo runs createrepo_c on dir, reproducibly (fixed revision,
// timestamps and file mtimes, sha256 checksums).
func CreateRepo(dir string) error {
	// primary.xml records each file's mtime: pin them.
	rpms, err := filepath.Glob(filepath.Join(dir, "*.rpm"))
	if err != nil {
		return err
	}
	epoch := time.Unix(1700000000, 0)
	for _, r := range rpms {
		if err := os.Chtimes(r, epoch, epoch); err != nil {
			return err
		}
	}
	cmd := exec.Command("createrepo_c", "--quiet", "--revision", "1", "--set-timestamp-to-revision",
		"--checksum", "sha256", "--general-compress-type", "gz", dir)
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1700000000")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("createrepo_c %s: %w\n%s", dir, err, out)
	}
	return nil
}
