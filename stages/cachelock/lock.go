package cachelock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Mode is how a lock is held.
type Mode int

const (
	// Shared locks are held by many at once; they exclude only Exclusive.
	Shared Mode = iota
	// Exclusive excludes every other holder.
	Exclusive
)

func (m Mode) how() int {
	if m == Exclusive {
		return syscall.LOCK_EX
	}
	return syscall.LOCK_SH
}

// Options say what Acquire does when the lock is held elsewhere.
type Options struct {
	// NoWait makes Acquire fail with a *BusyError instead of waiting.
	NoWait bool
	// Waiting, when set, is called once before Acquire waits, with the
	// pid of the exclusive holder (0 when the holders are shared or not
	// known).
	Waiting func(pid int)
}

// ErrBusy is matched (errors.Is) by every *BusyError.
var ErrBusy = errors.New("lock is held by another process")

// BusyError reports a lock held elsewhere when the caller would not wait.
type BusyError struct {
	Path string
	PID  int // the exclusive holder; 0 when the holders are shared or not known
}

func (e *BusyError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("%s: held by pid %d", e.Path, e.PID)
	}
	return fmt.Sprintf("%s: held by another process", e.Path)
}

// Is makes errors.Is(err, ErrBusy) true.
func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// Lock is a held lock. Release it; the kernel releases it anyway when the
// process ends.
type Lock struct {
	f    *os.File
	mode Mode
}

// Acquire takes the lock on path (created, with its folder, if missing) in
// mode. When another process holds it in a conflicting mode, Acquire waits
// until it is free or ctx is done, or fails at once with o.NoWait.
func Acquire(ctx context.Context, path string, mode Mode, o Options) (*Lock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	ok, err := flock(f, mode.how()|syscall.LOCK_NB)
	if err == nil && !ok {
		if o.NoWait {
			err = &BusyError{Path: path, PID: holder(f)}
		} else {
			if o.Waiting != nil {
				o.Waiting(holder(f))
			}
			if err = wait(ctx, f, mode); errors.Is(err, errAbandoned) {
				return nil, ctx.Err() // f is closed once its flock returns
			}
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	l := &Lock{f: f, mode: mode}
	if err := l.record(); err != nil {
		l.Release()
		return nil, fmt.Errorf("lock: %s: %w", path, err)
	}
	return l, nil
}

// TryAcquire takes the lock on path if it is free, and reports whether it
// did. It never waits.
func TryAcquire(path string, mode Mode) (*Lock, bool, error) {
	l, err := Acquire(context.Background(), path, mode, Options{NoWait: true})
	if errors.Is(err, ErrBusy) {
		return nil, false, nil
	}
	return l, err == nil, err
}

var errAbandoned = errors.New("wait abandoned")

// wait blocks in flock until the lock is free or ctx is done. A flock
// call cannot be interrupted: when ctx ends first it is left to finish,
// and f is closed (dropping the lock) when it does.
func wait(ctx context.Context, f *os.File, mode Mode) error {
	done := make(chan error, 1)
	go func() {
		_, err := flock(f, mode.how())
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("lock: %s: %w", f.Name(), err)
		}
		return nil
	case <-ctx.Done():
		go func() { <-done; f.Close() }()
		return errAbandoned
	}
}

// record writes the holder's pid into the file of an exclusive lock and
// empties that of a shared one (whatever it says is a former holder's).
func (l *Lock) record() error {
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	if l.mode != Exclusive {
		return nil
	}
	_, err := l.f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}

// Release drops the lock. It is safe to call more than once.
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	if l.mode == Exclusive {
		l.f.Truncate(0) // the next reader must not name a holder that is gone
	}
	l.f.Close()
	l.f = nil
}

// holder reads the pid an exclusive holder wrote into f. A holder that has
// just taken the lock may not have written it yet, so an empty file is read
// again for a few milliseconds; shared holders write nothing, and 0 means
// unknown.
func holder(f *os.File) int {
	buf := make([]byte, 32)
	for range 5 {
		n, _ := f.ReadAt(buf, 0)
		if pid, err := strconv.Atoi(strings.TrimSpace(string(buf[:n]))); err == nil && pid > 0 {
			return pid
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0
}

// flock applies how to f, reporting false (and no error) when LOCK_NB was
// asked and the lock is held elsewhere.
func flock(f *os.File, how int) (bool, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return false, err
	}
	var ferr error
	err = rc.Control(func(fd uintptr) {
		for {
			ferr = syscall.Flock(int(fd), how)
			if ferr != syscall.EINTR {
				return
			}
		}
	})
	switch {
	case err != nil:
		return false, err
	case ferr == syscall.EWOULDBLOCK:
		return false, nil
	case ferr != nil:
		return false, ferr
	}
	return true, nil
}
