package debver

import (
	"fmt"
	"strings"
)

// Relation is one package relation: a name with an optional architecture
// qualifier and version constraint, and, in source package fields, the
// architectures and build profiles it is restricted to.
type Relation struct {
	Name string
	// ArchQual is what follows "name:": "any", "native" or an
	// architecture name; "" when there is none.
	ArchQual string
	Op       Op      // None for an unversioned relation
	Version  Version // zero when Op is None
	// Archs is the architecture restriction list, in order, each entry an
	// architecture or wildcard, "!"-prefixed when negated; nil when none.
	Archs []string
	// Profiles is the build-profile restriction formula: one term list per
	// "<...>" group (the relation applies when the terms of some group all
	// hold), "!"-prefixed when negated; nil when none.
	Profiles [][]string
}

// Alternatives are relations separated by "|": any one satisfies them.
type Alternatives []Relation

// ParseOptions says what a field may hold beyond names, versions and
// architecture qualifiers.
type ParseOptions struct {
	// Restrictions allows architecture restriction lists ("[amd64
	// !i386]") and build-profile formulas ("<!nocheck> <stage1>"), which
	// appear only in source package relations (Build-Depends and kin).
	Restrictions bool
}

// ParseRelations reads a relation field: alternatives separated by ",",
// relations within them by "|", each "name[:arch] [(op version)]" and,
// with opts.Restrictions, "[archs]" and "<profiles>" after it. White space
// (newlines of folded fields included) may surround every token; a
// trailing comma is allowed. Package names must follow policy §5.6.1
// (lower-case letters, digits, "+", "-", "."; starting alphanumeric);
// versions must parse. An empty field gives no alternatives.
func ParseRelations(field string, opts ParseOptions) ([]Alternatives, error) {
	if strings.TrimSpace(field) == "" {
		return nil, nil
	}
	// One block for every relation of the field and one for the lists:
	// a distribution's index has hundreds of thousands of relations.
	block := make([]Relation, 0, 1+strings.Count(field, ",")+strings.Count(field, "|"))
	out := make([]Alternatives, 0, 1+strings.Count(field, ","))
	for rest, last := field, false; !last; {
		item, tail, found := strings.Cut(rest, ",")
		rest, last = tail, !found
		if isBlankString(item) {
			if last {
				break // "a, b," is fine
			}
			return nil, fmt.Errorf("empty relation in %q", compact(field))
		}
		start := len(block)
		for alts, end := item, false; !end; {
			s, more, found := strings.Cut(alts, "|")
			alts, end = more, !found
			r, err := parseRelation(s, opts)
			if err != nil {
				return nil, fmt.Errorf("relation %q: %w", compact(s), err)
			}
			block = append(block, r)
		}
		out = append(out, Alternatives(block[start:len(block):len(block)]))
	}
	return out, nil
}

func isBlankString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSpace(s[i]) {
			return false
		}
	}
	return true
}

// compact folds the white space of s, for messages.
func compact(s string) string { return strings.Join(strings.Fields(s), " ") }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// relScanner walks one relation.
type relScanner struct {
	s string
	i int
}

func (p *relScanner) skip() {
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
}

func (p *relScanner) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// word reads up to white space or one of stops.
func (p *relScanner) word(stops string) string {
	start := p.i
	for p.i < len(p.s) && !isSpace(p.s[p.i]) && strings.IndexByte(stops, p.s[p.i]) < 0 {
		p.i++
	}
	return p.s[start:p.i]
}

func parseRelation(s string, opts ParseOptions) (Relation, error) {
	var r Relation
	p := &relScanner{s: s}
	p.skip()
	name := p.word("()[]<>")
	if name == "" {
		return r, fmt.Errorf("no package name")
	}
	r.Name, r.ArchQual, _ = strings.Cut(name, ":")
	if err := CheckName(r.Name); err != nil {
		return r, err
	}
	if strings.Contains(name, ":") && !validArch(r.ArchQual) {
		return r, fmt.Errorf("bad architecture qualifier %q", r.ArchQual)
	}
	p.skip()
	if p.peek() == '(' {
		if err := p.version(&r); err != nil {
			return r, err
		}
		p.skip()
	}
	if p.peek() == '[' {
		if !opts.Restrictions {
			return r, fmt.Errorf("architecture restriction not allowed here")
		}
		if err := p.archs(&r); err != nil {
			return r, err
		}
		p.skip()
	}
	for p.peek() == '<' {
		if !opts.Restrictions {
			return r, fmt.Errorf("build profile restriction not allowed here")
		}
		if err := p.profiles(&r); err != nil {
			return r, err
		}
		p.skip()
	}
	if p.i != len(p.s) {
		return r, fmt.Errorf("unexpected %q", p.s[p.i:])
	}
	return r, nil
}

