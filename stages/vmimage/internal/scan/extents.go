package scan

import (
	"io"
	"os"
)

type extent struct{ start, end int64 }

// dataExtents lists the byte ranges of the disk that may hold data: the
// kernel's data extents for a regular file, else the whole disk. Any error
// from the kernel falls back to the whole disk, which is always correct.
func dataExtents(r io.ReaderAt, size int64) []extent {
	whole := []extent{{0, size}}
	f, ok := r.(*os.File)
	if !ok || size == 0 || !sparseSeek {
		return whole
	}
	saved, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return whole
	}
	defer f.Seek(saved, io.SeekStart)
	var out []extent
	for off := int64(0); off < size; {
		d, err := f.Seek(off, seekData)
		if err != nil || d >= size {
			// ENXIO: no data past off. Any other error: be safe.
			if err != nil && !isNoData(err) {
				return whole
			}
			break
		}
		h, err := f.Seek(d, seekHole)
		if err != nil || h <= d {
			return whole
		}
		out = append(out, extent{d, min(h, size)})
		off = h
	}
	return out
}
