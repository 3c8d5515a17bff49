package stages

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/fetch"
	"github.com/disco-build/disco/stages/lockfile"
)

// packageFormat is one package format's part of the stages that stay
// format-neutral: reading its repositories and resolving a machine's
// requests into its lock entry, and the downloads of a lock entry with
// their checks. Resolver and Fetcher pick the implementation from the
// plan (plan.Machine.PackageFormat): rpmFormat (resolve.go, fetch.go) or
// debFormat (resolve_deb.go, fetch_deb.go). Each keeps what it loaded for
// the machines of one run.
type packageFormat interface {
	// resolve resolves m; with prev and update, only the packages named
	// in update may change. A request that has no solution is a
	// *cannotResolve; other errors are wrapped by the caller with the
	// machine's position and ID.
	resolve(ctx context.Context, m *plan.Machine, prev *lockfile.Machine, update []string) (*lockfile.Machine, error)
	// items lists the downloads of m's lock entry, each with every URL it
	// may come from.
	items(ctx context.Context, m *plan.Machine, lm *lockfile.Machine) ([]fetch.Item, error)
	// verify checks a package file of an item: a download before it
	// enters the store (stored false), or a copy the store had already
	// (stored true), which another repository may have brought with
	// fewer checks.
	verify(name, path string, stored bool) error
}

// cannotResolve is a request without a solution, explained in the words
// of the format's own tools (dnf's problems, apt's unmet dependencies).
type cannotResolve struct{ text string }

func (e *cannotResolve) Error() string { return e.text }

// formats makes each package format's implementation once per run.
type formats struct {
	root, cache string
	client      *http.Client
	now         func() time.Time
	byName      map[string]packageFormat
}

// newFormats returns the formats of one run; now is the clock Release
// files are checked against (Valid-Until, Date), nil where nothing is
// checked.
func newFormats(root, cache string, now func() time.Time) *formats {
	return &formats{root: root, cache: cache, client: http.DefaultClient, now: now, byName: map[string]packageFormat{}}
}

// of returns the implementation of m's package format.
func (f *formats) of(m *plan.Machine) (packageFormat, error) {
	name := m.PackageFormat()
	if pf, ok := f.byName[name]; ok {
		return pf, nil
	}
	var pf packageFormat
	switch name {
	case plan.FormatRPM:
		pf = newRPMFormat(f.root, f.cache, f.client)
	case plan.FormatDeb:
		pf = newDebFormat(f.root, f.cache, f.client, f.now)
	default:
		return nil, plan.Errorf(m.Pos, "machine %s: unknown package format %q", m.ID(), name)
	}
	f.byName[name] = pf
	return pf, nil
}

// Resolver is the resolve stage: it turns a machine's packages and
// repositories into the pinned package set of its lock entry, with the
// implementation of the machine's package format. It loads each
// repository once per run, however many machines use it.
type Resolver struct {
	formats *formats
}

// NewResolver returns a resolve stage for the config root (absolute) whose
// metadata cache lives in the cache folder (see MetadataDir). now is the
// clock signed repository metadata is checked against (a Debian Release
// file's Valid-Until and Date): the time of the check, never written
// anywhere.
func NewResolver(root, cache string, now func() time.Time) *Resolver {
	return &Resolver{formats: newFormats(root, cache, now)}
}

// Resolve resolves m. With prev and update, only the packages named in
// update may change: every other package of prev stays at its locked
// version. Errors name the machine (its position and ID).
func (r *Resolver) Resolve(ctx context.Context, m *plan.Machine, prev *lockfile.Machine, update []string) (*lockfile.Machine, error) {
	pf, err := r.formats.of(m)
	if err != nil {
		return nil, err
	}
	lm, err := pf.resolve(ctx, m, prev, update)
	var cr *cannotResolve
	switch {
	case errors.As(err, &cr):
		msg := fmt.Sprintf("%s: %s: cannot resolve packages:\n%s", m.Pos, m.ID(), cr.text)
		if prev != nil && len(update) > 0 {
			msg += "\n  (other packages are held at their locked versions; name them in --update too, or run disco lock without --update)"
		}
		return nil, errors.New(msg)
	case err != nil:
		return nil, fmt.Errorf("%s: %s: %w", m.Pos, m.ID(), err)
	}
	return lm, nil
}

// CheckBuildable refuses, before anything is done, a machine whose
// package format the build stages cannot install yet.
func CheckBuildable(m *plan.Machine) error {
	if m.PackageFormat() != plan.FormatRPM {
		return plan.Errorf(m.Pos, "machine %s: building Debian machines is not supported yet (disco eval, lock and fetch are)", m.ID())
	}
	return nil
}
