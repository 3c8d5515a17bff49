package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/disco-build/disco/runtime/progress"
	"github.com/disco-build/disco/stages/fetch"
	"golang.org/x/sys/unix"
)

// The status line: on a terminal, fetch and build draw where each
// running task stands (progress.Line) below the log lines; elsewhere only
// log lines are printed.

// defaultWidth is the status line's width when the terminal does not say.
const defaultWidth = 100

// newLine returns the status line for stderr.
func (e *env) newLine() *progress.Line {
	term := isTerminal(e.stderr)
	width := defaultWidth
	if f, ok := e.stderr.(*os.File); ok && term {
		// The kernel knows the window's size (an ioctl, no query to the
		// terminal).
		if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil && ws.Col > 10 {
			width = int(ws.Col) - 1
		}
	}
	return progress.NewLine(e.stderr, term, width)
}

// withProgress returns ctx whose stages report to the status line.
func (e *env) withProgress(ctx context.Context) context.Context {
	return progress.With(ctx, e.line.Report)
}

// fetchProgress turns a fetch's events into the status line's "fetch"
// task, and its retries and failures (and, off a terminal, each
// download) into log lines. The fetch serialises its events.
type fetchProgress struct {
	e               *env
	items, finished int
	total, doneB    int64
	inflight        map[string]int64
	current         string
}

func (p *fetchProgress) event(ev fetch.Event) {
	switch ev.Kind {
	case fetch.Planned:
		p.items, p.total = ev.Items, ev.Total
	case fetch.Started, fetch.Progress:
		p.inflight[ev.Name] = ev.Bytes
		p.current = ev.Name
	case fetch.Retry:
		if ev.Delay == 0 {
			p.e.log.Warn(fmt.Sprintf("%s: trying the next URL after: %v", ev.Name, ev.Err))
		} else {
			p.e.log.Warn(fmt.Sprintf("%s: retry %d in %s after: %v", ev.Name, ev.Attempt, ev.Delay, ev.Err))
		}
	case fetch.Done:
		delete(p.inflight, ev.Name)
		p.finished++
		p.doneB += max(ev.Total, 0)
		switch {
		case ev.Err != nil:
			p.e.log.Error(fmt.Sprintf("fetch %s: %v", ev.Name, ev.Err))
		case !ev.Cached && !isTerminal(p.e.stderr):
			p.e.log.Info(fmt.Sprintf("fetched %s (%s)", ev.Name, humanBytes(ev.Total)))
		}
	}
	got := p.doneB
	for _, b := range p.inflight {
		got += b
	}
	p.e.line.Report(progress.Report{Task: "fetch", Done: min(got, p.total), Total: p.total, Unit: "bytes",
		Item: fmt.Sprintf("%d/%d packages %s", p.finished, p.items, p.current)})
}

// end takes the fetch off the status line.
func (p *fetchProgress) end() { p.e.line.Report(progress.Report{Task: "fetch", End: true}) }
