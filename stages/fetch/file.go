package fetch

import (
	"fmt"
	"io"
	"os"

	"github.com/disco-build/disco/stages/store"
)

// copyFile appends the bytes of a local file that t lacks.
func (d *download) copyFile(path string, t *store.Temp) error {
	src, err := os.Open(path)
	if err != nil {
		return permanent(err)
	}
	defer src.Close()
	if _, err := src.Seek(t.Size(), io.SeekStart); err != nil {
		return permanent(fmt.Errorf("%s: %w", path, err))
	}
	return d.copyBody(src, t, path)
}
