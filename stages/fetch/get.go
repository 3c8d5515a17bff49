package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/disco-build/disco/stages/store"
)

var (
	errStalled = errors.New("stalled")
	errTimeout = errors.New("attempt timed out")
)

// get appends the bytes of u that t lacks, from wherever u points.
func (f *Fetcher) get(ctx context.Context, d *download, u string, t *store.Temp) error {
	pu, err := url.Parse(u)
	switch {
	case !strings.Contains(u, "://"):
		return d.copyFile(u, t)
	case err != nil:
		return permanent(err)
	case pu.Scheme == "file":
		if pu.Host != "" && pu.Host != "localhost" {
			return permanent(fmt.Errorf("file URL with remote host %q", pu.Host))
		}
		return d.copyFile(pu.Path, t)
	case pu.Scheme == "http" || pu.Scheme == "https":
		release, err := f.hosts.acquire(ctx, pu.Host)
		if err != nil {
			return err
		}
		defer release()
		return d.getHTTP(ctx, u, t)
	}
	return permanent(fmt.Errorf("unsupported URL scheme %q", pu.Scheme))
}

// stallReader cancels the attempt when no byte has arrived for the stall
// timeout, and reports each read as Progress.
type stallReader struct {
	r     io.Reader
	timer *time.Timer
	stall time.Duration
}

func (s *stallReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.timer.Reset(s.stall)
	}
	return n, err
}

// copyBody appends r to t, at most the bytes the item may still need plus
// one (so an over-long body is noticed without reading it all), reporting
// progress.
func (d *download) copyBody(r io.Reader, t *store.Temp, u string) error {
	if d.it.Size > 0 {
		r = io.LimitReader(r, d.it.Size-t.Size()+1)
	}
	buf := make([]byte, 128<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := t.Write(buf[:n]); werr != nil {
				return final(werr)
			}
			d.received.Add(int64(n))
			d.f.emit(Event{Kind: Progress, Name: d.it.Name, URL: u, Bytes: t.Size(), Total: d.it.Size})
		}
		if err == io.EOF {
			return d.checkLength(t)
		}
		if err != nil {
			return err
		}
	}
}

// checkLength turns a body that ended early into a retryable truncation
// and one that ran long into a permanent size error.
func (d *download) checkLength(t *store.Temp) error {
	switch {
	case d.it.Size <= 0 || t.Size() == d.it.Size:
		return nil
	case t.Size() < d.it.Size:
		return fmt.Errorf("truncated: body ended after %d of %d bytes", t.Size(), d.it.Size)
	default:
		t.Reset()
		return permanent(fmt.Errorf("size mismatch: want %d bytes, got more", d.it.Size))
	}
}
