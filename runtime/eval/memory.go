package eval

import (
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// DefaultMaxMemory bounds the memory one evaluation may hold: 1 GiB, far
// above what real configurations use (tens of MiB), far below what a
// runaway one would take down the host with.
const DefaultMaxMemory = 1 << 30

// How the bound is kept. go.starlark.net has a step limit but no
// allocation accounting, and a single step can allocate without limit
// (`[0] * 1000000000` is one multiplication: 16 GB), so two mechanisms
// work together:
//
//  1. Before anything is allocated, every operation that can make a value
//     much larger than its operands in one step is checked: the operators
//     + * % and their augmented forms, the string and list methods join,
//     format, replace, split, rsplit, splitlines, extend and update (both
//     rewritten into guard builtins by guardFile), the builtins that copy
//     an iterable whose length is known up front (list, tuple, set, dict,
//     sorted, reversed, enumerate, zip), those that render a value as text
//     (str, repr, print, fail, json.encode, json.indent, whose output can
//     be exponential in a value that shares its parts), json.decode and
//     read_file. Each charges the estimated size of its result; a result
//     that would not fit fails at once, naming the operation.
//  2. Every checkEvery steps, and whenever charged estimates add up to
//     sampleEvery bytes, the meter reads the Go heap (runtime/metrics):
//     while the heap's objects (live or not yet collected) fit the bound,
//     all is well; else the live heap the last garbage collection found
//     decides, and above the bound the evaluation fails. While evaluating,
//     a soft memory limit a little above the bound (softLimit) makes the
//     Go runtime collect garbage more often as the heap nears it, so that
//     figure is fresh when it matters; a large guarded operation that
//     might not fit forces one collection to decide exactly.
//
// Growth that no guard sees (appending in a loop, building dicts, string
// concatenation) takes at least a step per element, so the bound is
// exceeded by at most checkEvery steps' worth of such growth. The heap is
// measured for the whole process, relative to when evaluation started.
const (
	checkEvery  = 1024
	sampleEvery = 16 << 20
)

// meter is one evaluation's memory account.
type meter struct {
	limit    uint64
	base     uint64 // heap object bytes when evaluation started
	baseLive uint64 // live heap bytes as of the last collection before it
	pending  uint64 // bytes charged since the last sample
	sample   []metrics.Sample
}

const (
	heapObjects = "/memory/classes/heap/objects:bytes"
	heapLive    = "/gc/heap/live:bytes"
)

func newMeter(limit uint64) *meter {
	m := &meter{limit: limit, sample: []metrics.Sample{{Name: heapObjects}, {Name: heapLive}}}
	m.base, m.baseLive = m.read()
	return m
}

// read returns the bytes of heap objects (live or not yet swept) and of
// the live heap as the last garbage collection measured it.
func (m *meter) read() (objects, live uint64) {
	metrics.Read(m.sample)
	get := func(s metrics.Sample) uint64 {
		if s.Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return s.Value.Uint64()
	}
	return get(m.sample[0]), get(m.sample[1])
}

// held returns the heap grown since evaluation started: an upper bound
// (objects, counting garbage) and the live heap of the last collection.
func (m *meter) held() (upper, live uint64) {
	o, l := m.read()
	return sub(o, m.base), sub(l, m.baseLive)
}

func sub(a, b uint64) uint64 {
	if a > b {
		return a - b
	}
	return 0
}

// check fails when the heap held plus extra bytes exceeds the limit.
func (m *meter) check(extra uint64) error {
	upper, live := m.held()
	if upper+extra <= m.limit {
		return nil
	}
	// Garbage may be what is over the bound. Up to half the bound over
	// it, the last collection's figure decides for small amounts; past
	// that, or for a large operation, one collection measures exactly
	// (and then happens at most once per half a bound allocated, about
	// as often as the Go runtime would collect anyway).
	if live+extra <= m.limit && upper <= m.limit+m.limit/2 && extra < m.limit/16 {
		return nil
	}
	runtime.GC()
	if upper, _ = m.held(); upper+extra <= m.limit {
		return nil
	}
	if extra > 0 {
		return fmt.Errorf("would need %s more while evaluation holds %s; its memory bound is %s (raise it with --max-memory)",
			bytesString(extra), bytesString(upper), bytesString(m.limit))
	}
	return fmt.Errorf("evaluation holds %s, more than its memory bound of %s (raise it with --max-memory)", bytesString(upper), bytesString(m.limit))
}

// charge accounts for a result of about n bytes that what is about to
// make, failing before it is made when it would not fit.
func (m *meter) charge(what string, n uint64) error {
	if n > m.limit {
		return fmt.Errorf("%s: the result would take about %s, more than the evaluation's memory bound of %s (raise it with --max-memory)",
			what, bytesString(n), bytesString(m.limit))
	}
	m.pending += n
	if m.pending < sampleEvery && n < sampleEvery {
		return nil
	}
	m.pending = 0
	if err := m.check(n); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func bytesString(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// soft is the Go runtime's soft memory limit while evaluations run.
var soft struct {
	sync.Mutex
	running int
	prev    int64
}

// softLimit makes the Go runtime collect garbage harder as the heap nears
// limit bytes (a soft limit; the meter enforces the bound) until the
// returned func is called. With evaluations running at once (tests), the
// first one sets it and the last one restores what was there.
func softLimit(limit uint64) func() {
	soft.Lock()
	defer soft.Unlock()
	if soft.running == 0 {
		soft.prev = debug.SetMemoryLimit(int64(min(limit, math.MaxInt64)))
	}
	soft.running++
	return func() {
		soft.Lock()
		defer soft.Unlock()
		if soft.running--; soft.running == 0 {
			debug.SetMemoryLimit(soft.prev)
		}
	}
}