// version reads "(op version)".
func (p *relScanner) version(r *Relation) error {
	p.i++
	p.skip()
	start := p.i
	for p.i < len(p.s) && strings.IndexByte("<=>", p.s[p.i]) >= 0 {
		p.i++
	}
	op, err := ParseOp(p.s[start:p.i])
	if err != nil {
		return err
	}
	p.skip()
	vs := p.word("()")
	p.skip()
	if p.peek() != ')' {
		return fmt.Errorf("version constraint not closed by ')'")
	}
	p.i++
	if vs == "" {
		return fmt.Errorf("no version after %q", op)
	}
	v, err := Parse(vs)
	if err != nil {
		return err
	}
	r.Op, r.Version = op, v
	return nil
}

// archs reads "[arch !arch ...]"; entries must all be negated or none.
func (p *relScanner) archs(r *Relation) error {
	p.i++
	neg := 0
	for {
		p.skip()
		if p.peek() == ']' {
			p.i++
			break
		}
		a := p.word("[]()<>")
		if a == "" {
			return fmt.Errorf("architecture restriction not closed by ']'")
		}
		if !validArch(strings.TrimPrefix(a, "!")) {
			return fmt.Errorf("bad architecture %q in restriction", a)
		}
		if strings.HasPrefix(a, "!") {
			neg++
		}
		r.Archs = append(r.Archs, a)
	}
	if len(r.Archs) == 0 {
		return fmt.Errorf("empty architecture restriction")
	}
	if neg != 0 && neg != len(r.Archs) {
		return fmt.Errorf("architecture restriction mixes negated and plain entries")
	}
	return nil
}

// profiles reads one "<term !term ...>" group.
func (p *relScanner) profiles(r *Relation) error {
	p.i++
	var terms []string
	for {
		p.skip()
		if p.peek() == '>' {
			p.i++
			break
		}
		t := p.word("<>[]()")
		if t == "" {
			return fmt.Errorf("build profile restriction not closed by '>'")
		}
		if !validProfile(strings.TrimPrefix(t, "!")) {
			return fmt.Errorf("bad build profile %q", t)
		}
		terms = append(terms, t)
	}
	if len(terms) == 0 {
		return fmt.Errorf("empty build profile restriction")
	}
	r.Profiles = append(r.Profiles, terms)
	return nil
}

// checkName applies policy §5.6.1 to a package name.
func checkName(n string) error {
	if !isAlnumLower(n[0]) {
		return fmt.Errorf("package name %q must start with a lower-case letter or digit", n)
	}
	for i := 1; i < len(n); i++ {
		if c := n[i]; !isAlnumLower(c) && c != '+' && c != '-' && c != '.' {
			return fmt.Errorf("package name %q has invalid character %q", n, c)
		}
	}
	return nil
}

// CheckName reports whether n is a valid package name (policy §5.6.1).
func CheckName(n string) error {
	if n == "" {
		return fmt.Errorf("empty package name")
	}
	return checkName(n)
}

func isAlnumLower(c byte) bool { return c >= 'a' && c <= 'z' || isDigit(c) }

// validArch accepts architecture names and wildcards ("amd64",
// "linux-any", "any", "all").
func validArch(a string) bool {
	if a == "" {
		return false
	}
	for i := 0; i < len(a); i++ {
		if c := a[i]; !isAlnumLower(c) && c != '-' {
			return false
		}
	}
	return true
}

func validProfile(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; !isAlnumLower(c) && c != '-' && c != '.' && c != '+' {
			return false
		}
	}
	return true
}

// String writes the relation as a control file does:
// "name:qual (op version) [archs] <profiles>".
func (r Relation) String() string {
	var b strings.Builder
	b.WriteString(r.Name)
	if r.ArchQual != "" {
		b.WriteByte(':')
		b.WriteString(r.ArchQual)
	}
	if r.Op != None {
		fmt.Fprintf(&b, " (%s %s)", r.Op, r.Version)
	}
	if r.Archs != nil {
		fmt.Fprintf(&b, " [%s]", strings.Join(r.Archs, " "))
	}
	for _, g := range r.Profiles {
		fmt.Fprintf(&b, " <%s>", strings.Join(g, " "))
	}
	return b.String()
}

// String joins the alternatives with " | ".
func (a Alternatives) String() string {
	s := make([]string, len(a))
	for i, r := range a {
		s[i] = r.String()
	}
	return strings.Join(s, " | ")
}

// FormatRelations writes a whole field, alternatives joined by ", ".
func FormatRelations(l []Alternatives) string {
	s := make([]string, len(l))
	for i, a := range l {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// Matches tells whether a package or provide of version v satisfies the
// relation's version constraint (names and architectures are the
// caller's to match).
func (r Relation) Matches(v Version) bool { return Satisfies(v, r.Op, r.Version) }
