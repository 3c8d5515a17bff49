package repo

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// Config is one repository as a .repo file (or a repo section of yum.conf)
// declares it, after variable substitution and defaulting.
type Config struct {
	ID           string
	Name         string
	BaseURLs     []string
	MirrorList   string
	Metalink     string
	Enabled      bool
	GPGCheck     bool
	RepoGPGCheck bool
	GPGKeys      []string
	Priority     int // lower wins; default 99
	Cost         int // default 1000
	Include      []string
	Exclude      []string
	Proxy        string // main's unless set; "_none_" or "" = no proxy, as dnf
	// SkipIfUnavailable lets a build go on without this repo when it cannot
	// be reached.
	SkipIfUnavailable bool
	// ModuleHotfixes is parsed for validation only: disco has no modules.
	ModuleHotfixes bool

	File string // the file that declared it
	Line int    // the line of its [id] header
}

// Main is the [main] section of yum.conf/dnf.conf.
type Main struct {
	ExactArch         bool   // yum's; dnf 4 ignores it
	MultilibPolicy    string // "best" or "all"
	Best              bool
	InstallWeakDeps   bool
	GPGCheck          bool
	RepoGPGCheck      bool
	SkipIfUnavailable bool
	Proxy             string
	ReposDir          []string
	// Include and Exclude (includepkgs, excludepkgs) apply to every repo.
	Include []string
	Exclude []string
}

// DefaultMain is dnf's [main] before any configuration is read.
func DefaultMain() Main {
	return Main{
		ExactArch:       true,
		MultilibPolicy:  "best",
		InstallWeakDeps: true,
		ReposDir:        []string{"/etc/yum.repos.d", "/etc/yum/repos.d", "/etc/distro.repos.d"},
	}
}

// Option is a configuration option that disco does not use, kept so callers
// can log it.
type Option struct {
	Section string
	Key     string
	Value   string
	File    string
	Line    int
}

// File is what a yum.conf/dnf.conf or .repo file declares.
type File struct {
	Main    Main      // DefaultMain() overridden by the file's [main], if any
	HasMain bool      // the file has a [main] section
	Repos   []*Config // in file order
	Unknown []Option  // options disco does not know, in file order
}

// ParseConf parses a yum.conf/dnf.conf (a [main] section and optionally
// repo sections). Values are expanded with vars; repo options not set take
// their defaults from the file's [main].
func ParseConf(file string, data []byte, vars Vars) (*File, error) {
	m := DefaultMain()
	return parseFile(file, data, vars, &m, true)
}

// ParseRepoFile parses a .repo file. Repo options not set take their
// defaults from main (DefaultMain() when nil). A [main] section in a .repo
// file is an error.
func ParseRepoFile(file string, data []byte, vars Vars, main *Main) ([]*Config, []Option, error) {
	m := DefaultMain()
	if main != nil {
		m = *main
	}
	f, err := parseFile(file, data, vars, &m, false)
	if err != nil {
		return nil, nil, err
	}
	return f.Repos, f.Unknown, nil
}

func parseFile(file string, data []byte, vars Vars, main *Main, allowMain bool) (*File, error) {
	secs, err := parseINI(file, data)
	if err != nil {
		return nil, err
	}
	f := &File{}
	for _, s := range secs {
		if s.Name != "main" {
			continue
		}
		if !allowMain {
			return nil, &ParseError{file, s.Line, "[main] belongs in yum.conf/dnf.conf, not in a .repo file"}
		}
		f.HasMain = true
		if err := parseMain(file, s, vars, main, &f.Unknown); err != nil {
			return nil, err
		}
	}
	f.Main = *main
	for _, s := range secs {
		if s.Name == "main" {
			continue
		}
		c, err := parseRepo(file, s, vars, main, &f.Unknown)
		if err != nil {
			return nil, err
		}
		f.Repos = append(f.Repos, c)
	}
	return f, nil
}

// optParser reads the values of one option with its place for errors.
type optParser struct {
	file string
	o    iniOption
	val  string // expanded
	vars Vars
}

func (p optParser) errf(format string, args ...any) error {
	return &ParseError{File: p.file, Line: p.o.Line, Msg: fmt.Sprintf("%s: ", p.o.Key) + fmt.Sprintf(format, args...)}
}

// setBool and setInt set *dst from the value; an empty value leaves the
// option at its default, as dnf does.
func (p optParser) setBool(dst *bool) (err error) {
	if p.val != "" {
		*dst, err = p.bool()
	}
	return err
}

func (p optParser) setInt(dst *int) (err error) {
	if p.val != "" {
		*dst, err = p.int()
	}
	return err
}

func (p optParser) bool() (bool, error) {
	switch strings.ToLower(p.val) {
	case "1", "yes", "true", "on":
		return true, nil
	case "0", "no", "false", "off":
		return false, nil
	}
	return false, p.errf("%q is not a boolean (1/0, yes/no, true/false, on/off)", p.val)
}

func (p optParser) int() (int, error) {
	n, err := strconv.Atoi(p.val)
	if err != nil {
		return 0, p.errf("%q is not an integer", p.val)
	}
	return n, nil
}

// list splits a list value on commas and white space (newlines of
// continuation lines included), dropping empty items.
func (p optParser) list() []string {
	return strings.FieldsFunc(p.val, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n'
	})
}

// globs is a list of package-name globs, each checked for syntax.
func (p optParser) globs() ([]string, error) {
	l := p.list()
	for _, g := range l {
		if _, err := path.Match(g, ""); err != nil {
			return nil, p.errf("bad glob %q: %v", g, err)
		}
	}
	return l, nil
}

func (p optParser) single() (string, error) {
	if strings.Contains(p.val, "\n") {
		return "", p.errf("takes one value, not several lines")
	}
	return p.val, nil
}
