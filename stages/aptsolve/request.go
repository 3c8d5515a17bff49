package aptsolve

import (
	"fmt"
	"slices"
	"strings"
)

// selectRequests turns requests into versions as apt-get's command line
// does (APT::VersionVector::FromString with CacheSetHelperAPTGet): a
// package's candidate, or the version named; a virtual package stands for
// its provider when there is one. Unknown names and versions are errors,
// all reported together, after the notes apt prints.
func (c *cache) selectRequests(requests []string) ([]int32, error) {
	var sel []int32
	var errs []string
	notes := &c.notes
	var virtual []int32
	for _, req := range requests {
		name, ver, hasVer := strings.Cut(req, "=")
		if strings.ContainsAny(req, "/*?[]^~ ") || name == "" {
			errs = append(errs, fmt.Sprintf("Unsupported request %q: give name, name=version or name:arch", req))
			continue
		}
		id := c.findRequested(name)
		if id == none {
			errs = append(errs, "Unable to locate package "+name)
			continue
		}
		var vid int32
		var err string
		if hasVer {
			vid, err = c.selectVersion(id, ver, notes)
		} else {
			vid, err = c.selectCandidate(id, notes)
		}
		if vid == none {
			errs = append(errs, err)
			if !contains(virtual, id) {
				virtual = append(virtual, id)
			}
			continue
		}
		if !contains(sel, vid) {
			sel = append(sel, vid)
		}
	}
	if len(errs) > 0 {
		return nil, &Error{Notes: append(c.notes, c.virtualNotes(virtual)...), Errors: errs}
	}
	return sel, nil
}

// findRequested is CacheSetHelper::PackageFromPackageName: "name" and
// "name:arch" for the native architecture (or "all", "native", "any") are
// the package, "name:otherarch" the package of that architecture apt
// created for a dependency on it, which has no versions.
func (c *cache) findRequested(name string) int32 {
	i := strings.LastIndexByte(name, ':')
	if i < 0 {
		return c.find(name)
	}
	base, arch := name[:i], name[i+1:]
	switch arch {
	case c.u.arch, "all", "native", "any":
		if id := c.find(base); id != none || arch != "any" {
			return id
		}
		for _, k := range c.u.foreign[base] {
			return c.find(foreignKey(base, k))
		}
		return none
	}
	return c.find(foreignKey(base, arch))
}

// selectCandidate is getCandidateVer with apt-get's fallback for virtual
// packages (tryVirtualPackage).
func (c *cache) selectCandidate(id int32, notes *[]string) (int32, string) {
	p := c.load(id)
	if p.st.cand != none {
		return p.st.cand, ""
	}
	var vs []int32
	for _, pr := range c.provides(id) {
		if c.load(c.vers[pr.owner].pkg).st.cand == pr.owner {
			vs = append(vs, pr.owner)
		}
	}
	if vid := c.onlyProvider(id, vs, notes); vid != none {
		return vid, ""
	}
	return none, fmt.Sprintf("Package '%s' has no installation candidate", p.fullName())
}

// selectVersion is pkgVersionMatch::Find for name=version, with the
// fallback to providers of that version.
func (c *cache) selectVersion(id int32, ver string, notes *[]string) (int32, string) {
	p := c.load(id)
	for _, vid := range p.vers {
		if strings.EqualFold(c.vers[vid].str, ver) {
			return vid, ""
		}
	}
	provs := c.provides(id)
	for _, pr := range provs {
		if pr.version != "" && c.vers[pr.owner].pkg == id && strings.EqualFold(pr.version, ver) {
			return pr.owner, ""
		}
	}
	var vs []int32
	for _, pr := range provs {
		if pr.version != "" && pr.version == ver {
			vs = append(vs, pr.owner)
		}
	}
	for _, v := range vs {
		n := 0
		for _, w := range vs {
			if c.vers[w].pkg == c.vers[v].pkg {
				n++
			}
		}
		if n == 1 {
			c.setCandidate(c.vers[v].pkg, v)
		}
	}
	if vid := c.onlyProvider(id, vs, notes); vid != none {
		return vid, ""
	}
	return none, fmt.Sprintf("Version '%s' for '%s' was not found", ver, p.fullName())
}

// onlyProvider picks the provider when all are versions of one package
// (tryVirtualPackage).
func (c *cache) onlyProvider(id int32, vs []int32, notes *[]string) int32 {
	if len(vs) == 0 {
		return none
	}
	for _, v := range vs[1:] {
		if c.vers[v].pkg != c.vers[vs[0]].pkg {
			return none
		}
	}
	*notes = append(*notes, fmt.Sprintf("Note, selecting '%s' instead of '%s'", c.pkgs[c.vers[vs[0]].pkg].name, c.pkgs[id].fullName()))
	return vs[0]
}

// virtualNotes is showVirtualPackageErrors.
func (c *cache) virtualNotes(ids []int32) []string {
	var out []string
	for _, id := range ids {
		name := c.pkgs[id].fullName()
		provs := c.provides(id)
		if len(provs) == 0 {
			out = append(out, "Package "+name+" is not available, but is referred to by another package.",
				"This may mean that the package is missing, has been obsoleted, or",
				"is only available from another source")
			out = append(out, c.replacers(c.pkgs[id].name)...)
			out = append(out, "")
			continue
		}
		out = append(out, "Package "+name+" is a virtual package provided by:")
		n := 0
		for _, pr := range provs {
			if c.load(c.vers[pr.owner].pkg).st.cand == pr.owner {
				out = append(out, "  "+c.provLine(pr))
				n++
			}
		}
		if n == 0 {
			for _, pr := range provs {
				out = append(out, "  "+c.provLine(pr)+" [Not candidate version]")
			}
		} else {
			out = append(out, "You should explicitly select one to install.")
		}
		out = append(out, "")
	}
	return out
}

func (c *cache) provLine(pr prov) string {
	v := c.vers[pr.owner]
	s := c.pkgs[v.pkg].name + " " + v.str
	if pr.version != "" {
		s += " (= " + pr.version + ")"
	}
	return s
}

// replacers is apt-get's "However the following packages replace it:"
// list (ShowList, 79 columns): the packages with a Replaces on name, the
// latest apt met first.
func (c *cache) replacers(name string) []string {
	var seen []string
	l := c.u.replacedBy[name]
	for i := len(l) - 1; i >= 0; i-- {
		if !slices.Contains(seen, l[i]) {
			seen = append(seen, l[i])
		}
	}
	if len(seen) == 0 {
		return nil
	}
	out := []string{"However the following packages replace it:"}
	line, used := "", 0
	for _, n := range seen {
		if used == 0 || used+len(n) >= 76 {
			if used != 0 {
				out = append(out, line)
			}
			line, used = "  ", 0
		} else {
			line += " "
			used++
		}
		line += n
		used += len(n)
	}
	return append(out, line)
}
