package stages

import (
	"context"
	"fmt"
	"github.com/disco-build/disco/runtime/progress"
	"io"
	"os"

	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/manifest"
	"github.com/disco-build/disco/stages/rpm"
	"github.com/disco-build/disco/stages/store"
	"github.com/disco-build/disco/stages/tree"
)

// Script is one package scriptlet to run in the tree.
type Script struct {
	Package string // NEVRA
	rpm.Script
	Arg1 int
	Arg2 int // triggers: instances of the triggering package
}

// Outcome is what became of one scriptlet.
type Outcome struct {
	Package  string  `json:"package"`
	Name     string  `json:"name"`
	Status   string  `json:"status"` // "ran", "skipped", "failed"
	ExitCode int     `json:"exit_code"`
	Seconds  float64 `json:"seconds"`
	Reason   string  `json:"reason,omitempty"`
	// Isolation is how a package scriptlet was jailed (scriptlet.Outcome).
	Isolation string `json:"isolation,omitempty"`
}

// ScriptRunner runs package scriptlets inside a root.
type ScriptRunner interface {
	Run(ctx context.Context, root string, s Script) Outcome
}

// Installer is the install stage: it places the locked packages' files in
// the tree, in rpm's transaction order, running their scriptlets.
type Installer struct {
	tree        *tree.Tree
	store       *store.Store
	epoch       int64
	excludeDocs bool
	scripts     ScriptRunner
	ids         idMap
	notices     []string
}

// Installed is a package as installed, for the rpmdb writer.
type Installed struct {
	Lock    lockfile.Package
	Package *rpm.Package
	// Skipped lists file indexes not placed (%ghost, excluded docs).
	Skipped map[int]string
}

// NewInstaller returns an install stage writing into t. scripts may be nil
// (every scriptlet is then reported as skipped).
func NewInstaller(t *tree.Tree, st *store.Store, epoch int64, excludeDocs bool, scripts ScriptRunner) *Installer {
	return &Installer{tree: t, store: st, epoch: epoch, excludeDocs: excludeDocs, scripts: scripts}
}

// Notices are things worth logging (unknown owner names mapped to root).
func (in *Installer) Notices() []string { return in.notices }

type opened struct {
	lock lockfile.Package
	pkg  *rpm.Package
	file *os.File
}

// Install installs pkgs and returns them in install order with the
// scriptlet outcomes. A failing scriptlet is an outcome, not an error; the
// caller decides.
func (in *Installer) Install(ctx context.Context, pkgs []lockfile.Package) ([]Installed, []Outcome, error) {
	ops, err := in.open(pkgs)
	defer func() {
		for _, o := range ops {
			o.file.Close()
		}
	}()
	if err != nil {
		return nil, nil, err
	}
	ops, err = ordered(ops)
	if err != nil {
		return nil, nil, err
	}
	fd := startFeed(ops, in.excludeDocs)
	defer fd.stop()
	var outcomes []Outcome
	run := func(o opened, name string) {
		if s, ok := o.pkg.Script(name); ok {
			outcomes = append(outcomes, in.run(ctx, o, s))
		}
	}
	for _, o := range ops {
		run(o, "pretrans")
	}
	var done []Installed
	var placed []opened
	for i, o := range ops {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		progress.Send(ctx, progress.Report{Stage: "install", Done: int64(i), Total: int64(len(ops)), Unit: "packages", Item: o.lock.Name})
		start, err := in.start(o, fd) // the payload verified: nothing of a bad one is written
		if err != nil {
			return nil, nil, err
		}
		run(o, "pre")
		skipped, err := in.place(o, fd, start)
		if err != nil {
			return nil, nil, err
		}
		run(o, "post")
		outcomes = append(outcomes, in.fireTriggers(ctx, placed, o)...)
		placed = append(placed, o)
		done = append(done, Installed{Lock: o.lock, Package: o.pkg, Skipped: skipped})
	}
	for _, o := range ops {
		run(o, "posttrans")
	}
	return done, outcomes, nil
}

func (in *Installer) open(pkgs []lockfile.Package) ([]opened, error) {
	var ops []opened
	for _, p := range pkgs {
		f, err := in.store.Open(p.SHA256)
		if err != nil {
			return ops, fmt.Errorf("%s: %w (run disco fetch)", p.NEVRA(), err)
		}
		pkg, err := rpm.Open(f)
		if err == nil {
			_, err = pkg.VerifyHeader()
		}
		if err != nil {
			f.Close()
			return ops, fmt.Errorf("%s: %w", p.NEVRA(), err)
		}
		ops = append(ops, opened{lock: p, pkg: pkg, file: f})
	}
	return ops, nil
}

