package fetch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/disco-build/disco/stages/store"
)

// download is the state of one item's download across attempts and URLs.
type download struct {
	f        *Fetcher
	it       Item
	sum      string
	temp     *store.Temp // the partial file, kept across retries and mirrors
	received *atomic.Int64
}

func (f *Fetcher) fetchItem(ctx context.Context, it Item, received *atomic.Int64) result {
	sum := strings.ToLower(it.SHA256)
	if err := store.ValidSum(sum); err != nil {
		return f.finish(it, result{err: err})
	}
	if f.store.Check(sum) == nil {
		return f.finish(it, result{cached: true})
	}
	if len(it.URLs) == 0 {
		return f.finish(it, result{err: errors.New("no URL to fetch from")})
	}
	f.emit(Event{Kind: Started, Name: it.Name, Total: it.Size})
	d := &download{f: f, it: it, sum: sum, received: received}
	defer d.abort()
	var err error
	for i, u := range it.URLs {
		if err = d.tryURL(ctx, u); err == nil || ctx.Err() != nil || isFinal(err) {
			break
		}
		if i+1 < len(it.URLs) {
			f.emit(Event{Kind: Retry, Name: it.Name, URL: u, Err: err})
		}
	}
	if err != nil && len(it.URLs) > 1 && !isFinal(err) {
		err = fmt.Errorf("all %d URLs failed, last: %w", len(it.URLs), err)
	}
	return f.finish(it, result{err: err})
}

func (f *Fetcher) finish(it Item, r result) result {
	f.emit(Event{Kind: Done, Name: it.Name, Total: it.Size, Bytes: max(it.Size, 0), Cached: r.cached, Err: r.err})
	return r
}

// tryURL attempts one URL until it succeeds, fails permanently or runs out
// of retries.
func (d *download) tryURL(ctx context.Context, u string) error {
	for attempt := 1; ; attempt++ {
		err := d.attempt(ctx, u)
		if err == nil {
			return nil
		}
		err = fmt.Errorf("%s: %w", u, err)
		if isPermanent(err) || attempt > d.f.opts.Retries || ctx.Err() != nil {
			return err
		}
		delay := min(max(d.f.opts.BackoffBase<<(attempt-1), serverWait(err)), d.f.opts.BackoffMax)
		d.f.emit(Event{Kind: Retry, Name: d.it.Name, URL: u, Attempt: attempt, Delay: delay, Err: err})
		if serr := d.f.opts.Sleep(ctx, delay); serr != nil {
			return fmt.Errorf("%w (while waiting to retry after: %w)", serr, err)
		}
	}
}

// attempt fetches the missing bytes from u and, once all are there,
// commits them to the store.
func (d *download) attempt(ctx context.Context, u string) error {
	t, err := d.partial()
	if err != nil {
		return final(err)
	}
	if err := d.f.get(ctx, d, u, t); err != nil {
		return err
	}
	return d.commit(t)
}

// commit checks the size, then lets the store check the hash and run the
// Verify hook. Whatever fails, the partial file is gone afterwards.
func (d *download) commit(t *store.Temp) error {
	d.temp = nil
	if d.it.Size > 0 && t.Size() != d.it.Size {
		t.Abort()
		return permanent(fmt.Errorf("size mismatch: want %d bytes, got %d", d.it.Size, t.Size()))
	}
	var check func(string) error
	if d.f.opts.Verify != nil {
		check = func(path string) error {
			if err := d.f.opts.Verify(d.it.Name, path); err != nil {
				return final(fmt.Errorf("verify: %w", err))
			}
			return nil
		}
	}
	err := t.Commit(check)
	switch {
	case err == nil || isFinal(err):
		return err
	case errors.Is(err, store.ErrMismatch):
		return permanent(err) // this mirror's bytes are wrong; another's may not be
	default:
		return final(err) // the store itself failed; no URL can help
	}
}

func (d *download) partial() (*store.Temp, error) {
	if d.temp == nil {
		t, err := d.f.store.NewTemp(d.sum)
		if err != nil {
			return nil, err
		}
		d.temp = t
	}
	return d.temp, nil
}

func (d *download) abort() {
	if d.temp != nil {
		d.temp.Abort()
	}
}
