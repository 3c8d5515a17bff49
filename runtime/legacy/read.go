package legacy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/disco-build/disco/runtime/configfs"
	"github.com/disco-build/disco/runtime/plan"
)

// Options tune Read. The zero value reads every machine.
type Options struct {
	// Cache is the cache folder (host path, absolute or relative to the
	// working directory); never read as a group. Default ROOT/cache.
	Cache string
	// Select, when set, says which machines to read; the others are
	// neither read nor checked.
	Select func(group, name string) bool
	// Notify receives notices, in a deterministic order.
	Notify func(Notice)
}

// Notice is something the user should hear about that is not an error.
type Notice struct {
	Pos plan.Pos
	Msg string
	// Debug marks a detail of how the tree was read (a device line
	// overriding a group's, as discographer's layering intends), worth a
	// debug line only.
	Debug bool
}

func (n Notice) String() string { return n.Pos.String() + ": " + n.Msg }

// Read returns the machines of the discographer tree at root, sorted by
// group then name. Problems are returned together (errors.Join), each a
// *plan.Error positioned at the root-relative path at fault, or an error
// wrapping the host error with that path.
func Read(ctx context.Context, root string, opts Options) ([]*plan.Machine, error) {
	if fi, err := os.Stat(root); err != nil {
		return nil, fmt.Errorf("legacy config root: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("legacy config root %s: not a folder", root)
	}
	r := &reader{tree: tree{root: root}, opts: opts}
	if r.opts.Cache == "" {
		r.opts.Cache = filepath.Join(root, "cache")
	}
	defer func() {
		if r.config != nil {
			r.config.Close()
		}
	}()
	groups, err := r.groups()
	if err != nil {
		return nil, err
	}
	var machines []*plan.Machine
	var errs []error
	for _, g := range groups {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ms, err := r.group(ctx, g)
		machines = append(machines, ms...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return machines, nil
}

type reader struct {
	tree
	opts   Options
	config *configfs.FS // opened on first use (overlays)
}

func (r *reader) notify(pos plan.Pos, format string, args ...any) {
	if r.opts.Notify != nil {
		r.opts.Notify(Notice{Pos: pos, Msg: fmt.Sprintf(format, args...)})
	}
}
