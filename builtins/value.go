package builtins

import (
	"fmt"
	"sort"

	"github.com/disco-build/disco/runtime/plan"
	"go.starlark.net/starlark"
)

// Value is what every declaring builtin returns: a plan value of some kind
// plus its position and bookkeeping for unused-value reports.
type Value struct {
	kind  string // "repo", "file", "partition", ...
	label label  // what messages call it, e.g. `repo "base"`
	pos   plan.Pos
	data  any // the plan value, e.g. *plan.Repo
	attrs attrList

	children []*Value
	attached bool // is a child of another value or of a machine
	used     bool // reaches a machine
}

var _ starlark.HasAttrs = (*Value)(nil)

func (v *Value) String() string        { return fmt.Sprintf("<%s at %s>", v.label, v.pos) }
func (v *Value) Type() string          { return v.kind }
func (v *Value) Freeze()               {}
func (v *Value) Truth() starlark.Bool  { return starlark.True }
func (v *Value) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable type: %s", v.kind) }

// Attr returns a field of the value, for configurations that inspect what
// they built (e.g. r.id).
func (v *Value) Attr(name string) (starlark.Value, error) { return v.attrs.get(name), nil }

// AttrNames lists the readable fields, sorted.
func (v *Value) AttrNames() []string {
	names := make([]string, len(v.attrs))
	for i, a := range v.attrs {
		names[i] = a.name
	}
	sort.Strings(names)
	return names
}

// attrList is a value's few readable fields: a slice, as a map per value
// costs more than the lookups it saves.
type attrList []struct {
	name string
	v    starlark.Value
}

// get returns the field called name, or nil.
func (l attrList) get(name string) starlark.Value {
	for _, a := range l {
		if a.name == name {
			return a.v
		}
	}
	return nil
}

// Pos is where the value was declared.
func (v *Value) Pos() plan.Pos { return v.pos }

// adopt records children as parts of v (a disk's partitions, a group's
// repos); they are used when v is.
func (v *Value) adopt(children ...*Value) {
	for _, c := range children {
		if c == nil {
			continue
		}
		c.attached = true
		v.children = append(v.children, c)
	}
}

// markUsed marks v and everything it holds as reaching a machine.
func (v *Value) markUsed() {
	if v == nil || v.used {
		return
	}
	v.used = true
	for _, c := range v.children {
		c.markUsed()
	}
}

// label is what messages call a value: a word and, for a named value, the
// name quoted. It is put together only when a message needs it.
type label struct {
	what, name string
	named      bool
}

func named(what, name string) label { return label{what: what, name: name, named: true} }
func unnamed(what string) label     { return label{what: what} }

func (l label) String() string {
	if !l.named {
		return l.what
	}
	return l.what + " " + quote(l.name)
}

func callPos(thread *starlark.Thread) plan.Pos {
	p := thread.CallFrame(1).Pos
	return plan.Pos{File: p.Filename(), Line: int(p.Line), Col: int(p.Col)}
}
