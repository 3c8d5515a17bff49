package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/disco-build/disco/internal/units"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages"
	"github.com/disco-build/disco/stages/fetch"
	"github.com/peterbourgon/ff/v3/ffcli"
)

type fetchFlags struct {
	selection
	jobs   int
	noWait bool
}

func (e *env) fetchCommand() *ffcli.Command {
	var f fetchFlags
	fs := flag.NewFlagSet("fetch", flag.ContinueOnError)
	f.register(fs, "summary format")
	fs.IntVar(&f.jobs, "j", 6, "packages downloaded at once")
	fs.BoolVar(&f.noWait, "no-wait", false, noWaitHelp)
	return &ffcli.Command{
		Name:       "fetch",
		ShortUsage: "disco fetch [flags]",
		ShortHelp:  "download the locked packages into the shared store",
		LongHelp: strings.TrimSpace(`
Downloads every package disco.lock names for the selected machines into the
content-addressed store shared by all machines (CACHE/.disco/store), in
parallel, resuming and retrying, failing over between a repository's
baseurls (or an apt_repo's URLs), honouring HTTP(S)_PROXY/NO_PROXY and each
repository's proxy. Every
package is checked against the sha256 in the lock before it enters the
store (for a .deb, the SHA-256 its Packages index gave, which the signed
Release file vouches for). Shows a progress bar on a terminal, log lines
otherwise, then a summary.

Examples:
  disco -C examples/starlark fetch
  disco -C examples/starlark fetch --machine web -j 8 --format json`),
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return usagef("fetch takes no arguments")
			}
			if err := f.checkFormat(); err != nil {
				return err
			}
			if f.jobs < 1 {
				return usagef("-j %d: want at least 1", f.jobs)
			}
			return e.runFetch(ctx, f)
		},
	}
}

func (e *env) runFetch(ctx context.Context, f fetchFlags) error {
	sess, err := e.openSession(ctx, f.selection)
	if err != nil {
		return err
	}
	storeLock, left, err := stages.LockStore(ctx, sess.cache, false, e.lockOptions(f.noWait))
	if err != nil {
		return err
	}
	defer storeLock.Release()
	e.logLeftovers(sess.root, left)
	_, sum, err := e.fetchAll(e.withProgress(ctx), sess, f.jobs)
	e.line.Clear()
	if err != nil {
		return err
	}
	return e.printFetchSummary(f.format, sum)
}

func (e *env) printFetchSummary(format string, s fetch.Summary) error {
	if format == "json" {
		b, err := plan.Canonical(map[string]any{
			"packages": s.Packages, "downloaded": s.Downloaded, "from_cache": s.FromCache,
			"failed": s.Failed, "bytes": s.Bytes, "seconds": s.Seconds(),
		})
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(b)
		return err
	}
	_, err := fmt.Fprintln(e.stdout, fetchSummary(s))
	return err
}

// fetchSummary is the one line that says what a fetch did.
func fetchSummary(s fetch.Summary) string {
	return fmt.Sprintf("%d packages: %d downloaded (%s), %d from cache, in %.2f s",
		s.Packages, s.Downloaded, humanBytes(s.Bytes), s.FromCache, s.Seconds())
}

// humanBytes is how the CLI prints a size ("1.5 MiB", "512 B").
func humanBytes(n int64) string { return units.Bytes(n, "B") }

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// absDirs returns the config root and cache folder as absolute paths.
func (e *env) absDirs() (root, cache string, err error) {
	if root, err = filepath.Abs(e.config); err != nil {
		return "", "", err
	}
	if cache, err = filepath.Abs(e.cacheDir()); err != nil {
		return "", "", err
	}
	return root, cache, nil
}
