package solve

import (
	"context"
	"flag"
	"strings"
	"testing"
)

var traceSeed = flag.Int("trace", 0, "trace the resolution of -tracereq in generated case seed N")
var traceReq = flag.String("tracereq", "", "comma-separated specs to trace")
var traceWeak = flag.Bool("traceweak", false, "trace with weak dependencies on")

// TestTrace prints the solver's decisions for one generated case; a
// debugging aid, skipped unless -trace is given.
func TestTrace(t *testing.T) {
	if *traceSeed == 0 {
		t.Skip("debugging aid: -trace N -tracereq specs [-traceweak]")
	}
	c := genCase(uint64(*traceSeed), 8)
	u, prios := flatten(c)
	trace = func(f string, a ...any) { t.Logf(f, a...) }
	defer func() { trace = nil }()
	res, err := Resolve(context.Background(), u, Request{Install: strings.Split(*traceReq, ",")}, Options{Priorities: prios, Exclude: c.Excludes, WeakDeps: *traceWeak})
	t.Log(describe(res, err))
}
