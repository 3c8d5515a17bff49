package squashfs

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/disco-build/disco/stages/ext4"
)

// dataMarker separates definitions from file data, as unsquashfs -pf
// writes it; "R" offsets count from the byte after it.
const dataMarker = "#\n# START OF DATA - DO NOT MODIFY\n#\n"

// writePseudo writes the pseudo file: one definition per entry, the
// marker, then every regular file's data in definition order.
func (t *tree) writePseudo(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	var offset int64
	for _, e := range t.entries {
		fmt.Fprintln(w, definition(e, offset))
		if e.Mode&ext4.S_IFMT == ext4.S_IFREG {
			offset += e.Size
		}
	}
	for _, e := range t.links {
		fmt.Fprintf(w, "%s L %s\n", quote(e.Path), quote(e.Link))
	}
	w.WriteString(dataMarker)
	for _, e := range t.entries {
		if e.Mode&ext4.S_IFMT == ext4.S_IFREG && e.Size > 0 {
			if err := copyContent(w, e); err != nil {
				return err
			}
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// definition is e's pseudo file line (without the newline).
func definition(e *Entry, offset int64) string {
	typ, extra := kind(e, offset)
	return fmt.Sprintf("%s %c %d %04o %d %d%s", quote(e.Path), typ, e.Mtime, e.Mode&0o7777, e.UID, e.GID, extra)
}

// kind returns the pseudo definition type of e and what follows the
// owner fields.
func kind(e *Entry, offset int64) (byte, string) {
	switch e.Mode & ext4.S_IFMT {
	case ext4.S_IFDIR:
		return 'D', ""
	case ext4.S_IFREG:
		return 'R', fmt.Sprintf(" %d %d", e.Size, offset)
	case ext4.S_IFLNK:
		return 'S', " " + e.Target
	case ext4.S_IFBLK:
		return 'B', fmt.Sprintf(" %d %d", e.Major, e.Minor)
	case ext4.S_IFCHR:
		return 'C', fmt.Sprintf(" %d %d", e.Major, e.Minor)
	case ext4.S_IFIFO:
		return 'I', " f"
	}
	return 'I', " s" // socket
}

// quote writes a path relative to the root, double-quoted with "\" and
// '"' escaped; the root itself is "/".
func quote(p string) string {
	if p == "/" {
		return "/"
	}
	p = strings.TrimPrefix(p, "/")
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(p) + `"`
}

// copyContent copies exactly e.Size bytes of e's content.
func copyContent(w io.Writer, e *Entry) error {
	if e.Open == nil {
		return fmt.Errorf("%s: %d bytes but no content", e.Path, e.Size)
	}
	r, err := e.Open()
	if err != nil {
		return fmt.Errorf("%s: %w", e.Path, err)
	}
	defer r.Close()
	n, err := io.Copy(w, io.LimitReader(r, e.Size))
	if err != nil {
		return fmt.Errorf("%s: %w", e.Path, err)
	}
	if n != e.Size {
		return fmt.Errorf("%s: content has %d bytes, entry says %d", e.Path, n, e.Size)
	}
	var one [1]byte
	if m, _ := r.Read(one[:]); m > 0 {
		return fmt.Errorf("%s: content is longer than its size %d", e.Path, e.Size)
	}
	return nil
}
