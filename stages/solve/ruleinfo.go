package solve

import (
	"fmt"
	"slices"
	"strings"

	"github.com/disco-build/disco/stages/rpmver"
)

// Rule information types, numbered as libsolv's SolverRuleinfo so that
// several infos of one rule sort as there.
const (
	infoNotInstallable  = 0x101
	infoNothingProvides = 0x102
	infoRequires        = 0x103
	infoConflicts       = 0x105
	infoSameName        = 0x106
	infoObsoletes       = 0x107
	infoJob             = 0x400
	infoInfarch         = 0x600
	infoBest            = 0x900
)

// info is what one rule says, as libsolv's solver_allruleinfos reports it.
type info struct {
	kind     int
	src, tgt int32
	dep      *rpmver.Dep
}

// describe words the rules of one problem, each line once.
func (s *solver) describe(rules []int32) Problem {
	var out Problem
	for _, id := range rules {
		for _, in := range s.ruleInfos(id) {
			if line := s.infoString(in); !slices.Contains(out, line) {
				out = append(out, line)
			}
		}
	}
	return out
}

// ruleInfos says what rule id stands for. A package rule stands for every
// dependency that makes that same clause: libsolv keeps one copy of equal
// rules and lists them all (getpkgruleinfos), so a package with ten
// missing dependencies gets ten "nothing provides" lines.
func (s *solver) ruleInfos(id int32) []info {
	r := s.rules[id]
	switch r.kind {
	case kindJob:
		return []info{{kind: infoJob}}
	case kindBest:
		return []info{{kind: infoBest}}
	case kindInfarch:
		return []info{{kind: infoInfarch, src: r.pkg}}
	case kindLearnt:
		return nil
	}
	key := sortedLits(r.lits)
	var out []info
	for _, l := range key {
		if l >= 0 {
			break
		}
		for _, oid := range s.byOwner[-l] {
			o := s.rules[oid]
			if isPkgRule(o.kind) && slices.Equal(sortedLits(o.lits), key) {
				out = append(out, s.infoOf(o))
			}
		}
	}
	slices.SortFunc(out, s.infoCmp)
	return slices.CompactFunc(out, func(a, b info) bool { return s.infoCmp(a, b) == 0 })
}

func isPkgRule(k ruleKind) bool {
	return k == kindRequires || k == kindConflicts || k == kindObsoletes || k == kindSameName || k == kindNotInstallable
}

func sortedLits(lits []int32) []int32 {
	return slices.Sorted(slices.Values(lits))
}

// infoOf reads a package rule as libsolv's addpkgruleinfo records it.
func (s *solver) infoOf(r *rule) info {
	other := int32(0)
	if len(r.lits) == 2 {
		for _, l := range r.lits {
			if l < 0 && -l != r.pkg {
				other = -l
			}
		}
	}
	switch r.kind {
	case kindRequires:
		if len(r.lits) == 1 && s.unmet(*r.dep) {
			return info{kind: infoNothingProvides, src: r.pkg, dep: r.dep}
		}
		return info{kind: infoRequires, src: r.pkg, dep: r.dep}
	case kindConflicts:
		return info{kind: infoConflicts, src: r.pkg, tgt: other, dep: r.dep}
	case kindObsoletes:
		return info{kind: infoObsoletes, src: r.pkg, tgt: other, dep: r.dep}
	case kindNotInstallable:
		return info{kind: infoNotInstallable, src: r.pkg}
	}
	// libsolv names the pair of a same-name rule higher number first.
	return info{kind: infoSameName, src: max(r.pkg, other), tgt: min(r.pkg, other)}
}

// unmet reports whether nothing can satisfy d: no package provides a plain
// dependency, or a rich one reduces to false whatever is installed (a
// clause of its own owner alone, as in "(x unless owner)", is a requires
// that cannot be met, not one nothing provides; libsolv tells them apart
// the same way).
func (s *solver) unmet(d rpmver.Dep) bool {
	if !d.IsRich() {
		return true
	}
	clauses, err := s.depClauses(d, false)
	return err != nil || slices.ContainsFunc(clauses, func(c []int32) bool { return len(c) == 0 })
}

func (s *solver) infoCmp(a, b info) int {
	switch {
	case a.kind != b.kind:
		return a.kind - b.kind
	case a.src != b.src:
		return int(a.src - b.src)
	case a.tgt != b.tgt:
		return int(a.tgt - b.tgt)
	}
	return s.depOrder(a.dep) - s.depOrder(b.dep)
}

// depOrder approximates the order of libsolv's dependency IDs, which
// orders the infos of one rule: plain names (strings) before versioned and
// rich ones (relations), each kind in the order the pool first meets it
// (depRank).
func (s *solver) depOrder(d *rpmver.Dep) int {
	if d == nil {
		return 0
	}
	r := s.pool.depRank(depKey(*d))
	if isRelation(*d) {
		r += 1 << 30
	}
	return r
}

