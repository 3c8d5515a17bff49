package plan

import (
	"bytes"
	"io"
	"runtime"
	"sync/atomic"
)

// Document returns the canonical JSON `disco eval --format json` prints:
// {"machines": [...]} where each machine also carries its "digest".
func Document(machines []*Machine) ([]byte, error) {
	var buf bytes.Buffer
	err := WriteDocument(&buf, machines)
	return buf.Bytes(), err
}

// WriteDocument writes Document's bytes to w. Machines are encoded (and
// digested) in parallel, a batch at a time, and written in order as their
// batches are done, so the document is never held whole in memory; its
// bytes do not depend on how the work was shared.
func WriteDocument(w io.Writer, machines []*Machine) error {
	return writeDocument(w, machines, runtime.GOMAXPROCS(0), 8)
}

func writeDocument(w io.Writer, machines []*Machine, workers, batch int) error {
	n := len(machines)
	batches := max(1, (n+batch-1)/batch)
	workers = max(1, min(workers, batches))
	done := make([]chan []byte, batches)
	for k := range done {
		done[k] = make(chan []byte, 1)
	}
	// Free buffers double as tickets: a worker takes one before it takes
	// the next batch, and gets it back once that batch is written, so at
	// most 2*workers batches are in memory and the batch the writer waits
	// for always holds a ticket.
	free := make(chan []byte, 2*workers)
	for range cap(free) {
		free <- nil
	}
	var next atomic.Int64
	for range workers {
		go func() {
			d := &encoder{}
			for {
				buf := <-free
				k := int(next.Add(1) - 1)
				if k >= batches {
					free <- buf
					return
				}
				lo, hi := min(n, k*batch), min(n, (k+1)*batch)
				done[k] <- documentPiece(buf[:0], d, machines, lo, hi)
			}
		}()
	}
	var err error
	for k := range batches {
		b := <-done[k]
		if err == nil {
			_, err = w.Write(b)
		}
		free <- b
	}
	return err
}

// documentPiece appends machines[lo:hi] to dst with what surrounds them in
// the document: its start when lo is 0, its end when hi is the last
// machine. d is scratch space for digests.
func documentPiece(dst []byte, d *encoder, machines []*Machine, lo, hi int) []byte {
	e := &encoder{b: dst, pos: true}
	if lo == 0 {
		e.open('{')
		e.key("machines")
		e.open('[')
	} else {
		e.depth = 2 // inside the machines list, after a machine
	}
	for _, m := range machines[lo:hi] {
		e.elem()
		e.machine(m, m.digest(d))
	}
	if hi == len(machines) {
		e.close(']')
		e.close('}')
		e.b = append(e.b, '\n')
	}
	return e.b
}
