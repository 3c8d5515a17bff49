package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/disco-build/disco/runtime/loader"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages"
	"github.com/disco-build/disco/stages/manifest"
	"github.com/peterbourgon/ff/v3/ffcli"
)

type inspectFlags struct {
	group, format string
	diff          bool
}

func (e *env) inspectCommand() *ffcli.Command {
	var f inspectFlags
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.StringVar(&f.group, "group", "", "the machine's group `G`, when its name is in several")
	fs.StringVar(&f.format, "format", "text", "output format, `text|json`")
	fs.BoolVar(&f.diff, "diff", false, "compare two manifests: inspect --diff A B (machine names or manifest files)")
	return &ffcli.Command{
		Name:       "inspect",
		ShortUsage: "disco inspect [flags] (MACHINE | --diff A B)",
		ShortHelp:  "list a built tree's manifest, or compare two",
		LongHelp: strings.TrimSpace(`
Lists the manifest of a machine's built tree like ls -l, with the source that
put each path there (package, overlay, generator, devices file, scriptlet,
disco). With --diff, compares two manifests (machine names, or paths of
manifest.jsonl files): what was added, removed or changed, and which fields.

Examples:
  disco -C examples/starlark inspect web
  disco -C examples/starlark inspect --diff web kiosk`),
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if f.format != "text" && f.format != "json" {
				return usagef("--format %q: want text or json", f.format)
			}
			if f.diff {
				if len(args) != 2 {
					return usagef("inspect --diff takes two machines or manifest files")
				}
				return e.runDiff(ctx, f, args[0], args[1])
			}
			if len(args) != 1 {
				return usagef("inspect takes one machine name")
			}
			return e.runInspect(ctx, f, args[0])
		},
	}
}

// readManifest reads a machine's manifest, or a manifest file by path.
func (e *env) readManifest(ctx context.Context, group, arg string) (*manifest.Manifest, error) {
	path := arg
	if !strings.Contains(arg, "/") && !strings.HasSuffix(arg, ".jsonl") {
		p, err := e.loadPlan(ctx)
		if err != nil {
			return nil, err
		}
		ms, err := loader.Select(p, arg, group)
		if err != nil {
			return nil, err
		}
		_, cache, err := e.absDirs()
		if err != nil {
			return nil, err
		}
		path = filepath.Join(stages.MachineDir(cache, ms[0].Group, ms[0].Name), "manifest.jsonl")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w (build the machine first: disco build --stage tree)", err)
	}
	defer f.Close()
	return manifest.Read(f)
}

func (e *env) runInspect(ctx context.Context, f inspectFlags, name string) error {
	m, err := e.readManifest(ctx, f.group, name)
	if err != nil {
		return err
	}
	if f.format == "json" {
		return m.Write(e.stdout)
	}
	return m.Walk(func(en *manifest.Entry) error { return lsLine(e.stdout, en) })
}

func lsLine(w io.Writer, en *manifest.Entry) error {
	size := fmt.Sprint(en.Size)
	if en.Kind == manifest.Char || en.Kind == manifest.Block {
		size = fmt.Sprintf("%d, %d", en.Major, en.Minor)
	}
	name := en.Path
	switch {
	case en.Kind == manifest.Symlink:
		name += " -> " + en.Target
	case en.Link != "":
		name += " => " + en.Link
	}
	_, err := fmt.Fprintf(w, "%s %5d %5d %9s %s  %s\n", modeString(en), en.UID, en.GID, size, name, en.Source)
	return err
}

func modeString(en *manifest.Entry) string {
	kind := map[manifest.Kind]byte{manifest.Dir: 'd', manifest.File: '-', manifest.Symlink: 'l',
		manifest.Char: 'c', manifest.Block: 'b', manifest.FIFO: 'p', manifest.Socket: 's'}[en.Kind]
	b := []byte{kind}
	const rwx = "rwxrwxrwx"
	for i := 0; i < 9; i++ {
		if en.Mode&(1<<(8-i)) != 0 {
			b = append(b, rwx[i])
		} else {
			b = append(b, '-')
		}
	}
	special := []struct {
		bit  uint32
		pos  int
		x, n byte
	}{{0o4000, 3, 's', 'S'}, {0o2000, 6, 's', 'S'}, {0o1000, 9, 't', 'T'}}
	for _, s := range special {
		if en.Mode&s.bit != 0 {
			if b[s.pos] == 'x' {
				b[s.pos] = s.x
			} else {
				b[s.pos] = s.n
			}
		}
	}
	return string(b)
}

func (e *env) runDiff(ctx context.Context, f inspectFlags, a, b string) error {
	ma, err := e.readManifest(ctx, f.group, a)
	if err != nil {
		return err
	}
	mb, err := e.readManifest(ctx, f.group, b)
	if err != nil {
		return err
	}
	diffs := manifest.Diff(ma, mb)
	if f.format == "json" {
		if diffs == nil {
			diffs = []manifest.Difference{}
		}
		out, err := plan.Canonical(map[string]any{"differences": diffs})
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(out)
		return err
	}
	for _, d := range diffs {
		if _, err := fmt.Fprintln(e.stdout, d.String()); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintf(e.stdout, "%d differences\n", len(diffs))
	return err
}
