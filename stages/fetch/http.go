package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/disco-build/disco/stages/store"
)

// getHTTP runs one HTTP attempt, asking only for the bytes t lacks.
func (d *download) getHTTP(ctx context.Context, u string, t *store.Temp) error {
	ctx, err := withProxy(ctx, d.it.Proxy)
	if err != nil {
		return final(err)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ctx, cancelT := context.WithTimeoutCause(ctx, d.f.opts.RequestTimeout, errTimeout)
	defer cancelT()
	stall := time.AfterFunc(d.f.opts.StallTimeout, func() { cancel(errStalled) })
	defer stall.Stop()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return permanent(err)
	}
	if t.Size() > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", t.Size()))
	}
	resp, err := d.f.client.client.Do(req)
	if err != nil {
		return d.cause(ctx, err)
	}
	defer resp.Body.Close()
	if err := d.startAt(resp, t); err != nil {
		return err
	}
	body := &stallReader{r: resp.Body, timer: stall, stall: d.f.opts.StallTimeout}
	if err := d.copyBody(body, t, u); err != nil {
		return d.cause(ctx, err)
	}
	return nil
}

// cause replaces a context error by the reason the attempt was cancelled.
func (d *download) cause(ctx context.Context, err error) error {
	switch c := context.Cause(ctx); {
	case errors.Is(c, errStalled):
		return fmt.Errorf("%w: no bytes for %s", errStalled, d.f.opts.StallTimeout)
	case errors.Is(c, errTimeout):
		return fmt.Errorf("%w after %s", errTimeout, d.f.opts.RequestTimeout)
	}
	return err
}

// startAt checks the response status and positions t where the body
// starts: kept as is for a matching 206, reset for a 200.
func (d *download) startAt(resp *http.Response, t *store.Temp) error {
	switch code := resp.StatusCode; {
	case code == http.StatusOK:
		if d.it.Size > 0 && resp.ContentLength >= 0 && resp.ContentLength != d.it.Size {
			return permanent(fmt.Errorf("size mismatch: want %d bytes, server sends %d", d.it.Size, resp.ContentLength))
		}
		return t.Reset()
	case code == http.StatusPartialContent:
		if start, ok := rangeStart(resp.Header.Get("Content-Range")); !ok || start != t.Size() {
			t.Reset()
			return fmt.Errorf("HTTP 206 with Content-Range %q, asked from byte %d", resp.Header.Get("Content-Range"), t.Size())
		}
		return nil
	case code == http.StatusRequestedRangeNotSatisfiable:
		t.Reset()
		return fmt.Errorf("HTTP %s for bytes from %d", resp.Status, t.Size())
	case code >= 500 || code == http.StatusRequestTimeout || code == http.StatusTooManyRequests:
		return retryAfter(fmt.Errorf("HTTP %s", resp.Status), resp.Header.Get("Retry-After"), d.f.opts.Now)
	default:
		return permanent(fmt.Errorf("HTTP %s", resp.Status))
	}
}

// rangeStart parses the first byte of "bytes START-END/TOTAL".
func rangeStart(cr string) (int64, bool) {
	rest, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return 0, false
	}
	first, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(first, 10, 64)
	return n, err == nil
}
