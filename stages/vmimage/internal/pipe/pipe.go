// Package pipe compresses the data units of a raw disk on several
// goroutines and hands the results back in disk order, so that compressed
// formats use every core and still write the same bytes on every run: each
// unit is compressed on its own, so which goroutine does it cannot matter.
//
// Entry point: Ordered.
package pipe

import (
	"context"
	"io"
	"runtime"
	"sync"

	"github.com/disco-build/disco/stages/vmimage/internal/scan"
)

// Func transforms one unit's data, appending the result to dst. Each
// goroutine gets its own Func from the factory passed to Ordered.
type Func func(dst, data []byte) ([]byte, error)

// Sink receives, in increasing unit order, each non-zero unit's index, its
// data and its transformed form; both slices are reused after it returns.
type Sink func(i int64, data, out []byte) error

type job struct {
	i         int64
	data, out []byte
	err       error
	done      chan struct{}
}

// Ordered reads the non-zero units of the disk (see scan.Each), transforms
// them with Funcs made by newFunc on up to GOMAXPROCS goroutines and calls
// sink with each result in unit order. The first error stops the work.
func Ordered(ctx context.Context, r io.ReaderAt, size, unit int64, newFunc func() Func, sink Sink) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *job, workers)
	order := make(chan *job, 2*workers)
	pool := sync.Pool{New: func() any { return &job{} }}

	var scanErr error
	go func() {
		defer close(order)
		defer close(jobs)
		scanErr = scan.Each(ctx, r, size, unit, func(i int64, d []byte) error {
			j := pool.Get().(*job)
			j.i, j.data, j.err, j.done = i, append(j.data[:0], d...), nil, make(chan struct{})
			// A job enters jobs before order, so every job the consumer
			// waits for is sure to be done by a worker.
			select {
			case jobs <- j:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case order <- j:
			case <-ctx.Done():
				return ctx.Err()
			}
			return nil
		})
	}()

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := newFunc()
			for j := range jobs {
				j.out, j.err = f(j.out[:0], j.data)
				close(j.done)
			}
		}()
	}

	var err error
	for j := range order {
		<-j.done
		if err == nil {
			err = j.err
			if err == nil {
				err = sink(j.i, j.data, j.out)
			}
			if err != nil {
				cancel()
			}
		}
		pool.Put(j)
	}
	wg.Wait()
	if err != nil {
		return err
	}
	return scanErr
}
