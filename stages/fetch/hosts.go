package fetch

import (
	"context"
	"sync"
)

// hostLimiter bounds the requests in flight to each host.
type hostLimiter struct {
	limit int
	mu    sync.Mutex
	slots map[string]chan struct{}
}

func newHostLimiter(limit int) *hostLimiter {
	return &hostLimiter{limit: limit, slots: map[string]chan struct{}{}}
}

// acquire waits for a slot on host and returns the function that frees it.
func (h *hostLimiter) acquire(ctx context.Context, host string) (func(), error) {
	h.mu.Lock()
	ch, ok := h.slots[host]
	if !ok {
		ch = make(chan struct{}, h.limit)
		h.slots[host] = ch
	}
	h.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}
