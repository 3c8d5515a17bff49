package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"runtime"
	"sync"
)

// Digest returns "sha256:<hex>" over the machine's canonical JSON with every
// "pos" key removed, so moving a declaration or adding a comment leaves it
// unchanged.
func (m *Machine) Digest() (string, error) {
	d := digestEncoders.Get().(*encoder)
	defer digestEncoders.Put(d)
	return m.digest(d), nil
}

// digestEncoders keeps digest buffers between calls.
var digestEncoders = sync.Pool{New: func() any { return &encoder{} }}

// digests returns the machines' digests, computed in parallel.
func digests(machines []*Machine) []string {
	out := make([]string, len(machines))
	n := len(machines)
	workers := max(1, min(runtime.GOMAXPROCS(0), n/64))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			d := &encoder{}
			for i := n * w / workers; i < n*(w+1)/workers; i++ {
				out[i] = machines[i].digest(d)
			}
		})
	}
	wg.Wait()
	return out
}

// digest computes Digest, reusing d's buffer.
func (m *Machine) digest(d *encoder) string {
	*d = encoder{b: d.b[:0], tmp: d.tmp}
	d.machine(m, "")
	d.b = append(d.b, '\n')
	sum := sha256.Sum256(d.b)
	return "sha256:" + hex.EncodeToString(sum[:])
}
