package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"runtime"
	"slices"
	"sync"
)

// Document returns the canonical JSON `disco eval --format json` prints:
// {"machines": [...]} where each machine also carries its "digest".
func Document(machines []*Machine) ([]byte, error) {
	chunks := documentChunks(machines, workers(len(machines)))
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	return bytes.Join(chunks, nil), nil
}

// WriteDocument writes Document's bytes to w without joining them into
// one buffer first.
func WriteDocument(w io.Writer, machines []*Machine) error {
	for _, c := range documentChunks(machines, workers(len(machines))) {
		if _, err := w.Write(c); err != nil {
			return err
		}
	}
	return nil
}

// workers is how many goroutines encode n machines: one per CPU, each
// with at least 64 machines.
func workers(n int) int { return max(1, min(runtime.GOMAXPROCS(0), n/64)) }

// documentChunks returns the document in consecutive pieces, one per
// worker: machines are encoded (and digested) in parallel, and the bytes
// do not depend on how many workers there were.
func documentChunks(machines []*Machine, workers int) [][]byte {
	n := len(machines)
	chunks := make([][]byte, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() { chunks[w] = documentChunk(machines, lo, hi) })
	}
	wg.Wait()
	return chunks
}

// documentChunk encodes machines[lo:hi] with what surrounds them: the
// document's start when lo is 0, its end when hi is the last machine.
func documentChunk(machines []*Machine, lo, hi int) []byte {
	e, d := &encoder{pos: true}, &encoder{}
	if lo == 0 {
		e.open('{')
		e.key("machines")
		e.open('[')
	} else {
		e.depth = 2 // inside the machines list, after a machine
	}
	for i, m := range machines[lo:hi] {
		e.elem()
		e.machine(m, m.digest(d))
		if i == 0 { // machines of one configuration are much alike
			e.b = slices.Grow(e.b, (hi-lo)*len(e.b)*9/8)
		}
	}
	if hi == len(machines) {
		e.close(']')
		e.close('}')
		e.b = append(e.b, '\n')
	}
	return e.b
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
