package scan

import (
	"errors"
	"syscall"
)

// Linux lseek whence values for sparse files.
const (
	sparseSeek = true
	seekData   = 3
	seekHole   = 4
)

func isNoData(err error) bool { return errors.Is(err, syscall.ENXIO) }
