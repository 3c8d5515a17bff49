package rpm

import (
	"fmt"
	"sort"
)

// Script is one package scriptlet.
type Script struct {
	Name  string   // "pretrans", "pre", "post", "preun", "postun", "posttrans", ...
	Prog  []string // interpreter and its arguments; ["<lua>"] for Lua
	Body  string   // empty for a program-only scriptlet such as "-p /sbin/ldconfig"
	Flags uint32   // RPMSCRIPT_FLAG_* (1 expand macros, 2 query format, 4 critical)
}

// IsLua reports a scriptlet run by rpm's embedded Lua.
func (s Script) IsLua() bool { return len(s.Prog) > 0 && s.Prog[0] == "<lua>" }

// DefaultInterpreter runs a scriptlet whose header has a body but no program.
const DefaultInterpreter = "/bin/sh"

type scriptTags struct {
	name              string
	body, prog, flags Tag
}

// scriptOrder is the order rpm runs them in one install/erase cycle.
var scriptOrder = []scriptTags{
	{"pretrans", TagPreTrans, TagPreTransProg, TagPreTransFlags},
	{"pre", TagPreIn, TagPreInProg, TagPreInFlags},
	{"post", TagPostIn, TagPostInProg, TagPostInFlags},
	{"preun", TagPreUn, TagPreUnProg, TagPreUnFlags},
	{"postun", TagPostUn, TagPostUnProg, TagPostUnFlags},
	{"posttrans", TagPostTrans, TagPostTransProg, TagPostTransFlags},
	{"preuntrans", TagPreUnTrans, TagPreUnTransProg, TagPreUnTransFlags},
	{"postuntrans", TagPostUnTrans, TagPostUnTransProg, TagPostUnTransFlags},
	{"verify", TagVerifyScript, TagVerifyScriptProg, TagVerifyScriptFlags},
}

// Scripts lists the scriptlets present, in the order above. A scriptlet is
// present when its body or its program tag is, as in rpm's rpmScriptFromTag.
func (p *Package) Scripts() []Script {
	var out []Script
	for _, t := range scriptOrder {
		if s, ok := p.Script(t.name); ok {
			out = append(out, s)
		}
	}
	return out
}

// Script returns the named scriptlet ("pre", "post", ...).
func (p *Package) Script(name string) (Script, bool) {
	for _, t := range scriptOrder {
		if t.name != name {
			continue
		}
		h := p.Header
		if !h.Has(t.body) && !h.Has(t.prog) {
			return Script{}, false
		}
		s := Script{Name: name, Body: h.String(t.body), Prog: h.Strings(t.prog)}
		if len(s.Prog) == 0 {
			s.Prog = []string{DefaultInterpreter}
		}
		f, _ := h.Int(t.flags)
		s.Flags = uint32(f)
		return s, true
	}
	return Script{}, false
}

// Trigger is one trigger scriptlet with the conditions that fire it.
type Trigger struct {
	Type       string       // "prein", "in", "un", "postun"
	Conditions []Dependency // the trigger names, senses and versions
	Prog       []string
	Body       string
	Flags      uint32 // RPMSCRIPT_FLAG_*
	Priority   uint32 // file triggers only
}

type triggerTags struct {
	kind                                   string
	name, version, flags, index            Tag
	scripts, prog, scriptFlags, priorities Tag
}

var (
	pkgTriggerTags = triggerTags{"triggers", TagTriggerName, TagTriggerVersion, TagTriggerFlags,
		TagTriggerIndex, TagTriggerScripts, TagTriggerScriptProg, TagTriggerScriptFlags, 0}
	fileTriggerTags      = triggerTags{"file triggers", 5069, 5071, 5072, 5070, 5066, 5067, 5068, 5084}
	transFileTriggerTags = triggerTags{"transaction file triggers", 5079, 5081, 5082, 5080, 5076, 5077, 5078, 5085}
)

// Triggers lists the package's triggers (%triggerprein/in/un/postun) in
// script index order.
func (p *Package) Triggers() ([]Trigger, error) { return p.triggers(pkgTriggerTags) }

// FileTriggers lists %filetrigger* scriptlets; the conditions are path prefixes.
func (p *Package) FileTriggers() ([]Trigger, error) { return p.triggers(fileTriggerTags) }

// TransFileTriggers lists %transfiletrigger* scriptlets.
func (p *Package) TransFileTriggers() ([]Trigger, error) { return p.triggers(transFileTriggerTags) }

func (p *Package) triggers(t triggerTags) ([]Trigger, error) {
	h := p.Header
	names, versions, flags, index := h.Strings(t.name), h.Strings(t.version), h.Ints(t.flags), h.Ints(t.index)
	scripts, progs, sflags := h.Strings(t.scripts), h.Strings(t.prog), h.Ints(t.scriptFlags)
	var prios []uint64
	if t.priorities != 0 {
		prios = h.Ints(t.priorities)
	}
	if len(names) == 0 {
		return nil, nil
	}
	bad := func(msg string, args ...any) error {
		return fmt.Errorf("%w: package %s: %s: %s", ErrFormat, p.NEVRA(), t.kind, fmt.Sprintf(msg, args...))
	}
	if len(versions) != len(names) || len(flags) != len(names) || len(index) != len(names) {
		return nil, bad("%d names, %d versions, %d flags, %d indexes", len(names), len(versions), len(flags), len(index))
	}
	byIndex := map[uint64]*Trigger{}
	var order []uint64
	for i := range names {
		x := index[i]
		if x >= uint64(len(scripts)) {
			return nil, bad("condition %q points at script %d of %d", names[i], x, len(scripts))
		}
		tr := byIndex[x]
		if tr == nil {
			tr = &Trigger{Type: triggerType(DepFlags(flags[i])), Body: scripts[x], Prog: []string{DefaultInterpreter}}
			if x < uint64(len(progs)) && progs[x] != "" {
				tr.Prog = []string{progs[x]}
			}
			if x < uint64(len(sflags)) {
				tr.Flags = uint32(sflags[x])
			}
			if x < uint64(len(prios)) {
				tr.Priority = uint32(prios[x])
			}
			byIndex[x] = tr
			order = append(order, x)
		}
		tr.Conditions = append(tr.Conditions, Dependency{Name: names[i], Flags: DepFlags(flags[i]), Version: versions[i]})
	}
	sort.Slice(order, func(a, b int) bool { return order[a] < order[b] })
	out := make([]Trigger, len(order))
	for i, x := range order {
		out[i] = *byIndex[x]
	}
	return out, nil
}

func triggerType(f DepFlags) string {
	switch {
	case f&SenseTriggerPrein != 0:
		return "prein"
	case f&SenseTriggerIn != 0:
		return "in"
	case f&SenseTriggerUn != 0:
		return "un"
	case f&SenseTriggerPostun != 0:
		return "postun"
	}
	return ""
}
