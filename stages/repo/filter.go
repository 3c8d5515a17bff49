package repo

import (
	"fmt"
	"path"
	"strconv"
)

// filterPackages applies includepkgs/excludepkgs as dnf does: with include
// globs, only packages matching one of them stay; then packages matching an
// exclude glob go. A glob matches a package when it matches its name or one
// of its NEVRA forms (name.arch, name-version, name-version-release,
// name-version-release.arch, name-epoch:version-release.arch).
func filterPackages(pkgs []*Package, cfg *Config, opts Options) ([]*Package, error) {
	sets := [][]string{cfg.Include, opts.Include}
	excl := [][]string{cfg.Exclude, opts.Exclude}
	if len(cfg.Include)+len(opts.Include)+len(cfg.Exclude)+len(opts.Exclude) == 0 {
		return pkgs, nil
	}
	for _, l := range append(sets, excl...) {
		for _, g := range l {
			if _, err := path.Match(g, ""); err != nil {
				return nil, fmt.Errorf("repo %s: package glob %q: %w", cfg.ID, g, err)
			}
		}
	}
	out := make([]*Package, 0, len(pkgs))
	for _, p := range pkgs {
		keep := true
		for _, inc := range sets {
			if len(inc) > 0 && !matchAny(inc, p) {
				keep = false
			}
		}
		for _, ex := range excl {
			if matchAny(ex, p) {
				keep = false
			}
		}
		if keep {
			out = append(out, p)
		}
	}
	return out, nil
}

func matchAny(globs []string, p *Package) bool {
	for _, g := range globs {
		if MatchPackage(g, p) {
			return true
		}
	}
	return false
}

// MatchPackage tells whether a dnf package glob matches p (see
// filterPackages for the forms tried).
func MatchPackage(glob string, p *Package) bool {
	if ok, _ := path.Match(glob, p.Name); ok {
		return true
	}
	nv := p.Name + "-" + p.Version
	nvr := nv + "-" + p.Release
	forms := []string{
		p.Name + "." + p.Arch, nv, nvr, nvr + "." + p.Arch,
		p.Name + "-" + strconv.Itoa(p.Epoch) + ":" + p.Version + "-" + p.Release + "." + p.Arch,
	}
	for _, f := range forms {
		if ok, _ := path.Match(glob, f); ok {
			return true
		}
	}
	return false
}
