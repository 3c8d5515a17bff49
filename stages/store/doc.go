// Package store is disco's content-addressed package store: one directory,
// shared by every machine and every disco process, holding each downloaded
// package exactly once under the SHA-256 of its bytes.
//
// Layout (DIR is the store root, usually ${cachePath}/store):
//
//	DIR/sha256/<first 2 hex>/<64 hex>            the object, mode 0444
//	DIR/sha256/<first 2 hex>/<64 hex>.verified   marker: "size mtime ctime inode" of the object when it was last hashed
//	DIR/sha256/<first 2 hex>/.tmp-<64 hex>-*     an object being written (a Put or a download in progress)
//
// Objects enter the store only through a Temp (a temporary file its writer
// holds an exclusive flock(2) on while it is open, see stages/cachelock):
// bytes are hashed while they
// are written, the file is fsynced, its hash compared with the expected sum,
// an optional check run, and only then renamed into place (rename is atomic,
// so readers never see a half-written object and two processes storing the
// same object at once both succeed). The directory is fsynced after the
// rename.
//
// Reading goes through Open, which verifies the object before handing it
// out. With VerifyMarker (the default) an object whose size, mtime, ctime and
// inode still match its marker is trusted without rehashing; VerifyAlways
// rehashes on every open. A corrupt object is removed and reported as a
// *CorruptError (errors.Is(err, ErrCorrupt)) so that the caller refetches.
//
// Entry points: Open (the store), Store.Has, Store.Path, Store.Open,
// Store.Check, Store.Put, Store.NewTemp (for resumable writers such as
// stages/fetch), Store.RemoveLeftovers, Store.GC.
//
// Reading and adding objects is safe for concurrent use by many goroutines
// and many processes without any store-wide lock: coordination is by
// atomic rename. RemoveLeftovers removes the temporary files of writers
// that have ended (killed downloads) and keeps those of live ones, whose
// lock is held; it is safe at any time. Only GC needs the store to itself,
// since it removes objects that a concurrent run may be about to use; the
// caller ensures that (disco holds the store's lock shared while it
// fetches or builds, and exclusively for gc: stages.LockStore).
package store
