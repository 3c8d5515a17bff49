package solve

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
