// Package progress carries progress reports from the stages of a build
// to whoever shows them, through the context, so that no library prints.
// A stage calls Send(ctx, Report{...}) as it works; the CLI installs a
// Func with With (and names the machine with WithTask) and draws the
// reports as one line on a terminal (Line). Without a Func, Send does
// nothing.
//
// Entry points: With, WithTask, Send, Line.
package progress

import "context"

// Report is where one task (a machine's build, the download) stands.
type Report struct {
	Task  string // set by Send from WithTask: "prod/web", "fetch"
	Stage string // "install", "disk", "outputs", "fetch", ...
	Done  int64  // units done so far
	Total int64  // units in all; 0 when unknown
	Unit  string // "packages", "bytes", "outputs"
	Item  string // what is being worked on: a package, a partition, a format
	End   bool   // the task has finished: it leaves the display
}

// Func receives reports. It may be called from several goroutines.
type Func func(Report)

type funcKey struct{}
type taskKey struct{}

// With returns a context whose reports go to f.
func With(ctx context.Context, f Func) context.Context {
	return context.WithValue(ctx, funcKey{}, f)
}

// WithTask returns a context whose reports are about task.
func WithTask(ctx context.Context, task string) context.Context {
	return context.WithValue(ctx, taskKey{}, task)
}

// Send reports r, its Task taken from the context.
func Send(ctx context.Context, r Report) {
	f, _ := ctx.Value(funcKey{}).(Func)
	if f == nil {
		return
	}
	if t, ok := ctx.Value(taskKey{}).(string); ok {
		r.Task = t
	}
	f(r)
}
