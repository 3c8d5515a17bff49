package fetch

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// Renderer shows a Fetcher's Events on a writer: on a terminal one
// progress line redrawn in place (with retries and failures printed above
// it), elsewhere plain log lines for each download, retry and failure.
// Use its Event method as Options.Progress and call Finish afterwards.
type Renderer struct {
	mu       sync.Mutex
	w        io.Writer
	term     bool
	items    int
	finished int
	total    int64
	doneB    int64
	inflight map[string]int64
	current  string // the item shown on the bar
	line     string // the bar as last drawn
}

// NewRenderer returns a Renderer writing to w; isTerminal selects the
// redrawn progress bar.
func NewRenderer(w io.Writer, isTerminal bool) *Renderer {
	return &Renderer{w: w, term: isTerminal, inflight: map[string]int64{}}
}

// Event records e and updates the display.
func (r *Renderer) Event(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e.Kind {
	case Planned:
		r.items, r.total = e.Items, e.Total
	case Started:
		r.current = e.Name
	case Progress:
		r.inflight[e.Name] = e.Bytes
		r.current = e.Name
	case Retry:
		r.message(retryText(e))
	case Done:
		delete(r.inflight, e.Name)
		r.finished++
		r.doneB += max(e.Total, 0)
		switch {
		case e.Err != nil:
			r.message(fmt.Sprintf("failed %s: %v", e.Name, e.Err))
		case !e.Cached && !r.term:
			r.message(fmt.Sprintf("fetched %s (%s)", e.Name, mib(e.Total)))
		}
	}
	r.draw()
}

func retryText(e Event) string {
	if e.Delay == 0 {
		return fmt.Sprintf("%s: trying next URL after: %v", e.Name, e.Err)
	}
	return fmt.Sprintf("%s: retry %d in %s after: %v", e.Name, e.Attempt, e.Delay, e.Err)
}

// message prints a line of its own, keeping the bar below it.
func (r *Renderer) message(s string) {
	if r.term && r.line != "" {
		fmt.Fprint(r.w, "\r\x1b[K")
		r.line = ""
	}
	fmt.Fprintln(r.w, s)
}

// draw redraws the bar when its text changed (terminal only).
func (r *Renderer) draw() {
	if !r.term || r.items == 0 {
		return
	}
	got := r.doneB
	for _, b := range r.inflight {
		got += b
	}
	frac := 0.0
	if r.total > 0 {
		frac = min(float64(got)/float64(r.total), 1)
	}
	const width = 30
	fill := int(frac * width)
	line := fmt.Sprintf("[%s%s] %d/%d packages %s/%s %s", strings.Repeat("=", fill), strings.Repeat(" ", width-fill),
		r.finished, r.items, mib(got), mib(r.total), r.current)
	line = strings.TrimRight(line, " ")
	if line != r.line {
		fmt.Fprint(r.w, "\r\x1b[K"+line)
		r.line = line
	}
}

// Finish ends the display with a summary line.
func (r *Renderer) Finish(s Summary) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.term && r.line != "" {
		fmt.Fprint(r.w, "\r\x1b[K")
		r.line = ""
	}
	fmt.Fprintf(r.w, "%d packages: %d fetched (%s in %.1fs), %d from cache, %d failed\n",
		s.Packages, s.Downloaded, mib(s.Bytes), s.Seconds(), s.FromCache, s.Failed)
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
