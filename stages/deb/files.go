package deb

import "io/fs"

// The S_IFMT file type bits of File.Mode (the same values as package rpm's).
const (
	ModeTypeMask = 0o170000
	ModeSymlink  = 0o120000
	ModeRegular  = 0o100000
	ModeBlock    = 0o060000
	ModeDir      = 0o040000
	ModeChar     = 0o020000
	ModeFIFO     = 0o010000
)

// File is one entry of the data archive, as dpkg unpacks it. Unlike an RPM,
// a .deb has no file list apart from its data archive: owners, modes and
// times come from the tar headers.
type File struct {
	// Index is the entry's position in dpkg's unpack order (see
	// PayloadReader), which is also the order of the package's file list.
	Index int
	// Path is where the entry installs: absolute and clean, "/" for the
	// archive's top folder.
	Path string
	// ListName is the name dpkg records in info/PKG.list: Path, except
	// "/." for a top folder archived as "./".
	ListName string
	// Name is the name as archived ("./usr/bin/x").
	Name string
	// Mode is st_mode: type bits and permissions (setuid etc.).
	Mode uint32
	// User and Group are the owner names of the tar header ("" when
	// empty); UID and GID its numbers. dpkg uses the numbers only when a
	// name does not resolve in the root's passwd and group databases.
	User, Group string
	UID, GID    uint32
	Mtime       int64
	Size        int64  // content size of a regular file, 0 for anything else
	LinkTo      string // symbolic link target, as archived
	// DevMajor and DevMinor are a device node's numbers.
	DevMajor, DevMinor uint32
	// Config is set when the conffiles control file lists Path.
	Config bool
}

// Type is the file type part of Mode.
func (f File) Type() uint32 { return f.Mode & ModeTypeMask }

// IsRegular reports a regular file (a hard link included).
func (f File) IsRegular() bool { return f.Type() == ModeRegular }

// IsDir reports a folder.
func (f File) IsDir() bool { return f.Type() == ModeDir }

// IsSymlink reports a symbolic link.
func (f File) IsSymlink() bool { return f.Type() == ModeSymlink }

// IsConfig reports a conffile.
func (f File) IsConfig() bool { return f.Config }

// Perm is the permission part of Mode, setuid, setgid and sticky included.
func (f File) Perm() uint32 { return f.Mode & 0o7777 }

// Major is a device node's major number.
func (f File) Major() uint32 { return f.DevMajor }

// Minor is a device node's minor number.
func (f File) Minor() uint32 { return f.DevMinor }

// FileMode converts Mode to an io/fs mode.
func (f File) FileMode() fs.FileMode {
	m := fs.FileMode(f.Mode & 0o777)
	if f.Mode&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if f.Mode&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if f.Mode&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	switch f.Type() {
	case ModeDir:
		m |= fs.ModeDir
	case ModeSymlink:
		m |= fs.ModeSymlink
	case ModeFIFO:
		m |= fs.ModeNamedPipe
	case ModeChar:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case ModeBlock:
		m |= fs.ModeDevice
	}
	return m
}
