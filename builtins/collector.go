package builtins

import (
	"fmt"
	"io/fs"

	"github.com/disco-build/disco/runtime/plan"
	"go.starlark.net/starlark"
)

const collectorKey = "disco.collector"

// Collector gathers what a configuration declared: every value made (in
// order), the groups by name, and the machines.
type Collector struct {
	FS        fs.FS
	values    []*Value
	groups    map[string]*Value
	groupRefs map[string]plan.Pos
	Machines  []*plan.Machine
}

// NewCollector returns a Collector reading config files through fsys.
func NewCollector(fsys fs.FS) *Collector {
	return &Collector{FS: fsys, groups: map[string]*Value{}, groupRefs: map[string]plan.Pos{}}
}

// Attach stores c in thread so the builtins find it.
func (c *Collector) Attach(thread *starlark.Thread) { thread.SetLocal(collectorKey, c) }

// CollectorFrom returns the Collector attached to thread.
func CollectorFrom(thread *starlark.Thread) *Collector {
	c, _ := thread.Local(collectorKey).(*Collector)
	return c
}

func collector(thread *starlark.Thread) (*Collector, error) {
	c := CollectorFrom(thread)
	if c == nil {
		return nil, fmt.Errorf("disco builtins used outside a disco evaluation")
	}
	return c, nil
}

func (c *Collector) add(v *Value) *Value {
	c.values = append(c.values, v)
	return v
}

// Unused returns an error for each value never attached to a machine (a
// value held only by an unused group is reported through the group).
func (c *Collector) Unused() []error {
	var errs []error
	for _, v := range c.values {
		if !v.used && !v.attached {
			errs = append(errs, &Error{Pos: v.pos, Msg: fmt.Sprintf("%s declared but never attached to a machine", v.label)})
		}
	}
	return errs
}
