package repo

import (
	"fmt"
	"strings"
)

func parseMain(file string, s *iniSection, vars Vars, m *Main, unknown *[]Option) error {
	for _, o := range s.Options {
		p := optParser{file: file, o: o, val: vars.Expand(o.Value), vars: vars}
		var err error
		switch o.Key {
		case "exactarch":
			err = p.setBool(&m.ExactArch)
		case "multilib_policy":
			m.MultilibPolicy, err = p.single()
			if err == nil && m.MultilibPolicy != "best" && m.MultilibPolicy != "all" {
				err = p.errf("%q is neither \"best\" nor \"all\"", m.MultilibPolicy)
			}
		case "best":
			err = p.setBool(&m.Best)
		case "install_weak_deps":
			err = p.setBool(&m.InstallWeakDeps)
		case "gpgcheck":
			err = p.setBool(&m.GPGCheck)
		case "repo_gpgcheck":
			err = p.setBool(&m.RepoGPGCheck)
		case "skip_if_unavailable":
			err = p.setBool(&m.SkipIfUnavailable)
		case "proxy":
			m.Proxy, err = p.single()
		case "reposdir":
			m.ReposDir = p.list()
		case "includepkgs":
			m.Include, err = p.globs()
		case "excludepkgs", "exclude":
			m.Exclude, err = p.globs()
		default:
			*unknown = append(*unknown, Option{Section: s.Name, Key: o.Key, Value: p.val, File: file, Line: o.Line})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func parseRepo(file string, s *iniSection, vars Vars, m *Main, unknown *[]Option) (*Config, error) {
	c := &Config{
		ID:                vars.Expand(s.Name),
		Enabled:           true,
		GPGCheck:          m.GPGCheck,
		RepoGPGCheck:      m.RepoGPGCheck,
		Priority:          99,
		Cost:              1000,
		SkipIfUnavailable: m.SkipIfUnavailable,
		Proxy:             m.Proxy,
		File:              file,
		Line:              s.Line,
	}
	if err := checkRepoID(c.ID); err != nil {
		return nil, &ParseError{file, s.Line, err.Error()}
	}
	for _, o := range s.Options {
		p := optParser{file: file, o: o, val: vars.Expand(o.Value), vars: vars}
		known, err := setRepoOption(c, p)
		if err != nil {
			return nil, err
		}
		if !known {
			*unknown = append(*unknown, Option{Section: c.ID, Key: o.Key, Value: p.val, File: file, Line: o.Line})
		}
	}
	if c.Name == "" {
		c.Name = c.ID
	}
	if len(c.BaseURLs) == 0 && c.MirrorList == "" && c.Metalink == "" {
		return nil, &ParseError{file, s.Line, fmt.Sprintf("repo %q has no baseurl, mirrorlist or metalink", c.ID)}
	}
	return c, nil
}

// setRepoOption sets the option p names on c; known is false for an option
// disco does not know.
//
// A URL option (baseurl, mirrorlist, metalink, gpgkey) naming a variable
// that is not set is an error at its line: dnf would leave "$name" in the
// URL, and an unset releasever would have read as empty.
func setRepoOption(c *Config, p optParser) (known bool, err error) {
	switch p.o.Key {
	case "baseurl", "mirrorlist", "metalink", "gpgkey":
		if unset := p.vars.Unset(p.o.Value); len(unset) > 0 {
			return true, p.errf("$%s is not set (disco sets arch, basearch, and releasever when yum.conf's [main] or the machine gives it)", strings.Join(unset, ", $"))
		}
	}
	switch p.o.Key {
	case "name":
		c.Name = p.val // continuation lines stay "\n"-joined, as dnf keeps them
	case "baseurl":
		c.BaseURLs = p.list()
	case "mirrorlist":
		c.MirrorList, err = p.single()
	case "metalink":
		c.Metalink, err = p.single()
	case "enabled":
		err = p.setBool(&c.Enabled)
	case "gpgcheck":
		err = p.setBool(&c.GPGCheck)
	case "repo_gpgcheck":
		err = p.setBool(&c.RepoGPGCheck)
	case "gpgkey":
		c.GPGKeys = p.list()
	case "priority":
		err = p.setInt(&c.Priority)
	case "cost":
		err = p.setInt(&c.Cost)
	case "includepkgs":
		c.Include, err = p.globs()
	case "excludepkgs", "exclude":
		c.Exclude, err = p.globs()
	case "module_hotfixes":
		err = p.setBool(&c.ModuleHotfixes)
	case "proxy":
		c.Proxy, err = p.single()
	case "skip_if_unavailable":
		err = p.setBool(&c.SkipIfUnavailable)
	default:
		return false, nil
	}
	return true, err
}

// checkRepoID applies dnf's rule for repo ids: letters, digits and
// "-_.:" only.
func checkRepoID(id string) error {
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !isNameByte(c) && c != '-' && c != '.' && c != ':' {
			return fmt.Errorf("repo id %q: bad character %q (allowed: letters, digits, '-', '_', '.', ':')", id, c)
		}
	}
	return nil
}
