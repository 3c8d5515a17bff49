// Package cachelock coordinates the disco processes that share a cache
// folder, with advisory flock(2) locks, which the kernel releases when their
// holder exits or is killed, so a lock is never left behind:
//
//   - Acquire takes a named lock (a file, under CACHE/.disco/locks for
//     disco), shared or exclusive. It waits for a lock held elsewhere,
//     telling its caller once, or with Options.NoWait fails at once with a
//     *BusyError. An exclusive holder writes its pid into the lock file, so
//     both can name it.
//   - CreateTemp and MkdirTemp make temporary files and folders that carry
//     their own exclusive lock for as long as their writer keeps them open;
//     RemoveIfDead removes one only when that lock is free. A killed run's
//     leftovers are thereby told from a live run's work without guessing
//     from ages or pids (which the kernel reuses).
//
// flock locks belong to an open file description: two Acquires of one
// path in one process exclude each other just as two processes do, and a
// lock is not inherited by the programs disco starts (Go opens files
// close-on-exec). Locks are advisory and need a local file system; on NFS
// Linux emulates them with fcntl byte-range locks, which behave the same
// between hosts but not between two opens in one process.
//
// Written by hand on syscall.Flock: the libraries (gofrs/flock and the
// like) wrap the same call but neither record the holder nor put locks on
// temporary files, which is most of what this package is for.
package cachelock
