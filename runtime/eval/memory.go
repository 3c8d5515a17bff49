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

// checkEvery is how many steps go between two heap samples; sampleEvery
// how many charged bytes (see the package doc's "Memory bound").
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
