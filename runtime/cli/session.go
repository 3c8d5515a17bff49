package cli

import (
	"context"
	"flag"
	"path/filepath"

	"github.com/disco-build/disco/runtime/loader"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages"
	"github.com/disco-build/disco/stages/fetch"
	"github.com/disco-build/disco/stages/lockfile"
)

// selection is the --machine/--group/--format flags most verbs share.
type selection struct {
	machine, group, format string
}

func (s *selection) register(fs *flag.FlagSet, formatHelp string) {
	fs.StringVar(&s.machine, "machine", "", "only the machine named `NAME` (in any group)")
	fs.StringVar(&s.group, "group", "", "only the machines of group `G`")
	fs.StringVar(&s.format, "format", "text", formatHelp+", `text|json`")
}

func (s *selection) checkFormat() error {
	if s.format != "text" && s.format != "json" {
		return usagef("--format %q: want text or json", s.format)
	}
	return nil
}

// session is what verbs that act on locked machines start from.
type session struct {
	plan        *plan.Plan
	machines    []*plan.Machine
	lock        *lockfile.Lock
	root, cache string // absolute
}

// openSession loads and selects the plan, reads the lock, and makes sure
// the cache folder exists.
func (e *env) openSession(ctx context.Context, sel selection) (*session, error) {
	p, err := e.loadPlan(ctx)
	if err != nil {
		return nil, err
	}
	s := &session{plan: p}
	if s.machines, err = loader.Select(p, sel.machine, sel.group); err != nil {
		return nil, err
	}
	if s.lock, err = lockfile.Read(filepath.Join(e.config, lockfile.Name)); err != nil {
		return nil, err
	}
	if s.root, s.cache, err = e.absDirs(); err != nil {
		return nil, err
	}
	return s, stages.EnsureCache(s.cache)
}

// fetchAll brings the session's packages into the store, drawing its
// progress on the status line.
func (e *env) fetchAll(ctx context.Context, s *session, jobs int) (*stages.Fetcher, fetch.Summary, error) {
	p := &fetchProgress{e: e, inflight: map[string]int64{}}
	defer p.end()
	fe, err := stages.NewFetcher(s.root, s.cache, fetch.Options{Parallel: jobs, Progress: p.event})
	if err != nil {
		return nil, fetch.Summary{}, err
	}
	items, err := fe.Items(ctx, s.machines, s.lock)
	if err != nil {
		return nil, fetch.Summary{}, err
	}
	sum, err := fe.Fetch(ctx, items)
	return fe, sum, err
}