// isRelation reports whether libsolv holds d as a relation (a versioned
// or rich dependency) rather than a plain string.
func isRelation(d rpmver.Dep) bool {
	return d.IsRich() || d.Flags&(rpmver.LT|rpmver.GT|rpmver.EQ) != 0
}

func depKey(d rpmver.Dep) string {
	if d.Flags&(rpmver.LT|rpmver.GT|rpmver.EQ) == 0 {
		return d.Name
	}
	return d.Name + " " + d.Flags.String() + " " + evrString(d.EVR)
}

// depRank is where a walk of the pool first meets key (a name or a
// dependency as depKey writes it): its packages in order, each one's name,
// then its provides, requires, conflicts, obsoletes, suggests, recommends,
// supplements and enhances as primary.xml lists them, the words of a rich
// dependency with it. That is the order libsolv gives strings and
// relations their IDs as it reads the metadata. Ranks are remembered.
func (pl *pool) depRank(key string) int {
	if r, ok := pl.ranks[key]; ok {
		return r
	}
	if pl.ranks == nil {
		pl.ranks = map[string]int{}
	}
	r := pl.firstMention(key)
	pl.ranks[key] = r
	return r
}

func (pl *pool) firstMention(key string) int {
	i := 0
	for _, p := range pl.pkgs {
		if p.Name == key {
			return i
		}
		i++
		for _, l := range [...][]rpmver.Dep{p.Provides, p.Requires, p.Conflicts, p.Obsoletes, p.Suggests, p.Recommends, p.Supplements, p.Enhances} {
			for _, d := range l {
				if mentions(d, key) {
					return i
				}
				i++
			}
		}
	}
	return i
}

// mentions reports whether d is key (as depKey writes it), names it, or
// holds it as a word of a rich dependency.
func mentions(d rpmver.Dep, key string) bool {
	switch {
	case d.IsRich():
		if d.Name == key {
			return true
		}
		if !strings.Contains(d.Name, key) {
			return false
		}
		r, err := rpmver.ParseRich(d.Name)
		return err == nil && richMentions(r, key)
	case !strings.HasPrefix(key, d.Name):
		return false
	}
	return d.Name == key || depKey(d) == key
}

func richMentions(r *rpmver.Rich, key string) bool {
	if r.Op == rpmver.OpLeaf {
		return mentions(r.Dep, key)
	}
	for _, a := range r.Args {
		if richMentions(a, key) {
			return true
		}
	}
	return false
}

// infoString words one info as dnf 4 (libdnf's problem dictionary) does.
func (s *solver) infoString(in info) string {
	switch in.kind {
	case infoJob:
		return "conflicting requests"
	case infoBest:
		return "cannot install the best candidate for the job"
	case infoInfarch:
		return s.nevra(in.src) + " has inferior architecture"
	case infoNotInstallable:
		return fmt.Sprintf("package %s is filtered out by exclude filtering", s.nevra(in.src))
	case infoNothingProvides:
		return fmt.Sprintf("nothing provides %s needed by %s", DepString(*in.dep), s.nevra(in.src))
	case infoRequires:
		return fmt.Sprintf("package %s requires %s, but none of the providers can be installed", s.nevra(in.src), DepString(*in.dep))
	case infoConflicts:
		return fmt.Sprintf("package %s conflicts with %s provided by %s", s.nevra(in.src), DepString(*in.dep), s.nevra(in.tgt))
	case infoObsoletes:
		return fmt.Sprintf("package %s obsoletes %s provided by %s", s.nevra(in.src), DepString(*in.dep), s.nevra(in.tgt))
	case infoSameName:
		return fmt.Sprintf("cannot install both %s and %s", s.nevra(in.src), s.nevra(in.tgt))
	}
	return "some dependency problem"
}

// DepString writes a dependency as dnf (libsolv's pool_dep2str) does: a
// zero epoch is left out ("CQRlib = 1.1.2-16.fc29", not "= 0:1.1.2-..."),
// as libsolv drops it when it reads repository metadata.
func DepString(d rpmver.Dep) string {
	if d.Flags&(rpmver.LT|rpmver.GT|rpmver.EQ) == 0 {
		return d.Name
	}
	return d.Name + " " + d.Flags.String() + " " + evrString(d.EVR)
}

// evrString is [epoch:]version[-release] with the epoch only when not 0.
func evrString(e rpmver.EVR) string {
	var b strings.Builder
	if e.Epoch != 0 {
		fmt.Fprintf(&b, "%d:", e.Epoch)
	}
	b.WriteString(e.Version)
	if e.Release != "" {
		b.WriteString("-" + e.Release)
	}
	return b.String()
}
