package solve

import (
	"fmt"
	"strings"
)

// explain describes why there is no solution, in dnf's words, with the
// chain of dependencies that leads from a request to the problem.
func (s *solver) explain() []string {
	var out []string
	seen := map[string]bool{}
	add := func(m string) {
		if m != "" && !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	for _, j := range s.jobs {
		if !s.allOut(j.best) {
			continue
		}
		if len(j.best) < len(j.cands) {
			add("cannot install the best candidate for the job " + j.spec)
		}
		add(s.whyNot(j.best[0], map[int32]bool{}) + " needed by request " + j.spec)
	}
	if len(out) == 0 && s.conflict >= 0 {
		add(s.describeRule(s.conflict, map[int32]bool{}) + s.requestSuffix(s.rules[s.conflict].pkg))
	}
	if len(out) == 0 {
		add("conflicting requests")
	}
	return out
}

// whyNot explains why package v cannot be installed, following the rule
// that ruled it out.
func (s *solver) whyNot(v int32, visiting map[int32]bool) string {
	if visiting[v] || len(visiting) > 20 {
		return "cannot install " + s.nevra(v)
	}
	visiting[v] = true
	r := s.reason[v]
	if s.value[v] >= 0 || r < 0 {
		return "cannot install " + s.nevra(v)
	}
	return s.describeRule(r, visiting)
}

// describeRule words a rule whose literals are all false (or that forced a
// package out).
func (s *solver) describeRule(id int32, visiting map[int32]bool) string {
	r := s.rules[id]
	other := func() int32 {
		for _, l := range r.lits {
			if abs(l) != r.pkg {
				return abs(l)
			}
		}
		return 0
	}
	switch r.kind {
	case kindRequires:
		for _, l := range r.lits {
			if l > 0 {
				return s.whyNot(l, visiting) + " needed by " + s.nevra(r.pkg)
			}
		}
		return fmt.Sprintf("nothing provides %s needed by %s", r.dependency(), s.nevra(r.pkg))
	case kindConflicts:
		return fmt.Sprintf("package %s conflicts with %s provided by %s", s.nevra(r.pkg), r.dependency(), s.nevra(other()))
	case kindObsoletes:
		return fmt.Sprintf("package %s obsoletes %s provided by %s", s.nevra(r.pkg), r.dependency(), s.nevra(other()))
	case kindSameName:
		return fmt.Sprintf("cannot install both %s and %s", s.nevra(r.pkg), s.nevra(other()))
	case kindBest, kindJob:
		msg := "cannot install any candidate for the job " + s.jobs[r.job].spec
		if r.kind == kindBest {
			msg = "cannot install the best candidate for the job " + s.jobs[r.job].spec
		}
		for _, l := range r.lits {
			if s.value[l] < 0 && s.reason[l] >= 0 {
				return msg + ": " + s.whyNot(l, visiting)
			}
		}
		return msg
	case kindInfarch:
		return fmt.Sprintf("%s needs its best-arch twin", s.nevra(r.pkg))
	case kindLearnt:
		var parts []string
		for _, l := range r.lits {
			if v := abs(l); s.value[v] < 0 && s.reason[v] >= 0 && s.reason[v] != id {
				parts = append(parts, s.whyNot(v, visiting))
			}
		}
		if len(parts) > 0 {
			return strings.Join(parts, ", and ")
		}
	}
	return "conflicting requests"
}

// requestSuffix names the request that selected package v, if one did.
func (s *solver) requestSuffix(v int32) string {
	for _, j := range s.jobs {
		for _, c := range j.cands {
			if c == v && s.rules[s.conflict].kind == kindRequires {
				return " needed by request " + j.spec
			}
		}
	}
	return ""
}

func (s *solver) nevra(v int32) string {
	if v <= 0 {
		return "?"
	}
	return NEVRA(s.pool.pkg(v).Package)
}

// reasonFor says which rule brought v in.
func (s *solver) reasonFor(v int32) Reason {
	id := s.reason[v]
	if id < 0 {
		id = s.why[v]
	}
	if id >= 0 && int(id) < len(s.rules) {
		if r := s.rules[id]; r.kind == kindJob || r.kind == kindBest {
			return Reason{Kind: "request", Spec: s.jobs[r.job].spec}
		} else if r.kind == kindRequires && s.value[r.pkg] > 0 {
			return Reason{Kind: "requires", By: s.pool.pkg(r.pkg).Package, Dep: r.dependency()}
		}
	}
	for _, j := range s.jobs {
		for _, c := range j.cands {
			if c == v {
				return Reason{Kind: "request", Spec: j.spec}
			}
		}
	}
	for _, r := range s.rules {
		if r.kind != kindRequires || s.value[r.pkg] <= 0 {
			continue
		}
		for _, l := range r.lits {
			if l == v {
				return Reason{Kind: "requires", By: s.pool.pkg(r.pkg).Package, Dep: r.dependency()}
			}
		}
	}
	for _, l := range s.trail {
		if l > 0 {
			for _, d := range s.pool.pkg(l).Recommends {
				for _, q := range s.weakProviders(d) {
					if q == v {
						return Reason{Kind: "recommends", By: s.pool.pkg(l).Package, Dep: d}
					}
				}
			}
		}
	}
	return Reason{Kind: "supplements"}
}

// allOut reports whether every package of vs was ruled out at level 0.
func (s *solver) allOut(vs []int32) bool {
	for _, v := range vs {
		if s.value[v] >= 0 || s.level[v] > 0 {
			return false
		}
	}
	return true
}
