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
// Objects enter the store only through a Temp: bytes are hashed while they
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
// stages/fetch), Store.GC.
//
// Everything here is safe for concurrent use by many goroutines and many
// processes; no locks are taken, all coordination is by atomic rename.
package store
