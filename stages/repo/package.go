package repo

import "github.com/disco-build/disco/stages/rpmver"

// Package is one package as a repository's metadata (primary.xml, and
// filelists.xml when loaded) describes it. It is the unit the resolver works
// on and the lock pins.
type Package struct {
	Name string
	Arch string
	rpmver.EVR

	// RepoID names the repository the package came from; set by the loader.
	RepoID string
	// Checksum of the package file as primary.xml gives it.
	ChecksumType string // "sha256", "sha1", "sha512", ...
	Checksum     string // lower-case hex
	// Location is relative to LocationBase (xml:base) when set, else to the
	// repository's baseurl.
	Location     string
	LocationBase string

	PackageSize   int64 // size of the .rpm file
	InstalledSize int64
	BuildTime     int64
	FileTime      int64
	SourceRPM     string
	Summary       string

	Provides    []rpmver.Dep
	Requires    []rpmver.Dep
	Conflicts   []rpmver.Dep
	Obsoletes   []rpmver.Dep
	Recommends  []rpmver.Dep
	Suggests    []rpmver.Dep
	Supplements []rpmver.Dep
	Enhances    []rpmver.Dep

	// Files lists file paths the package owns. From primary.xml this is the
	// subset createrepo puts there (/etc, *bin/, /usr/lib/sendmail); after
	// filelists.xml is loaded it is every file. FilesComplete tells which.
	Files         []string
	FilesComplete bool
	// FileTypes is nil when every entry of Files is a plain file, else it has
	// one entry per entry of Files.
	FileTypes []FileType
}

// FileType tells what kind of entry of Package.Files a path is, as
// filelists.xml and primary.xml mark it.
type FileType uint8

// The file types of rpm-md: a plain file (no type attribute), a directory,
// and a ghost (owned, but not in the payload).
const (
	FilePlain FileType = iota
	FileDir
	FileGhost
)
