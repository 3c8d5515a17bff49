package aptsolve

import (
	"sort"
	"strings"

	"github.com/disco-build/disco/stages/apt"
	"github.com/disco-build/disco/stages/debver"
)

// Options of a resolve.
type Options struct {
	// Recommends follows Recommends as apt does by default; without it
	// a resolve is apt-get install --no-install-recommends.
	Recommends bool
}

// Package is a package a resolve chose.
type Package struct {
	Name    string
	Version string
	// Arch is the package's Architecture field: the universe's
	// architecture or "all".
	Arch string
	// Record is the package's record in the first source (in the
	// universe's order) that holds this version; Source is that source's
	// index.
	Record *apt.Package
	Source int
	Reason Reason
}

// String is "name=version (arch)".
func (p Package) String() string { return p.Name + "=" + p.Version + " (" + p.Arch + ")" }

// Reason tells why a package is in the answer.
type Reason struct {
	// Kind is "requested", the dependency field that pulled the package
	// in ("Depends", "Pre-Depends", "Recommends"), or "resolver" for a
	// package apt's problem resolver installs.
	Kind string
	// By is the package whose dependency pulled it in; Relation is that
	// dependency's or-group as the package states it ("a (>= 1) | b").
	By, Relation string
}

func (r Reason) String() string {
	if r.By == "" {
		return r.Kind
	}
	return r.By + " " + r.Kind + ": " + r.Relation
}

// Resolve chooses the packages apt-get install (apt 2.6, the internal
// solver) installs for requests on a system where nothing is installed
// (an empty dpkg status): Essential packages are not added unless asked
// for (Variant lists them). A request is "name", "name=version" or
// "name:arch" (the universe's architecture, "all", "native" or "any").
// The answer is sorted by name. Requests apt cannot satisfy give an
// *Error explaining why in apt's words.
func Resolve(u *Universe, requests []string, opt Options) ([]Package, error) {
	return resolve(u, requests, opt, nil)
}

func resolve(u *Universe, requests []string, opt Options, trace func(string)) ([]Package, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	c := newCache(u, opt.Recommends)
	c.trace = trace
	sel, err := c.selectRequests(requests)
	if err != nil {
		return nil, err
	}
	// TryToInstall: each request as the candidate, protected, marked
	// without its dependencies; then all with their dependencies.
	for _, vid := range sel {
		id := c.vers[vid].pkg
		c.setCandidate(id, vid)
		st := &c.pkgs[id].st
		st.rflags &^= rProtected | rToRemove
		st.rflags |= rProtected
		st.iflags |= flagProtected
		c.markInstall(id, false, 0, true)
	}
	for _, vid := range sel {
		c.markInstall(c.vers[vid].pkg, true, 0, true)
	}
	if err := c.resolve(); err != nil {
		if c.brokenCount() != 0 {
			return nil, c.unmet(err)
		}
		return nil, &Error{Notes: c.notes, Errors: []string{err.Error()}}
	}
	if err := c.autoRemove(); err != nil {
		return nil, &Error{Notes: c.notes, Errors: []string{err.Error()}}
	}
	return c.answer(), nil
}

// setCandidate is pkgDepCache::SetCandidateVersion.
func (c *cache) setCandidate(id, vid int32) {
	st := &c.pkgs[id].st
	if st.cand == vid {
		return
	}
	if st.cand == st.inst && st.install() {
		st.inst = vid
	}
	st.cand = vid
	c.update(id)
}

func (c *cache) answer() []Package {
	var out []Package
	for id, p := range c.pkgs {
		if !p.st.install() || p.st.inst == none {
			continue
		}
		v := c.vers[p.st.inst]
		out = append(out, Package{Name: v.rec.Name, Version: v.str, Arch: v.rec.Architecture, Record: v.rec, Source: v.src, Reason: c.reason(int32(id))})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// nameOrder returns the loaded packages sorted by name.
func (c *cache) nameOrder() []int32 {
	ids := make([]int32, len(c.pkgs))
	for i := range ids {
		ids[i] = int32(i)
	}
	sort.Slice(ids, func(a, b int) bool { return c.pkgs[ids[a]].name < c.pkgs[ids[b]].name })
	return ids
}

const errAutoRemover aptMessage = "Internal Error, AutoRemover broke stuff"

// field2 is the control-file name of a dependency type.
func (t depType) field2() string {
	if t == depPreDepends {
		return "Pre-Depends"
	}
	return t.String()
}

// groupString writes the or-group at start as the package states it.
func groupString(deps []dep, start int) string {
	var alts debver.Alternatives
	for k := start; k <= groupEnd(deps, start); k++ {
		alts = append(alts, deps[k].rel)
	}
	return alts.String()
}

// Error is a request apt-get install refuses: Notes are what apt prints
// on standard output before giving up (apt's explanation: the packages
// with unmet dependencies and why, or the providers of a virtual
// package), Errors its "E:" messages.
type Error struct {
	Notes  []string
	Errors []string
}

func (e *Error) Error() string {
	var b strings.Builder
	for _, l := range e.Notes {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	for i, l := range e.Errors {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("E: ")
		b.WriteString(l)
	}
	return b.String()
}

// reason is why a package is installed: what first pulled it in, when
// that package is installed and its dependency is met by this one; else
// the first installed package (by name) with a dependency this one meets.
func (c *cache) reason(id int32) Reason {
	why := c.pkgs[id].st.why
	if why.Kind == "requested" || why.Kind == "resolver" && why.By == "" {
		return why
	}
	if by := c.byName[why.By]; why.By != "" && c.pkgs[by].st.install() && c.leadsTo(by, id, why.Relation) >= 0 {
		return why
	}
	for _, by := range c.nameOrder() {
		if by == id || !c.pkgs[by].st.install() || c.pkgs[by].st.inst == none {
			continue
		}
		if k := c.leadsTo(by, id, ""); k >= 0 {
			deps := c.depsOf(c.pkgs[by].st.inst)
			return Reason{Kind: deps[k].typ.field2(), By: c.pkgs[by].name, Relation: groupString(deps, k)}
		}
	}
	return Reason{Kind: "resolver"}
}

// leadsTo returns the first or-group of by's install version (Depends,
// Pre-Depends or Recommends; the one written rel unless rel is "") that
// id's install version meets, or -1.
func (c *cache) leadsTo(by, id int32, rel string) int {
	deps := c.depsOf(c.pkgs[by].st.inst)
	for k := 0; k < len(deps); k = groupEnd(deps, k) + 1 {
		t := deps[k].typ
		if t != depPreDepends && t != depDepends && t != depRecommends {
			continue
		}
		if (rel == "" || groupString(deps, k) == rel) && c.groupLeadsTo(deps, k, id) {
			return k
		}
	}
	return -1
}

// groupLeadsTo tells whether id's install version meets a member of the
// or-group at start, as the package itself or through a provide.
func (c *cache) groupLeadsTo(deps []dep, start int, id int32) bool {
	iv := c.pkgs[id].st.inst
	for j := start; j <= groupEnd(deps, start); j++ {
		d := &deps[j]
		if d.target == id && satisfies(d, c.vers[iv].v) {
			return true
		}
		for _, pr := range c.provides(d.target) {
			if pr.owner == iv && satisfiesProvide(d, pr) {
				return true
			}
		}
	}
	return false
}
