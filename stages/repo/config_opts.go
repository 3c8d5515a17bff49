package repo

import (
	"fmt"
)

func parseMain(file string, s *iniSection, vars Vars, m *Main, unknown *[]Option) error {
	for _, o := range s.Options {
		p := optParser{file: file, o: o, val: vars.Expand(o.Value)}
		var err error
		switch o.Key {
		case "exactarch":
			m.ExactArch, err = p.bool()
		case "multilib_policy":
			m.MultilibPolicy, err = p.single()
			if err == nil && m.MultilibPolicy != "best" && m.MultilibPolicy != "all" {
				err = p.errf("%q is neither \"best\" nor \"all\"", m.MultilibPolicy)
			}
		case "best":
			m.Best, err = p.bool()
		case "install_weak_deps":
			m.InstallWeakDeps, err = p.bool()
		case "gpgcheck":
			m.GPGCheck, err = p.bool()
		case "repo_gpgcheck":
			m.RepoGPGCheck, err = p.bool()
		case "skip_if_unavailable":
			m.SkipIfUnavailable, err = p.bool()
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
		p := optParser{file: file, o: o, val: vars.Expand(o.Value)}
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
func setRepoOption(c *Config, p optParser) (known bool, err error) {
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
		c.Enabled, err = p.bool()
	case "gpgcheck":
		c.GPGCheck, err = p.bool()
	case "repo_gpgcheck":
		c.RepoGPGCheck, err = p.bool()
	case "gpgkey":
		c.GPGKeys = p.list()
	case "priority":
		c.Priority, err = p.int()
	case "cost":
		c.Cost, err = p.int()
	case "includepkgs":
		c.Include, err = p.globs()
	case "excludepkgs", "exclude":
		c.Exclude, err = p.globs()
	case "module_hotfixes":
		c.ModuleHotfixes, err = p.bool()
	case "proxy":
		c.Proxy, err = p.single()
	case "skip_if_unavailable":
		c.SkipIfUnavailable, err = p.bool()
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