func ordered(ops []opened) ([]opened, error) {
	items := make([]orderItem, len(ops))
	for i, o := range ops {
		it := orderItem{name: o.pkg.NEVRA()}
		provides, err := o.pkg.Provides()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", it.name, err)
		}
		it.provides = append(it.provides, o.pkg.Name())
		for _, p := range provides {
			it.provides = append(it.provides, p.Name)
		}
		files, err := o.pkg.Files()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", it.name, err)
		}
		for _, f := range files {
			it.files = append(it.files, f.Path)
		}
		if it.requires, err = o.pkg.Requires(); err != nil {
			return nil, fmt.Errorf("%s: %w", it.name, err)
		}
		items[i] = it
	}
	out := make([]opened, 0, len(ops))
	for _, i := range installOrder(items) {
		out = append(out, ops[i])
	}
	return out, nil
}

func (in *Installer) run(ctx context.Context, o opened, s rpm.Script) Outcome {
	if in.scripts == nil {
		return Outcome{Package: o.pkg.NEVRA(), Name: s.Name, Status: "skipped", Reason: "scriptlets not run in this build"}
	}
	out := in.scripts.Run(ctx, in.tree.Dir(), Script{Package: o.pkg.NEVRA(), Script: s, Arg1: 1, Arg2: 1})
	if _, err := in.tree.Sync("scriptlet:" + s.Name + "(" + o.pkg.NEVRA() + ")"); err != nil {
		out.Status, out.Reason = "failed", err.Error()
	}
	return out
}

// start waits for the feed to begin o's payload, which it does once the
// payload matched its digests.
func (in *Installer) start(o opened, fd *feed) (feedItem, error) {
	start := fd.next()
	if start.err != nil {
		return start, start.err
	}
	if start.kind != feedStart {
		return start, fmt.Errorf("%s: %w", o.pkg.NEVRA(), errFeedEnded)
	}
	return start, nil
}

// place writes a package's files into the tree, as the feed reads them
// from its payload.
func (in *Installer) place(o opened, fd *feed, start feedItem) (map[int]string, error) {
	nevra := o.pkg.NEVRA()
	in.ids.refresh(in.tree)
	for {
		it := fd.next()
		if it.err != nil {
			return nil, it.err
		}
		if it.kind == feedEnd {
			return start.skipped, nil
		}
		pe := it.entry
		content := &feedContent{f: fd, has: hasContent(pe)}
		if err := in.placeOne(nevra, pe, content); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", nevra, pe.File.Path, err)
		}
		if err := content.skip(); err != nil { // as the payload's Next would
			return nil, fmt.Errorf("%s: %w", nevra, err)
		}
	}
}

func (in *Installer) placeOne(nevra string, pe *rpm.PayloadEntry, content io.Reader) error {
	f := pe.File
	if pe.HardLinkOf != "" {
		return in.tree.Link(pe.HardLinkOf, f.Path)
	}
	uid, gid, unknown := in.ids.lookup(f.User, f.Group)
	for _, u := range unknown {
		in.notices = append(in.notices, fmt.Sprintf("%s: %s: unknown %s, using root", nevra, f.Path, u))
	}
	meta := tree.Meta{Mode: f.Perm(), UID: uid, GID: gid, Mtime: min(int64(f.Mtime), in.epoch),
		Source: "package:" + nevra, Config: f.IsConfig()}
	if f.Caps != "" {
		caps, err := f.CapsXattr()
		if err != nil {
			return err
		}
		meta.Xattrs = map[string][]byte{"security.capability": caps}
	}
	switch f.Type() {
	case rpm.ModeDir:
		return in.tree.Mkdir(f.Path, meta)
	case rpm.ModeRegular:
		return in.tree.WriteFile(f.Path, content, meta)
	case rpm.ModeSymlink:
		return in.tree.Symlink(f.LinkTo, f.Path, meta)
	case rpm.ModeChar:
		return in.tree.Mknod(f.Path, manifest.Char, f.Major(), f.Minor(), meta)
	case rpm.ModeBlock:
		return in.tree.Mknod(f.Path, manifest.Block, f.Major(), f.Minor(), meta)
	case rpm.ModeFIFO:
		return in.tree.Mknod(f.Path, manifest.FIFO, 0, 0, meta)
	case rpm.ModeSocket:
		return in.tree.Mknod(f.Path, manifest.Socket, 0, 0, meta)
	}
	return fmt.Errorf("unknown file type %#o", f.Type())
}
