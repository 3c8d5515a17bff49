package aptsolve

import "strings"

// unmet is apt-get's report of a resolve that failed (CheckNothingBroken
// and ShowBroken): each package to install whose dependencies are not
// met, with each unmet dependency and why.
func (c *cache) unmet(err error) *Error {
	e := &Error{Notes: append(append([]string(nil), c.notes...),
		"Some packages could not be installed. This may mean that you have",
		"requested an impossible situation or if you are using the unstable",
		"distribution that some required packages have not yet been created",
		"or been moved out of Incoming.",
		"The following information may help to resolve the situation:",
		"",
		"The following packages have unmet dependencies:",
	), Errors: []string{err.Error()}}
	for _, id := range c.nameOrder() {
		if c.instBroken(id) {
			e.Notes = append(e.Notes, c.brokenLines(id)...)
		}
	}
	return e
}

// brokenLines is ShowBrokenPackage for a package to install.
func (c *cache) brokenLines(id int32) []string {
	name := c.pkgs[id].name
	head := " " + name + " :"
	indent := strings.Repeat(" ", len(name)+3)
	var lines []string
	var cur strings.Builder
	cur.WriteString(head)
	first := true
	deps := c.depsOf(c.pkgs[id].st.inst)
	for k := 0; k < len(deps); {
		start, end := k, groupEnd(deps, k)
		k = end + 1
		if !c.important(deps[end].typ) || c.state(deps, end)&depGInstall == depGInstall {
			continue
		}
		for j := start; j <= end; j++ {
			if !first {
				cur.WriteString(indent)
			}
			first = false
			if j == start {
				cur.WriteString(" " + deps[end].typ.String() + ": ")
			} else {
				cur.WriteString(strings.Repeat(" ", len(deps[end].typ.String())+3))
			}
			cur.WriteString(c.targetLine(&deps[j]))
			if j != end {
				cur.WriteString(" or")
			}
			lines = append(lines, cur.String())
			cur.Reset()
		}
	}
	if first {
		lines = append(lines, cur.String())
	}
	return lines
}

// compType is pkgCache::CompType, as ShowBroken writes operators.
var compType = [...]string{"", "<", "<=", "=", ">=", ">"}

// targetLine describes a dependency's target: its version constraint,
// and for a package that is not virtual why it does not satisfy.
func (c *cache) targetLine(d *dep) string {
	t := c.load(d.target)
	s := t.name
	if d.op != 0 {
		s += " (" + compType[d.op] + " " + d.rel.Version.String() + ")"
	}
	if len(c.provides(d.target)) != 0 {
		return s
	}
	switch {
	case t.st.inst != none:
		return s + " but " + c.vers[t.st.inst].str + " is to be installed"
	case t.st.cand == none:
		return s + " but it is not installable"
	}
	return s + " but it is not going to be installed"
}
