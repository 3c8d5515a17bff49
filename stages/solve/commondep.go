package solve

import (
	"sort"

	"github.com/disco-build/disco/stages/rpmver"
)

type commonEntry struct {
	cand int // index into dq
	name string
	evr  rpmver.EVR
	lt   bool // from a "<" provide
}

// sortByCommonDep orders candidates that share versioned provides ("foo =
// 2" beats "foo = 1"), as libsolv's sort_by_common_dep does: each provide
// that is older than another candidate's of the same name adds badness,
// and candidates are stably sorted by badness.
func (s *solver) sortByCommonDep(dq []int32) []int32 {
	var ents []commonEntry
	for i, v := range dq {
		for _, d := range s.pool.pkg(v).Provides {
			switch d.Flags {
			case rpmver.EQ:
				if looksLikeHash(libsolvEVR(d.EVR)) {
					continue
				}
			case rpmver.LE, rpmver.LT:
			default:
				continue
			}
			ents = append(ents, commonEntry{i, d.Name, d.EVR, d.Flags == rpmver.LT})
		}
	}
	if len(ents) < 2 {
		return dq
	}
	sort.SliceStable(ents, func(i, j int) bool {
		if ents[i].name != ents[j].name {
			return ents[i].name < ents[j].name
		}
		return commonCmp(ents[i], ents[j]) < 0
	})
	badness := make([]int, len(dq))
	bad, have := 0, false
	for i, e := range ents {
		if i > 0 && ents[i-1].name == e.name {
			if ents[i-1].cand != e.cand && commonCmp(ents[i-1], e) == -1 {
				bad++
				have = true
			}
		} else {
			bad = 0
		}
		badness[e.cand] += bad
	}
	if !have {
		return dq
	}
	idx := make([]int, len(dq))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return badness[idx[a]] < badness[idx[b]] })
	out := make([]int32, len(dq))
	for i, k := range idx {
		out[i] = dq[k]
	}
	return out
}

// commonCmp is libsolv's sort_by_name_evr_sortcmp for one name: higher
// versions first (EVRCMP_MATCH_RELEASE), "=" before "<" at equal versions.
func commonCmp(a, b commonEntry) int {
	r := matchReleaseCmp(b.evr, a.evr)
	if r == 0 && (a.lt || b.lt) && a.lt != b.lt {
		if !b.lt {
			return 1
		}
		return -1
	}
	return r
}

// matchReleaseCmp is libsolv's pool_evrcmp in EVRCMP_MATCH_RELEASE mode:
// ±2 when the versions are equal and only one side has a release.
func matchReleaseCmp(a, b rpmver.EVR) int {
	if a.Epoch != b.Epoch {
		if a.Epoch < b.Epoch {
			return -1
		}
		return 1
	}
	if r := rpmver.Compare(a.Version, b.Version); r != 0 {
		return r
	}
	switch {
	case a.Release == "" && b.Release != "":
		return -2
	case a.Release != "" && b.Release == "":
		return 2
	}
	return rpmver.Compare(a.Release, b.Release)
}

// libsolvEVR is the EVR string as libsolv stores it from repo metadata: a
// zero epoch is dropped.
func libsolvEVR(e rpmver.EVR) string {
	e.HasEpoch = false
	return e.String()
}

func looksLikeHash(s string) bool {
	if len(s) < 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'f' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
