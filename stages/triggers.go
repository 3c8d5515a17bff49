package stages

import (
	"context"

	"github.com/disco-build/disco/stages/rpm"
	"github.com/disco-build/disco/stages/rpmver"
)

// fireTriggers runs the %triggerin scriptlets that installing o sets off,
// as rpm does in a fresh install: those of already installed packages
// whose condition o meets, then o's own whose condition an installed
// package (o included) meets. $1 and $2 are 1: one instance of each.
func (in *Installer) fireTriggers(ctx context.Context, done []opened, o opened) []Outcome {
	var outs []Outcome
	for _, owner := range done {
		outs = append(outs, in.triggersOf(ctx, owner, []opened{o})...)
	}
	return append(outs, in.triggersOf(ctx, o, append(append([]opened(nil), done...), o))...)
}

// triggersOf runs owner's %triggerin scripts whose condition one of
// targets meets (each script once).
func (in *Installer) triggersOf(ctx context.Context, owner opened, targets []opened) []Outcome {
	trigs, err := owner.pkg.Triggers()
	if err != nil {
		return []Outcome{{Package: owner.pkg.NEVRA(), Name: "triggerin", Status: "failed", Reason: err.Error()}}
	}
	var outs []Outcome
	for _, t := range trigs {
		if t.Type != "in" || !anyMeets(t.Conditions, targets) {
			continue
		}
		s := rpm.Script{Name: "triggerin", Prog: t.Prog, Body: t.Body, Flags: t.Flags}
		outs = append(outs, in.run(ctx, owner, s))
	}
	return outs
}

func anyMeets(conds []rpm.Dependency, targets []opened) bool {
	for _, c := range conds {
		for _, t := range targets {
			if meets(c, t.pkg) {
				return true
			}
		}
	}
	return false
}

// meets reports whether package p satisfies trigger condition c (a package
// name with an optional version range).
func meets(c rpm.Dependency, p *rpm.Package) bool {
	if c.Name != p.Name() {
		return false
	}
	if c.Version == "" {
		return true
	}
	cond := rpmver.Dep{Name: c.Name, Flags: rpmver.Flags(c.Flags) & (rpmver.LT | rpmver.GT | rpmver.EQ), EVR: rpmver.ParseEVR(c.Version)}
	epoch, has := p.Epoch()
	self := rpmver.Dep{Name: p.Name(), Flags: rpmver.EQ,
		EVR: rpmver.EVR{Epoch: int(epoch), HasEpoch: has, Version: p.Version(), Release: p.Release()}}
	return cond.Matches(self)
}
