package stages

import (
	"archive/tar"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/disco-build/disco/stages/manifest"
	"github.com/disco-build/disco/stages/tree"
)

// writeTar writes the root as a tar archive from the manifest: numeric
// owners only, modes, device nodes, hard links and xattrs (PAX
// SCHILY.xattr records) as the manifest has them, in path order, so it is
// byte-identical on every rebuild and needs no root.
func writeTar(w io.Writer, t *tree.Tree) error {
	tw := tar.NewWriter(w)
	err := t.Manifest().Walk(func(e *manifest.Entry) error {
		if e.Path == "/" {
			return nil
		}
		hdr := tarHeader(e)
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("%s: %w", e.Path, err)
		}
		if hdr.Typeflag != tar.TypeReg || e.Size == 0 {
			return nil
		}
		rc, err := t.Open(e.Path)
		if err != nil {
			return err
		}
		defer rc.Close()
		if _, err := io.Copy(tw, rc); err != nil {
			return fmt.Errorf("%s: %w", e.Path, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

var tarTypes = map[manifest.Kind]byte{
	manifest.Dir: tar.TypeDir, manifest.File: tar.TypeReg, manifest.Symlink: tar.TypeSymlink,
	manifest.Char: tar.TypeChar, manifest.Block: tar.TypeBlock, manifest.FIFO: tar.TypeFifo,
}

func tarHeader(e *manifest.Entry) *tar.Header {
	name := strings.TrimPrefix(e.Path, "/")
	hdr := &tar.Header{Name: name, Typeflag: tarTypes[e.Kind], Mode: int64(e.Mode), Uid: int(e.UID), Gid: int(e.GID),
		ModTime: time.Unix(e.Mtime, 0), Linkname: e.Target, Devmajor: int64(e.Major), Devminor: int64(e.Minor)}
	switch {
	case e.Kind == manifest.Dir:
		hdr.Name += "/"
	case e.Link != "":
		hdr.Typeflag, hdr.Linkname = tar.TypeLink, strings.TrimPrefix(e.Link, "/")
	case e.Kind == manifest.File:
		hdr.Size = e.Size
	}
	if len(e.Xattrs) > 0 {
		hdr.PAXRecords = map[string]string{}
		for k, v := range e.Xattrs {
			hdr.PAXRecords["SCHILY.xattr."+k] = string(v)
		}
		hdr.Format = tar.FormatPAX
	}
	return hdr
}
