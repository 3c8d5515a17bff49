package legacy

import (
	"context"
	"errors"

	"github.com/disco-build/disco/runtime/plan"
)

// shared holds a group's own parts, which every machine of it gets first.
type shared struct {
	devices    []plan.Device
	overlays   []plan.Overlay
	scriptlets []plan.Scriptlet
	apt        []aptSource
}

// group reads the selected machines of g.
func (r *reader) group(ctx context.Context, g groupRef) ([]*plan.Machine, error) {
	names, err := r.machineNames(g)
	if err != nil {
		return nil, err
	}
	var selected []string
	for _, n := range names {
		if r.opts.Select == nil || r.opts.Select(g.name, n) {
			selected = append(selected, n)
		}
	}
	if len(selected) == 0 {
		return nil, nil
	}
	sh, err := r.shared(g)
	if err != nil {
		return nil, err
	}
	var machines []*plan.Machine
	var errs []error
	for _, n := range selected {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m, err := r.machine(g, sh, n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		machines = append(machines, m)
	}
	return machines, errors.Join(errs...)
}

// shared reads the group-level devices, root-overlays, scriptlets and apt
// sources.
func (r *reader) shared(g groupRef) (*shared, error) {
	sh := &shared{}
	var errs []error
	var err error
	if sh.devices, err = r.devices(join(g.rel, "devices")); err != nil {
		errs = append(errs, err)
	}
	if sh.overlays, err = r.overlays(join(g.rel, "root-overlays"), "group"); err != nil {
		errs = append(errs, err)
	}
	if sh.scriptlets, err = r.scriptlets(join(g.rel, "generator-scriptlets"), "group"); err != nil {
		errs = append(errs, err)
	}
	if sh.apt, _, err = r.aptSources(join(g.rel, "apt")); err != nil {
		errs = append(errs, err)
	}
	return sh, errors.Join(errs...)
}
