package solve

import (
	"slices"
	"strings"

	"github.com/disco-build/disco/stages/rpmver"
)

// job is one install spec, the candidates it selects and the best of
// them (dnf's best=True makes libsolv add a rule demanding one of those).
type job struct {
	spec     string
	cands    []int32
	best     []int32
	bestRule []int32 // best in the policy's order, as libsolv's best rule holds them
}

// addJobs selects each spec's candidates as dnf install does (name.arch,
// then name, then provides and files; name matches also bring in packages
// that obsolete them) and keeps only the best ones, as dnf's best=True
// forces. It returns a problem for each spec that matches nothing.
func (s *solver) addJobs(specs []string) []Problem {
	var probs []Problem
	for _, spec := range specs {
		cands, byName := s.selectSpec(spec)
		if len(cands) == 0 {
			probs = append(probs, Problem{"no match for argument: " + spec})
			continue
		}
		if byName {
			cands = s.addObsoleters(cands)
		}
		best := s.policyFilter(cands, modeRecommend)
		// dnf's jobs set SOLVER_SETARCH, which exempts from the multilib
		// (infarch) rules every name of which the job selects a package
		// those rules would block (libsolv's jobtodisablelist).
		for _, c := range cands {
			s.jobCands[c] = true
		}
		s.jobs = append(s.jobs, job{spec: spec, cands: sortUnique(cands), best: sortUnique(append([]int32{}, best...)), bestRule: best})
	}
	return probs
}

// selectSpec returns the packages spec names, excluded ones left out.
func (s *solver) selectSpec(spec string) (cands []int32, byName bool) {
	cands, byName = s.selectAll(spec)
	return slices.DeleteFunc(cands, func(v int32) bool { return s.pool.pkg(v).excluded }), byName
}

func (s *solver) selectAll(spec string) (cands []int32, byName bool) {
	pl := s.pool
	if i := strings.LastIndexByte(spec, '.'); i > 0 {
		name, arch := spec[:i], spec[i+1:]
		if _, known := archPolicies[arch]; known || arch == "noarch" || arch == "i586" || arch == "i486" || arch == "i386" {
			for _, v := range pl.named(name) {
				if pl.pkg(v).Arch == arch {
					cands = append(cands, v)
				}
			}
			if len(cands) > 0 {
				// dnf adds no obsoleting packages to a name.arch request.
				return cands, false
			}
		}
	}
	if vs := pl.named(spec); len(vs) > 0 {
		return append([]int32{}, vs...), true
	}
	d, err := rpmver.ParseDep(spec)
	if err != nil || d.IsRich() {
		return nil, false
	}
	return append([]int32{}, pl.whatProvides(d)...), false
}

// addObsoleters adds the packages whose Obsoletes match a candidate.
func (s *solver) addObsoleters(cands []int32) []int32 {
	in := map[int32]bool{}
	for _, c := range cands {
		in[c] = true
	}
	out := append([]int32{}, cands...)
	for i, p := range s.pool.pkgs {
		v := int32(i + 1)
		if in[v] || p.excluded {
			continue
		}
		for _, d := range p.Obsoletes {
			hit := false
			for _, q := range s.pool.obsoletedBy(d) {
				if in[q] {
					hit = true
				}
			}
			if hit {
				out = append(out, v)
				break
			}
		}
	}
	return sortUnique(out)
}

func (s *solver) oneName(cands []int32) bool {
	for _, c := range cands {
		if s.pool.pkg(c).Name != s.pool.pkg(cands[0]).Name {
			return false
		}
	}
	return true
}
