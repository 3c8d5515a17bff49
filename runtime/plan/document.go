package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"runtime"
	"slices"
	"sync"
)

// Document returns the canonical JSON `disco eval --format json` prints:
// {"machines": [...]} where each machine also carries its "digest". The
// machines are encoded in parallel; the bytes do not depend on how.
func Document(machines []*Machine) ([]byte, error) {
	parts := make([][]byte, len(machines))
	forChunks(len(machines), func(lo, hi int) {
		e, d := &encoder{pos: true, depth: 2}, &encoder{}
		ends := make([]int, 0, hi-lo)
		for i, m := range machines[lo:hi] {
			e.machine(m, m.digest(d))
			ends = append(ends, len(e.b))
			if i == 0 { // machines of one configuration are much alike
				e.b = slices.Grow(e.b, (hi-lo)*len(e.b)*9/8)
			}
		}
		start := 0
		for i, end := range ends {
			parts[lo+i] = e.b[start:end:end]
			start = end
		}
	})
	size := 32
	for _, p := range parts {
		size += len(p) + 6
	}
	e := &encoder{b: make([]byte, 0, size)}
	e.open('{')
	e.key("machines")
	e.open('[')
	for _, p := range parts {
		e.elem()
		e.b = append(e.b, p...)
	}
	e.close(']')
	e.close('}')
	return append(e.b, '\n'), nil
}

// Digest returns "sha256:<hex>" over the machine's canonical JSON with every
// "pos" key removed, so moving a declaration or adding a comment leaves it
// unchanged.
func (m *Machine) Digest() (string, error) {
	return m.digest(&encoder{}), nil
}

// digest computes Digest, reusing d's buffer.
func (m *Machine) digest(d *encoder) string {
	*d = encoder{b: d.b[:0], tmp: d.tmp}
	d.machine(m, "")
	d.b = append(d.b, '\n')
	sum := sha256.Sum256(d.b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// forChunks calls f on consecutive index ranges covering [0, n), in
// parallel when n is large enough to be worth it.
func forChunks(n int, f func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n/64)
	if workers < 2 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() { f(lo, hi) })
	}
	wg.Wait()
}
