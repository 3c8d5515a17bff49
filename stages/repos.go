package stages

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/disco-build/disco/runtime/legacy"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/repo"
)

// yumVars are the yum/dnf variables for a machine.
func yumVars(m *plan.Machine) repo.Vars {
	base := m.Arch
	switch m.Arch {
	case "i386", "i486", "i586", "i686":
		base = "i386"
	}
	v := repo.Vars{"arch": m.Arch, "basearch": base}
	if m.Releasever != "" {
		// Unset, not empty, when nothing gives it: a URL naming
		// $releasever is then an error at its line (repo.Config).
		v["releasever"] = m.Releasever
	}
	return v
}

// repoConfigs returns the machine's enabled repositories, parsed with
// yum/dnf semantics, and the [main] options. root and cache are absolute.
func repoConfigs(root, cache string, m *plan.Machine) ([]*repo.Config, repo.Main, error) {
	main := repo.DefaultMain()
	vars := yumVars(m)
	var subst map[string]string
	if m.YumConf != nil {
		subst = legacy.Variables(root, cache, m)
		f, err := repo.ParseConf(m.YumConf.Path, []byte(legacy.Substitute(m.YumConf.Template, subst)), vars)
		if err != nil {
			return nil, main, err
		}
		main = f.Main
	}
	var out []*repo.Config
	for _, r := range m.Repos {
		cfgs, err := parseRepo(r, subst, vars, &main)
		if err != nil {
			return nil, main, err
		}
		for _, c := range cfgs {
			if !c.Enabled {
				continue
			}
			for i, u := range c.BaseURLs {
				c.BaseURLs[i] = absURL(root, u)
			}
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, main, plan.Errorf(m.Pos, "machine %s has no enabled repository", m.ID())
	}
	return out, main, nil
}

func parseRepo(r plan.Repo, subst map[string]string, vars repo.Vars, main *repo.Main) ([]*repo.Config, error) {
	if r.RepoFile != "" {
		cfgs, _, err := repo.ParseRepoFile(r.RepoFile, []byte(legacy.Substitute(r.Content, subst)), vars, main)
		return cfgs, err
	}
	cfgs, _, err := repo.ParseRepoFile(r.Pos.File, []byte(repoINI(r)), vars, main)
	var perr *repo.ParseError
	if errors.As(err, &perr) {
		err = errors.New(perr.Msg) // its line is one of repoINI's, not the file's
	}
	if err != nil {
		return nil, plan.Errorf(r.Pos, "repo %q: %v", r.ID, err)
	}
	for _, c := range cfgs {
		c.File, c.Line = r.Pos.File, r.Pos.Line // errors later name the repo() call
	}
	return cfgs, nil
}

// repoINI renders a Starlark repo as a .repo section, so both kinds of
// definition go through one parser with one set of semantics.
func repoINI(r plan.Repo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s]\n", r.ID)
	kv := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s=%s\n", k, v)
		}
	}
	kv("name", r.Name)
	kv("baseurl", strings.Join(r.BaseURLs, " "))
	kv("mirrorlist", r.MirrorList)
	kv("metalink", r.Metalink)
	kv("enabled", boolStr(r.Enabled))
	kv("gpgcheck", boolStr(r.GPGCheck))
	kv("repo_gpgcheck", boolStr(r.RepoGPGCheck))
	kv("gpgkey", strings.Join(r.GPGKeys, " "))
	if r.Priority != 0 {
		kv("priority", strconv.Itoa(r.Priority))
	}
	if r.Cost != 0 {
		kv("cost", strconv.Itoa(r.Cost))
	}
	kv("includepkgs", strings.Join(r.Include, " "))
	kv("excludepkgs", strings.Join(r.Exclude, " "))
	kv("proxy", r.Proxy)
	return b.String()
}

func boolStr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// absURL makes a baseurl without a scheme a file:// URL, relative paths
// being relative to the config root.
func absURL(root, u string) string {
	if parsed, err := url.Parse(u); err == nil && parsed.Scheme != "" {
		return u
	}
	if !filepath.IsAbs(u) {
		u = filepath.Join(root, u)
	}
	return "file://" + filepath.ToSlash(u)
}
