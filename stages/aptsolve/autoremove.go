package aptsolve

import "github.com/disco-build/disco/stages/debver"

// This file follows apt-get's DoAutomaticRemove (apt-private/private-
// install.cc) without APT::Get::AutomaticRemove: a new install no package
// to be kept needs (pkgDepCache::MarkAndSweep: not reachable from the
// manually requested, Essential, Protected or protected-by-apt packages
// through Depends, Pre-Depends, Recommends and Suggests) is not
// installed after all, unless something else to be installed depends on
// it.

// boring is IsPkgInBoringState: not installed and not to be.
func (c *cache) boring(id int32) bool { return c.pkgs[id].st.keep() }

// markAndSweep is pkgDepCache::MarkAndSweep.
func (c *cache) markAndSweep() {
	for _, p := range c.pkgs {
		p.st.marked, p.st.garbage, p.st.explored = false, false, false
	}
	for _, id := range c.hashOrder() {
		p := c.pkgs[id]
		if p.st.marked || c.boring(id) {
			continue
		}
		if p.st.auto && !p.essential && !p.important && c.modeChangeOK(modeGarbage, id, 0, false) {
			continue
		}
		c.markPackage(id, p.st.inst, 0)
	}
	for _, p := range c.pkgs {
		if !p.st.marked && p.st.install() {
			p.st.garbage = true
		}
	}
}

const modeGarbage = 3

// markPackage is MarkPackage of pkgDepCache::MarkRequired.
func (c *cache) markPackage(id, vid int32, depth int) {
	p := c.pkgs[id]
	if vid == none || p.st.marked {
		return
	}
	if c.boring(id) {
		p.st.explored = true
		return
	}
	if depth > 3000 {
		return
	}
	p.st.marked = true
	deps := c.depsOf(vid)
	for k := range deps {
		d := &deps[k]
		t := c.pkgs[d.target]
		if t.st.explored {
			continue
		}
		if d.typ != depDepends && d.typ != depPreDepends && d.typ != depRecommends && d.typ != depSuggests {
			continue
		}
		unsatisfied := false
		bySource := map[string][]int32{}
		var sources []string
		add := func(vid int32) {
			src := c.vers[vid].rec.Source
			if _, ok := bySource[src]; !ok {
				sources = append(sources, src)
			}
			bySource[src] = append(bySource[src], vid)
		}
		if !c.boring(d.target) {
			if tv := c.load(d.target).st.inst; tv != none {
				if satisfies(d, c.vers[tv].v) {
					add(tv)
				} else {
					unsatisfied = true
				}
			}
		}
		if len(sources) == 0 && !unsatisfied {
			t.st.marked = true
		}
		for _, pr := range c.provides(d.target) {
			owner := c.vers[pr.owner].pkg
			if c.boring(owner) || c.pkgs[owner].st.inst != pr.owner {
				continue
			}
			if satisfiesProvide(d, pr) {
				add(pr.owner)
			} else {
				unsatisfied = true
			}
		}
		if !unsatisfied {
			t.st.explored = true
		}
		for _, src := range sources {
			vs := bySource[src]
			high := vs[0]
			for _, v := range vs[1:] {
				if debver.Compare(c.vers[v].rec.SourceVersion, c.vers[high].rec.SourceVersion) > 0 {
					high = v
				}
			}
			for _, v := range vs {
				if debver.Compare(c.vers[v].rec.SourceVersion, c.vers[high].rec.SourceVersion) == 0 {
					c.markPackage(c.vers[v].pkg, v, depth+1)
				}
			}
		}
	}
}

// autoRemove is DoAutomaticRemove: garbage new installs are not
// installed, then those another package to install depends on are
// installed again.
func (c *cache) autoRemove() error {
	c.markAndSweep()
	var tooMuch []int32
	for _, id := range c.nameOrder() {
		p := c.pkgs[id]
		if p.st.garbage && p.st.install() {
			tooMuch = append(tooMuch, id)
			c.markDelete(id, 0, false)
		}
	}
	if len(tooMuch) > 0 && (c.brokenCount() != 0 || c.policyBrokenCount() != 0) {
		for changed := true; changed; {
			changed = false
			for k, id := range tooMuch {
				if c.neededByInstall(id) {
					c.markInstall(id, false, 0, false)
					tooMuch = append(tooMuch[:k], tooMuch[k+1:]...)
					changed = true
					break
				}
			}
		}
	}
	if c.brokenCount() != 0 {
		return errAutoRemover
	}
	return nil
}

// neededByInstall tells whether a package to be installed has an
// important dependency on id, or on what id's candidate provides.
func (c *cache) neededByInstall(id int32) bool {
	targets := []int32{id}
	if cand := c.pkgs[id].st.cand; cand != none {
		c.depsOf(cand)
		targets = append(targets, c.vers[cand].provides...)
	}
	for _, p := range c.pkgs {
		if !p.st.newInstall() || p.st.cand == none || p.st.inst != p.st.cand {
			continue
		}
		for _, d := range c.depsOf(p.st.cand) {
			if d.typ.negative() || !c.important(d.typ) {
				continue
			}
			if contains(targets, d.target) {
				return true
			}
		}
	}
	return false
}
