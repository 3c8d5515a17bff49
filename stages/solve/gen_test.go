package solve

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/disco-build/disco/stages/repo"
)

// generator makes random but seeded universes that exercise every kind of
// dependency the resolver handles.
type generator struct {
	r     *rand.Rand
	names []string
	vers  map[string][]string // name -> its EVRs
	archs map[string][]string // name -> its archs
}

var (
	genWords = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
		"india", "juliet", "kilo", "lima", "mike", "nova", "oscar", "papa"}
	genVersions = []string{"1.0", "1.1", "2.0", "1.0~rc1", "1.0^git1", "0.9", "10", "2.0~beta", "1.10"}
	genCaps     = []string{"cap1", "cap2", "cap3", "cap4"}
	genFiles    = []string{"/usr/bin/tool1", "/usr/bin/tool2", "/usr/lib64/libz.so.1", "/etc/thing.conf"}
)

func (g *generator) pick(s []string) string { return s[g.r.IntN(len(s))] }
func (g *generator) chance(pct int) bool    { return g.r.IntN(100) < pct }

// genCase builds one universe of two repositories and its requests.
func genCase(seed uint64, nreq int) oracleCase {
	g := &generator{r: rand.New(rand.NewPCG(seed, 0x5eed)), vers: map[string][]string{}, archs: map[string][]string{}}
	perm := g.r.Perm(len(genWords))
	for _, i := range perm[:8+g.r.IntN(7)] {
		g.names = append(g.names, genWords[i])
	}
	for _, n := range g.names {
		k := 1 + g.r.IntN(3)
		seen := map[string]bool{}
		for len(g.vers[n]) < k {
			evr := g.pick(genVersions) + "-" + g.pick([]string{"1", "2"})
			if g.chance(8) {
				evr = "1:" + evr
			}
			if !seen[evr] {
				seen[evr] = true
				g.vers[n] = append(g.vers[n], evr)
			}
		}
		switch x := g.r.IntN(10); {
		case x < 3:
			g.archs[n] = []string{"noarch"}
		case x < 8:
			g.archs[n] = []string{"x86_64"}
		default:
			g.archs[n] = []string{"x86_64", "i686"}
		}
	}
	c := oracleCase{Repos: []oracleRepo{{ID: "main", Priority: 50}, {ID: "extra", Priority: []int{10, 50, 99}[g.r.IntN(3)]}}}
	for _, n := range g.names {
		for _, evr := range g.vers[n] {
			for _, arch := range g.archs[n] {
				if arch == "i686" && g.chance(25) {
					continue
				}
				ri := 0
				if g.chance(30) {
					ri = 1
				}
				p := g.pkg(c.Repos[ri].ID, n, evr, arch)
				c.Repos[ri].Pkgs = append(c.Repos[ri].Pkgs, p)
				if g.chance(7) {
					c.Repos[1-ri].Pkgs = append(c.Repos[1-ri].Pkgs, g.clone(p, c.Repos[1-ri].ID))
				}
			}
		}
	}
	if g.chance(20) {
		x := g.pick(g.names)
		if g.chance(50) {
			x = x[:2] + "*"
		}
		c.Excludes = []string{x}
	}
	c.Weak = g.chance(15)
	for i := 0; i < nreq; i++ {
		req := []string{g.spec()}
		if g.chance(30) {
			req = append(req, g.spec())
		}
		c.Requests = append(c.Requests, req)
	}
	return c
}

func (g *generator) clone(p *repo.Package, repoID string) *repo.Package {
	q := *p
	q.RepoID = repoID
	return &q
}

func (g *generator) pkg(repoID, name, evr, arch string) *repo.Package {
	b := mk(repoID, name, evr, arch)
	for i := g.r.IntN(4); i > 0; i-- {
		b.req(g.dep(name, true))
	}
	for i := g.r.IntN(3); i > 0; i-- {
		cp := g.pick(genCaps)
		if g.chance(40) {
			cp += fmt.Sprintf(" = %d", 1+g.r.IntN(3))
		}
		b.prov(cp)
	}
	for i := g.r.IntN(3); i > 0 && g.chance(50); i-- {
		b.file(g.pick(genFiles))
	}
	if g.chance(10) {
		b.con(g.dep(name, false))
	}
	if g.chance(8) {
		o := g.pick(g.names)
		if o != name {
			if g.chance(50) {
				o += " < " + g.pick(genVersions)
			}
			b.obs(o)
		}
	}
	if g.chance(10) {
		b.rec(g.simple(name))
	}
	if g.chance(6) {
		if g.chance(50) {
			b.sup(g.pick(g.names))
		} else {
			b.sup(fmt.Sprintf("(%s and %s)", g.pick(g.names), g.pick(g.names)))
		}
	}
	b.p.Files = uniqueStrings(b.p.Files)
	return b.p
}

// simple is a plain dependency: a name (maybe versioned), a capability, a
// file, an isa-qualified name, or now and then something nobody provides.
func (g *generator) simple(self string) string {
	switch x := g.r.IntN(100); {
	case x < 45:
		n := g.pick(g.names)
		if g.chance(35) {
			v := g.pick(g.vers[n])
			if g.chance(50) {
				v = strings.SplitN(v, "-", 2)[0]
			}
			return n + " " + g.pick([]string{">=", "<", "=", ">", "<="}) + " " + v
		}
		return n
	case x < 70:
		cp := g.pick(genCaps)
		if g.chance(30) {
			cp += " >= " + fmt.Sprint(2+g.r.IntN(2))
		}
		return cp
	case x < 85:
		return g.pick(genFiles)
	case x < 95:
		return g.pick(g.names) + "(x86-64)"
	}
	return "missing" + fmt.Sprint(g.r.IntN(3))
}

// dep is a simple dependency or, a third of the time, a rich one using a
// random operator, sometimes nested.
func (g *generator) dep(self string, allowRich bool) string {
	if !allowRich || g.chance(70) {
		return g.simple(self)
	}
	a, b, c := g.simple(self), g.simple(self), g.simple(self)
	switch g.r.IntN(9) {
	case 0:
		return fmt.Sprintf("(%s or %s)", a, b)
	case 1:
		return fmt.Sprintf("(%s and %s)", a, b)
	case 2:
		return fmt.Sprintf("(%s if %s)", a, b)
	case 3:
		return fmt.Sprintf("(%s if %s else %s)", a, b, c)
	case 4:
		return fmt.Sprintf("(%s unless %s)", a, b)
	case 5:
		return fmt.Sprintf("(%s unless %s else %s)", a, b, c)
	case 6:
		return fmt.Sprintf("(%s with %s)", g.pick(genCaps), g.pick(genCaps))
	case 7:
		return fmt.Sprintf("(%s without %s)", g.pick(genCaps), g.pick(g.names))
	}
	return fmt.Sprintf("((%s or %s) and (%s if %s))", a, b, c, g.simple(self))
}

// spec is one install argument as a user would type it.
func (g *generator) spec() string {
	n := g.pick(g.names)
	switch x := g.r.IntN(100); {
	case x < 62:
		return n
	case x < 72:
		return n + "." + g.pick(g.archs[n])
	case x < 84:
		return g.pick(genCaps)
	case x < 92:
		return g.pick(genFiles)
	case x < 97:
		return n + "(x86-64)"
	}
	return "nosuchthing"
}

func uniqueStrings(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
