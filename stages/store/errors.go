package store

import (
	"errors"
	"fmt"
)

// ErrCorrupt is matched (errors.Is) by every *CorruptError.
var ErrCorrupt = errors.New("corrupt store object")

// CorruptError reports an object whose bytes no longer hash to its name.
// The object has been removed from the store; fetch it again.
type CorruptError struct {
	Path string // the object's path in the store
	Want string // the sum the object is stored under
	Got  string // the sum of its bytes
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s: corrupt store object (sha256 %s, want %s); removed", e.Path, e.Got, e.Want)
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// ErrMismatch is matched (errors.Is) by every *MismatchError.
var ErrMismatch = errors.New("content does not match expected sha256")

// MismatchError reports bytes offered to the store that do not hash to the
// sum they were offered under. They never entered the store.
type MismatchError struct {
	Want string // the expected sum
	Got  string // the sum of the bytes received
	Size int64  // how many bytes were received
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("sha256 mismatch: want %s, got %s (%d bytes)", e.Want, e.Got, e.Size)
}

// Is makes errors.Is(err, ErrMismatch) true.
func (e *MismatchError) Is(target error) bool { return target == ErrMismatch }
