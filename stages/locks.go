package stages

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"sync"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/cachelock"
)

// Several disco processes may use one cache folder at once. They
// coordinate with advisory locks (package cachelock) on files under
// CACHE/.disco/locks, never in the config tree (which may be read-only):
//
//	store.lock                 the package store: shared while fetch or build run, exclusive for cache gc
//	machines/GROUP/NAME.lock   a machine's folder, exclusive while it is built
//	groups/GROUP.lock          a group's generated folder, exclusive while its generator scriptlets run
//	disco.lock-HASH.lock       a config root's disco.lock, exclusive while lock rewrites it
//
// Every process takes them in this order: the store, then all the machines
// it builds (sorted by group/name, at the start, each released when its
// build ends), then one group at a time inside one machine's build. No
// process waits for a lock earlier in the order than one it holds, so two
// processes never wait for each other. disco.lock's lock is only taken by
// lock, which takes no other.

// LockDir holds the cache's lock files: CACHE/.disco/locks.
func LockDir(cache string) string { return filepath.Join(cache, ".disco", "locks") }

// LockOptions say what to do when another process holds a lock.
type LockOptions struct {
	// NoWait fails with a *BusyError instead of waiting.
	NoWait bool
	// Waiting, when set, is told once per lock that the call waits, in a
	// sentence naming what is held and by which pid.
	Waiting func(msg string)
}

// BusyError is a lock another process holds, met with NoWait. Its message
// names the machine (or store, or group, or lock file) and the holder.
type BusyError struct{ msg string }

func (e *BusyError) Error() string { return e.msg }

// Is makes errors.Is(err, cachelock.ErrBusy) true.
func (e *BusyError) Is(target error) bool { return target == cachelock.ErrBusy }

// take acquires the lock file path; what says what its holder does
// ("machine web is being built"), followed by "by pid N" in messages.
func (o LockOptions) take(ctx context.Context, path string, mode cachelock.Mode, what string) (*cachelock.Lock, error) {
	l, err := cachelock.Acquire(ctx, path, mode, cachelock.Options{NoWait: o.NoWait, Waiting: func(pid int) {
		if o.Waiting != nil {
			o.Waiting(what + " " + byPID(pid) + "; waiting")
		}
	}})
	var be *cachelock.BusyError
	if errors.As(err, &be) {
		return nil, &BusyError{msg: what + " " + byPID(be.PID)}
	}
	return l, err
}

func byPID(pid int) string {
	if pid > 0 {
		return fmt.Sprintf("by pid %d", pid)
	}
	return "by another disco process"
}

// LockStore takes the package store's lock: shared (exclusive false) for
// runs that read and add packages, which many processes may do at once,
// exclusive for gc, which removes packages. A shared holder then removes
// the temporary files killed runs left in the store and in CACHE/.disco/tmp
// (never a live run's: package cachelock) and returns them.
func LockStore(ctx context.Context, cache string, exclusive bool, o LockOptions) (*cachelock.Lock, []Leftover, error) {
	path := filepath.Join(LockDir(cache), "store.lock")
	var l *cachelock.Lock
	var err error
	if exclusive {
		l, err = o.take(ctx, path, cachelock.Exclusive, "the package store is in use")
	} else {
		l, err = o.take(ctx, path, cachelock.Shared, "the package store is being garbage-collected")
	}
	if err != nil || exclusive {
		return l, nil, err
	}
	left, err := storeLeftovers(cache)
	if err != nil {
		l.Release()
		return nil, nil, err
	}
	return l, left, nil
}

// MachineLocks are the locks of the machines one build builds. Its
// methods may be called from the goroutines of parallel builds.
type MachineLocks struct {
	mu    sync.Mutex
	locks map[string]*cachelock.Lock // by machine ID
	// Leftovers are what killed builds had left in the machines' folders
	// (removed once their locks were taken).
	Leftovers []Leftover
}

// LockMachines takes the lock of every machine in ms, in order of their
// IDs, and removes from each machine's folder what a killed build of it
// left (a partial root tree, temporary files: see Leftover). On an error
// the locks taken so far are released.
func LockMachines(ctx context.Context, cache string, ms []*plan.Machine, o LockOptions) (*MachineLocks, error) {
	sorted := append([]*plan.Machine(nil), ms...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID() < sorted[j].ID() })
	ml := &MachineLocks{locks: map[string]*cachelock.Lock{}}
	for _, m := range sorted {
		l, err := o.take(ctx, machineLockPath(cache, m.Group, m.Name), cachelock.Exclusive, "machine "+m.ID()+" is being built")
		if err != nil {
			ml.ReleaseAll()
			return nil, err
		}
		ml.locks[m.ID()] = l
		left, err := machineLeftovers(MachineDir(cache, m.Group, m.Name))
		ml.Leftovers = append(ml.Leftovers, left...)
		if err != nil {
			ml.ReleaseAll()
			return nil, fmt.Errorf("machine %s: %w", m.ID(), err)
		}
	}
	return ml, nil
}

// Release releases m's lock (when its build is over).
func (ml *MachineLocks) Release(m *plan.Machine) {
	ml.mu.Lock()
	defer ml.mu.Unlock()
	ml.locks[m.ID()].Release()
	delete(ml.locks, m.ID())
}

// ReleaseAll releases every lock still held.
func (ml *MachineLocks) ReleaseAll() {
	ml.mu.Lock()
	defer ml.mu.Unlock()
	for id, l := range ml.locks {
		l.Release()
		delete(ml.locks, id)
	}
}

func machineLockPath(cache, group, name string) string {
	return filepath.Join(LockDir(cache), "machines", group, name+".lock")
}

// LockGroup takes the lock of a group's generated folder
// (CACHE/GROUP/generated, which the generator scriptlets of all its
// machines write), for one machine's build.
func LockGroup(ctx context.Context, cache, group string, o LockOptions) (*cachelock.Lock, error) {
	return o.take(ctx, filepath.Join(LockDir(cache), "groups", group+".lock"), cachelock.Exclusive,
		"the generated folder of group "+group+" is in use")
}

// LockLockfile takes the lock of the disco.lock at path (absolute), so
// that two lock runs do not both read it and one overwrite the other's
// changes, then removes the temporary files a killed lock left beside it
// and in the metadata cache. shown is path as messages show it.
func LockLockfile(ctx context.Context, cache, path, shown string, o LockOptions) (*cachelock.Lock, []Leftover, error) {
	sum := sha256.Sum256([]byte(path))
	name := "disco.lock-" + hex.EncodeToString(sum[:8]) + ".lock"
	l, err := o.take(ctx, filepath.Join(LockDir(cache), name), cachelock.Exclusive, shown+" is being written")
	if err != nil {
		return nil, nil, err
	}
	left, err := lockfileLeftovers(cache, filepath.Dir(path))
	if err != nil {
		l.Release()
		return nil, nil, err
	}
	return l, left, nil
}
