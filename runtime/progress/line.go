package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// Line shows reports as one status line redrawn in place on a terminal
// ("\r", erase line), one part per running task in the order they
// started, cut to a width; messages are printed above it. Elsewhere
// (term false) it draws nothing and prints the messages only.
type Line struct {
	mu    sync.Mutex
	w     io.Writer
	term  bool
	width int
	tasks []Report // the running tasks, in the order they started
	drawn string   // the line as last drawn
}

// NewLine returns a Line on w, at most width columns wide.
func NewLine(w io.Writer, term bool, width int) *Line {
	return &Line{w: w, term: term, width: width}
}

// Report records r and redraws the line.
func (l *Line) Report(r Report) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i := 0
	for i < len(l.tasks) && l.tasks[i].Task != r.Task {
		i++
	}
	switch {
	case r.End && i < len(l.tasks):
		l.tasks = append(l.tasks[:i], l.tasks[i+1:]...)
	case r.End:
	case i < len(l.tasks):
		l.tasks[i] = r
	default:
		l.tasks = append(l.tasks, r)
	}
	l.draw()
}

// Print writes a message on a line of its own, above the status line.
func (l *Line) Print(msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.erase()
	fmt.Fprintln(l.w, msg)
	l.draw()
}

// Writer is an io.Writer whose writes go above the status line (for a
// logger); each write should be whole lines.
func (l *Line) Writer() io.Writer { return lineWriter{l} }

type lineWriter struct{ l *Line }

func (w lineWriter) Write(b []byte) (int, error) {
	w.l.mu.Lock()
	defer w.l.mu.Unlock()
	w.l.erase()
	n, err := w.l.w.Write(b)
	w.l.draw()
	return n, err
}

// Clear erases the status line and forgets every task.
func (l *Line) Clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.erase()
	l.tasks = nil
}

func (l *Line) erase() {
	if l.term && l.drawn != "" {
		fmt.Fprint(l.w, "\r\x1b[K")
		l.drawn = ""
	}
}

func (l *Line) draw() {
	if !l.term {
		return
	}
	var parts []string
	for _, r := range l.tasks {
		parts = append(parts, r.String())
	}
	line := strings.Join(parts, " | ")
	if len(line) > l.width && l.width > 3 {
		line = line[:l.width-3] + "..."
	}
	if line == l.drawn {
		return
	}
	fmt.Fprint(l.w, "\r\x1b[K"+line)
	l.drawn = line
}

// String is one task's part of the line: "prod/web install 12/40
// packages bash", "fetch 3.0/12.5 MiB", "prod/web disk 80.0 MiB root".
func (r Report) String() string {
	var b strings.Builder
	b.WriteString(r.Task)
	if r.Stage != "" && r.Stage != r.Task {
		b.WriteString(" " + r.Stage)
	}
	switch {
	case r.Unit == "bytes" && r.Total > 0:
		f, unit := scale(r.Total)
		fmt.Fprintf(&b, " %.1f/%.1f %s", float64(r.Done)/f, float64(r.Total)/f, unit)
	case r.Unit == "bytes":
		f, unit := scale(r.Done)
		fmt.Fprintf(&b, " %.1f %s", float64(r.Done)/f, unit)
	case r.Total > 0:
		fmt.Fprintf(&b, " %d/%d %s", r.Done, r.Total, r.Unit)
	}
	if r.Item != "" {
		b.WriteString(" " + r.Item)
	}
	return b.String()
}

// scale picks the unit to show n bytes in.
func scale(n int64) (float64, string) {
	switch {
	case n >= 1<<30:
		return 1 << 30, "GiB"
	case n >= 1<<20:
		return 1 << 20, "MiB"
	}
	return 1 << 10, "KiB"
}
